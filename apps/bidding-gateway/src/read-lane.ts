import { setImmediate as nextTurn } from 'node:timers/promises';
import { DomainError } from '@ggzy/domain';

/** Reads that may wait for the lane before newcomers are told to come back. */
export const READS_WAITING_AT_MOST = 500;
/** What a refusal for a full lane asks the client to wait. */
const FULL_RETRY_AFTER_MS = 1000;

export interface ReadOptions {
  /** Signed-in users' reads go before anonymous ones. */
  priority: boolean;
  /** Checked when the read's turn comes: a read for a socket that is gone is not done. */
  gone: () => boolean;
}

/**
 * Where watchers' reads (`join`, `resync`) run: a few at a time, each started on a fresh turn
 * of the event loop. Without it a burst of reads answered from the cache runs back to back in
 * one turn (read, encode, write 30 kB, next), and a bid whose database answer arrived meanwhile
 * waits for the whole burst; with it a bid waits for at most the reads already started. The
 * queue is bounded, signed-in users' reads are served first, and reads for sockets that left
 * are dropped.
 */
export class ReadLane {
  private running = 0;
  private readonly first: (() => void)[] = [];
  private readonly rest: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(read: () => Promise<T>, options: ReadOptions): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.first.length + this.rest.length >= READS_WAITING_AT_MOST)
        throw new DomainError('RATE_LIMITED', 'the gateway is busy; try again shortly', {
          retryAfterMs: FULL_RETRY_AFTER_MS,
        });
      await new Promise<void>((resolve) => (options.priority ? this.first : this.rest).push(resolve));
    } else this.running += 1;
    try {
      await nextTurn();
      if (options.gone()) throw new DomainError('VALIDATION_FAILED', 'the socket left before its read');
      return await read();
    } finally {
      const next = this.first.shift() ?? this.rest.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** Reads started or waiting. */
  get depth(): number {
    return this.running + this.first.length + this.rest.length;
  }
}
