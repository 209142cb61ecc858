import type { Queue } from 'bullmq';
import type { QueueBackend } from './queue-backend.js';

/**
 * Timed steps of property-rights transfers: the end of a disclosure (24:00 CENTRE_TZ of its
 * last day) and the sweeper that also watches contract deadlines. Their own queue, so a
 * transfer's work never waits behind auction closes.
 */
export const TRANSFERS_QUEUE = 'transfers';

export type TransferJob =
  | { name: 'transfer-disclosure-end'; data: { projectId: string; at: string } }
  | { name: 'transfer-sweep'; data: Record<string, never> };

export const TRANSFER_SWEEPER_ID = 'transfer-sweeper';

/** Deterministic: re-adding the job for the same project and moment is harmless. */
export function transferJobId(name: TransferJob['name'], projectId: string, at: Date): string {
  return `${name}-${projectId}-${at.getTime()}`;
}

const KEEP = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

/** Producers (api, worker) add transfer steps here; only the worker processes them. */
export class TransferScheduler {
  readonly queue: Queue;

  constructor(
    backend: QueueBackend,
    private readonly now: () => number = Date.now,
  ) {
    this.queue = backend.createQueue(TRANSFERS_QUEUE);
  }

  async scheduleDisclosureEnd(projectId: string, at: Date): Promise<void> {
    await this.queue.add(
      'transfer-disclosure-end',
      { projectId, at: at.toISOString() },
      {
        ...KEEP,
        jobId: transferJobId('transfer-disclosure-end', projectId, at),
        delay: Math.max(0, at.getTime() - this.now()),
      },
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
