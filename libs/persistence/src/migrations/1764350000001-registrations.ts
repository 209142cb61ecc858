import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registrations (apply → qualify with the deposit → bidder code) become one capability for
 * every line: `lease_registrations` becomes `registrations`, keyed by what is registered for
 * (`host_type`, `host_id`) rather than by a lease listing, since a transfer's buyers register
 * before any auction exists. Existing rows are the leases'.
 */
export class Registrations1764350000001 implements MigrationInterface {
  name = 'Registrations1764350000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE lease_registrations RENAME TO registrations`);
    await db.query(`ALTER TABLE registrations DROP CONSTRAINT lease_registrations_listing_id_fkey`);
    await db.query(`ALTER TABLE registrations RENAME COLUMN listing_id TO host_id`);
    await db.query(`ALTER TABLE registrations ADD COLUMN host_type varchar(32) NOT NULL DEFAULT 'lease_listing'
      CONSTRAINT registrations_host_type_check CHECK (host_type IN ('lease_listing','transfer_project'))`);
    await db.query(`ALTER TABLE registrations ALTER COLUMN host_type DROP DEFAULT`);
    await db.query(`ALTER TABLE registrations DROP CONSTRAINT lease_registrations_listing_id_bidder_id_key`);
    await db.query(
      `ALTER TABLE registrations DROP CONSTRAINT lease_registrations_listing_id_bidder_code_key`,
    );
    await db.query(`ALTER TABLE registrations ADD CONSTRAINT registrations_host_bidder_key
      UNIQUE (host_type, host_id, bidder_id)`);
    await db.query(`ALTER TABLE registrations ADD CONSTRAINT registrations_host_bidder_code_key
      UNIQUE (host_type, host_id, bidder_code)`);
    await db.query(
      `ALTER TABLE registrations RENAME CONSTRAINT lease_registrations_pkey TO registrations_pkey`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE registrations RENAME CONSTRAINT registrations_pkey TO lease_registrations_pkey`,
    );
    await db.query(`ALTER TABLE registrations DROP CONSTRAINT registrations_host_bidder_code_key`);
    await db.query(`ALTER TABLE registrations DROP CONSTRAINT registrations_host_bidder_key`);
    // Only leases' registrations fit the old table.
    await db.query(`DELETE FROM registrations WHERE host_type <> 'lease_listing'`);
    await db.query(`ALTER TABLE registrations DROP COLUMN host_type`);
    await db.query(`ALTER TABLE registrations RENAME COLUMN host_id TO listing_id`);
    await db.query(`ALTER TABLE registrations ADD CONSTRAINT lease_registrations_listing_id_bidder_id_key
      UNIQUE (listing_id, bidder_id)`);
    await db.query(`ALTER TABLE registrations ADD CONSTRAINT lease_registrations_listing_id_bidder_code_key
      UNIQUE (listing_id, bidder_code)`);
    await db.query(`ALTER TABLE registrations ADD CONSTRAINT lease_registrations_listing_id_fkey
      FOREIGN KEY (listing_id) REFERENCES lease_listings(id)`);
    await db.query(`ALTER TABLE registrations RENAME TO lease_registrations`);
  }
}
