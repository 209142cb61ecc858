import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue, Worker } from 'bullmq';
import type { AppConfig, Logger } from '@ggzy/common';
import type { QueueBackend, TimedSteps } from '@ggzy/queues';

const WATCHDOG_INTERVAL_MS = 2000;

/** A line's queue of timed steps, as its scheduler holds it. */
export interface TimedLineQueue {
  readonly queue: Queue;
  readonly steps: TimedSteps;
  close(): Promise<void>;
}

export interface TimedLine {
  /** The line's name in log lines. */
  label: string;
  queueName: string;
  sweeperId: string;
  sweepJobName: string;
}

/**
 * How the worker runs one line's timed steps (tenders, procurement): each step a delayed job,
 * rebuilt from PostgreSQL on start and after a Redis flush (the watchdog notices the sweeper's
 * schedule is gone), with a sweeper behind it that acts on anything due by the database's clock.
 * The line's steps lock their project and check its status, so the job, a retry and the sweeper
 * act exactly once between them.
 */
export abstract class TimedLineProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private watchdog?: NodeJS.Timeout;
  /** One watchdog check at a time: a rebuild can outlast its 2-s tick. */
  private checking = false;

  protected constructor(
    private readonly line: TimedLine,
    protected readonly lineQueue: TimedLineQueue,
    private readonly backend: QueueBackend,
    private readonly config: AppConfig,
    protected readonly logger: Logger,
  ) {}

  /** Runs one job of the line's queue (a step or the sweep). */
  abstract process(job: Job): Promise<unknown>;

  /** Adds every pending step from PostgreSQL (TimedSteps.rebuild); returns how many subjects it read. */
  protected abstract rebuildPendingJobs(): Promise<number>;

  /**
   * A sweep's step for each project in turn: one project's failure (a tampered key, say) is
   * logged and retried next sweep, and does not hold up the projects after it.
   */
  protected async eachProject(projectIds: string[], step: (projectId: string) => Promise<unknown>) {
    for (const projectId of projectIds)
      await step(projectId).catch((error) =>
        this.logger.error(
          { err: error, projectId },
          `${this.line.label} step failed in the sweep; retried next sweep`,
        ),
      );
  }

  async onApplicationBootstrap() {
    const rebuilt = await this.rebuildPendingJobs();
    await this.ensureSweeper();
    this.worker = this.backend.createWorker(this.line.queueName, (job) => this.process(job as Job), {
      concurrency: 4,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, job: job?.name, jobId: job?.id }, `${this.line.label} job failed`),
    );
    this.watchdog = setInterval(() => void this.checkQueueIntact(), WATCHDOG_INTERVAL_MS);
    this.logger.info({ rebuilt }, `${this.line.label} steps ready`);
  }

  async onModuleDestroy() {
    clearInterval(this.watchdog);
    await this.worker?.close();
    await this.lineQueue.close();
  }

  private async ensureSweeper() {
    await this.lineQueue.queue.upsertJobScheduler(
      this.line.sweeperId,
      { every: this.config.SWEEP_INTERVAL_MS },
      { name: this.line.sweepJobName, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  private async checkQueueIntact() {
    if (this.checking) return;
    this.checking = true;
    try {
      if (await this.lineQueue.queue.getJobScheduler(this.line.sweeperId)) return;
      const rebuilt = await this.rebuildPendingJobs();
      await this.ensureSweeper();
      this.logger.warn({ rebuilt }, `${this.line.label} queue state was lost; rebuilt jobs from PostgreSQL`);
    } catch (error) {
      this.logger.warn({ err: error }, `${this.line.label} queue check failed; will retry`);
    } finally {
      this.checking = false;
    }
  }
}
