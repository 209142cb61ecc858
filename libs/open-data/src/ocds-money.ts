/**
 * OCDS writes money as `{amount, currency}` with `amount` a JSON number in 元; the platform keeps
 * integer fen. fen / 100 needs no rounding: the division is correctly rounded, and JavaScript
 * prints the shortest decimal that reads back as the same double, which for a value of at most
 * 15 significant digits is that value exactly (12345 fen → 123.45). Above that it is not
 * guaranteed — a safe integer of fen has up to 16 digits (2^53 ≈ 9.0 × 10^15), and e.g.
 * 8208195042848859 fen prints as 82081950428488.6 — so amounts of 10^15 fen (10万亿元) or more
 * are refused rather than published wrong. No deal comes near it.
 */
export const OCDS_CURRENCY = 'CNY';
/** The largest fen amount whose 元 value prints exactly (15 significant digits). */
export const MAX_EXACT_OCDS_FEN = 999_999_999_999_999;

export function fenToOcdsAmount(fen: number): number {
  if (!Number.isSafeInteger(fen) || Math.abs(fen) > MAX_EXACT_OCDS_FEN)
    throw new RangeError(`not an integer amount of fen that OCDS can carry exactly: ${fen}`);
  return fen / 100;
}
