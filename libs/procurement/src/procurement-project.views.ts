import type { ProcurementNotice, ProcurementProjectEntity, PublicityObjection } from '@ggzy/persistence';
import { frameworkEliminationPercent, frameworkEntryMethodOf } from '@ggzy/domain';

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** A published amendment or clarification, as anyone reads it. */
export function toProcurementNoticeView(notice: ProcurementNotice) {
  return {
    id: notice.id,
    kind: notice.kind,
    text: notice.summary,
    documents: notice.documents,
    affectsResponses: notice.affectsResponses,
    publishedOn: notice.publishedOn,
    publishedAt: notice.publishedAt.toISOString(),
    deadlineBefore: notice.deadlineBefore,
    deadlineAfter: notice.deadlineAfter,
  };
}

/**
 * An objection to a single source's publicity and its answer, as anyone reads them: the text, the
 * documents and the reply, never who objected.
 */
export function toPublicObjection(objection: PublicityObjection) {
  return {
    id: objection.id,
    text: objection.text,
    documents: objection.documents,
    filedOn: objection.filedOn,
    filedAt: objection.filedAt.toISOString(),
    answerDueOn: objection.answerDueOn,
    answer:
      objection.upheld === null
        ? null
        : {
            upheld: objection.upheld,
            reply: objection.reply,
            answeredOn: objection.answeredOn,
            late: objection.answeredOn! > objection.answerDueOn,
          },
  };
}

/**
 * What anyone may read of a procurement: the notice (or the single-source publicity), the
 * schedule, the amendments, the outcome. Never who registered or was invited, nor how many
 * responded, before the opening (a count invites collusion); never where a suspension resumes.
 */
export function toPublicProcurement(
  project: ProcurementProjectEntity,
  notices: ProcurementNotice[],
  objections: PublicityObjection[] = [],
  nextRoundId?: string | null,
) {
  return {
    id: project.id,
    code: project.code,
    category: 'procurement' as const,
    subtype: project.method,
    method: project.method,
    round: project.round,
    // 重新组织采购: the failed project this one follows, and the approval of a changed method.
    previousRoundId: project.previousRoundId,
    replanApprovalReference: project.replanApprovalReference,
    ...(nextRoundId !== undefined ? { nextRoundId } : {}),
    title: project.title,
    purchaserName: project.purchaserName,
    purchaserOrgCode: project.purchaserOrgCode,
    description: project.description,
    itemCode: project.itemCode,
    itemName: project.itemName,
    supplierConditions: project.supplierConditions,
    budget: project.budget,
    deposit: project.deposit,
    documents: project.documents,
    status: project.status,
    qualificationCallStartsOn: project.qualificationCallStartsOn,
    qualificationCallEndsOn: project.qualificationCallEndsOn,
    publicityStartsOn: project.publicityStartsOn,
    publicityEndsOn: project.publicityEndsOn,
    singleSourceSupplier: project.singleSourceSupplier,
    singleSourceReasons: project.singleSourceReasons,
    documentsIssuedOn: project.documentsIssuedOn,
    documentsAvailableUntil: project.documentsAvailableUntil,
    deadlineOn: project.deadlineOn,
    deadlineTime: project.method === 'single_source' ? null : project.deadlineTime,
    deadlineAt: iso(project.responseDeadlineAt),
    invitationsDrawnAt: project.invitationDraw?.drawnAt ?? null,
    announcedOn: project.announcedOn,
    publicisedOn: project.publicisedOn,
    openedAt: iso(project.openedAt),
    failedReason: project.failedReason,
    terminationReason: project.terminationReason,
    subjectType: project.subjectType,
    evaluationMethod: project.evaluationMethod,
    criteria: project.criteria,
    admittedSuppliers: project.admittedSuppliers,
    termStartsOn: project.termStartsOn,
    termEndsOn: project.termEndsOn,
    // A framework agreement's first stage: by price or by quality (第110号令 第26、28条), the
    // ground for quality, the 最高限制单价 and the share its evaluation leaves out at least.
    ...(project.method === 'framework_agreement'
      ? {
          frameworkEntryMethod: frameworkEntryMethodOf(project.evaluationMethod),
          qualityFirstGround: project.qualityFirstGround,
          maxUnitPrice: project.maxUnitPrice,
          eliminationPercent: frameworkEliminationPercent(project),
          callOffMethod: project.callOffMethod ?? 'direct_selection',
        }
      : {}),
    amendments: notices.map(toProcurementNoticeView),
    objections: objections.map(toPublicObjection),
  };
}

/** Staff and supervisors also see the author, the suspension, the counts and the invited pick. */
export function toStaffProcurement(
  project: ProcurementProjectEntity,
  notices: ProcurementNotice[],
  counts: { registrations: number; qualified: number },
  objections: PublicityObjection[] = [],
  nextRoundId?: string | null,
) {
  const filedBy = new Map(objections.map((objection) => [objection.id, objection.filedBy]));
  const publicView = toPublicProcurement(project, notices, objections, nextRoundId);
  return {
    ...publicView,
    objections: publicView.objections.map((objection) => ({
      ...objection,
      filedBy: filedBy.get(objection.id)!,
    })),
    resumeTo: project.resumeTo,
    suspendedAt: iso(project.suspendedAt),
    suspensionReason: project.suspensionReason,
    createdBy: project.createdBy,
    createdAt: project.createdAt.toISOString(),
    registrations: counts.registrations,
    qualifiedSuppliers: counts.qualified,
    invitationDraw: project.invitationDraw,
  };
}
