import type { ExpertEntity } from '@ggzy/persistence';
import type { CommitteeDrawView } from './expert-pool.service.js';

/** A host's committee as supervisors (and staff after the opening) read it, with the draw to replay;
 * tenders and procurement show it alike. */
export function toCommitteeView(
  draw: CommitteeDrawView,
  members: (ExpertEntity | null)[],
  options: { withSeed: boolean },
) {
  return {
    drawId: draw.id,
    // For supervisors' replays; staff, who see the members after the opening, do not need it.
    seed: options.withSeed ? draw.seed : null,
    rule: draw.rule,
    needs: draw.needs,
    drawDay: draw.drawDay,
    drawnAt: draw.drawnAt,
    drawnBy: draw.drawnBy,
    bidderOrgCodes: draw.bidderOrgCodes,
    members: members.map((expert, index) => ({
      expertId: draw.memberIds[index],
      name: expert?.name ?? null,
      employerName: expert?.employerName ?? null,
      specialties: expert?.specialties ?? [],
    })),
    candidates: draw.candidates,
  };
}
