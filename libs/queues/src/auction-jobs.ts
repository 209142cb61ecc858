/** Queue names and typed payloads shared by producers (api, worker) and processors (worker). */
export const AUCTIONS_QUEUE = 'auctions';

export type AuctionJob =
  | { name: 'open'; data: { listingId: string; at: string; retry?: number } }
  | { name: 'close'; data: { listingId: string; endsAt: string; retry?: number } }
  | { name: 'sweep'; data: Record<string, never> };

export type AuctionJobName = AuctionJob['name'];

/** Deterministic ids make re-adding harmless (BullMQ refuses most ids with a colon). */
export function openJobId(listingId: string, at: Date, retry = 0): string {
  return `open-${listingId}-${at.getTime()}${retry ? `-retry${retry}` : ''}`;
}

export function closeJobId(listingId: string, endsAt: Date, retry = 0): string {
  return `close-${listingId}-${endsAt.getTime()}${retry ? `-retry${retry}` : ''}`;
}

/**
 * A step that ran before the database's clock reached its time (the worker's clock runs
 * ahead) is tried again this many times, each when the database says it is due; after that
 * the sweeper has it.
 */
export const MAX_EARLY_RETRIES = 20;

export const SWEEPER_ID = 'auction-sweeper';
