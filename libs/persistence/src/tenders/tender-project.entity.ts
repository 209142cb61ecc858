import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Criterion, TenderEvaluationMethod, TenderStatus } from '@ggzy/domain';
import { fenColumn } from '../entities/column-types.js';

/**
 * A construction tender (建筑工程招标项目). Its suppliers' registrations and deposits, and its
 * sealed bids, are keyed by its id under host type `tender_project`. Calendar dates are
 * `YYYY-MM-DD` strings (days in CENTRE_TZ); `bidDeadlineAt` is the deadline's instant.
 */
@Entity('tender_projects')
export class TenderProjectEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 40, unique: true }) code!: string;
  @Column({ type: 'integer' }) round!: number;
  /** The failed round this one re-tenders (1764500000200); null for a first round. */
  @Column({ name: 'previous_round_id', type: 'uuid', nullable: true }) previousRoundId!: string | null;
  @Column({ type: 'varchar', length: 24 }) status!: TenderStatus;
  @Column({ name: 'resume_to', type: 'varchar', length: 24, nullable: true }) resumeTo!: TenderStatus | null;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ name: 'owner_name', type: 'varchar', length: 200 }) ownerName!: string;
  @Column({ name: 'owner_org_code', type: 'char', length: 18 }) ownerOrgCode!: string;
  @Column({ type: 'varchar', length: 24 }) kind!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ name: 'estimated_price', type: 'bigint', transformer: fenColumn }) estimatedPrice!: number;
  @Column({ name: 'state_funded', type: 'boolean' }) stateFunded!: boolean;
  @Column({ name: 'evaluation_method', type: 'varchar', length: 32 })
  evaluationMethod!: TenderEvaluationMethod;
  /** Comprehensive scoring's criteria (1764400000400); null for the lowest evaluated price. */
  @Column({ type: 'jsonb', nullable: true }) criteria!: Criterion[] | null;
  @Column({ name: 'bidder_conditions', type: 'text' }) bidderConditions!: string;
  @Column({ type: 'bigint', transformer: fenColumn }) deposit!: number;
  @Column({ type: 'jsonb' }) documents!: { name: string; sha256: string }[];
  @Column({ name: 'sale_starts_on', type: 'date' }) saleStartsOn!: string;
  @Column({ name: 'sale_ends_on', type: 'date' }) saleEndsOn!: string;
  @Column({ name: 'documents_issued_on', type: 'date' }) documentsIssuedOn!: string;
  @Column({ name: 'bid_deadline_on', type: 'date' }) bidDeadlineOn!: string;
  @Column({ name: 'bid_deadline_time', type: 'varchar', length: 5 }) bidDeadlineTime!: string;
  @Column({ name: 'bid_deadline_at', type: 'timestamptz' }) bidDeadlineAt!: Date;
  /**
   * Prequalification (资格预审, 1764500001430): its documents, their sale and the day applications
   * are due — all set or all null (no prequalification) — and its result once notified.
   */
  @Column({ name: 'prequalification_documents', type: 'jsonb', nullable: true })
  prequalificationDocuments!: { name: string; sha256: string }[] | null;
  @Column({ name: 'prequalification_sale_starts_on', type: 'date', nullable: true })
  prequalificationSaleStartsOn!: string | null;
  @Column({ name: 'prequalification_sale_ends_on', type: 'date', nullable: true })
  prequalificationSaleEndsOn!: string | null;
  @Column({ name: 'applications_due_on', type: 'date', nullable: true }) applicationsDueOn!: string | null;
  @Column({ name: 'prequalification_result_on', type: 'date', nullable: true })
  prequalificationResultOn!: string | null;
  @Column({ name: 'prequalification_passed', type: 'integer', nullable: true })
  prequalificationPassed!: number | null;
  @Column({ name: 'announced_on', type: 'date', nullable: true }) announcedOn!: string | null;
  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true }) openedAt!: Date | null;
  @Column({ name: 'failed_reason', type: 'text', nullable: true }) failedReason!: string | null;
  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true }) suspendedAt!: Date | null;
  @Column({ name: 'suspended_on', type: 'date', nullable: true }) suspendedOn!: string | null;
  @Column({ name: 'suspension_reason', type: 'text', nullable: true }) suspensionReason!: string | null;
  /** A supervisor's order holds the suspension: an objection's reply does not lift it (issue 10). */
  @Column({ name: 'supervisor_suspension', type: 'boolean', default: false }) supervisorSuspension!: boolean;
  /** The complaint whose suspension this is (issue 10); null: the line's own act. Only its holder lifts it. */
  @Column({ name: 'suspension_complaint_id', type: 'uuid', nullable: true }) suspensionComplaintId!:
    string | null;
  @Column({ name: 'termination_reason', type: 'text', nullable: true }) terminationReason!: string | null;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** An amendment (澄清或者修改) or clarification published after the notice, in order. */
export interface TenderNotice {
  id: string;
  projectId: string;
  kind: 'amendment' | 'clarification';
  summary: string;
  documents: { name: string; sha256: string }[];
  affectsBids: boolean;
  publishedOn: string;
  publishedAt: Date;
  deadlineBefore: string;
  deadlineAfter: string;
  publishedBy: string;
}

/** A supplier's application for a tender's prequalification (资格预审申请), decided by staff. */
export interface PrequalificationApplication {
  id: string;
  projectId: string;
  applicantId: string;
  /** The applicant's display name (staff and supervisors; the public only after the opening). */
  applicantName: string;
  organizationCode: string;
  documents: { name: string; sha256: string }[];
  appliedAt: Date;
  appliedOn: string;
  status: 'pending' | 'passed' | 'failed';
  reason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

/** An objection (异议) to the tender or prequalification documents or to the candidates, with its reply. */
export interface TenderObjection {
  id: string;
  projectId: string;
  target: 'tender_documents' | 'candidates' | 'prequalification_documents';
  text: string;
  documents: { name: string; sha256: string }[];
  objectorId: string;
  /** The objector's display name (staff and supervisors only). */
  objectorName: string;
  filedAt: Date;
  filedOn: string;
  replyDueOn: string;
  replyText: string | null;
  upheld: boolean | null;
  repliedAt: Date | null;
  repliedOn: string | null;
  repliedBy: string | null;
  replyLate: boolean | null;
  /** The paused period's last day before and after the pause, on the reply that resumed it. */
  periodEndsBefore: string | null;
  periodEndsAfter: string | null;
}
