import type { MigrationInterface, QueryRunner } from 'typeorm';

const SHA256 = `'^[0-9a-f]{64}$'`;

/**
 * The procurement methods beyond the common path:
 * - objections to a single source's prior publicity (单一来源公示异议), each answered once (upheld
 *   fails the project) and public with its answer;
 * - a framework agreement's subject, term and how many suppliers its award admits, and its
 *   call-off orders, each with its own deal (`deals.source_type` `framework_call_off`);
 * - comprehensive scoring: the evaluation method and criteria on the project, and each
 *   committee member's scores with who entered them, as a tender's (1764400000400).
 */
export class ProcurementMethods1764500000100 implements MigrationInterface {
  name = 'ProcurementMethods1764500000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE procurement_projects
        ADD COLUMN subject_type varchar(16) CHECK (subject_type IN ('goods','services')),
        ADD COLUMN evaluation_method varchar(32) NOT NULL DEFAULT 'lowest_evaluated_price'
          CHECK (evaluation_method IN ('lowest_evaluated_price','comprehensive_scoring')),
        ADD COLUMN criteria jsonb CHECK (criteria IS NULL OR jsonb_typeof(criteria) = 'array'),
        ADD COLUMN admitted_suppliers integer CHECK (admitted_suppliers BETWEEN 2 AND 100),
        ADD COLUMN term_starts_on date,
        ADD COLUMN term_ends_on date,
        ADD CONSTRAINT procurement_projects_framework_check CHECK (
          (admitted_suppliers IS NULL AND term_starts_on IS NULL AND term_ends_on IS NULL)
          OR (method = 'framework_agreement' AND term_ends_on >= term_starts_on)),
        ADD CONSTRAINT procurement_projects_scoring_check CHECK (
          (evaluation_method = 'comprehensive_scoring') = (criteria IS NOT NULL))`);
    await db.query(`
      CREATE TABLE procurement_publicity_objections (
        id              uuid PRIMARY KEY,
        project_id      uuid NOT NULL REFERENCES procurement_projects(id),
        filed_by        uuid NOT NULL REFERENCES users(id),
        text            text NOT NULL CHECK (char_length(btrim(text)) BETWEEN 1 AND 5000),
        documents       jsonb NOT NULL DEFAULT '[]'
                        CHECK (jsonb_typeof(documents) = 'array' AND jsonb_array_length(documents) <= 20),
        filed_on        date NOT NULL,
        filed_at        timestamptz NOT NULL,
        answer_due_on   date NOT NULL,
        upheld          boolean,
        reply           text CHECK (char_length(btrim(reply)) BETWEEN 1 AND 5000),
        answered_on     date,
        answered_at     timestamptz,
        answered_by     uuid REFERENCES users(id),
        CHECK ((upheld IS NULL) = (reply IS NULL) AND (upheld IS NULL) = (answered_at IS NULL)
               AND (answered_at IS NULL) = (answered_by IS NULL) AND (answered_at IS NULL) = (answered_on IS NULL))
      )`);
    await db.query(`ALTER TABLE procurement_publicity_objections ADD CONSTRAINT procurement_objections_sha_check CHECK (
      NOT jsonb_path_exists(documents, '$[*] ? (!(@.sha256 like_regex ${SHA256.replace(/'/g, '"')}))'))`);
    await db.query(
      `CREATE INDEX procurement_publicity_objections_project_idx ON procurement_publicity_objections (project_id, filed_at)`,
    );
    await db.query(`
      CREATE TABLE procurement_scores (
        project_id    uuid NOT NULL REFERENCES procurement_projects(id),
        member_id     uuid NOT NULL REFERENCES experts(id),
        bid_id        uuid NOT NULL,
        criterion_id  varchar(64) NOT NULL,
        score         numeric(5,2) NOT NULL CHECK (score BETWEEN 0 AND 100),
        entered_by    uuid NOT NULL REFERENCES users(id),
        entered_at    timestamptz NOT NULL,
        PRIMARY KEY (project_id, member_id, bid_id, criterion_id)
      )`);
    await db.query(`
      CREATE TABLE procurement_call_offs (
        id               uuid PRIMARY KEY,
        project_id       uuid NOT NULL REFERENCES procurement_projects(id),
        supplier_id      uuid NOT NULL REFERENCES users(id),
        supplier_name    varchar(200) NOT NULL,
        title            varchar(200) NOT NULL CHECK (char_length(btrim(title)) >= 1),
        amount           bigint NOT NULL CHECK (amount > 0),
        ordered_on       date NOT NULL,
        contract_sha256  char(64) CHECK (contract_sha256 ~ ${SHA256}),
        deal_id          uuid NOT NULL UNIQUE REFERENCES deals(id),
        recorded_by      uuid NOT NULL REFERENCES users(id),
        recorded_at      timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX procurement_call_offs_project_idx ON procurement_call_offs (project_id, ordered_on, recorded_at)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE procurement_call_offs`);
    await db.query(`DROP TABLE procurement_scores`);
    await db.query(`DROP TABLE procurement_publicity_objections`);
    await db.query(`
      ALTER TABLE procurement_projects
        DROP CONSTRAINT procurement_projects_scoring_check,
        DROP CONSTRAINT procurement_projects_framework_check,
        DROP COLUMN term_ends_on, DROP COLUMN term_starts_on, DROP COLUMN admitted_suppliers,
        DROP COLUMN criteria, DROP COLUMN evaluation_method, DROP COLUMN subject_type`);
  }
}
