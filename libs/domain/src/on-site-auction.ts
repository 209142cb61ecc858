/**
 * An on-site auction (现场拍租 / 现场拍卖, issue 7 §3) as staff record it afterwards, for a lease or
 * a transfer: the auctioneer, the place and time, the registered bidders present, the outcome,
 * the hammer price and the winner, and the signed record's file with its SHA-256. The host (the
 * lease listing or the transfer project) then writes the same deal record as an online auction,
 * with its own sourceType.
 */
import { DomainError } from './errors.js';
import type { RuleViolation } from './lease-listing-schedule.js';
import { type Fen, isFen } from './money.js';
import { isSha256Hex } from './transfer-rules.js';

export const MAX_AUCTIONEER_LENGTH = 100;
export const MAX_PLACE_LENGTH = 500;
export const MAX_RECORD_FILE_NAME_LENGTH = 255;
export const MAX_PRESENT_BIDDERS = 1000;
/** A lease's on-site auction (现场拍租) needs its notice public at least this long before (DOMAIN.md D). */
export const LEASE_ON_SITE_NOTICE_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The earliest a lease's on-site auction may have been held: 7 days after its notice went
 * public, and not before its registration closed (everyone who could register has).
 */
export function leaseOnSiteNotBefore(listing: { publishedAt: Date; registrationEndsAt: Date }): Date {
  const afterNotice = listing.publishedAt.getTime() + LEASE_ON_SITE_NOTICE_DAYS * DAY_MS;
  return new Date(Math.max(afterNotice, listing.registrationEndsAt.getTime()));
}

export interface OnSiteAuctionRecord {
  /** The licensed auctioneer (拍卖师) who ran it. */
  auctioneer: string;
  place: string;
  heldAt: Date;
  /** Bidder (user) ids of the registered bidders who were there. */
  presentBidderIds: string[];
  /** `unsold` (流拍): nobody bid, or no bid reached the reserve; no hammer price, no winner. */
  outcome: 'sold' | 'unsold';
  hammerPrice?: Fen | null;
  winnerId?: string | null;
  /** The signed record (拍卖笔录 / 成交确认书), stored by its hash. */
  recordFileName: string;
  recordFileSha256: string;
}

export interface OnSiteAuctionContext {
  /** This listing's or project's registrations, by bidder id. */
  registrations: ReadonlyMap<
    string,
    { status: 'pending' | 'qualified' | 'rejected'; bidderCode: string | null }
  >;
  /** The lease's starting rent or the transfer's listing price. */
  startPrice: Fen;
  reservePrice?: Fen | null;
  /** The earliest it may have been held: a lease's notice + 7 days, a transfer's end of disclosure. */
  notBefore: Date;
  /** The database's clock. */
  now: Date;
}

export type CheckedOnSiteAuction =
  { outcome: 'sold'; hammerPrice: Fen; winnerId: string; winnerCode: string | null } | { outcome: 'unsold' };

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

function textViolation(field: string, value: unknown, max: number): RuleViolation[] {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= max
    ? []
    : [{ field, rule: `1 to ${max} characters` }];
}

/** Every problem of form, at once (VALIDATION_FAILED lists them); the business rules come after. */
export function onSiteAuctionViolations(record: OnSiteAuctionRecord): RuleViolation[] {
  const violations: RuleViolation[] = [
    ...textViolation('auctioneer', record.auctioneer, MAX_AUCTIONEER_LENGTH),
    ...textViolation('place', record.place, MAX_PLACE_LENGTH),
    ...textViolation('recordFileName', record.recordFileName, MAX_RECORD_FILE_NAME_LENGTH),
  ];
  if (!(record.heldAt instanceof Date) || Number.isNaN(record.heldAt.getTime()))
    violations.push({ field: 'heldAt', rule: 'a valid date-time' });
  if (!isSha256Hex(record.recordFileSha256))
    violations.push({ field: 'recordFileSha256', rule: 'SHA-256 as 64 lowercase hex digits' });
  const present = record.presentBidderIds;
  if (!Array.isArray(present) || present.length > MAX_PRESENT_BIDDERS || !present.every(isId))
    violations.push({
      field: 'presentBidderIds',
      rule: `a list of at most ${MAX_PRESENT_BIDDERS} bidder ids`,
    });
  else if (new Set(present).size !== present.length)
    violations.push({ field: 'presentBidderIds', rule: 'each bidder once' });
  if (record.outcome === 'sold') {
    if (!isFen(record.hammerPrice))
      violations.push({ field: 'hammerPrice', rule: 'a positive safe integer number of fen' });
    if (!isId(record.winnerId)) violations.push({ field: 'winnerId', rule: 'required when sold' });
  } else if (record.outcome === 'unsold') {
    if (record.hammerPrice != null) violations.push({ field: 'hammerPrice', rule: 'none when unsold' });
    if (record.winnerId != null) violations.push({ field: 'winnerId', rule: 'none when unsold' });
  } else {
    violations.push({ field: 'outcome', rule: 'sold or unsold' });
  }
  return violations;
}

/**
 * Checks a record against the listing it belongs to; throws the first rule it breaks, each with
 * its own code: held in the future, held too early, someone present who is not registered, a
 * winner not present, a winner not qualified (资格未确认), a hammer price under the start or reserve.
 */
export function checkOnSiteAuction(
  record: OnSiteAuctionRecord,
  context: OnSiteAuctionContext,
): CheckedOnSiteAuction {
  const violations = onSiteAuctionViolations(record);
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the on-site auction record is incomplete', violations);

  if (record.heldAt.getTime() > context.now.getTime())
    throw new DomainError('ON_SITE_AUCTION_IN_FUTURE', 'an on-site auction is recorded after it was held', {
      heldAt: record.heldAt.toISOString(),
    });
  if (record.heldAt.getTime() < context.notBefore.getTime())
    throw new DomainError(
      'ON_SITE_AUCTION_TOO_EARLY',
      `it could not be held before ${context.notBefore.toISOString()}`,
      {
        heldAt: record.heldAt.toISOString(),
        notBefore: context.notBefore.toISOString(),
      },
    );

  // A rejected application does not make its bidder registered.
  const notRegistered = record.presentBidderIds.filter((id) => {
    const registration = context.registrations.get(id);
    return registration === undefined || registration.status === 'rejected';
  });
  if (notRegistered.length > 0)
    throw new DomainError(
      'BIDDER_NOT_REGISTERED',
      'every bidder present must be registered for this listing',
      {
        bidderIds: notRegistered,
      },
    );

  if (record.outcome === 'unsold') return { outcome: 'unsold' };

  const winnerId = record.winnerId as string;
  const hammerPrice = record.hammerPrice as Fen;
  if (!record.presentBidderIds.includes(winnerId))
    throw new DomainError('WINNER_NOT_PRESENT', 'the winner must be one of the bidders present', {
      winnerId,
    });
  const registration = context.registrations.get(winnerId)!;
  if (registration.status !== 'qualified')
    throw new DomainError(
      'WINNER_NOT_QUALIFIED',
      'the winner must be a qualified bidder (deposit received)',
      {
        winnerId,
        status: registration.status,
      },
    );
  const minimum = Math.max(context.startPrice, context.reservePrice ?? 0);
  if (hammerPrice < minimum)
    throw new DomainError('HAMMER_PRICE_TOO_LOW', `the hammer price must be at least ${minimum} fen`, {
      hammerPrice,
      startPrice: context.startPrice,
      reservePrice: context.reservePrice ?? null,
    });
  return { outcome: 'sold', hammerPrice, winnerId, winnerCode: registration.bidderCode };
}
