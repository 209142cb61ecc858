import type { Queue } from 'bullmq';
import { AUCTIONS_QUEUE, closeJobId, openJobId, type AuctionJob } from './auction-jobs.js';
import type { QueueBackend } from './queue-backend.js';

const KEEP = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

/** Producers add timed auction steps here; only the worker registers processors. */
export class AuctionScheduler {
  readonly queue: Queue;

  constructor(
    backend: QueueBackend,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = backend.createQueue(AUCTIONS_QUEUE);
  }

  async scheduleOpen(listingId: string, at: Date): Promise<void> {
    await this.add({ name: 'open', data: { listingId, at: at.toISOString() } }, openJobId(listingId, at), at);
  }

  /**
   * Tries a step again in `delayMs` (by the database's clock, which found it early); `retry`
   * makes the id new, as the running job still holds the old one.
   */
  async retryEarly(
    job: AuctionJob & { name: 'open' | 'close' },
    retry: number,
    delayMs: number,
  ): Promise<void> {
    const runAt = new Date(this.now() + delayMs);
    if (job.name === 'open') {
      const at = new Date(job.data.at);
      await this.add(
        { name: 'open', data: { ...job.data, retry } },
        openJobId(job.data.listingId, at, retry),
        runAt,
      );
    } else {
      const endsAt = new Date(job.data.endsAt);
      await this.add(
        { name: 'close', data: { ...job.data, retry } },
        closeJobId(job.data.listingId, endsAt, retry),
        runAt,
      );
    }
  }

  async scheduleClose(listingId: string, endsAt: Date): Promise<void> {
    await this.add(
      { name: 'close', data: { listingId, endsAt: endsAt.toISOString() } },
      closeJobId(listingId, endsAt),
      endsAt,
    );
  }

  /** Many steps in one round trip (the worker's rebuild); each keeps its deterministic id. */
  async scheduleMany(steps: { name: 'open' | 'close'; listingId: string; at: Date }[]): Promise<void> {
    if (steps.length === 0) return;
    const now = this.now();
    await this.queue.addBulk(
      steps.map(({ name, listingId, at }) => ({
        name,
        data: name === 'open' ? { listingId, at: at.toISOString() } : { listingId, endsAt: at.toISOString() },
        opts: {
          ...KEEP,
          jobId: name === 'open' ? openJobId(listingId, at) : closeJobId(listingId, at),
          delay: Math.max(0, at.getTime() - now),
        },
      })),
    );
  }

  private async add(job: AuctionJob, jobId: string, runAt: Date): Promise<void> {
    await this.queue.add(job.name, job.data, {
      ...KEEP,
      jobId,
      delay: Math.max(0, runAt.getTime() - this.now()),
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
