import 'reflect-metadata';
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { PasswordHasher } from '@ggzy/auth';
import { createDataSource, UsersRepository } from '@ggzy/persistence';
import { ask, connect, startPlatform } from './platform.js';
import { round, summary } from './stats.js';

/**
 * `npm run bench:flood`: 10 bidders bid at 50 bids/s on one listing while 500 anonymous
 * sockets (50 from each of 10 loopback addresses, the default per-address cap) send
 * `resync {afterSeq: 0}` as fast as the socket limits allow. The bidders' ack latency is
 * measured without the flood and then with it, in the same run on the same platform (api,
 * gateway and worker as processes, default limits). Asserts nothing; prints JSON and writes
 * it to bench/results/.
 */
const root = process.cwd();
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const FLOODERS = Number(process.env.BENCH_FLOODERS ?? 500);
const ADDRESSES = Number(process.env.BENCH_FLOOD_ADDRESSES ?? 10);
/** The flooders' process priority (see where it is set). */
const FLOOD_NICE = Number(process.env.FLOOD_NICE ?? 19);
/** `allowed`: each flooder sends again at once, waiting only as long as a refusal says; `max`: never waits. */
const PACE = process.env.BENCH_FLOOD_PACE ?? 'allowed';
const BIDDERS = 10;
const BIDS_PER_SECOND = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function json(url: string, token?: string, body?: unknown) {
  const response = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const parsed = (await response.json()) as any;
  if (response.status >= 400) throw new Error(`${url} → ${response.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

async function prepare(apiUrl: string, databaseUrl: string) {
  const password = `flood-${randomBytes(6).toString('hex')}`;
  const dataSource = await createDataSource(databaseUrl, 1).initialize();
  await new UsersRepository(dataSource).create({
    username: 'flood-staff',
    passwordHash: await new PasswordHasher().hash(password),
    displayName: 'flood staff',
    roles: ['staff'],
  });
  await dataSource.destroy();
  const staff = (await json(`${apiUrl}/api/auth/login`, undefined, { username: 'flood-staff', password }))
    .accessToken as string;
  const now = Date.now();
  // Registration closes when bidding opens: leave a loaded machine time to register ten bidders.
  const biddingStartsAt = now + 30_000;
  const listing = await json(`${apiUrl}/api/lease-listings`, staff, {
    title: 'flood bench listing',
    address: '南昌市东湖区',
    areaSqm: 50,
    usage: '商业',
    leaseTermMonths: 36,
    startPrice: 100_000,
    increment: 100,
    deposit: 1_000_000,
    registrationStartsAt: new Date(now - 60_000).toISOString(),
    registrationEndsAt: new Date(biddingStartsAt).toISOString(),
    biddingStartsAt: new Date(biddingStartsAt).toISOString(),
    freeBiddingEndsAt: new Date(biddingStartsAt + 3_600_000).toISOString(),
    extensionSeconds: 300,
  });
  await json(`${apiUrl}/api/lease-listings/${listing.id}/publish`, staff, {});
  const bidders: string[] = [];
  for (let i = 0; i < BIDDERS; i += 1) {
    const username = `flood-bidder-${i}`;
    await json(`${apiUrl}/api/auth/register`, undefined, { username, password, displayName: username });
    const token = (await json(`${apiUrl}/api/auth/login`, undefined, { username, password })).accessToken;
    const registration = await json(`${apiUrl}/api/lease-listings/${listing.id}/registrations`, token, {});
    await json(`${apiUrl}/api/lease-listings/${listing.id}/registrations/${registration.id}/qualify`, staff, {
      depositReceived: true,
    });
    bidders.push(token);
  }
  await sleep(Math.max(0, biddingStartsAt + 200 - Date.now()));
  return { listingId: listing.id as string, bidders };
}

const TICKS_PER_SECOND = 100;
/** CPU seconds a process has used, from /proc: on a shared machine, the figure load does not bend. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** The 1-minute load average, so every figure says how busy the machine was. */
const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** Ten bidders taking turns, 50 bids/s in all, each bidding the minimum it knows of. */
async function bidPhase(sockets: Socket[], listingId: string, tag: string, gatewayPid: number) {
  const cpuBefore = cpuSeconds(gatewayPid);
  let knownMin = (await ask(sockets[0], 'resync', { listingId, afterSeq: 0 })).snapshot.minNextBid as number;
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const interval = 1000 / BIDS_PER_SECOND;
  const startedAt = performance.now();
  for (let n = 0; performance.now() - startedAt < SECONDS * 1000; n += 1) {
    const socket = sockets[n % sockets.length];
    const t0 = performance.now();
    pending.push(
      ask(socket, 'bid', { listingId, amount: knownMin, clientBidId: `${tag}-${n}` })
        .catch(() => ({ ok: false, error: { code: 'NO_ACK_IN_30_S' } }))
        .then((ack) => {
          latencies.push(performance.now() - t0);
          const outcome = ack.ok ? 'accepted' : ack.error.code;
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          if (ack.ok) knownMin = Math.max(knownMin, ack.bid.minNextBid);
        }),
    );
    await sleep(Math.max(0, startedAt + (n + 1) * interval - performance.now()));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    ack: summary(latencies),
    outcomes,
    attemptsPerSecond: round(latencies.length / SECONDS),
    gatewayCpuPerSecond: round((cpuSeconds(gatewayPid) - cpuBefore) / seconds, 2),
    loadAverage: loadAverage(),
  };
}

async function main() {
  const platform = await startPlatform({
    // Default limits, except the REST budget: the bench's bidders all sign in from one address.
    env: { API_REQUESTS_PER_ADDRESS_PER_MINUTE: '1000000' },
    gatewayProfileDir: process.env.BENCH_PROFILE,
  });
  const gatewayPid = platform.processes.gateway.pid!;
  try {
    const { listingId, bidders } = await prepare(platform.apiUrl, platform.databaseUrl);
    const sockets = await Promise.all(bidders.map((token) => connect(platform.gatewayUrl, { token })));
    for (const socket of sockets) {
      await ask(socket, 'join', { listingId });
      socket.on('bid.accepted', () => {});
    }
    // Warm-up, then the baseline: the same bidders with no flood.
    await bidPhase(sockets, listingId, 'warm', gatewayPid);
    const baseline = await bidPhase(sockets, listingId, 'base', gatewayPid);

    // The flooders run in a process of their own, so parsing their answers does not delay
    // the bidders' acks on this process's event loop (the two cores are shared all the same).
    const flooder = fork(fileURLToPath(import.meta.url), ['flooders'], {
      env: { ...process.env, FLOOD_URL: platform.gatewayUrl, FLOOD_LISTING: listingId },
    });
    // An attacker's CPU is not the server's: on this one box the flooders' process yields to
    // the platform (nice FLOOD_NICE), so the figure is what the flood costs the platform, not
    // what generating it costs the machine. FLOOD_NICE=0 measures both together.
    setPriority(flooder.pid!, FLOOD_NICE);
    const message = <T>() =>
      new Promise<T>((resolve) => flooder.once('message', (value) => resolve(value as T)));
    await message<'connected'>();
    flooder.send('start');
    await sleep(1000);
    const flooderCpuBefore = cpuSeconds(flooder.pid!);
    const underFlood = await bidPhase(sockets, listingId, 'flood', gatewayPid);
    const flooderCpuPerSecond = round((cpuSeconds(flooder.pid!) - flooderCpuBefore) / SECONDS, 2);
    flooder.send('stop');
    const flood = await message<FloodReport>();
    sockets.forEach((socket) => socket.close());

    const result = {
      at: new Date().toISOString(),
      node: process.version,
      seconds: SECONDS,
      flooders: FLOODERS,
      addresses: ADDRESSES,
      pace: PACE,
      flooderNice: FLOOD_NICE,
      flooderCpuPerSecond,
      baseline,
      underFlood,
      p99Ratio: round(underFlood.ack.p99 / baseline.ack.p99, 2),
      flood,
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, `bench/results/flood-${Date.now()}.json`), JSON.stringify(result, null, 2));
  } finally {
    await platform.stop();
  }
}

interface FloodReport {
  resyncServedPerSecond: number;
  servedPerSecondByAddress: number[];
  refusedPerSecond: Record<string, number>;
  closedByServer: number;
  resyncAck: ReturnType<typeof summary>;
}

/**
 * One anonymous flooder speaking the socket.io wire protocol over a bare WebSocket: it reads
 * only the head of each answer (ok or the error code), so the bench measures what the flood
 * costs the platform, not what parsing 30 kB answers costs the attacker's own process.
 */
class RawFlooder {
  private nextId = 0;
  private readonly waiting = new Map<number, (head: string) => void>();
  closedBy?: string;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString('latin1', 0, Math.min(data.length, 200));
      if (text === '2') return void ws.send('3'); // engine.io ping → pong
      const ack = /^43\/bidding,(\d+)\[(.*)/s.exec(text);
      if (ack) {
        this.waiting.get(Number(ack[1]))?.(ack[2]);
        this.waiting.delete(Number(ack[1]));
      }
    });
    ws.on('close', () => {
      this.closedBy ??= 'server';
      for (const resolve of this.waiting.values()) resolve('closed');
    });
  }

  static open(url: string, localAddress: string): Promise<RawFlooder> {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, {
      localAddress,
    });
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', function opened(data: Buffer) {
        const text = data.toString();
        if (text.startsWith('0')) ws.send('40/bidding,');
        else if (text.startsWith('40/bidding,')) {
          ws.off('message', opened);
          resolve(new RawFlooder(ws));
        } else if (text.startsWith('44/bidding,')) reject(new Error(text));
      });
    });
  }

  get open() {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends an event with an ack id; resolves with the answer's first bytes. */
  emit(event: string, payload: unknown): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(`42/bidding,${id}${JSON.stringify([event, payload])}`);
    });
  }

  close() {
    this.closedBy ??= 'client';
    this.ws.close();
  }
}

/** The child: FLOODERS anonymous sockets over ADDRESSES loopback addresses, resync in a loop. */
async function flooders() {
  const url = process.env.FLOOD_URL!;
  const listingId = process.env.FLOOD_LISTING!;
  const sockets: RawFlooder[] = [];
  for (let i = 0; i < FLOODERS; i += 1)
    sockets.push(await RawFlooder.open(url, `127.0.0.${2 + (i % ADDRESSES)}`));
  process.send!('connected');
  await new Promise((resolve) => process.once('message', resolve));
  let running = true;
  let served = 0;
  const servedBy = Array.from({ length: ADDRESSES }, () => 0);
  const refused: Record<string, number> = {};
  const latencies: number[] = [];
  const startedAt = performance.now();
  const done = Promise.all(
    sockets.map(async (socket, index) => {
      await sleep((index * 1000) / FLOODERS);
      while (running && socket.open) {
        const t0 = performance.now();
        const head = await socket.emit('resync', { listingId, afterSeq: 0 });
        if (head.startsWith('{"ok":true')) {
          served += 1;
          servedBy[index % ADDRESSES] += 1;
          latencies.push(performance.now() - t0);
        } else {
          const code = /"code":"([A-Z_]+)"/.exec(head)?.[1] ?? head.slice(0, 40);
          refused[code] = (refused[code] ?? 0) + 1;
        }
        // `allowed`: wait as long as the refusal says, then go again; `max`: never wait.
        const retryAfterMs = Number(/"retryAfterMs":(\d+)/.exec(head)?.[1] ?? 0);
        if (PACE === 'allowed' && retryAfterMs) await sleep(retryAfterMs);
      }
    }),
  );
  await new Promise((resolve) => process.once('message', resolve));
  running = false;
  const seconds = (performance.now() - startedAt) / 1000;
  await done;
  const closedByServer = sockets.filter((socket) => socket.closedBy === 'server').length;
  sockets.forEach((socket) => socket.close());
  const report: FloodReport = {
    resyncServedPerSecond: round(served / seconds),
    servedPerSecondByAddress: servedBy.map((n) => round(n / seconds)),
    refusedPerSecond: Object.fromEntries(
      Object.entries(refused).map(([code, n]) => [code, round(n / seconds)]),
    ),
    closedByServer,
    resyncAck: summary(latencies),
  };
  process.send!(report, () => process.exit(0));
}

if (process.argv[2] === 'flooders') await flooders();
else await main();
