import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ListingStatus } from '@ggzy/domain';
import { decimalColumn, fenColumn } from './column-types.js';

@Entity('lease_listings')
export class LeaseListingEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 40, unique: true }) code!: string;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ type: 'varchar', length: 500 }) address!: string;
  @Column({ name: 'area_sqm', type: 'numeric', precision: 12, scale: 2, transformer: decimalColumn })
  areaSqm!: number;
  @Column({ type: 'varchar', length: 100 }) usage!: string;
  @Column({ name: 'lease_term_months', type: 'integer' }) leaseTermMonths!: number;
  @Column({ name: 'start_price', type: 'bigint', transformer: fenColumn }) startPrice!: number;
  @Column({ type: 'bigint', transformer: fenColumn }) increment!: number;
  @Column({ type: 'bigint', transformer: fenColumn }) deposit!: number;
  @Column({ name: 'reserve_price', type: 'bigint', nullable: true, transformer: fenColumn }) reservePrice!:
    number | null;
  @Column({ name: 'registration_starts_at', type: 'timestamptz' }) registrationStartsAt!: Date;
  @Column({ name: 'registration_ends_at', type: 'timestamptz' }) registrationEndsAt!: Date;
  @Column({ name: 'bidding_starts_at', type: 'timestamptz' }) biddingStartsAt!: Date;
  @Column({ name: 'free_bidding_ends_at', type: 'timestamptz' }) freeBiddingEndsAt!: Date;
  @Column({ name: 'extension_seconds', type: 'integer' }) extensionSeconds!: number;
  @Column({ type: 'varchar', length: 16 }) status!: ListingStatus;
  @Column({ name: 'ends_at', type: 'timestamptz' }) endsAt!: Date;
  @Column({ name: 'current_price', type: 'bigint', nullable: true, transformer: fenColumn }) currentPrice!:
    number | null;
  @Column({ name: 'leader_id', type: 'uuid', nullable: true }) leaderId!: string | null;
  @Column({ name: 'bid_count', type: 'integer' }) bidCount!: number;
  @Column({ name: 'last_seq', type: 'integer' }) lastSeq!: number;
  @Column({ name: 'qualified_count', type: 'integer' }) qualifiedCount!: number;
  @Column({ name: 'final_price', type: 'bigint', nullable: true, transformer: fenColumn }) finalPrice!:
    number | null;
  @Column({ name: 'winner_id', type: 'uuid', nullable: true }) winnerId!: string | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @Column({ name: 'status_reason', type: 'text', nullable: true }) statusReason!: string | null;
  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true }) suspendedAt!: Date | null;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
