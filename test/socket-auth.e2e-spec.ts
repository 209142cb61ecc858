import jwt from 'jsonwebtoken';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { io } from 'socket.io-client';
import {
  type RunningHttpApp,
  startGateway,
  startTestPlatform,
  startWorker,
  type TestPlatform,
} from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  login,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { ask, connect } from './support/sockets.js';
import {
  bidOverRest,
  bidOverSocket,
  publicLedger,
  sleepUntil,
  staffListing,
} from './support/bidding-clients.js';
import { createQueueBackend } from '../libs/queues/src/queue-backend.js';
import { AUCTIONS_QUEUE, closeJobId, openJobId } from '../libs/queues/src/auction-jobs.js';
import { BID_TABLES, tableContents, queryRows } from './support/checks.js';

const ALLOWED_ORIGIN = 'https://ggzy.example';

/** Opens a socket sending `origin`; resolves with the connect_error's data, or 'connected'. */
function connectFrom(gatewayUrl: string, origin: string | undefined) {
  const socket = io(`${gatewayUrl}/bidding`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: origin ? { origin } : {},
  });
  return new Promise<unknown>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error: Error & { data?: unknown }) => resolve(error.data ?? error.message));
  }).finally(() => socket.close());
}

describe('socket sessions: expiry, qualification, origins, clocks', () => {
  let platform: TestPlatform;
  let staff: TestUser;
  let bidders: TestUser[];
  const gateways: RunningHttpApp[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform({ CORS_ORIGINS: [ALLOWED_ORIGIN] });
    staff = await createOperator(platform.env.config, platform.api.url, 'staff');
    bidders = await Promise.all([0, 1, 2, 3].map(() => registerBidder(platform.api.url)));
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await platform?.close();
  });

  /** A bidder token that expires in `seconds`, signed as the platform signs its own. */
  const shortToken = (user: TestUser, seconds: number) =>
    jwt.sign({ username: user.username, roles: ['bidder'] }, platform.env.config.JWT_SECRET, {
      algorithm: 'HS256',
      subject: user.id,
      issuer: 'ggzy',
      expiresIn: seconds,
    });

  it('a socket whose token expires gets TOKEN_EXPIRED, then bids again after `auth` with a fresh token', async () => {
    const api = platform.api.url;
    const [a, b] = bidders;
    const listing = await createPublishedListing(api, staff, [a, b], { biddingInMs: 4000, freeMs: 60_000 });
    await sleepUntil(Date.parse(listing.body.biddingStartsAt), 100);
    // Long enough for the first bid to go through on a loaded machine; its expiry is waited for.
    const token = shortToken(a, 10);
    const socket = await platform.open(token);
    expect(await bidOverSocket(socket, listing.id, 800_000, 'a-1')).toMatchObject({
      ok: true,
      bid: { seq: 1 },
    });
    expect(await bidOverRest(api, b.token, listing.id, 810_000, 'b-1')).toMatchObject({ ok: true });

    const { exp } = jwt.decode(token) as { exp: number };
    await sleepUntil(exp * 1000, 300);
    const before = await tableContents(platform.env.config.DATABASE_URL, BID_TABLES);
    expect(await bidOverSocket(socket, listing.id, 820_000, 'a-2')).toMatchObject({
      ok: false,
      error: { code: 'TOKEN_EXPIRED' },
    });
    expect(await tableContents(platform.env.config.DATABASE_URL, BID_TABLES)).toEqual(before);
    // An expired token cannot renew itself; garbage is refused with a code.
    expect(await ask(socket, 'auth', { token: shortToken(a, -10) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TOKEN' },
    });
    expect(await ask(socket, 'auth', { token: 42 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });

    const fresh = await ask(socket, 'auth', { token: await login(api, a.username, a.password) });
    expect(fresh).toEqual({ ok: true, user: { id: a.id, username: a.username, roles: ['bidder'] } });
    expect(socket.connected).toBe(true);
    expect(await bidOverSocket(socket, listing.id, 820_000, 'a-2')).toMatchObject({
      ok: true,
      bid: { seq: 3 },
    });
    expect((await publicLedger(api, listing.id)).map((bid) => bid.amount)).toEqual([
      800_000, 810_000, 820_000,
    ]);
  });

  it('a bidder with no registration gets NOT_QUALIFIED and writes nothing; a pending one keeps its replay', async () => {
    const api = platform.api.url;
    const [a, , stranger, pending] = bidders;
    const listing = await createPublishedListing(api, staff, [a], { biddingInMs: 4000, freeMs: 60_000 });
    await request(api)
      .post(`/api/lease-listings/${listing.id}/registrations`)
      .auth(pending.token, { type: 'bearer' })
      .send({})
      .expect(201);
    await sleepUntil(Date.parse(listing.body.biddingStartsAt), 100);
    const socket = await platform.open(stranger.token);

    const before = await tableContents(platform.env.config.DATABASE_URL, BID_TABLES);
    for (let i = 0; i < 3; i += 1) {
      expect(await bidOverSocket(socket, listing.id, 800_000 + i, `s-${i}`)).toMatchObject({
        ok: false,
        error: { code: 'NOT_QUALIFIED' },
      });
      expect(await bidOverRest(api, stranger.token, listing.id, 800_000 + i, `r-${i}`)).toMatchObject({
        ok: false,
        error: { code: 'NOT_QUALIFIED' },
      });
    }
    expect(await tableContents(platform.env.config.DATABASE_URL, BID_TABLES)).toEqual(before);

    const first = await bidOverRest(api, pending.token, listing.id, 800_000, 'p-1');
    expect(first).toMatchObject({ ok: false, error: { code: 'NOT_QUALIFIED' } });
    expect(await bidOverRest(api, pending.token, listing.id, 800_000, 'p-1')).toEqual(first);
    const rows = await queryRows<{ outcome: string }>(
      platform.env.config.DATABASE_URL,
      'SELECT outcome FROM bids WHERE auction_id = $1 AND bidder_id = $2',
      [listing.id, pending.id],
    );
    expect(rows).toEqual([{ outcome: 'NOT_QUALIFIED' }]);
  });

  it('sockets follow CORS_ORIGINS: a foreign browser origin is refused with a code', async () => {
    const url = platform.gateway.url;
    expect(await connectFrom(url, 'https://evil.example')).toMatchObject({ code: 'ORIGIN_NOT_ALLOWED' });
    expect(await connectFrom(url, ALLOWED_ORIGIN)).toBe('connected');
    expect(await connectFrom(url, undefined)).toBe('connected');
    // The long-polling handshake answers CORS for the listed origin only.
    const polling = (origin: string) =>
      request(url).get('/socket.io/?EIO=4&transport=polling').set('Origin', origin);
    expect((await polling(ALLOWED_ORIGIN)).headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect((await polling('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a gateway whose clock runs 2 s behind cannot accept a bid after the database has seen the end', async () => {
    const api = platform.api.url;
    const [a, b] = bidders;
    // No worker: the listing stays `bidding` past its end, so only the clocks decide.
    await platform.stopWorker();
    const listing = await createPublishedListing(api, staff, [a, b], {
      biddingInMs: 4000,
      freeMs: 4000,
      extensionSeconds: 1,
    });
    const skewed = await startGateway({ ...platform.env.config, CLOCK_OFFSET_MS: -2000 });
    gateways.push(skewed);
    const [sa, sb] = await Promise.all([connect(skewed.url, a.token), connect(skewed.url, b.token)]);
    try {
      const opensAt = Date.parse(listing.body.biddingStartsAt);
      const endsAt = Date.parse(listing.body.freeBiddingEndsAt) + 1000;
      // 2.5 s into bidding by the real clock, 0.5 s by the skewed one: accepted.
      await sleepUntil(opensAt, 2500);
      expect(await bidOverSocket(sa, listing.id, 800_000, 'a-in-time')).toMatchObject({ ok: true });
      // 0.4 s after the end by the real (and the database's) clock; the skewed process still
      // sees 1.6 s of free bidding left.
      await sleepUntil(endsAt, 400);
      expect(await bidOverSocket(sb, listing.id, 810_000, 'b-late')).toMatchObject({
        ok: false,
        error: { code: 'AUCTION_CLOSED' },
      });
      // The refusal is the answer of the bid's own transaction: nothing can still be on its way.
      expect((await publicLedger(api, listing.id)).map((bid) => bid.amount)).toEqual([800_000]);
    } finally {
      sa.close();
      sb.close();
      await platform.startWorker();
    }
  });

  it("a gateway whose clock runs 2 s behind stamps a countdown bid, and sets its new end, by the database's clock", async () => {
    const api = platform.api.url;
    const [a, b] = bidders;
    const listing = await createPublishedListing(api, staff, [a, b], {
      biddingInMs: 3000,
      freeMs: 1000,
      extensionSeconds: 5,
    });
    const skewed = await startGateway({ ...platform.env.config, CLOCK_OFFSET_MS: -2000 });
    gateways.push(skewed);
    const socket = await connect(skewed.url, a.token);
    try {
      // In the countdown by the real (and the database's) clock, open by the skewed one too.
      await sleepUntil(Date.parse(listing.body.freeBiddingEndsAt), 2500);
      const sentAt = Date.now();
      const result = await bidOverSocket(socket, listing.id, 800_000, 'a-countdown');
      const answeredAt = Date.now();
      expect(result.ok).toBe(true);
      const bid = (result as { ok: true; bid: { at: string; endsAt: string } }).bid;
      // The bid's time is the shared clock's (this test's, on the same machine), not 2 s behind it.
      expect(Date.parse(bid.at)).toBeGreaterThanOrEqual(sentAt - 250);
      expect(Date.parse(bid.at)).toBeLessThanOrEqual(answeredAt + 250);
      // The full extension by that clock: the countdown restarts from the bid's own time.
      expect(Date.parse(bid.endsAt) - Date.parse(bid.at)).toBe(5000);
      expect((await staffListing(api, staff.token, listing.id)).endsAt).toBe(bid.endsAt);
    } finally {
      socket.close();
    }
  });

  it("a gateway whose clock runs 2 s behind gives watchers the database's time to count down from", async () => {
    const api = platform.api.url;
    const [a, b] = bidders;
    const listing = await createPublishedListing(api, staff, [a, b], { biddingInMs: 3000, freeMs: 60_000 });
    const skewed = await startGateway({ ...platform.env.config, CLOCK_OFFSET_MS: -2000 });
    gateways.push(skewed);
    const socket = await connect(skewed.url, a.token);
    try {
      // Twice: the first join reads the listing, the second is answered from the cache.
      for (const read of ['first', 'cached']) {
        const sentAt = Date.now();
        const ack = await ask<{ ok: boolean; snapshot: { serverTime: string; endsAt: string } }>(
          socket,
          'join',
          { listingId: listing.id },
        );
        const answeredAt = Date.now();
        expect(ack).toMatchObject({ ok: true });
        // `endsAt` is the database's; the "now" beside it must be too (this test's clock, on the
        // same machine), else every watcher on this gateway believes it has 2 s more than it has.
        const serverTime = Date.parse(ack.snapshot.serverTime);
        expect({ read, early: serverTime < sentAt - 250 }).toEqual({ read, early: false });
        expect({ read, late: serverTime > answeredAt + 250 }).toEqual({ read, late: false });
        expect(Date.parse(ack.snapshot.endsAt)).toBe(Date.parse(listing.body.freeBiddingEndsAt) + 2000);
      }
    } finally {
      socket.close();
    }
  });

  /** How far ahead the fast worker's clock runs: its timed jobs fire this early by its clock. */
  const WORKER_AHEAD_MS = 8000;
  /** The sweeper leaves what is due this recently to the jobs (SWEEP_GRACE_MS, apps/worker/src/auctions.processor.ts). */
  const SWEEP_GRACE_MS = 1000;

  /** Runs `steps` with the platform's worker replaced by one whose clock runs WORKER_AHEAD_MS ahead. */
  async function withFastWorker(steps: (queue: Queue) => Promise<void>) {
    await platform.stopWorker();
    const fastWorker = await startWorker({ ...platform.env.config, CLOCK_OFFSET_MS: WORKER_AHEAD_MS });
    const backend = createQueueBackend(platform.env.config);
    const queue = backend.createQueue(AUCTIONS_QUEUE);
    try {
      await steps(queue);
    } finally {
      await queue.close();
      await backend.close();
      await fastWorker.close();
      await platform.startWorker();
    }
  }

  /** What a job returned, once it has run. */
  const returned = (queue: Queue, jobId: string, what: string) =>
    waitFor(
      async () => {
        const job = await queue.getJob(jobId);
        return job && (await job.isCompleted())
          ? ((await queue.getJob(jobId))!.returnvalue as object)
          : undefined;
      },
      15_000,
      what,
    );

  /** When the audit log says `action` happened to a listing, by the database's clock. */
  const auditTimes = async (action: string, listingId: string) =>
    (
      await queryRows<{ at: Date }>(
        platform.env.config.DATABASE_URL,
        'SELECT at FROM audit_log WHERE action = $1 AND entity_id = $2',
        [action, listingId],
      )
    ).map((row) => row.at.getTime());

  it("a worker whose clock runs 8 s ahead runs the open early, and its retry opens at the database's start", async () => {
    await withFastWorker(async (queue) => {
      const listing = await createPublishedListing(platform.api.url, staff, [], {
        biddingInMs: 12_000,
        freeMs: 9000,
        extensionSeconds: 2,
      });
      const startsAt = Date.parse(listing.body.biddingStartsAt);
      // Only the early job (and its retry) can open it on time: the scheduled open is gone.
      expect(await queue.remove(openJobId(listing.id, new Date(startsAt)))).toBe(1);
      // The open job as that worker's clock fires it: 8 s before the start. Its clock says due.
      await sleepUntil(startsAt, -WORKER_AHEAD_MS);
      await queue.add(
        'open',
        { listingId: listing.id, at: new Date(startsAt).toISOString() },
        { jobId: `early-${listing.id}` },
      );
      expect(await returned(queue, `early-${listing.id}`, 'the early open job')).toMatchObject({
        opened: false,
        dueInMs: expect.any(Number),
      });
      // (The api shows an announced listing past its start as bidding: the audit entry is the open.)
      const opens = await waitFor(
        async () => {
          const times = await auditTimes('auction.opened', listing.id);
          return times.length > 0 ? times : undefined;
        },
        20_000,
        'the open',
      );
      // Opened at the start by the database's clock, before the sweeper would have caught it.
      expect(opens).toHaveLength(1);
      expect(opens[0]).toBeGreaterThanOrEqual(startsAt);
      expect(opens[0]).toBeLessThan(startsAt + SWEEP_GRACE_MS);
    });
  });

  it("a worker whose clock runs 8 s ahead runs the close early but closes only at the database's end, by its retry", async () => {
    const api = platform.api.url;
    const [a, b] = bidders;
    await withFastWorker(async (queue) => {
      // No countdown bid below: the auction ends at freeBiddingEndsAt + 2 s.
      const listing = await createPublishedListing(api, staff, [a, b], {
        biddingInMs: 3000,
        freeMs: 9000,
        extensionSeconds: 2,
      });
      const startsAt = Date.parse(listing.body.biddingStartsAt);
      const endsAt = Date.parse(listing.body.freeBiddingEndsAt) + 2000;
      await sleepUntil(startsAt, 300);
      expect(await bidOverRest(api, a.token, listing.id, 800_000, 'a-free')).toMatchObject({ ok: true });
      // Once the open has run (it re-adds the close job when that is missing), only the early job
      // (and its retry) can close the listing on time: the scheduled close is gone.
      await returned(queue, openJobId(listing.id, new Date(startsAt)), 'the open job');
      expect(await queue.remove(closeJobId(listing.id, new Date(endsAt)))).toBe(1);
      // The close job as that worker's clock fires it: 8 s before the end. Its clock says due.
      await sleepUntil(endsAt, -WORKER_AHEAD_MS);
      await queue.add(
        'close',
        { listingId: listing.id, endsAt: new Date(endsAt).toISOString() },
        { jobId: `early-${listing.id}` },
      );
      expect(await returned(queue, `early-${listing.id}`, 'the early close job')).toMatchObject({
        closed: false,
        reason: 'not_due',
      });
      expect((await staffListing(api, staff.token, listing.id)).status).toBe('bidding');
      // Still in the free period by the shared clock: B's bid is taken.
      expect(await bidOverRest(api, b.token, listing.id, 810_000, 'b-free')).toMatchObject({ ok: true });
      const closed = await waitFor(
        async () => {
          const body = await staffListing(api, staff.token, listing.id);
          return body.status === 'sold' ? body : undefined;
        },
        20_000,
        'the close',
      );
      expect(Date.now()).toBeGreaterThanOrEqual(endsAt);
      expect(closed.finalPrice).toBe(810_000);
      expect(Date.parse(closed.closedAt)).toBe(endsAt);
      // Closed at the end by the database's clock, before the sweeper would have caught it.
      const closes = await auditTimes('auction.closed', listing.id);
      expect(closes).toHaveLength(1);
      expect(closes[0]).toBeGreaterThanOrEqual(endsAt);
      expect(closes[0]).toBeLessThan(endsAt + SWEEP_GRACE_MS);
    });
  });
});
