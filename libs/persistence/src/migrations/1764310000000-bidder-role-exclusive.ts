import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A bidder account holds no other role (the same rule as the domain's rolesAreCompatible). */
export class BidderRoleExclusive1764310000000 implements MigrationInterface {
  name = 'BidderRoleExclusive1764310000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD CONSTRAINT users_bidder_role_exclusive
      CHECK (NOT ('bidder' = ANY (roles)) OR roles <@ ARRAY['bidder']::text[])`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP CONSTRAINT users_bidder_role_exclusive`);
  }
}
