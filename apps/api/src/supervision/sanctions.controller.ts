import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { CreditService } from '@ggzy/supervision';
import { refuseNulls, UuidPipe, withoutUndefined } from '../common.dto.js';
import {
  CreditListQuery,
  FindPartyQuery,
  ListSanctionsQuery,
  RecordSanctionDto,
  RevokeSanctionDto,
} from './sanctions.dto.js';

/** Credit (信用): supervisors record sanctions against a party, list them and lift them early. */
@ApiTags('supervision: credit (信用)')
@ApiBearerAuth()
@Controller('supervision')
export class SanctionsController {
  constructor(private readonly credit: CreditService) {}

  @Post('sanctions')
  @Roles('supervisor')
  @ApiOperation({
    summary: 'record a warning, or a ban until a day (inclusive), with its legal basis',
    description:
      'A ban for a false complaint lasts 1–3 years (FALSE_COMPLAINT_BAN_OUT_OF_RANGE); a warning has no bannedUntil ' +
      '(SANCTION_INVALID); the party is a bidder account (PARTY_NOT_FOUND).',
  })
  record(@CurrentUser() supervisor: AuthUser, @Body() body: RecordSanctionDto) {
    refuseNulls(body);
    return this.credit.record(supervisor, withoutUndefined(body) as RecordSanctionDto);
  }

  @Get('sanctions')
  @Roles('supervisor')
  @ApiOperation({ summary: "every sanction, or one party's, newest first" })
  list(@Query() query: ListSanctionsQuery) {
    const { active, ...filter } = query;
    return this.credit.list({ ...filter, inForce: active === undefined ? undefined : active === 'true' });
  }

  @Get('sanctions/:id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'one sanction' })
  get(@Param('id', UuidPipe) id: string) {
    return this.credit.findById(id);
  }

  @Post('sanctions/:id/revoke')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'lift a sanction early (on review or appeal): from today it bans nothing',
    description: 'Once (SANCTION_ALREADY_REVOKED); a sanction is never deleted.',
  })
  revoke(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: RevokeSanctionDto,
  ) {
    return this.credit.revoke(supervisor, id, body.reason);
  }

  @Get('parties')
  @Roles('supervisor')
  @ApiOperation({ summary: 'a party (bidder account) by its exact username: its id, to record a sanction' })
  findParty(@Query() query: FindPartyQuery) {
    return this.credit.findParty(query.username);
  }
}

/**
 * The public credit list (信用公示): no sign-in; no account id, a person's name masked. Also at
 * /api/public/credit-list, beside the other public reads (API-supervision.md).
 */
@ApiTags('public')
@Controller(['credit-list', 'public/credit-list'])
export class CreditListController {
  constructor(private readonly credit: CreditService) {}

  @Get()
  @ApiOperation({
    summary:
      'sanctions as published: the party (an organisation by name and code, a person masked), kind, reason, basis, period',
  })
  list(@Query() query: CreditListQuery) {
    return this.credit.publicList(query);
  }
}
