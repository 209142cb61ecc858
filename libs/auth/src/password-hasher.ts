import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/*
 * argon2id through the native `argon2` binding. It hashes on libuv's thread pool, so a flood of
 * sign-ins or registrations never blocks the event loop that serves bids, and the pool's size
 * (UV_THREADPOOL_SIZE, 4 by default) bounds how many hashes run at once. On Node.js 24 its
 * prebuilt binary loads as shipped (no compiler, no install script); it is about 3× faster here
 * than the WebAssembly build used while the platform ran on Node 20. Parameters are OWASP's
 * recommended minimum (19 MiB, 2 passes, 1 lane); hashes are standard PHC strings, so hashes
 * written by the WebAssembly build verify unchanged.
 */
const PARAMETERS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  hashLength: 32,
} as const;

@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return argon2.hash(password, PARAMETERS);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
