import { randomUUID } from 'node:crypto';
import type {
  AuctionsRepository,
  AuditLogRepository,
  LeaseListing,
  LeaseListingsRepository,
} from '@ggzy/persistence';
import {
  FakeAuditLogRepository,
  FakeAuctionsRepository,
  FakeDatabase,
  FakeLeaseListingsRepository,
  strict,
} from '../../../test/fakes/persistence.js';
import type { DepositsService } from '@ggzy/deposits';
import { LeaseAuctionHost } from '../../leasing/src/lease-auction.host.js';
import { FakeLiveEvents } from '../../../test/fakes/services.js';
import { AuctionLifecycleService } from './auction-lifecycle.service.js';
import type { AuctionHost, ClosedAuction, SoldAuction } from './auction-host.js';

/**
 * The worker's timed steps over in-memory repositories. Whether a step is due is the
 * database's clock's call (FakeDatabase.now): the service is given no clock of its own.
 */
const T0 = new Date('2026-06-01T02:00:00.000Z');

function setup(hostsOf?: (db: FakeDatabase, audit: FakeAuditLogRepository) => AuctionHost[]) {
  const db = new FakeDatabase(T0);
  // The lease host settles its deposits at every close (tested against PostgreSQL in deposits.e2e-spec).
  const settled: string[] = [];
  const deposits: Pick<DepositsService, 'settleOnClose'> = {
    settleOnClose: async (_manager, host, outcome, endedAt) => {
      settled.push(
        `${host.hostId} ${outcome.sold ? `sold to ${outcome.winnerId}` : 'unsold'} ${endedAt.toISOString()}`,
      );
    },
  };
  const listings = new FakeAuctionsRepository(db);
  const audit = new FakeAuditLogRepository(db);
  const events = new FakeLiveEvents();
  const service = new AuctionLifecycleService(
    db.asDataSource(),
    strict<AuctionsRepository>(listings, 'AuctionsRepository'),
    strict<AuditLogRepository>(audit, 'AuditLogRepository'),
    events,
    // Unless a test says otherwise, leases host these auctions: the deal is rent × months.
    hostsOf?.(db, audit) ?? [
      new LeaseAuctionHost(
        strict<LeaseListingsRepository>(new FakeLeaseListingsRepository(db), 'LeaseListingsRepository'),
        strict<DepositsService>(deposits, 'DepositsService'),
      ),
    ],
  );
  return { db, listings, audit, events, service, settled };
}

const at = (ms: number) => new Date(T0.getTime() + ms);

const record = (action: string, entityId: string) => ({
  at: T0,
  actorId: null,
  action,
  entityType: 'lease_listing',
  entityId,
});

/** The lease host with a status of its own to move at the close (as a transfer project has). */
const leaseHostHearing =
  (closed: NonNullable<AuctionHost['closed']>) =>
  (db: FakeDatabase): AuctionHost[] => {
    const lease = new LeaseAuctionHost(
      strict<LeaseListingsRepository>(new FakeLeaseListingsRepository(db), 'LeaseListingsRepository'),
      // The test's own `closed` replaces the lease's, so its deposits are never asked.
      strict<DepositsService>({}, 'DepositsService'),
    );
    return [{ hostType: lease.hostType, dealFor: (manager, sold) => lease.dealFor(manager, sold), closed }];
  };

describe('AuctionLifecycleService.openMany', () => {
  it('opens the due ones of a batch in one transaction and answers every id; events once it commits', async () => {
    const s = setup();
    const due = s.listings.addListing({ status: 'announced', biddingStartsAt: at(1000) });
    const alsoDue = s.listings.addListing({ status: 'announced', biddingStartsAt: at(500) });
    const later = s.listings.addListing({ status: 'announced', biddingStartsAt: at(4000) });
    const bidding = s.listings.addListing({ status: 'bidding', biddingStartsAt: at(0) });
    const missing = randomUUID();
    s.db.advance(1000);
    const transactions = s.db.transactions;
    const results = await s.service.openMany([due.id, alsoDue.id, later.id, bidding.id, missing, due.id]);
    expect(s.db.transactions - transactions).toBe(1);
    expect(Object.fromEntries(results)).toEqual({
      [due.id]: { opened: true, endsAt: due.endsAt },
      [alsoDue.id]: { opened: true, endsAt: alsoDue.endsAt },
      [later.id]: { opened: false, endsAt: null, dueInMs: 3000 },
      [bidding.id]: { opened: false, endsAt: bidding.endsAt },
      [missing]: { opened: false, endsAt: null },
    });
    expect([due, alsoDue, later].map((listing) => s.listings.listing(listing.id).status)).toEqual([
      'bidding',
      'bidding',
      'announced',
    ]);
    expect(
      s.audit
        .entries()
        .map((entry) => [entry.action, entry.entityId])
        .sort(),
    ).toEqual(
      [
        ['auction.opened', due.id],
        ['auction.opened', alsoDue.id],
      ].sort(),
    );
    expect(s.events.published.map((event) => event.payload.listingId).sort()).toEqual(
      [due.id, alsoDue.id].sort(),
    );
  });
});

describe('AuctionLifecycleService.open', () => {
  it('is not due before biddingStartsAt by the database’s clock, and says how long until it is', async () => {
    const s = setup();
    const listing = s.listings.addListing({ status: 'announced', biddingStartsAt: at(1500) });
    expect(await s.service.open(listing.id)).toEqual({ opened: false, endsAt: null, dueInMs: 1500 });
    expect(s.listings.listing(listing.id).status).toBe('announced');
    expect(s.audit.entries()).toEqual([]);
    expect(s.events.published).toEqual([]);
  });

  it('when due moves announced → bidding, audits it and publishes the status once; a second run does nothing', async () => {
    const s = setup();
    const listing = s.listings.addListing({ status: 'announced', biddingStartsAt: at(1500) });
    s.db.advance(1500);
    expect(await s.service.open(listing.id)).toEqual({ opened: true, endsAt: listing.endsAt });
    expect(s.listings.listing(listing.id).status).toBe('bidding');
    expect(s.audit.entries()).toEqual([
      {
        at: at(1500),
        actorId: null,
        action: 'auction.opened',
        entityType: 'lease_listing',
        entityId: listing.id,
        data: { from: 'announced', to: 'bidding', endsAt: listing.endsAt.toISOString() },
      },
    ]);
    expect(s.events.published).toEqual([
      {
        event: 'auction.status',
        payload: { listingId: listing.id, status: 'bidding', endsAt: listing.endsAt.toISOString() },
      },
    ]);
    // Already bidding: reports the end (to schedule the close) and writes nothing.
    expect(await s.service.open(listing.id)).toEqual({ opened: false, endsAt: listing.endsAt });
    expect(s.audit.entries()).toHaveLength(1);
    expect(s.events.published).toHaveLength(1);
  });

  it.each(['suspended', 'cancelled', 'draft', 'sold'] as const)(
    'leaves a %s listing alone',
    async (status) => {
      const s = setup();
      const listing = s.listings.addListing({ status });
      expect(await s.service.open(listing.id)).toEqual({ opened: false, endsAt: null });
      expect(s.listings.listing(listing.id).status).toBe(status);
      expect(s.events.published).toEqual([]);
    },
  );

  it('answers a listing that is not there', async () => {
    expect(await setup().service.open(randomUUID())).toEqual({ opened: false, endsAt: null });
  });
});

describe('AuctionLifecycleService.close', () => {
  /** A listing whose leader is a qualified bidder with a name and a code. */
  function withLeader(s: ReturnType<typeof setup>, overrides: Partial<LeaseListing>) {
    const leader = randomUUID();
    s.listings.addUser(leader, '杭州某某餐饮有限公司');
    const listing = s.listings.addListing({
      currentPrice: 150_000,
      leaderId: leader,
      bidCount: 3,
      lastSeq: 3,
      leaseTermMonths: 36,
      ...overrides,
    });
    s.listings.addRegistration(listing.id, leader, 'qualified', '246810');
    return { listing, leader };
  }

  it('is not due before endsAt by the database’s clock, and says when it is', async () => {
    const s = setup();
    const { listing } = withLeader(s, { endsAt: at(800) });
    expect(await s.service.close(listing.id)).toEqual({
      closed: false,
      reason: 'not_due',
      endsAt: at(800),
      dueInMs: 800,
    });
    expect(s.listings.listing(listing.id).status).toBe('bidding');
    expect(s.db.tables.deals).toEqual([]);
  });

  it('sold: writes the deal (price × term, the winner’s name), the audit entry and one auction.closed; a second close does nothing', async () => {
    const s = setup();
    const { listing, leader } = withLeader(s, { endsAt: at(800), reservePrice: 150_000 });
    s.db.advance(1000);
    expect(await s.service.close(listing.id)).toEqual({ closed: true, status: 'sold', closedAt: at(800) });
    expect(s.listings.listing(listing.id)).toMatchObject({
      status: 'sold',
      finalPrice: 150_000,
      winnerId: leader,
      closedAt: at(800),
    });
    expect(s.db.tables.deals).toEqual([
      {
        sourceId: listing.id,
        // The lease host's deal: property rights / lease, rent × months.
        category: 'property_rights',
        subtype: 'lease',
        title: listing.title,
        amount: 150_000 * 36,
        winnerId: leader,
        winnerName: '杭州某某餐饮有限公司',
        closedAt: at(800),
      },
    ]);
    expect(s.audit.entries()).toEqual([
      expect.objectContaining({
        at: at(1000),
        action: 'auction.closed',
        actorId: null,
        data: {
          status: 'sold',
          finalPrice: 150_000,
          winnerId: leader,
          dealAmount: 150_000 * 36,
          closedAt: at(800).toISOString(),
          bidCount: 3,
          lastSeq: 3,
        },
      }),
    ]);
    expect(s.events.published).toEqual([
      {
        event: 'auction.closed',
        payload: {
          listingId: listing.id,
          status: 'sold',
          finalPrice: 150_000,
          winnerCode: '246810',
          closedAt: at(800).toISOString(),
        },
      },
    ]);
    // The host settles its deposits in the close: the winner's held, the others' due for refund.
    expect(s.settled).toEqual([`${listing.id} sold to ${leader} ${at(800).toISOString()}`]);
    expect(await s.service.close(listing.id)).toEqual({ closed: false, reason: 'not_live' });
    expect(s.settled).toHaveLength(1);
    expect(s.db.tables.deals).toHaveLength(1);
    expect(s.audit.entries()).toHaveLength(1);
    expect(s.events.published).toHaveLength(1);
  });

  it.each([
    ['no_bids', { currentPrice: null, leaderId: null, bidCount: 0, lastSeq: 0 }],
    ['reserve_not_met', { reservePrice: 150_001 }],
  ] as const)(
    'unsold (%s): no deal, the reason kept, auction.closed without a price',
    async (reason, overrides) => {
      const s = setup();
      const { listing } = withLeader(s, { endsAt: at(0), ...overrides });
      expect(await s.service.close(listing.id)).toEqual({ closed: true, status: 'unsold', closedAt: at(0) });
      expect(s.settled).toEqual([`${listing.id} unsold ${at(0).toISOString()}`]);
      expect(s.listings.listing(listing.id)).toMatchObject({
        status: 'unsold',
        statusReason: reason,
        closedAt: at(0),
      });
      expect(s.db.tables.deals).toEqual([]);
      expect(s.audit.entries()).toEqual([
        expect.objectContaining({
          action: 'auction.closed',
          data: expect.objectContaining({ status: 'unsold', reason }),
        }),
      ]);
      expect(s.events.published).toEqual([
        {
          event: 'auction.closed',
          payload: { listingId: listing.id, status: 'unsold', closedAt: at(0).toISOString() },
        },
      ]);
    },
  );

  it('closes an announced listing past its end that no job ever opened', async () => {
    const s = setup();
    const listing = s.listings.addListing({ status: 'announced', endsAt: at(-1) });
    expect(await s.service.close(listing.id)).toMatchObject({ closed: true, status: 'unsold' });
  });

  it('reports a countdown bid’s later end as not due, so the close is rescheduled', async () => {
    const s = setup();
    const { listing } = withLeader(s, { endsAt: at(0) });
    // A bid moved the end after the close job was scheduled for the old one.
    s.listings.listing(listing.id).endsAt = at(300_000);
    expect(await s.service.close(listing.id)).toEqual({
      closed: false,
      reason: 'not_due',
      endsAt: at(300_000),
      dueInMs: 300_000,
    });
  });

  it.each(['suspended', 'cancelled', 'draft', 'unsold'] as const)(
    'does not close a %s listing even past its end',
    async (status) => {
      const s = setup();
      const listing = s.listings.addListing({ status, endsAt: at(-1000) });
      expect(await s.service.close(listing.id)).toEqual({ closed: false, reason: 'not_live' });
      expect(s.listings.listing(listing.id).status).toBe(status);
      expect(s.events.published).toEqual([]);
    },
  );

  it('answers a listing that is not there', async () => {
    expect(await setup().service.close(randomUUID())).toEqual({ closed: false, reason: 'not_found' });
  });

  it('writes the deal exactly as the auction’s host describes it: the engine adds only price, winner and time', async () => {
    // A host whose rule is not the lease's (a transfer's: the deal is the price itself).
    const asked: SoldAuction[] = [];
    const s = setup(() => [
      {
        hostType: 'lease_listing',
        dealFor: async (_manager, sold) => {
          asked.push(sold);
          return {
            category: 'property_rights',
            subtype: 'transfer',
            title: '某公司 40% 股权',
            amount: sold.finalPrice,
          };
        },
      },
    ]);
    const { listing, leader } = withLeader(s, { endsAt: at(0) });
    expect(await s.service.close(listing.id)).toMatchObject({ closed: true, status: 'sold' });
    expect(asked).toEqual([{ auctionId: listing.id, finalPrice: 150_000, winnerId: leader }]);
    expect(s.db.tables.deals).toEqual([
      expect.objectContaining({
        category: 'property_rights',
        subtype: 'transfer',
        title: '某公司 40% 股权',
        amount: 150_000,
        winnerId: leader,
      }),
    ]);
    expect(s.audit.entries()).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ finalPrice: 150_000, dealAmount: 150_000 }),
      }),
    ]);
  });

  it('refuses to close an auction whose host type no registered host answers for, writing nothing', async () => {
    const s = setup(() => [
      {
        hostType: 'transfer_project',
        dealFor: () => Promise.reject(new Error('a transfer host must not price a lease')),
      },
    ]);
    const { listing } = withLeader(s, { endsAt: at(0) });
    await expect(s.service.close(listing.id)).rejects.toThrow('no auction host registered for lease_listing');
    expect(s.listings.listing(listing.id).status).toBe('bidding');
    expect(s.db.tables.deals).toEqual([]);
    expect(s.audit.entries()).toEqual([]);
    expect(s.events.published).toEqual([]);
  });

  it('tells a host with a status of its own how the auction ended, inside the closing transaction', async () => {
    const heard: ClosedAuction[] = [];
    const s = setup(leaseHostHearing(async (_manager, closed) => void heard.push(closed)));
    const { listing, leader } = withLeader(s, { endsAt: at(800) });
    const unsold = s.listings.addListing({ status: 'bidding', endsAt: at(800) });
    s.db.advance(1000);
    await s.service.close(listing.id);
    await s.service.close(unsold.id);
    // A second close hears nothing more.
    await s.service.close(listing.id);
    expect(heard).toEqual([
      // Ended at its end time (800), heard when the database's clock said 1000.
      {
        auctionId: listing.id,
        status: 'sold',
        finalPrice: 150_000,
        winnerId: leader,
        closedAt: at(800),
        databaseNow: at(1000),
      },
      { auctionId: unsold.id, status: 'unsold', reason: 'no_bids', closedAt: at(800), databaseNow: at(1000) },
    ]);
  });

  it('writes the host’s trail entries after the close’s own, in the close’s statement, none before it', async () => {
    const seenByHost: number[] = [];
    const s = setup((db, audit) =>
      leaseHostHearing(async (manager, closed) => {
        await audit.append(manager, record(`host.${closed.status}.one`, closed.auctionId));
        await audit.append(manager, record(`host.${closed.status}.two`, closed.auctionId));
        seenByHost.push(audit.entries(closed.auctionId).length);
      })(db),
    );
    const closeManyTrails: string[][] = [];
    const closeMany = s.listings.closeMany.bind(s.listings);
    s.listings.closeMany = async (manager, closes, trail) => {
      closeManyTrails.push(trail.map((entry) => entry.action));
      await closeMany(manager, closes, trail);
    };
    const { listing } = withLeader(s, { endsAt: at(800) });
    const unsold = s.listings.addListing({ status: 'bidding', endsAt: at(800) });
    s.db.advance(1000);
    await s.service.close(listing.id);
    await s.service.close(unsold.id);
    expect(seenByHost).toEqual([0, 0]);
    expect(s.audit.entries(listing.id).map((entry) => entry.action)).toEqual([
      'auction.closed',
      'host.sold.one',
      'host.sold.two',
    ]);
    expect(s.audit.entries(unsold.id).map((entry) => entry.action)).toEqual([
      'auction.closed',
      'host.unsold.one',
      'host.unsold.two',
    ]);
    // Written with the close itself, in one statement each.
    expect(closeManyTrails).toEqual([
      ['auction.closed', 'host.sold.one', 'host.sold.two'],
      ['auction.closed', 'host.unsold.one', 'host.unsold.two'],
    ]);
  });

  it('closeMany closes the due ones of a batch in one transaction and answers every id; events once it commits', async () => {
    const s = setup();
    const { listing: sold, leader } = withLeader(s, { endsAt: at(800) });
    const unsold = s.listings.addListing({ status: 'bidding', endsAt: at(800) });
    const notDue = s.listings.addListing({ status: 'bidding', endsAt: at(5000) });
    const done = s.listings.addListing({ status: 'sold' });
    const missing = randomUUID();
    s.db.advance(1000);
    const transactions = s.db.transactions;
    const results = await s.service.closeMany([sold.id, unsold.id, notDue.id, done.id, missing, sold.id]);
    expect(s.db.transactions - transactions).toBe(1);
    expect(Object.fromEntries(results)).toEqual({
      [sold.id]: { closed: true, status: 'sold', closedAt: at(800) },
      [unsold.id]: { closed: true, status: 'unsold', closedAt: at(800) },
      [notDue.id]: { closed: false, reason: 'not_due', endsAt: at(5000), dueInMs: 4000 },
      [done.id]: { closed: false, reason: 'not_live' },
      [missing]: { closed: false, reason: 'not_found' },
    });
    expect(s.listings.listing(sold.id)).toMatchObject({ status: 'sold', winnerId: leader });
    expect(s.listings.listing(unsold.id)).toMatchObject({ status: 'unsold', statusReason: 'no_bids' });
    expect(s.listings.listing(notDue.id).status).toBe('bidding');
    expect(s.db.tables.deals.map((deal) => deal.sourceId)).toEqual([sold.id]);
    // Each auction closed once (the repeated id too), one trail entry and one event each.
    expect(
      s.audit
        .entries()
        .map((entry) => entry.entityId)
        .sort(),
    ).toEqual([sold.id, unsold.id].sort());
    expect(s.events.published.map((event) => event.payload.listingId).sort()).toEqual(
      [sold.id, unsold.id].sort(),
    );
    expect(s.settled).toHaveLength(2);
  });

  it('closeMany writes nothing and publishes nothing when one host of the batch refuses', async () => {
    const s = setup(
      leaseHostHearing(async (_manager, closed) => {
        if (closed.status === 'unsold') throw new Error('the host cannot close now');
      }),
    );
    const { listing: sold } = withLeader(s, { endsAt: at(800) });
    const unsold = s.listings.addListing({ status: 'bidding', endsAt: at(800) });
    s.db.advance(1000);
    await expect(s.service.closeMany([sold.id, unsold.id])).rejects.toThrow('the host cannot close now');
    expect(s.listings.listing(sold.id).status).toBe('bidding');
    expect(s.listings.listing(unsold.id).status).toBe('bidding');
    expect(s.db.tables.deals).toEqual([]);
    expect(s.audit.entries()).toEqual([]);
    expect(s.events.published).toEqual([]);
  });

  it('leaves the auction live, with no deal, audit entry or event, when its host refuses the close', async () => {
    const s = setup(
      leaseHostHearing(async () => {
        throw new Error('the host cannot close now');
      }),
    );
    const { listing } = withLeader(s, { endsAt: at(800) });
    s.db.advance(1000);
    await expect(s.service.close(listing.id)).rejects.toThrow('the host cannot close now');
    expect(s.listings.listing(listing.id).status).toBe('bidding');
    expect(s.db.tables.deals).toEqual([]);
    expect(s.audit.entries()).toEqual([]);
    expect(s.events.published).toEqual([]);
  });
});
