import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  auctionOpensAt,
  automaticEndOfDisclosureAction,
  type BusinessCalendar,
  calendarDateInZone,
  checkAgreementPrice,
  checkContractSignedInTime,
  checkDisclosurePeriod,
  checkEndOfDisclosureAction,
  checkListingPrice,
  checkRelistPrice,
  contractSigningDeadline,
  DomainError,
  endOfCalendarDay,
  type EndOfDisclosureAction,
  extendedDisclosureEnd,
  INITIAL_AUCTION_STATUS,
  INITIAL_TRANSFER_STATUS,
  isDueToClose,
  RELISTED_TRANSFER_STATUS,
  isSha256Hex,
  nextAuctionStatus,
  type OnSiteAuctionRecord,
  nextTransferStatus,
  type PriceApproval,
  resultPublicationEnd,
  resumedDisclosureEnd,
  resumeTimers,
  suspendTransfer,
  type TransferAction,
  type TransferStatus,
  transferStatusesAllowing,
  type TransferTerms,
  transferTermsViolations,
} from '@ggzy/domain';
import {
  AuctionEntity,
  AuctionsRepository,
  AuditLogRepository,
  DealsRepository,
  PartyBans,
  RefusalToSignRecords,
  type RegistrationHost,
  RegistrationsRepository,
  type TransferProjectEntity,
  TransferProjectsRepository,
  UsersRepository,
} from '@ggzy/persistence';
import { AuctionScheduler, TransferScheduler } from '@ggzy/queues';
import { RegistrationsService, suspendedByAnother, suspensionHeldByComplaint } from '@ggzy/registrations';
import { BusinessCalendarService } from '@ggzy/calendar';
import { hasAnyRole, type AuthUser } from '@ggzy/auth';
import { LIVE_EVENTS, type LiveEvents, OnSiteAuctionService } from '@ggzy/auction';
import { DepositsService } from '@ggzy/deposits';
import {
  type AuctionSide,
  toPublicProject,
  toStaffProject,
  toTransferRegistrationView,
} from './transfer-project.views.js';

/** A transfer project's registrations (and its auction) are keyed by its id, under this host type. */
export const TRANSFER_HOST_TYPE = 'transfer_project' as const;
const transferHost = (projectId: string): RegistrationHost => ({
  hostType: TRANSFER_HOST_TYPE,
  hostId: projectId,
});
const ENTITY_TYPE = 'transfer_project';

/** What staff enter: the domain's terms, the last day of disclosure and any price approval. */
export interface TransferProjectInput extends TransferTerms {
  disclosureEndsOn: string;
  approval?: PriceApproval | null;
}

/** The fields of a re-listing: a new price and disclosure, and optionally new conditions or deposit. */
export interface RelistInput {
  listingPrice: number;
  disclosureEndsOn: string;
  approval?: PriceApproval | null;
  buyerConditions?: string;
  deposit?: number;
}

export const TRANSFER_DEFAULTS = {
  documents: [] as { name: string; sha256: string }[],
  buyerConditions: '',
  extensionPeriods: 0,
  auctionStartTime: '10:00',
  freeBiddingMinutes: 60,
  extensionSeconds: 300,
};

const TERM_FIELDS = [
  'title',
  'transferor',
  'assetKind',
  'assetDescription',
  'documents',
  'valuation',
  'listingPrice',
  'buyerConditions',
  'deposit',
  'extensionPeriods',
  'increment',
  'auctionStartTime',
  'freeBiddingMinutes',
  'extensionSeconds',
  'disclosureEndsOn',
] as const satisfies readonly (keyof TransferProjectInput & keyof TransferProjectEntity)[];

/** A re-listing of these is a new project (relist_as_new); of the others, the same one. */
const RELISTED_AS_NEW = new Set<TransferStatus>(transferStatusesAllowing('relist_as_new'));
/** The statuses a project is in disclosure in (buyers apply): those an extension leaves from. */
const DISCLOSING = new Set<TransferStatus>(transferStatusesAllowing('extend'));
/** After a sale: the stages a winner can still default from (sold, confirmed). */
const AFTER_SALE = new Set<TransferStatus>(transferStatusesAllowing('default'));
/** Staff edit a project only where publishing may follow (the draft and a re-listing). */
const EDITABLE = new Set<TransferStatus>(transferStatusesAllowing('publish'));

const canSeeEverything = (viewer?: AuthUser) => hasAnyRole(viewer, ['staff', 'supervisor', 'admin']);
const canSeeDrafts = (viewer?: AuthUser) => hasAnyRole(viewer, ['staff']);
/**
 * Public once published — a re-listing (in place, or as a new project) is announced before it is
 * published again (published_on cleared, relist_count > 0); an accepted draft terminated is not.
 */
const wasAnnounced = (project: Pick<TransferProjectEntity, 'publishedOn' | 'relistCount'>) =>
  project.publishedOn !== null || project.relistCount > 0;

function approvalColumns(approval: PriceApproval | null | undefined) {
  return {
    approvalApprover: approval?.approver ?? null,
    approvalDocumentSha256: approval?.documentSha256 ?? null,
  };
}

function approvalOf(project: TransferProjectEntity): PriceApproval | null {
  return project.approvalApprover !== null
    ? { approver: project.approvalApprover, documentSha256: project.approvalDocumentSha256! }
    : null;
}

function termsOf(project: TransferProjectEntity): TransferProjectInput {
  const terms = Object.fromEntries(TERM_FIELDS.map((field) => [field, project[field]]));
  return { ...(terms as unknown as TransferProjectInput), approval: approvalOf(project) };
}

/** The project's terms with a re-listing's new price, disclosure and (if given) conditions and deposit. */
function relistedTerms(project: TransferProjectEntity, input: RelistInput): TransferProjectInput {
  return {
    ...termsOf(project),
    listingPrice: input.listingPrice,
    disclosureEndsOn: input.disclosureEndsOn,
    approval: input.approval ?? null,
    ...(input.buyerConditions !== undefined ? { buyerConditions: input.buyerConditions } : {}),
    ...(input.deposit !== undefined ? { deposit: input.deposit } : {}),
  };
}

/** Comparable and JSON-safe audit values. */
const auditValue = (value: unknown) => JSON.stringify(value ?? null);

type Plan = {
  changes?: Partial<TransferProjectEntity>;
  data?: Record<string, unknown>;
  /** Work in the same transaction once the project's row is written (the auction, a deal). */
  after?: (manager: EntityManager) => Promise<void>;
};

/**
 * Property-rights transfers (产权交易): staff's project from acceptance to the contract, buyers'
 * registrations, the end-of-disclosure decision (the worker's job) and the public views. Every
 * status comes from the lifecycle table (transfer-project-lifecycle.ts); every rule from
 * transfer-rules.ts on the one business-day calendar; every day is a date in CENTRE_TZ by the
 * database's clock.
 */
@Injectable()
export class TransfersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: TransferProjectsRepository,
    private readonly auctions: AuctionsRepository,
    private readonly registrationRows: RegistrationsRepository,
    private readonly registrations: RegistrationsService,
    private readonly deals: DealsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditLogRepository,
    private readonly calendars: BusinessCalendarService,
    private readonly scheduler: AuctionScheduler,
    private readonly transferScheduler: TransferScheduler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(LIVE_EVENTS) private readonly liveEvents: LiveEvents,
    private readonly deposits: DepositsService,
    private readonly onSite: OnSiteAuctionService,
    private readonly partyBans: PartyBans,
    private readonly refusalsToSign: RefusalToSignRecords,
  ) {}

  private today(now: Date): string {
    return calendarDateInZone(now, this.config.CENTRE_TZ);
  }

  /** The form first (every problem at once), then the price rule, then the disclosure from today. */
  private checkProject(
    calendar: BusinessCalendar,
    input: TransferProjectInput,
    today: string,
    relisting: boolean,
  ) {
    const violations = transferTermsViolations(input);
    if (input.approval != null) {
      if (typeof input.approval.approver !== 'string' || input.approval.approver.trim().length === 0)
        violations.push({ field: 'approval.approver', rule: '1 to 200 characters' });
      if (!isSha256Hex(input.approval.documentSha256))
        violations.push({ field: 'approval.documentSha256', rule: 'SHA-256 as 64 lowercase hex digits' });
    }
    if (violations.length > 0)
      throw new DomainError('VALIDATION_FAILED', 'the project terms are not valid', violations);
    (relisting ? checkRelistPrice : checkListingPrice)(input);
    checkDisclosurePeriod(calendar, {
      assetKind: input.assetKind,
      publishedOn: today,
      endsOn: input.disclosureEndsOn,
    });
  }

  async create(staff: AuthUser, rawInput: Partial<TransferProjectInput>) {
    const input = { ...TRANSFER_DEFAULTS, ...rawInput } as TransferProjectInput;
    const calendar = await this.calendars.calendar();
    const project = await this.dataSource.transaction(async (manager) => {
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      this.checkProject(calendar, input, today, false);
      const { approval, ...terms } = input;
      const created = await this.insertProject(manager, staff, input, INITIAL_TRANSFER_STATUS, today);
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'transfer.created',
        entityType: ENTITY_TYPE,
        entityId: created.id,
        data: { code: created.code, ...terms, approval: approval ?? null },
      });
      return created;
    });
    return toStaffProject(project, null, null);
  }

  /** A project's row from checked terms, coded in today's year. */
  private insertProject(
    manager: EntityManager,
    staff: AuthUser,
    input: TransferProjectInput,
    status: TransferStatus,
    today: string,
    relisting?: { relistedFrom: string; relistCount: number },
  ) {
    return this.projects.insert(
      manager,
      {
        ...Object.fromEntries(TERM_FIELDS.map((field) => [field, input[field]])),
        ...approvalColumns(input.approval),
        status,
        createdBy: staff.id,
      } as Parameters<TransferProjectsRepository['insert']>[1],
      Number(today.slice(0, 4)),
      relisting,
    );
  }

  /** Staff change an accepted or re-listed project; the merged project passes every check again. */
  async edit(staff: AuthUser, projectId: string, changes: Partial<TransferProjectInput>) {
    const calendar = await this.calendars.calendar();
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      if (!EDITABLE.has(current.status))
        throw new DomainError(
          'LISTING_NOT_EDITABLE',
          `a project that is ${current.status} cannot be edited; terminate or re-list it`,
        );
      const now = await this.projects.databaseNow(manager);
      const merged = { ...termsOf(current), ...changes };
      this.checkProject(calendar, merged, this.today(now), current.relistCount > 0);
      const written: Partial<TransferProjectEntity> = {};
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const field of TERM_FIELDS) {
        if (!(field in changes) || auditValue(current[field]) === auditValue(merged[field])) continue;
        changed[field] = { from: current[field], to: merged[field] };
        Object.assign(written, { [field]: merged[field] });
      }
      if ('approval' in changes && auditValue(approvalOf(current)) !== auditValue(merged.approval ?? null)) {
        changed.approval = { from: approvalOf(current), to: merged.approval ?? null };
        Object.assign(written, approvalColumns(merged.approval));
      }
      if (Object.keys(written).length === 0) return current;
      await this.projects.update(manager, projectId, written);
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'transfer.edited',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { code: current.code, changes: changed },
      });
      return { ...current, ...written };
    });
    return toStaffProject(project, null, null);
  }

  /** Into disclosure from today: the period and the price are checked again as of today. */
  async publish(staff: AuthUser, projectId: string) {
    const calendar = await this.calendars.calendar();
    const { project } = await this.applyTransition(staff, projectId, 'publish', (current, now) => {
      const today = this.today(now);
      this.checkProject(calendar, termsOf(current), today, current.relistCount > 0);
      return { changes: { publishedOn: today, endDecidedFor: null }, data: { publishedOn: today } };
    });
    await this.scheduleEndOfDisclosure(project);
    return this.staffView(project);
  }

  // --- buyers ---------------------------------------------------------------------------------

  /** A buyer applies while the project is in disclosure, up to the end of its last day. */
  async register(bidder: AuthUser, projectId: string) {
    if (!bidder.roles.includes('bidder')) throw new DomainError('FORBIDDEN', 'only bidders may register');
    return this.dataSource.transaction(async (manager) => {
      const project = await this.projects.findById(projectId);
      if (!project || project.status === INITIAL_TRANSFER_STATUS)
        throw new DomainError('LISTING_NOT_FOUND', 'no such project');
      const now = await this.projects.databaseNow(manager);
      if (!DISCLOSING.has(project.status) || this.today(now) > project.disclosureEndsOn)
        throw new DomainError('REGISTRATION_CLOSED', 'registration for this project is closed');
      // The application and its deposit, owed at the project's amount, commit together.
      const applied = await this.registrations.apply(manager, transferHost(projectId), bidder.id, now);
      const depositId = await this.deposits.openForRegistration(manager, {
        ...transferHost(projectId),
        registrationId: applied.id,
        bidderId: bidder.id,
        amount: project.deposit,
        at: now,
      });
      return { ...applied, depositId };
    });
  }

  /**
   * Staff confirm the buyer's deposit arrived; the buyer gets a bidder code. As for leases:
   * `depositReceived: true` records the receipt now if the deposit is still due; `false` qualifies
   * only a deposit already received (POST /api/deposits/:id/receive), else DEPOSIT_NOT_RECEIVED.
   */
  async qualify(staff: AuthUser, projectId: string, registrationId: string, depositReceived: boolean) {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.mustLock(manager, projectId);
      const now = await this.projects.databaseNow(manager);
      this.requireDisclosureOpen(project, now, 'qualify buyers');
      await this.openMissingDeposit(manager, project, registrationId, now);
      const depositReceivedAt = await this.deposits.requireForQualification(
        manager,
        staff.id,
        transferHost(projectId),
        registrationId,
        now,
        { recordReceipt: depositReceived },
      );
      const qualified = await this.registrations.qualify(
        manager,
        staff.id,
        transferHost(projectId),
        registrationId,
        now,
        depositReceivedAt ?? now,
      );
      await this.projects.update(manager, projectId, { qualifiedBuyers: project.qualifiedBuyers + 1 });
      return qualified;
    });
  }

  /**
   * A pending registration made before deposits were opened with it has none: it is opened here
   * (due, at the project's amount, as of now), so qualifying follows the same rule for every
   * registration without a data migration.
   */
  private async openMissingDeposit(
    manager: EntityManager,
    project: TransferProjectEntity,
    registrationId: string,
    now: Date,
  ) {
    const registration = await this.registrationRows.find(transferHost(project.id), registrationId, manager);
    if (!registration || registration.status !== 'pending') return;
    if (await this.deposits.ofRegistration(manager, registrationId)) return;
    await this.deposits.openForRegistration(manager, {
      ...transferHost(project.id),
      registrationId,
      bidderId: registration.bidderId,
      amount: project.deposit,
      at: now,
    });
  }

  async reject(staff: AuthUser, projectId: string, registrationId: string, reason: string) {
    return this.dataSource.transaction(async (manager) => {
      await this.mustLock(manager, projectId);
      const now = await this.projects.databaseNow(manager);
      return this.registrations.reject(
        manager,
        staff.id,
        transferHost(projectId),
        registrationId,
        reason,
        now,
      );
    });
  }

  private requireDisclosureOpen(project: TransferProjectEntity, now: Date, what: string) {
    if (!DISCLOSING.has(project.status))
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `cannot ${what} while the project is ${project.status}`,
      );
    if (this.today(now) > project.disclosureEndsOn)
      throw new DomainError('REGISTRATION_CLOSED', `disclosure ended on ${project.disclosureEndsOn}`);
  }

  // --- the end of disclosure ------------------------------------------------------------------

  /**
   * The worker's step at 24:00 of the disclosure's last day (CENTRE_TZ, the database's clock):
   * extend while announced extensions last, open the agreement (1 buyer) or the auction (2+), or
   * leave the project for staff to re-list or terminate. Locked and keyed on the period it
   * decides (`endDecidedFor`), so a second run, a late job and the sweeper have no second effect.
   */
  async decideEndOfDisclosure(
    projectId: string,
  ): Promise<{ decided: boolean; action?: EndOfDisclosureAction | 'await_staff'; dueAt?: Date }> {
    const calendar = await this.calendars.calendar();
    let scheduled: TransferProjectEntity | null = null;
    let auction: AuctionEntity | null = null;
    const result = await this.dataSource.transaction(async (manager) => {
      const project = await this.projects.lockById(manager, projectId);
      if (!project || !DISCLOSING.has(project.status) || project.endDecidedFor === project.disclosureEndsOn)
        return { decided: false };
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      if (today <= project.disclosureEndsOn)
        return { decided: false, dueAt: endOfCalendarDay(project.disclosureEndsOn, this.config.CENTRE_TZ) };
      const facts = {
        qualifiedBuyers: project.qualifiedBuyers,
        extensionPeriods: project.extensionPeriods,
        extensionsUsed: project.extensionsUsed,
      };
      const action = automaticEndOfDisclosureAction(facts);
      if (!action) {
        await this.projects.update(manager, projectId, { endDecidedFor: project.disclosureEndsOn });
        await this.audit.append(manager, {
          at: now,
          actorId: null,
          action: 'transfer.disclosure_ended',
          entityType: ENTITY_TYPE,
          entityId: projectId,
          data: { ...facts, outcome: 'awaiting_staff' },
        });
        return { decided: true, action: 'await_staff' as const };
      }
      checkEndOfDisclosureAction(action, { ...facts, disclosureEndsOn: project.disclosureEndsOn, today });
      const next = this.transition(project.status, action);
      const changes: Partial<TransferProjectEntity> = {
        status: next,
        endDecidedFor: project.disclosureEndsOn,
      };
      if (action === 'extend') {
        changes.disclosureEndsOn = extendedDisclosureEnd(calendar, project.disclosureEndsOn);
        changes.extensionsUsed = project.extensionsUsed + 1;
      }
      await this.projects.update(manager, projectId, changes);
      if (action === 'open_auction') auction = await this.openAuction(manager, calendar, project);
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: `transfer.${action}`,
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          from: project.status,
          to: next,
          ...facts,
          ...(changes.disclosureEndsOn ? { disclosureEndsOn: changes.disclosureEndsOn } : {}),
          ...(auction ? { biddingStartsAt: (auction as AuctionEntity).biddingStartsAt.toISOString() } : {}),
        },
      });
      scheduled = { ...project, ...changes };
      return { decided: true, action };
    });
    if (scheduled) await this.scheduleEndOfDisclosure(scheduled);
    if (auction) await this.scheduleAuction(auction);
    return result;
  }

  /**
   * The live auction of 2+ buyers, under the project's id: it starts at the listing price with no
   * reserve and opens at the announced time on the next business day; the same worker opens and
   * closes it and the same gateway serves it. Its status comes from the auction table (a draft
   * published).
   */
  private async openAuction(
    manager: EntityManager,
    calendar: BusinessCalendar,
    project: TransferProjectEntity,
  ) {
    const existing = await this.auctions.lockById(manager, project.id);
    if (existing)
      // A re-listed project that reaches a second auction: the engine keys bids by auction id,
      // so the first auction's ledger would mix with the second's. Refused until that is designed.
      throw new DomainError('INVALID_STATE_TRANSITION', 'this project has already had its live auction');
    const biddingStartsAt = auctionOpensAt(
      calendar,
      project.disclosureEndsOn,
      project.auctionStartTime,
      this.config.CENTRE_TZ,
    );
    const freeBiddingEndsAt = new Date(biddingStartsAt.getTime() + project.freeBiddingMinutes * 60_000);
    return this.auctions.insert(manager, {
      id: project.id,
      hostType: TRANSFER_HOST_TYPE,
      status: nextAuctionStatus(INITIAL_AUCTION_STATUS, 'publish')!,
      startPrice: project.listingPrice,
      increment: project.increment,
      reservePrice: null,
      // A transfer's deal is the price itself: any safe integer is a valid deal.
      maxBid: Number.MAX_SAFE_INTEGER,
      allowSelfOutbid: false,
      biddingStartsAt,
      freeBiddingEndsAt,
      extensionSeconds: project.extensionSeconds,
      endsAt: new Date(freeBiddingEndsAt.getTime() + project.extensionSeconds * 1000),
      currentPrice: null,
      leaderId: null,
      bidCount: 0,
      lastSeq: 0,
      finalPrice: null,
      winnerId: null,
      closedAt: null,
      statusReason: null,
      suspendedAt: null,
    });
  }

  /** Staff extend by hand once the job has not (same checks as the job's). */
  async extend(staff: AuthUser, projectId: string) {
    const calendar = await this.calendars.calendar();
    const { project } = await this.applyTransition(staff, projectId, 'extend', (current, now) => {
      checkEndOfDisclosureAction('extend', this.endFacts(current, now));
      const disclosureEndsOn = extendedDisclosureEnd(calendar, current.disclosureEndsOn);
      return {
        changes: { disclosureEndsOn, extensionsUsed: current.extensionsUsed + 1 },
        data: { disclosureEndsOn },
      };
    });
    await this.scheduleEndOfDisclosure(project);
    return this.staffView(project);
  }

  /**
   * A new listing at a new price (down to 90% of the valuation freely) with a full disclosure
   * period again. A project no buyer qualified for is re-listed in place; one whose buyers took
   * part and whose sale fell through (unsold, defaulted) is re-listed as a new project, linked
   * both ways, so its buyers apply afresh and its auction, ledger and deal are its own.
   */
  async relist(staff: AuthUser, projectId: string, input: RelistInput) {
    const found = await this.mustFind(projectId);
    if (RELISTED_AS_NEW.has(found.status)) return this.relistAsNew(staff, projectId, input);
    const calendar = await this.calendars.calendar();
    // In place only from disclosure (the table's `relist`), before any auction can exist.
    const { project } = await this.applyTransition(staff, projectId, 'relist', (current, now) => {
      if (DISCLOSING.has(current.status)) checkEndOfDisclosureAction('relist', this.endFacts(current, now));
      const merged = relistedTerms(current, input);
      this.checkProject(calendar, merged, this.today(now), true);
      return {
        changes: {
          listingPrice: merged.listingPrice,
          disclosureEndsOn: merged.disclosureEndsOn,
          buyerConditions: merged.buyerConditions,
          deposit: merged.deposit,
          ...approvalColumns(merged.approval),
          relistCount: current.relistCount + 1,
          extensionsUsed: 0,
          publishedOn: null,
          endDecidedFor: null,
        },
        data: {
          listingPrice: merged.listingPrice,
          disclosureEndsOn: merged.disclosureEndsOn,
          approval: merged.approval ?? null,
        },
      };
    });
    return this.staffView(project);
  }

  /** The old project ends `superseded`; the new one starts `relisted` with the old terms and the new. */
  private async relistAsNew(staff: AuthUser, projectId: string, input: RelistInput) {
    const calendar = await this.calendars.calendar();
    const successor = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, projectId);
      const next = this.transition(current.status, 'relist_as_new');
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      const merged = relistedTerms(current, input);
      this.checkProject(calendar, merged, today, true);
      const { approval, ...terms } = merged;
      const created = await this.insertProject(manager, staff, merged, RELISTED_TRANSFER_STATUS, today, {
        relistedFrom: current.id,
        relistCount: current.relistCount + 1,
      });
      await this.projects.update(manager, projectId, { status: next, relistedAs: created.id });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'transfer.relist_as_new',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: current.status, to: next, relistedAs: created.id, code: created.code },
      });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'transfer.created',
        entityType: ENTITY_TYPE,
        entityId: created.id,
        data: { code: created.code, relistedFrom: current.id, ...terms, approval: approval ?? null },
      });
      return created;
    });
    return toStaffProject(successor, null, null);
  }

  private endFacts(project: TransferProjectEntity, now: Date) {
    return {
      qualifiedBuyers: project.qualifiedBuyers,
      extensionPeriods: project.extensionPeriods,
      extensionsUsed: project.extensionsUsed,
      disclosureEndsOn: project.disclosureEndsOn,
      today: this.today(now),
    };
  }

  // --- the deal -------------------------------------------------------------------------------

  /** 协议成交 with the one qualified buyer at no less than the listing price: the deal record follows. */
  async agreement(staff: AuthUser, projectId: string, price: number) {
    const calendar = await this.calendars.calendar();
    const { project } = await this.applyTransition(staff, projectId, 'confirm_agreement', (current, now) => {
      checkAgreementPrice(current.listingPrice, price);
      const today = this.today(now);
      return {
        changes: {
          finalPrice: price,
          dealSource: 'agreement',
          soldOn: today,
          resultPublishedUntil: resultPublicationEnd(calendar, today),
        },
        data: { price },
        after: async (manager) => {
          const buyer = (await this.registrationRows.qualifiedOf(manager, transferHost(projectId)))[0];
          if (!buyer)
            throw new DomainError('BUYER_COUNT_MISMATCH', 'no qualified buyer to agree with', {
              allowed: [],
            });
          // The agreement is the sole buyer's bid: a buyer banned since it qualified cannot make it.
          await this.partyBans.refuseIfBanned(manager, buyer.bidderId, now);
          await this.projects.update(manager, projectId, { winnerId: buyer.bidderId });
          const winner = await this.users.findById(buyer.bidderId, manager);

          await this.deals.insert(manager, {
            category: 'property_rights',
            subtype: 'transfer',
            sourceType: 'transfer_agreement',
            sourceId: projectId,
            title: current.title,
            amount: price,
            winnerId: buyer.bidderId,
            winnerName: winner?.displayName ?? buyer.bidderCode ?? buyer.bidderId,
            closedAt: now,
          });
          await this.deposits.settleOnClose(
            manager,
            transferHost(projectId),
            { sold: true, winnerId: buyer.bidderId },
            now,
            staff.id,
          );
        },
      };
    });
    return this.staffView(project);
  }

  /**
   * Staff record an on-site auction (现场拍卖) of a project in `auction`, held after its disclosure
   * ended and while online bidding has taken no bid: the auction closes sold or unsold, a sale
   * writes the deal (the hammer price, sourceType `on_site_auction`), and the project moves and
   * its deposits settle through the host's `closed`, all in one transaction.
   */
  async recordOnSiteAuction(staff: AuthUser, projectId: string, record: OnSiteAuctionRecord) {
    const recorded = await this.dataSource.transaction(async (manager) => {
      // The engine's close order: the auction, then the project.
      const auction = await this.auctions.lockById(manager, projectId);
      const project = await this.mustLock(manager, projectId);
      const now = await this.projects.databaseNow(manager);
      if (
        !nextTransferStatus(project.status, 'close_sold') ||
        !auction ||
        auction.bidCount > 0 ||
        isDueToClose(auction, now)
      )
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `an on-site auction is recorded for a project in auction before any online bid; this one is ${project.status}${auction && auction.bidCount > 0 ? ' with online bids' : ''}`,
        );
      return this.onSite.record(
        manager,
        staff.id,
        {
          hostType: TRANSFER_HOST_TYPE,
          hostId: projectId,
          startPrice: project.listingPrice,
          reservePrice: null,
          notBefore: endOfCalendarDay(project.disclosureEndsOn, this.config.CENTRE_TZ),
        },
        record,
      );
    });
    // Online bidding will not open: the worker's open and close jobs find it closed.
    this.liveEvents.publish('auction.closed', {
      listingId: projectId,
      status: recorded.outcome,
      ...(recorded.hammerPrice !== null ? { finalPrice: recorded.hammerPrice } : {}),
      ...(recorded.winnerCode ? { winnerCode: recorded.winnerCode } : {}),
      closedAt: recorded.heldAt.toISOString(),
    });
    return {
      id: recorded.id,
      projectId,
      outcome: recorded.outcome,
      status: recorded.status,
      hammerPrice: recorded.hammerPrice,
      winnerId: recorded.winnerId,
      winnerCode: recorded.winnerCode,
      dealAmount: recorded.dealAmount,
      heldAt: recorded.heldAt.toISOString(),
    };
  }

  /** The one buyer did not agree: unsold (流拍), with staff's reason. */
  async abandonAgreement(staff: AuthUser, projectId: string, reason: string) {
    const { project } = await this.applyTransition(
      staff,
      projectId,
      'abandon_agreement',
      (_current, now) => ({
        changes: { closingReason: reason },
        data: { reason },
        // No deal: every received deposit falls due for refund.
        after: (manager) =>
          this.deposits.settleOnClose(manager, transferHost(projectId), { sold: false }, now, staff.id),
      }),
    );
    return this.staffView(project);
  }

  /** 成交确认书 signed: the contract-signing deadline starts running. */
  async confirm(staff: AuthUser, projectId: string) {
    const calendar = await this.calendars.calendar();
    const { project } = await this.applyTransition(staff, projectId, 'confirm', (_current, now) => {
      const confirmedOn = this.today(now);
      const contractDeadlineOn = contractSigningDeadline(calendar, confirmedOn);
      return { changes: { confirmedOn, contractDeadlineOn }, data: { confirmedOn, contractDeadlineOn } };
    });
    return this.staffView(project);
  }

  /** The contract signed by its deadline: the winner's deposit converts to part of the price. */
  async contract(staff: AuthUser, projectId: string, signed: { signedOn: string; contractSha256: string }) {
    const { project } = await this.applyTransition(staff, projectId, 'sign_contract', (current, now) => {
      if (signed.signedOn > this.today(now))
        throw new DomainError('VALIDATION_FAILED', 'signedOn is in the future', [
          { field: 'signedOn', rule: 'not after today' },
        ]);
      if (current.confirmedOn && signed.signedOn < current.confirmedOn)
        throw new DomainError('VALIDATION_FAILED', 'signedOn is before the confirmation', [
          { field: 'signedOn', rule: `not before ${current.confirmedOn}` },
        ]);
      checkContractSignedInTime(signed.signedOn, current.contractDeadlineOn!);
      return {
        changes: { contractSignedOn: signed.signedOn, contractSha256: signed.contractSha256 },
        data: signed,
        after: async (manager) => {
          if (await this.hasWinnerDeposit(manager, current))
            await this.deposits.convertWinner(
              manager,
              transferHost(projectId),
              current.winnerId!,
              staff.id,
              now,
            );
        },
      };
    });
    return this.staffView(project);
  }

  /**
   * The worker's watch: a confirmed project unsigned after its deadline defaults (悔拍): the
   * winner's deposit is forfeited and the winner gets a credit record.
   */
  async defaultIfContractOverdue(projectId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.projects.lockById(manager, projectId);
      if (!project || !project.contractDeadlineOn) return false;
      if (!transferStatusesAllowing('sign_contract').includes(project.status)) return false;
      const now = await this.projects.databaseNow(manager);
      if (this.today(now) <= project.contractDeadlineOn) return false;
      const next = this.transition(project.status, 'default');
      await this.projects.update(manager, projectId, {
        status: next,
        closingReason: 'contract_deadline_passed',
      });
      await this.forfeitDefaultedDeposit(manager, project, now);
      // 悔拍: the winner gets a credit record (and the district's ban, if it sets one).
      if (project.winnerId) await this.refusalsToSign.record(manager, null, project.winnerId, projectId, now);
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: 'transfer.defaulted',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: project.status, to: next, contractDeadlineOn: project.contractDeadlineOn },
      });
      return true;
    });
  }

  /**
   * The winner's deposit is forfeited with the default. The worker must not be stopped by a
   * deposit it cannot forfeit (refunded by hand, or a project sold before deposits were records):
   * the default stands, and the warning and the trail say why the money was not kept.
   */
  private async forfeitDefaultedDeposit(manager: EntityManager, project: TransferProjectEntity, now: Date) {
    if (!project.winnerId) return;
    try {
      await this.deposits.forfeitWinner(
        manager,
        transferHost(project.id),
        project.winnerId,
        null,
        'contract_deadline_passed',
        now,
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'DEPOSIT_NOT_RECEIVED') throw error;
      this.logger.warn(
        { projectId: project.id, winnerId: project.winnerId, details: error.details },
        "the defaulted winner's deposit is not held: nothing to forfeit",
      );
      await this.audit.append(manager, {
        at: now,
        actorId: null,
        action: 'transfer.deposit_not_forfeited',
        entityType: ENTITY_TYPE,
        entityId: project.id,
        data: { winnerId: project.winnerId, reason: error.message },
      });
    }
  }

  /**
   * A sale made before deposits were records has no deposit for its winner: its contract is
   * signed without a conversion. Any deposit there is goes through the table (a refunded one is
   * refused).
   */
  private async hasWinnerDeposit(manager: EntityManager, project: TransferProjectEntity) {
    return (
      project.winnerId !== null &&
      (await this.deposits.hostHasDepositOf(manager, transferHost(project.id), project.winnerId))
    );
  }

  /** Ids the worker must look at: disclosures ended and undecided, contracts overdue. */
  async dueWork(): Promise<{ disclosureEnded: string[]; contractOverdue: string[] }> {
    const today = this.today(await this.projects.databaseNow());
    const [ended, overdue] = await Promise.all([
      this.projects.findDisclosureEnded([...DISCLOSING], today),
      this.projects.findContractOverdue(transferStatusesAllowing('sign_contract'), today),
    ]);
    return { disclosureEnded: ended.map((p) => p.id), contractOverdue: overdue.map((p) => p.id) };
  }

  /**
   * A page of the projects in disclosure, in id order after `afterId`: the worker (re)schedules
   * each one's end-of-disclosure job on start, a page at a time.
   */
  async disclosingPage(afterId: string | null, limit: number): Promise<{ id: string; endsAt: Date }[]> {
    const projects = await this.projects.findDisclosingPage([...DISCLOSING], afterId, limit);
    return projects.map((project) => ({
      id: project.id,
      endsAt: endOfCalendarDay(project.disclosureEndsOn, this.config.CENTRE_TZ),
    }));
  }

  // --- supervision ----------------------------------------------------------------------------

  /**
   * A supervisor pauses a running stage; a live auction freezes with it. `complaintId`: the
   * complaint it is ordered for, which then holds it (null: the supervisor's own order).
   */
  async suspend(supervisor: AuthUser, projectId: string, reason: string, complaintId: string | null = null) {
    let auctionStatus: { status: string; endsAt: Date } | null = null;
    const result = await this.dataSource.transaction(async (manager) => {
      const auction = await this.auctions.lockById(manager, projectId);
      const current = await this.mustLock(manager, projectId);
      const suspended = suspendTransfer(current.status);
      if (!suspended)
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot suspend a project that is ${current.status}`,
        );
      const now = await this.projects.databaseNow(manager);
      const auctionNext = auction ? nextAuctionStatus(auction.status, 'suspend') : undefined;
      if (auction && auctionNext) {
        if (isDueToClose(auction, now))
          throw new DomainError('AUCTION_CLOSED', 'the auction has ended and is being closed');
        await this.auctions.update(manager, projectId, {
          status: auctionNext,
          suspendedAt: now,
          statusReason: reason,
        });
        auctionStatus = { status: auctionNext, endsAt: auction.endsAt };
      }
      const changes: Partial<TransferProjectEntity> = {
        status: suspended.status,
        resumeTo: suspended.resumeTo,
        suspendedAt: now,
        suspendedOn: this.today(now),
        suspensionReason: reason,
        suspensionComplaintId: complaintId,
      };
      await this.projects.update(manager, projectId, changes);
      await this.audit.append(manager, {
        at: now,
        actorId: supervisor.id,
        action: 'transfer.suspended',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: current.status, to: suspended.status, reason, ...(complaintId ? { complaintId } : {}) },
      });
      return { ...current, ...changes };
    });
    if (auctionStatus) {
      const { status, endsAt } = auctionStatus as { status: string; endsAt: Date };
      this.liveEvents.publish('auction.status', {
        listingId: projectId,
        status,
        endsAt: endsAt.toISOString(),
      });
    }
    return this.staffView(result);
  }

  /**
   * Back to the stage it left. A disclosure gets back the business days it had left, counted from
   * today; a contract deadline likewise; a live auction's moments still ahead move by the pause.
   * Only the holder lifts it: `complaintId` the complaint's own (PROJECT_SUSPENDED_BY_ANOTHER), null
   * the supervisor's own order (SUSPENSION_HELD_BY_COMPLAINT when a complaint holds it).
   */
  async resume(supervisor: AuthUser, projectId: string, complaintId: string | null = null) {
    const calendar = await this.calendars.calendar();
    let resumedAuction: AuctionEntity | null = null;
    let statusEvent: { status: string; endsAt: Date } | null = null;
    const result = await this.dataSource.transaction(async (manager) => {
      const auction = await this.auctions.lockById(manager, projectId);
      const current = await this.mustLock(manager, projectId);
      const next = nextTransferStatus(current.status, 'resume', current.resumeTo);
      if (!next)
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot resume a project that is ${current.status}`,
        );
      if (current.suspensionComplaintId !== complaintId)
        throw complaintId === null
          ? suspensionHeldByComplaint(current.suspensionComplaintId!)
          : suspendedByAnother(current.suspensionComplaintId ? 'complaint' : 'supervisor');
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      const suspendedOn = current.suspendedOn ?? today;
      const changes: Partial<TransferProjectEntity> = {
        status: next,
        resumeTo: null,
        suspendedAt: null,
        suspendedOn: null,
        suspensionReason: null,
        suspensionComplaintId: null,
      };
      if (DISCLOSING.has(next))
        changes.disclosureEndsOn = resumedDisclosureEnd(calendar, {
          endsOn: current.disclosureEndsOn,
          suspendedOn,
          resumedOn: today,
        });
      if (current.contractDeadlineOn)
        changes.contractDeadlineOn = resumedDisclosureEnd(calendar, {
          endsOn: current.contractDeadlineOn,
          suspendedOn,
          resumedOn: today,
        });
      const auctionNext = auction ? nextAuctionStatus(auction.status, 'resume') : undefined;
      if (auction && auctionNext) {
        const timers = resumeTimers(
          {
            ...auction,
            registrationStartsAt: auction.biddingStartsAt,
            registrationEndsAt: auction.biddingStartsAt,
          },
          auction.suspendedAt ?? now,
          now,
        );
        const auctionChanges = {
          status: auctionNext,
          biddingStartsAt: timers.biddingStartsAt,
          freeBiddingEndsAt: timers.freeBiddingEndsAt,
          endsAt: timers.endsAt,
          suspendedAt: null,
          statusReason: null,
        };
        await this.auctions.update(manager, projectId, auctionChanges);
        resumedAuction = { ...auction, ...auctionChanges };
        statusEvent = { status: auctionNext, endsAt: timers.endsAt };
      }
      await this.projects.update(manager, projectId, changes);
      await this.audit.append(manager, {
        at: now,
        actorId: supervisor.id,
        action: 'transfer.resumed',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          from: current.status,
          to: next,
          ...(changes.disclosureEndsOn ? { disclosureEndsOn: changes.disclosureEndsOn } : {}),
        },
      });
      return { ...current, ...changes };
    });
    if (DISCLOSING.has(result.status)) await this.scheduleEndOfDisclosure(result);
    if (resumedAuction) await this.scheduleAuction(resumedAuction);
    if (statusEvent) {
      const { status, endsAt } = statusEvent as { status: string; endsAt: Date };
      this.liveEvents.publish('auction.status', {
        listingId: projectId,
        status,
        endsAt: endsAt.toISOString(),
      });
    }
    return this.staffView(result);
  }

  /** Staff end a project before a sale, with a public reason (a running auction is suspended first). */
  async terminate(staff: AuthUser, projectId: string, reason: string) {
    const { project } = await this.applyTransition(staff, projectId, 'terminate', (current, now, auction) => {
      // The table lets a suspension be terminated; one that suspended a sale is after the sale.
      if (current.resumeTo && AFTER_SALE.has(current.resumeTo))
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot terminate a project suspended after its sale (${current.resumeTo}); resume it`,
        );
      // A suspended auction ends with its project.
      const cancelled = auction ? nextAuctionStatus(auction.status, 'cancel') : undefined;
      return {
        changes: {
          terminationReason: reason,
          resumeTo: null,
          suspendedAt: null,
          suspendedOn: null,
          suspensionComplaintId: null,
        },
        data: { reason },
        after: async (manager) => {
          if (cancelled)
            await this.auctions.update(manager, projectId, {
              status: cancelled,
              suspendedAt: null,
              statusReason: reason,
              closedAt: now,
            });
          // Nothing was sold: every received deposit falls due for refund.
          await this.deposits.settleOnClose(manager, transferHost(projectId), { sold: false }, now, staff.id);
        },
      };
    });
    return this.staffView(project);
  }

  // --- reads ----------------------------------------------------------------------------------

  async get(projectId: string, viewer?: AuthUser) {
    const project = await this.projects.findById(projectId);
    if (!project || (!wasAnnounced(project) && !canSeeDrafts(viewer)))
      throw new DomainError('LISTING_NOT_FOUND', 'no such project');
    return canSeeEverything(viewer) ? this.staffView(project) : this.publicView(project);
  }

  async list(filter: { status?: TransferStatus; limit: number; offset: number }, viewer?: AuthUser) {
    const drafts = canSeeDrafts(viewer);
    if (filter.status === INITIAL_TRANSFER_STATUS && !drafts) return { items: [], total: 0 };
    const { items, total } = await this.projects.list({
      ...filter,
      hidden: drafts ? [] : [INITIAL_TRANSFER_STATUS],
      announcedOnly: !drafts,
    });
    const auctions = await this.projects.auctionsOf(items.map((project) => project.id));
    const view = canSeeEverything(viewer) ? toStaffProject : toPublicProject;
    return {
      items: items.map((project) => {
        const auction = auctions.get(project.id);
        return view(project, auction ? { auction, leaderCode: null } : null, null);
      }),
      total,
    };
  }

  private async sideOf(project: TransferProjectEntity): Promise<AuctionSide | null> {
    const found = await this.auctions.findWithLeaderCode(project.id);
    return found ? { auction: found.auction, leaderCode: found.leaderCode } : null;
  }

  private async winnerCode(project: TransferProjectEntity): Promise<string | null> {
    if (!project.winnerId) return null;
    const registration = await this.registrationRows.findOf(transferHost(project.id), project.winnerId);
    return registration?.bidderCode ?? null;
  }

  private async publicView(project: TransferProjectEntity) {
    return toPublicProject(project, await this.sideOf(project), await this.winnerCode(project));
  }

  private async staffView(project: TransferProjectEntity) {
    return toStaffProject(project, await this.sideOf(project), await this.winnerCode(project));
  }

  async registrationsOfProject(projectId: string, limit: number, offset: number) {
    await this.mustFind(projectId);
    const { items, total } = await this.registrations.list(transferHost(projectId), limit, offset);
    return { items: items.map(toTransferRegistrationView), total };
  }

  async registrationsOf(bidder: AuthUser, limit: number, offset: number) {
    const { items, total } = await this.registrations.listOfBidder(
      TRANSFER_HOST_TYPE,
      bidder.id,
      limit,
      offset,
    );
    return { items: items.map(toTransferRegistrationView), total };
  }

  /** The public ledger of the project's live auction: bidder codes only. */
  async ledger(projectId: string, limit: number, offset: number) {
    const project = await this.mustFind(projectId);
    if (project.status === INITIAL_TRANSFER_STATUS)
      throw new DomainError('LISTING_NOT_FOUND', 'no such project');
    const { items, total } = await this.auctions.listAcceptedBids(projectId, 0, limit, offset);
    return {
      items: items.map((bid) => ({
        seq: bid.seq!,
        amount: bid.amount,
        bidderCode: bid.bidderCode!,
        at: bid.at.toISOString(),
      })),
      total,
    };
  }

  /**
   * For the REST bid twin: a project nobody may see is not found, one that has not reached an
   * auction is not open (the bid path decides everything else).
   */
  async requireVisible(projectId: string) {
    const project = await this.mustFind(projectId);
    if (project.status === INITIAL_TRANSFER_STATUS)
      throw new DomainError('LISTING_NOT_FOUND', 'no such project');
    if (!(await this.auctions.findById(projectId)))
      throw new DomainError('AUCTION_NOT_OPEN', 'this project has no live auction');
  }

  // --- plumbing -------------------------------------------------------------------------------

  /**
   * One status change in one transaction: lock the project's auction (if any) and then the
   * project — the engine's close takes them in that order, so the two cannot deadlock — ask the
   * lifecycle table, let `plan`
   * apply its rule and changes (by the database's clock), write, and append the audit entry.
   */
  private async applyTransition(
    actor: AuthUser,
    projectId: string,
    action: Exclude<TransferAction, 'suspend' | 'resume'>,
    plan: (current: TransferProjectEntity, now: Date, auction: AuctionEntity | null) => Plan,
  ): Promise<{ project: TransferProjectEntity; now: Date }> {
    let now = new Date();
    const project = await this.dataSource.transaction(async (manager) => {
      const auction = await this.auctions.lockById(manager, projectId);
      const current = await this.mustLock(manager, projectId);
      now = await this.projects.databaseNow(manager);
      const next = this.transition(current.status, action);
      const { changes = {}, data = {}, after } = plan(current, now, auction);
      const written = { ...changes, status: next };
      await this.projects.update(manager, projectId, written);
      await after?.(manager);
      await this.audit.append(manager, {
        at: now,
        actorId: actor.id,
        action: `transfer.${action}`,
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: current.status, to: next, ...data },
      });
      return (await this.projects.lockById(manager, projectId))!;
    });
    return { project, now };
  }

  private transition(from: TransferStatus, action: TransferAction): TransferStatus {
    const next = nextTransferStatus(from, action);
    if (!next)
      throw new DomainError('INVALID_STATE_TRANSITION', `cannot ${action} a project that is ${from}`);
    return next;
  }

  /** After commit; if the queue is unreachable the worker's sweeper still acts within seconds. */
  private async scheduleEndOfDisclosure(project: TransferProjectEntity) {
    if (!DISCLOSING.has(project.status)) return;
    await this.transferScheduler
      .scheduleDisclosureEnd(project.id, endOfCalendarDay(project.disclosureEndsOn, this.config.CENTRE_TZ))
      .catch((error) =>
        this.logger.warn(
          { err: error, projectId: project.id },
          'could not schedule the end of disclosure; the sweeper will cover',
        ),
      );
  }

  private async scheduleAuction(auction: AuctionEntity) {
    await Promise.all([
      this.scheduler.scheduleOpen(auction.id, auction.biddingStartsAt),
      this.scheduler.scheduleClose(auction.id, auction.endsAt),
    ]).catch((error) =>
      this.logger.warn(
        { err: error, projectId: auction.id },
        'could not schedule auction jobs; the sweeper will cover',
      ),
    );
  }

  private async mustFind(projectId: string) {
    const project = await this.projects.findById(projectId);
    if (!project) throw new DomainError('LISTING_NOT_FOUND', 'no such project');
    return project;
  }

  private async mustLock(manager: EntityManager, projectId: string) {
    const project = await this.projects.lockById(manager, projectId);
    if (!project) throw new DomainError('LISTING_NOT_FOUND', 'no such project');
    return project;
  }
}
