import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, Clock, FixedWindowRateLimiter, KeyedBatches } from '@ggzy/common';
import {
  activeBan,
  type AuctionState,
  type AuctionStatus,
  type BidDecision,
  decideBidsInArrivalOrder,
  DomainError,
  type ErrorCode,
  INITIAL_AUCTION_STATUS,
  isFen,
  minNextBid,
  nextAuctionStatus,
  type Sanction,
} from '@ggzy/domain';
import {
  type AcceptedBid,
  type AuditRecord,
  type AuctionHostType,
  type AuctionRow,
  AuctionsRepository,
  type BatchContext,
  type BidBatchWrite,
  type BidEntity,
  type BidOrigin,
  isUniqueViolation,
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
  /** Where it came from (early warning): the transport's client address and device fingerprint hash. */
  origin?: BidOrigin;
}

/**
 * Told after an accepted bid with a known origin, off the bid's answer: early warning checks the
 * process's addresses and devices while bidding (SHARED_CLIENT_ADDRESS/SHARED_DEVICE_FINGERPRINT)
 * elsewhere (a queued job), so the bid path pays nothing for it. Optional: none in the worker.
 */
export const BID_ORIGIN_WATCH = Symbol('BID_ORIGIN_WATCH');
export interface BidOriginWatch {
  bidAccepted(auctionId: string): void;
}

/** Lock-free tries of one batch before it takes the auction's lock, which always makes progress. */
const MAX_OPTIMISTIC_ATTEMPTS = 50;
/** Under the lock only the database's clock can refuse a write; a re-read then decides it closed. */
const MAX_LOCKED_ATTEMPTS = 3;
/** Refusals the clock decides: exact only against every accepted bid, committed or in flight. */
const CLOCK_REFUSALS = new Set<ErrorCode>(['AUCTION_CLOSED', 'AUCTION_NOT_OPEN']);
/** One attempt per bidder and clientBidId: the unique key a racing copy of a bid runs into. */
const CLIENT_BID_KEY = 'bids_auction_id_bidder_id_client_bid_id_key';
/**
 * Bids one process holds for an auction while a batch is written: past it a bid is refused at
 * once, so a stuck batch cannot pile up memory behind it.
 */
const MAX_WAITING_PER_AUCTION = 10_000;
/** Bids decided and committed together at most: bounds the statement and the wait behind it. */
const MAX_BATCH = 256;

type AcceptedState = Extract<BidDecision, { accepted: true }>['next'];

type Outcome =
  | {
      accepted: true;
      bid: BidView;
      fresh: boolean;
      /** The status this bid moved the auction to when it opened it (before the worker's open). */
      openedTo?: AuctionStatus;
    }
  | { accepted: false; code: ErrorCode; message: string };

interface Pending {
  user: AuthUser;
  input: PlaceBid;
}

/** A batch decided against one read: each bid's outcome, and what must be written for them to stand. */
interface Plan {
  outcomes: (Outcome | DomainError)[];
  write: BidBatchWrite | null;
}

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

/**
 * The bid path shared by the socket gateway and the REST twin. Bids on one auction that
 * arrive while its previous batch is being written wait, and are then decided together in
 * arrival order and committed once (group commit). No bid is answered before its batch
 * commits; a batch that fails to commit answers none of its bids as accepted.
 */
@Injectable()
export class BidService {
  private readonly limiter: FixedWindowRateLimiter;
  private readonly timeZone: string;
  private readonly batches = new KeyedBatches<Pending, Outcome>(
    (auctionId, pending) => this.decideBatch(auctionId, pending),
    MAX_BATCH,
  );

  constructor(
    private readonly dataSource: DataSource,
    private readonly auctions: AuctionsRepository,
    private readonly clock: Clock,
    @Inject(LIVE_EVENTS) private readonly liveEvents: LiveEvents,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() @Inject(BID_ORIGIN_WATCH) private readonly originWatch?: BidOriginWatch,
  ) {
    this.limiter = new FixedWindowRateLimiter(config.BID_RATE_LIMIT_PER_SECOND, 1000);
    this.timeZone = config.CENTRE_TZ;
  }

  /**
   * Accepted when its batch's transaction commits, never earlier; then broadcast. A retried
   * clientBidId answers with the first outcome. Rejections throw a DomainError.
   */
  async placeBid(user: AuthUser, input: PlaceBid): Promise<BidView> {
    if (!user.roles.includes('bidder')) throw new DomainError('FORBIDDEN', 'only bidders may bid');
    if (!isFen(input.amount))
      throw new DomainError('VALIDATION_FAILED', 'amount must be a positive whole number of fen');
    if (!this.limiter.tryHit(user.id)) throw new DomainError('RATE_LIMITED', 'too many bids; slow down');
    if (this.batches.waitingCount(input.listingId) >= MAX_WAITING_PER_AUCTION)
      throw new DomainError('RATE_LIMITED', 'too many bids are waiting on this listing; try again');
    const outcome = await this.batches.submit(input.listingId, { user, input });
    if (!outcome.accepted) throw new DomainError(outcome.code, outcome.message);
    // A bid that opened the auction says so first, as the worker's open would have.
    if (outcome.fresh && outcome.openedTo)
      this.liveEvents.publish('auction.status', {
        listingId: outcome.bid.listingId,
        status: outcome.openedTo,
        endsAt: outcome.bid.endsAt,
      });
    if (outcome.fresh) this.liveEvents.publish('bid.accepted', outcome.bid);
    if (outcome.fresh && (input.origin?.clientAddress || input.origin?.deviceFingerprint))
      this.originWatch?.bidAccepted(outcome.bid.listingId);
    return outcome.bid;
  }

  /**
   * The hot path holds no lock across round trips: it reads the auction and every bidder's
   * registration and earlier attempt at once, decides the batch with the domain rules, then
   * writes it in one statement only if the auction is unchanged. If another process's write
   * got there first, or two copies of one clientBidId raced, it reads again and decides anew.
   */
  private async decideBatch(auctionId: string, batch: Pending[]): Promise<(Outcome | DomainError)[]> {
    const keys = batch.map(({ user, input }) => ({ bidderId: user.id, clientBidId: input.clientBidId }));
    for (let attempt = 0; attempt < MAX_OPTIMISTIC_ATTEMPTS; attempt += 1) {
      const plan = this.plan(await this.auctions.peekForBids(auctionId, keys), batch);
      if (!plan.write || (await this.writeOrRetry(plan.write))) return plan.outcomes;
    }
    // Under extreme contention fall back to the lock, which always makes progress.
    return this.decideBatchLocked(auctionId, batch, keys);
  }

  /**
   * Under the auction's row lock only the database's clock can refuse the write (a re-read then
   * decides the batch closed), or a copy of a key sent to another process, whose refusal does
   * not wait for the lock, can take its key first: the transaction is then run again, and its
   * read finds that attempt and replays it.
   */
  private async decideBatchLocked(
    auctionId: string,
    batch: Pending[],
    keys: { bidderId: string; clientBidId: string }[],
  ): Promise<(Outcome | DomainError)[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          for (let read = 1; ; read += 1) {
            const plan = this.plan(await this.auctions.lockForBids(manager, auctionId, keys), batch);
            if (!plan.write || (await this.auctions.writeBids(manager, plan.write))) return plan.outcomes;
            if (read >= MAX_LOCKED_ATTEMPTS) throw new Error('the locked bid write kept failing');
          }
        });
      } catch (error) {
        // Each such retry makes progress (that key replays from then on): up to one per bid.
        if (attempt >= MAX_LOCKED_ATTEMPTS + batch.length || !isUniqueViolation(error, CLIENT_BID_KEY))
          throw error;
      }
    }
  }

  /** Writes lock-free; false (read again) when the auction moved or a copy of a key got there first. */
  private async writeOrRetry(write: BidBatchWrite): Promise<boolean> {
    try {
      return await this.auctions.writeBids(null, write);
    } catch (error) {
      if (isUniqueViolation(error, CLIENT_BID_KEY)) return false;
      throw error;
    }
  }

  /**
   * Each bid in arrival order: not there for it (a draft, another line's auction) → not found;
   * a key already used → its first outcome; a bidder banned at the database's clock →
   * PARTY_BANNED (credit); else the rules, against the state the bids before it left. Bad input
   * writes nothing; rule rejections of a registered bidder (a ban's too) are kept for supervisors
   * and replays; a bidder with no registration writes nothing (anyone may send such bids, and a
   * row per attempt would let them fill the table).
   */
  private plan(context: BatchContext | null, batch: Pending[]): Plan {
    const notFound = () => new DomainError('LISTING_NOT_FOUND', 'no such listing');
    if (!context) return { outcomes: batch.map(notFound), write: null };
    const { auction, databaseNow } = context;
    const outcomes: (Outcome | DomainError | undefined)[] = new Array(batch.length);
    const firstOfKey = new Map<string, number>();
    const decided: { index: number; pending: Pending; qualified: boolean; ban?: Sanction }[] = [];
    batch.forEach((pending, index) => {
      if (!isBiddable(auction, pending.input)) {
        outcomes[index] = notFound();
        return;
      }
      const { existing, registration, bans } = context.entries[index];
      if (existing) {
        outcomes[index] = replay(existing);
        return;
      }
      const key = JSON.stringify([pending.user.id, pending.input.clientBidId]);
      const first = firstOfKey.get(key);
      if (first !== undefined) {
        outcomes[index] = undefined; // answered below, once the first copy is decided
        return;
      }
      firstOfKey.set(key, index);
      const ban = bans.length > 0 ? activeBan(pending.user.id, bans, databaseNow, this.timeZone) : undefined;
      decided.push({ index, pending, qualified: registration?.status === 'qualified', ban });
    });

    // A banned bidder's bid is refused before the rules: it moves nothing for the bids after it.
    const ruled = decided.filter(({ ban }) => !ban);
    const { decisions, state } = decideBidsInArrivalOrder(
      auction,
      ruled.map(({ pending, qualified }) => ({
        bidderId: pending.user.id,
        qualified,
        amount: pending.input.amount,
      })),
      this.clock.now(),
      databaseNow,
    );
    const write: BidBatchWrite = {
      auctionId: auction.id,
      expected: { lastSeq: auction.lastSeq, endsAt: auction.endsAt, status: auction.status },
      next: null,
      bids: [],
      audit: [],
    };
    let before: AuctionState = auction;
    let ruledIndex = 0;
    decided.forEach(({ index, pending, ban }) => {
      const decision: BidDecision = ban ? bannedDecision(ban) : decisions[ruledIndex++];
      const registration = context.entries[index].registration;
      if (decision.accepted) {
        const { bid, row, audit } = acceptedBid(
          auction,
          before,
          databaseNow,
          pending,
          registration!,
          decision.next,
        );
        write.bids.push({ accepted: true, bid: row });
        write.audit.push(audit);
        const status = nextAuctionStatus(before.status, 'accept_bid')!;
        outcomes[index] = {
          accepted: true,
          bid,
          fresh: true,
          ...(status !== before.status ? { openedTo: status } : {}),
        };
        before = { ...before, ...decision.next, status };
        return;
      }
      outcomes[index] = decision;
      if (decision.code !== 'VALIDATION_FAILED' && registration)
        write.bids.push({
          accepted: false,
          bid: {
            auctionId: auction.id,
            bidderId: pending.user.id,
            clientBidId: pending.input.clientBidId,
            amount: pending.input.amount,
            code: decision.code,
            message: decision.message,
            at: databaseNow,
            origin: pending.input.origin,
          },
        });
    });
    if (state.lastSeq !== auction.lastSeq)
      write.next = {
        currentPrice: state.currentPrice!,
        leaderId: state.leaderId!,
        bidCount: state.bidCount,
        lastSeq: state.lastSeq,
        endsAt: state.endsAt,
        status: state.status,
        at: databaseNow,
      };
    // A later copy of a key in the batch answers as the first did; it is not published again.
    batch.forEach((pending, index) => {
      if (outcomes[index] !== undefined) return;
      const first = outcomes[firstOfKey.get(JSON.stringify([pending.user.id, pending.input.clientBidId]))!]!;
      outcomes[index] = first instanceof DomainError || !first.accepted ? first : { ...first, fresh: false };
    });
    write.refusedOnTheClock = write.bids.some(
      (entry) => !entry.accepted && CLOCK_REFUSALS.has(entry.bid.code as ErrorCode),
    );
    return {
      outcomes: outcomes as (Outcome | DomainError)[],
      write: write.bids.length > 0 ? write : null,
    };
  }
}

/**
 * The accepted bid as the API shows it, as the table stores it, and as the audit trail records
 * it, decided on `before` (the auction as the batch's earlier bids left it). Its time is the
 * database's (the clock every instance shares), as is the new end.
 */
function acceptedBid(
  auction: AuctionRow,
  before: AuctionState,
  now: Date,
  { user, input }: Pending,
  registration: { bidderCode: string | null },
  next: AcceptedState,
) {
  // Built from the id the database returned, never the one the client typed.
  const bid: BidView = {
    listingId: auction.id,
    seq: next.lastSeq,
    amount: input.amount,
    bidderCode: registration.bidderCode!,
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
    origin: input.origin,
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
      // The bid whose accept_bid step (the lifecycle table's) moved the status opened the auction.
      ...(nextAuctionStatus(before.status, 'accept_bid') !== before.status ? { opened: true } : {}),
    },
  };
  return { bid, row, audit };
}

/**
 * A draft is not there for bidders, nor another line's auction for a line's own endpoint: the
 * same answer as an id that does not exist.
 */
function isBiddable(auction: AuctionRow, input: PlaceBid): boolean {
  if (auction.status === INITIAL_AUCTION_STATUS) return false;
  return input.hostType === undefined || auction.hostType === input.hostType;
}

function bannedDecision(ban: Sanction): BidDecision {
  return { accepted: false, code: 'PARTY_BANNED', message: `banned until ${ban.bannedUntil} (${ban.basis})` };
}

function replay(existing: BidEntity): Outcome {
  if (existing.outcome === 'accepted') return { accepted: true, bid: toBidView(existing), fresh: false };
  return {
    accepted: false,
    code: existing.outcome as ErrorCode,
    message: existing.message ?? existing.outcome,
  };
}
