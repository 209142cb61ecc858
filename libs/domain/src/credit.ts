/**
 * Credit (信用, DOMAIN.md Supervision; issue 10): sanctions a supervisor records against a party
 * — a warning, or a ban until a date with its legal basis — and the one question every line asks
 * at registration and at bidding: is this party banned now? A banned party is refused everywhere
 * with PARTY_BANNED.
 *
 * A ban's last day is inclusive: banned until 2027-11-19 means refused up to 24:00 CENTRE_TZ of
 * that day. A ban for a false complaint lasts 1 to 3 years (政府采购法实施条例 第73条:
 * 禁止其1至3年内参加政府采购活动); a winner who refuses to sign (悔拍) gets a record, and a ban
 * only where the district sets one (REFUSAL_TO_SIGN_BAN_MONTHS, default none: no national rule
 * bans for it, and the forfeited deposit is already the penalty).
 */
import { addCalendarDays } from './business-calendar.js';
import { isCalendarDate, startOfDayInZone } from './calendar.js';
import { DomainError } from './errors.js';
import type { RuleViolation } from './lease-listing-schedule.js';

export const SANCTION_KINDS = ['warning', 'ban'] as const;
export type SanctionKind = (typeof SANCTION_KINDS)[number];

export const SANCTION_REASONS = [
  /** 虚假投诉: a complaint dismissed and found false. */
  'false_complaint',
  /** 悔拍 / 拒签: a lease or transfer winner who did not sign. */
  'refused_to_sign',
  /** 串通投标, 弄虚作假 and the rest: anything else a supervisor finds, with its basis. */
  'misconduct',
] as const;
export type SanctionReason = (typeof SANCTION_REASONS)[number];

export interface Sanction {
  id: string;
  partyId: string;
  kind: SanctionKind;
  reason: SanctionReason;
  /** The statute or rule relied on (shown on the public credit list). */
  basis: string;
  /** The process or complaint it arose from, if any. */
  sourceRef: string | null;
  startsOn: string;
  /** A ban's last day (inclusive); null for a warning. */
  bannedUntil: string | null;
  /** Lifted early (on review or appeal): from this day it bans nothing. */
  revokedOn: string | null;
}

export const FALSE_COMPLAINT_BASIS = '政府采购法实施条例 第73条';
export const FALSE_COMPLAINT_MIN_YEARS = 1;
export const FALSE_COMPLAINT_MAX_YEARS = 3;
/** District setting: months a winner who refused to sign is banned; 0 = a record (warning) only. */
export const REFUSAL_TO_SIGN_BAN_MONTHS = 0;

/** The last day of a ban of `months` months starting on `startsOn`: the day before the same date `months` later. */
export function banLastDay(startsOn: string, months: number): string {
  const [y, m, d] = startsOn.split('-').map(Number);
  // The same day-of-month `months` later; one that does not exist (29 Feb, 31st) runs into the next month.
  const sameDateLater = new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
  return addCalendarDays(sameDateLater, -1);
}

/**
 * Checks a sanction as a supervisor records it: the form (VALIDATION_FAILED, every problem at
 * once), a ban with a last day on or after its first (SANCTION_INVALID), a warning with none
 * (SANCTION_INVALID), and a false complaint's ban of 1–3 years (FALSE_COMPLAINT_BAN_OUT_OF_RANGE).
 */
export function checkSanction(sanction: Omit<Sanction, 'id' | 'revokedOn'>): void {
  const violations: RuleViolation[] = [];
  if (typeof sanction.partyId !== 'string' || sanction.partyId === '')
    violations.push({ field: 'partyId', rule: 'a party' });
  if (!SANCTION_KINDS.includes(sanction.kind))
    violations.push({ field: 'kind', rule: SANCTION_KINDS.join(' | ') });
  if (!SANCTION_REASONS.includes(sanction.reason))
    violations.push({ field: 'reason', rule: SANCTION_REASONS.join(' | ') });
  if (typeof sanction.basis !== 'string' || sanction.basis.trim() === '' || sanction.basis.length > 500)
    violations.push({ field: 'basis', rule: '1–500 characters: the legal basis' });
  if (typeof sanction.startsOn !== 'string' || !isCalendarDate(sanction.startsOn))
    violations.push({ field: 'startsOn', rule: 'a calendar date YYYY-MM-DD' });
  if (
    sanction.bannedUntil !== null &&
    (typeof sanction.bannedUntil !== 'string' || !isCalendarDate(sanction.bannedUntil))
  )
    violations.push({ field: 'bannedUntil', rule: 'a calendar date YYYY-MM-DD' });
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the sanction is incomplete', violations);

  if (sanction.kind === 'warning' && sanction.bannedUntil !== null)
    throw new DomainError('SANCTION_INVALID', 'a warning bans nothing: record a ban instead', {
      kind: 'warning',
    });
  if (sanction.kind === 'ban' && (sanction.bannedUntil === null || sanction.bannedUntil < sanction.startsOn))
    throw new DomainError('SANCTION_INVALID', 'a ban runs until a day on or after its first', {
      startsOn: sanction.startsOn,
      bannedUntil: sanction.bannedUntil,
    });
  if (sanction.kind === 'ban' && sanction.reason === 'false_complaint') {
    const shortest = banLastDay(sanction.startsOn, 12 * FALSE_COMPLAINT_MIN_YEARS);
    const longest = banLastDay(sanction.startsOn, 12 * FALSE_COMPLAINT_MAX_YEARS);
    if (sanction.bannedUntil! < shortest || sanction.bannedUntil! > longest)
      throw new DomainError(
        'FALSE_COMPLAINT_BAN_OUT_OF_RANGE',
        `a ban for a false complaint lasts ${FALSE_COMPLAINT_MIN_YEARS} to ${FALSE_COMPLAINT_MAX_YEARS} years (${FALSE_COMPLAINT_BASIS}): until ${shortest} to ${longest}`,
        { startsOn: sanction.startsOn, bannedUntil: sanction.bannedUntil, shortest, longest },
      );
  }
}

/** The ban a false complaint brings: `years` (1–3) from the day of the decision. */
export function falseComplaintBan(
  complainantId: string,
  complaintId: string,
  decidedOn: string,
  years: number,
): Omit<Sanction, 'id' | 'revokedOn'> {
  const sanction = {
    partyId: complainantId,
    kind: 'ban' as const,
    reason: 'false_complaint' as const,
    basis: FALSE_COMPLAINT_BASIS,
    sourceRef: complaintId,
    startsOn: decidedOn,
    bannedUntil: Number.isInteger(years) && years > 0 ? banLastDay(decidedOn, 12 * years) : decidedOn,
  };
  checkSanction(sanction);
  return sanction;
}

/** The record a winner who did not sign gets: a warning, or the district's ban when it sets one. */
export function refusalToSignRecord(
  winnerId: string,
  processId: string,
  defaultedOn: string,
  banMonths: number = REFUSAL_TO_SIGN_BAN_MONTHS,
): Omit<Sanction, 'id' | 'revokedOn'> {
  return {
    partyId: winnerId,
    kind: banMonths > 0 ? 'ban' : 'warning',
    reason: 'refused_to_sign',
    basis: '交易中心交易规则: 悔拍 (a winner who did not sign; district rule)',
    sourceRef: processId,
    startsOn: defaultedOn,
    bannedUntil: banMonths > 0 ? banLastDay(defaultedOn, banMonths) : null,
  };
}

/** The ban in force on the party at `at`, if any (the one lasting longest when several overlap). */
export function activeBan(
  partyId: string,
  sanctions: readonly Sanction[],
  at: Date,
  timeZone: string,
): Sanction | undefined {
  const instant = at.getTime();
  const inForce = sanctions.filter(
    (sanction) =>
      sanction.partyId === partyId &&
      sanction.kind === 'ban' &&
      sanction.bannedUntil !== null &&
      startOfDayInZone(sanction.startsOn, timeZone).getTime() <= instant &&
      instant < startOfDayInZone(addCalendarDays(sanction.bannedUntil, 1), timeZone).getTime() &&
      (sanction.revokedOn === null || instant < startOfDayInZone(sanction.revokedOn, timeZone).getTime()),
  );
  return inForce.sort((a, b) => (a.bannedUntil! < b.bannedUntil! ? 1 : -1))[0];
}

export function isBanned(
  partyId: string,
  sanctions: readonly Sanction[],
  at: Date,
  timeZone: string,
): boolean {
  return activeBan(partyId, sanctions, at, timeZone) !== undefined;
}

/** For registration and bidding in every line: refuses a banned party with PARTY_BANNED. */
export function checkNotBanned(
  partyId: string,
  sanctions: readonly Sanction[],
  at: Date,
  timeZone: string,
): void {
  const ban = activeBan(partyId, sanctions, at, timeZone);
  if (ban)
    throw new DomainError('PARTY_BANNED', `banned until ${ban.bannedUntil} (${ban.basis})`, {
      sanctionId: ban.id,
      reason: ban.reason,
      basis: ban.basis,
      bannedUntil: ban.bannedUntil,
    });
}
