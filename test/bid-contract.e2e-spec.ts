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
import { ask } from './support/sockets.js';
import { bidOverSocket, publicLedger, sleepUntil } from './support/bidding-clients.js';
import { expectError, tableContents } from './support/checks.js';

const HOUR = 3_600_000;
const BID_KEYS = ['amount', 'at', 'bidderCode', 'endsAt', 'listingId', 'minNextBid', 'seq'];

/**
 * What API.md promises about a bid, on the REST twin: each rejection's status and code, the
 * replay of a clientBidId (time-based and qualification rejections included), whose key a
 * clientBidId is, the rate limit; and when registration for a listing is open.
 */
describe('the bid contract on the REST twin', () => {
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

  const post = (path: string, user: TestUser, body: object = {}) =>
    request(api.url).post(path).auth(user.token, { type: 'bearer' }).send(body);
  const restBid = (listingId: string, user: TestUser, amount: number, clientBidId: string) =>
    post(`/api/lease-listings/${listingId}/bids`, user, { amount, clientBidId });
  const publicStatus = async (listingId: string) =>
    (await request(api.url).get(`/api/lease-listings/${listingId}`).expect(200)).body.status as string;
  const attemptsOf = async (listingId: string) =>
    (
      await request(api.url)
        .get(`/api/lease-listings/${listingId}/bid-attempts?limit=1000`)
        .auth(supervisor.token, { type: 'bearer' })
        .expect(200)
    ).body.items as { clientBidId: string; outcome: string; amount: number }[];

  it('answers every rule rejection with its own status and code, and each key replays its first answer', async () => {
    const [a, b, p] = bidders;
    const listing = await createPublishedListing(api.url, staff, [a, b], {
      biddingInMs: 5000,
      freeMs: 4000,
      extensionSeconds: 1,
    });
    const registration = await post(`/api/lease-listings/${listing.id}/registrations`, p).expect(201);
    const codeOf = (user: TestUser) => listing.codes.get(user.id)!;

    // Before bidding opens: 409 AUCTION_NOT_OPEN; a bidder still pending: 422 NOT_QUALIFIED.
    const early = expectError(await restBid(listing.id, a, 800_000, 'a-early'), 409, 'AUCTION_NOT_OPEN');
    const pending = expectError(await restBid(listing.id, p, 800_000, 'p-early'), 422, 'NOT_QUALIFIED');

    // The pending bidder is qualified, and bidding opens: neither rejection applies any more,
    // yet re-sending either key answers exactly as the first time.
    const qualified = await post(
      `/api/lease-listings/${listing.id}/registrations/${registration.body.id}/qualify`,
      staff,
      { depositReceived: true },
    ).expect(200);
    await waitFor(async () => (await publicStatus(listing.id)) === 'bidding' || undefined, 10_000, 'bidding');
    expect((await restBid(listing.id, a, 800_000, 'a-early').expect(409)).body).toEqual(early);
    expect((await restBid(listing.id, p, 800_000, 'p-early').expect(422)).body).toEqual(pending);

    const tooLow = expectError(await restBid(listing.id, a, 799_999, 'a-low'), 422, 'BID_TOO_LOW');
    const first = await restBid(listing.id, a, 800_000, 'a1').expect(201);
    expect(Object.keys(first.body).sort()).toEqual(BID_KEYS);
    expect(first.body).toMatchObject({
      listingId: listing.id,
      seq: 1,
      amount: 800_000,
      bidderCode: codeOf(a),
      minNextBid: 810_000,
    });
    const self = expectError(await restBid(listing.id, a, 900_000, 'a-self'), 422, 'SELF_OUTBID');
    expectError(await restBid(listing.id, b, 810_000.5, 'b-frac'), 400, 'VALIDATION_FAILED');
    const second = await restBid(listing.id, p, 810_000, 'p1').expect(201);
    expect(second.body).toMatchObject({ seq: 2, amount: 810_000, bidderCode: qualified.body.bidderCode });

    // Replays, whatever amount they carry now: the acceptance (no second bid), and rule
    // rejections that would no longer apply (a no longer leads; 900 000 is no longer too low).
    expect((await restBid(listing.id, a, 990_000, 'a1').expect(201)).body).toEqual(first.body);
    expect((await restBid(listing.id, a, 990_000, 'a-self').expect(422)).body).toEqual(self);
    expect((await restBid(listing.id, a, 990_000, 'a-low').expect(422)).body).toEqual(tooLow);
    // A validation failure is not an outcome: the same key with a valid body is decided afresh.
    const fresh = await restBid(listing.id, b, 820_000, 'b-frac').expect(201);
    expect(fresh.body).toMatchObject({ seq: 3, bidderCode: codeOf(b) });

    // After the end: 409 AUCTION_CLOSED, and that replays too.
    await sleepUntil(Date.parse(fresh.body.endsAt), 50);
    const closed = expectError(await restBid(listing.id, a, 2_000_000, 'a-late'), 409, 'AUCTION_CLOSED');
    await waitFor(async () => (await publicStatus(listing.id)) === 'sold' || undefined, 20_000, 'sold');
    expect((await restBid(listing.id, a, 2_000_000, 'a-late').expect(409)).body).toEqual(closed);

    expect((await publicLedger(api.url, listing.id)).map((entry) => [entry.seq, entry.amount])).toEqual([
      [1, 800_000],
      [2, 810_000],
      [3, 820_000],
    ]);
    // Each key was decided once and kept once, with the first outcome.
    const attempts = await attemptsOf(listing.id);
    const outcomes = Object.fromEntries(attempts.map((attempt) => [attempt.clientBidId, attempt.outcome]));
    expect(outcomes).toEqual({
      'a-early': 'AUCTION_NOT_OPEN',
      'p-early': 'NOT_QUALIFIED',
      'a-low': 'BID_TOO_LOW',
      a1: 'accepted',
      'a-self': 'SELF_OUTBID',
      p1: 'accepted',
      'b-frac': 'accepted',
      'a-late': 'AUCTION_CLOSED',
    });
    expect(attempts).toHaveLength(8);
  });

  it('a clientBidId is per bidder: two bidders sending the same one make two bids', async () => {
    const [a, b] = bidders;
    const listing = await createPublishedListing(api.url, staff, [a, b], {
      biddingInMs: 3000,
      freeMs: 60_000,
      extensionSeconds: 60,
    });
    const socketB = await platform.open(b.token);
    await waitFor(async () => (await publicStatus(listing.id)) === 'bidding' || undefined, 10_000, 'bidding');
    const byA = await restBid(listing.id, a, 800_000, 'shared-key').expect(201);
    const byB = await bidOverSocket(socketB, listing.id, 810_000, 'shared-key');
    expect(byA.body).toMatchObject({ seq: 1, amount: 800_000, bidderCode: listing.codes.get(a.id) });
    expect(byB).toEqual({
      ok: true,
      bid: expect.objectContaining({ seq: 2, amount: 810_000, bidderCode: listing.codes.get(b.id) }),
    });
    // And each bidder's retry still answers its own bid.
    expect((await restBid(listing.id, b, 1, 'shared-key').expect(201)).body).toEqual(
      (byB as { ok: true; bid: unknown }).bid,
    );
    expect((await restBid(listing.id, a, 1, 'shared-key').expect(201)).body).toEqual(byA.body);
    expect((await publicLedger(api.url, listing.id)).map((entry) => entry.seq)).toEqual([1, 2]);
  });

  it('RATE_LIMITED on the REST twin is a 429 that records nothing; the key is decided afresh later', async () => {
    const [, , , c] = bidders;
    const listing = await createPublishedListing(api.url, staff, [c], {
      biddingInMs: 2500,
      freeMs: 60_000,
      extensionSeconds: 60,
    });
    await waitFor(async () => (await publicStatus(listing.id)) === 'bidding' || undefined, 10_000, 'bidding');
    // 25 at once: a limit of 10 a second allows at most 20 even across a window's edge.
    const keys = Array.from({ length: 25 }, (_, i) => `burst-${i}`);
    const answers = await Promise.all(keys.map((key) => restBid(listing.id, c, 1, key)));
    const limited = keys.filter((_, i) => answers[i].status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    answers.forEach((answer) =>
      answer.status === 429
        ? expectError(answer, 429, 'RATE_LIMITED')
        : expectError(answer, 422, 'BID_TOO_LOW'),
    );
    const recorded = (await attemptsOf(listing.id)).map((attempt) => attempt.clientBidId);
    expect(recorded.sort()).toEqual(keys.filter((key) => !limited.includes(key)).sort());

    // Once the window has passed, a limited key is answered by the rules, as a new attempt.
    // A refused attempt records nothing, so asking again until the window lets it through is harmless.
    const afterWindow = await waitFor(
      async () => {
        const answer = await restBid(listing.id, c, 1, limited[0]);
        return answer.status === 429 ? undefined : answer;
      },
      10_000,
      'the next rate window',
    );
    expectError(afterWindow, 422, 'BID_TOO_LOW');
    expect((await attemptsOf(listing.id)).map((attempt) => attempt.clientBidId)).toContain(limited[0]);
  });

  it('socket bids are limited the same way, with the same code', async () => {
    const [, , , c] = bidders;
    const listing = await createPublishedListing(api.url, staff, [c], {
      biddingInMs: 2500,
      freeMs: 60_000,
      extensionSeconds: 60,
    });
    const socket = await platform.open(c.token);
    await waitFor(async () => (await publicStatus(listing.id)) === 'bidding' || undefined, 10_000, 'bidding');
    const acks = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        ask(socket, 'bid', { listingId: listing.id, amount: 1, clientBidId: `s-${i}` }),
      ),
    );
    const codes = acks.map((ack) => ack.error?.code);
    expect(codes.filter((code) => code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(5);
    expect(codes.filter((code) => code !== 'RATE_LIMITED' && code !== 'BID_TOO_LOW')).toEqual([]);
  });

  describe('registration for a listing', () => {
    const publishWith = async (schedule: Record<string, string>) => {
      const created = await post('/api/lease-listings', staff, {
        ...listingBody({ biddingInMs: HOUR, freeMs: 10 * 60_000, extensionSeconds: 60 }),
        ...schedule,
      }).expect(201);
      await post(`/api/lease-listings/${created.body.id}/publish`, staff).expect(200);
      return created.body.id as string;
    };

    it('before registrationStartsAt → 422 REGISTRATION_NOT_OPEN, and nothing is written', async () => {
      const [, , , c] = bidders;
      const id = await publishWith({
        registrationStartsAt: new Date(Date.now() + 10 * 60_000).toISOString(),
      });
      const before = await tableContents(env.config.DATABASE_URL);
      expectError(await post(`/api/lease-listings/${id}/registrations`, c), 422, 'REGISTRATION_NOT_OPEN');
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });

    it('from registrationEndsAt on → 422 REGISTRATION_CLOSED, and nothing is written', async () => {
      const [, , , c] = bidders;
      const endsAt = Date.now() + 1500;
      const id = await publishWith({ registrationEndsAt: new Date(endsAt).toISOString() });
      await sleepUntil(endsAt, 50);
      const before = await tableContents(env.config.DATABASE_URL);
      expectError(await post(`/api/lease-listings/${id}/registrations`, c), 422, 'REGISTRATION_CLOSED');
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });

    it('a cancelled listing → 422 REGISTRATION_CLOSED', async () => {
      const [, , , c] = bidders;
      const id = await publishWith({});
      await post(`/api/lease-listings/${id}/cancel`, staff, { reason: '产权人撤回委托' }).expect(200);
      expectError(await post(`/api/lease-listings/${id}/registrations`, c), 422, 'REGISTRATION_CLOSED');
    });
  });
});
