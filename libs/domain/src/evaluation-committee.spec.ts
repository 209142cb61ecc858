import { DomainError, type ErrorCode } from './errors.js';
import {
  type CommitteeDrawInput,
  type CommitteeProject,
  type PoolExpert,
  checkCommitteeComposition,
  committeeRule,
  drawCommittee,
  minExperts,
  replayCommitteeDraw,
} from './evaluation-committee.js';

function refusal(attempt: () => unknown): { code: ErrorCode; details: any } | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: error.details };
  }
}

describe('committeeRule: the minimum size per line, method and budget', () => {
  it.each<[string, CommitteeProject, number]>([
    ['a construction tender', { line: 'tender' }, 5],
    [
      'procurement open tender under 1000万',
      { line: 'procurement', method: 'open_tender', budget: 999_999_999 },
      5,
    ],
    [
      'procurement open tender at exactly 1000万',
      { line: 'procurement', method: 'open_tender', budget: 1_000_000_000 },
      7,
    ],
    [
      'procurement invited tender above 1000万',
      { line: 'procurement', method: 'invited_tender', budget: 2_000_000_000 },
      7,
    ],
    [
      'procurement open tender, small but technically complex',
      { line: 'procurement', method: 'open_tender', budget: 100_000, complexOrHighProfile: true },
      7,
    ],
    [
      'framework agreement, as a tender',
      { line: 'procurement', method: 'framework_agreement', budget: 100_000 },
      5,
    ],
    ['negotiation', { line: 'procurement', method: 'competitive_negotiation', budget: 5_000_000_000 }, 3],
    ['consultation', { line: 'procurement', method: 'competitive_consultation', budget: 100_000 }, 3],
    ['quotation', { line: 'procurement', method: 'request_for_quotation', budget: 100_000 }, 3],
    [
      'single source: a negotiation group',
      { line: 'procurement', method: 'single_source', budget: 5_000_000_000 },
      3,
    ],
  ])('%s → %s', (_name, project, min) => {
    expect(committeeRule(project).minMembers).toBe(min);
  });
});

describe('checkCommitteeComposition', () => {
  const tender = committeeRule({ line: 'tender' });
  const large = committeeRule({ line: 'procurement', method: 'open_tender', budget: 1_000_000_000 });
  const small = committeeRule({ line: 'procurement', method: 'competitive_negotiation', budget: 100_000 });

  it.each<[string, typeof tender, number, number, ErrorCode | undefined]>([
    ['tender 4 experts + 1 owner', tender, 4, 1, undefined],
    ['tender 5 experts', tender, 5, 0, undefined],
    ['tender 3 experts + 1 owner (4)', tender, 3, 1, 'COMMITTEE_TOO_SMALL'],
    ['tender 4 experts + 2 owners (6, even)', tender, 4, 2, 'COMMITTEE_NOT_ODD'],
    ['tender 3 experts + 2 owners (3/5 < 2/3)', tender, 3, 2, 'COMMITTEE_TOO_FEW_EXPERTS'],
    ['tender 5 experts + 2 owners (5/7 ≥ 2/3)', tender, 5, 2, undefined],
    ['tender 4 experts + 3 owners (4/7 < 2/3)', tender, 4, 3, 'COMMITTEE_TOO_FEW_EXPERTS'],
    ['1000万: 5 members', large, 4, 1, 'COMMITTEE_TOO_SMALL'],
    ['1000万: 7 members', large, 5, 2, undefined],
    ['negotiation: 3 members, 2 experts', small, 2, 1, undefined],
    ['negotiation: 2 members', small, 2, 0, 'COMMITTEE_TOO_SMALL'],
    ['negotiation: 3 members, 1 expert', small, 1, 2, 'COMMITTEE_TOO_FEW_EXPERTS'],
  ])('%s → %s', (_name, rule, experts, ownerRepresentatives, code) => {
    expect(refusal(() => checkCommitteeComposition(rule, { experts, ownerRepresentatives }))?.code).toBe(
      code,
    );
  });

  it.each<[number, number]>([
    [3, 2],
    [5, 4],
    [7, 5],
    [9, 6],
  ])('a committee of %d needs %d experts', (members, experts) => {
    expect(minExperts(members)).toBe(experts);
  });
});

const expert = (
  id: string,
  specialties: string[],
  employerOrgId: string,
  extra: Partial<PoolExpert> = {},
): PoolExpert => ({
  id,
  specialties,
  employerOrgId,
  available: true,
  recentSittings: [],
  ...extra,
});

const POOL: PoolExpert[] = [
  expert('x01', ['civil'], 'org-a'),
  expert('x02', ['civil'], 'org-b'),
  expert('x03', ['civil', 'cost'], 'org-c'),
  expert('x04', ['civil'], 'org-d'),
  expert('x05', ['cost'], 'org-e'),
  expert('x06', ['cost'], 'org-f'),
  expert('x07', ['civil'], 'org-g'),
  expert('x08', ['civil'], 'OWNER'),
  expert('x09', ['cost'], 'BIDDER-1'),
  expert('x10', ['civil'], 'org-h', { available: false }),
  expert('x11', ['cost'], 'org-i', { recentSittings: [{ ownerOrgId: 'OWNER', satOn: '2026-09-01' }] }),
  expert('x12', ['civil'], 'org-j', { recentSittings: [{ ownerOrgId: 'OWNER', satOn: '2026-08-31' }] }),
  expert('x13', ['civil'], 'org-k', { recentSittings: [{ ownerOrgId: 'OTHER', satOn: '2026-11-01' }] }),
];

const INPUT: CommitteeDrawInput = {
  pool: POOL,
  ownerOrgId: 'OWNER',
  bidderOrgIds: ['BIDDER-1', 'BIDDER-2'],
  needs: [
    { specialty: 'civil', count: 3 },
    { specialty: 'cost', count: 2 },
  ],
  seed: 'c0ffee-2026-11-30',
  today: '2026-11-30',
  recentSittingDays: 90,
};

describe('drawCommittee: conflicts excluded, seeded, replayable', () => {
  it('excludes each conflict with its reason (90 days: 2026-09-01 is day 90, 2026-08-31 day 91)', () => {
    expect(drawCommittee(INPUT).excluded).toEqual([
      { expertId: 'x08', reason: 'employed_by_owner' },
      { expertId: 'x09', reason: 'employed_by_bidder' },
      { expertId: 'x10', reason: 'unavailable' },
      { expertId: 'x11', reason: 'sat_with_owner_recently' },
    ]);
  });

  it('lists the eligible candidates per specialty, sorted', () => {
    expect(drawCommittee(INPUT).candidates).toEqual([
      { specialty: 'civil', expertIds: ['x01', 'x02', 'x03', 'x04', 'x07', 'x12', 'x13'] },
      { specialty: 'cost', expertIds: ['x03', 'x05', 'x06'] },
    ]);
  });

  it('draws each need from its candidates, nobody twice', () => {
    const draw = drawCommittee(INPUT);
    expect(draw.picks.map((pick) => [pick.specialty, pick.expertIds.length])).toEqual([
      ['civil', 3],
      ['cost', 2],
    ]);
    expect(new Set(draw.expertIds).size).toBe(5);
    draw.picks.forEach((pick, index) =>
      pick.expertIds.forEach((id) => expect(draw.candidates[index].expertIds).toContain(id)),
    );
  });

  it('is the same for the same seed whatever order the pool, the bidders and the needs come in', () => {
    const shuffled: CommitteeDrawInput = {
      ...INPUT,
      pool: [...POOL].reverse(),
      bidderOrgIds: ['BIDDER-2', 'BIDDER-1'],
      needs: [...INPUT.needs].reverse(),
    };
    expect(drawCommittee(shuffled)).toEqual(drawCommittee(INPUT));
  });

  it('replays from the recorded seed and candidate lists to the same committee', () => {
    const draw = drawCommittee(INPUT);
    const replay = replayCommitteeDraw({
      seed: draw.seed,
      needs: draw.needs,
      candidates: draw.candidates.map((list) => ({ ...list, expertIds: [...list.expertIds].reverse() })),
    });
    expect(replay.expertIds).toEqual(draw.expertIds);
    expect(replay.picks).toEqual(draw.picks);
  });

  it('gives other committees for other seeds', () => {
    const committees = new Set(
      Array.from({ length: 20 }, (_, i) =>
        drawCommittee({ ...INPUT, seed: `seed-${i}` }).expertIds.join(','),
      ),
    );
    expect(committees.size).toBeGreaterThan(1);
  });

  it('never seats an excluded expert, for any of 50 seeds', () => {
    for (let i = 0; i < 50; i += 1) {
      const ids = drawCommittee({ ...INPUT, seed: `s${i}` }).expertIds;
      for (const excluded of ['x08', 'x09', 'x10', 'x11']) expect(ids).not.toContain(excluded);
    }
  });

  it('a shorter look-back (N = 0) admits the expert who sat on 2026-09-01', () => {
    expect(drawCommittee({ ...INPUT, recentSittingDays: 0 }).candidates[1].expertIds).toContain('x11');
  });

  it.each<[string, Partial<CommitteeDrawInput>, unknown]>([
    [
      'cost needs 4, 3 eligible',
      { needs: [{ specialty: 'cost', count: 4 }] },
      { shortages: [{ specialty: 'cost', needed: 4, eligible: 3 }] },
    ],
    [
      'a specialty nobody has',
      { needs: [{ specialty: 'electrical', count: 1 }] },
      { shortages: [{ specialty: 'electrical', needed: 1, eligible: 0 }] },
    ],
    [
      'civil takes everyone: x03 cannot also sit for cost',
      {
        needs: [
          { specialty: 'civil', count: 7 },
          { specialty: 'cost', count: 3 },
        ],
      },
      { shortages: [{ specialty: 'cost', needed: 3, eligible: 2 }] },
    ],
  ])('too few eligible: %s → NOT_ENOUGH_ELIGIBLE_EXPERTS', (_name, change, details) => {
    expect(refusal(() => drawCommittee({ ...INPUT, ...change }))).toEqual({
      code: 'NOT_ENOUGH_ELIGIBLE_EXPERTS',
      details,
    });
  });

  it.each<[string, Partial<CommitteeDrawInput>]>([
    ['no needs', { needs: [] }],
    ['a need of 0', { needs: [{ specialty: 'civil', count: 0 }] }],
    [
      'a specialty twice',
      {
        needs: [
          { specialty: 'civil', count: 1 },
          { specialty: 'civil', count: 1 },
        ],
      },
    ],
    ['an expert twice in the pool', { pool: [...POOL, POOL[0]] }],
    ['no seed', { seed: '' }],
    ['a bad date', { today: '2026-11-31' }],
    ['a negative look-back', { recentSittingDays: -1 }],
  ])('refuses %s with VALIDATION_FAILED', (_name, change) => {
    expect(refusal(() => drawCommittee({ ...INPUT, ...change }))?.code).toBe('VALIDATION_FAILED');
  });
});
