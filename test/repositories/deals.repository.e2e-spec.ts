import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../libs/persistence/src/data-source.js';
import { DealsRepository, type NewDeal } from '../../libs/persistence/src/deals.repository.js';
import { LeaseListingsRepository } from '../../libs/persistence/src/lease-listings.repository.js';
import { UsersRepository } from '../../libs/persistence/src/users.repository.js';
import { startOfDayInZone } from '../../libs/domain/src/calendar.js';
import type { ImportedDeal } from '../../libs/domain/src/deal-import.js';
import { createTestEnvironment, type TestEnvironment } from '../support/environment.js';

/**
 * DealsRepository against PostgreSQL (a fresh database, the app role): the deals list's
 * filters and order, the import's batches and its idempotence on externalRef, and the
 * report's GROUP BY — months bucketed by the instants they start at in China time, sums kept
 * exact past 2^53, and the live-auction totals joined to their listings. Each test works in a
 * year of its own, so the tests share the database without seeing each other's deals.
 */
const TZ = 'Asia/Shanghai';
let env: TestEnvironment;
let dataSource: DataSource;
let deals: DealsRepository;

beforeAll(async () => {
  env = await createTestEnvironment();
  dataSource = await createDataSource(env.config.DATABASE_URL, 2, 'ggzy-test-deals').initialize();
  deals = new DealsRepository(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
  await env?.drop();
});

/** Deals at the given instants (China time written with +08:00), one per entry. */
async function insert(...entries: (Partial<NewDeal> & { closedAt: Date })[]) {
  return dataSource.transaction(async (manager) => {
    const rows = [];
    for (const entry of entries) {
      rows.push(
        await deals.insert(manager, {
          category: 'procurement',
          subtype: 'goods',
          sourceType: 'manual',
          sourceId: null,
          title: `deal ${randomUUID().slice(0, 8)}`,
          amount: 1_000,
          winnerId: null,
          winnerName: '某公司',
          ...entry,
        }),
      );
    }
    return rows;
  });
}

const cst = (local: string) => new Date(`${local}+08:00`);

describe('list', () => {
  it('filters by category, subtype and a half-open [from, to) period; newest first; pages by limit and offset', async () => {
    const [a, b, c, d] = await insert(
      { closedAt: cst('2011-03-01T00:00:00'), category: 'construction', subtype: 'works' },
      { closedAt: cst('2011-03-15T12:00:00') },
      { closedAt: cst('2011-03-31T23:59:59.999'), subtype: 'services' },
      { closedAt: cst('2011-04-01T00:00:00') },
    );
    const march = { from: cst('2011-03-01T00:00:00'), to: cst('2011-04-01T00:00:00'), limit: 50, offset: 0 };
    const ids = async (filter: Parameters<DealsRepository['list']>[0]) => {
      const page = await deals.list(filter);
      return { ids: page.items.map((deal) => deal.id), total: page.total };
    };
    expect(await ids(march)).toEqual({ ids: [c.id, b.id, a.id], total: 3 });
    expect(await ids({ ...march, category: 'procurement' })).toEqual({ ids: [c.id, b.id], total: 2 });
    expect(await ids({ ...march, category: 'procurement', subtype: 'goods' })).toEqual({
      ids: [b.id],
      total: 1,
    });
    expect(
      await ids({ ...march, from: cst('2011-03-31T23:59:59.999'), to: cst('2011-05-01T00:00:00') }),
    ).toEqual({ ids: [d.id, c.id], total: 2 });
    expect(await ids({ ...march, limit: 2, offset: 1 })).toEqual({ ids: [b.id, a.id], total: 3 });
    const [row] = (await deals.list({ ...march, limit: 1, offset: 2 })).items;
    expect(row).toMatchObject({
      category: 'construction',
      subtype: 'works',
      amount: 1_000,
      winnerName: '某公司',
    });
  });
});

describe('importMany', () => {
  const imported = (n: number, prefix: string): ImportedDeal[] =>
    Array.from({ length: n }, (_, i) => ({
      category: 'property_rights',
      subtype: 'transfer',
      title: `历史成交 ${i}`,
      amount: 10_000 + i,
      winnerName: '某公司',
      closedAt: new Date(Date.UTC(2012, 0, 1 + (i % 300), 4)),
      externalRef: `${prefix}-${i}`,
    }));

  it('writes every row across batches of 2000, and nothing the second time', async () => {
    const rows = imported(2001, `imp-${randomUUID().slice(0, 8)}`);
    const first = await dataSource.transaction((manager) => deals.importMany(manager, rows));
    expect(first).toEqual({ received: 2001, created: 2001, unchanged: 0 });
    const again = await dataSource.transaction((manager) =>
      deals.importMany(manager, [...rows, ...imported(1, 'new')]),
    );
    expect(again).toEqual({ received: 2002, created: 1, unchanged: 2001 });
    const year = await deals.list({
      from: new Date(Date.UTC(2012, 0, 1)),
      to: new Date(Date.UTC(2013, 0, 1)),
      limit: 1,
      offset: 0,
    });
    expect(year.total).toBe(2002);
  });
});

describe('groupsByMonth (the report’s GROUP BY)', () => {
  const months = (year: number, ...names: string[]) =>
    names.map((month) => ({
      month: `${year}-${month}`,
      startsAt: startOfDayInZone(`${year}-${month}-01`, TZ),
    }));

  it('buckets by the China-time months asked for, by category and subtype, with exact sums past 2^53', async () => {
    const huge = Number.MAX_SAFE_INTEGER;
    await insert(
      { closedAt: cst('2013-01-01T00:00:00'), amount: huge },
      { closedAt: cst('2013-01-31T23:59:59'), amount: huge },
      // 2^54 − 1: odd, so not a double; a sum that went through Number would lose it.
      { closedAt: cst('2013-01-15T12:00:00'), amount: 1 },
      // 2013-01-31T16:30Z is February in China: the bucket is the centre's month, not UTC's.
      { closedAt: new Date('2013-01-31T16:30:00Z'), amount: 7 },
      { closedAt: cst('2013-02-10T10:00:00'), category: 'construction', subtype: null, amount: 5 },
      // Outside [start, end): not counted.
      { closedAt: cst('2012-12-31T23:59:59'), amount: 1 },
      { closedAt: cst('2013-03-01T00:00:00'), amount: 1 },
    );
    const start = startOfDayInZone('2013-01-01', TZ);
    const end = startOfDayInZone('2013-03-01', TZ);
    const groups = await deals.groupsByMonth(start, end, months(2013, '01', '02'));
    const byKey = (group: { category: string; subtype: string | null; month: string }) =>
      `${group.month} ${group.category}/${group.subtype}`;
    expect([...groups].sort((x, y) => byKey(x).localeCompare(byKey(y)))).toEqual([
      {
        category: 'procurement',
        subtype: 'goods',
        month: '2013-01',
        count: 3,
        amount: BigInt(huge) * 2n + 1n,
      },
      { category: 'construction', subtype: null, month: '2013-02', count: 1, amount: 5n },
      { category: 'procurement', subtype: 'goods', month: '2013-02', count: 1, amount: 7n },
    ]);
  });

  it('refuses months that do not cover the period from its start, in order', async () => {
    await insert({ closedAt: cst('2014-01-15T10:00:00') });
    const start = startOfDayInZone('2014-01-01', TZ);
    const end = startOfDayInZone('2014-03-01', TZ);
    // January's deal would be left out: the months must begin where the period does.
    await expect(deals.groupsByMonth(start, end, months(2014, '02'))).rejects.toThrow(RangeError);
    await expect(deals.groupsByMonth(start, end, [])).rejects.toThrow(RangeError);
    await expect(deals.groupsByMonth(start, end, months(2014, '01', '03'))).rejects.toThrow(RangeError);
    const january = months(2014, '01');
    await expect(deals.groupsByMonth(start, end, [...january, ...january])).rejects.toThrow(RangeError);
    expect(await deals.groupsByMonth(start, end, months(2014, '01', '02'))).toEqual([
      { category: 'procurement', subtype: 'goods', month: '2014-01', count: 1, amount: 1000n },
    ]);
  });

  it('liveAuctionTotals counts only live-auction deals, with their listings’ start values (start price × term)', async () => {
    const users = new UsersRepository(dataSource);
    const staff = await users.create({
      username: `staff-${randomUUID().slice(0, 8)}`,
      passwordHash: 'not-a-real-hash',
      displayName: '招商部',
      roles: ['staff'],
    });
    const listings = new LeaseListingsRepository(dataSource);
    const at = (day: number) => new Date(Date.UTC(2015, 0, day));
    const listing = await dataSource.transaction((manager) =>
      listings.insertDraft(
        manager,
        {
          title: '解放路 12 号商铺',
          address: '解放路 12 号',
          areaSqm: 80,
          usage: 'retail',
          leaseTermMonths: 36,
          startPrice: 100_000,
          increment: 5_000,
          deposit: 200_000,
          reservePrice: null,
          registrationStartsAt: at(1),
          registrationEndsAt: at(2),
          biddingStartsAt: at(3),
          freeBiddingEndsAt: at(4),
          extensionSeconds: 300,
          endsAt: at(5),
          createdBy: staff.id,
        },
        2015,
      ),
    );
    await insert(
      {
        closedAt: cst('2015-01-05T10:00:00'),
        category: 'property_rights',
        subtype: 'lease',
        sourceType: 'lease_listing',
        sourceId: listing.id,
        amount: 120_000 * 36,
      },
      { closedAt: cst('2015-01-06T10:00:00'), amount: 999 },
      // Another source naming the same id is not a live auction's deal.
      { closedAt: cst('2015-01-07T10:00:00'), sourceType: 'import', sourceId: listing.id, amount: 555 },
    );
    const year = { start: startOfDayInZone('2015-01-01', TZ), end: startOfDayInZone('2016-01-01', TZ) };
    expect(await deals.liveAuctionTotals(year.start, year.end)).toEqual({
      count: 1,
      startAmount: 100_000n * 36n,
      amount: 120_000n * 36n,
    });
    expect(
      await deals.liveAuctionTotals(startOfDayInZone('2016-01-01', TZ), startOfDayInZone('2017-01-01', TZ)),
    ).toEqual({ count: 0, startAmount: 0n, amount: 0n });
  });
});

describe('liveAuctionTotals: every live online auction, and only those', () => {
  /** An auction row for a transfer project, as the transfer creates one when 2+ buyers qualify. */
  async function transferAuction(startPrice: number): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO auctions (id, host_type, status, start_price, increment, max_bid, bidding_starts_at,
                             free_bidding_ends_at, extension_seconds, ends_at)
       VALUES ($1, 'transfer_project', 'sold', $2, 100000, 9007199254740991,
               '2017-01-01T02:00:00Z', '2017-01-01T03:00:00Z', 60, '2017-01-01T03:00:00Z')`,
      [id, startPrice],
    );
    return id;
  }
  const transferDeal = (sourceType: string, sourceId: string, amount: number, closedAt: Date) => ({
    closedAt,
    category: 'property_rights' as const,
    subtype: 'transfer',
    sourceType,
    sourceId,
    amount,
  });

  it('counts a transfer’s live auction at its start price, beside no on-site sale or agreement', async () => {
    const auctionId = await transferAuction(10_000_000);
    const other = await transferAuction(5_000_000);
    await insert(
      transferDeal('transfer_auction', auctionId, 10_300_000, cst('2017-03-01T11:00:00')),
      // Not live auctions, even naming an auction's id: the on-site sale and the agreement.
      transferDeal('on_site_auction', other, 6_000_000, cst('2017-03-02T11:00:00')),
      transferDeal('transfer_agreement', other, 7_000_000, cst('2017-03-03T11:00:00')),
      transferDeal('import', auctionId, 8_000_000, cst('2017-03-04T11:00:00')),
    );
    const year = { start: startOfDayInZone('2017-01-01', TZ), end: startOfDayInZone('2018-01-01', TZ) };
    expect(await deals.liveAuctionTotals(year.start, year.end)).toEqual({
      count: 1,
      startAmount: 10_000_000n,
      amount: 10_300_000n,
    });
  });

  it('takes a live-auction deal closed a millisecond before the period’s end, not one at the end itself', async () => {
    const end = startOfDayInZone('2009-02-01', TZ);
    const start = startOfDayInZone('2009-01-01', TZ);
    const atStart = await transferAuction(1_000);
    const justBefore = await transferAuction(2_000);
    const atEnd = await transferAuction(4_000);
    const beforeStart = await transferAuction(8_000);
    await insert(
      transferDeal('transfer_auction', atStart, 1_100, start),
      transferDeal('transfer_auction', justBefore, 2_200, new Date(end.getTime() - 1)),
      transferDeal('transfer_auction', atEnd, 4_400, end),
      transferDeal('transfer_auction', beforeStart, 8_800, new Date(start.getTime() - 1)),
    );
    expect(await deals.liveAuctionTotals(start, end)).toEqual({
      count: 2,
      startAmount: 3_000n,
      amount: 3_300n,
    });
  });
});

describe('listForExport', () => {
  it('lists a period’s deals oldest first, at most `limit`', async () => {
    const [a, b, c] = await insert(
      { closedAt: cst('2016-05-03T10:00:00') },
      { closedAt: cst('2016-05-01T10:00:00') },
      { closedAt: cst('2016-05-02T10:00:00') },
    );
    const start = startOfDayInZone('2016-05-01', TZ);
    const end = startOfDayInZone('2016-06-01', TZ);
    expect((await deals.listForExport(start, end, 10)).map((deal) => deal.id)).toEqual([b.id, c.id, a.id]);
    expect((await deals.listForExport(start, end, 2)).map((deal) => deal.id)).toEqual([b.id, c.id]);
  });
});
