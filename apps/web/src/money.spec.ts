import { formatYuan, parseYuan, toChineseCapital } from './money';

describe('toChineseCapital (大写)', () => {
  test.each([
    [0, '零元整'],
    [1, '壹分'],
    [10, '壹角'],
    [100, '壹元整'],
    [105, '壹元零伍分'],
    [150, '壹元伍角'],
    [100500, '壹仟零伍元整'],
    [101000, '壹仟零壹拾元整'],
    [123456789, '壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分'],
    [10000000000, '壹亿元整'],
    [10000100000, '壹亿零壹仟元整'],
    [10010000000, '壹亿零壹拾万元整'],
    [1000000, '壹万元整'],
    [1000500, '壹万零伍元整'],
    [1200000000, '壹仟贰佰万元整'],
    [2000000000000, '贰佰亿元整'],
    [850000, '捌仟伍佰元整'],
  ])('%i fen → %s', (fen, expected) => {
    expect(toChineseCapital(fen)).toBe(expected);
  });

  test.each([[-1], [1.5], [Number.MAX_SAFE_INTEGER + 2]])('refuses %p', (fen) => {
    expect(() => toChineseCapital(fen)).toThrow(RangeError);
  });
});

describe('formatYuan', () => {
  test.each([
    [0, '0.00'],
    [5, '0.05'],
    [123456789, '1,234,567.89'],
    [100000000, '1,000,000.00'],
    [-12345, '-123.45'],
  ])('%i fen → %s', (fen, expected) => {
    expect(formatYuan(fen)).toBe(expected);
  });
});

describe('parseYuan', () => {
  test.each([
    ['8500', 850000],
    ['8,500.5', 850050],
    ['0.01', 1],
    ['12，345.67', 1234567],
    ['abc', null],
    ['1.234', null],
    ['', null],
    ['-5', null],
  ])('%p → %p', (text, expected) => {
    expect(parseYuan(text)).toBe(expected);
  });
});
