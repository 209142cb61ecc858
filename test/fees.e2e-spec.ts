import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingReadyOnSite,
  registerBidder,
  type TestUser,
  unique,
  waitFor,
} from './support/factories.js';
import { expectError, queryRows, type TableContents, tableContents } from './support/checks.js';
import { bidOverRest } from './support/bidding-clients.js';
import { agreedTransferProject, centreDays } from './support/transfers.js';
import { buildReport } from './support/reports.js';

const 万 = 1_000_000; // fen in 1 万元
const FEE_TABLES = ['fee_schedules', 'deal_fees', 'deals', 'audit_log'];

/** In force since 2000 (written as the owner: the API only takes schedules from tomorrow). */
const LEASE_RULE = {
  kind: 'banded',
  mode: 'whole',
  bands: [
    { upTo: 10 * 万, ratePpm: 10_000 },
    { upTo: null, ratePpm: 5_000 },
  ],
  minimum: 10_000,
  maximum: 500_000,
};
const TRANSFER_RULE = { kind: 'fixed', amount: 300_000 };
const CONSTRUCTION_RULE = {
  kind: 'banded',
  mode: 'marginal',
  bands: [
    { upTo: 100 * 万, ratePpm: 10_000 },
    { upTo: 500 * 万, ratePpm: 7_000 },
    { upTo: null, ratePpm: 5_500 },
  ],
  minimum: null,
  maximum: null,
};

interface DealFee {
  dealId: string;
  status: 'charged' | 'no_schedule' | 'not_recorded';
  line: string | null;
  dealOn: string;
  amount: number | null;
  payer: string | null;
  schedule: { id: string; effectiveFrom: string; basis: string } | null;
  working: {
    dealValue: number;
    breakdown: { from: number; to: number; ratePpm: number }[];
    missing: string | null;
  };
}

/**
 * Fees (收费, issue 10) on the real platform: an admin publishes a line's schedule from a later
 * day; every deal — a lease closed by the worker, one sold on site, a transfer agreed, imported
 * records — gets the fee of the schedule in force on its day (a schedule starting tomorrow does
 * not apply), stored with its working; a line with none records "no schedule" and still deals; an
 * import stating any other fee is refused and writes nothing; the report sums the fees.
 */
describe('fees (收费): schedules, the fee of every deal, imports, the report', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let admin: TestUser;
  let bidders: TestUser[];
  let today: string;
  let ownerDb: string;
  let appDb: string;
  const scheduleIds: Record<string, string> = {};
  /** The deals the tests made, for the review's tests. */
  const made: Record<string, { dealId: string; hostId: string }> = {};

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  /** `null`: anonymous. */
  const publish = (body: unknown, user: TestUser | null = admin) =>
    as(user ?? undefined)(request(api.url).post('/api/fee-schedules')).send(body as object);
  const feeOf = async (dealId: string, user: TestUser = supervisor) =>
    (await as(user)(request(api.url).get(`/api/deals/${dealId}/fees`)).expect(200)).body as DealFee;
  const dealOfSource = async (sourceId: string) =>
    waitFor(
      async () =>
        (
          await queryRows<{ id: string; amount: string }>(
            appDb,
            'SELECT id, amount::text FROM deals WHERE source_id = $1',
            [sourceId],
          )
        )[0],
      30_000,
      `the deal of ${sourceId}`,
    );
  const importJson = (deals: unknown[]) =>
    as(staff)(request(api.url).post('/api/deals/import')).send({ deals });

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    appDb = platform.env.config.DATABASE_URL;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    [staff, supervisor, admin] = await Promise.all(
      (['staff', 'supervisor', 'admin'] as const).map((role) =>
        createOperator(platform.env.config, api.url, role),
      ),
    );
    bidders = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    for (const [line, rule] of [
      ['lease', LEASE_RULE],
      ['transfer', TRANSFER_RULE],
      ['construction', CONSTRUCTION_RULE],
    ] as const) {
      const [row] = await queryRows<{ id: string }>(
        ownerDb,
        `INSERT INTO fee_schedules (line, effective_from, basis, payer, rule, published_at)
         VALUES ($1, '2000-01-01', $2, 'winner', $3::jsonb, now()) RETURNING id`,
        [line, `东湖区${line}收费标准 (test)`, JSON.stringify(rule)],
      );
      scheduleIds[line] = row.id;
    }
  });

  afterAll(async () => {
    await platform?.close();
  });

  describe('publishing schedules', () => {
    it('an admin publishes one from tomorrow; anyone lists them; the step is audited', async () => {
      const tomorrow = addCalendarDays(today, 1);
      const published = await publish({
        line: 'lease',
        effectiveFrom: tomorrow,
        basis: '东湖区公房租赁交易服务收费标准 (2)',
        payer: 'owner',
        rule: { kind: 'fixed', amount: 123_456, stray: 'dropped' },
      }).expect(201);
      expect(published.body).toMatchObject({
        line: 'lease',
        effectiveFrom: tomorrow,
        payer: 'owner',
        rule: { kind: 'fixed', amount: 123_456 },
      });
      expect(published.body.rule).not.toHaveProperty('stray');
      scheduleIds.leaseTomorrow = published.body.id;

      const listed = await request(api.url).get('/api/fee-schedules').query({ line: 'lease' }).expect(200);
      expect(listed.body.items.map((item: { effectiveFrom: string }) => item.effectiveFrom)).toEqual([
        tomorrow,
        '2000-01-01',
      ]);
      const audited = await queryRows(
        appDb,
        `SELECT action FROM audit_log WHERE entity_type = 'fee_schedule' AND entity_id = $1`,
        [published.body.id],
      );
      expect(audited).toEqual([{ action: 'fee_schedule.published' }]);
    });

    describe('refused with its code, writing nothing', () => {
      let before: TableContents;
      beforeAll(async () => {
        before = await tableContents(appDb, FEE_TABLES);
      });
      afterEach(async () => {
        expect(await tableContents(appDb, FEE_TABLES)).toEqual(before);
      });

      const valid = () => ({
        line: 'procurement',
        effectiveFrom: addCalendarDays(today, 3),
        basis: '政府采购代理服务收费 (test)',
        payer: 'winner',
        rule: { kind: 'fixed', amount: 100 },
      });
      it.each<[string, () => unknown, number, string]>([
        ['starting today', () => ({ ...valid(), effectiveFrom: today }), 400, 'FEE_SCHEDULE_INVALID'],
        [
          'starting yesterday',
          () => ({ ...valid(), effectiveFrom: addCalendarDays(today, -1) }),
          400,
          'FEE_SCHEDULE_INVALID',
        ],
        [
          'bands out of order',
          () => ({
            ...valid(),
            rule: {
              kind: 'banded',
              mode: 'marginal',
              bands: [
                { upTo: 500, ratePpm: 10 },
                { upTo: 400, ratePpm: 10 },
                { upTo: null, ratePpm: 10 },
              ],
            },
          }),
          400,
          'FEE_SCHEDULE_INVALID',
        ],
        [
          'a fractional rate',
          () => ({
            ...valid(),
            rule: { kind: 'banded', mode: 'whole', bands: [{ upTo: null, ratePpm: 0.5 }] },
          }),
          400,
          'FEE_SCHEDULE_INVALID',
        ],
        [
          'an unknown rule kind',
          () => ({ ...valid(), rule: { kind: 'percent' } }),
          400,
          'FEE_SCHEDULE_INVALID',
        ],
        [
          'a fee in yuan',
          () => ({ ...valid(), rule: { kind: 'fixed', amount: 1.5 } }),
          400,
          'FEE_SCHEDULE_INVALID',
        ],
        ['no rule', () => ({ ...valid(), rule: undefined }), 400, 'VALIDATION_FAILED'],
        ['a rule that is a list', () => ({ ...valid(), rule: [] }), 400, 'VALIDATION_FAILED'],
        ['an unknown line', () => ({ ...valid(), line: 'mining' }), 400, 'VALIDATION_FAILED'],
        ['a blank basis', () => ({ ...valid(), basis: '' }), 400, 'VALIDATION_FAILED'],
        ['a null payer', () => ({ ...valid(), payer: null }), 400, 'VALIDATION_FAILED'],
        ['a bad date', () => ({ ...valid(), effectiveFrom: '2030-02-30x' }), 400, 'VALIDATION_FAILED'],
        [
          'the day a line already has',
          () => ({ ...valid(), line: 'lease', effectiveFrom: addCalendarDays(today, 1) }),
          409,
          'FEE_SCHEDULE_EXISTS',
        ],
        ['not JSON', () => '{"line":', 400, 'INVALID_JSON'],
      ])('%s → %s', async (_name, body, status, code) => {
        const payload = body();
        const sent =
          typeof payload === 'string'
            ? as(admin)(request(api.url).post('/api/fee-schedules'))
                .set('Content-Type', 'application/json')
                .send(payload)
            : publish(payload);
        expectError(await sent, status, code);
      });

      it.each<[string, () => TestUser | null, number, string]>([
        ['anonymous', () => null, 401, 'UNAUTHENTICATED'],
        ['staff', () => staff, 403, 'FORBIDDEN'],
        ['a supervisor', () => supervisor, 403, 'FORBIDDEN'],
        ['a bidder', () => bidders[0], 403, 'FORBIDDEN'],
      ])('publishing as %s', async (_name, user, status, code) => {
        expectError(await publish(valid(), user()), status, code);
      });

      it.each<[string, () => request.Test, number, string]>([
        [
          'a list of an unknown line',
          () => request(api.url).get('/api/fee-schedules?line=mining'),
          400,
          'VALIDATION_FAILED',
        ],
        [
          'a deal id that is no id',
          () => as(supervisor)(request(api.url).get('/api/deals/42/fees')),
          400,
          'INVALID_ID',
        ],
        [
          'an unknown deal',
          () => as(supervisor)(request(api.url).get('/api/deals/00000000-0000-4000-8000-000000000000/fees')),
          404,
          'DEAL_NOT_FOUND',
        ],
        [
          "a deal's fee, anonymously",
          () => request(api.url).get('/api/deals/00000000-0000-4000-8000-000000000000/fees'),
          401,
          'UNAUTHENTICATED',
        ],
        [
          "a deal's fee, as a bidder",
          () => as(bidders[0])(request(api.url).get('/api/deals/00000000-0000-4000-8000-000000000000/fees')),
          403,
          'FORBIDDEN',
        ],
      ])('%s', async (_name, call, status, code) => {
        expectError(await call(), status, code);
      });
    });
  });

  describe('every deal gets the fee of the schedule in force on its day', () => {
    it('a lease closed by the worker: today’s schedule, not tomorrow’s, with the working', async () => {
      const listing = await createPublishedListing(api.url, staff, [bidders[0]], {
        biddingInMs: 1_500,
        freeMs: 1_500,
        extensionSeconds: 1,
      });
      await waitFor(
        async () =>
          (await bidOverRest(api.url, bidders[0].token, listing.id, 800_000, unique('b'))).ok || undefined,
        15_000,
        'an accepted bid',
      );
      const deal = await dealOfSource(listing.id);
      // 800,000 fen a month × 36 months = 28,800,000 fen: past the 10万 edge, the whole at 0.5%.
      expect(Number(deal.amount)).toBe(28_800_000);
      const fee = await feeOf(deal.id);
      expect(fee).toMatchObject({
        status: 'charged',
        line: 'lease',
        dealOn: today,
        amount: 144_000,
        payer: 'winner',
        schedule: { id: scheduleIds.lease, effectiveFrom: '2000-01-01' },
        working: {
          dealValue: 28_800_000,
          breakdown: [{ from: 0, to: 28_800_000, ratePpm: 5_000 }],
          missing: null,
        },
      });
      expect(fee.schedule!.id).not.toBe(scheduleIds.leaseTomorrow);
      made.lease = { dealId: deal.id, hostId: listing.id };
      // Staff read the same record.
      expect((await feeOf(deal.id, staff)).amount).toBe(144_000);
    });

    it('a lease sold on site', async () => {
      const listing = await listingReadyOnSite(api.url, appDb, staff, bidders);
      await as(staff)(request(api.url).post(`/api/lease-listings/${listing.id}/on-site-auction`))
        .send({
          auctioneer: '张三 (拍卖师证 0001)',
          place: '东湖区公共资源交易中心 3 楼拍卖厅',
          heldAt: new Date(Date.now() - 30_000).toISOString(),
          presentBidderIds: bidders.map((bidder) => bidder.id),
          outcome: 'sold',
          hammerPrice: 900_000,
          winnerId: bidders[1].id,
          recordFileName: '现场拍租笔录.pdf',
          recordFileSha256: 'c'.repeat(64),
        })
        .expect(201);
      const records = await queryRows<{ id: string }>(
        appDb,
        'SELECT id FROM on_site_auctions WHERE host_id = $1',
        [listing.id],
      );
      const deal = await dealOfSource(records[0].id);
      // 900,000 × 36 = 32,400,000 fen at 0.5%.
      expect(await feeOf(deal.id)).toMatchObject({ status: 'charged', amount: 162_000, line: 'lease' });
    });

    it('a transfer agreed with its sole buyer: the fixed fee', async () => {
      const project = await agreedTransferProject(
        { apiUrl: api.url, ownerDatabaseUrl: ownerDb, zone: platform.env.config.CENTRE_TZ, staff },
        bidders[0],
      );
      const deal = await dealOfSource(project.id);
      made.transfer = { dealId: deal.id, hostId: project.id };
      expect(await feeOf(deal.id)).toMatchObject({
        status: 'charged',
        line: 'transfer',
        amount: 300_000,
        schedule: { id: scheduleIds.transfer },
        working: { breakdown: [] },
      });
    });
  });

  describe('imported records', () => {
    const imported = (ref: string, overrides: Record<string, unknown> = {}) => ({
      category: 'construction',
      subtype: 'building',
      title: `东湖区历史工程 ${ref}`,
      amount: 600 * 万,
      winnerName: '江西某建设有限公司',
      closedAt: '2018-03-15T10:00:00+08:00',
      externalRef: ref,
      ...overrides,
    });
    const dealByRef = async (ref: string) =>
      (await queryRows<{ id: string }>(appDb, 'SELECT id FROM deals WHERE external_ref = $1', [ref]))[0];

    it("take the schedule's fee, stated or not; a line with none records no fee and still imports", async () => {
      // 600万元: 1% of 100万 + 0.7% of 400万 + 0.55% of 100万 = 1万 + 2.8万 + 0.55万.
      const marginal = 4.35 * 万;
      await importJson([
        imported('FEE-1', { fee: marginal }),
        imported('FEE-2'),
        imported('FEE-3', { category: 'procurement', subtype: 'rfq' }),
      ]).expect(200);
      const stated = await feeOf((await dealByRef('FEE-1')).id);
      expect(stated).toMatchObject({ status: 'charged', amount: marginal, dealOn: '2018-03-15' });
      expect(stated.working.breakdown).toEqual([
        { from: 0, to: 100 * 万, ratePpm: 10_000 },
        { from: 100 * 万, to: 500 * 万, ratePpm: 7_000 },
        { from: 500 * 万, to: 600 * 万, ratePpm: 5_500 },
      ]);
      expect((await feeOf((await dealByRef('FEE-2')).id)).amount).toBe(marginal);
      expect(await feeOf((await dealByRef('FEE-3')).id)).toMatchObject({
        status: 'no_schedule',
        line: 'procurement',
        amount: null,
        schedule: null,
        working: { missing: 'FEE_SCHEDULE_MISSING' },
      });
    });

    describe('stating another fee is refused, writing nothing', () => {
      let before: TableContents;
      beforeAll(async () => {
        before = await tableContents(appDb, FEE_TABLES);
      });
      afterEach(async () => {
        expect(await tableContents(appDb, FEE_TABLES)).toEqual(before);
      });

      it.each<[string, Record<string, unknown>, string, object]>([
        [
          '1 fen more',
          { fee: 4.35 * 万 + 1 },
          'FEE_NOT_IN_SCHEDULE',
          { stated: 4.35 * 万 + 1, expected: 4.35 * 万 },
        ],
        ['nothing charged', { fee: 0 }, 'FEE_NOT_IN_SCHEDULE', { stated: 0, expected: 4.35 * 万 }],
        [
          'a fee where no schedule was in force',
          { category: 'procurement', subtype: 'rfq', fee: 100 },
          'FEE_SCHEDULE_MISSING',
          { stated: 100, expected: null },
        ],
      ])('%s → 422', async (_name, overrides, code, row) => {
        const response = await importJson([imported('FEE-OK'), imported('FEE-BAD', overrides)]);
        expectError(response, 422, code);
        expect(response.body.details.rows).toEqual([
          expect.objectContaining({ row: 2, externalRef: 'FEE-BAD', ...row }),
        ]);
      });

      it('a fee that is not whole fen is a row problem', async () => {
        const response = await importJson([imported('FEE-BAD', { fee: 12.5 })]);
        expectError(response, 400, 'IMPORT_ROWS_INVALID');
        expect(response.body.details.errors).toEqual([
          expect.objectContaining({ row: 1, field: 'fee', code: 'INVALID_AMOUNT' }),
        ]);
      });
    });

    it('the transaction report sums the fees collected by category (JSON, CSV)', async () => {
      const report = await buildReport(api.url, staff, { from: '2018-03-01', to: '2018-03-31' });
      const fees = (report.result as unknown as { fees: { total: object; categories: object[] } }).fees;
      expect(fees.total).toEqual({ count: 2, amount: 8.7 * 万, amountWan: '8.70' });
      expect(fees.categories).toEqual([
        { category: 'construction', label: '建筑工程', count: 2, amount: 8.7 * 万, amountWan: '8.70' },
        { category: 'procurement', label: '政府采购', count: 0, amount: 0, amountWan: '0.00' },
        { category: 'property_rights', label: '产权交易', count: 0, amount: 0, amountWan: '0.00' },
      ]);
      expect(report.result!.summary).toContain(
        '收取交易服务费共计8.70万元,其中建筑工程8.70万元;政府采购0.00万元;产权交易0.00万元。',
      );
      const csv = await as(staff)(
        request(api.url).get(`/api/reports/${report.id}/export`).query({ format: 'csv' }),
      )
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
        })
        .expect(200);
      expect(csv.body as string).toContain(
        '类别,收费项目数(个),交易服务费(元),交易服务费(万元)\r\n建筑工程,2,87000.00,8.70\r\n',
      );
    });
  });

  describe('the review of deal records (supervisors)', () => {
    const review = (query: Record<string, unknown> = {}, user: TestUser = supervisor) =>
      as(user)(request(api.url).get('/api/supervision/deals')).query(query);
    const titles = async (query: Record<string, unknown>) =>
      (
        (await review(query).expect(200)).body.items as { externalRef: string | null; sourceType: string }[]
      ).map((deal) => deal.externalRef ?? deal.sourceType);

    it('filters by category, subtype, period, party and amount, newest first, paginated', async () => {
      const all = await review().expect(200);
      expect(all.body.total).toBe(6);
      expect((await titles({ category: 'construction' })).sort()).toEqual(['FEE-1', 'FEE-2']);
      expect(await titles({ category: 'procurement', subtype: 'rfq' })).toEqual(['FEE-3']);
      expect(await titles({ from: '2018-03-15', to: '2018-03-15', category: 'procurement' })).toEqual([
        'FEE-3',
      ]);
      expect(await titles({ to: '2018-03-14' })).toEqual([]);
      expect(await titles({ from: today, party: `竞买人 ${bidders[0].username}` })).toEqual(
        expect.arrayContaining(['lease_listing', 'transfer_agreement']),
      );
      expect(await titles({ party: bidders[1].id })).toEqual(['on_site_auction']);
      expect(await titles({ minAmount: 28_800_000, maxAmount: 28_800_000 })).toEqual(['lease_listing']);
      const page = await review({ limit: 2, offset: 1 }).expect(200);
      expect(page.body).toMatchObject({ total: 6 });
      expect(page.body.items).toHaveLength(2);
      expect(page.body.items[0].id).toBe(all.body.items[1].id);
      const lease = all.body.items.find((deal: { id: string }) => deal.id === made.lease.dealId);
      expect(lease).toMatchObject({ amount: 28_800_000, fee: 144_000, sourceId: made.lease.hostId });
    });

    it("a lease deal's whole story on one read", async () => {
      const story = (
        await as(supervisor)(request(api.url).get(`/api/supervision/deals/${made.lease.dealId}`)).expect(200)
      ).body;
      expect(story.deal).toMatchObject({ id: made.lease.dealId, amount: 28_800_000 });
      expect(story.process).toEqual({ hostType: 'lease_listing', hostId: made.lease.hostId });
      expect(story.announcement).toMatchObject({ id: made.lease.hostId, lease_term_months: 36 });
      expect(story.registrations).toEqual([
        expect.objectContaining({
          bidder_id: bidders[0].id,
          status: 'qualified',
          bidderUsername: bidders[0].username,
        }),
      ]);
      expect(story.auction).toMatchObject({
        id: made.lease.hostId,
        status: 'sold',
        winner_id: bidders[0].id,
      });
      expect(story.bids.filter((bid: { outcome: string }) => bid.outcome === 'accepted')).toHaveLength(1);
      expect(story.deposits).toHaveLength(1);
      expect(story.fee).toMatchObject({ status: 'charged', amount: 144_000 });
      expect(story.complaints).toEqual([]);
      expect(Array.isArray(story.alerts)).toBe(true);
      const actions = story.auditTrail.map((entry: { action: string }) => entry.action);
      expect(actions).toEqual(expect.arrayContaining(['listing.published']));
      expect(story.auditTrail.length).toBeGreaterThan(3);
      const seqs = story.auditTrail.map((entry: { seq: number }) => entry.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    });

    it("a transfer's and an imported record's story", async () => {
      const transfer = (
        await as(supervisor)(request(api.url).get(`/api/supervision/deals/${made.transfer.dealId}`)).expect(
          200,
        )
      ).body;
      expect(transfer.process).toEqual({ hostType: 'transfer_project', hostId: made.transfer.hostId });
      expect(transfer.announcement).toMatchObject({ id: made.transfer.hostId, status: 'sold' });
      expect(transfer.fee).toMatchObject({ amount: 300_000 });
      const [imported] = await queryRows<{ id: string }>(
        appDb,
        `SELECT id FROM deals WHERE external_ref = 'FEE-1'`,
      );
      const record = (
        await as(supervisor)(request(api.url).get(`/api/supervision/deals/${imported.id}`)).expect(200)
      ).body;
      expect(record).toMatchObject({ process: null, fee: { amount: 4.35 * 万 } });
      expect(record.auditTrail).toEqual([]);
    });

    it('exports the same filter as CSV and XLSX, formulas neutralised', async () => {
      const csv = await as(supervisor)(request(api.url).get('/api/supervision/deals/export'))
        .query({ format: 'csv', category: 'construction' })
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
        })
        .expect(200)
        .expect('Content-Type', /text\/csv/);
      const lines = (csv.body as string)
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe(
        '成交时间,类别,子类,项目名称,成交单位,成交金额(元),交易服务费(元),来源,外部编号,成交编号',
      );
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(
        /^2018-03-15 10:00:00,建筑工程,房屋建筑,东湖区历史工程 FEE-\d,江西某建设有限公司,6000000\.00,43500\.00,历史导入,FEE-\d,/,
      );
      const xlsx = await as(supervisor)(request(api.url).get('/api/supervision/deals/export'))
        .query({ format: 'xlsx', party: '=cmd' })
        .expect(200)
        .expect('Content-Type', /spreadsheetml/);
      expect(xlsx.body).toBeDefined();
    });

    describe('bad input and other roles: a 4xx with its code, nothing written', () => {
      let before: TableContents;
      beforeAll(async () => {
        before = await tableContents(appDb, FEE_TABLES);
      });
      afterEach(async () => {
        expect(await tableContents(appDb, FEE_TABLES)).toEqual(before);
      });
      it.each<[string, string, Record<string, unknown>, number, string]>([
        ['an unknown category', '', { category: 'mining' }, 400, 'VALIDATION_FAILED'],
        ['a bad day', '', { from: '2018-02-30' }, 400, 'VALIDATION_FAILED'],
        ['a day out of range', '', { from: '1066-10-14' }, 400, 'VALIDATION_FAILED'],
        ['from after to', '', { from: '2018-03-02', to: '2018-03-01' }, 400, 'VALIDATION_FAILED'],
        ['a negative amount', '', { minAmount: -1 }, 400, 'VALIDATION_FAILED'],
        ['an amount in yuan', '', { maxAmount: '1.5' }, 400, 'VALIDATION_FAILED'],
        ['min above max', '', { minAmount: 10, maxAmount: 9 }, 400, 'VALIDATION_FAILED'],
        ['a blank party', '', { party: '' }, 400, 'VALIDATION_FAILED'],
        ['a huge limit', '', { limit: 100_000 }, 400, 'VALIDATION_FAILED'],
        ['no export format', '/export', {}, 400, 'VALIDATION_FAILED'],
        ['a pdf export', '/export', { format: 'pdf' }, 400, 'UNKNOWN_FORMAT'],
        ['an id that is no id', '/42', {}, 400, 'INVALID_ID'],
        ['an unknown deal', '/00000000-0000-4000-8000-000000000000', {}, 404, 'DEAL_NOT_FOUND'],
      ])('%s', async (_name, path, query, status, code) => {
        expectError(
          await as(supervisor)(request(api.url).get(`/api/supervision/deals${path}`)).query(query),
          status,
          code,
        );
      });

      it.each<[string, () => TestUser | null, number, string]>([
        ['anonymous', () => null, 401, 'UNAUTHENTICATED'],
        ['staff', () => staff, 403, 'FORBIDDEN'],
        ['an admin', () => admin, 403, 'FORBIDDEN'],
        ['a bidder', () => bidders[0], 403, 'FORBIDDEN'],
      ])('as %s', async (_name, user, status, code) => {
        for (const path of ['', '/export?format=csv', `/${made.lease.dealId}`])
          expectError(
            await as(user() ?? undefined)(request(api.url).get(`/api/supervision/deals${path}`)),
            status,
            code,
          );
      });
    });
  });
});
