import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';
import { TENDER_STATUSES_1764400000300 } from './1764400000300-tender-projects.js';

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(',');
const STATUSES = [...TENDER_STATUSES_1764400000300, 'retendered'];
const SHA256 = `"^[0-9a-f]{64}$"`;

/**
 * A tender's objections (异议), its rounds (重新招标) and its candidates giving up (第55条).
 * - `tender_objections`: an objection to the documents (实施条例 第22条) or to the candidates
 *   (第54条), with its reply written once beside it (late replies are recorded as late); the
 *   reply that resumed the tender keeps the period's last day before and after the pause.
 * - A failed round stays as it is (`retendered`); its successor is a new tender with
 *   `previous_round_id` — unique, so a failed round has one successor however many ask at once.
 * - `tender_candidate_withdrawals`: a candidate that gave up or was found ineligible, and where
 *   the award went because of it; a record, never changed or removed.
 */
export class TenderObjectionsRounds1764500000200 implements MigrationInterface {
  name = 'TenderObjectionsRounds1764500000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tender_projects DROP CONSTRAINT tender_projects_status_check`);
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_status_check
      CHECK (status IN (${list(STATUSES)}))`);
    await db.query(`ALTER TABLE tender_projects
      ADD COLUMN previous_round_id uuid UNIQUE REFERENCES tender_projects(id),
      ADD CONSTRAINT tender_projects_round_link_check CHECK ((round = 1) = (previous_round_id IS NULL))`);
    await db.query(`
      CREATE TABLE tender_objections (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id          uuid NOT NULL REFERENCES tender_projects(id),
        target              varchar(24) NOT NULL CHECK (target IN ('tender_documents','candidates')),
        text                text NOT NULL CHECK (char_length(btrim(text)) BETWEEN 1 AND 5000),
        documents           jsonb NOT NULL DEFAULT '[]'
                            CHECK (jsonb_typeof(documents) = 'array' AND jsonb_array_length(documents) <= 20
                                   AND NOT jsonb_path_exists(documents, '$[*] ? (!(@.sha256 like_regex ${SHA256}))')),
        objector_id         uuid NOT NULL REFERENCES users(id),
        filed_at            timestamptz NOT NULL,
        filed_on            date NOT NULL,
        reply_due_on        date NOT NULL CHECK (reply_due_on > filed_on),
        reply_text          text CHECK (char_length(btrim(reply_text)) BETWEEN 1 AND 5000),
        upheld              boolean,
        replied_at          timestamptz,
        replied_on          date,
        replied_by          uuid REFERENCES users(id),
        reply_late          boolean,
        period_ends_before  date,
        period_ends_after   date,
        CONSTRAINT tender_objections_reply_check CHECK (
          (reply_text IS NULL) = (upheld IS NULL) AND (reply_text IS NULL) = (replied_at IS NULL)
          AND (reply_text IS NULL) = (replied_on IS NULL) AND (reply_text IS NULL) = (replied_by IS NULL)
          AND (reply_text IS NULL) = (reply_late IS NULL)),
        CONSTRAINT tender_objections_resumed_check CHECK (
          (period_ends_before IS NULL) = (period_ends_after IS NULL)
          AND (period_ends_after IS NULL OR (replied_at IS NOT NULL AND period_ends_after >= period_ends_before)))
      )`);
    await db.query(`CREATE INDEX tender_objections_project_idx ON tender_objections (project_id, filed_at)`);
    await db.query(`
      CREATE TABLE tender_candidate_withdrawals (
        project_id       uuid NOT NULL REFERENCES tender_projects(id),
        bid_id           uuid NOT NULL,
        cause            varchar(24) NOT NULL
                         CHECK (cause IN ('gave_up','cannot_perform','no_performance_bond','disqualified')),
        reason           text NOT NULL CHECK (char_length(btrim(reason)) BETWEEN 1 AND 500),
        recorded_on      date NOT NULL,
        recorded_at      timestamptz NOT NULL,
        recorded_by      uuid NOT NULL REFERENCES users(id),
        award_passed_to  uuid,
        PRIMARY KEY (project_id, bid_id)
      )`);
    // An objection is never removed (its reply is written once, by the service under the tender's
    // lock); a withdrawal is a record of a fact, never changed.
    await db.query(`REVOKE DELETE, TRUNCATE ON tender_objections FROM ${appRoleName()}`);
    await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON tender_candidate_withdrawals FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE tender_candidate_withdrawals`);
    await db.query(`DROP TABLE tender_objections`);
    await db.query(`ALTER TABLE tender_projects DROP CONSTRAINT tender_projects_round_link_check`);
    await db.query(`ALTER TABLE tender_projects DROP COLUMN previous_round_id`);
    await db.query(`UPDATE tender_projects SET status = 'failed' WHERE status = 'retendered'`);
    await db.query(`ALTER TABLE tender_projects DROP CONSTRAINT tender_projects_status_check`);
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_status_check
      CHECK (status IN (${list(TENDER_STATUSES_1764400000300)}))`);
  }
}
