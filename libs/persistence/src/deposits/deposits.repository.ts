import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DepositState } from '@ggzy/domain';
import type { RegistrationHostType } from '../registrations/registration.entity.js';
import { toSafeInteger } from '../entities/column-types.js';
import type { RegistrationHost } from '../registrations/registration.entity.js';

/** One registration's deposit (保证金), as stored. Calendar dates are text (`YYYY-MM-DD`). */
export interface Deposit {
  id: string;
  hostType: RegistrationHostType;
  hostId: string;
  registrationId: string;
  bidderId: string;
  bidderName: string;
  amount: number;
  state: DepositState;
  receivedAt: Date | null;
  receivedBy: string | null;
  receivedByName: string | null;
  reference: string | null;
  refundDueOn: string | null;
  refundedAt: Date | null;
  refundedBy: string | null;
  refundedByName: string | null;
  refundReference: string | null;
  forfeitedAt: Date | null;
  forfeitedBy: string | null;
  forfeitedByName: string | null;
  forfeitReason: string | null;
  convertedAt: Date | null;
  refundOverdueFlaggedAt: Date | null;
  createdAt: Date;
  /** Its refund's last day has passed with the money still held (by the centre's calendar date). */
  overdue: boolean;
}

/** What a step writes besides the state: each step's own time, actor and note. */
export interface DepositStepColumns {
  receivedAt?: Date;
  receivedBy?: string;
  reference?: string | null;
  refundedAt?: Date;
  refundedBy?: string;
  refundReference?: string | null;
  forfeitedAt?: Date;
  forfeitedBy?: string;
  forfeitReason?: string;
  convertedAt?: Date;
}

const STEP_COLUMNS: Record<keyof DepositStepColumns, string> = {
  receivedAt: 'received_at',
  receivedBy: 'received_by',
  reference: 'reference',
  refundedAt: 'refunded_at',
  refundedBy: 'refunded_by',
  refundReference: 'refund_reference',
  forfeitedAt: 'forfeited_at',
  forfeitedBy: 'forfeited_by',
  forfeitReason: 'forfeit_reason',
  convertedAt: 'converted_at',
};

/**
 * `$1` is the centre's time zone: `overdue` compares the refund's last day with today there,
 * by the database's clock. `$2` is the states a refund can still be made from (the table's).
 */
const SELECT_DEPOSITS = `
  SELECT d.id, d.host_type AS "hostType", d.host_id AS "hostId", d.registration_id AS "registrationId",
         d.bidder_id AS "bidderId", b.display_name AS "bidderName", d.amount, d.state,
         d.received_at AS "receivedAt", d.received_by AS "receivedBy", rb.display_name AS "receivedByName",
         d.reference, d.refund_due_on::text AS "refundDueOn", d.refunded_at AS "refundedAt",
         d.refunded_by AS "refundedBy", fb.display_name AS "refundedByName",
         d.refund_reference AS "refundReference", d.forfeited_at AS "forfeitedAt",
         d.forfeited_by AS "forfeitedBy", xb.display_name AS "forfeitedByName",
         d.forfeit_reason AS "forfeitReason", d.converted_at AS "convertedAt",
         d.refund_overdue_flagged_at AS "refundOverdueFlaggedAt", d.created_at AS "createdAt",
         (d.state = ANY($2::varchar[]) AND d.refund_due_on IS NOT NULL
           AND d.refund_due_on < (clock_timestamp() AT TIME ZONE $1)::date) AS overdue
  FROM deposits d
  JOIN users b ON b.id = d.bidder_id
  LEFT JOIN users rb ON rb.id = d.received_by
  LEFT JOIN users fb ON fb.id = d.refunded_by
  LEFT JOIN users xb ON xb.id = d.forfeited_by`;

function toDeposit(row: Record<string, any>): Deposit {
  return { ...row, amount: toSafeInteger(row.amount) } as Deposit;
}

export interface DepositFilter {
  state?: DepositState;
  hostType?: RegistrationHostType;
  hostId?: string;
  bidderId?: string;
  /** true: only overdue refunds; false: only the rest. */
  overdue?: boolean;
  limit: number;
  offset: number;
}

/** Where the centre's calendar date and the held states come from: the caller (config, domain). */
export interface DepositReadContext {
  timeZone: string;
  refundableStates: DepositState[];
}

/**
 * Deposits of every line, keyed by host and registration. Every step is a conditional UPDATE
 * (`WHERE state = expected`): of two racing writers exactly one moves the row, and the other
 * sees no row and reads the state the winner left.
 */
@Injectable()
export class DepositsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    deposit: RegistrationHost & {
      registrationId: string;
      bidderId: string;
      amount: number;
      state: DepositState;
    },
  ): Promise<string> {
    const [row] = (await manager.query(
      `INSERT INTO deposits (host_type, host_id, registration_id, bidder_id, amount, state)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        deposit.hostType,
        deposit.hostId,
        deposit.registrationId,
        deposit.bidderId,
        deposit.amount,
        deposit.state,
      ],
    )) as { id: string }[];
    return row.id;
  }

  async findById(id: string, context: DepositReadContext, manager?: EntityManager): Promise<Deposit | null> {
    const [row] = (await (manager ?? this.dataSource).query(`${SELECT_DEPOSITS} WHERE d.id = $3`, [
      context.timeZone,
      context.refundableStates,
      id,
    ])) as Record<string, any>[];
    return row ? toDeposit(row) : null;
  }

  async findByRegistration(
    manager: EntityManager,
    registrationId: string,
    context: DepositReadContext,
  ): Promise<Deposit | null> {
    const [row] = (await manager.query(`${SELECT_DEPOSITS} WHERE d.registration_id = $3`, [
      context.timeZone,
      context.refundableStates,
      registrationId,
    ])) as Record<string, any>[];
    return row ? toDeposit(row) : null;
  }

  /** A host's deposits, locked in id order (a close and a staff step cannot interleave). */
  async lockOfHost(
    manager: EntityManager,
    host: RegistrationHost,
  ): Promise<{ id: string; bidderId: string; state: DepositState }[]> {
    return (await manager.query(
      `SELECT id, bidder_id AS "bidderId", state FROM deposits
       WHERE host_type = $1 AND host_id = $2 ORDER BY id FOR UPDATE`,
      [host.hostType, host.hostId],
    )) as { id: string; bidderId: string; state: DepositState }[];
  }

  /**
   * The winner of a lease's or a transfer's sale (its auction's, or a transfer agreed with its one
   * buyer); null for any other host or while nothing is sold.
   */
  async winnerOfHost(manager: EntityManager, host: RegistrationHost): Promise<string | null> {
    const [row] = (await manager.query(
      `SELECT CASE $1::varchar
                WHEN 'lease_listing' THEN (SELECT winner_id FROM auctions WHERE id = $2)
                WHEN 'transfer_project' THEN (SELECT winner_id FROM transfer_projects WHERE id = $2)
              END AS "winnerId"`,
      [host.hostType, host.hostId],
    )) as { winnerId: string | null }[];
    return row.winnerId;
  }

  /**
   * Moves one deposit `from` → `to` with the step's columns, only if it is still `from`.
   * Returns false when another writer got there first (nothing written).
   */
  async step(
    manager: EntityManager,
    id: string,
    from: DepositState,
    to: DepositState,
    columns: DepositStepColumns,
  ): Promise<boolean> {
    const entries = Object.entries(columns).filter(([, value]) => value !== undefined) as [
      keyof DepositStepColumns,
      unknown,
    ][];
    const sets = entries.map(([field], index) => `${STEP_COLUMNS[field]} = $${index + 4}`);
    const [, count] = (await manager.query(
      `UPDATE deposits SET state = $3, ${[...sets, 'updated_at = clock_timestamp()'].join(', ')}
       WHERE id = $1 AND state = $2`,
      [id, from, to, ...entries.map(([, value]) => value)],
    )) as [unknown, number];
    return count === 1;
  }

  /** Sets when a held deposit's refund falls due; only while it is still `held`. */
  async setRefundDue(
    manager: EntityManager,
    id: string,
    held: DepositState,
    dueOn: string,
  ): Promise<boolean> {
    const [, count] = (await manager.query(
      `UPDATE deposits SET refund_due_on = $3::date, updated_at = clock_timestamp()
       WHERE id = $1 AND state = $2`,
      [id, held, dueOn],
    )) as [unknown, number];
    return count === 1;
  }

  async list(
    filter: DepositFilter,
    context: DepositReadContext,
  ): Promise<{ items: Deposit[]; total: number }> {
    const params: unknown[] = [context.timeZone, context.refundableStates];
    const where: string[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.state) add('d.state = ?', filter.state);
    if (filter.hostType) add('d.host_type = ?', filter.hostType);
    if (filter.hostId) add('d.host_id = ?', filter.hostId);
    if (filter.bidderId) add('d.bidder_id = ?', filter.bidderId);
    const overdue = `(d.state = ANY($2::varchar[]) AND d.refund_due_on IS NOT NULL
      AND d.refund_due_on < (clock_timestamp() AT TIME ZONE $1)::date)`;
    if (filter.overdue === true) where.push(overdue);
    if (filter.overdue === false) where.push(`NOT ${overdue}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // Both context parameters are always bound, so the count names them even when it needs neither.
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM deposits d
       WHERE ($1::text, $2::varchar[]) IS NOT NULL ${where.length ? `AND ${where.join(' AND ')}` : ''}`,
      params,
    )) as { total: number }[];
    const rows = (await this.dataSource.query(
      `${SELECT_DEPOSITS} ${clause} ORDER BY d.created_at DESC, d.id ASC
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    )) as Record<string, any>[];
    return { items: rows.map(toDeposit), total };
  }

  /**
   * Overdue refunds not flagged yet, each claimed by setting its flag (only if still unflagged
   * and held), so two scans never flag one twice. Runs `onFlagged` for each in the same
   * transaction (the audit entry).
   */
  async flagOverdueRefunds(
    context: DepositReadContext,
    onFlagged: (manager: EntityManager, deposit: Deposit, flaggedAt: Date) => Promise<void>,
  ): Promise<Deposit[]> {
    const candidates = (await this.dataSource.query(
      `SELECT id FROM deposits d
       WHERE d.state = ANY($2::varchar[]) AND d.refund_overdue_flagged_at IS NULL
         AND d.refund_due_on < (clock_timestamp() AT TIME ZONE $1)::date
       ORDER BY d.refund_due_on, d.id`,
      [context.timeZone, context.refundableStates],
    )) as { id: string }[];
    const flagged: Deposit[] = [];
    for (const { id } of candidates) {
      await this.dataSource.transaction(async (manager) => {
        const [claimed] = (await manager.query(
          `UPDATE deposits SET refund_overdue_flagged_at = clock_timestamp()
           WHERE id = $1 AND refund_overdue_flagged_at IS NULL AND state = ANY($2::varchar[])
           RETURNING refund_overdue_flagged_at AS "flaggedAt"`,
          [id, context.refundableStates],
        )) as [{ flaggedAt: Date }[], number];
        // Another scan flagged it (or it was refunded) in between: nothing to do.
        if (claimed.length === 0) return;
        const deposit = (await this.findById(id, context, manager))!;
        await onFlagged(manager, deposit, claimed[0].flaggedAt);
        flagged.push(deposit);
      });
    }
    return flagged;
  }
}
