import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Where watchers' reads (`join`, `resync`) run: a few at a time, each started on a fresh turn
 * of the event loop. Without it a burst of reads answered from the cache runs back to back in
 * one turn (read, encode, write 30 kB, next), and a bid whose database answer arrived meanwhile
 * waits for the whole burst; with it a bid waits for at most the reads already started.
 */
export class ReadLane {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly concurrency: number) {}

  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      await nextTurn();
      return await read();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  /** Reads started or waiting. */
  get depth(): number {
    return this.running + this.waiting.length;
  }
}
