import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { leaseDealAmount } from '@ggzy/domain';
import { type DealOfAuction, LeaseListingsRepository } from '@ggzy/persistence';
import type { AuctionHost, ClosedAuction, SoldAuction } from '@ggzy/auction';
import { DepositsService } from '@ggzy/deposits';

/**
 * The lease listing as an auction's host. Its limit (the largest rent whose rent × months is a
 * safe integer) is written with the listing's terms; at the close a lease's deal is the final
 * monthly rent × the term, filed under property rights / lease, and its deposits are settled:
 * the losers' fall due for refund, the winner's is held (or all fall due when unsold).
 */
@Injectable()
export class LeaseAuctionHost implements AuctionHost {
  readonly hostType = 'lease_listing' as const;

  constructor(
    private readonly listings: LeaseListingsRepository,
    private readonly deposits: DepositsService,
  ) {}

  async dealFor(manager: EntityManager, sold: SoldAuction): Promise<DealOfAuction> {
    const terms = await this.listings.findDealTerms(manager, sold.auctionId);
    if (!terms) throw new Error(`auction ${sold.auctionId} has no lease listing`);
    return {
      category: 'property_rights',
      subtype: 'lease',
      title: terms.title,
      amount: leaseDealAmount(sold.finalPrice, terms.leaseTermMonths),
    };
  }

  /** A lease has no status of its own: its close settles the deposits. */
  async closed(manager: EntityManager, closed: ClosedAuction): Promise<void> {
    await this.deposits.settleOnClose(
      manager,
      { hostType: this.hostType, hostId: closed.auctionId },
      closed.status === 'sold' ? { sold: true, winnerId: closed.winnerId } : { sold: false },
      closed.closedAt,
      closed.actorId ?? null,
    );
  }
}
