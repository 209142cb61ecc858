import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  MAX_OWNER_NAME_LENGTH,
  MAX_TENDER_DOCUMENTS,
  MAX_TENDER_TEXT_LENGTH,
  MAX_TENDER_TITLE_LENGTH,
  FRAMEWORK_CALL_OFF_METHODS,
  FRAMEWORK_QUALITY_FIRST_GROUNDS,
  type FrameworkCallOffMethod,
  type FrameworkQualityFirstGround,
  MAX_ADMITTED_SUPPLIERS,
  MIN_ADMITTED_SUPPLIERS,
  MIN_INVITED_SUPPLIERS,
  PROCUREMENT_EVALUATION_METHODS,
  PROCUREMENT_METHODS,
  PROCUREMENT_STATUSES,
  PROCUREMENT_SUBJECT_TYPES,
  type ProcurementEvaluationMethod,
  type ProcurementMethod,
  type ProcurementStatus,
  type ProcurementSubjectType,
  MAX_DEAL_AMOUNT_FEN,
  MAX_PROCUREMENT_ITEM_NAME_LENGTH,
} from '@ggzy/domain';
import { IsCanonicalId } from '@ggzy/common';
import { FEN_PROPERTY, IsCalendarDate, IsOrganizationCode, PageQuery } from '../common.dto.js';
import { TransferDocumentDto as DocumentDto } from '../transfer-projects/transfer-projects.dto.js';
import { CriterionDto } from '../tender-projects/tender-evaluation.dto.js';
import { Sha256 } from '../evaluation.dto.js';

export class CreateProcurementDto {
  @ApiProperty({ enum: PROCUREMENT_METHODS, description: 'the method decides the schedule and the path' })
  @IsIn(PROCUREMENT_METHODS)
  method!: ProcurementMethod;

  @ApiProperty({ maxLength: MAX_TENDER_TITLE_LENGTH, example: '东湖区教育局办公设备采购' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TENDER_TITLE_LENGTH)
  title!: string;

  @ApiProperty({ maxLength: MAX_OWNER_NAME_LENGTH, description: '采购人' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_OWNER_NAME_LENGTH)
  purchaserName!: string;

  @ApiProperty({ example: '91360100MA35F6GX2N', description: "the purchaser's 统一社会信用代码" })
  @IsOrganizationCode()
  purchaserOrgCode!: string;

  @ApiProperty({ maxLength: MAX_TENDER_TEXT_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  description!: string;

  @ApiPropertyOptional({
    example: 'A02010104',
    description:
      "品目编码 of 政府采购品目分类目录 (财库〔2022〕31号): A 货物, B 工程 or C 服务, then 2–10 digits in pairs, stored upper case; with itemName. A malformed one 400 PROCUREMENT_ITEM_INVALID; goods need an A code, services a C code (422 PROCUREMENT_ITEM_SUBJECT_MISMATCH). Early warning's PROJECT_SPLITTING compares a purchaser's projects by it; a project without one takes no part",
  })
  @IsOptional()
  @IsString()
  itemCode?: string;

  @ApiPropertyOptional({
    maxLength: MAX_PROCUREMENT_ITEM_NAME_LENGTH,
    example: '台式计算机',
    description: "品目名称: the item's name, with itemCode (400 PROCUREMENT_ITEM_INVALID otherwise)",
  })
  @IsOptional()
  @IsString()
  itemName?: string;

  @ApiPropertyOptional({ maxLength: MAX_TENDER_TEXT_LENGTH, default: '', description: '供应商资格要求' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  supplierConditions?: string;

  @ApiProperty({ ...FEN_PROPERTY, minimum: 1, description: '采购预算, fen' })
  @IsInt({ message: '$property must be a whole number of fen' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  budget!: number;

  @ApiPropertyOptional({
    ...FEN_PROPERTY,
    minimum: 0,
    default: 0,
    description: '保证金, fen; ≤ 2% of the budget',
  })
  @IsOptional()
  @IsInt({ message: '$property must be a whole number of fen' })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  deposit?: number;

  @ApiPropertyOptional({ type: [DocumentDto], maxItems: MAX_TENDER_DOCUMENTS, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TENDER_DOCUMENTS)
  @ValidateNested({ each: true })
  @Type(() => DocumentDto)
  documents?: DocumentDto[];

  @ApiPropertyOptional({
    example: '2026-12-01',
    description: 'invited tender: the call for qualification opens',
  })
  @IsOptional()
  @IsCalendarDate()
  qualificationCallStartsOn?: string;

  @ApiPropertyOptional({
    example: '2026-12-08',
    description: 'invited tender: its last day, ≥ 5 business days on',
  })
  @IsOptional()
  @IsCalendarDate()
  qualificationCallEndsOn?: string;

  @ApiPropertyOptional({ example: '2026-12-01', description: 'single source: the prior publicity starts' })
  @IsOptional()
  @IsCalendarDate()
  publicityStartsOn?: string;

  @ApiPropertyOptional({
    example: '2026-12-08',
    description: 'single source: its last day, ≥ 5 business days on',
  })
  @IsOptional()
  @IsCalendarDate()
  publicityEndsOn?: string;

  @ApiPropertyOptional({ maxLength: MAX_OWNER_NAME_LENGTH, description: 'single source: the one supplier' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_OWNER_NAME_LENGTH)
  singleSourceSupplier?: string;

  @ApiPropertyOptional({ maxLength: MAX_TENDER_TEXT_LENGTH, description: 'single source: why (public)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  singleSourceReasons?: string;

  @ApiPropertyOptional({
    example: '2026-12-01',
    description: 'every method but single source: responses open',
  })
  @IsOptional()
  @IsCalendarDate()
  documentsIssuedOn?: string;

  @ApiPropertyOptional({
    example: '2026-12-08',
    description: 'methods with documents on offer: their last day, ≥ 5 business days on',
  })
  @IsOptional()
  @IsCalendarDate()
  documentsAvailableUntil?: string;

  @ApiPropertyOptional({
    example: '2026-12-21',
    description: "the response deadline's day, per the method's period",
  })
  @IsOptional()
  @IsCalendarDate()
  deadlineOn?: string;

  @ApiPropertyOptional({
    example: '09:30',
    default: '09:30',
    description: 'HH:MM CENTRE_TZ; the opening is then',
  })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '$property must be HH:MM' })
  deadlineTime?: string;

  @ApiPropertyOptional({
    enum: PROCUREMENT_SUBJECT_TYPES,
    description:
      '货物 or 服务: needed by comprehensive scoring (price weight goods 30–60, services 10–30) and a framework agreement (term ≤ 1 / 2 years)',
  })
  @IsOptional()
  @IsIn(PROCUREMENT_SUBJECT_TYPES)
  subjectType?: ProcurementSubjectType;

  @ApiPropertyOptional({
    enum: PROCUREMENT_EVALUATION_METHODS,
    default: 'lowest_evaluated_price',
    description:
      'comprehensive_scoring for open and invited tenders and consultation; for a framework agreement it is 质量优先法 (quality-first), lowest_evaluated_price 价格优先法',
  })
  @IsOptional()
  @IsIn(PROCUREMENT_EVALUATION_METHODS)
  evaluationMethod?: ProcurementEvaluationMethod;

  @ApiPropertyOptional({
    enum: FRAMEWORK_QUALITY_FIRST_GROUNDS,
    description:
      'framework agreement admitted by quality (质量优先法, evaluationMethod comprehensive_scoring; 第110号令 第26条): a government-set or -guided price, or testing and laboratory instruments (goods; then at least 40% left out, 第28条)',
  })
  @IsOptional()
  @IsIn(FRAMEWORK_QUALITY_FIRST_GROUNDS)
  qualityFirstGround?: FrameworkQualityFirstGround;

  @ApiPropertyOptional({
    ...FEN_PROPERTY,
    minimum: 1,
    description:
      'framework agreement: 最高限制单价, fen (≤ the budget); a response above it is out. Required by quality, where the price counts only so',
  })
  @IsOptional()
  @IsInt({ message: '$property must be a whole number of fen' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  maxUnitPrice?: number;

  @ApiPropertyOptional({
    enum: FRAMEWORK_CALL_OFF_METHODS,
    default: 'direct_selection',
    description:
      'framework agreement: how each call-off order finds its supplier — 直接选定 (the rule) or 顺序轮候 (the admitted in the first stage’s order, round and round: CALL_OFF_NOT_IN_TURN). 二次竞价 is not built',
  })
  @IsOptional()
  @IsIn(FRAMEWORK_CALL_OFF_METHODS)
  callOffMethod?: FrameworkCallOffMethod;

  @ApiPropertyOptional({
    type: [CriterionDto],
    maxItems: 20,
    description:
      'comprehensive scoring only (required then): weights 1–100 summing to 100, exactly one price_formula (PRICE_WEIGHT_OUT_OF_RANGE); a framework agreement by quality: quality criteria only, no price_formula (FRAMEWORK_PRICE_SCORED)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria?: CriterionDto[];

  @ApiPropertyOptional({
    minimum: MIN_ADMITTED_SUPPLIERS,
    maximum: MAX_ADMITTED_SUPPLIERS,
    description:
      'framework agreement: at most this many ranked suppliers are admitted (at least 20% and one left out)',
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_ADMITTED_SUPPLIERS)
  @Max(MAX_ADMITTED_SUPPLIERS)
  admittedSuppliers?: number;

  @ApiPropertyOptional({
    example: '2027-01-01',
    description: "framework agreement: its term's first day (after the deadline)",
  })
  @IsOptional()
  @IsCalendarDate()
  termStartsOn?: string;

  @ApiPropertyOptional({
    example: '2027-12-31',
    description:
      "framework agreement: its term's last day (≤ 1 year goods, 2 years services: FRAMEWORK_TERM_TOO_LONG)",
  })
  @IsOptional()
  @IsCalendarDate()
  termEndsOn?: string;
}

export class UpdateProcurementDto extends PartialType(CreateProcurementDto) {}

export class ListProcurementsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PROCUREMENT_STATUSES })
  @IsOptional()
  @IsIn(PROCUREMENT_STATUSES)
  status?: ProcurementStatus;

  @ApiPropertyOptional({ enum: PROCUREMENT_METHODS })
  @IsOptional()
  @IsIn(PROCUREMENT_METHODS)
  method?: ProcurementMethod;
}

export class ProcurementAmendmentDto {
  @ApiProperty({ enum: ['amendment', 'clarification'], description: '更正 or 澄清' })
  @IsIn(['amendment', 'clarification'])
  kind!: 'amendment' | 'clarification';

  @ApiProperty({ maxLength: MAX_TENDER_TEXT_LENGTH, description: 'what changes or is clarified (public)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  text!: string;

  @ApiPropertyOptional({ type: [DocumentDto], maxItems: MAX_TENDER_DOCUMENTS, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TENDER_DOCUMENTS)
  @ValidateNested({ each: true })
  @Type(() => DocumentDto)
  documents?: DocumentDto[];

  @ApiProperty({
    description: "may it affect the responses? Then, within the method's lead, the deadline moves",
  })
  @IsBoolean()
  affectsResponses!: boolean;

  @ApiPropertyOptional({ example: '2026-12-28', description: 'a later deadline than the law requires' })
  @IsOptional()
  @IsCalendarDate()
  deadlineOn?: string;
}

export class ProcurementRegistrationDto {
  @ApiProperty({ example: '914403001922038216', description: "the supplier's 统一社会信用代码" })
  @IsOrganizationCode()
  organizationCode!: string;
}

export class ProcurementReasonDto {
  @ApiProperty({ maxLength: 500, description: 'recorded in the audit trail and shown publicly' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class QualifyProcurementSupplierDto {
  @ApiProperty({ description: 'the deposit has arrived (ignored when the procurement asks for none)' })
  @IsBoolean()
  depositReceived!: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 100,
    example: '广州某某建设工程有限公司',
    description:
      "the organisation's registered name (营业执照上的名称) staff checked against its licence: trimmed, 1-100 characters, no control characters (else 400 ORGANIZATION_NAME_INVALID, nothing written). The public names the supplier by it; without one, by its code alone — never by the applying account's name",
  })
  @IsOptional()
  @IsString()
  organizationName?: string | null;
}

export class InvitationDrawDto {
  @ApiProperty({ minimum: MIN_INVITED_SUPPLIERS, maximum: 100, description: 'how many to invite (≥ 3)' })
  @IsInt()
  @Min(MIN_INVITED_SUPPLIERS)
  @Max(100)
  count!: number;
}

export class SealedResponseDto {
  @ApiProperty({
    ...FEN_PROPERTY,
    minimum: 1,
    description: '报价 (price or final quotation), fen — sealed until the opening',
  })
  @IsInt({ message: '$property must be a whole number of fen' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  price!: number;

  @ApiPropertyOptional({ type: [DocumentDto], maxItems: 100, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => DocumentDto)
  documents?: DocumentDto[];
}

export class PublicityObjectionDto {
  @ApiProperty({
    maxLength: MAX_TENDER_TEXT_LENGTH,
    description: 'the objection and its reasons (public, without who filed it)',
  })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  text!: string;

  @ApiPropertyOptional({ type: [DocumentDto], maxItems: 20, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => DocumentDto)
  documents?: DocumentDto[];
}

export class ObjectionAnswerDto {
  @ApiProperty({
    description: 'upheld: single source is not allowed and the procurement fails; dismissed: recorded',
  })
  @IsBoolean()
  upheld!: boolean;

  @ApiProperty({ maxLength: MAX_TENDER_TEXT_LENGTH, description: 'the reply (补充论证结论), public' })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  reply!: string;
}

export class CallOffDto {
  @ApiProperty({ description: "an admitted supplier: its registration's id or its account's id" })
  @IsCanonicalId()
  @IsString()
  supplier!: string;

  @ApiProperty({
    ...FEN_PROPERTY,
    minimum: 1,
    maximum: MAX_DEAL_AMOUNT_FEN,
    description:
      "the order's amount, fen: with the orders before it, within the budget (CALL_OFF_ABOVE_BUDGET)",
  })
  @IsInt({ message: '$property must be a whole number of fen' })
  @Min(1)
  @Max(MAX_DEAL_AMOUNT_FEN)
  amount!: number;

  @ApiProperty({
    example: '2027-02-01',
    description: "the day the order was placed: within the agreement's term, not after today",
  })
  @IsCalendarDate()
  orderedOn!: string;

  @ApiProperty({ maxLength: MAX_TENDER_TITLE_LENGTH, example: '2027年第一季度办公设备' })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(MAX_TENDER_TITLE_LENGTH)
  title!: string;

  @ApiPropertyOptional({ description: "SHA-256 of the order's contract" })
  @IsOptional()
  @Sha256()
  contractSha256?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'the client’s own id for this order, unique in the agreement: a repeat returns the first order (200)',
  })
  @IsOptional()
  @IsCanonicalId()
  @IsString()
  clientOrderId?: string;
}

/**
 * The successor's terms: the failed project's, with these changes (any field of the create call);
 * another method brings its own schedule and needs `approvalReference`.
 */
export class ReplanProcurementDto extends PartialType(CreateProcurementDto) {
  @ApiPropertyOptional({
    maxLength: 200,
    example: '财采〔2026〕12号',
    description: "批准文号: the finance department's approval of another method (政府采购法 第27条), public",
  })
  @IsOptional()
  @IsString()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(200)
  approvalReference?: string;
}
