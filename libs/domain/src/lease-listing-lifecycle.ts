import {
  AUCTION_STATUSES,
  type AuctionAction,
  type AuctionStatus,
  isFinalAuctionStatus,
  nextAuctionStatus,
} from './auction-lifecycle.js';

/**
 * A lease listing's status is its auction's (one source of truth, shared primary key): the
 * listing adds no state of its own, so its lifecycle is the auction's table, minus the
 * engine's internal `accept_bid` step.
 */
export const LISTING_STATUSES = AUCTION_STATUSES;
export type ListingStatus = AuctionStatus;

export type ListingAction = Exclude<AuctionAction, 'accept_bid'>;

export function nextListingStatus(from: ListingStatus, action: ListingAction): ListingStatus | undefined {
  return nextAuctionStatus(from, action);
}

export function isFinalStatus(status: ListingStatus): boolean {
  return isFinalAuctionStatus(status);
}
