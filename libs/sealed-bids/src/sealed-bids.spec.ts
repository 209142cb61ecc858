import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { DomainError, type ErrorCode } from '@ggzy/domain';
import { KeyRing } from './key-ring.js';
import {
  type BidContent,
  BidSealer,
  type SealedBid,
  type WrappedDataKey,
  openSealedBid,
} from './sealed-bids.js';

const KEK_A = randomBytes(32);
const KEK_B = randomBytes(32);
const ring = new KeyRing([{ id: 'kek-2026', key: KEK_A }]);
const sealer = new BidSealer(ring);

const PROJECT = 'project-1';
const BIDDER = 'bidder-1';
/** A price that is easy to find in any text: it must never appear in an error. */
const PRICE = 1234567891;
const CONTENT: BidContent = {
  price: PRICE,
  documents: [
    { name: '投标函.pdf', sha256: 'a1'.repeat(32) },
    { name: '技术标.pdf', sha256: 'b2'.repeat(32) },
  ],
};
const OPENS_AT = new Date('2026-12-01T01:30:00Z');
const AFTER = new Date('2026-12-01T01:30:00Z');
const BEFORE = new Date('2026-12-01T01:29:59.999Z');

function refusal(attempt: () => unknown): { code: ErrorCode; message: string; details: unknown } | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

/** Nothing a caller can see of a refusal (message, details, stack) holds the price or a hash. */
function expectNoSecrets(result: unknown): void {
  const text = JSON.stringify(result) + inspect(result);
  expect(text).not.toContain(String(PRICE));
  expect(text).not.toContain('a1'.repeat(32));
  expect(text).not.toContain(KEK_A.toString('base64'));
}

const flip = (base64: string, index = 0) => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] ^= 0x01;
  return bytes.toString('base64');
};

describe('seal and open', () => {
  const wrapped = sealer.createProjectKey(PROJECT);
  const sealed = sealer.seal(wrapped, { projectId: PROJECT, bidderId: BIDDER }, CONTENT);

  it('round-trips the price and the document hashes once the opening has come', () => {
    const key = sealer.unwrapForOpening(wrapped, { projectId: PROJECT, opensAt: OPENS_AT, now: AFTER });
    expect(openSealedBid(sealed, key, { projectId: PROJECT, bidderId: BIDDER })).toEqual(CONTENT);
  });

  it('stores no plaintext: neither the price nor a hash appears in the sealed bid or the wrapped key', () => {
    const stored = JSON.stringify({ sealed, wrapped });
    expect(stored).not.toContain(String(PRICE));
    expect(stored).not.toContain('a1'.repeat(32));
    expect(stored).not.toContain('投标函');
    expect(sealed.keyId).toBe(wrapped.keyId);
    expect(wrapped.kekId).toBe('kek-2026');
  });

  it('uses a fresh IV for every seal: the same bid sealed twice differs', () => {
    const again = sealer.seal(wrapped, { projectId: PROJECT, bidderId: BIDDER }, CONTENT);
    expect(again.iv).not.toBe(sealed.iv);
    expect(again.ciphertext).not.toBe(sealed.ciphertext);
  });

  it('gives every project its own data key', () => {
    const other = sealer.createProjectKey('project-2');
    const keyA = sealer.unwrapForOpening(wrapped, { projectId: PROJECT, opensAt: OPENS_AT, now: AFTER });
    const keyB = sealer.unwrapForOpening(other, { projectId: 'project-2', opensAt: OPENS_AT, now: AFTER });
    expect(keyA.equals(keyB)).toBe(false);
    expect(other.keyId).not.toBe(wrapped.keyId);
  });
});

describe('unwrapForOpening: sealed until the opening, by the database’s clock', () => {
  const wrapped = sealer.createProjectKey(PROJECT);

  it.each<[string, Date, ErrorCode | undefined]>([
    ['a millisecond before', BEFORE, 'SEALED_UNTIL_OPENING'],
    ['a day before', new Date('2026-11-30T01:30:00Z'), 'SEALED_UNTIL_OPENING'],
    ['at the opening', AFTER, undefined],
    ['after it', new Date('2026-12-02T00:00:00Z'), undefined],
  ])('%s → %s', (_name, now, code) => {
    const result = refusal(() =>
      sealer.unwrapForOpening(wrapped, { projectId: PROJECT, opensAt: OPENS_AT, now }),
    );
    expect(result?.code).toBe(code);
    if (code) {
      expect(result?.details).toEqual({ opensAt: OPENS_AT.toISOString() });
      expectNoSecrets(result);
    }
  });

  it('refuses invalid instants with VALIDATION_FAILED', () => {
    expect(
      refusal(() =>
        sealer.unwrapForOpening(wrapped, { projectId: PROJECT, opensAt: new Date('x'), now: AFTER }),
      )?.code,
    ).toBe('VALIDATION_FAILED');
  });
});

describe('tampering is detected (SEALED_BID_TAMPERED), with nothing secret in the refusal', () => {
  const wrapped = sealer.createProjectKey(PROJECT);
  const sealed = sealer.seal(wrapped, { projectId: PROJECT, bidderId: BIDDER }, CONTENT);
  const key = sealer.unwrapForOpening(wrapped, { projectId: PROJECT, opensAt: OPENS_AT, now: AFTER });

  it.each<[string, SealedBid, { projectId: string; bidderId: string }]>([
    [
      'a changed ciphertext byte',
      { ...sealed, ciphertext: flip(sealed.ciphertext, 5) },
      { projectId: PROJECT, bidderId: BIDDER },
    ],
    ['a changed tag', { ...sealed, tag: flip(sealed.tag) }, { projectId: PROJECT, bidderId: BIDDER }],
    ['a changed IV', { ...sealed, iv: flip(sealed.iv) }, { projectId: PROJECT, bidderId: BIDDER }],
    ['a truncated tag', { ...sealed, tag: sealed.tag.slice(0, 8) }, { projectId: PROJECT, bidderId: BIDDER }],
    [
      'a truncated ciphertext',
      { ...sealed, ciphertext: Buffer.from(sealed.ciphertext, 'base64').subarray(1).toString('base64') },
      { projectId: PROJECT, bidderId: BIDDER },
    ],
    ['the bid moved to another project', sealed, { projectId: 'project-2', bidderId: BIDDER }],
    ['the bid moved to another bidder', sealed, { projectId: PROJECT, bidderId: 'bidder-2' }],
    [
      'another bidder’s ciphertext under this bidder',
      { ...sealer.seal(wrapped, { projectId: PROJECT, bidderId: 'bidder-2' }, CONTENT) },
      { projectId: PROJECT, bidderId: BIDDER },
    ],
  ])('%s', (_name, candidate, owner) => {
    const result = refusal(() => openSealedBid(candidate, key, owner));
    expect(result?.code).toBe('SEALED_BID_TAMPERED');
    expectNoSecrets(result);
  });

  it('a bid opened with another project’s key fails', () => {
    const other = sealer.createProjectKey('project-2');
    const otherKey = sealer.unwrapForOpening(other, {
      projectId: 'project-2',
      opensAt: OPENS_AT,
      now: AFTER,
    });
    expect(
      refusal(() => openSealedBid(sealed, otherKey, { projectId: PROJECT, bidderId: BIDDER }))?.code,
    ).toBe('SEALED_BID_TAMPERED');
  });

  it.each<[string, WrappedDataKey, string]>([
    ['a wrapped key moved to another project', wrapped, 'project-2'],
    [
      'a wrapped key with a changed ciphertext',
      { ...wrapped, ciphertext: flip(wrapped.ciphertext, 3) },
      PROJECT,
    ],
    ['a wrapped key with a changed tag', { ...wrapped, tag: flip(wrapped.tag) }, PROJECT],
    ['a wrapped key under another key id', { ...wrapped, keyId: 'someone-else' }, PROJECT],
  ])('%s fails to unwrap (at the opening and for sealing)', (_name, candidate, projectId) => {
    expect(
      refusal(() => sealer.unwrapForOpening(candidate, { projectId, opensAt: OPENS_AT, now: AFTER }))?.code,
    ).toBe('SEALED_BID_TAMPERED');
    expect(refusal(() => sealer.seal(candidate, { projectId, bidderId: BIDDER }, CONTENT))?.code).toBe(
      'SEALED_BID_TAMPERED',
    );
  });
});

describe('the key-encryption key comes from configuration and rotates', () => {
  it('unwraps a project wrapped by the old KEK after rotation, and wraps new ones with the new', () => {
    const old = sealer.createProjectKey(PROJECT);
    const sealed = sealer.seal(old, { projectId: PROJECT, bidderId: BIDDER }, CONTENT);
    const rotated = new BidSealer(
      KeyRing.fromSetting(`kek-2027:${KEK_B.toString('base64')},kek-2026:${KEK_A.toString('base64')}`),
    );
    const key = rotated.unwrapForOpening(old, { projectId: PROJECT, opensAt: OPENS_AT, now: AFTER });
    expect(openSealedBid(sealed, key, { projectId: PROJECT, bidderId: BIDDER })).toEqual(CONTENT);
    expect(rotated.createProjectKey('project-3').kekId).toBe('kek-2027');
  });

  it('a ring without the project’s KEK cannot open it (a configuration error, not a client one)', () => {
    const wrapped = sealer.createProjectKey(PROJECT);
    const stranger = new BidSealer(new KeyRing([{ id: 'kek-2027', key: KEK_B }]));
    expect(() =>
      stranger.unwrapForOpening(wrapped, { projectId: PROJECT, opensAt: OPENS_AT, now: AFTER }),
    ).toThrow(/no key-encryption key "kek-2026"/);
  });

  it('a KEK with the right id but other bytes fails as tampered', () => {
    const wrapped = sealer.createProjectKey(PROJECT);
    const impostor = new BidSealer(new KeyRing([{ id: 'kek-2026', key: KEK_B }]));
    expect(
      refusal(() => impostor.unwrapForOpening(wrapped, { projectId: PROJECT, opensAt: OPENS_AT, now: AFTER }))
        ?.code,
    ).toBe('SEALED_BID_TAMPERED');
  });

  it('never prints its keys: inspect, JSON and string give the ids only', () => {
    const printed = [inspect(ring), JSON.stringify(ring), String(ring), inspect({ nested: { ring } })].join(
      '\n',
    );
    expect(printed).not.toContain(KEK_A.toString('base64'));
    expect(printed).not.toContain(KEK_A.toString('hex'));
    expect(printed).toContain('kek-2026');
  });

  it.each<[string, string, RegExp]>([
    ['an empty setting', '', /empty/],
    ['no id', `:${KEK_A.toString('base64')}`, /not id:base64key/],
    ['a short key', `k1:${randomBytes(16).toString('base64')}`, /32 bytes/],
    ['not base64', 'k1:not base64!', /not base64/],
    ['an id twice', `k1:${KEK_A.toString('base64')},k1:${KEK_B.toString('base64')}`, /twice/],
    ['a bad id', `k 1:${KEK_A.toString('base64')}`, /id is/],
  ])('refuses %s, naming the problem but not the key', (_name, setting, message) => {
    let thrown: Error | undefined;
    try {
      KeyRing.fromSetting(setting);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toMatch(message);
    expect(thrown?.message).not.toContain(KEK_A.toString('base64'));
  });
});

describe('sealing refuses malformed bids without echoing them', () => {
  const wrapped = sealer.createProjectKey(PROJECT);
  it.each<[string, BidContent]>([
    ['a fractional price', { ...CONTENT, price: PRICE + 0.5 }],
    ['a negative price', { ...CONTENT, price: -PRICE }],
    ['a bad hash', { ...CONTENT, documents: [{ name: 'x.pdf', sha256: String(PRICE) }] }],
    ['an unnamed document', { ...CONTENT, documents: [{ name: '', sha256: 'a1'.repeat(32) }] }],
  ])('%s → VALIDATION_FAILED', (_name, content) => {
    const result = refusal(() => sealer.seal(wrapped, { projectId: PROJECT, bidderId: BIDDER }, content));
    expect(result?.code).toBe('VALIDATION_FAILED');
    expectNoSecrets(result);
  });

  it.each([[''], ['a/b']])('refuses the id %j', (projectId) => {
    expect(refusal(() => sealer.seal(wrapped, { projectId, bidderId: BIDDER }, CONTENT))?.code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
