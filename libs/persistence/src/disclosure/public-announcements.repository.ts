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
  /** Keyset paging: the page after this announcement (with `offset` 0). */
  after?: AnnouncementCursor;
  /** Whether to count every match (`total`); the feed needs none. */
  count?: boolean;
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
 * The announcements (公告) of every line, from their own table (migration 1764500001420): the
 * database writes a row in the same transaction as the line's public act — a status change its
 * audit entry records and `announcement_rules` names (a change back from a suspension, and a
 * draft's ending, publish nothing), a tender's or procurement's notice, a lease auction's close —
 * so the lines write nothing for it and the apps' role only reads it. Ids: a notice's own; for a
 * status change a UUID derived from its audit entry (md5 of `audit:<seq>`), for a lease's result
 * one derived from the auction (whose id is the listing's): stable, canonical, naming no user.
 * Only public text is kept: a termination's or a failure's `reason`, which the lines publish (an
 * auction's close reason is a code that says whether a reserve was met: never taken). The project's
 * code and title are its own, read with the row.
 */
const ANNOUNCEMENT_COLUMNS = `
  x.id, x.line, x.kind, x.status, x.project_id AS "projectId",
  coalesce(t.code, p.code, tp.code, l.code) AS "projectCode",
  coalesce(t.title, p.title, tp.title, l.title) AS "projectTitle",
  x.published_at AS "publishedAt", x.text`;
const ANNOUNCEMENT_PROJECTS = `
  LEFT JOIN tender_projects t ON x.line = 'construction' AND t.id = x.project_id
  LEFT JOIN procurement_projects p ON x.line = 'procurement' AND p.id = x.project_id
  LEFT JOIN transfer_projects tp ON x.line = 'transfer' AND tp.id = x.project_id
  LEFT JOIN lease_listings l ON x.line = 'lease' AND l.id = x.project_id`;
/** Rows whose project is gone (none is ever deleted) are not shown. */
const HAS_PROJECT = `coalesce(t.id, p.id, tp.id, l.id) IS NOT NULL`;

/** Announcements of these projects (`$1`, a uuid[]), oldest first: an OCDS process's documents. */
export const PROJECT_ANNOUNCEMENTS_SQL = `
  SELECT ${ANNOUNCEMENT_COLUMNS}
  FROM announcements x ${ANNOUNCEMENT_PROJECTS}
  WHERE x.project_id = ANY($1::uuid[]) AND ${HAS_PROJECT}
  ORDER BY x.published_at, x.id`;

/**
 * Where a page of the newest-first list resumes: after the last announcement of the page before
 * (its instant to the microsecond, and its id). Opaque to clients: base64url of `<µs>:<id>`.
 */
export interface AnnouncementCursor {
  publishedAtMicros: string;
  id: string;
}

const CURSOR_TEXT = /^(\d{1,17}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function encodeAnnouncementCursor(cursor: AnnouncementCursor): string {
  return Buffer.from(`${cursor.publishedAtMicros}:${cursor.id}`, 'utf8').toString('base64url');
}

/** The cursor a client sent back, or null when it is not one this API made. */
export function decodeAnnouncementCursor(text: string): AnnouncementCursor | null {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(text)) return null;
  const match = CURSOR_TEXT.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return match ? { publishedAtMicros: match[1], id: match[2] } : null;
}

/** `q` as a LIKE pattern that matches itself literally. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The public disclosure's reads (公开), across every line: the announcements the database wrote
 * as each line published (its audited status changes, its notices, a lease's auction result) and
 * deals with their public fields. Read-only, on the read pool.
 */
@Injectable()
export class PublicAnnouncementsRepository {
  private readonly reads: DataSource;

  constructor(dataSource: DataSource, @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource) {
    this.reads = readDataSource ?? dataSource;
  }

  /**
   * Newest first, (published_at, id) descending, read backwards along the table's keyset index:
   * a page costs its own rows (and the projects' rows it names), whatever its depth when it is
   * asked `after` the previous page's last; `offset` still works (≤ 100,000). `next` is the
   * cursor of the page's last row when more follow, else null.
   */
  async list(
    filter: AnnouncementFilter,
  ): Promise<{ items: AnnouncementRow[]; total: number; next: AnnouncementCursor | null }> {
    const where: string[] = [HAS_PROJECT];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.q !== undefined) {
      const pattern = param(likePattern(filter.q));
      where.push(
        `(coalesce(t.title, p.title, tp.title, l.title) ILIKE ${pattern}
          OR coalesce(t.code, p.code, tp.code, l.code) ILIKE ${pattern})`,
      );
    }
    if (filter.line) where.push(`x.line = ${param(filter.line)}`);
    if (filter.kind) where.push(`x.kind = ${param(filter.kind)}`);
    if (filter.from) where.push(`x.published_at >= ${param(filter.from)}`);
    if (filter.to) where.push(`x.published_at < ${param(filter.to)}`);
    const matching = `FROM announcements x ${ANNOUNCEMENT_PROJECTS} WHERE ${where.join(' AND ')}`;
    const countParams = [...params];
    const page = [...where];
    if (filter.after)
      page.push(
        `(x.published_at, x.id) < ('epoch'::timestamptz + ${param(filter.after.publishedAtMicros)}::bigint * interval '1 microsecond',
                                   ${param(filter.after.id)}::uuid)`,
      );
    const rows = (await this.reads.query(
      `SELECT ${ANNOUNCEMENT_COLUMNS},
              (extract(epoch FROM x.published_at) * 1000000)::bigint::text AS "publishedAtMicros"
       FROM announcements x ${ANNOUNCEMENT_PROJECTS} WHERE ${page.join(' AND ')}
       ORDER BY x.published_at DESC, x.id DESC
       LIMIT ${param(filter.limit + 1)} OFFSET ${param(filter.offset)}`,
      params,
    )) as (AnnouncementRow & { publishedAtMicros: string })[];
    const more = rows.length > filter.limit;
    const items = rows.slice(0, filter.limit);
    const last = items[items.length - 1];
    const total =
      filter.count === false
        ? items.length
        : (
            (await this.reads.query(`SELECT count(*)::int AS total ${matching}`, countParams)) as {
              total: number;
            }[]
          )[0].total;
    return {
      items: items.map(({ publishedAtMicros: _micros, ...row }) => row),
      total,
      next: more && last ? { publishedAtMicros: last.publishedAtMicros, id: last.id } : null,
    };
  }

  async findById(id: string): Promise<AnnouncementRow | null> {
    const rows = (await this.reads.query(
      `SELECT ${ANNOUNCEMENT_COLUMNS} FROM announcements x ${ANNOUNCEMENT_PROJECTS}
       WHERE x.id = $1 AND ${HAS_PROJECT}`,
      [id],
    )) as AnnouncementRow[];
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
