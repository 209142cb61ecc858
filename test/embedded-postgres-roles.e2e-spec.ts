import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { freePort } from '../libs/persistence/src/embedded-postgres.js';
import { envWithout, queryRows, type RunningNode, startNode } from './support/checks.js';
import { waitFor } from './support/factories.js';

/**
 * Issue 5 §5, single-machine mode: with no DATABASE_URL, `npm start` runs an embedded
 * PostgreSQL under DATA_DIR, migrates it as the server's superuser, and the three apps sign
 * in as the app role `ggzy_app`, which may only SELECT and INSERT on the audit trail. So an
 * UPDATE or DELETE of audit_log through the apps' own connection string is refused by the
 * database itself. The platform runs as `node bin/ggzy.js start`, its processes real.
 */
const GGZY = join(process.cwd(), 'bin/ggzy.js');
const APPS = ['ggzy-api', 'ggzy-api-read', 'ggzy-gateway', 'ggzy-worker'];

let dataDir: string;
let platform: RunningNode | undefined;
let apiUrl: string;

beforeAll(async () => {
  // mkdtemp makes it 0700, as the generated secrets make `.data` on a fresh clone: run as root,
  // the platform must let the `postgres` user reach its data directory inside (issue found by
  // `npm start -- --demo` on a fresh clone).
  dataDir = await mkdtemp(join(tmpdir(), 'ggzy-embedded-'));
  const [apiPort, gatewayPort] = [await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${apiPort}`;
  platform = startNode([GGZY, 'start'], {
    ...envWithout('DATABASE_URL', 'DATABASE_OWNER_URL', 'DATABASE_APP_ROLE', 'JWT_SECRET', 'NODE_ENV'),
    REDIS_URL: 'none',
    DATA_DIR: dataDir,
    API_PORT: String(apiPort),
    GATEWAY_PORT: String(gatewayPort),
    QUEUE_PREFIX: `e${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'info',
  });
  // initdb on a loaded machine takes a while.
  await waitFor(
    async () =>
      (
        await request(apiUrl)
          .get('/api/health')
          .catch(() => undefined)
      )?.status === 200 || undefined,
    150_000,
    'the api on the embedded PostgreSQL',
  );
}, 180_000);

afterAll(async () => {
  const exit = await platform?.stop('SIGTERM', 30_000);
  await rm(dataDir, { recursive: true, force: true });
  expect(exit?.forced ?? false).toBe(false);
}, 60_000);

async function urls() {
  const { port } = JSON.parse(await readFile(join(dataDir, 'pg.json'), 'utf8')) as { port: number };
  const superuser = `postgres://postgres:postgres@127.0.0.1:${port}/ggzy`;
  const password = (await readFile(join(dataDir, 'db-app-password'), 'utf8')).trim();
  const app = `postgres://ggzy_app:${encodeURIComponent(password)}@127.0.0.1:${port}/ggzy`;
  return { superuser, app };
}

it('the data directory, 0700 when made, lets others traverse it and nothing more (as root; the secrets stay 0600)', async () => {
  const mode = (await stat(dataDir)).mode & 0o777;
  expect(mode).toBe(process.getuid?.() === 0 ? 0o711 : 0o700);
  expect((await stat(join(dataDir, 'db-app-password'))).mode & 0o777).toBe(0o600);
});

it('the apps connect to the embedded PostgreSQL as ggzy_app, never as its superuser', async () => {
  const { superuser } = await urls();
  const connections = () =>
    queryRows<{ who: string; app: string }>(
      superuser,
      `SELECT usename AS who, application_name AS app FROM pg_stat_activity
        WHERE datname = 'ggzy' AND application_name = ANY($1)`,
      [APPS],
    );
  // The worker and the gateway may still be starting when the api answers.
  const seen = await waitFor(
    async () => {
      const rows = await connections();
      const apps = new Set(rows.map((row) => row.app));
      return ['ggzy-api', 'ggzy-gateway', 'ggzy-worker'].every((app) => apps.has(app)) ? rows : undefined;
    },
    60_000,
    'connections from the three apps',
  );
  expect([...new Set(seen.map((row) => row.who))]).toEqual(['ggzy_app']);
  // The role itself: no superuser, a login, and the audit trail's narrow rights.
  const [role] = await queryRows<{ super: boolean; login: boolean }>(
    superuser,
    "SELECT rolsuper AS super, rolcanlogin AS login FROM pg_roles WHERE rolname = 'ggzy_app'",
  );
  expect(role).toEqual({ super: false, login: true });
  const [rights] = await queryRows(
    superuser,
    `SELECT ${['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']
      .map((right) => `has_table_privilege('ggzy_app', 'audit_log', '${right}') AS "${right}"`)
      .join(', ')}`,
  );
  expect(rights).toEqual({ SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false });
});

it("an UPDATE or DELETE of audit_log through the apps' own connection string is refused", async () => {
  const { app } = await urls();
  const client = new pg.Client({ connectionString: app });
  await client.connect();
  try {
    expect((await client.query('SELECT current_user AS name')).rows[0].name).toBe('ggzy_app');
    // Appending is the app's right (the chain trigger fills seq and hashes)...
    const appended = await client.query(
      `INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, payload)
       VALUES (now(), NULL, 'test.append', 'test', 'embedded', '{}') RETURNING seq`,
    );
    expect(appended.rowCount).toBe(1);
    // ...rewriting or removing is not.
    await expect(client.query("UPDATE audit_log SET action = 'rewritten'")).rejects.toMatchObject({
      code: '42501',
    });
    await expect(client.query('DELETE FROM audit_log')).rejects.toMatchObject({ code: '42501' });
  } finally {
    await client.end();
  }
});
