import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { verifyAuditChain, type ChainCheck } from '@ggzy/domain';
import { AuditEntryEntity } from './entities/audit-entry.entity.js';

export interface AuditRecord {
  at: Date;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  data?: Record<string, unknown>;
}

/*
 * Appending locks the chain head, hashes the entry onto it with the same rule as
 * verifyAuditChain (sha256 of "prevHash|seq|payload") and moves the head, all in one
 * statement. The parts are exported so the bid path can fold the append into its own
 * write. Callers append last in their transaction, so the head is held only until commit.
 */
export function auditAppendParts(firstParam: number, onlyIf = '') {
  const p = (n: number) => `$${firstParam + n - 1}`;
  return {
    ctes: `audit_prev AS (SELECT seq, hash FROM audit_head WHERE id = 1 ${onlyIf} FOR UPDATE),
      audit_entry AS (
        INSERT INTO audit_log (seq, at, actor_id, action, entity_type, entity_id, payload, prev_hash, hash)
        SELECT audit_prev.seq + 1, ${p(1)}::timestamptz, ${p(2)}::uuid, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::text, audit_prev.hash,
               encode(sha256(convert_to(audit_prev.hash || '|' || (audit_prev.seq + 1)::text || '|' || ${p(6)}::text, 'UTF8')), 'hex')
        FROM audit_prev
        RETURNING seq, hash)`,
    finalStatement: `UPDATE audit_head SET seq = audit_entry.seq, hash = audit_entry.hash FROM audit_entry WHERE audit_head.id = 1 RETURNING audit_head.seq`,
    params: (record: AuditRecord): unknown[] => [
      record.at,
      record.actorId,
      record.action,
      record.entityType,
      record.entityId,
      auditPayload(record),
    ],
  };
}

/** The canonical text an entry's hash covers; stored as is so verification never re-serialises. */
export function auditPayload(record: AuditRecord): string {
  return JSON.stringify({
    at: record.at.toISOString(),
    actorId: record.actorId,
    action: record.action,
    entityType: record.entityType,
    entityId: record.entityId,
    data: record.data ?? {},
  });
}

const standaloneAppend = auditAppendParts(1);
const APPEND_SQL = `WITH ${standaloneAppend.ctes} ${standaloneAppend.finalStatement}`;

@Injectable()
export class AuditLogRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends inside the caller's transaction; the payload text is what the hash covers. */
  async append(manager: EntityManager, record: AuditRecord): Promise<void> {
    await manager.query(APPEND_SQL, standaloneAppend.params(record));
  }

  async list(filter: { entityType?: string; entityId?: string; limit: number; offset: number }) {
    const where: Record<string, string> = {};
    if (filter.entityType) where.entityType = filter.entityType;
    if (filter.entityId) where.entityId = filter.entityId;
    const [items, total] = await this.dataSource.getRepository(AuditEntryEntity).findAndCount({
      where,
      order: { seq: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  /** Walks the whole chain in pages, so a long trail never sits in memory at once. */
  async verify(pageSize = 5000): Promise<ChainCheck & { headSeq: number }> {
    const repo = this.dataSource.getRepository(AuditEntryEntity);
    let from = { seq: 0, hash: '0'.repeat(64) };
    let checked = 0;
    for (;;) {
      const page = await repo
        .createQueryBuilder('a')
        .where('a.seq > :seq', { seq: from.seq })
        .orderBy('a.seq', 'ASC')
        .limit(pageSize)
        .getMany();
      const result = verifyAuditChain(page, from);
      if (!result.valid) return { ...result, headSeq: from.seq };
      checked += result.entries;
      if (page.length < pageSize) break;
      const last = page[page.length - 1];
      from = { seq: last.seq, hash: last.hash };
    }
    const [head] = (await this.dataSource.query('SELECT seq, hash FROM audit_head WHERE id = 1')) as {
      seq: string;
      hash: string;
    }[];
    const headSeq = Number(head.seq);
    if (headSeq !== checked)
      return {
        valid: false,
        brokenAtSeq: checked + 1,
        reason: 'entries are missing before the head',
        headSeq,
      };
    return { valid: true, entries: checked, headSeq };
  }
}
