/**
 * The pure rules of complaints (质疑 / 投诉, issue 10; DOMAIN.md A, B and Supervision): the
 * statutory window of each line, the periods the centre must keep (accept, reply, decide), every
 * deadline of one complaint and which are overdue at an instant (the worker's alerts), the checks
 * on a decision, and what the decision asks of the project.
 *
 * Days are calendar dates (`YYYY-MM-DD`) in CENTRE_TZ, counted as everywhere in the domain: the
 * day of the event is day 0, the next (business) day is day 1, and a period runs to 24:00 of its
 * last day. A period in calendar days whose last day is not a working day ends on the next one
 * (民法典 第203条: 期间的最后一日是法定休假日的,以法定休假日结束的次日为期间的最后一日).
 *
 * The supervisor's own periods (accept, decide) are duties, not refusals: a late acceptance is
 * still an acceptance, and the overdue step raises an alert. Only the complainant's window refuses.
 */
import { addCalendarDays, type BusinessCalendar } from './business-calendar.js';
import { calendarDateInZone, isCalendarDate } from './calendar.js';
import {
  type ComplaintKind,
  type ComplaintStatus,
  isClosedComplaint,
  isPendingComplaint,
} from './complaint-lifecycle.js';
import { DomainError } from './errors.js';
import type { RuleViolation } from './lease-listing-schedule.js';
import { endOfCalendarDay, isSha256Hex } from './transfer-rules.js';

/** The lines a complaint can be about (a lease and a transfer are both property rights). */
export const COMPLAINT_LINES = ['construction', 'procurement', 'lease', 'transfer'] as const;
export type ComplaintLine = (typeof COMPLAINT_LINES)[number];

export interface DayPeriod {
  days: number;
  unit: 'calendar' | 'business';
}

export interface ComplaintPeriods {
  /** The basis the centre cites when it refuses a late filing or flags a late step. */
  basis: string;
  /** 质疑 (procurement only): from the day the supplier knew or should have known. */
  challengeWindow: DayPeriod | null;
  /** The purchaser's reply to a challenge. */
  challengeReply: DayPeriod | null;
  /**
   * 投诉: from the day the complainant knew or should have known — or, where a challenge must
   * come first, from the reply (or from the day the reply was due, if none came).
   */
  complaintWindow: DayPeriod;
  /** A complaint needs an earlier challenge on the same matter (政府采购法 第55条). */
  complaintNeedsChallenge: boolean;
  /** Accept or reject (受理) from the day it was filed. */
  acceptance: DayPeriod;
  /** Decide from the day it was accepted; time waiting for requested documents is not counted. */
  handling: DayPeriod;
  /** The longest a project may stay suspended for a complaint (政府采购法 第57条: 30 日). */
  suspensionCap: DayPeriod | null;
}

/**
 * The periods per line. Construction and procurement are statute; leases and transfers have no
 * national rule, so the platform chose district settings (a caller may pass its own): a
 * complaint within 5 business days of knowing — the length of the result publicity, so a
 * complaint arrives before the contract — accepted within 3 business days and decided within 15,
 * so a lease auction is not frozen for the 30 business days a construction tender may be.
 */
export const COMPLAINT_PERIODS: Readonly<Record<ComplaintLine, ComplaintPeriods>> = {
  construction: {
    basis: '招标投标法实施条例 第60–61条; 工程建设项目招标投标活动投诉处理办法 第9、11、21条',
    challengeWindow: null,
    challengeReply: null,
    complaintWindow: { days: 10, unit: 'calendar' },
    complaintNeedsChallenge: false,
    acceptance: { days: 3, unit: 'business' },
    handling: { days: 30, unit: 'business' },
    suspensionCap: null,
  },
  procurement: {
    basis: '政府采购法 第52–57条; 政府采购质疑和投诉办法 (财政部令第94号)',
    challengeWindow: { days: 7, unit: 'business' },
    challengeReply: { days: 7, unit: 'business' },
    complaintWindow: { days: 15, unit: 'business' },
    complaintNeedsChallenge: true,
    // 财政部令第94号 第21条: the finance department decides on acceptance within 5 business days.
    acceptance: { days: 5, unit: 'business' },
    handling: { days: 30, unit: 'business' },
    suspensionCap: { days: 30, unit: 'calendar' },
  },
  lease: {
    basis: 'district setting (no national rule): 5 / 3 / 15 business days',
    challengeWindow: null,
    challengeReply: null,
    complaintWindow: { days: 5, unit: 'business' },
    complaintNeedsChallenge: false,
    acceptance: { days: 3, unit: 'business' },
    handling: { days: 15, unit: 'business' },
    suspensionCap: null,
  },
  transfer: {
    basis: 'district setting (no national rule): 5 / 3 / 15 business days',
    challengeWindow: null,
    challengeReply: null,
    complaintWindow: { days: 5, unit: 'business' },
    complaintNeedsChallenge: false,
    acceptance: { days: 3, unit: 'business' },
    handling: { days: 15, unit: 'business' },
    suspensionCap: null,
  },
};

function requireDate(field: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || !isCalendarDate(value))
    throw new DomainError('VALIDATION_FAILED', `${field} must be a date (YYYY-MM-DD)`, [
      { field, rule: 'a calendar date YYYY-MM-DD' },
    ]);
}

/**
 * The last day of a period that starts on `startOn` (day 0). A calendar-day period ending on a
 * day off runs on to the next business day; a business-day period ends on a business day anyway.
 */
export function periodLastDay(calendar: BusinessCalendar, startOn: string, period: DayPeriod): string {
  if (period.unit === 'business') return calendar.addBusinessDays(startOn, period.days);
  let last = addCalendarDays(startOn, period.days);
  while (!calendar.isBusinessDay(last)) last = addCalendarDays(last, 1);
  return last;
}

// ---------------------------------------------------------------------------------------------
// Filing (the complainant's window)

export const MAX_GROUNDS_LENGTH = 10_000;
export const MAX_ATTACHMENTS = 50;

/**
 * The stages a filing names: a closed list, matched exactly (a padded or unknown name is not a
 * stage, so it cannot dodge the publication day a line knows). The published acts (announcement,
 * opening, candidates, result) take their window from the line's publication day; the others from
 * the complainant's knewOn, which `other` must state.
 */
export const COMPLAINT_STAGES = [
  'announcement',
  'documents',
  'opening',
  'candidates',
  'bidding',
  'result',
  'contract',
  'other',
] as const;
export type ComplaintStage = (typeof COMPLAINT_STAGES)[number];

/**
 * Each line's own stages: a lease or a transfer has a live bidding (竞价) but no sealed opening nor
 * candidates' publicity.
 */
export const COMPLAINT_STAGES_BY_LINE: Record<ComplaintLine, readonly ComplaintStage[]> = {
  construction: ['announcement', 'documents', 'opening', 'candidates', 'result', 'contract', 'other'],
  procurement: ['announcement', 'documents', 'opening', 'result', 'contract', 'other'],
  lease: ['announcement', 'bidding', 'result', 'contract', 'other'],
  transfer: ['announcement', 'bidding', 'result', 'contract', 'other'],
};

/**
 * The stages that name no act a line publishes and dates (`other`): the complainant states the day
 * they knew (knewOn). For the others a line's publication day decides when it has one.
 */
export const KNEW_ON_REQUIRED_STAGES: readonly ComplaintStage[] = ['other'];

/** A line's closed list as the filing form offers it (GET /api/public/complaint-stages). */
export function complaintStagesOf(line: ComplaintLine): { stage: ComplaintStage; knewOnRequired: boolean }[] {
  return COMPLAINT_STAGES_BY_LINE[line].map((stage) => ({
    stage,
    knewOnRequired: KNEW_ON_REQUIRED_STAGES.includes(stage),
  }));
}

/** How many pending filings one complainant may have against one project at a time. */
export const MAX_OPEN_FILINGS_PER_PROJECT = 5;

/**
 * The stage is one of the line's (COMPLAINT_STAGE_UNKNOWN); `other` names no published act, so
 * the complainant says when they knew (COMPLAINT_KNEW_ON_REQUIRED).
 */
export function checkComplaintStage(line: ComplaintLine, stage: string, knewOn: string | undefined): void {
  if (!(COMPLAINT_STAGES_BY_LINE[line] as readonly string[]).includes(stage))
    throw new DomainError('COMPLAINT_STAGE_UNKNOWN', `a ${line} complaint names one of its stages`, {
      allowed: COMPLAINT_STAGES_BY_LINE[line],
    });
  if ((KNEW_ON_REQUIRED_STAGES as readonly string[]).includes(stage) && knewOn === undefined)
    throw new DomainError(
      'COMPLAINT_KNEW_ON_REQUIRED',
      'a complaint about another matter says the day the complainant knew of it (knewOn)',
    );
}

/** A complainant's pending filings against one project are capped (COMPLAINT_FILINGS_LIMIT). */
export function checkOpenFilings(openFilings: number): void {
  if (openFilings >= MAX_OPEN_FILINGS_PER_PROJECT)
    throw new DomainError(
      'COMPLAINT_FILINGS_LIMIT',
      `at most ${MAX_OPEN_FILINGS_PER_PROJECT} pending filings per complainant and project`,
      { limit: MAX_OPEN_FILINGS_PER_PROJECT },
    );
}

export interface ComplaintAttachment {
  name: string;
  sha256: string;
}

export interface ComplaintFiling {
  kind: ComplaintKind;
  /** The stage complained about, as the line names it (announcement, opening, result …). */
  stage: string;
  grounds: string;
  attachments: ComplaintAttachment[];
  /** The day it reaches the centre (the database's clock, as a CENTRE_TZ date). */
  filedOn: string;
  /**
   * The day the complainant knew or should have known: the publication date of a published act
   * (announcement, opening record, result) — a later claim does not reopen the window.
   */
  knewOn: string;
  /** Procurement: the challenge on the same matter that came first, with its reply if any. */
  challenge?: { filedOn: string; repliedOn: string | null } | null;
}

export function complaintFilingViolations(filing: ComplaintFiling): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (typeof filing.stage !== 'string' || filing.stage.trim() === '' || filing.stage.length > 100)
    violations.push({ field: 'stage', rule: '1–100 characters' });
  if (
    typeof filing.grounds !== 'string' ||
    filing.grounds.trim() === '' ||
    filing.grounds.length > MAX_GROUNDS_LENGTH
  )
    violations.push({ field: 'grounds', rule: `1–${MAX_GROUNDS_LENGTH} characters` });
  if (!Array.isArray(filing.attachments) || filing.attachments.length > MAX_ATTACHMENTS)
    violations.push({ field: 'attachments', rule: `at most ${MAX_ATTACHMENTS}` });
  else
    filing.attachments.forEach((attachment, index) => {
      if (
        typeof attachment.name !== 'string' ||
        attachment.name.trim() === '' ||
        attachment.name.length > 255
      )
        violations.push({ field: `attachments[${index}].name`, rule: '1–255 characters' });
      if (!isSha256Hex(attachment.sha256))
        violations.push({ field: `attachments[${index}].sha256`, rule: '64 lowercase hex digits' });
    });
  for (const field of ['filedOn', 'knewOn'] as const)
    if (typeof filing[field] !== 'string' || !isCalendarDate(filing[field]))
      violations.push({ field, rule: 'a calendar date YYYY-MM-DD' });
  if (violations.length === 0 && filing.knewOn > filing.filedOn)
    violations.push({ field: 'knewOn', rule: 'not after the day of filing' });
  return violations;
}

/** The days a filing of this kind is accepted on: [opensOn, closesOn], both inclusive. */
export interface FilingWindow {
  opensOn: string;
  closesOn: string;
  period: DayPeriod;
  basis: string;
}

/**
 * The window for a filing, or the refusal that no window exists: a challenge outside procurement
 * (COMPLAINT_KIND_NOT_ALLOWED), a procurement complaint with no challenge first
 * (CHALLENGE_REQUIRED). A procurement complaint's window opens with the reply — or, with none, the
 * day after the reply was due — and runs 15 business days from it.
 */
export function filingWindow(
  calendar: BusinessCalendar,
  line: ComplaintLine,
  filing: Pick<ComplaintFiling, 'kind' | 'knewOn' | 'challenge'>,
  periods: ComplaintPeriods = COMPLAINT_PERIODS[line],
): FilingWindow {
  if (filing.kind === 'challenge') {
    if (!periods.challengeWindow)
      throw new DomainError(
        'COMPLAINT_KIND_NOT_ALLOWED',
        `a challenge (质疑) belongs to government procurement; on this line file a complaint (投诉)`,
        { line, kind: filing.kind },
      );
    return {
      opensOn: filing.knewOn,
      closesOn: periodLastDay(calendar, filing.knewOn, periods.challengeWindow),
      period: periods.challengeWindow,
      basis: periods.basis,
    };
  }
  if (!periods.complaintNeedsChallenge)
    return {
      opensOn: filing.knewOn,
      closesOn: periodLastDay(calendar, filing.knewOn, periods.complaintWindow),
      period: periods.complaintWindow,
      basis: periods.basis,
    };
  const challenge = filing.challenge;
  if (!challenge || !periods.challengeReply)
    throw new DomainError(
      'CHALLENGE_REQUIRED',
      'a procurement complaint (投诉) follows a challenge (质疑) on the same matter: challenge first',
      { line },
    );
  requireDate('challenge.filedOn', challenge.filedOn);
  if (challenge.repliedOn !== null) requireDate('challenge.repliedOn', challenge.repliedOn);
  const replyDueOn = periodLastDay(calendar, challenge.filedOn, periods.challengeReply);
  const startOn = challenge.repliedOn ?? replyDueOn;
  return {
    opensOn: challenge.repliedOn ?? addCalendarDays(replyDueOn, 1),
    closesOn: periodLastDay(calendar, startOn, periods.complaintWindow),
    period: periods.complaintWindow,
    basis: periods.basis,
  };
}

/**
 * Checks a filing: its form (VALIDATION_FAILED, every problem at once), then its window:
 * COMPLAINT_WINDOW_NOT_OPEN (a procurement complaint before the reply or its due day passed),
 * COMPLAINT_WINDOW_CLOSED (after the last day), with the window in the details.
 */
export function checkComplaintFiling(
  calendar: BusinessCalendar,
  line: ComplaintLine,
  filing: ComplaintFiling,
  periods: ComplaintPeriods = COMPLAINT_PERIODS[line],
): FilingWindow {
  const violations = complaintFilingViolations(filing);
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the filing is incomplete', violations);
  const window = filingWindow(calendar, line, filing, periods);
  const details = { line, kind: filing.kind, filedOn: filing.filedOn, ...window };
  if (filing.filedOn < window.opensOn)
    throw new DomainError(
      'COMPLAINT_WINDOW_NOT_OPEN',
      `a complaint can be filed from ${window.opensOn}, once the challenge has its reply or the reply is overdue`,
      details,
    );
  if (filing.filedOn > window.closesOn)
    throw new DomainError(
      'COMPLAINT_WINDOW_CLOSED',
      `the window for this ${filing.kind === 'challenge' ? 'challenge (质疑)' : 'complaint (投诉)'} closed on ${window.closesOn} (${window.basis})`,
      details,
    );
  return window;
}

// ---------------------------------------------------------------------------------------------
// Deadlines of one complaint (for the worker's alerts)

export interface DocumentRequest {
  id: string;
  /** Whom the documents are asked of (the complainant, the owner, a bidder). */
  addressee: string;
  requestedOn: string;
  dueOn: string;
  answeredOn: string | null;
}

/** Requests are made while investigating, and are due after the day they are made. */
export function checkDocumentRequest(
  status: ComplaintStatus,
  request: Pick<DocumentRequest, 'requestedOn' | 'dueOn' | 'addressee'>,
): void {
  if (status !== 'investigating')
    throw new DomainError(
      'DOCUMENT_REQUEST_NOT_ALLOWED',
      'documents are requested while the complaint is being investigated',
      { status },
    );
  const violations: RuleViolation[] = [];
  if (
    typeof request.addressee !== 'string' ||
    request.addressee.trim() === '' ||
    request.addressee.length > 200
  )
    violations.push({ field: 'addressee', rule: '1–200 characters' });
  if (!isCalendarDate(request.requestedOn)) violations.push({ field: 'requestedOn', rule: 'a date' });
  if (!isCalendarDate(request.dueOn)) violations.push({ field: 'dueOn', rule: 'a date' });
  else if (request.dueOn <= request.requestedOn)
    violations.push({ field: 'dueOn', rule: 'after the day of the request' });
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the document request is incomplete', violations);
}

export interface ComplaintRecord {
  line: ComplaintLine;
  kind: ComplaintKind;
  status: ComplaintStatus;
  filedOn: string;
  /** The acceptance decision (accepted or rejected): the day it was taken. */
  acceptanceDecidedOn: string | null;
  /** The day the handling period started (受理之日); null until accepted. */
  acceptedOn: string | null;
  /** Upheld or dismissed (a challenge: the reply). */
  decidedOn: string | null;
  withdrawnOn: string | null;
  documentRequests: DocumentRequest[];
  /** The project's suspension for this complaint, if one was ordered. */
  suspension: { suspendedOn: string; resumedOn: string | null } | null;
}

export const COMPLAINT_DEADLINE_STEPS = ['accept', 'reply', 'decide', 'documents', 'resume'] as const;
export type ComplaintDeadlineStep = (typeof COMPLAINT_DEADLINE_STEPS)[number];

export interface ComplaintDeadline {
  step: ComplaintDeadlineStep;
  /** Documents: which request. */
  documentRequestId?: string;
  /** The last day, and the instant it runs out (24:00 CENTRE_TZ of that day). */
  dueOn: string;
  dueAt: Date;
  /** The day the step was done, or null. */
  metOn: string | null;
  /** Done after its last day (kept for the record; no longer alerts). */
  late: boolean;
  /** Not done and its time ran out by `at`: an alert. */
  overdue: boolean;
}

/** Business (or calendar) days spent waiting for documents, each day once however many requests. */
function daysAwaitingDocuments(
  calendar: BusinessCalendar,
  requests: readonly DocumentRequest[],
  until: string,
  unit: DayPeriod['unit'],
): number {
  const days = new Set<string>();
  for (const request of requests) {
    const end = request.answeredOn ?? until;
    for (
      let day = addCalendarDays(request.requestedOn, 1);
      day <= end && day <= until;
      day = addCalendarDays(day, 1)
    )
      if (unit === 'calendar' || calendar.isBusinessDay(day)) days.add(day);
  }
  return days.size;
}

/**
 * Every deadline of one complaint at instant `at`, and which are overdue: accept (受理, from the
 * filing), reply (a challenge's answer), decide (from the acceptance, moved later by the days spent
 * waiting for requested documents), each document request, and the end of a procurement
 * suspension (30 days at most). Steps the complaint no longer needs (a rejected complaint is never
 * decided, a withdrawn one ends everything) are left out.
 */
export function complaintDeadlines(
  calendar: BusinessCalendar,
  complaint: ComplaintRecord,
  at: Date,
  timeZone: string,
  periods: ComplaintPeriods = COMPLAINT_PERIODS[complaint.line],
): ComplaintDeadline[] {
  const today = calendarDateInZone(at, timeZone);
  const deadlines: ComplaintDeadline[] = [];
  const add = (
    step: ComplaintDeadlineStep,
    dueOn: string,
    metOn: string | null,
    documentRequestId?: string,
  ) => {
    const dueAt = endOfCalendarDay(dueOn, timeZone);
    deadlines.push({
      step,
      ...(documentRequestId === undefined ? {} : { documentRequestId }),
      dueOn,
      dueAt,
      metOn,
      late: metOn !== null && metOn > dueOn,
      overdue: metOn === null && at.getTime() >= dueAt.getTime(),
    });
  };
  // A withdrawal ends every step still open: nobody owes anything on a withdrawn complaint.
  const open = (metOn: string | null) => metOn !== null || complaint.status !== 'withdrawn';

  if (complaint.kind === 'challenge') {
    const reply = periods.challengeReply ?? COMPLAINT_PERIODS.procurement.challengeReply!;
    if (open(complaint.decidedOn))
      add('reply', periodLastDay(calendar, complaint.filedOn, reply), complaint.decidedOn);
  } else {
    if (open(complaint.acceptanceDecidedOn))
      add(
        'accept',
        periodLastDay(calendar, complaint.filedOn, periods.acceptance),
        complaint.acceptanceDecidedOn,
      );
    if (complaint.acceptedOn !== null && open(complaint.decidedOn)) {
      const until = complaint.decidedOn ?? complaint.withdrawnOn ?? today;
      const paused = daysAwaitingDocuments(
        calendar,
        complaint.documentRequests,
        until,
        periods.handling.unit,
      );
      const handling = { ...periods.handling, days: periods.handling.days + paused };
      add('decide', periodLastDay(calendar, complaint.acceptedOn, handling), complaint.decidedOn);
    }
    for (const request of complaint.documentRequests)
      if (request.answeredOn !== null || !isClosedComplaint(complaint.status))
        add('documents', request.dueOn, request.answeredOn, request.id);
  }
  if (complaint.suspension && periods.suspensionCap) {
    const { suspendedOn, resumedOn } = complaint.suspension;
    // A cap on a suspension is a plain count of days (最长不得超过三十日), not a party's period.
    const dueOn =
      periods.suspensionCap.unit === 'business'
        ? calendar.addBusinessDays(suspendedOn, periods.suspensionCap.days)
        : addCalendarDays(suspendedOn, periods.suspensionCap.days);
    add('resume', dueOn, resumedOn);
  }
  return deadlines;
}

/** Only the overdue ones: what the worker raises alerts for. */
export function overdueComplaintSteps(
  calendar: BusinessCalendar,
  complaint: ComplaintRecord,
  at: Date,
  timeZone: string,
  periods?: ComplaintPeriods,
): ComplaintDeadline[] {
  return complaintDeadlines(calendar, complaint, at, timeZone, periods).filter(
    (deadline) => deadline.overdue,
  );
}

// ---------------------------------------------------------------------------------------------
// Decision and what it asks of the project

export const COMPLAINT_REMEDIES = ['corrected', 're_run', 'terminated'] as const;
/** What an upheld complaint does to the project: 责令改正, 重新招标/采购/挂牌, or 终止. */
export type ComplaintRemedy = (typeof COMPLAINT_REMEDIES)[number];

export interface ComplaintDecision {
  outcome: 'upheld' | 'dismissed';
  remedy: ComplaintRemedy | null;
  /** 虚假投诉 / 恶意投诉: dismissed and found false — the complainant gets a credit record. */
  foundFalse: boolean;
  reason: string;
}

/**
 * An upheld complaint names its remedy (COMPLAINT_REMEDY_REQUIRED); a dismissed one has none
 * (COMPLAINT_REMEDY_NOT_ALLOWED); only a dismissed complaint can be found false
 * (FALSE_COMPLAINT_NOT_DISMISSED). The published decision needs a reason.
 */
export function checkComplaintDecision(decision: ComplaintDecision): void {
  if (typeof decision.reason !== 'string' || decision.reason.trim() === '' || decision.reason.length > 10_000)
    throw new DomainError('VALIDATION_FAILED', 'a decision gives its reason', [
      { field: 'reason', rule: '1–10000 characters' },
    ]);
  if (decision.outcome === 'upheld' && !COMPLAINT_REMEDIES.includes(decision.remedy as ComplaintRemedy))
    throw new DomainError(
      'COMPLAINT_REMEDY_REQUIRED',
      'an upheld complaint says what happens to the project',
      {
        allowed: COMPLAINT_REMEDIES,
      },
    );
  if (decision.outcome === 'dismissed' && decision.remedy !== null)
    throw new DomainError(
      'COMPLAINT_REMEDY_NOT_ALLOWED',
      'a dismissed complaint changes nothing in the project',
    );
  if (decision.foundFalse && decision.outcome !== 'dismissed')
    throw new DomainError('FALSE_COMPLAINT_NOT_DISMISSED', 'only a dismissed complaint can be found false');
}

/** The project's own command a decision calls for (the project changes only through its commands). */
export type ProjectCommand = 'resume' | 'correct' | 're_run' | 'terminate' | 'none';

export function projectCommandAfterDecision(
  decision: ComplaintDecision,
  projectSuspended: boolean,
): ProjectCommand {
  if (decision.outcome === 'upheld')
    return decision.remedy === 'corrected'
      ? 'correct'
      : decision.remedy === 're_run'
        ? 're_run'
        : 'terminate';
  return projectSuspended ? 'resume' : 'none';
}

/**
 * A supervisor may suspend a project for a complaint only while it is pending; a decided,
 * rejected or withdrawn complaint suspends nothing (COMPLAINT_NOT_PENDING). The suspension itself
 * is the line's own `suspend` command, whose timers freeze and resume with the time they had left.
 */
export function checkSuspensionForComplaint(status: ComplaintStatus): void {
  if (!isPendingComplaint(status))
    throw new DomainError(
      'COMPLAINT_NOT_PENDING',
      `the complaint is ${status}: nothing left to suspend for`,
      {
        status,
      },
    );
}
