/**
 * Historical deal records as staff keep them (JSON, or spreadsheet rows with Chinese or
 * English headers): every row checked, every problem reported with its row number.
 */
import { isCalendarDate, wallTimeInZone } from './calendar.js';
import { MAX_FEN } from './money.js';
import {
  CATEGORY_LABELS,
  DEAL_CATEGORIES,
  DEAL_SUBTYPES,
  type DealCategory,
  MAX_DEAL_AMOUNT_FEN,
} from './reports.js';

export const MAX_IMPORT_ROWS = 10_000;
/** The longest spreadsheet cell read: the longest field (a title) is 500 characters. */
export const MAX_IMPORT_CELL_CHARS = 1_000;

export const IMPORT_FIELDS = [
  'category',
  'subtype',
  'title',
  'amount',
  'amountYuan',
  'winnerName',
  'closedAt',
  'externalRef',
  'fee',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/**
 * Spreadsheet headers, Chinese or English, to fields. `amount` is fen as in the API;
 * spreadsheets usually hold 元, so `成交金额(元)` / `amountYuan` is read exactly to fen.
 */
const HEADER_FIELDS = new Map<string, ImportField>(
  Object.entries({
    category: 'category',
    类别: 'category',
    交易类别: 'category',
    subtype: 'subtype',
    子类: 'subtype',
    交易方式: 'subtype',
    title: 'title',
    项目名称: 'title',
    amount: 'amount',
    '成交金额(分)': 'amount',
    amountyuan: 'amountYuan',
    '成交金额(元)': 'amountYuan',
    winnername: 'winnerName',
    成交单位: 'winnerName',
    中标人: 'winnerName',
    受让方: 'winnerName',
    closedat: 'closedAt',
    成交时间: 'closedAt',
    成交日期: 'closedAt',
    externalref: 'externalRef',
    外部编号: 'externalRef',
    项目编号: 'externalRef',
    fee: 'fee',
    '服务费(分)': 'fee',
    '交易服务费(分)': 'fee',
  }) as [string, ImportField][],
);

/** The field a header names (full-width brackets and case do not matter), or undefined. */
export function importFieldForHeader(header: string): ImportField | undefined {
  const key = header.trim().replace(/（/g, '(').replace(/）/g, ')').replace(/\s+/g, '');
  return HEADER_FIELDS.get(key) ?? HEADER_FIELDS.get(key.toLowerCase());
}

export const IMPORT_ROW_ERRORS = [
  'REQUIRED',
  'UNKNOWN_FIELD',
  'UNKNOWN_CATEGORY',
  'UNKNOWN_SUBTYPE',
  'INVALID_AMOUNT',
  'AMOUNT_TOO_LARGE',
  'AMBIGUOUS_AMOUNT',
  'INVALID_DATE',
  'DATE_IN_FUTURE',
  'TOO_LONG',
  'DUPLICATE_REF',
  'NOT_AN_OBJECT',
] as const;
export type ImportRowErrorCode = (typeof IMPORT_ROW_ERRORS)[number];

export interface ImportRowError {
  row: number;
  field: string | null;
  code: ImportRowErrorCode;
  message: string;
}

export interface ImportedDeal {
  category: DealCategory;
  subtype: string | null;
  title: string;
  amount: number;
  winnerName: string;
  closedAt: Date;
  externalRef: string;
  /**
   * The fee the old record says was charged (fen), if it says: it must be the schedule's
   * (FEE_NOT_IN_SCHEDULE otherwise). Absent: the schedule's is recorded, as for any deal.
   */
  fee?: number | null;
}

const LIMITS = { title: 500, winnerName: 200, externalRef: 100 } as const;

// Maps and own keys only: "toString" or "__proto__" must not name a category or a subtype.
const CATEGORY_BY_NAME = new Map<string, DealCategory>([
  ...DEAL_CATEGORIES.map((category) => [category, category] as const),
  ...DEAL_CATEGORIES.map((category) => [CATEGORY_LABELS[category], category] as const),
]);

/** Subtypes are the closed list of DEAL_SUBTYPES (by key or Chinese label); anything else is refused. */
function subtypeFor(category: DealCategory, value: string): string | undefined {
  const known = DEAL_SUBTYPES[category];
  if (Object.hasOwn(known, value)) return value;
  return Object.entries(known).find(([, label]) => label === value)?.[0];
}

/** 元 with at most two decimals → fen, exactly (no floats): "4649400.00" → 464940000. */
export function yuanToFen(value: string): number | undefined {
  const match = /^(\d{1,14})(?:\.(\d{1,2}))?$/.exec(value.replace(/,/g, ''));
  if (!match) return undefined;
  const fen = BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return fen > 0n && fen <= BigInt(MAX_FEN) ? Number(fen) : undefined;
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A time with a zone is taken as it is; a wall-clock time or a bare date (as spreadsheets hold
 * them) is a time in the centre's zone, a bare date its first moment.
 */
export function parseDealTime(value: string, timeZone: string): Date | undefined {
  const text = value.trim();
  if (ISO_WITH_ZONE.test(text)) {
    const instant = new Date(text);
    return Number.isNaN(instant.getTime()) || !isCalendarDate(text.slice(0, 10)) ? undefined : instant;
  }
  const match = LOCAL.exec(text);
  if (!match) return undefined;
  const date = `${match[1]}-${match[2].padStart(2, '0')}-${match[3].padStart(2, '0')}`;
  if (!isCalendarDate(date)) return undefined;
  const [hour, minute, second] = [match[4], match[5], match[6]].map((part) => Number(part ?? 0));
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return wallTimeInZone(date, { hour, minute, second }, timeZone);
}

/** Earliest deal the platform takes: older records are typing mistakes, not history. */
const EARLIEST = Date.UTC(1990, 0, 1);

function text(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Checks every row; `firstRowNumber` is what the first row is called in messages (1 for a JSON
 * array, 2 for a spreadsheet whose row 1 is the header), or `rowNumbers` names each row (a
 * sheet with blank rows skipped). Returns the deals only when no row
 * has a problem.
 */
export function validateDealImport(
  rows: readonly unknown[],
  options: { timeZone: string; now: Date; firstRowNumber?: number; rowNumbers?: readonly number[] },
): { deals: ImportedDeal[]; errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  const deals: ImportedDeal[] = [];
  const seenRefs = new Map<string, number>();
  rows.forEach((raw, index) => {
    const row = options.rowNumbers?.[index] ?? index + (options.firstRowNumber ?? 1);
    const fail = (field: string | null, code: ImportRowErrorCode, message: string) =>
      errors.push({ row, field, code, message });
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      fail(null, 'NOT_AN_OBJECT', 'each deal is an object');
      return;
    }
    const record = raw as Record<string, unknown>;
    const before = errors.length;
    for (const key of Object.keys(record)) {
      if (!(IMPORT_FIELDS as readonly string[]).includes(key))
        fail(key, 'UNKNOWN_FIELD', `${key} is not a deal field`);
    }
    const field = (name: ImportField, required: boolean): string | undefined => {
      const value = record[name];
      const result = text(value);
      if (value !== undefined && value !== null && value !== '' && result === undefined) {
        fail(name, 'REQUIRED', `${name} must be text`);
      } else if (required && result === undefined) {
        fail(name, 'REQUIRED', `${name} is required`);
      }
      return result;
    };

    const categoryText = field('category', true);
    const category = categoryText === undefined ? undefined : CATEGORY_BY_NAME.get(categoryText);
    if (categoryText !== undefined && !category)
      fail('category', 'UNKNOWN_CATEGORY', `${categoryText} is not a category`);

    const subtypeText = field('subtype', false);
    let subtype: string | null = null;
    if (subtypeText !== undefined && category) {
      const known = subtypeFor(category, subtypeText);
      if (!known) fail('subtype', 'UNKNOWN_SUBTYPE', `${subtypeText} is not a subtype of ${category}`);
      else subtype = known;
    }

    const limited = (name: 'title' | 'winnerName' | 'externalRef') => {
      const value = field(name, true);
      if (value !== undefined && [...value].length > LIMITS[name]) {
        fail(name, 'TOO_LONG', `${name} is longer than ${LIMITS[name]} characters`);
      }
      return value;
    };
    const title = limited('title');
    const winnerName = limited('winnerName');
    const externalRef = limited('externalRef');

    let amount: number | undefined;
    const fen = record.amount;
    const yuan = record.amountYuan;
    const hasFen = fen !== undefined && fen !== null && fen !== '';
    const hasYuan = yuan !== undefined && yuan !== null && yuan !== '';
    if (hasFen && hasYuan) {
      fail('amount', 'AMBIGUOUS_AMOUNT', 'give amount (fen) or amountYuan, not both');
    } else if (hasFen) {
      const value = typeof fen === 'string' && /^\d{1,16}$/.test(fen.trim()) ? Number(fen) : fen;
      if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) amount = value;
      else fail('amount', 'INVALID_AMOUNT', 'amount is a positive whole number of fen (≤ 2^53 − 1)');
    } else if (hasYuan) {
      amount = typeof yuan === 'string' || typeof yuan === 'number' ? yuanToFen(String(yuan)) : undefined;
      if (amount === undefined)
        fail(
          'amountYuan',
          'INVALID_AMOUNT',
          'amountYuan is a positive number of 元 with at most two decimals',
        );
    } else {
      fail('amount', 'REQUIRED', 'amount is required');
    }
    if (amount !== undefined && amount > MAX_DEAL_AMOUNT_FEN) {
      fail(
        hasFen ? 'amount' : 'amountYuan',
        'AMOUNT_TOO_LARGE',
        `a deal is at most ${MAX_DEAL_AMOUNT_FEN} fen (1000亿元)`,
      );
      amount = undefined;
    }

    const closedText = field('closedAt', true);
    let closedAt: Date | undefined;
    if (closedText !== undefined) {
      closedAt = parseDealTime(closedText, options.timeZone);
      if (!closedAt || closedAt.getTime() < EARLIEST) {
        fail('closedAt', 'INVALID_DATE', 'closedAt is an ISO-8601 time or a date (YYYY-MM-DD) after 1990');
        closedAt = undefined;
      } else if (closedAt.getTime() > options.now.getTime()) {
        fail('closedAt', 'DATE_IN_FUTURE', 'closedAt lies in the future');
      }
    }

    if (externalRef !== undefined) {
      const first = seenRefs.get(externalRef);
      if (first !== undefined) fail('externalRef', 'DUPLICATE_REF', `externalRef repeats row ${first}`);
      else seenRefs.set(externalRef, row);
    }
    let fee: number | null = null;
    const feeValue = record.fee;
    if (feeValue !== undefined && feeValue !== null && feeValue !== '') {
      const value =
        typeof feeValue === 'string' && /^\d{1,16}$/.test(feeValue.trim()) ? Number(feeValue) : feeValue;
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) fee = value;
      else fail('fee', 'INVALID_AMOUNT', 'fee is a whole number of fen, 0 or more');
    }

    if (errors.length === before) {
      deals.push({
        category: category!,
        subtype,
        title: title!,
        amount: amount!,
        winnerName: winnerName!,
        closedAt: closedAt!,
        externalRef: externalRef!,
        fee,
      });
    }
  });
  return { deals: errors.length ? [] : deals, errors };
}
