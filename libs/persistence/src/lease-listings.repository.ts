import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { INITIAL_AUCTION_STATUS, leaseMaxBid, type ListingStatus } from '@ggzy/domain';
import { LeaseListingEntity } from './entities/lease-listing.entity.js';
import { READ_DATA_SOURCE } from './data-source.js';
import { AUCTION_FIELDS, AuctionEntity, type AuctionFields } from './auctions/auction.entity.js';
import { AuctionsRepository } from './auctions/auctions.repository.js';

/**
 * A lease listing as its pages show it: the listing's own fields and its auction's (same id).
 * The listing's status is its auction's: one source of truth.
 */
export type LeaseListing = LeaseListingEntity & AuctionFields;

export type NewLeaseListing = Pick<
  LeaseListing,
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

@Injectable()
export class LeaseListingsRepository {
  private readonly reads: DataSource;
  /** The auction side of the listing's reads (leader code, locks), on the same connections. */
  private readonly auctionReads: AuctionsRepository;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
    this.auctionReads = new AuctionsRepository(dataSource, this.reads);
  }

  private get listings() {
    return this.dataSource.getRepository(LeaseListingEntity);
  }

  /**
   * The draft listing and its auction under one id. The lease sets the auction's limit: the
   * largest rent whose rent × term is a safe integer; leases never let the leader outbid itself.
   */
  async insertDraft(manager: EntityManager, listing: NewLeaseListing, year: number): Promise<LeaseListing> {
    const [{ n }] = (await manager.query(`SELECT nextval('lease_listing_code_seq') AS n`)) as { n: string }[];
    const auctions = manager.getRepository(AuctionEntity);
    const auction = await auctions.save(
      auctions.create({
        id: randomUUID(),
        hostType: 'lease_listing',
        status: INITIAL_AUCTION_STATUS,
        startPrice: listing.startPrice,
        increment: listing.increment,
        reservePrice: listing.reservePrice,
        maxBid: leaseMaxBid(listing.leaseTermMonths),
        allowSelfOutbid: false,
        biddingStartsAt: listing.biddingStartsAt,
        freeBiddingEndsAt: listing.freeBiddingEndsAt,
        extensionSeconds: listing.extensionSeconds,
        endsAt: listing.endsAt,
        currentPrice: null,
        leaderId: null,
        bidCount: 0,
        lastSeq: 0,
        finalPrice: null,
        winnerId: null,
        closedAt: null,
        statusReason: null,
        suspendedAt: null,
      }),
    );
    const repo = manager.getRepository(LeaseListingEntity);
    const saved = await repo.save(
      repo.create({
        id: auction.id,
        code: `GF${year}${n.padStart(4, '0')}`,
        title: listing.title,
        address: listing.address,
        areaSqm: listing.areaSqm,
        usage: listing.usage,
        leaseTermMonths: listing.leaseTermMonths,
        deposit: listing.deposit,
        registrationStartsAt: listing.registrationStartsAt,
        registrationEndsAt: listing.registrationEndsAt,
        qualifiedCount: 0,
        createdBy: listing.createdBy,
      }),
    );
    return merge(saved, auction);
  }

  async findById(id: string): Promise<LeaseListing | null> {
    const [listing, auction] = await Promise.all([
      this.listings.findOneBy({ id }),
      this.dataSource.getRepository(AuctionEntity).findOneBy({ id }),
    ]);
    return listing && auction ? merge(listing, auction) : null;
  }

  /** What the lease host needs to say what a sale is worth: read inside the closing transaction. */
  async findDealTerms(
    manager: EntityManager,
    id: string,
  ): Promise<{ title: string; leaseTermMonths: number } | null> {
    return manager
      .getRepository(LeaseListingEntity)
      .findOne({ where: { id }, select: { id: true, title: true, leaseTermMonths: true } });
  }

  /**
   * The listing with its leader's bidder code (the code on the last accepted bid), and the
   * database's clock at the read: what a reader's status and countdown are measured against,
   * since `ends_at` is that clock's.
   */
  async findWithLeaderCode(
    id: string,
  ): Promise<{ listing: LeaseListing; leaderCode: string | null; databaseNow: Date } | null> {
    const [listing, found] = await Promise.all([
      this.reads.getRepository(LeaseListingEntity).findOneBy({ id }),
      this.auctionReads.findWithLeaderCode(id),
    ]);
    if (!listing || !found) return null;
    return {
      listing: merge(listing, found.auction),
      leaderCode: found.leaderCode,
      databaseNow: found.databaseNow,
    };
  }

  /** Locks the listing and its auction (in that order, as every writer of both does). */
  async lockById(manager: EntityManager, id: string): Promise<LeaseListing | null> {
    const listing = await manager
      .getRepository(LeaseListingEntity)
      .createQueryBuilder('l')
      .setLock('pessimistic_write')
      .where('l.id = :id', { id })
      .getOne();
    if (!listing) return null;
    const auction = await this.auctionReads.lockById(manager, id);
    return auction ? merge(listing, auction) : null;
  }

  /** Writes each change where it lives: the listing's fields to it, the auction's to the auction. */
  async update(manager: EntityManager, id: string, changes: Partial<LeaseListing>): Promise<void> {
    const auctionChanges: Partial<AuctionEntity> = {};
    const listingChanges: Partial<LeaseListingEntity> = {};
    for (const [field, value] of Object.entries(changes)) {
      if ((AUCTION_FIELDS as readonly string[]).includes(field))
        Object.assign(auctionChanges, { [field]: value });
      else Object.assign(listingChanges, { [field]: value });
    }
    if (listingChanges.leaseTermMonths !== undefined)
      auctionChanges.maxBid = leaseMaxBid(listingChanges.leaseTermMonths);
    if (Object.keys(listingChanges).length > 0)
      await manager.getRepository(LeaseListingEntity).update({ id }, listingChanges);
    if (Object.keys(auctionChanges).length > 0)
      await manager.getRepository(AuctionEntity).update({ id }, auctionChanges);
  }

  /** `includeDrafts: false` is the public view: drafts are filtered in the query, so totals stay right. */
  async list(filter: { status?: ListingStatus; includeDrafts: boolean; limit: number; offset: number }) {
    const query = this.listings
      .createQueryBuilder('l')
      .innerJoin(AuctionEntity, 'a', 'a.id = l.id')
      .orderBy('l.created_at', 'DESC')
      .addOrderBy('l.id', 'ASC')
      .take(filter.limit)
      .skip(filter.offset);
    if (filter.status) query.where('a.status = :status', { status: filter.status });
    else if (!filter.includeDrafts) query.where('a.status <> :draft', { draft: INITIAL_AUCTION_STATUS });
    // A draft cancelled was never published: still no public listing.
    if (!filter.includeDrafts) query.andWhere('l.published_at IS NOT NULL');
    const [listings, total] = await query.getManyAndCount();
    const auctions = listings.length
      ? await this.dataSource.getRepository(AuctionEntity).findBy({ id: In(listings.map((l) => l.id)) })
      : [];
    const byId = new Map(auctions.map((auction) => [auction.id, auction]));
    return { items: listings.map((listing) => merge(listing, byId.get(listing.id)!)), total };
  }

  /** The database's clock: the one every instance shares (inside `manager`'s transaction, if given). */
  async databaseNow(manager?: EntityManager): Promise<Date> {
    const rows = (await (manager ?? this.dataSource).query('SELECT clock_timestamp() AS now')) as {
      now: Date;
    }[];
    return rows[0].now;
  }
}

function merge(listing: LeaseListingEntity, auction: AuctionEntity): LeaseListing {
  const fields = Object.fromEntries(AUCTION_FIELDS.map((field) => [field, auction[field]])) as AuctionFields;
  return { ...listing, ...fields };
}
