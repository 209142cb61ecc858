/**
 * The statutory periods and counts of government procurement (政府采购, DOMAIN.md B; 政府采购法
 * 2014 and its 实施条例 2015, 财政部令第87号 for tenders, 第74号 for negotiation, quotation and
 * single source, 财库〔2014〕214号 for consultation, 财政部令第110号 for framework agreements),
 * per method, each a check that refuses with its own code and gives the boundary in `details`.
 *
 * Days count as in tender-rules.ts: the day of the event is day 0, the next (business) day is day
 * 1, and a period runs to the end of its last day. 日 are calendar days; 工作日 are business days
 * on the BusinessCalendar, which refuses a count through a year nobody entered
 * (CALENDAR_YEAR_MISSING).
 */
import { addCalendarDays, type BusinessCalendar } from './business-calendar.js';
import { isCalendarDate } from './calendar.js';
import { DomainError, type ErrorCode } from './errors.js';
import type { ProcurementMethod } from './procurement-lifecycle.js';
import { SeededStream, canonicalOrder, drawWithoutReplacement, requireDrawSeed } from './seeded-draw.js';
import { requireDate } from './tender-rules.js';

export type DayUnit = 'days' | 'business_days';
export interface Period {
  amount: number;
  unit: DayUnit;
}

export interface MethodRules {
  /** From the documents' issue to the response (bid) deadline, at least. */
  responsePeriod: Period | null;
  /** The code a too-short response period is refused with. */
  responsePeriodCode: Extract<ErrorCode, 'BID_PERIOD_TOO_SHORT' | 'RESPONSE_PERIOD_TOO_SHORT'>;
  /** The documents are available (提供期限 / 发售期) for at least this long. */
  documentsAvailable: Period | null;
  /** An amendment that may affect the responses is issued at least this long before the deadline, or it moves. */
  amendmentLead: Period | null;
  /** Fewer responsive suppliers than this → failed (废标). */
  minSuppliers: number;
}

/**
 * The rules per method. The framework agreement's values follow the open tender's until they are
 * checked against 财政部令第110号 (docs/design/DOMAIN-changes.md says so); its minimum is 2,
 * because several suppliers are admitted to one agreement.
 */
export const PROCUREMENT_METHOD_RULES: Readonly<Record<ProcurementMethod, MethodRules>> = {
  // 政府采购法 第35条 (20 days), 实施条例 第31条 (15 days), 第87号令 (documents 5 business days), 政府采购法 第36条 (3).
  open_tender: {
    responsePeriod: { amount: 20, unit: 'days' },
    responsePeriodCode: 'BID_PERIOD_TOO_SHORT',
    documentsAvailable: { amount: 5, unit: 'business_days' },
    amendmentLead: { amount: 15, unit: 'days' },
    minSuppliers: 3,
  },
  invited_tender: {
    responsePeriod: { amount: 20, unit: 'days' },
    responsePeriodCode: 'BID_PERIOD_TOO_SHORT',
    documentsAvailable: { amount: 5, unit: 'business_days' },
    amendmentLead: { amount: 15, unit: 'days' },
    minSuppliers: 3,
  },
  // 第74号令 第10条: 3 business days to the first response, amendments 3 business days before.
  competitive_negotiation: {
    responsePeriod: { amount: 3, unit: 'business_days' },
    responsePeriodCode: 'RESPONSE_PERIOD_TOO_SHORT',
    documentsAvailable: null,
    amendmentLead: { amount: 3, unit: 'business_days' },
    minSuppliers: 3,
  },
  // 财库〔2014〕214号 第10条: 10 days to the first response, documents 5 business days, amendments 5 days before.
  competitive_consultation: {
    responsePeriod: { amount: 10, unit: 'days' },
    responsePeriodCode: 'RESPONSE_PERIOD_TOO_SHORT',
    documentsAvailable: { amount: 5, unit: 'business_days' },
    amendmentLead: { amount: 5, unit: 'days' },
    minSuppliers: 3,
  },
  // 第74号令 第45条: 3 business days to the quotations, amendments 3 business days before.
  request_for_quotation: {
    responsePeriod: { amount: 3, unit: 'business_days' },
    responsePeriodCode: 'RESPONSE_PERIOD_TOO_SHORT',
    documentsAvailable: null,
    amendmentLead: { amount: 3, unit: 'business_days' },
    minSuppliers: 3,
  },
  // No response period: ≥ 5 business days of prior publicity instead (实施条例 第38条).
  single_source: {
    responsePeriod: null,
    responsePeriodCode: 'RESPONSE_PERIOD_TOO_SHORT',
    documentsAvailable: null,
    amendmentLead: null,
    minSuppliers: 1,
  },
  framework_agreement: {
    responsePeriod: { amount: 20, unit: 'days' },
    responsePeriodCode: 'BID_PERIOD_TOO_SHORT',
    documentsAvailable: { amount: 5, unit: 'business_days' },
    amendmentLead: { amount: 15, unit: 'days' },
    minSuppliers: 2,
  },
};

/** 政府采购法实施条例 第38条: single source is publicised ≥ 5 business days first. */
export const SINGLE_SOURCE_PUBLICITY_BUSINESS_DAYS = 5;
/** 第87号令 第14条: an invited tender's call for qualification runs ≥ 5 business days … */
export const QUALIFICATION_CALL_BUSINESS_DAYS = 5;
/** … and ≥ 3 of the qualified suppliers are picked at random. */
export const MIN_INVITED_SUPPLIERS = 3;
/** 第87号令 第68–69条: the report to the purchaser within 2 business days of the evaluation … */
export const REPORT_DELIVERY_BUSINESS_DAYS = 2;
/** … the purchaser decides within 5 business days of receiving it … */
export const AWARD_DECISION_BUSINESS_DAYS = 5;
/** … and the result is announced and the notice sent within 2 business days of the decision. */
export const RESULT_ANNOUNCEMENT_BUSINESS_DAYS = 2;
/** 政府采购法 第46条: the contract within 30 days of the award notice … */
export const PROCUREMENT_CONTRACT_DAYS = 30;
/** … 实施条例 第50条: published within 2 business days of signing. */
export const CONTRACT_PUBLICATION_BUSINESS_DAYS = 2;
/** 政府采购法 第57条: a suspension during a complaint lasts at most 30 days. */
export const MAX_PROCUREMENT_SUSPENSION_DAYS = 30;

function addPeriod(calendar: BusinessCalendar, from: string, period: Period): string {
  return period.unit === 'days'
    ? addCalendarDays(from, period.amount)
    : calendar.addBusinessDays(from, period.amount);
}

const periodText = (period: Period) =>
  `${period.amount} ${period.unit === 'days' ? 'days' : 'business days'}`;

// ---------------------------------------------------------------------------------------------
// Periods before the deadline

/** The first day the response deadline may fall on; null for single source (no such period). */
export function earliestResponseDeadline(
  calendar: BusinessCalendar,
  method: ProcurementMethod,
  documentsIssuedOn: string,
): string | null {
  requireDate('documentsIssuedOn', documentsIssuedOn);
  const period = PROCUREMENT_METHOD_RULES[method].responsePeriod;
  return period ? addPeriod(calendar, documentsIssuedOn, period) : null;
}

/**
 * Refuses a response deadline too soon after the documents: 20 days for tenders
 * (BID_PERIOD_TOO_SHORT), 10 days for consultation, 3 business days for negotiation and quotation
 * (RESPONSE_PERIOD_TOO_SHORT), with `earliestDeadlineOn`.
 */
export function checkResponsePeriod(
  calendar: BusinessCalendar,
  period: { method: ProcurementMethod; documentsIssuedOn: string; deadlineOn: string },
): void {
  requireDate('deadlineOn', period.deadlineOn);
  const earliestDeadlineOn = earliestResponseDeadline(calendar, period.method, period.documentsIssuedOn);
  if (earliestDeadlineOn === null || period.deadlineOn >= earliestDeadlineOn) return;
  const rules = PROCUREMENT_METHOD_RULES[period.method];
  const required = rules.responsePeriod!;
  throw new DomainError(
    rules.responsePeriodCode,
    `${period.method}: the deadline must be at least ${periodText(required)} after the documents are issued (${period.documentsIssuedOn}): ${earliestDeadlineOn} at the earliest`,
    { ...period, required: required.amount, unit: required.unit, earliestDeadlineOn },
  );
}

/** Refuses documents available for less than the method's minimum (DOCUMENT_SALE_TOO_SHORT). */
export function checkDocumentsAvailable(
  calendar: BusinessCalendar,
  availability: { method: ProcurementMethod; availableFrom: string; availableUntil: string },
): void {
  requireDate('availableFrom', availability.availableFrom);
  requireDate('availableUntil', availability.availableUntil);
  const period = PROCUREMENT_METHOD_RULES[availability.method].documentsAvailable;
  if (period === null) return;
  const earliestUntil = addPeriod(calendar, availability.availableFrom, period);
  if (availability.availableUntil < earliestUntil)
    throw new DomainError(
      'DOCUMENT_SALE_TOO_SHORT',
      `${availability.method}: documents must be available for at least ${periodText(period)}: to ${earliestUntil} at the earliest`,
      { ...availability, required: period.amount, unit: period.unit, earliestUntil },
    );
}

/** Refuses an invited tender's call for qualification shorter than 5 business days. */
export function checkQualificationCall(
  calendar: BusinessCalendar,
  call: { publishedOn: string; endsOn: string },
): void {
  requireDate('publishedOn', call.publishedOn);
  requireDate('endsOn', call.endsOn);
  const earliestEndsOn = calendar.addBusinessDays(call.publishedOn, QUALIFICATION_CALL_BUSINESS_DAYS);
  if (call.endsOn < earliestEndsOn)
    throw new DomainError(
      'PREQUALIFICATION_PERIOD_TOO_SHORT',
      `the call for qualification runs at least ${QUALIFICATION_CALL_BUSINESS_DAYS} business days: to ${earliestEndsOn} at the earliest`,
      { ...call, required: QUALIFICATION_CALL_BUSINESS_DAYS, unit: 'business_days', earliestEndsOn },
    );
}

/**
 * A clarification or amendment that may affect the responses, issued later than the method's lead
 * before the deadline, moves the deadline so the lead is whole again (顺延); otherwise it stays.
 */
export function responseDeadlineAfterAmendment(
  calendar: BusinessCalendar,
  amendment: { method: ProcurementMethod; deadlineOn: string; issuedOn: string; affectsResponses: boolean },
): { deadlineOn: string; moved: boolean } {
  requireDate('deadlineOn', amendment.deadlineOn);
  requireDate('issuedOn', amendment.issuedOn);
  const lead = PROCUREMENT_METHOD_RULES[amendment.method].amendmentLead;
  if (!amendment.affectsResponses || lead === null) return { deadlineOn: amendment.deadlineOn, moved: false };
  const earliest = addPeriod(calendar, amendment.issuedOn, lead);
  return earliest > amendment.deadlineOn
    ? { deadlineOn: earliest, moved: true }
    : { deadlineOn: amendment.deadlineOn, moved: false };
}

/** The first last-day of a single-source publicity published on `startsOn`. */
export function earliestSingleSourcePublicityEnd(calendar: BusinessCalendar, startsOn: string): string {
  requireDate('startsOn', startsOn);
  return calendar.addBusinessDays(startsOn, SINGLE_SOURCE_PUBLICITY_BUSINESS_DAYS);
}

/** Refuses a single-source publicity under 5 business days (SINGLE_SOURCE_PUBLICITY_TOO_SHORT). */
export function checkSingleSourcePublicity(
  calendar: BusinessCalendar,
  publicity: { startsOn: string; endsOn: string },
): void {
  requireDate('endsOn', publicity.endsOn);
  const earliestEndsOn = earliestSingleSourcePublicityEnd(calendar, publicity.startsOn);
  if (publicity.endsOn < earliestEndsOn)
    throw new DomainError(
      'SINGLE_SOURCE_PUBLICITY_TOO_SHORT',
      `single source is publicised for at least ${SINGLE_SOURCE_PUBLICITY_BUSINESS_DAYS} business days: to ${earliestEndsOn} at the earliest`,
      {
        ...publicity,
        required: SINGLE_SOURCE_PUBLICITY_BUSINESS_DAYS,
        unit: 'business_days',
        earliestEndsOn,
      },
    );
}

// ---------------------------------------------------------------------------------------------
// Suppliers

/** Fewer responsive suppliers than the method needs → failed (废标). */
export function supplierOutcome(method: ProcurementMethod, responsive: number): 'evaluating' | 'failed' {
  if (!Number.isInteger(responsive) || responsive < 0) throw new RangeError(`not a count: ${responsive}`);
  return responsive >= PROCUREMENT_METHOD_RULES[method].minSuppliers ? 'evaluating' : 'failed';
}

/** Refuses going on with fewer suppliers than the method needs (TOO_FEW_SUPPLIERS). */
export function checkEnoughSuppliers(method: ProcurementMethod, responsive: number): void {
  if (supplierOutcome(method, responsive) === 'failed')
    throw new DomainError(
      'TOO_FEW_SUPPLIERS',
      `${method} needs at least ${PROCUREMENT_METHOD_RULES[method].minSuppliers} responsive suppliers`,
      { method, responsive, minimum: PROCUREMENT_METHOD_RULES[method].minSuppliers },
    );
}

export interface InvitedSupplierDraw {
  seed: string;
  /** The qualified suppliers in canonical order: what the draw picked from. */
  candidates: string[];
  /** The invited suppliers, in the order drawn. */
  picks: string[];
}

/**
 * An invited tender picks `count` (≥ 3) of the qualified suppliers at random, replayably: the same
 * seed and the same qualified suppliers, in any order, give the same picks. Fewer qualified than
 * needed → TOO_FEW_SUPPLIERS (the project fails or changes method).
 */
export function pickInvitedSuppliers(draw: {
  qualifiedSupplierIds: readonly string[];
  count: number;
  seed: string;
}): InvitedSupplierDraw {
  requireDrawSeed(draw.seed);
  if (!Number.isInteger(draw.count) || draw.count < MIN_INVITED_SUPPLIERS)
    throw new DomainError('VALIDATION_FAILED', `invite at least ${MIN_INVITED_SUPPLIERS} suppliers`, [
      { field: 'count', rule: `a whole number ≥ ${MIN_INVITED_SUPPLIERS}` },
    ]);
  const candidates = canonicalOrder([...new Set(draw.qualifiedSupplierIds)], (id) => id);
  if (candidates.length < draw.count)
    throw new DomainError(
      'TOO_FEW_SUPPLIERS',
      `${candidates.length} qualified supplier(s): cannot invite ${draw.count}`,
      { method: 'invited_tender', qualified: candidates.length, minimum: draw.count },
    );
  return {
    seed: draw.seed,
    candidates,
    picks: drawWithoutReplacement(new SeededStream(draw.seed), candidates, draw.count),
  };
}

// ---------------------------------------------------------------------------------------------
// From the evaluation to the contract (each a last day, inclusive)

export function reportDueOn(calendar: BusinessCalendar, evaluationEndedOn: string): string {
  requireDate('evaluationEndedOn', evaluationEndedOn);
  return calendar.addBusinessDays(evaluationEndedOn, REPORT_DELIVERY_BUSINESS_DAYS);
}

export function awardDecisionDueOn(calendar: BusinessCalendar, reportReceivedOn: string): string {
  requireDate('reportReceivedOn', reportReceivedOn);
  return calendar.addBusinessDays(reportReceivedOn, AWARD_DECISION_BUSINESS_DAYS);
}

export function resultAnnouncementDueOn(calendar: BusinessCalendar, decidedOn: string): string {
  requireDate('decidedOn', decidedOn);
  return calendar.addBusinessDays(decidedOn, RESULT_ANNOUNCEMENT_BUSINESS_DAYS);
}

export function procurementContractDueOn(awardNoticeOn: string): string {
  requireDate('awardNoticeOn', awardNoticeOn);
  return addCalendarDays(awardNoticeOn, PROCUREMENT_CONTRACT_DAYS);
}

export function contractPublicationDueOn(calendar: BusinessCalendar, signedOn: string): string {
  requireDate('signedOn', signedOn);
  return calendar.addBusinessDays(signedOn, CONTRACT_PUBLICATION_BUSINESS_DAYS);
}

/**
 * A purchaser who lets 5 business days pass without deciding, and gives no lawful reason, is
 * deemed to have chosen the first candidate (第87号令 第68条): a late decision for anyone else is
 * refused (AWARD_DECISION_OVERDUE, `decisionDueOn`). A timely one goes on to the award rule.
 */
export function checkAwardDecisionInTime(
  calendar: BusinessCalendar,
  decision: { reportReceivedOn: string; decidedOn: string; chosenRank: number },
): void {
  requireDate('decidedOn', decision.decidedOn);
  const decisionDueOn = awardDecisionDueOn(calendar, decision.reportReceivedOn);
  if (decision.decidedOn > decisionDueOn && decision.chosenRank !== 1)
    throw new DomainError(
      'AWARD_DECISION_OVERDUE',
      `the decision was due by ${decisionDueOn}; after that only the first candidate may be chosen`,
      { ...decision, decisionDueOn },
    );
}

/** Refuses a procurement contract signed later than 30 days after the award notice. */
export function checkProcurementContractInTime(contract: { awardNoticeOn: string; signedOn: string }): void {
  requireDate('signedOn', contract.signedOn);
  const dueOn = procurementContractDueOn(contract.awardNoticeOn);
  if (contract.signedOn > dueOn)
    throw new DomainError(
      'CONTRACT_DEADLINE_PASSED',
      `the contract had to be signed within ${PROCUREMENT_CONTRACT_DAYS} days of the award notice: by ${dueOn}`,
      { ...contract, requiredDays: PROCUREMENT_CONTRACT_DAYS, dueOn },
    );
}

// ---------------------------------------------------------------------------------------------
// Suspension, framework call-offs

/** The last day a procurement suspended on `suspendedOn` may stay suspended; the worker resumes it after. */
export function latestProcurementResumeOn(suspendedOn: string): string {
  requireDate('suspendedOn', suspendedOn);
  return addCalendarDays(suspendedOn, MAX_PROCUREMENT_SUSPENSION_DAYS);
}

/** Refuses a suspension ordered (or kept) beyond 30 days (SUSPENSION_TOO_LONG, `latestResumeOn`). */
export function checkProcurementSuspension(suspension: { suspendedOn: string; resumeOn: string }): void {
  requireDate('resumeOn', suspension.resumeOn);
  const latestResumeOn = latestProcurementResumeOn(suspension.suspendedOn);
  if (suspension.resumeOn > latestResumeOn)
    throw new DomainError(
      'SUSPENSION_TOO_LONG',
      `a procurement may be suspended for at most ${MAX_PROCUREMENT_SUSPENSION_DAYS} days: resume by ${latestResumeOn}`,
      { ...suspension, maxDays: MAX_PROCUREMENT_SUSPENSION_DAYS, latestResumeOn },
    );
}

/**
 * A call-off order under a framework agreement goes to one of the admitted suppliers
 * (CALL_OFF_SUPPLIER_NOT_ADMITTED) within the agreement's term (CALL_OFF_OUTSIDE_TERM).
 */
export function checkCallOff(order: {
  admittedSupplierIds: readonly string[];
  supplierId: string;
  termStartsOn: string;
  termEndsOn: string;
  orderedOn: string;
}): void {
  requireDate('termStartsOn', order.termStartsOn);
  requireDate('termEndsOn', order.termEndsOn);
  requireDate('orderedOn', order.orderedOn);
  if (!order.admittedSupplierIds.includes(order.supplierId))
    throw new DomainError(
      'CALL_OFF_SUPPLIER_NOT_ADMITTED',
      'the supplier is not admitted to this framework agreement',
      {
        supplierId: order.supplierId,
      },
    );
  if (order.orderedOn < order.termStartsOn || order.orderedOn > order.termEndsOn)
    throw new DomainError(
      'CALL_OFF_OUTSIDE_TERM',
      `call-off orders are placed from ${order.termStartsOn} to ${order.termEndsOn}`,
      { orderedOn: order.orderedOn, termStartsOn: order.termStartsOn, termEndsOn: order.termEndsOn },
    );
}

/**
 * The orders under a framework agreement together stay within the procurement's budget
 * (CALL_OFF_ABOVE_BUDGET, with what was ordered so far): an agreement is no open cheque.
 */
export function checkCallOffWithinBudget(order: {
  budget: number;
  orderedSoFar: number;
  amount: number;
}): void {
  if (order.orderedSoFar + order.amount > order.budget)
    throw new DomainError(
      'CALL_OFF_ABOVE_BUDGET',
      `the orders would come to more than the budget (${order.budget} fen)`,
      { budget: order.budget, orderedSoFar: order.orderedSoFar, amount: order.amount },
    );
}

/** 政府采购法实施条例 第33条: deposits are refunded within 5 business days … */
export const PROCUREMENT_DEPOSIT_REFUND_BUSINESS_DAYS = 5;

/**
 * … of the award notice for the suppliers who did not win, and of the contract for the one who
 * did (it secures the bid and is never converted to part of the price).
 */
export function procurementDepositRefundDueOn(
  calendar: BusinessCalendar,
  refund: { winner: false; awardNoticeOn: string } | { winner: true; contractSignedOn: string },
): string {
  const from = refund.winner ? refund.contractSignedOn : refund.awardNoticeOn;
  requireDate(refund.winner ? 'contractSignedOn' : 'awardNoticeOn', from);
  return calendar.addBusinessDays(from, PROCUREMENT_DEPOSIT_REFUND_BUSINESS_DAYS);
}

// ---------------------------------------------------------------------------------------------
// The schedule as staff enter it

export interface ProcurementSchedule {
  method: ProcurementMethod;
  /** Invited tender: the call for qualification. */
  qualificationCallStartsOn?: string | null;
  qualificationCallEndsOn?: string | null;
  /** Single source: the prior publicity. */
  publicityStartsOn?: string | null;
  publicityEndsOn?: string | null;
  /** Every method but single source. */
  documentsIssuedOn?: string | null;
  documentsAvailableUntil?: string | null;
  deadlineOn?: string | null;
}

/** Which dates a method's schedule needs. */
function requiredScheduleFields(method: ProcurementMethod): (keyof ProcurementSchedule)[] {
  if (method === 'single_source') return ['publicityStartsOn', 'publicityEndsOn'];
  const fields: (keyof ProcurementSchedule)[] = ['documentsIssuedOn', 'deadlineOn'];
  if (PROCUREMENT_METHOD_RULES[method].documentsAvailable) fields.push('documentsAvailableUntil');
  if (method === 'invited_tender') fields.push('qualificationCallStartsOn', 'qualificationCallEndsOn');
  return fields;
}

/**
 * Checks a procurement's schedule for its method: the dates it needs are there and in order
 * (VALIDATION_FAILED, every problem), then each period, each refusal its own code.
 */
export function checkProcurementSchedule(calendar: BusinessCalendar, schedule: ProcurementSchedule): void {
  const violations: { field: string; rule: string }[] = [];
  for (const field of requiredScheduleFields(schedule.method)) {
    const value = schedule[field];
    if (typeof value !== 'string' || !isCalendarDate(value))
      violations.push({ field, rule: `a calendar date YYYY-MM-DD (${schedule.method} needs it)` });
  }
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the schedule is incomplete', violations);
  const { method } = schedule;
  if (method === 'single_source') {
    checkSingleSourcePublicity(calendar, {
      startsOn: schedule.publicityStartsOn!,
      endsOn: schedule.publicityEndsOn!,
    });
    return;
  }
  const order: { field: string; rule: string }[] = [];
  if (method === 'invited_tender' && schedule.documentsIssuedOn! <= schedule.qualificationCallEndsOn!)
    order.push({
      field: 'documentsIssuedOn',
      rule: '> qualificationCallEndsOn (the invited are picked first)',
    });
  if (schedule.documentsAvailableUntil != null && schedule.documentsAvailableUntil > schedule.deadlineOn!)
    order.push({ field: 'documentsAvailableUntil', rule: '≤ deadlineOn' });
  if (order.length > 0) throw new DomainError('VALIDATION_FAILED', 'the schedule is out of order', order);
  if (method === 'invited_tender')
    checkQualificationCall(calendar, {
      publishedOn: schedule.qualificationCallStartsOn!,
      endsOn: schedule.qualificationCallEndsOn!,
    });
  if (PROCUREMENT_METHOD_RULES[method].documentsAvailable)
    checkDocumentsAvailable(calendar, {
      method,
      availableFrom: schedule.documentsIssuedOn!,
      availableUntil: schedule.documentsAvailableUntil!,
    });
  checkResponsePeriod(calendar, {
    method,
    documentsIssuedOn: schedule.documentsIssuedOn!,
    deadlineOn: schedule.deadlineOn!,
  });
}
