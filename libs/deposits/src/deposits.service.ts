import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import { BusinessCalendarService } from '@ggzy/calendar';
import {
  applyDepositAction,
  calendarDateInZone,
  type DepositAction,
  type DepositInstruction,
  depositOnContractSigned,
  depositOnDefault,
  depositsOnDeal,
  depositsOnNoDeal,
  depositStatesAllowing,
  type DepositState,
  DomainError,
  INITIAL_DEPOSIT_STATE,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  type RegistrationHostType,
  type Deposit,
  type DepositFilter,
  type DepositReadContext,
  DepositsRepository,
  type DepositStepColumns,
  RefusalToSignRecords,
  type RegistrationHost,
} from '@ggzy/persistence';

/** How a process ended, as the deposits see it: a winner whose deposit is held, or none. */
export type HostOutcome = { sold: true; winnerId: string } | { sold: false };

/** The names the API speaks for each host type. */
export const DEPOSIT_HOST_NAMES: Record<
  RegistrationHostType,
  'lease' | 'transfer' | 'tender' | 'procurement'
> = {
  lease_listing: 'lease',
  transfer_project: 'transfer',
  tender_project: 'tender',
  procurement_project: 'procurement',
};

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** What staff and supervisors see of a deposit. */
export function toStaffDepositView(deposit: Deposit) {
  return {
    id: deposit.id,
    hostType: DEPOSIT_HOST_NAMES[deposit.hostType],
    hostId: deposit.hostId,
    registrationId: deposit.registrationId,
    bidderId: deposit.bidderId,
    bidderName: deposit.bidderName,
    amount: deposit.amount,
    state: deposit.state,
    receivedAt: iso(deposit.receivedAt),
    receivedBy: deposit.receivedByName,
    reference: deposit.reference,
    refundDueOn: deposit.refundDueOn,
    refundedAt: iso(deposit.refundedAt),
    refundedBy: deposit.refundedByName,
    refundReference: deposit.refundReference,
    forfeitedAt: iso(deposit.forfeitedAt),
    forfeitedBy: deposit.forfeitedByName,
    forfeitReason: deposit.forfeitReason,
    convertedAt: iso(deposit.convertedAt),
    overdue: deposit.overdue,
  };
}

/** A bidder's own deposit: the same, without who on the centre's side recorded each step. */
export function toBidderDepositView(deposit: Deposit) {
  const { receivedBy: _r, refundedBy: _f, forfeitedBy: _x, ...own } = toStaffDepositView(deposit);
  return own;
}

/**
 * Deposits (保证金) for every line: created `due` with the registration, then each step
 * (receive, refund, forfeit, convert) as the domain's lifecycle table allows, written by a
 * conditional UPDATE so a race cannot repeat a step, and audited with who and when. Hosts (a
 * lease listing, a transfer project) call `openForRegistration` when a bidder applies and
 * `settleOnClose` when their process ends, inside their own transactions.
 */
@Injectable()
export class DepositsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deposits: DepositsRepository,
    private readonly audit: AuditLogRepository,
    private readonly calendars: BusinessCalendarService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly refusalsToSign: RefusalToSignRecords,
  ) {}

  private get readContext(): DepositReadContext {
    return { timeZone: this.config.CENTRE_TZ, refundableStates: depositStatesAllowing('refund') };
  }

  /** The registration's deposit, owed at the host's amount; in the registration's transaction. */
  async openForRegistration(
    manager: EntityManager,
    opening: RegistrationHost & { registrationId: string; bidderId: string; amount: number; at: Date },
  ): Promise<string> {
    const { at, ...deposit } = opening;
    const id = await this.deposits.insert(manager, { ...deposit, state: INITIAL_DEPOSIT_STATE });
    await this.appendAudit(manager, opening.bidderId, at, 'deposit.created', id, {
      hostType: opening.hostType,
      hostId: opening.hostId,
      registrationId: opening.registrationId,
      bidderId: opening.bidderId,
      amount: opening.amount,
      state: INITIAL_DEPOSIT_STATE,
    });
    return id;
  }

  /** The registration's deposit, if it has one (one opened before deposits were records has none). */
  async ofRegistration(manager: EntityManager, registrationId: string): Promise<Deposit | null> {
    return this.deposits.findByRegistration(manager, registrationId, this.readContext);
  }

  /** Whether the bidder has a deposit with this host, in any state. */
  async hostHasDepositOf(manager: EntityManager, host: RegistrationHost, bidderId: string): Promise<boolean> {
    const deposits = await this.deposits.lockOfHost(manager, host);
    return deposits.some((deposit) => deposit.bidderId === bidderId);
  }

  // --- staff steps, each in its own transaction ---

  /** `due → received`; `receivedAt` defaults to the database's now and may not be after it. */
  async receive(staffId: string, depositId: string, input: { receivedAt?: Date; reference?: string }) {
    return this.inTransaction(async (manager) => {
      const now = await this.databaseNow(manager);
      if (input.receivedAt && input.receivedAt.getTime() > now.getTime())
        throw new DomainError('VALIDATION_FAILED', 'a deposit cannot be received in the future', [
          { field: 'receivedAt', problems: ['receivedAt may not be after now'] },
        ]);
      const receivedAt = input.receivedAt ?? now;
      await this.stepById(manager, staffId, depositId, 'receive', now, {
        receivedAt,
        receivedBy: staffId,
        reference: input.reference ?? null,
      });
      return this.view(manager, depositId);
    });
  }

  /** `received → refunded`. */
  async refund(staffId: string, depositId: string, input: { reference?: string }) {
    return this.inTransaction(async (manager) => {
      const now = await this.databaseNow(manager);
      await this.stepById(manager, staffId, depositId, 'refund', now, {
        refundedAt: now,
        refundedBy: staffId,
        refundReference: input.reference ?? null,
      });
      return this.view(manager, depositId);
    });
  }

  /**
   * `received → forfeited`, with the reason (a winner who did not sign). A lease's or a transfer's
   * winner forfeiting its deposit is a winner who did not sign (悔拍, DOMAIN.md D): it gets a
   * credit record in the same transaction (once per process).
   */
  async forfeit(staffId: string, depositId: string, reason: string) {
    return this.inTransaction(async (manager) => {
      const now = await this.databaseNow(manager);
      const deposit = await this.stepById(manager, staffId, depositId, 'forfeit', now, {
        forfeitedAt: now,
        forfeitedBy: staffId,
        forfeitReason: reason,
      });
      const host = { hostType: deposit.hostType, hostId: deposit.hostId };
      if ((await this.deposits.winnerOfHost(manager, host)) === deposit.bidderId)
        await this.refusalsToSign.record(manager, staffId, deposit.bidderId, deposit.hostId, now);
      return this.view(manager, depositId);
    });
  }

  // --- steps a host takes inside its own transaction ---

  /**
   * Qualification needs the money. With `recordReceipt` (a lease's `{depositReceived: true}`)
   * a deposit still due is received now by `staffId`; without it, a deposit not yet received is
   * DEPOSIT_NOT_RECEIVED. A settled deposit is refused by the table. A registration of another
   * host finds nothing here: the registration's own check then reports it. Returns when the
   * money was received (null when nothing was found).
   */
  async requireForQualification(
    manager: EntityManager,
    staffId: string,
    host: RegistrationHost,
    registrationId: string,
    now: Date,
    options: { recordReceipt: boolean },
  ): Promise<Date | null> {
    const deposit = await this.deposits.findByRegistration(manager, registrationId, this.readContext);
    if (!deposit || deposit.hostType !== host.hostType || deposit.hostId !== host.hostId) return null;
    if (depositStatesAllowing('refund').includes(deposit.state)) return deposit.receivedAt;
    if (!options.recordReceipt && depositStatesAllowing('receive').includes(deposit.state))
      throw new DomainError(
        'DEPOSIT_NOT_RECEIVED',
        'a bidder is qualified only once the deposit is received',
        {
          depositId: deposit.id,
          state: deposit.state,
        },
      );
    await this.step(manager, staffId, deposit, 'receive', now, { receivedAt: now, receivedBy: staffId });
    return now;
  }

  /**
   * The host's process ended (same transaction as its deal or its unsold close): with a winner
   * whose deposit is held, the others' received deposits fall due for refund within 5 business
   * days and the winner's stays held; with no deal, every received one falls due.
   */
  async settleOnClose(
    manager: EntityManager,
    host: RegistrationHost,
    outcome: HostOutcome,
    endedAt: Date,
    actorId: string | null,
  ): Promise<void> {
    const held = depositStatesAllowing('refund');
    const deposits = await this.deposits.lockOfHost(manager, host);
    if (!deposits.some((deposit) => held.includes(deposit.state))) return;
    const endedOn = calendarDateInZone(endedAt, this.config.CENTRE_TZ);
    let instructions: DepositInstruction[];
    try {
      const calendar = await this.calendars.calendar(manager);
      const winnerHeld =
        outcome.sold &&
        deposits.some((deposit) => deposit.bidderId === outcome.winnerId && held.includes(deposit.state));
      if (outcome.sold && winnerHeld)
        instructions = depositsOnDeal(calendar, deposits, { winnerId: outcome.winnerId, dealOn: endedOn });
      else if (outcome.sold) {
        // The winner's money is not held (refunded early by hand): the others' still fall due.
        this.logger.warn(
          { ...host, winnerId: outcome.winnerId },
          "the winner's deposit is not held at the deal",
        );
        const losers = deposits.filter((deposit) => deposit.bidderId !== outcome.winnerId);
        instructions = depositsOnNoDeal(calendar, losers, endedOn);
      } else instructions = depositsOnNoDeal(calendar, deposits, endedOn);
    } catch (error) {
      // A close must not wait for a calendar year nobody entered: the refunds are owed, their
      // last day is left open and the trail says why.
      if (!(error instanceof DomainError) || error.code !== 'CALENDAR_YEAR_MISSING') throw error;
      this.logger.warn({ ...host, details: error.details }, 'deposit refund dates need a calendar year');
      await this.appendAudit(manager, actorId, endedAt, 'deposit.refund_due_unknown', host.hostId, {
        ...host,
        reason: error.message,
        details: error.details,
      });
      return;
    }
    for (const instruction of instructions) {
      const deposit = deposits.find((one) => one.id === instruction.depositId)!;
      if (instruction.action === 'refund') {
        await this.deposits.setRefundDue(manager, deposit.id, deposit.state, instruction.dueOn);
        await this.appendAudit(manager, actorId, endedAt, 'deposit.refund_due', deposit.id, {
          ...host,
          bidderId: deposit.bidderId,
          refundDueOn: instruction.dueOn,
        });
      } else if (instruction.action === 'hold') {
        await this.appendAudit(manager, actorId, endedAt, 'deposit.held', deposit.id, {
          ...host,
          bidderId: deposit.bidderId,
        });
      }
    }
  }

  /**
   * Every deposit of the host still held falls due for refund on `dueOn`, the winner's included
   * (a tender's deposit secures the bid only: all are refunded within 5 days of the contract);
   * `except` keeps some held (a procurement's winner, or a framework agreement's admitted
   * suppliers, until the contract).
   */
  async refundAllHeldBy(
    manager: EntityManager,
    host: RegistrationHost,
    dueOn: string,
    at: Date,
    actorId: string | null,
    except?: string | readonly string[],
  ): Promise<void> {
    const held = depositStatesAllowing('refund');
    const kept = new Set(except === undefined ? [] : typeof except === 'string' ? [except] : except);
    for (const deposit of await this.deposits.lockOfHost(manager, host)) {
      if (!held.includes(deposit.state) || kept.has(deposit.bidderId)) continue;
      await this.deposits.setRefundDue(manager, deposit.id, deposit.state, dueOn);
      await this.appendAudit(manager, actorId, at, 'deposit.refund_due', deposit.id, {
        ...host,
        bidderId: deposit.bidderId,
        refundDueOn: dueOn,
      });
    }
  }

  /** The winner signed: its deposit converts to part of the price (no endpoint; the host's step). */
  async convertWinner(
    manager: EntityManager,
    host: RegistrationHost,
    winnerId: string,
    actorId: string | null,
    now: Date,
  ) {
    const deposits = await this.deposits.lockOfHost(manager, host);
    const instruction = depositOnContractSigned(deposits, winnerId);
    const deposit = deposits.find((one) => one.id === instruction.depositId)!;
    await this.step(manager, actorId, { ...deposit, ...host }, 'convert', now, { convertedAt: now });
  }

  /** The winner did not sign by the deadline (悔拍): its deposit is forfeited. */
  async forfeitWinner(
    manager: EntityManager,
    host: RegistrationHost,
    winnerId: string,
    actorId: string | null,
    reason: string,
    now: Date,
  ) {
    const deposits = await this.deposits.lockOfHost(manager, host);
    const instruction = depositOnDefault(deposits, winnerId);
    const deposit = deposits.find((one) => one.id === instruction.depositId)!;
    await this.step(manager, actorId, { ...deposit, ...host }, 'forfeit', now, {
      forfeitedAt: now,
      ...(actorId ? { forfeitedBy: actorId } : {}),
      forfeitReason: reason,
    });
  }

  // --- reads ---

  async list(filter: Omit<DepositFilter, 'bidderId'>) {
    const { items, total } = await this.deposits.list(filter, this.readContext);
    return { items: items.map(toStaffDepositView), total };
  }

  async listOfBidder(bidderId: string, filter: { state?: DepositState; limit: number; offset: number }) {
    const { items, total } = await this.deposits.list({ ...filter, bidderId }, this.readContext);
    return { items: items.map(toBidderDepositView), total };
  }

  /**
   * The worker's scan: every refund past its last day and not yet flagged is flagged once, with
   * an audit entry `deposit.refund_overdue` and a structured warning. Returns what it flagged.
   */
  async flagOverdueRefunds(): Promise<Deposit[]> {
    return this.deposits.flagOverdueRefunds(this.readContext, async (manager, deposit, flaggedAt) => {
      await this.appendAudit(manager, null, flaggedAt, 'deposit.refund_overdue', deposit.id, {
        hostType: deposit.hostType,
        hostId: deposit.hostId,
        bidderId: deposit.bidderId,
        amount: deposit.amount,
        refundDueOn: deposit.refundDueOn,
      });
      this.logger.warn(
        {
          alert: 'deposit.refund_overdue',
          depositId: deposit.id,
          hostType: deposit.hostType,
          hostId: deposit.hostId,
          bidderId: deposit.bidderId,
          amount: deposit.amount,
          refundDueOn: deposit.refundDueOn,
        },
        'deposit refund overdue',
      );
    });
  }

  // --- internals ---

  private inTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private async databaseNow(manager: EntityManager): Promise<Date> {
    const [{ now }] = (await manager.query('SELECT clock_timestamp() AS now')) as { now: Date }[];
    return now;
  }

  private async view(manager: EntityManager, depositId: string) {
    return toStaffDepositView((await this.deposits.findById(depositId, this.readContext, manager))!);
  }

  private async stepById(
    manager: EntityManager,
    actorId: string,
    depositId: string,
    action: DepositAction,
    now: Date,
    columns: DepositStepColumns,
  ) {
    const deposit = await this.deposits.findById(depositId, this.readContext, manager);
    if (!deposit) throw new DomainError('NOT_FOUND', 'no such deposit');
    await this.step(manager, actorId, deposit, action, now, columns);
    return deposit;
  }

  /**
   * One step: the table decides the next state (or refuses with its code); the UPDATE applies
   * only if the row is still in the state that was read. If a concurrent writer moved it first,
   * the state it left is read again and the table refuses from there (nothing written).
   */
  private async step(
    manager: EntityManager,
    actorId: string | null,
    deposit: { id: string; state: DepositState } & Partial<RegistrationHost> & { bidderId?: string },
    action: DepositAction,
    now: Date,
    columns: DepositStepColumns,
  ) {
    const to = applyDepositAction(deposit.state, action);
    if (!(await this.deposits.step(manager, deposit.id, deposit.state, to, columns))) {
      const moved = await this.deposits.findById(deposit.id, this.readContext, manager);
      applyDepositAction(moved!.state, action);
      throw new DomainError('INVALID_STATE_TRANSITION', 'the deposit changed while this step was made');
    }
    const audited: Record<string, unknown> = { from: deposit.state, to };
    for (const [field, value] of Object.entries(columns))
      if (value !== undefined && value !== null)
        audited[field] = value instanceof Date ? value.toISOString() : value;
    if (deposit.hostType) Object.assign(audited, { hostType: deposit.hostType, hostId: deposit.hostId });
    if (deposit.bidderId) audited.bidderId = deposit.bidderId;
    await this.appendAudit(manager, actorId, now, `deposit.${PAST[action]}`, deposit.id, audited);
  }

  private appendAudit(
    manager: EntityManager,
    actorId: string | null,
    at: Date,
    action: string,
    entityId: string,
    data: Record<string, unknown>,
  ) {
    return this.audit.append(manager, { at, actorId, action, entityType: 'deposit', entityId, data });
  }
}

const PAST: Record<DepositAction, string> = {
  receive: 'received',
  refund: 'refunded',
  forfeit: 'forfeited',
  convert: 'converted',
};
