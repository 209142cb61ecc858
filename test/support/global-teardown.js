import pg from 'pg';

/**
 * Drops this run's template databases (test/support/environment.ts: the tests never depend on
 * one left over), then stops the embedded PostgreSQL that globalSetup started (if it did), so
 * Jest exits by itself.
 */
export default async function globalTeardown() {
  await dropRunTemplates();
  await globalThis.__GGZY_STOP_EMBEDDED_POSTGRES__?.();
}

async function dropRunTemplates() {
  const adminUrl = process.env.GGZY_TEST_ADMIN_URL;
  const runId = process.env.GGZY_TEST_RUN_ID;
  if (!adminUrl || !runId) return;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // As environment.ts names them.
    const prefix = `ggzy_tpl_${runId}_`;
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1',
      [prefix],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
