/**
 * The pure rules of a property-rights transfer (产权交易, DOMAIN.md C; issue 7 §2): the disclosure
 * period, the price against the filed valuation, the end-of-disclosure decision, the agreement
 * price, and the deadlines counted in business days.
 *
 * Days are calendar dates (`YYYY-MM-DD`) in the centre's time zone; the caller turns the
 * database's clock into today's date there (calendarDateInZone). Business days count as
 * BusinessCalendar.addBusinessDays does everywhere: the day of the event (publication, the deal,
 * the confirmation) is day 0 whatever the hour, the next business day is day 1, and the period
 * runs to the end (24:00 CENTRE_TZ) of its last business day. A period that needs a year nobody
 * has entered is refused with CALENDAR_YEAR_MISSING by the calendar itself.
 */
import { addCalendarDays, type BusinessCalendar } from './business-calendar.js';
import { isCalendarDate, startOfDayInZone, wallTimeInZone } from './calendar.js';
import { DomainError } from './errors.js';
import {
  MAX_EXTENSION_SECONDS,
  MIN_EXTENSION_SECONDS,
  type RuleViolation,
} from './lease-listing-schedule.js';
import { type Fen, isFen } from './money.js';

export const TRANSFER_ASSET_KINDS = ['equity', 'physical_asset'] as const;
/** 产权 (shares or equity in an enterprise) or 实物资产 (a building, equipment, vehicles …). */
export type TransferAssetKind = (typeof TRANSFER_ASSET_KINDS)[number];

/** 企业国有资产交易监督管理办法 (令32号): equity ≥ 20 business days, assets ≥ 10. Re-listings too. */
export const MIN_DISCLOSURE_BUSINESS_DAYS: Readonly<Record<TransferAssetKind, number>> = {
  equity: 20,
  physical_asset: 10,
};
/** One extension period, as the notice announces it. */
export const EXTENSION_BUSINESS_DAYS = 5;
/** The most extension periods a notice may announce (a district setting). */
export const MAX_EXTENSION_PERIODS = 12;
/** The result is published for at least this long (交易结果公示). */
export const RESULT_PUBLICATION_BUSINESS_DAYS = 5;
/** Losers' deposits fall due for refund within this many business days of the deal. */
export const DEPOSIT_REFUND_BUSINESS_DAYS = 5;
/** From the transaction confirmation to the signed contract (a district setting; DOMAIN.md C). */
export const DEFAULT_CONTRACT_SIGNING_BUSINESS_DAYS = 5;
/** A re-listing priced below this share of the valuation needs the approving body's consent. */
export const RELIST_APPROVAL_THRESHOLD_PERCENT = 90;

const SHA256_HEX = /^[0-9a-f]{64}$/;
export const MAX_APPROVER_LENGTH = 200;

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

function requireDate(field: string, value: string): void {
  if (typeof value !== 'string' || !isCalendarDate(value))
    throw new DomainError('VALIDATION_FAILED', `${field} must be a date (YYYY-MM-DD)`, [
      { field, rule: 'a calendar date YYYY-MM-DD' },
    ]);
}

function requireFen(fields: Record<string, unknown>): void {
  const violations: RuleViolation[] = Object.entries(fields)
    .filter(([, value]) => !isFen(value))
    .map(([field]) => ({ field, rule: 'a positive safe integer number of fen' }));
  if (violations.length > 0) throw new DomainError('VALIDATION_FAILED', 'amounts must be fen', violations);
}

/** The instant a period whose last day is `date` runs out: 24:00 of that day in the zone. */
export function endOfCalendarDay(date: string, timeZone: string): Date {
  return startOfDayInZone(addCalendarDays(date, 1), timeZone);
}

// ---------------------------------------------------------------------------------------------
// Disclosure (信息披露 / 挂牌)

/** The first last-day a disclosure published on `publishedOn` may have. */
export function earliestDisclosureEnd(
  calendar: BusinessCalendar,
  assetKind: TransferAssetKind,
  publishedOn: string,
): string {
  requireDate('publishedOn', publishedOn);
  return calendar.addBusinessDays(publishedOn, MIN_DISCLOSURE_BUSINESS_DAYS[assetKind]);
}

/**
 * Refuses a disclosure shorter than the minimum for its kind (DISCLOSURE_TOO_SHORT, with the
 * earliest allowed last day). Checked at creation and every edit against today (publishing later
 * only shortens it) and again at publication; a re-listing is checked the same way.
 */
export function checkDisclosurePeriod(
  calendar: BusinessCalendar,
  period: { assetKind: TransferAssetKind; publishedOn: string; endsOn: string },
): void {
  requireDate('disclosureEndsOn', period.endsOn);
  const earliestEndsOn = earliestDisclosureEnd(calendar, period.assetKind, period.publishedOn);
  if (period.endsOn < earliestEndsOn) {
    const required = MIN_DISCLOSURE_BUSINESS_DAYS[period.assetKind];
    throw new DomainError(
      'DISCLOSURE_TOO_SHORT',
      `disclosure of ${period.assetKind === 'equity' ? 'equity' : 'a physical asset'} must last at least ` +
        `${required} business days: published on ${period.publishedOn}, it can end on ${earliestEndsOn} at the earliest`,
      {
        assetKind: period.assetKind,
        requiredBusinessDays: required,
        publishedOn: period.publishedOn,
        endsOn: period.endsOn,
        earliestEndsOn,
      },
    );
  }
}

/** The new last day after one announced extension: 5 business days after the old one. */
export function extendedDisclosureEnd(calendar: BusinessCalendar, endsOn: string): string {
  requireDate('disclosureEndsOn', endsOn);
  return calendar.addBusinessDays(endsOn, EXTENSION_BUSINESS_DAYS);
}

/**
 * A suspension freezes the disclosure: the business days still ahead when it was suspended are
 * given back from the day it resumes (the day of resumption is day 0, as publication is), so the
 * minimum is never eaten by the pause. Never earlier than the old last day.
 */
export function resumedDisclosureEnd(
  calendar: BusinessCalendar,
  period: { endsOn: string; suspendedOn: string; resumedOn: string },
): string {
  requireDate('disclosureEndsOn', period.endsOn);
  requireDate('suspendedOn', period.suspendedOn);
  requireDate('resumedOn', period.resumedOn);
  if (period.suspendedOn >= period.endsOn || period.resumedOn <= period.suspendedOn) return period.endsOn;
  const remaining = calendar.businessDaysBetween(period.suspendedOn, period.endsOn);
  const resumedEnd = calendar.addBusinessDays(period.resumedOn, remaining);
  return resumedEnd > period.endsOn ? resumedEnd : period.endsOn;
}

// ---------------------------------------------------------------------------------------------
// Price against the filed valuation (评估备案值)

/** Who approved a price below the rule, and the SHA-256 of the approval document. */
export interface PriceApproval {
  approver: string;
  documentSha256: string;
}

export function priceApprovalViolations(approval: PriceApproval): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (
    typeof approval.approver !== 'string' ||
    approval.approver.trim().length === 0 ||
    approval.approver.length > MAX_APPROVER_LENGTH
  )
    violations.push({ field: 'approval.approver', rule: `1 to ${MAX_APPROVER_LENGTH} characters` });
  if (!isSha256Hex(approval.documentSha256))
    violations.push({ field: 'approval.documentSha256', rule: 'SHA-256 as 64 lowercase hex digits' });
  return violations;
}

function requireWellFormedApproval(approval: PriceApproval | null | undefined): approval is PriceApproval {
  if (approval == null) return false;
  const violations = priceApprovalViolations(approval);
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the approval is incomplete', violations);
  return true;
}

/** First listing: a price under the valuation needs a recorded approval. */
export function checkListingPrice(terms: {
  valuation: Fen;
  listingPrice: Fen;
  approval?: PriceApproval | null;
}): void {
  requireFen({ valuation: terms.valuation, listingPrice: terms.listingPrice });
  const approved = requireWellFormedApproval(terms.approval);
  if (terms.listingPrice < terms.valuation && !approved)
    throw new DomainError(
      'PRICE_BELOW_VALUATION_NEEDS_APPROVAL',
      `a listing price of ${terms.listingPrice} fen is under the filed valuation of ${terms.valuation} fen: record who approved it and the approval document's SHA-256`,
      { valuation: terms.valuation, listingPrice: terms.listingPrice },
    );
}

/** True when `price` is below 90% of `valuation`, exactly (no rounding: 100 × price < 90 × valuation). */
export function isBelowRelistThreshold(valuation: Fen, price: Fen): boolean {
  return BigInt(price) * 100n < BigInt(valuation) * BigInt(RELIST_APPROVAL_THRESHOLD_PERCENT);
}

/** The lowest price a re-listing may have without an approval: ⌈90% of the valuation⌉. */
export function lowestRelistPriceWithoutApproval(valuation: Fen): Fen {
  const scaled = BigInt(valuation) * BigInt(RELIST_APPROVAL_THRESHOLD_PERCENT);
  return Number((scaled + 99n) / 100n);
}

/** Re-listing: down to 90% of the valuation freely; below that only with a recorded approval. */
export function checkRelistPrice(terms: {
  valuation: Fen;
  listingPrice: Fen;
  approval?: PriceApproval | null;
}): void {
  requireFen({ valuation: terms.valuation, listingPrice: terms.listingPrice });
  const approved = requireWellFormedApproval(terms.approval);
  if (isBelowRelistThreshold(terms.valuation, terms.listingPrice) && !approved)
    throw new DomainError(
      'RELIST_BELOW_90_PERCENT_NEEDS_APPROVAL',
      `a re-listing at ${terms.listingPrice} fen is below ${RELIST_APPROVAL_THRESHOLD_PERCENT}% of the valuation ` +
        `(${lowestRelistPriceWithoutApproval(terms.valuation)} fen): record who approved it and the approval document's SHA-256`,
      {
        valuation: terms.valuation,
        listingPrice: terms.listingPrice,
        lowestWithoutApproval: lowestRelistPriceWithoutApproval(terms.valuation),
      },
    );
}

// ---------------------------------------------------------------------------------------------
// The project as staff enter it

export const MAX_TRANSFER_TITLE_LENGTH = 200;
export const MAX_TRANSFEROR_LENGTH = 200;
export const MAX_TRANSFER_TEXT_LENGTH = 5000;
export const MAX_TRANSFER_DOCUMENTS = 50;
export const MAX_DOCUMENT_NAME_LENGTH = 255;
export const MAX_FREE_BIDDING_MINUTES = 1440;
const WALL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface TransferTerms {
  title: string;
  transferor: string;
  assetKind: TransferAssetKind;
  assetDescription: string;
  documents: { name: string; sha256: string }[];
  valuation: Fen;
  listingPrice: Fen;
  buyerConditions: string;
  deposit: Fen;
  extensionPeriods: number;
  increment: Fen;
  /** The live auction (2+ buyers) opens at this wall-clock time (HH:MM, CENTRE_TZ) … */
  auctionStartTime: string;
  /** … runs a free period this long, then the countdown of `extensionSeconds` as for leases. */
  freeBiddingMinutes: number;
  extensionSeconds: number;
}

/**
 * The form rules a DTO cannot express, every violation at once (VALIDATION_FAILED lists them).
 * The business rules (price against valuation, disclosure length) are checked after these, each
 * with its own code.
 */
export function transferTermsViolations(terms: TransferTerms): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const text = (field: keyof TransferTerms, max: number, required: boolean) => {
    const value = terms[field];
    if (typeof value !== 'string' || value.length > max || (required && value.trim().length === 0))
      violations.push({ field, rule: `${required ? '1' : '0'} to ${max} characters` });
  };
  text('title', MAX_TRANSFER_TITLE_LENGTH, true);
  text('transferor', MAX_TRANSFEROR_LENGTH, true);
  text('assetDescription', MAX_TRANSFER_TEXT_LENGTH, true);
  text('buyerConditions', MAX_TRANSFER_TEXT_LENGTH, false);
  if (!(TRANSFER_ASSET_KINDS as readonly string[]).includes(terms.assetKind))
    violations.push({ field: 'assetKind', rule: TRANSFER_ASSET_KINDS.join(' or ') });
  for (const field of ['valuation', 'listingPrice', 'deposit', 'increment'] as const)
    if (!isFen(terms[field])) violations.push({ field, rule: 'a positive safe integer number of fen' });
  if (isFen(terms.deposit) && isFen(terms.listingPrice) && terms.deposit > terms.listingPrice)
    violations.push({ field: 'deposit', rule: '≤ listingPrice' });
  if (
    !Number.isInteger(terms.extensionPeriods) ||
    terms.extensionPeriods < 0 ||
    terms.extensionPeriods > MAX_EXTENSION_PERIODS
  )
    violations.push({ field: 'extensionPeriods', rule: `an integer from 0 to ${MAX_EXTENSION_PERIODS}` });
  if (typeof terms.auctionStartTime !== 'string' || !WALL_TIME.test(terms.auctionStartTime))
    violations.push({ field: 'auctionStartTime', rule: 'HH:MM from 00:00 to 23:59' });
  const whole = (field: 'freeBiddingMinutes' | 'extensionSeconds', min: number, max: number) => {
    if (!Number.isInteger(terms[field]) || terms[field] < min || terms[field] > max)
      violations.push({ field, rule: `an integer from ${min} to ${max}` });
  };
  whole('freeBiddingMinutes', 1, MAX_FREE_BIDDING_MINUTES);
  whole('extensionSeconds', MIN_EXTENSION_SECONDS, MAX_EXTENSION_SECONDS);
  if (!Array.isArray(terms.documents) || terms.documents.length > MAX_TRANSFER_DOCUMENTS) {
    violations.push({ field: 'documents', rule: `at most ${MAX_TRANSFER_DOCUMENTS} documents` });
  } else {
    terms.documents.forEach((document, index) => {
      if (
        typeof document?.name !== 'string' ||
        document.name.trim().length === 0 ||
        document.name.length > MAX_DOCUMENT_NAME_LENGTH
      )
        violations.push({
          field: `documents[${index}].name`,
          rule: `1 to ${MAX_DOCUMENT_NAME_LENGTH} characters`,
        });
      if (!isSha256Hex(document?.sha256))
        violations.push({ field: `documents[${index}].sha256`, rule: 'SHA-256 as 64 lowercase hex digits' });
    });
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// The end of disclosure

export type EndOfDisclosureOutcome = 'no_buyer' | 'agreement' | 'auction';
export type EndOfDisclosureAction = 'extend' | 'relist' | 'open_agreement' | 'open_auction';

export interface EndOfDisclosureFacts {
  qualifiedBuyers: number;
  /** How many 5-business-day extensions the notice announced (0: none). */
  extensionPeriods: number;
  /** How many of them have run. */
  extensionsUsed: number;
}

function requireCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${field} must be a whole number ≥ 0: ${value}`);
}

/** 0 qualified buyers → no buyer; exactly 1 → an agreement (协议成交); 2 or more → an auction. */
export function endOfDisclosureOutcome(qualifiedBuyers: number): EndOfDisclosureOutcome {
  requireCount('qualifiedBuyers', qualifiedBuyers);
  if (qualifiedBuyers === 0) return 'no_buyer';
  return qualifiedBuyers === 1 ? 'agreement' : 'auction';
}

/**
 * What the end-of-disclosure job does by itself: extend while the notice announced extensions,
 * open the agreement or the auction; undefined when staff must decide (re-list or terminate).
 */
export function automaticEndOfDisclosureAction(
  facts: EndOfDisclosureFacts,
): EndOfDisclosureAction | undefined {
  requireCount('extensionPeriods', facts.extensionPeriods);
  requireCount('extensionsUsed', facts.extensionsUsed);
  switch (endOfDisclosureOutcome(facts.qualifiedBuyers)) {
    case 'agreement':
      return 'open_agreement';
    case 'auction':
      return 'open_auction';
    case 'no_buyer':
      return facts.extensionsUsed < facts.extensionPeriods ? 'extend' : undefined;
  }
}

/**
 * When the live auction of 2+ buyers opens: at the announced time on the first business day after
 * disclosure ends (an extended disclosure moves it with its end).
 */
export function auctionOpensAt(
  calendar: BusinessCalendar,
  disclosureEndsOn: string,
  auctionStartTime: string,
  timeZone: string,
): Date {
  requireDate('disclosureEndsOn', disclosureEndsOn);
  if (!WALL_TIME.test(auctionStartTime)) throw new RangeError(`not a time HH:MM: ${auctionStartTime}`);
  const [hour, minute] = auctionStartTime.split(':').map(Number);
  return wallTimeInZone(calendar.addBusinessDays(disclosureEndsOn, 1), { hour, minute, second: 0 }, timeZone);
}

const OUTCOME_OF_ACTION: Record<EndOfDisclosureAction, EndOfDisclosureOutcome> = {
  extend: 'no_buyer',
  relist: 'no_buyer',
  open_agreement: 'agreement',
  open_auction: 'auction',
};

/**
 * Checks an end-of-disclosure action (the job's or staff's) against the facts: only after the
 * last day of disclosure (DISCLOSURE_NOT_ENDED), only the action the buyer count allows
 * (BUYER_COUNT_MISMATCH), and an extension only while announced ones remain (EXTENSIONS_EXHAUSTED).
 */
export function checkEndOfDisclosureAction(
  action: EndOfDisclosureAction,
  facts: EndOfDisclosureFacts & { disclosureEndsOn: string; today: string },
): void {
  requireDate('disclosureEndsOn', facts.disclosureEndsOn);
  requireDate('today', facts.today);
  if (facts.today <= facts.disclosureEndsOn)
    throw new DomainError(
      'DISCLOSURE_NOT_ENDED',
      `disclosure runs to the end of ${facts.disclosureEndsOn}; ${action} comes after it`,
      { disclosureEndsOn: facts.disclosureEndsOn },
    );
  const outcome = endOfDisclosureOutcome(facts.qualifiedBuyers);
  if (OUTCOME_OF_ACTION[action] !== outcome)
    throw new DomainError(
      'BUYER_COUNT_MISMATCH',
      `${action} does not fit ${facts.qualifiedBuyers} qualified buyer(s)`,
      {
        action,
        qualifiedBuyers: facts.qualifiedBuyers,
        allowed: (Object.keys(OUTCOME_OF_ACTION) as EndOfDisclosureAction[]).filter(
          (candidate) => OUTCOME_OF_ACTION[candidate] === outcome,
        ),
      },
    );
  requireCount('extensionPeriods', facts.extensionPeriods);
  requireCount('extensionsUsed', facts.extensionsUsed);
  if (action === 'extend' && facts.extensionsUsed >= facts.extensionPeriods)
    throw new DomainError(
      'EXTENSIONS_EXHAUSTED',
      `the notice announced ${facts.extensionPeriods} extension(s) and ${facts.extensionsUsed} have run: re-list or terminate`,
      { extensionPeriods: facts.extensionPeriods, extensionsUsed: facts.extensionsUsed },
    );
}

/** The one qualified buyer's agreement (协议成交) is at no less than the listing price. */
export function checkAgreementPrice(listingPrice: Fen, price: Fen): void {
  requireFen({ listingPrice, price });
  if (price < listingPrice)
    throw new DomainError(
      'AGREEMENT_PRICE_TOO_LOW',
      `an agreement must be at no less than the listing price of ${listingPrice} fen`,
      { listingPrice, price },
    );
}

// ---------------------------------------------------------------------------------------------
// Deadlines after the deal (each a last day, inclusive)

/** The last day to sign the contract, counted from the transaction confirmation. */
export function contractSigningDeadline(
  calendar: BusinessCalendar,
  confirmedOn: string,
  businessDays: number = DEFAULT_CONTRACT_SIGNING_BUSINESS_DAYS,
): string {
  requireDate('confirmedOn', confirmedOn);
  if (!Number.isInteger(businessDays) || businessDays < 1)
    throw new RangeError(`businessDays must be a whole number ≥ 1: ${businessDays}`);
  return calendar.addBusinessDays(confirmedOn, businessDays);
}

/** Refuses recording a contract signed after its deadline (the worker defaults the winner then). */
export function checkContractSignedInTime(signedOn: string, deadlineOn: string): void {
  requireDate('signedOn', signedOn);
  requireDate('deadlineOn', deadlineOn);
  if (signedOn > deadlineOn)
    throw new DomainError(
      'CONTRACT_DEADLINE_PASSED',
      `the contract had to be signed by the end of ${deadlineOn}`,
      { signedOn, deadlineOn },
    );
}

/** The last day the result stays published (交易结果公示 ≥ 5 business days). */
export function resultPublicationEnd(calendar: BusinessCalendar, publishedOn: string): string {
  requireDate('publishedOn', publishedOn);
  return calendar.addBusinessDays(publishedOn, RESULT_PUBLICATION_BUSINESS_DAYS);
}

/** The last day a deposit to be refunded may wait, counted from the deal (or the end without one). */
export function depositRefundDueOn(calendar: BusinessCalendar, dealOn: string): string {
  requireDate('dealOn', dealOn);
  return calendar.addBusinessDays(dealOn, DEPOSIT_REFUND_BUSINESS_DAYS);
}
