import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A termination (终止公告) made while a project is suspended was never announced: the rule that keeps
 * a return from a suspension (suspended → bidding, say) from announcing its status again also
 * dropped suspended → terminated, a path the lifecycles allow and a supervisor's order often takes
 * (a running transfer is suspended first, then terminated). Only a termination passes from
 * `suspended` now; the ones already made are announced, with the ids the derivation gives.
 */
const announcementOf = (a: string, fromSuspended: string) => `
  SELECT md5('audit:' || ${a}.seq)::uuid, r.line, r.kind, r.to_status, ${a}.entity_id::uuid, ${a}.at,
         CASE WHEN r.kind = 'termination' OR r.to_status = 'failed'
              THEN (${a}.payload::jsonb -> 'data') ->> 'reason' END,
         'audit', ${a}.seq
  FROM announcement_rules r
  WHERE r.entity_type = ${a}.entity_type AND ${a}.action LIKE r.action_pattern
    AND r.to_status = (${a}.payload::jsonb -> 'data') ->> 'to'
    AND (coalesce((${a}.payload::jsonb -> 'data') ->> 'from', '') <> 'suspended' ${fromSuspended})
    AND ((${a}.payload::jsonb -> 'data') ->> 'from') IS DISTINCT FROM r.unless_from`;

const COLUMNS = `id, line, kind, status, project_id, published_at, text, source, audit_seq`;

const replaceFunction = (fromSuspended: string) => `
  CREATE OR REPLACE FUNCTION announce_audited_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  BEGIN
    INSERT INTO announcements (${COLUMNS}) ${announcementOf('NEW', fromSuspended)}
    ON CONFLICT (id) DO NOTHING;
    RETURN NULL;
  END $$`;

const TERMINATIONS_FROM_SUSPENDED = `OR r.kind = 'termination'`;

export class AnnounceTerminationsFromSuspended1764500001460 implements MigrationInterface {
  name = 'AnnounceTerminationsFromSuspended1764500001460';

  async up(db: QueryRunner): Promise<void> {
    await db.query(replaceFunction(TERMINATIONS_FROM_SUSPENDED));
    await db.query(`REVOKE ALL ON FUNCTION announce_audited_change() FROM PUBLIC`);
    await db.query(`
      INSERT INTO announcements (${COLUMNS})
      SELECT x.* FROM audit_log a, LATERAL (${announcementOf('a', TERMINATIONS_FROM_SUSPENDED)}) x
      WHERE (a.payload::jsonb -> 'data') ->> 'from' = 'suspended'
      ON CONFLICT (id) DO NOTHING`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DELETE FROM announcements n USING audit_log a
      WHERE n.source = 'audit' AND n.audit_seq = a.seq AND n.kind = 'termination'
        AND (a.payload::jsonb -> 'data') ->> 'from' = 'suspended'`);
    await db.query(replaceFunction(''));
    await db.query(`REVOKE ALL ON FUNCTION announce_audited_change() FROM PUBLIC`);
  }
}
