import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type {
  Criterion,
  FrameworkCallOffMethod,
  FrameworkQualityFirstGround,
  ProcurementEvaluationMethod,
  ProcurementMethod,
  ProcurementStatus,
  ProcurementSubjectType,
} from '@ggzy/domain';
import { fenColumn } from '../entities/column-types.js';

/** An invited tender's random pick, as recorded: enough to replay it. */
export interface InvitationDraw {
  seed: string;
  count: number;
  /** The qualified suppliers (bidder ids) in canonical order: what the draw picked from. */
  candidates: string[];
  /** The invited suppliers, in the order drawn. */
  picks: string[];
  drawnAt: string;
  drawnBy: string;
}

/**
 * A government procurement project (政府采购项目). Its suppliers' registrations and deposits, and
 * its sealed responses, are keyed by its id under host type `procurement_project`. Which dates
 * are set depends on the method; calendar dates are `YYYY-MM-DD` strings (days in CENTRE_TZ),
 * `responseDeadlineAt` is the deadline's instant (none for single source).
 */
@Entity('procurement_projects')
export class ProcurementProjectEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column({ type: 'varchar', length: 40, unique: true }) code!: string;
  @Column({ type: 'integer' }) round!: number;
  /** The failed project this one re-plans (重新组织采购); unique: one successor per failure. */
  @Column({ name: 'previous_round_id', type: 'uuid', nullable: true }) previousRoundId!: string | null;
  /** 批准文号: the approval of another method than the failed project's (政府采购法 第27条). */
  @Column({ name: 'replan_approval_reference', type: 'varchar', length: 200, nullable: true })
  replanApprovalReference!: string | null;
  @Column({ type: 'varchar', length: 32 }) method!: ProcurementMethod;
  @Column({ type: 'varchar', length: 24 }) status!: ProcurementStatus;
  @Column({ name: 'resume_to', type: 'varchar', length: 24, nullable: true })
  resumeTo!: ProcurementStatus | null;
  @Column({ type: 'varchar', length: 200 }) title!: string;
  @Column({ name: 'purchaser_name', type: 'varchar', length: 200 }) purchaserName!: string;
  @Column({ name: 'purchaser_org_code', type: 'char', length: 18 }) purchaserOrgCode!: string;
  @Column({ type: 'text' }) description!: string;
  /** 品目 (政府采购品目分类目录): its code, canonical (A02010104), and its name; both or neither. */
  @Column({ name: 'item_code', type: 'varchar', length: 11, nullable: true }) itemCode!: string | null;
  @Column({ name: 'item_name', type: 'varchar', length: 100, nullable: true }) itemName!: string | null;
  @Column({ name: 'supplier_conditions', type: 'text' }) supplierConditions!: string;
  @Column({ type: 'bigint', transformer: fenColumn }) budget!: number;
  @Column({ type: 'bigint', transformer: fenColumn }) deposit!: number;
  @Column({ type: 'jsonb' }) documents!: { name: string; sha256: string }[];
  @Column({ name: 'qualification_call_starts_on', type: 'date', nullable: true })
  qualificationCallStartsOn!: string | null;
  @Column({ name: 'qualification_call_ends_on', type: 'date', nullable: true })
  qualificationCallEndsOn!: string | null;
  @Column({ name: 'publicity_starts_on', type: 'date', nullable: true }) publicityStartsOn!: string | null;
  @Column({ name: 'publicity_ends_on', type: 'date', nullable: true }) publicityEndsOn!: string | null;
  @Column({ name: 'single_source_supplier', type: 'varchar', length: 200, nullable: true })
  singleSourceSupplier!: string | null;
  @Column({ name: 'single_source_reasons', type: 'text', nullable: true }) singleSourceReasons!:
    string | null;
  @Column({ name: 'documents_issued_on', type: 'date', nullable: true }) documentsIssuedOn!: string | null;
  @Column({ name: 'documents_available_until', type: 'date', nullable: true })
  documentsAvailableUntil!: string | null;
  @Column({ name: 'deadline_on', type: 'date', nullable: true }) deadlineOn!: string | null;
  @Column({ name: 'deadline_time', type: 'varchar', length: 5 }) deadlineTime!: string;
  @Column({ name: 'response_deadline_at', type: 'timestamptz', nullable: true })
  responseDeadlineAt!: Date | null;
  @Column({ name: 'invitation_draw', type: 'jsonb', nullable: true }) invitationDraw!: InvitationDraw | null;
  /** 货物 or 服务: sets a scored price's weight range and a framework agreement's longest term. */
  @Column({ name: 'subject_type', type: 'varchar', length: 16, nullable: true })
  subjectType!: ProcurementSubjectType | null;
  @Column({ name: 'evaluation_method', type: 'varchar', length: 32 })
  evaluationMethod!: ProcurementEvaluationMethod;
  @Column({ type: 'jsonb', nullable: true }) criteria!: Criterion[] | null;
  /** A framework agreement: at most this many of the ranked suppliers are admitted, for its term. */
  @Column({ name: 'admitted_suppliers', type: 'integer', nullable: true }) admittedSuppliers!: number | null;
  @Column({ name: 'term_starts_on', type: 'date', nullable: true }) termStartsOn!: string | null;
  @Column({ name: 'term_ends_on', type: 'date', nullable: true }) termEndsOn!: string | null;
  /** A framework agreement admitted by quality (质量优先法): the ground 第110号令 第26条 allows it on. */
  @Column({ name: 'quality_first_ground', type: 'varchar', length: 24, nullable: true })
  qualityFirstGround!: FrameworkQualityFirstGround | null;
  /** A framework agreement's 最高限制单价, fen: a response above it is out. */
  @Column({ name: 'max_unit_price', type: 'bigint', nullable: true, transformer: fenColumn })
  maxUnitPrice!: number | null;
  /** A framework agreement's second stage: 直接选定 (also when null, planned before it) or 顺序轮候. */
  @Column({ name: 'call_off_method', type: 'varchar', length: 24, nullable: true })
  callOffMethod!: FrameworkCallOffMethod | null;
  @Column({ name: 'announced_on', type: 'date', nullable: true }) announcedOn!: string | null;
  @Column({ name: 'publicised_on', type: 'date', nullable: true }) publicisedOn!: string | null;
  @Column({ name: 'opened_at', type: 'timestamptz', nullable: true }) openedAt!: Date | null;
  @Column({ name: 'failed_reason', type: 'text', nullable: true }) failedReason!: string | null;
  @Column({ name: 'suspended_at', type: 'timestamptz', nullable: true }) suspendedAt!: Date | null;
  @Column({ name: 'suspended_on', type: 'date', nullable: true }) suspendedOn!: string | null;
  @Column({ name: 'suspension_reason', type: 'text', nullable: true }) suspensionReason!: string | null;
  /** The complaint whose suspension this is (issue 10); null: the line's own act. Only its holder lifts it. */
  @Column({ name: 'suspension_complaint_id', type: 'uuid', nullable: true }) suspensionComplaintId!:
    string | null;
  @Column({ name: 'termination_reason', type: 'text', nullable: true }) terminationReason!: string | null;
  @Column({ name: 'created_by', type: 'uuid' }) createdBy!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** An amendment (更正) or clarification (澄清) published after the notice, in order. */
export interface ProcurementNotice {
  id: string;
  projectId: string;
  kind: 'amendment' | 'clarification';
  summary: string;
  documents: { name: string; sha256: string }[];
  affectsResponses: boolean;
  publishedOn: string;
  publishedAt: Date;
  deadlineBefore: string;
  deadlineAfter: string;
  publishedBy: string;
}
