import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tender or procurement is first run over at its opening, before anyone has scored or won it;
 * OUTLIER_WINNING_SCORE needs the winner. `alert_scans.winner_id` keeps the winner a run saw (the
 * awarded bidder, null before the award), so the sweep runs a process again when its winner is
 * no longer the one its last run saw.
 */
export class AlertScanWinner1764500001411 implements MigrationInterface {
  name = 'AlertScanWinner1764500001411';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_scans ADD COLUMN winner_id uuid`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_scans DROP COLUMN winner_id`);
  }
}
