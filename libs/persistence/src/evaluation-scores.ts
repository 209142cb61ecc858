import type { EntityManager } from 'typeorm';

/** One committee member's score of one bid on one criterion, with who entered it and when. */
export interface ScoreEntry {
  memberId: string;
  bidId: string;
  criterionId: string;
  score: number;
  enteredBy: string;
  enteredAt: Date;
}

/** The tables that keep members' scores, one per business line, of the same shape. */
export type ScoresTable = 'tender_scores' | 'procurement_scores';

/** One member's scores, replacing whatever was entered for that member before. */
export async function replaceMemberScores(
  manager: EntityManager,
  table: ScoresTable,
  projectId: string,
  memberId: string,
  scores: Omit<ScoreEntry, 'memberId'>[],
): Promise<void> {
  await manager.query(`DELETE FROM ${table} WHERE project_id = $1 AND member_id = $2`, [projectId, memberId]);
  if (scores.length === 0) return;
  await manager.query(
    `INSERT INTO ${table} (project_id, member_id, bid_id, criterion_id, score, entered_by, entered_at)
     SELECT $1, $2, bid_id, criterion_id, score, $6, $7
     FROM unnest($3::uuid[], $4::varchar[], $5::numeric[]) AS entry(bid_id, criterion_id, score)`,
    [
      projectId,
      memberId,
      scores.map((score) => score.bidId),
      scores.map((score) => score.criterionId),
      scores.map((score) => score.score.toFixed(2)),
      scores[0].enteredBy,
      scores[0].enteredAt,
    ],
  );
}

export async function scoresOf(
  runner: EntityManager,
  table: ScoresTable,
  projectId: string,
): Promise<ScoreEntry[]> {
  const rows = (await runner.query(
    `SELECT member_id AS "memberId", bid_id AS "bidId", criterion_id AS "criterionId", score::text AS score,
            entered_by AS "enteredBy", entered_at AS "enteredAt"
     FROM ${table} WHERE project_id = $1 ORDER BY member_id, bid_id, criterion_id`,
    [projectId],
  )) as (Omit<ScoreEntry, 'score'> & { score: string })[];
  return rows.map((row) => ({ ...row, score: Number(row.score) }));
}
