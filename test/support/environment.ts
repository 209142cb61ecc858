import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import type { AppConfig } from '../../libs/common/src/config.js';
import { loadEnvConfig } from '../../libs/common/src/config.js';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../libs/persistence/src/data-source.js';

export interface TestEnvironment {
  /** The apps' config: DATABASE_URL signs in as the app role, DATABASE_OWNER_URL as the owner. */
  config: AppConfig;
  /** Drops the database; call after every app using it is closed. */
  drop(): Promise<void>;
}

export const GENEROUS_SOCKET_LIMITS = {
  SOCKET_EVENTS_PER_SECOND: 10_000,
  SOCKET_EVENTS_PER_ADDRESS_PER_SECOND: 100_000,
  SOCKET_CONNECTIONS_PER_ADDRESS: 10_000,
} as const;

function adminUrl(): string {
  const url = process.env.GGZY_TEST_ADMIN_URL;
  if (!url) throw new Error('run the e2e tests through jest (globalSetup picks the servers)');
  return url;
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function asAdmin<T>(work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** A new database on the test server, empty or a copy of `template`, and how to drop it. */
async function createDatabase(
  template?: string,
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `ggzy_test_${randomBytes(5).toString('hex')}`;
  await asAdmin(async (admin) => {
    if (!template) return admin.query(`CREATE DATABASE ${name}`);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await copyDatabaseGrants(admin, template, name);
  });
  return {
    name,
    url: databaseUrl(name),
    drop: () =>
      asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

/** A new, empty database on the test server (nothing migrated), and how to drop it. */
export function createEmptyDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  return createDatabase();
}

/**
 * A copy carries the template's schema with every grant inside it, but not what PostgreSQL keeps
 * on the database itself: its own ACL (the app role's CONNECT and CREATE, granted by the
 * migrations for single-machine mode's queue schema) is granted again; settings made with ALTER
 * DATABASE … SET would be lost, so a migration that adds one stops the copy until it is carried here.
 */
async function copyDatabaseGrants(admin: pg.Client, template: string, name: string): Promise<void> {
  const { rows: settings } = await admin.query(
    `SELECT 1 FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1`,
    [template],
  );
  if (settings.length > 0)
    throw new Error(`${template} has database settings (ALTER DATABASE … SET) that a copy would lose`);
  const { rows: grants } = await admin.query<{ grant: string }>(
    `SELECT format('GRANT %s ON DATABASE %I TO %s%s', a.privilege_type, $2::text,
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END,
                   CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END) AS grant
       FROM pg_database d CROSS JOIN aclexplode(d.datacl) a LEFT JOIN pg_roles r ON r.oid = a.grantee
      WHERE d.datname = $1 AND a.grantee <> d.datdba`,
    [template, name],
  );
  for (const { grant } of grants) await admin.query(grant);
}

/** Migrates a database to the latest migration as its owner (as `migration:run` does). */
async function migrate(ownerUrl: string): Promise<void> {
  const dataSource = await createDataSource(ownerUrl, 2, 'ggzy-test-migrate').initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await dataSource.destroy();
  }
}

/**
 * What the migrated schema is made from: the migrations, the list that orders them, the app role
 * they grant to, and the domain rules some of them write into CHECK constraints.
 */
function migrationSources(): string[] {
  const root = process.cwd();
  const files = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      .map((entry) => relative(root, join(entry.parentPath, entry.name)));
  return [
    ...files('libs/persistence/src/migrations'),
    'libs/persistence/src/data-source.ts',
    'libs/persistence/src/app-role.ts',
    ...files('libs/domain/src'),
  ].sort();
}

function migrationsHash(): string {
  const hash = createHash('sha256').update(process.env.DATABASE_APP_ROLE || 'ggzy_app');
  for (const file of migrationSources())
    hash.update(`\0${file}\0`).update(readFileSync(join(process.cwd(), file)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The migrated database this run's test databases are copied from: migrating one takes a few
 * hundred round trips, copying it one statement. Named by the run (so globalTeardown drops only
 * its own, and no run uses another's) and by a hash of the migrations' source (so a template
 * built before a migration changed is never used). Built by whichever test file needs it first,
 * under an advisory lock the others wait on, and under a building name renamed when done, so
 * nothing ever copies a half-migrated one.
 */
async function migratedTemplate(): Promise<string> {
  const runId = process.env.GGZY_TEST_RUN_ID;
  if (!runId) throw new Error('run the e2e tests through jest (globalSetup names the run)');
  // global-teardown.js drops every ggzy_tpl_<run>_… of this run.
  const name = `ggzy_tpl_${runId}_${migrationsHash()}`;
  return asAdmin(async (admin) => {
    // A session lock, released when this connection ends, even if the building fails.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const exists = async (database: string) =>
      (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rows.length > 0;
    if (await exists(name)) return name;
    const building = `${name}_b`;
    // Left by a test file that died while building it.
    await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${building}`);
    await migrate(databaseUrl(building));
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return name;
  });
}

export interface EnvironmentOptions {
  /**
   * A database as an older release left it, upgraded in place: migrated up to (not including)
   * the migration named `before`, filled by `populate` (as the owner), then migrated to the end.
   */
  upgrade?: { before: string; populate(ownerUrl: string): Promise<void> };
}

/** Migrates as the owner up to (not including) the migration named `before`. */
export async function migrateUpTo(ownerUrl: string, before: string): Promise<void> {
  const base = createDataSource(ownerUrl, 2, 'ggzy-test-migrate-old');
  const all = base.options.migrations as (new () => { name?: string })[];
  const index = all.findIndex((migration) => new migration().name === before);
  if (index < 0) throw new Error(`no migration named ${before}`);
  const old = await new DataSource({ ...base.options, migrations: all.slice(0, index) }).initialize();
  await old.runMigrations({ transaction: 'all' });
  await old.destroy();
}

/**
 * Every test file gets its own fresh database (migrated: a copy of the run's template) and its own
 * queue/channel prefix.
 */
export async function createTestEnvironment(
  overrides: Partial<AppConfig> = {},
  options: EnvironmentOptions = {},
): Promise<TestEnvironment> {
  // Migrated as the owner (as `migration:run` does); the apps get the app role, as in production.
  const database = options.upgrade
    ? await createEmptyDatabase()
    : await createDatabase(await migratedTemplate());
  const suffix = database.name.replace('ggzy_test_', '');
  const ownerUrl = database.url;
  if (options.upgrade) {
    await migrateUpTo(ownerUrl, options.upgrade.before);
    await options.upgrade.populate(ownerUrl);
    await migrate(ownerUrl);
  }
  const appUrl = new URL(ownerUrl);
  appUrl.username = process.env.GGZY_TEST_APP_ROLE!;
  appUrl.password = process.env.GGZY_TEST_APP_PASSWORD!;
  const redis = process.env.GGZY_TEST_REDIS_URL;
  const base = loadEnvConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const config: AppConfig = {
    ...base,
    DATABASE_URL: appUrl.toString(),
    DATABASE_OWNER_URL: ownerUrl,
    REDIS_URL: redis && redis !== 'none' ? redis : null,
    QUEUE_PREFIX: `t${suffix}`,
    API_PORT: 0,
    GATEWAY_PORT: 0,
    SWEEP_INTERVAL_MS: 1000,
    // Every test client shares 127.0.0.1 and fires table-driven messages back to back; the
    // socket limits have their own tests (socket-limits.e2e-spec.ts) with their own figures.
    ...GENEROUS_SOCKET_LIMITS,
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUDIT_HMAC_KEY: randomBytes(32).toString('hex'),
    SEALED_BID_KEYS: `test:${randomBytes(32).toString('base64')}`,
    REGISTRATIONS_PER_ADDRESS_PER_HOUR: 100_000,
    // The same reason for the REST budget; api-request-limits.e2e-spec.ts tests it.
    API_REQUESTS_PER_ADDRESS_PER_MINUTE: 1_000_000,
    // Small pools: up to four test files run at once, each with an API, a gateway and a worker (and
    // sometimes spawned ones) on one PostgreSQL of 100 connections. The pool guard has its own test.
    DB_POOL_SIZE: 4,
    DB_READ_POOL_SIZE: 2,
    ...overrides,
  };
  return { config, drop: database.drop };
}

/** The environment variables that make a child process use the same config. */
export function configToEnv(config: AppConfig): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL ?? 'none',
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    API_PORT: String(config.API_PORT),
    GATEWAY_PORT: String(config.GATEWAY_PORT),
    SWEEP_INTERVAL_MS: String(config.SWEEP_INTERVAL_MS),
    BID_RATE_LIMIT_PER_SECOND: String(config.BID_RATE_LIMIT_PER_SECOND),
    SOCKET_EVENTS_PER_SECOND: String(config.SOCKET_EVENTS_PER_SECOND),
    SOCKET_EVENTS_PER_ADDRESS_PER_SECOND: String(config.SOCKET_EVENTS_PER_ADDRESS_PER_SECOND),
    SOCKET_CONNECTIONS_PER_ADDRESS: String(config.SOCKET_CONNECTIONS_PER_ADDRESS),
    DATABASE_OWNER_URL: config.DATABASE_OWNER_URL,
    JWT_SECRET: config.JWT_SECRET,
    AUDIT_HMAC_KEY: config.AUDIT_HMAC_KEY,
    SEALED_BID_KEYS: config.SEALED_BID_KEYS,
    REGISTRATIONS_PER_ADDRESS_PER_HOUR: String(config.REGISTRATIONS_PER_ADDRESS_PER_HOUR),
    API_REQUESTS_PER_ADDRESS_PER_MINUTE: String(config.API_REQUESTS_PER_ADDRESS_PER_MINUTE),
    DB_POOL_SIZE: String(config.DB_POOL_SIZE),
    DB_READ_POOL_SIZE: String(config.DB_READ_POOL_SIZE),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  };
}
