import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { READ_DATA_SOURCE } from '../data-source.js';
import { replaceMemberScores, type ScoreEntry, scoresOf } from '../evaluation-scores.js';
import type {
  BidRejection,
  EvaluatedPriceEntry,
  StoredRankedBid,
} from '../tenders/tender-evaluation.repository.js';

/** One procurement's evaluation, from its start to the contract; dates are YYYY-MM-DD (CENTRE_TZ). */
export interface ProcurementEvaluation {
  projectId: string;
  startedAt: Date;
  startedOn: string;
  startedBy: string;
  committeeDrawId: string;
  reportOn: string | null;
  reportAt: Date | null;
  reportSha256: string | null;
  reportedBy: string | null;
  /** The server's seed for the lot that breaks a full tie, made with the report. */
  tieSeed: string | null;
  outcome: 'ranked' | 'failed' | null;
  ranking: StoredRankedBid[] | null;
  candidates: StoredRankedBid[] | null;
  reportDueOn: string | null;
  deliveredOn: string | null;
  deliveredBy: string | null;
  decisionDueOn: string | null;
  awardedBidId: string | null;
  awardReason: string | null;
  decidedOn: string | null;
  decidedBy: string | null;
  resultDueOn: string | null;
  awardNoticeOn: string | null;
  announcedBy: string | null;
  contractDueOn: string | null;
  contractSignedOn: string | null;
  contractSha256: string | null;
  contractedBy: string | null;
  dealId: string | null;
}

const COLUMNS: [keyof ProcurementEvaluation, string][] = [
  ['projectId', 'project_id'],
  ['startedAt', 'started_at'],
  ['startedOn', 'started_on'],
  ['startedBy', 'started_by'],
  ['committeeDrawId', 'committee_draw_id'],
  ['reportOn', 'report_on'],
  ['reportAt', 'report_at'],
  ['reportSha256', 'report_sha256'],
  ['reportedBy', 'reported_by'],
  ['tieSeed', 'tie_seed'],
  ['outcome', 'outcome'],
  ['ranking', 'ranking'],
  ['candidates', 'candidates'],
  ['reportDueOn', 'report_due_on'],
  ['deliveredOn', 'delivered_on'],
  ['deliveredBy', 'delivered_by'],
  ['decisionDueOn', 'decision_due_on'],
  ['awardedBidId', 'awarded_bid_id'],
  ['awardReason', 'award_reason'],
  ['decidedOn', 'decided_on'],
  ['decidedBy', 'decided_by'],
  ['resultDueOn', 'result_due_on'],
  ['awardNoticeOn', 'award_notice_on'],
  ['announcedBy', 'announced_by'],
  ['contractDueOn', 'contract_due_on'],
  ['contractSignedOn', 'contract_signed_on'],
  ['contractSha256', 'contract_sha256'],
  ['contractedBy', 'contracted_by'],
  ['dealId', 'deal_id'],
];
const DATE_COLUMNS = new Set([
  'started_on',
  'report_on',
  'report_due_on',
  'delivered_on',
  'decision_due_on',
  'decided_on',
  'result_due_on',
  'award_notice_on',
  'contract_due_on',
  'contract_signed_on',
]);
const JSON_COLUMNS = new Set(['ranking', 'candidates']);
const SELECT = COLUMNS.map(([field, column]) =>
  DATE_COLUMNS.has(column) ? `to_char(${column}, 'YYYY-MM-DD') AS "${field}"` : `${column} AS "${field}"`,
).join(', ');
const columnOf = new Map(COLUMNS);

/** The committee's entries and the evaluation's record of a procurement (see the migration). */
@Injectable()
export class ProcurementEvaluationRepository {
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

  /** Every supplier that applied (whatever became of it): its staff may not sit on the committee. */
  async supplierOrganizationCodes(manager: EntityManager, projectId: string): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT DISTINCT organization_code AS code FROM registrations
       WHERE host_type = 'procurement_project' AND host_id = $1 AND organization_code IS NOT NULL ORDER BY 1`,
      [projectId],
    )) as { code: string }[];
    return rows.map((row) => row.code);
  }

  async start(
    manager: EntityManager,
    start: {
      projectId: string;
      startedAt: Date;
      startedOn: string;
      startedBy: string;
      committeeDrawId: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO procurement_evaluations (project_id, started_at, started_on, started_by, committee_draw_id)
       VALUES ($1, $2, $3, $4, $5)`,
      [start.projectId, start.startedAt, start.startedOn, start.startedBy, start.committeeDrawId],
    );
  }

  async find(projectId: string, manager?: EntityManager): Promise<ProcurementEvaluation | null> {
    const [row] = (await this.runner(manager).query(
      `SELECT ${SELECT} FROM procurement_evaluations WHERE project_id = $1`,
      [projectId],
    )) as ProcurementEvaluation[];
    return row ?? null;
  }

  async update(
    manager: EntityManager,
    projectId: string,
    changes: Partial<Omit<ProcurementEvaluation, 'projectId'>>,
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([field], index) => {
      const column = columnOf.get(field as keyof ProcurementEvaluation)!;
      return `${column} = $${index + 2}${JSON_COLUMNS.has(column) ? '::jsonb' : ''}`;
    });
    await manager.query(`UPDATE procurement_evaluations SET ${sets.join(', ')} WHERE project_id = $1`, [
      projectId,
      ...entries.map(([field, value]) =>
        JSON_COLUMNS.has(columnOf.get(field as keyof ProcurementEvaluation)!) ? JSON.stringify(value) : value,
      ),
    ]);
  }

  /**
   * Marks, once, every awarded procurement whose contract's last day has passed unsigned (`today`
   * in CENTRE_TZ), and returns them; the caller audits and alerts in the same transaction.
   */
  async markContractsOverdue(
    manager: EntityManager,
    today: string,
  ): Promise<{ projectId: string; contractDueOn: string; overdueAt: Date }[]> {
    // An UPDATE … RETURNING answers [rows, count].
    const [rows] = (await manager.query(
      `UPDATE procurement_evaluations e SET contract_overdue_at = clock_timestamp()
       FROM procurement_projects p
       WHERE p.id = e.project_id AND p.status = 'awarded' AND e.contract_signed_on IS NULL
         AND e.contract_overdue_at IS NULL AND e.contract_due_on < $1::date
       RETURNING e.project_id AS "projectId", to_char(e.contract_due_on, 'YYYY-MM-DD') AS "contractDueOn",
                 e.contract_overdue_at AS "overdueAt"`,
      [today],
    )) as [{ projectId: string; contractDueOn: string; overdueAt: Date }[], number];
    return rows;
  }

  async insertRejection(manager: EntityManager, projectId: string, rejection: BidRejection): Promise<void> {
    await manager.query(
      `INSERT INTO procurement_bid_rejections (project_id, bid_id, reason, entered_by, entered_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [projectId, rejection.bidId, rejection.reason, rejection.enteredBy, rejection.enteredAt],
    );
  }

  rejectionsOf(projectId: string, manager?: EntityManager): Promise<BidRejection[]> {
    return this.runner(manager).query(
      `SELECT bid_id AS "bidId", reason, entered_by AS "enteredBy", entered_at AS "enteredAt"
       FROM procurement_bid_rejections WHERE project_id = $1 ORDER BY entered_at, bid_id`,
      [projectId],
    ) as Promise<BidRejection[]>;
  }

  /** Sets each listed bid's evaluated price (a bid entered again is replaced). */
  async upsertEvaluatedPrices(
    manager: EntityManager,
    projectId: string,
    prices: EvaluatedPriceEntry[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO procurement_evaluated_prices (project_id, bid_id, evaluated_price, note, entered_by, entered_at)
       SELECT $1, bid_id, evaluated_price, note, $5, $6
       FROM unnest($2::uuid[], $3::bigint[], $4::text[]) AS entry(bid_id, evaluated_price, note)
       ON CONFLICT (project_id, bid_id) DO UPDATE SET evaluated_price = excluded.evaluated_price,
         note = excluded.note, entered_by = excluded.entered_by, entered_at = excluded.entered_at`,
      [
        projectId,
        prices.map((price) => price.bidId),
        prices.map((price) => String(price.evaluatedPrice)),
        prices.map((price) => price.note),
        prices[0].enteredBy,
        prices[0].enteredAt,
      ],
    );
  }

  async evaluatedPricesOf(projectId: string, manager?: EntityManager): Promise<EvaluatedPriceEntry[]> {
    const rows = (await this.runner(manager).query(
      `SELECT bid_id AS "bidId", evaluated_price AS "evaluatedPrice", note, entered_by AS "enteredBy",
              entered_at AS "enteredAt"
       FROM procurement_evaluated_prices WHERE project_id = $1 ORDER BY bid_id`,
      [projectId],
    )) as (EvaluatedPriceEntry & { evaluatedPrice: string })[];
    return rows.map((row) => ({ ...row, evaluatedPrice: Number(row.evaluatedPrice) }));
  }

  /** Comprehensive scoring: one member's scores, replacing what was entered for it before. */
  replaceMemberScores(
    manager: EntityManager,
    projectId: string,
    memberId: string,
    scores: Omit<ScoreEntry, 'memberId'>[],
  ): Promise<void> {
    return replaceMemberScores(manager, 'procurement_scores', projectId, memberId, scores);
  }

  scoresOf(projectId: string, manager?: EntityManager): Promise<ScoreEntry[]> {
    return scoresOf(this.runner(manager), 'procurement_scores', projectId);
  }
}
