import {
  assembleReport,
  bucketOf,
  type DealCategory,
  type DealGroup,
  type LiveAuctionTotals,
  nextReportStatus,
  percentOf,
  periodBuckets,
  periodLabel,
  periodProblem,
  periodsEndedBefore,
  subtypeLabel,
  summarySentence,
} from './reports.js';
import { DomainError } from './errors.js';

describe('periodLabel (the centre writes periods this way)', () => {
  it.each<[string, string, string]>([
    ['2018-05-01', '2018-05-31', '2018年5月'],
    ['2018-01-01', '2018-05-31', '2018年1-5月'],
    ['2018-02-01', '2018-02-28', '2018年2月'],
    ['2016-02-01', '2016-02-29', '2016年2月'],
    ['2018-04-01', '2018-06-30', '2018年第二季度'],
    ['2018-10-01', '2018-12-31', '2018年第四季度'],
    ['2018-02-01', '2018-04-30', '2018年2-4月'],
    ['2018-01-01', '2018-06-30', '2018年上半年'],
    ['2018-07-01', '2018-12-31', '2018年下半年'],
    ['2018-01-01', '2018-12-31', '2018年'],
    ['2009-01-01', '2018-12-31', '2009-2018年'],
    ['2017-11-01', '2018-02-28', '2017年11月-2018年2月'],
    ['2018-05-20', '2018-05-20', '2018年5月20日'],
    ['2018-05-03', '2018-05-20', '2018年5月3-20日'],
    ['2018-05-03', '2018-06-02', '2018年5月3日-6月2日'],
    ['2018-05-01', '2018-05-30', '2018年5月1-30日'],
    ['2017-12-30', '2018-01-02', '2017年12月30日-2018年1月2日'],
  ])('%s..%s → %s', (from, to, label) => {
    expect(periodLabel(from, to)).toBe(label);
  });
});

describe('periodProblem', () => {
  const invalid = (message: string) => ({ code: 'INVALID_PERIOD', message });
  const malformed = (message: string) => ({ code: 'VALIDATION_FAILED', message });
  it.each<[string, string, { code: string; message: string } | undefined]>([
    ['2018-01-01', '2018-05-31', undefined],
    ['2018-05-31', '2018-05-31', undefined],
    ['2018-06-01', '2018-05-31', invalid('from is after to')],
    ['2018-02-30', '2018-05-31', malformed('from is not a calendar date (YYYY-MM-DD)')],
    ['2018-01-01', '2018-13-01', malformed('to is not a calendar date (YYYY-MM-DD)')],
    ['18-01-01', '2018-01-02', malformed('from is not a calendar date (YYYY-MM-DD)')],
    ['1998-12-31', '2018-12-31', invalid('a report covers at most 20 years')],
    ['1999-01-01', '2018-12-31', undefined],
    ['2200-01-01', '2200-12-31', undefined],
    ['9999-12-31', '9999-12-31', invalid('a report covers years 1990–2200')],
    ['9999-01-01', '9999-12-31', invalid('a report covers years 1990–2200')],
    ['2201-01-01', '2201-01-31', invalid('a report covers years 1990–2200')],
    ['1989-12-31', '1990-01-31', invalid('a report covers years 1990–2200')],
    ['1000-01-01', '1000-01-31', invalid('a report covers years 1990–2200')],
  ])('%s..%s → %j', (from, to, problem) => {
    expect(periodProblem(from, to)).toEqual(problem);
  });
});

describe('summarySentence', () => {
  it("writes the centre's January–May 2018 report with the correct total", () => {
    const categories = [
      { category: 'construction' as const, count: 13, amount: 464_940_000 },
      { category: 'procurement' as const, count: 5, amount: 134_950_000 },
      { category: 'property_rights' as const, count: 8, amount: 546_970_000 },
    ];
    expect(summarySentence('2018年1-5月', { count: 26, amount: 1_146_860_000 }, categories)).toBe(
      '2018年1-5月共完成公共资源交易项目26个,交易总金额共计1146.86万元。' +
        '其中建筑工程项目13个,成交金额464.94万元;政府采购项目5个,成交金额134.95万元;' +
        '产权交易项目8个,成交金额546.97万元。',
    );
  });

  it('names every category at zero in an empty period', () => {
    expect(summarySentence('2018年5月', { count: 0, amount: 0 }, [])).toBe(
      '2018年5月共完成公共资源交易项目0个,交易总金额共计0.00万元。' +
        '其中建筑工程项目0个,成交金额0.00万元;政府采购项目0个,成交金额0.00万元;' +
        '产权交易项目0个,成交金额0.00万元。',
    );
  });

  it('rounds half up at the fen → 万元 cut (5,000 fen is half of 0.01万元)', () => {
    const sentence = summarySentence('2018年5月', { count: 1, amount: 1_005_000 }, [
      { category: 'construction', count: 1, amount: 1_004_999 },
    ]);
    expect(sentence).toContain('共计1.01万元');
    expect(sentence).toContain('建筑工程项目1个,成交金额1.00万元');
  });
});

describe('periodBuckets and bucketOf', () => {
  it.each<[string, string, 'month' | 'quarter' | 'year', string[]]>([
    ['2018-01-01', '2018-05-31', 'month', ['2018-01', '2018-02', '2018-03', '2018-04', '2018-05']],
    ['2018-05-20', '2018-05-20', 'month', ['2018-05']],
    ['2017-12-15', '2018-01-15', 'month', ['2017-12', '2018-01']],
    ['2018-01-01', '2018-12-31', 'quarter', ['2018-Q1', '2018-Q2', '2018-Q3', '2018-Q4']],
    ['2018-03-31', '2018-04-01', 'quarter', ['2018-Q1', '2018-Q2']],
    ['2016-07-01', '2018-06-30', 'year', ['2016', '2017', '2018']],
  ])('%s..%s by %s', (from, to, groupBy, keys) => {
    expect(periodBuckets(from, to, groupBy).map((bucket) => bucket.key)).toEqual(keys);
  });

  it.each<[string, 'month' | 'quarter' | 'year', string]>([
    ['2018-05', 'month', '2018年5月'],
    ['2018-05', 'quarter', '2018年第二季度'],
    ['2018-12', 'quarter', '2018年第四季度'],
    ['2018-05', 'year', '2018年'],
  ])('%s by %s is labelled %s', (month, groupBy, label) => {
    expect(bucketOf(month, groupBy).label).toBe(label);
  });
});

describe('assembleReport', () => {
  const groups: DealGroup[] = [
    { category: 'construction', subtype: null, month: '2018-01', count: 2, amount: 100_000_000n },
    { category: 'construction', subtype: 'building', month: '2018-03', count: 1, amount: 55_500_000n },
    { category: 'procurement', subtype: 'open_tender', month: '2018-02', count: 1, amount: 30_000_000n },
    { category: 'property_rights', subtype: 'lease', month: '2018-02', count: 3, amount: 12_345_600n },
    { category: 'property_rights', subtype: 'transfer', month: '2018-03', count: 1, amount: 80_000_000n },
    { category: 'property_rights', subtype: 'lease', month: '2018-03', count: 1, amount: 1_000_000n },
  ];
  const live = { count: 2, startAmount: 10_000_000n, amount: 13_345_600n };

  it('adds up: the total is the sum of the categories, each the sum of its subtypes and of its series', () => {
    const result = assembleReport({
      from: '2018-01-01',
      to: '2018-03-31',
      groupBy: 'month',
      groups,
      liveAuctions: live,
    });
    expect(result.total).toEqual({ count: 9, amount: 278_845_600, amountWan: '278.85' });
    expect(result.categories.map((c) => [c.category, c.count, c.amount])).toEqual([
      ['construction', 3, 155_500_000],
      ['procurement', 1, 30_000_000],
      ['property_rights', 5, 93_345_600],
    ]);
    const property = result.categories[2];
    expect(property.subtypes.map((s) => [s.label, s.count, s.amount])).toEqual([
      ['租赁', 4, 13_345_600],
      ['转让', 1, 80_000_000],
    ]);
    expect(result.categories[0].subtypes.map((s) => s.label)).toEqual(['房屋建筑', '未细分']);
    expect(result.series.map((s) => [s.key, s.label, s.count, s.amount])).toEqual([
      ['2018-01', '2018年1月', 2, 100_000_000],
      ['2018-02', '2018年2月', 4, 42_345_600],
      ['2018-03', '2018年3月', 3, 136_500_000],
    ]);
    expect(result.series[1].categories).toEqual([
      { category: 'construction', count: 0, amount: 0 },
      { category: 'procurement', count: 1, amount: 30_000_000 },
      { category: 'property_rights', count: 3, amount: 12_345_600 },
    ]);
    expect(result.period).toBe('2018年第一季度');
    expect(result.summary).toBe(
      '2018年第一季度共完成公共资源交易项目9个,交易总金额共计278.85万元。' +
        '其中建筑工程项目3个,成交金额155.50万元;政府采购项目1个,成交金额30.00万元;产权交易项目5个,成交金额93.35万元。',
    );
    expect(result.liveAuctions).toMatchObject({
      count: 2,
      amount: 13_345_600,
      startAmount: 10_000_000,
      premium: 3_345_600,
      premiumPercent: '33.46',
    });
  });

  it('rolls months into quarters and years', () => {
    const byQuarter = assembleReport({
      from: '2018-01-01',
      to: '2018-06-30',
      groupBy: 'quarter',
      groups,
      liveAuctions: live,
    });
    expect(byQuarter.series.map((s) => [s.key, s.count])).toEqual([
      ['2018-Q1', 9],
      ['2018-Q2', 0],
    ]);
    const byYear = assembleReport({
      from: '2018-01-01',
      to: '2018-12-31',
      groupBy: 'year',
      groups,
      liveAuctions: live,
    });
    expect(byYear.series.map((s) => [s.label, s.amount])).toEqual([['2018年', 278_845_600]]);
  });

  it('reports an empty period as zeros, not as missing rows', () => {
    const result = assembleReport({
      from: '2018-05-01',
      to: '2018-05-31',
      groupBy: 'month',
      groups: [],
      liveAuctions: { count: 0, startAmount: 0n, amount: 0n },
    });
    expect(result.total).toEqual({ count: 0, amount: 0, amountWan: '0.00' });
    expect(result.categories.map((c) => c.count)).toEqual([0, 0, 0]);
    expect(result.series).toHaveLength(1);
    expect(result.liveAuctions.premiumPercent).toBe('0.00');
  });

  it('refuses a group outside the period and sums past 2^53 fen', () => {
    const outside = { ...groups[0], month: '2019-01' };
    expect(() =>
      assembleReport({
        from: '2018-01-01',
        to: '2018-03-31',
        groupBy: 'month',
        groups: [outside],
        liveAuctions: live,
      }),
    ).toThrow(RangeError);
  });

  it.each<[string, DealGroup[], LiveAuctionTotals]>([
    ['one group past 2^53 fen', [{ ...groups[0], amount: 2n ** 53n }], live],
    [
      'two safe groups whose sum passes 2^53 fen',
      [
        { ...groups[0], amount: BigInt(Number.MAX_SAFE_INTEGER) },
        { ...groups[0], month: '2018-02', amount: BigInt(Number.MAX_SAFE_INTEGER) },
      ],
      live,
    ],
    ['a live-auction premium past 2^53 fen', groups, { count: 1, startAmount: -(2n ** 53n), amount: 1n }],
  ])('refuses %s with REPORT_TOTAL_TOO_LARGE instead of losing fen', (_name, input, liveAuctions) => {
    let thrown: unknown;
    try {
      assembleReport({ from: '2018-01-01', to: '2018-03-31', groupBy: 'month', groups: input, liveAuctions });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect((thrown as DomainError).code).toBe('REPORT_TOTAL_TOO_LARGE');
  });
});

describe('percentOf', () => {
  it.each<[bigint, bigint, string]>([
    [1n, 3n, '33.33'],
    [2n, 3n, '66.67'],
    [1n, 8n, '12.50'],
    [1n, 200_000n, '0.00'],
    [1n, 20_000n, '0.01'],
    [0n, 0n, '0.00'],
    [-1n, 4n, '-25.00'],
  ])('%s / %s → %s%%', (part, whole, expected) => {
    expect(percentOf(part, whole)).toBe(expected);
  });
});

describe('periodsEndedBefore (the scheduler runs on the 1st, China time)', () => {
  it.each<[string, string[]]>([
    ['2018-06-01', ['monthly 2018-05-01..2018-05-31']],
    ['2018-03-01', ['monthly 2018-02-01..2018-02-28']],
    ['2018-07-01', ['monthly 2018-06-01..2018-06-30', 'half_year 2018-01-01..2018-06-30']],
    [
      '2019-01-01',
      ['monthly 2018-12-01..2018-12-31', 'half_year 2018-07-01..2018-12-31', 'year 2018-01-01..2018-12-31'],
    ],
  ])('on %s', (today, expected) => {
    expect(periodsEndedBefore(today).map((p) => `${p.kind} ${p.from}..${p.to}`)).toEqual(expected);
  });
});

describe('report lifecycle', () => {
  it.each<
    [Parameters<typeof nextReportStatus>[0], Parameters<typeof nextReportStatus>[1], string | undefined]
  >([
    ['queued', 'start', 'running'],
    ['running', 'start', 'running'],
    ['done', 'start', undefined],
    ['failed', 'start', undefined],
    ['running', 'finish', 'done'],
    ['queued', 'finish', undefined],
    ['done', 'finish', undefined],
    ['running', 'fail', 'failed'],
    ['queued', 'fail', 'failed'],
    ['done', 'fail', undefined],
  ])('%s + %s → %s', (from, action, to) => {
    expect(nextReportStatus(from, action)).toBe(to);
  });
});

describe('subtypeLabel', () => {
  it.each<[DealCategory, string | null, string]>([
    ['property_rights', 'lease', '租赁'],
    ['procurement', 'open_tender', '公开招标'],
    ['construction', null, '未细分'],
    ['construction', 'constructor', 'constructor'],
    ['construction', '__proto__', '__proto__'],
    ['procurement', 'hasOwnProperty', 'hasOwnProperty'],
    ['property_rights', 'toString', 'toString'],
  ])('%s / %s → %s (always text, never an inherited object)', (category, subtype, label) => {
    expect(subtypeLabel(category, subtype)).toBe(label);
  });
});
