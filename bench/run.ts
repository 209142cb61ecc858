import 'reflect-metadata';
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { PasswordHasher } from '@ggzy/auth';
import { createDataSource, ensureEmbeddedPostgres, freePort, UsersRepository } from '@ggzy/persistence';
import { DEFAULT_REDIS_URL, redisAnswers } from '@ggzy/queues';
import { round, summary } from './stats.js';

/**
 * `npm run bench`: starts the real platform (api, gateway, worker as processes) on a fresh
 * database and measures, in one run, each figure next to its baseline. Nothing here asserts;
 * the results are written to bench/results/ and copied into BENCHMARKS.md by hand.
 */
const root = process.cwd();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 1000);
const CLOSING = Number(process.env.BENCH_AUCTIONS ?? 200);
const BIDDERS = 20;
const PARTS = new Set((process.env.BENCH_PARTS ?? 'a,b,c').split(','));
const TICKS_PER_SECOND = 100;

/** CPU seconds each process used, read from /proc, so every figure says which process was busy. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Every PostgreSQL process on the machine (the bench's database is the only busy one). */
function postgresCpu(): Map<number, number> {
  const usage = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        usage.set(Number(entry), cpuSeconds(Number(entry)));
    } catch {
      // the process ended while we looked
    }
  }
  return usage;
}

async function measureCpu<T>(
  platform: Platform,
  work: () => Promise<T>,
): Promise<T & { cpuSeconds: Record<string, number> }> {
  const names = ['api', 'gateway', 'worker'];
  const pids = platform.children.map((child) => child.pid!);
  const before = [...pids.map(cpuSeconds), process.cpuUsage()];
  const postgresBefore = postgresCpu();
  const wall = performance.now();
  const result = await work();
  const usage = process.cpuUsage(before[3] as NodeJS.CpuUsage);
  const cpu: Record<string, number> = { wallSeconds: round((performance.now() - wall) / 1000, 2) };
  pids.forEach((pid, index) => (cpu[names[index]] = round(cpuSeconds(pid) - (before[index] as number), 2)));
  cpu.benchClients = round((usage.user + usage.system) / 1e6, 2);
  let postgres = 0;
  for (const [pid, seconds] of postgresCpu()) postgres += seconds - (postgresBefore.get(pid) ?? 0);
  cpu.postgres = round(postgres, 2);
  return { ...result, cpuSeconds: cpu };
}
const log = (message: string) => console.error(`[bench] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Platform {
  apiUrl: string;
  gatewayUrl: string;
  databaseUrl: string;
  children: ChildProcess[];
}

async function json(url: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const body = (await response.json()) as any;
  if (response.status >= 400)
    throw new Error(`${init.method ?? 'GET'} ${url} → ${response.status} ${JSON.stringify(body)}`);
  return body;
}

function connect(url: string, token?: string): Promise<Socket> {
  const socket = io(`${url}/bidding`, {
    auth: token ? { token } : {},
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const ask = (socket: Socket, event: string, payload: unknown): Promise<any> =>
  socket.timeout(30_000).emitWithAck(event, payload);

async function startPlatform(): Promise<
  Platform & { redisUrl: string | null; adminUrl: string; database: string }
> {
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  let adminUrl = local;
  const probe = new pg.Client({ connectionString: local, connectionTimeoutMillis: 1000 });
  try {
    await probe.connect();
    await probe.end();
  } catch {
    adminUrl = (await ensureEmbeddedPostgres('.data/bench')).url.replace(/\/ggzy$/, '/postgres');
  }
  const redisUrl = (await redisAnswers(DEFAULT_REDIS_URL)) ? DEFAULT_REDIS_URL : null;
  const database = `ggzy_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const dataSource = await createDataSource(databaseUrl, 2).initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  const [apiPort, gatewayPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl ?? 'none',
    API_PORT: String(apiPort),
    GATEWAY_PORT: String(gatewayPort),
    QUEUE_PREFIX: `b${randomBytes(4).toString('hex')}`,
    BID_RATE_LIMIT_PER_SECOND: '100000',
    REGISTRATIONS_PER_ADDRESS_PER_HOUR: '100000',
    JWT_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: process.env.BENCH_DB_POOL_SIZE ?? '10',
    SWEEP_INTERVAL_MS: '1000',
  };
  const start = (entry: string, ready: string) =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(process.execPath, [join(root, entry)], {
        env: { ...env, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        if (output.includes(ready)) return;
        output += chunk.toString();
        if (output.includes(ready)) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`${entry} exited ${code}: ${output}`)));
    });
  const children = await Promise.all([
    start('dist/apps/api/src/main.js', 'api listening'),
    start('dist/apps/bidding-gateway/src/main.js', 'bidding gateway listening'),
    start('dist/apps/worker/src/main.js', 'worker ready'),
  ]);
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    databaseUrl,
    children,
    redisUrl,
    adminUrl,
    database,
  };
}

async function accounts(platform: Platform) {
  const dataSource = await createDataSource(platform.databaseUrl, 1).initialize();
  const password = `bench-${randomBytes(6).toString('hex')}`;
  await new UsersRepository(dataSource).create({
    username: 'bench-staff',
    passwordHash: await new PasswordHasher().hash(password),
    displayName: 'bench staff',
    roles: ['staff'],
  });
  await dataSource.destroy();
  const staff = (
    await json(`${platform.apiUrl}/api/auth/login`, { body: { username: 'bench-staff', password } })
  ).accessToken as string;
  const bidders: { id: string; token: string }[] = [];
  for (let i = 0; i < BIDDERS; i += 1) {
    const username = `bench-bidder-${i}`;
    const user = await json(`${platform.apiUrl}/api/auth/register`, {
      body: { username, password, displayName: username },
    });
    bidders.push({
      id: user.id,
      token: (await json(`${platform.apiUrl}/api/auth/login`, { body: { username, password } })).accessToken,
    });
  }
  return { staff, bidders };
}

async function createListing(
  platform: Platform,
  staff: string,
  biddingStartsAt: number,
  freeBiddingEndsAt: number,
  extensionSeconds: number,
  qualified: { token: string }[],
) {
  const listing = await json(`${platform.apiUrl}/api/lease-listings`, {
    token: staff,
    body: {
      title: 'bench listing',
      address: '南昌市东湖区',
      areaSqm: 50,
      usage: '商业',
      leaseTermMonths: 36,
      startPrice: 100_000,
      increment: 100,
      deposit: 1_000_000,
      registrationStartsAt: new Date(Date.now() - 60_000).toISOString(),
      registrationEndsAt: new Date(biddingStartsAt).toISOString(),
      biddingStartsAt: new Date(biddingStartsAt).toISOString(),
      freeBiddingEndsAt: new Date(freeBiddingEndsAt).toISOString(),
      extensionSeconds,
    },
  });
  await json(`${platform.apiUrl}/api/lease-listings/${listing.id}/publish`, { token: staff, method: 'POST' });
  for (const bidder of qualified) {
    const registration = await json(`${platform.apiUrl}/api/lease-listings/${listing.id}/registrations`, {
      token: bidder.token,
      body: {},
    });
    await json(
      `${platform.apiUrl}/api/lease-listings/${listing.id}/registrations/${registration.id}/qualify`,
      { token: staff, body: { depositReceived: true } },
    );
  }
  return listing.id as string;
}

/** (a) baseline: the database's own limit on one hot row, with the same number of clients. */
async function contendedUpdate(databaseUrl: string, clients: number, seconds: number) {
  const setup = new pg.Client({ connectionString: databaseUrl });
  await setup.connect();
  await setup.query('CREATE TABLE bench_counter (id int PRIMARY KEY, v bigint NOT NULL)');
  await setup.query('INSERT INTO bench_counter VALUES (1, 0)');
  const latencies: number[] = [];
  let done = 0;
  const deadline = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      while (Date.now() < deadline) {
        const t0 = performance.now();
        await client.query('UPDATE bench_counter SET v = v + 1 WHERE id = 1');
        latencies.push(performance.now() - t0);
        done += 1;
      }
      await client.end();
    }),
  );
  await setup.query('DROP TABLE bench_counter');
  await setup.end();
  return { perSecond: round(done / seconds), latency: summary(latencies) };
}

/** (a) 20 bidders on one listing; `pacedPerSecond` undefined means as fast as acks return. */
async function hotListing(
  platform: Platform,
  listingId: string,
  bidders: { token: string }[],
  seconds: number,
  pacedPerSecond?: number,
  /** each bid adds 0…jumpSpread−1 increments to the known minimum */
  jumpSpread = 3,
) {
  const sockets = await Promise.all(bidders.map((bidder) => connect(platform.gatewayUrl, bidder.token)));
  let knownMin = (await ask(sockets[0], 'join', { listingId })).snapshot.minNextBid as number;
  for (const socket of sockets.slice(1)) await ask(socket, 'join', { listingId });
  for (const socket of sockets)
    socket.on(
      'bid.accepted',
      (bid: { minNextBid: number }) => (knownMin = Math.max(knownMin, bid.minNextBid)),
    );
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const deadline = Date.now() + seconds * 1000;
  const interval = pacedPerSecond ? (1000 * bidders.length) / pacedPerSecond : 0;
  await Promise.all(
    sockets.map(async (socket, index) => {
      if (interval) await sleep((interval * index) / bidders.length);
      let n = 0;
      while (Date.now() < deadline) {
        const started = Date.now();
        const amount = knownMin + 100 * Math.floor(Math.random() * jumpSpread);
        const t0 = performance.now();
        const ack = await ask(socket, 'bid', {
          listingId,
          amount,
          clientBidId: `b${index}-${n++}-${pacedPerSecond ?? 'max'}`,
        });
        latencies.push(performance.now() - t0);
        const outcome = ack.ok ? 'accepted' : ack.error.code;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (ack.ok) knownMin = Math.max(knownMin, ack.bid.minNextBid);
        if (interval) await sleep(Math.max(0, interval - (Date.now() - started)));
        else if (outcome === 'SELF_OUTBID') await sleep(1);
      }
    }),
  );
  sockets.forEach((socket) => socket.close());
  const accepted = outcomes.accepted ?? 0;
  return {
    acceptedPerSecond: round(accepted / seconds),
    attemptsPerSecond: round(latencies.length / seconds),
    outcomes,
    ack: summary(latencies),
  };
}

/** (b) delivery latency from the event's own `at` to each watcher, for n watchers. */
async function watchLatency(
  url: string,
  count: number,
  join: (socket: Socket) => Promise<void>,
  drive: () => Promise<void>,
) {
  const watchers: Socket[] = [];
  for (let i = 0; i < count; i += 50) {
    watchers.push(
      ...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => connect(url)))),
    );
  }
  for (let i = 0; i < watchers.length; i += 100) await Promise.all(watchers.slice(i, i + 100).map(join));
  const latencies: number[] = [];
  for (const watcher of watchers)
    watcher.on('bid.accepted', (bid: { at: string }) => latencies.push(Date.now() - Date.parse(bid.at)));
  await drive();
  await sleep(1500);
  watchers.forEach((socket) => socket.close());
  return summary(latencies);
}

async function main() {
  const platform = await startPlatform();
  const results: Record<string, unknown> = {};
  try {
    const pgVersion = await (async () => {
      const client = new pg.Client({ connectionString: platform.databaseUrl });
      await client.connect();
      const version = (await client.query('SHOW server_version')).rows[0].server_version as string;
      await client.end();
      return version;
    })();
    let redisVersion = 'none (single-machine mode)';
    if (platform.redisUrl) {
      const redis = new Redis(platform.redisUrl);
      redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
      redis.disconnect();
    }
    results.machine = {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: pgVersion,
      redis: redisVersion,
    };
    log(`machine: ${JSON.stringify(results.machine)}`);
    const { staff, bidders } = await accounts(platform);

    const opens = Date.now() + 5000;
    const hot = await createListing(platform, staff, opens, opens + 10 * 60_000, 300, bidders);
    await sleep(opens - Date.now() + 1500);
    if (PARTS.has('a')) {
      log(`(a) baseline: contended single-row UPDATE, ${BIDDERS} clients, ${SECONDS}s`);
      const baseline = await contendedUpdate(platform.databaseUrl, BIDDERS, SECONDS);
      log(`(a) ${BIDDERS} bidders as fast as acks return, ${SECONDS}s`);
      const flatOut = await measureCpu(platform, () => hotListing(platform, hot, bidders, SECONDS));
      log(`(a) ${BIDDERS} bidders as fast as acks return, jumping 0–19 increments, ${SECONDS}s`);
      const flatOutJumping = await measureCpu(platform, () =>
        hotListing(platform, hot, bidders, SECONDS, undefined, 20),
      );
      log(`(a) ${BIDDERS} bidders paced at 50 bids/s, ${SECONDS}s`);
      const paced = await measureCpu(platform, () => hotListing(platform, hot, bidders, SECONDS, 50));
      results.a = {
        baseline,
        flatOut,
        flatOutJumping,
        paced,
        ratio: round(flatOut.acceptedPerSecond / baseline.perSecond, 2),
        ratioJumping: round(flatOutJumping.acceptedPerSecond / baseline.perSecond, 2),
        decisionsRatio: round(flatOut.attemptsPerSecond / baseline.perSecond, 2),
      };
      log(JSON.stringify(results.a));
    }
    if (PARTS.has('b')) {
      log(`(b) ${WATCHERS} watchers, 20 bids/s for 5 s, platform vs bare socket.io`);
      const driver = await connect(platform.gatewayUrl, bidders[0].token);
      const other = await connect(platform.gatewayUrl, bidders[1].token);
      const platformLatency = await watchLatency(
        platform.gatewayUrl,
        WATCHERS,
        async (socket) => void (await ask(socket, 'join', { listingId: hot })),
        async () => {
          let min = (await ask(driver, 'join', { listingId: hot })).snapshot.minNextBid as number;
          for (let i = 0; i < 100; i += 1) {
            const started = Date.now();
            const ack = await ask(i % 2 ? other : driver, 'bid', {
              listingId: hot,
              amount: min,
              clientBidId: `watch-${i}`,
            });
            if (ack.ok) min = ack.bid.minNextBid;
            await sleep(Math.max(0, 50 - (Date.now() - started)));
          }
        },
      );
      driver.close();
      other.close();
      const barePort = await freePort();
      const bare = fork(join(root, 'dist/bench/bare-socket-server.js'), [String(barePort)], {
        stdio: 'inherit',
      });
      await new Promise((resolve) => bare.once('message', resolve));
      const bareUrl = `http://127.0.0.1:${barePort}`;
      const template = {
        listingId: hot,
        amount: 123_400,
        bidderCode: '0007',
        endsAt: new Date().toISOString(),
        minNextBid: 123_500,
      };
      const bareLatency = await watchLatency(
        bareUrl,
        WATCHERS,
        async (socket) => void (await ask(socket, 'join', {})),
        async () => {
          const control = await connect(bareUrl);
          await ask(control, 'go', { count: 100, perSecond: 20, template });
          control.close();
        },
      );
      bare.kill();
      results.b = {
        platform: platformLatency,
        bare: bareLatency,
        ratioP50: round(platformLatency.p50 / Math.max(bareLatency.p50, 1), 2),
        ratioP99: round(platformLatency.p99 / Math.max(bareLatency.p99, 1), 2),
      };
      log(JSON.stringify(results.b));
    }
    if (PARTS.has('c')) {
      log(`(c) ${CLOSING} auctions ending in the same second`);
      const setupSeconds = Math.max(20, Math.ceil(CLOSING / 8));
      const freeEnds = Math.ceil((Date.now() + setupSeconds * 1000 + 5000) / 1000) * 1000;
      const startsAt = freeEnds - 4000;
      const ids: string[] = [];
      for (let i = 0; i < CLOSING; i += 10) {
        ids.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(10, CLOSING - i) }, (_, k) =>
              createListing(platform, staff, startsAt, freeEnds, 1, (i + k) % 2 ? [] : [bidders[2]]),
            ),
          )),
        );
      }
      if (Date.now() > startsAt) log('warning: setup ran past biddingStartsAt');
      const watcher = await connect(platform.gatewayUrl);
      for (const id of ids) await ask(watcher, 'join', { listingId: id });
      const closedAt = new Map<string, number>();
      watcher.on('auction.closed', (event: { listingId: string }) =>
        closedAt.set(event.listingId, Date.now()),
      );
      const bidder = await connect(platform.gatewayUrl, bidders[2].token);
      await sleep(startsAt - Date.now() + 200);
      await Promise.all(
        ids
          .filter((_, i) => i % 2 === 0)
          .map((id) => ask(bidder, 'bid', { listingId: id, amount: 100_000, clientBidId: `close-${id}` })),
      );
      const endsAt = freeEnds + 1000;
      await sleep(endsAt - Date.now() - 100);
      const { cpuSeconds: closeCpu } = await measureCpu(platform, async () => {
        await sleep(3000);
        return {};
      });
      await sleep(7000);
      const lags = ids.filter((id) => closedAt.has(id)).map((id) => closedAt.get(id)! - endsAt);
      const client = new pg.Client({ connectionString: platform.databaseUrl });
      await client.connect();
      const stored = (
        await client.query(
          `SELECT status, count(*)::int AS n FROM lease_listings WHERE id = ANY($1) GROUP BY status`,
          [ids],
        )
      ).rows;
      const dealCount = (
        await client.query(`SELECT count(*)::int AS n FROM deals WHERE source_id = ANY($1)`, [ids])
      ).rows[0].n;
      await client.end();
      watcher.close();
      bidder.close();
      results.c = {
        auctions: CLOSING,
        closedEventsSeen: closedAt.size,
        missed: CLOSING - closedAt.size,
        lagMs: summary(lags),
        stored,
        deals: dealCount,
        cpuSecondsInFirst3s: closeCpu,
      };
      log(JSON.stringify(results.c));
    }
  } finally {
    for (const child of platform.children) child.kill('SIGTERM');
    await sleep(1500);
    const admin = new pg.Client({ connectionString: platform.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${platform.database} WITH (FORCE)`);
    await admin.end();
  }
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(JSON.stringify(results, null, 2));
  log(`written to ${file}`);
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
