import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import { calendarDateInZone } from '@ggzy/domain';
import {
  AuditLogRepository,
  ProcurementEvaluationRepository,
  ProcurementProjectsRepository,
} from '@ggzy/persistence';

/**
 * The worker's watch over awarded procurements: a contract not signed within 30 days of the
 * award notice is an alert (audit `procurement.contract_overdue` and a warning, once per
 * project), never a status change — staff decide what follows.
 */
@Injectable()
export class ProcurementContractWatch {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProcurementProjectsRepository,
    private readonly evaluations: ProcurementEvaluationRepository,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async flagOverdueContracts(): Promise<number> {
    const flagged = await this.dataSource.transaction(async (manager) => {
      const now = await this.projects.databaseNow(manager);
      const overdue = await this.evaluations.markContractsOverdue(
        manager,
        calendarDateInZone(now, this.config.CENTRE_TZ),
      );
      for (const project of overdue)
        await this.audit.append(manager, {
          at: project.overdueAt,
          actorId: null,
          action: 'procurement.contract_overdue',
          entityType: 'procurement_project',
          entityId: project.projectId,
          data: { contractDueOn: project.contractDueOn },
        });
      return overdue;
    });
    for (const project of flagged)
      this.logger.warn(
        {
          alert: 'procurement.contract_overdue',
          projectId: project.projectId,
          contractDueOn: project.contractDueOn,
        },
        'procurement contract not signed within 30 days of the award notice',
      );
    return flagged.length;
  }
}
