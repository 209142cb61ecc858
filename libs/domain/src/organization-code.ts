/**
 * 统一社会信用代码 (GB 32100-2015): how the platform names an organisation — an owner, a
 * supplier, an expert's employer — so conflicts of interest are found by code, not by name.
 */
// 18 characters from 31 (no I, O, Z, S, V); the last is a check
// character, so a mistyped code is refused instead of silently matching no employer.

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** The check character for the first 17 characters of a code. */
export function unifiedSocialCreditCheckCharacter(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17))
    throw new RangeError('17 characters of 0-9 and A-Y without I, O, S, V, Z');
  const sum = [...first17].reduce(
    (total, char, index) => total + USCC_ALPHABET.indexOf(char) * USCC_WEIGHTS[index],
    0,
  );
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

export function isUnifiedSocialCreditCode(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    USCC_SHAPE.test(value) &&
    unifiedSocialCreditCheckCharacter(value.slice(0, 17)) === value[17]
  );
}
