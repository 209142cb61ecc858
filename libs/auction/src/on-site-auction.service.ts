import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  checkOnSiteAuction,
  DomainError,
  type Fen,
  nextAuctionStatus,
  type OnSiteAuctionRecord,
} from '@ggzy/domain';
import {
  type AuctionHostType,
  AuctionsRepository,
  AuditLogRepository,
  OnSiteAuctionsRepository,
  PartyBans,
} from '@ggzy/persistence';
import { AUCTION_HOSTS, type AuctionHost, AuctionHosts } from './auction-host.js';

/** What the host knows about itself that the record is checked against. */
export interface OnSiteAuctionHost {
  hostType: AuctionHostType;
  /** The host's id, which is its auction's. */
  hostId: string;
  /** A lease's starting rent, a transfer's listing price. */
  startPrice: Fen;
  reservePrice: Fen | null;
  /** The earliest it may have been held (a lease: notice + 7 days; a transfer: end of disclosure). */
  notBefore: Date;
}

export interface RecordedOnSiteAuction {
  id: string;
  outcome: 'sold' | 'unsold';
  /** The auction's (and so a lease's) status after the record, from the lifecycle table. */
  status: string;
  hammerPrice: number | null;
  winnerId: string | null;
  winnerCode: string | null;
  dealAmount: number | null;
  heldAt: Date;
}

/**
 * Records an on-site auction (现场拍租 / 现场拍卖) of any host and closes the host's auction by it,
 * in the host's transaction (the host locks itself first and says when it may be recorded):
 * the record is checked by the domain's on-site rules against the host's registrations and the
 * database's clock, no bidder present may have been banned when it was held (PARTY_BANNED), it
 * is stored with its file's hash, the auction closes `sold` or `unsold` by the lifecycle table,
 * a sale writes the host's deal with `sourceType` `on_site_auction`, and the host settles what
 * follows (its deposits) as after an online close.
 */
@Injectable()
export class OnSiteAuctionService {
  private readonly hosts: AuctionHosts;

  constructor(
    private readonly auctions: AuctionsRepository,
    private readonly records: OnSiteAuctionsRepository,
    private readonly audit: AuditLogRepository,
    private readonly partyBans: PartyBans,
    @Optional() @Inject(AUCTION_HOSTS) hosts?: AuctionHost[],
  ) {
    this.hosts = new AuctionHosts(hosts);
  }

  async record(
    manager: EntityManager,
    actorId: string,
    host: OnSiteAuctionHost,
    record: OnSiteAuctionRecord,
  ): Promise<RecordedOnSiteAuction> {
    const registrationHost = { hostType: host.hostType, hostId: host.hostId };
    const now = await this.auctions.databaseNow(manager);
    const checked = checkOnSiteAuction(record, {
      registrations: await this.records.registrationsOf(manager, registrationHost),
      startPrice: host.startPrice,
      reservePrice: host.reservePrice,
      notBefore: host.notBefore,
      now,
    });
    // Bidding in the room is bidding: a party banned when the auction was held could not take part.
    for (const bidderId of new Set(record.presentBidderIds))
      await this.partyBans.refuseIfBanned(manager, bidderId, record.heldAt);
    const auction = await this.auctions.lockById(manager, host.hostId);
    if (!auction || auction.hostType !== host.hostType)
      throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    const next = nextAuctionStatus(
      auction.status,
      checked.outcome === 'sold' ? 'close_sold' : 'close_unsold',
    );
    if (!next)
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `an auction that is ${auction.status} cannot be closed`,
      );

    const sold = checked.outcome === 'sold' ? checked : null;
    const recordId = await this.records.insert(manager, {
      ...registrationHost,
      auctioneer: record.auctioneer,
      place: record.place,
      heldAt: record.heldAt,
      presentBidderIds: record.presentBidderIds,
      outcome: checked.outcome,
      hammerPrice: sold?.hammerPrice ?? null,
      winnerId: sold?.winnerId ?? null,
      recordFileName: record.recordFileName,
      recordFileSha256: record.recordFileSha256,
      recordedBy: actorId,
      recordedAt: now,
    });
    const closed = await this.records.closeAuction(manager, {
      auctionId: host.hostId,
      from: auction.status,
      to: next,
      finalPrice: sold?.hammerPrice ?? null,
      winnerId: sold?.winnerId ?? null,
      closedAt: record.heldAt,
      reason: sold ? null : 'on_site_unsold',
    });
    // The auction was locked above: only a bug could move it in between.
    if (!closed) throw new Error(`auction ${host.hostId} moved while it was locked`);

    const hostLine = this.hosts.get(host.hostType);
    let dealAmount: number | null = null;
    if (sold) {
      const deal = await hostLine.dealFor(manager, {
        auctionId: host.hostId,
        finalPrice: sold.hammerPrice,
        winnerId: sold.winnerId,
      });
      dealAmount = deal.amount;
      await this.records.insertDeal(manager, {
        ...deal,
        recordId,
        winnerId: sold.winnerId,
        closedAt: record.heldAt,
      });
    }
    await hostLine.closed?.(manager, {
      auctionId: host.hostId,
      closedAt: record.heldAt,
      databaseNow: now,
      actorId,
      onSite: true,
      ...(sold
        ? { status: 'sold' as const, finalPrice: sold.hammerPrice, winnerId: sold.winnerId }
        : { status: 'unsold' as const, reason: 'on_site_unsold' }),
    });
    await this.audit.append(manager, {
      at: now,
      actorId,
      action: 'auction.on_site_recorded',
      entityType: host.hostType,
      entityId: host.hostId,
      data: {
        recordId,
        from: auction.status,
        to: next,
        auctioneer: record.auctioneer,
        place: record.place,
        heldAt: record.heldAt.toISOString(),
        presentBidderIds: record.presentBidderIds,
        outcome: checked.outcome,
        hammerPrice: sold?.hammerPrice ?? null,
        winnerId: sold?.winnerId ?? null,
        dealAmount,
        recordFileName: record.recordFileName,
        recordFileSha256: record.recordFileSha256,
      },
    });
    return {
      id: recordId,
      outcome: checked.outcome,
      status: next,
      hammerPrice: sold?.hammerPrice ?? null,
      winnerId: sold?.winnerId ?? null,
      winnerCode: sold?.winnerCode ?? null,
      dealAmount,
      heldAt: record.heldAt,
    };
  }
}
