import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bids decided together (a group commit's batch) share the database's time, so `at` alone no
 * longer orders attempts: `arrival` numbers them in the order they were written, which is the
 * order they arrived and were decided in. Supervisors' attempt list sorts by (at, arrival),
 * with an index to page it by auction. Existing rows are numbered in storage order; their
 * times already tell them apart.
 */
export class BidArrival1764370000000 implements MigrationInterface {
  name = 'BidArrival1764370000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE bids ADD COLUMN arrival bigint GENERATED ALWAYS AS IDENTITY`);
    await db.query(`CREATE INDEX bids_auction_attempts_idx ON bids (auction_id, at, arrival)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX bids_auction_attempts_idx`);
    await db.query(`ALTER TABLE bids DROP COLUMN arrival`);
  }
}
