/**
 * Money as the platform sends it: integer fen (分). Pure functions, no DOM, so the unit
 * tests run them directly.
 */

/** 1234567 fen → "12,345.67" (元, thousands separated). */
export function formatYuan(fen: number): string {
  const negative = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}

/** Parses what a person types in 元 ("12,345.6") into fen; null when it is not an amount. */
export function parseYuan(text: string): number | null {
  const cleaned = text.replace(/[,，\s]/g, '');
  const match = /^(\d{1,14})(?:\.(\d{0,2}))?$/.exec(cleaned);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

const DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const GROUP_UNITS = ['', '万', '亿', '万亿'];

/** One group of up to four digits, e.g. 1005 → 壹仟零伍 (zeros inside collapse to one 零). */
function group(value: number): string {
  let out = '';
  let pendingZero = false;
  for (let position = 3; position >= 0; position--) {
    const digit = Math.floor(value / 10 ** position) % 10;
    if (digit === 0) {
      if (out) pendingZero = true;
      continue;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    out += DIGITS[digit] + SMALL_UNITS[position];
  }
  return out;
}

/**
 * The amount in Chinese capital numerals (大写), as written on a confirmation:
 * 123456789 fen → 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分; 100000 fen → 壹仟元整.
 */
export function toChineseCapital(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError('fen must be a non-negative safe integer');
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const fenDigit = fen % 10;
  let integer = '';
  if (yuan > 0) {
    const groups: number[] = [];
    for (let rest = yuan; rest > 0; rest = Math.floor(rest / 10_000)) groups.push(rest % 10_000);
    let needZero = false;
    for (let index = groups.length - 1; index >= 0; index--) {
      const value = groups[index];
      if (value === 0) {
        needZero = integer !== '';
        continue;
      }
      // A gap (a zero group, or a group below 1000 after a higher one) is read as one 零.
      if (integer && (needZero || value < 1000)) integer += '零';
      needZero = false;
      integer += group(value) + GROUP_UNITS[index];
    }
    integer += '元';
  }
  if (jiao === 0 && fenDigit === 0) return (integer || '零元') + '整';
  let decimals = '';
  if (jiao > 0) decimals += DIGITS[jiao] + '角';
  else if (integer) decimals += '零';
  if (fenDigit > 0) decimals += DIGITS[fenDigit] + '分';
  return integer + decimals;
}
