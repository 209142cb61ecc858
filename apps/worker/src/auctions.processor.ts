import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { AuctionLifecycleService, type CloseResult, type OpenResult } from '@ggzy/auction';
import { APP_CONFIG, type AppConfig, KeyedBatches, LOGGER, type Logger } from '@ggzy/common';
import { nextAuctionStatus, statusesAllowing } from '@ggzy/domain';
import { AuctionsRepository } from '@ggzy/persistence';
import {
  AlertQueue,
  AUCTIONS_QUEUE,
  AuctionScheduler,
  auctionStep,
  type AuctionJob,
  type QueueBackend,
  MAX_EARLY_RETRIES,
  SWEEPER_ID,
} from '@ggzy/queues';

export const QUEUE_BACKEND = Symbol('QUEUE_BACKEND');
const FAILING_ALONE_MS = 60_000;
const MAX_FAILING_ALONE = 10_000;
const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
const WATCHDOG_INTERVAL_MS = 2000;
const SWEEP_GRACE_MS = 1000;

/**
 * Runs the timed steps. Every step locks its auction and is idempotent, so a job that runs
 * twice, late, or after the sweeper already acted has no second effect. Which auctions a step
 * applies to is the lifecycle table's answer, never a status written here.
 */
@Injectable()
export class AuctionsProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private watchdog?: NodeJS.Timeout;
  /**
   * Closes due together are done together: the close jobs that arrive while a lane's batch is
   * in its transaction wait and go as the next batch, one transaction for all of them.
   */
  private readonly closes: KeyedBatches<string, CloseResult>;
  /** Openings due together, likewise (an open asks no host: only the database can fail it). */
  private readonly opens: KeyedBatches<string, OpenResult>;
  /**
   * Auctions whose close failed on its own (a host refusing), until when: closed apart from the
   * batches meanwhile, so one that keeps failing (the sweeper offers it every pass) does not
   * roll back every batch it joins.
   */
  private readonly failingAlone = new Map<string, number>();

  constructor(
    private readonly lifecycle: AuctionLifecycleService,
    private readonly auctions: AuctionsRepository,
    private readonly scheduler: AuctionScheduler,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    /** Early warning runs its rules over each closed auction's process (optional: unit tests leave it out). */
    @Optional() private readonly alertQueue?: AlertQueue,
  ) {
    this.closes = new KeyedBatches(
      (_lane, auctionIds) => this.closeBatch(auctionIds),
      config.CLOSE_BATCH_SIZE,
    );
    this.opens = new KeyedBatches(async (_lane, auctionIds) => {
      const results = await this.lifecycle.openMany(auctionIds);
      return auctionIds.map((id) => results.get(id)!);
    }, config.CLOSE_BATCH_SIZE);
  }

  async onApplicationBootstrap() {
    // PostgreSQL is the source of truth: rebuild every pending job before taking work.
    const rebuildStarted = performance.now();
    const rebuilt = await this.rebuildPendingJobs();
    const rebuildMs = Math.round(performance.now() - rebuildStarted);
    await this.ensureSweeper();
    this.worker = this.backend.createWorker(AUCTIONS_QUEUE, (job) => this.process(job as Job), {
      concurrency: this.config.CLOSE_CONCURRENCY,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, job: job?.name, jobId: job?.id }, 'job failed'),
    );
    // A flushed Redis takes the sweeper and every delayed job with it: notice, and rebuild.
    this.watchdog = setInterval(() => void this.checkQueueIntact(), WATCHDOG_INTERVAL_MS);
    this.logger.info(
      {
        rebuilt,
        rebuildMs,
        queue: this.backend.kind,
        sweepEveryMs: this.config.SWEEP_INTERVAL_MS,
        node: process.version,
      },
      'worker ready',
    );
  }

  private async ensureSweeper() {
    await this.scheduler.queue.upsertJobScheduler(
      SWEEPER_ID,
      { every: this.config.SWEEP_INTERVAL_MS },
      { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  /** One watchdog check at a time: a rebuild of 100,000 outlasts many of its 2-s ticks. */
  private checking = false;

  private async checkQueueIntact() {
    if (this.checking) return;
    this.checking = true;
    try {
      if (await this.scheduler.queue.getJobScheduler(SWEEPER_ID)) return;
      const rebuildStarted = performance.now();
      const rebuilt = await this.rebuildPendingJobs();
      await this.ensureSweeper();
      this.logger.warn(
        { rebuilt, rebuildMs: Math.round(performance.now() - rebuildStarted) },
        'queue state was lost (Redis flushed?); rebuilt jobs from PostgreSQL',
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'queue check failed; will retry');
    } finally {
      this.checking = false;
    }
  }

  async onModuleDestroy() {
    clearInterval(this.watchdog);
    // Let in-flight steps finish; their transactions are short.
    await this.worker?.close();
    await this.scheduler.close();
    this.logger.info('worker stopped; in-flight jobs finished');
  }

  async process(job: Job): Promise<unknown> {
    const { name, data } = job as unknown as AuctionJob;
    switch (name) {
      case 'open':
        return this.open(data.listingId, { name, data } as AuctionJob & { name: 'open' });
      case 'close':
        return this.close(data.listingId, { name, data } as AuctionJob & { name: 'close' });
      case 'sweep':
        return this.sweep();
    }
  }

  private async open(listingId: string, job?: AuctionJob & { name: 'open' }) {
    const result = await this.opens.submit(this.laneOf(listingId), listingId);
    if (result.opened) this.logger.info({ listingId, endsAt: result.endsAt }, 'bidding opened');
    else if (result.dueInMs !== undefined && job) await this.retryEarly(job, result.dueInMs);
    // The close job is normally there already; re-adding with its deterministic id is harmless.
    if (result.endsAt) await this.scheduler.scheduleClose(listingId, result.endsAt);
    return result;
  }

  private laneOf(auctionId: string): string {
    return String(Number.parseInt(auctionId.slice(0, 8), 16) % this.config.CLOSE_BATCH_LANES);
  }

  /** A batch in one transaction; if it fails, each auction alone, so a failure stays its own. */
  private async closeBatch(auctionIds: string[]): Promise<(CloseResult | Error)[]> {
    try {
      const results = await this.lifecycle.closeMany(auctionIds);
      return auctionIds.map((id) => results.get(id)!);
    } catch (error) {
      if (auctionIds.length === 1) {
        this.markFailing(auctionIds[0]);
        throw error;
      }
      this.logger.warn(
        { err: error, auctions: auctionIds.length },
        'a close batch failed; closing its auctions one by one',
      );
      const results: (CloseResult | Error)[] = [];
      for (const id of auctionIds) results.push(await this.closeAlone(id).catch(asError));
      return results;
    }
  }

  /** One auction in a transaction of its own; a failure keeps it out of the batches for a while. */
  private async closeAlone(auctionId: string): Promise<CloseResult> {
    try {
      const result = await this.lifecycle.close(auctionId);
      this.failingAlone.delete(auctionId);
      return result;
    } catch (error) {
      this.markFailing(auctionId);
      throw error;
    }
  }

  private markFailing(auctionId: string) {
    this.failingAlone.delete(auctionId);
    this.failingAlone.set(auctionId, Date.now() + FAILING_ALONE_MS);
    // Bounded: the oldest go back to the batches first.
    if (this.failingAlone.size > MAX_FAILING_ALONE)
      this.failingAlone.delete(this.failingAlone.keys().next().value!);
  }

  private async close(listingId: string, job?: AuctionJob & { name: 'close' }) {
    const apart = (this.failingAlone.get(listingId) ?? 0) > Date.now();
    const result = apart
      ? await this.closeAlone(listingId)
      : await this.closes.submit(this.laneOf(listingId), listingId);
    if (result.closed) {
      this.logger.info(
        {
          listingId,
          status: result.status,
          closedAt: result.closedAt,
          lagMs: Date.now() - result.closedAt.getTime(),
        },
        'auction closed',
      );
      // Off the close's transaction: a lost job is caught by the early-warning sweep.
      await this.alertQueue
        ?.enqueueAuctionClosed(listingId)
        .catch((error: unknown) =>
          this.logger.warn({ err: error, listingId }, 'early-warning run not queued'),
        );
    } else if (result.reason === 'not_due') {
      if (job && result.endsAt.getTime() === Date.parse(job.data.endsAt)) {
        // The end did not move: this worker's clock ran ahead of the database's.
        await this.retryEarly(job, result.dueInMs);
      } else {
        // A countdown bid moved the end: follow it.
        await this.scheduler.scheduleClose(listingId, result.endsAt);
      }
    }
    return result;
  }

  private async retryEarly(job: AuctionJob & { name: 'open' | 'close' }, dueInMs: number) {
    const retry = (job.data.retry ?? 0) + 1;
    if (retry > MAX_EARLY_RETRIES) return; // the sweeper takes it from here
    this.logger.warn(
      { job: job.name, listingId: job.data.listingId, dueInMs, retry },
      'step ran early by the database clock; retrying',
    );
    // A millisecond past the database's due time, so the retry is not early again.
    await this.scheduler.retryEarly(job, retry, dueInMs + 1);
  }

  /** Catches anything a lost job or a flushed Redis left overdue. */
  private async sweep() {
    // A grace period leaves on-time work to the delayed jobs; the sweeper is for lost ones.
    const overdue = await this.auctions.findOverdue(SWEEP_GRACE_MS, {
      closable: statusesAllowing('close_sold'),
      openable: statusesAllowing('open'),
    });
    // All at once, so they share batches. One auction that cannot close (its host refusing)
    // must not hold back the other closes or any opening.
    const closes = await Promise.allSettled(
      overdue.filter((auction) => auction.closeDue).map((auction) => this.close(auction.id)),
    );
    const opens = await Promise.allSettled(
      overdue.filter((auction) => !auction.closeDue).map((auction) => this.open(auction.id)),
    );
    const failed = [...closes, ...opens].filter((result) => result.status === 'rejected');
    if (failed.length > 0)
      this.logger.error(
        { err: (failed[0] as PromiseRejectedResult).reason, failed: failed.length },
        'the sweeper could not close or open some overdue auctions; it tries again next pass',
      );
    return { overdue: overdue.length };
  }

  /** A page at a time (TimedSteps.rebuild): bounded memory at 100,000 (BENCHMARKS.md). */
  private rebuildPendingJobs(): Promise<number> {
    // Live: whatever can still close (announced or bidding).
    const live = statusesAllowing('close_sold');
    return this.scheduler.steps.rebuild(
      (afterId, limit) => this.auctions.findScheduledPage(live, afterId, limit),
      (auction) => [
        ...(nextAuctionStatus(auction.status, 'open')
          ? [auctionStep({ name: 'open', listingId: auction.id, at: auction.biddingStartsAt })]
          : []),
        auctionStep({ name: 'close', listingId: auction.id, at: auction.endsAt }),
      ],
    );
  }
}
