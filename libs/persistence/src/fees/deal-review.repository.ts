import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DealCategory } from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';

/** What a supervisor filters the deal records by (dates already turned into instants). */
export interface DealReviewFilter {
  category?: DealCategory;
  subtype?: string;
  from?: Date;
  to?: Date;
  /** The winner's name (any part, case-insensitive) or, for an id, the winner's account. */
  party?: string;
  minAmount?: number;
  maxAmount?: number;
}

export interface ReviewedDeal {
  id: string;
  category: DealCategory;
  subtype: string | null;
  sourceType: string;
  sourceId: string | null;
  title: string;
  amount: number;
  winnerId: string | null;
  winnerName: string;
  closedAt: Date;
  externalRef: string | null;
  /** The fee recorded with it (null: none, or no schedule was in force). */
  fee: number | null;
}

/** The process a deal concluded: the host whose registrations, deposits and trail tell its story. */
export interface DealProcess {
  hostType: 'lease_listing' | 'transfer_project' | 'tender_project' | 'procurement_project';
  hostId: string;
}

/**
 * A part of a deal's story read straight from its tables by the process (`$1` the host type,
 * `$2` the host id): rows as JSON. THE EXTENSION POINT for the parts other features add — a
 * table appends its entry here, as `complaints` and `alerts` did, and the story
 * carries it, with nothing else to change. Secret columns are left out by name.
 */
export interface StorySection {
  name: string;
  /** Only for these hosts (all when absent). */
  hosts?: DealProcess['hostType'][];
  sql: string;
}

const ROWS_CAP = 10_000;
const rows = (from: string, where: string, order: string, drop: string[] = []) =>
  `SELECT coalesce(json_agg(to_jsonb(t) ${drop.map((column) => `- '${column}'`).join(' ')} ORDER BY ${order}), '[]'::json)
   FROM (SELECT * FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT ${ROWS_CAP}) t`;
const one = (from: string, where: string) => `SELECT to_jsonb(t) FROM ${from} t WHERE ${where}`;

const ANNOUNCEMENT_TABLES: Record<DealProcess['hostType'], string> = {
  lease_listing: 'lease_listings',
  transfer_project: 'transfer_projects',
  tender_project: 'tender_projects',
  procurement_project: 'procurement_projects',
};

export const STORY_SECTIONS: StorySection[] = [
  {
    name: 'notices',
    hosts: ['tender_project'],
    sql: rows('tender_notices', 'project_id = $2', 'published_at, id'),
  },
  {
    name: 'notices',
    hosts: ['procurement_project'],
    sql: rows('procurement_notices', 'project_id = $2', 'published_at, id'),
  },
  {
    name: 'registrations',
    sql: `SELECT coalesce(json_agg(to_jsonb(r) || jsonb_build_object('bidderUsername', u.username,
            'bidderName', u.display_name) ORDER BY r.created_at, r.id), '[]'::json)
          FROM registrations r JOIN users u ON u.id = r.bidder_id
          WHERE r.host_type = $1 AND r.host_id = $2`,
  },
  { name: 'deposits', sql: rows('deposits', 'host_type = $1 AND host_id = $2', 'created_at, id') },
  {
    name: 'auction',
    hosts: ['lease_listing', 'transfer_project'],
    sql: `SELECT to_jsonb(a) FROM auctions a WHERE a.id = $2 AND a.host_type = $1`,
  },
  {
    name: 'bids',
    hosts: ['lease_listing', 'transfer_project'],
    sql: rows('bids', 'auction_id = $2', 'seq, at, id'),
  },
  {
    name: 'onSiteAuctions',
    hosts: ['lease_listing', 'transfer_project'],
    sql: rows('on_site_auctions', 'host_type = $1 AND host_id = $2', 'recorded_at, id'),
  },
  // The opening record (开标记录): the bids as opened, never the sealed envelopes.
  {
    name: 'opening',
    hosts: ['tender_project', 'procurement_project'],
    sql: one('bid_openings', 'host_type = $1 AND host_id = $2'),
  },
  // The committee draws, each with its seed: a supervisor replays the draw from them.
  {
    name: 'committeeDraws',
    hosts: ['tender_project', 'procurement_project'],
    sql: rows('committee_draws', 'host_type = $1 AND host_id = $2', 'drawn_at, id'),
  },
  // Evaluation, award and contract are one row per project.
  { name: 'evaluation', hosts: ['tender_project'], sql: one('tender_evaluations', 'project_id = $2') },
  {
    name: 'evaluation',
    hosts: ['procurement_project'],
    sql: one('procurement_evaluations', 'project_id = $2'),
  },
  // Challenges and complaints (质疑/投诉) filed against the process, with their decisions.
  { name: 'complaints', sql: rows('complaints', 'project_id = $2', 'filed_at, id') },
  // Early-warning alerts (预警) raised on the process, with their evidence and decisions.
  { name: 'alerts', sql: rows('alerts', 'process_id = $2', 'raised_at, id') },
  {
    name: 'callOffs',
    hosts: ['procurement_project'],
    sql: rows('procurement_call_offs', 'project_id = $2', 'recorded_at, id'),
  },
];

const LIST_SQL = (where: string, tail: string) => `
  SELECT d.id, d.category, d.subtype, d.source_type AS "sourceType", d.source_id AS "sourceId", d.title,
         d.amount::text AS amount, d.winner_id AS "winnerId", d.winner_name AS "winnerName",
         d.closed_at AS "closedAt", d.external_ref AS "externalRef", f.amount::text AS fee,
         count(*) OVER () AS total
  FROM deals d LEFT JOIN deal_fees f ON f.deal_id = d.id
  ${where}
  ORDER BY d.closed_at DESC, d.id
  ${tail}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The review of deal records (issue 10): supervisors filter every deal and read one's whole story
 * from the tables, below the lines (supervision imports no line). Reads only.
 */
@Injectable()
export class DealReviewRepository {
  private readonly reads: DataSource;

  constructor(dataSource: DataSource, @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource) {
    this.reads = readDataSource ?? dataSource;
  }

  async list(
    filter: DealReviewFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: ReviewedDeal[]; total: number }> {
    const { where, values } = whereOf(filter);
    const found = (await this.reads.query(
      LIST_SQL(where, `LIMIT $${values.length + 1} OFFSET $${values.length + 2}`),
      [...values, page.limit, page.offset],
    )) as (Omit<ReviewedDeal, 'amount' | 'fee'> & { amount: string; fee: string | null; total: string })[];
    const total = found.length > 0 ? Number(found[0].total) : await this.count(filter);
    return {
      items: found.map(({ total: _total, ...deal }) => ({
        ...deal,
        amount: Number(deal.amount),
        fee: deal.fee === null ? null : Number(deal.fee),
      })),
      total,
    };
  }

  private async count(filter: DealReviewFilter): Promise<number> {
    const { where, values } = whereOf(filter);
    const [row] = (await this.reads.query(`SELECT count(*) AS n FROM deals d ${where}`, values)) as {
      n: string;
    }[];
    return Number(row.n);
  }

  async findDeal(id: string): Promise<ReviewedDeal | null> {
    const [deal] = (await this.reads.query(LIST_SQL('WHERE d.id = $1', ''), [id])) as (Omit<
      ReviewedDeal,
      'amount' | 'fee'
    > & { amount: string; fee: string | null; total: string })[];
    if (!deal) return null;
    const { total: _total, ...rest } = deal;
    return { ...rest, amount: Number(rest.amount), fee: rest.fee === null ? null : Number(rest.fee) };
  }

  /** The process a deal concluded, from its source (null for an imported record). */
  async processOf(deal: Pick<ReviewedDeal, 'sourceType' | 'sourceId'>): Promise<DealProcess | null> {
    if (!deal.sourceId) return null;
    switch (deal.sourceType) {
      case 'lease_listing':
        return { hostType: 'lease_listing', hostId: deal.sourceId };
      case 'transfer_auction':
      case 'transfer_agreement':
        return { hostType: 'transfer_project', hostId: deal.sourceId };
      case 'tender_award':
        return { hostType: 'tender_project', hostId: deal.sourceId };
      case 'procurement_award':
        return { hostType: 'procurement_project', hostId: deal.sourceId };
      case 'on_site_auction': {
        const [row] = (await this.reads.query(
          'SELECT host_type AS "hostType", host_id AS "hostId" FROM on_site_auctions WHERE id = $1',
          [deal.sourceId],
        )) as DealProcess[];
        return row ?? null;
      }
      case 'framework_call_off': {
        const [row] = (await this.reads.query(
          'SELECT project_id AS "hostId" FROM procurement_call_offs WHERE id = $1',
          [deal.sourceId],
        )) as { hostId: string }[];
        return row ? { hostType: 'procurement_project', hostId: row.hostId } : null;
      }
      default:
        return null;
    }
  }

  /** Every section of the process's story, as JSON rows: the announcement first, then STORY_SECTIONS. */
  async story(process: DealProcess): Promise<Record<string, unknown>> {
    const story: Record<string, unknown> = {
      announcement: await this.value(
        `SELECT to_jsonb(t)
         FROM ${ANNOUNCEMENT_TABLES[process.hostType]} t WHERE t.id = $2`,
        process,
      ),
    };
    for (const section of STORY_SECTIONS)
      if (!section.hosts || section.hosts.includes(process.hostType))
        story[section.name] = await this.value(section.sql, process);
    return story;
  }

  /**
   * The audit trail of the process and its deal: every entry about the host, the deal and the
   * rows the story holds (registrations, deposits, draws, on-site records, call-offs), in order.
   */
  async trail(entityIds: string[]): Promise<unknown[]> {
    const found = (await this.reads.query(
      `SELECT seq, at, actor_id AS "actorId", action, entity_type AS "entityType", entity_id AS "entityId",
              payload, hash
       FROM audit_log WHERE entity_id = ANY($1::varchar[]) ORDER BY seq LIMIT ${ROWS_CAP}`,
      [entityIds],
    )) as { payload: string; seq: string }[];
    return found.map(({ payload, ...entry }) => ({
      ...entry,
      seq: Number(entry.seq),
      data: (JSON.parse(payload) as { data?: unknown }).data ?? null,
    }));
  }

  private async value(sql: string, process: DealProcess): Promise<unknown> {
    // Both parameters typed here: a section may use only one of them.
    const [row] = (await this.reads.query(
      `SELECT (${sql}) AS value FROM (SELECT $1::varchar AS host_type, $2::uuid AS host_id) AS process`,
      [process.hostType, process.hostId],
    )) as {
      value: unknown;
    }[];
    return row?.value ?? null;
  }
}

function whereOf(filter: DealReviewFilter): { where: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    values.push(value);
    clauses.push(clause(`$${values.length}`));
  };
  if (filter.category) add((n) => `d.category = ${n}`, filter.category);
  if (filter.subtype) add((n) => `d.subtype = ${n}`, filter.subtype);
  if (filter.from) add((n) => `d.closed_at >= ${n}`, filter.from);
  if (filter.to) add((n) => `d.closed_at < ${n}`, filter.to);
  if (filter.party !== undefined) {
    if (UUID.test(filter.party)) add((n) => `d.winner_id = ${n}::uuid`, filter.party);
    // The name's own % and _ are matched as themselves.
    else add((n) => `d.winner_name ILIKE ${n}`, `%${filter.party.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.minAmount !== undefined) add((n) => `d.amount >= ${n}`, filter.minAmount);
  if (filter.maxAmount !== undefined) add((n) => `d.amount <= ${n}`, filter.maxAmount);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', values };
}
