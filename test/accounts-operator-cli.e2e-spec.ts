import { join } from 'node:path';
import { listingBody, type TestUser, unique } from './support/factories.js';
import { envWithout, expectError, queryRows, runNode, tableContents } from './support/checks.js';
import { env, get, login, password, post, useAccountsPlatform } from './support/accounts.js';

/**
 * The operator CLI (user:create) makes staff and supervisors who can sign in and do their work;
 * bad arguments exit 2 and a taken username fails, creating nobody.
 * Setup: test/support/accounts.ts.
 */
const CLI = join(process.cwd(), 'dist/scripts/cli.js');

describe('accounts and the registration workflow', () => {
  useAccountsPlatform();

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
});
