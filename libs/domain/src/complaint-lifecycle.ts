/**
 * A complaint's lifecycle (质疑 / 投诉, issue 10) as an explicit table of allowed transitions, one
 * table per kind. The table knows statuses only; whether the facts allow a step (the window still
 * open, a remedy named with an upheld decision) is checked by complaint-rules.ts first.
 *
 * - 投诉 (`complaint`), every line: to the supervisor, who accepts or rejects it, investigates
 *   (requests for documents), and decides: upheld (the project is corrected, re-run or
 *   terminated) or dismissed (and, if found false, a credit record for the complainant).
 * - 质疑 (`challenge`), government procurement only: to the purchaser or its agency, who replies
 *   (upheld or dismissed) within 7 business days; an unhappy supplier may then complain (投诉).
 */
export const COMPLAINT_KINDS = ['challenge', 'complaint'] as const;
export type ComplaintKind = (typeof COMPLAINT_KINDS)[number];

export const COMPLAINT_STATUSES = [
  /** Received; waiting for the acceptance decision (a challenge: for the reply). */
  'filed',
  /** 受理: the supervisor took it up; the handling period runs from here. */
  'accepted',
  /** 不予受理: out of time, not a party, no grounds — with a reason; final. */
  'rejected',
  /** 调查: documents requested with deadlines; the time waiting for them is not counted. */
  'investigating',
  /** 成立: the project is corrected, re-run or terminated (the decision names which). */
  'upheld',
  /** 驳回: the project resumes; a complaint found false leads to a credit record. */
  'dismissed',
  /** 撤回: the complainant withdrew before the decision; final. */
  'withdrawn',
] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export const COMPLAINT_ACTIONS = [
  'accept',
  'reject',
  'investigate',
  'uphold',
  'dismiss',
  'withdraw',
] as const;
export type ComplaintAction = (typeof COMPLAINT_ACTIONS)[number];

type Table = Record<ComplaintAction, Partial<Record<ComplaintStatus, ComplaintStatus>>>;

const COMPLAINT_TABLE: Table = {
  accept: { filed: 'accepted' },
  reject: { filed: 'rejected' },
  investigate: { accepted: 'investigating' },
  // A decision follows an investigation, however short: the record shows what was looked at.
  uphold: { investigating: 'upheld' },
  dismiss: { investigating: 'dismissed' },
  withdraw: { filed: 'withdrawn', accepted: 'withdrawn', investigating: 'withdrawn' },
};

// A challenge is answered by the purchaser in one step: the reply upholds or dismisses it.
const CHALLENGE_TABLE: Table = {
  accept: {},
  reject: {},
  investigate: {},
  uphold: { filed: 'upheld' },
  dismiss: { filed: 'dismissed' },
  withdraw: { filed: 'withdrawn' },
};

const TABLES: Record<ComplaintKind, Table> = { complaint: COMPLAINT_TABLE, challenge: CHALLENGE_TABLE };

/** The status an action leads to, or undefined when the kind's table refuses it. */
export function nextComplaintStatus(
  kind: ComplaintKind,
  from: ComplaintStatus,
  action: ComplaintAction,
): ComplaintStatus | undefined {
  return TABLES[kind][action][from];
}

/** Decided, rejected or withdrawn: nothing more happens to it. */
export function isClosedComplaint(status: ComplaintStatus): boolean {
  return status === 'rejected' || status === 'upheld' || status === 'dismissed' || status === 'withdrawn';
}

/** Still waiting for someone at the centre (or the purchaser) to act: the project may stay suspended. */
export function isPendingComplaint(status: ComplaintStatus): boolean {
  return !isClosedComplaint(status);
}
