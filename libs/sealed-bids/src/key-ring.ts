import { inspect } from 'node:util';

/**
 * The key-encryption keys (KEK) that wrap every project's data key. They come from configuration
 * only (one validated setting, read once at boot) — never from the database, where the wrapped
 * data keys and the sealed bids live, and never into a log: the ring prints as its key ids.
 *
 * Setting format: `id:base64key[,id:base64key…]`, each key 32 random bytes; the first is current
 * (new projects are wrapped with it), the others only unwrap older projects (rotation).
 */
export interface KeyEncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
export const KEK_BYTES = 32;

export class KeyRing {
  private readonly keys: ReadonlyMap<string, Buffer>;
  readonly currentId: string;

  constructor(keys: readonly KeyEncryptionKey[]) {
    if (keys.length === 0) throw new Error('the key ring needs at least one key-encryption key');
    const map = new Map<string, Buffer>();
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id))
        throw new Error(`a key-encryption key id is 1–32 of A–Z a–z 0–9 _ -: ${JSON.stringify(id)}`);
      if (map.has(id)) throw new Error(`key-encryption key ${id} is listed twice`);
      if (!Buffer.isBuffer(key) || key.length !== KEK_BYTES)
        throw new Error(`key-encryption key ${id} must be ${KEK_BYTES} bytes`);
      map.set(id, Buffer.from(key));
    }
    this.keys = map;
    this.currentId = keys[0].id;
  }

  /** Parses the configuration setting; the message names the problem, never the key material. */
  static fromSetting(setting: string): KeyRing {
    if (typeof setting !== 'string' || setting.trim().length === 0)
      throw new Error('the key-encryption key setting is empty');
    const keys = setting.split(',').map((entry, index) => {
      const separator = entry.indexOf(':');
      if (separator <= 0) throw new Error(`key-encryption key #${index + 1} is not id:base64key`);
      const id = entry.slice(0, separator).trim();
      const encoded = entry.slice(separator + 1).trim();
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new Error(`key-encryption key ${id} is not base64`);
      return { id, key: Buffer.from(encoded, 'base64') };
    });
    return new KeyRing(keys);
  }

  get current(): KeyEncryptionKey {
    return { id: this.currentId, key: this.keys.get(this.currentId)! };
  }

  byId(id: string): KeyEncryptionKey | undefined {
    const key = this.keys.get(id);
    return key ? { id, key } : undefined;
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }

  toJSON(): unknown {
    return { keyIds: this.ids };
  }

  toString(): string {
    return `KeyRing(${this.ids.join(', ')})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
