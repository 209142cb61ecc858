import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
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
  TENDER_EVALUATION_METHODS,
  TENDER_KINDS,
  TENDER_STATUSES,
  type TenderEvaluationMethod,
  type TenderStatus,
} from '@ggzy/domain';
import { PageQuery } from '../common.dto.js';
import { TransferDocumentDto as DocumentDto } from '../transfer-projects/transfer-projects.dto.js';
import { CriterionDto } from './tender-evaluation.dto.js';

const FEN = { description: 'integer fen (分)', maximum: Number.MAX_SAFE_INTEGER, type: 'integer' } as const;
const CalendarDate = () =>
  Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    message: '$property must be a date YYYY-MM-DD',
  });
const OrgCode = () =>
  Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, {
    message: '$property must be a unified social credit code (18 characters, GB 32100)',
  });

/**
 * A tender's prequalification (资格预审): its documents, their sale (≥ 5 days) and the day
 * applications are due (≥ 5 days after the sale ends), all before the tender documents' sale.
 */
export class TenderPrequalificationDto {
  @ApiProperty({
    type: [DocumentDto],
    minItems: 1,
    maxItems: MAX_TENDER_DOCUMENTS,
    description: '资格预审文件 (name, SHA-256)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_TENDER_DOCUMENTS)
  @ValidateNested({ each: true })
  @Type(() => DocumentDto)
  documents!: DocumentDto[];

  @ApiProperty({
    example: '2026-12-01',
    description: 'the first day the prequalification documents are on sale',
  })
  @CalendarDate()
  saleStartsOn!: string;

  @ApiProperty({ example: '2026-12-06', description: 'the sale’s last day: ≥ 5 days after it starts' })
  @CalendarDate()
  saleEndsOn!: string;

  @ApiProperty({
    example: '2026-12-11',
    description:
      'applications are due by 24:00 CENTRE_TZ of this day: ≥ 5 days after the sale ends, before the tender documents’ sale',
  })
  @CalendarDate()
  applicationsDueOn!: string;
}

export class CreateTenderProjectDto {
  @ApiProperty({ maxLength: MAX_TENDER_TITLE_LENGTH, example: '东湖区某小学教学楼新建工程施工' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TENDER_TITLE_LENGTH)
  title!: string;

  @ApiProperty({ maxLength: MAX_OWNER_NAME_LENGTH, description: '招标人' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_OWNER_NAME_LENGTH)
  ownerName!: string;

  @ApiProperty({ example: '91360100MA35F6GX2N', description: "the owner's 统一社会信用代码" })
  @OrgCode()
  ownerOrgCode!: string;

  @ApiProperty({ enum: TENDER_KINDS, description: 'the works (the reports’ construction subtype)' })
  @IsIn(TENDER_KINDS)
  kind!: string;

  @ApiProperty({ maxLength: MAX_TENDER_TEXT_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  description!: string;

  @ApiProperty({ ...FEN, minimum: 1, description: '招标控制价 (the estimate), fen' })
  @IsInt({ message: '$property must be a whole number of fen' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  estimatedPrice!: number;

  @ApiProperty({ description: 'state-funded (国有资金占控股或者主导地位): must award the first candidate' })
  @IsBoolean()
  stateFunded!: boolean;

  @ApiProperty({ enum: TENDER_EVALUATION_METHODS })
  @IsIn(TENDER_EVALUATION_METHODS)
  evaluationMethod!: TenderEvaluationMethod;

  @ApiPropertyOptional({
    type: [CriterionDto],
    maxItems: 20,
    description:
      'comprehensive scoring only (required then): weights 1–100 summing to 100, at most one price_formula',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria?: CriterionDto[];

  @ApiPropertyOptional({ maxLength: MAX_TENDER_TEXT_LENGTH, default: '', description: '投标人资格要求' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  bidderConditions?: string;

  @ApiPropertyOptional({
    ...FEN,
    minimum: 0,
    default: 0,
    description: '投标保证金, fen; ≤ 2% of the estimate',
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

  @ApiProperty({ example: '2026-12-01', description: 'the first day the documents are on sale (CENTRE_TZ)' })
  @CalendarDate()
  saleStartsOn!: string;

  @ApiProperty({ example: '2026-12-06', description: 'the last day of the sale: ≥ 5 days after it starts' })
  @CalendarDate()
  saleEndsOn!: string;

  @ApiProperty({ example: '2026-12-01', description: 'the day the documents are issued; bidding opens then' })
  @CalendarDate()
  documentsIssuedOn!: string;

  @ApiProperty({
    example: '2026-12-21',
    description: 'the bid deadline’s day: ≥ 20 days after the documents',
  })
  @CalendarDate()
  bidDeadlineOn!: string;

  @ApiPropertyOptional({
    example: '09:30',
    default: '09:30',
    description: 'HH:MM CENTRE_TZ; the opening is then',
  })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '$property must be HH:MM' })
  bidDeadlineTime?: string;

  @ApiPropertyOptional({
    type: TenderPrequalificationDto,
    description: '资格预审 (optional): only the applicants that pass may bid; null in an edit removes it',
  })
  @IsOptional()
  // An object or (an edit) null: an array would pass ValidateNested with nothing validated.
  @IsObject()
  @ValidateNested()
  @Type(() => TenderPrequalificationDto)
  prequalification?: TenderPrequalificationDto | null;
}

export class UpdateTenderProjectDto extends PartialType(CreateTenderProjectDto) {}

export class ListTenderProjectsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TENDER_STATUSES })
  @IsOptional()
  @IsIn(TENDER_STATUSES)
  status?: TenderStatus;
}

export class TenderAmendmentDto {
  @ApiProperty({ enum: ['amendment', 'clarification'], description: '修改 or 澄清' })
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
    description:
      'may it affect how bids are prepared? Then, under 15 days before the deadline, the deadline moves',
  })
  @IsBoolean()
  affectsBidPreparation!: boolean;

  @ApiPropertyOptional({
    example: '2026-12-28',
    description: 'a later deadline than the law requires (left out: moved only as far as the law requires)',
  })
  @IsOptional()
  @CalendarDate()
  bidDeadlineOn?: string;
}

export class TenderRegistrationDto {
  @ApiProperty({ example: '914403001922038216', description: "the supplier's 统一社会信用代码" })
  @OrgCode()
  organizationCode!: string;
}

export class TenderReasonDto {
  @ApiProperty({ maxLength: 500, description: 'recorded in the audit trail and shown publicly' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class QualifySupplierDto {
  @ApiProperty({ description: 'the deposit has arrived (ignored when the tender asks for none)' })
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

export class SealedBidDto {
  @ApiProperty({ ...FEN, minimum: 1, description: '投标报价, fen — sealed until the opening' })
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

export class TenderObjectionDto {
  @ApiProperty({
    enum: ['tender_documents', 'candidates', 'prequalification_documents'],
    description:
      'the tender documents (≥ 10 days before the bid deadline, any supplier), the candidates (during their publicity, a bidder of the tender) or the prequalification documents (≥ 2 days before applications are due, any supplier)',
  })
  @IsIn(['tender_documents', 'candidates', 'prequalification_documents'])
  target!: 'tender_documents' | 'candidates' | 'prequalification_documents';

  @ApiProperty({
    maxLength: MAX_TENDER_TEXT_LENGTH,
    description: 'the objection (public, without who filed it)',
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

export class TenderObjectionReplyDto {
  @ApiProperty({ maxLength: MAX_TENDER_TEXT_LENGTH, description: 'the reply (public)' })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(MAX_TENDER_TEXT_LENGTH)
  text!: string;

  @ApiProperty({
    description:
      'is the objection upheld? (documents: publish the amendment after; candidates: record the candidate that drops out, or fail the tender)',
  })
  @IsBoolean()
  upheld!: boolean;
}

export class PrequalificationApplicationDto {
  @ApiProperty({ example: '914403001922038216', description: "the applicant's 统一社会信用代码" })
  @OrgCode()
  organizationCode!: string;

  @ApiPropertyOptional({
    type: [DocumentDto],
    maxItems: 20,
    default: [],
    description: '资格预审申请文件 (name, SHA-256)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => DocumentDto)
  documents?: DocumentDto[];
}

export class PrequalificationDecisionDto {
  @ApiProperty({
    maxLength: 500,
    description: 'why it passed or failed: the applicant reads it with its result',
  })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(500)
  reason!: string;
}
