/**
 * Fees (收费, DOMAIN.md Supervision; issue 10): only the published schedule may be charged. A
 * schedule belongs to one line, is in force from a date, and is either a fixed amount or banded by
 * the deal's value, with its legal basis. A deal's fee comes from the schedule in force on the
 * deal's date (CENTRE_TZ), and a recorded fee that differs from it is refused.
 *
 * Everything is integer fen. Band edges are inclusive upper bounds (`upTo`): "100万元以下" includes
 * 100万元 exactly, and the next band starts at 100万元 + 1 fen. Rates are parts per million
 * (1% = 10,000 ppm; the smallest rate of 计价格[2002]1980号, 0.004%, is 40 ppm), so every rate
 * in a published schedule is a whole number. A fee that is not whole fen is rounded half up, once,
 * on the total (never per band, so the bands of a marginal schedule never add rounding errors).
 */
import { isCalendarDate } from './calendar.js';
import { DomainError } from './errors.js';
import { type Fen, isFen } from './money.js';

export const FEE_LINES = ['construction', 'procurement', 'lease', 'transfer'] as const;
export type FeeLine = (typeof FEE_LINES)[number];

export interface FeeBand {
  /** Inclusive upper edge in fen; null for the last band (no upper edge). */
  upTo: Fen | null;
  /** Parts per million of the value (or of the part of it in this band, for `marginal`). */
  ratePpm: number;
}

export type FeeRule =
  | { kind: 'fixed'; amount: Fen }
  /**
   * `marginal` (差额定率累进): each band's rate on the part of the value inside it, as the agency
   * fee schedules do; `whole`: the whole value at the rate of the band it falls in.
   */
  | {
      kind: 'banded';
      mode: 'marginal' | 'whole';
      bands: FeeBand[];
      minimum: Fen | null;
      maximum: Fen | null;
    };

export interface FeeSchedule {
  id: string;
  line: FeeLine;
  /** The first day it applies (CENTRE_TZ); it runs until the next schedule of the line starts. */
  effectiveFrom: string;
  /** The published document it rests on (文号). */
  basis: string;
  /** Who pays: the winner (中标人/受让方/承租方) or the owner (招标人/采购人/出让方/出租方). */
  payer: 'winner' | 'owner';
  rule: FeeRule;
}

/**
 * The fee line a deal record belongs to: property rights split into leases and transfers by
 * subtype; a property-rights deal without one (an old import) belongs to no line, so no
 * schedule applies to it.
 */
export function feeLineOf(category: string, subtype: string | null): FeeLine | null {
  if (category === 'construction' || category === 'procurement') return category;
  if (category === 'property_rights' && (subtype === 'lease' || subtype === 'transfer')) return subtype;
  return null;
}

const isPpm = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 1_000_000;

/**
 * Every problem with a schedule as an admin enters it (FEE_SCHEDULE_INVALID lists them). With
 * `today` (CENTRE_TZ), a schedule must start after it: a published schedule never reaches back to
 * deals already made, nor to one made later today under the schedule then in force.
 */
export function feeScheduleProblems(
  schedule: FeeSchedule,
  today?: string,
): { field: string; problem: string }[] {
  const problems: { field: string; problem: string }[] = [];
  if (!FEE_LINES.includes(schedule.line)) problems.push({ field: 'line', problem: FEE_LINES.join(' | ') });
  if (typeof schedule.effectiveFrom !== 'string' || !isCalendarDate(schedule.effectiveFrom))
    problems.push({ field: 'effectiveFrom', problem: 'a date YYYY-MM-DD' });
  else if (today !== undefined && schedule.effectiveFrom <= today)
    problems.push({ field: 'effectiveFrom', problem: `a day after today (${today})` });
  if (typeof schedule.basis !== 'string' || schedule.basis.trim() === '' || schedule.basis.length > 500)
    problems.push({ field: 'basis', problem: '1–500 characters: the published basis' });
  if (schedule.payer !== 'winner' && schedule.payer !== 'owner')
    problems.push({ field: 'payer', problem: 'winner | owner' });
  const rule = schedule.rule as FeeRule | null | undefined;
  if (rule === null || typeof rule !== 'object')
    return [...problems, { field: 'rule', problem: 'a fixed or banded rule' }];
  if (rule.kind === 'fixed') {
    if (!isFen(rule.amount)) problems.push({ field: 'rule.amount', problem: 'a positive number of fen' });
    return problems;
  }
  if (rule.kind !== 'banded') return [...problems, { field: 'rule.kind', problem: 'fixed | banded' }];
  if (rule.mode !== 'marginal' && rule.mode !== 'whole')
    problems.push({ field: 'rule.mode', problem: 'marginal | whole' });
  if (!Array.isArray(rule.bands) || rule.bands.length === 0 || rule.bands.length > MAX_FEE_BANDS)
    return [...problems, { field: 'rule.bands', problem: `1–${MAX_FEE_BANDS} bands` }];
  let previous = 0;
  rule.bands.forEach((band, index) => {
    const last = index === rule.bands.length - 1;
    if (!isPpm(band.ratePpm))
      problems.push({
        field: `rule.bands[${index}].ratePpm`,
        problem: 'a whole number of parts per million, 0–1,000,000',
      });
    if (last && band.upTo !== null)
      problems.push({
        field: `rule.bands[${index}].upTo`,
        problem: 'the last band has no upper edge (null)',
      });
    if (!last && (!isFen(band.upTo) || band.upTo <= previous))
      problems.push({
        field: `rule.bands[${index}].upTo`,
        problem: 'a number of fen above the previous edge',
      });
    if (isFen(band.upTo)) previous = band.upTo;
  });
  for (const field of ['minimum', 'maximum'] as const)
    if (rule[field] !== null && !isFen(rule[field]))
      problems.push({ field: `rule.${field}`, problem: 'fen or null' });
  if (isFen(rule.minimum) && isFen(rule.maximum) && rule.minimum > rule.maximum)
    problems.push({ field: 'rule.minimum', problem: 'not above the maximum' });
  return problems;
}

/** A schedule has at most this many bands: a published table has a handful. */
export const MAX_FEE_BANDS = 50;

/**
 * The rule as the domain knows it, from what a request sent: only its own fields are kept (no
 * stray key reaches the stored schedule), absent limits are none. Its problems are
 * feeScheduleProblems's to find.
 */
export function feeRuleFrom(raw: unknown): FeeRule {
  const rule = (raw ?? {}) as Record<string, unknown>;
  if (rule.kind === 'fixed') return { kind: 'fixed', amount: rule.amount as Fen };
  if (rule.kind !== 'banded') return { kind: rule.kind } as unknown as FeeRule;
  return {
    kind: 'banded',
    mode: rule.mode as 'marginal',
    bands: Array.isArray(rule.bands)
      ? rule.bands.map((band) => {
          const { upTo, ratePpm } = (band ?? {}) as Record<string, unknown>;
          return { upTo: upTo === undefined ? null : (upTo as Fen | null), ratePpm: ratePpm as number };
        })
      : (rule.bands as FeeBand[]),
    minimum: rule.minimum === undefined ? null : (rule.minimum as Fen | null),
    maximum: rule.maximum === undefined ? null : (rule.maximum as Fen | null),
  };
}

export function checkFeeSchedule(schedule: FeeSchedule, today?: string): void {
  const problems = feeScheduleProblems(schedule, today);
  if (problems.length > 0)
    throw new DomainError('FEE_SCHEDULE_INVALID', 'the fee schedule is not valid', problems);
}

/** The line's schedule in force on `dealOn`: the latest one that started on or before it. */
export function scheduleInForce(
  schedules: readonly FeeSchedule[],
  line: FeeLine,
  dealOn: string,
): FeeSchedule | undefined {
  return schedules
    .filter((schedule) => schedule.line === line && schedule.effectiveFrom <= dealOn)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : a.effectiveFrom > b.effectiveFrom ? -1 : 0))[0];
}

export interface FeeBreakdownRow {
  /** The part of the value in the band: (from, to], fen. */
  from: Fen;
  to: Fen;
  ratePpm: number;
}

export interface ComputedFee {
  scheduleId: string;
  basis: string;
  payer: 'winner' | 'owner';
  amount: Fen;
  breakdown: FeeBreakdownRow[];
}

/** Divides by one million rounding half up; never a float. */
const roundPpm = (numerator: bigint) => (numerator + 500_000n) / 1_000_000n;

/**
 * The fee for a deal of `dealValue` fen made on `dealOn`, from the line's schedule in force that
 * day (FEE_SCHEDULE_MISSING when none had started), with the band-by-band working shown.
 */
export function feeForDeal(
  schedules: readonly FeeSchedule[],
  deal: { line: FeeLine; dealOn: string; dealValue: Fen },
): ComputedFee {
  if (!isFen(deal.dealValue) || !isCalendarDate(deal.dealOn))
    throw new DomainError('VALIDATION_FAILED', 'a deal has a value in fen and a date', [
      { field: 'dealValue', rule: 'a positive safe integer number of fen' },
      { field: 'dealOn', rule: 'a calendar date YYYY-MM-DD' },
    ]);
  const schedule = scheduleInForce(schedules, deal.line, deal.dealOn);
  if (!schedule)
    throw new DomainError(
      'FEE_SCHEDULE_MISSING',
      `no ${deal.line} fee schedule was in force on ${deal.dealOn}`,
      {
        line: deal.line,
        dealOn: deal.dealOn,
      },
    );
  const base = { scheduleId: schedule.id, basis: schedule.basis, payer: schedule.payer };
  const rule = schedule.rule;
  if (rule.kind === 'fixed') return { ...base, amount: rule.amount, breakdown: [] };

  const value = BigInt(deal.dealValue);
  const breakdown: FeeBreakdownRow[] = [];
  let numerator = 0n;
  let lower = 0n;
  for (const band of rule.bands) {
    const upper = band.upTo === null ? null : BigInt(band.upTo);
    if (rule.mode === 'whole') {
      if (upper === null || value <= upper) {
        numerator = value * BigInt(band.ratePpm);
        breakdown.push({ from: 0, to: deal.dealValue, ratePpm: band.ratePpm });
        break;
      }
    } else {
      const top = upper === null || value < upper ? value : upper;
      if (top > lower) {
        numerator += (top - lower) * BigInt(band.ratePpm);
        breakdown.push({ from: Number(lower), to: Number(top), ratePpm: band.ratePpm });
      }
      if (upper === null || value <= upper) break;
    }
    lower = upper!;
  }
  let amount = roundPpm(numerator);
  if (rule.minimum !== null && amount < BigInt(rule.minimum)) amount = BigInt(rule.minimum);
  if (rule.maximum !== null && amount > BigInt(rule.maximum)) amount = BigInt(rule.maximum);
  return { ...base, amount: Number(amount), breakdown };
}

/**
 * A fee recorded against a deal must be exactly the schedule's: any other amount, or a charge the
 * schedule does not know, is refused (FEE_NOT_IN_SCHEDULE, with the amount that would be right).
 */
export function checkRecordedFee(
  schedules: readonly FeeSchedule[],
  deal: { line: FeeLine; dealOn: string; dealValue: Fen },
  recorded: { scheduleId: string; amount: Fen },
): ComputedFee {
  const fee = feeForDeal(schedules, deal);
  if (recorded.scheduleId !== fee.scheduleId || recorded.amount !== fee.amount)
    throw new DomainError('FEE_NOT_IN_SCHEDULE', 'only the published schedule may be charged', {
      expected: { scheduleId: fee.scheduleId, amount: fee.amount },
      recorded,
    });
  return fee;
}
