import { ConfigError, loadEnvConfig } from './config.js';

/** A production environment complete but for what a case leaves out. */
const production = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://ggzy_app:x@127.0.0.1:5432/ggzy',
  REDIS_URL: 'redis://127.0.0.1:6379',
  JWT_SECRET: 'j'.repeat(32),
  AUDIT_HMAC_KEY: 'a'.repeat(32),
  SEALED_BID_KEYS: `kek1:${Buffer.alloc(32, 7).toString('base64')}`,
  PUBLIC_SITE_URL: 'https://ggzy.example.cn',
  ...extra,
});

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadEnvConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
};

describe('PUBLIC_SITE_URL (the feed and OCDS links)', () => {
  it.each([
    ['production, set', production(), []],
    [
      'production, unset: refused (links would follow the Host header)',
      production({ PUBLIC_SITE_URL: undefined }),
      ['PUBLIC_SITE_URL: production needs PUBLIC_SITE_URL (the public origin, like https://ggzy.example.cn)'],
    ],
    [
      'production, empty: refused',
      production({ PUBLIC_SITE_URL: '' }),
      ['PUBLIC_SITE_URL: production needs PUBLIC_SITE_URL (the public origin, like https://ggzy.example.cn)'],
    ],
    [
      'production, not an origin',
      production({ PUBLIC_SITE_URL: 'https://x.cn/path' }),
      ['PUBLIC_SITE_URL: an origin like https://host:port'],
    ],
    ['development, unset: the request origin', { NODE_ENV: 'development' }, []],
    ['test, unset', { NODE_ENV: 'test' }, []],
  ] as [string, NodeJS.ProcessEnv, string[]][])('%s', (_name, env, problems) => {
    expect(problemsOf(env)).toEqual(problems);
  });
});
