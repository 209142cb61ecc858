import { randomBytes } from 'node:crypto';
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

/** A new, empty database on the test server (nothing migrated), and how to drop it. */
export async function createEmptyDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.GGZY_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('run the e2e tests through jest (globalSetup picks the servers)');
  const name = `ggzy_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
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

/** Every test file gets its own fresh database (migrated) and its own queue/channel prefix. */
export async function createTestEnvironment(
  overrides: Partial<AppConfig> = {},
  options: EnvironmentOptions = {},
): Promise<TestEnvironment> {
  const database = await createEmptyDatabase();
  const suffix = database.name.replace('ggzy_test_', '');
  const ownerUrl = database.url;
  if (options.upgrade) {
    await migrateUpTo(ownerUrl, options.upgrade.before);
    await options.upgrade.populate(ownerUrl);
  }
  // Migrated as the owner (as `migration:run` does); the apps get the app role, as in production.
  const dataSource = await createDataSource(ownerUrl, 2, 'ggzy-test-migrate').initialize();
  await dataSource.runMigrations({ transaction: 'all' });
  await dataSource.destroy();
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
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  };
}
