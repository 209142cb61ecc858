import { AUDIT_GENESIS_HASH, type ChainedEntry, auditEntryHash, verifyAuditChain } from './audit-chain.js';

const PAYLOADS = [
  '{"type":"listing.published","listingId":"L1"}',
  '{"type":"bid.accepted","amount":100000}',
  '{"type":"bid.accepted","amount":105000}',
  '{"type":"bid.accepted","amount":110000,"note":"含中文"}',
  '{"type":"listing.sold","amount":110000}',
];

/** Builds a correct chain with seq 1..n from the genesis hash. */
function buildChain(payloads: string[], from = { seq: 0, hash: AUDIT_GENESIS_HASH }): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  let prevHash = from.hash;
  payloads.forEach((payload, i) => {
    const seq = from.seq + i + 1;
    const hash = auditEntryHash(prevHash, seq, payload);
    entries.push({ seq, prevHash, hash, payload });
    prevHash = hash;
  });
  return entries;
}

describe('AUDIT_GENESIS_HASH', () => {
  it('is 64 zero hex digits, the width of a SHA-256 digest', () => {
    expect(AUDIT_GENESIS_HASH).toMatch(/^0{64}$/);
  });
});

describe('auditEntryHash', () => {
  it('is SHA-256 of "prevHash|seq|payload" as hex', () => {
    // Computed outside Node: printf '%s' "$(printf '0%.0s' $(seq 64))|1|hello" | sha256sum
    expect(auditEntryHash(AUDIT_GENESIS_HASH, 1, 'hello')).toBe(
      '6130b8b5d9c0ba55e3a01722e941d558c5f232f1fe0fd7ed9b6e4c20e85af5cc',
    );
  });

  const base: [string, number, string] = [AUDIT_GENESIS_HASH, 1, 'hello'];
  it.each<[string, [string, number, string]]>([
    ['a different prevHash', ['f'.repeat(64), 1, 'hello']],
    ['a different seq', [AUDIT_GENESIS_HASH, 2, 'hello']],
    ['a different payload', [AUDIT_GENESIS_HASH, 1, 'hellO']],
    ['an empty payload', [AUDIT_GENESIS_HASH, 1, '']],
    ['a payload with a trailing space', [AUDIT_GENESIS_HASH, 1, 'hello ']],
  ])('changes with %s', (_name, args) => {
    const hash = auditEntryHash(...args);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(auditEntryHash(...base));
  });

  it('is deterministic', () => {
    expect(auditEntryHash(...base)).toBe(auditEntryHash(...base));
  });
});

describe('verifyAuditChain', () => {
  const chain = buildChain(PAYLOADS);

  it('accepts a valid chain of 5 entries', () => {
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(chain[0].prevHash).toBe(AUDIT_GENESIS_HASH);
    expect(verifyAuditChain(chain)).toEqual({ valid: true, entries: 5 });
  });

  it.each<[string, ChainedEntry[], number]>([
    ['an empty chain', [], 0],
    ['the first entry alone', chain.slice(0, 1), 1],
    ['a prefix of 3', chain.slice(0, 3), 3],
  ])('accepts %s', (_name, entries, count) => {
    expect(verifyAuditChain(entries)).toEqual({ valid: true, entries: count });
  });

  it('accepts any iterable, e.g. a generator', () => {
    function* stream(): Generator<ChainedEntry> {
      yield* chain;
    }
    expect(verifyAuditChain(stream())).toEqual({ valid: true, entries: 5 });
  });

  type Tamper = (entries: ChainedEntry[]) => ChainedEntry[];
  const edit =
    (seq: number, patch: Partial<ChainedEntry>): Tamper =>
    (entries) =>
      entries.map((e) => (e.seq === seq ? { ...e, ...patch } : e));

  it.each<[string, Tamper, number, RegExp]>([
    ['payload of entry 3 altered', edit(3, { payload: PAYLOADS[2].replace('105000', '1') }), 3, /payload/],
    ['payload of entry 1 altered', edit(1, { payload: '' }), 1, /payload/],
    ['payload of the last entry altered', edit(5, { payload: PAYLOADS[4] + ' ' }), 5, /payload/],
    ['hash of entry 3 replaced', edit(3, { hash: 'a'.repeat(64) }), 3, /payload/],
    ['hash of entry 5 replaced', edit(5, { hash: AUDIT_GENESIS_HASH }), 5, /payload/],
    [
      // An attacker who rewrites entry 3 and recomputes its hash is caught by entry 4.
      'entry 3 rewritten with a recomputed hash',
      (entries) =>
        entries.map((e) =>
          e.seq === 3 ? { ...e, payload: 'forged', hash: auditEntryHash(e.prevHash, 3, 'forged') } : e,
        ),
      4,
      /prevHash/,
    ],
    ['prevHash of entry 3 replaced', edit(3, { prevHash: 'b'.repeat(64) }), 3, /prevHash/],
    ['prevHash of entry 1 is not the genesis hash', edit(1, { prevHash: 'c'.repeat(64) }), 1, /prevHash/],
    [
      // Entry 3 carries entry 1's hash as its predecessor, i.e. entry 2 was spliced out of the links.
      'prevHash of entry 3 points to entry 1',
      (entries) => entries.map((e) => (e.seq === 3 ? { ...e, prevHash: entries[0].hash } : e)),
      3,
      /prevHash/,
    ],
    ['entry 3 removed (skipped seq)', (entries) => entries.filter((e) => e.seq !== 3), 4, /expected seq 3/],
    ['entry 1 removed', (entries) => entries.slice(1), 2, /expected seq 1/],
    [
      'entries 3 and 4 swapped',
      (entries) => [entries[0], entries[1], entries[3], entries[2], entries[4]],
      4,
      /expected seq 3/,
    ],
    [
      'entry 2 duplicated',
      (entries) => [entries[0], entries[1], entries[1], ...entries.slice(2)],
      2,
      /expected seq 3/,
    ],
    ['seq of entry 3 renumbered to 30', edit(3, { seq: 30 }), 30, /expected seq 3/],
  ])('%s → broken at seq %d', (_name, tamper, brokenAtSeq, reason) => {
    const tampered = tamper(chain);
    const result = verifyAuditChain(tampered);
    expect(result).toEqual({ valid: false, brokenAtSeq, reason: expect.stringMatching(reason) });
    // The untouched chain is still valid: the tamper function did not mutate it.
    expect(verifyAuditChain(chain)).toEqual({ valid: true, entries: 5 });
  });

  describe('from a checkpoint', () => {
    const checkpoint = { seq: chain[1].seq, hash: chain[1].hash }; // after entry 2
    const rest = chain.slice(2); // entries 3, 4, 5

    it('verifies only the entries after the checkpoint', () => {
      expect(verifyAuditChain(rest, checkpoint)).toEqual({ valid: true, entries: 3 });
    });

    it('accepts an empty tail', () => {
      expect(verifyAuditChain([], { seq: chain[4].seq, hash: chain[4].hash })).toEqual({
        valid: true,
        entries: 0,
      });
    });

    it('accepts a chain built on top of an arbitrary checkpoint', () => {
      const from = { seq: 1000, hash: 'd'.repeat(64) };
      const tail = buildChain(['x', 'y'], from);
      expect(tail.map((e) => e.seq)).toEqual([1001, 1002]);
      expect(verifyAuditChain(tail, from)).toEqual({ valid: true, entries: 2 });
    });

    it.each<[string, ChainedEntry[], { seq: number; hash: string }, number, RegExp]>([
      ['checkpoint hash does not match', rest, { seq: 2, hash: chain[0].hash }, 3, /prevHash/],
      [
        'checkpoint seq too low (entry 2 missing)',
        rest,
        { seq: 1, hash: chain[1].hash },
        3,
        /expected seq 2/,
      ],
      ['checkpoint seq too high', rest, { seq: 3, hash: chain[1].hash }, 3, /expected seq 4/],
      ['tail starts with the checkpoint entry itself', chain.slice(1), checkpoint, 2, /expected seq 3/],
      ['the whole chain from seq 1 is not a tail of entry 2', chain, checkpoint, 1, /expected seq 3/],
      [
        'tampered payload after the checkpoint',
        rest.map((e) => (e.seq === 4 ? { ...e, payload: 'forged' } : e)),
        checkpoint,
        4,
        /payload/,
      ],
    ])('%s → broken at seq %d', (_name, entries, from, brokenAtSeq, reason) => {
      expect(verifyAuditChain(entries, from)).toEqual({
        valid: false,
        brokenAtSeq,
        reason: expect.stringMatching(reason),
      });
    });

    it('does not look at entries before the checkpoint: a broken prefix is irrelevant', () => {
      const broken = edit(1, { payload: 'forged' })(chain);
      expect(verifyAuditChain(broken).valid).toBe(false);
      expect(verifyAuditChain(broken.slice(2), checkpoint)).toEqual({ valid: true, entries: 3 });
    });
  });
});
