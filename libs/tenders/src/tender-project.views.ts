import type {
  PrequalificationApplication,
  TenderNotice,
  TenderObjection,
  TenderProjectEntity,
} from '@ggzy/persistence';
import { MIN_BIDS, prequalificationDeadlines, tenderDeadlines } from '@ggzy/domain';

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** A published amendment or clarification, as anyone reads it. */
export function toNoticeView(notice: TenderNotice) {
  return {
    id: notice.id,
    kind: notice.kind,
    text: notice.summary,
    documents: notice.documents,
    affectsBids: notice.affectsBids,
    publishedOn: notice.publishedOn,
    publishedAt: notice.publishedAt.toISOString(),
    bidDeadlineBefore: notice.deadlineBefore,
    bidDeadlineAfter: notice.deadlineAfter,
  };
}

/**
 * An objection and its reply, as anyone reads them: never who objected — before the opening an
 * objector that registered would be a registrant made known (招标投标法 第22条), and the law asks
 * the answer be given, not the objector named. Staff and supervisors see the objector too.
 */
export function toObjectionView(
  objection: TenderObjection,
  options: { withObjector: boolean; viewerId?: string },
) {
  return {
    id: objection.id,
    target: objection.target,
    text: objection.text,
    documents: objection.documents,
    filedOn: objection.filedOn,
    filedAt: objection.filedAt.toISOString(),
    replyDueOn: objection.replyDueOn,
    filedByYou: options.viewerId !== undefined && options.viewerId === objection.objectorId,
    ...(options.withObjector
      ? { objectorId: objection.objectorId, objectorName: objection.objectorName }
      : {}),
    reply: objection.repliedAt
      ? {
          text: objection.replyText,
          upheld: objection.upheld,
          repliedOn: objection.repliedOn,
          repliedAt: objection.repliedAt.toISOString(),
          late: objection.replyLate,
          periodEndsBefore: objection.periodEndsBefore,
          periodEndsAfter: objection.periodEndsAfter,
        }
      : null,
  };
}

/** What a tender's detail page adds to the list's fields. */
export interface TenderDetailParts {
  notices: TenderNotice[];
  objections?: TenderObjection[];
  /** The round that re-tenders this one, where the reader may see it. */
  nextRoundId?: string | null;
  viewerId?: string;
}

/**
 * A tender's prequalification as anyone reads it: the documents, the schedule with its statutory
 * dates, and the result once notified. How many passed is public when the tender failed for it
 * (fewer than 3, 实施条例 第19条) or once the bids are opened — never while bidding runs: a count
 * of potential bidders invites collusion (招标投标法 第22条). Staff see the counts always.
 */
export function toPrequalificationView(project: TenderProjectEntity, staff: boolean) {
  if (project.applicationsDueOn == null) return null;
  const schedule = {
    saleStartsOn: project.prequalificationSaleStartsOn!,
    saleEndsOn: project.prequalificationSaleEndsOn!,
    applicationsDueOn: project.applicationsDueOn,
  };
  // Fewer than MIN_BIDS passed: the tender failed for it, and no bidding follows.
  const countPublic = staff || project.openedAt !== null || (project.prequalificationPassed ?? 0) < MIN_BIDS;
  return {
    documents: project.prequalificationDocuments ?? [],
    ...schedule,
    deadlines: prequalificationDeadlines(schedule),
    result:
      project.prequalificationResultOn === null
        ? null
        : {
            resultOn: project.prequalificationResultOn,
            passedCount: countPublic ? project.prequalificationPassed : null,
          },
  };
}

/**
 * An application as staff read it (and the applicant its own, with the decision only once the
 * result is notified: the result notice is what tells it, 实施条例 第19条).
 */
export function toApplicationView(
  application: PrequalificationApplication,
  options: { staff: boolean; resultOn?: string | null },
) {
  const decided = options.staff || (options.resultOn ?? null) !== null;
  return {
    id: application.id,
    projectId: application.projectId,
    organizationCode: application.organizationCode,
    documents: application.documents,
    appliedOn: application.appliedOn,
    appliedAt: application.appliedAt.toISOString(),
    status: decided ? application.status : ('pending' as const),
    reason: decided ? application.reason : null,
    ...(options.staff
      ? {
          applicantId: application.applicantId,
          applicantName: application.applicantName,
          decidedBy: application.decidedBy,
          decidedAt: application.decidedAt?.toISOString() ?? null,
        }
      : { resultOn: options.resultOn ?? null }),
  };
}

/**
 * What anyone may read of a tender: the notice, the schedule with every statutory date it
 * implies, the amendments, the objections and their replies, the rounds, the outcome. Never who
 * registered or how many bids are in before the opening (a count invites collusion), never who
 * objected, and never the stage a suspension resumes to.
 */
export function toPublicTender(project: TenderProjectEntity, parts: TenderDetailParts, withObjector = false) {
  return {
    id: project.id,
    code: project.code,
    category: 'construction' as const,
    subtype: project.kind,
    round: project.round,
    previousRoundId: project.previousRoundId,
    ...(parts.nextRoundId !== undefined ? { nextRoundId: parts.nextRoundId } : {}),
    title: project.title,
    ownerName: project.ownerName,
    ownerOrgCode: project.ownerOrgCode,
    kind: project.kind,
    description: project.description,
    estimatedPrice: project.estimatedPrice,
    stateFunded: project.stateFunded,
    evaluationMethod: project.evaluationMethod,
    criteria: project.criteria ?? null,
    bidderConditions: project.bidderConditions,
    deposit: project.deposit,
    documents: project.documents,
    status: project.status,
    saleStartsOn: project.saleStartsOn,
    saleEndsOn: project.saleEndsOn,
    documentsIssuedOn: project.documentsIssuedOn,
    bidDeadlineOn: project.bidDeadlineOn,
    bidDeadlineTime: project.bidDeadlineTime,
    bidDeadlineAt: project.bidDeadlineAt.toISOString(),
    deadlines: tenderDeadlines(project),
    prequalification: toPrequalificationView(project, withObjector),
    announcedOn: project.announcedOn,
    openedAt: iso(project.openedAt),
    failedReason: project.failedReason,
    terminationReason: project.terminationReason,
    amendments: parts.notices.map(toNoticeView),
    ...(parts.objections
      ? {
          objections: parts.objections.map((objection) =>
            toObjectionView(objection, { withObjector, viewerId: parts.viewerId }),
          ),
        }
      : {}),
  };
}

/** Staff and supervisors also see the draft's author, the suspension and the counts so far. */
export function toStaffTender(
  project: TenderProjectEntity,
  parts: TenderDetailParts,
  counts: { registrations: number; qualified: number },
  applications: { applications: number; passed: number; failed: number; pending: number } | null = null,
) {
  return {
    ...toPublicTender(project, parts, true),
    prequalificationApplications: applications,
    resumeTo: project.resumeTo,
    suspendedAt: iso(project.suspendedAt),
    suspendedOn: project.suspendedOn,
    suspensionReason: project.suspensionReason,
    createdBy: project.createdBy,
    createdAt: project.createdAt.toISOString(),
    registrations: counts.registrations,
    qualifiedSuppliers: counts.qualified,
  };
}
