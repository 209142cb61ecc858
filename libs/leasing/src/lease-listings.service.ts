import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, LOGGER, type Logger } from '@ggzy/common';
import {
  checkLeaseTerms,
  DomainError,
  initialEndsAt,
  isDueToClose,
  leaseOnSiteNotBefore,
  type OnSiteAuctionRecord,
  type LeaseTerms,
  type ListingAction,
  nextListingStatus,
  resumeTimers,
  type ListingStatus,
} from '@ggzy/domain';
import {
  AuctionsRepository,
  AuditLogRepository,
  type LeaseListing,
  LeaseListingsRepository,
  type RegistrationHost,
} from '@ggzy/persistence';
import { AuctionScheduler } from '@ggzy/queues';
import { RegistrationsService, suspendedByAnother, suspensionHeldByComplaint } from '@ggzy/registrations';
import { DepositsService } from '@ggzy/deposits';
import { hasAnyRole, type AuthUser } from '@ggzy/auth';
import { LIVE_EVENTS, type LiveEvents, OnSiteAuctionService, visibleStatus } from '@ggzy/auction';
import { toPublicListing, toRegistrationView, toStaffListing } from './lease-listing.views.js';

/** A lease listing's auction and registrations are keyed by its id, under this host type. */
const LEASE_HOST_TYPE = 'lease_listing' as const;
const leaseHost = (listingId: string): RegistrationHost => ({ hostType: LEASE_HOST_TYPE, hostId: listingId });

/** The listing's property and terms; the terms' rules live in the domain's LeaseTerms. */
export interface LeaseListingInput extends LeaseTerms {
  title: string;
  address: string;
  areaSqm: number;
  usage: string;
}

const AUDIT_ACTIONS: Partial<Record<ListingAction, string>> = {
  publish: 'published',
  suspend: 'suspended',
  resume: 'resumed',
  cancel: 'cancelled',
};

/** The fields staff may change on a draft: exactly the create body's. */
const EDITABLE_FIELDS = [
  'title',
  'address',
  'areaSqm',
  'usage',
  'leaseTermMonths',
  'startPrice',
  'increment',
  'deposit',
  'reservePrice',
  'registrationStartsAt',
  'registrationEndsAt',
  'biddingStartsAt',
  'freeBiddingEndsAt',
  'extensionSeconds',
] as const satisfies readonly (keyof LeaseListingInput)[];

const pickInput = (listing: LeaseListing): LeaseListingInput =>
  Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, listing[field]])) as unknown as LeaseListingInput;

/** Comparable and JSON-safe: dates as ISO text. */
const auditValue = (value: unknown) => (value instanceof Date ? value.toISOString() : (value ?? null));

const canSeeEverything = (viewer?: AuthUser) => hasAnyRole(viewer, ['staff', 'supervisor', 'admin']);
/** A draft is staff's work in progress: to everyone else it does not exist (404). */
const canSeeDrafts = (viewer?: AuthUser) => hasAnyRole(viewer, ['staff']);

/** Staff's side of a lease listing: create, publish, qualify or reject bidders; and reads. */
@Injectable()
export class LeaseListingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: LeaseListingsRepository,
    private readonly auctions: AuctionsRepository,
    private readonly registrationsOfLines: RegistrationsService,
    private readonly deposits: DepositsService,
    private readonly onSite: OnSiteAuctionService,
    private readonly audit: AuditLogRepository,
    private readonly scheduler: AuctionScheduler,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(LIVE_EVENTS) private readonly liveEvents: LiveEvents,
  ) {}

  async create(staff: AuthUser, input: LeaseListingInput) {
    const violations = checkLeaseTerms({ ...input, reservePrice: input.reservePrice ?? null });
    if (violations.length > 0)
      throw new DomainError('VALIDATION_FAILED', 'the listing terms are not valid', violations);
    const now = this.clock.now();
    const listing = await this.dataSource.transaction(async (manager) => {
      const created = await this.listings.insertDraft(
        manager,
        {
          ...input,
          reservePrice: input.reservePrice ?? null,
          endsAt: initialEndsAt(input),
          createdBy: staff.id,
        },
        now.getUTCFullYear(),
      );
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'listing.created',
        entityType: 'lease_listing',
        entityId: created.id,
        data: { code: created.code, ...input },
      });
      return created;
    });
    return toStaffListing(listing, null, now);
  }

  /**
   * Staff change a draft's fields. The merged listing passes the same checks as a new one; once
   * announced the public has seen the terms, so a listing past draft is 409 LISTING_NOT_EDITABLE
   * (cancel and list again). One audit entry with each changed field's old and new value.
   */
  async edit(staff: AuthUser, listingId: string, changes: Partial<LeaseListingInput>) {
    const now = this.clock.now();
    const listing = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, listingId);
      if (current.status !== 'draft')
        throw new DomainError(
          'LISTING_NOT_EDITABLE',
          `a listing that is ${current.status} cannot be edited; cancel it and create a new one`,
        );
      const merged = { ...pickInput(current), ...changes };
      const violations = checkLeaseTerms({ ...merged, reservePrice: merged.reservePrice ?? null });
      if (violations.length > 0)
        throw new DomainError('VALIDATION_FAILED', 'the listing terms are not valid', violations);
      const changed: Record<string, { from: unknown; to: unknown }> = {};
      const written: Partial<LeaseListing> = {};
      for (const field of EDITABLE_FIELDS) {
        if (!(field in changes)) continue;
        const before = auditValue(current[field]);
        const after = auditValue(merged[field] ?? null);
        if (before === after) continue;
        changed[field] = { from: before, to: after };
        Object.assign(written, { [field]: merged[field] ?? null });
      }
      if (Object.keys(written).length === 0) return current;
      const endsAt = initialEndsAt(merged);
      if (endsAt.getTime() !== current.endsAt.getTime()) written.endsAt = endsAt;
      await this.listings.update(manager, listingId, written);
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'listing.edited',
        entityType: 'lease_listing',
        entityId: listingId,
        data: { code: current.code, changes: changed },
      });
      return { ...current, ...written } as LeaseListing;
    });
    return toStaffListing(listing, null, now);
  }

  async publish(staff: AuthUser, listingId: string) {
    const { listing, now } = await this.applyTransition(staff, listingId, 'publish', (current, at) => {
      if (current.biddingStartsAt.getTime() <= at.getTime()) {
        throw new DomainError(
          'SCHEDULE_IN_PAST',
          'biddingStartsAt has passed; create the listing again with a new schedule',
        );
      }
      return { changes: { publishedAt: at } };
    });
    await this.scheduleTimers(listing);
    return toStaffListing(listing, null, now);
  }

  /**
   * A supervisor pauses a listing (an objection, an order): every timer freezes and bids are
   * refused. `complaintId`: the complaint it is ordered for, which then holds it (null: the
   * supervisor's own order).
   */
  async suspend(supervisor: AuthUser, listingId: string, reason: string, complaintId: string | null = null) {
    const { listing, now } = await this.applyTransition(supervisor, listingId, 'suspend', (current, at) => {
      if (isDueToClose(current, at))
        throw new DomainError('AUCTION_CLOSED', 'the auction has ended and is being closed');
      return {
        changes: { suspendedAt: at, statusReason: reason, suspensionComplaintId: complaintId },
        data: { reason, ...(complaintId ? { complaintId } : {}) },
      };
    });
    this.liveEvents.publish('auction.status', {
      listingId,
      status: 'suspended',
      endsAt: listing.endsAt.toISOString(),
    });
    return toStaffListing(listing, null, now);
  }

  /**
   * Resuming shifts every timer still ahead by the pause, so nobody loses bidding time. Only the
   * holder lifts it: `complaintId` the complaint's own (PROJECT_SUSPENDED_BY_ANOTHER), null the
   * supervisor's own order (SUSPENSION_HELD_BY_COMPLAINT when a complaint holds it).
   */
  async resume(supervisor: AuthUser, listingId: string, complaintId: string | null = null) {
    const { listing, now } = await this.applyTransition(supervisor, listingId, 'resume', (current, at) => {
      if (current.suspensionComplaintId !== complaintId)
        throw complaintId === null
          ? suspensionHeldByComplaint(current.suspensionComplaintId!)
          : suspendedByAnother(current.suspensionComplaintId ? 'complaint' : 'supervisor');
      const suspendedAt = current.suspendedAt ?? at;
      const timers = resumeTimers(current, suspendedAt, at);
      return {
        changes: { ...timers, suspendedAt: null, statusReason: null, suspensionComplaintId: null },
        data: { endsAt: timers.endsAt.toISOString(), pausedMs: at.getTime() - suspendedAt.getTime() },
      };
    });
    await this.scheduleTimers(listing);
    this.liveEvents.publish('auction.status', {
      listingId,
      status: visibleStatus(listing, now),
      endsAt: listing.endsAt.toISOString(),
    });
    return toStaffListing(listing, null, now);
  }

  /** Staff end a listing before bidding opens (or while suspended), with a public reason. */
  async cancel(staff: AuthUser, listingId: string, reason: string) {
    const { listing, now } = await this.applyTransition(staff, listingId, 'cancel', (current, at) => {
      if (current.status === 'announced' && current.biddingStartsAt.getTime() <= at.getTime()) {
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          'bidding has started: a supervisor must suspend it first',
        );
      }
      return {
        changes: { suspendedAt: null, statusReason: reason, closedAt: at, suspensionComplaintId: null },
        data: { reason },
      };
    });
    this.liveEvents.publish('auction.status', {
      listingId,
      status: 'cancelled',
      endsAt: listing.endsAt.toISOString(),
    });
    return toStaffListing(listing, null, now);
  }

  /**
   * Staff record an on-site auction (现场拍租) of an announced listing that has not opened for
   * online bidding, held no earlier than 7 days after its notice and after registration closed.
   * The record closes the listing `sold` or `unsold` by the lifecycle table, with the deal
   * (hammer rent × months, sourceType `on_site_auction`) and the deposits settled, all at once.
   */
  async recordOnSiteAuction(staff: AuthUser, listingId: string, record: OnSiteAuctionRecord) {
    const recorded = await this.dataSource.transaction(async (manager) => {
      const listing = await this.mustLock(manager, listingId);
      // Only a listing the clock has not opened: once online bidding can run, it decides.
      const now = await this.listings.databaseNow(manager);
      if (
        !nextListingStatus(listing.status, 'open') ||
        listing.bidCount > 0 ||
        listing.biddingStartsAt <= now
      )
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `an on-site auction is recorded for an announced listing before online bidding; this one is ${visibleStatus(listing, now)}`,
        );
      return this.onSite.record(
        manager,
        staff.id,
        {
          hostType: LEASE_HOST_TYPE,
          hostId: listingId,
          startPrice: listing.startPrice,
          reservePrice: listing.reservePrice,
          notBefore: leaseOnSiteNotBefore({
            publishedAt: listing.publishedAt ?? listing.createdAt,
            registrationEndsAt: listing.registrationEndsAt,
          }),
        },
        record,
      );
    });
    // Online bidding will not open: the worker's open job finds it closed and does nothing.
    this.liveEvents.publish('auction.closed', {
      listingId,
      status: recorded.outcome,
      ...(recorded.hammerPrice !== null ? { finalPrice: recorded.hammerPrice } : {}),
      ...(recorded.winnerCode ? { winnerCode: recorded.winnerCode } : {}),
      closedAt: recorded.heldAt.toISOString(),
    });
    return {
      id: recorded.id,
      listingId,
      outcome: recorded.outcome,
      status: recorded.status,
      hammerPrice: recorded.hammerPrice,
      winnerId: recorded.winnerId,
      winnerCode: recorded.winnerCode,
      dealAmount: recorded.dealAmount,
      heldAt: recorded.heldAt.toISOString(),
    };
  }

  /**
   * One status change in one transaction: lock the listing, check the lifecycle table, let
   * `plan` apply its own rule and extra changes, write, and append the audit entry.
   */
  private async applyTransition(
    actor: AuthUser,
    listingId: string,
    action: ListingAction,
    plan: (
      current: LeaseListing,
      now: Date,
    ) => { changes?: Partial<LeaseListing>; data?: Record<string, unknown> },
  ): Promise<{ listing: LeaseListing; now: Date }> {
    let now = this.clock.now();
    const listing = await this.dataSource.transaction(async (manager) => {
      const current = await this.mustLock(manager, listingId);
      // Suspending freezes the time left and resuming restarts it: by the database's clock,
      // the one `ends_at` is kept by and the bid path checks.
      now = await this.listings.databaseNow(manager);
      const next = this.transition(current.status, action);
      const { changes = {}, data = {} } = plan(current, now);
      const written = { ...changes, status: next };
      await this.listings.update(manager, listingId, written);
      await this.audit.append(manager, {
        at: now,
        actorId: actor.id,
        action: `listing.${AUDIT_ACTIONS[action]}`,
        entityType: 'lease_listing',
        entityId: listingId,
        data: { from: current.status, to: next, ...data },
      });
      return { ...current, ...written } as LeaseListing;
    });
    return { listing, now };
  }

  /** After commit; if the queue is unreachable the worker's sweeper still acts within seconds. */
  private async scheduleTimers(listing: LeaseListing) {
    await Promise.all([
      this.scheduler.scheduleOpen(listing.id, listing.biddingStartsAt),
      this.scheduler.scheduleClose(listing.id, listing.endsAt),
    ]).catch((error) =>
      this.logger.warn(
        { err: error, listingId: listing.id },
        'could not schedule auction jobs; the sweeper will cover',
      ),
    );
  }

  async get(listingId: string, viewer?: AuthUser) {
    const found = await this.listings.findWithLeaderCode(listingId);
    // A draft cancelled before it was published stays as private as the draft.
    if (!found || (found.listing.publishedAt === null && !canSeeDrafts(viewer))) {
      throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    }
    // The status follows the clock `ends_at` and `bidding_starts_at` are kept by: the database's.
    const now = found.databaseNow;
    return canSeeEverything(viewer)
      ? toStaffListing(found.listing, found.leaderCode, now)
      : toPublicListing(found.listing, found.leaderCode, now);
  }

  async list(filter: { status?: ListingStatus; limit: number; offset: number }, viewer?: AuthUser) {
    if (filter.status === 'draft' && !canSeeDrafts(viewer)) return { items: [], total: 0 };
    const everything = canSeeEverything(viewer);
    const { items, total } = await this.listings.list({ ...filter, includeDrafts: canSeeDrafts(viewer) });
    // The status follows the database's clock, as on the listing's own page.
    const now = await this.listings.databaseNow();
    // Leader codes are on the listing page itself; the list shows prices and counts.
    const view = everything ? toStaffListing : toPublicListing;
    return { items: items.map((listing) => view(listing, null, now)), total };
  }

  async register(bidder: AuthUser, listingId: string) {
    if (!bidder.roles.includes('bidder')) throw new DomainError('FORBIDDEN', 'only bidders may register');
    const listing = await this.listings.findById(listingId);
    // Registration closes when bidding opens, by the clock the bid path checks: the database's.
    const now = await this.listings.databaseNow();
    if (!listing || listing.status === 'draft') throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    if (listing.status !== 'announced' || now.getTime() < listing.registrationStartsAt.getTime()) {
      if (listing.status === 'announced')
        throw new DomainError('REGISTRATION_NOT_OPEN', 'registration has not started');
      throw new DomainError('REGISTRATION_CLOSED', 'registration for this listing is closed');
    }
    if (now.getTime() >= listing.registrationEndsAt.getTime()) {
      throw new DomainError('REGISTRATION_CLOSED', 'registration for this listing is closed');
    }
    // The application and its deposit, owed at the listing's amount, commit together.
    return this.dataSource.transaction(async (manager) => {
      const applied = await this.registrationsOfLines.apply(manager, leaseHost(listingId), bidder.id, now);
      await this.deposits.openForRegistration(manager, {
        ...leaseHost(listingId),
        registrationId: applied.id,
        bidderId: bidder.id,
        amount: listing.deposit,
        at: now,
      });
      return applied;
    });
  }

  /**
   * Staff confirms the deposit arrived; the bidder gets its code (竞买号). `depositReceived: true`
   * records the receipt now if the deposit is still due (API.md's contract); `false` qualifies
   * only a deposit already received (POST /api/deposits/:id/receive), else DEPOSIT_NOT_RECEIVED.
   */
  async qualify(staff: AuthUser, listingId: string, registrationId: string, depositReceived: boolean) {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      // The listing lock serialises code choice, so the taken-code check cannot race.
      const listing = await this.mustLock(manager, listingId);
      if (listing.status !== 'announced' && listing.status !== 'bidding') {
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot qualify bidders while the listing is ${listing.status}`,
        );
      }
      const depositReceivedAt = await this.deposits.requireForQualification(
        manager,
        staff.id,
        leaseHost(listingId),
        registrationId,
        now,
        {
          recordReceipt: depositReceived,
        },
      );
      const qualified = await this.registrationsOfLines.qualify(
        manager,
        staff.id,
        leaseHost(listingId),
        registrationId,
        now,
        depositReceivedAt ?? now,
      );
      await this.listings.update(manager, listingId, { qualifiedCount: listing.qualifiedCount + 1 });
      return qualified;
    });
  }

  async reject(staff: AuthUser, listingId: string, registrationId: string, reason: string) {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      await this.mustLock(manager, listingId);
      return this.registrationsOfLines.reject(
        manager,
        staff.id,
        leaseHost(listingId),
        registrationId,
        reason,
        now,
      );
    });
  }

  async registrations(listingId: string, limit: number, offset: number, viewer: AuthUser) {
    await this.mustFindVisible(listingId, viewer);
    const { items, total } = await this.registrationsOfLines.list(leaseHost(listingId), limit, offset);
    return { items: items.map(toRegistrationView), total };
  }

  /** The public ledger: bidder codes only. */
  async ledger(listingId: string, limit: number, offset: number) {
    const listing = await this.mustFind(listingId);
    if (listing.status === 'draft') throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    const { items, total } = await this.auctions.listAcceptedBids(listingId, 0, limit, offset);
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

  /** A bidder's own applications: status, bidder code and deposit, newest first. */
  async registrationsOf(bidder: AuthUser, limit: number, offset: number) {
    const { items, total } = await this.registrationsOfLines.listOfBidder(
      LEASE_HOST_TYPE,
      bidder.id,
      limit,
      offset,
    );
    return { items: items.map(toRegistrationView), total };
  }

  /** Every attempt with its outcome, for supervisors. */
  async attempts(listingId: string, limit: number, offset: number, viewer: AuthUser) {
    await this.mustFindVisible(listingId, viewer);
    const { items, total } = await this.auctions.listAttempts(listingId, limit, offset);
    return {
      items: items.map((bid) => ({
        id: bid.id,
        bidderId: bid.bidderId,
        clientBidId: bid.clientBidId,
        amount: bid.amount,
        outcome: bid.outcome,
        message: bid.message,
        seq: bid.seq,
        bidderCode: bid.bidderCode,
        at: bid.at.toISOString(),
      })),
      total,
    };
  }

  private transition(from: ListingStatus, action: ListingAction): ListingStatus {
    const next = nextListingStatus(from, action);
    if (!next)
      throw new DomainError('INVALID_STATE_TRANSITION', `cannot ${action} a listing that is ${from}`);
    return next;
  }

  private async mustFind(listingId: string) {
    const listing = await this.listings.findById(listingId);
    if (!listing) throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    return listing;
  }

  private async mustFindVisible(listingId: string, viewer: AuthUser) {
    const listing = await this.mustFind(listingId);
    if (listing.status === 'draft' && !canSeeDrafts(viewer))
      throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    return listing;
  }

  private async mustLock(manager: Parameters<LeaseListingsRepository['lockById']>[0], listingId: string) {
    const listing = await this.listings.lockById(manager, listingId);
    if (!listing) throw new DomainError('LISTING_NOT_FOUND', 'no such listing');
    return listing;
  }
}
