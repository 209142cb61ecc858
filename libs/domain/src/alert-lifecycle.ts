/**
 * An early-warning alert's lifecycle (预警, issue 10) as an explicit table: a supervisor
 * acknowledges an open alert (looking at it), then dismisses it with a reason or escalates it
 * with a note (e.g. opens an investigation). Dismissed and escalated are final: a re-run of the
 * detectors finds the same alert (its key) and leaves the decision as it is.
 */
export const ALERT_STATES = ['open', 'acknowledged', 'dismissed', 'escalated'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const ALERT_ACTIONS = ['acknowledge', 'dismiss', 'escalate'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

const ALERT_TABLE: Record<AlertAction, Partial<Record<AlertState, AlertState>>> = {
  acknowledge: { open: 'acknowledged' },
  dismiss: { open: 'dismissed', acknowledged: 'dismissed' },
  escalate: { open: 'escalated', acknowledged: 'escalated' },
};

/** The state an action leads to, or undefined when the table refuses it. */
export function nextAlertState(from: AlertState, action: AlertAction): AlertState | undefined {
  return ALERT_TABLE[action][from];
}

/** Decided: nothing more happens to it. */
export function isDecidedAlert(state: AlertState): boolean {
  return state === 'dismissed' || state === 'escalated';
}
