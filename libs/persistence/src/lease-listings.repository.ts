import { Inject, Injectable, Optional } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager, In, Not } from 'typeorm';
import type { AuctionState, ListingStatus } from '@ggzy/domain';
import { LeaseListingEntity } from './entities/lease-listing.entity.js';
import { LeaseRegistrationEntity } from './entities/lease-registration.entity.js';
import { BidEntity } from './entities/bid.entity.js';
import { toSafeInteger } from './entities/column-types.js';
import { auditAppendParts, type AuditRecord } from './audit-log.repository.js';
import { READ_DATA_SOURCE } from './data-source.js';

export type NewLeaseListing = Pick<
  LeaseListingEntity,
  | 'title'
  | 'address'
  | 'areaSqm'
  | 'usage'
  | 'leaseTermMonths'
  | 'startPrice'
  | 'increment'
  | 'deposit'
  | 'reservePrice'
  | 'registrationStartsAt'
  | 'registrationEndsAt'
  | 'biddingStartsAt'
  | 'freeBiddingEndsAt'
  | 'extensionSeconds'
  | 'endsAt'
  | 'createdBy'
>;

/** What the bid path reads under the listing lock, in one round trip. */
export interface BidContext {
  /** `id` is the listing's id as the database returns it: views, rooms and audit use this one. */
  listing: AuctionState & { id: string };
  /** The database's clock at the read: it may refuse a bid the process's clock would accept. */
  databaseNow: Date;
  registration: { status: string; bidderCode: string | null } | null;
  existing: BidEntity | null;
}

export interface AcceptedBid {
  listingId: string;
  bidderId: string;
  clientBidId: string;
  amount: number;
  seq: number;
  bidderCode: string;
  at: Date;
  endsAt: Date;
  minNextBid: number;
  bidCount: number;
}

const BID_CONTEXT_SQL = `
  SELECT l.id, l.status, l.start_price, l.increment, l.reserve_price, l.lease_term_months,
         l.bidding_starts_at, l.free_bidding_ends_at, l.extension_seconds, l.ends_at,
         l.current_price, l.leader_id, l.bid_count, l.last_seq, clock_timestamp() AS database_now,
         r.status AS registration_status, r.bidder_code,
         b.id AS existing_id
  FROM lease_listings l
  LEFT JOIN lease_registrations r ON r.listing_id = l.id AND r.bidder_id = $2
  LEFT JOIN bids b ON b.listing_id = l.id AND b.bidder_id = $2 AND b.client_bid_id = $3
  WHERE l.id = $1`;
const LOCK_FOR_BID_SQL = `${BID_CONTEXT_SQL} FOR UPDATE OF l`;

/* An accepted bid written as history (the demo's finished auctions): no live checks. */
const historyAudit = auditAppendParts(11);
const APPEND_HISTORICAL_BID_SQL = `
  WITH accepted AS (
    INSERT INTO bids (listing_id, bidder_id, client_bid_id, amount, outcome, seq, bidder_code, ends_at, min_next_bid, at)
    VALUES ($1, $2, $3, $4, 'accepted', $5, $6, $7, $8, $9)),
  listing AS (
    UPDATE lease_listings
    SET current_price = $4, leader_id = $2, bid_count = $10, last_seq = $5, ends_at = $7,
        status = 'bidding', updated_at = $9
    WHERE id = $1)
  ${historyAudit.statement}`;

/*
 * The one accept statement: the write applies only if the listing is still exactly as the
 * rules saw it (same last accepted bid, same end, still live) and the database's clock
 * agrees the auction is open, so an instance whose clock runs behind cannot accept a bid
 * after the end. Everything happens in one statement, so on the lock-free path the row lock
 * lives only inside PostgreSQL; under the locked path's lock it can only fail on the clock.
 */
const acceptAudit = auditAppendParts(13, 'AND EXISTS (SELECT 1 FROM listing)');
const APPEND_ACCEPTED_BID_IF_UNCHANGED_SQL = `
  WITH listing AS (
    UPDATE lease_listings
    SET current_price = $4, leader_id = $2, bid_count = $10, last_seq = $5, ends_at = $7,
        status = 'bidding', updated_at = $9
    WHERE id = $1 AND last_seq = $11 AND ends_at = $12 AND status IN ('announced', 'bidding')
      AND clock_timestamp() >= bidding_starts_at AND clock_timestamp() < ends_at
    RETURNING id),
  accepted AS (
    INSERT INTO bids (listing_id, bidder_id, client_bid_id, amount, outcome, seq, bidder_code, ends_at, min_next_bid, at)
    SELECT $1, $2, $3, $4, 'accepted', $5, $6, $7, $8, $9 FROM listing)
  ${acceptAudit.statement}`;

const RECORD_REJECTION_SQL = `INSERT INTO bids (listing_id, bidder_id, client_bid_id, amount, outcome, message, at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;

const LOCK_FOR_CLOSE_SQL = `
  SELECT l.status, l.start_price, l.increment, l.reserve_price, l.lease_term_months,
         l.bidding_starts_at, l.free_bidding_ends_at, l.extension_seconds, l.ends_at,
         l.current_price, l.leader_id, l.bid_count, l.last_seq, l.title,
         r.bidder_code AS leader_code, u.display_name AS leader_name, clock_timestamp() AS database_now
  FROM lease_listings l
  LEFT JOIN lease_registrations r ON r.listing_id = l.id AND r.bidder_id = l.leader_id
  LEFT JOIN users u ON u.id = l.leader_id
  WHERE l.id = $1
  FOR UPDATE OF l`;

const soldAudit = auditAppendParts(8);
const CLOSE_SOLD_SQL = `
  WITH listing AS (
    UPDATE lease_listings SET status = 'sold', final_price = $2, winner_id = $3, closed_at = $4, updated_at = now()
    WHERE id = $1),
  deal AS (
    INSERT INTO deals (category, subtype, source_type, source_id, title, amount, winner_id, winner_name, closed_at)
    VALUES ('property_rights', 'lease', 'lease_listing', $1, $5, $6, $3, $7, $4))
  ${soldAudit.statement}`;

const unsoldAudit = auditAppendParts(4);
const CLOSE_UNSOLD_SQL = `
  WITH listing AS (
    UPDATE lease_listings SET status = 'unsold', closed_at = $2, status_reason = $3, updated_at = now()
    WHERE id = $1)
  ${unsoldAudit.statement}`;

export interface CloseContext {
  listing: AuctionState & { id: string; title: string };
  leaderCode: string | null;
  leaderName: string | null;
  /** The database's clock, read under the lock: the one every instance shares. */
  databaseNow: Date;
}

@Injectable()
export class LeaseListingsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  private get listings() {
    return this.dataSource.getRepository(LeaseListingEntity);
  }

  async insertDraft(
    manager: EntityManager,
    listing: NewLeaseListing,
    year: number,
  ): Promise<LeaseListingEntity> {
    const [{ n }] = (await manager.query(`SELECT nextval('lease_listing_code_seq') AS n`)) as { n: string }[];
    const repo = manager.getRepository(LeaseListingEntity);
    return repo.save(
      repo.create({
        ...listing,
        code: `GF${year}${n.padStart(4, '0')}`,
        status: 'draft',
        currentPrice: null,
        leaderId: null,
        bidCount: 0,
        lastSeq: 0,
        qualifiedCount: 0,
      }),
    );
  }

  findById(id: string): Promise<LeaseListingEntity | null> {
    return this.listings.findOneBy({ id });
  }

  /**
   * The listing with its leader's bidder code (the code on the last accepted bid), and the
   * database's clock at the read: what a reader's status and countdown are measured against,
   * since `ends_at` is that clock's.
   */
  async findWithLeaderCode(
    id: string,
  ): Promise<{ listing: LeaseListingEntity; leaderCode: string | null; databaseNow: Date } | null> {
    const { entities, raw } = await this.reads
      .getRepository(LeaseListingEntity)
      .createQueryBuilder('l')
      .leftJoin(BidEntity, 'b', 'b.listing_id = l.id AND b.seq = l.last_seq')
      .addSelect('b.bidder_code', 'leader_code')
      .addSelect('clock_timestamp()', 'database_now')
      .where('l.id = :id', { id })
      .getRawAndEntities();
    if (entities.length === 0) return null;
    const row = raw[0] as { leader_code: string | null; database_now: Date };
    return { listing: entities[0], leaderCode: row.leader_code ?? null, databaseNow: row.database_now };
  }

  lockById(manager: EntityManager, id: string): Promise<LeaseListingEntity | null> {
    return manager
      .getRepository(LeaseListingEntity)
      .createQueryBuilder('l')
      .setLock('pessimistic_write')
      .where('l.id = :id', { id })
      .getOne();
  }

  async update(manager: EntityManager, id: string, changes: Partial<LeaseListingEntity>): Promise<void> {
    await manager.getRepository(LeaseListingEntity).update({ id }, changes);
  }

  /** `includeDrafts: false` is the public view: drafts are filtered in the query, so totals stay right. */
  async list(filter: { status?: ListingStatus; includeDrafts: boolean; limit: number; offset: number }) {
    const [items, total] = await this.listings.findAndCount({
      where: filter.status ? { status: filter.status } : filter.includeDrafts ? {} : { status: Not('draft') },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  /** Listings whose next timed step (open or close) the worker must schedule. */
  findScheduled(): Promise<LeaseListingEntity[]> {
    return this.listings.find({ where: { status: In(['announced', 'bidding']) } });
  }

  /** Ids of live listings whose opening or end came before `cutoff`. */
  /**
   * Listings whose open or close is more than `graceMs` overdue by the database's clock, with
   * whether the close is due (else the open is).
   */
  async findOverdue(graceMs: number): Promise<{ id: string; endsAt: Date; closeDue: boolean }[]> {
    return (await this.dataSource.query(
      `WITH cutoff AS (SELECT clock_timestamp() - make_interval(secs => $1::double precision / 1000) AS at)
       SELECT id, ends_at AS "endsAt", ends_at <= clock_timestamp() AS "closeDue"
       FROM lease_listings, cutoff
       WHERE status IN ('announced', 'bidding')
         AND (ends_at <= cutoff.at OR (status = 'announced' AND bidding_starts_at <= cutoff.at))`,
      [graceMs],
    )) as { id: string; endsAt: Date; closeDue: boolean }[];
  }

  // --- registrations ---

  findRegistration(listingId: string, id: string): Promise<LeaseRegistrationEntity | null> {
    return this.dataSource.getRepository(LeaseRegistrationEntity).findOneBy({ listingId, id });
  }

  findRegistrationOf(listingId: string, bidderId: string): Promise<LeaseRegistrationEntity | null> {
    return this.dataSource.getRepository(LeaseRegistrationEntity).findOneBy({ listingId, bidderId });
  }

  async insertRegistration(
    manager: EntityManager,
    listingId: string,
    bidderId: string,
  ): Promise<LeaseRegistrationEntity> {
    const repo = manager.getRepository(LeaseRegistrationEntity);
    return repo.save(repo.create({ listingId, bidderId, status: 'pending' }));
  }

  async bidderCodeTaken(manager: EntityManager, listingId: string, bidderCode: string): Promise<boolean> {
    return manager.getRepository(LeaseRegistrationEntity).existsBy({ listingId, bidderCode });
  }

  async updateRegistration(
    manager: EntityManager,
    id: string,
    changes: Partial<LeaseRegistrationEntity>,
  ): Promise<void> {
    await manager.getRepository(LeaseRegistrationEntity).update({ id }, changes);
  }

  async listRegistrations(listingId: string, limit: number, offset: number) {
    const [items, total] = await this.dataSource.getRepository(LeaseRegistrationEntity).findAndCount({
      where: { listingId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  async listRegistrationsOfBidder(bidderId: string, limit: number, offset: number) {
    const [items, total] = await this.dataSource.getRepository(LeaseRegistrationEntity).findAndCount({
      where: { bidderId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  async countQualified(listingId: string): Promise<number> {
    return this.dataSource.getRepository(LeaseRegistrationEntity).countBy({ listingId, status: 'qualified' });
  }

  // --- the bid path ---

  /** Locks the listing row and reads the bidder's registration and any earlier attempt with this key. */
  lockForBid(
    manager: EntityManager,
    listingId: string,
    bidderId: string,
    clientBidId: string,
  ): Promise<BidContext | null> {
    return this.readBidContext(manager, LOCK_FOR_BID_SQL, [listingId, bidderId, clientBidId]);
  }

  /** The same read without the lock, for decisions that stay true as the auction moves on. */
  async peekForBid(listingId: string, bidderId: string, clientBidId: string): Promise<BidContext | null> {
    const { rows } = await this.prepared('ggzy_peek_bid', BID_CONTEXT_SQL, [
      listingId,
      bidderId,
      clientBidId,
    ]);
    return this.toBidContext(this.dataSource.manager, rows);
  }

  /*
   * The hot path's statements run as named prepared statements on TypeORM's own pool:
   * planning them costs several times their execution, and node-pg keeps each plan per
   * connection after the first use.
   */
  private prepared(
    name: string,
    text: string,
    values: unknown[],
  ): Promise<{ rows: Record<string, any>[]; rowCount: number | null }> {
    const pool = (this.dataSource.driver as unknown as { master: pg.Pool }).master;
    return pool.query({ name, text, values });
  }

  private async readBidContext(
    manager: EntityManager,
    sql: string,
    params: string[],
  ): Promise<BidContext | null> {
    const rows = (await manager.query(sql, params)) as Record<string, any>[];
    return this.toBidContext(manager, rows);
  }

  private async toBidContext(
    manager: EntityManager,
    rows: Record<string, any>[],
  ): Promise<BidContext | null> {
    if (rows.length === 0) return null;
    const row = rows[0];
    const existing = row.existing_id
      ? await manager.getRepository(BidEntity).findOneByOrFail({ id: row.existing_id as string })
      : null;
    return {
      listing: toAuctionState(row.id, row),
      databaseNow: row.database_now,
      registration: row.registration_status
        ? { status: row.registration_status, bidderCode: row.bidder_code }
        : null,
      existing,
    };
  }

  /** Locks the listing for closing and reads the leader's code and name with it. */
  async lockForClose(manager: EntityManager, listingId: string): Promise<CloseContext | null> {
    const rows = (await manager.query(LOCK_FOR_CLOSE_SQL, [listingId])) as Record<string, any>[];
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      listing: { ...toAuctionState(listingId, row), title: row.title },
      leaderCode: row.leader_code,
      leaderName: row.leader_name,
      databaseNow: row.database_now,
    };
  }

  /** The database's clock: the one every instance shares (inside `manager`'s transaction, if given). */
  async databaseNow(manager?: EntityManager): Promise<Date> {
    const rows = (await (manager ?? this.dataSource).query('SELECT clock_timestamp() AS now')) as {
      now: Date;
    }[];
    return rows[0].now;
  }

  /** Moves the listing to sold, writes its deal record and appends the audit entry, in one statement. */
  async closeSold(
    manager: EntityManager,
    close: {
      listingId: string;
      finalPrice: number;
      winnerId: string;
      closedAt: Date;
      title: string;
      dealAmount: number;
      winnerName: string;
    },
    audit: AuditRecord,
  ): Promise<void> {
    await manager.query(CLOSE_SOLD_SQL, [
      close.listingId,
      close.finalPrice,
      close.winnerId,
      close.closedAt,
      close.title,
      close.dealAmount,
      close.winnerName,
      ...soldAudit.params(audit),
    ]);
  }

  async closeUnsold(
    manager: EntityManager,
    close: { listingId: string; closedAt: Date; reason: string },
    audit: AuditRecord,
  ): Promise<void> {
    await manager.query(CLOSE_UNSOLD_SQL, [
      close.listingId,
      close.closedAt,
      close.reason,
      ...unsoldAudit.params(audit),
    ]);
  }

  /** Writes a bid of an auction that has already ended (demo history), bypassing the live checks. */
  async appendHistoricalBid(manager: EntityManager, bid: AcceptedBid, audit: AuditRecord): Promise<void> {
    await manager.query(APPEND_HISTORICAL_BID_SQL, [
      ...acceptedBidParams(bid),
      ...historyAudit.params(audit),
    ]);
  }

  /**
   * Under the listing lock: writes the accepted bid, moves the listing on and appends the
   * audit entry in one statement; false when the database's clock says bidding is over.
   */
  async appendAcceptedBid(
    manager: EntityManager,
    bid: AcceptedBid,
    expected: { lastSeq: number; endsAt: Date },
    audit: AuditRecord,
  ): Promise<boolean> {
    // An UPDATE's raw result is [rows, rowCount].
    const appended = (await manager.query(APPEND_ACCEPTED_BID_IF_UNCHANGED_SQL, [
      ...acceptedBidParams(bid),
      expected.lastSeq,
      expected.endsAt,
      ...acceptAudit.params(audit),
    ])) as unknown[];
    return appended.length === 1;
  }

  /**
   * Writes the accepted bid only if the listing still has `expected` last seq and end;
   * false when another write got there first (the caller re-reads and decides again).
   */
  async appendAcceptedBidIfUnchanged(
    bid: AcceptedBid,
    expected: { lastSeq: number; endsAt: Date },
    audit: AuditRecord,
  ): Promise<boolean> {
    const result = await this.prepared('ggzy_append_bid_if_unchanged', APPEND_ACCEPTED_BID_IF_UNCHANGED_SQL, [
      ...acceptedBidParams(bid),
      expected.lastSeq,
      expected.endsAt,
      ...acceptAudit.params(audit),
    ]);
    // One row back means the audit entry was written, which happens only when the listing moved.
    return result.rowCount === 1;
  }

  /** Rejected attempts are kept for supervisors and make a retried clientBidId answer the same. */
  async recordRejectedBid(
    manager: EntityManager | null,
    attempt: {
      listingId: string;
      bidderId: string;
      clientBidId: string;
      amount: number;
      code: string;
      message: string;
      at: Date;
    },
  ): Promise<void> {
    const values = [
      attempt.listingId,
      attempt.bidderId,
      attempt.clientBidId,
      attempt.amount,
      attempt.code,
      attempt.message,
      attempt.at,
    ];
    // Outside a transaction (the lock-free path) it is a prepared statement of its own.
    if (!manager) {
      await this.prepared('ggzy_record_rejection', RECORD_REJECTION_SQL, values);
      return;
    }
    await manager.query(RECORD_REJECTION_SQL, values);
  }

  /**
   * One page of accepted bids after `afterSeq`, by the (listing_id, seq) key: no COUNT and no
   * OFFSET, so a page costs the same however long the ledger is. Reads `limit + 1` rows to
   * tell whether more follow.
   */
  async acceptedBidsAfter(
    listingId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ items: BidEntity[]; hasMore: boolean }> {
    const rows = await this.reads
      .getRepository(BidEntity)
      .createQueryBuilder('b')
      .where('b.listing_id = :listingId AND b.seq > :afterSeq', { listingId, afterSeq })
      .orderBy('b.seq', 'ASC')
      .limit(limit + 1)
      .getMany();
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** The bidder code a user holds on a listing, if any (for its own snapshot). */
  async findBidderCode(listingId: string, bidderId: string): Promise<string | null> {
    const registration = await this.reads
      .getRepository(LeaseRegistrationEntity)
      .findOne({ where: { listingId, bidderId }, select: { id: true, bidderCode: true } });
    return registration?.bidderCode ?? null;
  }

  /** The public ledger: accepted bids in seq order. */
  async listAcceptedBids(listingId: string, afterSeq: number, limit: number, offset = 0) {
    const repo = this.reads.getRepository(BidEntity);
    const query = repo
      .createQueryBuilder('b')
      .where('b.listing_id = :listingId AND b.seq > :afterSeq', { listingId, afterSeq })
      .orderBy('b.seq', 'ASC')
      .take(limit)
      .skip(offset);
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }

  /** Every attempt, accepted or not, for supervisors. */
  async listAttempts(listingId: string, limit: number, offset: number) {
    const [items, total] = await this.dataSource.getRepository(BidEntity).findAndCount({
      where: { listingId },
      order: { at: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }
}

/** The columns the auction rules read, from a raw row. */
function toAuctionState(id: string, row: Record<string, any>): AuctionState & { id: string } {
  return {
    id,
    status: row.status,
    startPrice: toSafeInteger(row.start_price),
    increment: toSafeInteger(row.increment),
    reservePrice: row.reserve_price === null ? null : toSafeInteger(row.reserve_price),
    leaseTermMonths: row.lease_term_months,
    biddingStartsAt: row.bidding_starts_at,
    freeBiddingEndsAt: row.free_bidding_ends_at,
    extensionSeconds: row.extension_seconds,
    endsAt: row.ends_at,
    currentPrice: row.current_price === null ? null : toSafeInteger(row.current_price),
    leaderId: row.leader_id,
    bidCount: row.bid_count,
    lastSeq: row.last_seq,
  };
}

/** $1–$10 of both accepted-bid statements. */
function acceptedBidParams(bid: AcceptedBid): unknown[] {
  return [
    bid.listingId,
    bid.bidderId,
    bid.clientBidId,
    bid.amount,
    bid.seq,
    bid.bidderCode,
    bid.endsAt,
    bid.minNextBid,
    bid.at,
    bid.bidCount,
  ];
}
