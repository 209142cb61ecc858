import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

const SHA256 = `'^[0-9a-f]{64}$'`;

/**
 * A tender after its opening (评标 → 中标候选人公示 → 中标 → 合同). The scoring criteria are part of
 * the tender's terms (comprehensive scoring only). The committee's entries are kept one row per
 * thing entered, each with who entered it and when: rejections (否决投标, never undone), the
 * evaluated prices and the members' scores (replaced while the evaluation runs, every
 * replacement audited). `tender_evaluations` holds one row per tender from the start of the
 * evaluation: the report, the candidates' publicity, the award and the contract.
 */
export class TenderEvaluation1764400000400 implements MigrationInterface {
  name = 'TenderEvaluation1764400000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tender_projects ADD COLUMN criteria jsonb
      CHECK (criteria IS NULL OR jsonb_typeof(criteria) = 'array')`);
    await db.query(`
      CREATE TABLE tender_evaluations (
        project_id          uuid PRIMARY KEY REFERENCES tender_projects(id),
        started_at          timestamptz NOT NULL,
        started_by          uuid NOT NULL REFERENCES users(id),
        committee_draw_id   uuid NOT NULL REFERENCES committee_draws(id),
        report_on           date,
        report_at           timestamptz,
        report_sha256       char(64) CHECK (report_sha256 ~ ${SHA256}),
        reported_by         uuid REFERENCES users(id),
        outcome             varchar(16) CHECK (outcome IN ('ranked','failed')),
        ranking             jsonb CHECK (ranking IS NULL OR jsonb_typeof(ranking) = 'array'),
        candidates          jsonb CHECK (candidates IS NULL OR jsonb_typeof(candidates) = 'array'),
        publicity_starts_on date,
        publicity_ends_on   date,
        published_by        uuid REFERENCES users(id),
        awarded_bid_id      uuid,
        award_reason        text CHECK (char_length(award_reason) <= 500),
        award_notice_on     date,
        contract_due_on     date,
        awarded_by          uuid REFERENCES users(id),
        contract_signed_on  date,
        contract_sha256     char(64) CHECK (contract_sha256 ~ ${SHA256}),
        contracted_by       uuid REFERENCES users(id),
        deal_id             uuid REFERENCES deals(id),
        -- When the worker first saw the contract overdue (an alert, never a status).
        contract_overdue_at timestamptz,
        CHECK ((report_on IS NULL) = (outcome IS NULL)),
        CHECK (publicity_starts_on IS NULL OR (outcome = 'ranked' AND publicity_ends_on > publicity_starts_on)),
        CHECK (awarded_bid_id IS NULL OR publicity_starts_on IS NOT NULL),
        CHECK ((awarded_bid_id IS NULL) = (award_notice_on IS NULL)),
        CHECK (contract_signed_on IS NULL OR (awarded_bid_id IS NOT NULL AND deal_id IS NOT NULL))
      )`);
    await db.query(`
      CREATE TABLE tender_bid_rejections (
        project_id  uuid NOT NULL REFERENCES tender_projects(id),
        bid_id      uuid NOT NULL,
        reason      text NOT NULL CHECK (char_length(btrim(reason)) BETWEEN 1 AND 500),
        entered_by  uuid NOT NULL REFERENCES users(id),
        entered_at  timestamptz NOT NULL,
        PRIMARY KEY (project_id, bid_id)
      )`);
    await db.query(`
      CREATE TABLE tender_evaluated_prices (
        project_id      uuid NOT NULL REFERENCES tender_projects(id),
        bid_id          uuid NOT NULL,
        evaluated_price bigint NOT NULL CHECK (evaluated_price > 0),
        note            text CHECK (char_length(note) <= 500),
        entered_by      uuid NOT NULL REFERENCES users(id),
        entered_at      timestamptz NOT NULL,
        PRIMARY KEY (project_id, bid_id)
      )`);
    await db.query(`
      CREATE TABLE tender_scores (
        project_id    uuid NOT NULL REFERENCES tender_projects(id),
        member_id     uuid NOT NULL REFERENCES experts(id),
        bid_id        uuid NOT NULL,
        criterion_id  varchar(64) NOT NULL,
        score         numeric(5,2) NOT NULL CHECK (score BETWEEN 0 AND 100),
        entered_by    uuid NOT NULL REFERENCES users(id),
        entered_at    timestamptz NOT NULL,
        PRIMARY KEY (project_id, member_id, bid_id, criterion_id)
      )`);
    // The worker's scan for awarded tenders whose contract is overdue.
    await db.query(
      `CREATE INDEX tender_evaluations_contract_due_idx ON tender_evaluations (contract_due_on)
       WHERE contract_signed_on IS NULL AND contract_overdue_at IS NULL AND contract_due_on IS NOT NULL`,
    );
    // A rejection is a record of the committee's decision: the apps may not take it back.
    await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON tender_bid_rejections FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE tender_scores`);
    await db.query(`DROP TABLE tender_evaluated_prices`);
    await db.query(`DROP TABLE tender_bid_rejections`);
    await db.query(`DROP TABLE tender_evaluations`);
    await db.query(`ALTER TABLE tender_projects DROP COLUMN criteria`);
  }
}
