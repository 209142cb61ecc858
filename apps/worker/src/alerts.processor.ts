import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { LOGGER, type Logger } from '@ggzy/common';
import { AlertsService, ComplaintOverdueWatch } from '@ggzy/supervision';
import {
  ALERTS_QUEUE,
  ALERTS_SWEEP_EVERY_MS,
  ALERTS_SWEEP_SCHEDULER_ID,
  type AlertJob,
  AlertQueue,
  type QueueBackend,
} from '@ggzy/queues';
import { QUEUE_BACKEND } from './auctions.processor.js';

const WATCHDOG_INTERVAL_MS = 60_000;

/**
 * Early warning (预警) in the worker: every rule over each process when it concludes (an auction
 * closed, sealed bids opened), the live address/device checks the bid path queues, and a sweep
 * every ALERTS_SWEEP_EVERY_MS (and on start) for concluded processes a lost job missed and
 * deposits fallen overdue, and the complaints' overdue steps (COMPLAINT_OVERDUE: the supervisors'
 * periods are counted in days, so a quarter-hour sweep is soon enough). Every run writes one alert
 * per finding, so repeats are harmless.
 */
@Injectable()
export class AlertsProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;
  private watchdog?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly alerts: AlertsService,
    private readonly complaintDeadlines: ComplaintOverdueWatch,
    private readonly queue: AlertQueue,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    await this.ensureSchedule();
    this.worker = this.backend.createWorker(ALERTS_QUEUE, (job) => this.process(job as Job), {
      concurrency: 2,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.error({ err: error, job: job?.name, jobId: job?.id }, 'alert job failed'),
    );
    this.watchdog = setInterval(() => void this.checkScheduleIntact(), WATCHDOG_INTERVAL_MS);
    this.running = this.sweepOnce().catch((error) =>
      this.logger.warn({ err: error }, 'early-warning sweep failed; the scheduled one retries'),
    );
  }

  private async process(job: Job) {
    const { name, data } = job as unknown as AlertJob;
    switch (name) {
      case 'detect':
        return this.alerts.detect(data.processType, data.processId);
      case 'auction-closed':
        return this.alerts.detectAuction(data.auctionId);
      case 'live-check':
        return this.alerts.checkLive(data.auctionId);
      case 'sweep':
        return this.sweepOnce();
    }
  }

  /** One sweep: what it ran over and what it raised. */
  async sweepOnce() {
    const result = await this.alerts.sweep();
    if (result.raised > 0) this.logger.info(result, 'early-warning sweep raised alerts');
    const complaints = await this.complaintDeadlines.run();
    if (complaints.raised > 0) this.logger.info(complaints, 'overdue complaint steps raised alerts');
    return { ...result, complaints };
  }

  private async ensureSchedule() {
    await this.queue.queue.upsertJobScheduler(
      ALERTS_SWEEP_SCHEDULER_ID,
      { every: ALERTS_SWEEP_EVERY_MS },
      { name: 'sweep', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    );
  }

  private async checkScheduleIntact() {
    try {
      if (await this.queue.queue.getJobScheduler(ALERTS_SWEEP_SCHEDULER_ID)) return;
      await this.ensureSchedule();
      this.logger.warn('early-warning sweep schedule was lost (Redis flushed?); restored');
    } catch (error) {
      this.logger.warn({ err: error }, 'early-warning schedule check failed; will retry');
    }
  }

  async onModuleDestroy() {
    clearInterval(this.watchdog);
    await this.running;
    await this.worker?.close();
    await this.queue.close();
  }
}
