import type { Queue } from 'bullmq';
import { AUCTIONS_QUEUE, closeJobId, openJobId, type AuctionJob } from './auction-jobs.js';
import type { QueueBackend } from './queue-backend.js';
import { type TimedStep, TimedSteps } from './timed-steps.js';

/** An auction's timed step: its open or its close, and when. */
export interface ScheduledAuctionStep {
  name: 'open' | 'close';
  listingId: string;
  at: Date;
}

/** Producers add timed auction steps here; only the worker registers processors. */
export class AuctionScheduler {
  readonly queue: Queue;
  readonly steps: TimedSteps;

  constructor(
    backend: QueueBackend,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = backend.createQueue(AUCTIONS_QUEUE);
    this.steps = new TimedSteps(this.queue, now);
  }

  async scheduleOpen(listingId: string, at: Date): Promise<void> {
    await this.steps.add(auctionStep({ name: 'open', listingId, at }));
  }

  async scheduleClose(listingId: string, endsAt: Date): Promise<void> {
    await this.steps.add(auctionStep({ name: 'close', listingId, at: endsAt }));
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
    const { listingId } = job.data;
    const jobId =
      job.name === 'open'
        ? openJobId(listingId, new Date(job.data.at), retry)
        : closeJobId(listingId, new Date(job.data.endsAt), retry);
    await this.steps.add({ name: job.name, data: { ...job.data, retry }, jobId, runAt });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** An auction step as a timed step: its payload, its deterministic id and its moment. */
export function auctionStep({ name, listingId, at }: ScheduledAuctionStep): TimedStep {
  return name === 'open'
    ? { name, data: { listingId, at: at.toISOString() }, jobId: openJobId(listingId, at), runAt: at }
    : { name, data: { listingId, endsAt: at.toISOString() }, jobId: closeJobId(listingId, at), runAt: at };
}
