import type { EntityManager } from 'typeorm';
import type { AuctionHostType, DealOfAuction } from '@ggzy/persistence';

/** How an auction ended well: the engine's result, before the host says what it is worth. */
export interface SoldAuction {
  auctionId: string;
  finalPrice: number;
  winnerId: string;
}

/** How an auction ended, as its host hears it inside the closing transaction (online or on site). */
export type ClosedAuction = {
  auctionId: string;
  /** When it ended: its end time online, the hammer's time on site. */
  closedAt: Date;
  /** The database's clock at the close, for the host's own timers. */
  databaseNow: Date;
  /** Who recorded the close (staff, on site); null when the clock closed it. */
  actorId?: string | null;
  /** Closed by an on-site auction's record rather than online bidding. */
  onSite?: boolean;
} & ({ status: 'sold'; finalPrice: number; winnerId: string } | { status: 'unsold'; reason: string });

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
   * What the end means for the host, in the closing transaction with the deal, online or on
   * site, so the auction's end and the host's can never disagree: a host with a status of its
   * own (a transfer project) moves it; every host settles its deposits (due for refund or held).
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
