import { createHash } from 'node:crypto';
import {
  SEALED_BID_STEPS,
  type SealedBidAction,
  type SealedBidState,
  sealedBidReceipt,
  sealedBidStep,
  sealingScope,
} from './sealed-bid-rules.js';

describe('sealedBidStep: every state × action', () => {
  it.each([
    [null, 'submit', 'submitted'],
    ['submitted', 'submit', 'submitted'],
    ['withdrawn', 'submit', 'submitted'],
    [null, 'withdraw', null],
    ['submitted', 'withdraw', 'withdrawn'],
    ['withdrawn', 'withdraw', null],
  ] as [SealedBidState | null, SealedBidAction, SealedBidState | null][])(
    'from %s, %s → %s',
    (from, action, to) => {
      expect(sealedBidStep(from, action)).toBe(to);
    },
  );

  it('the table covers every pair the cases above check', () => {
    expect(Object.values(SEALED_BID_STEPS).flatMap((row) => Object.keys(row))).toHaveLength(6);
  });
});

describe('sealedBidReceipt', () => {
  const bytes = (text: string) => Buffer.from(text).toString('base64');
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');

  it.each([
    [
      'ciphertext, IV, tag as bytes in that order',
      { ciphertext: bytes('c'), iv: bytes('i'), tag: bytes('t') },
      sha('cit'),
    ],
    [
      'another order of the same bytes differs',
      { ciphertext: bytes('i'), iv: bytes('c'), tag: bytes('t') },
      sha('ict'),
    ],
    ['an empty ciphertext', { ciphertext: '', iv: bytes('iv'), tag: bytes('tag') }, sha('ivtag')],
  ])('%s', (_name, sealed, expected) => {
    expect(sealedBidReceipt(sealed)).toBe(expected);
    expect(sealedBidReceipt(sealed)).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('sealingScope', () => {
  it.each([
    [{ hostType: 'tender_project', hostId: 'a' }, 'tender_project:a'],
    [{ hostType: 'procurement_project', hostId: 'a' }, 'procurement_project:a'],
  ])('%o → %s', (host, scope) => {
    expect(sealingScope(host)).toBe(scope);
  });
});
