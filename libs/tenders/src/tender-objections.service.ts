import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  bidDeadlineInstant,
  calendarDateInZone,
  checkCandidateObjectionInTime,
  checkObjectionInTime,
  calendarDaysBetween,
  DomainError,
  isOverdue,
  nextTenderStatus,
  objectionReplyDueOn,
  resumedCalendarPeriodEnd,
  suspendTender,
  type TenderStatus,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  PartyBans,
  type TenderObjection,
  TenderEvaluationRepository,
  type TenderProjectEntity,
  TenderProjectsRepository,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { suspendedByAnother, suspensionHeldByComplaint } from '@ggzy/registrations';
import { SealedBidsService } from '@ggzy/sealed-bids';
import { tenderHost, TendersService } from './tenders.service.js';
import { toObjectionView } from './tender-project.views.js';
import { recordTenderStep } from './tender-evaluation.service.js';

export type TenderObjectionTarget = TenderObjection['target'];

export interface ObjectionInput {
  target: TenderObjectionTarget;
  text: string;
  documents: { name: string; sha256: string }[];
}

/** The stages each kind of objection pauses: the documents before the opening, the publicity. */
const STAGES: Record<TenderObjectionTarget, readonly TenderStatus[]> = {
  tender_documents: ['announced', 'prequalified', 'bidding'],
  candidates: ['candidates_published'],
  prequalification_documents: ['prequalification'],
};

/** Public: why the tender stands still (招标投标法实施条例 第22条, 第54条: 暂停招标投标活动). */
const SUSPENSION_REASONS: Record<TenderObjectionTarget, string> = {
  tender_documents: '对招标文件提出异议,答复前暂停招标投标活动',
  candidates: '对中标候选人提出异议,答复前暂停公示',
  prequalification_documents: '对资格预审文件提出异议,答复前暂停招标投标活动',
};

/**
 * The schedule's dates a pause moves. A period's last day moves when the pause began on or before
 * it (a pause on the last day took the rest of it); a first day only when it had not come yet.
 */
const SCHEDULE_STARTS = ['saleStartsOn', 'documentsIssuedOn'] as const;
const SCHEDULE_ENDS = ['saleEndsOn', 'bidDeadlineOn'] as const;
/** The same for a prequalification's own schedule, while it runs. */
const PREQUALIFICATION_STARTS = ['prequalificationSaleStartsOn'] as const;
const PREQUALIFICATION_ENDS = ['prequalificationSaleEndsOn', 'applicationsDueOn'] as const;
/** Stages whose tender documents are not issued yet (their first days may still be ahead). */
const BEFORE_BIDDING = new Set<TenderStatus>(['announced', 'prequalification', 'prequalified']);

/**
 * Objections (异议) to a tender: to its documents, ≥ 10 days before the bid deadline (实施条例 第22条),
 * by any supplier account not banned (after a prequalification's result: an applicant that passed); to its candidates, during their publicity (第54条), by a bidder of the
 * tender. Filing pauses the tender (suspended, resuming to where it was): nothing timed fires while
 * it stands (the opening and the sweeper act on `bidding` only). The staff's reply — due 3 days after
 * receipt; a late one is recorded as late, never refused — resumes it once no other objection waits,
 * and gives the paused days back: every date of the schedule still ahead moves by them (the bid
 * deadline, and with it the opening's job) or the publicity's last day does.
 */
@Injectable()
export class TenderObjectionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: TenderProjectsRepository,
    private readonly evaluations: TenderEvaluationRepository,
    private readonly sealedBids: SealedBidsService,
    private readonly tenders: TendersService,
    private readonly audit: AuditLogRepository,
    private readonly partyBans: PartyBans,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(now: Date) {
    return calendarDateInZone(now, this.config.CENTRE_TZ);
  }

  async file(objector: AuthUser, projectId: string, input: ObjectionInput) {
    if (!objector.roles.includes('bidder'))
      throw new DomainError('FORBIDDEN', 'objections are filed by suppliers (潜在投标人、投标人)');
    return this.dataSource.transaction(async (manager) => {
      const project = await this.projects.lockById(manager, projectId);
      if (!project || project.status === 'registered')
        throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      // While the tender stands still its periods do too: a second objection is judged on the day
      // the first paused it.
      const clockOn = project.status === 'suspended' ? project.suspendedOn! : today;
      const stage = project.status === 'suspended' ? project.resumeTo! : project.status;
      if (input.target === 'tender_documents')
        checkObjectionInTime({ target: input.target, deadlineOn: project.bidDeadlineOn, filedOn: clockOn });
      else if (input.target === 'prequalification_documents') {
        // 实施条例 第22条: ≥ 2 days before the applications are due.
        if (project.applicationsDueOn === null)
          throw new DomainError('INVALID_STATE_TRANSITION', 'this tender has no prequalification');
        checkObjectionInTime({
          target: input.target,
          deadlineOn: project.applicationsDueOn,
          filedOn: clockOn,
        });
      } else await this.checkCandidateObjection(manager, objector, project, clockOn);
      if (!STAGES[input.target].includes(stage))
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `no objection to the ${input.target === 'candidates' ? 'candidates' : input.target === 'prequalification_documents' ? 'prequalification documents' : 'documents'} while the tender is ${project.status}`,
        );
      if (input.target !== 'candidates') await this.checkDocumentObjector(manager, objector, project, now);
      // Each objection pauses the tender: one per supplier and target for each version of the
      // documents, so that repeated objections cannot hold the tender still for ever.
      const earlier = await this.projects.objectionAgainstCurrentDocuments(
        manager,
        projectId,
        objector.id,
        input.target,
      );
      if (earlier)
        throw new DomainError(
          'OBJECTION_ALREADY_FILED',
          'you have objected to this already; another objection follows an amendment of the documents',
          { objectionId: earlier.id, filedOn: earlier.filedOn, target: input.target },
        );
      const objection = await this.projects.insertObjection(manager, {
        projectId,
        target: input.target,
        text: input.text,
        documents: input.documents,
        objectorId: objector.id,
        filedAt: now,
        filedOn: today,
        replyDueOn: objectionReplyDueOn(today),
      });
      await this.record(manager, objector, projectId, now, 'tender.objection_filed', {
        objectionId: objection.id,
        target: input.target,
        replyDueOn: objection.replyDueOn,
      });
      if (project.status !== 'suspended') {
        const suspended = suspendTender(project.status)!;
        const reason = SUSPENSION_REASONS[input.target];
        await this.projects.update(manager, projectId, {
          ...suspended,
          suspendedAt: now,
          suspendedOn: today,
          suspensionReason: reason,
        });
        await this.record(manager, objector, projectId, now, 'tender.suspend', {
          from: project.status,
          to: suspended.status,
          resumeTo: suspended.resumeTo,
          reason,
          objectionId: objection.id,
        });
      }
      return toObjectionView(objection, { withObjector: false, viewerId: objector.id });
    });
  }

  /**
   * The reply, written once. When no other objection waits, the tender resumes to where it was and
   * the days it stood still are given back; the reply keeps the period's last day before and after.
   */
  async reply(
    staff: AuthUser,
    projectId: string,
    objectionId: string,
    reply: { text: string; upheld: boolean },
  ) {
    const { project, resumed, view } = await this.dataSource.transaction(async (manager) => {
      const current = await this.projects.lockById(manager, projectId);
      if (!current) throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
      const objection = await this.projects.objectionOf(projectId, objectionId, manager);
      if (!objection) throw new DomainError('OBJECTION_NOT_FOUND', 'no such objection to this tender');
      if (objection.repliedAt)
        throw new DomainError('OBJECTION_ALREADY_ANSWERED', 'this objection has its reply', {
          repliedOn: objection.repliedOn,
        });
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      const waiting = (await this.projects.objectionsOf(projectId, manager)).filter(
        (other) => other.repliedAt === null && other.id !== objectionId,
      );
      // A supervisor's order holds the tender still until the supervisor resumes it.
      const resume =
        current.status === 'suspended' && waiting.length === 0 && !current.supervisorSuspension
          ? await this.resume(manager, staff, current, now, today, objectionId)
          : null;
      const late = isOverdue(objection.replyDueOn, today, today);
      const written = await this.projects.replyToObjection(manager, objectionId, {
        text: reply.text,
        upheld: reply.upheld,
        repliedAt: now,
        repliedOn: today,
        repliedBy: staff.id,
        late,
        periodEndsBefore: resume?.periodEndsBefore ?? null,
        periodEndsAfter: resume?.periodEndsAfter ?? null,
      });
      // The tender's lock serialises replies; the row's own guard stands behind it.
      if (!written) throw new DomainError('OBJECTION_ALREADY_ANSWERED', 'this objection has its reply');
      await this.record(manager, staff, projectId, now, 'tender.objection_replied', {
        objectionId,
        upheld: reply.upheld,
        late,
        replyDueOn: objection.replyDueOn,
        repliedOn: today,
        resumed: resume !== null,
      });
      const answered = (await this.projects.objectionOf(projectId, objectionId, manager))!;
      return {
        project: resume?.project ?? current,
        resumed: resume !== null,
        view: toObjectionView(answered, { withObjector: true }),
      };
    });
    // The moved deadline is a new opening step; the old one finds nothing due.
    if (resumed) await this.tenders.scheduleSteps(project);
    return { objection: view, project: await this.tenders.staffView(project, staff) };
  }

  /**
   * A supervisor suspends the tender (a complaint, an order): every timer freezes as for an
   * objection (nothing timed fires while it is suspended). A tender an objection already holds
   * stays suspended from that day, now by the supervisor's order too. `complaintId`: the complaint
   * the order is for, which then holds it (null: the supervisor's own order, on the tender's endpoint).
   */
  async suspendBySupervisor(
    supervisor: AuthUser,
    projectId: string,
    reason: string,
    complaintId: string | null = null,
  ) {
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.projects.lockById(manager, projectId);
      if (!current || current.status === 'registered')
        throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
      if (current.supervisorSuspension)
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `suspended by a supervisor since ${current.suspendedOn}`,
        );
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      const suspended = current.status === 'suspended' ? null : suspendTender(current.status);
      if (current.status !== 'suspended' && !suspended)
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot suspend a tender that is ${current.status}`,
        );
      const changes: Partial<TenderProjectEntity> = suspended
        ? {
            ...suspended,
            suspendedAt: now,
            suspendedOn: today,
            suspensionReason: reason,
            supervisorSuspension: true,
            suspensionComplaintId: complaintId,
          }
        : { suspensionReason: reason, supervisorSuspension: true, suspensionComplaintId: complaintId };
      await this.projects.update(manager, projectId, changes);
      await this.record(manager, supervisor, projectId, now, 'tender.suspend', {
        from: current.status,
        to: 'suspended',
        resumeTo: suspended?.resumeTo ?? current.resumeTo,
        reason,
        by: 'supervisor',
        ...(complaintId ? { complaintId } : {}),
      });
      return { ...current, ...changes } as TenderProjectEntity;
    });
    return this.tenders.staffView(project, supervisor);
  }

  /**
   * The supervisor's resume: to where the tender was, the days it stood given back (the opening's
   * job rescheduled at the moved deadline) — once no objection waits for its reply (OBJECTION_PENDING).
   * A complaint's suspension is that complaint's to lift (SUSPENSION_HELD_BY_COMPLAINT).
   */
  async resumeBySupervisor(supervisor: AuthUser, projectId: string) {
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.projects.lockById(manager, projectId);
      if (!current || current.status === 'registered')
        throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
      if (!current.supervisorSuspension)
        throw new DomainError('INVALID_STATE_TRANSITION', 'the tender is not suspended by a supervisor');
      if (current.suspensionComplaintId) throw suspensionHeldByComplaint(current.suspensionComplaintId);
      const waiting = (await this.projects.objectionsOf(projectId, manager)).filter(
        (objection) => objection.repliedAt === null,
      );
      if (waiting.length > 0)
        throw new DomainError(
          'OBJECTION_PENDING',
          'an objection waits for its reply: the tender stays suspended',
          {
            objectionIds: waiting.map((objection) => objection.id),
          },
        );
      const now = await this.projects.databaseNow(manager);
      return (await this.resume(manager, supervisor, current, now, this.today(now), null)).project;
    });
    await this.tenders.scheduleSteps(project);
    return this.tenders.staffView(project, supervisor);
  }

  /**
   * A complaint lifts the suspension it holds (its close, or resume-project): the tender resumes as
   * by the supervisor's resume — unless an objection still waits for its reply, which then holds it
   * alone (the order is released, the tender stays suspended, the reply resumes it). `mustResume`
   * (a re-run that fails the tender next) refuses that instead. Another's suspension:
   * PROJECT_SUSPENDED_BY_ANOTHER, nothing written. Answers whether the tender resumed.
   */
  async liftForComplaint(
    supervisor: AuthUser,
    projectId: string,
    complaintId: string,
    options: { mustResume?: boolean } = {},
  ): Promise<boolean> {
    const resumed = await this.dataSource.transaction(async (manager) => {
      const current = await this.projects.lockById(manager, projectId);
      if (!current || current.status === 'registered')
        throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
      if (current.status !== 'suspended')
        throw new DomainError('INVALID_STATE_TRANSITION', `cannot resume a tender that is ${current.status}`);
      if (!current.supervisorSuspension) throw suspendedByAnother('objection');
      if (current.suspensionComplaintId !== complaintId)
        throw suspendedByAnother(current.suspensionComplaintId ? 'complaint' : 'supervisor');
      const waiting = (await this.projects.objectionsOf(projectId, manager)).filter(
        (objection) => objection.repliedAt === null,
      );
      const now = await this.projects.databaseNow(manager);
      if (waiting.length === 0)
        return (await this.resume(manager, supervisor, current, now, this.today(now), null)).project;
      if (options.mustResume) throw suspendedByAnother('objection');
      const released = {
        supervisorSuspension: false,
        suspensionComplaintId: null,
        suspensionReason: SUSPENSION_REASONS[waiting[0].target],
      };
      await this.projects.update(manager, projectId, released);
      await this.record(manager, supervisor, projectId, now, 'tender.suspension_released', {
        complaintId,
        objectionIds: waiting.map((objection) => objection.id),
      });
      return null;
    });
    if (resumed) await this.tenders.scheduleSteps(resumed);
    return resumed !== null;
  }

  /**
   * Who may object to the documents (实施条例 第22条: 潜在投标人或者其他利害关系人): a party banned from
   * registering (credit) may not hold the tender still either (PARTY_BANNED); and once the result
   * of a prequalification is notified, only an applicant that passed is still a potential bidder —
   * one that failed or never applied cannot hold up the tender documents (OBJECTOR_NOT_PREQUALIFIED).
   */
  private async checkDocumentObjector(
    manager: EntityManager,
    objector: AuthUser,
    project: TenderProjectEntity,
    now: Date,
  ) {
    await this.partyBans.refuseIfBanned(manager, objector.id, now);
    if (project.prequalificationResultOn === null) return;
    const application = await this.projects.applicationOfApplicant(project.id, objector.id, manager);
    if (application?.status !== 'passed')
      throw new DomainError(
        'OBJECTOR_NOT_PREQUALIFIED',
        'after the prequalification, only the applicants that passed may object to the tender documents',
      );
  }

  private async checkCandidateObjection(
    manager: EntityManager,
    objector: AuthUser,
    project: TenderProjectEntity,
    clockOn: string,
  ) {
    const evaluation = await this.evaluations.find(project.id, manager);
    if (!evaluation?.publicityStartsOn)
      throw new DomainError('CANDIDATES_NOT_PUBLISHED', 'the candidates are not published');
    checkCandidateObjectionInTime({
      startsOn: evaluation.publicityStartsOn,
      endsOn: evaluation.publicityEndsOn!,
      filedOn: clockOn,
    });
    const opening = await this.sealedBids.opening(manager, tenderHost(project.id));
    if (!opening?.bids.some((bid) => bid.bidderId === objector.id))
      throw new DomainError(
        'OBJECTOR_NOT_A_BIDDER',
        'an objection to the candidates is filed by a bidder of this tender',
      );
  }

  /** suspended → where it was; the dates still ahead when it paused move by the days it stood. */
  private async resume(
    manager: EntityManager,
    staff: AuthUser,
    project: TenderProjectEntity,
    now: Date,
    today: string,
    objectionId: string | null,
  ) {
    const next = nextTenderStatus(project.status, 'resume', project.resumeTo);
    if (!next)
      throw new DomainError('INVALID_STATE_TRANSITION', `cannot resume a tender that is ${project.status}`);
    const pausedOn = project.suspendedOn!;
    const moved = (endsOn: string) => resumedCalendarPeriodEnd({ endsOn, pausedOn, resumedOn: today });
    const changes: Partial<TenderProjectEntity> = {
      status: next,
      resumeTo: null,
      suspendedAt: null,
      suspendedOn: null,
      suspensionReason: null,
      supervisorSuspension: false,
      suspensionComplaintId: null,
    };
    let periodEndsBefore: string;
    let periodEndsAfter: string;
    if (next === 'candidates_published') {
      const evaluation = (await this.evaluations.find(project.id, manager))!;
      periodEndsBefore = evaluation.publicityEndsOn!;
      periodEndsAfter = moved(periodEndsBefore);
      await this.evaluations.update(manager, project.id, { publicityEndsOn: periodEndsAfter });
    } else {
      // Bidding means the documents are out (and so the sale began): only a tender not yet in
      // bidding (a notice, a prequalification or its result) has first days still ahead.
      for (const field of SCHEDULE_STARTS)
        changes[field] =
          BEFORE_BIDDING.has(next) && project[field] > pausedOn ? moved(project[field]) : project[field];
      for (const field of SCHEDULE_ENDS) changes[field] = moved(project[field]);
      periodEndsBefore = project.bidDeadlineOn;
      periodEndsAfter = changes.bidDeadlineOn!;
      if (next === 'prequalification') {
        // The prequalification runs: its sale and the applications' due day get the days back.
        for (const field of PREQUALIFICATION_STARTS)
          changes[field] = project[field]! > pausedOn ? moved(project[field]!) : project[field];
        for (const field of PREQUALIFICATION_ENDS) changes[field] = moved(project[field]!);
        periodEndsBefore = project.applicationsDueOn!;
        periodEndsAfter = changes.applicationsDueOn!;
      }
      // The instant the opening job and the public read is always the bid deadline's own day, also
      // when the period the reply reports is the applications' (a prequalification).
      changes.bidDeadlineAt = bidDeadlineInstant(
        changes.bidDeadlineOn!,
        project.bidDeadlineTime,
        this.config.CENTRE_TZ,
      );
    }
    await this.projects.update(manager, project.id, changes);
    await this.record(manager, staff, project.id, now, 'tender.resume', {
      from: project.status,
      to: next,
      objectionId,
      pausedOn,
      resumedOn: today,
      pausedDays: calendarDaysBetween(pausedOn, today),
      periodEnds: { from: periodEndsBefore, to: periodEndsAfter },
    });
    return { project: { ...project, ...changes } as TenderProjectEntity, periodEndsBefore, periodEndsAfter };
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
