import { Redis } from 'ioredis';
import { type AppConfig, type EnvConfig, readOrCreateSecret, resolveSealedBidKeys } from '@ggzy/common';
import { appUrlFor, ensureEmbeddedPostgres } from '@ggzy/persistence';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** True when a Redis answers PING at `url` within the timeout. */
export async function redisAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Fills the two defaults of API.md: no DATABASE_URL → the embedded PostgreSQL under
 * DATA_DIR (migrated by its superuser, used by the app role); no REDIS_URL → the local Redis
 * if it answers, else single-machine mode; no JWT_SECRET, AUDIT_HMAC_KEY or SEALED_BID_KEYS
 * (never in production) → the installation's generated ones under DATA_DIR.
 */
export async function resolveInfrastructure(
  env: EnvConfig,
  log: (message: string) => void,
): Promise<{ config: AppConfig; stopEmbedded: () => Promise<void> }> {
  let stopEmbedded = async () => {};
  let databaseUrl = env.DATABASE_URL;
  let ownerUrl = env.DATABASE_OWNER_URL ?? env.DATABASE_URL;
  if (!databaseUrl) {
    // The embedded server's superuser migrates; the apps sign in as the app role with a
    // password generated for this installation (migrations give the role its login).
    const embedded = await ensureEmbeddedPostgres(env.DATA_DIR, log);
    ownerUrl = embedded.url;
    databaseUrl = appUrlFor(
      embedded.url,
      env.DATABASE_APP_ROLE,
      readOrCreateSecret(env.DATA_DIR, 'db-app-password'),
    );
    stopEmbedded = embedded.stop;
  }
  let redisUrl: string | null;
  if (env.REDIS_URL === 'none') {
    redisUrl = null;
  } else if (env.REDIS_URL) {
    redisUrl = env.REDIS_URL;
  } else {
    redisUrl = (await redisAnswers(DEFAULT_REDIS_URL)) ? DEFAULT_REDIS_URL : null;
  }
  if (!redisUrl) {
    log('no Redis: single-machine mode — queues and live broadcasts run on PostgreSQL');
  }
  return {
    config: {
      ...env,
      DATABASE_URL: databaseUrl,
      DATABASE_OWNER_URL: ownerUrl!,
      REDIS_URL: redisUrl,
      JWT_SECRET: env.JWT_SECRET ?? readOrCreateSecret(env.DATA_DIR, 'jwt-secret'),
      AUDIT_HMAC_KEY: env.AUDIT_HMAC_KEY ?? readOrCreateSecret(env.DATA_DIR, 'audit-hmac-key'),
      SEALED_BID_KEYS: resolveSealedBidKeys(env),
    },
    stopEmbedded,
  };
}
