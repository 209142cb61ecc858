import { Inject, Injectable, Optional } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { AuctionState, AuctionStatus } from '@ggzy/domain';
import { BidEntity } from '../entities/bid.entity.js';
import { RegistrationEntity } from '../registrations/registration.entity.js';
import { toSafeInteger } from '../entities/column-types.js';
import { auditAppendParts, type AuditRecord } from '../audit-log.repository.js';
import { READ_DATA_SOURCE } from '../data-source.js';
import { AuctionEntity, type AuctionHostType } from './auction.entity.js';

/** An auction as the rules see it, with its id and what hosts it. */
export type AuctionRow = AuctionState & { id: string; hostType: AuctionHostType };

/** What the bid path reads, in one round trip. */
export interface BidContext {
  /** `id` is the auction's id as the database returns it: views, rooms and audit use this one. */
  auction: AuctionRow;
  /** The database's clock at the read: it may refuse a bid the process's clock would accept. */
  databaseNow: Date;
  registration: { status: string; bidderCode: string | null } | null;
  existing: BidEntity | null;
}

export interface AcceptedBid {
  auctionId: string;
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

/**
 * The statuses an accepted bid moves the auction between, from the lifecycle table: the write
 * applies only if the auction still has `from`, and leaves it `to`.
 */
export interface StatusStep {
  from: AuctionStatus;
  to: AuctionStatus;
}

export interface CloseContext {
  auction: AuctionRow;
  leaderCode: string | null;
  leaderName: string | null;
  /** The database's clock, read under the lock: the one every instance shares. */
  databaseNow: Date;
}

/** A deal as the host describes it (AuctionHost.dealFor); the engine adds price, winner and time. */
export interface DealOfAuction {
  category: string;
  subtype: string | null;
  title: string;
  amount: number;
  /** The deal record's `source_type`; the host type when absent (a lease's deals, as before). */
  sourceType?: string;
}

/*
 * Registrations (apply → qualify → bidder code) are keyed by the host, whose id is the
 * auction's: the bid path reads the bidder's with the auction in the same round trip.
 */
const BID_CONTEXT_SQL = `
  SELECT a.id, a.host_type, a.status, a.start_price, a.increment, a.reserve_price, a.max_bid,
         a.allow_self_outbid, a.bidding_starts_at, a.free_bidding_ends_at, a.extension_seconds, a.ends_at,
         a.current_price, a.leader_id, a.bid_count, a.last_seq, clock_timestamp() AS database_now,
         r.status AS registration_status, r.bidder_code,
         b.id AS existing_id
  FROM auctions a
  LEFT JOIN registrations r ON r.host_type = a.host_type AND r.host_id = a.id AND r.bidder_id = $2
  LEFT JOIN bids b ON b.auction_id = a.id AND b.bidder_id = $2 AND b.client_bid_id = $3
  WHERE a.id = $1`;
const LOCK_FOR_BID_SQL = `${BID_CONTEXT_SQL} FOR UPDATE OF a`;

/* An accepted bid written as history (the demo's finished auctions): no live checks. */
const historyAudit = auditAppendParts(12);
const APPEND_HISTORICAL_BID_SQL = `
  WITH accepted AS (
    INSERT INTO bids (auction_id, bidder_id, client_bid_id, amount, outcome, seq, bidder_code, ends_at, min_next_bid, at)
    VALUES ($1, $2, $3, $4, 'accepted', $5, $6, $7, $8, $9)),
  auction AS (
    UPDATE auctions
    SET current_price = $4, leader_id = $2, bid_count = $10, last_seq = $5, ends_at = $7,
        status = $11, updated_at = $9
    WHERE id = $1)
  ${historyAudit.statement}`;

/*
 * The one accept statement: the write applies only if the auction is still exactly as the
 * rules saw it (same last accepted bid, same end, same status) and the database's clock
 * agrees the auction is open, so an instance whose clock runs behind cannot accept a bid
 * after the end. Everything happens in one statement, so on the lock-free path the row lock
 * lives only inside PostgreSQL; under the locked path's lock it can only fail on the clock.
 * The statuses ($13 read, $14 next) come from the lifecycle table.
 */
const acceptAudit = auditAppendParts(15, 'AND EXISTS (SELECT 1 FROM auction)');
const APPEND_ACCEPTED_BID_IF_UNCHANGED_SQL = `
  WITH auction AS (
    UPDATE auctions
    SET current_price = $4, leader_id = $2, bid_count = $10, last_seq = $5, ends_at = $7,
        status = $14, updated_at = $9
    WHERE id = $1 AND last_seq = $11 AND ends_at = $12 AND status = $13
      AND clock_timestamp() >= bidding_starts_at AND clock_timestamp() < ends_at
    RETURNING id),
  accepted AS (
    INSERT INTO bids (auction_id, bidder_id, client_bid_id, amount, outcome, seq, bidder_code, ends_at, min_next_bid, at)
    SELECT $1, $2, $3, $4, 'accepted', $5, $6, $7, $8, $9 FROM auction)
  ${acceptAudit.statement}`;

const RECORD_REJECTION_SQL = `INSERT INTO bids (auction_id, bidder_id, client_bid_id, amount, outcome, message, at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)`;

const LOCK_FOR_CLOSE_SQL = `
  SELECT a.id, a.host_type, a.status, a.start_price, a.increment, a.reserve_price, a.max_bid,
         a.allow_self_outbid, a.bidding_starts_at, a.free_bidding_ends_at, a.extension_seconds, a.ends_at,
         a.current_price, a.leader_id, a.bid_count, a.last_seq,
         r.bidder_code AS leader_code, u.display_name AS leader_name, clock_timestamp() AS database_now
  FROM auctions a
  LEFT JOIN registrations r ON r.host_type = a.host_type AND r.host_id = a.id AND r.bidder_id = a.leader_id
  LEFT JOIN users u ON u.id = a.leader_id
  WHERE a.id = $1
  FOR UPDATE OF a`;

const soldAudit = auditAppendParts(12);
const CLOSE_SOLD_SQL = `
  WITH auction AS (
    UPDATE auctions SET status = $2, final_price = $3, winner_id = $4, closed_at = $5, updated_at = now()
    WHERE id = $1
    RETURNING host_type),
  deal AS (
    INSERT INTO deals (category, subtype, source_type, source_id, title, amount, winner_id, winner_name, closed_at)
    SELECT $6, $7, COALESCE($11, host_type), $1, $8, $9, $4, $10, $5 FROM auction)
  ${soldAudit.statement}`;

const unsoldAudit = auditAppendParts(5);
const CLOSE_UNSOLD_SQL = `
  WITH auction AS (
    UPDATE auctions SET status = $2, closed_at = $3, status_reason = $4, updated_at = now()
    WHERE id = $1)
  ${unsoldAudit.statement}`;

/** The bid path, the timed steps and the ledger of every auction, whatever hosts it. */
@Injectable()
export class AuctionsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  private get auctions() {
    return this.dataSource.getRepository(AuctionEntity);
  }

  findById(id: string): Promise<AuctionEntity | null> {
    return this.auctions.findOneBy({ id });
  }

  lockById(manager: EntityManager, id: string): Promise<AuctionEntity | null> {
    return manager
      .getRepository(AuctionEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.id = :id', { id })
      .getOne();
  }

  /** A new auction under its host's id (a transfer's, created when its disclosure ends with 2+ buyers). */
  async insert(
    manager: EntityManager,
    auction: Omit<AuctionEntity, 'createdAt' | 'updatedAt'>,
  ): Promise<AuctionEntity> {
    const repo = manager.getRepository(AuctionEntity);
    return repo.save(repo.create(auction));
  }

  /** Moves an auction to `status` (a step the lifecycle table returned), with any other changes. */
  async update(manager: EntityManager, id: string, changes: Partial<AuctionEntity>): Promise<void> {
    await manager.getRepository(AuctionEntity).update({ id }, changes);
  }

  /**
   * The auction with its leader's bidder code (the code on the last accepted bid), and the
   * database's clock at the read: what a reader's status and countdown are measured against,
   * since `ends_at` is that clock's.
   */
  async findWithLeaderCode(
    id: string,
  ): Promise<{ auction: AuctionEntity; leaderCode: string | null; databaseNow: Date } | null> {
    const { entities, raw } = await this.reads
      .getRepository(AuctionEntity)
      .createQueryBuilder('a')
      .leftJoin(BidEntity, 'b', 'b.auction_id = a.id AND b.seq = a.last_seq')
      // A sale recorded on site has no bids: its winner's code is the winner's registration's.
      .leftJoin(
        RegistrationEntity,
        'w',
        'b.id IS NULL AND w.host_type = a.host_type AND w.host_id = a.id AND w.bidder_id = a.winner_id',
      )
      .addSelect('coalesce(b.bidder_code, w.bidder_code)', 'leader_code')
      .addSelect('clock_timestamp()', 'database_now')
      .where('a.id = :id', { id })
      .getRawAndEntities();
    if (entities.length === 0) return null;
    const row = raw[0] as { leader_code: string | null; database_now: Date };
    return { auction: entities[0], leaderCode: row.leader_code ?? null, databaseNow: row.database_now };
  }

  /** Auctions whose next timed step (open or close) the worker must schedule: `live` from the lifecycle table. */
  findScheduled(live: AuctionStatus[]): Promise<AuctionEntity[]> {
    return this.auctions.find({ where: { status: In(live) } });
  }

  /**
   * Auctions whose open or close is more than `graceMs` overdue by the database's clock, with
   * whether the close is due (else the open is). The statuses that can close and open come
   * from the lifecycle table.
   */
  async findOverdue(
    graceMs: number,
    statuses: { closable: AuctionStatus[]; openable: AuctionStatus[] },
  ): Promise<{ id: string; endsAt: Date; closeDue: boolean }[]> {
    return (await this.dataSource.query(
      `WITH cutoff AS (SELECT clock_timestamp() - make_interval(secs => $1::double precision / 1000) AS at)
       SELECT id, ends_at AS "endsAt", ends_at <= clock_timestamp() AS "closeDue"
       FROM auctions, cutoff
       WHERE status = ANY($2::varchar[])
         AND (ends_at <= cutoff.at OR (status = ANY($3::varchar[]) AND bidding_starts_at <= cutoff.at))`,
      [graceMs, statuses.closable, statuses.openable],
    )) as { id: string; endsAt: Date; closeDue: boolean }[];
  }

  // --- the bid path ---

  /** Locks the auction row and reads the bidder's registration and any earlier attempt with this key. */
  lockForBid(
    manager: EntityManager,
    auctionId: string,
    bidderId: string,
    clientBidId: string,
  ): Promise<BidContext | null> {
    return this.readBidContext(manager, LOCK_FOR_BID_SQL, [auctionId, bidderId, clientBidId]);
  }

  /** The same read without the lock, for decisions that stay true as the auction moves on. */
  async peekForBid(auctionId: string, bidderId: string, clientBidId: string): Promise<BidContext | null> {
    const { rows } = await this.prepared('ggzy_peek_bid', BID_CONTEXT_SQL, [
      auctionId,
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
      auction: toAuctionRow(row),
      databaseNow: row.database_now,
      registration: row.registration_status
        ? { status: row.registration_status, bidderCode: row.bidder_code }
        : null,
      existing,
    };
  }

  /** Locks the auction for closing and reads the leader's code and name with it. */
  async lockForClose(manager: EntityManager, auctionId: string): Promise<CloseContext | null> {
    const rows = (await manager.query(LOCK_FOR_CLOSE_SQL, [auctionId])) as Record<string, any>[];
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      auction: toAuctionRow(row),
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

  /**
   * Moves the auction to `status` (sold, from the lifecycle table), writes the deal the host
   * described and appends the audit entry, in one statement.
   */
  async closeSold(
    manager: EntityManager,
    close: {
      auctionId: string;
      status: AuctionStatus;
      finalPrice: number;
      winnerId: string;
      closedAt: Date;
      deal: DealOfAuction;
      winnerName: string;
    },
    audit: AuditRecord,
  ): Promise<void> {
    await manager.query(CLOSE_SOLD_SQL, [
      close.auctionId,
      close.status,
      close.finalPrice,
      close.winnerId,
      close.closedAt,
      close.deal.category,
      close.deal.subtype,
      close.deal.title,
      close.deal.amount,
      close.winnerName,
      close.deal.sourceType ?? null,
      ...soldAudit.params(audit),
    ]);
  }

  async closeUnsold(
    manager: EntityManager,
    close: { auctionId: string; status: AuctionStatus; closedAt: Date; reason: string },
    audit: AuditRecord,
  ): Promise<void> {
    await manager.query(CLOSE_UNSOLD_SQL, [
      close.auctionId,
      close.status,
      close.closedAt,
      close.reason,
      ...unsoldAudit.params(audit),
    ]);
  }

  /** Writes a bid of an auction that has already ended (demo history), bypassing the live checks. */
  async appendHistoricalBid(
    manager: EntityManager,
    bid: AcceptedBid,
    status: AuctionStatus,
    audit: AuditRecord,
  ): Promise<void> {
    await manager.query(APPEND_HISTORICAL_BID_SQL, [
      ...acceptedBidParams(bid),
      status,
      ...historyAudit.params(audit),
    ]);
  }

  /**
   * Under the auction lock: writes the accepted bid, moves the auction on and appends the
   * audit entry in one statement; false when the database's clock says bidding is over.
   */
  async appendAcceptedBid(
    manager: EntityManager,
    bid: AcceptedBid,
    expected: { lastSeq: number; endsAt: Date },
    step: StatusStep,
    audit: AuditRecord,
  ): Promise<boolean> {
    // An UPDATE's raw result is [rows, rowCount].
    const appended = (await manager.query(APPEND_ACCEPTED_BID_IF_UNCHANGED_SQL, [
      ...acceptedBidParams(bid),
      expected.lastSeq,
      expected.endsAt,
      step.from,
      step.to,
      ...acceptAudit.params(audit),
    ])) as unknown[];
    return appended.length === 1;
  }

  /**
   * Writes the accepted bid only if the auction still has `expected` last seq, end and status;
   * false when another write got there first (the caller re-reads and decides again).
   */
  async appendAcceptedBidIfUnchanged(
    bid: AcceptedBid,
    expected: { lastSeq: number; endsAt: Date },
    step: StatusStep,
    audit: AuditRecord,
  ): Promise<boolean> {
    const result = await this.prepared('ggzy_append_bid_if_unchanged', APPEND_ACCEPTED_BID_IF_UNCHANGED_SQL, [
      ...acceptedBidParams(bid),
      expected.lastSeq,
      expected.endsAt,
      step.from,
      step.to,
      ...acceptAudit.params(audit),
    ]);
    // One row back means the audit entry was written, which happens only when the auction moved.
    return result.rowCount === 1;
  }

  /** Rejected attempts are kept for supervisors and make a retried clientBidId answer the same. */
  async recordRejectedBid(
    manager: EntityManager | null,
    attempt: {
      auctionId: string;
      bidderId: string;
      clientBidId: string;
      amount: number;
      code: string;
      message: string;
      at: Date;
    },
  ): Promise<void> {
    const values = [
      attempt.auctionId,
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
   * One page of accepted bids after `afterSeq`, by the (auction_id, seq) key: no COUNT and no
   * OFFSET, so a page costs the same however long the ledger is. Reads `limit + 1` rows to
   * tell whether more follow.
   */
  async acceptedBidsAfter(
    auctionId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ items: BidEntity[]; hasMore: boolean }> {
    const rows = await this.reads
      .getRepository(BidEntity)
      .createQueryBuilder('b')
      .where('b.auction_id = :auctionId AND b.seq > :afterSeq', { auctionId, afterSeq })
      .orderBy('b.seq', 'ASC')
      .limit(limit + 1)
      .getMany();
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  /** The bidder code a user holds on an auction's host, if any (for its own snapshot). */
  async findBidderCode(auctionId: string, bidderId: string): Promise<string | null> {
    const registration = await this.reads
      .getRepository(RegistrationEntity)
      .createQueryBuilder('r')
      .select(['r.id', 'r.bidderCode'])
      .innerJoin(AuctionEntity, 'a', 'a.id = r.host_id AND a.host_type = r.host_type')
      .where('r.host_id = :auctionId AND r.bidder_id = :bidderId', { auctionId, bidderId })
      .getOne();
    return registration?.bidderCode ?? null;
  }

  /** The public ledger: accepted bids in seq order. */
  async listAcceptedBids(auctionId: string, afterSeq: number, limit: number, offset = 0) {
    const repo = this.reads.getRepository(BidEntity);
    const query = repo
      .createQueryBuilder('b')
      .where('b.auction_id = :auctionId AND b.seq > :afterSeq', { auctionId, afterSeq })
      .orderBy('b.seq', 'ASC')
      .take(limit)
      .skip(offset);
    const [items, total] = await query.getManyAndCount();
    return { items, total };
  }

  /** Every attempt, accepted or not, for supervisors. */
  async listAttempts(auctionId: string, limit: number, offset: number) {
    const [items, total] = await this.dataSource.getRepository(BidEntity).findAndCount({
      where: { auctionId },
      order: { at: 'ASC', id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }
}

/** The columns the auction rules read, from a raw row. */
function toAuctionRow(row: Record<string, any>): AuctionRow {
  return {
    id: row.id,
    hostType: row.host_type,
    status: row.status,
    startPrice: toSafeInteger(row.start_price),
    increment: toSafeInteger(row.increment),
    reservePrice: row.reserve_price === null ? null : toSafeInteger(row.reserve_price),
    maxBid: toSafeInteger(row.max_bid),
    allowSelfOutbid: row.allow_self_outbid,
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

/** $1–$10 of the accepted-bid statements. */
function acceptedBidParams(bid: AcceptedBid): unknown[] {
  return [
    bid.auctionId,
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
