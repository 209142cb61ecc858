import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { namedParameters } from './named-parameters.js';
import { publicSupplierNameSql } from '../registrations/public-supplier-name.js';

/** The processes that take sealed bids; a host is its type and id (no foreign key: see the migration). */
export const SEALED_BID_HOST_TYPES = ['tender_project', 'procurement_project'] as const;
export type SealedBidHostType = (typeof SEALED_BID_HOST_TYPES)[number];
/** A supplier as the public knows it: its organisation's code and registered name. */
export interface PublicSupplier {
  code: string;
  name: string;
}

export interface SealedBidHost {
  hostType: SealedBidHostType;
  hostId: string;
}

export type SealedBidStatus = 'submitted' | 'withdrawn';

/** A host's data key as stored: wrapped, base64 fields (BidSealer's WrappedDataKey). */
export interface StoredWrappedKey {
  keyId: string;
  kekId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** The encrypted part of a bid (BidSealer's SealedBid). */
export interface StoredSeal {
  keyId: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** What a bidder may see of its own row: no ciphertext (it stays in the database). */
export interface OwnSealedBidRow {
  id: string;
  status: SealedBidStatus;
  version: number;
  receipt: string;
  submittedAt: Date;
  withdrawnAt: Date | null;
}

/** A submitted bid as the opening reads it: the seal and who it belongs to. */
export interface SealedBidForOpening extends StoredSeal {
  id: string;
  bidderId: string;
  bidderName: string;
  version: number;
  receipt: string;
  submittedAt: Date;
}

export interface StoredOpening {
  openedAt: Date;
  openedByJob: string;
  submittedCount: number;
  validCount: number;
  /** The bids as the opening recorded them (JSON, in the order it gave them). */
  record: unknown[];
}

const OWN_COLUMNS = `id, status, version, receipt, submitted_at AS "submittedAt", withdrawn_at AS "withdrawnAt"`;

async function run<T>(manager: EntityManager, text: string, values: Record<string, unknown>): Promise<T[]> {
  const statement = namedParameters(text, values);
  return (await manager.query(statement.text, statement.parameters)) as T[];
}

/**
 * Sealed bids, their hosts' wrapped keys and the openings. The wrapped key is read only by the
 * sealing and the opening; nothing here that serves a bidder or staff selects a ciphertext.
 */
@Injectable()
export class SealedBidsRepository {
  /** Stores the host's wrapped key unless it has one; the first one stored stays. */
  async insertKeyIfAbsent(manager: EntityManager, host: SealedBidHost, key: StoredWrappedKey): Promise<void> {
    await run(
      manager,
      `INSERT INTO sealed_bid_keys (host_type, host_id, key_id, kek_id, iv, tag, ciphertext)
       VALUES (:hostType, :hostId, :keyId, :kekId, :iv, :tag, :ciphertext)
       ON CONFLICT (host_type, host_id) DO NOTHING`,
      { ...host, ...key },
    );
  }

  async findKey(manager: EntityManager, host: SealedBidHost): Promise<StoredWrappedKey | null> {
    const [row] = await run<StoredWrappedKey>(
      manager,
      `SELECT key_id AS "keyId", kek_id AS "kekId", iv, tag, ciphertext
       FROM sealed_bid_keys WHERE host_type = :hostType AND host_id = :hostId`,
      { ...host },
    );
    return row ?? null;
  }

  /** The bidder's row for this host, locked when `lock` (a step on it follows). */
  async findOwn(
    manager: EntityManager,
    host: SealedBidHost,
    bidderId: string,
    options: { lock: boolean },
  ): Promise<OwnSealedBidRow | null> {
    const [row] = await run<OwnSealedBidRow>(
      manager,
      `SELECT ${OWN_COLUMNS} FROM sealed_bids
       WHERE host_type = :hostType AND host_id = :hostId AND bidder_id = :bidderId
       ${options.lock ? 'FOR UPDATE' : ''}`,
      { ...host, bidderId },
    );
    return row ?? null;
  }

  /**
   * The bidder's bid becomes this seal: a first one is inserted at version 1, a later one (after
   * a submission or a withdrawal) overwrites the row and bumps the version.
   */
  async storeSubmission(
    manager: EntityManager,
    submission: SealedBidHost & {
      bidderId: string;
      status: SealedBidStatus;
      seal: StoredSeal;
      receipt: string;
      at: Date;
      /** Where it came from (early warning; supervisor-only, never returned). */
      origin?: { clientAddress: string | null; deviceFingerprint: string | null };
    },
  ): Promise<OwnSealedBidRow> {
    const { seal, origin, ...rest } = submission;
    const [row] = await run<OwnSealedBidRow>(
      manager,
      `INSERT INTO sealed_bids (host_type, host_id, bidder_id, status, version, key_id, iv, tag, ciphertext,
                                receipt, submitted_at, client_address, device_fingerprint)
       VALUES (:hostType, :hostId, :bidderId, :status, 1, :keyId, :iv, :tag, :ciphertext, :receipt, :at,
               :clientAddress, :deviceFingerprint)
       ON CONFLICT ON CONSTRAINT sealed_bids_one_per_bidder DO UPDATE
         SET status = EXCLUDED.status, version = sealed_bids.version + 1, key_id = EXCLUDED.key_id,
             iv = EXCLUDED.iv, tag = EXCLUDED.tag, ciphertext = EXCLUDED.ciphertext,
             receipt = EXCLUDED.receipt, submitted_at = EXCLUDED.submitted_at, withdrawn_at = NULL,
             client_address = EXCLUDED.client_address, device_fingerprint = EXCLUDED.device_fingerprint
       RETURNING ${OWN_COLUMNS}`,
      {
        ...rest,
        ...seal,
        clientAddress: origin?.clientAddress ?? null,
        deviceFingerprint: origin?.deviceFingerprint ?? null,
      },
    );
    return row;
  }

  /** Empties the bid's seal and sets its status; null when the bid was not `from` any more. */
  async storeWithdrawal(
    manager: EntityManager,
    withdrawal: { id: string; from: SealedBidStatus; to: SealedBidStatus; at: Date },
  ): Promise<OwnSealedBidRow | null> {
    // TypeORM answers an UPDATE with [rows, affected count].
    const [[row]] = await run<OwnSealedBidRow[]>(
      manager,
      `UPDATE sealed_bids
       SET status = :to, key_id = NULL, iv = NULL, tag = NULL, ciphertext = NULL, withdrawn_at = :at
       WHERE id = :id AND status = :from
       RETURNING ${OWN_COLUMNS}`,
      { ...withdrawal },
    );
    return row ?? null;
  }

  async countInStatus(manager: EntityManager, host: SealedBidHost, status: SealedBidStatus): Promise<number> {
    const [row] = await run<{ count: number }>(
      manager,
      `SELECT count(*)::int AS count FROM sealed_bids
       WHERE host_type = :hostType AND host_id = :hostId AND status = :status`,
      { ...host, status },
    );
    return row.count;
  }

  /** The host's bids in `status`, in the opening record's order (submitted_at, id), with names. */
  async sealedForOpening(
    manager: EntityManager,
    host: SealedBidHost,
    status: SealedBidStatus,
  ): Promise<SealedBidForOpening[]> {
    return run<SealedBidForOpening>(
      manager,
      `SELECT b.id, b.bidder_id AS "bidderId", u.display_name AS "bidderName", b.version, b.receipt,
              b.submitted_at AS "submittedAt", b.key_id AS "keyId", b.iv, b.tag, b.ciphertext
       FROM sealed_bids b JOIN users u ON u.id = b.bidder_id
       WHERE b.host_type = :hostType AND b.host_id = :hostId AND b.status = :status
       ORDER BY b.submitted_at, b.id`,
      { ...host, status },
    );
  }

  /** Which of these hosts have had their bids opened. */
  async openedAmong(manager: EntityManager, hostIds: readonly string[]): Promise<Set<string>> {
    if (hostIds.length === 0) return new Set();
    const rows = (await manager.query(
      `SELECT host_id::text AS id FROM bid_openings WHERE host_id = ANY($1::uuid[])`,
      [hostIds],
    )) as { id: string }[];
    return new Set(rows.map((row) => row.id));
  }

  async findOpening(manager: EntityManager, host: SealedBidHost): Promise<StoredOpening | null> {
    const [row] = await run<StoredOpening>(
      manager,
      `SELECT opened_at AS "openedAt", opened_by_job AS "openedByJob", submitted_count AS "submittedCount",
              valid_count AS "validCount", record
       FROM bid_openings WHERE host_type = :hostType AND host_id = :hostId`,
      { ...host },
    );
    return row ?? null;
  }

  /**
   * How the public names each supplier of a host, by account: the organisation's code it applied
   * with, and the organisation's registered name (publicSupplierNameSql: the name staff confirmed
   * when they qualified it, else the code — never an account's name).
   */
  async publicSuppliers(manager: EntityManager, host: SealedBidHost): Promise<Map<string, PublicSupplier>> {
    const rows = await run<{ bidderId: string } & PublicSupplier>(
      manager,
      `SELECT r.bidder_id AS "bidderId", r.organization_code AS code, ${publicSupplierNameSql('r')} AS name
       FROM registrations r
       WHERE r.host_type = :hostType AND r.host_id = :hostId AND r.organization_code IS NOT NULL`,
      { ...host },
    );
    return new Map(rows.map(({ bidderId, ...supplier }) => [bidderId, supplier]));
  }

  /** Records the opening unless one is recorded; false when another got there first. */
  async insertOpening(manager: EntityManager, host: SealedBidHost, opening: StoredOpening): Promise<boolean> {
    const rows = await run<{ hostId: string }>(
      manager,
      `INSERT INTO bid_openings (host_type, host_id, opened_at, opened_by_job, submitted_count, valid_count, record)
       VALUES (:hostType, :hostId, :openedAt, :openedByJob, :submittedCount, :validCount, :record::jsonb)
       ON CONFLICT (host_type, host_id) DO NOTHING
       RETURNING host_id AS "hostId"`,
      { ...host, ...opening, record: JSON.stringify(opening.record) },
    );
    return rows.length === 1;
  }
}
