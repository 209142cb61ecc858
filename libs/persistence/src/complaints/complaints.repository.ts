import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  ComplaintAttachment,
  ComplaintKind,
  ComplaintLine,
  ComplaintRemedy,
  ComplaintStatus,
  DocumentRequest,
} from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';

/** A complaint as stored (dates `YYYY-MM-DD` in CENTRE_TZ), without its document requests. */
export interface ComplaintRow {
  id: string;
  projectType: ComplaintLine;
  projectId: string;
  kind: ComplaintKind;
  stage: string;
  status: ComplaintStatus;
  complainantId: string;
  grounds: string;
  attachments: ComplaintAttachment[];
  challengeId: string | null;
  knewOn: string;
  filedOn: string;
  filedAt: Date;
  windowOpensOn: string;
  windowClosesOn: string;
  acceptanceDecidedOn: string | null;
  acceptedOn: string | null;
  rejectionReason: string | null;
  decidedOn: string | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  outcome: 'upheld' | 'dismissed' | null;
  remedy: ComplaintRemedy | null;
  foundFalse: boolean;
  decisionReason: string | null;
  sanctionId: string | null;
  withdrawnOn: string | null;
  suspendedOn: string | null;
  suspendedAt: Date | null;
  suspensionReason: string | null;
  resumedOn: string | null;
}

export interface StoredDocumentRequest extends DocumentRequest {
  complaintId: string;
  attachments: ComplaintAttachment[];
}

/** A complaint with its requests for documents, oldest first. */
export interface ComplaintWithRequests extends ComplaintRow {
  documentRequests: StoredDocumentRequest[];
}

export type NewComplaint = Pick<
  ComplaintRow,
  | 'projectType'
  | 'projectId'
  | 'kind'
  | 'stage'
  | 'complainantId'
  | 'grounds'
  | 'attachments'
  | 'challengeId'
  | 'knewOn'
  | 'filedOn'
  | 'filedAt'
  | 'windowOpensOn'
  | 'windowClosesOn'
>;

/** The columns the service may change after filing, by their row names. */
export type ComplaintChanges = Partial<
  Omit<ComplaintRow, keyof NewComplaint | 'id' | 'complainantId' | 'grounds' | 'attachments'>
>;

const date = (column: string, name: string) => `to_char(c.${column}, 'YYYY-MM-DD') AS "${name}"`;

const COMPLAINT_COLUMNS = `
  c.id, c.project_type AS "projectType", c.project_id AS "projectId", c.kind, c.stage, c.status,
  c.complainant_id AS "complainantId", c.grounds, c.attachments, c.challenge_id AS "challengeId",
  ${date('knew_on', 'knewOn')}, ${date('filed_on', 'filedOn')}, c.filed_at AS "filedAt",
  ${date('window_opens_on', 'windowOpensOn')}, ${date('window_closes_on', 'windowClosesOn')},
  ${date('acceptance_decided_on', 'acceptanceDecidedOn')}, ${date('accepted_on', 'acceptedOn')},
  c.rejection_reason AS "rejectionReason", ${date('decided_on', 'decidedOn')}, c.decided_at AS "decidedAt",
  c.decided_by AS "decidedBy", c.outcome, c.remedy, c.found_false AS "foundFalse",
  c.decision_reason AS "decisionReason", c.sanction_id AS "sanctionId", ${date('withdrawn_on', 'withdrawnOn')},
  ${date('suspended_on', 'suspendedOn')}, c.suspended_at AS "suspendedAt",
  c.suspension_reason AS "suspensionReason", ${date('resumed_on', 'resumedOn')}`;

const REQUEST_COLUMNS = `
  r.id, r.complaint_id AS "complaintId", r.addressee, to_char(r.requested_on, 'YYYY-MM-DD') AS "requestedOn",
  to_char(r.due_on, 'YYYY-MM-DD') AS "dueOn", to_char(r.answered_on, 'YYYY-MM-DD') AS "answeredOn", r.attachments`;

/** Column names for the changes the service makes (camelCase → snake_case). */
const CHANGE_COLUMNS: Record<keyof ComplaintChanges, string> = {
  status: 'status',
  acceptanceDecidedOn: 'acceptance_decided_on',
  acceptedOn: 'accepted_on',
  rejectionReason: 'rejection_reason',
  decidedOn: 'decided_on',
  decidedAt: 'decided_at',
  decidedBy: 'decided_by',
  outcome: 'outcome',
  remedy: 'remedy',
  foundFalse: 'found_false',
  decisionReason: 'decision_reason',
  sanctionId: 'sanction_id',
  withdrawnOn: 'withdrawn_on',
  suspendedOn: 'suspended_on',
  suspendedAt: 'suspended_at',
  suspensionReason: 'suspension_reason',
  resumedOn: 'resumed_on',
} as Record<keyof ComplaintChanges, string>;

export interface ComplaintFilter {
  line?: ComplaintLine;
  status?: ComplaintStatus;
  kind?: ComplaintKind;
  projectId?: string;
  complainantId?: string;
}

/** Complaints and challenges (质疑 / 投诉) and their requests for documents. */
@Injectable()
export class ComplaintsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  async insert(manager: EntityManager, complaint: NewComplaint): Promise<ComplaintRow> {
    const [row] = (await manager.query(
      `INSERT INTO complaints AS c (project_type, project_id, kind, stage, status, complainant_id, grounds,
                                    attachments, challenge_id, knew_on, filed_on, filed_at, window_opens_on,
                                    window_closes_on)
       VALUES ($1, $2, $3, $4, 'filed', $5, $6, $7::jsonb, $8, $9, $10, $11, $12, $13)
       RETURNING ${COMPLAINT_COLUMNS}`,
      [
        complaint.projectType,
        complaint.projectId,
        complaint.kind,
        complaint.stage,
        complaint.complainantId,
        complaint.grounds,
        JSON.stringify(complaint.attachments),
        complaint.challengeId,
        complaint.knewOn,
        complaint.filedOn,
        complaint.filedAt,
        complaint.windowOpensOn,
        complaint.windowClosesOn,
      ],
    )) as ComplaintRow[];
    return row;
  }

  async update(manager: EntityManager, id: string, changes: ComplaintChanges): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const sets = entries.map(
      ([field, _value], index) => `${CHANGE_COLUMNS[field as keyof ComplaintChanges]} = $${index + 2}`,
    );
    await manager.query(`UPDATE complaints SET ${sets.join(', ')} WHERE id = $1`, [
      id,
      ...entries.map(([, value]) => value),
    ]);
  }

  /** One complaint with its requests; `lock` takes the row for the caller's transaction. */
  async findById(
    manager: EntityManager | null,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<ComplaintWithRequests | null> {
    const runner = manager ?? this.dataSource.manager;
    const [row] = (await runner.query(
      `SELECT ${COMPLAINT_COLUMNS} FROM complaints c WHERE c.id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
      [id],
    )) as ComplaintRow[];
    if (!row) return null;
    const [withRequests] = await this.withRequests(runner, [row]);
    return withRequests;
  }

  async insertDocumentRequest(
    manager: EntityManager,
    request: {
      complaintId: string;
      addressee: string;
      requestedOn: string;
      requestedBy: string;
      dueOn: string;
    },
  ): Promise<StoredDocumentRequest> {
    const [row] = (await manager.query(
      `INSERT INTO complaint_document_requests AS r (complaint_id, addressee, requested_on, requested_by, due_on)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${REQUEST_COLUMNS}`,
      [request.complaintId, request.addressee, request.requestedOn, request.requestedBy, request.dueOn],
    )) as StoredDocumentRequest[];
    return row;
  }

  /** Records what arrived, once: false when the request was already answered. */
  async answerDocumentRequest(
    manager: EntityManager,
    requestId: string,
    answeredOn: string,
    attachments: ComplaintAttachment[],
  ): Promise<boolean> {
    const rows = (await manager.query(
      `WITH answered AS (
         UPDATE complaint_document_requests SET answered_on = $2, attachments = $3::jsonb
         WHERE id = $1 AND answered_on IS NULL RETURNING id)
       SELECT id FROM answered`,
      [requestId, answeredOn, JSON.stringify(attachments)],
    )) as unknown[];
    return rows.length === 1;
  }

  /** Filings newest first, with their requests. */
  async list(filter: ComplaintFilter & { limit: number; offset: number }) {
    const values: unknown[] = [];
    const where: string[] = [];
    if (filter.line) where.push(`c.project_type = $${values.push(filter.line)}`);
    if (filter.status) where.push(`c.status = $${values.push(filter.status)}`);
    if (filter.kind) where.push(`c.kind = $${values.push(filter.kind)}`);
    if (filter.projectId) where.push(`c.project_id = $${values.push(filter.projectId)}`);
    if (filter.complainantId) where.push(`c.complainant_id = $${values.push(filter.complainantId)}`);
    const from = `FROM complaints c ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
    const next = values.length;
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${COMPLAINT_COLUMNS} ${from} ORDER BY c.filed_at DESC, c.id
         LIMIT $${next + 1} OFFSET $${next + 2}`,
        [...values, filter.limit, filter.offset],
      ) as Promise<ComplaintRow[]>,
      this.dataSource.query(`SELECT count(*)::int AS total ${from}`, values) as Promise<{ total: number }[]>,
    ]);
    return { items: await this.withRequests(this.dataSource.manager, rows), total };
  }

  /** Every filing something is still owed on: pending, or a project still suspended for it. */
  async pending(): Promise<ComplaintWithRequests[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COMPLAINT_COLUMNS} FROM complaints c
       WHERE c.status IN ('filed','accepted','investigating') OR (c.suspended_on IS NOT NULL AND c.resumed_on IS NULL)
       ORDER BY c.filed_on, c.id`,
    )) as ComplaintRow[];
    return this.withRequests(this.dataSource.manager, rows);
  }

  /**
   * Claims a complaint for one step (see migration 1764500001350): false when another step holds
   * it. A claim older than `staleAfterSeconds` is taken over (its process died mid-step).
   */
  async claimStep(id: string, staleAfterSeconds: number): Promise<boolean> {
    const [{ claimed }] = (await this.dataSource.query(
      `WITH claim AS (
         UPDATE complaints SET step_claimed_at = clock_timestamp()
         WHERE id = $1 AND (step_claimed_at IS NULL OR step_claimed_at < clock_timestamp() - make_interval(secs => $2))
         RETURNING id)
       SELECT count(*)::int AS claimed FROM claim`,
      [id, staleAfterSeconds],
    )) as { claimed: number }[];
    return claimed > 0;
  }

  async releaseStep(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE complaints SET step_claimed_at = NULL WHERE id = $1`, [id]);
  }

  /** A complainant's pending filings against one project, counted under a lock on the pair. */
  async countOpenFilings(
    manager: EntityManager,
    complainantId: string,
    projectType: string,
    projectId: string,
  ): Promise<number> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('complaint_filings'), hashtext($1))`, [
      `${complainantId}:${projectId}`,
    ]);
    const [{ open }] = (await manager.query(
      `SELECT count(*)::int AS open FROM complaints
       WHERE complainant_id = $1 AND project_type = $2 AND project_id = $3
         AND status IN ('filed','accepted','investigating')`,
      [complainantId, projectType, projectId],
    )) as { open: number }[];
    return open;
  }

  /**
   * A new suspension of the project belongs to `ownerId`: any earlier complaint's suspension still
   * open had already ended (the worker's 30-day cap, a supervisor's resume), so it is recorded as
   * resumed on `today` and can never lift the new one.
   */
  async endOtherSuspensions(
    manager: EntityManager,
    projectType: string,
    projectId: string,
    ownerId: string,
    today: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE complaints SET resumed_on = $4
       WHERE project_type = $1 AND project_id = $2 AND id <> $3
         AND suspended_on IS NOT NULL AND resumed_on IS NULL`,
      [projectType, projectId, ownerId, today],
    );
  }

  /**
   * Published decisions, newest first (the public list). A decision that found the complaint
   * false is left out: beside the credit list's false_complaint ban starting that same day it
   * would name the complainant (the ban is public on its own terms, the grounds are not).
   */
  async listDecided(paging: { limit: number; offset: number }) {
    const [items, [{ total }]] = await Promise.all([
      this.reads.query(
        `SELECT ${COMPLAINT_COLUMNS} FROM complaints c WHERE c.outcome IS NOT NULL AND NOT c.found_false
         ORDER BY c.decided_at DESC, c.id LIMIT $1 OFFSET $2`,
        [paging.limit, paging.offset],
      ) as Promise<ComplaintRow[]>,
      this.reads.query(
        `SELECT count(*)::int AS total FROM complaints c WHERE c.outcome IS NOT NULL AND NOT c.found_false`,
      ) as Promise<{ total: number }[]>,
    ]);
    return { items, total };
  }

  /** A procurement complaint's challenge: the complainant's own, on the same project. */
  async challengeOf(manager: EntityManager, challengeId: string) {
    return this.findById(manager, challengeId);
  }

  async databaseNow(manager?: EntityManager): Promise<Date> {
    const [{ now }] = (await (manager ?? this.dataSource.manager).query(
      'SELECT clock_timestamp() AS now',
    )) as {
      now: Date;
    }[];
    return now;
  }

  private async withRequests(runner: EntityManager, rows: ComplaintRow[]): Promise<ComplaintWithRequests[]> {
    if (rows.length === 0) return [];
    const requests = (await runner.query(
      `SELECT ${REQUEST_COLUMNS} FROM complaint_document_requests r WHERE r.complaint_id = ANY($1)
       ORDER BY r.requested_on, r.id`,
      [rows.map((row) => row.id)],
    )) as StoredDocumentRequest[];
    return rows.map((row) => ({
      ...row,
      documentRequests: requests.filter((request) => request.complaintId === row.id),
    }));
  }
}
