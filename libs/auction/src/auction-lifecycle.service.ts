import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type AuctionStatus,
  closeOutcome,
  isDueToClose,
  isDueToOpen,
  nextAuctionStatus,
  statusesAllowing,
} from '@ggzy/domain';
import {
  type AuctionClose,
  AuctionsRepository,
  type DealOfAuction,
  AuditLogRepository,
  type AuditRecord,
} from '@ggzy/persistence';
import { AUCTION_HOSTS, type AuctionHost, AuctionHosts } from './auction-host.js';
import { LIVE_EVENTS, type LiveEventMap, type LiveEvents } from './live-events.js';

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
    return (await this.openMany([auctionId])).get(auctionId)!;
  }

  /**
   * Opens the auctions among `auctionIds` whose bidding is due to start, in one transaction
   * (their rows locked in id order, every status and trail entry in one statement), and answers
   * each id as `open` does; each `auction.status` goes out once the batch commits.
   */
  async openMany(auctionIds: string[]): Promise<Map<string, OpenResult>> {
    const results = new Map<string, OpenResult>();
    const events: LiveEventMap['auction.status'][] = [];
    await this.dataSource.transaction(async (manager) => {
      results.clear();
      events.length = 0;
      const ids = [...new Set(auctionIds)].sort();
      const contexts = await this.auctions.lockManyForOpen(manager, ids, statusesAllowing('open'));
      const opens: { auctionId: string; status: AuctionStatus }[] = [];
      const trail: AuditRecord[] = [];
      for (const auction of contexts) {
        const now = auction.databaseNow;
        const next = nextAuctionStatus(auction.status, 'open');
        if (!next) {
          // Not openable: report the end if it is already bidding, so its close gets scheduled.
          results.set(auction.id, {
            opened: false,
            endsAt: nextAuctionStatus(auction.status, 'close_sold') ? auction.endsAt : null,
          });
          continue;
        }
        if (!auction.locked || !isDueToOpen(auction, now)) {
          const dueInMs = Math.max(0, auction.biddingStartsAt.getTime() - now.getTime());
          results.set(auction.id, { opened: false, endsAt: null, dueInMs });
          continue;
        }
        opens.push({ auctionId: auction.id, status: next });
        trail.push({
          at: now,
          actorId: null,
          action: 'auction.opened',
          entityType: auction.hostType,
          entityId: auction.id,
          data: { from: auction.status, to: next, endsAt: auction.endsAt.toISOString() },
        });
        events.push({ listingId: auction.id, status: next, endsAt: auction.endsAt.toISOString() });
        results.set(auction.id, { opened: true, endsAt: auction.endsAt });
      }
      await this.auctions.openMany(manager, opens, trail);
    });
    for (const event of events) this.liveEvents.publish('auction.status', event);
    for (const auctionId of auctionIds)
      if (!results.has(auctionId)) results.set(auctionId, { opened: false, endsAt: null });
    return results;
  }

  /**
   * Closes an auction whose end has come: `sold` with its host's deal record, or `unsold` (流拍).
   * When the end moved later (a countdown bid), reports the new end so it can be rescheduled.
   */
  async close(auctionId: string): Promise<CloseResult> {
    return (await this.closeMany([auctionId])).get(auctionId)!;
  }

  /**
   * Closes the auctions among `auctionIds` whose end has come, in one transaction: their rows
   * locked in id order, each decided as `close` decides it, their hosts told, then every close,
   * deal and trail entry written in one statement. Each auction's `auction.closed` goes out once
   * the batch commits. Any failure (a host refusing) rolls the whole batch back; the caller
   * retries its auctions one by one, so one auction never holds the others' closes.
   */
  async closeMany(auctionIds: string[]): Promise<Map<string, CloseResult>> {
    const results = new Map<string, CloseResult>();
    const events: LiveEventMap['auction.closed'][] = [];
    await this.dataSource.transaction(async (manager) => {
      results.clear();
      events.length = 0;
      const ids = [...new Set(auctionIds)].sort();
      const contexts = await this.auctions.lockManyForClose(manager, ids, statusesAllowing('close_sold'));
      const closes: AuctionClose[] = [];
      const trail: AuditRecord[] = [];
      for (const context of contexts) {
        const { auction } = context;
        const auctionId = auction.id;
        if (!nextAuctionStatus(auction.status, 'close_sold')) {
          results.set(auctionId, { closed: false, reason: 'not_live' });
          continue;
        }
        const now = context.databaseNow;
        // Not locked: not due when the batch locked (a countdown bid moved its end), whatever
        // the clock says by the read after it; its close is rescheduled for its end.
        if (!context.locked || !isDueToClose(auction, now)) {
          const dueInMs = Math.max(0, auction.endsAt.getTime() - now.getTime());
          results.set(auctionId, { closed: false, reason: 'not_due', endsAt: auction.endsAt, dueInMs });
          continue;
        }
        const outcome = closeOutcome(auction);
        const closedAt = auction.endsAt;
        const host = this.hosts.get(auction.hostType);
        const entry = (data: Record<string, unknown>): AuditRecord => ({
          at: now,
          actorId: null,
          action: 'auction.closed',
          entityType: auction.hostType,
          entityId: auctionId,
          data: {
            ...outcome,
            ...data,
            closedAt: closedAt.toISOString(),
            bidCount: auction.bidCount,
            lastSeq: auction.lastSeq,
          },
        });
        // The host's part (its status, the deposits) runs with its trail entries held back: the
        // chain's head is then locked only by the batch's last statement, and the trail still
        // reads the auction's close, then what its host did.
        if (outcome.status === 'sold') {
          let deal!: DealOfAuction;
          const hostEntries = await this.audit.holdingAppends(manager, async () => {
            deal = await host.dealFor(manager, {
              auctionId,
              finalPrice: outcome.finalPrice,
              winnerId: outcome.winnerId,
            });
            await host.closed?.(manager, {
              auctionId,
              closedAt,
              databaseNow: now,
              status: 'sold',
              finalPrice: outcome.finalPrice,
              winnerId: outcome.winnerId,
            });
          });
          closes.push({
            auctionId,
            status: nextAuctionStatus(auction.status, 'close_sold')!,
            closedAt,
            sold: {
              finalPrice: outcome.finalPrice,
              winnerId: outcome.winnerId,
              deal,
              winnerName: context.leaderName ?? context.leaderCode ?? outcome.winnerId,
            },
          });
          trail.push(entry({ dealAmount: deal.amount }), ...hostEntries);
          events.push({
            listingId: auctionId,
            status: 'sold',
            finalPrice: outcome.finalPrice,
            ...(context.leaderCode ? { winnerCode: context.leaderCode } : {}),
            closedAt: closedAt.toISOString(),
          });
        } else {
          const hostEntries = await this.audit.holdingAppends(manager, async () => {
            await host.closed?.(manager, {
              auctionId,
              closedAt,
              databaseNow: now,
              status: 'unsold',
              reason: outcome.reason,
            });
          });
          closes.push({
            auctionId,
            status: nextAuctionStatus(auction.status, 'close_unsold')!,
            closedAt,
            unsold: { reason: outcome.reason },
          });
          trail.push(entry({}), ...hostEntries);
          events.push({ listingId: auctionId, status: 'unsold', closedAt: closedAt.toISOString() });
        }
        results.set(auctionId, { closed: true, status: outcome.status, closedAt });
      }
      await this.auctions.closeMany(manager, closes, trail);
    });
    for (const event of events) this.liveEvents.publish('auction.closed', event);
    for (const auctionId of auctionIds)
      if (!results.has(auctionId)) results.set(auctionId, { closed: false, reason: 'not_found' });
    return results;
  }
}
