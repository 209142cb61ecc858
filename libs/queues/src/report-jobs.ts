import type { Queue } from 'bullmq';
import type { QueueBackend } from './queue-backend.js';

/** Transaction-value reports: built by the worker, state kept in the `reports` table. */
export const REPORTS_QUEUE = 'reports';

export type ReportJob =
  | { name: 'build'; data: { reportId: string } }
  /** The 1st of each month, 01:00 China time: queue the reports of the periods that just ended. */
  | { name: 'periodic'; data: { asOf?: string } };

export type ReportJobName = ReportJob['name'];

/** One job per report row: re-adding (a second request, a rebuilt queue) is harmless. */
export function reportJobId(reportId: string): string {
  return `report-${reportId}`;
}

export const REPORTS_SCHEDULER_ID = 'reports-periodic';
/** Minute 0, hour 1, day 1 of every month, in CENTRE_TZ. */
export const REPORTS_SCHEDULE_PATTERN = '0 1 1 * *';

const KEEP = { removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

/** Producers (api, the worker's periodic job) queue report builds here. */
export class ReportQueue {
  readonly queue: Queue;

  constructor(backend: QueueBackend) {
    this.queue = backend.createQueue(REPORTS_QUEUE);
  }

  async enqueueBuild(reportId: string): Promise<void> {
    const job: ReportJob = { name: 'build', data: { reportId } };
    await this.queue.add(job.name, job.data, {
      ...KEEP,
      jobId: reportJobId(reportId),
      attempts: 3,
      backoff: { type: 'exponential', delay: 2000 },
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
