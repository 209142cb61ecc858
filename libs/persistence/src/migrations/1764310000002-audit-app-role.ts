import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

/*
 * The audit trail can no longer be rewritten by the application. Migrations run as the
 * owner; the apps run as the app role (DATABASE_APP_ROLE), which may change business tables
 * but only SELECT and INSERT on audit_log and audit_checkpoints, and only read audit_head.
 * The chain is computed inside the database: a SECURITY DEFINER trigger (owned by the owner)
 * locks the head, fills seq, prev_hash and hash of each new entry and moves the head, so
 * whatever the app inserts is chained correctly and the head cannot be moved by hand.
 */
export class AuditAppRole1764310000002 implements MigrationInterface {
  name = 'AuditAppRole1764310000002';

  async up(db: QueryRunner): Promise<void> {
    const role = appRoleName();
    // Roles are cluster-wide: several databases (test files, installations) may create it at once.
    await db.query(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN
          CREATE ROLE ${role} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION audit_log_chain() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        head_seq  bigint;
        head_hash char(64);
      BEGIN
        SELECT seq, hash INTO head_seq, head_hash FROM audit_head WHERE id = 1 FOR UPDATE;
        NEW.seq := head_seq + 1;
        NEW.prev_hash := head_hash;
        NEW.hash := encode(sha256(convert_to(head_hash || '|' || NEW.seq::text || '|' || NEW.payload, 'UTF8')), 'hex');
        UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
        RETURN NEW;
      END $$`);
    await db.query(`REVOKE ALL ON FUNCTION audit_log_chain() FROM PUBLIC`);
    await db.query(`
      CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_chain()`);
    await db.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`);
    // The worker's HMAC-signed heads; the key is never in the database.
    await db.query(`
      CREATE TABLE audit_checkpoints (
        id        bigserial PRIMARY KEY,
        seq       bigint      NOT NULL,
        hash      char(64)    NOT NULL,
        signed_at timestamptz NOT NULL,
        hmac      char(64)    NOT NULL
      )`);
    await db.query(`
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
      FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`);

    await db.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    // BullMQ's PostgreSQL backend (single-machine mode) creates its own schema on first use.
    await db.query(
      `DO $$ BEGIN EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO ${role}', current_database()); END $$`,
    );
    await db.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await db.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    // Tables later migrations create get the same business-table rights by default.
    await db.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
    );
    await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`);
    // ... except the trail and what guards it.
    await db.query(`REVOKE ALL ON audit_log, audit_checkpoints, audit_head, migrations FROM ${role}`);
    await db.query(`GRANT SELECT, INSERT ON audit_log, audit_checkpoints TO ${role}`);
    await db.query(`GRANT SELECT ON audit_head, migrations TO ${role}`);
  }

  async down(db: QueryRunner): Promise<void> {
    const role = appRoleName();
    await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${role}`);
    await db.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${role}`);
    await db.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`);
    await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
    await db.query(
      `DO $$ BEGIN EXECUTE format('REVOKE CONNECT, CREATE ON DATABASE %I FROM ${role}', current_database()); END $$`,
    );
    await db.query(`REVOKE ALL ON SCHEMA public FROM ${role}`);
    await db.query(`DROP TABLE audit_checkpoints`);
    await db.query(`DROP TRIGGER audit_log_no_truncate ON audit_log`);
    await db.query(`DROP TRIGGER audit_log_chain ON audit_log`);
    await db.query(`DROP FUNCTION audit_log_chain()`);
    // The role itself stays: it is cluster-wide and other databases may use it.
  }
}
