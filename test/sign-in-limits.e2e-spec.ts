import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../libs/common/src/config.js';
import { PasswordHasher } from '../libs/auth/src/password-hasher.js';
import { SignInLimits } from '../libs/auth/src/sign-in-limits.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi } from './support/platform.js';
import { expectError, queryRows } from './support/checks.js';
import { unique, waitFor } from './support/factories.js';

/**
 * Sign-in for a whole bidding hall: only failures count, per username+address and per
 * address, as growing delays kept in Redis (or PostgreSQL in single-machine mode), shared by
 * every api instance and kept across restarts. Addresses come from X-Forwarded-For behind
 * TRUST_PROXY=1, as behind the centre's reverse proxy.
 */
const HALL = '203.0.113.10';

async function insertBidders(config: AppConfig, count: number, password: string) {
  const passwordHash = await new PasswordHasher().hash(password);
  const names = Array.from({ length: count }, () => unique('hall'));
  await queryRows(
    config.DATABASE_URL,
    `INSERT INTO users (username, password_hash, display_name, roles)
     SELECT name, $2, name, ARRAY['bidder'] FROM unnest($1::text[]) AS name`,
    [names, passwordHash],
  );
  return names;
}

const signIn = (api: RunningHttpApp, address: string, username: string, password: string) =>
  request(api.url).post('/api/auth/login').set('X-Forwarded-For', address).send({ username, password });

const retryAfter = (response: request.Response) => {
  const body = expectError(response, 429, 'RATE_LIMITED');
  const seconds = (body.details as { retryAfterSeconds: number }).retryAfterSeconds;
  expect(Number(response.headers['retry-after'])).toBe(seconds);
  expect(seconds).toBeGreaterThanOrEqual(1);
  return seconds;
};

describe('sign-in limits', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;

  beforeAll(async () => {
    env = await createTestEnvironment({ TRUST_PROXY: 1, SIGN_IN_FIRST_DELAY_SECONDS: 2 });
    api = await startApi(env.config);
  });

  afterAll(async () => {
    await api?.close();
    await env?.drop();
  });

  // Successes never count, so no window of any length fills up. Issue 5 §3 promises the 200
  // sign-ins within a minute: measured from the first request to the last answer, with a
  // generous bound (the whole minute; the benchmark measures how fast they really are). A
  // limiter that delayed successes (a 2-s first delay per sign-in, say) would blow it.
  it('200 bidders sign in from one hall address within a minute, a few typos included', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const names = await insertBidders(env.config, 200, password);
    const statuses: number[] = [];
    const started = performance.now();
    // Ten at a time, as a hall's desks would; every fifth bidder mistypes once first.
    for (let i = 0; i < names.length; i += 10) {
      const batch = names.slice(i, i + 10);
      await Promise.all(
        batch.map(async (name, j) => {
          if ((i + j) % 5 === 0) expect((await signIn(api, HALL, name, 'typo-typo-1')).status).toBe(401);
          const response = await signIn(api, HALL, name, password);
          statuses.push(response.status);
          if (response.status === 200) expect(typeof response.body.accessToken).toBe('string');
        }),
      );
    }
    const elapsedMs = performance.now() - started;
    expect(statuses).toHaveLength(200);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(elapsedMs).toBeLessThan(60_000);
    // Jest's own limit is past the minute, so a slow run fails on the measure above, not on it.
  }, 150_000);

  it('20 wrong passwords for alice from X slow alice down at X, not alice from Y', async () => {
    const [alice] = await insertBidders(env.config, 1, 'alice-real-password');
    const attacker = '198.51.100.7';
    const outcomes: number[] = [];
    for (let i = 0; i < 20; i += 1)
      outcomes.push((await signIn(api, attacker, alice, `guess-${i}-guess`)).status);
    // The default five free failures, then refused without a password check while delayed.
    expect(outcomes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(outcomes.slice(5)).toEqual(Array(15).fill(429));
    const first = retryAfter(await signIn(api, attacker, alice, 'alice-real-password'));
    expect(first).toBeLessThanOrEqual(2);

    // Alice herself, from her own office, signs in at once.
    const fromHome = await signIn(api, '192.0.2.55', alice, 'alice-real-password');
    expect(fromHome.status).toBe(200);
    expect(fromHome.body.user.username).toBe(alice);

    // Once the delay is over, one more failure doubles it.
    // While delayed a guess is refused unchecked and counts for nothing; the first one checked is the next failure.
    const checked = await waitFor(
      async () => {
        const response = await signIn(api, attacker, alice, 'guess-again-x');
        return response.status === 429 ? undefined : response;
      },
      first * 1000 + 10_000,
      'the delay to pass',
    );
    expect(checked.status).toBe(401);
    const second = retryAfter(await signIn(api, attacker, alice, 'alice-real-password'));
    expect(second).toBeGreaterThan(first);
    expect(second).toBeLessThanOrEqual(4);
  });

  it('an address guessing across many names is slowed down as a whole; a name that signs in takes back its own failures', async () => {
    const local = await createTestEnvironment({
      TRUST_PROXY: 1,
      SIGN_IN_FREE_FAILURES: 3,
      SIGN_IN_FREE_FAILURES_PER_ADDRESS: 6,
      SIGN_IN_FIRST_DELAY_SECONDS: 60,
    });
    const localApi = await startApi(local.config);
    try {
      const [bob, carol] = await insertBidders(local.config, 2, 'right-password-1');
      const sprayer = '198.51.100.99';
      // Typos followed by the right password: they leave bob's count and the address's count.
      for (let round = 0; round < 3; round += 1) {
        for (let i = 0; i < 2; i += 1)
          expect((await signIn(localApi, sprayer, bob, `x-${round}-${i}-xxxxx`)).status).toBe(401);
        expect((await signIn(localApi, sprayer, bob, 'right-password-1')).status).toBe(200);
      }
      // Guesses at names that never sign in stay counted: the sixth makes the whole address wait.
      for (let i = 0; i < 5; i += 1)
        expect((await signIn(localApi, sprayer, unique('ghost'), 'whatever-123')).status).toBe(401);
      expect((await signIn(localApi, sprayer, carol, 'right-password-1')).status).toBe(200);
      expect((await signIn(localApi, sprayer, unique('ghost'), 'whatever-123')).status).toBe(401);
      expect(retryAfter(await signIn(localApi, sprayer, carol, 'right-password-1'))).toBeGreaterThan(30);
      expect((await signIn(localApi, '192.0.2.1', carol, 'right-password-1')).status).toBe(200);
    } finally {
      await localApi.close();
      await local.drop();
    }
  });

  it('a burst of parallel guesses for one name gets no more password checks than guesses one by one', async () => {
    const [frank] = await insertBidders(env.config, 1, 'frank-real-password');
    const attacker = '198.51.100.61';
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(api, attacker, frank, `burst-${i}-guess`)),
    );
    const statuses = burst.map((response) => response.status);
    // Only one attempt per name and address is checked at a time; the rest wait their turn (429).
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    for (const response of burst.filter((one) => one.status === 429)) retryAfter(response);
  });

  it('a hall whose every bidder mistypes once, then signs in, is never slowed down', async () => {
    const local = await createTestEnvironment({
      TRUST_PROXY: 1,
      SIGN_IN_FREE_FAILURES_PER_ADDRESS: 10,
      SIGN_IN_FIRST_DELAY_SECONDS: 60,
    });
    const localApi = await startApi(local.config);
    try {
      const password = `pw-${randomBytes(6).toString('hex')}`;
      // Three times the address's free failures, each followed by that bidder's right password.
      const names = await insertBidders(local.config, 30, password);
      for (let i = 0; i < names.length; i += 5) {
        await Promise.all(
          names.slice(i, i + 5).map(async (name) => {
            expect((await signIn(localApi, HALL, name, 'typo-typo-1')).status).toBe(401);
            expect((await signIn(localApi, HALL, name, password)).status).toBe(200);
          }),
        );
      }
    } finally {
      await localApi.close();
      await local.drop();
    }
  });

  it('without TRUST_PROXY, X-Forwarded-For is ignored: the real peer address is counted', async () => {
    const local = await createTestEnvironment({
      SIGN_IN_FREE_FAILURES: 10,
      SIGN_IN_FREE_FAILURES_PER_ADDRESS: 3,
      SIGN_IN_FIRST_DELAY_SECONDS: 60,
    });
    const localApi = await startApi(local.config);
    try {
      const [dave] = await insertBidders(local.config, 1, 'right-password-2');
      for (let i = 0; i < 3; i += 1)
        expect((await signIn(localApi, `10.0.0.${i + 1}`, unique('ghost'), 'whatever-123')).status).toBe(401);
      retryAfter(await signIn(localApi, '10.9.9.9', dave, 'right-password-2'));
    } finally {
      await localApi.close();
      await local.drop();
    }
  });

  it('registration is limited per address', async () => {
    const local = await createTestEnvironment({ TRUST_PROXY: 1, REGISTRATIONS_PER_ADDRESS_PER_HOUR: 3 });
    const localApi = await startApi(local.config);
    try {
      const register = (address: string) =>
        request(localApi.url)
          .post('/api/auth/register')
          .set('X-Forwarded-For', address)
          .send({ username: unique('reg'), password: 'long-enough-1', displayName: '某公司' });
      for (let i = 0; i < 3; i += 1) expect((await register('198.51.100.20')).status).toBe(201);
      const before = await queryRows<{ n: string }>(
        local.config.DATABASE_URL,
        'SELECT count(*) AS n FROM users',
      );
      expect(retryAfter(await register('198.51.100.20'))).toBeGreaterThan(60);
      const after = await queryRows<{ n: string }>(
        local.config.DATABASE_URL,
        'SELECT count(*) AS n FROM users',
      );
      expect(after).toEqual(before);
      expect((await register('198.51.100.21')).status).toBe(201);
    } finally {
      await localApi.close();
      await local.drop();
    }
  });

  it('password hashing leaves the event loop free during a registration flood', async () => {
    // CPU time, not wall time, so the shared machine's load cannot decide the outcome: the api
    // runs in this process, and every argon2id hash must be spent on some other thread.
    const flood = 30;
    const processBefore = process.cpuUsage();
    const loopBefore = process.threadCpuUsage();
    const responses = await Promise.all(
      Array.from({ length: flood }, (_, i) =>
        request(api.url)
          .post('/api/auth/register')
          .set('X-Forwarded-For', `198.51.100.${100 + i}`)
          .send({ username: unique('flood'), password: 'long-enough-1', displayName: '某公司' }),
      ),
    );
    const cpu = ({ user, system }: NodeJS.CpuUsage) => (user + system) / 1000;
    const loopMs = cpu(process.threadCpuUsage(loopBefore));
    const processMs = cpu(process.cpuUsage(processBefore));
    expect(responses.map((response) => response.status)).toEqual(Array(flood).fill(201));
    // 30 hashes of 19 MiB × 2 passes cost seconds of CPU; had they run on the event loop, the
    // loop's share would be nearly all of it. Request handling alone is a small part.
    expect(processMs - loopMs).toBeGreaterThan(loopMs);
  });
});

describe.each([
  ['Redis', process.env.GGZY_TEST_REDIS_URL !== 'none'],
  ['PostgreSQL (single-machine mode)', true],
])('sign-in counters in %s', (store, available) => {
  const maybe = available ? it : it.skip;

  maybe('are shared by two api instances and survive an api restart', async () => {
    const local = await createTestEnvironment({
      TRUST_PROXY: 1,
      SIGN_IN_FREE_FAILURES: 3,
      SIGN_IN_FIRST_DELAY_SECONDS: 300,
      ...(store === 'Redis' ? {} : { REDIS_URL: null }),
    });
    const running: RunningHttpApp[] = [];
    const start = async () => {
      const app = await startApi(local.config);
      running.push(app);
      return app;
    };
    const stopAll = () => Promise.all(running.splice(0).map((app) => app.close()));
    try {
      const [first, second] = [await start(), await start()];
      const [erin] = await insertBidders(local.config, 1, 'right-password-3');
      const address = '198.51.100.200';
      // Failures spread over both instances add up to one count.
      expect((await signIn(first, address, erin, 'wrong-pass-1')).status).toBe(401);
      expect((await signIn(second, address, erin, 'wrong-pass-2')).status).toBe(401);
      expect((await signIn(first, address, erin, 'wrong-pass-3')).status).toBe(401);
      retryAfter(await signIn(second, address, erin, 'right-password-3'));
      await stopAll();

      const third = await start();
      expect(retryAfter(await signIn(third, address, erin, 'right-password-3'))).toBeGreaterThan(200);
      expect((await signIn(third, '192.0.2.9', erin, 'right-password-3')).status).toBe(200);
      if (store !== 'Redis') {
        const rows = await queryRows(local.config.DATABASE_URL, 'SELECT key FROM sign_in_limits');
        expect(rows.length).toBeGreaterThan(0);
      }
    } finally {
      await stopAll();
      await local.drop();
    }
  });
});

describe.each([
  ['Redis', process.env.GGZY_TEST_REDIS_URL !== 'none'],
  ['PostgreSQL (single-machine mode)', true],
])('a correct sign-in, counters in %s', (store, available) => {
  const maybe = available ? it : it.skip;

  maybe("takes the name's failures off the address's count, never more than it holds", async () => {
    const local = await createTestEnvironment({
      SIGN_IN_FREE_FAILURES: 5,
      SIGN_IN_FREE_FAILURES_PER_ADDRESS: 100,
      ...(store === 'Redis' ? {} : { REDIS_URL: null }),
    });
    const pool = new pg.Pool({ connectionString: local.config.DATABASE_URL, max: 2 });
    const limits = new SignInLimits(local.config, { driver: { master: pool } } as unknown as DataSource);
    const byAddress = (limits as unknown as { failuresByAddress: RateLimiterAbstract }).failuresByAddress;
    const address = '203.0.113.7';
    const held = async () => (await byAddress.get(address))?.consumedPoints ?? 0;
    const fail = async (name: string) => limits.failed(await limits.begin(name, address));
    try {
      // Two guesses at another name from the address, then three typos at the attacker's own.
      for (const name of ['victim', 'victim', 'mallory', 'mallory', 'mallory']) await fail(name);
      expect(await held()).toBe(5);
      await limits.succeeded(await limits.begin('mallory', address));
      // The typos are forgiven; the guesses at the other name stay counted.
      expect(await held()).toBe(2);

      // Three more typos; then the address's day-long record runs out before the name's does
      // (it was opened earlier, by the guesses at other names).
      for (let i = 0; i < 3; i += 1) await fail('mallory');
      await byAddress.delete(address);
      await limits.succeeded(await limits.begin('mallory', address));
      // No credit below zero (free guesses at other names): the next guess counts as the first.
      expect(await held()).toBe(0);
      await fail('victim');
      expect(await held()).toBe(1);
    } finally {
      await limits.onModuleDestroy();
      await pool.end();
      await local.drop();
    }
  });
});
