import type { EntityManager } from 'typeorm';
import type { AuctionHostType, DealOfAuction } from '@ggzy/persistence';

/** How an auction ended well: the engine's result, before the host says what it is worth. */
export interface SoldAuction {
  auctionId: string;
  finalPrice: number;
  winnerId: string;
}

/** How an auction ended, as its host hears it inside the closing transaction. */
export type ClosedAuction =
  | { auctionId: string; status: 'sold'; finalPrice: number; winnerId: string; databaseNow: Date }
  | { auctionId: string; status: 'unsold'; reason: string; databaseNow: Date };

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
   * A host with a status of its own (a transfer project) moves it here, in the closing
   * transaction, so the auction's end and the host's can never disagree. Leases need none.
   */
  closed?(manager: EntityManager, closed: ClosedAuction): Promise<void>;
}

/** The hosts a process registers (the worker, which closes auctions), by host type. */
export const AUCTION_HOSTS = Symbol('AUCTION_HOSTS');

export class AuctionHosts {
  private readonly byType: Map<AuctionHostType, AuctionHost>;

  constructor(hosts: AuctionHost[] = []) {
    this.byType = new Map(hosts.map((host) => [host.hostType, host]));
  }

  get(hostType: AuctionHostType): AuctionHost {
    const host = this.byType.get(hostType);
    if (!host) throw new Error(`no auction host registered for ${hostType}`);
    return host;
  }
}
