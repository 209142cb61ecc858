import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** What bidders register for: a lease listing, a transfer project, a construction tender, a procurement. */
export type RegistrationHostType =
  'lease_listing' | 'transfer_project' | 'tender_project' | 'procurement_project';

export type RegistrationStatus = 'pending' | 'qualified' | 'rejected';

/** What a bidder registers for (a lease's or transfer's id is its auction's too). */
export interface RegistrationHost {
  hostType: RegistrationHostType;
  hostId: string;
}

/** One bidder's application for one host: pending, then qualified (with a bidder code) or rejected. */
@Entity('registrations')
export class RegistrationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'host_type', type: 'varchar', length: 32 }) hostType!: RegistrationHostType;
  @Column({ name: 'host_id', type: 'uuid' }) hostId!: string;
  @Column({ name: 'bidder_id', type: 'uuid' }) bidderId!: string;
  @Column({ type: 'varchar', length: 16 }) status!: RegistrationStatus;
  @Column({ name: 'bidder_code', type: 'varchar', length: 16, nullable: true }) bidderCode!: string | null;
  @Column({ name: 'reject_reason', type: 'text', nullable: true }) rejectReason!: string | null;
  @Column({ name: 'deposit_received_at', type: 'timestamptz', nullable: true })
  depositReceivedAt!: Date | null;
  /** A tender supplier's 统一社会信用代码 (the expert draw excludes its staff); null for the other lines. */
  @Column({ name: 'organization_code', type: 'char', length: 18, nullable: true })
  organizationCode!: string | null;
  /**
   * The organisation's registered name (营业执照上的名称) staff confirmed when they qualified it — how
   * the public names the supplier (else by its code alone); null until confirmed, and on other lines.
   */
  @Column({ name: 'organization_name', type: 'varchar', length: 100, nullable: true })
  organizationName!: string | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
