import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PROCUREMENT_STATUSES_1764400000500 } from './1764400000500-procurement-projects.js';

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(',');
const STATUSES = [...PROCUREMENT_STATUSES_1764400000500, 'replanned'];

/**
 * 重新组织采购: a failed procurement stays as it is (`replanned`) — its registrations, sealed
 * responses, opening record and deposits are keyed by its id — and its successor is a new project
 * with `previous_round_id`, unique, so a failed project has one successor however many ask at
 * once. A successor planned with another method records the approval's reference (批准文号).
 */
export class ProcurementRounds1764500001100 implements MigrationInterface {
  name = 'ProcurementRounds1764500001100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE procurement_projects DROP CONSTRAINT procurement_projects_status_check`);
    await db.query(`ALTER TABLE procurement_projects ADD CONSTRAINT procurement_projects_status_check
      CHECK (status IN (${list(STATUSES)}))`);
    await db.query(`ALTER TABLE procurement_projects
      ADD COLUMN previous_round_id uuid UNIQUE REFERENCES procurement_projects(id),
      ADD COLUMN replan_approval_reference varchar(200)
        CHECK (char_length(btrim(replan_approval_reference)) BETWEEN 1 AND 200),
      ADD CONSTRAINT procurement_projects_round_link_check CHECK ((round = 1) = (previous_round_id IS NULL)),
      ADD CONSTRAINT procurement_projects_approval_round_check
        CHECK (replan_approval_reference IS NULL OR previous_round_id IS NOT NULL)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE procurement_projects DROP CONSTRAINT procurement_projects_approval_round_check`,
    );
    await db.query(`ALTER TABLE procurement_projects DROP CONSTRAINT procurement_projects_round_link_check`);
    await db.query(`ALTER TABLE procurement_projects DROP COLUMN replan_approval_reference`);
    await db.query(`ALTER TABLE procurement_projects DROP COLUMN previous_round_id`);
    await db.query(`UPDATE procurement_projects SET status = 'failed' WHERE status = 'replanned'`);
    await db.query(`ALTER TABLE procurement_projects DROP CONSTRAINT procurement_projects_status_check`);
    await db.query(`ALTER TABLE procurement_projects ADD CONSTRAINT procurement_projects_status_check
      CHECK (status IN (${list(PROCUREMENT_STATUSES_1764400000500)}))`);
  }
}
