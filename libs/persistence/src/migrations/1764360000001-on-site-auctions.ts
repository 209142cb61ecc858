import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * On-site auctions (现场拍租 / 现场拍卖) as staff record them afterwards, for any host: who ran
 * it, where and when, the registered bidders present, the outcome, and the signed record's file
 * name and SHA-256 (the file itself stays with the centre's archive). A record closes the host's
 * auction, through its lifecycle table. Leases also keep when their notice was published, since an on-site
 * auction may not be held before notice + 7 days; existing listings take it from the audit trail.
 */
export class OnSiteAuctions1764360000001 implements MigrationInterface {
  name = 'OnSiteAuctions1764360000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE on_site_auctions (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        host_type           varchar(32) NOT NULL CHECK (host_type IN ('lease_listing','transfer_project')),
        host_id             uuid NOT NULL REFERENCES auctions(id),
        auctioneer          varchar(100) NOT NULL,
        place               varchar(500) NOT NULL,
        held_at             timestamptz NOT NULL,
        present_bidder_ids  uuid[] NOT NULL,
        outcome             varchar(16) NOT NULL CHECK (outcome IN ('sold','unsold')),
        hammer_price        bigint CHECK (hammer_price > 0),
        winner_id           uuid REFERENCES users(id),
        record_file_name    varchar(255) NOT NULL,
        record_file_sha256  char(64) NOT NULL CHECK (record_file_sha256 ~ '^[0-9a-f]{64}$'),
        recorded_by         uuid NOT NULL REFERENCES users(id),
        recorded_at         timestamptz NOT NULL,
        CONSTRAINT on_site_auctions_hammer_check CHECK ((outcome = 'sold') = (hammer_price IS NOT NULL)),
        CONSTRAINT on_site_auctions_winner_check CHECK ((outcome = 'sold') = (winner_id IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX on_site_auctions_host_idx ON on_site_auctions (host_type, host_id)`);
    await db.query(`ALTER TABLE lease_listings ADD COLUMN published_at timestamptz`);
    await db.query(`
      UPDATE lease_listings l SET published_at = p.at
      FROM (SELECT entity_id, min(at) AS at FROM audit_log
            WHERE entity_type = 'lease_listing' AND action = 'listing.published' GROUP BY entity_id) p
      WHERE p.entity_id = l.id::text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE lease_listings DROP COLUMN published_at`);
    await db.query(`DROP TABLE on_site_auctions`);
  }
}
