import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  type QueueBackend,
  PROCUREMENT_SWEEPER_ID,
  type ProcurementJob,
  ProcurementScheduler,
  PROCUREMENT_QUEUE,
  procurementDocumentsIssuedStep,
  procurementOpeningStep,
} from '@ggzy/queues';
import { ProcurementService } from '@ggzy/procurement';
import { QUEUE_BACKEND } from './auctions.processor.js';

const WATCHDOG_INTERVAL_MS = 2000;

/**
 * The timed steps of government procurement: responses open on the day the documents are issued,
 * and the sealed responses are opened at the deadline. Each is a delayed job (rebuilt from PostgreSQL on start and
 * after a Redis flush) with a sweeper behind it that acts on anything due by the database's
 * clock. Every step locks its project and checks its status, so the job, a retry and the sweeper
 * act exactly once between them.
 */
@Injectable()
export class ProcurementProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private watchdog?: NodeJS.Timeout;
  /** One watchdog check at a time: a rebuild can outlast its 2-s tick. */
  private checking = false;

  constructor(
    private readonly procurement: ProcurementService,
    private readonly scheduler: ProcurementScheduler,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    const rebuilt = await this.rebuildPendingJobs();
    await this.ensureSweeper();
    this.worker = this.backend.createWorker(PROCUREMENT_QUEUE, (job) => this.process(job as Job), {
      concurrency: 4,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, job: job?.name, jobId: job?.id }, 'procurement job failed'),
    );
    this.watchdog = setInterval(() => void this.checkQueueIntact(), WATCHDOG_INTERVAL_MS);
    this.logger.info({ rebuilt }, 'procurement steps ready');
  }

  async onModuleDestroy() {
    clearInterval(this.watchdog);
    await this.worker?.close();
    await this.scheduler.close();
  }

  private async ensureSweeper() {
    await this.scheduler.queue.upsertJobScheduler(
      PROCUREMENT_SWEEPER_ID,
      { every: this.config.SWEEP_INTERVAL_MS },
      { name: 'procurement-sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } },
    );
  }

  private async checkQueueIntact() {
    if (this.checking) return;
    this.checking = true;
    try {
      if (await this.scheduler.queue.getJobScheduler(PROCUREMENT_SWEEPER_ID)) return;
      const rebuilt = await this.rebuildPendingJobs();
      await this.ensureSweeper();
      this.logger.warn({ rebuilt }, 'procurement queue state was lost; rebuilt jobs from PostgreSQL');
    } catch (error) {
      this.logger.warn({ err: error }, 'procurement queue check failed; will retry');
    } finally {
      this.checking = false;
    }
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
    return result;
  }

  private async sweep() {
    const due = await this.procurement.dueWork();
    for (const projectId of due.documentsDue) await this.issueDocuments(projectId);
    for (const projectId of due.openingDue) await this.openResponses(projectId, PROCUREMENT_SWEEPER_ID);
    return { documentsDue: due.documentsDue.length, openingDue: due.openingDue.length };
  }

  /** The same paged rebuild as the other lines' (TimedSteps.rebuild). */
  private rebuildPendingJobs(): Promise<number> {
    return this.scheduler.steps.rebuild(
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
