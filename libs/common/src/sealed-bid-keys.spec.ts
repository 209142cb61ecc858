import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConfigError, loadEnvConfig } from './config.js';
import { createLogger } from './logger.js';
import {
  INSTALLATION_KEK_FILE,
  resolveSealedBidKeys,
  sealedBidKeysFromSecret,
  sealedBidKeysProblems,
} from './sealed-bid-keys.js';

const KEY = randomBytes(32).toString('base64');
const OTHER = randomBytes(32).toString('base64');
const SHORT = randomBytes(31).toString('base64');

describe('sealedBidKeysProblems', () => {
  it.each([
    ['one key', `kek1:${KEY}`, []],
    ['two keys, spaces around them', ` kek-2 : ${KEY} , kek_1:${OTHER}`, []],
    ['no id', KEY, ['entry #1 is not id:base64key']],
    ['an empty id', `:${KEY}`, ['entry #1 is not id:base64key']],
    ['the halves swapped', `${KEY}:kek1`, ['entry #1: the id is 1–32 of A–Z a–z 0–9 _ -']],
    ['an id with a space', `kek 1:${KEY}`, ['entry #1: the id is 1–32 of A–Z a–z 0–9 _ -']],
    ['a short key', `kek1:${SHORT}`, ['entry #1: the key is not 32 bytes in base64']],
    [
      'hex instead of base64',
      `kek1:${randomBytes(32).toString('hex')}`,
      ['entry #1: the key is not 32 bytes in base64'],
    ],
    ['base64url', `kek1:${'-_'.repeat(22)}`, ['entry #1: the key is not 32 bytes in base64']],
    ['the same id twice', `kek1:${KEY},kek1:${OTHER}`, ['entry #2: its id is listed before']],
    ['an empty entry', `kek1:${KEY},`, ['entry #2 is not id:base64key']],
  ] as [string, string, string[]][])('%s', (_name, setting, problems) => {
    const found = sealedBidKeysProblems(setting);
    expect(found).toEqual(problems);
    // Whatever is wrong, the message never repeats a key.
    for (const key of [KEY, OTHER, SHORT]) expect(found.join('\n')).not.toContain(key);
  });
});

describe('SEALED_BID_KEYS in the configuration', () => {
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'j'.repeat(40),
    AUDIT_HMAC_KEY: 'a'.repeat(40),
    DATABASE_URL: 'postgres://app@127.0.0.1/ggzy',
    REDIS_URL: 'redis://127.0.0.1:6379',
    PUBLIC_SITE_URL: 'https://ggzy.example.gov.cn',
  };
  const issues = (env: NodeJS.ProcessEnv) => {
    try {
      loadEnvConfig(env);
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.issues;
    }
  };

  it.each([
    ['production without it', production, [/^SEALED_BID_KEYS: production needs SEALED_BID_KEYS/]],
    [
      'production with it empty',
      { ...production, SEALED_BID_KEYS: '' },
      [/^SEALED_BID_KEYS: production needs/],
    ],
    ['production with a valid ring', { ...production, SEALED_BID_KEYS: `k:${KEY}` }, []],
    ['development without it (generated)', { NODE_ENV: 'development' }, []],
    [
      'development with a malformed one',
      { NODE_ENV: 'development', SEALED_BID_KEYS: KEY },
      [/^SEALED_BID_KEYS: entry #1/],
    ],
    [
      'production with a malformed one',
      { ...production, SEALED_BID_KEYS: `k:${SHORT}` },
      [/^SEALED_BID_KEYS: entry #1: the key is not 32 bytes/],
    ],
  ] as [string, NodeJS.ProcessEnv, RegExp[]][])('%s', (_name, env, expected) => {
    const found = issues(env);
    expect(found).toHaveLength(expected.length);
    expected.forEach((pattern, index) => expect(found[index]).toMatch(pattern));
    expect(found.join('\n')).not.toContain(KEY);
    expect(found.join('\n')).not.toContain(SHORT);
  });
});

describe('the installation ring outside production', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ggzy-kek-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is derived from a secret created once under DATA_DIR (mode 600) and is a valid one-key ring', () => {
    const first = resolveSealedBidKeys({ DATA_DIR: dir });
    expect(statSync(join(dir, INSTALLATION_KEK_FILE)).mode & 0o777).toBe(0o600);
    expect(sealedBidKeysProblems(first)).toEqual([]);
    expect(first).toMatch(/^installation:[A-Za-z0-9+/]{43}=$/);
    expect(resolveSealedBidKeys({ DATA_DIR: dir })).toBe(first);
  });

  it('is not consulted when the setting is given', () => {
    expect(resolveSealedBidKeys({ DATA_DIR: dir, SEALED_BID_KEYS: `k:${KEY}` })).toBe(`k:${KEY}`);
    expect(() => statSync(join(dir, INSTALLATION_KEK_FILE))).toThrow();
  });

  it.each([
    ['a', 'b'],
    ['x'.repeat(64), 'x'.repeat(63) + 'y'],
  ])('different secrets give different keys (%#)', (one, two) => {
    expect(sealedBidKeysFromSecret(one)).not.toBe(sealedBidKeysFromSecret(two));
    expect(sealedBidKeysFromSecret(one)).toBe(sealedBidKeysFromSecret(one));
  });
});

describe('the resolved setting in a log line', () => {
  it.each([
    ['the config logged whole', (config: object) => config],
    ['the config logged under a key', (config: object) => ({ config })],
  ])('is redacted: %s', (_name, shape) => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = { ...loadEnvConfig({ NODE_ENV: 'test' }), SEALED_BID_KEYS: `k:${KEY}` };
    createLogger('test', 'info', destination).info(shape(config), 'configuration');
    expect(lines.join('')).toContain('[redacted]');
    expect(lines.join('')).not.toContain(KEY);
  });
});
