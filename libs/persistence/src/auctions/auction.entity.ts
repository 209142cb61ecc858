import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { AuctionStatus } from '@ggzy/domain';
import { fenColumn } from '../entities/column-types.js';

/** What hosts an auction: its id is the host's own (a lease listing's, a transfer project's). */
export type AuctionHostType = 'lease_listing' | 'transfer_project';

/** The auction every listing's bidding runs on: schedule, prices, counters and outcome. */
@Entity('auctions')
export class AuctionEntity {
  /** The host's primary key, shared: the socket's `listingId` is this id. */
  @PrimaryColumn('uuid') id!: string;
  @Column({ name: 'host_type', type: 'varchar', length: 32 }) hostType!: AuctionHostType;
  @Column({ type: 'varchar', length: 16 }) status!: AuctionStatus;
  @Column({ name: 'start_price', type: 'bigint', transformer: fenColumn }) startPrice!: number;
  @Column({ type: 'bigint', transformer: fenColumn }) increment!: number;
  @Column({ name: 'reserve_price', type: 'bigint', nullable: true, transformer: fenColumn }) reservePrice!:
    number | null;
  @Column({ name: 'max_bid', type: 'bigint', transformer: fenColumn }) maxBid!: number;
  @Column({ name: 'allow_self_outbid', type: 'boolean' }) allowSelfOutbid!: boolean;
  @Column({ name: 'bidding_starts_at', type: 'timestamptz' }) biddingStartsAt!: Date;
  @Column({ name: 'free_bidding_ends_at', type: 'timestamptz' }) freeBiddingEndsAt!: Date;
  @Column({ name: 'extension_seconds', type: 'integer' }) extensionSeconds!: number;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt!: Date;
  @Column({ name: 'current_price', type: 'bigint', nullable: true, transformer: fenColumn }) currentPrice!:
    number | null;
  @Column({ name: 'leader_id', type: 'uuid', nullable: true }) leaderId!: string | null;
  @Column({ name: 'bid_count', type: 'integer' }) bidCount!: number;
  @Column({ name: 'last_seq', type: 'integer' }) lastSeq!: number;
  @Column({ name: 'final_price', type: 'bigint', nullable: true, transformer: fenColumn }) finalPrice!:
    number | null;
  @Column({ name: 'winner_id', type: 'uuid', nullable: true }) winnerId!: string | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  /** Why it is suspended, cancelled or unsold (no_bids, reserve_not_met). */
  @Column({ name: 'status_reason', type: 'text', nullable: true }) statusReason!: string | null;
  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true }) suspendedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The auction's columns a host may set or show (everything but identity and bookkeeping). */
export const AUCTION_FIELDS = [
  'status',
  'startPrice',
  'increment',
  'reservePrice',
  'maxBid',
  'allowSelfOutbid',
  'biddingStartsAt',
  'freeBiddingEndsAt',
  'extensionSeconds',
  'endsAt',
  'currentPrice',
  'leaderId',
  'bidCount',
  'lastSeq',
  'finalPrice',
  'winnerId',
  'closedAt',
  'statusReason',
  'suspendedAt',
] as const satisfies readonly (keyof AuctionEntity)[];
export type AuctionFields = Pick<AuctionEntity, (typeof AUCTION_FIELDS)[number]>;
