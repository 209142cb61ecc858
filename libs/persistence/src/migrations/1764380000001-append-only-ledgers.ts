import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

/**
 * The bid ledger and the deal records are written once: a bid is an attempt as it was decided,
 * a deal is what a process concluded (imports are idempotent by `ON CONFLICT DO NOTHING`). The
 * apps' role keeps SELECT and INSERT on them and loses UPDATE and DELETE, which no code path
 * uses, so a compromised app cannot rewrite who bid what or what was sold, as for the audit trail.
 */
export class AppendOnlyLedgers1764380000001 implements MigrationInterface {
  name = 'AppendOnlyLedgers1764380000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON bids, deals FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`GRANT UPDATE, DELETE ON bids, deals TO ${appRoleName()}`);
  }
}
