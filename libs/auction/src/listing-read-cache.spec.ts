import { ListingReadCache, SHARED_LISTING_KEY } from './listing-read-cache.js';

/** A cache on a clock the test moves, and a loader that counts its reads. */
function setup(ttlMs = 1000, watched = true) {
  let now = 0;
  const cache = new ListingReadCache(
    ttlMs,
    () => watched,
    32,
    () => now,
  );
  const reads: string[] = [];
  const loader =
    <T>(value: T, what = 'read') =>
    async () => {
      reads.push(what);
      return value;
    };
  return { cache, reads, loader, tick: (ms: number) => (now += ms) };
}

describe("a user's own part of a listing (readOwn)", () => {
  it('keeps a bidder code while the listing is watched, whatever events reach the room', async () => {
    const { cache, reads, loader, tick } = setup();
    expect(await cache.readOwn('L', 'u1', loader('123456'))).toBe('123456');
    cache.changed('L');
    tick(60_000);
    expect(await cache.readOwn('L', 'u1', loader('other'))).toBe('123456');
    expect(reads).toHaveLength(1);
    // Kept per user: another user's read is its own.
    expect(await cache.readOwn('L', 'u2', loader('654321'))).toBe('654321');
    expect(reads).toHaveLength(2);
    // Forgotten with the room.
    cache.forget('L');
    expect(await cache.readOwn('L', 'u1', loader('123456'))).toBe('123456');
    expect(reads).toHaveLength(3);
  });

  it('keeps "no code yet" only for a cache lifetime (staff may qualify the bidder)', async () => {
    const { cache, reads, loader, tick } = setup(1000);
    expect(await cache.readOwn('L', 'u1', loader<string | null>(null))).toBeNull();
    tick(999);
    expect(await cache.readOwn('L', 'u1', loader<string | null>('111111'))).toBeNull();
    tick(1);
    expect(await cache.readOwn('L', 'u1', loader<string | null>('111111'))).toBe('111111');
    expect(reads).toHaveLength(2);
  });

  it('shares one read among concurrent callers, and keeps neither a failure nor an unwatched listing', async () => {
    const { cache, reads, loader } = setup();
    const answers = await Promise.all([0, 1, 2].map(() => cache.readOwn('L', 'u1', loader('123456'))));
    expect(answers).toEqual(['123456', '123456', '123456']);
    expect(reads).toHaveLength(1);
    await expect(cache.readOwn('M', 'u1', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.readOwn('M', 'u1', loader('222222'))).toBe('222222');
    const unwatched = setup(1000, false);
    await unwatched.cache.readOwn('L', 'u1', unwatched.loader('123456'));
    await unwatched.cache.readOwn('L', 'u1', unwatched.loader('123456'));
    expect(unwatched.reads).toHaveLength(2);
  });

  it('reads every time when the cache is off', async () => {
    const { cache, reads, loader } = setup(0);
    await cache.readOwn('L', 'u1', loader('123456'));
    await cache.readOwn('L', 'u1', loader('123456'));
    expect(reads).toHaveLength(2);
  });
});

describe('the key cap of a listing', () => {
  it("never drops the crowd's shared snapshot to make room for pages (a resync's chosen afterSeq values)", async () => {
    const { cache, reads, loader, tick } = setup();
    await cache.read('L', SHARED_LISTING_KEY, loader({ lastSeq: 7 }, 'listing'));
    // A flooder's 32 pages, each a key of its own, within the 1 s lifetime.
    for (let afterSeq = 0; afterSeq < 32; afterSeq += 1) {
      await cache.read('L', `bids>${afterSeq}`, loader({ bids: [] }, `page ${afterSeq}`));
      tick(1);
    }
    // A watcher's join: still the one read.
    expect(await cache.read('L', SHARED_LISTING_KEY, loader({ lastSeq: 8 }, 'listing'))).toEqual({
      lastSeq: 7,
    });
    expect(reads.filter((what) => what === 'listing')).toHaveLength(1);
    // The cap still holds: the oldest page went, the newest stayed.
    await cache.read('L', 'bids>0', loader({ bids: [] }, 'page 0'));
    await cache.read('L', 'bids>31', loader({ bids: [] }, 'page 31'));
    expect(reads.filter((what) => what === 'page 0')).toHaveLength(2);
    expect(reads.filter((what) => what === 'page 31')).toHaveLength(1);
  });
});
