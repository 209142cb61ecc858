import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { calendarDateInZone, DomainError, nextTransferStatus, resultPublicationEnd } from '@ggzy/domain';
import { AuditLogRepository, type DealOfAuction, TransferProjectsRepository } from '@ggzy/persistence';
import type { AuctionHost, ClosedAuction, SoldAuction } from '@ggzy/auction';
import { BusinessCalendarService } from '@ggzy/calendar';
import { DepositsService } from '@ggzy/deposits';

/**
 * The transfer project as an auction's host: its deal is the final price itself, filed under
 * property rights / transfer as a `transfer_auction` (an on-site record files it as
 * `on_site_auction`); at the close, online or on site, the project moves to sold or unsold by its
 * own lifecycle table and its deposits are settled as a lease's are (the losers' fall due for
 * refund, the winner's is held; all fall due when unsold), in the closing transaction.
 */
@Injectable()
export class TransferAuctionHost implements AuctionHost {
  readonly hostType = 'transfer_project' as const;

  constructor(
    private readonly projects: TransferProjectsRepository,
    private readonly audit: AuditLogRepository,
    private readonly calendars: BusinessCalendarService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deposits: DepositsService,
  ) {}

  async dealFor(manager: EntityManager, sold: SoldAuction): Promise<DealOfAuction> {
    const project = await this.projects.lockById(manager, sold.auctionId);
    if (!project) throw new Error(`auction ${sold.auctionId} has no transfer project`);
    return {
      category: 'property_rights',
      subtype: 'transfer',
      sourceType: 'transfer_auction',
      title: project.title,
      amount: sold.finalPrice,
    };
  }

  async closed(manager: EntityManager, closed: ClosedAuction): Promise<void> {
    const project = await this.projects.lockById(manager, closed.auctionId);
    if (!project) throw new Error(`auction ${closed.auctionId} has no transfer project`);
    const action = closed.status === 'sold' ? 'close_sold' : 'close_unsold';
    const next = nextTransferStatus(project.status, action);
    if (!next)
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `cannot ${action} a project that is ${project.status}`,
      );
    const today = calendarDateInZone(closed.databaseNow, this.config.CENTRE_TZ);
    const changes =
      closed.status === 'sold'
        ? {
            status: next,
            finalPrice: closed.finalPrice,
            winnerId: closed.winnerId,
            dealSource: closed.onSite ? ('on_site' as const) : ('auction' as const),
            soldOn: today,
            resultPublishedUntil: resultPublicationEnd(await this.calendars.calendar(manager), today),
          }
        : { status: next, closingReason: closed.reason };
    await this.projects.update(manager, project.id, changes);
    await this.deposits.settleOnClose(
      manager,
      { hostType: this.hostType, hostId: project.id },
      closed.status === 'sold' ? { sold: true, winnerId: closed.winnerId } : { sold: false },
      closed.closedAt,
      closed.actorId ?? null,
    );
    await this.audit.append(manager, {
      at: closed.databaseNow,
      actorId: closed.actorId ?? null,
      action: `transfer.${action}`,
      entityType: 'transfer_project',
      entityId: project.id,
      data: {
        from: project.status,
        to: next,
        ...(closed.onSite ? { onSite: true } : {}),
        ...(closed.status === 'sold' ? { finalPrice: closed.finalPrice } : { reason: closed.reason }),
      },
    });
  }
}
