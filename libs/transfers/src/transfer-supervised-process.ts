import { Injectable } from '@nestjs/common';
import { INITIAL_TRANSFER_STATUS } from '@ggzy/domain';
import { RegistrationsRepository, TransferProjectsRepository } from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import type { SupervisedProcess } from '@ggzy/registrations';
import { TransfersService } from './transfers.service.js';

/**
 * A property-rights transfer as supervision reaches it (issue 10's complaints), through the
 * project's own commands: suspend and resume (its auction pauses and resumes like a lease's) and
 * terminate. Re-listing needs staff's new terms, so a re-run ends this project (terminated, the
 * decision its public reason) and staff register the new one; a correction changes nothing here.
 */
@Injectable()
export class TransferSupervisedProcess implements SupervisedProcess {
  readonly line = 'transfer' as const;

  constructor(
    private readonly projects: TransferProjectsRepository,
    private readonly registrations: RegistrationsRepository,
    private readonly service: TransfersService,
  ) {}

  async find(projectId: string) {
    const project = await this.projects.findById(projectId);
    if (!project || project.status === INITIAL_TRANSFER_STATUS) return null;
    return {
      id: project.id,
      title: project.title,
      status: project.status,
      suspended: project.status === 'suspended',
      suspensionComplaintId: project.status === 'suspended' ? project.suspensionComplaintId : null,
    };
  }

  async isParticipant(projectId: string, partyId: string) {
    return (
      (await this.registrations.findOf({ hostType: 'transfer_project', hostId: projectId }, partyId)) !== null
    );
  }

  /** The disclosure notice (挂牌公告) and the sale (成交). */
  async stagePublishedOn(projectId: string, stage: string) {
    const project = await this.projects.findById(projectId);
    if (!project) return null;
    return stage === 'announcement' ? project.publishedOn : stage === 'result' ? project.soldOn : null;
  }

  async suspend(actor: AuthUser, projectId: string, reason: string, complaintId: string) {
    await this.service.suspend(actor, projectId, reason, complaintId);
  }

  async resume(actor: AuthUser, projectId: string, complaintId: string) {
    await this.service.resume(actor, projectId, complaintId);
  }

  /** 终止, from `suspended` too (the table's `suspended → terminated`, before a sale): the project ends. */
  async terminate(actor: AuthUser, projectId: string, reason: string) {
    await this.service.terminate(actor, projectId, reason);
  }

  async reRun(actor: AuthUser, projectId: string, reason: string) {
    await this.service.terminate(actor, projectId, reason);
  }

  /** Never a resume: a suspension is lifted only by the complaint that ordered it. */
  async correct(): Promise<void> {}
}
