import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Sanction, SanctionKind, SanctionReason } from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';

/** A sanction as stored: the domain's, with who recorded and who lifted it. */
export interface SanctionRow extends Sanction {
  recordedBy: string | null;
  recordedAt: Date;
  revokedBy: string | null;
  revokedAt: Date | null;
  revokeReason: string | null;
}

export type NewSanction = Omit<Sanction, 'id' | 'revokedOn'> & {
  recordedBy: string | null;
  recordedAt: Date;
};

/** A sanction with the party's names, as a supervisor lists them. */
export interface SanctionWithParty extends SanctionRow {
  partyUsername: string;
  partyDisplayName: string;
  partyOrgCode: string | null;
}

export interface SanctionRevocation {
  revokedOn: string;
  revokedBy: string;
  revokedAt: Date;
  reason: string;
}

/** A sanction's columns as the domain names them, from `sanctions s`. */
const SANCTION_COLUMNS = `
  s.id, s.party_id AS "partyId", s.kind, s.reason, s.basis, s.source_ref AS "sourceRef",
  s.starts_on::text AS "startsOn", s.banned_until::text AS "bannedUntil",
  s.revoked_on::text AS "revokedOn", s.recorded_by AS "recordedBy", s.recorded_at AS "recordedAt",
  s.revoked_by AS "revokedBy", s.revoked_at AS "revokedAt", s.revoke_reason AS "revokeReason"`;

/**
 * The bans that can still be in force, asked at every registration and every live bid (joined
 * into the bid path's read). A ban whose last day is more than two days behind the database's
 * UTC date cannot hold in any zone (offsets stay within ±14 hours): the partial index's range
 * leaves it out, and the domain (`activeBan`) decides the rest against the caller's instant and
 * the centre's zone.
 */
export const PARTY_BAN_CANDIDATES_WHERE = `s.kind = 'ban' AND s.banned_until >= (now() AT TIME ZONE 'UTC')::date - 2`;

/** The same candidates as one JSON array (null for none), the domain's Sanction shape: for a join. */
export const PARTY_BAN_CANDIDATES_JSON = `
  SELECT json_agg(json_build_object('id', s.id, 'partyId', s.party_id, 'kind', s.kind, 'reason', s.reason,
           'basis', s.basis, 'sourceRef', s.source_ref, 'startsOn', s.starts_on, 'bannedUntil', s.banned_until,
           'revokedOn', s.revoked_on)) AS bans
  FROM sanctions s`;

@Injectable()
export class SanctionsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  async insert(manager: EntityManager, sanction: NewSanction): Promise<SanctionRow> {
    const [row] = (await manager.query(
      `INSERT INTO sanctions AS s (party_id, kind, reason, basis, source_ref, starts_on, banned_until,
                                   recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       RETURNING ${SANCTION_COLUMNS}`,
      insertValues(sanction),
    )) as SanctionRow[];
    return row;
  }

  /** A winner's record for not signing, once per process: null when it was already recorded. */
  async insertRefusalToSign(manager: EntityManager, sanction: NewSanction): Promise<SanctionRow | null> {
    const [row] = (await manager.query(
      `INSERT INTO sanctions AS s (party_id, kind, reason, basis, source_ref, starts_on, banned_until,
                                   recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (party_id, source_ref) WHERE reason = 'refused_to_sign' DO NOTHING
       RETURNING ${SANCTION_COLUMNS}`,
      insertValues(sanction),
    )) as SanctionRow[];
    return row ?? null;
  }

  /** The party's bans that can still be in force (few: usually none), in the caller's transaction. */
  async banCandidatesOf(manager: EntityManager | null, partyId: string): Promise<Sanction[]> {
    return (await (manager ?? this.dataSource.manager).query(
      `SELECT ${SANCTION_COLUMNS} FROM sanctions s WHERE s.party_id = $1 AND ${PARTY_BAN_CANDIDATES_WHERE}`,
      [partyId],
    )) as SanctionRow[];
  }

  async findById(manager: EntityManager | null, id: string, options: { lock?: boolean } = {}) {
    const [row] = (await (manager ?? this.reads.manager).query(
      `SELECT ${SANCTION_COLUMNS} FROM sanctions s WHERE s.id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
      [id],
    )) as SanctionRow[];
    return row ?? null;
  }

  /** Lifts a sanction not yet lifted: false when another supervisor lifted it first. */
  async revoke(manager: EntityManager, id: string, revocation: SanctionRevocation): Promise<boolean> {
    const rows = (await manager.query(
      // Through a CTE: TypeORM answers a bare UPDATE … RETURNING with [rows, count].
      `WITH lifted AS (
         UPDATE sanctions SET revoked_on = $2, revoked_by = $3, revoked_at = $4, revoke_reason = $5
         WHERE id = $1 AND revoked_on IS NULL RETURNING id)
       SELECT id FROM lifted`,
      [id, revocation.revokedOn, revocation.revokedBy, revocation.revokedAt, revocation.reason],
    )) as unknown[];
    return rows.length === 1;
  }

  /**
   * Every sanction, newest first, with the party's names: of one party, of one kind, and (with
   * `inForce` and the centre's zone) those whose ban holds today by the database's clock or not.
   */
  async list(filter: {
    partyId?: string;
    kind?: SanctionKind;
    inForce?: boolean;
    timeZone: string;
    limit: number;
    offset: number;
  }) {
    const values: unknown[] = [filter.timeZone];
    const where: string[] = [];
    if (filter.partyId) where.push(`s.party_id = $${values.push(filter.partyId)}`);
    if (filter.kind) where.push(`s.kind = $${values.push(filter.kind)}`);
    // The domain's activeBan for today, in SQL: a ban through its last day, not lifted by today.
    const inForce = `(s.kind = 'ban' AND s.starts_on <= today.d AND s.banned_until >= today.d
                      AND (s.revoked_on IS NULL OR s.revoked_on > today.d))`;
    if (filter.inForce !== undefined) where.push(filter.inForce ? inForce : `NOT ${inForce}`);
    const from = `FROM sanctions s JOIN users u ON u.id = s.party_id
                  CROSS JOIN (SELECT (now() AT TIME ZONE $1)::date AS d) today
                  ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
    return this.page(from, values, filter);
  }

  /**
   * The public credit list: every sanction but those lifted before they began (quashed: they
   * never took effect), newest first, with the party's names for the view to disclose as the
   * rules allow.
   */
  async listPublic(filter: { q?: string; limit: number; offset: number }) {
    const values: unknown[] = [];
    const where = ['(s.revoked_on IS NULL OR s.revoked_on > s.starts_on)'];
    // Searchable by what the list discloses in full only: an organisation's name or code. A
    // search by a person's name would tell who is behind a masked line.
    if (filter.q) {
      values.push(`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, filter.q);
      where.push(`u.org_code IS NOT NULL AND (u.display_name ILIKE $1 OR u.org_code = $2)`);
    }
    const from = `FROM sanctions s JOIN users u ON u.id = s.party_id WHERE ${where.join(' AND ')}`;
    return this.page(from, values, filter);
  }

  /** One page of sanctions with their parties' names, newest first, and how many `from` holds. */
  private async page(from: string, values: unknown[], paging: { limit: number; offset: number }) {
    const next = values.length;
    const [items, [{ total }]] = await Promise.all([
      this.reads.query(
        `SELECT ${SANCTION_COLUMNS}, u.username AS "partyUsername", u.display_name AS "partyDisplayName",
                u.org_code AS "partyOrgCode"
         ${from}
         ORDER BY s.starts_on DESC, s.recorded_at DESC, s.id LIMIT $${next + 1} OFFSET $${next + 2}`,
        [...values, paging.limit, paging.offset],
      ) as Promise<SanctionWithParty[]>,
      this.reads.query(`SELECT count(*)::int AS total ${from}`, values) as Promise<{ total: number }[]>,
    ]);
    return { items, total };
  }
}

function insertValues(sanction: NewSanction): unknown[] {
  return [
    sanction.partyId,
    sanction.kind satisfies SanctionKind,
    sanction.reason satisfies SanctionReason,
    sanction.basis,
    sanction.sourceRef,
    sanction.startsOn,
    sanction.bannedUntil,
    sanction.recordedBy,
    sanction.recordedAt,
  ];
}
