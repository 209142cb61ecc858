/**
 * A replayable random draw: the same seed and the same candidates give the same picks, on any
 * machine, so a supervisor can re-run a recorded draw (the expert committee, an invited tender's
 * suppliers) and get the same result. The stream is SHA-256 in counter mode: block i is
 * SHA-256(seed ":" i), read as big-endian 32-bit words. Candidates are sorted canonically by the
 * caller's key first, so the order they were read from the database does not matter.
 */
import { createHash } from 'node:crypto';
import { DomainError } from './errors.js';

export const MAX_SEED_LENGTH = 128;

export function isDrawSeed(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_SEED_LENGTH;
}

export function requireDrawSeed(seed: unknown): asserts seed is string {
  if (!isDrawSeed(seed))
    throw new DomainError('VALIDATION_FAILED', 'the draw needs a seed', [
      { field: 'seed', rule: `1 to ${MAX_SEED_LENGTH} characters` },
    ]);
}

export class SeededStream {
  private block = Buffer.alloc(0);
  private offset = 0;
  private counter = 0;

  constructor(private readonly seed: string) {
    requireDrawSeed(seed);
  }

  /** The next 32-bit unsigned word of the stream. */
  nextUint32(): number {
    if (this.offset + 4 > this.block.length) {
      this.block = createHash('sha256').update(`${this.seed}:${this.counter}`).digest();
      this.counter += 1;
      this.offset = 0;
    }
    const word = this.block.readUInt32BE(this.offset);
    this.offset += 4;
    return word;
  }

  /** A uniform integer in [0, bound): words from the biased top of the range are skipped. */
  nextBelow(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32)
      throw new RangeError(`bound must be a whole number from 1 to 2^32: ${bound}`);
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const word = this.nextUint32();
      if (word < limit) return word % bound;
    }
  }
}

/** Sorts by a key with plain code-unit order (locale-independent, the same everywhere). */
export function canonicalOrder<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/**
 * Picks `count` of `ordered` without replacement (a partial Fisher–Yates shuffle driven by the
 * stream), in the order drawn. `ordered` must already be in canonical order.
 */
export function drawWithoutReplacement<T>(stream: SeededStream, ordered: readonly T[], count: number): T[] {
  if (!Number.isInteger(count) || count < 0 || count > ordered.length)
    throw new RangeError(`cannot draw ${count} of ${ordered.length}`);
  const pool = [...ordered];
  for (let index = 0; index < count; index += 1) {
    const chosen = index + stream.nextBelow(pool.length - index);
    [pool[index], pool[chosen]] = [pool[chosen], pool[index]];
  }
  return pool.slice(0, count);
}
