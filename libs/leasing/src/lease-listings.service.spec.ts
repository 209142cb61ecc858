import { randomUUID } from 'node:crypto';
import type { Logger } from '@ggzy/common';
import { DomainError, type ErrorCode } from '@ggzy/domain';
import type {
  AuctionsRepository,
  AuditLogRepository,
  LeaseListing,
  LeaseListingsRepository,
  PartyBans,
  RegistrationsRepository,
} from '@ggzy/persistence';
import { RegistrationsService } from '@ggzy/registrations';
import type { DepositsService } from '@ggzy/deposits';
import type { OnSiteAuctionService } from '@ggzy/auction';
import type { AuctionScheduler } from '@ggzy/queues';
import {
  FakeAuditLogRepository,
  FakeAuctionsRepository,
  FakeDatabase,
  FakeLeaseListingsRepository,
  FakePartyBans,
  FakeRegistrationsRepository,
  strict,
} from '../../../test/fakes/persistence.js';
import { FakeClock, FakeLiveEvents, user } from '../../../test/fakes/services.js';
import { type LeaseListingInput, LeaseListingsService } from './lease-listings.service.js';

/**
 * Staff's and supervisors' side of a listing over in-memory repositories: each status change
 * goes through the lifecycle table in one transaction with its audit entry, schedules or
 * publishes what it must, and leaves nothing behind when a rule refuses it.
 */
const T0 = new Date('2026-06-01T02:00:00.000Z');
const MINUTE = 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

/** AuctionScheduler's producer side: what was scheduled, or a queue that is down. */
class FakeScheduler implements Pick<AuctionScheduler, 'scheduleOpen' | 'scheduleClose'> {
  scheduled: string[] = [];
  down = false;

  async scheduleOpen(listingId: string, when: Date) {
    if (this.down) throw new Error('queue unreachable');
    this.scheduled.push(`open ${listingId} ${when.toISOString()}`);
  }

  async scheduleClose(listingId: string, when: Date) {
    if (this.down) throw new Error('queue unreachable');
    this.scheduled.push(`close ${listingId} ${when.toISOString()}`);
  }
}

/**
 * DepositsService's part in a lease (its own steps are tested against PostgreSQL in
 * test/deposits.e2e-spec.ts): what was asked of it, and the refusal of a deposit not received.
 */
class FakeDeposits implements Pick<DepositsService, 'openForRegistration' | 'requireForQualification'> {
  calls: string[] = [];

  async openForRegistration(_manager: unknown, opening: { registrationId: string; amount: number }) {
    this.calls.push(`open ${opening.registrationId} ${opening.amount}`);
    return randomUUID();
  }

  async requireForQualification(
    _manager: unknown,
    _staffId: string,
    _host: unknown,
    registrationId: string,
    _now: Date,
    options: { recordReceipt: boolean },
  ) {
    if (!options.recordReceipt) throw new DomainError('DEPOSIT_NOT_RECEIVED', 'the deposit is due');
    this.calls.push(`receive ${registrationId}`);
    return null;
  }
}

function setup() {
  const db = new FakeDatabase(T0);
  const deposits = new FakeDeposits();
  const listings = new FakeLeaseListingsRepository(db);
  const audit = new FakeAuditLogRepository(db);
  const scheduler = new FakeScheduler();
  const clock = new FakeClock(T0);
  const events = new FakeLiveEvents();
  const warnings: string[] = [];
  const logger = strict<Logger>(
    {
      warn: ((...args: unknown[]) => void warnings.push(String(args[1]))) as unknown as Logger['warn'],
    },
    'Logger',
  );
  const service = new LeaseListingsService(
    db.asDataSource(),
    strict<LeaseListingsRepository>(listings, 'LeaseListingsRepository'),
    strict<AuctionsRepository>(new FakeAuctionsRepository(db), 'AuctionsRepository'),
    new RegistrationsService(
      strict<RegistrationsRepository>(new FakeRegistrationsRepository(db), 'RegistrationsRepository'),
      strict<AuditLogRepository>(audit, 'AuditLogRepository'),
      new FakePartyBans() as unknown as PartyBans,
    ),
    strict<DepositsService>(deposits, 'DepositsService'),
    // On-site records are tested against PostgreSQL (test/on-site-auction.e2e-spec.ts).
    strict<OnSiteAuctionService>({}, 'OnSiteAuctionService'),
    strict<AuditLogRepository>(audit, 'AuditLogRepository'),
    strict<AuctionScheduler>(scheduler, 'AuctionScheduler'),
    clock,
    logger,
    events,
  );
  /** Time passes for the process and the database alike. */
  const elapse = (ms: number) => {
    clock.advance(ms);
    db.advance(ms);
  };
  return { db, listings, audit, scheduler, clock, elapse, events, warnings, service, deposits };
}

type Setup = ReturnType<typeof setup>;

const staff = user(randomUUID(), 'staff');
const supervisor = user(randomUUID(), 'supervisor');
const bidder = user(randomUUID(), 'bidder');

async function refusal(promise: Promise<unknown>): Promise<ErrorCode> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

/** Refused with `code`, and nothing written: the tables exactly as before, nothing scheduled or published. */
async function expectRefusedUnchanged(s: Setup, promise: () => Promise<unknown>, code: ErrorCode) {
  const before = structuredClone(s.db.tables);
  expect(await refusal(promise())).toBe(code);
  expect(s.db.tables).toEqual(before);
  expect(s.scheduler.scheduled).toEqual([]);
  expect(s.events.published).toEqual([]);
}

function input(overrides: Partial<LeaseListingInput> = {}): LeaseListingInput {
  return {
    title: '解放路 12 号商铺',
    address: '解放路 12 号',
    areaSqm: 80,
    usage: 'retail',
    leaseTermMonths: 36,
    startPrice: 100_000,
    increment: 5_000,
    deposit: 200_000,
    reservePrice: null,
    registrationStartsAt: at(MINUTE),
    registrationEndsAt: at(60 * MINUTE),
    biddingStartsAt: at(120 * MINUTE),
    freeBiddingEndsAt: at(150 * MINUTE),
    extensionSeconds: 300,
    ...overrides,
  };
}

describe('create', () => {
  it('writes a draft whose end is the free period plus one extension, with its audit entry', async () => {
    const s = setup();
    const view = await s.service.create(staff, input());
    const listing = s.listings.listing(view.id);
    expect(listing).toMatchObject({
      status: 'draft',
      createdBy: staff.id,
      endsAt: at(155 * MINUTE),
      lastSeq: 0,
    });
    expect(s.audit.entries(view.id)).toEqual([
      expect.objectContaining({ action: 'listing.created', actorId: staff.id, at: T0 }),
    ]);
  });

  it('refuses terms that break the rules, with every violation, before opening a transaction', async () => {
    const s = setup();
    const error = (await s.service
      .create(staff, input({ reservePrice: 1, biddingStartsAt: at(200 * MINUTE) }))
      .catch((caught: unknown) => caught)) as DomainError;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect((error.details as { field: string }[]).map((violation) => violation.field).sort()).toEqual(
      ['freeBiddingEndsAt', 'reservePrice'].sort(),
    );
    expect(s.db.transactions).toBe(0);
    expect(s.db.tables.listings.size).toBe(0);
  });
});

describe('publish', () => {
  it('draft → announced, audited, and both timers scheduled after commit', async () => {
    const s = setup();
    const draft = s.listings.addListing({
      status: 'draft',
      biddingStartsAt: at(MINUTE),
      freeBiddingEndsAt: at(2 * MINUTE),
      endsAt: at(3 * MINUTE),
    });
    const view = await s.service.publish(staff, draft.id);
    expect(view.status).toBe('announced');
    expect(s.listings.listing(draft.id).status).toBe('announced');
    expect(s.audit.entries(draft.id)).toEqual([
      expect.objectContaining({ action: 'listing.published', data: { from: 'draft', to: 'announced' } }),
    ]);
    expect(s.scheduler.scheduled).toEqual([
      `open ${draft.id} ${at(MINUTE).toISOString()}`,
      `close ${draft.id} ${at(3 * MINUTE).toISOString()}`,
    ]);
  });

  it('stays published when the queue is down, and says so in the log (the sweeper covers)', async () => {
    const s = setup();
    const draft = s.listings.addListing({
      status: 'draft',
      biddingStartsAt: at(MINUTE),
      freeBiddingEndsAt: at(2 * MINUTE),
    });
    s.scheduler.down = true;
    await s.service.publish(staff, draft.id);
    expect(s.listings.listing(draft.id).status).toBe('announced');
    expect(s.warnings).toEqual(['could not schedule auction jobs; the sweeper will cover']);
  });

  it('SCHEDULE_IN_PAST once biddingStartsAt has come: nothing written', async () => {
    const s = setup();
    const draft = s.listings.addListing({ status: 'draft', biddingStartsAt: T0 });
    await expectRefusedUnchanged(s, () => s.service.publish(staff, draft.id), 'SCHEDULE_IN_PAST');
    expect(s.db.rolledBack).toBe(1);
  });
});

describe('the lifecycle table', () => {
  const act = {
    publish: (s: Setup, id: string) => s.service.publish(staff, id),
    suspend: (s: Setup, id: string) => s.service.suspend(supervisor, id, '异议处理'),
    resume: (s: Setup, id: string) => s.service.resume(supervisor, id),
    cancel: (s: Setup, id: string) => s.service.cancel(staff, id, '权属争议'),
  };
  it.each<[keyof typeof act, LeaseListing['status']]>([
    ['publish', 'announced'],
    ['publish', 'bidding'],
    ['publish', 'cancelled'],
    ['suspend', 'draft'],
    ['suspend', 'suspended'],
    ['suspend', 'sold'],
    ['resume', 'announced'],
    ['resume', 'bidding'],
    ['resume', 'unsold'],
    ['cancel', 'bidding'],
    ['cancel', 'sold'],
    ['cancel', 'cancelled'],
  ])('%s on a %s listing: INVALID_STATE_TRANSITION, nothing written', async (action, status) => {
    const s = setup();
    const listing = s.listings.addListing({
      status,
      biddingStartsAt: at(MINUTE),
      freeBiddingEndsAt: at(2 * MINUTE),
      endsAt: at(3 * MINUTE),
      suspendedAt: status === 'suspended' ? T0 : null,
    });
    await expectRefusedUnchanged(s, () => act[action](s, listing.id), 'INVALID_STATE_TRANSITION');
  });

  it.each(Object.keys(act) as (keyof typeof act)[])(
    '%s on a listing that is not there: LISTING_NOT_FOUND',
    async (action) => {
      const s = setup();
      await expectRefusedUnchanged(s, () => act[action](s, randomUUID()), 'LISTING_NOT_FOUND');
    },
  );
});

describe('suspend and resume', () => {
  it('suspend freezes a bidding listing with its reason and tells the room; resume shifts every timer still ahead by the pause', async () => {
    const s = setup();
    const listing = s.listings.addListing({
      registrationStartsAt: at(-120 * MINUTE),
      registrationEndsAt: at(-60 * MINUTE),
      biddingStartsAt: at(-30 * MINUTE),
      freeBiddingEndsAt: at(30 * MINUTE),
      endsAt: at(35 * MINUTE),
    });
    await s.service.suspend(supervisor, listing.id, '异议处理');
    expect(s.listings.listing(listing.id)).toMatchObject({
      status: 'suspended',
      suspendedAt: T0,
      statusReason: '异议处理',
    });
    expect(s.events.published).toEqual([
      {
        event: 'auction.status',
        payload: { listingId: listing.id, status: 'suspended', endsAt: at(35 * MINUTE).toISOString() },
      },
    ]);
    s.elapse(10 * MINUTE);
    await s.service.resume(supervisor, listing.id);
    expect(s.listings.listing(listing.id)).toMatchObject({
      status: 'announced',
      suspendedAt: null,
      statusReason: null,
      biddingStartsAt: at(-30 * MINUTE), // already past: unchanged
      freeBiddingEndsAt: at(40 * MINUTE),
      endsAt: at(45 * MINUTE),
    });
    // Announced but past its start: the room is told it is bidding, with the new end.
    expect(s.events.published[1]).toEqual({
      event: 'auction.status',
      payload: { listingId: listing.id, status: 'bidding', endsAt: at(45 * MINUTE).toISOString() },
    });
    expect(s.scheduler.scheduled).toEqual([
      `open ${listing.id} ${at(-30 * MINUTE).toISOString()}`,
      `close ${listing.id} ${at(45 * MINUTE).toISOString()}`,
    ]);
    expect(s.audit.entries(listing.id).map((entry) => [entry.action, entry.data])).toEqual([
      ['listing.suspended', { from: 'bidding', to: 'suspended', reason: '异议处理' }],
      [
        'listing.resumed',
        { from: 'suspended', to: 'announced', endsAt: at(45 * MINUTE).toISOString(), pausedMs: 10 * MINUTE },
      ],
    ]);
  });

  it('an announced listing can be suspended before it opens', async () => {
    const s = setup();
    const listing = s.listings.addListing({
      status: 'announced',
      biddingStartsAt: at(MINUTE),
      freeBiddingEndsAt: at(2 * MINUTE),
      endsAt: at(3 * MINUTE),
    });
    await s.service.suspend(supervisor, listing.id, '异议处理');
    expect(s.listings.listing(listing.id).status).toBe('suspended');
  });

  it('AUCTION_CLOSED once endsAt has come (the close is under way): nothing written', async () => {
    const s = setup();
    const listing = s.listings.addListing({ endsAt: T0, freeBiddingEndsAt: at(-MINUTE) });
    await expectRefusedUnchanged(
      s,
      () => s.service.suspend(supervisor, listing.id, '异议处理'),
      'AUCTION_CLOSED',
    );
  });
});

describe('cancel', () => {
  it.each<[string, Partial<LeaseListing>]>([
    ['a draft', { status: 'draft' }],
    ['an announced listing before bidding opens', { status: 'announced' }],
    [
      'a suspended listing',
      {
        status: 'suspended',
        suspendedAt: at(-MINUTE),
        biddingStartsAt: at(-10 * MINUTE),
        freeBiddingEndsAt: at(MINUTE),
      },
    ],
  ])('ends %s with a public reason and tells the room', async (_what, changes) => {
    const s = setup();
    const listing = s.listings.addListing({
      biddingStartsAt: at(MINUTE),
      freeBiddingEndsAt: at(2 * MINUTE),
      endsAt: at(3 * MINUTE),
      ...changes,
    });
    await s.service.cancel(staff, listing.id, '权属争议');
    expect(s.listings.listing(listing.id)).toMatchObject({
      status: 'cancelled',
      statusReason: '权属争议',
      closedAt: T0,
      suspendedAt: null,
    });
    expect(s.events.events()).toEqual(['auction.status']);
    expect(s.audit.entries(listing.id)).toEqual([
      expect.objectContaining({
        action: 'listing.cancelled',
        data: { from: changes.status, to: 'cancelled', reason: '权属争议' },
      }),
    ]);
  });

  it('refuses an announced listing whose bidding has started (a supervisor suspends first)', async () => {
    const s = setup();
    const listing = s.listings.addListing({ status: 'announced', biddingStartsAt: T0 });
    await expectRefusedUnchanged(
      s,
      () => s.service.cancel(staff, listing.id, '权属争议'),
      'INVALID_STATE_TRANSITION',
    );
  });
});

describe('registration windows (register)', () => {
  function announced(s: Setup) {
    return s.listings.addListing({
      status: 'announced',
      registrationStartsAt: at(MINUTE),
      registrationEndsAt: at(2 * MINUTE),
      biddingStartsAt: at(3 * MINUTE),
      freeBiddingEndsAt: at(4 * MINUTE),
      endsAt: at(5 * MINUTE),
    });
  }

  it('REGISTRATION_NOT_OPEN before registrationStartsAt; open from it; REGISTRATION_CLOSED from registrationEndsAt', async () => {
    const s = setup();
    const listing = announced(s);
    s.elapse(MINUTE - 1);
    await expectRefusedUnchanged(s, () => s.service.register(bidder, listing.id), 'REGISTRATION_NOT_OPEN');
    s.elapse(1);
    const registered = await s.service.register(bidder, listing.id);
    expect(registered).toEqual({ id: expect.any(String), status: 'pending' });
    // Its deposit is owed at the listing's amount, in the same transaction.
    expect(s.deposits.calls).toEqual([`open ${registered.id} ${listing.deposit}`]);
    expect(s.audit.entries()).toEqual([
      expect.objectContaining({
        action: 'registration.created',
        actorId: bidder.id,
        data: { listingId: listing.id },
      }),
    ]);
    s.elapse(MINUTE);
    await expectRefusedUnchanged(
      s,
      () => s.service.register(user(randomUUID(), 'bidder'), listing.id),
      'REGISTRATION_CLOSED',
    );
  });

  it("closes by the database's clock: a process whose clock runs 2 s behind still refuses at registrationEndsAt", async () => {
    const s = setup();
    const listing = announced(s);
    s.elapse(2 * MINUTE);
    s.clock.advance(-2000);
    await expectRefusedUnchanged(s, () => s.service.register(bidder, listing.id), 'REGISTRATION_CLOSED');
  });

  it.each<[string, ErrorCode, Partial<LeaseListing>]>([
    ['bidding', 'REGISTRATION_CLOSED', { status: 'bidding' }],
    ['suspended', 'REGISTRATION_CLOSED', { status: 'suspended', suspendedAt: T0 }],
    ['draft', 'LISTING_NOT_FOUND', { status: 'draft' }],
  ])('a %s listing: %s', async (_status, code, changes) => {
    const s = setup();
    const listing = s.listings.addListing({
      registrationStartsAt: at(-MINUTE),
      registrationEndsAt: at(MINUTE),
      ...changes,
    });
    await expectRefusedUnchanged(s, () => s.service.register(bidder, listing.id), code);
  });

  it('FORBIDDEN to staff; ALREADY_REGISTERED the second time, its audit entry rolled back', async () => {
    const s = setup();
    const listing = announced(s);
    s.elapse(MINUTE);
    await expectRefusedUnchanged(s, () => s.service.register(staff, listing.id), 'FORBIDDEN');
    await s.service.register(bidder, listing.id);
    await expectRefusedUnchanged(s, () => s.service.register(bidder, listing.id), 'ALREADY_REGISTERED');
    expect(s.audit.entries()).toHaveLength(1);
  });
});

describe('qualify and reject', () => {
  function withPending(s: Setup, changes: Partial<LeaseListing> = { status: 'announced' }) {
    const listing = s.listings.addListing({
      biddingStartsAt: at(MINUTE),
      freeBiddingEndsAt: at(2 * MINUTE),
      endsAt: at(3 * MINUTE),
      ...changes,
    });
    const registration = s.listings.addRegistration(listing.id, bidder.id, 'pending');
    return { listing, registration };
  }

  it('qualifies with a six-digit bidder code, counts it and audits it; a second decision is refused', async () => {
    const s = setup();
    const { listing, registration } = withPending(s);
    const result = await s.service.qualify(staff, listing.id, registration.id, true);
    expect(result).toEqual({
      id: registration.id,
      status: 'qualified',
      bidderCode: expect.stringMatching(/^\d{6}$/),
    });
    expect(s.db.tables.registrations.get(registration.id)).toMatchObject({
      status: 'qualified',
      bidderCode: result.bidderCode,
      depositReceivedAt: T0,
      decidedBy: staff.id,
    });
    expect(s.listings.listing(listing.id).qualifiedCount).toBe(1);
    expect(s.deposits.calls).toEqual([`receive ${registration.id}`]);
    expect(s.audit.entries(registration.id)).toEqual([
      expect.objectContaining({
        action: 'registration.qualified',
        data: { listingId: listing.id, bidderId: bidder.id, bidderCode: result.bidderCode },
      }),
    ]);
    await expectRefusedUnchanged(
      s,
      () => s.service.qualify(staff, listing.id, registration.id, true),
      'REGISTRATION_ALREADY_DECIDED',
    );
    await expectRefusedUnchanged(
      s,
      () => s.service.reject(staff, listing.id, registration.id, '材料不全'),
      'REGISTRATION_ALREADY_DECIDED',
    );
  });

  it.each<[string, (s: Setup) => () => Promise<unknown>, ErrorCode]>([
    [
      'without the deposit',
      (s) => {
        const { listing, registration } = withPending(s);
        return () => s.service.qualify(staff, listing.id, registration.id, false);
      },
      'DEPOSIT_NOT_RECEIVED',
    ],
    [
      'on a sold listing',
      (s) => {
        const { listing, registration } = withPending(s, { status: 'sold' });
        return () => s.service.qualify(staff, listing.id, registration.id, true);
      },
      'INVALID_STATE_TRANSITION',
    ],
    [
      'a registration of another listing',
      (s) => {
        const { listing } = withPending(s);
        const other = withPending(s);
        return () => s.service.qualify(staff, listing.id, other.registration.id, true);
      },
      'REGISTRATION_NOT_FOUND',
    ],
    [
      'a registration that is not there',
      (s) => {
        const { listing } = withPending(s);
        return () => s.service.reject(staff, listing.id, randomUUID(), '材料不全');
      },
      'REGISTRATION_NOT_FOUND',
    ],
  ])('refuses to decide %s', async (_what, arrange, code) => {
    const s = setup();
    await expectRefusedUnchanged(s, arrange(s), code);
  });

  it('rejects a pending registration with its reason', async () => {
    const s = setup();
    const { listing, registration } = withPending(s);
    expect(await s.service.reject(staff, listing.id, registration.id, '材料不全')).toEqual({
      id: registration.id,
      status: 'rejected',
      reason: '材料不全',
    });
    expect(s.db.tables.registrations.get(registration.id)).toMatchObject({
      status: 'rejected',
      rejectReason: '材料不全',
      bidderCode: null,
    });
    expect(s.listings.listing(listing.id).qualifiedCount).toBe(0);
  });
});

describe('get (the REST view of one listing)', () => {
  it("shows the status by the database's clock on a process whose clock runs 2 s behind", async () => {
    const s = setup();
    const listing = s.listings.addListing({ status: 'announced', biddingStartsAt: at(-1000) });
    s.clock.advance(-2000);
    // Open 1 s ago by the database's clock (the one bids are accepted by); 1 s ahead by the process's.
    expect(await s.service.get(listing.id)).toMatchObject({ status: 'bidding' });
    expect(await s.service.get(listing.id, staff)).toMatchObject({
      status: 'bidding',
      storedStatus: 'announced',
    });
  });
  it("the list shows the status by the database's clock too", async () => {
    const s = setup();
    const listing = s.listings.addListing({ status: 'announced', biddingStartsAt: at(-1000) });
    s.clock.advance(-2000);
    const { items } = await s.service.list({ limit: 50, offset: 0 });
    expect(items.find((item) => item.id === listing.id)).toMatchObject({ status: 'bidding' });
  });
});
