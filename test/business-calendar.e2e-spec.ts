import request from 'supertest';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi } from './support/platform.js';
import { createOperator, registerBidder, type TestUser } from './support/factories.js';
import { expectError, queryRows } from './support/checks.js';

/** The business-day calendar (工作日) every deadline counts with: shipped years, staff edits, audit. */
describe('the business-day calendar', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;

  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    bidder = await registerBidder(api.url);
  });

  afterAll(async () => {
    await api?.close();
    await env?.drop();
  });

  const stored = () =>
    queryRows<{ year: number; holidays: string; workdays: string; source: string }>(
      env.config.DATABASE_URL,
      `SELECT year, holidays::text, workdays::text, source FROM business_calendar_years ORDER BY year`,
    );
  const put = (year: string, user: TestUser | null, body: object) => {
    const call = request(api.url).put(`/api/calendar/${year}`);
    return (user ? call.auth(user.token, { type: 'bearer' }) : call).send(body);
  };
  const deadline = (from: string, businessDays: number) =>
    request(api.url).get('/api/calendar/deadline').query({ from, businessDays });

  it('ships the official 2018, 2025 and 2026 calendars, readable without signing in', async () => {
    const list = await request(api.url).get('/api/calendar').expect(200);
    expect(list.body.total).toBe(3);
    expect(list.body.items.map((year: { year: number }) => year.year)).toEqual([2018, 2025, 2026]);
    const year = await request(api.url).get('/api/calendar/2026').expect(200);
    expect(year.body.holidays).toContain('2026-02-16');
    expect(year.body.workdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(year.body.source).toMatch(/official/);
  });

  it.each([
    ['2026-01-30', 20, '2026-03-05', '20 business days across 春节 and two worked Saturdays'],
    ['2025-09-26', 20, '2025-10-30', '20 business days across 国庆节'],
    ['2018-04-26', 2, '2018-04-28', 'a worked Saturday counts'],
    ['2026-04-30', 10, '2026-05-18', '10 business days across 劳动节 and its worked Saturday'],
  ])('counts %s + %i business days = %s (%s)', async (from, days, date) => {
    const response = await deadline(from, days).expect(200);
    expect(response.body).toEqual({ from, businessDays: days, date });
  });

  it('refuses a deadline that needs a year it does not know, with its code and the year', async () => {
    const body = expectError(await deadline('2026-12-15', 20), 422, 'CALENDAR_YEAR_MISSING');
    expect(body.details).toEqual({ year: 2027 });
    expectError(await request(api.url).get('/api/calendar/2019'), 422, 'CALENDAR_YEAR_MISSING');
  });

  it('lets staff add a year, after which deadlines run into it, and audits the change', async () => {
    const year2027 = { holidays: ['2027-01-01', '2027-02-05', '2027-02-08'], workdays: ['2027-02-06'] };
    const saved = await put('2027', staff, year2027).expect(200);
    expect(saved.body).toMatchObject({ year: 2027, ...year2027, source: 'entered by staff' });
    expect((await deadline('2026-12-15', 20).expect(200)).body.date).toBe('2027-01-13');

    const audit = await request(api.url)
      .get('/api/audit')
      .query({ entityType: 'business_calendar', entityId: '2027' })
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({
      action: 'calendar.year_added',
      actorId: staff.id,
      data: { holidays: year2027.holidays, workdays: year2027.workdays },
    });
  });

  it('lets staff correct a year; the audit entry keeps what it was before', async () => {
    const before = (await request(api.url).get('/api/calendar/2025').expect(200)).body;
    // A (fictional) correction: 2025-10-09 becomes a day off, so 20 business days end a day later.
    const corrected = { holidays: [...before.holidays, '2025-10-09'], workdays: before.workdays };
    await put('2025', staff, corrected).expect(200);
    expect((await deadline('2025-09-26', 20).expect(200)).body.date).toBe('2025-10-31');
    const audit = await request(api.url)
      .get('/api/audit')
      .query({ entityType: 'business_calendar', entityId: '2025' })
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({
      action: 'calendar.year_changed',
      data: { before: { holidays: before.holidays, workdays: before.workdays } },
    });
  });

  it('audits two simultaneous first edits of a year as one addition and one change', async () => {
    const [first, second] = await Promise.all([
      put('2029', staff, { holidays: ['2029-01-01'], workdays: [] }),
      put('2029', staff, { holidays: ['2029-01-01', '2029-05-01'], workdays: [] }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const audit = await request(api.url)
      .get('/api/audit')
      .query({ entityType: 'business_calendar', entityId: '2029' })
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual([
      'calendar.year_added',
      'calendar.year_changed',
    ]);
    const stored2029 = (await stored()).find((row) => row.year === 2029)!;
    expect(audit.body.items[1].data.before.holidays).toEqual(audit.body.items[0].data.holidays);
    expect(stored2029.holidays).toBe(`{${audit.body.items[1].data.holidays.join(',')}}`);
  });

  it.each([
    ['nobody signed in', null, 401, 'UNAUTHENTICATED'],
    ['a bidder', () => bidder, 403, 'FORBIDDEN'],
    ['a supervisor', () => supervisor, 403, 'FORBIDDEN'],
  ])('refuses an edit by %s and writes nothing', async (_, who, status, code) => {
    const before = await stored();
    expectError(await put('2028', who ? who() : null, { holidays: [], workdays: [] }), status, code);
    expect(await stored()).toEqual(before);
  });

  it.each<[string, string, object, string, unknown]>([
    ['a year out of range', '1999', { holidays: [], workdays: [] }, 'VALIDATION_FAILED', undefined],
    ['a year that is not a number', '20x8', { holidays: [], workdays: [] }, 'VALIDATION_FAILED', undefined],
    ['holidays missing', '2028', { workdays: [] }, 'VALIDATION_FAILED', undefined],
    [
      'a holiday that is not a string',
      '2028',
      { holidays: [20280101], workdays: [] },
      'VALIDATION_FAILED',
      undefined,
    ],
    [
      'a date that does not exist',
      '2028',
      { holidays: ['2028-02-30'], workdays: [] },
      'CALENDAR_INVALID',
      { problems: [{ field: 'holidays', date: '2028-02-30' }] },
    ],
    [
      'a date of another year',
      '2028',
      { holidays: ['2027-12-31'], workdays: [] },
      'CALENDAR_INVALID',
      { problems: [{ field: 'holidays', date: '2027-12-31' }] },
    ],
    [
      'a worked day on a weekday',
      '2028',
      { holidays: [], workdays: ['2028-01-03'] },
      'CALENDAR_INVALID',
      { problems: [{ field: 'workdays', date: '2028-01-03' }] },
    ],
    ['an unknown field', '2028', { holidays: [], workdays: [], year: 2030 }, 'VALIDATION_FAILED', undefined],
  ])('refuses %s with a 400 and its code, writing nothing', async (_, year, body, code, details) => {
    const before = await stored();
    const error = expectError(await put(year, staff, body), 400, code);
    if (details) expect(error.details).toMatchObject(details);
    expect(await stored()).toEqual(before);
  });

  it.each([
    ['a date that is not one', { from: '2026-02-30', businessDays: '5' }],
    ['a negative count', { from: '2026-03-02', businessDays: '-1' }],
    ['a count that is not a number', { from: '2026-03-02', businessDays: 'five' }],
    ['no count', { from: '2026-03-02' }],
  ])('answers a deadline question with %s by 400 VALIDATION_FAILED', async (_, query) => {
    expectError(await request(api.url).get('/api/calendar/deadline').query(query), 400, 'VALIDATION_FAILED');
  });
});
