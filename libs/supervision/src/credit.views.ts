import { activeBan, disclosedParty } from '@ggzy/domain';
import type { SanctionRow, SanctionWithParty } from '@ggzy/persistence';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** Whether a ban holds at `at` (in the centre's zone): what a list shows beside the dates. */
function inForce(sanction: SanctionRow, at: Date, timeZone: string): boolean {
  return activeBan(sanction.partyId, [sanction], at, timeZone) !== undefined;
}

/** A sanction as supervisors see it: everything, with the party's account. */
export function toSanctionView(sanction: SanctionRow | SanctionWithParty, at: Date, timeZone: string) {
  return {
    id: sanction.id,
    partyId: sanction.partyId,
    ...('partyUsername' in sanction
      ? {
          party: {
            username: sanction.partyUsername,
            displayName: sanction.partyDisplayName,
            orgCode: sanction.partyOrgCode,
          },
        }
      : {}),
    kind: sanction.kind,
    reason: sanction.reason,
    basis: sanction.basis,
    sourceRef: sanction.sourceRef,
    startsOn: sanction.startsOn,
    bannedUntil: sanction.bannedUntil,
    inForce: inForce(sanction, at, timeZone),
    recordedBy: sanction.recordedBy,
    recordedAt: sanction.recordedAt.toISOString(),
    revokedOn: sanction.revokedOn,
    revokedBy: sanction.revokedBy,
    revokedAt: iso(sanction.revokedAt),
    revokeReason: sanction.revokeReason,
  };
}

/**
 * One line of the public credit list: the party as the disclosure rules allow (an organisation
 * by name and code, a person masked; never an account id), what it was sanctioned with, why,
 * on what basis and for which period. The process it arose from and who recorded it stay inside.
 */
export function toPublicCreditEntry(sanction: SanctionWithParty, at: Date, timeZone: string) {
  return {
    party: disclosedParty({ displayName: sanction.partyDisplayName, orgCode: sanction.partyOrgCode }),
    kind: sanction.kind,
    reason: sanction.reason,
    basis: sanction.basis,
    startsOn: sanction.startsOn,
    bannedUntil: sanction.bannedUntil,
    revokedOn: sanction.revokedOn,
    inForce: inForce(sanction, at, timeZone),
  };
}
