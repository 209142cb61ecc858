import { createHash } from 'node:crypto';

/** The hash-chain rule for the audit trail: each entry's hash covers its predecessor's. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

export function auditEntryHash(prevHash: string, seq: number, payload: string): string {
  return createHash('sha256').update(`${prevHash}|${seq}|${payload}`, 'utf8').digest('hex');
}

export interface ChainedEntry {
  seq: number;
  prevHash: string;
  hash: string;
  payload: string;
}

export type ChainCheck =
  { valid: true; entries: number } | { valid: false; brokenAtSeq: number; reason: string };

/** Verifies entries in seq order, starting after `from` (genesis by default). */
export function verifyAuditChain(
  entries: Iterable<ChainedEntry>,
  from: { seq: number; hash: string } = { seq: 0, hash: AUDIT_GENESIS_HASH },
): ChainCheck {
  let expectedSeq = from.seq + 1;
  let prevHash = from.hash;
  let count = 0;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq)
      return { valid: false, brokenAtSeq: entry.seq, reason: `expected seq ${expectedSeq}` };
    if (entry.prevHash !== prevHash)
      return { valid: false, brokenAtSeq: entry.seq, reason: 'prevHash does not match' };
    if (auditEntryHash(prevHash, entry.seq, entry.payload) !== entry.hash) {
      return { valid: false, brokenAtSeq: entry.seq, reason: 'hash does not match payload' };
    }
    prevHash = entry.hash;
    expectedSeq += 1;
    count += 1;
  }
  return { valid: true, entries: count };
}
