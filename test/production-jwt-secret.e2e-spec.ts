import { join } from 'node:path';
import { envWithout, runNode } from './support/checks.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';

/**
 * In production the api refuses to start without a JWT_SECRET of its own, or with a short one.
 * It needs only a database (the api runs as a child process from the build).
 */
const API_MAIN = join(process.cwd(), 'dist/apps/api/src/main.js');

describe('accounts and the registration workflow', () => {
  let env: TestEnvironment;

  beforeAll(async () => {
    env = await createTestEnvironment();
  });

  afterAll(async () => {
    await env?.drop();
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
