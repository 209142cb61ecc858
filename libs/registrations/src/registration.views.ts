import type { DepositState } from '@ggzy/domain';
import type { RegistrationEntity } from '@ggzy/persistence';

/**
 * A supplier's registration (with its organisation and deposit) as staff and the supplier see it:
 * `organizationName` is the registered name staff confirmed (how the public names it; null until
 * then); `accountName`, the applying account's display name, only in staff's list (to check the
 * name against), never public.
 */
export function toSupplierRegistrationView(
  registration: RegistrationEntity & { depositState?: DepositState | null; accountName?: string },
) {
  return {
    id: registration.id,
    projectId: registration.hostId,
    bidderId: registration.bidderId,
    organizationCode: registration.organizationCode,
    organizationName: registration.organizationName,
    ...(registration.accountName === undefined ? {} : { accountName: registration.accountName }),
    status: registration.status,
    bidderCode: registration.bidderCode,
    rejectReason: registration.rejectReason,
    depositReceivedAt: registration.depositReceivedAt?.toISOString() ?? null,
    depositState: registration.depositState ?? null,
    decidedAt: registration.decidedAt?.toISOString() ?? null,
    createdAt: registration.createdAt.toISOString(),
  };
}
