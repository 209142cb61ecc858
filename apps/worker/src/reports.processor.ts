import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type Job, UnrecoverableError, type Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import { ReportsRepository } from '@ggzy/persistence';
import {
  type QueueBackend,
  type ReportJob,
  ReportQueue,
  REPORTS_QUEUE,
  REPORTS_SCHEDULE_PATTERN,
  REPORTS_SCHEDULER_ID,
} from '@ggzy/queues';
import { ReportBuilder, ReportsService } from '@ggzy/reports';
import { QUEUE_BACKEND } from './auctions.processor.js';

const WATCHDOG_INTERVAL_MS = 5000;

/**
 * Builds reports. The row in `reports` is the truth: a build that runs twice (a retry, a
 * worker killed mid-report and the job taken over) starts over and writes the same result.
 */
@Injectable()
export class ReportsProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private watchdog?: NodeJS.Timeout;

  constructor(
    private readonly reports: ReportsRepository,
    private readonly builder: ReportBuilder,
    private readonly service: ReportsService,
    private readonly queue: ReportQueue,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    const rebuilt = await this.rebuild();
    this.worker = this.backend.createWorker(REPORTS_QUEUE, (job) => this.process(job as Job), {
      concurrency: 2,
      // A killed worker's report is taken over within seconds, not the default half minute;
      // a running build renews its lock every lockDuration / 2.
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 2,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, job: job?.name, jobId: job?.id }, 'report job failed'),
    );
    this.watchdog = setInterval(() => void this.checkQueueIntact(), WATCHDOG_INTERVAL_MS);
    this.logger.info({ rebuilt }, 'report builder ready');
  }

  /** Every unfinished report back into the queue (ids make it a no-op if there) and the schedule. */
  private async rebuild(): Promise<number> {
    const unfinished = await this.reports.findUnfinished();
    for (const { id } of unfinished) await this.queue.enqueueBuild(id);
    await this.queue.queue.upsertJobScheduler(
      REPORTS_SCHEDULER_ID,
      { pattern: REPORTS_SCHEDULE_PATTERN, tz: this.config.CENTRE_TZ },
      { name: 'periodic', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
    return unfinished.length;
  }

  private async checkQueueIntact() {
    try {
      if (await this.queue.queue.getJobScheduler(REPORTS_SCHEDULER_ID)) return;
      const rebuilt = await this.rebuild();
      this.logger.warn({ rebuilt }, 'report queue state was lost (Redis flushed?); rebuilt from PostgreSQL');
    } catch (error) {
      this.logger.warn({ err: error }, 'report queue check failed; will retry');
    }
  }

  async onModuleDestroy() {
    clearInterval(this.watchdog);
    await this.worker?.close();
    await this.queue.close();
  }

  async process(job: Job): Promise<unknown> {
    const { name, data } = job as unknown as ReportJob;
    if (name === 'periodic') {
      const queued = await this.service.queueScheduled(data.asOf ? new Date(data.asOf) : new Date());
      this.logger.info({ queued }, 'scheduled reports queued');
      return { queued };
    }
    return this.build(data.reportId, job);
  }

  private async build(reportId: string, job: Job) {
    const report = await this.reports.findById(reportId);
    if (!report || !(await this.reports.start(reportId))) {
      return { skipped: true, status: report?.status ?? 'missing' };
    }
    this.logger.info(
      { reportId, from: report.from, to: report.to, attempt: job.attemptsMade + 1 },
      'report started',
    );
    try {
      const result = await this.builder.build(report, async (percent) => {
        await this.reports.setProgress(reportId, percent);
        await job.updateProgress(Math.round(percent));
      });
      await this.reports.finish(reportId, result);
      this.logger.info({ reportId, deals: result.total.count }, 'report done');
      return { reportId, deals: result.total.count };
    } catch (error) {
      // Rule violations explain themselves and fail the same way every time: no retry. Anything
      // else (a lost connection) is retried, and stays in the log with an id to find it.
      const deterministic = error instanceof DomainError || error instanceof RangeError;
      const lastAttempt = deterministic || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const reason = deterministic
        ? error.message
        : `the report could not be built (job ${job.id}, attempt ${job.attemptsMade + 1})`;
      if (lastAttempt) await this.reports.fail(reportId, reason);
      throw deterministic ? new UnrecoverableError(reason) : error;
    }
  }
}
