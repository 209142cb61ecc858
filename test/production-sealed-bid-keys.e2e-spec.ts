import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { envWithout, runNode } from './support/checks.js';

/**
 * SEALED_BID_KEYS as the built processes read it: production refuses to start without it or
 * with a malformed one (naming the setting, never echoing a key); elsewhere every process of an
 * installation derives the same ring from one secret generated under DATA_DIR (mode 600).
 */
const API_MAIN = join(process.cwd(), 'dist/apps/api/src/main.js');
const COMMON = pathToFileURL(join(process.cwd(), 'dist/libs/common/src/index.js')).href;

describe('SEALED_BID_KEYS', () => {
  const productionEnv = (extra: NodeJS.ProcessEnv) => ({
    ...envWithout('SEALED_BID_KEYS'),
    NODE_ENV: 'production',
    // Unreachable on purpose: the process must stop at its configuration, before any connection.
    DATABASE_URL: 'postgres://ggzy_app:x@127.0.0.1:1/ggzy',
    REDIS_URL: 'redis://127.0.0.1:1',
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUDIT_HMAC_KEY: randomBytes(32).toString('hex'),
    API_PORT: '0',
    LOG_LEVEL: 'info',
    ...extra,
  });
  const key = randomBytes(32).toString('base64');
  const shortKey = randomBytes(31).toString('base64');

  it.each([
    ['unset', {}, 'production needs SEALED_BID_KEYS'],
    ['empty', { SEALED_BID_KEYS: '' }, 'production needs SEALED_BID_KEYS'],
    ['a key without its id', { SEALED_BID_KEYS: key }, 'entry #1 is not id:base64key'],
    ['id and key swapped', { SEALED_BID_KEYS: `${key}:kek1` }, 'entry #1: the id is'],
    ['a 31-byte key', { SEALED_BID_KEYS: `kek1:${shortKey}` }, 'entry #1: the key is not 32 bytes'],
    ['a second entry malformed', { SEALED_BID_KEYS: `kek1:${key},kek2` }, 'entry #2 is not id:base64key'],
  ] as [string, NodeJS.ProcessEnv, string][])(
    'production refuses to start with it %s, naming the setting and echoing no key',
    async (_name, extra, problem) => {
      const result = await runNode([API_MAIN], productionEnv(extra), 60_000);
      expect(result.code).not.toBeNull();
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(`SEALED_BID_KEYS: ${problem}`);
      expect(result.output).not.toContain('api listening');
      for (const material of [key, shortKey, key.slice(0, 20), shortKey.slice(0, 20)])
        expect(result.output).not.toContain(material);
    },
  );

  describe('outside production, unset', () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'ggzy-kek-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    /** A process resolving the ring as the apps do; it prints a fingerprint, not the ring. */
    const fingerprintIn = () =>
      runNode(
        [
          '--input-type=module',
          '-e',
          `const { loadEnvConfig, resolveSealedBidKeys, sealedBidKeysProblems } = await import(${JSON.stringify(COMMON)});
           const { createHash } = await import('node:crypto');
           const ring = resolveSealedBidKeys(loadEnvConfig());
           console.log(JSON.stringify({ problems: sealedBidKeysProblems(ring),
             fingerprint: createHash('sha256').update(ring).digest('hex') }));`,
        ],
        { ...envWithout('SEALED_BID_KEYS'), NODE_ENV: 'development', DATA_DIR: dataDir },
      );

    it('is one key, generated once under DATA_DIR (mode 600), the same for processes started together', async () => {
      const results = await Promise.all([fingerprintIn(), fingerprintIn(), fingerprintIn()]);
      const answers = results.map((result) => {
        expect(result.code).toBe(0);
        return JSON.parse(result.output.trim().split('\n').pop()!) as {
          problems: string[];
          fingerprint: string;
        };
      });
      expect(answers[0].problems).toEqual([]);
      expect(new Set(answers.map((answer) => answer.fingerprint)).size).toBe(1);
      expect(readdirSync(dataDir)).toEqual(['sealed-bid-kek']);
      expect(statSync(join(dataDir, 'sealed-bid-kek')).mode & 0o777).toBe(0o600);
      // A later start keeps it.
      const later = JSON.parse((await fingerprintIn()).output.trim().split('\n').pop()!);
      expect(later.fingerprint).toBe(answers[0].fingerprint);
      expect(later.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(later.fingerprint).not.toBe(createHash('sha256').update('').digest('hex'));
    });
  });
});
