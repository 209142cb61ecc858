import request from 'supertest';
import { BusinessCalendar } from '../libs/domain/src/business-calendar.js';
import { calendarDateInZone } from '../libs/domain/src/calendar.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingReadyOnSite as readyOnSite,
  registerBidder,
  type TestUser,
} from './support/factories.js';
import { expectError, queryRows, type TableContents, tableContents } from './support/checks.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SHA = 'ab'.repeat(32);
const START_PRICE = 800_000; // listingBody's starting monthly rent, fen
const TERM_MONTHS = 36;

/**
 * Staff record an on-site auction (现场拍租) of a lease listing: checked against the listing's
 * registrations and the database's clock by the domain's on-site rules, stored with the signed
 * record's hash, closing the listing sold or unsold through the lifecycle table, with the deal
 * (hammer × months, sourceType `on_site_auction`) and the deposits settled as after an online
 * close. Every refusal has its code and writes nothing.
 */
describe('on-site auctions (现场拍租) of a lease listing', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let qualifiedA: TestUser;
  let qualifiedB: TestUser;
  let pending: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    [staff, supervisor] = await Promise.all([
      createOperator(env.config, api.url, 'staff'),
      createOperator(env.config, api.url, 'supervisor'),
    ]);
    [qualifiedA, qualifiedB, pending, outsider] = await Promise.all(
      [0, 1, 2, 3].map(() => registerBidder(api.url)),
    );
  });

  afterAll(async () => {
    await api?.close();
    await env?.drop();
  });

  const record = (listingId: string, body: object, user = staff) =>
    request(api.url)
      .post(`/api/lease-listings/${listingId}/on-site-auction`)
      .auth(user.token, { type: 'bearer' })
      .send(body);

  /** Ready on site (see the factory) with A and B qualified and one registration still pending. */
  const listingReadyOnSite = () =>
    readyOnSite(api.url, env.config.DATABASE_URL, staff, [qualifiedA, qualifiedB], [pending]);

  const sale = (overrides: Record<string, unknown> = {}) => ({
    auctioneer: '张三 (拍卖师证 0001)',
    place: '东湖区公共资源交易中心 3 楼拍卖厅',
    heldAt: new Date(Date.now() - 30_000).toISOString(),
    presentBidderIds: [qualifiedA.id, qualifiedB.id, pending.id],
    outcome: 'sold',
    hammerPrice: 900_000,
    winnerId: qualifiedA.id,
    recordFileName: '现场拍租笔录.pdf',
    recordFileSha256: SHA,
    ...overrides,
  });

  describe('refusals, each with its code, writing nothing', () => {
    let listingId: string;
    let before: TableContents;

    beforeAll(async () => {
      listingId = (await listingReadyOnSite()).id;
      before = await tableContents(env.config.DATABASE_URL);
    });
    afterEach(async () => {
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });

    it.each<[string, () => Record<string, unknown>, string, unknown]>([
      [
        'an unqualified winner (registered, deposit not received)',
        () => sale({ winnerId: pending.id }),
        'WINNER_NOT_QUALIFIED',
        { status: 'pending' },
      ],
      [
        'a winner who was not present',
        () => sale({ presentBidderIds: [qualifiedB.id], winnerId: qualifiedA.id }),
        'WINNER_NOT_PRESENT',
        undefined,
      ],
      [
        'a hammer price below the starting rent',
        () => sale({ hammerPrice: START_PRICE - 1 }),
        'HAMMER_PRICE_TOO_LOW',
        { startPrice: START_PRICE },
      ],
      [
        'held in the future (after the database’s now)',
        () => sale({ heldAt: new Date(Date.now() + HOUR).toISOString() }),
        'ON_SITE_AUCTION_IN_FUTURE',
        undefined,
      ],
      [
        'held before notice + 7 days',
        () => sale({ heldAt: new Date(Date.now() - 2 * DAY).toISOString() }),
        'ON_SITE_AUCTION_TOO_EARLY',
        undefined,
      ],
      [
        'someone present who never registered',
        () => sale({ presentBidderIds: [qualifiedA.id, outsider.id] }),
        'BIDDER_NOT_REGISTERED',
        undefined,
      ],
    ])('%s → 422', async (_name, body, code, details) => {
      const response = expectError(await record(listingId, body()), 422, code);
      if (details) expect(response.details).toMatchObject(details);
      if (code === 'BIDDER_NOT_REGISTERED') expect(response.details).toEqual({ bidderIds: [outsider.id] });
    });

    it('a listing whose registration is still open → 422 ON_SITE_AUCTION_TOO_EARLY', async () => {
      const open = await createPublishedListing(api.url, staff, [qualifiedA], { biddingInMs: HOUR });
      before = await tableContents(env.config.DATABASE_URL);
      expectError(
        await record(open.id, sale({ presentBidderIds: [qualifiedA.id] })),
        422,
        'ON_SITE_AUCTION_TOO_EARLY',
      );
    });

    it('only staff record (403 FORBIDDEN otherwise); an unknown listing → 404 LISTING_NOT_FOUND', async () => {
      expectError(await record(listingId, sale(), supervisor), 403, 'FORBIDDEN');
      expectError(await record(listingId, sale(), qualifiedA), 403, 'FORBIDDEN');
      expectError(await record('00000000-0000-4000-8000-000000000000', sale()), 404, 'LISTING_NOT_FOUND');
    });
  });

  it('a recorded sale: sold through the table, the deal (hammer × months, on_site_auction), the record’s hash, the deposits settled', async () => {
    const listing = await listingReadyOnSite();
    const heldAt = new Date(Date.now() - 30_000).toISOString();
    const recorded = await record(listing.id, sale({ heldAt })).expect(201);
    expect(recorded.body).toEqual({
      id: expect.any(String),
      listingId: listing.id,
      outcome: 'sold',
      status: 'sold',
      hammerPrice: 900_000,
      winnerId: qualifiedA.id,
      winnerCode: listing.codes.get(qualifiedA.id),
      dealAmount: 900_000 * TERM_MONTHS,
      heldAt,
    });

    const shown = await request(api.url)
      .get(`/api/lease-listings/${listing.id}`)
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
    expect(shown.body).toMatchObject({
      status: 'sold',
      winnerId: qualifiedA.id,
      winnerCode: listing.codes.get(qualifiedA.id),
      finalPrice: 900_000,
      closedAt: heldAt,
    });

    const deals = await queryRows<Record<string, unknown>>(
      env.config.DATABASE_URL,
      `SELECT category, subtype, source_type, source_id::text, amount::text, winner_id::text, closed_at
         FROM deals WHERE source_id = $1`,
      [recorded.body.id],
    );
    expect(deals).toEqual([
      {
        category: 'property_rights',
        subtype: 'lease',
        source_type: 'on_site_auction',
        source_id: recorded.body.id,
        amount: String(900_000 * TERM_MONTHS),
        winner_id: qualifiedA.id,
        closed_at: new Date(heldAt),
      },
    ]);
    const [stored] = await queryRows<Record<string, unknown>>(
      env.config.DATABASE_URL,
      `SELECT host_type, host_id::text, outcome, record_file_name, record_file_sha256, recorded_by::text,
              present_bidder_ids::text[] AS present
         FROM on_site_auctions WHERE id = $1`,
      [recorded.body.id],
    );
    expect(stored).toEqual({
      host_type: 'lease_listing',
      host_id: listing.id,
      outcome: 'sold',
      record_file_name: '现场拍租笔录.pdf',
      record_file_sha256: SHA,
      recorded_by: staff.id,
      present: [qualifiedA.id, qualifiedB.id, pending.id],
    });

    // The loser's deposit falls due for refund 5 business days after the day it was held;
    // the winner's is held; the pending one was never received.
    const years = (await request(api.url).get('/api/calendar').expect(200)).body.items as {
      year: number;
      holidays: string[];
      workdays: string[];
    }[];
    const dueOn = new BusinessCalendar(years).addBusinessDays(
      calendarDateInZone(new Date(heldAt), env.config.CENTRE_TZ),
      5,
    );
    const deposits = (
      await request(api.url)
        .get(`/api/deposits?hostType=lease&hostId=${listing.id}`)
        .auth(staff.token, { type: 'bearer' })
        .expect(200)
    ).body.items as { bidderId: string; state: string; refundDueOn: string | null }[];
    const of = (bidder: TestUser) => deposits.find((deposit) => deposit.bidderId === bidder.id);
    expect(of(qualifiedA)).toMatchObject({ state: 'received', refundDueOn: null });
    expect(of(qualifiedB)).toMatchObject({ state: 'received', refundDueOn: dueOn });
    expect(of(pending)).toMatchObject({ state: 'due', refundDueOn: null });

    const audit = await queryRows<{ action: string; actor_id: string }>(
      env.config.DATABASE_URL,
      `SELECT action, actor_id::text FROM audit_log WHERE entity_id = $1 AND action = 'auction.on_site_recorded'`,
      [listing.id],
    );
    expect(audit).toEqual([{ action: 'auction.on_site_recorded', actor_id: staff.id }]);

    // Recorded once: the listing is sold now.
    const before = await tableContents(env.config.DATABASE_URL);
    expectError(await record(listing.id, sale()), 409, 'INVALID_STATE_TRANSITION');
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it('流拍 on site: unsold through the table, no deal, every received deposit due for refund', async () => {
    const listing = await listingReadyOnSite();
    const recorded = await record(
      listing.id,
      sale({ outcome: 'unsold', hammerPrice: undefined, winnerId: undefined, presentBidderIds: [] }),
    ).expect(201);
    expect(recorded.body).toMatchObject({
      outcome: 'unsold',
      status: 'unsold',
      hammerPrice: null,
      dealAmount: null,
    });
    const shown = await request(api.url).get(`/api/lease-listings/${listing.id}`).expect(200);
    expect(shown.body.status).toBe('unsold');
    expect(
      await queryRows(env.config.DATABASE_URL, `SELECT 1 FROM deals WHERE source_id = $1`, [
        recorded.body.id,
      ]),
    ).toEqual([]);
    const deposits = (
      await request(api.url)
        .get(`/api/deposits?hostId=${listing.id}&state=received`)
        .auth(staff.token, { type: 'bearer' })
        .expect(200)
    ).body.items as { refundDueOn: string | null }[];
    expect(deposits).toHaveLength(2);
    expect(deposits.every((deposit) => deposit.refundDueOn !== null)).toBe(true);
  });

  it('a listing open for online bidding is not recorded on site → 409 INVALID_STATE_TRANSITION', async () => {
    const listing = await listingReadyOnSite();
    await queryRows(
      env.config.DATABASE_URL,
      `UPDATE auctions SET bidding_starts_at = now() - interval '1 second' WHERE id = $1`,
      [listing.id],
    );
    const before = await tableContents(env.config.DATABASE_URL);
    expectError(await record(listing.id, sale()), 409, 'INVALID_STATE_TRANSITION');
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });
});
