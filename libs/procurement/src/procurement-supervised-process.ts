import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { calendarDateInZone } from '@ggzy/domain';
import { RegistrationsRepository, ProcurementProjectsRepository } from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import type { SupervisedProcess } from '@ggzy/registrations';
import { ProcurementService } from './procurement.service.js';

/**
 * A government procurement as supervision reaches it (issue 10's complaints and challenges): who
 * may file, the days its acts were published (notice, opening record, result), and its own
 * `terminate`. A re-run terminates it too, the decision as its public reason, until the re-plan
 * (branch issue9-rest) can be wired. Suspend and resume are the procurement's own: 30 days at most
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

  async suspend(actor: AuthUser, projectId: string, reason: string) {
    await this.service.suspend(actor, projectId, reason);
  }

  async resume(actor: AuthUser, projectId: string) {
    await this.service.resume(actor, projectId);
  }

  async terminate(actor: AuthUser, projectId: string, reason: string) {
    await this.service.terminate(actor, projectId, reason);
  }

  async reRun(actor: AuthUser, projectId: string, reason: string) {
    await this.service.terminate(actor, projectId, reason);
  }

  /**
   * The purchaser corrects what the decision names (an amendment); the procurement goes on. Never
   * a resume: a suspension is lifted only by the complaint that ordered it (ComplaintsService).
   */
  async correct(): Promise<void> {}
}
