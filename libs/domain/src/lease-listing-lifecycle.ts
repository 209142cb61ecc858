/** The lease listing's lifecycle as an explicit table of allowed transitions. */
export const LISTING_STATUSES = [
  'draft',
  'announced',
  'bidding',
  'sold',
  'unsold',
  'suspended',
  'cancelled',
] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export type ListingAction =
  'publish' | 'open' | 'close_sold' | 'close_unsold' | 'suspend' | 'resume' | 'cancel';

const TRANSITIONS: Record<ListingAction, Partial<Record<ListingStatus, ListingStatus>>> = {
  publish: { draft: 'announced' },
  open: { announced: 'bidding' },
  // An announced listing past its end was opened by the clock even if no job flipped it.
  close_sold: { announced: 'sold', bidding: 'sold' },
  close_unsold: { announced: 'unsold', bidding: 'unsold' },
  suspend: { announced: 'suspended', bidding: 'suspended' },
  // Resuming returns to `announced`; the clock then decides whether bidding is open.
  resume: { suspended: 'announced' },
  cancel: { draft: 'cancelled', announced: 'cancelled', suspended: 'cancelled' },
};

export function nextListingStatus(from: ListingStatus, action: ListingAction): ListingStatus | undefined {
  return TRANSITIONS[action][from];
}

export function isFinalStatus(status: ListingStatus): boolean {
  return status === 'sold' || status === 'unsold' || status === 'cancelled';
}
