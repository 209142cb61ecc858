import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { closeOutcome, isDueToClose, isDueToOpen } from '@ggzy/domain';
import { AuditLogRepository, LeaseListingsRepository } from '@ggzy/persistence';
import { LIVE_EVENTS, type LiveEvents } from './live-events.js';

/** `dueInMs`: when an announced listing is not yet due, how long until it is, by the database's clock. */
export type OpenResult = { opened: boolean; endsAt: Date | null; dueInMs?: number };
export type CloseResult =
  | { closed: true; status: 'sold' | 'unsold'; closedAt: Date }
  | { closed: false; reason: 'not_found' | 'not_live' }
  | { closed: false; reason: 'not_due'; endsAt: Date; dueInMs: number };

/**
 * The timed steps the worker runs. Each locks the listing, so running one twice has no second
 * effect. Whether a step is due is the database's clock's call, the one the bid path checks
 * too: a worker whose clock runs ahead must not close an auction a gateway may still accept
 * bids on, and one whose clock runs behind is caught by the sweeper.
 */
@Injectable()
export class AuctionLifecycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: LeaseListingsRepository,
    private readonly audit: AuditLogRepository,
    @Inject(LIVE_EVENTS) private readonly liveEvents: LiveEvents,
  ) {}

  /** `announced → bidding` once the clock reaches biddingStartsAt. Returns when it will end. */
  async open(listingId: string): Promise<OpenResult> {
    const result = await this.dataSource.transaction(async (manager): Promise<OpenResult> => {
      const listing = await this.listings.lockById(manager, listingId);
      if (!listing) return { opened: false, endsAt: null };
      const now = await this.listings.databaseNow(manager);
      if (!isDueToOpen(listing, now)) {
        if (listing.status !== 'announced')
          return { opened: false, endsAt: listing.status === 'bidding' ? listing.endsAt : null };
        const dueInMs = Math.max(0, listing.biddingStartsAt.getTime() - now.getTime());
        return { opened: false, endsAt: null, dueInMs };
      }
      await this.listings.update(manager, listingId, { status: 'bidding' });
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: 'auction.opened',
        entityType: 'lease_listing',
        entityId: listingId,
        data: { from: 'announced', to: 'bidding', endsAt: listing.endsAt.toISOString() },
      });
      return { opened: true, endsAt: listing.endsAt };
    });
    if (result.opened) {
      this.liveEvents.publish('auction.status', {
        listingId,
        status: 'bidding',
        endsAt: result.endsAt!.toISOString(),
      });
    }
    return result;
  }

  /**
   * Closes a listing whose end has come: `sold` with its deal record, or `unsold` (流拍).
   * When the end moved later (a countdown bid), reports the new end so it can be rescheduled.
   */
  async close(listingId: string): Promise<CloseResult> {
    let event:
      { status: 'sold' | 'unsold'; finalPrice?: number; winnerCode?: string; closedAt: Date } | undefined;
    const result = await this.dataSource.transaction(async (manager): Promise<CloseResult> => {
      const context = await this.listings.lockForClose(manager, listingId);
      if (!context) return { closed: false, reason: 'not_found' };
      const { listing } = context;
      if (listing.status !== 'bidding' && listing.status !== 'announced')
        return { closed: false, reason: 'not_live' };
      const now = context.databaseNow;
      if (!isDueToClose(listing, now)) {
        const dueInMs = Math.max(0, listing.endsAt.getTime() - now.getTime());
        return { closed: false, reason: 'not_due', endsAt: listing.endsAt, dueInMs };
      }
      const outcome = closeOutcome(listing);
      const closedAt = listing.endsAt;
      const audit = {
        at: now,
        actorId: null,
        action: 'auction.closed',
        entityType: 'lease_listing',
        entityId: listingId,
        data: {
          ...outcome,
          closedAt: closedAt.toISOString(),
          bidCount: listing.bidCount,
          lastSeq: listing.lastSeq,
        },
      };
      if (outcome.status === 'sold') {
        await this.listings.closeSold(
          manager,
          {
            listingId,
            finalPrice: outcome.finalPrice,
            winnerId: outcome.winnerId,
            closedAt,
            title: listing.title,
            dealAmount: outcome.dealAmount,
            winnerName: context.leaderName ?? context.leaderCode ?? outcome.winnerId,
          },
          audit,
        );
        event = {
          status: 'sold',
          finalPrice: outcome.finalPrice,
          winnerCode: context.leaderCode ?? undefined,
          closedAt,
        };
      } else {
        await this.listings.closeUnsold(manager, { listingId, closedAt, reason: outcome.reason }, audit);
        event = { status: 'unsold', closedAt };
      }
      return { closed: true, status: outcome.status, closedAt };
    });
    if (result.closed && event) {
      this.liveEvents.publish('auction.closed', {
        listingId,
        status: event.status,
        ...(event.finalPrice !== undefined ? { finalPrice: event.finalPrice } : {}),
        ...(event.winnerCode ? { winnerCode: event.winnerCode } : {}),
        closedAt: event.closedAt.toISOString(),
      });
    }
    return result;
  }
}
