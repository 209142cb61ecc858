import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@ggzy/auth';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  DomainError,
  isCalendarDate,
  isSupportedDate,
  startOfDayInZone,
  SUPPORTED_YEARS,
  zonedDateRange,
} from '@ggzy/domain';
import { DealsRepository } from '@ggzy/persistence';
import { ListDealsQuery } from './deals.dto.js';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class DealsController {
  constructor(
    private readonly deals: DealsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Roles('staff', 'supervisor', 'admin')
  async list(@Query() query: ListDealsQuery) {
    for (const field of ['from', 'to'] as const) {
      const value = query[field];
      if (value !== undefined && !isCalendarDate(value))
        throw new DomainError('VALIDATION_FAILED', `${field} is not a calendar date`);
      if (value !== undefined && !isSupportedDate(value))
        throw new DomainError(
          'VALIDATION_FAILED',
          `${field} lies outside the years ${SUPPORTED_YEARS.first}–${SUPPORTED_YEARS.last}`,
        );
    }
    if (query.from && query.to && query.from > query.to)
      throw new DomainError('VALIDATION_FAILED', 'from is after to');
    const tz = this.config.CENTRE_TZ;
    const from = query.from ? startOfDayInZone(query.from, tz) : undefined;
    const to = query.to ? zonedDateRange(query.to, query.to, tz).end : undefined;
    const { items, total } = await this.deals.list({ ...query, from, to });
    return {
      items: items.map((deal) => ({
        id: deal.id,
        category: deal.category,
        subtype: deal.subtype,
        sourceType: deal.sourceType,
        sourceId: deal.sourceId,
        title: deal.title,
        amount: deal.amount,
        winner: deal.winnerName,
        winnerId: deal.winnerId,
        closedAt: deal.closedAt.toISOString(),
        externalRef: deal.externalRef,
      })),
      total,
    };
  }
}
