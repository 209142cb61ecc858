import { randomUUID } from 'node:crypto';
import type { AuctionsRepository } from '@ggzy/persistence';
import { FakeDatabase, FakeAuctionsRepository, strict } from '../../../test/fakes/persistence.js';
import { FakeClock } from '../../../test/fakes/services.js';
import { ListingReadCache } from './listing-read-cache.js';
import { SnapshotService } from './snapshot.service.js';

/**
 * SnapshotService over in-memory repositories and a real ListingReadCache: what a watcher's
 * join and resync read, and which clock their time-dependent parts follow.
 */
const T0 = new Date('2026-06-01T02:00:00.000Z');

function setup() {
  const db = new FakeDatabase(T0);
  const listings = new FakeAuctionsRepository(db);
  const clock = new FakeClock(T0);
  const cache = new ListingReadCache(
    1000,
    () => true,
    32,
    () => clock.now().getTime(),
  );
  const service = new SnapshotService(
    strict<AuctionsRepository>(listings, 'AuctionsRepository'),
    clock,
    cache,
  );
  return { db, listings, clock, cache, service };
}

/** A live listing with `count` accepted bids (seq 1..count). */
function withBids(s: ReturnType<typeof setup>, count: number) {
  const listing = s.listings.addListing({ lastSeq: count, bidCount: count, currentPrice: 100_000 });
  for (let seq = 1; seq <= count; seq += 1) {
    s.db.tables.bids.push({
      id: randomUUID(),
      auctionId: listing.id,
      bidderId: randomUUID(),
      clientBidId: `c-${seq}`,
      amount: 100_000 + (seq - 1) * 5_000,
      outcome: 'accepted',
      message: null,
      seq,
      bidderCode: '100000',
      endsAt: listing.endsAt,
      minNextBid: 105_000 + (seq - 1) * 5_000,
      at: T0,
    });
  }
  return listing;
}

describe('SnapshotService: a resync page', () => {
  it('answers pages before the last seq from one read per page, shared by every watcher', async () => {
    const s = setup();
    const listing = withBids(s, 5);
    const first = await s.service.bidsAfter(listing.id, 0, 3);
    expect(first).toMatchObject({ hasMore: true, nextAfterSeq: 3 });
    expect(first.bids.map((bid) => bid.seq)).toEqual([1, 2, 3]);
    expect(await s.service.bidsAfter(listing.id, 0, 3)).toEqual(first);
    expect((await s.service.bidsAfter(listing.id, 3, 3)).bids.map((bid) => bid.seq)).toEqual([4, 5]);
    expect(s.listings.readCalls.acceptedBidsAfter).toBe(2);
  });

  it('answers an afterSeq at or past the last seq empty, without a read and without a key of its own', async () => {
    const s = setup();
    const listing = withBids(s, 5);
    await s.service.snapshot(listing.id);
    // A client choosing ever new values past the end: nothing to read, nothing to keep.
    for (const afterSeq of [5, 6, 1000, 1001, 2 ** 31 - 1]) {
      expect(await s.service.bidsAfter(listing.id, afterSeq, 3)).toEqual({
        bids: [],
        hasMore: false,
        nextAfterSeq: afterSeq,
      });
    }
    expect(s.listings.readCalls.acceptedBidsAfter).toBe(0);
    // The shared snapshot is still the one read.
    await s.service.snapshot(listing.id);
    expect(s.cache.size).toBe(1);
    expect(
      (s.cache as unknown as { entries: Map<string, Map<string, unknown>> }).entries.get(listing.id)?.size,
    ).toBe(1);
  });
});

describe("SnapshotService: a snapshot's time is the database's", () => {
  it('on a process whose clock runs 2 s behind, serverTime and status follow the database, cached reads too', async () => {
    const s = setup();
    // Bidding opens 1 s from now by the database's clock; `endsAt` is that clock's too.
    const listing = s.listings.addListing({
      status: 'announced',
      biddingStartsAt: new Date(T0.getTime() + 1000),
    });
    s.clock.advance(-2000);
    const first = await s.service.snapshot(listing.id);
    expect(first.serverTime).toBe(T0.toISOString());
    expect(first.status).toBe('announced');
    // 1.5 s later on both clocks: bidding is open by the database's clock (not yet by the
    // process's), and the answer comes from the cache, with no read to measure the clock anew.
    s.clock.advance(1500);
    s.db.advance(1500);
    const cached = await s.service.snapshot(listing.id);
    expect(cached.serverTime).toBe(new Date(T0.getTime() + 1500).toISOString());
    expect(cached.status).toBe('bidding');
    expect(Date.parse(cached.endsAt) - Date.parse(cached.serverTime)).toBe(
      listing.endsAt.getTime() - T0.getTime() - 1500,
    );
  });
});
