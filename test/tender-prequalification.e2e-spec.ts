import request from 'supertest';
import { TendersService } from '@ggzy/tenders';
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
import { expectError, queryRows, tableContents } from './support/checks.js';
import { centreDays } from './support/transfers.js';

const SHA = 'c'.repeat(64);
/** What a refused call on these endpoints could write. */
const TABLES = [
  'tender_projects',
  'tender_prequalification_applications',
  'tender_objections',
  'registrations',
  'deposits',
  'audit_log',
];

/**
 * A tender's prequalification (资格预审, 招标投标法实施条例 第15–22条) on the real platform: its own
 * periods refused each with its own code at the boundary, the notice opening it, suppliers applying
 * with their organisation's code, staff passing or failing each with a reason, the result notified
 * (each applicant its own; the public no count while bidding runs), only those who passed
 * registering and bidding, fewer than 3 passed failing the tender (re-tendered as any failed
 * round), and an objection to the prequalification documents ≥ 2 days before the applications are
 * due pausing it, the reply giving the days back. Time moves as elsewhere: the dates, in SQL.
 */
describe('tender prequalification (资格预审)', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let suppliers: TestUser[];
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

  /** Prequalification from today: sale 5 days, applications due 5 days later; the tender after it. */
  const prequalification = (overrides: Record<string, unknown> = {}) => ({
    documents: [{ name: '资格预审文件.pdf', sha256: SHA }],
    saleStartsOn: today,
    saleEndsOn: addCalendarDays(today, 5),
    applicationsDueOn: addCalendarDays(today, 10),
    ...overrides,
  });
  const body = (overrides: Record<string, unknown> = {}) => ({
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
    prequalification: prequalification(),
    ...overrides,
  });

  async function announcedTender(overrides: Record<string, unknown> = {}) {
    const created = await post('/api/tenders', body(overrides)).expect(201);
    const announced = await post(`/api/tenders/${created.body.id}/announce`).expect(200);
    expect(announced.body.status).toBe('prequalification');
    return created.body.id as string;
  }

  /** Each of `applicants` applies with a fresh organisation code: → [applicationId, code][] */
  async function applyAll(id: string, applicants: TestUser[]) {
    const applied: { applicationId: string; code: string }[] = [];
    for (const applicant of applicants) {
      const code = organizationCode();
      const response = await post(
        `/api/tenders/${id}/prequalification/applications`,
        { organizationCode: code, documents: [{ name: '资格预审申请文件.pdf', sha256: SHA }] },
        applicant,
      ).expect(201);
      applied.push({ applicationId: response.body.id, code });
    }
    return applied;
  }

  /** The applications were due yesterday (the prequalification's dates moved back in SQL). */
  const applicationsDueYesterday = (id: string) =>
    sql(
      `UPDATE tender_projects SET prequalification_sale_starts_on = $2, prequalification_sale_ends_on = $3,
         applications_due_on = $4 WHERE id = $1`,
      [id, addCalendarDays(today, -11), addCalendarDays(today, -6), addCalendarDays(today, -1)],
    );

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    ownerCode = organizationCode();
    [staff, supervisor] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
    ]);
    suppliers = await Promise.all([0, 1, 2, 3].map(() => registerBidder(api.url)));
    outsider = await registerBidder(api.url);
  });

  // The centre's day by the database's clock, read again for each test: a run may cross midnight.
  beforeEach(async () => {
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('refuses each prequalification period one day short with its own code, and takes it on the day', async () => {
    const refusals: [string, Record<string, unknown>, number, string, Record<string, unknown> | null][] = [
      [
        'a prequalification sale of 4 days',
        { prequalification: prequalification({ saleEndsOn: addCalendarDays(today, 4) }) },
        422,
        'PREQUALIFICATION_SALE_TOO_SHORT',
        { earliestSaleEndsOn: addCalendarDays(today, 5), requiredDays: 5 },
      ],
      [
        'applications due 4 days after the sale ends',
        { prequalification: prequalification({ applicationsDueOn: addCalendarDays(today, 9) }) },
        422,
        'PREQUALIFICATION_PERIOD_TOO_SHORT',
        { earliestApplicationsDueOn: addCalendarDays(today, 10), requiredDays: 5 },
      ],
      [
        'a prequalification sale that started yesterday',
        {
          prequalification: prequalification({
            saleStartsOn: addCalendarDays(today, -1),
            saleEndsOn: addCalendarDays(today, 4),
            applicationsDueOn: addCalendarDays(today, 9),
          }),
        },
        422,
        'SCHEDULE_IN_PAST',
        { field: 'prequalification.saleStartsOn', today },
      ],
      [
        'applications due on the tender documents’ first day of sale',
        { prequalification: prequalification({ applicationsDueOn: addCalendarDays(today, 11) }) },
        400,
        'VALIDATION_FAILED',
        null,
      ],
      [
        'no prequalification documents',
        { prequalification: prequalification({ documents: [] }) },
        400,
        'VALIDATION_FAILED',
        null,
      ],
      [
        'a document hash in upper case',
        { prequalification: prequalification({ documents: [{ name: 'a', sha256: 'C'.repeat(64) }] }) },
        400,
        'VALIDATION_FAILED',
        null,
      ],
      [
        'no due day',
        { prequalification: { ...prequalification(), applicationsDueOn: undefined } },
        400,
        'VALIDATION_FAILED',
        null,
      ],
      [
        'an unknown field',
        { prequalification: prequalification({ passMark: 60 }) },
        400,
        'VALIDATION_FAILED',
        null,
      ],
      ['null', { prequalification: null }, 400, 'VALIDATION_FAILED', null],
    ];
    const before = await tableContents(ownerDb, TABLES);
    for (const [name, overrides, status, code, details] of refusals) {
      const refused = await post('/api/tenders', body(overrides));
      expect([name, refused.status, refused.body.code]).toEqual([name, status, code]);
      if (details) expect(refused.body.details).toMatchObject(details);
    }
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);

    // On the boundary each is allowed; every date it implies is shown.
    const created = await post('/api/tenders', body()).expect(201);
    expect(created.body.prequalification).toEqual({
      documents: [{ name: '资格预审文件.pdf', sha256: SHA }],
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      applicationsDueOn: addCalendarDays(today, 10),
      deadlines: {
        earliestSaleEndsOn: addCalendarDays(today, 5),
        earliestApplicationsDueOn: addCalendarDays(today, 10),
        objectionsUntilOn: addCalendarDays(today, 8),
        amendmentsWithoutMoveUntilOn: addCalendarDays(today, 7),
      },
      result: null,
    });
    // An edit checks it again; null removes it, an object sets it again.
    const id = created.body.id as string;
    expectError(
      await as(staff)(request(api.url).patch(`/api/tenders/${id}`)).send({
        prequalification: prequalification({ applicationsDueOn: addCalendarDays(today, 9) }),
      }),
      422,
      'PREQUALIFICATION_PERIOD_TOO_SHORT',
    );
    const removed = await as(staff)(request(api.url).patch(`/api/tenders/${id}`))
      .send({ prequalification: null })
      .expect(200);
    expect(removed.body.prequalification).toBeNull();
    const again = await as(staff)(request(api.url).patch(`/api/tenders/${id}`))
      .send({ prequalification: prequalification() })
      .expect(200);
    expect(again.body.prequalification.applicationsDueOn).toBe(addCalendarDays(today, 10));
  });

  it('takes applications, passes and fails each with a reason, notifies the result, and lets only those who passed register and bid', async () => {
    const id = await announcedTender();
    const [a, b, c, d] = suppliers;
    const publicView = await tender(id, null);
    expect(publicView).toMatchObject({ status: 'prequalification', prequalification: { result: null } });
    expect(publicView).not.toHaveProperty('prequalificationApplications');
    // No registration for bidding while the prequalification runs.
    expectError(
      await post(`/api/tenders/${id}/registrations`, { organizationCode: organizationCode() }, a),
      422,
      'REGISTRATION_CLOSED',
    );

    const applied = await applyAll(id, [a, b, c, d]);
    const own = await get('/api/me/tender-prequalification-applications', a).expect(200);
    expect(own.body.items[0]).toMatchObject({
      id: applied[0].applicationId,
      projectId: id,
      organizationCode: applied[0].code,
      status: 'pending',
      reason: null,
      resultOn: null,
    });
    expect(own.body.items[0]).not.toHaveProperty('applicantId');

    // Once per account, once per organisation; not the owner; suppliers only.
    const before = await tableContents(ownerDb, TABLES);
    const refusals: [string, unknown, TestUser, number, string][] = [
      [
        'the same account again',
        { organizationCode: organizationCode() },
        a,
        409,
        'PREQUALIFICATION_ALREADY_APPLIED',
      ],
      [
        'the same organisation from another account',
        { organizationCode: applied[1].code },
        outsider,
        409,
        'ORGANIZATION_ALREADY_APPLIED',
      ],
      ['the owner', { organizationCode: ownerCode }, outsider, 422, 'SUPPLIER_IS_OWNER'],
      ['staff', { organizationCode: organizationCode() }, staff, 403, 'FORBIDDEN'],
      ['a bad code', { organizationCode: '91360100MA35F6GX2X' }, outsider, 400, 'VALIDATION_FAILED'],
      [
        'a bad document hash',
        { organizationCode: organizationCode(), documents: [{ name: 'a', sha256: 'x' }] },
        outsider,
        400,
        'VALIDATION_FAILED',
      ],
      [
        'an unknown field',
        { organizationCode: organizationCode(), score: 90 },
        outsider,
        400,
        'VALIDATION_FAILED',
      ],
    ];
    for (const [name, request_, user, status, code] of refusals) {
      const refused = await post(`/api/tenders/${id}/prequalification/applications`, request_, user);
      expect([name, refused.status, refused.body.code]).toEqual([name, status, code]);
    }
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);

    // Staff and supervisors see who applied; the public sees neither who nor how many.
    const listed = await get(`/api/tenders/${id}/prequalification/applications`).expect(200);
    expect(listed.body.total).toBe(4);
    expect(listed.body.items.map((item: { applicantId: string }) => item.applicantId)).toEqual(
      [a, b, c, d].map((user) => user.id),
    );
    await get(`/api/tenders/${id}/prequalification/applications`, supervisor).expect(200);
    expectError(await get(`/api/tenders/${id}/prequalification/applications`, a), 403, 'FORBIDDEN');
    const shown = JSON.stringify(await tender(id, null));
    for (const user of [a, b, c, d]) expect(shown).not.toContain(user.id);
    expect((await tender(id)).prequalificationApplications).toEqual({
      applications: 4,
      passed: 0,
      failed: 0,
      pending: 4,
    });

    // Pass three, fail one, each with its reason, once.
    const decide = (index: number, verdict: 'pass' | 'fail', reason: string) =>
      post(`/api/tenders/${id}/prequalification/applications/${applied[index].applicationId}/${verdict}`, {
        reason,
      });
    for (const index of [0, 1, 2])
      await decide(index, 'pass', '资质、业绩、人员满足资格预审文件要求').expect(200);
    const failed = await decide(3, 'fail', '项目经理未取得一级建造师注册证书').expect(200);
    expect(failed.body).toMatchObject({
      status: 'failed',
      reason: '项目经理未取得一级建造师注册证书',
      applicantId: d.id,
    });
    expectError(await decide(3, 'pass', '复核'), 409, 'PREQUALIFICATION_APPLICATION_DECIDED');
    expectError(await decide(0, 'pass', ' '), 400, 'VALIDATION_FAILED');
    // The decision is not the applicant's to read before the result is notified.
    const beforeResult = await get('/api/me/tender-prequalification-applications', d).expect(200);
    expect(beforeResult.body.items[0]).toMatchObject({ status: 'pending', reason: null });

    // The result only after the day applications are due.
    const early = expectError(
      await post(`/api/tenders/${id}/prequalification/result`),
      409,
      'PREQUALIFICATION_NOT_ENDED',
    );
    expect(early.details).toEqual({
      applicationsDueOn: addCalendarDays(today, 10),
      earliestOn: addCalendarDays(today, 11),
    });
    await applicationsDueYesterday(id);
    expectError(
      await post(
        `/api/tenders/${id}/prequalification/applications`,
        { organizationCode: organizationCode() },
        outsider,
      ),
      422,
      'PREQUALIFICATION_CLOSED',
    );
    const result = await post(`/api/tenders/${id}/prequalification/result`).expect(200);
    expect(result.body).toMatchObject({
      status: 'prequalified',
      prequalification: { result: { resultOn: today, passedCount: 3 } },
      prequalificationApplications: { applications: 4, passed: 3, failed: 1, pending: 0 },
      // On time: the tender's schedule stays.
      saleStartsOn: addCalendarDays(today, 11),
      bidDeadlineOn: addCalendarDays(today, 31),
    });
    expectError(await post(`/api/tenders/${id}/prequalification/result`), 409, 'INVALID_STATE_TRANSITION');
    // The public: the result's day, no count while bidding is ahead (招标投标法 第22条).
    expect((await tender(id, null)).prequalification.result).toEqual({
      resultOn: today,
      passedCount: null,
    });
    // Each applicant its own result and reason.
    const mineA = (await get('/api/me/tender-prequalification-applications', a).expect(200)).body.items[0];
    expect(mineA).toMatchObject({
      status: 'passed',
      reason: '资质、业绩、人员满足资格预审文件要求',
      resultOn: today,
    });
    const mineD = (await get('/api/me/tender-prequalification-applications', d).expect(200)).body.items[0];
    expect(mineD).toMatchObject({
      status: 'failed',
      reason: '项目经理未取得一级建造师注册证书',
      resultOn: today,
    });

    // Only those who passed register, as the organisation that passed.
    const beforeRegistrations = await tableContents(ownerDb, TABLES);
    for (const [user, code] of [
      [d, applied[3].code],
      [outsider, organizationCode()],
      [a, organizationCode()],
    ] as const)
      expectError(
        await post(`/api/tenders/${id}/registrations`, { organizationCode: code }, user),
        403,
        'NOT_PREQUALIFIED',
      );
    expect(await tableContents(ownerDb, TABLES)).toEqual(beforeRegistrations);
    const registrations: string[] = [];
    for (const index of [0, 1, 2]) {
      const registered = await post(
        `/api/tenders/${id}/registrations`,
        { organizationCode: applied[index].code },
        suppliers[index],
      ).expect(201);
      registrations.push(registered.body.id);
      await post(`/api/tenders/${id}/registrations/${registered.body.id}/qualify`, {
        depositReceived: false,
      }).expect(200);
    }
    expectError(
      await as(a)(request(api.url).put(`/api/tenders/${id}/bid`)).send({ price: 900_000_000 }),
      409,
      'BIDDING_NOT_OPEN',
    );

    // The tender documents' day comes (in SQL): the worker opens bidding for those who passed.
    await sql(
      `UPDATE tender_projects SET sale_starts_on = $2, sale_ends_on = $3, documents_issued_on = $2,
         bid_deadline_on = $4 WHERE id = $1`,
      [id, today, addCalendarDays(today, 5), addCalendarDays(today, 20)],
    );
    await waitFor(async () => (await tender(id)).status === 'bidding' || undefined, 30_000, 'bidding');
    for (const [index, price] of [900, 950, 980].entries())
      await as(suppliers[index])(request(api.url).put(`/api/tenders/${id}/bid`))
        .send({ price: price * 1_000_000 })
        .expect(200);
    await sql(
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(async () => (await tender(id)).status === 'opened' || undefined, 60_000, 'opened');
    // After the opening the bidders are public anyway: so is how many passed (who passed stays staff's).
    expect((await tender(id, null)).prequalification.result).toEqual({ resultOn: today, passedCount: 3 });

    const trail = (await sql(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [id])).map(
      (row) => row.action,
    );
    expect(trail.slice(0, 2)).toEqual(['tender.created', 'tender.announce_prequalification']);
    expect(trail).toEqual(
      expect.arrayContaining([
        'tender.prequalification_applied',
        'tender.prequalification_decided',
        'tender.prequalification_result',
        'tender.open_bidding',
      ]),
    );
  });

  it('fails the tender when fewer than 3 pass, publishes why and how many, and re-tenders it with its prequalification', async () => {
    const id = await announcedTender();
    const applied = await applyAll(id, suppliers.slice(0, 3));
    await applicationsDueYesterday(id);
    await post(`/api/tenders/${id}/prequalification/applications/${applied[0].applicationId}/pass`, {
      reason: '合格',
    }).expect(200);
    await post(`/api/tenders/${id}/prequalification/applications/${applied[1].applicationId}/pass`, {
      reason: '合格',
    }).expect(200);
    // Every application decided first.
    const undecided = expectError(
      await post(`/api/tenders/${id}/prequalification/result`),
      409,
      'PREQUALIFICATION_UNDECIDED',
    );
    expect(undecided.details).toEqual({ applicationIds: [applied[2].applicationId], pending: 1 });
    await post(`/api/tenders/${id}/prequalification/applications/${applied[2].applicationId}/fail`, {
      reason: '资质不符',
    }).expect(200);
    const result = await post(`/api/tenders/${id}/prequalification/result`).expect(200);
    expect(result.body).toMatchObject({
      status: 'failed',
      failedReason: '通过资格预审的申请人少于3个,依法重新招标',
    });
    // No bidding follows: the count is public with the reason.
    expect((await tender(id, null)).prequalification.result).toEqual({
      resultOn: today,
      passedCount: 2,
    });
    expectError(
      await post(`/api/tenders/${id}/registrations`, { organizationCode: applied[0].code }, suppliers[0]),
      422,
      'REGISTRATION_CLOSED',
    );
    const next = await post(`/api/tenders/${id}/retender`).expect(201);
    expect(next.body).toMatchObject({ status: 'registered', round: 2, previousRoundId: id });
    expect(next.body.prequalification).toMatchObject({
      applicationsDueOn: addCalendarDays(today, -1),
      result: null,
    });
    expect((await tender(id)).status).toBe('retendered');
  });

  it('pauses the prequalification on an objection to its documents ≥ 2 days before the applications are due, and gives the paused days back', async () => {
    const id = await announcedTender();
    const objection = { target: 'prequalification_documents', text: '资格条件设置了与项目无关的业绩要求' };
    // The prequalification's dates moved back in SQL so that the applications are due in `days`.
    const dueIn = (days: number) =>
      sql(
        `UPDATE tender_projects SET prequalification_sale_starts_on = $2, prequalification_sale_ends_on = $3,
           applications_due_on = $4 WHERE id = $1`,
        [
          id,
          addCalendarDays(today, days - 10),
          addCalendarDays(today, days - 5),
          addCalendarDays(today, days),
        ],
      );
    // 1 day before the applications are due is too late (实施条例 第22条).
    await dueIn(1);
    const before = await tableContents(ownerDb, TABLES);
    const late = expectError(
      await post(`/api/tenders/${id}/objections`, objection, outsider),
      422,
      'OBJECTION_TOO_LATE',
    );
    expect(late.details).toMatchObject({ latestFiledOn: addCalendarDays(today, -1), requiredDays: 2 });
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
    // The objection to the tender documents is not this stage's.
    expectError(
      await post(`/api/tenders/${id}/objections`, { ...objection, target: 'tender_documents' }, outsider),
      409,
      'INVALID_STATE_TRANSITION',
    );

    // 2 days before: taken, and the prequalification stands still.
    await dueIn(2);
    const filed = await post(`/api/tenders/${id}/objections`, objection, outsider).expect(201);
    expect(filed.body).toMatchObject({
      target: 'prequalification_documents',
      replyDueOn: addCalendarDays(today, 3),
    });
    expect(await tender(id)).toMatchObject({
      status: 'suspended',
      resumeTo: 'prequalification',
      suspensionReason: '对资格预审文件提出异议,答复前暂停招标投标活动',
    });
    expectError(
      await post(
        `/api/tenders/${id}/prequalification/applications`,
        { organizationCode: organizationCode() },
        suppliers[0],
      ),
      422,
      'PREQUALIFICATION_CLOSED',
    );
    // It was filed 3 days ago (in SQL, the whole schedule with it): the 2 days ahead then are given back.
    await sql(
      `UPDATE tender_projects SET suspended_on = suspended_on - 3,
         prequalification_sale_starts_on = prequalification_sale_starts_on - 3,
         prequalification_sale_ends_on = prequalification_sale_ends_on - 3, applications_due_on = applications_due_on - 3
       WHERE id = $1`,
      [id],
    );
    await sql(
      `UPDATE tender_objections SET filed_on = filed_on - 3, reply_due_on = reply_due_on - 3 WHERE id = $1`,
      [filed.body.id],
    );
    const replied = await post(`/api/tenders/${id}/objections/${filed.body.id}/reply`, {
      text: '异议不成立',
      upheld: false,
    }).expect(200);
    expect(replied.body.objection.reply).toMatchObject({
      late: false,
      periodEndsBefore: addCalendarDays(today, -1),
      periodEndsAfter: addCalendarDays(today, 2),
    });
    expect(replied.body.project).toMatchObject({
      status: 'prequalification',
      // The applications' day, ahead when it paused, moves by the 3 days; the sale, over, stays.
      prequalification: {
        saleStartsOn: addCalendarDays(today, -11),
        saleEndsOn: addCalendarDays(today, -6),
        applicationsDueOn: addCalendarDays(today, 2),
      },
      // The tender documents' days, still ahead, move by the 3 days too.
      saleStartsOn: addCalendarDays(today, 14),
      bidDeadlineOn: addCalendarDays(today, 34),
    });
    await post(
      `/api/tenders/${id}/prequalification/applications`,
      { organizationCode: organizationCode() },
      suppliers[0],
    ).expect(201);
  });

  it('keeps bidDeadlineAt on bidDeadlineOn when a resume returns to the prequalification: an objection answered, a supervisor’s resume', async () => {
    const id = await announcedTender();
    const before = await tender(id);
    expect(before.bidDeadlineAt).toBe(
      bidDeadlineInstant(
        before.bidDeadlineOn,
        before.bidDeadlineTime,
        platform.env.config.CENTRE_TZ,
      ).toISOString(),
    );
    /** Answered or resumed the same day: nothing stood still, nothing moves. */
    const unmoved = async () => {
      const after = await tender(id);
      expect({
        status: after.status,
        bidDeadlineOn: after.bidDeadlineOn,
        bidDeadlineAt: after.bidDeadlineAt,
        publicBidDeadlineAt: (await tender(id, null)).bidDeadlineAt,
      }).toEqual({
        status: 'prequalification',
        bidDeadlineOn: before.bidDeadlineOn,
        bidDeadlineAt: before.bidDeadlineAt,
        publicBidDeadlineAt: before.bidDeadlineAt,
      });
    };

    const filed = await post(
      `/api/tenders/${id}/objections`,
      { target: 'prequalification_documents', text: '资格条件设置了与项目无关的业绩要求' },
      outsider,
    ).expect(201);
    const replied = await post(`/api/tenders/${id}/objections/${filed.body.id}/reply`, {
      text: '异议不成立',
      upheld: false,
    }).expect(200);
    expect(replied.body.project.status).toBe('prequalification');
    await unmoved();

    await post(`/api/tenders/${id}/suspend`, { reason: '监督检查' }, supervisor).expect(200);
    expect((await tender(id)).status).toBe('suspended');
    await post(`/api/tenders/${id}/resume`, {}, supervisor).expect(200);
    await unmoved();
  });

  it('announces a tender with prequalification in one step: a failure after the notice leaves nothing half done', async () => {
    const created = await post('/api/tenders', body()).expect(201);
    const id = created.body.id as string;
    // Fault injection: an announcement that went registered → announced and only then →
    // prequalification (two transactions) fails between them, as a restart, a dropped connection or
    // a concurrent suspension would make it. In one step, the trigger never sees an announced row.
    const fn = `prequalification_fail_between_${id.replace(/-/g, '')}`;
    await sql(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id = '${id}' AND OLD.status = 'announced' AND NEW.status = 'prequalification' THEN
          RAISE EXCEPTION 'injected failure between the notice and the prequalification';
        END IF;
        RETURN NEW;
      END $$`);
    await sql(`CREATE TRIGGER ${fn} BEFORE UPDATE ON tender_projects FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    let announced: request.Response;
    try {
      announced = await post(`/api/tenders/${id}/announce`);
    } finally {
      await sql(`DROP TRIGGER ${fn} ON tender_projects`);
      await sql(`DROP FUNCTION ${fn}()`);
    }
    expect({ status: announced.status, body: announced.body.status }).toEqual({
      status: 200,
      body: 'prequalification',
    });
    const trail = await sql(
      `SELECT action, payload::jsonb -> 'data' AS data FROM audit_log WHERE entity_id = $1 ORDER BY seq`,
      [id],
    );
    expect(trail.map((row) => row.action)).toEqual(['tender.created', 'tender.announce_prequalification']);
    expect(trail[1].data).toMatchObject({ from: 'registered', to: 'prequalification', announcedOn: today });
    // Applications are taken from the notice on.
    await post(
      `/api/tenders/${id}/prequalification/applications`,
      { organizationCode: organizationCode() },
      outsider,
    ).expect(201);
  });

  it('never opens bidding for a tender with prequalification that is not prequalified, its documents’ day come or not', async () => {
    // A row left `announced` with a prequalification (as the two-step announcement could leave
    // one): no prequalification was ever held, so the documents' day opens nothing.
    const id = await announcedTender();
    await sql(
      `UPDATE tender_projects SET status = 'announced', sale_starts_on = $2, sale_ends_on = $3,
         documents_issued_on = $2, bid_deadline_on = $4,
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
    const tenders = platform.worker!.get(TendersService);
    expect((await tenders.dueWork()).biddingDue).not.toContain(id);
    expect(await tenders.openBidding(id)).toBeNull();
    const timed = [];
    for (let afterId: string | null = null; ;) {
      const page = await tenders.timedPage(afterId, 500);
      timed.push(...page);
      if (page.length < 500) break;
      afterId = page[page.length - 1].id;
    }
    expect(timed.find((step) => step.id === id)?.biddingOpensAt).toBeNull();
    // A tender without prequalification on its documents' day: due, and opened (the check can tell).
    const plain = await post('/api/tenders', body({ prequalification: undefined })).expect(201);
    await post(`/api/tenders/${plain.body.id}/announce`).expect(200);
    await sql(
      `UPDATE tender_projects SET sale_starts_on = $2, sale_ends_on = $3, documents_issued_on = $2,
         bid_deadline_on = $4 WHERE id = $1`,
      [plain.body.id, today, addCalendarDays(today, 5), addCalendarDays(today, 20)],
    );
    const opened = await tenders.openBidding(plain.body.id);
    // The worker's own sweep may have opened it first.
    expect(opened?.status ?? (await tender(plain.body.id)).status).toBe('bidding');
    expect((await tender(id)).status).toBe('announced');
  });

  it('refuses a prequalification that is not an object (an array) instead of ignoring it and auditing a removal', async () => {
    const created = await post('/api/tenders', body()).expect(201);
    const id = created.body.id as string;
    const before = await tableContents(ownerDb, TABLES);
    for (const value of [[], [prequalification()], 'none', 0, true]) {
      const edited = await patch(`/api/tenders/${id}`, { prequalification: value });
      expect([value, edited.status, edited.body.code]).toEqual([value, 400, 'VALIDATION_FAILED']);
      const made = await post('/api/tenders', body({ prequalification: value }));
      expect([value, made.status, made.body.code]).toEqual([value, 400, 'VALIDATION_FAILED']);
    }
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
    expect((await tender(id)).prequalification).toMatchObject({
      applicationsDueOn: addCalendarDays(today, 10),
    });
    // null still removes it, audited as the removal it is.
    const removed = await patch(`/api/tenders/${id}`, { prequalification: null }).expect(200);
    expect(removed.body.prequalification).toBeNull();
    const [edit] = await sql(
      `SELECT payload::jsonb -> 'data' -> 'changes' AS changes FROM audit_log
       WHERE entity_id = $1 AND action = 'tender.edited'`,
      [id],
    );
    expect(Object.keys(edit.changes as object).sort()).toEqual([
      'applicationsDueOn',
      'prequalificationDocuments',
      'prequalificationSaleEndsOn',
      'prequalificationSaleStartsOn',
    ]);
  });

  it('lets no banned party object to the documents, and after the result only the applicants that passed object to the tender documents', async () => {
    const id = await announcedTender();
    const banned = await registerBidder(api.url);
    await post(
      '/api/supervision/sanctions',
      {
        partyId: banned.id,
        kind: 'ban',
        reason: 'misconduct',
        basis: '招标投标法 第54条',
        startsOn: addCalendarDays(today, -30),
        bannedUntil: addCalendarDays(today, 365),
      },
      supervisor,
    ).expect(201);
    const objection = (target: string) => ({ target, text: '资格条件设置了与项目无关的业绩要求' });
    let before = await tableContents(ownerDb, TABLES);
    expectError(
      await post(`/api/tenders/${id}/objections`, objection('prequalification_documents'), banned),
      403,
      'PARTY_BANNED',
    );
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);

    // Three pass, one fails; the result is notified.
    const [a, b, c, d] = suppliers;
    const applied = await applyAll(id, [a, b, c, d]);
    for (const [index, verdict] of [
      [0, 'pass'],
      [1, 'pass'],
      [2, 'pass'],
      [3, 'fail'],
    ] as const)
      await post(
        `/api/tenders/${id}/prequalification/applications/${applied[index].applicationId}/${verdict}`,
        { reason: verdict === 'pass' ? '合格' : '业绩不符' },
      ).expect(200);
    await applicationsDueYesterday(id);
    await post(`/api/tenders/${id}/prequalification/result`).expect(200);

    // 实施条例 第22条: a failed applicant, or one that never applied, is no potential bidder now.
    before = await tableContents(ownerDb, TABLES);
    for (const [name, user, status, code] of [
      ['failed', d, 403, 'OBJECTOR_NOT_PREQUALIFIED'],
      ['never applied', outsider, 403, 'OBJECTOR_NOT_PREQUALIFIED'],
      ['banned', banned, 403, 'PARTY_BANNED'],
    ] as const) {
      const refused = await post(`/api/tenders/${id}/objections`, objection('tender_documents'), user);
      expect([name, refused.status, refused.body.code]).toEqual([name, status, code]);
    }
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
    // One that passed objects, and the tender stands still.
    await post(`/api/tenders/${id}/objections`, objection('tender_documents'), a).expect(201);
    expect((await tender(id)).status).toBe('suspended');
  });

  it('counts the undecided applications in SQL and names at most 20 of them', async () => {
    const id = await announcedTender();
    const users = await sql(
      `INSERT INTO users (username, password_hash, display_name, roles)
       SELECT 'undecided-' || $1 || '-' || n, 'x', '申请人 ' || n, '{bidder}' FROM generate_series(1, 25) AS n
       RETURNING id`,
      [id],
    );
    const ids: string[] = [];
    for (const [index, user] of users.entries()) {
      const [row] = await sql(
        `INSERT INTO tender_prequalification_applications
           (project_id, applicant_id, organization_code, applied_at, applied_on)
         VALUES ($1, $2, $3, clock_timestamp() + make_interval(secs => $4), $5) RETURNING id`,
        [id, user.id, organizationCode(), index, today],
      );
      ids.push(row.id as string);
    }
    await applicationsDueYesterday(id);
    const before = await tableContents(ownerDb, TABLES);
    const undecided = expectError(
      await post(`/api/tenders/${id}/prequalification/result`),
      409,
      'PREQUALIFICATION_UNDECIDED',
    );
    // The first 20 in the order they came, and how many wait.
    expect(undecided.details).toEqual({ applicationIds: ids.slice(0, 20), pending: 25 });
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
  });

  it('answers bad input on every new endpoint with a 4xx and its code, writing nothing', async () => {
    const id = await announcedTender();
    const [applied] = await applyAll(id, [suppliers[0]]);
    const plain = await post('/api/tenders', body({ prequalification: undefined })).expect(201);
    await post(`/api/tenders/${plain.body.id}/announce`).expect(200);
    const missing = '00000000-0000-4000-8000-000000000000';
    const base = `/api/tenders/${id}/prequalification`;
    const cases: [string, string, string, unknown, TestUser | null, number, string][] = [
      [
        'apply: no token',
        'post',
        `${base}/applications`,
        { organizationCode: organizationCode() },
        null,
        401,
        'UNAUTHENTICATED',
      ],
      [
        'apply: bad id',
        'post',
        '/api/tenders/x/prequalification/applications',
        { organizationCode: organizationCode() },
        outsider,
        400,
        'INVALID_ID',
      ],
      [
        'apply: missing tender',
        'post',
        `/api/tenders/${missing}/prequalification/applications`,
        { organizationCode: organizationCode() },
        outsider,
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'apply: no prequalification',
        'post',
        `/api/tenders/${plain.body.id}/prequalification/applications`,
        { organizationCode: organizationCode() },
        outsider,
        422,
        'PREQUALIFICATION_CLOSED',
      ],
      ['apply: no code', 'post', `${base}/applications`, {}, outsider, 400, 'VALIDATION_FAILED'],
      ['list: a supplier', 'get', `${base}/applications`, undefined, outsider, 403, 'FORBIDDEN'],
      ['list: bad paging', 'get', `${base}/applications?limit=0`, undefined, staff, 400, 'VALIDATION_FAILED'],
      [
        'pass: a supplier',
        'post',
        `${base}/applications/${applied.applicationId}/pass`,
        { reason: '合格' },
        outsider,
        403,
        'FORBIDDEN',
      ],
      [
        'pass: no reason',
        'post',
        `${base}/applications/${applied.applicationId}/pass`,
        {},
        staff,
        400,
        'VALIDATION_FAILED',
      ],
      [
        'pass: reason too long',
        'post',
        `${base}/applications/${applied.applicationId}/pass`,
        { reason: 'x'.repeat(501) },
        staff,
        400,
        'VALIDATION_FAILED',
      ],
      [
        'pass: bad application id',
        'post',
        `${base}/applications/x/pass`,
        { reason: '合格' },
        staff,
        400,
        'INVALID_ID',
      ],
      [
        'fail: unknown application',
        'post',
        `${base}/applications/${missing}/fail`,
        { reason: '不合格' },
        staff,
        404,
        'PREQUALIFICATION_APPLICATION_NOT_FOUND',
      ],
      [
        'fail: another tender’s application',
        'post',
        `/api/tenders/${plain.body.id}/prequalification/applications/${applied.applicationId}/fail`,
        { reason: '不合格' },
        staff,
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['result: a supervisor', 'post', `${base}/result`, {}, supervisor, 403, 'FORBIDDEN'],
      [
        'result: missing tender',
        'post',
        `/api/tenders/${missing}/prequalification/result`,
        {},
        staff,
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'result: no prequalification',
        'post',
        `/api/tenders/${plain.body.id}/prequalification/result`,
        {},
        staff,
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'mine: staff',
        'get',
        '/api/me/tender-prequalification-applications',
        undefined,
        staff,
        403,
        'FORBIDDEN',
      ],
      [
        'objection: unknown target',
        'post',
        `/api/tenders/${id}/objections`,
        { target: 'prequalification', text: '异议' },
        outsider,
        400,
        'VALIDATION_FAILED',
      ],
      [
        'objection: no prequalification',
        'post',
        `/api/tenders/${plain.body.id}/objections`,
        { target: 'prequalification_documents', text: '异议' },
        outsider,
        409,
        'INVALID_STATE_TRANSITION',
      ],
    ];
    const before = await tableContents(ownerDb, TABLES);
    for (const [name, method, path, payload, user, status, code] of cases) {
      const call = as(user)(method === 'get' ? request(api.url).get(path) : request(api.url).post(path));
      const response = method === 'get' ? await call : await call.send(payload as object);
      expect([name, response.status, response.body.code]).toEqual([name, status, code]);
    }
    expect(await tableContents(ownerDb, TABLES)).toEqual(before);
  });

  it('describes every new endpoint in the OpenAPI document', async () => {
    const document = (await request(api.url).get('/docs-json').expect(200)).body;
    for (const [path, method] of [
      ['/api/tenders/{id}/prequalification/applications', 'post'],
      ['/api/tenders/{id}/prequalification/applications', 'get'],
      ['/api/tenders/{id}/prequalification/applications/{applicationId}/pass', 'post'],
      ['/api/tenders/{id}/prequalification/applications/{applicationId}/fail', 'post'],
      ['/api/tenders/{id}/prequalification/result', 'post'],
      ['/api/me/tender-prequalification-applications', 'get'],
    ])
      expect([path, method, document.paths[path]?.[method]]).toEqual([path, method, expect.anything()]);
    for (const schema of [
      'TenderPrequalificationDto',
      'PrequalificationApplicationDto',
      'PrequalificationDecisionDto',
    ])
      expect(document.components.schemas).toHaveProperty(schema);
  });
});
