import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../libs/persistence/src/data-source.js';
import {
  type LeaseListing,
  LeaseListingsRepository,
  type NewLeaseListing,
} from '../../libs/persistence/src/lease-listings.repository.js';
import { UsersRepository } from '../../libs/persistence/src/users.repository.js';
import { createTestEnvironment, type TestEnvironment } from '../support/environment.js';
import { queryRows } from '../support/checks.js';

/**
 * LeaseListingsRepository against PostgreSQL: a lease listing and its auction are two rows
 * under one id, and the repository keeps them one thing to the lease's use cases — created
 * together, each change written where it lives, listed by the auction's status, locked together.
 */
let env: TestEnvironment;
let dataSource: DataSource;
let listings: LeaseListingsRepository;
let staffId: string;

const HOUR = 3_600_000;

beforeAll(async () => {
  env = await createTestEnvironment();
  dataSource = await createDataSource(env.config.DATABASE_URL, 4, 'ggzy-test-lease-listings').initialize();
  listings = new LeaseListingsRepository(dataSource);
  staffId = (
    await new UsersRepository(dataSource).create({
      username: `staff-${randomUUID().slice(0, 8)}`,
      passwordHash: 'not-a-real-hash',
      displayName: '招商部',
      roles: ['staff'],
    })
  ).id;
});

afterAll(async () => {
  await dataSource?.destroy();
  await env?.drop();
});

function terms(overrides: Partial<NewLeaseListing> = {}): NewLeaseListing {
  const start = Date.now() + 48 * HOUR;
  return {
    title: '解放路 12 号商铺',
    address: '解放路 12 号',
    areaSqm: 80,
    usage: 'retail',
    leaseTermMonths: 36,
    startPrice: 100_000,
    increment: 5_000,
    deposit: 200_000,
    reservePrice: 150_000,
    registrationStartsAt: new Date(start - 24 * HOUR),
    registrationEndsAt: new Date(start - HOUR),
    biddingStartsAt: new Date(start),
    freeBiddingEndsAt: new Date(start + HOUR),
    extensionSeconds: 300,
    endsAt: new Date(start + HOUR + 300_000),
    createdBy: staffId,
    ...overrides,
  };
}

const draft = (overrides: Partial<NewLeaseListing> = {}): Promise<LeaseListing> =>
  dataSource.transaction((manager) => listings.insertDraft(manager, terms(overrides), 2026));

describe('insertDraft', () => {
  it('creates the listing and its auction under one id: a draft, with the lease’s limit', async () => {
    const listing = await draft({ leaseTermMonths: 240 });
    const [auction] = await queryRows(
      env.config.DATABASE_OWNER_URL!,
      `SELECT host_type, status, start_price::int, reserve_price::int, max_bid::text, allow_self_outbid, last_seq
         FROM auctions WHERE id = $1`,
      [listing.id],
    );
    expect(auction).toEqual({
      host_type: 'lease_listing',
      status: 'draft',
      start_price: 100_000,
      reserve_price: 150_000,
      max_bid: String(Math.floor(Number.MAX_SAFE_INTEGER / 240)),
      allow_self_outbid: false,
      last_seq: 0,
    });
    expect(await listings.findById(listing.id)).toMatchObject({
      id: listing.id,
      code: expect.stringMatching(/^GF2026\d{4}$/),
      title: '解放路 12 号商铺',
      leaseTermMonths: 240,
      status: 'draft',
      startPrice: 100_000,
      maxBid: Math.floor(Number.MAX_SAFE_INTEGER / 240),
      endsAt: listing.endsAt,
    });
  });
});

describe('update', () => {
  it('writes the listing’s fields to the listing and the auction’s to the auction; a new term moves the limit', async () => {
    const listing = await draft();
    await dataSource.transaction((manager) =>
      listings.update(manager, listing.id, { title: '新标题', startPrice: 120_000, leaseTermMonths: 12 }),
    );
    const [row] = await queryRows(
      env.config.DATABASE_OWNER_URL!,
      `SELECT l.title, l.lease_term_months, a.start_price::int, a.max_bid::text
         FROM lease_listings l JOIN auctions a ON a.id = l.id WHERE l.id = $1`,
      [listing.id],
    );
    expect(row).toEqual({
      title: '新标题',
      lease_term_months: 12,
      start_price: 120_000,
      max_bid: String(Math.floor(Number.MAX_SAFE_INTEGER / 12)),
    });
  });
});

describe('list', () => {
  it('filters by the auction’s status, leaves drafts out of the public view with the right total, newest first', async () => {
    const first = await draft();
    const second = await draft();
    const third = await draft();
    await dataSource.transaction(async (manager) => {
      // Published as the service publishes: the public sees only listings that were.
      await listings.update(manager, first.id, { status: 'announced', publishedAt: new Date() });
      await listings.update(manager, third.id, { status: 'announced', publishedAt: new Date() });
    });
    const announced = await listings.list({
      status: 'announced',
      includeDrafts: false,
      limit: 100,
      offset: 0,
    });
    expect(announced.items.map((listing) => listing.id)).toEqual([third.id, first.id]);
    expect(announced.total).toBe(2);
    expect(announced.items.every((listing) => listing.status === 'announced')).toBe(true);
    const everything = await listings.list({ includeDrafts: true, limit: 100, offset: 0 });
    expect(everything.items.map((listing) => listing.id)).toEqual(expect.arrayContaining([second.id]));
    const publicView = await listings.list({ includeDrafts: false, limit: 100, offset: 0 });
    expect(publicView.items.map((listing) => listing.id)).not.toContain(second.id);
    expect(publicView.total).toBe(
      everything.total - everything.items.filter((l) => l.status === 'draft').length,
    );
    const page = await listings.list({ status: 'announced', includeDrafts: false, limit: 1, offset: 1 });
    expect(page).toMatchObject({ items: [expect.objectContaining({ id: first.id })], total: 2 });
  });
});

describe('lockById', () => {
  it('holds the listing’s row and its auction’s until commit', async () => {
    const listing = await draft();
    const other = new pg.Client({ connectionString: env.config.DATABASE_OWNER_URL! });
    await other.connect();
    try {
      await dataSource.transaction(async (manager) => {
        expect(await listings.lockById(manager, listing.id)).toMatchObject({
          id: listing.id,
          status: 'draft',
        });
        for (const table of ['lease_listings', 'auctions'])
          await expect(
            other.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE NOWAIT`, [listing.id]),
          ).rejects.toMatchObject({ code: '55P03' });
        expect(await listings.lockById(manager, randomUUID())).toBeNull();
      });
      for (const table of ['lease_listings', 'auctions'])
        await other.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE NOWAIT`, [listing.id]);
    } finally {
      await other.end();
    }
  });
});
