import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AppConfig, Logger } from '@ggzy/common';
import { BusinessCalendar, DomainError, type ErrorCode, OFFICIAL_CALENDARS } from '@ggzy/domain';
import type {
  AuctionEntity,
  AuctionsRepository,
  AuditLogRepository,
  DealsRepository,
  NewDeal,
  PartyBans,
  RefusalToSignRecords,
  RegistrationsRepository,
  TransferProjectEntity,
  TransferProjectsRepository,
  UsersRepository,
} from '@ggzy/persistence';
import type { AuctionScheduler, TransferScheduler } from '@ggzy/queues';
import type { BusinessCalendarService } from '@ggzy/calendar';
import type { DepositsService } from '@ggzy/deposits';
import type { OnSiteAuctionService } from '@ggzy/auction';
import { RegistrationsService } from '@ggzy/registrations';
import {
  FakeAuditLogRepository,
  FakeDatabase,
  FakePartyBans,
  FakeRegistrationsRepository,
  strict,
} from '../../../test/fakes/persistence.js';
import { FakeLiveEvents, user } from '../../../test/fakes/services.js';
import { type TransferProjectInput, TransfersService } from './transfers.service.js';
import { TransferAuctionHost } from './transfer-auction.host.js';

/**
 * The transfer use cases over in-memory repositories, on the official 2026 calendar, with the
 * database's clock where each case puts it (CENTRE_TZ is Asia/Shanghai, UTC+8): the disclosure
 * rule at its boundary across National Day 2026, the end-of-disclosure decision for 0, 1 and 2+
 * buyers made once, the auction host's close, a resumed disclosure, and refusals that write
 * nothing. The SQL is proved against PostgreSQL by test/transfers.e2e-spec.ts.
 */
const TZ = 'Asia/Shanghai';
/** 2026-09-21 10:00 in Nanchang, a Monday; National Day runs 10-01 to 10-07, 10-10 is worked. */
const MONDAY_0921 = new Date('2026-09-21T02:00:00.000Z');
const noonOn = (date: string) => new Date(`${date}T12:00:00+08:00`);

type Tables = {
  projects: Map<string, TransferProjectEntity>;
  auctions: Map<string, AuctionEntity>;
  deals: NewDeal[];
};
const tablesOf = (db: FakeDatabase) => db.tables as unknown as Tables & FakeDatabase['tables'];

class FakeTransferProjects implements Partial<TransferProjectsRepository> {
  constructor(private readonly db: FakeDatabase) {}
  private get rows() {
    return tablesOf(this.db).projects;
  }
  async insert(
    _m: EntityManager,
    project: Parameters<TransferProjectsRepository['insert']>[1],
    year: number,
    relisting?: Parameters<TransferProjectsRepository['insert']>[3],
  ) {
    const row = {
      ...project,
      id: randomUUID(),
      code: `CQ${year}${String(this.rows.size + 1).padStart(4, '0')}`,
      resumeTo: null,
      extensionsUsed: 0,
      relistCount: relisting?.relistCount ?? 0,
      relistedFrom: relisting?.relistedFrom ?? null,
      relistedAs: null,
      publishedOn: null,
      endDecidedFor: null,
      qualifiedBuyers: 0,
      finalPrice: null,
      winnerId: null,
      dealSource: null,
      soldOn: null,
      resultPublishedUntil: null,
      confirmedOn: null,
      contractDeadlineOn: null,
      contractSignedOn: null,
      contractSha256: null,
      suspendedAt: null,
      suspendedOn: null,
      suspensionReason: null,
      terminationReason: null,
      closingReason: null,
      createdAt: this.db.clockTimestamp(),
      updatedAt: this.db.clockTimestamp(),
    } as TransferProjectEntity;
    this.rows.set(row.id, row);
    return structuredClone(row);
  }
  async findById(id: string) {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }
  async lockById(_m: EntityManager, id: string) {
    return this.findById(id);
  }
  async update(_m: EntityManager, id: string, changes: Partial<TransferProjectEntity>) {
    Object.assign(this.rows.get(id)!, structuredClone(changes));
  }
  async databaseNow() {
    return this.db.clockTimestamp();
  }
}

class FakeTransferAuctions implements Partial<AuctionsRepository> {
  constructor(private readonly db: FakeDatabase) {}
  private get rows() {
    return tablesOf(this.db).auctions;
  }
  async insert(_m: EntityManager, auction: Omit<AuctionEntity, 'createdAt' | 'updatedAt'>) {
    if (this.rows.has(auction.id)) throw new Error('auctions_pkey');
    this.rows.set(auction.id, structuredClone(auction) as AuctionEntity);
    return structuredClone(auction) as AuctionEntity;
  }
  async lockById(_m: EntityManager, id: string) {
    return this.findById(id);
  }
  async findById(id: string) {
    const row = this.rows.get(id);
    return row ? structuredClone(row) : null;
  }
  async findWithLeaderCode(id: string) {
    const auction = await this.findById(id);
    return auction ? { auction, leaderCode: null, databaseNow: this.db.clockTimestamp() } : null;
  }
  async update(_m: EntityManager, id: string, changes: Partial<AuctionEntity>) {
    Object.assign(this.rows.get(id)!, structuredClone(changes));
  }
}

function setup() {
  const db = new FakeDatabase(MONDAY_0921);
  Object.assign(db.tables, { projects: new Map(), auctions: new Map(), deals: [] });
  const projects = new FakeTransferProjects(db);
  const auctions = new FakeTransferAuctions(db);
  const registrationRows = new FakeRegistrationsRepository(db);
  const audit = new FakeAuditLogRepository(db);
  const scheduled: string[] = [];
  const calendar = new BusinessCalendar(OFFICIAL_CALENDARS);
  const calendars = strict<BusinessCalendarService>(
    { calendar: async () => calendar },
    'BusinessCalendarService',
  );
  const config = { CENTRE_TZ: TZ } as AppConfig;
  // Deposits here only answer; their rules and SQL are proved against PostgreSQL.
  const deposits = strict<DepositsService>(
    {
      openForRegistration: async () => randomUUID(),
      ofRegistration: async () => null,
      requireForQualification: async () => null,
      settleOnClose: async () => undefined,
      hostHasDepositOf: async () => false,
      forfeitWinner: async () => undefined,
    },
    'DepositsService',
  );
  const service = new TransfersService(
    db.asDataSource(),
    strict<TransferProjectsRepository>(
      projects as Partial<TransferProjectsRepository>,
      'TransferProjectsRepository',
    ),
    strict<AuctionsRepository>(auctions as Partial<AuctionsRepository>, 'AuctionsRepository'),
    strict<RegistrationsRepository>(registrationRows, 'RegistrationsRepository'),
    new RegistrationsService(
      strict<RegistrationsRepository>(registrationRows, 'RegistrationsRepository'),
      strict<AuditLogRepository>(audit, 'AuditLogRepository'),
      new FakePartyBans() as unknown as PartyBans,
    ),
    strict<DealsRepository>(
      { insert: async (_m, deal) => (tablesOf(db).deals.push(deal), deal as never) },
      'DealsRepository',
    ),
    strict<UsersRepository>({ findById: async () => null }, 'UsersRepository'),
    strict<AuditLogRepository>(audit, 'AuditLogRepository'),
    calendars,
    strict<AuctionScheduler>(
      {
        scheduleOpen: async (id, at) => void scheduled.push(`open ${id} ${at.toISOString()}`),
        scheduleClose: async (id, at) => void scheduled.push(`close ${id} ${at.toISOString()}`),
      },
      'AuctionScheduler',
    ),
    strict<TransferScheduler>(
      { scheduleDisclosureEnd: async (id, at) => void scheduled.push(`end ${id} ${at.toISOString()}`) },
      'TransferScheduler',
    ),
    config,
    strict<Logger>({}, 'Logger'),
    new FakeLiveEvents(),
    deposits,
    // On-site records and deposits are proved against PostgreSQL (test/transfer-deposits.e2e-spec.ts).
    strict<OnSiteAuctionService>({}, 'OnSiteAuctionService'),
    new FakePartyBans() as unknown as PartyBans,
    // Credit records are proved against PostgreSQL (test/credit.e2e-spec.ts).
    strict<RefusalToSignRecords>({ record: async () => null }, 'RefusalToSignRecords'),
  );
  const host = new TransferAuctionHost(
    strict<TransferProjectsRepository>(
      projects as Partial<TransferProjectsRepository>,
      'TransferProjectsRepository',
    ),
    strict<AuditLogRepository>(audit, 'AuditLogRepository'),
    calendars,
    config,
    deposits,
  );
  return { db, service, host, audit, scheduled, calendar, tables: tablesOf(db) };
}

const staff = user(randomUUID(), 'staff');
const supervisor = user(randomUUID(), 'supervisor');
const buyer = () => user(randomUUID(), 'bidder');

const input = (overrides: Partial<TransferProjectInput> = {}): Partial<TransferProjectInput> => ({
  title: '某国有企业股权转让',
  transferor: '东湖区国资公司',
  assetKind: 'equity',
  assetDescription: '股权',
  valuation: 10_000_000,
  listingPrice: 10_000_000,
  deposit: 1_000_000,
  increment: 100_000,
  disclosureEndsOn: '2026-10-27',
  ...overrides,
});

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('TransfersService: the disclosure rule across National Day 2026', () => {
  // Published Monday 09-21: day 1 is 09-22; 09-25..27 (中秋) and 10-01..07 (国庆) are off and
  // Saturday 10-10 is a make-up working day: the 10th business day is Monday 10-12, the 9th the
  // make-up Saturday, the 20th Monday 10-26, the 19th Friday 10-23.
  it.each([
    ['equity', '2026-10-23', 'DISCLOSURE_TOO_SHORT'],
    ['equity', '2026-10-26', null],
    ['physical_asset', '2026-10-10', 'DISCLOSURE_TOO_SHORT'],
    ['physical_asset', '2026-10-12', null],
  ] as const)('%s ending %s: %s', async (assetKind, disclosureEndsOn, code) => {
    const { service, audit, tables } = setup();
    const work = service.create(staff, input({ assetKind, disclosureEndsOn }));
    if (code === null) {
      await expect(work).resolves.toMatchObject({ status: 'accepted', disclosureEndsOn });
      return;
    }
    const error = await refusal(work);
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ publishedOn: '2026-09-21', endsOn: disclosureEndsOn });
    expect(tables.projects.size).toBe(0);
    expect(audit.entries()).toEqual([]);
  });

  it('lists every form problem at once, before any rule', async () => {
    const { service, tables } = setup();
    const error = await refusal(
      service.create(
        staff,
        input({ title: ' ', deposit: 20_000_000, auctionStartTime: '25:00', extensionPeriods: 13 }),
      ),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect((error.details as { field: string }[]).map((violation) => violation.field).sort()).toEqual([
      'auctionStartTime',
      'deposit',
      'extensionPeriods',
      'title',
    ]);
    expect(tables.projects.size).toBe(0);
  });

  it('re-checks the period at publication: a project published later must still have the minimum', async () => {
    const { service, db, scheduled } = setup();
    const project = await service.create(staff, input({ disclosureEndsOn: '2026-10-26' }));
    db.now = noonOn('2026-09-22');
    const error = await refusal(service.publish(staff, project.id));
    expect(error).toMatchObject({ code: 'DISCLOSURE_TOO_SHORT', details: { earliestEndsOn: '2026-10-27' } });
    expect(scheduled).toEqual([]);
  });
});

describe('TransfersService: the end of disclosure', () => {
  async function disclosed(buyers: number, overrides: Partial<TransferProjectInput> = {}) {
    const context = setup();
    const { service } = context;
    const project = await service.create(staff, input(overrides));
    await service.publish(staff, project.id);
    for (let i = 0; i < buyers; i += 1) {
      const applicant = buyer();
      const applied = await service.register(applicant, project.id);
      await service.qualify(staff, project.id, applied.id, true);
    }
    return { ...context, id: project.id };
  }

  it('does nothing before 24:00 of the last day, by the database clock, and says when it is due', async () => {
    const { service, db, id } = await disclosed(0, { extensionPeriods: 1 });
    db.now = new Date('2026-10-27T15:59:59.999Z'); // 23:59:59.999 in Nanchang
    await expect(service.decideEndOfDisclosure(id)).resolves.toEqual({
      decided: false,
      dueAt: new Date('2026-10-27T16:00:00.000Z'),
    });
  });

  it.each([
    [0, 1, 'extend', 'extended'],
    [0, 0, 'await_staff', 'disclosed'],
    [1, 0, 'open_agreement', 'agreement_pending'],
    [3, 0, 'open_auction', 'auction'],
  ] as const)(
    '%i qualified buyer(s), %i extension(s) announced: %s → %s, once',
    async (buyers, extensionPeriods, action, status) => {
      const { service, db, id, tables, audit } = await disclosed(buyers, { extensionPeriods });
      db.now = new Date('2026-10-27T16:00:00.000Z');
      await expect(service.decideEndOfDisclosure(id)).resolves.toEqual({ decided: true, action });
      const entries = audit.entries(id).length;
      await expect(service.decideEndOfDisclosure(id)).resolves.toMatchObject({ decided: false });
      expect(audit.entries(id)).toHaveLength(entries);
      expect(tables.projects.get(id)!.status).toBe(status);
      if (action === 'extend') expect(tables.projects.get(id)!.disclosureEndsOn).toBe('2026-11-03');
    },
  );

  it('opens the auction at the announced time on the next business day, at the listing price, and schedules it', async () => {
    const { service, db, id, tables, scheduled } = await disclosed(2, {
      auctionStartTime: '09:30',
      freeBiddingMinutes: 30,
      extensionSeconds: 120,
    });
    db.now = noonOn('2026-10-28');
    await service.decideEndOfDisclosure(id);
    const auction = tables.auctions.get(id)!;
    expect(auction).toMatchObject({
      hostType: 'transfer_project',
      status: 'announced',
      startPrice: 10_000_000,
      reservePrice: null,
      increment: 100_000,
      biddingStartsAt: new Date('2026-10-28T01:30:00.000Z'),
      freeBiddingEndsAt: new Date('2026-10-28T02:00:00.000Z'),
      endsAt: new Date('2026-10-28T02:02:00.000Z'),
    });
    expect(scheduled).toContain(`open ${id} 2026-10-28T01:30:00.000Z`);
    expect(scheduled).toContain(`close ${id} 2026-10-28T02:02:00.000Z`);
  });

  it('lets the auction host move the project to sold with its result published 5 business days', async () => {
    const { service, host, db, id, tables } = await disclosed(2);
    db.now = noonOn('2026-10-28');
    await service.decideEndOfDisclosure(id);
    const winner = randomUUID();
    const deal = await db.transaction((manager) =>
      host.dealFor(manager, {
        auctionId: id,
        finalPrice: 12_000_000,
        winnerId: winner,
      }),
    );
    expect(deal).toEqual({
      category: 'property_rights',
      subtype: 'transfer',
      sourceType: 'transfer_auction',
      title: '某国有企业股权转让',
      amount: 12_000_000,
    });
    await db.transaction((manager) =>
      host.closed(manager, {
        auctionId: id,
        status: 'sold',
        finalPrice: 12_000_000,
        winnerId: winner,
        closedAt: noonOn('2026-10-29'),
        databaseNow: noonOn('2026-10-29'),
      }),
    );
    expect(tables.projects.get(id)).toMatchObject({
      status: 'sold',
      finalPrice: 12_000_000,
      winnerId: winner,
      dealSource: 'auction',
      soldOn: '2026-10-29',
      resultPublishedUntil: '2026-11-05',
    });
  });

  async function unsoldAfterItsAuction() {
    const context = await disclosed(2);
    const { service, host, db, id, tables } = context;
    db.now = noonOn('2026-10-28');
    await service.decideEndOfDisclosure(id);
    await db.transaction((manager) =>
      host.closed(manager, {
        auctionId: id,
        status: 'unsold',
        reason: 'no_bids',
        closedAt: noonOn('2026-10-28'),
        databaseNow: noonOn('2026-10-28'),
      }),
    );
    expect(tables.projects.get(id)).toMatchObject({ status: 'unsold', closingReason: 'no_bids' });
    return context;
  }

  it('re-lists a project whose live auction has run as a new project: its own id, no buyers, linked both ways', async () => {
    const { service, id, tables, audit } = await unsoldAfterItsAuction();
    const relisted = await service.relist(staff, id, {
      listingPrice: 9_000_000,
      disclosureEndsOn: '2026-12-01',
    });
    expect(relisted.id).not.toBe(id);
    expect(relisted).toMatchObject({
      status: 'relisted',
      relistedFrom: id,
      relistedAs: null,
      relistCount: 1,
      listingPrice: 9_000_000,
      disclosureEndsOn: '2026-12-01',
      qualifiedBuyers: 0,
      auctionStatus: null,
      finalPrice: null,
    });
    expect(relisted.code).not.toBe(tables.projects.get(id)!.code);
    expect(tables.projects.get(id)).toMatchObject({ status: 'superseded', relistedAs: relisted.id });
    // The old auction stays with the old project; the new one has none until its own disclosure ends.
    expect(tables.auctions.has(id)).toBe(true);
    expect(tables.auctions.has(relisted.id)).toBe(false);
    expect(audit.entries(id).at(-1)).toMatchObject({
      action: 'transfer.relist_as_new',
      data: { from: 'unsold', to: 'superseded', relistedAs: relisted.id },
    });
    expect(audit.entries(relisted.id)).toEqual([
      expect.objectContaining({
        action: 'transfer.created',
        data: expect.objectContaining({ relistedFrom: id }),
      }),
    ]);
  });

  it('refuses a re-listing as a new project below 90% of the valuation without an approval, writing nothing', async () => {
    const { service, id, tables, audit } = await unsoldAfterItsAuction();
    const projects = tables.projects.size;
    const before = audit.entries().length;
    const error = await refusal(
      service.relist(staff, id, { listingPrice: 8_999_999, disclosureEndsOn: '2026-12-01' }),
    );
    expect(error.code).toBe<ErrorCode>('RELIST_BELOW_90_PERCENT_NEEDS_APPROVAL');
    expect(tables.projects.size).toBe(projects);
    expect(tables.projects.get(id)).toMatchObject({ status: 'unsold', relistedAs: null });
    expect(audit.entries()).toHaveLength(before);
  });

  it('refuses to re-list a superseded project again', async () => {
    const { service, id } = await unsoldAfterItsAuction();
    await service.relist(staff, id, { listingPrice: 9_000_000, disclosureEndsOn: '2026-12-01' });
    const error = await refusal(
      service.relist(staff, id, { listingPrice: 9_000_000, disclosureEndsOn: '2026-12-01' }),
    );
    expect(error.code).toBe<ErrorCode>('INVALID_STATE_TRANSITION');
  });

  it('does not terminate a project suspended after its sale', async () => {
    const { service, db, id, tables } = await disclosed(1);
    db.now = noonOn('2026-10-28');
    await service.decideEndOfDisclosure(id);
    await service.agreement(staff, id, 10_000_000);
    await service.suspend(supervisor, id, '异议');
    const error = await refusal(service.terminate(staff, id, '撤回'));
    expect(error.code).toBe<ErrorCode>('INVALID_STATE_TRANSITION');
    expect(tables.projects.get(id)).toMatchObject({ status: 'suspended', resumeTo: 'sold' });
  });

  it('refuses an agreement under the listing price and writes nothing', async () => {
    const { service, db, id, tables, audit } = await disclosed(1);
    db.now = noonOn('2026-10-28');
    await service.decideEndOfDisclosure(id);
    const before = audit.entries(id).length;
    const error = await refusal(service.agreement(staff, id, 9_999_999));
    expect(error.code).toBe<ErrorCode>('AGREEMENT_PRICE_TOO_LOW');
    expect(tables.projects.get(id)!.status).toBe('agreement_pending');
    expect(tables.deals).toEqual([]);
    expect(audit.entries(id)).toHaveLength(before);
  });

  it('gives a suspended disclosure back the business days it had left, counted over National Day', async () => {
    const { service, db, id, tables } = await disclosed(0);
    db.now = noonOn('2026-09-28'); // 17 business days left to 10-27 (10-10 worked)
    await service.suspend(supervisor, id, '异议');
    db.now = noonOn('2026-10-09');
    const resumed = await service.resume(supervisor, id);
    expect(resumed.status).toBe('disclosed');
    // From 10-09 as day 0, the same 17 business days end on 11-02: the 4 lost ones given back.
    expect(tables.projects.get(id)!.disclosureEndsOn).toBe('2026-11-02');
  });
});
