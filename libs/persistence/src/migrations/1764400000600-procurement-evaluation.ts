import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

const SHA256 = `'^[0-9a-f]{64}$'`;

/**
 * A procurement after its opening (评审 → 评审报告 → 确定成交 → 结果公告 → 合同), as a tender's
 * (1764400000400) with the purchaser's steps in between. The committee's entries are one row per
 * thing entered with who entered it and when: rejections (never undone) and evaluated prices.
 * `procurement_evaluations` holds one row per project from the start of the evaluation, each step's
 * day and its statutory last day, so a late step is on record (report, result) or refused
 * (decision for anyone but the first, contract).
 */
export class ProcurementEvaluation1764400000600 implements MigrationInterface {
  name = 'ProcurementEvaluation1764400000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE procurement_evaluations (
        project_id          uuid PRIMARY KEY REFERENCES procurement_projects(id),
        started_at          timestamptz NOT NULL,
        started_on          date NOT NULL,
        started_by          uuid NOT NULL REFERENCES users(id),
        committee_draw_id   uuid NOT NULL REFERENCES committee_draws(id),
        report_on           date,
        report_at           timestamptz,
        report_sha256       char(64) CHECK (report_sha256 ~ ${SHA256}),
        reported_by         uuid REFERENCES users(id),
        outcome             varchar(16) CHECK (outcome IN ('ranked','failed')),
        ranking             jsonb CHECK (ranking IS NULL OR jsonb_typeof(ranking) = 'array'),
        candidates          jsonb CHECK (candidates IS NULL OR jsonb_typeof(candidates) = 'array'),
        report_due_on       date,
        delivered_on        date,
        delivered_by        uuid REFERENCES users(id),
        decision_due_on     date,
        awarded_bid_id      uuid,
        award_reason        text CHECK (char_length(award_reason) <= 500),
        decided_on          date,
        decided_by          uuid REFERENCES users(id),
        result_due_on       date,
        award_notice_on     date,
        announced_by        uuid REFERENCES users(id),
        contract_due_on     date,
        contract_signed_on  date,
        contract_sha256     char(64) CHECK (contract_sha256 ~ ${SHA256}),
        contracted_by       uuid REFERENCES users(id),
        deal_id             uuid REFERENCES deals(id),
        -- When the worker first saw the contract overdue (an alert, never a status).
        contract_overdue_at timestamptz,
        CHECK ((report_on IS NULL) = (outcome IS NULL)),
        CHECK (delivered_on IS NULL OR outcome = 'ranked'),
        CHECK ((awarded_bid_id IS NULL) = (decided_on IS NULL)),
        CHECK (decided_on IS NULL OR delivered_on IS NOT NULL),
        CHECK (award_notice_on IS NULL OR decided_on IS NOT NULL),
        CHECK (contract_signed_on IS NULL OR award_notice_on IS NOT NULL)
      )`);
    await db.query(`
      CREATE TABLE procurement_bid_rejections (
        project_id  uuid NOT NULL REFERENCES procurement_projects(id),
        bid_id      uuid NOT NULL,
        reason      text NOT NULL CHECK (char_length(btrim(reason)) BETWEEN 1 AND 500),
        entered_by  uuid NOT NULL REFERENCES users(id),
        entered_at  timestamptz NOT NULL,
        PRIMARY KEY (project_id, bid_id)
      )`);
    await db.query(`
      CREATE TABLE procurement_evaluated_prices (
        project_id      uuid NOT NULL REFERENCES procurement_projects(id),
        bid_id          uuid NOT NULL,
        evaluated_price bigint NOT NULL CHECK (evaluated_price > 0),
        note            text CHECK (char_length(note) <= 500),
        entered_by      uuid NOT NULL REFERENCES users(id),
        entered_at      timestamptz NOT NULL,
        PRIMARY KEY (project_id, bid_id)
      )`);
    // The worker's scan for awarded projects whose contract is overdue.
    await db.query(
      `CREATE INDEX procurement_evaluations_contract_due_idx ON procurement_evaluations (contract_due_on)
       WHERE contract_signed_on IS NULL AND contract_overdue_at IS NULL AND contract_due_on IS NOT NULL`,
    );
    // A rejection is a record of the committee's decision: the apps may not take it back.
    await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON procurement_bid_rejections FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE procurement_evaluated_prices`);
    await db.query(`DROP TABLE procurement_bid_rejections`);
    await db.query(`DROP TABLE procurement_evaluations`);
  }
}
