import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import { centreDays } from './support/transfers.js';

const OWNER_CODE = '91360100MA35F6GX2N';
// Published codes of real companies, used here only as well-formed suppliers' codes.
const SUPPLIER_CODES = ['914403001922038216', '9144030071526726XG', '91330100799655058B'];
const SHA = 'c'.repeat(64);
const ESTIMATE = 2_000_000_000; // 2,000万元

/**
 * Construction tenders up to the opening on the real platform: the statutory periods refused
 * each with its own code at their boundaries, the notice, bidding opening on the day the
 * documents are issued (the worker's step), suppliers registering with their organisation and
 * deposit, amendments that move the deadline as 实施条例 第21条 says, termination, what the
 * public may see, and bad input on every endpoint.
 */
describe('construction tenders (建筑工程招投标), to the opening', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let suppliers: TestUser[];
  let today: string;
  let ownerDb: string;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;

  /** A schedule from `start`: sale 5 days, documents issued at once, deadline 20 days after. */
  const schedule = (start: string) => ({
    saleStartsOn: start,
    saleEndsOn: addCalendarDays(start, 5),
    documentsIssuedOn: start,
    bidDeadlineOn: addCalendarDays(start, 20),
  });

  const body = (overrides: Record<string, unknown> = {}) => ({
    title: '东湖区某小学教学楼新建工程施工',
    ownerName: '南昌市东湖区教育局',
    ownerOrgCode: OWNER_CODE,
    kind: 'building',
    description: '框架结构五层,建筑面积 6,000 平方米',
    estimatedPrice: ESTIMATE,
    stateFunded: true,
    evaluationMethod: 'comprehensive_scoring',
    criteria: [
      { id: 'technical', weight: 60, kind: 'scored' },
      { id: 'price', weight: 40, kind: 'price_formula' },
    ],
    bidderConditions: '建筑工程施工总承包二级及以上资质',
    deposit: 40_000_000,
    documents: [{ name: '招标文件.pdf', sha256: SHA }],
    bidDeadlineTime: '09:30',
    ...schedule(today),
    ...overrides,
  });

  async function createTender(overrides: Record<string, unknown> = {}) {
    const created = await as(staff)(request(api.url).post('/api/tenders')).send(body(overrides)).expect(201);
    return created.body as { id: string; code: string; status: string };
  }

  async function announcedTender(overrides: Record<string, unknown> = {}) {
    const tender = await createTender(overrides);
    const announced = await as(staff)(request(api.url).post(`/api/tenders/${tender.id}/announce`)).expect(
      200,
    );
    return announced.body as { id: string; status: string; bidDeadlineOn: string; bidDeadlineAt: string };
  }

  const get = async (id: string, user?: TestUser) =>
    (await as(user)(request(api.url).get(`/api/tenders/${id}`)).expect(200)).body;

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    staff = await createOperator(platform.env.config, api.url, 'staff');
    supervisor = await createOperator(platform.env.config, api.url, 'supervisor');
    suppliers = await Promise.all([0, 1, 2, 3].map(() => registerBidder(api.url)));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('refuses each statutory period one day short with its own code, and takes it on the day', async () => {
    const refusals: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
      [
        'a bid deadline 19 days after the documents',
        { bidDeadlineOn: addCalendarDays(today, 19) },
        'BID_PERIOD_TOO_SHORT',
        { earliestBidDeadlineOn: addCalendarDays(today, 20), requiredDays: 20 },
      ],
      [
        'a sale of 4 days',
        { saleEndsOn: addCalendarDays(today, 4) },
        'DOCUMENT_SALE_TOO_SHORT',
        { earliestSaleEndsOn: addCalendarDays(today, 5), requiredDays: 5 },
      ],
      [
        'a deposit over 2% of the estimate (by one fen)',
        { deposit: ESTIMATE / 50 + 1 },
        'DEPOSIT_ABOVE_LIMIT',
        { maxDeposit: ESTIMATE / 50, maxPercent: 2 },
      ],
      [
        'a sale that started yesterday',
        schedule(addCalendarDays(today, -1)),
        'SCHEDULE_IN_PAST',
        { saleStartsOn: addCalendarDays(today, -1), today },
      ],
    ];
    const before = await tableContents(platform.env.config.DATABASE_URL, ['tender_projects', 'audit_log']);
    for (const [, overrides, code, details] of refusals) {
      const refused = await as(staff)(request(api.url).post('/api/tenders')).send(body(overrides));
      expectError(refused, 422, code);
      expect(refused.body.details).toMatchObject(details);
    }
    expect(await tableContents(platform.env.config.DATABASE_URL, ['tender_projects', 'audit_log'])).toEqual(
      before,
    );

    // On the boundary each is allowed: 20 days, 5 days of sale, exactly 2%, a sale from today.
    const onTheDay = await createTender({ deposit: ESTIMATE / 50 });
    expect(onTheDay).toMatchObject({ status: 'registered', code: expect.stringMatching(/^ZB\d{8}$/) });
    const shown = await get(onTheDay.id, staff);
    expect(shown).toMatchObject({
      bidDeadlineOn: addCalendarDays(today, 20),
      deadlines: {
        earliestSaleEndsOn: addCalendarDays(today, 5),
        earliestBidDeadlineOn: addCalendarDays(today, 20),
        documentObjectionsUntilOn: addCalendarDays(today, 10),
        amendmentsWithoutMoveUntilOn: addCalendarDays(today, 5),
      },
    });
  });

  it('keeps a registered tender from the public, announces it, and opens bidding on the day the documents are issued', async () => {
    const draft = await createTender();
    expectError(await request(api.url).get(`/api/tenders/${draft.id}`), 404, 'LISTING_NOT_FOUND');
    const publicList = await request(api.url).get('/api/tenders').expect(200);
    expect(publicList.body.items.map((item: { id: string }) => item.id)).not.toContain(draft.id);

    // Documents issued today: the notice opens bidding in the same step.
    const announced = await as(staff)(request(api.url).post(`/api/tenders/${draft.id}/announce`)).expect(200);
    expect(announced.body).toMatchObject({ status: 'bidding', announcedOn: today });
    const [deadline] = await queryRows<{ at: Date }>(
      ownerDb,
      `SELECT bid_deadline_at AS at FROM tender_projects WHERE id = $1`,
      [draft.id],
    );
    // 09:30 China time on the deadline's day.
    expect(deadline.at.toISOString()).toBe(
      new Date(`${addCalendarDays(today, 20)}T09:30:00+08:00`).toISOString(),
    );
    expect(announced.body.bidDeadlineAt).toBe(
      new Date(`${addCalendarDays(today, 20)}T09:30:00+08:00`).toISOString(),
    );

    // Documents issued tomorrow: announced now, bidding once the day comes (the worker's step,
    // here by moving the day into the past in the database and letting the sweeper act).
    const later = await createTender({
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: addCalendarDays(today, 1),
      bidDeadlineOn: addCalendarDays(today, 21),
    });
    const waiting = await as(staff)(request(api.url).post(`/api/tenders/${later.id}/announce`)).expect(200);
    expect(waiting.body.status).toBe('announced');
    await queryRows(ownerDb, `UPDATE tender_projects SET documents_issued_on = $2 WHERE id = $1`, [
      later.id,
      today,
    ]);
    await waitFor(async () => (await get(later.id)).status === 'bidding' || undefined, 15_000, 'bidding');
    const trail = await queryRows<{ action: string; actor_id: string | null }>(
      ownerDb,
      `SELECT action, actor_id FROM audit_log WHERE entity_id = $1 ORDER BY seq`,
      [later.id],
    );
    expect(trail.map((entry) => entry.action)).toEqual([
      'tender.created',
      'tender.announce',
      'tender.open_bidding',
    ]);
    expect(trail[2].actor_id).toBeNull();

    // Announced twice: refused by the lifecycle table.
    expectError(
      await as(staff)(request(api.url).post(`/api/tenders/${later.id}/announce`)),
      409,
      'INVALID_STATE_TRANSITION',
    );
  });

  it('registers suppliers with their organisation and deposit, qualifies them, and refuses the owner', async () => {
    const tender = await announcedTender();
    const register = (user: TestUser, organizationCode: string) =>
      as(user)(request(api.url).post(`/api/tenders/${tender.id}/registrations`)).send({
        organizationCode,
      });
    const applied = await register(suppliers[0], SUPPLIER_CODES[0]).expect(201);
    expect(applied.body).toMatchObject({ status: 'pending', depositId: expect.any(String) });
    expectError(await register(suppliers[0], SUPPLIER_CODES[0]), 409, 'ALREADY_REGISTERED');
    expectError(await register(suppliers[1], OWNER_CODE), 422, 'SUPPLIER_IS_OWNER');
    // One organisation applies once: another account cannot take a code already registered.
    expectError(await register(suppliers[1], SUPPLIER_CODES[0]), 409, 'ORGANIZATION_ALREADY_REGISTERED');
    expectError(await register(suppliers[1], '91360100MA35F6GX2J'), 400, 'VALIDATION_FAILED');

    const qualify = (registrationId: string, depositReceived: boolean) =>
      as(staff)(
        request(api.url).post(`/api/tenders/${tender.id}/registrations/${registrationId}/qualify`),
      ).send({ depositReceived });
    expectError(await qualify(applied.body.id, false), 422, 'DEPOSIT_NOT_RECEIVED');
    const qualified = await qualify(applied.body.id, true).expect(200);
    expect(qualified.body).toMatchObject({
      status: 'qualified',
      bidderCode: expect.stringMatching(/^\d{6}$/),
    });

    const [deposit] = await queryRows<{ amount: string; state: string; host_type: string }>(
      ownerDb,
      `SELECT amount::text, state, host_type FROM deposits WHERE registration_id = $1`,
      [applied.body.id],
    );
    expect(deposit).toEqual({ amount: '40000000', state: 'received', host_type: 'tender_project' });

    const mine = await as(suppliers[0])(request(api.url).get('/api/me/tender-registrations')).expect(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        projectId: tender.id,
        organizationCode: SUPPLIER_CODES[0],
        status: 'qualified',
      }),
    ]);
    const list = await as(staff)(request(api.url).get(`/api/tenders/${tender.id}/registrations`)).expect(200);
    expect(list.body.total).toBe(1);

    // Staff see how many applied; the public does not (a count before the opening invites collusion).
    expect(await get(tender.id, staff)).toMatchObject({ registrations: 1, qualifiedSuppliers: 1 });
    const shown = await get(tender.id);
    expect(shown).not.toHaveProperty('registrations');
    expect(shown).not.toHaveProperty('qualifiedSuppliers');
    expect(JSON.stringify(shown)).not.toContain(suppliers[0].id);

    // A tender without a deposit qualifies without one.
    const free = await announcedTender({ deposit: 0 });
    const noDeposit = await as(suppliers[1])(request(api.url).post(`/api/tenders/${free.id}/registrations`))
      .send({ organizationCode: SUPPLIER_CODES[1] })
      .expect(201);
    expect(noDeposit.body.depositId).toBeNull();
    await as(staff)(
      request(api.url).post(`/api/tenders/${free.id}/registrations/${noDeposit.body.id}/qualify`),
    )
      .send({ depositReceived: false })
      .expect(200);
  });

  it('moves the deadline for a late amendment that may affect the bids (实施条例 第21条), never for one that cannot', async () => {
    // A deadline 20 days out: amendments until 5 days from now leave it; later ones move it.
    const tender = await announcedTender();
    const notice = (overrides: Record<string, unknown>) =>
      as(staff)(request(api.url).post(`/api/tenders/${tender.id}/amendments`)).send({
        kind: 'amendment',
        text: '第 3 章工程量清单修改',
        documents: [{ name: '招标文件修改.pdf', sha256: SHA }],
        affectsBidPreparation: true,
        ...overrides,
      });
    // 20 days before the deadline is more than 15: the deadline stays.
    const early = await notice({}).expect(201);
    expect(early.body.amendment).toMatchObject({
      kind: 'amendment',
      publishedOn: today,
      bidDeadlineBefore: addCalendarDays(today, 20),
      bidDeadlineAfter: addCalendarDays(today, 20),
    });

    // Move the deadline to 10 days from now in the database: a later amendment is then late.
    const tenDays = addCalendarDays(today, 10);
    await queryRows(
      ownerDb,
      `UPDATE tender_projects SET bid_deadline_on = $2, bid_deadline_at = ($2::date + time '09:30') AT TIME ZONE 'Asia/Shanghai' WHERE id = $1`,
      [tender.id, tenDays],
    );
    const clarification = await notice({ kind: 'clarification', affectsBidPreparation: false }).expect(201);
    expect(clarification.body.amendment.bidDeadlineAfter).toBe(tenDays);
    // Asking for a day between the old deadline and the law's is refused, with the law's day.
    const tooEarly = await notice({ bidDeadlineOn: addCalendarDays(today, 12) });
    expectError(tooEarly, 422, 'AMENDMENT_DEADLINE_TOO_EARLY');
    expect(tooEarly.body.details).toMatchObject({ earliestBidDeadlineOn: addCalendarDays(today, 15) });
    const moved = await notice({}).expect(201);
    expect(moved.body.amendment).toMatchObject({
      bidDeadlineBefore: tenDays,
      bidDeadlineAfter: addCalendarDays(today, 15),
    });
    expect(moved.body.project).toMatchObject({
      bidDeadlineOn: addCalendarDays(today, 15),
      bidDeadlineAt: new Date(`${addCalendarDays(today, 15)}T09:30:00+08:00`).toISOString(),
    });
    // Staff may ask for a later day than the law's, never an earlier one, nor one the law forbids.
    expectError(await notice({ bidDeadlineOn: addCalendarDays(today, 14) }), 422, 'DEADLINE_MOVED_EARLIER');
    const later = await notice({ bidDeadlineOn: addCalendarDays(today, 25) }).expect(201);
    expect(later.body.amendment.bidDeadlineAfter).toBe(addCalendarDays(today, 25));

    const shown = await get(tender.id);
    expect(shown.amendments.map((n: { kind: string }) => n.kind)).toEqual([
      'amendment',
      'clarification',
      'amendment',
      'amendment',
    ]);
    expect(shown.bidDeadlineOn).toBe(addCalendarDays(today, 25));
  });

  it('terminates with a public reason; received deposits fall due; no termination after the opening stage allows', async () => {
    const tender = await announcedTender();
    const applied = await as(suppliers[2])(request(api.url).post(`/api/tenders/${tender.id}/registrations`))
      .send({ organizationCode: SUPPLIER_CODES[2] })
      .expect(201);
    await as(staff)(
      request(api.url).post(`/api/tenders/${tender.id}/registrations/${applied.body.id}/qualify`),
    )
      .send({ depositReceived: true })
      .expect(200);
    const terminated = await as(staff)(request(api.url).post(`/api/tenders/${tender.id}/terminate`))
      .send({ reason: '项目资金未落实,终止招标' })
      .expect(200);
    expect(terminated.body).toMatchObject({
      status: 'terminated',
      terminationReason: '项目资金未落实,终止招标',
    });
    expect(await get(tender.id)).toMatchObject({
      status: 'terminated',
      terminationReason: '项目资金未落实,终止招标',
    });
    const [deposit] = await queryRows<{ refund_due_on: string | null }>(
      ownerDb,
      `SELECT to_char(refund_due_on, 'YYYY-MM-DD') AS refund_due_on FROM deposits WHERE registration_id = $1`,
      [applied.body.id],
    );
    // Nothing was sold: the received deposit falls due 5 business days after the termination.
    const fiveBusinessDays = (
      await request(api.url).get('/api/calendar/deadline').query({ from: today, businessDays: 5 }).expect(200)
    ).body.date;
    expect(deposit.refund_due_on).toBe(fiveBusinessDays);
    expectError(
      await as(staff)(request(api.url).post(`/api/tenders/${tender.id}/terminate`)).send({
        reason: '再次',
      }),
      409,
      'INVALID_STATE_TRANSITION',
    );
    // A terminated tender takes no more registrations.
    expectError(
      await as(suppliers[3])(request(api.url).post(`/api/tenders/${tender.id}/registrations`)).send({
        organizationCode: SUPPLIER_CODES[0],
      }),
      422,
      'REGISTRATION_CLOSED',
    );
  });

  it('describes every tender endpoint in the OpenAPI document', async () => {
    const openApi = (await request(api.url).get('/docs-json').expect(200)).body;
    const paths = Object.keys(openApi.paths);
    for (const path of [
      '/api/tenders',
      '/api/tenders/{id}',
      '/api/tenders/{id}/announce',
      '/api/tenders/{id}/amendments',
      '/api/tenders/{id}/terminate',
      '/api/tenders/{id}/registrations',
      '/api/tenders/{id}/registrations/{regId}/qualify',
      '/api/tenders/{id}/registrations/{regId}/reject',
      '/api/me/tender-registrations',
    ])
      expect(paths).toContain(path);
    // The sealed-bid endpoints, with their methods.
    expect(Object.keys(openApi.paths['/api/tenders/{id}/bid']).sort()).toEqual(['delete', 'put']);
    expect(Object.keys(openApi.paths['/api/tenders/{id}/opening-record'])).toEqual(['get']);
    expect(Object.keys(openApi.paths['/api/me/tender-bids'])).toEqual(['get']);
    expect(Object.keys(openApi.components.schemas)).toEqual(
      expect.arrayContaining([
        'CreateTenderProjectDto',
        'TenderAmendmentDto',
        'TenderRegistrationDto',
        'SealedBidDto',
      ]),
    );
  });

  it('answers bad input on every endpoint with a 4xx and its code, and writes nothing', async () => {
    const tender = await announcedTender();
    const draft = await createTender();
    const missing = '00000000-0000-4000-8000-000000000000';
    const tables = ['tender_projects', 'tender_notices', 'registrations', 'deposits', 'audit_log'];
    const before = await tableContents(platform.env.config.DATABASE_URL, tables);
    type Case = [string, 'get' | 'post' | 'patch', string, TestUser | undefined, unknown, number, string];
    const bidder = suppliers[3];
    const cases: Case[] = [
      ['create: anonymous', 'post', '/api/tenders', undefined, body(), 401, 'UNAUTHENTICATED'],
      ['create: a bidder', 'post', '/api/tenders', bidder, body(), 403, 'FORBIDDEN'],
      ['create: a supervisor', 'post', '/api/tenders', supervisor, body(), 403, 'FORBIDDEN'],
      [
        'create: unknown field',
        'post',
        '/api/tenders',
        staff,
        body({ reserve: 1 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: estimate in yuan',
        'post',
        '/api/tenders',
        staff,
        body({ estimatedPrice: 1.5 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: estimate as a string',
        'post',
        '/api/tenders',
        staff,
        body({ estimatedPrice: '100' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: unsafe estimate',
        'post',
        '/api/tenders',
        staff,
        body({ estimatedPrice: 2 ** 53 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: bad org code',
        'post',
        '/api/tenders',
        staff,
        body({ ownerOrgCode: '91360100MA35F6GX2J' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: lower-case org code',
        'post',
        '/api/tenders',
        staff,
        body({ ownerOrgCode: OWNER_CODE.toLowerCase() }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: unknown kind',
        'post',
        '/api/tenders',
        staff,
        body({ kind: 'bridge' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: 31 February',
        'post',
        '/api/tenders',
        staff,
        body({ bidDeadlineOn: '2027-02-31' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: time 24:00',
        'post',
        '/api/tenders',
        staff,
        body({ bidDeadlineTime: '24:00' }),
        400,
        'VALIDATION_FAILED',
      ],
      ['create: null title', 'post', '/api/tenders', staff, body({ title: null }), 400, 'VALIDATION_FAILED'],
      [
        'create: title too long',
        'post',
        '/api/tenders',
        staff,
        body({ title: 'x'.repeat(201) }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: document hash upper case',
        'post',
        '/api/tenders',
        staff,
        body({ documents: [{ name: 'a', sha256: 'C'.repeat(64) }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: deadline before the sale ends',
        'post',
        '/api/tenders',
        staff,
        body({ bidDeadlineOn: addCalendarDays(today, 3) }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: a flat applicationsDueOn (prequalification is a nested object)',
        'post',
        '/api/tenders',
        staff,
        body({ applicationsDueOn: addCalendarDays(today, 12) }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'edit: announced',
        'patch',
        `/api/tenders/${tender.id}`,
        staff,
        { title: '新' },
        409,
        'LISTING_NOT_EDITABLE',
      ],
      [
        'edit: 19 days',
        'patch',
        `/api/tenders/${draft.id}`,
        staff,
        { bidDeadlineOn: addCalendarDays(today, 19) },
        422,
        'BID_PERIOD_TOO_SHORT',
      ],
      ['edit: bad id', 'patch', '/api/tenders/not-a-uuid', staff, { title: '新' }, 400, 'INVALID_ID'],
      ['edit: missing', 'patch', `/api/tenders/${missing}`, staff, { title: '新' }, 404, 'LISTING_NOT_FOUND'],
      [
        'announce: a bidder',
        'post',
        `/api/tenders/${draft.id}/announce`,
        bidder,
        undefined,
        403,
        'FORBIDDEN',
      ],
      [
        'announce: missing',
        'post',
        `/api/tenders/${missing}/announce`,
        staff,
        undefined,
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'get: a draft, anonymous',
        'get',
        `/api/tenders/${draft.id}`,
        undefined,
        undefined,
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'get: a draft, a bidder',
        'get',
        `/api/tenders/${draft.id}`,
        bidder,
        undefined,
        404,
        'LISTING_NOT_FOUND',
      ],
      ['get: upper-case junk id', 'get', '/api/tenders/ZZZ', undefined, undefined, 400, 'INVALID_ID'],
      [
        'list: unknown status',
        'get',
        '/api/tenders?status=won',
        undefined,
        undefined,
        400,
        'VALIDATION_FAILED',
      ],
      ['list: limit 0', 'get', '/api/tenders?limit=0', undefined, undefined, 400, 'VALIDATION_FAILED'],
      [
        'amendment: a draft',
        'post',
        `/api/tenders/${draft.id}/amendments`,
        staff,
        { kind: 'clarification', text: '澄清', affectsBidPreparation: false },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'amendment: unknown kind',
        'post',
        `/api/tenders/${tender.id}/amendments`,
        staff,
        { kind: 'memo', text: '澄清', affectsBidPreparation: false },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'amendment: no summary',
        'post',
        `/api/tenders/${tender.id}/amendments`,
        staff,
        { kind: 'clarification', text: '', affectsBidPreparation: false },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'amendment: 30 February',
        'post',
        `/api/tenders/${tender.id}/amendments`,
        staff,
        { kind: 'amendment', text: '修改', affectsBidPreparation: true, bidDeadlineOn: '2027-02-30' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: year 9999',
        'post',
        '/api/tenders',
        staff,
        body({ bidDeadlineOn: '9999-12-31' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: a lone surrogate in a document name',
        'post',
        '/api/tenders',
        staff,
        body({ documents: [{ name: 'a\udc00', sha256: SHA }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'amendment: affectsBidPreparation missing',
        'post',
        `/api/tenders/${tender.id}/amendments`,
        staff,
        { kind: 'clarification', text: '澄清' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'amendment: a bidder',
        'post',
        `/api/tenders/${tender.id}/amendments`,
        bidder,
        { kind: 'clarification', text: '澄清', affectsBidPreparation: false },
        403,
        'FORBIDDEN',
      ],
      [
        'amendment: earlier deadline',
        'post',
        `/api/tenders/${tender.id}/amendments`,
        staff,
        {
          kind: 'clarification',
          text: '澄清',
          affectsBidPreparation: false,
          bidDeadlineOn: addCalendarDays(today, 19),
        },
        422,
        'DEADLINE_MOVED_EARLIER',
      ],
      [
        'terminate: no reason',
        'post',
        `/api/tenders/${tender.id}/terminate`,
        staff,
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        'terminate: a supervisor',
        'post',
        `/api/tenders/${tender.id}/terminate`,
        supervisor,
        { reason: '终止' },
        403,
        'FORBIDDEN',
      ],
      [
        'register: staff',
        'post',
        `/api/tenders/${tender.id}/registrations`,
        staff,
        { organizationCode: SUPPLIER_CODES[0] },
        403,
        'FORBIDDEN',
      ],
      [
        'register: anonymous',
        'post',
        `/api/tenders/${tender.id}/registrations`,
        undefined,
        { organizationCode: SUPPLIER_CODES[0] },
        401,
        'UNAUTHENTICATED',
      ],
      [
        'register: no org code',
        'post',
        `/api/tenders/${tender.id}/registrations`,
        bidder,
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        'register: a draft',
        'post',
        `/api/tenders/${draft.id}/registrations`,
        bidder,
        { organizationCode: SUPPLIER_CODES[0] },
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'registrations: a bidder',
        'get',
        `/api/tenders/${tender.id}/registrations`,
        bidder,
        undefined,
        403,
        'FORBIDDEN',
      ],
      [
        'qualify: missing registration',
        'post',
        `/api/tenders/${tender.id}/registrations/${missing}/qualify`,
        staff,
        { depositReceived: true },
        404,
        'REGISTRATION_NOT_FOUND',
      ],
      [
        'qualify: bad registration id',
        'post',
        `/api/tenders/${tender.id}/registrations/x/qualify`,
        staff,
        { depositReceived: true },
        400,
        'INVALID_ID',
      ],
      [
        'qualify: depositReceived a string',
        'post',
        `/api/tenders/${tender.id}/registrations/${missing}/qualify`,
        staff,
        { depositReceived: 'yes' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'reject: no reason',
        'post',
        `/api/tenders/${tender.id}/registrations/${missing}/reject`,
        staff,
        {},
        400,
        'VALIDATION_FAILED',
      ],
      ['mine: staff', 'get', '/api/me/tender-registrations', staff, undefined, 403, 'FORBIDDEN'],
    ];
    for (const [name, method, path, user, payload, status, code] of cases) {
      const call = as(user)(request(api.url)[method](path));
      const response = payload === undefined ? await call : await call.send(payload as object);
      try {
        expectError(response, status, code);
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
      }
    }
    expect(await tableContents(platform.env.config.DATABASE_URL, tables)).toEqual(before);
  });
});
