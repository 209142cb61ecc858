import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READ_DATA_SOURCE } from '../data-source.js';
import { publicSupplierNameSql } from '../registrations/public-supplier-name.js';
import {
  type AnnouncementLine,
  type AnnouncementRow,
  PROJECT_ANNOUNCEMENTS_SQL,
} from './public-announcements.repository.js';

/** A published process's own public columns, any line. */
export interface OcdsProcessRow {
  line: AnnouncementLine;
  id: string;
  code: string;
  title: string;
  description: string | null;
  status: string;
  ownerName: string | null;
  ownerCode: string | null;
  method: string | null;
  /** The estimate, the budget, a lease's starting monthly rent or a transfer's listing price (fen). */
  value: number | null;
  leaseTermMonths: number | null;
  category: string | null;
  periodStartOn: string | null;
  periodStartAt: Date | null;
  periodEndOn: string | null;
  periodEndAt: Date | null;
  announcedOn: string;
}

/** What the OCDS mapping needs beside a process's columns: its public story. */
export interface OcdsFacts {
  history: { projectId: string; at: Date; status: string; from: string | null }[];
  documents: AnnouncementRow[];
  /** Qualified parties: their organisation code (tenders, procurement) or bidder code (auctions). */
  tenderers: {
    projectId: string;
    organizationCode: string | null;
    /** The organisation's registered name: its own account's (registered under that code), else its code. */
    organizationName: string | null;
    bidderCode: string | null;
    bidderId: string;
    /** A single source's award names the registration (it has no sealed bid). */
    registrationId: string;
  }[];
  /** Sealed bids as opened (the opening's record) — present only once opened. */
  openings: {
    projectId: string;
    openedAt: Date;
    bids: { bidId: string; bidderId: string; price: number | null; valid: boolean }[];
  }[];
  /** Accepted auction bids, by bidder code. */
  auctionBids: { projectId: string; id: string; amount: number; at: Date; bidderCode: string | null }[];
  /** The deal of each process (its source), with the winner's account to find its code. */
  deals: { projectId: string; id: string; amount: number; closedAt: Date; winnerId: string | null }[];
  /** A lease's or transfer's hammer price (monthly for a lease). */
  finalPrices: { projectId: string; finalPrice: number | null }[];
  contracts: { projectId: string; signedOn: string | null; dealId: string | null }[];
  /**
   * A tender's or procurement's evaluation as far as it is public: the candidates once their
   * publicity is published (tenders), the awarded bid and its notice day once announced.
   */
  evaluations: {
    projectId: string;
    candidates: { rank: number; bidId: string; price: number }[];
    awardedBidId: string | null;
    awardNoticeOn: string | null;
  }[];
  /** Decided complaints and challenges as published (those found false are not: see the public list). */
  complaintDecisions: { projectId: string; id: string; kind: 'challenge' | 'complaint'; decidedAt: Date }[];
}

/**
 * Every published process of every line (drafts are not public), with the day it was announced;
 * `also(alias)` adds a condition to each line's branch (a keyset bound, so each branch is read
 * along its (created_at, id) index).
 */
const processesSql = (also: (alias: string) => string = () => '') => `
  SELECT 'construction' AS line, t.id, t.code, t.title, t.description, t.status,
         t.owner_name AS "ownerName", t.owner_org_code AS "ownerCode", 'open_tender' AS method,
         t.estimated_price::text AS value, NULL::int AS "leaseTermMonths", 'works' AS category,
         t.documents_issued_on::text AS "periodStartOn", NULL::timestamptz AS "periodStartAt",
         NULL::text AS "periodEndOn", t.bid_deadline_at AS "periodEndAt",
         t.announced_on::text AS "announcedOn", t.created_at
  FROM tender_projects t WHERE t.status <> 'registered' AND t.announced_on IS NOT NULL ${also('t')}
  UNION ALL
  SELECT 'procurement', p.id, p.code, p.title, p.description, p.status, p.purchaser_name, p.purchaser_org_code,
         p.method, p.budget::text, NULL, coalesce(p.subject_type, 'goods'),
         coalesce(p.documents_issued_on, p.publicity_starts_on)::text, NULL, NULL, p.response_deadline_at,
         coalesce(p.publicised_on, p.announced_on)::text, p.created_at
  FROM procurement_projects p
  WHERE p.status <> 'planned' AND coalesce(p.publicised_on, p.announced_on) IS NOT NULL ${also('p')}
  UNION ALL
  SELECT 'transfer', tp.id, tp.code, tp.title, tp.asset_description, tp.status, tp.transferor, NULL,
         tp.deal_source, tp.listing_price::text, NULL, NULL,
         tp.published_on::text, NULL, tp.disclosure_ends_on::text, NULL,
         coalesce((first_notice.at AT TIME ZONE $1)::date, tp.published_on)::text, tp.created_at
  FROM transfer_projects tp
  -- Re-listed in place, a project waits unpublished (published_on cleared) but was announced before.
  LEFT JOIN LATERAL (
    SELECT min(n.published_at) AS at FROM announcements n
    WHERE n.project_id = tp.id AND n.line = 'transfer' AND n.kind = 'notice'
  ) first_notice ON true
  WHERE tp.status <> 'accepted' AND (tp.published_on IS NOT NULL OR first_notice.at IS NOT NULL) ${also('tp')}
  UNION ALL
  SELECT 'lease', l.id, l.code, l.title, l.address || ',' || l.usage || ',' || l.area_sqm || '平方米',
         a.status, NULL, NULL, NULL, a.start_price::text, l.lease_term_months, NULL,
         NULL, l.registration_starts_at, NULL, a.ends_at,
         (l.published_at AT TIME ZONE $1)::date::text, l.created_at
  FROM lease_listings l JOIN auctions a ON a.id = l.id
  WHERE a.status <> 'draft' AND l.published_at IS NOT NULL ${also('l')}`;

/** Where the next page of processes (oldest first) starts: after this one. */
export interface OcdsProcessCursor {
  createdAtMicros: string;
  id: string;
}

/**
 * The facts the OCDS endpoints publish, read through the persistence layer (no line lib): each
 * published process's public columns, the status changes its audit trail recorded, its
 * announcements, qualified parties by code, opened sealed bids, accepted auction bids, deals and
 * contracts. Read-only, on the read pool; pages are bounded by the caller.
 */
@Injectable()
export class OcdsFactsRepository {
  private readonly reads: DataSource;

  constructor(dataSource: DataSource, @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource) {
    this.reads = readDataSource ?? dataSource;
  }

  /**
   * Published processes, oldest first (created_at, id); `code` picks one, `announcedIn` a year
   * (CENTRE_TZ). Paged by `offset`, or by keyset `after` a process (the bulk download: each page
   * reads its own rows, not every row before it). `count: false` skips the total; `next` is the
   * cursor after the page's last process.
   */
  async processes(filter: {
    timeZone: string;
    line?: AnnouncementLine;
    code?: string;
    announcedIn?: number;
    limit: number;
    offset?: number;
    after?: OcdsProcessCursor;
    count?: boolean;
  }): Promise<{ items: OcdsProcessRow[]; total: number; next: OcdsProcessCursor | null }> {
    const params: unknown[] = [filter.timeZone];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    if (filter.line) where.push(`line = ${param(filter.line)}`);
    if (filter.code !== undefined) where.push(`code = ${param(filter.code)}`);
    if (filter.announcedIn !== undefined)
      where.push(
        `"announcedOn" >= ${param(`${filter.announcedIn}-01-01`)} AND "announcedOn" < ${param(`${filter.announcedIn + 1}-01-01`)}`,
      );
    const outer = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const countParams = [...params];
    const bounds: string[] = [];
    if (filter.after) {
      const at = param(filter.after.createdAtMicros);
      const id = param(filter.after.id);
      bounds.push(
        `(created_at, id) > ('epoch'::timestamptz + ${at}::bigint * interval '1 microsecond', ${id}::uuid)`,
      );
    }
    // Announced in a year means created before its end: a bound every branch's index can use.
    if (filter.announcedIn !== undefined)
      bounds.push(`created_at < ${param(`${filter.announcedIn + 1}-01-01`)}::timestamp AT TIME ZONE $1`);
    const branch = (alias: string) =>
      bounds.map((bound) => `AND ${bound.replace(/\b(created_at|id)\b/g, `${alias}.$1`)}`).join(' ');
    const rows = (await this.reads.query(
      `SELECT *, (extract(epoch FROM created_at) * 1000000)::bigint::text AS "createdAtMicros"
       FROM (${processesSql(branch)}) processes ${outer}
       ORDER BY created_at, id LIMIT ${param(filter.limit + 1)} OFFSET ${param(filter.offset ?? 0)}`,
      params,
    )) as (Omit<OcdsProcessRow, 'value'> & {
      value: string | null;
      created_at: Date;
      createdAtMicros: string;
    })[];
    const more = rows.length > filter.limit;
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const total =
      filter.count === false
        ? page.length
        : (
            (await this.reads.query(
              `SELECT count(*)::int AS total FROM (${processesSql()}) processes ${outer}`,
              countParams,
            )) as { total: number }[]
          )[0].total;
    return {
      items: page.map(({ created_at: _created, createdAtMicros: _micros, value, ...row }) => ({
        ...row,
        value: value === null ? null : Number(value),
      })),
      total,
      next: more && last ? { createdAtMicros: last.createdAtMicros, id: last.id } : null,
    };
  }

  async facts(ids: readonly string[]): Promise<OcdsFacts> {
    if (ids.length === 0)
      return {
        history: [],
        documents: [],
        tenderers: [],
        openings: [],
        auctionBids: [],
        deals: [],
        finalPrices: [],
        contracts: [],
        evaluations: [],
        complaintDecisions: [],
      };
    const q = <T>(sql: string) => this.reads.query(sql, [ids]) as Promise<T[]>;
    const [
      history,
      documents,
      tenderers,
      openings,
      auctionBids,
      deals,
      finalPrices,
      contracts,
      evaluations,
      complaintDecisions,
    ] = await Promise.all([
      // Every status change the lines audit carries {from, to}; a lease's bidding and close are
      // its auction's entries (under the listing's id, which is the auction's).
      q<OcdsFacts['history'][number]>(`
        SELECT a.entity_id::uuid AS "projectId", a.at,
               coalesce(d ->> 'to', CASE a.action WHEN 'auction.opened' THEN 'bidding'
                                                  WHEN 'auction.closed' THEN d ->> 'status' END) AS status,
               d ->> 'from' AS "from"
        FROM audit_log a, LATERAL (SELECT a.payload::jsonb -> 'data' AS d) x
        WHERE a.entity_type IN ('tender_project', 'procurement_project', 'transfer_project', 'lease_listing')
          AND a.entity_id = ANY($1::text[])
          AND (d ? 'to' OR (a.entity_type = 'lease_listing' AND a.action IN ('auction.opened', 'auction.closed')))
        ORDER BY a.seq`),
      q<AnnouncementRow>(PROJECT_ANNOUNCEMENTS_SQL),
      q<OcdsFacts['tenderers'][number]>(`
        SELECT r.host_id AS "projectId", r.organization_code AS "organizationCode",
               ${publicSupplierNameSql('r')} AS "organizationName",
               r.bidder_code AS "bidderCode", r.bidder_id AS "bidderId", r.id AS "registrationId"
        FROM registrations r
        WHERE r.host_id = ANY($1::uuid[]) AND r.status = 'qualified'
        ORDER BY r.created_at, r.id`),
      q<{ projectId: string; openedAt: Date; record: OcdsFacts['openings'][number]['bids'] }>(`
        SELECT host_id AS "projectId", opened_at AS "openedAt", record FROM bid_openings WHERE host_id = ANY($1::uuid[])`),
      q<Omit<OcdsFacts['auctionBids'][number], 'amount'> & { amount: string }>(`
        SELECT b.auction_id AS "projectId", b.id, b.amount::text AS amount, b.at, b.bidder_code AS "bidderCode"
        FROM bids b WHERE b.auction_id = ANY($1::uuid[]) AND b.outcome = 'accepted' ORDER BY b.auction_id, b.seq`),
      q<Omit<OcdsFacts['deals'][number], 'amount'> & { amount: string }>(`
        SELECT d.source_id AS "projectId", d.id, d.amount::text AS amount, d.closed_at AS "closedAt", d.winner_id AS "winnerId"
        FROM deals d WHERE d.source_id = ANY($1::uuid[]) ORDER BY d.closed_at, d.id`),
      q<{ projectId: string; finalPrice: string | null }>(`
        SELECT id AS "projectId", final_price::text AS "finalPrice" FROM auctions WHERE id = ANY($1::uuid[])
        UNION ALL
        SELECT id, final_price::text FROM transfer_projects WHERE id = ANY($1::uuid[]) AND final_price IS NOT NULL`),
      q<OcdsFacts['contracts'][number]>(`
        SELECT project_id AS "projectId", contract_signed_on::text AS "signedOn", deal_id AS "dealId"
        FROM tender_evaluations WHERE project_id = ANY($1::uuid[]) AND contract_signed_on IS NOT NULL
        UNION ALL
        SELECT project_id, contract_signed_on::text, deal_id
        FROM procurement_evaluations WHERE project_id = ANY($1::uuid[]) AND contract_signed_on IS NOT NULL
        UNION ALL
        SELECT id, contract_signed_on::text, NULL FROM transfer_projects
        WHERE id = ANY($1::uuid[]) AND contract_signed_on IS NOT NULL`),
      // Published only: a tender's candidates from their publicity, an award from its notice (a
      // procurement's decision stays private until its result is announced).
      q<OcdsFacts['evaluations'][number]>(`
        SELECT project_id AS "projectId",
               CASE WHEN publicity_starts_on IS NOT NULL THEN coalesce(candidates, '[]'::jsonb)
                    ELSE '[]'::jsonb END AS candidates,
               awarded_bid_id AS "awardedBidId", award_notice_on::text AS "awardNoticeOn"
        FROM tender_evaluations WHERE project_id = ANY($1::uuid[])
        UNION ALL
        SELECT project_id, '[]'::jsonb,
               CASE WHEN award_notice_on IS NOT NULL THEN awarded_bid_id END, award_notice_on::text
        FROM procurement_evaluations WHERE project_id = ANY($1::uuid[])`),
      // The same decisions /api/public/complaint-decisions publishes.
      q<OcdsFacts['complaintDecisions'][number]>(`
        SELECT c.project_id AS "projectId", c.id, c.kind, c.decided_at AS "decidedAt"
        FROM complaints c
        WHERE c.project_id = ANY($1::uuid[]) AND c.outcome IS NOT NULL AND NOT c.found_false
        ORDER BY c.decided_at, c.id`),
    ]);
    return {
      history,
      documents,
      tenderers,
      openings: openings.map(({ record, ...opening }) => ({ ...opening, bids: record })),
      auctionBids: auctionBids.map((bid) => ({ ...bid, amount: Number(bid.amount) })),
      deals: deals.map((deal) => ({ ...deal, amount: Number(deal.amount) })),
      finalPrices: finalPrices.map((row) => ({
        projectId: row.projectId,
        finalPrice: row.finalPrice === null ? null : Number(row.finalPrice),
      })),
      contracts,
      evaluations: evaluations.map((evaluation) => ({
        ...evaluation,
        candidates: evaluation.candidates.map(({ rank, bidId, price }) => ({
          rank,
          bidId,
          price: Number(price),
        })),
      })),
      complaintDecisions,
    };
  }
}
