import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUDIT_GENESIS_HASH, verifyAuditChain, type ChainCheck } from '@ggzy/domain';
import type { AuditCheckpoints } from './audit-checkpoints.js';
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
 * An append is one INSERT of the entry's content: the database's trigger (audit_log_chain,
 * owned by the migrations' role) locks the chain head, hashes the entry onto it with the same
 * rule as verifyAuditChain (sha256 of "prevHash|seq|payload") and moves the head, so the app
 * role never writes seq, hashes or the head itself. The statement is exported so the bid path
 * can end its own write with it (`onlyIf` makes the append conditional on an earlier CTE).
 * Callers append last in their transaction, so the head is held only until commit.
 */
export function auditAppendParts(firstParam: number, onlyIf = '') {
  const p = (n: number) => `$${firstParam + n - 1}`;
  return {
    statement: `INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, payload)
        SELECT ${p(1)}::timestamptz, ${p(2)}::uuid, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}::text
        ${onlyIf ? `WHERE TRUE ${onlyIf}` : ''}
        RETURNING seq`,
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
const APPEND_SQL = standaloneAppend.statement;

@Injectable()
export class AuditLogRepository {
  /** Appends held back per transaction (holdingAppends), in the order they were asked for. */
  private readonly held = new WeakMap<EntityManager, AuditRecord[]>();

  constructor(private readonly dataSource: DataSource) {}

  /** Appends inside the caller's transaction; the payload text is what the hash covers. */
  async append(manager: EntityManager, record: AuditRecord): Promise<void> {
    const held = this.held.get(manager);
    if (held) held.push(record);
    else await manager.query(APPEND_SQL, standaloneAppend.params(record));
  }

  /**
   * Runs `work` with the transaction's appends held back and returns them, in order, for the
   * caller's last statement (a close batch's): the first append locks the chain's head until
   * commit, so a step that does more work after its first entry (a close settling deposits)
   * would hold every other writer of the trail back for all of it. Not for work that opens
   * savepoints it may roll back: their held entries would still be returned.
   */
  async holdingAppends(manager: EntityManager, work: () => Promise<void>): Promise<AuditRecord[]> {
    if (this.held.has(manager)) throw new Error('audit appends are already held in this transaction');
    const held: AuditRecord[] = [];
    this.held.set(manager, held);
    try {
      await work();
    } finally {
      this.held.delete(manager);
    }
    return held;
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
  async verify(pageSize = 5000): Promise<ChainCheck & { headSeq: number; checkedCount: number }> {
    const repo = this.dataSource.getRepository(AuditEntryEntity);
    const [head] = (await this.dataSource.query('SELECT seq, hash FROM audit_head WHERE id = 1')) as {
      seq: string;
      hash: string;
    }[];
    const headSeq = Number(head.seq);
    let from = { seq: 0, hash: AUDIT_GENESIS_HASH };
    let checkedCount = 0;
    for (;;) {
      const page = await repo
        .createQueryBuilder('a')
        .where('a.seq > :seq', { seq: from.seq })
        .andWhere('a.seq <= :headSeq', { headSeq })
        .orderBy('a.seq', 'ASC')
        .limit(pageSize)
        .getMany();
      const result = verifyAuditChain(page, from);
      if (!result.valid) return { ...result, headSeq, checkedCount: result.brokenAtSeq - 1 };
      checkedCount += result.entries;
      if (page.length < pageSize) break;
      const last = page[page.length - 1];
      from = { seq: last.seq, hash: last.hash };
    }
    if (headSeq !== checkedCount)
      return {
        valid: false,
        brokenAtSeq: checkedCount + 1,
        reason: 'entries are missing before the head',
        headSeq,
        checkedCount,
      };
    const lastHash =
      checkedCount === 0 ? AUDIT_GENESIS_HASH : (await repo.findOneByOrFail({ seq: headSeq })).hash;
    if (lastHash !== head.hash)
      return {
        valid: false,
        brokenAtSeq: headSeq,
        reason: 'the head does not match the last entry',
        headSeq,
        checkedCount,
      };
    return { valid: true, entries: checkedCount, headSeq, checkedCount };
  }

  /**
   * The chain re-hashed end to end, then held against the signed checkpoints. Keeps the
   * original fields (`valid`, `entries`, `brokenAtSeq`, `reason`, `headSeq`) and adds
   * `{ok, checkedCount, firstBrokenSeq?, lastCheckpoint}`.
   */
  async verifyTrail(checkpoints: AuditCheckpoints) {
    const chain = await this.verify();
    const signed = await checkpoints.verify(chain.headSeq);
    const firstBrokenSeq = chain.valid ? signed.firstBrokenSeq : chain.brokenAtSeq;
    const reason = chain.valid ? signed.reason : chain.reason;
    return {
      ...chain,
      ...(chain.valid && !signed.ok ? { valid: false, brokenAtSeq: firstBrokenSeq, reason } : {}),
      ok: chain.valid && signed.ok,
      ...(firstBrokenSeq !== undefined ? { firstBrokenSeq, reason } : {}),
      lastCheckpoint: signed.lastCheckpoint,
    };
  }
}
