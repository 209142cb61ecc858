import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import request from 'supertest';
import type { AppConfig } from '../../libs/common/src/config.js';
import { createDataSource } from '../../libs/persistence/src/data-source.js';
import { UsersRepository } from '../../libs/persistence/src/users.repository.js';
import type { Role } from '../../libs/persistence/src/entities/user.entity.js';
import { PasswordHasher } from '../../libs/auth/src/password-hasher.js';
import { unifiedSocialCreditCheckCharacter } from '../../libs/domain/src/organization-code.js';
import { queryRows } from './checks.js';

export interface TestUser {
  id: string;
  username: string;
  password: string;
  token: string;
}

export const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

/** A valid 统一社会信用代码 of its own for each organisation in a test (check character computed). */
export function organizationCode(): string {
  const body = `91360100${randomBytes(5)
    .toString('hex')
    .toUpperCase()
    .replace(/[IOSVZ]/g, '1')}`.slice(0, 17);
  return body + unifiedSocialCreditCheckCharacter(body);
}

/** `client` lets a file sign in from its own loopback address (see freshClient) under a tight limit. */
export async function login(
  apiUrl: string,
  username: string,
  password: string,
  client?: http.Agent,
): Promise<string> {
  const post = request(apiUrl).post('/api/auth/login');
  const response = await (client ? post.agent(client) : post).send({ username, password }).expect(200);
  return response.body.accessToken as string;
}

/** Non-bidder accounts come from the operator path (as `npm run cli -- user:create` does). */
export async function createOperator(
  config: AppConfig,
  apiUrl: string,
  role: Exclude<Role, 'bidder'>,
  client?: http.Agent,
): Promise<TestUser> {
  const username = unique(role);
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const dataSource = await createDataSource(config.DATABASE_URL, 1, 'ggzy-test-factory').initialize();
  try {
    const user = await new UsersRepository(dataSource).create({
      username,
      passwordHash: await new PasswordHasher().hash(password),
      displayName: `${role} ${username}`,
      roles: [role],
    });
    return { id: user.id, username, password, token: await login(apiUrl, username, password, client) };
  } finally {
    await dataSource.destroy();
  }
}

/** An organisation's own account: registered under its 统一社会信用代码 with its registered name. */
export interface TestOrganization extends TestUser {
  orgCode: string;
  /**
   * The registered name (企业名称), the account's display name. The public names a supplier by
   * it only once staff confirm it when they qualify the supplier (`organizationName`); before
   * that, by the code alone.
   */
  name: string;
}

/**
 * A bidder account of an organisation (API.md's `orgCode`, which nobody checks at sign-up: pass
 * `orgCode` to register under another organisation's code, as an impostor may).
 */
export async function registerOrganization(
  apiUrl: string,
  name = unique('南昌市东湖区测试建设有限公司'),
  orgCode = organizationCode(),
): Promise<TestOrganization> {
  const username = unique('org');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const response = await request(apiUrl)
    .post('/api/auth/register')
    .send({ username, password, displayName: name, orgCode })
    .expect(201);
  return {
    id: response.body.id,
    username,
    password,
    orgCode,
    name,
    token: await login(apiUrl, username, password),
  };
}

/** Bidders register themselves through the public API. */
export async function registerBidder(apiUrl: string, client?: http.Agent): Promise<TestUser> {
  const username = unique('bidder');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const response = await request(apiUrl)
    .post('/api/auth/register')
    .send({ username, password, displayName: `竞买人 ${username}` })
    .expect(201);
  return { id: response.body.id, username, password, token: await login(apiUrl, username, password, client) };
}

export interface Schedule {
  /** ms from now until bidding opens */
  biddingInMs?: number;
  /** length of the free period */
  freeMs?: number;
  extensionSeconds?: number;
}

export function listingBody(schedule: Schedule = {}, overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  const biddingStartsAt = now + (schedule.biddingInMs ?? 2000);
  const freeBiddingEndsAt = biddingStartsAt + (schedule.freeMs ?? 2000);
  return {
    title: '八一大道 358 号 1 楼店面使用权租赁',
    address: '南昌市东湖区八一大道 358 号',
    areaSqm: 86.5,
    usage: '商业',
    leaseTermMonths: 36,
    startPrice: 800_000,
    increment: 10_000,
    deposit: 2_000_000,
    registrationStartsAt: new Date(now - 60_000).toISOString(),
    registrationEndsAt: new Date(biddingStartsAt).toISOString(),
    biddingStartsAt: new Date(biddingStartsAt).toISOString(),
    freeBiddingEndsAt: new Date(freeBiddingEndsAt).toISOString(),
    extensionSeconds: schedule.extensionSeconds ?? 2,
    ...overrides,
  };
}

export interface LiveListing {
  id: string;
  body: ReturnType<typeof listingBody>;
  codes: Map<string, string>;
}

/** Creates and publishes a listing, then registers and qualifies the given bidders. */
export async function createPublishedListing(
  apiUrl: string,
  staff: TestUser,
  bidders: TestUser[],
  schedule: Schedule = {},
  overrides: Record<string, unknown> = {},
): Promise<LiveListing> {
  const body = listingBody(schedule, overrides);
  const created = await request(apiUrl)
    .post('/api/lease-listings')
    .auth(staff.token, { type: 'bearer' })
    .send(body)
    .expect(201);
  const id = created.body.id as string;
  await request(apiUrl)
    .post(`/api/lease-listings/${id}/publish`)
    .auth(staff.token, { type: 'bearer' })
    .expect(200);
  // All at once: registration closes when bidding opens, and a loaded machine is slow.
  const registrations = await Promise.all(
    bidders.map((bidder) =>
      request(apiUrl)
        .post(`/api/lease-listings/${id}/registrations`)
        .auth(bidder.token, { type: 'bearer' })
        .send({})
        .expect(201),
    ),
  );
  const qualified = await Promise.all(
    registrations.map((registration) =>
      request(apiUrl)
        .post(`/api/lease-listings/${id}/registrations/${registration.body.id}/qualify`)
        .auth(staff.token, { type: 'bearer' })
        .send({ depositReceived: true })
        .expect(200),
    ),
  );
  const codes = new Map(bidders.map((bidder, i) => [bidder.id, qualified[i].body.bidderCode as string]));
  return { id, body, codes };
}

/**
 * A listing ready to be recorded on site (现场拍租): its notice public for 8 days and its
 * registration closed a minute ago (the database stands in for the days that passed), online
 * bidding still an hour away, `bidders` qualified with their deposits received and `pending`
 * registered but not yet decided.
 */
export async function listingReadyOnSite(
  apiUrl: string,
  databaseUrl: string,
  staff: TestUser,
  bidders: TestUser[],
  pending: TestUser[] = [],
): Promise<LiveListing> {
  const listing = await createPublishedListing(apiUrl, staff, bidders, {
    biddingInMs: 3_600_000,
    freeMs: 10 * 60_000,
    extensionSeconds: 60,
  });
  for (const bidder of pending)
    await request(apiUrl)
      .post(`/api/lease-listings/${listing.id}/registrations`)
      .auth(bidder.token, { type: 'bearer' })
      .send({})
      .expect(201);
  await queryRows(
    databaseUrl,
    `UPDATE lease_listings SET published_at = now() - interval '8 days',
       registration_starts_at = now() - interval '9 days', registration_ends_at = now() - interval '1 minute'
     WHERE id = $1`,
    [listing.id],
  );
  return listing;
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
