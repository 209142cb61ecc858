/**
 * A property-rights transfer project's lifecycle (产权交易, DOMAIN.md C) as an explicit table of
 * allowed transitions. The table knows statuses only; whether an end-of-disclosure action fits
 * the facts (how many qualified buyers, the disclosure over, the price) is checked by
 * transfer-rules.ts before the table is asked.
 */
export const TRANSFER_STATUSES = [
  /** 受理: staff registered the project; editable, not public (the draft). */
  'accepted',
  /** 挂牌: the disclosure notice is public; buyers apply. */
  'disclosed',
  /** No qualified buyer at the end: disclosure runs 5 more business days, as the notice announced. */
  'extended',
  /** Being re-listed at a new price or conditions; editable, not public until published again. */
  'relisted',
  /** Exactly one qualified buyer: staff confirm an agreement at ≥ the listing price (协议成交). */
  'agreement_pending',
  /** Two or more qualified buyers: a live auction (or an on-site one) decides. */
  'auction',
  'sold',
  /** 流拍: the auction had no valid bid, or the single buyer did not agree. May be re-listed. */
  'unsold',
  /** 成交确认: the transaction confirmation is signed; the contract-signing deadline runs. */
  'confirmed',
  'contract_signed',
  /** The winner did not sign by the deadline: the deposit is forfeited; may be re-listed. */
  'defaulted',
  /** 暂停: timers frozen; resumes to the status it left (`resumeTo`). */
  'suspended',
  /** 终止: ended with a public reason; deposits are refunded. */
  'terminated',
  /**
   * Re-listed as a new project (`relistedAs`) after buyers took part and the sale fell through
   * (unsold, defaulted): the new listing has its own applications, deposits, auction and deal.
   */
  'superseded',
] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

export const TRANSFER_ACTIONS = [
  'publish',
  'extend',
  'relist',
  'relist_as_new',
  'open_agreement',
  'open_auction',
  'confirm_agreement',
  'abandon_agreement',
  'close_sold',
  'close_unsold',
  'confirm',
  'sign_contract',
  'default',
  'suspend',
  'resume',
  'terminate',
] as const;
export type TransferAction = (typeof TRANSFER_ACTIONS)[number];

const TRANSITIONS: Record<
  Exclude<TransferAction, 'resume'>,
  Partial<Record<TransferStatus, TransferStatus>>
> = {
  // A re-listing is published again with its own full disclosure period.
  publish: { accepted: 'disclosed', relisted: 'disclosed' },
  // The end-of-disclosure outcomes (transfer-rules.ts decides which one the facts allow).
  // An extended disclosure may be extended again while the notice announced more periods.
  extend: { disclosed: 'extended', extended: 'extended' },
  // No buyer qualified: the same project is listed again (its applications stay open).
  relist: { disclosed: 'relisted', extended: 'relisted' },
  // Buyers qualified, paid deposits and perhaps bid: the next listing is a new project, so its
  // buyers apply afresh and its auction, ledger and deal are its own (the new one starts `relisted`).
  relist_as_new: { unsold: 'superseded', defaulted: 'superseded' },
  open_agreement: { disclosed: 'agreement_pending', extended: 'agreement_pending' },
  open_auction: { disclosed: 'auction', extended: 'auction' },
  confirm_agreement: { agreement_pending: 'sold' },
  abandon_agreement: { agreement_pending: 'unsold' },
  close_sold: { auction: 'sold' },
  close_unsold: { auction: 'unsold' },
  confirm: { sold: 'confirmed' },
  sign_contract: { confirmed: 'contract_signed' },
  // A winner who refuses the confirmation defaults as surely as one who does not sign the contract.
  default: { sold: 'defaulted', confirmed: 'defaulted' },
  suspend: {
    disclosed: 'suspended',
    extended: 'suspended',
    agreement_pending: 'suspended',
    auction: 'suspended',
    sold: 'suspended',
    confirmed: 'suspended',
  },
  // A running auction is suspended first, then terminated (as a lease cannot be cancelled mid-auction).
  terminate: {
    accepted: 'terminated',
    disclosed: 'terminated',
    extended: 'terminated',
    relisted: 'terminated',
    agreement_pending: 'terminated',
    unsold: 'terminated',
    defaulted: 'terminated',
    suspended: 'terminated',
  },
};

/** Where a suspension may start, and so the statuses a resume may return to. */
export const SUSPENDABLE_TRANSFER_STATUSES: readonly TransferStatus[] = TRANSFER_STATUSES.filter(
  (status) => TRANSITIONS.suspend[status] !== undefined,
);
const suspendable = new Set<TransferStatus>(SUSPENDABLE_TRANSFER_STATUSES);

/**
 * The status an action leads to, or undefined when the table refuses it. `resume` returns to the
 * status stored when the project was suspended (`resumeTo`): unlike a lease, whose announced or
 * bidding phase the clock re-derives, a transfer's stage after disclosure is set by facts (the
 * buyers, staff decisions), so the stage it left must be kept, and resume is refused without it.
 */
export function nextTransferStatus(
  from: TransferStatus,
  action: TransferAction,
  resumeTo?: TransferStatus | null,
): TransferStatus | undefined {
  if (action === 'resume') {
    return from === 'suspended' && resumeTo != null && suspendable.has(resumeTo) ? resumeTo : undefined;
  }
  return TRANSITIONS[action][from];
}

/** What to store when suspending: the new status and where a resume goes back to. */
export function suspendTransfer(
  from: TransferStatus,
): { status: 'suspended'; resumeTo: TransferStatus } | undefined {
  return suspendable.has(from) ? { status: 'suspended', resumeTo: from } : undefined;
}

/** No action leads out of these. */
export function isFinalTransferStatus(status: TransferStatus): boolean {
  return status === 'contract_signed' || status === 'terminated' || status === 'superseded';
}

/** The statuses `action` may leave from: what a query filters on to find the projects it applies to. */
export function transferStatusesAllowing(action: Exclude<TransferAction, 'resume'>): TransferStatus[] {
  return TRANSFER_STATUSES.filter((status) => TRANSITIONS[action][status] !== undefined);
}

/** Where every project starts: 受理, editable by staff, not public. */
export const INITIAL_TRANSFER_STATUS: TransferStatus = 'accepted';

/** Where a re-listing as a new project (relist_as_new) starts: editable, published with `publish`. */
export const RELISTED_TRANSFER_STATUS: TransferStatus = 'relisted';
