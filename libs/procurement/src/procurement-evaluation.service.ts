import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  awardDecisionDueOn,
  calendarDateInZone,
  checkAward,
  checkAwardDecisionInTime,
  checkEnoughSuppliers,
  checkProcurementContractInTime,
  committeeRule,
  DomainError,
  evaluateBids,
  type EvaluatedBid,
  memberScoreSetViolations,
  ABOVE_MAX_UNIT_PRICE_REASON,
  frameworkAdmittedCount,
  frameworkEliminationPercent,
  responsesAboveMaxUnitPrice,
  nextProcurementStatus,
  PROCUREMENT_METHOD_RULES,
  type ProcurementAction,
  type ProcurementMethod,
  type ProcurementStatus,
  procurementContractDueOn,
  procurementDepositRefundDueOn,
  reportDueOn,
  requireDate,
  resultAnnouncementDueOn,
  type RuleViolation,
  type SpecialtyNeed,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  DealsRepository,
  ExpertsRepository,
  PartyBans,
  type ProcurementEvaluation,
  ProcurementEvaluationRepository,
  ProcurementMethodsRepository,
  type ProcurementProjectEntity,
  ProcurementProjectsRepository,
} from '@ggzy/persistence';
import { hasAnyRole, type AuthUser } from '@ggzy/auth';
import { BusinessCalendarService } from '@ggzy/calendar';
import { DepositsService } from '@ggzy/deposits';
import { ExpertPoolService, type OpenedBid, SealedBidsService, toCommitteeView } from '@ggzy/sealed-bids';
import { procurementHost, tooFewSuppliersReason } from './procurement.service.js';
import { toProcurementEvaluationView, toPublicProcurementResult } from './procurement-evaluation.views.js';

const ENTITY_TYPE = 'procurement_project';
/** From the notice until the evaluation starts (drawn before the opening, it stays hidden until then). */
const DRAWABLE = new Set<ProcurementStatus>(['announced', 'responding', 'opened']);

/** From the result notice on (a suspension after it keeps the result public). */
const RESULT_PUBLIC = new Set<ProcurementStatus>(['awarded', 'contracted', 'closed', 'suspended']);

export const ALL_REJECTED_REASON = '评审委员会否决全部响应文件,依法废标';

/** The transaction reports' subtype codes (reports.ts DEAL_SUBTYPES.procurement) for each method. */
export const DEAL_SUBTYPE_OF_METHOD: Record<ProcurementMethod, string> = {
  open_tender: 'open_tender',
  invited_tender: 'invited_tender',
  competitive_negotiation: 'negotiation',
  competitive_consultation: 'consultation',
  request_for_quotation: 'rfq',
  single_source: 'single_source',
  framework_agreement: 'framework',
};

export interface ProcurementCommitteeDrawInput {
  needs: SpecialtyNeed[];
  ownerRepresentatives?: number;
  replacing?: string;
  /** 技术复杂 or 社会影响较大: a procurement tender's committee then has ≥ 7 members. */
  complexOrHighProfile?: boolean;
}

type Step = { manager: EntityManager; project: ProcurementProjectEntity; now: Date; today: string };

/**
 * A procurement after its opening: the committee (drawn from the expert pool with the purchaser's
 * and every supplier's staff excluded, hidden until the opening), its rejections and evaluated
 * prices (the quoted price unless adjusted), the report ranking by the lowest evaluated price
 * (fewer responsive than the method's minimum, or all rejected: 废标), the report's delivery to
 * the purchaser, the purchaser's decision (the ranking followed; after 5 business days only the
 * first), the result notice and the contract with its deal. Every step locks the project, reads
 * the database's clock and moves the status only through procurement-lifecycle.ts.
 */
@Injectable()
export class ProcurementEvaluationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProcurementProjectsRepository,
    private readonly evaluations: ProcurementEvaluationRepository,
    private readonly experts: ExpertsRepository,
    private readonly pool: ExpertPoolService,
    private readonly sealedBids: SealedBidsService,
    private readonly deposits: DepositsService,
    private readonly deals: DealsRepository,
    private readonly calendars: BusinessCalendarService,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly methods: ProcurementMethodsRepository,
    private readonly partyBans: PartyBans,
  ) {}

  // --- the committee ---------------------------------------------------------------------------

  /** Draws the experts; the answer says only that it is drawn (the members stay hidden). */
  async drawCommittee(staff: AuthUser, projectId: string, input: ProcurementCommitteeDrawInput) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const rule = committeeRule({
        line: 'procurement',
        method: project.method,
        budget: project.budget,
        complexOrHighProfile: input.complexOrHighProfile ?? false,
      });
      // Single source draws its negotiation group once the publicity is concluded (responding).
      if (!DRAWABLE.has(project.status))
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `the committee is drawn between the notice and the evaluation, not while the procurement is ${project.status}`,
        );
      // After the opening staff see the members: a redraw then only removes a conflict of interest.
      if (input.replacing && project.status === 'opened') {
        const current = await this.pool.currentDraw(
          { hostType: 'procurement_project', hostId: projectId },
          manager,
        );
        if (!current || (await this.conflictedMembers(manager, projectId, current)).length === 0)
          throw new DomainError(
            'COMMITTEE_REDRAW_AFTER_OPENING',
            'after the opening the committee is redrawn only to remove a conflict of interest',
            { status: project.status },
          );
      }
      const draw = await this.pool.draw(manager, {
        hostType: 'procurement_project',
        hostId: projectId,
        ownerOrgCode: project.purchaserOrgCode,
        bidderOrgCodes: await this.evaluations.supplierOrganizationCodes(manager, projectId),
        rule,
        needs: input.needs,
        ownerRepresentatives: input.ownerRepresentatives ?? 0,
        ...(input.replacing ? { replacing: input.replacing } : {}),
        drawnBy: staff.id,
        now,
        today,
      });
      await this.record(manager, staff, projectId, now, 'procurement.committee_drawn', {
        drawId: draw.id,
        members: draw.rule.members,
        complexOrHighProfile: input.complexOrHighProfile ?? false,
        replacing: input.replacing ?? null,
      });
      return {
        projectId,
        drawId: draw.id,
        members: draw.rule.members,
        experts: draw.rule.experts,
        ownerRepresentatives: draw.rule.ownerRepresentatives,
        drawnAt: draw.drawnAt,
      };
    });
  }

  /** Supervisors at any time; staff once the responses are opened; nobody else. */
  async committee(viewer: AuthUser, projectId: string) {
    const project = await this.mustFind(projectId);
    await this.requireCommitteeVisible(viewer, project);
    const draw = await this.pool.currentDraw({ hostType: 'procurement_project', hostId: projectId });
    if (!draw)
      throw new DomainError('COMMITTEE_DRAW_NOT_FOUND', 'no committee has been drawn for this procurement');
    const members = await Promise.all(draw.memberIds.map((id) => this.experts.findById(id)));
    // The draw's seed is for supervisors' replays; staff see who sits, not how the lot fell.
    return toCommitteeView(draw, members, { withSeed: hasAnyRole(viewer, ['supervisor']) });
  }

  // --- the evaluation --------------------------------------------------------------------------

  /**
   * opened → evaluating, with a drawn committee free of conflicts and the method's minimum of
   * responses; single source: responding → evaluating, its group drawn and its one supplier
   * registered and qualified (no sealed opening).
   */
  async startEvaluation(staff: AuthUser, projectId: string) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const next = this.transition(project, 'start_evaluation');
      const draw = await this.pool.currentDraw(
        { hostType: 'procurement_project', hostId: projectId },
        manager,
      );
      if (!draw)
        throw new DomainError(
          'COMMITTEE_NOT_DRAWN',
          'the committee must be drawn before the evaluation starts',
        );
      // A supplier that applied after the draw was not excluded by it: none of its staff may sit.
      const conflicted = await this.conflictedMembers(manager, projectId, draw);
      if (conflicted.length > 0)
        throw new DomainError(
          'COMMITTEE_CONFLICT_OF_INTEREST',
          'a member works for a supplier that applied after the draw: redraw, replacing the current draw',
          { drawId: draw.id, memberIds: conflicted },
        );
      const suppliers =
        project.method === 'single_source'
          ? (await this.methods.qualifiedSuppliers(manager, projectId)).length
          : (await this.mustOpening(manager, projectId)).validCount;
      checkEnoughSuppliers(project.method, suppliers);
      await this.evaluations.start(manager, {
        projectId,
        startedAt: now,
        startedOn: today,
        startedBy: staff.id,
        committeeDrawId: draw.id,
      });
      // A framework agreement: a response above the 最高限制单价 is out (第110号令 第26条), recorded
      // as the committee's rejection with its reason, so nobody scores it and the report leaves it out.
      const aboveCeiling =
        project.method === 'framework_agreement'
          ? responsesAboveMaxUnitPrice(
              (await this.mustOpening(manager, projectId)).bids.flatMap((bid) =>
                bid.valid && bid.price !== null ? [{ bidId: bid.bidId, price: bid.price }] : [],
              ),
              project.maxUnitPrice,
            )
          : [];
      for (const bidId of aboveCeiling)
        await this.evaluations.insertRejection(manager, projectId, {
          bidId,
          reason: ABOVE_MAX_UNIT_PRICE_REASON,
          enteredBy: staff.id,
          enteredAt: now,
        });
      await this.move(manager, staff, project, next, now, {
        drawId: draw.id,
        [project.method === 'single_source' ? 'qualifiedSuppliers' : 'validResponses']: suppliers,
        ...(aboveCeiling.length > 0
          ? { aboveMaxUnitPrice: aboveCeiling, maxUnitPrice: project.maxUnitPrice }
          : {}),
      });
      return this.evaluationOf(manager, projectId);
    });
  }

  /**
   * Single source: the group and the supplier agreed the price (商定成交价格, 第74号令 第41条);
   * staff record it with the SHA-256 of the negotiation record every negotiator signed (协商情况
   * 记录, 第42条). This is the method's report: the one supplier ranked first at the agreed price,
   * within the budget; the report is due with the purchaser 2 business days later.
   */
  async recordNegotiation(
    staff: AuthUser,
    projectId: string,
    input: { price: number; negotiationRecordSha256: string },
  ) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      if (project.method !== 'single_source')
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `only a single source records a negotiation; a ${project.method} procurement reports its evaluation`,
          { method: project.method },
        );
      await this.requireEntriesOpen(manager, project);
      if (input.price > project.budget)
        throw new DomainError('NEGOTIATED_PRICE_ABOVE_BUDGET', 'the agreed price is above the budget', {
          price: input.price,
          budget: project.budget,
        });
      const [supplier] = await this.methods.qualifiedSuppliers(manager, projectId);
      // Qualified before its ban or not, no price is agreed with a banned supplier.
      await this.partyBans.refuseIfBanned(manager, supplier.bidderId, now);
      const ranked = {
        bidId: supplier.registrationId,
        rank: 1,
        price: input.price,
        evaluatedPrice: input.price,
        tieBrokenByLot: false,
      };
      const dueOn = reportDueOn(await this.calendars.calendar(manager), today);
      await this.evaluations.update(manager, projectId, {
        reportOn: today,
        reportAt: now,
        reportSha256: input.negotiationRecordSha256,
        reportedBy: staff.id,
        outcome: 'ranked',
        ranking: [ranked],
        candidates: [ranked],
        reportDueOn: dueOn,
      });
      await this.record(manager, staff, projectId, now, 'procurement.negotiation_recorded', {
        registrationId: supplier.registrationId,
        bidderId: supplier.bidderId,
        price: input.price,
        negotiationRecordSha256: input.negotiationRecordSha256,
        reportDueOn: dueOn,
      });
      return this.evaluationOf(manager, projectId);
    });
  }

  /** The committee rejects one response (not responsive), with its reason; never undone. */
  async rejectBid(staff: AuthUser, projectId: string, entry: { bidId: string; reason: string }) {
    return this.step(projectId, async ({ manager, project, now }) => {
      await this.requireEntriesOpen(manager, project, 'sealed');
      await this.requireBids(manager, projectId, [entry.bidId]);
      const rejected = await this.evaluations.rejectionsOf(projectId, manager);
      if (rejected.some((one) => one.bidId === entry.bidId))
        throw new DomainError('BID_ALREADY_REJECTED', 'the response is already rejected', {
          bidId: entry.bidId,
        });
      await this.evaluations.insertRejection(manager, projectId, {
        bidId: entry.bidId,
        reason: entry.reason,
        enteredBy: staff.id,
        enteredAt: now,
      });
      await this.record(manager, staff, projectId, now, 'procurement.bid_rejected', { ...entry });
      return this.evaluationOf(manager, projectId);
    });
  }

  /** Each listed response's price as adjusted under the documents (unlisted ones rank by their price). */
  async setEvaluatedPrices(
    staff: AuthUser,
    projectId: string,
    prices: { bidId: string; evaluatedPrice: number; note?: string | null }[],
  ) {
    return this.step(projectId, async ({ manager, project, now }) => {
      await this.requireEntriesOpen(manager, project, 'lowest_evaluated_price');
      const ids = prices.map((price) => price.bidId);
      if (new Set(ids).size !== ids.length) refuse([{ field: 'prices', rule: 'each bid once' }]);
      await this.requireBids(manager, projectId, ids);
      await this.evaluations.upsertEvaluatedPrices(
        manager,
        projectId,
        prices.map((price) => ({ ...price, note: price.note ?? null, enteredBy: staff.id, enteredAt: now })),
      );
      await this.record(manager, staff, projectId, now, 'procurement.evaluated_prices_entered', {
        prices: prices.map(({ bidId, evaluatedPrice }) => ({ bidId, evaluatedPrice })),
      });
      return this.evaluationOf(manager, projectId);
    });
  }

  /**
   * Comprehensive scoring: one committee member's whole set of scores (0–100, two decimals) of the
   * valid responses on the scored criteria, replacing what was entered for it before; each entry
   * keeps who entered it and when.
   */
  async setMemberScores(
    staff: AuthUser,
    projectId: string,
    memberId: string,
    scores: { bidId: string; criterionId: string; score: number }[],
  ) {
    return this.step(projectId, async ({ manager, project, now }) => {
      const evaluation = await this.requireEntriesOpen(manager, project, 'comprehensive_scoring');
      const draw = await this.pool.getDraw(evaluation.committeeDrawId);
      if (!draw.memberIds.includes(memberId))
        throw new DomainError('COMMITTEE_MEMBER_NOT_FOUND', 'not an expert member of this committee', {
          memberId,
        });
      refuse(memberScoreSetViolations(scores, project.criteria ?? []));
      await this.requireBids(
        manager,
        projectId,
        scores.map((score) => score.bidId),
      );
      await this.evaluations.replaceMemberScores(
        manager,
        projectId,
        memberId,
        scores.map((score) => ({ ...score, enteredBy: staff.id, enteredAt: now })),
      );
      await this.record(manager, staff, projectId, now, 'procurement.scores_entered', {
        memberId,
        scores: scores.length,
      });
      return this.evaluationOf(manager, projectId);
    });
  }

  /**
   * The committee's report: the ranking by the lowest evaluated price (a full tie by the lot of the
   * committee draw's seed), or 废标 when fewer than the method's minimum stay responsive or all are
   * rejected (every held deposit due). The report is due with the purchaser 2 business days later.
   */
  async submitReport(
    staff: AuthUser,
    projectId: string,
    input: { rejectAll?: boolean; reportSha256: string },
  ) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const evaluation = await this.requireEntriesOpen(manager, project, 'sealed');
      const opening = await this.mustOpening(manager, projectId);
      const rejections = await this.evaluations.rejectionsOf(projectId, manager);
      const prices = await this.evaluations.evaluatedPricesOf(projectId, manager);
      const rejected = new Map(rejections.map((one) => [one.bidId, one.reason]));
      const priceOf = new Map(prices.map((one) => [one.bidId, one.evaluatedPrice]));
      const bids: EvaluatedBid[] = opening.bids
        .filter((bid) => bid.valid && bid.price !== null)
        .map((bid) => ({
          bidId: bid.bidId,
          price: bid.price!,
          evaluatedPrice: priceOf.get(bid.bidId) ?? bid.price!,
          rejectedReason: rejected.get(bid.bidId) ?? (input.rejectAll ? ALL_REJECTED_REASON : null),
        }));
      const minimum = PROCUREMENT_METHOD_RULES[project.method].minSuppliers;
      // A fresh server seed, made now and kept with the report: nobody can know it before.
      const tieSeed = randomBytes(32).toString('hex');
      const scoring = project.evaluationMethod === 'comprehensive_scoring';
      const result = evaluateBids({
        method: project.evaluationMethod,
        bids,
        ...(scoring
          ? {
              criteria: project.criteria ?? [],
              memberIds: (await this.pool.getDraw(evaluation.committeeDrawId)).memberIds,
              scores: await this.evaluations.scoresOf(projectId, manager),
            }
          : {}),
        minValidBids: minimum,
        rejectAll: input.rejectAll ?? false,
        seed: tieSeed,
      });
      const base = {
        reportOn: today,
        reportAt: now,
        reportSha256: input.reportSha256,
        reportedBy: staff.id,
        tieSeed,
      };
      if (result.outcome === 'failed') {
        const reason =
          result.reason === 'all_rejected' ? ALL_REJECTED_REASON : tooFewSuppliersReason(minimum);
        await this.evaluations.update(manager, projectId, { ...base, outcome: 'failed' });
        await this.move(
          manager,
          staff,
          project,
          this.transition(project, 'fail'),
          now,
          { reason, reportSha256: input.reportSha256, responsive: result.validBids, minimum },
          { failedReason: reason },
        );
        await this.deposits.settleOnClose(
          manager,
          procurementHost(projectId),
          { sold: false },
          now,
          staff.id,
        );
        return { outcome: 'failed' as const, reason, ranking: [], candidates: [] };
      }
      const dueOn = reportDueOn(await this.calendars.calendar(manager), today);
      // A framework agreement admits the first ranked, up to its number, 20% (≥ 1) left out — 40%
      // for testing instruments admitted by quality (第110号令 第28条).
      const candidates =
        project.method === 'framework_agreement'
          ? result.ranking.slice(
              0,
              frameworkAdmittedCount(
                result.ranking.length,
                project.admittedSuppliers!,
                frameworkEliminationPercent(project),
              ),
            )
          : result.candidates;
      await this.evaluations.update(manager, projectId, {
        ...base,
        outcome: 'ranked',
        ranking: result.ranking,
        candidates,
        reportDueOn: dueOn,
      });
      await this.record(manager, staff, projectId, now, 'procurement.evaluation_reported', {
        reportSha256: input.reportSha256,
        reportOn: today,
        reportDueOn: dueOn,
        ranking: result.ranking.map(({ bidId, rank, tieBrokenByLot }) => ({ bidId, rank, tieBrokenByLot })),
      });
      return {
        outcome: 'ranked' as const,
        ranking: result.ranking,
        candidates,
        reportDueOn: dueOn,
      };
    });
  }

  // --- the purchaser's steps -------------------------------------------------------------------

  /**
   * evaluating → report_delivered: the report is with the purchaser today. Due 2 business days
   * after the evaluation; a late delivery is taken (the purchaser still decides) but recorded
   * and alerted. The purchaser's 5 business days to decide run from today.
   */
  async deliverReport(staff: AuthUser, projectId: string) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const next = this.transition(project, 'deliver_report');
      const evaluation = await this.mustEvaluation(manager, projectId);
      if (evaluation.outcome !== 'ranked')
        throw new DomainError('EVALUATION_NOT_REPORTED', 'the committee has not reported a ranking yet');
      const late = today > evaluation.reportDueOn!;
      const decisionDueOn = awardDecisionDueOn(await this.calendars.calendar(manager), today);
      await this.evaluations.update(manager, projectId, {
        deliveredOn: today,
        deliveredBy: staff.id,
        decisionDueOn,
      });
      await this.move(manager, staff, project, next, now, {
        deliveredOn: today,
        reportDueOn: evaluation.reportDueOn,
        late,
        decisionDueOn,
      });
      if (late) {
        await this.record(manager, null, projectId, now, 'procurement.report_delivered_late', {
          deliveredOn: today,
          reportDueOn: evaluation.reportDueOn,
        });
        this.logger.warn(
          { alert: 'procurement.report_delivered_late', projectId, reportDueOn: evaluation.reportDueOn },
          'procurement evaluation report delivered after its due day',
        );
      }
      return this.evaluationOf(manager, projectId);
    });
  }

  /**
   * report_delivered → award_decided: the purchaser follows the report's ranking (every
   * procurement); after its 5 business days only the first candidate may still be chosen.
   */
  async decideAward(staff: AuthUser, projectId: string, decision: { bidId: string; reason?: string | null }) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const next = this.transition(project, 'decide_award');
      const evaluation = await this.mustEvaluation(manager, projectId);
      const candidateBidIds = (evaluation.candidates ?? []).map((candidate) => candidate.bidId);
      const calendar = await this.calendars.calendar(manager);
      if (candidateBidIds.includes(decision.bidId))
        checkAwardDecisionInTime(calendar, {
          reportReceivedOn: evaluation.deliveredOn!,
          decidedOn: today,
          chosenRank: candidateBidIds.indexOf(decision.bidId) + 1,
        });
      checkAward({
        candidateBidIds,
        chosenBidId: decision.bidId,
        mustFollowRanking: true,
        reason: decision.reason ?? null,
      });
      const resultDueOn = resultAnnouncementDueOn(calendar, today);
      await this.evaluations.update(manager, projectId, {
        awardedBidId: decision.bidId,
        awardReason: decision.reason ?? null,
        decidedOn: today,
        decidedBy: staff.id,
        resultDueOn,
      });
      await this.move(manager, staff, project, next, now, {
        bidId: decision.bidId,
        reason: decision.reason ?? null,
        decidedOn: today,
        decisionDueOn: evaluation.decisionDueOn,
        resultDueOn,
      });
      return this.evaluationOf(manager, projectId);
    });
  }

  /**
   * award_decided → awarded: the result (中标/成交结果公告) is public and the notice sent today; the
   * contract is due within 30 days, and every other supplier's held deposit within 5 business days.
   */
  async announceResult(staff: AuthUser, projectId: string) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const next = this.transition(project, 'announce_result');
      const evaluation = await this.mustEvaluation(manager, projectId);
      const winner = await this.winnerOf(manager, projectId, evaluation);
      const kept =
        project.method === 'framework_agreement'
          ? (await this.admittedOf(manager, projectId, evaluation)).map((admitted) => admitted.bidderId)
          : [winner.bidderId];
      const contractDueOn = procurementContractDueOn(today);
      const losersRefundDueOn = procurementDepositRefundDueOn(await this.calendars.calendar(manager), {
        winner: false,
        awardNoticeOn: today,
      });
      await this.evaluations.update(manager, projectId, {
        awardNoticeOn: today,
        announcedBy: staff.id,
        contractDueOn,
      });
      await this.deposits.refundAllHeldBy(
        manager,
        procurementHost(projectId),
        losersRefundDueOn,
        now,
        staff.id,
        kept,
      );
      await this.move(manager, staff, project, next, now, {
        awardNoticeOn: today,
        resultDueOn: evaluation.resultDueOn,
        late: today > evaluation.resultDueOn!,
        contractDueOn,
        losersRefundDueOn,
      });
      return { ...(await this.evaluationOf(manager, projectId)), losersRefundDueOn };
    });
  }

  /**
   * awarded → contracted (≤ 30 days after the notice), with the deal record and the winner's
   * deposit due 5 business days after the signing — all in one transaction. A framework
   * agreement's deals are its call-off orders, so its contract records none.
   */
  async recordContract(
    staff: AuthUser,
    projectId: string,
    contract: { signedOn: string; contractSha256: string },
  ) {
    requireDate('signedOn', contract.signedOn);
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const next = this.transition(project, 'sign_contract');
      const evaluation = await this.mustEvaluation(manager, projectId);
      if (contract.signedOn > today)
        throw new DomainError(
          'CONTRACT_SIGNED_IN_FUTURE',
          `a contract is recorded once signed (today is ${today})`,
          {
            signedOn: contract.signedOn,
            today,
          },
        );
      if (contract.signedOn < evaluation.awardNoticeOn!)
        throw new DomainError('CONTRACT_BEFORE_AWARD', 'the contract follows the award notice', {
          signedOn: contract.signedOn,
          awardNoticeOn: evaluation.awardNoticeOn,
        });
      checkProcurementContractInTime({
        awardNoticeOn: evaluation.awardNoticeOn!,
        signedOn: contract.signedOn,
      });
      const winner = await this.winnerOf(manager, projectId, evaluation);
      const deal =
        project.method === 'framework_agreement'
          ? null
          : await this.deals.insert(manager, {
              category: 'procurement',
              subtype: DEAL_SUBTYPE_OF_METHOD[project.method],
              sourceType: 'procurement_award',
              sourceId: projectId,
              title: project.title,
              amount: winner.price,
              winnerId: winner.bidderId,
              winnerName: winner.bidderName,
              closedAt: now,
            });
      const winnerRefundDueOn = procurementDepositRefundDueOn(await this.calendars.calendar(manager), {
        winner: true,
        contractSignedOn: contract.signedOn,
      });
      await this.deposits.refundAllHeldBy(
        manager,
        procurementHost(projectId),
        winnerRefundDueOn,
        now,
        staff.id,
      );
      await this.evaluations.update(manager, projectId, {
        contractSignedOn: contract.signedOn,
        contractSha256: contract.contractSha256,
        contractedBy: staff.id,
        dealId: deal?.id ?? null,
      });
      await this.move(manager, staff, project, next, now, {
        ...contract,
        dealId: deal?.id ?? null,
        amount: winner.price,
        winnerRefundDueOn,
      });
      return {
        ...(await this.evaluationOf(manager, projectId)),
        dealId: deal?.id ?? null,
        winnerRefundDueOn,
      };
    });
  }

  // --- reads -------------------------------------------------------------------------------------

  /** The committee's entries, the report and every step after it: supervisors, and staff once opened. */
  async evaluation(viewer: AuthUser, projectId: string) {
    const project = await this.mustFind(projectId);
    await this.requireCommitteeVisible(viewer, project);
    return this.evaluationOf(null, projectId);
  }

  /**
   * 成交结果公告, for anyone from the result notice on (a suspension after it keeps the result
   * public): the winner as opened or, for a single source, its registration at the negotiated
   * price; a framework agreement's admitted suppliers.
   */
  async publicResult(projectId: string) {
    const project = await this.mustFind(projectId);
    const evaluation = await this.evaluations.find(projectId);
    // A suspension before the notice must not reveal the decision: the notice's day decides.
    if (!RESULT_PUBLIC.has(project.status) || !evaluation?.awardNoticeOn)
      throw new DomainError('PROCUREMENT_RESULT_NOT_ANNOUNCED', 'the result is not announced yet');
    const manager = this.dataSource.manager;
    const winner = evaluation.awardedBidId ? await this.winnerOf(manager, projectId, evaluation) : null;
    const admitted =
      project.method === 'framework_agreement' ? await this.admittedOf(null, projectId, evaluation) : null;
    const suppliers = await this.publicSuppliers(projectId);
    return toPublicProcurementResult(projectId, evaluation, winner, admitted, suppliers);
  }

  /**
   * The project's suppliers as the public names them, by account: the organisation's code and
   * registered name, never an account's name (a person's name may be one).
   */
  publicSuppliers(projectId: string, manager?: EntityManager) {
    return this.sealedBids.publicSuppliers(procurementHost(projectId), manager);
  }

  // --- internals ---------------------------------------------------------------------------------

  private async evaluationOf(manager: EntityManager | null, projectId: string) {
    const runner = manager ?? undefined;
    const evaluation = await this.evaluations.find(projectId, runner);
    const opening = await this.sealedBids.opening(manager, procurementHost(projectId));
    const rejections = await this.evaluations.rejectionsOf(projectId, runner);
    const prices = await this.evaluations.evaluatedPricesOf(projectId, runner);
    const scores = await this.evaluations.scoresOf(projectId, runner);
    // A single source's one supplier is its registration, not an opened response.
    const suppliers = opening
      ? []
      : await this.methods.qualifiedSuppliers(manager ?? this.dataSource.manager, projectId);
    return toProcurementEvaluationView(projectId, {
      evaluation,
      opening,
      rejections,
      prices,
      scores,
      suppliers,
    });
  }

  /** A single source has no opening: its group is known to staff once the negotiation starts. */
  private async requireCommitteeVisible(viewer: AuthUser, project: ProcurementProjectEntity) {
    if (hasAnyRole(viewer, ['supervisor'])) return;
    if (hasAnyRole(viewer, ['staff']) && project.openedAt) return;
    if (
      hasAnyRole(viewer, ['staff']) &&
      project.method === 'single_source' &&
      (await this.evaluations.find(project.id)) !== null
    )
      return;
    throw new DomainError(
      'COMMITTEE_SEALED_UNTIL_OPENING',
      'the committee is known to supervisors only until the responses are opened',
    );
  }

  /**
   * Entries go in while evaluating and before the report; `kind` the entry's evaluation (a single
   * source has no sealed responses to reject, price or score: it records its negotiation).
   */
  private async requireEntriesOpen(
    manager: EntityManager,
    project: ProcurementProjectEntity,
    kind?: 'sealed' | ProcurementProjectEntity['evaluationMethod'],
  ): Promise<ProcurementEvaluation> {
    if (project.status !== 'evaluating')
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `the committee's entries are taken while evaluating, not ${project.status}`,
      );
    if (kind !== undefined && project.method === 'single_source')
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        'a single source has no sealed responses: it records its negotiation',
        { method: project.method },
      );
    if (kind !== undefined && kind !== 'sealed' && kind !== project.evaluationMethod)
      throw new DomainError(
        'EVALUATION_METHOD_MISMATCH',
        `this procurement is evaluated by ${project.evaluationMethod}`,
        { evaluationMethod: project.evaluationMethod },
      );
    const evaluation = await this.mustEvaluation(manager, project.id);
    if (evaluation.reportOn)
      throw new DomainError(
        'EVALUATION_ALREADY_REPORTED',
        'the committee has reported; its entries are closed',
      );
    return evaluation;
  }

  /** Every id names a valid response of the opening record. */
  private async requireBids(
    manager: EntityManager,
    projectId: string,
    bidIds: string[],
  ): Promise<OpenedBid[]> {
    const opening = await this.mustOpening(manager, projectId);
    const valid = new Map(opening.bids.filter((bid) => bid.valid).map((bid) => [bid.bidId, bid]));
    const unknown = [...new Set(bidIds.filter((id) => !valid.has(id)))];
    if (unknown.length > 0)
      throw new DomainError('PROCUREMENT_BID_NOT_FOUND', 'no valid opened response with this id', {
        bidIds: unknown,
      });
    return bidIds.map((id) => valid.get(id)!);
  }

  /** The awarded supplier and its price: the opened response, or a single source's negotiated price. */
  private async winnerOf(
    manager: EntityManager,
    projectId: string,
    evaluation: ProcurementEvaluation,
  ): Promise<{ bidderId: string; bidderName: string; price: number }> {
    const opening = await this.sealedBids.opening(manager, procurementHost(projectId));
    if (opening) {
      const bid = opening.bids.find((one) => one.bidId === evaluation.awardedBidId)!;
      return { bidderId: bid.bidderId, bidderName: bid.bidderName, price: bid.price! };
    }
    const supplier = (await this.methods.qualifiedSuppliers(manager, projectId)).find(
      (one) => one.registrationId === evaluation.awardedBidId,
    )!;
    const price = evaluation.candidates!.find((one) => one.bidId === evaluation.awardedBidId)!.price;
    return { bidderId: supplier.bidderId, bidderName: supplier.bidderName, price };
  }

  /** A framework agreement's admitted suppliers: the report's candidates, in rank order. */
  async admittedOf(manager: EntityManager | null, projectId: string, evaluation: ProcurementEvaluation) {
    const opening = await this.sealedBids.opening(manager, procurementHost(projectId));
    const bids = new Map((opening?.bids ?? []).map((bid) => [bid.bidId, bid]));
    return (evaluation.candidates ?? []).map((candidate) => {
      const bid = bids.get(candidate.bidId)!;
      return {
        rank: candidate.rank,
        bidId: candidate.bidId,
        bidderId: bid.bidderId,
        bidderName: bid.bidderName,
        price: candidate.price,
      };
    });
  }

  private async mustOpening(manager: EntityManager, projectId: string) {
    const opening = await this.sealedBids.opening(manager, procurementHost(projectId));
    if (!opening) throw new DomainError('SEALED_UNTIL_OPENING', 'the responses are not opened');
    return opening;
  }

  private async mustEvaluation(manager: EntityManager, projectId: string) {
    const evaluation = await this.evaluations.find(projectId, manager);
    if (!evaluation) throw new DomainError('INVALID_STATE_TRANSITION', 'the evaluation has not started');
    return evaluation;
  }

  private async mustFind(projectId: string) {
    const project = await this.projects.findById(projectId);
    if (!project || project.status === 'planned')
      throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    return project;
  }

  /** One locked step on the project, by the database's clock. */
  private step<T>(projectId: string, work: (step: Step) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.projects.lockById(manager, projectId);
      if (!project || project.status === 'planned')
        throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
      const now = await this.projects.databaseNow(manager);
      return work({ manager, project, now, today: calendarDateInZone(now, this.config.CENTRE_TZ) });
    });
  }

  /** The project's method decides which moves its table allows. */
  private transition(project: ProcurementProjectEntity, action: ProcurementAction): ProcurementStatus {
    const next = nextProcurementStatus(project.method, project.status, action);
    if (!next)
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `cannot ${action} a ${project.method} procurement that is ${project.status}`,
        { method: project.method, status: project.status, action },
      );
    return next;
  }

  private async move(
    manager: EntityManager,
    actor: AuthUser,
    project: ProcurementProjectEntity,
    to: ProcurementStatus,
    now: Date,
    data: Record<string, unknown>,
    changes: Partial<ProcurementProjectEntity> = {},
  ) {
    await this.projects.update(manager, project.id, { ...changes, status: to });
    await this.record(manager, actor, project.id, now, `procurement.${actionOf(project, to)}`, {
      from: project.status,
      to,
      method: project.method,
      ...data,
    });
  }

  private record(
    manager: EntityManager,
    actor: AuthUser | null,
    projectId: string,
    at: Date,
    action: string,
    data: Record<string, unknown>,
  ) {
    return this.audit.append(manager, {
      at,
      actorId: actor?.id ?? null,
      action,
      entityType: ENTITY_TYPE,
      entityId: projectId,
      data,
    });
  }

  /** Members employed by a supplier that registered (one may register after the draw). */
  private async conflictedMembers(
    manager: EntityManager,
    projectId: string,
    draw: { memberIds: string[]; candidates: { expertId: string; employerOrgCode: string }[] },
  ): Promise<string[]> {
    const suppliers = await this.evaluations.supplierOrganizationCodes(manager, projectId);
    const employers = new Map(draw.candidates.map((expert) => [expert.expertId, expert.employerOrgCode]));
    return draw.memberIds.filter((id) => suppliers.includes(employers.get(id) ?? ''));
  }
}

/** The audit action's name for a move the table allowed. */
function actionOf(project: ProcurementProjectEntity, to: ProcurementStatus): ProcurementAction {
  if (to === 'failed') return 'fail';
  const actions: ProcurementAction[] = [
    'start_evaluation',
    'deliver_report',
    'decide_award',
    'announce_result',
    'sign_contract',
  ];
  return (
    actions.find((action) => nextProcurementStatus(project.method, project.status, action) === to) ?? 'fail'
  );
}

function refuse(violations: RuleViolation[]) {
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the request is not valid', violations);
}
