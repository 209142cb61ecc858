import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Job } from 'bullmq';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  PROCUREMENT_QUEUE,
  PROCUREMENT_SWEEPER_ID,
  type ProcurementJob,
  ProcurementScheduler,
  procurementDocumentsIssuedStep,
  procurementOpeningStep,
  type QueueBackend,
  AlertQueue,
} from '@ggzy/queues';
import { ProcurementContractWatch, ProcurementService } from '@ggzy/procurement';
import { QUEUE_BACKEND } from './auctions.processor.js';
import { TimedLineProcessor } from './timed-line.processor.js';

/**
 * The timed steps of government procurement: responses open on the day the documents are issued,
 * the sealed responses are opened at the deadline, and a contract unsigned 30 days after the
 * award notice is alerted once (TimedLineProcessor runs the queue).
 */
@Injectable()
export class ProcurementProcessor extends TimedLineProcessor {
  constructor(
    private readonly procurement: ProcurementService,
    private readonly contracts: ProcurementContractWatch,
    scheduler: ProcurementScheduler,
    @Inject(QUEUE_BACKEND) backend: QueueBackend,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    /** Early warning runs its rules once the bids are open (the sweep catches a lost job). */
    @Optional() private readonly alertQueue?: AlertQueue,
  ) {
    super(
      {
        label: 'procurement',
        queueName: PROCUREMENT_QUEUE,
        sweeperId: PROCUREMENT_SWEEPER_ID,
        sweepJobName: 'procurement-sweep',
      },
      scheduler,
      backend,
      config,
      logger,
    );
  }

  async process(job: Job): Promise<unknown> {
    const { name, data } = job as unknown as ProcurementJob;
    switch (name) {
      case 'procurement-documents-issued':
        return this.issueDocuments(data.projectId);
      case 'procurement-opening':
        return this.openResponses(data.projectId, String(job.id));
      case 'procurement-sweep':
        return this.sweep();
    }
  }

  private async issueDocuments(projectId: string) {
    const issued = await this.procurement.issueDocuments(projectId);
    if (issued) this.logger.info({ projectId }, 'procurement documents issued');
    return { issued: issued !== null };
  }

  private async openResponses(projectId: string, jobId: string) {
    const result = await this.procurement.openResponses(projectId, jobId);
    if (result.opened)
      this.logger.info(
        { projectId, validResponses: result.validResponses, status: result.status },
        'procurement responses opened',
      );
    if (result.opened)
      await this.alertQueue
        ?.enqueueDetect('procurement_project', projectId)
        .catch((error: unknown) =>
          this.logger.warn({ err: error, projectId }, 'early-warning run not queued'),
        );
    return result;
  }

  private async sweep() {
    const due = await this.procurement.dueWork();
    await this.eachProject(due.documentsDue, (projectId) => this.issueDocuments(projectId));
    await this.eachProject(due.openingDue, (projectId) =>
      this.openResponses(projectId, PROCUREMENT_SWEEPER_ID),
    );
    const contractsOverdue = await this.contracts.flagOverdueContracts();
    // 政府采购法 第57条: a suspension ends within 30 days — the worker resumes one the supervisor did not.
    const resumedAtCap = await this.procurement.resumeSuspensionsPastCap();
    if (resumedAtCap.length > 0)
      this.logger.info({ projectIds: resumedAtCap }, 'procurement suspensions ended at the cap');
    return {
      documentsDue: due.documentsDue.length,
      openingDue: due.openingDue.length,
      contractsOverdue,
      resumedAtCap: resumedAtCap.length,
    };
  }

  protected rebuildPendingJobs(): Promise<number> {
    return this.lineQueue.steps.rebuild(
      (afterId, limit) => this.procurement.timedPage(afterId, limit),
      (project) => [
        ...(project.documentsIssuedAt
          ? [procurementDocumentsIssuedStep(project.id, project.documentsIssuedAt)]
          : []),
        procurementOpeningStep(project.id, project.openingAt),
      ],
    );
  }
}
