import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { fenColumn } from './column-types.js';

/** One bid attempt that reached the rules; `outcome` is 'accepted' or the rejection code. */
@Entity('bids')
export class BidEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'auction_id', type: 'uuid' }) auctionId!: string;
  @Column({ name: 'bidder_id', type: 'uuid' }) bidderId!: string;
  @Column({ name: 'client_bid_id', type: 'varchar', length: 64 }) clientBidId!: string;
  @Column({ type: 'bigint', transformer: fenColumn }) amount!: number;
  @Column({ type: 'varchar', length: 32 }) outcome!: string;
  @Column({ type: 'text', nullable: true }) message!: string | null;
  @Column({ type: 'integer', nullable: true }) seq!: number | null;
  @Column({ name: 'bidder_code', type: 'varchar', length: 16, nullable: true }) bidderCode!: string | null;
  @Column({ name: 'ends_at', type: 'timestamptz', nullable: true }) endsAt!: Date | null;
  @Column({ name: 'min_next_bid', type: 'bigint', nullable: true, transformer: fenColumn }) minNextBid!:
    number | null;
  @Column({ type: 'timestamptz' }) at!: Date;
  /** Write order (an identity): attempts of one batch share `at` and are told apart by it. */
  @Column({ type: 'bigint', insert: false, update: false, select: false }) arrival?: string;
}
