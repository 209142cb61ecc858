import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

/**
 * Credit (信用, issue 10): the sanctions supervisors record against a party (a bidder account) —
 * a warning, or a ban with its last day (inclusive) — with the legal basis, what it arose from,
 * who recorded it and when, and its early lifting (on review or appeal). The CHECKs keep a row
 * whole: a ban has a last day on or after its first, a warning has none, and a lifting names its
 * day, its time and its reason together. A winner who did not sign gets one record per process
 * (the partial unique key), however often the step that records it runs.
 *
 * A sanction is kept for good: the apps' role may record and lift one, never delete one.
 */
export class Sanctions1764500000500 implements MigrationInterface {
  name = 'Sanctions1764500000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE sanctions (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        party_id       uuid NOT NULL REFERENCES users(id),
        kind           varchar(16) NOT NULL CHECK (kind IN ('warning','ban')),
        reason         varchar(32) NOT NULL
                       CHECK (reason IN ('false_complaint','refused_to_sign','misconduct')),
        basis          varchar(500) NOT NULL CHECK (btrim(basis) <> ''),
        source_ref     varchar(200),
        starts_on      date NOT NULL,
        banned_until   date,
        recorded_by    uuid REFERENCES users(id),
        recorded_at    timestamptz NOT NULL,
        revoked_on     date,
        revoked_by     uuid REFERENCES users(id),
        revoked_at     timestamptz,
        revoke_reason  varchar(500),
        CONSTRAINT sanctions_ban_period_check CHECK ((kind = 'ban') = (banned_until IS NOT NULL)),
        CONSTRAINT sanctions_ban_order_check CHECK (banned_until IS NULL OR banned_until >= starts_on),
        CONSTRAINT sanctions_revoked_check CHECK (
          (revoked_on IS NULL) = (revoked_at IS NULL) AND (revoked_on IS NULL) = (revoke_reason IS NULL))
      )`);
    // The one question every registration and every bid asks: this party's bans not yet over.
    await db.query(
      `CREATE INDEX sanctions_bans_idx ON sanctions (party_id, banned_until) WHERE kind = 'ban'`,
    );
    await db.query(`CREATE INDEX sanctions_party_idx ON sanctions (party_id, recorded_at)`);
    await db.query(`CREATE INDEX sanctions_list_idx ON sanctions (starts_on DESC, recorded_at DESC, id)`);
    await db.query(`
      CREATE UNIQUE INDEX sanctions_refusal_to_sign_key ON sanctions (party_id, source_ref)
      WHERE reason = 'refused_to_sign'`);
    await db.query(`REVOKE DELETE, TRUNCATE ON sanctions FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE sanctions`);
  }
}
