import { z } from 'zod';
import {
  DEFAULT_EARLY_WARNING_THRESHOLDS as EARLY_WARNING,
  DEFAULT_RECENT_SITTING_DAYS,
  type EarlyWarningThresholds,
  REFUSAL_TO_SIGN_BAN_MONTHS,
} from '@ggzy/domain';
import { SEALED_BID_KEYS_FORMAT, sealedBidKeysProblems } from './sealed-bid-keys.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** The apps' connection, as the app role (DATABASE_APP_ROLE) that cannot rewrite the audit trail. */
    DATABASE_URL: z.string().url().optional(),
    /** The migrations' connection, as the tables' owner; unset → DATABASE_URL (one role, no protection). */
    DATABASE_OWNER_URL: z.string().url().optional(),
    DATABASE_APP_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lowercase letters, digits and _')
      .default('ggzy_app'),
    /** Signs audit checkpoints; unset outside production → generated under DATA_DIR like JWT_SECRET. */
    AUDIT_HMAC_KEY: z.string().min(32, 'AUDIT_HMAC_KEY must be at least 32 characters').optional(),
    /**
     * Key-encryption keys of sealed bids (sealed-bid-keys.ts); kept out of the database that holds
     * the wrapped keys. Unset outside production → one generated under DATA_DIR like JWT_SECRET.
     */
    SEALED_BID_KEYS: z.string().optional(),
    AUDIT_CHECKPOINT_INTERVAL_SECONDS: positiveInt.default(60),
    REDIS_URL: z.string().optional(),
    API_PORT: port.default(3000),
    GATEWAY_PORT: port.default(3001),
    /** Where browsers reach the gateway, when not the page's own host on GATEWAY_PORT (a proxy, TLS). */
    PUBLIC_GATEWAY_URL: z.string().url().optional(),
    /** Unset outside production → a random secret kept under DATA_DIR (see secrets.ts). */
    JWT_SECRET: z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional(),
    JWT_TTL_SECONDS: positiveInt.default(8 * 3600),
    CENTRE_TZ: z.string().default('Asia/Shanghai'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Namespaces Redis keys, BullMQ queues and socket.io channels, so instances can share a server. */
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,40}$/, 'lowercase letters, digits and _')
      .default('ggzy'),
    DB_POOL_SIZE: positiveInt.default(10),
    BID_RATE_LIMIT_PER_SECOND: positiveInt.default(10),
    /** Wrong passwords for one username from one address before each further one adds a delay. */
    SIGN_IN_FREE_FAILURES: positiveInt.default(5),
    /** Wrong passwords from one address (any usernames) before that address gets delays. */
    SIGN_IN_FREE_FAILURES_PER_ADDRESS: positiveInt.default(100),
    /** The first delay; each further failure doubles it, up to SIGN_IN_MAX_DELAY_SECONDS. */
    SIGN_IN_FIRST_DELAY_SECONDS: positiveInt.default(2),
    SIGN_IN_MAX_DELAY_SECONDS: positiveInt.default(900),
    REGISTRATIONS_PER_ADDRESS_PER_HOUR: positiveInt.default(20),
    /**
     * Every REST call from one address (IPv6 by its /64) per minute, on each api instance; a
     * browser page makes a handful per view. /health is not counted (load balancers poll it).
     */
    API_REQUESTS_PER_ADDRESS_PER_MINUTE: positiveInt.default(1200),
    /** Reverse-proxy hops in front of the api and the gateway whose X-Forwarded-For is trusted; 0 = none. */
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    SWEEP_INTERVAL_MS: positiveInt.default(2000),
    /** Close jobs a worker runs at once; those due together are closed in batches (below). */
    CLOSE_CONCURRENCY: positiveInt.default(100),
    /** At most this many auctions closed in one transaction. */
    CLOSE_BATCH_SIZE: positiveInt.default(50),
    /** Close batches a worker runs side by side (each auction belongs to one lane, by its id). */
    CLOSE_BATCH_LANES: positiveInt.default(4),
    /** Test-only: a pause between a report's steps, so a fault test can stop a worker mid-report. */
    REPORT_STEP_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    DATA_DIR: z.string().default('.data'),
    /** Connections for reads that may come in floods (snapshots, resync), apart from the bid path's. */
    DB_READ_POOL_SIZE: positiveInt.default(5),
    /** Browser origins allowed to open sockets; unset → the API's own origin. */
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        const origins = value.split(',').map((origin) => origin.trim());
        for (const origin of origins) {
          if (!isOrigin(origin))
            ctx.addIssue({
              code: 'custom',
              message: `${origin || '(empty)'} is not an origin like https://host:port`,
            });
        }
        return origins;
      }),
    /** Non-bid socket events (join, resync, leave, auth) per socket; bids get 3 × BID_RATE_LIMIT_PER_SECOND. */
    SOCKET_EVENTS_PER_SECOND: positiveInt.default(10),
    /** Per client address (a whole bidding hall behind one NAT): non-bid events, and bids apart. */
    SOCKET_EVENTS_PER_ADDRESS_PER_SECOND: positiveInt.default(1000),
    SOCKET_CONNECTIONS_PER_ADDRESS: positiveInt.default(500),
    /** A connection that joins no namespace within this is closed. */
    SOCKET_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(500).max(45_000).default(5000),
    /** The largest socket message read; bigger ones close the connection. */
    SOCKET_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(4096),
    /** How long an anonymous watcher's snapshot may be served from memory (0: never). */
    SNAPSHOT_CACHE_MS: z.coerce.number().int().min(0).max(5000).default(500),
    /**
     * Rate points all anonymous reads (`join` 1, `resync` 1 + RESYNC_PAGE_SIZE / 25) on one
     * gateway may spend per second together, whatever addresses send them: per-address limits
     * cannot stop a crowd of addresses; this keeps their reads from crowding out bids on the
     * gateway's event loop and its read pool. A signed-in user's sockets share one socket's
     * budget instead.
     */
    ANONYMOUS_READ_POINTS_PER_GATEWAY_PER_SECOND: positiveInt.default(450),
    /** Accepted bids per `resync` answer. */
    RESYNC_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
    /** An expert who sat on a committee for the same owner within this many days is not drawn for it. */
    COMMITTEE_RECENT_SITTING_DAYS: z.coerce
      .number()
      .int()
      .min(0)
      .max(3650)
      .default(DEFAULT_RECENT_SITTING_DAYS),
    /**
     * District setting (credit.ts): months a lease or transfer winner who did not sign (悔拍) is
     * banned from the day of the default; 0 = a record (warning) only, the forfeited deposit being
     * the penalty.
     */
    REFUSAL_TO_SIGN_BAN_MONTHS: z.coerce.number().int().min(0).max(120).default(REFUSAL_TO_SIGN_BAN_MONTHS),
    /**
     * District settings of early warning (预警, libs/domain/src/early-warning.ts, where each default
     * is explained); GET /api/alerts/rules shows the ones in force. WON_AT_START_PRICE from this
     * many qualified bidders.
     */
    EARLY_WARNING_START_PRICE_MIN_QUALIFIED: z.coerce
      .number()
      .int()
      .min(2)
      .max(1000)
      .default(EARLY_WARNING.startPriceMinQualified),
    /** RECURRING_BIDDER_SET: the same set of bidders meeting this many times. */
    EARLY_WARNING_RECURRING_MEETINGS: z.coerce
      .number()
      .int()
      .min(2)
      .max(1000)
      .default(EARLY_WARNING.recurringMeetings),
    /** OUTLIER_WINNING_SCORE: the winner's lead in standard deviations of the others' scores (may be 2.5)… */
    EARLY_WARNING_SCORE_OUTLIER_SIGMAS: z.coerce
      .number()
      .positive()
      .max(100)
      .default(EARLY_WARNING.scoreOutlierSigmas),
    /** …and in points at least (scores are out of 100). */
    EARLY_WARNING_SCORE_OUTLIER_MIN_POINTS: z.coerce
      .number()
      .min(0)
      .max(100)
      .default(EARLY_WARNING.scoreOutlierMinPoints),
    /** ABNORMALLY_LOW_BID: a sealed price below this whole percentage of the others' mean. */
    EARLY_WARNING_LOW_BID_PERCENT_OF_MEAN: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(EARLY_WARNING.lowBidPercentOfMean),
    /**
     * PROJECT_SPLITTING: the open-tender threshold in fen (the province sets the one for goods and
     * services; 400万元 = 400000000 by default).
     */
    EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN: z.coerce
      .number()
      .int()
      .min(1)
      .max(Number.MAX_SAFE_INTEGER)
      .default(EARLY_WARNING.openTenderThreshold),
    /** The centre's name: the public feed's title and author, the OCDS publisher. */
    CENTRE_NAME: z.string().min(1).max(200).default('南昌市东湖区公共资源交易中心'),
    /**
     * The site's public origin (feed and OCDS links). Production must set it (links must not
     * follow a request's Host header); elsewhere unset → the origin each request came to.
     */
    PUBLIC_SITE_URL: z
      .string()
      .optional()
      .refine((value) => value === undefined || isOrigin(value), 'an origin like https://host:port'),
    /**
     * The OCDS ocid prefix the centre registered with the Open Contracting Partnership (`ocds-` and
     * 6 letters or digits); the project code follows it. Production names its own.
     */
    OCDS_OCID_PREFIX: z
      .string()
      .regex(/^ocds-[a-z0-9]{6}-$/, 'ocds- then 6 lower-case letters or digits, then -')
      .default('ocds-ggzy00-'),
    /** Tests only: shifts this process's clock, to prove instances with skewed clocks stay exact. */
    CLOCK_OFFSET_MS: z.coerce.number().int().default(0),
  })
  .superRefine((env, ctx) => {
    if (env.CLOCK_OFFSET_MS !== 0 && env.NODE_ENV !== 'test') {
      ctx.addIssue({ code: 'custom', path: ['CLOCK_OFFSET_MS'], message: 'only tests may skew the clock' });
    }
    // Each problem names the entry by position: the value is never echoed, it may be key material.
    for (const problem of env.SEALED_BID_KEYS === undefined ? [] : sealedBidKeysProblems(env.SEALED_BID_KEYS))
      ctx.addIssue({ code: 'custom', path: ['SEALED_BID_KEYS'], message: problem });
    if (env.NODE_ENV === 'production') {
      if (!env.SEALED_BID_KEYS) {
        ctx.addIssue({
          code: 'custom',
          path: ['SEALED_BID_KEYS'],
          message: `production needs SEALED_BID_KEYS (${SEALED_BID_KEYS_FORMAT}), kept out of the database`,
        });
      }
      if (!env.JWT_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_SECRET'],
          message: 'production needs a JWT_SECRET (32+ random characters) shared by every process',
        });
      }
      if (!env.AUDIT_HMAC_KEY) {
        ctx.addIssue({
          code: 'custom',
          path: ['AUDIT_HMAC_KEY'],
          message: 'production needs an AUDIT_HMAC_KEY (32+ random characters), kept out of the database',
        });
      }
      if (!env.DATABASE_URL) {
        ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'production needs a DATABASE_URL' });
      }
      if (!env.PUBLIC_SITE_URL) {
        ctx.addIssue({
          code: 'custom',
          path: ['PUBLIC_SITE_URL'],
          message: 'production needs PUBLIC_SITE_URL (the public origin, like https://ggzy.example.cn)',
        });
      }
      if (env.REPORT_STEP_PAUSE_MS > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['REPORT_STEP_PAUSE_MS'],
          message: 'a test setting, refused in production',
        });
      }
      if (!env.REDIS_URL || env.REDIS_URL === 'none') {
        ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'production always names a Redis' });
      }
    }
  })
  .transform((env) => ({
    ...env,
    CORS_ORIGINS: env.CORS_ORIGINS ?? [
      `http://localhost:${env.API_PORT}`,
      `http://127.0.0.1:${env.API_PORT}`,
    ],
  }));

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

export type EnvConfig = z.infer<typeof schema>;

/** The typed configuration every process gets once the infrastructure is resolved. */
export interface AppConfig extends Omit<
  EnvConfig,
  'DATABASE_URL' | 'DATABASE_OWNER_URL' | 'REDIS_URL' | 'JWT_SECRET' | 'AUDIT_HMAC_KEY' | 'SEALED_BID_KEYS'
> {
  DATABASE_URL: string;
  DATABASE_OWNER_URL: string;
  JWT_SECRET: string;
  AUDIT_HMAC_KEY: string;
  /** The sealed-bid key ring's setting; read into a KeyRing by SealedBidsModule only. */
  SEALED_BID_KEYS: string;
  /** `null` means single-machine mode: queues and broadcasts run on PostgreSQL. */
  REDIS_URL: string | null;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; nothing else reads process.env. */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
  );
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

/** The early-warning thresholds in force: the EARLY_WARNING_* settings (each defaults to early-warning.ts's). */
export function earlyWarningThresholds(
  config: Pick<
    EnvConfig,
    | 'EARLY_WARNING_START_PRICE_MIN_QUALIFIED'
    | 'EARLY_WARNING_RECURRING_MEETINGS'
    | 'EARLY_WARNING_SCORE_OUTLIER_SIGMAS'
    | 'EARLY_WARNING_SCORE_OUTLIER_MIN_POINTS'
    | 'EARLY_WARNING_LOW_BID_PERCENT_OF_MEAN'
    | 'EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN'
  >,
): EarlyWarningThresholds {
  return {
    startPriceMinQualified: config.EARLY_WARNING_START_PRICE_MIN_QUALIFIED,
    recurringMeetings: config.EARLY_WARNING_RECURRING_MEETINGS,
    scoreOutlierSigmas: config.EARLY_WARNING_SCORE_OUTLIER_SIGMAS,
    scoreOutlierMinPoints: config.EARLY_WARNING_SCORE_OUTLIER_MIN_POINTS,
    lowBidPercentOfMean: config.EARLY_WARNING_LOW_BID_PERCENT_OF_MEAN,
    openTenderThreshold: config.EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN,
  };
}
