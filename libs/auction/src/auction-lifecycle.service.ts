import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AuctionStatus, closeOutcome, isDueToClose, isDueToOpen, nextAuctionStatus } from '@ggzy/domain';
import { AuctionsRepository, AuditLogRepository } from '@ggzy/persistence';
import { AUCTION_HOSTS, type AuctionHost, AuctionHosts } from './auction-host.js';
import { LIVE_EVENTS, type LiveEvents } from './live-events.js';

/** `dueInMs`: when an announced auction is not yet due, how long until it is, by the database's clock. */
export type OpenResult = { opened: boolean; endsAt: Date | null; dueInMs?: number };
export type CloseResult =
  | { closed: true; status: 'sold' | 'unsold'; closedAt: Date }
  | { closed: false; reason: 'not_found' | 'not_live' }
  | { closed: false; reason: 'not_due'; endsAt: Date; dueInMs: number };

/**
 * The timed steps the worker runs. Each locks the auction, so running one twice has no second
 * effect. Whether a step is due is the database's clock's call, the one the bid path checks
 * too: a worker whose clock runs ahead must not close an auction a gateway may still accept
 * bids on, and one whose clock runs behind is caught by the sweeper. Every status written is
 * the one the lifecycle table returns; the host (AuctionHost) says what a sale is as a deal.
 */
@Injectable()
export class AuctionLifecycleService {
  private readonly hosts: AuctionHosts;

  constructor(
    private readonly dataSource: DataSource,
    private readonly auctions: AuctionsRepository,
    private readonly audit: AuditLogRepository,
    @Inject(LIVE_EVENTS) private readonly liveEvents: LiveEvents,
    @Optional() @Inject(AUCTION_HOSTS) hosts?: AuctionHost[],
  ) {
    this.hosts = new AuctionHosts(hosts);
  }

  /** `announced → bidding` once the clock reaches biddingStartsAt. Returns when it will end. */
  async open(auctionId: string): Promise<OpenResult> {
    let opened: AuctionStatus | undefined;
    const result = await this.dataSource.transaction(async (manager): Promise<OpenResult> => {
      const auction = await this.auctions.lockById(manager, auctionId);
      if (!auction) return { opened: false, endsAt: null };
      const now = await this.auctions.databaseNow(manager);
      const next = nextAuctionStatus(auction.status, 'open');
      if (!next || !isDueToOpen(auction, now)) {
        // Not openable: report the end if it is already bidding, so its close gets scheduled.
        if (!next)
          return {
            opened: false,
            endsAt: nextAuctionStatus(auction.status, 'close_sold') ? auction.endsAt : null,
          };
        const dueInMs = Math.max(0, auction.biddingStartsAt.getTime() - now.getTime());
        return { opened: false, endsAt: null, dueInMs };
      }
      await this.auctions.update(manager, auctionId, { status: next });
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: 'auction.opened',
        entityType: auction.hostType,
        entityId: auctionId,
        data: { from: auction.status, to: next, endsAt: auction.endsAt.toISOString() },
      });
      opened = next;
      return { opened: true, endsAt: auction.endsAt };
    });
    if (result.opened && opened) {
      this.liveEvents.publish('auction.status', {
        listingId: auctionId,
        status: opened,
        endsAt: result.endsAt!.toISOString(),
      });
    }
    return result;
  }

  /**
   * Closes an auction whose end has come: `sold` with its host's deal record, or `unsold` (流拍).
   * When the end moved later (a countdown bid), reports the new end so it can be rescheduled.
   */
  async close(auctionId: string): Promise<CloseResult> {
    let event:
      { status: 'sold' | 'unsold'; finalPrice?: number; winnerCode?: string; closedAt: Date } | undefined;
    const result = await this.dataSource.transaction(async (manager): Promise<CloseResult> => {
      const context = await this.auctions.lockForClose(manager, auctionId);
      if (!context) return { closed: false, reason: 'not_found' };
      const { auction } = context;
      if (!nextAuctionStatus(auction.status, 'close_sold')) return { closed: false, reason: 'not_live' };
      const now = context.databaseNow;
      if (!isDueToClose(auction, now)) {
        const dueInMs = Math.max(0, auction.endsAt.getTime() - now.getTime());
        return { closed: false, reason: 'not_due', endsAt: auction.endsAt, dueInMs };
      }
      const outcome = closeOutcome(auction);
      const closedAt = auction.endsAt;
      const host = this.hosts.get(auction.hostType);
      if (outcome.status === 'sold') {
        const deal = await host.dealFor(manager, {
          auctionId,
          finalPrice: outcome.finalPrice,
          winnerId: outcome.winnerId,
        });
        await this.auctions.closeSold(
          manager,
          {
            auctionId,
            status: nextAuctionStatus(auction.status, 'close_sold')!,
            finalPrice: outcome.finalPrice,
            winnerId: outcome.winnerId,
            closedAt,
            deal,
            winnerName: context.leaderName ?? context.leaderCode ?? outcome.winnerId,
          },
          {
            at: now,
            actorId: null,
            action: 'auction.closed',
            entityType: auction.hostType,
            entityId: auctionId,
            data: {
              ...outcome,
              dealAmount: deal.amount,
              closedAt: closedAt.toISOString(),
              bidCount: auction.bidCount,
              lastSeq: auction.lastSeq,
            },
          },
        );
        await host.closed?.(manager, {
          auctionId,
          closedAt,
          databaseNow: now,
          status: 'sold',
          finalPrice: outcome.finalPrice,
          winnerId: outcome.winnerId,
        });
        event = {
          status: 'sold',
          finalPrice: outcome.finalPrice,
          winnerCode: context.leaderCode ?? undefined,
          closedAt,
        };
      } else {
        await this.auctions.closeUnsold(
          manager,
          {
            auctionId,
            status: nextAuctionStatus(auction.status, 'close_unsold')!,
            closedAt,
            reason: outcome.reason,
          },
          {
            at: now,
            actorId: null,
            action: 'auction.closed',
            entityType: auction.hostType,
            entityId: auctionId,
            data: {
              ...outcome,
              closedAt: closedAt.toISOString(),
              bidCount: auction.bidCount,
              lastSeq: auction.lastSeq,
            },
          },
        );
        await host.closed?.(manager, {
          auctionId,
          closedAt,
          databaseNow: now,
          status: 'unsold',
          reason: outcome.reason,
        });
        event = { status: 'unsold', closedAt };
      }
      return { closed: true, status: outcome.status, closedAt };
    });
    if (result.closed && event) {
      this.liveEvents.publish('auction.closed', {
        listingId: auctionId,
        status: event.status,
        ...(event.finalPrice !== undefined ? { finalPrice: event.finalPrice } : {}),
        ...(event.winnerCode ? { winnerCode: event.winnerCode } : {}),
        closedAt: event.closedAt.toISOString(),
      });
    }
    return result;
  }
}
