import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';
import { expectError, queryRows } from './support/checks.js';
import { centreDays } from './support/transfers.js';

const OWNER_CODE = '91360100MA35F6GX2N';
const SUPPLIER_CODES = [
  '914403001922038216',
  '9144030071526726XG',
  '91330100799655058B',
  '91110000802100433B',
];
const SHA = 'd'.repeat(64);
// Prices nobody else would write, so finding one in a response means it leaked.
const PRICES = [1_834_517_293, 1_796_240_611, 1_911_338_457];
const REPLACED = 1_887_654_321;

/**
 * Sealed bids of a construction tender, on the real platform: qualified suppliers submit, replace
 * and withdraw; before the deadline no read path, for any role, carries a price; at the deadline
 * the worker opens them once (also when it was down across the deadline) and publishes the
 * opening record; fewer than 3 valid bids fail the tender (流标) and its deposits fall due.
 */
describe('sealed bids and the opening of a tender (开标)', () => {
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

  /** An announced tender in bidding with `qualified` suppliers qualified (deposits received). */
  async function tenderInBidding(qualified: TestUser[], pending: TestUser[] = []) {
    const created = await as(staff)(request(api.url).post('/api/tenders'))
      .send({
        title: '东湖区某道路改造工程施工',
        ownerName: '南昌市东湖区住房和城乡建设局',
        ownerOrgCode: OWNER_CODE,
        kind: 'road',
        description: '道路改造 1.2 公里',
        estimatedPrice: 2_000_000_000,
        stateFunded: true,
        evaluationMethod: 'lowest_evaluated_price',
        deposit: 20_000_000,
        documents: [{ name: '招标文件.pdf', sha256: SHA }],
        saleStartsOn: today,
        saleEndsOn: addCalendarDays(today, 5),
        documentsIssuedOn: today,
        bidDeadlineOn: addCalendarDays(today, 20),
      })
      .expect(201);
    const id = created.body.id as string;
    await as(staff)(request(api.url).post(`/api/tenders/${id}/announce`)).expect(200);
    for (const [index, supplier] of [...qualified, ...pending].entries()) {
      const applied = await as(supplier)(request(api.url).post(`/api/tenders/${id}/registrations`))
        .send({ organizationCode: SUPPLIER_CODES[index] })
        .expect(201);
      if (index < qualified.length)
        await as(staff)(request(api.url).post(`/api/tenders/${id}/registrations/${applied.body.id}/qualify`))
          .send({ depositReceived: true })
          .expect(200);
    }
    return id;
  }

  const bid = (user: TestUser, id: string, price: number) =>
    as(user)(request(api.url).put(`/api/tenders/${id}/bid`)).send({
      price,
      documents: [{ name: '投标文件.pdf', sha256: SHA }],
    });

  /** The deadline moved to a moment ago in the database: the worker's sweeper finds it due. */
  const passDeadline = (id: string) =>
    queryRows(
      ownerDb,
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );

  const statusOf = async (id: string) =>
    (await as(staff)(request(api.url).get(`/api/tenders/${id}`)).expect(200)).body.status as string;

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

  it('takes bids from qualified suppliers only, keeps every price from every reader, then opens them at the deadline', async () => {
    const [a, b, c, pending] = suppliers;
    const id = await tenderInBidding([a, b, c], [pending]);

    const first = await bid(a, id, REPLACED).expect(200);
    expect(first.body).toEqual({
      projectId: id,
      bidId: expect.any(String),
      version: 1,
      status: 'submitted',
      submittedAt: expect.any(String),
      withdrawnAt: null,
      sealSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const replaced = await bid(a, id, PRICES[0]).expect(200);
    expect(replaced.body).toMatchObject({ bidId: first.body.bidId, version: 2 });
    expect(replaced.body.sealSha256).not.toBe(first.body.sealSha256);
    await bid(b, id, PRICES[1]).expect(200);
    await bid(c, id, PRICES[2] - 1).expect(200);
    const withdrawn = await as(c)(request(api.url).delete(`/api/tenders/${id}/bid`)).expect(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', withdrawnAt: expect.any(String) });
    expectError(await as(c)(request(api.url).delete(`/api/tenders/${id}/bid`)), 404, 'SEALED_BID_NOT_FOUND');
    await bid(c, id, PRICES[2]).expect(200);

    // A name that is no Unicode (a lone surrogate) is refused at the edge: stored, it would stop the opening.
    expectError(
      await as(b)(request(api.url).put(`/api/tenders/${id}/bid`)).send({
        price: 1_000,
        documents: [{ name: '\ud800', sha256: SHA }],
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(await bid(pending, id, 1_000), 422, 'NOT_QUALIFIED');
    expectError(await bid(outsider, id, 1_000), 422, 'NOT_QUALIFIED');
    expectError(
      await as(staff)(request(api.url).put(`/api/tenders/${id}/bid`)).send({ price: 1 }),
      403,
      'FORBIDDEN',
    );
    expectError(await bid(a, id, 0), 400, 'VALIDATION_FAILED');
    expectError(
      await as(a)(request(api.url).put(`/api/tenders/${id}/bid`)).send({ price: '100' }),
      400,
      'VALIDATION_FAILED',
    );

    // Every read path, for every role, before the opening: no price, no bid document hash.
    const secrets = [...PRICES, REPLACED, PRICES[2] - 1].map(String);
    const reads: [string, TestUser | undefined][] = [];
    for (const user of [undefined, staff, supervisor, admin, a, b, pending, outsider])
      reads.push(
        [`/api/tenders/${id}`, user],
        ['/api/tenders', user],
        [`/api/tenders/${id}/opening-record`, user],
        [`/api/tenders/${id}/candidates`, user],
        [`/api/tenders/${id}/committee`, user],
        [`/api/tenders/${id}/evaluation`, user],
      );
    for (const user of [staff, supervisor]) reads.push([`/api/tenders/${id}/registrations`, user]);
    for (const user of [staff, supervisor]) reads.push(['/api/deposits?limit=200', user]);
    for (const user of [supervisor, admin])
      reads.push([`/api/audit?limit=500`, user], [`/api/audit?entityId=${id}&limit=500`, user]);
    for (const user of [a, b, c, pending])
      reads.push(
        ['/api/me/tender-bids', user],
        ['/api/me/tender-registrations', user],
        ['/api/me/deposits', user],
      );
    // The later steps' reads and the credit lists (issue 9's objections, results, call-offs; issue 10's credit).
    reads.push(['/api/deals', staff], ['/docs-json', undefined], ['/api/credit-list', undefined]);
    reads.push(['/api/supervision/sanctions', supervisor]);
    for (const [path, user] of reads) {
      const response = await as(user)(request(api.url).get(path));
      expect(response.status).toBeLessThan(500);
      const text = response.text;
      for (const secret of secrets)
        if (text.includes(secret))
          throw new Error(`${path} as ${user?.username ?? 'anonymous'} carries a sealed price`);
    }
    expectError(await request(api.url).get(`/api/tenders/${id}/opening-record`), 409, 'SEALED_UNTIL_OPENING');
    // Nor does the trail say who bid, for which tender, or how often they replaced, before the opening.
    const sealedTrail = async () =>
      (await as(supervisor)(request(api.url).get('/api/audit?entityType=sealed_bid&limit=500')).expect(200))
        .body;
    const before = await sealedTrail();
    expect(before.items.length).toBeGreaterThanOrEqual(5);
    for (const entry of before.items)
      expect(entry).toMatchObject({ actorId: null, data: { sealed: true }, payload: null });
    for (const secret of [id, a.id, b.id, c.id]) expect(JSON.stringify(before)).not.toContain(secret);
    // The supplier sees its own receipt, never its price.
    const mine = await as(a)(request(api.url).get('/api/me/tender-bids')).expect(200);
    expect(mine.body.items).toEqual([
      {
        projectId: id,
        registrationStatus: 'qualified',
        bid: expect.objectContaining({
          version: 2,
          status: 'submitted',
          sealSha256: replaced.body.sealSha256,
        }),
        opened: null,
      },
    ]);

    await passDeadline(id);
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 15_000, 'opened');
    expectError(await bid(a, id, PRICES[0] - 5), 409, 'BIDDING_CLOSED');
    expectError(await as(a)(request(api.url).delete(`/api/tenders/${id}/bid`)), 409, 'BIDDING_CLOSED');

    const record = (await request(api.url).get(`/api/tenders/${id}/opening-record`).expect(200)).body;
    expect(record).toMatchObject({ submittedCount: 3, validCount: 3, openedAt: expect.any(String) });
    // Each supplier's last version, by its organisation's code (never its account's name or id);
    // the replaced price is gone.
    const byCode = new Map(record.bids.map((one: { supplierCode: string }) => [one.supplierCode, one]));
    const codeOf = (user: TestUser) => SUPPLIER_CODES[[a, b, c].indexOf(user)];
    for (const [user, price] of [
      [a, PRICES[0]],
      [b, PRICES[1]],
      [c, PRICES[2]],
    ] as const)
      expect(byCode.get(codeOf(user))).toMatchObject({
        price,
        valid: true,
        invalidReason: null,
        documents: [{ name: '投标文件.pdf', sha256: SHA }],
      });
    expect(JSON.stringify(record)).not.toContain(String(REPLACED));
    expect(JSON.stringify(record)).not.toContain(a.id);
    expect(JSON.stringify(record)).not.toContain(a.username);
    // Now the supplier sees its price as opened.
    const after = await as(a)(request(api.url).get('/api/me/tender-bids')).expect(200);
    expect(after.body.items[0].opened).toEqual({ price: PRICES[0], valid: true, invalidReason: null });

    // Once opened, the trail names them again.
    const after_ = await sealedTrail();
    const opened = after_.items.filter((entry: { data: { hostId?: string } }) => entry.data.hostId === id);
    expect(opened.map((entry: { actorId: string }) => entry.actorId)).toEqual(
      expect.arrayContaining([a.id, b.id, c.id]),
    );
    const trail = await queryRows<{ action: string }>(
      ownerDb,
      `SELECT action FROM audit_log WHERE entity_id = $1 AND action IN ('tender.open_bids','sealed_bids.opened') ORDER BY seq`,
      [id],
    );
    expect(trail.map((row) => row.action)).toEqual(['sealed_bids.opened', 'tender.open_bids']);
  });

  it('fails a tender with fewer than 3 valid bids at the opening (流标), publishing the record and settling deposits', async () => {
    const [a, b, c] = suppliers;
    const id = await tenderInBidding([a, b, c]);
    await bid(a, id, PRICES[0]).expect(200);
    await bid(b, id, PRICES[1]).expect(200);
    await passDeadline(id);
    await waitFor(async () => (await statusOf(id)) === 'failed' || undefined, 15_000, 'failed');
    const shown = (await request(api.url).get(`/api/tenders/${id}`).expect(200)).body;
    expect(shown).toMatchObject({ status: 'failed', failedReason: '有效投标人少于3个,依法重新招标' });
    const record = (await request(api.url).get(`/api/tenders/${id}/opening-record`).expect(200)).body;
    expect(record).toMatchObject({ submittedCount: 2, validCount: 2 });
    const deposits = await queryRows<{ refund_due_on: string | null }>(
      ownerDb,
      `SELECT refund_due_on::text FROM deposits WHERE host_type = 'tender_project' AND host_id = $1`,
      [id],
    );
    expect(deposits).toHaveLength(3);
    for (const deposit of deposits) expect(deposit.refund_due_on).not.toBeNull();
  });

  it('opens exactly once when the worker was down across the deadline, by its rebuilt job or its sweeper', async () => {
    const [a, b, c] = suppliers;
    const id = await tenderInBidding([a, b, c]);
    for (const [index, supplier] of [a, b, c].entries()) await bid(supplier, id, PRICES[index]).expect(200);
    await platform.stopWorker();
    try {
      // The deadline passes while no worker runs.
      await queryRows(
        ownerDb,
        `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() + interval '1 second' WHERE id = $1`,
        [id],
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await statusOf(id)).toBe('bidding');
      // Still sealed to everyone while nothing has opened it.
      expectError(
        await request(api.url).get(`/api/tenders/${id}/opening-record`),
        409,
        'SEALED_UNTIL_OPENING',
      );
    } finally {
      await platform.startWorker();
    }
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 15_000, 'opened');
    // Let the sweeper pass again: nothing more happens.
    await new Promise((resolve) => setTimeout(resolve, 2 * platform.env.config.SWEEP_INTERVAL_MS));
    const [counts] = await queryRows<{ openings: number; opened: number; records: number }>(
      ownerDb,
      `SELECT (SELECT count(*)::int FROM audit_log WHERE entity_id = $1 AND action = 'sealed_bids.opened') AS openings,
              (SELECT count(*)::int FROM audit_log WHERE entity_id = $1 AND action = 'tender.open_bids') AS opened,
              (SELECT count(*)::int FROM bid_openings WHERE host_id = $1::uuid) AS records`,
      [id],
    );
    expect(counts).toEqual({ openings: 1, opened: 1, records: 1 });
  });
});
