import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AlertState, EarlyWarningRuleId } from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';

/** What an alert is about: a process of one of the lines, by its host type and id. */
export const ALERT_PROCESS_TYPES = [
  'lease_listing',
  'transfer_project',
  'tender_project',
  'procurement_project',
] as const;
export type AlertProcessType = (typeof ALERT_PROCESS_TYPES)[number];

export interface AlertRow {
  id: string;
  ruleId: EarlyWarningRuleId;
  processType: AlertProcessType;
  processId: string;
  evidence: Record<string, unknown>;
  state: AlertState;
  raisedAt: Date;
  seenAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  reason: string | null;
}

export interface NewAlert {
  ruleId: EarlyWarningRuleId;
  processType: AlertProcessType;
  processId: string;
  /** What makes it the same finding on a re-run (alertEvidenceKey); stored as its SHA-256. */
  evidenceKey: string;
  evidence: Record<string, unknown>;
}

export interface AlertFilter {
  ruleId?: EarlyWarningRuleId;
  state?: AlertState;
  processType?: AlertProcessType;
  processId?: string;
  /** First and last day of raising, inclusive, in `timeZone` (YYYY-MM-DD). */
  from?: string;
  to?: string;
  timeZone: string;
  limit: number;
  offset: number;
}

const ALERT_COLUMNS = `
  a.id, a.rule_id AS "ruleId", a.process_type AS "processType", a.process_id AS "processId", a.evidence,
  a.state, a.raised_at AS "raisedAt", a.seen_at AS "seenAt", a.acknowledged_by AS "acknowledgedBy",
  a.acknowledged_at AS "acknowledgedAt", a.decided_by AS "decidedBy", a.decided_at AS "decidedAt", a.reason`;

/** The alerts store (预警): one row per (rule, process, evidence key), never deleted. */
@Injectable()
export class AlertsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  /**
   * Raises each alert once: a finding already stored keeps its id, state and decision and takes
   * the latest evidence (a third bidder on the shared address). Returns the alerts raised now.
   */
  async raise(manager: EntityManager | null, alerts: NewAlert[], now: Date): Promise<AlertRow[]> {
    if (alerts.length === 0) return [];
    const rows = (await (manager ?? this.dataSource.manager).query(
      `WITH upserted AS (
         INSERT INTO alerts AS a (rule_id, process_type, process_id, evidence_key, evidence, state, raised_at, seen_at)
         SELECT x.rule_id, x.process_type, x.process_id, x.evidence_key, x.evidence, 'open', $6, $6
         FROM unnest($1::varchar[], $2::varchar[], $3::uuid[], $4::char(64)[], $5::jsonb[])
           AS x(rule_id, process_type, process_id, evidence_key, evidence)
         ON CONFLICT ON CONSTRAINT alerts_finding_key
           DO UPDATE SET evidence = EXCLUDED.evidence, seen_at = EXCLUDED.seen_at
         RETURNING ${ALERT_COLUMNS}, (xmax = 0) AS fresh)
       SELECT * FROM upserted`,
      [
        alerts.map((alert) => alert.ruleId),
        alerts.map((alert) => alert.processType),
        alerts.map((alert) => alert.processId),
        alerts.map((alert) => createHash('sha256').update(alert.evidenceKey).digest('hex')),
        alerts.map((alert) => JSON.stringify(alert.evidence)),
        now,
      ],
    )) as (AlertRow & { fresh: boolean })[];
    return rows.filter((row) => row.fresh).map(({ fresh: _fresh, ...row }) => row);
  }

  async findById(manager: EntityManager | null, id: string, options: { lock?: boolean } = {}) {
    const [row] = (await (manager ?? this.reads.manager).query(
      `SELECT ${ALERT_COLUMNS} FROM alerts a WHERE a.id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
      [id],
    )) as AlertRow[];
    return row ?? null;
  }

  /** A state change the lifecycle table allowed, under the row's lock. */
  async update(
    manager: EntityManager,
    id: string,
    change:
      | { state: 'acknowledged'; by: string; at: Date }
      | { state: 'dismissed' | 'escalated'; by: string; at: Date; reason: string },
  ): Promise<void> {
    if (change.state === 'acknowledged')
      await manager.query(
        `UPDATE alerts SET state = $2, acknowledged_by = $3, acknowledged_at = $4 WHERE id = $1`,
        [id, change.state, change.by, change.at],
      );
    else
      await manager.query(
        `UPDATE alerts SET state = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1`,
        [id, change.state, change.by, change.at, change.reason],
      );
  }

  /** Newest first, filtered; `from`/`to` are days of raising in the centre's zone, both inclusive. */
  async list(filter: AlertFilter): Promise<{ items: AlertRow[]; total: number }> {
    const values: unknown[] = [];
    const where: string[] = [];
    if (filter.ruleId) where.push(`a.rule_id = $${values.push(filter.ruleId)}`);
    if (filter.state) where.push(`a.state = $${values.push(filter.state)}`);
    if (filter.processType) where.push(`a.process_type = $${values.push(filter.processType)}`);
    if (filter.processId) where.push(`a.process_id = $${values.push(filter.processId)}`);
    if (filter.from || filter.to) {
      const zone = `$${values.push(filter.timeZone)}::text`;
      if (filter.from)
        where.push(`a.raised_at >= ($${values.push(filter.from)}::date::timestamp AT TIME ZONE ${zone})`);
      if (filter.to)
        where.push(`a.raised_at < (($${values.push(filter.to)}::date + 1)::timestamp AT TIME ZONE ${zone})`);
    }
    const from = `FROM alerts a ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
    const next = values.length;
    const [items, [{ total }]] = await Promise.all([
      this.reads.query(
        `SELECT ${ALERT_COLUMNS} ${from} ORDER BY a.raised_at DESC, a.id LIMIT $${next + 1} OFFSET $${next + 2}`,
        [...values, filter.limit, filter.offset],
      ) as Promise<AlertRow[]>,
      this.reads.query(`SELECT count(*)::int AS total ${from}`, values) as Promise<{ total: number }[]>,
    ]);
    return { items, total };
  }

  /**
   * The detectors ran over this process (the sweep looks for those they have not), seeing
   * `winnerId` as its winner (a tender's or procurement's awarded bidder, else null): the sweep
   * runs it again once its winner is another.
   */
  async markScanned(
    manager: EntityManager,
    processType: AlertProcessType,
    processId: string,
    now: Date,
    winnerId: string | null = null,
  ) {
    await manager.query(
      `INSERT INTO alert_scans (process_type, process_id, scanned_at, winner_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (process_type, process_id)
       DO UPDATE SET scanned_at = EXCLUDED.scanned_at, winner_id = EXCLUDED.winner_id`,
      [processType, processId, now, winnerId],
    );
  }
}
