import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface AuditCheckpoint {
  seq: number;
  hash: string;
  signedAt: string;
}

export interface TrailCheck {
  ok: boolean;
  firstBrokenSeq?: number;
  reason?: string;
  lastCheckpoint: AuditCheckpoint | null;
}

/** What the HMAC covers: the head's position and hash, and when it was signed. */
function signedText(checkpoint: AuditCheckpoint): string {
  return `${checkpoint.seq}|${checkpoint.hash}|${checkpoint.signedAt}`;
}

function hmacOf(key: string, checkpoint: AuditCheckpoint): string {
  return createHmac('sha256', key).update(signedText(checkpoint), 'utf8').digest('hex');
}

/**
 * Signed checkpoints of the chain head. The database owner can rewrite the trail and re-hash
 * it, but cannot sign: the key (AUDIT_HMAC_KEY) lives with the processes, never in the
 * database. So a head moved back behind a signed checkpoint, or a rewritten entry at a
 * checkpoint's seq, is detected even when the chain is internally consistent again.
 */
export class AuditCheckpoints {
  constructor(
    private readonly dataSource: DataSource,
    private readonly key: string,
  ) {}

  /** Signs the current head unless the last checkpoint already covers it; returns what was signed. */
  async sign(now: Date): Promise<AuditCheckpoint | null> {
    const [head] = (await this.dataSource.query(
      `SELECT h.seq, h.hash, (SELECT max(seq) FROM audit_checkpoints) AS signed_seq
       FROM audit_head h WHERE h.id = 1`,
    )) as { seq: string; hash: string; signed_seq: string | null }[];
    if (head.signed_seq !== null && Number(head.signed_seq) >= Number(head.seq)) return null;
    const checkpoint = { seq: Number(head.seq), hash: head.hash, signedAt: now.toISOString() };
    await this.dataSource.query(
      'INSERT INTO audit_checkpoints (seq, hash, signed_at, hmac) VALUES ($1, $2, $3, $4)',
      [checkpoint.seq, checkpoint.hash, checkpoint.signedAt, hmacOf(this.key, checkpoint)],
    );
    return checkpoint;
  }

  /**
   * Every checkpoint must carry a valid HMAC and match the chain entry at its seq, and the
   * head must not be behind the last one. Run after the chain itself verified.
   */
  async verify(headSeq: number): Promise<TrailCheck> {
    const rows = (await this.dataSource.query(
      `SELECT c.seq, c.hash, c.signed_at, c.hmac, a.hash AS chain_hash
       FROM audit_checkpoints c LEFT JOIN audit_log a ON a.seq = c.seq
       ORDER BY c.id`,
    )) as { seq: string; hash: string; signed_at: Date; hmac: string; chain_hash: string | null }[];
    const signed = rows.map((row) => ({
      checkpoint: { seq: Number(row.seq), hash: row.hash, signedAt: row.signed_at.toISOString() },
      hmac: row.hmac,
      chainHash: row.chain_hash,
    }));
    const forged = signed.find(({ checkpoint, hmac }) => {
      const expected = Buffer.from(hmacOf(this.key, checkpoint), 'hex');
      const given = Buffer.from(hmac, 'hex');
      return given.length !== expected.length || !timingSafeEqual(given, expected);
    });
    const lastCheckpoint = signed.length ? signed[signed.length - 1].checkpoint : null;
    if (forged)
      return {
        ok: false,
        firstBrokenSeq: forged.checkpoint.seq,
        reason: 'a checkpoint signature does not match',
        lastCheckpoint,
      };
    const highest = Math.max(0, ...signed.map(({ checkpoint }) => checkpoint.seq));
    if (headSeq < highest)
      return {
        ok: false,
        firstBrokenSeq: headSeq + 1,
        reason: 'the head is older than the last signed checkpoint',
        lastCheckpoint,
      };
    const rewritten = signed.find(
      ({ checkpoint, chainHash }) => checkpoint.seq > 0 && chainHash !== checkpoint.hash,
    );
    if (rewritten)
      return {
        ok: false,
        firstBrokenSeq: rewritten.checkpoint.seq,
        reason: 'an entry differs from what a checkpoint signed',
        lastCheckpoint,
      };
    return { ok: true, lastCheckpoint };
  }
}
