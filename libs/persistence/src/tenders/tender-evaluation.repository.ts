import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { CandidateWithdrawalCause } from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';
import { replaceMemberScores, type ScoreEntry, scoresOf } from '../evaluation-scores.js';

/** A ranked bid as the report keeps it (evaluation.ts's RankedBid). */
export interface StoredRankedBid {
  bidId: string;
  rank: number;
  price: number;
  evaluatedPrice?: number;
  totalScore?: number;
  tieBrokenByLot: boolean;
}

/** One tender's evaluation, from its start to the contract; dates are YYYY-MM-DD (CENTRE_TZ). */
export interface TenderEvaluation {
  projectId: string;
  startedAt: Date;
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
  publicityStartsOn: string | null;
  publicityEndsOn: string | null;
  publishedBy: string | null;
  awardedBidId: string | null;
  awardReason: string | null;
  awardNoticeOn: string | null;
  contractDueOn: string | null;
  awardedBy: string | null;
  contractSignedOn: string | null;
  contractSha256: string | null;
  contractedBy: string | null;
  dealId: string | null;
}

export interface BidRejection {
  bidId: string;
  reason: string;
  enteredBy: string;
  enteredAt: Date;
}

export interface EvaluatedPriceEntry {
  bidId: string;
  evaluatedPrice: number;
  note: string | null;
  enteredBy: string;
  enteredAt: Date;
}

export type { ScoreEntry };

/** A candidate that dropped out, and the bid the award passed to because of it (if it held the award). */
export interface CandidateWithdrawal {
  bidId: string;
  cause: CandidateWithdrawalCause;
  reason: string;
  recordedOn: string;
  recordedAt: Date;
  recordedBy: string;
  awardPassedTo: string | null;
}

const COLUMNS: [keyof TenderEvaluation, string][] = [
  ['projectId', 'project_id'],
  ['startedAt', 'started_at'],
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
  ['publicityStartsOn', 'publicity_starts_on'],
  ['publicityEndsOn', 'publicity_ends_on'],
  ['publishedBy', 'published_by'],
  ['awardedBidId', 'awarded_bid_id'],
  ['awardReason', 'award_reason'],
  ['awardNoticeOn', 'award_notice_on'],
  ['contractDueOn', 'contract_due_on'],
  ['awardedBy', 'awarded_by'],
  ['contractSignedOn', 'contract_signed_on'],
  ['contractSha256', 'contract_sha256'],
  ['contractedBy', 'contracted_by'],
  ['dealId', 'deal_id'],
];
const DATE_COLUMNS = new Set([
  'report_on',
  'publicity_starts_on',
  'publicity_ends_on',
  'award_notice_on',
  'contract_due_on',
  'contract_signed_on',
]);
const JSON_COLUMNS = new Set(['ranking', 'candidates']);
const SELECT = COLUMNS.map(([field, column]) =>
  DATE_COLUMNS.has(column) ? `to_char(${column}, 'YYYY-MM-DD') AS "${field}"` : `${column} AS "${field}"`,
).join(', ');
const columnOf = new Map(COLUMNS);

/** A report sent back to the committee after an objection to the candidates was upheld. */
export interface ReportRevision {
  revision: number;
  reportOn: string;
  reportSha256: string;
  candidates: unknown[];
  publicityStartsOn: string;
  publicityEndsOn: string;
  objectionIds: string[];
  reason: string;
  sentBackAt: Date;
  sentBackOn: string;
}

/** The committee's entries and the evaluation's record of a tender (see the migration). */
@Injectable()
export class TenderEvaluationRepository {
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
       WHERE host_type = 'tender_project' AND host_id = $1 AND organization_code IS NOT NULL ORDER BY 1`,
      [projectId],
    )) as { code: string }[];
    return rows.map((row) => row.code);
  }

  async start(
    manager: EntityManager,
    start: { projectId: string; startedAt: Date; startedBy: string; committeeDrawId: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO tender_evaluations (project_id, started_at, started_by, committee_draw_id) VALUES ($1, $2, $3, $4)`,
      [start.projectId, start.startedAt, start.startedBy, start.committeeDrawId],
    );
  }

  async find(projectId: string, manager?: EntityManager): Promise<TenderEvaluation | null> {
    const [row] = (await this.runner(manager).query(
      `SELECT ${SELECT} FROM tender_evaluations WHERE project_id = $1`,
      [projectId],
    )) as TenderEvaluation[];
    return row ?? null;
  }

  async update(
    manager: EntityManager,
    projectId: string,
    changes: Partial<Omit<TenderEvaluation, 'projectId'>>,
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(([field], index) => {
      const column = columnOf.get(field as keyof TenderEvaluation)!;
      return `${column} = $${index + 2}${JSON_COLUMNS.has(column) ? '::jsonb' : ''}`;
    });
    await manager.query(`UPDATE tender_evaluations SET ${sets.join(', ')} WHERE project_id = $1`, [
      projectId,
      ...entries.map(([field, value]) =>
        JSON_COLUMNS.has(columnOf.get(field as keyof TenderEvaluation)!) ? JSON.stringify(value) : value,
      ),
    ]);
  }

  /**
   * Marks, once, every awarded tender whose contract's last day has passed unsigned (`today` in
   * CENTRE_TZ), and returns them; the caller audits and alerts in the same transaction.
   */
  async markContractsOverdue(
    manager: EntityManager,
    today: string,
  ): Promise<{ projectId: string; contractDueOn: string; overdueAt: Date }[]> {
    // An UPDATE … RETURNING answers [rows, count].
    const [rows] = (await manager.query(
      `UPDATE tender_evaluations e SET contract_overdue_at = clock_timestamp()
       FROM tender_projects p
       WHERE p.id = e.project_id AND p.status = 'awarded' AND e.contract_signed_on IS NULL
         AND e.contract_overdue_at IS NULL AND e.contract_due_on < $1::date
       RETURNING e.project_id AS "projectId", to_char(e.contract_due_on, 'YYYY-MM-DD') AS "contractDueOn",
                 e.contract_overdue_at AS "overdueAt"`,
      [today],
    )) as [{ projectId: string; contractDueOn: string; overdueAt: Date }[], number];
    return rows;
  }

  /**
   * Sends the report back to the committee (实施条例 第54条): the report, its ranking, candidates
   * and publicity are kept as the next revision, then cleared so the revised report is written in
   * their place. Returns the revision's number.
   */
  async sendBackReport(
    manager: EntityManager,
    projectId: string,
    sentBack: { objectionIds: string[]; reason: string; at: Date; on: string; by: string },
  ): Promise<number> {
    const [{ revision }] = (await manager.query(
      `INSERT INTO tender_report_revisions (project_id, revision, report_on, report_at, report_sha256, reported_by,
         ranking, candidates, publicity_starts_on, publicity_ends_on, objection_ids, reason, sent_back_at, sent_back_on, sent_back_by)
       SELECT e.project_id,
              (SELECT count(*) + 1 FROM tender_report_revisions r WHERE r.project_id = e.project_id),
              e.report_on, e.report_at, e.report_sha256, e.reported_by, e.ranking, e.candidates,
              e.publicity_starts_on, e.publicity_ends_on, $2::uuid[], $3, $4, $5, $6
       FROM tender_evaluations e WHERE e.project_id = $1
       RETURNING revision`,
      [projectId, sentBack.objectionIds, sentBack.reason, sentBack.at, sentBack.on, sentBack.by],
    )) as { revision: number }[];
    await manager.query(
      `UPDATE tender_evaluations SET report_on = NULL, report_at = NULL, report_sha256 = NULL, reported_by = NULL,
         tie_seed = NULL, outcome = NULL, ranking = NULL, candidates = NULL, publicity_starts_on = NULL,
         publicity_ends_on = NULL, published_by = NULL
       WHERE project_id = $1`,
      [projectId],
    );
    return revision;
  }

  /** The reports sent back, oldest first: what was published before each re-evaluation and why. */
  async reportRevisionsOf(projectId: string, manager?: EntityManager): Promise<ReportRevision[]> {
    return (await this.runner(manager).query(
      `SELECT revision, to_char(report_on, 'YYYY-MM-DD') AS "reportOn", report_sha256 AS "reportSha256",
              candidates, to_char(publicity_starts_on, 'YYYY-MM-DD') AS "publicityStartsOn",
              to_char(publicity_ends_on, 'YYYY-MM-DD') AS "publicityEndsOn", objection_ids AS "objectionIds",
              reason, sent_back_at AS "sentBackAt", to_char(sent_back_on, 'YYYY-MM-DD') AS "sentBackOn"
       FROM tender_report_revisions WHERE project_id = $1 ORDER BY revision`,
      [projectId],
    )) as ReportRevision[];
  }

  async insertWithdrawal(manager: EntityManager, projectId: string, withdrawal: CandidateWithdrawal) {
    await manager.query(
      `INSERT INTO tender_candidate_withdrawals
         (project_id, bid_id, cause, reason, recorded_on, recorded_at, recorded_by, award_passed_to)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        projectId,
        withdrawal.bidId,
        withdrawal.cause,
        withdrawal.reason,
        withdrawal.recordedOn,
        withdrawal.recordedAt,
        withdrawal.recordedBy,
        withdrawal.awardPassedTo,
      ],
    );
  }

  withdrawalsOf(projectId: string, manager?: EntityManager): Promise<CandidateWithdrawal[]> {
    return this.runner(manager).query(
      `SELECT bid_id AS "bidId", cause, reason, to_char(recorded_on, 'YYYY-MM-DD') AS "recordedOn",
              recorded_at AS "recordedAt", recorded_by AS "recordedBy", award_passed_to AS "awardPassedTo"
       FROM tender_candidate_withdrawals WHERE project_id = $1 ORDER BY recorded_at, bid_id`,
      [projectId],
    ) as Promise<CandidateWithdrawal[]>;
  }

  /** The award passes to another candidate: a new notice today, its own 30 days, no overdue mark. */
  async passAward(
    manager: EntityManager,
    projectId: string,
    award: { awardedBidId: string; awardNoticeOn: string; contractDueOn: string; awardedBy: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE tender_evaluations SET awarded_bid_id = $2, award_reason = NULL, award_notice_on = $3,
         contract_due_on = $4, awarded_by = $5, contract_overdue_at = NULL
       WHERE project_id = $1`,
      [projectId, award.awardedBidId, award.awardNoticeOn, award.contractDueOn, award.awardedBy],
    );
  }

  async insertRejection(manager: EntityManager, projectId: string, rejection: BidRejection): Promise<void> {
    await manager.query(
      `INSERT INTO tender_bid_rejections (project_id, bid_id, reason, entered_by, entered_at) VALUES ($1, $2, $3, $4, $5)`,
      [projectId, rejection.bidId, rejection.reason, rejection.enteredBy, rejection.enteredAt],
    );
  }

  rejectionsOf(projectId: string, manager?: EntityManager): Promise<BidRejection[]> {
    return this.runner(manager).query(
      `SELECT bid_id AS "bidId", reason, entered_by AS "enteredBy", entered_at AS "enteredAt"
       FROM tender_bid_rejections WHERE project_id = $1 ORDER BY entered_at, bid_id`,
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
      `INSERT INTO tender_evaluated_prices (project_id, bid_id, evaluated_price, note, entered_by, entered_at)
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
       FROM tender_evaluated_prices WHERE project_id = $1 ORDER BY bid_id`,
      [projectId],
    )) as (EvaluatedPriceEntry & { evaluatedPrice: string })[];
    return rows.map((row) => ({ ...row, evaluatedPrice: Number(row.evaluatedPrice) }));
  }

  /** One member's scores, replacing whatever was entered for that member before. */
  replaceMemberScores(
    manager: EntityManager,
    projectId: string,
    memberId: string,
    scores: Omit<ScoreEntry, 'memberId'>[],
  ): Promise<void> {
    return replaceMemberScores(manager, 'tender_scores', projectId, memberId, scores);
  }

  scoresOf(projectId: string, manager?: EntityManager): Promise<ScoreEntry[]> {
    return scoresOf(this.runner(manager), 'tender_scores', projectId);
  }
}
