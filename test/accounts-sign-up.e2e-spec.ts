import { unique } from './support/factories.js';
import { detailFields, expectError, queryRows, tableContents } from './support/checks.js';
import { env, login, password, post, useAccountsPlatform } from './support/accounts.js';

/**
 * Signing up (POST /api/auth/register): a bidder account is created, stored as an argon2 hash and
 * never echoed; a taken username is 409 USERNAME_TAKEN; a body that breaks a field is 400 naming
 * it, and creates nobody.
 * Setup: test/support/accounts.ts.
 */
describe('accounts and the registration workflow', () => {
  useAccountsPlatform();

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
});
