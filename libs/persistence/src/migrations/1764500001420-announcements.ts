import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appRoleName } from '../app-role.js';

/**
 * Which audited status changes are announcements (公告), as the public disclosure derived them
 * until now (issue 10), and a tender's pre-qualification notice (its announcement goes straight
 * to `prequalification`): [entity_type, action pattern, line, to status, kind]. A change back from a
 * suspension republishes nothing; a termination from the line's first status (a draft never
 * announced) is no announcement. Frozen here: a later change of the rules is a migration of its own
 * (rows of `announcement_rules`).
 */
const RULES: [string, string, string, string, string][] = [
  ['tender_project', 'tender.%', 'construction', 'announced', 'notice'],
  // A tender with pre-qualification is announced straight into it (资格预审公告, one step).
  ['tender_project', 'tender.%', 'construction', 'prequalification', 'notice'],
  ['tender_project', 'tender.%', 'construction', 'opened', 'opening_record'],
  ['tender_project', 'tender.%', 'construction', 'failed', 'result'],
  ['tender_project', 'tender.%', 'construction', 'candidates_published', 'candidates'],
  ['tender_project', 'tender.%', 'construction', 'awarded', 'result'],
  ['tender_project', 'tender.%', 'construction', 'terminated', 'termination'],
  ['procurement_project', 'procurement.%', 'procurement', 'prior_publicity', 'notice'],
  ['procurement_project', 'procurement.%', 'procurement', 'announced', 'notice'],
  ['procurement_project', 'procurement.%', 'procurement', 'opened', 'opening_record'],
  ['procurement_project', 'procurement.%', 'procurement', 'failed', 'result'],
  ['procurement_project', 'procurement.%', 'procurement', 'awarded', 'result'],
  ['procurement_project', 'procurement.%', 'procurement', 'terminated', 'termination'],
  ['transfer_project', 'transfer.%', 'transfer', 'disclosed', 'notice'],
  ['transfer_project', 'transfer.%', 'transfer', 'extended', 'amendment'],
  ['transfer_project', 'transfer.%', 'transfer', 'sold', 'result'],
  ['transfer_project', 'transfer.%', 'transfer', 'unsold', 'result'],
  ['transfer_project', 'transfer.%', 'transfer', 'terminated', 'termination'],
  ['lease_listing', 'listing.%', 'lease', 'announced', 'notice'],
  ['lease_listing', 'listing.%', 'lease', 'cancelled', 'termination'],
];

/** Each line's first status: a termination from it ends a draft, which was never public. */
const INITIAL_STATUS: Record<string, string> = {
  tender_project: 'registered',
  procurement_project: 'planned',
  transfer_project: 'accepted',
  lease_listing: 'draft',
};

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The announcement of an audit entry, if the rules make it one (used by the trigger for `NEW` and
 * by the backfill for every existing entry as `a`).
 */
const announcementOf = (a: string) => `
  SELECT md5('audit:' || ${a}.seq)::uuid, r.line, r.kind, r.to_status, ${a}.entity_id::uuid, ${a}.at,
         CASE WHEN r.kind = 'termination' OR r.to_status = 'failed'
              THEN (${a}.payload::jsonb -> 'data') ->> 'reason' END,
         'audit', ${a}.seq
  FROM announcement_rules r
  WHERE r.entity_type = ${a}.entity_type AND ${a}.action LIKE r.action_pattern
    AND r.to_status = (${a}.payload::jsonb -> 'data') ->> 'to'
    AND coalesce((${a}.payload::jsonb -> 'data') ->> 'from', '') <> 'suspended'
    AND ((${a}.payload::jsonb -> 'data') ->> 'from') IS DISTINCT FROM r.unless_from`;

/** The audit entries that may be announcements: the lines' own actions on their projects. */
const AUDITED = (a: string) =>
  [...new Set(RULES.map(([entityType, action]) => `${entityType}\u0000${action}`))]
    .map((pair) => pair.split('\u0000'))
    .map(
      ([entityType, action]) =>
        `(${a}.entity_type = ${quote(entityType)} AND ${a}.action LIKE ${quote(action)})`,
    )
    .join(' OR ');

const COLUMNS = `id, line, kind, status, project_id, published_at, text, source, audit_seq`;

/**
 * The public announcements (公告) get a table of their own (issue 10): the unfiltered list used
 * to derive them from the lines' audit trail on every request. Each row is written in the same
 * transaction as the line's public act, by the database: an AFTER INSERT trigger on audit_log (a
 * status change the rules name — every line already audits each change with its `{from, to}`),
 * on tender_notices and procurement_notices (amendments, clarifications) and on a lease auction's
 * close to sold or unsold. No line writes it and none imports anything for it; the apps' role may
 * only read it (SECURITY DEFINER functions owned by the migrations' role insert), so an
 * announcement is exactly what was audited. Ids are the ones the derivation gave (md5 of
 * `audit:<seq>`, a notice's own id, md5 of `auction:<id>`), so links, feed entries and the
 * backfill of every existing row agree. Keyset indexes for the newest-first pages.
 */
export class Announcements1764500001420 implements MigrationInterface {
  name = 'Announcements1764500001420';

  async up(db: QueryRunner): Promise<void> {
    const role = appRoleName();
    await db.query(`
      CREATE TABLE announcement_rules (
        entity_type    varchar(32) NOT NULL,
        action_pattern varchar(64) NOT NULL,
        line           varchar(16) NOT NULL,
        to_status      varchar(24) NOT NULL,
        kind           varchar(16) NOT NULL,
        unless_from    varchar(24),
        PRIMARY KEY (entity_type, to_status)
      )`);
    await db.query(
      `INSERT INTO announcement_rules (entity_type, action_pattern, line, to_status, kind, unless_from) VALUES
       ${RULES.map(
         ([entityType, action, line, to, kind]) =>
           `(${[entityType, action, line, to, kind].map(quote).join(', ')}, ${
             kind === 'termination' ? quote(INITIAL_STATUS[entityType]) : 'NULL'
           })`,
       ).join(',\n       ')}`,
    );
    await db.query(`
      CREATE TABLE announcements (
        id           uuid PRIMARY KEY,
        line         varchar(16) NOT NULL
                     CHECK (line IN ('construction', 'procurement', 'transfer', 'lease')),
        kind         varchar(16) NOT NULL
                     CHECK (kind IN ('notice', 'amendment', 'clarification', 'opening_record', 'candidates',
                                     'result', 'termination')),
        status       varchar(24),
        project_id   uuid NOT NULL,
        published_at timestamptz NOT NULL,
        text         text,
        source       varchar(8) NOT NULL CHECK (source IN ('audit', 'notice', 'auction')),
        audit_seq    bigint UNIQUE,
        CHECK ((source = 'audit') = (audit_seq IS NOT NULL))
      )`);
    // Newest first, all lines or one (keyset pages read backwards along these); a project's own.
    await db.query(`CREATE INDEX announcements_published_idx ON announcements (published_at, id)`);
    await db.query(`CREATE INDEX announcements_line_published_idx ON announcements (line, published_at, id)`);
    await db.query(`CREATE INDEX announcements_project_idx ON announcements (project_id, published_at)`);

    await db.query(`
      CREATE FUNCTION announce_audited_change() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        INSERT INTO announcements (${COLUMNS}) ${announcementOf('NEW')}
        ON CONFLICT (id) DO NOTHING;
        RETURN NULL;
      END $$`);
    // Only the lines' own actions on their projects reach the function (a bid's entry does not).
    await db.query(`
      CREATE TRIGGER audit_log_announce AFTER INSERT ON audit_log
      FOR EACH ROW WHEN (${AUDITED('NEW')})
      EXECUTE FUNCTION announce_audited_change()`);
    for (const [table, line] of [
      ['tender_notices', 'construction'],
      ['procurement_notices', 'procurement'],
    ]) {
      await db.query(`
        CREATE FUNCTION ${table}_announce() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
          INSERT INTO announcements (${COLUMNS})
          VALUES (NEW.id, '${line}', NEW.kind, NULL, NEW.project_id, NEW.published_at, NEW.summary, 'notice', NULL)
          ON CONFLICT (id) DO NOTHING;
          RETURN NULL;
        END $$`);
      await db.query(`
        CREATE TRIGGER ${table}_announce AFTER INSERT ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ${table}_announce()`);
    }
    // A lease's result is its auction's close (online, batched or on site): the status it closed to.
    await db.query(`
      CREATE FUNCTION lease_auction_announce() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        INSERT INTO announcements (${COLUMNS})
        VALUES (md5('auction:' || NEW.id)::uuid, 'lease', 'result', NEW.status, NEW.id, NEW.closed_at, NULL,
                'auction', NULL)
        ON CONFLICT (id) DO NOTHING;
        RETURN NULL;
      END $$`);
    // The bid path updates auctions too: the condition is checked without calling the function.
    await db.query(`
      CREATE TRIGGER auctions_lease_announce AFTER UPDATE OF status, closed_at ON auctions
      FOR EACH ROW WHEN (NEW.host_type = 'lease_listing' AND NEW.status IN ('sold', 'unsold')
                         AND NEW.closed_at IS NOT NULL
                         AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.closed_at IS NULL))
      EXECUTE FUNCTION lease_auction_announce()`);
    for (const fn of [
      'announce_audited_change()',
      'tender_notices_announce()',
      'procurement_notices_announce()',
      'lease_auction_announce()',
    ])
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);

    // Every announcement the lines made before this migration, with the ids they had.
    await db.query(`
      INSERT INTO announcements (${COLUMNS})
      SELECT x.* FROM audit_log a, LATERAL (${announcementOf('a')}) x
      WHERE ${AUDITED('a')}
      ON CONFLICT (id) DO NOTHING`);
    await db.query(`
      INSERT INTO announcements (${COLUMNS})
      SELECT n.id, 'construction', n.kind, NULL::varchar, n.project_id, n.published_at, n.summary, 'notice',
             NULL::bigint
      FROM tender_notices n
      UNION ALL
      SELECT n.id, 'procurement', n.kind, NULL, n.project_id, n.published_at, n.summary, 'notice', NULL
      FROM procurement_notices n
      UNION ALL
      SELECT md5('auction:' || au.id)::uuid, 'lease', 'result', au.status, au.id, au.closed_at, NULL::text,
             'auction', NULL
      FROM auctions au
      WHERE au.host_type = 'lease_listing' AND au.status IN ('sold', 'unsold') AND au.closed_at IS NOT NULL
      ON CONFLICT (id) DO NOTHING`);

    // Read-only for the apps: only the database writes announcements, from what the lines did.
    await db.query(`REVOKE ALL ON announcements, announcement_rules FROM ${role}`);
    await db.query(`GRANT SELECT ON announcements, announcement_rules TO ${role}`);

    // The bulk OCDS download pages each line's processes by (created_at, id).
    await db.query(`CREATE INDEX tender_projects_created_idx ON tender_projects (created_at, id)`);
    await db.query(`CREATE INDEX procurement_projects_created_idx ON procurement_projects (created_at, id)`);
    await db.query(`CREATE INDEX transfer_projects_created_idx ON transfer_projects (created_at, id)`);
    await db.query(`CREATE INDEX lease_listings_created_idx ON lease_listings (created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX lease_listings_created_idx`);
    await db.query(`DROP INDEX transfer_projects_created_idx`);
    await db.query(`DROP INDEX procurement_projects_created_idx`);
    await db.query(`DROP INDEX tender_projects_created_idx`);
    await db.query(`DROP TRIGGER auctions_lease_announce ON auctions`);
    await db.query(`DROP FUNCTION lease_auction_announce()`);
    for (const table of ['procurement_notices', 'tender_notices']) {
      await db.query(`DROP TRIGGER ${table}_announce ON ${table}`);
      await db.query(`DROP FUNCTION ${table}_announce()`);
    }
    await db.query(`DROP TRIGGER audit_log_announce ON audit_log`);
    await db.query(`DROP FUNCTION announce_audited_change()`);
    await db.query(`DROP TABLE announcements`);
    await db.query(`DROP TABLE announcement_rules`);
  }
}
