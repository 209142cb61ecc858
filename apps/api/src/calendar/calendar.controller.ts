import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { BusinessCalendarService } from '@ggzy/calendar';
import { DomainError, FIRST_CALENDAR_YEAR, isCalendarDate, LAST_CALENDAR_YEAR } from '@ggzy/domain';
import { CalendarYearBody, DeadlineQuery } from './calendar.dto.js';

function parseYear(value: string): number {
  const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
  if (!(year >= FIRST_CALENDAR_YEAR && year <= LAST_CALENDAR_YEAR))
    throw new DomainError(
      'VALIDATION_FAILED',
      `year must be a year from ${FIRST_CALENDAR_YEAR} to ${LAST_CALENDAR_YEAR}`,
    );
  return year;
}

/** The business-day calendar (工作日): public to read, kept by staff. */
@ApiTags('calendar')
@Controller('calendar')
export class CalendarController {
  constructor(private readonly calendar: BusinessCalendarService) {}

  @Get()
  @ApiOperation({ summary: 'the years the calendar knows, with their holidays and make-up working days' })
  list() {
    return this.calendar.listYears();
  }

  @Get('deadline')
  @ApiOperation({ summary: 'the date a period of N business days after `from` ends' })
  deadline(@Query() query: DeadlineQuery) {
    if (!isCalendarDate(query.from))
      throw new DomainError('VALIDATION_FAILED', 'from is not a calendar date');
    return this.calendar.deadline(query.from, query.businessDays);
  }

  @Get(':year')
  year(@Param('year') year: string) {
    return this.calendar.year(parseYear(year));
  }

  @Put(':year')
  @Roles('staff')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'add or replace a year (audited)' })
  save(@Param('year') year: string, @Body() body: CalendarYearBody, @CurrentUser() user: AuthUser) {
    return this.calendar.saveYear({ year: parseYear(year), ...body }, user.id);
  }
}
