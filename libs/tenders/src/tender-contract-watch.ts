import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import { calendarDateInZone } from '@ggzy/domain';
import { AuditLogRepository, TenderEvaluationRepository, TenderProjectsRepository } from '@ggzy/persistence';

/**
 * The worker's watch over awarded tenders: a contract not signed within 30 days of the award
 * notice is an alert (audit `tender.contract_overdue` and a warning, once per tender), never a
 * status change — staff decide (the next candidate, or fail the tender).
 */
@Injectable()
export class TenderContractWatch {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: TenderProjectsRepository,
    private readonly evaluations: TenderEvaluationRepository,
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
      for (const tender of overdue)
        await this.audit.append(manager, {
          at: tender.overdueAt,
          actorId: null,
          action: 'tender.contract_overdue',
          entityType: 'tender_project',
          entityId: tender.projectId,
          data: { contractDueOn: tender.contractDueOn },
        });
      return overdue;
    });
    for (const tender of flagged)
      this.logger.warn(
        {
          alert: 'tender.contract_overdue',
          projectId: tender.projectId,
          contractDueOn: tender.contractDueOn,
        },
        'tender contract not signed within 30 days of the award notice',
      );
    return flagged.length;
  }
}
