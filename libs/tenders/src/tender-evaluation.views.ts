import type {
  BidRejection,
  CandidateWithdrawal,
  EvaluatedPriceEntry,
  ReportRevision,
  ScoreEntry,
  StoredRankedBid,
  TenderEvaluation,
} from '@ggzy/persistence';
import type { OpenedBid, OpeningRecord, PublicSupplier } from '@ggzy/sealed-bids';

const iso = (value: Date | null | undefined) => value?.toISOString() ?? null;

/** The committee's entries, each with who entered it and when, and the report. */
export function toEvaluationView(
  projectId: string,
  parts: {
    evaluation: TenderEvaluation | null;
    opening: OpeningRecord | null;
    rejections: BidRejection[];
    prices: EvaluatedPriceEntry[];
    scores: ScoreEntry[];
  },
) {
  const { evaluation, opening } = parts;
  return {
    projectId,
    committeeDrawId: evaluation?.committeeDrawId ?? null,
    startedAt: iso(evaluation?.startedAt),
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
          candidates: evaluation.candidates ?? [],
        }
      : null,
  };
}

/** A public supplier by its bid: its organisation's code and registered name, never its account's. */
type Suppliers = { of(bidId: string): PublicSupplier | undefined };

function candidate(ranked: StoredRankedBid, suppliers: Suppliers, withdrawal?: CandidateWithdrawal) {
  const supplier = suppliers.of(ranked.bidId);
  return {
    rank: ranked.rank,
    bidId: ranked.bidId,
    /** The organisation's registered name (its code when none is on record), never an account's name. */
    bidderName: supplier?.name ?? null,
    supplierCode: supplier?.code ?? null,
    price: ranked.price,
    evaluatedPrice: ranked.evaluatedPrice ?? null,
    totalScore: ranked.totalScore ?? null,
    tieBrokenByLot: ranked.tieBrokenByLot,
    /** 第55条: the candidate gave up or was found ineligible (its cause and reason are public). */
    withdrawal: withdrawal
      ? {
          cause: withdrawal.cause,
          reason: withdrawal.reason,
          recordedOn: withdrawal.recordedOn,
          awardPassedTo: withdrawal.awardPassedTo,
        }
      : null,
  };
}

/**
 * 中标候选人公示 and what followed it: public once published. Suppliers are named as the public
 * names them (`publicSuppliers`, by account: the organisation's code and registered name).
 */
export function toCandidatesView(
  projectId: string,
  evaluation: TenderEvaluation,
  openedBids: OpenedBid[],
  withdrawals: CandidateWithdrawal[] = [],
  revisions: ReportRevision[] = [],
  publicSuppliers: ReadonlyMap<string, PublicSupplier> = new Map(),
) {
  const bids = new Map(openedBids.map((bid) => [bid.bidId, bid]));
  const suppliers: Suppliers = {
    of: (bidId) => {
      const bid = bids.get(bidId);
      return bid ? publicSuppliers.get(bid.bidderId) : undefined;
    },
  };
  const withdrawn = new Map(withdrawals.map((withdrawal) => [withdrawal.bidId, withdrawal]));
  const winner = evaluation.awardedBidId ? bids.get(evaluation.awardedBidId) : undefined;
  const winnerSupplier = winner ? suppliers.of(winner.bidId) : undefined;
  return {
    projectId,
    reportOn: evaluation.reportOn,
    publicity: evaluation.publicityStartsOn
      ? { startsOn: evaluation.publicityStartsOn, endsOn: evaluation.publicityEndsOn }
      : null,
    candidates: (evaluation.candidates ?? []).map((ranked) =>
      candidate(ranked, suppliers, withdrawn.get(ranked.bidId)),
    ),
    award: winner
      ? {
          bidId: winner.bidId,
          bidderName: winnerSupplier?.name ?? null,
          supplierCode: winnerSupplier?.code ?? null,
          price: winner.price,
          reason: evaluation.awardReason,
          noticeOn: evaluation.awardNoticeOn,
          contractDueOn: evaluation.contractDueOn,
        }
      : null,
    contract: evaluation.contractSignedOn
      ? { signedOn: evaluation.contractSignedOn, contractSha256: evaluation.contractSha256 }
      : null,
    // 重新评审: each report sent back after an upheld objection, with what it had published.
    revisions: revisions.map((revision) => ({
      revision: revision.revision,
      reportOn: revision.reportOn,
      reportSha256: revision.reportSha256,
      publicity: { startsOn: revision.publicityStartsOn, endsOn: revision.publicityEndsOn },
      candidates: (revision.candidates as StoredRankedBid[]).map((ranked) => candidate(ranked, suppliers)),
      objectionIds: revision.objectionIds,
      reason: revision.reason,
      sentBackOn: revision.sentBackOn,
    })),
  };
}
