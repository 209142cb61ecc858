import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  calendarDateInZone,
  checkSanction,
  DomainError,
  isSupportedDate,
  type Sanction,
  type SanctionKind,
  type SanctionReason,
  SUPPORTED_YEARS,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  sanctionRecordedEntry,
  type SanctionRow,
  SanctionsRepository,
  UsersRepository,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { toPublicCreditEntry, toSanctionView } from './credit.views.js';
import { databaseNow } from './database-now.js';

/** What a supervisor records: a warning, or a ban with its last day; from today unless it says. */
export interface RecordSanction {
  partyId: string;
  kind: SanctionKind;
  reason: SanctionReason;
  basis: string;
  sourceRef?: string;
  startsOn?: string;
  bannedUntil?: string;
}

type NewSanction = Omit<Sanction, 'id' | 'revokedOn'>;

/**
 * Credit (信用): supervisors record sanctions against a party and lift them early; the public
 * reads the credit list. The ban check every line makes (PartyBans) and a defaulting winner's
 * record (RefusalToSignRecords) live in persistence, below the lines. Dates are CENTRE_TZ days
 * and "today" is the database's.
 */
@Injectable()
export class CreditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sanctions: SanctionsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get timeZone() {
    return this.config.CENTRE_TZ;
  }

  async record(supervisor: AuthUser, input: RecordSanction) {
    return this.dataSource.transaction(async (manager) => {
      const now = await databaseNow(manager);
      const sanction: NewSanction = {
        partyId: input.partyId,
        kind: input.kind,
        reason: input.reason,
        basis: input.basis.trim(),
        sourceRef: input.sourceRef?.trim() || null,
        startsOn: input.startsOn ?? calendarDateInZone(now, this.timeZone),
        bannedUntil: input.bannedUntil ?? null,
      };
      checkSupportedDates(sanction);
      checkSanction(sanction);
      // A party is a bidder's account (bidders, suppliers, buyers, complainants): none other is sanctioned.
      const party = await this.users.findById(sanction.partyId, manager);
      if (!party || !party.roles.includes('bidder'))
        throw new DomainError(
          'PARTY_NOT_FOUND',
          'no such party: sanctions are recorded against bidder accounts',
        );
      const row = await this.recordIn(manager, supervisor.id, sanction, now);
      return toSanctionView(row, now, this.timeZone);
    });
  }

  /**
   * Records a checked sanction in the caller's transaction, with its audit entry: for commands
   * that end in one (a complaint found false). `recordedBy` null is the platform itself.
   */
  async recordIn(
    manager: EntityManager,
    recordedBy: string | null,
    sanction: NewSanction,
    now: Date,
  ): Promise<SanctionRow> {
    checkSanction(sanction);
    const row = await this.sanctions.insert(manager, { ...sanction, recordedBy, recordedAt: now });
    await this.audit.append(manager, sanctionRecordedEntry(recordedBy, row, now));
    return row;
  }

  /**
   * Lifts a sanction from today (the database's, CENTRE_TZ): from 00:00 today it bans nothing.
   * A sanction is lifted once (SANCTION_ALREADY_REVOKED); it is never deleted.
   */
  async revoke(supervisor: AuthUser, sanctionId: string, reason: string) {
    return this.dataSource.transaction(async (manager) => {
      const sanction = await this.sanctions.findById(manager, sanctionId, { lock: true });
      if (!sanction) throw new DomainError('SANCTION_NOT_FOUND', 'no such sanction');
      if (sanction.revokedOn !== null)
        throw new DomainError(
          'SANCTION_ALREADY_REVOKED',
          `this sanction was lifted on ${sanction.revokedOn}`,
          {
            revokedOn: sanction.revokedOn,
          },
        );
      const now = await databaseNow(manager);
      const revokedOn = calendarDateInZone(now, this.timeZone);
      const revocation = { revokedOn, revokedBy: supervisor.id, revokedAt: now, reason: reason.trim() };
      // Locked above: only a bug could have lifted it in between.
      if (!(await this.sanctions.revoke(manager, sanctionId, revocation)))
        throw new Error(`sanction ${sanctionId} changed while it was locked`);
      await this.audit.append(manager, {
        at: now,
        actorId: supervisor.id,
        action: 'sanction.revoked',
        entityType: 'sanction',
        entityId: sanctionId,
        data: { partyId: sanction.partyId, revokedOn, reason: revocation.reason },
      });
      const lifted = (await this.sanctions.findById(manager, sanctionId))!;
      return toSanctionView(lifted, now, this.timeZone);
    });
  }

  /** A party (a bidder account) by its exact username, for a supervisor about to record a sanction. */
  async findParty(username: string) {
    const party = await this.users.findByUsername(username);
    if (!party || !party.roles.includes('bidder')) throw new DomainError('PARTY_NOT_FOUND', 'no such party');
    return { id: party.id, username: party.username, displayName: party.displayName, orgCode: party.orgCode };
  }

  async findById(sanctionId: string) {
    const [sanction, now] = await Promise.all([this.sanctions.findById(null, sanctionId), this.now()]);
    if (!sanction) throw new DomainError('SANCTION_NOT_FOUND', 'no such sanction');
    return toSanctionView(sanction, now, this.timeZone);
  }

  async list(filter: {
    partyId?: string;
    kind?: SanctionKind;
    inForce?: boolean;
    limit: number;
    offset: number;
  }) {
    const [{ items, total }, now] = await Promise.all([
      this.sanctions.list({ ...filter, timeZone: this.timeZone }),
      this.now(),
    ]);
    return { items: items.map((item) => toSanctionView(item, now, this.timeZone)), total };
  }

  /** The public credit list (no sign-in): disclosed as credit.views says. */
  async publicList(filter: { q?: string; limit: number; offset: number }) {
    const [{ items, total }, now] = await Promise.all([this.sanctions.listPublic(filter), this.now()]);
    return { items: items.map((item) => toPublicCreditEntry(item, now, this.timeZone)), total };
  }

  private now() {
    return databaseNow(this.dataSource.manager);
  }
}

/** Days the calendar can count from: a ban's "day after" must be a real date. */
function checkSupportedDates(sanction: NewSanction) {
  const problems = (['startsOn', 'bannedUntil'] as const)
    .filter((field) => sanction[field] !== null && !isSupportedDate(sanction[field]!))
    .map((field) => ({
      field,
      rule: `a calendar date YYYY-MM-DD in ${SUPPORTED_YEARS.first}–${SUPPORTED_YEARS.last}`,
    }));
  if (problems.length > 0) throw new DomainError('VALIDATION_FAILED', 'the sanction is incomplete', problems);
}
