import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deposits (保证金) become money with states, one row per registration, for every line:
 * `due → received → refunded | forfeited | converted`, with who recorded each step and when.
 * Each state's CHECK names the timestamps it must have, so a row can never claim a step it
 * did not record. Existing lease registrations move in: one deposit each at the listing's
 * amount, `received` (at `deposit_received_at`, by whoever qualified it) when it had arrived.
 */
export class Deposits1764360000000 implements MigrationInterface {
  name = 'Deposits1764360000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE deposits (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        host_type          varchar(32) NOT NULL CHECK (host_type IN ('lease_listing','transfer_project')),
        host_id            uuid NOT NULL,
        registration_id    uuid NOT NULL UNIQUE REFERENCES registrations(id),
        bidder_id          uuid NOT NULL REFERENCES users(id),
        amount             bigint NOT NULL CHECK (amount > 0),
        state              varchar(16) NOT NULL
                           CHECK (state IN ('due','received','refunded','forfeited','converted')),
        received_at        timestamptz,
        received_by        uuid REFERENCES users(id),
        reference          varchar(200),
        refund_due_on      date,
        refunded_at        timestamptz,
        refunded_by        uuid REFERENCES users(id),
        refund_reference   varchar(200),
        forfeited_at       timestamptz,
        forfeited_by       uuid REFERENCES users(id),
        forfeit_reason     text,
        converted_at       timestamptz,
        refund_overdue_flagged_at timestamptz,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT deposits_received_check CHECK ((state = 'due') = (received_at IS NULL)),
        CONSTRAINT deposits_refunded_check CHECK ((state = 'refunded') = (refunded_at IS NOT NULL)),
        CONSTRAINT deposits_forfeited_check
          CHECK ((state = 'forfeited') = (forfeited_at IS NOT NULL AND forfeit_reason IS NOT NULL)),
        CONSTRAINT deposits_converted_check CHECK ((state = 'converted') = (converted_at IS NOT NULL)),
        CONSTRAINT deposits_refund_due_check CHECK (refund_due_on IS NULL OR state <> 'due')
      )`);
    await db.query(`CREATE INDEX deposits_host_idx ON deposits (host_type, host_id)`);
    await db.query(`CREATE INDEX deposits_bidder_idx ON deposits (bidder_id, created_at)`);
    await db.query(`CREATE INDEX deposits_state_idx ON deposits (state, refund_due_on)`);
    await db.query(`
      INSERT INTO deposits (host_type, host_id, registration_id, bidder_id, amount, state,
                            received_at, received_by, created_at, updated_at)
      SELECT r.host_type, r.host_id, r.id, r.bidder_id, l.deposit,
             CASE WHEN r.deposit_received_at IS NULL THEN 'due' ELSE 'received' END,
             r.deposit_received_at, CASE WHEN r.deposit_received_at IS NULL THEN NULL ELSE r.decided_by END,
             r.created_at, coalesce(r.decided_at, r.created_at)
      FROM registrations r JOIN lease_listings l ON l.id = r.host_id
      WHERE r.host_type = 'lease_listing'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE deposits`);
  }
}
