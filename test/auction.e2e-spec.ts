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
import { sleepUntil } from './support/bidding-clients.js';

describe('a live lease auction, end to end', () => {
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
    bidders = await Promise.all([0, 1, 2, 3].map(() => registerBidder(api.url)));
  });

  afterAll(async () => {
    await platform?.close();
  });

  const open = (token?: string) => platform.open(token);

  it('runs three bidders through every rule to a sold deal, closed on time', async () => {
    const [a, b, c, unqualified] = bidders;
    const listing = await createPublishedListing(
      api.url,
      staff,
      [a, b, c],
      // Room for the set-up below before bidding opens (the "too early" bid), with four test
      // files running at once on two cores.
      { biddingInMs: 9000, freeMs: 2000, extensionSeconds: 2 },
      { reservePrice: 850_000 },
    );
    await request(api.url)
      .post(`/api/lease-listings/${listing.id}/registrations`)
      .auth(unqualified.token, { type: 'bearer' })
      .send({})
      .expect(201);
    const codeOf = (user: TestUser) => listing.codes.get(user.id)!;
    expect(new Set([codeOf(a), codeOf(b), codeOf(c)]).size).toBe(3);

    // The reserve is for staff only.
    const publicView = await request(api.url).get(`/api/lease-listings/${listing.id}`).expect(200);
    expect(publicView.body).not.toHaveProperty('reservePrice');
    expect(JSON.stringify(publicView.body)).not.toContain('850000');
    const staffView = await request(api.url)
      .get(`/api/lease-listings/${listing.id}`)
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
    expect(staffView.body.reservePrice).toBe(850_000);

    const watcherSocket = await open();
    const watcher = new LiveView(watcherSocket, listing.id);
    const first = await watcher.join();
    expect(first).toMatchObject({
      listingId: listing.id,
      status: 'announced',
      currentPrice: null,
      minNextBid: 800_000,
      lastSeq: 0,
      bidCount: 0,
    });
    expect(Math.abs(Date.parse(first.serverTime) - Date.now())).toBeLessThan(2000);
    expect(first).not.toHaveProperty('yourBidderCode');

    const [sa, sb, sc, sd] = await Promise.all([
      open(a.token),
      open(b.token),
      open(c.token),
      open(unqualified.token),
    ]);
    const joinA = await ask(sa, 'join', { listingId: listing.id });
    expect(joinA.snapshot.yourBidderCode).toBe(codeOf(a));

    // Too early.
    const early = await ask(sa, 'bid', { listingId: listing.id, amount: 800_000, clientBidId: 'a-early' });
    expect(early).toEqual({ ok: false, error: expect.objectContaining({ code: 'AUCTION_NOT_OPEN' }) });

    // announced → bidding happens by itself, and watchers hear it.
    await waitFor(
      () => watcher.statuses.find((event) => event.status === 'bidding'),
      15_000,
      'auction.status bidding',
    );

    const tooLowFirst = await ask(sa, 'bid', { listingId: listing.id, amount: 799_999, clientBidId: 'a0' });
    expect(tooLowFirst.error.code).toBe('BID_TOO_LOW');

    const a1 = await ask(sa, 'bid', { listingId: listing.id, amount: 800_000, clientBidId: 'a1' });
    expect(a1).toEqual({
      ok: true,
      bid: expect.objectContaining({ seq: 1, amount: 800_000, bidderCode: codeOf(a), minNextBid: 810_000 }),
    });
    // A retry of the same clientBidId returns the first result and makes no second bid.
    const a1again = await ask(sa, 'bid', { listingId: listing.id, amount: 800_000, clientBidId: 'a1' });
    expect(a1again).toEqual(a1);

    const selfOutbid = await ask(sa, 'bid', { listingId: listing.id, amount: 900_000, clientBidId: 'a2' });
    expect(selfOutbid.error.code).toBe('SELF_OUTBID');
    // Rule rejections replay too, even once they would no longer apply.
    const b1tooLow = await ask(sb, 'bid', { listingId: listing.id, amount: 805_000, clientBidId: 'b1' });
    expect(b1tooLow.error.code).toBe('BID_TOO_LOW');

    // The REST twin goes through the same path.
    const b2 = await request(api.url)
      .post(`/api/lease-listings/${listing.id}/bids`)
      .auth(b.token, { type: 'bearer' })
      .send({ amount: 810_000, clientBidId: 'b2' })
      .expect(201);
    expect(b2.body).toMatchObject({ seq: 2, amount: 810_000, bidderCode: codeOf(b) });
    const selfOutbidReplay = await ask(sa, 'bid', {
      listingId: listing.id,
      amount: 900_000,
      clientBidId: 'a2',
    });
    expect(selfOutbidReplay.error.code).toBe('SELF_OUTBID');

    const notQualified = await ask(sd, 'bid', {
      listingId: listing.id,
      amount: 1_000_000,
      clientBidId: 'd1',
    });
    expect(notQualified.error.code).toBe('NOT_QUALIFIED');
    const anonymous = await ask(watcherSocket, 'bid', {
      listingId: listing.id,
      amount: 1_000_000,
      clientBidId: 'w1',
    });
    expect(anonymous.error.code).toBe('UNAUTHENTICATED');
    const fractional = await ask(sc, 'bid', {
      listingId: listing.id,
      amount: 820_000.5,
      clientBidId: 'c-frac',
    });
    expect(fractional.error.code).toBe('VALIDATION_FAILED');

    // Wait for the countdown; each accepted bid restarts it.
    await waitFor(
      () => Date.now() > Date.parse(listing.body.freeBiddingEndsAt) + 100 || undefined,
      8000,
      'free period end',
    );
    const c1 = await ask(sc, 'bid', { listingId: listing.id, amount: 820_000, clientBidId: 'c1' });
    expect(c1.ok).toBe(true);
    expect(Date.parse(c1.bid.endsAt)).toBe(Date.parse(c1.bid.at) + 2000);
    // Half the countdown passes (by the server's clock, as read from a snapshot), then a bid restarts it.
    await waitFor(
      async () =>
        Date.parse((await ask(watcherSocket, 'join', { listingId: listing.id })).snapshot.serverTime) >=
          Date.parse(c1.bid.at) + 1000 || undefined,
      5000,
      'a second of countdown',
    );
    const a3 = await ask(sa, 'bid', { listingId: listing.id, amount: 860_000, clientBidId: 'a3' });
    expect(a3.ok).toBe(true);
    expect(Date.parse(a3.bid.endsAt)).toBe(Date.parse(a3.bid.at) + 2000);
    expect(Date.parse(a3.bid.endsAt)).toBeGreaterThan(Date.parse(c1.bid.endsAt));

    // Too many bids in a second are RATE_LIMITED (the limit is 10 a second per bidder).
    const burst = await Promise.all(
      Array.from({ length: 14 }, (_, i) =>
        ask(sb, 'bid', { listingId: listing.id, amount: 1, clientBidId: `burst-${i}` }),
      ),
    );
    expect(burst.some((ack) => ack.error?.code === 'RATE_LIMITED')).toBe(true);
    expect(burst.every((ack) => ack.ok === false)).toBe(true);

    // The worker closes it once, after endsAt, within a generous bound on this shared machine
    // (how fast it closes is measured in bench/, not here).
    const endsAt = Date.parse(a3.bid.endsAt);
    await waitFor(() => watcher.closed, 20_000, 'auction.closed');
    expect(watcher.closed).toMatchObject({
      listingId: listing.id,
      status: 'sold',
      finalPrice: 860_000,
      winnerCode: codeOf(a),
    });
    expect(Date.parse(watcher.closed!.closedAt)).toBe(endsAt);
    expect(watcher.closedSeenAt!).toBeGreaterThanOrEqual(endsAt);
    expect(watcher.closedSeenAt! - endsAt).toBeLessThan(10_000);

    const late = await ask(sb, 'bid', { listingId: listing.id, amount: 2_000_000, clientBidId: 'b-late' });
    expect(late.error.code).toBe('AUCTION_CLOSED');

    // Every client saw every accepted bid, in order, each as a broadcast (no gap to repair).
    await watcher.resync();
    expect(watcher.gaps).toBe(0);
    expect(watcher.bids.map((bid) => [bid.seq, bid.amount, bid.bidderCode])).toEqual([
      [1, 800_000, codeOf(a)],
      [2, 810_000, codeOf(b)],
      [3, 820_000, codeOf(c)],
      [4, 860_000, codeOf(a)],
    ]);

    // The public ledger: codes only, gap-free.
    const ledger = await request(api.url).get(`/api/lease-listings/${listing.id}/bids`).expect(200);
    expect(ledger.body.total).toBe(4);
    for (const entry of ledger.body.items)
      expect(Object.keys(entry).sort()).toEqual(['amount', 'at', 'bidderCode', 'seq']);
    expect(JSON.stringify(ledger.body)).not.toContain(a.id);

    const closedPublic = await request(api.url).get(`/api/lease-listings/${listing.id}`).expect(200);
    expect(closedPublic.body).toMatchObject({
      status: 'sold',
      finalPrice: 860_000,
      winnerCode: codeOf(a),
      bidCount: 4,
    });
    expect(closedPublic.body).not.toHaveProperty('reservePrice');

    // The deal record: final monthly rent × term months.
    const deals = await request(api.url)
      .get('/api/deals?category=property_rights&subtype=lease')
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    const deal = deals.body.items.find((item: { sourceId: string }) => item.sourceId === listing.id);
    expect(deal).toMatchObject({
      category: 'property_rights',
      subtype: 'lease',
      sourceType: 'lease_listing',
      amount: 860_000 * 36,
      winnerId: a.id,
      winner: `竞买人 ${a.username}`,
      title: listing.body.title,
      closedAt: new Date(endsAt).toISOString(),
    });
    await request(api.url).get('/api/deals').auth(a.token, { type: 'bearer' }).expect(403);

    // Supervisors see every attempt with its outcome, and a valid audit chain.
    const attempts = await request(api.url)
      .get(`/api/lease-listings/${listing.id}/bid-attempts?limit=1000`)
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    const outcomes = new Set(attempts.body.items.map((item: { outcome: string }) => item.outcome));
    for (const code of [
      'accepted',
      'AUCTION_NOT_OPEN',
      'BID_TOO_LOW',
      'SELF_OUTBID',
      'NOT_QUALIFIED',
      'AUCTION_CLOSED',
    ])
      expect(outcomes).toContain(code);
    expect(
      attempts.body.items.filter((item: { clientBidId: string }) => item.clientBidId === 'a1'),
    ).toHaveLength(1);
    const chain = await request(api.url)
      .get('/api/audit/verify')
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    expect(chain.body).toMatchObject({ valid: true });
    // One close announced, one deal.
    expect(watcher.closedEvents).toBe(1);
    expect(
      deals.body.items.filter((item: { sourceId: string }) => item.sourceId === listing.id),
    ).toHaveLength(1);
    const audit = await request(api.url)
      .get(`/api/audit?entityType=lease_listing&entityId=${listing.id}&limit=100`)
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    const actions = audit.body.items.map((entry: { action: string }) => entry.action);
    expect(actions.filter((action: string) => action === 'bid.accepted')).toHaveLength(4);
    expect(actions).toEqual(
      expect.arrayContaining(['listing.created', 'listing.published', 'auction.opened', 'auction.closed']),
    );
  });

  it('goes unsold below the reserve, refuses a bid a moment after endsAt with no worker running, and closes once one runs', async () => {
    const [a, b] = bidders;
    const listing = await createPublishedListing(
      api.url,
      staff,
      [a, b],
      { biddingInMs: 3000, freeMs: 1500, extensionSeconds: 1 },
      { reservePrice: 900_000 },
    );
    const noBids = await createPublishedListing(api.url, staff, [a], {
      biddingInMs: 3000,
      freeMs: 1500,
      extensionSeconds: 1,
    });
    const sa = await open(a.token);
    await waitFor(
      async () =>
        (await ask(sa, 'bid', { listingId: listing.id, amount: 800_000, clientBidId: `u-${Date.now()}` }))
          .ok || undefined,
      8000,
      'first bid',
    );

    await platform.stopWorker();
    const staffGet = () =>
      request(api.url).get(`/api/lease-listings/${listing.id}`).auth(staff.token, { type: 'bearer' });
    const endsAt = Date.parse((await staffGet()).body.endsAt);
    await sleepUntil(endsAt, 20);
    const sb = await open(b.token);
    const late = await ask(sb, 'bid', { listingId: listing.id, amount: 950_000, clientBidId: 'b-after-end' });
    expect(late.error.code).toBe('AUCTION_CLOSED');
    expect((await staffGet()).body.storedStatus).toBe('bidding');

    await platform.startWorker();
    await waitFor(
      async () => ((await staffGet()).body.status === 'unsold' ? true : undefined),
      8000,
      'unsold',
    );
    const closed = (await staffGet()).body;
    expect(closed).toMatchObject({
      status: 'unsold',
      statusReason: 'reserve_not_met',
      finalPrice: null,
      winnerCode: null,
    });
    await waitFor(
      async () =>
        (await request(api.url).get(`/api/lease-listings/${noBids.id}`)).body.status === 'unsold'
          ? true
          : undefined,
      8000,
      'no-bid unsold',
    );
    const noBidsStaff = await request(api.url)
      .get(`/api/lease-listings/${noBids.id}`)
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
    expect(noBidsStaff.body.statusReason).toBe('no_bids');

    const deals = await request(api.url).get('/api/deals').auth(staff.token, { type: 'bearer' }).expect(200);
    expect(deals.body.items.map((deal: { sourceId: string }) => deal.sourceId)).not.toContain(listing.id);
    expect(deals.body.items.map((deal: { sourceId: string }) => deal.sourceId)).not.toContain(noBids.id);
  });
});
