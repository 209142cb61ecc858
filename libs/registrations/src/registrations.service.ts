import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentOrigin } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import {
  type RegistrationHostType,
  AuditLogRepository,
  isUniqueViolation,
  PartyBans,
  type RegistrationEntity,
  type RegistrationHost,
  RegistrationsRepository,
} from '@ggzy/persistence';

/** How each host's registrations are named in the audit trail (a lease's as before the move). */
const AUDIT_NAMES: Record<RegistrationHostType, { entityType: string; hostKey: string }> = {
  lease_listing: { entityType: 'lease_registration', hostKey: 'listingId' },
  transfer_project: { entityType: 'transfer_registration', hostKey: 'projectId' },
  tender_project: { entityType: 'tender_registration', hostKey: 'projectId' },
  procurement_project: { entityType: 'procurement_registration', hostKey: 'projectId' },
};

/**
 * Apply → qualify (the deposit has arrived) → bidder code, for every line. The host (a lease
 * listing, a transfer project) decides when its registration is open and holds its own lock
 * around a decision; these steps run inside the host's transaction (`manager`) and write their
 * own audit entries.
 */
@Injectable()
export class RegistrationsService {
  constructor(
    private readonly registrations: RegistrationsRepository,
    private readonly audit: AuditLogRepository,
    private readonly partyBans: PartyBans,
  ) {}

  /**
   * A pending application; PARTY_BANNED while the bidder is banned (credit), ALREADY_REGISTERED
   * the second time (the unique key's failure ends the caller's transaction, so nothing of it
   * is written).
   */
  async apply(
    manager: EntityManager,
    host: RegistrationHost,
    bidderId: string,
    now: Date,
    organizationCode: string | null = null,
  ) {
    await this.partyBans.refuseIfBanned(manager, bidderId, now);
    try {
      const created = await this.registrations.insert(manager, host, bidderId, organizationCode);
      // Early warning's sighting: the request's address and device (none outside a request).
      const origin = currentOrigin();
      if (origin.clientAddress !== null || origin.deviceFingerprint !== null)
        await this.registrations.recordOrigin(manager, created.id, origin);
      await this.audit.append(manager, {
        at: now,
        actorId: bidderId,
        action: 'registration.created',
        entityType: AUDIT_NAMES[host.hostType].entityType,
        entityId: created.id,
        data: { [AUDIT_NAMES[host.hostType].hostKey]: host.hostId },
      });
      return { id: created.id, status: created.status };
    } catch (error) {
      if (isUniqueViolation(error, 'registrations_host_organization_key'))
        throw new DomainError('ORGANIZATION_ALREADY_REGISTERED', 'this organisation has already applied');
      if (isUniqueViolation(error))
        throw new DomainError('ALREADY_REGISTERED', 'you have already applied for this listing');
      throw error;
    }
  }

  /**
   * Staff confirm the deposit arrived; the bidder gets its code (竞买号). Call under the host's
   * lock. `depositReceivedAt`: when the deposit was received, if before now (its deposit's time).
   * A bidder banned since it applied gets no code (PARTY_BANNED). `organizationName`: the
   * organisation's registered name staff confirmed (a supplier that applied with a code; checked
   * with confirmedOrganizationName before anything is written) — how the public names it.
   */
  async qualify(
    manager: EntityManager,
    staffId: string,
    host: RegistrationHost,
    registrationId: string,
    now: Date,
    depositReceivedAt: Date = now,
    organizationName: string | null = null,
  ) {
    const registration = await this.mustFindPending(manager, host, registrationId);
    if (organizationName !== null && registration.organizationCode === null)
      throw new DomainError(
        'ORGANIZATION_NAME_INVALID',
        'this registration names no organisation, so it has no registered name to confirm',
      );
    await this.partyBans.refuseIfBanned(manager, registration.bidderId, now);
    const bidderCode = await this.newBidderCode(manager, host);
    await this.registrations.update(manager, registrationId, {
      status: 'qualified',
      bidderCode,
      depositReceivedAt,
      decidedBy: staffId,
      decidedAt: now,
      ...(organizationName === null ? {} : { organizationName }),
    });
    await this.audit.append(manager, {
      at: now,
      actorId: staffId,
      action: 'registration.qualified',
      entityType: AUDIT_NAMES[host.hostType].entityType,
      entityId: registrationId,
      data: {
        [AUDIT_NAMES[host.hostType].hostKey]: host.hostId,
        bidderId: registration.bidderId,
        bidderCode,
        ...(organizationName === null ? {} : { organizationName }),
      },
    });
    return { id: registrationId, status: 'qualified' as const, bidderCode };
  }

  /** Staff refuse an application with a reason. Call under the host's lock. */
  async reject(
    manager: EntityManager,
    staffId: string,
    host: RegistrationHost,
    registrationId: string,
    reason: string,
    now: Date,
  ) {
    const registration = await this.mustFindPending(manager, host, registrationId);
    await this.registrations.update(manager, registrationId, {
      status: 'rejected',
      rejectReason: reason,
      decidedBy: staffId,
      decidedAt: now,
    });
    await this.audit.append(manager, {
      at: now,
      actorId: staffId,
      action: 'registration.rejected',
      entityType: AUDIT_NAMES[host.hostType].entityType,
      entityId: registrationId,
      data: { [AUDIT_NAMES[host.hostType].hostKey]: host.hostId, bidderId: registration.bidderId, reason },
    });
    return { id: registrationId, status: 'rejected' as const, reason };
  }

  list(host: RegistrationHost, limit: number, offset: number) {
    return this.registrations.list(host, limit, offset);
  }

  listOfBidder(hostType: RegistrationHostType, bidderId: string, limit: number, offset: number) {
    return this.registrations.listOfBidder(hostType, bidderId, limit, offset);
  }

  private async mustFindPending(
    manager: EntityManager,
    host: RegistrationHost,
    registrationId: string,
  ): Promise<RegistrationEntity> {
    const registration = await this.registrations.find(host, registrationId, manager);
    if (!registration)
      throw new DomainError('REGISTRATION_NOT_FOUND', 'no such registration for this listing');
    if (registration.status !== 'pending') {
      throw new DomainError(
        'REGISTRATION_ALREADY_DECIDED',
        `this registration is already ${registration.status}`,
      );
    }
    return registration;
  }

  /**
   * 竞买号: six random digits from the CSPRNG, unique within the host, so a code tells rivals
   * nothing about how many bidders there are or in which order they qualified. The host's lock
   * serialises code choice, so the taken-code check cannot race.
   */
  private async newBidderCode(manager: EntityManager, host: RegistrationHost) {
    for (;;) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      if (!(await this.registrations.bidderCodeTaken(manager, host, code))) return code;
    }
  }
}
