import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi, startGateway } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingBody,
  type LiveListing,
  registerBidder,
  type TestUser,
} from './support/factories.js';
import { ask, connect } from './support/sockets.js';
import {
  type Claims,
  detailFields,
  expectError,
  expiredToken,
  forgedToken,
  foreignIssuerToken,
  handshake,
  jsonWithRaw,
  otherAlgorithmToken,
  unsignedToken,
  type TableContents,
  tableContents,
  without,
} from './support/checks.js';

/**
 * Everything a careless or hostile client can send: each answer is a 4xx with a machine-readable
 * code (never a 5xx), sockets survive garbage, and none of it writes a row.
 */

const MAX_SAFE = '9007199254740991';
const TOO_BIG = '9007199254740993'; // 2^53 + 1, written raw: JSON.parse rounds it to 2^53
const HOUR = 3_600_000;

// A valid body, bidding an hour away; each row below breaks one thing.
const valid = listingBody({ biddingInMs: HOUR, freeMs: 10 * 60_000, extensionSeconds: 60 });
const ms = (field: keyof typeof valid) => Date.parse(valid[field] as string);
const iso = (time: number) => new Date(time).toISOString();

type Who = 'anonymous' | 'staff' | 'supervisor' | 'bidder' | 'pending';
type Method = 'get' | 'post';
/** A body: an object (sent as JSON), or JSON text sent as it is. */
type Body = Record<string, unknown> | unknown[] | string | undefined;

describe('bad input is refused with a code, and writes nothing', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let gateway: RunningHttpApp;
  const users = {} as Record<Exclude<Who, 'anonymous'>, TestUser>;
  let live: LiveListing;
  let draftId: string;
  let pendingRegistrationId: string;
  let before: TableContents;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    gateway = await startGateway(env.config);
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

  const claimsOf = (who: Exclude<Who, 'anonymous'>, roles: string[]): Claims => ({
    sub: users[who].id,
    username: users[who].username,
    roles,
  });

  /** One request: who sends it (a role, or a raw Authorization header), and its body. */
  function call(
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
  function expectNamed(body: { details?: unknown }, ...anyOf: string[]) {
    const named = detailFields(body).some((field) => anyOf.includes(field));
    expect({ anyOf, named, details: body.details }).toMatchObject({ named: true });
  }

  const createListing = (body: Body) => call('post', '/api/lease-listings', 'staff', body);

  describe('bodies that are not JSON', () => {
    const texts = [
      '{"title":',
      '{title: "x"}',
      "{'title': 'x'}",
      '{"title": "x",}',
      '[1, 2',
      '{"a": 1}{"b": 2}',
      '{"title": "\\x"}',
    ];
    it.each(texts)('creating a listing with %j → 400 INVALID_JSON', async (text) => {
      expectError(await createListing(text), 400, 'INVALID_JSON');
    });

    // JSON, but not an object or array: the strict parser refuses it as a body.
    it.each(['null', '"just a string"', '42', 'true'])(
      'creating a listing with %j → 400 INVALID_JSON',
      async (text) => {
        expectError(await createListing(text), 400, 'INVALID_JSON');
      },
    );

    it.each([
      ['register', 'post', () => '/api/auth/register', 'anonymous'],
      ['login', 'post', () => '/api/auth/login', 'anonymous'],
      ['bid (REST)', 'post', () => `/api/lease-listings/${live.id}/bids`, 'bidder'],
      ['register for a listing', 'post', () => `/api/lease-listings/${live.id}/registrations`, 'pending'],
      [
        'qualify',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        'staff',
      ],
      [
        'reject',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/reject`,
        'staff',
      ],
    ] as [string, Method, () => string, Who][])(
      '%s with a truncated body → 400 INVALID_JSON',
      async (_name, method, path, who) => {
        expectError(await call(method, path(), who, '{"amount":'), 400, 'INVALID_JSON');
      },
    );

    it('a body over the size limit → 413 PAYLOAD_TOO_LARGE', async () => {
      const huge = JSON.stringify({ ...valid, title: 'x'.repeat(2 * 1024 * 1024) });
      expectError(await createListing(huge), 413, 'PAYLOAD_TOO_LARGE');
    });

    // A body the server cannot decode at all is a bad request, not a failure of the server.
    it.each([
      [
        'an unsupported charset',
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        { 'Content-Type': 'application/json; charset=latin1' },
        '{}',
      ],
      ['an unknown Content-Encoding', 415, 'UNSUPPORTED_MEDIA_TYPE', { 'Content-Encoding': 'bogus' }, '{}'],
      [
        'Content-Encoding gzip on a plain body',
        400,
        'VALIDATION_FAILED',
        { 'Content-Encoding': 'gzip' },
        '{"title": "x"}',
      ],
    ] as [string, number, string, Record<string, string>, string][])(
      'a body with %s → %i %s',
      async (_name, status, code, headers, text) => {
        let req = call('post', '/api/lease-listings', 'staff').set('Content-Type', 'application/json');
        for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
        const body = expectError(await req.send(text), status, code);
        expect(body.message).not.toMatch(/zlib|stack|at \w+ \(/i);
      },
    );
  });

  describe('listing bodies', () => {
    const required = [
      'title',
      'address',
      'areaSqm',
      'usage',
      'leaseTermMonths',
      'startPrice',
      'increment',
      'deposit',
      'registrationStartsAt',
      'registrationEndsAt',
      'biddingStartsAt',
      'freeBiddingEndsAt',
    ];
    it.each(required)('without %s → 400 VALIDATION_FAILED naming it', async (field) => {
      expectNamed(expectError(await createListing(without(valid, field)), 400, 'VALIDATION_FAILED'), field);
    });

    it('an empty object → 400 VALIDATION_FAILED naming every required field', async () => {
      const body = expectError(await createListing({}), 400, 'VALIDATION_FAILED');
      expect(detailFields(body)).toEqual(expect.arrayContaining(required));
    });

    it.each([
      ['a JSON array', []],
      ['an array holding a valid body', [valid]],
    ] as [string, unknown[]][])('%s → 400 VALIDATION_FAILED', async (_name, body) => {
      expectError(await createListing(body), 400, 'VALIDATION_FAILED');
    });

    const wrongTypes: [string, Record<string, unknown>][] = [
      ['title', { title: 123 }],
      ['title', { title: ['a', 'b'] }],
      ['title', { title: null }],
      ['title', { title: { zh: '店面' } }],
      ['title', { title: '' }],
      ['address', { address: 42 }],
      ['address', { address: null }],
      ['areaSqm', { areaSqm: '86.5' }],
      ['areaSqm', { areaSqm: null }],
      ['areaSqm', { areaSqm: [86.5] }],
      ['areaSqm', { areaSqm: 0 }],
      ['areaSqm', { areaSqm: -86.5 }],
      ['usage', { usage: 5 }],
      ['usage', { usage: null }],
      ['leaseTermMonths', { leaseTermMonths: '36' }],
      ['leaseTermMonths', { leaseTermMonths: 36.5 }],
      ['leaseTermMonths', { leaseTermMonths: null }],
      ['leaseTermMonths', { leaseTermMonths: [36] }],
      ['startPrice', { startPrice: [800_000] }],
      ['startPrice', { startPrice: null }],
      ['startPrice', { startPrice: true }],
      ['startPrice', { startPrice: { fen: 800_000 } }],
      ['increment', { increment: null }],
      ['deposit', { deposit: false }],
      ['extensionSeconds', { extensionSeconds: '60' }],
      ['extensionSeconds', { extensionSeconds: 1.5 }],
      ['extensionSeconds', { extensionSeconds: [60] }],
      ['registrationStartsAt', { registrationStartsAt: null }],
      ['biddingStartsAt', { biddingStartsAt: ['2030-01-01T00:00:00Z'] }],
    ];
    it.each(wrongTypes)('a wrong type for %s (%j) → 400 VALIDATION_FAILED', async (field, change) => {
      expectNamed(expectError(await createListing({ ...valid, ...change }), 400, 'VALIDATION_FAILED'), field);
    });

    it.each([
      ['foo', { foo: 1 }],
      ['status', { status: 'bidding' }],
      ['currentPrice', { currentPrice: 900_000 }],
      ['id', { id: randomUUID() }],
      ['createdBy', { createdBy: randomUUID() }],
      ['winnerCode', { winnerCode: '0001' }],
    ] as [string, Record<string, unknown>][])(
      'an unknown or read-only field %s → 400 VALIDATION_FAILED naming it',
      async (field, change) => {
        expectNamed(
          expectError(await createListing({ ...valid, ...change }), 400, 'VALIDATION_FAILED'),
          field,
        );
      },
    );

    const moneyFields = ['startPrice', 'increment', 'deposit', 'reservePrice'] as const;
    const badMoney: [string, unknown][] = [
      ['fractional fen (1.5)', 1.5],
      ['fractional fen (800000.5)', 800_000.5],
      ['zero', 0],
      ['negative', -800_000],
      ['a numeric string', '900000'],
      ['beyond any safe integer', 1e300],
    ];
    it.each(
      moneyFields.flatMap((field) =>
        badMoney.map(([name, value]): [string, string, unknown] => [field, name, value]),
      ),
    )('%s as %s → 400 VALIDATION_FAILED', async (field, _name, value) => {
      expectNamed(
        expectError(await createListing({ ...valid, [field]: value }), 400, 'VALIDATION_FAILED'),
        field,
      );
    });
    it.each(moneyFields)('%s of 2^53 + 1, written raw → 400 VALIDATION_FAILED', async (field) => {
      expectNamed(
        expectError(await createListing(jsonWithRaw(valid, { [field]: TOO_BIG })), 400, 'VALIDATION_FAILED'),
        field,
      );
    });

    it('reservePrice below startPrice → 400 VALIDATION_FAILED naming reservePrice', async () => {
      const body = { ...valid, reservePrice: valid.startPrice - 1 };
      expectNamed(expectError(await createListing(body), 400, 'VALIDATION_FAILED'), 'reservePrice');
    });

    const schedules: [string, Record<string, unknown>, string[]][] = [
      [
        'registrationEndsAt equal to registrationStartsAt',
        { registrationEndsAt: valid.registrationStartsAt },
        ['registrationStartsAt', 'registrationEndsAt'],
      ],
      [
        'registrationEndsAt before registrationStartsAt',
        { registrationStartsAt: iso(ms('registrationEndsAt') + 1000) },
        ['registrationStartsAt', 'registrationEndsAt'],
      ],
      [
        'biddingStartsAt before registrationEndsAt',
        { biddingStartsAt: iso(ms('registrationEndsAt') - 1000) },
        ['registrationEndsAt', 'biddingStartsAt'],
      ],
      [
        'registrationEndsAt after biddingStartsAt',
        { registrationEndsAt: iso(ms('biddingStartsAt') + 1) },
        ['registrationEndsAt', 'biddingStartsAt'],
      ],
      [
        'freeBiddingEndsAt equal to biddingStartsAt',
        { freeBiddingEndsAt: valid.biddingStartsAt },
        ['biddingStartsAt', 'freeBiddingEndsAt'],
      ],
      [
        'freeBiddingEndsAt before biddingStartsAt',
        { freeBiddingEndsAt: iso(ms('biddingStartsAt') - 60_000) },
        ['biddingStartsAt', 'freeBiddingEndsAt'],
      ],
      [
        'the whole schedule reversed',
        {
          registrationStartsAt: valid.freeBiddingEndsAt,
          registrationEndsAt: valid.biddingStartsAt,
          biddingStartsAt: iso(ms('registrationStartsAt') + 1000),
          freeBiddingEndsAt: valid.registrationStartsAt,
        },
        ['registrationStartsAt', 'registrationEndsAt', 'biddingStartsAt', 'freeBiddingEndsAt'],
      ],
    ];
    it.each(schedules)('%s → 400 VALIDATION_FAILED', async (_name, change, fields) => {
      expectNamed(
        expectError(await createListing({ ...valid, ...change }), 400, 'VALIDATION_FAILED'),
        ...fields,
      );
    });

    const dateFields = ['registrationStartsAt', 'registrationEndsAt', 'biddingStartsAt', 'freeBiddingEndsAt'];
    const notIso: unknown[] = [
      'not a date',
      '',
      '2030-01-01 10:00:00Z',
      '01/02/2030',
      '2030-02-30T10:00:00Z',
      'Tue, 01 Jan 2030 10:00:00 GMT',
      1_893_456_000_000,
    ];
    it.each(dateFields.flatMap((field) => notIso.map((value): [string, unknown] => [field, value])))(
      '%s = %j → 400 VALIDATION_FAILED naming it',
      async (field, value) => {
        expectNamed(
          expectError(await createListing({ ...valid, [field]: value }), 400, 'VALIDATION_FAILED'),
          field,
        );
      },
    );

    it.each([
      ['extensionSeconds', '0', 0],
      ['extensionSeconds', '3601', 3601],
      ['extensionSeconds', '-1', -1],
      ['leaseTermMonths', '0', 0],
      ['leaseTermMonths', '241', 241],
      ['leaseTermMonths', '-12', -12],
      ['title', '201 Latin characters', 'x'.repeat(201)],
      ['title', '201 Chinese characters', '租'.repeat(201)],
      ['address', '501 Latin characters', 'x'.repeat(501)],
      ['address', '501 Chinese characters', '号'.repeat(501)],
      ['usage', '101 characters', 'x'.repeat(101)],
    ] as [string, string, unknown][])(
      '%s of %s → 400 VALIDATION_FAILED naming it',
      async (field, _name, value) => {
        expectNamed(
          expectError(await createListing({ ...valid, [field]: value }), 400, 'VALIDATION_FAILED'),
          field,
        );
      },
    );
  });

  describe('bid bodies on the REST twin', () => {
    const bid = (body: Body) => call('post', `/api/lease-listings/${live.id}/bids`, 'bidder', body);
    const good = { amount: 900_000, clientBidId: 'bad-input-1' };

    it.each([
      ['amount', 'fractional', { ...good, amount: 900_000.5 }],
      ['amount', 'negative', { ...good, amount: -900_000 }],
      ['amount', 'zero', { ...good, amount: 0 }],
      ['amount', 'a numeric string', { ...good, amount: '900000' }],
      ['amount', 'null', { ...good, amount: null }],
      ['amount', 'an array', { ...good, amount: [900_000] }],
      ['amount', 'a boolean', { ...good, amount: true }],
      ['amount', 'missing', { clientBidId: good.clientBidId }],
      ['amount', 'beyond any safe integer', { ...good, amount: 1e300 }],
      ['clientBidId', 'empty', { ...good, clientBidId: '' }],
      ['clientBidId', '65 characters', { ...good, clientBidId: 'x'.repeat(65) }],
      ['clientBidId', 'with spaces', { ...good, clientBidId: 'bid one' }],
      ['clientBidId', 'a number', { ...good, clientBidId: 12345 }],
      ['clientBidId', 'null', { ...good, clientBidId: null }],
      ['clientBidId', 'missing', { amount: good.amount }],
      ['bidderCode', 'an unknown extra field', { ...good, bidderCode: '0001' }],
      ['listingId', 'an extra listingId', { ...good, listingId: randomUUID() }],
    ] as [string, string, Record<string, unknown>][])(
      '%s %s → 400 VALIDATION_FAILED',
      async (field, _name, body) => {
        expectNamed(expectError(await bid(body), 400, 'VALIDATION_FAILED'), field);
      },
    );

    it('amount 2^53 + 1, written raw → 400 VALIDATION_FAILED', async () => {
      const text = jsonWithRaw({ clientBidId: good.clientBidId }, { amount: TOO_BIG });
      expectNamed(expectError(await bid(text), 400, 'VALIDATION_FAILED'), 'amount');
    });

    it.each([
      ['an empty object', {}],
      ['an array', [good]],
    ] as [string, Body][])('%s → 400 VALIDATION_FAILED', async (_name, body) => {
      expectError(await bid(body), 400, 'VALIDATION_FAILED');
    });
  });

  describe('ids', () => {
    const unknown = randomUUID();
    const bidBody = { amount: 900_000, clientBidId: 'unknown-listing' };
    it.each([
      ['GET a listing', 'get', () => `/api/lease-listings/${unknown}`, 'anonymous', undefined],
      ['GET a listing as staff', 'get', () => `/api/lease-listings/${unknown}`, 'staff', undefined],
      ['publish', 'post', () => `/api/lease-listings/${unknown}/publish`, 'staff', undefined],
      ['register', 'post', () => `/api/lease-listings/${unknown}/registrations`, 'pending', {}],
      ['list registrations', 'get', () => `/api/lease-listings/${unknown}/registrations`, 'staff', undefined],
      ['bid', 'post', () => `/api/lease-listings/${unknown}/bids`, 'bidder', bidBody],
      ['read the ledger', 'get', () => `/api/lease-listings/${unknown}/bids`, 'anonymous', undefined],
      [
        'read bid attempts',
        'get',
        () => `/api/lease-listings/${unknown}/bid-attempts`,
        'supervisor',
        undefined,
      ],
      [
        'qualify on an unknown listing',
        'post',
        () => `/api/lease-listings/${unknown}/registrations/${pendingRegistrationId}/qualify`,
        'staff',
        { depositReceived: true },
      ],
      [
        'reject on an unknown listing',
        'post',
        () => `/api/lease-listings/${unknown}/registrations/${pendingRegistrationId}/reject`,
        'staff',
        { reason: '保证金未到账' },
      ],
      ['GET a draft anonymously', 'get', () => `/api/lease-listings/${draftId}`, 'anonymous', undefined],
      ['GET a draft as a bidder', 'get', () => `/api/lease-listings/${draftId}`, 'bidder', undefined],
      ['register for a draft', 'post', () => `/api/lease-listings/${draftId}/registrations`, 'pending', {}],
      [
        'read the ledger of a draft',
        'get',
        () => `/api/lease-listings/${draftId}/bids`,
        'anonymous',
        undefined,
      ],
    ] as [string, Method, () => string, Who, Body][])(
      '%s → 404 LISTING_NOT_FOUND',
      async (_name, method, path, who, body) => {
        expectError(await call(method, path(), who, body), 404, 'LISTING_NOT_FOUND');
      },
    );

    it.each([
      ['qualify', { depositReceived: true }],
      ['reject', { reason: '保证金未到账' }],
    ] as [string, Body][])(
      '%s an unknown registration → 404 REGISTRATION_NOT_FOUND',
      async (action, body) => {
        const path = `/api/lease-listings/${live.id}/registrations/${randomUUID()}/${action}`;
        expectError(await call('post', path, 'staff', body), 404, 'REGISTRATION_NOT_FOUND');
      },
    );

    const bogus = [
      '123',
      'not-a-uuid',
      '8f2c1a9e-3b4d-4e5f-9a6b-7c8d9e0f1a2b0',
      'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
    ];
    const routes: [string, Method, (id: string) => string, Who, Body][] = [
      ['GET a listing', 'get', (id) => `/api/lease-listings/${id}`, 'anonymous', undefined],
      ['publish', 'post', (id) => `/api/lease-listings/${id}/publish`, 'staff', undefined],
      ['register', 'post', (id) => `/api/lease-listings/${id}/registrations`, 'pending', {}],
      ['list registrations', 'get', (id) => `/api/lease-listings/${id}/registrations`, 'staff', undefined],
      ['bid', 'post', (id) => `/api/lease-listings/${id}/bids`, 'bidder', bidBody],
      ['read the ledger', 'get', (id) => `/api/lease-listings/${id}/bids`, 'anonymous', undefined],
      ['read bid attempts', 'get', (id) => `/api/lease-listings/${id}/bid-attempts`, 'supervisor', undefined],
      [
        'qualify',
        'post',
        (id) => `/api/lease-listings/${live.id}/registrations/${id}/qualify`,
        'staff',
        { depositReceived: true },
      ],
      [
        'reject',
        'post',
        (id) => `/api/lease-listings/${live.id}/registrations/${id}/reject`,
        'staff',
        { reason: '保证金未到账' },
      ],
    ];
    it.each(routes.flatMap((route) => bogus.map((id): [...typeof route, string] => [...route, id])))(
      '%s with id %s → 400 INVALID_ID',
      async (_name, method, path, who, body, id) => {
        expectError(await call(method, path(id), who, body), 400, 'INVALID_ID');
      },
    );
  });

  describe('paging', () => {
    const lists: [string, () => string][] = [
      ['GET /api/lease-listings', () => '/api/lease-listings'],
      ['GET /api/lease-listings/:id/bids', () => `/api/lease-listings/${live.id}/bids`],
    ];
    const badQueries = [
      'limit=0',
      'limit=1001',
      'limit=-1',
      'limit=abc',
      'limit=1.5',
      'offset=-1',
      'offset=abc',
      'offset=1.5',
      'limit=1&limit=2',
    ];
    it.each(
      lists.flatMap(([name, path]) =>
        badQueries.map((query): [string, string, () => string] => [name, query, path]),
      ),
    )('%s?%s → 400 VALIDATION_FAILED', async (_name, query, path) => {
      const response = await call('get', `${path()}?${query}`);
      expectError(response, 400, 'VALIDATION_FAILED');
    });

    it('GET /api/lease-listings?status=bogus → 400 VALIDATION_FAILED', async () => {
      expectError(await call('get', '/api/lease-listings?status=bogus'), 400, 'VALIDATION_FAILED');
    });

    it.each(
      lists.flatMap(([name, path]) =>
        ['limit=1', 'limit=1000', 'limit=1000&offset=0', 'offset=3'].map(
          (query): [string, string, () => string] => [name, query, path],
        ),
      ),
    )('%s?%s → 200 {items, total}', async (_name, query, path) => {
      const response = await call('get', `${path()}?${query}`);
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body.items)).toBe(true);
      expect(typeof response.body.total).toBe('number');
      const limit = /limit=(\d+)/.exec(query);
      if (limit) expect(response.body.items.length).toBeLessThanOrEqual(Number(limit[1]));
    });
  });

  describe('tokens', () => {
    const headers: [string, () => string][] = [
      ['a forged token (another secret)', () => `Bearer ${forgedToken(claimsOf('staff', ['staff']))}`],
      ['an alg:none token', () => `Bearer ${unsignedToken(claimsOf('staff', ['staff']))}`],
      [
        'an expired token',
        () => `Bearer ${expiredToken(env.config.JWT_SECRET, claimsOf('staff', ['staff']))}`,
      ],
      [
        'a token from another issuer',
        () => `Bearer ${foreignIssuerToken(env.config.JWT_SECRET, claimsOf('staff', ['staff']))}`,
      ],
      [
        'an HS512 token',
        () => `Bearer ${otherAlgorithmToken(env.config.JWT_SECRET, claimsOf('staff', ['staff']))}`,
      ],
      ['a garbage token', () => 'Bearer abc'],
      ['"Bearer" with no token', () => 'Bearer'],
      ['the Basic scheme', () => 'Basic xyz'],
      ['a token without "Bearer"', () => users.staff.token],
    ];
    const routes: [string, Method, () => string, Body][] = [
      ['GET /api/lease-listings (public)', 'get', () => '/api/lease-listings', undefined],
      ['GET a listing (public)', 'get', () => `/api/lease-listings/${live.id}`, undefined],
      ['GET the ledger (public)', 'get', () => `/api/lease-listings/${live.id}/bids`, undefined],
      [
        'POST /api/auth/login (public)',
        'post',
        () => '/api/auth/login',
        { username: 'nobody-here', password: 'whatever-123' },
      ],
      ['GET /api/auth/me', 'get', () => '/api/auth/me', undefined],
      ['POST /api/lease-listings (staff)', 'post', () => '/api/lease-listings', valid],
      ['publish (staff)', 'post', () => `/api/lease-listings/${draftId}/publish`, undefined],
    ];
    it.each(
      headers.flatMap(([name, header]) =>
        routes.map(
          ([route, method, path, body]): [string, string, () => string, Method, () => string, Body] => [
            name,
            route,
            header,
            method,
            path,
            body,
          ],
        ),
      ),
    )('%s on %s → 401 INVALID_TOKEN', async (_name, _route, header, method, path, body) => {
      const response = await call(method, path(), { authorization: header() }, body);
      expectError(response, 401, 'INVALID_TOKEN');
    });

    it.each([
      ['create a listing', 'post', () => '/api/lease-listings', valid],
      ['publish', 'post', () => `/api/lease-listings/${draftId}/publish`, undefined],
      [
        'qualify',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        { depositReceived: true },
      ],
      [
        'reject',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/reject`,
        { reason: 'x' },
      ],
      ['list registrations', 'get', () => `/api/lease-listings/${live.id}/registrations`, undefined],
      ['read bid attempts', 'get', () => `/api/lease-listings/${live.id}/bid-attempts`, undefined],
      ['register for a listing', 'post', () => `/api/lease-listings/${live.id}/registrations`, {}],
      ['bid', 'post', () => `/api/lease-listings/${live.id}/bids`, { amount: 900_000, clientBidId: 'anon' }],
      ['list deals', 'get', () => '/api/deals', undefined],
      ['read the audit trail', 'get', () => '/api/audit', undefined],
      ['verify the audit chain', 'get', () => '/api/audit/verify', undefined],
      ['GET /api/auth/me', 'get', () => '/api/auth/me', undefined],
    ] as [string, Method, () => string, Body][])(
      'no token: %s → 401 UNAUTHENTICATED',
      async (_name, method, path, body) => {
        expectError(await call(method, path(), 'anonymous', body), 401, 'UNAUTHENTICATED');
      },
    );
  });

  describe('roles', () => {
    it.each([
      ['a bidder creates a listing', 'post', () => '/api/lease-listings', 'bidder', valid],
      ['a supervisor creates a listing', 'post', () => '/api/lease-listings', 'supervisor', valid],
      ['a bidder publishes', 'post', () => `/api/lease-listings/${draftId}/publish`, 'bidder', undefined],
      [
        'a bidder qualifies',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        'bidder',
        { depositReceived: true },
      ],
      [
        'a bidder qualifies itself',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        'pending',
        { depositReceived: true },
      ],
      [
        'a bidder rejects',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/reject`,
        'bidder',
        { reason: 'x' },
      ],
      [
        'a bidder lists registrations',
        'get',
        () => `/api/lease-listings/${live.id}/registrations`,
        'bidder',
        undefined,
      ],
      [
        'a bidder reads bid attempts',
        'get',
        () => `/api/lease-listings/${live.id}/bid-attempts`,
        'bidder',
        undefined,
      ],
      [
        'staff registers for a listing',
        'post',
        () => `/api/lease-listings/${live.id}/registrations`,
        'staff',
        {},
      ],
      [
        'a supervisor registers for a listing',
        'post',
        () => `/api/lease-listings/${live.id}/registrations`,
        'supervisor',
        {},
      ],
      [
        'staff bids',
        'post',
        () => `/api/lease-listings/${live.id}/bids`,
        'staff',
        { amount: 900_000, clientBidId: 'staff-1' },
      ],
      ['a bidder lists deals', 'get', () => '/api/deals', 'bidder', undefined],
      ['a bidder reads the audit trail', 'get', () => '/api/audit', 'bidder', undefined],
      ['a bidder verifies the audit chain', 'get', () => '/api/audit/verify', 'bidder', undefined],
    ] as [string, Method, () => string, Who, Body][])(
      '%s → 403 FORBIDDEN',
      async (_name, method, path, who, body) => {
        expectError(await call(method, path(), who, body), 403, 'FORBIDDEN');
      },
    );

    it.each([
      ['creates a listing', 'post', () => '/api/lease-listings', valid],
      [
        'qualifies',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        { depositReceived: true },
      ],
      ['lists deals', 'get', () => '/api/deals', undefined],
    ] as [string, Method, () => string, Body][])(
      'a bidder whose forged token claims staff %s → 401 INVALID_TOKEN',
      async (_name, method, path, body) => {
        const token = forgedToken(claimsOf('bidder', ['staff', 'supervisor', 'admin']));
        expectError(
          await call(method, path(), { authorization: `Bearer ${token}` }, body),
          401,
          'INVALID_TOKEN',
        );
      },
    );
  });

  describe('socket /bidding', () => {
    let bidderSocket: Socket;
    let anonymousSocket: Socket;
    let staffSocket: Socket;
    const open = async (token?: string) => {
      const socket = await connect(gateway.url, token);
      sockets.push(socket);
      return socket;
    };

    beforeAll(async () => {
      [bidderSocket, anonymousSocket, staffSocket] = await Promise.all([
        open(users.bidder.token),
        open(),
        open(users.staff.token),
      ]);
    });

    const failure = (code: string) => ({
      ok: false,
      error: expect.objectContaining({ code, message: expect.any(String) }),
    });
    const listingId = () => live.id;
    const bidOf = (change: Record<string, unknown>) => () => ({
      listingId: live.id,
      amount: 900_000,
      clientBidId: 'socket-bad',
      ...change,
    });
    const shapes: [string, () => unknown][] = [
      ['a string', () => 'join me'],
      ['a number', () => 42],
      ['null', () => null],
      ['an array', () => [{ listingId: listingId() }]],
      ['an empty object', () => ({})],
      [
        'a non-UUID listingId',
        () => ({ listingId: 'not-a-uuid', afterSeq: 0, amount: 900_000, clientBidId: 'x' }),
      ],
      ['a numeric listingId', () => ({ listingId: 42, afterSeq: 0, amount: 900_000, clientBidId: 'x' })],
    ];
    const rows: [string, string, () => unknown, string][] = [
      ...['join', 'leave', 'resync', 'bid'].flatMap((event) =>
        shapes.map(([name, payload]): [string, string, () => unknown, string] => [
          event,
          name,
          payload,
          'VALIDATION_FAILED',
        ]),
      ),
      [
        'join',
        'an unknown extra field',
        () => ({ listingId: listingId(), room: 'all' }),
        'VALIDATION_FAILED',
      ],
      ['leave', 'an unknown extra field', () => ({ listingId: listingId(), all: true }), 'VALIDATION_FAILED'],
      ['resync', 'afterSeq -1', () => ({ listingId: listingId(), afterSeq: -1 }), 'VALIDATION_FAILED'],
      ['resync', 'afterSeq 1.5', () => ({ listingId: listingId(), afterSeq: 1.5 }), 'VALIDATION_FAILED'],
      [
        'resync',
        'afterSeq as a string',
        () => ({ listingId: listingId(), afterSeq: '0' }),
        'VALIDATION_FAILED',
      ],
      ['resync', 'afterSeq missing', () => ({ listingId: listingId() }), 'VALIDATION_FAILED'],
      [
        'resync',
        'an unknown extra field',
        () => ({ listingId: listingId(), afterSeq: 0, limit: 1e9 }),
        'VALIDATION_FAILED',
      ],
      ['bid', 'amount as a string', bidOf({ amount: '900000' }), 'VALIDATION_FAILED'],
      ['bid', 'a fractional amount', bidOf({ amount: 900_000.5 }), 'VALIDATION_FAILED'],
      ['bid', 'a negative amount', bidOf({ amount: -900_000 }), 'VALIDATION_FAILED'],
      ['bid', 'a zero amount', bidOf({ amount: 0 }), 'VALIDATION_FAILED'],
      ['bid', 'a huge amount', bidOf({ amount: 2 ** 53 + 2 }), 'VALIDATION_FAILED'],
      ['bid', 'amount null', bidOf({ amount: null }), 'VALIDATION_FAILED'],
      ['bid', 'amount missing', bidOf({ amount: undefined }), 'VALIDATION_FAILED'],
      ['bid', 'clientBidId missing', bidOf({ clientBidId: undefined }), 'VALIDATION_FAILED'],
      ['bid', 'an empty clientBidId', bidOf({ clientBidId: '' }), 'VALIDATION_FAILED'],
      ['bid', 'a clientBidId with spaces', bidOf({ clientBidId: 'a b' }), 'VALIDATION_FAILED'],
      ['bid', 'a 65-character clientBidId', bidOf({ clientBidId: 'x'.repeat(65) }), 'VALIDATION_FAILED'],
      ['bid', 'an unknown extra field', bidOf({ bidderCode: '0001' }), 'VALIDATION_FAILED'],
      ['join', 'an unknown listing', () => ({ listingId: randomUUID() }), 'LISTING_NOT_FOUND'],
      ['join', 'a draft listing', () => ({ listingId: draftId }), 'LISTING_NOT_FOUND'],
      ['resync', 'an unknown listing', () => ({ listingId: randomUUID(), afterSeq: 0 }), 'LISTING_NOT_FOUND'],
      ['bid', 'an unknown listing', bidOf({ listingId: randomUUID() }), 'LISTING_NOT_FOUND'],
    ];
    it.each(
      rows.map(([event, name, payload, code]): [string, string, string, () => unknown] => [
        event,
        name,
        code,
        payload,
      ]),
    )('a bidder emits %s with %s → ack {ok:false, %s}', async (event, _name, code, payload) => {
      const ack = await ask(bidderSocket, event, payload());
      expect(ack).toEqual(failure(code));
    });

    it.each([
      ['bid.force', () => ({ listingId: live.id })],
      ['JOIN', () => ({ listingId: live.id })],
      ['auction.closed', () => ({ listingId: live.id, status: 'sold' })],
    ] as [string, () => unknown][])(
      'an unknown event %s is answered with an UNKNOWN_EVENT ack, not silence',
      async (event, payload) => {
        // No ack within the timeout rejects, and so fails the test.
        expect(await ask(bidderSocket, event, payload(), 5000)).toEqual(failure('UNKNOWN_EVENT'));
      },
    );

    it.each([
      ['a valid bid', bidOf({ clientBidId: 'anon-1' })],
      ['garbage', () => 'garbage'],
    ])('an anonymous socket bidding %s → UNAUTHENTICATED', async (_name, payload) => {
      expect(await ask(anonymousSocket, 'bid', payload())).toEqual(failure('UNAUTHENTICATED'));
    });

    it('a staff socket bidding → FORBIDDEN', async () => {
      const ack = await ask(staffSocket, 'bid', bidOf({ clientBidId: 'staff-socket-1' })());
      expect(ack).toEqual(failure('FORBIDDEN'));
    });

    it('after all that, every socket is still connected and can join a real listing', async () => {
      for (const socket of [bidderSocket, anonymousSocket, staffSocket]) {
        expect(socket.connected).toBe(true);
        const ack = await ask(socket, 'join', { listingId: live.id });
        expect(ack).toMatchObject({
          ok: true,
          snapshot: { listingId: live.id, status: 'announced', lastSeq: 0 },
        });
      }
      const mine = await ask(bidderSocket, 'join', { listingId: live.id });
      expect(mine.snapshot.yourBidderCode).toBe(live.codes.get(users.bidder.id));
      expect(await ask(bidderSocket, 'resync', { listingId: live.id, afterSeq: 0 })).toMatchObject({
        ok: true,
        bids: [],
      });
      expect(await ask(bidderSocket, 'leave', { listingId: live.id })).toEqual({ ok: true });
    });

    it.each([
      ['a forged token', () => ({ token: forgedToken(claimsOf('bidder', ['bidder'])) })],
      ['an alg:none token', () => ({ token: unsignedToken(claimsOf('bidder', ['bidder'])) })],
      [
        'an expired token',
        () => ({ token: expiredToken(env.config.JWT_SECRET, claimsOf('bidder', ['bidder'])) }),
      ],
      ['a garbage token', () => ({ token: 'abc' })],
      ['a "Bearer …" string', () => ({ token: `Bearer ${users.bidder.token}` })],
      ['a token that is a number', () => ({ token: 42 })],
      ['a token that is an object', () => ({ token: { sub: users.staff.id } })],
    ] as [string, () => Record<string, unknown>][])(
      'a handshake with %s is refused: connect_error INVALID_TOKEN',
      async (_name, auth) => {
        const result = await handshake(gateway.url, auth());
        expect(result).toMatchObject({ connected: false, error: { data: { code: 'INVALID_TOKEN' } } });
      },
    );
  });

  describe('the limits themselves are accepted', () => {
    // These rows do write (one listing each): the test checks what was written, then the new
    // contents are the baseline for the check after it.
    afterEach(async () => {
      before = await tableContents(env.config.DATABASE_URL);
    });

    it('title 200, address 500, extension 3600 s, term 240 months, reserve = start, registration ending as bidding starts', async () => {
      const body = {
        ...valid,
        title: '租'.repeat(200),
        address: 'x'.repeat(500),
        extensionSeconds: 3600,
        leaseTermMonths: 240,
        reservePrice: valid.startPrice,
        registrationEndsAt: valid.biddingStartsAt,
      };
      const response = await createListing(body);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        title: body.title,
        address: body.address,
        extensionSeconds: 3600,
        leaseTermMonths: 240,
        reservePrice: body.startPrice,
        status: 'draft',
      });
    });

    it('money up to 2^53 − 1 fen, exactly, with extension 1 s and a one-month term', async () => {
      const text = jsonWithRaw(
        { ...valid, leaseTermMonths: 1, extensionSeconds: 1, increment: 1 },
        { startPrice: MAX_SAFE, deposit: MAX_SAFE, reservePrice: MAX_SAFE },
      );
      const response = await createListing(text);
      expect(response.status).toBe(201);
      expect(response.text).toContain(`"startPrice":${MAX_SAFE}`);
      expect(response.body).toMatchObject({
        startPrice: Number.MAX_SAFE_INTEGER,
        deposit: Number.MAX_SAFE_INTEGER,
        reservePrice: Number.MAX_SAFE_INTEGER,
        increment: 1,
        leaseTermMonths: 1,
        extensionSeconds: 1,
      });
    });
  });
});
