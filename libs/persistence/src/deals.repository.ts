import { Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DealGroup, ImportedDeal, LiveAuctionTotals } from '@ggzy/domain';
import type { DealCategory } from './entities/deal.entity.js';
import { DealEntity } from './entities/deal.entity.js';
import { FeesRepository } from './fees/fees.repository.js';

/** Rows per INSERT when importing: one statement of arrays, not one round trip per deal. */
const IMPORT_BATCH = 2000;

const IMPORT_SQL = `
  INSERT INTO deals (category, subtype, source_type, source_id, title, amount, winner_id, winner_name, closed_at, external_ref)
  SELECT category, subtype, 'import', NULL, title, amount, NULL, winner_name, closed_at, external_ref
  FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::bigint[], $5::varchar[], $6::timestamptz[], $7::varchar[])
    AS row(category, subtype, title, amount, winner_name, closed_at, external_ref)
  ON CONFLICT (external_ref) DO NOTHING
  RETURNING id`;

// Months are the centre's calendar months: the caller passes the instants they start and end at
// (in CENTRE_TZ) and each month is its own index range grouped by category and subtype. That
// costs about what the bare GROUP BY category does; placing each row in its month instead
// (width_bucket, or converting its time zone) costs 1.3–2.5× that (BENCHMARKS.md, issue 8).
const GROUPS_SQL = `
  SELECT month.i AS bucket, g.category, g.subtype, g.n, g.total
  FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS month(starts_at, ends_at, i)
  CROSS JOIN LATERAL (
    SELECT category, subtype, count(*) AS n, sum(amount) AS total
    FROM deals
    WHERE closed_at >= month.starts_at AND closed_at < month.ends_at
    GROUP BY category, subtype
  ) g`;

// A live auction's deal is its auction's (source_id is the auction's id). Its start value is
// what the deal would have been at the start price: a lease's deal is rent × term months, so
// start price × term; a transfer's deal is the price itself, so the start price. On-site
// auctions and agreements are not live auctions and have other source types.
const LIVE_AUCTIONS_SQL = `
  SELECT count(*) AS n,
         coalesce(sum(a.start_price * CASE WHEN d.source_type = 'lease_listing' THEN l.lease_term_months ELSE 1 END), 0)
           AS start_total,
         coalesce(sum(d.amount), 0) AS total
  FROM deals d
  JOIN auctions a ON a.id = d.source_id
  LEFT JOIN lease_listings l ON l.id = a.id
  WHERE ((d.source_type = 'lease_listing' AND l.id IS NOT NULL)
         OR (d.source_type = 'transfer_auction' AND a.host_type = 'transfer_project'))
    AND d.closed_at >= $1 AND d.closed_at < $2`;

export interface ImportResult {
  received: number;
  created: number;
  /** already there by externalRef: an import run twice writes nothing the second time */
  unchanged: number;
}

export interface NewDeal {
  category: DealCategory;
  subtype: string | null;
  sourceType: string;
  sourceId: string | null;
  title: string;
  amount: number;
  winnerId: string | null;
  winnerName: string;
  closedAt: Date;
  externalRef?: string | null;
}

export interface DealFilter {
  category?: DealCategory;
  subtype?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

@Injectable()
export class DealsRepository {
  constructor(
    private readonly dataSource: DataSource,
    // Optional only for the repository tests that build one by hand: the apps always have it.
    @Optional() private readonly fees?: FeesRepository,
  ) {}

  /**
   * The one way a concluded process records its deal (transfer agreements, tender and
   * procurement contracts, call-offs), with its fee. The live closes write the same rows inside
   * their own single close statement (AuctionsRepository.closeMany), and an on-site sale in
   * OnSiteAuctionsRepository.insertDeal, so deal, fee and close commit together.
   */
  async insert(manager: EntityManager, deal: NewDeal): Promise<DealEntity> {
    const repo = manager.getRepository(DealEntity);
    const saved = await repo.save(repo.create({ ...deal, externalRef: deal.externalRef ?? null }));
    // Its fee, from the schedule in force on its day, commits with it.
    await this.fees?.recordFor(manager, { dealIds: [saved.id] });
    return saved;
  }

  /**
   * Historical records with their fees, all in the caller's transaction; idempotent on
   * externalRef. A fee the record states was checked against the schedule by the caller.
   */
  async importMany(manager: EntityManager, deals: readonly ImportedDeal[]): Promise<ImportResult> {
    let created = 0;
    for (let start = 0; start < deals.length; start += IMPORT_BATCH) {
      const batch = deals.slice(start, start + IMPORT_BATCH);
      const result = (await manager.query(IMPORT_SQL, [
        batch.map((deal) => deal.category),
        batch.map((deal) => deal.subtype),
        batch.map((deal) => deal.title),
        batch.map((deal) => String(deal.amount)),
        batch.map((deal) => deal.winnerName),
        batch.map((deal) => deal.closedAt.toISOString()),
        batch.map((deal) => deal.externalRef),
      ])) as { id: string }[];
      created += result.length;
      await this.fees?.recordFor(manager, { dealIds: result.map((row) => row.id) });
    }
    return { received: deals.length, created, unchanged: deals.length - created };
  }

  /**
   * Deal counts and sums by category, subtype and month over [start, end). `months` are the
   * months' names and the instants they start at, in order, the first one at `start`.
   */
  async groupsByMonth(
    start: Date,
    end: Date,
    months: readonly { month: string; startsAt: Date }[],
  ): Promise<DealGroup[]> {
    if (months.length === 0 || months[0].startsAt.getTime() !== start.getTime())
      throw new RangeError('the first month must start where the period starts');
    const bounds = months.map((month, index) => {
      const endsAt = months[index + 1]?.startsAt ?? end;
      if (endsAt.getTime() <= month.startsAt.getTime() || endsAt.getTime() > end.getTime())
        throw new RangeError(`month ${month.month} does not lie in order inside the period`);
      return { startsAt: month.startsAt.toISOString(), endsAt: endsAt.toISOString() };
    });
    const rows = (await this.dataSource.query(GROUPS_SQL, [
      bounds.map((bound) => bound.startsAt),
      bounds.map((bound) => bound.endsAt),
    ])) as { category: DealCategory; subtype: string | null; bucket: string; n: string; total: string }[];
    return rows.map((row) => ({
      category: row.category,
      subtype: row.subtype,
      month: months[Number(row.bucket) - 1].month,
      count: Number(row.n),
      amount: BigInt(row.total),
    }));
  }

  async liveAuctionTotals(start: Date, end: Date): Promise<LiveAuctionTotals> {
    const [row] = (await this.dataSource.query(LIVE_AUCTIONS_SQL, [start, end])) as {
      n: string;
      start_total: string;
      total: string;
    }[];
    return { count: Number(row.n), startAmount: BigInt(row.start_total), amount: BigInt(row.total) };
  }

  /** The deals of a period in time order, for the export's deal list (bounded by `limit`). */
  async listForExport(start: Date, end: Date, limit: number): Promise<DealEntity[]> {
    return this.dataSource
      .getRepository(DealEntity)
      .createQueryBuilder('d')
      .where('d.closed_at >= :start AND d.closed_at < :end', { start, end })
      .orderBy('d.closed_at', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .take(limit)
      .getMany();
  }

  async list(filter: DealFilter): Promise<{ items: DealEntity[]; total: number }> {
    const query = this.dataSource.getRepository(DealEntity).createQueryBuilder('d');
    if (filter.category) query.andWhere('d.category = :category', { category: filter.category });
    if (filter.subtype) query.andWhere('d.subtype = :subtype', { subtype: filter.subtype });
    if (filter.from) query.andWhere('d.closed_at >= :from', { from: filter.from });
    if (filter.to) query.andWhere('d.closed_at < :to', { to: filter.to });
    const [items, total] = await query
      .orderBy('d.closed_at', 'DESC')
      .addOrderBy('d.id', 'ASC')
      .take(filter.limit)
      .skip(filter.offset)
      .getManyAndCount();
    return { items, total };
  }
}
