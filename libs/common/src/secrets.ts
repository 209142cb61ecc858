import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A secret generated once per installation and kept in `<dataDir>/<name>` (mode 600), so
 * every process of the installation (api, gateway, worker, CLI) reads the same one and no
 * public default exists. Production names its secrets explicitly instead.
 */
export function readOrCreateSecret(dataDir: string, name: string): string {
  const root = resolve(dataDir);
  const file = join(root, name);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  createOnce(file);
  return readOwnSecret(file);
}

/**
 * Writes the whole secret to a private temporary file, then links it into place: the link
 * either appears complete or fails with EEXIST, so processes starting together all end up
 * reading the first one's secret and none can read it half written.
 */
function createOnce(file: string): void {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** Only a regular file of ours that nobody else can read is trusted; a symbolic link is not followed. */
function readOwnSecret(file: string): string {
  let descriptor: number;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw new Error(`${file} is a symbolic link; remove it`, { cause: error });
    throw error;
  }
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) throw new Error(`${file} is not a regular file; remove it`);
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid())
      throw new Error(`${file} belongs to another user; remove it`);
    if ((stat.mode & 0o077) !== 0)
      throw new Error(
        `${file} can be read by other users (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`,
      );
    const secret = readFileSync(descriptor, 'utf8').trim();
    if (secret.length < 32) throw new Error(`${file} holds no usable secret (32+ characters); remove it`);
    return secret;
  } finally {
    closeSync(descriptor);
  }
}
