import request from 'supertest';
import type { TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { ask, LiveView } from './support/sockets.js';

/**
 * With no Redis at all, queues run on BullMQ's PostgreSQL backend and live events cross
 * processes through socket.io's PostgreSQL adapter and emitter: one code path, two connections.
 */
describe('single-machine mode (REDIS_URL=none: queues and broadcasts on PostgreSQL)', () => {
  let platform: TestPlatform;
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let gateway: RunningHttpApp;
  let staff: TestUser;
  let bidders: TestUser[];

  beforeAll(async () => {
    platform = await startTestPlatform({ REDIS_URL: null });
    ({ env, api, gateway } = platform);
    staff = await createOperator(env.config, api.url, 'staff');
    bidders = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('reports the mode in health checks', async () => {
    const health = await request(api.url).get('/api/health').expect(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      database: 'up',
      redis: 'not used',
      mode: 'single-machine',
    });
    const gatewayHealth = await request(gateway.url).get('/health').expect(200);
    expect(gatewayHealth.body.mode).toBe('single-machine');
  });

  it('opens, takes bids from both paths, broadcasts them and closes on time', async () => {
    const [a, b] = bidders;
    const listing = await createPublishedListing(api.url, staff, [a, b], {
      biddingInMs: 3000,
      freeMs: 1000,
      extensionSeconds: 2,
    });
    const watcherSocket = await platform.open();
    const socketA = await platform.open(a.token);
    const watcher = new LiveView(watcherSocket, listing.id);
    await watcher.join();

    // The worker's open job runs on the PostgreSQL queue; the event arrives through the PostgreSQL emitter.
    await waitFor(
      () => watcher.statuses.find((event) => event.status === 'bidding'),
      10_000,
      'auction.status',
    );
    const first = await ask(socketA, 'bid', { listingId: listing.id, amount: 800_000, clientBidId: 'sm-a1' });
    expect(first.ok).toBe(true);
    // A REST bid is broadcast from the api process via the emitter.
    await request(api.url)
      .post(`/api/lease-listings/${listing.id}/bids`)
      .auth(b.token, { type: 'bearer' })
      .send({ amount: 820_000, clientBidId: 'sm-b1' })
      .expect(201);
    await waitFor(() => (watcher.bids.length >= 2 ? true : undefined), 5000, 'both bids on the watcher');
    expect(watcher.bids.map((bid) => [bid.seq, bid.amount])).toEqual([
      [1, 800_000],
      [2, 820_000],
    ]);

    const ledger = await request(api.url).get(`/api/lease-listings/${listing.id}`).expect(200);
    const endsAt = Date.parse(ledger.body.endsAt);
    await waitFor(() => watcher.closed, 15_000, 'auction.closed');
    expect(watcher.closed).toMatchObject({
      status: 'sold',
      finalPrice: 820_000,
      winnerCode: listing.codes.get(b.id),
    });
    // Once, after endsAt, within a generous bound (the close's speed is a benchmark's business).
    expect(watcher.closed!.listingId).toBe(listing.id);
    expect(Date.parse(watcher.closed!.closedAt)).toBe(endsAt);
    expect(watcher.closedSeenAt!).toBeGreaterThanOrEqual(endsAt);
    expect(watcher.closedSeenAt! - endsAt).toBeLessThan(10_000);
    expect(watcher.closedEvents).toBe(1);
    expect(watcher.gaps).toBe(0);
    const deals = await request(api.url).get('/api/deals').auth(staff.token, { type: 'bearer' }).expect(200);
    expect(deals.body.items.find((deal: { sourceId: string }) => deal.sourceId === listing.id)?.amount).toBe(
      820_000 * 36,
    );
  });
});
