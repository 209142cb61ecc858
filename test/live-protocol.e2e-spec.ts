import request from 'supertest';
import type { Socket } from 'socket.io-client';
import type { TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { ask, type BidEvent, LiveView } from './support/sockets.js';
import { bidOverSocket, type BidResult } from './support/bidding-clients.js';

const SNAPSHOT_KEYS = [
  'bidCount',
  'currentPrice',
  'endsAt',
  'lastSeq',
  'leaderCode',
  'listingId',
  'minNextBid',
  'serverTime',
  'status',
];
const iso = (time: number) => new Date(time).toISOString();
/** Fields only staff and supervisors may read. */
const STAFF_ONLY = ['reservePrice', 'storedStatus', 'statusReason', 'leaderId', 'winnerId', 'createdBy'];

/**
 * The socket protocol of API.md, message by message: what `join`, `resync` and `leave` answer,
 * what the room hears (`auction.status`, `auction.closed`), and what anyone can read about a
 * listing without being staff.
 */
describe('the live bidding protocol and public reads', () => {
  let platform: TestPlatform;
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidders: TestUser[];

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ env, api } = platform);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    bidders = await Promise.all([0, 1, 2].map(() => registerBidder(api.url)));
  });

  afterAll(async () => {
    await platform?.close();
  });

  const accepted = (result: BidResult): BidEvent => {
    if (!result.ok) throw new Error(`bid refused: ${JSON.stringify(result.error)}`);
    return result.bid;
  };
  const bidding = (listingId: string) =>
    waitFor(
      async () =>
        (await request(api.url).get(`/api/lease-listings/${listingId}`)).body.status === 'bidding' ||
        undefined,
      10_000,
      'bidding to open',
    );

  it('snapshot after bids, leaderCode, resync from any seq, and no reserve or identity for bidders or the public', async () => {
    const [a, b, c] = bidders;
    const listing = await createPublishedListing(
      api.url,
      staff,
      [a, b, c],
      { biddingInMs: 3000, freeMs: 60_000, extensionSeconds: 60 },
      { reservePrice: 850_000 },
    );
    const [sa, sb] = await Promise.all([platform.open(a.token), platform.open(b.token)]);
    await bidding(listing.id);
    const bid1 = accepted(await bidOverSocket(sa, listing.id, 800_000, 'p-a1'));
    const bid2 = accepted(await bidOverSocket(sb, listing.id, 830_000, 'p-b1'));

    // A snapshot taken after the bids: the state they left, and the joiner's own code.
    const lateSocket = await platform.open(c.token);
    const before = Date.now();
    const joined = await ask(lateSocket, 'join', { listingId: listing.id });
    const after = Date.now();
    expect(joined).toEqual({
      ok: true,
      snapshot: {
        listingId: listing.id,
        status: 'bidding',
        currentPrice: 830_000,
        minNextBid: 840_000,
        leaderCode: listing.codes.get(b.id),
        bidCount: 2,
        lastSeq: 2,
        endsAt: bid2.endsAt,
        serverTime: expect.any(String),
        yourBidderCode: listing.codes.get(c.id),
      },
    });
    // The server's clock, read while the join was under way (a generous margin for a loaded machine).
    const serverTime = Date.parse(joined.snapshot.serverTime);
    expect(serverTime).toBeGreaterThanOrEqual(before - 1000);
    expect(serverTime).toBeLessThanOrEqual(after + 1000);

    // resync: every bid after afterSeq, as the acks had them, and a fresh snapshot.
    const anonymous = await platform.open();
    for (const [afterSeq, bids] of [
      [0, [bid1, bid2]],
      [1, [bid2]],
      [2, []],
      [99, []],
    ] as [number, BidEvent[]][]) {
      const ack = await ask(anonymous, 'resync', { listingId: listing.id, afterSeq });
      expect(ack).toMatchObject({ ok: true, bids });
      expect(ack.bids).toEqual(bids);
      expect(Object.keys(ack.snapshot).sort()).toEqual(SNAPSHOT_KEYS);
      expect(ack.snapshot).toMatchObject({
        listingId: listing.id,
        lastSeq: 2,
        leaderCode: listing.codes.get(b.id),
      });
    }

    // leaderCode on the public listing page; the reserve and every identity stay hidden, for
    // the public and for a bidder's token alike (a bidder is not staff).
    const ids = [a, b, c, staff].flatMap((user) => [user.id, user.username]);
    const reads: [string, TestUser | undefined][] = [
      [`/api/lease-listings/${listing.id}`, undefined],
      [`/api/lease-listings/${listing.id}`, a],
      [`/api/lease-listings/${listing.id}`, b],
      ['/api/lease-listings?limit=1000', undefined],
      ['/api/lease-listings?limit=1000', a],
      [`/api/lease-listings/${listing.id}/bids`, undefined],
      [`/api/lease-listings/${listing.id}/bids`, b],
    ];
    for (const [path, user] of reads) {
      const call = request(api.url).get(path);
      const response = await (user ? call.auth(user.token, { type: 'bearer' }) : call).expect(200);
      for (const secret of [...ids, '850000'])
        expect({ path, user: user?.username, leaks: response.text.includes(secret) }).toEqual({
          path,
          user: user?.username,
          leaks: false,
        });
      const objects = response.body.items ?? [response.body];
      for (const object of objects) for (const key of STAFF_ONLY) expect(object).not.toHaveProperty(key);
    }
    const page = await request(api.url)
      .get(`/api/lease-listings/${listing.id}`)
      .auth(a.token, { type: 'bearer' });
    expect(page.body).toMatchObject({
      leaderCode: listing.codes.get(b.id),
      hasReserve: true,
      currentPrice: 830_000,
    });
    for (const socket of [sa, lateSocket, anonymous]) {
      const snapshot = (await ask(socket, 'join', { listingId: listing.id })).snapshot;
      expect(JSON.stringify(snapshot)).not.toContain('850000');
      for (const secret of ids) expect(JSON.stringify(snapshot)).not.toContain(secret);
    }
    // Staff do see the reserve (so the test above could have failed).
    const staffPage = await request(api.url)
      .get(`/api/lease-listings/${listing.id}`)
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
    expect(staffPage.body).toMatchObject({ reservePrice: 850_000, leaderId: b.id });
  });

  it('leave stops the events of that listing and no other', async () => {
    const [a, b] = bidders;
    const left = await createPublishedListing(api.url, staff, [a], { biddingInMs: 3000, freeMs: 60_000 });
    const kept = await createPublishedListing(api.url, staff, [b], { biddingInMs: 3000, freeMs: 60_000 });
    const watcher = await platform.open();
    const heard: { listingId: string; seq: number }[] = [];
    watcher.on('bid.accepted', (bid: BidEvent) => heard.push({ listingId: bid.listingId, seq: bid.seq }));
    for (const listing of [left, kept])
      expect(await ask(watcher, 'join', { listingId: listing.id })).toMatchObject({ ok: true });
    expect(await ask(watcher, 'leave', { listingId: left.id })).toEqual({ ok: true });

    const [sa, sb] = await Promise.all([platform.open(a.token), platform.open(b.token)]);
    await Promise.all([bidding(left.id), bidding(kept.id)]);
    accepted(await bidOverSocket(sa, left.id, 800_000, 'leave-a1'));
    accepted(await bidOverSocket(sb, kept.id, 800_000, 'leave-b1'));
    // Events reach one socket in the order they were published: once the second has arrived,
    // the first would have.
    await waitFor(() => heard.find((event) => event.listingId === kept.id), 10_000, 'the kept listing bid');
    expect(heard).toEqual([{ listingId: kept.id, seq: 1 }]);
  });

  it('auction.status after suspend, resume and cancel carries listingId and endsAt', async () => {
    const [a] = bidders;
    const listing = await createPublishedListing(api.url, staff, [a], {
      biddingInMs: 3000,
      freeMs: 60_000,
      extensionSeconds: 60,
    });
    const watcher = new LiveView(await platform.open(), listing.id);
    await watcher.join();
    await waitFor(() => watcher.statuses.find((event) => event.status === 'bidding'), 10_000, 'bidding');
    const supervise = (action: string, user: TestUser, body: object = {}) =>
      request(api.url)
        .post(`/api/lease-listings/${listing.id}/${action}`)
        .auth(user.token, { type: 'bearer' })
        .send(body)
        .expect(200);

    const suspended = await supervise('suspend', supervisor, { reason: '收到异议' });
    await waitFor(() => watcher.statuses.find((event) => event.status === 'suspended'), 10_000, 'suspended');
    const resumed = await supervise('resume', supervisor);
    await waitFor(() => watcher.statuses.filter((event) => event.status === 'bidding')[1], 10_000, 'resumed');
    await supervise('suspend', supervisor, { reason: '再次暂停' });
    const cancelled = await supervise('cancel', staff, { reason: '产权人撤回委托' });
    await waitFor(() => watcher.statuses.find((event) => event.status === 'cancelled'), 10_000, 'cancelled');

    expect(watcher.statuses).toEqual([
      {
        listingId: listing.id,
        status: 'bidding',
        endsAt: iso(Date.parse(listing.body.freeBiddingEndsAt) + 60_000),
      },
      { listingId: listing.id, status: 'suspended', endsAt: suspended.body.endsAt },
      { listingId: listing.id, status: 'bidding', endsAt: resumed.body.endsAt },
      { listingId: listing.id, status: 'suspended', endsAt: resumed.body.endsAt },
      { listingId: listing.id, status: 'cancelled', endsAt: cancelled.body.endsAt },
    ]);
    // The resume gave back the paused time: its end lies after the first one.
    expect(Date.parse(resumed.body.endsAt)).toBeGreaterThan(Date.parse(suspended.body.endsAt));
  });

  it('an unsold auction (reserve not met, no countdown bid) closes at freeBiddingEndsAt + extension, seen over the socket', async () => {
    const [a] = bidders;
    const listing = await createPublishedListing(
      api.url,
      staff,
      [a],
      // The free period leaves room for the bid on a loaded machine; the end is still checked exactly.
      { biddingInMs: 3000, freeMs: 8000, extensionSeconds: 2 },
      { reservePrice: 900_000 },
    );
    const socket: Socket = await platform.open(a.token);
    const watcher = new LiveView(socket, listing.id);
    await watcher.join();
    await waitFor(() => watcher.statuses.find((event) => event.status === 'bidding'), 10_000, 'bidding');
    // A bid in the free period does not move the end.
    const bid = accepted(await bidOverSocket(socket, listing.id, 800_000, 'unsold-a1'));
    const end = Date.parse(listing.body.freeBiddingEndsAt) + 2000;
    expect(Date.parse(bid.endsAt)).toBe(end);

    await waitFor(() => watcher.closed, 30_000, 'auction.closed');
    expect(watcher.closed).toEqual({ listingId: listing.id, status: 'unsold', closedAt: iso(end) });
    expect(watcher.closedSeenAt!).toBeGreaterThanOrEqual(end);
    const page = await request(api.url).get(`/api/lease-listings/${listing.id}`).expect(200);
    expect(page.body).toMatchObject({ status: 'unsold', finalPrice: null, winnerCode: null });
    expect(watcher.closedEvents).toBe(1);
  });
});
