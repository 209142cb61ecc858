import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import type { Socket } from 'socket.io-client';
import { LIVE_EVENTS, roomFor } from '../libs/auction/src/live-events.js';
import { AuctionsRepository } from '../libs/persistence/src/auctions/auctions.repository.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  type LiveListing,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { ask, type BidEvent } from './support/sockets.js';
import { bidOverRest, bidOverSocket, sleepUntil } from './support/bidding-clients.js';

/**
 * A hall of signed-in watchers costs what a crowd of anonymous ones does: the listing and the
 * pages of its ledger are read once per cache lifetime (or per event) for everyone; only the
 * bidder code is read per user, and kept apart from what the others are answered from.
 */
const CACHE_MS = 3000;
const RESERVE = 987_650;

/** Counts a repository method's calls on the gateway; each call still goes to PostgreSQL. */
function countCalls(
  repository: AuctionsRepository,
  name: 'findWithLeaderCode' | 'findBidderCode' | 'acceptedBidsAfter',
) {
  const calls: unknown[][] = [];
  const original = (repository[name] as (...args: unknown[]) => Promise<unknown>).bind(repository);
  (repository as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
    calls.push(args);
    return original(...args);
  };
  return calls;
}

/**
 * Holds back what the gateway itself broadcasts to a listing's room (its adapter's local delivery
 * and its publication to the other instances alike) until `release`; broadcasts that come in
 * from elsewhere (the api's, through Redis) are delivered as usual.
 */
function holdBroadcasts(gateway: INestApplication, listingId: string) {
  const namespace = (gateway.get(LIVE_EVENTS) as unknown as { namespace: Namespace }).namespace;
  const adapter = namespace.adapter;
  const original = adapter.broadcast;
  const held: (() => void)[] = [];
  adapter.broadcast = function (this: typeof adapter, ...args: Parameters<typeof original>) {
    const [, options] = args;
    if (!options.rooms.has(roomFor(listingId))) return original.apply(this, args);
    held.push(() => original.apply(this, args));
  };
  return {
    count: () => held.length,
    release() {
      adapter.broadcast = original;
      held.splice(0).forEach((broadcast) => broadcast());
    },
  };
}

describe('signed-in snapshots come from the short cache', () => {
  let platform: TestPlatform;
  let staff: TestUser;
  let bidders: TestUser[];
  let outsider: TestUser;
  let listing: LiveListing;
  let watcherBids: BidEvent[];
  let watcherStatuses: string[];
  let reads: Record<'listing' | 'codes' | 'pages', unknown[][]>;
  const sockets = new Map<string, Socket>();

  beforeAll(async () => {
    platform = await startTestPlatform({ SNAPSHOT_CACHE_MS: CACHE_MS });
    const api = platform.api.url;
    staff = await createOperator(platform.env.config, api, 'staff');
    bidders = await Promise.all([0, 1, 2].map(() => registerBidder(api)));
    outsider = await registerBidder(api);
    listing = await createPublishedListing(
      api,
      staff,
      bidders,
      { biddingInMs: 4000, freeMs: 120_000 },
      { reservePrice: RESERVE },
    );
    // An anonymous watcher keeps the room (and so the cache) alive, and sees what reaches it.
    const watcher = await platform.open();
    watcherBids = [];
    watcherStatuses = [];
    watcher.on('bid.accepted', (bid: BidEvent) => watcherBids.push(bid));
    watcher.on('auction.status', (event: { status: string }) => watcherStatuses.push(event.status));
    expect(await ask(watcher, 'join', { listingId: listing.id })).toMatchObject({ ok: true });
    for (const user of [...bidders, outsider, staff]) sockets.set(user.id, await platform.open(user.token));
    const repository = platform.gateway.app.get(AuctionsRepository);
    reads = {
      listing: countCalls(repository, 'findWithLeaderCode'),
      codes: countCalls(repository, 'findBidderCode'),
      pages: countCalls(repository, 'acceptedBidsAfter'),
    };
  });

  afterAll(async () => {
    await platform?.close();
  });

  const codeOf = (user: TestUser) => listing.codes.get(user.id);

  it('joins and resyncs of a signed-in hall share the listing read; each gets its own bidder code', async () => {
    const api = platform.api.url;
    const [a, b] = bidders;
    await sleepUntil(Date.parse(listing.body.biddingStartsAt), 50);
    const amounts = [800_000, 810_000, 820_000, 830_000];
    for (const [i, amount] of amounts.entries())
      expect(await bidOverRest(api, (i % 2 ? b : a).token, listing.id, amount, `hall-${i}`)).toMatchObject({
        ok: true,
      });
    // Every bid has reached the room (each event drops what was cached): count from here.
    await waitFor(
      () => watcherBids.length === amounts.length || undefined,
      10_000,
      'the bids to reach the room',
    );
    for (const list of Object.values(reads)) list.length = 0;

    const started = Date.now();
    const eventsBefore = watcherBids.length + watcherStatuses.length;
    const users = [...bidders, outsider, staff];
    const answers: { user: TestUser; snapshot: Record<string, unknown>; bids?: BidEvent[] }[] = [];
    for (let round = 0; round < 2; round += 1)
      for (const user of users) {
        const socket = sockets.get(user.id)!;
        const joined = await ask(socket, 'join', { listingId: listing.id });
        const resynced = await ask(socket, 'resync', { listingId: listing.id, afterSeq: 0 });
        expect([joined.ok, resynced.ok]).toEqual([true, true]);
        answers.push(
          { user, snapshot: joined.snapshot },
          { user, snapshot: resynced.snapshot, bids: resynced.bids },
        );
      }
    const elapsed = Date.now() - started;
    // A bid makes the listing open itself; the worker's opening, if it comes now, is an event.
    const events = watcherBids.length + watcherStatuses.length - eventsBefore;

    for (const { user, snapshot, bids } of answers) {
      expect(snapshot).toMatchObject({
        listingId: listing.id,
        status: 'bidding',
        lastSeq: amounts.length,
        bidCount: amounts.length,
        currentPrice: amounts[amounts.length - 1],
        leaderCode: codeOf(b),
      });
      // Each user's own code, and nobody else's; none for who holds none.
      expect(snapshot.yourBidderCode).toBe(codeOf(user));
      // The reserve price is for staff only: it is in no one's answer, staff's included.
      expect(JSON.stringify(snapshot)).not.toMatch(new RegExp(`reserve|${RESERVE}`, 'i'));
      if (bids)
        expect(bids.map((bid) => [bid.seq, bid.amount])).toEqual(amounts.map((amount, i) => [i + 1, amount]));
    }
    expect(codeOf(outsider)).toBeUndefined();
    expect(answers.filter((answer) => answer.snapshot.yourBidderCode).length).toBe(2 * 2 * bidders.length);

    // 20 snapshots and 10 pages: one read of each per cache lifetime the run spanned (or per event).
    const lifetimes = 1 + Math.floor(elapsed / CACHE_MS) + events;
    expect(answers.length).toBeGreaterThan(2 * lifetimes);
    expect(reads.listing.length).toBeGreaterThanOrEqual(1);
    expect(reads.listing.length).toBeLessThanOrEqual(lifetimes);
    expect(reads.pages.length).toBeLessThanOrEqual(lifetimes);
    // A bidder code, once read, is kept; an absent one is read again only after a lifetime.
    const codeReads = (user: TestUser) => reads.codes.filter(([, userId]) => userId === user.id).length;
    for (const bidder of bidders) expect(codeReads(bidder)).toBe(1);
    for (const user of [outsider, staff]) {
      expect(codeReads(user)).toBeGreaterThanOrEqual(1);
      expect(codeReads(user)).toBeLessThanOrEqual(lifetimes);
    }
  });

  it('a bid shows in the next snapshot: the bidder sees its own at once, every watcher once it is announced', async () => {
    const [a, b, c] = bidders;
    await sleepUntil(Date.parse(listing.body.biddingStartsAt), 50);
    // Whatever the room has cached, read after the last event it saw.
    await ask(sockets.get(c.id)!, 'join', { listingId: listing.id });
    const before = watcherBids.length;
    // The broadcast of the bid is held back on this gateway until the end of the step (it
    // would otherwise reach the room, and drop the cache, before the ack): only the bid
    // handler itself can make the next snapshot fresh.
    const held = holdBroadcasts(platform.gateway.app, listing.id);
    try {
      const own = await bidOverSocket(sockets.get(a.id)!, listing.id, 900_000, 'hall-own');
      expect(own).toMatchObject({ ok: true, bid: { seq: before + 1 } });
      expect(held.count()).toBe(1);
      // Straight after the ack, on the same socket and on another user's: no stale cached listing.
      for (const user of [a, c]) {
        const { snapshot } = await ask(sockets.get(user.id)!, 'join', { listingId: listing.id });
        expect(snapshot).toMatchObject({
          lastSeq: before + 1,
          currentPrice: 900_000,
          leaderCode: codeOf(a),
          yourBidderCode: codeOf(user),
        });
      }
      expect(watcherBids.length).toBe(before);
    } finally {
      held.release();
    }
    await waitFor(
      () => watcherBids.length === before + 1 || undefined,
      10_000,
      'the held broadcast to reach the room',
    );
    // A bid made elsewhere (over REST, on the api) reaches the room and drops the cached reads.
    expect(await bidOverRest(platform.api.url, b.token, listing.id, 910_000, 'hall-rest')).toMatchObject({
      ok: true,
    });
    await waitFor(
      () => watcherBids.length === before + 2 || undefined,
      10_000,
      'the REST bid to reach the room',
    );
    for (const user of [a, c, staff]) {
      const resynced = await ask(sockets.get(user.id)!, 'resync', {
        listingId: listing.id,
        afterSeq: before + 1,
      });
      expect(resynced.snapshot).toMatchObject({
        lastSeq: before + 2,
        currentPrice: 910_000,
        leaderCode: codeOf(b),
      });
      expect(resynced.snapshot.yourBidderCode).toBe(codeOf(user));
      expect(resynced.bids.map((bid: BidEvent) => bid.amount)).toEqual([910_000]);
    }
  });

  it('a code that appears when staff qualify the bidder is seen within a cache lifetime', async () => {
    const api = platform.api.url;
    const later = await createPublishedListing(api, staff, [], { biddingInMs: 600_000 });
    const registration = await request(api)
      .post(`/api/lease-listings/${later.id}/registrations`)
      .auth(outsider.token, { type: 'bearer' })
      .send({})
      .expect(201);
    const socket = sockets.get(outsider.id)!;
    const before = await ask(socket, 'join', { listingId: later.id });
    expect(before).toMatchObject({ ok: true, snapshot: { listingId: later.id, status: 'announced' } });
    expect(before.snapshot.yourBidderCode).toBeUndefined();
    const qualified = await request(api)
      .post(`/api/lease-listings/${later.id}/registrations/${registration.body.id}/qualify`)
      .auth(staff.token, { type: 'bearer' })
      .send({ depositReceived: true })
      .expect(200);
    const code = qualified.body.bidderCode as string;
    expect(code).toMatch(/^\d{6}$/);
    await waitFor(
      async () =>
        (await ask(socket, 'join', { listingId: later.id })).snapshot.yourBidderCode === code || undefined,
      3 * CACHE_MS,
      'the new bidder code in the snapshot',
    );
    // Nobody else is answered with it.
    const other = await ask(sockets.get(bidders[0].id)!, 'join', { listingId: later.id });
    expect(other.snapshot.yourBidderCode).toBeUndefined();
  });
});
