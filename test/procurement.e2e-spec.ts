import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser } from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import { centreDays } from './support/transfers.js';

const PURCHASER_CODE = '91360100MA35F6GX2N';
// Published codes of real companies, used here only as well-formed suppliers' codes.
const SUPPLIER_CODES = [
  '914403001922038216',
  '9144030071526726XG',
  '91330100799655058B',
  '91110000802100433B',
];
const SHA = 'e'.repeat(64);
const BUDGET = 500_000_000; // 500万元
const TABLES = ['procurement_projects', 'procurement_notices', 'registrations', 'deposits', 'audit_log'];

/**
 * Government procurement up to the responses on the real platform: every statutory period per
 * method refused a (business) day short with its own code and the boundary date, taken on the
 * day, across a public holiday where the period counts business days; drafts hidden; the notice;
 * single source's prior publicity; amendments moving the deadline by the method's lead; an
 * invited tender's random pick replayed by a supervisor; termination; bad input on every endpoint.
 */
describe('government procurement (政府采购), planning to responses', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let suppliers: TestUser[];
  let today: string;
  let ownerDb: string;
  let dbUrl: string;
  /** The business-day calendar as the platform holds it, read back for an independent count. */
  const holidays = new Set<string>();
  const workdays = new Set<string>();

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;

  const isBusinessDay = (date: string) =>
    workdays.has(date) ||
    (!holidays.has(date) && ![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay()));
  /** Day 0 is `from`; the next business day is day 1. */
  const addBusinessDays = (from: string, count: number) => {
    let date = from;
    for (let counted = 0; counted < count;) {
      date = addCalendarDays(date, 1);
      if (isBusinessDay(date)) counted += 1;
    }
    return date;
  };
  /** The same count treating every weekday as a business day: what a calendar without holidays would say. */
  const addWeekdays = (from: string, count: number) => {
    let date = from;
    for (let counted = 0; counted < count;) {
      date = addCalendarDays(date, 1);
      if (![0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay())) counted += 1;
    }
    return date;
  };

  const openTender = (start: string) => ({
    method: 'open_tender',
    documentsIssuedOn: start,
    documentsAvailableUntil: addBusinessDays(start, 5),
    deadlineOn: addCalendarDays(start, 20),
  });
  const negotiation = (start: string) => ({
    method: 'competitive_negotiation',
    documentsIssuedOn: start,
    deadlineOn: addBusinessDays(start, 3),
  });
  const singleSource = (start: string) => ({
    method: 'single_source',
    publicityStartsOn: start,
    publicityEndsOn: addBusinessDays(start, 5),
    singleSourceSupplier: '某专利设备制造有限公司',
    singleSourceReasons: '只能从唯一供应商处采购(专利)',
  });
  const invitedTender = (start: string) => {
    const callEndsOn = addBusinessDays(start, 5);
    const issuedOn = addCalendarDays(callEndsOn, 1);
    return {
      method: 'invited_tender',
      qualificationCallStartsOn: start,
      qualificationCallEndsOn: callEndsOn,
      documentsIssuedOn: issuedOn,
      documentsAvailableUntil: addBusinessDays(issuedOn, 5),
      deadlineOn: addCalendarDays(issuedOn, 20),
    };
  };

  const body = (schedule: Record<string, unknown>, overrides: Record<string, unknown> = {}) => ({
    title: '东湖区教育局办公设备采购',
    purchaserName: '南昌市东湖区教育局',
    purchaserOrgCode: PURCHASER_CODE,
    description: '台式计算机 200 台,打印机 20 台',
    supplierConditions: '具有独立承担民事责任的能力',
    budget: BUDGET,
    deposit: BUDGET / 50,
    documents: [{ name: '采购文件.pdf', sha256: SHA }],
    deadlineTime: '09:30',
    ...schedule,
    ...overrides,
  });

  const create = (payload: Record<string, unknown>) =>
    as(staff)(request(api.url).post('/api/procurements')).send(payload);
  async function planned(payload: Record<string, unknown>) {
    const created = await create(payload).expect(201);
    return created.body as { id: string; code: string; status: string };
  }
  const post = (user: TestUser | undefined, path: string, payload?: object) =>
    as(user)(request(api.url).post(path)).send(payload ?? {});
  const get = async (id: string, user?: TestUser) =>
    (await as(user)(request(api.url).get(`/api/procurements/${id}`)).expect(200)).body;

  async function registerAndQualify(id: string, users: TestUser[]) {
    const ids: string[] = [];
    for (const [index, supplier] of users.entries()) {
      const applied = await post(supplier, `/api/procurements/${id}/registrations`, {
        organizationCode: SUPPLIER_CODES[index],
      }).expect(201);
      await post(staff, `/api/procurements/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
      }).expect(200);
      ids.push(applied.body.id);
    }
    return ids;
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    dbUrl = platform.env.config.DATABASE_URL;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    staff = await createOperator(platform.env.config, api.url, 'staff');
    supervisor = await createOperator(platform.env.config, api.url, 'supervisor');
    suppliers = await Promise.all([0, 1, 2, 3].map(() => registerBidder(api.url)));
    // Periods reach into next year near its end: enter it (元旦) when the platform does not ship it.
    const nextYear = Number(today.slice(0, 4)) + 1;
    if ((await request(api.url).get(`/api/calendar/${nextYear}`)).status !== 200)
      await as(staff)(request(api.url).put(`/api/calendar/${nextYear}`))
        .send({ holidays: [`${nextYear}-01-01`, `${nextYear}-01-02`, `${nextYear}-01-03`], workdays: [] })
        .expect(200);
    const years = (await request(api.url).get('/api/calendar').expect(200)).body.items as {
      holidays: string[];
      workdays: string[];
    }[];
    for (const year of years) {
      year.holidays.forEach((day) => holidays.add(day));
      year.workdays.forEach((day) => workdays.add(day));
    }
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('refuses every period a (business) day short with its own code and boundary, and takes it on the day', async () => {
    const refusals: [string, Record<string, unknown>, number, string, Record<string, unknown>][] = [
      [
        'open tender: deadline 19 days after the documents',
        body(openTender(today), { deadlineOn: addCalendarDays(today, 19) }),
        422,
        'BID_PERIOD_TOO_SHORT',
        { earliestDeadlineOn: addCalendarDays(today, 20), required: 20, unit: 'days' },
      ],
      [
        'open tender: documents available 4 business days',
        body(openTender(today), { documentsAvailableUntil: addBusinessDays(today, 4) }),
        422,
        'DOCUMENT_SALE_TOO_SHORT',
        { earliestUntil: addBusinessDays(today, 5), required: 5, unit: 'business_days' },
      ],
      [
        'negotiation: deadline 2 business days after the documents',
        body(negotiation(today), { deadlineOn: addBusinessDays(today, 2) }),
        422,
        'RESPONSE_PERIOD_TOO_SHORT',
        { earliestDeadlineOn: addBusinessDays(today, 3), required: 3, unit: 'business_days' },
      ],
      [
        'request for quotation: deadline 2 business days after the documents',
        body({
          ...negotiation(today),
          method: 'request_for_quotation',
          deadlineOn: addBusinessDays(today, 2),
        }),
        422,
        'RESPONSE_PERIOD_TOO_SHORT',
        { earliestDeadlineOn: addBusinessDays(today, 3) },
      ],
      [
        'consultation: deadline 9 days after the documents',
        body({
          ...openTender(today),
          method: 'competitive_consultation',
          deadlineOn: addCalendarDays(today, 9),
        }),
        422,
        'RESPONSE_PERIOD_TOO_SHORT',
        { earliestDeadlineOn: addCalendarDays(today, 10), required: 10, unit: 'days' },
      ],
      [
        'invited tender: a call for qualification of 4 business days',
        body(invitedTender(today), { qualificationCallEndsOn: addBusinessDays(today, 4) }),
        422,
        'PREQUALIFICATION_PERIOD_TOO_SHORT',
        { earliestEndsOn: addBusinessDays(today, 5), unit: 'business_days' },
      ],
      [
        'single source: a publicity of 4 business days',
        body(singleSource(today), { publicityEndsOn: addBusinessDays(today, 4) }),
        422,
        'SINGLE_SOURCE_PUBLICITY_TOO_SHORT',
        { earliestEndsOn: addBusinessDays(today, 5), required: 5, unit: 'business_days' },
      ],
      [
        'a deposit over 2% of the budget (by one fen)',
        body(openTender(today), { deposit: BUDGET / 50 + 1 }),
        422,
        'DEPOSIT_ABOVE_LIMIT',
        { base: 'budget', maxDeposit: BUDGET / 50, maxPercent: 2 },
      ],
      [
        'documents issued yesterday',
        body(openTender(addCalendarDays(today, -1))),
        422,
        'SCHEDULE_IN_PAST',
        { field: 'documentsIssuedOn', today },
      ],
    ];
    const before = await tableContents(dbUrl, TABLES);
    for (const [what, payload, status, code, details] of refusals) {
      const refused = await create(payload);
      try {
        expectError(refused, status, code);
        expect(refused.body.details).toMatchObject(details);
      } catch (error) {
        throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      }
    }
    // A method's dates missing: every one named.
    const incomplete = expectError(
      await create(body({ method: 'open_tender', documentsIssuedOn: today })),
      400,
      'VALIDATION_FAILED',
    );
    expect((incomplete.details as { field: string }[]).map((problem) => problem.field).sort()).toEqual([
      'deadlineOn',
      'documentsAvailableUntil',
    ]);
    expect(await tableContents(dbUrl, TABLES)).toEqual(before);

    // On each boundary it is taken.
    for (const schedule of [
      openTender(today),
      negotiation(today),
      { ...negotiation(today), method: 'request_for_quotation' },
      { ...openTender(today), method: 'competitive_consultation', deadlineOn: addCalendarDays(today, 10) },
      invitedTender(today),
      singleSource(today),
    ]) {
      const created = await planned(body(schedule));
      expect(created).toMatchObject({ status: 'planned', code: expect.stringMatching(/^CG\d{8}$/) });
    }
  });

  it('counts business days across a public holiday: a period the weekdays alone would end early is refused', async () => {
    // The first weekday holiday a week or more ahead, and the last business day before it.
    let holiday = addCalendarDays(today, 7);
    while (!holidays.has(holiday) || [0, 6].includes(new Date(`${holiday}T00:00:00Z`).getUTCDay())) {
      holiday = addCalendarDays(holiday, 1);
      if (holiday > addCalendarDays(today, 400)) throw new Error('no public holiday within a year');
    }
    let start = addCalendarDays(holiday, -1);
    while (!isBusinessDay(start)) start = addCalendarDays(start, -1);
    expect(start >= today).toBe(true);

    // Negotiation: 3 business days from the documents; the holiday pushes the earliest deadline.
    const earliest = addBusinessDays(start, 3);
    expect(addWeekdays(start, 3) < earliest).toBe(true);
    const shortDeadline = expectError(
      await create(body(negotiation(start), { deadlineOn: addWeekdays(start, 3) })),
      422,
      'RESPONSE_PERIOD_TOO_SHORT',
    );
    expect(shortDeadline.details).toMatchObject({ documentsIssuedOn: start, earliestDeadlineOn: earliest });
    // The business day before the earliest is refused too; the earliest is taken.
    let dayBefore = addCalendarDays(earliest, -1);
    while (!isBusinessDay(dayBefore)) dayBefore = addCalendarDays(dayBefore, -1);
    expectError(
      await create(body(negotiation(start), { deadlineOn: dayBefore })),
      422,
      'RESPONSE_PERIOD_TOO_SHORT',
    );
    await planned(body(negotiation(start), { deadlineOn: earliest }));

    // Open tender: documents available 5 business days across the holiday.
    const availableUntil = addBusinessDays(start, 5);
    expect(addWeekdays(start, 5) < availableUntil).toBe(true);
    const shortAvailability = expectError(
      await create(body(openTender(start), { documentsAvailableUntil: addWeekdays(start, 5) })),
      422,
      'DOCUMENT_SALE_TOO_SHORT',
    );
    expect(shortAvailability.details).toMatchObject({ earliestUntil: availableUntil });
    await planned(body(openTender(start), { documentsAvailableUntil: availableUntil }));

    // Single source: 5 business days of publicity across the holiday (4 refused).
    const publicityEnds = addBusinessDays(start, 5);
    expectError(
      await create(body(singleSource(start), { publicityEndsOn: addBusinessDays(start, 4) })),
      422,
      'SINGLE_SOURCE_PUBLICITY_TOO_SHORT',
    );
    expectError(
      await create(body(singleSource(start), { publicityEndsOn: addWeekdays(start, 5) })),
      422,
      'SINGLE_SOURCE_PUBLICITY_TOO_SHORT',
    );
    await planned(body(singleSource(start), { publicityEndsOn: publicityEnds }));
  });

  it('keeps a planned procurement from the public, edits it (method too), announces it and opens responses on the day', async () => {
    const draft = await planned(body(negotiation(today)));
    expectError(await request(api.url).get(`/api/procurements/${draft.id}`), 404, 'LISTING_NOT_FOUND');
    const publicList = await request(api.url).get('/api/procurements').expect(200);
    expect(publicList.body.items.map((item: { id: string }) => item.id)).not.toContain(draft.id);

    // The method changes in planning: the new method's dates are checked and the old ones dropped.
    expectError(
      await as(staff)(request(api.url).patch(`/api/procurements/${draft.id}`)).send({
        method: 'open_tender',
      }),
      400,
      'VALIDATION_FAILED',
    );
    const edited = await as(staff)(request(api.url).patch(`/api/procurements/${draft.id}`))
      .send(openTender(today))
      .expect(200);
    expect(edited.body).toMatchObject({ method: 'open_tender', deadlineOn: addCalendarDays(today, 20) });

    // Single-source steps are refused for an open tender by its method's table.
    expectError(
      await post(staff, `/api/procurements/${draft.id}/publicise`),
      409,
      'INVALID_STATE_TRANSITION',
    );
    const announced = await post(staff, `/api/procurements/${draft.id}/announce`).expect(200);
    expect(announced.body).toMatchObject({
      status: 'responding',
      announcedOn: today,
      deadlineAt: new Date(`${addCalendarDays(today, 20)}T09:30:00+08:00`).toISOString(),
    });
    expectError(
      await as(staff)(request(api.url).patch(`/api/procurements/${draft.id}`)).send({ title: 'x' }),
      409,
      'LISTING_NOT_EDITABLE',
    );
    expectError(await post(staff, `/api/procurements/${draft.id}/announce`), 409, 'INVALID_STATE_TRANSITION');
    const shown = await get(draft.id);
    expect(shown).toMatchObject({ status: 'responding', category: 'procurement', method: 'open_tender' });
    expect(shown).not.toHaveProperty('registrations');
    const listed = await request(api.url).get('/api/procurements?method=open_tender').expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(draft.id);

    // Documents issued tomorrow: announced now, responding once the day comes (the worker's step).
    const later = await planned(body(openTender(addCalendarDays(today, 1))));
    const waiting = await post(staff, `/api/procurements/${later.id}/announce`).expect(200);
    expect(waiting.body.status).toBe('announced');
    await queryRows(ownerDb, `UPDATE procurement_projects SET documents_issued_on = $2 WHERE id = $1`, [
      later.id,
      today,
    ]);
    const deadline = Date.now() + 15_000;
    while ((await get(later.id)).status !== 'responding') {
      if (Date.now() > deadline) throw new Error('the documents were never issued');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  it('registers suppliers with their organisation and deposit, and moves the deadline by the method lead on an amendment', async () => {
    const project = await planned(body(openTender(today)));
    await post(staff, `/api/procurements/${project.id}/announce`).expect(200);
    expectError(
      await post(suppliers[0], `/api/procurements/${project.id}/registrations`, {
        organizationCode: PURCHASER_CODE,
      }),
      422,
      'SUPPLIER_IS_OWNER',
    );
    const [first] = await registerAndQualify(project.id, [suppliers[0]]);
    expectError(
      await post(suppliers[0], `/api/procurements/${project.id}/registrations`, {
        organizationCode: SUPPLIER_CODES[0],
      }),
      409,
      'ALREADY_REGISTERED',
    );
    const second = await post(suppliers[1], `/api/procurements/${project.id}/registrations`, {
      organizationCode: SUPPLIER_CODES[1],
    }).expect(201);
    expect(second.body.depositId).toEqual(expect.any(String));
    await post(staff, `/api/procurements/${project.id}/registrations/${second.body.id}/reject`, {
      reason: '资格证明不全',
    }).expect(200);
    const mine = await as(suppliers[0])(request(api.url).get('/api/me/procurement-registrations')).expect(
      200,
    );
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        id: first,
        projectId: project.id,
        status: 'qualified',
        organizationCode: SUPPLIER_CODES[0],
      }),
    ]);
    const deposits = await queryRows<{ amount: string }>(
      ownerDb,
      `SELECT amount::text FROM deposits WHERE host_type = 'procurement_project' AND host_id = $1`,
      [project.id],
    );
    expect(deposits.map((row) => Number(row.amount))).toEqual([BUDGET / 50, BUDGET / 50]);

    // A clarification that does not affect the responses leaves the deadline.
    const clarified = await post(staff, `/api/procurements/${project.id}/amendments`, {
      kind: 'clarification',
      text: '交货地点为东湖区教育局',
      affectsResponses: false,
    }).expect(201);
    expect(clarified.body).toMatchObject({
      moved: false,
      amendment: { deadlineAfter: addCalendarDays(today, 20) },
    });
    // Ten days before the deadline (time passed, here by moving it): an amendment moves it to 15 days out.
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET deadline_on = $2,
         response_deadline_at = ($2::date + time '09:30') AT TIME ZONE 'Asia/Shanghai' WHERE id = $1`,
      [project.id, addCalendarDays(today, 10)],
    );
    expectError(
      await post(staff, `/api/procurements/${project.id}/amendments`, {
        kind: 'amendment',
        text: '技术参数更正',
        affectsResponses: true,
        deadlineOn: addCalendarDays(today, 14),
      }),
      422,
      'AMENDMENT_DEADLINE_TOO_EARLY',
    );
    expectError(
      await post(staff, `/api/procurements/${project.id}/amendments`, {
        kind: 'amendment',
        text: '技术参数更正',
        affectsResponses: false,
        deadlineOn: addCalendarDays(today, 9),
      }),
      422,
      'DEADLINE_MOVED_EARLIER',
    );
    // A deadline the calendar cannot hold is refused, not stored (it would never open).
    expectError(
      await post(staff, `/api/procurements/${project.id}/amendments`, {
        kind: 'amendment',
        text: '技术参数更正',
        affectsResponses: true,
        deadlineOn: '9999-12-31',
      }),
      400,
      'VALIDATION_FAILED',
    );
    const amended = await post(staff, `/api/procurements/${project.id}/amendments`, {
      kind: 'amendment',
      text: '技术参数更正',
      affectsResponses: true,
    }).expect(201);
    expect(amended.body).toMatchObject({
      moved: true,
      deadlineAt: new Date(`${addCalendarDays(today, 15)}T09:30:00+08:00`).toISOString(),
      amendment: { deadlineBefore: addCalendarDays(today, 10), deadlineAfter: addCalendarDays(today, 15) },
    });
    expect((await get(project.id)).amendments).toHaveLength(2);

    // Negotiation's lead is 3 business days.
    const negotiated = await planned(body(negotiation(today)));
    await post(staff, `/api/procurements/${negotiated.id}/announce`).expect(200);
    const kept = await post(staff, `/api/procurements/${negotiated.id}/amendments`, {
      kind: 'amendment',
      text: '数量更正',
      affectsResponses: true,
    }).expect(201);
    expect(kept.body).toMatchObject({
      moved: false,
      amendment: { deadlineAfter: addBusinessDays(today, 3) },
    });

    // 终止 with a public reason: every received deposit falls due.
    const terminated = await post(staff, `/api/procurements/${project.id}/terminate`, {
      reason: '采购需求发生重大变化',
    }).expect(200);
    expect(terminated.body).toMatchObject({
      status: 'terminated',
      terminationReason: '采购需求发生重大变化',
    });
    expect((await get(project.id)).terminationReason).toBe('采购需求发生重大变化');
    const due = await queryRows<{ refund_due_on: string | null; state: string }>(
      ownerDb,
      `SELECT refund_due_on::text, state FROM deposits WHERE host_type = 'procurement_project' AND host_id = $1 AND registration_id = $2`,
      [project.id, first],
    );
    expect(due[0].refund_due_on).not.toBeNull();
    expectError(
      await post(staff, `/api/procurements/${project.id}/terminate`, { reason: 'x' }),
      409,
      'INVALID_STATE_TRANSITION',
    );
  });

  it('publicises a single source ≥ 5 business days and negotiates only once the publicity is over', async () => {
    const project = await planned(body(singleSource(today)));
    expectError(
      await post(staff, `/api/procurements/${project.id}/announce`),
      409,
      'INVALID_STATE_TRANSITION',
    );
    const publicised = await post(staff, `/api/procurements/${project.id}/publicise`).expect(200);
    expect(publicised.body).toMatchObject({
      status: 'prior_publicity',
      publicisedOn: today,
      deadlineAt: null,
    });
    const shown = await get(project.id);
    expect(shown).toMatchObject({
      singleSourceSupplier: '某专利设备制造有限公司',
      publicityEndsOn: addBusinessDays(today, 5),
    });
    const early = expectError(
      await post(staff, `/api/procurements/${project.id}/conclude-publicity`),
      409,
      'PUBLICITY_NOT_ENDED',
    );
    expect(early.details).toEqual({
      publicityEndsOn: addBusinessDays(today, 5),
      earliestConcludedOn: addCalendarDays(addBusinessDays(today, 5), 1),
    });
    // The publicity's last day passed (moved into the past in the database).
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET publicity_starts_on = $2, publicity_ends_on = $3 WHERE id = $1`,
      [project.id, addCalendarDays(today, -8), addCalendarDays(today, -1)],
    );
    const concluded = await post(staff, `/api/procurements/${project.id}/conclude-publicity`).expect(200);
    expect(concluded.body.status).toBe('responding');
    const trail = await queryRows<{ action: string }>(
      ownerDb,
      `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`,
      [project.id],
    );
    expect(trail.map((row) => row.action)).toEqual([
      'procurement.created',
      'procurement.publicise',
      'procurement.conclude_publicity',
    ]);
  });

  it('picks the invited suppliers at random from the qualified with a recorded seed, replayable by a supervisor', async () => {
    const project = await planned(body(invitedTender(today)));
    await post(staff, `/api/procurements/${project.id}/announce`).expect(200);
    const registrations = await registerAndQualify(project.id, suppliers);
    expect(registrations).toHaveLength(4);
    const early = expectError(
      await post(staff, `/api/procurements/${project.id}/invitations/draw`, { count: 3 }),
      409,
      'QUALIFICATION_CALL_NOT_ENDED',
    );
    expect(early.details).toMatchObject({ qualificationCallEndsOn: addBusinessDays(today, 5) });
    expectError(
      await post(supervisor, `/api/procurements/${project.id}/invitations/replay`),
      404,
      'INVITATION_DRAW_NOT_FOUND',
    );
    // The call ended yesterday and the documents are issued today (moved in the database).
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET qualification_call_starts_on = $2, qualification_call_ends_on = $3,
         documents_issued_on = $4 WHERE id = $1`,
      [project.id, addCalendarDays(today, -8), addCalendarDays(today, -1), today],
    );
    // The call is over: no more applications.
    expectError(
      await post(suppliers[0], `/api/procurements/${project.id}/registrations`, {
        organizationCode: SUPPLIER_CODES[0],
      }),
      422,
      'REGISTRATION_CLOSED',
    );
    // A documents' day already past: the invited would get less than the response period.
    await queryRows(ownerDb, `UPDATE procurement_projects SET documents_issued_on = $2 WHERE id = $1`, [
      project.id,
      addCalendarDays(today, -1),
    ]);
    const late = expectError(
      await post(staff, `/api/procurements/${project.id}/invitations/draw`, { count: 3 }),
      422,
      'INVITATION_DRAW_TOO_LATE',
    );
    expect(late.details).toEqual({ documentsIssuedOn: addCalendarDays(today, -1) });
    await queryRows(ownerDb, `UPDATE procurement_projects SET documents_issued_on = $2 WHERE id = $1`, [
      project.id,
      today,
    ]);
    const before = await tableContents(dbUrl, TABLES);
    const tooMany = expectError(
      await post(staff, `/api/procurements/${project.id}/invitations/draw`, { count: 5 }),
      422,
      'TOO_FEW_SUPPLIERS',
    );
    expect(tooMany.details).toMatchObject({ qualified: 4, minimum: 5 });
    expect(await tableContents(dbUrl, TABLES)).toEqual(before);

    const drawn = await post(staff, `/api/procurements/${project.id}/invitations/draw`, { count: 3 }).expect(
      201,
    );
    const ids = suppliers.map((supplier) => supplier.id);
    expect(drawn.body).toMatchObject({ seed: expect.stringMatching(/^[0-9a-f]{64}$/), count: 3 });
    expect(drawn.body.candidates).toEqual([...ids].sort());
    expect(drawn.body.picks).toHaveLength(3);
    expect(new Set(drawn.body.picks).size).toBe(3);
    for (const pick of drawn.body.picks) expect(ids).toContain(pick);
    // Documents are due today: the draw issues them.
    expect((await get(project.id)).status).toBe('responding');
    expectError(
      await post(staff, `/api/procurements/${project.id}/invitations/draw`, { count: 3 }),
      409,
      'INVITATION_ALREADY_DRAWN',
    );

    const replayed = await post(supervisor, `/api/procurements/${project.id}/invitations/replay`).expect(200);
    expect(replayed.body).toMatchObject({
      matches: true,
      seed: drawn.body.seed,
      candidates: drawn.body.candidates,
      picks: drawn.body.picks,
    });
    const [audited] = await queryRows<{ payload: string }>(
      ownerDb,
      `SELECT payload FROM audit_log WHERE entity_id = $1 AND action = 'procurement.invitations_drawn'`,
      [project.id],
    );
    for (const recorded of [drawn.body.seed, ...drawn.body.picks])
      expect(audited.payload).toContain(recorded);
    // Through the API, before the opening, the trail keeps who was invited sealed.
    const trail = await as(supervisor)(
      request(api.url).get(`/api/audit?entityId=${project.id}&limit=100`),
    ).expect(200);
    const entry = trail.body.items.find(
      (item: { action: string }) => item.action === 'procurement.invitations_drawn',
    );
    expect(entry).toMatchObject({ data: { sealed: true }, payload: null });
    for (const pick of drawn.body.picks) expect(JSON.stringify(trail.body)).not.toContain(pick);
    // A tampered record (one pick swapped for a supplier the seed did not pick) no longer replays.
    const notPicked = drawn.body.candidates.find((id: string) => !drawn.body.picks.includes(id));
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET invitation_draw = jsonb_set(invitation_draw, '{picks,0}', to_jsonb($2::text)) WHERE id = $1`,
      [project.id, notPicked],
    );
    const tampered = await post(supervisor, `/api/procurements/${project.id}/invitations/replay`).expect(200);
    expect(tampered.body).toMatchObject({ matches: false, picks: drawn.body.picks });
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET invitation_draw = jsonb_set(invitation_draw, '{picks,0}', to_jsonb($2::text)) WHERE id = $1`,
      [project.id, drawn.body.picks[0]],
    );

    // Only the invited respond; qualification is frozen after the draw.
    const outsider = suppliers.find((supplier) => !drawn.body.picks.includes(supplier.id))!;
    const invited = suppliers.find((supplier) => drawn.body.picks.includes(supplier.id))!;
    expectError(
      await as(outsider)(request(api.url).put(`/api/procurements/${project.id}/response`)).send({
        price: 4_000_000,
      }),
      422,
      'NOT_INVITED',
    );
    await as(invited)(request(api.url).put(`/api/procurements/${project.id}/response`))
      .send({ price: 4_000_000 })
      .expect(200);
    expectError(
      await post(staff, `/api/procurements/${project.id}/registrations/${registrations[0]}/reject`, {
        reason: 'x',
      }),
      409,
      'INVITATION_ALREADY_DRAWN',
    );
  });

  it('fails an invited tender with too few qualified to invite (废标 with a public reason), its deposits due', async () => {
    const project = await planned(body(invitedTender(today)));
    await post(staff, `/api/procurements/${project.id}/announce`).expect(200);
    await registerAndQualify(project.id, suppliers.slice(0, 2));
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET qualification_call_starts_on = $2, qualification_call_ends_on = $3 WHERE id = $1`,
      [project.id, addCalendarDays(today, -8), addCalendarDays(today, -1)],
    );
    const short = expectError(
      await post(staff, `/api/procurements/${project.id}/invitations/draw`, { count: 3 }),
      422,
      'TOO_FEW_SUPPLIERS',
    );
    expect(short.details).toMatchObject({ qualified: 2, minimum: 3 });
    const reason = '资格审查合格的供应商不足3家';
    const failed = await post(staff, `/api/procurements/${project.id}/fail`, { reason }).expect(200);
    expect(failed.body).toMatchObject({ status: 'failed', failedReason: reason });
    expect(await get(project.id)).toMatchObject({ status: 'failed', failedReason: reason });
    const deposits = await queryRows<{ refund_due_on: string | null }>(
      ownerDb,
      `SELECT refund_due_on::text FROM deposits WHERE host_type = 'procurement_project' AND host_id = $1`,
      [project.id],
    );
    expect(deposits).toHaveLength(2);
    for (const deposit of deposits) expect(deposit.refund_due_on).not.toBeNull();
    expectError(
      await post(staff, `/api/procurements/${project.id}/fail`, { reason }),
      409,
      'INVALID_STATE_TRANSITION',
    );
    // A responding open tender cannot be failed by hand: its opening decides.
    const responding = await planned(body(openTender(today)));
    await post(staff, `/api/procurements/${responding.id}/announce`).expect(200);
    expectError(
      await post(staff, `/api/procurements/${responding.id}/fail`, { reason }),
      409,
      'INVALID_STATE_TRANSITION',
    );
  });

  it("takes an invited tender's applications only during its call for qualification", async () => {
    const project = await planned(body(invitedTender(addCalendarDays(today, 1))));
    await post(staff, `/api/procurements/${project.id}/announce`).expect(200);
    const early = expectError(
      await post(suppliers[0], `/api/procurements/${project.id}/registrations`, {
        organizationCode: SUPPLIER_CODES[0],
      }),
      422,
      'REGISTRATION_NOT_OPEN',
    );
    expect(early.details).toEqual({ qualificationCallStartsOn: addCalendarDays(today, 1) });
  });

  it('answers bad input on every endpoint with a 4xx and its code, writing nothing', async () => {
    const project = await planned(body(openTender(today)));
    const planOnly = await planned(body(openTender(today)));
    await post(staff, `/api/procurements/${project.id}/announce`).expect(200);
    const [registrationId] = await registerAndQualify(project.id, [suppliers[0]]);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const base = `/api/procurements/${project.id}`;
    const cases: [string, () => request.Test, number, string][] = [
      ['create: empty', () => create({}), 400, 'VALIDATION_FAILED'],
      [
        'create: unknown method',
        () => create(body(openTender(today), { method: 'auction' })),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: budget as text',
        () => create(body(openTender(today), { budget: '100' })),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: budget in yuan',
        () => create(body(openTender(today), { budget: 1.5 })),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: bad org code',
        () => create(body(openTender(today), { purchaserOrgCode: 'X' })),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: null',
        () => create(body(openTender(today), { documentsAvailableUntil: null })),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: bad date',
        () => create(body(openTender(today), { deadlineOn: '2026-02-30x' })),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: anonymous',
        () =>
          request(api.url)
            .post('/api/procurements')
            .send(body(openTender(today))),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'create: supplier',
        () => as(suppliers[1])(request(api.url).post('/api/procurements')).send(body(openTender(today))),
        403,
        'FORBIDDEN',
      ],
      [
        'edit: bad id',
        () => as(staff)(request(api.url).patch('/api/procurements/nope')).send({ title: 'x' }),
        400,
        'INVALID_ID',
      ],
      [
        'edit: unknown',
        () => as(staff)(request(api.url).patch(`/api/procurements/${unknown}`)).send({ title: 'x' }),
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'edit: negative budget',
        () => as(staff)(request(api.url).patch(`/api/procurements/${planOnly.id}`)).send({ budget: -1 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'edit: short period',
        () =>
          as(staff)(request(api.url).patch(`/api/procurements/${planOnly.id}`)).send({
            deadlineOn: addCalendarDays(today, 19),
          }),
        422,
        'BID_PERIOD_TOO_SHORT',
      ],
      [
        'announce: unknown',
        () => post(staff, `/api/procurements/${unknown}/announce`),
        404,
        'LISTING_NOT_FOUND',
      ],
      ['announce: again', () => post(staff, `${base}/announce`), 409, 'INVALID_STATE_TRANSITION'],
      ['publicise: open tender', () => post(staff, `${base}/publicise`), 409, 'INVALID_STATE_TRANSITION'],
      [
        'conclude: open tender',
        () => post(staff, `${base}/conclude-publicity`),
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'amend: bad kind',
        () => post(staff, `${base}/amendments`, { kind: 'x', text: 'y', affectsResponses: true }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'amend: no text',
        () => post(staff, `${base}/amendments`, { kind: 'amendment', affectsResponses: true }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'amend: planned',
        () =>
          post(staff, `/api/procurements/${planOnly.id}/amendments`, {
            kind: 'amendment',
            text: 'y',
            affectsResponses: true,
          }),
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['fail: no reason', () => post(staff, `${base}/fail`, {}), 400, 'VALIDATION_FAILED'],
      [
        'fail: responding',
        () => post(staff, `${base}/fail`, { reason: 'x' }),
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['terminate: no reason', () => post(staff, `${base}/terminate`, {}), 400, 'VALIDATION_FAILED'],
      [
        'terminate: supplier',
        () => post(suppliers[0], `${base}/terminate`, { reason: 'x' }),
        403,
        'FORBIDDEN',
      ],
      [
        'list: bad status',
        () => request(api.url).get('/api/procurements?status=open'),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'list: bad method',
        () => request(api.url).get('/api/procurements?method=auction'),
        400,
        'VALIDATION_FAILED',
      ],
      ['list: bad limit', () => request(api.url).get('/api/procurements?limit=0'), 400, 'VALIDATION_FAILED'],
      ['get: bad id', () => request(api.url).get('/api/procurements/1'), 400, 'INVALID_ID'],
      [
        'get: planned, public',
        () => request(api.url).get(`/api/procurements/${planOnly.id}`),
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'register: bad code',
        () => post(suppliers[1], `${base}/registrations`, { organizationCode: '123' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'register: staff',
        () => post(staff, `${base}/registrations`, { organizationCode: SUPPLIER_CODES[1] }),
        403,
        'FORBIDDEN',
      ],
      [
        'register: planned',
        () =>
          post(suppliers[1], `/api/procurements/${planOnly.id}/registrations`, {
            organizationCode: SUPPLIER_CODES[1],
          }),
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'registrations: supplier',
        () => as(suppliers[0])(request(api.url).get(`${base}/registrations`)),
        403,
        'FORBIDDEN',
      ],
      [
        'qualify: no body',
        () => post(staff, `${base}/registrations/${registrationId}/qualify`, {}),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'qualify: bad id',
        () => post(staff, `${base}/registrations/x/qualify`, { depositReceived: true }),
        400,
        'INVALID_ID',
      ],
      [
        'qualify: decided',
        () => post(staff, `${base}/registrations/${registrationId}/qualify`, { depositReceived: true }),
        409,
        'REGISTRATION_ALREADY_DECIDED',
      ],
      [
        'reject: no reason',
        () => post(staff, `${base}/registrations/${registrationId}/reject`, {}),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'draw: not invited',
        () => post(staff, `${base}/invitations/draw`, { count: 3 }),
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'draw: count 2',
        () => post(staff, `${base}/invitations/draw`, { count: 2 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'draw: supervisor',
        () => post(supervisor, `${base}/invitations/draw`, { count: 3 }),
        403,
        'FORBIDDEN',
      ],
      ['replay: staff', () => post(staff, `${base}/invitations/replay`), 403, 'FORBIDDEN'],
      [
        'replay: none',
        () => post(supervisor, `${base}/invitations/replay`),
        404,
        'INVITATION_DRAW_NOT_FOUND',
      ],
      [
        'response: price 0',
        () => as(suppliers[0])(request(api.url).put(`${base}/response`)).send({ price: 0 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'response: price text',
        () => as(suppliers[0])(request(api.url).put(`${base}/response`)).send({ price: '1' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'response: not qualified',
        () => as(suppliers[2])(request(api.url).put(`${base}/response`)).send({ price: 1 }),
        422,
        'NOT_QUALIFIED',
      ],
      [
        'withdraw: none',
        () => as(suppliers[0])(request(api.url).delete(`${base}/response`)),
        404,
        'SEALED_BID_NOT_FOUND',
      ],
      ['withdraw: staff', () => as(staff)(request(api.url).delete(`${base}/response`)), 403, 'FORBIDDEN'],
      [
        'opening record: sealed',
        () => request(api.url).get(`${base}/opening-record`),
        409,
        'SEALED_UNTIL_OPENING',
      ],
      [
        'my registrations: anonymous',
        () => request(api.url).get('/api/me/procurement-registrations'),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'my registrations: bad limit',
        () => as(suppliers[0])(request(api.url).get('/api/me/procurement-registrations?limit=x')),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'my responses: staff',
        () => as(staff)(request(api.url).get('/api/me/procurement-responses')),
        403,
        'FORBIDDEN',
      ],
    ];
    const before = await tableContents(dbUrl, [...TABLES, 'sealed_bids']);
    for (const [what, call, status, code] of cases) {
      const response = await call();
      try {
        expectError(response, status, code);
      } catch (error) {
        throw new Error(`${what}: ${response.status} ${response.text}`, { cause: error });
      }
    }
    expect(await tableContents(dbUrl, [...TABLES, 'sealed_bids'])).toEqual(before);
  });

  it('documents every procurement endpoint in the OpenAPI document', async () => {
    const doc = (await request(api.url).get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const expected: [string, string][] = [
      ['/api/procurements', 'post'],
      ['/api/procurements', 'get'],
      ['/api/procurements/{id}', 'patch'],
      ['/api/procurements/{id}', 'get'],
      ['/api/procurements/{id}/announce', 'post'],
      ['/api/procurements/{id}/publicise', 'post'],
      ['/api/procurements/{id}/conclude-publicity', 'post'],
      ['/api/procurements/{id}/amendments', 'post'],
      ['/api/procurements/{id}/terminate', 'post'],
      ['/api/procurements/{id}/fail', 'post'],
      ['/api/procurements/{id}/registrations', 'post'],
      ['/api/procurements/{id}/registrations', 'get'],
      ['/api/procurements/{id}/registrations/{regId}/qualify', 'post'],
      ['/api/procurements/{id}/registrations/{regId}/reject', 'post'],
      ['/api/procurements/{id}/invitations/draw', 'post'],
      ['/api/procurements/{id}/invitations/replay', 'post'],
      ['/api/procurements/{id}/response', 'put'],
      ['/api/procurements/{id}/response', 'delete'],
      ['/api/procurements/{id}/opening-record', 'get'],
      ['/api/me/procurement-registrations', 'get'],
      ['/api/me/procurement-responses', 'get'],
    ];
    for (const [path, method] of expected) expect(doc.paths[path]?.[method]).toBeDefined();
  });
});
