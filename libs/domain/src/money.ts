/** Money is an integer number of fen (分). These helpers never touch floats. */
export type Fen = number;

export const MAX_FEN = Number.MAX_SAFE_INTEGER;

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Multiplies fen by a whole count; undefined when the product would not be a safe integer. */
export function multiplyFen(amount: Fen, count: number): Fen | undefined {
  const product = BigInt(amount) * BigInt(count);
  return product <= BigInt(MAX_FEN) ? Number(product) : undefined;
}

/** Formats fen as 万元 with two decimals, exactly (rounded half up), as the centre writes them. */
export function fenToWanYuan(amount: Fen | bigint): string {
  const fen = BigInt(amount);
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  // 1 万元 = 1,000,000 fen; keep two decimals → units of 10,000 fen, rounded half up.
  const hundredths = (abs + 5_000n) / 10_000n;
  const whole = hundredths / 100n;
  const cents = (hundredths % 100n).toString().padStart(2, '0');
  return `${negative && hundredths > 0n ? '-' : ''}${whole}.${cents}`;
}

/** Formats fen as 元 with two decimals, exactly: 464940000 → "4649400.00". */
export function fenToYuan(amount: Fen | bigint): string {
  const fen = BigInt(amount);
  const abs = fen < 0n ? -fen : fen;
  return `${fen < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
