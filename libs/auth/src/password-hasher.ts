import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { argon2id, argon2Verify } from 'hash-wasm';

/*
 * argon2id in WebAssembly: no native build, so it runs wherever Node.js does (the native
 * argon2 package's prebuilt binary needs Node-API 10 and crashes Node 20). Parameters are
 * OWASP's recommended minimum (19 MiB, 2 passes, 1 lane); hashes are standard PHC strings.
 */
const PARAMETERS = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32 } as const;

@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return argon2id({ ...PARAMETERS, password, salt: randomBytes(16), outputType: 'encoded' });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2Verify({ password, hash });
    } catch {
      return false;
    }
  }
}
