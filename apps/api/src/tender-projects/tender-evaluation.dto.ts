import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCanonicalId } from '@ggzy/common';
import { CANDIDATE_WITHDRAWAL_CAUSES, type CandidateWithdrawalCause } from '@ggzy/domain';
import { CalendarDate, MAX_ENTRIES } from '../evaluation.dto.js';

export {
  AwardDto,
  BidRejectionDto,
  CommitteeDrawDto,
  CommitteeNeedDto,
  AwardContractDto,
  EvaluatedPriceDto,
  EvaluatedPricesDto,
  EvaluationReportDto,
} from '../evaluation.dto.js';

const CRITERION_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export class CriterionDto {
  @ApiProperty({ example: 'technical', description: 'the criterion as the documents name it' })
  @Matches(CRITERION_ID, { message: '$property must be 1–64 letters, digits, _ . -' })
  id!: string;

  @ApiProperty({ minimum: 1, maximum: 100, description: 'whole points of 100; the weights sum to 100' })
  @IsInt()
  @Min(1)
  @Max(100)
  weight!: number;

  @ApiProperty({
    enum: ['scored', 'price_formula'],
    description: 'scored by every member, or the price formula lowest valid price / price × 100',
  })
  @IsIn(['scored', 'price_formula'])
  kind!: 'scored' | 'price_formula';
}

export class MemberScoreDto {
  @ApiProperty()
  @IsCanonicalId()
  @IsString()
  bidId!: string;

  @ApiProperty({ example: 'technical' })
  @Matches(CRITERION_ID, { message: '$property must be a criterion id' })
  criterionId!: string;

  @ApiProperty({ minimum: 0, maximum: 100, description: '0–100, at most two decimals' })
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  score!: number;
}

export class MemberScoresDto {
  @ApiProperty({
    type: [MemberScoreDto],
    description: "the member's whole set of scores (replaces earlier ones)",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ENTRIES)
  @ValidateNested({ each: true })
  @Type(() => MemberScoreDto)
  scores!: MemberScoreDto[];
}

export class CandidatePublicityDto {
  @ApiProperty({ example: '2026-12-01', description: 'first day: within 3 days of the report' })
  @CalendarDate()
  startsOn!: string;

  @ApiProperty({ example: '2026-12-04', description: 'last day: ≥ 3 days after the first' })
  @CalendarDate()
  endsOn!: string;
}

export class CandidateWithdrawalDto {
  @ApiProperty({ description: "the candidate's bid id" })
  @IsCanonicalId()
  @IsString()
  bidId!: string;

  @ApiProperty({
    enum: CANDIDATE_WITHDRAWAL_CAUSES,
    description:
      '实施条例 第55条: gave_up 放弃中标, cannot_perform 不可抗力不能履行合同, no_performance_bond 未按要求提交履约保证金, disqualified 被查实存在影响中标结果的违法行为',
  })
  @IsIn(CANDIDATE_WITHDRAWAL_CAUSES)
  cause!: CandidateWithdrawalCause;

  @ApiProperty({ maxLength: 500, description: 'recorded, audited and shown with the candidates' })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(500)
  reason!: string;
}

export class ReEvaluationDto {
  @ApiProperty({
    maxLength: 500,
    description:
      'why the committee revises its report (the upheld objection’s finding); recorded and audited',
  })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(500)
  reason!: string;
}
