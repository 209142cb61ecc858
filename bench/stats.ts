export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

const ascending = (a: number, b: number) => a - b;

/** Nearest-rank percentile of values already sorted ascending. */
function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function percentile(values: number[], p: number): number {
  return percentileOfSorted([...values].sort(ascending), p);
}

/**
 * Sorts once and reads every figure from the sorted copy. No spread into Math.min/max: a
 * spread of 200,000 samples overflows the call stack.
 */
export function summary(values: number[]) {
  const sorted = Float64Array.from(values).sort(); // typed arrays sort numerically
  return {
    n: sorted.length,
    p50: round(percentileOfSorted(sorted, 50)),
    p99: round(percentileOfSorted(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : Number.NaN),
  };
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The median and the range of repeated runs of one figure. */
export function spread(values: number[], digits = 2): Spread {
  const sorted = [...values].sort(ascending);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return {
    median: round(median, digits),
    min: round(sorted[0], digits),
    max: round(sorted[sorted.length - 1], digits),
  };
}

type Aggregated<T> = T extends number ? Spread : T extends object ? { [K in keyof T]: Aggregated<T[K]> } : T;

/**
 * Every number of repeated runs of the same shape becomes { median, min, max }; nested
 * objects are walked; anything else (strings) is taken from the first run. A key missing
 * from some runs (an outcome that did not happen) counts as 0 there.
 */
export function aggregate<T>(runs: T[]): Aggregated<T> {
  const first = runs[0] as unknown;
  if (typeof first === 'number') return spread(runs as number[]) as Aggregated<T>;
  if (first === null || typeof first !== 'object') return first as Aggregated<T>;
  const keys = new Set(runs.flatMap((run) => Object.keys(run as object)));
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const values = runs.map((run) => (run as Record<string, unknown>)[key]);
    const sample = values.find((value) => value !== undefined);
    result[key] =
      typeof sample === 'number'
        ? spread(values.map((value) => (typeof value === 'number' ? value : 0)))
        : aggregate(values.filter((value) => value !== undefined));
  }
  return result as Aggregated<T>;
}

/** Spreads as "median (min–max)" strings, for reading on a terminal. */
export function compact(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const { median, min, max } = value as Partial<Spread>;
  if (typeof median === 'number' && typeof min === 'number' && typeof max === 'number')
    return min === max ? median : `${median} (${min}–${max})`;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, compact(inner)]));
}
