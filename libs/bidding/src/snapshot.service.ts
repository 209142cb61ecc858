import { Injectable } from '@nestjs/common';
import { Clock } from '@ggzy/common';
import { auctionPhase, DomainError, minNextBid } from '@ggzy/domain';
import { type LeaseListingEntity, LeaseListingsRepository } from '@ggzy/persistence';
import { type BidView } from './live-events.js';
import { toBidView } from './bid.service.js';

export interface Snapshot {
  listingId: string;
  status: string;
  currentPrice: number | null;
  minNextBid: number;
  leaderCode: string | null;
  bidCount: number;
  lastSeq: number;
  endsAt: string;
  serverTime: string;
  yourBidderCode?: string;
}

/**
 * The status a reader should see: stored status lags the clock until a job runs, so an
 * announced listing whose bidding has started already reads as `bidding`.
 */
export function visibleStatus(listing: LeaseListingEntity, now: Date): string {
  return listing.status === 'announced' && auctionPhase(listing, now) !== 'not_open'
    ? 'bidding'
    : listing.status;
}

@Injectable()
export class SnapshotService {
  constructor(
    private readonly listings: LeaseListingsRepository,
    private readonly clock: Clock,
  ) {}

  async snapshot(listingId: string, userId?: string): Promise<Snapshot> {
    const found = await this.listings.findWithLeaderCode(listingId);
    if (!found || found.listing.status === 'draft')
      throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    const { listing, leaderCode } = found;
    const now = this.clock.now();
    const snapshot: Snapshot = {
      listingId: listing.id,
      status: visibleStatus(listing, now),
      currentPrice: listing.currentPrice,
      minNextBid: minNextBid(listing),
      leaderCode,
      bidCount: listing.bidCount,
      lastSeq: listing.lastSeq,
      endsAt: listing.endsAt.toISOString(),
      serverTime: now.toISOString(),
    };
    if (userId) {
      const registration = await this.listings.findRegistrationOf(listingId, userId);
      if (registration?.bidderCode) snapshot.yourBidderCode = registration.bidderCode;
    }
    return snapshot;
  }

  /** Accepted bids after `afterSeq`, for a client that saw a gap or reconnected. */
  async bidsAfter(listingId: string, afterSeq: number, limit = 1000): Promise<BidView[]> {
    const { items } = await this.listings.listAcceptedBids(listingId, afterSeq, limit);
    return items.map(toBidView);
  }
}
