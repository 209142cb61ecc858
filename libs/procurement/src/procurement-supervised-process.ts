import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { calendarDateInZone, nextProcurementStatus } from '@ggzy/domain';
import { RegistrationsRepository, ProcurementProjectsRepository } from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { type SupervisedProcess, suspendedByAnother } from '@ggzy/registrations';
import { ProcurementService } from './procurement.service.js';

/**
 * A government procurement as supervision reaches it (issue 10's complaints and challenges): who
 * may file, the days its acts were published (notice, opening record, result), and its own
 * `terminate`. A re-run fails it where its table allows (then staff re-plan it). Suspend and resume are the procurement's own: 30 days at most
 * (政府采购法 第57条), the worker resumes one past its cap.
 */
@Injectable()
export class ProcurementSupervisedProcess implements SupervisedProcess {
  readonly line = 'procurement' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProcurementProjectsRepository,
    private readonly registrations: RegistrationsRepository,
    private readonly service: ProcurementService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async find(projectId: string) {
    const project = await this.projects.findById(projectId);
    if (!project || project.status === 'planned') return null;
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
      (await this.registrations.findOf({ hostType: 'procurement_project', hostId: projectId }, partyId)) !==
      null
    );
  }

  async stagePublishedOn(projectId: string, stage: string) {
    const project = await this.projects.findById(projectId);
    if (!project) return null;
    if (stage === 'announcement') return project.announcedOn;
    if (stage === 'opening')
      return project.openedAt ? calendarDateInZone(project.openedAt, this.config.CENTRE_TZ) : null;
    if (stage === 'result') {
      const [row] = (await this.dataSource.query(
        `SELECT to_char(award_notice_on, 'YYYY-MM-DD') AS "startsOn" FROM procurement_evaluations WHERE project_id = $1`,
        [projectId],
      )) as { startsOn: string | null }[];
      return row?.startsOn ?? null;
    }
    return null;
  }

  async suspend(actor: AuthUser, projectId: string, reason: string, complaintId: string) {
    await this.service.suspend(actor, projectId, reason, complaintId);
  }

  async resume(actor: AuthUser, projectId: string, complaintId: string) {
    await this.service.resume(actor, projectId, complaintId);
  }

  /** 终止, from `suspended` too (the table's `suspended → terminated`): the procurement ends. */
  async terminate(actor: AuthUser, projectId: string, reason: string) {
    await this.service.terminate(actor, projectId, reason);
  }

  /**
   * 重新组织采购: the procurement fails (废标, the decision its public reason) where the method's
   * table allows it — from the status it holds, or the one a suspension would resume to — so staff
   * re-plan it (POST /api/procurements/:id/replan); elsewhere (responding, past the evaluation) the
   * table has no failure, and it is terminated as before. The table has no failure from
   * `suspended` either: only the complaint's own suspension is lifted first; another's (a
   * supervisor's order, another complaint) refuses the re-run (PROJECT_SUSPENDED_BY_ANOTHER) until
   * its holder lifts it.
   */
  async reRun(actor: AuthUser, projectId: string, reason: string, complaintId: string) {
    const project = await this.projects.findById(projectId);
    const suspended = project?.status === 'suspended';
    const current = suspended ? project.resumeTo : project?.status;
    if (!project || !current || !nextProcurementStatus(project.method, current, 'fail')) {
      await this.service.terminate(actor, projectId, reason);
      return;
    }
    if (suspended) {
      if (project.suspensionComplaintId !== complaintId)
        throw suspendedByAnother(project.suspensionComplaintId ? 'complaint' : 'supervisor');
      await this.service.resume(actor, projectId, complaintId);
    }
    await this.service.fail(actor, projectId, reason);
  }

  /**
   * The purchaser corrects what the decision names (an amendment); the procurement goes on. Never
   * a resume: a suspension is lifted only by the complaint that ordered it (ComplaintsService).
   */
  async correct(): Promise<void> {}
}
