import type { AuthUser } from '@ggzy/auth';

/** The lines a complaint can be about; the complaint rules' own names (complaint-rules.ts). */
export type SupervisedLine = 'construction' | 'procurement' | 'lease' | 'transfer';

/** What supervision reads of a project: enough to file against it and to say what it is. */
export interface SupervisedProject {
  id: string;
  title: string;
  /** The line's own status (e.g. `bidding`, `suspended`). */
  status: string;
  suspended: boolean;
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
  /** The supervisor's suspension: every timer freezes; resume gives them the time they had left. */
  suspend(actor: AuthUser, projectId: string, reason: string): Promise<void>;
  resume(actor: AuthUser, projectId: string): Promise<void>;
  /** An upheld complaint's remedies (the decision names one). */
  terminate(actor: AuthUser, projectId: string, reason: string): Promise<void>;
  reRun(actor: AuthUser, projectId: string, reason: string): Promise<void>;
  correct(actor: AuthUser, projectId: string, reason: string): Promise<void>;
}

/** Nest DI token: the array of every line's SupervisedProcess. */
export const SUPERVISED_PROCESSES = Symbol('SUPERVISED_PROCESSES');
