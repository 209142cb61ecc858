/** Queue names and typed payloads shared by producers (api, worker) and processors (worker). */
export const AUCTIONS_QUEUE = 'auctions';

export type AuctionJob =
  | { name: 'open'; data: { listingId: string; at: string } }
  | { name: 'close'; data: { listingId: string; endsAt: string } }
  | { name: 'sweep'; data: Record<string, never> };

export type AuctionJobName = AuctionJob['name'];

/** Deterministic ids make re-adding harmless (BullMQ refuses most ids with a colon). */
export function openJobId(listingId: string, at: Date): string {
  return `open-${listingId}-${at.getTime()}`;
}

export function closeJobId(listingId: string, endsAt: Date): string {
  return `close-${listingId}-${endsAt.getTime()}`;
}

export const SWEEPER_ID = 'auction-sweeper';
