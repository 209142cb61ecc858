import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  calendarDateInZone,
  type CandidateWithdrawalCause,
  checkAward,
  checkCandidatePublicity,
  checkContractInTime,
  checkEnoughBids,
  checkPublicityEnded,
  committeeRule,
  contractDueOn,
  DomainError,
  evaluateBids,
  type EvaluatedBid,
  memberScoreSetViolations,
  nextCandidateAfterWithdrawals,
  nextTenderStatus,
  requireDate,
  type RuleViolation,
  type SpecialtyNeed,
  type TenderAction,
  type TenderStatus,
  tenderDepositRefundDueOn,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  DealsRepository,
  ExpertsRepository,
  PartyBans,
  type TenderEvaluation,
  TenderEvaluationRepository,
  type TenderProjectEntity,
  TenderProjectsRepository,
} from '@ggzy/persistence';
import { hasAnyRole, type AuthUser } from '@ggzy/auth';
import { DepositsService } from '@ggzy/deposits';
import { ExpertPoolService, type OpenedBid, SealedBidsService, toCommitteeView } from '@ggzy/sealed-bids';
import { tenderHost } from './tenders.service.js';
import { toCandidatesView, toEvaluationView } from './tender-evaluation.views.js';

const ENTITY_TYPE = 'tender_project';
/** The reason recorded for a banned candidate the award passes over. */
const BANNED_CANDIDATE_REASON = '处于禁止参与期间(失信惩戒),不得授予中标';
/** From the notice until the evaluation starts (招标投标法 第37条: drawn before the opening is fine). */
const DRAWABLE = new Set<TenderStatus>([
  'announced',
  'prequalification',
  'prequalified',
  'bidding',
  'opened',
]);
/** Before the bids are opened: nobody but supervisors can see the committee yet. */
const BEFORE_OPENING = new Set<TenderStatus>(['announced', 'prequalification', 'prequalified', 'bidding']);
/** Where a candidate's dropping out is recorded: during the publicity, or awarded before the contract. */
const CANDIDATES_RUNNING = new Set<TenderStatus>(['candidates_published', 'awarded']);

export const ALL_REJECTED_REASON = '评标委员会否决全部投标,依法重新招标';
/** Every candidate dropped out (实施条例 第55条): the tender is re-tendered. */
export const NO_CANDIDATE_LEFT_REASON = '中标候选人均已放弃或不符合中标条件,依法重新招标';

export interface CommitteeDrawInput {
  needs: SpecialtyNeed[];
  ownerRepresentatives?: number;
  replacing?: string;
}

type Step = { manager: EntityManager; project: TenderProjectEntity; now: Date; today: string };

/**
 * A construction tender after its opening: the committee (drawn from the expert pool with every
 * supplier's and the owner's staff excluded, hidden until the opening), the committee's entries
 * (rejections, evaluated prices, scores — each with who entered it and when), the report and its
 * ranking (evaluation.ts), the candidates' publicity, the award and the contract with its deal.
 * Every step locks the tender, reads the database's clock, and moves the status only through the
 * lifecycle table (tender-lifecycle.ts).
 */
@Injectable()
export class TenderEvaluationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: TenderProjectsRepository,
    private readonly evaluations: TenderEvaluationRepository,
    private readonly experts: ExpertsRepository,
    private readonly pool: ExpertPoolService,
    private readonly sealedBids: SealedBidsService,
    private readonly deposits: DepositsService,
    private readonly deals: DealsRepository,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partyBans: PartyBans,
  ) {}

  // --- the committee ---------------------------------------------------------------------------

  /** Draws the experts; the answer says only that it is drawn (the members stay hidden). */
  async drawCommittee(staff: AuthUser, projectId: string, input: CommitteeDrawInput) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      if (!DRAWABLE.has(project.status))
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `the committee is drawn between the notice and the evaluation, not while the tender is ${project.status}`,
        );
      // A free redraw after the opening would let staff, who then see the members, draw until they
      // like them: once the bids are open a committee is redrawn only when a member's employer bid.
      if (input.replacing && !BEFORE_OPENING.has(project.status)) {
        const current = await this.pool.currentDraw(
          { hostType: 'tender_project', hostId: projectId },
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
        hostType: 'tender_project',
        hostId: projectId,
        ownerOrgCode: project.ownerOrgCode,
        bidderOrgCodes: await this.evaluations.supplierOrganizationCodes(manager, projectId),
        rule: committeeRule({ line: 'tender' }),
        needs: input.needs,
        ownerRepresentatives: input.ownerRepresentatives ?? 0,
        ...(input.replacing ? { replacing: input.replacing } : {}),
        drawnBy: staff.id,
        now,
        today,
      });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'tender.committee_drawn',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { drawId: draw.id, members: draw.rule.members, replacing: input.replacing ?? null },
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

  /** Supervisors at any time; staff once the bids are opened; nobody else. */
  async committee(viewer: AuthUser, projectId: string) {
    const project = await this.mustFind(projectId);
    this.requireCommitteeVisible(viewer, project);
    const draw = await this.pool.currentDraw({ hostType: 'tender_project', hostId: projectId });
    if (!draw)
      throw new DomainError('COMMITTEE_DRAW_NOT_FOUND', 'no committee has been drawn for this tender');
    const members = await Promise.all(draw.memberIds.map((id) => this.experts.findById(id)));
    // The draw's seed is for supervisors' replays; staff see who sits, not how the lot fell.
    return toCommitteeView(draw, members, { withSeed: hasAnyRole(viewer, ['supervisor']) });
  }

  // --- the evaluation --------------------------------------------------------------------------

  /** opened → evaluating, with a drawn committee free of conflicts and at least 3 valid bids. */
  async startEvaluation(staff: AuthUser, projectId: string) {
    return this.step(projectId, async ({ manager, project, now }) => {
      const next = transition(project.status, 'start_evaluation');
      const draw = await this.pool.currentDraw({ hostType: 'tender_project', hostId: projectId }, manager);
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
      const opening = await this.mustOpening(manager, projectId);
      checkEnoughBids(opening.validCount);
      await this.evaluations.start(manager, {
        projectId,
        startedAt: now,
        startedBy: staff.id,
        committeeDrawId: draw.id,
      });
      await this.move(manager, staff, project, next, now, { drawId: draw.id, validBids: opening.validCount });
      return this.evaluationOf(manager, projectId);
    });
  }

  /** 否决投标: the committee rejects one bid, with its reason; never undone. */
  async rejectBid(staff: AuthUser, projectId: string, entry: { bidId: string; reason: string }) {
    return this.step(projectId, async ({ manager, project, now }) => {
      await this.requireEntriesOpen(manager, project);
      await this.requireBids(manager, projectId, [entry.bidId]);
      const rejected = await this.evaluations.rejectionsOf(projectId, manager);
      if (rejected.some((one) => one.bidId === entry.bidId))
        throw new DomainError('BID_ALREADY_REJECTED', 'the bid is already rejected', { bidId: entry.bidId });
      await this.evaluations.insertRejection(manager, projectId, {
        bidId: entry.bidId,
        reason: entry.reason,
        enteredBy: staff.id,
        enteredAt: now,
      });
      await this.record(manager, staff, projectId, now, 'tender.bid_rejected', { ...entry });
      return this.evaluationOf(manager, projectId);
    });
  }

  /** Lowest evaluated price: each listed bid's price as adjusted under the documents. */
  async setEvaluatedPrices(
    staff: AuthUser,
    projectId: string,
    prices: { bidId: string; evaluatedPrice: number; note?: string | null }[],
  ) {
    return this.step(projectId, async ({ manager, project, now }) => {
      await this.requireEntriesOpen(manager, project, 'lowest_evaluated_price');
      refuse(
        duplicates(
          prices.map((price) => price.bidId),
          'prices',
        ),
      );
      await this.requireBids(
        manager,
        projectId,
        prices.map((price) => price.bidId),
      );
      await this.evaluations.upsertEvaluatedPrices(
        manager,
        projectId,
        prices.map((price) => ({ ...price, note: price.note ?? null, enteredBy: staff.id, enteredAt: now })),
      );
      await this.record(manager, staff, projectId, now, 'tender.evaluated_prices_entered', {
        prices: prices.map(({ bidId, evaluatedPrice }) => ({ bidId, evaluatedPrice })),
      });
      return this.evaluationOf(manager, projectId);
    });
  }

  /** Comprehensive scoring: one member's whole set of scores, replacing what it entered before. */
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
      await this.record(manager, staff, projectId, now, 'tender.scores_entered', {
        memberId,
        scores: scores.length,
      });
      return this.evaluationOf(manager, projectId);
    });
  }

  /**
   * The committee's report: the ranking by the tender's method and the stated tie rule (the lot
   * drawn from a seed the server makes with the report and keeps), or failed when every bid is
   * rejected (deposits due).
   */
  async submitReport(
    staff: AuthUser,
    projectId: string,
    input: { rejectAll?: boolean; reportSha256: string },
  ) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const evaluation = await this.requireEntriesOpen(manager, project);
      const draw = await this.pool.getDraw(evaluation.committeeDrawId);
      const opening = await this.mustOpening(manager, projectId);
      const rejections = await this.evaluations.rejectionsOf(projectId, manager);
      const prices = await this.evaluations.evaluatedPricesOf(projectId, manager);
      const scores = await this.evaluations.scoresOf(projectId, manager);
      const rejected = new Map(rejections.map((one) => [one.bidId, one.reason]));
      const priceOf = new Map(prices.map((one) => [one.bidId, one.evaluatedPrice]));
      const bids: EvaluatedBid[] = opening.bids
        .filter((bid) => bid.valid && bid.price !== null)
        .map((bid) => ({
          bidId: bid.bidId,
          price: bid.price!,
          ...(priceOf.has(bid.bidId) ? { evaluatedPrice: priceOf.get(bid.bidId)! } : {}),
          // Rejecting all needs no evaluated price or score for any bid.
          rejectedReason: rejected.get(bid.bidId) ?? (input.rejectAll ? ALL_REJECTED_REASON : null),
        }));
      // A fresh server seed, made now and kept with the report: nobody can know it before.
      const tieSeed = randomBytes(32).toString('hex');
      const missing = bids.filter((bid) => bid.rejectedReason == null && bid.evaluatedPrice === undefined);
      if (project.evaluationMethod === 'lowest_evaluated_price' && !input.rejectAll && missing.length > 0)
        throw new DomainError(
          'EVALUATED_PRICES_INCOMPLETE',
          `${missing.length} valid bid(s) have no evaluated price`,
          { missing: missing.map((bid) => bid.bidId) },
        );
      const result = evaluateBids({
        method: project.evaluationMethod,
        bids,
        criteria: project.criteria ?? undefined,
        memberIds: draw.memberIds,
        scores,
        minValidBids: 1,
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
        await this.evaluations.update(manager, projectId, { ...base, outcome: 'failed' });
        await this.move(
          manager,
          staff,
          project,
          transition(project.status, 'fail'),
          now,
          {
            reason: ALL_REJECTED_REASON,
            reportSha256: input.reportSha256,
          },
          { failedReason: ALL_REJECTED_REASON },
        );
        await this.deposits.settleOnClose(manager, tenderHost(projectId), { sold: false }, now, staff.id);
        return { outcome: 'failed' as const, reason: result.reason, ranking: [], candidates: [] };
      }
      await this.evaluations.update(manager, projectId, {
        ...base,
        outcome: 'ranked',
        ranking: result.ranking,
        candidates: result.candidates,
      });
      await this.record(manager, staff, projectId, now, 'tender.evaluation_reported', {
        reportSha256: input.reportSha256,
        reportOn: today,
        ranking: result.ranking.map(({ bidId, rank, tieBrokenByLot }) => ({ bidId, rank, tieBrokenByLot })),
      });
      return { outcome: 'ranked' as const, ranking: result.ranking, candidates: result.candidates };
    });
  }

  /**
   * 重新评审: an objection to the candidates upheld (实施条例 第54条) sends the tender back to its
   * committee — candidates_published → evaluating. The report, ranking, candidates and publicity
   * are kept as a revision and cleared; the committee's entries open again (scores, evaluated
   * prices, rejections), its revised report ranks anew and the candidates are published again
   * for a new publicity (≥ 3 days, within 3 days of the revised report). Only after an upheld
   * objection against this report, with none waiting and no candidate withdrawn.
   */
  async reEvaluate(staff: AuthUser, projectId: string, reason: string) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      await this.requireNoObjectionWaiting(manager, projectId);
      const next = transition(project.status, 're_evaluate');
      const evaluation = await this.mustEvaluation(manager, projectId);
      const upheld = (await this.projects.objectionsOf(projectId, manager)).filter(
        (objection) =>
          objection.target === 'candidates' &&
          objection.upheld === true &&
          objection.repliedAt !== null &&
          evaluation.reportAt !== null &&
          objection.repliedAt.getTime() > evaluation.reportAt.getTime(),
      );
      if (upheld.length === 0)
        throw new DomainError(
          'RE_EVALUATION_NOT_ALLOWED',
          'only an objection to these candidates, upheld, sends the tender back to its committee',
          { cause: 'no_upheld_candidate_objection' },
        );
      const withdrawals = await this.evaluations.withdrawalsOf(projectId, manager);
      if (withdrawals.length > 0)
        throw new DomainError(
          'RE_EVALUATION_NOT_ALLOWED',
          'a candidate has withdrawn or been disqualified: the award passes on, or the tender fails',
          { cause: 'candidate_withdrawn', bidIds: withdrawals.map((one) => one.bidId) },
        );
      const objectionIds = upheld.map((objection) => objection.id);
      const revision = await this.evaluations.sendBackReport(manager, projectId, {
        objectionIds,
        reason,
        at: now,
        on: today,
        by: staff.id,
      });
      await this.move(manager, staff, project, next, now, {
        revision,
        objectionIds,
        reason,
        reportSha256: evaluation.reportSha256,
      });
      return { status: next, revision, objectionIds, reason, sentBackOn: today };
    });
  }

  // --- candidates, award, contract ---------------------------------------------------------------

  /** 中标候选人公示: evaluating → candidates_published, within 3 days of the report, for ≥ 3 days. */
  async publishCandidates(
    staff: AuthUser,
    projectId: string,
    publicity: { startsOn: string; endsOn: string },
  ) {
    requireDate('startsOn', publicity.startsOn);
    requireDate('endsOn', publicity.endsOn);
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const next = transition(project.status, 'publish_candidates');
      const evaluation = await this.mustEvaluation(manager, projectId);
      if (evaluation.outcome !== 'ranked')
        throw new DomainError('EVALUATION_NOT_REPORTED', 'the committee has not reported a ranking yet');
      if (publicity.startsOn < today)
        throw new DomainError('SCHEDULE_IN_PAST', `the publicity would start before today (${today})`, {
          field: 'startsOn',
          startsOn: publicity.startsOn,
          today,
        });
      checkCandidatePublicity({ reportReceivedOn: evaluation.reportOn!, ...publicity });
      await this.evaluations.update(manager, projectId, {
        publicityStartsOn: publicity.startsOn,
        publicityEndsOn: publicity.endsOn,
        publishedBy: staff.id,
      });
      await this.move(manager, staff, project, next, now, { ...publicity });
      return this.candidatesOf(manager, projectId);
    });
  }

  /**
   * 中标通知书 today, once the publicity (as long as its pauses made it) is over and no objection
   * waits; a state-funded tender awards the first candidate still in the running.
   */
  async award(staff: AuthUser, projectId: string, decision: { bidId: string; reason?: string | null }) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      await this.requireNoObjectionWaiting(manager, projectId);
      const next = transition(project.status, 'award');
      const evaluation = await this.mustEvaluation(manager, projectId);
      checkPublicityEnded({ endsOn: evaluation.publicityEndsOn!, today });
      const withdrawals = await this.evaluations.withdrawalsOf(projectId, manager);
      checkAward({
        candidateBidIds: (evaluation.candidates ?? []).map((candidate) => candidate.bidId),
        withdrawnBidIds: withdrawals.map((withdrawal) => withdrawal.bidId),
        chosenBidId: decision.bidId,
        mustFollowRanking: project.stateFunded,
        reason: decision.reason ?? null,
      });
      const dueOn = contractDueOn(today);
      await this.evaluations.update(manager, projectId, {
        awardedBidId: decision.bidId,
        awardReason: decision.reason ?? null,
        awardNoticeOn: today,
        contractDueOn: dueOn,
        awardedBy: staff.id,
      });
      await this.move(manager, staff, project, next, now, {
        bidId: decision.bidId,
        reason: decision.reason ?? null,
        awardNoticeOn: today,
        contractDueOn: dueOn,
      });
      return this.candidatesOf(manager, projectId);
    });
  }

  /**
   * The written contract (≤ 30 days after the award notice) → contracted, the deal record, and
   * every deposit still held due for refund within 5 days of the signing — all in one transaction.
   */
  async recordContract(
    staff: AuthUser,
    projectId: string,
    contract: { signedOn: string; contractSha256: string },
  ) {
    requireDate('signedOn', contract.signedOn);
    return this.step(projectId, async ({ manager, project, now, today }) => {
      const next = transition(project.status, 'sign_contract');
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
      checkContractInTime({ awardNoticeOn: evaluation.awardNoticeOn!, signedOn: contract.signedOn });
      const opening = await this.mustOpening(manager, projectId);
      const winner = opening.bids.find((bid) => bid.bidId === evaluation.awardedBidId)!;
      const deal = await this.deals.insert(manager, {
        category: 'construction',
        subtype: project.kind,
        sourceType: 'tender_award',
        sourceId: projectId,
        title: project.title,
        amount: winner.price!,
        winnerId: winner.bidderId,
        winnerName: winner.bidderName,
        closedAt: now,
      });
      const refundDueOn = tenderDepositRefundDueOn(contract.signedOn);
      await this.deposits.refundAllHeldBy(manager, tenderHost(projectId), refundDueOn, now, staff.id);
      await this.evaluations.update(manager, projectId, {
        contractSignedOn: contract.signedOn,
        contractSha256: contract.contractSha256,
        contractedBy: staff.id,
        dealId: deal.id,
      });
      await this.move(manager, staff, project, next, now, {
        ...contract,
        dealId: deal.id,
        amount: winner.price,
        depositRefundDueOn: refundDueOn,
      });
      return {
        ...(await this.candidatesOf(manager, projectId)),
        dealId: deal.id,
        depositRefundDueOn: refundDueOn,
      };
    });
  }

  /**
   * A candidate gives up or is found ineligible (实施条例 第55条), recorded with its cause and reason.
   * If it held the award, the award passes to the next candidate in rank (a new notice today, its
   * own 30 days to the contract); if none is left the tender fails and every held deposit falls due.
   */
  async withdrawCandidate(
    staff: AuthUser,
    projectId: string,
    entry: { bidId: string; cause: CandidateWithdrawalCause; reason: string },
  ) {
    return this.step(projectId, async ({ manager, project, now, today }) => {
      await this.requireNoObjectionWaiting(manager, projectId);
      if (!CANDIDATES_RUNNING.has(project.status))
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `a candidate drops out during the publicity or after the award, not while the tender is ${project.status}`,
        );
      const evaluation = await this.mustEvaluation(manager, projectId);
      const candidateBidIds = (evaluation.candidates ?? []).map((candidate) => candidate.bidId);
      if (!candidateBidIds.includes(entry.bidId))
        throw new DomainError('TENDER_CANDIDATE_NOT_FOUND', 'no published candidate with this bid', {
          bidId: entry.bidId,
          candidateBidIds,
        });
      const withdrawn = (await this.evaluations.withdrawalsOf(projectId, manager)).map((one) => one.bidId);
      if (withdrawn.includes(entry.bidId))
        throw new DomainError('CANDIDATE_ALREADY_WITHDRAWN', 'this candidate has already dropped out', {
          bidId: entry.bidId,
        });
      const heldAward = project.status === 'awarded' && evaluation.awardedBidId === entry.bidId;
      const out = [...withdrawn, entry.bidId];
      let nextBidId = nextCandidateAfterWithdrawals(candidateBidIds, out);
      // The award never passes to a banned candidate: it is passed over as ineligible (disqualified,
      // its own withdrawal recorded) and the award goes on down the ranking.
      const passedOverBanned: string[] = [];
      if (heldAward) {
        const opening = await this.mustOpening(manager, projectId);
        const bidderOf = new Map(opening.bids.map((bid) => [bid.bidId, bid.bidderId]));
        while (
          nextBidId !== null &&
          (await this.partyBans.isBanned(manager, bidderOf.get(nextBidId)!, now))
        ) {
          passedOverBanned.push(nextBidId);
          out.push(nextBidId);
          nextBidId = nextCandidateAfterWithdrawals(candidateBidIds, out);
        }
      }
      const awardPassedTo = heldAward ? nextBidId : null;
      await this.evaluations.insertWithdrawal(manager, projectId, {
        ...entry,
        recordedOn: today,
        recordedAt: now,
        recordedBy: staff.id,
        awardPassedTo,
      });
      await this.record(manager, staff, projectId, now, 'tender.candidate_withdrawn', {
        ...entry,
        awardPassedTo,
        passedOverBanned,
        candidatesLeft: nextBidId !== null,
      });
      for (const bidId of passedOverBanned) {
        const passedOver = { bidId, cause: 'disqualified' as const, reason: BANNED_CANDIDATE_REASON };
        await this.evaluations.insertWithdrawal(manager, projectId, {
          ...passedOver,
          recordedOn: today,
          recordedAt: now,
          recordedBy: staff.id,
          awardPassedTo: null,
        });
        await this.record(manager, staff, projectId, now, 'tender.candidate_withdrawn', {
          ...passedOver,
          awardPassedTo: null,
          passedOverFor: entry.bidId,
        });
      }
      if (nextBidId === null) {
        await this.move(
          manager,
          staff,
          project,
          transition(project.status, 'fail'),
          now,
          { reason: NO_CANDIDATE_LEFT_REASON, bidId: entry.bidId },
          { failedReason: NO_CANDIDATE_LEFT_REASON },
        );
        // No award stands once the last candidate is out (the withdrawals keep who held it).
        if (project.status === 'awarded')
          await this.evaluations.update(manager, projectId, {
            awardedBidId: null,
            awardReason: null,
            awardNoticeOn: null,
            contractDueOn: null,
          });
        await this.deposits.settleOnClose(manager, tenderHost(projectId), { sold: false }, now, staff.id);
      } else if (awardPassedTo) {
        const dueOn = contractDueOn(today);
        await this.evaluations.passAward(manager, projectId, {
          awardedBidId: awardPassedTo,
          awardNoticeOn: today,
          contractDueOn: dueOn,
          awardedBy: staff.id,
        });
        await this.record(manager, staff, projectId, now, 'tender.award_passed_on', {
          fromBidId: entry.bidId,
          bidId: awardPassedTo,
          awardNoticeOn: today,
          contractDueOn: dueOn,
        });
      }
      return this.candidatesOf(manager, projectId);
    });
  }

  /** 流标 / 废标 by staff, from the statuses the lifecycle allows; every held deposit falls due. */
  async fail(staff: AuthUser, projectId: string, reason: string) {
    return this.step(projectId, async ({ manager, project, now }) => {
      const next = transition(project.status, 'fail');
      await this.move(manager, staff, project, next, now, { reason }, { failedReason: reason });
      await this.deposits.settleOnClose(manager, tenderHost(projectId), { sold: false }, now, staff.id);
      return { projectId, status: next, failedReason: reason };
    });
  }

  // --- reads -------------------------------------------------------------------------------------

  /** The committee's entries and the report: supervisors, and staff once the bids are opened. */
  async evaluation(viewer: AuthUser, projectId: string) {
    const project = await this.mustFind(projectId);
    this.requireCommitteeVisible(viewer, project);
    return this.evaluationOf(null, projectId);
  }

  /**
   * The candidates, the award and the contract, public once the candidates are published — and
   * still while an objection pauses the publicity, or after every candidate dropped out.
   */
  async candidates(projectId: string) {
    await this.mustFind(projectId);
    const evaluation = await this.evaluations.find(projectId);
    if (evaluation?.publicityStartsOn) return this.candidatesOf(null, projectId);
    // After a re-evaluation the earlier candidates stay public (as a revision) until the new ones
    // are published: the revised report, its ranking and prices are not public before that.
    if ((await this.evaluations.reportRevisionsOf(projectId)).length === 0)
      throw new DomainError('CANDIDATES_NOT_PUBLISHED', 'the candidates are not published');
    const view = await this.candidatesOf(null, projectId);
    return { ...view, reportOn: null, publicity: null, candidates: [], award: null, contract: null };
  }

  // --- internals ---------------------------------------------------------------------------------

  /** Members employed by a supplier that registered for the tender (one may register after the draw). */
  private async conflictedMembers(
    manager: EntityManager,
    projectId: string,
    draw: { memberIds: string[]; candidates: { expertId: string; employerOrgCode: string }[] },
  ): Promise<string[]> {
    const suppliers = await this.evaluations.supplierOrganizationCodes(manager, projectId);
    const employers = new Map(draw.candidates.map((expert) => [expert.expertId, expert.employerOrgCode]));
    return draw.memberIds.filter((id) => suppliers.includes(employers.get(id) ?? ''));
  }

  private async evaluationOf(manager: EntityManager | null, projectId: string) {
    const runner = manager ?? undefined;
    const evaluation = await this.evaluations.find(projectId, runner);
    const opening = await this.sealedBids.opening(manager, tenderHost(projectId));
    const rejections = await this.evaluations.rejectionsOf(projectId, runner);
    const prices = await this.evaluations.evaluatedPricesOf(projectId, runner);
    const scores = await this.evaluations.scoresOf(projectId, runner);
    return toEvaluationView(projectId, { evaluation, opening, rejections, prices, scores });
  }

  private async candidatesOf(manager: EntityManager | null, projectId: string) {
    const evaluation = await this.evaluations.find(projectId, manager ?? undefined);
    const opening = await this.sealedBids.opening(manager, tenderHost(projectId));
    const withdrawals = await this.evaluations.withdrawalsOf(projectId, manager ?? undefined);
    const revisions = await this.evaluations.reportRevisionsOf(projectId, manager ?? undefined);
    const suppliers = await this.sealedBids.publicSuppliers(tenderHost(projectId), manager ?? undefined);
    return toCandidatesView(projectId, evaluation!, opening?.bids ?? [], withdrawals, revisions, suppliers);
  }

  /** Nothing moves the award while an objection to the tender waits for its reply (第54条). */
  private async requireNoObjectionWaiting(manager: EntityManager, projectId: string) {
    const waiting = (await this.projects.objectionsOf(projectId, manager)).filter(
      (objection) => objection.repliedAt === null,
    );
    if (waiting.length > 0)
      throw new DomainError('OBJECTION_PENDING', 'an objection waits for its reply; the tender is paused', {
        objectionIds: waiting.map((objection) => objection.id),
        replyDueOn: waiting.map((objection) => objection.replyDueOn).sort()[0],
      });
  }

  private requireCommitteeVisible(viewer: AuthUser, project: TenderProjectEntity) {
    if (hasAnyRole(viewer, ['supervisor'])) return;
    if (hasAnyRole(viewer, ['staff']) && project.openedAt) return;
    throw new DomainError(
      'COMMITTEE_SEALED_UNTIL_OPENING',
      'the committee is known to supervisors only until the bids are opened',
    );
  }

  /** Entries go in while evaluating and before the report; `method` when only one method has them. */
  private async requireEntriesOpen(
    manager: EntityManager,
    project: TenderProjectEntity,
    method?: TenderProjectEntity['evaluationMethod'],
  ): Promise<TenderEvaluation> {
    if (project.status !== 'evaluating')
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `the committee's entries are taken while evaluating, not ${project.status}`,
      );
    if (method && project.evaluationMethod !== method)
      throw new DomainError(
        'EVALUATION_METHOD_MISMATCH',
        `this tender is evaluated by ${project.evaluationMethod}`,
        {
          evaluationMethod: project.evaluationMethod,
        },
      );
    const evaluation = await this.mustEvaluation(manager, project.id);
    if (evaluation.reportOn)
      throw new DomainError(
        'EVALUATION_ALREADY_REPORTED',
        'the committee has reported; its entries are closed',
      );
    return evaluation;
  }

  /** Every id names a valid bid of the opening record. */
  private async requireBids(
    manager: EntityManager,
    projectId: string,
    bidIds: string[],
  ): Promise<OpenedBid[]> {
    const opening = await this.mustOpening(manager, projectId);
    const valid = new Map(opening.bids.filter((bid) => bid.valid).map((bid) => [bid.bidId, bid]));
    const unknown = [...new Set(bidIds.filter((id) => !valid.has(id)))];
    if (unknown.length > 0)
      throw new DomainError('TENDER_BID_NOT_FOUND', 'no valid opened bid with this id', { bidIds: unknown });
    return bidIds.map((id) => valid.get(id)!);
  }

  private async mustOpening(manager: EntityManager, projectId: string) {
    const opening = await this.sealedBids.opening(manager, tenderHost(projectId));
    if (!opening) throw new DomainError('SEALED_UNTIL_OPENING', 'the bids are not opened');
    return opening;
  }

  private async mustEvaluation(manager: EntityManager, projectId: string) {
    const evaluation = await this.evaluations.find(projectId, manager);
    if (!evaluation) throw new DomainError('INVALID_STATE_TRANSITION', 'the evaluation has not started');
    return evaluation;
  }

  private async mustFind(projectId: string) {
    const project = await this.projects.findById(projectId);
    if (!project || project.status === 'registered')
      throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
    return project;
  }

  /** One locked step on the tender, by the database's clock. */
  private step<T>(projectId: string, work: (step: Step) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.projects.lockById(manager, projectId);
      if (!project) throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
      const now = await this.projects.databaseNow(manager);
      return work({ manager, project, now, today: calendarDateInZone(now, this.config.CENTRE_TZ) });
    });
  }

  private async move(
    manager: EntityManager,
    actor: AuthUser,
    project: TenderProjectEntity,
    to: TenderStatus,
    now: Date,
    data: Record<string, unknown>,
    changes: Partial<TenderProjectEntity> = {},
  ) {
    await this.projects.update(manager, project.id, { ...changes, status: to });
    await this.record(manager, actor, project.id, now, `tender.${actionOf(project.status, to)}`, {
      from: project.status,
      to,
      ...data,
    });
  }

  private record(
    manager: EntityManager,
    actor: AuthUser,
    projectId: string,
    at: Date,
    action: string,
    data: Record<string, unknown>,
  ) {
    return recordTenderStep(this.audit, manager, { actor, projectId, at, action, data });
  }
}

/** One audit entry for a step someone took on a tender, in the step's transaction. */
export function recordTenderStep(
  audit: AuditLogRepository,
  manager: EntityManager,
  step: { actor: AuthUser; projectId: string; at: Date; action: string; data: Record<string, unknown> },
) {
  return audit.append(manager, {
    at: step.at,
    actorId: step.actor.id,
    action: step.action,
    entityType: ENTITY_TYPE,
    entityId: step.projectId,
    data: step.data,
  });
}

function transition(from: TenderStatus, action: TenderAction): TenderStatus {
  const next = nextTenderStatus(from, action);
  if (!next) throw new DomainError('INVALID_STATE_TRANSITION', `cannot ${action} a tender that is ${from}`);
  return next;
}

/** The audit action's name for a move the table allowed. */
function actionOf(from: TenderStatus, to: TenderStatus): TenderAction {
  if (to === 'failed') return 'fail';
  const actions: TenderAction[] = [
    'start_evaluation',
    're_evaluate',
    'publish_candidates',
    'award',
    'sign_contract',
  ];
  return actions.find((action) => nextTenderStatus(from, action) === to) ?? 'fail';
}

function duplicates(keys: string[], field: string): RuleViolation[] {
  return new Set(keys).size === keys.length ? [] : [{ field, rule: 'each bid (and criterion) once' }];
}

function refuse(violations: RuleViolation[]) {
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the request is not valid', violations);
}
