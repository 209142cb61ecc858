import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { currentOrigin, isCanonicalId, LOGGER, type Logger } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import { toPublicOpeningRecord } from './sealed-bid.views.js';
import {
  AuditLogRepository,
  type OwnSealedBidRow,
  PartyBans,
  type PublicSupplier,
  SEALED_BID_HOST_TYPES,
  type SealedBidForOpening,
  type SealedBidHost,
  SealedBidsRepository,
  type StoredOpening,
  type StoredWrappedKey,
} from '@ggzy/persistence';
import {
  type BidContent,
  BidSealer,
  bidContentViolations,
  openSealedBid,
  requireOpeningTime,
} from './sealed-bids.js';
import { sealedBidReceipt, sealedBidStep, sealingScope } from './sealed-bid-rules.js';

export type { PublicSupplier, SealedBidHost, SealedBidHostType } from '@ggzy/persistence';

/** What a bidder gets back for its submission: proof of what was stored, never the content. */
export interface SubmissionReceipt {
  id: string;
  version: number;
  status: 'submitted';
  submittedAt: Date;
  /** SHA-256 (hex) of the stored ciphertext, IV and tag (sealedBidReceipt). */
  receipt: string;
}

/** A withdrawn bid: its last submission's receipt, and when it was withdrawn. */
export interface WithdrawalReceipt extends Omit<SubmissionReceipt, 'status'> {
  status: 'withdrawn';
  withdrawnAt: Date;
}

export type OwnSealedBid = SubmissionReceipt | WithdrawalReceipt;

/** Why a bid in the opening record is not valid. */
export type InvalidBidReason = 'tampered';

/** One bid of the opening record (JSON as published: instants as ISO text, money in fen). */
export interface OpenedBid {
  bidId: string;
  bidderId: string;
  bidderName: string;
  version: number;
  submittedAt: string;
  receipt: string;
  /** null for an invalid bid (its content could not be authenticated). */
  price: number | null;
  documents: { name: string; sha256: string }[];
  valid: boolean;
  invalidReason: InvalidBidReason | null;
}

export interface OpeningRecord extends SealedBidHost {
  openedAt: Date;
  openedByJob: string;
  submittedCount: number;
  validCount: number;
  /** Every bid submitted at the deadline, in (submittedAt, id) order. */
  bids: OpenedBid[];
}

/**
 * Sealed bids for the lines that take them (tender and procurement projects). Every step runs in
 * the host's transaction (`manager`): the host holds its own row lock and has checked its own
 * status, deadline and registration first. Nothing this service returns, logs or audits before
 * the opening carries a price or a document: the content exists only as ciphertext under the
 * host's data key, which BidSealer releases only at `opensAt` by the database's clock.
 */
@Injectable()
export class SealedBidsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: SealedBidsRepository,
    private readonly audit: AuditLogRepository,
    private readonly sealer: BidSealer,
    private readonly partyBans: PartyBans,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The host's data key, made once (a second call, or a race, keeps the first). */
  async createKey(manager: EntityManager, host: SealedBidHost): Promise<void> {
    await this.keyOf(manager, checkHost(host));
  }

  /**
   * Seals and stores the bidder's bid, replacing any earlier one (only the last counts). A bidder
   * banned since it qualified is refused (PARTY_BANNED); it may still withdraw.
   */
  async submit(
    manager: EntityManager,
    host: SealedBidHost,
    bidderId: string,
    content: BidContent,
    now: Date,
  ): Promise<SubmissionReceipt> {
    const checked = checkHost(host);
    checkBidder(bidderId);
    const violations = bidContentViolations(content);
    if (violations.length > 0)
      throw new DomainError('VALIDATION_FAILED', 'the bid is incomplete', violations);
    await this.refuseOnceOpened(manager, checked);
    await this.partyBans.refuseIfBanned(manager, bidderId, now);
    const own = await this.repository.findOwn(manager, checked, bidderId, { lock: true });
    const status = sealedBidStep(own?.status ?? null, 'submit')!;
    const key = await this.keyOf(manager, checked);
    const seal = this.sealer.seal(key, { projectId: sealingScope(checked), bidderId }, content);
    const receipt = sealedBidReceipt(seal);
    const row = await this.repository.storeSubmission(manager, {
      ...checked,
      bidderId,
      status,
      seal,
      receipt,
      at: now,
      // Early warning's sighting: the request's address and device.
      origin: currentOrigin(),
    });
    await this.audit.append(manager, {
      at: now,
      actorId: bidderId,
      action: 'sealed_bid.submitted',
      entityType: 'sealed_bid',
      entityId: row.id,
      data: { ...checked, bidderId, version: row.version, receipt },
    });
    return toOwnSealedBid(row) as SubmissionReceipt;
  }

  /** Withdraws the bidder's bid: its seal is emptied. SEALED_BID_NOT_FOUND without a submitted one. */
  async withdraw(
    manager: EntityManager,
    host: SealedBidHost,
    bidderId: string,
    now: Date,
  ): Promise<WithdrawalReceipt> {
    const checked = checkHost(host);
    checkBidder(bidderId);
    await this.refuseOnceOpened(manager, checked);
    const own = await this.repository.findOwn(manager, checked, bidderId, { lock: true });
    const to = sealedBidStep(own?.status ?? null, 'withdraw');
    const row =
      own &&
      to &&
      (await this.repository.storeWithdrawal(manager, { id: own.id, from: own.status, to, at: now }));
    if (!row) throw new DomainError('SEALED_BID_NOT_FOUND', 'you have no submitted bid to withdraw');
    await this.audit.append(manager, {
      at: now,
      actorId: bidderId,
      action: 'sealed_bid.withdrawn',
      entityType: 'sealed_bid',
      entityId: row.id,
      data: { ...checked, bidderId, version: row.version },
    });
    return toOwnSealedBid(row) as WithdrawalReceipt;
  }

  /** The bidder's own bid as a receipt (never its content), or null. */
  async mine(
    manager: EntityManager | null,
    host: SealedBidHost,
    bidderId: string,
  ): Promise<OwnSealedBid | null> {
    const checked = checkHost(host);
    checkBidder(bidderId);
    const row = await this.repository.findOwn(manager ?? this.dataSource.manager, checked, bidderId, {
      lock: false,
    });
    return row && toOwnSealedBid(row);
  }

  /** How many bids are submitted now: for the host's own decisions (a count carries no amount). */
  async submittedCount(manager: EntityManager, host: SealedBidHost): Promise<number> {
    return this.repository.countInStatus(manager, checkHost(host), 'submitted');
  }

  /**
   * Opens the host's bids once: decrypts every submitted bid and records the opening (every
   * bidder, every price). A second call returns the record as it was. Refused before `opensAt`
   * (SEALED_UNTIL_OPENING) with nothing written. A bid that fails its integrity check is recorded
   * as invalid ('tampered') and the others are opened; a host key that fails it stops the opening
   * (SEALED_BID_TAMPERED, nothing written): no bid can be read without it.
   */
  async open(
    manager: EntityManager,
    host: SealedBidHost,
    opening: { opensAt: Date; now: Date; jobId: string },
  ): Promise<OpeningRecord> {
    const checked = checkHost(host);
    const done = await this.repository.findOpening(manager, checked);
    if (done) return toOpeningRecord(checked, done);
    requireOpeningTime(opening);
    if (typeof opening.jobId !== 'string' || opening.jobId.length === 0)
      throw new DomainError('VALIDATION_FAILED', 'the opening names its job', [
        { field: 'jobId', rule: 'text' },
      ]);
    const sealed = await this.repository.sealedForOpening(manager, checked, 'submitted');
    const bids = await this.openAll(manager, checked, sealed, opening);
    const stored: StoredOpening = {
      openedAt: opening.now,
      openedByJob: opening.jobId,
      submittedCount: bids.length,
      validCount: bids.filter((bid) => bid.valid).length,
      record: bids,
    };
    if (!(await this.repository.insertOpening(manager, checked, stored))) {
      // Another transaction opened it between our read and our write: its record stands.
      return toOpeningRecord(checked, (await this.repository.findOpening(manager, checked))!);
    }
    const counts = {
      submittedCount: stored.submittedCount,
      validCount: stored.validCount,
      invalidCount: stored.submittedCount - stored.validCount,
    };
    await this.audit.append(manager, {
      at: opening.now,
      actorId: null,
      action: 'sealed_bids.opened',
      entityType: checked.hostType,
      entityId: checked.hostId,
      data: { jobId: opening.jobId, ...counts },
    });
    const line = { ...checked, jobId: opening.jobId, ...counts };
    if (counts.invalidCount > 0)
      this.logger.warn(line, 'sealed bids opened; some failed their integrity check');
    else this.logger.info(line, 'sealed bids opened');
    return toOpeningRecord(checked, stored);
  }

  /**
   * The trail as a reader may see it: a sealed-bid entry of a host not yet opened says only that
   * a sealed step happened — not by whom, for which host or which version — since who and how
   * many bid is itself sealed until the opening (招标投标法 第22条). The chain itself is untouched.
   */
  async redactUnopened<
    E extends { entityType: string; entityId: string; action: string; actorId: string | null; data: unknown },
  >(entries: E[]): Promise<(E & { redacted?: true })[]> {
    // A sealed bid names its host in its data; an invited tender's pick (who may respond) is the
    // project's own entry. Both are sealed until the host's opening.
    const hostOf = (entry: E) => {
      if (entry.action === 'procurement.invitations_drawn') return entry.entityId;
      const data = entry.data as { hostId?: unknown } | null;
      return entry.entityType === 'sealed_bid' && typeof data?.hostId === 'string' ? data.hostId : null;
    };
    const sealed = (entry: E) =>
      entry.entityType === 'sealed_bid' || entry.action === 'procurement.invitations_drawn';
    const hosts = [...new Set(entries.map(hostOf).filter((id): id is string => id !== null))];
    const opened = await this.repository.openedAmong(this.dataSource.manager, hosts);
    return entries.map((entry) => {
      if (!sealed(entry)) return entry;
      const host = hostOf(entry);
      if (host !== null && opened.has(host)) return entry;
      return {
        ...entry,
        actorId: entry.entityType === 'sealed_bid' ? null : entry.actorId,
        data: { sealed: true },
        redacted: true as const,
      };
    });
  }

  /** The published opening record, or null before the opening. */
  async opening(manager: EntityManager | null, host: SealedBidHost): Promise<OpeningRecord | null> {
    const checked = checkHost(host);
    const stored = await this.repository.findOpening(manager ?? this.dataSource.manager, checked);
    return stored && toOpeningRecord(checked, stored);
  }

  /**
   * The opening record as the public reads it, once opened: each supplier by its organisation's
   * code and registered name, never its account's id or name (a person's name may be an account's).
   */
  async publicOpening(host: SealedBidHost) {
    const record = await this.opening(null, host);
    if (!record) return null;
    return toPublicOpeningRecord(record, await this.publicSuppliers(host));
  }

  /**
   * Every registered supplier of the host as the public names it, by account: its organisation's
   * code and registered name (the code alone when no account of that organisation applied).
   */
  async publicSuppliers(host: SealedBidHost, manager?: EntityManager): Promise<Map<string, PublicSupplier>> {
    return this.repository.publicSuppliers(manager ?? this.dataSource.manager, checkHost(host));
  }

  private async openAll(
    manager: EntityManager,
    host: SealedBidHost,
    sealed: SealedBidForOpening[],
    opening: { opensAt: Date; now: Date },
  ): Promise<OpenedBid[]> {
    if (sealed.length === 0) return [];
    const key = await this.repository.findKey(manager, host);
    // Submitted bids without their host's key: the key row was removed behind the platform's back.
    if (!key) throw new DomainError('SEALED_BID_TAMPERED', 'the project key failed its integrity check');
    const scope = sealingScope(host);
    let dataKey: Buffer;
    try {
      dataKey = this.sealer.unwrapForOpening(key, { projectId: scope, ...opening });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'SEALED_BID_TAMPERED')
        this.logger.error(
          { ...host },
          'the sealed-bid key of this host failed its integrity check; not opened',
        );
      throw error;
    }
    try {
      return sealed.map((bid) => {
        const opened = {
          bidId: bid.id,
          bidderId: bid.bidderId,
          bidderName: bid.bidderName,
          version: bid.version,
          submittedAt: new Date(bid.submittedAt).toISOString(),
          receipt: bid.receipt,
        };
        const content =
          bid.keyId === key.keyId && bid.receipt === sealedBidReceipt(bid)
            ? tryOpen(bid, dataKey, scope)
            : null;
        return content
          ? {
              ...opened,
              price: content.price,
              documents: content.documents,
              valid: true,
              invalidReason: null,
            }
          : { ...opened, price: null, documents: [], valid: false, invalidReason: 'tampered' as const };
      });
    } finally {
      dataKey.fill(0);
    }
  }

  /** The host's wrapped key, created (by whoever comes first) if it has none yet. */
  private async keyOf(manager: EntityManager, host: SealedBidHost): Promise<StoredWrappedKey> {
    const existing = await this.repository.findKey(manager, host);
    if (existing) return existing;
    await this.repository.insertKeyIfAbsent(manager, host, this.sealer.createProjectKey(sealingScope(host)));
    return (await this.repository.findKey(manager, host))!;
  }

  /** After the opening nothing is submitted or withdrawn, whatever the host's own checks said. */
  private async refuseOnceOpened(manager: EntityManager, host: SealedBidHost): Promise<void> {
    if (await this.repository.findOpening(manager, host))
      throw new DomainError('SEALED_BIDS_ALREADY_OPENED', 'the bids have been opened');
  }
}

/** The bid's content, or null when it fails authentication (the only failure that is the bid's). */
function tryOpen(bid: SealedBidForOpening, dataKey: Buffer, scope: string): BidContent | null {
  try {
    return openSealedBid(bid, dataKey, { projectId: scope, bidderId: bid.bidderId });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'SEALED_BID_TAMPERED') return null;
    throw error;
  }
}

/** A host as the service uses it (only its two fields), or VALIDATION_FAILED. */
function checkHost(host: SealedBidHost): SealedBidHost {
  const violations: { field: string; rule: string }[] = [];
  if (!(SEALED_BID_HOST_TYPES as readonly string[]).includes(host?.hostType))
    violations.push({ field: 'hostType', rule: SEALED_BID_HOST_TYPES.join(' or ') });
  if (!isCanonicalId(host?.hostId)) violations.push({ field: 'hostId', rule: 'a canonical UUID' });
  if (violations.length > 0) throw new DomainError('VALIDATION_FAILED', 'not a sealed-bid host', violations);
  return { hostType: host.hostType, hostId: host.hostId };
}

function checkBidder(bidderId: string): void {
  if (!isCanonicalId(bidderId))
    throw new DomainError('VALIDATION_FAILED', 'not a bidder', [
      { field: 'bidderId', rule: 'a canonical UUID' },
    ]);
}

function toOwnSealedBid(row: OwnSealedBidRow): OwnSealedBid {
  const receipt = { id: row.id, version: row.version, submittedAt: row.submittedAt, receipt: row.receipt };
  return row.status === 'withdrawn'
    ? { ...receipt, status: 'withdrawn', withdrawnAt: row.withdrawnAt! }
    : { ...receipt, status: 'submitted' };
}

function toOpeningRecord(host: SealedBidHost, stored: StoredOpening): OpeningRecord {
  return {
    ...host,
    openedAt: stored.openedAt,
    openedByJob: stored.openedByJob,
    submittedCount: stored.submittedCount,
    validCount: stored.validCount,
    bids: stored.record as OpenedBid[],
  };
}
