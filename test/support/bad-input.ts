import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { createTestEnvironment, type TestEnvironment } from './environment.js';
import { type RunningHttpApp, startApi, startGateway } from './platform.js';
import {
  createOperator,
  createPublishedListing,
  listingBody,
  type LiveListing,
  registerBidder,
} from './factories.js';
import type { TestUser } from './factories.js';
import { type Claims, detailFields, type TableContents, tableContents } from './checks.js';

/**
 * The platform the bad-input files (test/bad-input-*.e2e-spec.ts) share: everything a careless
 * or hostile client can send is answered with a 4xx and a machine-readable code (never a 5xx),
 * sockets survive garbage, and none of it writes a row.
 *
 * A file calls `useBadInputPlatform()` inside its outer `describe`; that registers the hooks:
 * before all, a fresh database, the api (and the gateway if asked), a staff member, a supervisor,
 * a qualified bidder, a bidder with a pending registration, a listing bidding an hour away and
 * a draft; after each test, a check that no table gained, lost or changed a row.
 * The fixtures below are exported bindings, filled in by that `beforeAll` (ES modules see the
 * assignment), so the tests read `live.id`, `draftId` … as they are when a test runs.
 */

export const MAX_SAFE = '9007199254740991';
export const TOO_BIG = '9007199254740993'; // 2^53 + 1, written raw: JSON.parse rounds it to 2^53
export const HOUR = 3_600_000;

// A valid body, bidding an hour away; each row of a bad-input table breaks one thing.
export const valid = listingBody({ biddingInMs: HOUR, freeMs: 10 * 60_000, extensionSeconds: 60 });
export const ms = (field: keyof typeof valid) => Date.parse(valid[field] as string);
export const iso = (time: number) => new Date(time).toISOString();

export type Who = 'anonymous' | 'staff' | 'supervisor' | 'bidder' | 'pending';
export type Method = 'get' | 'post';
/** A body: an object (sent as JSON), or JSON text sent as it is. */
export type Body = Record<string, unknown> | unknown[] | string | undefined;

export let env: TestEnvironment;
export let api: RunningHttpApp;
/** Only with `useBadInputPlatform({ gateway: true })`. */
export let gateway: RunningHttpApp;
export const users = {} as Record<Exclude<Who, 'anonymous'>, TestUser>;
export let live: LiveListing;
export let draftId: string;
export let pendingRegistrationId: string;
/** Sockets a file opens; closed after all its tests. */
export const sockets: Socket[] = [];
let before: TableContents;

export function useBadInputPlatform(options: { gateway?: boolean } = {}) {
  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    if (options.gateway) gateway = await startGateway(env.config);
    users.staff = await createOperator(env.config, api.url, 'staff');
    users.supervisor = await createOperator(env.config, api.url, 'supervisor');
    users.bidder = await registerBidder(api.url);
    users.pending = await registerBidder(api.url);
    live = await createPublishedListing(api.url, users.staff, [users.bidder], {
      biddingInMs: HOUR,
      freeMs: 10 * 60_000,
      extensionSeconds: 60,
    });
    const registration = await request(api.url)
      .post(`/api/lease-listings/${live.id}/registrations`)
      .auth(users.pending.token, { type: 'bearer' })
      .send({})
      .expect(201);
    pendingRegistrationId = registration.body.id;
    const draft = await request(api.url)
      .post('/api/lease-listings')
      .auth(users.staff.token, { type: 'bearer' })
      .send(valid)
      .expect(201);
    draftId = draft.body.id;
    before = await tableContents(env.config.DATABASE_URL);
  });

  // After every row: no table gained, lost or changed a row.
  afterEach(async () => {
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await gateway?.close();
    await api?.close();
    await env?.drop();
  });
}

/**
 * For tests that do write (the limits that are accepted): after checking what was written, the
 * new contents become the baseline that the check after each test compares with.
 */
export async function rebaseline() {
  before = await tableContents(env.config.DATABASE_URL);
}

export const claimsOf = (who: Exclude<Who, 'anonymous'>, roles: string[]): Claims => ({
  sub: users[who].id,
  username: users[who].username,
  roles,
});

/** One request: who sends it (a role, or a raw Authorization header), and its body. */
export function call(
  method: Method,
  path: string,
  who: Who | { authorization: string } = 'anonymous',
  body?: Body,
) {
  let req = request(api.url)[method](path);
  if (typeof who === 'object') req = req.set('Authorization', who.authorization);
  else if (who !== 'anonymous') req = req.auth(users[who].token, { type: 'bearer' });
  if (typeof body === 'string') return req.set('Content-Type', 'application/json').send(body);
  if (body !== undefined) return req.send(body as object);
  return req;
}

/** `details` names at least one of these fields. */
export function expectNamed(body: { details?: unknown }, ...anyOf: string[]) {
  const named = detailFields(body).some((field) => anyOf.includes(field));
  expect({ anyOf, named, details: body.details }).toMatchObject({ named: true });
}

export const createListing = (body: Body) => call('post', '/api/lease-listings', 'staff', body);
