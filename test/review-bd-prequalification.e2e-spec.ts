import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { bidDeadlineInstant } from '../libs/domain/src/tender-terms.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  organizationCode,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { queryRows } from './support/checks.js';
import { centreDays } from './support/transfers.js';

const SHA = 'c'.repeat(64);

/**
 * Review (branch review-bd) of the tender prequalification merge, as an attacker: each test proves
 * one hole and fails until it is fixed. No production code is changed here.
 */
describe('review-bd: tender prequalification holes', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let outsider: TestUser;
  let today: string;
  let ownerDb: string;
  let ownerCode: string;

  const as = (user: TestUser | null) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  const post = (path: string, body: unknown = {}, user: TestUser | null = staff) =>
    as(user)(request(api.url).post(path)).send(body as object);
  const patch = (path: string, body: unknown, user: TestUser | null = staff) =>
    as(user)(request(api.url).patch(path)).send(body as object);
  const get = (path: string, user: TestUser | null = staff) => as(user)(request(api.url).get(path));
  const sql = (text: string, params: unknown[] = []) => queryRows(ownerDb, text, params);
  const tender = async (id: string, user: TestUser | null = staff) =>
    (await get(`/api/tenders/${id}`, user).expect(200)).body;

  const body = () => ({
    title: '某区体育中心新建工程施工',
    ownerName: '某区体育局',
    ownerOrgCode: ownerCode,
    kind: 'building',
    description: '钢结构,建筑面积 12,000 平方米',
    estimatedPrice: 1_000_000_000,
    stateFunded: true,
    evaluationMethod: 'lowest_evaluated_price',
    deposit: 0,
    documents: [{ name: '招标文件.pdf', sha256: SHA }],
    saleStartsOn: addCalendarDays(today, 11),
    saleEndsOn: addCalendarDays(today, 16),
    documentsIssuedOn: addCalendarDays(today, 11),
    bidDeadlineOn: addCalendarDays(today, 31),
    prequalification: {
      documents: [{ name: '资格预审文件.pdf', sha256: SHA }],
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      applicationsDueOn: addCalendarDays(today, 10),
    },
  });

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ownerCode = organizationCode();
    staff = await createOperator(platform.env.config, api.url, 'staff');
    outsider = await registerBidder(api.url);
  });

  beforeEach(async () => {
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('keeps bidDeadlineAt on bidDeadlineOn when an objection to the prequalification documents is answered', async () => {
    const created = await post('/api/tenders', body()).expect(201);
    const id = created.body.id as string;
    await post(`/api/tenders/${id}/announce`).expect(200);
    const before = await tender(id);
    expect(before.status).toBe('prequalification');
    expect(before.bidDeadlineAt).toBe(
      bidDeadlineInstant(
        before.bidDeadlineOn,
        before.bidDeadlineTime,
        platform.env.config.CENTRE_TZ,
      ).toISOString(),
    );

    const filed = await post(
      `/api/tenders/${id}/objections`,
      { target: 'prequalification_documents', text: '资格条件设置了与项目无关的业绩要求' },
      outsider,
    ).expect(201);
    // Answered the same day: nothing stood still, nothing moves.
    const replied = await post(`/api/tenders/${id}/objections/${filed.body.id}/reply`, {
      text: '异议不成立',
      upheld: false,
    }).expect(200);
    expect(replied.body.project.status).toBe('prequalification');

    const after = await tender(id);
    const publicAfter = await tender(id, null);
    // The bid deadline day did not move, so neither may the instant the opening job and the public read.
    expect({
      bidDeadlineOn: after.bidDeadlineOn,
      bidDeadlineAt: after.bidDeadlineAt,
      publicBidDeadlineAt: publicAfter.bidDeadlineAt,
    }).toEqual({
      bidDeadlineOn: before.bidDeadlineOn,
      bidDeadlineAt: before.bidDeadlineAt,
      publicBidDeadlineAt: before.bidDeadlineAt,
    });
  });

  it('announces a tender with prequalification in one step: a failure after the notice leaves nothing half done', async () => {
    const created = await post('/api/tenders', body()).expect(201);
    const id = created.body.id as string;
    // Fault injection: the second transaction of the announcement (announced → prequalification)
    // fails once, as a restart, a dropped connection or a concurrent suspension would make it.
    const fn = `review_bd_fail_open_prequalification_${id.replace(/-/g, '')}`;
    await sql(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${id}' AND OLD.status = 'announced' AND NEW.status = 'prequalification' THEN
          RAISE EXCEPTION 'injected failure between the notice and the prequalification';
        END IF;
        RETURN NEW;
      END $$`);
    await sql(`CREATE TRIGGER ${fn} BEFORE UPDATE ON tender_projects FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    let announceStatus: number;
    try {
      announceStatus = (await post(`/api/tenders/${id}/announce`)).status;
    } finally {
      await sql(`DROP TRIGGER ${fn} ON tender_projects`);
      await sql(`DROP FUNCTION ${fn}()`);
    }
    const afterAnnounce = (await tender(id)).status as string;
    const publicNotice = await get(`/api/tenders/${id}`, null);

    // What the half-done state leads to: nobody can apply, the notice cannot be given again, and on the
    // tender documents' day the worker opens bidding with no prequalification ever held.
    let later = afterAnnounce;
    let applyCode: string | null = null;
    let reannounce: number | null = null;
    if (afterAnnounce === 'announced') {
      applyCode = (
        await post(
          `/api/tenders/${id}/prequalification/applications`,
          { organizationCode: organizationCode() },
          outsider,
        )
      ).body.code;
      reannounce = (await post(`/api/tenders/${id}/announce`)).status;
      await sql(
        `UPDATE tender_projects SET sale_starts_on = $2, sale_ends_on = $3, documents_issued_on = $2,
           bid_deadline_on = $4,
           prequalification_sale_starts_on = $5, prequalification_sale_ends_on = $6, applications_due_on = $7
         WHERE id = $1`,
        [
          id,
          today,
          addCalendarDays(today, 5),
          addCalendarDays(today, 20),
          addCalendarDays(today, -11),
          addCalendarDays(today, -6),
          addCalendarDays(today, -1),
        ],
      );
      later = await waitFor(
        async () => {
          const status = (await tender(id)).status as string;
          return status !== 'announced' ? status : undefined;
        },
        30_000,
        'the worker to act on the announced tender',
      );
    }
    expect({
      announceStatus: announceStatus!,
      afterAnnounce,
      publicNotice: publicNotice.status,
      applyCode,
      reannounce,
      later,
    }).toEqual({
      // Either the whole announcement (200, prequalification) or nothing (a 5xx, still a draft).
      announceStatus: afterAnnounce === 'prequalification' ? 200 : expect.any(Number),
      afterAnnounce: expect.stringMatching(/^(registered|prequalification)$/),
      publicNotice: afterAnnounce === 'registered' ? 404 : 200,
      applyCode: null,
      reannounce: null,
      later: expect.stringMatching(/^(registered|prequalification)$/),
    });
  });

  it('refuses a prequalification that is not an object (an array) instead of ignoring it and auditing a removal', async () => {
    const created = await post('/api/tenders', body()).expect(201);
    const id = created.body.id as string;
    const edited = await patch(`/api/tenders/${id}`, { prequalification: [] });
    const trail = await sql(
      `SELECT payload::jsonb -> 'data' -> 'changes' AS changes FROM audit_log
       WHERE entity_id = $1 AND action = 'tender.edited'`,
      [id],
    );
    const stored = await sql(`SELECT applications_due_on::text AS due FROM tender_projects WHERE id = $1`, [
      id,
    ]);
    expect({
      status: edited.status,
      code: edited.body.code,
      auditedChanges: trail.map((row) => Object.keys(row.changes as object).sort()),
      storedDue: stored[0].due,
    }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      auditedChanges: [],
      storedDue: addCalendarDays(today, 10),
    });
  });
});
