import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  COMMITTEE_HOST_TYPES,
  MAX_EMPLOYER_NAME_LENGTH,
  MAX_EXPERT_NAME_LENGTH,
  MAX_EXPERT_SPECIALTIES,
} from '@ggzy/domain';
import { appRoleName } from '../app-role.js';

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(',');
/** The shape of a 统一社会信用代码; its check character is the domain's to verify. */
const ORG_CODE = `'^[0-9A-HJ-NPQRTUWXY]{18}$'`;

/**
 * The expert pool (专家库) and the committee draws made from it.
 *
 * A host (a tender or procurement project, whose tables are built apart: no foreign key) may
 * have several draws: when a member declines, the committee is drawn again. Every draw is kept,
 * since each is a record a supervisor may replay, and one per host is `current` (a partial
 * unique index); a redraw marks the one it replaces with `superseded_by` (checked at commit: the
 * old row gives up `current` before the new one is inserted). A draw row is fixed
 * once written: a trigger lets only the supersession columns change, and the apps' role cannot
 * delete one. `candidates` holds the pool as it stood (the domain's RecordedPoolExpert: ids,
 * specialties, employer codes, availability, days sat with this owner, the exclusion) so a
 * replay never reads the live experts table.
 *
 * `committee_sittings` are written with each draw and feed the "sat with the same owner
 * recently" exclusion; a superseded draw's sittings stop counting (read through the current
 * draw), so the table is append-only too.
 */
export class ExpertPool1764400000100 implements MigrationInterface {
  name = 'ExpertPool1764400000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE experts (
        id                uuid PRIMARY KEY,
        name              varchar(${MAX_EXPERT_NAME_LENGTH}) NOT NULL CHECK (btrim(name) <> ''),
        employer_name     varchar(${MAX_EMPLOYER_NAME_LENGTH}) NOT NULL CHECK (btrim(employer_name) <> ''),
        employer_org_code char(18) NOT NULL CHECK (employer_org_code ~ ${ORG_CODE}),
        specialties       text[] NOT NULL CHECK (
                            cardinality(specialties) BETWEEN 1 AND ${MAX_EXPERT_SPECIALTIES}
                            AND array_position(specialties, NULL) IS NULL
                            AND array_to_string(specialties, ',') ~ '^[a-z][a-z0-9_]{1,31}(,[a-z][a-z0-9_]{1,31})*$'),
        available         boolean NOT NULL DEFAULT true,
        unavailable_until date,
        phone             varchar(32),
        created_by        uuid NOT NULL REFERENCES users(id),
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    // The draw reads the experts of the needed specialties; staff list by specialty.
    await db.query(`CREATE INDEX experts_specialties_idx ON experts USING gin (specialties)`);
    await db.query(`CREATE INDEX experts_created_idx ON experts (created_at DESC, id)`);

    await db.query(`
      CREATE TABLE committee_draws (
        id                  uuid PRIMARY KEY,
        host_type           varchar(24) NOT NULL CHECK (host_type IN (${list(COMMITTEE_HOST_TYPES)})),
        host_id             uuid NOT NULL,
        owner_org_code      char(18) NOT NULL CHECK (owner_org_code ~ ${ORG_CODE}),
        bidder_org_codes    text[] NOT NULL CHECK (array_position(bidder_org_codes, NULL) IS NULL),
        rule                jsonb NOT NULL CHECK (jsonb_typeof(rule) = 'object'),
        needs               jsonb NOT NULL CHECK (jsonb_typeof(needs) = 'array' AND jsonb_array_length(needs) > 0),
        seed                varchar(128) NOT NULL CHECK (btrim(seed) <> ''),
        recent_sitting_days integer NOT NULL CHECK (recent_sitting_days >= 0),
        draw_day            date NOT NULL,
        candidates          jsonb NOT NULL CHECK (jsonb_typeof(candidates) = 'array'),
        member_ids          uuid[] NOT NULL CHECK (cardinality(member_ids) > 0),
        current             boolean NOT NULL DEFAULT true,
        superseded_by       uuid REFERENCES committee_draws(id) DEFERRABLE INITIALLY DEFERRED,
        superseded_at       timestamptz,
        drawn_by            uuid NOT NULL REFERENCES users(id),
        drawn_at            timestamptz NOT NULL,
        CHECK (current = (superseded_by IS NULL)),
        CHECK ((superseded_by IS NULL) = (superseded_at IS NULL))
      )`);
    await db.query(
      `CREATE UNIQUE INDEX committee_draws_current_idx ON committee_draws (host_type, host_id) WHERE current`,
    );
    await db.query(`CREATE INDEX committee_draws_host_idx ON committee_draws (host_type, host_id, drawn_at)`);
    await db.query(`
      CREATE FUNCTION committee_draw_is_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        kept committee_draws;
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'a committee draw is a record and is never deleted';
        END IF;
        kept := NEW;
        kept.current := OLD.current;
        kept.superseded_by := OLD.superseded_by;
        kept.superseded_at := OLD.superseded_at;
        IF kept IS DISTINCT FROM OLD OR (OLD.superseded_by IS NOT NULL AND NEW IS DISTINCT FROM OLD) THEN
          RAISE EXCEPTION 'a committee draw is a record: only its supersession may be written, once';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER committee_draws_fixed BEFORE UPDATE OR DELETE ON committee_draws
      FOR EACH ROW EXECUTE FUNCTION committee_draw_is_fixed()`);

    await db.query(`
      CREATE TABLE committee_sittings (
        draw_id        uuid NOT NULL REFERENCES committee_draws(id),
        expert_id      uuid NOT NULL REFERENCES experts(id),
        owner_org_code char(18) NOT NULL CHECK (owner_org_code ~ ${ORG_CODE}),
        sat_on         date NOT NULL,
        host_type      varchar(24) NOT NULL CHECK (host_type IN (${list(COMMITTEE_HOST_TYPES)})),
        host_id        uuid NOT NULL,
        PRIMARY KEY (draw_id, expert_id)
      )`);
    await db.query(
      `CREATE INDEX committee_sittings_owner_idx ON committee_sittings (owner_org_code, sat_on, expert_id)`,
    );

    // Default privileges gave the app role every business-table right; these are records.
    await db.query(`REVOKE DELETE, TRUNCATE ON committee_draws, committee_sittings FROM ${appRoleName()}`);
    await db.query(`REVOKE UPDATE ON committee_sittings FROM ${appRoleName()}`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE committee_sittings`);
    await db.query(`DROP TRIGGER committee_draws_fixed ON committee_draws`);
    await db.query(`DROP FUNCTION committee_draw_is_fixed()`);
    await db.query(`DROP TABLE committee_draws`);
    await db.query(`DROP TABLE experts`);
  }
}
