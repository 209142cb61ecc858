import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';
import { TENDER_STATUSES_1764400000300 } from './1764400000300-tender-projects.js';

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(',');
const STATUSES_BEFORE = [...TENDER_STATUSES_1764400000300, 'retendered'];
const STATUSES = [...STATUSES_BEFORE, 'prequalified'];
const SUSPENDABLE_BEFORE = [
  'announced',
  'prequalification',
  'bidding',
  'opened',
  'evaluating',
  'candidates_published',
  'awarded',
];
const SUSPENDABLE = [...SUSPENDABLE_BEFORE, 'prequalified'];
const NOT_OPENED_BEFORE = [
  'registered',
  'announced',
  'prequalification',
  'bidding',
  'suspended',
  'terminated',
];
const NOT_OPENED = [...NOT_OPENED_BEFORE, 'prequalified'];
const SHA256 = `"^[0-9a-f]{64}$"`;
const USCC = `'^[0-9A-HJ-NPQRTUWXY]{18}$'`;

/**
 * A tender's prequalification (资格预审, 招标投标法实施条例 第15–22条):
 * - on the project: the prequalification documents (name, SHA-256), their sale and the day
 *   applications are due — all four or none (none: no prequalification) — and the result once
 *   notified (its day, how many passed); the new status `prequalified` (the result is out, ≥ 3
 *   passed, bidding follows on the day the tender documents are issued);
 * - `tender_prequalification_applications`: a supplier's application (its organisation's code,
 *   its documents' SHA-256), passed or failed by staff with a reason; never removed;
 * - objections may be to the prequalification documents (≥ 2 days before applications are due).
 */
export class TenderPrequalification1764500001430 implements MigrationInterface {
  name = 'TenderPrequalification1764500001430';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tender_projects DROP CONSTRAINT tender_projects_status_check`);
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_status_check
      CHECK (status IN (${list(STATUSES)}))`);
    await db.query(`ALTER TABLE tender_projects DROP CONSTRAINT tender_projects_resume_to_check`);
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_resume_to_check
      CHECK (resume_to IN (${list(SUSPENDABLE)}))`);
    await db.query(`ALTER TABLE tender_projects DROP CONSTRAINT tender_projects_opened_check`);
    await db.query(`
      ALTER TABLE tender_projects
        ADD COLUMN prequalification_documents jsonb
          CHECK (jsonb_typeof(prequalification_documents) = 'array'
                 AND jsonb_array_length(prequalification_documents) BETWEEN 1 AND 50
                 AND NOT jsonb_path_exists(prequalification_documents, '$[*] ? (!(@.sha256 like_regex ${SHA256}))')),
        ADD COLUMN prequalification_sale_starts_on date,
        ADD COLUMN prequalification_sale_ends_on   date,
        ADD COLUMN applications_due_on             date,
        ADD COLUMN prequalification_result_on      date,
        ADD COLUMN prequalification_passed         integer CHECK (prequalification_passed >= 0),
        ADD CONSTRAINT tender_projects_prequalification_check CHECK (
          (prequalification_documents IS NULL) = (prequalification_sale_starts_on IS NULL)
          AND (prequalification_documents IS NULL) = (prequalification_sale_ends_on IS NULL)
          AND (prequalification_documents IS NULL) = (applications_due_on IS NULL)
          AND (applications_due_on IS NULL OR (prequalification_sale_starts_on <= prequalification_sale_ends_on
               AND applications_due_on > prequalification_sale_ends_on AND applications_due_on < sale_starts_on))),
        ADD CONSTRAINT tender_projects_prequalification_result_check CHECK (
          (prequalification_result_on IS NULL) = (prequalification_passed IS NULL)
          AND (prequalification_result_on IS NULL OR applications_due_on IS NOT NULL)),
        -- Prequalification's own statuses belong to a tender that has one.
        ADD CONSTRAINT tender_projects_prequalification_status_check CHECK (
          applications_due_on IS NOT NULL OR (status NOT IN ('prequalification','prequalified')
            AND (resume_to IS NULL OR resume_to NOT IN ('prequalification','prequalified'))))`);
    // A tender that failed its prequalification was never opened.
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_opened_check
      CHECK (opened_at IS NOT NULL OR status IN (${list(NOT_OPENED)})
             OR (status IN ('failed','retendered') AND prequalification_passed < 3))`);
    await db.query(`
      CREATE TABLE tender_prequalification_applications (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id         uuid NOT NULL REFERENCES tender_projects(id),
        applicant_id       uuid NOT NULL REFERENCES users(id),
        organization_code  char(18) NOT NULL CHECK (organization_code ~ ${USCC}),
        documents          jsonb NOT NULL DEFAULT '[]'
                           CHECK (jsonb_typeof(documents) = 'array' AND jsonb_array_length(documents) <= 20
                                  AND NOT jsonb_path_exists(documents, '$[*] ? (!(@.sha256 like_regex ${SHA256}))')),
        applied_at         timestamptz NOT NULL,
        applied_on         date NOT NULL,
        status             varchar(8) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','passed','failed')),
        reason             text CHECK (char_length(btrim(reason)) BETWEEN 1 AND 500),
        decided_by         uuid REFERENCES users(id),
        decided_at         timestamptz,
        CONSTRAINT tender_prequalification_applications_decision_check CHECK (
          (status = 'pending') = (reason IS NULL) AND (status = 'pending') = (decided_by IS NULL)
          AND (status = 'pending') = (decided_at IS NULL)),
        CONSTRAINT tender_prequalification_applications_applicant_key UNIQUE (project_id, applicant_id),
        CONSTRAINT tender_prequalification_applications_organization_key UNIQUE (project_id, organization_code)
      )`);
    await db.query(`CREATE INDEX tender_prequalification_applications_applicant_idx
      ON tender_prequalification_applications (applicant_id, applied_at DESC)`);
    // An application is evidence: decided once (the service under the tender's lock), never removed.
    await db.query(`REVOKE DELETE, TRUNCATE ON tender_prequalification_applications FROM ${appRoleName()}`);
    await db.query(`ALTER TABLE tender_objections DROP CONSTRAINT tender_objections_target_check`);
    await db.query(`ALTER TABLE tender_objections ALTER COLUMN target TYPE varchar(32)`);
    await db.query(`ALTER TABLE tender_objections ADD CONSTRAINT tender_objections_target_check
      CHECK (target IN ('tender_documents','candidates','prequalification_documents'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM tender_objections WHERE target = 'prequalification_documents'`);
    await db.query(`ALTER TABLE tender_objections DROP CONSTRAINT tender_objections_target_check`);
    await db.query(`ALTER TABLE tender_objections ALTER COLUMN target TYPE varchar(24)`);
    await db.query(`ALTER TABLE tender_objections ADD CONSTRAINT tender_objections_target_check
      CHECK (target IN ('tender_documents','candidates'))`);
    await db.query(`DROP TABLE tender_prequalification_applications`);
    await db.query(`UPDATE tender_projects SET status = 'bidding' WHERE status = 'prequalified'`);
    await db.query(`UPDATE tender_projects SET resume_to = 'bidding' WHERE resume_to = 'prequalified'`);
    await db.query(`ALTER TABLE tender_projects
      DROP CONSTRAINT tender_projects_opened_check,
      DROP CONSTRAINT tender_projects_prequalification_status_check,
      DROP CONSTRAINT tender_projects_prequalification_result_check,
      DROP CONSTRAINT tender_projects_prequalification_check,
      DROP COLUMN prequalification_passed,
      DROP COLUMN prequalification_result_on,
      DROP COLUMN applications_due_on,
      DROP COLUMN prequalification_sale_ends_on,
      DROP COLUMN prequalification_sale_starts_on,
      DROP COLUMN prequalification_documents`);
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_opened_check
      CHECK (opened_at IS NOT NULL OR status IN (${list(NOT_OPENED_BEFORE)}))`);
    await db.query(`ALTER TABLE tender_projects DROP CONSTRAINT tender_projects_resume_to_check`);
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_resume_to_check
      CHECK (resume_to IN (${list(SUSPENDABLE_BEFORE)}))`);
    await db.query(`ALTER TABLE tender_projects DROP CONSTRAINT tender_projects_status_check`);
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_status_check
      CHECK (status IN (${list(STATUSES_BEFORE)}))`);
  }
}
