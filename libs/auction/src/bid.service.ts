import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, Clock, FixedWindowRateLimiter } from '@ggzy/common';
import {
  type BidDecision,
  DomainError,
  type ErrorCode,
  evaluateBidOnBothClocks,
  INITIAL_AUCTION_STATUS,
  isFen,
  minNextBid,
  nextAuctionStatus,
} from '@ggzy/domain';
import {
  type AcceptedBid,
  type AuditRecord,
  type AuctionHostType,
  AuctionsRepository,
  type BidContext,
  type BidEntity,
  isUniqueViolation,
  type StatusStep,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { type BidView, LIVE_EVENTS, type LiveEvents } from './live-events.js';

/** `listingId` is the protocol's name for the auction's id: its host's, shared. */
export interface PlaceBid {
  listingId: string;
  amount: number;
  clientBidId: string;
  /**
   * A line's own endpoint (the lease REST twin) names its host type: another line's auction
   * under that id is not there for it. The socket, which serves every line, names none.
   */
  hostType?: AuctionHostType;
}

const LOCK_FREE_REJECTIONS = new Set<ErrorCode>(['BID_TOO_LOW', 'NOT_QUALIFIED']);
const MAX_OPTIMISTIC_ATTEMPTS = 50;

type AcceptedState = Extract<BidDecision, { accepted: true }>['next'];

type Outcome =
  { accepted: true; bid: BidView; fresh: boolean } | { accepted: false; code: ErrorCode; message: string };

export function toBidView(bid: BidEntity): BidView {
  return {
    listingId: bid.auctionId,
    seq: bid.seq!,
    amount: bid.amount,
    bidderCode: bid.bidderCode!,
    at: bid.at.toISOString(),
    endsAt: bid.endsAt!.toISOString(),
    minNextBid: bid.minNextBid!,
  };
}

/** The bid path shared by the socket gateway and the REST twin. */
@Injectable()
export class BidService {
  private readonly limiter: FixedWindowRateLimiter;

  constructor(
    private readonly dataSource: DataSource,
    private readonly auctions: AuctionsRepository,
    private readonly clock: Clock,
    @Inject(LIVE_EVENTS) private readonly liveEvents: LiveEvents,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limiter = new FixedWindowRateLimiter(config.BID_RATE_LIMIT_PER_SECOND, 1000);
  }

  /**
   * Accepted when the transaction commits, never earlier; then broadcast. A retried
   * clientBidId answers with the first outcome. Rejections throw a DomainError.
   */
  async placeBid(user: AuthUser, input: PlaceBid): Promise<BidView> {
    if (!user.roles.includes('bidder')) throw new DomainError('FORBIDDEN', 'only bidders may bid');
    if (!isFen(input.amount))
      throw new DomainError('VALIDATION_FAILED', 'amount must be a positive whole number of fen');
    if (!this.limiter.tryHit(user.id)) throw new DomainError('RATE_LIMITED', 'too many bids; slow down');
    const outcome = await this.decideWithRetry(user, input);
    if (!outcome.accepted) throw new DomainError(outcome.code, outcome.message);
    if (outcome.fresh) this.liveEvents.publish('bid.accepted', outcome.bid);
    return outcome.bid;
  }

  private async decideWithRetry(user: AuthUser, input: PlaceBid): Promise<Outcome> {
    try {
      return await this.decideOptimistically(user, input);
    } catch (error) {
      // Two copies of one clientBidId raced: the loser retries and reads the winner's outcome.
      if (isUniqueViolation(error, 'bids_auction_id_bidder_id_client_bid_id_key'))
        return this.decideLocked(user, input);
      throw error;
    }
  }

  /**
   * The hot path holds no lock across round trips. It reads, decides with the domain rules,
   * then writes only if the listing is unchanged; if another bid got there first it reads
   * again. Racing losers are recorded without touching the listing: the price only rises and
   * qualification is settled before bidding, so BID_TOO_LOW or NOT_QUALIFIED read from any
   * committed state is still true. Time-based rejections take the locked path to stay exact.
   */
  private async decideOptimistically(user: AuthUser, input: PlaceBid): Promise<Outcome> {
    for (let attempt = 0; attempt < MAX_OPTIMISTIC_ATTEMPTS; attempt += 1) {
      const context = await this.auctions.peekForBid(input.listingId, user.id, input.clientBidId);
      if (!isBiddable(context, input)) throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
      if (context.existing) return replay(context.existing);
      const now = this.clock.now();
      const decision = this.evaluate(context, user, input, now);
      if (!decision.accepted) {
        if (decision.code === 'VALIDATION_FAILED') return decision;
        if (!LOCK_FREE_REJECTIONS.has(decision.code)) return this.decideLocked(user, input);
        await this.recordRejection(null, context, user, input, decision);
        return decision;
      }
      const { bid, row, audit } = acceptedBid(context, user, input, decision.next);
      const applied = await this.auctions.appendAcceptedBidIfUnchanged(
        row,
        { lastSeq: context.auction.lastSeq, endsAt: context.auction.endsAt },
        acceptStep(context),
        audit,
      );
      if (applied) return { accepted: true, bid, fresh: true };
    }
    // Under extreme contention fall back to the lock, which always makes progress.
    return this.decideLocked(user, input);
  }

  private decideLocked(user: AuthUser, input: PlaceBid): Promise<Outcome> {
    return this.dataSource.transaction(async (manager): Promise<Outcome> => {
      const context = await this.auctions.lockForBid(manager, input.listingId, user.id, input.clientBidId);
      if (!isBiddable(context, input)) throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
      if (context.existing) return replay(context.existing);
      const now = this.clock.now();
      const decision = this.evaluate(context, user, input, now);
      if (!decision.accepted) {
        // Bad input writes nothing; rule rejections are kept for supervisors and for replays.
        if (decision.code !== 'VALIDATION_FAILED')
          await this.recordRejection(manager, context, user, input, decision);
        return decision;
      }
      const { bid, row, audit } = acceptedBid(context, user, input, decision.next);
      const expected = { lastSeq: context.auction.lastSeq, endsAt: context.auction.endsAt };
      if (await this.auctions.appendAcceptedBid(manager, row, expected, acceptStep(context), audit))
        return { accepted: true, bid, fresh: true };
      // Under the lock only time can have moved: the database's clock passed the end meanwhile.
      const closed = { code: 'AUCTION_CLOSED' as const, message: 'bidding on this listing has ended' };
      await this.recordRejection(manager, context, user, input, closed);
      return { accepted: false, ...closed };
    });
  }

  private evaluate(context: BidContext, user: AuthUser, input: PlaceBid, now: Date) {
    return evaluateBidOnBothClocks(
      context.auction,
      { bidderId: user.id, qualified: context.registration?.status === 'qualified', amount: input.amount },
      now,
      context.databaseNow,
    );
  }

  /**
   * Rejections of a registered bidder are kept (supervisors see them, a replay answers the
   * same). A bidder with no registration on the auction writes nothing: anyone may send
   * such bids, and a row per attempt would let them fill the table.
   */
  private async recordRejection(
    manager: EntityManager | null,
    context: BidContext,
    user: AuthUser,
    input: PlaceBid,
    decision: { code: ErrorCode; message: string },
  ) {
    if (!context.registration) return;
    await this.auctions.recordRejectedBid(manager, {
      bidderId: user.id,
      clientBidId: input.clientBidId,
      amount: input.amount,
      auctionId: context.auction.id,
      code: decision.code,
      message: decision.message,
      at: context.databaseNow,
    });
  }
}

/**
 * The accepted bid as the API shows it, as the table stores it, and as the audit trail records
 * it. Its time is the database's (the clock every instance shares), as is the new end.
 */
function acceptedBid(context: BidContext, user: AuthUser, input: PlaceBid, next: AcceptedState) {
  const { auction, registration } = context;
  const now = context.databaseNow;
  // Built from the id the database returned, never the one the client typed.
  const bid: BidView = {
    listingId: auction.id,
    seq: next.lastSeq,
    amount: input.amount,
    bidderCode: registration!.bidderCode!,
    at: now.toISOString(),
    endsAt: next.endsAt.toISOString(),
    minNextBid: minNextBid({
      currentPrice: input.amount,
      startPrice: auction.startPrice,
      increment: auction.increment,
    }),
  };
  const row: AcceptedBid = {
    auctionId: auction.id,
    clientBidId: input.clientBidId,
    amount: input.amount,
    bidderId: user.id,
    seq: bid.seq,
    bidderCode: bid.bidderCode,
    at: now,
    endsAt: next.endsAt,
    minNextBid: bid.minNextBid,
    bidCount: next.bidCount,
  };
  const audit: AuditRecord = {
    at: now,
    actorId: user.id,
    action: 'bid.accepted',
    // The trail names what the public knows: the host (a lease listing's id is its auction's).
    entityType: auction.hostType,
    entityId: auction.id,
    data: {
      seq: bid.seq,
      amount: bid.amount,
      bidderCode: bid.bidderCode,
      clientBidId: input.clientBidId,
      endsAt: bid.endsAt,
      ...(acceptStep(context).to !== auction.status ? { opened: true } : {}),
    },
  };
  return { bid, row, audit };
}

/** The status an accepted bid moves the auction to, from the lifecycle table (announced → bidding). */
function acceptStep(context: BidContext): StatusStep {
  const from = context.auction.status;
  const to = nextAuctionStatus(from, 'accept_bid');
  // The rules accept only in a live phase, which the table's accept_bid covers.
  if (!to) throw new Error(`accept_bid is not allowed from ${from}`);
  return { from, to };
}

/**
 * A draft is not there for bidders, nor another line's auction for a line's own endpoint: the
 * same answer as an id that does not exist.
 */
function isBiddable(context: BidContext | null, input: PlaceBid): context is BidContext {
  if (!context || context.auction.status === INITIAL_AUCTION_STATUS) return false;
  return input.hostType === undefined || context.auction.hostType === input.hostType;
}

function replay(existing: BidEntity): Outcome {
  if (existing.outcome === 'accepted') return { accepted: true, bid: toBidView(existing), fresh: false };
  return {
    accepted: false,
    code: existing.outcome as ErrorCode,
    message: existing.message ?? existing.outcome,
  };
}
