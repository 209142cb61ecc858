import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in failure counters in single-machine mode (no Redis): rate-limiter-flexible's
 * PostgreSQL store, with its own column layout, created here so the app never needs DDL.
 */
export class SignInLimits1764310000001 implements MigrationInterface {
  name = 'SignInLimits1764310000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sign_in_limits (
        key    varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sign_in_limits`);
  }
}
