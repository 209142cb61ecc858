import { randomBytes } from 'node:crypto';
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
const REPORT_SHA = 'a'.repeat(64);
const CONTRACT_SHA = 'b'.repeat(64);
const MISSING = '00000000-0000-4000-8000-000000000000';

type Method = 'open_tender' | 'competitive_negotiation';

/**
 * Government procurement from its committee to its contract on the real platform (PostgreSQL,
 * Redis, the worker opening the responses and watching the contracts): the committee hidden
 * until the opening, the committee's entries and report (废标 below the method's minimum), the
 * report's delivery, the purchaser's decision (the ranking followed; after 5 business days only
 * the first), the result notice and the contract with its deal — each deposit due on its
 * business day, every refusal with its own code and nothing written.
 */
describe('a procurement from the committee to the contract (评审 → 确定成交 → 结果公告 → 合同)', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let suppliers: TestUser[];
  let today: string;
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
  /** Business days as the platform's calendar counts them (read back from it). */
  const businessDaysAfter = async (from: string, businessDays: number) =>
    (await request(api.url).get('/api/calendar/deadline').query({ from, businessDays }).expect(200)).body
      .date as string;

  interface Procurement {
    id: string;
    purchaserCode: string;
    supplierCodes: string[];
    /** Each responding supplier's bid id, in the order of `suppliers`. */
    bidIds: string[];
  }

  async function createExperts(kind: string, count: number, employers: string[] = []) {
    for (let index = 0; index < count; index += 1)
      await post('/api/experts', {
        name: `专家${index}`,
        employerName: '某研究院',
        employerOrgCode: employers[index] ?? orgCode(),
        specialties: [kind],
      }).expect(201);
  }

  /** A procurement of `method` responding today, the three suppliers qualified (deposits received). */
  async function responding(method: Method): Promise<Procurement> {
    const schedule =
      method === 'open_tender'
        ? {
            documentsIssuedOn: today,
            documentsAvailableUntil: await businessDaysAfter(today, 5),
            deadlineOn: addCalendarDays(today, 20),
          }
        : { documentsIssuedOn: today, deadlineOn: await businessDaysAfter(today, 3) };
    const purchaserCode = orgCode();
    const created = await post('/api/procurements', {
      method,
      title: '东湖区政务云服务采购',
      purchaserName: '南昌市东湖区数据局',
      purchaserOrgCode: purchaserCode,
      description: '政务云资源租用一年',
      budget: 800_000_000,
      deposit: 10_000_000,
      documents: [{ name: '采购文件.pdf', sha256: SHA }],
      ...schedule,
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/procurements/${id}/announce`).expect(200);
    const supplierCodes = suppliers.map(() => orgCode());
    for (const [index, supplier] of suppliers.entries()) {
      const applied = await post(
        `/api/procurements/${id}/registrations`,
        { organizationCode: supplierCodes[index] },
        supplier,
      ).expect(201);
      await post(`/api/procurements/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
      }).expect(200);
    }
    return { id, purchaserCode, supplierCodes, bidIds: [] };
  }

  /** Each supplier responds with its price; the deadline passes; the worker opens the responses. */
  async function open(procurement: Procurement, prices: number[]) {
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
    await waitFor(async () => (await statusOf(procurement.id)) === 'opened' || undefined, 15_000, 'opened');
  }

  const draw = (procurement: Procurement, kind: string, count: number) =>
    post(`/api/procurements/${procurement.id}/committee/draw`, { needs: [{ specialty: kind, count }] });

  /** Drawn, opened, evaluated by the quoted prices and reported: ranked a, b, c by price. */
  async function reported(method: Method, prices = [500_000_000, 520_000_000, 540_000_000]) {
    const kind = specialty();
    const members = method === 'open_tender' ? 5 : 3;
    await createExperts(kind, members);
    const procurement = await responding(method);
    await draw(procurement, kind, members).expect(201);
    await open(procurement, prices);
    await post(`/api/procurements/${procurement.id}/start-evaluation`).expect(200);
    await post(`/api/procurements/${procurement.id}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(
      200,
    );
    return procurement;
  }

  const depositsOf = (procurement: Procurement) =>
    sql(
      `SELECT bidder_id AS "bidderId", refund_due_on::text AS "refundDueOn" FROM deposits
       WHERE host_type = 'procurement_project' AND host_id = $1`,
      [procurement.id],
    ) as Promise<{ bidderId: string; refundDueOn: string | null }[]>;
  const names = async () =>
    new Map(
      (
        await sql(`SELECT id, display_name AS name FROM users WHERE id = ANY($1)`, [
          suppliers.map((supplier) => supplier.id),
        ])
      ).map((row) => [row.id as string, row.name as string]),
    );
  const isWeekday = (day: string) => ![0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    [staff, supervisor] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
    ]);
    suppliers = await Promise.all([0, 1, 2].map(() => registerBidder(api.url)));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('runs an open tender from the hidden committee to the contract, its deal and the deposits on their business days', async () => {
    const [a, b] = suppliers;
    const kind = specialty();
    const procurement = await responding('open_tender');
    const base = `/api/procurements/${procurement.id}`;
    // Seven experts: one works for the purchaser, one for a supplier; the other five sit.
    await createExperts(kind, 7, [procurement.purchaserCode, procurement.supplierCodes[1]]);
    const drawn = await draw(procurement, kind, 5).expect(201);
    expect(drawn.body).toMatchObject({ projectId: procurement.id, members: 5, experts: 5 });
    // An open tender under 1000万 needs 5: three are refused by the committee's rule.
    expectError(await draw(procurement, kind, 3), 422, 'COMMITTEE_TOO_SMALL');

    // Before the opening: supervisors only; nobody else reads who sits.
    expectError(await get(`${base}/committee`), 403, 'COMMITTEE_SEALED_UNTIL_OPENING');
    expectError(await get(`${base}/evaluation`), 403, 'COMMITTEE_SEALED_UNTIL_OPENING');
    expectError(await get(`${base}/committee`, a), 403, 'FORBIDDEN');
    expectError(await get(`${base}/committee`, null), 401, 'UNAUTHENTICATED');
    const committee = (await get(`${base}/committee`, supervisor).expect(200)).body;
    const memberIds = committee.members.map((member: { expertId: string }) => member.expertId) as string[];
    expect(memberIds).toHaveLength(5);
    for (const [path, user] of [
      [base, null],
      [base, staff],
      [base, a],
      ['/api/procurements', null],
      [`/api/audit?entityId=${procurement.id}&limit=500`, supervisor],
    ] as const) {
      const text = (await get(path, user)).text;
      for (const memberId of memberIds) expect(text).not.toContain(memberId);
    }

    // a 5 200 000.00, b 5 000 000.00, c 5 100 000.00 yuan; c's evaluated price is adjusted below b's.
    await open(procurement, [520_000_000, 500_000_000, 510_000_000]);
    expect((await get(`${base}/committee`).expect(200)).body.members).toHaveLength(5);
    const started = await post(`${base}/start-evaluation`).expect(200);
    expect(started.body.committeeDrawId).toBe(drawn.body.drawId);
    expect(await statusOf(procurement.id)).toBe('evaluating');
    await put(`${base}/evaluation/evaluated-prices`, {
      prices: [{ bidId: procurement.bidIds[2], evaluatedPrice: 495_000_000, note: '价格扣除(小微企业)' }],
    }).expect(200);
    const report = await post(`${base}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    expect(report.body).toMatchObject({
      outcome: 'ranked',
      reportDueOn: await businessDaysAfter(today, 2),
      candidates: [
        { bidId: procurement.bidIds[2], rank: 1, price: 510_000_000, evaluatedPrice: 495_000_000 },
        { bidId: procurement.bidIds[1], rank: 2, evaluatedPrice: 500_000_000 },
        { bidId: procurement.bidIds[0], rank: 3, evaluatedPrice: 520_000_000 },
      ],
    });
    expectError(
      await post(`${base}/evaluation/report`, { reportSha256: REPORT_SHA }),
      409,
      'EVALUATION_ALREADY_REPORTED',
    );
    // The purchaser decides only once the report is delivered.
    expectError(
      await post(`${base}/award-decision`, { bidId: procurement.bidIds[2] }),
      409,
      'INVALID_STATE_TRANSITION',
    );
    const delivered = await post(`${base}/report/deliver`).expect(200);
    expect(delivered.body.report).toMatchObject({ deliveredOn: today, deliveredLate: false });
    expect(delivered.body.decision).toEqual({
      bidId: null,
      decisionDueOn: await businessDaysAfter(today, 5),
    });

    // The ranking is followed: the second candidate is refused while the decision is in time.
    const second = expectError(
      await post(`${base}/award-decision`, { bidId: procurement.bidIds[1], reason: '第一名业绩更好' }),
      422,
      'AWARD_NOT_FIRST_CANDIDATE',
    );
    expect(second.details).toMatchObject({ firstCandidateBidId: procurement.bidIds[2] });
    expectError(await post(`${base}/award-decision`, { bidId: MISSING }), 422, 'AWARD_NOT_A_CANDIDATE');
    const decided = await post(`${base}/award-decision`, { bidId: procurement.bidIds[2] }).expect(200);
    expect(decided.body.decision).toMatchObject({ bidId: procurement.bidIds[2], decidedOn: today });
    expect(await statusOf(procurement.id)).toBe('award_decided');
    expectError(
      await post(`${base}/contract`, { signedOn: today, contractSha256: CONTRACT_SHA }),
      409,
      'INVALID_STATE_TRANSITION',
    );

    // The result: every other supplier's deposit due 5 business days after the notice, the winner's held.
    const losersDueOn = await businessDaysAfter(today, 5);
    expect(isWeekday(losersDueOn)).toBe(true);
    const announced = await post(`${base}/result`).expect(200);
    expect(announced.body).toMatchObject({
      losersRefundDueOn: losersDueOn,
      result: { noticeOn: today, contractDueOn: addCalendarDays(today, 30) },
    });
    expect(await statusOf(procurement.id)).toBe('awarded');
    const winnerId = suppliers[2].id;
    for (const deposit of await depositsOf(procurement))
      expect(deposit.refundDueOn).toBe(deposit.bidderId === winnerId ? null : losersDueOn);

    expectError(
      await post(`${base}/contract`, { signedOn: addCalendarDays(today, 1), contractSha256: CONTRACT_SHA }),
      422,
      'CONTRACT_SIGNED_IN_FUTURE',
    );
    const contracted = await post(`${base}/contract`, {
      signedOn: today,
      contractSha256: CONTRACT_SHA,
    }).expect(200);
    expect(contracted.body).toMatchObject({
      contract: { signedOn: today, contractSha256: CONTRACT_SHA, dealId: contracted.body.dealId },
      winnerRefundDueOn: await businessDaysAfter(today, 5),
    });
    expect(await statusOf(procurement.id)).toBe('contracted');
    for (const deposit of await depositsOf(procurement))
      expect(deposit.refundDueOn).toBe(await businessDaysAfter(today, 5));

    const nameOf = await names();
    const [deal] = await sql(
      `SELECT id, category, subtype, source_type, source_id, title, amount::bigint::text AS amount, winner_id,
              winner_name FROM deals WHERE source_type = 'procurement_award' AND source_id = $1`,
      [procurement.id],
    );
    expect(deal).toEqual({
      id: contracted.body.dealId,
      category: 'procurement',
      subtype: 'open_tender',
      source_type: 'procurement_award',
      source_id: procurement.id,
      title: '东湖区政务云服务采购',
      amount: '510000000',
      winner_id: winnerId,
      winner_name: nameOf.get(winnerId),
    });
    const built = await buildReport(api.url, staff, { from: today, to: today });
    const category = built.result!.categories.find((one) => one.category === 'procurement')!;
    const openTender = category.subtypes.find((one) => one.subtype === 'open_tender')!;
    expect(openTender.count).toBeGreaterThanOrEqual(1);
    expect(openTender.amount).toBeGreaterThanOrEqual(510_000_000);

    const trail = await sql(
      `SELECT action FROM audit_log WHERE entity_id = $1 AND action LIKE 'procurement.%' ORDER BY seq`,
      [procurement.id],
    );
    expect(trail.map((row) => row.action)).toEqual(
      expect.arrayContaining([
        'procurement.committee_drawn',
        'procurement.start_evaluation',
        'procurement.evaluated_prices_entered',
        'procurement.evaluation_reported',
        'procurement.deliver_report',
        'procurement.decide_award',
        'procurement.announce_result',
        'procurement.sign_contract',
      ]),
    );
    void b;
  });

  it('runs a competitive negotiation (a committee of 3) from the opening to the contract and its deal', async () => {
    const procurement = await reported('competitive_negotiation');
    const base = `/api/procurements/${procurement.id}`;
    const committee = (await get(`${base}/committee`).expect(200)).body;
    expect(committee.members).toHaveLength(3);
    await post(`${base}/report/deliver`).expect(200);
    await post(`${base}/award-decision`, { bidId: procurement.bidIds[0] }).expect(200);
    await post(`${base}/result`).expect(200);
    await post(`${base}/contract`, { signedOn: today, contractSha256: CONTRACT_SHA }).expect(200);
    expect(await statusOf(procurement.id)).toBe('contracted');
    const [deal] = await sql(
      `SELECT subtype, amount::bigint::text AS amount, winner_id FROM deals
       WHERE source_type = 'procurement_award' AND source_id = $1`,
      [procurement.id],
    );
    expect(deal).toEqual({ subtype: 'negotiation', amount: '500000000', winner_id: suppliers[0].id });
  });

  it('fails (废标) when rejections leave fewer responsive suppliers than the method needs, deposits due; a late report delivery is taken and recorded', async () => {
    const kind = specialty();
    await createExperts(kind, 3);
    const procurement = await responding('competitive_negotiation');
    const base = `/api/procurements/${procurement.id}`;
    await open(procurement, [300_000_000, 310_000_000, 320_000_000]);
    expectError(await post(`${base}/start-evaluation`), 422, 'COMMITTEE_NOT_DRAWN');
    // Drawn after the opening, before the evaluation: still allowed.
    await draw(procurement, kind, 3).expect(201);
    await post(`${base}/start-evaluation`).expect(200);
    await post(`${base}/evaluation/rejections`, {
      bidId: procurement.bidIds[0],
      reason: '未按要求提供资格证明',
    }).expect(201);
    expectError(
      await post(`${base}/evaluation/rejections`, { bidId: procurement.bidIds[0], reason: '再次' }),
      409,
      'BID_ALREADY_REJECTED',
    );
    const report = await post(`${base}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
    expect(report.body).toMatchObject({ outcome: 'failed', reason: '响应供应商不足3家,依法废标' });
    expect((await get(base).expect(200)).body).toMatchObject({
      status: 'failed',
      failedReason: '响应供应商不足3家,依法废标',
    });
    const deposits = await depositsOf(procurement);
    expect(deposits).toHaveLength(3);
    for (const deposit of deposits) expect(deposit.refundDueOn).not.toBeNull();
    expectError(await post(`${base}/report/deliver`), 409, 'INVALID_STATE_TRANSITION');

    // Late delivery (the report was due 2 business days after an evaluation long ago): taken, recorded.
    const late = await reported('competitive_negotiation');
    await sql(`UPDATE procurement_evaluations SET report_due_on = $2::date - 1 WHERE project_id = $1`, [
      late.id,
      today,
    ]);
    const delivered = await post(`/api/procurements/${late.id}/report/deliver`).expect(200);
    expect(delivered.body.report).toMatchObject({ deliveredOn: today, deliveredLate: true });
    const [alert] = await sql(
      `SELECT payload FROM audit_log WHERE entity_id = $1 AND action = 'procurement.report_delivered_late'`,
      [late.id],
    );
    expect(JSON.parse(alert.payload as string)).toMatchObject({
      data: { deliveredOn: today, reportDueOn: addCalendarDays(today, -1) },
    });
  });

  it('after 5 business days lets the purchaser choose only the first candidate (AWARD_DECISION_OVERDUE), across the business-day boundary', async () => {
    const procurement = await reported('open_tender');
    const base = `/api/procurements/${procurement.id}`;
    await post(`${base}/report/deliver`).expect(200);
    // The latest delivery day whose 5 business days ended before today, and the day after it.
    let lateDay = addCalendarDays(today, -1);
    while ((await businessDaysAfter(lateDay, 5)) >= today) lateDay = addCalendarDays(lateDay, -1);
    const inTimeDay = addCalendarDays(lateDay, 1);
    const lateDueOn = await businessDaysAfter(lateDay, 5);
    expect((await businessDaysAfter(inTimeDay, 5)) >= today).toBe(true);
    const deliveredOn = (day: string) =>
      sql(`UPDATE procurement_evaluations SET delivered_on = $2 WHERE project_id = $1`, [
        procurement.id,
        day,
      ]);

    await deliveredOn(inTimeDay);
    expectError(
      await post(`${base}/award-decision`, { bidId: procurement.bidIds[1] }),
      422,
      'AWARD_NOT_FIRST_CANDIDATE',
    );
    await deliveredOn(lateDay);
    const overdue = expectError(
      await post(`${base}/award-decision`, { bidId: procurement.bidIds[1], reason: '第一名放弃' }),
      422,
      'AWARD_DECISION_OVERDUE',
    );
    expect(overdue.details).toMatchObject({ decisionDueOn: lateDueOn, chosenRank: 2 });
    // More than 5 calendar days ago when a weekend lies between: business days, not days, count.
    expect(lateDay < addCalendarDays(today, -5)).toBe(true);
    await post(`${base}/award-decision`, { bidId: procurement.bidIds[0] }).expect(200);
    expect(await statusOf(procurement.id)).toBe('award_decided');
  });

  it('takes the contract on day 30 after the notice and refuses it on day 31; the worker alerts once', async () => {
    const procurement = await reported('competitive_negotiation');
    const base = `/api/procurements/${procurement.id}`;
    await post(`${base}/report/deliver`).expect(200);
    await post(`${base}/award-decision`, { bidId: procurement.bidIds[0] }).expect(200);
    await post(`${base}/result`).expect(200);
    const noticeDaysAgo = (days: number) =>
      sql(
        `UPDATE procurement_evaluations SET award_notice_on = $2::date - $3::int,
           contract_due_on = $2::date - $3::int + 30 WHERE project_id = $1`,
        [procurement.id, today, days],
      );
    await noticeDaysAgo(31);
    const refused = expectError(
      await post(`${base}/contract`, { signedOn: today, contractSha256: CONTRACT_SHA }),
      422,
      'CONTRACT_DEADLINE_PASSED',
    );
    expect(refused.details).toMatchObject({ dueOn: addCalendarDays(today, -1) });
    await waitFor(
      async () =>
        (
          await sql(
            `SELECT 1 FROM audit_log WHERE entity_id = $1 AND action = 'procurement.contract_overdue'`,
            [procurement.id],
          )
        ).length === 1 || undefined,
      15_000,
      'the overdue contract alert',
    );
    expect(await statusOf(procurement.id)).toBe('awarded');
    await noticeDaysAgo(30);
    await post(`${base}/contract`, { signedOn: today, contractSha256: CONTRACT_SHA }).expect(200);
    expect(
      await sql(`SELECT 1 FROM audit_log WHERE entity_id = $1 AND action = 'procurement.contract_overdue'`, [
        procurement.id,
      ]),
    ).toHaveLength(1);
  });

  it('answers bad input on every new endpoint with a 4xx and its code, writing nothing', async () => {
    const kind = specialty();
    await createExperts(kind, 5);
    const announced = await responding('open_tender');
    const procurement = await reported('competitive_negotiation');
    const [bidder] = suppliers;
    const base = `/api/procurements/${procurement.id}`;
    const early = `/api/procurements/${announced.id}`;
    type Case = [string, 'get' | 'post' | 'put', string, TestUser | undefined, unknown, number, string];
    const cases: Case[] = [
      ['draw: anonymous', 'post', `${early}/committee/draw`, undefined, {}, 401, 'UNAUTHENTICATED'],
      ['draw: a bidder', 'post', `${early}/committee/draw`, bidder, {}, 403, 'FORBIDDEN'],
      ['draw: no needs', 'post', `${early}/committee/draw`, staff, { needs: [] }, 400, 'VALIDATION_FAILED'],
      [
        'draw: complex not a boolean',
        'post',
        `${early}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 5 }], complexOrHighProfile: 'yes' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'draw: even',
        'post',
        `${early}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 6 }] },
        422,
        'COMMITTEE_NOT_ODD',
      ],
      [
        'draw: complex needs 7',
        'post',
        `${early}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 5 }], complexOrHighProfile: true },
        422,
        'COMMITTEE_TOO_SMALL',
      ],
      [
        'draw: unknown project',
        'post',
        `/api/procurements/${MISSING}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 5 }] },
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'draw: after the evaluation started',
        'post',
        `${base}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 3 }] },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['committee: a bidder', 'get', `${base}/committee`, bidder, undefined, 403, 'FORBIDDEN'],
      [
        'committee: none drawn',
        'get',
        `${early}/committee`,
        supervisor,
        undefined,
        404,
        'COMMITTEE_DRAW_NOT_FOUND',
      ],
      [
        'committee: before opening',
        'get',
        `${early}/committee`,
        staff,
        undefined,
        403,
        'COMMITTEE_SEALED_UNTIL_OPENING',
      ],
      ['start: not opened', 'post', `${early}/start-evaluation`, staff, {}, 409, 'INVALID_STATE_TRANSITION'],
      ['start: a bidder', 'post', `${base}/start-evaluation`, bidder, {}, 403, 'FORBIDDEN'],
      ['evaluation: a bidder', 'get', `${base}/evaluation`, bidder, undefined, 403, 'FORBIDDEN'],
      [
        'reject: no reason',
        'post',
        `${base}/evaluation/rejections`,
        staff,
        { bidId: procurement.bidIds[0], reason: '' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'reject: after the report',
        'post',
        `${base}/evaluation/rejections`,
        staff,
        { bidId: procurement.bidIds[0], reason: '迟到' },
        409,
        'EVALUATION_ALREADY_REPORTED',
      ],
      [
        'prices: fractional fen',
        'put',
        `${base}/evaluation/evaluated-prices`,
        staff,
        { prices: [{ bidId: procurement.bidIds[0], evaluatedPrice: 1.5 }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'prices: none',
        'put',
        `${base}/evaluation/evaluated-prices`,
        staff,
        { prices: [] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'report: bad sha',
        'post',
        `${base}/evaluation/report`,
        staff,
        { reportSha256: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'report: twice',
        'post',
        `${base}/evaluation/report`,
        staff,
        { reportSha256: REPORT_SHA },
        409,
        'EVALUATION_ALREADY_REPORTED',
      ],
      ['deliver: a bidder', 'post', `${base}/report/deliver`, bidder, {}, 403, 'FORBIDDEN'],
      [
        'deliver: not evaluating',
        'post',
        `${early}/report/deliver`,
        staff,
        {},
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['decide: no bid', 'post', `${base}/award-decision`, staff, {}, 400, 'VALIDATION_FAILED'],
      [
        'decide: before delivery',
        'post',
        `${base}/award-decision`,
        staff,
        { bidId: procurement.bidIds[0] },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['result: before the decision', 'post', `${base}/result`, staff, {}, 409, 'INVALID_STATE_TRANSITION'],
      ['result: anonymous', 'post', `${base}/result`, undefined, {}, 401, 'UNAUTHENTICATED'],
      [
        'contract: bad date',
        'post',
        `${base}/contract`,
        staff,
        { signedOn: '2026-02-30x', contractSha256: CONTRACT_SHA },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'contract: bad sha',
        'post',
        `${base}/contract`,
        staff,
        { signedOn: today, contractSha256: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'contract: not awarded',
        'post',
        `${base}/contract`,
        staff,
        { signedOn: today, contractSha256: CONTRACT_SHA },
        409,
        'INVALID_STATE_TRANSITION',
      ],
    ];
    const tables = [
      'procurement_projects',
      'procurement_evaluations',
      'procurement_evaluated_prices',
      'procurement_bid_rejections',
      'committee_draws',
      'committee_sittings',
      'deals',
      'deposits',
      'audit_log',
    ];
    const before = await tableContents(platform.env.config.DATABASE_URL, tables);
    for (const [name, method, path, user, body, status, code] of cases) {
      const call = as(user)(request(api.url)[method](path));
      const response = body === undefined ? await call : await call.send(body as object);
      try {
        expectError(response, status, code);
      } catch (error) {
        throw new Error(`${name}: ${String(error)}`, { cause: error });
      }
    }
    expect(await tableContents(platform.env.config.DATABASE_URL, tables)).toEqual(before);

    // Unknown response ids, after a fresh evaluation starts (nothing written by the refusals either).
    const fresh = await responding('competitive_negotiation');
    await draw(fresh, kind, 3).expect(201);
    await open(fresh, [300_000_000, 310_000_000, 320_000_000]);
    await post(`/api/procurements/${fresh.id}/start-evaluation`).expect(200);
    const snapshot = await tableContents(platform.env.config.DATABASE_URL, tables);
    expectError(
      await post(`/api/procurements/${fresh.id}/evaluation/rejections`, { bidId: MISSING, reason: '无' }),
      404,
      'PROCUREMENT_BID_NOT_FOUND',
    );
    expectError(
      await put(`/api/procurements/${fresh.id}/evaluation/evaluated-prices`, {
        prices: [
          { bidId: fresh.bidIds[0], evaluatedPrice: 1 },
          { bidId: fresh.bidIds[0], evaluatedPrice: 2 },
        ],
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await tableContents(platform.env.config.DATABASE_URL, tables)).toEqual(snapshot);
  });

  it('describes every new endpoint in the OpenAPI document', async () => {
    const paths = Object.keys((await request(api.url).get('/docs-json').expect(200)).body.paths);
    for (const path of [
      '/api/procurements/{id}/committee/draw',
      '/api/procurements/{id}/committee',
      '/api/procurements/{id}/start-evaluation',
      '/api/procurements/{id}/evaluation',
      '/api/procurements/{id}/evaluation/rejections',
      '/api/procurements/{id}/evaluation/evaluated-prices',
      '/api/procurements/{id}/evaluation/report',
      '/api/procurements/{id}/report/deliver',
      '/api/procurements/{id}/award-decision',
      '/api/procurements/{id}/result',
      '/api/procurements/{id}/contract',
    ])
      expect(paths).toContain(path);
  });
});
