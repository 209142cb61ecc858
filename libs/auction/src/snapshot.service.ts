import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock } from '@ggzy/common';
import {
  auctionPhase,
  type AuctionState,
  DomainError,
  INITIAL_AUCTION_STATUS,
  minNextBid,
  nextAuctionStatus,
} from '@ggzy/domain';
import { AuctionsRepository } from '@ggzy/persistence';
import { type BidView } from './live-events.js';
import { toBidView } from './bid.service.js';
import { ListingReadCache, SHARED_LISTING_KEY } from './listing-read-cache.js';

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

type VisibleStatusInput = Pick<AuctionState, 'status' | 'biddingStartsAt' | 'freeBiddingEndsAt' | 'endsAt'>;

/** What every watcher of a listing may see, as the shared cache entry holds it. */
interface SharedListing
  extends
    VisibleStatusInput,
    Pick<AuctionState, 'startPrice' | 'increment' | 'currentPrice' | 'bidCount' | 'lastSeq'> {
  id: string;
  leaderCode: string | null;
}

/**
 * The status a reader should see: stored status lags the clock until a job runs, so an
 * announced auction whose bidding has started already reads as the table's `open` step says
 * (bidding).
 */
export function visibleStatus(auction: VisibleStatusInput, now: Date): string {
  const opened = nextAuctionStatus(auction.status, 'open');
  return opened && auctionPhase(auction, now) !== 'not_open' ? opened : auction.status;
}

/** Where the host (the gateway) keeps watchers' reads; absent elsewhere. */
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
  /**
   * The database's clock minus this process's, as the latest listing read found it (measured
   * at receipt). `endsAt` is the database's, so the "now" a watcher counts down from must be
   * too: a gateway whose clock runs behind would otherwise show more time than there is.
   */
  private databaseOffsetMs = 0;

  constructor(
    private readonly auctions: AuctionsRepository,
    private readonly clock: Clock,
    @Optional() @Inject(LISTING_READ_CACHE) cache?: ListingReadCache,
  ) {
    this.cache = cache ?? new ListingReadCache(0);
  }

  /**
   * The shared part (the listing as every watcher may see it) comes from the cache for
   * everyone, signed in or not; a user's own part, its bidder code, from a per-user read that
   * is cached apart. Time-dependent parts are computed per answer.
   */
  async snapshot(listingId: string, userId?: string): Promise<Snapshot> {
    const [shared, yourBidderCode] = await Promise.all([
      this.shared(listingId),
      userId
        ? this.cache.readOwn(listingId, userId, () => this.auctions.findBidderCode(listingId, userId))
        : null,
    ]);
    if (!shared || shared.status === INITIAL_AUCTION_STATUS)
      throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    // Time-dependent parts are computed per answer, never cached, by the database's clock
    // (this process's, shifted by the offset the latest read measured: no query per answer).
    const now = this.databaseNow();
    const snapshot: Snapshot = {
      listingId: shared.id,
      status: visibleStatus(shared, now),
      currentPrice: shared.currentPrice,
      minNextBid: minNextBid(shared),
      leaderCode: shared.leaderCode,
      bidCount: shared.bidCount,
      lastSeq: shared.lastSeq,
      endsAt: shared.endsAt.toISOString(),
      serverTime: now.toISOString(),
    };
    if (yourBidderCode) snapshot.yourBidderCode = yourBidderCode;
    return snapshot;
  }

  /**
   * Only the public fields a snapshot is built from go into the shared entry: the reserve
   * price (staff only) and user ids (leader, winner) never sit where any watcher's answer
   * is made from.
   */
  private async readShared(listingId: string): Promise<SharedListing | null> {
    const found = await this.auctions.findWithLeaderCode(listingId);
    if (!found) return null;
    const { auction: listing, leaderCode, databaseNow } = found;
    this.databaseOffsetMs = databaseNow.getTime() - this.clock.now().getTime();
    return {
      id: listing.id,
      status: listing.status,
      startPrice: listing.startPrice,
      increment: listing.increment,
      currentPrice: listing.currentPrice,
      biddingStartsAt: listing.biddingStartsAt,
      freeBiddingEndsAt: listing.freeBiddingEndsAt,
      endsAt: listing.endsAt,
      bidCount: listing.bidCount,
      lastSeq: listing.lastSeq,
      leaderCode,
    };
  }

  private databaseNow(): Date {
    return new Date(this.clock.now().getTime() + this.databaseOffsetMs);
  }

  private shared(listingId: string): Promise<SharedListing | null> {
    return this.cache.read(listingId, SHARED_LISTING_KEY, () => this.readShared(listingId));
  }

  /**
   * Accepted bids after `afterSeq`, one page, for a client that saw a gap or reconnected.
   * Bids are public: every watcher's page comes from the same cache. Nothing lies past the
   * listing's last seq (read from the shared entry, which the snapshot before it has just
   * filled), so an `afterSeq` at or past it is answered empty without a read and never becomes
   * a cache key of its own: a client cannot mint keys by choosing values.
   */
  async bidsAfter(listingId: string, afterSeq: number, pageSize: number): Promise<BidsPage> {
    const shared = await this.shared(listingId);
    if (!shared || shared.status === INITIAL_AUCTION_STATUS)
      throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    if (afterSeq >= shared.lastSeq) return { bids: [], hasMore: false, nextAfterSeq: afterSeq };
    const read = async (): Promise<BidsPage> => {
      const { items, hasMore } = await this.auctions.acceptedBidsAfter(listingId, afterSeq, pageSize);
      const bids = items.map(toBidView);
      return { bids, hasMore, nextAfterSeq: bids.length ? bids[bids.length - 1].seq : afterSeq };
    };
    return this.cache.read(listingId, `bids>${afterSeq}`, read);
  }
}
