import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  type QueueBackend,
  TENDER_SWEEPER_ID,
  type TenderJob,
  TenderScheduler,
  TENDERS_QUEUE,
  tenderBiddingOpensStep,
  tenderOpeningStep,
} from '@ggzy/queues';
import { TenderContractWatch, TendersService } from '@ggzy/tenders';
import { QUEUE_BACKEND } from './auctions.processor.js';

const WATCHDOG_INTERVAL_MS = 2000;

/**
 * The timed steps of tenders: bidding opens on the day the documents are issued, and the sealed
 * bids are opened at the deadline. Each is a delayed job (rebuilt from PostgreSQL on start and
 * after a Redis flush) with a sweeper behind it that acts on anything due by the database's
 * clock. Every step locks its project and checks its status, so the job, a retry and the sweeper
 * act exactly once between them.
 */
@Injectable()
export class TendersProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private watchdog?: NodeJS.Timeout;
  /** One watchdog check at a time: a rebuild can outlast its 2-s tick. */
  private checking = false;

  constructor(
    private readonly tenders: TendersService,
    private readonly contracts: TenderContractWatch,
    private readonly scheduler: TenderScheduler,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    const rebuilt = await this.rebuildPendingJobs();
    await this.ensureSweeper();
    this.worker = this.backend.createWorker(TENDERS_QUEUE, (job) => this.process(job as Job), {
      concurrency: 4,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, job: job?.name, jobId: job?.id }, 'tender job failed'),
    );
    this.watchdog = setInterval(() => void this.checkQueueIntact(), WATCHDOG_INTERVAL_MS);
    this.logger.info({ rebuilt }, 'tender steps ready');
  }

  async onModuleDestroy() {
    clearInterval(this.watchdog);
    await this.worker?.close();
    await this.scheduler.close();
  }

  private async ensureSweeper() {
    await this.scheduler.queue.upsertJobScheduler(
      TENDER_SWEEPER_ID,
      { every: this.config.SWEEP_INTERVAL_MS },
      { name: 'tender-sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  private async checkQueueIntact() {
    if (this.checking) return;
    this.checking = true;
    try {
      if (await this.scheduler.queue.getJobScheduler(TENDER_SWEEPER_ID)) return;
      const rebuilt = await this.rebuildPendingJobs();
      await this.ensureSweeper();
      this.logger.warn({ rebuilt }, 'tender queue state was lost; rebuilt jobs from PostgreSQL');
    } catch (error) {
      this.logger.warn({ err: error }, 'tender queue check failed; will retry');
    } finally {
      this.checking = false;
    }
  }

  async process(job: Job): Promise<unknown> {
    const { name, data } = job as unknown as TenderJob;
    switch (name) {
      case 'tender-bidding-opens':
        return this.openBidding(data.projectId);
      case 'tender-opening':
        return this.openBids(data.projectId, String(job.id));
      case 'tender-sweep':
        return this.sweep();
    }
  }

  private async openBidding(projectId: string) {
    const opened = await this.tenders.openBidding(projectId);
    if (opened) this.logger.info({ projectId }, 'tender bidding opened');
    return { opened: opened !== null };
  }

  private async openBids(projectId: string, jobId: string) {
    const result = await this.tenders.openBids(projectId, jobId);
    if (result.opened)
      this.logger.info(
        { projectId, validBids: result.validBids, status: result.status },
        'tender bids opened',
      );
    return result;
  }

  private async sweep() {
    const due = await this.tenders.dueWork();
    for (const projectId of due.biddingDue) await this.openBidding(projectId);
    for (const projectId of due.openingDue) await this.openBids(projectId, TENDER_SWEEPER_ID);
    const contractsOverdue = await this.contracts.flagOverdueContracts();
    return { biddingDue: due.biddingDue.length, openingDue: due.openingDue.length, contractsOverdue };
  }

  /** The same paged rebuild as the other lines' (TimedSteps.rebuild). */
  private rebuildPendingJobs(): Promise<number> {
    return this.scheduler.steps.rebuild(
      (afterId, limit) => this.tenders.timedPage(afterId, limit),
      (project) => [
        ...(project.biddingOpensAt ? [tenderBiddingOpensStep(project.id, project.biddingOpensAt)] : []),
        tenderOpeningStep(project.id, project.openingAt),
      ],
    );
  }
}
