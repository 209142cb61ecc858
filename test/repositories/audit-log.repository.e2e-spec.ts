import type { DataSource } from 'typeorm';
import { createDataSource } from '../../libs/persistence/src/data-source.js';
import { AuditLogRepository, type AuditRecord } from '../../libs/persistence/src/audit-log.repository.js';
import { createTestEnvironment, type TestEnvironment } from '../support/environment.js';

/**
 * AuditLogRepository's held-back appends against PostgreSQL (the app role): a close runs its
 * host's work with the trail's appends held, then writes them after its own entry, in its last
 * statement, so the chain's head is locked only at the end of the transaction.
 */
let env: TestEnvironment;
let dataSource: DataSource;
let audit: AuditLogRepository;

beforeAll(async () => {
  env = await createTestEnvironment();
  dataSource = await createDataSource(env.config.DATABASE_URL, 2, 'ggzy-test-audit').initialize();
  audit = new AuditLogRepository(dataSource);
});

afterAll(async () => {
  await dataSource?.destroy();
  await env?.drop();
});

const record = (action: string, entityId: string): AuditRecord => ({
  at: new Date('2026-11-29T01:00:00.000Z'),
  actorId: null,
  action,
  entityType: 'test',
  entityId,
  data: { action },
});

const actionsOf = async (entityId: string) =>
  (await audit.list({ entityId, limit: 100, offset: 0 })).items.map((entry) => entry.action);

const headSeq = async () =>
  Number(((await dataSource.query('SELECT seq FROM audit_head')) as { seq: string }[])[0].seq);

describe('holdingAppends and appendMany', () => {
  it('holds the appends made inside, returns them in order for the caller to write after its own; nothing is written meanwhile', async () => {
    const before = await headSeq();
    await dataSource.transaction(async (manager) => {
      const held = await audit.holdingAppends(manager, async () => {
        await audit.append(manager, record('host.one', 'held'));
        await audit.append(manager, record('host.two', 'held'));
        // Nothing reached the trail (or its head) yet, even inside the transaction.
        expect(
          Number(((await manager.query('SELECT seq FROM audit_head')) as { seq: string }[])[0].seq),
        ).toBe(before);
      });
      expect(held.map((entry) => entry.action)).toEqual(['host.one', 'host.two']);
      // Outside the hold, an append goes straight in.
      await audit.append(manager, record('auction.closed', 'held'));
      for (const entry of held) await audit.append(manager, entry);
    });
    expect(await actionsOf('held')).toEqual(['auction.closed', 'host.one', 'host.two']);
    expect(await headSeq()).toBe(before + 3);
    expect((await audit.verify()).valid).toBe(true);
  });

  it('releases the hold when the work throws, so the same transaction appends straight in after it', async () => {
    const before = await headSeq();
    await dataSource.transaction(async (manager) => {
      await expect(
        audit.holdingAppends(manager, async () => {
          await audit.append(manager, record('held.then.dropped', 'released'));
          await expect(audit.holdingAppends(manager, async () => undefined)).rejects.toThrow('already held');
          throw new Error('the host refused');
        }),
      ).rejects.toThrow('the host refused');
      await audit.append(manager, record('after', 'released'));
      // Straight in: the head moved inside this transaction.
      expect(Number(((await manager.query('SELECT seq FROM audit_head')) as { seq: string }[])[0].seq)).toBe(
        before + 1,
      );
    });
    expect(await actionsOf('released')).toEqual(['after']);
  });

  it('what was appended in a transaction that rolls back is gone, held or not', async () => {
    const before = await headSeq();
    await expect(
      dataSource.transaction(async (manager) => {
        const held = await audit.holdingAppends(manager, () =>
          audit.append(manager, record('held', 'rolled')),
        );
        for (const entry of held) await audit.append(manager, entry);
        await audit.append(manager, record('direct', 'rolled'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await headSeq()).toBe(before);
    expect(await actionsOf('rolled')).toEqual([]);
  });
});
