import pg from 'pg';
import request from 'supertest';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type ChildApp, type RunningHttpApp, spawnApp, startApi } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';
import { deleteRedisKeys, stopChild } from './support/bidding-clients.js';
import { endOfCalendarDay } from '@ggzy/domain';
import {
  AUCTIONS_QUEUE,
  closeJobId,
  createQueueBackend,
  openJobId,
  TRANSFERS_QUEUE,
  transferJobId,
} from '@ggzy/queues';

/**
 * Closing at scale (issue 13): 1,000 auctions ending in the same second close exactly once
 * each, with the right outcome, deal and trail entry, on the worker's batches; a worker killed
 * in the middle of them leaves every auction either wholly closed or untouched (a batch is one
 * transaction), and a new worker closes the rest. The auctions are written straight into the
 * database (half with a leader, half without), so only the closing is under test.
 */
const COUNT = 1000;
const TERM_MONTHS = 36;

describe('1,000 auctions ending in the same second', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let db: pg.Client;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;
  const children: ChildApp[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    bidder = await registerBidder(api.url);
    db = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL });
    await db.connect();
  });

  afterEach(async () => {
    for (const child of children.splice(0)) await stopChild(child);
  });

  afterAll(async () => {
    await db?.end();
    await api?.close();
    await env?.drop();
  });

  /**
   * `count` lease auctions ending `inMs` from the database's now, bidding from an hour before;
   * when bidding, the even ones have a leader.
   */
  async function auctionsEndingIn(
    inMs: number,
    batch: string,
    { count = COUNT, status = 'bidding' }: { count?: number; status?: 'bidding' | 'announced' } = {},
  ): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `WITH ids AS (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $1::int) n),
       ends AS (SELECT date_trunc('milliseconds', clock_timestamp()) + make_interval(secs => $2::double precision / 1000) AS at),
       auction AS (
         INSERT INTO auctions (id, host_type, status, start_price, increment, max_bid, bidding_starts_at,
           free_bidding_ends_at, extension_seconds, ends_at, current_price, leader_id, bid_count, last_seq)
         SELECT ids.id, 'lease_listing', $7::varchar, 100000, 1000, floor(9007199254740991 / $3::int)::bigint,
           ends.at - interval '1 hour', ends.at - interval '1 second', 1, ends.at,
           CASE WHEN $7::varchar = 'bidding' AND n % 2 = 0 THEN 100000 + n END,
           CASE WHEN $7::varchar = 'bidding' AND n % 2 = 0 THEN $4::uuid END,
           ($7::varchar = 'bidding' AND n % 2 = 0)::int, ($7::varchar = 'bidding' AND n % 2 = 0)::int
         FROM ids, ends)
       INSERT INTO lease_listings (id, code, title, address, area_sqm, usage, lease_term_months, deposit,
         registration_starts_at, registration_ends_at, created_by, published_at)
       SELECT ids.id, 'GF' || $5 || lpad(n::text, 5, '0'), '批量拍租 ' || $5 || ' ' || n, '南昌市东湖区', 50, '商业', $3::int,
         1000000, ends.at - interval '3 hours', ends.at - interval '1 hour', $6::uuid, ends.at - interval '3 hours'
       FROM ids, ends
       RETURNING id`,
      [count, inMs, TERM_MONTHS, bidder.id, batch, staff.id, status],
    );
    return rows.map((row) => row.id);
  }

  /** Per auction: its status, its deals and its `auction.closed` entries. */
  async function states(ids: string[]) {
    const { rows } = await db.query<{
      id: string;
      status: string;
      deals: number;
      closes: number;
      amount: string | null;
    }>(
      `SELECT a.id, a.status,
              (SELECT count(*)::int FROM deals d WHERE d.source_id = a.id) AS deals,
              (SELECT min(d.amount)::text FROM deals d WHERE d.source_id = a.id) AS amount,
              (SELECT count(*)::int FROM audit_log l WHERE l.entity_id = a.id::text AND l.action = 'auction.closed') AS closes
       FROM auctions a WHERE a.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows;
  }

  /** Wholly closed (sold with one deal, unsold with none; one trail entry) or untouched. */
  function wholeOrUntouched(row: Awaited<ReturnType<typeof states>>[number]): boolean {
    if (row.status === 'bidding') return row.deals === 0 && row.closes === 0;
    if (row.status === 'sold') return row.deals === 1 && row.closes === 1;
    return row.status === 'unsold' && row.deals === 0 && row.closes === 1;
  }

  const transactionsThatClosed = async (ids: string[]) =>
    (
      await db.query<{ n: number }>(
        `SELECT count(DISTINCT xmin::text)::int AS n FROM auctions WHERE id = ANY($1::uuid[])`,
        [ids],
      )
    ).rows[0].n;

  const closedCount = async (ids: string[]) =>
    (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM auctions WHERE id = ANY($1::uuid[]) AND status IN ('sold', 'unsold')`,
        [ids],
      )
    ).rows[0].n;

  it('all close exactly once on one worker, with the right outcome and deal, and the trail verifies', async () => {
    const ids = await auctionsEndingIn(8_000, 'A');
    children.push(await spawnApp('worker', env.config));
    await waitFor(async () => (await closedCount(ids)) === COUNT || undefined, 60_000, 'all closed');
    const rows = await states(ids);
    expect(rows.filter((row) => !wholeOrUntouched(row))).toEqual([]);
    expect(rows.filter((row) => row.status === 'sold')).toHaveLength(COUNT / 2);
    expect(rows.filter((row) => row.status === 'unsold')).toHaveLength(COUNT / 2);
    // A sold auction's deal is its leader's price × the term (the even n had price 100000 + n).
    const amounts = rows.filter((row) => row.status === 'sold').map((row) => BigInt(row.amount!));
    const expected = Array.from({ length: COUNT / 2 }, (_, i) =>
      BigInt((100_000 + 2 * (i + 1)) * TERM_MONTHS),
    );
    expect(amounts.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(expected);
    const { rows: chain } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auction.closed' AND entity_id = ANY($1::text[])`,
      [ids],
    );
    expect(chain[0].n).toBe(COUNT);
    const verify = await request(api.url)
      .get('/api/audit/verify')
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true, valid: true });
    // Closed in batches: the rows a transaction writes share its id (xmin), and there are far
    // fewer transactions than auctions (one per auction before batches).
    const transactions = await transactionsThatClosed(ids);
    expect(transactions).toBeLessThanOrEqual(COUNT / 5);
  });

  it('a worker killed in the middle leaves nothing half-closed, and a new one closes the rest once', async () => {
    const ids = await auctionsEndingIn(8_000, 'B');
    // Small batches spread the closing out, so the kill lands between some of them.
    const first = await spawnApp('worker', env.config, { CLOSE_BATCH_SIZE: '5', CLOSE_BATCH_LANES: '1' });
    children.push(first);
    const partly = await waitFor(
      async () => {
        const closed = await closedCount(ids);
        return closed > 0 ? closed : undefined;
      },
      60_000,
      'the first closes',
    );
    await first.kill();
    const afterKill = await states(ids);
    expect(afterKill.filter((row) => !wholeOrUntouched(row))).toEqual([]);
    const closedBeforeKill = afterKill.filter((row) => row.status !== 'bidding').map((row) => row.id);
    const closedAtKill = closedBeforeKill.length;
    expect(closedAtKill).toBeGreaterThanOrEqual(partly);
    expect(closedAtKill).toBeLessThan(COUNT);

    children.push(await spawnApp('worker', env.config));
    await waitFor(async () => (await closedCount(ids)) === COUNT || undefined, 60_000, 'the rest closed');
    const rows = await states(ids);
    expect(rows.filter((row) => !wholeOrUntouched(row))).toEqual([]);
    expect(rows.filter((row) => row.status === 'sold')).toHaveLength(COUNT / 2);
    // The first worker's batches held at most CLOSE_BATCH_SIZE (5) auctions each.
    const { rows: sizes } = await db.query<{ size: number }>(
      `SELECT count(*)::int AS size FROM auctions WHERE id = ANY($1::uuid[]) GROUP BY xmin::text ORDER BY 1 DESC LIMIT 1`,
      [closedBeforeKill],
    );
    expect(sizes[0].size).toBeLessThanOrEqual(5);
  });

  /** Every id of `expected` whose job is missing or not waiting for its moment (delayed), as BullMQ holds it. */
  async function notDelayed(queueName: string, expected: { jobId: string; runAt: Date }[]) {
    const backend = createQueueBackend(env.config);
    const queue = backend.createQueue(queueName);
    try {
      const wrong: string[] = [];
      for (const { jobId, runAt } of expected) {
        const job = await queue.getJob(jobId);
        // Delayed until its own moment (±2 s for the clocks between adding and reading), not run now.
        const dueAt = job ? job.timestamp + (job.opts.delay ?? 0) : 0;
        if (!job || (await job.getState()) !== 'delayed' || Math.abs(dueAt - runAt.getTime()) > 2000)
          wrong.push(jobId);
      }
      return wrong;
    } finally {
      await queue.close();
      await backend.close();
    }
  }

  async function delayedCount(queueName: string): Promise<number> {
    const backend = createQueueBackend(env.config);
    const queue = backend.createQueue(queueName);
    try {
      return await queue.getDelayedCount();
    } finally {
      await queue.close();
      await backend.close();
    }
  }

  it('a starting worker schedules every open and close, a page at a time past the first thousand, and again after Redis is flushed', async () => {
    const count = 2500;
    const ids = await auctionsEndingIn(2 * 3600_000, 'C', { count, status: 'announced' });
    const { rows } = await db.query<{ id: string; startsAt: Date; endsAt: Date }>(
      `SELECT id, bidding_starts_at AS "startsAt", ends_at AS "endsAt" FROM auctions WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const expected = rows.flatMap((row) => [
      { jobId: openJobId(row.id, row.startsAt), runAt: row.startsAt },
      { jobId: closeJobId(row.id, row.endsAt), runAt: row.endsAt },
    ]);
    children.push(await spawnApp('worker', env.config));
    expect(await notDelayed(AUCTIONS_QUEUE, expected)).toEqual([]);

    // Redis loses the queue under the running worker: its watchdog rebuilds every step.
    // Every key of the queue under this test's prefix, as a flushed Redis would lose them.
    await deleteRedisKeys(env.config.REDIS_URL!, `${env.config.QUEUE_PREFIX}:${AUCTIONS_QUEUE}:*`);
    expect(await notDelayed(AUCTIONS_QUEUE, expected.slice(0, 1))).toEqual([expected[0].jobId]);
    // Rebuilt a page at a time: wait for the count, then check every one.
    await waitFor(
      async () => ((await delayedCount(AUCTIONS_QUEUE)) >= expected.length ? true : undefined),
      30_000,
      'the steps rebuilt after the flush',
    );
    expect(await notDelayed(AUCTIONS_QUEUE, expected)).toEqual([]);
  });

  it('a starting worker schedules the end of every disclosure, a page at a time past the first thousand', async () => {
    const count = 1500;
    const endsOn = '2099-06-30';
    const { rows } = await db.query<{ id: string; status: string }>(
      `INSERT INTO transfer_projects (id, code, status, title, transferor, asset_kind, asset_description, valuation,
         listing_price, deposit, increment, auction_start_time, free_bidding_minutes, extension_seconds,
         extension_periods, disclosure_ends_on, published_on, created_by)
       SELECT gen_random_uuid(), 'CQ-S-' || lpad(n::text, 5, '0'), CASE WHEN n <= $1::int THEN 'disclosed' ELSE 'accepted' END,
         '批量披露 ' || n, '南昌市东湖区国有资产运营公司', 'physical_asset', '设备一批', 1000000, 1000000, 100000,
         10000, '10:00', 60, 60, 0, $2::date, CASE WHEN n <= $1::int THEN current_date END, $3::uuid
       FROM generate_series(1, $1::int + 1) n
       RETURNING id, status`,
      [count, endsOn, staff.id],
    );
    const at = endOfCalendarDay(endsOn, env.config.CENTRE_TZ);
    const expected = rows
      .filter((row) => row.status === 'disclosed')
      .map((row) => ({ jobId: transferJobId('transfer-disclosure-end', row.id, at), runAt: at }));
    expect(expected).toHaveLength(count);
    children.push(await spawnApp('worker', env.config));
    // The transfers' rebuild runs beside the auctions' (its own "transfer steps ready").
    await waitFor(
      async () => ((await delayedCount(TRANSFERS_QUEUE)) >= count ? true : undefined),
      30_000,
      'the disclosures scheduled',
    );
    expect(await notDelayed(TRANSFERS_QUEUE, expected)).toEqual([]);
    // A project not yet published (accepted) has no disclosure to end.
    const accepted = rows.find((row) => row.status === 'accepted')!;
    expect(
      await notDelayed(TRANSFERS_QUEUE, [
        { jobId: transferJobId('transfer-disclosure-end', accepted.id, at), runAt: at },
      ]),
    ).toHaveLength(1);
  });
});
