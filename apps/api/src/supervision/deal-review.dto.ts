import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEAL_CATEGORIES, type DealCategory } from '@ggzy/domain';
import { IsCalendarDate, PageQuery } from '../common.dto.js';

export class DealReviewFilterQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DEAL_CATEGORIES })
  @IsOptional()
  @IsIn(DEAL_CATEGORIES)
  category?: DealCategory;

  @ApiPropertyOptional({ example: 'lease', maxLength: 32 })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  subtype?: string;

  @ApiPropertyOptional({ description: 'first day, inclusive (YYYY-MM-DD, CENTRE_TZ)', example: '2018-01-01' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'last day, inclusive (YYYY-MM-DD, CENTRE_TZ)', example: '2018-05-31' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({
    maxLength: 200,
    description: "the winner: any part of its name, or its account's id",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  party?: string;

  @ApiPropertyOptional({ description: 'lowest deal value, fen (inclusive)', minimum: 0, type: 'integer' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minAmount?: number;

  @ApiPropertyOptional({ description: 'highest deal value, fen (inclusive)', minimum: 0, type: 'integer' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  maxAmount?: number;
}

export class DealReviewExportQuery extends DealReviewFilterQuery {
  @ApiProperty({ enum: ['csv', 'xlsx'], description: 'another: 400 UNKNOWN_FORMAT' })
  @IsString()
  @MaxLength(16)
  format!: string;
}
