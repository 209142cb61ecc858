import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764230000000 implements MigrationInterface {
  name = 'InitialSchema1764230000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username      varchar(64)  NOT NULL UNIQUE,
        password_hash text         NOT NULL,
        display_name  varchar(200) NOT NULL,
        org_code      varchar(64),
        roles         text[]       NOT NULL CHECK (cardinality(roles) > 0),
        created_at    timestamptz  NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE SEQUENCE lease_listing_code_seq`);
    await db.query(`
      CREATE TABLE lease_listings (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code                   varchar(40)  NOT NULL UNIQUE,
        title                  varchar(200) NOT NULL,
        address                varchar(500) NOT NULL,
        area_sqm               numeric(12,2) NOT NULL CHECK (area_sqm > 0),
        usage                  varchar(100) NOT NULL,
        lease_term_months      integer NOT NULL CHECK (lease_term_months BETWEEN 1 AND 240),
        start_price            bigint  NOT NULL CHECK (start_price > 0),
        increment              bigint  NOT NULL CHECK (increment > 0),
        deposit                bigint  NOT NULL CHECK (deposit > 0),
        reserve_price          bigint  CHECK (reserve_price >= start_price),
        registration_starts_at timestamptz NOT NULL,
        registration_ends_at   timestamptz NOT NULL,
        bidding_starts_at      timestamptz NOT NULL,
        free_bidding_ends_at   timestamptz NOT NULL,
        extension_seconds      integer NOT NULL CHECK (extension_seconds BETWEEN 1 AND 3600),
        status                 varchar(16) NOT NULL DEFAULT 'draft'
                               CHECK (status IN ('draft','announced','bidding','sold','unsold','suspended','cancelled')),
        ends_at                timestamptz NOT NULL,
        current_price          bigint,
        leader_id              uuid REFERENCES users(id),
        bid_count              integer NOT NULL DEFAULT 0,
        last_seq               integer NOT NULL DEFAULT 0,
        qualified_count        integer NOT NULL DEFAULT 0,
        final_price            bigint,
        winner_id              uuid REFERENCES users(id),
        closed_at              timestamptz,
        status_reason          text,
        created_by             uuid NOT NULL REFERENCES users(id),
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now(),
        CHECK (registration_starts_at < registration_ends_at),
        CHECK (registration_ends_at <= bidding_starts_at),
        CHECK (bidding_starts_at < free_bidding_ends_at)
      )`);
    await db.query(`CREATE INDEX lease_listings_status_idx ON lease_listings (status, created_at DESC)`);
    await db.query(`
      CREATE TABLE lease_registrations (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        listing_id          uuid NOT NULL REFERENCES lease_listings(id),
        bidder_id           uuid NOT NULL REFERENCES users(id),
        status              varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','qualified','rejected')),
        bidder_code         varchar(16),
        reject_reason       text,
        deposit_received_at timestamptz,
        decided_by          uuid REFERENCES users(id),
        decided_at          timestamptz,
        created_at          timestamptz NOT NULL DEFAULT now(),
        UNIQUE (listing_id, bidder_id),
        UNIQUE (listing_id, bidder_code)
      )`);
    // Every bid attempt that reached the rules: accepted ones carry a gap-free seq, rejected
    // ones their code. The two unique keys make retries idempotent and seq gap-free.
    await db.query(`
      CREATE TABLE bids (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        listing_id    uuid NOT NULL REFERENCES lease_listings(id),
        bidder_id     uuid NOT NULL REFERENCES users(id),
        client_bid_id varchar(64) NOT NULL,
        amount        bigint NOT NULL,
        outcome       varchar(32) NOT NULL,
        message       text,
        seq           integer,
        bidder_code   varchar(16),
        ends_at       timestamptz,
        min_next_bid  bigint,
        at            timestamptz NOT NULL,
        UNIQUE (listing_id, bidder_id, client_bid_id),
        UNIQUE (listing_id, seq),
        CHECK ((outcome = 'accepted') = (seq IS NOT NULL))
      )`);
    await db.query(`
      CREATE TABLE deals (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        category     varchar(32) NOT NULL CHECK (category IN ('construction','procurement','property_rights')),
        subtype      varchar(32),
        source_type  varchar(32) NOT NULL,
        source_id    uuid,
        title        varchar(500) NOT NULL,
        amount       bigint NOT NULL CHECK (amount >= 0),
        winner_id    uuid REFERENCES users(id),
        winner_name  varchar(200) NOT NULL,
        closed_at    timestamptz NOT NULL,
        external_ref varchar(100) UNIQUE,
        created_at   timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source_type, source_id)
      )`);
    await db.query(`CREATE INDEX deals_closed_at_idx ON deals (closed_at)`);
    await db.query(`
      CREATE TABLE audit_log (
        seq         bigint PRIMARY KEY,
        at          timestamptz NOT NULL,
        actor_id    uuid,
        action      varchar(64) NOT NULL,
        entity_type varchar(32) NOT NULL,
        entity_id   varchar(64) NOT NULL,
        payload     text NOT NULL,
        prev_hash   char(64) NOT NULL,
        hash        char(64) NOT NULL UNIQUE
      )`);
    await db.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, seq)`);
    // One row holds the chain's head: updating it serialises appends so the chain never forks.
    await db.query(`
      CREATE TABLE audit_head (
        id   smallint PRIMARY KEY CHECK (id = 1),
        seq  bigint   NOT NULL,
        hash char(64) NOT NULL
      )`);
    await db.query(`INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))`);
    // Append-only: the database itself refuses edits to the trail.
    await db.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await db.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);
    // socket.io's PostgreSQL adapter keeps large payloads here (single-machine mode).
    await db.query(`
      CREATE TABLE socket_io_attachments (
        id         bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload    bytea
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE socket_io_attachments`);
    await db.query(`DROP TRIGGER audit_log_append_only ON audit_log`);
    await db.query(`DROP FUNCTION audit_log_is_append_only()`);
    await db.query(`DROP TABLE audit_head`);
    await db.query(`DROP TABLE audit_log`);
    await db.query(`DROP TABLE deals`);
    await db.query(`DROP TABLE bids`);
    await db.query(`DROP TABLE lease_registrations`);
    await db.query(`DROP TABLE lease_listings`);
    await db.query(`DROP SEQUENCE lease_listing_code_seq`);
    await db.query(`DROP TABLE users`);
  }
}
