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
import { expectError, queryRows, tableContents } from './support/checks.js';
import { centreDays } from './support/transfers.js';
import { projectState } from './support/complaints.js';

const OWNER_CODE = '91360100MA35F6GX2N';
const SUPPLIER_CODES = ['914403001922038216', '9144030071526726XG'];
const SHA = 'c'.repeat(64);
const COMPLAINT_TABLES = ['complaints', 'complaint_document_requests', 'sanctions', 'audit_log'];

/**
 * The holes an attacker proved in the complaints (branch fix-complaints), each replayed on the real
 * platform: staff lifting a supervisor's suspension through an unrelated corrected challenge; the
 * worker's 30-day cap leaving the complaint's suspension open (and an old suspension lifting a new
 * one); a padded stage reopening a published act's window; a withdrawal racing an upheld
 * decision; a false complaint's dismissal published beside its ban; the complainant reading the
 * investigation.
 */
describe('complaints: the attack review', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let ownerDb: string;
  let appDb: string;
  let today: string;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  const post = (path: string, user: TestUser | undefined, body: object = {}) =>
    as(user)(request(api.url).post(path)).send(body);
  const get = (path: string, user?: TestUser) => as(user)(request(api.url).get(path));
  const sql = (text: string, params: unknown[] = []) => queryRows(ownerDb, text, params);

  const complaintBody = (projectType: string, projectId: string, overrides: object = {}) => ({
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
    appDb = platform.env.config.DATABASE_URL;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    staff = await createOperator(platform.env.config, api.url, 'staff');
    supervisor = await createOperator(platform.env.config, api.url, 'supervisor');
    // The periods run into next year: its calendar entered (as found, or weekends off and no holidays).
    const nextYear = Number(today.slice(0, 4)) + 1;
    const found = await get(`/api/calendar/${nextYear}`);
    await as(staff)(request(api.url).put(`/api/calendar/${nextYear}`))
      .send({
        holidays: found.status === 200 ? found.body.holidays : [],
        workdays: found.status === 200 ? found.body.workdays : [],
      })
      .expect(200);
  });

  afterAll(async () => {
    await platform?.close();
  });

  async function leaseListing(bidders: TestUser[]) {
    return (
      await createPublishedListing(api.url, staff, bidders, { biddingInMs: 3_600_000, freeMs: 600_000 })
    ).id as string;
  }

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

  async function procurement(supplier: TestUser) {
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
      documentsIssuedOn: today,
      documentsAvailableUntil: calendar.addBusinessDays(today, 5),
      deadlineOn: addCalendarDays(today, 25),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/procurements/${id}/announce`, staff).expect(200);
    await post(`/api/procurements/${id}/registrations`, supplier, {
      organizationCode: SUPPLIER_CODES[1],
    }).expect(201);
    return id;
  }

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

  async function suspendedFor(supplier: TestUser, projectId: string, challengeId: string) {
    const complaint = await post(
      '/api/complaints',
      supplier,
      complaintBody('procurement', projectId, { challengeId }),
    ).expect(201);
    const id = complaint.body.id as string;
    expect((await post(`/api/complaints/${id}/accept`, supervisor)).body).toMatchObject({
      status: 'accepted',
    });
    await post(`/api/complaints/${id}/suspend-project`, supervisor, { reason: '投诉处理期间暂停' }).expect(
      200,
    );
    return id;
  }

  const procurementStatus = async (id: string) =>
    (await get(`/api/procurements/${id}`, staff).expect(200)).body.status as string;

  it("staff's corrected challenge does not lift the supervisor's suspension; its own complaint does", async () => {
    const supplier = await registerBidder(api.url);
    const id = await procurement(supplier);
    const challengeA = await dismissedChallenge(supplier, id);
    const complaintB = await suspendedFor(supplier, id, challengeA);
    expect(await procurementStatus(id)).toBe('suspended');
    // An unrelated challenge, upheld by the purchaser's staff as corrected.
    const challengeC = await post(
      '/api/complaints',
      supplier,
      complaintBody('procurement', id, { kind: 'challenge', stage: 'other', knewOn: today }),
    ).expect(201);
    await post(`/api/complaints/${challengeC.body.id}/decide`, staff, {
      outcome: 'upheld',
      remedy: 'corrected',
      reason: '已更正',
    }).expect(200);
    expect(await procurementStatus(id)).toBe('suspended');
    // The complaint that ordered the suspension can still close, and its close resumes the project.
    await post(`/api/complaints/${complaintB}/investigate`, supervisor).expect(200);
    const withdrawn = (await post(`/api/complaints/${complaintB}/withdraw`, supplier).expect(200)).body;
    expect(withdrawn).toMatchObject({ status: 'withdrawn', withdrawnOn: today });
    expect(await procurementStatus(id)).toBe('responding');
    const seen = (await get(`/api/complaints/${complaintB}`, supervisor).expect(200)).body;
    expect(seen.suspension).toMatchObject({ suspendedOn: today, resumedOn: today });
  });

  it('an upheld corrected complaint resumes the suspension ordered for it', async () => {
    const supplier = await registerBidder(api.url);
    const id = await procurement(supplier);
    const complaint = await suspendedFor(supplier, id, await dismissedChallenge(supplier, id));
    await post(`/api/complaints/${complaint}/investigate`, supervisor).expect(200);
    await post(`/api/complaints/${complaint}/decide`, supervisor, {
      outcome: 'upheld',
      remedy: 'corrected',
      reason: '责令改正',
    }).expect(200);
    expect(await procurementStatus(id)).toBe('responding');
  });

  it("after the worker's 30-day cap the complaint closes, and its old suspension never lifts a new one", async () => {
    const supplier = await registerBidder(api.url);
    const id = await procurement(supplier);
    const challenge = await dismissedChallenge(supplier, id);
    const first = await suspendedFor(supplier, id, challenge);
    // Suspended 31 days ago: the worker resumes it at the cap (政府采购法 第57条).
    await sql(
      `UPDATE procurement_projects SET suspended_on = suspended_on - 31, documents_issued_on = documents_issued_on - 31,
         documents_available_until = documents_available_until - 31, deadline_on = deadline_on - 31 WHERE id = $1`,
      [id],
    );
    await sql(`UPDATE complaints SET suspended_on = suspended_on - 31 WHERE id = $1`, [first]);
    await waitFor(
      async () => ((await procurementStatus(id)) === 'responding' ? true : undefined),
      15_000,
      'the worker resumes the procurement at the cap',
    );
    // A second complaint suspends the project again: the first one's suspension had ended.
    const second = await suspendedFor(supplier, id, challenge);
    expect((await get(`/api/complaints/${first}`, supervisor).expect(200)).body.suspension).toMatchObject({
      resumedOn: today,
    });
    // The first closes (no resume: not its suspension); the project stays suspended for the second.
    await post(`/api/complaints/${first}/withdraw`, supplier).expect(200);
    expect(await procurementStatus(id)).toBe('suspended');
    // The second, after the cap too, is dismissed: the complaint records its suspension's end.
    await sql(
      `UPDATE procurement_projects SET suspended_on = suspended_on - 31, deadline_on = deadline_on - 31 WHERE id = $1`,
      [id],
    );
    await sql(`UPDATE complaints SET suspended_on = suspended_on - 31 WHERE id = $1`, [second]);
    await waitFor(
      async () => ((await procurementStatus(id)) === 'responding' ? true : undefined),
      15_000,
      'the worker resumes the procurement at the cap again',
    );
    await post(`/api/complaints/${second}/investigate`, supervisor).expect(200);
    const dismissed = (
      await post(`/api/complaints/${second}/decide`, supervisor, {
        outcome: 'dismissed',
        reason: '不成立',
      }).expect(200)
    ).body;
    expect(dismissed).toMatchObject({ status: 'dismissed', suspension: { resumedOn: today } });
    expect(await procurementStatus(id)).toBe('responding');
  });

  it("the stage is one of the line's, exactly; a published act's window is not reopened", async () => {
    const supplier = await registerBidder(api.url);
    const id = await tender(supplier);
    await sql(`UPDATE tender_projects SET announced_on = $2 WHERE id = $1`, [
      id,
      addCalendarDays(today, -60),
    ]);
    const before = await tableContents(appDb, COMPLAINT_TABLES);
    const project = await projectState(ownerDb, id);
    expectError(
      await post('/api/complaints', supplier, complaintBody('construction', id)),
      422,
      'COMPLAINT_WINDOW_CLOSED',
    );
    for (const stage of ['announcement ', ' announcement', 'Announcement', '公告', ''])
      expectError(
        await post('/api/complaints', supplier, complaintBody('construction', id, { stage })),
        400,
        'VALIDATION_FAILED',
      );
    expectError(
      await post('/api/complaints', supplier, complaintBody('construction', id, { stage: 'bidding' })),
      422,
      'COMPLAINT_STAGE_UNKNOWN',
    );
    expectError(
      await post('/api/complaints', supplier, complaintBody('construction', id, { stage: 'other' })),
      422,
      'COMPLAINT_KNEW_ON_REQUIRED',
    );
    expect(await tableContents(appDb, COMPLAINT_TABLES)).toEqual(before);
    expect(await projectState(ownerDb, id)).toEqual(project);
    await post(
      '/api/complaints',
      supplier,
      complaintBody('construction', id, { stage: 'other', knewOn: today }),
    ).expect(201);
  });

  it("a complainant's pending filings per project are capped at 5", async () => {
    const bidder = await registerBidder(api.url);
    const listingId = await leaseListing([bidder]);
    const ids: string[] = [];
    for (let n = 0; n < 5; n++)
      ids.push(
        (await post('/api/complaints', bidder, complaintBody('lease', listingId)).expect(201)).body.id,
      );
    const before = await tableContents(appDb, COMPLAINT_TABLES);
    const project = await projectState(ownerDb, listingId);
    expectError(
      await post('/api/complaints', bidder, complaintBody('lease', listingId)),
      409,
      'COMPLAINT_FILINGS_LIMIT',
    );
    expect(await tableContents(appDb, COMPLAINT_TABLES)).toEqual(before);
    expect(await projectState(ownerDb, listingId)).toEqual(project);
    // One closed makes room again.
    await post(`/api/complaints/${ids[0]}/withdraw`, bidder).expect(200);
    await post('/api/complaints', bidder, complaintBody('lease', listingId)).expect(201);
  });

  it('a withdrawal racing an upheld termination: exactly one wins, project and complaint agree', async () => {
    const bidder = await registerBidder(api.url);
    for (let round = 0; round < 3; round++) {
      const listingId = await leaseListing([bidder]);
      const id = (await post('/api/complaints', bidder, complaintBody('lease', listingId)).expect(201)).body
        .id;
      await post(`/api/complaints/${id}/accept`, supervisor).expect(200);
      await post(`/api/complaints/${id}/investigate`, supervisor).expect(200);
      const [withdraw, decide] = await Promise.all([
        post(`/api/complaints/${id}/withdraw`, bidder),
        post(`/api/complaints/${id}/decide`, supervisor, {
          outcome: 'upheld',
          remedy: 'terminated',
          reason: '资格条件违法,终止挂牌',
        }),
      ]);
      expect([withdraw.status, decide.status].sort()).toEqual([200, 409]);
      const loser = withdraw.status === 409 ? withdraw : decide;
      expect(['COMPLAINT_BUSY', 'INVALID_STATE_TRANSITION']).toContain(loser.body.code);
      const complaint = (await get(`/api/complaints/${id}`, supervisor).expect(200)).body;
      const listing = (await get(`/api/lease-listings/${listingId}`).expect(200)).body;
      if (decide.status === 200) {
        expect(complaint).toMatchObject({ status: 'upheld', decision: { remedy: 'terminated' } });
        expect(listing.status).toBe('cancelled');
      } else {
        expect(complaint).toMatchObject({ status: 'withdrawn', decision: null });
        expect(listing.status).not.toBe('cancelled');
      }
      // The claim is freed: the complaint takes its next step.
      if (decide.status !== 200)
        expectError(await post(`/api/complaints/${id}/withdraw`, bidder), 409, 'INVALID_STATE_TRANSITION');
    }
  });

  it('a decision found false is left out of the public decisions; a plain dismissal is listed', async () => {
    const bidder = await registerBidder(api.url);
    const listingId = await leaseListing([bidder]);
    const decide = async (foundFalse: boolean) => {
      const id = (await post('/api/complaints', bidder, complaintBody('lease', listingId)).expect(201)).body
        .id;
      await post(`/api/complaints/${id}/accept`, supervisor).expect(200);
      await post(`/api/complaints/${id}/investigate`, supervisor).expect(200);
      await post(`/api/complaints/${id}/decide`, supervisor, {
        outcome: 'dismissed',
        foundFalse,
        reason: '不成立',
      }).expect(200);
      return id as string;
    };
    const plain = await decide(false);
    const found = await decide(true);
    const published = (await get('/api/public/complaint-decisions?limit=200').expect(200)).body;
    const ids = published.items.map((item: { id: string }) => item.id);
    expect(ids).toContain(plain);
    expect(ids).not.toContain(found);
    expect(published.total).toBe(
      Number(
        (await sql(`SELECT count(*) AS n FROM complaints WHERE outcome IS NOT NULL AND NOT found_false`))[0]
          .n,
      ),
    );
  });

  it('the complainant sees their filing, status, deadlines and decision, not the investigation', async () => {
    const bidder = await registerBidder(api.url);
    const listingId = await leaseListing([bidder]);
    const id = (await post('/api/complaints', bidder, complaintBody('lease', listingId)).expect(201)).body.id;
    await post(`/api/complaints/${id}/accept`, supervisor).expect(200);
    await post(`/api/complaints/${id}/investigate`, supervisor).expect(200);
    await post(`/api/complaints/${id}/suspend-project`, supervisor, {
      reason: '内部线索:出租人员工举报',
    }).expect(200);
    const requested = await post(`/api/complaints/${id}/document-requests`, supervisor, {
      addressee: '出租人法务部张三',
      dueOn: addCalendarDays(today, 5),
    }).expect(201);
    await post(
      `/api/complaints/${id}/document-requests/${requested.body.documentRequests[0].id}/answer`,
      supervisor,
      {
        attachments: [{ name: '出租人内部说明.pdf', sha256: 'd'.repeat(64) }],
      },
    ).expect(200);
    const full = (await get(`/api/complaints/${id}`, supervisor).expect(200)).body;
    expect(full.documentRequests).toHaveLength(1);
    const own = (await get(`/api/complaints/${id}`, bidder).expect(200)).body;
    const mine = (await get('/api/me/complaints', bidder).expect(200)).body.items.find(
      (item: { id: string }) => item.id === id,
    );
    for (const view of [own, mine]) {
      expect(view).toMatchObject({ id, status: 'investigating', stage: 'announcement', decision: null });
      const steps = view.deadlines.map((deadline: { step: string }) => deadline.step);
      expect(steps).toContain('decide');
      expect(steps).not.toContain('documents');
      expect(steps).not.toContain('resume');
      expect(view).not.toHaveProperty('documentRequests');
      expect(view).not.toHaveProperty('suspension');
      const text = JSON.stringify(view);
      for (const secret of ['出租人法务部张三', '出租人内部说明.pdf', 'd'.repeat(64), '内部线索'])
        expect(text).not.toContain(secret);
    }
  });
});
