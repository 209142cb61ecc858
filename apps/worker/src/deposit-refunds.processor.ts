import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Queue, Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import { DepositsService } from '@ggzy/deposits';
import {
  DEPOSIT_REFUNDS_JOB,
  DEPOSIT_REFUNDS_SCHEDULE_PATTERN,
  DEPOSIT_REFUNDS_SCHEDULER_ID,
  DEPOSITS_QUEUE,
  type QueueBackend,
} from '@ggzy/queues';
import { QUEUE_BACKEND } from './auctions.processor.js';

const WATCHDOG_INTERVAL_MS = 60_000;

/**
 * Flags overdue deposit refunds once a day and on start: each refund still held after its last
 * day gets one `deposit.refund_overdue` audit entry and a structured warning (the early-warning
 * alert; an alerts table is issue 10's). The flag is set in the row with a conditional UPDATE,
 * so a second scan, a second worker or a restart flags nothing twice.
 */
@Injectable()
export class DepositRefundsProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private queue?: Queue;
  private worker?: Worker;
  private watchdog?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly deposits: DepositsService,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    this.queue = this.backend.createQueue(DEPOSITS_QUEUE);
    await this.ensureSchedule();
    this.worker = this.backend.createWorker(DEPOSITS_QUEUE, () => this.scanOnce(), { concurrency: 1 });
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, job: job?.name, jobId: job?.id }, 'deposit job failed'),
    );
    this.watchdog = setInterval(() => void this.checkScheduleIntact(), WATCHDOG_INTERVAL_MS);
    // On start too: a worker that was down at the scheduled time catches up now.
    this.running = this.scanOnce().catch((error) =>
      this.logger.warn({ err: error }, 'overdue refund scan failed; the daily job retries'),
    );
  }

  /** One scan; returns how many refunds it flagged. */
  async scanOnce(): Promise<{ flagged: number }> {
    const flagged = await this.deposits.flagOverdueRefunds();
    if (flagged.length > 0) this.logger.info({ flagged: flagged.length }, 'overdue deposit refunds flagged');
    return { flagged: flagged.length };
  }

  private async ensureSchedule() {
    await this.queue!.upsertJobScheduler(
      DEPOSIT_REFUNDS_SCHEDULER_ID,
      { pattern: DEPOSIT_REFUNDS_SCHEDULE_PATTERN, tz: this.config.CENTRE_TZ },
      { name: DEPOSIT_REFUNDS_JOB, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  private async checkScheduleIntact() {
    try {
      if (await this.queue!.getJobScheduler(DEPOSIT_REFUNDS_SCHEDULER_ID)) return;
      await this.ensureSchedule();
      this.logger.warn('deposit refund schedule was lost (Redis flushed?); restored');
    } catch (error) {
      this.logger.warn({ err: error }, 'deposit schedule check failed; will retry');
    }
  }

  async onModuleDestroy() {
    clearInterval(this.watchdog);
    await this.running;
    await this.worker?.close();
    await this.queue?.close();
  }
}
