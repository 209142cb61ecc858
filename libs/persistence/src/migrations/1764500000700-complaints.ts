import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

/**
 * Complaints and challenges (质疑 / 投诉, issue 10): one row per filing, against a project of a
 * line and a stage, with its window as it was computed at filing (kept: the calendar may change
 * later), every step's day, the project's suspension for it, and the decision. Requests for
 * documents are their own rows (each with its due day and the day it was answered): the days
 * spent waiting for them are not counted in the handling period.
 *
 * The CHECKs keep a row whole: a decision names its outcome and reason together, a remedy goes
 * with `upheld` only and a false finding with `dismissed` only; a suspension's resumption follows
 * it. A filing is evidence: the apps' role never deletes one.
 */
export class Complaints1764500000700 implements MigrationInterface {
  name = 'Complaints1764500000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE complaints (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_type           varchar(16) NOT NULL
                               CHECK (project_type IN ('construction','procurement','lease','transfer')),
        project_id             uuid NOT NULL,
        kind                   varchar(16) NOT NULL CHECK (kind IN ('challenge','complaint')),
        stage                  varchar(100) NOT NULL CHECK (btrim(stage) <> ''),
        status                 varchar(16) NOT NULL CHECK (status IN
                                 ('filed','accepted','rejected','investigating','upheld','dismissed','withdrawn')),
        complainant_id         uuid NOT NULL REFERENCES users(id),
        grounds                text NOT NULL CHECK (btrim(grounds) <> '' AND length(grounds) <= 10000),
        attachments            jsonb NOT NULL DEFAULT '[]',
        challenge_id           uuid REFERENCES complaints(id),
        knew_on                date NOT NULL,
        filed_on               date NOT NULL,
        filed_at               timestamptz NOT NULL,
        window_opens_on        date NOT NULL,
        window_closes_on       date NOT NULL,
        acceptance_decided_on  date,
        accepted_on            date,
        rejection_reason       varchar(2000),
        decided_on             date,
        decided_at             timestamptz,
        decided_by             uuid REFERENCES users(id),
        outcome                varchar(16) CHECK (outcome IN ('upheld','dismissed')),
        remedy                 varchar(16) CHECK (remedy IN ('corrected','re_run','terminated')),
        found_false            boolean NOT NULL DEFAULT false,
        decision_reason        text,
        sanction_id            uuid REFERENCES sanctions(id),
        withdrawn_on           date,
        suspended_on           date,
        suspended_at           timestamptz,
        suspension_reason      varchar(2000),
        resumed_on             date,
        CONSTRAINT complaints_decision_check CHECK (
          (outcome IS NULL) = (decided_on IS NULL) AND (outcome IS NULL) = (decision_reason IS NULL)),
        CONSTRAINT complaints_remedy_outcome_check CHECK ((remedy IS NOT NULL) = (outcome = 'upheld')),
        CONSTRAINT complaints_false_check CHECK (NOT found_false OR outcome = 'dismissed'),
        CONSTRAINT complaints_suspension_check CHECK (
          (suspended_on IS NULL) = (suspended_at IS NULL) AND (resumed_on IS NULL OR suspended_on IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX complaints_project_idx ON complaints (project_type, project_id)`);
    await db.query(`CREATE INDEX complaints_complainant_idx ON complaints (complainant_id, filed_at DESC)`);
    await db.query(`CREATE INDEX complaints_list_idx ON complaints (filed_at DESC, id)`);
    // The worker's watch and the public list: the pending ones, the decided ones.
    await db.query(`
      CREATE INDEX complaints_pending_idx ON complaints (filed_on)
      WHERE status IN ('filed','accepted','investigating') OR (suspended_on IS NOT NULL AND resumed_on IS NULL)`);
    await db.query(
      `CREATE INDEX complaints_decided_idx ON complaints (decided_at DESC, id) WHERE outcome IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE complaint_document_requests (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        complaint_id  uuid NOT NULL REFERENCES complaints(id),
        addressee     varchar(200) NOT NULL CHECK (btrim(addressee) <> ''),
        requested_on  date NOT NULL,
        requested_by  uuid NOT NULL REFERENCES users(id),
        due_on        date NOT NULL,
        answered_on   date,
        attachments   jsonb NOT NULL DEFAULT '[]',
        CONSTRAINT complaint_document_requests_due_check CHECK (due_on > requested_on),
        CONSTRAINT complaint_document_requests_answer_check CHECK (answered_on IS NULL OR answered_on >= requested_on)
      )`);
    await db.query(
      `CREATE INDEX complaint_document_requests_complaint_idx ON complaint_document_requests (complaint_id, requested_on)`,
    );
    await db.query(
      `REVOKE DELETE, TRUNCATE ON complaints, complaint_document_requests FROM ${appRoleName()}`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE complaint_document_requests`);
    await db.query(`DROP TABLE complaints`);
  }
}
