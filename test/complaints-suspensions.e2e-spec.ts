import request from 'supertest';
import { addCalendarDays, BusinessCalendar } from '../libs/domain/src/business-calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { expectError, queryRows } from './support/checks.js';
import { businessDeadline, centreDays, transferProjectBody } from './support/transfers.js';
import { projectState } from './support/complaints.js';

const OWNER_CODE = '91360100MA35F6GX2N';
const SUPPLIER_CODES = ['914403001922038216', '9144030071526726XG'];
const SHA = 'c'.repeat(64);

type Line = 'construction' | 'procurement' | 'transfer' | 'lease';
const PROJECT_PATH: Record<Line, string> = {
  construction: '/api/tenders',
  procurement: '/api/procurements',
  transfer: '/api/transfer-projects',
  lease: '/api/lease-listings',
};

/**
 * Who holds a project's suspension (issue 10, branch fix-complaints-2), on the real platform: the
 * complaint that ordered it, or the supervisor's own order on the line's endpoint — and only the
 * holder lifts it. A complaint's close (dismissed, rejected, withdrawn) resumes a tender, a
 * procurement and a transfer it suspended; it never lifts a supervisor's own order (made after the
 * worker's 30-day cap ended the complaint's); the line's own resume leaves a complaint's suspension
 * to that complaint; an upheld re-run that must fail the project is refused while another's
 * suspension stands (the tables have no failure from `suspended`) and writes nothing, and fails it
 * once the holder lifted it; a termination ends a project from `suspended` whoever holds it; a
 * complaint's close hands a tender back to the objection still waiting for its reply.
 */
describe('complaints: who holds a suspension', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let ownerDb: string;
  let today: string;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  const post = (path: string, user: TestUser | undefined, body: object = {}) =>
    as(user)(request(api.url).post(path)).send(body);
  const get = (path: string, user?: TestUser) => as(user)(request(api.url).get(path));
  const sql = (text: string, params: unknown[] = []) => queryRows(ownerDb, text, params);
  const state = (projectId: string) => projectState(ownerDb, projectId);

  const complaintBody = (projectType: Line, projectId: string, overrides: object = {}) => ({
    projectType,
    projectId,
    kind: 'complaint',
    stage: 'announcement',
    grounds: '资格条件设置排斥潜在投标人',
    attachments: [{ name: '证据.pdf', sha256: SHA }],
    ...overrides,
  });

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    staff = await createOperator(platform.env.config, api.url, 'staff');
    supervisor = await createOperator(platform.env.config, api.url, 'supervisor');
    // The periods run into next year: its calendar entered (as found, or weekends off and no holidays).
    const { today: now } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ);
    const nextYear = Number(now.slice(0, 4)) + 1;
    const found = await get(`/api/calendar/${nextYear}`);
    await as(staff)(request(api.url).put(`/api/calendar/${nextYear}`))
      .send({
        holidays: found.status === 200 ? found.body.holidays : [],
        workdays: found.status === 200 ? found.body.workdays : [],
      })
      .expect(200);
  });

  // The centre's day by the database's clock, read again for each test: a run may cross midnight.
  beforeEach(async () => {
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** A tender in bidding (its documents issued today), `supplier` registered. */
  async function tender(supplier: TestUser) {
    const created = await post('/api/tenders', staff, {
      title: '东湖区某小学运动场改造工程施工',
      ownerName: '南昌市东湖区教育体育局',
      ownerOrgCode: OWNER_CODE,
      kind: 'building',
      description: '改造 2,000 平方米',
      estimatedPrice: 1_000_000_000,
      stateFunded: true,
      evaluationMethod: 'lowest_evaluated_price',
      deposit: 10_000_000,
      documents: [{ name: '招标文件.pdf', sha256: SHA }],
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 7),
      documentsIssuedOn: today,
      bidDeadlineOn: addCalendarDays(today, 25),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/tenders/${id}/announce`, staff).expect(200);
    await post(`/api/tenders/${id}/registrations`, supplier, { organizationCode: SUPPLIER_CODES[0] }).expect(
      201,
    );
    return id;
  }

  /** An open tender announced today, its documents issued on `issuedOn` (today: responding at once). */
  async function procurement(supplier: TestUser, issuedOn = today) {
    const calendar = new BusinessCalendar((await get('/api/calendar').expect(200)).body.items);
    const created = await post('/api/procurements', staff, {
      method: 'open_tender',
      title: '东湖区政务外网运维服务采购',
      purchaserName: '南昌市东湖区数据局',
      purchaserOrgCode: OWNER_CODE,
      description: '政务外网运维一年',
      budget: 800_000_000,
      deposit: 10_000_000,
      documents: [{ name: '采购文件.pdf', sha256: SHA }],
      documentsIssuedOn: issuedOn,
      documentsAvailableUntil: calendar.addBusinessDays(issuedOn, 5),
      deadlineOn: addCalendarDays(today, 25),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/procurements/${id}/announce`, staff).expect(200);
    await post(`/api/procurements/${id}/registrations`, supplier, {
      organizationCode: SUPPLIER_CODES[1],
    }).expect(201);
    return id;
  }

  /** An equity transfer published today (its disclosure running), `buyer` registered. */
  async function transfer(buyer: TestUser) {
    const disclosureEndsOn = await businessDeadline(api.url, today, 20);
    const created = await post(
      '/api/transfer-projects',
      staff,
      transferProjectBody({ disclosureEndsOn }),
    ).expect(201);
    const id = created.body.id as string;
    await post(`/api/transfer-projects/${id}/publish`, staff).expect(200);
    await post(`/api/transfer-projects/${id}/registrations`, buyer, {}).expect(201);
    return id;
  }

  async function project(line: Line, party: TestUser) {
    if (line === 'construction') return tender(party);
    if (line === 'procurement') return procurement(party);
    if (line === 'transfer') return transfer(party);
    return (
      await createPublishedListing(api.url, staff, [party], { biddingInMs: 3_600_000, freeMs: 600_000 })
    ).id as string;
  }

  const statusOf = async (line: Line, id: string) =>
    (await get(`${PROJECT_PATH[line]}/${id}`, staff).expect(200)).body.status as string;

  /** A challenge the purchaser dismissed: what a procurement complaint follows. */
  async function dismissedChallenge(supplier: TestUser, projectId: string) {
    const challenge = await post(
      '/api/complaints',
      supplier,
      complaintBody('procurement', projectId, { kind: 'challenge' }),
    ).expect(201);
    await post(`/api/complaints/${challenge.body.id}/decide`, staff, {
      outcome: 'dismissed',
      reason: '采购文件符合规定',
    }).expect(200);
    return challenge.body.id as string;
  }

  /** A complaint (投诉) filed against the project; a procurement one after its dismissed challenge. */
  async function complaint(line: Line, projectId: string, party: TestUser) {
    const challengeId = line === 'procurement' ? await dismissedChallenge(party, projectId) : undefined;
    const filed = await post(
      '/api/complaints',
      party,
      complaintBody(line, projectId, challengeId ? { challengeId } : {}),
    ).expect(201);
    return filed.body.id as string;
  }

  const suspendFor = (complaintId: string) =>
    post(`/api/complaints/${complaintId}/suspend-project`, supervisor, {
      reason: '投诉处理期间暂停',
    }).expect(200);

  async function investigated(complaintId: string) {
    await post(`/api/complaints/${complaintId}/accept`, supervisor).expect(200);
    await post(`/api/complaints/${complaintId}/investigate`, supervisor).expect(200);
  }

  /** The ways a complaint closes without a remedy, each answering the complaint as it closed. */
  const CLOSINGS = {
    dismissed: async (id: string) => {
      await investigated(id);
      return (
        await post(`/api/complaints/${id}/decide`, supervisor, {
          outcome: 'dismissed',
          reason: '不成立',
        }).expect(200)
      ).body;
    },
    rejected: async (id: string) =>
      (await post(`/api/complaints/${id}/reject`, supervisor, { reason: '不属于受理范围' }).expect(200)).body,
    withdrawn: async (id: string, complainant: TestUser) =>
      (await post(`/api/complaints/${id}/withdraw`, complainant).expect(200)).body,
  } as const;

  describe.each(['construction', 'procurement', 'transfer'] as const)(
    'a %s the complaint suspended resumes when it closes',
    (line) => {
      it.each(Object.keys(CLOSINGS) as (keyof typeof CLOSINGS)[])('%s', async (closing) => {
        const party = await registerBidder(api.url);
        const projectId = await project(line, party);
        const running = await statusOf(line, projectId);
        const id = await complaint(line, projectId, party);
        await suspendFor(id);
        expect(await statusOf(line, projectId)).toBe('suspended');
        const closed = await CLOSINGS[closing](id, party);
        expect(closed).toMatchObject({ id, status: closing });
        expect(await statusOf(line, projectId)).toBe(running);
        const seen = (await get(`/api/complaints/${id}`, supervisor).expect(200)).body;
        expect(seen.suspension).toMatchObject({ suspendedOn: today, resumedOn: today });
      });
    },
  );

  it.each(['construction', 'procurement', 'transfer', 'lease'] as const)(
    "a %s's own resume leaves the complaint's suspension to the complaint; its own order is the supervisor's",
    async (line) => {
      const party = await registerBidder(api.url);
      const projectId = await project(line, party);
      const running = await statusOf(line, projectId);
      const id = await complaint(line, projectId, party);
      await suspendFor(id);
      const before = await state(projectId);
      const refused = expectError(
        await post(`${PROJECT_PATH[line]}/${projectId}/resume`, supervisor),
        409,
        'SUSPENSION_HELD_BY_COMPLAINT',
      );
      expect(refused.details).toEqual({ complaintId: id });
      expect(await state(projectId)).toEqual(before);
      // The complaint lifts it; then the supervisor's own order is the supervisor's to lift.
      await post(`/api/complaints/${id}/resume-project`, supervisor).expect(200);
      expect(await statusOf(line, projectId)).toBe(running);
      await post(`${PROJECT_PATH[line]}/${projectId}/suspend`, supervisor, { reason: '监督检查' }).expect(
        200,
      );
      await CLOSINGS.withdrawn(id, party);
      expect(await statusOf(line, projectId)).toBe('suspended');
      await post(`${PROJECT_PATH[line]}/${projectId}/resume`, supervisor).expect(200);
      expect(await statusOf(line, projectId)).toBe(running);
    },
  );

  it("an older complaint's close never lifts the supervisor's own order made after the 30-day cap", async () => {
    const supplier = await registerBidder(api.url);
    const id = await procurement(supplier);
    const first = await complaint('procurement', id, supplier);
    await suspendFor(first);
    // Suspended 31 days ago: the worker resumes it at the cap (政府采购法 第57条).
    await sql(
      `UPDATE procurement_projects SET suspended_on = suspended_on - 31, documents_issued_on = documents_issued_on - 31,
         documents_available_until = documents_available_until - 31, deadline_on = deadline_on - 31 WHERE id = $1`,
      [id],
    );
    await sql(`UPDATE complaints SET suspended_on = suspended_on - 31 WHERE id = $1`, [first]);
    await waitFor(
      async () => ((await statusOf('procurement', id)) === 'responding' ? true : undefined),
      30_000,
      'the worker resumes the procurement at the cap',
    );
    // The supervisor's own order, on the procurement's endpoint: no complaint holds it.
    await post(`/api/procurements/${id}/suspend`, supervisor, { reason: '监督检查' }).expect(200);
    await CLOSINGS.withdrawn(first, supplier);
    expect(await statusOf('procurement', id)).toBe('suspended');
    const closed = (await get(`/api/complaints/${first}`, supervisor).expect(200)).body;
    expect(closed.suspension).toMatchObject({ resumedOn: today });
    // The supervisor lifts it.
    await post(`/api/procurements/${id}/resume`, supervisor).expect(200);
    expect(await statusOf('procurement', id)).toBe('responding');
  });

  it("an upheld re-run does not lift a supervisor's or another complaint's suspension of a procurement to fail it", async () => {
    const supplier = await registerBidder(api.url);
    // Announced, its documents issued on the next business day: `announced` may fail (废标).
    const calendar = new BusinessCalendar((await get('/api/calendar').expect(200)).body.items);
    const id = await procurement(supplier, calendar.addBusinessDays(today, 1));
    const challenge = (
      await post('/api/complaints', supplier, complaintBody('procurement', id, { kind: 'challenge' })).expect(
        201,
      )
    ).body.id as string;
    const reRun = () =>
      post(`/api/complaints/${challenge}/decide`, staff, {
        outcome: 'upheld',
        remedy: 're_run',
        reason: '评审因素设置不合理，重新组织采购',
      });

    // The supervisor's own order holds it: staff's answer to a challenge cannot lift it.
    await post(`/api/procurements/${id}/suspend`, supervisor, { reason: '监督检查' }).expect(200);
    let before = await state(id);
    const bySupervisor = expectError(await reRun(), 409, 'PROJECT_SUSPENDED_BY_ANOTHER');
    expect(bySupervisor.details).toEqual({ heldBy: 'supervisor' });
    expect(await state(id)).toEqual(before);
    await post(`/api/procurements/${id}/resume`, supervisor).expect(200);

    // Another complaint's suspension holds it: refused the same way, nothing written.
    const other = await registerBidder(api.url);
    await post(`/api/procurements/${id}/registrations`, other, {
      organizationCode: SUPPLIER_CODES[0],
    }).expect(201);
    const holder = await complaint('procurement', id, other);
    await suspendFor(holder);
    before = await state(id);
    const byComplaint = expectError(await reRun(), 409, 'PROJECT_SUSPENDED_BY_ANOTHER');
    expect(byComplaint.details).toEqual({ heldBy: 'complaint' });
    expect(await state(id)).toEqual(before);
    expect((await get(`/api/complaints/${challenge}`, staff).expect(200)).body.status).toBe('filed');

    // Its holder lifts it (withdrawn): now the re-run fails the procurement for staff to re-plan.
    await CLOSINGS.withdrawn(holder, other);
    expect(await statusOf('procurement', id)).toBe('announced');
    await reRun().expect(200);
    expect(await statusOf('procurement', id)).toBe('failed');
  });

  it('a tender opened: a re-run fails it from its own suspension, and is refused under the supervisor’s order', async () => {
    const opened = async (supplier: TestUser) => {
      const id = await tender(supplier);
      // The opening itself is the sealed-bid tests' (time moved in SQL, as they do): opened today.
      await sql(`UPDATE tender_projects SET status = 'opened', opened_at = clock_timestamp() WHERE id = $1`, [
        id,
      ]);
      return id;
    };
    const reRun = (complaintId: string) =>
      post(`/api/complaints/${complaintId}/decide`, supervisor, {
        outcome: 'upheld',
        remedy: 're_run',
        reason: '评标委员会组建违法,重新招标',
      });

    // The complaint's own suspension: lifted, then the tender fails (流标) for staff to re-tender.
    const supplier = await registerBidder(api.url);
    const own = await opened(supplier);
    const mine = await complaint('construction', own, supplier);
    await suspendFor(mine);
    await investigated(mine);
    const decided = (await reRun(mine).expect(200)).body;
    expect(decided.suspension).toMatchObject({ resumedOn: today });
    const failed = (await get(`/api/tenders/${own}`, staff).expect(200)).body;
    expect(failed).toMatchObject({ status: 'failed', suspendedOn: null });
    expect(failed.failedReason).toContain('评标委员会组建违法');

    // The supervisor's own order: refused, nothing written; once lifted, the re-run fails it.
    const other = await registerBidder(api.url);
    const held = await opened(other);
    const theirs = await complaint('construction', held, other);
    await investigated(theirs);
    await post(`/api/tenders/${held}/suspend`, supervisor, { reason: '监督检查' }).expect(200);
    const before = await state(held);
    expect(expectError(await reRun(theirs), 409, 'PROJECT_SUSPENDED_BY_ANOTHER').details).toEqual({
      heldBy: 'supervisor',
    });
    expect(await state(held)).toEqual(before);
    await post(`/api/tenders/${held}/resume`, supervisor).expect(200);
    await reRun(theirs).expect(200);
    expect(await statusOf('construction', held)).toBe('failed');
  });

  it("an upheld termination ends a tender from `suspended` under the supervisor's order", async () => {
    const supplier = await registerBidder(api.url);
    const id = await tender(supplier);
    const filed = await complaint('construction', id, supplier);
    await investigated(filed);
    await post(`/api/tenders/${id}/suspend`, supervisor, { reason: '监督检查' }).expect(200);
    const decided = await post(`/api/complaints/${filed}/decide`, supervisor, {
      outcome: 'upheld',
      remedy: 'terminated',
      reason: '招标文件违法,终止招标',
    }).expect(200);
    // This complaint suspended nothing: it records no suspension.
    expect(decided.body).toMatchObject({ status: 'upheld', suspension: null });
    const [row] = await sql(
      `SELECT status, supervisor_suspension, suspension_complaint_id, suspended_on FROM tender_projects WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({
      status: 'terminated',
      supervisor_suspension: false,
      suspension_complaint_id: null,
      suspended_on: null,
    });
  });

  it("a complaint's close hands a tender back to the objection still waiting; the reply resumes it", async () => {
    const supplier = await registerBidder(api.url);
    const id = await tender(supplier);
    const objection = (
      await post(`/api/tenders/${id}/objections`, supplier, {
        target: 'tender_documents',
        text: '资格条件中的业绩要求排斥潜在投标人',
      }).expect(201)
    ).body.id as string;
    expect(await statusOf('construction', id)).toBe('suspended');
    const filed = await complaint('construction', id, supplier);
    await suspendFor(filed);
    // Withdrawn while the objection waits: the complaint's order ends, the objection's hold stays.
    const withdrawn = await CLOSINGS.withdrawn(filed, supplier);
    expect(withdrawn).toMatchObject({ status: 'withdrawn' });
    const seen = (await get(`/api/complaints/${filed}`, supervisor).expect(200)).body;
    expect(seen.suspension).toMatchObject({ resumedOn: today });
    const held = (await get(`/api/tenders/${id}`, staff).expect(200)).body;
    expect(held).toMatchObject({ status: 'suspended', resumeTo: 'bidding' });
    const [released] = await sql(
      `SELECT payload::jsonb -> 'data' AS data FROM audit_log WHERE entity_id = $1 AND action = 'tender.suspension_released'`,
      [id],
    );
    expect(released.data).toEqual({ complaintId: filed, objectionIds: [objection] });
    await post(`/api/tenders/${id}/objections/${objection}/reply`, staff, {
      text: '已修改资格条件',
      upheld: true,
    }).expect(200);
    expect(await statusOf('construction', id)).toBe('bidding');
  });
});
