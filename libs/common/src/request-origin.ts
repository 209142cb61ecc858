import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { DomainError, isDeviceFingerprint } from '@ggzy/domain';

/**
 * Where a request came from, as early warning (预警) records it with every registration and bid:
 * the client address (clientAddress: TRUST_PROXY hops, an IPv6 address by its /64) and the
 * SHA-256 of the device fingerprint the web app sends. Supervisor-only facts: stored in columns no
 * entity maps, never logged (the header and the handshake field are redacted).
 */
export interface RequestOrigin {
  clientAddress: string | null;
  /** The fingerprint's SHA-256 (hex): the raw id stays with the browser. */
  deviceFingerprint: string | null;
}

/** The header the web app sends on every API call; the socket sends it as `auth.deviceFingerprint`. */
export const DEVICE_FINGERPRINT_HEADER = 'x-device-fingerprint';

export const UNKNOWN_ORIGIN: RequestOrigin = Object.freeze({ clientAddress: null, deviceFingerprint: null });

/**
 * The fingerprint as stored: absent → null; a well-formed one → its SHA-256; anything else →
 * DEVICE_FINGERPRINT_INVALID (400), before the request does anything.
 */
export function deviceFingerprintKey(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (!isDeviceFingerprint(raw))
    throw new DomainError(
      'DEVICE_FINGERPRINT_INVALID',
      'the device fingerprint must be 16–128 characters of A–Z, a–z, 0–9, _ and -',
    );
  return createHash('sha256').update(raw).digest('hex');
}

const origins = new AsyncLocalStorage<RequestOrigin>();

/** Runs `work` (a request's handling) with its origin in reach of the services it calls. */
export function runWithOrigin<T>(origin: RequestOrigin, work: () => T): T {
  return origins.run(origin, work);
}

/**
 * The origin of the request being handled: the shared steps (a registration, a sealed bid) read
 * it here rather than through every line's signatures. Outside a request (the worker, the CLI):
 * unknown.
 */
export function currentOrigin(): RequestOrigin {
  return origins.getStore() ?? UNKNOWN_ORIGIN;
}
