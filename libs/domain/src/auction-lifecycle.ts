/**
 * An auction's lifecycle, whatever hosts it (a lease listing, a transfer project), as an
 * explicit table of allowed transitions. The statuses are the words the socket protocol and
 * the lease REST API already speak: `announced` is scheduled and public, bidding not yet open.
 * The worker and the SQL apply what this table returns; nothing else decides a status.
 */
export const AUCTION_STATUSES = [
  'draft',
  'announced',
  'bidding',
  'sold',
  'unsold',
  'suspended',
  'cancelled',
] as const;
export type AuctionStatus = (typeof AUCTION_STATUSES)[number];

/** Where every auction starts: terms still editable, nothing public. */
export const INITIAL_AUCTION_STATUS: AuctionStatus = 'draft';

export type AuctionAction =
  'publish' | 'open' | 'accept_bid' | 'close_sold' | 'close_unsold' | 'suspend' | 'resume' | 'cancel';

export const AUCTION_ACTIONS: readonly AuctionAction[] = [
  'publish',
  'open',
  'accept_bid',
  'close_sold',
  'close_unsold',
  'suspend',
  'resume',
  'cancel',
];

const TRANSITIONS: Record<AuctionAction, Partial<Record<AuctionStatus, AuctionStatus>>> = {
  publish: { draft: 'announced' },
  open: { announced: 'bidding' },
  // An accepted bid opens an announced auction the clock has opened (no job needed) and
  // leaves a bidding one bidding.
  accept_bid: { announced: 'bidding', bidding: 'bidding' },
  // An announced auction past its end was opened by the clock even if no job flipped it.
  close_sold: { announced: 'sold', bidding: 'sold' },
  close_unsold: { announced: 'unsold', bidding: 'unsold' },
  suspend: { announced: 'suspended', bidding: 'suspended' },
  // Resuming returns to `announced`; the clock then decides whether bidding is open.
  resume: { suspended: 'announced' },
  cancel: { draft: 'cancelled', announced: 'cancelled', suspended: 'cancelled' },
};

export function nextAuctionStatus(from: AuctionStatus, action: AuctionAction): AuctionStatus | undefined {
  return TRANSITIONS[action][from];
}

/** The statuses `action` may leave from: what a query filters on to find auctions it applies to. */
export function statusesAllowing(action: AuctionAction): AuctionStatus[] {
  return AUCTION_STATUSES.filter((status) => TRANSITIONS[action][status] !== undefined);
}

export function isFinalAuctionStatus(status: AuctionStatus): boolean {
  return AUCTION_ACTIONS.every((action) => nextAuctionStatus(status, action) === undefined);
}
