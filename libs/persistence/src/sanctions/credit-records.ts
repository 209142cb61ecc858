import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { calendarDateInZone, checkNotBanned, isBanned, refusalToSignRecord } from '@ggzy/domain';
import { AuditLogRepository } from '../audit-log.repository.js';
import { type SanctionRow, SanctionsRepository } from './sanctions.repository.js';

/*
 * The two credit steps the lines and the shared libs take themselves, kept here below all of
 * them: libs/supervision (which reads and commands the lines) records and lifts sanctions, and
 * no line or shared lib has to import it.
 */

/**
 * The question every line asks at registration and at bidding (DOMAIN.md: a banned party cannot
 * register for anything): PARTY_BANNED while a ban is in force at `at` — the caller's instant,
 * the database's clock — through 24:00 CENTRE_TZ of its last day. In the caller's transaction,
 * so a refusal writes nothing of what the caller began.
 */
@Injectable()
export class PartyBans {
  constructor(
    private readonly sanctions: SanctionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async refuseIfBanned(manager: EntityManager | null, partyId: string, at: Date): Promise<void> {
    const candidates = await this.sanctions.banCandidatesOf(manager, partyId);
    checkNotBanned(partyId, candidates, at, this.config.CENTRE_TZ);
  }

  /** The same question, answered rather than refused: for a step that passes a banned party over. */
  async isBanned(manager: EntityManager | null, partyId: string, at: Date): Promise<boolean> {
    const candidates = await this.sanctions.banCandidatesOf(manager, partyId);
    return isBanned(partyId, candidates, at, this.config.CENTRE_TZ);
  }
}

/**
 * A lease or transfer winner who did not sign (悔拍) gets a record from the day of the default:
 * a warning, or the district's ban when REFUSAL_TO_SIGN_BAN_MONTHS sets one (credit.ts). Once
 * per process (`processRef`): null when it was already recorded. In the caller's transaction,
 * audited as every sanction is (`sanction.recorded`); `actorId` null is the platform (the worker).
 */
@Injectable()
export class RefusalToSignRecords {
  constructor(
    private readonly sanctions: SanctionsRepository,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async record(
    manager: EntityManager,
    actorId: string | null,
    winnerId: string,
    processRef: string,
    now: Date,
  ): Promise<SanctionRow | null> {
    const record = refusalToSignRecord(
      winnerId,
      processRef,
      calendarDateInZone(now, this.config.CENTRE_TZ),
      this.config.REFUSAL_TO_SIGN_BAN_MONTHS,
    );
    const row = await this.sanctions.insertRefusalToSign(manager, {
      ...record,
      recordedBy: actorId,
      recordedAt: now,
    });
    if (row) await this.audit.append(manager, sanctionRecordedEntry(actorId, row, now));
    return row;
  }
}

/** The audit entry of a recorded sanction, whoever records it. */
export function sanctionRecordedEntry(actorId: string | null, row: SanctionRow, now: Date) {
  return {
    at: now,
    actorId,
    action: 'sanction.recorded',
    entityType: 'sanction',
    entityId: row.id,
    data: {
      partyId: row.partyId,
      kind: row.kind,
      reason: row.reason,
      basis: row.basis,
      sourceRef: row.sourceRef,
      startsOn: row.startsOn,
      bannedUntil: row.bannedUntil,
    },
  };
}
