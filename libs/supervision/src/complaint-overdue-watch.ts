import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import type { ComplaintLine } from '@ggzy/domain';
import { type AlertProcessType, ComplaintsRepository } from '@ggzy/persistence';
import { BusinessCalendarService } from '@ggzy/calendar';
import { AlertsService } from './alerts.service.js';
import { overdueComplaintSteps } from './complaints.service.js';

/** The alerts' name for each line's projects. */
const ALERT_PROCESS: Record<ComplaintLine, AlertProcessType> = {
  lease: 'lease_listing',
  transfer: 'transfer_project',
  construction: 'tender_project',
  procurement: 'procurement_project',
};

/**
 * The worker's watch over the supervisors' own deadlines (受理, 答复, 处理决定, 材料, 恢复): every
 * step of a pending complaint past its last day raises one COMPLAINT_OVERDUE alert — once per step
 * (the alert's evidence key is complaint, step and document request), however often it runs.
 */
@Injectable()
export class ComplaintOverdueWatch {
  constructor(
    private readonly complaints: ComplaintsRepository,
    private readonly calendars: BusinessCalendarService,
    private readonly alerts: AlertsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<{ overdue: number; raised: number }> {
    const [pending, now, calendar] = await Promise.all([
      this.complaints.pending(),
      this.complaints.databaseNow(),
      this.calendars.calendar(),
    ]);
    const steps = overdueComplaintSteps(pending, now, calendar, this.config.CENTRE_TZ);
    if (steps.length === 0) return { overdue: 0, raised: 0 };
    const raised = await this.alerts.raise(
      null,
      steps.map((step) => ({
        ruleId: 'COMPLAINT_OVERDUE' as const,
        processType: ALERT_PROCESS[step.projectType],
        processId: step.projectId,
        evidence: {
          complaintId: step.complaintId,
          step: step.step,
          ...(step.documentRequestId ? { documentRequestId: step.documentRequestId } : {}),
          dueOn: step.dueOn,
        },
      })),
    );
    return { overdue: steps.length, raised: raised.length };
  }
}
