import { randomBytes } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { TENDER_SWEEPER_ID, TENDERS_QUEUE, tenderJobId } from '@ggzy/queues';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { bidDeadlineInstant } from '../libs/domain/src/tender-terms.js';
import { startOfDayInZone } from '../libs/domain/src/calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  organizationCode,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import { centreDays } from './support/transfers.js';

const SHA = 'c'.repeat(64);
const REPORT_SHA = 'a'.repeat(64);
/** What a refused call on these endpoints could write. */
const TABLES = [
  'tender_projects',
  'tender_objections',
  'tender_candidate_withdrawals',
  'tender_evaluations',
  'tender_report_revisions',
  'tender_notices',
  'deposits',
  'audit_log',
];

/**
 * A tender's objections, rounds and candidates dropping out, on the real platform (PostgreSQL,
 * Redis, the worker's opening job and sweeper): an objection to the documents ≥ 10 days before
 * the deadline pauses the tender — nothing timed fires while it stands — and the reply (late ones
 * recorded as late) resumes it with the paused days given back to the deadline and its opening
 * job; an objection to the candidates during their publicity pauses it and stretches it, and the
 * award waits; a candidate that gives up passes the award on in rank (第55条) or fails the tender;
 * a failed round is re-tendered once, as a new tender that names it.
 */
describe('objections (异议), candidates dropping out (第55条) and re-tendering (重新招标)', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let suppliers: TestUser[];
  let outsider: TestUser;
  let today: string;
  let ownerDb: string;
  let zone: string;

  const as = (user: TestUser | null) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  const post = (path: string, body: unknown = {}, user: TestUser | null = staff) =>
    as(user)(request(api.url).post(path)).send(body as object);
  const put = (path: string, body: unknown, user: TestUser | null = staff) =>
    as(user)(request(api.url).put(path)).send(body as object);
  const get = (path: string, user: TestUser | null = staff) => as(user)(request(api.url).get(path));
  const sql = (text: string, params: unknown[] = []) => queryRows(ownerDb, text, params);
  const tender = async (id: string, user: TestUser | null = staff) =>
    (await get(`/api/tenders/${id}`, user).expect(200)).body;
  const auditActions = async (id: string) =>
    (await sql(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [id])).map(
      (row) => row.action as string,
    );

  /** An announced tender in bidding (documents issued today), the suppliers qualified. */
  async function tenderInBidding(stateFunded = true, documentsInDays = 0) {
    const created = await post('/api/tenders', {
      title: '某中学风雨操场新建工程施工',
      ownerName: '某区教育局',
      ownerOrgCode: organizationCode(),
      kind: 'building',
      description: '钢结构一层',
      estimatedPrice: 1_000_000_000,
      stateFunded,
      evaluationMethod: 'lowest_evaluated_price',
      deposit: 10_000_000,
      documents: [{ name: '招标文件.pdf', sha256: SHA }],
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: addCalendarDays(today, documentsInDays),
      bidDeadlineOn: addCalendarDays(today, 20 + documentsInDays),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/tenders/${id}/announce`).expect(200);
    for (const supplier of suppliers) {
      const applied = await post(
        `/api/tenders/${id}/registrations`,
        { organizationCode: organizationCode() },
        supplier,
      ).expect(201);
      await post(`/api/tenders/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
      }).expect(200);
    }
    return id;
  }

  /** The suppliers bid `prices` (fewer prices, fewer bids); the deadline passes; the worker opens. */
  async function open(id: string, prices: number[]) {
    const bidIds: string[] = [];
    for (const [index, price] of prices.entries()) {
      const receipt = await put(
        `/api/tenders/${id}/bid`,
        { price, documents: [{ name: '投标文件.pdf', sha256: SHA }] },
        suppliers[index],
      ).expect(200);
      bidIds.push(receipt.body.bidId);
    }
    await sql(
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    const status = prices.length >= 3 ? 'opened' : 'failed';
    await waitFor(async () => (await tender(id)).status === status || undefined, 60_000, status);
    return bidIds;
  }

  /** Through the evaluation (lowest evaluated price = the price) to the candidates' publicity. */
  async function tenderInPublicity(stateFunded = true) {
    const id = await tenderInBidding(stateFunded);
    const specialty = `s${randomBytes(4).toString('hex')}`;
    for (let index = 0; index < 4; index += 1)
      await post('/api/experts', {
        name: `专家${index}`,
        employerName: '某设计院',
        employerOrgCode: organizationCode(),
        specialties: [specialty],
      }).expect(201);
    await post(`/api/tenders/${id}/committee/draw`, {
      needs: [{ specialty, count: 4 }],
      ownerRepresentatives: 1,
    }).expect(201);
    const bidIds = await open(id, [900_000_000, 950_000_000, 980_000_000]);
    await post(`/api/tenders/${id}/start-evaluation`).expect(200);
    await put(`/api/tenders/${id}/evaluation/evaluated-prices`, {
      prices: bidIds.map((bidId, index) => ({ bidId, evaluatedPrice: [900, 950, 980][index] * 1_000_000 })),
    }).expect(200);
    await post(`/api/tenders/${id}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    await post(`/api/tenders/${id}/candidates/publish`, {
      startsOn: today,
      endsOn: addCalendarDays(today, 3),
    }).expect(200);
    return { id, bidIds };
  }

  /** A queue client on the platform's Redis, closed after `work`. */
  async function withTenderQueue<T>(work: (queue: Queue, events: QueueEvents) => Promise<T>) {
    const { REDIS_URL, QUEUE_PREFIX } = platform.env.config;
    const connection = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
    const listening = connection.duplicate();
    const queue = new Queue(TENDERS_QUEUE, { connection, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(TENDERS_QUEUE, { connection: listening, prefix: QUEUE_PREFIX });
    try {
      await events.waitUntilReady();
      return await work(queue, events);
    } finally {
      await events.close();
      await queue.close();
      listening.disconnect();
      connection.disconnect();
    }
  }

  /** Resolves once the worker's tender sweeper has completed `passes` more runs. */
  const sweeperPasses = (events: QueueEvents, passes: number) =>
    new Promise<void>((resolve, reject) => {
      let seen = 0;
      const timer = setTimeout(() => reject(new Error(`${seen} of ${passes} sweeper passes`)), 60_000);
      events.on('completed', ({ jobId }) => {
        if (!jobId.includes(TENDER_SWEEPER_ID) || ++seen < passes) return;
        clearTimeout(timer);
        resolve();
      });
    });

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    zone = platform.env.config.CENTRE_TZ;
    ({ today } = await centreDays(ownerDb, zone));
    [staff, supervisor] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
    ]);
    suppliers = await Promise.all([0, 1, 2].map(() => registerBidder(api.url)));
    outsider = await registerBidder(api.url);
  });

  // The centre's day by the database's clock, read again for each test: a run may cross midnight.
  beforeEach(async () => {
    ({ today } = await centreDays(ownerDb, zone));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('pauses the tender on an objection to the documents (≥ 10 days before the deadline), freezes the opening, and gives the paused days back', async () => {
    const id = await tenderInBidding();
    const [a] = suppliers;
    const objection = { target: 'tender_documents', text: '资格条件中的业绩要求排斥潜在投标人' };
    const setDeadline = (on: string) =>
      sql(`UPDATE tender_projects SET bid_deadline_on = $2, bid_deadline_at = $3 WHERE id = $1`, [
        id,
        on,
        bidDeadlineInstant(on, '09:30', zone),
      ]);

    // 9 days before the deadline is one too few (实施条例 第22条): refused, nothing written.
    await setDeadline(addCalendarDays(today, 9));
    const before = await tableContents(ownerDb, TABLES);
    const late = expectError(
      await post(`/api/tenders/${id}/objections`, objection, outsider),
      422,
      'OBJECTION_TOO_LATE',
    );
    expect(late.details).toMatchObject({
      latestFiledOn: addCalendarDays(today, -1),
      deadlineOn: addCalendarDays(today, 9),
    });
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);

    // 10 days before: taken, from any supplier account (潜在投标人), and the tender stands still.
    const deadlineOn = addCalendarDays(today, 10);
    await setDeadline(deadlineOn);
    const filed = await post(`/api/tenders/${id}/objections`, objection, outsider).expect(201);
    expect(filed.body).toMatchObject({
      target: 'tender_documents',
      text: objection.text,
      filedOn: today,
      replyDueOn: addCalendarDays(today, 3),
      filedByYou: true,
      reply: null,
    });
    expect(filed.body).not.toHaveProperty('objectorId');
    const objectionId = filed.body.id as string;
    const shown = await tender(id, null);
    expect(shown.status).toBe('suspended');
    expect(shown).not.toHaveProperty('resumeTo');
    // Public, without who objected (a registrant named before the opening would break the seal).
    expect(shown.objections).toEqual([
      expect.objectContaining({ id: objectionId, filedByYou: false, reply: null }),
    ]);
    expect(JSON.stringify(shown)).not.toContain(outsider.id);
    const staffView = await tender(id, staff);
    expect(staffView).toMatchObject({ status: 'suspended', resumeTo: 'bidding', suspendedOn: today });
    expect(staffView.objections[0]).toMatchObject({
      objectorId: outsider.id,
      objectorName: expect.any(String),
    });
    // No bids while it stands.
    expectError(
      await put(`/api/tenders/${id}/bid`, { price: 800_000_000, documents: [] }, a),
      409,
      'BIDDING_CLOSED',
    );

    // The deadline's instant passes while it stands: neither the opening's job nor the sweeper opens it.
    await sql(
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await withTenderQueue(async (queue, events) => {
      const at = new Date(Date.now() - 1000);
      const job = await queue.add(
        'tender-opening',
        { projectId: id, at: at.toISOString() },
        { jobId: tenderJobId('tender-opening', id, at) },
      );
      expect(await job.waitUntilFinished(events, 60_000)).toEqual({ opened: false });
      await sweeperPasses(events, 2);
    });
    expect((await tender(id)).status).toBe('suspended');
    expectError(await get(`/api/tenders/${id}/opening-record`, null), 409, 'SEALED_UNTIL_OPENING');

    // It was filed 4 days ago (as other tests move time: in SQL); the reply, due yesterday, is late.
    await sql(
      `UPDATE tender_projects SET suspended_on = suspended_on - 4, sale_starts_on = sale_starts_on - 4,
         documents_issued_on = documents_issued_on - 4, sale_ends_on = sale_ends_on - 4, bid_deadline_on = bid_deadline_on - 4
       WHERE id = $1`,
      [id],
    );
    await sql(
      `UPDATE tender_objections SET filed_on = filed_on - 4, reply_due_on = reply_due_on - 4 WHERE id = $1`,
      [objectionId],
    );
    const pausedDeadline = addCalendarDays(deadlineOn, -4);
    expectError(
      await post(`/api/tenders/${id}/objections/${objectionId}/reply`, { text: '已修改', upheld: true }, a),
      403,
      'FORBIDDEN',
    );
    const replied = await post(`/api/tenders/${id}/objections/${objectionId}/reply`, {
      text: '异议成立,将发布澄清修改',
      upheld: true,
    }).expect(200);
    expect(replied.body.objection.reply).toMatchObject({
      text: '异议成立,将发布澄清修改',
      upheld: true,
      repliedOn: today,
      late: true,
      periodEndsBefore: pausedDeadline,
      periodEndsAfter: deadlineOn,
    });
    // Resumed where it was; the 4 days given back to the deadline and to the sale still running;
    // the documents, issued before the pause, stay issued.
    const resumed = replied.body.project;
    expect(resumed).toMatchObject({
      status: 'bidding',
      resumeTo: null,
      suspendedOn: null,
      bidDeadlineOn: deadlineOn,
      bidDeadlineAt: bidDeadlineInstant(deadlineOn, '09:30', zone).toISOString(),
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: addCalendarDays(today, -4),
      saleStartsOn: addCalendarDays(today, -4),
    });
    // The opening's job is rescheduled at the moved deadline.
    await withTenderQueue(async (queue) => {
      const job = await queue.getJob(tenderJobId('tender-opening', id, new Date(resumed.bidDeadlineAt)));
      expect(job).toBeDefined();
      expect(await job!.getState()).toBe('delayed');
    });
    expectError(
      await post(`/api/tenders/${id}/objections/${objectionId}/reply`, { text: '再答复', upheld: false }),
      409,
      'OBJECTION_ALREADY_ANSWERED',
    );
    // One objection per supplier and target for each version of the documents: a second one from
    // the same account is refused (it would pause the tender again), nothing written.
    const beforeSecond = await tableContents(ownerDb, TABLES);
    const second = expectError(
      await post(`/api/tenders/${id}/objections`, objection, outsider),
      409,
      'OBJECTION_ALREADY_FILED',
    );
    expect(second.details).toEqual({
      objectionId,
      filedOn: addCalendarDays(today, -4),
      target: 'tender_documents',
    });
    expect(await tableContents(ownerDb, TABLES)).toEqual(beforeSecond);
    // The reply is public too; the amendment that an upheld objection brings is published as usual.
    expect((await tender(id, null)).objections[0].reply).toMatchObject({ upheld: true, late: true });
    await post(`/api/tenders/${id}/amendments`, {
      kind: 'amendment',
      text: '删除业绩要求',
      affectsBidPreparation: false,
    }).expect(201);
    await put(`/api/tenders/${id}/bid`, { price: 800_000_000, documents: [] }, a).expect(200);
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining([
        'tender.objection_filed',
        'tender.suspend',
        'tender.objection_replied',
        'tender.resume',
      ]),
    );
    const [resume] = await sql(
      `SELECT payload::jsonb -> 'data' AS data FROM audit_log WHERE entity_id = $1 AND action = 'tender.resume'`,
      [id],
    );
    expect(resume.data).toMatchObject({ from: 'suspended', to: 'bidding', pausedDays: 4, resumedOn: today });
    // The amended documents are a new version: the same supplier may object to them once.
    await post(`/api/tenders/${id}/objections`, objection, outsider).expect(201);
    expect((await tender(id)).status).toBe('suspended');
  });

  it('resumes a notice paused before its documents were issued with the issue day moved too, and bidding opens then', async () => {
    const id = await tenderInBidding(true, 2);
    expect((await tender(id)).status).toBe('announced');
    const filed = await post(
      `/api/tenders/${id}/objections`,
      { target: 'tender_documents', text: '工期要求不合理' },
      outsider,
    ).expect(201);
    expect((await tender(id)).resumeTo).toBe('announced');
    // The notice, and the objection with it, came 2 days ago (in SQL, the whole schedule with them).
    await sql(
      `UPDATE tender_projects SET suspended_on = suspended_on - 2, sale_starts_on = sale_starts_on - 2,
         documents_issued_on = documents_issued_on - 2, sale_ends_on = sale_ends_on - 2,
         bid_deadline_on = bid_deadline_on - 2
       WHERE id = $1`,
      [id],
    );
    await sql(
      `UPDATE tender_objections SET filed_on = filed_on - 2, reply_due_on = reply_due_on - 2 WHERE id = $1`,
      [filed.body.id],
    );
    const replied = await post(`/api/tenders/${id}/objections/${filed.body.id}/reply`, {
      text: '异议不成立',
      upheld: false,
    }).expect(200);
    expect(replied.body.objection.reply).toMatchObject({ upheld: false, late: false });
    // The sale had begun (it stays); the issue day had not come (it moves, and the deadline with it).
    expect(replied.body.project).toMatchObject({
      status: 'announced',
      saleStartsOn: addCalendarDays(today, -2),
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: addCalendarDays(today, 2),
      bidDeadlineOn: addCalendarDays(today, 22),
    });
    await withTenderQueue(async (queue) => {
      const opensAt = startOfDayInZone(addCalendarDays(today, 2), zone);
      const job = await queue.getJob(tenderJobId('tender-bidding-opens', id, opensAt));
      expect(job).toBeDefined();
      expect(await job!.getState()).toBe('delayed');
    });
  });

  it('pauses the candidates’ publicity on a bidder’s objection, stretches it, and awards only after; a candidate that gives up passes the award on, the last one fails the tender', async () => {
    const { id, bidIds } = await tenderInPublicity(true);
    const [first, second, third] = suppliers;
    const objection = { target: 'candidates', text: '第一中标候选人业绩造假' };

    expectError(
      await post(`/api/tenders/${id}/objections`, objection, outsider),
      403,
      'OBJECTOR_NOT_A_BIDDER',
    );
    // Not before the publicity's first day, nor after its last.
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = $2::date + 1, publicity_ends_on = $2::date + 4 WHERE project_id = $1`,
      [id, today],
    );
    const early = expectError(
      await post(`/api/tenders/${id}/objections`, objection, third),
      422,
      'CANDIDATE_OBJECTION_NOT_OPEN',
    );
    expect(early.details).toMatchObject({ earliestFiledOn: addCalendarDays(today, 1) });
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = $2::date - 4, publicity_ends_on = $2::date - 1 WHERE project_id = $1`,
      [id, today],
    );
    const tooLate = expectError(
      await post(`/api/tenders/${id}/objections`, objection, third),
      422,
      'CANDIDATE_OBJECTION_TOO_LATE',
    );
    expect(tooLate.details).toMatchObject({ latestFiledOn: addCalendarDays(today, -1) });
    expect(await sql(`SELECT 1 FROM tender_objections WHERE project_id = $1`, [id])).toHaveLength(0);

    // The publicity ran from 3 days ago to today; the third bidder objects on its last day.
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = $2::date - 3, publicity_ends_on = $2 WHERE project_id = $1`,
      [id, today],
    );
    const filed = await post(`/api/tenders/${id}/objections`, objection, third).expect(201);
    expect((await tender(id)).status).toBe('suspended');
    // The candidates stay public while it stands; the award waits for the reply.
    expect((await get(`/api/tenders/${id}/candidates`, null).expect(200)).body.publicity.endsOn).toBe(today);
    expect((await tender(id, null)).objections[0]).toMatchObject({ target: 'candidates', reply: null });
    const pending = expectError(
      await post(`/api/tenders/${id}/award`, { bidId: bidIds[0] }),
      409,
      'OBJECTION_PENDING',
    );
    expect(pending.details).toMatchObject({ objectionIds: [filed.body.id] });
    expectError(
      await post(`/api/tenders/${id}/candidates/withdrawals`, {
        bidId: bidIds[0],
        cause: 'disqualified',
        reason: '业绩造假',
      }),
      409,
      'OBJECTION_PENDING',
    );

    // Paused 2 days ago (in SQL); answered today, in time: the publicity's last day moves by 2.
    await sql(`UPDATE tender_projects SET suspended_on = suspended_on - 2 WHERE id = $1`, [id]);
    await sql(
      `UPDATE tender_objections SET filed_on = filed_on - 2, reply_due_on = reply_due_on - 2 WHERE id = $1`,
      [filed.body.id],
    );
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = publicity_starts_on - 2, publicity_ends_on = publicity_ends_on - 2 WHERE project_id = $1`,
      [id],
    );
    const replied = await post(`/api/tenders/${id}/objections/${filed.body.id}/reply`, {
      text: '经查属实,第一中标候选人不符合中标条件',
      upheld: true,
    }).expect(200);
    expect(replied.body.objection.reply).toMatchObject({
      late: false,
      periodEndsBefore: addCalendarDays(today, -2),
      periodEndsAfter: today,
    });
    expect(replied.body.project.status).toBe('candidates_published');
    const notEnded = expectError(
      await post(`/api/tenders/${id}/award`, { bidId: bidIds[0] }),
      409,
      'PUBLICITY_NOT_ENDED',
    );
    expect(notEnded.details).toMatchObject({ endsOn: today, earliestOn: addCalendarDays(today, 1) });

    // The first candidate is found ineligible (第55条): recorded, public, the award goes to the second.
    const dropped = await post(`/api/tenders/${id}/candidates/withdrawals`, {
      bidId: bidIds[0],
      cause: 'disqualified',
      reason: '经查业绩造假',
    }).expect(201);
    expect(dropped.body.candidates[0]).toMatchObject({
      bidId: bidIds[0],
      withdrawal: { cause: 'disqualified', reason: '经查业绩造假', recordedOn: today, awardPassedTo: null },
    });
    expect(dropped.body.candidates[1].withdrawal).toBeNull();
    // Upheld, yet a candidate has dropped out: the award passes on in rank, the committee is not
    // asked again (refused with that cause, nothing written).
    const beforeReEvaluation = await tableContents(ownerDb, TABLES);
    const withdrawn = expectError(
      await post(`/api/tenders/${id}/re-evaluation`, { reason: '异议成立,评标委员会复核' }),
      409,
      'RE_EVALUATION_NOT_ALLOWED',
    );
    expect(withdrawn.details).toEqual({ cause: 'candidate_withdrawn', bidIds: [bidIds[0]] });
    expect(await tableContents(ownerDb, TABLES)).toEqual(beforeReEvaluation);
    expectError(
      await post(`/api/tenders/${id}/candidates/withdrawals`, {
        bidId: bidIds[0],
        cause: 'gave_up',
        reason: '再次',
      }),
      409,
      'CANDIDATE_ALREADY_WITHDRAWN',
    );
    await sql(`UPDATE tender_evaluations SET publicity_ends_on = $2::date - 1 WHERE project_id = $1`, [
      id,
      today,
    ]);
    const notFirst = expectError(
      await post(`/api/tenders/${id}/award`, { bidId: bidIds[0] }),
      422,
      'AWARD_NOT_A_CANDIDATE',
    );
    expect(notFirst.details).toMatchObject({ candidateBidIds: [bidIds[1], bidIds[2]] });
    expectError(
      await post(`/api/tenders/${id}/award`, { bidId: bidIds[2], reason: '报价更低' }),
      422,
      'AWARD_NOT_FIRST_CANDIDATE',
    );
    const awarded = await post(`/api/tenders/${id}/award`, { bidId: bidIds[1] }).expect(200);
    expect(awarded.body.award).toMatchObject({ bidId: bidIds[1], noticeOn: today });

    // The second gives up after its award notice (10 days ago): the award passes to the third, new notice today.
    await sql(
      `UPDATE tender_evaluations SET award_notice_on = $2::date - 10, contract_due_on = $2::date + 20 WHERE project_id = $1`,
      [id, today],
    );
    const passed = await post(`/api/tenders/${id}/candidates/withdrawals`, {
      bidId: bidIds[1],
      cause: 'gave_up',
      reason: '放弃中标',
    }).expect(201);
    expect(passed.body.award).toMatchObject({
      bidId: bidIds[2],
      noticeOn: today,
      contractDueOn: addCalendarDays(today, 30),
    });
    expect(passed.body.candidates[1].withdrawal).toMatchObject({
      cause: 'gave_up',
      awardPassedTo: bidIds[2],
    });
    expect((await tender(id)).status).toBe('awarded');

    // The third cannot perform either: none is left, the tender fails and the deposits fall due.
    const none = await post(`/api/tenders/${id}/candidates/withdrawals`, {
      bidId: bidIds[2],
      cause: 'no_performance_bond',
      reason: '未按期提交履约保证金',
    }).expect(201);
    expect(none.body.candidates.every((one: { withdrawal: unknown }) => one.withdrawal !== null)).toBe(true);
    expect(none.body.award).toBeNull();
    const failed = await tender(id, null);
    expect(failed).toMatchObject({
      status: 'failed',
      failedReason: '中标候选人均已放弃或不符合中标条件,依法重新招标',
    });
    const deposits = await sql(
      `SELECT refund_due_on FROM deposits WHERE host_type = 'tender_project' AND host_id = $1`,
      [id],
    );
    expect(deposits).toHaveLength(3);
    for (const deposit of deposits) expect(deposit.refund_due_on).not.toBeNull();
    expect(await auditActions(id)).toEqual(
      expect.arrayContaining(['tender.candidate_withdrawn', 'tender.award_passed_on', 'tender.fail']),
    );
    void first;
    void second;
  });

  it('passes the award over a banned next candidate (recorded as disqualified) to the one after it', async () => {
    const { id, bidIds } = await tenderInPublicity();
    // The publicity as if it had run its 3 days and ended yesterday.
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = $2::date - 4, publicity_ends_on = $2::date - 1 WHERE project_id = $1`,
      [id, today],
    );
    await post(`/api/tenders/${id}/award`, { bidId: bidIds[0] }).expect(200);
    // The second candidate is banned after it was ranked (lifted again below: the suppliers are shared).
    const banned = await as(supervisor)(request(api.url).post('/api/supervision/sanctions'))
      .send({
        partyId: suppliers[1].id,
        kind: 'ban',
        reason: 'misconduct',
        basis: '《招标投标法》第五十四条',
        startsOn: today,
        bannedUntil: addCalendarDays(today, 30),
      })
      .expect(201);
    try {
      const passed = await post(`/api/tenders/${id}/candidates/withdrawals`, {
        bidId: bidIds[0],
        cause: 'gave_up',
        reason: '放弃中标',
      }).expect(201);
      expect(passed.body.award).toMatchObject({ bidId: bidIds[2], noticeOn: today });
      expect(passed.body.candidates.map((one: { withdrawal: unknown }) => one.withdrawal)).toEqual([
        expect.objectContaining({ cause: 'gave_up', awardPassedTo: bidIds[2] }),
        expect.objectContaining({
          cause: 'disqualified',
          reason: '处于禁止参与期间(失信惩戒),不得授予中标',
          recordedOn: today,
          awardPassedTo: null,
        }),
        null,
      ]);
      const withdrawn = await sql(
        `SELECT payload::jsonb -> 'data' AS data FROM audit_log WHERE entity_id = $1 AND action = 'tender.candidate_withdrawn' ORDER BY seq`,
        [id],
      );
      expect(withdrawn.map((row) => row.data)).toEqual([
        expect.objectContaining({
          bidId: bidIds[0],
          awardPassedTo: bidIds[2],
          passedOverBanned: [bidIds[1]],
        }),
        expect.objectContaining({ bidId: bidIds[1], cause: 'disqualified', passedOverFor: bidIds[0] }),
      ]);
    } finally {
      await as(supervisor)(request(api.url).post(`/api/supervision/sanctions/${banned.body.id}/revoke`))
        .send({ reason: '测试结束' })
        .expect(200);
    }
  });

  it('re-tenders a failed round once, as a new tender that names it; the failed round keeps its evidence', async () => {
    const id = await tenderInBidding(false);
    await open(id, [700_000_000, 720_000_000]);
    const [record] = await sql(`SELECT count(*)::int AS n FROM registrations WHERE host_id = $1`, [id]);
    const opening = (await get(`/api/tenders/${id}/opening-record`, null).expect(200)).body;

    // Two staff sessions ask at once: one successor.
    const calls = await Promise.all([
      post(`/api/tenders/${id}/retender`),
      post(`/api/tenders/${id}/retender`),
    ]);
    expect(calls.map((call) => call.status).sort()).toEqual([201, 409]);
    const created = calls.find((call) => call.status === 201)!.body;
    expectError(
      calls.find((call) => call.status === 409)!,
      409,
      'TENDER_ALREADY_RETENDERED',
    );
    expect(await sql(`SELECT id FROM tender_projects WHERE previous_round_id = $1`, [id])).toEqual([
      { id: created.id },
    ]);
    const failedRound = await tender(id);
    expect(created).toMatchObject({
      status: 'registered',
      round: 2,
      previousRoundId: id,
      title: failedRound.title,
      ownerOrgCode: failedRound.ownerOrgCode,
      estimatedPrice: failedRound.estimatedPrice,
      deposit: failedRound.deposit,
      documents: failedRound.documents,
      registrations: 0,
    });
    expect(created.id).not.toBe(id);
    expect(created.code).not.toBe(failedRound.code);
    expect(failedRound).toMatchObject({
      status: 'retendered',
      round: 1,
      previousRoundId: null,
      nextRoundId: created.id,
    });
    const again = expectError(await post(`/api/tenders/${id}/retender`), 409, 'TENDER_ALREADY_RETENDERED');
    expect(again.details).toEqual({ nextRoundId: created.id });
    // While the next round is a draft the public is not pointed to it.
    expect((await tender(id, null)).nextRoundId).toBeNull();
    expectError(await get(`/api/tenders/${created.id}`, null), 404, 'LISTING_NOT_FOUND');

    // The failed round's evidence is untouched.
    expect((await get(`/api/tenders/${id}/opening-record`, null).expect(200)).body).toEqual(opening);
    expect(await sql(`SELECT count(*)::int AS n FROM registrations WHERE host_id = $1`, [id])).toEqual([
      record,
    ]);

    // Staff give the round new dates and announce it: public, both ways linked.
    const saleStartsOn = today;
    await as(staff)(request(api.url).patch(`/api/tenders/${created.id}`))
      .send({
        saleStartsOn,
        saleEndsOn: addCalendarDays(today, 5),
        documentsIssuedOn: today,
        bidDeadlineOn: addCalendarDays(today, 21),
      })
      .expect(200);
    await post(`/api/tenders/${created.id}/announce`).expect(200);
    expect(await tender(created.id, null)).toMatchObject({
      round: 2,
      previousRoundId: id,
      status: 'bidding',
    });
    expect((await tender(id, null)).nextRoundId).toBe(created.id);
    expect(await auditActions(id)).toContain('tender.retender');
    expect(await auditActions(created.id)).toEqual(
      expect.arrayContaining(['tender.created', 'tender.announce']),
    );
  });

  it('sends the tender back to its committee after an upheld objection to the candidates; the revised report is published for a new publicity', async () => {
    const { id, bidIds } = await tenderInPublicity(true);
    const [, second, third] = suppliers;
    const reEvaluate = (reason = '异议成立,评标委员会复核') =>
      post(`/api/tenders/${id}/re-evaluation`, { reason });
    const reply = (objectionId: string, upheld: boolean) =>
      post(`/api/tenders/${id}/objections/${objectionId}/reply`, {
        text: upheld ? '异议成立' : '异议不成立',
        upheld,
      });
    const objectTo = (user: TestUser, text: string) =>
      post(`/api/tenders/${id}/objections`, { target: 'candidates', text }, user);

    // No objection upheld: refused, nothing written.
    let before = await tableContents(ownerDb, TABLES);
    const none = expectError(await reEvaluate(), 409, 'RE_EVALUATION_NOT_ALLOWED');
    expect(none.details).toEqual({ cause: 'no_upheld_candidate_objection' });
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
    // While an objection waits: OBJECTION_PENDING. Dismissed: still refused.
    const dismissed = await objectTo(third, '第一中标候选人项目经理有在建工程').expect(201);
    before = await tableContents(ownerDb, TABLES);
    expectError(await reEvaluate(), 409, 'OBJECTION_PENDING');
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
    await reply(dismissed.body.id, false).expect(200);
    before = await tableContents(ownerDb, TABLES);
    expectError(await reEvaluate(), 409, 'RE_EVALUATION_NOT_ALLOWED');
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);

    // Upheld: sent back; the report and its candidates are kept as revision 1, public.
    const upheld = await objectTo(second, '第一中标候选人业绩造假').expect(201);
    await reply(upheld.body.id, true).expect(200);
    const published = (await get(`/api/tenders/${id}/candidates`, null).expect(200)).body;
    const sent = await reEvaluate('异议成立:第一中标候选人业绩不实,评标委员会复核').expect(200);
    expect(sent.body).toEqual({
      status: 'evaluating',
      revision: 1,
      objectionIds: [upheld.body.id],
      reason: '异议成立:第一中标候选人业绩不实,评标委员会复核',
      sentBackOn: today,
    });
    expect((await tender(id, null)).status).toBe('evaluating');
    const between = (await get(`/api/tenders/${id}/candidates`, null).expect(200)).body;
    expect(between).toMatchObject({ reportOn: null, publicity: null, candidates: [] });
    expect(between.revisions).toEqual([
      {
        revision: 1,
        reportOn: published.reportOn,
        reportSha256: REPORT_SHA,
        publicity: published.publicity,
        candidates: published.candidates,
        objectionIds: [upheld.body.id],
        reason: '异议成立:第一中标候选人业绩不实,评标委员会复核',
        sentBackOn: today,
      },
    ]);
    expectError(await reEvaluate(), 409, 'INVALID_STATE_TRANSITION');

    // The committee revises: the first bid rejected, a new report ranks the other two.
    await post(`/api/tenders/${id}/evaluation/rejections`, { bidId: bidIds[0], reason: '业绩不实' }).expect(
      201,
    );
    const revised = await post(`/api/tenders/${id}/evaluation/report`, {
      reportSha256: 'd'.repeat(64),
    }).expect(200);
    expect(revised.body.candidates.map((one: { bidId: string }) => one.bidId)).toEqual([
      bidIds[1],
      bidIds[2],
    ]);
    // Until the new publicity, the revised ranking is not public: only the earlier report's revision.
    const early = (await get(`/api/tenders/${id}/candidates`, null).expect(200)).body;
    expect(early).toMatchObject({ reportOn: null, publicity: null, candidates: [], award: null });
    expect(early.revisions).toEqual(between.revisions);

    // A new publicity, at its boundaries: within 3 days of the revised report, for ≥ 3 days.
    before = await tableContents(ownerDb, TABLES);
    const late = expectError(
      await post(`/api/tenders/${id}/candidates/publish`, {
        startsOn: addCalendarDays(today, 4),
        endsOn: addCalendarDays(today, 7),
      }),
      422,
      'CANDIDATE_PUBLICITY_TOO_LATE',
    );
    expect(late.details).toMatchObject({ latestStartsOn: addCalendarDays(today, 3) });
    const short = expectError(
      await post(`/api/tenders/${id}/candidates/publish`, {
        startsOn: today,
        endsOn: addCalendarDays(today, 2),
      }),
      422,
      'CANDIDATE_PUBLICITY_TOO_SHORT',
    );
    expect(short.details).toMatchObject({ earliestEndsOn: addCalendarDays(today, 3) });
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
    await post(`/api/tenders/${id}/candidates/publish`, {
      startsOn: today,
      endsOn: addCalendarDays(today, 3),
    }).expect(200);
    const republished = (await get(`/api/tenders/${id}/candidates`, null).expect(200)).body;
    expect(republished.publicity).toEqual({ startsOn: today, endsOn: addCalendarDays(today, 3) });
    expect(republished.reportOn).toBe(today);
    expect(republished.candidates.map((one: { bidId: string }) => one.bidId)).toEqual([bidIds[1], bidIds[2]]);
    expect(republished.revisions).toHaveLength(1);
    expect((await tender(id, null)).status).toBe('candidates_published');

    // The new candidates are a new target: a bidder who objected before may object again.
    const again = await objectTo(third, '新的第一中标候选人资质不符').expect(201);
    await reply(again.body.id, false).expect(200);
    // The objection upheld against the first report stays on record, the new one was dismissed:
    // nothing sends the revised candidates back (refused, nothing written).
    before = await tableContents(ownerDb, TABLES);
    const stale = expectError(await reEvaluate(), 409, 'RE_EVALUATION_NOT_ALLOWED');
    expect(stale.details).toEqual({ cause: 'no_upheld_candidate_objection' });
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
    expectError(await post(`/api/tenders/${id}/award`, { bidId: bidIds[1] }), 409, 'PUBLICITY_NOT_ENDED');
    expect(await auditActions(id)).toContain('tender.re_evaluate');
    expect(
      await sql(`SELECT revision, report_sha256 AS sha FROM tender_report_revisions WHERE project_id = $1`, [
        id,
      ]),
    ).toEqual([{ revision: 1, sha: REPORT_SHA }]);
  });

  it('answers bad input on every new endpoint with a 4xx and its code, writing nothing', async () => {
    const bidding = await tenderInBidding();
    const { id: publicised, bidIds } = await tenderInPublicity();
    const other = await tenderInBidding();
    const otherObjection = await post(
      `/api/tenders/${other}/objections`,
      { target: 'tender_documents', text: '异议' },
      outsider,
    ).expect(201);
    const draft = (
      await post('/api/tenders', {
        title: '草稿',
        ownerName: '某局',
        ownerOrgCode: organizationCode(),
        kind: 'road',
        description: '草稿',
        estimatedPrice: 1_000_000,
        stateFunded: false,
        evaluationMethod: 'lowest_evaluated_price',
        saleStartsOn: today,
        saleEndsOn: addCalendarDays(today, 5),
        documentsIssuedOn: today,
        bidDeadlineOn: addCalendarDays(today, 20),
      }).expect(201)
    ).body.id as string;
    const missing = '00000000-0000-4000-8000-000000000000';
    const [bidder] = suppliers;
    const objection = (overrides: Record<string, unknown> = {}) => ({
      target: 'tender_documents',
      text: '异议',
      ...overrides,
    });
    const withdrawal = (overrides: Record<string, unknown> = {}) => ({
      bidId: bidIds[0],
      cause: 'gave_up',
      reason: '放弃',
      ...overrides,
    });
    const reply = `/api/tenders/${other}/objections/${otherObjection.body.id}/reply`;
    type Case = [string, string, TestUser | null, unknown, number, string];
    const cases: Case[] = [
      ['object: anonymous', `/api/tenders/${bidding}/objections`, null, objection(), 401, 'UNAUTHENTICATED'],
      ['object: staff', `/api/tenders/${bidding}/objections`, staff, objection(), 403, 'FORBIDDEN'],
      ['object: supervisor', `/api/tenders/${bidding}/objections`, supervisor, objection(), 403, 'FORBIDDEN'],
      ['object: bad id', `/api/tenders/nope/objections`, bidder, objection(), 400, 'INVALID_ID'],
      [
        'object: no such tender',
        `/api/tenders/${missing}/objections`,
        bidder,
        objection(),
        404,
        'LISTING_NOT_FOUND',
      ],
      ['object: a draft', `/api/tenders/${draft}/objections`, bidder, objection(), 404, 'LISTING_NOT_FOUND'],
      [
        'object: unknown target',
        `/api/tenders/${bidding}/objections`,
        bidder,
        objection({ target: 'bid_opening' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'object: prequalification documents of a tender without one',
        `/api/tenders/${bidding}/objections`,
        bidder,
        objection({ target: 'prequalification_documents' }),
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'object: no text',
        `/api/tenders/${bidding}/objections`,
        bidder,
        objection({ text: '' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'object: null text',
        `/api/tenders/${bidding}/objections`,
        bidder,
        objection({ text: null }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'object: text too long',
        `/api/tenders/${bidding}/objections`,
        bidder,
        objection({ text: '长'.repeat(5001) }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'object: bad document',
        `/api/tenders/${bidding}/objections`,
        bidder,
        objection({ documents: [{ name: 'a.pdf', sha256: 'xyz' }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'object: unknown field',
        `/api/tenders/${bidding}/objections`,
        bidder,
        objection({ objectorName: '匿名' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'object: candidates before publicity',
        `/api/tenders/${bidding}/objections`,
        bidder,
        objection({ target: 'candidates' }),
        404,
        'CANDIDATES_NOT_PUBLISHED',
      ],
      [
        'object: documents during the candidates’ publicity',
        `/api/tenders/${publicised}/objections`,
        bidder,
        objection(),
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['reply: a bidder', reply, bidder, { text: '答复', upheld: false }, 403, 'FORBIDDEN'],
      ['reply: anonymous', reply, null, { text: '答复', upheld: false }, 401, 'UNAUTHENTICATED'],
      ['reply: blank text', reply, staff, { text: ' ', upheld: false }, 400, 'VALIDATION_FAILED'],
      [
        'reply: upheld not a boolean',
        reply,
        staff,
        { text: '答复', upheld: 'yes' },
        400,
        'VALIDATION_FAILED',
      ],
      ['reply: upheld missing', reply, staff, { text: '答复' }, 400, 'VALIDATION_FAILED'],
      [
        'reply: no such objection',
        `/api/tenders/${other}/objections/${missing}/reply`,
        staff,
        { text: '答复', upheld: false },
        404,
        'OBJECTION_NOT_FOUND',
      ],
      [
        'reply: another tender’s objection',
        `/api/tenders/${bidding}/objections/${otherObjection.body.id}/reply`,
        staff,
        { text: '答复', upheld: false },
        404,
        'OBJECTION_NOT_FOUND',
      ],
      [
        'reply: bad objection id',
        `/api/tenders/${other}/objections/nope/reply`,
        staff,
        { text: '答复', upheld: false },
        400,
        'INVALID_ID',
      ],
      ['retender: a bidder', `/api/tenders/${bidding}/retender`, bidder, {}, 403, 'FORBIDDEN'],
      [
        'retender: not failed',
        `/api/tenders/${bidding}/retender`,
        staff,
        {},
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['retender: a draft', `/api/tenders/${draft}/retender`, staff, {}, 409, 'INVALID_STATE_TRANSITION'],
      ['retender: no such tender', `/api/tenders/${missing}/retender`, staff, {}, 404, 'LISTING_NOT_FOUND'],
      [
        're-evaluate: a bidder',
        `/api/tenders/${publicised}/re-evaluation`,
        bidder,
        { reason: '复核' },
        403,
        'FORBIDDEN',
      ],
      [
        're-evaluate: no reason',
        `/api/tenders/${publicised}/re-evaluation`,
        staff,
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        're-evaluate: blank reason',
        `/api/tenders/${publicised}/re-evaluation`,
        staff,
        { reason: ' \n ' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        're-evaluate: reason too long',
        `/api/tenders/${publicised}/re-evaluation`,
        staff,
        { reason: '理'.repeat(501) },
        400,
        'VALIDATION_FAILED',
      ],
      [
        're-evaluate: no objection upheld',
        `/api/tenders/${publicised}/re-evaluation`,
        staff,
        { reason: '复核' },
        409,
        'RE_EVALUATION_NOT_ALLOWED',
      ],
      [
        're-evaluate: while bidding',
        `/api/tenders/${bidding}/re-evaluation`,
        staff,
        { reason: '复核' },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        're-evaluate: bad id',
        '/api/tenders/nope/re-evaluation',
        staff,
        { reason: '复核' },
        400,
        'INVALID_ID',
      ],
      [
        're-evaluate: no such tender',
        `/api/tenders/${missing}/re-evaluation`,
        staff,
        { reason: '复核' },
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'withdraw: a bidder',
        `/api/tenders/${publicised}/candidates/withdrawals`,
        bidder,
        withdrawal(),
        403,
        'FORBIDDEN',
      ],
      [
        'withdraw: unknown cause',
        `/api/tenders/${publicised}/candidates/withdrawals`,
        staff,
        withdrawal({ cause: 'bored' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'withdraw: no reason',
        `/api/tenders/${publicised}/candidates/withdrawals`,
        staff,
        withdrawal({ reason: '' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'withdraw: bad bid id',
        `/api/tenders/${publicised}/candidates/withdrawals`,
        staff,
        withdrawal({ bidId: 'nope' }),
        400,
        'INVALID_ID',
      ],
      [
        'withdraw: not a candidate',
        `/api/tenders/${publicised}/candidates/withdrawals`,
        staff,
        withdrawal({ bidId: missing }),
        404,
        'TENDER_CANDIDATE_NOT_FOUND',
      ],
      [
        'withdraw: while bidding',
        `/api/tenders/${bidding}/candidates/withdrawals`,
        staff,
        withdrawal(),
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'withdraw: no such tender',
        `/api/tenders/${missing}/candidates/withdrawals`,
        staff,
        withdrawal(),
        404,
        'LISTING_NOT_FOUND',
      ],
    ];
    const before = await tableContents(ownerDb, TABLES);
    for (const [name, path, user, body, status, code] of cases) {
      try {
        expectError(await post(path, body, user), status, code);
      } catch (error) {
        throw new Error(`${name}: ${String(error)}`, { cause: error });
      }
    }
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
  });

  it('describes every new endpoint in the OpenAPI document', async () => {
    const document = (await request(api.url).get('/docs-json').expect(200)).body;
    for (const path of [
      '/api/tenders/{id}/objections',
      '/api/tenders/{id}/objections/{objectionId}/reply',
      '/api/tenders/{id}/retender',
      '/api/tenders/{id}/candidates/withdrawals',
      '/api/tenders/{id}/re-evaluation',
    ])
      expect(document.paths[path]?.post).toBeDefined();
    for (const schema of [
      'TenderObjectionDto',
      'TenderObjectionReplyDto',
      'CandidateWithdrawalDto',
      'ReEvaluationDto',
    ])
      expect(document.components.schemas).toHaveProperty(schema);
  });

  it('never shows the objector to the public or to rivals, for an objection to the documents or to the candidates', async () => {
    const objectorFields = ['objectorId', 'objectorName'];
    const expectAnonymous = async (id: string, objector: TestUser, viewers: (TestUser | null)[]) => {
      for (const viewer of viewers) {
        const shown = await tender(id, viewer);
        expect(shown.objections).toHaveLength(1);
        for (const objection of shown.objections) {
          expect(objection.filedByYou).toBe(false);
          for (const field of objectorFields) expect(objection).not.toHaveProperty(field);
        }
        const json = JSON.stringify(shown);
        expect(json).not.toContain(objector.id);
        // The display name is `竞买人 <username>`: neither appears.
        expect(json).not.toContain(objector.username);
      }
      // Staff do see who it was: the fields checked above are the ones the view can add.
      expect((await tender(id, staff)).objections[0]).toEqual(
        expect.objectContaining({ objectorId: objector.id, objectorName: `竞买人 ${objector.username}` }),
      );
    };

    const bidding = await tenderInBidding();
    await post(
      `/api/tenders/${bidding}/objections`,
      { target: 'tender_documents', text: '评标办法不明确' },
      outsider,
    ).expect(201);
    await expectAnonymous(bidding, outsider, [null, suppliers[0], suppliers[1]]);

    const { id: publicised } = await tenderInPublicity();
    const [first, second, third] = suppliers;
    await post(
      `/api/tenders/${publicised}/objections`,
      { target: 'candidates', text: '第一中标候选人资质不符' },
      third,
    ).expect(201);
    await expectAnonymous(publicised, third, [null, first, second, outsider]);
  });

  it('judges a second objection filed during a pause on the day the tender was paused, not today', async () => {
    // Documents: paused with the deadline 10 days ahead; a day later (in SQL) only 9 are left
    // today, but the periods stand still while it is paused, so the 10 of the pause day count.
    const bidding = await tenderInBidding();
    await sql(`UPDATE tender_projects SET bid_deadline_on = $2, bid_deadline_at = $3 WHERE id = $1`, [
      bidding,
      addCalendarDays(today, 10),
      bidDeadlineInstant(addCalendarDays(today, 10), '09:30', zone),
    ]);
    const documents = { target: 'tender_documents', text: '技术参数指向特定品牌' };
    await post(`/api/tenders/${bidding}/objections`, documents, outsider).expect(201);
    await sql(
      `UPDATE tender_projects SET suspended_on = suspended_on - 1, bid_deadline_on = bid_deadline_on - 1,
         bid_deadline_at = bid_deadline_at - interval '1 day' WHERE id = $1`,
      [bidding],
    );
    const second = await post(`/api/tenders/${bidding}/objections`, documents, suppliers[0]).expect(201);
    expect(second.body).toMatchObject({ filedOn: today, filedByYou: true });
    const [paused] = await sql(
      `SELECT status, suspended_on::text AS "suspendedOn" FROM tender_projects WHERE id = $1`,
      [bidding],
    );
    expect(paused).toEqual({ status: 'suspended', suspendedOn: addCalendarDays(today, -1) });
    expect(await sql(`SELECT 1 FROM tender_objections WHERE project_id = $1`, [bidding])).toHaveLength(2);

    // Candidates: paused on the publicity's last day; a day later (in SQL) it has ended today,
    // but on the pause day it had not.
    const { id: publicised } = await tenderInPublicity();
    const [, rival, third] = suppliers;
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = $2::date - 3, publicity_ends_on = $2 WHERE project_id = $1`,
      [publicised, today],
    );
    const candidates = { target: 'candidates', text: '第一中标候选人业绩造假' };
    await post(`/api/tenders/${publicised}/objections`, candidates, third).expect(201);
    await sql(`UPDATE tender_projects SET suspended_on = suspended_on - 1 WHERE id = $1`, [publicised]);
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = publicity_starts_on - 1, publicity_ends_on = publicity_ends_on - 1
       WHERE project_id = $1`,
      [publicised],
    );
    await post(`/api/tenders/${publicised}/objections`, candidates, rival).expect(201);
    expect(await sql(`SELECT 1 FROM tender_objections WHERE project_id = $1`, [publicised])).toHaveLength(2);
  });
});
