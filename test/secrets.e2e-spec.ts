import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type ChildApp, type RunningHttpApp, spawnApp, startApi } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingBody,
  login,
  registerBidder,
  type TestUser,
  unique,
  waitFor,
} from './support/factories.js';
import { io, type Socket } from 'socket.io-client';
import { ask, connect } from './support/sockets.js';
import { sleepUntil } from './support/bidding-clients.js';
import { freePort } from '../libs/persistence/src/embedded-postgres.js';
import { tableContents, expectError, queryRows, runNode } from './support/checks.js';

/**
 * Nothing secret is written or guessable: no public JWT secret, logs of all three processes
 * without tokens, passwords, cookies or keys, random bidder codes, bidders who are never staff, drafts only for
 * staff, bounded paging, helmet's headers and /docs behind a staff sign-in in production.
 */
const CLI = join(process.cwd(), 'dist/scripts/cli.js');

describe('secrets and what must not be guessable', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    env = await createTestEnvironment();
    api = await startApi(env.config);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    admin = await createOperator(env.config, api.url, 'admin');
  });

  afterAll(async () => {
    await api?.close();
    await env?.drop();
  });

  const get = (path: string, user?: TestUser) => {
    const call = request(api.url).get(path);
    return user ? call.auth(user.token, { type: 'bearer' }) : call;
  };

  describe('the JWT secret', () => {
    let dataDir: string;
    const children: ChildApp[] = [];

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'ggzy-secret-'));
    });
    afterAll(async () => {
      await Promise.all(children.map((child) => child.stop()));
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('without JWT_SECRET is generated under DATA_DIR (mode 600) and shared by api and gateway', async () => {
      const unset = { JWT_SECRET: '', DATA_DIR: dataDir };
      const apiPort = await freePort();
      const apiChild = await spawnApp('api', { ...env.config, API_PORT: apiPort }, unset);
      children.push(apiChild);
      const secretFile = join(dataDir, 'jwt-secret');
      expect(statSync(secretFile).mode & 0o777).toBe(0o600);
      const secret = readFileSync(secretFile, 'utf8').trim();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(secret).not.toBe(env.config.JWT_SECRET);

      const gatewayPort = await freePort();
      children.push(await spawnApp('gateway', { ...env.config, GATEWAY_PORT: gatewayPort }, unset));
      const apiUrl = `http://127.0.0.1:${apiPort}`;
      const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

      // A bidder registered and signed in on this api ...
      const username = unique('sec');
      await request(apiUrl)
        .post('/api/auth/register')
        .send({ username, password: 'long-enough-1', displayName: 'x' })
        .expect(201);
      const token = (
        await request(apiUrl)
          .post('/api/auth/login')
          .send({ username, password: 'long-enough-1' })
          .expect(200)
      ).body.accessToken as string;
      // ... is recognised by the gateway of the same installation, and by nothing else:
      const socket = await connect(gatewayUrl, token);
      socket.close();
      expectError(
        await request(api.url).get('/api/auth/me').auth(token, { type: 'bearer' }),
        401,
        'INVALID_TOKEN',
      );
      // The file's content is the secret: a second start keeps it.
      expect(readFileSync(secretFile, 'utf8').trim()).toBe(secret);
    });
  });

  it('a whole run of api, bidding gateway and worker logs no password, token, cookie or secret', async () => {
    const cookieValue = randomBytes(12).toString('hex');
    const cookie = `session=${cookieValue}`;
    const config = { ...env.config, API_PORT: await freePort(), GATEWAY_PORT: await freePort() };
    const trace = { LOG_LEVEL: 'trace' };
    const children: Partial<Record<'api' | 'gateway' | 'worker', ChildApp>> = {};
    const sockets: Socket[] = [];
    try {
      children.api = await spawnApp('api', config, trace);
      children.gateway = await spawnApp('gateway', config, trace);
      // Signs the audit head every second, so the HMAC key is used during the run.
      children.worker = await spawnApp('worker', config, {
        ...trace,
        AUDIT_CHECKPOINT_INTERVAL_SECONDS: '1',
      });
      const url = `http://127.0.0.1:${config.API_PORT}`;
      const gatewayUrl = `http://127.0.0.1:${config.GATEWAY_PORT}`;

      // Register and sign in (a wrong password first), with a cookie and a Bearer token.
      const username = unique('log');
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const bidderId = (
        await request(url)
          .post('/api/auth/register')
          .set('Cookie', cookie)
          .send({ username, password, displayName: 'x' })
          .expect(201)
      ).body.id as string;
      await request(url)
        .post('/api/auth/login')
        .send({ username, password: `${password}-wrong` })
        .expect(401);
      const token = await login(url, username, password);
      await request(url)
        .get('/api/auth/me')
        .set('Cookie', cookie)
        .auth(token, { type: 'bearer' })
        .expect(200);
      await request(url).get('/api/auth/me').auth(`${token}x`, { type: 'bearer' }).expect(401);
      await request(url).get('/api/nope').set('Authorization', `Bearer ${token}`).expect(404);

      // A listing that opens for bidding during the run (the worker opens it).
      const staffUser = await createOperator(env.config, url, 'staff');
      const listing = await createPublishedListing(
        url,
        staffUser,
        [{ id: bidderId, username, password, token }],
        {
          biddingInMs: 4000,
          freeMs: 60_000,
        },
      );

      // A socket with the token (and the cookie and an Authorization header on the upgrade).
      const socket = io(`${gatewayUrl}/bidding`, {
        auth: { token },
        extraHeaders: { cookie, authorization: `Bearer ${token}` },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      // A fresh token (tokens are stamped to the second) sent with `auth`; a bad one refused.
      await sleepUntil(Math.ceil(Date.now() / 1000) * 1000, 10);
      const fresh = await login(url, username, password);
      expect(fresh).not.toBe(token);
      expect(await ask(socket, 'auth', { token: fresh })).toMatchObject({ ok: true, user: { id: bidderId } });
      expect(await ask(socket, 'auth', { token: `${fresh}x` })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_TOKEN' },
      });
      expect(await ask(socket, 'join', { listingId: listing.id })).toMatchObject({ ok: true });
      await waitFor(
        () => children.worker!.output().includes('bidding opened') || undefined,
        30_000,
        'the worker to open the listing',
      );
      expect(
        await ask(socket, 'bid', { listingId: listing.id, amount: 800_000, clientBidId: 'log-1' }),
      ).toMatchObject({ ok: true, bid: { seq: 1 } });

      // A socket with a bad token is refused at the handshake.
      const refused = await connect(gatewayUrl, `${token}x`).then(
        (bad) => {
          sockets.push(bad);
          return 'connected';
        },
        (error: { data?: { code?: string } }) => error.data?.code,
      );
      expect(refused).toBe('INVALID_TOKEN');
      socket.close();

      // Each process logged the run (so the check below is not vacuous).
      const output = (kind: keyof typeof children) => children[kind]!.output();
      await waitFor(
        () =>
          (output('gateway').includes('socket disconnected') &&
            output('gateway').includes('socket refused') &&
            output('worker').includes('audit head signed')) ||
          undefined,
        15_000,
        'the gateway and the worker to log the run',
      );
      expect(output('api')).toContain('/api/auth/login');
      expect(output('api')).toContain('[redacted]');
      expect(output('gateway')).toContain(bidderId);
      expect(output('gateway')).toContain('socket re-authenticated');
      expect(output('gateway')).toContain('INVALID_TOKEN');
      expect(output('worker')).toContain(listing.id);

      const ownerUrl = env.config.DATABASE_OWNER_URL ? new URL(env.config.DATABASE_OWNER_URL) : undefined;
      const ownerPassword = ownerUrl ? decodeURIComponent(ownerUrl.password) : '';
      const secrets = {
        password,
        token,
        signature: token.split('.')[2],
        fresh,
        freshSignature: fresh.split('.')[2],
        cookie,
        cookieValue,
        staffPassword: staffUser.password,
        staffToken: staffUser.token,
        JWT_SECRET: env.config.JWT_SECRET,
        AUDIT_HMAC_KEY: env.config.AUDIT_HMAC_KEY,
        SEALED_BID_KEYS: env.config.SEALED_BID_KEYS.split(':')[1],
        databasePassword: decodeURIComponent(new URL(env.config.DATABASE_URL).password),
        // The owner's, when it signs in with one (the local server's postgres may not). A password
        // that is its user's name cannot be told apart from that name in a log line.
        ...(ownerPassword && ownerPassword !== ownerUrl?.username
          ? { databaseOwnerPassword: ownerPassword }
          : {}),
      };
      for (const secret of Object.values(secrets)) expect(secret.length).toBeGreaterThanOrEqual(8);
      const leaks = (Object.keys(children) as (keyof typeof children)[]).flatMap((kind) =>
        Object.entries(secrets)
          .filter(([, secret]) => output(kind).includes(secret))
          .map(([name]) => `${kind}: ${name}`),
      );
      expect(leaks).toEqual([]);
    } finally {
      sockets.forEach((socket) => socket.close());
      for (const child of Object.values(children)) await child.stop();
    }
  });

  it('bidder codes are six random digits, unique per listing, not a count of rivals', async () => {
    const bidders = await Promise.all(Array.from({ length: 6 }, () => registerBidder(api.url)));
    const listing = await createPublishedListing(api.url, staff, bidders, { biddingInMs: 3_600_000 });
    const codes = [...listing.codes.values()];
    expect(codes).toHaveLength(6);
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBe(6);
    // A counter would have given 1..6 (or another run of consecutive numbers) in some order: the
    // registrations are qualified concurrently, so compare them sorted.
    const numbers = codes.map(Number).sort((x, y) => x - y);
    const consecutive = numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);
    expect(consecutive).toBe(false);
    const stored = await queryRows<{ bidder_code: string }>(
      env.config.DATABASE_URL,
      'SELECT bidder_code FROM registrations WHERE host_id = $1',
      [listing.id],
    );
    expect(stored.map((row) => row.bidder_code).sort()).toEqual([...codes].sort());
  });

  describe('one account is never both a bidder and staff', () => {
    it('the database refuses it', async () => {
      await expect(
        queryRows(
          env.config.DATABASE_URL,
          `INSERT INTO users (username, password_hash, display_name, roles)
           VALUES ($1, 'x', 'x', ARRAY['bidder','staff'])`,
          [unique('both')],
        ),
      ).rejects.toMatchObject({ code: '23514', constraint: 'users_bidder_role_exclusive' });
      await expect(
        queryRows(env.config.DATABASE_URL, `UPDATE users SET roles = ARRAY['bidder','admin'] WHERE id = $1`, [
          admin.id,
        ]),
      ).rejects.toMatchObject({ code: '23514' });
    });

    it('the CLI refuses it with a clear message and creates nobody', async () => {
      const before = await tableContents(env.config.DATABASE_URL);
      const result = await runNode(
        [
          CLI,
          'user:create',
          '--username',
          unique('both'),
          '--password',
          'long-enough-1',
          '--role',
          'bidder',
          '--role',
          'staff',
        ],
        {
          ...process.env,
          DATABASE_URL: env.config.DATABASE_URL,
          REDIS_URL: 'none',
          JWT_SECRET: env.config.JWT_SECRET,
        },
      );
      expect(result.code).toBe(2);
      expect(result.output).toMatch(/bidder.*never both/);
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });
  });

  it('a draft answers 404 to everyone but staff, on every path', async () => {
    const draft = (
      await request(api.url)
        .post('/api/lease-listings')
        .auth(staff.token, { type: 'bearer' })
        .send(listingBody())
        .expect(201)
    ).body.id as string;
    const bidder = await registerBidder(api.url);
    await get(`/api/lease-listings/${draft}`, staff).expect(200);
    for (const viewer of [undefined, bidder, supervisor, admin]) {
      expectError(await get(`/api/lease-listings/${draft}`, viewer), 404, 'LISTING_NOT_FOUND');
      expectError(await get(`/api/lease-listings/${draft}/bids`, viewer), 404, 'LISTING_NOT_FOUND');
      const drafts = (await get('/api/lease-listings?status=draft', viewer).expect(200)).body;
      expect(drafts).toEqual({ items: [], total: 0 });
      const all = (await get('/api/lease-listings?limit=1000', viewer).expect(200)).body;
      expect(all.items.map((item: { id: string }) => item.id)).not.toContain(draft);
    }
    // Bidding on it answers exactly as on an id that does not exist, and writes nothing.
    const before = await tableContents(env.config.DATABASE_URL);
    const bid = await request(api.url)
      .post(`/api/lease-listings/${draft}/bids`)
      .auth(bidder.token, { type: 'bearer' })
      .send({ amount: 100_000, clientBidId: 'draft-probe' });
    expectError(bid, 404, 'LISTING_NOT_FOUND');
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    for (const path of ['registrations', 'bid-attempts']) {
      expectError(await get(`/api/lease-listings/${draft}/${path}`, supervisor), 404, 'LISTING_NOT_FOUND');
      await get(`/api/lease-listings/${draft}/${path}`, staff).expect(200);
    }
    expect((await get('/api/lease-listings?status=draft', staff).expect(200)).body.total).toBeGreaterThan(0);
  });

  it.each([['/api/lease-listings'], ['/api/deals'], ['/api/audit']])(
    '%s: offset is bounded (100000 at most)',
    async (path) => {
      const viewer = path === '/api/lease-listings' ? undefined : supervisor;
      await get(`${path}?offset=100000`, viewer).expect(200);
      expectError(await get(`${path}?offset=100001`, viewer), 400, 'VALIDATION_FAILED');
      expectError(await get(`${path}?offset=99999999999999999999`, viewer), 400, 'VALIDATION_FAILED');
    },
  );

  it('refuses text with a NUL character at the edge (400, nothing written), never as a 500', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const register = await request(api.url)
      .post('/api/auth/register')
      .send({
        username: `nul${randomBytes(3).toString('hex')}`,
        password: 'long-enough-1',
        displayName: 'a\u0000b',
      });
    expect(expectError(register, 400, 'VALIDATION_FAILED').details).toEqual([
      { field: 'displayName', problems: ['contains U+0000'] },
    ]);
    const login = await request(api.url)
      .post('/api/auth/login')
      .send({ username: 'x\u0000', password: 'whatever-1' });
    expectError(login, 400, 'VALIDATION_FAILED');
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it("answers carry helmet's headers and no X-Powered-By", async () => {
    const response = await get('/api/lease-listings').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('/docs is public in development and needs a staff sign-in in production', async () => {
    await get('/docs').expect(200);
    const production = await startApi({
      ...env.config,
      NODE_ENV: 'production',
      PUBLIC_SITE_URL: 'https://ggzy.example.cn',
    });
    try {
      const docs = (user?: TestUser) => {
        const call = request(production.url).get('/docs');
        return user ? call.auth(user.token, { type: 'bearer' }) : call;
      };
      expectError(await docs(), 401, 'UNAUTHENTICATED');
      expectError(await docs(await registerBidder(api.url)), 403, 'FORBIDDEN');
      expectError(await docs(supervisor), 403, 'FORBIDDEN');
      expectError(
        await request(production.url).get('/docs').set('Authorization', 'Bearer forged.token.here'),
        401,
        'INVALID_TOKEN',
      );
      const opened = await docs(staff).redirects(1);
      expect(opened.status).toBe(200);
      expect(opened.text).toMatch(/swagger/i);
      // The machine-readable copies of the description are behind the same sign-in.
      for (const path of ['/docs-json', '/docs-yaml']) {
        await get(path).expect(200);
        expectError(await request(production.url).get(path), 401, 'UNAUTHENTICATED');
        expectError(
          await request(production.url).get(path).auth(supervisor.token, { type: 'bearer' }),
          403,
          'FORBIDDEN',
        );
        const description = await request(production.url)
          .get(path)
          .auth(staff.token, { type: 'bearer' })
          .expect(200);
        expect(description.text).toContain('/api/lease-listings');
      }
      // The API itself is unchanged in production.
      await request(production.url).get('/api/lease-listings').expect(200);
    } finally {
      await production.close();
    }
  });
});
