import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { round, summary } from './stats.js';

/**
 * Baselines for (a): what PostgreSQL itself does on this machine in the same run. pgbench is
 * the baseline; the Node `pg` loop beside it shows how much of the gap is Node's own cost.
 */
export const HOT_ROW_SCRIPT = 'UPDATE bench_hot SET v = v + 1 WHERE id = 1;';
/** `:client_id` is 0…clients−1, so every client updates its own row and nobody waits on a lock. */
export const OWN_ROW_SCRIPT = 'UPDATE bench_rows SET v = v + 1 WHERE id = :client_id;';

/**
 * The writes a close batch needs, as bare SQL (issue 13): lock CLOSE_SHAPE_BATCH auctions in id
 * order, set their outcome, a deal for every other one, the trail's head moved once and an
 * entry per auction. `:b` picks a batch of rows; clients as many as the worker's close lanes.
 */
export const CLOSE_SHAPE_BATCH = 50;
export const CLOSE_SHAPE_SCRIPT = `\\set b random(0, 9999)
BEGIN;
SELECT id FROM bench_close WHERE id BETWEEN :b * ${CLOSE_SHAPE_BATCH} AND :b * ${CLOSE_SHAPE_BATCH} + ${CLOSE_SHAPE_BATCH - 1} ORDER BY id FOR UPDATE;
UPDATE bench_close SET status = CASE WHEN id % 2 = 0 THEN 'sold' ELSE 'unsold' END, closed_at = now(), v = v + 1 WHERE id BETWEEN :b * ${CLOSE_SHAPE_BATCH} AND :b * ${CLOSE_SHAPE_BATCH} + ${CLOSE_SHAPE_BATCH - 1};
INSERT INTO bench_close_deals (auction_id, amount, closed_at) SELECT id, 3600000, now() FROM generate_series(:b * ${CLOSE_SHAPE_BATCH}, :b * ${CLOSE_SHAPE_BATCH} + ${CLOSE_SHAPE_BATCH - 1}, 2) AS id;
UPDATE bench_close_head SET seq = seq + ${CLOSE_SHAPE_BATCH} WHERE id = 1;
INSERT INTO bench_close_audit (entity_id, action, payload, hash, at) SELECT id, 'auction.closed', '{"status":"sold","finalPrice":100000}', md5(id::text), now() FROM generate_series(:b * ${CLOSE_SHAPE_BATCH}, :b * ${CLOSE_SHAPE_BATCH} + ${CLOSE_SHAPE_BATCH - 1}) AS id;
COMMIT;`;

export async function createCloseShapeTables(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS bench_close (id int PRIMARY KEY, status text NOT NULL,
      closed_at timestamptz, v int NOT NULL)`);
    await client.query(
      `INSERT INTO bench_close SELECT id, 'bidding', NULL, 0 FROM generate_series(0, 10000 * $1::int - 1) AS id
      ON CONFLICT DO NOTHING`,
      [CLOSE_SHAPE_BATCH],
    );
    await client.query(`CREATE TABLE IF NOT EXISTS bench_close_deals (id bigserial PRIMARY KEY, auction_id int NOT NULL,
      amount bigint NOT NULL, closed_at timestamptz NOT NULL)`);
    await client.query(`CREATE TABLE IF NOT EXISTS bench_close_audit (id bigserial PRIMARY KEY, entity_id int NOT NULL,
      action text NOT NULL, payload jsonb NOT NULL, hash text NOT NULL, at timestamptz NOT NULL)`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS bench_close_head (id int PRIMARY KEY, seq bigint NOT NULL)`,
    );
    await client.query(`INSERT INTO bench_close_head VALUES (1, 0) ON CONFLICT DO NOTHING`);
  } finally {
    await client.end();
  }
}

export async function createBaselineTables(databaseUrl: string, clients: number) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  // Parts (a) and (d) both use them; whichever runs first makes them.
  const made = await client.query(`SELECT to_regclass('bench_rows') IS NOT NULL AS made`);
  if (made.rows[0].made) {
    await client.end();
    return;
  }
  await client.query('CREATE TABLE bench_hot (id int PRIMARY KEY, v bigint NOT NULL)');
  await client.query('INSERT INTO bench_hot VALUES (1, 0)');
  await client.query('CREATE TABLE bench_rows (id int PRIMARY KEY, v bigint NOT NULL)');
  await client.query('INSERT INTO bench_rows SELECT id, 0 FROM generate_series(0, $1::int - 1) AS id', [
    clients,
  ]);
  await client.end();
}

/** The pgbench of the server's major version (Debian's /usr/bin/pgbench is a Perl wrapper). */
export function pgbenchPath(serverVersion: string): string {
  if (process.env.BENCH_PGBENCH) return process.env.BENCH_PGBENCH;
  const direct = `/usr/lib/postgresql/${serverVersion.split('.')[0]}/bin/pgbench`;
  return existsSync(direct) ? direct : 'pgbench';
}

function pgbenchArgs(clients: number, seconds: number) {
  return ['-n', '-c', String(clients), '-j', '2', '-T', String(seconds)];
}

export const describePgbench = (clients: number, seconds: number) =>
  `pgbench ${pgbenchArgs(clients, seconds).join(' ')} -f <one-line script>`;

/**
 * One pgbench run. Its tps excludes the initial connection time, so connecting is outside the
 * timed window; per-transaction latencies come from its own log (-l).
 */
export async function runPgbench(
  binary: string,
  databaseUrl: string,
  script: string,
  clients: number,
  seconds: number,
) {
  const dir = mkdtempSync(join(tmpdir(), 'ggzy-pgbench-'));
  try {
    writeFileSync(join(dir, 'script.sql'), `${script}\n`);
    const args = [
      ...pgbenchArgs(clients, seconds),
      '-f',
      join(dir, 'script.sql'),
      '-l',
      `--log-prefix=${join(dir, 'tx')}`,
      databaseUrl,
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`pgbench exited ${code}: ${text}`)),
      );
    });
    const figure = (pattern: RegExp) => {
      const match = pattern.exec(output);
      if (!match) throw new Error(`pgbench output without ${pattern}: ${output}`);
      return Number(match[1]);
    };
    const latencies: number[] = [];
    for (const file of readdirSync(dir).filter((name) => name.startsWith('tx'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        // client_id transaction_no time_us script_no epoch epoch_us
        const micros = line.split(' ')[2];
        if (micros) latencies.push(Number(micros) / 1000);
      }
    }
    return {
      perSecond: round(figure(/tps = ([\d.]+) \(without initial connection time\)/)),
      transactions: figure(/number of transactions actually processed: (\d+)/),
      failed: figure(/number of failed transactions: (\d+)/),
      connectMs: round(figure(/initial connection time = ([\d.]+) ms/)),
      latency: summary(latencies),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same contended UPDATE from a Node `pg` client loop; every client connects before the clock starts. */
export async function nodeClientLoop(databaseUrl: string, clients: number, seconds: number) {
  const connections = await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    connections.map(async (client) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await client.query('UPDATE bench_hot SET v = v + 1 WHERE id = 1');
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(connections.map((client) => client.end()));
  return { perSecond: round(latencies.length / elapsed), latency: summary(latencies) };
}
