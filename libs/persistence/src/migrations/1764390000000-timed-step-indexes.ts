import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sweeper asks for the auctions whose open or close is overdue. With the status index alone
 * it read every scheduled auction (tens of thousands on a provincial deployment) to find the few
 * that are due; with the time after the status, each pass reads only the due ones, whatever the
 * number scheduled. The status-only index is a prefix of these and goes.
 */
export class TimedStepIndexes1764390000000 implements MigrationInterface {
  name = 'TimedStepIndexes1764390000000';

  async up(db: QueryRunner): Promise<void> {
    // Building and dropping lock the table against writes: give up rather than queue every bid
    // behind a long reader (the migration then fails whole and is run again when quieter).
    await db.query(`SET LOCAL lock_timeout = '5s'`);
    await db.query(`CREATE INDEX auctions_status_ends_idx ON auctions (status, ends_at)`);
    await db.query(`CREATE INDEX auctions_status_starts_idx ON auctions (status, bidding_starts_at)`);
    await db.query(`DROP INDEX IF EXISTS auctions_status_idx`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX auctions_status_idx ON auctions (status)`);
    await db.query(`DROP INDEX auctions_status_starts_idx`);
    await db.query(`DROP INDEX auctions_status_ends_idx`);
  }
}
