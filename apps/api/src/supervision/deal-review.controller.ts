import { Controller, Get, Param, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '@ggzy/auth';
import { DealReviewService } from '@ggzy/supervision';
import { UuidPipe } from '../common.dto.js';
import { DealReviewExportQuery, DealReviewFilterQuery } from './deal-review.dto.js';

/** The review of deal records (成交记录审查): every deal, its whole story, and an export. */
@ApiTags('supervision: deal review')
@ApiBearerAuth()
@Controller('supervision/deals')
@Roles('supervisor')
export class DealReviewController {
  constructor(private readonly review: DealReviewService) {}

  @Get()
  @ApiOperation({ summary: 'every deal, newest first, by category, subtype, period, party and amount' })
  list(@Query() query: DealReviewFilterQuery) {
    const { limit, offset, ...filter } = query;
    return this.review.list(filter, { limit, offset });
  }

  @Get('export')
  @ApiOperation({
    summary:
      'the filtered deals as CSV (UTF-8 with BOM) or XLSX, with their fees (at most 10,000, newest first)',
  })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(@Query() query: DealReviewExportQuery, @Res({ passthrough: true }) response: Response) {
    const { format, limit: _limit, offset: _offset, ...filter } = query;
    const file = await this.review.export(filter, format);
    response.setHeader('Content-Type', file.contentType);
    response.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    return new StreamableFile(file.body);
  }

  @Get(':id')
  @ApiOperation({
    summary: "a deal's whole story on one read",
    description:
      'announcement, registrations, deposits, the bid ledger or the opening record, committee draws (with seeds), ' +
      'evaluation, award and contract, the fee, and the audit trail of them all; DEAL_NOT_FOUND for an unknown deal.',
  })
  story(@Param('id', UuidPipe) id: string) {
    return this.review.story(id);
  }
}
