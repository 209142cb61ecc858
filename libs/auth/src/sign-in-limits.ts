import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
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
  private readonly failuresByName: RateLimiterAbstract;
  private readonly failuresByAddress: RateLimiterAbstract;
  private readonly delays: RateLimiterAbstract;
  private readonly registrations: RateLimiterAbstract;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    dataSource: DataSource,
  ) {
    const prefix = `${config.QUEUE_PREFIX}-signin`;
    if (config.REDIS_URL) {
      this.redis = new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      this.redis.on('error', () => {});
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
            storeClient: (dataSource.driver as unknown as { master: unknown }).master,
            storeType: 'pool',
            tableName: 'sign_in_limits',
            tableCreated: true,
          });
    };
    this.failuresByName = make('name', Number.MAX_SAFE_INTEGER, DAY_SECONDS);
    this.failuresByAddress = make('address', Number.MAX_SAFE_INTEGER, DAY_SECONDS);
    this.delays = make('delay', DELAYED, 1);
    this.registrations = make('register', config.REGISTRATIONS_PER_ADDRESS_PER_HOUR, 3600);
  }

  /** Refuses with RATE_LIMITED while either the name at this address or the address waits. */
  async assertMayTry(username: string, address: string): Promise<void> {
    const [byName, byAddress] = await Promise.all([
      this.delays.get(nameKey(username, address)),
      this.delays.get(addressKey(address)),
    ]);
    const waitMs = Math.max(remainingDelayMs(byName), remainingDelayMs(byAddress));
    if (waitMs > 0) throw tooMany(waitMs, 'too many wrong passwords; wait before trying again');
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const policy = {
      firstDelaySeconds: this.config.SIGN_IN_FIRST_DELAY_SECONDS,
      maxDelaySeconds: this.config.SIGN_IN_MAX_DELAY_SECONDS,
    };
    const [byName, byAddress] = await Promise.all([
      this.failuresByName.consume(nameKey(username, address)),
      this.failuresByAddress.consume(addressKey(address)),
    ]);
    const delays = [
      [
        nameKey(username, address),
        signInDelaySeconds(byName.consumedPoints, {
          ...policy,
          freeFailures: this.config.SIGN_IN_FREE_FAILURES,
        }),
      ],
      [
        addressKey(address),
        signInDelaySeconds(byAddress.consumedPoints, {
          ...policy,
          freeFailures: this.config.SIGN_IN_FREE_FAILURES_PER_ADDRESS,
        }),
      ],
    ] as const;
    await Promise.all(
      delays.filter(([, seconds]) => seconds > 0).map(([key, seconds]) => this.delays.block(key, seconds)),
    );
  }

  /** The right password forgets this name's failures here; the address's count stays. */
  async recordSuccess(username: string, address: string): Promise<void> {
    await this.failuresByName.delete(nameKey(username, address));
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
