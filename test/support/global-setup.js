// Plain JavaScript: Jest loads globalSetup outside its module mapper. It uses the built
// libs (npm test builds first) so the choice of servers is made by the same code as the apps.
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
  process.env.GGZY_TEST_ADMIN_URL = adminUrl;
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
