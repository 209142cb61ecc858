import { DomainError, type ErrorCode } from './errors.js';
import {
  type FeeSchedule,
  checkFeeSchedule,
  checkRecordedFee,
  feeForDeal,
  feeLineOf,
  feeRuleFrom,
  feeScheduleProblems,
  MAX_FEE_BANDS,
} from './fees.js';

function codeOf(action: () => unknown): ErrorCode | 'ok' {
  try {
    action();
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

const 万 = 1_000_000; // fen in 1 万元

/** 招标代理服务收费 (计价格[2002]1980号), 工程招标: 差额定率累进, the first five bands and the rest. */
const AGENCY_2018: FeeSchedule = {
  id: 'construction-2018',
  line: 'construction',
  effectiveFrom: '2018-01-01',
  basis: '计价格[2002]1980号',
  payer: 'winner',
  rule: {
    kind: 'banded',
    mode: 'marginal',
    bands: [
      { upTo: 100 * 万, ratePpm: 10_000 },
      { upTo: 500 * 万, ratePpm: 7_000 },
      { upTo: 1_000 * 万, ratePpm: 5_500 },
      { upTo: 5_000 * 万, ratePpm: 3_500 },
      { upTo: 10_000 * 万, ratePpm: 2_000 },
      { upTo: null, ratePpm: 500 },
    ],
    minimum: null,
    maximum: null,
  },
};
const FIXED_2026: FeeSchedule = {
  id: 'construction-2026',
  line: 'construction',
  effectiveFrom: '2026-07-01',
  basis: '洪发改收费〔2026〕1号 (example)',
  payer: 'owner',
  rule: { kind: 'fixed', amount: 500_000 },
};
/** A lease schedule charged on the whole value at its band's rate, with a floor and a cap. */
const LEASE: FeeSchedule = {
  id: 'lease-2025',
  line: 'lease',
  effectiveFrom: '2025-01-01',
  basis: '东湖区公房租赁交易服务收费标准 (example)',
  payer: 'winner',
  rule: {
    kind: 'banded',
    mode: 'whole',
    bands: [
      { upTo: 10 * 万, ratePpm: 10_000 },
      { upTo: null, ratePpm: 5_000 },
    ],
    minimum: 10_000,
    maximum: 500_000,
  },
};
const SCHEDULES = [AGENCY_2018, FIXED_2026, LEASE];

describe('feeForDeal at every band edge (integer fen)', () => {
  it.each<[string, 'construction' | 'lease', string, number, number]>([
    ['1 fen', 'construction', '2026-06-30', 1, 0],
    ['149 fen rounds down (1.49)', 'construction', '2026-06-30', 149, 1],
    ['150 fen rounds half up (1.5)', 'construction', '2026-06-30', 150, 2],
    ['100万 exactly: all in the first band', 'construction', '2026-06-30', 100 * 万, 1 * 万],
    ['100万 + 1 fen: 1 fen at 0.7%', 'construction', '2026-06-30', 100 * 万 + 1, 1 * 万],
    ['100万 + 72 fen: 0.504 fen more', 'construction', '2026-06-30', 100 * 万 + 72, 1 * 万 + 1],
    ['500万 (3.8万)', 'construction', '2026-06-30', 500 * 万, 3.8 * 万],
    ['500万 + 100 fen', 'construction', '2026-06-30', 500 * 万 + 100, 3.8 * 万 + 1],
    ['1000万 (6.55万)', 'construction', '2026-06-30', 1_000 * 万, 6.55 * 万],
    [
      '1000万 + 1000 fen: 3.5 fen at 0.35%, not 5.5 at 0.55%',
      'construction',
      '2026-06-30',
      1_000 * 万 + 1_000,
      6.55 * 万 + 4,
    ],
    ['5000万 (20.55万)', 'construction', '2026-06-30', 5_000 * 万, 20.55 * 万],
    [
      '5000万 + 1000 fen: 2 fen at 0.2%, not 3.5 at 0.35%',
      'construction',
      '2026-06-30',
      5_000 * 万 + 1_000,
      20.55 * 万 + 2,
    ],
    ['1亿 (30.55万)', 'construction', '2026-06-30', 10_000 * 万, 30.55 * 万],
    ['1亿 + 1万 in the open band', 'construction', '2026-06-30', 10_000 * 万 + 万, 30.55 * 万 + 500],
    ['from the day the fixed schedule starts', 'construction', '2026-07-01', 10_000 * 万, 500_000],
    ['lease: 10万 exactly at 1%', 'lease', '2026-06-30', 10 * 万, 100_000],
    ['lease: 10万 + 1 fen, the whole at 0.5%', 'lease', '2026-06-30', 10 * 万 + 1, 50_000],
    ['lease: a small deal pays the minimum', 'lease', '2026-06-30', 100_000, 10_000],
    ['lease: at the minimum exactly', 'lease', '2026-06-30', 1 * 万, 10_000],
    ['lease: a large deal pays the maximum', 'lease', '2026-06-30', 20_000 * 万, 500_000],
  ])('%s → %d fen', (_name, line, dealOn, dealValue, expected) => {
    expect(feeForDeal(SCHEDULES, { line, dealOn, dealValue }).amount).toBe(expected);
  });

  it('shows the working band by band', () => {
    expect(
      feeForDeal(SCHEDULES, { line: 'construction', dealOn: '2026-01-01', dealValue: 600 * 万 }),
    ).toEqual({
      scheduleId: 'construction-2018',
      basis: '计价格[2002]1980号',
      payer: 'winner',
      amount: 4.35 * 万,
      breakdown: [
        { from: 0, to: 100 * 万, ratePpm: 10_000 },
        { from: 100 * 万, to: 500 * 万, ratePpm: 7_000 },
        { from: 500 * 万, to: 600 * 万, ratePpm: 5_500 },
      ],
    });
  });

  it.each<[string, object, ErrorCode]>([
    [
      'before any schedule',
      { line: 'construction', dealOn: '2017-12-31', dealValue: 100 },
      'FEE_SCHEDULE_MISSING',
    ],
    ['a line with none', { line: 'transfer', dealOn: '2026-01-01', dealValue: 100 }, 'FEE_SCHEDULE_MISSING'],
    ['a value in yuan', { line: 'lease', dealOn: '2026-01-01', dealValue: 12.5 }, 'VALIDATION_FAILED'],
  ])('%s → %s', (_name, deal, expected) => {
    expect(codeOf(() => feeForDeal(SCHEDULES, deal as never))).toBe(expected);
  });
});

describe('checkRecordedFee: nothing but the schedule', () => {
  const deal = { line: 'construction' as const, dealOn: '2026-06-30', dealValue: 500 * 万 };
  it.each<[string, { scheduleId: string; amount: number }, ErrorCode | 'ok']>([
    ['the schedule’s amount', { scheduleId: 'construction-2018', amount: 3.8 * 万 }, 'ok'],
    ['1 fen more', { scheduleId: 'construction-2018', amount: 3.8 * 万 + 1 }, 'FEE_NOT_IN_SCHEDULE'],
    ['a schedule not in force', { scheduleId: 'construction-2026', amount: 500_000 }, 'FEE_NOT_IN_SCHEDULE'],
  ])('%s → %s', (_name, recorded, expected) => {
    expect(codeOf(() => checkRecordedFee(SCHEDULES, deal, recorded))).toBe(expected);
  });
});

describe('checkFeeSchedule', () => {
  const banded = (bands: { upTo: number | null; ratePpm: number }[]): FeeSchedule => ({
    ...LEASE,
    rule: { kind: 'banded', mode: 'marginal', bands, minimum: null, maximum: null },
  });
  it.each<[string, FeeSchedule, string[]]>([
    ['the agency schedule', AGENCY_2018, []],
    ['a fixed fee', FIXED_2026, []],
    ['a fixed fee of nothing', { ...FIXED_2026, rule: { kind: 'fixed', amount: 0 } }, ['rule.amount']],
    [
      'edges out of order and an edged last band',
      banded([
        { upTo: 500, ratePpm: 10 },
        { upTo: 400, ratePpm: 10 },
        { upTo: 900, ratePpm: 10 },
      ]),
      ['rule.bands[1].upTo', 'rule.bands[2].upTo'],
    ],
    ['a fractional rate', banded([{ upTo: null, ratePpm: 0.5 }]), ['rule.bands[0].ratePpm']],
    ['no bands', banded([]), ['rule.bands']],
    [
      'minimum above maximum, no basis, a bad date',
      {
        ...LEASE,
        basis: '',
        effectiveFrom: '2026-02-30',
        rule: { ...(LEASE.rule as object), minimum: 9, maximum: 8 } as FeeSchedule['rule'],
      },
      ['effectiveFrom', 'basis', 'rule.minimum'],
    ],
  ])('%s', (_name, schedule, fields) => {
    expect(feeScheduleProblems(schedule).map((problem) => problem.field)).toEqual(fields);
    expect(codeOf(() => checkFeeSchedule(schedule))).toBe(
      fields.length === 0 ? 'ok' : 'FEE_SCHEDULE_INVALID',
    );
  });
});

describe('a schedule starts after the day it is published', () => {
  it.each<[string, string, string[]]>([
    ['tomorrow', '2026-06-30', []],
    ['today', '2026-07-01', ['effectiveFrom']],
    ['yesterday', '2026-07-02', ['effectiveFrom']],
  ])('effective %s', (_name, today, fields) => {
    expect(feeScheduleProblems(FIXED_2026, today).map((problem) => problem.field)).toEqual(fields);
  });

  it('a rule that is not an object is one problem', () => {
    expect(feeScheduleProblems({ ...FIXED_2026, rule: null as never }).map((p) => p.field)).toEqual(['rule']);
  });
});

describe('feeLineOf: the line whose schedule a deal pays', () => {
  it.each<[string, string | null, string | null]>([
    ['construction', 'building', 'construction'],
    ['procurement', 'framework', 'procurement'],
    ['procurement', null, 'procurement'],
    ['property_rights', 'lease', 'lease'],
    ['property_rights', 'transfer', 'transfer'],
    ['property_rights', null, null],
    ['other', null, null],
  ])('%s / %s → %s', (category, subtype, line) => {
    expect(feeLineOf(category, subtype)).toBe(line);
  });
});

describe('feeRuleFrom keeps the rule’s own fields only', () => {
  it.each<[string, unknown, object]>([
    ['a fixed fee with a stray key', { kind: 'fixed', amount: 5, note: 'x' }, { kind: 'fixed', amount: 5 }],
    [
      'a banded rule without limits',
      { kind: 'banded', mode: 'whole', bands: [{ ratePpm: 10, extra: 1 }] },
      { kind: 'banded', mode: 'whole', bands: [{ upTo: null, ratePpm: 10 }], minimum: null, maximum: null },
    ],
    ['nothing', null, { kind: undefined }],
  ])('%s', (_name, raw, expected) => {
    expect(feeRuleFrom(raw)).toEqual(expected);
  });

  it('too many bands is one problem', () => {
    const bands = Array.from({ length: MAX_FEE_BANDS + 1 }, (_, index) => ({
      upTo: index === MAX_FEE_BANDS ? null : (index + 1) * 100,
      ratePpm: 1,
    }));
    const schedule = {
      ...LEASE,
      rule: { kind: 'banded', mode: 'whole', bands, minimum: null, maximum: null },
    };
    expect(feeScheduleProblems(schedule as FeeSchedule).map((p) => p.field)).toEqual(['rule.bands']);
  });
});
