import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Test } from '@nestjs/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { CoreModule, createLogger } from '../libs/common/src/index.js';
import { DomainError } from '../libs/domain/src/index.js';
import { PersistenceModule } from '../libs/persistence/src/index.js';
import {
  type BidContent,
  BidSealer,
  KeyRing,
  SEALED_BID_KEY_RING,
  type SealedBidHost,
  SealedBidsModule,
  SealedBidsService,
  sealedBidReceipt,
  sealingScope,
} from '../libs/sealed-bids/src/index.js';
import { DataSource as DataSourceToken } from 'typeorm';
import { queryRows, tableContents } from './support/checks.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';

/**
 * SealedBidsService against PostgreSQL as the app role, wired by SealedBidsModule: submit,
 * replace, withdraw and resubmit; the opening exactly once, refused before its time; tampered
 * rows opened as invalid; and confidentiality at rest — no table, audit entry or log line holds
 * a price, a document hash or a data key before the opening.
 */
let env: TestEnvironment;
let service: SealedBidsService;
let dataSource: DataSource;
let ring: KeyRing;
const logLines: string[] = [];

const PRICE = 7_654_321;
const HASH = createHash('sha256').update('投标文件-商务标').digest('hex');
const DOC_NAME = '商务标.pdf';
/** Used only by the confidentiality test (never opened), and easy to find in any text. */
const SECRET_PRICE = 123456789;
const SECRET_HASH = createHash('sha256').update('不可外泄').digest('hex');
const SECRET_DOC_NAME = '商务标-保密.pdf';
const content = (price: number, sha256 = HASH, name = DOC_NAME): BidContent => ({
  price,
  documents: [{ name, sha256 }],
});

const OPENS_AT = new Date('2026-12-20T01:30:00.000Z');
const BEFORE = new Date(OPENS_AT.getTime() - 1);
const AT = (offsetMs: number) => new Date(OPENS_AT.getTime() - 3_600_000 + offsetMs);

const tender = (): SealedBidHost => ({ hostType: 'tender_project', hostId: randomUUID() });
const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>) => dataSource.transaction(work);
const owner = (sql: string, params: unknown[] = []) => queryRows(env.config.DATABASE_OWNER_URL, sql, params);

async function createBidder(displayName: string): Promise<string> {
  const [row] = await owner(
    `INSERT INTO users (username, password_hash, display_name, roles) VALUES ($1, 'x', $2, '{bidder}') RETURNING id`,
    [`sb${randomBytes(5).toString('hex')}`, displayName],
  );
  return row.id as string;
}

async function refusal(attempt: Promise<unknown>): Promise<{ code: string; text: string }> {
  try {
    await attempt;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, text: JSON.stringify({ message: error.message, details: error.details }) };
  }
  throw new Error('expected a refusal');
}

const submit = (host: SealedBidHost, bidderId: string, bid: BidContent, at: Date) =>
  inTransaction((manager) => service.submit(manager, host, bidderId, bid, at));
const open = (host: SealedBidHost, now: Date, jobId = `open-${host.hostId}`) =>
  inTransaction((manager) => service.open(manager, host, { opensAt: OPENS_AT, now, jobId }));

beforeAll(async () => {
  env = await createTestEnvironment();
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      CoreModule.forRoot(env.config, createLogger('test', 'trace', destination)),
      PersistenceModule.forRoot('ggzy-test-sealed-bids'),
      SealedBidsModule,
    ],
  }).compile();
  await moduleRef.init();
  service = moduleRef.get(SealedBidsService);
  ring = moduleRef.get(SEALED_BID_KEY_RING);
  dataSource = moduleRef.get(DataSourceToken);
  closeModule = () => moduleRef.close();
});
let closeModule: () => Promise<void> = async () => {};

afterAll(async () => {
  await closeModule();
  await env?.drop();
});

describe('the module', () => {
  it('reads the key ring from SEALED_BID_KEYS and shows it as key ids only', () => {
    expect(ring.ids).toEqual(['test']);
    expect(String(ring)).toBe('KeyRing(test)');
    expect(JSON.stringify({ ring })).not.toContain(env.config.SEALED_BID_KEYS.split(':')[1]);
  });
});

describe('submitting, replacing, withdrawing', () => {
  it('submit → replace (version 2) → withdraw → resubmit (version 3); receipts only, never the content', async () => {
    const host = tender();
    const bidder = await createBidder('甲建设集团');
    await inTransaction((manager) => service.createKey(manager, host));
    await inTransaction((manager) => service.createKey(manager, host)); // idempotent
    expect(await owner(`SELECT 1 FROM sealed_bid_keys WHERE host_id = $1`, [host.hostId])).toHaveLength(1);

    const first = await submit(host, bidder, content(PRICE), AT(0));
    expect(first).toEqual({
      id: expect.any(String),
      version: 1,
      status: 'submitted',
      submittedAt: AT(0),
      receipt: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The receipt is the SHA-256 of what is stored, so the bidder can prove what it submitted.
    const [stored] = await owner(`SELECT ciphertext, iv, tag, receipt FROM sealed_bids WHERE id = $1`, [
      first.id,
    ]);
    expect(sealedBidReceipt(stored as { ciphertext: string; iv: string; tag: string })).toBe(first.receipt);
    expect(JSON.stringify(first)).not.toContain(String(PRICE));

    const second = await submit(host, bidder, content(PRICE + 1), AT(1000));
    expect(second).toMatchObject({ id: first.id, version: 2, status: 'submitted', submittedAt: AT(1000) });
    expect(second.receipt).not.toBe(first.receipt);
    expect(await inTransaction((manager) => service.mine(manager, host, bidder))).toEqual(second);

    const withdrawn = await inTransaction((manager) => service.withdraw(manager, host, bidder, AT(2000)));
    expect(withdrawn).toEqual({ ...second, status: 'withdrawn', withdrawnAt: AT(2000) });
    expect(await service.mine(null, host, bidder)).toEqual(withdrawn);
    expect(
      await owner(`SELECT key_id, iv, tag, ciphertext FROM sealed_bids WHERE id = $1`, [first.id]),
    ).toEqual([{ key_id: null, iv: null, tag: null, ciphertext: null }]);
    expect(await inTransaction((manager) => service.submittedCount(manager, host))).toBe(0);

    const third = await submit(host, bidder, content(PRICE + 2), AT(3000));
    expect(third).toMatchObject({ id: first.id, version: 3, status: 'submitted' });
    expect(await inTransaction((manager) => service.submittedCount(manager, host))).toBe(1);

    const audit = await owner(
      `SELECT action, payload FROM audit_log WHERE entity_type = 'sealed_bid' AND entity_id = $1 ORDER BY seq`,
      [first.id],
    );
    expect(audit.map((entry) => entry.action)).toEqual([
      'sealed_bid.submitted',
      'sealed_bid.submitted',
      'sealed_bid.withdrawn',
      'sealed_bid.submitted',
    ]);
    for (const entry of audit) expect(entry.payload).not.toMatch(/765432\d/);
  });

  it('withdrawing without a submitted bid is SEALED_BID_NOT_FOUND, and changes nothing', async () => {
    const host = tender();
    const bidder = await createBidder('乙');
    const before = await tableContents(env.config.DATABASE_OWNER_URL);
    expect((await refusal(inTransaction((m) => service.withdraw(m, host, bidder, AT(0))))).code).toBe(
      'SEALED_BID_NOT_FOUND',
    );
    await submit(host, bidder, content(PRICE), AT(0));
    await inTransaction((m) => service.withdraw(m, host, bidder, AT(1)));
    const afterOne = await tableContents(env.config.DATABASE_OWNER_URL);
    expect((await refusal(inTransaction((m) => service.withdraw(m, host, bidder, AT(2))))).code).toBe(
      'SEALED_BID_NOT_FOUND',
    );
    expect(await tableContents(env.config.DATABASE_OWNER_URL)).toEqual(afterOne);
    expect(afterOne).not.toEqual(before);
  });

  it.each([
    [
      'a host type that takes no sealed bids',
      { hostType: 'lease_listing', hostId: randomUUID() },
      1,
      'hostType',
    ],
    ['a host id that is no UUID', { hostType: 'tender_project', hostId: 'x' }, 1, 'hostId'],
    ['a price of 0', { hostType: 'tender_project', hostId: randomUUID() }, 0, 'price'],
    ['a fractional price', { hostType: 'tender_project', hostId: randomUUID() }, 1.5, 'price'],
  ] as [string, SealedBidHost, number, string][])(
    'refuses %s with VALIDATION_FAILED, writing nothing',
    async (_name, host, price, field) => {
      const bidder = await createBidder('丙');
      const before = await tableContents(env.config.DATABASE_OWNER_URL);
      const refused = await refusal(submit(host, bidder, content(price), AT(0)));
      expect(refused.code).toBe('VALIDATION_FAILED');
      expect(refused.text).toContain(field);
      expect(await tableContents(env.config.DATABASE_OWNER_URL)).toEqual(before);
    },
  );

  it('refuses a document hash that is not SHA-256 hex, naming the field and not the value', async () => {
    const host = tender();
    const bidder = await createBidder('丁');
    const refused = await refusal(submit(host, bidder, content(PRICE, 'Z'.repeat(64)), AT(0)));
    expect(refused.code).toBe('VALIDATION_FAILED');
    expect(refused.text).toContain('documents[0].sha256');
    expect(refused.text).not.toContain(String(PRICE));
  });
});

describe('the opening', () => {
  it('is refused before opensAt (SEALED_UNTIL_OPENING) with nothing written; at opensAt every price, in order', async () => {
    const host = tender();
    const [a, b, c, d] = await Promise.all(['投标人A', '投标人B', '投标人C', '投标人D'].map(createBidder));
    await submit(host, b, content(2_000_000_00), AT(0));
    await submit(host, a, content(1_000_000_00), AT(1000));
    await submit(host, c, content(3_000_000_00, 'c'.repeat(64), '技术标.pdf'), AT(2000));
    await submit(host, d, content(4_000_000_00), AT(2500));
    await inTransaction((m) => service.withdraw(m, host, d, AT(2600)));
    // b replaces its bid: only the last counts, and it now comes after c.
    await submit(host, b, content(2_500_000_00), AT(3000));

    const before = await tableContents(env.config.DATABASE_OWNER_URL);
    const refused = await refusal(open(host, BEFORE));
    expect(refused.code).toBe('SEALED_UNTIL_OPENING');
    expect(refused.text).not.toMatch(/00000000/);
    expect(await tableContents(env.config.DATABASE_OWNER_URL)).toEqual(before);
    expect(await service.opening(null, host)).toBeNull();

    const record = await open(host, OPENS_AT, 'open-job-1');
    expect(record).toMatchObject({
      ...host,
      openedAt: OPENS_AT,
      openedByJob: 'open-job-1',
      submittedCount: 3,
      validCount: 3,
    });
    expect(
      record.bids.map(({ bidderId, bidderName, price, version, valid, invalidReason }) => ({
        bidderId,
        bidderName,
        price,
        version,
        valid,
        invalidReason,
      })),
    ).toEqual([
      {
        bidderId: a,
        bidderName: '投标人A',
        price: 1_000_000_00,
        version: 1,
        valid: true,
        invalidReason: null,
      },
      {
        bidderId: c,
        bidderName: '投标人C',
        price: 3_000_000_00,
        version: 1,
        valid: true,
        invalidReason: null,
      },
      {
        bidderId: b,
        bidderName: '投标人B',
        price: 2_500_000_00,
        version: 2,
        valid: true,
        invalidReason: null,
      },
    ]);
    expect(record.bids[1].documents).toEqual([{ name: '技术标.pdf', sha256: 'c'.repeat(64) }]);
    expect(record.bids[2].submittedAt).toBe(AT(3000).toISOString());
    // Each bidder can match the record against its receipt.
    expect(record.bids[2].receipt).toBe((await service.mine(null, host, b))!.receipt);
    // After the opening nothing more is submitted or withdrawn.
    expect((await refusal(submit(host, d, content(1), AT(4000)))).code).toBe('SEALED_BIDS_ALREADY_OPENED');
    expect((await refusal(inTransaction((m) => service.withdraw(m, host, a, AT(4000))))).code).toBe(
      'SEALED_BIDS_ALREADY_OPENED',
    );
  });

  it('runs once: a second run (another job, later) returns the same record; one audit entry with counts only', async () => {
    const host = tender();
    for (const [name, price] of [
      ['一', 11],
      ['二', 22],
    ] as const)
      await submit(host, await createBidder(name), content(price * 1_000_003), AT(0));
    const first = await open(host, OPENS_AT, 'job-a');
    const again = await open(host, new Date(OPENS_AT.getTime() + 60_000), 'job-b');
    expect(again).toEqual(first);
    expect(await service.opening(null, host)).toEqual(first);
    const audit = await owner(`SELECT action, payload FROM audit_log WHERE entity_id = $1`, [host.hostId]);
    expect(audit).toHaveLength(1);
    expect(audit[0].action).toBe('sealed_bids.opened');
    expect(JSON.parse(audit[0].payload as string).data).toEqual({
      jobId: 'job-a',
      submittedCount: 2,
      validCount: 2,
      invalidCount: 0,
    });
  });

  it('runs once when two jobs open the same host at the same moment', async () => {
    const host = tender();
    await submit(host, await createBidder('并发'), content(PRICE), AT(0));
    const [one, two] = await Promise.all([open(host, OPENS_AT, 'race-1'), open(host, OPENS_AT, 'race-2')]);
    expect(two).toEqual(one);
    expect(await owner(`SELECT 1 FROM audit_log WHERE entity_id = $1`, [host.hostId])).toHaveLength(1);
    expect(await owner(`SELECT 1 FROM bid_openings WHERE host_id = $1`, [host.hostId])).toHaveLength(1);
  });

  it('with no bids, records an empty opening (the host then fails the project)', async () => {
    const host = { hostType: 'procurement_project' as const, hostId: randomUUID() };
    expect((await refusal(open(host, BEFORE))).code).toBe('SEALED_UNTIL_OPENING');
    const record = await open(host, OPENS_AT);
    expect(record).toMatchObject({ submittedCount: 0, validCount: 0, bids: [] });
  });

  it('opens a tampered row as invalid (tampered) and the others as they were', async () => {
    const host = tender();
    const other = tender();
    const names = ['改密文', '改密文和回执', '换投标人', '搬来的', '完好'];
    const ids = await Promise.all(names.map(createBidder));
    const intruder = await createBidder('冒名者');
    for (const [index, bidder] of ids.entries())
      await submit(index === 3 ? other : host, bidder, content(1_000_000 + index), AT(index * 1000));
    const bidOf = async (bidder: string) =>
      (await owner(`SELECT id, ciphertext, iv, tag FROM sealed_bids WHERE bidder_id = $1`, [bidder]))[0];
    const flipped = (base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[0] ^= 1;
      return bytes.toString('base64');
    };
    // 1. The ciphertext changed, the receipt left as it was.
    const one = await bidOf(ids[0]);
    await owner(`UPDATE sealed_bids SET ciphertext = $2 WHERE id = $1`, [one.id, flipped(one.ciphertext)]);
    // 2. The ciphertext changed and the receipt made to match it: the authentication still fails.
    const two = await bidOf(ids[1]);
    const forged = { ciphertext: flipped(two.ciphertext), iv: two.iv, tag: two.tag };
    await owner(`UPDATE sealed_bids SET ciphertext = $2, receipt = $3 WHERE id = $1`, [
      two.id,
      forged.ciphertext,
      sealedBidReceipt(forged),
    ]);
    // 3. A bid handed to another bidder.
    await owner(`UPDATE sealed_bids SET bidder_id = $2 WHERE bidder_id = $1`, [ids[2], intruder]);
    // 4. A bid moved in from another host.
    await owner(`UPDATE sealed_bids SET host_id = $2 WHERE bidder_id = $1`, [ids[3], host.hostId]);

    const record = await open(host, OPENS_AT);
    expect(record.submittedCount).toBe(5);
    expect(record.validCount).toBe(1);
    expect(
      record.bids.map(({ bidderName, price, valid, invalidReason, documents }) => ({
        bidderName,
        price,
        valid,
        invalidReason,
        documents,
      })),
    ).toEqual([
      { bidderName: '改密文', price: null, valid: false, invalidReason: 'tampered', documents: [] },
      { bidderName: '改密文和回执', price: null, valid: false, invalidReason: 'tampered', documents: [] },
      { bidderName: '冒名者', price: null, valid: false, invalidReason: 'tampered', documents: [] },
      { bidderName: '搬来的', price: null, valid: false, invalidReason: 'tampered', documents: [] },
      {
        bidderName: '完好',
        price: 1_000_004,
        valid: true,
        invalidReason: null,
        documents: content(1).documents,
      },
    ]);
    const [audit] = await owner(`SELECT payload FROM audit_log WHERE entity_id = $1`, [host.hostId]);
    expect(JSON.parse(audit.payload as string).data).toMatchObject({ validCount: 1, invalidCount: 4 });
  });

  it('a wrapped key copied to another host does not open it: SEALED_BID_TAMPERED, nothing written', async () => {
    const source = tender();
    const target = tender();
    await submit(source, await createBidder('源'), content(PRICE), AT(0));
    await submit(target, await createBidder('目标'), content(PRICE), AT(0));
    await owner(
      `UPDATE sealed_bid_keys t SET kek_id = s.kek_id, iv = s.iv, tag = s.tag, ciphertext = s.ciphertext
       FROM sealed_bid_keys s WHERE s.host_id = $1 AND t.host_id = $2`,
      [source.hostId, target.hostId],
    );
    const before = await tableContents(env.config.DATABASE_OWNER_URL);
    const refused = await refusal(open(target, OPENS_AT));
    expect(refused.code).toBe('SEALED_BID_TAMPERED');
    expect(await tableContents(env.config.DATABASE_OWNER_URL)).toEqual(before);
    // The source's own key still opens the source.
    expect((await open(source, OPENS_AT)).validCount).toBe(1);
  });
});

describe('confidentiality at rest and in the logs', () => {
  it('no table, audit entry or log line holds the price, a document, the data key or a key-encryption key', async () => {
    const host = tender();
    const bidder = await createBidder('保密测试');
    const receipt = await submit(host, bidder, content(SECRET_PRICE, SECRET_HASH, SECRET_DOC_NAME), AT(0));
    await submit(
      host,
      await createBidder('保密测试二'),
      content(SECRET_PRICE * 2, SECRET_HASH, SECRET_DOC_NAME),
      AT(1),
    );
    expect(JSON.stringify(receipt)).not.toContain(String(SECRET_PRICE));

    const [wrapped] = await owner(
      `SELECT key_id AS "keyId", kek_id AS "kekId", iv, tag, ciphertext FROM sealed_bid_keys WHERE host_id = $1`,
      [host.hostId],
    );
    // The stored key is wrapped: unwrapping it with the ring gives a key that is stored nowhere.
    const dataKey = new BidSealer(ring).unwrapForOpening(wrapped as never, {
      projectId: sealingScope(host),
      opensAt: OPENS_AT,
      now: OPENS_AT,
    });
    expect(dataKey).toHaveLength(32);
    const kek = env.config.SEALED_BID_KEYS.split(':')[1];
    const secrets = [
      String(SECRET_PRICE),
      String(SECRET_PRICE * 2),
      SECRET_HASH,
      SECRET_DOC_NAME,
      dataKey.toString('base64'),
      dataKey.toString('hex'),
      kek,
      Buffer.from(kek, 'base64').toString('hex'),
    ];
    expect(Buffer.from(wrapped.ciphertext as string, 'base64').equals(dataKey)).toBe(false);

    const tables = await owner(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining(['audit_log', 'sealed_bid_keys', 'sealed_bids']),
    );
    for (const { name } of tables) {
      const [dump] = await owner(`SELECT coalesce(string_agg(t::text, E'\\n'), '') AS text FROM "${name}" t`);
      for (const secret of secrets)
        expect({ table: name, holds: (dump.text as string).includes(secret) }).toEqual({
          table: name,
          holds: false,
        });
    }
    // The log of everything in this file so far, at trace level: no price, document or key.
    const log = logLines.join('');
    expect(log).toContain('sealed bids opened');
    for (const secret of secrets) expect(log.includes(secret)).toBe(false);
    dataKey.fill(0);
  });

  it('the app role cannot rewrite a wrapped key or an opening record, nor delete a sealed bid', async () => {
    for (const statement of [
      `UPDATE sealed_bid_keys SET kek_id = kek_id`,
      `DELETE FROM sealed_bid_keys`,
      `UPDATE bid_openings SET valid_count = valid_count`,
      `DELETE FROM bid_openings`,
      `DELETE FROM sealed_bids`,
    ])
      await expect(queryRows(env.config.DATABASE_URL, statement)).rejects.toThrow(/permission denied/);
  });
});
