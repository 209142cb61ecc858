import {
  COMPLAINT_ACTIONS,
  COMPLAINT_KINDS,
  COMPLAINT_STATUSES,
  type ComplaintAction,
  type ComplaintKind,
  type ComplaintStatus,
  isClosedComplaint,
  isPendingComplaint,
  nextComplaintStatus,
} from './complaint-lifecycle.js';

/** Every allowed step per kind; every other (kind, status, action) is refused. */
const ALLOWED: Record<ComplaintKind, [ComplaintStatus, ComplaintAction, ComplaintStatus][]> = {
  complaint: [
    ['filed', 'accept', 'accepted'],
    ['filed', 'reject', 'rejected'],
    ['accepted', 'investigate', 'investigating'],
    ['investigating', 'uphold', 'upheld'],
    ['investigating', 'dismiss', 'dismissed'],
    ['filed', 'withdraw', 'withdrawn'],
    ['accepted', 'withdraw', 'withdrawn'],
    ['investigating', 'withdraw', 'withdrawn'],
  ],
  challenge: [
    ['filed', 'uphold', 'upheld'],
    ['filed', 'dismiss', 'dismissed'],
    ['filed', 'withdraw', 'withdrawn'],
  ],
};

const EVERY_TRIPLE = COMPLAINT_KINDS.flatMap((kind) =>
  COMPLAINT_STATUSES.flatMap((from) =>
    COMPLAINT_ACTIONS.map(
      (action): [ComplaintKind, ComplaintStatus, ComplaintAction, ComplaintStatus | undefined] => {
        const allowed = ALLOWED[kind].find(([f, a]) => f === from && a === action);
        return [kind, from, action, allowed?.[2]];
      },
    ),
  ),
);

describe('complaint lifecycle tables', () => {
  it.each(EVERY_TRIPLE)('%s: %s --%s--> %s', (kind, from, action, expected) => {
    expect(nextComplaintStatus(kind, from, action)).toBe(expected);
  });

  it.each<[ComplaintStatus, boolean]>([
    ['filed', false],
    ['accepted', false],
    ['investigating', false],
    ['rejected', true],
    ['upheld', true],
    ['dismissed', true],
    ['withdrawn', true],
  ])('%s is closed: %s (and pending is its opposite)', (status, closed) => {
    expect(isClosedComplaint(status)).toBe(closed);
    expect(isPendingComplaint(status)).toBe(!closed);
    // A closed complaint goes nowhere, whatever the kind and the action.
    if (closed)
      for (const kind of COMPLAINT_KINDS)
        for (const action of COMPLAINT_ACTIONS)
          expect(nextComplaintStatus(kind, status, action)).toBeUndefined();
  });
});
