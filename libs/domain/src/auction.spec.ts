import {
  type AuctionPhase,
  type AuctionState,
  type BidAttempt,
  auctionPhase,
  closeOutcome,
  decideBidsInArrivalOrder,
  endsAtAfterBid,
  evaluateBid,
  evaluateBidOnBothClocks,
  isDueToClose,
  isDueToOpen,
  minNextBid,
} from './auction.js';
import { leaseDealAmount, leaseMaxBid } from './lease-auction.js';
import type { ErrorCode } from './errors.js';
import type { ListingStatus } from './lease-listing-lifecycle.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

// Schedule used by every case: one hour of free bidding, then a 300 s countdown.
const BIDDING_STARTS = Date.UTC(2030, 0, 11, 2, 0, 0);
const FREE_ENDS = BIDDING_STARTS + HOUR;
const EXTENSION_SECONDS = 300;
// With no countdown bid the auction ends one extension after the free period.
const ENDS = FREE_ENDS + EXTENSION_SECONDS * SECOND;

const START_PRICE = 100_000; // 1,000.00 yuan a month
const INCREMENT = 5_000; // 50.00 yuan
const RESERVE = 150_000;
const TERM = 36;

/** Before the start, in the free period, in the countdown. */
const BEFORE_START = BIDDING_STARTS - 1;
const IN_FREE = BIDDING_STARTS + 30 * MINUTE;
const IN_COUNTDOWN = FREE_ENDS + 2 * MINUTE;

/** A state as a lease host would store it: its term sets `maxBid`. */
type Patch = Partial<AuctionState> & { leaseTermMonths?: number };

function state(patch: Patch = {}): AuctionState {
  const { leaseTermMonths = TERM, ...rest } = patch;
  return {
    status: 'bidding',
    startPrice: START_PRICE,
    increment: INCREMENT,
    reservePrice: RESERVE,
    maxBid: leaseMaxBid(leaseTermMonths),
    allowSelfOutbid: false,
    biddingStartsAt: new Date(BIDDING_STARTS),
    freeBiddingEndsAt: new Date(FREE_ENDS),
    extensionSeconds: EXTENSION_SECONDS,
    endsAt: new Date(ENDS),
    currentPrice: null,
    leaderId: null,
    bidCount: 0,
    lastSeq: 0,
    ...rest,
  };
}

/** An auction that already has a leader ("alice") at 120,000 fen after 3 bids. */
const WITH_LEADER: Patch = {
  currentPrice: 120_000,
  leaderId: 'alice',
  bidCount: 3,
  lastSeq: 3,
};

function bid(patch: Partial<BidAttempt> = {}): BidAttempt {
  return { bidderId: 'bob', qualified: true, amount: START_PRICE, ...patch };
}

/** The largest monthly rent whose rent × term stays ≤ 2^53 − 1, computed exactly. */
function exactMaxBid(term: number): number {
  return Number(BigInt(Number.MAX_SAFE_INTEGER) / BigInt(term));
}

describe('auctionPhase', () => {
  it.each<[string, ListingStatus, number, AuctionPhase]>([
    ['bidding, 1 ms before biddingStartsAt', 'bidding', BIDDING_STARTS - 1, 'not_open'],
    ['bidding, exactly at biddingStartsAt', 'bidding', BIDDING_STARTS, 'free'],
    ['bidding, inside the free period', 'bidding', IN_FREE, 'free'],
    ['bidding, 1 ms before freeBiddingEndsAt', 'bidding', FREE_ENDS - 1, 'free'],
    ['bidding, exactly at freeBiddingEndsAt', 'bidding', FREE_ENDS, 'countdown'],
    ['bidding, 1 ms before endsAt', 'bidding', ENDS - 1, 'countdown'],
    ['bidding, exactly at endsAt', 'bidding', ENDS, 'ended'],
    ['bidding, long after endsAt', 'bidding', ENDS + HOUR, 'ended'],
    // Stored status lags the clock: an announced listing is open once the clock says so.
    ['announced, before biddingStartsAt', 'announced', BEFORE_START, 'not_open'],
    ['announced, clock past biddingStartsAt', 'announced', IN_FREE, 'free'],
    ['announced, clock in the countdown', 'announced', IN_COUNTDOWN, 'countdown'],
    ['announced, clock past endsAt', 'announced', ENDS, 'ended'],
    // Statuses that do not follow the clock.
    ['draft, inside the bidding window', 'draft', IN_FREE, 'not_open'],
    ['draft, after endsAt', 'draft', ENDS + 1, 'not_open'],
    ['suspended, inside the bidding window', 'suspended', IN_COUNTDOWN, 'suspended'],
    ['suspended, before biddingStartsAt', 'suspended', BEFORE_START, 'suspended'],
    ['sold, inside the bidding window', 'sold', IN_FREE, 'closed'],
    ['unsold, inside the bidding window', 'unsold', IN_COUNTDOWN, 'closed'],
    ['cancelled, before biddingStartsAt', 'cancelled', BEFORE_START, 'closed'],
  ])('%s → %s', (_name, status, now, expected) => {
    expect(auctionPhase(state({ status }), new Date(now))).toBe(expected);
  });
});

describe('minNextBid', () => {
  it.each<[string, number | null, number, number, number]>([
    ['no bid yet: the start price', null, START_PRICE, INCREMENT, START_PRICE],
    ['no bid yet ignores the increment', null, 1, 999, 1],
    ['after a bid: current + increment', 120_000, START_PRICE, INCREMENT, 125_000],
    ['after a bid at the start price', START_PRICE, START_PRICE, INCREMENT, START_PRICE + INCREMENT],
    ['increment of one fen', 7, 1, 1, 8],
  ])('%s', (_name, currentPrice, startPrice, increment, expected) => {
    expect(minNextBid({ currentPrice, startPrice, increment })).toBe(expected);
  });
});

describe("leaseMaxBid (the lease host's limit)", () => {
  it.each<[string, number]>([
    ['1 month', 1],
    ['12 months', 12],
    ['36 months', 36],
    ['240 months (the legal maximum)', 240],
    ['7 months', 7],
  ])('%s: the largest rent whose deal value is still a safe integer', (_name, term) => {
    const max = leaseMaxBid(term);
    expect(Number.isSafeInteger(max)).toBe(true);
    // max × term fits, (max + 1) × term does not — checked in exact bigint arithmetic.
    expect(BigInt(max) * BigInt(term)).toBeLessThanOrEqual(BigInt(Number.MAX_SAFE_INTEGER));
    expect(BigInt(max + 1) * BigInt(term)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it.each<[string, number, number]>([
    // 2^53 − 1 = 9,007,199,254,740,991
    ['1 month allows any safe integer', 1, Number.MAX_SAFE_INTEGER],
    // 9,007,199,254,740,991 = 240 × 37,529,996,894,754 + 31
    ['240 months', 240, 37_529_996_894_754],
    // 9,007,199,254,740,991 = 36 × 250,199,979,298,360 + 31
    ['36 months', 36, 250_199_979_298_360],
  ])('%s → %d', (_name, term, expected) => {
    expect(leaseMaxBid(term)).toBe(expected);
  });
});

describe('endsAtAfterBid', () => {
  it.each<[string, number, number, number]>([
    // [name, endsAt before the bid, bid time, expected endsAt]
    ['bid at biddingStartsAt leaves endsAt alone', ENDS, BIDDING_STARTS, ENDS],
    ['bid in the free period leaves endsAt alone', ENDS, IN_FREE, ENDS],
    ['bid 1 ms before freeBiddingEndsAt leaves endsAt alone', ENDS, FREE_ENDS - 1, ENDS],
    [
      'bid exactly at freeBiddingEndsAt restarts the countdown',
      ENDS,
      FREE_ENDS,
      FREE_ENDS + EXTENSION_SECONDS * SECOND,
    ],
    ['bid in the countdown: at + extension', ENDS, IN_COUNTDOWN, IN_COUNTDOWN + EXTENSION_SECONDS * SECOND],
    ['bid 1 ms before endsAt: at + extension', ENDS, ENDS - 1, ENDS - 1 + EXTENSION_SECONDS * SECOND],
    [
      'countdown bid when endsAt is already later than at + extension keeps endsAt',
      FREE_ENDS + 20 * MINUTE,
      FREE_ENDS + MINUTE,
      FREE_ENDS + 20 * MINUTE,
    ],
    [
      'countdown bid landing exactly on endsAt − extension keeps endsAt',
      FREE_ENDS + 20 * MINUTE,
      FREE_ENDS + 20 * MINUTE - EXTENSION_SECONDS * SECOND,
      FREE_ENDS + 20 * MINUTE,
    ],
    [
      'countdown bid 1 ms past endsAt − extension moves endsAt 1 ms later',
      FREE_ENDS + 20 * MINUTE,
      FREE_ENDS + 20 * MINUTE - EXTENSION_SECONDS * SECOND + 1,
      FREE_ENDS + 20 * MINUTE + 1,
    ],
  ])('%s', (_name, endsAt, at, expected) => {
    const s = state({ endsAt: new Date(endsAt) });
    const result = endsAtAfterBid(s, new Date(at));
    expect(result.getTime()).toBe(expected);
    // Never earlier than before the bid.
    expect(result.getTime()).toBeGreaterThanOrEqual(endsAt);
  });

  // With a 600 s extension but endsAt only 300 s past the free period, a restart is visible
  // even for a bid exactly at freeBiddingEndsAt, so the boundary can be told apart.
  it.each<[string, number, number]>([
    [
      '1 ms before freeBiddingEndsAt is still free: endsAt unchanged',
      FREE_ENDS - 1,
      FREE_ENDS + 300 * SECOND,
    ],
    ['exactly at freeBiddingEndsAt is the countdown: restarted', FREE_ENDS, FREE_ENDS + 600 * SECOND],
  ])('free/countdown boundary: %s', (_name, at, expected) => {
    const s = state({ extensionSeconds: 600, endsAt: new Date(FREE_ENDS + 300 * SECOND) });
    expect(endsAtAfterBid(s, new Date(at)).getTime()).toBe(expected);
  });

  it.each<[string, number]>([
    ['1 s', 1],
    ['60 s', 60],
    ['3600 s', 3600],
  ])('extension of %s is counted in seconds', (_name, extensionSeconds) => {
    const s = state({ extensionSeconds });
    expect(endsAtAfterBid(s, new Date(IN_COUNTDOWN)).getTime()).toBe(
      Math.max(IN_COUNTDOWN + extensionSeconds * SECOND, ENDS),
    );
  });
});

describe('evaluateBid', () => {
  describe('rejections', () => {
    const maxFor36 = exactMaxBid(TERM);

    it.each<[string, Patch, Partial<BidAttempt>, number, ErrorCode]>([
      // VALIDATION_FAILED: the amount itself is not a valid bid.
      ['fractional amount', {}, { amount: START_PRICE + 0.5 }, IN_FREE, 'VALIDATION_FAILED'],
      ['zero amount', {}, { amount: 0 }, IN_FREE, 'VALIDATION_FAILED'],
      ['negative amount', {}, { amount: -START_PRICE }, IN_FREE, 'VALIDATION_FAILED'],
      ['NaN amount', {}, { amount: Number.NaN }, IN_FREE, 'VALIDATION_FAILED'],
      ['Infinity amount', {}, { amount: Number.POSITIVE_INFINITY }, IN_FREE, 'VALIDATION_FAILED'],
      ['amount beyond 2^53 − 1', {}, { amount: Number.MAX_SAFE_INTEGER + 2 }, IN_FREE, 'VALIDATION_FAILED'],
      ['amount = maxBid + 1', {}, { amount: maxFor36 + 1 }, IN_FREE, 'VALIDATION_FAILED'],
      [
        'amount = maxBid + 1 for a 240-month lease',
        { leaseTermMonths: 240 },
        { amount: exactMaxBid(240) + 1 },
        IN_FREE,
        'VALIDATION_FAILED',
      ],
      [
        'a host with no limit of its own (a transfer): an amount whose next minimum is past 2^53 − 1',
        { maxBid: Number.MAX_SAFE_INTEGER },
        { amount: Number.MAX_SAFE_INTEGER - INCREMENT + 1 },
        IN_FREE,
        'VALIDATION_FAILED',
      ],
      [
        'invalid amount is reported before qualification and phase',
        { status: 'sold' },
        { amount: 0, qualified: false },
        ENDS + 1,
        'VALIDATION_FAILED',
      ],
      // NOT_QUALIFIED, checked before the phase.
      ['unqualified bidder in the free period', {}, { qualified: false }, IN_FREE, 'NOT_QUALIFIED'],
      [
        'unqualified bidder on a sold auction',
        { status: 'sold' },
        { qualified: false },
        IN_FREE,
        'NOT_QUALIFIED',
      ],
      ['unqualified bidder after endsAt', {}, { qualified: false }, ENDS + 1, 'NOT_QUALIFIED'],
      ['unqualified bidder before opening', {}, { qualified: false }, BEFORE_START, 'NOT_QUALIFIED'],
      // AUCTION_NOT_OPEN
      ['1 ms before biddingStartsAt', {}, {}, BIDDING_STARTS - 1, 'AUCTION_NOT_OPEN'],
      ['announced, before biddingStartsAt', { status: 'announced' }, {}, BEFORE_START, 'AUCTION_NOT_OPEN'],
      ['draft listing inside the bidding window', { status: 'draft' }, {}, IN_FREE, 'AUCTION_NOT_OPEN'],
      ['suspended listing in the free period', { status: 'suspended' }, {}, IN_FREE, 'AUCTION_NOT_OPEN'],
      ['suspended listing in the countdown', { status: 'suspended' }, {}, IN_COUNTDOWN, 'AUCTION_NOT_OPEN'],
      // AUCTION_CLOSED
      ['exactly at endsAt', {}, {}, ENDS, 'AUCTION_CLOSED'],
      ['1 ms after endsAt', {}, {}, ENDS + 1, 'AUCTION_CLOSED'],
      ['announced listing whose clock is past endsAt', { status: 'announced' }, {}, ENDS, 'AUCTION_CLOSED'],
      ['sold listing', { status: 'sold' }, {}, IN_FREE, 'AUCTION_CLOSED'],
      ['unsold listing', { status: 'unsold' }, {}, IN_COUNTDOWN, 'AUCTION_CLOSED'],
      ['cancelled listing', { status: 'cancelled' }, {}, IN_FREE, 'AUCTION_CLOSED'],
      [
        'leader bidding too low after the end is told it is closed',
        WITH_LEADER,
        { bidderId: 'alice', amount: 1 },
        ENDS,
        'AUCTION_CLOSED',
      ],
      // SELF_OUTBID
      ['leader raises own bid', WITH_LEADER, { bidderId: 'alice', amount: 200_000 }, IN_FREE, 'SELF_OUTBID'],
      [
        'leader bidding too low is told it already leads',
        WITH_LEADER,
        { bidderId: 'alice', amount: 120_001 },
        IN_COUNTDOWN,
        'SELF_OUTBID',
      ],
      // BID_TOO_LOW
      ['first bid 1 fen below the start price', {}, { amount: START_PRICE - 1 }, IN_FREE, 'BID_TOO_LOW'],
      ['first bid far below the start price', {}, { amount: 1 }, IN_COUNTDOWN, 'BID_TOO_LOW'],
      [
        'later bid 1 fen below current + increment',
        WITH_LEADER,
        { amount: 120_000 + INCREMENT - 1 },
        IN_FREE,
        'BID_TOO_LOW',
      ],
      ['later bid equal to the current price', WITH_LEADER, { amount: 120_000 }, IN_COUNTDOWN, 'BID_TOO_LOW'],
      ['later bid below the current price', WITH_LEADER, { amount: START_PRICE }, IN_FREE, 'BID_TOO_LOW'],
    ])('%s → %s', (_name, statePatch, attemptPatch, now, code) => {
      const s = Object.freeze(state(statePatch));
      const decision = evaluateBid(s, bid(attemptPatch), new Date(now));
      expect(decision).toEqual({ accepted: false, code, message: expect.any(String) });
      if (!decision.accepted) expect(decision.message.length).toBeGreaterThan(0);
    });

    it.each<[string, Patch, number]>([
      ['first bid', {}, START_PRICE],
      ['later bid', WITH_LEADER, 120_000 + INCREMENT],
    ])('BID_TOO_LOW on a %s names the minimum (%d fen)', (_name, statePatch, minimum) => {
      const decision = evaluateBid(state(statePatch), bid({ amount: minimum - 1 }), new Date(IN_FREE));
      expect(decision.accepted).toBe(false);
      if (!decision.accepted) expect(decision.message).toContain(String(minimum));
    });
  });

  describe('accepted bids', () => {
    const maxFor36 = exactMaxBid(TERM);

    it.each<{
      name: string;
      state: Patch;
      attempt: Partial<BidAttempt>;
      now: number;
      endsAt: number;
    }>([
      {
        name: 'first bid at exactly the start price, free period: endsAt unchanged',
        state: {},
        attempt: { amount: START_PRICE },
        now: IN_FREE,
        endsAt: ENDS,
      },
      {
        name: 'first bid at exactly biddingStartsAt',
        state: {},
        attempt: { amount: START_PRICE },
        now: BIDDING_STARTS,
        endsAt: ENDS,
      },
      {
        name: 'first bid above the start price',
        state: {},
        attempt: { amount: START_PRICE * 3 },
        now: IN_FREE,
        endsAt: ENDS,
      },
      {
        name: 'first bid on a listing still stored as announced once the clock has opened it',
        state: { status: 'announced' },
        attempt: { amount: START_PRICE },
        now: IN_FREE,
        endsAt: ENDS,
      },
      {
        name: 'the leader raises its own bid where the host allows it',
        state: { ...WITH_LEADER, allowSelfOutbid: true },
        attempt: { bidderId: 'alice', amount: 200_000 },
        now: IN_FREE,
        endsAt: ENDS,
      },
      {
        name: 'later bid at exactly current + increment',
        state: WITH_LEADER,
        attempt: { amount: 120_000 + INCREMENT },
        now: IN_FREE,
        endsAt: ENDS,
      },
      {
        name: 'later bid jumping well above current + increment',
        state: WITH_LEADER,
        attempt: { amount: 1_000_000 },
        now: IN_FREE,
        endsAt: ENDS,
      },
      {
        name: 'bid of exactly maxBid',
        state: WITH_LEADER,
        attempt: { amount: maxFor36 },
        now: IN_FREE,
        endsAt: ENDS,
      },
      {
        name: 'a host with no limit of its own: the highest bid whose next minimum is still safe',
        state: { ...WITH_LEADER, maxBid: Number.MAX_SAFE_INTEGER },
        attempt: { amount: Number.MAX_SAFE_INTEGER - INCREMENT },
        now: IN_FREE,
        endsAt: ENDS,
      },
      {
        name: 'bid 1 ms before the free period ends does not move endsAt',
        state: WITH_LEADER,
        attempt: { amount: 130_000 },
        now: FREE_ENDS - 1,
        endsAt: ENDS,
      },
      {
        name: 'bid exactly at freeBiddingEndsAt sets endsAt = at + extension',
        state: WITH_LEADER,
        attempt: { amount: 130_000 },
        now: FREE_ENDS,
        endsAt: FREE_ENDS + EXTENSION_SECONDS * SECOND,
      },
      {
        name: 'bid in the countdown sets endsAt = at + extension',
        state: WITH_LEADER,
        attempt: { amount: 130_000 },
        now: IN_COUNTDOWN,
        endsAt: IN_COUNTDOWN + EXTENSION_SECONDS * SECOND,
      },
      {
        name: 'bid 1 ms before endsAt restarts the countdown from that moment',
        state: WITH_LEADER,
        attempt: { amount: 130_000 },
        now: ENDS - 1,
        endsAt: ENDS - 1 + EXTENSION_SECONDS * SECOND,
      },
      {
        name: 'countdown bid never moves a later endsAt earlier',
        state: { ...WITH_LEADER, endsAt: new Date(FREE_ENDS + 30 * MINUTE) },
        attempt: { amount: 130_000 },
        now: FREE_ENDS + MINUTE,
        endsAt: FREE_ENDS + 30 * MINUTE,
      },
      {
        name: 'counters increment from non-zero values independently',
        state: { currentPrice: 200_000, leaderId: 'carol', bidCount: 7, lastSeq: 12 },
        attempt: { amount: 205_000 },
        now: IN_COUNTDOWN,
        endsAt: IN_COUNTDOWN + EXTENSION_SECONDS * SECOND,
      },
    ])('$name', ({ state: statePatch, attempt: attemptPatch, now, endsAt }) => {
      const before = state(statePatch);
      const attempt = bid(attemptPatch);
      const decision = evaluateBid(Object.freeze({ ...before }), attempt, new Date(now));
      expect(decision).toEqual({
        accepted: true,
        next: {
          currentPrice: attempt.amount,
          leaderId: attempt.bidderId,
          bidCount: before.bidCount + 1,
          lastSeq: before.lastSeq + 1,
          endsAt: new Date(endsAt),
        },
      });
    });
  });
});

describe('closeOutcome', () => {
  it.each<[string, Patch, string]>([
    ['no bids, with a reserve', { reservePrice: RESERVE }, 'no_bids'],
    ['no bids, without a reserve', { reservePrice: null }, 'no_bids'],
    ['a price but no leader is treated as no bids', { currentPrice: RESERVE, leaderId: null }, 'no_bids'],
    ['top bid 1 fen below the reserve', { currentPrice: RESERVE - 1, leaderId: 'alice' }, 'reserve_not_met'],
    [
      'top bid at the start price, reserve higher',
      { currentPrice: START_PRICE, leaderId: 'alice' },
      'reserve_not_met',
    ],
  ])('%s → unsold/%s', (_name, patch, reason) => {
    expect(closeOutcome(state(patch))).toEqual({ status: 'unsold', reason });
  });

  const max240 = exactMaxBid(240);
  it.each<[string, Patch, number, number]>([
    // [name, state, finalPrice, dealAmount = finalPrice × leaseTermMonths]
    ['top bid exactly at the reserve', { currentPrice: RESERVE, leaderId: 'alice' }, RESERVE, RESERVE * TERM],
    ['top bid above the reserve', { currentPrice: 200_000, leaderId: 'alice' }, 200_000, 7_200_000],
    [
      'no reserve: any bid sells',
      { reservePrice: null, currentPrice: START_PRICE, leaderId: 'alice' },
      START_PRICE,
      3_600_000,
    ],
    [
      '12-month lease',
      { reservePrice: null, leaseTermMonths: 12, currentPrice: 123_456, leaderId: 'alice' },
      123_456,
      1_481_472,
    ],
    [
      '240-month lease at maxBid: deal value just under 2^53',
      { reservePrice: null, leaseTermMonths: 240, currentPrice: max240, leaderId: 'alice' },
      max240,
      // 2^53 − 1 = 240 × 37,529,996,894,754 + 31, so the deal is 2^53 − 1 − 31.
      Number.MAX_SAFE_INTEGER - 31,
    ],
    [
      '1-month lease at 2^53 − 1',
      { reservePrice: null, leaseTermMonths: 1, currentPrice: Number.MAX_SAFE_INTEGER, leaderId: 'alice' },
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
    ],
  ])('%s → sold', (_name, patch, finalPrice, dealAmount) => {
    const outcome = closeOutcome(state(patch));
    expect(outcome).toEqual({ status: 'sold', finalPrice, winnerId: 'alice' });
    // The deal is the lease host's: final price × months.
    const term = patch.leaseTermMonths ?? TERM;
    const deal = leaseDealAmount(finalPrice, term);
    expect(deal).toBe(dealAmount);
    expect(Number.isSafeInteger(deal)).toBe(true);
    expect(BigInt(deal)).toBe(BigInt(finalPrice) * BigInt(term));
  });

  it('refuses a price above maxBid that evaluateBid could never have accepted', () => {
    const s = state({
      reservePrice: null,
      leaseTermMonths: 240,
      currentPrice: max240 + 1,
      leaderId: 'alice',
    });
    expect(closeOutcome(s)).toEqual({ status: 'sold', finalPrice: max240 + 1, winnerId: 'alice' });
    expect(() => leaseDealAmount(max240 + 1, 240)).toThrow(RangeError);
  });
});

describe('isDueToOpen', () => {
  it.each<[string, ListingStatus, number, boolean]>([
    ['announced, 1 ms before biddingStartsAt', 'announced', BIDDING_STARTS - 1, false],
    ['announced, exactly at biddingStartsAt', 'announced', BIDDING_STARTS, true],
    ['announced, in the free period', 'announced', IN_FREE, true],
    ['announced, past endsAt (still needs opening)', 'announced', ENDS + 1, true],
    ['bidding: already open', 'bidding', IN_FREE, false],
    ['draft: never opened by the clock', 'draft', IN_FREE, false],
    ['suspended: never opened by the clock', 'suspended', IN_FREE, false],
    ['sold', 'sold', IN_FREE, false],
    ['unsold', 'unsold', IN_FREE, false],
    ['cancelled', 'cancelled', IN_FREE, false],
  ])('%s → %s', (_name, status, now, expected) => {
    expect(isDueToOpen(state({ status }), new Date(now))).toBe(expected);
  });
});

describe('isDueToClose', () => {
  it.each<[string, ListingStatus, number, boolean]>([
    ['bidding, in the countdown', 'bidding', IN_COUNTDOWN, false],
    ['bidding, 1 ms before endsAt', 'bidding', ENDS - 1, false],
    ['bidding, exactly at endsAt', 'bidding', ENDS, true],
    ['bidding, 1 ms after endsAt', 'bidding', ENDS + 1, true],
    ['announced, 1 ms before endsAt', 'announced', ENDS - 1, false],
    ['announced, exactly at endsAt', 'announced', ENDS, true],
    ['draft after endsAt', 'draft', ENDS + HOUR, false],
    ['suspended after endsAt', 'suspended', ENDS + HOUR, false],
    ['sold after endsAt', 'sold', ENDS + HOUR, false],
    ['unsold after endsAt', 'unsold', ENDS + HOUR, false],
    ['cancelled after endsAt', 'cancelled', ENDS + HOUR, false],
  ])('%s → %s', (_name, status, now, expected) => {
    expect(isDueToClose(state({ status }), new Date(now))).toBe(expected);
  });

  it('follows an extended endsAt, not the original one', () => {
    const extended = state({ endsAt: new Date(ENDS + 10 * MINUTE) });
    expect(isDueToClose(extended, new Date(ENDS))).toBe(false);
    expect(isDueToClose(extended, new Date(ENDS + 10 * MINUTE))).toBe(true);
  });
});

describe('evaluateBidOnBothClocks: the database clock decides, the process clock can only refuse', () => {
  const attempt: BidAttempt = { bidderId: 'bob', qualified: true, amount: START_PRICE };
  const cases: [string, number, number, 'accepted' | ErrorCode][] = [
    ['both clocks in the free period', IN_FREE, IN_FREE, 'accepted'],
    ['process behind, database past the end', ENDS - 5 * SECOND, ENDS, 'AUCTION_CLOSED'],
    ['process behind, database 1 ms past the end', ENDS - 1, ENDS + 1, 'AUCTION_CLOSED'],
    ['process ahead, database before the start', BIDDING_STARTS, BEFORE_START, 'AUCTION_NOT_OPEN'],
    ['process before the start, database open', BEFORE_START, IN_FREE, 'AUCTION_NOT_OPEN'],
    ['process past the end, database before it', ENDS, ENDS - 5 * SECOND, 'AUCTION_CLOSED'],
    ['database ahead but still in the countdown', IN_COUNTDOWN, IN_COUNTDOWN + 5 * SECOND, 'accepted'],
  ];
  it.each(cases)('%s → %s', (_name, processNow, databaseNow, expected) => {
    const decision = evaluateBidOnBothClocks(state(), attempt, new Date(processNow), new Date(databaseNow));
    expect(decision.accepted ? 'accepted' : decision.code).toBe(expected);
  });

  it.each([
    ['process 3 s behind', IN_COUNTDOWN - 3 * SECOND],
    ['process 3 s ahead', IN_COUNTDOWN + 3 * SECOND],
    ['clocks agree', IN_COUNTDOWN],
  ])('%s: the database clock sets the new end', (_name, processNow) => {
    const databaseNow = IN_COUNTDOWN;
    const decision = evaluateBidOnBothClocks(state(), attempt, new Date(processNow), new Date(databaseNow));
    expect(decision).toMatchObject({
      accepted: true,
      next: { endsAt: new Date(databaseNow + EXTENSION_SECONDS * SECOND) },
    });
  });
});

describe('decideBidsInArrivalOrder: a batch decided in arrival order, each against the state the last left', () => {
  /** Outcome per attempt, as 'accepted' or the code, and the state the batch leaves. */
  function decide(
    patch: Patch,
    attempts: Partial<BidAttempt>[],
    processNow: number,
    databaseNow = processNow,
  ) {
    const result = decideBidsInArrivalOrder(
      state(patch),
      attempts.map((a) => bid(a)),
      new Date(processNow),
      new Date(databaseNow),
    );
    return {
      outcomes: result.decisions.map((d) => (d.accepted ? 'accepted' : d.code)),
      state: result.state,
    };
  }

  const cases: {
    name: string;
    patch: Patch;
    attempts: Partial<BidAttempt>[];
    at: number;
    outcomes: ('accepted' | ErrorCode)[];
    leaves: Partial<AuctionState>;
  }[] = [
    {
      name: 'three bidders raising in turn: all accepted, seq and count advance per bid',
      patch: {},
      attempts: [
        { bidderId: 'a', amount: 100_000 },
        { bidderId: 'b', amount: 105_000 },
        { bidderId: 'c', amount: 110_000 },
      ],
      at: IN_FREE,
      outcomes: ['accepted', 'accepted', 'accepted'],
      leaves: { currentPrice: 110_000, leaderId: 'c', lastSeq: 3, bidCount: 3, status: 'bidding' },
    },
    {
      name: 'two bids of the same amount: the first arrival wins, the second is too low against it',
      patch: {},
      attempts: [
        { bidderId: 'a', amount: 100_000 },
        { bidderId: 'b', amount: 100_000 },
      ],
      at: IN_FREE,
      outcomes: ['accepted', 'BID_TOO_LOW'],
      leaves: { currentPrice: 100_000, leaderId: 'a', lastSeq: 1, bidCount: 1 },
    },
    {
      name: 'the leader of the batch bidding again in the same batch is SELF_OUTBID',
      patch: {},
      attempts: [
        { bidderId: 'a', amount: 100_000 },
        { bidderId: 'a', amount: 200_000 },
        { bidderId: 'b', amount: 105_000 },
      ],
      at: IN_FREE,
      outcomes: ['accepted', 'SELF_OUTBID', 'accepted'],
      leaves: { currentPrice: 105_000, leaderId: 'b', lastSeq: 2 },
    },
    {
      name: 'the self-outbid option lets the leader raise within the batch',
      patch: { allowSelfOutbid: true },
      attempts: [
        { bidderId: 'a', amount: 100_000 },
        { bidderId: 'a', amount: 200_000 },
      ],
      at: IN_FREE,
      outcomes: ['accepted', 'accepted'],
      leaves: { currentPrice: 200_000, leaderId: 'a', lastSeq: 2 },
    },
    {
      name: 'an announced auction opens on the first accepted bid; later bids see it bidding',
      patch: { status: 'announced' },
      attempts: [
        { bidderId: 'a', amount: 90_000 },
        { bidderId: 'b', amount: 100_000 },
        { bidderId: 'c', amount: 105_000 },
      ],
      at: IN_FREE,
      outcomes: ['BID_TOO_LOW', 'accepted', 'accepted'],
      leaves: { status: 'bidding', leaderId: 'c', lastSeq: 2 },
    },
    {
      name: 'an unqualified bidder between two qualified ones changes nothing',
      patch: WITH_LEADER,
      attempts: [
        { bidderId: 'b', amount: 125_000 },
        { bidderId: 'x', amount: 500_000, qualified: false },
        { bidderId: 'c', amount: 130_000 },
      ],
      at: IN_FREE,
      outcomes: ['accepted', 'NOT_QUALIFIED', 'accepted'],
      leaves: { currentPrice: 130_000, leaderId: 'c', lastSeq: 5, bidCount: 5 },
    },
    {
      name: 'in the countdown each accepted bid restarts the end from the database’s clock',
      patch: {},
      attempts: [
        { bidderId: 'a', amount: 100_000 },
        { bidderId: 'b', amount: 105_000 },
      ],
      at: IN_COUNTDOWN,
      outcomes: ['accepted', 'accepted'],
      leaves: { endsAt: new Date(IN_COUNTDOWN + EXTENSION_SECONDS * SECOND), lastSeq: 2 },
    },
    {
      name: 'a batch read after the end is closed, every bid of it, and the state is untouched',
      patch: WITH_LEADER,
      attempts: [
        { bidderId: 'b', amount: 125_000 },
        { bidderId: 'c', amount: 130_000 },
      ],
      at: ENDS,
      outcomes: ['AUCTION_CLOSED', 'AUCTION_CLOSED'],
      leaves: { currentPrice: 120_000, leaderId: 'alice', lastSeq: 3, endsAt: new Date(ENDS) },
    },
    {
      name: 'an amount over the host’s limit is VALIDATION_FAILED and the next bid is decided as if it never came',
      patch: {},
      attempts: [
        { bidderId: 'a', amount: Number.MAX_SAFE_INTEGER },
        { bidderId: 'b', amount: 100_000 },
      ],
      at: IN_FREE,
      outcomes: ['VALIDATION_FAILED', 'accepted'],
      leaves: { currentPrice: 100_000, leaderId: 'b', lastSeq: 1 },
    },
    {
      name: 'an empty batch leaves the state as it was',
      patch: WITH_LEADER,
      attempts: [],
      at: IN_FREE,
      outcomes: [],
      leaves: { currentPrice: 120_000, leaderId: 'alice', lastSeq: 3 },
    },
  ];

  it.each(cases)('$name', ({ patch, attempts, at, outcomes, leaves }) => {
    const result = decide(patch, attempts, at);
    expect(result.outcomes).toEqual(outcomes);
    expect(result.state).toMatchObject(leaves);
  });

  it('decides each bid exactly as evaluateBidOnBothClocks would on the state the previous ones left', () => {
    const attempts = [
      bid({ bidderId: 'a', amount: 100_000 }),
      bid({ bidderId: 'b', amount: 100_000 }),
      bid({ bidderId: 'b', amount: 110_000 }),
      bid({ bidderId: 'b', amount: 120_000 }),
    ];
    const now = new Date(IN_COUNTDOWN);
    let expected = state();
    const oneByOne = attempts.map((attempt) => {
      const decision = evaluateBidOnBothClocks(expected, attempt, now, now);
      if (decision.accepted) expected = { ...expected, ...decision.next };
      return decision;
    });
    const batch = decideBidsInArrivalOrder(state(), attempts, now, now);
    expect(batch.decisions).toEqual(oneByOne);
    expect(batch.state).toEqual(expected);
  });

  it('leaves the state it was given as it was', () => {
    const given = state(WITH_LEADER);
    const copy = structuredClone(given);
    decideBidsInArrivalOrder(given, [bid({ amount: 125_000 })], new Date(IN_FREE), new Date(IN_FREE));
    expect(given).toEqual(copy);
  });
});
