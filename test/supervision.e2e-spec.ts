import request from 'supertest';
import type { TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingBody,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { ask, LiveView } from './support/sockets.js';
import { sleepUntil } from './support/bidding-clients.js';

describe('suspension (暂停) and cancellation (终止)', () => {
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
    bidders = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
  });

  afterAll(async () => {
    await platform?.close();
  });

  const post = (path: string, user: TestUser, body: object = {}) =>
    request(api.url).post(path).auth(user.token, { type: 'bearer' }).send(body);

  it('freezes the countdown while suspended and gives the time back on resume', async () => {
    const [a, b] = bidders;
    const listing = await createPublishedListing(api.url, staff, [a, b], {
      biddingInMs: 3000,
      freeMs: 1000,
      extensionSeconds: 3,
    });
    const socketA = await platform.open(a.token);
    const watcherSocket = await platform.open();
    const watcher = new LiveView(watcherSocket, listing.id);
    await watcher.join();
    await waitFor(() => watcher.statuses.find((event) => event.status === 'bidding'), 8000, 'bidding');
    await waitFor(
      () => (Date.now() > Date.parse(listing.body.freeBiddingEndsAt) ? true : undefined),
      5000,
      'countdown',
    );
    const first = await ask(socketA, 'bid', { listingId: listing.id, amount: 800_000, clientBidId: 's1' });
    expect(first.ok).toBe(true);
    const endsBefore = Date.parse(first.bid.endsAt);

    await post(`/api/lease-listings/${listing.id}/suspend`, staff, { reason: '收到异议' }).expect(403);
    const suspendSent = Date.now();
    const suspended = await post(`/api/lease-listings/${listing.id}/suspend`, supervisor, {
      reason: '收到异议,暂停竞价',
    }).expect(200);
    const suspendAnswered = Date.now();
    expect(suspended.body.status).toBe('suspended');
    await waitFor(
      () => watcher.statuses.find((event) => event.status === 'suspended'),
      5000,
      'suspended event',
    );
    const refused = await ask(socketA, 'bid', { listingId: listing.id, amount: 900_000, clientBidId: 's2' });
    expect(refused.error.code).toBe('AUCTION_NOT_OPEN');
    const publicView = await request(api.url).get(`/api/lease-listings/${listing.id}`).expect(200);
    expect(publicView.body).toMatchObject({ status: 'suspended', reason: '收到异议,暂停竞价' });

    // Past the old end, nothing closes while suspended.
    await sleepUntil(endsBefore, 1500);
    expect(watcher.closed).toBeUndefined();
    const resumeSent = Date.now();
    const resumed = await post(`/api/lease-listings/${listing.id}/resume`, supervisor).expect(200);
    const resumeAnswered = Date.now();
    expect(resumed.body.status).toBe('bidding');
    // The remaining countdown is whole again: the end moved by exactly the pause, which lies
    // between what the request timestamps allow.
    const shift = Date.parse(resumed.body.endsAt) - endsBefore;
    expect(shift).toBeGreaterThanOrEqual(resumeSent - suspendAnswered);
    expect(shift).toBeLessThanOrEqual(resumeAnswered - suspendSent);
    expect(Date.parse(resumed.body.endsAt)).toBeGreaterThan(Date.now());

    const socketB = await platform.open(b.token);
    const afterResume = await ask(socketB, 'bid', {
      listingId: listing.id,
      amount: 810_000,
      clientBidId: 's3',
    });
    expect(afterResume.ok).toBe(true);
    await waitFor(() => watcher.closed, 10_000, 'close after resume');
    expect(watcher.closed).toMatchObject({ status: 'sold', finalPrice: 810_000 });

    const audit = await request(api.url)
      .get(`/api/audit?entityType=lease_listing&entityId=${listing.id}&limit=100`)
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    const actions = audit.body.items.map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(['listing.suspended', 'listing.resumed', 'auction.closed']),
    );
  });

  it('lets staff cancel before bidding with a reason; a cancelled listing never closes or takes bids', async () => {
    const [a] = bidders;
    const listing = await createPublishedListing(api.url, staff, [a], {
      biddingInMs: 3000,
      freeMs: 1000,
      extensionSeconds: 1,
    });
    await post(`/api/lease-listings/${listing.id}/cancel`, staff, {}).expect(400);
    const cancelled = await post(`/api/lease-listings/${listing.id}/cancel`, staff, {
      reason: '产权人撤回委托',
    }).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: '产权人撤回委托' });
    await post(`/api/lease-listings/${listing.id}/cancel`, staff, { reason: 'again' }).expect(409);
    await sleepUntil(Date.parse(listing.body.freeBiddingEndsAt), 1500);
    const late = await post(`/api/lease-listings/${listing.id}/bids`, a, {
      amount: 800_000,
      clientBidId: 'c1',
    }).expect(409);
    expect(late.body.code).toBe('AUCTION_CLOSED');
    const after = await request(api.url).get(`/api/lease-listings/${listing.id}`).expect(200);
    expect(after.body.status).toBe('cancelled');
  });

  it('refuses to cancel once bidding has started (a supervisor suspends first)', async () => {
    const [a] = bidders;
    const listing = await createPublishedListing(api.url, staff, [a], {
      biddingInMs: 2500,
      freeMs: 60_000,
      extensionSeconds: 60,
    });
    await waitFor(
      async () =>
        (await request(api.url).get(`/api/lease-listings/${listing.id}`)).body.status === 'bidding' ||
        undefined,
      10_000,
      'bidding to open',
    );
    const refused = await post(`/api/lease-listings/${listing.id}/cancel`, staff, { reason: '撤回' }).expect(
      409,
    );
    expect(refused.body.code).toBe('INVALID_STATE_TRANSITION');
    await post(`/api/lease-listings/${listing.id}/suspend`, supervisor, { reason: '监管暂停' }).expect(200);
    await post(`/api/lease-listings/${listing.id}/cancel`, staff, { reason: '撤回' }).expect(200);
  });

  it('keeps drafts out of the public list and its total; staff see them', async () => {
    const draft = await post('/api/lease-listings', staff, listingBody({ biddingInMs: 60_000 })).expect(201);
    const publicList = await request(api.url).get('/api/lease-listings?limit=1000').expect(200);
    expect(publicList.body.items.map((item: { id: string }) => item.id)).not.toContain(draft.body.id);
    expect(publicList.body.items.every((item: { status: string }) => item.status !== 'draft')).toBe(true);
    expect(publicList.body.total).toBe(publicList.body.items.length);
    const staffList = await request(api.url)
      .get('/api/lease-listings?limit=1000')
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
    expect(staffList.body.items.map((item: { id: string }) => item.id)).toContain(draft.body.id);
    expect(staffList.body.total).toBe(publicList.body.total + 1);
    const onePage = await request(api.url).get('/api/lease-listings?limit=1').expect(200);
    expect(onePage.body.total).toBe(publicList.body.total);
    await request(api.url).get('/api/lease-listings?status=draft').expect(200, { items: [], total: 0 });
  });
});

describe('the lifecycle at its edges', () => {
  let platform: TestPlatform;
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ env, api } = platform);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    bidder = await registerBidder(api.url);
  });

  afterAll(async () => {
    await platform?.close();
  });

  const post = (path: string, user: TestUser, body: object = {}) =>
    request(api.url).post(path).auth(user.token, { type: 'bearer' }).send(body);
  const staffView = async (id: string) =>
    (
      await request(api.url)
        .get(`/api/lease-listings/${id}`)
        .auth(staff.token, { type: 'bearer' })
        .expect(200)
    ).body;

  it('suspending an announced listing: bidding does not open while suspended, and resume moves the opening by the pause', async () => {
    const listing = await createPublishedListing(api.url, staff, [bidder], {
      biddingInMs: 3000,
      freeMs: 2000,
      extensionSeconds: 1,
    });
    const watcher = new LiveView(await platform.open(), listing.id);
    await watcher.join();
    const suspendSent = Date.now();
    const suspended = await post(`/api/lease-listings/${listing.id}/suspend`, supervisor, {
      reason: '公告内容有误',
    }).expect(200);
    const suspendAnswered = Date.now();
    expect(suspended.body).toMatchObject({ status: 'suspended', storedStatus: 'suspended' });

    const opensAt = Date.parse(listing.body.biddingStartsAt);
    await sleepUntil(opensAt, 1500);
    expect((await request(api.url).get(`/api/lease-listings/${listing.id}`).expect(200)).body.status).toBe(
      'suspended',
    );
    const socket = await platform.open(bidder.token);
    const refused = await ask(socket, 'bid', {
      listingId: listing.id,
      amount: 800_000,
      clientBidId: 'sus-1',
    });
    expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'AUCTION_NOT_OPEN' }) });
    expect(watcher.statuses.map((event) => event.status)).toEqual(['suspended']);

    const resumeSent = Date.now();
    const resumed = await post(`/api/lease-listings/${listing.id}/resume`, supervisor).expect(200);
    const resumeAnswered = Date.now();
    expect(resumed.body.status).toBe('announced');
    const shift = Date.parse(resumed.body.biddingStartsAt) - opensAt;
    expect(shift).toBeGreaterThanOrEqual(resumeSent - suspendAnswered);
    expect(shift).toBeLessThanOrEqual(resumeAnswered - suspendSent);
    expect(Date.parse(resumed.body.freeBiddingEndsAt) - Date.parse(listing.body.freeBiddingEndsAt)).toBe(
      shift,
    );

    // It opens by itself at the new time, not before.
    await waitFor(() => watcher.statuses.find((event) => event.status === 'bidding'), 15_000, 'bidding');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(resumed.body.biddingStartsAt));
  });

  it('cancelling a draft: it ends there, with its reason, and can never be published', async () => {
    const draft = await post('/api/lease-listings', staff, listingBody({ biddingInMs: 60_000 })).expect(201);
    const cancelled = await post(`/api/lease-listings/${draft.body.id}/cancel`, staff, {
      reason: '委托材料不全',
    }).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', reason: '委托材料不全' });
    const refused = await post(`/api/lease-listings/${draft.body.id}/publish`, staff);
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 409,
      code: 'INVALID_STATE_TRANSITION',
    });
    expect(await staffView(draft.body.id)).toMatchObject({ storedStatus: 'cancelled' });
  });

  it('suspending after endsAt: 409 AUCTION_CLOSED before the close is written, 409 INVALID_STATE_TRANSITION after', async () => {
    const listing = await createPublishedListing(api.url, staff, [bidder], {
      biddingInMs: 3000,
      freeMs: 1000,
      extensionSeconds: 1,
    });
    await platform.stopWorker();
    try {
      const endsAt = Date.parse(listing.body.freeBiddingEndsAt) + 1000;
      await sleepUntil(endsAt, 100);
      const stored = (await staffView(listing.id)).storedStatus;
      const early = await post(`/api/lease-listings/${listing.id}/suspend`, supervisor, {
        reason: '迟到的异议',
      });
      expect({ status: early.status, code: early.body.code }).toEqual({
        status: 409,
        code: 'AUCTION_CLOSED',
      });
      expect((await staffView(listing.id)).storedStatus).toBe(stored);
    } finally {
      await platform.startWorker();
    }
    await waitFor(
      async () => (await staffView(listing.id)).storedStatus === 'unsold' || undefined,
      20_000,
      'unsold',
    );
    const late = await post(`/api/lease-listings/${listing.id}/suspend`, supervisor, {
      reason: '迟到的异议',
    });
    expect({ status: late.status, code: late.body.code }).toEqual({
      status: 409,
      code: 'INVALID_STATE_TRANSITION',
    });
  });

  it('extensionSeconds defaults to 300: the first end is freeBiddingEndsAt + 300 s, and a countdown bid restarts 300 s', async () => {
    const body = listingBody({ biddingInMs: 3000, freeMs: 1000 });
    delete (body as Partial<typeof body>).extensionSeconds;
    const created = await post('/api/lease-listings', staff, body).expect(201);
    const id = created.body.id as string;
    expect(created.body).toMatchObject({
      extensionSeconds: 300,
      endsAt: new Date(Date.parse(body.freeBiddingEndsAt) + 300_000).toISOString(),
    });
    await post(`/api/lease-listings/${id}/publish`, staff).expect(200);
    const registration = await post(`/api/lease-listings/${id}/registrations`, bidder).expect(201);
    await post(`/api/lease-listings/${id}/registrations/${registration.body.id}/qualify`, staff, {
      depositReceived: true,
    }).expect(200);
    await sleepUntil(Date.parse(body.freeBiddingEndsAt), 50);
    const socket = await platform.open(bidder.token);
    const bid = await ask(socket, 'bid', { listingId: id, amount: 800_000, clientBidId: 'default-ext' });
    expect(bid.ok).toBe(true);
    expect(Date.parse(bid.bid.endsAt)).toBe(Date.parse(bid.bid.at) + 300_000);
  });
});
