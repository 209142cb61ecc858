import type { DepositState } from '@ggzy/domain';
import type { RegistrationEntity } from '@ggzy/persistence';

/** A supplier's registration (with its organisation and deposit) as staff and the supplier see it. */
export function toSupplierRegistrationView(
  registration: RegistrationEntity & { depositState?: DepositState | null },
) {
  return {
    id: registration.id,
    projectId: registration.hostId,
    bidderId: registration.bidderId,
    organizationCode: registration.organizationCode,
    status: registration.status,
    bidderCode: registration.bidderCode,
    rejectReason: registration.rejectReason,
    depositReceivedAt: registration.depositReceivedAt?.toISOString() ?? null,
    depositState: registration.depositState ?? null,
    decidedAt: registration.decidedAt?.toISOString() ?? null,
    createdAt: registration.createdAt.toISOString(),
  };
}
