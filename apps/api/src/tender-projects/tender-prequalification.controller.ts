import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { TenderPrequalificationService } from '@ggzy/tenders';
import { PageQuery, UuidPipe } from '../common.dto.js';
import { PrequalificationApplicationDto, PrequalificationDecisionDto } from './tender-projects.dto.js';

/**
 * A tender's prequalification (资格预审): suppliers apply, staff pass or fail each application with
 * a reason, and the result is notified — ≥ 3 passed, bidding follows for them; fewer, the tender
 * fails and is re-tendered.
 */
@ApiTags('construction tenders (建筑工程招投标)')
@ApiBearerAuth()
@Controller()
export class TenderPrequalificationController {
  constructor(private readonly prequalification: TenderPrequalificationService) {}

  @Post('tenders/:id/prequalification/applications')
  @Roles('bidder')
  @ApiOperation({
    summary:
      '资格预审申请: a supplier applies with its organisation’s code, from the documents’ sale to the end of the day applications are due',
  })
  apply(
    @CurrentUser() bidder: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: PrequalificationApplicationDto,
  ) {
    return this.prequalification.apply(bidder, id, {
      organizationCode: body.organizationCode,
      documents: body.documents ?? [],
    });
  }

  @Get('tenders/:id/prequalification/applications')
  @Roles('staff', 'supervisor')
  @ApiOperation({ summary: 'the applications, in the order they came, with who applied and each decision' })
  applications(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.prequalification.applications(id, page);
  }

  @Post('tenders/:id/prequalification/applications/:applicationId/pass')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'the application passes (通过资格预审), with a reason; once' })
  pass(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('applicationId', UuidPipe) applicationId: string,
    @Body() body: PrequalificationDecisionDto,
  ) {
    return this.prequalification.decide(staff, id, applicationId, { status: 'passed', reason: body.reason });
  }

  @Post('tenders/:id/prequalification/applications/:applicationId/fail')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'the application fails (未通过资格预审), with a reason; once' })
  fail(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('applicationId', UuidPipe) applicationId: string,
    @Body() body: PrequalificationDecisionDto,
  ) {
    return this.prequalification.decide(staff, id, applicationId, { status: 'failed', reason: body.reason });
  }

  @Post('tenders/:id/prequalification/result')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      '资格预审结果: after the applications’ day, every application decided → prequalified (≥ 3 passed) or failed',
  })
  conclude(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.prequalification.conclude(staff, id);
  }

  @Get('me/tender-prequalification-applications')
  @Roles('bidder')
  @ApiOperation({ summary: 'the supplier’s own applications; each result once it is notified' })
  mine(@CurrentUser() bidder: AuthUser, @Query() page: PageQuery) {
    return this.prequalification.mine(bidder, page);
  }
}
