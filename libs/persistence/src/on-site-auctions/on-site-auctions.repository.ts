import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuctionStatus } from '@ggzy/domain';
import type { AuctionHostType } from '../auctions/auction.entity.js';
import type { DealOfAuction } from '../auctions/auctions.repository.js';
import { FeesRepository } from '../fees/fees.repository.js';
import type { RegistrationHost, RegistrationStatus } from '../registrations/registration.entity.js';

/** The deal's `source_type` for a sale made on site (a lease's or a transfer's). */
export const ON_SITE_DEAL_SOURCE = 'on_site_auction';

export interface NewOnSiteAuctionRecord extends RegistrationHost {
  auctioneer: string;
  place: string;
  heldAt: Date;
  presentBidderIds: string[];
  outcome: 'sold' | 'unsold';
  hammerPrice: number | null;
  winnerId: string | null;
  recordFileName: string;
  recordFileSha256: string;
  recordedBy: string;
  recordedAt: Date;
}

/** On-site auction records and the writes that close a host's auction by one. */
@Injectable()
export class OnSiteAuctionsRepository {
  // Optional only for code that builds one by hand: the apps always have it.
  constructor(@Optional() private readonly fees?: FeesRepository) {}

  /** Every registration of the host by bidder: who may be present, who is qualified. */
  async registrationsOf(
    manager: EntityManager,
    host: RegistrationHost,
  ): Promise<Map<string, { status: RegistrationStatus; bidderCode: string | null }>> {
    const rows = (await manager.query(
      `SELECT bidder_id AS "bidderId", status, bidder_code AS "bidderCode"
       FROM registrations WHERE host_type = $1 AND host_id = $2`,
      [host.hostType, host.hostId],
    )) as { bidderId: string; status: RegistrationStatus; bidderCode: string | null }[];
    return new Map(rows.map((row) => [row.bidderId, { status: row.status, bidderCode: row.bidderCode }]));
  }

  async insert(manager: EntityManager, record: NewOnSiteAuctionRecord): Promise<string> {
    const [row] = (await manager.query(
      `INSERT INTO on_site_auctions (host_type, host_id, auctioneer, place, held_at, present_bidder_ids,
         outcome, hammer_price, winner_id, record_file_name, record_file_sha256, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        record.hostType,
        record.hostId,
        record.auctioneer,
        record.place,
        record.heldAt,
        record.presentBidderIds,
        record.outcome,
        record.hammerPrice,
        record.winnerId,
        record.recordFileName,
        record.recordFileSha256,
        record.recordedBy,
        record.recordedAt,
      ],
    )) as { id: string }[];
    return row.id;
  }

  /**
   * Closes the auction `from` → `to` (the lifecycle table's step), only if it is still `from`:
   * false when something else moved it first.
   */
  async closeAuction(
    manager: EntityManager,
    close: {
      auctionId: string;
      from: AuctionStatus;
      to: AuctionStatus;
      finalPrice: number | null;
      winnerId: string | null;
      closedAt: Date;
      reason: string | null;
    },
  ): Promise<boolean> {
    const [, count] = (await manager.query(
      `UPDATE auctions SET status = $3, final_price = $4, winner_id = $5, closed_at = $6, status_reason = $7,
         updated_at = clock_timestamp()
       WHERE id = $1 AND status = $2`,
      [close.auctionId, close.from, close.to, close.finalPrice, close.winnerId, close.closedAt, close.reason],
    )) as [unknown, number];
    return count === 1;
  }

  /** The deal of an on-site sale; its source is the record. */
  async insertDeal(
    manager: EntityManager,
    deal: DealOfAuction & { recordId: string; winnerId: string; closedAt: Date },
  ): Promise<void> {
    const inserted = (await manager.query(
      `INSERT INTO deals (category, subtype, source_type, source_id, title, amount, winner_id, winner_name, closed_at)
       SELECT $1, $2, $3, $4, $5, $6, u.id, u.display_name, $7 FROM users u WHERE u.id = $8
       RETURNING id`,
      [
        deal.category,
        deal.subtype,
        ON_SITE_DEAL_SOURCE,
        deal.recordId,
        deal.title,
        deal.amount,
        deal.closedAt,
        deal.winnerId,
      ],
    )) as { id: string }[];
    await this.fees?.recordFor(manager, { dealIds: inserted.map((row) => row.id) });
  }

  async find(manager: EntityManager, id: string) {
    const [row] = (await manager.query(
      `SELECT id, host_type AS "hostType", host_id AS "hostId", auctioneer, place, held_at AS "heldAt",
              present_bidder_ids::text[] AS "presentBidderIds", outcome, hammer_price AS "hammerPrice",
              winner_id AS "winnerId", record_file_name AS "recordFileName",
              record_file_sha256 AS "recordFileSha256", recorded_by AS "recordedBy", recorded_at AS "recordedAt"
       FROM on_site_auctions WHERE id = $1`,
      [id],
    )) as (Omit<NewOnSiteAuctionRecord, 'hammerPrice'> & {
      id: string;
      hostType: AuctionHostType;
      hammerPrice: string | null;
    })[];
    return row ? { ...row, hammerPrice: row.hammerPrice === null ? null : Number(row.hammerPrice) } : null;
  }
}
