import type { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { BusinessCalendar } from '../libs/domain/src/business-calendar.js';
import { calendarDateInZone } from '../libs/domain/src/calendar.js';
import { DepositsService } from '../libs/deposits/src/deposits.service.js';
import { DepositRefundsProcessor } from '../apps/worker/src/deposit-refunds.processor.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi, startWorker } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingBody,
  registerBidder,
  sleep,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { expectError, queryRows } from './support/checks.js';

const HOUR = 3_600_000;
const DEPOSIT = 2_000_000; // listingBody's deposit, fen

interface DepositView {
  id: string;
  hostType: string;
  hostId: string;
  registrationId: string;
  bidderId: string;
  bidderName: string;
  amount: number;
  state: string;
  receivedAt: string | null;
  receivedBy?: string | null;
  reference: string | null;
  refundDueOn: string | null;
  refundedAt: string | null;
  refundedBy?: string | null;
  forfeitedAt: string | null;
  forfeitReason: string | null;
  convertedAt: string | null;
  overdue: boolean;
}

/**
 * Deposits (保证金) as money with states, through the API and the worker: a registration opens
 * its deposit `due`; staff receive, refund and forfeit it, each step once, every skip and repeat
 * refused with its own code and nothing written; two staff racing to refund get one refund; a
 * lease's close makes the losers' deposits due for refund 5 business days later on the
 * business-day calendar (a holiday moves it) and holds the winner's; the worker flags an
 * overdue refund once.
 */
describe('deposits (保证金): due → received → refunded | forfeited | converted', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let worker: INestApplicationContext | undefined;
  let staff: TestUser;
  let staff2: TestUser;
  let supervisor: TestUser;
  let bidders: TestUser[];

  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    [staff, staff2, supervisor] = await Promise.all([
      createOperator(env.config, api.url, 'staff'),
      createOperator(env.config, api.url, 'staff'),
      createOperator(env.config, api.url, 'supervisor'),
    ]);
    bidders = await Promise.all([0, 1, 2, 3].map(() => registerBidder(api.url)));
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await env?.drop();
  });

  const post = (path: string, user: TestUser, body: object = {}) =>
    request(api.url).post(path).auth(user.token, { type: 'bearer' }).send(body);
  const get = (path: string, user: TestUser) =>
    request(api.url).get(path).auth(user.token, { type: 'bearer' });
  const depositsOfHost = async (hostId: string) =>
    (await get(`/api/deposits?hostType=lease&hostId=${hostId}`, staff).expect(200)).body
      .items as DepositView[];
  const depositOf = async (hostId: string, bidder: TestUser) =>
    (await depositsOfHost(hostId)).find((deposit) => deposit.bidderId === bidder.id)!;
  const auditOf = (depositId: string) =>
    queryRows<{ action: string; actor_id: string | null; payload: string }>(
      env.config.DATABASE_URL,
      `SELECT action, actor_id, payload FROM audit_log WHERE entity_type = 'deposit' AND entity_id = $1 ORDER BY seq`,
      [depositId],
    );
  const depositRow = async (depositId: string) =>
    (
      await queryRows<{ state: string; refund_due_on: string | null; updated_at: Date }>(
        env.config.DATABASE_URL,
        `SELECT state, refund_due_on::text, updated_at FROM deposits WHERE id = $1`,
        [depositId],
      )
    )[0];

  async function publishedListing(
    schedule = { biddingInMs: HOUR, freeMs: 10 * 60_000, extensionSeconds: 60 },
  ) {
    const created = await post('/api/lease-listings', staff, listingBody(schedule)).expect(201);
    await post(`/api/lease-listings/${created.body.id}/publish`, staff).expect(200);
    return created.body.id as string;
  }
  const register = async (listingId: string, bidder: TestUser) =>
    (await post(`/api/lease-listings/${listingId}/registrations`, bidder).expect(201)).body.id as string;

  it('the OpenAPI description has every new endpoint', async () => {
    const openApi = await request(api.url).get('/docs-json').expect(200);
    const paths = openApi.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/deposits'])).toEqual(['get']);
    expect(Object.keys(paths['/api/me/deposits'])).toEqual(['get']);
    for (const action of ['receive', 'refund', 'forfeit'])
      expect(Object.keys(paths[`/api/deposits/{id}/${action}`])).toEqual(['post']);
    expect(Object.keys(paths['/api/lease-listings/{id}/on-site-auction'])).toEqual(['post']);
  });

  it('a registration opens its deposit due at the listing’s amount; the bidder sees only its own, without staff names', async () => {
    const listingId = await publishedListing();
    const registered = await post(`/api/lease-listings/${listingId}/registrations`, bidders[0]).expect(201);
    // API.md's lease response is unchanged.
    expect(registered.body).toEqual({ id: expect.any(String), status: 'pending' });
    const [deposit] = await depositsOfHost(listingId);
    expect(deposit).toMatchObject({
      hostType: 'lease',
      hostId: listingId,
      registrationId: registered.body.id,
      bidderId: bidders[0].id,
      bidderName: `竞买人 ${bidders[0].username}`,
      amount: DEPOSIT,
      state: 'due',
      receivedAt: null,
      refundDueOn: null,
      overdue: false,
    });
    const mine = await get('/api/me/deposits', bidders[0]).expect(200);
    expect(mine.body.items.filter((item: DepositView) => item.hostId === listingId)).toEqual([
      expect.objectContaining({ id: deposit.id, state: 'due', amount: DEPOSIT }),
    ]);
    expect(mine.body.items[0]).not.toHaveProperty('receivedBy');
    const others = await get('/api/me/deposits', bidders[1]).expect(200);
    expect(others.body.items.map((item: DepositView) => item.id)).not.toContain(deposit.id);
    expect((await auditOf(deposit.id)).map((entry) => [entry.action, entry.actor_id])).toEqual([
      ['deposit.created', bidders[0].id],
    ]);
  });

  it('every state through the API; every refused skip and repeat has its code and writes nothing', async () => {
    const listingId = await publishedListing();
    const [regA, regB, regC] = [
      await register(listingId, bidders[0]),
      await register(listingId, bidders[1]),
      await register(listingId, bidders[2]),
    ];
    expect([regA, regB, regC]).toHaveLength(3);
    const a = await depositOf(listingId, bidders[0]);
    const b = await depositOf(listingId, bidders[1]);
    const c = await depositOf(listingId, bidders[2]);
    const step = (id: string, action: string, body: object = {}, user = staff) =>
      post(`/api/deposits/${id}/${action}`, user, body);
    const refusedUnchanged = async (
      id: string,
      action: string,
      body: object,
      status: number,
      code: string,
    ) => {
      const before = await depositRow(id);
      const audit = await auditOf(id);
      const response = await step(id, action, body);
      expectError(response, status, code);
      expect(await depositRow(id)).toEqual(before);
      expect(await auditOf(id)).toEqual(audit);
      return response;
    };

    // due: money not received cannot leave.
    const skipped = await refusedUnchanged(a.id, 'refund', {}, 422, 'DEPOSIT_NOT_RECEIVED');
    expect(skipped.body.details).toEqual({ state: 'due', action: 'refund' });
    await refusedUnchanged(a.id, 'forfeit', { reason: '未签约' }, 422, 'DEPOSIT_NOT_RECEIVED');

    // due → received, with the staff member, the time and the bank reference.
    const received = await step(a.id, 'receive', { reference: 'BANK-0001' }).expect(200);
    expect(received.body).toMatchObject({
      id: a.id,
      state: 'received',
      receivedBy: `staff ${staff.username}`,
      reference: 'BANK-0001',
      receivedAt: expect.any(String),
    });
    await refusedUnchanged(a.id, 'receive', {}, 409, 'DEPOSIT_ALREADY_RECEIVED');

    // received → refunded, and then nothing more.
    const refunded = await step(a.id, 'refund', { reference: 'REFUND-0001' }).expect(200);
    expect(refunded.body).toMatchObject({
      state: 'refunded',
      refundedBy: `staff ${staff.username}`,
      refundedAt: expect.any(String),
    });
    for (const [action, body] of [
      ['refund', {}],
      ['receive', {}],
      ['forfeit', { reason: '未签约' }],
    ] as const) {
      const settled = await refusedUnchanged(a.id, action, body, 409, 'DEPOSIT_ALREADY_SETTLED');
      expect(settled.body.details).toEqual({ state: 'refunded', action });
    }

    // received (at a given past time) → forfeited, with its reason.
    const receivedAt = new Date(Date.now() - 2 * HOUR).toISOString();
    expect((await step(b.id, 'receive', { receivedAt }).expect(200)).body.receivedAt).toBe(receivedAt);
    const forfeited = await step(b.id, 'forfeit', { reason: '竞得人未按期签约' }).expect(200);
    expect(forfeited.body).toMatchObject({ state: 'forfeited', forfeitReason: '竞得人未按期签约' });
    await refusedUnchanged(b.id, 'refund', {}, 409, 'DEPOSIT_ALREADY_SETTLED');

    // Money cannot arrive in the future (by the database's clock).
    const future = new Date(Date.now() + HOUR).toISOString();
    await refusedUnchanged(c.id, 'receive', { receivedAt: future }, 400, 'VALIDATION_FAILED');

    // received → converted: the system's step when the contract is signed (no endpoint).
    await step(c.id, 'receive').expect(200);
    const deposits = api.app.get(DepositsService);
    const dataSource = api.app.get((await import('typeorm')).DataSource);
    await dataSource.transaction((manager) =>
      deposits.convertWinner(
        manager,
        { hostType: 'lease_listing', hostId: listingId },
        bidders[2].id,
        staff.id,
        new Date(),
      ),
    );
    expect(await depositOf(listingId, bidders[2])).toMatchObject({
      state: 'converted',
      convertedAt: expect.any(String),
    });
    await refusedUnchanged(c.id, 'refund', {}, 409, 'DEPOSIT_ALREADY_SETTLED');

    // Each step once in the trail, with who made it.
    expect((await auditOf(a.id)).map((entry) => [entry.action, entry.actor_id])).toEqual([
      ['deposit.created', bidders[0].id],
      ['deposit.received', staff.id],
      ['deposit.refunded', staff.id],
    ]);
    expect((await auditOf(c.id)).map((entry) => entry.action)).toEqual([
      'deposit.created',
      'deposit.received',
      'deposit.converted',
    ]);

    // Listed by state, for staff and supervisors alike.
    for (const [state, id] of [
      ['refunded', a.id],
      ['forfeited', b.id],
      ['converted', c.id],
    ]) {
      const listed = await get(`/api/deposits?state=${state}&hostId=${listingId}`, supervisor).expect(200);
      expect(listed.body).toMatchObject({ total: 1, items: [expect.objectContaining({ id, state })] });
    }
  });

  it('an unknown deposit is 404 NOT_FOUND; bidders and supervisors cannot record steps', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expectError(await post(`/api/deposits/${unknown}/receive`, staff), 404, 'NOT_FOUND');
    const listingId = await publishedListing();
    await register(listingId, bidders[3]);
    const deposit = await depositOf(listingId, bidders[3]);
    expectError(await post(`/api/deposits/${deposit.id}/receive`, bidders[3]), 403, 'FORBIDDEN');
    expectError(await post(`/api/deposits/${deposit.id}/receive`, supervisor), 403, 'FORBIDDEN');
    expectError(await get('/api/deposits', bidders[3]), 403, 'FORBIDDEN');
    expect((await depositOf(listingId, bidders[3])).state).toBe('due');
  });

  it('qualify {depositReceived: true} records a due deposit’s receipt; {depositReceived: false} qualifies only a received one', async () => {
    const listingId = await publishedListing();
    const [regA, regB, regC] = [
      await register(listingId, bidders[0]),
      await register(listingId, bidders[1]),
      await register(listingId, bidders[2]),
    ];
    const qualify = (registrationId: string, depositReceived: boolean) =>
      post(`/api/lease-listings/${listingId}/registrations/${registrationId}/qualify`, staff, {
        depositReceived,
      });

    await qualify(regA, true).expect(200);
    expect(await depositOf(listingId, bidders[0])).toMatchObject({
      state: 'received',
      receivedBy: `staff ${staff.username}`,
    });

    const b = await depositOf(listingId, bidders[1]);
    const arrived = new Date(Date.now() - 3 * HOUR).toISOString();
    await post(`/api/deposits/${b.id}/receive`, staff2, { reference: 'BANK-B', receivedAt: arrived }).expect(
      200,
    );
    await qualify(regB, false).expect(200);
    // The application shows when the money arrived, not when it was qualified.
    const applications = await get(`/api/lease-listings/${listingId}/registrations`, staff).expect(200);
    expect(applications.body.items.find((item: { id: string }) => item.id === regB)).toMatchObject({
      status: 'qualified',
      depositReceivedAt: arrived,
    });
    // Received once, by whoever received it: qualifying does not receive it again.
    expect(await depositOf(listingId, bidders[1])).toMatchObject({
      state: 'received',
      receivedBy: `staff ${staff2.username}`,
    });

    expectError(await qualify(regC, false), 422, 'DEPOSIT_NOT_RECEIVED');
    expect((await depositOf(listingId, bidders[2])).state).toBe('due');
    // Staff's list and each bidder's own show every deposit's state beside the application.
    const listed = await get(`/api/lease-listings/${listingId}/registrations`, staff).expect(200);
    expect(
      Object.fromEntries(
        listed.body.items.map((item: { id: string; depositState: string }) => [item.id, item.depositState]),
      ),
    ).toEqual({ [regA]: 'received', [regB]: 'received', [regC]: 'due' });
    const own = await get('/api/me/lease-registrations', bidders[2]).expect(200);
    expect(own.body.items.find((item: { id: string }) => item.id === regC)).toMatchObject({
      depositState: 'due',
    });
  });

  it('two staff racing to refund one deposit: exactly one refund, the other DEPOSIT_ALREADY_SETTLED', async () => {
    const listingId = await publishedListing();
    for (const bidder of bidders) await register(listingId, bidder);
    for (const deposit of await depositsOfHost(listingId)) {
      await post(`/api/deposits/${deposit.id}/receive`, staff).expect(200);
      const responses = await Promise.all([
        post(`/api/deposits/${deposit.id}/refund`, staff, { reference: 'R-1' }),
        post(`/api/deposits/${deposit.id}/refund`, staff2, { reference: 'R-2' }),
      ]);
      expect(responses.map((response) => response.status).sort()).toEqual([200, 409]);
      expect(responses.find((response) => response.status === 409)!.body.code).toBe(
        'DEPOSIT_ALREADY_SETTLED',
      );
      const winner = responses.find((response) => response.status === 200)!;
      const refunds = (await auditOf(deposit.id)).filter((entry) => entry.action === 'deposit.refunded');
      expect(refunds).toHaveLength(1);
      expect(JSON.parse(refunds[0].payload).data.refundReference).toBe(
        winner.body.refundedBy === `staff ${staff.username}` ? 'R-1' : 'R-2',
      );
    }
  });

  describe('at the close and after', () => {
    let soldListingId: string;
    let expectedDueOn: string;
    let withoutHolidaysDueOn: string;

    beforeAll(async () => {
      // Two days off in the refund window: the next two business days after today (China time).
      const timeZone = env.config.CENTRE_TZ;
      const today = calendarDateInZone(new Date(), timeZone);
      const years = async () =>
        (await get('/api/calendar', staff).expect(200)).body.items as {
          year: number;
          holidays: string[];
          workdays: string[];
        }[];
      const before = new BusinessCalendar(await years());
      withoutHolidaysDueOn = before.addBusinessDays(today, 5);
      const daysOff = [before.addBusinessDays(today, 1), before.addBusinessDays(today, 2)];
      for (const day of daysOff) {
        const year = Number(day.slice(0, 4));
        const current = (await years()).find((entry) => entry.year === year) ?? {
          holidays: [],
          workdays: [],
        };
        await request(api.url)
          .put(`/api/calendar/${year}`)
          .auth(staff.token, { type: 'bearer' })
          .send({ holidays: [...current.holidays, day], workdays: current.workdays })
          .expect(200);
      }
      const after = new BusinessCalendar(await years());
      // A year the window reaches into must be there for the count.
      for (const year of new Set(
        [withoutHolidaysDueOn, after.addBusinessDays(today, 5)].map((d) => Number(d.slice(0, 4))),
      ))
        expect((await years()).map((entry) => entry.year)).toContain(year);
      expectedDueOn = after.addBusinessDays(today, 5);

      worker = await startWorker(env.config);
      const [a, b, c, pending] = bidders;
      const listing = await createPublishedListing(api.url, staff, [a, b, c], {
        biddingInMs: 2500,
        freeMs: 1500,
        extensionSeconds: 1,
      });
      soldListingId = listing.id;
      await register(soldListingId, pending);
      await sleep(Date.parse(listing.body.biddingStartsAt) - Date.now() + 100);
      await post(`/api/lease-listings/${soldListingId}/bids`, a, {
        amount: 800_000,
        clientBidId: 'a-1',
      }).expect(201);
      await post(`/api/lease-listings/${soldListingId}/bids`, b, {
        amount: 810_000,
        clientBidId: 'b-1',
      }).expect(201);
      await waitFor(
        async () =>
          (await get(`/api/lease-listings/${soldListingId}`, staff)).body.status === 'sold' || undefined,
        30_000,
        'the close',
      );
    });

    it('sold: the losers’ received deposits fall due 5 business days after the deal, counted across the holidays; the winner’s is held', async () => {
      const [a, b, c, pending] = bidders;
      const listing = (await get(`/api/lease-listings/${soldListingId}`, staff).expect(200)).body;
      expect(listing).toMatchObject({ status: 'sold', winnerId: b.id });
      expect(calendarDateInZone(new Date(listing.closedAt), env.config.CENTRE_TZ)).toBe(
        calendarDateInZone(new Date(), env.config.CENTRE_TZ),
      );
      expect(expectedDueOn > withoutHolidaysDueOn).toBe(true);
      expect(await depositOf(soldListingId, a)).toMatchObject({
        state: 'received',
        refundDueOn: expectedDueOn,
      });
      expect(await depositOf(soldListingId, c)).toMatchObject({
        state: 'received',
        refundDueOn: expectedDueOn,
      });
      expect(await depositOf(soldListingId, b)).toMatchObject({ state: 'received', refundDueOn: null });
      // Never received: nothing to return.
      expect(await depositOf(soldListingId, pending)).toMatchObject({ state: 'due', refundDueOn: null });
      const winner = await depositOf(soldListingId, b);
      expect((await auditOf(winner.id)).map((entry) => entry.action)).toContain('deposit.held');
      const loser = await depositOf(soldListingId, a);
      const due = (await auditOf(loser.id)).find((entry) => entry.action === 'deposit.refund_due')!;
      expect(JSON.parse(due.payload).data.refundDueOn).toBe(expectedDueOn);
    });

    it('unsold: every received deposit falls due for refund', async () => {
      const listing = await createPublishedListing(api.url, staff, [bidders[0], bidders[1]], {
        biddingInMs: 2500,
        freeMs: 1000,
        extensionSeconds: 1,
      });
      await waitFor(
        async () =>
          (await get(`/api/lease-listings/${listing.id}`, staff)).body.status === 'unsold' || undefined,
        30_000,
        'the unsold close',
      );
      const deposits = await depositsOfHost(listing.id);
      expect(deposits.map((deposit) => [deposit.state, deposit.refundDueOn])).toEqual([
        ['received', expectedDueOn],
        ['received', expectedDueOn],
      ]);
    });

    it('the worker flags a refund past its last day once: an audit entry, a listing by ?overdue=true; refunding clears it', async () => {
      const loser = await depositOf(soldListingId, bidders[0]);
      // Time passes: the refund's last day is a month ago.
      await queryRows(
        env.config.DATABASE_URL,
        `UPDATE deposits SET refund_due_on = refund_due_on - 30 WHERE id = $1`,
        [loser.id],
      );
      const overdue = await get(`/api/deposits?overdue=true&hostId=${soldListingId}`, supervisor).expect(200);
      expect(overdue.body).toMatchObject({
        total: 1,
        items: [expect.objectContaining({ id: loser.id, overdue: true })],
      });
      const notOverdue = await get(`/api/deposits?overdue=false&hostId=${soldListingId}`, supervisor).expect(
        200,
      );
      expect(notOverdue.body.items.map((item: DepositView) => item.id)).not.toContain(loser.id);

      // The worker scans on start (and daily): a restarted one flags it.
      await worker!.close();
      worker = await startWorker(env.config);
      await waitFor(
        async () =>
          (await auditOf(loser.id)).some((entry) => entry.action === 'deposit.refund_overdue') || undefined,
        10_000,
        'the flag',
      );
      // Idempotent: scanning again flags nothing new.
      const scanner = worker.get(DepositRefundsProcessor);
      expect(await scanner.scanOnce()).toEqual({ flagged: 0 });
      expect(await scanner.scanOnce()).toEqual({ flagged: 0 });
      const flags = (await auditOf(loser.id)).filter((entry) => entry.action === 'deposit.refund_overdue');
      expect(flags).toHaveLength(1);
      expect(flags[0].actor_id).toBeNull();
      expect(JSON.parse(flags[0].payload).data).toMatchObject({ hostId: soldListingId, amount: DEPOSIT });

      await post(`/api/deposits/${loser.id}/refund`, staff).expect(200);
      const after = await get(`/api/deposits?overdue=true&hostId=${soldListingId}`, supervisor).expect(200);
      expect(after.body.total).toBe(0);
    });
  });
});
