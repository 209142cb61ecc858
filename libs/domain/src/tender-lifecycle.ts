/**
 * A construction tender's lifecycle (建筑工程招投标, DOMAIN.md A) as an explicit table of allowed
 * transitions. The table knows statuses only; whether the facts allow a step (the bid deadline
 * passed, three bids in, the publicity over) is checked by tender-rules.ts and evaluation.ts
 * before the table is asked.
 */
export const TENDER_STATUSES = [
  /** Staff registered the project (owner, estimate, schedule, documents); editable, not public. */
  'registered',
  /** 招标公告: the notice is public and the documents are on sale. */
  'announced',
  /**
   * 资格预审 (optional): the prequalification notice is public, its documents on sale, applications
   * received until the day they are due; staff pass or fail each with a reason.
   */
  'prequalification',
  /**
   * 资格预审结束: the result is notified (each applicant its own), at least 3 passed; the tender
   * documents go to them from the day they are issued, when bidding opens.
   */
  'prequalified',
  /** 投标: sealed bids are submitted, replaced or withdrawn until the deadline. */
  'bidding',
  /** 开标: the system decrypted the bids at the deadline and published the opening record. */
  'opened',
  /** 评标: the drawn committee evaluates. */
  'evaluating',
  /** 中标候选人公示: up to 3 ranked candidates are public for ≥ 3 days. */
  'candidates_published',
  /** 中标通知书 sent; the contract is due within 30 days. */
  'awarded',
  'contracted',
  /** 流标 / 废标: fewer than 3 bids or qualified applicants, or every bid rejected; may be re-tendered. */
  'failed',
  /**
   * 已重新招标: a failed round whose successor exists. The round stays as it was (its registrations,
   * sealed bids, opening record and deposits are evidence keyed by its id); the next round is a new
   * tender (`round` + 1, `previousRoundId`), made in `registered`, so nothing leads out of this.
   */
  'retendered',
  /** 暂停: an objection or a supervisor's order; resumes to the status it left (`resumeTo`). */
  'suspended',
  /** 终止: the owner ended it with a public reason; deposits are refunded. */
  'terminated',
] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];

export const TENDER_ACTIONS = [
  'announce',
  /**
   * A tender with prequalification: its notice is the prequalification notice (资格预审公告), so
   * the announcement leads straight into it, in one step; it is never `announced`.
   */
  'announce_prequalification',
  /** The result of prequalification is notified: ≥ 3 passed (fewer: `fail`). */
  'conclude_prequalification',
  'open_bidding',
  'open_bids',
  'start_evaluation',
  'publish_candidates',
  /** An objection to the candidates upheld: the committee revises its report (实施条例 第54条). */
  're_evaluate',
  'award',
  'sign_contract',
  'fail',
  'retender',
  'suspend',
  'resume',
  'terminate',
] as const;
export type TenderAction = (typeof TENDER_ACTIONS)[number];

const TRANSITIONS: Record<Exclude<TenderAction, 'resume'>, Partial<Record<TenderStatus, TenderStatus>>> = {
  // Without prequalification. Which of the two a tender takes is its facts' choice (the service's).
  announce: { registered: 'announced' },
  // With prequalification its notice is the prequalification notice: one step, one transaction,
  // so nothing (a crash, a suspension, an objection) can leave it announced without applications.
  announce_prequalification: { registered: 'prequalification' },
  // The result notified with ≥ 3 passed (实施条例 第19条); fewer fail the tender instead.
  conclude_prequalification: { prequalification: 'prequalified' },
  // Without prequalification bidding follows the notice; with it, the result (on the day the
  // tender documents are issued to those who passed). The table knows statuses only: that a
  // tender with prequalification opens from `prequalified` and never from `announced` is the
  // service's check (tenders.service.ts awaitsBidding).
  open_bidding: { announced: 'bidding', prequalified: 'bidding' },
  // Only the opening job does this, at the deadline: the bids are decrypted and published.
  open_bids: { bidding: 'opened' },
  start_evaluation: { opened: 'evaluating' },
  publish_candidates: { evaluating: 'candidates_published' },
  // An upheld objection to the candidates sends the tender back to its committee, which revises
  // its report; the candidates are then published again for a new publicity period.
  re_evaluate: { candidates_published: 'evaluating' },
  award: { candidates_published: 'awarded' },
  sign_contract: { awarded: 'contracted' },
  // Fewer than 3 pass prequalification; fewer than 3 bids at the opening (the opening record is
  // still published first); every bid rejected; an objection upheld that leaves no candidate; the
  // winner refusing to sign with no candidate the owner will take instead (实施条例 第55条).
  fail: {
    prequalification: 'failed',
    opened: 'failed',
    evaluating: 'failed',
    candidates_published: 'failed',
    awarded: 'failed',
  },
  // 重新招标: the failed round is closed as retendered; the next round is a new tender created in
  // `registered` (not a transition of this one), editable, with new periods from its own notice.
  retender: { failed: 'retendered' },
  suspend: {
    announced: 'suspended',
    prequalification: 'suspended',
    prequalified: 'suspended',
    bidding: 'suspended',
    opened: 'suspended',
    evaluating: 'suspended',
    candidates_published: 'suspended',
    awarded: 'suspended',
  },
  // An award notice binds both sides (招标投标法 第45条): from `awarded` on, no termination.
  terminate: {
    registered: 'terminated',
    announced: 'terminated',
    prequalification: 'terminated',
    prequalified: 'terminated',
    bidding: 'terminated',
    opened: 'terminated',
    evaluating: 'terminated',
    candidates_published: 'terminated',
    failed: 'terminated',
    suspended: 'terminated',
  },
};

/** Where a suspension may start, and so the statuses a resume may return to. */
export const SUSPENDABLE_TENDER_STATUSES: readonly TenderStatus[] = TENDER_STATUSES.filter(
  (status) => TRANSITIONS.suspend[status] !== undefined,
);
const suspendable = new Set<TenderStatus>(SUSPENDABLE_TENDER_STATUSES);

/**
 * The status an action leads to, or undefined when the table refuses it. `resume` returns to the
 * status stored at suspension (`resumeTo`), as a transfer does: whether a tender was bidding,
 * evaluating or in publicity is set by facts the clock cannot re-derive.
 */
export function nextTenderStatus(
  from: TenderStatus,
  action: TenderAction,
  resumeTo?: TenderStatus | null,
): TenderStatus | undefined {
  if (action === 'resume') {
    return from === 'suspended' && resumeTo != null && suspendable.has(resumeTo) ? resumeTo : undefined;
  }
  // A suspended tender is terminated only where the status it was suspended in may be: an award
  // notice binds both sides, suspended or not.
  if (action === 'terminate' && from === 'suspended') {
    return resumeTo != null && TRANSITIONS.terminate[resumeTo] !== undefined ? 'terminated' : undefined;
  }
  return TRANSITIONS[action][from];
}

/** What to store when suspending: the new status and where a resume goes back to. */
export function suspendTender(
  from: TenderStatus,
): { status: 'suspended'; resumeTo: TenderStatus } | undefined {
  return suspendable.has(from) ? { status: 'suspended', resumeTo: from } : undefined;
}

/** No action leads out of these. */
export function isFinalTenderStatus(status: TenderStatus): boolean {
  return status === 'contracted' || status === 'terminated' || status === 'retendered';
}
