import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

/**
 * Fees (收费, issue 10): the published fee schedules of each line, and the fee recorded with
 * every deal when the deal is recorded — the schedule in force on the deal's date (CENTRE_TZ),
 * the amount and its working — or, when no schedule was in force, a row saying so (schedule and
 * amount null together): a deal is never refused, nor a close failed, for want of a schedule.
 *
 * Both are kept for good: a schedule is never edited (a new one starts on a later day) and a
 * recorded fee is never recomputed, so the apps' role may insert rows, never change or delete one.
 */
export class Fees1764500000900 implements MigrationInterface {
  name = 'Fees1764500000900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE fee_schedules (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        line            varchar(16) NOT NULL
                        CHECK (line IN ('construction','procurement','lease','transfer')),
        effective_from  date NOT NULL,
        basis           varchar(500) NOT NULL CHECK (btrim(basis) <> ''),
        payer           varchar(8) NOT NULL CHECK (payer IN ('winner','owner')),
        rule            jsonb NOT NULL,
        published_by    uuid REFERENCES users(id),
        published_at    timestamptz NOT NULL,
        CONSTRAINT fee_schedules_line_day_key UNIQUE (line, effective_from)
      )`);
    await db.query(`
      CREATE TABLE deal_fees (
        deal_id      uuid PRIMARY KEY REFERENCES deals(id),
        line         varchar(16),
        deal_on      date NOT NULL,
        schedule_id  uuid REFERENCES fee_schedules(id),
        amount       bigint CHECK (amount >= 0),
        working      jsonb NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT deal_fees_schedule_amount_check CHECK ((schedule_id IS NULL) = (amount IS NULL))
      )`);
    // The report's sums by category join deals (by their closed_at range) to their fee.
    await db.query(`CREATE INDEX deal_fees_schedule_idx ON deal_fees (schedule_id)`);
    await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON fee_schedules, deal_fees FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deal_fees`);
    await db.query(`DROP TABLE fee_schedules`);
  }
}
