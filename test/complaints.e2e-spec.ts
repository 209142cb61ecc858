import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { PROCUREMENT_QUEUE, TENDERS_QUEUE, tenderJobId } from '@ggzy/queues';
import { AlertsProcessor } from '../apps/worker/src/alerts.processor.js';
import { addCalendarDays, BusinessCalendar } from '../libs/domain/src/business-calendar.js';
import { bidDeadlineInstant } from '../libs/domain/src/tender-terms.js';
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
import { ask, LiveView } from './support/sockets.js';

const OWNER_CODE = '91360100MA35F6GX2N';
const SUPPLIER_CODES = ['914403001922038216', '9144030071526726XG'];
const SHA = 'c'.repeat(64);
const COMPLAINT_TABLES = ['complaints', 'complaint_document_requests', 'sanctions', 'audit_log'];
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

/**
 * Complaints and challenges (质疑 / 投诉, issue 10) on the real platform: the window of each line at
 * its boundary (the last day accepted, the next refused; a calendar-day period ending on a day off
 * runs to the next business day; business days across a holiday), the lifecycle with its deadlines
 * and overdue steps, a supervisor's suspension pausing a live lease auction for connected clients
 * and resuming it with the time it had left, the decision rules, a false complaint's ban, the
 * procurement challenge before its complaint, the published decisions, and bad input writing
 * nothing.
 */
describe('complaints (质疑 / 投诉)', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let ownerDb: string;
  let appDb: string;
  let today: string;
  const zone = () => platform.env.config.CENTRE_TZ;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  const post = (path: string, user: TestUser | undefined, body: object = {}) =>
    as(user)(request(api.url).post(path)).send(body);
  const get = (path: string, user?: TestUser) => as(user)(request(api.url).get(path));
  const sql = (text: string, params: unknown[] = []) => queryRows(ownerDb, text, params);
  /** The project's row, status, suspension and history, and the complaints on it: a refusal changes none. */
  const state = (projectId: string) => projectState(ownerDb, projectId);

  const complaintBody = (projectType: string, projectId: string, overrides: object = {}) => ({
    projectType,
    projectId,
    kind: 'complaint',
    stage: 'announcement',
    grounds: '资格条件设置排斥潜在投标人',
    attachments: [{ name: '证据.pdf', sha256: SHA }],
    ...overrides,
  });

  /** Sets which days are business days (a weekday off is a holiday; a weekend day on, a make-up day). */
  async function setDays(days: Record<string, boolean>) {
    const byYear = new Map<number, Record<string, boolean>>();
    for (const [date, business] of Object.entries(days)) {
      const year = Number(date.slice(0, 4));
      byYear.set(year, { ...byYear.get(year), [date]: business });
    }
    for (const [year, changes] of byYear) {
      const found = await get(`/api/calendar/${year}`);
      const holidays = new Set<string>(found.status === 200 ? found.body.holidays : []);
      const workdays = new Set<string>(found.status === 200 ? found.body.workdays : []);
      for (const [date, business] of Object.entries(changes)) {
        holidays.delete(date);
        workdays.delete(date);
        if (isWeekend(date) && business) workdays.add(date);
        if (!isWeekend(date) && !business) holidays.add(date);
      }
      await as(staff)(request(api.url).put(`/api/calendar/${year}`))
        .send({ holidays: [...holidays], workdays: [...workdays] })
        .expect(200);
    }
  }

  async function calendar() {
    const years = (await get('/api/calendar').expect(200)).body.items;
    return new BusinessCalendar(years);
  }

  /** Noon of a day in the centre's zone, as an instant (a publication at that day). */
  const noonOn = async (date: string) =>
    (await sql(`SELECT ($1::date + time '12:00') AT TIME ZONE $2 AS at`, [date, zone()]))[0].at as Date;

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

  /**
   * Resolves once the worker's procurement sweep has run `count` times, each started after this
   * was called (a sweep already under way may have read the rows before the caller's change).
   * Sweeps are told from the queue's other jobs by what they answer.
   */
  async function procurementSweeps(count: number) {
    const { REDIS_URL, QUEUE_PREFIX } = platform.env.config;
    const connection = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
    const events = new QueueEvents(PROCUREMENT_QUEUE, { connection, prefix: QUEUE_PREFIX });
    const started = new Set<string>();
    let swept = 0;
    events.on('active', ({ jobId }) => started.add(jobId));
    events.on('completed', ({ jobId, returnvalue }) => {
      const answer = returnvalue as unknown as Record<string, unknown> | null;
      if (started.has(jobId) && answer && typeof answer === 'object' && 'resumedAtCap' in answer) swept++;
    });
    try {
      await events.waitUntilReady();
      await waitFor(() => swept >= count, 60_000, `${count} procurement sweeps`);
    } finally {
      await events.close();
      connection.disconnect();
    }
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    appDb = platform.env.config.DATABASE_URL;
    staff = await createOperator(platform.env.config, api.url, 'staff');
    supervisor = await createOperator(platform.env.config, api.url, 'supervisor');
  });

  // The centre's day by the database's clock, read again for each test; and the days around it
  // fixed: today, and the week before it, business days but yesterday (a holiday).
  beforeEach(async () => {
    ({ today } = await centreDays(ownerDb, zone()));
    const days: Record<string, boolean> = { [today]: true, [addCalendarDays(today, -1)]: false };
    for (let back = 2; back <= 14; back++) days[addCalendarDays(today, -back)] = true;
    for (let ahead = 1; ahead <= 45; ahead++) {
      const date = addCalendarDays(today, ahead);
      days[date] = !isWeekend(date);
    }
    await setDays(days);
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** A lease listing announced with bidding an hour away and `bidders` registered and qualified. */
  async function leaseListing(bidders: TestUser[]) {
    return (
      await createPublishedListing(api.url, staff, bidders, { biddingInMs: 3_600_000, freeMs: 600_000 })
    ).id;
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

  /** An open tender announced today, its documents issued on `issuedOn` (today: responding at once). */
  async function procurement(supplier: TestUser, issuedOn = today) {
    const cal = await calendar();
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
      documentsAvailableUntil: cal.addBusinessDays(issuedOn, 5),
      deadlineOn: addCalendarDays(today, 25),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/procurements/${id}/announce`, staff).expect(200);
    await post(`/api/procurements/${id}/registrations`, supplier, {
      organizationCode: SUPPLIER_CODES[1],
    }).expect(201);
    return id;
  }

  it('a lease complaint: 5 business days across a holiday — the last day accepted, the day before refused', async () => {
    const [bidder, other] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    const listingId = await leaseListing([bidder, other]);
    const cal = await calendar();
    // Yesterday is a holiday: 6 calendar days back are 5 business days back.
    const lastDayKnew = addCalendarDays(today, -6);
    expect(cal.addBusinessDays(lastDayKnew, 5)).toBe(today);
    await sql(`UPDATE lease_listings SET published_at = $2 WHERE id = $1`, [
      listingId,
      await noonOn(addCalendarDays(today, -7)),
    ]);
    const project = await state(listingId);
    const late = expectError(
      await post('/api/complaints', bidder, complaintBody('lease', listingId, { knewOn: today })),
      422,
      'COMPLAINT_WINDOW_CLOSED',
    );
    // The publication decides, not the claim; the window ended the day before the holiday.
    expect(late.details).toMatchObject({
      opensOn: addCalendarDays(today, -7),
      closesOn: addCalendarDays(today, -2),
      period: { days: 5, unit: 'business' },
    });
    expect(await state(listingId)).toEqual(project);

    await sql(`UPDATE lease_listings SET published_at = $2 WHERE id = $1`, [
      listingId,
      await noonOn(lastDayKnew),
    ]);
    const filed = await post('/api/complaints', bidder, complaintBody('lease', listingId)).expect(201);
    expect(filed.body).toMatchObject({
      status: 'filed',
      projectType: 'lease',
      projectId: listingId,
      knewOn: lastDayKnew,
      filedOn: today,
      window: { opensOn: lastDayKnew, closesOn: today },
      attachments: [{ name: '证据.pdf', sha256: SHA }],
      decision: null,
      overdue: false,
    });
    // Accepting is due 3 business days after the filing.
    expect(filed.body.deadlines).toEqual([
      expect.objectContaining({
        step: 'accept',
        dueOn: cal.addBusinessDays(today, 3),
        metOn: null,
        overdue: false,
      }),
    ]);

    // The lifecycle: accept → investigate → documents (the days waiting are not counted) → decide.
    const id = filed.body.id as string;
    expectError(await post(`/api/complaints/${id}/investigate`, supervisor), 409, 'INVALID_STATE_TRANSITION');
    expectError(
      await post(`/api/complaints/${id}/document-requests`, supervisor, {
        addressee: '出租人',
        dueOn: addCalendarDays(today, 3),
      }),
      409,
      'DOCUMENT_REQUEST_NOT_ALLOWED',
    );
    const accepted = await post(`/api/complaints/${id}/accept`, supervisor).expect(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      acceptedOn: today,
      acceptanceDecidedOn: today,
    });
    expect(accepted.body.deadlines).toEqual([
      expect.objectContaining({ step: 'accept', metOn: today, late: false, overdue: false }),
      expect.objectContaining({ step: 'decide', dueOn: cal.addBusinessDays(today, 15), metOn: null }),
    ]);
    await post(`/api/complaints/${id}/investigate`, supervisor).expect(200);
    expectError(
      await post(`/api/complaints/${id}/document-requests`, supervisor, {
        addressee: '出租人',
        dueOn: today,
      }),
      400,
      'VALIDATION_FAILED',
    );
    const requested = await post(`/api/complaints/${id}/document-requests`, supervisor, {
      addressee: '出租人',
      dueOn: addCalendarDays(today, 5),
    }).expect(201);
    const requestId = requested.body.documentRequests[0].id as string;
    // The request was made (and the complaint accepted) 4 days ago: 2 business days spent waiting
    // (the days after the request up to today, the holiday not counted) move the decision by 2.
    const fourDaysAgo = addCalendarDays(today, -4);
    await sql(`UPDATE complaint_document_requests SET requested_on = $2 WHERE id = $1`, [
      requestId,
      fourDaysAgo,
    ]);
    await sql(
      `UPDATE complaints SET accepted_on = $2, acceptance_decided_on = $2, filed_on = $2 WHERE id = $1`,
      [id, fourDaysAgo],
    );
    const waiting = (await get(`/api/complaints/${id}`, supervisor).expect(200)).body;
    const waitedDays = [-3, -2, -1, 0].filter((back) =>
      cal.isBusinessDay(addCalendarDays(today, back)),
    ).length;
    expect(waitedDays).toBe(3);
    expect(waiting.deadlines.find((deadline: { step: string }) => deadline.step === 'decide').dueOn).toBe(
      cal.addBusinessDays(fourDaysAgo, 15 + waitedDays),
    );
    const answered = await post(`/api/complaints/${id}/document-requests/${requestId}/answer`, supervisor, {
      attachments: [{ name: '说明.pdf', sha256: 'd'.repeat(64) }],
    }).expect(200);
    expect(answered.body.documentRequests[0]).toMatchObject({ answeredOn: today });
    expectError(
      await post(`/api/complaints/${id}/document-requests/${requestId}/answer`, supervisor, {
        attachments: [],
      }),
      409,
      'DOCUMENT_REQUEST_ALREADY_ANSWERED',
    );

    // The decision rules, each refused with its code and nothing written.
    const before = await tableContents(appDb, COMPLAINT_TABLES);
    const projectBefore = await state(listingId);
    const decide = (body: object) => post(`/api/complaints/${id}/decide`, supervisor, body);
    expectError(await decide({ outcome: 'upheld', reason: '成立' }), 422, 'COMPLAINT_REMEDY_REQUIRED');
    expectError(
      await decide({ outcome: 'dismissed', remedy: 'corrected', reason: '驳回' }),
      422,
      'COMPLAINT_REMEDY_NOT_ALLOWED',
    );
    expectError(
      await decide({ outcome: 'upheld', remedy: 'corrected', foundFalse: true, reason: '成立' }),
      422,
      'FALSE_COMPLAINT_NOT_DISMISSED',
    );
    expectError(
      await post(`/api/complaints/${id}/decide`, staff, { outcome: 'dismissed', reason: '驳回' }),
      403,
      'FORBIDDEN',
    );
    expect(await tableContents(appDb, COMPLAINT_TABLES)).toEqual(before);
    expect(await state(listingId)).toEqual(projectBefore);

    // Upheld and terminated: the listing is cancelled by its own command, the reason public.
    const decided = await decide({
      outcome: 'upheld',
      remedy: 'terminated',
      reason: '资格条件违法,终止挂牌',
    }).expect(200);
    expect(decided.body).toMatchObject({
      status: 'upheld',
      decidedOn: today,
      decision: {
        outcome: 'upheld',
        remedy: 'terminated',
        foundFalse: false,
        reason: '资格条件违法,终止挂牌',
      },
    });
    const listing = (await get(`/api/lease-listings/${listingId}`).expect(200)).body;
    expect(listing.status).toBe('cancelled');
    expectError(
      await post(`/api/complaints/${id}/suspend-project`, supervisor, { reason: '暂停' }),
      409,
      'COMPLAINT_NOT_PENDING',
    );
    expectError(await post(`/api/complaints/${id}/withdraw`, bidder), 409, 'INVALID_STATE_TRANSITION');

    // The complainant follows it; the public reads the decision and nothing of who or why.
    const mine = (await get('/api/me/complaints', bidder).expect(200)).body;
    expect(mine.items).toEqual([
      expect.objectContaining({ id, status: 'upheld', decision: decided.body.decision }),
    ]);
    expect((await get('/api/me/complaints', other).expect(200)).body).toEqual({ items: [], total: 0 });
    expectError(await get(`/api/complaints/${id}`, other), 404, 'COMPLAINT_NOT_FOUND');
    const published = (await get('/api/public/complaint-decisions').expect(200)).body;
    const entry = published.items.find((item: { id: string }) => item.id === id);
    expect(entry).toEqual({
      id,
      projectType: 'lease',
      projectId: listingId,
      kind: 'complaint',
      stage: 'announcement',
      decidedOn: today,
      decision: { outcome: 'upheld', remedy: 'terminated', reason: '资格条件违法,终止挂牌' },
    });
    const text = JSON.stringify(published);
    for (const secret of [bidder.id, bidder.username, '资格条件设置排斥潜在投标人', SHA])
      expect(text).not.toContain(secret);
  });

  it('a notice published near Shanghai midnight is known on its Shanghai day: 23:59:59 and 00:00 around the window', async () => {
    // The centre counts in Asia/Shanghai days: 00:00 there is 16:00 UTC the day before.
    expect(zone()).toBe('Asia/Shanghai');
    const bidder = await registerBidder(api.url);
    const listingId = await leaseListing([bidder]);
    // Yesterday is a holiday: known 6 calendar days ago, 5 business days run to today.
    const lastDayKnew = addCalendarDays(today, -6);
    const at = async (date: string, time: string) =>
      (await sql(`SELECT ($1::date + $2::time) AT TIME ZONE $3 AS at`, [date, time, zone()]))[0].at as Date;
    const publishAt = async (date: string, time: string) =>
      sql(`UPDATE lease_listings SET published_at = $2 WHERE id = $1`, [listingId, await at(date, time)]);
    const file = () => post('/api/complaints', bidder, complaintBody('lease', listingId));

    // At 23:59:59 the evening before: known that day; its window closed the day before yesterday.
    await publishAt(addCalendarDays(lastDayKnew, -1), '23:59:59');
    const before = await state(listingId);
    const closed = expectError(await file(), 422, 'COMPLAINT_WINDOW_CLOSED');
    expect(closed.details).toMatchObject({
      opensOn: addCalendarDays(lastDayKnew, -1),
      closesOn: addCalendarDays(today, -2),
    });
    expect(await state(listingId)).toEqual(before);
    // At 00:00 and at 23:59:59 of the last day it may be known: the window runs to today's 24:00.
    for (const time of ['00:00:00', '23:59:59']) {
      await publishAt(lastDayKnew, time);
      const filed = (await file().expect(201)).body;
      expect(filed).toMatchObject({ knewOn: lastDayKnew, window: { opensOn: lastDayKnew, closesOn: today } });
    }
  });

  it("each line's stages, as the filing form offers them: the server's closed list", async () => {
    const lists = (await get('/api/public/complaint-stages').expect(200)).body;
    const byLine = Object.fromEntries(
      lists.items.map((item: { line: string; stages: { stage: string }[] }) => [
        item.line,
        item.stages.map((one) => one.stage),
      ]),
    );
    expect(byLine).toEqual({
      construction: ['announcement', 'documents', 'opening', 'candidates', 'result', 'contract', 'other'],
      procurement: ['announcement', 'documents', 'opening', 'result', 'contract', 'other'],
      lease: ['announcement', 'bidding', 'result', 'contract', 'other'],
      transfer: ['announcement', 'bidding', 'result', 'contract', 'other'],
    });
    for (const item of lists.items)
      for (const one of item.stages as { stage: string; knewOnRequired: boolean }[])
        expect(one.knewOnRequired).toBe(one.stage === 'other');
    // What the list offers is what a filing takes; another line's stage is refused.
    const bidder = await registerBidder(api.url);
    const listingId = await leaseListing([bidder]);
    expectError(
      await post('/api/complaints', bidder, complaintBody('lease', listingId, { stage: 'opening' })),
      422,
      'COMPLAINT_STAGE_UNKNOWN',
    );
    await post('/api/complaints', bidder, complaintBody('lease', listingId, { stage: 'contract' })).expect(
      201,
    );
  });

  it('the supervisor’s acceptance falls overdue after its last day, not on it', async () => {
    const [bidder] = await Promise.all([registerBidder(api.url)]);
    const listingId = await leaseListing([bidder]);
    const onTime = (
      await post('/api/complaints', bidder, complaintBody('lease', listingId, { stage: 'bidding' })).expect(
        201,
      )
    ).body.id as string;
    const overdue = (
      await post('/api/complaints', bidder, complaintBody('lease', listingId, { stage: 'bidding' })).expect(
        201,
      )
    ).body.id as string;
    // 3 business days: filed 4 calendar days ago (yesterday a holiday) is due today; 5 days ago, due 2 days ago.
    await sql(`UPDATE complaints SET filed_on = $2 WHERE id = $1`, [onTime, addCalendarDays(today, -4)]);
    await sql(`UPDATE complaints SET filed_on = $2 WHERE id = $1`, [overdue, addCalendarDays(today, -5)]);
    const list = (await get(`/api/complaints?projectId=${listingId}&overdue=true`, supervisor).expect(200))
      .body;
    expect(list.items.map((item: { id: string }) => item.id)).toEqual([overdue]);
    expect(list.items[0].deadlines).toEqual([
      expect.objectContaining({ step: 'accept', dueOn: addCalendarDays(today, -2), overdue: true }),
    ]);
    const fine = (await get(`/api/complaints/${onTime}`, supervisor).expect(200)).body;
    expect(fine.deadlines).toEqual([
      expect.objectContaining({ step: 'accept', dueOn: today, overdue: false }),
    ]);
    // A late acceptance is still an acceptance, recorded as late.
    const accepted = (await post(`/api/complaints/${overdue}/accept`, supervisor).expect(200)).body;
    expect(accepted.deadlines[0]).toMatchObject({ step: 'accept', metOn: today, late: true, overdue: false });
  });

  it('a construction complaint: 10 calendar days ending on a holiday run to the next business day', async () => {
    const supplier = await registerBidder(api.url);
    const id = await tender(supplier);
    const announced = await state(id);
    expectError(
      await post('/api/complaints', supplier, complaintBody('construction', id, { kind: 'challenge' })),
      422,
      'COMPLAINT_KIND_NOT_ALLOWED',
    );
    expect(await state(id)).toEqual(announced);
    // Announced 12 days ago: the 10th day was the day before yesterday, a business day.
    await sql(`UPDATE tender_projects SET announced_on = $2 WHERE id = $1`, [
      id,
      addCalendarDays(today, -12),
    ]);
    const beforeClosed = await state(id);
    const closed = expectError(
      await post('/api/complaints', supplier, complaintBody('construction', id)),
      422,
      'COMPLAINT_WINDOW_CLOSED',
    );
    expect(closed.details).toMatchObject({
      closesOn: addCalendarDays(today, -2),
      period: { days: 10, unit: 'calendar' },
    });
    // Refused filings write nothing, in the tender either (its row, status, suspension, history).
    expect(await state(id)).toEqual(beforeClosed);
    // Announced 11 days ago: the 10th day is yesterday, a holiday — the window runs to today.
    await sql(`UPDATE tender_projects SET announced_on = $2 WHERE id = $1`, [
      id,
      addCalendarDays(today, -11),
    ]);
    const filed = await post('/api/complaints', supplier, complaintBody('construction', id)).expect(201);
    expect(filed.body.window).toEqual({ opensOn: addCalendarDays(today, -11), closesOn: today });
    const complaintId = filed.body.id as string;

    // The supervisor suspends the tender for the complaint: the opening freezes — its instant
    // passes while suspended and the opening's job opens nothing.
    const deadlineOn = addCalendarDays(today, 25);
    await post(`/api/complaints/${complaintId}/suspend-project`, supervisor, {
      reason: '投诉处理期间暂停招标投标活动',
    }).expect(200);
    const suspended = (await get(`/api/tenders/${id}`, staff).expect(200)).body;
    expect(suspended).toMatchObject({ status: 'suspended', resumeTo: 'bidding', suspendedOn: today });
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
    });
    // It was suspended 4 days ago (time moved in SQL, as the tender tests do); an objection's
    // reply would not lift a supervisor's order, and resuming gives the 4 days back.
    await sql(
      `UPDATE tender_projects SET suspended_on = suspended_on - 4, bid_deadline_on = bid_deadline_on - 4,
         sale_ends_on = sale_ends_on - 4 WHERE id = $1`,
      [id],
    );
    const resumed = await post(`/api/complaints/${complaintId}/resume-project`, supervisor).expect(200);
    expect(resumed.body.suspension).toMatchObject({ resumedOn: today });
    const tenderNow = (await get(`/api/tenders/${id}`, staff).expect(200)).body;
    expect(tenderNow).toMatchObject({
      status: 'bidding',
      suspendedOn: null,
      bidDeadlineOn: deadlineOn,
      bidDeadlineAt: bidDeadlineInstant(deadlineOn, suspended.bidDeadlineTime, zone()).toISOString(),
    });
    // The opening's job waits at the moved deadline.
    await withTenderQueue(async (queue) => {
      const job = await queue.getJob(tenderJobId('tender-opening', id, new Date(tenderNow.bidDeadlineAt)));
      expect(await job!.getState()).toBe('delayed');
    });
    // The tender's own endpoints: the supervisor's, and only while suspended by one.
    expectError(await post(`/api/tenders/${id}/resume`, supervisor), 409, 'INVALID_STATE_TRANSITION');
    expectError(await post(`/api/tenders/${id}/suspend`, staff, { reason: '暂停' }), 403, 'FORBIDDEN');
    expectError(await post(`/api/tenders/${id}/suspend`, supervisor, {}), 400, 'VALIDATION_FAILED');
    await post(`/api/tenders/${id}/suspend`, supervisor, { reason: '监督检查' }).expect(200);
    expectError(
      await post(`/api/tenders/${id}/suspend`, supervisor, { reason: '再次' }),
      409,
      'INVALID_STATE_TRANSITION',
    );
    expect((await post(`/api/tenders/${id}/resume`, supervisor).expect(200)).body).toMatchObject({
      status: 'bidding',
      bidDeadlineOn: deadlineOn,
    });
  });

  it('a procurement complaint follows a challenge: none, too early, then from the reply', async () => {
    const supplier = await registerBidder(api.url);
    const id = await procurement(supplier);
    expectError(
      await post('/api/complaints', supplier, complaintBody('procurement', id)),
      422,
      'CHALLENGE_REQUIRED',
    );
    const challenge = await post(
      '/api/complaints',
      supplier,
      complaintBody('procurement', id, { kind: 'challenge' }),
    ).expect(201);
    const cal = await calendar();
    expect(challenge.body.deadlines).toEqual([
      expect.objectContaining({ step: 'reply', dueOn: cal.addBusinessDays(today, 7), overdue: false }),
    ]);
    const early = expectError(
      await post(
        '/api/complaints',
        supplier,
        complaintBody('procurement', id, { challengeId: challenge.body.id }),
      ),
      422,
      'COMPLAINT_WINDOW_NOT_OPEN',
    );
    expect(early.details).toMatchObject({ opensOn: addCalendarDays(cal.addBusinessDays(today, 7), 1) });
    // A challenge is answered by staff for the purchaser, not by a supervisor.
    expectError(
      await post(`/api/complaints/${challenge.body.id}/decide`, supervisor, {
        outcome: 'dismissed',
        reason: '不成立',
      }),
      403,
      'FORBIDDEN',
    );
    const replied = await post(`/api/complaints/${challenge.body.id}/decide`, staff, {
      outcome: 'dismissed',
      reason: '采购文件符合规定',
    }).expect(200);
    expect(replied.body).toMatchObject({ status: 'dismissed', decidedOn: today });
    const complaint = await post(
      '/api/complaints',
      supplier,
      complaintBody('procurement', id, { challengeId: challenge.body.id }),
    ).expect(201);
    expect(complaint.body.window).toEqual({ opensOn: today, closesOn: cal.addBusinessDays(today, 15) });
    expect(complaint.body.deadlines[0]).toMatchObject({
      step: 'accept',
      dueOn: cal.addBusinessDays(today, 5),
    });
    // The supervisor suspends the procurement for the complaint: 30 days at most (政府采购法 第57条).
    const complaintId = complaint.body.id as string;
    const deadlineOn = addCalendarDays(today, 25);
    await post(`/api/complaints/${complaintId}/suspend-project`, supervisor, {
      reason: '投诉处理期间暂停采购活动',
    }).expect(200);
    expect((await get(`/api/procurements/${id}`, staff).expect(200)).body).toMatchObject({
      status: 'suspended',
    });
    const back = async (days: number) => {
      await sql(
        `UPDATE procurement_projects SET suspended_on = suspended_on - $2::int, documents_issued_on = documents_issued_on - $2::int,
           documents_available_until = documents_available_until - $2::int, deadline_on = deadline_on - $2::int WHERE id = $1`,
        [id, days],
      );
      await sql(`UPDATE complaints SET suspended_on = suspended_on - $2::int WHERE id = $1`, [
        complaintId,
        days,
      ]);
    };
    // Suspended 30 days ago: its last allowed day is today, and it stands (the resume step due today).
    await back(30);
    const standing = (await get(`/api/complaints/${complaintId}`, supervisor).expect(200)).body;
    expect(standing.deadlines).toContainEqual(
      expect.objectContaining({ step: 'resume', dueOn: today, metOn: null, overdue: false }),
    );
    // Two of the worker's sweeps, each started after the change, leave it standing.
    await procurementSweeps(2);
    expect((await get(`/api/procurements/${id}`, staff).expect(200)).body.status).toBe('suspended');
    // A day more (suspended 31 days ago): the worker resumes it, the 31 days given back to the deadline.
    await back(1);
    const resumed = await waitFor(
      async () => {
        const project = (await get(`/api/procurements/${id}`, staff).expect(200)).body;
        return project.status === 'responding' ? project : undefined;
      },
      15_000,
      'the worker resumes the procurement at the cap',
    );
    expect(resumed).toMatchObject({ deadlineOn });
    const overdue = (await get(`/api/complaints/${complaintId}`, supervisor).expect(200)).body;
    expect(overdue.deadlines).toContainEqual(expect.objectContaining({ step: 'resume', overdue: true }));
    // The supervisor's resume records what the worker did: the step met, late.
    const recorded = (await post(`/api/complaints/${complaintId}/resume-project`, supervisor).expect(200))
      .body;
    expect(recorded.deadlines).toContainEqual(
      expect.objectContaining({ step: 'resume', metOn: today, late: true, overdue: false }),
    );
    // The procurement's own endpoints: the supervisor's.
    expectError(await post(`/api/procurements/${id}/suspend`, staff, { reason: '暂停' }), 403, 'FORBIDDEN');
    expectError(await post(`/api/procurements/${id}/resume`, supervisor), 409, 'INVALID_STATE_TRANSITION');
    await post(`/api/procurements/${id}/suspend`, supervisor, { reason: '监督检查' }).expect(200);
    expect((await post(`/api/procurements/${id}/resume`, supervisor).expect(200)).body).toMatchObject({
      status: 'responding',
      deadlineOn,
    });
  });

  it('a false complaint is dismissed and bans the complainant (1–3 years) in every line', async () => {
    const [bidder, other] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    const listingId = await leaseListing([bidder, other]);
    const id = (await post('/api/complaints', bidder, complaintBody('lease', listingId)).expect(201)).body.id;
    await post(`/api/complaints/${id}/accept`, supervisor).expect(200);
    await post(`/api/complaints/${id}/investigate`, supervisor).expect(200);
    const before = await tableContents(appDb, COMPLAINT_TABLES);
    expect(
      (
        await post(`/api/complaints/${id}/decide`, supervisor, {
          outcome: 'dismissed',
          foundFalse: true,
          reason: 'x',
          banYears: 4,
        })
      ).status,
    ).toBe(400);
    expect(await tableContents(appDb, COMPLAINT_TABLES)).toEqual(before);
    const decided = await post(`/api/complaints/${id}/decide`, supervisor, {
      outcome: 'dismissed',
      foundFalse: true,
      reason: '捏造事实,虚假投诉',
      banYears: 2,
    }).expect(200);
    expect(decided.body).toMatchObject({ status: 'dismissed', decision: { foundFalse: true } });
    const sanction = (
      await get(`/api/supervision/sanctions/${decided.body.sanctionId}`, supervisor).expect(200)
    ).body;
    expect(sanction).toMatchObject({
      partyId: bidder.id,
      kind: 'ban',
      reason: 'false_complaint',
      sourceRef: id,
      startsOn: today,
      inForce: true,
    });
    expect(sanction.bannedUntil > addCalendarDays(today, 365)).toBe(true);
    // Banned: refused at the next registration, in every line (here a lease).
    const another = await leaseListing([]);
    expectError(await post(`/api/lease-listings/${another}/registrations`, bidder), 403, 'PARTY_BANNED');
    // A decision found false is not published at all: beside the ban it would point at the complainant.
    const published = (await get('/api/public/complaint-decisions').expect(200)).body.items;
    expect(published.find((item: { id: string }) => item.id === id)).toBeUndefined();
  });

  it('suspending the project pauses a live lease auction for every connected client and resumes it with its time', async () => {
    const [a, b] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    const listing = await createPublishedListing(api.url, staff, [a, b], {
      biddingInMs: 3000,
      freeMs: 1000,
      extensionSeconds: 3,
    });
    const socketA = await platform.open(a.token);
    const watcher = new LiveView(await platform.open(), listing.id);
    await watcher.join();
    await waitFor(() => watcher.statuses.find((event) => event.status === 'bidding'), 8000, 'bidding');
    await waitFor(
      () => (Date.now() > Date.parse(listing.body.freeBiddingEndsAt) ? true : undefined),
      5000,
      'countdown',
    );
    const first = await ask(socketA, 'bid', { listingId: listing.id, amount: 800_000, clientBidId: 'c1' });
    expect(first.ok).toBe(true);
    const endsBefore = Date.parse(first.bid.endsAt);
    const id = (
      await post('/api/complaints', b, complaintBody('lease', listing.id, { stage: 'bidding' })).expect(201)
    ).body.id;

    const suspendSent = Date.now();
    const suspended = await post(`/api/complaints/${id}/suspend-project`, supervisor, {
      reason: '投诉处理期间暂停',
    }).expect(200);
    const suspendAnswered = Date.now();
    expect(suspended.body.suspension).toMatchObject({ suspendedOn: today, resumedOn: null });
    await waitFor(
      () => watcher.statuses.find((event) => event.status === 'suspended'),
      5000,
      'suspended event',
    );
    const refused = await ask(socketA, 'bid', { listingId: listing.id, amount: 900_000, clientBidId: 'c2' });
    expect(refused.ok).toBe(false);
    // Past the old end nothing closes while suspended.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endsBefore - Date.now()) + 500));
    expect(watcher.closed).toBeUndefined();
    expectError(
      await post(`/api/complaints/${id}/suspend-project`, supervisor, { reason: '再次暂停' }),
      409,
      'INVALID_STATE_TRANSITION',
    );

    const resumeSent = Date.now();
    const resumed = await post(`/api/complaints/${id}/resume-project`, supervisor).expect(200);
    const resumeAnswered = Date.now();
    expect(resumed.body.suspension).toMatchObject({ suspendedOn: today, resumedOn: today });
    const event = await waitFor(
      () =>
        watcher.statuses.find(
          (status) => status.status === 'bidding' && Date.parse(status.endsAt) > endsBefore,
        ),
      5000,
      'resumed event',
    );
    // The countdown got back what it had left: the end moved by the pause.
    const shift = Date.parse(event.endsAt) - endsBefore;
    expect(shift).toBeGreaterThanOrEqual(resumeSent - suspendAnswered);
    expect(shift).toBeLessThanOrEqual(resumeAnswered - suspendSent);
    await waitFor(() => watcher.closed, 15_000, 'close after resume');
    expect(watcher.closed).toMatchObject({ status: 'sold', finalPrice: 800_000 });
  });

  it('the worker’s sweep raises one COMPLAINT_OVERDUE alert per overdue step, however often it runs', async () => {
    const bidder = await registerBidder(api.url);
    const listingId = await leaseListing([bidder]);
    const late = (
      await post('/api/complaints', bidder, complaintBody('lease', listingId, { stage: 'bidding' })).expect(
        201,
      )
    ).body.id as string;
    await post('/api/complaints', bidder, complaintBody('lease', listingId, { stage: 'result' })).expect(201);
    // Filed 5 calendar days ago (yesterday a holiday): its acceptance was due 2 days ago; the other is on time.
    await sql(`UPDATE complaints SET filed_on = $2 WHERE id = $1`, [late, addCalendarDays(today, -5)]);
    const alertsOf = async () =>
      (
        await get(`/api/alerts?processId=${listingId}&ruleId=COMPLAINT_OVERDUE&limit=100`, supervisor).expect(
          200,
        )
      ).body.items as { id: string; ruleId: string; processType: string }[];
    const worker = platform.worker!.get(AlertsProcessor);
    const first = await worker.sweepOnce();
    expect(first.complaints.raised).toBeGreaterThanOrEqual(1);
    const raised = await alertsOf();
    expect(raised).toEqual([
      expect.objectContaining({ ruleId: 'COMPLAINT_OVERDUE', processType: 'lease_listing' }),
    ]);
    const read = (await get(`/api/alerts/${raised[0].id}`, supervisor).expect(200)).body;
    expect(read.evidence).toEqual({ complaintId: late, step: 'accept', dueOn: addCalendarDays(today, -2) });
    // Again: the same step raises nothing new.
    await worker.sweepOnce();
    expect((await alertsOf()).map((alert) => alert.id)).toEqual([raised[0].id]);
    // Accepted (late): nothing is overdue any more, and nothing more is raised.
    await post(`/api/complaints/${late}/accept`, supervisor).expect(200);
    await worker.sweepOnce();
    expect(await alertsOf()).toHaveLength(1);
  });

  it('an upheld re_run fails a procurement so staff re-plan it; where the table has no failure it terminates', async () => {
    const supplier = await registerBidder(api.url);
    // Announced, its documents issued on the next business day: `announced` may fail (废标).
    const id = await procurement(supplier, (await calendar()).addBusinessDays(today, 1));
    expect((await get(`/api/procurements/${id}`, staff).expect(200)).body.status).toBe('announced');
    const challenge = (
      await post('/api/complaints', supplier, complaintBody('procurement', id, { kind: 'challenge' })).expect(
        201,
      )
    ).body.id as string;
    await post(`/api/complaints/${challenge}/decide`, staff, {
      outcome: 'upheld',
      remedy: 're_run',
      reason: '评审因素设置不合理，重新组织采购',
    }).expect(200);
    const failed = (await get(`/api/procurements/${id}`, staff).expect(200)).body;
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.failedReason).toContain('评审因素设置不合理');
    // From failed the lifecycle lets staff open the next round.
    const next = (await post(`/api/procurements/${id}/replan`, staff, {}).expect(201)).body;
    expect(next).toMatchObject({ status: 'planned', previousRoundId: id });
    expect((await get(`/api/procurements/${id}`, staff).expect(200)).body.status).toBe('replanned');

    // Responding, the opening decides whether it fails: a re-run terminates it.
    const responding = await procurement(supplier);
    const second = (
      await post(
        '/api/complaints',
        supplier,
        complaintBody('procurement', responding, { kind: 'challenge' }),
      ).expect(201)
    ).body.id as string;
    await post(`/api/complaints/${second}/decide`, staff, {
      outcome: 'upheld',
      remedy: 're_run',
      reason: '采购文件违法',
    }).expect(200);
    expect((await get(`/api/procurements/${responding}`, staff).expect(200)).body.status).toBe('terminated');

    // A tender still announced has no failure in its table (it fails on what its bids show).
    const bidder = await registerBidder(api.url);
    const tenderId = await tender(bidder);
    const complaintId = (
      await post('/api/complaints', bidder, complaintBody('construction', tenderId)).expect(201)
    ).body.id as string;
    await post(`/api/complaints/${complaintId}/accept`, supervisor).expect(200);
    await post(`/api/complaints/${complaintId}/investigate`, supervisor).expect(200);
    await post(`/api/complaints/${complaintId}/decide`, supervisor, {
      outcome: 'upheld',
      remedy: 're_run',
      reason: '资格条件排斥潜在投标人',
    }).expect(200);
    expect((await get(`/api/tenders/${tenderId}`, staff).expect(200)).body.status).toBe('terminated');
  });

  it('staff list the challenges they answer, never the complaints', async () => {
    const supplier = await registerBidder(api.url);
    const id = await procurement(supplier);
    const challenge = (
      await post('/api/complaints', supplier, complaintBody('procurement', id, { kind: 'challenge' })).expect(
        201,
      )
    ).body.id as string;
    const listed = (await get(`/api/complaints?projectId=${id}`, staff).expect(200)).body;
    expect(listed.items.map((item: { id: string }) => item.id)).toEqual([challenge]);
    const everyKind = (await get('/api/complaints?limit=100', staff).expect(200)).body.items as {
      kind: string;
    }[];
    expect(new Set(everyKind.map((item) => item.kind))).toEqual(new Set(['challenge']));
    expectError(await get('/api/complaints?kind=complaint', staff), 403, 'COMPLAINTS_SUPERVISOR_ONLY');
    expectError(await get('/api/complaints', supplier), 403, 'FORBIDDEN');
  });

  it('bad input on every complaint endpoint: 4xx with its code, nothing written', async () => {
    const [bidder, outsider] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    const listingId = await leaseListing([bidder]);
    const id = (await post('/api/complaints', bidder, complaintBody('lease', listingId)).expect(201)).body.id;
    const before = await tableContents(appDb, COMPLAINT_TABLES);
    const projectBefore = await state(listingId);
    const valid = complaintBody('lease', listingId);
    const file = (body: object, user: TestUser | undefined = bidder) => post('/api/complaints', user, body);
    const cases: [Promise<request.Response> | request.Test, number, string][] = [
      [file({ ...valid, grounds: '   ' }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, grounds: 'x'.repeat(10_001) }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, stage: '' }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, attachments: [{ name: 'a', sha256: 'ABC' }] }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, attachments: Array(51).fill({ name: 'a', sha256: SHA }) }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, projectType: 'housing' }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, kind: 'appeal' }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, knewOn: '2026-13-01' }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, challengeId: null }), 400, 'VALIDATION_FAILED'],
      [file({ ...valid, projectId: 'not-an-id' }), 400, 'INVALID_ID'],
      [file({ ...valid, projectId: randomUUID() }), 404, 'COMPLAINT_PROJECT_NOT_FOUND'],
      [file(valid, outsider), 403, 'COMPLAINANT_NOT_A_PARTICIPANT'],
      [file(valid, staff), 403, 'FORBIDDEN'],
      [post('/api/complaints', undefined, valid), 401, 'UNAUTHENTICATED'],
      [file({ ...valid, kind: 'challenge' }), 422, 'COMPLAINT_KIND_NOT_ALLOWED'],
      [post('/api/complaints/not-an-id/accept', supervisor), 400, 'INVALID_ID'],
      [post(`/api/complaints/${randomUUID()}/accept`, supervisor), 404, 'COMPLAINT_NOT_FOUND'],
      [post(`/api/complaints/${id}/accept`, bidder), 403, 'FORBIDDEN'],
      [post(`/api/complaints/${id}/accept`, staff), 403, 'FORBIDDEN'],
      [post(`/api/complaints/${id}/reject`, supervisor, { reason: ' ' }), 400, 'VALIDATION_FAILED'],
      [post(`/api/complaints/${id}/investigate`, supervisor), 409, 'INVALID_STATE_TRANSITION'],
      [
        post(`/api/complaints/${id}/document-requests`, supervisor, { addressee: 'x', dueOn: 'tomorrow' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        post(`/api/complaints/${id}/document-requests`, supervisor, {
          addressee: 'x',
          dueOn: addCalendarDays(today, 3),
        }),
        409,
        'DOCUMENT_REQUEST_NOT_ALLOWED',
      ],
      [
        post(`/api/complaints/${id}/document-requests/${randomUUID()}/answer`, supervisor, {
          attachments: [],
        }),
        404,
        'DOCUMENT_REQUEST_NOT_FOUND',
      ],
      [
        post(`/api/complaints/${id}/document-requests/x/answer`, supervisor, { attachments: [] }),
        400,
        'INVALID_ID',
      ],
      [
        post(`/api/complaints/${id}/decide`, supervisor, { outcome: 'maybe', reason: 'x' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        post(`/api/complaints/${id}/decide`, supervisor, { outcome: 'dismissed', reason: 'x' }),
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [post(`/api/complaints/${id}/withdraw`, outsider), 404, 'COMPLAINT_NOT_FOUND'],
      [post(`/api/complaints/${id}/suspend-project`, supervisor, {}), 400, 'VALIDATION_FAILED'],
      [post(`/api/complaints/${id}/resume-project`, supervisor), 409, 'INVALID_STATE_TRANSITION'],
      [get('/api/complaints?status=open', supervisor), 400, 'VALIDATION_FAILED'],
      [get('/api/complaints?overdue=yes', supervisor), 400, 'VALIDATION_FAILED'],
      [get('/api/complaints', bidder), 403, 'FORBIDDEN'],
      [get('/api/me/complaints?limit=0', bidder), 400, 'VALIDATION_FAILED'],
      [get('/api/public/complaint-decisions?offset=-1'), 400, 'VALIDATION_FAILED'],
    ];
    for (const [index, [call, status, code]] of cases.entries()) {
      const response = await call;
      try {
        expectError(response, status, code);
      } catch (error) {
        throw new Error(`case ${index}: ${(error as Error).message}`, { cause: error });
      }
    }
    expect(await tableContents(appDb, COMPLAINT_TABLES)).toEqual(before);
    expect(await state(listingId)).toEqual(projectBefore);
    // The complainant withdraws; then nothing more happens to it.
    await post(`/api/complaints/${id}/withdraw`, bidder).expect(200);
    expectError(await post(`/api/complaints/${id}/accept`, supervisor), 409, 'INVALID_STATE_TRANSITION');
  });
});
