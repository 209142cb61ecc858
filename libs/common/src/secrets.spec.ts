import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOrCreateSecret } from './secrets.js';

describe('the generated installation secret', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ggzy-secret-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once, private (600), and read back the same by every later caller', () => {
    const first = readOrCreateSecret(dir, 'jwt-secret');
    expect(first).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(readOrCreateSecret(dir, 'jwt-secret')).toBe(first);
    // No temporary file is left behind.
    expect(readdirSync(dir)).toEqual(['jwt-secret']);
  });

  it('keeps a secret an operator put there', () => {
    writeFileSync(join(dir, 'jwt-secret'), 'x'.repeat(40), { mode: 0o600 });
    expect(readOrCreateSecret(dir, 'jwt-secret')).toBe('x'.repeat(40));
  });

  it.each([
    ['a symbolic link', () => symlinkSync(join(dir, 'elsewhere'), join(dir, 'jwt-secret')), /symbolic link/],
    [
      'a file others can read',
      () => {
        writeFileSync(join(dir, 'jwt-secret'), 'y'.repeat(40));
        chmodSync(join(dir, 'jwt-secret'), 0o644);
      },
      /chmod 600/,
    ],
    [
      'a secret too short to use',
      () => writeFileSync(join(dir, 'jwt-secret'), 'short', { mode: 0o600 }),
      /32\+/,
    ],
  ])('refuses %s, saying what to do', (_, prepare, message) => {
    writeFileSync(join(dir, 'elsewhere'), 'z'.repeat(40), { mode: 0o600 });
    prepare();
    expect(() => readOrCreateSecret(dir, 'jwt-secret')).toThrow(message);
  });
});
