import type { LeaseListing, RegistrationEntity } from '@ggzy/persistence';
import { type DepositState, minNextBid } from '@ggzy/domain';
import { visibleStatus } from '@ggzy/auction';

/** What anyone may read: never the reserve price, never an identity. */
export function toPublicListing(listing: LeaseListing, leaderCode: string | null, now: Date) {
  const closed = listing.status === 'sold' || listing.status === 'unsold';
  return {
    id: listing.id,
    code: listing.code,
    category: 'property_rights' as const,
    subtype: 'lease' as const,
    title: listing.title,
    address: listing.address,
    areaSqm: listing.areaSqm,
    usage: listing.usage,
    leaseTermMonths: listing.leaseTermMonths,
    startPrice: listing.startPrice,
    increment: listing.increment,
    deposit: listing.deposit,
    hasReserve: listing.reservePrice !== null,
    registrationStartsAt: listing.registrationStartsAt.toISOString(),
    registrationEndsAt: listing.registrationEndsAt.toISOString(),
    biddingStartsAt: listing.biddingStartsAt.toISOString(),
    freeBiddingEndsAt: listing.freeBiddingEndsAt.toISOString(),
    extensionSeconds: listing.extensionSeconds,
    status: visibleStatus(listing, now),
    currentPrice: listing.currentPrice,
    minNextBid: minNextBid(listing),
    leaderCode,
    bidCount: listing.bidCount,
    lastSeq: listing.lastSeq,
    endsAt: listing.endsAt.toISOString(),
    finalPrice: listing.status === 'sold' ? listing.finalPrice : null,
    winnerCode: listing.status === 'sold' ? leaderCode : null,
    closedAt: closed && listing.closedAt ? listing.closedAt.toISOString() : null,
    // A suspension or cancellation is announced with its reason (公告).
    reason: listing.status === 'suspended' || listing.status === 'cancelled' ? listing.statusReason : null,
  };
}

/** Staff and supervisors also see the reserve and the stored status reason. */
export function toStaffListing(listing: LeaseListing, leaderCode: string | null, now: Date) {
  return {
    ...toPublicListing(listing, leaderCode, now),
    reservePrice: listing.reservePrice,
    storedStatus: listing.status,
    statusReason: listing.statusReason,
    leaderId: listing.leaderId,
    winnerId: listing.winnerId,
  };
}

/** Lists' rows; `depositState` is null where no deposit is recorded (a fake or an old row). */
export function toRegistrationView(
  registration: RegistrationEntity & { depositState?: DepositState | null },
) {
  return {
    id: registration.id,
    listingId: registration.hostId,
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
