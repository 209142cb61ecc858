import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { AppConfig } from '../libs/common/src/config.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi } from './support/platform.js';
import { createOperator, registerBidder, type TestUser } from './support/factories.js';
import { expectError } from './support/checks.js';

/**
 * The queues dashboard (bull-board at /admin/queues): admins and supervisors only, reached by
 * a short-lived HttpOnly cookie traded for a bearer token; supervisors may only look.
 */
const BOARD = '/admin/queues';
const QUEUE_NAMES = ['auctions', 'transfers', 'deposits', 'reports', 'alerts'];

interface Api {
  env: TestEnvironment;
  api: RunningHttpApp;
  close(): Promise<void>;
}

async function openApi(overrides: Partial<AppConfig> = {}): Promise<Api> {
  const env = await createTestEnvironment(overrides);
  const api = await startApi(env.config);
  return {
    env,
    api,
    close: async () => {
      await api.close();
      await env.drop();
    },
  };
}

/** The `ggzy_queues=…` pair and the attributes the server set with it. */
async function queuesSession(url: string, user: TestUser) {
  const response = await request(url)
    .post('/api/auth/queues-session')
    .set('authorization', `Bearer ${user.token}`)
    .expect(200);
  const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = setCookie.find((line) => line.startsWith('ggzy_queues='));
  if (!cookie) throw new Error(`no ggzy_queues cookie in ${JSON.stringify(setCookie)}`);
  const [pair, ...attributes] = cookie.split(';').map((part) => part.trim());
  return { pair, attributes, body: response.body as { path: string; expiresAt: string } };
}

const boardQueues = async (url: string, cookie: string) => {
  const response = await request(url).get(`${BOARD}/api/queues`).set('cookie', cookie).expect(200);
  return response.body.queues as { name: string; readOnlyMode: boolean }[];
};

describe('queues dashboard with Redis', () => {
  let running: Api;
  let admin: TestUser;
  let supervisor: TestUser;
  let staff: TestUser;
  let bidder: TestUser;

  beforeAll(async () => {
    running = await openApi();
    const url = running.api.url;
    [admin, supervisor, staff, bidder] = await Promise.all([
      createOperator(running.env.config, url, 'admin'),
      createOperator(running.env.config, url, 'supervisor'),
      createOperator(running.env.config, url, 'staff'),
      registerBidder(url),
    ]);
  });
  afterAll(() => running?.close());

  it('nobody signed in gets a JSON 401, never the board (and never the web app)', async () => {
    const url = running.api.url;
    for (const path of [BOARD, `${BOARD}/`, `${BOARD}/api/queues`, `${BOARD}/static/js/x.js`]) {
      expectError(await request(url).get(path).set('accept', 'text/html'), 401, 'UNAUTHENTICATED');
    }
    expectError(await request(url).post('/api/auth/queues-session'), 401, 'UNAUTHENTICATED');
  });

  it('a bidder or a staff token gets 403 FORBIDDEN for the session and for the board', async () => {
    const url = running.api.url;
    for (const user of [bidder, staff]) {
      const session = await request(url)
        .post('/api/auth/queues-session')
        .set('authorization', `Bearer ${user.token}`);
      expectError(session, 403, 'FORBIDDEN');
      expect(session.headers['set-cookie']).toBeUndefined();
      const page = await request(url).get(`${BOARD}/`).set('authorization', `Bearer ${user.token}`);
      expectError(page, 403, 'FORBIDDEN');
    }
  });

  it('a supervisor gets a short HttpOnly, SameSite=Strict cookie for /admin/queues and a read-only board', async () => {
    const url = running.api.url;
    const { pair, attributes, body } = await queuesSession(url, supervisor);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/admin/queues', 'HttpOnly', 'SameSite=Strict']));
    const maxAge = Number(attributes.find((a) => a.startsWith('Max-Age='))?.slice('Max-Age='.length));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(15 * 60);
    expect(body.path).toBe(`${BOARD}/`);

    const page = await request(url).get(`${BOARD}/`).set('cookie', pair).expect(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('__UI_CONFIG__');
    expect(page.headers['cache-control']).toBe('no-store');

    const queues = await boardQueues(url, pair);
    expect(queues.map((queue) => queue.name).sort()).toEqual(expect.arrayContaining(QUEUE_NAMES));
    expect(queues.every((queue) => queue.readOnlyMode)).toBe(true);

    // Read-only is enforced here, not just hidden in the UI.
    const pause = await request(url).put(`${BOARD}/api/queues/auctions/pause`).set('cookie', pair);
    expectError(pause, 403, 'FORBIDDEN');
    const clean = await request(url)
      .put(`${BOARD}/api/queues/reports/clean/completed`)
      .set('authorization', `Bearer ${supervisor.token}`);
    expectError(clean, 403, 'FORBIDDEN');
  });

  it('an admin may act on the queues', async () => {
    const url = running.api.url;
    const { pair } = await queuesSession(url, admin);
    const queues = await boardQueues(url, pair);
    expect(queues.filter((queue) => QUEUE_NAMES.includes(queue.name)).map((q) => q.readOnlyMode)).toEqual(
      QUEUE_NAMES.map(() => false),
    );
    await request(url).put(`${BOARD}/api/queues/reports/pause`).set('cookie', pair).expect(200);
    const paused = (await boardQueues(url, pair)).find((queue) => queue.name === 'reports') as {
      isPaused?: boolean;
    };
    expect(paused.isPaused).toBe(true);
    await request(url).put(`${BOARD}/api/queues/reports/resume`).set('cookie', pair).expect(200);
  });

  it('a forged, expired or foreign cookie is refused with a code; the cookie is no access token', async () => {
    const url = running.api.url;
    const { config } = running.env;
    const claims = { username: admin.username, canAct: true };
    const sign = (secret: string, issuer: string, expiresIn: number) =>
      jwt.sign(claims, secret, { algorithm: 'HS256', subject: admin.id, issuer, expiresIn });
    const cases: [string, number, string][] = [
      [sign('not-the-servers-secret-0123456789abcdef', 'ggzy-queues', 600), 401, 'INVALID_TOKEN'],
      [sign(config.JWT_SECRET, 'ggzy-queues', -10), 401, 'TOKEN_EXPIRED'],
      // An access token is not a dashboard session, even an admin's.
      [admin.token, 401, 'INVALID_TOKEN'],
      ['garbage', 401, 'INVALID_TOKEN'],
    ];
    for (const [cookie, status, code] of cases) {
      for (const path of [`${BOARD}/`, `${BOARD}/api/queues`]) {
        expectError(await request(url).get(path).set('cookie', `ggzy_queues=${cookie}`), status, code);
      }
    }
    // A bad cookie is not rescued by a good bearer token: the cookie is what the browser sends.
    const both = await request(url)
      .get(`${BOARD}/api/queues`)
      .set('cookie', `ggzy_queues=${cases[0][0]}`)
      .set('authorization', `Bearer ${admin.token}`);
    expectError(both, 401, 'INVALID_TOKEN');

    const { pair } = await queuesSession(url, admin);
    const session = pair.slice('ggzy_queues='.length);
    const asBearer = await request(url).get('/api/auth/me').set('authorization', `Bearer ${session}`);
    expectError(asBearer, 401, 'INVALID_TOKEN');
  });
});

describe('queues dashboard in single-machine mode (BullMQ on PostgreSQL)', () => {
  let running: Api;
  let supervisor: TestUser;

  beforeAll(async () => {
    running = await openApi({ REDIS_URL: null });
    supervisor = await createOperator(running.env.config, running.api.url, 'supervisor');
  });
  afterAll(() => running?.close());

  it('shows the same queues', async () => {
    const url = running.api.url;
    const { pair } = await queuesSession(url, supervisor);
    await request(url).get(`${BOARD}/`).set('cookie', pair).expect(200);
    const queues = await boardQueues(url, pair);
    expect(queues.map((queue) => queue.name)).toEqual(expect.arrayContaining(QUEUE_NAMES));
  });
});
