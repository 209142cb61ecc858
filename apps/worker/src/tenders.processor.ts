import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  type QueueBackend,
  TENDER_SWEEPER_ID,
  type TenderJob,
  TenderScheduler,
  TENDERS_QUEUE,
  tenderBiddingOpensStep,
  tenderOpeningStep,
  AlertQueue,
} from '@ggzy/queues';
import { TenderContractWatch, TendersService } from '@ggzy/tenders';
import { QUEUE_BACKEND } from './auctions.processor.js';
import { TimedLineProcessor } from './timed-line.processor.js';

/**
 * The timed steps of tenders: bidding opens on the day the documents are issued, and the sealed
 * bids are opened at the deadline (TimedLineProcessor runs the queue).
 */
@Injectable()
export class TendersProcessor extends TimedLineProcessor {
  constructor(
    private readonly tenders: TendersService,
    private readonly contracts: TenderContractWatch,
    scheduler: TenderScheduler,
    @Inject(QUEUE_BACKEND) backend: QueueBackend,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    /** Early warning runs its rules once the bids are open (the sweep catches a lost job). */
    @Optional() private readonly alertQueue?: AlertQueue,
  ) {
    super(
      {
        label: 'tender',
        queueName: TENDERS_QUEUE,
        sweeperId: TENDER_SWEEPER_ID,
        sweepJobName: 'tender-sweep',
      },
      scheduler,
      backend,
      config,
      logger,
    );
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
    if (result.opened)
      await this.alertQueue
        ?.enqueueDetect('tender_project', projectId)
        .catch((error: unknown) =>
          this.logger.warn({ err: error, projectId }, 'early-warning run not queued'),
        );
    return result;
  }

  private async sweep() {
    const due = await this.tenders.dueWork();
    await this.eachProject(due.biddingDue, (projectId) => this.openBidding(projectId));
    await this.eachProject(due.openingDue, (projectId) => this.openBids(projectId, TENDER_SWEEPER_ID));
    const contractsOverdue = await this.contracts.flagOverdueContracts();
    return { biddingDue: due.biddingDue.length, openingDue: due.openingDue.length, contractsOverdue };
  }

  protected rebuildPendingJobs(): Promise<number> {
    return this.lineQueue.steps.rebuild(
      (afterId, limit) => this.tenders.timedPage(afterId, limit),
      (project) => [
        ...(project.biddingOpensAt ? [tenderBiddingOpensStep(project.id, project.biddingOpensAt)] : []),
        tenderOpeningStep(project.id, project.openingAt),
      ],
    );
  }
}
