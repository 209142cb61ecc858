import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { calendarDateInZone, nextTenderStatus } from '@ggzy/domain';
import { RegistrationsRepository, TenderProjectsRepository } from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { type SupervisedProcess, suspendedByAnother } from '@ggzy/registrations';
import { TendersService } from './tenders.service.js';
import { TenderObjectionsService } from './tender-objections.service.js';
import { TenderEvaluationService } from './tender-evaluation.service.js';

/**
 * A construction tender as supervision reaches it (issue 10's complaints): who may complain,
 * the days its acts were published (notice, opening record, candidates' publicity), and its own
 * `terminate`. A re-run fails it from the opening on (re-tendering, `retender`, starts from a failed
 * tender: staff open the new round); before the opening it terminates it. Suspend and resume are
 * the supervisor's (TenderObjectionsService): timers freeze as for an objection, and the paused
 * days are given back.
 */
@Injectable()
export class TenderSupervisedProcess implements SupervisedProcess {
  readonly line = 'construction' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: TenderProjectsRepository,
    private readonly registrations: RegistrationsRepository,
    private readonly service: TendersService,
    private readonly objections: TenderObjectionsService,
    private readonly evaluation: TenderEvaluationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async find(projectId: string) {
    const project = await this.projects.findById(projectId);
    if (!project || project.status === 'registered') return null;
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
      (await this.registrations.findOf({ hostType: 'tender_project', hostId: projectId }, partyId)) !== null
    );
  }

  async stagePublishedOn(projectId: string, stage: string) {
    const project = await this.projects.findById(projectId);
    if (!project) return null;
    if (stage === 'announcement') return project.announcedOn;
    if (stage === 'opening')
      return project.openedAt ? calendarDateInZone(project.openedAt, this.config.CENTRE_TZ) : null;
    if (stage === 'candidates') {
      const [row] = (await this.dataSource.query(
        `SELECT to_char(publicity_starts_on, 'YYYY-MM-DD') AS "startsOn" FROM tender_evaluations WHERE project_id = $1`,
        [projectId],
      )) as { startsOn: string | null }[];
      return row?.startsOn ?? null;
    }
    return null;
  }

  async suspend(actor: AuthUser, projectId: string, reason: string, complaintId: string) {
    await this.objections.suspendBySupervisor(actor, projectId, reason, complaintId);
  }

  /** The complaint's suspension lifted; an objection still waiting keeps the tender suspended. */
  async resume(actor: AuthUser, projectId: string, complaintId: string) {
    await this.objections.liftForComplaint(actor, projectId, complaintId);
  }

  /** 终止, from `suspended` too (the table's `suspended → terminated`): the tender ends. */
  async terminate(actor: AuthUser, projectId: string, reason: string) {
    await this.service.terminate(actor, projectId, reason);
  }

  /**
   * 重新招标: the tender fails (the decision its public reason) where the lifecycle allows it — from
   * the opening on, in its own status or the one a suspension would resume to — so staff open the
   * next round (POST /api/tenders/:id/retender). Before the opening the table has no failure (a
   * tender fails on what its bids show), so it is terminated as before and staff start anew.
   * The table has no failure from `suspended`: only the complaint's own suspension is lifted first;
   * another's (a supervisor's order, another complaint, an objection waiting) refuses the re-run
   * (PROJECT_SUSPENDED_BY_ANOTHER) until its holder lifts it.
   */
  async reRun(actor: AuthUser, projectId: string, reason: string, complaintId: string) {
    const project = await this.projects.findById(projectId);
    const suspended = project?.status === 'suspended';
    const current = suspended ? project.resumeTo : project?.status;
    if (!project || !current || !nextTenderStatus(current, 'fail')) {
      await this.service.terminate(actor, projectId, reason);
      return;
    }
    if (suspended) {
      if (!project.supervisorSuspension) throw suspendedByAnother('objection');
      if (project.suspensionComplaintId !== complaintId)
        throw suspendedByAnother(project.suspensionComplaintId ? 'complaint' : 'supervisor');
      await this.objections.liftForComplaint(actor, projectId, complaintId, { mustResume: true });
    }
    await this.evaluation.fail(actor, projectId, reason);
  }

  /**
   * Staff correct what the decision names (an amendment notice); the tender goes on. Never a
   * resume: a suspension is lifted only by the complaint that ordered it (ComplaintsService).
   */
  async correct(): Promise<void> {}
}
