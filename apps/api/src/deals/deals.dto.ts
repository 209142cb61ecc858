import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DEAL_CATEGORIES, type DealCategory } from '@ggzy/persistence';
import { PageQuery } from '../common.dto.js';

export class ListDealsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DEAL_CATEGORIES })
  @IsOptional()
  @IsIn(DEAL_CATEGORIES)
  category?: DealCategory;
  @ApiPropertyOptional({ example: 'lease' }) @IsOptional() @IsString() @MaxLength(32) subtype?: string;
  @ApiPropertyOptional({ description: 'first calendar date, inclusive, in CENTRE_TZ', example: '2018-01-01' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  from?: string;
  @ApiPropertyOptional({ description: 'last calendar date, inclusive, in CENTRE_TZ', example: '2018-05-31' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  to?: string;
}
