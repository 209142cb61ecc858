import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DATA_SOURCE } from '../data-source.js';

export const ANNOUNCEMENT_LINES = ['construction', 'procurement', 'transfer', 'lease'] as const;
export type AnnouncementLine = (typeof ANNOUNCEMENT_LINES)[number];
export const ANNOUNCEMENT_KINDS = [
  'notice',
  'amendment',
  'clarification',
  'opening_record',
  'candidates',
  'result',
  'termination',
] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];

/** An announcement as stored facts: what was published, for which project, when. */
export interface AnnouncementRow {
  id: string;
  line: AnnouncementLine;
  kind: AnnouncementKind;
  /** The project's status the announcement published (null for amendments and clarifications). */
  status: string | null;
  projectId: string;
  projectCode: string;
  projectTitle: string;
  publishedAt: Date;
  /** The published text: an amendment's summary, a termination's or a failure's public reason. */
  text: string | null;
}

export interface AnnouncementFilter {
  q?: string;
  line?: AnnouncementLine;
  kind?: AnnouncementKind;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** A deal's public fields: the winner by its bidder code or organisation code, never its name or id. */
export interface PublicDealRow {
  id: string;
  category: string;
  subtype: string | null;
  title: string;
  amount: number;
  closedAt: Date;
  winnerCode: string | null;
}

/**
 * Which status changes are announcements (公告), per line. The lines' audit entries carry
 * `{from, to}` for every status change (each line's lifecycle table); a change back from a
 * suspension republishes nothing. A draft's termination is no announcement: from the line's
 * first status (never announced) — a registered tender, a planned procurement (a re-plan's
 * successor too), an accepted transfer, a lease draft — it stays as private as the draft was.
 */
const PUBLISHED_CHANGES: [
  entityType: string,
  action: string,
  line: AnnouncementLine,
  to: string,
  kind: AnnouncementKind,
][] = [
  ['tender_project', 'tender.%', 'construction', 'announced', 'notice'],
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

/** Each line's first status: nothing leaving it but its announcement is public. */
const INITIAL_STATUS_OF: Record<string, string> = {
  tender_project: 'registered',
  procurement_project: 'planned',
  transfer_project: 'accepted',
  lease_listing: 'draft',
};

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
const CHANGES_VALUES = PUBLISHED_CHANGES.map(
  ([entityType, action, line, to, kind]) =>
    `(${[entityType, action, line, to, kind].map(quote).join(', ')}, ${
      kind === 'termination' ? quote(INITIAL_STATUS_OF[entityType]) : 'NULL'
    })`,
).join(',\n      ');
/**
 * The audit entries that may be announcements: the lines' own actions on their projects only (a
 * lease's `bid.*` and `auction.*` entries, by far the most, are never parsed).
 */
const AUDITED_ACTIONS = [
  ...new Set(PUBLISHED_CHANGES.map(([entityType, action]) => `${entityType}\u0000${action}`)),
]
  .map((pair) => pair.split('\u0000'))
  .map(([entityType, action]) => `(a.entity_type = ${quote(entityType)} AND a.action LIKE ${quote(action)})`)
  .join(' OR ');

/**
 * Every announcement of every line, as one relation. Ids: a notice's own id; for a status change
 * a UUID derived from its audit entry (md5 of `audit:<seq>`), for a lease's auction result one
 * derived from the auction (whose id is the listing's) — stable, canonical, and naming no user. Only public text is taken
 * from the audit payload: a termination's or a failed tender's `reason`, which the lines publish
 * (an auction's close reason is a code, and says whether a reserve was met: never taken).
 *
 * `projectIds` (a parameter reference like `$1`, a uuid[]) limits it to those projects inside
 * each branch, so the audit trail is read through audit_log_entity_idx (its entity_id is text).
 */
export function announcementsSql(projectIds?: string): string {
  const ofProjects = (column: string, cast = '::uuid[]') =>
    projectIds ? `AND ${column} = ANY(${projectIds}${cast})` : '';
  const whereOfProjects = (column: string) => ofProjects(column).replace(/^AND/, 'WHERE');
  return `
  WITH changes(entity_type, action, line, to_status, kind, unless_from) AS (VALUES
      ${CHANGES_VALUES}),
  audited AS (
    SELECT a.seq, a.at, a.entity_type, a.action, a.entity_id, a.payload::jsonb -> 'data' AS data
    FROM audit_log a
    WHERE (${AUDITED_ACTIONS}) ${ofProjects('a.entity_id', '::text[]')}
  ),
  announcements AS (
    SELECT md5('audit:' || x.seq)::uuid AS id, c.line, c.kind, c.to_status AS status,
           x.entity_id::uuid AS project_id, x.at AS published_at,
           CASE WHEN c.kind = 'termination' OR c.to_status = 'failed' THEN x.data ->> 'reason' END AS text
    FROM audited x
    JOIN changes c ON c.entity_type = x.entity_type AND x.action LIKE c.action
                  AND c.to_status = x.data ->> 'to'
    WHERE coalesce(x.data ->> 'from', '') <> 'suspended'
      AND (x.data ->> 'from') IS DISTINCT FROM c.unless_from
    UNION ALL
    SELECT n.id, 'construction', n.kind, NULL, n.project_id, n.published_at, n.summary FROM tender_notices n
    ${whereOfProjects('n.project_id')}
    UNION ALL
    SELECT n.id, 'procurement', n.kind, NULL, n.project_id, n.published_at, n.summary FROM procurement_notices n
    ${whereOfProjects('n.project_id')}
    UNION ALL
    SELECT md5('auction:' || au.id)::uuid, 'lease', 'result', au.status, au.id, au.closed_at, NULL
    FROM auctions au
    WHERE au.host_type = 'lease_listing' AND au.status IN ('sold', 'unsold') AND au.closed_at IS NOT NULL
      ${ofProjects('au.id')}
  ),
  projects AS (
    SELECT 'construction' AS line, id, code, title FROM tender_projects
    UNION ALL SELECT 'procurement', id, code, title FROM procurement_projects
    UNION ALL SELECT 'transfer', id, code, title FROM transfer_projects
    UNION ALL SELECT 'lease', id, code, title FROM lease_listings
  )
  SELECT x.id, x.line, x.kind, x.status, x.project_id AS "projectId", p.code AS "projectCode",
         p.title AS "projectTitle", x.published_at AS "publishedAt", x.text
  FROM announcements x
  JOIN projects p ON p.line = x.line AND p.id = x.project_id`;
}

/** Every announcement of every line (see announcementsSql). */
export const ANNOUNCEMENTS_SQL = announcementsSql();

/** `q` as a LIKE pattern that matches itself literally. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The public disclosure's reads (公开), across every line: announcements derived from what each
 * line published (its audit trail's status changes, its notices, a lease's auction result) and
 * deals with their public fields. Read-only, on the read pool.
 */
@Injectable()
export class PublicAnnouncementsRepository {
  private readonly reads: DataSource;

  constructor(dataSource: DataSource, @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource) {
    this.reads = readDataSource ?? dataSource;
  }

  async list(filter: AnnouncementFilter): Promise<{ items: AnnouncementRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.q !== undefined) {
      const pattern = param(likePattern(filter.q));
      where.push(`(p.title ILIKE ${pattern} OR p.code ILIKE ${pattern})`);
    }
    if (filter.line) where.push(`x.line = ${param(filter.line)}`);
    if (filter.kind) where.push(`x.kind = ${param(filter.kind)}`);
    if (filter.from) where.push(`x.published_at >= ${param(filter.from)}`);
    if (filter.to) where.push(`x.published_at < ${param(filter.to)}`);
    const rows = (await this.reads.query(
      `SELECT *, count(*) OVER ()::int AS total FROM (${ANNOUNCEMENTS_SQL}
         ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}) listed
       ORDER BY "publishedAt" DESC, id
       LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`,
      params,
    )) as (AnnouncementRow & { total: number })[];
    const total = rows[0]?.total ?? (filter.offset > 0 ? await this.count(filter) : 0);
    return { items: rows.map(({ total: _total, ...row }) => row), total };
  }

  /** The total when the page itself is past the end (no row carries it). */
  private async count(filter: AnnouncementFilter): Promise<number> {
    const { total } = await this.list({ ...filter, offset: 0, limit: 1 });
    return total;
  }

  async findById(id: string): Promise<AnnouncementRow | null> {
    const rows = (await this.reads.query(`${ANNOUNCEMENTS_SQL} WHERE x.id = $1`, [id])) as AnnouncementRow[];
    return rows[0] ?? null;
  }

  /**
   * Deals, newest first, with their public fields. The winner is named by the code it traded
   * under in that process — its organisation's code (tenders, procurement) or its bidder code
   * (leases, transfers) — never by its account or a person's name; an imported deal has none.
   */
  async listDeals(filter: {
    category?: string;
    from?: Date;
    to?: Date;
    limit: number;
    offset: number;
  }): Promise<{ items: PublicDealRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.category) where.push(`d.category = ${param(filter.category)}`);
    if (filter.from) where.push(`d.closed_at >= ${param(filter.from)}`);
    if (filter.to) where.push(`d.closed_at < ${param(filter.to)}`);
    const rows = (await this.reads.query(
      `SELECT d.id, d.category, d.subtype, d.title, d.amount::text AS amount, d.closed_at AS "closedAt",
              w.code AS "winnerCode", count(*) OVER ()::int AS total
       FROM deals d
       LEFT JOIN LATERAL (
         SELECT coalesce(r.organization_code, r.bidder_code) AS code
         FROM registrations r
         WHERE d.winner_id IS NOT NULL AND r.bidder_id = d.winner_id
           AND (r.host_id = d.source_id
                OR r.host_id IN (SELECT c.project_id FROM procurement_call_offs c WHERE c.id = d.source_id))
         ORDER BY r.created_at LIMIT 1
       ) w ON true
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY d.closed_at DESC, d.id
       LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`,
      params,
    )) as (Omit<PublicDealRow, 'amount'> & { amount: string; total: number })[];
    const total =
      rows[0]?.total ??
      (filter.offset > 0 ? (await this.listDeals({ ...filter, offset: 0, limit: 1 })).total : 0);
    return {
      items: rows.map(({ total: _total, amount, ...row }) => ({ ...row, amount: Number(amount) })),
      total,
    };
  }
}
