import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { DEPOSIT_HOST_NAMES, DepositsService } from '@ggzy/deposits';
import type { RegistrationHostType } from '@ggzy/persistence';
import { DomainError } from '@ggzy/domain';
import { UuidPipe } from '../common.dto.js';
import {
  type DepositHostTypeName,
  ForfeitDepositDto,
  ListDepositsQuery,
  MyDepositsQuery,
  ReceiveDepositDto,
  RefundDepositDto,
} from './deposits.dto.js';

/** An optional field is left out, never null: null would read as "now" or "no reference". */
function refuseNulls(body: object) {
  const nulls = Object.entries(body)
    .filter(([, value]) => value === null)
    .map(([field]) => ({ field, problems: [`${field} may not be null`] }));
  if (nulls.length > 0) throw new DomainError('VALIDATION_FAILED', 'the request is not valid', nulls);
}

const HOST_TYPES = Object.fromEntries(
  Object.entries(DEPOSIT_HOST_NAMES).map(([stored, name]) => [name, stored]),
) as Record<DepositHostTypeName, RegistrationHostType>;

/**
 * Deposits (保证金) of every line: staff record each step, staff and supervisors list them,
 * bidders see their own. `converted` has no endpoint: the winner's contract converts it.
 */
@ApiTags('deposits (保证金)')
@ApiBearerAuth()
@Controller()
export class DepositsController {
  constructor(private readonly deposits: DepositsService) {}

  @Get('deposits')
  @Roles('staff', 'supervisor')
  list(@Query() query: ListDepositsQuery) {
    return this.deposits.list({
      state: query.state,
      hostType: query.hostType ? HOST_TYPES[query.hostType] : undefined,
      hostId: query.hostId,
      overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
      limit: query.limit,
      offset: query.offset,
    });
  }

  @Get('me/deposits')
  @Roles('bidder')
  mine(@CurrentUser() bidder: AuthUser, @Query() query: MyDepositsQuery) {
    return this.deposits.listOfBidder(bidder.id, query);
  }

  @Post('deposits/:id/receive')
  @HttpCode(200)
  @Roles('staff')
  receive(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ReceiveDepositDto,
  ) {
    refuseNulls(body);
    return this.deposits.receive(staff.id, id, {
      receivedAt: body.receivedAt === undefined ? undefined : new Date(body.receivedAt),
      reference: body.reference,
    });
  }

  @Post('deposits/:id/refund')
  @HttpCode(200)
  @Roles('staff')
  refund(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: RefundDepositDto) {
    refuseNulls(body);
    return this.deposits.refund(staff.id, id, { reference: body.reference });
  }

  @Post('deposits/:id/forfeit')
  @HttpCode(200)
  @Roles('staff')
  forfeit(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ForfeitDepositDto,
  ) {
    return this.deposits.forfeit(staff.id, id, body.reason);
  }
}
