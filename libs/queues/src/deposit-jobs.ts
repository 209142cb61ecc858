import type { Queue } from 'bullmq';
import type { QueueBackend } from './queue-backend.js';
/** Deposits' daily work: flag refunds still held after their last day (预警). */
export const DEPOSITS_QUEUE = 'deposits';
export const DEPOSIT_REFUNDS_SCHEDULER_ID = 'deposit-refunds-overdue';
/** 08:30 every day in CENTRE_TZ: before the centre's working day starts. */
export const DEPOSIT_REFUNDS_SCHEDULE_PATTERN = '30 8 * * *';
export const DEPOSIT_REFUNDS_JOB = 'refunds-overdue';

/** The deposits queue as the API holds it: for the queues dashboard, which lists every queue. */
export class DepositQueue {
  readonly queue: Queue;

  constructor(backend: QueueBackend) {
    this.queue = backend.createQueue(DEPOSITS_QUEUE);
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
