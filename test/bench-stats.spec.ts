import { aggregate, compact, percentile, spread, summary } from '../bench/stats.js';

describe('bench statistics', () => {
  it('summarises 200,000 samples (2,000 watchers × 100 bids) without overflowing the stack', () => {
    // 0, 1, …, 199,999 in a scrambled order, so sorting matters.
    const samples = Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 200_000);
    expect(summary(samples)).toEqual({ n: 200_000, p50: 99_999, p99: 197_999, max: 199_999 });
  });

  it.each([
    // [name, values, p, expected nearest-rank percentile]
    ['p50 of an odd count is the middle value', [5, 1, 3], 50, 3],
    ['p50 of an even count is the lower middle', [4, 1, 3, 2], 50, 2],
    ['p99 of 100 values is the 99th', Array.from({ length: 100 }, (_, i) => 100 - i), 99, 99],
    ['p100 is the maximum', [2, 9, 4], 100, 9],
    ['p0 is the minimum', [2, 9, 4], 0, 2],
  ])('%s', (_name, values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('sorts numerically, not as strings', () => {
    expect(summary([10, 9, 100, 2])).toEqual({ n: 4, p50: 9, p99: 100, max: 100 });
  });

  it('an empty sample has no figures', () => {
    expect(summary([])).toEqual({ n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN });
  });

  it.each([
    ['three runs: the middle one', [30, 10, 20], { median: 20, min: 10, max: 30 }],
    ['two runs: the mean of both', [10, 20], { median: 15, min: 10, max: 20 }],
    ['one run', [7], { median: 7, min: 7, max: 7 }],
  ])('spread of %s', (_name, values, expected) => {
    expect(spread(values)).toEqual(expected);
  });

  it('aggregates runs field by field; an outcome missing from a run counts as 0 there', () => {
    const runs = [
      { perSecond: 100, outcomes: { accepted: 5, BID_TOO_LOW: 1 }, label: 'x' },
      { perSecond: 300, outcomes: { accepted: 7 }, label: 'x' },
      { perSecond: 200, outcomes: { accepted: 6, BID_TOO_LOW: 4 }, label: 'x' },
    ];
    const aggregated = aggregate(runs);
    expect(aggregated).toEqual({
      perSecond: { median: 200, min: 100, max: 300 },
      outcomes: { accepted: { median: 6, min: 5, max: 7 }, BID_TOO_LOW: { median: 1, min: 0, max: 4 } },
      label: 'x',
    });
    expect(compact(aggregated)).toEqual({
      perSecond: '200 (100–300)',
      outcomes: { accepted: '6 (5–7)', BID_TOO_LOW: '1 (0–4)' },
      label: 'x',
    });
  });
});
