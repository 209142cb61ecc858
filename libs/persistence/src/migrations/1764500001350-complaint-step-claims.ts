import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One step at a time per complaint (attack review, branch fix-complaints): a step that runs the
 * line's command (its own transaction) claims the complaint first and frees it after recording,
 * so a withdrawal cannot slip between an upheld decision's command and its record. A claim is a
 * column, not a held connection or lock: holding a pooled connection while the line's command asks
 * for another can starve the pool. A claim older than a few minutes is stale (a process that died
 * mid-step) and may be taken over.
 */
export class ComplaintStepClaims1764500001350 implements MigrationInterface {
  name = 'ComplaintStepClaims1764500001350';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE complaints ADD COLUMN step_claimed_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE complaints DROP COLUMN step_claimed_at`);
  }
}
