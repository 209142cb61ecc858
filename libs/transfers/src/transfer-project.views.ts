import type { AuctionEntity, RegistrationEntity, TransferProjectEntity } from '@ggzy/persistence';
import { type DepositState, minNextBid } from '@ggzy/domain';

/** The live auction's side of a project's page, when it has one. */
export interface AuctionSide {
  auction: AuctionEntity;
  leaderCode: string | null;
}

/**
 * What anyone may read: never a buyer's identity (bidder codes only), the approval document or
 * the stage a suspension will resume to.
 */
export function toPublicProject(
  project: TransferProjectEntity,
  side: AuctionSide | null,
  winnerCode: string | null,
) {
  const auction = side?.auction ?? null;
  return {
    id: project.id,
    code: project.code,
    category: 'property_rights' as const,
    subtype: 'transfer' as const,
    title: project.title,
    transferor: project.transferor,
    assetKind: project.assetKind,
    assetDescription: project.assetDescription,
    documents: project.documents,
    valuation: project.valuation,
    listingPrice: project.listingPrice,
    hasApproval: project.approvalApprover !== null,
    buyerConditions: project.buyerConditions,
    deposit: project.deposit,
    increment: project.increment,
    auctionStartTime: project.auctionStartTime,
    freeBiddingMinutes: project.freeBiddingMinutes,
    extensionSeconds: project.extensionSeconds,
    extensionPeriods: project.extensionPeriods,
    status: project.status,
    publishedOn: project.publishedOn,
    disclosureEndsOn: project.disclosureEndsOn,
    extensionsUsed: project.extensionsUsed,
    relistCount: project.relistCount,
    // A re-listing as a new project links both ways (the old one is `superseded`).
    relistedFrom: project.relistedFrom,
    relistedAs: project.relistedAs,
    qualifiedBuyers: project.qualifiedBuyers,
    auctionStatus: auction?.status ?? null,
    biddingStartsAt: auction?.biddingStartsAt.toISOString() ?? null,
    freeBiddingEndsAt: auction?.freeBiddingEndsAt.toISOString() ?? null,
    currentPrice: auction?.currentPrice ?? null,
    minNextBid: auction ? minNextBid(auction) : null,
    leaderCode: side?.leaderCode ?? null,
    bidCount: auction?.bidCount ?? 0,
    lastSeq: auction?.lastSeq ?? 0,
    endsAt: auction?.endsAt.toISOString() ?? null,
    finalPrice: project.finalPrice,
    winnerCode,
    dealSource: project.dealSource,
    soldOn: project.soldOn,
    resultPublishedUntil: project.resultPublishedUntil,
    confirmedOn: project.confirmedOn,
    contractDeadlineOn: project.contractDeadlineOn,
    contractSignedOn: project.contractSignedOn,
    // A suspension or termination is announced with its reason (公告).
    suspensionReason: project.status === 'suspended' ? project.suspensionReason : null,
    terminationReason: project.terminationReason,
    closingReason: project.closingReason,
  };
}

/** Staff and supervisors also see the approval, where a suspension resumes to, and the winner. */
export function toStaffProject(
  project: TransferProjectEntity,
  side: AuctionSide | null,
  winnerCode: string | null,
) {
  return {
    ...toPublicProject(project, side, winnerCode),
    approval:
      project.approvalApprover !== null
        ? { approver: project.approvalApprover, documentSha256: project.approvalDocumentSha256 }
        : null,
    resumeTo: project.resumeTo,
    suspendedAt: project.suspendedAt?.toISOString() ?? null,
    winnerId: project.winnerId,
    contractSha256: project.contractSha256,
    createdBy: project.createdBy,
  };
}

/** Lists' rows; `depositState` is null where no deposit is recorded (a fake or an old row). */
export function toTransferRegistrationView(
  registration: RegistrationEntity & { depositState?: DepositState | null },
) {
  return {
    id: registration.id,
    projectId: registration.hostId,
    bidderId: registration.bidderId,
    status: registration.status,
    bidderCode: registration.bidderCode,
    rejectReason: registration.rejectReason,
    depositReceivedAt: registration.depositReceivedAt?.toISOString() ?? null,
    depositState: registration.depositState ?? null,
    decidedAt: registration.decidedAt?.toISOString() ?? null,
    createdAt: registration.createdAt.toISOString(),
  };
}
