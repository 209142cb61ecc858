import type { DataSource } from 'typeorm';
import { createDataSource, guardNestedConnections, NestedConnectionError } from '@ggzy/persistence';
import { createEmptyDatabase, createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi } from './support/platform.js';
import { createOperator, createPublishedListing, registerBidder } from './support/factories.js';

/**
 * A statement that takes a second connection from the pool inside its own transaction can
 * deadlock the pool: staff qualifying ten bidders at once once hung the api for good (each
 * qualify held the listing lock and waited for a connection the others held). The guard turns
 * that mistake into an error in development and tests, and a report in production.
 */
describe('nested connections inside a transaction', () => {
  let database: Awaited<ReturnType<typeof createEmptyDatabase>>;
  const open: DataSource[] = [];

  const connect = async (onViolation: Parameters<typeof guardNestedConnections>[1]) => {
    const dataSource = guardNestedConnections(
      await createDataSource(database.url, 2).initialize(),
      onViolation,
    );
    open.push(dataSource);
    return dataSource;
  };

  beforeAll(async () => {
    database = await createEmptyDatabase();
  });

  afterAll(async () => {
    for (const dataSource of open) await dataSource.destroy();
    await database?.drop();
  });

  it('fails a statement that asks the pool for another connection inside a transaction', async () => {
    const dataSource = await connect('throw');
    await expect(
      dataSource.transaction(async () => {
        await dataSource.query('SELECT 1');
      }),
    ).rejects.toBeInstanceOf(NestedConnectionError);
    // Through a repository or the pool's own query, the same.
    await expect(
      dataSource.manager.transaction('READ COMMITTED', async () => {
        await dataSource.manager.query('SELECT 1');
      }),
    ).rejects.toBeInstanceOf(NestedConnectionError);
    // Another transaction on the same pool, opened inside the first, is a second connection too.
    await expect(
      dataSource.transaction(() => dataSource.transaction((inner) => inner.query('SELECT 1'))),
    ).rejects.toBeInstanceOf(NestedConnectionError);
  });

  it('lets the transaction’s own manager, savepoints, and anything after it through', async () => {
    const dataSource = await connect('throw');
    const inside = await dataSource.transaction(async (manager) => {
      const [{ one }] = (await manager.query('SELECT 1 AS one')) as { one: number }[];
      const [{ two }] = (await manager.transaction((same) => same.query('SELECT 2 AS two'))) as {
        two: number;
      }[];
      return one + two;
    });
    expect(inside).toBe(3);
    // Outside any transaction, and in parallel transactions (each its own connection), all pass.
    expect(await dataSource.query('SELECT 4 AS four')).toEqual([{ four: 4 }]);
    const parallel = await Promise.all(
      [5, 6, 7].map((n) => dataSource.transaction((manager) => manager.query(`SELECT ${n} AS n`))),
    );
    expect(parallel.map((rows) => (rows as { n: number }[])[0].n)).toEqual([5, 6, 7]);
  });

  it('in production reports the statement and lets it run', async () => {
    const reported: NestedConnectionError[] = [];
    const dataSource = await connect((error) => reported.push(error));
    const rows = await dataSource.transaction(() => dataSource.query('SELECT 8 AS eight'));
    expect(rows).toEqual([{ eight: 8 }]);
    expect(reported).toHaveLength(1);
    expect(reported[0].message).toMatch(/inside a transaction/);
  });
});

describe('staff qualifying many bidders at once on a small pool', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;

  beforeAll(async () => {
    // Two connections: ten concurrent qualifications on one listing queue behind its lock.
    env = await createTestEnvironment({ DB_POOL_SIZE: 2 });
    api = await startApi(env.config);
  });

  afterAll(async () => {
    await api?.close();
    await env?.drop();
  });

  it('qualifies all ten, each with its own code', async () => {
    const staff = await createOperator(env.config, api.url, 'staff');
    const bidders = await Promise.all(Array.from({ length: 10 }, () => registerBidder(api.url)));
    const listing = await createPublishedListing(api.url, staff, bidders, { biddingInMs: 60_000 });
    expect(new Set(listing.codes.values()).size).toBe(10);
  });
});
