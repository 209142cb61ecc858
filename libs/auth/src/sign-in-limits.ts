import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Pool } from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { DomainError, signInDelaySeconds } from '@ggzy/domain';

const DAY_SECONDS = 24 * 3600;
/** A key whose delay is set holds this many points; anything above 1 means "wait". */
const DELAYED = 1;
/** How long an unfinished attempt holds its name (a process that dies mid-check frees it then). */
const IN_FLIGHT_SECONDS = 30;
/** The single-machine store's table (rate-limiter-flexible's layout: key, points, expire in ms). */
const TABLE = 'sign_in_limits';

/**
 * Takes ARGV[1] points off a counter, at most as many as it holds: never below zero, and an
 * absent (expired) counter stays absent. One script, so no failure counted meanwhile is lost.
 * DECRBY keeps the key's expiry.
 */
const CREDIT_LUA = `
local held = tonumber(redis.call('get', KEYS[1]) or '0')
local credit = math.min(held, tonumber(ARGV[1]))
if credit > 0 then redis.call('decrby', KEYS[1], credit) end
return credit`;

/** The same in one statement for the PostgreSQL store; an expired row counts as zero. */
const CREDIT_SQL = `UPDATE ${TABLE} SET points = GREATEST(points - $2, 0)
  WHERE key = $1 AND points > 0 AND (expire IS NULL OR expire > $3)`;

/**
 * Counts failed sign-ins (never successes) per username+address and per address, and turns
 * them into growing delays instead of a lock-out: a rival's wrong guesses from elsewhere never
 * stop the right password from a clean address. Registrations are limited per address.
 *
 * The counters live where every api instance sees them and a restart keeps them: in Redis,
 * or in single-machine mode in PostgreSQL (rate-limiter-flexible's store, table
 * `sign_in_limits`) — the memory store would be neither shared nor restart-proof.
 */
@Injectable()
export class SignInLimits implements OnModuleDestroy {
  private readonly redis?: Redis;
  private readonly pool?: Pool;
  private readonly failuresByName: RateLimiterAbstract;
  private readonly failuresByAddress: RateLimiterAbstract;
  private readonly delays: RateLimiterAbstract;
  private readonly inFlight: RateLimiterAbstract;
  private readonly registrations: RateLimiterAbstract;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    dataSource: DataSource,
  ) {
    const prefix = `${config.QUEUE_PREFIX}-signin`;
    if (config.REDIS_URL) {
      this.redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      this.redis.on('error', () => {});
    } else {
      // rate-limiter-flexible's PostgreSQL store queries TypeORM's pool directly; so does `credit`.
      this.pool = (dataSource.driver as unknown as { master: Pool }).master;
    }
    const make = (name: string, points: number, duration: number): RateLimiterAbstract => {
      const options = { keyPrefix: `${prefix}-${name}`, points, duration };
      return this.redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: this.redis,
            // While Redis is unreachable each process limits on its own rather than not at all.
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterPostgres({
            ...options,
            storeClient: this.pool,
            storeType: 'pool',
            tableName: TABLE,
            tableCreated: true,
          });
    };
    this.failuresByName = make('name', Number.MAX_SAFE_INTEGER, DAY_SECONDS);
    this.failuresByAddress = make('address', Number.MAX_SAFE_INTEGER, DAY_SECONDS);
    this.delays = make('delay', DELAYED, 1);
    this.inFlight = make('inflight', 1, IN_FLIGHT_SECONDS);
    this.registrations = make('register', config.REGISTRATIONS_PER_ADDRESS_PER_HOUR, 3600);
  }

  /**
   * Starts a sign-in: refused with RATE_LIMITED while the name at this address or the address
   * waits, or while another attempt for this name from this address is still being checked.
   * One at a time per name and address means guesses sent in parallel cannot all be checked
   * before the first verdict counts; a person signing in never sends two at once.
   */
  async begin(username: string, address: string): Promise<SignInAttempt> {
    const attempt = { name: nameKey(username, address), address: addressKey(address) };
    const [delayByName, delayByAddress] = await Promise.all([
      this.delays.get(attempt.name),
      this.delays.get(attempt.address),
    ]);
    const waitMs = Math.max(remainingDelayMs(delayByName), remainingDelayMs(delayByAddress));
    if (waitMs > 0) throw tooMany(waitMs, 'too many wrong passwords; wait before trying again');
    try {
      await this.inFlight.consume(attempt.name);
    } catch (error) {
      if (error instanceof RateLimiterRes)
        throw tooMany(1000, 'a sign-in for this name is already being checked; try again in a moment');
      throw error;
    }
    return attempt;
  }

  /** The password was wrong: the failure counts, and the counts set the delays. */
  async failed(attempt: SignInAttempt): Promise<void> {
    try {
      const [byName, byAddress] = await Promise.all([
        this.failuresByName.consume(attempt.name),
        this.failuresByAddress.consume(attempt.address),
      ]);
      const delays = [
        [attempt.name, signInDelaySeconds(byName.consumedPoints, this.policy('name'))],
        [attempt.address, signInDelaySeconds(byAddress.consumedPoints, this.policy('address'))],
      ] as const;
      await Promise.all(
        delays.filter(([, seconds]) => seconds > 0).map(([key, seconds]) => this.delays.block(key, seconds)),
      );
    } finally {
      await this.inFlight.delete(attempt.name);
    }
  }

  /**
   * The right password forgets this name's failures here, and takes them off the address's
   * count too: a hall where bidders mistype and then sign in never piles failures up against
   * its address, while guesses at other names from the same address stay counted. Never more
   * than the address holds: its day-long count may have run out before the name's, and a
   * count below zero would be free guesses at other names.
   */
  async succeeded(attempt: SignInAttempt): Promise<void> {
    try {
      const byName = await this.failuresByName.get(attempt.name);
      const failures = byName?.consumedPoints ?? 0;
      await Promise.all([
        this.failuresByName.delete(attempt.name),
        failures > 0 ? this.credit(this.failuresByAddress, attempt.address, failures) : undefined,
      ]);
    } finally {
      await this.inFlight.delete(attempt.name);
    }
  }

  /**
   * Takes up to `points` off `limiter`'s count for `key`, atomically, never below zero (the
   * library's `reward` would go negative, and create a negative count where none is).
   * While Redis is unreachable nothing is credited: the address keeps its failures.
   */
  private async credit(limiter: RateLimiterAbstract, key: string, points: number): Promise<void> {
    const stored = limiter.getKey(key);
    if (this.redis) await this.redis.eval(CREDIT_LUA, 1, stored, points).catch(() => undefined);
    else await this.pool!.query(CREDIT_SQL, [stored, points, Date.now()]);
  }

  /** No verdict (the database failed): nothing counts, and the name is free again. */
  async abandoned(attempt: SignInAttempt): Promise<void> {
    await this.inFlight.delete(attempt.name);
  }

  private policy(kind: 'name' | 'address') {
    return {
      firstDelaySeconds: this.config.SIGN_IN_FIRST_DELAY_SECONDS,
      maxDelaySeconds: this.config.SIGN_IN_MAX_DELAY_SECONDS,
      freeFailures:
        kind === 'name' ? this.config.SIGN_IN_FREE_FAILURES : this.config.SIGN_IN_FREE_FAILURES_PER_ADDRESS,
    };
  }

  async countRegistration(address: string): Promise<void> {
    try {
      await this.registrations.consume(addressKey(address));
    } catch (error) {
      if (error instanceof RateLimiterRes)
        throw tooMany(error.msBeforeNext, 'too many registrations from this address; try later');
      throw error;
    }
  }

  async onModuleDestroy() {
    this.redis?.disconnect();
  }
}

/** The keys one sign-in attempt is counted under. */
export interface SignInAttempt {
  name: string;
  address: string;
}

const nameKey = (username: string, address: string) => `${username.toLowerCase()}@${address}`;
const addressKey = (address: string) => address;

function remainingDelayMs(result: RateLimiterRes | null): number {
  return result && result.consumedPoints > DELAYED ? result.msBeforeNext : 0;
}

function tooMany(waitMs: number, message: string): DomainError {
  return new DomainError('RATE_LIMITED', message, {
    retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
  });
}
