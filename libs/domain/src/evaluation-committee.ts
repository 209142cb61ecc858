/**
 * The evaluation committee (评标委员会 / 评审小组): how big it must be, and the seeded draw of its
 * experts from the pool (专家库) with conflicts of interest excluded.
 *
 * Sizes: 招标投标法 第37条 (tenders: ≥ 5, odd, experts ≥ 2/3); 财政部令第87号 第47条 (procurement
 * tenders: ≥ 5, and ≥ 7 when the budget is ≥ 1000万元 or the project is technically complex or of
 * wide public concern); 财政部令第74号 第7条 and 财库〔2014〕214号 第14条 (negotiation, quotation,
 * consultation: ≥ 3, odd, experts ≥ 2/3). Single source negotiates with a group of the same
 * size (DOMAIN.md B: panels ≥ 3): 第74号令 第41条 asks for experienced professionals to agree the
 * price, and a draw from the pool gives them with the supplier's and purchaser's staff excluded.
 *
 * The draw is replayable: the pool is filtered to the eligible experts (every exclusion recorded
 * with its reason), each specialty's candidates are sorted by id, and a SHA-256 counter stream
 * from the recorded seed picks them. A supervisor replays it from the recorded candidate lists
 * and seed (replayCommitteeDraw) and gets the same committee.
 */
import { DomainError } from './errors.js';
import type { RuleViolation } from './lease-listing-schedule.js';
import { type Fen, isFen } from './money.js';
import type { ProcurementMethod } from './procurement-lifecycle.js';
import { SeededStream, canonicalOrder, drawWithoutReplacement, requireDrawSeed } from './seeded-draw.js';
import { calendarDaysBetween, requireDate } from './tender-rules.js';

/** 1000万元 in fen: at or above it a procurement tender's committee has ≥ 7 members. */
export const LARGE_PROCUREMENT_BUDGET: Fen = 1_000_000_000;
export const DEFAULT_RECENT_SITTING_DAYS = 90;

export interface CommitteeRule {
  minMembers: number;
  /** Members are an odd number. */
  odd: true;
  /** At least this share of the members are drawn experts (the rest the owner's representatives). */
  minExpertShare: { numerator: 2; denominator: 3 };
}

export type CommitteeProject =
  | { line: 'tender' }
  | {
      line: 'procurement';
      method: ProcurementMethod;
      budget: Fen;
      /** 技术复杂 or 社会影响较大: a procurement tender then needs ≥ 7 like a large one. */
      complexOrHighProfile?: boolean;
    };

const TENDER_METHODS: readonly ProcurementMethod[] = ['open_tender', 'invited_tender', 'framework_agreement'];

/** The size rule for a project's committee (single source: its negotiation group). */
export function committeeRule(project: CommitteeProject): CommitteeRule {
  const rule = (minMembers: number): CommitteeRule => ({
    minMembers,
    odd: true,
    minExpertShare: { numerator: 2, denominator: 3 },
  });
  if (project.line === 'tender') return rule(5);
  if (!isFen(project.budget)) throw new RangeError(`budget must be fen: ${project.budget}`);
  if (!TENDER_METHODS.includes(project.method)) return rule(3);
  return rule(project.budget >= LARGE_PROCUREMENT_BUDGET || project.complexOrHighProfile ? 7 : 5);
}

/** The fewest experts a committee of `members` may have: ⌈2/3 of the members⌉. */
export function minExperts(members: number): number {
  return Math.ceil((members * 2) / 3);
}

/**
 * Refuses a committee that breaks its rule, each with its code: too few members
 * (COMMITTEE_TOO_SMALL), an even number (COMMITTEE_NOT_ODD), experts under 2/3
 * (COMMITTEE_TOO_FEW_EXPERTS, `minExperts`).
 */
export function checkCommitteeComposition(
  rule: CommitteeRule,
  committee: { experts: number; ownerRepresentatives: number },
): void {
  const { experts, ownerRepresentatives } = committee;
  if (![experts, ownerRepresentatives].every((count) => Number.isInteger(count) && count >= 0))
    throw new RangeError('member counts must be whole numbers ≥ 0');
  const members = experts + ownerRepresentatives;
  if (members < rule.minMembers)
    throw new DomainError('COMMITTEE_TOO_SMALL', `the committee needs at least ${rule.minMembers} members`, {
      members,
      minMembers: rule.minMembers,
    });
  if (members % 2 === 0)
    throw new DomainError('COMMITTEE_NOT_ODD', 'the committee has an odd number of members', { members });
  if (experts * 3 < members * 2)
    throw new DomainError(
      'COMMITTEE_TOO_FEW_EXPERTS',
      'at least two thirds of the committee are drawn experts',
      {
        members,
        experts,
        minExperts: minExperts(members),
      },
    );
}

// ---------------------------------------------------------------------------------------------
// The draw

export interface PoolExpert {
  id: string;
  specialties: readonly string[];
  /** The organisation (unified social credit code or our id) that employs the expert. */
  employerOrgId: string;
  available: boolean;
  /** Recent committees: whose project (the owner / purchaser) and the day of the sitting. */
  recentSittings: readonly { ownerOrgId: string; satOn: string }[];
}

export interface SpecialtyNeed {
  specialty: string;
  count: number;
}

export interface CommitteeDrawInput {
  pool: readonly PoolExpert[];
  /** The project's owner (招标人 / 采购人). */
  ownerOrgId: string;
  /** Every bidder's (supplier's) organisation. */
  bidderOrgIds: readonly string[];
  needs: readonly SpecialtyNeed[];
  seed: string;
  /** The draw's day (CENTRE_TZ), from the database's clock. */
  today: string;
  /** An expert who sat with the same owner within this many days before `today` is excluded. */
  recentSittingDays: number;
}

export type ExclusionReason =
  'unavailable' | 'employed_by_owner' | 'employed_by_bidder' | 'sat_with_owner_recently';

export interface CommitteeDraw {
  seed: string;
  /** The needs in canonical order (by specialty): the order they were drawn in. */
  needs: SpecialtyNeed[];
  /** Per specialty, the eligible experts' ids sorted: what the draw picked from. */
  candidates: { specialty: string; expertIds: string[] }[];
  /** Every expert of the pool left out, with the first reason that applies. */
  excluded: { expertId: string; reason: ExclusionReason }[];
  /** Per specialty, the experts drawn, in the order drawn. */
  picks: { specialty: string; expertIds: string[] }[];
  /** Everyone drawn, in the order drawn. */
  expertIds: string[];
}

function drawInputViolations(input: CommitteeDrawInput): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const ids = input.pool.map((expert) => expert.id);
  if (ids.some((id) => typeof id !== 'string' || id.length === 0) || new Set(ids).size !== ids.length)
    violations.push({ field: 'pool', rule: 'each expert once, with an id' });
  if (!Array.isArray(input.needs) || input.needs.length === 0)
    violations.push({ field: 'needs', rule: 'at least one specialty' });
  else {
    const specialties = input.needs.map((need) => need.specialty);
    if (new Set(specialties).size !== specialties.length)
      violations.push({ field: 'needs', rule: 'each specialty once' });
    input.needs.forEach((need, index) => {
      if (typeof need.specialty !== 'string' || need.specialty.trim().length === 0)
        violations.push({ field: `needs[${index}].specialty`, rule: 'a specialty code' });
      if (!Number.isInteger(need.count) || need.count < 1 || need.count > 99)
        violations.push({ field: `needs[${index}].count`, rule: 'a whole number from 1 to 99' });
    });
  }
  if (!Number.isInteger(input.recentSittingDays) || input.recentSittingDays < 0)
    violations.push({ field: 'recentSittingDays', rule: 'a whole number ≥ 0' });
  return violations;
}

/** Why an expert may not sit on this project, or null (the first reason that applies). */
export function exclusionReason(
  expert: PoolExpert,
  input: Pick<CommitteeDrawInput, 'ownerOrgId' | 'today' | 'recentSittingDays'>,
  bidders: ReadonlySet<string>,
): ExclusionReason | null {
  if (!expert.available) return 'unavailable';
  if (expert.employerOrgId === input.ownerOrgId) return 'employed_by_owner';
  if (bidders.has(expert.employerOrgId)) return 'employed_by_bidder';
  const recent = expert.recentSittings.some((sitting) => {
    if (sitting.ownerOrgId !== input.ownerOrgId) return false;
    const daysAgo = calendarDaysBetween(sitting.satOn, input.today);
    return daysAgo >= 0 && daysAgo <= input.recentSittingDays;
  });
  return recent ? 'sat_with_owner_recently' : null;
}

/**
 * Draws the committee's experts. Deterministic for the same seed and input, whatever the order
 * of the pool, the bidders or the needs. An expert with several specialties sits once: specialties
 * are drawn in canonical order and an expert already drawn is skipped for the later ones. Too
 * few eligible experts for a specialty → NOT_ENOUGH_ELIGIBLE_EXPERTS (`details.shortages`).
 */
export function drawCommittee(input: CommitteeDrawInput): CommitteeDraw {
  requireDrawSeed(input.seed);
  requireDate('today', input.today);
  const violations = drawInputViolations(input);
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the draw request is incomplete', violations);
  const bidders = new Set(input.bidderOrgIds);
  const pool = canonicalOrder(input.pool, (expert) => expert.id);
  const excluded: CommitteeDraw['excluded'] = [];
  const eligible: PoolExpert[] = [];
  for (const expert of pool) {
    const reason = exclusionReason(expert, input, bidders);
    if (reason) excluded.push({ expertId: expert.id, reason });
    else eligible.push(expert);
  }
  const needs = canonicalOrder(
    input.needs.map(({ specialty, count }) => ({ specialty, count })),
    (need) => need.specialty,
  );
  const candidates = needs.map(({ specialty }) => ({
    specialty,
    expertIds: eligible.filter((expert) => expert.specialties.includes(specialty)).map((expert) => expert.id),
  }));
  return { ...pickFromCandidates(input.seed, needs, candidates), excluded };
}

/** A supervisor's replay from the recorded seed, needs and candidate lists. */
export function replayCommitteeDraw(recorded: {
  seed: string;
  needs: readonly SpecialtyNeed[];
  candidates: readonly { specialty: string; expertIds: readonly string[] }[];
}): Omit<CommitteeDraw, 'excluded'> {
  requireDrawSeed(recorded.seed);
  const needs = canonicalOrder(
    recorded.needs.map(({ specialty, count }) => ({ specialty, count })),
    (need) => need.specialty,
  );
  const candidates = needs.map(({ specialty }) => ({
    specialty,
    expertIds: canonicalOrder(
      recorded.candidates.find((list) => list.specialty === specialty)?.expertIds ?? [],
      (id) => id,
    ),
  }));
  return pickFromCandidates(recorded.seed, needs, candidates);
}

function pickFromCandidates(
  seed: string,
  needs: SpecialtyNeed[],
  candidates: { specialty: string; expertIds: string[] }[],
): Omit<CommitteeDraw, 'excluded'> {
  const stream = new SeededStream(seed);
  const drawn = new Set<string>();
  const picks: CommitteeDraw['picks'] = [];
  const shortages: { specialty: string; needed: number; eligible: number }[] = [];
  needs.forEach((need, index) => {
    const open = candidates[index].expertIds.filter((id) => !drawn.has(id));
    if (open.length < need.count) {
      shortages.push({ specialty: need.specialty, needed: need.count, eligible: open.length });
      return;
    }
    const chosen = drawWithoutReplacement(stream, open, need.count);
    chosen.forEach((id) => drawn.add(id));
    picks.push({ specialty: need.specialty, expertIds: chosen });
  });
  if (shortages.length > 0)
    throw new DomainError(
      'NOT_ENOUGH_ELIGIBLE_EXPERTS',
      `not enough eligible experts for ${shortages.map((shortage) => shortage.specialty).join(', ')}`,
      { shortages },
    );
  return { seed, needs, candidates, picks, expertIds: picks.flatMap((pick) => pick.expertIds) };
}
