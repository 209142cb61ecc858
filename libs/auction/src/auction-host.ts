import type { EntityManager } from 'typeorm';
import type { AuctionHostType, DealOfAuction } from '@ggzy/persistence';

/** How an auction ended well: the engine's result, before the host says what it is worth. */
export interface SoldAuction {
  auctionId: string;
  finalPrice: number;
  winnerId: string;
}

/**
 * What hosts an auction (a lease listing, a transfer project), as the engine sees it: the one
 * place a line tells the engine about itself. Its limit is set when it writes the auction's
 * terms (`maxBid`, a column the bid path reads with everything else: no call per bid); at the
 * close it says what the sale is as a deal (a lease: rent × months; a transfer: the price).
 */
export interface AuctionHost {
  readonly hostType: AuctionHostType;
  /** Read inside the closing transaction, so the deal and the close commit together. */
  dealFor(manager: EntityManager, sold: SoldAuction): Promise<DealOfAuction>;
  /**
   * What else the end means for the host (its deposits fall due or stay held), in the same
   * transaction as the close and its deal, online or on site.
   */
  afterClose?(manager: EntityManager, closed: ClosedAuction): Promise<void>;
}

/** How an auction ended, for the host's own consequences. */
export interface ClosedAuction {
  auctionId: string;
  closedAt: Date;
  /** Who closed it: staff recording an on-site auction; absent when the worker closed it on time. */
  actorId?: string | null;
  outcome: { sold: true; winnerId: string } | { sold: false };
}

/** The hosts a process registers (the worker, which closes auctions), by host type. */
export const AUCTION_HOSTS = Symbol('AUCTION_HOSTS');

export class AuctionHosts {
  private readonly byType: Map<AuctionHostType, AuctionHost>;

  constructor(hosts: AuctionHost[] = []) {
    this.byType = new Map(hosts.map((host) => [host.hostType, host]));
  }

  /** The host, if one is registered: for steps an unregistered line may skip (an unsold close). */
  find(hostType: AuctionHostType): AuctionHost | undefined {
    return this.byType.get(hostType);
  }

  get(hostType: AuctionHostType): AuctionHost {
    const host = this.byType.get(hostType);
    if (!host) throw new Error(`no auction host registered for ${hostType}`);
    return host;
  }
}
