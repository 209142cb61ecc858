import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
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

export class ImportDealsDto {
  @ApiProperty({
    description:
      'deals: {category, subtype?, title, amount (fen) | amountYuan, winnerName, closedAt, externalRef}',
    example: [
      {
        category: 'construction',
        subtype: 'building',
        title: '东湖区滨江小学教学楼改造工程',
        amount: 264_940_000,
        winnerName: '江西建工第三建筑有限责任公司',
        closedAt: '2018-03-12T02:00:00Z',
        externalRef: 'DH-2018-001',
      },
    ],
  })
  @IsArray()
  @ArrayNotEmpty()
  deals!: unknown[];
}
