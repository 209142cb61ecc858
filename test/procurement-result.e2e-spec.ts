import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  registerBidder,
  registerOrganization,
  type TestOrganization,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { randomOrgCode } from './support/organization-codes.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import { newFramework, newTender } from './support/public-processes.js';
import { centreDays } from './support/transfers.js';

const REPORT_SHA = 'a'.repeat(64);
const CONTRACT_SHA = 'b'.repeat(64);
const MISSING = '00000000-0000-4000-8000-000000000000';
const PRICES = [300_000_000, 310_000_000, 320_000_000];

/**
 * GET /api/procurements/:id/result, the public 成交结果公告: refused (PROCUREMENT_RESULT_NOT_ANNOUNCED)
 * while responding, opened, evaluating and after the purchaser's decision — nothing of a price in
 * the refusal — then, for anyone, the winner, its price and the notice; the contract once signed.
 * A single source's winner is its registered supplier at the negotiated price; a framework
 * agreement lists its admitted suppliers.
 */
describe('a procurement’s public result (成交结果公告)', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let suppliers: TestOrganization[];
  let today: string;
  let yesterday: string;
  let ownerDb: string;

  const post = (path: string, body: object = {}, user: TestUser = staff) =>
    request(api.url).post(path).auth(user.token, { type: 'bearer' }).send(body);
  const anonymous = (path: string) => request(api.url).get(path);
  const statusOf = async (id: string) =>
    (await anonymous(`/api/procurements/${id}`).expect(200)).body.status as string;
  const businessDaysAfter = async (from: string, businessDays: number) =>
    (await request(api.url).get('/api/calendar/deadline').query({ from, businessDays }).expect(200)).body
      .date as string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today, yesterday } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    staff = await createOperator(platform.env.config, api.url, 'staff');
    // Organisations' own accounts: the public names each by its registered name (staff confirm it
    // when they qualify it) and code.
    suppliers = await Promise.all(PRICES.map(() => registerOrganization(api.url)));
  });

  /** Every supplier registers, is qualified (deposit received) and responds with its price; the bids' ids. */
  async function respondAll(id: string) {
    const bidIds: string[] = [];
    for (const [index, supplier] of suppliers.entries()) {
      const applied = await post(
        `/api/procurements/${id}/registrations`,
        { organizationCode: supplier.orgCode },
        supplier,
      ).expect(201);
      // Staff confirm the organisation's registered name: how the public names it.
      await post(`/api/procurements/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
        organizationName: supplier.name,
      }).expect(200);
      const receipt = await request(api.url)
        .put(`/api/procurements/${id}/response`)
        .auth(supplier.token, { type: 'bearer' })
        .send({ price: PRICES[index], documents: [] })
        .expect(200);
      bidIds.push(receipt.body.bidId);
    }
    return bidIds;
  }

  /** `count` available experts of a specialty of their own; the draw's needs. */
  async function experts(count: number) {
    const kind = `s${randomBytes(4).toString('hex')}`;
    for (let index = 0; index < count; index += 1)
      await post('/api/experts', {
        name: `专家${index}`,
        employerName: '某研究院',
        employerOrgCode: randomOrgCode(),
        specialties: [kind],
      }).expect(201);
    return { needs: [{ specialty: kind, count }] };
  }
  // The centre's day by the database's clock, read again for each test: a run may cross midnight.
  beforeEach(async () => {
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('is public only from the result notice on: the winner, its price, the notice and then the contract', async () => {
    const created = await post('/api/procurements', {
      method: 'competitive_negotiation',
      title: '东湖区办公家具采购',
      purchaserName: '南昌市东湖区机关事务局',
      purchaserOrgCode: randomOrgCode(),
      description: '办公桌椅一批',
      budget: 400_000_000,
      deposit: 5_000_000,
      documents: [],
      documentsIssuedOn: today,
      deadlineOn: await businessDaysAfter(today, 3),
    }).expect(201);
    const id = created.body.id as string;
    const path = `/api/procurements/${id}/result`;
    // Planned: the project itself is not public; an unknown or malformed id is refused as such.
    expectError(await anonymous(path), 404, 'LISTING_NOT_FOUND');
    expectError(await anonymous(`/api/procurements/${MISSING}/result`), 404, 'LISTING_NOT_FOUND');
    expectError(await anonymous('/api/procurements/not-an-id/result'), 400, 'INVALID_ID');

    await post(`/api/procurements/${id}/announce`).expect(200);
    const bidIds = await respondAll(id);
    const sealed = await anonymous(path);
    expectError(sealed, 404, 'PROCUREMENT_RESULT_NOT_ANNOUNCED');
    for (const price of PRICES) expect(sealed.text).not.toContain(String(price));

    const kind = `s${randomBytes(4).toString('hex')}`;
    for (let index = 0; index < 3; index += 1)
      await post('/api/experts', {
        name: `专家${index}`,
        employerName: '某研究院',
        employerOrgCode: randomOrgCode(),
        specialties: [kind],
      }).expect(201);
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 15_000, 'opened');
    expectError(await anonymous(path), 404, 'PROCUREMENT_RESULT_NOT_ANNOUNCED');

    const base = `/api/procurements/${id}`;
    await post(`${base}/committee/draw`, { needs: [{ specialty: kind, count: 3 }] }).expect(201);
    await post(`${base}/start-evaluation`).expect(200);
    await post(`${base}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    await post(`${base}/report/deliver`).expect(200);
    await post(`${base}/award-decision`, { bidId: bidIds[0] }).expect(200);
    expect(await statusOf(id)).toBe('award_decided');
    // Decided is not announced: the purchaser's choice stays unpublished until the notice.
    expectError(await anonymous(path), 404, 'PROCUREMENT_RESULT_NOT_ANNOUNCED');

    await post(`${base}/result`).expect(200);
    const [winner] = suppliers;
    const announced = await anonymous(path).expect(200);
    expect(announced.body).toEqual({
      projectId: id,
      award: {
        bidId: bidIds[0],
        supplierName: winner.name,
        supplierCode: winner.orgCode,
        price: PRICES[0],
        reason: null,
        decidedOn: today,
        noticeOn: today,
        contractDueOn: addCalendarDays(today, 30),
      },
      admittedSuppliers: null,
      contract: null,
    });
    expect(announced.text).not.toContain(REPORT_SHA);

    await post(`${base}/contract`, { signedOn: today, contractSha256: CONTRACT_SHA }).expect(200);
    expect((await anonymous(path).expect(200)).body).toMatchObject({
      award: { bidId: bidIds[0], price: PRICES[0] },
      contract: { signedOn: today, contractSha256: CONTRACT_SHA },
    });
  });

  it('names a single source’s supplier at its negotiated price, though it had no sealed opening', async () => {
    const created = await post('/api/procurements', {
      method: 'single_source',
      title: '东湖区专利检测设备采购',
      purchaserName: '南昌市东湖区市场监督管理局',
      purchaserOrgCode: randomOrgCode(),
      description: '专利检测设备一台',
      budget: 400_000_000,
      documents: [],
      publicityStartsOn: today,
      publicityEndsOn: await businessDaysAfter(today, 5),
      singleSourceSupplier: '某专利设备制造有限公司',
      singleSourceReasons: '只能从唯一供应商处采购(专利)',
    }).expect(201);
    const id = created.body.id as string;
    const base = `/api/procurements/${id}`;
    await post(`${base}/publicise`).expect(200);
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET publicity_starts_on = $2::date - 10, publicity_ends_on = $2::date WHERE id = $1`,
      [id, yesterday],
    );
    await post(`${base}/conclude-publicity`).expect(200);
    // A person's account applying for an organisation: named by the organisation's code alone, never
    // by the account's own (a person's) name.
    const supplier = await registerBidder(api.url);
    const supplierCode = randomOrgCode();
    const registered = await post(
      `${base}/registrations`,
      { organizationCode: supplierCode },
      supplier,
    ).expect(201);
    await post(`${base}/registrations/${registered.body.id}/qualify`, { depositReceived: false }).expect(200);
    await post(`${base}/committee/draw`, await experts(3)).expect(201);
    await post(`${base}/start-evaluation`).expect(200);
    await post(`${base}/negotiation`, { price: 380_000_000, negotiationRecordSha256: REPORT_SHA }).expect(
      200,
    );
    await post(`${base}/report/deliver`).expect(200);
    await post(`${base}/award-decision`, { bidId: registered.body.id }).expect(200);
    expectError(await anonymous(`${base}/result`), 404, 'PROCUREMENT_RESULT_NOT_ANNOUNCED');
    await post(`${base}/result`).expect(200);

    expect((await anonymous(`${base}/result`).expect(200)).body).toEqual({
      projectId: id,
      award: {
        bidId: registered.body.id,
        supplierName: supplierCode,
        supplierCode,
        price: 380_000_000,
        reason: null,
        decidedOn: today,
        noticeOn: today,
        contractDueOn: addCalendarDays(today, 30),
      },
      admittedSuppliers: null,
      contract: null,
    });
  });

  it('lists a framework agreement’s admitted suppliers in rank order with their prices', async () => {
    const created = await post('/api/procurements', {
      method: 'framework_agreement',
      title: '东湖区办公设备框架协议采购',
      purchaserName: '南昌市东湖区机关事务局',
      purchaserOrgCode: randomOrgCode(),
      description: '办公设备一年',
      budget: 400_000_000,
      deposit: 5_000_000,
      documents: [],
      documentsIssuedOn: today,
      documentsAvailableUntil: await businessDaysAfter(today, 5),
      deadlineOn: addCalendarDays(today, 20),
      subjectType: 'goods',
      admittedSuppliers: 3,
      termStartsOn: addCalendarDays(today, 21),
      termEndsOn: addCalendarDays(today, 21 + 364),
    }).expect(201);
    const id = created.body.id as string;
    const base = `/api/procurements/${id}`;
    await post(`${base}/announce`).expect(200);
    const bidIds = await respondAll(id);
    // The tender's committee: 5 at least.
    await post(`${base}/committee/draw`, await experts(5)).expect(201);
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 15_000, 'opened');
    await post(`${base}/start-evaluation`).expect(200);
    await post(`${base}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    await post(`${base}/report/deliver`).expect(200);
    await post(`${base}/award-decision`, { bidId: bidIds[0] }).expect(200);
    await post(`${base}/result`).expect(200);

    // Three ranked, at least one left out: the first two are admitted.
    const [first, second] = suppliers;
    expect((await anonymous(`${base}/result`).expect(200)).body).toEqual({
      projectId: id,
      award: {
        bidId: bidIds[0],
        supplierName: first.name,
        supplierCode: first.orgCode,
        price: PRICES[0],
        reason: null,
        decidedOn: today,
        noticeOn: today,
        contractDueOn: addCalendarDays(today, 30),
      },
      admittedSuppliers: [
        { rank: 1, supplierName: first.name, supplierCode: first.orgCode, price: PRICES[0] },
        { rank: 2, supplierName: second.name, supplierCode: second.orgCode, price: PRICES[1] },
      ],
      contract: null,
    });
  });

  it('is listed in the OpenAPI document without a bearer requirement of its own', async () => {
    const document = (await request(api.url).get('/docs-json').expect(200)).body;
    const operation = document.paths['/api/procurements/{id}/result']?.get;
    expect(operation).toBeDefined();
    expect(operation.security ?? []).toEqual([]);
  });

  it('stays unannounced when the procurement is suspended after the award decision but before the notice', async () => {
    const created = await post('/api/procurements', {
      method: 'competitive_negotiation',
      title: '东湖区档案柜采购',
      purchaserName: '南昌市东湖区档案馆',
      purchaserOrgCode: randomOrgCode(),
      description: '密集架一批',
      budget: 400_000_000,
      deposit: 5_000_000,
      documents: [],
      documentsIssuedOn: today,
      deadlineOn: await businessDaysAfter(today, 3),
    }).expect(201);
    const id = created.body.id as string;
    const base = `/api/procurements/${id}`;
    await post(`${base}/announce`).expect(200);
    const bidIds: string[] = [];
    for (const [index, supplier] of suppliers.entries()) {
      const applied = await post(
        `${base}/registrations`,
        { organizationCode: randomOrgCode() },
        supplier,
      ).expect(201);
      await post(`${base}/registrations/${applied.body.id}/qualify`, { depositReceived: true }).expect(200);
      const receipt = await request(api.url)
        .put(`${base}/response`)
        .auth(supplier.token, { type: 'bearer' })
        .send({ price: PRICES[index], documents: [] })
        .expect(200);
      bidIds.push(receipt.body.bidId);
    }
    const kind = `s${randomBytes(4).toString('hex')}`;
    for (let index = 0; index < 3; index += 1)
      await post('/api/experts', {
        name: `专家${index}`,
        employerName: '某研究院',
        employerOrgCode: randomOrgCode(),
        specialties: [kind],
      }).expect(201);
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 60_000, 'opened');
    await post(`${base}/committee/draw`, { needs: [{ specialty: kind, count: 3 }] }).expect(201);
    await post(`${base}/start-evaluation`).expect(200);
    await post(`${base}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    await post(`${base}/report/deliver`).expect(200);
    await post(`${base}/award-decision`, { bidId: bidIds[0] }).expect(200);

    // No endpoint suspends a procurement yet: the owner sets the suspension in SQL, as a 质疑
    // after the decision would (suspended, to resume to award_decided).
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET status = 'suspended', resume_to = 'award_decided',
         suspended_at = clock_timestamp(), suspended_on = $2 WHERE id = $1`,
      [id, today],
    );
    expect(await statusOf(id)).toBe('suspended');
    const refused = await anonymous(`${base}/result`);
    expectError(refused, 404, 'PROCUREMENT_RESULT_NOT_ANNOUNCED');
    expect(refused.text).not.toContain(bidIds[0]);
    expect(refused.text).not.toContain(String(PRICES[0]));
  });

  it('takes the organisation’s registered name staff confirm when they qualify: a malformed one is refused and writes nothing; staff see it beside the account’s name', async () => {
    const ctx = { apiUrl: api.url, ownerDb, staff, today };
    const tender = await newTender(ctx, { title: `东湖区名称确认工程${randomBytes(3).toString('hex')}` });
    const framework = await newFramework(ctx, {
      title: `东湖区名称确认采购${randomBytes(3).toString('hex')}`,
    });
    // An account registered under another organisation's code, with a name of its choosing.
    const victimCode = randomOrgCode();
    const impostor = await registerOrganization(
      api.url,
      `冒名${randomBytes(3).toString('hex')}有限公司`,
      victimCode,
    );
    for (const base of [`/api/tenders/${tender.id}`, `/api/procurements/${framework.id}`]) {
      const applied = await post(`${base}/registrations`, { organizationCode: victimCode }, impostor).expect(
        201,
      );
      const qualify = (body: object) =>
        post(`${base}/registrations/${applied.body.id}/qualify`, { depositReceived: true, ...body });
      const before = await tableContents(platform.env.config.DATABASE_URL);
      for (const organizationName of [
        '',
        '   ',
        '某'.repeat(101),
        '某某\n公司',
        '某某\u202e公司',
        '某\u0007公司',
      ])
        expectError(await qualify({ organizationName }), 400, 'ORGANIZATION_NAME_INVALID');
      expectError(await qualify({ organizationName: 42 }), 400, 'VALIDATION_FAILED');
      expect(await tableContents(platform.env.config.DATABASE_URL)).toEqual(before);

      // Staff see the account's own name (to check against the licence) and nothing confirmed yet.
      const listed = async () =>
        (
          await request(api.url)
            .get(`${base}/registrations`)
            .auth(staff.token, { type: 'bearer' })
            .expect(200)
        ).body.items.find((item: { id: string }) => item.id === applied.body.id);
      expect(await listed()).toMatchObject({
        organizationCode: victimCode,
        organizationName: null,
        accountName: impostor.name,
        status: 'pending',
      });
      await qualify({ organizationName: '  南昌市东湖区真名建设有限公司 ' }).expect(200);
      expect(await listed()).toMatchObject({
        organizationName: '南昌市东湖区真名建设有限公司',
        status: 'qualified',
      });
    }
  });
});
