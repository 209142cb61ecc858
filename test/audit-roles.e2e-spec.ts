import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import { auditEntryHash } from '../libs/domain/src/audit-chain.js';
import { createDataSource } from '../libs/persistence/src/data-source.js';
import { AuditCheckpoints } from '../libs/persistence/src/audit-checkpoints.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi, startWorker } from './support/platform.js';
import { createOperator, type TestUser, waitFor } from './support/factories.js';

/**
 * The audit trail cannot be rewritten by the application: the apps' role may only SELECT and
 * INSERT on it (the chain is computed by a trigger owned by the owner), and whatever the
 * owner does to the trail is caught by `verify` — by the re-hash, or by the worker's
 * HMAC-signed checkpoints of the head.
 */
interface Trail {
  env: TestEnvironment;
  api: RunningHttpApp;
  supervisor: TestUser;
  asApp: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;
  asOwner: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;
  /** Signs the current head as the worker does (same class, same key). */
  signHead: () => Promise<void>;
  verify: () => Promise<Record<string, unknown>>;
  close: () => Promise<void>;
}

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** What the app does when it appends: content only; seq and hashes come from the trigger. */
const APPEND = `INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, payload)
  VALUES (now(), NULL, 'test.entry', 'test', $1, $2) RETURNING seq, prev_hash, hash`;

async function openTrail(entries: number): Promise<Trail> {
  const env = await createTestEnvironment({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: 3600 });
  const api = await startApi(env.config);
  const supervisor = await createOperator(env.config, api.url, 'supervisor');
  const asApp = (sql: string, params?: unknown[]) => query(env.config.DATABASE_URL, sql, params);
  const asOwner = (sql: string, params?: unknown[]) => query(env.config.DATABASE_OWNER_URL, sql, params);
  for (let i = 1; i <= entries; i += 1) await asApp(APPEND, [`e${i}`, JSON.stringify({ n: i })]);
  return {
    env,
    api,
    supervisor,
    asApp,
    asOwner,
    signHead: async () => {
      const dataSource = await createDataSource(env.config.DATABASE_URL, 1).initialize();
      try {
        await new AuditCheckpoints(dataSource, env.config.AUDIT_HMAC_KEY).sign(new Date());
      } finally {
        await dataSource.destroy();
      }
    },
    verify: async () =>
      (await request(api.url).get('/api/audit/verify').auth(supervisor.token, { type: 'bearer' }).expect(200))
        .body,
    close: async () => {
      await api.close();
      await env.drop();
    },
  };
}

const headOf = async (trail: Trail) =>
  (await trail.asApp('SELECT seq::int AS seq, hash FROM audit_head')).rows[0] as {
    seq: number;
    hash: string;
  };

describe('the audit trail and the app role', () => {
  let trail: Trail;

  beforeAll(async () => {
    trail = await openTrail(5);
  });
  afterAll(async () => {
    await trail?.close();
  });

  it('the apps run as a role that is neither owner nor superuser', async () => {
    const { rows } = await trail.asApp(
      `SELECT current_user AS who, r.rolsuper, t.tableowner
       FROM pg_roles r, pg_tables t WHERE r.rolname = current_user AND t.tablename = 'audit_log'`,
    );
    expect(rows[0].who).toBe('ggzy_app');
    expect(rows[0].rolsuper).toBe(false);
    expect(rows[0].tableowner).not.toBe('ggzy_app');
  });

  it('the database chains what the app inserts, whatever seq or hash it claims', async () => {
    const before = await headOf(trail);
    const { rows } = await trail.asApp(
      `INSERT INTO audit_log (seq, at, action, entity_type, entity_id, payload, prev_hash, hash)
       VALUES (9999, now(), 'forged', 'test', 'x', 'forged payload', repeat('f', 64), repeat('f', 64))
       RETURNING seq::int AS seq, prev_hash, hash`,
    );
    expect(rows[0].seq).toBe(before.seq + 1);
    expect(rows[0].prev_hash).toBe(before.hash);
    expect(rows[0].hash).toBe(auditEntryHash(before.hash, before.seq + 1, 'forged payload'));
    expect(await headOf(trail)).toEqual({ seq: before.seq + 1, hash: rows[0].hash });
    expect(await trail.verify()).toMatchObject({ ok: true, valid: true });
  });

  it.each([
    ['TRUNCATE the trail', 'TRUNCATE audit_log'],
    ['TRUNCATE with CASCADE', 'TRUNCATE audit_log CASCADE'],
    ['delete the tail', 'DELETE FROM audit_log WHERE seq > 3'],
    ['edit an entry', `UPDATE audit_log SET payload = '{}' WHERE seq = 2`],
    ['disable the append-only trigger', 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only'],
    ['disable every trigger', 'ALTER TABLE audit_log DISABLE TRIGGER ALL'],
    ['drop the chain trigger', 'DROP TRIGGER audit_log_chain ON audit_log'],
    ['move the head back', 'UPDATE audit_head SET seq = 3'],
    ['lock the head', 'SELECT * FROM audit_head FOR UPDATE'],
    [
      'replace the chain function',
      `CREATE OR REPLACE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
    ],
    ['delete the checkpoints', 'DELETE FROM audit_checkpoints'],
    ['truncate the checkpoints', 'TRUNCATE audit_checkpoints'],
    ['rename the trail away', 'ALTER TABLE audit_log RENAME TO audit_log_old'],
  ])('as the app role, "%s" is refused', async (_name, sql) => {
    const before = await headOf(trail);
    const count = (await trail.asApp('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
    await expect(trail.asApp(sql)).rejects.toMatchObject({ code: expect.stringMatching(/^42501$|^42809$/) });
    expect(await headOf(trail)).toEqual(before);
    expect((await trail.asApp('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(count);
  });

  // The bid ledger and the deal records are append-only for the app role too (1764380000001).
  it.each([
    ['edit a bid', 'UPDATE bids SET amount = amount + 1'],
    ['delete the bids', 'DELETE FROM bids'],
    ['truncate the bids', 'TRUNCATE bids'],
    ['edit a deal', 'UPDATE deals SET amount = 0'],
    ['delete the deals', 'DELETE FROM deals'],
    ['truncate the deals', 'TRUNCATE deals'],
  ])('as the app role, "%s" is refused (42501)', async (_name, sql) => {
    await expect(trail.asApp(sql)).rejects.toMatchObject({ code: '42501' });
  });

  it('the app role still inserts and reads deals', async () => {
    const { rows } = await trail.asApp(
      `INSERT INTO deals (category, subtype, source_type, title, amount, winner_name, closed_at, external_ref)
       VALUES ('procurement', NULL, 'import', 'grant check', 100, '某公司', now(), 'grant-check')
       ON CONFLICT (external_ref) DO NOTHING RETURNING amount::int AS amount`,
    );
    expect(rows).toEqual([{ amount: 100 }]);
    expect(
      (await trail.asApp(`SELECT count(*)::int AS n FROM deals WHERE external_ref = 'grant-check'`)).rows[0]
        .n,
    ).toBe(1);
  });

  it('verify keeps its fields and adds ok, checkedCount and the last checkpoint', async () => {
    await trail.signHead();
    const head = await headOf(trail);
    const result = await trail.verify();
    expect(result).toMatchObject({
      valid: true,
      entries: head.seq,
      headSeq: head.seq,
      ok: true,
      checkedCount: head.seq,
      lastCheckpoint: { seq: head.seq, hash: head.hash, signedAt: expect.any(String) },
    });
    expect(result).not.toHaveProperty('firstBrokenSeq');
  });
});

describe('the worker signs the head on a schedule', () => {
  let env: TestEnvironment;
  let worker: INestApplicationContext | undefined;

  afterAll(async () => {
    await worker?.close();
    await env?.drop();
  });

  it('a checkpoint follows the head within the interval, with an HMAC only the key makes', async () => {
    env = await createTestEnvironment({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: 1 });
    worker = await startWorker(env.config);
    await query(env.config.DATABASE_URL, APPEND, ['w1', 'one']);
    await query(env.config.DATABASE_URL, APPEND, ['w2', 'two']);
    const signed = await waitFor(
      async () => {
        const { rows } = await query(
          env.config.DATABASE_URL,
          'SELECT seq::int AS seq, hash, hmac FROM audit_checkpoints ORDER BY id DESC LIMIT 1',
        );
        return rows[0]?.seq === 2 ? rows[0] : undefined;
      },
      30_000,
      'a checkpoint of seq 2',
    );
    const head = (await query(env.config.DATABASE_URL, 'SELECT hash FROM audit_head')).rows[0];
    expect(signed.hash).toBe(head.hash);
    expect(signed.hmac).toMatch(/^[0-9a-f]{64}$/);
    // The key is not in the database.
    const dump = await query(
      env.config.DATABASE_OWNER_URL,
      `SELECT string_agg(t::text, ' ') AS all FROM audit_checkpoints t`,
    );
    expect(dump.rows[0].all).not.toContain(env.config.AUDIT_HMAC_KEY);
  });
});

describe('as the owner, every rewrite is detected', () => {
  const DISABLE = 'ALTER TABLE audit_log DISABLE TRIGGER USER';
  const ENABLE = 'ALTER TABLE audit_log ENABLE TRIGGER USER';

  const cases: [string, (trail: Trail) => Promise<void>, Record<string, unknown>][] = [
    [
      'TRUNCATE, head reset to the start',
      async (trail) => {
        await trail.asOwner(`${DISABLE}; TRUNCATE audit_log; ${ENABLE}`);
        await trail.asOwner(`UPDATE audit_head SET seq = 0, hash = repeat('0', 64)`);
      },
      {
        ok: false,
        valid: false,
        firstBrokenSeq: 1,
        reason: 'the head is older than the last signed checkpoint',
      },
    ],
    [
      'TRUNCATE, head left alone',
      async (trail) => {
        await trail.asOwner(`${DISABLE}; TRUNCATE audit_log; ${ENABLE}`);
      },
      { ok: false, valid: false, firstBrokenSeq: 1, reason: 'entries are missing before the head' },
    ],
    [
      'the trigger disabled and an entry edited',
      async (trail) => {
        await trail.asOwner(`${DISABLE}; UPDATE audit_log SET payload = '{"n":99}' WHERE seq = 3; ${ENABLE}`);
      },
      { ok: false, valid: false, firstBrokenSeq: 3, reason: 'hash does not match payload' },
    ],
    [
      'the tail deleted and the head moved back onto it',
      async (trail) => {
        await trail.asOwner(`${DISABLE}; DELETE FROM audit_log WHERE seq > 4; ${ENABLE}`);
        await trail.asOwner(
          `UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)`,
        );
      },
      {
        ok: false,
        valid: false,
        firstBrokenSeq: 5,
        reason: 'the head is older than the last signed checkpoint',
      },
    ],
    [
      'the last entry rewritten and re-hashed so the chain itself is consistent',
      async (trail) => {
        const { rows } = await trail.asOwner(
          'SELECT seq::int AS seq, prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1',
        );
        const { seq, prev_hash: prevHash } = rows[0];
        const hash = auditEntryHash(prevHash, seq, 'rewritten');
        await trail.asOwner(
          `${DISABLE}; UPDATE audit_log SET payload = 'rewritten', hash = '${hash}' WHERE seq = ${seq}; ${ENABLE}`,
        );
        await trail.asOwner(`UPDATE audit_head SET hash = '${hash}'`);
      },
      {
        ok: false,
        valid: false,
        firstBrokenSeq: 6,
        reason: 'an entry differs from what a checkpoint signed',
      },
    ],
    [
      'a checkpoint forged without the key',
      async (trail) => {
        await trail.asOwner(
          `INSERT INTO audit_checkpoints (seq, hash, signed_at, hmac)
           SELECT seq, hash, now(), repeat('a', 64) FROM audit_head`,
        );
      },
      { ok: false, valid: false, firstBrokenSeq: 6, reason: 'a checkpoint signature does not match' },
    ],
  ];

  it.each(cases)('%s', async (_name, rewrite, expected) => {
    const trail = await openTrail(6);
    try {
      await trail.signHead();
      expect(await trail.verify()).toMatchObject({ ok: true });
      await rewrite(trail);
      expect(await trail.verify()).toMatchObject(expected);
    } finally {
      await trail.close();
    }
  });
});
