import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { leaseDealAmount } from '@ggzy/domain';
import { type DealOfAuction, LeaseListingsRepository } from '@ggzy/persistence';
import type { AuctionHost, SoldAuction } from '@ggzy/auction';

/**
 * The lease listing as an auction's host. Its limit (the largest rent whose rent × months is a
 * safe integer) is written with the listing's terms; at the close a lease's deal is the final
 * monthly rent × the term, filed under property rights / lease.
 */
@Injectable()
export class LeaseAuctionHost implements AuctionHost {
  readonly hostType = 'lease_listing' as const;

  constructor(private readonly listings: LeaseListingsRepository) {}

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
}
