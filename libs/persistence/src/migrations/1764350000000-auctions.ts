import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The lease listing's columns that the auction now owns, in lease_listings' order. */
const MOVED = `start_price, increment, reserve_price, bidding_starts_at, free_bidding_ends_at,
  extension_seconds, status, ends_at, current_price, leader_id, bid_count, last_seq,
  final_price, winner_id, closed_at, status_reason, suspended_at`;

/**
 * One auction engine for every listing: the auction becomes its own table, sharing its host's
 * primary key (a lease listing's id is its auction's id, so every id a client holds stays
 * valid), and bids reference the auction. Existing listings move in place: each one's auction
 * columns become its auction row, with the lease's limit (the largest rent whose rent × term
 * is a safe integer) stored as `max_bid`.
 */
export class Auctions1764350000000 implements MigrationInterface {
  name = 'Auctions1764350000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE auctions (
        id                   uuid PRIMARY KEY,
        host_type            varchar(32) NOT NULL CHECK (host_type IN ('lease_listing','transfer_project')),
        status               varchar(16) NOT NULL
                             CHECK (status IN ('draft','announced','bidding','sold','unsold','suspended','cancelled')),
        start_price          bigint  NOT NULL CHECK (start_price > 0),
        increment            bigint  NOT NULL CHECK (increment > 0),
        reserve_price        bigint  CHECK (reserve_price >= start_price),
        max_bid              bigint  NOT NULL CHECK (max_bid >= start_price),
        allow_self_outbid    boolean NOT NULL DEFAULT false,
        bidding_starts_at    timestamptz NOT NULL,
        free_bidding_ends_at timestamptz NOT NULL,
        extension_seconds    integer NOT NULL CHECK (extension_seconds BETWEEN 1 AND 3600),
        ends_at              timestamptz NOT NULL,
        current_price        bigint,
        leader_id            uuid REFERENCES users(id),
        bid_count            integer NOT NULL DEFAULT 0,
        last_seq             integer NOT NULL DEFAULT 0,
        final_price          bigint,
        winner_id            uuid REFERENCES users(id),
        closed_at            timestamptz,
        status_reason        text,
        suspended_at         timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        CHECK (bidding_starts_at < free_bidding_ends_at),
        CONSTRAINT auctions_suspended_at_check CHECK ((status = 'suspended') = (suspended_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX auctions_status_idx ON auctions (status)`);
    // Leases allowed no self-outbid (SELF_OUTBID), hence false.
    await db.query(`
      INSERT INTO auctions (id, host_type, max_bid, allow_self_outbid, created_at, updated_at, ${MOVED})
      SELECT id, 'lease_listing', floor(9007199254740991 / lease_term_months)::bigint, false,
             created_at, updated_at, ${MOVED}
      FROM lease_listings`);
    // Every lease listing hosts exactly one auction, under its own id.
    await db.query(`ALTER TABLE lease_listings ADD CONSTRAINT lease_listings_auction_fkey
      FOREIGN KEY (id) REFERENCES auctions(id)`);

    await db.query(`ALTER TABLE bids DROP CONSTRAINT bids_listing_id_fkey`);
    await db.query(`ALTER TABLE bids RENAME COLUMN listing_id TO auction_id`);
    await db.query(`ALTER TABLE bids RENAME CONSTRAINT bids_listing_id_bidder_id_client_bid_id_key
      TO bids_auction_id_bidder_id_client_bid_id_key`);
    await db.query(`ALTER TABLE bids RENAME CONSTRAINT bids_listing_id_seq_key TO bids_auction_id_seq_key`);
    await db.query(`ALTER TABLE bids ADD CONSTRAINT bids_auction_id_fkey
      FOREIGN KEY (auction_id) REFERENCES auctions(id)`);

    // Dropping the columns drops their checks and the status index with them.
    for (const column of MOVED.split(',').map((name) => name.trim()))
      await db.query(`ALTER TABLE lease_listings DROP COLUMN ${column}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE lease_listings
        ADD COLUMN start_price          bigint,
        ADD COLUMN increment            bigint,
        ADD COLUMN reserve_price        bigint,
        ADD COLUMN bidding_starts_at    timestamptz,
        ADD COLUMN free_bidding_ends_at timestamptz,
        ADD COLUMN extension_seconds    integer,
        ADD COLUMN status               varchar(16) DEFAULT 'draft',
        ADD COLUMN ends_at              timestamptz,
        ADD COLUMN current_price        bigint,
        ADD COLUMN leader_id            uuid REFERENCES users(id),
        ADD COLUMN bid_count            integer DEFAULT 0,
        ADD COLUMN last_seq             integer DEFAULT 0,
        ADD COLUMN final_price          bigint,
        ADD COLUMN winner_id            uuid REFERENCES users(id),
        ADD COLUMN closed_at            timestamptz,
        ADD COLUMN status_reason        text,
        ADD COLUMN suspended_at         timestamptz`);
    await db.query(`
      UPDATE lease_listings l
      SET (${MOVED}) = (SELECT ${MOVED} FROM auctions a WHERE a.id = l.id)`);
    for (const column of [
      'start_price',
      'increment',
      'bidding_starts_at',
      'free_bidding_ends_at',
      'extension_seconds',
      'status',
      'ends_at',
      'bid_count',
      'last_seq',
    ])
      await db.query(`ALTER TABLE lease_listings ALTER COLUMN ${column} SET NOT NULL`);
    // Under the names PostgreSQL gave them in the initial schema.
    await db.query(`
      ALTER TABLE lease_listings
        ADD CONSTRAINT lease_listings_start_price_check CHECK (start_price > 0),
        ADD CONSTRAINT lease_listings_increment_check CHECK (increment > 0),
        ADD CONSTRAINT lease_listings_check CHECK (reserve_price >= start_price),
        ADD CONSTRAINT lease_listings_extension_seconds_check CHECK (extension_seconds BETWEEN 1 AND 3600),
        ADD CONSTRAINT lease_listings_status_check
          CHECK (status IN ('draft','announced','bidding','sold','unsold','suspended','cancelled')),
        ADD CONSTRAINT lease_listings_check2 CHECK (registration_ends_at <= bidding_starts_at),
        ADD CONSTRAINT lease_listings_check3 CHECK (bidding_starts_at < free_bidding_ends_at),
        ADD CONSTRAINT lease_listings_suspended_at_check
          CHECK ((status = 'suspended') = (suspended_at IS NOT NULL))`);
    await db.query(`CREATE INDEX lease_listings_status_idx ON lease_listings (status, created_at DESC)`);

    await db.query(`ALTER TABLE bids DROP CONSTRAINT bids_auction_id_fkey`);
    await db.query(`ALTER TABLE bids RENAME CONSTRAINT bids_auction_id_seq_key TO bids_listing_id_seq_key`);
    await db.query(`ALTER TABLE bids RENAME CONSTRAINT bids_auction_id_bidder_id_client_bid_id_key
      TO bids_listing_id_bidder_id_client_bid_id_key`);
    await db.query(`ALTER TABLE bids RENAME COLUMN auction_id TO listing_id`);
    await db.query(`ALTER TABLE bids ADD CONSTRAINT bids_listing_id_fkey
      FOREIGN KEY (listing_id) REFERENCES lease_listings(id)`);

    await db.query(`ALTER TABLE lease_listings DROP CONSTRAINT lease_listings_auction_fkey`);
    await db.query(`DROP TABLE auctions`);
  }
}
