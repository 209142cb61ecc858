import type { ErrorCode } from './errors.js';
import { type AuctionStatus, nextAuctionStatus } from './auction-lifecycle.js';
import { type Fen, isFen } from './money.js';

/**
 * What the bid rules need to know about an auction, as stored. Nothing here is a host's: the
 * host (lease listing, transfer project) sets `maxBid` (its limit) when it writes the terms,
 * and decides what the outcome is worth when the auction closes.
 */
export interface AuctionState {
  status: AuctionStatus;
  startPrice: Fen;
  increment: Fen;
  reservePrice: Fen | null;
  /** The largest amount the host can turn into a deal (a lease: rent × months stays safe). */
  maxBid: Fen;
  /** Whether the leader may raise its own bid (leases: no, SELF_OUTBID). */
  allowSelfOutbid: boolean;
  biddingStartsAt: Date;
  freeBiddingEndsAt: Date;
  extensionSeconds: number;
  endsAt: Date;
  currentPrice: Fen | null;
  leaderId: string | null;
  bidCount: number;
  lastSeq: number;
}

/**
 * The phase the server's clock puts an auction in. Stored status lags the clock (a job
 * flips it), so every decision goes through this: a bid a millisecond after `endsAt` is
 * closed even if no job has run yet.
 */
export type AuctionPhase = 'not_open' | 'free' | 'countdown' | 'ended' | 'suspended' | 'closed';

export function auctionPhase(
  state: Pick<AuctionState, 'status' | 'biddingStartsAt' | 'freeBiddingEndsAt' | 'endsAt'>,
  now: Date,
): AuctionPhase {
  switch (state.status) {
    case 'draft':
      return 'not_open';
    case 'suspended':
      return 'suspended';
    case 'sold':
    case 'unsold':
    case 'cancelled':
      return 'closed';
    case 'announced':
    case 'bidding': {
      const t = now.getTime();
      if (t < state.biddingStartsAt.getTime()) return 'not_open';
      if (t >= state.endsAt.getTime()) return 'ended';
      return t < state.freeBiddingEndsAt.getTime() ? 'free' : 'countdown';
    }
  }
}

/** The first bid must reach the start price; every later one must beat the current price by the increment. */
export function minNextBid(state: Pick<AuctionState, 'currentPrice' | 'startPrice' | 'increment'>): Fen {
  return state.currentPrice === null ? state.startPrice : state.currentPrice + state.increment;
}

/** Bids in the free period leave the end alone; in the countdown each one restarts it. */
export function endsAtAfterBid(
  state: Pick<AuctionState, 'freeBiddingEndsAt' | 'extensionSeconds' | 'endsAt'>,
  at: Date,
): Date {
  if (at.getTime() < state.freeBiddingEndsAt.getTime()) return state.endsAt;
  const restarted = at.getTime() + state.extensionSeconds * 1000;
  return new Date(Math.max(restarted, state.endsAt.getTime()));
}

export interface BidAttempt {
  bidderId: string;
  qualified: boolean;
  amount: number;
}

export type BidDecision =
  | {
      accepted: true;
      next: Pick<AuctionState, 'currentPrice' | 'leaderId' | 'bidCount' | 'lastSeq' | 'endsAt'>;
    }
  | { accepted: false; code: ErrorCode; message: string };

/**
 * The highest amount the engine accepts: the host's limit, and never so high that the next
 * minimum (amount + increment) leaves the safe integers, since every accepted bid records it
 * and every reader computes it (a transfer's limit is the safe range itself).
 */
export function highestAcceptableBid(state: Pick<AuctionState, 'maxBid' | 'increment'>): Fen {
  return Math.min(state.maxBid, Number.MAX_SAFE_INTEGER - state.increment);
}

export function evaluateBid(state: AuctionState, attempt: BidAttempt, now: Date): BidDecision {
  if (!isFen(attempt.amount) || attempt.amount > highestAcceptableBid(state)) {
    return reject('VALIDATION_FAILED', 'amount must be a positive whole number of fen within range');
  }
  if (!attempt.qualified) return reject('NOT_QUALIFIED', 'only qualified bidders may bid on this listing');
  const phase = auctionPhase(state, now);
  if (phase === 'ended' || phase === 'closed')
    return reject('AUCTION_CLOSED', 'bidding on this listing has ended');
  if (phase === 'not_open' || phase === 'suspended') {
    return reject('AUCTION_NOT_OPEN', 'bidding on this listing is not open');
  }
  if (state.leaderId === attempt.bidderId && !state.allowSelfOutbid) {
    return reject('SELF_OUTBID', 'you already hold the leading bid');
  }
  const minimum = minNextBid(state);
  if (attempt.amount < minimum) {
    return reject('BID_TOO_LOW', `the minimum bid is ${minimum} fen`);
  }
  return {
    accepted: true,
    next: {
      currentPrice: attempt.amount,
      leaderId: attempt.bidderId,
      bidCount: state.bidCount + 1,
      lastSeq: state.lastSeq + 1,
      endsAt: endsAtAfterBid(state, now),
    },
  };
}

/**
 * The database's clock decides, and the process's may only say no. The database's clock is
 * the one every instance shares, so the bid's time and the countdown's new end come from it:
 * a gateway whose clock runs behind would otherwise hand out a shorter extension than the
 * rule's, one that runs ahead a longer one. A process whose clock says the window is not open
 * still refuses, so neither clock alone can take a bid outside it.
 */
export function evaluateBidOnBothClocks(
  state: AuctionState,
  attempt: BidAttempt,
  processNow: Date,
  databaseNow: Date,
): BidDecision {
  const decision = evaluateBid(state, attempt, databaseNow);
  if (!decision.accepted) return decision;
  const phase = auctionPhase(state, processNow);
  if (phase === 'ended') return reject('AUCTION_CLOSED', 'bidding on this listing has ended');
  if (phase === 'not_open') return reject('AUCTION_NOT_OPEN', 'bidding on this listing is not open');
  return decision;
}

/**
 * Bids that arrived together for one auction (a group commit's batch), decided in arrival
 * order: each against the state the previous one left, on the same two clocks. An accepted
 * bid moves the status by the lifecycle table's `accept_bid` (announced → bidding), so the
 * next bid of the batch sees the auction as the first one left it.
 */
export function decideBidsInArrivalOrder(
  state: AuctionState,
  attempts: readonly BidAttempt[],
  processNow: Date,
  databaseNow: Date,
): { decisions: BidDecision[]; state: AuctionState } {
  let current = state;
  const decisions = attempts.map((attempt) => {
    const decision = evaluateBidOnBothClocks(current, attempt, processNow, databaseNow);
    if (decision.accepted) {
      const status = nextAuctionStatus(current.status, 'accept_bid');
      // The rules accept only in a live phase, which the table's accept_bid covers.
      if (!status) throw new Error(`accept_bid is not allowed from ${current.status}`);
      current = { ...current, ...decision.next, status };
    }
    return decision;
  });
  return { decisions, state: current };
}

/** The engine's result: the final price and the winner. What that is worth as a deal is the host's call. */
export type CloseOutcome =
  | { status: 'sold'; finalPrice: Fen; winnerId: string }
  | { status: 'unsold'; reason: 'no_bids' | 'reserve_not_met' };

/** At the end: sold when the top bid meets the reserve (or there is none), else 流拍. */
export function closeOutcome(state: AuctionState): CloseOutcome {
  if (state.currentPrice === null || state.leaderId === null) return { status: 'unsold', reason: 'no_bids' };
  if (state.reservePrice !== null && state.currentPrice < state.reservePrice) {
    return { status: 'unsold', reason: 'reserve_not_met' };
  }
  return { status: 'sold', finalPrice: state.currentPrice, winnerId: state.leaderId };
}

/** Whether the clock says this auction is due to be opened or closed by the worker (the lifecycle table says from where). */
export function isDueToOpen(state: Pick<AuctionState, 'status' | 'biddingStartsAt'>, now: Date): boolean {
  return (
    nextAuctionStatus(state.status, 'open') !== undefined && now.getTime() >= state.biddingStartsAt.getTime()
  );
}

export function isDueToClose(state: Pick<AuctionState, 'status' | 'endsAt'>, now: Date): boolean {
  return (
    nextAuctionStatus(state.status, 'close_sold') !== undefined && now.getTime() >= state.endsAt.getTime()
  );
}

function reject(code: ErrorCode, message: string): BidDecision {
  return { accepted: false, code, message };
}
