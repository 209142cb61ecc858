import type { OpeningRecord, OwnSealedBid, PublicSupplier } from './sealed-bids.service.js';

/**
 * What a supplier is shown of its own sealed bid or response, in any line: proof of what was
 * stored (the seal's SHA-256), never the price.
 */
export function toSealedBidReceipt(projectId: string, own: OwnSealedBid) {
  return {
    projectId,
    bidId: own.id,
    version: own.version,
    status: own.status,
    submittedAt: own.submittedAt.toISOString(),
    withdrawnAt: own.status === 'withdrawn' ? own.withdrawnAt.toISOString() : null,
    sealSha256: own.receipt,
  };
}

/**
 * The opening record as the public reads it: each supplier by its organisation's code and
 * registered name (`suppliers`, by account), its price and documents — never its account's id or
 * name.
 */
export function toPublicOpeningRecord(record: OpeningRecord, suppliers: ReadonlyMap<string, PublicSupplier>) {
  return {
    openedAt: record.openedAt.toISOString(),
    submittedCount: record.submittedCount,
    validCount: record.validCount,
    bids: record.bids.map((bid) => ({
      supplierCode: suppliers.get(bid.bidderId)?.code ?? null,
      supplierName: suppliers.get(bid.bidderId)?.name ?? null,
      price: bid.price,
      documents: bid.documents,
      submittedAt: bid.submittedAt,
      sealSha256: bid.receipt,
      valid: bid.valid,
      invalidReason: bid.invalidReason,
    })),
  };
}

/** A supplier's own bid in a project: its receipt, and after the opening its price as opened. */
export function toOwnBidStatus(
  projectId: string,
  registrationStatus: string,
  own: OwnSealedBid | null,
  opening: OpeningRecord | null,
  bidderId: string,
) {
  const opened = opening?.bids.find((bid) => bid.bidderId === bidderId) ?? null;
  return {
    projectId,
    registrationStatus,
    bid: own ? toSealedBidReceipt(projectId, own) : null,
    opened: opened ? { price: opened.price, valid: opened.valid, invalidReason: opened.invalidReason } : null,
  };
}
