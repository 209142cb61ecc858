import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { io, type Socket } from 'socket.io-client';
import {
  type RunningHttpApp,
  startGateway,
  startTestPlatform,
  type TestPlatform,
} from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  type LiveListing,
  registerBidder,
  sleep,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { type AckResult, ask, type BidEvent, codes, count, nextWindow } from './support/sockets.js';
import { bidOverRest, sleepUntil } from './support/bidding-clients.js';
import { queryRows } from './support/checks.js';

const PER_SOCKET = 5;
const PER_ADDRESS = 12;
const CONNECTIONS = 4;
const PAGE = 3;

const LIMITS = {
  SOCKET_EVENTS_PER_SECOND: PER_SOCKET,
  SOCKET_EVENTS_PER_ADDRESS_PER_SECOND: PER_ADDRESS,
  SOCKET_CONNECTIONS_PER_ADDRESS: CONNECTIONS,
  RESYNC_PAGE_SIZE: PAGE,
  SNAPSHOT_CACHE_MS: 2000,
};

describe('anonymous sockets cannot stall bidding', () => {
  let platform: TestPlatform;
  let staff: TestUser;
  let bidders: TestUser[];
  let listing: LiveListing;
  let open: Socket[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform(LIMITS);
    staff = await createOperator(platform.env.config, platform.api.url, 'staff');
    bidders = await Promise.all([0, 1].map(() => registerBidder(platform.api.url)));
    listing = await createPublishedListing(platform.api.url, staff, bidders, {
      biddingInMs: 5000,
      freeMs: 120_000,
    });
  });

  afterEach(async () => {
    open.forEach((socket) => socket.close());
    open = [];
    await nextWindow();
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** A socket on the platform's gateway that this file closes itself (the cap counts them). */
  const connectSocket = (token?: string, gatewayUrl = platform.gateway.url, extraHeaders = {}) =>
    new Promise<Socket>((resolve, reject) => {
      const socket = io(`${gatewayUrl}/bidding`, {
        auth: token ? { token } : {},
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        extraHeaders,
      });
      socket.once('connect', () => {
        open.push(socket);
        resolve(socket);
      });
      socket.once('connect_error', (error: Error & { data?: unknown }) => {
        socket.close();
        reject(Object.assign(error, { data: error.data }));
      });
    });

  it('each socket may send so many events a second; the rest are RATE_LIMITED, bids have a budget of their own', async () => {
    const [a] = bidders;
    const socket = await connectSocket(a.token);
    const burst = await Promise.all(
      Array.from({ length: PER_SOCKET + 3 }, (_, i) =>
        ask<AckResult>(socket, i % 2 ? 'join' : 'no.such.event', { listingId: listing.id }),
      ),
    );
    const results = codes(burst);
    expect(results.length - count(results, 'RATE_LIMITED')).toBe(PER_SOCKET);
    expect(count(results, 'RATE_LIMITED')).toBe(3);
    // A refusal says how long to wait (at most the window plus the jitter that spreads a crowd).
    for (const ack of burst.filter((ack) => ack.error?.code === 'RATE_LIMITED'))
      expect((ack.error as { details?: { retryAfterMs?: number } }).details?.retryAfterMs).toEqual(
        expect.any(Number),
      );
    // Bids have their own budget (gateway-addresses.e2e-spec.ts) and per-bidder limit: still answered.
    const bid = await ask<AckResult>(socket, 'bid', { listingId: listing.id, amount: 1, clientBidId: 'x-1' });
    expect(bid.error?.code).not.toBe('RATE_LIMITED');
    expect(socket.connected).toBe(true);
    await nextWindow();
    expect(await ask(socket, 'join', { listingId: listing.id })).toMatchObject({ ok: true });
  });

  it('a resync is charged as a full page up front and refunded for the bids it did not carry', async () => {
    // RESYNC_PAGE_SIZE 3 → a resync costs 1 + ceil(3 / 25) = 2 of the socket's 5 points: two fit.
    const socket = await connectSocket();
    const burst = await Promise.all(
      [0, 1, 2].map(() => ask<AckResult>(socket, 'resync', { listingId: listing.id, afterSeq: 1_000 })),
    );
    expect(codes(burst)).toEqual(['ok', 'ok', 'RATE_LIMITED']);
    await nextWindow();
    // An empty answer gives its bid point back: 2 resyncs, then 3 more single-point events fit.
    for (const _ of [0, 1])
      expect(await ask(socket, 'resync', { listingId: listing.id, afterSeq: 1_000 })).toMatchObject({
        ok: true,
      });
    const rest = await Promise.all(
      [0, 1, 2, 3].map(() => ask<AckResult>(socket, 'leave', { listingId: listing.id })),
    );
    expect(codes(rest)).toEqual(['ok', 'ok', 'ok', 'RATE_LIMITED']);
  });

  describe("one budget per gateway for anonymous reads, one socket's worth per user", () => {
    // A resync costs 2 points (PAGE 3), a join 1; 6 a second for all anonymous reads on this
    // gateway. Each socket comes from an address of its own (behind one trusted proxy hop), so
    // only a budget that is the gateway's can refuse them.
    let gateway: RunningHttpApp;
    beforeAll(async () => {
      gateway = await startGateway({
        ...platform.env.config,
        ...LIMITS,
        TRUST_PROXY: 1,
        ANONYMOUS_READ_POINTS_PER_GATEWAY_PER_SECOND: 6,
      });
    });
    afterAll(async () => {
      await gateway?.close();
    });
    let next = 0;
    /** A socket from an address of its own, through the trusted proxy. */
    const fromOwnAddress = (token?: string) =>
      connectSocket(token, gateway.url, {
        'x-forwarded-for': `10.9.${Math.floor(next / 200)}.${(next++ % 200) + 1}`,
      });

    it("anonymous resyncs from many addresses share it; a bidder's resync and bids do not draw on it", async () => {
      const sockets = await Promise.all([0, 1, 2].map(() => fromOwnAddress()));
      const [a] = bidders;
      const bidder = await fromOwnAddress(a.token);
      const [bidderResync, ...burst] = await Promise.all([
        ask<AckResult>(bidder, 'resync', { listingId: listing.id, afterSeq: 0 }),
        ...sockets.flatMap((socket) =>
          [0, 1].map(() => ask<AckResult>(socket, 'resync', { listingId: listing.id, afterSeq: 0 })),
        ),
      ]);
      const results = codes(burst);
      // Each socket and address sent 2 (4 of its 5 points): only the gateway's budget refused.
      expect(count(results, 'ok')).toBe(3);
      expect(count(results, 'RATE_LIMITED')).toBe(3);
      for (const ack of burst.filter((ack) => !ack.ok))
        expect((ack.error as { details?: { retryAfterMs?: number } }).details?.retryAfterMs).toBeGreaterThan(
          0,
        );
      // The bidder's resync in the same burst did not draw on it (else three anonymous ones could not pass).
      expect(bidderResync).toMatchObject({ ok: true });
      const bid = await ask<AckResult>(bidder, 'bid', {
        listingId: listing.id,
        amount: 1,
        clientBidId: 'g-1',
      });
      expect(bid.error?.code).not.toBe('RATE_LIMITED');
      await nextWindow();
      const again = await Promise.all(
        sockets.map((socket) => ask<AckResult>(socket, 'resync', { listingId: listing.id, afterSeq: 0 })),
      );
      expect(count(codes(again), 'ok')).toBe(3);
    });

    it('anonymous joins of ids nobody watches (each a database read) draw on it too', async () => {
      const sockets = await Promise.all([0, 1, 2].map(() => fromOwnAddress()));
      const acks = await Promise.all(
        sockets.flatMap((socket) =>
          [0, 1, 2, 3].map(() => ask<AckResult>(socket, 'join', { listingId: randomUUID() })),
        ),
      );
      const results = codes(acks);
      // 12 joins of 1 point, 4 per socket and address (within their 5): the gateway's 6 decide.
      expect(count(results, 'LISTING_NOT_FOUND')).toBe(6);
      expect(count(results, 'RATE_LIMITED')).toBe(6);
    });

    it("one account's token on many sockets and addresses gets one socket's worth: signing in is no way around the budget", async () => {
      const stranger = await registerBidder(platform.api.url);
      const sockets = await Promise.all([0, 1, 2].map(() => fromOwnAddress(stranger.token)));
      const burst = await Promise.all(
        sockets.flatMap((socket) =>
          [0, 1].map(() => ask<AckResult>(socket, 'resync', { listingId: listing.id, afterSeq: 0 })),
        ),
      );
      // 12 points asked; the user's 5 (one socket's) allow two resyncs of 2 (a third only if a
      // served one's refund lands before it is charged).
      expect(count(codes(burst), 'ok')).toBeLessThanOrEqual(3);
      expect(count(codes(burst), 'RATE_LIMITED')).toBeGreaterThanOrEqual(3);
    });

    it('a socket whose token expired counts as anonymous', async () => {
      const [, b] = bidders;
      const token = jwt.sign({ username: b.username, roles: ['bidder'] }, platform.env.config.JWT_SECRET, {
        algorithm: 'HS256',
        subject: b.id,
        issuer: 'ggzy',
        expiresIn: 3,
      });
      const expiring = await fromOwnAddress(token);
      await sleepUntil(((jwt.decode(token) as { exp: number }).exp + 0.2) * 1000);
      expect(
        await ask<AckResult>(expiring, 'bid', { listingId: listing.id, amount: 1, clientBidId: 'e-1' }),
      ).toMatchObject({ error: { code: 'TOKEN_EXPIRED' } });
      const crowd = await Promise.all([0, 1, 2].map(() => fromOwnAddress()));
      await nextWindow();
      // Other addresses and the expired socket join at once, inside one window (sent one after
      // another, a loaded machine could let the window turn between them): 7 points asked of the
      // anonymous budget of 6 (1 each, never refunded). Counted as anonymous, the expired socket
      // leaves exactly one refused; counted as signed in, all 7 would pass.
      const joins = await Promise.all([
        ...crowd.flatMap((socket) =>
          [0, 1].map(() => ask<AckResult>(socket, 'join', { listingId: listing.id })),
        ),
        ask<AckResult>(expiring, 'join', { listingId: listing.id }),
      ]);
      expect(count(codes(joins), 'ok')).toBe(6);
      expect(count(codes(joins), 'RATE_LIMITED')).toBe(1);
    });
  });

  it('a socket that goes on sending long after its refusals is disconnected', async () => {
    const [abuser, bystander] = await Promise.all([connectSocket(), connectSocket()]);
    const dropped = new Promise<string>((resolve) => abuser.once('disconnect', (reason) => resolve(reason)));
    for (let i = 0; i < 130; i += 1) abuser.emit('leave', { listingId: listing.id });
    expect(await dropped).toBe('io server disconnect');
    expect(bystander.connected).toBe(true);
  });

  it('all sockets of one address share a limit', async () => {
    const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => connectSocket()));
    const acks = await Promise.all(
      sockets.flatMap((socket) =>
        Array.from({ length: PER_SOCKET }, () => ask<AckResult>(socket, 'join', { listingId: listing.id })),
      ),
    );
    const results = codes(acks);
    expect(CONNECTIONS * PER_SOCKET).toBeGreaterThan(PER_ADDRESS);
    expect(count(results, 'ok')).toBe(PER_ADDRESS);
    expect(count(results, 'RATE_LIMITED')).toBe(CONNECTIONS * PER_SOCKET - PER_ADDRESS);
  });

  it('an address may hold so many connections; a closed one frees its place', async () => {
    await Promise.all(Array.from({ length: CONNECTIONS }, () => connectSocket()));
    const refused = await connectSocket().catch((error: { data?: unknown }) => error.data);
    expect(refused).toMatchObject({ code: 'TOO_MANY_CONNECTIONS', message: expect.any(String) });
    open.shift()!.close();
    const again = await waitFor(
      () => connectSocket().catch(() => undefined),
      5000,
      'a place to free up after a disconnect',
    );
    expect(again.connected).toBe(true);
  });

  it('X-Forwarded-For decides the address only behind TRUST_PROXY hops', async () => {
    const viaProxy = (url: string, forwardedFor: string) =>
      new Promise<unknown>((resolve) => {
        const socket = io(`${url}/bidding`, {
          transports: ['websocket'],
          reconnection: false,
          forceNew: true,
          extraHeaders: { 'x-forwarded-for': forwardedFor },
        });
        socket.once('connect', () => {
          open.push(socket);
          resolve('connected');
        });
        socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
          socket.close();
          resolve(error.data?.code);
        });
      });
    // Without a trusted proxy a client cannot dodge the cap by naming other addresses.
    const direct = [];
    for (let i = 0; i <= CONNECTIONS; i += 1)
      direct.push(await viaProxy(platform.gateway.url, `10.0.0.${i}`));
    expect(direct).toEqual([...Array(CONNECTIONS).fill('connected'), 'TOO_MANY_CONNECTIONS']);
    open.forEach((socket) => socket.close());
    open = [];
    // Behind one trusted proxy each forwarded client has its own cap.
    const proxied = await startGateway({ ...platform.env.config, ...LIMITS, TRUST_PROXY: 1 });
    try {
      const behind = [];
      for (let i = 0; i <= CONNECTIONS; i += 1)
        behind.push(await viaProxy(proxied.url, `spoofed, 10.0.1.${i}`));
      expect(behind).toEqual(behind.map(() => 'connected'));
      const one = [];
      for (let i = 0; i <= CONNECTIONS; i += 1) one.push(await viaProxy(proxied.url, '10.0.2.1'));
      expect(one).toEqual([...Array(CONNECTIONS).fill('connected'), 'TOO_MANY_CONNECTIONS']);
    } finally {
      open.forEach((socket) => socket.close());
      open = [];
      await proxied.close();
    }
  });

  it('a message larger than SOCKET_MAX_PAYLOAD_BYTES closes that connection unread', async () => {
    const [big, bystander] = await Promise.all([connectSocket(), connectSocket()]);
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    big.emit('join', {
      listingId: listing.id,
      padding: 'x'.repeat(platform.env.config.SOCKET_MAX_PAYLOAD_BYTES),
    });
    expect(await closed).toMatch(/transport (close|error)/);
    expect(await ask(bystander, 'join', { listingId: listing.id })).toMatchObject({ ok: true });
  });

  it('resync pages by seq with hasMore and nextAfterSeq; an anonymous snapshot is cached until an event reaches the room', async () => {
    const api = platform.api.url;
    const [a, b] = bidders;
    await sleepUntil(Date.parse(listing.body.biddingStartsAt), 100);
    const [watcher, other, user] = await Promise.all([
      connectSocket(),
      connectSocket(),
      connectSocket(a.token),
    ]);
    const seen: BidEvent[] = [];
    watcher.on('bid.accepted', (bid: BidEvent) => seen.push(bid));
    expect(await ask(watcher, 'join', { listingId: listing.id })).toMatchObject({ ok: true });
    const amounts = [800_000, 810_000, 820_000, 830_000, 840_000, 850_000, 860_000];
    for (const [i, amount] of amounts.entries()) {
      const bidder = i % 2 ? b : a;
      expect(await bidOverRest(api, bidder.token, listing.id, amount, `page-${i}`)).toMatchObject({
        ok: true,
      });
    }
    await waitFor(() => seen.length === amounts.length || undefined, 10_000, 'the watcher to see every bid');

    const pages: { bids: BidEvent[]; hasMore: boolean; nextAfterSeq: number }[] = [];
    let afterSeq = 0;
    for (;;) {
      const ack = await ask(other, 'resync', { listingId: listing.id, afterSeq });
      // A client paging fast meets the limit and waits as long as it is told.
      if (ack.error?.code === 'RATE_LIMITED') {
        await sleep(ack.error.details.retryAfterMs);
        continue;
      }
      expect(ack).toMatchObject({ ok: true, snapshot: { listingId: listing.id, lastSeq: amounts.length } });
      pages.push(ack);
      if (!ack.hasMore) break;
      afterSeq = ack.nextAfterSeq;
    }
    expect(pages.map((page) => page.bids.map((bid) => bid.seq))).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(pages.map((page) => [page.hasMore, page.nextAfterSeq])).toEqual([
      [true, 3],
      [true, 6],
      [false, 7],
    ]);
    expect(pages.flatMap((page) => page.bids)).toEqual(seen);
    await nextWindow();

    // A change no event announced stays invisible while the cache lives, which shows snapshots
    // come from memory: for anonymous and signed-in watchers alike (with their own bidder code).
    expect((await ask(other, 'join', { listingId: listing.id })).snapshot.bidCount).toBe(amounts.length);
    await queryRows(
      platform.env.config.DATABASE_URL,
      'UPDATE auctions SET bid_count = bid_count + 100 WHERE id = $1',
      [listing.id],
    );
    const cached = await ask(other, 'join', { listingId: listing.id });
    expect(cached.snapshot.bidCount).toBe(amounts.length);
    expect(cached.snapshot.yourBidderCode).toBeUndefined();
    const signedIn = await ask(user, 'join', { listingId: listing.id });
    expect(signedIn.snapshot).toMatchObject({
      bidCount: amounts.length,
      yourBidderCode: listing.codes.get(a.id),
    });
    // Any event reaching the room makes the cached read stale at once.
    expect(await bidOverRest(api, b.token, listing.id, 870_000, 'page-event')).toMatchObject({ ok: true });
    await waitFor(() => seen.length === amounts.length + 1 || undefined, 10_000, 'the next bid event');
    const after = await ask(other, 'join', { listingId: listing.id });
    expect(after.snapshot).toMatchObject({ lastSeq: amounts.length + 1, bidCount: amounts.length + 101 });
  });
});
