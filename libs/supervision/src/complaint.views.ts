import type { ComplaintDeadline } from '@ggzy/domain';
import type { ComplaintRow, ComplaintWithRequests } from '@ggzy/persistence';

const iso = (value: Date | null) => (value ? value.toISOString() : null);

const deadlineView = (deadline: ComplaintDeadline) => ({
  step: deadline.step,
  ...(deadline.documentRequestId === undefined ? {} : { documentRequestId: deadline.documentRequestId }),
  dueOn: deadline.dueOn,
  dueAt: deadline.dueAt.toISOString(),
  metOn: deadline.metOn,
  late: deadline.late,
  overdue: deadline.overdue,
});

const decisionView = (complaint: ComplaintRow) =>
  complaint.outcome === null
    ? null
    : {
        outcome: complaint.outcome,
        remedy: complaint.remedy,
        foundFalse: complaint.foundFalse,
        reason: complaint.decisionReason,
      };

/**
 * A filing as supervisors (and the complainant, for its own) see it: everything in the contract's
 * field list, with each step's deadline at the database's instant.
 */
export function toComplaintView(complaint: ComplaintWithRequests, deadlines: ComplaintDeadline[]) {
  return {
    id: complaint.id,
    projectType: complaint.projectType,
    projectId: complaint.projectId,
    kind: complaint.kind,
    stage: complaint.stage,
    status: complaint.status,
    complainantId: complaint.complainantId,
    challengeId: complaint.challengeId,
    knewOn: complaint.knewOn,
    filedOn: complaint.filedOn,
    filedAt: complaint.filedAt.toISOString(),
    window: { opensOn: complaint.windowOpensOn, closesOn: complaint.windowClosesOn },
    acceptedOn: complaint.acceptedOn,
    acceptanceDecidedOn: complaint.acceptanceDecidedOn,
    rejectionReason: complaint.rejectionReason,
    decidedOn: complaint.decidedOn,
    decidedAt: iso(complaint.decidedAt),
    withdrawnOn: complaint.withdrawnOn,
    grounds: complaint.grounds,
    attachments: complaint.attachments,
    documentRequests: complaint.documentRequests.map((request) => ({
      id: request.id,
      addressee: request.addressee,
      requestedOn: request.requestedOn,
      dueOn: request.dueOn,
      answeredOn: request.answeredOn,
      attachments: request.attachments,
    })),
    suspension:
      complaint.suspendedOn === null
        ? null
        : {
            suspendedOn: complaint.suspendedOn,
            resumedOn: complaint.resumedOn,
            reason: complaint.suspensionReason,
          },
    decision: decisionView(complaint),
    sanctionId: complaint.sanctionId,
    deadlines: deadlines.map(deadlineView),
    overdue: deadlines.some((deadline) => deadline.overdue),
  };
}

/**
 * A filing as its complainant sees it: their own filing, its status, the deadlines and the
 * decision — not the investigation (who documents were asked of, what others supplied, the
 * suspension's grounds), which stays with the supervisors.
 */
export function toComplainantView(complaint: ComplaintWithRequests, deadlines: ComplaintDeadline[]) {
  const {
    documentRequests: _documentRequests,
    suspension: _suspension,
    sanctionId: _sanctionId,
    ...own
  } = toComplaintView(complaint, []);
  return { ...own, ...handlingDeadlines(deadlines) };
}

/**
 * The steps owed to the complainant (accept, reply, decide): not the requests for documents nor
 * the suspension's resume, the investigation's business.
 */
function handlingDeadlines(all: ComplaintDeadline[]) {
  const deadlines = all.filter((deadline) => deadline.step !== 'documents' && deadline.step !== 'resume');
  return {
    deadlines: deadlines.map(deadlineView),
    overdue: deadlines.some((deadline) => deadline.overdue),
  };
}

/**
 * A published decision (no sign-in): the project and the decision only — never the grounds, the
 * attachments, the complainant, nor whether it was found false (the credit list names a party on
 * its own terms; a finding beside a project would point at the complainant).
 */
export function toPublicDecision(complaint: ComplaintRow) {
  return {
    id: complaint.id,
    projectType: complaint.projectType,
    projectId: complaint.projectId,
    kind: complaint.kind,
    stage: complaint.stage,
    decidedOn: complaint.decidedOn,
    decision: { outcome: complaint.outcome, remedy: complaint.remedy, reason: complaint.decisionReason },
  };
}
