import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, earlyWarningThresholds, LOGGER, type Logger } from '@ggzy/common';
import {
  type AlertAction,
  type AlertState,
  alertEvidenceKey,
  calendarDateInZone,
  type ComplaintDeadline,
  detectEarlyWarnings,
  DomainError,
  type EarlyWarningAlert,
  type EarlyWarningRuleId,
  type EarlyWarningThresholds,
  earlyWarningRules,
  nextAlertState,
  sharedIdentityAlerts,
} from '@ggzy/domain';
import {
  AlertFactsRepository,
  type AlertFilter,
  type AlertProcessType,
  AlertsRepository,
  AuditLogRepository,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { toAlertSummary, toAlertView } from './alerts.views.js';
import { databaseNow } from './database-now.js';

/**
 * COMPLAINT_OVERDUE's hook: the complaints of a process with their deadlines at `now`
 * (complaint-rules' complaintDeadlines). Provided by the complaints feature when it exists; until
 * then the rule has nothing to look at. The complaints' own watcher may also call
 * AlertsService.raise directly.
 */
export const COMPLAINT_DEADLINES = Symbol('COMPLAINT_DEADLINES');
export interface ComplaintDeadlines {
  ofProcess(
    processType: AlertProcessType,
    processId: string,
    now: Date,
  ): Promise<{ complaintId: string; deadlines: ComplaintDeadline[] }[]>;
}

/** An alert another part of the platform raises (e.g. the complaints' watcher: COMPLAINT_OVERDUE). */
export interface RaiseAlert {
  ruleId: EarlyWarningRuleId;
  processType: AlertProcessType;
  processId: string;
  evidence: Record<string, unknown>;
}

/**
 * Early warning (预警): the detectors of libs/domain over each concluded process, their alerts
 * stored once per finding, and the supervisor's desk (acknowledge, dismiss with a reason,
 * escalate with a note; the lifecycle table decides). It reads the lines through persistence
 * (AlertFactsRepository), never through a line's lib.
 */
@Injectable()
export class AlertsService {
  /** The district's thresholds (EARLY_WARNING_* settings, defaults from early-warning.ts). */
  private readonly thresholds: EarlyWarningThresholds;

  constructor(
    private readonly dataSource: DataSource,
    private readonly alerts: AlertsRepository,
    private readonly facts: AlertFactsRepository,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(COMPLAINT_DEADLINES) private readonly complaints?: ComplaintDeadlines,
  ) {
    this.thresholds = earlyWarningThresholds(config);
  }

  /**
   * Stores alerts, once per (rule, process, evidence key): raising one again is harmless and keeps
   * its state. In the caller's transaction when given. Returns the alerts new to the store.
   */
  async raise(manager: EntityManager | null, alerts: RaiseAlert[]) {
    const now = await databaseNow(manager ?? this.dataSource.manager);
    const raised = await this.alerts.raise(
      manager,
      alerts.map((alert) => ({
        ...alert,
        evidenceKey: alertEvidenceKey({
          ruleId: alert.ruleId,
          processId: alert.processId,
          evidence: alert.evidence,
        }),
      })),
      now,
    );
    if (raised.length > 0)
      this.logger.info(
        {
          alerts: raised.map((alert) => ({ id: alert.id, ruleId: alert.ruleId, processId: alert.processId })),
        },
        'early-warning alerts raised',
      );
    return raised.map(toAlertView);
  }

  /** Every rule over one process (its facts as PostgreSQL has them now); marks it scanned. */
  async detect(processType: AlertProcessType, processId: string): Promise<{ raised: number }> {
    return this.dataSource.transaction(async (manager) => {
      const now = await databaseNow(manager);
      const facts = await this.facts.facts(processType, processId, this.config.CENTRE_TZ);
      if (!facts) return { raised: 0 };
      const complaints = (await this.complaints?.ofProcess(processType, processId, now)) ?? [];
      const found = detectEarlyWarnings(
        { ...facts, complaints, today: calendarDateInZone(now, this.config.CENTRE_TZ) },
        this.thresholds,
      );
      const raised = await this.raise(manager, this.about(processType, found));
      // A sealed process's winner comes after its opening: the sweep runs it again once awarded.
      await this.alerts.markScanned(
        manager,
        processType,
        processId,
        now,
        facts.bidding === 'sealed' ? facts.winnerId : null,
      );
      return { raised: raised.length };
    });
  }

  /** An auction closed: its host (a lease listing or a transfer project) concluded. */
  async detectAuction(auctionId: string) {
    const processType = await this.facts.auctionHost(auctionId);
    return processType ? this.detect(processType, auctionId) : { raised: 0 };
  }

  /**
   * SHARED_CLIENT_ADDRESS and SHARED_DEVICE_FINGERPRINT while bidding: the auction's sightings so
   * far (registrations and bids), as a queued job after a bid, never on the bid's path.
   */
  async checkLive(auctionId: string): Promise<{ raised: number }> {
    const processType = await this.facts.auctionHost(auctionId);
    if (!processType) return { raised: 0 };
    const sightings = await this.facts.sightings(processType, auctionId);
    const raised = await this.raise(
      null,
      this.about(processType, sharedIdentityAlerts(auctionId, sightings)),
    );
    return { raised: raised.length };
  }

  /**
   * Catches what a lost job missed: concluded processes never scanned, and processes whose
   * deposits fell overdue since (DEPOSIT_REFUND_OVERDUE). Idempotent.
   */
  async sweep(): Promise<{ processes: number; raised: number }> {
    const now = await databaseNow(this.dataSource.manager);
    const today = calendarDateInZone(now, this.config.CENTRE_TZ);
    const [unscanned, overdue] = await Promise.all([
      this.facts.unscannedConcluded(),
      this.facts.withOverdueRefunds(today),
    ]);
    const processes = new Map(
      [...unscanned, ...overdue].map((process) => [`${process.processType}:${process.processId}`, process]),
    );
    let raised = 0;
    for (const { processType, processId } of processes.values())
      raised += (await this.detect(processType, processId)).raised;
    return { processes: processes.size, raised };
  }

  async list(filter: AlertFilter) {
    const { items, total } = await this.alerts.list(filter);
    return { items: items.map(toAlertSummary), total };
  }

  async findById(id: string) {
    const alert = await this.alerts.findById(null, id);
    if (!alert) throw new DomainError('ALERT_NOT_FOUND', 'no such alert');
    return toAlertView(alert);
  }

  acknowledge(supervisor: AuthUser, id: string) {
    return this.decide(supervisor, id, 'acknowledge');
  }

  dismiss(supervisor: AuthUser, id: string, reason: string) {
    return this.decide(supervisor, id, 'dismiss', reason.trim());
  }

  escalate(supervisor: AuthUser, id: string, note: string) {
    return this.decide(supervisor, id, 'escalate', note.trim());
  }

  /** The rules with the thresholds in force (the EARLY_WARNING_* settings). */
  rules() {
    return earlyWarningRules(this.thresholds);
  }

  /** One step of the lifecycle table, under the alert's lock, audited. */
  private async decide(supervisor: AuthUser, id: string, action: AlertAction, reason?: string) {
    return this.dataSource.transaction(async (manager) => {
      const alert = await this.alerts.findById(manager, id, { lock: true });
      if (!alert) throw new DomainError('ALERT_NOT_FOUND', 'no such alert');
      const to = nextAlertState(alert.state, action);
      if (!to)
        throw new DomainError(
          'ALERT_TRANSITION_NOT_ALLOWED',
          `this alert is ${alert.state}: it cannot be ${PAST[action]}`,
          {
            state: alert.state,
            action,
          },
        );
      const now = await databaseNow(manager);
      if (to === 'acknowledged')
        await this.alerts.update(manager, id, { state: to, by: supervisor.id, at: now });
      else
        await this.alerts.update(manager, id, {
          state: to as 'dismissed' | 'escalated',
          by: supervisor.id,
          at: now,
          reason: reason!,
        });
      await this.audit.append(manager, {
        at: now,
        actorId: supervisor.id,
        action: `alert.${to}`,
        entityType: 'alert',
        entityId: id,
        data: {
          ruleId: alert.ruleId,
          processType: alert.processType,
          processId: alert.processId,
          ...(reason ? { reason } : {}),
        },
      });
      return toAlertView((await this.alerts.findById(manager, id))!);
    });
  }

  private about(processType: AlertProcessType, found: EarlyWarningAlert[]): RaiseAlert[] {
    return found.map((alert) => ({ ...alert, processType }));
  }
}

const PAST: Record<AlertAction, string> = {
  acknowledge: 'acknowledged',
  dismiss: 'dismissed',
  escalate: 'escalated',
};

export type { AlertState };
