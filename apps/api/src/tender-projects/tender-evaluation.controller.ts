import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { TenderEvaluationService } from '@ggzy/tenders';
import { UuidPipe } from '../common.dto.js';
import { TenderReasonDto } from './tender-projects.dto.js';
import {
  AwardDto,
  BidRejectionDto,
  CandidatePublicityDto,
  CandidateWithdrawalDto,
  ReEvaluationDto,
  CommitteeDrawDto,
  AwardContractDto,
  EvaluatedPricesDto,
  EvaluationReportDto,
  MemberScoresDto,
} from './tender-evaluation.dto.js';

/** A tender from its committee to its contract (评标 → 公示 → 中标 → 合同). */
@ApiTags('construction tenders (建筑工程招投标)')
@ApiBearerAuth()
@Controller('tenders')
export class TenderEvaluationController {
  constructor(private readonly evaluation: TenderEvaluationService) {}

  @Post(':id/committee/draw')
  @Roles('staff')
  @ApiOperation({
    summary:
      'draw the committee from the expert pool (owner and suppliers excluded); the answer hides the members',
  })
  draw(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: CommitteeDrawDto) {
    return this.evaluation.drawCommittee(staff, id, {
      needs: body.needs.map(({ specialty, count }) => ({ specialty, count })),
      ...(body.ownerRepresentatives !== undefined ? { ownerRepresentatives: body.ownerRepresentatives } : {}),
      ...(body.replacing !== undefined ? { replacing: body.replacing } : {}),
    });
  }

  @Get(':id/committee')
  @Roles('staff', 'supervisor')
  @ApiOperation({ summary: 'the committee: supervisors at any time, staff once the bids are opened' })
  committee(@CurrentUser() viewer: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.evaluation.committee(viewer, id);
  }

  @Post(':id/start-evaluation')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'opened → evaluating: a drawn committee and ≥ 3 valid bids' })
  start(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.evaluation.startEvaluation(staff, id);
  }

  @Get(':id/evaluation')
  @Roles('staff', 'supervisor')
  @ApiOperation({ summary: "the committee's entries (who entered each and when) and the report" })
  entries(@CurrentUser() viewer: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.evaluation.evaluation(viewer, id);
  }

  @Post(':id/evaluation/rejections')
  @Roles('staff')
  @ApiOperation({ summary: '否决投标: the committee rejects a bid with its reason' })
  reject(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: BidRejectionDto) {
    return this.evaluation.rejectBid(staff, id, { bidId: body.bidId, reason: body.reason });
  }

  @Put(':id/evaluation/evaluated-prices')
  @Roles('staff')
  @ApiOperation({ summary: 'lowest evaluated price: the evaluated price of each listed bid' })
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
  @ApiOperation({ summary: "comprehensive scoring: one expert member's scores (replacing earlier ones)" })
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

  @Post(':id/evaluation/report')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: "the committee's report → {outcome, ranking, candidates}; all rejected → failed" })
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

  @Post(':id/candidates/publish')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: '中标候选人公示: within 3 days of the report, for ≥ 3 days' })
  publish(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: CandidatePublicityDto,
  ) {
    return this.evaluation.publishCandidates(staff, id, { startsOn: body.startsOn, endsOn: body.endsOn });
  }

  @Get(':id/candidates')
  @ApiOperation({ summary: 'public once published: the ranked candidates, the award and the contract' })
  candidates(@Param('id', UuidPipe) id: string) {
    return this.evaluation.candidates(id);
  }

  @Post(':id/candidates/withdrawals')
  @Roles('staff')
  @ApiOperation({
    summary:
      '第55条: a candidate gave up or is found ineligible; the award passes to the next in rank, or the tender fails',
  })
  withdrawCandidate(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: CandidateWithdrawalDto,
  ) {
    return this.evaluation.withdrawCandidate(staff, id, {
      bidId: body.bidId,
      cause: body.cause,
      reason: body.reason,
    });
  }

  @Post(':id/re-evaluation')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      '重新评审 after an upheld objection to the candidates (实施条例 第54条): candidates_published → evaluating; the report is kept as a revision and the committee writes a revised one; the candidates are published again (RE_EVALUATION_NOT_ALLOWED without an upheld objection, OBJECTION_PENDING while one waits)',
  })
  reEvaluate(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ReEvaluationDto,
  ) {
    return this.evaluation.reEvaluate(staff, id, body.reason);
  }

  @Post(':id/award')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      '中标通知书 after the publicity; state-funded: the first candidate; others: a reason to pass it over',
  })
  award(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: AwardDto) {
    return this.evaluation.award(staff, id, { bidId: body.bidId, reason: body.reason ?? null });
  }

  @Post(':id/contract')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary: 'the contract (≤ 30 days after the award) → contracted, the deal, deposits due in 5 days',
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

  @Post(':id/fail')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary: '流标 / 废标 with a public reason, where the lifecycle allows it; deposits fall due',
  })
  fail(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: TenderReasonDto) {
    return this.evaluation.fail(staff, id, body.reason);
  }
}
