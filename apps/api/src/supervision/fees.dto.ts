import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { FEE_LINES, type FeeLine } from '@ggzy/domain';
import { IsCalendarDate } from '../common.dto.js';

export const MAX_FEE_BASIS_LENGTH = 500;

export class PublishFeeScheduleDto {
  @ApiProperty({ enum: FEE_LINES, description: 'the business line whose deals it charges' })
  @IsIn(FEE_LINES)
  line!: FeeLine;

  @ApiProperty({
    description: 'first day it applies (YYYY-MM-DD, CENTRE_TZ): after today (FEE_SCHEDULE_INVALID otherwise)',
  })
  @IsCalendarDate()
  effectiveFrom!: string;

  @ApiProperty({ maxLength: MAX_FEE_BASIS_LENGTH, description: 'the published document it rests on (文号)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_FEE_BASIS_LENGTH)
  basis!: string;

  @ApiProperty({ enum: ['winner', 'owner'], description: 'who pays: the winner or the owner' })
  @IsIn(['winner', 'owner'])
  payer!: 'winner' | 'owner';

  @ApiProperty({
    description:
      '{kind:"fixed", amount} or {kind:"banded", mode:"marginal"|"whole", bands:[{upTo, ratePpm}], minimum, maximum}: ' +
      'upTo is the inclusive upper edge in fen (null on the last band), rates in parts per million; ' +
      'problems: 400 FEE_SCHEDULE_INVALID with the list',
    example: {
      kind: 'banded',
      mode: 'marginal',
      bands: [
        { upTo: 100000000, ratePpm: 10000 },
        { upTo: null, ratePpm: 7000 },
      ],
      minimum: null,
      maximum: null,
    },
  })
  @IsObject()
  rule!: Record<string, unknown>;
}

export class ListFeeSchedulesQuery {
  @ApiPropertyOptional({ enum: FEE_LINES })
  @IsOptional()
  @IsIn(FEE_LINES)
  line?: FeeLine;
}
