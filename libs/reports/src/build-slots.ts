import { DomainError } from '@ggzy/domain';

/**
 * At most `size` pieces of work at once; the next few wait up to `maxWaitMs` for a slot and
 * everyone past that is told to come back (RATE_LIMITED with retryAfterSeconds), so no burst
 * of requests can queue unbounded work on the database.
 */
export class BuildSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly size: number,
    readonly maxWaiting: number,
    readonly maxWaitMs: number,
  ) {}

  get busy(): number {
    return this.running;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.size) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) return Promise.reject(this.busyError());
    return new Promise((resolve, reject) => {
      const take = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(this.busyError());
      }, this.maxWaitMs);
      this.waiting.push(take);
    });
  }

  /** The slot passes straight to the first waiter, so `running` never dips and lets a newcomer in ahead. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }

  private busyError(): DomainError {
    return new DomainError('RATE_LIMITED', 'statistics are being computed for others; try again shortly', {
      retryAfterSeconds: Math.max(1, Math.ceil(this.maxWaitMs / 1000)),
    });
  }
}
