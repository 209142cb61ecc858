import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReportsService } from '@ggzy/reports';
import { StatisticsQuery } from '../reports/reports.dto.js';

/** Anyone may read these: counts and amounts from deal records only, no bidder, no reserve. */
@ApiTags('public')
@Controller('public/statistics')
export class PublicStatisticsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({
    summary: 'Counts and amounts per category and month, and the summary sentence; no sign-in',
    description: 'Defaults: 1 January of this year to today (CENTRE_TZ).',
  })
  statistics(@Query() query: StatisticsQuery) {
    return this.reports.statistics(query.from, query.to);
  }
}
