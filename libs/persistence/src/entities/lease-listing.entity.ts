import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { decimalColumn, fenColumn } from './column-types.js';

/**
 * A lease listing: the property and its lease terms. It hosts one auction under the same id
 * (AuctionEntity), which holds the schedule, prices and status.
 */
@Entity('lease_listings')
export class LeaseListingEntity {
  /** Its auction's id too (auctions.id). */
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 40, unique: true }) code!: string;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ type: 'varchar', length: 500 }) address!: string;
  @Column({ name: 'area_sqm', type: 'numeric', precision: 12, scale: 2, transformer: decimalColumn })
  areaSqm!: number;
  @Column({ type: 'varchar', length: 100 }) usage!: string;
  @Column({ name: 'lease_term_months', type: 'integer' }) leaseTermMonths!: number;
  @Column({ type: 'bigint', transformer: fenColumn }) deposit!: number;
  @Column({ name: 'registration_starts_at', type: 'timestamptz' }) registrationStartsAt!: Date;
  @Column({ name: 'registration_ends_at', type: 'timestamptz' }) registrationEndsAt!: Date;
  @Column({ name: 'qualified_count', type: 'integer' }) qualifiedCount!: number;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy!: string;
  /** When its notice went public (an on-site auction may not be held before this + 7 days). */
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt!: Date | null;
  /** The complaint whose suspension this is (issue 10; the status is the auction's); null: a supervisor's own. */
  @Column({ name: 'suspension_complaint_id', type: 'uuid', nullable: true }) suspensionComplaintId!:
    string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
