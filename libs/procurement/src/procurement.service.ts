import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  addCalendarDays,
  bidDeadlineInstant,
  calendarDateInZone,
  canonicalProcurementItemCode,
  canonicalProcurementItemName,
  calendarDaysBetween,
  checkDepositLimit,
  checkFrameworkEntry,
  checkFrameworkTerms,
  type FrameworkCallOffMethod,
  type FrameworkQualityFirstGround,
  checkObjectionInPublicity,
  checkObjectionsAnswered,
  checkProcurementItem,
  checkProcurementSchedule,
  checkProcurementScoring,
  checkReplanMethod,
  type Criterion,
  DomainError,
  isFinalProcurementStatus,
  isUnifiedSocialCreditCode,
  nextProcurementStatus,
  objectionAnswerDueOn,
  pickInvitedSuppliers,
  PROCUREMENT_METHOD_RULES,
  type ProcurementAction,
  type ProcurementEvaluationMethod,
  type ProcurementMethod,
  type ProcurementSchedule,
  type ProcurementStatus,
  type ProcurementSubjectType,
  responseDeadlineAfterAmendment,
  resumedCalendarPeriodEnd,
  startOfDayInZone,
  requireDate,
  confirmedOrganizationName,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  CommitteeDrawsRepository,
  ProcurementMethodsRepository,
  type ProcurementProjectEntity,
  ProcurementProjectsRepository,
  type RegistrationHost,
  RegistrationsRepository,
} from '@ggzy/persistence';
import { ProcurementScheduler } from '@ggzy/queues';
import {
  RegistrationsService,
  suspendedByAnother,
  suspensionHeldByComplaint,
  toSupplierRegistrationView,
} from '@ggzy/registrations';
import { hasAnyRole, type AuthUser } from '@ggzy/auth';
import { DepositsService } from '@ggzy/deposits';
import { BusinessCalendarService } from '@ggzy/calendar';
import { type BidContent, SealedBidsService, toOwnBidStatus, toSealedBidReceipt } from '@ggzy/sealed-bids';
import {
  toProcurementNoticeView,
  toPublicObjection,
  toPublicProcurement,
  toStaffProcurement,
} from './procurement-project.views.js';

/** A procurement's registrations, deposits and sealed responses are keyed by its id under this host type. */
export const PROCUREMENT_HOST_TYPE = 'procurement_project' as const;
export const procurementHost = (
  projectId: string,
): RegistrationHost & { hostType: typeof PROCUREMENT_HOST_TYPE } => ({
  hostType: PROCUREMENT_HOST_TYPE,
  hostId: projectId,
});
const ENTITY_TYPE = 'procurement_project';
const INITIAL_STATUS: ProcurementStatus = 'planned';

export interface ProcurementInput {
  method: ProcurementMethod;
  title: string;
  purchaserName: string;
  purchaserOrgCode: string;
  description: string;
  /** 品目: the catalogue's code and its name, both or neither (procurement-items.ts). */
  itemCode: string | null;
  itemName: string | null;
  supplierConditions: string;
  budget: number;
  deposit: number;
  documents: { name: string; sha256: string }[];
  deadlineTime: string;
  qualificationCallStartsOn: string | null;
  qualificationCallEndsOn: string | null;
  publicityStartsOn: string | null;
  publicityEndsOn: string | null;
  singleSourceSupplier: string | null;
  singleSourceReasons: string | null;
  documentsIssuedOn: string | null;
  documentsAvailableUntil: string | null;
  deadlineOn: string | null;
  subjectType: ProcurementSubjectType | null;
  evaluationMethod: ProcurementEvaluationMethod;
  criteria: Criterion[] | null;
  admittedSuppliers: number | null;
  termStartsOn: string | null;
  termEndsOn: string | null;
  /** A framework agreement by quality (质量优先法): the ground 第110号令 第26条 allows it on. */
  qualityFirstGround: FrameworkQualityFirstGround | null;
  /** A framework agreement's 最高限制单价, fen. */
  maxUnitPrice: number | null;
  /** A framework agreement's second stage: 直接选定 (the default) or 顺序轮候. */
  callOffMethod: FrameworkCallOffMethod | null;
}

export const PROCUREMENT_DEFAULTS = {
  itemCode: null,
  itemName: null,
  supplierConditions: '',
  documents: [] as { name: string; sha256: string }[],
  deposit: 0,
  deadlineTime: '09:30',
  subjectType: null,
  evaluationMethod: 'lowest_evaluated_price' as ProcurementEvaluationMethod,
  criteria: null,
};

const TERM_FIELDS = [
  'method',
  'title',
  'purchaserName',
  'purchaserOrgCode',
  'description',
  'itemCode',
  'itemName',
  'supplierConditions',
  'budget',
  'deposit',
  'documents',
  'deadlineTime',
  'qualificationCallStartsOn',
  'qualificationCallEndsOn',
  'publicityStartsOn',
  'publicityEndsOn',
  'singleSourceSupplier',
  'singleSourceReasons',
  'documentsIssuedOn',
  'documentsAvailableUntil',
  'deadlineOn',
  'subjectType',
  'evaluationMethod',
  'criteria',
  'admittedSuppliers',
  'termStartsOn',
  'termEndsOn',
  'qualityFirstGround',
  'maxUnitPrice',
  'callOffMethod',
] as const satisfies readonly (keyof ProcurementInput & keyof ProcurementProjectEntity)[];

/** The fields each method uses; the others are stored empty (a method changed in planning drops them). */
function fieldsOf(method: ProcurementMethod): Set<keyof ProcurementInput> {
  if (method === 'single_source')
    return new Set(['publicityStartsOn', 'publicityEndsOn', 'singleSourceSupplier', 'singleSourceReasons']);
  const fields = new Set<keyof ProcurementInput>(['documentsIssuedOn', 'deadlineOn']);
  if (PROCUREMENT_METHOD_RULES[method].documentsAvailable) fields.add('documentsAvailableUntil');
  if (method === 'invited_tender') {
    fields.add('qualificationCallStartsOn');
    fields.add('qualificationCallEndsOn');
  }
  if (method === 'framework_agreement') {
    fields.add('admittedSuppliers');
    fields.add('termStartsOn');
    fields.add('termEndsOn');
    fields.add('qualityFirstGround');
    fields.add('maxUnitPrice');
    fields.add('callOffMethod');
  }
  return fields;
}
const SCHEDULE_FIELDS = [
  'qualificationCallStartsOn',
  'qualificationCallEndsOn',
  'publicityStartsOn',
  'publicityEndsOn',
  'singleSourceSupplier',
  'singleSourceReasons',
  'documentsIssuedOn',
  'documentsAvailableUntil',
  'deadlineOn',
  'admittedSuppliers',
  'termStartsOn',
  'termEndsOn',
  'qualityFirstGround',
  'maxUnitPrice',
  'callOffMethod',
] as const;

/** Where suppliers may register and be decided on: from the notice until the deadline. */
const OPEN_FOR_SUPPLIERS = new Set<ProcurementStatus>(['announced', 'responding']);
/** Where amendments and clarifications may still be published: before the opening. */
const AMENDABLE = new Set<ProcurementStatus>(['announced', 'responding']);

export interface ProcurementNoticeInput {
  kind: 'amendment' | 'clarification';
  summary: string;
  documents: { name: string; sha256: string }[];
  /** May it affect how responses are prepared? Then a late one moves the deadline by the method's lead. */
  affectsResponses: boolean;
  /** Staff may move the deadline later than the law requires; never earlier. */
  deadlineOn?: string;
}

/** Staff qualify suppliers and supervisors oversee them; nobody else learns who or how many applied. */
const canSeeEverything = (viewer?: AuthUser) => hasAnyRole(viewer, ['staff', 'supervisor']);
const canSeeDrafts = (viewer?: AuthUser) => hasAnyRole(viewer, ['staff']);
/** Public once announced (or publicised, single source): a planned draft terminated stays private. */
const wasAnnounced = (project: Pick<ProcurementProjectEntity, 'announcedOn' | 'publicisedOn'>) =>
  project.announcedOn !== null || project.publicisedOn !== null;
const auditValue = (value: unknown) => JSON.stringify(value ?? null);

type Plan = {
  changes?: Partial<ProcurementProjectEntity>;
  data?: Record<string, unknown>;
  after?: (manager: EntityManager) => Promise<void>;
};

/**
 * Government procurement (政府采购): staff plan a project for one of the methods, every period
 * checked for it on the business-day calendar; single source goes through its prior publicity,
 * the others through the notice, the documents' issue (the worker's step on their day), sealed
 * responses and the opening at the deadline; an invited tender picks its suppliers at random
 * from the qualified, replayably. Every status comes from procurement-lifecycle.ts for the
 * project's method, every period from procurement-rules.ts; days are in CENTRE_TZ by the
 * database's clock.
 */
@Injectable()
export class ProcurementService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProcurementProjectsRepository,
    private readonly registrationRows: RegistrationsRepository,
    private readonly registrations: RegistrationsService,
    private readonly deposits: DepositsService,
    private readonly sealedBids: SealedBidsService,
    private readonly calendars: BusinessCalendarService,
    private readonly audit: AuditLogRepository,
    private readonly scheduler: ProcurementScheduler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly methods: ProcurementMethodsRepository,
    private readonly committeeDraws: CommitteeDrawsRepository,
  ) {}

  private today(now: Date): string {
    return calendarDateInZone(now, this.config.CENTRE_TZ);
  }

  private deadlineAt(input: Pick<ProcurementInput, 'method' | 'deadlineOn' | 'deadlineTime'>): Date | null {
    return input.method === 'single_source' || input.deadlineOn === null
      ? null
      : bidDeadlineInstant(input.deadlineOn, input.deadlineTime, this.config.CENTRE_TZ);
  }

  /** Keeps the method's own dates; a missing one is null, for the schedule check to name. */
  private normalise(input: ProcurementInput): ProcurementInput {
    const used = fieldsOf(input.method);
    const normalised = {
      ...input,
      itemCode: canonicalProcurementItemCode(input.itemCode ?? null),
      itemName: canonicalProcurementItemName(input.itemName ?? null),
    };
    for (const field of SCHEDULE_FIELDS)
      Object.assign(normalised, { [field]: used.has(field) ? (input[field] ?? null) : null });
    // A framework agreement's orders are chosen directly unless its documents say rotation.
    if (input.method === 'framework_agreement') normalised.callOffMethod ??= 'direct_selection';
    return normalised;
  }

  /** The method's own fields, then every period on the business-day calendar, then the deposit. */
  private async checkProject(manager: EntityManager, input: ProcurementInput) {
    checkProcurementItem(input);
    if (input.method === 'single_source') {
      const missing = (['singleSourceSupplier', 'singleSourceReasons'] as const)
        .filter((field) => typeof input[field] !== 'string' || input[field]!.trim() === '')
        .map((field) => ({ field, rule: 'text (single source names its supplier and why)' }));
      if (missing.length > 0)
        throw new DomainError('VALIDATION_FAILED', 'the single-source publicity is incomplete', missing);
    }
    const calendar = await this.calendars.calendar(manager);
    checkProcurementSchedule(calendar, input as ProcurementSchedule);
    checkProcurementScoring(input);
    if (input.method === 'framework_agreement') {
      checkFrameworkTerms(input);
      checkFrameworkEntry(input);
    }
    if (input.deposit > 0)
      checkDepositLimit({ base: 'budget', baseAmount: input.budget, deposit: input.deposit });
  }

  /** At planning and at the notice: the first date of the schedule is not before today, so its periods are whole. */
  private checkNotInPast(input: ProcurementInput, today: string) {
    const field =
      input.method === 'single_source'
        ? 'publicityStartsOn'
        : input.method === 'invited_tender'
          ? 'qualificationCallStartsOn'
          : 'documentsIssuedOn';
    const startsOn = input[field]!;
    if (startsOn < today)
      throw new DomainError('SCHEDULE_IN_PAST', `the schedule would start before today (${today})`, {
        field,
        [field]: startsOn,
        today,
      });
  }

  /** A project's terms with changes: the method's own dates; the lowest price drops criteria not sent again. */
  private mergedTerms(current: ProcurementInput, changes: Partial<ProcurementInput>): ProcurementInput {
    const merged = this.normalise({ ...current, ...changes });
    if (merged.evaluationMethod === 'lowest_evaluated_price' && !('criteria' in changes))
      merged.criteria = null;
    if (merged.evaluationMethod === 'lowest_evaluated_price' && !('qualityFirstGround' in changes))
      merged.qualityFirstGround = null;
    return merged;
  }

  /** A new project in `planned`; a re-planned one names the failed project it follows (`round`). */
  private insertPlanned(
    manager: EntityManager,
    staff: AuthUser,
    input: ProcurementInput,
    today: string,
    round?: Parameters<ProcurementProjectsRepository['insert']>[3],
  ) {
    const terms = Object.fromEntries(TERM_FIELDS.map((field) => [field, input[field]]));
    return this.projects.insert(
      manager,
      {
        ...terms,
        responseDeadlineAt: this.deadlineAt(input),
        status: INITIAL_STATUS,
        createdBy: staff.id,
      } as Parameters<ProcurementProjectsRepository['insert']>[1],
      Number(today.slice(0, 4)),
      round,
    );
  }

  async create(staff: AuthUser, rawInput: Partial<ProcurementInput>) {
    const input = this.normalise({ ...PROCUREMENT_DEFAULTS, ...rawInput } as ProcurementInput);
    const project = await this.dataSource.transaction(async (manager) => {
      await this.checkProject(manager, input);
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      this.checkNotInPast(input, today);
      const terms = Object.fromEntries(TERM_FIELDS.map((field) => [field, input[field]]));
      const created = await this.insertPlanned(manager, staff, input, today);
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'procurement.created',
        entityType: ENTITY_TYPE,
        entityId: created.id,
        data: { code: created.code, ...terms },
      });
      return created;
    });
    return this.staffView(project);
  }

  /** Staff change a planned project (the method too); the merged project passes every check again. */
  async edit(staff: AuthUser, projectId: string, changes: Partial<ProcurementInput>) {
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      if (current.status !== INITIAL_STATUS)
        throw new DomainError(
          'LISTING_NOT_EDITABLE',
          `a procurement that is ${current.status} is changed by amendments, not edits`,
        );
      // A re-planned project's method was chosen (and approved) at the re-plan.
      if (
        current.previousRoundId !== null &&
        changes.method !== undefined &&
        changes.method !== current.method
      )
        throw new DomainError(
          'METHOD_SET_BY_REPLAN',
          'a re-planned procurement keeps the method chosen at the re-plan',
          {
            method: current.method,
            previousRoundId: current.previousRoundId,
          },
        );
      const merged = this.mergedTerms(termsOf(current), changes);
      await this.checkProject(manager, merged);
      const now = await this.projects.databaseNow(manager);
      this.checkNotInPast(merged, this.today(now));
      const written: Partial<ProcurementProjectEntity> = {};
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const field of TERM_FIELDS) {
        if (auditValue(current[field]) === auditValue(merged[field])) continue;
        changed[field] = { from: current[field], to: merged[field] };
        Object.assign(written, { [field]: merged[field] });
      }
      if (Object.keys(written).length === 0) return current;
      written.responseDeadlineAt = this.deadlineAt(merged);
      await this.projects.update(manager, projectId, written);
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'procurement.edited',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { code: current.code, changes: changed },
      });
      return { ...current, ...written };
    });
    return this.staffView(project);
  }

  /**
   * 采购公告 (for an invited tender, the call for qualification): public today, the schedule
   * checked again as of today. Documents issued today or earlier open the responses at once
   * (an invited tender's only after its draw).
   */
  async announce(staff: AuthUser, projectId: string) {
    const { project } = await this.applyTransition(
      staff,
      projectId,
      'announce',
      async (manager, current, now) => {
        const today = this.today(now);
        const input = termsOf(current);
        await this.checkProject(manager, input);
        this.checkNotInPast(input, today);
        return {
          changes: { announcedOn: today },
          data: { announcedOn: today },
          // The data key the responses are sealed with exists from the notice on.
          after: (inner) => this.sealedBids.createKey(inner, procurementHost(projectId)),
        };
      },
    );
    const issued = await this.issueDocuments(project.id);
    await this.scheduleSteps(issued ?? project);
    return this.staffView(issued ?? project);
  }

  /**
   * 单一来源公示: the supplier and the reasons are public for ≥ 5 business days (实施条例
   * 第38条); the schedule is checked again as of today.
   */
  async publicise(staff: AuthUser, projectId: string) {
    const { project } = await this.applyTransition(
      staff,
      projectId,
      'publicise',
      async (manager, current, now) => {
        const today = this.today(now);
        const input = termsOf(current);
        await this.checkProject(manager, input);
        this.checkNotInPast(input, today);
        return { changes: { publicisedOn: today }, data: { publicisedOn: today } };
      },
    );
    return this.staffView(project);
  }

  /**
   * After the publicity's last day, every objection answered (an upheld one has failed the
   * project): negotiation with the one supplier may begin.
   */
  async concludePublicity(staff: AuthUser, projectId: string) {
    const { project } = await this.applyTransition(
      staff,
      projectId,
      'conclude_publicity',
      async (manager, current, now) => {
        const today = this.today(now);
        if (current.publicityEndsOn !== null && today <= current.publicityEndsOn)
          throw new DomainError(
            'PUBLICITY_NOT_ENDED',
            `the publicity runs to the end of ${current.publicityEndsOn}`,
            {
              publicityEndsOn: current.publicityEndsOn,
              earliestConcludedOn: addCalendarDays(current.publicityEndsOn, 1),
            },
          );
        const objections = await this.methods.objectionsOf(projectId, manager);
        checkObjectionsAnswered(objections.map(({ id, upheld }) => ({ id, answered: upheld !== null })));
        return { data: { publicityEndsOn: current.publicityEndsOn, objections: objections.length } };
      },
    );
    return this.staffView(project);
  }

  // --- single source: objections to the prior publicity ------------------------------------------

  /**
   * 单一来源公示异议 (实施条例 第39条): a signed-in supplier objects, with its reasons and
   * documents, while the publicity runs (to the end of its last day); the purchaser answers within 5
   * business days after the publicity (第74号令 第39条).
   */
  async fileObjection(
    bidder: AuthUser,
    projectId: string,
    input: { text: string; documents: { name: string; sha256: string }[] },
  ) {
    if (!bidder.roles.includes('bidder'))
      throw new DomainError('FORBIDDEN', 'only suppliers file objections');
    const objection = await this.dataSource.transaction(async (manager) => {
      const project = await this.mustLock(manager, projectId);
      if (project.status === INITIAL_STATUS)
        throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      if (project.method === 'single_source' && project.publicisedOn !== null)
        checkObjectionInPublicity({ publicityEndsOn: project.publicityEndsOn!, today });
      if (project.method !== 'single_source' || project.status !== 'prior_publicity')
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `objections are taken during a single source's prior publicity, not while a ${project.method} procurement is ${project.status}`,
          { method: project.method, status: project.status },
        );
      const answerDueOn = objectionAnswerDueOn(
        await this.calendars.calendar(manager),
        project.publicityEndsOn!,
      );
      const filed = await this.methods.insertObjection(manager, {
        projectId,
        filedBy: bidder.id,
        text: input.text,
        documents: input.documents,
        filedOn: today,
        filedAt: now,
        answerDueOn,
      });
      await this.audit.append(manager, {
        at: now,
        actorId: bidder.id,
        action: 'procurement.objection_filed',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { objectionId: filed.id, documents: input.documents, answerDueOn },
      });
      return filed;
    });
    return toPublicObjection(objection);
  }

  /**
   * Staff answer an objection once, with the reply made public: upheld → single source is not
   * allowed, the project fails (re-plan with another method); dismissed → recorded. A late answer
   * is taken and marked.
   */
  async answerObjection(
    staff: AuthUser,
    projectId: string,
    objectionId: string,
    answer: { upheld: boolean; reply: string },
  ) {
    const { project, objection } = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      if (current.status === INITIAL_STATUS)
        throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
      const objection = await this.methods.lockObjection(manager, projectId, objectionId);
      if (!objection) throw new DomainError('OBJECTION_NOT_FOUND', 'no such objection to this procurement');
      if (objection.upheld !== null)
        throw new DomainError('OBJECTION_ALREADY_ANSWERED', 'the objection is already answered', {
          answeredOn: objection.answeredOn,
          upheld: objection.upheld,
        });
      // Once one objection is upheld the project has failed; the others are still answered.
      const failedByObjection =
        current.status === 'failed' && current.failedReason === OBJECTION_UPHELD_REASON;
      if (current.status !== 'prior_publicity' && !failedByObjection)
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `objections are answered during the prior publicity, not while the procurement is ${current.status}`,
          { status: current.status },
        );
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      await this.methods.answerObjection(manager, objectionId, {
        ...answer,
        answeredOn: today,
        answeredAt: now,
        answeredBy: staff.id,
      });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'procurement.objection_answered',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { objectionId, upheld: answer.upheld, late: today > objection.answerDueOn },
      });
      let project = current;
      if (answer.upheld && !failedByObjection) {
        const next = this.transition(current, 'fail');
        await this.projects.update(manager, projectId, {
          status: next,
          failedReason: OBJECTION_UPHELD_REASON,
        });
        await this.audit.append(manager, {
          at: now,
          actorId: staff.id,
          action: 'procurement.fail',
          entityType: ENTITY_TYPE,
          entityId: projectId,
          data: {
            from: current.status,
            to: next,
            method: current.method,
            reason: OBJECTION_UPHELD_REASON,
            objectionId,
          },
        });
        await this.deposits.settleOnClose(
          manager,
          procurementHost(projectId),
          { sold: false },
          now,
          staff.id,
        );
        project = (await this.projects.lockById(manager, projectId))!;
      }
      const [answered] = (await this.methods.objectionsOf(projectId, manager)).filter(
        (one) => one.id === objectionId,
      );
      return { project, objection: answered };
    });
    return { objection: toPublicObjection(objection), project: await this.staffView(project) };
  }

  /**
   * announced → responding on the day the documents are issued: the worker's step, also run
   * after the notice and after an invited tender's draw. Idempotent and early-safe.
   */
  async issueDocuments(projectId: string): Promise<ProcurementProjectEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.projects.lockById(manager, projectId);
      if (!current || current.status !== 'announced' || current.documentsIssuedOn === null) return null;
      // An invited tender's documents go to the invited only: none before the draw.
      if (current.method === 'invited_tender' && current.invitationDraw === null) return null;
      const now = await this.projects.databaseNow(manager);
      if (this.today(now) < current.documentsIssuedOn) return null;
      const next = this.transition(current, 'issue_documents');
      await this.projects.update(manager, projectId, { status: next });
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: 'procurement.issue_documents',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: current.status, to: next, documentsIssuedOn: current.documentsIssuedOn },
      });
      return { ...current, status: next };
    });
  }

  /**
   * An amendment or clarification (更正 / 澄清), published in order. One that may affect the
   * responses and comes later than the method's lead before the deadline moves it so the lead is
   * whole (15 days for tenders, 3 business days for negotiation and quotation, 5 days for
   * consultation); staff may move it later still, never earlier.
   */
  async publishNotice(staff: AuthUser, projectId: string, input: ProcurementNoticeInput) {
    const { project, notice, moved } = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      if (
        !AMENDABLE.has(current.status) ||
        current.deadlineOn === null ||
        current.responseDeadlineAt === null
      )
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot publish an amendment while the procurement is ${current.status}`,
        );
      const now = await this.projects.databaseNow(manager);
      if (now.getTime() >= current.responseDeadlineAt.getTime())
        throw new DomainError('BIDDING_CLOSED', 'the response deadline has passed; the opening follows');
      const today = this.today(now);
      const required = responseDeadlineAfterAmendment(await this.calendars.calendar(manager), {
        method: current.method,
        deadlineOn: current.deadlineOn,
        issuedOn: today,
        affectsResponses: input.affectsResponses,
      }).deadlineOn;
      if (input.deadlineOn !== undefined) requireDate('deadlineOn', input.deadlineOn);
      // Left unsaid, the deadline moves as far as the law requires (顺延) and no further.
      const asked = input.deadlineOn ?? required;
      if (asked < current.deadlineOn)
        throw new DomainError('DEADLINE_MOVED_EARLIER', 'an amendment may not bring the deadline forward', {
          deadlineOn: current.deadlineOn,
          asked,
        });
      if (asked < required)
        throw new DomainError(
          'AMENDMENT_DEADLINE_TOO_EARLY',
          `an amendment that may affect the responses, published ${today}, needs the deadline on ${required} at the earliest`,
          { issuedOn: today, deadlineOn: asked, earliestDeadlineOn: required },
        );
      const deadlineOn = asked;
      const notice = await this.projects.insertNotice(manager, {
        projectId,
        kind: input.kind,
        summary: input.summary,
        documents: input.documents,
        affectsResponses: input.affectsResponses,
        publishedOn: today,
        publishedAt: now,
        deadlineBefore: current.deadlineOn,
        deadlineAfter: deadlineOn,
        publishedBy: staff.id,
      });
      const moved = deadlineOn !== current.deadlineOn;
      const responseDeadlineAt = this.deadlineAt({ ...current, deadlineOn })!;
      if (moved) await this.projects.update(manager, projectId, { deadlineOn, responseDeadlineAt });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: `procurement.${input.kind}`,
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          noticeId: notice.id,
          affectsResponses: input.affectsResponses,
          documents: input.documents,
          deadlineOn: { from: current.deadlineOn, to: deadlineOn },
        },
      });
      return { project: { ...current, deadlineOn, responseDeadlineAt }, notice, moved };
    });
    await this.scheduleSteps(project);
    return {
      amendment: toProcurementNoticeView(notice),
      deadlineAt: project.responseDeadlineAt!.toISOString(),
      moved,
      project: await this.staffView(project),
    };
  }

  /** 终止: the purchaser ends the procurement with a public reason; every received deposit falls due. */
  async terminate(staff: AuthUser, projectId: string, reason: string) {
    const { project } = await this.applyTransition(staff, projectId, 'terminate', (_manager, _current, now) =>
      Promise.resolve({
        // A suspended procurement ends with its suspension, whoever held it.
        changes: {
          terminationReason: reason,
          resumeTo: null,
          suspendedAt: null,
          suspendedOn: null,
          suspensionComplaintId: null,
        },
        data: { reason },
        after: (manager: EntityManager) =>
          this.deposits.settleOnClose(manager, procurementHost(projectId), { sold: false }, now, staff.id),
      }),
    );
    return this.staffView(project);
  }

  /**
   * 废标 recorded by staff with a public reason: too few qualified to invite, an upheld objection
   * to a single source; every received deposit falls due. Where the method's table allows it.
   */
  async fail(staff: AuthUser, projectId: string, reason: string) {
    const { project } = await this.applyTransition(staff, projectId, 'fail', (_manager, _current, now) =>
      Promise.resolve({
        changes: { failedReason: reason },
        data: { reason },
        after: (manager: EntityManager) =>
          this.deposits.settleOnClose(manager, procurementHost(projectId), { sold: false }, now, staff.id),
      }),
    );
    return this.staffView(project);
  }

  /**
   * 重新组织采购 after a failure (废标): the failed project stays as it is — its registrations,
   * sealed responses, opening record and deposits are keyed by its id and are evidence — and is
   * closed as `replanned`; its successor is a new project in `planned` with its terms and the
   * changes sent (`round` + 1, `previousRoundId`), the method kept or changed (another method with
   * its own schedule and the approval's reference, checkReplanMethod), which staff edit (the
   * method stays) and announce as usual. One successor only: the failed project's lock and status decide, and
   * `previous_round_id` is unique behind them.
   */
  async replan(
    staff: AuthUser,
    projectId: string,
    input: { approvalReference?: string; changes: Partial<ProcurementInput> },
  ) {
    const next = await this.dataSource.transaction(async (manager) => {
      const failed = await this.mustLock(manager, projectId);
      if (failed.status === 'replanned') {
        const existing = await this.projects.nextRoundOf(projectId, manager);
        throw new DomainError('PROCUREMENT_ALREADY_REPLANNED', 'this procurement already has its successor', {
          nextRoundId: existing?.id ?? null,
        });
      }
      const closed = this.transition(failed, 'replan');
      const { changes } = input;
      const method = changes.method ?? failed.method;
      const approvalReference = input.approvalReference?.trim() || null;
      checkReplanMethod({
        from: failed.method,
        to: method,
        approvalReference,
        singleSourceRefused: failed.failedReason === OBJECTION_UPHELD_REASON,
      });
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      // Unchanged, the terms are copied as they are (old dates too: staff edit them, the notice
      // refuses past ones). Changed, the merged terms pass every check of an edit at once.
      let terms = termsOf(failed);
      if (Object.keys(changes).length > 0) {
        terms = this.mergedTerms(terms, changes);
        await this.checkProject(manager, terms);
        this.checkNotInPast(terms, today);
      }
      const created = await this.insertPlanned(manager, staff, terms, today, {
        round: failed.round + 1,
        previousRoundId: failed.id,
        replanApprovalReference: method === failed.method ? null : approvalReference,
      });
      await this.projects.update(manager, projectId, { status: closed });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'procurement.replan',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          from: failed.status,
          to: closed,
          method: { from: failed.method, to: method },
          approvalReference: created.replanApprovalReference,
          nextRoundId: created.id,
          nextRoundCode: created.code,
        },
      });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'procurement.created',
        entityType: ENTITY_TYPE,
        entityId: created.id,
        data: { code: created.code, round: created.round, previousRoundId: failed.id, ...terms },
      });
      return created;
    });
    return this.staffView(next);
  }

  // --- suppliers ------------------------------------------------------------------------------

  /**
   * A supplier applies, naming its organisation: from the notice until the deadline; for an
   * invited tender, during its call for qualification only.
   */
  async register(bidder: AuthUser, projectId: string, organizationCode: string) {
    if (!bidder.roles.includes('bidder')) throw new DomainError('FORBIDDEN', 'only suppliers may register');
    if (!isUnifiedSocialCreditCode(organizationCode))
      throw new DomainError('VALIDATION_FAILED', 'the organisation code is not valid', [
        { field: 'organizationCode', rule: 'a unified social credit code (18 characters, GB 32100)' },
      ]);
    return this.dataSource.transaction(async (manager) => {
      const project = await this.mustLock(manager, projectId);
      if (project.status === INITIAL_STATUS)
        throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
      const now = await this.projects.databaseNow(manager);
      if (project.method === 'invited_tender' && this.today(now) < project.qualificationCallStartsOn!)
        throw new DomainError(
          'REGISTRATION_NOT_OPEN',
          `the call for qualification opens on ${project.qualificationCallStartsOn}`,
          { qualificationCallStartsOn: project.qualificationCallStartsOn },
        );
      if (!this.openForApplications(project, now))
        throw new DomainError('REGISTRATION_CLOSED', 'registration for this procurement is closed');
      if (organizationCode === project.purchaserOrgCode)
        throw new DomainError('SUPPLIER_IS_OWNER', 'the purchaser cannot supply its own procurement');
      const applied = await this.registrations.apply(
        manager,
        procurementHost(projectId),
        bidder.id,
        now,
        organizationCode,
      );
      const depositId =
        project.deposit > 0
          ? await this.deposits.openForRegistration(manager, {
              ...procurementHost(projectId),
              registrationId: applied.id,
              bidderId: bidder.id,
              amount: project.deposit,
              at: now,
            })
          : null;
      return { ...applied, depositId };
    });
  }

  private openForApplications(project: ProcurementProjectEntity, now: Date): boolean {
    // Single source: the named supplier registers once the publicity is concluded, to negotiate.
    if (project.method === 'single_source') return project.status === 'responding';
    if (!OPEN_FOR_SUPPLIERS.has(project.status) || project.responseDeadlineAt === null) return false;
    if (now.getTime() >= project.responseDeadlineAt.getTime()) return false;
    if (project.method !== 'invited_tender') return true;
    return (
      project.status === 'announced' &&
      project.invitationDraw === null &&
      this.today(now) <= project.qualificationCallEndsOn!
    );
  }

  /** Staff qualify a supplier (its deposit arrived, where the notice asks for one). */
  /**
   * `organizationName`: the organisation's registered name (营业执照上的名称) staff confirmed — how
   * the public names the supplier; without one it is named by its code alone.
   */
  async qualify(
    staff: AuthUser,
    projectId: string,
    registrationId: string,
    depositReceived: boolean,
    organizationName: string | null = null,
  ) {
    const confirmedName = organizationName === null ? null : confirmedOrganizationName(organizationName);
    return this.dataSource.transaction(async (manager) => {
      const project = await this.mustLock(manager, projectId);
      const now = await this.projects.databaseNow(manager);
      this.requireDecidable(project, now, 'qualify suppliers');
      // Single source negotiates with its one supplier: a second is never qualified.
      if (project.method === 'single_source') {
        const qualified = (await this.methods.qualifiedSuppliers(manager, projectId)).length;
        if (qualified > 0)
          throw new DomainError(
            'SINGLE_SOURCE_SUPPLIER_ALREADY_QUALIFIED',
            'a single source negotiates with one supplier, and one is already qualified',
            { qualified },
          );
      }
      const depositReceivedAt =
        project.deposit > 0
          ? await this.deposits.requireForQualification(
              manager,
              staff.id,
              procurementHost(projectId),
              registrationId,
              now,
              { recordReceipt: depositReceived },
            )
          : now;
      return this.registrations.qualify(
        manager,
        staff.id,
        procurementHost(projectId),
        registrationId,
        now,
        depositReceivedAt ?? now,
        confirmedName,
      );
    });
  }

  async reject(staff: AuthUser, projectId: string, registrationId: string, reason: string) {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.mustLock(manager, projectId);
      const now = await this.projects.databaseNow(manager);
      this.requireDecidable(project, now, 'decide registrations');
      return this.registrations.reject(
        manager,
        staff.id,
        procurementHost(projectId),
        registrationId,
        reason,
        now,
      );
    });
  }

  async registrationsOf(projectId: string, page: { limit: number; offset: number }) {
    await this.mustFind(projectId);
    const { items, total } = await this.registrations.list(
      procurementHost(projectId),
      page.limit,
      page.offset,
    );
    return { items: items.map(toSupplierRegistrationView), total };
  }

  async myRegistrations(bidder: AuthUser, page: { limit: number; offset: number }) {
    const { items, total } = await this.registrations.listOfBidder(
      PROCUREMENT_HOST_TYPE,
      bidder.id,
      page.limit,
      page.offset,
    );
    return { items: items.map(toSupplierRegistrationView), total };
  }

  private requireDecidable(project: ProcurementProjectEntity, now: Date, what: string) {
    if (project.method === 'single_source' && project.status === 'responding') return;
    if (!OPEN_FOR_SUPPLIERS.has(project.status) || project.responseDeadlineAt === null)
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `cannot ${what} while the procurement is ${project.status}`,
      );
    if (now.getTime() >= project.responseDeadlineAt.getTime())
      throw new DomainError('BIDDING_CLOSED', 'the response deadline has passed');
    // The draw picked from the qualified as they were: they stay so, for the replay.
    if (project.invitationDraw !== null)
      throw new DomainError('INVITATION_ALREADY_DRAWN', 'the invited suppliers are already drawn');
  }

  // --- the invited tender's draw ---------------------------------------------------------------

  /**
   * 邀请招标: after the call for qualification, `count` (≥ 3) of the qualified suppliers are
   * picked at random with a seed the server makes; the seed and the candidates are recorded so a
   * supervisor can replay the pick. Documents go out to the invited once their day has come.
   */
  async drawInvitations(staff: AuthUser, projectId: string, count: number) {
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      if (current.invitationDraw !== null)
        throw new DomainError('INVITATION_ALREADY_DRAWN', 'the invited suppliers are already drawn');
      if (current.method !== 'invited_tender' || current.status !== 'announced')
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `suppliers are drawn for an announced invited tender, not a ${current.method} that is ${current.status}`,
        );
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      if (today <= current.qualificationCallEndsOn!)
        throw new DomainError(
          'QUALIFICATION_CALL_NOT_ENDED',
          `the call for qualification runs to the end of ${current.qualificationCallEndsOn}`,
          {
            qualificationCallEndsOn: current.qualificationCallEndsOn,
            earliestDrawOn: addCalendarDays(current.qualificationCallEndsOn!, 1),
          },
        );
      // Drawn after the documents' day, the invited suppliers would get less than the method's
      // response period from the day they can actually read them.
      if (current.documentsIssuedOn !== null && today > current.documentsIssuedOn)
        throw new DomainError(
          'INVITATION_DRAW_TOO_LATE',
          `the invited suppliers are drawn by ${current.documentsIssuedOn}, the day the documents are issued`,
          { documentsIssuedOn: current.documentsIssuedOn },
        );
      const picked = pickInvitedSuppliers({
        qualifiedSupplierIds: await this.projects.qualifiedSupplierIds(manager, projectId),
        count,
        seed: randomBytes(32).toString('hex'),
      });
      const invitationDraw = { ...picked, count, drawnAt: now.toISOString(), drawnBy: staff.id };
      await this.projects.update(manager, projectId, { invitationDraw });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'procurement.invitations_drawn',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { seed: picked.seed, count, candidates: picked.candidates, picks: picked.picks },
      });
      return { ...current, invitationDraw };
    });
    const issued = await this.issueDocuments(project.id);
    await this.scheduleSteps(issued ?? project);
    const draw = project.invitationDraw!;
    return {
      seed: draw.seed,
      count: draw.count,
      candidates: draw.candidates,
      picks: draw.picks,
      drawnAt: draw.drawnAt,
    };
  }

  /** A supervisor re-runs the pick from the recorded seed and candidates and compares. */
  async replayInvitations(projectId: string) {
    const project = await this.mustFind(projectId);
    const recorded = project.invitationDraw;
    if (!recorded)
      throw new DomainError('INVITATION_DRAW_NOT_FOUND', 'no suppliers were drawn for this procurement');
    const replayed = pickInvitedSuppliers({
      qualifiedSupplierIds: recorded.candidates,
      count: recorded.count,
      seed: recorded.seed,
    });
    return {
      matches: JSON.stringify(replayed.picks) === JSON.stringify(recorded.picks),
      seed: recorded.seed,
      candidates: recorded.candidates,
      picks: replayed.picks,
      recordedPicks: recorded.picks,
    };
  }

  // --- sealed responses -------------------------------------------------------------------------

  /** A qualified (for an invited tender: invited) supplier submits or replaces its sealed response. */
  async submitResponse(bidder: AuthUser, projectId: string, content: BidContent) {
    return this.dataSource.transaction(async (manager) => {
      const { now } = await this.lockForResponding(manager, bidder, projectId);
      return toSealedBidReceipt(
        projectId,
        await this.sealedBids.submit(manager, procurementHost(projectId), bidder.id, content, now),
      );
    });
  }

  async withdrawResponse(bidder: AuthUser, projectId: string) {
    return this.dataSource.transaction(async (manager) => {
      const { now } = await this.lockForResponding(manager, bidder, projectId);
      return toSealedBidReceipt(
        projectId,
        await this.sealedBids.withdraw(manager, procurementHost(projectId), bidder.id, now),
      );
    });
  }

  /** The supplier's own responses: receipts; after the opening, also its price as opened. */
  async myResponses(bidder: AuthUser, page: { limit: number; offset: number }) {
    const { items, total } = await this.registrations.listOfBidder(
      PROCUREMENT_HOST_TYPE,
      bidder.id,
      page.limit,
      page.offset,
    );
    const responses = await Promise.all(
      items.map(async (registration) => {
        const host = procurementHost(registration.hostId);
        const [own, opening] = await Promise.all([
          this.sealedBids.mine(null, host, bidder.id),
          this.sealedBids.opening(null, host),
        ]);
        return toOwnBidStatus(registration.hostId, registration.status, own, opening, bidder.id);
      }),
    );
    return { items: responses, total };
  }

  /**
   * The opening, the worker's step at the deadline: decrypts every response and publishes the
   * record, responding → opened; fewer valid responses than the method's minimum → failed (废标),
   * deposits due. Exactly once: the project's lock and status decide.
   */
  async openResponses(
    projectId: string,
    jobId: string,
  ): Promise<{ opened: boolean; status?: ProcurementStatus; validResponses?: number }> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.projects.lockById(manager, projectId);
      if (!current || current.status !== 'responding' || current.responseDeadlineAt === null)
        return { opened: false };
      const now = await this.projects.databaseNow(manager);
      if (now.getTime() < current.responseDeadlineAt.getTime()) return { opened: false };
      const record = await this.sealedBids.open(manager, procurementHost(projectId), {
        opensAt: current.responseDeadlineAt,
        now,
        jobId,
      });
      const opened = this.transition(current, 'open_responses');
      const minimum = PROCUREMENT_METHOD_RULES[current.method].minSuppliers;
      const enough = record.validCount >= minimum;
      const status = enough ? opened : this.transition({ ...current, status: opened }, 'fail');
      const failedReason = tooFewSuppliersReason(minimum);
      await this.projects.update(manager, projectId, {
        status,
        openedAt: record.openedAt,
        ...(enough ? {} : { failedReason }),
      });
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: 'procurement.open_responses',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          from: current.status,
          to: opened,
          jobId,
          validResponses: record.validCount,
          responses: record.submittedCount,
        },
      });
      if (!enough) {
        await this.audit.append(manager, {
          at: now,
          actorId: null,
          action: 'procurement.fail',
          entityType: ENTITY_TYPE,
          entityId: projectId,
          data: {
            from: opened,
            to: status,
            reason: failedReason,
            validResponses: record.validCount,
            minimum,
          },
        });
        await this.deposits.settleOnClose(manager, procurementHost(projectId), { sold: false }, now, null);
      }
      return { opened: true, status, validResponses: record.validCount };
    });
  }

  /** The public opening record (开标记录 / 响应文件开启记录), once opened: every supplier and price. */
  async openingRecord(projectId: string) {
    const project = await this.mustFind(projectId);
    if (project.status === INITIAL_STATUS) throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    const record = project.openedAt ? await this.sealedBids.publicOpening(procurementHost(projectId)) : null;
    if (!record)
      throw new DomainError('SEALED_UNTIL_OPENING', 'the responses are opened at the deadline', {
        opensAt: project.responseDeadlineAt?.toISOString() ?? null,
      });
    return record;
  }

  private async lockForResponding(manager: EntityManager, bidder: AuthUser, projectId: string) {
    if (!bidder.roles.includes('bidder'))
      throw new DomainError('FORBIDDEN', 'only suppliers submit responses');
    const project = await this.mustLock(manager, projectId);
    if (project.status === INITIAL_STATUS) throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    const now = await this.projects.databaseNow(manager);
    if (project.status === 'announced')
      throw new DomainError(
        'BIDDING_NOT_OPEN',
        `responses open once the documents are issued (${project.documentsIssuedOn})`,
        {
          documentsIssuedOn: project.documentsIssuedOn,
        },
      );
    if (
      project.status !== 'responding' ||
      project.responseDeadlineAt === null ||
      now.getTime() >= project.responseDeadlineAt.getTime()
    )
      throw new DomainError('BIDDING_CLOSED', 'responses are no longer taken', {
        deadlineAt: project.responseDeadlineAt?.toISOString() ?? null,
      });
    const registration = await this.registrationRows.findOf(procurementHost(projectId), bidder.id, manager);
    if (!registration || registration.status !== 'qualified')
      throw new DomainError('NOT_QUALIFIED', 'only qualified suppliers may respond');
    if (project.method === 'invited_tender' && !project.invitationDraw?.picks.includes(bidder.id))
      throw new DomainError('NOT_INVITED', 'only the invited suppliers may respond to an invited tender');
    return { project, now };
  }

  // --- the worker's scans ---------------------------------------------------------------------

  /** What the sweeper acts on by the database's clock: documents due to issue, openings due. */
  async dueWork(): Promise<{ documentsDue: string[]; openingDue: string[] }> {
    const now = await this.projects.databaseNow();
    const [documentsDue, openingDue] = await Promise.all([
      this.projects.findDocumentsIssued(['announced'], this.today(now)),
      this.projects.findDeadlinePassed(['responding'], now),
    ]);
    return {
      // An invited tender waits for its draw; the draw itself issues the documents.
      documentsDue: documentsDue
        .filter((p) => p.method !== 'invited_tender' || p.invitationDraw)
        .map((p) => p.id),
      openingDue: openingDue.map((p) => p.id),
    };
  }

  /**
   * A supervisor suspends a procurement (暂停采购活动, e.g. for a complaint): nothing timed fires
   * while it is suspended (the documents' issue and the opening act on `announced`/`responding`
   * only). It ends within PROCUREMENT_SUSPENSION_CAP_DAYS (政府采购法 第57条): the supervisor's
   * resume, or the worker's on the day after the last (resumeSuspensionsPastCap). `complaintId`: the
   * complaint it is ordered for, which then holds it (null: the supervisor's own order).
   */
  async suspend(supervisor: AuthUser, projectId: string, reason: string, complaintId: string | null = null) {
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      const next = this.transition(current, 'suspend');
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      await this.projects.update(manager, projectId, {
        status: next,
        resumeTo: current.status,
        suspendedAt: now,
        suspendedOn: today,
        suspensionReason: reason,
        suspensionComplaintId: complaintId,
      });
      await this.audit.append(manager, {
        at: now,
        actorId: supervisor.id,
        action: 'procurement.suspend',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          from: current.status,
          to: next,
          method: current.method,
          reason,
          suspendedOn: today,
          ...(complaintId ? { complaintId } : {}),
        },
      });
      return (await this.projects.lockById(manager, projectId))!;
    });
    return this.staffView(project);
  }

  /**
   * Back to where it was; the dates still ahead when it paused move by the days it stood (the
   * response deadline, and with it the opening's job; the documents' and the publicity's last
   * days). `actor` null: the worker, at the cap (the statute ends every suspension, whoever held
   * it). Otherwise only the holder lifts it: `complaintId` the complaint's own
   * (PROJECT_SUSPENDED_BY_ANOTHER), null the supervisor's own order (SUSPENSION_HELD_BY_COMPLAINT
   * when a complaint holds it).
   */
  async resume(actor: AuthUser | null, projectId: string, complaintId: string | null = null) {
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      const next = nextProcurementStatus(current.method, current.status, 'resume', current.resumeTo);
      if (!next)
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot resume a procurement that is ${current.status}`,
          {
            status: current.status,
          },
        );
      if (actor !== null && current.suspensionComplaintId !== complaintId)
        throw complaintId === null
          ? suspensionHeldByComplaint(current.suspensionComplaintId!)
          : suspendedByAnother(current.suspensionComplaintId ? 'complaint' : 'supervisor');
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      const pausedOn = current.suspendedOn!;
      const moved = (endsOn: string | null) =>
        endsOn !== null && endsOn >= pausedOn
          ? resumedCalendarPeriodEnd({ endsOn, pausedOn, resumedOn: today })
          : endsOn;
      const deadlineOn = moved(current.deadlineOn);
      const changes: Partial<ProcurementProjectEntity> = {
        status: next,
        resumeTo: null,
        suspendedAt: null,
        suspendedOn: null,
        suspensionReason: null,
        suspensionComplaintId: null,
        deadlineOn,
        documentsAvailableUntil: moved(current.documentsAvailableUntil),
        publicityEndsOn: moved(current.publicityEndsOn),
        responseDeadlineAt:
          deadlineOn === current.deadlineOn
            ? current.responseDeadlineAt
            : this.deadlineAt({ ...current, deadlineOn }),
      };
      await this.projects.update(manager, projectId, changes);
      await this.audit.append(manager, {
        at: now,
        actorId: actor?.id ?? null,
        action: 'procurement.resume',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          from: current.status,
          to: next,
          method: current.method,
          pausedOn,
          resumedOn: today,
          pausedDays: calendarDaysBetween(pausedOn, today),
          deadlineOn: { from: current.deadlineOn, to: deadlineOn },
          byCap: actor === null,
          ...(current.suspensionComplaintId ? { complaintId: current.suspensionComplaintId } : {}),
        },
      });
      return (await this.projects.lockById(manager, projectId))!;
    });
    await this.scheduleSteps(project);
    return this.staffView(project);
  }

  /** The worker's step: every suspension past its last allowed day resumes (政府采购法 第57条). */
  async resumeSuspensionsPastCap(): Promise<string[]> {
    const now = await this.projects.databaseNow();
    const lastAllowed = addCalendarDays(this.today(now), -PROCUREMENT_SUSPENSION_CAP_DAYS);
    const due = await this.projects.findSuspendedBefore(lastAllowed);
    const resumed: string[] = [];
    for (const projectId of due) {
      await this.resume(null, projectId);
      resumed.push(projectId);
    }
    return resumed;
  }

  /** A page of the procurements that still have a timed step ahead (the worker's rebuild). */
  async timedPage(afterId: string | null, limit: number) {
    const page = await this.projects.findPage(['announced', 'responding'], afterId, limit);
    return page
      .filter((project) => project.responseDeadlineAt !== null)
      .map((project) => ({
        id: project.id,
        documentsIssuedAt: project.status === 'announced' ? this.documentsIssuedAt(project) : null,
        openingAt: project.responseDeadlineAt!,
      }));
  }

  documentsIssuedAt(project: Pick<ProcurementProjectEntity, 'documentsIssuedOn'>): Date | null {
    return project.documentsIssuedOn
      ? startOfDayInZone(project.documentsIssuedOn, this.config.CENTRE_TZ)
      : null;
  }

  // --- reads ----------------------------------------------------------------------------------

  async get(projectId: string, viewer?: AuthUser) {
    const project = await this.projects.findById(projectId);
    if (!project || (!wasAnnounced(project) && !canSeeDrafts(viewer)))
      throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    return canSeeEverything(viewer) ? this.staffView(project) : this.publicView(project);
  }

  async list(
    filter: { status?: ProcurementStatus; method?: ProcurementMethod; limit: number; offset: number },
    viewer?: AuthUser,
  ) {
    const drafts = canSeeDrafts(viewer);
    if (filter.status === INITIAL_STATUS && !drafts) return { items: [], total: 0 };
    const { items, total } = await this.projects.list({
      ...filter,
      hidden: drafts ? [] : [INITIAL_STATUS],
      announcedOnly: !drafts,
    });
    // The list reads no objections, so its items leave them out rather than show none (GET :id has them).
    const summary = (project: ProcurementProjectEntity) => {
      const { objections, ...rest } = toPublicProcurement(project, []);
      void objections;
      return rest;
    };
    const view = canSeeEverything(viewer)
      ? (project: ProcurementProjectEntity) => ({ ...summary(project), resumeTo: project.resumeTo })
      : summary;
    return { items: items.map(view), total };
  }

  /** The public learns of the next round once it is public: a planned draft's id would lead nowhere. */
  private async publicView(project: ProcurementProjectEntity) {
    const [notices, objections, next] = await Promise.all([
      this.projects.noticesOf(project.id),
      this.methods.objectionsOf(project.id),
      project.status === 'replanned' ? this.projects.nextRoundOf(project.id) : null,
    ]);
    const nextRoundId = next && wasAnnounced(next) ? next.id : null;
    return toPublicProcurement(project, notices, objections, nextRoundId);
  }

  private async staffView(project: ProcurementProjectEntity) {
    const [notices, counts, objections, next, draw] = await Promise.all([
      this.projects.noticesOf(project.id),
      this.registrationRows.countOf(procurementHost(project.id)),
      this.methods.objectionsOf(project.id),
      project.status === 'replanned' ? this.projects.nextRoundOf(project.id) : null,
      this.committeeDraws.findCurrent({ hostType: 'procurement_project', hostId: project.id }),
    ]);
    return {
      ...toStaffProcurement(project, notices, counts, objections, next?.id ?? null),
      // That the committee (a single source's negotiation group) is drawn, and when — never who
      // sits: staff see the members once the responses are opened or the negotiation starts.
      committeeDrawnAt: draw ? draw.drawnAt.toISOString() : null,
    };
  }

  // --- internals ------------------------------------------------------------------------------

  private async applyTransition(
    actor: AuthUser,
    projectId: string,
    action: Exclude<ProcurementAction, 'suspend' | 'resume'>,
    plan: (manager: EntityManager, current: ProcurementProjectEntity, now: Date) => Promise<Plan>,
  ): Promise<{ project: ProcurementProjectEntity; now: Date }> {
    let now = new Date();
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      now = await this.projects.databaseNow(manager);
      const next = this.transition(current, action);
      const { changes = {}, data = {}, after } = await plan(manager, current, now);
      await this.projects.update(manager, projectId, { ...changes, status: next });
      await after?.(manager);
      await this.audit.append(manager, {
        at: now,
        actorId: actor.id,
        action: `procurement.${action}`,
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: current.status, to: next, method: current.method, ...data },
      });
      return (await this.projects.lockById(manager, projectId))!;
    });
    return { project, now };
  }

  /** The project's method decides: the same action may be refused for one method and allowed for another. */
  private transition(
    project: Pick<ProcurementProjectEntity, 'method' | 'status'> &
      Partial<Pick<ProcurementProjectEntity, 'resumeTo'>>,
    action: ProcurementAction,
  ): ProcurementStatus {
    const next = nextProcurementStatus(project.method, project.status, action, project.resumeTo);
    if (!next)
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `cannot ${action} a ${project.method} procurement that is ${project.status}`,
        { method: project.method, status: project.status, action },
      );
    return next;
  }

  /** After commit; if the queue is unreachable the worker's sweeper still acts within seconds. */
  private async scheduleSteps(project: ProcurementProjectEntity) {
    if (isFinalProcurementStatus(project.method, project.status) || project.responseDeadlineAt === null)
      return;
    const steps: Promise<void>[] = [];
    const issuedAt = this.documentsIssuedAt(project);
    if (project.status === 'announced' && issuedAt)
      steps.push(this.scheduler.scheduleDocumentsIssued(project.id, issuedAt));
    if (project.status === 'announced' || project.status === 'responding')
      steps.push(this.scheduler.scheduleOpening(project.id, project.responseDeadlineAt));
    await Promise.all(steps).catch((error) =>
      this.logger.warn(
        { err: error, projectId: project.id },
        'could not schedule procurement steps; the sweeper will cover',
      ),
    );
  }

  private async mustFind(projectId: string) {
    const project = await this.projects.findById(projectId);
    if (!project) throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    return project;
  }

  private async mustLock(manager: EntityManager, projectId: string) {
    const project = await this.projects.lockById(manager, projectId);
    if (!project) throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    return project;
  }
}

function termsOf(project: ProcurementProjectEntity): ProcurementInput {
  return Object.fromEntries(
    TERM_FIELDS.map((field) => [field, project[field]]),
  ) as unknown as ProcurementInput;
}

/** 政府采购法 第57条: a procurement is suspended for 30 days at most. */
export const PROCUREMENT_SUSPENSION_CAP_DAYS = 30;

/** An upheld objection to the single-source publicity: another method must be planned (第74号令 第39条). */
export const OBJECTION_UPHELD_REASON = '单一来源公示异议成立,不得采用单一来源方式,应依法采用其他采购方式';

/** Fewer responsive suppliers than the method needs at the opening: 废标 (政府采购法 第36条). */
export const tooFewSuppliersReason = (minimum: number) => `响应供应商不足${minimum}家,依法废标`;
