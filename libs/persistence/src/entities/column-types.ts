import type { ValueTransformer } from 'typeorm';

/** bigint fen columns: pg hands them over as strings; the API only ever holds safe integers. */
export const fenColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : toSafeInteger(value)),
};

/** numeric columns that are not money (areas). */
export const decimalColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

export function toSafeInteger(value: string | number | bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`value ${value} is not a safe integer`);
  return number;
}
