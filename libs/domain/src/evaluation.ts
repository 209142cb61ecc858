/**
 * Evaluation (评标 / 评审) and the award rule, for tenders and procurement alike.
 *
 * Two methods, as the documents announce:
 * - lowest evaluated price (经评审的最低投标价法): every valid bid's evaluated price (the price as
 *   adjusted under the documents' rules, in fen); the lowest ranks first;
 * - comprehensive scoring (综合评估法): criteria with integer weights summing to 100; every member
 *   scores every valid bid on every scored criterion (0–100, at most two decimals); a bid's points
 *   on a criterion are the members' mean; the price criterion may instead be computed by the
 *   formula lowest valid price / bid price × 100 (第87号令 第55条). The total is Σ weight × points
 *   / 100, compared exactly (fractions of integers, never floats).
 *
 * The stated tie rule: a higher total (or a lower evaluated price) first; equal → the lower bid
 * price first (第87号令 第55条); still equal → a lot drawn with the project's recorded seed
 * (replayable, and marked on the ranking so the report says so).
 *
 * Bids the committee rejects (否决投标) are left out. All rejected, or fewer valid bids than the
 * line needs (procurement: 3), → failed. At most 3 ranked candidates.
 */
import { DomainError } from './errors.js';
import type { RuleViolation } from './lease-listing-schedule.js';
import { type Fen, isFen } from './money.js';
import { SeededStream, canonicalOrder, drawWithoutReplacement, requireDrawSeed } from './seeded-draw.js';
import { MAX_CANDIDATES } from './tender-rules.js';

export type EvaluationMethod = 'lowest_evaluated_price' | 'comprehensive_scoring';

export interface Criterion {
  id: string;
  /** Whole points of 100. */
  weight: number;
  /** 'formula': points = lowest valid price / bid price × 100; 'scored': the members' mean. */
  kind: 'scored' | 'price_formula';
}

export interface EvaluatedBid {
  bidId: string;
  /** The opened bid price, fen. */
  price: Fen;
  /** Lowest-evaluated-price method: the price as adjusted under the documents, fen. */
  evaluatedPrice?: Fen;
  /** 否决投标: rejected by the committee, with its reason; left out of the ranking. */
  rejectedReason?: string | null;
}

export interface MemberScore {
  memberId: string;
  bidId: string;
  criterionId: string;
  /** 0–100 with at most two decimals. */
  score: number;
}

export interface EvaluationInput {
  method: EvaluationMethod;
  bids: readonly EvaluatedBid[];
  /** Comprehensive scoring only. */
  criteria?: readonly Criterion[];
  /** Comprehensive scoring only: the committee's members (each scores everything). */
  memberIds?: readonly string[];
  scores?: readonly MemberScore[];
  /** Fewer valid bids than this → failed (procurement: 3; a tender: 1 unless the committee rejects all). */
  minValidBids: number;
  /** The committee rejected every bid (e.g. too few valid bids to be competitive, 实施条例 第51条). */
  rejectAll?: boolean;
  /** The project's recorded seed, for the lot that breaks a full tie. */
  seed: string;
}

export interface RankedBid {
  bidId: string;
  rank: number;
  price: Fen;
  evaluatedPrice?: Fen;
  /** Comprehensive scoring: the total of 100, rounded half up to two decimals (for display; ranking is exact). */
  totalScore?: number;
  /** True when a lot decided this bid's place against another. */
  tieBrokenByLot: boolean;
}

export type EvaluationResult =
  | { outcome: 'failed'; reason: 'all_rejected' | 'too_few_valid_bids'; validBids: number }
  | { outcome: 'ranked'; ranking: RankedBid[]; candidates: RankedBid[] };

/** A non-negative fraction of integers. */
interface Fraction {
  num: bigint;
  den: bigint;
}
const compareFractions = (a: Fraction, b: Fraction) => {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left === right ? 0 : left < right ? -1 : 1;
};
const roundedHundredths = (value: Fraction) => Number((2n * value.num + value.den) / (2n * value.den)) / 100;

/** A score as whole hundredths, or undefined when it is not 0–100 with at most two decimals. */
function scoreHundredths(score: number): number | undefined {
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 100) return undefined;
  const hundredths = Math.round(score * 100);
  return Math.abs(hundredths - score * 100) < 1e-6 ? hundredths : undefined;
}

export function criteriaViolations(criteria: readonly Criterion[]): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (!Array.isArray(criteria) || criteria.length === 0)
    return [{ field: 'criteria', rule: 'at least one criterion' }];
  const ids = criteria.map((criterion) => criterion.id);
  if (new Set(ids).size !== ids.length) violations.push({ field: 'criteria', rule: 'each criterion once' });
  criteria.forEach((criterion, index) => {
    if (typeof criterion.id !== 'string' || criterion.id.trim().length === 0)
      violations.push({ field: `criteria[${index}].id`, rule: 'a criterion id' });
    if (!Number.isInteger(criterion.weight) || criterion.weight < 1 || criterion.weight > 100)
      violations.push({ field: `criteria[${index}].weight`, rule: 'a whole number from 1 to 100' });
    if (criterion.kind !== 'scored' && criterion.kind !== 'price_formula')
      violations.push({ field: `criteria[${index}].kind`, rule: 'scored or price_formula' });
  });
  if (criteria.filter((criterion) => criterion.kind === 'price_formula').length > 1)
    violations.push({ field: 'criteria', rule: 'at most one price_formula criterion' });
  const sum = criteria.reduce(
    (total, criterion) => total + (Number.isInteger(criterion.weight) ? criterion.weight : 0),
    0,
  );
  if (sum !== 100) violations.push({ field: 'criteria', rule: `weights sum to 100 (they sum to ${sum})` });
  return violations;
}

/**
 * One member's set of scores as entered (tenders and procurement alike): each bid and criterion
 * once, every criterion one the members score (a price formula is computed, never scored).
 */
export function memberScoreSetViolations(
  scores: readonly { bidId: string; criterionId: string }[],
  criteria: readonly Criterion[],
): RuleViolation[] {
  const scored = new Set(criteria.filter((criterion) => criterion.kind === 'scored').map((c) => c.id));
  const keys = scores.map((score) => `${score.bidId}\u0000${score.criterionId}`);
  const violations: RuleViolation[] =
    new Set(keys).size === keys.length ? [] : [{ field: 'scores', rule: 'each bid and criterion once' }];
  scores.forEach((score, index) => {
    if (!scored.has(score.criterionId))
      violations.push({ field: `scores[${index}].criterionId`, rule: `one of ${[...scored].join(', ')}` });
  });
  return violations;
}

function bidViolations(input: EvaluationInput): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const ids = input.bids.map((bid) => bid.bidId);
  if (new Set(ids).size !== ids.length) violations.push({ field: 'bids', rule: 'each bid once' });
  input.bids.forEach((bid, index) => {
    if (!isFen(bid.price))
      violations.push({ field: `bids[${index}].price`, rule: 'a positive safe integer number of fen' });
    const valid = bid.rejectedReason == null;
    if (valid && input.method === 'lowest_evaluated_price' && !isFen(bid.evaluatedPrice))
      violations.push({
        field: `bids[${index}].evaluatedPrice`,
        rule: 'a positive safe integer number of fen',
      });
    if (
      bid.rejectedReason != null &&
      (typeof bid.rejectedReason !== 'string' || bid.rejectedReason.trim().length === 0)
    )
      violations.push({ field: `bids[${index}].rejectedReason`, rule: 'the reason for rejecting the bid' });
  });
  if (!Number.isInteger(input.minValidBids) || input.minValidBids < 1)
    violations.push({ field: 'minValidBids', rule: 'a whole number ≥ 1' });
  return violations;
}

/** The members' summed hundredths per (bid, criterion); SCORES_INCOMPLETE lists what is missing. */
function summedScores(
  input: EvaluationInput,
  valid: readonly EvaluatedBid[],
  scored: readonly Criterion[],
): Map<string, number> {
  const members = input.memberIds ?? [];
  const violations: RuleViolation[] = [];
  if (members.length === 0 || new Set(members).size !== members.length)
    violations.push({ field: 'memberIds', rule: 'the committee members, each once' });
  const validIds = new Set(valid.map((bid) => bid.bidId));
  const criterionIds = new Set(scored.map((criterion) => criterion.id));
  const memberSet = new Set(members);
  const seen = new Map<string, number>();
  (input.scores ?? []).forEach((entry, index) => {
    if (!memberSet.has(entry.memberId) || !criterionIds.has(entry.criterionId)) {
      violations.push({
        field: `scores[${index}]`,
        rule: 'a member of the committee scoring a scored criterion',
      });
      return;
    }
    if (!validIds.has(entry.bidId)) return; // a rejected bid's scores do not count
    const hundredths = scoreHundredths(entry.score);
    if (hundredths === undefined)
      violations.push({ field: `scores[${index}].score`, rule: '0 to 100, at most two decimals' });
    const key = `${entry.memberId}\u0000${entry.bidId}\u0000${entry.criterionId}`;
    if (seen.has(key))
      violations.push({ field: `scores[${index}]`, rule: 'one score per member, bid and criterion' });
    seen.set(key, hundredths ?? 0);
  });
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the scores are malformed', violations);
  const missing: { memberId: string; bidId: string; criterionId: string }[] = [];
  const sums = new Map<string, number>();
  for (const bid of valid)
    for (const criterion of scored) {
      let sum = 0;
      for (const memberId of members) {
        const value = seen.get(`${memberId}\u0000${bid.bidId}\u0000${criterion.id}`);
        if (value === undefined) missing.push({ memberId, bidId: bid.bidId, criterionId: criterion.id });
        else sum += value;
      }
      sums.set(`${bid.bidId}\u0000${criterion.id}`, sum);
    }
  if (missing.length > 0)
    throw new DomainError(
      'SCORES_INCOMPLETE',
      `${missing.length} score(s) missing: every member scores every valid bid`,
      {
        missing: missing.slice(0, 100),
        missingCount: missing.length,
      },
    );
  return sums;
}

/** Σ weight × points, as a fraction (points of 100 × 100: divide by 100 for the total of 100). */
function weightedTotals(input: EvaluationInput, valid: readonly EvaluatedBid[]): Map<string, Fraction> {
  const criteria = input.criteria ?? [];
  const violations = criteriaViolations(criteria);
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the scoring criteria are invalid', violations);
  const scored = criteria.filter((criterion) => criterion.kind === 'scored');
  const priceCriterion = criteria.find((criterion) => criterion.kind === 'price_formula');
  const sums = summedScores(input, valid, scored);
  const members = BigInt((input.memberIds ?? []).length);
  const lowest = BigInt(Math.min(...valid.map((bid) => bid.price)));
  const totals = new Map<string, Fraction>();
  for (const bid of valid) {
    const price = BigInt(bid.price);
    // Scored: w × S / (M × 100); formula: w × 100 × L / P; over the common denominator M × 100 × P.
    let num = 0n;
    for (const criterion of scored)
      num += BigInt(criterion.weight) * BigInt(sums.get(`${bid.bidId}\u0000${criterion.id}`)!) * price;
    if (priceCriterion) num += BigInt(priceCriterion.weight) * 100n * lowest * members * 100n;
    totals.set(bid.bidId, { num, den: members * 100n * price });
  }
  return totals;
}

/**
 * Ranks the valid bids by the method and the stated tie rule, or says why the evaluation failed.
 * Form problems come back as VALIDATION_FAILED (every one); missing scores as SCORES_INCOMPLETE.
 */
export function evaluateBids(input: EvaluationInput): EvaluationResult {
  requireDrawSeed(input.seed);
  const violations = bidViolations(input);
  if (violations.length > 0) throw new DomainError('VALIDATION_FAILED', 'the bids are malformed', violations);
  const valid = canonicalOrder(
    input.bids.filter((bid) => bid.rejectedReason == null),
    (bid) => bid.bidId,
  );
  if (input.rejectAll || valid.length === 0)
    return { outcome: 'failed', reason: 'all_rejected', validBids: valid.length };
  if (valid.length < input.minValidBids)
    return { outcome: 'failed', reason: 'too_few_valid_bids', validBids: valid.length };

  const totals = input.method === 'comprehensive_scoring' ? weightedTotals(input, valid) : undefined;
  // Negative: a ranks before b.
  const primary = (a: EvaluatedBid, b: EvaluatedBid) =>
    totals
      ? compareFractions(totals.get(b.bidId)!, totals.get(a.bidId)!)
      : Math.sign(a.evaluatedPrice! - b.evaluatedPrice!);
  const byRule = (a: EvaluatedBid, b: EvaluatedBid) => primary(a, b) || Math.sign(a.price - b.price);

  // Groups of bids the rule cannot tell apart, in rule order; a lot orders each group.
  const sorted = [...valid].sort(byRule);
  const stream = new SeededStream(input.seed);
  const ordered: { bid: EvaluatedBid; lot: boolean }[] = [];
  for (let start = 0; start < sorted.length;) {
    let end = start + 1;
    while (end < sorted.length && byRule(sorted[start], sorted[end]) === 0) end += 1;
    const group = sorted.slice(start, end);
    const lot = group.length > 1;
    const drawn = lot ? drawWithoutReplacement(stream, group, group.length) : group;
    drawn.forEach((bid) => ordered.push({ bid, lot }));
    start = end;
  }
  const ranking = ordered.map(({ bid, lot }, index): RankedBid => ({
    bidId: bid.bidId,
    rank: index + 1,
    price: bid.price,
    ...(bid.evaluatedPrice !== undefined ? { evaluatedPrice: bid.evaluatedPrice } : {}),
    ...(totals ? { totalScore: roundedHundredths(totals.get(bid.bidId)!) } : {}),
    tieBrokenByLot: lot,
  }));
  return { outcome: 'ranked', ranking, candidates: ranking.slice(0, MAX_CANDIDATES) };
}

// ---------------------------------------------------------------------------------------------
// Award

export interface AwardDecision {
  /** The published candidates, first-ranked first. */
  candidateBidIds: readonly string[];
  chosenBidId: string;
  /**
   * 国有资金占控股或者主导地位 (实施条例 第55条), and every procurement (第87号令 第68条: in the
   * report's order): the first candidate, or — when it gave up, did not perform or was found
   * ineligible — the next in order.
   */
  mustFollowRanking: boolean;
  /** Candidates out of the running (gave up, failed a condition), by bid id. */
  withdrawnBidIds?: readonly string[];
  /** The recorded reason for choosing a candidate other than the first, where that is allowed. */
  reason?: string | null;
}

/**
 * Refuses an award to someone not a candidate (AWARD_NOT_A_CANDIDATE), and an award to anyone but
 * the first remaining candidate when the ranking must be followed, or without a recorded reason
 * otherwise (AWARD_NOT_FIRST_CANDIDATE, `firstCandidateBidId`).
 */
export function checkAward(decision: AwardDecision): void {
  const withdrawn = new Set(decision.withdrawnBidIds ?? []);
  const remaining = decision.candidateBidIds.filter((id) => !withdrawn.has(id));
  if (!remaining.includes(decision.chosenBidId))
    throw new DomainError(
      'AWARD_NOT_A_CANDIDATE',
      'the award goes to one of the published candidates still in the running',
      {
        chosenBidId: decision.chosenBidId,
        candidateBidIds: remaining,
      },
    );
  const first = remaining[0];
  if (decision.chosenBidId === first) return;
  const hasReason = typeof decision.reason === 'string' && decision.reason.trim().length > 0;
  if (decision.mustFollowRanking || !hasReason)
    throw new DomainError(
      'AWARD_NOT_FIRST_CANDIDATE',
      decision.mustFollowRanking
        ? 'a state-funded project (and every procurement) awards the first remaining candidate'
        : 'choosing a candidate other than the first needs a recorded reason',
      {
        chosenBidId: decision.chosenBidId,
        firstCandidateBidId: first,
        mustFollowRanking: decision.mustFollowRanking,
      },
    );
}
