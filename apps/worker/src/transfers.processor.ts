import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  disclosureEndStep,
  type QueueBackend,
  TRANSFER_SWEEPER_ID,
  type TransferJob,
  TransferScheduler,
  TRANSFERS_QUEUE,
} from '@ggzy/queues';
import { TransfersService } from '@ggzy/transfers';
import { QUEUE_BACKEND } from './auctions.processor.js';

const WATCHDOG_INTERVAL_MS = 2000;

/**
 * The timed steps of transfers: the end of each disclosure (a delayed job at 24:00 CENTRE_TZ of
 * its last day, rebuilt from PostgreSQL on start) and a sweeper that decides any disclosure
 * whose job was lost or ran early by the database's clock, and defaults a confirmed project
 * unsigned after its contract deadline. Every step locks its project and is keyed on the
 * period it decides, so the job, a retry and the sweeper act exactly once between them.
 */
@Injectable()
export class TransfersProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private watchdog?: NodeJS.Timeout;

  constructor(
    private readonly transfers: TransfersService,
    private readonly scheduler: TransferScheduler,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    const rebuilt = await this.rebuildPendingJobs();
    await this.ensureSweeper();
    this.worker = this.backend.createWorker(TRANSFERS_QUEUE, (job) => this.process(job as Job), {
      concurrency: 4,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, job: job?.name, jobId: job?.id }, 'transfer job failed'),
    );
    this.watchdog = setInterval(() => void this.checkQueueIntact(), WATCHDOG_INTERVAL_MS);
    this.logger.info({ rebuilt }, 'transfer steps ready');
  }

  async onModuleDestroy() {
    clearInterval(this.watchdog);
    await this.worker?.close();
    await this.scheduler.close();
  }

  private async ensureSweeper() {
    await this.scheduler.queue.upsertJobScheduler(
      TRANSFER_SWEEPER_ID,
      { every: this.config.SWEEP_INTERVAL_MS },
      { name: 'transfer-sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  /** One watchdog check at a time: a rebuild of 100,000 outlasts many of its 2-s ticks. */
  private checking = false;

  private async checkQueueIntact() {
    if (this.checking) return;
    this.checking = true;
    try {
      if (await this.scheduler.queue.getJobScheduler(TRANSFER_SWEEPER_ID)) return;
      const rebuilt = await this.rebuildPendingJobs();
      await this.ensureSweeper();
      this.logger.warn({ rebuilt }, 'transfer queue state was lost; rebuilt jobs from PostgreSQL');
    } catch (error) {
      this.logger.warn({ err: error }, 'transfer queue check failed; will retry');
    } finally {
      this.checking = false;
    }
  }

  async process(job: Job): Promise<unknown> {
    const { name, data } = job as unknown as TransferJob;
    switch (name) {
      case 'transfer-disclosure-end':
        return this.decide(data.projectId);
      case 'transfer-sweep':
        return this.sweep();
    }
  }

  private async decide(projectId: string) {
    const result = await this.transfers.decideEndOfDisclosure(projectId);
    if (result.decided) this.logger.info({ projectId, action: result.action }, 'end of disclosure decided');
    // Early by the database's clock: the sweeper decides it once the day is over there.
    return result;
  }

  private async sweep() {
    const due = await this.transfers.dueWork();
    for (const projectId of due.disclosureEnded) await this.decide(projectId);
    for (const projectId of due.contractOverdue)
      if (await this.transfers.defaultIfContractOverdue(projectId))
        this.logger.info({ projectId }, 'contract deadline passed unsigned: defaulted');
    return { disclosureEnded: due.disclosureEnded.length, contractOverdue: due.contractOverdue.length };
  }

  /** The same paged rebuild as the auctions' (TimedSteps.rebuild). */
  private rebuildPendingJobs(): Promise<number> {
    return this.scheduler.steps.rebuild(
      (afterId, limit) => this.transfers.disclosingPage(afterId, limit),
      (project) => [disclosureEndStep(project.id, project.endsAt)],
    );
  }
}
