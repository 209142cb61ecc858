import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TRANSFER_STATUSES_1764360000100 } from './1764360000100-transfer-projects.js';

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(',');

/**
 * A transfer that buyers took part in and that fell through (unsold, defaulted) is re-listed as
 * a new project: its buyers apply afresh, and its auction, ledger and deal are its own (each is
 * keyed by the project's id). The old project ends `superseded`, linked both ways; one
 * re-listing per project, and a superseded project always names its successor.
 */
export class TransferRelisting1764380000000 implements MigrationInterface {
  name = 'TransferRelisting1764380000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE transfer_projects DROP CONSTRAINT transfer_projects_status_check`);
    await db.query(`ALTER TABLE transfer_projects ADD CONSTRAINT transfer_projects_status_check
      CHECK (status IN (${list([...TRANSFER_STATUSES_1764360000100, 'superseded'])}))`);
    await db.query(`ALTER TABLE transfer_projects
      ADD COLUMN relisted_from uuid UNIQUE REFERENCES transfer_projects(id),
      ADD COLUMN relisted_as   uuid UNIQUE REFERENCES transfer_projects(id),
      ADD CONSTRAINT transfer_projects_superseded_check
        CHECK ((status = 'superseded') = (relisted_as IS NOT NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    // The stage a superseded project was re-listed from is not kept: it ends terminated, with a reason.
    await db.query(`UPDATE transfer_projects
      SET status = 'terminated', termination_reason = coalesce(termination_reason, 're-listed as a new project')
      WHERE status = 'superseded'`);
    await db.query(`ALTER TABLE transfer_projects
      DROP CONSTRAINT transfer_projects_superseded_check,
      DROP COLUMN relisted_as,
      DROP COLUMN relisted_from`);
    await db.query(`ALTER TABLE transfer_projects DROP CONSTRAINT transfer_projects_status_check`);
    await db.query(`ALTER TABLE transfer_projects ADD CONSTRAINT transfer_projects_status_check
      CHECK (status IN (${list(TRANSFER_STATUSES_1764360000100)}))`);
  }
}
