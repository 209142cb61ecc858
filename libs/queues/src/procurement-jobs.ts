import type { Queue } from 'bullmq';
import type { QueueBackend } from './queue-backend.js';
import { type TimedStep, TimedSteps } from './timed-steps.js';

/**
 * Timed steps of government procurement: the documents are issued (responses open) on their day
 * (00:00 CENTRE_TZ), and the sealed responses are opened at the deadline. Their own queue, with
 * a sweeper that acts on any step whose job was lost, by the database's clock.
 */
export const PROCUREMENT_QUEUE = 'procurement';

export type ProcurementJob =
  | { name: 'procurement-documents-issued'; data: { projectId: string; at: string } }
  | { name: 'procurement-opening'; data: { projectId: string; at: string } }
  | { name: 'procurement-sweep'; data: Record<string, never> };

export const PROCUREMENT_SWEEPER_ID = 'procurement-sweeper';

/** Deterministic: re-adding the job for the same project and moment is harmless. */
export function procurementJobId(name: ProcurementJob['name'], projectId: string, at: Date): string {
  return `${name}-${projectId}-${at.getTime()}`;
}

/** Producers (api, worker) add procurement steps here; only the worker processes them. */
export class ProcurementScheduler {
  readonly queue: Queue;
  readonly steps: TimedSteps;

  constructor(backend: QueueBackend, now: () => number = Date.now) {
    this.queue = backend.createQueue(PROCUREMENT_QUEUE);
    this.steps = new TimedSteps(this.queue, now);
  }

  async scheduleDocumentsIssued(projectId: string, at: Date): Promise<void> {
    await this.steps.add(procurementDocumentsIssuedStep(projectId, at));
  }

  async scheduleOpening(projectId: string, at: Date): Promise<void> {
    await this.steps.add(procurementOpeningStep(projectId, at));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export function procurementDocumentsIssuedStep(projectId: string, at: Date): TimedStep {
  return {
    name: 'procurement-documents-issued',
    data: { projectId, at: at.toISOString() },
    jobId: procurementJobId('procurement-documents-issued', projectId, at),
    runAt: at,
  };
}

/** The opening at the deadline; a moved deadline is a new step (the old one finds nothing due). */
export function procurementOpeningStep(projectId: string, at: Date): TimedStep {
  return {
    name: 'procurement-opening',
    data: { projectId, at: at.toISOString() },
    jobId: procurementJobId('procurement-opening', projectId, at),
    runAt: at,
  };
}
