import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A secret generated once per installation and kept in `<dataDir>/<name>` (mode 600), so
 * every process of the installation (api, gateway, worker, CLI) reads the same one and no
 * public default exists. Production names its secrets explicitly instead.
 */
export function readOrCreateSecret(dataDir: string, name: string): string {
  const root = resolve(dataDir);
  const file = join(root, name);
  mkdirSync(root, { recursive: true });
  try {
    // 'wx' fails when the file exists, so two processes starting together keep the first one's.
    writeFileSync(file, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  let secret = readFileSync(file, 'utf8').trim();
  // A process that lost the creation race may read before the winner's bytes land.
  for (let attempt = 0; secret.length < 32 && attempt < 50; attempt += 1) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    secret = readFileSync(file, 'utf8').trim();
  }
  if (secret.length < 32) throw new Error(`${file} holds no usable secret (32+ characters); remove it`);
  return secret;
}
