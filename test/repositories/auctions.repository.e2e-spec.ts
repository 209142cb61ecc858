import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { createDataSource } from '../../libs/persistence/src/data-source.js';
import { isUniqueViolation } from '../../libs/persistence/src/data-source.js';
import { AuditLogRepository, type AuditRecord } from '../../libs/persistence/src/audit-log.repository.js';
import {
  type LeaseListing,
  LeaseListingsRepository,
} from '../../libs/persistence/src/lease-listings.repository.js';
import {
  type AcceptedBid,
  AuctionsRepository,
  type BidBatchWrite,
  type RejectedBid,
} from '../../libs/persistence/src/auctions/auctions.repository.js';
import { BidArrival1764370000000 } from '../../libs/persistence/src/migrations/1764370000000-bid-arrival.js';
import { UsersRepository } from '../../libs/persistence/src/users.repository.js';
import { RegistrationsRepository } from '../../libs/persistence/src/registrations/registrations.repository.js';
import {
  type AuctionStatus,
  nextAuctionStatus,
  statusesAllowing,
} from '../../libs/domain/src/auction-lifecycle.js';
import { createTestEnvironment, type TestEnvironment } from '../support/environment.js';
import { queryRows, tableContents } from '../support/checks.js';

/**
 * AuctionsRepository against PostgreSQL (with lease listings as the auctions' hosts, set up
 * through LeaseListingsRepository): its own fresh database, migrated as the owner, used
 * through the app role as the apps use it. The service specs take these statements'
 * contracts for granted (their fakes copy them); this file proves them on the real SQL —
 * the batch write's conditions on last_seq, ends_at, status and clock_timestamp(), its
 * arrival order and all-or-nothing write, the unique key a racing copy of a bid runs into,
 * the batch read's per-key entries, the close statements' deal and audit writes, the
 * auction lock, the sweeper's overdue query and the bids.arrival migration.
 */
let env: TestEnvironment;
let dataSource: DataSource;
let listings: LeaseListingsRepository;
let auctions: AuctionsRepository;
let registrations: RegistrationsRepository;
let audit: AuditLogRepository;
let staffId: string;
let bidderId: string;
let rivalId: string;

const MINUTE = 60_000;
/** What a bid batch could write: the bids, the auction and its host, the audit chain (entries and head), deals. */
const BID_TABLES = ['bids', 'auctions', 'lease_listings', 'audit_log', 'audit_head', 'deals'];
const UNIQUE_KEY = 'bids_auction_id_bidder_id_client_bid_id_key';

beforeAll(async () => {
  env = await createTestEnvironment();
  dataSource = await createDataSource(env.config.DATABASE_URL, 4, 'ggzy-test-repositories').initialize();
  listings = new LeaseListingsRepository(dataSource);
  auctions = new AuctionsRepository(dataSource);
  registrations = new RegistrationsRepository(dataSource);
  audit = new AuditLogRepository(dataSource);
  const users = new UsersRepository(dataSource);
  const make = async (role: 'staff' | 'bidder', displayName: string) =>
    (
      await users.create({
        username: `${role}-${randomUUID().slice(0, 8)}`,
        passwordHash: 'not-a-real-hash',
        displayName,
        roles: [role],
      })
    ).id;
  staffId = await make('staff', '招商部');
  bidderId = await make('bidder', '杭州某某餐饮有限公司');
  rivalId = await make('bidder', '另一家公司');
});

afterAll(async () => {
  await dataSource?.destroy();
  await env?.drop();
});

/** The database's clock, which the statements compare with. */
async function databaseNow(): Promise<number> {
  return (await dataSource.transaction((manager) => listings.databaseNow(manager))).getTime();
}

/** A listing in `status`, its timers relative to the database's clock now, with both bidders qualified. */
async function createListing(
  changes: Partial<LeaseListing> = {},
  offsets: { biddingStartsAt?: number; freeBiddingEndsAt?: number; endsAt?: number } = {},
) {
  const now = await databaseNow();
  const at = (ms: number) => new Date(now + ms);
  const listing = await dataSource.transaction(async (manager) => {
    const draft = await listings.insertDraft(
      manager,
      {
        title: '解放路 12 号商铺',
        address: '解放路 12 号',
        areaSqm: 80,
        usage: 'retail',
        leaseTermMonths: 36,
        startPrice: 100_000,
        increment: 5_000,
        deposit: 200_000,
        reservePrice: null,
        registrationStartsAt: at((offsets.biddingStartsAt ?? -10 * MINUTE) - 2 * MINUTE),
        registrationEndsAt: at((offsets.biddingStartsAt ?? -10 * MINUTE) - MINUTE),
        biddingStartsAt: at(offsets.biddingStartsAt ?? -10 * MINUTE),
        freeBiddingEndsAt: at(offsets.freeBiddingEndsAt ?? 30 * MINUTE),
        extensionSeconds: 300,
        endsAt: at(offsets.endsAt ?? 35 * MINUTE),
        createdBy: staffId,
      },
      2026,
    );
    await listings.update(manager, draft.id, { status: 'bidding', ...changes });
    for (const [who, code] of [
      [bidderId, '111111'],
      [rivalId, '222222'],
    ] as const) {
      const host = { hostType: 'lease_listing' as const, hostId: draft.id };
      const registration = await registrations.insert(manager, host, who);
      await registrations.update(manager, registration.id, { status: 'qualified', bidderCode: code });
    }
    return draft;
  });
  return (await listings.findById(listing.id))!;
}

function acceptedBid(listing: LeaseListing, overrides: Partial<AcceptedBid> = {}): AcceptedBid {
  return {
    auctionId: listing.id,
    bidderId,
    clientBidId: randomUUID(),
    amount: 100_000,
    seq: listing.lastSeq + 1,
    bidderCode: '111111',
    at: new Date(),
    endsAt: listing.endsAt,
    minNextBid: 105_000,
    bidCount: listing.bidCount + 1,
    ...overrides,
  };
}

function rejectedBid(listing: LeaseListing, overrides: Partial<RejectedBid> = {}): RejectedBid {
  return {
    auctionId: listing.id,
    bidderId,
    clientBidId: randomUUID(),
    amount: 90_000,
    code: 'BID_TOO_LOW',
    message: 'the minimum bid is 100000 fen',
    at: new Date(),
    ...overrides,
  };
}

type Expected = BidBatchWrite['expected'];
type BatchBid = BidBatchWrite['bids'][number];

/** What the rules read of the listing: the write's condition. */
function expectedOf(listing: LeaseListing): Expected {
  return { lastSeq: listing.lastSeq, endsAt: listing.endsAt, status: listing.status };
}

const accepted = (bid: AcceptedBid): BatchBid => ({ accepted: true, bid });
const rejected = (bid: RejectedBid): BatchBid => ({ accepted: false, bid });

function auditRecord(
  listingId: string,
  action = 'bid.accepted',
  data: Record<string, unknown> = {},
): AuditRecord {
  return {
    at: new Date(),
    actorId: bidderId,
    action,
    entityType: 'lease_listing',
    entityId: listingId,
    data,
  };
}

/**
 * A batch as BidService builds it: its bids in arrival order, the auction as its last
 * accepted bid leaves it (status: the lifecycle table's accept_bid from the status read,
 * unless given), one audit entry per accepted bid; `next` null when it accepts nothing.
 */
function batchOf(expected: Expected, bids: BatchBid[], status?: AuctionStatus): BidBatchWrite {
  const acceptedBids = bids.flatMap((entry) => (entry.accepted ? [entry.bid] : []));
  const last = acceptedBids[acceptedBids.length - 1];
  return {
    auctionId: bids[0].bid.auctionId,
    expected,
    next: last
      ? {
          currentPrice: last.amount,
          leaderId: last.bidderId,
          bidCount: last.bidCount,
          lastSeq: last.seq,
          endsAt: last.endsAt,
          status: status ?? nextAuctionStatus(expected.status, 'accept_bid')!,
          at: last.at,
        }
      : null,
    bids,
    audit: acceptedBids.map((bid) => ({
      ...auditRecord(bid.auctionId, 'bid.accepted', { seq: bid.seq, clientBidId: bid.clientBidId }),
      actorId: bid.bidderId,
      at: bid.at,
    })),
  };
}

/** The one-bid batch the old accept statement wrote. */
const acceptBatch = (bid: AcceptedBid, expected: Expected, status?: AuctionStatus) =>
  batchOf(expected, [accepted(bid)], status);
/** A batch of refusals only (`next` null). */
const refusalBatch = (expected: Expected, bids: RejectedBid[]) => batchOf(expected, bids.map(rejected));

/** The error a promise rejects with, or null if it resolves. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (caught: unknown) => caught,
  );

const contents = () => tableContents(env.config.DATABASE_OWNER_URL!, BID_TABLES);

/** The listing's bid rows in write order (arrival), as stored. */
const bidRows = (listingId: string) =>
  queryRows(
    env.config.DATABASE_OWNER_URL!,
    `SELECT client_bid_id, bidder_id, outcome, message, amount, seq, bidder_code, at, arrival
       FROM bids WHERE auction_id = $1 ORDER BY arrival`,
    [listingId],
  );

/** The auction row's version (xmin changes with any UPDATE, even one to the same values) and updated_at. */
const auctionVersion = async (listingId: string) =>
  (
    await queryRows(
      env.config.DATABASE_OWNER_URL!,
      `SELECT xmin::text AS xmin, updated_at, last_seq, status FROM auctions WHERE id = $1`,
      [listingId],
    )
  )[0];

/** A DataSource on the app role whose every statement is captured (query logging through our logger). */
/*
 * Every statement a capturing data source's connections send, whether through TypeORM or as a
 * named prepared statement on a transaction's own connection (preparedQuery), told apart by the
 * connection's application_name.
 */
const captures = new Map<string, string[]>();
const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const name = (this as unknown as { connectionParameters?: { application_name?: string } })
    .connectionParameters?.application_name;
  const statements = name ? captures.get(name) : undefined;
  if (statements) {
    const first = args[0] as string | { text: string };
    statements.push(typeof first === 'string' ? first : first.text);
  }
  return clientQuery.apply(this, args);
} as typeof pg.Client.prototype.query;

async function capturingDataSource(name: string): Promise<{ captured: DataSource; statements: string[] }> {
  const statements: string[] = [];
  captures.set(name, statements);
  const captured = await createDataSource(env.config.DATABASE_URL, 2, name).initialize();
  statements.length = 0; // initialize()'s own statements
  return { captured, statements };
}

/** Resolves once some other session of this database waits on a lock (a row lock here). */
async function someoneWaitsOnALock(client: pg.Client, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
    );
    if (rows[0].waiting > 0) return;
    if (Date.now() > deadline) throw new Error('no session came to wait on the lock');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the accept statement (writeBids with an accepted bid)', () => {
  it('writes the bid, moves the listing and appends the audit entry, all in one statement', async () => {
    const listing = await createListing({ status: 'announced' });
    const at = new Date(await databaseNow());
    // A countdown bid: the end it carries is the listing's new end.
    const endsAt = new Date(listing.endsAt.getTime() + 5 * MINUTE);
    const bid = acceptedBid(listing, { at, endsAt });
    const expected = expectedOf(listing);
    expect(await auctions.writeBids(null, acceptBatch(bid, expected))).toBe(true);
    expect(await listings.findById(listing.id)).toMatchObject({
      status: 'bidding',
      currentPrice: 100_000,
      leaderId: bidderId,
      bidCount: 1,
      lastSeq: 1,
      endsAt,
    });
    expect(await auctionVersion(listing.id)).toMatchObject({ updated_at: at });
    const [row] = await queryRows(
      env.config.DATABASE_OWNER_URL!,
      'SELECT outcome, seq, amount, bidder_code, min_next_bid, ends_at, at FROM bids WHERE auction_id = $1',
      [listing.id],
    );
    expect(row).toEqual({
      outcome: 'accepted',
      seq: 1,
      amount: '100000',
      bidder_code: '111111',
      min_next_bid: '105000',
      ends_at: endsAt,
      at,
    });
    const entries = await audit.list({ entityId: listing.id, limit: 10, offset: 0 });
    expect(entries.items.map((entry) => entry.action)).toEqual(['bid.accepted']);
    expect((await audit.verify()).valid).toBe(true);
    // The same expectation again is stale now: nothing is written.
    const before = await contents();
    expect(await auctions.writeBids(null, acceptBatch(acceptedBid(listing), expected))).toBe(false);
    expect(await contents()).toEqual(before);
  });

  it('matches an end written in microseconds as the read saw it (truncated to the millisecond, not rounded)', async () => {
    const listing = await createListing();
    // An end set in SQL, as an operator's fix or clock arithmetic would, in microseconds.
    await queryRows(
      env.config.DATABASE_OWNER_URL!,
      `UPDATE auctions SET ends_at = ends_at + interval '999 microseconds' WHERE id = $1`,
      [listing.id],
    );
    const context = (await auctions.peekForBids(listing.id, [{ bidderId, clientBidId: 'micro' }]))!;
    expect(context.auction.endsAt).toEqual(listing.endsAt);
    const expected = { lastSeq: 0, endsAt: context.auction.endsAt, status: context.auction.status };
    expect(await auctions.writeBids(null, refusalBatch(expected, [rejectedBid(listing)]))).toBe(true);
    const bid = acceptedBid(listing, { at: new Date(await databaseNow()), endsAt: listing.endsAt });
    expect(await auctions.writeBids(null, acceptBatch(bid, expected))).toBe(true);
    expect(await listings.findById(listing.id)).toMatchObject({ lastSeq: 1, currentPrice: 100_000 });
  });

  it('is one statement inside the caller’s transaction too (accepting or only refusing)', async () => {
    const listing = await createListing();
    const { captured, statements } = await capturingDataSource('ggzy-test-one-statement');
    try {
      const repository = new AuctionsRepository(captured);
      const written = [
        acceptBatch(acceptedBid(listing), expectedOf(listing)),
        refusalBatch({ ...expectedOf(listing), lastSeq: 1 }, [rejectedBid(listing)]),
      ];
      for (const batch of written) {
        statements.length = 0;
        expect(await captured.transaction((manager) => repository.writeBids(manager, batch))).toBe(true);
        expect(statements.filter((sql) => !/^(START TRANSACTION|COMMIT)$/.test(sql.trim()))).toHaveLength(1);
      }
    } finally {
      await captured.destroy();
    }
    expect((await bidRows(listing.id)).map((row) => row.outcome)).toEqual(['accepted', 'BID_TOO_LOW']);
  });

  it.each<
    [string, Partial<LeaseListing>, Parameters<typeof createListing>[1], (l: LeaseListing) => Expected]
  >([
    [
      'another bid moved last_seq',
      {},
      {},
      (l) => ({ lastSeq: l.lastSeq + 1, endsAt: l.endsAt, status: l.status }),
    ],
    [
      'a countdown bid moved ends_at',
      {},
      {},
      (l) => ({ lastSeq: l.lastSeq, endsAt: new Date(l.endsAt.getTime() - 1), status: l.status }),
    ],
    [
      'the listing was suspended',
      { status: 'suspended', suspendedAt: new Date() },
      {},
      // What the rules read before it moved.
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt, status: 'bidding' }),
    ],
    [
      'the listing was cancelled',
      { status: 'cancelled' },
      {},
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt, status: 'bidding' }),
    ],
    [
      'the listing was opened (announced → bidding) since the read',
      {},
      {},
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt, status: 'announced' }),
    ],
    [
      'clock_timestamp() is before bidding_starts_at',
      { status: 'announced' },
      { biddingStartsAt: 10 * MINUTE },
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt, status: l.status }),
    ],
    [
      'clock_timestamp() is past ends_at (no job closed it yet)',
      {},
      { freeBiddingEndsAt: -2 * MINUTE, endsAt: -1000 },
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt, status: l.status }),
    ],
  ])('writes nothing when %s', async (_why, changes, offsets, expectation) => {
    const listing = await createListing(changes, offsets);
    const before = await contents();
    // The process's own clock says bidding is open: the bid's time is inside the window.
    const at = new Date(listing.biddingStartsAt.getTime() + 1000);
    expect(at.getTime()).toBeLessThan(listing.endsAt.getTime());
    const batch = () => acceptBatch(acceptedBid(listing, { at }), expectation(listing));
    expect(await auctions.writeBids(null, batch())).toBe(false);
    expect(await contents()).toEqual(before);
    // Inside a transaction (the locked path) the same statement gives the same answer.
    expect(await dataSource.transaction((manager) => auctions.writeBids(manager, batch()))).toBe(false);
    expect(await contents()).toEqual(before);
  });
});

describe('a batch (group commit): several bids in one statement', () => {
  it('writes accepted and rejected bids in arrival order under one `at`, the listing as the last accepted left it, and the audit entries in seq order', async () => {
    const listing = await createListing();
    const auditHead = (await audit.verify()).headSeq;
    const at = new Date(await databaseNow());
    const endsAt = listing.endsAt;
    // Keys, bidders, amounts and outcomes in no order of their own: only arrival orders them.
    const bids: BatchBid[] = [
      accepted(acceptedBid(listing, { clientBidId: 'k-3', amount: 100_000, seq: 1, bidCount: 1, at })),
      rejected(
        rejectedBid(listing, {
          bidderId: rivalId,
          clientBidId: 'k-1',
          amount: 100_000,
          message: 'the minimum bid is 105000 fen',
          at,
        }),
      ),
      accepted(
        acceptedBid(listing, {
          bidderId: rivalId,
          bidderCode: '222222',
          clientBidId: 'k-5',
          amount: 105_000,
          seq: 2,
          bidCount: 2,
          minNextBid: 110_000,
          at,
        }),
      ),
      rejected(
        rejectedBid(listing, {
          bidderId: rivalId,
          clientBidId: 'k-2',
          amount: 120_000,
          code: 'SELF_OUTBID',
          message: 'you already lead',
          at,
        }),
      ),
      accepted(
        acceptedBid(listing, {
          clientBidId: 'k-4',
          amount: 110_000,
          seq: 3,
          bidCount: 3,
          minNextBid: 115_000,
          at,
        }),
      ),
    ];
    const order = ['k-3', 'k-1', 'k-5', 'k-2', 'k-4'];
    expect(await auctions.writeBids(null, batchOf(expectedOf(listing), bids))).toBe(true);

    expect(await listings.findById(listing.id)).toMatchObject({
      status: 'bidding',
      currentPrice: 110_000,
      leaderId: bidderId,
      bidCount: 3,
      lastSeq: 3,
      endsAt,
    });
    const rows = await bidRows(listing.id);
    expect(rows.map(({ arrival: _arrival, ...row }) => row)).toEqual([
      {
        client_bid_id: 'k-3',
        bidder_id: bidderId,
        outcome: 'accepted',
        message: null,
        amount: '100000',
        seq: 1,
        bidder_code: '111111',
        at,
      },
      {
        client_bid_id: 'k-1',
        bidder_id: rivalId,
        outcome: 'BID_TOO_LOW',
        message: 'the minimum bid is 105000 fen',
        amount: '100000',
        seq: null,
        bidder_code: null,
        at,
      },
      {
        client_bid_id: 'k-5',
        bidder_id: rivalId,
        outcome: 'accepted',
        message: null,
        amount: '105000',
        seq: 2,
        bidder_code: '222222',
        at,
      },
      {
        client_bid_id: 'k-2',
        bidder_id: rivalId,
        outcome: 'SELF_OUTBID',
        message: 'you already lead',
        amount: '120000',
        seq: null,
        bidder_code: null,
        at,
      },
      {
        client_bid_id: 'k-4',
        bidder_id: bidderId,
        outcome: 'accepted',
        message: null,
        amount: '110000',
        seq: 3,
        bidder_code: '111111',
        at,
      },
    ]);

    // Supervisors' list: one `at` for all, so arrival alone orders them, page by page.
    const attempts = await auctions.listAttempts(listing.id, 10, 0);
    expect(attempts.total).toBe(5);
    expect(attempts.items.map((bid) => bid.clientBidId)).toEqual(order);
    const page = await auctions.listAttempts(listing.id, 2, 2);
    expect(page.items.map((bid) => bid.clientBidId)).toEqual(['k-5', 'k-2']);
    // The public ledger: the accepted ones by seq.
    const ledger = await auctions.acceptedBidsAfter(listing.id, 0, 10);
    expect(ledger.items.map((bid) => [bid.seq, bid.clientBidId])).toEqual([
      [1, 'k-3'],
      [2, 'k-5'],
      [3, 'k-4'],
    ]);

    // One audit entry per accepted bid, straight after the head, in seq order; the chain holds.
    const entries = await audit.list({ entityId: listing.id, limit: 10, offset: 0 });
    expect(
      entries.items.map((entry) => [
        entry.seq - auditHead,
        (JSON.parse(entry.payload) as { data: unknown }).data,
      ]),
    ).toEqual([
      [1, { seq: 1, clientBidId: 'k-3' }],
      [2, { seq: 2, clientBidId: 'k-5' }],
      [3, { seq: 3, clientBidId: 'k-4' }],
    ]);
    expect(await audit.verify()).toMatchObject({ valid: true, headSeq: auditHead + 3 });
  });

  it.each<[string, 'lock-free' | 'in a transaction', 'stored' | 'repeated']>([
    ['a key an earlier attempt used, lock-free', 'lock-free', 'stored'],
    ['a key an earlier attempt used, in a transaction', 'in a transaction', 'stored'],
    ['the key of the batch’s own first bid, lock-free', 'lock-free', 'repeated'],
    ['the key of the batch’s own first bid, in a transaction', 'in a transaction', 'repeated'],
  ])(
    'is all or nothing: a second bid reusing %s writes no bid, leaves the listing and writes no audit entry',
    async (_case, path, clash) => {
      const listing = await createListing();
      expect(
        await auctions.writeBids(
          null,
          refusalBatch(expectedOf(listing), [
            rejectedBid(listing, { bidderId: rivalId, clientBidId: 'used' }),
          ]),
        ),
      ).toBe(true);
      const before = await contents();
      const auditHead = (await audit.verify()).headSeq;
      const second =
        clash === 'stored'
          ? rejectedBid(listing, { bidderId: rivalId, clientBidId: 'used' })
          : rejectedBid(listing, { clientBidId: 'fresh' });
      const batch = batchOf(expectedOf(listing), [
        accepted(acceptedBid(listing, { clientBidId: 'fresh', seq: 1, bidCount: 1 })),
        rejected(second),
        accepted(
          acceptedBid(listing, {
            bidderId: rivalId,
            bidderCode: '222222',
            clientBidId: 'other',
            amount: 105_000,
            seq: 2,
            bidCount: 2,
          }),
        ),
      ]);
      const error = await failure(
        path === 'lock-free'
          ? auctions.writeBids(null, batch)
          : dataSource.transaction((manager) => auctions.writeBids(manager, batch)),
      );
      expect(error).not.toBeNull();
      expect(isUniqueViolation(error, UNIQUE_KEY)).toBe(true);
      expect(await contents()).toEqual(before);
      expect(await audit.verify()).toMatchObject({ valid: true, headSeq: auditHead });
      expect((await bidRows(listing.id)).map((row) => row.client_bid_id)).toEqual(['used']);
    },
  );
});

describe('a refusals-only batch (next null)', () => {
  it('writes its rejections in arrival order when the listing is unchanged, and never writes the listing row', async () => {
    const listing = await createListing();
    // One time for all: arrival alone orders them.
    const at = new Date(await databaseNow());
    expect(
      await auctions.writeBids(
        null,
        acceptBatch(acceptedBid(listing, { clientBidId: 'a-1', at }), expectedOf(listing)),
      ),
    ).toBe(true);
    const read = (await listings.findById(listing.id))!;
    const version = await auctionVersion(listing.id);
    const others = await tableContents(env.config.DATABASE_OWNER_URL!, [
      'auctions',
      'lease_listings',
      'audit_log',
      'audit_head',
      'deals',
    ]);
    expect(
      await auctions.writeBids(
        null,
        refusalBatch(expectedOf(read), [
          rejectedBid(listing, { bidderId: rivalId, clientBidId: 'r-2', at }),
          rejectedBid(listing, { clientBidId: 'r-1', code: 'SELF_OUTBID', message: 'you already lead', at }),
        ]),
      ),
    ).toBe(true);
    expect(
      await dataSource.transaction((manager) =>
        auctions.writeBids(
          manager,
          refusalBatch(expectedOf(read), [
            rejectedBid(listing, { bidderId: rivalId, clientBidId: 'r-0', at }),
          ]),
        ),
      ),
    ).toBe(true);
    expect(
      (await bidRows(listing.id)).map((row) => [row.client_bid_id, row.outcome, row.seq, row.bidder_code]),
    ).toEqual([
      ['a-1', 'accepted', 1, '111111'],
      ['r-2', 'BID_TOO_LOW', null, null],
      ['r-1', 'SELF_OUTBID', null, null],
      ['r-0', 'BID_TOO_LOW', null, null],
    ]);
    expect((await auctions.listAttempts(listing.id, 10, 0)).items.map((bid) => bid.clientBidId)).toEqual([
      'a-1',
      'r-2',
      'r-1',
      'r-0',
    ]);
    // Not even an UPDATE to the same values: the row's version is the one before.
    expect(await auctionVersion(listing.id)).toEqual(version);
    expect(
      await tableContents(env.config.DATABASE_OWNER_URL!, [
        'auctions',
        'lease_listings',
        'audit_log',
        'audit_head',
        'deals',
      ]),
    ).toEqual(others);
  });

  it.each<[string, (l: LeaseListing) => Expected]>([
    ['another bid moved last_seq', (l) => ({ ...expectedOf(l), lastSeq: l.lastSeq + 1 })],
    [
      'a countdown bid moved ends_at',
      (l) => ({ ...expectedOf(l), endsAt: new Date(l.endsAt.getTime() + 1) }),
    ],
    ['the status moved', (l) => ({ ...expectedOf(l), status: 'announced' })],
  ])('writes nothing when %s', async (_why, expectation) => {
    const listing = await createListing();
    const before = await contents();
    const batch = () => refusalBatch(expectation(listing), [rejectedBid(listing), rejectedBid(listing)]);
    expect(await auctions.writeBids(null, batch())).toBe(false);
    expect(await contents()).toEqual(before);
    expect(await dataSource.transaction((manager) => auctions.writeBids(manager, batch()))).toBe(false);
    expect(await contents()).toEqual(before);
  });

  it('does not ask the clock: a late bid’s refusal is kept after ends_at, before any close', async () => {
    // BidService refuses bids after the end itself; if the write refused them too, it would
    // read, decide and write again forever.
    const listing = await createListing({}, { freeBiddingEndsAt: -2 * MINUTE, endsAt: -1000 });
    const late = rejectedBid(listing, {
      code: 'AUCTION_CLOSED',
      message: 'bidding has ended',
      amount: 200_000,
    });
    expect(await auctions.writeBids(null, refusalBatch(expectedOf(listing), [late]))).toBe(true);
    expect((await bidRows(listing.id)).map((row) => row.outcome)).toEqual(['AUCTION_CLOSED']);
  });
});

describe('the bid path’s reads (peekForBids, lockForBids) and the lock', () => {
  it('peekForBids reads the listing as the rules need it, the registration and the database’s clock', async () => {
    const listing = await createListing({ reservePrice: 150_000 });
    const before = await databaseNow();
    const context = await auctions.peekForBids(listing.id, [{ bidderId, clientBidId: 'c-1' }]);
    expect(context).toMatchObject({
      auction: {
        id: listing.id,
        hostType: 'lease_listing',
        status: 'bidding',
        startPrice: 100_000,
        increment: 5_000,
        reservePrice: 150_000,
        // The lease's limit, stored with its terms: the largest rent whose rent × 36 is safe.
        maxBid: Math.floor(Number.MAX_SAFE_INTEGER / 36),
        allowSelfOutbid: false,
        biddingStartsAt: listing.biddingStartsAt,
        freeBiddingEndsAt: listing.freeBiddingEndsAt,
        extensionSeconds: 300,
        currentPrice: null,
        leaderId: null,
        bidCount: 0,
        lastSeq: 0,
        endsAt: listing.endsAt,
      },
      entries: [{ registration: { status: 'qualified', bidderCode: '111111' }, existing: null, bans: [] }],
    });
    expect(context!.entries).toHaveLength(1);
    expect(context!.databaseNow.getTime()).toBeGreaterThanOrEqual(before);
    expect(context!.databaseNow.getTime()).toBeLessThanOrEqual(await databaseNow());
    expect(await auctions.peekForBids(randomUUID(), [{ bidderId, clientBidId: 'c-1' }])).toBeNull();
    await dataSource.transaction(async (manager) => {
      expect(
        await auctions.lockForBids(manager, randomUUID(), [{ bidderId, clientBidId: 'c-1' }]),
      ).toBeNull();
    });
    const stranger = await auctions.peekForBids(listing.id, [{ bidderId: staffId, clientBidId: 'c-1' }]);
    expect(stranger!.entries).toEqual([{ registration: null, existing: null, bans: [] }]);
  });

  it('brings each bidder’s bans that may still be in force, in the domain’s shape, in the same read', async () => {
    const listing = await createListing();
    // A bidder of its own: the bans would follow the shared bidder into the other tests.
    const { id: banned } = await new UsersRepository(dataSource).create({
      username: `banned-${randomUUID().slice(0, 8)}`,
      passwordHash: 'not-a-real-hash',
      displayName: '被禁止的公司',
      roles: ['bidder'],
    });
    const sanction = (partyId: string, kind: string, endsDaysFromNow: number | null, revoked = false) =>
      queryRows<{ id: string }>(
        env.config.DATABASE_OWNER_URL!,
        // Days counted on the UTC date, as the read's two-day margin is.
        `WITH utc AS (SELECT (now() AT TIME ZONE 'UTC')::date AS today)
         INSERT INTO sanctions (party_id, kind, reason, basis, starts_on, banned_until, recorded_at,
                                revoked_on, revoked_at, revoke_reason)
         SELECT $1, $2, 'misconduct', '招标投标法 第54条', today - 30, today + $3::int, now(),
                CASE WHEN $4 THEN today END, CASE WHEN $4 THEN now() END, CASE WHEN $4 THEN '复议撤销' END
         FROM utc RETURNING id`,
        [partyId, kind, endsDaysFromNow, revoked],
      );
    const [[current], [lifted]] = await Promise.all([
      sanction(banned, 'ban', 0),
      sanction(banned, 'ban', 30, true),
      // Over more than two days ago in every zone, and a warning: neither can refuse a bid.
      sanction(banned, 'ban', -3),
      sanction(banned, 'warning', null),
    ]);
    const [{ today }] = await queryRows<{ today: string }>(
      env.config.DATABASE_OWNER_URL!,
      `SELECT (now() AT TIME ZONE 'UTC')::date::text AS today`,
    );
    const context = await auctions.peekForBids(listing.id, [
      { bidderId: banned, clientBidId: 'b-1' },
      { bidderId: rivalId, clientBidId: 'b-2' },
    ]);
    const bans = context!.entries[0].bans.sort((a, b) => a.bannedUntil!.localeCompare(b.bannedUntil!));
    const common = {
      partyId: banned,
      kind: 'ban',
      reason: 'misconduct',
      basis: '招标投标法 第54条',
      sourceRef: null,
    };
    expect(bans).toEqual([
      { ...common, id: current.id, startsOn: expect.any(String), bannedUntil: today, revokedOn: null },
      {
        ...common,
        id: lifted.id,
        startsOn: expect.any(String),
        bannedUntil: expect.any(String),
        revokedOn: today,
      },
    ]);
    expect(context!.entries[1].bans).toEqual([]);
  });

  it('reads one entry per key in the order given: replays, strangers, keys of other bidders and repeated keys', async () => {
    const listing = await createListing();
    const at = new Date('2026-06-01T02:00:00.000Z');
    expect(
      await auctions.writeBids(
        null,
        batchOf(expectedOf(listing), [
          accepted(acceptedBid(listing, { clientBidId: 'mine', amount: 100_000, at })),
          rejected(rejectedBid(listing, { bidderId: rivalId, clientBidId: 'theirs', amount: 95_000, at })),
        ]),
      ),
    ).toBe(true);
    const keys = [
      { bidderId, clientBidId: 'new' },
      { bidderId: rivalId, clientBidId: 'theirs' },
      { bidderId: staffId, clientBidId: 'new' },
      { bidderId, clientBidId: 'mine' },
      { bidderId, clientBidId: 'new' },
      { bidderId: rivalId, clientBidId: 'mine' },
      { bidderId, clientBidId: 'theirs' },
      { bidderId: rivalId, clientBidId: 'theirs' },
    ];
    const mine = { registration: { status: 'qualified', bidderCode: '111111' } };
    const theirs = { registration: { status: 'qualified', bidderCode: '222222' } };
    const acceptedReplay = {
      existing: {
        auctionId: listing.id,
        bidderId,
        clientBidId: 'mine',
        outcome: 'accepted',
        seq: 1,
        amount: 100_000,
        bidderCode: '111111',
        at,
      },
    };
    const rejectedReplay = {
      existing: {
        auctionId: listing.id,
        bidderId: rivalId,
        clientBidId: 'theirs',
        outcome: 'BID_TOO_LOW',
        message: 'the minimum bid is 100000 fen',
        seq: null,
        amount: 95_000,
        at,
      },
    };
    const expected = [
      { ...mine, existing: null },
      { ...theirs, ...rejectedReplay },
      { registration: null, existing: null },
      { ...mine, ...acceptedReplay },
      { ...mine, existing: null },
      // The key is the bidder's own: another bidder's clientBidId finds nothing.
      { ...theirs, existing: null },
      { ...mine, existing: null },
      { ...theirs, ...rejectedReplay },
    ];
    const check = (context: Awaited<ReturnType<AuctionsRepository['peekForBids']>>) => {
      expect(context!.auction).toMatchObject({ id: listing.id, lastSeq: 1, currentPrice: 100_000 });
      expect(context!.entries).toHaveLength(keys.length);
      expect(context!.entries).toMatchObject(expected);
    };
    check(await auctions.peekForBids(listing.id, keys));
    await dataSource.transaction(async (manager) =>
      check(await auctions.lockForBids(manager, listing.id, keys)),
    );
    // The other order gives the other order.
    const reversed = await auctions.peekForBids(listing.id, [...keys].reverse());
    expect(reversed!.entries).toMatchObject([...expected].reverse());
  });

  it('lockForBids holds the listing row until commit: a concurrent write waits, then finds the listing moved and writes nothing', async () => {
    const listing = await createListing();
    const other = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await other.connect();
    let racing: Promise<boolean> | undefined;
    let settled = false;
    try {
      await dataSource.transaction(async (manager) => {
        const context = await auctions.lockForBids(manager, listing.id, [{ bidderId, clientBidId: 'k-1' }]);
        expect(context!.entries).toEqual([
          { registration: { status: 'qualified', bidderCode: '111111' }, existing: null, bans: [] },
        ]);
        await expect(
          other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [listing.id]),
        ).rejects.toMatchObject({ code: '55P03' });
        // The rival's lock-free write, decided on the same state, queues behind the lock.
        racing = auctions.writeBids(
          null,
          acceptBatch(
            acceptedBid(listing, { bidderId: rivalId, bidderCode: '222222', clientBidId: 'race' }),
            expectedOf(listing),
          ),
        );
        racing.then(
          () => (settled = true),
          () => (settled = true),
        );
        await someoneWaitsOnALock(other);
        expect(settled).toBe(false);
        const bid = acceptedBid(listing, { clientBidId: 'k-1', at: context!.databaseNow });
        const { auction } = context!;
        expect(
          await auctions.writeBids(
            manager,
            acceptBatch(bid, { lastSeq: auction.lastSeq, endsAt: auction.endsAt, status: auction.status }),
          ),
        ).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(settled).toBe(false); // still waiting: the lock lasts until commit
      });
      expect(await racing).toBe(false);
      await other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [listing.id]);
    } finally {
      await racing?.catch(() => undefined);
      await other.end();
    }
    expect((await bidRows(listing.id)).map((row) => row.client_bid_id)).toEqual(['k-1']);
    expect((await audit.list({ entityId: listing.id, limit: 10, offset: 0 })).total).toBe(1);
    const again = await auctions.peekForBids(listing.id, [
      { bidderId, clientBidId: 'k-1' },
      // The key is the bidder's own: the rival's read with the same clientBidId finds nothing.
      { bidderId: rivalId, clientBidId: 'k-1' },
    ]);
    expect(again!.entries[0].existing).toMatchObject({
      outcome: 'accepted',
      seq: 1,
      clientBidId: 'k-1',
      bidderCode: '111111',
    });
    expect(again!.entries[1].existing).toBeNull();
  });
});

describe('the locked read is as of after its lock, not of before its wait', () => {
  /*
   * lockForBids is one statement: PostgreSQL takes its snapshot, and computes each output
   * row (clock_timestamp() included), before LockRows waits for the row lock. After the wait
   * it re-reads only the locked auction row (and only if the holder changed it); the bids and
   * registrations joined to it, and the clock of the first row, stay as they were before the
   * wait. So lockForBids locks in one statement and reads in the next (READ COMMITTED: a
   * fresh snapshot after the wait); the two tests below fail against the one-statement form.
   * The fallback under contention is exactly where the read waits.
   */
  /** A transaction that runs `work`, then stays open until released; resolves `holding` once it holds. */
  function holdOpen(work: (manager: EntityManager) => Promise<void>) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const done = dataSource.transaction(async (manager) => {
      await work(manager);
      held();
      await released;
      return listings.databaseNow(manager); // the clock just before it commits
    });
    return { holding, release, done };
  }

  it('databaseNow is read after the lock is had, even behind a holder that changed nothing (a locked batch that only refused)', async () => {
    const listing = await createListing();
    const watcher = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await watcher.connect();
    const holder = holdOpen(async (manager) => {
      await auctions.lockForBids(manager, listing.id, [{ bidderId: rivalId, clientBidId: 'low' }]);
      expect(
        await auctions.writeBids(
          manager,
          refusalBatch(expectedOf(listing), [
            rejectedBid(listing, { bidderId: rivalId, clientBidId: 'low' }),
          ]),
        ),
      ).toBe(true);
    });
    let waiting: Promise<unknown> | undefined;
    try {
      await holder.holding;
      const locked = dataSource.transaction((manager) =>
        auctions.lockForBids(manager, listing.id, [{ bidderId, clientBidId: 'k' }]),
      );
      waiting = locked;
      await someoneWaitsOnALock(watcher);
      await new Promise((resolve) => setTimeout(resolve, 200));
      holder.release();
      const releasedAt = await holder.done;
      const context = await locked;
      // The rules take the bid's time and the countdown's restart from this clock.
      expect(context!.databaseNow.getTime()).toBeGreaterThanOrEqual(releasedAt.getTime());
    } finally {
      holder.release();
      await Promise.allSettled([holder.done, waiting]);
      await watcher.end();
    }
  });

  it('sees the attempts of the write it waited for (a copy of the key that write just accepted)', async () => {
    const listing = await createListing();
    const watcher = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await watcher.connect();
    // Another instance's lock-free batch with the key, still inside its one statement's transaction.
    const writer = holdOpen(async (manager) => {
      expect(
        await auctions.writeBids(
          manager,
          acceptBatch(acceptedBid(listing, { clientBidId: 'copy' }), expectedOf(listing)),
        ),
      ).toBe(true);
    });
    let waiting: Promise<unknown> | undefined;
    try {
      await writer.holding;
      const locked = dataSource.transaction((manager) =>
        auctions.lockForBids(manager, listing.id, [{ bidderId, clientBidId: 'copy' }]),
      );
      waiting = locked;
      await someoneWaitsOnALock(watcher);
      writer.release();
      await writer.done;
      const context = await locked;
      // The auction row is the one the writer left (PostgreSQL re-reads the row it waited for)…
      expect(context!.auction).toMatchObject({ lastSeq: 1, currentPrice: 100_000, leaderId: bidderId });
      // …so the bid that moved it to seq 1 must be there too, or the batch decides the key
      // again and its write fails on the unique key inside the locked transaction.
      expect(context!.entries[0].existing).toMatchObject({
        clientBidId: 'copy',
        outcome: 'accepted',
        seq: 1,
      });
    } finally {
      writer.release();
      await Promise.allSettled([writer.done, waiting]);
      await watcher.end();
    }
  });
});

describe('a refusal the clock decided waits for an accept in flight', () => {
  /*
   * A bid accepted just before the end, in a write not yet committed, extends the end. A batch
   * read meanwhile sees the old end, past, and refuses AUCTION_CLOSED; its write must not
   * stand on the old state, or the auction runs on with a "closed" refusal inside its window.
   */
  async function withAcceptInFlight(
    refusedOnTheClock: boolean,
    check: (write: Promise<boolean>, watcher: pg.Client) => Promise<void>,
  ) {
    const listing = await createListing();
    const watcher = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await watcher.connect();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const writer = dataSource.transaction(async (manager) => {
      expect(await auctions.writeBids(manager, acceptBatch(acceptedBid(listing), expectedOf(listing)))).toBe(
        true,
      );
      held();
      await released;
    });
    try {
      await holding;
      const refusal = auctions.writeBids(null, {
        ...refusalBatch(expectedOf(listing), [
          rejectedBid(listing, {
            bidderId: rivalId,
            clientBidId: 'late',
            code: 'AUCTION_CLOSED',
            message: 'bidding on this listing has ended',
          }),
        ]),
        refusedOnTheClock,
      });
      void refusal.catch(() => {}); // awaited by the caller; a failure shows there
      await check(refusal, watcher);
      release();
      await writer;
      return { listing, refusal };
    } finally {
      release();
      await Promise.allSettled([writer]);
      await watcher.end();
    }
  }

  it('waits for it, then finds the auction moved and writes nothing (the batch is decided again)', async () => {
    const { listing, refusal } = await withAcceptInFlight(true, async (_write, watcher) => {
      await someoneWaitsOnALock(watcher);
    });
    expect(await refusal).toBe(false);
    expect((await bidRows(listing.id)).map((row) => row.client_bid_id)).not.toContain('late');
  });

  it('a refusal the clock did not decide (BID_TOO_LOW stays true as the price rises) does not wait', async () => {
    await withAcceptInFlight(false, async (write) => {
      const waited = new Promise((resolve) => setTimeout(() => resolve('still waiting after 3 s'), 3000));
      expect(await Promise.race([write, waited])).toBe(true);
    });
  });
});

describe('registrations are matched by host type and host id, never by the id alone', () => {
  /*
   * A transfer project's registration may carry the same host id as a lease's auction (the
   * registrations table has no foreign key to either host). Only the lease's own registrations
   * may qualify a bidder, name the leader or answer a bidder's code on that auction.
   */
  it('ignores another host type’s registration with the same id on the bid path, at the close and in the repository', async () => {
    const listing = await createListing();
    const outsider = (
      await new UsersRepository(dataSource).create({
        username: `outsider-${randomUUID().slice(0, 8)}`,
        passwordHash: 'not-a-real-hash',
        displayName: '另一条业务线的买受人',
        roles: ['bidder'],
      })
    ).id;
    const lease = { hostType: 'lease_listing' as const, hostId: listing.id };
    const transfer = { hostType: 'transfer_project' as const, hostId: listing.id };
    const transferRegistration = await dataSource.transaction(async (manager) => {
      const registration = await registrations.insert(manager, transfer, outsider);
      await registrations.update(manager, registration.id, { status: 'qualified', bidderCode: '333333' });
      return registration;
    });

    // The bid path: qualified on the transfer only, the outsider has no registration here.
    const keys = [
      { bidderId: outsider, clientBidId: 'x-1' },
      { bidderId, clientBidId: 'x-1' },
    ];
    const registered = [null, { status: 'qualified', bidderCode: '111111' }];
    const registrationsRead = (context: Awaited<ReturnType<AuctionsRepository['peekForBids']>>) =>
      context!.entries.map((entry) => entry.registration);
    expect(registrationsRead(await auctions.peekForBids(listing.id, keys))).toEqual(registered);
    await dataSource.transaction(async (manager) => {
      expect(registrationsRead(await auctions.lockForBids(manager, listing.id, keys))).toEqual(registered);
    });
    expect(await auctions.findBidderCode(listing.id, outsider)).toBeNull();
    expect(await auctions.findBidderCode(listing.id, bidderId)).toBe('111111');

    // The close: a leader without a lease registration has no code here, whatever the transfer says.
    await queryRows(env.config.DATABASE_OWNER_URL!, `UPDATE auctions SET leader_id = $2 WHERE id = $1`, [
      listing.id,
      outsider,
    ]);
    await dataSource.transaction(async (manager) => {
      expect(await auctions.lockForClose(manager, listing.id)).toMatchObject({ leaderCode: null });
    });

    // RegistrationsRepository keeps the two hosts apart too.
    const leaseRegistration = (await registrations.findOf(lease, bidderId))!;
    expect(await registrations.find(transfer, leaseRegistration.id)).toBeNull();
    expect(await registrations.find(lease, transferRegistration.id)).toBeNull();
    expect(await registrations.findOf(lease, outsider)).toBeNull();
    expect((await registrations.findOf(transfer, outsider))!.id).toBe(transferRegistration.id);
    expect((await registrations.list(lease, 10, 0)).total).toBe(2);
    expect((await registrations.list(transfer, 10, 0)).items.map((r) => r.id)).toEqual([
      transferRegistration.id,
    ]);
    await dataSource.transaction(async (manager) => {
      expect(await registrations.bidderCodeTaken(manager, transfer, '111111')).toBe(false);
      expect(await registrations.bidderCodeTaken(manager, lease, '333333')).toBe(false);
      expect(await registrations.bidderCodeTaken(manager, transfer, '333333')).toBe(true);
    });
    expect((await registrations.listOfBidder('lease_listing', outsider, 10, 0)).total).toBe(0);
    expect((await registrations.listOfBidder('transfer_project', outsider, 10, 0)).total).toBe(1);
  });
});

describe('the resync page (acceptedBidsAfter, behind SnapshotService.bidsAfter)', () => {
  it('pages by the (auction_id, seq) key with limit + 1 rows: no COUNT and no OFFSET in its SQL', async () => {
    const listing = await createListing();
    await dataSource.transaction(async (manager) => {
      for (let seq = 1; seq <= 5; seq += 1) {
        const bid = acceptedBid(listing, { seq, bidCount: seq, amount: 95_000 + seq * 5_000 });
        const expected = { lastSeq: seq - 1, endsAt: listing.endsAt, status: listing.status };
        expect(await auctions.writeBids(manager, acceptBatch(bid, expected))).toBe(true);
      }
    });
    // The SQL the reads DataSource sends, captured by its own logger (every statement goes
    // through logQuery when query logging is on).
    const { captured: reads, statements } = await capturingDataSource('ggzy-test-resync');
    try {
      const paging = new AuctionsRepository(dataSource, reads);
      const first = await paging.acceptedBidsAfter(listing.id, 0, 2);
      expect(first.items.map((bid) => bid.seq)).toEqual([1, 2]);
      expect(first.hasMore).toBe(true);
      const middle = await paging.acceptedBidsAfter(listing.id, 2, 2);
      expect(middle.items.map((bid) => bid.seq)).toEqual([3, 4]);
      expect(middle.hasMore).toBe(true);
      const last = await paging.acceptedBidsAfter(listing.id, 4, 2);
      expect(last.items.map((bid) => Number(bid.amount))).toEqual([120_000]);
      expect(last.hasMore).toBe(false);
      for (const sql of statements) {
        expect(sql).not.toMatch(/\bCOUNT\s*\(/i);
        expect(sql).not.toMatch(/\bOFFSET\b/i);
        expect(sql).toMatch(/"seq" > \$2/);
        expect(sql).toMatch(/LIMIT 3\b/);
      }
      expect(statements).toHaveLength(3); // one statement a page
    } finally {
      await reads.destroy();
    }
  });
});

describe('rejections (writeBids with refusals only)', () => {
  const attempt = (listing: LeaseListing, clientBidId: string) =>
    rejectedBid(listing, { clientBidId, at: new Date('2026-06-01T02:00:00.000Z') });

  it('are kept with their code and message, lock-free or inside a transaction, touching nothing else', async () => {
    const listing = await createListing();
    const listingBefore = await tableContents(env.config.DATABASE_OWNER_URL!, [
      'auctions',
      'lease_listings',
      'audit_log',
      'audit_head',
    ]);
    expect(await auctions.writeBids(null, refusalBatch(expectedOf(listing), [attempt(listing, 'r-1')]))).toBe(
      true,
    );
    expect(
      await dataSource.transaction((manager) =>
        auctions.writeBids(manager, refusalBatch(expectedOf(listing), [attempt(listing, 'r-2')])),
      ),
    ).toBe(true);
    const rows = await queryRows(
      env.config.DATABASE_OWNER_URL!,
      `SELECT client_bid_id, outcome, message, amount, seq, bidder_code, ends_at, min_next_bid, at
         FROM bids WHERE auction_id = $1 ORDER BY client_bid_id`,
      [listing.id],
    );
    expect(rows).toEqual(
      ['r-1', 'r-2'].map((id) => ({
        client_bid_id: id,
        outcome: 'BID_TOO_LOW',
        message: 'the minimum bid is 100000 fen',
        amount: '90000',
        seq: null,
        bidder_code: null,
        ends_at: null,
        min_next_bid: null,
        at: new Date('2026-06-01T02:00:00.000Z'),
      })),
    );
    expect(
      await tableContents(env.config.DATABASE_OWNER_URL!, [
        'auctions',
        'lease_listings',
        'audit_log',
        'audit_head',
      ]),
    ).toEqual(listingBefore);
    expect(
      (await auctions.peekForBids(listing.id, [{ bidderId, clientBidId: 'r-1' }]))!.entries[0].existing,
    ).toMatchObject({
      outcome: 'BID_TOO_LOW',
      message: 'the minimum bid is 100000 fen',
    });
  });

  it('a second attempt with the same key fails on the unique key BidService retries on', async () => {
    const listing = await createListing();
    expect(await auctions.writeBids(null, refusalBatch(expectedOf(listing), [attempt(listing, 'dup')]))).toBe(
      true,
    );
    const before = await contents();
    const error = await failure(
      auctions.writeBids(null, refusalBatch(expectedOf(listing), [attempt(listing, 'dup')])),
    );
    expect(isUniqueViolation(error, UNIQUE_KEY)).toBe(true);
    expect(await contents()).toEqual(before);
    // An accepted bid with a used key fails the same way, and its listing update goes with it.
    const acceptError = await failure(
      auctions.writeBids(
        null,
        acceptBatch(acceptedBid(listing, { clientBidId: 'dup' }), expectedOf(listing)),
      ),
    );
    expect(isUniqueViolation(acceptError, UNIQUE_KEY)).toBe(true);
    expect(await contents()).toEqual(before);
    // Inside a transaction too (the locked path), where TypeORM wraps the driver's error.
    const lockedError = await failure(
      dataSource.transaction((manager) =>
        auctions.writeBids(
          manager,
          acceptBatch(acceptedBid(listing, { clientBidId: 'dup' }), expectedOf(listing)),
        ),
      ),
    );
    expect(isUniqueViolation(lockedError, UNIQUE_KEY)).toBe(true);
    expect(await contents()).toEqual(before);
  });
});

describe('closing (lockForClose, lockManyForClose, closeMany)', () => {
  it('lockForClose reads the leader’s code and name and the database’s clock, holding the row', async () => {
    const listing = await createListing();
    expect(
      await auctions.writeBids(
        null,
        acceptBatch(acceptedBid(listing, { amount: 120_000 }), expectedOf(listing)),
      ),
    ).toBe(true);
    const other = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await other.connect();
    try {
      await dataSource.transaction(async (manager) => {
        const context = await auctions.lockForClose(manager, listing.id);
        expect(context).toMatchObject({
          auction: {
            id: listing.id,
            hostType: 'lease_listing',
            currentPrice: 120_000,
            leaderId: bidderId,
            lastSeq: 1,
          },
          leaderCode: '111111',
          leaderName: '杭州某某餐饮有限公司',
        });
        expect(context!.databaseNow).toBeInstanceOf(Date);
        await expect(
          other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [listing.id]),
        ).rejects.toMatchObject({ code: '55P03' });
        expect(await auctions.lockForClose(manager, randomUUID())).toBeNull();
        // The host's part of the close (its title and term, for the deal), in the same transaction.
        expect(await listings.findDealTerms(manager, listing.id)).toMatchObject({
          title: '解放路 12 号商铺',
          leaseTermMonths: 36,
        });
      });
    } finally {
      await other.end();
    }
  });

  it('closeMany moves a listing to sold, writes its deal record and the audit entry together', async () => {
    const listing = await createListing({
      currentPrice: 120_000,
      leaderId: bidderId,
      lastSeq: 1,
      bidCount: 1,
    });
    const closedAt = new Date('2026-06-01T03:00:00.000Z');
    const auditBefore = (await audit.verify()).headSeq;
    await dataSource.transaction((manager) =>
      auctions.closeMany(
        manager,
        [
          {
            auctionId: listing.id,
            status: nextAuctionStatus('bidding', 'close_sold')!,
            closedAt,
            sold: {
              finalPrice: 120_000,
              winnerId: bidderId,
              deal: {
                category: 'property_rights',
                subtype: 'lease',
                title: listing.title,
                amount: 120_000 * 36,
              },
              winnerName: '杭州某某餐饮有限公司',
            },
          },
        ],
        [{ ...auditRecord(listing.id, 'auction.closed'), actorId: null, data: { status: 'sold' } }],
      ),
    );
    expect(await listings.findById(listing.id)).toMatchObject({
      status: 'sold',
      finalPrice: 120_000,
      winnerId: bidderId,
      closedAt,
    });
    const deals = await queryRows(
      env.config.DATABASE_OWNER_URL!,
      `SELECT category, subtype, source_type, title, amount, winner_id, winner_name, closed_at FROM deals WHERE source_id = $1`,
      [listing.id],
    );
    expect(deals).toEqual([
      {
        category: 'property_rights',
        subtype: 'lease',
        source_type: 'lease_listing',
        title: listing.title,
        amount: String(120_000 * 36),
        winner_id: bidderId,
        winner_name: '杭州某某餐饮有限公司',
        closed_at: closedAt,
      },
    ]);
    const check = await audit.verify();
    expect(check).toMatchObject({ valid: true, headSeq: auditBefore + 1 });
    const entries = await audit.list({ entityId: listing.id, limit: 10, offset: 0 });
    expect(entries.items.map((entry) => entry.action)).toEqual(['auction.closed']);
  });

  it('closeMany moves a listing to unsold with its reason and audit entry, and writes no deal', async () => {
    const listing = await createListing();
    const closedAt = new Date('2026-06-01T03:00:00.000Z');
    const dealsBefore = await tableContents(env.config.DATABASE_OWNER_URL!, ['deals']);
    await dataSource.transaction((manager) =>
      auctions.closeMany(
        manager,
        [
          {
            auctionId: listing.id,
            status: nextAuctionStatus('bidding', 'close_unsold')!,
            closedAt,
            unsold: { reason: 'no_bids' },
          },
        ],
        [{ ...auditRecord(listing.id, 'auction.closed'), actorId: null, data: { status: 'unsold' } }],
      ),
    );
    expect(await listings.findById(listing.id)).toMatchObject({
      status: 'unsold',
      statusReason: 'no_bids',
      closedAt,
    });
    expect(await tableContents(env.config.DATABASE_OWNER_URL!, ['deals'])).toEqual(dealsBefore);
    const entries = await audit.list({ entityId: listing.id, limit: 10, offset: 0 });
    expect(entries.items.map((entry) => entry.action)).toEqual(['auction.closed']);
    expect((await audit.verify()).valid).toBe(true);
  });
});

describe('closing a batch (lockManyForClose, closeMany)', () => {
  it('locks the batch in id order and reads each once, then closes all, their deals and the trail in the order given, in one statement', async () => {
    const ended = { freeBiddingEndsAt: -3 * MINUTE, endsAt: -2 * MINUTE };
    const sold = await createListing(
      { currentPrice: 120_000, leaderId: bidderId, lastSeq: 1, bidCount: 1 },
      ended,
    );
    const unsold = await createListing({}, ended);
    // Still running (its end in the future) and sold already: read, never locked.
    const running = await createListing();
    const done = await createListing({ status: 'sold' }, ended);
    const missing = randomUUID();
    const closedAt = new Date('2026-06-01T03:00:00.000Z');
    const auditBefore = (await audit.verify()).headSeq;
    const other = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await other.connect();
    const { captured, statements } = await capturingDataSource('ggzy-test-close-many');
    try {
      const repository = new AuctionsRepository(captured);
      await captured.transaction(async (manager) => {
        const contexts = await repository.lockManyForClose(
          manager,
          [unsold.id, missing, running.id, sold.id, done.id, sold.id],
          statusesAllowing('close_sold'),
        );
        expect(contexts.map((context) => [context.auction.id, context.locked])).toEqual(
          [
            [sold.id, true],
            [unsold.id, true],
            [running.id, false],
            [done.id, false],
          ].sort(([x], [y]) => ((x as string) < (y as string) ? -1 : 1)),
        );
        for (const id of [running.id, done.id])
          expect(
            (await other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [id])).rowCount,
          ).toBe(1);
        expect(contexts.find((context) => context.auction.id === sold.id)).toMatchObject({
          leaderCode: '111111',
          leaderName: '杭州某某餐饮有限公司',
        });
        for (const id of [sold.id, unsold.id])
          await expect(
            other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [id]),
          ).rejects.toMatchObject({ code: '55P03' });
        statements.length = 0;
        await repository.closeMany(
          manager,
          [
            {
              auctionId: sold.id,
              status: nextAuctionStatus('bidding', 'close_sold')!,
              closedAt,
              sold: {
                finalPrice: 120_000,
                winnerId: bidderId,
                deal: {
                  category: 'property_rights',
                  subtype: 'lease',
                  title: sold.title,
                  amount: 120_000 * 36,
                },
                winnerName: '杭州某某餐饮有限公司',
              },
            },
            {
              auctionId: unsold.id,
              status: nextAuctionStatus('bidding', 'close_unsold')!,
              closedAt,
              unsold: { reason: 'no_bids' },
            },
          ],
          [
            { ...auditRecord(sold.id, 'auction.closed'), actorId: null },
            { ...auditRecord(sold.id, 'deposit.held'), actorId: null },
            { ...auditRecord(unsold.id, 'auction.closed'), actorId: null },
          ],
        );
        expect(statements).toHaveLength(1);
      });
    } finally {
      await other.end();
      await captured.destroy();
    }
    expect(await listings.findById(sold.id)).toMatchObject({
      status: 'sold',
      finalPrice: 120_000,
      winnerId: bidderId,
      closedAt,
    });
    expect(await listings.findById(unsold.id)).toMatchObject({
      status: 'unsold',
      statusReason: 'no_bids',
      finalPrice: null,
      closedAt,
    });
    expect(
      await queryRows(
        env.config.DATABASE_OWNER_URL!,
        `SELECT source_id, source_type, amount FROM deals WHERE source_id = ANY($1::uuid[])`,
        [[sold.id, unsold.id]],
      ),
    ).toEqual([{ source_id: sold.id, source_type: 'lease_listing', amount: String(120_000 * 36) }]);
    const trail = await queryRows<{ action: string; entity_id: string }>(
      env.config.DATABASE_OWNER_URL!,
      `SELECT action, entity_id FROM audit_log WHERE seq > $1 ORDER BY seq`,
      [auditBefore],
    );
    expect(trail).toEqual([
      { action: 'auction.closed', entity_id: sold.id },
      { action: 'deposit.held', entity_id: sold.id },
      { action: 'auction.closed', entity_id: unsold.id },
    ]);
    expect((await audit.verify()).valid).toBe(true);
  });
});

describe('opening a batch (lockManyForOpen, openMany)', () => {
  it('locks the due openings only, then opens them and appends the trail in one statement', async () => {
    const due = await createListing({ status: 'announced' }, { biddingStartsAt: -MINUTE });
    const later = await createListing(
      { status: 'announced' },
      { biddingStartsAt: 10 * MINUTE, freeBiddingEndsAt: 20 * MINUTE, endsAt: 25 * MINUTE },
    );
    const other = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await other.connect();
    const { captured, statements } = await capturingDataSource('ggzy-test-open-many');
    try {
      const repository = new AuctionsRepository(captured);
      await captured.transaction(async (manager) => {
        const contexts = await repository.lockManyForOpen(
          manager,
          [later.id, due.id],
          statusesAllowing('open'),
        );
        expect(contexts.map((context) => [context.id, context.status, context.locked])).toEqual(
          [
            [due.id, 'announced', true],
            [later.id, 'announced', false],
          ].sort(([x], [y]) => ((x as string) < (y as string) ? -1 : 1)),
        );
        await expect(
          other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [due.id]),
        ).rejects.toMatchObject({ code: '55P03' });
        expect(
          (await other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [later.id])).rowCount,
        ).toBe(1);
        statements.length = 0;
        await repository.openMany(
          manager,
          [{ auctionId: due.id, status: nextAuctionStatus('announced', 'open')! }],
          [{ ...auditRecord(due.id, 'auction.opened'), actorId: null }],
        );
        expect(statements).toHaveLength(1);
      });
    } finally {
      await other.end();
      await captured.destroy();
    }
    expect((await listings.findById(due.id))!.status).toBe('bidding');
    expect((await listings.findById(later.id))!.status).toBe('announced');
    const entries = await audit.list({ entityId: due.id, limit: 10, offset: 0 });
    expect(entries.items.map((entry) => entry.action)).toEqual(['auction.opened']);
    expect((await audit.verify()).valid).toBe(true);
  });
});

describe('lockManyForClose takes its locks in id order', () => {
  it('holds the lower id while it waits for a higher one another session holds', async () => {
    const ended = { freeBiddingEndsAt: -3 * MINUTE, endsAt: -2 * MINUTE };
    const [low, high] = [await createListing({}, ended), await createListing({}, ended)].sort((a, b) =>
      a.id < b.id ? -1 : 1,
    );
    const holder = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    const prober = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await holder.connect();
    await prober.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE', [high.id]);
      // Asked for in the other order: the batch still locks the lower id first, then waits.
      const batch = dataSource.transaction((manager) =>
        auctions.lockManyForClose(manager, [high.id, low.id], statusesAllowing('close_sold')),
      );
      await someoneWaitsOnALock(prober);
      await expect(
        prober.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [low.id]),
      ).rejects.toMatchObject({ code: '55P03' });
      await holder.query('COMMIT');
      expect((await batch).map((context) => [context.auction.id, context.locked])).toEqual([
        [low.id, true],
        [high.id, true],
      ]);
    } finally {
      await holder.end();
      await prober.end();
    }
  });

  it('leaves an auction whose end a waited-for bid moved later unlocked (the condition is checked again after the wait)', async () => {
    const listing = await createListing({}, { freeBiddingEndsAt: -3 * MINUTE, endsAt: -2 * MINUTE });
    const holder = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    const prober = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await holder.connect();
    await prober.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `UPDATE auctions SET ends_at = clock_timestamp() + interval '5 minutes' WHERE id = $1`,
        [listing.id],
      );
      const batch = dataSource.transaction((manager) =>
        auctions.lockManyForClose(manager, [listing.id], statusesAllowing('close_sold')),
      );
      await someoneWaitsOnALock(prober);
      await holder.query('COMMIT');
      expect((await batch).map((context) => context.locked)).toEqual([false]);
    } finally {
      await holder.end();
      await prober.end();
    }
  });
});

describe('the statements write the status they are given, never one of their own', () => {
  /*
   * The lifecycle table in libs/domain is the only decider: the SQL applies the step it is
   * handed. A stand-in answer (one today's table never gives) must be written as it is, so a
   * statement that hard-codes 'bidding', 'sold' or 'unsold' fails here.
   */
  const closedAt = new Date('2026-06-01T03:00:00.000Z');
  const closeAudit = (id: string) => ({ ...auditRecord(id, 'auction.closed'), actorId: null });
  it.each<[string, Partial<LeaseListing>, (listing: LeaseListing) => Promise<unknown>, string]>([
    [
      'the batch write (announced → announced)',
      { status: 'announced' },
      async (listing) =>
        // Applied (not refused): the status it leaves is the one it was handed.
        expect(
          await auctions.writeBids(null, acceptBatch(acceptedBid(listing), expectedOf(listing), 'announced')),
        ).toBe(true),
      'announced',
    ],
    [
      'closeMany, sold (→ unsold)',
      { currentPrice: 120_000, leaderId: bidderId, lastSeq: 1, bidCount: 1 },
      (listing) =>
        dataSource.transaction((manager) =>
          auctions.closeMany(
            manager,
            [
              {
                auctionId: listing.id,
                status: 'unsold',
                closedAt,
                sold: {
                  finalPrice: 120_000,
                  winnerId: bidderId,
                  deal: { category: 'property_rights', subtype: 'lease', title: listing.title, amount: 1 },
                  winnerName: '杭州某某餐饮有限公司',
                },
              },
            ],
            [closeAudit(listing.id)],
          ),
        ),
      'unsold',
    ],
    [
      'closeMany, unsold (→ sold)',
      {},
      (listing) =>
        dataSource.transaction((manager) =>
          auctions.closeMany(
            manager,
            [{ auctionId: listing.id, status: 'sold', closedAt, unsold: { reason: 'no_bids' } }],
            [closeAudit(listing.id)],
          ),
        ),
      'sold',
    ],
  ])('%s', async (_statement, changes, run, written) => {
    const listing = await createListing(changes);
    await run(listing);
    expect((await listings.findById(listing.id))!.status).toBe(written);
  });
});

describe('the sweeper’s query (findOverdue)', () => {
  // What the worker passes: the statuses the lifecycle table lets close and open.
  const LIVE = { closable: statusesAllowing('close_sold'), openable: statusesAllowing('open') };

  it('lists live listings whose open or close is more than the grace overdue, by the database’s clock', async () => {
    const closeOverdue = await createListing({}, { freeBiddingEndsAt: -3 * MINUTE, endsAt: -2 * MINUTE });
    const openOverdue = await createListing({ status: 'announced' }, { biddingStartsAt: -2 * MINUTE });
    const withinGrace = await createListing({}, { freeBiddingEndsAt: -MINUTE, endsAt: -1000 });
    const notDue = await createListing({ status: 'announced' }, { biddingStartsAt: 5 * MINUTE });
    const suspended = await createListing(
      { status: 'suspended', suspendedAt: new Date() },
      { freeBiddingEndsAt: -3 * MINUTE, endsAt: -2 * MINUTE },
    );
    const overdue = await auctions.findOverdue(MINUTE, LIVE);
    const mine = new Map(overdue.map((row) => [row.id, row]));
    expect(mine.get(closeOverdue.id)).toEqual({
      id: closeOverdue.id,
      endsAt: closeOverdue.endsAt,
      closeDue: true,
    });
    expect(mine.get(openOverdue.id)).toEqual({
      id: openOverdue.id,
      endsAt: openOverdue.endsAt,
      closeDue: false,
    });
    for (const listing of [withinGrace, notDue, suspended]) expect(mine.has(listing.id)).toBe(false);
    // With no grace the one just past its end is due too.
    expect((await auctions.findOverdue(0, LIVE)).find((row) => row.id === withinGrace.id)).toMatchObject({
      closeDue: true,
    });
  });
});

describe('the sweeper reads only what is due, however many auctions are scheduled', () => {
  const LIVE = { closable: statusesAllowing('close_sold'), openable: statusesAllowing('open') };
  const NOT_DUE = 20_000;

  it('plans both branches as index ranges and touches a few pages next to 20,000 auctions not due', async () => {
    const owner = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL });
    await owner.connect();
    try {
      // Auctions not due for hours, announced and bidding, written straight in (no hosts needed).
      await owner.query(
        `INSERT INTO auctions (id, host_type, status, start_price, increment, max_bid, bidding_starts_at,
           free_bidding_ends_at, extension_seconds, ends_at)
         SELECT gen_random_uuid(), 'lease_listing', CASE WHEN n % 2 = 0 THEN 'bidding' ELSE 'announced' END,
           100000, 1000, 1000000000, now() + make_interval(mins => 60 + n % 600),
           now() + make_interval(mins => 120 + n % 600), 1, now() + make_interval(mins => 180 + n % 600)
         FROM generate_series(1, $1::int) n`,
        [NOT_DUE],
      );
      await owner.query('ANALYZE auctions');
      const due = await createListing({}, { freeBiddingEndsAt: -3 * MINUTE, endsAt: -2 * MINUTE });
      const { captured, statements } = await capturingDataSource('ggzy-test-sweeper-plan');
      let values: unknown[] = [];
      const query = captured.query.bind(captured);
      captured.query = ((text: string, parameters?: unknown[]) => {
        values = parameters ?? [];
        return query(text, parameters);
      }) as typeof captured.query;
      const sweeper = new AuctionsRepository(captured);
      const overdue = await sweeper.findOverdue(MINUTE, LIVE);
      await captured.destroy();
      expect(overdue.map((row) => row.id)).toContain(due.id);
      expect(statements).toHaveLength(1);
      const { rows } = await owner.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statements[0]}`, values);
      const plan = (rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0].Plan;
      const nodes = flatten(plan);
      const scans = nodes.filter((node) => node['Relation Name'] === 'auctions' || node['Index Name']);
      expect(scans.map((node) => node['Node Type'])).not.toContain('Seq Scan');
      expect(
        nodes.filter((node) => node['Node Type'] === 'Bitmap Index Scan').map((node) => node['Index Name']),
      ).toEqual(['auctions_status_ends_idx', 'auctions_status_starts_idx']);
      // A sequential read of the table alone would be hundreds of pages.
      expect(plan['Shared Hit Blocks']! + plan['Shared Read Blocks']!).toBeLessThan(50);
    } finally {
      await owner.query(`DELETE FROM auctions WHERE host_type = 'lease_listing' AND NOT EXISTS
        (SELECT 1 FROM lease_listings l WHERE l.id = auctions.id)`);
      await owner.end();
    }
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}
const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

describe('the rebuild’s page (findScheduledPage)', () => {
  it('pages the live auctions in id order after the key given, with what each next step needs', async () => {
    const live = statusesAllowing('close_sold');
    const made = [
      await createListing({ status: 'announced' }, { biddingStartsAt: 5 * MINUTE }),
      await createListing({}, { freeBiddingEndsAt: MINUTE, endsAt: 2 * MINUTE }),
      await createListing({ status: 'announced' }, { biddingStartsAt: 10 * MINUTE }),
    ];
    const ended = await createListing(
      { status: 'sold' },
      { freeBiddingEndsAt: -3 * MINUTE, endsAt: -2 * MINUTE },
    );
    const everyLive: { id: string; status: string; biddingStartsAt: Date; endsAt: Date }[] = [];
    let afterId: string | null = null;
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(1000);
      const page = await auctions.findScheduledPage(live, afterId, 2);
      expect(page.length).toBeLessThanOrEqual(2);
      if (page.length === 0) break;
      everyLive.push(...page);
      afterId = page[page.length - 1].id;
    }
    const ids = everyLive.map((row) => row.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(ended.id);
    for (const listing of made)
      expect(everyLive.find((row) => row.id === listing.id)).toEqual({
        id: listing.id,
        status: listing.status,
        biddingStartsAt: listing.biddingStartsAt,
        endsAt: listing.endsAt,
      });
    const [{ n }] = await queryRows<{ n: number }>(
      env.config.DATABASE_OWNER_URL!,
      `SELECT count(*)::int AS n FROM auctions WHERE status = ANY($1::varchar[])`,
      [live],
    );
    expect(ids).toHaveLength(n);
  });
});

describe('the bids.arrival migration (1764370000000-bid-arrival)', () => {
  const owner = () => env.config.DATABASE_OWNER_URL!;

  it('adds arrival as an identity only the database fills, in write order, and the attempts index on it', async () => {
    expect(
      await queryRows(
        owner(),
        `SELECT data_type, is_nullable, is_identity, identity_generation FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name = 'bids' AND column_name = 'arrival'`,
      ),
    ).toEqual([
      { data_type: 'bigint', is_nullable: 'NO', is_identity: 'YES', identity_generation: 'ALWAYS' },
    ]);
    const [index] = await queryRows<{ indexdef: string }>(
      owner(),
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'bids' AND indexname = 'bids_auction_attempts_idx'`,
    );
    expect(index.indexdef).toMatch(/\(auction_id, at, arrival\)$/);

    // Three statements, each later one with an earlier `at`: arrival follows the writes, not the times.
    const listing = await createListing();
    const time = (second: number) => new Date(`2026-06-01T02:00:0${second}.000Z`);
    expect(
      await auctions.writeBids(
        null,
        refusalBatch(expectedOf(listing), [
          rejectedBid(listing, { clientBidId: 'w-2', at: time(3) }),
          rejectedBid(listing, { bidderId: rivalId, clientBidId: 'w-1', at: time(3) }),
        ]),
      ),
    ).toBe(true);
    expect(
      await auctions.writeBids(
        null,
        acceptBatch(acceptedBid(listing, { clientBidId: 'w-4', at: time(1) }), expectedOf(listing)),
      ),
    ).toBe(true);
    expect(
      await dataSource.transaction((manager) =>
        auctions.writeBids(
          manager,
          refusalBatch({ ...expectedOf(listing), lastSeq: 1 }, [
            rejectedBid(listing, { bidderId: rivalId, clientBidId: 'w-3', at: time(2) }),
          ]),
        ),
      ),
    ).toBe(true);
    const rows = await bidRows(listing.id);
    expect(rows.map((row) => row.client_bid_id)).toEqual(['w-2', 'w-1', 'w-4', 'w-3']);
    const arrivals = rows.map((row) => BigInt(row.arrival as string));
    expect(arrivals.every((arrival, i) => i === 0 || arrival > arrivals[i - 1])).toBe(true);
    // Supervisors' list: by time first, arrival within a time.
    expect((await auctions.listAttempts(listing.id, 10, 0)).items.map((bid) => bid.clientBidId)).toEqual([
      'w-4',
      'w-3',
      'w-2',
      'w-1',
    ]);

    // Neither the apps nor the owner may write it themselves.
    for (const url of [env.config.DATABASE_URL, owner()]) {
      const forced = await failure(
        queryRows(
          url,
          `INSERT INTO bids (auction_id, bidder_id, client_bid_id, amount, outcome, at, arrival)
           VALUES ($1, $2, 'forced', 1, 'BID_TOO_LOW', now(), 1)`,
          [listing.id, bidderId],
        ),
      );
      expect(forced).toMatchObject({ code: '428C9' });
    }
  });

  it('numbers the rows already there in storage order, and its down() takes the column and index away', async () => {
    const listing = await createListing();
    expect(
      await auctions.writeBids(
        null,
        refusalBatch(expectedOf(listing), [rejectedBid(listing), rejectedBid(listing)]),
      ),
    ).toBe(true);
    const client = new pg.Client({ connectionString: owner() });
    await client.connect();
    const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
    const migration = new BidArrival1764370000000();
    const column = async () =>
      (
        await client.query(
          `SELECT 1 FROM information_schema.columns WHERE table_name = 'bids' AND column_name = 'arrival'`,
        )
      ).rowCount;
    const attemptsIndex = async () =>
      (await client.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'bids_auction_attempts_idx'`)).rowCount;
    // Inside a transaction that is rolled back: the schema the other tests use stays as migrated.
    await client.query('BEGIN');
    try {
      await migration.down(runner);
      expect([await column(), await attemptsIndex()]).toEqual([0, 0]);
      await migration.up(runner);
      expect([await column(), await attemptsIndex()]).toEqual([1, 1]);
      const { rows } = await client.query<{ arrival: string | null }>(
        `SELECT arrival FROM bids ORDER BY ctid`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(2);
      const arrivals = rows.map((row) => row.arrival);
      expect(arrivals).not.toContain(null);
      const numbers = arrivals.map((arrival) => BigInt(arrival!));
      expect(numbers.every((arrival, i) => i === 0 || arrival > numbers[i - 1])).toBe(true);
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
    expect(
      await queryRows(
        owner(),
        `SELECT 1 FROM information_schema.columns WHERE table_name = 'bids' AND column_name = 'arrival'`,
      ),
    ).toHaveLength(1);
  });
});
