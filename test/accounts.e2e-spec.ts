import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi, startGateway } from './support/platform.js';
import {
  createOperator,
  listingBody,
  registerBidder,
  type TestUser,
  unique,
  waitFor,
} from './support/factories.js';
import { ask, connect } from './support/sockets.js';
import {
  closeClients,
  tableContents,
  detailFields,
  envWithout,
  expectError,
  freshClient,
  queryRows,
  runNode,
} from './support/checks.js';

/**
 * Accounts (register, sign in, me, the sign-in limit, the operator CLI, the production secret)
 * and the registration workflow's rules. The API here delays sign-in after 3 wrong passwords
 * per address, so every sign-in that is not about the limit comes from its own loopback address.
 */
const HOUR = 3_600_000;
const CLI = join(process.cwd(), 'dist/scripts/cli.js');
const API_MAIN = join(process.cwd(), 'dist/apps/api/src/main.js');
const password = () => `pw-${randomBytes(6).toString('hex')}`;

describe('accounts and the registration workflow', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let gateway: RunningHttpApp;
  let staff: TestUser;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment({
      SIGN_IN_FREE_FAILURES: 3,
      SIGN_IN_FREE_FAILURES_PER_ADDRESS: 3,
      SIGN_IN_FIRST_DELAY_SECONDS: 120,
    });
    api = await startApi(env.config);
    gateway = await startGateway(env.config);
    staff = await createOperator(env.config, api.url, 'staff', freshClient());
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await gateway?.close();
    await api?.close();
    closeClients();
    await env?.drop();
  });

  const post = (path: string, user?: TestUser) => {
    const req = request(api.url).post(path);
    return user ? req.auth(user.token, { type: 'bearer' }) : req;
  };
  const get = (path: string, user?: TestUser) => {
    const req = request(api.url).get(path);
    return user ? req.auth(user.token, { type: 'bearer' }) : req;
  };
  const login = (username: string, secret: string, client = freshClient()) =>
    request(api.url).post('/api/auth/login').agent(client).send({ username, password: secret });
  /** A bidder account that has not signed in yet (so no sign-in attempt is counted against it). */
  const registerOnly = async () => {
    const account = { username: unique('bidder'), password: password() };
    await post('/api/auth/register')
      .send({ ...account, displayName: `竞买人 ${account.username}` })
      .expect(201);
    return account;
  };

  describe('POST /api/auth/register', () => {
    it('creates a bidder and never returns the password or its hash', async () => {
      const username = unique('reg');
      const secret = password();
      const response = await post('/api/auth/register')
        .send({
          username,
          password: secret,
          displayName: '南昌某某商贸有限公司',
          orgCode: '91360100MA35XXXX0X',
        })
        .expect(201);
      expect(response.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username,
        displayName: '南昌某某商贸有限公司',
        orgCode: '91360100MA35XXXX0X',
        roles: ['bidder'],
      });
      expect(response.body).not.toHaveProperty('password');
      expect(response.body).not.toHaveProperty('passwordHash');
      expect(response.text).not.toContain(secret);
      expect(response.text).not.toMatch(/argon2|password/i);

      // Stored as a hash, never as the password itself.
      const [row] = await queryRows<{ password_hash: string; roles: string[] }>(
        env.config.DATABASE_URL,
        'SELECT password_hash, roles FROM users WHERE username = $1',
        [username],
      );
      expect(row.password_hash).toMatch(/^\$argon2/);
      expect(row.password_hash).not.toContain(secret);
      expect(row.roles).toEqual(['bidder']);

      // …and that bidder can sign in.
      const signedIn = await login(username, secret).expect(200);
      expect(signedIn.body).toEqual({
        accessToken: expect.any(String),
        user: { id: response.body.id, username, roles: ['bidder'] },
      });
    });

    it('a taken username → 409 USERNAME_TAKEN, and the first account is untouched', async () => {
      const username = unique('dup');
      const first = password();
      await post('/api/auth/register').send({ username, password: first, displayName: 'first' }).expect(201);
      const response = await post('/api/auth/register').send({
        username,
        password: password(),
        displayName: 'second',
      });
      expectError(response, 409, 'USERNAME_TAKEN');
      await login(username, first).expect(200);
      const rows = await queryRows(env.config.DATABASE_URL, 'SELECT 1 FROM users WHERE username = $1', [
        username,
      ]);
      expect(rows).toHaveLength(1);
    });

    const good = () => ({ username: unique('bad'), password: password(), displayName: '竞买人' });
    it.each([
      ['username', 'missing', (body: Record<string, unknown>) => ({ ...body, username: undefined })],
      ['username', 'too short', (body: Record<string, unknown>) => ({ ...body, username: 'ab' })],
      [
        'username',
        '65 characters',
        (body: Record<string, unknown>) => ({ ...body, username: 'u'.repeat(65) }),
      ],
      ['username', 'with spaces', (body: Record<string, unknown>) => ({ ...body, username: 'a b c' })],
      ['username', 'a number', (body: Record<string, unknown>) => ({ ...body, username: 12345 })],
      ['username', 'null', (body: Record<string, unknown>) => ({ ...body, username: null })],
      ['password', 'missing', (body: Record<string, unknown>) => ({ ...body, password: undefined })],
      ['password', '7 characters', (body: Record<string, unknown>) => ({ ...body, password: 'short77' })],
      [
        'password',
        '201 characters',
        (body: Record<string, unknown>) => ({ ...body, password: 'p'.repeat(201) }),
      ],
      ['password', 'a number', (body: Record<string, unknown>) => ({ ...body, password: 12345678 })],
      ['displayName', 'missing', (body: Record<string, unknown>) => ({ ...body, displayName: undefined })],
      ['displayName', 'empty', (body: Record<string, unknown>) => ({ ...body, displayName: '' })],
      ['displayName', 'a number', (body: Record<string, unknown>) => ({ ...body, displayName: 7 })],
      [
        'displayName',
        '201 characters',
        (body: Record<string, unknown>) => ({ ...body, displayName: 'd'.repeat(201) }),
      ],
      ['orgCode', 'a number', (body: Record<string, unknown>) => ({ ...body, orgCode: 913601 })],
      ['orgCode', '65 characters', (body: Record<string, unknown>) => ({ ...body, orgCode: 'o'.repeat(65) })],
      ['roles', 'asking for admin', (body: Record<string, unknown>) => ({ ...body, roles: ['admin'] })],
      ['isAdmin', 'an unknown field', (body: Record<string, unknown>) => ({ ...body, isAdmin: true })],
    ] as [string, string, (body: Record<string, unknown>) => Record<string, unknown>][])(
      'register with %s %s → 400 VALIDATION_FAILED naming it, and no account',
      async (field, _name, change) => {
        const body = change(good());
        const before = await tableContents(env.config.DATABASE_URL);
        const response = await post('/api/auth/register').send(body);
        expect(detailFields(expectError(response, 400, 'VALIDATION_FAILED'))).toContain(field);
        expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
      },
    );

    it.each([
      ['{"username":', 'INVALID_JSON'],
      ['{"username": "x", }', 'INVALID_JSON'],
      ['[]', 'VALIDATION_FAILED'],
    ])('register with the body %s → 400 %s', async (text, code) => {
      const before = await tableContents(env.config.DATABASE_URL);
      const response = await post('/api/auth/register').set('Content-Type', 'application/json').send(text);
      expectError(response, 400, code);
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });
  });

  describe('POST /api/auth/login', () => {
    let bidder: { username: string; password: string };
    beforeAll(async () => {
      bidder = await registerOnly();
    });

    it('a wrong password and an unknown user are both 401 INVALID_CREDENTIALS, alike', async () => {
      const wrong = expectError(await login(bidder.username, 'not-the-password'), 401, 'INVALID_CREDENTIALS');
      const unknown = expectError(await login(unique('ghost'), 'whatever-123'), 401, 'INVALID_CREDENTIALS');
      // Nothing tells a caller which usernames exist.
      expect(unknown.message).toBe(wrong.message);
      expect(wrong).not.toHaveProperty('accessToken');
    });

    it('a password that differs only in case → 401 INVALID_CREDENTIALS', async () => {
      expectError(await login(bidder.username, bidder.password.toUpperCase()), 401, 'INVALID_CREDENTIALS');
    });

    it.each([
      ['an empty body', {}],
      ['no password', { username: 'someone' }],
      ['an empty password', { username: 'someone', password: '' }],
      ['a numeric username', { username: 42, password: 'whatever-123' }],
      ['an unknown field', { username: 'someone', password: 'whatever-123', remember: true }],
    ] as [string, Record<string, unknown>][])('%s → 400 VALIDATION_FAILED', async (_name, body) => {
      const response = await request(api.url).post('/api/auth/login').agent(freshClient()).send(body);
      expectError(response, 400, 'VALIDATION_FAILED');
    });
  });

  describe('GET /api/auth/me', () => {
    it('with a token → the account (no hash); without → 401 UNAUTHENTICATED; with junk → 401 INVALID_TOKEN', async () => {
      const bidder = await registerBidder(api.url, freshClient());
      const me = await get('/api/auth/me', bidder).expect(200);
      expect(me.body).toMatchObject({ id: bidder.id, username: bidder.username, roles: ['bidder'] });
      expect(me.body).not.toHaveProperty('passwordHash');
      expect(me.text).not.toMatch(/argon2/);
      const mine = await get('/api/auth/me', staff).expect(200);
      expect(mine.body).toMatchObject({ id: staff.id, username: staff.username, roles: ['staff'] });

      expectError(await get('/api/auth/me'), 401, 'UNAUTHENTICATED');
      expectError(
        await request(api.url).get('/api/auth/me').set('Authorization', 'Bearer not.a.token'),
        401,
        'INVALID_TOKEN',
      );
    });
  });

  describe('the sign-in limit (3 free failures here)', () => {
    it('from one address: three failures, then 429 RATE_LIMITED even with the right password', async () => {
      const bidder = await registerOnly();
      const client = freshClient();
      for (let i = 0; i < 3; i += 1)
        expectError(await login(bidder.username, `wrong-${i}-password`, client), 401, 'INVALID_CREDENTIALS');
      expectError(await login(bidder.username, bidder.password, client), 429, 'RATE_LIMITED');
      // Other clients and other accounts are not locked out by it.
      const other = await registerOnly();
      await login(other.username, other.password).expect(200);
    });

    it('from one address, guessing across many usernames is limited too', async () => {
      const client = freshClient();
      for (let i = 0; i < 3; i += 1)
        expectError(await login(unique('ghost'), 'whatever-123', client), 401, 'INVALID_CREDENTIALS');
      const bidder = await registerOnly();
      expectError(await login(bidder.username, bidder.password, client), 429, 'RATE_LIMITED');
    });

    it('wrong guesses from other addresses never lock the owner out (failures count per name and address)', async () => {
      const bidder = await registerOnly();
      for (let i = 0; i < 3; i += 1)
        expectError(await login(bidder.username, `wrong-${i}-password`), 401, 'INVALID_CREDENTIALS');
      await login(bidder.username, bidder.password).expect(200);
    });
  });

  describe('registering for a listing, qualifying and rejecting', () => {
    let listingId: string;
    let otherListingId: string;
    let a: TestUser;
    let b: TestUser;
    let outsider: TestUser;
    let regA: string;
    let regB: string;

    const createPublished = async () => {
      const created = await post('/api/lease-listings', staff)
        .send(listingBody({ biddingInMs: HOUR, freeMs: 10 * 60_000, extensionSeconds: 60 }))
        .expect(201);
      await post(`/api/lease-listings/${created.body.id}/publish`, staff).expect(200);
      return created.body.id as string;
    };
    const registration = (id: string, action: 'qualify' | 'reject', registrationId: string) =>
      post(`/api/lease-listings/${id}/registrations/${registrationId}/${action}`, staff);
    const registrationsOf = async (id: string) =>
      (await get(`/api/lease-listings/${id}/registrations`, staff).expect(200)).body.items as {
        id: string;
        bidderId: string;
        status: string;
        bidderCode: string | null;
        rejectReason: string | null;
      }[];

    beforeAll(async () => {
      [a, b, outsider] = await Promise.all([0, 1, 2].map(() => registerBidder(api.url, freshClient())));
      listingId = await createPublished();
      otherListingId = await createPublished();
    });

    it('registering → 201 pending; registering twice → 409 ALREADY_REGISTERED', async () => {
      const first = await post(`/api/lease-listings/${listingId}/registrations`, a).send({}).expect(201);
      expect(first.body).toEqual({ id: expect.any(String), status: 'pending' });
      regA = first.body.id;
      expectError(
        await post(`/api/lease-listings/${listingId}/registrations`, a).send({}),
        409,
        'ALREADY_REGISTERED',
      );
      const second = await post(`/api/lease-listings/${listingId}/registrations`, b).send({}).expect(201);
      regB = second.body.id;
      expect((await registrationsOf(listingId)).filter((entry) => entry.bidderId === a.id)).toHaveLength(1);
    });

    it('qualifying without the deposit → 422 DEPOSIT_NOT_RECEIVED, and it stays pending', async () => {
      expectError(
        await registration(listingId, 'qualify', regA).send({ depositReceived: false }),
        422,
        'DEPOSIT_NOT_RECEIVED',
      );
      expect((await registrationsOf(listingId)).find((entry) => entry.id === regA)).toMatchObject({
        status: 'pending',
        bidderCode: null,
      });
    });

    it.each([
      ['no body', undefined],
      ['depositReceived as a string', { depositReceived: 'true' }],
      ['depositReceived as 1', { depositReceived: 1 }],
      ['an unknown field', { depositReceived: true, bidderCode: '9999' }],
    ] as [string, Record<string, unknown> | undefined][])(
      'qualifying with %s → 400 VALIDATION_FAILED',
      async (_name, body) => {
        const req = registration(listingId, 'qualify', regA);
        expectError(await (body ? req.send(body) : req), 400, 'VALIDATION_FAILED');
      },
    );

    it('a registration is qualified through its own listing only → 404 REGISTRATION_NOT_FOUND elsewhere', async () => {
      expectError(
        await registration(otherListingId, 'qualify', regA).send({ depositReceived: true }),
        404,
        'REGISTRATION_NOT_FOUND',
      );
    });

    it('qualifying → 200 with a bidder code; deciding again → 409 REGISTRATION_ALREADY_DECIDED', async () => {
      const qualified = await registration(listingId, 'qualify', regA)
        .send({ depositReceived: true })
        .expect(200);
      expect(qualified.body).toMatchObject({
        status: 'qualified',
        bidderCode: expect.stringMatching(/^\d+$/),
      });
      expectError(
        await registration(listingId, 'qualify', regA).send({ depositReceived: true }),
        409,
        'REGISTRATION_ALREADY_DECIDED',
      );
      expectError(
        await registration(listingId, 'reject', regA).send({ reason: '改主意了' }),
        409,
        'REGISTRATION_ALREADY_DECIDED',
      );
      expect((await registrationsOf(listingId)).find((entry) => entry.id === regA)).toMatchObject({
        status: 'qualified',
        bidderCode: qualified.body.bidderCode,
      });
    });

    it.each([
      ['no reason', {}],
      ['an empty reason', { reason: '' }],
      ['a numeric reason', { reason: 42 }],
      ['a 501-character reason', { reason: 'r'.repeat(501) }],
    ] as [string, Record<string, unknown>][])(
      'rejecting with %s → 400 VALIDATION_FAILED',
      async (_name, body) => {
        expectError(await registration(listingId, 'reject', regB).send(body), 400, 'VALIDATION_FAILED');
      },
    );

    it('rejecting with a reason → 200; then that bidder is NOT_QUALIFIED (REST and socket) and cannot be qualified', async () => {
      const rejected = await registration(listingId, 'reject', regB)
        .send({ reason: '保证金未到账' })
        .expect(200);
      expect(rejected.body).toMatchObject({ status: 'rejected' });
      expect((await registrationsOf(listingId)).find((entry) => entry.id === regB)).toMatchObject({
        status: 'rejected',
        rejectReason: '保证金未到账',
        bidderCode: null,
      });

      expectError(
        await post(`/api/lease-listings/${listingId}/bids`, b).send({
          amount: 800_000,
          clientBidId: 'b-rest',
        }),
        422,
        'NOT_QUALIFIED',
      );
      const socket = await connect(gateway.url, b.token);
      sockets.push(socket);
      const ack = await ask(socket, 'bid', { listingId, amount: 800_000, clientBidId: 'b-socket' });
      expect(ack).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_QUALIFIED' }) });
      const joined = await ask(socket, 'join', { listingId });
      expect(joined.snapshot).not.toHaveProperty('yourBidderCode');

      expectError(
        await registration(listingId, 'qualify', regB).send({ depositReceived: true }),
        409,
        'REGISTRATION_ALREADY_DECIDED',
      );
      expectError(
        await registration(listingId, 'reject', regB).send({ reason: '再次驳回' }),
        409,
        'REGISTRATION_ALREADY_DECIDED',
      );
    });

    it('a bidder who never registered is NOT_QUALIFIED; a qualified one is only told the auction is not open', async () => {
      expectError(
        await post(`/api/lease-listings/${listingId}/bids`, outsider).send({
          amount: 800_000,
          clientBidId: 'o-1',
        }),
        422,
        'NOT_QUALIFIED',
      );
      expectError(
        await post(`/api/lease-listings/${listingId}/bids`, a).send({ amount: 800_000, clientBidId: 'a-1' }),
        409,
        'AUCTION_NOT_OPEN',
      );
    });
  });

  describe('publishing', () => {
    it('a draft is 404 to the public and to bidders, visible to staff; publishing twice → 409 INVALID_STATE_TRANSITION', async () => {
      const bidder = await registerBidder(api.url, freshClient());
      const created = await post('/api/lease-listings', staff)
        .send(listingBody({ biddingInMs: HOUR, freeMs: 10 * 60_000 }))
        .expect(201);
      const id = created.body.id as string;
      expect(created.body.status).toBe('draft');

      expectError(await get(`/api/lease-listings/${id}`), 404, 'LISTING_NOT_FOUND');
      expectError(await get(`/api/lease-listings/${id}`, bidder), 404, 'LISTING_NOT_FOUND');
      expectError(await get(`/api/lease-listings/${id}/bids`), 404, 'LISTING_NOT_FOUND');
      expectError(
        await post(`/api/lease-listings/${id}/registrations`, bidder).send({}),
        404,
        'LISTING_NOT_FOUND',
      );
      const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);
      expect(ids((await get('/api/lease-listings?limit=1000').expect(200)).body)).not.toContain(id);
      expect(ids((await get('/api/lease-listings?status=draft&limit=1000').expect(200)).body)).not.toContain(
        id,
      );
      expect(ids((await get('/api/lease-listings?limit=1000', bidder).expect(200)).body)).not.toContain(id);

      const staffView = await get(`/api/lease-listings/${id}`, staff).expect(200);
      expect(staffView.body).toMatchObject({ id, status: 'draft' });
      expect(
        ids((await get('/api/lease-listings?status=draft&limit=1000', staff).expect(200)).body),
      ).toContain(id);

      const published = await post(`/api/lease-listings/${id}/publish`, staff).expect(200);
      expect(published.body).toMatchObject({ id, status: 'announced' });
      expect((await get(`/api/lease-listings/${id}`).expect(200)).body).toMatchObject({
        id,
        status: 'announced',
      });

      expectError(await post(`/api/lease-listings/${id}/publish`, staff), 409, 'INVALID_STATE_TRANSITION');
      expect((await get(`/api/lease-listings/${id}`, staff).expect(200)).body.status).toBe('announced');
    });

    it('publishing once biddingStartsAt has passed → 422 SCHEDULE_IN_PAST, and it stays a draft', async () => {
      const body = listingBody({ biddingInMs: 1500, freeMs: HOUR });
      const created = await post('/api/lease-listings', staff).send(body).expect(201);
      const id = created.body.id as string;
      await waitFor(
        () => Date.now() > Date.parse(body.biddingStartsAt) + 500 || undefined,
        30_000,
        'biddingStartsAt to pass',
      );
      expectError(await post(`/api/lease-listings/${id}/publish`, staff), 422, 'SCHEDULE_IN_PAST');
      expect((await get(`/api/lease-listings/${id}`, staff).expect(200)).body.status).toBe('draft');
      expectError(await get(`/api/lease-listings/${id}`), 404, 'LISTING_NOT_FOUND');
    });
  });

  describe('the operator CLI', () => {
    const cliEnv = () => ({
      ...envWithout('JWT_SECRET'),
      DATABASE_URL: env.config.DATABASE_URL,
      REDIS_URL: 'none',
      LOG_LEVEL: 'warn',
    });

    it('user:create makes a supervisor who can sign in and supervise', async () => {
      const username = unique('cli-sup');
      const secret = password();
      const result = await runNode(
        [CLI, 'user:create', '--username', username, '--password', secret, '--role', 'supervisor'],
        cliEnv(),
      );
      expect(result).toMatchObject({ code: 0 });
      expect(result.output).not.toContain(secret);

      const signedIn = await login(username, secret).expect(200);
      expect(signedIn.body.user).toMatchObject({ username, roles: ['supervisor'] });
      const supervisor: TestUser = {
        id: signedIn.body.user.id,
        username,
        password: secret,
        token: signedIn.body.accessToken,
      };
      await get('/api/audit/verify', supervisor).expect(200);
      await get('/api/deals', supervisor).expect(200);
      expectError(await post('/api/lease-listings', supervisor).send(listingBody()), 403, 'FORBIDDEN');
    });

    it.each([
      ['an unknown role', ['--username', unique('cli'), '--password', 'long-enough-1', '--role', 'emperor']],
      ['no role', ['--username', unique('cli'), '--password', 'long-enough-1']],
      ['no password', ['--username', unique('cli'), '--role', 'staff']],
      ['a short password', ['--username', unique('cli'), '--password', 'short', '--role', 'staff']],
    ] as [string, string[]][])('user:create with %s exits 2 and creates nobody', async (_name, args) => {
      const before = await tableContents(env.config.DATABASE_URL);
      const result = await runNode([CLI, 'user:create', ...args], cliEnv());
      expect(result).toMatchObject({ code: 2 });
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });

    it('user:create with a taken username fails without a second account', async () => {
      const username = unique('cli-dup');
      const args = [CLI, 'user:create', '--username', username, '--password', password(), '--role', 'staff'];
      expect(await runNode(args, cliEnv())).toMatchObject({ code: 0 });
      const again = await runNode(args, cliEnv());
      expect(again.code).not.toBe(0);
      expect(again.code).not.toBeNull();
      expect(again.output).toMatch(/taken/i);
      const rows = await queryRows(env.config.DATABASE_URL, 'SELECT 1 FROM users WHERE username = $1', [
        username,
      ]);
      expect(rows).toHaveLength(1);
    });
  });

  describe('production configuration', () => {
    const productionEnv = (extra: NodeJS.ProcessEnv = {}) => ({
      ...envWithout('JWT_SECRET'),
      NODE_ENV: 'production',
      DATABASE_URL: env.config.DATABASE_URL,
      REDIS_URL: 'redis://127.0.0.1:6379',
      API_PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    });

    it.each([
      ['no JWT_SECRET (the default)', {}],
      ['a short secret', { JWT_SECRET: 'too-short' }],
    ] as [string, NodeJS.ProcessEnv][])('the api refuses to start with %s', async (_name, extra) => {
      const result = await runNode([API_MAIN], productionEnv(extra), 60_000);
      // null would mean it was still running (listening) when the timeout killed it.
      expect(result.code).not.toBeNull();
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('JWT_SECRET');
      expect(result.output).not.toContain('api listening');
    });
  });
});
