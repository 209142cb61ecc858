import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';
import { expectError, queryRows } from './support/checks.js';
import { centreDays } from './support/transfers.js';

const PURCHASER_CODE = '91360100MA35F6GX2N';
const SUPPLIER_CODES = [
  '914403001922038216',
  '9144030071526726XG',
  '91330100799655058B',
  '91110000802100433B',
];
const SHA = 'a'.repeat(64);
// Prices nobody else would write, so finding one in a response means it leaked.
const PRICES = [3_834_517_293, 3_796_240_611, 3_911_338_457];
const REPLACED = 3_887_654_321;

/**
 * Sealed responses of government procurement on the real platform, for an open tender and a
 * competitive negotiation: from planning to the opening at the deadline by the worker (exactly
 * once, also when it was down across the deadline); before it no read path, for any role, carries
 * a price; fewer responsive suppliers than the method's minimum fail the project (废标) with its
 * deposits due.
 */
describe('sealed responses and the opening of a procurement', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let admin: TestUser;
  let suppliers: TestUser[];
  let outsider: TestUser;
  let today: string;
  let ownerDb: string;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;

  /** Business days as the platform's calendar counts them (read back from it). */
  const deadlineAfter = async (from: string, businessDays: number) =>
    (await request(api.url).get('/api/calendar/deadline').query({ from, businessDays }).expect(200)).body
      .date as string;

  /** A procurement of `method` responding today, with `qualified` suppliers qualified (deposits received). */
  async function responding(
    method: 'open_tender' | 'competitive_negotiation',
    qualified: TestUser[],
    pending: TestUser[] = [],
  ) {
    const schedule =
      method === 'open_tender'
        ? {
            documentsIssuedOn: today,
            documentsAvailableUntil: await deadlineAfter(today, 5),
            deadlineOn: addCalendarDays(today, 20),
          }
        : { documentsIssuedOn: today, deadlineOn: await deadlineAfter(today, 3) };
    const created = await as(staff)(request(api.url).post('/api/procurements'))
      .send({
        method,
        title: '东湖区政务云服务采购',
        purchaserName: '南昌市东湖区数据局',
        purchaserOrgCode: PURCHASER_CODE,
        description: '政务云资源租用一年',
        budget: 800_000_000,
        deposit: 10_000_000,
        documents: [{ name: '采购文件.pdf', sha256: SHA }],
        ...schedule,
      })
      .expect(201);
    const id = created.body.id as string;
    const announced = await as(staff)(request(api.url).post(`/api/procurements/${id}/announce`)).expect(200);
    expect(announced.body.status).toBe('responding');
    for (const [index, supplier] of [...qualified, ...pending].entries()) {
      const applied = await as(supplier)(request(api.url).post(`/api/procurements/${id}/registrations`))
        .send({ organizationCode: SUPPLIER_CODES[index] })
        .expect(201);
      if (index < qualified.length)
        await as(staff)(
          request(api.url).post(`/api/procurements/${id}/registrations/${applied.body.id}/qualify`),
        )
          .send({ depositReceived: true })
          .expect(200);
    }
    return id;
  }

  const respond = (user: TestUser, id: string, price: number) =>
    as(user)(request(api.url).put(`/api/procurements/${id}/response`)).send({
      price,
      documents: [{ name: '响应文件.pdf', sha256: SHA }],
    });

  /** The deadline moved to a moment ago in the database: the worker's sweeper finds it due. */
  const passDeadline = (id: string) =>
    queryRows(
      ownerDb,
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );

  const statusOf = async (id: string) =>
    (await as(staff)(request(api.url).get(`/api/procurements/${id}`)).expect(200)).body.status as string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    [staff, supervisor, admin] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
      createOperator(platform.env.config, api.url, 'admin'),
    ]);
    suppliers = await Promise.all([0, 1, 2, 3].map(() => registerBidder(api.url)));
    outsider = await registerBidder(api.url);
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('open tender: takes responses from qualified suppliers only, keeps every price from every reader, then opens them at the deadline', async () => {
    const [a, b, c, pending] = suppliers;
    const id = await responding('open_tender', [a, b, c], [pending]);

    const first = await respond(a, id, REPLACED).expect(200);
    expect(first.body).toEqual({
      projectId: id,
      bidId: expect.any(String),
      version: 1,
      status: 'submitted',
      submittedAt: expect.any(String),
      withdrawnAt: null,
      sealSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const replaced = await respond(a, id, PRICES[0]).expect(200);
    expect(replaced.body).toMatchObject({ bidId: first.body.bidId, version: 2 });
    await respond(b, id, PRICES[1]).expect(200);
    await respond(c, id, PRICES[2] - 1).expect(200);
    await as(c)(request(api.url).delete(`/api/procurements/${id}/response`)).expect(200);
    await respond(c, id, PRICES[2]).expect(200);
    expectError(await respond(pending, id, 1_000), 422, 'NOT_QUALIFIED');
    expectError(await respond(outsider, id, 1_000), 422, 'NOT_QUALIFIED');

    // Every read path, for every role, before the opening: no price.
    const secrets = [...PRICES, REPLACED, PRICES[2] - 1].map(String);
    const reads: [string, TestUser | undefined][] = [];
    for (const user of [undefined, staff, supervisor, admin, a, b, pending, outsider])
      reads.push(
        [`/api/procurements/${id}`, user],
        ['/api/procurements', user],
        [`/api/procurements/${id}/opening-record`, user],
        [`/api/procurements/${id}/result`, user],
        [`/api/procurements/${id}/call-offs`, user],
        [`/api/procurements/${id}/committee`, user],
        [`/api/procurements/${id}/evaluation`, user],
      );
    for (const user of [staff, supervisor]) reads.push([`/api/procurements/${id}/registrations`, user]);
    for (const user of [staff, supervisor]) reads.push(['/api/deposits?limit=200', user]);
    for (const user of [supervisor, admin])
      reads.push([`/api/audit?limit=500`, user], [`/api/audit?entityId=${id}&limit=500`, user]);
    for (const user of [a, b, c, pending])
      reads.push(
        ['/api/me/procurement-responses', user],
        ['/api/me/procurement-registrations', user],
        ['/api/me/deposits', user],
      );
    // The later steps' reads and the credit lists (issue 9's objections, results, call-offs; issue 10's credit).
    reads.push(['/api/deals', staff], ['/docs-json', undefined], ['/api/credit-list', undefined]);
    reads.push(['/api/supervision/sanctions', supervisor]);
    for (const [path, user] of reads) {
      const response = await as(user)(request(api.url).get(path));
      expect(response.status).toBeLessThan(500);
      for (const secret of secrets)
        if (response.text.includes(secret))
          throw new Error(`${path} as ${user?.username ?? 'anonymous'} carries a sealed price`);
    }
    // The public sees neither who registered nor how many.
    const publicView = (await request(api.url).get(`/api/procurements/${id}`).expect(200)).body;
    expect(publicView).not.toHaveProperty('registrations');
    expect(JSON.stringify(publicView)).not.toContain(a.id);
    expectError(
      await request(api.url).get(`/api/procurements/${id}/opening-record`),
      409,
      'SEALED_UNTIL_OPENING',
    );
    const mine = await as(a)(request(api.url).get('/api/me/procurement-responses')).expect(200);
    expect(mine.body.items).toEqual([
      {
        projectId: id,
        registrationStatus: 'qualified',
        bid: expect.objectContaining({ version: 2, sealSha256: replaced.body.sealSha256 }),
        opened: null,
      },
    ]);

    await passDeadline(id);
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 15_000, 'opened');
    expectError(await respond(a, id, PRICES[0] - 5), 409, 'BIDDING_CLOSED');
    const record = (await request(api.url).get(`/api/procurements/${id}/opening-record`).expect(200)).body;
    expect(record).toMatchObject({ submittedCount: 3, validCount: 3, openedAt: expect.any(String) });
    expect(record.bids.map((one: { price: number }) => one.price).sort()).toEqual([...PRICES].sort());
    expect(JSON.stringify(record)).not.toContain(String(REPLACED));
    // The public record names suppliers, never their accounts.
    for (const supplier of suppliers) expect(JSON.stringify(record)).not.toContain(supplier.id);
    const after = await as(a)(request(api.url).get('/api/me/procurement-responses')).expect(200);
    expect(after.body.items[0].opened).toEqual({ price: PRICES[0], valid: true, invalidReason: null });
    const trail = await queryRows<{ action: string }>(
      ownerDb,
      `SELECT action FROM audit_log WHERE entity_id = $1 AND action IN ('procurement.open_responses','sealed_bids.opened') ORDER BY seq`,
      [id],
    );
    expect(trail.map((row) => row.action)).toEqual(['sealed_bids.opened', 'procurement.open_responses']);
  });

  it('competitive negotiation: planned to opened with 3 responses, and failed (废标) with 2, deposits due', async () => {
    const [a, b, c] = suppliers;
    const opened = await responding('competitive_negotiation', [a, b, c]);
    for (const [index, supplier] of [a, b, c].entries())
      await respond(supplier, opened, PRICES[index]).expect(200);
    const failed = await responding('competitive_negotiation', [a, b, c]);
    await respond(a, failed, PRICES[0]).expect(200);
    await respond(b, failed, PRICES[1]).expect(200);
    await passDeadline(opened);
    await passDeadline(failed);
    await waitFor(async () => (await statusOf(opened)) === 'opened' || undefined, 15_000, 'opened');
    await waitFor(async () => (await statusOf(failed)) === 'failed' || undefined, 15_000, 'failed');

    const shown = (await request(api.url).get(`/api/procurements/${failed}`).expect(200)).body;
    expect(shown).toMatchObject({ status: 'failed', failedReason: '响应供应商不足3家,依法废标' });
    const record = (await request(api.url).get(`/api/procurements/${failed}/opening-record`).expect(200))
      .body;
    expect(record).toMatchObject({ submittedCount: 2, validCount: 2 });
    const deposits = await queryRows<{ refund_due_on: string | null }>(
      ownerDb,
      `SELECT refund_due_on::text FROM deposits WHERE host_type = 'procurement_project' AND host_id = $1`,
      [failed],
    );
    expect(deposits).toHaveLength(3);
    for (const deposit of deposits) expect(deposit.refund_due_on).not.toBeNull();
    const kept = await queryRows<{ refund_due_on: string | null }>(
      ownerDb,
      `SELECT refund_due_on::text FROM deposits WHERE host_type = 'procurement_project' AND host_id = $1`,
      [opened],
    );
    for (const deposit of kept) expect(deposit.refund_due_on).toBeNull();
  });

  it('opens exactly once when the worker was down across the deadline', async () => {
    const [a, b, c] = suppliers;
    const id = await responding('open_tender', [a, b, c]);
    for (const [index, supplier] of [a, b, c].entries())
      await respond(supplier, id, PRICES[index]).expect(200);
    await platform.stopWorker();
    try {
      await queryRows(
        ownerDb,
        `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() + interval '1 second' WHERE id = $1`,
        [id],
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await statusOf(id)).toBe('responding');
      expectError(
        await request(api.url).get(`/api/procurements/${id}/opening-record`),
        409,
        'SEALED_UNTIL_OPENING',
      );
    } finally {
      await platform.startWorker();
    }
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 15_000, 'opened');
    await new Promise((resolve) => setTimeout(resolve, 2 * platform.env.config.SWEEP_INTERVAL_MS));
    const [counts] = await queryRows<{ openings: number; opened: number; records: number }>(
      ownerDb,
      `SELECT (SELECT count(*)::int FROM audit_log WHERE entity_id = $1 AND action = 'sealed_bids.opened') AS openings,
              (SELECT count(*)::int FROM audit_log WHERE entity_id = $1 AND action = 'procurement.open_responses') AS opened,
              (SELECT count(*)::int FROM bid_openings WHERE host_id = $1::uuid) AS records`,
      [id],
    );
    expect(counts).toEqual({ openings: 1, opened: 1, records: 1 });
  });
});
