import { createHash } from 'node:crypto';
import { readOrCreateSecret } from './secrets.js';

/**
 * SEALED_BID_KEYS, the key-encryption keys that wrap every sealed-bid project's data key:
 * `id:base64key[,id:base64key…]`, each key 32 bytes, the first current (the format of
 * KeyRing.fromSetting in libs/sealed-bids, which parses it once the config has passed this).
 */
export const SEALED_BID_KEYS_FORMAT =
  'id:base64key[,id:base64key…] with ids of A–Z a–z 0–9 _ - and 32-byte keys';

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KEY_BYTES = 32;

/**
 * What is wrong with a setting, entry by entry. Entries are named by position, never by their
 * text: a mistyped entry may be the key itself (an id left out, the halves swapped).
 */
export function sealedBidKeysProblems(setting: string): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  setting.split(',').forEach((entry, index) => {
    const name = `entry #${index + 1}`;
    const separator = entry.indexOf(':');
    if (separator <= 0) return problems.push(`${name} is not id:base64key`);
    const id = entry.slice(0, separator).trim();
    const encoded = entry.slice(separator + 1).trim();
    if (!KEY_ID.test(id)) return problems.push(`${name}: the id is 1–32 of A–Z a–z 0–9 _ -`);
    if (ids.has(id)) return problems.push(`${name}: its id is listed before`);
    ids.add(id);
    if (!BASE64.test(encoded) || Buffer.from(encoded, 'base64').length !== KEY_BYTES)
      problems.push(`${name}: the key is not ${KEY_BYTES} bytes in base64`);
  });
  return problems;
}

/** The key id of the ring generated for an installation without SEALED_BID_KEYS (never production). */
export const INSTALLATION_KEK_ID = 'installation';
/** The installation's secret under DATA_DIR that the generated ring's key is derived from. */
export const INSTALLATION_KEK_FILE = 'sealed-bid-kek';

/**
 * A one-key ring from an installation secret. The secret is readOrCreateSecret's (48 random
 * bytes as text, created once, mode 600, race-free): hashing it with SHA-256 gives a uniform
 * 32-byte key without a second file format to create and check.
 */
export function sealedBidKeysFromSecret(secret: string): string {
  return `${INSTALLATION_KEK_ID}:${createHash('sha256').update(secret, 'utf8').digest('base64')}`;
}

/** The setting as given, or (outside production; config refuses its absence there) the installation's. */
export function resolveSealedBidKeys(env: { SEALED_BID_KEYS?: string; DATA_DIR: string }): string {
  return (
    env.SEALED_BID_KEYS ?? sealedBidKeysFromSecret(readOrCreateSecret(env.DATA_DIR, INSTALLATION_KEK_FILE))
  );
}
