import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

const PROCESS_TYPES = `'lease_listing','transfer_project','tender_project','procurement_project'`;
const RULE_IDS = [
  'SINGLE_QUALIFIED_BIDDER',
  'WON_AT_START_PRICE',
  'SHARED_CLIENT_ADDRESS',
  'SHARED_DEVICE_FINGERPRINT',
  'RECURRING_BIDDER_SET',
  'IDENTICAL_BID_DOCUMENTS',
  'OUTLIER_WINNING_SCORE',
  'ABNORMALLY_LOW_BID',
  'PROJECT_SPLITTING',
  'COMPLAINT_OVERDUE',
  'DEPOSIT_REFUND_OVERDUE',
]
  .map((rule) => `'${rule}'`)
  .join(',');

/**
 * Early warning (预警, issue 10). Every registration, live bid and sealed bid records where it
 * came from — the client address (TRUST_PROXY hops, an IPv6 address by its /64) and the SHA-256
 * of the device fingerprint the web app sends — for supervisors only (no entity maps them, so no
 * ordinary read can return them). `alerts` keeps one alert per (rule, process, evidence key): the
 * key (a SHA-256 of what makes the finding itself, e.g. the shared address) lets the detectors run
 * again and again without duplicating one. `alert_scans` remembers which concluded processes the
 * detectors have run over, so the sweep finds the ones a lost job missed. Alerts are never
 * deleted (the apps' role has no DELETE).
 */
export class EarlyWarningAlerts1764500000800 implements MigrationInterface {
  name = 'EarlyWarningAlerts1764500000800';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['registrations', 'bids', 'sealed_bids'])
      await db.query(`ALTER TABLE ${table}
        ADD COLUMN client_address varchar(64),
        ADD COLUMN device_fingerprint char(64) CHECK (device_fingerprint ~ '^[0-9a-f]{64}$')`);
    await db.query(`
      CREATE TABLE alerts (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_id        varchar(40) NOT NULL CHECK (rule_id IN (${RULE_IDS})),
        process_type   varchar(32) NOT NULL CHECK (process_type IN (${PROCESS_TYPES})),
        process_id     uuid NOT NULL,
        evidence_key   char(64) NOT NULL CHECK (evidence_key ~ '^[0-9a-f]{64}$'),
        evidence       jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'object'),
        state          varchar(16) NOT NULL CHECK (state IN ('open','acknowledged','dismissed','escalated')),
        raised_at      timestamptz NOT NULL,
        seen_at        timestamptz NOT NULL,
        acknowledged_by uuid REFERENCES users(id),
        acknowledged_at timestamptz,
        decided_by     uuid REFERENCES users(id),
        decided_at     timestamptz,
        reason         varchar(1000),
        CONSTRAINT alerts_finding_key UNIQUE (rule_id, process_type, process_id, evidence_key),
        CONSTRAINT alerts_decision_check CHECK (
          (state IN ('dismissed','escalated')) = (decided_at IS NOT NULL AND decided_by IS NOT NULL AND reason IS NOT NULL)),
        CONSTRAINT alerts_acknowledged_check CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
      )`);
    await db.query(`CREATE INDEX alerts_list_idx ON alerts (raised_at DESC, id)`);
    await db.query(`CREATE INDEX alerts_process_idx ON alerts (process_type, process_id)`);
    await db.query(`
      CREATE TABLE alert_scans (
        process_type  varchar(32) NOT NULL CHECK (process_type IN (${PROCESS_TYPES})),
        process_id    uuid NOT NULL,
        scanned_at    timestamptz NOT NULL,
        PRIMARY KEY (process_type, process_id)
      )`);
    await db.query(`REVOKE DELETE, TRUNCATE ON alerts FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE alert_scans`);
    await db.query(`DROP TABLE alerts`);
    for (const table of ['registrations', 'bids', 'sealed_bids'])
      await db.query(`ALTER TABLE ${table} DROP COLUMN client_address, DROP COLUMN device_fingerprint`);
  }
}
