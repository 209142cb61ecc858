import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RegistrationStatus = 'pending' | 'qualified' | 'rejected';

@Entity('lease_registrations')
export class LeaseRegistrationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'listing_id', type: 'uuid' }) listingId!: string;
  @Column({ name: 'bidder_id', type: 'uuid' }) bidderId!: string;
  @Column({ type: 'varchar', length: 16 }) status!: RegistrationStatus;
  @Column({ name: 'bidder_code', type: 'varchar', length: 16, nullable: true }) bidderCode!: string | null;
  @Column({ name: 'reject_reason', type: 'text', nullable: true }) rejectReason!: string | null;
  @Column({ name: 'deposit_received_at', type: 'timestamptz', nullable: true })
  depositReceivedAt!: Date | null;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
