import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

/**
 * A tender sent back to its committee after an objection to the candidates was upheld (实施条例
 * 第54条): the report it had written, its ranking, candidates and publicity are kept here, one row
 * per revision, before `tender_evaluations` takes the revised report. Never changed or removed.
 */
export class TenderReportRevisions1764500001110 implements MigrationInterface {
  name = 'TenderReportRevisions1764500001110';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE tender_report_revisions (
        project_id          uuid NOT NULL REFERENCES tender_projects(id),
        revision            integer NOT NULL CHECK (revision >= 1),
        report_on           date NOT NULL,
        report_at           timestamptz NOT NULL,
        report_sha256       char(64) NOT NULL,
        reported_by         uuid NOT NULL REFERENCES users(id),
        ranking             jsonb NOT NULL CHECK (jsonb_typeof(ranking) = 'array'),
        candidates          jsonb NOT NULL CHECK (jsonb_typeof(candidates) = 'array'),
        publicity_starts_on date NOT NULL,
        publicity_ends_on   date NOT NULL,
        objection_ids       uuid[] NOT NULL CHECK (cardinality(objection_ids) >= 1),
        reason              text NOT NULL CHECK (char_length(btrim(reason)) BETWEEN 1 AND 500),
        sent_back_at        timestamptz NOT NULL,
        sent_back_on        date NOT NULL,
        sent_back_by        uuid NOT NULL REFERENCES users(id),
        PRIMARY KEY (project_id, revision)
      )`);
    await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON tender_report_revisions FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE tender_report_revisions`);
  }
}
