import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { feeRuleFrom } from '@ggzy/domain';
import { FeesService } from '@ggzy/supervision';
import { refuseNulls, UuidPipe } from '../common.dto.js';
import { ListFeeSchedulesQuery, PublishFeeScheduleDto } from './fees.dto.js';

/** Fees (收费): the published schedules, and the fee recorded with each deal. */
@ApiTags('fees (收费)')
@Controller()
export class FeesController {
  constructor(private readonly fees: FeesService) {}

  @Get('fee-schedules')
  @ApiOperation({
    summary: 'every published fee schedule (of a line), with its first day and basis; no sign-in',
  })
  list(@Query() query: ListFeeSchedulesQuery) {
    return this.fees.list(query.line);
  }

  @Post('fee-schedules')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary: "publish a line's fee schedule, from a day after today",
    description:
      'A schedule never changes deals already made: it starts after today (FEE_SCHEDULE_INVALID) and one a line ' +
      'and day (FEE_SCHEDULE_EXISTS). Deals made from its first day pay it.',
  })
  publish(@CurrentUser() admin: AuthUser, @Body() body: PublishFeeScheduleDto) {
    refuseNulls(body);
    return this.fees.publish(admin, { ...body, rule: feeRuleFrom(body.rule) });
  }

  @Get('deals/:id/fees')
  @Roles('staff', 'supervisor')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'the fee recorded with a deal, with its schedule and the working',
    description:
      'status: charged (the schedule in force on the deal’s day), no_schedule (none was: nothing charged) or ' +
      'not_recorded (a deal older than fees).',
  })
  forDeal(@Param('id', UuidPipe) id: string) {
    return this.fees.forDeal(id);
  }
}
