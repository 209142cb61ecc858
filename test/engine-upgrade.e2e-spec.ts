import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { createDataSource, MIGRATIONS } from '../libs/persistence/src/data-source.js';
import { PasswordHasher } from '../libs/auth/src/password-hasher.js';
import { createEmptyDatabase, migrateUpTo } from './support/environment.js';
import { startTestPlatform, type TestPlatform } from './support/platform.js';
import { login, waitFor } from './support/factories.js';
import {
  auditFor,
  bidOverRest,
  dealsFor,
  ledgerFields,
  publicLedger,
  staffListing,
} from './support/bidding-clients.js';
import { queryRows } from './support/checks.js';

/**
 * A database with live leases from the release before the auction engine had its own table
 * (announced, bidding and sold listings, their bids, registrations and deals) upgrades in
 * place: after `Auctions1764350000000` the auctions still take bids with the next seq, replay
 * old attempts by their key, open and close on the worker, and write the same deals. Its
 * `down()` gives back the old schema with the same rows.
 */
const UPGRADE = 'Auctions1764350000000';
const PASSWORD = 'upgrade-test-password';

const ids = {
  staff: randomUUID(),
  supervisor: randomUUID(),
  alice: randomUUID(),
  bob: randomUUID(),
  announced: randomUUID(),
  bidding: randomUUID(),
  sold: randomUUID(),
  suspended: randomUUID(),
};
const usernames = {
  staff: `staff${ids.staff.slice(0, 8)}`,
  supervisor: `supervisor${ids.supervisor.slice(0, 8)}`,
  alice: `alice${ids.alice.slice(0, 8)}`,
  bob: `bob${ids.bob.slice(0, 8)}`,
};
const CODES = { alice: '111111', bob: '222222' };

/** The auction's columns as lease_listings held them before the upgrade (their old values must move as they are). */
const MOVED_COLUMNS = [
  'start_price',
  'increment',
  'reserve_price',
  'bidding_starts_at',
  'free_bidding_ends_at',
  'extension_seconds',
  'status',
  'ends_at',
  'current_price',
  'leader_id',
  'bid_count',
  'last_seq',
  'final_price',
  'winner_id',
  'closed_at',
  'status_reason',
  'suspended_at',
  'created_at',
  'updated_at',
];
/** lease_listings as populate() left it, read back before the upgrade ran. */
let oldListings: Record<string, unknown>[] = [];

/** The old schema's rows, written as the previous release wrote them (times by the database's clock). */
async function populate(ownerUrl: string): Promise<void> {
  const hash = await new PasswordHasher().hash(PASSWORD);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    for (const [who, roles, name] of [
      ['staff', ['staff'], '东湖区公共资源交易中心'],
      ['supervisor', ['supervisor'], '东湖区公共资源交易监督管理办公室'],
      ['alice', ['bidder'], '南昌青山湖商贸有限公司'],
      ['bob', ['bidder'], '江西赣江餐饮管理有限公司'],
    ] as const) {
      await client.query(
        `INSERT INTO users (id, username, password_hash, display_name, roles) VALUES ($1, $2, $3, $4, $5)`,
        [ids[who], usernames[who], hash, name, roles],
      );
    }
    // The previous release wrote every time from JavaScript: millisecond precision, as here.
    const listing = `WITH clock AS (SELECT date_trunc('milliseconds', now()) AS ms)
      INSERT INTO lease_listings (id, code, title, address, area_sqm, usage, lease_term_months,
        start_price, increment, deposit, reserve_price, registration_starts_at, registration_ends_at,
        bidding_starts_at, free_bidding_ends_at, extension_seconds, status, ends_at, current_price,
        leader_id, bid_count, last_seq, qualified_count, final_price, winner_id, closed_at, created_by)
      SELECT $1, $2, $3, '解放路 12 号', 80, 'retail', $4, 100000, $5, 200000, NULL,
        ms + $6::interval, ms + $7::interval, ms + $8::interval, ms + $9::interval, 300, $10,
        ms + $11::interval, $12, $13, $14, $15, 2, $16, $17, $18, $19
      FROM clock`;
    // Announced: bidding opens in an hour.
    await client.query(listing, [
      ids.announced,
      'GF20260001',
      '解放路 12 号商铺',
      36,
      5000,
      '-1 hour',
      '30 minutes',
      '1 hour',
      '2 hours',
      'announced',
      '2 hours 5 minutes',
      null,
      null,
      0,
      0,
      null,
      null,
      null,
      ids.staff,
    ]);
    // Bidding: three accepted bids (alice leads at 110000) and one rejection.
    await client.query(listing, [
      ids.bidding,
      'GF20260002',
      '八一大道 3 号门面',
      36,
      5000,
      '-3 hours',
      '-2 hours',
      '-1 hour',
      '1 hour',
      'bidding',
      '1 hour 5 minutes',
      110_000,
      ids.alice,
      3,
      3,
      null,
      null,
      null,
      ids.staff,
    ]);
    // Sold three days ago to bob at 120000 a month for 24 months.
    await client.query(listing, [
      ids.sold,
      'GF20260003',
      '叠山路 8 号仓库',
      24,
      20000,
      '-5 days',
      '-4 days',
      '-3 days',
      '-3 days +1 hour',
      'sold',
      '-3 days +1 hour 5 minutes',
      120_000,
      ids.bob,
      2,
      2,
      120_000,
      ids.bob,
      null,
      ids.staff,
    ]);
    await client.query(`UPDATE lease_listings SET closed_at = ends_at WHERE id = $1`, [ids.sold]);
    // Suspended while bidding (one bid, alice's), with a reserve and the reason announced.
    await client.query(listing, [
      ids.suspended,
      'GF20260004',
      '象山北路 5 号铺面',
      12,
      5000,
      '-3 hours',
      '-2 hours',
      '-1 hour',
      '1 hour',
      'announced',
      '1 hour 5 minutes',
      100_000,
      ids.alice,
      1,
      1,
      null,
      null,
      null,
      ids.staff,
    ]);
    await client.query(
      `UPDATE lease_listings SET status = 'suspended', suspended_at = date_trunc('milliseconds', now()) - interval '10 minutes',
              status_reason = '收到异议，暂停竞价', reserve_price = 150000 WHERE id = $1`,
      [ids.suspended],
    );
    // Reserves are secret and decide sold or 流拍: they must move with their auctions.
    await client.query(`UPDATE lease_listings SET reserve_price = 115000 WHERE id = $1`, [ids.bidding]);
    await client.query(`UPDATE lease_listings SET reserve_price = 120000 WHERE id = $1`, [ids.sold]);
    for (const listingId of [ids.announced, ids.bidding, ids.sold, ids.suspended]) {
      for (const who of ['alice', 'bob'] as const) {
        await client.query(
          `INSERT INTO lease_registrations (listing_id, bidder_id, status, bidder_code, deposit_received_at, decided_by, decided_at)
           VALUES ($1, $2, 'qualified', $3, now() - interval '1 day', $4, now() - interval '1 day')`,
          [listingId, ids[who], CODES[who], ids.staff],
        );
      }
    }
    const bid = `INSERT INTO bids (listing_id, bidder_id, client_bid_id, amount, outcome, message, seq, bidder_code, ends_at, min_next_bid, at)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, ends_at, $9, bidding_starts_at + $10::interval FROM lease_listings WHERE id = $1`;
    for (const [listingId, who, key, amount, outcome, seq, minimum, after] of [
      [ids.bidding, 'alice', 'a-1', 100_000, 'accepted', 1, 105_000, '1 minute'],
      [ids.bidding, 'bob', 'b-1', 105_000, 'accepted', 2, 110_000, '2 minutes'],
      [ids.bidding, 'bob', 'b-2', 105_000, 'BID_TOO_LOW', null, null, '3 minutes'],
      [ids.bidding, 'alice', 'a-2', 110_000, 'accepted', 3, 115_000, '4 minutes'],
      [ids.sold, 'alice', 'a-1', 100_000, 'accepted', 1, 120_000, '1 minute'],
      [ids.sold, 'bob', 'b-1', 120_000, 'accepted', 2, 140_000, '2 minutes'],
      [ids.suspended, 'alice', 'a-1', 100_000, 'accepted', 1, 105_000, '1 minute'],
    ] as const) {
      const accepted = outcome === 'accepted';
      await client.query(bid, [
        listingId,
        ids[who],
        key,
        amount,
        outcome,
        accepted ? null : 'the minimum bid is 115000 fen',
        seq,
        accepted ? CODES[who] : null,
        minimum,
        after,
      ]);
    }
    await client.query(
      `INSERT INTO deals (category, subtype, source_type, source_id, title, amount, winner_id, winner_name, closed_at)
       SELECT 'property_rights', 'lease', 'lease_listing', id, title, 120000 * 24, winner_id, '江西赣江餐饮管理有限公司', closed_at
       FROM lease_listings WHERE id = $1`,
      [ids.sold],
    );
    oldListings = await client
      .query<{ row: Record<string, unknown> }>(`SELECT to_jsonb(l) AS row FROM lease_listings l`)
      .then((result) => result.rows.map((entry) => entry.row));
  } finally {
    await client.end();
  }
}

describe('upgrading a database with live leases to the auctions table', () => {
  let platform: TestPlatform;
  let tokens: Record<'staff' | 'supervisor' | 'alice' | 'bob', string>;
  const owner = () => platform.env.config.DATABASE_OWNER_URL!;

  beforeAll(async () => {
    platform = await startTestPlatform({}, { upgrade: { before: UPGRADE, populate } });
    const api = platform.api.url;
    tokens = {
      staff: await login(api, usernames.staff, PASSWORD),
      supervisor: await login(api, usernames.supervisor, PASSWORD),
      alice: await login(api, usernames.alice, PASSWORD),
      bob: await login(api, usernames.bob, PASSWORD),
    };
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('moves every listing’s auction columns into its auction, under the same id, with the lease’s limit', async () => {
    const rows = await queryRows(
      owner(),
      `SELECT id, host_type, status, max_bid::text, allow_self_outbid, last_seq, bid_count, current_price::text
         FROM auctions ORDER BY bid_count`,
    );
    expect(rows).toEqual([
      {
        id: ids.announced,
        host_type: 'lease_listing',
        status: 'announced',
        max_bid: String(Math.floor(Number.MAX_SAFE_INTEGER / 36)),
        allow_self_outbid: false,
        last_seq: 0,
        bid_count: 0,
        current_price: null,
      },
      {
        id: ids.suspended,
        host_type: 'lease_listing',
        status: 'suspended',
        max_bid: String(Math.floor(Number.MAX_SAFE_INTEGER / 12)),
        allow_self_outbid: false,
        last_seq: 1,
        bid_count: 1,
        current_price: '100000',
      },
      {
        id: ids.sold,
        host_type: 'lease_listing',
        status: 'sold',
        max_bid: String(Math.floor(Number.MAX_SAFE_INTEGER / 24)),
        allow_self_outbid: false,
        last_seq: 2,
        bid_count: 2,
        current_price: '120000',
      },
      {
        id: ids.bidding,
        host_type: 'lease_listing',
        status: 'bidding',
        max_bid: String(Math.floor(Number.MAX_SAFE_INTEGER / 36)),
        allow_self_outbid: false,
        last_seq: 3,
        bid_count: 3,
        current_price: '110000',
      },
    ]);
  });

  it('moves every auction column’s value as it was, reserve, suspension and reason included', async () => {
    expect(oldListings).toHaveLength(4);
    const auctions = await queryRows<{ row: Record<string, unknown> }>(
      owner(),
      `SELECT to_jsonb(a) AS row FROM auctions a`,
    );
    const pick = (row: Record<string, unknown>) =>
      Object.fromEntries(['id', ...MOVED_COLUMNS].map((column) => [column, row[column]]));
    const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      String(a.id).localeCompare(String(b.id));
    expect(auctions.map((entry) => pick(entry.row)).sort(byId)).toEqual(oldListings.map(pick).sort(byId));
    // The data really exercises the nullable columns.
    for (const column of ['reserve_price', 'status_reason', 'suspended_at', 'final_price', 'closed_at'])
      expect(oldListings.some((row) => row[column] !== null)).toBe(true);
  });

  it('moves the registrations to the shared table, keyed by their host', async () => {
    const rows = await queryRows(
      owner(),
      `SELECT host_type, count(*)::int AS n, count(DISTINCT host_id)::int AS hosts FROM registrations GROUP BY 1`,
    );
    expect(rows).toEqual([{ host_type: 'lease_listing', n: 8, hosts: 4 }]);
    const listed = await request(platform.api.url)
      .get(`/api/lease-listings/${ids.bidding}/registrations`)
      .auth(tokens.staff, { type: 'bearer' })
      .expect(200);
    expect(
      listed.body.items.map(
        (item: { listingId: string; bidderId: string; status: string; bidderCode: string }) => ({
          listingId: item.listingId,
          bidderId: item.bidderId,
          status: item.status,
          bidderCode: item.bidderCode,
        }),
      ),
    ).toEqual(
      expect.arrayContaining([
        { listingId: ids.bidding, bidderId: ids.alice, status: 'qualified', bidderCode: CODES.alice },
        { listingId: ids.bidding, bidderId: ids.bob, status: 'qualified', bidderCode: CODES.bob },
      ]),
    );
    expect(listed.body.total).toBe(2);
  });

  it('gives every registration its deposit at the listing’s amount: received when it had arrived, by whoever qualified it', async () => {
    const rows = await queryRows(
      owner(),
      `SELECT d.host_type, d.state, d.amount = l.deposit AS listing_amount,
              d.received_at = r.deposit_received_at AS received_then, d.received_by = r.decided_by AS received_by_staff,
              d.bidder_id = r.bidder_id AS same_bidder
         FROM deposits d JOIN registrations r ON r.id = d.registration_id JOIN lease_listings l ON l.id = d.host_id`,
    );
    expect(rows).toHaveLength(8);
    for (const row of rows)
      expect(row).toEqual({
        host_type: 'lease_listing',
        state: 'received',
        listing_amount: true,
        received_then: true,
        received_by_staff: true,
        same_bidder: true,
      });
  });

  it('reads the sold listing and its deal exactly as before', async () => {
    const sold = await staffListing(platform.api.url, tokens.staff, ids.sold);
    expect(sold).toMatchObject({
      status: 'sold',
      finalPrice: 120_000,
      winnerCode: CODES.bob,
      bidCount: 2,
      lastSeq: 2,
      leaseTermMonths: 24,
    });
    expect(await dealsFor(platform.api.url, tokens.staff, ids.sold)).toEqual([
      expect.objectContaining({ sourceId: ids.sold, amount: 120_000 * 24 }),
    ]);
  });

  it('the bidding auction keeps its ledger, replays an old attempt, takes the next seq and closes on the worker', async () => {
    const api = platform.api.url;
    const before = (await publicLedger(api, ids.bidding)).map(ledgerFields);
    expect(before.map(({ seq, amount, bidderCode }) => ({ seq, amount, bidderCode }))).toEqual([
      { seq: 1, amount: 100_000, bidderCode: CODES.alice },
      { seq: 2, amount: 105_000, bidderCode: CODES.bob },
      { seq: 3, amount: 110_000, bidderCode: CODES.alice },
    ]);
    // An attempt from before the upgrade answers as it did (its key moved with it).
    expect(await bidOverRest(api, tokens.bob, ids.bidding, 105_000, 'b-2')).toMatchObject({
      ok: false,
      error: { code: 'BID_TOO_LOW' },
    });
    expect(await bidOverRest(api, tokens.alice, ids.bidding, 115_000, 'a-3')).toMatchObject({
      ok: false,
      error: { code: 'SELF_OUTBID' },
    });
    const next = await bidOverRest(api, tokens.bob, ids.bidding, 115_000, 'b-3');
    expect(next).toMatchObject({ ok: true, bid: { listingId: ids.bidding, seq: 4, bidderCode: CODES.bob } });
    expect(await bidOverRest(api, tokens.alice, ids.bidding, 115_000, 'a-4')).toMatchObject({
      ok: false,
      error: { code: 'BID_TOO_LOW' },
    });
    const after = (await publicLedger(api, ids.bidding)).map(ledgerFields);
    expect(after.slice(0, 3)).toEqual(before);
    expect(after.map((entry) => entry.seq)).toEqual([1, 2, 3, 4]);

    // The end comes (by the database's clock): the worker's sweeper closes it, sold to bob.
    await queryRows(
      owner(),
      `UPDATE auctions SET free_bidding_ends_at = clock_timestamp() - interval '1 second',
              ends_at = clock_timestamp() WHERE id = $1`,
      [ids.bidding],
    );
    const closed = await waitFor(
      async () => {
        const listing = await staffListing(api, tokens.staff, ids.bidding);
        return listing.storedStatus === 'sold' ? listing : undefined;
      },
      20_000,
      'the upgraded auction to close',
    );
    expect(closed).toMatchObject({ status: 'sold', finalPrice: 115_000, winnerCode: CODES.bob, lastSeq: 4 });
    expect(await dealsFor(api, tokens.staff, ids.bidding)).toEqual([
      expect.objectContaining({ sourceId: ids.bidding, amount: 115_000 * 36 }),
    ]);
  });

  it('the announced auction opens on the worker, takes bids from seq 1 and closes with its deal', async () => {
    const api = platform.api.url;
    await queryRows(
      owner(),
      `UPDATE auctions SET bidding_starts_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [ids.announced],
    );
    await waitFor(
      async () =>
        (await staffListing(api, tokens.staff, ids.announced)).storedStatus === 'bidding' || undefined,
      20_000,
      'the upgraded auction to open',
    );
    const first = await bidOverRest(api, tokens.alice, ids.announced, 100_000, 'open-1');
    expect(first).toMatchObject({ ok: true, bid: { seq: 1, bidderCode: CODES.alice } });
    await queryRows(
      owner(),
      `UPDATE auctions SET free_bidding_ends_at = clock_timestamp() - interval '1 second',
              ends_at = clock_timestamp() WHERE id = $1`,
      [ids.announced],
    );
    const closed = await waitFor(
      async () => {
        const listing = await staffListing(api, tokens.staff, ids.announced);
        return listing.storedStatus === 'sold' ? listing : undefined;
      },
      20_000,
      'the opened auction to close',
    );
    expect(closed).toMatchObject({ finalPrice: 100_000, winnerCode: CODES.alice });
    expect(await dealsFor(api, tokens.staff, ids.announced)).toEqual([
      expect.objectContaining({ amount: 100_000 * 36 }),
    ]);
    // The trail names the host as before: entity lease_listing, the listing's id.
    const actions = (await auditFor(api, tokens.supervisor, ids.announced)).map((entry) => entry.action);
    expect(actions).toEqual(['auction.opened', 'bid.accepted', 'auction.closed']);
  });

  it('the lease REST bid endpoint finds leases only: another line’s auction is LISTING_NOT_FOUND, nothing written', async () => {
    // A transfer project's live auction, alice qualified on it (as §2's transfers will host them).
    const [{ id }] = await queryRows<{ id: string }>(
      owner(),
      `INSERT INTO auctions (id, host_type, status, start_price, increment, max_bid, bidding_starts_at,
         free_bidding_ends_at, extension_seconds, ends_at)
       VALUES (gen_random_uuid(), 'transfer_project', 'bidding', 100000, 5000, 9007199254740991,
         clock_timestamp() - interval '1 minute', clock_timestamp() + interval '1 hour', 300,
         clock_timestamp() + interval '1 hour 5 minutes')
       RETURNING id`,
    );
    await queryRows(
      owner(),
      `INSERT INTO registrations (host_type, host_id, bidder_id, status, bidder_code)
       VALUES ('transfer_project', $1, $2, 'qualified', '333333')`,
      [id, ids.alice],
    );
    expect(await bidOverRest(platform.api.url, tokens.alice, id, 100_000, 't-1')).toMatchObject({
      ok: false,
      error: { code: 'LISTING_NOT_FOUND' },
    });
    expect(
      await queryRows(
        owner(),
        `SELECT last_seq, (SELECT count(*)::int FROM bids WHERE auction_id = $1) AS bids
         FROM auctions WHERE id = $1`,
        [id],
      ),
    ).toEqual([{ last_seq: 0, bids: 0 }]);
  });
});

describe('down(): the upgrade reverses', () => {
  it('gives back lease_listings, lease_registrations and bids with the same rows, constraints and indexes', async () => {
    const database = await createEmptyDatabase();
    try {
      await migrateUpTo(database.url, UPGRADE);
      await populate(database.url);
      const snapshot = async () => ({
        listings: await queryRows(
          database.url,
          `SELECT to_jsonb(l) AS row FROM lease_listings l ORDER BY id`,
        ),
        bids: await queryRows(database.url, `SELECT to_jsonb(b) AS row FROM bids b ORDER BY id`),
        registrations: await queryRows(
          database.url,
          `SELECT to_jsonb(r) AS row FROM lease_registrations r ORDER BY id`,
        ),
        constraints: await queryRows(
          database.url,
          `SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS def
             FROM pg_constraint
            WHERE conrelid IN ('lease_listings'::regclass, 'bids'::regclass, 'lease_registrations'::regclass)
             ORDER BY 1, 2`,
        ),
        indexes: await queryRows(
          database.url,
          `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('lease_listings', 'bids', 'lease_registrations') ORDER BY 1`,
        ),
      });
      const before = await snapshot();
      const dataSource = await createDataSource(database.url, 2, 'ggzy-test-upgrade-down').initialize();
      try {
        await dataSource.runMigrations({ transaction: 'all' });
        expect(await queryRows(database.url, `SELECT count(*)::int AS n FROM auctions`)).toEqual([{ n: 4 }]);
        // Every migration from the move on, last first: any later one (transfer projects, …),
        // then the move's two, registrations and auctions.
        const fromTheMove = MIGRATIONS.length - MIGRATIONS.findIndex((m) => new m().name === UPGRADE);
        expect(fromTheMove).toBeGreaterThanOrEqual(2);
        for (let undone = 0; undone < fromTheMove; undone += 1)
          await dataSource.undoLastMigration({ transaction: 'all' });
      } finally {
        await dataSource.destroy();
      }
      expect(await snapshot()).toEqual(before);
      expect(await queryRows(database.url, `SELECT to_regclass('auctions') IS NULL AS gone`)).toEqual([
        { gone: true },
      ]);
    } finally {
      await database.drop();
    }
  });
});
