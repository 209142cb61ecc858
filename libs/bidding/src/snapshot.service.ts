import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock } from '@ggzy/common';
import { auctionPhase, DomainError, minNextBid } from '@ggzy/domain';
import { type LeaseListingEntity, LeaseListingsRepository } from '@ggzy/persistence';
import { type BidView } from './live-events.js';
import { toBidView } from './bid.service.js';
import { ListingReadCache } from './listing-read-cache.js';

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

/** Where the host (the gateway) keeps anonymous watchers' reads; absent elsewhere. */
export const LISTING_READ_CACHE = Symbol('LISTING_READ_CACHE');

export interface BidsPage {
  bids: BidView[];
  hasMore: boolean;
  /** Where the next page starts: the last seq in `bids`, or `afterSeq` when there were none. */
  nextAfterSeq: number;
}

@Injectable()
export class SnapshotService {
  private readonly cache: ListingReadCache;

  constructor(
    private readonly listings: LeaseListingsRepository,
    private readonly clock: Clock,
    @Optional() @Inject(LISTING_READ_CACHE) cache?: ListingReadCache,
  ) {
    this.cache = cache ?? new ListingReadCache(0);
  }

  /**
   * A user's snapshot is always read fresh (its own accepted bid must show, and its bidder
   * code is its own); an anonymous watcher's may come from the cache.
   */
  async snapshot(listingId: string, userId?: string): Promise<Snapshot> {
    const read = () => this.listings.findWithLeaderCode(listingId);
    const [found, yourBidderCode] = await Promise.all([
      userId ? read() : this.cache.read(listingId, 'listing', read),
      userId ? this.listings.findBidderCode(listingId, userId) : null,
    ]);
    if (!found || found.listing.status === 'draft')
      throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    const { listing, leaderCode } = found;
    // Time-dependent parts are computed per answer, never cached.
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
    if (yourBidderCode) snapshot.yourBidderCode = yourBidderCode;
    return snapshot;
  }

  /** Accepted bids after `afterSeq`, one page, for a client that saw a gap or reconnected. */
  async bidsAfter(listingId: string, afterSeq: number, pageSize: number, userId?: string): Promise<BidsPage> {
    const read = async (): Promise<BidsPage> => {
      const { items, hasMore } = await this.listings.acceptedBidsAfter(listingId, afterSeq, pageSize);
      const bids = items.map(toBidView);
      return { bids, hasMore, nextAfterSeq: bids.length ? bids[bids.length - 1].seq : afterSeq };
    };
    return userId ? read() : this.cache.read(listingId, `bids>${afterSeq}`, read);
  }
}
