import request from 'supertest';
import { registerBidder, unique } from './support/factories.js';
import { expectError, freshClient } from './support/checks.js';
import { api, get, login, registerOnly, staff, useAccountsPlatform } from './support/accounts.js';

/**
 * Signing in and who you are: a wrong password and an unknown user look alike (401
 * INVALID_CREDENTIALS), a malformed body is 400, /api/auth/me answers for a token only, and after
 * 3 failures from one address sign-in is 429 RATE_LIMITED there, without locking out the owner
 * from elsewhere.
 * Setup: test/support/accounts.ts.
 */
describe('accounts and the registration workflow', () => {
  useAccountsPlatform();

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
});
