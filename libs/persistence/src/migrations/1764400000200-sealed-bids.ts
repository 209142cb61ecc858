import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

/**
 * Sealed bids (issue 9) for every line that takes them: a tender project, a procurement project.
 * Hosts have no foreign key here (each host table adds its own CHECKs); a host is its type and id.
 *
 * - `sealed_bid_keys`: each host's data key, only ever wrapped by a key-encryption key from the
 *   configuration (SEALED_BID_KEYS, never in the database). A table of its own, so no read that
 *   feeds a response joins it by accident. Written once: the app role may not change or delete it.
 * - `sealed_bids`: one row per bidder and host, the last submission only (a replacement
 *   overwrites it and bumps `version`); price and documents exist only as `ciphertext`, emptied
 *   on withdrawal. `receipt` is the SHA-256 of the stored ciphertext, IV and tag: the bidder's
 *   proof of what was submitted, which says nothing about it. Never deleted by the app.
 * - `bid_openings`: the published opening record, written once by the opening job.
 */
export class SealedBids1764400000200 implements MigrationInterface {
  name = 'SealedBids1764400000200';

  async up(db: QueryRunner): Promise<void> {
    const hostType = `varchar(32) NOT NULL CHECK (host_type IN ('tender_project','procurement_project'))`;
    await db.query(`
      CREATE TABLE sealed_bid_keys (
        host_type   ${hostType},
        host_id     uuid NOT NULL,
        key_id      uuid NOT NULL UNIQUE,
        kek_id      varchar(32) NOT NULL,
        iv          text NOT NULL,
        tag         text NOT NULL,
        ciphertext  text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (host_type, host_id)
      )`);
    await db.query(`
      CREATE TABLE sealed_bids (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        host_type     ${hostType},
        host_id       uuid NOT NULL,
        bidder_id     uuid NOT NULL REFERENCES users(id),
        status        varchar(16) NOT NULL CHECK (status IN ('submitted','withdrawn')),
        version       integer NOT NULL CHECK (version >= 1),
        key_id        uuid REFERENCES sealed_bid_keys(key_id),
        iv            text,
        tag           text,
        ciphertext    text,
        receipt       char(64) NOT NULL CHECK (receipt ~ '^[0-9a-f]{64}$'),
        submitted_at  timestamptz NOT NULL,
        withdrawn_at  timestamptz,
        CONSTRAINT sealed_bids_one_per_bidder UNIQUE (host_type, host_id, bidder_id),
        CONSTRAINT sealed_bids_sealed_check CHECK (
          (status = 'submitted') = (key_id IS NOT NULL AND iv IS NOT NULL AND tag IS NOT NULL AND ciphertext IS NOT NULL)),
        CONSTRAINT sealed_bids_emptied_check CHECK (
          status = 'submitted' OR (key_id IS NULL AND iv IS NULL AND tag IS NULL AND ciphertext IS NULL)),
        CONSTRAINT sealed_bids_withdrawn_check CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX sealed_bids_bidder_idx ON sealed_bids (bidder_id)`);
    await db.query(`
      CREATE TABLE bid_openings (
        host_type        ${hostType},
        host_id          uuid NOT NULL,
        opened_at        timestamptz NOT NULL,
        opened_by_job    text NOT NULL,
        submitted_count  integer NOT NULL CHECK (submitted_count >= 0),
        valid_count      integer NOT NULL CHECK (valid_count BETWEEN 0 AND submitted_count),
        record           jsonb NOT NULL
                         CHECK (jsonb_typeof(record) = 'array' AND jsonb_array_length(record) = submitted_count),
        PRIMARY KEY (host_type, host_id)
      )`);
    const role = appRoleName();
    await db.query(`REVOKE UPDATE, DELETE, TRUNCATE ON sealed_bid_keys, bid_openings FROM ${role}`);
    await db.query(`REVOKE DELETE, TRUNCATE ON sealed_bids FROM ${role}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE bid_openings`);
    await db.query(`DROP TABLE sealed_bids`);
    await db.query(`DROP TABLE sealed_bid_keys`);
  }
}
