import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { AuctionState, AuctionStatus, Sanction } from '@ggzy/domain';
import { BidEntity } from '../entities/bid.entity.js';
import { RegistrationEntity } from '../registrations/registration.entity.js';
import { toSafeInteger } from '../entities/column-types.js';
import { auditAppendParts, type AuditRecord } from '../audit-log.repository.js';
import { READ_DATA_SOURCE } from '../data-source.js';
import { preparedQuery } from '../prepared-query.js';
import { AuctionEntity, type AuctionHostType } from './auction.entity.js';
import { FeesRepository } from '../fees/fees.repository.js';
import { PARTY_BAN_CANDIDATES_JSON, PARTY_BAN_CANDIDATES_WHERE } from '../sanctions/sanctions.repository.js';

/** An auction as the rules see it, with its id and what hosts it. */
export type AuctionRow = AuctionState & { id: string; hostType: AuctionHostType };

/** Who sent one bid of a batch, under which key: what the batch read looks up per bid. */
export interface BidKey {
  bidderId: string;
  clientBidId: string;
}

/** What the bid path reads for a batch of bids on one auction, in one round trip. */
export interface BatchContext {
  /** `id` is the auction's id as the database returns it: views, rooms and audit use this one. */
  auction: AuctionRow;
  /** The database's clock at the read: it may refuse a bid the process's clock would accept. */
  databaseNow: Date;
  /**
   * Per key, in the order given: the bidder's registration on the host, any earlier attempt with
   * the key, and the bidder's bans that can still be in force (credit; usually none).
   */
  entries: {
    registration: { status: string; bidderCode: string | null } | null;
    existing: BidEntity | null;
    bans: Sanction[];
  }[];
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
  /** Where it came from (early warning): written in the batch's one statement, never read back by the bid path. */
  origin?: BidOrigin;
}

/** A bid's client address and device fingerprint hash (supervisor-only). */
export interface BidOrigin {
  clientAddress: string | null;
  deviceFingerprint: string | null;
}

/** A refused attempt as kept for supervisors and replays. */
export interface RejectedBid {
  auctionId: string;
  bidderId: string;
  clientBidId: string;
  amount: number;
  code: string;
  message: string;
  at: Date;
  origin?: BidOrigin;
}

/**
 * One batch's write (group commit): its bids in arrival order, accepted and rejected, the
 * auction as the last accepted bid left it, and the audit entries of the accepted ones. It
 * applies whole, only if the auction is still exactly as the decisions read it, or not at all.
 */
export interface BidBatchWrite {
  auctionId: string;
  /** The auction as the decisions read it. */
  expected: { lastSeq: number; endsAt: Date; status: AuctionStatus };
  /**
   * The auction after the batch (its status from the lifecycle table's accept_bid), when the
   * batch accepted a bid; null when it only refused.
   */
  next: {
    currentPrice: number;
    leaderId: string;
    bidCount: number;
    lastSeq: number;
    endsAt: Date;
    status: AuctionStatus;
    at: Date;
  } | null;
  bids: ({ accepted: true; bid: AcceptedBid } | { accepted: false; bid: RejectedBid })[];
  audit: AuditRecord[];
  /**
   * Whether a refusal of the batch was decided by the clock (closed, not open): a batch that
   * only refuses then waits for any write of the auction in flight and re-checks after it.
   */
  refusedOnTheClock?: boolean;
}

/** An auction as its opening reads it, and whether the caller holds its lock. */
export interface OpeningContext {
  id: string;
  hostType: AuctionHostType;
  status: AuctionStatus;
  biddingStartsAt: Date;
  endsAt: Date;
  databaseNow: Date;
  locked: boolean;
}

export interface CloseContext {
  auction: AuctionRow;
  leaderCode: string | null;
  leaderName: string | null;
  /** The database's clock, read under the lock: the one every instance shares. */
  databaseNow: Date;
}

/** One auction's close in a batch (closeMany): sold with its deal, or unsold with its reason. */
export type AuctionClose =
  | {
      auctionId: string;
      status: AuctionStatus;
      closedAt: Date;
      sold: { finalPrice: number; winnerId: string; deal: DealOfAuction; winnerName: string };
    }
  | { auctionId: string; status: AuctionStatus; closedAt: Date; unsold: { reason: string } };

/** A deal as the host describes it (AuctionHost.dealFor); the engine adds price, winner and time. */
export interface DealOfAuction {
  category: string;
  subtype: string | null;
  title: string;
  amount: number;
  /** The deal record's `source_type`; the host type when absent (a lease's deals, as before). */
  sourceType?: string;
}

/**
 * The sweeper's cutoff by the database's clock at the statement's start: a stable value the
 * planner can estimate with, so it ranges on the indexes (an unknown cutoff, as from
 * clock_timestamp(), is guessed at a third of the table, and a sequential scan wins).
 */
const OVERDUE_CUTOFF = `(statement_timestamp() - make_interval(secs => $1::double precision / 1000))`;
/**
 * The sweeper's query ($1 the grace in ms, $2 the statuses that can close, $3 those that can
 * open): each branch a range on a (status, time) index. Exported for the bench's EXPLAIN.
 */
export const OVERDUE_AUCTIONS_SQL = `SELECT id, ends_at AS "endsAt", ends_at <= clock_timestamp() AS "closeDue"
  FROM auctions
 WHERE (status = ANY($2::varchar[]) AND ends_at <= ${OVERDUE_CUTOFF})
    OR (status = ANY($2::varchar[]) AND status = ANY($3::varchar[]) AND bidding_starts_at <= ${OVERDUE_CUTOFF})`;

/*
 * Registrations (apply → qualify → bidder code) are keyed by the host, whose id is the
 * auction's: the batch read takes each bidder's with the auction in the same round trip, one
 * row per key in the order given. Each key is looked up on its own (LATERAL), by the unique
 * keys' indexes: a join over the whole of bids, which a planner may pick while the table's
 * statistics still say it is small, grows slower with every bid. A banned bidder is refused on
 * the bid path without a round trip of its own: its bans that may still hold come in the same
 * read (a range on the partial index sanctions_bans_idx, empty for nearly every bidder).
 */
const BATCH_CONTEXT_SQL = `
  SELECT a.id, a.host_type, a.status, a.start_price, a.increment, a.reserve_price, a.max_bid,
         a.allow_self_outbid, a.bidding_starts_at, a.free_bidding_ends_at, a.extension_seconds, a.ends_at,
         a.current_price, a.leader_id, a.bid_count, a.last_seq, clock_timestamp() AS database_now,
         r.status AS registration_status, r.bidder_code,
         b.id AS existing_id, s.bans
  FROM auctions a
  CROSS JOIN unnest($2::uuid[], $3::varchar[]) WITH ORDINALITY AS k(bidder_id, client_bid_id, ord)
  LEFT JOIN LATERAL (
    SELECT r.status, r.bidder_code FROM registrations r
    WHERE r.host_type = a.host_type AND r.host_id = a.id AND r.bidder_id = k.bidder_id) r ON true
  LEFT JOIN LATERAL (
    SELECT b.id FROM bids b
    WHERE b.auction_id = a.id AND b.bidder_id = k.bidder_id AND b.client_bid_id = k.client_bid_id) b ON true
  LEFT JOIN LATERAL (${PARTY_BAN_CANDIDATES_JSON}
    WHERE s.party_id = k.bidder_id AND ${PARTY_BAN_CANDIDATES_WHERE}) s ON true
  WHERE a.id = $1
  ORDER BY k.ord`;
/*
 * Locking takes its own statement, before the reads: a statement computes its joins and its
 * clock before it waits for a row lock, so a read made in the same statement as the lock would
 * show the clock, and the earlier attempts, of before the wait. The next statement (READ
 * COMMITTED) sees what the holder committed, and the clock after the wait.
 */
const LOCK_AUCTION_SQL = `SELECT id FROM auctions WHERE id = $1 FOR UPDATE`;

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
 * A batch's one statement. It applies only if the auction is still exactly as the rules read
 * it (same last accepted bid, same end, same status); with an accepted bid, also only if the
 * database's clock agrees bidding is open, so an instance whose clock runs behind cannot
 * accept after the end. The bids, then the audit entries (the chain's trigger hashes them in
 * this order), follow in arrival order or not at all. On the lock-free path the row lock
 * lives only inside PostgreSQL; under the locked path's lock only the clock can refuse it.
 * A batch that only refused reads the auction without writing it.
 */
const BID_COLUMNS = `bidder_id, client_bid_id, amount, outcome, message, seq, bidder_code, ends_at, min_next_bid, at, client_address, device_fingerprint`;
const BID_TYPES = `uuid[], varchar[], bigint[], varchar[], text[], integer[], varchar[], timestamptz[], bigint[], timestamptz[], varchar[], char(64)[]`;
const BID_COLUMN_COUNT = BID_COLUMNS.split(', ').length;
const AUDIT_TYPES = `timestamptz[], uuid[], varchar[], varchar[], varchar[], text[]`;

/*
 * The end as the decisions read it: a JavaScript Date holds milliseconds, so an end written in
 * microseconds (by hand, or by SQL arithmetic on clock_timestamp()) is compared as node-pg read
 * it, truncated; compared exactly it would never match, and no bid could ever be written.
 */
const SAME_END = `date_trunc('milliseconds', ends_at) = $3`;

function batchWriteSql(kind: 'accepting' | 'refusing' | 'refusing on the clock'): string {
  const accepting = kind === 'accepting';
  const p = (n: number) => `$${n}`;
  const guard = accepting
    ? `UPDATE auctions
       SET current_price = $5, leader_id = $6, bid_count = $7, last_seq = $8, ends_at = $9,
           status = $10, updated_at = $11
       WHERE id = $1 AND last_seq = $2 AND ${SAME_END} AND status = $4
         AND clock_timestamp() >= bidding_starts_at AND clock_timestamp() < ends_at
       RETURNING id`
    : `SELECT id FROM auctions WHERE id = $1 AND last_seq = $2 AND ${SAME_END} AND status = $4${
        // A refusal the clock decided (closed, not open) waits for a write in flight: a bid
        // accepted just before the end, not yet committed, extends it, and the re-check then
        // sends the batch back to be decided on the extended end.
        kind === 'refusing on the clock' ? ' FOR SHARE' : ''
      }`;
  const first = accepting ? 12 : 5;
  const bidParams = BID_TYPES.split(', ').map((type, i) => `${p(first + i)}::${type}`);
  const auditParams = AUDIT_TYPES.split(', ').map((type, i) => `${p(first + BID_COLUMN_COUNT + i)}::${type}`);
  const trail = accepting
    ? `, trail AS (
        INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, payload)
        SELECT e.at, e.actor_id, e.action, e.entity_type, e.entity_id, e.payload
        FROM unnest(${auditParams.join(', ')}) WITH ORDINALITY
          AS e(at, actor_id, action, entity_type, entity_id, payload, ord)
        WHERE EXISTS (SELECT 1 FROM auction)
        ORDER BY e.ord)`
    : '';
  return `
    WITH auction AS (${guard}),
    written AS (
      INSERT INTO bids (auction_id, ${BID_COLUMNS})
      SELECT $1, ${BID_COLUMNS.split(', ')
        .map((column) => `x.${column}`)
        .join(', ')}
      FROM unnest(${bidParams.join(', ')}) WITH ORDINALITY AS x(${BID_COLUMNS}, ord)
      WHERE EXISTS (SELECT 1 FROM auction)
      ORDER BY x.ord)${trail}
    SELECT EXISTS (SELECT 1 FROM auction) AS applied`;
}
const WRITE_ACCEPTING_BATCH_SQL = batchWriteSql('accepting');
const WRITE_REFUSING_BATCH_SQL = batchWriteSql('refusing');
const WRITE_REFUSING_ON_THE_CLOCK_SQL = batchWriteSql('refusing on the clock');

/*
 * A batch locks only the auctions that are live and due by the database's clock: one whose end a
 * countdown bid moved later is left to its bids (the condition is checked again on the row a
 * waited-for writer committed). In id order, so batches and bids never wait in a circle.
 */
const LOCK_DUE_AUCTIONS_SQL = `
  SELECT id FROM auctions
  WHERE id = ANY($1::uuid[]) AND status = ANY($2::varchar[]) AND ends_at <= clock_timestamp()
  ORDER BY id FOR UPDATE`;

/* The openings' twin of LOCK_DUE_AUCTIONS_SQL: live in an openable status and due to open. */
const LOCK_DUE_OPENINGS_SQL = `
  SELECT id FROM auctions
  WHERE id = ANY($1::uuid[]) AND status = ANY($2::varchar[]) AND bidding_starts_at <= clock_timestamp()
  ORDER BY id FOR UPDATE`;
const READ_FOR_OPEN_SQL = `
  SELECT id, host_type, status, bidding_starts_at, ends_at, clock_timestamp() AS database_now
  FROM auctions WHERE id = ANY($1::uuid[]) ORDER BY id`;
/* Opens a batch: each auction to the status it is given, and the trail in the order given. */
const OPEN_MANY_SQL = `
  WITH opened AS (
    UPDATE auctions a SET status = x.status, updated_at = now()
    FROM unnest($1::uuid[], $2::varchar[]) AS x(id, status)
    WHERE a.id = x.id
    RETURNING a.id),
  trail AS (
    INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, payload)
    SELECT e.at, e.actor_id, e.action, e.entity_type, e.entity_id, e.payload
    FROM unnest($3::timestamptz[], $4::uuid[], $5::varchar[], $6::varchar[], $7::varchar[], $8::text[])
      WITH ORDINALITY AS e(at, actor_id, action, entity_type, entity_id, payload, ord)
    ORDER BY e.ord)
  SELECT count(*)::int AS opened FROM opened`;

const READ_FOR_CLOSE_SQL = `
  SELECT a.id, a.host_type, a.status, a.start_price, a.increment, a.reserve_price, a.max_bid,
         a.allow_self_outbid, a.bidding_starts_at, a.free_bidding_ends_at, a.extension_seconds, a.ends_at,
         a.current_price, a.leader_id, a.bid_count, a.last_seq,
         r.bidder_code AS leader_code, u.display_name AS leader_name, clock_timestamp() AS database_now
  FROM auctions a
  LEFT JOIN registrations r ON r.host_type = a.host_type AND r.host_id = a.id AND r.bidder_id = a.leader_id
  LEFT JOIN users u ON u.id = a.leader_id
  WHERE a.id = ANY($1::uuid[])
  ORDER BY a.id`;

/*
 * Closes a batch in one statement: each auction to the status it is given (from the lifecycle
 * table), with its price and winner (sold) or reason (unsold), the sold ones' deals as their
 * hosts described them, and the audit entries in the order given (the chain's trigger hashes
 * them in that order). The rows are the caller's, locked in id order.
 */
const CLOSE_MANY_SQL = `
  WITH x AS (
    SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::bigint[], $4::uuid[], $5::timestamptz[], $6::text[])
      AS x(id, status, final_price, winner_id, closed_at, reason)),
  closed AS (
    UPDATE auctions a
    SET status = x.status, final_price = COALESCE(x.final_price, a.final_price),
        winner_id = COALESCE(x.winner_id, a.winner_id), closed_at = x.closed_at,
        status_reason = COALESCE(x.reason, a.status_reason), updated_at = now()
    FROM x WHERE a.id = x.id
    RETURNING a.id, a.host_type),
  deal AS (
    INSERT INTO deals (category, subtype, source_type, source_id, title, amount, winner_id, winner_name, closed_at)
    SELECT d.category, d.subtype, COALESCE(d.source_type, c.host_type), d.id, d.title, d.amount,
           d.winner_id, d.winner_name, d.closed_at
    FROM unnest($7::uuid[], $8::varchar[], $9::varchar[], $10::varchar[], $11::varchar[], $12::bigint[],
                $13::uuid[], $14::varchar[], $15::timestamptz[])
      WITH ORDINALITY AS d(id, category, subtype, source_type, title, amount, winner_id, winner_name, closed_at, ord)
    JOIN closed c ON c.id = d.id
    ORDER BY d.ord
    RETURNING id, source_id),
  trail AS (
    INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, payload)
    SELECT e.at, e.actor_id, e.action, e.entity_type, e.entity_id, e.payload
    FROM unnest($16::timestamptz[], $17::uuid[], $18::varchar[], $19::varchar[], $20::varchar[], $21::text[])
      WITH ORDINALITY AS e(at, actor_id, action, entity_type, entity_id, payload, ord)
    ORDER BY e.ord)
  SELECT count(*)::int AS closed,
         (SELECT json_agg(json_build_object('dealId', id, 'auctionId', source_id)) FROM deal) AS deals
  FROM closed`;

/** The bid path, the timed steps and the ledger of every auction, whatever hosts it. */
@Injectable()
export class AuctionsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
    // Optional only for the repository tests that build one by hand: the apps always have it.
    @Optional() private readonly fees?: FeesRepository,
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

  /**
   * One page of the auctions whose next timed step (open or close) the worker must schedule,
   * `live` from the lifecycle table, in id order after `afterId`: the worker rebuilds its jobs a
   * page at a time, never holding every scheduled auction at once.
   */
  findScheduledPage(
    live: AuctionStatus[],
    afterId: string | null,
    limit: number,
  ): Promise<{ id: string; status: AuctionStatus; biddingStartsAt: Date; endsAt: Date }[]> {
    return this.dataSource.query(
      `SELECT id, status, bidding_starts_at AS "biddingStartsAt", ends_at AS "endsAt"
         FROM auctions
        WHERE status = ANY($1::varchar[]) AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id
        LIMIT $3`,
      [live, afterId, limit],
    );
  }

  /**
   * Auctions whose open or close is more than `graceMs` overdue by the database's clock, with
   * whether the close is due (else the open is). The statuses that can close and open come
   * from the lifecycle table. Each branch is a range on a (status, time) index, so a pass reads
   * the due auctions only, however many are scheduled (EXPLAIN in BENCHMARKS.md).
   */
  async findOverdue(
    graceMs: number,
    statuses: { closable: AuctionStatus[]; openable: AuctionStatus[] },
  ): Promise<{ id: string; endsAt: Date; closeDue: boolean }[]> {
    return (await this.dataSource.query(OVERDUE_AUCTIONS_SQL, [
      graceMs,
      statuses.closable,
      statuses.openable,
    ])) as { id: string; endsAt: Date; closeDue: boolean }[];
  }

  // --- the bid path ---

  /**
   * Locks the auction row (until the caller's transaction ends), then reads, per key, the
   * bidder's registration and any earlier attempt, with the clock after the lock was had.
   */
  async lockForBids(manager: EntityManager, auctionId: string, keys: BidKey[]): Promise<BatchContext | null> {
    const locked = await this.preparedIn(manager, 'ggzy_lock_auction', LOCK_AUCTION_SQL, [auctionId]);
    if (locked.length === 0) return null;
    return this.readBatchContext(
      manager,
      (values) => this.preparedIn(manager, 'ggzy_peek_bids', BATCH_CONTEXT_SQL, values),
      auctionId,
      keys,
    );
  }

  /** The same read without the lock: the batch's write checks the auction is unchanged. */
  peekForBids(auctionId: string, keys: BidKey[]): Promise<BatchContext | null> {
    return this.readBatchContext(
      this.dataSource.manager,
      (values) => this.preparedIn(null, 'ggzy_peek_bids', BATCH_CONTEXT_SQL, values),
      auctionId,
      keys,
    );
  }

  /*
   * The hot path's and the close's statements run as named prepared statements (inside the
   * caller's transaction when it has one): planning them costs several times their execution.
   */
  private preparedIn(manager: EntityManager | null, name: string, text: string, values: unknown[]) {
    return preparedQuery(this.dataSource, manager, name, text, values);
  }

  private async readBatchContext(
    manager: EntityManager,
    query: (values: unknown[]) => Promise<Record<string, any>[]>,
    auctionId: string,
    keys: BidKey[],
  ): Promise<BatchContext | null> {
    const rows = await query([
      auctionId,
      keys.map((key) => key.bidderId),
      keys.map((key) => key.clientBidId),
    ]);
    if (rows.length === 0) return null;
    // Replays are rare: their rows are read whole in one more query, only when there are any.
    const existingIds = rows.flatMap((row) => (row.existing_id ? [row.existing_id as string] : []));
    const existing = new Map(
      existingIds.length === 0
        ? []
        : (await manager.getRepository(BidEntity).findBy({ id: In(existingIds) })).map((bid) => [
            bid.id,
            bid,
          ]),
    );
    return {
      auction: toAuctionRow(rows[0]),
      // One clock for the batch: the latest the rows carry, read after the row was had.
      databaseNow: rows.reduce<Date>(
        (latest, row) => (row.database_now > latest ? row.database_now : latest),
        rows[0].database_now,
      ),
      entries: rows.map((row) => ({
        registration: row.registration_status
          ? { status: row.registration_status, bidderCode: row.bidder_code }
          : null,
        existing: row.existing_id ? (existing.get(row.existing_id) ?? null) : null,
        bans: (row.bans as Sanction[] | null) ?? [],
      })),
    };
  }

  /** Locks the auction (whatever its state), then reads it with the leader's code and name and the clock after the lock. */
  async lockForClose(manager: EntityManager, auctionId: string): Promise<CloseContext | null> {
    const locked = await this.preparedIn(manager, 'ggzy_lock_auction', LOCK_AUCTION_SQL, [auctionId]);
    if (locked.length === 0) return null;
    const [row] = await this.preparedIn(manager, 'ggzy_read_for_close', READ_FOR_CLOSE_SQL, [[auctionId]]);
    return row ? toCloseContext(row) : null;
  }

  /**
   * Locks, in id order, those of the auctions that are in a `closable` status and due by the
   * database's clock, then reads every one of them with its leader's code and name and the
   * clock after the locks were had; in id order, missing ids left out. `locked` says which
   * the caller holds: only those may be closed.
   */
  async lockManyForClose(
    manager: EntityManager,
    auctionIds: string[],
    closable: AuctionStatus[],
  ): Promise<(CloseContext & { locked: boolean })[]> {
    if (auctionIds.length === 0) return [];
    const locked = new Set(
      (
        await this.preparedIn(manager, 'ggzy_lock_due_auctions', LOCK_DUE_AUCTIONS_SQL, [
          auctionIds,
          closable,
        ])
      ).map((row) => row.id as string),
    );
    const rows = await this.preparedIn(manager, 'ggzy_read_for_close', READ_FOR_CLOSE_SQL, [auctionIds]);
    return rows.map((row) => ({ ...toCloseContext(row), locked: locked.has(row.id) }));
  }

  /**
   * Locks, in id order, those of the auctions in an `openable` status whose bidding is due to
   * start by the database's clock, then reads every one of them (status, schedule, the clock
   * after the locks); `locked` says which the caller holds: only those may be opened.
   */
  async lockManyForOpen(
    manager: EntityManager,
    auctionIds: string[],
    openable: AuctionStatus[],
  ): Promise<OpeningContext[]> {
    if (auctionIds.length === 0) return [];
    const locked = new Set(
      (
        await this.preparedIn(manager, 'ggzy_lock_due_openings', LOCK_DUE_OPENINGS_SQL, [
          auctionIds,
          openable,
        ])
      ).map((row) => row.id as string),
    );
    const rows = await this.preparedIn(manager, 'ggzy_read_for_open', READ_FOR_OPEN_SQL, [auctionIds]);
    return rows.map((row) => ({
      id: row.id,
      hostType: row.host_type,
      status: row.status,
      biddingStartsAt: row.bidding_starts_at,
      endsAt: row.ends_at,
      databaseNow: row.database_now,
      locked: locked.has(row.id),
    }));
  }

  /** Opens a batch of locked auctions, each to the status it is given, and appends `audit` in order, in one statement. */
  async openMany(
    manager: EntityManager,
    opens: { auctionId: string; status: AuctionStatus }[],
    audit: AuditRecord[],
  ): Promise<void> {
    if (opens.length === 0) return;
    const [{ opened }] = await this.preparedIn(manager, 'ggzy_open_many', OPEN_MANY_SQL, [
      opens.map((open) => open.auctionId),
      opens.map((open) => open.status),
      ...auditColumns(audit),
    ]);
    if (opened !== opens.length) throw new Error(`openMany opened ${opened} of ${opens.length} auctions`);
  }

  /**
   * Closes a batch of locked auctions (closes, each with the status the lifecycle table gave),
   * writes the sold ones' deals and appends `audit` in order, in one statement.
   */
  async closeMany(manager: EntityManager, closes: AuctionClose[], audit: AuditRecord[]): Promise<void> {
    if (closes.length === 0 && audit.length === 0) return;
    const sold = closes.flatMap((close) => ('sold' in close ? [{ ...close.sold, close }] : []));
    const [{ closed, deals }] = await this.preparedIn(manager, 'ggzy_close_many', CLOSE_MANY_SQL, [
      closes.map((close) => close.auctionId),
      closes.map((close) => close.status),
      closes.map((close) => ('sold' in close ? close.sold.finalPrice : null)),
      closes.map((close) => ('sold' in close ? close.sold.winnerId : null)),
      closes.map((close) => close.closedAt),
      closes.map((close) => ('unsold' in close ? close.unsold.reason : null)),
      sold.map((one) => one.close.auctionId),
      sold.map((one) => one.deal.category),
      sold.map((one) => one.deal.subtype),
      sold.map((one) => one.deal.sourceType ?? null),
      sold.map((one) => one.deal.title),
      sold.map((one) => one.deal.amount),
      sold.map((one) => one.winnerId),
      sold.map((one) => one.winnerName),
      sold.map((one) => one.close.closedAt),
      ...auditColumns(audit),
    ]);
    // The caller holds every row it closes: any other count is a bug, and rolls the batch back.
    if (closed !== closes.length) throw new Error(`closeMany closed ${closed} of ${closes.length} auctions`);
    // Each sold deal's fee, in the same transaction: one read of the schedules, one insert.
    if (this.fees && sold.length > 0) {
      const dealOf = new Map(
        ((deals ?? []) as { dealId: string; auctionId: string }[]).map((deal) => [
          deal.auctionId,
          deal.dealId,
        ]),
      );
      const schedules = await this.fees.listSchedules(undefined, manager);
      await this.fees.insertFees(
        manager,
        this.fees.feesFor(
          schedules,
          sold.map((one) => ({
            dealId: dealOf.get(one.close.auctionId)!,
            category: one.deal.category,
            subtype: one.deal.subtype,
            amount: one.deal.amount,
            closedAt: one.close.closedAt,
          })),
        ),
      );
    }
  }

  /** The database's clock: the one every instance shares (inside `manager`'s transaction, if given). */
  async databaseNow(manager?: EntityManager): Promise<Date> {
    const rows = (await (manager ?? this.dataSource).query('SELECT clock_timestamp() AS now')) as {
      now: Date;
    }[];
    return rows[0].now;
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
   * Writes a batch (BidBatchWrite) in one statement, lock-free (`manager` null) or inside the
   * caller's transaction; false when the auction was no longer as the batch read it (or, with
   * an accepted bid, the database's clock says bidding is over), and then nothing is written.
   */
  async writeBids(manager: EntityManager | null, batch: BidBatchWrite): Promise<boolean> {
    const accepting = batch.next !== null;
    const values = [
      batch.auctionId,
      batch.expected.lastSeq,
      batch.expected.endsAt,
      batch.expected.status,
      ...(batch.next
        ? [
            batch.next.currentPrice,
            batch.next.leaderId,
            batch.next.bidCount,
            batch.next.lastSeq,
            batch.next.endsAt,
            batch.next.status,
            batch.next.at,
          ]
        : []),
      ...bidColumns(batch.bids),
      ...(accepting ? auditColumns(batch.audit) : []),
    ];
    const [name, sql] = accepting
      ? ['ggzy_write_bids', WRITE_ACCEPTING_BATCH_SQL]
      : batch.refusedOnTheClock
        ? ['ggzy_write_clock_refusals', WRITE_REFUSING_ON_THE_CLOCK_SQL]
        : ['ggzy_write_refusals', WRITE_REFUSING_BATCH_SQL];
    const rows = await this.preparedIn(manager, name, sql, values);
    return rows[0].applied === true;
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
      order: { at: 'ASC', arrival: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }
}

function toCloseContext(row: Record<string, any>): CloseContext {
  return {
    auction: toAuctionRow(row),
    leaderCode: row.leader_code,
    leaderName: row.leader_name,
    databaseNow: row.database_now,
  };
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

/** $1–$10 of the historical accepted-bid statement. */
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

/** A batch's bids as the arrays of BID_COLUMNS, one element per bid in arrival order. */
function bidColumns(bids: BidBatchWrite['bids']): unknown[][] {
  const rows = bids.map((entry) =>
    entry.accepted
      ? [
          entry.bid.bidderId,
          entry.bid.clientBidId,
          entry.bid.amount,
          'accepted',
          null,
          entry.bid.seq,
          entry.bid.bidderCode,
          entry.bid.endsAt,
          entry.bid.minNextBid,
          entry.bid.at,
          entry.bid.origin?.clientAddress ?? null,
          entry.bid.origin?.deviceFingerprint ?? null,
        ]
      : [
          entry.bid.bidderId,
          entry.bid.clientBidId,
          entry.bid.amount,
          entry.bid.code,
          entry.bid.message,
          null,
          null,
          null,
          null,
          entry.bid.at,
          entry.bid.origin?.clientAddress ?? null,
          entry.bid.origin?.deviceFingerprint ?? null,
        ],
  );
  return Array.from({ length: BID_COLUMN_COUNT }, (_, column) => rows.map((row) => row[column]));
}

/** The audit entries as the six arrays the trail's INSERT unnests. */
function auditColumns(records: AuditRecord[]): unknown[][] {
  const rows = records.map((record) => auditAppendParts(1).params(record));
  return Array.from({ length: 6 }, (_, column) => rows.map((row) => row[column]));
}
