import { isFen, MAX_FEN, multiplyFen } from './money.js';

export const MAX_TITLE_LENGTH = 200;
export const MAX_ADDRESS_LENGTH = 500;
export const MIN_EXTENSION_SECONDS = 1;
export const MAX_EXTENSION_SECONDS = 3600;
export const DEFAULT_EXTENSION_SECONDS = 300;
/** The Civil Code caps a lease at 20 years. */
export const MAX_LEASE_TERM_MONTHS = 240;

export interface LeaseTerms {
  leaseTermMonths: number;
  startPrice: number;
  increment: number;
  deposit: number;
  reservePrice?: number | null;
  registrationStartsAt: Date;
  registrationEndsAt: Date;
  biddingStartsAt: Date;
  freeBiddingEndsAt: Date;
  extensionSeconds: number;
}

export interface RuleViolation {
  field: string;
  rule: string;
}

/** Cross-field rules a DTO cannot express. Returns every violation, empty when valid. */
export function checkLeaseTerms(terms: LeaseTerms): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const field of ['startPrice', 'increment', 'deposit'] as const) {
    if (!isFen(terms[field])) violations.push({ field, rule: 'a positive safe integer number of fen' });
  }
  if (terms.reservePrice != null) {
    if (!isFen(terms.reservePrice)) {
      violations.push({ field: 'reservePrice', rule: 'a positive safe integer number of fen' });
    } else if (isFen(terms.startPrice) && terms.reservePrice < terms.startPrice) {
      violations.push({ field: 'reservePrice', rule: '≥ startPrice' });
    }
  }
  if (
    !Number.isInteger(terms.leaseTermMonths) ||
    terms.leaseTermMonths < 1 ||
    terms.leaseTermMonths > MAX_LEASE_TERM_MONTHS
  ) {
    violations.push({ field: 'leaseTermMonths', rule: `an integer from 1 to ${MAX_LEASE_TERM_MONTHS}` });
  } else if (isFen(terms.startPrice) && multiplyFen(terms.startPrice, terms.leaseTermMonths) === undefined) {
    violations.push({ field: 'startPrice', rule: `startPrice × leaseTermMonths ≤ ${MAX_FEN}` });
  }
  if (
    !Number.isInteger(terms.extensionSeconds) ||
    terms.extensionSeconds < MIN_EXTENSION_SECONDS ||
    terms.extensionSeconds > MAX_EXTENSION_SECONDS
  ) {
    violations.push({
      field: 'extensionSeconds',
      rule: `an integer from ${MIN_EXTENSION_SECONDS} to ${MAX_EXTENSION_SECONDS}`,
    });
  }
  const dates = [
    'registrationStartsAt',
    'registrationEndsAt',
    'biddingStartsAt',
    'freeBiddingEndsAt',
  ] as const;
  const invalid = new Set(
    dates.filter((field) => !(terms[field] instanceof Date) || Number.isNaN(terms[field].getTime())),
  );
  for (const field of invalid) violations.push({ field, rule: 'a valid date-time' });
  const order: [(typeof dates)[number], (typeof dates)[number], '<' | '≤'][] = [
    ['registrationStartsAt', 'registrationEndsAt', '<'],
    ['registrationEndsAt', 'biddingStartsAt', '≤'],
    ['biddingStartsAt', 'freeBiddingEndsAt', '<'],
  ];
  for (const [earlier, later, relation] of order) {
    if (invalid.has(earlier) || invalid.has(later)) continue;
    const a = terms[earlier].getTime();
    const b = terms[later].getTime();
    if (relation === '<' ? !(a < b) : !(a <= b))
      violations.push({ field: later, rule: `${earlier} ${relation} ${later}` });
  }
  return violations;
}

/** Where the countdown ends when nobody bids after the free period. */
export function initialEndsAt(terms: Pick<LeaseTerms, 'freeBiddingEndsAt' | 'extensionSeconds'>): Date {
  return new Date(terms.freeBiddingEndsAt.getTime() + terms.extensionSeconds * 1000);
}

export interface ListingTimers {
  registrationStartsAt: Date;
  registrationEndsAt: Date;
  biddingStartsAt: Date;
  freeBiddingEndsAt: Date;
  endsAt: Date;
}

/**
 * Suspension freezes every timer: on resume, each moment still ahead when the listing was
 * suspended moves later by the length of the pause, so the remaining time is kept whole.
 * The shift is monotone, so the schedule's order survives it.
 */
export function resumeTimers(timers: ListingTimers, suspendedAt: Date, resumedAt: Date): ListingTimers {
  const pause = Math.max(0, resumedAt.getTime() - suspendedAt.getTime());
  const shift = (moment: Date) =>
    moment.getTime() > suspendedAt.getTime() ? new Date(moment.getTime() + pause) : moment;
  return {
    registrationStartsAt: shift(timers.registrationStartsAt),
    registrationEndsAt: shift(timers.registrationEndsAt),
    biddingStartsAt: shift(timers.biddingStartsAt),
    freeBiddingEndsAt: shift(timers.freeBiddingEndsAt),
    endsAt: shift(timers.endsAt),
  };
}
