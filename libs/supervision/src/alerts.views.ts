import { EARLY_WARNING_RULE_TITLES } from '@ggzy/domain';
import type { AlertRow } from '@ggzy/persistence';

const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);

/** An alert in a list: what, where, when and its state; the evidence is read one by one. */
export function toAlertSummary(alert: AlertRow) {
  return {
    id: alert.id,
    ruleId: alert.ruleId,
    title: EARLY_WARNING_RULE_TITLES[alert.ruleId],
    processType: alert.processType,
    processId: alert.processId,
    raisedAt: iso(alert.raisedAt)!,
    state: alert.state,
    acknowledgedBy: alert.acknowledgedBy,
    acknowledgedAt: iso(alert.acknowledgedAt),
    decidedBy: alert.decidedBy,
    decidedAt: iso(alert.decidedAt),
    reason: alert.reason,
  };
}

/** One alert with its evidence (supervisors only: it names bidders, addresses and devices). */
export function toAlertView(alert: AlertRow) {
  return { ...toAlertSummary(alert), evidence: alert.evidence, lastSeenAt: iso(alert.seenAt)! };
}
