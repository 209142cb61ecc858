import type { Queue } from 'bullmq';
import type { QueueBackend } from './queue-backend.js';
import { type TimedStep, TimedSteps } from './timed-steps.js';

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

/** Producers (api, worker) add transfer steps here; only the worker processes them. */
export class TransferScheduler {
  readonly queue: Queue;
  readonly steps: TimedSteps;

  constructor(backend: QueueBackend, now: () => number = Date.now) {
    this.queue = backend.createQueue(TRANSFERS_QUEUE);
    this.steps = new TimedSteps(this.queue, now);
  }

  async scheduleDisclosureEnd(projectId: string, at: Date): Promise<void> {
    await this.steps.add(disclosureEndStep(projectId, at));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/** The end of a project's disclosure as a timed step. */
export function disclosureEndStep(projectId: string, at: Date): TimedStep {
  return {
    name: 'transfer-disclosure-end',
    data: { projectId, at: at.toISOString() },
    jobId: transferJobId('transfer-disclosure-end', projectId, at),
    runAt: at,
  };
}
