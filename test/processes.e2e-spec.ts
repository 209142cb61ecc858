import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { freePort } from '../libs/persistence/src/embedded-postgres.js';
import { createEmptyDatabase } from './support/environment.js';
import { connect, ask } from './support/sockets.js';
import { envWithout, type Exit, queryRows, runNode, startNode, type RunningNode } from './support/checks.js';
import { waitFor } from './support/factories.js';

/**
 * The operating commands of API.md run as the processes an operator starts: `npm start --
 * --demo` (through bin/ggzy.js, as npm runs it), `npm run cli -- migration:run`, the OpenAPI
 * page, and the health checks in Redis mode, single-machine mode and with a server down.
 * Each gets its own database, ports and queue prefix; each must stop cleanly on a signal.
 */
const GGZY = join(process.cwd(), 'bin/ggzy.js');
const API_MAIN = join(process.cwd(), 'dist/apps/api/src/main.js');
const redisUrl = process.env.GGZY_TEST_REDIS_URL ?? 'none';
const withRedis = redisUrl !== 'none';

describe('the platform as processes', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ggzy-processes-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  const running: RunningNode[] = [];
  const drops: (() => Promise<void>)[] = [];

  afterEach(async () => {
    // Anything a failed test left running is stopped (SIGKILL after the grace period).
    await Promise.all(running.splice(0).map((child) => child.stop('SIGTERM', 15_000)));
    for (const drop of drops.splice(0)) await drop();
  });

  const database = async () => {
    const created = await createEmptyDatabase();
    drops.push(created.drop);
    return created;
  };
  const baseEnv = (databaseUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...envWithout('JWT_SECRET', 'NODE_ENV'),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `p${randomBytes(4).toString('hex')}`,
    // Its own data directory: a development JWT secret is generated there.
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...extra,
  });
  const start = (args: string[], env: NodeJS.ProcessEnv) => {
    const child = startNode(args, env);
    running.push(child);
    return child;
  };
  /**
   * Stops a child with `signal` and expects it to end by itself within the grace period, as
   * `expected` says: `npm start` exits 0; a Nest app closes its hooks, then re-raises the signal.
   */
  const stopCleanly = async (child: RunningNode, signal: NodeJS.Signals, expected: Exit) => {
    running.splice(running.indexOf(child), 1);
    const exit = await child.stop(signal, 30_000);
    expect({ ...exit, output: exit.forced ? child.output() : '' }).toEqual({ ...expected, output: '' });
  };

  it('migration:run migrates an empty database, then finds nothing to do', async () => {
    const { url } = await database();
    const first = await runNode([GGZY, 'cli', 'migration:run'], baseEnv(url, { REDIS_URL: 'none' }));
    expect(first).toMatchObject({ code: 0 });
    expect(first.output).toMatch(/applied migrations: \S+/);
    const tables = await queryRows<{ name: string }>(
      url,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining([
        'users',
        'auctions',
        'lease_listings',
        'registrations',
        'bids',
        'deals',
        'audit_log',
      ]),
    );
    const applied = await queryRows(url, 'SELECT name FROM migrations');
    const again = await runNode([GGZY, 'cli', 'migration:run'], baseEnv(url, { REDIS_URL: 'none' }));
    expect(again).toMatchObject({ code: 0 });
    expect(again.output).toContain('database schema is up to date');
    expect(await queryRows(url, 'SELECT name FROM migrations')).toEqual(applied);
  });

  it('npm start -- --demo: three processes, demo accounts that sign in, a live auction, /docs, both health checks, a clean Ctrl-C', async () => {
    const { url } = await database();
    const [apiPort, gatewayPort] = [await freePort(), await freePort()];
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const platform = start(
      [GGZY, 'start', '--demo'],
      baseEnv(url, { API_PORT: String(apiPort), GATEWAY_PORT: String(gatewayPort) }),
    );
    const [, liveListingId] = await platform.waitForOutput(/live lease auction: ([0-9a-f-]{36})/, 120_000);
    const accounts = new Map(
      [...platform.output().matchAll(/^ {4}(\S+) +(\S+) +(\S+)$/gm)].map(([, username, password, roles]) => [
        username,
        { password, roles },
      ]),
    );
    expect([...accounts.keys()].sort()).toEqual(
      ['admin', 'bidder1', 'bidder2', 'bidder3', 'bidder4', 'staff', 'supervisor'].sort(),
    );
    await waitFor(
      async () =>
        (
          await request(apiUrl)
            .get('/api/health')
            .catch(() => undefined)
        )?.status === 200 || undefined,
      60_000,
      'api health',
    );

    const health = await request(apiUrl).get('/api/health').expect(200);
    expect(health.body).toMatchObject(
      withRedis
        ? { status: 'ok', database: 'up', redis: 'up', mode: 'redis' }
        : { status: 'ok', database: 'up', redis: 'not used', mode: 'single-machine' },
    );
    await waitFor(
      async () =>
        (
          await request(gatewayUrl)
            .get('/health')
            .catch(() => undefined)
        )?.status === 200 || undefined,
      60_000,
      'gateway health',
    );
    expect((await request(gatewayUrl).get('/health').expect(200)).body).toMatchObject({ status: 'ok' });

    const docs = await request(apiUrl).get('/docs').redirects(1).expect(200);
    expect(docs.type).toBe('text/html');
    const openApi = await request(apiUrl).get('/docs-json').expect(200);
    expect(Object.keys(openApi.body.paths)).toEqual(
      expect.arrayContaining(['/api/lease-listings', '/api/lease-listings/{id}/bids', '/api/deals']),
    );

    // The printed passwords work, and the demo data is there.
    const login = async (username: string) =>
      (
        await request(apiUrl)
          .post('/api/auth/login')
          .send({ username, password: accounts.get(username)!.password })
          .expect(200)
      ).body.accessToken as string;
    const staffToken = await login('staff');
    const bidderToken = await login('bidder1');
    const live = await request(apiUrl).get(`/api/lease-listings/${liveListingId}`).expect(200);
    expect(live.body.status).toBe('announced');
    const deals = await request(apiUrl)
      .get('/api/deals?limit=1000')
      .auth(staffToken, { type: 'bearer' })
      .expect(200);
    expect(deals.body.total).toBeGreaterThan(0);
    // Every source the demo promises: a live auction's sale, a transfer by agreement, an on-site auction.
    const sources = new Set(deals.body.items.map((deal: { sourceType: string }) => deal.sourceType));
    expect([...sources]).toEqual(
      expect.arrayContaining(['lease_listing', 'transfer_agreement', 'on_site_auction']),
    );
    // The demo tender is in bidding with three sealed bids, its opening a few minutes away: the
    // public sees no price before then, only the deadline.
    const [, tenderId] = /tender opening: ([0-9a-f-]{36})/.exec(platform.output())!;
    const tender = await request(apiUrl).get(`/api/tenders/${tenderId}`).expect(200);
    expect(tender.body).toMatchObject({ status: 'bidding', category: 'construction', kind: 'building' });
    const untilOpening = Date.parse(tender.body.bidDeadlineAt) - Date.now();
    expect(untilOpening).toBeGreaterThan(60_000);
    expect(untilOpening).toBeLessThan(6 * 60_000);
    expect((await request(apiUrl).get(`/api/tenders/${tenderId}/opening-record`)).body.code).toBe(
      'SEALED_UNTIL_OPENING',
    );
    const tenderBids = await request(apiUrl)
      .get('/api/me/tender-bids')
      .auth(bidderToken, { type: 'bearer' })
      .expect(200);
    expect(tenderBids.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          projectId: tenderId,
          bid: expect.objectContaining({ status: 'submitted' }),
        }),
      ]),
    );
    // The tender evaluated before the start: its candidates are public while their publicity runs.
    const [, inPublicityId] = /tender in publicity: ([0-9a-f-]{36})/.exec(platform.output())!;
    expect((await request(apiUrl).get(`/api/tenders/${inPublicityId}`).expect(200)).body.status).toBe(
      'candidates_published',
    );
    const publicity = await request(apiUrl).get(`/api/tenders/${inPublicityId}/candidates`).expect(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(publicity.body.publicity.startsOn <= today && today <= publicity.body.publicity.endsOn).toBe(true);
    expect(publicity.body.candidates.map((one: { rank: number }) => one.rank)).toEqual([1, 2, 3]);
    expect(publicity.body.award).toBeNull();
    // The awarded one: contracted, its deal among the deals.
    const [, awardedId] = /tender awarded: ([0-9a-f-]{36})/.exec(platform.output())!;
    const awarded = await request(apiUrl).get(`/api/tenders/${awardedId}/candidates`).expect(200);
    expect(awarded.body.contract).toMatchObject({ signedOn: expect.any(String) });
    expect(deals.body.items).toContainEqual(
      expect.objectContaining({
        sourceType: 'tender_award',
        sourceId: awardedId,
        category: 'construction',
        subtype: 'building',
        amount: awarded.body.award.price,
      }),
    );
    // The committee stays with staff and supervisors, even after the opening.
    expect((await request(apiUrl).get(`/api/tenders/${inPublicityId}/committee`)).status).toBe(401);
    // Two procurements taking responses, listed publicly with their methods; the responses sealed.
    const [, openTenderId] = /procurement open tender: ([0-9a-f-]{36})/.exec(platform.output())!;
    const [, negotiationId] = /procurement negotiation: ([0-9a-f-]{36})/.exec(platform.output())!;
    const procurements = await request(apiUrl).get('/api/procurements?limit=100').expect(200);
    expect(procurements.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: openTenderId, method: 'open_tender', status: 'responding' }),
        expect.objectContaining({
          id: negotiationId,
          method: 'competitive_negotiation',
          status: 'responding',
        }),
      ]),
    );
    for (const id of [openTenderId, negotiationId])
      expect((await request(apiUrl).get(`/api/procurements/${id}/opening-record`)).body.code).toBe(
        'SEALED_UNTIL_OPENING',
      );
    const responses = await request(apiUrl)
      .get('/api/me/procurement-responses')
      .auth(bidderToken, { type: 'bearer' })
      .expect(200);
    expect(JSON.stringify(responses.body)).not.toContain('"price"');
    expect(responses.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          projectId: negotiationId,
          bid: expect.objectContaining({ status: 'submitted' }),
        }),
      ]),
    );
    const closed = await request(apiUrl).get('/api/lease-listings?limit=1000').expect(200);
    const statuses = closed.body.items.map((item: { status: string }) => item.status);
    expect(statuses).toEqual(expect.arrayContaining(['sold', 'unsold', 'announced']));
    const socket = await connect(gatewayUrl, bidderToken);
    try {
      const joined = await ask(socket, 'join', { listingId: liveListingId });
      expect(joined).toMatchObject({ ok: true, snapshot: { listingId: liveListingId, status: 'announced' } });
    } finally {
      socket.close();
    }

    // Ctrl-C stops all three and exits 0; nothing listens afterwards.
    await stopCleanly(platform, 'SIGINT', { code: 0, signal: null });
    await expect(request(apiUrl).get('/api/health')).rejects.toThrow(/ECONNREFUSED/);
    await expect(request(gatewayUrl).get('/health')).rejects.toThrow(/ECONNREFUSED/);
  });

  const startApi = async (databaseUrl: string, extra: NodeJS.ProcessEnv) => {
    const port = await freePort();
    const api = start([API_MAIN], baseEnv(databaseUrl, { API_PORT: String(port), ...extra }));
    await api.waitForOutput(/api listening/, 60_000);
    return { api, url: `http://127.0.0.1:${port}` };
  };
  const migrated = async () => {
    const created = await database();
    expect(
      await runNode([GGZY, 'cli', 'migration:run'], baseEnv(created.url, { REDIS_URL: 'none' })),
    ).toMatchObject({
      code: 0,
    });
    return created;
  };

  it('single-machine mode: the api says so in its health check, and stops cleanly on SIGTERM', async () => {
    const { url: databaseUrl } = await migrated();
    const { api, url } = await startApi(databaseUrl, { REDIS_URL: 'none' });
    expect(api.output()).toMatch(/single-machine/i);
    expect((await request(url).get('/api/health').expect(200)).body).toMatchObject({
      status: 'ok',
      database: 'up',
      redis: 'not used',
      mode: 'single-machine',
    });
    await stopCleanly(api, 'SIGTERM', { code: null, signal: 'SIGTERM' });
  });

  (withRedis ? it : it.skip)('Redis mode with the database gone: 503 with database "down"', async () => {
    const { url: databaseUrl, drop } = await migrated();
    const { url } = await startApi(databaseUrl, {});
    expect((await request(url).get('/api/health').expect(200)).body).toMatchObject({
      status: 'ok',
      database: 'up',
      redis: 'up',
      mode: 'redis',
    });
    // The test's own database goes away under the running api (the shared server stays up).
    await drop();
    const down = await request(url).get('/api/health').expect(503);
    expect(down.body).toMatchObject({ status: 'error', database: 'down', redis: 'up', mode: 'redis' });
  });

  it('Redis named but not answering: the api still listens, and its health check is 503 with redis "down"', async () => {
    const { url: databaseUrl } = await migrated();
    const deadRedis = `redis://127.0.0.1:${await freePort()}`;
    const { api, url } = await startApi(databaseUrl, { REDIS_URL: deadRedis });
    const down = await request(url).get('/api/health');
    expect({ status: down.status, body: down.body }).toMatchObject({
      status: 503,
      body: { status: 'error', database: 'up', redis: 'down', mode: 'redis' },
    });
    await stopCleanly(api, 'SIGTERM', { code: null, signal: 'SIGTERM' });
  });
});
