import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { createDataSource, ensureEmbeddedPostgres, freePort } from '@ggzy/persistence';
import { DEFAULT_REDIS_URL, redisAnswers } from '@ggzy/queues';

/** api, gateway and worker as separate processes on a database of their own, as deployed. */
export interface Platform {
  apiUrl: string;
  gatewayUrl: string;
  databaseUrl: string;
  /** The database's name, for pg_stat views. */
  database: string;
  redisUrl: string | null;
  processes: { api: ChildProcess; gateway: ChildProcess; worker: ChildProcess };
  startGateway(): Promise<{ url: string; child: ChildProcess }>;
  /** Another worker on the same database and queue. */
  startWorker(): Promise<ChildProcess>;
  /** Stops every process this platform started and drops its database. */
  stop(): Promise<void>;
}

export interface PlatformOptions {
  /** Settings on top of the defaults every bench shares (a fresh database, test mode). */
  env?: Record<string, string>;
  /** Writes the gateway's CPU profile into this folder, to see where its time goes. */
  gatewayProfileDir?: string;
}

const root = process.cwd();

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const adminUrl = await adminDatabaseUrl();
  const redisUrl = (await redisAnswers(DEFAULT_REDIS_URL)) ? DEFAULT_REDIS_URL : null;
  const database = `ggzy_bench_${randomBytes(4).toString('hex')}`;
  await onAdmin(adminUrl, `CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const dataSource = await createDataSource(databaseUrl, 2).initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl ?? 'none',
    QUEUE_PREFIX: `b${randomBytes(4).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUDIT_HMAC_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    ...options.env,
  };
  const children: ChildProcess[] = [];
  const start = (entry: string, ready: string, ports: Record<string, number>) =>
    new Promise<ChildProcess>((resolve, reject) => {
      // BENCH_WORKER_PROFILE_DIR: a CPU profile of the worker too (written when it stops).
      const profileDir =
        options.gatewayProfileDir && entry.includes('gateway')
          ? options.gatewayProfileDir
          : process.env.BENCH_WORKER_PROFILE_DIR && entry.includes('worker')
            ? process.env.BENCH_WORKER_PROFILE_DIR
            : undefined;
      const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
      const child = spawn(process.execPath, [...flags, join(root, entry)], {
        env: { ...env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      let output = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        if (output.includes(ready)) return;
        output += chunk.toString();
        if (output.includes(ready)) resolve(child);
      });
      child.once('exit', (code) => reject(new Error(`${entry} exited ${code}: ${output}`)));
    });
  const [apiPort, gatewayPort] = [await freePort(), await freePort()];
  // Both ports to both: the api tells pages where the gateway is, the gateway admits the api's origin.
  const ports = { API_PORT: apiPort, GATEWAY_PORT: gatewayPort };
  const [api, gateway, worker] = await Promise.all([
    start('dist/apps/api/src/main.js', 'api listening', ports),
    start('dist/apps/bidding-gateway/src/main.js', 'bidding gateway listening', ports),
    start('dist/apps/worker/src/main.js', 'worker ready', {}),
  ]);
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    databaseUrl,
    database,
    redisUrl,
    processes: { api, gateway, worker },
    async startGateway() {
      const port = await freePort();
      const child = await start('dist/apps/bidding-gateway/src/main.js', 'bidding gateway listening', {
        GATEWAY_PORT: port,
      });
      return { url: `http://127.0.0.1:${port}`, child };
    },
    startWorker() {
      return start('dist/apps/worker/src/main.js', 'worker ready', {});
    },
    async stop() {
      await Promise.all(
        children
          .filter((child) => child.exitCode === null && child.signalCode === null)
          .map((child) => {
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGTERM');
            return exited;
          }),
      );
      await onAdmin(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      // The queues' keys too (scheduled steps the run left behind), under this run's prefix only.
      if (redisUrl) await deletePrefixed(redisUrl, `${env.QUEUE_PREFIX}:*`);
    },
  };
}

/** The local PostgreSQL when it answers, else the embedded one the run command would use. */
export async function adminDatabaseUrl(): Promise<string> {
  const local = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const probe = new pg.Client({ connectionString: local, connectionTimeoutMillis: 1000 });
  try {
    await probe.connect();
    await probe.end();
    return local;
  } catch {
    return (await ensureEmbeddedPostgres('.data/bench')).url.replace(/\/ggzy$/, '/postgres');
  }
}

export async function onAdmin(adminUrl: string, sql: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** A websocket-only socket.io client on the gateway's `/bidding` namespace, as pages connect. */
export function connect(
  url: string,
  options: { token?: string; localAddress?: string } = {},
): Promise<Socket> {
  const socket = io(`${url}/bidding`, {
    auth: options.token ? { token: options.token } : {},
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  } as Parameters<typeof io>[1]);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export const ask = (socket: Socket, event: string, payload: unknown): Promise<any> =>
  socket.timeout(30_000).emitWithAck(event, payload);

/** Deletes the keys matching `pattern` (SCAN, never KEYS: the Redis may be shared). */
export async function deletePrefixed(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
