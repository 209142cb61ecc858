import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { ProcurementEvaluationService, ProcurementFrameworkService } from '@ggzy/procurement';
import { PageQuery, refuseNulls, UuidPipe } from '../common.dto.js';
import { CallOffDto } from './procurements.dto.js';
import {
  AwardDecisionDto,
  BidRejectionDto,
  AwardContractDto,
  EvaluatedPricesDto,
  EvaluationReportDto,
  MemberScoresDto,
  NegotiationRecordDto,
  ProcurementCommitteeDrawDto,
} from './procurement-evaluation.dto.js';

/** A procurement from its committee to its contract (评审 → 报告 → 确定成交 → 结果公告 → 合同). */
@ApiTags('government procurement (政府采购)')
@ApiBearerAuth()
@Controller('procurements')
export class ProcurementEvaluationController {
  constructor(
    private readonly evaluation: ProcurementEvaluationService,
    private readonly framework: ProcurementFrameworkService,
  ) {}

  @Post(':id/committee/draw')
  @Roles('staff')
  @ApiOperation({
    summary:
      'draw the committee from the expert pool (purchaser and suppliers excluded; single source: its negotiation group, ≥ 3); the answer hides the members',
  })
  draw(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ProcurementCommitteeDrawDto,
  ) {
    return this.evaluation.drawCommittee(staff, id, {
      needs: body.needs.map(({ specialty, count }) => ({ specialty, count })),
      ...(body.ownerRepresentatives !== undefined ? { ownerRepresentatives: body.ownerRepresentatives } : {}),
      ...(body.replacing !== undefined ? { replacing: body.replacing } : {}),
      ...(body.complexOrHighProfile !== undefined ? { complexOrHighProfile: body.complexOrHighProfile } : {}),
    });
  }

  @Get(':id/committee')
  @Roles('staff', 'supervisor')
  @ApiOperation({ summary: 'the committee: supervisors at any time, staff once the responses are opened' })
  committee(@CurrentUser() viewer: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.evaluation.committee(viewer, id);
  }

  @Post(':id/start-evaluation')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      "opened → evaluating: a drawn committee and the method's minimum of responses (TOO_FEW_SUPPLIERS); single source: responding → evaluating with its one qualified supplier",
  })
  start(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.evaluation.startEvaluation(staff, id);
  }

  @Get(':id/evaluation')
  @Roles('staff', 'supervisor')
  @ApiOperation({
    summary: "the committee's entries, the report and every step to the contract with its last day",
  })
  entries(@CurrentUser() viewer: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.evaluation.evaluation(viewer, id);
  }

  @Post(':id/evaluation/rejections')
  @Roles('staff')
  @ApiOperation({ summary: 'the committee rejects a response (not responsive) with its reason' })
  reject(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: BidRejectionDto) {
    return this.evaluation.rejectBid(staff, id, { bidId: body.bidId, reason: body.reason });
  }

  @Put(':id/evaluation/evaluated-prices')
  @Roles('staff')
  @ApiOperation({ summary: 'the evaluated price of each listed response (unlisted: its quoted price)' })
  prices(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: EvaluatedPricesDto,
  ) {
    return this.evaluation.setEvaluatedPrices(
      staff,
      id,
      body.prices.map(({ bidId, evaluatedPrice, note }) => ({ bidId, evaluatedPrice, note: note ?? null })),
    );
  }

  @Put(':id/evaluation/scores/:memberId')
  @Roles('staff')
  @ApiOperation({
    summary:
      "comprehensive scoring: one committee member's whole set of scores (replaces earlier ones), each with who entered it",
  })
  scores(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('memberId', UuidPipe) memberId: string,
    @Body() body: MemberScoresDto,
  ) {
    return this.evaluation.setMemberScores(
      staff,
      id,
      memberId,
      body.scores.map(({ bidId, criterionId, score }) => ({ bidId, criterionId, score })),
    );
  }

  @Post(':id/negotiation')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      "single source: the price agreed with the supplier (≤ the budget: NEGOTIATED_PRICE_ABOVE_BUDGET) and the signed negotiation record's SHA-256 — the method's report",
  })
  negotiation(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: NegotiationRecordDto,
  ) {
    return this.evaluation.recordNegotiation(staff, id, {
      price: body.price,
      negotiationRecordSha256: body.negotiationRecordSha256,
    });
  }

  @Post(':id/evaluation/report')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      "the committee's report → {outcome, ranking, candidates}; fewer responsive than the method's minimum or all rejected → failed",
  })
  report(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: EvaluationReportDto,
  ) {
    return this.evaluation.submitReport(staff, id, {
      rejectAll: body.rejectAll ?? false,
      reportSha256: body.reportSha256,
    });
  }

  @Post(':id/report/deliver')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      'evaluating → report_delivered: the report is with the purchaser today (due 2 business days after the evaluation; late is recorded)',
  })
  deliver(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.evaluation.deliverReport(staff, id);
  }

  @Post(':id/award-decision')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      "report_delivered → award_decided: the report's ranking is followed; after 5 business days only the first (AWARD_DECISION_OVERDUE)",
  })
  decide(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: AwardDecisionDto) {
    return this.evaluation.decideAward(staff, id, { bidId: body.bidId, reason: body.reason ?? null });
  }

  @Post(':id/result')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      "award_decided → awarded: the result announced and the notice sent today; the others' deposits due in 5 business days",
  })
  result(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.evaluation.announceResult(staff, id);
  }

  @Post(':id/contract')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      "the contract (≤ 30 days after the notice) → contracted with the deal; the winner's deposit due in 5 business days",
  })
  contract(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: AwardContractDto,
  ) {
    return this.evaluation.recordContract(staff, id, {
      signedOn: body.signedOn,
      contractSha256: body.contractSha256,
    });
  }

  @Post(':id/call-offs')
  @Roles('staff')
  @ApiOperation({
    summary:
      'framework agreement in force: a call-off order with an admitted supplier within the term and the budget → its deal, 201; a repeated clientOrderId → the first order, 200 (CALL_OFF_SUPPLIER_NOT_ADMITTED, CALL_OFF_OUTSIDE_TERM, CALL_OFF_ABOVE_BUDGET, PARTY_BANNED)',
  })
  async callOff(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: CallOffDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    refuseNulls(body);
    const recorded = await this.framework.recordCallOff(staff, id, {
      supplier: body.supplier,
      amount: body.amount,
      orderedOn: body.orderedOn,
      title: body.title,
      contractSha256: body.contractSha256 ?? null,
      clientOrderId: body.clientOrderId ?? null,
    });
    if (recorded.repeated) response.status(200);
    return recorded;
  }

  @Get(':id/call-offs')
  @ApiOperation({
    summary:
      'framework agreement: its admitted suppliers and call-off orders (public: supplier, title, amount, day)',
  })
  callOffs(@Param('id', UuidPipe) id: string, @Query() page: PageQuery, @CurrentUser() viewer?: AuthUser) {
    return this.framework.callOffs(id, page, viewer);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'framework agreement: contracted → closed (no more call-off orders)' })
  close(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.framework.close(staff, id);
  }
}
