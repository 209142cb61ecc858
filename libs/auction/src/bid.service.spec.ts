import { randomUUID } from 'node:crypto';
import { type AppConfig, loadEnvConfig } from '@ggzy/common';
import { DomainError, type ErrorCode } from '@ggzy/domain';
import type { LeaseListing, AuctionsRepository } from '@ggzy/persistence';
import { FakeDatabase, FakeAuctionsRepository, strict } from '../../../test/fakes/persistence.js';
import { FakeClock, FakeLiveEvents, user } from '../../../test/fakes/services.js';
import { BidService } from './bid.service.js';

/**
 * BidService wired to the auction rules over in-memory repositories: which path each decision
 * takes (lock-free or locked), what it writes, what it publishes, and how it answers a retry.
 * The SQL behind the fake's conditional append is proved in test/repositories/.
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
    expect(s.listings.appendCalls).toEqual({ unlocked: 1, locked: 0 });
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
    await s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'o1' });
    expect(s.listings.listing(listing.id).status).toBe('bidding');
    expect(s.db.tables.audit[0].data).toMatchObject({ opened: true });
  });

  it('when the listing moved between its read and its write, reads again and decides on the new state', async () => {
    const s = setup();
    const { listing } = live(s);
    const rival = randomUUID();
    s.listings.beforeAppend.push(() => s.listings.rivalBid(listing.id, rival, 100_000));
    const view = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 110_000,
      clientBidId: 'r1',
    });
    expect(view).toMatchObject({ seq: 2, amount: 110_000, minNextBid: 115_000 });
    expect(s.listings.appendCalls).toEqual({ unlocked: 2, locked: 0 });
    expect(s.listings.listing(listing.id)).toMatchObject({ lastSeq: 2, bidCount: 2, leaderId: s.bidder.id });
  });

  it('when the rival’s bid made it too low, is refused and recorded as BID_TOO_LOW on the retry', async () => {
    const s = setup();
    const { listing } = live(s);
    s.listings.beforeAppend.push(() => s.listings.rivalBid(listing.id, randomUUID(), 100_000));
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'r2' }),
      ),
    ).toBe('BID_TOO_LOW');
    expect(s.listings.appendCalls).toEqual({ unlocked: 1, locked: 0 });
    expect(s.listings.bidsOf(listing.id).map((bid) => bid.outcome)).toEqual(['accepted', 'BID_TOO_LOW']);
    expect(s.events.published).toEqual([]);
  });

  it('under contention that never lets up falls back to the lock after 50 tries, and is accepted there', async () => {
    const s = setup();
    const { listing } = live(s);
    for (let i = 0; i < 50; i += 1)
      s.listings.beforeAppend.push(() => s.listings.rivalBid(listing.id, randomUUID(), 100_000 + i * 5_000));
    const view = await s.service.placeBid(s.bidder, {
      listingId: listing.id,
      amount: 10_000_000,
      clientBidId: 'k1',
    });
    expect(s.listings.appendCalls).toEqual({ unlocked: 50, locked: 1 });
    expect(s.db.transactions).toBe(1);
    expect(view.seq).toBe(51);
  });

  it('under the lock only the database’s clock can refuse it: recorded as AUCTION_CLOSED', async () => {
    const s = setup();
    const { listing } = live(s);
    for (let i = 0; i < 50; i += 1)
      s.listings.beforeAppend.push(() => s.listings.rivalBid(listing.id, randomUUID(), 100_000 + i * 5_000));
    s.listings.beforeAppend.push(() => (s.db.now = new Date(listing.endsAt.getTime() + 1)));
    expect(
      await rejection(
        s.service.placeBid(s.bidder, { listingId: listing.id, amount: 10_000_000, clientBidId: 'k2' }),
      ),
    ).toBe('AUCTION_CLOSED');
    const mine = s.listings.bidsOf(listing.id).filter((bid) => bid.bidderId === s.bidder.id);
    expect(mine).toEqual([expect.objectContaining({ outcome: 'AUCTION_CLOSED', clientBidId: 'k2' })]);
    expect(s.events.published).toEqual([]);
  });
});

/** Each rejection code: the listing as the rule finds it, the path it takes, whether it is kept. */
const rejections: {
  code: ErrorCode;
  why: string;
  arrange: (s: Setup) => { listingId: string; amount?: number };
  kept: boolean;
  locked: boolean;
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
    locked: false,
  },
  {
    code: 'NOT_QUALIFIED',
    why: 'a bidder with no registration at all (nothing kept: anyone may send these)',
    arrange: (s) => ({ listingId: s.listings.addListing().id }),
    kept: false,
    locked: false,
  },
  {
    code: 'BID_TOO_LOW',
    why: 'below the start price',
    arrange: (s) => ({ listingId: live(s).listing.id, amount: 99_999 }),
    kept: true,
    locked: false,
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
    locked: false,
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
    locked: true,
  },
  {
    code: 'AUCTION_NOT_OPEN',
    why: 'before biddingStartsAt by the database’s clock',
    arrange: (s) => ({
      listingId: live(s, { status: 'announced', biddingStartsAt: new Date(T0.getTime() + 1) }).listing.id,
    }),
    kept: true,
    locked: true,
  },
  {
    code: 'AUCTION_NOT_OPEN',
    why: 'a suspended listing',
    arrange: (s) => ({ listingId: live(s, { status: 'suspended', suspendedAt: T0 }).listing.id }),
    kept: true,
    locked: true,
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
    locked: true,
  },
  {
    code: 'AUCTION_CLOSED',
    why: 'the database’s clock at endsAt, no job has closed it yet',
    arrange: (s) => ({ listingId: live(s, { endsAt: T0 }).listing.id }),
    kept: true,
    locked: true,
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
    locked: true,
  },
  {
    code: 'AUCTION_CLOSED',
    why: 'a sold listing',
    arrange: (s) => ({ listingId: live(s, { status: 'sold' }).listing.id }),
    kept: true,
    locked: true,
  },
  {
    code: 'VALIDATION_FAILED',
    why: 'more than the term’s deal value can hold (nothing kept)',
    arrange: (s) => ({
      listingId: live(s, { leaseTermMonths: 240 }).listing.id,
      amount: Number.MAX_SAFE_INTEGER,
    }),
    kept: false,
    locked: false,
  },
  {
    code: 'LISTING_NOT_FOUND',
    why: 'a draft (the same answer as no listing)',
    arrange: (s) => ({ listingId: live(s, { status: 'draft' }).listing.id }),
    kept: false,
    locked: false,
  },
  {
    code: 'LISTING_NOT_FOUND',
    why: 'an id no listing has',
    arrange: () => ({ listingId: randomUUID() }),
    kept: false,
    locked: false,
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
  it.each(rejections)('$code: $why', async ({ code, arrange, kept, locked }) => {
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
    expect(s.db.transactions).toBe(locked ? 1 : 0);
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
    let reads = 0;
    const peek = s.listings.peekForBid.bind(s.listings);
    s.listings.peekForBid = (...args) => ((reads += 1), peek(...args));
    const caller = who ? who() : s.bidder;
    expect(
      await rejection(s.service.placeBid(caller, { listingId: listing.id, amount, clientBidId: 'v1' })),
    ).toBe(code);
    expect(reads).toBe(0);
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
    // Another bidder has a window of its own.
    await s.service.placeBid(other, { listingId: listing.id, amount: 100_002, clientBidId: 'l1' });
  });

  it('a storage failure is passed on, and nothing is published', async () => {
    const s = setup();
    const { listing } = live(s);
    s.listings.beforeAppend.push(() => {
      throw new Error('connection terminated');
    });
    await expect(
      s.service.placeBid(s.bidder, { listingId: listing.id, amount: 100_000, clientBidId: 'f1' }),
    ).rejects.toThrow('connection terminated');
    expect(s.events.published).toEqual([]);
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

  it('two copies racing: the one that loses the unique key reads the winner’s outcome under the lock', async () => {
    const s = setup();
    const { listing } = live(s);
    // The other copy records its BID_TOO_LOW between this one's read and its write.
    s.listings.beforeRecordRejection.push(() => {
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
    expect(s.db.transactions).toBe(1);
  });
});
