import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { TransferAssetKind, TransferStatus } from '@ggzy/domain';
import { fenColumn } from '../entities/column-types.js';

export type TransferDealSource = 'auction' | 'agreement' | 'on_site';

/**
 * A property-rights transfer project (产权交易). Its registrations are keyed by its id; when two
 * or more buyers qualify it hosts one auction under the same id. Calendar dates are `YYYY-MM-DD`
 * strings (days in CENTRE_TZ).
 */
@Entity('transfer_projects')
export class TransferProjectEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 40, unique: true }) code!: string;
  @Column({ type: 'varchar', length: 24 }) status!: TransferStatus;
  @Column({ name: 'resume_to', type: 'varchar', length: 24, nullable: true })
  resumeTo!: TransferStatus | null;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ type: 'varchar', length: 200 }) transferor!: string;
  @Column({ name: 'asset_kind', type: 'varchar', length: 24 }) assetKind!: TransferAssetKind;
  @Column({ name: 'asset_description', type: 'text' }) assetDescription!: string;
  @Column({ type: 'jsonb' }) documents!: { name: string; sha256: string }[];
  @Column({ type: 'bigint', transformer: fenColumn }) valuation!: number;
  @Column({ name: 'listing_price', type: 'bigint', transformer: fenColumn }) listingPrice!: number;
  @Column({ name: 'approval_approver', type: 'varchar', length: 200, nullable: true })
  approvalApprover!: string | null;
  @Column({ name: 'approval_document_sha256', type: 'char', length: 64, nullable: true })
  approvalDocumentSha256!: string | null;
  @Column({ name: 'buyer_conditions', type: 'text' }) buyerConditions!: string;
  @Column({ type: 'bigint', transformer: fenColumn }) deposit!: number;
  @Column({ type: 'bigint', transformer: fenColumn }) increment!: number;
  @Column({ name: 'auction_start_time', type: 'varchar', length: 5 }) auctionStartTime!: string;
  @Column({ name: 'free_bidding_minutes', type: 'integer' }) freeBiddingMinutes!: number;
  @Column({ name: 'extension_seconds', type: 'integer' }) extensionSeconds!: number;
  @Column({ name: 'extension_periods', type: 'integer' }) extensionPeriods!: number;
  @Column({ name: 'extensions_used', type: 'integer' }) extensionsUsed!: number;
  @Column({ name: 'relist_count', type: 'integer' }) relistCount!: number;
  /** The project this one re-lists (after that one's sale fell through), and the one re-listing this. */
  @Column({ name: 'relisted_from', type: 'uuid', nullable: true }) relistedFrom!: string | null;
  @Column({ name: 'relisted_as', type: 'uuid', nullable: true }) relistedAs!: string | null;
  @Column({ name: 'disclosure_ends_on', type: 'date' }) disclosureEndsOn!: string;
  @Column({ name: 'published_on', type: 'date', nullable: true }) publishedOn!: string | null;
  /** The disclosure end the end-of-disclosure step has run for (once per period). */
  @Column({ name: 'end_decided_for', type: 'date', nullable: true }) endDecidedFor!: string | null;
  @Column({ name: 'qualified_buyers', type: 'integer' }) qualifiedBuyers!: number;
  @Column({ name: 'final_price', type: 'bigint', nullable: true, transformer: fenColumn })
  finalPrice!: number | null;
  @Column({ name: 'winner_id', type: 'uuid', nullable: true }) winnerId!: string | null;
  @Column({ name: 'deal_source', type: 'varchar', length: 16, nullable: true })
  dealSource!: TransferDealSource | null;
  @Column({ name: 'sold_on', type: 'date', nullable: true }) soldOn!: string | null;
  @Column({ name: 'result_published_until', type: 'date', nullable: true }) resultPublishedUntil!:
    string | null;
  @Column({ name: 'confirmed_on', type: 'date', nullable: true }) confirmedOn!: string | null;
  @Column({ name: 'contract_deadline_on', type: 'date', nullable: true }) contractDeadlineOn!: string | null;
  @Column({ name: 'contract_signed_on', type: 'date', nullable: true }) contractSignedOn!: string | null;
  @Column({ name: 'contract_sha256', type: 'char', length: 64, nullable: true }) contractSha256!:
    string | null;
  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true }) suspendedAt!: Date | null;
  @Column({ name: 'suspended_on', type: 'date', nullable: true }) suspendedOn!: string | null;
  @Column({ name: 'suspension_reason', type: 'text', nullable: true }) suspensionReason!: string | null;
  /** The complaint whose suspension this is (issue 10); null: the line's own act. Only its holder lifts it. */
  @Column({ name: 'suspension_complaint_id', type: 'uuid', nullable: true }) suspensionComplaintId!:
    string | null;
  @Column({ name: 'termination_reason', type: 'text', nullable: true }) terminationReason!: string | null;
  /** Why it ended unsold (no_bids, agreement abandoned: the reason staff gave). */
  @Column({ name: 'closing_reason', type: 'text', nullable: true }) closingReason!: string | null;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
