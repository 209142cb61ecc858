import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Issue 5 §3: password hashing has bounded concurrency — never more than UV_THREADPOOL_SIZE
 * argon2id hashes at once, however many sign-ins or registrations arrive together.
 *
 * Measured by memory, not by time (the machine is shared, so wall time proves little): each
 * hash holds its own 19 MiB of argon2 blocks while it runs and gives them back when it is done,
 * so the process's peak resident size (VmHWM) grows by 19 MiB for every hash in flight at once.
 * A fresh process per pool size runs the built PasswordHasher: one hash to warm up (its memory
 * stays with the allocator and is reused by the next hash), then 16 at once.
 */
const HASHER = join(process.cwd(), 'dist/libs/auth/src/password-hasher.js');
const HASH_MIB = 19_456 / 1024;
const SCRIPT = `
  import { readFileSync } from 'node:fs';
  const { PasswordHasher } = await import(${JSON.stringify(HASHER)});
  const peakMiB = () => Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
  const hasher = new PasswordHasher();
  await hasher.hash('warm-up-password-1');
  const before = peakMiB();
  const hashes = await Promise.all(Array.from({ length: 16 }, (_, i) => hasher.hash('password-' + i)));
  if (new Set(hashes).size !== 16 || !hashes.every((hash) => hash.startsWith('$argon2id$'))) throw new Error('bad hashes');
  console.log(JSON.stringify({ growthMiB: peakMiB() - before }));
`;

async function peakGrowthMiB(poolSize: number): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(poolSize) },
  });
  return (JSON.parse(stdout.trim()) as { growthMiB: number }).growthMiB;
}

/** Hashes in flight at the peak: the warm-up's memory covers one of them. */
const inFlight = (growthMiB: number) => Math.round(growthMiB / HASH_MIB) + 1;

it.each([2, 4])(
  '16 concurrent hashes with UV_THREADPOOL_SIZE=%i never run more than that many at once',
  async (pool) => {
    const growth = await peakGrowthMiB(pool);
    // At most `pool` at once (half a hash of slack for the allocator's own bookkeeping)...
    expect(growth).toBeLessThan((pool - 1 + 0.5) * HASH_MIB);
    // ...and the 16 did fill the pool: the measure sees hashes in flight, so it can fail.
    expect(inFlight(growth)).toBe(pool);
  },
);
