import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Suspension freezes the timers: remember when, so resuming can shift them by the pause. */
export class ListingSuspension1764240000000 implements MigrationInterface {
  name = 'ListingSuspension1764240000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE lease_listings ADD COLUMN suspended_at timestamptz`);
    await db.query(`ALTER TABLE lease_listings ADD CONSTRAINT lease_listings_suspended_at_check
      CHECK ((status = 'suspended') = (suspended_at IS NOT NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE lease_listings DROP CONSTRAINT lease_listings_suspended_at_check`);
    await db.query(`ALTER TABLE lease_listings DROP COLUMN suspended_at`);
  }
}
