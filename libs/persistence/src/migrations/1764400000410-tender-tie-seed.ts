import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seed of the lot that breaks a full tie in a tender's ranking, made by the server when the
 * report is computed and kept with it (replayable). It was the committee draw's seed, which staff
 * saw after the opening — with evaluated prices they enter themselves, they could have foreseen a lot.
 */
export class TenderTieSeed1764400000410 implements MigrationInterface {
  name = 'TenderTieSeed1764400000410';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE tender_evaluations ADD COLUMN tie_seed char(64) CHECK (tie_seed ~ '^[0-9a-f]{64}$')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tender_evaluations DROP COLUMN tie_seed`);
  }
}
