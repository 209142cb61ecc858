import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../libs/persistence/src/data-source.js';
import { AuditLogRepository } from '../../libs/persistence/src/audit-log.repository.js';
import {
  PublicAnnouncementsRepository,
  type AnnouncementRow,
} from '../../libs/persistence/src/disclosure/public-announcements.repository.js';
import { OcdsFactsRepository } from '../../libs/persistence/src/disclosure/ocds-facts.repository.js';
import { createTestEnvironment, type TestEnvironment } from '../support/environment.js';
import { queryRows } from '../support/checks.js';

/**
 * The announcements table (migration 1764500001420) against PostgreSQL: the database upgraded
 * from a release that derived announcements from the audit trail gets every one of them, with
 * the ids they had; from then on the database writes each one in the transaction of the line's
 * act (its audit entry, its notice, a lease auction's close), the apps' role can only read them,
 * and the newest-first list and the OCDS processes page by keyset exactly as by offset.
 */
const TZ = 'Asia/Shanghai';
const SHA = 'e'.repeat(64);
const OWNER_CODE = '91360100MA35F6GX2N';
let env: TestEnvironment;
let dataSource: DataSource;
let staffId: string;

/** A tender row as the tenders line writes one (status and audit entries are the test's). */
async function insertTender(
  client: pg.Client,
  id: string,
  code: string,
  title: string,
  status: string,
  announced = true,
) {
  await client.query(
    `INSERT INTO tender_projects (id, code, status, title, owner_name, owner_org_code, kind, description,
       estimated_price, state_funded, evaluation_method, deposit, documents, sale_starts_on, sale_ends_on,
       documents_issued_on, bid_deadline_on, bid_deadline_time, bid_deadline_at, announced_on,
       termination_reason, created_by, created_at)
     VALUES ($1, $2, $3::varchar, $4, '东湖区住建局', $5, 'road', '道路', 100000000, true, 'lowest_evaluated_price', 0,
       $6::jsonb, '2026-03-02', '2026-03-09', '2026-03-02', '2026-03-30', '09:30', '2026-03-30T01:30:00Z',
       CASE WHEN $9 THEN DATE '2026-03-02' END,
       CASE WHEN $3::text = 'terminated' THEN '资金未落实' END, $7, $8)`,
    [
      id,
      code,
      status,
      title,
      OWNER_CODE,
      JSON.stringify([{ name: '招标文件.pdf', sha256: SHA }]),
      staffId,
      new Date('2026-03-01T00:00:00Z'),
      announced,
    ],
  );
}

/** An audit entry as the lines append one (the chain's trigger fills seq and the hashes). */
async function audit(
  client: pg.Client | { query: pg.Client['query'] },
  entry: { at: string; action: string; entityType: string; entityId: string; data: object },
) {
  const payload = JSON.stringify({
    at: new Date(entry.at).toISOString(),
    actorId: staffId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    data: entry.data,
  });
  const { rows } = await client.query<{ seq: string }>(
    `INSERT INTO audit_log (at, actor_id, action, entity_type, entity_id, payload)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
    [entry.at, staffId, entry.action, entry.entityType, entry.entityId, payload],
  );
  return rows[0].seq;
}

const before = {
  announced: randomUUID(),
  terminated: randomUUID(),
  draftEnded: randomUUID(),
  lease: randomUUID(),
  notice: randomUUID(),
  seqs: {} as Record<string, string>,
};

/** What an older release left: a user, tenders with their audit trail and a notice, a sold lease. */
async function populate(ownerUrl: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    staffId = (
      await client.query<{ id: string }>(
        `INSERT INTO users (username, password_hash, display_name, roles)
         VALUES ('staff-announcements', 'x', '工作人员', '{staff}') RETURNING id`,
      )
    ).rows[0].id;
    await insertTender(client, before.announced, 'ZB-OLD-1', '东湖区旧公告工程', 'bidding');
    await insertTender(client, before.terminated, 'ZB-OLD-2', '东湖区旧终止工程', 'terminated');
    await insertTender(client, before.draftEnded, 'ZB-OLD-3', '东湖区旧草稿工程', 'terminated', false);
    const tender = (id: string, at: string, action: string, data: object) =>
      audit(client, { at, action, entityType: 'tender_project', entityId: id, data });
    before.seqs.notice = await tender(before.announced, '2026-03-02T01:00:00Z', 'tender.announce', {
      from: 'registered',
      to: 'announced',
    });
    // Not an announcement: bidding opening, a suspension and the change back from it.
    await tender(before.announced, '2026-03-02T01:00:01Z', 'tender.open_bidding', {
      from: 'announced',
      to: 'bidding',
    });
    await tender(before.announced, '2026-03-03T01:00:00Z', 'tender.suspend', {
      from: 'bidding',
      to: 'suspended',
    });
    await tender(before.announced, '2026-03-04T01:00:00Z', 'tender.resume', {
      from: 'suspended',
      to: 'bidding',
    });
    before.seqs.terminatedNotice = await tender(
      before.terminated,
      '2026-03-02T02:00:00Z',
      'tender.announce',
      {
        from: 'registered',
        to: 'announced',
      },
    );
    before.seqs.termination = await tender(before.terminated, '2026-03-05T02:00:00Z', 'tender.terminate', {
      from: 'announced',
      to: 'terminated',
      reason: '资金未落实',
    });
    // A draft ended before its notice: never announced.
    await tender(before.draftEnded, '2026-03-05T03:00:00Z', 'tender.terminate', {
      from: 'registered',
      to: 'terminated',
      reason: '内部草稿作废',
    });
    await client.query(
      `INSERT INTO tender_notices (id, project_id, kind, summary, affects_bids, published_on, published_at,
         deadline_before, deadline_after, published_by)
       VALUES ($1, $2, 'clarification', '关于资格条件的澄清', false, '2026-03-06', '2026-03-06T01:00:00Z',
         '2026-03-30', '2026-03-30', $3)`,
      [before.notice, before.announced, staffId],
    );
    await client.query(
      `INSERT INTO auctions (id, host_type, status, start_price, increment, max_bid, bidding_starts_at,
         free_bidding_ends_at, extension_seconds, ends_at, final_price, winner_id, closed_at, created_at)
       VALUES ($1, 'lease_listing', 'unsold', 100000, 1000, 10000000, '2026-03-10T01:00:00Z',
         '2026-03-10T02:00:00Z', 60, '2026-03-10T02:05:00Z', NULL, NULL, '2026-03-10T02:05:00Z', '2026-03-01')`,
      [before.lease],
    );
    await client.query(
      `INSERT INTO lease_listings (id, code, title, address, area_sqm, usage, lease_term_months, deposit,
         registration_starts_at, registration_ends_at, created_by, created_at, published_at)
       VALUES ($1, 'GF-OLD-1', '八一大道旧店面租赁', '八一大道 1 号', 50, '商业', 36, 100000,
         '2026-03-01T00:00:00Z', '2026-03-09T00:00:00Z', $2, '2026-03-01', '2026-03-01T01:00:00Z')`,
      [before.lease, staffId],
    );
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  env = await createTestEnvironment({}, { upgrade: { before: 'Announcements1764500001420', populate } });
  dataSource = await createDataSource(env.config.DATABASE_URL, 2, 'ggzy-test-announcements').initialize();
});

afterAll(async () => {
  await dataSource?.destroy();
  await env?.drop();
});

const md5Uuid = async (text: string) =>
  (
    await queryRows<{ id: string }>(env.config.DATABASE_OWNER_URL!, `SELECT md5($1)::uuid::text AS id`, [
      text,
    ])
  )[0].id;
const stored = () =>
  queryRows<{
    id: string;
    line: string;
    kind: string;
    status: string | null;
    project_id: string;
    text: string | null;
  }>(
    env.config.DATABASE_OWNER_URL!,
    `SELECT id::text, line, kind, status, project_id::text, text FROM announcements ORDER BY published_at, id`,
  );

describe('the upgrade', () => {
  it('backfills every announcement the lines had made, with the ids the derivation gave them', async () => {
    expect(await stored()).toEqual([
      {
        id: await md5Uuid(`audit:${before.seqs.notice}`),
        line: 'construction',
        kind: 'notice',
        status: 'announced',
        project_id: before.announced,
        text: null,
      },
      {
        id: await md5Uuid(`audit:${before.seqs.terminatedNotice}`),
        line: 'construction',
        kind: 'notice',
        status: 'announced',
        project_id: before.terminated,
        text: null,
      },
      {
        id: await md5Uuid(`audit:${before.seqs.termination}`),
        line: 'construction',
        kind: 'termination',
        status: 'terminated',
        project_id: before.terminated,
        text: '资金未落实',
      },
      {
        id: before.notice,
        line: 'construction',
        kind: 'clarification',
        status: null,
        project_id: before.announced,
        text: '关于资格条件的澄清',
      },
      {
        id: await md5Uuid(`auction:${before.lease}`),
        line: 'lease',
        kind: 'result',
        status: 'unsold',
        project_id: before.lease,
        text: null,
      },
    ]);
  });
});

describe('written by the database as the lines act', () => {
  it('announces a status change the rules name in the transaction of its audit entry, and nothing else', async () => {
    const audits = new AuditLogRepository(dataSource);
    const id = before.announced;
    const append = (action: string, data: Record<string, unknown>) =>
      dataSource.transaction((manager) =>
        audits.append(manager, {
          at: new Date(),
          actorId: staffId,
          action,
          entityType: 'tender_project',
          entityId: id,
          data,
        }),
      );
    const count = async () => (await stored()).length;
    const start = await count();
    await append('tender.open_bids', { from: 'bidding', to: 'opened', submittedCount: 3 });
    await append('tender.suspend', { from: 'opened', to: 'suspended' });
    await append('tender.resume', { from: 'suspended', to: 'opened' });
    const after = await stored();
    expect(after).toHaveLength(start + 1);
    expect(after[after.length - 1]).toMatchObject({
      kind: 'opening_record',
      status: 'opened',
      project_id: id,
    });
    // Terminated while suspended (a supervisor's order first): its 终止公告 is announced all the same.
    await append('tender.suspend', { from: 'opened', to: 'suspended' });
    await append('tender.terminate', { from: 'suspended', to: 'terminated', reason: '监督部门责令终止' });
    const terminated = await stored();
    expect(terminated).toHaveLength(start + 2);
    expect(terminated[terminated.length - 1]).toMatchObject({
      kind: 'termination',
      status: 'terminated',
      project_id: id,
      text: '监督部门责令终止',
    });
    // Rolled back with the act that wrote it.
    await expect(
      dataSource.transaction(async (manager) => {
        await audits.append(manager, {
          at: new Date(),
          actorId: staffId,
          action: 'tender.fail',
          entityType: 'tender_project',
          entityId: id,
          data: { from: 'opened', to: 'failed', reason: '有效投标不足3家' },
        });
        throw new Error('the act failed');
      }),
    ).rejects.toThrow('the act failed');
    expect(await count()).toBe(start + 2);
  });

  it('announces a notice as it is inserted, and a lease auction as it closes', async () => {
    const notice = randomUUID();
    await dataSource.query(
      `INSERT INTO tender_notices (id, project_id, kind, summary, affects_bids, published_on, published_at,
         deadline_before, deadline_after, published_by)
       VALUES ($1, $2, 'amendment', '第 3 章修改', false, '2026-03-07', now(), '2026-03-30', '2026-03-30', $3)`,
      [notice, before.announced, staffId],
    );
    const lease = randomUUID();
    await dataSource.query(
      `INSERT INTO auctions (id, host_type, status, start_price, increment, max_bid, bidding_starts_at,
         free_bidding_ends_at, extension_seconds, ends_at)
       VALUES ($1, 'lease_listing', 'bidding', 100000, 1000, 10000000, now() - interval '1 hour',
         now() - interval '30 minutes', 60, now())`,
      [lease],
    );
    await dataSource.query(
      `INSERT INTO lease_listings (id, code, title, address, area_sqm, usage, lease_term_months, deposit,
         registration_starts_at, registration_ends_at, created_by, published_at)
       VALUES ($1, $2, '新店面租赁', '八一大道 2 号', 50, '商业', 36, 100000, now() - interval '2 days',
         now() - interval '1 day', $3, now() - interval '3 days')`,
      [lease, `GF-NEW-${lease.slice(0, 8)}`, staffId],
    );
    // A bid moves the auction without closing it: no announcement.
    await dataSource.query(`UPDATE auctions SET current_price = 101000, bid_count = 1 WHERE id = $1`, [
      lease,
    ]);
    await dataSource.query(`UPDATE auctions SET status = 'unsold', closed_at = now() WHERE id = $1`, [lease]);
    const rows = await stored();
    expect(rows.filter((row) => row.id === notice)).toEqual([
      {
        id: notice,
        line: 'construction',
        kind: 'amendment',
        status: null,
        project_id: before.announced,
        text: '第 3 章修改',
      },
    ]);
    expect(rows.filter((row) => row.project_id === lease)).toEqual([
      {
        id: await md5Uuid(`auction:${lease}`),
        line: 'lease',
        kind: 'result',
        status: 'unsold',
        project_id: lease,
        text: null,
      },
    ]);
  });

  it('is read-only for the apps: only the database writes announcements', async () => {
    for (const statement of [
      `INSERT INTO announcements (id, line, kind, project_id, published_at, source)
       VALUES (gen_random_uuid(), 'lease', 'notice', gen_random_uuid(), now(), 'notice')`,
      `UPDATE announcements SET text = 'forged'`,
      `DELETE FROM announcements`,
      `UPDATE announcement_rules SET kind = 'notice'`,
    ])
      await expect(dataSource.query(statement)).rejects.toThrow(/permission denied/);
  });
});

describe('keyset pages', () => {
  it('lists newest first by keyset exactly as by offset, to a last page without a next cursor', async () => {
    const announcements = new PublicAnnouncementsRepository(dataSource);
    const all = await announcements.list({ limit: 100, offset: 0 });
    expect(all.total).toBe(all.items.length);
    expect(all.items.length).toBeGreaterThanOrEqual(6);
    expect(all.next).toBeNull();
    const seen: AnnouncementRow[] = [];
    let after: Awaited<ReturnType<typeof announcements.list>>['next'] | undefined;
    for (let page = 0; page < 10; page += 1) {
      const got = await announcements.list({ limit: 2, offset: 0, after: after ?? undefined });
      expect(got.total).toBe(all.total);
      seen.push(...got.items);
      if (!got.next) break;
      after = got.next;
    }
    expect(seen.map((row) => row.id)).toEqual(all.items.map((row) => row.id));
    const byOffset = await announcements.list({ limit: 2, offset: 2 });
    expect(byOffset.items.map((row) => row.id)).toEqual(all.items.slice(2, 4).map((row) => row.id));
    // The same with a filter: the tenders' only.
    const tenders = await announcements.list({ line: 'construction', limit: 100, offset: 0 });
    const first = await announcements.list({ line: 'construction', limit: 1, offset: 0 });
    const second = await announcements.list({
      line: 'construction',
      limit: 1,
      offset: 0,
      after: first.next!,
    });
    expect([...first.items, ...second.items].map((row) => row.id)).toEqual(
      tenders.items.slice(0, 2).map((row) => row.id),
    );
  });

  it('pages the OCDS processes by keyset exactly as by offset', async () => {
    const facts = new OcdsFactsRepository(dataSource);
    const all = await facts.processes({ timeZone: TZ, limit: 100, offset: 0 });
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let after: (typeof all)['next'] = null;
    for (let page = 0; page < 10; page += 1) {
      const got = await facts.processes({ timeZone: TZ, limit: 1, after: after ?? undefined, count: false });
      seen.push(...got.items.map((row) => row.id));
      if (!got.next) break;
      after = got.next;
    }
    expect(seen).toEqual(all.items.map((row) => row.id));
    const year = await facts.processes({ timeZone: TZ, announcedIn: 2026, limit: 100, count: false });
    expect(year.items.map((row) => row.id)).toEqual(
      all.items.filter((row) => row.announcedOn.startsWith('2026')).map((row) => row.id),
    );
  });
});
