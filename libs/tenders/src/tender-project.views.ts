import type { TenderNotice, TenderProjectEntity } from '@ggzy/persistence';
import { tenderDeadlines } from '@ggzy/domain';

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
 * What anyone may read of a tender: the notice, the schedule with every statutory date it
 * implies, the amendments, the outcome. Never who registered or how many bids are in before the
 * opening (a count invites collusion), and never the stage a suspension resumes to.
 */
export function toPublicTender(project: TenderProjectEntity, notices: TenderNotice[]) {
  return {
    id: project.id,
    code: project.code,
    category: 'construction' as const,
    subtype: project.kind,
    round: project.round,
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
    announcedOn: project.announcedOn,
    openedAt: iso(project.openedAt),
    failedReason: project.failedReason,
    terminationReason: project.terminationReason,
    amendments: notices.map(toNoticeView),
  };
}

/** Staff and supervisors also see the draft's author, the suspension and the counts so far. */
export function toStaffTender(
  project: TenderProjectEntity,
  notices: TenderNotice[],
  counts: { registrations: number; qualified: number },
) {
  return {
    ...toPublicTender(project, notices),
    resumeTo: project.resumeTo,
    suspendedAt: iso(project.suspendedAt),
    suspensionReason: project.suspensionReason,
    createdBy: project.createdBy,
    createdAt: project.createdAt.toISOString(),
    registrations: counts.registrations,
    qualifiedSuppliers: counts.qualified,
  };
}
