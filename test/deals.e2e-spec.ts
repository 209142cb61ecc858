import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createDataSource } from '../libs/persistence/src/data-source.js';
import { DealsRepository, type NewDeal } from '../libs/persistence/src/deals.repository.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi } from './support/platform.js';
import { createOperator, registerBidder, type TestUser } from './support/factories.js';
import { expectError } from './support/checks.js';

const DEAL_KEYS = [
  'amount',
  'category',
  'closedAt',
  'id',
  'sourceId',
  'sourceType',
  'subtype',
  'title',
  'winner',
];

/**
 * `GET /api/deals` as API.md has it: filtered by category, subtype and calendar dates in the
 * centre's time zone (a deal closed at 2018-05-31T16:30Z is a June deal), paged with a default
 * limit of 50. The deals are historical records written straight to the table, as the demo's are.
 */
describe('deal records: filters, the China-time date edge, paging', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;
  const deals: (NewDeal & { id: string })[] = [];

  // The edge of May and June 2018 in Asia/Shanghai (UTC+8), from both sides.
  const EDGE: [string, string][] = [
    ['last-may-moment', '2018-05-31T15:59:59.999Z'],
    ['first-june-moment', '2018-05-31T16:00:00.000Z'],
    ['june-by-china-time', '2018-05-31T16:30:00.000Z'],
    ['may-first-china-day', '2018-04-30T16:00:00.000Z'],
    ['april-last-china-moment', '2018-04-30T15:59:59.999Z'],
    ['june-last-china-moment', '2018-06-30T15:59:59.999Z'],
    ['july-first-china-moment', '2018-06-30T16:00:00.000Z'],
  ];

  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    bidder = await registerBidder(api.url);
    const rows: NewDeal[] = [
      ...EDGE.map(([title, closedAt]) => historical('property_rights', 'lease', title, closedAt)),
      historical('construction', null, 'school-gym', '2018-05-10T02:00:00.000Z'),
      historical('procurement', 'goods', 'desks', '2018-05-11T02:00:00.000Z'),
      historical('property_rights', 'equity', 'shares', '2018-05-12T02:00:00.000Z'),
      // Sixty more in 2017, a minute apart, for paging.
      ...Array.from({ length: 60 }, (_, i) =>
        historical('construction', 'road', `road-${i}`, new Date(Date.UTC(2017, 2, 1, 2, i)).toISOString()),
      ),
    ];
    const dataSource = await createDataSource(env.config.DATABASE_URL, 1, 'ggzy-test-deals').initialize();
    try {
      const repository = new DealsRepository(dataSource);
      for (const row of rows)
        deals.push({ ...row, id: (await repository.insert(dataSource.manager, row)).id });
    } finally {
      await dataSource.destroy();
    }
  });

  afterAll(async () => {
    await api?.close();
    await env?.drop();
  });

  function historical(
    category: NewDeal['category'],
    subtype: string | null,
    title: string,
    closedAt: string,
  ) {
    return {
      category,
      subtype,
      sourceType: 'import',
      sourceId: null,
      title,
      amount: 1_000_000 + title.length,
      winnerId: null,
      winnerName: `${title} 中标人`,
      closedAt: new Date(closedAt),
      externalRef: `ext-${randomUUID()}`,
    } satisfies NewDeal;
  }

  const list = (query: string, user: TestUser = staff) =>
    request(api.url).get(`/api/deals?${query}`).auth(user.token, { type: 'bearer' }).expect(200);
  const titles = (body: { items: { title: string }[] }) => body.items.map((item) => item.title).sort();

  it('from/to are calendar dates in China time: 16:00Z on 31 May is the first moment of June', async () => {
    const june = await list('from=2018-06-01&to=2018-06-30&limit=1000');
    expect(titles(june.body)).toEqual(['first-june-moment', 'june-by-china-time', 'june-last-china-moment']);
    expect(june.body.total).toBe(3);
    const may = await list('from=2018-05-01&to=2018-05-31&limit=1000');
    expect(titles(may.body)).toEqual([
      'desks',
      'last-may-moment',
      'may-first-china-day',
      'school-gym',
      'shares',
    ]);
    const oneDay = await list('from=2018-05-31&to=2018-05-31&limit=1000');
    expect(titles(oneDay.body)).toEqual(['last-may-moment']);
    const openEnded = await list('from=2018-06-01&limit=1000');
    expect(titles(openEnded.body)).toEqual([
      'first-june-moment',
      'july-first-china-moment',
      'june-by-china-time',
      'june-last-china-moment',
    ]);
    const until = await list('to=2018-04-30&limit=1000');
    expect(titles(until.body)).toContain('april-last-china-moment');
    expect(titles(until.body)).not.toContain('may-first-china-day');
  });

  it('category and subtype filter, alone and together with dates', async () => {
    expect(titles((await list('category=procurement')).body)).toEqual(['desks']);
    expect(titles((await list('category=property_rights&subtype=equity')).body)).toEqual(['shares']);
    const leases = await list('category=property_rights&subtype=lease&limit=1000');
    expect(titles(leases.body)).toEqual(EDGE.map(([title]) => title).sort());
    const mayLeases = await list('category=property_rights&subtype=lease&from=2018-05-01&to=2018-05-31');
    expect(titles(mayLeases.body)).toEqual(['last-may-moment', 'may-first-china-day']);
    expect((await list('category=construction&subtype=road&limit=1000')).body.total).toBe(60);
    expectError(
      await request(api.url).get('/api/deals?category=mining').auth(staff.token, { type: 'bearer' }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it("each item has the contract's fields, with the winner's name, the title and closedAt", async () => {
    const body = (await list('category=procurement')).body;
    const expected = deals.find((deal) => deal.title === 'desks')!;
    expect(body).toEqual({ items: [expect.any(Object)], total: 1 });
    const [item] = body.items;
    for (const key of DEAL_KEYS) expect(item).toHaveProperty(key);
    expect(item).toMatchObject({
      id: expected.id,
      category: 'procurement',
      subtype: 'goods',
      sourceType: 'import',
      sourceId: null,
      title: 'desks',
      amount: expected.amount,
      winner: 'desks 中标人',
      closedAt: '2018-05-11T02:00:00.000Z',
    });
  });

  it('a default limit of 50, offset, and pages that are full, disjoint and cover everything', async () => {
    const total = deals.length;
    const first = await list('');
    expect(first.body.total).toBe(total);
    expect(first.body.items).toHaveLength(50);
    const second = await list('offset=50');
    expect(second.body.items).toHaveLength(total - 50);
    const pages = [...first.body.items, ...second.body.items].map((item: { id: string }) => item.id);
    expect(new Set(pages).size).toBe(total);
    expect(new Set(pages)).toEqual(new Set(deals.map((deal) => deal.id)));
    // Newest first, so a page boundary is stable.
    const closedAt = [...first.body.items, ...second.body.items].map((item: { closedAt: string }) =>
      Date.parse(item.closedAt),
    );
    expect(closedAt).toEqual([...closedAt].sort((x, y) => y - x));
    // Small pages walk the same order.
    const walked: string[] = [];
    for (let offset = 0; offset < total; offset += 7) {
      const page = await list(`limit=7&offset=${offset}`);
      expect(page.body.items.length).toBe(Math.min(7, total - offset));
      walked.push(...page.body.items.map((item: { id: string }) => item.id));
    }
    expect(walked).toEqual(pages);
    expect((await list(`offset=${total}`)).body).toEqual({ items: [], total });
  });

  it('staff and supervisors read deals; a bidder is 403 FORBIDDEN; bad dates are 400', async () => {
    await list('limit=1', supervisor);
    expectError(
      await request(api.url).get('/api/deals').auth(bidder.token, { type: 'bearer' }),
      403,
      'FORBIDDEN',
    );
    for (const query of [
      'from=2018-13-01',
      'to=2018-02-30',
      'from=2018-06-02&to=2018-06-01',
      'from=20180601',
    ])
      expectError(
        await request(api.url).get(`/api/deals?${query}`).auth(staff.token, { type: 'bearer' }),
        400,
        'VALIDATION_FAILED',
      );
  });
});
