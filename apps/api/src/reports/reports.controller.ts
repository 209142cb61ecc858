import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { ReportsService } from '@ggzy/reports';
import { UuidPipe } from '../common.dto.js';
import { ExportQuery, ListReportsQuery, RequestReportDto } from './reports.dto.js';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
@Roles('staff', 'supervisor', 'admin')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post('transactions')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a transaction-value report → 202 {id, status}',
    description:
      'An identical request (same from, to, groupBy) while one is queued or running gets that one. ' +
      '400 VALIDATION_FAILED for a bad date, 400 INVALID_PERIOD when from is after to or the period passes 20 years.',
  })
  async request(@CurrentUser() user: AuthUser, @Body() body: RequestReportDto) {
    const report = await this.reports.request({ ...body, requestedBy: user.id });
    return { id: report.id, status: report.status, progress: report.progress };
  }

  @Get()
  @ApiOperation({
    summary: 'Reports, newest first: on demand and the scheduled monthly, half-year and year ones',
  })
  list(@Query() query: ListReportsQuery) {
    return this.reports.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: '{id, status: queued|running|done|failed, progress, reason?, result?}' })
  get(@Param('id', UuidPipe) id: string) {
    return this.reports.get(id);
  }

  @Get(':id/export')
  @ApiOperation({
    summary: 'Download: CSV (UTF-8 with BOM), XLSX (summary, by month, deal list) or PDF (with a chart)',
    description: '400 UNKNOWN_FORMAT, 404 REPORT_NOT_FOUND, 409 REPORT_NOT_READY until the report is done.',
  })
  @ApiProduces(
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/pdf',
  )
  async export(
    @Param('id', UuidPipe) id: string,
    @Query() query: ExportQuery,
    @Res({ passthrough: true }) response: Response,
  ) {
    const file = await this.reports.export(id, query.format);
    response.setHeader('Content-Type', file.contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    return new StreamableFile(file.body);
  }
}
