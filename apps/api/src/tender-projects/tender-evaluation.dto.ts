import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCanonicalId } from '@ggzy/common';
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
