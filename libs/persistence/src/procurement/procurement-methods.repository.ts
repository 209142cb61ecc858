import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { READ_DATA_SOURCE } from '../data-source.js';

/** An objection to a single source's prior publicity and, once given, its answer. */
export interface PublicityObjection {
  id: string;
  projectId: string;
  filedBy: string;
  text: string;
  documents: { name: string; sha256: string }[];
  filedOn: string;
  filedAt: Date;
  answerDueOn: string;
  upheld: boolean | null;
  reply: string | null;
  answeredOn: string | null;
  answeredAt: Date | null;
  answeredBy: string | null;
}

/** A call-off order under a framework agreement, recorded with its deal. */
export interface CallOff {
  id: string;
  projectId: string;
  supplierId: string;
  supplierName: string;
  title: string;
  amount: number;
  orderedOn: string;
  contractSha256: string | null;
  dealId: string;
  recordedBy: string;
  recordedAt: Date;
  /** The client's own id for the order (a repeat of it finds this one), if it sent one. */
  clientOrderId: string | null;
}

const OBJECTION_COLUMNS = `id, project_id AS "projectId", filed_by AS "filedBy", text, documents,
  to_char(filed_on, 'YYYY-MM-DD') AS "filedOn", filed_at AS "filedAt",
  to_char(answer_due_on, 'YYYY-MM-DD') AS "answerDueOn", upheld, reply,
  to_char(answered_on, 'YYYY-MM-DD') AS "answeredOn", answered_at AS "answeredAt", answered_by AS "answeredBy"`;
const CALL_OFF_COLUMNS = `id, project_id AS "projectId", supplier_id AS "supplierId", supplier_name AS "supplierName",
  title, amount::text AS amount, to_char(ordered_on, 'YYYY-MM-DD') AS "orderedOn",
  contract_sha256 AS "contractSha256", deal_id AS "dealId", recorded_by AS "recordedBy", recorded_at AS "recordedAt",
  client_order_id AS "clientOrderId"`;

/** Single-source objections and framework call-offs (migration 1764500000100). */
@Injectable()
export class ProcurementMethodsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  private runner(manager?: EntityManager) {
    return manager ?? this.reads.manager;
  }

  async insertObjection(
    manager: EntityManager,
    objection: Omit<
      PublicityObjection,
      'id' | 'upheld' | 'reply' | 'answeredOn' | 'answeredAt' | 'answeredBy'
    >,
  ): Promise<PublicityObjection> {
    const [row] = (await manager.query(
      `INSERT INTO procurement_publicity_objections
         (id, project_id, filed_by, text, documents, filed_on, filed_at, answer_due_on)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING ${OBJECTION_COLUMNS}`,
      [
        randomUUID(),
        objection.projectId,
        objection.filedBy,
        objection.text,
        JSON.stringify(objection.documents),
        objection.filedOn,
        objection.filedAt,
        objection.answerDueOn,
      ],
    )) as PublicityObjection[];
    return row;
  }

  objectionsOf(projectId: string, manager?: EntityManager): Promise<PublicityObjection[]> {
    return this.runner(manager).query(
      `SELECT ${OBJECTION_COLUMNS} FROM procurement_publicity_objections WHERE project_id = $1 ORDER BY filed_at, id`,
      [projectId],
    ) as Promise<PublicityObjection[]>;
  }

  async lockObjection(
    manager: EntityManager,
    projectId: string,
    objectionId: string,
  ): Promise<PublicityObjection | null> {
    const [row] = (await manager.query(
      `SELECT ${OBJECTION_COLUMNS} FROM procurement_publicity_objections
       WHERE project_id = $1 AND id = $2 FOR UPDATE`,
      [projectId, objectionId],
    )) as PublicityObjection[];
    return row ?? null;
  }

  async answerObjection(
    manager: EntityManager,
    objectionId: string,
    answer: { upheld: boolean; reply: string; answeredOn: string; answeredAt: Date; answeredBy: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE procurement_publicity_objections SET upheld = $2, reply = $3, answered_on = $4, answered_at = $5,
         answered_by = $6 WHERE id = $1 AND upheld IS NULL`,
      [objectionId, answer.upheld, answer.reply, answer.answeredOn, answer.answeredAt, answer.answeredBy],
    );
  }

  async insertCallOff(manager: EntityManager, callOff: Omit<CallOff, 'recordedAt'> & { recordedAt: Date }) {
    await manager.query(
      `INSERT INTO procurement_call_offs (id, project_id, supplier_id, supplier_name, title, amount, ordered_on,
         contract_sha256, deal_id, recorded_by, recorded_at, client_order_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        callOff.id,
        callOff.projectId,
        callOff.supplierId,
        callOff.supplierName,
        callOff.title,
        String(callOff.amount),
        callOff.orderedOn,
        callOff.contractSha256,
        callOff.dealId,
        callOff.recordedBy,
        callOff.recordedAt,
        callOff.clientOrderId,
      ],
    );
  }

  /** The order recorded under `clientOrderId` in this agreement, if any (a repeated submit). */
  async callOffByClientOrderId(
    manager: EntityManager,
    projectId: string,
    clientOrderId: string,
  ): Promise<CallOff | null> {
    const [row] = (await manager.query(
      `SELECT ${CALL_OFF_COLUMNS} FROM procurement_call_offs WHERE project_id = $1 AND client_order_id = $2`,
      [projectId, clientOrderId],
    )) as (Omit<CallOff, 'amount'> & { amount: string })[];
    return row ? { ...row, amount: safeFen(row.amount) } : null;
  }

  /** The supplier of the agreement's latest order (顺序轮候 gives the next its turn), or null. */
  async lastCallOffSupplier(manager: EntityManager, projectId: string): Promise<string | null> {
    const [row] = (await manager.query(
      `SELECT supplier_id AS "supplierId" FROM procurement_call_offs WHERE project_id = $1
       ORDER BY recorded_at DESC, id DESC LIMIT 1`,
      [projectId],
    )) as { supplierId: string }[];
    return row?.supplierId ?? null;
  }

  /** What the agreement's orders come to so far, fen. */
  async orderedSoFar(manager: EntityManager, projectId: string): Promise<number> {
    const [row] = (await manager.query(
      `SELECT coalesce(sum(amount), 0)::text AS amount FROM procurement_call_offs WHERE project_id = $1`,
      [projectId],
    )) as { amount: string }[];
    return safeFen(row.amount);
  }

  async callOffsOf(
    projectId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: CallOff[]; total: number; totalAmount: number }> {
    const runner = this.runner();
    const [rows, [summary]] = await Promise.all([
      runner.query(
        `SELECT ${CALL_OFF_COLUMNS} FROM procurement_call_offs WHERE project_id = $1
         ORDER BY ordered_on, recorded_at, id LIMIT $2 OFFSET $3`,
        [projectId, page.limit, page.offset],
      ) as Promise<(Omit<CallOff, 'amount'> & { amount: string })[]>,
      runner.query(
        `SELECT count(*)::int AS total, coalesce(sum(amount), 0)::text AS amount
         FROM procurement_call_offs WHERE project_id = $1`,
        [projectId],
      ) as Promise<{ total: number; amount: string }[]>,
    ]);
    return {
      items: rows.map((row) => ({ ...row, amount: safeFen(row.amount) })),
      total: summary.total,
      totalAmount: safeFen(summary.amount),
    };
  }

  /** The qualified suppliers of a procurement with their names (single source: its one supplier). */
  qualifiedSuppliers(
    manager: EntityManager,
    projectId: string,
  ): Promise<{ registrationId: string; bidderId: string; bidderName: string }[]> {
    return manager.query(
      `SELECT r.id AS "registrationId", r.bidder_id AS "bidderId", u.display_name AS "bidderName"
       FROM registrations r JOIN users u ON u.id = r.bidder_id
       WHERE r.host_type = 'procurement_project' AND r.host_id = $1 AND r.status = 'qualified'
       ORDER BY r.id`,
      [projectId],
    ) as Promise<{ registrationId: string; bidderId: string; bidderName: string }[]>;
  }
}

/** A bigint amount (or sum) read as text, as a number only while it is exact. */
function safeFen(text: string): number {
  const amount = BigInt(text);
  if (amount > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('an amount beyond the exact integers');
  return Number(amount);
}
