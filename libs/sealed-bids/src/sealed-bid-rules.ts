import { createHash } from 'node:crypto';

/** The statuses of a bidder's sealed bid for a host; `null` is no bid yet. */
export type SealedBidState = 'submitted' | 'withdrawn';
export type SealedBidAction = 'submit' | 'withdraw';

/**
 * The sealed bid's lifecycle: a submission is allowed from any state (it replaces the last one,
 * or comes back after a withdrawal); only a submitted bid can be withdrawn. The host's own
 * deadline decides whether either is allowed at all.
 */
export const SEALED_BID_STEPS: Record<
  SealedBidAction,
  Record<SealedBidState | 'none', SealedBidState | null>
> = {
  submit: { none: 'submitted', submitted: 'submitted', withdrawn: 'submitted' },
  withdraw: { none: null, submitted: 'withdrawn', withdrawn: null },
};

/** The status after `action` from `from` (null: no bid yet), or null when the table refuses it. */
export function sealedBidStep(from: SealedBidState | null, action: SealedBidAction): SealedBidState | null {
  return SEALED_BID_STEPS[action][from ?? 'none'];
}

/**
 * The bidder's receipt: SHA-256 (hex) of the stored ciphertext, IV and tag, as bytes in that
 * order. It names exactly what was stored (a fresh IV makes two seals of one bid differ) and
 * reveals nothing of the content; the opening record repeats it, so a bidder can check that the
 * bid opened is the one it holds a receipt for.
 */
export function sealedBidReceipt(sealed: { ciphertext: string; iv: string; tag: string }): string {
  const hash = createHash('sha256');
  for (const part of [sealed.ciphertext, sealed.iv, sealed.tag]) hash.update(Buffer.from(part, 'base64'));
  return hash.digest('hex');
}

/**
 * The name a host's seals are bound to (BidSealer's project id): the type is part of it, so a
 * tender and a procurement project that happened to share an id could not open each other's bids.
 */
export function sealingScope(host: { hostType: string; hostId: string }): string {
  return `${host.hostType}:${host.hostId}`;
}
