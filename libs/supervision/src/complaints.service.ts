import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  type BusinessCalendar,
  calendarDateInZone,
  checkComplaintDecision,
  checkComplaintFiling,
  checkComplaintStage,
  checkOpenFilings,
  checkDocumentRequest,
  checkSuspensionForComplaint,
  type ComplaintAction,
  type ComplaintAttachment,
  complaintDeadlines,
  COMPLAINT_LINES,
  complaintStagesOf,
  type ComplaintDecision,
  type ComplaintKind,
  type ComplaintLine,
  type ComplaintRecord,
  type ComplaintRemedy,
  type ComplaintStatus,
  DomainError,
  falseComplaintBan,
  FALSE_COMPLAINT_MIN_YEARS,
  isPendingComplaint,
  nextComplaintStatus,
  projectCommandAfterDecision,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  type ComplaintChanges,
  type ComplaintFilter,
  ComplaintsRepository,
  type ComplaintWithRequests,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { BusinessCalendarService } from '@ggzy/calendar';
import { SUPERVISED_PROCESSES, type SupervisedProcess } from '@ggzy/registrations';
import { CreditService } from './credit.service.js';
import { toComplainantView, toComplaintView, toPublicDecision } from './complaint.views.js';

export interface FileComplaint {
  projectType: ComplaintLine;
  projectId: string;
  kind: ComplaintKind;
  stage: string;
  grounds: string;
  attachments: ComplaintAttachment[];
  knewOn?: string;
  challengeId?: string;
}

export interface DecideComplaint {
  outcome: 'upheld' | 'dismissed';
  remedy?: ComplaintRemedy | null;
  foundFalse?: boolean;
  reason: string;
  banYears?: number;
}

/** One overdue step of a pending complaint: what the alerts (COMPLAINT_OVERDUE) are raised from. */
export interface OverdueComplaintStep {
  complaintId: string;
  projectType: ComplaintLine;
  projectId: string;
  step: string;
  documentRequestId?: string;
  dueOn: string;
  dueAt: string;
}

const AUDIT_ENTITY = 'complaint';
/** A step's claim on its complaint outlives no step: older than this, its process died mid-step. */
const STEP_CLAIM_STALE_SECONDS = 300;

/**
 * Complaints and challenges (质疑 / 投诉, issue 10). The rules are complaint-rules.ts and the
 * statuses complaint-lifecycle.ts; the project is reached only through its line's SupervisedProcess
 * (suspend, resume and the remedies are the line's own commands). Days are CENTRE_TZ dates by the
 * database's clock.
 *
 * A step that changes the project runs the line's command (its own transaction) first and then
 * records itself (recordAfterCommand): a refused command leaves the complaint as it was.
 */
@Injectable()
export class ComplaintsService {
  private readonly processes: Map<ComplaintLine, SupervisedProcess>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly complaints: ComplaintsRepository,
    private readonly audit: AuditLogRepository,
    private readonly credit: CreditService,
    private readonly calendars: BusinessCalendarService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SUPERVISED_PROCESSES) processes: SupervisedProcess[],
  ) {
    this.processes = new Map(processes.map((process) => [process.line, process]));
  }

  private get timeZone() {
    return this.config.CENTRE_TZ;
  }

  private processOf(line: ComplaintLine): SupervisedProcess {
    const process = this.processes.get(line);
    if (!process)
      throw new DomainError('COMPLAINT_PROJECT_NOT_FOUND', `no ${line} project can be complained about here`);
    return process;
  }

  /** A participant files against a project and a stage, within its line's window. */
  async file(complainant: AuthUser, input: FileComplaint) {
    if (!complainant.roles.includes('bidder'))
      throw new DomainError('FORBIDDEN', 'complaints are filed by the parties to a project');
    const process = this.processOf(input.projectType);
    const project = await process.find(input.projectId);
    if (!project) throw new DomainError('COMPLAINT_PROJECT_NOT_FOUND', 'no such project');
    if (!(await process.isParticipant(project.id, complainant.id)))
      throw new DomainError(
        'COMPLAINANT_NOT_A_PARTICIPANT',
        'only a party that registered for (or bid on) the project may complain about it',
      );
    checkComplaintStage(input.projectType, input.stage, input.knewOn);
    const publishedOn = await process.stagePublishedOn(project.id, input.stage);
    return this.dataSource.transaction(async (manager) => {
      const now = await this.complaints.databaseNow(manager);
      const today = calendarDateInZone(now, this.timeZone);
      // A published act is known from its publication: a later claim does not reopen the window.
      const knewOn = publishedOn ?? input.knewOn ?? today;
      checkOpenFilings(
        await this.complaints.countOpenFilings(manager, complainant.id, input.projectType, project.id),
      );
      const challenge = input.challengeId ? await this.challengeFor(manager, complainant, input) : null;
      const calendar = await this.calendars.calendar(manager);
      const window = checkComplaintFiling(calendar, input.projectType, {
        kind: input.kind,
        stage: input.stage,
        grounds: input.grounds,
        attachments: input.attachments,
        filedOn: today,
        knewOn,
        challenge,
      });
      const row = await this.complaints.insert(manager, {
        projectType: input.projectType,
        projectId: project.id,
        kind: input.kind,
        stage: input.stage,
        complainantId: complainant.id,
        grounds: input.grounds,
        attachments: input.attachments.map(({ name, sha256 }) => ({ name, sha256 })),
        challengeId: input.challengeId ?? null,
        knewOn,
        filedOn: today,
        filedAt: now,
        windowOpensOn: window.opensOn,
        windowClosesOn: window.closesOn,
      });
      await this.record(manager, complainant, row.id, now, 'complaint.filed', {
        projectType: row.projectType,
        projectId: row.projectId,
        kind: row.kind,
        stage: row.stage,
        knewOn,
        window: { opensOn: window.opensOn, closesOn: window.closesOn },
        attachments: row.attachments,
      });
      return this.toComplainantView((await this.complaints.findById(manager, row.id))!, now, calendar);
    });
  }

  /** The challenge a procurement complaint follows: the complainant's own, on the same project. */
  private async challengeFor(manager: EntityManager, complainant: AuthUser, input: FileComplaint) {
    const challenge = await this.complaints.findById(manager, input.challengeId!);
    if (
      !challenge ||
      challenge.kind !== 'challenge' ||
      challenge.complainantId !== complainant.id ||
      challenge.projectType !== input.projectType ||
      challenge.projectId !== input.projectId
    )
      throw new DomainError(
        'CHALLENGE_REQUIRED',
        'a procurement complaint follows your own challenge (质疑) on the same project',
        { challengeId: input.challengeId },
      );
    return { filedOn: challenge.filedOn, repliedOn: challenge.decidedOn };
  }

  accept(supervisor: AuthUser, id: string) {
    return this.step(supervisor, id, 'accept', (today) => ({
      acceptanceDecidedOn: today,
      acceptedOn: today,
    }));
  }

  /** 不予受理: with a reason; a project suspended for it resumes. */
  reject(supervisor: AuthUser, id: string, reason: string) {
    return this.step(supervisor, id, 'reject', (today) => ({
      acceptanceDecidedOn: today,
      rejectionReason: reason.trim(),
    }));
  }

  investigate(supervisor: AuthUser, id: string) {
    return this.step(supervisor, id, 'investigate', () => ({}));
  }

  /** The complainant withdraws before the decision; a project suspended for it resumes. */
  async withdraw(complainant: AuthUser, id: string) {
    await this.step(complainant, id, 'withdraw', (today) => ({ withdrawnOn: today }), {
      ownerOnly: true,
    });
    return this.get(complainant, id);
  }

  /**
   * The decision: a complaint by a supervisor after its investigation, a challenge by staff (the
   * purchaser's reply). Upheld runs the remedy's command; dismissed (or rejected, withdrawn)
   * resumes a project suspended for it; found false records the complainant's ban (1–3 years).
   */
  async decide(actor: AuthUser, id: string, input: DecideComplaint) {
    const decision: ComplaintDecision = {
      outcome: input.outcome,
      remedy: input.remedy ?? null,
      foundFalse: input.foundFalse ?? false,
      reason: input.reason,
    };
    checkComplaintDecision(decision);
    const action: ComplaintAction = decision.outcome === 'upheld' ? 'uphold' : 'dismiss';
    return this.step(
      actor,
      id,
      action,
      (today, now) => ({
        decidedOn: today,
        decidedAt: now,
        decidedBy: actor.id,
        outcome: decision.outcome,
        remedy: decision.remedy,
        foundFalse: decision.foundFalse,
        decisionReason: decision.reason.trim(),
      }),
      {
        decision,
        check: (complaint) => {
          const decider = complaint.kind === 'challenge' ? 'staff' : 'supervisor';
          if (!actor.roles.includes(decider))
            throw new DomainError(
              'FORBIDDEN',
              complaint.kind === 'challenge'
                ? 'a challenge (质疑) is answered by staff for the purchaser'
                : 'a complaint (投诉) is decided by a supervisor',
            );
        },
        after: async (manager, complaint, today, now) => {
          if (!decision.foundFalse) return {};
          const ban = falseComplaintBan(
            complaint.complainantId,
            complaint.id,
            today,
            input.banYears ?? FALSE_COMPLAINT_MIN_YEARS,
          );
          const sanction = await this.credit.recordIn(manager, actor.id, ban, now);
          return { sanctionId: sanction.id };
        },
      },
    );
  }

  /** Documents asked of someone while investigating; the days waiting are not counted. */
  async requestDocuments(supervisor: AuthUser, id: string, input: { addressee: string; dueOn: string }) {
    return this.dataSource.transaction(async (manager) => {
      const complaint = await this.mustLock(manager, id);
      const now = await this.complaints.databaseNow(manager);
      const today = calendarDateInZone(now, this.timeZone);
      checkDocumentRequest(complaint.status, { ...input, requestedOn: today });
      const request = await this.complaints.insertDocumentRequest(manager, {
        complaintId: id,
        addressee: input.addressee.trim(),
        requestedOn: today,
        requestedBy: supervisor.id,
        dueOn: input.dueOn,
      });
      await this.record(manager, supervisor, id, now, 'complaint.documents_requested', {
        requestId: request.id,
        addressee: request.addressee,
        dueOn: request.dueOn,
      });
      return this.view(manager, id, now);
    });
  }

  /** What arrived for a request, recorded once (its attachments' hashes kept). */
  async answerDocuments(
    supervisor: AuthUser,
    id: string,
    requestId: string,
    attachments: ComplaintAttachment[],
  ) {
    return this.dataSource.transaction(async (manager) => {
      const complaint = await this.mustLock(manager, id);
      const request = complaint.documentRequests.find((candidate) => candidate.id === requestId);
      if (!request) throw new DomainError('DOCUMENT_REQUEST_NOT_FOUND', 'no such request for documents');
      if (!isPendingComplaint(complaint.status))
        throw new DomainError('COMPLAINT_NOT_PENDING', `the complaint is ${complaint.status}`, {
          status: complaint.status,
        });
      const now = await this.complaints.databaseNow(manager);
      const today = calendarDateInZone(now, this.timeZone);
      const kept = attachments.map(({ name, sha256 }) => ({ name, sha256 }));
      if (!(await this.complaints.answerDocumentRequest(manager, requestId, today, kept)))
        throw new DomainError('DOCUMENT_REQUEST_ALREADY_ANSWERED', `answered on ${request.answeredOn}`, {
          answeredOn: request.answeredOn,
        });
      await this.record(manager, supervisor, id, now, 'complaint.documents_received', {
        requestId,
        attachments: kept,
      });
      return this.view(manager, id, now);
    });
  }

  /** The line's own suspend, for a pending complaint; once per complaint. */
  suspendProject(supervisor: AuthUser, id: string, reason: string) {
    return this.exclusively(id, () => this.suspendProjectClaimed(supervisor, id, reason));
  }

  private async suspendProjectClaimed(supervisor: AuthUser, id: string, reason: string) {
    const complaint = await this.mustFind(id);
    checkSuspensionForComplaint(complaint.status);
    if (complaint.suspendedOn !== null)
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `the project was already suspended for this complaint on ${complaint.suspendedOn}`,
      );
    await this.processOf(complaint.projectType).suspend(
      supervisor,
      complaint.projectId,
      reason.trim(),
      complaint.id,
    );
    return this.recordAfterCommand(complaint, async (manager, now, today) => {
      await this.complaints.endOtherSuspensions(
        manager,
        complaint.projectType,
        complaint.projectId,
        id,
        today,
      );
      await this.complaints.update(manager, id, {
        suspendedOn: today,
        suspendedAt: now,
        suspensionReason: reason.trim(),
      });
      await this.record(manager, supervisor, id, now, 'complaint.project_suspended', {
        reason: reason.trim(),
      });
    });
  }

  /**
   * The line's own resume of the suspension this complaint holds: its timers get back the time they
   * had left. One it no longer holds (the worker's 30-day cap ended it; a later one is another's)
   * is only recorded as ended, never lifted.
   */
  resumeProject(supervisor: AuthUser, id: string) {
    return this.exclusively(id, () => this.resumeProjectClaimed(supervisor, id));
  }

  private async resumeProjectClaimed(supervisor: AuthUser, id: string) {
    const complaint = await this.mustFind(id);
    if (complaint.suspendedOn === null || complaint.resumedOn !== null)
      throw new DomainError('INVALID_STATE_TRANSITION', 'the project is not suspended for this complaint');
    const process = this.processOf(complaint.projectType);
    // A procurement past its 30 days was resumed by the worker already: the complaint records it.
    if (await this.holdsSuspension(process, complaint))
      await process.resume(supervisor, complaint.projectId, complaint.id);
    return this.recordAfterCommand(complaint, async (manager, now, today) => {
      await this.complaints.update(manager, id, { resumedOn: today });
      await this.record(manager, supervisor, id, now, 'complaint.project_resumed', {});
    });
  }

  /**
   * Runs one step that calls the line's command, alone on its complaint: the command commits in
   * its own transaction before the step is recorded, so a second step in between (a withdrawal
   * racing an upheld `terminate`) would leave project and complaint apart. The loser is refused
   * (COMPLAINT_BUSY) and writes nothing; the winner reads the complaint after its claim.
   */
  private async exclusively<T>(id: string, work: () => Promise<T>): Promise<T> {
    if (!(await this.complaints.claimStep(id, STEP_CLAIM_STALE_SECONDS))) {
      await this.mustFind(id);
      throw new DomainError('COMPLAINT_BUSY', 'another step on this complaint is under way: read it again');
    }
    try {
      return await work();
    } finally {
      await this.complaints.releaseStep(id);
    }
  }

  /**
   * Records a step after the line's command ran: the line's command is its own transaction, and a
   * transaction may not hold a second connection, so the complaint is checked before and locked
   * after. A complaint that changed in between (another supervisor's step) is refused
   * (INVALID_STATE_TRANSITION); the line's own table has refused a second suspend or resume.
   */
  private async recordAfterCommand(
    seen: ComplaintWithRequests,
    work: (manager: EntityManager, now: Date, today: string) => Promise<void>,
  ) {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, seen.id);
      if (
        current.status !== seen.status ||
        current.suspendedOn !== seen.suspendedOn ||
        current.resumedOn !== seen.resumedOn
      )
        throw new DomainError('INVALID_STATE_TRANSITION', 'the complaint changed meanwhile: read it again', {
          status: current.status,
        });
      const now = await this.complaints.databaseNow(manager);
      await work(manager, now, calendarDateInZone(now, this.timeZone));
      return this.view(manager, seen.id, now);
    });
  }

  /** Supervisors read every filing; a complainant its own (anyone else: not found). */
  async get(viewer: AuthUser, id: string) {
    const complaint = await this.complaints.findById(null, id);
    const mayRead =
      complaint &&
      (viewer.roles.includes('supervisor') ||
        (complaint.kind === 'challenge' && viewer.roles.includes('staff')) ||
        complaint.complainantId === viewer.id);
    if (!complaint || !mayRead) throw new DomainError('COMPLAINT_NOT_FOUND', 'no such complaint');
    const [now, calendar] = await Promise.all([this.complaints.databaseNow(), this.calendars.calendar()]);
    const handler =
      viewer.roles.includes('supervisor') ||
      (complaint.kind === 'challenge' && viewer.roles.includes('staff'));
    return handler ? this.toView(complaint, now, calendar) : this.toComplainantView(complaint, now, calendar);
  }

  /** Every filing (supervisors), newest first; `overdue` keeps those with a step past its day. */
  async list(filter: ComplaintFilter & { overdue?: boolean; limit: number; offset: number }) {
    const [now, calendar] = await Promise.all([this.complaints.databaseNow(), this.calendars.calendar()]);
    if (filter.overdue === undefined) {
      const { items, total } = await this.complaints.list(filter);
      return { items: items.map((item) => this.toView(item, now, calendar)), total };
    }
    // Overdue is the rules' reading of the clock, not a column: filter the pending ones here.
    const { limit, offset, overdue, ...rest } = filter;
    const all = await this.complaints.list({ ...rest, limit: 100_000, offset: 0 });
    const views = all.items
      .map((item) => this.toView(item, now, calendar))
      .filter((view) => view.overdue === overdue);
    return { items: views.slice(offset, offset + limit), total: views.length };
  }

  /** The complainant's own filings: status, deadlines, the decision once made. */
  async listMine(complainant: AuthUser, paging: { limit: number; offset: number }) {
    const [now, calendar] = await Promise.all([this.complaints.databaseNow(), this.calendars.calendar()]);
    const { items, total } = await this.complaints.list({ complainantId: complainant.id, ...paging });
    return { items: items.map((item) => this.toComplainantView(item, now, calendar)), total };
  }

  /** The published decisions (no sign-in): the decision and the project only. */
  async publicDecisions(paging: { limit: number; offset: number }) {
    const { items, total } = await this.complaints.listDecided(paging);
    return { items: items.map(toPublicDecision), total };
  }

  /** Each line's closed list of stages, and which ask the day the complainant knew (the filing form's). */
  stageLists() {
    return { items: COMPLAINT_LINES.map((line) => ({ line, stages: complaintStagesOf(line) })) };
  }

  /** Every overdue step of every pending complaint now (the database's clock): for the alerts. */
  async overdueSteps(): Promise<OverdueComplaintStep[]> {
    const [pending, now, calendar] = await Promise.all([
      this.complaints.pending(),
      this.complaints.databaseNow(),
      this.calendars.calendar(),
    ]);
    return overdueComplaintSteps(pending, now, calendar, this.timeZone);
  }

  /**
   * One status change by the lifecycle table. A step that closes the complaint (reject, withdraw,
   * dismiss, uphold) settles the project: the decision's command, or the resumption of a
   * suspension ordered for it.
   */
  private step(...args: Parameters<ComplaintsService['stepClaimed']>) {
    return this.exclusively(args[1], () => this.stepClaimed(...args));
  }

  private async stepClaimed(
    actor: AuthUser,
    id: string,
    action: ComplaintAction,
    changes: (today: string, now: Date) => ComplaintChanges,
    options: {
      ownerOnly?: boolean;
      decision?: ComplaintDecision;
      check?: (complaint: ComplaintWithRequests) => void;
      after?: (
        manager: EntityManager,
        complaint: ComplaintWithRequests,
        today: string,
        now: Date,
      ) => Promise<ComplaintChanges>;
    } = {},
  ) {
    const complaint = await this.mustFind(id);
    if (options.ownerOnly && complaint.complainantId !== actor.id)
      throw new DomainError('COMPLAINT_NOT_FOUND', 'no such complaint');
    options.check?.(complaint);
    const next = nextComplaintStatus(complaint.kind, complaint.status, action);
    if (!next)
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `cannot ${action} a ${complaint.kind} that is ${complaint.status}`,
        { status: complaint.status, action },
      );
    const projectChanges = await this.settleProject(actor, complaint, next, options.decision);
    return this.recordAfterCommand(complaint, async (manager, now, today) => {
      const settled = projectChanges.resumed ? { resumedOn: today } : {};
      const extra = (await options.after?.(manager, complaint, today, now)) ?? {};
      const applied = { ...changes(today, now), ...settled, ...extra, status: next };
      await this.complaints.update(manager, id, applied);
      await this.record(manager, actor, id, now, `complaint.${action}`, {
        from: complaint.status,
        to: next,
        ...dataOf(applied),
      });
    });
  }

  /** What a closing step asks of the project, through the line's own commands. */
  private async settleProject(
    actor: AuthUser,
    complaint: ComplaintWithRequests,
    next: ComplaintStatus,
    decision: ComplaintDecision | undefined,
  ): Promise<{ resumed: boolean }> {
    if (isPendingComplaint(next)) return { resumed: false };
    // Only the complaint that holds the project's suspension lifts it (a line's `correct` never
    // does): the project records its holder, so a suspension the worker's 30-day cap ended, or one
    // a supervisor (or another complaint) ordered since, is never lifted by this one's close — the
    // complaint just records its own suspension's end. A re-run that must fail the project is
    // refused by the line while another's suspension stands; a termination ends it from
    // `suspended` (the lifecycle tables' `suspended → terminated`).
    const ownSuspension = complaint.suspendedOn !== null && complaint.resumedOn === null;
    const process = this.processOf(complaint.projectType);
    const holds = ownSuspension && (await this.holdsSuspension(process, complaint));
    const command = decision ? projectCommandAfterDecision(decision, holds) : holds ? 'resume' : 'none';
    const reason = `complaint ${complaint.id}: ${decision?.reason.trim() ?? next}`;
    if (command === 'resume') await process.resume(actor, complaint.projectId, complaint.id);
    if (command === 'correct') {
      await process.correct(actor, complaint.projectId, reason);
      // Corrected, the project goes on: this complaint's own suspension ends with its decision.
      if (holds) await process.resume(actor, complaint.projectId, complaint.id);
    }
    if (command === 're_run') await process.reRun(actor, complaint.projectId, reason, complaint.id);
    if (command === 'terminate') await process.terminate(actor, complaint.projectId, reason, complaint.id);
    // Closing ends this complaint's suspension one way or another (resumed, terminated, re-run).
    return { resumed: ownSuspension };
  }

  /** The project stands suspended and this complaint holds the suspension (the line's record). */
  private async holdsSuspension(process: SupervisedProcess, complaint: ComplaintWithRequests) {
    const project = await process.find(complaint.projectId);
    return project?.suspended === true && project.suspensionComplaintId === complaint.id;
  }

  private async mustFind(id: string) {
    const complaint = await this.complaints.findById(null, id);
    if (!complaint) throw new DomainError('COMPLAINT_NOT_FOUND', 'no such complaint');
    return complaint;
  }

  private async mustLock(manager: EntityManager, id: string) {
    const complaint = await this.complaints.findById(manager, id, { lock: true });
    if (!complaint) throw new DomainError('COMPLAINT_NOT_FOUND', 'no such complaint');
    return complaint;
  }

  private async view(manager: EntityManager, id: string, now: Date, calendar?: BusinessCalendar) {
    const complaint = (await this.complaints.findById(manager, id))!;
    return this.toView(complaint, now, calendar ?? (await this.calendars.calendar(manager)));
  }

  private toView(complaint: ComplaintWithRequests, now: Date, calendar: BusinessCalendar) {
    return toComplaintView(complaint, complaintDeadlines(calendar, toRecord(complaint), now, this.timeZone));
  }

  private toComplainantView(complaint: ComplaintWithRequests, now: Date, calendar: BusinessCalendar) {
    return toComplainantView(
      complaint,
      complaintDeadlines(calendar, toRecord(complaint), now, this.timeZone),
    );
  }

  private record(
    manager: EntityManager,
    actor: AuthUser,
    id: string,
    at: Date,
    action: string,
    data: Record<string, unknown>,
  ) {
    return this.audit.append(manager, {
      at,
      actorId: actor.id,
      action,
      entityType: AUDIT_ENTITY,
      entityId: id,
      data,
    });
  }
}

/** The rules' view of a stored complaint. */
/** The overdue steps of these (pending) complaints at `now`: shared with the worker's watch. */
export function overdueComplaintSteps(
  pending: ComplaintWithRequests[],
  now: Date,
  calendar: BusinessCalendar,
  timeZone: string,
): OverdueComplaintStep[] {
  return pending.flatMap((complaint) =>
    complaintDeadlines(calendar, toRecord(complaint), now, timeZone)
      .filter((deadline) => deadline.overdue)
      .map((deadline) => ({
        complaintId: complaint.id,
        projectType: complaint.projectType,
        projectId: complaint.projectId,
        step: deadline.step,
        ...(deadline.documentRequestId ? { documentRequestId: deadline.documentRequestId } : {}),
        dueOn: deadline.dueOn,
        dueAt: deadline.dueAt.toISOString(),
      })),
  );
}

function toRecord(complaint: ComplaintWithRequests): ComplaintRecord {
  return {
    line: complaint.projectType,
    kind: complaint.kind,
    status: complaint.status,
    filedOn: complaint.filedOn,
    acceptanceDecidedOn: complaint.acceptanceDecidedOn,
    acceptedOn: complaint.acceptedOn,
    decidedOn: complaint.decidedOn,
    withdrawnOn: complaint.withdrawnOn,
    documentRequests: complaint.documentRequests,
    suspension:
      complaint.suspendedOn === null
        ? null
        : { suspendedOn: complaint.suspendedOn, resumedOn: complaint.resumedOn },
  };
}

/** Audit data: JSON-safe (instants as ISO text). */
function dataOf(changes: ComplaintChanges): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(changes).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]),
  );
}
