import type { Queue } from 'bullmq';
import type { QueueBackend } from './queue-backend.js';
import { type TimedStep, TimedSteps } from './timed-steps.js';

/**
 * Timed steps of construction tenders: bidding opens on the day the documents are issued
 * (00:00 CENTRE_TZ), and the sealed bids are opened at the bid deadline. Their own queue, with
 * a sweeper that acts on any step whose job was lost, by the database's clock.
 */
export const TENDERS_QUEUE = 'tenders';

export type TenderJob =
  | { name: 'tender-bidding-opens'; data: { projectId: string; at: string } }
  | { name: 'tender-opening'; data: { projectId: string; at: string } }
  | { name: 'tender-sweep'; data: Record<string, never> };

export const TENDER_SWEEPER_ID = 'tender-sweeper';

/** Deterministic: re-adding the job for the same project and moment is harmless. */
export function tenderJobId(name: TenderJob['name'], projectId: string, at: Date): string {
  return `${name}-${projectId}-${at.getTime()}`;
}

/** Producers (api, worker) add tender steps here; only the worker processes them. */
export class TenderScheduler {
  readonly queue: Queue;
  readonly steps: TimedSteps;

  constructor(backend: QueueBackend, now: () => number = Date.now) {
    this.queue = backend.createQueue(TENDERS_QUEUE);
    this.steps = new TimedSteps(this.queue, now);
  }

  async scheduleBiddingOpens(projectId: string, at: Date): Promise<void> {
    await this.steps.add(tenderBiddingOpensStep(projectId, at));
  }

  async scheduleOpening(projectId: string, at: Date): Promise<void> {
    await this.steps.add(tenderOpeningStep(projectId, at));
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export function tenderBiddingOpensStep(projectId: string, at: Date): TimedStep {
  return {
    name: 'tender-bidding-opens',
    data: { projectId, at: at.toISOString() },
    jobId: tenderJobId('tender-bidding-opens', projectId, at),
    runAt: at,
  };
}

/** The opening at the deadline; a moved deadline is a new step (the old one finds nothing due). */
export function tenderOpeningStep(projectId: string, at: Date): TimedStep {
  return {
    name: 'tender-opening',
    data: { projectId, at: at.toISOString() },
    jobId: tenderJobId('tender-opening', projectId, at),
    runAt: at,
  };
}
