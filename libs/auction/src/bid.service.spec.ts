import { randomUUID } from 'node:crypto';
import { type AppConfig, loadEnvConfig } from '@ggzy/common';
import { DomainError, type ErrorCode } from '@ggzy/domain';
import type { LeaseListing, AuctionsRepository } from '@ggzy/persistence';
import { FakeDatabase, FakeAuctionsRepository, strict } from '../../../test/fakes/persistence.js';
import { FakeClock, FakeLiveEvents, user } from '../../../test/fakes/services.js';
import { BidService } from './bid.service.js';
import type { BidView } from './live-events.js';

/**
 * BidService wired to the auction rules over in-memory repositories: which path each batch
 * takes (lock-free or locked), what it writes, what it publishes, how it answers a retry, and
 * how bids arriving together are decided and written together (group commit). The SQL behind
 * the fake's conditional batch write is proved in test/repositories/.
 */
const T0 = new Date('2026-06-01T02:00:00.000Z');
const MINUTE = 60_000;

function setup(options: { rateLimit?: number } = {}) {
  const db = new FakeDatabase(T0);
  const listings = new FakeAuctionsRepository(db);
  const clock = new FakeClock(T0);
  const events = new FakeLiveEvents();
  const config = {
    ...loadEnvConfig({ NODE_ENV: 'test' }),
    BID_RATE_LIMIT_PER_SECOND: options.rateLimit ?? 1000,
  } as AppConfig;
  const service = new BidService(
    db.asDataSource(),
    strict<AuctionsRepository>(listings, 'AuctionsRepository'),
    clock,
    events,
    config,
  );
  const bidder = user(randomUUID(), 'bidder');
  return { db, listings, clock, events, service, bidder };
}

type Setup = ReturnType<typeof setup>;

/** Another bidder, qualified on the listing under `bidderCode`. */
function qualifiedBidder(s: Setup, listingId: string, bidderCode: string) {
  const bidder = user(randomUUID(), 'bidder');
  s.listings.addRegistration(listingId, bidder.id, 'qualified', bidderCode);
  return bidder;
}

/** Whether a promise has settled yet; its rejection counts as handled. */
function track(promise: Promise<unknown>) {
  const state = { settled: false };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

/** Lets every callback pending now run (the fake's writes and the queue's hand-offs). */
const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * A bid's answer as a value: its view, or what it was rejected with. Bids of one batch are
 * answered together, so each is handled at once, before the test awaits any of them.
 */
function answer(promise: Promise<BidView>): Promise<BidView | Error> {
  return promise.catch((error: unknown) => error as Error);
}

/** A rejection's code (DomainError), else the answer itself. */
function codeOf(result: BidView | Error): BidView | Error | ErrorCode {
  return result instanceof DomainError ? result.code : result;
}

/**
 * Places a bid and holds its batch's write: bids placed meanwhile wait behind it and form the
 * next batch. The first write must be the one held (no hook may be queued before it).
 */
async function holdingFirstWrite(s: Setup, place: () => Promise<BidView>) {
  const held = s.listings.holdNextWrite();
  const first = answer(place());
  await Promise.race([held.reached, first]);
  // Held, not answered: a bid answered without a write would fail here, not hang.
  expect(s.listings.writeCalls).toEqual({ unlocked: 1, locked: 0 });
  return { first, release: held.release };
}

/** A live listing with `bidder` qualified on it. */
function live(s: Setup, overrides: Partial<LeaseListing> = {}) {
  const listing = s.listings.addListing(overrides);
  const registration = s.listings.addRegistration(listing.id, s.bidder.id, 'qualified', '123456');
  return { listing, registration };
}

async function rejection(promise: Promise<unknown>): Promise<ErrorCode> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection, the bid was accepted');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

describe('BidService: an accepted bid', () => {
  it('is written lock-free with its audit entry, answered with the database’s time, and published once', async () => {
    const s = setup();
    const { listing } = live(s);
    s.db.advance(1234); // the database's clock, not the process's, stamps the bid
    const view = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 100_000,
      clientBidId: 'a1',
    });
    expect(view).toEqual({
      listingId: listing.id,
      seq: 1,
      amount: 100_000,
      bidderCode: '123456',
      at: new Date(T0.getTime() + 1234).toISOString(),
      endsAt: listing.endsAt.toISOString(),
      minNextBid: 105_000,
    });
    expect(s.listings.listing(listing.id)).toMatchObject({
      currentPrice: 100_000,
      leaderId: s.bidder.id,
      bidCount: 1,
      lastSeq: 1,
      status: 'bidding',
    });
    expect(s.listings.bidsOf(listing.id)).toEqual([
      expect.objectContaining({ outcome: 'accepted', seq: 1, clientBidId: 'a1', bidderCode: '123456' }),
    ]);
    expect(s.db.tables.audit).toEqual([
      expect.objectContaining({
        action: 'bid.accepted',
        actorId: s.bidder.id,
        entityId: listing.id,
        data: { seq: 1, amount: 100_000, bidderCode: '123456', clientBidId: 'a1', endsAt: view.endsAt },
      }),
    ]);
    expect(s.events.published).toEqual([{ event: 'bid.accepted', payload: view }]);
    expect(s.listings.writeCalls).toEqual({ unlocked: 1, locked: 0 });
    expect(s.db.transactions).toBe(0);
  });

  it('in the countdown restarts the end from the database’s clock, not the process’s', async () => {
    const s = setup();
    const { listing } = live(s, {
      freeBiddingEndsAt: new Date(T0.getTime() - MINUTE),
      endsAt: new Date(T0.getTime() + 60_000),
    });
    s.clock.advance(-20_000); // the process runs 20 s behind
    const view = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 100_000,
      clientBidId: 'c1',
    });
    expect(view.endsAt).toBe(new Date(T0.getTime() + 300_000).toISOString());
    expect(s.listings.listing(listing.id).endsAt).toEqual(new Date(T0.getTime() + 300_000));
  });

  it('on an announced listing whose start has come opens it, and the audit entry says so', async () => {
    const s = setup();
    const { listing } = live(s, { status: 'announced' });
    const view = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 100_000,
      clientBidId: 'o1',
    });
    expect(s.listings.listing(listing.id).status).toBe('bidding');
    expect(s.db.tables.audit[0].data).toMatchObject({ opened: true });
    // Watchers hear it opened, as from the worker's open, then the bid; a retry publishes nothing.
    expect(s.events.published).toEqual([
      {
        event: 'auction.status',
        payload: {
          listingId: listing.id,
          status: 'bidding',
          endsAt: s.listings.listing(listing.id).endsAt.toISOString(),
        },
      },
      { event: 'bid.accepted', payload: view },
    ]);
    await s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'o1' });
    const rival = qualifiedBidder(s, listing.id, '654321');
    const second = await s.service.placeBid(rival, {
      listingId: listing.id,
      amount: 105_000,
      clientBidId: 'o2',
    });
    expect(s.events.published.slice(2)).toEqual([{ event: 'bid.accepted', payload: second }]);
  });

  it('when the listing moved between its read and its write, reads again and decides on the new state', async () => {
    const s = setup();
    const { listing } = live(s);
    const rival = randomUUID();
    s.listings.beforeWrite.push(() => s.listings.rivalBid(listing.id, rival, 100_000));
    const view = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 110_000,
      clientBidId: 'r1',
    });
    expect(view).toMatchObject({ seq: 2, amount: 110_000, minNextBid: 115_000 });
    expect(s.listings.writeCalls).toEqual({ unlocked: 2, locked: 0 });
    expect(s.listings.readCalls).toMatchObject({ peekForBids: 2, lockForBids: 0 });
    expect(s.listings.listing(listing.id)).toMatchObject({ lastSeq: 2, bidCount: 2, leaderId: s.bidder.id });
  });

  it('when the rival’s bid made it too low, is refused and recorded as BID_TOO_LOW on the retry', async () => {
    const s = setup();
    const { listing } = live(s);
    s.listings.beforeWrite.push(() => s.listings.rivalBid(listing.id, randomUUID(), 100_000));
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'r2' }),
      ),
    ).toBe('BID_TOO_LOW');
    // The accept lost to the rival; the refusal, decided on the new state, was written.
    expect(s.listings.writeCalls).toEqual({ unlocked: 2, locked: 0 });
    expect(s.listings.bidsOf(listing.id).map((bid) => bid.outcome)).toEqual(['accepted', 'BID_TOO_LOW']);
    expect(s.events.published).toEqual([]);
  });

  it('under contention that never lets up falls back to the lock after 50 tries, and is accepted there', async () => {
    const s = setup();
    const { listing } = live(s);
    for (let i = 0; i < 50; i += 1)
      s.listings.beforeWrite.push(() => s.listings.rivalBid(listing.id, randomUUID(), 100_000 + i * 5_000));
    const view = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 10_000_000,
      clientBidId: 'k1',
    });
    expect(s.listings.writeCalls).toEqual({ unlocked: 50, locked: 1 });
    expect(s.listings.readCalls).toMatchObject({ peekForBids: 50, lockForBids: 1 });
    expect(s.db.transactions).toBe(1);
    expect(view.seq).toBe(51);
  });

  it('under the lock only the database’s clock can refuse it: recorded as AUCTION_CLOSED', async () => {
    const s = setup();
    const { listing } = live(s);
    for (let i = 0; i < 50; i += 1)
      s.listings.beforeWrite.push(() => s.listings.rivalBid(listing.id, randomUUID(), 100_000 + i * 5_000));
    s.listings.beforeWrite.push(() => {
      s.db.now = new Date(listing.endsAt.getTime() + 1);
    });
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 10_000_000, clientBidId: 'k2' }),
      ),
    ).toBe('AUCTION_CLOSED');
    // The accept the clock refused, then the refusal decided on the re-read: both under the lock.
    expect(s.listings.writeCalls).toEqual({ unlocked: 50, locked: 2 });
    expect(s.db.transactions).toBe(1);
    const mine = s.listings.bidsOf(listing.id).filter((bid) => bid.bidderId === s.bidder.id);
    expect(mine).toEqual([expect.objectContaining({ outcome: 'AUCTION_CLOSED', clientBidId: 'k2' })]);
    expect(s.events.published).toEqual([]);
  });

  it('under the lock, a copy of the key another process recorded first is replayed: the transaction runs again', async () => {
    const s = setup();
    const { listing } = live(s);
    for (let i = 0; i < 50; i += 1)
      s.listings.beforeWrite.push(() => s.listings.rivalBid(listing.id, randomUUID(), 100_000 + i * 5_000));
    // Another process's refusal of the same key, which does not wait for the row lock, lands first.
    s.listings.beforeWrite.push(() => {
      s.db.tables.bids.push({
        id: randomUUID(),
        auctionId: listing.id,
        bidderId: s.bidder.id,
        clientBidId: 'race',
        amount: 1,
        outcome: 'BID_TOO_LOW',
        message: 'the minimum bid is 350000 fen',
        seq: null,
        bidderCode: null,
        endsAt: null,
        minNextBid: null,
        at: T0,
      });
    });
    await expect(
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 1, clientBidId: 'race' }),
    ).rejects.toMatchObject({ code: 'BID_TOO_LOW', message: 'the minimum bid is 350000 fen' });
    expect(s.db.transactions).toBe(2);
    expect(s.listings.bidsOf(listing.id).filter((bid) => bid.clientBidId === 'race')).toHaveLength(1);
    expect(s.events.published).toEqual([]);
  });
});

/**
 * Each rejection code: the listing as the rule finds it, and whether it is kept. Every one is
 * decided and written lock-free: the write of a refusal-only batch checks the auction is as read.
 */
const rejections: {
  code: ErrorCode;
  why: string;
  arrange: (s: Setup) => { listingId: string; amount?: number };
  kept: boolean;
}[] = [
  {
    code: 'NOT_QUALIFIED',
    why: 'a bidder whose registration is pending',
    arrange: (s) => {
      const listing = s.listings.addListing();
      s.listings.addRegistration(listing.id, s.bidder.id, 'pending');
      return { listingId: listing.id };
    },
    kept: true,
  },
  {
    code: 'NOT_QUALIFIED',
    why: 'a bidder with no registration at all (nothing kept: anyone may send these)',
    arrange: (s) => ({ listingId: s.listings.addListing().id }),
    kept: false,
  },
  {
    code: 'BID_TOO_LOW',
    why: 'below the start price',
    arrange: (s) => ({ listingId: live(s).listing.id, amount: 99_999 }),
    kept: true,
  },
  {
    code: 'BID_TOO_LOW',
    why: 'less than the current price plus the increment',
    arrange: (s) => ({
      listingId: live(s, { currentPrice: 200_000, leaderId: randomUUID(), lastSeq: 3, bidCount: 3 }).listing
        .id,
      amount: 204_999,
    }),
    kept: true,
  },
  {
    code: 'SELF_OUTBID',
    why: 'the leader bidding again',
    arrange: (s) => ({
      listingId: live(s, { currentPrice: 200_000, leaderId: s.bidder.id, lastSeq: 1, bidCount: 1 }).listing
        .id,
      amount: 300_000,
    }),
    kept: true,
  },
  {
    code: 'AUCTION_NOT_OPEN',
    why: 'before biddingStartsAt by the database’s clock',
    arrange: (s) => ({
      listingId: live(s, { status: 'announced', biddingStartsAt: new Date(T0.getTime() + 1) }).listing.id,
    }),
    kept: true,
  },
  {
    code: 'AUCTION_NOT_OPEN',
    why: 'a suspended listing',
    arrange: (s) => ({ listingId: live(s, { status: 'suspended', suspendedAt: T0 }).listing.id }),
    kept: true,
  },
  {
    code: 'AUCTION_NOT_OPEN',
    why: 'the database says open but the process’s clock is still before the start',
    arrange: (s) => {
      const { listing } = live(s, { biddingStartsAt: new Date(T0.getTime() - 1000) });
      s.clock.advance(-2000);
      return { listingId: listing.id };
    },
    kept: true,
  },
  {
    code: 'AUCTION_CLOSED',
    why: 'the database’s clock at endsAt, no job has closed it yet',
    arrange: (s) => ({ listingId: live(s, { endsAt: T0 }).listing.id }),
    kept: true,
  },
  {
    code: 'AUCTION_CLOSED',
    why: 'the database says open but the process’s clock is past the end',
    arrange: (s) => {
      const { listing } = live(s, { endsAt: new Date(T0.getTime() + 1000) });
      s.clock.advance(1000);
      return { listingId: listing.id };
    },
    kept: true,
  },
  {
    code: 'AUCTION_CLOSED',
    why: 'a sold listing',
    arrange: (s) => ({ listingId: live(s, { status: 'sold' }).listing.id }),
    kept: true,
  },
  {
    code: 'VALIDATION_FAILED',
    why: 'more than the term’s deal value can hold (nothing kept)',
    arrange: (s) => ({
      listingId: live(s, { leaseTermMonths: 240 }).listing.id,
      amount: Number.MAX_SAFE_INTEGER,
    }),
    kept: false,
  },
  {
    code: 'LISTING_NOT_FOUND',
    why: 'a draft (the same answer as no listing)',
    arrange: (s) => ({ listingId: live(s, { status: 'draft' }).listing.id }),
    kept: false,
  },
  {
    code: 'LISTING_NOT_FOUND',
    why: 'an id no listing has',
    arrange: () => ({ listingId: randomUUID() }),
    kept: false,
  },
];

describe('BidService: a line’s own endpoint', () => {
  it('finds only its own line’s auctions: another host type under the id is LISTING_NOT_FOUND, nothing written', async () => {
    const s = setup();
    const { listing } = live(s);
    const before = structuredClone(s.db.tables.listings);
    expect(
      await rejection(
        s.service.placeBid(s.bidder, {
          listingId: listing.id,
          amount: 100_000,
          clientBidId: 'h1',
          hostType: 'transfer_project',
        }),
      ),
    ).toBe('LISTING_NOT_FOUND');
    expect(s.db.tables.listings).toEqual(before);
    expect(s.db.tables.bids).toEqual([]);
    expect(s.events.published).toEqual([]);
    // Its own line's auction takes the bid.
    const view = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 100_000,
      clientBidId: 'h2',
      hostType: 'lease_listing',
    });
    expect(view).toMatchObject({ listingId: listing.id, seq: 1 });
  });
});

describe('BidService: each rejection', () => {
  it.each(rejections)('$code: $why', async ({ code, arrange, kept }) => {
    const s = setup();
    const { listingId, amount = 100_000 } = arrange(s);
    const before = structuredClone(s.db.tables.listings);
    expect(await rejection(s.service.placeBid(s.bidder, { listingId, amount, clientBidId: 'x1' }))).toBe(
      code,
    );
    expect(s.db.tables.listings).toEqual(before);
    expect(s.db.tables.bids).toEqual(
      kept ? [expect.objectContaining({ outcome: code, clientBidId: 'x1', seq: null, amount })] : [],
    );
    expect(s.db.transactions).toBe(0);
    expect(s.listings.writeCalls).toEqual({ unlocked: kept ? 1 : 0, locked: 0 });
    expect(s.db.tables.audit).toEqual([]);
    expect(s.events.published).toEqual([]);
  });

  it.each([
    ['a staff account', () => user(randomUUID(), 'staff'), 100_000, 'FORBIDDEN'],
    ['a fraction of a fen', undefined, 100_000.5, 'VALIDATION_FAILED'],
    ['zero', undefined, 0, 'VALIDATION_FAILED'],
    ['a negative amount', undefined, -5, 'VALIDATION_FAILED'],
  ] as const)('%s is refused before anything is read', async (_what, who, amount, code) => {
    const s = setup();
    const { listing } = live(s);
    const caller = who ? who() : s.bidder;
    expect(
      await rejection(s.service.placeBid(caller, { listingId: listing.id, amount, clientBidId: 'v1' })),
    ).toBe(code);
    expect(s.listings.readCalls).toMatchObject({ peekForBids: 0, lockForBids: 0 });
    expect(s.listings.writeCalls).toEqual({ unlocked: 0, locked: 0 });
    expect(s.db.tables.bids).toEqual([]);
  });

  it('RATE_LIMITED past the per-second limit, per bidder, before anything is read', async () => {
    const s = setup({ rateLimit: 2 });
    const { listing } = live(s, { increment: 1 });
    const other = user(randomUUID(), 'bidder');
    s.listings.addRegistration(listing.id, other.id, 'qualified', '654321');
    await s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'l1' });
    await expect(
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_001, clientBidId: 'l2' }),
    ).rejects.toMatchObject({ code: 'SELF_OUTBID' });
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_002, clientBidId: 'l3' }),
      ),
    ).toBe('RATE_LIMITED');
    expect(s.listings.bidsOf(listing.id).map((bid) => bid.clientBidId)).toEqual(['l1', 'l2']);
    expect(s.listings.readCalls.peekForBids).toBe(2);
    // Another bidder has a window of its own.
    await s.service.placeBid(other, { listingId: listing.id, amount: 100_002, clientBidId: 'l1' });
  });

  it('a storage failure is passed on, and nothing is published', async () => {
    const s = setup();
    const { listing } = live(s);
    s.listings.beforeWrite.push(() => {
      throw new Error('connection terminated');
    });
    await expect(
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'f1' }),
    ).rejects.toThrow('connection terminated');
    expect(s.events.published).toEqual([]);
    expect(s.db.tables.bids).toEqual([]);
    // Not retried: only a lost condition or a raced key is.
    expect(s.listings.writeCalls).toEqual({ unlocked: 1, locked: 0 });
  });
});

describe('BidService: a retried clientBidId', () => {
  it('answers an accepted bid with the first answer, writes and publishes nothing the second time', async () => {
    const s = setup();
    const { listing } = live(s);
    const first = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 100_000,
      clientBidId: 'p1',
    });
    // The auction moved on meanwhile; the replay still answers what happened.
    s.listings.rivalBid(listing.id, randomUUID(), 150_000);
    const again = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 999_999,
      clientBidId: 'p1',
    });
    expect(again).toEqual(first);
    expect(s.listings.bidsOf(listing.id)).toHaveLength(2);
    expect(s.events.events()).toEqual(['bid.accepted']);
  });

  it.each([
    ['BID_TOO_LOW', 'for an amount that would now be enough', (s: Setup) => live(s).listing, 1],
    [
      'AUCTION_NOT_OPEN',
      'after bidding opened',
      (s: Setup) =>
        live(s, { status: 'announced', biddingStartsAt: new Date(T0.getTime() + MINUTE) }).listing,
      100_000,
    ],
  ] as const)('answers %s again, %s', async (code, _when, arrange, amount) => {
    const s = setup();
    const listing = arrange(s);
    expect(
      await rejection(s.service.placeBid(s.bidder, { listingId: listing.id, amount, clientBidId: 'q1' })),
    ).toBe(code);
    s.db.advance(2 * MINUTE);
    s.clock.advance(2 * MINUTE);
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'q1' }),
      ),
    ).toBe(code);
    expect(s.listings.bidsOf(listing.id)).toHaveLength(1);
    expect(s.listings.listing(listing.id).lastSeq).toBe(0);
  });

  it('NOT_QUALIFIED is answered again after the bidder was qualified', async () => {
    const s = setup();
    const listing = s.listings.addListing();
    const registration = s.listings.addRegistration(listing.id, s.bidder.id, 'pending');
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'n1' }),
      ),
    ).toBe('NOT_QUALIFIED');
    Object.assign(s.db.tables.registrations.get(registration.id)!, {
      status: 'qualified',
      bidderCode: '111111',
    });
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'n1' }),
      ),
    ).toBe('NOT_QUALIFIED');
    // A new id is decided afresh.
    await s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'n2' });
  });

  it('is the bidder’s own: two bidders using one clientBidId place two bids', async () => {
    const s = setup();
    const { listing } = live(s);
    const other = user(randomUUID(), 'bidder');
    s.listings.addRegistration(listing.id, other.id, 'qualified', '654321');
    await s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'same' });
    const second = await s.service.placeBid(other, {
      listingId: listing.id,
      amount: 105_000,
      clientBidId: 'same',
    });
    expect(second).toMatchObject({ seq: 2, bidderCode: '654321' });
    expect(s.events.events()).toEqual(['bid.accepted', 'bid.accepted']);
  });

  it('two copies racing: the one that loses the unique key reads again and answers the winner’s outcome', async () => {
    const s = setup();
    const { listing } = live(s);
    // The other copy records its BID_TOO_LOW between this one's read and its write.
    s.listings.beforeWrite.push(() => {
      s.db.tables.bids.push({
        id: randomUUID(),
        auctionId: listing.id,
        bidderId: s.bidder.id,
        clientBidId: 'race',
        amount: 1,
        outcome: 'BID_TOO_LOW',
        message: 'the minimum bid is 100000 fen',
        seq: null,
        bidderCode: null,
        endsAt: null,
        minNextBid: null,
        at: T0,
      });
    });
    await expect(
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 1, clientBidId: 'race' }),
    ).rejects.toMatchObject({ code: 'BID_TOO_LOW', message: 'the minimum bid is 100000 fen' });
    expect(s.listings.bidsOf(listing.id)).toHaveLength(1);
    // The lost write, then a lock-free re-read that finds the winner's row and writes nothing.
    expect(s.listings.writeCalls).toEqual({ unlocked: 1, locked: 0 });
    expect(s.listings.readCalls).toMatchObject({ peekForBids: 2, lockForBids: 0 });
    expect(s.db.transactions).toBe(0);
  });
});

describe('BidService: group commit', () => {
  it('bids arriving while a batch is written form the next batch: decided in arrival order, written in one statement, answered only after it', async () => {
    const s = setup();
    const { listing } = live(s);
    const [a, b, c] = ['200001', '200002', '200003'].map((code) => qualifiedBidder(s, listing.id, code));
    const { first, release } = await holdingFirstWrite(s, () =>
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'g0' }),
    );
    const batch = [
      answer(s.service.placeBid(a, { listingId: listing.id, amount: 110_000, clientBidId: 'g1' })),
      answer(s.service.placeBid(b, { listingId: listing.id, amount: 110_000, clientBidId: 'g2' })),
      answer(s.service.placeBid(c, { listingId: listing.id, amount: 120_000, clientBidId: 'g3' })),
    ];
    const answered = batch.map(track);
    const second = s.listings.holdNextWrite();
    release();
    expect(await first).toMatchObject({ seq: 1 });
    await Promise.race([second.reached, Promise.all(batch)]);
    await tick();
    // The batch's statement is being written: none of its bids is answered or published yet.
    expect(answered.map((state) => state.settled)).toEqual([false, false, false]);
    expect(s.events.published.map(({ payload }) => payload)).toEqual([expect.objectContaining({ seq: 1 })]);
    second.release();
    const [viewA, refusedB, viewC] = await Promise.all(batch);

    expect(viewA).toMatchObject({ seq: 2, amount: 110_000, bidderCode: '200001' });
    expect(codeOf(refusedB)).toBe('BID_TOO_LOW');
    expect(viewC).toMatchObject({ seq: 3, amount: 120_000, bidderCode: '200003', minNextBid: 125_000 });
    // One read and one write for the three.
    expect(s.listings.readCalls.peekForBids).toBe(2);
    expect(s.listings.writeCalls).toEqual({ unlocked: 2, locked: 0 });
    expect(s.listings.writes[1].bids.map(({ bid }) => bid.clientBidId)).toEqual(['g1', 'g2', 'g3']);
    expect(s.listings.writes[1].next).toMatchObject({ lastSeq: 3, bidCount: 3, currentPrice: 120_000 });
    expect(
      s.listings.bidsOf(listing.id).map(({ clientBidId, outcome, seq }) => [clientBidId, outcome, seq]),
    ).toEqual([
      ['g0', 'accepted', 1],
      ['g1', 'accepted', 2],
      ['g2', 'BID_TOO_LOW', null],
      ['g3', 'accepted', 3],
    ]);
    expect(s.listings.listing(listing.id)).toMatchObject({
      currentPrice: 120_000,
      leaderId: c.id,
      bidCount: 3,
      lastSeq: 3,
    });
    expect(s.db.tables.audit.map((entry) => [entry.actorId, entry.data?.seq])).toEqual([
      [s.bidder.id, 1],
      [a.id, 2],
      [c.id, 3],
    ]);
    expect(s.events.published.map(({ payload }) => payload)).toEqual([
      expect.objectContaining({ seq: 1 }),
      viewA,
      viewC,
    ]);
  });

  it('a batch that opens the auction marks only its first accepted bid as the one that opened it', async () => {
    const s = setup();
    const { listing } = live(s, { status: 'announced' });
    const other = qualifiedBidder(s, listing.id, '200001');
    // A refusal alone moves nothing: the auction is still announced for the next batch.
    const { first, release } = await holdingFirstWrite(s, () =>
      s.service.placeBid(other, { listingId: listing.id, amount: 1, clientBidId: 'o0' }),
    );
    const batch = [
      answer(s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'o1' })),
      answer(s.service.placeBid(other, { listingId: listing.id, amount: 105_000, clientBidId: 'o2' })),
    ];
    release();
    expect(codeOf(await first)).toBe('BID_TOO_LOW');
    expect(await Promise.all(batch)).toEqual([
      expect.objectContaining({ seq: 1 }),
      expect.objectContaining({ seq: 2 }),
    ]);
    expect(s.listings.writes.map((write) => write.expected.status)).toEqual(['announced', 'announced']);
    expect(s.listings.listing(listing.id).status).toBe('bidding');
    expect(s.db.tables.audit.map((entry) => entry.data)).toEqual([
      expect.objectContaining({ seq: 1, opened: true }),
      expect.not.objectContaining({ opened: expect.anything() }),
    ]);
  });

  it('a key sent twice in one batch is decided once: one row, both copies answered alike, published once', async () => {
    const s = setup();
    const { listing } = live(s);
    const [other, low] = ['200001', '200002'].map((code) => qualifiedBidder(s, listing.id, code));
    const { first, release } = await holdingFirstWrite(s, () =>
      s.service.placeBid(other, { listingId: listing.id, amount: 100_000, clientBidId: 'd0' }),
    );
    const batch = [
      ...[1, 2].map(() =>
        answer(s.service.placeBid(s.bidder, { listingId: listing.id, amount: 105_000, clientBidId: 'dup' })),
      ),
      ...[1, 2].map(() =>
        answer(s.service.placeBid(low, { listingId: listing.id, amount: 1, clientBidId: 'low' })),
      ),
    ];
    release();
    await first;
    const [copy, again, refused, refusedAgain] = await Promise.all(batch);
    expect(copy).toMatchObject({ seq: 2, amount: 105_000 });
    expect(again).toEqual(copy);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ code: 'BID_TOO_LOW' });
    expect(refusedAgain).toMatchObject({ code: 'BID_TOO_LOW', message: (refused as Error).message });
    expect(s.listings.bidsOf(listing.id).map(({ clientBidId, outcome }) => [clientBidId, outcome])).toEqual([
      ['d0', 'accepted'],
      ['dup', 'accepted'],
      ['low', 'BID_TOO_LOW'],
    ]);
    expect(s.listings.writeCalls).toEqual({ unlocked: 2, locked: 0 });
    expect(s.listings.listing(listing.id)).toMatchObject({ lastSeq: 2, bidCount: 2 });
    expect(s.db.tables.audit).toHaveLength(2);
    expect(s.events.published.map(({ payload }) => payload)).toEqual([
      expect.objectContaining({ seq: 1 }),
      copy,
    ]);
  });

  it('a batch whose write fails rejects every bid of it with the error, publishes nothing, and the next batch still goes through', async () => {
    const s = setup();
    const { listing } = live(s);
    const [a, b] = ['200001', '200002'].map((code) => qualifiedBidder(s, listing.id, code));
    const { first, release } = await holdingFirstWrite(s, () =>
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'e0' }),
    );
    s.listings.beforeWrite.push(() => {
      throw new Error('connection terminated');
    });
    const failing = [
      answer(s.service.placeBid(a, { listingId: listing.id, amount: 110_000, clientBidId: 'e1' })),
      answer(s.service.placeBid(b, { listingId: listing.id, amount: 1, clientBidId: 'e2' })),
    ];
    release();
    await first;
    for (const error of await Promise.all(failing)) {
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(DomainError);
      expect((error as Error).message).toBe('connection terminated');
    }
    expect(s.listings.writes[1].bids.map(({ bid }) => bid.clientBidId)).toEqual(['e1', 'e2']);
    expect(s.listings.bidsOf(listing.id).map((bid) => bid.clientBidId)).toEqual(['e0']);
    expect(s.listings.listing(listing.id)).toMatchObject({ lastSeq: 1 });
    expect(s.events.published).toHaveLength(1);

    const next = await s.service.placeBid(a, { listingId: listing.id, amount: 110_000, clientBidId: 'e3' });
    expect(next).toMatchObject({ seq: 2 });
    expect(s.events.published.map(({ payload }) => payload)).toEqual([
      expect.objectContaining({ seq: 1 }),
      next,
    ]);
  });

  it.each([
    ['AUCTION_CLOSED', { endsAt: T0 }, true],
    ['AUCTION_NOT_OPEN', { status: 'announced', biddingStartsAt: new Date(T0.getTime() + 1) }, true],
    ['BID_TOO_LOW', {}, false],
  ] as const)(
    'a batch refused %s asks its write to wait for any accept in flight: %s',
    async (code, overrides, waits) => {
      const s = setup();
      const { listing } = live(s, overrides as Partial<LeaseListing>);
      expect(
        await rejection(
          s.service.placeBid(s.bidder, { listingId: listing.id, amount: 1_000, clientBidId: 'c1' }),
        ),
      ).toBe(code);
      expect(s.listings.writes.map((write) => write.refusedOnTheClock)).toEqual([waits]);
    },
  );

  it('refuses at once, RATE_LIMITED, a bid past 10,000 waiting on one auction behind a batch in flight', async () => {
    const s = setup({ rateLimit: 20_000 });
    const { listing } = live(s);
    const { first, release } = await holdingFirstWrite(s, () =>
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'q0' }),
    );
    const rival = qualifiedBidder(s, listing.id, '300001');
    const waiting = Array.from({ length: 10_000 }, (_, i) =>
      answer(s.service.placeBid(rival, { listingId: listing.id, amount: 105_000, clientBidId: `q${i + 1}` })),
    );
    expect(
      await rejection(
        s.service.placeBid(rival, { listingId: listing.id, amount: 105_000, clientBidId: 'one-too-many' }),
      ),
    ).toBe('RATE_LIMITED');
    // Another auction is not held up by this one's queue: its bid is written while the first waits.
    const { listing: other } = live(s);
    expect(
      await s.service.placeBid(s.bidder, { listingId: other.id, amount: 100_000, clientBidId: 'o1' }),
    ).toMatchObject({ seq: 1 });
    release();
    await first;
    await Promise.all(waiting);
    expect(s.listings.bidsOf(listing.id).some((bid) => bid.clientBidId === 'one-too-many')).toBe(false);
  });

  it('a batch that lost to another writer is decided again whole, on the new state', async () => {
    const s = setup();
    const { listing } = live(s);
    const [a, b] = ['200001', '200002'].map((code) => qualifiedBidder(s, listing.id, code));
    const { first, release } = await holdingFirstWrite(s, () =>
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'w0' }),
    );
    // Another process's bid lands between the batch's read and its write.
    s.listings.beforeWrite.push(() => s.listings.rivalBid(listing.id, randomUUID(), 115_000, 'rival'));
    const batch = [
      answer(s.service.placeBid(a, { listingId: listing.id, amount: 110_000, clientBidId: 'w1' })),
      answer(s.service.placeBid(b, { listingId: listing.id, amount: 120_000, clientBidId: 'w2' })),
    ];
    release();
    await first;
    const [refused, view] = await Promise.all(batch);
    expect(codeOf(refused)).toBe('BID_TOO_LOW');
    expect(view).toMatchObject({ seq: 3, amount: 120_000, minNextBid: 125_000 });

    expect(s.listings.writeCalls).toEqual({ unlocked: 3, locked: 0 });
    const [, lost, retried] = s.listings.writes;
    expect(lost.expected.lastSeq).toBe(1);
    expect(lost.bids.map(({ accepted }) => accepted)).toEqual([true, true]);
    expect(retried.expected.lastSeq).toBe(2);
    expect(retried.bids.map(({ accepted }) => accepted)).toEqual([false, true]);
    expect(
      s.listings.bidsOf(listing.id).map(({ clientBidId, outcome, seq }) => [clientBidId, outcome, seq]),
    ).toEqual([
      ['w0', 'accepted', 1],
      ['rival', 'accepted', 2],
      ['w1', 'BID_TOO_LOW', null],
      ['w2', 'accepted', 3],
    ]);
    expect(s.db.tables.audit.map((entry) => entry.data?.seq)).toEqual([1, 3]);
    expect(s.events.published.map(({ payload }) => payload)).toEqual([
      expect.objectContaining({ seq: 1 }),
      view,
    ]);
  });

  it('in a batch, a bidder with no registration and bad input write nothing; the others’ bids are written', async () => {
    const s = setup();
    const { listing } = live(s);
    const [a, b] = ['200001', '200002'].map((code) => qualifiedBidder(s, listing.id, code));
    const stranger = user(randomUUID(), 'bidder');
    const pending = user(randomUUID(), 'bidder');
    s.listings.addRegistration(listing.id, pending.id, 'pending');
    const { first, release } = await holdingFirstWrite(s, () =>
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'u0' }),
    );
    const batch = [
      s.service.placeBid(a, { listingId: listing.id, amount: 110_000, clientBidId: 'u1' }),
      s.service.placeBid(stranger, { listingId: listing.id, amount: 200_000, clientBidId: 'u2' }),
      s.service.placeBid(pending, { listingId: listing.id, amount: 200_000, clientBidId: 'u3' }),
      s.service.placeBid(b, { listingId: listing.id, amount: Number.MAX_SAFE_INTEGER, clientBidId: 'u4' }),
      s.service.placeBid(b, { listingId: listing.id, amount: 120_000, clientBidId: 'u5' }),
    ].map(answer);
    release();
    await first;
    expect((await Promise.all(batch)).map(codeOf)).toEqual([
      expect.objectContaining({ seq: 2 }),
      'NOT_QUALIFIED',
      'NOT_QUALIFIED',
      'VALIDATION_FAILED',
      expect.objectContaining({ seq: 3 }),
    ]);
    expect(s.listings.writeCalls).toEqual({ unlocked: 2, locked: 0 });
    // The pending registration's refusal is kept; the stranger's and the bad amount are not.
    expect(s.listings.bidsOf(listing.id).map(({ clientBidId, outcome }) => [clientBidId, outcome])).toEqual([
      ['u0', 'accepted'],
      ['u1', 'accepted'],
      ['u3', 'NOT_QUALIFIED'],
      ['u5', 'accepted'],
    ]);
    expect(s.listings.listing(listing.id)).toMatchObject({ lastSeq: 3, bidCount: 3, leaderId: b.id });
  });
});

describe('BidService: a banned bidder (credit)', () => {
  // T0 is 10:00 on 2026-06-01 in Shanghai, the centre's zone.
  const ban = (partyId: string, bannedUntil: string, revokedOn: string | null = null) => ({
    id: randomUUID(),
    partyId,
    kind: 'ban' as const,
    reason: 'misconduct' as const,
    basis: '招标投标法 第54条',
    sourceRef: null,
    startsOn: '2026-05-01',
    bannedUntil,
    revokedOn,
  });

  it('is refused with PARTY_BANNED through its last day, kept as a refusal; the bids around it are decided as if it were not there', async () => {
    const s = setup();
    const { listing } = live(s);
    const rival = qualifiedBidder(s, listing.id, '654321');
    s.listings.sanctions.push(ban(s.bidder.id, '2026-06-01'));
    const { first, release } = await holdingFirstWrite(s, () =>
      s.service.placeBid(rival, { listingId: listing.id, amount: 100_000, clientBidId: 'r1' }),
    );
    // One batch: the banned bid between two of the rival's.
    const banned = answer(
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 200_000, clientBidId: 'b1' }),
    );
    const next = answer(
      s.service.placeBid(rival, { listingId: listing.id, amount: 105_000, clientBidId: 'r2' }),
    );
    await tick();
    release();
    expect(codeOf(await first)).toMatchObject({ seq: 1 });
    expect(codeOf(await banned)).toBe('PARTY_BANNED');
    // SELF_OUTBID: the rival still leads at 100,000; the banned bid moved nothing.
    expect(codeOf(await next)).toBe('SELF_OUTBID');
    expect(s.listings.listing(listing.id)).toMatchObject({
      currentPrice: 100_000,
      leaderId: rival.id,
      lastSeq: 1,
    });
    expect(s.listings.bidsOf(listing.id).find((bid) => bid.clientBidId === 'b1')).toMatchObject({
      outcome: 'PARTY_BANNED',
      seq: null,
    });
    // A retry of the key answers as the first time.
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 200_000, clientBidId: 'b1' }),
      ),
    ).toBe('PARTY_BANNED');
  });

  it('bids the day after the last day, and once the ban is lifted', async () => {
    for (const sanction of [ban('', '2026-05-31'), ban('', '2026-12-31', '2026-06-01')]) {
      const s = setup();
      const { listing } = live(s);
      s.listings.sanctions.push({ ...sanction, partyId: s.bidder.id });
      expect(
        await s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'a1' }),
      ).toMatchObject({ seq: 1 });
    }
  });

  it('is banned from 00:00 of the first day in the centre’s zone, not before', async () => {
    const s = setup();
    const late = new Date(T0.getTime() + 16 * 60 * MINUTE);
    const { listing } = live(s, { freeBiddingEndsAt: late, endsAt: late });
    // 2026-06-02 00:00 in Shanghai is 2026-06-01T16:00Z: 14 hours after T0.
    s.listings.sanctions.push({ ...ban(s.bidder.id, '2026-06-30'), startsOn: '2026-06-02' });
    s.db.advance(14 * 60 * MINUTE - 1);
    await s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'a1' });
    s.db.advance(1);
    const rival = qualifiedBidder(s, listing.id, '654321');
    await s.service.placeBid(rival, { listingId: listing.id, amount: 105_000, clientBidId: 'r1' });
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 110_000, clientBidId: 'a2' }),
      ),
    ).toBe('PARTY_BANNED');
  });

  it('is banned through 24:00 of its last day in the centre’s zone, and bids from 00:00 the day after', async () => {
    const s = setup();
    const late = new Date(T0.getTime() + 16 * 60 * MINUTE);
    const { listing } = live(s, { freeBiddingEndsAt: late, endsAt: late });
    s.listings.sanctions.push(ban(s.bidder.id, '2026-06-01'));
    s.db.advance(14 * 60 * MINUTE - 1); // 23:59:59.999 on 2026-06-01 in Shanghai
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'a1' }),
      ),
    ).toBe('PARTY_BANNED');
    s.db.advance(1);
    expect(
      await s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'a2' }),
    ).toMatchObject({ seq: 1 });
  });
});
