import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { unifiedSocialCreditCheckCharacter } from '../libs/domain/src/organization-code.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import { centreDays } from './support/transfers.js';
import { buildReport } from './support/reports.js';

/** A valid 统一社会信用代码 of its own for each organisation in a test. */
const orgCode = () => {
  const body = `91360100${randomBytes(5)
    .toString('hex')
    .toUpperCase()
    .replace(/[IOSVZ]/g, '1')}`.slice(0, 17);
  return body + unifiedSocialCreditCheckCharacter(body);
};
const specialty = () => `s${randomBytes(4).toString('hex')}`;
const SHA = 'e'.repeat(64);
const RECORD_SHA = 'c'.repeat(64);
const REPORT_SHA = 'a'.repeat(64);
const CONTRACT_SHA = 'b'.repeat(64);
const MISSING = '00000000-0000-4000-8000-000000000000';
const BUDGET = 800_000_000;
const TABLES = [
  'procurement_projects',
  'procurement_publicity_objections',
  'procurement_evaluations',
  'procurement_scores',
  'procurement_call_offs',
  'registrations',
  'committee_draws',
  'deals',
  'deposits',
  'audit_log',
];

/**
 * The procurement methods beyond the common path, on the real platform (PostgreSQL, Redis, the
 * worker opening the responses): a single source's objections, answers and negotiation to its
 * deal; a framework agreement admitting several suppliers and recording call-off orders as deals
 * the reports count; comprehensive scoring by each committee member's scores. Every refusal has
 * its own code and writes nothing.
 */
describe('procurement methods: single source, framework agreements, comprehensive scoring', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let suppliers: TestUser[];
  let today: string;
  let yesterday: string;
  let ownerDb: string;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  // null: anonymous (undefined would take the default, staff).
  const post = (path: string, body: unknown = {}, user: TestUser | null = staff) =>
    as(user ?? undefined)(request(api.url).post(path)).send(body as object);
  const put = (path: string, body: unknown, user: TestUser | null = staff) =>
    as(user ?? undefined)(request(api.url).put(path)).send(body as object);
  const get = (path: string, user: TestUser | null = staff) =>
    as(user ?? undefined)(request(api.url).get(path));
  const sql = (text: string, params: unknown[] = []) => queryRows(ownerDb, text, params);
  const statusOf = async (id: string) =>
    (await get(`/api/procurements/${id}`).expect(200)).body.status as string;
  const snapshot = () => tableContents(platform.env.config.DATABASE_URL, TABLES);
  const businessDaysAfter = async (from: string, businessDays: number) =>
    (await request(api.url).get('/api/calendar/deadline').query({ from, businessDays }).expect(200)).body
      .date as string;
  const nameOf = async (user: TestUser) =>
    (await sql(`SELECT display_name AS name FROM users WHERE id = $1`, [user.id]))[0].name as string;

  /** `count` experts of one specialty (the first ones employed by `employers`); their ids. */
  async function createExperts(kind: string, count: number, employers: string[] = []) {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1)
      ids.push(
        (
          await post('/api/experts', {
            name: `专家${index}`,
            employerName: '某研究院',
            employerOrgCode: employers[index] ?? orgCode(),
            specialties: [kind],
          }).expect(201)
        ).body.id as string,
      );
    return ids;
  }

  const base = () => ({
    title: '东湖区政务云服务采购',
    purchaserName: '南昌市东湖区数据局',
    purchaserOrgCode: orgCode(),
    description: '政务云资源租用一年',
    budget: BUDGET,
    documents: [{ name: '采购文件.pdf', sha256: SHA }],
  });
  const openTenderSchedule = async () => ({
    documentsIssuedOn: today,
    documentsAvailableUntil: await businessDaysAfter(today, 5),
    deadlineOn: addCalendarDays(today, 20),
  });
  const frameworkTerms = () => ({
    subjectType: 'goods',
    admittedSuppliers: 3,
    termStartsOn: addCalendarDays(today, 21),
    termEndsOn: addCalendarDays(today, 21 + 364),
  });

  /** A procurement announced today with the three suppliers qualified (deposits received). */
  async function responding(method: string, extra: Record<string, unknown> = {}) {
    const created = await post('/api/procurements', {
      ...base(),
      method,
      deposit: 10_000_000,
      ...(await openTenderSchedule()),
      ...extra,
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/procurements/${id}/announce`).expect(200);
    const registrationIds: string[] = [];
    const codes: string[] = [];
    for (const supplier of suppliers) {
      codes.push(orgCode());
      const applied = await post(
        `/api/procurements/${id}/registrations`,
        { organizationCode: codes[codes.length - 1] },
        supplier,
      ).expect(201);
      registrationIds.push(applied.body.id as string);
      await post(`/api/procurements/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
      }).expect(200);
    }
    return { id, registrationIds, codes, bidIds: [] as string[] };
  }

  /** Each supplier responds with its price; the deadline passes; the worker opens the responses. */
  async function open(procurement: { id: string; bidIds: string[] }, prices: number[]) {
    for (const [index, supplier] of suppliers.entries()) {
      const receipt = await put(
        `/api/procurements/${procurement.id}/response`,
        { price: prices[index], documents: [{ name: '响应文件.pdf', sha256: SHA }] },
        supplier,
      ).expect(200);
      procurement.bidIds.push(receipt.body.bidId);
    }
    await sql(
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [procurement.id],
    );
    await waitFor(async () => (await statusOf(procurement.id)) === 'opened' || undefined, 60_000, 'opened');
  }

  /** A single source publicised today (publicity of 5 business days), deposit none. */
  async function publicised() {
    const created = await post('/api/procurements', {
      ...base(),
      method: 'single_source',
      publicityStartsOn: today,
      publicityEndsOn: await businessDaysAfter(today, 5),
      singleSourceSupplier: '某专利设备制造有限公司',
      singleSourceReasons: '只能从唯一供应商处采购(专利)',
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/procurements/${id}/publicise`).expect(200);
    return id;
  }
  /** The publicity as if it had ended yesterday (its length kept whole). */
  const endPublicity = (id: string) =>
    sql(
      `UPDATE procurement_projects SET publicity_starts_on = $2::date - 10, publicity_ends_on = $2::date WHERE id = $1`,
      [id, yesterday],
    );

  /** A ban of `party` from today (a supervisor's record); `lift` revokes it (the suppliers are shared). */
  async function ban(party: TestUser) {
    const recorded = await post(
      '/api/supervision/sanctions',
      {
        partyId: party.id,
        kind: 'ban',
        reason: 'misconduct',
        basis: '《政府采购法》第七十七条',
        startsOn: today,
        bannedUntil: addCalendarDays(today, 30),
      },
      supervisor,
    ).expect(201);
    return {
      lift: () =>
        post(
          `/api/supervision/sanctions/${recorded.body.id}/revoke`,
          { reason: '测试结束' },
          supervisor,
        ).expect(200),
    };
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today, yesterday } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    [staff, supervisor] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
    ]);
    suppliers = await Promise.all([0, 1, 2].map(() => registerBidder(api.url)));
  });

  // The centre's days by the database's clock, read again for each test: a run may cross midnight.
  beforeEach(async () => {
    ({ today, yesterday } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('runs a single source from its publicity through public objections and the negotiation to the deal', async () => {
    const [a, b, c] = suppliers;
    const id = await publicised();
    const path = `/api/procurements/${id}`;
    const publicityEndsOn = await businessDaysAfter(today, 5);

    // Blank text is refused at the edge: a 400 with its code, never the column's check as a 500.
    const beforeBlank = await snapshot();
    expectError(await post(`${path}/publicity-objections`, { text: ' \n\t ' }, a), 400, 'VALIDATION_FAILED');
    expect(await snapshot()).toEqual(beforeBlank);

    const filed = await post(
      `${path}/publicity-objections`,
      { text: '该设备另有两家国内厂商可以供货', documents: [{ name: '异议书.pdf', sha256: SHA }] },
      a,
    ).expect(201);
    expect(filed.body).toEqual({
      id: expect.any(String),
      text: '该设备另有两家国内厂商可以供货',
      documents: [{ name: '异议书.pdf', sha256: SHA }],
      filedOn: today,
      filedAt: expect.any(String),
      answerDueOn: await businessDaysAfter(publicityEndsOn, 5),
      answer: null,
    });
    // Public on the project, without who objected; staff see who did.
    const publicView = (await get(path, null).expect(200)).body;
    expect(publicView.objections).toEqual([filed.body]);
    expect((await get(path).expect(200)).body.objections).toEqual([{ ...filed.body, filedBy: a.id }]);

    // The publicity runs: concluding is refused until its last day is over.
    expectError(await post(`${path}/conclude-publicity`), 409, 'PUBLICITY_NOT_ENDED');
    await endPublicity(id);
    let before = await snapshot();
    const late = await post(`${path}/publicity-objections`, { text: '逾期异议' }, b);
    expectError(late, 422, 'OBJECTION_PERIOD_ENDED');
    expect(late.body.details).toEqual({ publicityEndsOn: yesterday, today });
    // Over, but an objection is unanswered.
    const unanswered = await post(`${path}/conclude-publicity`);
    expectError(unanswered, 409, 'OBJECTIONS_UNANSWERED');
    expect(unanswered.body.details).toEqual({ objectionIds: [filed.body.id] });
    expect(await snapshot()).toEqual(before);

    expectError(
      await post(`${path}/publicity-objections/${filed.body.id}/reply`, { upheld: false, reply: '   ' }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await snapshot()).toEqual(before);
    const answered = await post(`${path}/publicity-objections/${filed.body.id}/reply`, {
      upheld: false,
      reply: '经补充论证,其他厂商产品不满足专利技术要求,异议不成立',
    }).expect(200);
    expect(answered.body.objection.answer).toEqual({
      upheld: false,
      reply: '经补充论证,其他厂商产品不满足专利技术要求,异议不成立',
      answeredOn: today,
      late: false,
    });
    expect(answered.body.project.status).toBe('prior_publicity');
    before = await snapshot();
    expectError(
      await post(`${path}/publicity-objections/${filed.body.id}/reply`, { upheld: true, reply: '再答' }),
      409,
      'OBJECTION_ALREADY_ANSWERED',
    );
    expectError(
      await post(`${path}/publicity-objections/${MISSING}/reply`, { upheld: false, reply: '答' }),
      404,
      'OBJECTION_NOT_FOUND',
    );
    expect(await snapshot()).toEqual(before);
    expect((await post(`${path}/conclude-publicity`).expect(200)).body.status).toBe('responding');

    // The named supplier registers and is qualified; nobody else may be.
    const supplierCode = orgCode();
    const registered = await post(`${path}/registrations`, { organizationCode: supplierCode }, b).expect(201);
    await post(`${path}/registrations/${registered.body.id}/qualify`, { depositReceived: false }).expect(200);
    const other = await post(`${path}/registrations`, { organizationCode: orgCode() }, c).expect(201);
    before = await snapshot();
    expectError(
      await post(`${path}/registrations/${other.body.id}/qualify`, { depositReceived: false }),
      409,
      'SINGLE_SOURCE_SUPPLIER_ALREADY_QUALIFIED',
    );
    expect(await snapshot()).toEqual(before);

    // The negotiation group: 3 drawn, the supplier's employee excluded.
    const kind = specialty();
    const [employee] = await createExperts(kind, 4, [supplierCode]);
    expect((await get(path).expect(200)).body.committeeDrawnAt).toBeNull();
    expectError(
      await post(`${path}/committee/draw`, { needs: [{ specialty: kind, count: 2 }] }),
      422,
      'COMMITTEE_TOO_SMALL',
    );
    expectError(
      await post(`${path}/committee/draw`, { needs: [{ specialty: kind, count: 5 }] }),
      422,
      'NOT_ENOUGH_ELIGIBLE_EXPERTS',
    );
    await post(`${path}/committee/draw`, { needs: [{ specialty: kind, count: 3 }] }).expect(201);
    const group = (await get(`${path}/committee`, supervisor).expect(200)).body;
    expect(group.members).toHaveLength(3);
    expect(group.members.map((one: { expertId: string }) => one.expertId)).not.toContain(employee);
    expect(group.bidderOrgCodes).toContain(supplierCode);
    // No opening: staff see the group once the negotiation starts, supervisors at any time.
    expectError(await get(`${path}/committee`), 403, 'COMMITTEE_SEALED_UNTIL_OPENING');
    // Before that staff (and supervisors) see only that it is drawn and when; the public nothing.
    const drawnAt = (await get(path).expect(200)).body.committeeDrawnAt;
    expect(Date.parse(drawnAt)).toBe(Date.parse(group.drawnAt));
    expect((await get(path, supervisor).expect(200)).body.committeeDrawnAt).toBe(drawnAt);
    expect((await get(path, null).expect(200)).body).not.toHaveProperty('committeeDrawnAt');
    const started = await post(`${path}/start-evaluation`).expect(200);
    expect((await get(`${path}/committee`).expect(200)).body.members).toHaveLength(3);
    expect(started.body).toMatchObject({ projectId: id, bids: [], report: null });
    expect(await statusOf(id)).toBe('evaluating');

    // No sealed responses: the committee's entries for them are refused; the negotiation is recorded.
    before = await snapshot();
    expectError(
      await post(`${path}/evaluation/report`, { reportSha256: REPORT_SHA }),
      409,
      'INVALID_STATE_TRANSITION',
    );
    const aboveBudget = await post(`${path}/negotiation`, {
      price: BUDGET + 1,
      negotiationRecordSha256: RECORD_SHA,
    });
    expectError(aboveBudget, 422, 'NEGOTIATED_PRICE_ABOVE_BUDGET');
    expect(aboveBudget.body.details).toEqual({ price: BUDGET + 1, budget: BUDGET });
    expect(await snapshot()).toEqual(before);
    // Qualified, then banned: no price is agreed with it.
    const banOfB = await ban(b);
    before = await snapshot();
    expectError(
      await post(`${path}/negotiation`, { price: 760_000_000, negotiationRecordSha256: RECORD_SHA }),
      403,
      'PARTY_BANNED',
    );
    expect(await snapshot()).toEqual(before);
    await banOfB.lift();
    const negotiated = await post(`${path}/negotiation`, {
      price: 760_000_000,
      negotiationRecordSha256: RECORD_SHA,
    }).expect(200);
    const supplierName = await nameOf(b);
    expect(negotiated.body.report).toMatchObject({
      reportOn: today,
      reportSha256: RECORD_SHA,
      outcome: 'ranked',
      candidates: [
        {
          rank: 1,
          bidId: registered.body.id,
          bidderName: supplierName,
          price: 760_000_000,
          tieBrokenByLot: false,
        },
      ],
      dueWithPurchaserOn: await businessDaysAfter(today, 2),
    });
    expectError(
      await post(`${path}/negotiation`, { price: 1, negotiationRecordSha256: RECORD_SHA }),
      409,
      'EVALUATION_ALREADY_REPORTED',
    );

    await post(`${path}/report/deliver`).expect(200);
    await post(`${path}/award-decision`, { bidId: registered.body.id }).expect(200);
    const result = await post(`${path}/result`).expect(200);
    expect(result.body.decision).toMatchObject({
      bidId: registered.body.id,
      bidderName: supplierName,
      price: 760_000_000,
    });
    const contracted = await post(`${path}/contract`, {
      signedOn: today,
      contractSha256: CONTRACT_SHA,
    }).expect(200);
    expect(await statusOf(id)).toBe('contracted');
    const [deal] = await sql(
      `SELECT id, category, subtype, source_type, amount::bigint::text AS amount, winner_id, winner_name
       FROM deals WHERE source_type = 'procurement_award' AND source_id = $1`,
      [id],
    );
    expect(deal).toEqual({
      id: contracted.body.dealId,
      category: 'procurement',
      subtype: 'single_source',
      source_type: 'procurement_award',
      amount: '760000000',
      winner_id: b.id,
      winner_name: supplierName,
    });
    // Its fee recorded with it: no procurement schedule is in force here, so none is charged.
    expect(
      await sql(`SELECT line, amount, working->>'missing' AS missing FROM deal_fees WHERE deal_id = $1`, [
        deal.id,
      ]),
    ).toEqual([{ line: 'procurement', amount: null, missing: 'FEE_SCHEDULE_MISSING' }]);
    const trail = await sql(
      `SELECT action FROM audit_log WHERE entity_id = $1 AND action LIKE 'procurement.%' ORDER BY seq`,
      [id],
    );
    expect(trail.map((row) => row.action)).toEqual([
      'procurement.created',
      'procurement.publicise',
      'procurement.objection_filed',
      'procurement.objection_answered',
      'procurement.conclude_publicity',
      'procurement.committee_drawn',
      'procurement.start_evaluation',
      'procurement.negotiation_recorded',
      'procurement.deliver_report',
      'procurement.decide_award',
      'procurement.announce_result',
      'procurement.sign_contract',
    ]);
  });

  it('fails a single source whose objection is upheld; the rest are still answered, no more are filed', async () => {
    const [a, b] = suppliers;
    const id = await publicised();
    const path = `/api/procurements/${id}`;
    const first = await post(`${path}/publicity-objections`, { text: '异议一' }, a).expect(201);
    const second = await post(`${path}/publicity-objections`, { text: '异议二' }, b).expect(201);
    const upheld = await post(`${path}/publicity-objections/${first.body.id}/reply`, {
      upheld: true,
      reply: '异议成立,改用公开招标',
    }).expect(200);
    expect(upheld.body.project).toMatchObject({
      status: 'failed',
      failedReason: '单一来源公示异议成立,不得采用单一来源方式,应依法采用其他采购方式',
    });
    const before = await snapshot();
    expectError(
      await post(`${path}/publicity-objections`, { text: '异议三' }, a),
      409,
      'INVALID_STATE_TRANSITION',
    );
    expectError(await post(`${path}/conclude-publicity`), 409, 'INVALID_STATE_TRANSITION');
    expect(await snapshot()).toEqual(before);
    await post(`${path}/publicity-objections/${second.body.id}/reply`, {
      upheld: false,
      reply: '已因异议一终止',
    }).expect(200);
    const publicView = (await get(path, null).expect(200)).body;
    expect(publicView.status).toBe('failed');
    // The list does not read objections: its items leave them out rather than claim none.
    const listed = (await get('/api/procurements?method=single_source&status=failed', null).expect(200)).body;
    const item = listed.items.find((one: { id: string }) => one.id === id);
    expect(item).toMatchObject({ id, status: 'failed' });
    expect(item).not.toHaveProperty('objections');
    expect(publicView.objections.map((one: { answer: { upheld: boolean } }) => one.answer.upheld)).toEqual([
      true,
      false,
    ]);
    const fails = await sql(
      `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = 'procurement.fail'`,
      [id],
    );
    expect(fails[0].n).toBe(1);
  });

  it('admits several suppliers to a framework agreement and records call-off orders as deals the reports count', async () => {
    const [a, b, c] = suppliers;
    // The term: a year at most for goods; the agreement after the deadline.
    let before = await snapshot();
    const tooLong = await post('/api/procurements', {
      ...base(),
      method: 'framework_agreement',
      ...(await openTenderSchedule()),
      ...frameworkTerms(),
      termEndsOn: addCalendarDays(today, 21 + 366),
    });
    expectError(tooLong, 422, 'FRAMEWORK_TERM_TOO_LONG');
    expect(tooLong.body.details).toMatchObject({ subjectType: 'goods', maxYears: 1 });
    const incomplete = await post('/api/procurements', {
      ...base(),
      method: 'framework_agreement',
      ...(await openTenderSchedule()),
    });
    expectError(incomplete, 400, 'VALIDATION_FAILED');
    expect(incomplete.body.details.map((one: { field: string }) => one.field).sort()).toEqual([
      'admittedSuppliers',
      'subjectType',
      'termEndsOn',
      'termStartsOn',
    ]);
    expect(await snapshot()).toEqual(before);

    const kind = specialty();
    await createExperts(kind, 5);
    const procurement = await responding('framework_agreement', frameworkTerms());
    const path = `/api/procurements/${procurement.id}`;
    expect((await get(path, null).expect(200)).body).toMatchObject({
      admittedSuppliers: 3,
      subjectType: 'goods',
    });
    await post(`${path}/committee/draw`, { needs: [{ specialty: kind, count: 5 }] }).expect(201);
    await open(procurement, [500_000_000, 520_000_000, 540_000_000]);
    await post(`${path}/start-evaluation`).expect(200);
    // Three ranked, at most three admitted, but at least one left out: the first two.
    const reported = await post(`${path}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    expect(reported.body.candidates.map((one: { bidId: string }) => one.bidId)).toEqual(
      procurement.bidIds.slice(0, 2),
    );
    await post(`${path}/report/deliver`).expect(200);
    expectError(
      await post(`${path}/award-decision`, { bidId: procurement.bidIds[1] }),
      422,
      'AWARD_NOT_FIRST_CANDIDATE',
    );
    await post(`${path}/award-decision`, { bidId: procurement.bidIds[0] }).expect(200);
    await post(`${path}/result`).expect(200);
    // The admitted keep their deposits until the agreement; the one left out is due a refund.
    const deposits = await sql(
      `SELECT bidder_id AS "bidderId", refund_due_on::text AS "refundDueOn" FROM deposits
       WHERE host_type = 'procurement_project' AND host_id = $1`,
      [procurement.id],
    );
    const dueOf = new Map(deposits.map((row) => [row.bidderId as string, row.refundDueOn as string | null]));
    expect([dueOf.get(a.id), dueOf.get(b.id), dueOf.get(c.id)]).toEqual([
      null,
      null,
      await businessDaysAfter(today, 5),
    ]);
    const contracted = await post(`${path}/contract`, {
      signedOn: today,
      contractSha256: CONTRACT_SHA,
    }).expect(200);
    expect(contracted.body.dealId).toBeNull();
    expect(await statusOf(procurement.id)).toBe('contracted');

    // The agreement's term, as if it had begun: orders from its signing (today) to its last day.
    await sql(
      `UPDATE procurement_projects SET term_starts_on = $2::date - 30, term_ends_on = $2::date + 300 WHERE id = $1`,
      [procurement.id, today],
    );
    const reportBefore = await buildReport(api.url, staff, { from: today, to: today });
    const frameworkOf = (built: typeof reportBefore) =>
      built
        .result!.categories.find((one) => one.category === 'procurement')
        ?.subtypes.find((one) => one.subtype === 'framework') ?? { count: 0, amount: 0 };

    before = await snapshot();
    const callOff = (body: Record<string, unknown>) =>
      post(`${path}/call-offs`, { amount: 12_000_000, orderedOn: today, title: '第一批办公设备', ...body });
    const notAdmitted = await callOff({ supplier: c.id });
    expectError(notAdmitted, 422, 'CALL_OFF_SUPPLIER_NOT_ADMITTED');
    expect(notAdmitted.body.details).toEqual({ supplierId: c.id });
    expectError(
      await callOff({ supplier: procurement.registrationIds[2] }),
      422,
      'CALL_OFF_SUPPLIER_NOT_ADMITTED',
    );
    const beforeSigning = await callOff({ supplier: a.id, orderedOn: yesterday });
    expectError(beforeSigning, 422, 'CALL_OFF_OUTSIDE_TERM');
    expect(beforeSigning.body.details).toEqual({
      orderedOn: yesterday,
      termStartsOn: today,
      termEndsOn: addCalendarDays(today, 300),
    });
    const future = await callOff({ supplier: a.id, orderedOn: addCalendarDays(today, 1) });
    expectError(future, 422, 'CALL_OFF_IN_FUTURE');
    expect(future.body.details).toEqual({ orderedOn: addCalendarDays(today, 1), today });
    expectError(await callOff({ supplier: a.id, title: '   ' }), 400, 'VALIDATION_FAILED');
    expect(await snapshot()).toEqual(before);

    // By the supplier's registration and by its account.
    const first = await callOff({
      supplier: procurement.registrationIds[0],
      contractSha256: CONTRACT_SHA,
    }).expect(201);
    const second = await callOff({ supplier: b.id, amount: 8_500_000, title: '第二批办公设备' }).expect(201);
    // Persons' accounts applying for organisations: the orders name the organisation's code.
    expect(first.body).toMatchObject({
      supplierId: a.id,
      supplierName: procurement.codes[0],
      supplierCode: procurement.codes[0],
      amount: 12_000_000,
      orderedOn: today,
      contractSha256: CONTRACT_SHA,
    });
    const deals = await sql(
      `SELECT id, category, subtype, source_type, source_id, amount::bigint::text AS amount, winner_id
       FROM deals WHERE source_type = 'framework_call_off' ORDER BY closed_at`,
    );
    expect(deals).toEqual([
      {
        id: first.body.dealId,
        category: 'procurement',
        subtype: 'framework',
        source_type: 'framework_call_off',
        source_id: first.body.id,
        amount: '12000000',
        winner_id: a.id,
      },
      {
        id: second.body.dealId,
        category: 'procurement',
        subtype: 'framework',
        source_type: 'framework_call_off',
        source_id: second.body.id,
        amount: '8500000',
        winner_id: b.id,
      },
    ]);
    // Each call-off's fee is recorded with its deal.
    expect(
      (await sql(`SELECT deal_id FROM deal_fees WHERE deal_id = ANY($1::uuid[])`, [deals.map((d) => d.id)]))
        .length,
    ).toBe(deals.length);
    // The orders stay within the budget (checked under the project's lock), each within a deal's cap.
    before = await snapshot();
    const aboveBudget = await callOff({ supplier: a.id, amount: BUDGET - 20_500_000 + 1 });
    expectError(aboveBudget, 422, 'CALL_OFF_ABOVE_BUDGET');
    expect(aboveBudget.body.details).toEqual({
      budget: BUDGET,
      orderedSoFar: 20_500_000,
      amount: BUDGET - 20_500_000 + 1,
    });
    expectError(await callOff({ supplier: a.id, amount: Number.MAX_SAFE_INTEGER }), 400, 'VALIDATION_FAILED');
    expect(await snapshot()).toEqual(before);

    // Admitted, then banned: no more orders (no deal) with it until the ban is lifted.
    const banOfA = await ban(a);
    before = await snapshot();
    const banned = await callOff({ supplier: procurement.registrationIds[0] });
    expectError(banned, 403, 'PARTY_BANNED');
    expect(await snapshot()).toEqual(before);
    await banOfA.lift();
    const reportAfter = await buildReport(api.url, staff, { from: today, to: today });
    expect(frameworkOf(reportAfter).count - frameworkOf(reportBefore).count).toBe(2);
    expect(frameworkOf(reportAfter).amount - frameworkOf(reportBefore).amount).toBe(20_500_000);
    expect(reportAfter.result!.total.count - reportBefore.result!.total.count).toBe(2);

    // Public: the admitted and the orders, no account ids.
    const listed = (await get(`${path}/call-offs`, null).expect(200)).body;
    expect(listed).toEqual({
      projectId: procurement.id,
      status: 'contracted',
      // Planned without a second-stage method: 直接选定, nobody's turn.
      callOffMethod: 'direct_selection',
      nextInRotation: null,
      termStartsOn: addCalendarDays(today, -30),
      termEndsOn: addCalendarDays(today, 300),
      agreementSignedOn: today,
      admittedSuppliers: [
        {
          rank: 1,
          supplierName: procurement.codes[0],
          supplierCode: procurement.codes[0],
          price: 500_000_000,
        },
        {
          rank: 2,
          supplierName: procurement.codes[1],
          supplierCode: procurement.codes[1],
          price: 520_000_000,
        },
      ],
      items: [
        {
          id: first.body.id,
          supplierName: procurement.codes[0],
          supplierCode: procurement.codes[0],
          title: '第一批办公设备',
          amount: 12_000_000,
          orderedOn: today,
          dealId: first.body.dealId,
        },
        {
          id: second.body.id,
          supplierName: procurement.codes[1],
          supplierCode: procurement.codes[1],
          title: '第二批办公设备',
          amount: 8_500_000,
          orderedOn: today,
          dealId: second.body.dealId,
        },
      ],
      total: 2,
      totalAmount: 20_500_000,
    });
    const staffList = (await get(`${path}/call-offs`).expect(200)).body;
    expect(staffList.admittedSuppliers[0]).toMatchObject({
      supplierId: a.id,
      registrationId: procurement.registrationIds[0],
    });

    // A double submit with the client's order id: the repeat returns the first order (200), no second deal.
    const clientOrderId = randomUUID();
    const third = await callOff({ supplier: b.id, amount: 1_000_000, title: '第三批', clientOrderId }).expect(
      201,
    );
    expect(third.body).toMatchObject({ clientOrderId, amount: 1_000_000, repeated: false });
    before = await snapshot();
    const repeat = await callOff({
      supplier: b.id,
      amount: 1_000_000,
      title: '第三批',
      clientOrderId,
    }).expect(200);
    expect(repeat.body).toEqual({ ...third.body, repeated: true });
    expect(await snapshot()).toEqual(before);
    expect((await get(`${path}/call-offs`, null).expect(200)).body).toMatchObject({
      total: 3,
      totalAmount: 21_500_000,
    });

    expect((await post(`${path}/close`).expect(200)).body).toMatchObject({
      projectId: procurement.id,
      status: 'closed',
    });
    before = await snapshot();
    expectError(await callOff({ supplier: a.id }), 409, 'INVALID_STATE_TRANSITION');
    expectError(await post(`${path}/close`), 409, 'INVALID_STATE_TRANSITION');
    expect(await snapshot()).toEqual(before);
  });

  it('admits to a framework agreement by quality (质量优先法): the price only as its ceiling, instruments leave out 40%', async () => {
    const quality = [
      { id: 'technical', weight: 70, kind: 'scored' },
      { id: 'service', weight: 30, kind: 'scored' },
    ];
    const byQuality = async (change: Record<string, unknown> = {}) =>
      post('/api/procurements', {
        ...base(),
        title: '东湖区疾控中心检测仪器框架协议',
        method: 'framework_agreement',
        ...(await openTenderSchedule()),
        ...frameworkTerms(),
        admittedSuppliers: 5,
        evaluationMethod: 'comprehensive_scoring',
        qualityFirstGround: 'testing_instruments',
        maxUnitPrice: 200_000_000,
        criteria: quality,
        ...change,
      });

    // Refused, writing nothing: a scored price, services as instruments, no ceiling, a ground by price.
    const before = await snapshot();
    const priced = await byQuality({
      criteria: [
        { id: 'price', weight: 30, kind: 'price_formula' },
        { id: 'technical', weight: 70, kind: 'scored' },
      ],
    });
    expectError(priced, 422, 'FRAMEWORK_PRICE_SCORED');
    expect(priced.body.details).toEqual({ criterionIds: ['price'] });
    const services = await byQuality({ subjectType: 'services' });
    expectError(services, 422, 'QUALITY_FIRST_NOT_ALLOWED');
    expect(services.body.details).toEqual({
      qualityFirstGround: 'testing_instruments',
      subjectType: 'services',
    });
    const noCeiling = await byQuality({ maxUnitPrice: undefined });
    expectError(noCeiling, 400, 'VALIDATION_FAILED');
    expect(noCeiling.body.details).toEqual([expect.objectContaining({ field: 'maxUnitPrice' })]);
    const aboveBudget = await byQuality({ maxUnitPrice: BUDGET + 1 });
    expectError(aboveBudget, 400, 'VALIDATION_FAILED');
    const byPrice = await byQuality({ evaluationMethod: 'lowest_evaluated_price', criteria: undefined });
    expectError(byPrice, 400, 'VALIDATION_FAILED');
    expect(byPrice.body.details).toEqual([expect.objectContaining({ field: 'qualityFirstGround' })]);
    expect(await snapshot()).toEqual(before);

    const created = await byQuality();
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const path = `/api/procurements/${id}`;
    await post(`${path}/announce`).expect(200);
    // Public with the notice: quality-first, its ground, the ceiling and the 40% left out.
    expect((await get(path, null).expect(200)).body).toMatchObject({
      evaluationMethod: 'comprehensive_scoring',
      frameworkEntryMethod: 'quality_first',
      qualityFirstGround: 'testing_instruments',
      maxUnitPrice: 200_000_000,
      eliminationPercent: 40,
      criteria: quality,
    });
    // Four suppliers: the three of the suite and one more.
    const four = [...suppliers, await registerBidder(api.url)];
    for (const supplier of four) {
      const applied = await post(`${path}/registrations`, { organizationCode: orgCode() }, supplier).expect(
        201,
      );
      await post(`${path}/registrations/${applied.body.id}/qualify`, { depositReceived: true }).expect(200);
    }
    const kind = specialty();
    await createExperts(kind, 5);
    await post(`${path}/committee/draw`, { needs: [{ specialty: kind, count: 5 }] }).expect(201);
    // The fourth asks one fen more than the ceiling; the third is the cheapest.
    const prices = [150_000_000, 180_000_000, 120_000_000, 200_000_001];
    const bidIds: string[] = [];
    for (const [index, supplier] of four.entries())
      bidIds.push(
        (
          await put(
            `${path}/response`,
            { price: prices[index], documents: [{ name: '响应文件.pdf', sha256: SHA }] },
            supplier,
          ).expect(200)
        ).body.bidId,
      );
    await sql(
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 60_000, 'opened');
    const started = await post(`${path}/start-evaluation`).expect(200);
    // Above the ceiling: out at the start, with its reason, before anyone scores.
    expect(started.body.rejections).toEqual([
      expect.objectContaining({ bidId: bidIds[3], reason: '响应报价超过最高限制单价', enteredBy: staff.id }),
    ]);
    const members = (await get(`${path}/committee`).expect(200)).body.members.map(
      (one: { expertId: string }) => one.expertId,
    ) as string[];
    const [bidA, bidB, bidC] = bidIds;
    const scores = (a: number, b: number, c: number) => ({
      scores: [bidA, bidB, bidC].flatMap((bidId, index) =>
        ['technical', 'service'].map((criterionId) => ({ bidId, criterionId, score: [a, b, c][index] })),
      ),
    });
    // A price criterion does not exist to score.
    expectError(
      await put(`${path}/evaluation/scores/${members[0]}`, {
        scores: [{ bidId: bidA, criterionId: 'price', score: 50 }],
      }),
      400,
      'VALIDATION_FAILED',
    );
    for (const member of members)
      await put(`${path}/evaluation/scores/${member}`, scores(90, 80, 70)).expect(200);

    // Ranked by quality alone (the cheapest last); three responsive, at least 40% (two) left out.
    const reported = await post(`${path}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    expect(
      reported.body.ranking.map(
        ({ bidId, rank, totalScore }: { bidId: string; rank: number; totalScore: number }) => ({
          bidId,
          rank,
          totalScore,
        }),
      ),
    ).toEqual([
      { bidId: bidA, rank: 1, totalScore: 90 },
      { bidId: bidB, rank: 2, totalScore: 80 },
      { bidId: bidC, rank: 3, totalScore: 70 },
    ]);
    expect(reported.body.candidates.map((one: { bidId: string }) => one.bidId)).toEqual([bidA]);
    // The trail says which response the ceiling left out.
    const [audit] = await sql(
      `SELECT payload FROM audit_log WHERE entity_id = $1 AND action = 'procurement.start_evaluation'`,
      [id],
    );
    expect(audit.payload).toContain(`"aboveMaxUnitPrice":["${bidIds[3]}"]`);
  });

  it('gives a framework agreement’s orders in turn (顺序轮候): out of turn refused, writing nothing', async () => {
    const [a, b] = suppliers;
    const kind = specialty();
    await createExperts(kind, 5);
    const procurement = await responding('framework_agreement', {
      ...frameworkTerms(),
      callOffMethod: 'rotation',
    });
    const path = `/api/procurements/${procurement.id}`;
    expect((await get(path, null).expect(200)).body).toMatchObject({
      callOffMethod: 'rotation',
      frameworkEntryMethod: 'price_first',
    });
    await post(`${path}/committee/draw`, { needs: [{ specialty: kind, count: 5 }] }).expect(201);
    await open(procurement, [500_000_000, 520_000_000, 540_000_000]);
    await post(`${path}/start-evaluation`).expect(200);
    await post(`${path}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    await post(`${path}/report/deliver`).expect(200);
    await post(`${path}/award-decision`, { bidId: procurement.bidIds[0] }).expect(200);
    await post(`${path}/result`).expect(200);
    await post(`${path}/contract`, { signedOn: today, contractSha256: CONTRACT_SHA }).expect(200);
    await sql(
      `UPDATE procurement_projects SET term_starts_on = $2::date - 30, term_ends_on = $2::date + 300 WHERE id = $1`,
      [procurement.id, today],
    );
    const order = (supplier: TestUser, title: string) =>
      post(`${path}/call-offs`, { supplier: supplier.id, title, amount: 1_000_000, orderedOn: today });
    const nextOf = async () => (await get(`${path}/call-offs`, null).expect(200)).body.nextInRotation;
    // As the public names a supplier: by the code it applied with (no account is registered under
    // that code here, so no organisation name), never by an account's name.
    const publicOf = async (supplier: TestUser) => {
      const [row] = await sql(
        `SELECT organization_code AS code FROM registrations WHERE host_id = $1 AND bidder_id = $2`,
        [procurement.id, supplier.id],
      );
      return { supplierName: row.code as string, supplierCode: row.code as string };
    };

    // Admitted a then b (c left out): a first, then b, then a again.
    expect(await nextOf()).toEqual(await publicOf(a));
    let before = await snapshot();
    const early = await order(b, '第一批');
    expectError(early, 422, 'CALL_OFF_NOT_IN_TURN');
    expect(early.body.details).toEqual({ supplierId: b.id, expectedSupplierId: a.id });
    expect(await snapshot()).toEqual(before);
    await order(a, '第一批').expect(201);
    expect(await nextOf()).toEqual(await publicOf(b));
    before = await snapshot();
    expectError(await order(a, '第二批'), 422, 'CALL_OFF_NOT_IN_TURN');
    expect(await snapshot()).toEqual(before);
    await order(b, '第二批').expect(201);
    // Staff see whose turn it is with the id the order form sends.
    const staffView = (await get(`${path}/call-offs`).expect(200)).body.nextInRotation;
    expect(staffView).toMatchObject({ ...(await publicOf(a)), supplierId: a.id });
    // A banned supplier is passed over: b's turn again while a is banned.
    const banned = await ban(a);
    expect(await nextOf()).toEqual(await publicOf(b));
    await order(b, '第三批').expect(201);
    await banned.lift();
    expect(await nextOf()).toEqual(await publicOf(a));
  });

  it('ranks a comprehensive-scoring tender by every member’s own scores and the price formula', async () => {
    const criteria = (price: number) => [
      { id: 'price', weight: price, kind: 'price_formula' },
      { id: 'technical', weight: 100 - price, kind: 'scored' },
    ];
    let before = await snapshot();
    const heavy = await post('/api/procurements', {
      ...base(),
      method: 'open_tender',
      ...(await openTenderSchedule()),
      evaluationMethod: 'comprehensive_scoring',
      subjectType: 'services',
      criteria: criteria(40),
    });
    expectError(heavy, 422, 'PRICE_WEIGHT_OUT_OF_RANGE');
    expect(heavy.body.details).toEqual({ subjectType: 'services', priceWeight: 40, min: 10, max: 30 });
    const negotiation = await post('/api/procurements', {
      ...base(),
      method: 'competitive_negotiation',
      documentsIssuedOn: today,
      deadlineOn: await businessDaysAfter(today, 3),
      evaluationMethod: 'comprehensive_scoring',
      subjectType: 'services',
      criteria: criteria(30),
    });
    expectError(negotiation, 400, 'VALIDATION_FAILED');
    expect(negotiation.body.details).toEqual([expect.objectContaining({ field: 'evaluationMethod' })]);
    expect(await snapshot()).toEqual(before);

    const kind = specialty();
    await createExperts(kind, 5);
    const procurement = await responding('open_tender', {
      evaluationMethod: 'comprehensive_scoring',
      subjectType: 'services',
      criteria: criteria(30),
    });
    const path = `/api/procurements/${procurement.id}`;
    await post(`${path}/committee/draw`, { needs: [{ specialty: kind, count: 5 }] }).expect(201);
    await open(procurement, [500_000_000, 520_000_000, 540_000_000]);
    await post(`${path}/start-evaluation`).expect(200);
    const members = (await get(`${path}/committee`).expect(200)).body.members.map(
      (one: { expertId: string }) => one.expertId,
    ) as string[];
    const [bidA, bidB, bidC] = procurement.bidIds;
    const technical = (a: number, b: number, c: number) => ({
      scores: [
        { bidId: bidA, criterionId: 'technical', score: a },
        { bidId: bidB, criterionId: 'technical', score: b },
        { bidId: bidC, criterionId: 'technical', score: c },
      ],
    });

    before = await snapshot();
    expectError(
      await put(`${path}/evaluation/evaluated-prices`, { prices: [{ bidId: bidA, evaluatedPrice: 1 }] }),
      409,
      'EVALUATION_METHOD_MISMATCH',
    );
    expectError(
      await put(`${path}/evaluation/scores/${MISSING}`, technical(60, 70, 100)),
      404,
      'COMMITTEE_MEMBER_NOT_FOUND',
    );
    expectError(
      await put(`${path}/evaluation/scores/${members[0]}`, {
        scores: [{ bidId: bidA, criterionId: 'price', score: 50 }],
      }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await put(`${path}/evaluation/scores/${members[0]}`, {
        scores: [{ bidId: MISSING, criterionId: 'technical', score: 50 }],
      }),
      404,
      'PROCUREMENT_BID_NOT_FOUND',
    );
    expect(await snapshot()).toEqual(before);

    // Four members score; the report waits for the fifth.
    for (const member of members.slice(0, 4))
      await put(`${path}/evaluation/scores/${member}`, technical(60, 70, 100)).expect(200);
    const incomplete = await post(`${path}/evaluation/report`, { reportSha256: REPORT_SHA });
    expectError(incomplete, 422, 'SCORES_INCOMPLETE');
    expect(incomplete.body.details.missing).toHaveLength(3);
    // The fifth first scores wrongly, then replaces its whole set.
    await put(`${path}/evaluation/scores/${members[4]}`, technical(0, 0, 0)).expect(200);
    const entered = await put(`${path}/evaluation/scores/${members[4]}`, technical(60, 70, 100)).expect(200);
    expect(entered.body.scores).toHaveLength(15);
    expect(entered.body.scores.every((one: { enteredBy: string }) => one.enteredBy === staff.id)).toBe(true);

    // Totals: 30 × lowest / price + 0.7 × technical → c 97.78, b 77.85, a 72.
    const reported = await post(`${path}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    expect(
      reported.body.ranking.map(
        ({ bidId, rank, totalScore }: { bidId: string; rank: number; totalScore: number }) => ({
          bidId,
          rank,
          totalScore,
        }),
      ),
    ).toEqual([
      { bidId: bidC, rank: 1, totalScore: 97.78 },
      { bidId: bidB, rank: 2, totalScore: 77.85 },
      { bidId: bidA, rank: 3, totalScore: 72 },
    ]);
    await post(`${path}/report/deliver`).expect(200);
    await post(`${path}/award-decision`, { bidId: bidC }).expect(200);
    await post(`${path}/result`).expect(200);
    const contracted = await post(`${path}/contract`, {
      signedOn: today,
      contractSha256: CONTRACT_SHA,
    }).expect(200);
    const [deal] = await sql(
      `SELECT subtype, amount::bigint::text AS amount, winner_id FROM deals WHERE id = $1`,
      [contracted.body.dealId],
    );
    expect(deal).toEqual({ subtype: 'open_tender', amount: '540000000', winner_id: suppliers[2].id });
    const stored = await sql(`SELECT count(*)::int AS n FROM procurement_scores WHERE project_id = $1`, [
      procurement.id,
    ]);
    expect(stored[0].n).toBe(15);
  });

  it('answers bad input on every new endpoint with a 4xx and its code, writing nothing', async () => {
    const [a] = suppliers;
    const single = await publicised();
    const objection = await post(
      `/api/procurements/${single}/publicity-objections`,
      { text: '异议' },
      a,
    ).expect(201);
    const tender = await responding('open_tender');
    const ss = `/api/procurements/${single}`;
    const ot = `/api/procurements/${tender.id}`;
    const cases: [string, 'post' | 'put' | 'get', string, TestUser | undefined, unknown, number, string][] = [
      [
        'objection: bad id',
        'post',
        '/api/procurements/not-a-uuid/publicity-objections',
        a,
        { text: 'x' },
        400,
        'INVALID_ID',
      ],
      [
        'objection: unknown project',
        'post',
        `/api/procurements/${MISSING}/publicity-objections`,
        a,
        { text: 'x' },
        404,
        'LISTING_NOT_FOUND',
      ],
      ['objection: no text', 'post', `${ss}/publicity-objections`, a, {}, 400, 'VALIDATION_FAILED'],
      [
        'objection: blank text',
        'post',
        `${ss}/publicity-objections`,
        a,
        { text: '' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'objection: null documents',
        'post',
        `${ss}/publicity-objections`,
        a,
        { text: 'x', documents: null },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'objection: bad document hash',
        'post',
        `${ss}/publicity-objections`,
        a,
        { text: 'x', documents: [{ name: 'a.pdf', sha256: 'x' }] },
        400,
        'VALIDATION_FAILED',
      ],
      ['objection: staff', 'post', `${ss}/publicity-objections`, staff, { text: 'x' }, 403, 'FORBIDDEN'],
      [
        'objection: anonymous',
        'post',
        `${ss}/publicity-objections`,
        undefined,
        { text: 'x' },
        401,
        'UNAUTHENTICATED',
      ],
      [
        'objection: open tender',
        'post',
        `${ot}/publicity-objections`,
        a,
        { text: 'x' },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'reply: bad objection id',
        'post',
        `${ss}/publicity-objections/x/reply`,
        staff,
        { upheld: false, reply: 'x' },
        400,
        'INVALID_ID',
      ],
      [
        'reply: no upheld',
        'post',
        `${ss}/publicity-objections/${objection.body.id}/reply`,
        staff,
        { reply: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'reply: upheld not boolean',
        'post',
        `${ss}/publicity-objections/${objection.body.id}/reply`,
        staff,
        { upheld: 'yes', reply: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'reply: no text',
        'post',
        `${ss}/publicity-objections/${objection.body.id}/reply`,
        staff,
        { upheld: false },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'reply: a supplier',
        'post',
        `${ss}/publicity-objections/${objection.body.id}/reply`,
        a,
        { upheld: false, reply: 'x' },
        403,
        'FORBIDDEN',
      ],
      [
        'reply: another project',
        'post',
        `${ot}/publicity-objections/${objection.body.id}/reply`,
        staff,
        { upheld: false, reply: 'x' },
        404,
        'OBJECTION_NOT_FOUND',
      ],
      [
        'negotiation: bad sha',
        'post',
        `${ss}/negotiation`,
        staff,
        { price: 1, negotiationRecordSha256: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'negotiation: zero price',
        'post',
        `${ss}/negotiation`,
        staff,
        { price: 0, negotiationRecordSha256: RECORD_SHA },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'negotiation: fractional fen',
        'post',
        `${ss}/negotiation`,
        staff,
        { price: 1.5, negotiationRecordSha256: RECORD_SHA },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'negotiation: not evaluating',
        'post',
        `${ss}/negotiation`,
        staff,
        { price: 1, negotiationRecordSha256: RECORD_SHA },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'negotiation: open tender',
        'post',
        `${ot}/negotiation`,
        staff,
        { price: 1, negotiationRecordSha256: RECORD_SHA },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'negotiation: a supplier',
        'post',
        `${ss}/negotiation`,
        a,
        { price: 1, negotiationRecordSha256: RECORD_SHA },
        403,
        'FORBIDDEN',
      ],
      ['scores: bad member id', 'put', `${ot}/evaluation/scores/x`, staff, { scores: [] }, 400, 'INVALID_ID'],
      [
        'scores: empty',
        'put',
        `${ot}/evaluation/scores/${MISSING}`,
        staff,
        { scores: [] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'scores: three decimals',
        'put',
        `${ot}/evaluation/scores/${MISSING}`,
        staff,
        { scores: [{ bidId: MISSING, criterionId: 'technical', score: 50.125 }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'scores: not evaluating',
        'put',
        `${ot}/evaluation/scores/${MISSING}`,
        staff,
        { scores: [{ bidId: MISSING, criterionId: 'technical', score: 50 }] },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['call-off: no body', 'post', `${ot}/call-offs`, staff, {}, 400, 'VALIDATION_FAILED'],
      [
        'call-off: zero amount',
        'post',
        `${ot}/call-offs`,
        staff,
        { supplier: a.id, amount: 0, orderedOn: today, title: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'call-off: bad day',
        'post',
        `${ot}/call-offs`,
        staff,
        { supplier: a.id, amount: 1, orderedOn: '2026-02-30', title: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'call-off: supplier not an id',
        'post',
        `${ot}/call-offs`,
        staff,
        { supplier: 'abc', amount: 1, orderedOn: today, title: 'x' },
        400,
        'INVALID_ID',
      ],
      [
        'call-off: null hash',
        'post',
        `${ot}/call-offs`,
        staff,
        { supplier: a.id, amount: 1, orderedOn: today, title: 'x', contractSha256: null },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'call-off: not a framework',
        'post',
        `${ot}/call-offs`,
        staff,
        { supplier: a.id, amount: 1, orderedOn: today, title: 'x' },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'call-off: a supplier',
        'post',
        `${ot}/call-offs`,
        a,
        { supplier: a.id, amount: 1, orderedOn: today, title: 'x' },
        403,
        'FORBIDDEN',
      ],
      [
        'call-offs: not a framework',
        'get',
        `${ot}/call-offs`,
        undefined,
        undefined,
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'call-offs: unknown',
        'get',
        `/api/procurements/${MISSING}/call-offs`,
        undefined,
        undefined,
        404,
        'LISTING_NOT_FOUND',
      ],
      ['close: not a framework', 'post', `${ot}/close`, staff, {}, 409, 'INVALID_STATE_TRANSITION'],
      ['close: a supplier', 'post', `${ot}/close`, a, {}, 403, 'FORBIDDEN'],
      [
        'create: scoring without criteria',
        'post',
        '/api/procurements',
        staff,
        {
          ...base(),
          method: 'open_tender',
          ...(await openTenderSchedule()),
          evaluationMethod: 'comprehensive_scoring',
          subjectType: 'goods',
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: unknown evaluation method',
        'post',
        '/api/procurements',
        staff,
        { ...base(), method: 'open_tender', ...(await openTenderSchedule()), evaluationMethod: 'lowest' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: one admitted',
        'post',
        '/api/procurements',
        staff,
        {
          ...base(),
          method: 'framework_agreement',
          ...(await openTenderSchedule()),
          ...frameworkTerms(),
          admittedSuppliers: 1,
        },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: term before the deadline',
        'post',
        '/api/procurements',
        staff,
        {
          ...base(),
          method: 'framework_agreement',
          ...(await openTenderSchedule()),
          ...frameworkTerms(),
          termStartsOn: today,
        },
        400,
        'VALIDATION_FAILED',
      ],
    ];
    const before = await snapshot();
    for (const [name, method, path, user, body, status, code] of cases) {
      const call = as(user)(request(api.url)[method](path));
      const response = body === undefined ? await call : await call.send(body as object);
      try {
        expectError(response, status, code);
      } catch (error) {
        throw new Error(`${name}: ${String(error)}`, { cause: error });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('describes every new endpoint in the OpenAPI document', async () => {
    const paths = (await request(api.url).get('/docs-json').expect(200)).body.paths as Record<string, object>;
    for (const [path, method] of [
      ['/api/procurements/{id}/publicity-objections', 'post'],
      ['/api/procurements/{id}/publicity-objections/{objectionId}/reply', 'post'],
      ['/api/procurements/{id}/negotiation', 'post'],
      ['/api/procurements/{id}/evaluation/scores/{memberId}', 'put'],
      ['/api/procurements/{id}/call-offs', 'post'],
      ['/api/procurements/{id}/call-offs', 'get'],
      ['/api/procurements/{id}/close', 'post'],
      ['/api/procurements/{id}/replan', 'post'],
    ])
      expect(paths[path]).toHaveProperty(method);
  });

  it('refuses a call-off ordered after the agreement’s term, writing nothing', async () => {
    const [a] = suppliers;
    const kind = specialty();
    await createExperts(kind, 5);
    const procurement = await responding('framework_agreement', frameworkTerms());
    const path = `/api/procurements/${procurement.id}`;
    await post(`${path}/committee/draw`, { needs: [{ specialty: kind, count: 5 }] }).expect(201);
    await open(procurement, [500_000_000, 520_000_000, 540_000_000]);
    await post(`${path}/start-evaluation`).expect(200);
    await post(`${path}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    await post(`${path}/report/deliver`).expect(200);
    await post(`${path}/award-decision`, { bidId: procurement.bidIds[0] }).expect(200);
    await post(`${path}/result`).expect(200);
    await post(`${path}/contract`, { signedOn: today, contractSha256: CONTRACT_SHA }).expect(200);
    // The agreement signed a month ago and its term run out yesterday (in SQL): clamped to its
    // last day the order would fit, but it was placed today.
    await sql(
      `UPDATE procurement_projects SET term_starts_on = $2::date - 30, term_ends_on = $2::date - 1 WHERE id = $1`,
      [procurement.id, today],
    );
    await sql(`UPDATE procurement_evaluations SET contract_signed_on = $2::date - 30 WHERE project_id = $1`, [
      procurement.id,
      today,
    ]);
    const before = await snapshot();
    const afterTerm = await post(`${path}/call-offs`, {
      supplier: a.id,
      amount: 12_000_000,
      orderedOn: today,
      title: '期满后的订单',
    });
    expectError(afterTerm, 422, 'CALL_OFF_OUTSIDE_TERM');
    expect(afterTerm.body.details).toEqual({
      orderedOn: today,
      termStartsOn: addCalendarDays(today, -30),
      termEndsOn: addCalendarDays(today, -1),
    });
    expect(await snapshot()).toEqual(before);
  });

  it('records an objection answered after its due day as late', async () => {
    const [a] = suppliers;
    const id = await publicised();
    const path = `/api/procurements/${id}`;
    const filed = await post(`${path}/publicity-objections`, { text: '采购需求可由多家满足' }, a).expect(201);
    // Filed 20 days ago (in SQL), due 2 days ago: the answer today is late.
    await sql(
      `UPDATE procurement_publicity_objections SET filed_on = $2::date - 20, answer_due_on = $2::date - 2 WHERE id = $1`,
      [filed.body.id, today],
    );
    const answered = await post(`${path}/publicity-objections/${filed.body.id}/reply`, {
      upheld: false,
      reply: '经论证异议不成立',
    }).expect(200);
    expect(answered.body.objection.answer).toEqual({
      upheld: false,
      reply: '经论证异议不成立',
      answeredOn: today,
      late: true,
    });
    expect((await get(path, null).expect(200)).body.objections[0].answer.late).toBe(true);
    const [recorded] = await sql(
      `SELECT payload::jsonb -> 'data' ->> 'late' AS late FROM audit_log
       WHERE entity_id = $1 AND action = 'procurement.objection_answered'`,
      [id],
    );
    expect(recorded).toEqual({ late: 'true' });
  });

  describe('re-planning a failed procurement (重新组织采购)', () => {
    const replan = (id: string, body: unknown = {}, user: TestUser | null = staff) =>
      post(`/api/procurements/${id}/replan`, body, user);
    const patch = (id: string, body: unknown) =>
      as(staff)(request(api.url).patch(`/api/procurements/${id}`)).send(body as object);

    /** An open tender announced with its documents due tomorrow, failed by staff (废标, e.g. too few to invite). */
    async function failedWhenAnnounced() {
      const tomorrow = addCalendarDays(today, 1);
      const created = await post('/api/procurements', {
        ...base(),
        method: 'open_tender',
        documentsIssuedOn: tomorrow,
        documentsAvailableUntil: await businessDaysAfter(tomorrow, 5),
        deadlineOn: addCalendarDays(tomorrow, 20),
      }).expect(201);
      const id = created.body.id as string;
      await post(`/api/procurements/${id}/announce`).expect(200);
      await post(`/api/procurements/${id}/fail`, { reason: '投标截止后供应商不足三家' }).expect(200);
      return id;
    }

    /** An open tender whose opening found two responses of the three qualified: 废标. */
    async function failedAtOpening() {
      const project = await responding('open_tender');
      for (const supplier of suppliers.slice(0, 2))
        await put(
          `/api/procurements/${project.id}/response`,
          { price: 700_000_000, documents: [{ name: '响应文件.pdf', sha256: SHA }] },
          supplier,
        ).expect(200);
      await sql(
        `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
        [project.id],
      );
      await waitFor(async () => (await statusOf(project.id)) === 'failed' || undefined, 60_000, 'failed');
      return project.id;
    }

    it('re-plans a failed open tender once, as a new planned project that names it; the failure keeps its evidence', async () => {
      const id = await failedAtOpening();
      const opening = (await get(`/api/procurements/${id}/opening-record`, null).expect(200)).body;
      const registrations = await sql(`SELECT id FROM registrations WHERE host_id = $1 ORDER BY id`, [id]);

      // Two staff sessions ask at once: one successor.
      const calls = await Promise.all([replan(id), replan(id)]);
      expect(calls.map((call) => call.status).sort()).toEqual([201, 409]);
      const created = calls.find((call) => call.status === 201)!.body;
      const refused = expectError(
        calls.find((call) => call.status === 409)!,
        409,
        'PROCUREMENT_ALREADY_REPLANNED',
      );
      expect(refused.details).toEqual({ nextRoundId: created.id });
      expect(await sql(`SELECT id FROM procurement_projects WHERE previous_round_id = $1`, [id])).toEqual([
        { id: created.id },
      ]);
      const failed = (await get(`/api/procurements/${id}`).expect(200)).body;
      expect(failed).toMatchObject({
        status: 'replanned',
        round: 1,
        previousRoundId: null,
        nextRoundId: created.id,
      });
      expect(created).toMatchObject({
        status: 'planned',
        method: 'open_tender',
        round: 2,
        previousRoundId: id,
        replanApprovalReference: null,
        title: failed.title,
        purchaserOrgCode: failed.purchaserOrgCode,
        budget: failed.budget,
        deposit: failed.deposit,
        documents: failed.documents,
        registrations: 0,
      });
      expect(created.code).not.toBe(failed.code);
      // A draft successor is not shown to the public, nor the link to it.
      expect((await get(`/api/procurements/${id}`, null).expect(200)).body.nextRoundId).toBeNull();
      expectError(await get(`/api/procurements/${created.id}`, null), 404, 'LISTING_NOT_FOUND');

      // The failure's evidence is untouched.
      expect((await get(`/api/procurements/${id}/opening-record`, null).expect(200)).body).toEqual(opening);
      expect(await sql(`SELECT id FROM registrations WHERE host_id = $1 ORDER BY id`, [id])).toEqual(
        registrations,
      );

      // The method was decided at the re-plan; new dates are edited and the round announced.
      const before = await snapshot();
      const fixed = expectError(
        await patch(created.id, { method: 'competitive_negotiation' }),
        409,
        'METHOD_SET_BY_REPLAN',
      );
      expect(fixed.details).toEqual({ method: 'open_tender', previousRoundId: id });
      expect(await snapshot()).toEqual(before);
      await patch(created.id, await openTenderSchedule()).expect(200);
      await post(`/api/procurements/${created.id}/announce`).expect(200);
      expect((await get(`/api/procurements/${created.id}`, null).expect(200)).body).toMatchObject({
        round: 2,
        previousRoundId: id,
        status: 'responding',
      });
      expect((await get(`/api/procurements/${id}`, null).expect(200)).body.nextRoundId).toBe(created.id);
      const [audit] = await sql(
        `SELECT payload::jsonb -> 'data' AS data FROM audit_log WHERE entity_id = $1 AND action = 'procurement.replan'`,
        [id],
      );
      expect(audit.data).toMatchObject({
        from: 'failed',
        to: 'replanned',
        method: { from: 'open_tender', to: 'open_tender' },
        nextRoundId: created.id,
      });
    });

    it('changes the method only with the approval recorded: an open tender re-planned as a negotiation', async () => {
      const project = { id: await failedWhenAnnounced() };
      const before = await snapshot();
      const unapproved = expectError(
        await replan(project.id, { method: 'competitive_negotiation' }),
        422,
        'METHOD_CHANGE_NEEDS_APPROVAL',
      );
      expect(unapproved.details).toEqual({ from: 'open_tender', to: 'competitive_negotiation' });
      expect(await snapshot()).toEqual(before);

      // Negotiation's own period: 3 business days to the responses (RESPONSE_PERIOD_TOO_SHORT before).
      const negotiation = (deadlineOn: string) => ({
        method: 'competitive_negotiation',
        approvalReference: '东财采〔2026〕12号',
        documentsIssuedOn: today,
        deadlineOn,
      });
      expectError(
        await replan(project.id, negotiation(await businessDaysAfter(today, 2))),
        422,
        'RESPONSE_PERIOD_TOO_SHORT',
      );
      expect(await snapshot()).toEqual(before);
      const created = (await replan(project.id, negotiation(await businessDaysAfter(today, 3))).expect(201))
        .body;
      expect(created).toMatchObject({
        method: 'competitive_negotiation',
        status: 'planned',
        round: 2,
        replanApprovalReference: '东财采〔2026〕12号',
        // Negotiation has no documents on offer: the open tender's availability is dropped.
        documentsAvailableUntil: null,
        deadlineOn: await businessDaysAfter(today, 3),
      });
      await post(`/api/procurements/${created.id}/announce`).expect(200);
      expect((await get(`/api/procurements/${created.id}`, null).expect(200)).body).toMatchObject({
        method: 'competitive_negotiation',
        status: 'responding',
        replanApprovalReference: '东财采〔2026〕12号',
        previousRoundId: project.id,
      });
    });

    it('refuses single source again after its objection was upheld; another method is planned', async () => {
      const [a] = suppliers;
      const id = await publicised();
      const objection = await post(
        `/api/procurements/${id}/publicity-objections`,
        { text: '另有厂商' },
        a,
      ).expect(201);
      await post(`/api/procurements/${id}/publicity-objections/${objection.body.id}/reply`, {
        upheld: true,
        reply: '异议成立',
      }).expect(200);
      const before = await snapshot();
      for (const body of [{}, { method: 'single_source', approvalReference: '东财采〔2026〕13号' }])
        expectError(await replan(id, body), 422, 'SINGLE_SOURCE_NOT_ALLOWED');
      expect(await snapshot()).toEqual(before);
      // Another method brings its own schedule: without it the open tender's dates are missing.
      expectError(
        await replan(id, { method: 'open_tender', approvalReference: '东财采〔2026〕14号' }),
        400,
        'VALIDATION_FAILED',
      );
      expect(await snapshot()).toEqual(before);
      const schedule = await openTenderSchedule();
      const created = (
        await replan(id, {
          method: 'open_tender',
          approvalReference: '东财采〔2026〕14号',
          ...schedule,
        }).expect(201)
      ).body;
      expect(created).toMatchObject({
        method: 'open_tender',
        singleSourceSupplier: null,
        publicityStartsOn: null,
        ...schedule,
      });
      await post(`/api/procurements/${created.id}/announce`).expect(200);
    });

    it('answers bad input on the re-plan with a 4xx and its code, writing nothing', async () => {
      const [a] = suppliers;
      const live = await responding('open_tender');
      const failed = { id: await failedWhenAnnounced() };
      const draft = (
        await post('/api/procurements', {
          ...base(),
          method: 'open_tender',
          ...(await openTenderSchedule()),
        }).expect(201)
      ).body.id as string;
      const cases: [string, string, TestUser | null, unknown, number, string][] = [
        ['anonymous', failed.id, null, {}, 401, 'UNAUTHENTICATED'],
        ['a supplier', failed.id, a, {}, 403, 'FORBIDDEN'],
        ['a supervisor', failed.id, supervisor, {}, 403, 'FORBIDDEN'],
        ['not failed', live.id, staff, {}, 409, 'INVALID_STATE_TRANSITION'],
        ['a draft', draft, staff, {}, 409, 'INVALID_STATE_TRANSITION'],
        ['no such project', MISSING, staff, {}, 404, 'LISTING_NOT_FOUND'],
        ['bad id', 'not-a-uuid', staff, {}, 400, 'INVALID_ID'],
        ['unknown method', failed.id, staff, { method: 'auction' }, 400, 'VALIDATION_FAILED'],
        ['null method', failed.id, staff, { method: null }, 400, 'VALIDATION_FAILED'],
        [
          'blank approval',
          failed.id,
          staff,
          { method: 'request_for_quotation', approvalReference: ' \t' },
          400,
          'VALIDATION_FAILED',
        ],
        ['approval not text', failed.id, staff, { approvalReference: 12 }, 400, 'VALIDATION_FAILED'],
        [
          'approval too long',
          failed.id,
          staff,
          { approvalReference: '号'.repeat(201) },
          400,
          'VALIDATION_FAILED',
        ],
        ['unknown field', failed.id, staff, { round: 7 }, 400, 'VALIDATION_FAILED'],
        ['a deposit above 2%', failed.id, staff, { deposit: BUDGET }, 422, 'DEPOSIT_ABOVE_LIMIT'],
        [
          'a schedule in the past',
          failed.id,
          staff,
          { documentsIssuedOn: yesterday },
          422,
          'SCHEDULE_IN_PAST',
        ],
      ];
      const before = await snapshot();
      for (const [name, id, user, body, status, code] of cases) {
        try {
          expectError(await replan(id, body, user), status, code);
        } catch (error) {
          throw new Error(`${name}: ${String(error)}`, { cause: error });
        }
      }
      expect(await snapshot()).toEqual(before);
    });
  });
});
