import type { AuthUser } from '@ggzy/auth';
import { DomainError } from '@ggzy/domain';

/** The lines a complaint can be about; the complaint rules' own names (complaint-rules.ts). */
export type SupervisedLine = 'construction' | 'procurement' | 'lease' | 'transfer';

/** What supervision reads of a project: enough to file against it and to say what it is. */
export interface SupervisedProject {
  id: string;
  title: string;
  /** The line's own status (e.g. `bidding`, `suspended`). */
  status: string;
  suspended: boolean;
  /**
   * The complaint that holds the suspension, or null: not suspended, or held by the line's own act
   * (a supervisor's order on the line's endpoint, a tender's objection). Only the holder lifts it.
   */
  suspensionComplaintId: string | null;
}

/**
 * A business line as supervision sees it (issue 10): the port libs/supervision calls, so it never
 * imports a line. Each line lib implements it with its own existing commands; the apps provide
 * every line's under SUPERVISED_PROCESSES. The remedies run in the line's own transaction and
 * lifecycle table; a remedy a line cannot carry out throws its DomainError, which the complaint
 * then does not record.
 */
export interface SupervisedProcess {
  readonly line: SupervisedLine;
  /** A published project (a draft is nobody's business but staff's), or null. */
  find(projectId: string): Promise<SupervisedProject | null>;
  /** Who may complain: a party that registered for (and so possibly bid on) the project. */
  isParticipant(projectId: string, partyId: string): Promise<boolean>;
  /**
   * The day (CENTRE_TZ) the stage's act was published — the day a complainant knew of it — or
   * null when the line publishes no such act for the project (yet).
   */
  stagePublishedOn(projectId: string, stage: string): Promise<string | null>;
  /**
   * The supervisor's suspension for a complaint, which then holds it: every timer freezes; resume
   * gives them the time they had left.
   */
  suspend(actor: AuthUser, projectId: string, reason: string, complaintId: string): Promise<void>;
  /**
   * Lifts the suspension `complaintId` holds (PROJECT_SUSPENDED_BY_ANOTHER when another holds it,
   * checked under the project's lock). A tender an objection also holds stays suspended for it.
   */
  resume(actor: AuthUser, projectId: string, complaintId: string): Promise<void>;
  /**
   * An upheld complaint's remedies (the decision names one), for `complaintId`. Terminating is
   * the lifecycle's `suspended → terminated` when suspended (whoever holds it: the project ends);
   * a re-run that fails the project lifts only the complaint's own suspension first, and is refused
   * (PROJECT_SUSPENDED_BY_ANOTHER) while another's stands — the tables have no failure from
   * `suspended`.
   */
  terminate(actor: AuthUser, projectId: string, reason: string, complaintId: string): Promise<void>;
  reRun(actor: AuthUser, projectId: string, reason: string, complaintId: string): Promise<void>;
  correct(actor: AuthUser, projectId: string, reason: string): Promise<void>;
}

/** Who holds a suspension a complaint may not lift: a supervisor's own order, another complaint, an objection. */
export type SuspensionHolder = 'supervisor' | 'complaint' | 'objection';

/**
 * The refusal of a complaint's step that would lift (or needs lifted) a suspension it does not hold
 * (PROJECT_SUSPENDED_BY_ANOTHER, 409): the holder lifts it first. The other complaint is not named:
 * staff answering a challenge read no complaints.
 */
export function suspendedByAnother(heldBy: SuspensionHolder): DomainError {
  return new DomainError(
    'PROJECT_SUSPENDED_BY_ANOTHER',
    heldBy === 'supervisor'
      ? "a supervisor's own order holds the project's suspension: only its resume lifts it"
      : heldBy === 'objection'
        ? 'an objection waiting for its reply holds the suspension: the reply lifts it'
        : "another complaint holds the project's suspension: only its close (or resume-project) lifts it",
    { heldBy },
  );
}

/**
 * The refusal of a line's own resume (its supervisor endpoint) of a suspension a complaint holds
 * (SUSPENSION_HELD_BY_COMPLAINT, 409): that complaint lifts it — POST
 * /api/complaints/:id/resume-project, or its close — so the complaint's record stays true.
 */
export function suspensionHeldByComplaint(complaintId: string): DomainError {
  return new DomainError(
    'SUSPENSION_HELD_BY_COMPLAINT',
    `the suspension was ordered for complaint ${complaintId}: resume it there (POST /api/complaints/${complaintId}/resume-project)`,
    { complaintId },
  );
}

/** Nest DI token: the array of every line's SupervisedProcess. */
export const SUPERVISED_PROCESSES = Symbol('SUPERVISED_PROCESSES');
