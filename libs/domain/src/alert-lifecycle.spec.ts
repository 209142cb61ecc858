import {
  ALERT_ACTIONS,
  ALERT_STATES,
  type AlertAction,
  type AlertState,
  isDecidedAlert,
  nextAlertState,
} from './alert-lifecycle.js';

describe('alert lifecycle (预警)', () => {
  // Every (state, action) pair: the table's answer, or refused.
  const EXPECTED: Record<AlertState, Record<AlertAction, AlertState | undefined>> = {
    open: { acknowledge: 'acknowledged', dismiss: 'dismissed', escalate: 'escalated' },
    acknowledged: { acknowledge: undefined, dismiss: 'dismissed', escalate: 'escalated' },
    dismissed: { acknowledge: undefined, dismiss: undefined, escalate: undefined },
    escalated: { acknowledge: undefined, dismiss: undefined, escalate: undefined },
  };

  it.each(ALERT_STATES.flatMap((from) => ALERT_ACTIONS.map((action) => [from, action] as const)))(
    '%s → %s',
    (from, action) => {
      expect(nextAlertState(from, action)).toBe(EXPECTED[from][action]);
    },
  );

  it.each([
    ['open', false],
    ['acknowledged', false],
    ['dismissed', true],
    ['escalated', true],
  ] as const)('%s is decided: %s', (state, decided) => {
    expect(isDecidedAlert(state)).toBe(decided);
  });
});
