import { createHash } from 'node:crypto';
import { DomainError } from './errors.js';
import { SeededStream, canonicalOrder, drawWithoutReplacement, isDrawSeed } from './seeded-draw.js';

describe('SeededStream', () => {
  it('reads SHA-256(seed ":" counter) as big-endian words, eight per block', () => {
    const stream = new SeededStream('seed-1');
    const block0 = createHash('sha256').update('seed-1:0').digest();
    const block1 = createHash('sha256').update('seed-1:1').digest();
    const words = Array.from({ length: 9 }, () => stream.nextUint32());
    expect(words.slice(0, 8)).toEqual(Array.from({ length: 8 }, (_, i) => block0.readUInt32BE(i * 4)));
    expect(words[8]).toBe(block1.readUInt32BE(0));
  });

  it('gives the same numbers for the same seed and different ones for another seed', () => {
    const take = (seed: string) => {
      const stream = new SeededStream(seed);
      return Array.from({ length: 20 }, () => stream.nextBelow(1000));
    };
    expect(take('a')).toEqual(take('a'));
    expect(take('a')).not.toEqual(take('b'));
  });

  it.each([1, 2, 3, 7, 1000, 2 ** 32])('nextBelow(%d) stays in range', (bound) => {
    const stream = new SeededStream('range');
    for (let i = 0; i < 200; i += 1) {
      const value = stream.nextBelow(bound);
      expect(Number.isInteger(value) && value >= 0 && value < bound).toBe(true);
    }
  });

  it('is roughly uniform over 3 values (each within 10% of a third over 30,000 draws)', () => {
    const stream = new SeededStream('uniform');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i += 1) counts[stream.nextBelow(3)] += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(1_000);
  });

  it.each([0, -1, 1.5, 2 ** 32 + 1])('refuses a bound of %d', (bound) => {
    expect(() => new SeededStream('x').nextBelow(bound)).toThrow(RangeError);
  });

  it.each<[string, unknown]>([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'x'.repeat(129)],
    ['not a string', 42],
  ])('refuses a seed that is %s with VALIDATION_FAILED', (_name, seed) => {
    expect(isDrawSeed(seed)).toBe(false);
    expect(() => new SeededStream(seed as string)).toThrow(DomainError);
  });
});

describe('drawWithoutReplacement and canonicalOrder', () => {
  const ids = ['e5', 'e1', 'e3', 'e2', 'e4', 'e7', 'e6'];

  it('draws distinct items from the list, the same for the same seed', () => {
    const ordered = canonicalOrder(ids, (id) => id);
    const first = drawWithoutReplacement(new SeededStream('s'), ordered, 4);
    expect(new Set(first).size).toBe(4);
    first.forEach((id) => expect(ids).toContain(id));
    expect(drawWithoutReplacement(new SeededStream('s'), ordered, 4)).toEqual(first);
  });

  it('does not depend on the order the candidates came in once sorted', () => {
    const shuffled = ['e7', 'e2', 'e6', 'e1', 'e4', 'e3', 'e5'];
    const draw = (list: string[]) =>
      drawWithoutReplacement(
        new SeededStream('order'),
        canonicalOrder(list, (id) => id),
        3,
      );
    expect(draw(shuffled)).toEqual(draw(ids));
  });

  it('draws everyone when asked for all, and nobody for 0', () => {
    const ordered = canonicalOrder(ids, (id) => id);
    expect([...drawWithoutReplacement(new SeededStream('all'), ordered, 7)].sort()).toEqual([...ordered]);
    expect(drawWithoutReplacement(new SeededStream('none'), ordered, 0)).toEqual([]);
  });

  it('refuses to draw more than there are', () => {
    expect(() => drawWithoutReplacement(new SeededStream('x'), ['a'], 2)).toThrow(RangeError);
  });

  it('orders by code units, not by locale', () => {
    expect(canonicalOrder(['b', 'B', 'a', '专家'], (id) => id)).toEqual(['B', 'a', 'b', '专家']);
  });
});
