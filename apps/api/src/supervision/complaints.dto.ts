import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
import { IsCanonicalId } from '@ggzy/common';
import {
  COMPLAINT_KINDS,
  COMPLAINT_LINES,
  COMPLAINT_REMEDIES,
  COMPLAINT_STAGES,
  COMPLAINT_STATUSES,
  type ComplaintKind,
  type ComplaintLine,
  type ComplaintRemedy,
  type ComplaintStage,
  type ComplaintStatus,
  FALSE_COMPLAINT_MAX_YEARS,
  FALSE_COMPLAINT_MIN_YEARS,
  MAX_ATTACHMENTS,
  MAX_GROUNDS_LENGTH,
} from '@ggzy/domain';
import { IsCalendarDate, PageQuery } from '../common.dto.js';

const NOT_BLANK = { message: '$property must not be blank' };

export class ComplaintAttachmentDto {
  @ApiProperty({ maxLength: 255, description: "the file's name" })
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @MaxLength(255)
  name!: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: "the file's SHA-256 (kept as evidence)" })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: '$property must be 64 lowercase hex digits' })
  sha256!: string;
}

export class FileComplaintDto {
  @ApiProperty({ enum: COMPLAINT_LINES })
  @IsIn(COMPLAINT_LINES)
  projectType!: ComplaintLine;

  @ApiProperty({ format: 'uuid' })
  @IsString()
  @IsCanonicalId()
  projectId!: string;

  @ApiProperty({
    enum: COMPLAINT_KINDS,
    description:
      'challenge (质疑, procurement only, to the purchaser) or complaint (投诉, to the supervisor)',
  })
  @IsIn(COMPLAINT_KINDS)
  kind!: ComplaintKind;

  @ApiProperty({
    enum: COMPLAINT_STAGES,
    description:
      "the stage complained about, exactly one of the line's (construction: all but bidding; procurement: also no candidates; lease and transfer: announcement, bidding, result, contract, other). A published act (announcement, opening, candidates, result) takes its window from its publication day; `other` needs knewOn",
  })
  @IsIn(COMPLAINT_STAGES)
  stage!: ComplaintStage;

  @ApiProperty({ maxLength: MAX_GROUNDS_LENGTH, description: 'the grounds (never published)' })
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @MaxLength(MAX_GROUNDS_LENGTH)
  grounds!: string;

  @ApiProperty({ type: [ComplaintAttachmentDto], maxItems: MAX_ATTACHMENTS })
  @IsArray()
  @ArrayMaxSize(MAX_ATTACHMENTS)
  @ValidateNested({ each: true })
  @Type(() => ComplaintAttachmentDto)
  attachments!: ComplaintAttachmentDto[];

  @ApiPropertyOptional({
    description:
      'the day the complainant knew (CENTRE_TZ); for a published stage the publication day is used instead',
  })
  @IsOptional()
  @IsCalendarDate()
  knewOn?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'a procurement complaint: the challenge (质疑) it follows',
  })
  @IsOptional()
  @IsString()
  @IsCanonicalId()
  challengeId?: string;
}

export class ComplaintReasonDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @MaxLength(2000)
  reason!: string;
}

export class DocumentRequestDto {
  @ApiProperty({ maxLength: 200, description: 'whom the documents are asked of' })
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @MaxLength(200)
  addressee!: string;

  @ApiProperty({ description: 'the last day to answer (after today, CENTRE_TZ)' })
  @IsCalendarDate()
  dueOn!: string;
}

export class DocumentAnswerDto {
  @ApiProperty({ type: [ComplaintAttachmentDto], maxItems: MAX_ATTACHMENTS })
  @IsArray()
  @ArrayMaxSize(MAX_ATTACHMENTS)
  @ValidateNested({ each: true })
  @Type(() => ComplaintAttachmentDto)
  attachments!: ComplaintAttachmentDto[];
}

export class DecideComplaintDto {
  @ApiProperty({ enum: ['upheld', 'dismissed'] })
  @IsIn(['upheld', 'dismissed'])
  outcome!: 'upheld' | 'dismissed';

  @ApiPropertyOptional({
    enum: COMPLAINT_REMEDIES,
    nullable: true,
    description: 'upheld: corrected, re_run or terminated (required); dismissed: none',
  })
  @IsOptional()
  @IsIn(COMPLAINT_REMEDIES)
  remedy?: ComplaintRemedy | null;

  @ApiPropertyOptional({
    default: false,
    description: '虚假投诉: dismissed only; records a ban for the complainant',
  })
  @IsOptional()
  @IsBoolean()
  foundFalse?: boolean;

  @ApiProperty({ maxLength: 10_000, description: 'published with the decision' })
  @IsString()
  @Matches(/\S/, NOT_BLANK)
  @MaxLength(10_000)
  reason!: string;

  @ApiPropertyOptional({
    minimum: FALSE_COMPLAINT_MIN_YEARS,
    maximum: FALSE_COMPLAINT_MAX_YEARS,
    default: FALSE_COMPLAINT_MIN_YEARS,
    description: 'a false complaint: the ban in years',
  })
  @IsOptional()
  @IsInt()
  @Min(FALSE_COMPLAINT_MIN_YEARS)
  @Max(FALSE_COMPLAINT_MAX_YEARS)
  banYears?: number;
}

export class ListComplaintsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: COMPLAINT_LINES })
  @IsOptional()
  @IsIn(COMPLAINT_LINES)
  line?: ComplaintLine;

  @ApiPropertyOptional({ enum: COMPLAINT_STATUSES })
  @IsOptional()
  @IsIn(COMPLAINT_STATUSES)
  status?: ComplaintStatus;

  @ApiPropertyOptional({ enum: COMPLAINT_KINDS })
  @IsOptional()
  @IsIn(COMPLAINT_KINDS)
  kind?: ComplaintKind;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: those with a step past its last day' })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @IsCanonicalId()
  projectId?: string;
}
