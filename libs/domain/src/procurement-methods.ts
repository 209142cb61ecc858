/**
 * The rules of the procurement methods beyond the common path (DOMAIN.md B): objections to a
 * single source's prior publicity, a framework agreement's term and admitted suppliers, and the
 * price weight of comprehensive scoring. Each refusal has its own code and gives the boundary in
 * `details`. Days count as in procurement-rules.ts (a period runs to the end of its last day).
 */
import { addCalendarDays, type BusinessCalendar } from './business-calendar.js';
import { DomainError } from './errors.js';
import { type Criterion, criteriaViolations } from './evaluation.js';
import { isFen } from './money.js';
import type { RuleViolation } from './lease-listing-schedule.js';
import type { ProcurementMethod } from './procurement-lifecycle.js';
import { requireDate } from './tender-rules.js';

// ---------------------------------------------------------------------------------------------
// Single source: objections to the prior publicity (政府采购法实施条例 第39条, 第74号令 第39条)

/** 第74号令 第39条: the purchaser answers (补充论证) within 5 business days after the publicity. */
export const SINGLE_SOURCE_OBJECTION_ANSWER_BUSINESS_DAYS = 5;

/** Objections are taken while the publicity runs, to the end of its last day (OBJECTION_PERIOD_ENDED). */
export function checkObjectionInPublicity(objection: { publicityEndsOn: string; today: string }): void {
  requireDate('publicityEndsOn', objection.publicityEndsOn);
  requireDate('today', objection.today);
  if (objection.today > objection.publicityEndsOn)
    throw new DomainError(
      'OBJECTION_PERIOD_ENDED',
      `objections to the single-source publicity were taken until the end of ${objection.publicityEndsOn}`,
      { publicityEndsOn: objection.publicityEndsOn, today: objection.today },
    );
}

/** The last day an objection is answered: 5 business days after the publicity's last day. */
export function objectionAnswerDueOn(calendar: BusinessCalendar, publicityEndsOn: string): string {
  requireDate('publicityEndsOn', publicityEndsOn);
  return calendar.addBusinessDays(publicityEndsOn, SINGLE_SOURCE_OBJECTION_ANSWER_BUSINESS_DAYS);
}

/** The negotiation waits for every objection's answer (OBJECTIONS_UNANSWERED, `objectionIds`). */
export function checkObjectionsAnswered(objections: readonly { id: string; answered: boolean }[]): void {
  const open = objections.filter((objection) => !objection.answered).map((objection) => objection.id);
  if (open.length > 0)
    throw new DomainError(
      'OBJECTIONS_UNANSWERED',
      `${open.length} objection(s) to the publicity are not answered yet`,
      { objectionIds: open },
    );
}

// ---------------------------------------------------------------------------------------------
// Subject of the procurement

export const PROCUREMENT_SUBJECT_TYPES = ['goods', 'services'] as const;
export type ProcurementSubjectType = (typeof PROCUREMENT_SUBJECT_TYPES)[number];

// ---------------------------------------------------------------------------------------------
// Framework agreements (财政部令第110号)

/** Several suppliers are admitted to one agreement; the upper bound is a form limit, not a statute. */
export const MIN_ADMITTED_SUPPLIERS = 2;
export const MAX_ADMITTED_SUPPLIERS = 100;
/** 第110号令: at least 20% of the responsive suppliers, and at least one, are not admitted (淘汰). */
export const FRAMEWORK_ELIMINATION_PERCENT = 20;
/** 第110号令: an agreement runs at most 1 year for goods, 2 years for services. */
export const FRAMEWORK_MAX_TERM_YEARS: Readonly<Record<ProcurementSubjectType, number>> = {
  goods: 1,
  services: 2,
};

/**
 * How many of `ranked` responsive suppliers are admitted when the project admits at most `cap`:
 * the cap, but at least `eliminationPercent` (20%; 40% for testing instruments by quality, below)
 * and at least one eliminated.
 */
export function frameworkAdmittedCount(
  ranked: number,
  cap: number,
  eliminationPercent: number = FRAMEWORK_ELIMINATION_PERCENT,
): number {
  if (!Number.isInteger(ranked) || ranked < 0) throw new RangeError(`not a count: ${ranked}`);
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`not a cap: ${cap}`);
  if (!Number.isInteger(eliminationPercent) || eliminationPercent < 1 || eliminationPercent > 99)
    throw new RangeError(`not a percentage: ${eliminationPercent}`);
  const eliminated = Math.max(1, Math.ceil((ranked * eliminationPercent) / 100));
  return Math.max(0, Math.min(cap, ranked - eliminated));
}

// ---------------------------------------------------------------------------------------------
// A framework agreement's first stage (入围): 价格优先法 or 质量优先法 (第110号令 第26、28条)

/**
 * 价格优先法 ranks the responses by price, low to high; 质量优先法 scores their quality, high to
 * low, and never scores the price: a response above the 最高限制单价 is out, the others compete on
 * quality alone (第26条). On the project a framework's `evaluationMethod` says which:
 * `lowest_evaluated_price` is price-first, `comprehensive_scoring` quality-first.
 */
export type FrameworkEntryMethod = 'price_first' | 'quality_first';
export const frameworkEntryMethodOf = (
  evaluationMethod: ProcurementEvaluationMethod,
): FrameworkEntryMethod => (evaluationMethod === 'comprehensive_scoring' ? 'quality_first' : 'price_first');

/**
 * 第26条: quality-first is for projects with a government-set or government-guided price
 * (政府定价、政府指导价) and for testing and laboratory instruments with particular quality needs
 * (对质量有特别要求的检测、实验等仪器设备); every other project is price-first.
 */
export const FRAMEWORK_QUALITY_FIRST_GROUNDS = ['government_pricing', 'testing_instruments'] as const;
export type FrameworkQualityFirstGround = (typeof FRAMEWORK_QUALITY_FIRST_GROUNDS)[number];
/** 第28条: testing and laboratory instruments admitted by quality leave out at least 40% (and one). */
export const FRAMEWORK_INSTRUMENTS_ELIMINATION_PERCENT = 40;

/** The share left out at the first stage: 40% for instruments by quality, else 20% (第28条). */
export function frameworkEliminationPercent(entry: {
  evaluationMethod: ProcurementEvaluationMethod;
  qualityFirstGround: FrameworkQualityFirstGround | null;
}): number {
  return frameworkEntryMethodOf(entry.evaluationMethod) === 'quality_first' &&
    entry.qualityFirstGround === 'testing_instruments'
    ? FRAMEWORK_INSTRUMENTS_ELIMINATION_PERCENT
    : FRAMEWORK_ELIMINATION_PERCENT;
}

export interface FrameworkEntry {
  evaluationMethod: ProcurementEvaluationMethod;
  subjectType: ProcurementSubjectType | null;
  criteria: readonly Criterion[] | null;
  qualityFirstGround: FrameworkQualityFirstGround | null;
  /** 最高限制单价, fen: the ceiling of every response (required by quality; optional by price here). */
  maxUnitPrice: number | null;
  budget: number;
}

/**
 * A framework agreement's first-stage method as planned. Form problems (VALIDATION_FAILED, every
 * one): quality-first needs its ground, its criteria (weights summing to 100) and the ceiling; a
 * ceiling is whole fen within the budget; a ground goes with quality-first only. Then the rules:
 * quality-first scores no price (FRAMEWORK_PRICE_SCORED, `criterionIds`: the price counts as the
 * ceiling only, 第26条); instruments are goods (QUALITY_FIRST_NOT_ALLOWED, `qualityFirstGround`,
 * `subjectType`).
 */
export function checkFrameworkEntry(entry: FrameworkEntry): void {
  const qualityFirst = frameworkEntryMethodOf(entry.evaluationMethod) === 'quality_first';
  const violations: RuleViolation[] = [];
  if (entry.maxUnitPrice !== null) {
    if (!isFen(entry.maxUnitPrice))
      violations.push({ field: 'maxUnitPrice', rule: 'a positive safe integer number of fen' });
    else if (entry.maxUnitPrice > entry.budget)
      violations.push({ field: 'maxUnitPrice', rule: `≤ the budget (${entry.budget} fen)` });
  }
  if (qualityFirst) {
    if (!FRAMEWORK_QUALITY_FIRST_GROUNDS.includes(entry.qualityFirstGround as FrameworkQualityFirstGround))
      violations.push({
        field: 'qualityFirstGround',
        rule: `${FRAMEWORK_QUALITY_FIRST_GROUNDS.join(' or ')} (第110号令 第26条: who may be admitted by quality)`,
      });
    if (entry.maxUnitPrice === null)
      violations.push({
        field: 'maxUnitPrice',
        rule: 'required: by quality the price counts as its ceiling',
      });
    if (!PROCUREMENT_SUBJECT_TYPES.includes(entry.subjectType as ProcurementSubjectType))
      violations.push({ field: 'subjectType', rule: 'goods or services (a framework agreement needs it)' });
    if (entry.criteria == null)
      violations.push({ field: 'criteria', rule: 'the quality criteria (质量因素), weights summing to 100' });
    else violations.push(...criteriaViolations(entry.criteria));
  } else if (entry.qualityFirstGround !== null)
    violations.push({ field: 'qualityFirstGround', rule: 'only with quality-first (comprehensive_scoring)' });
  if (violations.length > 0)
    throw new DomainError(
      'VALIDATION_FAILED',
      'the first stage of the framework agreement is not valid',
      violations,
    );
  if (!qualityFirst) return;
  const priced = entry.criteria!.filter((criterion) => criterion.kind === 'price_formula');
  if (priced.length > 0)
    throw new DomainError(
      'FRAMEWORK_PRICE_SCORED',
      'quality-first scores quality only: the price counts as the ceiling (最高限制单价), never as points',
      { criterionIds: priced.map((criterion) => criterion.id) },
    );
  if (entry.qualityFirstGround === 'testing_instruments' && entry.subjectType !== 'goods')
    throw new DomainError(
      'QUALITY_FIRST_NOT_ALLOWED',
      'testing and laboratory instruments are goods: a services agreement is quality-first only for a government-set price',
      { qualityFirstGround: entry.qualityFirstGround, subjectType: entry.subjectType },
    );
}

// The second stage (第二阶段): how each call-off order finds its supplier (第110号令 第37条起)

/**
 * 直接选定 (the rule): the purchaser chooses among the admitted by price, quality, convenience and
 * users' ratings; 顺序轮候: the documents' rotation gives each admitted supplier the orders in turn
 * (here: the first stage's ranking, round and round). 二次竞价 is not built.
 */
export const FRAMEWORK_CALL_OFF_METHODS = ['direct_selection', 'rotation'] as const;
export type FrameworkCallOffMethod = (typeof FRAMEWORK_CALL_OFF_METHODS)[number];

/**
 * 顺序轮候: the supplier whose turn it is — the one after the last order's supplier in the
 * first stage's ranking (`admittedInOrder`), round and round, the first when nothing was ordered,
 * passing over the `unavailable` (banned); null when none is available.
 */
export function rotationNextSupplier(rotation: {
  admittedInOrder: readonly string[];
  lastSupplierId: string | null;
  unavailable: readonly string[];
}): string | null {
  const { admittedInOrder, lastSupplierId, unavailable } = rotation;
  const last = lastSupplierId === null ? -1 : admittedInOrder.indexOf(lastSupplierId);
  for (let step = 1; step <= admittedInOrder.length; step += 1) {
    const candidate = admittedInOrder[(last + step + admittedInOrder.length) % admittedInOrder.length];
    if (!unavailable.includes(candidate)) return candidate;
  }
  return null;
}

/** An order under 顺序轮候 goes to the supplier whose turn it is (CALL_OFF_NOT_IN_TURN, `expectedSupplierId`). */
export function checkRotationTurn(rotation: {
  admittedInOrder: readonly string[];
  lastSupplierId: string | null;
  unavailable: readonly string[];
  supplierId: string;
}): void {
  const expected = rotationNextSupplier(rotation);
  if (rotation.supplierId !== expected)
    throw new DomainError(
      'CALL_OFF_NOT_IN_TURN',
      'under rotation (顺序轮候) the order goes to the admitted supplier whose turn it is',
      { supplierId: rotation.supplierId, expectedSupplierId: expected },
    );
}

/** Why a response above the ceiling is out (recorded as the committee's rejection). */
export const ABOVE_MAX_UNIT_PRICE_REASON = '响应报价超过最高限制单价';

/** The responses above the 最高限制单价 (none without one), in the order given. */
export function responsesAboveMaxUnitPrice<T extends { bidId: string; price: number }>(
  responses: readonly T[],
  maxUnitPrice: number | null,
): string[] {
  if (maxUnitPrice === null) return [];
  return responses.filter((response) => response.price > maxUnitPrice).map((response) => response.bidId);
}

/** The last day of a term of `years` years from `startsOn` (2026-03-01 + 1 year → 2027-02-28). */
export function lastDayOfTerm(startsOn: string, years: number): string {
  requireDate('startsOn', startsOn);
  const [year, month, day] = startsOn.split('-').map(Number);
  const anniversary = new Date(Date.UTC(year + years, month - 1, day));
  // 29 February + 1 year rolls to 1 March: the term then ends on 28 February.
  if (anniversary.getUTCDate() !== day) anniversary.setUTCDate(1);
  return addCalendarDays(anniversary.toISOString().slice(0, 10), -1);
}

export interface FrameworkTerms {
  subjectType: ProcurementSubjectType | null;
  admittedSuppliers: number | null;
  termStartsOn: string | null;
  termEndsOn: string | null;
  /** The response deadline: the agreement's term starts after it. */
  deadlineOn: string | null;
}

/**
 * A framework agreement's terms as planned: the subject, how many suppliers it admits (2–100), a
 * term after the deadline and in order (VALIDATION_FAILED, every problem), at most 1 year for
 * goods and 2 for services (FRAMEWORK_TERM_TOO_LONG, `latestEndsOn`).
 */
export function checkFrameworkTerms(terms: FrameworkTerms): void {
  const violations: RuleViolation[] = [];
  if (!PROCUREMENT_SUBJECT_TYPES.includes(terms.subjectType as ProcurementSubjectType))
    violations.push({ field: 'subjectType', rule: 'goods or services (a framework agreement needs it)' });
  const admitted = terms.admittedSuppliers;
  if (
    !Number.isInteger(admitted) ||
    (admitted as number) < MIN_ADMITTED_SUPPLIERS ||
    (admitted as number) > MAX_ADMITTED_SUPPLIERS
  )
    violations.push({
      field: 'admittedSuppliers',
      rule: `a whole number from ${MIN_ADMITTED_SUPPLIERS} to ${MAX_ADMITTED_SUPPLIERS}`,
    });
  for (const field of ['termStartsOn', 'termEndsOn'] as const) {
    try {
      requireDate(field, terms[field]);
    } catch {
      violations.push({ field, rule: 'a calendar date YYYY-MM-DD (a framework agreement needs it)' });
    }
  }
  if (violations.length === 0) {
    if (terms.termEndsOn! < terms.termStartsOn!)
      violations.push({ field: 'termEndsOn', rule: '≥ termStartsOn' });
    if (terms.deadlineOn !== null && terms.termStartsOn! <= terms.deadlineOn)
      violations.push({ field: 'termStartsOn', rule: '> deadlineOn (the agreement follows the award)' });
  }
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the framework agreement is incomplete', violations);
  const years = FRAMEWORK_MAX_TERM_YEARS[terms.subjectType!];
  const latestEndsOn = lastDayOfTerm(terms.termStartsOn!, years);
  if (terms.termEndsOn! > latestEndsOn)
    throw new DomainError(
      'FRAMEWORK_TERM_TOO_LONG',
      `a framework agreement for ${terms.subjectType} runs at most ${years} year(s): to ${latestEndsOn}`,
      {
        subjectType: terms.subjectType,
        termStartsOn: terms.termStartsOn,
        termEndsOn: terms.termEndsOn,
        maxYears: years,
        latestEndsOn,
      },
    );
}

// ---------------------------------------------------------------------------------------------
// Comprehensive scoring (综合评分法)

export const PROCUREMENT_EVALUATION_METHODS = ['lowest_evaluated_price', 'comprehensive_scoring'] as const;
export type ProcurementEvaluationMethod = (typeof PROCUREMENT_EVALUATION_METHODS)[number];

/**
 * The methods that may score: tenders (第87号令 第53条) and consultation (财库〔2014〕214号
 * 第23条). Negotiation and quotation award the lowest price (第74号令 第35、49条); a framework
 * agreement's first stage here ranks by price (价格优先法, 第110号令).
 */
export const SCORING_METHODS: readonly ProcurementMethod[] = [
  'open_tender',
  'invited_tender',
  'competitive_consultation',
];

/** 第87号令 第55条 (and 214号 第24条): the price's share of the points, in whole points of 100. */
export const PRICE_WEIGHT_RANGE: Readonly<Record<ProcurementSubjectType, { min: number; max: number }>> = {
  goods: { min: 30, max: 60 },
  services: { min: 10, max: 30 },
};

export interface ProcurementScoring {
  method: ProcurementMethod;
  evaluationMethod: ProcurementEvaluationMethod;
  subjectType: ProcurementSubjectType | null;
  criteria: readonly Criterion[] | null;
}

/**
 * A procurement's evaluation method and criteria: scoring only where the method allows it, with
 * the subject, weights summing to 100 and exactly one price criterion by the formula (第55条: the
 * price points are lowest price / price × 100) (VALIDATION_FAILED, every problem); the price
 * weight within the subject's range (PRICE_WEIGHT_OUT_OF_RANGE, `min`, `max`).
 */
export function checkProcurementScoring(scoring: ProcurementScoring): void {
  // A framework agreement's quality-first stage has rules of its own (checkFrameworkEntry).
  if (scoring.method === 'framework_agreement' && scoring.evaluationMethod === 'comprehensive_scoring')
    return;
  if (scoring.evaluationMethod === 'lowest_evaluated_price') {
    if (scoring.criteria != null)
      throw new DomainError('VALIDATION_FAILED', 'criteria go with comprehensive scoring', [
        { field: 'criteria', rule: 'only with comprehensive_scoring' },
      ]);
    return;
  }
  const violations: RuleViolation[] = [];
  if (scoring.evaluationMethod !== 'comprehensive_scoring')
    violations.push({ field: 'evaluationMethod', rule: PROCUREMENT_EVALUATION_METHODS.join(' or ') });
  else if (!SCORING_METHODS.includes(scoring.method))
    violations.push({
      field: 'evaluationMethod',
      rule: `comprehensive_scoring only for ${SCORING_METHODS.join(', ')}`,
    });
  if (!PROCUREMENT_SUBJECT_TYPES.includes(scoring.subjectType as ProcurementSubjectType))
    violations.push({ field: 'subjectType', rule: 'goods or services (the price weight depends on it)' });
  if (scoring.criteria == null)
    violations.push({ field: 'criteria', rule: 'required for comprehensive_scoring' });
  else {
    violations.push(...criteriaViolations(scoring.criteria));
    if (scoring.criteria.filter((criterion) => criterion.kind === 'price_formula').length !== 1)
      violations.push({ field: 'criteria', rule: 'exactly one price_formula criterion (低价优先法)' });
  }
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the scoring is not valid', violations);
  const range = PRICE_WEIGHT_RANGE[scoring.subjectType!];
  const priceWeight = scoring.criteria!.find((criterion) => criterion.kind === 'price_formula')!.weight;
  if (priceWeight < range.min || priceWeight > range.max)
    throw new DomainError(
      'PRICE_WEIGHT_OUT_OF_RANGE',
      `the price weighs ${range.min}–${range.max} of 100 points for ${scoring.subjectType}`,
      { subjectType: scoring.subjectType, priceWeight, ...range },
    );
}

/**
 * 重新组织采购 after a failure (废标): the purchaser plans a new project, with the same method or
 * another one. Another method needs the finance department's approval before the procurement
 * starts (政府采购法 第27条; 第87号令 第43条(二): an open tender that failed for too few
 * suppliers is re-run with another method only so approved) — recorded as its reference
 * (METHOD_CHANGE_NEEDS_APPROVAL without it). A single source whose publicity objection was upheld
 * may not be re-planned as single source (第74号令 第39条: SINGLE_SOURCE_NOT_ALLOWED).
 */
export function checkReplanMethod(replan: {
  from: ProcurementMethod;
  to: ProcurementMethod;
  approvalReference: string | null;
  singleSourceRefused: boolean;
}): void {
  if (replan.to === 'single_source' && replan.singleSourceRefused)
    throw new DomainError(
      'SINGLE_SOURCE_NOT_ALLOWED',
      'an objection to the single-source publicity was upheld: plan another method',
      { from: replan.from, to: replan.to },
    );
  if (replan.to !== replan.from && (replan.approvalReference ?? '').trim() === '')
    throw new DomainError(
      'METHOD_CHANGE_NEEDS_APPROVAL',
      'another method needs the approval of the finance department (批准文号)',
      { from: replan.from, to: replan.to },
    );
}
