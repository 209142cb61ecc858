import { type Fen, multiplyFen } from './money.js';

/**
 * The lease listing as an auction's host: its limit and what its deal is worth. The engine
 * knows neither: the bid is a monthly rent, the deal is rent × months.
 */

/** The largest monthly rent whose deal value (rent × term) is still a safe integer. */
export function leaseMaxBid(leaseTermMonths: number): Fen {
  return Math.floor(Number.MAX_SAFE_INTEGER / leaseTermMonths);
}

/** A lease's deal value: the final monthly rent × the term. */
export function leaseDealAmount(finalPrice: Fen, leaseTermMonths: number): Fen {
  const dealAmount = multiplyFen(finalPrice, leaseTermMonths);
  // leaseMaxBid() keeps accepted prices inside this bound, so the product is always safe.
  if (dealAmount === undefined) throw new RangeError('deal value exceeds the safe integer range');
  return dealAmount;
}
