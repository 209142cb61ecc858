/**
 * The statutory periods and counts of a construction tender (建筑工程招投标, DOMAIN.md A;
 * 招标投标法 2017 and its 实施条例 2019), each a check that refuses with its own code and gives
 * the earliest (or latest) allowed date in `details`.
 *
 * Days are calendar dates (`YYYY-MM-DD`) in CENTRE_TZ; the caller turns instants (the bid
 * deadline, the database's now) into dates there with calendarDateInZone. Every period counts as
 * the transfer rules do (docs/design/DOMAIN-changes.md): the day of the event is day 0 whatever the
 * hour, the next day is day 1 (民法典 第201条: the first day is not counted), and a period runs to
 * the end (24:00 CENTRE_TZ) of its last day. 日 here are calendar days; the business-day (工作日)
 * periods of procurement are in procurement-rules.ts. Where practice counts the first day too, the
 * rule here is one day stricter, so a schedule it accepts is lawful under either reading.
 */
import { addCalendarDays } from './business-calendar.js';
import { isSupportedDate, SUPPORTED_YEARS } from './calendar.js';
import { DomainError } from './errors.js';
import { type Fen, isFen } from './money.js';

/** 实施条例 第16条: prequalification or tender documents are on sale for ≥ 5 days. */
export const MIN_DOCUMENT_SALE_DAYS = 5;
/** 招标投标法 第24条: from the documents' issue to the bid deadline ≥ 20 days. */
export const MIN_BID_PERIOD_DAYS = 20;
/** 实施条例 第17条: prequalification applications are due ≥ 5 days after the sale ends. */
export const MIN_PREQUALIFICATION_DAYS_AFTER_SALE = 5;
/** 招标投标法 第23条, 实施条例 第21条: amendments ≥ 15 days before the bid deadline, or it moves. */
export const TENDER_AMENDMENT_LEAD_DAYS = 15;
/** 实施条例 第21条: amendments to prequalification documents ≥ 3 days before applications are due. */
export const PREQUALIFICATION_AMENDMENT_LEAD_DAYS = 3;
/** 实施条例 第22条: objections to the tender documents ≥ 10 days before the bid deadline … */
export const DOCUMENT_OBJECTION_LEAD_DAYS = 10;
/** … to prequalification documents ≥ 2 days before applications are due … */
export const PREQUALIFICATION_OBJECTION_LEAD_DAYS = 2;
/** … each answered within 3 days of receipt; the process pauses until then. */
export const OBJECTION_REPLY_DAYS = 3;
/** 实施条例 第54条: candidates are published within 3 days of receiving the report … */
export const CANDIDATE_PUBLICITY_START_DAYS = 3;
/** … for at least 3 days. */
export const MIN_CANDIDATE_PUBLICITY_DAYS = 3;
/** 招标投标法 第46条: the contract within 30 days of the award notice. */
export const CONTRACT_DAYS_AFTER_AWARD = 30;
/** 实施条例 第26条 (and 政府采购法实施条例 第33条): a deposit ≤ 2% of the estimate or budget. */
export const MAX_DEPOSIT_PERCENT = 2;
/** 招标投标法 第28条, 实施条例 第19条: fewer than 3 bids or qualified applicants → re-tender. */
export const MIN_BIDS = 3;
/** 实施条例 第53条: the committee recommends at most 3 ranked candidates. */
export const MAX_CANDIDATES = 3;

export function requireDate(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !isSupportedDate(value))
    throw new DomainError('VALIDATION_FAILED', `${field} must be a date (YYYY-MM-DD)`, [
      {
        field,
        rule: `a calendar date YYYY-MM-DD from ${SUPPORTED_YEARS.first} to ${SUPPORTED_YEARS.last}`,
      },
    ]);
}

function requireCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${field} must be a whole number ≥ 0: ${value}`);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function calendarDaysBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / 86_400_000);
}

/** The later of two dates. */
const later = (a: string, b: string) => (a > b ? a : b);

// ---------------------------------------------------------------------------------------------
// The notice, the documents and prequalification

/** Refuses a document sale shorter than 5 days (DOCUMENT_SALE_TOO_SHORT, `earliestSaleEndsOn`). */
export function checkDocumentSale(sale: { saleStartsOn: string; saleEndsOn: string }): void {
  requireDate('saleStartsOn', sale.saleStartsOn);
  requireDate('saleEndsOn', sale.saleEndsOn);
  const earliestSaleEndsOn = addCalendarDays(sale.saleStartsOn, MIN_DOCUMENT_SALE_DAYS);
  if (sale.saleEndsOn < earliestSaleEndsOn)
    throw new DomainError(
      'DOCUMENT_SALE_TOO_SHORT',
      `documents must be on sale for at least ${MIN_DOCUMENT_SALE_DAYS} days: from ${sale.saleStartsOn}, to ${earliestSaleEndsOn} at the earliest`,
      { ...sale, requiredDays: MIN_DOCUMENT_SALE_DAYS, unit: 'days', earliestSaleEndsOn },
    );
}

/** The first day the bid deadline may fall on, for documents issued on `documentsIssuedOn`. */
export function earliestBidDeadline(documentsIssuedOn: string): string {
  requireDate('documentsIssuedOn', documentsIssuedOn);
  return addCalendarDays(documentsIssuedOn, MIN_BID_PERIOD_DAYS);
}

/** Refuses a bid deadline under 20 days after the documents were issued (BID_PERIOD_TOO_SHORT). */
export function checkBidPeriod(period: { documentsIssuedOn: string; bidDeadlineOn: string }): void {
  requireDate('bidDeadlineOn', period.bidDeadlineOn);
  const earliestBidDeadlineOn = earliestBidDeadline(period.documentsIssuedOn);
  if (period.bidDeadlineOn < earliestBidDeadlineOn)
    throw new DomainError(
      'BID_PERIOD_TOO_SHORT',
      `the bid deadline must be at least ${MIN_BID_PERIOD_DAYS} days after the documents are issued (${period.documentsIssuedOn}): ${earliestBidDeadlineOn} at the earliest`,
      { ...period, requiredDays: MIN_BID_PERIOD_DAYS, unit: 'days', earliestBidDeadlineOn },
    );
}

/** Refuses prequalification applications due under 5 days after the sale ends. */
export function checkPrequalificationPeriod(period: { saleEndsOn: string; applicationsDueOn: string }): void {
  requireDate('saleEndsOn', period.saleEndsOn);
  requireDate('applicationsDueOn', period.applicationsDueOn);
  const earliestApplicationsDueOn = addCalendarDays(period.saleEndsOn, MIN_PREQUALIFICATION_DAYS_AFTER_SALE);
  if (period.applicationsDueOn < earliestApplicationsDueOn)
    throw new DomainError(
      'PREQUALIFICATION_PERIOD_TOO_SHORT',
      `prequalification applications are due at least ${MIN_PREQUALIFICATION_DAYS_AFTER_SALE} days after the sale ends (${period.saleEndsOn}): ${earliestApplicationsDueOn} at the earliest`,
      {
        ...period,
        requiredDays: MIN_PREQUALIFICATION_DAYS_AFTER_SALE,
        unit: 'days',
        earliestApplicationsDueOn,
      },
    );
}

/**
 * The result of prequalification (实施条例 第19条): fewer than 3 passed → the tender fails and is
 * re-tendered; otherwise it is prequalified and bidding follows for those who passed.
 */
export function prequalificationOutcome(passed: number): 'prequalified' | 'failed' {
  requireCount('passed', passed);
  return passed >= MIN_BIDS ? 'prequalified' : 'failed';
}

// ---------------------------------------------------------------------------------------------
// Clarifications, amendments and objections

/**
 * A clarification or amendment that may affect how bids are prepared, issued less than 15 days
 * before the deadline, moves the deadline to 15 days after its issue (实施条例 第21条 顺延); one
 * that cannot affect them, or comes early enough, leaves it. The time of day stays the caller's.
 */
export function bidDeadlineAfterAmendment(amendment: {
  bidDeadlineOn: string;
  issuedOn: string;
  affectsBidPreparation: boolean;
}): { bidDeadlineOn: string; moved: boolean } {
  requireDate('bidDeadlineOn', amendment.bidDeadlineOn);
  requireDate('issuedOn', amendment.issuedOn);
  if (!amendment.affectsBidPreparation) return { bidDeadlineOn: amendment.bidDeadlineOn, moved: false };
  const bidDeadlineOn = later(
    amendment.bidDeadlineOn,
    addCalendarDays(amendment.issuedOn, TENDER_AMENDMENT_LEAD_DAYS),
  );
  return { bidDeadlineOn, moved: bidDeadlineOn !== amendment.bidDeadlineOn };
}

/** The same for prequalification documents: 3 days before applications are due, or it moves. */
export function applicationsDueAfterAmendment(amendment: {
  applicationsDueOn: string;
  issuedOn: string;
  affectsApplications: boolean;
}): { applicationsDueOn: string; moved: boolean } {
  requireDate('applicationsDueOn', amendment.applicationsDueOn);
  requireDate('issuedOn', amendment.issuedOn);
  if (!amendment.affectsApplications) return { applicationsDueOn: amendment.applicationsDueOn, moved: false };
  const applicationsDueOn = later(
    amendment.applicationsDueOn,
    addCalendarDays(amendment.issuedOn, PREQUALIFICATION_AMENDMENT_LEAD_DAYS),
  );
  return { applicationsDueOn, moved: applicationsDueOn !== amendment.applicationsDueOn };
}

export type ObjectionTarget = 'tender_documents' | 'prequalification_documents';

/**
 * Refuses an objection to the documents filed too close to the deadline it concerns
 * (OBJECTION_TOO_LATE, `latestFiledOn`): the tender documents 10 days before the bid deadline,
 * prequalification documents 2 days before applications are due.
 */
export function checkObjectionInTime(objection: {
  target: ObjectionTarget;
  deadlineOn: string;
  filedOn: string;
}): void {
  requireDate('deadlineOn', objection.deadlineOn);
  requireDate('filedOn', objection.filedOn);
  const leadDays =
    objection.target === 'tender_documents'
      ? DOCUMENT_OBJECTION_LEAD_DAYS
      : PREQUALIFICATION_OBJECTION_LEAD_DAYS;
  const latestFiledOn = addCalendarDays(objection.deadlineOn, -leadDays);
  if (objection.filedOn > latestFiledOn)
    throw new DomainError(
      'OBJECTION_TOO_LATE',
      `an objection to the ${objection.target === 'tender_documents' ? 'tender' : 'prequalification'} documents must be filed at least ${leadDays} days before ${objection.deadlineOn}: by ${latestFiledOn}`,
      { ...objection, requiredDays: leadDays, latestFiledOn },
    );
}

/**
 * The last day to answer an objection (3 days from receipt). Not a refusal: a late answer must
 * still be given, so the worker raises an early-warning alert once it is overdue.
 */
export function objectionReplyDueOn(receivedOn: string): string {
  requireDate('receivedOn', receivedOn);
  return addCalendarDays(receivedOn, OBJECTION_REPLY_DAYS);
}

/** True when a deadline (a last day, inclusive) has passed with nothing done. */
export function isOverdue(dueOn: string, doneOn: string | null, today: string): boolean {
  requireDate('dueOn', dueOn);
  requireDate('today', today);
  return doneOn === null ? today > dueOn : doneOn > dueOn;
}

/**
 * A pause freezes a period counted in calendar days: the days still ahead when it was paused are
 * given back from the day it resumes, so the last day moves by the days paused. A pause on the
 * last day itself took the rest of that day: it is given back too. Never earlier than the old
 * last day; a day already past when the pause began stays.
 */
export function resumedCalendarPeriodEnd(period: {
  endsOn: string;
  pausedOn: string;
  resumedOn: string;
}): string {
  requireDate('endsOn', period.endsOn);
  requireDate('pausedOn', period.pausedOn);
  requireDate('resumedOn', period.resumedOn);
  if (period.pausedOn > period.endsOn || period.resumedOn <= period.pausedOn) return period.endsOn;
  const remaining = calendarDaysBetween(period.pausedOn, period.endsOn);
  return later(period.endsOn, addCalendarDays(period.resumedOn, remaining));
}

// ---------------------------------------------------------------------------------------------
// Bids, deposit

/** The largest deposit allowed: ⌊2% of the estimate (or budget)⌋, exactly in fen. */
export function maxDeposit(base: Fen): Fen {
  if (!isFen(base)) throw new RangeError(`not an amount of fen: ${base}`);
  return Number((BigInt(base) * BigInt(MAX_DEPOSIT_PERCENT)) / 100n);
}

/**
 * Refuses a deposit over 2% of the estimated price (tenders) or the budget (procurement), compared
 * exactly (100 × deposit > 2 × base), with `maxDeposit` in the details.
 */
export function checkDepositLimit(terms: {
  base: 'estimatedPrice' | 'budget';
  baseAmount: Fen;
  deposit: Fen;
}): void {
  if (!isFen(terms.baseAmount) || !isFen(terms.deposit))
    throw new DomainError('VALIDATION_FAILED', 'amounts must be fen', [
      ...(isFen(terms.baseAmount)
        ? []
        : [{ field: terms.base, rule: 'a positive safe integer number of fen' }]),
      ...(isFen(terms.deposit) ? [] : [{ field: 'deposit', rule: 'a positive safe integer number of fen' }]),
    ]);
  if (BigInt(terms.deposit) * 100n > BigInt(terms.baseAmount) * BigInt(MAX_DEPOSIT_PERCENT))
    throw new DomainError(
      'DEPOSIT_ABOVE_LIMIT',
      `the deposit may be at most ${MAX_DEPOSIT_PERCENT}% of the ${terms.base === 'budget' ? 'budget' : 'estimated price'}`,
      { base: terms.base, maxPercent: MAX_DEPOSIT_PERCENT, maxDeposit: maxDeposit(terms.baseAmount) },
    );
}

/** At the opening: fewer than 3 bids → failed (流标); the opening record is published either way. */
export function openingOutcome(bids: number): 'evaluating' | 'failed' {
  requireCount('bids', bids);
  return bids >= MIN_BIDS ? 'evaluating' : 'failed';
}

/** Refuses evaluating a tender with fewer than 3 valid bids (TOO_FEW_BIDS). */
export function checkEnoughBids(validBids: number): void {
  requireCount('validBids', validBids);
  if (validBids < MIN_BIDS)
    throw new DomainError(
      'TOO_FEW_BIDS',
      `a tender needs at least ${MIN_BIDS} valid bids; it must be re-tendered`,
      {
        validBids,
        minimum: MIN_BIDS,
      },
    );
}

// ---------------------------------------------------------------------------------------------
// Candidates, award, contract

/** The last day publicity of the candidates may start: 3 days after the report was received. */
export function latestCandidatePublicityStart(reportReceivedOn: string): string {
  requireDate('reportReceivedOn', reportReceivedOn);
  return addCalendarDays(reportReceivedOn, CANDIDATE_PUBLICITY_START_DAYS);
}

/** The first last-day a publicity starting on `startsOn` may have. */
export function earliestCandidatePublicityEnd(startsOn: string): string {
  requireDate('startsOn', startsOn);
  return addCalendarDays(startsOn, MIN_CANDIDATE_PUBLICITY_DAYS);
}

/**
 * Refuses candidates' publicity that starts more than 3 days after the report
 * (CANDIDATE_PUBLICITY_TOO_LATE, `latestStartsOn`) or lasts under 3 days
 * (CANDIDATE_PUBLICITY_TOO_SHORT, `earliestEndsOn`).
 */
export function checkCandidatePublicity(publicity: {
  reportReceivedOn: string;
  startsOn: string;
  endsOn: string;
}): void {
  requireDate('startsOn', publicity.startsOn);
  requireDate('endsOn', publicity.endsOn);
  const latestStartsOn = latestCandidatePublicityStart(publicity.reportReceivedOn);
  if (publicity.startsOn > latestStartsOn)
    throw new DomainError(
      'CANDIDATE_PUBLICITY_TOO_LATE',
      `candidates must be published within ${CANDIDATE_PUBLICITY_START_DAYS} days of the evaluation report (${publicity.reportReceivedOn}): by ${latestStartsOn}`,
      { ...publicity, requiredDays: CANDIDATE_PUBLICITY_START_DAYS, latestStartsOn },
    );
  const earliestEndsOn = earliestCandidatePublicityEnd(publicity.startsOn);
  if (publicity.endsOn < earliestEndsOn)
    throw new DomainError(
      'CANDIDATE_PUBLICITY_TOO_SHORT',
      `candidates stay published for at least ${MIN_CANDIDATE_PUBLICITY_DAYS} days: to ${earliestEndsOn} at the earliest`,
      { ...publicity, requiredDays: MIN_CANDIDATE_PUBLICITY_DAYS, earliestEndsOn },
    );
}

/**
 * 实施条例 第54条: an objection to the evaluation's result is filed during the candidates'
 * publicity — not before its first day (CANDIDATE_OBJECTION_NOT_OPEN, `earliestFiledOn`), not
 * after its last (CANDIDATE_OBJECTION_TOO_LATE, `latestFiledOn`). While the publicity is paused its
 * clock stands still: the caller passes the day it was paused as `filedOn`.
 */
export function checkCandidateObjectionInTime(objection: {
  startsOn: string;
  endsOn: string;
  filedOn: string;
}): void {
  requireDate('startsOn', objection.startsOn);
  requireDate('endsOn', objection.endsOn);
  requireDate('filedOn', objection.filedOn);
  if (objection.filedOn < objection.startsOn)
    throw new DomainError(
      'CANDIDATE_OBJECTION_NOT_OPEN',
      `objections to the candidates are filed during their publicity, from ${objection.startsOn}`,
      { ...objection, earliestFiledOn: objection.startsOn },
    );
  if (objection.filedOn > objection.endsOn)
    throw new DomainError(
      'CANDIDATE_OBJECTION_TOO_LATE',
      `objections to the candidates are filed during their publicity, by ${objection.endsOn}`,
      { ...objection, latestFiledOn: objection.endsOn },
    );
}

/** Refuses the award before the publicity is over (PUBLICITY_NOT_ENDED): the day after its last day. */
export function checkPublicityEnded(publicity: { endsOn: string; today: string }): void {
  requireDate('endsOn', publicity.endsOn);
  requireDate('today', publicity.today);
  if (publicity.today <= publicity.endsOn)
    throw new DomainError('PUBLICITY_NOT_ENDED', `the publicity runs to the end of ${publicity.endsOn}`, {
      endsOn: publicity.endsOn,
      earliestOn: addCalendarDays(publicity.endsOn, 1),
    });
}

/**
 * 实施条例 第55条: why a candidate drops out — it gave up the award (放弃中标), cannot perform for
 * force majeure (因不可抗力不能履行合同), did not lodge the performance bond (不按照招标文件要求提交履约
 * 保证金), or was found to have broken the law in a way that affects the result (被查实存在影响中标
 * 结果的违法行为). A state-funded tender's award then goes to the next candidate in rank, or the
 * tender fails when none is left.
 */
export const CANDIDATE_WITHDRAWAL_CAUSES = [
  'gave_up',
  'cannot_perform',
  'no_performance_bond',
  'disqualified',
] as const;
export type CandidateWithdrawalCause = (typeof CANDIDATE_WITHDRAWAL_CAUSES)[number];

/**
 * Who the award goes to once `withdrawn` candidates dropped out: the first remaining in rank, or
 * null when none is left (the tender fails). `candidateBidIds` is the published ranking.
 */
export function nextCandidateAfterWithdrawals(candidateBidIds: string[], withdrawn: string[]): string | null {
  const out = new Set(withdrawn);
  return candidateBidIds.find((bidId) => !out.has(bidId)) ?? null;
}

/** The last day to sign the contract: 30 days after the award notice. */
export function contractDueOn(awardNoticeOn: string): string {
  requireDate('awardNoticeOn', awardNoticeOn);
  return addCalendarDays(awardNoticeOn, CONTRACT_DAYS_AFTER_AWARD);
}

/** Refuses recording a contract signed later than 30 days after the award notice. */
export function checkContractInTime(contract: { awardNoticeOn: string; signedOn: string }): void {
  requireDate('signedOn', contract.signedOn);
  const dueOn = contractDueOn(contract.awardNoticeOn);
  if (contract.signedOn > dueOn)
    throw new DomainError(
      'CONTRACT_DEADLINE_PASSED',
      `the contract had to be signed within ${CONTRACT_DAYS_AFTER_AWARD} days of the award notice: by ${dueOn}`,
      { ...contract, requiredDays: CONTRACT_DAYS_AFTER_AWARD, dueOn },
    );
}

/** 实施条例 第57条: every bid deposit (the winner's too) is refunded within 5 days of the contract. */
export const TENDER_DEPOSIT_REFUND_DAYS = 5;

/**
 * The last day to refund a tender's bid deposits, the winner's and the losers' alike: 5 days after
 * the written contract (a tender's deposit secures the bid, it never converts to part of the price).
 */
export function tenderDepositRefundDueOn(contractSignedOn: string): string {
  requireDate('contractSignedOn', contractSignedOn);
  return addCalendarDays(contractSignedOn, TENDER_DEPOSIT_REFUND_DAYS);
}

// ---------------------------------------------------------------------------------------------
// The schedule as staff enter it

export interface TenderSchedule {
  saleStartsOn: string;
  saleEndsOn: string;
  documentsIssuedOn: string;
  bidDeadlineOn: string;
}

/** Every statutory date the schedule implies, for the project's page (each a last or first day). */
export interface TenderDeadlines {
  earliestSaleEndsOn: string;
  earliestBidDeadlineOn: string;
  /** The last day an objection to the tender documents may be filed. */
  documentObjectionsUntilOn: string;
  /** The last day an amendment that may affect the bids leaves the deadline where it is. */
  amendmentsWithoutMoveUntilOn: string;
}

export function tenderDeadlines(schedule: TenderSchedule): TenderDeadlines {
  requireDate('saleStartsOn', schedule.saleStartsOn);
  requireDate('saleEndsOn', schedule.saleEndsOn);
  requireDate('bidDeadlineOn', schedule.bidDeadlineOn);
  return {
    earliestSaleEndsOn: addCalendarDays(schedule.saleStartsOn, MIN_DOCUMENT_SALE_DAYS),
    earliestBidDeadlineOn: earliestBidDeadline(schedule.documentsIssuedOn),
    documentObjectionsUntilOn: addCalendarDays(schedule.bidDeadlineOn, -DOCUMENT_OBJECTION_LEAD_DAYS),
    amendmentsWithoutMoveUntilOn: addCalendarDays(schedule.bidDeadlineOn, -TENDER_AMENDMENT_LEAD_DAYS),
  };
}

/**
 * Checks a schedule at creation, on every edit and again at the announcement, in the order a
 * tender runs: the sale, then the bid period. The first broken rule is refused with its own code;
 * the order of the dates themselves is a form rule. A prequalification's own schedule comes first
 * (checkPrequalificationSchedule).
 */
export function checkTenderSchedule(schedule: TenderSchedule): void {
  const dates = [
    ['saleStartsOn', schedule.saleStartsOn],
    ['saleEndsOn', schedule.saleEndsOn],
    ['documentsIssuedOn', schedule.documentsIssuedOn],
    ['bidDeadlineOn', schedule.bidDeadlineOn],
  ] as const;
  for (const [field, value] of dates) requireDate(field, value);
  const order: { field: string; rule: string }[] = [];
  if (schedule.documentsIssuedOn < schedule.saleStartsOn)
    order.push({ field: 'documentsIssuedOn', rule: '≥ saleStartsOn' });
  if (schedule.bidDeadlineOn <= schedule.saleEndsOn)
    order.push({ field: 'bidDeadlineOn', rule: '> saleEndsOn' });
  if (order.length > 0) throw new DomainError('VALIDATION_FAILED', 'the schedule is out of order', order);
  checkDocumentSale(schedule);
  checkBidPeriod(schedule);
}

// ---------------------------------------------------------------------------------------------
// Prequalification (资格预审, 实施条例 第15–22条)

/**
 * A tender's prequalification as staff enter it: the prequalification documents (their SHA-256),
 * the days they are on sale and the day applications are due (to 24:00 CENTRE_TZ of that day).
 * The tender documents are sold to those who pass, after the result: the tender's own sale
 * starts after the applications are due.
 */
export interface PrequalificationSchedule {
  saleStartsOn: string;
  saleEndsOn: string;
  applicationsDueOn: string;
}

/** Every statutory date a prequalification implies, for the tender's page. */
export interface PrequalificationDeadlines {
  earliestSaleEndsOn: string;
  earliestApplicationsDueOn: string;
  /** The last day an objection to the prequalification documents may be filed (2 days before). */
  objectionsUntilOn: string;
  /** The last day an amendment that may affect the applications leaves their due day. */
  amendmentsWithoutMoveUntilOn: string;
}

/**
 * Refuses prequalification documents on sale under 5 days (实施条例 第16条), with its own code
 * (PREQUALIFICATION_SALE_TOO_SHORT, `earliestSaleEndsOn`): it is not the tender documents' sale.
 */
export function checkPrequalificationSale(sale: { saleStartsOn: string; saleEndsOn: string }): void {
  requireDate('prequalification.saleStartsOn', sale.saleStartsOn);
  requireDate('prequalification.saleEndsOn', sale.saleEndsOn);
  const earliestSaleEndsOn = addCalendarDays(sale.saleStartsOn, MIN_DOCUMENT_SALE_DAYS);
  if (sale.saleEndsOn < earliestSaleEndsOn)
    throw new DomainError(
      'PREQUALIFICATION_SALE_TOO_SHORT',
      `prequalification documents must be on sale for at least ${MIN_DOCUMENT_SALE_DAYS} days: from ${sale.saleStartsOn}, to ${earliestSaleEndsOn} at the earliest`,
      { ...sale, requiredDays: MIN_DOCUMENT_SALE_DAYS, unit: 'days', earliestSaleEndsOn },
    );
}

export function prequalificationDeadlines(schedule: PrequalificationSchedule): PrequalificationDeadlines {
  requireDate('prequalification.saleStartsOn', schedule.saleStartsOn);
  requireDate('prequalification.saleEndsOn', schedule.saleEndsOn);
  requireDate('prequalification.applicationsDueOn', schedule.applicationsDueOn);
  return {
    earliestSaleEndsOn: addCalendarDays(schedule.saleStartsOn, MIN_DOCUMENT_SALE_DAYS),
    earliestApplicationsDueOn: addCalendarDays(schedule.saleEndsOn, MIN_PREQUALIFICATION_DAYS_AFTER_SALE),
    objectionsUntilOn: addCalendarDays(schedule.applicationsDueOn, -PREQUALIFICATION_OBJECTION_LEAD_DAYS),
    amendmentsWithoutMoveUntilOn: addCalendarDays(
      schedule.applicationsDueOn,
      -PREQUALIFICATION_AMENDMENT_LEAD_DAYS,
    ),
  };
}

/**
 * Checks a prequalification with the tender it precedes, in the order it runs: the order of the
 * dates (a form rule: applications are due before the tender documents' sale starts), the sale
 * (PREQUALIFICATION_SALE_TOO_SHORT), the applications (PREQUALIFICATION_PERIOD_TOO_SHORT). Days
 * are calendar days, holidays included, as every period of the tender line.
 */
export function checkPrequalificationSchedule(
  schedule: PrequalificationSchedule,
  tender: Pick<TenderSchedule, 'saleStartsOn'>,
): void {
  requireDate('prequalification.saleStartsOn', schedule.saleStartsOn);
  requireDate('prequalification.saleEndsOn', schedule.saleEndsOn);
  requireDate('prequalification.applicationsDueOn', schedule.applicationsDueOn);
  requireDate('saleStartsOn', tender.saleStartsOn);
  if (tender.saleStartsOn <= schedule.applicationsDueOn)
    throw new DomainError('VALIDATION_FAILED', 'the schedule is out of order', [
      { field: 'saleStartsOn', rule: '> prequalification.applicationsDueOn' },
    ]);
  checkPrequalificationSale(schedule);
  checkPrequalificationPeriod(schedule);
}

/**
 * 资格预审结果: with ≥ 3 passed the tender goes on, its documents sold to them from the sale's
 * first day. A result notified after that day moves the tender's schedule by the days it came late,
 * so each of its periods (the sale, the bid period) keeps its full length; on time, nothing moves.
 */
export function tenderScheduleAfterPrequalification(
  schedule: TenderSchedule,
  resultOn: string,
): { schedule: TenderSchedule; movedDays: number } {
  requireDate('resultOn', resultOn);
  requireDate('saleStartsOn', schedule.saleStartsOn);
  const late = Math.max(0, calendarDaysBetween(schedule.saleStartsOn, resultOn));
  return {
    schedule: {
      saleStartsOn: addCalendarDays(schedule.saleStartsOn, late),
      saleEndsOn: addCalendarDays(schedule.saleEndsOn, late),
      documentsIssuedOn: addCalendarDays(schedule.documentsIssuedOn, late),
      bidDeadlineOn: addCalendarDays(schedule.bidDeadlineOn, late),
    },
    movedDays: late,
  };
}
