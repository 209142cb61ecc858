import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { statusesAllowing } from '@ggzy/domain';
import { createDataSource, OVERDUE_AUCTIONS_SQL } from '@ggzy/persistence';
import { DEFAULT_REDIS_URL } from '@ggzy/queues';
import { rssMiB } from './cpu.js';
import { adminDatabaseUrl, deletePrefixed, onAdmin } from './platform.js';
import { round } from './stats.js';

/**
 * `npm run bench:scheduling` (issue 13): BENCH_SCHEDULED (100,000) live auctions in a database
 * of their own, then
 * - the worker's start, which rebuilds every pending job from PostgreSQL: the time to ready and
 *   the worker's peak resident memory, next to the same run's floor (one SELECT of the rows and
 *   a pipelined ZADD per job on a bare Redis connection);
 * - Redis memory per scheduled job (used_memory before and after, over the jobs made);
 * - the rebuild after the queue's keys are deleted under the running worker (a flushed Redis);
 * - the sweeper's query, EXPLAIN ANALYZE on the indexes it uses now and on the status index it
 *   used before (migration 1764390000000), over the same rows.
 * Nothing here asserts; figures go to bench/results/ and, by hand, to BENCHMARKS.md.
 */
const SCHEDULED = Number(process.env.BENCH_SCHEDULED ?? 100_000);
const DUE = 10;
const CHUNK = 10_000;
const root = process.cwd();
const log = (message: string) =>
  console.error(`[bench:scheduling ${new Date().toISOString().slice(11, 19)}] ${message}`);

/** The sweeper's query as it was before the (status, time) indexes. */
const OVERDUE_BEFORE_SQL = `WITH cutoff AS (SELECT clock_timestamp() - make_interval(secs => $1::double precision / 1000) AS at)
  SELECT id, ends_at AS "endsAt", ends_at <= clock_timestamp() AS "closeDue"
  FROM auctions, cutoff
  WHERE status = ANY($2::varchar[])
    AND (ends_at <= cutoff.at OR (status = ANY($3::varchar[]) AND bidding_starts_at <= cutoff.at))`;

/** Half announced (an open and a close job each), half bidding (a close job), spread over 30 days. */
const LOAD_SQL = `
  WITH ids AS (SELECT gen_random_uuid() AS id, n FROM generate_series($1::int, $2::int) n),
  auction AS (
    INSERT INTO auctions (id, host_type, status, start_price, increment, max_bid, bidding_starts_at,
      free_bidding_ends_at, extension_seconds, ends_at)
    SELECT id, 'lease_listing', CASE WHEN n % 2 = 0 THEN 'announced' ELSE 'bidding' END, 100000, 1000,
      250000000000000, now() + make_interval(mins => 60 + n % 43200) - CASE WHEN n % 2 = 0 THEN interval '0' ELSE interval '2 hours' END,
      now() + make_interval(mins => 120 + n % 43200), 60, now() + make_interval(mins => 120 + n % 43200)
    FROM ids)
  INSERT INTO lease_listings (id, code, title, address, area_sqm, usage, lease_term_months, deposit,
    registration_starts_at, registration_ends_at, created_by, published_at)
  SELECT id, 'GF-S-' || lpad(n::text, 7, '0'), '排期基准 ' || n, '南昌市东湖区', 50, '商业', 36, 1000000,
    now() - interval '3 days', now() - interval '1 day', $3::uuid, now() - interval '3 days'
  FROM ids`;

/** A few auctions past their end, so the sweeper's query has something to find. */
const DUE_SQL = `
  WITH ids AS (SELECT gen_random_uuid() AS id, n FROM generate_series(1, $1::int) n),
  auction AS (
    INSERT INTO auctions (id, host_type, status, start_price, increment, max_bid, bidding_starts_at,
      free_bidding_ends_at, extension_seconds, ends_at)
    SELECT id, 'lease_listing', 'bidding', 100000, 1000, 250000000000000, now() - interval '3 hours',
      now() - interval '1 hour', 60, now() - interval '1 hour' FROM ids)
  INSERT INTO lease_listings (id, code, title, address, area_sqm, usage, lease_term_months, deposit,
    registration_starts_at, registration_ends_at, created_by, published_at)
  SELECT id, 'GF-D-' || lpad(n::text, 7, '0'), '到期 ' || n, '南昌市东湖区', 50, '商业', 36, 1000000,
    now() - interval '3 days', now() - interval '1 day', $2::uuid, now() - interval '3 days'
  FROM ids`;

interface Explained {
  ms: number;
  sharedBlocks: number;
  plan: string;
}

async function explain(client: pg.Client, sql: string): Promise<Explained> {
  const values = [1000, statusesAllowing('close_sold'), statusesAllowing('open')];
  await client.query(sql, values); // warm
  const text = (await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING ON) ${sql}`, values)).rows
    .map((row) => row['QUERY PLAN'] as string)
    .join('\n');
  const json = (await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, values)).rows[0][
    'QUERY PLAN'
  ][0];
  return {
    ms: round(json['Execution Time'], 3),
    sharedBlocks: json.Plan['Shared Hit Blocks'] + json.Plan['Shared Read Blocks'],
    plan: text,
  };
}

/** Starts the worker; resolves at its `worker ready` line with the time taken and its peak RSS. */
function startWorker(env: NodeJS.ProcessEnv) {
  const started = performance.now();
  // BENCH_WORKER_ROOT: another checkout's build, to measure its worker on the same rows.
  const workerRoot = process.env.BENCH_WORKER_ROOT ?? root;
  // BENCH_WORKER_HEAP_MB: a cap on the worker's V8 old space, to show what the rebuild needs
  // (RSS alone says little: V8 lets an idle heap grow before it collects).
  const heapCap = process.env.BENCH_WORKER_HEAP_MB
    ? [`--max-old-space-size=${process.env.BENCH_WORKER_HEAP_MB}`]
    : [];
  const child = spawn(process.execPath, [...heapCap, join(workerRoot, 'dist/apps/worker/src/main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const watcher = new PeakRss(child);
  const lines: string[] = [];
  let buffered = '';
  const waiters: { match: string; resolve: (line: string) => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.splice(0))
        if (line.includes(waiter.match)) waiter.resolve(line);
        else waiters.push(waiter);
    }
  });
  const lineWith = (match: string, timeoutMs = 600_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((line) => line.includes(match));
      if (seen) return resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null)
        return reject(new Error(`worker exited ${child.exitCode ?? child.signalCode} before "${match}"`));
      const timer = setTimeout(
        () => reject(new Error(`worker: no "${match}" in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
      child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
    });
  return { child, started, watcher, lineWith };
}

/** Samples a process's resident memory every 20 ms; `take()` gives the peak since the last take. */
class PeakRss {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(child: ChildProcess) {
    this.timer = setInterval(() => {
      try {
        this.peak = Math.max(this.peak, rssMiB(child.pid!));
      } catch {
        // exited
      }
    }, 20);
  }
  take(): number {
    const peak = this.peak;
    this.peak = 0;
    return peak;
  }
  stop() {
    clearInterval(this.timer);
  }
}

const usedMemory = async (redis: Redis) => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);

async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let counted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    counted += keys.length;
  } while (cursor !== '0');
  return counted;
}

async function main() {
  const began = Date.now();
  const adminUrl = await adminDatabaseUrl();
  const database = `ggzy_bench_${randomBytes(4).toString('hex')}`;
  await onAdmin(adminUrl, `CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const prefix = `s${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.BENCH_REDIS_URL ?? DEFAULT_REDIS_URL;
  const redis = new Redis(redisUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  let worker: ReturnType<typeof startWorker> | undefined;
  const results: Record<string, unknown> = {
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30),
      node: process.version,
      loadavgAtStart: loadavg().map((value) => round(value, 2)),
    },
    scheduled: SCHEDULED,
    workerRoot: process.env.BENCH_WORKER_ROOT ?? root,
    workerHeapCapMiB: process.env.BENCH_WORKER_HEAP_MB ? Number(process.env.BENCH_WORKER_HEAP_MB) : null,
  };
  try {
    const dataSource = await createDataSource(databaseUrl, 2).initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
    await client.connect();
    const staff = (
      await client.query(
        `INSERT INTO users (username, password_hash, display_name, roles)
         VALUES ('bench-staff', 'not-a-hash', 'bench staff', '{staff}') RETURNING id`,
      )
    ).rows[0].id as string;
    const loadStarted = performance.now();
    for (let first = 1; first <= SCHEDULED; first += CHUNK)
      await client.query(LOAD_SQL, [first, Math.min(SCHEDULED, first + CHUNK - 1), staff]);
    await client.query(DUE_SQL, [DUE, staff]);
    await client.query('VACUUM ANALYZE auctions');
    await client.query('VACUUM ANALYZE lease_listings');
    log(
      `loaded ${SCHEDULED} scheduled and ${DUE} due auctions in ${round((performance.now() - loadStarted) / 1000)} s`,
    );

    // The sweeper's query, now and as it was (the status index alone), on the same rows.
    const now = await explain(client, OVERDUE_AUCTIONS_SQL);
    await client.query('BEGIN');
    await client.query('DROP INDEX auctions_status_ends_idx, auctions_status_starts_idx');
    await client.query('CREATE INDEX auctions_status_idx ON auctions (status)');
    await client.query('ANALYZE auctions');
    const before = await explain(client, OVERDUE_BEFORE_SQL);
    await client.query('ROLLBACK');
    results.sweeper = { now, before, msRatioBeforeOverNow: round(before.ms / now.ms, 1) };
    log(
      `sweeper: now ${now.ms} ms, ${now.sharedBlocks} blocks; before ${before.ms} ms, ${before.sharedBlocks} blocks`,
    );

    // The floor: reading the rows in one SELECT, and one ZADD per job pipelined on bare Redis.
    const readStarted = performance.now();
    const rows = (
      await client.query(
        `SELECT id, status, bidding_starts_at, ends_at FROM auctions WHERE status = ANY($1::varchar[])`,
        [statusesAllowing('close_sold')],
      )
    ).rows as { id: string; status: string; bidding_starts_at: Date; ends_at: Date }[];
    const readMs = performance.now() - readStarted;
    const floorKey = `${prefix}:floor`;
    const zaddStarted = performance.now();
    for (let i = 0; i < rows.length; i += 1000) {
      const pipeline = redis.pipeline();
      for (const row of rows.slice(i, i + 1000)) {
        if (row.status === 'announced')
          pipeline.zadd(floorKey, row.bidding_starts_at.getTime(), `open-${row.id}`);
        pipeline.zadd(floorKey, row.ends_at.getTime(), `close-${row.id}`);
      }
      await pipeline.exec();
    }
    const zaddMs = performance.now() - zaddStarted;
    await redis.unlink(floorKey);
    const jobs = rows.length + rows.filter((row) => row.status === 'announced').length;
    results.floor = { selectMs: round(readMs), zaddPipelinedMs: round(zaddMs), jobs };
    log(`floor: SELECT ${round(readMs)} ms, ${jobs} ZADDs pipelined ${round(zaddMs)} ms`);

    // The worker's start: it rebuilds every job before it reports ready.
    const redisBefore = await usedMemory(redis);
    worker = startWorker({
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      AUDIT_HMAC_KEY: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
    });
    const ready = JSON.parse(await worker.lineWith('worker ready')) as { rebuilt: number; rebuildMs: number };
    const startMs = performance.now() - worker.started;
    const startPeakRss = worker.watcher.take();
    const idleRss = rssMiB(worker.child.pid!);
    const redisAfter = await usedMemory(redis);
    const keys = await countKeys(redis, `${prefix}:auctions:*`);
    results.start = {
      rebuiltAuctions: ready.rebuilt,
      jobs,
      msToReady: round(startMs),
      rebuildMs: ready.rebuildMs,
      jobsPerSecond: round(jobs / (ready.rebuildMs / 1000)),
      peakRssMiB: startPeakRss,
      rssAfterMiB: idleRss,
      redisBytesPerJob: round((redisAfter - redisBefore) / jobs),
      redisMiBForAll: round((redisAfter - redisBefore) / 2 ** 20),
      redisKeys: keys,
      rebuildVsFloor: round(ready.rebuildMs / (readMs + zaddMs), 2),
    };
    log(`start: ${JSON.stringify(results.start)}`);

    // Redis flushed under the running worker: its watchdog notices and rebuilds.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    worker.watcher.take();
    const rssBeforeFlush = rssMiB(worker.child.pid!);
    const deleted = await deletePrefixed(redisUrl, `${prefix}:*`);
    const flushedAt = performance.now();
    const rebuiltLine = JSON.parse(await worker.lineWith('"msg":"queue state was lost')) as {
      rebuilt: number;
      rebuildMs: number;
    };
    const rebuildMs = performance.now() - flushedAt;
    results.afterFlush = {
      keysDeleted: deleted,
      rebuiltAuctions: rebuiltLine.rebuilt,
      msFromFlushToRebuilt: round(rebuildMs),
      note: 'msFromFlushToRebuilt includes up to 2 s until the watchdog looks',
      rebuildMs: rebuiltLine.rebuildMs,
      rssBeforeMiB: rssBeforeFlush,
      peakRssMiB: worker.watcher.take(),
    };
    Object.assign(results.afterFlush as object, {
      rssGrowthMiB: round((results.afterFlush as { peakRssMiB: number }).peakRssMiB - rssBeforeFlush),
    });
    log(`after flush: ${JSON.stringify(results.afterFlush)}`);
  } finally {
    if (worker) {
      worker.watcher.stop();
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        const exited = new Promise((resolve) => worker!.child.once('exit', resolve));
        worker.child.kill('SIGTERM');
        await exited;
      }
    }
    await client.end().catch(() => undefined);
    await deletePrefixed(redisUrl, `${prefix}:*`).catch(() => undefined);
    redis.disconnect();
    await onAdmin(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
  (results.machine as Record<string, unknown>).loadavgAtEnd = loadavg().map((value) => round(value, 2));
  (results.machine as Record<string, unknown>).benchSeconds = round((Date.now() - began) / 1000);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, `bench/results/scheduling-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  log(`written to ${file}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
