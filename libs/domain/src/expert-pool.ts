/**
 * The expert pool (专家库) as the rest of the platform sees it: what an expert record may hold,
 * when an expert can be drawn, the unified social credit code (统一社会信用代码) that names the
 * employer, owner and bidders, and the recorded form of a committee draw that a supervisor
 * replays without reading the live pool.
 */
import {
  type CommitteeDraw,
  type CommitteeDrawInput,
  type ExclusionReason,
  type PoolExpert,
  type SpecialtyNeed,
  exclusionReason,
  replayCommitteeDraw,
} from './evaluation-committee.js';
import { DomainError } from './errors.js';
import { canonicalOrder } from './seeded-draw.js';

export const COMMITTEE_HOST_TYPES = ['tender_project', 'procurement_project'] as const;
export type CommitteeHostType = (typeof COMMITTEE_HOST_TYPES)[number];

export const MAX_EXPERT_NAME_LENGTH = 100;
export const MAX_EMPLOYER_NAME_LENGTH = 200;
export const MAX_EXPERT_SPECIALTIES = 10;
export const MAX_BIDDER_ORGS = 500;
/** A specialty is a short code ('building', 'municipal', 'cost', 'law', 'goods' …). */
export const SPECIALTY_PATTERN = /^[a-z][a-z0-9_]{1,31}$/;
/** Digits, an optional leading +, spaces and hyphens: a mainland mobile or a landline with its area code. */
export const PHONE_PATTERN = /^\+?[0-9][0-9 -]{5,23}[0-9]$/;

export function isSpecialtyCode(value: unknown): value is string {
  return typeof value === 'string' && SPECIALTY_PATTERN.test(value);
}

// ---------------------------------------------------------------------------------------------
// Availability

/**
 * Drawable on `today`: marked available, and not inside a stated absence (`unavailableUntil` is
 * the last day away, inclusive).
 */
export function isExpertAvailableOn(
  expert: { available: boolean; unavailableUntil: string | null },
  today: string,
): boolean {
  return expert.available && (expert.unavailableUntil === null || expert.unavailableUntil < today);
}

// ---------------------------------------------------------------------------------------------
// The recorded draw

/**
 * One expert of the pool as it stood at the draw: everything the exclusions read (employer,
 * availability, the days they sat with this owner) and the reason recorded, or null. No name,
 * no phone: the record is about eligibility, not people.
 */
export interface RecordedPoolExpert {
  expertId: string;
  specialties: string[];
  employerOrgCode: string;
  available: boolean;
  satWithOwnerOn: string[];
  excluded: ExclusionReason | null;
}

export interface RecordedCommitteeDraw {
  seed: string;
  needs: readonly SpecialtyNeed[];
  ownerOrgCode: string;
  bidderOrgCodes: readonly string[];
  drawDay: string;
  recentSittingDays: number;
  pool: readonly RecordedPoolExpert[];
}

/** The pool as the draw saw it, in canonical order (by id), with each one's exclusion or none. */
export function recordPool(input: CommitteeDrawInput, draw: CommitteeDraw): RecordedPoolExpert[] {
  const reasons = new Map(draw.excluded.map((entry) => [entry.expertId, entry.reason]));
  return canonicalOrder(input.pool, (expert) => expert.id).map((expert) => ({
    expertId: expert.id,
    specialties: canonicalOrder(expert.specialties, (specialty) => specialty),
    employerOrgCode: expert.employerOrgId,
    available: expert.available,
    satWithOwnerOn: canonicalOrder(
      expert.recentSittings
        .filter((sitting) => sitting.ownerOrgId === input.ownerOrgId)
        .map((sitting) => sitting.satOn),
      (day) => day,
    ),
    excluded: reasons.get(expert.id) ?? null,
  }));
}

export interface CommitteeReplay {
  /** The members the replay draws, or null when the recorded lists cannot fill the needs. */
  memberIds: string[] | null;
  /** Every recorded exclusion is the one the recorded facts give (and none is missing). */
  exclusionsHold: boolean;
  /** Why the replay drew nobody (the domain's code), when it did not. */
  refusal: string | null;
}

/**
 * A supervisor's replay: the exclusions are re-derived from the recorded facts and compared
 * with the recorded reasons, then the committee is drawn again (replayCommitteeDraw) from the
 * recorded eligible experts and the seed. A changed candidate, reason or seed shows up as a
 * different committee or as exclusions that do not hold.
 */
export function replayRecordedDraw(recorded: RecordedCommitteeDraw): CommitteeReplay {
  const bidders = new Set(recorded.bidderOrgCodes);
  const facts = {
    ownerOrgId: recorded.ownerOrgCode,
    today: recorded.drawDay,
    recentSittingDays: recorded.recentSittingDays,
  };
  const exclusionsHold = recorded.pool.every((entry) => {
    const expert: PoolExpert = {
      id: entry.expertId,
      specialties: entry.specialties,
      employerOrgId: entry.employerOrgCode,
      available: entry.available,
      recentSittings: entry.satWithOwnerOn.map((satOn) => ({ ownerOrgId: recorded.ownerOrgCode, satOn })),
    };
    return exclusionReason(expert, facts, bidders) === entry.excluded;
  });
  const eligible = recorded.pool.filter((entry) => entry.excluded === null);
  try {
    const replay = replayCommitteeDraw({
      seed: recorded.seed,
      needs: recorded.needs,
      candidates: recorded.needs.map(({ specialty }) => ({
        specialty,
        expertIds: eligible
          .filter((entry) => entry.specialties.includes(specialty))
          .map((entry) => entry.expertId),
      })),
    });
    return { memberIds: replay.expertIds, exclusionsHold, refusal: null };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { memberIds: null, exclusionsHold, refusal: error.code };
  }
}
