import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { REPORT_GROUPINGS, REPORT_KINDS, type ReportGrouping, type ReportKind } from '@ggzy/domain';
import { PageQuery } from '../common.dto.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class RequestReportDto {
  @ApiProperty({ description: 'first calendar date, inclusive, in CENTRE_TZ', example: '2018-01-01' })
  @IsString()
  @Matches(DATE, { message: 'from is a calendar date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ description: 'last calendar date, inclusive, in CENTRE_TZ', example: '2018-05-31' })
  @IsString()
  @Matches(DATE, { message: 'to is a calendar date YYYY-MM-DD' })
  to!: string;

  @ApiPropertyOptional({ enum: REPORT_GROUPINGS, default: 'month', description: 'the series buckets' })
  @IsOptional()
  @IsIn(REPORT_GROUPINGS)
  groupBy?: ReportGrouping;
}

export class ListReportsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: REPORT_KINDS })
  @IsOptional()
  @IsIn(REPORT_KINDS)
  kind?: ReportKind;
}

export class ExportQuery {
  @ApiProperty({ enum: ['csv', 'xlsx', 'pdf'] })
  @IsString()
  @MaxLength(16)
  format!: string;
}

export class StatisticsQuery {
  @ApiPropertyOptional({ description: 'first calendar date (CENTRE_TZ); default 1 January this year' })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: 'from is a calendar date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ description: 'last calendar date (CENTRE_TZ); default today' })
  @IsOptional()
  @IsString()
  @Matches(DATE, { message: 'to is a calendar date YYYY-MM-DD' })
  to?: string;
}
