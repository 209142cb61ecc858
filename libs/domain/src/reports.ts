/**
 * Transaction-value reports as the centre writes them: counts and values per category and
 * period, the period in the centre's words, and its one-sentence summary. Pure: the numbers
 * come in already grouped by the database, everything here is arithmetic on integers.
 */
import { daysInMonth, isCalendarDate, SUPPORTED_YEARS } from './calendar.js';
import { DomainError } from './errors.js';
import { fenToWanYuan } from './money.js';

export const DEAL_CATEGORIES = ['construction', 'procurement', 'property_rights'] as const;
export type DealCategory = (typeof DEAL_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<DealCategory, string> = {
  construction: '建筑工程',
  procurement: '政府采购',
  property_rights: '产权交易',
};

/** Subtypes each category knows: property rights by kind, procurement by method, construction by works. */
export const DEAL_SUBTYPES: Record<DealCategory, Record<string, string>> = {
  construction: {
    building: '房屋建筑',
    municipal: '市政工程',
    road: '公路工程',
    water: '水利工程',
    decoration: '装饰装修',
    other: '其他工程',
  },
  procurement: {
    open_tender: '公开招标',
    invited_tender: '邀请招标',
    negotiation: '竞争性谈判',
    consultation: '竞争性磋商',
    rfq: '询价',
    single_source: '单一来源',
    framework: '框架协议',
  },
  property_rights: { lease: '租赁', transfer: '转让' },
};

/**
 * The largest single deal the platform records: 10^13 fen (1000亿元), far above any real
 * public-resource deal, so a typing slip is caught and sums stay far from 2^53.
 */
export const MAX_DEAL_AMOUNT_FEN = 10_000_000_000_000;

export const UNSPECIFIED_SUBTYPE_LABEL = '未细分';

export function subtypeLabel(category: DealCategory, subtype: string | null): string {
  if (subtype === null) return UNSPECIFIED_SUBTYPE_LABEL;
  const known = DEAL_SUBTYPES[category];
  // Own keys only: "constructor" is not a subtype just because every object has one.
  return Object.hasOwn(known, subtype) ? known[subtype] : subtype;
}

export const REPORT_GROUPINGS = ['month', 'quarter', 'year'] as const;
export type ReportGrouping = (typeof REPORT_GROUPINGS)[number];

/** Longest period one report covers: bounds the work a single request can cause. */
export const MAX_REPORT_YEARS = 20;

const QUARTER_NAMES = ['一', '二', '三', '四'];

interface DateParts {
  year: number;
  month: number;
  day: number;
}

function parts(date: string): DateParts {
  const [year, month, day] = date.split('-').map(Number);
  return { year, month, day };
}

/**
 * Why a period is refused, or undefined when `from`..`to` (inclusive calendar dates) is a
 * period a report can cover. A malformed date is VALIDATION_FAILED; a real date the period
 * rules refuse (order, length, years outside SUPPORTED_YEARS) is INVALID_PERIOD.
 */
export function periodProblem(
  from: string,
  to: string,
): { code: 'VALIDATION_FAILED' | 'INVALID_PERIOD'; message: string } | undefined {
  if (!isCalendarDate(from))
    return { code: 'VALIDATION_FAILED', message: 'from is not a calendar date (YYYY-MM-DD)' };
  if (!isCalendarDate(to))
    return { code: 'VALIDATION_FAILED', message: 'to is not a calendar date (YYYY-MM-DD)' };
  const a = parts(from);
  const b = parts(to);
  if (a.year < SUPPORTED_YEARS.first || b.year > SUPPORTED_YEARS.last)
    return {
      code: 'INVALID_PERIOD',
      message: `a report covers years ${SUPPORTED_YEARS.first}–${SUPPORTED_YEARS.last}`,
    };
  if (from > to) return { code: 'INVALID_PERIOD', message: 'from is after to' };
  const months = (b.year - a.year) * 12 + (b.month - a.month);
  if (months >= MAX_REPORT_YEARS * 12)
    return { code: 'INVALID_PERIOD', message: `a report covers at most ${MAX_REPORT_YEARS} years` };
  return undefined;
}

/**
 * The period in the centre's words: 2018年5月, 2018年1-5月, 2018年第二季度, 2018年上半年,
 * 2018年, and plain dates for periods that are not whole months.
 */
export function periodLabel(from: string, to: string): string {
  const a = parts(from);
  const b = parts(to);
  const wholeMonths = a.day === 1 && b.day === daysInMonth(b.year, b.month);
  if (wholeMonths) {
    if (a.year === b.year) {
      const y = a.year;
      if (a.month === 1 && b.month === 12) return `${y}年`;
      if (a.month === 1 && b.month === 6) return `${y}年上半年`;
      if (a.month === 7 && b.month === 12) return `${y}年下半年`;
      if (a.month === b.month) return `${y}年${a.month}月`;
      if ((a.month - 1) % 3 === 0 && b.month === a.month + 2)
        return `${y}年第${QUARTER_NAMES[(a.month - 1) / 3]}季度`;
      return `${y}年${a.month}-${b.month}月`;
    }
    if (a.month === 1 && b.month === 12) return `${a.year}-${b.year}年`;
    return `${a.year}年${a.month}月-${b.year}年${b.month}月`;
  }
  if (from === to) return `${a.year}年${a.month}月${a.day}日`;
  if (a.year === b.year && a.month === b.month) return `${a.year}年${a.month}月${a.day}-${b.day}日`;
  if (a.year === b.year) return `${a.year}年${a.month}月${a.day}日-${b.month}月${b.day}日`;
  return `${a.year}年${a.month}月${a.day}日-${b.year}年${b.month}月${b.day}日`;
}

export interface CountAndAmount {
  count: number;
  /** fen */
  amount: number;
}

/**
 * The centre's sentence: `2018年1-5月共完成公共资源交易项目26个,交易总金额共计1146.86万元。其中建筑工程项目13个,
 * 成交金额464.94万元;…`. Every category is named, in the centre's order, even at zero.
 * Amounts are 万元 with two decimals, each rounded half up from exact fen (see fenToWanYuan).
 */
export function summarySentence(
  period: string,
  total: CountAndAmount,
  categories: readonly ({ category: DealCategory } & CountAndAmount)[],
): string {
  const byCategory = new Map(categories.map((entry) => [entry.category, entry]));
  const clauses = DEAL_CATEGORIES.map((category) => {
    const entry = byCategory.get(category) ?? { count: 0, amount: 0 };
    return `${CATEGORY_LABELS[category]}项目${entry.count}个,成交金额${fenToWanYuan(entry.amount)}万元`;
  });
  return (
    `${period}共完成公共资源交易项目${total.count}个,交易总金额共计${fenToWanYuan(total.amount)}万元。` +
    `其中${clauses.join(';')}。`
  );
}

/** One group the database returns: deals of a category and subtype closed in a month (`YYYY-MM`, CENTRE_TZ). */
export interface DealGroup {
  category: DealCategory;
  subtype: string | null;
  month: string;
  count: number;
  /** fen; bigint because a sum over many deals may pass 2^53 before it is checked */
  amount: bigint;
}

export interface LiveAuctionTotals {
  count: number;
  /** Σ start price × lease months, fen */
  startAmount: bigint;
  /** Σ deal values, fen */
  amount: bigint;
}

export interface ReportBucket {
  key: string;
  label: string;
}

/** The buckets of a series, first to last, empty ones included. */
export function periodBuckets(from: string, to: string, groupBy: ReportGrouping): ReportBucket[] {
  const a = parts(from);
  const b = parts(to);
  const buckets: ReportBucket[] = [];
  let year = a.year;
  let month = a.month;
  while (year < b.year || (year === b.year && month <= b.month)) {
    const bucket = bucketOf(`${year}-${String(month).padStart(2, '0')}`, groupBy);
    if (buckets.at(-1)?.key !== bucket.key) buckets.push(bucket);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return buckets;
}

/** The bucket a month (`YYYY-MM`) falls in. */
export function bucketOf(month: string, groupBy: ReportGrouping): ReportBucket {
  const [year, m] = month.split('-').map(Number);
  if (groupBy === 'year') return { key: String(year), label: `${year}年` };
  if (groupBy === 'quarter') {
    const quarter = Math.floor((m - 1) / 3) + 1;
    return { key: `${year}-Q${quarter}`, label: `${year}年第${QUARTER_NAMES[quarter - 1]}季度` };
  }
  return { key: month, label: `${year}年${m}月` };
}

export interface ReportFigure extends CountAndAmount {
  /** 万元, two decimals, as the centre writes it */
  amountWan: string;
}

export interface ReportResult {
  from: string;
  to: string;
  groupBy: ReportGrouping;
  period: string;
  total: ReportFigure;
  categories: (ReportFigure & {
    category: DealCategory;
    label: string;
    subtypes: (ReportFigure & { subtype: string | null; label: string })[];
  })[];
  series: (ReportFigure & {
    key: string;
    label: string;
    categories: ({ category: DealCategory } & CountAndAmount)[];
  })[];
  liveAuctions: ReportFigure & { startAmount: number; premium: number; premiumPercent: string };
  /**
   * Fees collected (收费): the fees recorded with the period's deals, per category (`count`: the
   * deals that paid one). Absent from reports built before fees were recorded.
   */
  fees?: {
    total: ReportFigure;
    categories: (ReportFigure & { category: DealCategory; label: string })[];
  };
  summary: string;
}

/** Fees recorded with a period's deals, per category (FeesRepository.collectedByCategory). */
export interface FeeGroup {
  category: string;
  count: number;
  amount: bigint;
}

/** The sentence on fees, after the centre's: only when some were collected (`其中…` names each category). */
export function feeSentence(fees: NonNullable<ReportResult['fees']>): string {
  if (fees.total.amount === 0) return '';
  const clauses = fees.categories.map((entry) => `${entry.label}${entry.amountWan}万元`);
  return `收取交易服务费共计${fees.total.amountWan}万元,其中${clauses.join(';')}。`;
}

/** The exact fen of a sum as a JSON-safe number; a sum past 2^53 − 1 would lose fen, so it is refused. */
function safeFen(amount: bigint): number {
  if (amount > BigInt(Number.MAX_SAFE_INTEGER) || amount < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DomainError(
      'REPORT_TOTAL_TOO_LARGE',
      'a figure of this report passes 2^53 − 1 fen and cannot be given exactly; choose a shorter period',
    );
  }
  return Number(amount);
}

function figure(count: number, amount: bigint): ReportFigure {
  const fen = safeFen(amount);
  return { count, amount: fen, amountWan: fenToWanYuan(fen) };
}

/** `part / whole` as a percentage with two decimals, half up, exactly; "0.00" when whole is 0. */
export function percentOf(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0.00';
  const negative = part < 0n !== whole < 0n && part !== 0n;
  const abs = (value: bigint) => (value < 0n ? -value : value);
  const hundredths = (abs(part) * 10_000n * 2n + abs(whole)) / (2n * abs(whole));
  return `${negative ? '-' : ''}${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, '0')}`;
}

/**
 * Builds the report from the groups. The total is the sum of the categories and each
 * category the sum of its subtypes, by construction.
 */
export function assembleReport(input: {
  from: string;
  to: string;
  groupBy: ReportGrouping;
  groups: readonly DealGroup[];
  liveAuctions: LiveAuctionTotals;
  fees?: readonly FeeGroup[];
}): ReportResult {
  const { from, to, groupBy, groups } = input;
  const buckets = periodBuckets(from, to, groupBy);
  const series = new Map(
    buckets.map((bucket) => [
      bucket.key,
      { ...bucket, perCategory: new Map<DealCategory, { count: number; amount: bigint }>() },
    ]),
  );
  const categories = new Map<
    DealCategory,
    { count: number; amount: bigint; subtypes: Map<string | null, { count: number; amount: bigint }> }
  >(DEAL_CATEGORIES.map((category) => [category, { count: 0, amount: 0n, subtypes: new Map() }]));

  for (const group of groups) {
    const category = categories.get(group.category);
    if (!category) throw new RangeError(`unknown category ${group.category}`);
    category.count += group.count;
    category.amount += group.amount;
    const subtype = category.subtypes.get(group.subtype) ?? { count: 0, amount: 0n };
    subtype.count += group.count;
    subtype.amount += group.amount;
    category.subtypes.set(group.subtype, subtype);
    const bucket = series.get(bucketOf(group.month, groupBy).key);
    if (!bucket) throw new RangeError(`month ${group.month} lies outside ${from}..${to}`);
    const cell = bucket.perCategory.get(group.category) ?? { count: 0, amount: 0n };
    cell.count += group.count;
    cell.amount += group.amount;
    bucket.perCategory.set(group.category, cell);
  }

  let totalCount = 0;
  let totalAmount = 0n;
  const categoryFigures = DEAL_CATEGORIES.map((category) => {
    const entry = categories.get(category)!;
    totalCount += entry.count;
    totalAmount += entry.amount;
    const known = Object.keys(DEAL_SUBTYPES[category]);
    const subtypes = [...entry.subtypes.entries()]
      .sort(([a], [b]) => rank(known, a) - rank(known, b) || String(a).localeCompare(String(b)))
      .map(([subtype, value]) => ({
        subtype,
        label: subtypeLabel(category, subtype),
        ...figure(value.count, value.amount),
      }));
    return { category, label: CATEGORY_LABELS[category], ...figure(entry.count, entry.amount), subtypes };
  });
  const total = figure(totalCount, totalAmount);
  const period = periodLabel(from, to);
  const live = input.liveAuctions;
  const fees = input.fees && feeFigures(input.fees);
  return {
    from,
    to,
    groupBy,
    period,
    total,
    categories: categoryFigures,
    series: [...series.values()].map((bucket) => {
      let count = 0;
      let amount = 0n;
      const perCategory = DEAL_CATEGORIES.map((category) => {
        const cell = bucket.perCategory.get(category) ?? { count: 0, amount: 0n };
        count += cell.count;
        amount += cell.amount;
        return { category, count: cell.count, amount: figure(cell.count, cell.amount).amount };
      });
      return { key: bucket.key, label: bucket.label, ...figure(count, amount), categories: perCategory };
    }),
    liveAuctions: {
      ...figure(live.count, live.amount),
      startAmount: figure(live.count, live.startAmount).amount,
      premium: safeFen(live.amount - live.startAmount),
      premiumPercent: percentOf(live.amount - live.startAmount, live.startAmount),
    },
    ...(fees ? { fees } : {}),
    summary: summarySentence(period, total, categoryFigures) + (fees ? feeSentence(fees) : ''),
  };
}

function feeFigures(groups: readonly FeeGroup[]): NonNullable<ReportResult['fees']> {
  let count = 0;
  let amount = 0n;
  const categories = DEAL_CATEGORIES.map((category) => {
    const entry = groups.find((group) => group.category === category) ?? { count: 0, amount: 0n };
    count += entry.count;
    amount += entry.amount;
    return { category, label: CATEGORY_LABELS[category], ...figure(entry.count, entry.amount) };
  });
  return { total: figure(count, amount), categories };
}

function rank(known: string[], subtype: string | null): number {
  if (subtype === null) return known.length + 1;
  const index = known.indexOf(subtype);
  return index === -1 ? known.length : index;
}

// ---------------------------------------------------------------------------------------------
// Scheduled reports and the report's own lifecycle.

export const REPORT_KINDS = ['on_demand', 'monthly', 'half_year', 'year'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ScheduledPeriod {
  kind: Exclude<ReportKind, 'on_demand'>;
  from: string;
  to: string;
}

/**
 * The periods that ended just before `today` (a calendar date in CENTRE_TZ, the day the
 * scheduler runs on: the 1st): the month before, and the half-year and year when they end.
 */
export function periodsEndedBefore(today: string): ScheduledPeriod[] {
  const { year, month } = parts(today);
  const lastYear = month === 1 ? year - 1 : year;
  const lastMonth = month === 1 ? 12 : month - 1;
  const mm = String(lastMonth).padStart(2, '0');
  const periods: ScheduledPeriod[] = [
    {
      kind: 'monthly',
      from: `${lastYear}-${mm}-01`,
      to: `${lastYear}-${mm}-${String(daysInMonth(lastYear, lastMonth)).padStart(2, '0')}`,
    },
  ];
  if (lastMonth === 6)
    periods.push({ kind: 'half_year', from: `${lastYear}-01-01`, to: `${lastYear}-06-30` });
  if (lastMonth === 12) {
    periods.push({ kind: 'half_year', from: `${lastYear}-07-01`, to: `${lastYear}-12-31` });
    periods.push({ kind: 'year', from: `${lastYear}-01-01`, to: `${lastYear}-12-31` });
  }
  return periods;
}

export const REPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export type ReportAction = 'start' | 'finish' | 'fail';

const REPORT_TRANSITIONS: Record<ReportAction, Partial<Record<ReportStatus, ReportStatus>>> = {
  // running → running: a worker that died mid-report leaves it running; the next one starts over.
  start: { queued: 'running', running: 'running' },
  finish: { running: 'done' },
  fail: { queued: 'failed', running: 'failed' },
};

export function nextReportStatus(from: ReportStatus, action: ReportAction): ReportStatus | undefined {
  return REPORT_TRANSITIONS[action][from];
}

/** The statuses an action may start from, for a conditional UPDATE. */
export function reportStatusesAllowing(action: ReportAction): ReportStatus[] {
  return Object.keys(REPORT_TRANSITIONS[action]) as ReportStatus[];
}
