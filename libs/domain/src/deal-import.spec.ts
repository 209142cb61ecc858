import { importFieldForHeader, parseDealTime, validateDealImport, yuanToFen } from './deal-import.js';

const TZ = 'Asia/Shanghai';
const NOW = new Date('2026-01-01T00:00:00Z');
const good = {
  category: 'construction',
  title: '东湖区滨江小学教学楼改造工程',
  amount: 264_940_000,
  winnerName: '江西建工第三建筑有限责任公司',
  closedAt: '2018-03-12T02:00:00Z',
  externalRef: 'DH-2018-001',
};

describe('validateDealImport', () => {
  it('accepts good rows, Chinese category and subtype names included', () => {
    const { deals, errors } = validateDealImport(
      [
        good,
        {
          ...good,
          category: '产权交易',
          subtype: '租赁',
          externalRef: 'DH-2018-002',
          amount: undefined,
          amountYuan: '5469.70',
        },
      ],
      { timeZone: TZ, now: NOW },
    );
    expect(errors).toEqual([]);
    expect(deals[1]).toMatchObject({ category: 'property_rights', subtype: 'lease', amount: 546_970 });
    expect(deals[0].closedAt.toISOString()).toBe('2018-03-12T02:00:00.000Z');
  });

  it.each<[string, Record<string, unknown>, string, string | null]>([
    ['missing category', { category: undefined }, 'REQUIRED', 'category'],
    ['unknown category', { category: 'mining' }, 'UNKNOWN_CATEGORY', 'category'],
    ['subtype of another category', { subtype: 'lease' }, 'UNKNOWN_SUBTYPE', 'subtype'],
    ['empty title', { title: '  ' }, 'REQUIRED', 'title'],
    ['title not text', { title: { x: 1 } }, 'REQUIRED', 'title'],
    ['long title', { title: '长'.repeat(501) }, 'TOO_LONG', 'title'],
    ['long winner', { winnerName: 'x'.repeat(201) }, 'TOO_LONG', 'winnerName'],
    ['long ref', { externalRef: 'x'.repeat(101) }, 'TOO_LONG', 'externalRef'],
    ['missing ref', { externalRef: undefined }, 'REQUIRED', 'externalRef'],
    ['zero amount', { amount: 0 }, 'INVALID_AMOUNT', 'amount'],
    ['fractional fen', { amount: 1.5 }, 'INVALID_AMOUNT', 'amount'],
    ['unsafe amount', { amount: 2 ** 53 }, 'INVALID_AMOUNT', 'amount'],
    ['negative amount', { amount: -100 }, 'INVALID_AMOUNT', 'amount'],
    ['both amounts', { amountYuan: '1.00' }, 'AMBIGUOUS_AMOUNT', 'amount'],
    ['three decimals of yuan', { amount: undefined, amountYuan: '1.005' }, 'INVALID_AMOUNT', 'amountYuan'],
    ['no amount', { amount: undefined }, 'REQUIRED', 'amount'],
    ['bad date', { closedAt: '2018-02-30' }, 'INVALID_DATE', 'closedAt'],
    ['not a date', { closedAt: 'yesterday' }, 'INVALID_DATE', 'closedAt'],
    ['too old', { closedAt: '1989-12-31' }, 'INVALID_DATE', 'closedAt'],
    ['future', { closedAt: '2026-01-02' }, 'DATE_IN_FUTURE', 'closedAt'],
    ['unknown field', { reservePrice: 1 }, 'UNKNOWN_FIELD', 'reservePrice'],
  ])('%s → %s on %s', (_name, change, code, field) => {
    const { deals, errors } = validateDealImport([good, { ...good, externalRef: 'B', ...change }], {
      timeZone: TZ,
      now: NOW,
    });
    expect(deals).toEqual([]);
    expect(errors).toEqual([expect.objectContaining({ row: 2, field, code })]);
  });

  it('reports every problem of every row, with spreadsheet row numbers when asked', () => {
    const { errors } = validateDealImport(
      [good, 'not a row', { ...good, category: 'x', amount: 0, externalRef: 'C' }, good],
      {
        timeZone: TZ,
        now: NOW,
        firstRowNumber: 2,
      },
    );
    expect(errors.map((e) => [e.row, e.field, e.code])).toEqual([
      [3, null, 'NOT_AN_OBJECT'],
      [4, 'category', 'UNKNOWN_CATEGORY'],
      [4, 'amount', 'INVALID_AMOUNT'],
      [5, 'externalRef', 'DUPLICATE_REF'],
    ]);
  });
});

describe('names that every object inherits are not categories, subtypes or headers', () => {
  it.each<[string, Record<string, unknown>, [string, string][]]>([
    ['category toString', { category: 'toString' }, [['category', 'UNKNOWN_CATEGORY']]],
    ['category __proto__', { category: '__proto__' }, [['category', 'UNKNOWN_CATEGORY']]],
    ['category constructor', { category: 'constructor' }, [['category', 'UNKNOWN_CATEGORY']]],
    ['subtype constructor', { subtype: 'constructor' }, [['subtype', 'UNKNOWN_SUBTYPE']]],
    ['subtype __proto__', { subtype: '__proto__' }, [['subtype', 'UNKNOWN_SUBTYPE']]],
    ['subtype hasOwnProperty', { subtype: 'hasOwnProperty' }, [['subtype', 'UNKNOWN_SUBTYPE']]],
    ['subtype toString', { subtype: 'toString' }, [['subtype', 'UNKNOWN_SUBTYPE']]],
    ['subtype of another category', { subtype: 'lease' }, [['subtype', 'UNKNOWN_SUBTYPE']]],
  ])('%s is refused as a row error', (_name, overrides, expected) => {
    const { deals, errors } = validateDealImport([{ ...good, ...overrides }], { timeZone: TZ, now: NOW });
    expect(deals).toEqual([]);
    expect(errors.map((error) => [error.field, error.code])).toEqual(expected);
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'header %s names no field',
    (header) => {
      expect(importFieldForHeader(header)).toBeUndefined();
    },
  );
});

describe('the largest deal (MAX_DEAL_AMOUNT_FEN = 10^13 fen, 1000亿元)', () => {
  it.each<[string, Record<string, unknown>, [string, string][]]>([
    ['exactly the cap in fen', { amount: 10_000_000_000_000 }, []],
    ['one fen over in fen', { amount: 10_000_000_000_001 }, [['amount', 'AMOUNT_TOO_LARGE']]],
    ['2^53 − 1 fen', { amount: Number.MAX_SAFE_INTEGER }, [['amount', 'AMOUNT_TOO_LARGE']]],
    ['exactly the cap in 元', { amount: undefined, amountYuan: '100000000000.00' }, []],
    [
      'one fen over in 元',
      { amount: undefined, amountYuan: '100000000000.01' },
      [['amountYuan', 'AMOUNT_TOO_LARGE']],
    ],
  ])('%s', (_name, overrides, expected) => {
    const { errors } = validateDealImport([{ ...good, ...overrides }], { timeZone: TZ, now: NOW });
    expect(errors.map((error) => [error.field, error.code])).toEqual(expected);
  });
});

describe('parseDealTime', () => {
  it.each<[string, string | undefined]>([
    ['2018-03-12T02:00:00Z', '2018-03-12T02:00:00.000Z'],
    ['2018-03-12T10:00:00+08:00', '2018-03-12T02:00:00.000Z'],
    ['2018-03-12 10:00', '2018-03-12T02:00:00.000Z'],
    ['2018/3/12 10:00:30', '2018-03-12T02:00:30.000Z'],
    ['2018-06-01', '2018-05-31T16:00:00.000Z'],
    ['2018-05-31 23:59:59', '2018-05-31T15:59:59.000Z'],
    ['2018-02-30', undefined],
    ['2018-03-12 24:00', undefined],
    ['2018-13-12T02:00:00Z', undefined],
    ['12/03/2018', undefined],
  ])('%s → %s', (value, expected) => {
    expect(parseDealTime(value, TZ)?.toISOString()).toBe(expected);
  });
});

describe('yuanToFen and headers', () => {
  it.each<[string, number | undefined]>([
    ['4649400.00', 464_940_000],
    ['1,146.8', 114_680],
    ['0.01', 1],
    ['0', undefined],
    ['1e5', undefined],
    ['-5', undefined],
    ['90071992547409.92', undefined],
  ])('%s 元 → %s fen', (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it.each<[string, string | undefined]>([
    ['类别', 'category'],
    ['成交金额（元）', 'amountYuan'],
    ['成交金额(分)', 'amount'],
    ['ClosedAt', 'closedAt'],
    [' externalRef ', 'externalRef'],
    ['备注', undefined],
  ])('header %s → %s', (header, field) => {
    expect(importFieldForHeader(header)).toBe(field);
  });
});
