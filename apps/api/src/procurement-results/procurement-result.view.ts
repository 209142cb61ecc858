import type { ProcurementEvaluation } from '@ggzy/persistence';
import type { OpenedBid } from '@ggzy/sealed-bids';

/**
 * The announced result: the winner's name and price as opened, the decision's reason when the
 * purchaser passed over the first, the notice's day, and the contract once recorded. Nothing of
 * the committee, the report's hash or who decided.
 */
export function toPublicProcurementResult(
  projectId: string,
  evaluation: ProcurementEvaluation,
  bids: readonly OpenedBid[],
) {
  const winner = bids.find((bid) => bid.bidId === evaluation.awardedBidId);
  return {
    projectId,
    award: {
      bidId: evaluation.awardedBidId,
      supplierName: winner?.bidderName ?? null,
      price: winner?.price ?? null,
      reason: evaluation.awardReason,
      decidedOn: evaluation.decidedOn,
      noticeOn: evaluation.awardNoticeOn,
      contractDueOn: evaluation.contractDueOn,
    },
    contract: evaluation.contractSignedOn
      ? { signedOn: evaluation.contractSignedOn, contractSha256: evaluation.contractSha256 }
      : null,
  };
}
