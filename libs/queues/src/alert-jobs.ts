import type { Queue } from 'bullmq';
import type { QueueBackend } from './queue-backend.js';

/** Early warning (预警): the detectors run by the worker over concluded processes. */
export const ALERTS_QUEUE = 'alerts';
export const ALERTS_SWEEP_SCHEDULER_ID = 'alerts-sweep';
/** The sweep that catches processes a lost job missed, and deposits that became overdue. */
export const ALERTS_SWEEP_EVERY_MS = 15 * 60_000;
/**
 * A live address/device check waits this long after the bid that asked for it, so one job covers
 * the bids of a busy moment (the job id is per auction and moment).
 */
export const LIVE_CHECK_DELAY_MS = 1_000;

export type AlertProcessType =
  'lease_listing' | 'transfer_project' | 'tender_project' | 'procurement_project';

export type AlertJob =
  | { name: 'detect'; data: { processType: AlertProcessType; processId: string } }
  /** An auction closed: its host (a lease listing, a transfer project) concluded. */
  | { name: 'auction-closed'; data: { auctionId: string } }
  /** A bid arrived: the auction's addresses and devices so far (SHARED_* while bidding). */
  | { name: 'live-check'; data: { auctionId: string } }
  | { name: 'sweep'; data: Record<string, never> };

const KEEP = { removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } } as const;
const RETRY = { attempts: 5, backoff: { type: 'exponential', delay: 2000 } } as const;

/**
 * Producers (the worker when a process concludes; the api and the gateway after a bid with a
 * known origin) queue detector runs here. Re-adding a job is harmless: the detectors write one
 * alert per finding however often they run.
 */
export class AlertQueue {
  readonly queue: Queue;

  constructor(backend: QueueBackend) {
    this.queue = backend.createQueue(ALERTS_QUEUE);
  }

  async enqueueDetect(processType: AlertProcessType, processId: string): Promise<void> {
    await this.queue.add(
      'detect',
      { processType, processId },
      { ...KEEP, ...RETRY, jobId: `detect-${processType}-${processId}` },
    );
  }

  async enqueueAuctionClosed(auctionId: string): Promise<void> {
    await this.queue.add(
      'auction-closed',
      { auctionId },
      { ...KEEP, ...RETRY, jobId: `closed-${auctionId}` },
    );
  }

  /**
   * At most one live check per auction per moment (LIVE_CHECK_DELAY_MS): the bids of that moment
   * share it. A bid missed by a check already running is caught by the next bid's or the close's.
   */
  async enqueueLiveCheck(auctionId: string, now = Date.now()): Promise<void> {
    const moment = Math.floor(now / LIVE_CHECK_DELAY_MS);
    await this.queue.add(
      'live-check',
      { auctionId },
      { ...KEEP, attempts: 2, delay: LIVE_CHECK_DELAY_MS, jobId: `live-${auctionId}-${moment}` },
    );
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

/**
 * The bid path's BidOriginWatch (libs/auction) in the api and the gateway: after an accepted bid
 * with a known origin, a live address/device check is queued for the worker, without waiting for
 * it (a queue that is down delays the check to the close's run, never a bid). Owns its queue
 * connection.
 */
export class LiveAlertChecks {
  private readonly alerts: AlertQueue;

  constructor(
    private readonly backend: QueueBackend,
    private readonly onError: (error: unknown) => void,
  ) {
    this.alerts = new AlertQueue(backend);
  }

  bidAccepted(auctionId: string): void {
    this.alerts.enqueueLiveCheck(auctionId).catch(this.onError);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.alerts.close();
    await this.backend.close();
  }
}
