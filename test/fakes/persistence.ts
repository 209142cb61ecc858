import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { DepositState, Sanction } from '@ggzy/domain';
import type {
  AuctionEntity,
  AuctionsRepository,
  AuditLogRepository,
  AuditRecord,
  BatchContext,
  BidBatchWrite,
  BidEntity,
  BidKey,
  AuctionClose,
  CloseContext,
  OpeningContext,
  LeaseListing,
  LeaseListingsRepository,
  NewLeaseListing,
  RegistrationEntity,
  RegistrationHost,
  RegistrationsRepository,
} from '../../libs/persistence/src/index.js';
import { checkNotBanned, leaseMaxBid, type ListingStatus } from '../../libs/domain/src/index.js';

/**
 * In-memory fakes of the persistence repositories, for the service specs (the middle tier:
 * the use cases wired to the rules, no database). Each fake implements the real class's
 * public methods the services call, typed with `Pick<RealClass, …>`, so a signature change in
 * a repository breaks the fake at compile time (`npm run typecheck`). They keep the
 * repositories' contracts that the services rely on: the conditional batch write of bids (same
 * last seq, same end, same status; with an accepted bid, open by the database's clock; all of
 * it or nothing), the unique keys (one attempt per clientBidId, one registration per bidder),
 * and transactions that leave nothing behind when they throw. The SQL itself is proved against PostgreSQL in test/repositories/.
 */

/** A deal row as closeMany writes it. */
export interface FakeDeal {
  sourceId: string;
  category: string;
  subtype: string | null;
  title: string;
  amount: number;
  winnerId: string;
  winnerName: string;
  closedAt: Date;
}

/** A lease listing and its auction (same id) in one row, as the services see them joined. */
interface Tables {
  listings: Map<string, LeaseListing>;
  registrations: Map<string, RegistrationEntity>;
  users: Map<string, { id: string; displayName: string }>;
  bids: BidEntity[];
  audit: AuditRecord[];
  deals: FakeDeal[];
}

/** The transaction handle the fakes are given: they check it is the one the fake data source opened. */
const MANAGER = { fake: 'manager' } as unknown as EntityManager;

/** What PostgreSQL's driver throws on a unique key, as far as isUniqueViolation reads it. */
export function uniqueViolation(constraint: string): Error {
  return Object.assign(new Error(`duplicate key value violates unique constraint "${constraint}"`), {
    code: '23505',
    constraint,
  });
}

/** The tables and the database's clock (clock_timestamp()), shared by every fake repository. */
export class FakeDatabase {
  tables: Tables = {
    listings: new Map(),
    registrations: new Map(),
    users: new Map(),
    bids: [],
    audit: [],
    deals: [],
  };
  /** clock_timestamp(): tests move it. */
  now: Date;
  transactions = 0;
  rolledBack = 0;

  constructor(now: Date) {
    this.now = new Date(now);
  }

  clockTimestamp(): Date {
    return new Date(this.now);
  }

  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }

  /** DataSource.transaction: what the callback wrote is undone when it throws. */
  async transaction<T>(run: (manager: EntityManager) => Promise<T>): Promise<T> {
    this.transactions += 1;
    const before = structuredClone(this.tables);
    try {
      return await run(MANAGER);
    } catch (error) {
      this.tables = before;
      this.rolledBack += 1;
      throw error;
    }
  }

  /** The data source the services are given; only `transaction` is theirs to call. */
  asDataSource(): DataSource {
    return strict<DataSource>(
      { transaction: this.transaction.bind(this) } as Partial<DataSource>,
      'DataSource',
    );
  }
}

/** A fake passed where the real class is expected; a method it lacks fails loudly, by name. */
export function strict<T extends object>(fake: Partial<T>, name: string): T {
  return new Proxy(fake, {
    get(target, property, receiver) {
      if (property in target || typeof property === 'symbol' || property === 'then')
        return Reflect.get(target, property, receiver);
      throw new Error(`${name} fake does not implement ${String(property)}`);
    },
  }) as T;
}

function inTransaction(manager: EntityManager | null) {
  if (manager !== null && manager !== MANAGER) throw new Error('not the fake data source’s transaction');
}

type AuctionsMethods =
  | 'peekForBids'
  | 'lockForBids'
  | 'writeBids'
  | 'lockById'
  | 'update'
  | 'findWithLeaderCode'
  | 'acceptedBidsAfter'
  | 'findBidderCode'
  | 'databaseNow'
  | 'lockForClose'
  | 'lockManyForClose'
  | 'lockManyForOpen'
  | 'openMany'
  | 'closeMany'
  | 'listAcceptedBids'
  | 'listAttempts';

type ListingsMethods =
  | 'lockById'
  | 'findById'
  | 'findWithLeaderCode'
  | 'findDealTerms'
  | 'update'
  | 'list'
  | 'databaseNow'
  | 'insertDraft';

type RegistrationsMethods =
  'find' | 'findOf' | 'insert' | 'bidderCodeTaken' | 'update' | 'list' | 'listOfBidder';

/**
 * A listing as a test sets it up: the fields a test does not name take these values. The
 * auction's limit follows the lease term, as LeaseListingsRepository writes it.
 */
export function listingRow(now: Date, overrides: Partial<LeaseListing> = {}): LeaseListing {
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  return {
    maxBid: leaseMaxBid(overrides.leaseTermMonths ?? 36),
    allowSelfOutbid: false,
    id: randomUUID(),
    code: 'GF20260001',
    title: '解放路 12 号商铺',
    address: '解放路 12 号',
    areaSqm: 80,
    usage: 'retail',
    leaseTermMonths: 36,
    startPrice: 100_000,
    increment: 5_000,
    deposit: 200_000,
    reservePrice: null,
    registrationStartsAt: at(-120),
    registrationEndsAt: at(-60),
    biddingStartsAt: at(-30),
    freeBiddingEndsAt: at(30),
    extensionSeconds: 300,
    status: 'bidding',
    endsAt: at(35),
    currentPrice: null,
    leaderId: null,
    bidCount: 0,
    lastSeq: 0,
    qualifiedCount: 0,
    finalPrice: null,
    winnerId: null,
    closedAt: null,
    statusReason: null,
    suspendedAt: null,
    suspensionComplaintId: null,
    createdBy: randomUUID(),
    // A listing past its draft was published (the public may read only those); a draft was not.
    publishedAt: (overrides.status ?? 'bidding') === 'draft' ? null : at(-150),
    createdAt: at(-180),
    updatedAt: at(-180),
    ...overrides,
  };
}

/** The auction side of a row, as AuctionsRepository returns it. */
function auctionOf(row: LeaseListing): AuctionEntity {
  const { id, createdAt, updatedAt } = row;
  const fields = Object.fromEntries(
    Object.entries(row).filter(([field]) => !LISTING_ONLY.has(field)),
  ) as unknown as AuctionEntity;
  return structuredClone({ ...fields, id, hostType: 'lease_listing', createdAt, updatedAt });
}

const LISTING_ONLY = new Set([
  'code',
  'title',
  'address',
  'areaSqm',
  'usage',
  'leaseTermMonths',
  'deposit',
  'registrationStartsAt',
  'registrationEndsAt',
  'qualifiedCount',
  'createdBy',
]);

/** Test set-up over FakeDatabase, shared by both fakes: listings (with their auctions), registrations, users. */
class FakeRows {
  constructor(protected readonly db: FakeDatabase) {}

  protected get t() {
    return this.db.tables;
  }

  addListing(overrides: Partial<LeaseListing> = {}): LeaseListing {
    const listing = listingRow(this.db.now, overrides);
    this.t.listings.set(listing.id, listing);
    return listing;
  }

  addRegistration(
    listingId: string,
    bidderId: string,
    status: RegistrationEntity['status'] = 'qualified',
    bidderCode: string | null = status === 'qualified' ? String(100000 + this.t.registrations.size) : null,
  ): RegistrationEntity {
    const registration: RegistrationEntity = {
      id: randomUUID(),
      hostType: 'lease_listing',
      hostId: listingId,
      bidderId,
      status,
      bidderCode,
      organizationCode: null,
      organizationName: null,
      rejectReason: null,
      depositReceivedAt: null,
      decidedBy: null,
      decidedAt: null,
      createdAt: this.db.clockTimestamp(),
    };
    this.t.registrations.set(registration.id, registration);
    return registration;
  }

  addUser(id: string, displayName: string) {
    this.t.users.set(id, { id, displayName });
  }

  listing(id: string): LeaseListing {
    const listing = this.t.listings.get(id);
    if (!listing) throw new Error(`no listing ${id}`);
    return listing;
  }

  bidsOf(listingId: string): BidEntity[] {
    return this.t.bids.filter((bid) => bid.auctionId === listingId);
  }

  /** bids_auction_id_bidder_id_client_bid_id_key */
  protected insertBid(bid: BidEntity) {
    if (
      this.t.bids.some(
        (b) =>
          b.auctionId === bid.auctionId && b.bidderId === bid.bidderId && b.clientBidId === bid.clientBidId,
      )
    )
      throw uniqueViolation('bids_auction_id_bidder_id_client_bid_id_key');
    this.t.bids.push(bid);
  }
}

/**
 * AuctionsRepository over FakeDatabase. `beforeWrite` runs once per batch write (writeBids),
 * awaited before its conditions are checked: a test uses it to let another writer move the
 * auction first (the optimistic path must then read again), to move the database's clock, to
 * throw, or to hold the write pending while more bids arrive (holdNextWrite).
 */
export class FakeAuctionsRepository extends FakeRows implements Pick<AuctionsRepository, AuctionsMethods> {
  beforeWrite: Array<() => void | Promise<void>> = [];
  /** writeBids calls, lock-free (no manager) and inside the fake data source's transaction. */
  writeCalls = { unlocked: 0, locked: 0 };
  /** Every batch writeBids was given, applied or not, in call order. */
  writes: BidBatchWrite[] = [];
  /** Sanctions (credit) the batch read finds bidders' bans among, as its join does. */
  sanctions: Sanction[] = [];
  /** How many times each read ran: the bid path's, and those a watcher's answer is made from. */
  readCalls = { peekForBids: 0, lockForBids: 0, acceptedBidsAfter: 0, findBidderCode: 0 };

  /** Another writer's accepted bid, as it would land between this service's read and write. */
  rivalBid(listingId: string, bidderId: string, amount: number, clientBidId: string = randomUUID()): void {
    const listing = this.listing(listingId);
    const seq = listing.lastSeq + 1;
    this.insertBid({
      id: randomUUID(),
      auctionId: listingId,
      bidderId,
      clientBidId,
      amount,
      outcome: 'accepted',
      message: null,
      seq,
      bidderCode: '999999',
      endsAt: listing.endsAt,
      minNextBid: amount + listing.increment,
      at: this.db.clockTimestamp(),
    });
    Object.assign(listing, {
      currentPrice: amount,
      leaderId: bidderId,
      bidCount: listing.bidCount + 1,
      lastSeq: seq,
    });
  }

  /**
   * Queues a beforeWrite hook that holds its write (the next one not already given a hook)
   * until `release` is called: bids submitted meanwhile wait behind it and form the next
   * batch. `reached` resolves once the write is being held.
   */
  holdNextWrite(): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reach!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (reach = resolve));
    this.beforeWrite.push(() => {
      reach();
      return held;
    });
    return { reached, release };
  }

  // --- the bid path ---

  async peekForBids(listingId: string, keys: BidKey[]): Promise<BatchContext | null> {
    this.readCalls.peekForBids += 1;
    return this.batchContext(listingId, keys);
  }

  async lockForBids(manager: EntityManager, listingId: string, keys: BidKey[]): Promise<BatchContext | null> {
    inTransaction(manager);
    this.readCalls.lockForBids += 1;
    return this.batchContext(listingId, keys);
  }

  /** BATCH_CONTEXT_SQL: the auction, the database's clock, and per key (in order) its registration and attempt. */
  private batchContext(listingId: string, keys: BidKey[]): BatchContext | null {
    const listing = this.t.listings.get(listingId);
    if (!listing) return null;
    return {
      auction: structuredClone({
        id: listing.id,
        hostType: 'lease_listing' as const,
        status: listing.status,
        startPrice: listing.startPrice,
        increment: listing.increment,
        reservePrice: listing.reservePrice,
        maxBid: listing.maxBid,
        allowSelfOutbid: listing.allowSelfOutbid,
        biddingStartsAt: listing.biddingStartsAt,
        freeBiddingEndsAt: listing.freeBiddingEndsAt,
        extensionSeconds: listing.extensionSeconds,
        endsAt: listing.endsAt,
        currentPrice: listing.currentPrice,
        leaderId: listing.leaderId,
        bidCount: listing.bidCount,
        lastSeq: listing.lastSeq,
      }),
      databaseNow: this.db.clockTimestamp(),
      entries: keys.map(({ bidderId, clientBidId }) => {
        // Matched by the host (the auction's own id and type) and the bidder, as the join does.
        const registration = [...this.t.registrations.values()].find(
          (r) => r.hostType === 'lease_listing' && r.hostId === listingId && r.bidderId === bidderId,
        );
        const existing = this.t.bids.find(
          (b) => b.auctionId === listingId && b.bidderId === bidderId && b.clientBidId === clientBidId,
        );
        return {
          registration: registration
            ? { status: registration.status, bidderCode: registration.bidderCode }
            : null,
          existing: existing ? structuredClone(existing) : null,
          bans: this.sanctions.filter((sanction) => sanction.partyId === bidderId && sanction.kind === 'ban'),
        };
      }),
    };
  }

  /**
   * The batch statement (batchWriteSql): it applies only if the auction still has the expected
   * last seq, end and status, and, when the batch accepted a bid (`next`), only if the
   * database's clock is within [biddingStartsAt, endsAt); false and nothing written otherwise.
   * Then the bids in order, the auction as `next` leaves it and the audit entries, all or
   * nothing: a key already taken (in the table or earlier in the batch) throws the unique
   * violation and leaves nothing written.
   */
  async writeBids(manager: EntityManager | null, batch: BidBatchWrite): Promise<boolean> {
    inTransaction(manager);
    if (manager) this.writeCalls.locked += 1;
    else this.writeCalls.unlocked += 1;
    this.writes.push(structuredClone(batch));
    await this.beforeWrite.shift()?.();
    const listing = this.t.listings.get(batch.auctionId);
    const now = this.db.now.getTime();
    if (
      !listing ||
      listing.lastSeq !== batch.expected.lastSeq ||
      listing.endsAt.getTime() !== batch.expected.endsAt.getTime() ||
      listing.status !== batch.expected.status ||
      (batch.next !== null && (now < listing.biddingStartsAt.getTime() || now >= listing.endsAt.getTime()))
    )
      return false;
    const rows = batch.bids.map(({ accepted, bid }): BidEntity =>
      accepted
        ? {
            id: randomUUID(),
            auctionId: batch.auctionId,
            bidderId: bid.bidderId,
            clientBidId: bid.clientBidId,
            amount: bid.amount,
            outcome: 'accepted',
            message: null,
            seq: bid.seq,
            bidderCode: bid.bidderCode,
            endsAt: bid.endsAt,
            minNextBid: bid.minNextBid,
            at: bid.at,
          }
        : {
            id: randomUUID(),
            auctionId: batch.auctionId,
            bidderId: bid.bidderId,
            clientBidId: bid.clientBidId,
            amount: bid.amount,
            outcome: bid.code,
            message: bid.message,
            seq: null,
            bidderCode: null,
            endsAt: null,
            minNextBid: null,
            at: bid.at,
          },
    );
    // One statement: every key is checked before anything is written.
    rows.forEach((row, index) => {
      const taken = (b: BidEntity) =>
        b.auctionId === row.auctionId && b.bidderId === row.bidderId && b.clientBidId === row.clientBidId;
      if (this.t.bids.some(taken) || rows.slice(0, index).some(taken))
        throw uniqueViolation('bids_auction_id_bidder_id_client_bid_id_key');
    });
    for (const row of rows) this.insertBid(structuredClone(row));
    if (batch.next) {
      Object.assign(listing, {
        currentPrice: batch.next.currentPrice,
        leaderId: batch.next.leaderId,
        bidCount: batch.next.bidCount,
        lastSeq: batch.next.lastSeq,
        endsAt: new Date(batch.next.endsAt),
        status: batch.next.status,
        updatedAt: new Date(batch.next.at),
      });
      // The trail is written only with an accepted bid, in the batch's order.
      for (const record of batch.audit) this.t.audit.push(structuredClone(record));
    }
    return true;
  }

  // --- the auction ---

  async lockById(manager: EntityManager, id: string): Promise<AuctionEntity | null> {
    inTransaction(manager);
    const row = this.t.listings.get(id);
    return row ? auctionOf(row) : null;
  }

  async update(manager: EntityManager, id: string, changes: Partial<AuctionEntity>): Promise<void> {
    inTransaction(manager);
    const listing = this.t.listings.get(id);
    if (listing) Object.assign(listing, structuredClone(changes), { updatedAt: this.db.clockTimestamp() });
  }

  async findWithLeaderCode(id: string) {
    const row = this.t.listings.get(id);
    if (!row) return null;
    const leader = this.t.bids.find((b) => b.auctionId === id && b.seq === row.lastSeq);
    return {
      auction: auctionOf(row),
      leaderCode: leader?.bidderCode ?? null,
      databaseNow: this.db.clockTimestamp(),
    };
  }

  async acceptedBidsAfter(listingId: string, afterSeq: number, limit: number) {
    this.readCalls.acceptedBidsAfter += 1;
    const rows = this.t.bids
      .filter((b) => b.auctionId === listingId && b.outcome === 'accepted' && b.seq! > afterSeq)
      .sort((x, y) => x.seq! - y.seq!)
      .map((b) => structuredClone(b));
    return { items: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async findBidderCode(listingId: string, bidderId: string): Promise<string | null> {
    this.readCalls.findBidderCode += 1;
    const registration = [...this.t.registrations.values()].find(
      (r) => r.hostId === listingId && r.bidderId === bidderId,
    );
    return registration?.bidderCode ?? null;
  }

  async listAcceptedBids(listingId: string, afterSeq: number, limit: number, offset = 0) {
    const rows = this.t.bids
      .filter((b) => b.auctionId === listingId && b.outcome === 'accepted' && b.seq! > afterSeq)
      .sort((x, y) => x.seq! - y.seq!);
    return { items: rows.slice(offset, offset + limit).map((b) => structuredClone(b)), total: rows.length };
  }

  /** By (at, arrival): the table keeps the fake's rows in write order, and the sort is stable. */
  async listAttempts(listingId: string, limit: number, offset: number) {
    const rows = this.t.bids
      .filter((b) => b.auctionId === listingId)
      .sort((x, y) => x.at.getTime() - y.at.getTime());
    return { items: rows.slice(offset, offset + limit).map((b) => structuredClone(b)), total: rows.length };
  }

  async databaseNow(manager?: EntityManager): Promise<Date> {
    inTransaction(manager ?? null);
    return this.db.clockTimestamp();
  }

  // --- closing ---

  async lockForClose(manager: EntityManager, listingId: string): Promise<CloseContext | null> {
    inTransaction(manager);
    const listing = this.t.listings.get(listingId);
    if (!listing) return null;
    const leader = [...this.t.registrations.values()].find(
      (r) => r.hostId === listingId && r.bidderId === listing.leaderId,
    );
    const { createdAt: _createdAt, updatedAt: _updatedAt, ...auction } = auctionOf(listing);
    return {
      auction,
      leaderCode: leader?.bidderCode ?? null,
      leaderName: (listing.leaderId && this.t.users.get(listing.leaderId)?.displayName) || null,
      databaseNow: this.db.clockTimestamp(),
    };
  }

  async lockManyForClose(
    manager: EntityManager,
    listingIds: string[],
    closable: ListingStatus[],
  ): Promise<(CloseContext & { locked: boolean })[]> {
    const contexts = [];
    for (const id of [...new Set(listingIds)].sort()) {
      const context = await this.lockForClose(manager, id);
      if (!context) continue;
      const { status, endsAt } = context.auction;
      const due = closable.includes(status) && endsAt.getTime() <= context.databaseNow.getTime();
      contexts.push({ ...context, locked: due });
    }
    return contexts;
  }

  async lockManyForOpen(
    manager: EntityManager,
    listingIds: string[],
    openable: ListingStatus[],
  ): Promise<OpeningContext[]> {
    inTransaction(manager);
    const now = this.db.clockTimestamp();
    return [...new Set(listingIds)].sort().flatMap((id) => {
      const listing = this.t.listings.get(id);
      if (!listing) return [];
      const { status, biddingStartsAt, endsAt } = listing;
      return [
        {
          id,
          hostType: 'lease_listing' as const,
          status,
          biddingStartsAt,
          endsAt,
          databaseNow: now,
          locked: openable.includes(status) && biddingStartsAt.getTime() <= now.getTime(),
        },
      ];
    });
  }

  async openMany(
    manager: EntityManager,
    opens: { auctionId: string; status: ListingStatus }[],
    audit: AuditRecord[],
  ): Promise<void> {
    inTransaction(manager);
    for (const open of opens) Object.assign(this.listing(open.auctionId), { status: open.status });
    this.t.audit.push(...audit.map((record) => structuredClone(record)));
  }

  async closeMany(manager: EntityManager, closes: AuctionClose[], audit: AuditRecord[]): Promise<void> {
    inTransaction(manager);
    for (const close of closes) {
      if ('sold' in close) {
        Object.assign(this.listing(close.auctionId), {
          status: close.status,
          finalPrice: close.sold.finalPrice,
          winnerId: close.sold.winnerId,
          closedAt: close.closedAt,
        });
        this.t.deals.push({
          sourceId: close.auctionId,
          category: close.sold.deal.category,
          subtype: close.sold.deal.subtype,
          title: close.sold.deal.title,
          amount: close.sold.deal.amount,
          winnerId: close.sold.winnerId,
          winnerName: close.sold.winnerName,
          closedAt: close.closedAt,
        });
      } else
        Object.assign(this.listing(close.auctionId), {
          status: close.status,
          closedAt: close.closedAt,
          statusReason: close.unsold.reason,
        });
    }
    this.t.audit.push(...audit.map((record) => structuredClone(record)));
  }
}

/** LeaseListingsRepository over FakeDatabase: the listing joined with its auction. */
export class FakeLeaseListingsRepository
  extends FakeRows
  implements Pick<LeaseListingsRepository, ListingsMethods>
{
  async lockById(manager: EntityManager, id: string): Promise<LeaseListing | null> {
    inTransaction(manager);
    return this.findById(id);
  }

  async findById(id: string): Promise<LeaseListing | null> {
    const listing = this.t.listings.get(id);
    return listing ? structuredClone(listing) : null;
  }

  async findDealTerms(manager: EntityManager, id: string) {
    inTransaction(manager);
    const listing = this.t.listings.get(id);
    return listing ? { title: listing.title, leaseTermMonths: listing.leaseTermMonths } : null;
  }

  async findWithLeaderCode(id: string) {
    const listing = await this.findById(id);
    if (!listing) return null;
    const leader = this.t.bids.find((b) => b.auctionId === id && b.seq === listing.lastSeq);
    return { listing, leaderCode: leader?.bidderCode ?? null, databaseNow: this.db.clockTimestamp() };
  }

  /** As the real one: a new term moves the auction's limit with it. */
  async update(manager: EntityManager, id: string, changes: Partial<LeaseListing>): Promise<void> {
    inTransaction(manager);
    const listing = this.t.listings.get(id);
    const limit =
      changes.leaseTermMonths !== undefined ? { maxBid: leaseMaxBid(changes.leaseTermMonths) } : {};
    if (listing)
      Object.assign(listing, structuredClone(changes), limit, { updatedAt: this.db.clockTimestamp() });
  }

  async list(filter: { status?: ListingStatus; includeDrafts: boolean; limit: number; offset: number }) {
    const all = [...this.t.listings.values()].filter((listing) =>
      filter.status ? listing.status === filter.status : filter.includeDrafts || listing.status !== 'draft',
    );
    all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
    return { items: all.slice(filter.offset, filter.offset + filter.limit), total: all.length };
  }

  async databaseNow(manager?: EntityManager): Promise<Date> {
    inTransaction(manager ?? null);
    return this.db.clockTimestamp();
  }

  async insertDraft(manager: EntityManager, listing: NewLeaseListing, year: number): Promise<LeaseListing> {
    inTransaction(manager);
    const row = listingRow(this.db.now, {
      ...listing,
      code: `GF${year}${String(this.t.listings.size + 1).padStart(4, '0')}`,
      status: 'draft',
      currentPrice: null,
      leaderId: null,
      bidCount: 0,
      lastSeq: 0,
      qualifiedCount: 0,
      createdAt: this.db.clockTimestamp(),
      updatedAt: this.db.clockTimestamp(),
    });
    this.t.listings.set(row.id, row);
    return structuredClone(row);
  }
}

/** RegistrationsRepository over FakeDatabase: every line's registrations, keyed by host. */
export class FakeRegistrationsRepository
  extends FakeRows
  implements Pick<RegistrationsRepository, RegistrationsMethods>
{
  private of(host: RegistrationHost) {
    return [...this.t.registrations.values()].filter(
      (r) => r.hostType === host.hostType && r.hostId === host.hostId,
    );
  }

  async find(host: RegistrationHost, id: string): Promise<RegistrationEntity | null> {
    const registration = this.of(host).find((r) => r.id === id);
    return registration ? structuredClone(registration) : null;
  }

  async findOf(host: RegistrationHost, bidderId: string): Promise<RegistrationEntity | null> {
    const registration = this.of(host).find((r) => r.bidderId === bidderId);
    return registration ? structuredClone(registration) : null;
  }

  /** registrations_host_bidder_key */
  async insert(
    manager: EntityManager,
    host: RegistrationHost,
    bidderId: string,
  ): Promise<RegistrationEntity> {
    inTransaction(manager);
    if (this.of(host).some((r) => r.bidderId === bidderId))
      throw uniqueViolation('registrations_host_bidder_key');
    const registration = this.addRegistration(host.hostId, bidderId, 'pending');
    registration.hostType = host.hostType;
    return structuredClone(registration);
  }

  async bidderCodeTaken(
    manager: EntityManager,
    host: RegistrationHost,
    bidderCode: string,
  ): Promise<boolean> {
    inTransaction(manager);
    return this.of(host).some((r) => r.bidderCode === bidderCode);
  }

  async update(manager: EntityManager, id: string, changes: Partial<RegistrationEntity>): Promise<void> {
    inTransaction(manager);
    const registration = this.t.registrations.get(id);
    if (registration) Object.assign(registration, structuredClone(changes));
  }

  async qualifiedOf(manager: EntityManager, host: RegistrationHost): Promise<RegistrationEntity[]> {
    inTransaction(manager);
    return (await this.list(host, Number.MAX_SAFE_INTEGER, 0)).items.filter((r) => r.status === 'qualified');
  }

  async list(host: RegistrationHost, limit: number, offset: number) {
    const all = this.of(host).sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id),
    );
    return { items: this.page(all, limit, offset), total: all.length };
  }

  async listOfBidder(
    hostType: RegistrationHost['hostType'],
    bidderId: string,
    limit: number,
    offset: number,
  ) {
    const all = [...this.t.registrations.values()]
      .filter((r) => r.hostType === hostType && r.bidderId === bidderId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || a.id.localeCompare(b.id));
    return { items: this.page(all, limit, offset), total: all.length };
  }

  /** The fake keeps no deposits: a unit test's registrations have none recorded. */
  private page(all: RegistrationEntity[], limit: number, offset: number) {
    return all
      .slice(offset, offset + limit)
      .map((r) => Object.assign(structuredClone(r), { depositState: null as DepositState | null }));
  }
}

/** AuditLogRepository.append: the entries in order, undone with their transaction. */
export class FakeAuditLogRepository implements Pick<AuditLogRepository, 'append' | 'holdingAppends'> {
  private readonly held = new WeakMap<EntityManager, AuditRecord[]>();

  constructor(private readonly db: FakeDatabase) {}

  async append(manager: EntityManager, record: AuditRecord): Promise<void> {
    inTransaction(manager);
    const held = this.held.get(manager);
    if (held) held.push(structuredClone(record));
    else this.db.tables.audit.push(structuredClone(record));
  }

  async holdingAppends(manager: EntityManager, work: () => Promise<void>): Promise<AuditRecord[]> {
    if (this.held.has(manager)) throw new Error('audit appends are already held in this transaction');
    const held: AuditRecord[] = [];
    this.held.set(manager, held);
    try {
      await work();
    } finally {
      this.held.delete(manager);
    }
    return held;
  }

  entries(entityId?: string): AuditRecord[] {
    return this.db.tables.audit.filter((entry) => entityId === undefined || entry.entityId === entityId);
  }
}

/** PartyBans over a list of sanctions, decided by the domain's rule in the centre's zone, as the real one. */
export class FakePartyBans {
  sanctions: Sanction[] = [];
  constructor(private readonly timeZone = 'Asia/Shanghai') {}

  async refuseIfBanned(_manager: EntityManager | null, partyId: string, at: Date): Promise<void> {
    checkNotBanned(partyId, this.sanctions, at, this.timeZone);
  }
}
