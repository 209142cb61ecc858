/**
 * A government procurement project's lifecycle (政府采购, DOMAIN.md B) as explicit tables of
 * allowed transitions, one per method: the method is part of the project and changes the path.
 * - single source (单一来源) starts with ≥ 5 business days of prior publicity (objections may
 *   fail it), then negotiates with its one supplier: no notice, no sealed opening;
 * - every other method publishes a notice, issues documents, receives sealed responses and opens
 *   them at the deadline;
 * - a framework agreement (框架协议) is signed with the admitted suppliers and then records
 *   call-off orders (each a deal) until it is closed.
 * The facts behind a step (periods, supplier counts, the random pick of an invited tender) are
 * checked by procurement-rules.ts before the table is asked.
 */
export const PROCUREMENT_METHODS = [
  /** 公开招标 */
  'open_tender',
  /** 邀请招标: ≥ 3 suppliers picked at random from those who qualified. */
  'invited_tender',
  /** 竞争性谈判 */
  'competitive_negotiation',
  /** 竞争性磋商 */
  'competitive_consultation',
  /** 询价 */
  'request_for_quotation',
  /** 单一来源 */
  'single_source',
  /** 框架协议 */
  'framework_agreement',
] as const;
export type ProcurementMethod = (typeof PROCUREMENT_METHODS)[number];

export const PROCUREMENT_STATUSES = [
  /** Staff registered the project (purchaser, budget, method, schedule); editable, not public. */
  'planned',
  /** 单一来源公示: the reasons and the supplier are public for ≥ 5 business days; objections come in. */
  'prior_publicity',
  /** 公告: the notice is public (for an invited tender, the call for qualification). */
  'announced',
  /** Documents issued; sealed responses (bids, quotations) come in until the deadline. */
  'responding',
  /** The responses were decrypted at the deadline and the opening record published. */
  'opened',
  /** The panel evaluates (or negotiates). */
  'evaluating',
  /** The evaluation report is with the purchaser, who decides within 5 business days. */
  'report_delivered',
  /** The purchaser decided; the result is announced and the notice sent within 2 business days. */
  'award_decided',
  /** 中标/成交结果公告 published and the notice sent; the contract is due within 30 days. */
  'awarded',
  /** Contract signed (a framework agreement: in force, call-off orders recorded). */
  'contracted',
  /** A framework agreement that has run its term or was closed early. */
  'closed',
  /** 废标 / 终止: fewer than 3 suppliers, all rejected, single-source objection upheld; re-plannable. */
  'failed',
  /** 暂停: an objection, a complaint or a supervisor's order; at most 30 days (政府采购法 第57条). */
  'suspended',
  /** 终止: ended with a public reason; deposits are refunded. */
  'terminated',
  /**
   * 重新组织采购: a failed project whose successor was planned (a new project, `round` + 1,
   * `previousRoundId`, possibly another method). Kept as evidence; nothing leads out of this.
   */
  'replanned',
] as const;
export type ProcurementStatus = (typeof PROCUREMENT_STATUSES)[number];

export const PROCUREMENT_ACTIONS = [
  'publicise',
  'conclude_publicity',
  'announce',
  'issue_documents',
  'open_responses',
  'start_evaluation',
  'deliver_report',
  'decide_award',
  'announce_result',
  'sign_contract',
  'record_call_off',
  'close',
  'fail',
  'replan',
  'suspend',
  'resume',
  'terminate',
] as const;
export type ProcurementAction = (typeof PROCUREMENT_ACTIONS)[number];

type Table = Record<
  Exclude<ProcurementAction, 'resume'>,
  Partial<Record<ProcurementStatus, ProcurementStatus>>
>;

/** The path every method but single source and framework agreement takes. */
const COMPETITIVE: Table = {
  publicise: {},
  conclude_publicity: {},
  announce: { planned: 'announced' },
  // An invited tender's documents go to the (≥ 3, randomly picked) invited suppliers only.
  issue_documents: { announced: 'responding' },
  // Only the opening job does this, at the deadline.
  open_responses: { responding: 'opened' },
  start_evaluation: { opened: 'evaluating' },
  deliver_report: { evaluating: 'report_delivered' },
  decide_award: { report_delivered: 'award_decided' },
  announce_result: { award_decided: 'awarded' },
  sign_contract: { awarded: 'contracted' },
  record_call_off: {},
  close: {},
  // Too few qualified applicants (invited), too few responses at the opening, every response
  // rejected or fewer than 3 responsive in evaluation.
  fail: { announced: 'failed', opened: 'failed', evaluating: 'failed' },
  // After a failure the purchaser re-plans, possibly with another method (政府采购法 第36条,
  // 第87号令 第43条): the failed project is closed as replanned and its successor is a new
  // project created in `planned`, as a tender's next round.
  replan: { failed: 'replanned' },
  suspend: {
    announced: 'suspended',
    responding: 'suspended',
    opened: 'suspended',
    evaluating: 'suspended',
    report_delivered: 'suspended',
    award_decided: 'suspended',
    awarded: 'suspended',
  },
  terminate: {
    planned: 'terminated',
    announced: 'terminated',
    responding: 'terminated',
    opened: 'terminated',
    evaluating: 'terminated',
    failed: 'terminated',
    suspended: 'terminated',
  },
};

const SINGLE_SOURCE: Table = {
  ...COMPETITIVE,
  publicise: { planned: 'prior_publicity' },
  // No objection, or every objection answered and rejected: negotiate with the one supplier.
  conclude_publicity: { prior_publicity: 'responding' },
  announce: {},
  issue_documents: {},
  open_responses: {},
  // Negotiation (协商) with the one supplier needs no sealed opening.
  start_evaluation: { responding: 'evaluating' },
  // An objection upheld: single source is not allowed, re-plan with another method.
  fail: { prior_publicity: 'failed', evaluating: 'failed' },
  suspend: { ...COMPETITIVE.suspend, prior_publicity: 'suspended', announced: undefined, opened: undefined },
  terminate: {
    ...COMPETITIVE.terminate,
    prior_publicity: 'terminated',
    announced: undefined,
    opened: undefined,
  },
};

const FRAMEWORK: Table = {
  ...COMPETITIVE,
  // Each call-off order (采购合同 under the agreement) is recorded as a deal; the status stays.
  record_call_off: { contracted: 'contracted' },
  close: { contracted: 'closed' },
  suspend: { ...COMPETITIVE.suspend, contracted: 'suspended' },
};

const TABLES: Record<ProcurementMethod, Table> = {
  open_tender: COMPETITIVE,
  invited_tender: COMPETITIVE,
  competitive_negotiation: COMPETITIVE,
  competitive_consultation: COMPETITIVE,
  request_for_quotation: COMPETITIVE,
  single_source: SINGLE_SOURCE,
  framework_agreement: FRAMEWORK,
};

/** Where a suspension may start for a method, and so the statuses a resume may return to. */
export function suspendableProcurementStatuses(method: ProcurementMethod): ProcurementStatus[] {
  return PROCUREMENT_STATUSES.filter((status) => TABLES[method].suspend[status] !== undefined);
}

/**
 * The status an action leads to for a project of this method, or undefined when its table refuses
 * it. `resume` returns to the status stored at suspension (`resumeTo`).
 */
export function nextProcurementStatus(
  method: ProcurementMethod,
  from: ProcurementStatus,
  action: ProcurementAction,
  resumeTo?: ProcurementStatus | null,
): ProcurementStatus | undefined {
  const table = TABLES[method];
  if (action === 'resume') {
    return from === 'suspended' && resumeTo != null && table.suspend[resumeTo] !== undefined
      ? resumeTo
      : undefined;
  }
  // A suspended project is terminated only where the status it was suspended in may be.
  if (action === 'terminate' && from === 'suspended') {
    return resumeTo != null && table.terminate[resumeTo] !== undefined
      ? table.terminate.suspended
      : undefined;
  }
  return table[action][from];
}

/** What to store when suspending: the new status and where a resume goes back to. */
export function suspendProcurement(
  method: ProcurementMethod,
  from: ProcurementStatus,
): { status: 'suspended'; resumeTo: ProcurementStatus } | undefined {
  return TABLES[method].suspend[from] !== undefined ? { status: 'suspended', resumeTo: from } : undefined;
}

/** No action leads out of these for the method. */
export function isFinalProcurementStatus(method: ProcurementMethod, status: ProcurementStatus): boolean {
  if (status === 'terminated' || status === 'closed' || status === 'replanned') return true;
  return status === 'contracted' && method !== 'framework_agreement';
}
