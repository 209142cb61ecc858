import { MAX_FEN, fenToWanYuan, isFen, multiplyFen } from './money.js';

describe('MAX_FEN', () => {
  it('is the largest safe integer, 2^53 − 1', () => {
    expect(MAX_FEN).toBe(2 ** 53 - 1);
  });
});

describe('isFen', () => {
  it.each<[string, unknown, boolean]>([
    ['1 fen', 1, true],
    ['a typical rent', 738_600, true],
    ['2^53 − 1', Number.MAX_SAFE_INTEGER, true],
    ['zero', 0, false],
    ['negative zero', -0, false],
    ['negative', -1, false],
    ['fractional', 1.5, false],
    ['tiny fraction', 0.01, false],
    ['2^53 (not safe)', 2 ** 53, false],
    ['2^53 + 2 (not safe)', Number.MAX_SAFE_INTEGER + 3, false],
    ['NaN', Number.NaN, false],
    ['Infinity', Number.POSITIVE_INFINITY, false],
    ['numeric string', '100', false],
    ['bigint', 100n, false],
    ['boxed number', new Number(100), false],
    ['null', null, false],
    ['undefined', undefined, false],
    ['object', { fen: 100 }, false],
  ])('%s → %s', (_name, value, expected) => {
    expect(isFen(value)).toBe(expected);
  });
});

describe('multiplyFen', () => {
  it.each<[string, number, number, number | undefined]>([
    ['rent × 12 months', 100_000, 12, 1_200_000],
    ['rent × 36 months', 738_600, 36, 26_589_600],
    ['1 fen × 240 months', 1, 240, 240],
    ['count of one is the identity', 123_456_789, 1, 123_456_789],
    ['count of zero', 500, 0, 0],
    ['2^53 − 1 × 1 still fits', Number.MAX_SAFE_INTEGER, 1, Number.MAX_SAFE_INTEGER],
    // 2^53 − 1 = 240 × 37,529,996,894,754 + 31
    ['largest rent for 240 months fits', 37_529_996_894_754, 240, Number.MAX_SAFE_INTEGER - 31],
    ['one fen more for 240 months overflows', 37_529_996_894_755, 240, undefined],
    ['2^53 − 1 × 2 overflows', Number.MAX_SAFE_INTEGER, 2, undefined],
    // (2^52) × 2 = 2^53, one past the limit
    ['2^52 × 2 = 2^53 overflows', 2 ** 52, 2, undefined],
    ['(2^52 − 1) × 2 = 2^53 − 2 fits', 2 ** 52 - 1, 2, 2 ** 53 - 2],
  ])('%s', (_name, amount, count, expected) => {
    const product = multiplyFen(amount, count);
    expect(product).toBe(expected);
    if (product !== undefined) {
      expect(Number.isSafeInteger(product)).toBe(true);
      // Exact: the number agrees with bigint arithmetic.
      expect(BigInt(product)).toBe(BigInt(amount) * BigInt(count));
    }
  });
});

describe('fenToWanYuan', () => {
  // 1 万元 = 10,000 元 = 1,000,000 fen; 0.01 万元 = 10,000 fen; half of that is 5,000 fen.
  it.each<[string, number | bigint, string]>([
    ['zero', 0, '0.00'],
    ['1 fen rounds down', 1, '0.00'],
    ['4,999 fen (just under half a hundredth) rounds down', 4_999, '0.00'],
    ['5,000 fen (exactly half) rounds up to 0.01', 5_000, '0.01'],
    ['9,999 fen rounds up to 0.01', 9_999, '0.01'],
    ['10,000 fen is exactly 0.01', 10_000, '0.01'],
    ['14,999 fen rounds down to 0.01', 14_999, '0.01'],
    ['15,000 fen rounds half up to 0.02', 15_000, '0.02'],
    ['994,999 fen rounds down to 0.99', 994_999, '0.99'],
    ['995,000 fen rounds up and carries into the whole part', 995_000, '1.00'],
    ['1,000,000 fen is one 万元', 1_000_000, '1.00'],
    ['7,386,000.00 yuan', 7_386_000_00, '738.60'],
    ['123,456,789 fen = 123.456789 万元', 123_456_789, '123.46'],
    ['2^53 − 1 as a number', Number.MAX_SAFE_INTEGER, '9007199254.74'],
    ['2^53 as a bigint', 2n ** 53n, '9007199254.74'],
    ['2^64 as a bigint', 2n ** 64n, '18446744073709.55'],
    ['10^30 fen as a bigint', 10n ** 30n, `1${'0'.repeat(24)}.00`],
    ['bigint whose rounding carries', 123_456_789_012_345_678_995_000n, '123456789012345679.00'],
    ['negative one 万元', -1_000_000, '-1.00'],
    ['negative amount that rounds to zero has no sign', -4_999, '0.00'],
    ['negative 738.60 万元', -7_386_000_00, '-738.60'],
    ['negative 123.456789 万元', -123_456_789, '-123.46'],
    ['negative 2^64 as a bigint', -(2n ** 64n), '-18446744073709.55'],
  ])('%s → %s', (_name, amount, expected) => {
    const formatted = fenToWanYuan(amount);
    expect(formatted).toBe(expected);
    expect(formatted).toMatch(/^-?\d+\.\d{2}$/);
  });

  it.each<[string, number]>([
    ['1', 1],
    ['5,000', 5_000],
    ['738,600,000', 7_386_000_00],
    ['2^53 − 1', Number.MAX_SAFE_INTEGER],
  ])('gives the same text for %s fen as a number and as a bigint', (_name, amount) => {
    expect(fenToWanYuan(amount)).toBe(fenToWanYuan(BigInt(amount)));
  });
});
