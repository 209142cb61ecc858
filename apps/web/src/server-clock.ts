/**
 * The server's clock seen from the browser, NTP-style. The server stamped `serverTime`
 * somewhere between our send and our receipt, so the offset lies in
 * [serverTime − receivedAt, serverTime − sentAt]; the midpoint is off by at most half the
 * round trip. Taking serverTime − receivedAt alone (the old way) put the countdown behind by
 * the whole one-way latency, so a loaded page showed more time than the bidder had.
 */
export interface ClockSample {
  /** Local ms when the request left. */
  sentAt: number;
  /** Local ms when the answer came. */
  receivedAt: number;
  /** The server's stamp, ms. */
  serverTime: number;
}

export interface ClockEstimate {
  offsetMs: number;
  /** The uncertainty: half the round trip of the sample kept. */
  errorMs: number;
  low: number;
  high: number;
}

export function estimateFrom(sample: ClockSample): ClockEstimate {
  const roundTrip = Math.max(0, sample.receivedAt - sample.sentAt);
  const low = sample.serverTime - Math.max(sample.receivedAt, sample.sentAt);
  const high = sample.serverTime - sample.sentAt;
  return { offsetMs: Math.round((low + high) / 2), errorMs: roundTrip / 2, low, high };
}

/**
 * Keeps the sample with the shortest round trip (the tightest bound). A new sample whose
 * bound does not overlap the kept one means the PC's clock was changed: start again from it.
 */
export function nextEstimate(kept: ClockEstimate | null, sample: ClockSample): ClockEstimate {
  const fresh = estimateFrom(sample);
  if (!kept) return fresh;
  const overlaps = fresh.low <= kept.high && kept.low <= fresh.high;
  if (!overlaps) return fresh;
  return fresh.errorMs < kept.errorMs ? fresh : kept;
}
