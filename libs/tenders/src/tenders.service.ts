import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  bidDeadlineAfterAmendment,
  bidDeadlineInstant,
  calendarDateInZone,
  checkDepositLimit,
  checkPrequalificationSchedule,
  checkTenderSchedule,
  type Criterion,
  criteriaViolations,
  DomainError,
  isFinalTenderStatus,
  isSha256Hex,
  isUnifiedSocialCreditCode,
  MAX_TENDER_DOCUMENTS,
  MIN_BIDS,
  nextTenderStatus,
  requireDate,
  startOfDayInZone,
  type TenderAction,
  type TenderSchedule,
  type TenderStatus,
  type TenderTerms,
  tenderTermsViolations,
  confirmedOrganizationName,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  type RegistrationHost,
  RegistrationsRepository,
  type TenderProjectEntity,
  TenderProjectsRepository,
} from '@ggzy/persistence';
import { TenderScheduler } from '@ggzy/queues';
import { RegistrationsService, toSupplierRegistrationView } from '@ggzy/registrations';
import { hasAnyRole, type AuthUser } from '@ggzy/auth';
import { DepositsService } from '@ggzy/deposits';
import { type BidContent, SealedBidsService, toOwnBidStatus, toSealedBidReceipt } from '@ggzy/sealed-bids';
import { toNoticeView, toPublicTender, toStaffTender } from './tender-project.views.js';

/** A tender's registrations, deposits and sealed bids are keyed by its id under this host type. */
export const TENDER_HOST_TYPE = 'tender_project' as const;
/** One host for registrations, deposits and sealed bids alike. */
export const tenderHost = (projectId: string): RegistrationHost & { hostType: typeof TENDER_HOST_TYPE } => ({
  hostType: TENDER_HOST_TYPE,
  hostId: projectId,
});
const ENTITY_TYPE = 'tender_project';
const INITIAL_STATUS: TenderStatus = 'registered';

/**
 * What staff enter: the terms and the schedule, and optionally a prequalification (资格预审) — its
 * documents, their sale and the day applications are due, all four or none (the API's nested
 * `prequalification` object, flattened as the columns are).
 */
export type TenderProjectInput = TenderTerms &
  TenderSchedule & { criteria?: Criterion[] | null } & PrequalificationFields;

export interface PrequalificationFields {
  prequalificationDocuments: { name: string; sha256: string }[] | null;
  prequalificationSaleStartsOn: string | null;
  prequalificationSaleEndsOn: string | null;
  applicationsDueOn: string | null;
}

export const NO_PREQUALIFICATION: PrequalificationFields = {
  prequalificationDocuments: null,
  prequalificationSaleStartsOn: null,
  prequalificationSaleEndsOn: null,
  applicationsDueOn: null,
};

/** Whether a tender has a prequalification (资格预审) before its bidding. */
export const hasPrequalification = (project: Pick<PrequalificationFields, 'applicationsDueOn'>) =>
  project.applicationsDueOn != null;

export const TENDER_DEFAULTS = {
  bidderConditions: '',
  documents: [] as { name: string; sha256: string }[],
  deposit: 0,
  bidDeadlineTime: '09:30',
  ...NO_PREQUALIFICATION,
};

const TERM_FIELDS = [
  'title',
  'ownerName',
  'ownerOrgCode',
  'kind',
  'description',
  'estimatedPrice',
  'stateFunded',
  'evaluationMethod',
  'criteria',
  'bidderConditions',
  'deposit',
  'documents',
  'bidDeadlineTime',
  'saleStartsOn',
  'saleEndsOn',
  'documentsIssuedOn',
  'bidDeadlineOn',
  'prequalificationDocuments',
  'prequalificationSaleStartsOn',
  'prequalificationSaleEndsOn',
  'applicationsDueOn',
] as const satisfies readonly (keyof TenderProjectInput & keyof TenderProjectEntity)[];

/**
 * Where suppliers may register: from the notice until the bid deadline (with prequalification,
 * from its result on, and only those who passed).
 */
const OPEN_FOR_SUPPLIERS = new Set<TenderStatus>(['announced', 'prequalified', 'bidding']);
/** Where amendments and clarifications of the tender documents may still be published: before the opening. */
const AMENDABLE = new Set<TenderStatus>(['announced', 'prequalified', 'bidding']);
/** Before bidding, the tender documents not yet issued (the worker's rebuild reads these). */
const BEFORE_BIDDING: TenderStatus[] = ['announced', 'prequalified'];

/**
 * Whether bidding opens next, on the day the tender documents are issued: a tender without
 * prequalification from its notice, one with prequalification only from its result (实施条例 第19条:
 * the documents go to those who passed). An `announced` tender with prequalification never held
 * one and does not open.
 */
export const awaitsBidding = (
  project: Pick<TenderProjectEntity, 'status'> & Pick<PrequalificationFields, 'applicationsDueOn'>,
) => project.status === 'prequalified' || (project.status === 'announced' && !hasPrequalification(project));

export interface NoticeInput {
  kind: 'amendment' | 'clarification';
  summary: string;
  documents: { name: string; sha256: string }[];
  /** May it affect how bids are prepared (实施条例 第21条)? Then a late one moves the deadline. */
  affectsBids: boolean;
  /** Staff may move the deadline later than the law requires; never earlier. */
  bidDeadlineOn?: string;
}

/** Staff qualify suppliers and supervisors oversee them; nobody else learns who or how many applied. */
const canSeeEverything = (viewer?: AuthUser) => hasAnyRole(viewer, ['staff', 'supervisor']);
const canSeeDrafts = (viewer?: AuthUser) => hasAnyRole(viewer, ['staff']);
/** Public once announced: a draft terminated before its notice stays as private as the draft. */
const wasAnnounced = (project: Pick<TenderProjectEntity, 'announcedOn'>) => project.announcedOn !== null;
const auditValue = (value: unknown) => JSON.stringify(value ?? null);
const withoutUndefined = <T extends object>(fields: T) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;

type TransitionAction = Exclude<TenderAction, 'suspend' | 'resume'>;

type Plan = {
  changes?: Partial<TenderProjectEntity>;
  data?: Record<string, unknown>;
  /** Work in the same transaction once the project's row is written. */
  after?: (manager: EntityManager) => Promise<void>;
};

/**
 * Construction tenders (建筑工程招投标): staff's project from registration to the opening,
 * suppliers' registrations and deposits, amendments that move the deadline as the law says,
 * termination, and the worker's timed steps (bidding opens on the day the documents are issued).
 * Every status comes from the lifecycle table (tender-lifecycle.ts), every period from
 * tender-rules.ts; every day is a date in CENTRE_TZ by the database's clock.
 */
@Injectable()
export class TendersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: TenderProjectsRepository,
    private readonly registrationRows: RegistrationsRepository,
    private readonly registrations: RegistrationsService,
    private readonly deposits: DepositsService,
    private readonly sealedBids: SealedBidsService,
    private readonly audit: AuditLogRepository,
    private readonly scheduler: TenderScheduler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private today(now: Date): string {
    return calendarDateInZone(now, this.config.CENTRE_TZ);
  }

  private deadlineAt(input: Pick<TenderProjectInput, 'bidDeadlineOn' | 'bidDeadlineTime'>): Date {
    return bidDeadlineInstant(input.bidDeadlineOn, input.bidDeadlineTime, this.config.CENTRE_TZ);
  }

  /**
   * The form first (every problem at once), then the schedule's periods in the order they run
   * (the prequalification's, then the tender's), then the deposit.
   */
  private checkProject(input: TenderProjectInput) {
    const violations = [
      ...tenderTermsViolations(input),
      ...criteriaProblems(input),
      ...prequalificationProblems(input),
    ];
    if (violations.length > 0)
      throw new DomainError('VALIDATION_FAILED', 'the tender terms are not valid', violations);
    if (hasPrequalification(input))
      checkPrequalificationSchedule(
        {
          saleStartsOn: input.prequalificationSaleStartsOn!,
          saleEndsOn: input.prequalificationSaleEndsOn!,
          applicationsDueOn: input.applicationsDueOn!,
        },
        input,
      );
    checkTenderSchedule(input);
    if (input.deposit > 0)
      checkDepositLimit({ base: 'estimatedPrice', baseAmount: input.estimatedPrice, deposit: input.deposit });
  }

  /** At the notice: the sale may not have begun before today, so its 5 days are whole. */
  private checkNotInPast(input: TenderProjectInput, today: string) {
    if (hasPrequalification(input) && input.prequalificationSaleStartsOn! < today)
      throw new DomainError(
        'SCHEDULE_IN_PAST',
        `the prequalification documents' sale would start before today (${today})`,
        {
          field: 'prequalification.saleStartsOn',
          saleStartsOn: input.prequalificationSaleStartsOn,
          today,
        },
      );
    if (input.saleStartsOn < today)
      throw new DomainError('SCHEDULE_IN_PAST', `the document sale would start before today (${today})`, {
        field: 'saleStartsOn',
        saleStartsOn: input.saleStartsOn,
        today,
      });
  }

  async create(staff: AuthUser, rawInput: Partial<TenderProjectInput>) {
    const input = { ...TENDER_DEFAULTS, ...rawInput } as TenderProjectInput;
    this.checkProject(input);
    const project = await this.dataSource.transaction(async (manager) => {
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      this.checkNotInPast(input, today);
      const created = await this.projects.insert(
        manager,
        {
          ...Object.fromEntries(TERM_FIELDS.map((field) => [field, input[field]])),
          bidDeadlineAt: this.deadlineAt(input),
          status: INITIAL_STATUS,
          createdBy: staff.id,
        } as Parameters<TenderProjectsRepository['insert']>[1],
        Number(today.slice(0, 4)),
      );
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'tender.created',
        entityType: ENTITY_TYPE,
        entityId: created.id,
        data: {
          code: created.code,
          ...Object.fromEntries(TERM_FIELDS.map((field) => [field, input[field]])),
        },
      });
      return created;
    });
    return this.staffView(project);
  }

  /** Staff change a registered (not yet announced) project; the merged project passes every check again. */
  async edit(staff: AuthUser, projectId: string, changes: Partial<TenderProjectInput>) {
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      if (current.status !== INITIAL_STATUS)
        throw new DomainError(
          'LISTING_NOT_EDITABLE',
          `a tender that is ${current.status} is changed by amendments, not edits`,
        );
      // A field sent as undefined is a field left out: it never overwrites the row's value.
      const merged = { ...termsOf(current), ...withoutUndefined(changes) } as TenderProjectInput;
      // Switching to the lowest evaluated price drops the criteria unless they are sent again.
      if (merged.evaluationMethod === 'lowest_evaluated_price' && !('criteria' in changes))
        merged.criteria = null;
      this.checkProject(merged);
      const now = await this.projects.databaseNow(manager);
      this.checkNotInPast(merged, this.today(now));
      const written: Partial<TenderProjectEntity> = {};
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const field of TERM_FIELDS) {
        if (auditValue(current[field]) === auditValue(merged[field])) continue;
        changed[field] = { from: current[field], to: merged[field] };
        Object.assign(written, { [field]: merged[field] });
      }
      if (Object.keys(written).length === 0) return current;
      written.bidDeadlineAt = this.deadlineAt(merged);
      await this.projects.update(manager, projectId, written);
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'tender.edited',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { code: current.code, changes: changed },
      });
      return { ...current, ...written };
    });
    return this.staffView(project);
  }

  /**
   * 招标公告: the notice goes public today; the schedule is checked again as of today. If the
   * documents are issued today or earlier, bidding opens in the same step. With prequalification
   * the notice is the prequalification notice (资格预审公告): registered → prequalification in one
   * transaction, applications taken from now on; it is never left `announced`.
   */
  async announce(staff: AuthUser, projectId: string) {
    const { project } = await this.applyTransition(
      staff,
      projectId,
      (current) => (hasPrequalification(current) ? 'announce_prequalification' : 'announce'),
      (current, now) => {
        const today = this.today(now);
        const input = termsOf(current);
        this.checkProject(input);
        this.checkNotInPast(input, today);
        return {
          changes: { announcedOn: today },
          data: { announcedOn: today },
          // The data key the suppliers' bids are sealed with exists from the notice on.
          after: (manager) => this.sealedBids.createKey(manager, tenderHost(projectId)),
        };
      },
    );
    const opened =
      awaitsBidding(project) && project.documentsIssuedOn <= project.announcedOn!
        ? await this.openBidding(project.id)
        : null;
    await this.scheduleSteps(opened ?? project);
    return this.staffView(opened ?? project);
  }

  /**
   * The worker's step on the day the documents are issued: announced (without prequalification)
   * or prequalified → bidding. Idempotent and early-safe: it acts only on a project that awaits
   * bidding (awaitsBidding) whose day has come by the database's clock.
   */
  async openBidding(projectId: string): Promise<TenderProjectEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.projects.lockById(manager, projectId);
      if (!current || !awaitsBidding(current)) return null;
      const now = await this.projects.databaseNow(manager);
      if (this.today(now) < current.documentsIssuedOn) return null;
      const next = this.transition(current.status, 'open_bidding');
      await this.projects.update(manager, projectId, { status: next });
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: 'tender.open_bidding',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: current.status, to: next, documentsIssuedOn: current.documentsIssuedOn },
      });
      return { ...current, status: next };
    });
  }

  /**
   * An amendment or clarification (澄清或者修改), published in order. One that may affect how bids
   * are prepared and comes less than 15 days before the deadline moves it to 15 days after its
   * publication (实施条例 第21条); staff may move it later still, never earlier.
   */
  async publishNotice(staff: AuthUser, projectId: string, input: NoticeInput) {
    const { project, notice } = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      if (!AMENDABLE.has(current.status))
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot publish an amendment while the tender is ${current.status}`,
        );
      const now = await this.projects.databaseNow(manager);
      if (now.getTime() >= current.bidDeadlineAt.getTime())
        throw new DomainError('BIDDING_CLOSED', 'the bid deadline has passed; the opening follows');
      const today = this.today(now);
      if (input.bidDeadlineOn !== undefined) requireDate('bidDeadlineOn', input.bidDeadlineOn);
      const required = bidDeadlineAfterAmendment({
        bidDeadlineOn: current.bidDeadlineOn,
        issuedOn: today,
        affectsBidPreparation: input.affectsBids,
      }).bidDeadlineOn;
      // Left unsaid, the deadline moves as far as the law requires (顺延) and no further.
      const asked = input.bidDeadlineOn ?? required;
      if (asked < current.bidDeadlineOn)
        throw new DomainError(
          'DEADLINE_MOVED_EARLIER',
          'an amendment may not bring the bid deadline forward',
          {
            bidDeadlineOn: current.bidDeadlineOn,
            asked,
          },
        );
      if (asked < required)
        throw new DomainError(
          'AMENDMENT_DEADLINE_TOO_EARLY',
          `an amendment that may affect the bids, published ${today}, needs the deadline on ${required} at the earliest`,
          { issuedOn: today, bidDeadlineOn: asked, earliestBidDeadlineOn: required },
        );
      const bidDeadlineOn = asked;
      const notice = await this.projects.insertNotice(manager, {
        projectId,
        kind: input.kind,
        summary: input.summary,
        documents: input.documents,
        affectsBids: input.affectsBids,
        publishedOn: today,
        publishedAt: now,
        deadlineBefore: current.bidDeadlineOn,
        deadlineAfter: bidDeadlineOn,
        publishedBy: staff.id,
      });
      const moved = bidDeadlineOn !== current.bidDeadlineOn;
      const bidDeadlineAt = this.deadlineAt({ bidDeadlineOn, bidDeadlineTime: current.bidDeadlineTime });
      if (moved) await this.projects.update(manager, projectId, { bidDeadlineOn, bidDeadlineAt });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: `tender.${input.kind}`,
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          noticeId: notice.id,
          affectsBids: input.affectsBids,
          documents: input.documents,
          bidDeadlineOn: { from: current.bidDeadlineOn, to: bidDeadlineOn },
        },
      });
      return { project: { ...current, bidDeadlineOn, bidDeadlineAt }, notice };
    });
    await this.scheduleSteps(project);
    return { amendment: toNoticeView(notice), project: await this.staffView(project) };
  }

  /** 终止: the owner ends the tender with a public reason; every received deposit falls due. */
  async terminate(staff: AuthUser, projectId: string, reason: string) {
    const { project } = await this.applyTransition(staff, projectId, 'terminate', (_current, now) => ({
      // A suspended tender ends with its suspension, whoever held it.
      changes: {
        terminationReason: reason,
        resumeTo: null,
        suspendedAt: null,
        suspendedOn: null,
        supervisorSuspension: false,
        suspensionComplaintId: null,
      },
      data: { reason },
      after: (manager) =>
        this.deposits.settleOnClose(manager, tenderHost(projectId), { sold: false }, now, staff.id),
    }));
    return this.staffView(project);
  }

  /**
   * 重新招标 after a failed round: the round stays as it is — its registrations, sealed bids, opening
   * record and deposits are keyed by its id and are evidence — and is closed as `retendered`; the
   * next round is a new tender in `registered` with the same terms (`round` + 1, `previousRoundId`),
   * which staff edit (new dates) and announce as usual. One successor only: the failed round's lock
   * and status decide, and `previous_round_id` is unique behind them.
   */
  async retender(staff: AuthUser, projectId: string) {
    const next = await this.dataSource.transaction(async (manager) => {
      const failed = await this.mustLock(manager, projectId);
      if (failed.status === 'retendered') {
        const existing = await this.projects.nextRoundOf(projectId, manager);
        throw new DomainError('TENDER_ALREADY_RETENDERED', 'this round already has its next round', {
          nextRoundId: existing?.id ?? null,
        });
      }
      const closed = this.transition(failed.status, 'retender');
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      const terms = termsOf(failed);
      const created = await this.projects.insert(
        manager,
        {
          ...terms,
          bidDeadlineAt: failed.bidDeadlineAt,
          status: INITIAL_STATUS,
          createdBy: staff.id,
        } as Parameters<TenderProjectsRepository['insert']>[1],
        Number(today.slice(0, 4)),
        { round: failed.round + 1, previousRoundId: failed.id },
      );
      await this.projects.update(manager, projectId, { status: closed });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'tender.retender',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: failed.status, to: closed, nextRoundId: created.id, nextRoundCode: created.code },
      });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'tender.created',
        entityType: ENTITY_TYPE,
        entityId: created.id,
        data: { code: created.code, round: created.round, previousRoundId: failed.id, ...terms },
      });
      return created;
    });
    return this.staffView(next, staff);
  }

  // --- suppliers ------------------------------------------------------------------------------

  /** A supplier applies, naming its organisation, from the notice until the bid deadline. */
  async register(bidder: AuthUser, projectId: string, organizationCode: string) {
    if (!bidder.roles.includes('bidder')) throw new DomainError('FORBIDDEN', 'only bidders may register');
    if (!isUnifiedSocialCreditCode(organizationCode))
      throw new DomainError('VALIDATION_FAILED', 'the organisation code is not valid', [
        { field: 'organizationCode', rule: 'a unified social credit code (18 characters, GB 32100)' },
      ]);
    return this.dataSource.transaction(async (manager) => {
      // Under the project's lock: a registration cannot slip past a termination or the deadline.
      const project = await this.projects.lockById(manager, projectId);
      if (!project || project.status === INITIAL_STATUS)
        throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
      const now = await this.projects.databaseNow(manager);
      if (!OPEN_FOR_SUPPLIERS.has(project.status) || now.getTime() >= project.bidDeadlineAt.getTime())
        throw new DomainError('REGISTRATION_CLOSED', 'registration for this tender is closed');
      if (organizationCode === project.ownerOrgCode)
        throw new DomainError('SUPPLIER_IS_OWNER', 'the owner cannot bid in its own tender');
      // 实施条例 第19条: after prequalification only the applicants that passed may bid, as the
      // organisation that passed.
      if (hasPrequalification(project)) {
        const application = await this.projects.applicationOfApplicant(projectId, bidder.id, manager);
        if (application?.status !== 'passed' || application.organizationCode !== organizationCode)
          throw new DomainError(
            'NOT_PREQUALIFIED',
            'only the applicants that passed prequalification may register, as the organisation that applied',
          );
      }
      const applied = await this.registrations.apply(
        manager,
        tenderHost(projectId),
        bidder.id,
        now,
        organizationCode,
      );
      const depositId =
        project.deposit > 0
          ? await this.deposits.openForRegistration(manager, {
              ...tenderHost(projectId),
              registrationId: applied.id,
              bidderId: bidder.id,
              amount: project.deposit,
              at: now,
            })
          : null;
      return { ...applied, depositId };
    });
  }

  /**
   * Staff qualify a supplier (its deposit arrived, where the notice asks for one): it may then
   * submit a sealed bid. As for the other lines, `depositReceived: true` records the receipt now.
   */
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
      this.requireBeforeDeadline(project, now, 'qualify suppliers');
      const depositReceivedAt =
        project.deposit > 0
          ? await this.deposits.requireForQualification(
              manager,
              staff.id,
              tenderHost(projectId),
              registrationId,
              now,
              {
                recordReceipt: depositReceived,
              },
            )
          : now;
      return this.registrations.qualify(
        manager,
        staff.id,
        tenderHost(projectId),
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
      this.requireBeforeDeadline(project, now, 'decide registrations');
      return this.registrations.reject(manager, staff.id, tenderHost(projectId), registrationId, reason, now);
    });
  }

  async registrationsOf(projectId: string, page: { limit: number; offset: number }) {
    await this.mustFind(projectId);
    const { items, total } = await this.registrations.list(tenderHost(projectId), page.limit, page.offset);
    return { items: items.map(toSupplierRegistrationView), total };
  }

  async myRegistrations(bidder: AuthUser, page: { limit: number; offset: number }) {
    const { items, total } = await this.registrations.listOfBidder(
      TENDER_HOST_TYPE,
      bidder.id,
      page.limit,
      page.offset,
    );
    return { items: items.map(toSupplierRegistrationView), total };
  }

  private requireBeforeDeadline(project: TenderProjectEntity, now: Date, what: string) {
    if (!OPEN_FOR_SUPPLIERS.has(project.status))
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `cannot ${what} while the tender is ${project.status}`,
      );
    if (now.getTime() >= project.bidDeadlineAt.getTime())
      throw new DomainError('BIDDING_CLOSED', 'the bid deadline has passed');
  }

  // --- sealed bids ---------------------------------------------------------------------------

  /**
   * A qualified supplier submits or replaces its sealed bid while bidding is open, before the
   * deadline by the database's clock. Answered with a receipt: never the price.
   */
  async submitBid(bidder: AuthUser, projectId: string, content: BidContent) {
    return this.dataSource.transaction(async (manager) => {
      const { project, now } = await this.lockForBidding(manager, bidder, projectId);
      return toSealedBidReceipt(
        projectId,
        await this.sealedBids.submit(manager, tenderHost(project.id), bidder.id, content, now),
      );
    });
  }

  /** The supplier withdraws its bid before the deadline (投标文件的撤回). */
  async withdrawBid(bidder: AuthUser, projectId: string) {
    return this.dataSource.transaction(async (manager) => {
      const { project, now } = await this.lockForBidding(manager, bidder, projectId);
      return toSealedBidReceipt(
        projectId,
        await this.sealedBids.withdraw(manager, tenderHost(project.id), bidder.id, now),
      );
    });
  }

  /** The supplier's own bids: receipts; after the opening, also its price as opened. */
  async myBids(bidder: AuthUser, page: { limit: number; offset: number }) {
    const { items, total } = await this.registrations.listOfBidder(
      TENDER_HOST_TYPE,
      bidder.id,
      page.limit,
      page.offset,
    );
    const bids = await Promise.all(
      items.map(async (registration) => {
        const host = tenderHost(registration.hostId);
        const [own, opening] = await Promise.all([
          this.sealedBids.mine(null, host, bidder.id),
          this.sealedBids.opening(null, host),
        ]);
        return toOwnBidStatus(registration.hostId, registration.status, own, opening, bidder.id);
      }),
    );
    return { items: bids, total };
  }

  /**
   * The opening (开标), the worker's step at the deadline: decrypts every bid and publishes the
   * record, bidding → opened; fewer than 3 valid bids → failed (流标), deposits due for refund.
   * Exactly once: the project's lock and status decide, and the opening record is written once.
   */
  async openBids(
    projectId: string,
    jobId: string,
  ): Promise<{ opened: boolean; status?: TenderStatus; validBids?: number }> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.projects.lockById(manager, projectId);
      if (!current || current.status !== 'bidding') return { opened: false };
      const now = await this.projects.databaseNow(manager);
      // Early by the database's clock (a job on a fast worker): the sweeper opens it when due.
      if (now.getTime() < current.bidDeadlineAt.getTime()) return { opened: false };
      const record = await this.sealedBids.open(manager, tenderHost(projectId), {
        opensAt: current.bidDeadlineAt,
        now,
        jobId,
      });
      const opened = this.transition(current.status, 'open_bids');
      const enough = record.validCount >= MIN_BIDS;
      const status = enough ? opened : this.transition(opened, 'fail');
      await this.projects.update(manager, projectId, {
        status,
        openedAt: record.openedAt,
        ...(enough ? {} : { failedReason: TOO_FEW_BIDS_REASON }),
      });
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: 'tender.open_bids',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          from: current.status,
          to: opened,
          jobId,
          validBids: record.validCount,
          bids: record.submittedCount,
        },
      });
      if (!enough) {
        await this.audit.append(manager, {
          at: now,
          actorId: null,
          action: 'tender.fail',
          entityType: ENTITY_TYPE,
          entityId: projectId,
          data: { from: opened, to: status, reason: TOO_FEW_BIDS_REASON, validBids: record.validCount },
        });
        await this.deposits.settleOnClose(manager, tenderHost(projectId), { sold: false }, now, null);
      }
      return { opened: true, status, validBids: record.validCount };
    });
  }

  /** The public opening record (开标记录), once the bids are opened: every bidder and price. */
  async openingRecord(projectId: string) {
    const project = await this.mustFind(projectId);
    const record = project.openedAt ? await this.sealedBids.publicOpening(tenderHost(projectId)) : null;
    if (!record)
      throw new DomainError('SEALED_UNTIL_OPENING', 'the bids are opened at the deadline', {
        opensAt: project.bidDeadlineAt.toISOString(),
      });
    return record;
  }

  /** The project locked for a bid step: bidding, before the deadline, the bidder qualified. */
  private async lockForBidding(manager: EntityManager, bidder: AuthUser, projectId: string) {
    if (!bidder.roles.includes('bidder')) throw new DomainError('FORBIDDEN', 'only suppliers submit bids');
    const project = await this.mustLock(manager, projectId);
    if (project.status === INITIAL_STATUS) throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
    const now = await this.projects.databaseNow(manager);
    if (BEFORE_BIDDING.includes(project.status) || project.status === 'prequalification')
      throw new DomainError('BIDDING_NOT_OPEN', `bidding opens on ${project.documentsIssuedOn}`, {
        documentsIssuedOn: project.documentsIssuedOn,
      });
    if (project.status !== 'bidding' || now.getTime() >= project.bidDeadlineAt.getTime())
      throw new DomainError('BIDDING_CLOSED', 'bids are no longer taken', {
        bidDeadlineAt: project.bidDeadlineAt.toISOString(),
      });
    const registration = await this.registrationRows.findOf(tenderHost(projectId), bidder.id, manager);
    if (!registration || registration.status !== 'qualified')
      throw new DomainError('NOT_QUALIFIED', 'only qualified suppliers may bid');
    return { project, now };
  }

  // --- the worker's scans ---------------------------------------------------------------------

  /** What the sweeper acts on by the database's clock: bidding due to open, openings due. */
  async dueWork(): Promise<{ biddingDue: string[]; openingDue: string[] }> {
    const now = await this.projects.databaseNow();
    const [biddingDue, openingDue] = await Promise.all([
      this.projects.findBiddingDue(this.today(now)),
      this.projects.findDeadlinePassed(['bidding'], now),
    ]);
    return { biddingDue: biddingDue.map((p) => p.id), openingDue: openingDue.map((p) => p.id) };
  }

  /** A page of the tenders that still have a timed step ahead (the worker's rebuild). */
  async timedPage(afterId: string | null, limit: number) {
    const page = await this.projects.findPage([...BEFORE_BIDDING, 'bidding'], afterId, limit);
    return page.map((project) => ({
      id: project.id,
      biddingOpensAt: awaitsBidding(project) ? this.biddingOpensAt(project) : null,
      openingAt: project.bidDeadlineAt,
    }));
  }

  biddingOpensAt(project: Pick<TenderProjectEntity, 'documentsIssuedOn'>): Date {
    return startOfDayInZone(project.documentsIssuedOn, this.config.CENTRE_TZ);
  }

  // --- reads ----------------------------------------------------------------------------------

  async get(projectId: string, viewer?: AuthUser) {
    const project = await this.projects.findById(projectId);
    if (!project || (!wasAnnounced(project) && !canSeeDrafts(viewer)))
      throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
    return canSeeEverything(viewer) ? this.staffView(project, viewer) : this.publicView(project, viewer);
  }

  async list(filter: { status?: TenderStatus; limit: number; offset: number }, viewer?: AuthUser) {
    const drafts = canSeeDrafts(viewer);
    if (filter.status === INITIAL_STATUS && !drafts) return { items: [], total: 0 };
    const { items, total } = await this.projects.list({
      ...filter,
      hidden: drafts ? [] : [INITIAL_STATUS],
      announcedOnly: !drafts,
    });
    // The list shows the notice; amendments are on each project's own page.
    const view = canSeeEverything(viewer)
      ? (project: TenderProjectEntity) => ({
          ...toPublicTender(project, { notices: [] }),
          resumeTo: project.resumeTo,
        })
      : (project: TenderProjectEntity) => toPublicTender(project, { notices: [] });
    return { items: items.map(view), total };
  }

  private async publicView(project: TenderProjectEntity, viewer?: AuthUser) {
    const [notices, objections, next] = await Promise.all([
      this.projects.noticesOf(project.id),
      this.projects.objectionsOf(project.id),
      this.projects.nextRoundOf(project.id),
    ]);
    // A next round still being drafted is not public yet: its id would lead nowhere.
    const nextRoundId = next && wasAnnounced(next) ? next.id : null;
    return toPublicTender(project, { notices, objections, nextRoundId, viewerId: viewer?.id });
  }

  async staffView(project: TenderProjectEntity, viewer?: AuthUser) {
    const [notices, objections, next, counts, applications] = await Promise.all([
      this.projects.noticesOf(project.id),
      this.projects.objectionsOf(project.id),
      this.projects.nextRoundOf(project.id),
      this.registrationRows.countOf(tenderHost(project.id)),
      hasPrequalification(project) ? this.projects.applicationCounts(project.id) : Promise.resolve(null),
    ]);
    return toStaffTender(
      project,
      { notices, objections, nextRoundId: next?.id ?? null, viewerId: viewer?.id },
      counts,
      applications,
    );
  }

  // --- internals ------------------------------------------------------------------------------

  /** `action` may be chosen from the locked row (the announcement's, by its prequalification). */
  async applyTransition(
    actor: AuthUser,
    projectId: string,
    actionOf: TransitionAction | ((current: TenderProjectEntity) => TransitionAction),
    plan: (current: TenderProjectEntity, now: Date) => Plan,
  ): Promise<{ project: TenderProjectEntity; now: Date }> {
    let now = new Date();
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      const action = typeof actionOf === 'function' ? actionOf(current) : actionOf;
      now = await this.projects.databaseNow(manager);
      const next = this.transition(current.status, action, current.resumeTo);
      const { changes = {}, data = {}, after } = plan(current, now);
      await this.projects.update(manager, projectId, { ...changes, status: next });
      await after?.(manager);
      await this.audit.append(manager, {
        at: now,
        actorId: actor.id,
        action: `tender.${action}`,
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: current.status, to: next, ...data },
      });
      return (await this.projects.lockById(manager, projectId))!;
    });
    return { project, now };
  }

  transition(from: TenderStatus, action: TenderAction, resumeTo?: TenderStatus | null): TenderStatus {
    const next = nextTenderStatus(from, action, resumeTo);
    if (!next) throw new DomainError('INVALID_STATE_TRANSITION', `cannot ${action} a tender that is ${from}`);
    return next;
  }

  /** After commit; if the queue is unreachable the worker's sweeper still acts within seconds. */
  async scheduleSteps(project: TenderProjectEntity) {
    if (isFinalTenderStatus(project.status)) return;
    const steps: Promise<void>[] = [];
    if (awaitsBidding(project))
      steps.push(this.scheduler.scheduleBiddingOpens(project.id, this.biddingOpensAt(project)));
    if (awaitsBidding(project) || project.status === 'bidding')
      steps.push(this.scheduler.scheduleOpening(project.id, project.bidDeadlineAt));
    await Promise.all(steps).catch((error) =>
      this.logger.warn(
        { err: error, projectId: project.id },
        'could not schedule tender steps; the sweeper will cover',
      ),
    );
  }

  async mustFind(projectId: string) {
    const project = await this.projects.findById(projectId);
    if (!project) throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
    return project;
  }

  async mustLock(manager: EntityManager, projectId: string) {
    const project = await this.projects.lockById(manager, projectId);
    if (!project) throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
    return project;
  }
}

/** Criteria are the documents' scoring rule: required for comprehensive scoring, absent otherwise. */
function criteriaProblems(input: TenderProjectInput) {
  if (input.evaluationMethod === 'comprehensive_scoring')
    return input.criteria == null
      ? [{ field: 'criteria', rule: 'required for comprehensive_scoring' }]
      : criteriaViolations(input.criteria);
  return input.criteria == null ? [] : [{ field: 'criteria', rule: 'only with comprehensive_scoring' }];
}

/** The prequalification's form: all four fields or none; its documents 1 to 50, each hashed. */
function prequalificationProblems(input: TenderProjectInput) {
  const fields = [
    'prequalificationDocuments',
    'prequalificationSaleStartsOn',
    'prequalificationSaleEndsOn',
    'applicationsDueOn',
  ] as const;
  const given = fields.filter((field) => input[field] != null);
  if (given.length === 0) return [];
  if (given.length < fields.length)
    return [
      {
        field: 'prequalification',
        rule: 'documents, saleStartsOn, saleEndsOn and applicationsDueOn together',
      },
    ];
  const documents = input.prequalificationDocuments;
  if (!Array.isArray(documents) || documents.length === 0 || documents.length > MAX_TENDER_DOCUMENTS)
    return [{ field: 'prequalification.documents', rule: `1 to ${MAX_TENDER_DOCUMENTS} documents` }];
  return documents.flatMap((document, index) => [
    ...(typeof document?.name !== 'string' || document.name.trim().length === 0 || document.name.length > 255
      ? [{ field: `prequalification.documents[${index}].name`, rule: '1 to 255 characters' }]
      : []),
    ...(isSha256Hex(document?.sha256)
      ? []
      : [
          {
            field: `prequalification.documents[${index}].sha256`,
            rule: 'SHA-256 as 64 lowercase hex digits',
          },
        ]),
  ]);
}

export function termsOf(project: TenderProjectEntity): TenderProjectInput {
  return Object.fromEntries(
    TERM_FIELDS.map((field) => [field, project[field]]),
  ) as unknown as TenderProjectInput;
}

/** Fewer than 3 valid bids at the opening: 流标 (招标投标法 第28条). */
export const TOO_FEW_BIDS_REASON = `有效投标人少于${MIN_BIDS}个,依法重新招标`;
