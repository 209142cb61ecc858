import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { calendarDateInZone } from '@ggzy/domain';
import { LeaseListingsRepository, RegistrationsRepository } from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import type { SupervisedProcess } from '@ggzy/registrations';
import { LeaseListingsService } from './lease-listings.service.js';

/**
 * A lease listing as supervision reaches it (issue 10's complaints), through the listing's own
 * commands: suspend and resume (a live auction pauses for every connected client and resumes
 * with the time it had left), and cancel for the remedies that end it. A lease has no re-listing
 * command: a re-run ends this listing (cancelled, with the decision as its public reason) and staff
 * publish a new one; a correction leaves it as it is (staff correct what the decision names).
 */
@Injectable()
export class LeaseSupervisedProcess implements SupervisedProcess {
  readonly line = 'lease' as const;

  constructor(
    private readonly listings: LeaseListingsRepository,
    private readonly registrations: RegistrationsRepository,
    private readonly service: LeaseListingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async find(projectId: string) {
    const listing = await this.listings.findById(projectId);
    if (!listing || listing.status === 'draft') return null;
    return {
      id: listing.id,
      title: listing.title,
      status: listing.status,
      suspended: listing.status === 'suspended',
      suspensionComplaintId: listing.status === 'suspended' ? listing.suspensionComplaintId : null,
    };
  }

  async isParticipant(projectId: string, partyId: string) {
    return (
      (await this.registrations.findOf({ hostType: 'lease_listing', hostId: projectId }, partyId)) !== null
    );
  }

  /** The notice (公告) is the listing's published act; its result is the auction's close. */
  async stagePublishedOn(projectId: string, stage: string) {
    const listing = await this.listings.findById(projectId);
    const at =
      stage === 'announcement' ? listing?.publishedAt : stage === 'result' ? listing?.closedAt : null;
    return at ? calendarDateInZone(at, this.config.CENTRE_TZ) : null;
  }

  async suspend(actor: AuthUser, projectId: string, reason: string, complaintId: string) {
    await this.service.suspend(actor, projectId, reason, complaintId);
  }

  async resume(actor: AuthUser, projectId: string, complaintId: string) {
    await this.service.resume(actor, projectId, complaintId);
  }

  /** Cancelled, from `suspended` too (the auction table's `suspended → cancelled`): the listing ends. */
  async terminate(actor: AuthUser, projectId: string, reason: string) {
    await this.service.cancel(actor, projectId, reason);
  }

  async reRun(actor: AuthUser, projectId: string, reason: string) {
    await this.service.cancel(actor, projectId, reason);
  }

  /** Never a resume: a suspension is lifted only by the complaint that ordered it. */
  async correct(): Promise<void> {}
}
