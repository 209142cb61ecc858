import type {
  BidRejection,
  EvaluatedPriceEntry,
  ProcurementEvaluation,
  ScoreEntry,
  StoredRankedBid,
} from '@ggzy/persistence';
import type { OpenedBid, OpeningRecord, PublicSupplier } from '@ggzy/sealed-bids';

const iso = (value: Date | null | undefined) => value?.toISOString() ?? null;

type Named = Pick<OpenedBid, 'bidderName'>;

function candidate(ranked: StoredRankedBid, bids: Map<string, Named>) {
  return {
    rank: ranked.rank,
    bidId: ranked.bidId,
    bidderName: bids.get(ranked.bidId)?.bidderName ?? null,
    price: ranked.price,
    evaluatedPrice: ranked.evaluatedPrice ?? null,
    totalScore: ranked.totalScore ?? null,
    tieBrokenByLot: ranked.tieBrokenByLot,
  };
}

/**
 * A procurement's evaluation for staff (after the opening) and supervisors: the committee's
 * entries with who entered each and when, the report, and each later step with its day and its
 * statutory last day.
 */
export function toProcurementEvaluationView(
  projectId: string,
  parts: {
    evaluation: ProcurementEvaluation | null;
    opening: OpeningRecord | null;
    rejections: BidRejection[];
    prices: EvaluatedPriceEntry[];
    scores: ScoreEntry[];
    /** A single source's qualified supplier: its registration stands for a response. */
    suppliers: { registrationId: string; bidderName: string }[];
  },
) {
  const { evaluation, opening } = parts;
  const bids = new Map<string, Named>([
    ...(opening?.bids ?? []).map((bid): [string, Named] => [bid.bidId, bid]),
    ...parts.suppliers.map((one): [string, Named] => [one.registrationId, { bidderName: one.bidderName }]),
  ]);
  const winner = evaluation?.awardedBidId ? bids.get(evaluation.awardedBidId) : undefined;
  const awarded = (evaluation?.candidates ?? []).find((one) => one.bidId === evaluation?.awardedBidId);
  return {
    projectId,
    committeeDrawId: evaluation?.committeeDrawId ?? null,
    startedAt: iso(evaluation?.startedAt),
    startedOn: evaluation?.startedOn ?? null,
    bids: (opening?.bids ?? []).map((bid) => ({
      bidId: bid.bidId,
      bidderName: bid.bidderName,
      price: bid.price,
      valid: bid.valid,
      invalidReason: bid.invalidReason,
    })),
    rejections: parts.rejections.map((one) => ({ ...one, enteredAt: one.enteredAt.toISOString() })),
    evaluatedPrices: parts.prices.map((one) => ({ ...one, enteredAt: one.enteredAt.toISOString() })),
    scores: parts.scores.map((one) => ({ ...one, enteredAt: one.enteredAt.toISOString() })),
    report: evaluation?.reportOn
      ? {
          reportOn: evaluation.reportOn,
          reportAt: iso(evaluation.reportAt),
          reportSha256: evaluation.reportSha256,
          outcome: evaluation.outcome,
          ranking: evaluation.ranking ?? [],
          candidates: (evaluation.candidates ?? []).map((ranked) => candidate(ranked, bids)),
          dueWithPurchaserOn: evaluation.reportDueOn,
          deliveredOn: evaluation.deliveredOn,
          // Late delivery is taken, never refused: the record says so.
          deliveredLate:
            evaluation.deliveredOn !== null && evaluation.reportDueOn !== null
              ? evaluation.deliveredOn > evaluation.reportDueOn
              : null,
        }
      : null,
    decision: evaluation?.decidedOn
      ? {
          bidId: evaluation.awardedBidId,
          bidderName: winner?.bidderName ?? null,
          price: awarded?.price ?? null,
          reason: evaluation.awardReason,
          decidedOn: evaluation.decidedOn,
          decisionDueOn: evaluation.decisionDueOn,
        }
      : evaluation?.decisionDueOn
        ? { bidId: null, decisionDueOn: evaluation.decisionDueOn }
        : null,
    result: evaluation?.awardNoticeOn
      ? {
          noticeOn: evaluation.awardNoticeOn,
          resultDueOn: evaluation.resultDueOn,
          contractDueOn: evaluation.contractDueOn,
        }
      : null,
    contract: evaluation?.contractSignedOn
      ? {
          signedOn: evaluation.contractSignedOn,
          contractSha256: evaluation.contractSha256,
          dealId: evaluation.dealId,
        }
      : null,
  };
}

/**
 * The announced result (成交结果公告): the winner's name and price (as opened, or a single
 * source's negotiated price), the decision's reason when the purchaser passed over the first, the
 * notice's day, a framework agreement's admitted suppliers, and the contract once recorded.
 * Suppliers are named by their organisation's registered name and code (`suppliers`, by account),
 * never by an account's name. Nothing of the committee, the report's hash or who decided.
 */
export function toPublicProcurementResult(
  projectId: string,
  evaluation: ProcurementEvaluation,
  winner: { bidderId: string; price: number } | null,
  admitted: { rank: number; bidderId: string; price: number }[] | null,
  suppliers: ReadonlyMap<string, PublicSupplier>,
) {
  const named = (bidderId: string) => ({
    supplierName: suppliers.get(bidderId)?.name ?? null,
    supplierCode: suppliers.get(bidderId)?.code ?? null,
  });
  return {
    projectId,
    award: {
      bidId: evaluation.awardedBidId,
      ...(winner ? named(winner.bidderId) : { supplierName: null, supplierCode: null }),
      price: winner?.price ?? null,
      reason: evaluation.awardReason,
      decidedOn: evaluation.decidedOn,
      noticeOn: evaluation.awardNoticeOn,
      contractDueOn: evaluation.contractDueOn,
    },
    admittedSuppliers:
      admitted?.map(({ rank, bidderId, price }) => ({ rank, ...named(bidderId), price })) ?? null,
    contract: evaluation.contractSignedOn
      ? { signedOn: evaluation.contractSignedOn, contractSha256: evaluation.contractSha256 }
      : null,
  };
}
