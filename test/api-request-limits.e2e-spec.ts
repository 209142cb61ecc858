import request from 'supertest';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi } from './support/platform.js';
import { expectError } from './support/checks.js';

/**
 * Every REST call from one address shares one budget per minute (API_REQUESTS_PER_ADDRESS_PER_MINUTE),
 * public reads and bad requests included, so a flood of anonymous GETs cannot keep the api and its
 * database busy for everyone. Addresses come from X-Forwarded-For behind TRUST_PROXY=1.
 */
const BUDGET = 5;

describe('REST request budget per address', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;

  beforeAll(async () => {
    env = await createTestEnvironment({ TRUST_PROXY: 1, API_REQUESTS_PER_ADDRESS_PER_MINUTE: BUDGET });
    api = await startApi(env.config);
  });

  afterAll(async () => {
    await api?.close();
    await env?.drop();
  });

  const from = (address: string, path: string) => request(api.url).get(path).set('X-Forwarded-For', address);

  it('answers an address its budget of public reads, then 429 RATE_LIMITED with Retry-After', async () => {
    const address = '198.51.100.7';
    for (let i = 0; i < BUDGET; i += 1) expect((await from(address, '/api/lease-listings')).status).toBe(200);
    const refused = await from(address, '/api/lease-listings');
    const body = expectError(refused, 429, 'RATE_LIMITED');
    const seconds = (body.details as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(Number(refused.headers['retry-after'])).toBe(seconds);
  });

  it('counts bad requests and sign-ins in the same budget', async () => {
    const address = '198.51.100.8';
    for (let i = 0; i < BUDGET - 1; i += 1)
      expect((await from(address, '/api/lease-listings/not-a-uuid')).status).toBe(400);
    const signIn = await request(api.url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', address)
      .send({ username: 'nobody', password: 'wrong-password' });
    expect(signIn.status).toBe(401);
    expectError(await from(address, '/api/calendar'), 429, 'RATE_LIMITED');
  });

  it('keeps other addresses (IPv6 by their /64) and the health check answering', async () => {
    const spent = '2001:db8:1:2::1';
    for (let i = 0; i < BUDGET; i += 1) await from(spent, '/api/lease-listings');
    // The same /64 is the same client; the next /64 is another.
    expectError(await from('2001:db8:1:2::ffff', '/api/lease-listings'), 429, 'RATE_LIMITED');
    expect((await from('2001:db8:1:3::1', '/api/lease-listings')).status).toBe(200);
    for (let i = 0; i < BUDGET + 2; i += 1) expect((await from(spent, '/api/health')).status).toBe(200);
  });
});
