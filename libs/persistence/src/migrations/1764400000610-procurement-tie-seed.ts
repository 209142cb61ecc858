import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seed of the lot that breaks a full tie in a procurement's ranking, made by the server with
 * the report and kept with it — as for tenders (1764400000410): the committee draw's seed, which
 * staff see after the opening, would let them foresee the lot.
 */
export class ProcurementTieSeed1764400000610 implements MigrationInterface {
  name = 'ProcurementTieSeed1764400000610';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE procurement_evaluations ADD COLUMN tie_seed char(64) CHECK (tie_seed ~ '^[0-9a-f]{64}$')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE procurement_evaluations DROP COLUMN tie_seed`);
  }
}
