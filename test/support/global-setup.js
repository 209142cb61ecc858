// Plain JavaScript: Jest loads globalSetup outside its module mapper. It uses the built
// libs (npm test builds first) so the choice of servers is made by the same code as the apps.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureEmbeddedPostgres } from '../../dist/libs/persistence/src/embedded-postgres.js';
import { DEFAULT_REDIS_URL, redisAnswers } from '../../dist/libs/queues/src/infrastructure.js';

/**
 * Picks the servers once for the whole run: PostgreSQL and Redis where they answer (CI: the
 * local servers), the embedded PostgreSQL and single-machine mode where they do not.
 * Test workers inherit the choice through the environment.
 */
export default async function globalSetup() {
  const local = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  let adminUrl = local;
  if (!(await postgresAnswers(local))) {
    const embedded = await ensureEmbeddedPostgres('.data/test');
    adminUrl = embedded.url.replace(/\/ggzy$/, '/postgres');
    // globalTeardown runs in this same process and stops the server, so Jest can exit.
    globalThis.__GGZY_STOP_EMBEDDED_POSTGRES__ = embedded.stop;
  }
  const redisUrl = process.env.TEST_REDIS_URL ?? DEFAULT_REDIS_URL;
  const redis =
    process.env.TEST_REDIS_URL === 'none' ? null : (await redisAnswers(redisUrl)) ? redisUrl : null;
  await ensureAppRole(adminUrl);
  process.env.GGZY_TEST_ADMIN_URL = adminUrl;
  // Names this run's template databases (test/support/environment.ts); set once, as this runs
  // once per project that lists it.
  process.env.GGZY_TEST_RUN_ID ??= randomBytes(5).toString('hex');
  process.env.GGZY_TEST_REDIS_URL = redis ?? 'none';
  console.log(
    `\n[e2e] PostgreSQL: ${adminUrl === local ? 'local server' : 'embedded (.data/test)'}; ` +
      `Redis: ${redis ?? 'none — single-machine mode on PostgreSQL'}`,
  );
}

async function postgresAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/*
 * The apps run as the app role, as in production (migrations create it NOLOGIN per database's
 * grants). Roles are cluster-wide and other runs may do this at the same moment: the same
 * fixed test password, and a retry when two updates of the role collide.
 */
const APP_ROLE = process.env.DATABASE_APP_ROLE || 'ggzy_app';
const APP_PASSWORD = 'ggzy-test-app-role';
process.env.GGZY_TEST_APP_ROLE = APP_ROLE;
process.env.GGZY_TEST_APP_PASSWORD = APP_PASSWORD;

async function ensureAppRole(adminUrl) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const { rows } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
        const verb = rows.length ? 'ALTER' : 'CREATE';
        await client.query(`${verb} ROLE ${APP_ROLE} LOGIN PASSWORD '${APP_PASSWORD}'`);
        return;
      } catch (error) {
        if (attempt >= 5 || !['XX000', '42710', '23505'].includes(error.code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      }
    }
  } finally {
    await client.end();
  }
}
