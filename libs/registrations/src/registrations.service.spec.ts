import { randomUUID } from 'node:crypto';
import { DomainError, type ErrorCode } from '@ggzy/domain';
import type {
  AuditLogRepository,
  PartyBans,
  RegistrationHost,
  RegistrationsRepository,
} from '@ggzy/persistence';
import {
  FakeAuditLogRepository,
  FakeDatabase,
  FakePartyBans,
  FakeRegistrationsRepository,
  strict,
} from '../../../test/fakes/persistence.js';
import { RegistrationsService } from './registrations.service.js';

/**
 * Registrations as one capability for every line, over in-memory repositories: the same steps
 * for a lease listing and a transfer project, each keyed by its host, each audited under its
 * line's names, and refusals that write nothing.
 */
const T0 = new Date('2026-06-01T02:00:00.000Z');

function setup() {
  const db = new FakeDatabase(T0);
  const registrations = new FakeRegistrationsRepository(db);
  const audit = new FakeAuditLogRepository(db);
  const partyBans = new FakePartyBans();
  const service = new RegistrationsService(
    strict<RegistrationsRepository>(registrations, 'RegistrationsRepository'),
    strict<AuditLogRepository>(audit, 'AuditLogRepository'),
    partyBans as unknown as PartyBans,
  );
  return { db, audit, service, partyBans };
}

async function refused(run: () => Promise<unknown>): Promise<ErrorCode> {
  try {
    await run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each<[string, RegistrationHost['hostType'], string, string]>([
  ['a lease listing', 'lease_listing', 'lease_registration', 'listingId'],
  ['a transfer project', 'transfer_project', 'transfer_registration', 'projectId'],
])('RegistrationsService for %s', (_name, hostType, entityType, hostKey) => {
  const host = (): RegistrationHost => ({ hostType, hostId: randomUUID() });
  const bidderId = randomUUID();
  const staffId = randomUUID();

  it('applies once per bidder and host, audited under the line’s names; ALREADY_REGISTERED the second time', async () => {
    const s = setup();
    const target = host();
    const created = await s.db.transaction((manager) => s.service.apply(manager, target, bidderId, T0));
    expect(created).toEqual({ id: expect.any(String), status: 'pending' });
    expect(s.db.tables.registrations.get(created.id)).toMatchObject({
      ...target,
      bidderId,
      status: 'pending',
    });
    expect(s.audit.entries()).toEqual([
      expect.objectContaining({
        action: 'registration.created',
        entityType,
        entityId: created.id,
        data: { [hostKey]: target.hostId },
      }),
    ]);
    const before = structuredClone(s.db.tables);
    expect(await refused(() => s.db.transaction((m) => s.service.apply(m, target, bidderId, T0)))).toBe(
      'ALREADY_REGISTERED',
    );
    expect(s.db.tables).toEqual(before);
    // The same bidder on another host is another registration.
    await s.db.transaction((manager) => s.service.apply(manager, host(), bidderId, T0));
    expect(s.db.tables.registrations.size).toBe(2);
  });

  it('qualifies with a six-digit code unique within the host, then refuses a second decision', async () => {
    const s = setup();
    const target = host();
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const { id } = await s.db.transaction((m) => s.service.apply(m, target, randomUUID(), T0));
      ids.push(id);
    }
    const codes = new Set<string>();
    for (const id of ids) {
      const result = await s.db.transaction((m) => s.service.qualify(m, staffId, target, id, T0));
      expect(result).toEqual({ id, status: 'qualified', bidderCode: expect.stringMatching(/^\d{6}$/) });
      codes.add(result.bidderCode);
      expect(s.db.tables.registrations.get(id)).toMatchObject({
        status: 'qualified',
        bidderCode: result.bidderCode,
        depositReceivedAt: T0,
        decidedBy: staffId,
        decidedAt: T0,
      });
    }
    expect(codes.size).toBe(ids.length);
    const qualifiedEntry = s.audit.entries(ids[0]).find((entry) => entry.action === 'registration.qualified');
    expect(qualifiedEntry).toMatchObject({ entityType, data: { [hostKey]: target.hostId } });
    const before = structuredClone(s.db.tables);
    expect(
      await refused(() => s.db.transaction((m) => s.service.qualify(m, staffId, target, ids[0], T0))),
    ).toBe('REGISTRATION_ALREADY_DECIDED');
    expect(
      await refused(() =>
        s.db.transaction((m) => s.service.reject(m, staffId, target, ids[0], '材料不全', T0)),
      ),
    ).toBe('REGISTRATION_ALREADY_DECIDED');
    expect(s.db.tables).toEqual(before);
  });

  it('refuses a banned bidder (PARTY_BANNED) at applying and at qualifying, writing nothing; a warning refuses nothing', async () => {
    const s = setup();
    const target = host();
    const banned = randomUUID();
    const warned = randomUUID();
    const lateBanned = randomUUID();
    // T0 is 10:00 on 2026-06-01 in Shanghai: a ban through that day holds, one through the day before does not.
    const sanction = (partyId: string, kind: 'warning' | 'ban', bannedUntil: string | null) => ({
      id: randomUUID(),
      partyId,
      kind,
      reason: 'misconduct' as const,
      basis: '招标投标法 第54条',
      sourceRef: null,
      startsOn: '2026-05-01',
      bannedUntil,
      revokedOn: null,
    });
    s.partyBans.sanctions.push(
      sanction(banned, 'ban', '2026-06-01'),
      sanction(warned, 'warning', null),
      sanction(randomUUID(), 'ban', '2026-05-31'),
    );
    const before = structuredClone(s.db.tables);
    expect(await refused(() => s.db.transaction((m) => s.service.apply(m, target, banned, T0)))).toBe(
      'PARTY_BANNED',
    );
    expect(s.db.tables).toEqual(before);
    await s.db.transaction((m) => s.service.apply(m, target, warned, T0));
    const { id } = await s.db.transaction((m) => s.service.apply(m, target, lateBanned, T0));
    s.partyBans.sanctions.push(sanction(lateBanned, 'ban', '2026-12-31'));
    const applied = structuredClone(s.db.tables);
    expect(await refused(() => s.db.transaction((m) => s.service.qualify(m, staffId, target, id, T0)))).toBe(
      'PARTY_BANNED',
    );
    expect(s.db.tables).toEqual(applied);
  });

  it('rejects with a reason; another host’s registration id is REGISTRATION_NOT_FOUND', async () => {
    const s = setup();
    const target = host();
    const { id } = await s.db.transaction((m) => s.service.apply(m, target, bidderId, T0));
    const before = structuredClone(s.db.tables);
    expect(
      await refused(() => s.db.transaction((m) => s.service.reject(m, staffId, host(), id, 'x', T0))),
    ).toBe('REGISTRATION_NOT_FOUND');
    expect(s.db.tables).toEqual(before);
    expect(await s.db.transaction((m) => s.service.reject(m, staffId, target, id, '材料不全', T0))).toEqual({
      id,
      status: 'rejected',
      reason: '材料不全',
    });
    expect(s.db.tables.registrations.get(id)).toMatchObject({ status: 'rejected', rejectReason: '材料不全' });
    expect(s.audit.entries(id).map((entry) => entry.action)).toEqual([
      'registration.created',
      'registration.rejected',
    ]);
  });

  it('lists a host’s registrations oldest first, and a bidder’s own on this line newest first', async () => {
    const s = setup();
    const target = host();
    const first = await s.db.transaction((m) => s.service.apply(m, target, bidderId, T0));
    s.db.advance(1000);
    const second = await s.db.transaction((m) => s.service.apply(m, target, randomUUID(), T0));
    s.db.advance(1000);
    const elsewhere = await s.db.transaction((m) => s.service.apply(m, host(), bidderId, T0));
    const listed = await s.service.list(target, 10, 0);
    expect(listed.items.map((r) => r.id)).toEqual([first.id, second.id]);
    expect(listed.total).toBe(2);
    const own = await s.service.listOfBidder(hostType, bidderId, 10, 0);
    expect(own.items.map((r) => r.id)).toEqual([elsewhere.id, first.id]);
    const otherLine = hostType === 'lease_listing' ? 'transfer_project' : 'lease_listing';
    expect((await s.service.listOfBidder(otherLine, bidderId, 10, 0)).total).toBe(0);
  });
});
