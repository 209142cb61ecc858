import 'reflect-metadata';
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { PasswordHasher } from '@ggzy/auth';
import { createDataSource, freePort, UsersRepository } from '@ggzy/persistence';
import {
  CLOSE_SHAPE_BATCH,
  CLOSE_SHAPE_SCRIPT,
  createBaselineTables,
  createCloseShapeTables,
  describePgbench,
  HOT_ROW_SCRIPT,
  nodeClientLoop,
  OWN_ROW_SCRIPT,
  pgbenchPath,
  runPgbench,
} from './baseline.js';
import { measureCpu, rssMiB } from './cpu.js';
import { ask, connect, type Platform, startPlatform } from './platform.js';
import { markdownReport } from './report.js';
import { aggregate, compact, round, summary } from './stats.js';

/**
 * `npm run bench`: starts the real platform (api, gateway, worker as processes) on a fresh
 * database and measures, in one run, each figure next to its baseline. Every phase runs
 * BENCH_REPEATS times, interleaved with its baseline, and is reported as median and range.
 * Nothing here asserts; the results are written to bench/results/ and copied into
 * BENCHMARKS.md by hand.
 */
const root = process.cwd();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 1000);
const CLOSING = Number(process.env.BENCH_AUCTIONS ?? 200);
/** (d) many auctions bid on at once, each by its own few bidders. */
const MANY_AUCTIONS = Number(process.env.BENCH_MANY_AUCTIONS ?? 500);
const BIDDERS_PER_AUCTION = 5;
const BIDDERS = 20;
/**
 * The gateway's pool has as many connections as pgbench has clients and the bench has
 * bidders, so at most 20 bids are in flight on 20 connections on both sides.
 */
const DB_POOL_SIZE = Number(process.env.BENCH_DB_POOL_SIZE ?? BIDDERS);
/** (c) with one worker, then with two sharing the queue. */
const CLOSE_WORKERS = (process.env.BENCH_CLOSE_WORKERS ?? '1,2').split(',').map(Number);
/** The worker's close lanes (its default), which pgbench's close shape runs as clients. */
const CLOSE_LANES = 4;
const PARTS = new Set((process.env.BENCH_PARTS ?? 'a,b,c,d').split(','));
const BROADCAST_BIDS = 100;
const BROADCAST_PER_SECOND = 20;

export const log = (message: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const load = () => loadavg().map((value) => round(value, 2));

const pidsOf = (processes: Record<string, ChildProcess>) =>
  Object.fromEntries(Object.entries(processes).map(([name, child]) => [name, child.pid!]));

export async function json(url: string, init: { method?: string; token?: string; body?: unknown } = {}) {
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

/** Runs `work` over `items`, at most `width` at a time, keeping the order of the results. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T, index: number) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map((item, k) => work(item, i + k)))));
  return results;
}

/** The platform with the limits out of reach of one loopback address (see the note inside). */
export function startBenchPlatform() {
  return startPlatform({
    env: {
      // Every bench client comes from 127.0.0.1, where real watchers and bidders come from many
      // addresses: the limits still run on every event, only their thresholds are out of reach.
      BID_RATE_LIMIT_PER_SECOND: '100000',
      SOCKET_EVENTS_PER_SECOND: '100000',
      SOCKET_EVENTS_PER_ADDRESS_PER_SECOND: '100000',
      // Part c's one anonymous watcher joins every closing auction (1,000 at BENCH_AUCTIONS=1000).
      ANONYMOUS_READ_POINTS_PER_GATEWAY_PER_SECOND: '100000',
      SOCKET_CONNECTIONS_PER_ADDRESS: '100000',
      REGISTRATIONS_PER_ADDRESS_PER_HOUR: '100000',
      API_REQUESTS_PER_ADDRESS_PER_MINUTE: '1000000',
      DB_POOL_SIZE: String(DB_POOL_SIZE),
      SWEEP_INTERVAL_MS: '1000',
    },
  });
}

export async function accounts(platform: Platform) {
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
  const bidders = await inBatches(Array.from({ length: BIDDERS }), 5, async (_, i) => {
    const username = `bench-bidder-${i}`;
    const user = await json(`${platform.apiUrl}/api/auth/register`, {
      body: { username, password, displayName: username },
    });
    const login = await json(`${platform.apiUrl}/api/auth/login`, { body: { username, password } });
    return { id: user.id as string, token: login.accessToken as string };
  });
  return { staff, bidders };
}

export async function createListing(
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

/**
 * A listing whose bidding opens once `qualified` are registered. Its schedule is fixed when it
 * is created, and on a loaded machine registering 20 bidders can take longer than allowed:
 * then it is made again with more time (the late one is left unused).
 */
async function openListing(
  platform: Platform,
  staff: string,
  lastsMs: number,
  qualified: { token: string }[],
) {
  for (const allowMs of [5000 + 500 * qualified.length, 60_000]) {
    const opens = Date.now() + allowMs;
    try {
      return { id: await createListing(platform, staff, opens, opens + lastsMs, 300, qualified), opens };
    } catch (error) {
      if (!String(error).includes('REGISTRATION_CLOSED')) throw error;
      log(`registering took longer than ${allowMs} ms; creating the listing again`);
    }
  }
  throw new Error('could not register the bidders in time');
}

/**
 * (a) 20 bidders on one listing; `pacedPerSecond` undefined means as fast as acks return.
 * `phase` makes every clientBidId unique to this run: a reused id is an idempotent replay
 * (a read, no decision), which would flatter the figure.
 */
async function hotListing(
  platform: Platform,
  listingId: string,
  bidders: { token: string }[],
  phase: string,
  seconds: number,
  pacedPerSecond?: number,
  /** each bid adds 0…jumpSpread−1 increments to the known minimum */
  jumpSpread = 3,
) {
  const sockets = await Promise.all(
    bidders.map((bidder) => connect(platform.gatewayUrl, { token: bidder.token })),
  );
  let knownMin = (await ask(sockets[0], 'join', { listingId })).snapshot.minNextBid as number;
  for (const socket of sockets.slice(1)) await ask(socket, 'join', { listingId });
  for (const socket of sockets)
    socket.on(
      'bid.accepted',
      (bid: { minNextBid: number }) => (knownMin = Math.max(knownMin, bid.minNextBid)),
    );
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  const deadline = Date.now() + seconds * 1000;
  const interval = pacedPerSecond ? (1000 * bidders.length) / pacedPerSecond : 0;
  await Promise.all(
    sockets.map(async (socket, index) => {
      if (interval) await sleep((interval * index) / bidders.length);
      let n = 0;
      while (Date.now() < deadline) {
        const bidStarted = Date.now();
        const amount = knownMin + 100 * Math.floor(Math.random() * jumpSpread);
        const t0 = performance.now();
        const ack = await ask(socket, 'bid', { listingId, amount, clientBidId: `${phase}-b${index}-${n++}` });
        latencies.push(performance.now() - t0);
        const outcome = ack.ok ? 'accepted' : ack.error.code;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (ack.ok) knownMin = Math.max(knownMin, ack.bid.minNextBid);
        if (interval) await sleep(interval - (Date.now() - bidStarted));
        else if (outcome === 'SELF_OUTBID') await sleep(1);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  sockets.forEach((socket) => socket.close());
  // Every decision is a stored row (an accepted bid or a kept rejection); a replay would not be.
  const client = new pg.Client({ connectionString: platform.databaseUrl });
  await client.connect();
  const stored = await client.query('SELECT count(*)::int AS n FROM bids WHERE auction_id = $1', [listingId]);
  await client.end();
  return {
    acceptedPerSecond: round((outcomes.accepted ?? 0) / elapsed),
    decisionsPerSecond: round(latencies.length / elapsed),
    decisions: latencies.length,
    storedBids: stored.rows[0].n as number,
    outcomes,
    ack: summary(latencies),
  };
}

/** (b) connects `count` watchers spread over `urls` and reports the gateways' memory before and with them. */
export async function connectWatchers(
  urls: string[],
  count: number,
  join: (socket: Socket) => Promise<void>,
  memoryOf: Record<string, number>,
) {
  const rss = () => Object.fromEntries(Object.entries(memoryOf).map(([name, pid]) => [name, rssMiB(pid)]));
  const before = rss();
  const started = Date.now();
  const watchers = await inBatches(Array.from({ length: count }), 50, (_, i) =>
    connect(urls[i % urls.length]),
  );
  const connected = Date.now();
  await inBatches(watchers, 100, join);
  log(
    `(b) ${count} watchers on ${urls.length} server(s): connected in ${connected - started} ms, joined in ${Date.now() - connected} ms`,
  );
  const withWatchers = rss();
  const added = Object.fromEntries(
    Object.keys(before).map((name) => [name, round(withWatchers[name] - before[name])]),
  );
  return { watchers, rssMiB: { before, withWatchers, added } };
}

/** (b) delivery latency from the event's own `at` to each watcher. */
async function watchLatency(watchers: Socket[], drive: () => Promise<void>) {
  const latencies: number[] = [];
  for (const watcher of watchers)
    watcher.on('bid.accepted', (bid: { at: string }) => latencies.push(Date.now() - Date.parse(bid.at)));
  const started = performance.now();
  await drive();
  const sentPerSecond = round(BROADCAST_BIDS / ((performance.now() - started) / 1000));
  await sleep(1500);
  watchers.forEach((socket) => socket.close());
  return { expected: watchers.length * BROADCAST_BIDS, sentPerSecond, latency: summary(latencies) };
}

async function partA(platform: Platform, staff: string, bidders: { token: string }[], pgbench: string) {
  const { databaseUrl, database } = platform;
  const pids = pidsOf(platform.processes);
  const phases = ['flatOut', 'flatOutJumping', 'paced'] as const;
  // Every run gets its own listing, so no run starts where another left off.
  const lasts = (SECONDS * 6 + 30) * REPEATS * 1000 + 10 * 60_000;
  const listings = await inBatches(Array.from({ length: phases.length * REPEATS }), 3, () =>
    openListing(platform, staff, lasts, bidders),
  );
  await createBaselineTables(databaseUrl, BIDDERS);
  await sleep(Math.max(...listings.map((listing) => listing.opens)) - Date.now() + 1500);
  const runs: Record<string, object[]> = {};
  const record = (name: string, run: object) =>
    (runs[name] ??= []).push(Object.assign(run, { load1: load()[0] }));
  const ratios: Record<string, number>[] = [];
  for (let rep = 0; rep < REPEATS; rep += 1) {
    log(`(a) run ${rep + 1}/${REPEATS}, load ${load().join(' ')}`);
    const measure = <T extends object>(work: () => Promise<T>) => measureCpu(pids, database, work);
    const hot = await measure(() => runPgbench(pgbench, databaseUrl, HOT_ROW_SCRIPT, BIDDERS, SECONDS));
    record('pgbenchContended', hot);
    const ownRow = await measure(() => runPgbench(pgbench, databaseUrl, OWN_ROW_SCRIPT, BIDDERS, SECONDS));
    record('pgbenchOwnRow', ownRow);
    const nodeLoop = await measure(() => nodeClientLoop(databaseUrl, BIDDERS, SECONDS));
    record('nodeLoopContended', nodeLoop);
    const listing = (phase: number) => listings[rep * phases.length + phase].id;
    const flatOut = await measure(() => hotListing(platform, listing(0), bidders, `f${rep}`, SECONDS));
    record('flatOut', flatOut);
    const jumping = await measure(() =>
      hotListing(platform, listing(1), bidders, `j${rep}`, SECONDS, undefined, 20),
    );
    record('flatOutJumping', jumping);
    const paced = await measure(() => hotListing(platform, listing(2), bidders, `p${rep}`, SECONDS, 50));
    record('paced', paced);
    // The machine is shared, so each side's throughput is also divided by the server-side
    // CPU it actually got: the platform's processes and its backends, against pgbench's backends.
    const serverCpu = ({ cpuSeconds: cpu }: { cpuSeconds: Record<string, number> }) =>
      cpu.api + cpu.gateway + cpu.worker + cpu.postgresBench;
    const flatOutPerCpu = flatOut.decisions / serverCpu(flatOut);
    const hotPerCpu = hot.transactions / hot.cpuSeconds.postgresBench;
    Object.assign(flatOut, { decisionsPerServerCpuSecond: round(flatOutPerCpu) });
    Object.assign(hot, { perServerCpuSecond: round(hotPerCpu) });
    ratios.push({
      decisionsPerCpuVsPgbench: round(flatOutPerCpu / hotPerCpu, 3),
      acceptedVsPgbench: round(flatOut.acceptedPerSecond / hot.perSecond, 3),
      decisionsVsPgbench: round(flatOut.decisionsPerSecond / hot.perSecond, 3),
      jumpingAcceptedVsPgbench: round(jumping.acceptedPerSecond / hot.perSecond, 3),
      jumpingDecisionsVsPgbench: round(jumping.decisionsPerSecond / hot.perSecond, 3),
      decisionsVsPgbenchOwnRow: round(flatOut.decisionsPerSecond / ownRow.perSecond, 3),
      decisionsVsNodeLoop: round(flatOut.decisionsPerSecond / nodeLoop.perSecond, 3),
      nodeLoopVsPgbench: round(nodeLoop.perSecond / hot.perSecond, 3),
    });
    log(`(a) run ${rep + 1}: ${JSON.stringify(ratios[rep])}`);
  }
  return { runs, ratios };
}

async function partB(platform: Platform, staff: string, bidders: { token: string }[]) {
  const { database } = platform;
  const { id: listingId, opens } = await openListing(platform, staff, 60 * 60_000, bidders.slice(0, 2));
  const second = await platform.startGateway();
  const barePort = await freePort();
  const bare = fork(join(root, 'dist/bench/bare-socket-server.js'), [String(barePort)], { stdio: 'inherit' });
  await new Promise((resolve) => bare.once('message', resolve));
  const bareUrl = `http://127.0.0.1:${barePort}`;
  await sleep(opens - Date.now() + 1500);
  const pids: Record<string, number> = {
    ...pidsOf(platform.processes),
    gateway2: second.child.pid!,
    bare: bare.pid!,
  };
  const measure = <T extends object>(work: () => Promise<T>) => measureCpu(pids, database, work);
  const joinListing = async (socket: Socket) => void (await ask(socket, 'join', { listingId }));
  const driver = await connect(platform.gatewayUrl, { token: bidders[0].token });
  const other = await connect(platform.gatewayUrl, { token: bidders[1].token });
  let min = (await ask(driver, 'join', { listingId })).snapshot.minNextBid as number;
  /** 100 bids at 20/s into the first gateway, from two bidders taking turns. */
  const drivePlatform = (phase: string) => async () => {
    for (let i = 0; i < BROADCAST_BIDS; i += 1) {
      const started = Date.now();
      const ack = await ask(i % 2 ? other : driver, 'bid', {
        listingId,
        amount: min,
        clientBidId: `${phase}-${i}`,
      });
      if (ack.ok) min = ack.bid.minNextBid;
      await sleep(1000 / BROADCAST_PER_SECOND - (Date.now() - started));
    }
  };
  const template = {
    listingId,
    amount: 123_400,
    bidderCode: '0007',
    endsAt: new Date().toISOString(),
    minNextBid: 123_500,
  };
  const runs: Record<string, object[]> = {};
  const record = (name: string, run: object) =>
    (runs[name] ??= []).push(Object.assign(run, { load1: load()[0] }));
  const ratios: Record<string, number>[] = [];
  for (let rep = 0; rep < REPEATS; rep += 1) {
    log(`(b) run ${rep + 1}/${REPEATS}: ${WATCHERS} watchers, load ${load().join(' ')}`);
    const gatewayMemory = { gateway: pids.gateway, gateway2: pids.gateway2 };
    const one = await connectWatchers([platform.gatewayUrl], WATCHERS, joinListing, gatewayMemory);
    const oneGateway = {
      ...(await measure(() => watchLatency(one.watchers, drivePlatform(`w1-${rep}`)))),
      rssMiB: one.rssMiB,
    };
    record('oneGateway', oneGateway);
    const two = await connectWatchers(
      [platform.gatewayUrl, second.url],
      WATCHERS,
      joinListing,
      gatewayMemory,
    );
    const twoGateways = {
      ...(await measure(() => watchLatency(two.watchers, drivePlatform(`w2-${rep}`)))),
      rssMiB: two.rssMiB,
    };
    record('twoGateways', twoGateways);
    const plain = await connectWatchers(
      [bareUrl],
      WATCHERS,
      async (socket) => void (await ask(socket, 'join', {})),
      {
        bare: pids.bare,
      },
    );
    const bareRun = {
      ...(await measure(() =>
        watchLatency(plain.watchers, async () => {
          const control = await connect(bareUrl);
          // The platform's driver waits for each ack, so on a loaded machine it sends slower
          // than 20/s; the bare server sends at the rate the platform reached in this run.
          const perSecond = Math.min(BROADCAST_PER_SECOND, oneGateway.sentPerSecond);
          const sendingMs = (1000 * BROADCAST_BIDS) / perSecond;
          await control
            .timeout(sendingMs + 30_000)
            .emitWithAck('go', { count: BROADCAST_BIDS, perSecond, template });
          control.close();
        }),
      )),
      rssMiB: plain.rssMiB,
    };
    record('bare', bareRun);
    const over = (a: number, b: number) => round(a / Math.max(b, 1), 2);
    ratios.push({
      oneGatewayP50VsBare: over(oneGateway.latency.p50, bareRun.latency.p50),
      oneGatewayP99VsBare: over(oneGateway.latency.p99, bareRun.latency.p99),
      twoGatewaysP50VsBare: over(twoGateways.latency.p50, bareRun.latency.p50),
      twoGatewaysP99VsBare: over(twoGateways.latency.p99, bareRun.latency.p99),
    });
    log(`(b) run ${rep + 1}: ${JSON.stringify(ratios[rep])}`);
  }
  driver.close();
  other.close();
  bare.kill();
  second.child.kill('SIGTERM');
  return { runs, ratios };
}

/**
 * (c) REPEATS batches of CLOSING auctions, each batch ending in one second, with one worker and
 * then with two sharing the queue (BENCH_CLOSE_WORKERS, "1,2"). Listings are scheduled when they
 * are created, so each batch is created just before its run, allowing 1.3× the time the
 * previous creation took (a pilot of 10 for the first). After each run, pgbench runs the close
 * batch's writes as bare SQL (CLOSE_SHAPE_SCRIPT, as many clients as the worker's close lanes):
 * the database's own limit on closes per second.
 */
async function partC(platform: Platform, staff: string, bidders: { token: string }[], pgbench: string) {
  const { database, databaseUrl } = platform;
  const pids = pidsOf(platform.processes);
  const create = async (count: number, startsAt: number, freeEnds: number) => {
    const started = Date.now();
    const ids = await inBatches(Array.from({ length: count }), 10, (_, i) =>
      createListing(platform, staff, startsAt, freeEnds, 1, i % 2 ? [] : [bidders[2]]),
    );
    return { ids, msEach: (Date.now() - started) / count };
  };
  const far = Date.now() + 24 * 3600_000;
  let { msEach } = await create(10, far, far + 60_000);
  const watcher = await connect(platform.gatewayUrl);
  const closedAt = new Map<string, number>();
  watcher.on('auction.closed', (event: { listingId: string }) => closedAt.set(event.listingId, Date.now()));
  // Opening at scale too: when each listing's `bidding` status reached the watcher.
  const openedAt = new Map<string, number>();
  watcher.on('auction.status', (event: { listingId: string; status: string }) => {
    if (event.status === 'bidding' && !openedAt.has(event.listingId))
      openedAt.set(event.listingId, Date.now());
  });
  const bidder = await connect(platform.gatewayUrl, { token: bidders[2].token });
  const client = new pg.Client({ connectionString: databaseUrl });
  // If the part fails, the platform's stop drops the database under this client: that must not
  // crash the bench before the part's own error is printed.
  client.on('error', (error) => log(`bench client: ${error.message}`));
  await client.connect();
  await createCloseShapeTables(databaseUrl);
  const runs: Record<string, object[]> = {};
  const closeShape: object[] = [];
  const workers = [platform.processes.worker];
  for (const workerCount of CLOSE_WORKERS) {
    while (workers.length < workerCount) {
      const added = await platform.startWorker();
      workers.push(added);
      Object.assign(pids, { [`worker${workers.length}`]: added.pid! });
    }
    const key = ['', 'oneWorker', 'twoWorkers'][workerCount] ?? `workers${workerCount}`;
    runs[key] = [];
    for (let rep = 0; rep < REPEATS; rep += 1) {
      const allowMs = msEach * CLOSING * 1.3 + 3000;
      const startsAt = Math.ceil((Date.now() + allowMs) / 1000) * 1000;
      // extensionSeconds 1: a countdown follows the free period, so the auction ends a second later
      const batch = { startsAt, freeEnds: startsAt + 4000, endsAt: startsAt + 5000, ids: [] as string[] };
      ({ ids: batch.ids, msEach } = await create(CLOSING, batch.startsAt, batch.freeEnds));
      for (const id of batch.ids) await ask(watcher, 'join', { listingId: id });
      if (Date.now() > batch.startsAt)
        log(`(c) warning: creating ran ${Date.now() - batch.startsAt} ms past biddingStartsAt`);
      await sleep(batch.startsAt - Date.now() + 200);
      await Promise.all(
        batch.ids
          .filter((_, i) => i % 2 === 0)
          .map((id) => ask(bidder, 'bid', { listingId: id, amount: 100_000, clientBidId: `close-${id}` })),
      );
      await sleep(batch.endsAt - Date.now() - 100);
      const loadAtEnd = load()[0];
      const { cpuSeconds } = await measureCpu(pids, database, async () => {
        await sleep(3000);
        return {};
      });
      await sleep(batch.endsAt + 8000 - Date.now());
      const lags = batch.ids.filter((id) => closedAt.has(id)).map((id) => closedAt.get(id)! - batch.endsAt);
      const openLags = batch.ids
        .filter((id) => openedAt.has(id))
        .map((id) => openedAt.get(id)! - batch.startsAt);
      const stored = await client.query(
        `SELECT count(*) FILTER (WHERE status = 'sold')::int AS sold,
              count(*) FILTER (WHERE status = 'unsold')::int AS unsold,
              count(*) FILTER (WHERE status NOT IN ('sold', 'unsold'))::int AS other
         FROM auctions WHERE id = ANY($1)`,
        [batch.ids],
      );
      const deals = await client.query(`SELECT count(*)::int AS n FROM deals WHERE source_id = ANY($1)`, [
        batch.ids,
      ]);
      const run = {
        load1: loadAtEnd,
        workers: workerCount,
        auctions: CLOSING,
        closedEventsSeen: lags.length,
        missed: CLOSING - lags.length,
        lagMs: summary(lags),
        openedEventsSeen: openLags.length,
        openLagMs: summary(openLags),
        stored: stored.rows[0],
        deals: deals.rows[0].n,
        cpuSecondsInFirst3s: cpuSeconds,
      };
      runs[key].push(run);
      log(`(c) ${key} run ${rep + 1}/${REPEATS}: ${JSON.stringify(run)}`);
      const shape = await runPgbench(pgbench, databaseUrl, CLOSE_SHAPE_SCRIPT, CLOSE_LANES, SECONDS);
      const closesPerSecond = round(shape.perSecond * CLOSE_SHAPE_BATCH);
      closeShape.push({
        ...shape,
        closesPerSecond,
        // How long the database alone would take to close this many at that rate.
        msFor: round((CLOSING / closesPerSecond) * 1000),
      });
      log(
        `(c) pgbench close shape: ${closesPerSecond} closes/s (${shape.perSecond} batches of ${CLOSE_SHAPE_BATCH}/s)`,
      );
    }
  }
  runs.pgbenchCloseShape = closeShape;
  await client.end();
  watcher.close();
  bidder.close();
  return { runs };
}

/**
 * (d) MANY_AUCTIONS auctions bid on at once, BIDDERS_PER_AUCTION bidders each (a socket per
 * bidder and auction, bidding as fast as acks return), against pgbench's uncontended figure
 * (one row per client, as many clients as the gateway has connections) in the same run. Bidder
 * accounts are the bench's 20, five to an auction in turn: the limits are out of reach here.
 */
async function partD(platform: Platform, staff: string, bidders: { token: string }[], pgbench: string) {
  const { databaseUrl, database } = platform;
  const pids = pidsOf(platform.processes);
  const biddersOf = (auction: number) =>
    Array.from(
      { length: BIDDERS_PER_AUCTION },
      (_, k) => bidders[(auction * BIDDERS_PER_AUCTION + k) % bidders.length],
    );
  const lasts = (SECONDS + 30) * REPEATS * 1000 + 10 * 60_000;
  // A pilot of 10 tells how long registering takes here; all must be registered before opening.
  const pilotStarted = Date.now();
  const far = Date.now() + 24 * 3600_000;
  await inBatches(Array.from({ length: 10 }), 10, (_, i) =>
    createListing(platform, staff, far, far + 60_000, 300, biddersOf(i)),
  );
  const msEach = (Date.now() - pilotStarted) / 10;
  const opens = Math.ceil((Date.now() + msEach * MANY_AUCTIONS * 1.5 + 5000) / 1000) * 1000;
  log(
    `(d) creating ${MANY_AUCTIONS} auctions, ${BIDDERS_PER_AUCTION} bidders each, opening in ${round((opens - Date.now()) / 1000)} s`,
  );
  const ids = await inBatches(Array.from({ length: MANY_AUCTIONS }), 10, (_, i) =>
    createListing(platform, staff, opens, opens + lasts, 300, biddersOf(i)),
  );
  await createBaselineTables(databaseUrl, BIDDERS);
  const client = new pg.Client({ connectionString: databaseUrl });
  // The platform's stop drops the database under it; that must not hide the error that stopped it.
  client.on('error', () => undefined);
  await client.connect();
  await sleep(opens - Date.now());
  for (let waited = 0; ; waited += 500) {
    const open = await client.query(
      `SELECT count(*)::int AS n FROM auctions WHERE id = ANY($1) AND status = 'bidding'`,
      [ids],
    );
    if (open.rows[0].n === ids.length) break;
    if (waited > 60_000) throw new Error(`(d) only ${open.rows[0].n} of ${ids.length} auctions opened`);
    await sleep(500);
  }
  const knownMin = new Map<string, number>(ids.map((id) => [id, 100_000]));
  const sockets = await inBatches(
    ids.flatMap((listingId, auction) =>
      biddersOf(auction).map((bidder) => ({ listingId, token: bidder.token })),
    ),
    100,
    async ({ listingId, token }) => {
      const socket = await connect(platform.gatewayUrl, { token });
      await ask(socket, 'join', { listingId });
      // Bidders watch their auction, as in (a): a rival's bid raises the minimum they bid at.
      socket.on('bid.accepted', (bid: { listingId: string; minNextBid: number }) =>
        knownMin.set(bid.listingId, Math.max(knownMin.get(bid.listingId)!, bid.minNextBid)),
      );
      return { socket, listingId };
    },
  );
  log(`(d) ${sockets.length} bidder sockets joined`);
  const runs: Record<string, object[]> = {};
  const record = (name: string, run: object) =>
    (runs[name] ??= []).push(Object.assign(run, { load1: load()[0] }));
  const ratios: Record<string, number>[] = [];
  for (let rep = 0; rep < REPEATS; rep += 1) {
    const measure = <T extends object>(work: () => Promise<T>) => measureCpu(pids, database, work);
    const ownRow = await measure(() => runPgbench(pgbench, databaseUrl, OWN_ROW_SCRIPT, BIDDERS, SECONDS));
    record('pgbenchOwnRow', ownRow);
    const storedBefore = await client.query(
      'SELECT count(*)::int AS n FROM bids WHERE auction_id = ANY($1)',
      [ids],
    );
    const many = await measure(async () => {
      const latencies: number[] = [];
      const outcomes: Record<string, number> = {};
      const started = performance.now();
      const deadline = Date.now() + SECONDS * 1000;
      await Promise.all(
        sockets.map(async ({ socket, listingId }, index) => {
          let n = 0;
          while (Date.now() < deadline) {
            const t0 = performance.now();
            const ack = await ask(socket, 'bid', {
              listingId,
              amount: knownMin.get(listingId)!,
              clientBidId: `d${rep}-${index}-${n++}`,
            });
            latencies.push(performance.now() - t0);
            const outcome = ack.ok ? 'accepted' : ack.error.code;
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
            if (ack.ok) knownMin.set(listingId, Math.max(knownMin.get(listingId)!, ack.bid.minNextBid));
            else if (outcome === 'SELF_OUTBID') await sleep(1);
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1000;
      return {
        auctions: ids.length,
        sockets: sockets.length,
        acceptedPerSecond: round((outcomes.accepted ?? 0) / elapsed),
        decisionsPerSecond: round(latencies.length / elapsed),
        decisions: latencies.length,
        outcomes,
        ack: summary(latencies),
      };
    });
    const storedAfter = await client.query('SELECT count(*)::int AS n FROM bids WHERE auction_id = ANY($1)', [
      ids,
    ]);
    Object.assign(many, { storedBids: storedAfter.rows[0].n - storedBefore.rows[0].n });
    record('manyAuctions', many);
    ratios.push({
      decisionsVsPgbenchOwnRow: round(many.decisionsPerSecond / ownRow.perSecond, 3),
      acceptedVsPgbenchOwnRow: round(many.acceptedPerSecond / ownRow.perSecond, 3),
    });
    log(
      `(d) run ${rep + 1}/${REPEATS}: ${JSON.stringify({ ...ratios[rep], decisionsPerSecond: many.decisionsPerSecond, pgbench: ownRow.perSecond, ack: many.ack })}`,
    );
  }
  sockets.forEach(({ socket }) => socket.close());
  await client.end();
  return { runs, ratios };
}

async function main() {
  const began = Date.now();
  const platform = await startBenchPlatform();
  const results: Record<string, any> = {};
  try {
    const client = new pg.Client({ connectionString: platform.databaseUrl });
    await client.connect();
    const pgVersion = (await client.query('SHOW server_version')).rows[0].server_version as string;
    await client.end();
    let redisVersion = 'none (single-machine mode)';
    if (platform.redisUrl) {
      const redis = new Redis(platform.redisUrl);
      redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
      redis.disconnect();
    }
    const pgbench = pgbenchPath(pgVersion);
    results.machine = {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30),
      node: process.version,
      postgres: pgVersion,
      redis: redisVersion,
      loadavgAtStart: load(),
    };
    results.settings = {
      seconds: SECONDS,
      repeats: REPEATS,
      bidders: BIDDERS,
      gatewayDbPoolSize: DB_POOL_SIZE,
      pgbench: `${pgbench}: ${describePgbench(BIDDERS, SECONDS)}`,
      watchers: WATCHERS,
      broadcast: `${BROADCAST_BIDS} bids at ${BROADCAST_PER_SECOND}/s`,
      closingAuctions: CLOSING,
      closeWorkers: CLOSE_WORKERS,
      manyAuctions: `${MANY_AUCTIONS} auctions, ${BIDDERS_PER_AUCTION} bidders each`,
    };
    log(`machine: ${JSON.stringify(results.machine)}`);
    log(`settings: ${JSON.stringify(results.settings)}`);
    const { staff, bidders } = await accounts(platform);
    if (PARTS.has('a')) results.a = await partA(platform, staff, bidders, pgbench);
    if (PARTS.has('b')) results.b = await partB(platform, staff, bidders);
    if (PARTS.has('c')) results.c = await partC(platform, staff, bidders, pgbench);
    if (PARTS.has('d')) results.d = await partD(platform, staff, bidders, pgbench);
    results.machine.loadavgAtEnd = load();
    results.machine.benchSeconds = round((Date.now() - began) / 1000);
  } finally {
    await platform.stop();
  }
  const summaryOf = (part: { runs: object[] | Record<string, object[]>; ratios?: object[] }) => ({
    runs: Array.isArray(part.runs)
      ? aggregate(part.runs)
      : Object.fromEntries(Object.entries(part.runs).map(([name, runs]) => [name, aggregate(runs)])),
    ...(part.ratios ? { ratios: aggregate(part.ratios) } : {}),
  });
  const medians = Object.fromEntries(
    ['a', 'b', 'c', 'd'].filter((part) => results[part]).map((part) => [part, summaryOf(results[part])]),
  );
  const output = { machine: results.machine, settings: results.settings, summary: medians, raw: results };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(output, null, 2));
  console.log(
    JSON.stringify(
      { machine: output.machine, settings: output.settings, summary: compact(medians) },
      null,
      2,
    ),
  );
  const report = markdownReport(medians, output.machine, output.settings, results);
  writeFileSync(file.replace(/\.json$/, '.md'), report);
  console.error(report);
  log(`written to ${file} and .md`);
  process.exit(0);
}

// Runs only as the entry: bench/web.ts imports the helpers above.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
