import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource, type Logger } from 'typeorm';
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
  type StatusStep,
} from '../../libs/persistence/src/auctions/auctions.repository.js';
import { UsersRepository } from '../../libs/persistence/src/users.repository.js';
import { RegistrationsRepository } from '../../libs/persistence/src/registrations/registrations.repository.js';
import { nextAuctionStatus, statusesAllowing } from '../../libs/domain/src/auction-lifecycle.js';
import { createTestEnvironment, type TestEnvironment } from '../support/environment.js';
import { queryRows, tableContents } from '../support/checks.js';

/**
 * AuctionsRepository against PostgreSQL (with lease listings as the auctions' hosts, set up
 * through LeaseListingsRepository): its own fresh database, migrated as the owner, used
 * through the app role as the apps use it. The service specs take these statements'
 * contracts for granted (their fakes copy them); this file proves them on the real SQL —
 * the accept statement's conditions on last_seq, ends_at, status and clock_timestamp(), the
 * unique key a racing copy of a bid runs into, the close statements' deal and audit writes,
 * the auction lock, and the sweeper's overdue query.
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
const BID_TABLES = ['bids', 'auctions', 'lease_listings', 'audit_log', 'deals'];

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

/** The step an accepted bid takes from the status the rules read, as the lifecycle table says. */
function acceptStep(readStatus: 'announced' | 'bidding'): StatusStep {
  return { from: readStatus, to: nextAuctionStatus(readStatus, 'accept_bid')! };
}
const BIDDING = acceptStep('bidding');

function auditRecord(listingId: string, action = 'bid.accepted'): AuditRecord {
  return {
    at: new Date(),
    actorId: bidderId,
    action,
    entityType: 'lease_listing',
    entityId: listingId,
    data: {},
  };
}

const contents = () => tableContents(env.config.DATABASE_OWNER_URL!, BID_TABLES);

describe('the accept statement (appendAcceptedBidIfUnchanged)', () => {
  it('writes the bid, moves the listing and appends the audit entry, all in one statement', async () => {
    const listing = await createListing({ status: 'announced' });
    const bid = acceptedBid(listing);
    const expected = { lastSeq: listing.lastSeq, endsAt: listing.endsAt };
    expect(
      await auctions.appendAcceptedBidIfUnchanged(
        bid,
        expected,
        acceptStep('announced'),
        auditRecord(listing.id),
      ),
    ).toBe(true);
    expect(await listings.findById(listing.id)).toMatchObject({
      status: 'bidding',
      currentPrice: 100_000,
      leaderId: bidderId,
      bidCount: 1,
      lastSeq: 1,
    });
    const [row] = await queryRows(
      env.config.DATABASE_OWNER_URL!,
      'SELECT outcome, seq, amount, bidder_code FROM bids WHERE auction_id = $1',
      [listing.id],
    );
    expect(row).toEqual({ outcome: 'accepted', seq: 1, amount: '100000', bidder_code: '111111' });
    const entries = await audit.list({ entityId: listing.id, limit: 10, offset: 0 });
    expect(entries.items.map((entry) => entry.action)).toEqual(['bid.accepted']);
    expect((await audit.verify()).valid).toBe(true);
    // The same expectation again is stale now: nothing is written.
    const before = await contents();
    expect(
      await auctions.appendAcceptedBidIfUnchanged(
        acceptedBid(listing),
        expected,
        acceptStep('announced'),
        auditRecord(listing.id),
      ),
    ).toBe(false);
    expect(await contents()).toEqual(before);
  });

  it.each<
    [
      string,
      Partial<LeaseListing>,
      Parameters<typeof createListing>[1],
      (l: LeaseListing) => {
        lastSeq: number;
        endsAt: Date;
      },
    ]
  >([
    ['another bid moved last_seq', {}, {}, (l) => ({ lastSeq: l.lastSeq + 1, endsAt: l.endsAt })],
    [
      'a countdown bid moved ends_at',
      {},
      {},
      (l) => ({ lastSeq: l.lastSeq, endsAt: new Date(l.endsAt.getTime() - 1) }),
    ],
    [
      'the listing was suspended',
      { status: 'suspended', suspendedAt: new Date() },
      {},
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt }),
    ],
    [
      'the listing was cancelled',
      { status: 'cancelled' },
      {},
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt }),
    ],
    [
      'clock_timestamp() is before bidding_starts_at',
      { status: 'announced' },
      { biddingStartsAt: 10 * MINUTE },
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt }),
    ],
    [
      'clock_timestamp() is past ends_at (no job closed it yet)',
      {},
      { freeBiddingEndsAt: -2 * MINUTE, endsAt: -1000 },
      (l) => ({ lastSeq: l.lastSeq, endsAt: l.endsAt }),
    ],
  ])('writes nothing when %s', async (_why, changes, offsets, expectation) => {
    const listing = await createListing(changes, offsets);
    const before = await contents();
    const bid = acceptedBid(listing);
    // What the rules read before the listing moved: announced or bidding.
    const step = acceptStep(listing.status === 'announced' ? 'announced' : 'bidding');
    expect(
      await auctions.appendAcceptedBidIfUnchanged(bid, expectation(listing), step, auditRecord(listing.id)),
    ).toBe(false);
    expect(await contents()).toEqual(before);
    // The locked variant runs the same statement: the same answer inside a transaction.
    expect(
      await dataSource.transaction((manager) =>
        auctions.appendAcceptedBid(
          manager,
          acceptedBid(listing),
          expectation(listing),
          step,
          auditRecord(listing.id),
        ),
      ),
    ).toBe(false);
    expect(await contents()).toEqual(before);
  });
});

describe('the bid path’s reads and the locked append', () => {
  it('peekForBid reads the listing as the rules need it, the registration and the database’s clock', async () => {
    const listing = await createListing({ reservePrice: 150_000 });
    const before = await databaseNow();
    const context = await auctions.peekForBid(listing.id, bidderId, 'c-1');
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
        currentPrice: null,
        leaderId: null,
        lastSeq: 0,
        endsAt: listing.endsAt,
      },
      registration: { status: 'qualified', bidderCode: '111111' },
      existing: null,
    });
    expect(context!.databaseNow.getTime()).toBeGreaterThanOrEqual(before);
    expect(await auctions.peekForBid(randomUUID(), bidderId, 'c-1')).toBeNull();
    const stranger = await auctions.peekForBid(listing.id, staffId, 'c-1');
    expect(stranger!.registration).toBeNull();
  });

  it('lockForBid holds the listing row until commit; appendAcceptedBid writes under it; the attempt is then found by its key', async () => {
    const listing = await createListing();
    const other = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await other.connect();
    try {
      await dataSource.transaction(async (manager) => {
        const context = await auctions.lockForBid(manager, listing.id, bidderId, 'k-1');
        expect(context!.existing).toBeNull();
        await expect(
          other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [listing.id]),
        ).rejects.toMatchObject({ code: '55P03' });
        const bid = acceptedBid(listing, { clientBidId: 'k-1', at: context!.databaseNow });
        const expected = { lastSeq: context!.auction.lastSeq, endsAt: context!.auction.endsAt };
        expect(
          await auctions.appendAcceptedBid(manager, bid, expected, BIDDING, auditRecord(listing.id)),
        ).toBe(true);
      });
      await other.query('SELECT 1 FROM auctions WHERE id = $1 FOR UPDATE NOWAIT', [listing.id]);
    } finally {
      await other.end();
    }
    const again = await auctions.peekForBid(listing.id, bidderId, 'k-1');
    expect(again!.existing).toMatchObject({
      outcome: 'accepted',
      seq: 1,
      clientBidId: 'k-1',
      bidderCode: '111111',
    });
    // The key is the bidder's own: the rival's read with the same clientBidId finds nothing.
    expect((await auctions.peekForBid(listing.id, rivalId, 'k-1'))!.existing).toBeNull();
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
    expect((await auctions.peekForBid(listing.id, outsider, 'x-1'))!.registration).toBeNull();
    await dataSource.transaction(async (manager) => {
      expect((await auctions.lockForBid(manager, listing.id, outsider, 'x-1'))!.registration).toBeNull();
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
        const expected = { lastSeq: seq - 1, endsAt: listing.endsAt };
        expect(
          await auctions.appendAcceptedBid(manager, bid, expected, BIDDING, auditRecord(listing.id)),
        ).toBe(true);
      }
    });
    // The SQL the reads DataSource sends, captured by its own logger (every statement goes
    // through logQuery when query logging is on).
    const statements: string[] = [];
    const capture: Logger = {
      logQuery: (query) => void statements.push(query),
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    const base = createDataSource(env.config.DATABASE_URL, 2, 'ggzy-test-resync');
    const reads = await new DataSource({ ...base.options, logging: ['query'], logger: capture }).initialize();
    statements.length = 0; // initialize()'s own statements
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

describe('rejections (recordRejectedBid)', () => {
  const attempt = (auctionId: string, clientBidId: string) => ({
    auctionId,
    bidderId,
    clientBidId,
    amount: 90_000,
    code: 'BID_TOO_LOW',
    message: 'the minimum bid is 100000 fen',
    at: new Date('2026-06-01T02:00:00.000Z'),
  });

  it('are kept with their code and message, lock-free or inside a transaction, touching nothing else', async () => {
    const listing = await createListing();
    const listingBefore = await tableContents(env.config.DATABASE_OWNER_URL!, [
      'auctions',
      'lease_listings',
      'audit_log',
    ]);
    await auctions.recordRejectedBid(null, attempt(listing.id, 'r-1'));
    await dataSource.transaction((manager) =>
      auctions.recordRejectedBid(manager, attempt(listing.id, 'r-2')),
    );
    const rows = await queryRows(
      env.config.DATABASE_OWNER_URL!,
      `SELECT client_bid_id, outcome, message, amount, seq, bidder_code, at FROM bids WHERE auction_id = $1 ORDER BY client_bid_id`,
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
        at: new Date('2026-06-01T02:00:00.000Z'),
      })),
    );
    expect(
      await tableContents(env.config.DATABASE_OWNER_URL!, ['auctions', 'lease_listings', 'audit_log']),
    ).toEqual(listingBefore);
    expect((await auctions.peekForBid(listing.id, bidderId, 'r-1'))!.existing).toMatchObject({
      outcome: 'BID_TOO_LOW',
      message: 'the minimum bid is 100000 fen',
    });
  });

  it('a second attempt with the same key fails on the unique key BidService retries on', async () => {
    const listing = await createListing();
    await auctions.recordRejectedBid(null, attempt(listing.id, 'dup'));
    const error = await auctions.recordRejectedBid(null, attempt(listing.id, 'dup')).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isUniqueViolation(error, 'bids_auction_id_bidder_id_client_bid_id_key')).toBe(true);
    // An accepted bid with a used key fails the same way, and its listing update goes with it.
    const before = await contents();
    const accepted = auctions.appendAcceptedBidIfUnchanged(
      acceptedBid(listing, { clientBidId: 'dup' }),
      { lastSeq: 0, endsAt: listing.endsAt },
      BIDDING,
      auditRecord(listing.id),
    );
    const acceptError = await accepted.then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isUniqueViolation(acceptError, 'bids_auction_id_bidder_id_client_bid_id_key')).toBe(true);
    expect(await contents()).toEqual(before);
  });
});

describe('closing (lockForClose, closeSold, closeUnsold)', () => {
  it('lockForClose reads the leader’s code and name and the database’s clock, holding the row', async () => {
    const listing = await createListing();
    await auctions.appendAcceptedBidIfUnchanged(
      acceptedBid(listing, { amount: 120_000 }),
      { lastSeq: 0, endsAt: listing.endsAt },
      BIDDING,
      auditRecord(listing.id),
    );
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

  it('closeSold moves the listing to sold, writes its deal record and the audit entry together', async () => {
    const listing = await createListing({
      currentPrice: 120_000,
      leaderId: bidderId,
      lastSeq: 1,
      bidCount: 1,
    });
    const closedAt = new Date('2026-06-01T03:00:00.000Z');
    const auditBefore = (await audit.verify()).headSeq;
    await dataSource.transaction((manager) =>
      auctions.closeSold(
        manager,
        {
          auctionId: listing.id,
          status: nextAuctionStatus('bidding', 'close_sold')!,
          finalPrice: 120_000,
          winnerId: bidderId,
          closedAt,
          deal: { category: 'property_rights', subtype: 'lease', title: listing.title, amount: 120_000 * 36 },
          winnerName: '杭州某某餐饮有限公司',
        },
        { ...auditRecord(listing.id, 'auction.closed'), actorId: null, data: { status: 'sold' } },
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

  it('closeUnsold moves the listing to unsold with its reason and audit entry, and writes no deal', async () => {
    const listing = await createListing();
    const closedAt = new Date('2026-06-01T03:00:00.000Z');
    const dealsBefore = await tableContents(env.config.DATABASE_OWNER_URL!, ['deals']);
    await dataSource.transaction((manager) =>
      auctions.closeUnsold(
        manager,
        {
          auctionId: listing.id,
          status: nextAuctionStatus('bidding', 'close_unsold')!,
          closedAt,
          reason: 'no_bids',
        },
        { ...auditRecord(listing.id, 'auction.closed'), actorId: null, data: { status: 'unsold' } },
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
      'the accept statement (announced → announced)',
      { status: 'announced' },
      (listing) =>
        auctions.appendAcceptedBidIfUnchanged(
          acceptedBid(listing),
          { lastSeq: listing.lastSeq, endsAt: listing.endsAt },
          { from: 'announced', to: 'announced' },
          auditRecord(listing.id),
        ),
      'announced',
    ],
    [
      'closeSold (→ unsold)',
      { currentPrice: 120_000, leaderId: bidderId, lastSeq: 1, bidCount: 1 },
      (listing) =>
        dataSource.transaction((manager) =>
          auctions.closeSold(
            manager,
            {
              auctionId: listing.id,
              status: 'unsold',
              finalPrice: 120_000,
              winnerId: bidderId,
              closedAt,
              deal: { category: 'property_rights', subtype: 'lease', title: listing.title, amount: 1 },
              winnerName: '杭州某某餐饮有限公司',
            },
            closeAudit(listing.id),
          ),
        ),
      'unsold',
    ],
    [
      'closeUnsold (→ sold)',
      {},
      (listing) =>
        dataSource.transaction((manager) =>
          auctions.closeUnsold(
            manager,
            { auctionId: listing.id, status: 'sold', closedAt, reason: 'no_bids' },
            closeAudit(listing.id),
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
