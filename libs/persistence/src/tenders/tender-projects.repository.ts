import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager, In, IsNull, LessThanOrEqual, MoreThan, Not } from 'typeorm';
import type { TenderStatus } from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';
import {
  type PrequalificationApplication,
  type TenderNotice,
  type TenderObjection,
  TenderProjectEntity,
} from './tender-project.entity.js';

export type NewTenderProject = Omit<
  TenderProjectEntity,
  | 'id'
  | 'code'
  | 'round'
  | 'previousRoundId'
  | 'resumeTo'
  | 'announcedOn'
  | 'prequalificationResultOn'
  | 'prequalificationPassed'
  | 'openedAt'
  | 'failedReason'
  | 'suspendedAt'
  | 'suspendedOn'
  | 'suspensionReason'
  | 'supervisorSuspension'
  | 'suspensionComplaintId'
  | 'terminationReason'
  | 'createdAt'
  | 'updatedAt'
>;

const NOTICE_COLUMNS = `id, project_id AS "projectId", kind, summary, documents, affects_bids AS "affectsBids",
  to_char(published_on, 'YYYY-MM-DD') AS "publishedOn", published_at AS "publishedAt",
  to_char(deadline_before, 'YYYY-MM-DD') AS "deadlineBefore", to_char(deadline_after, 'YYYY-MM-DD') AS "deadlineAfter",
  published_by AS "publishedBy"`;

const OBJECTION_COLUMNS = `o.id, o.project_id AS "projectId", o.target, o.text, o.documents, o.objector_id AS "objectorId",
  u.display_name AS "objectorName", o.filed_at AS "filedAt", to_char(o.filed_on, 'YYYY-MM-DD') AS "filedOn",
  to_char(o.reply_due_on, 'YYYY-MM-DD') AS "replyDueOn", o.reply_text AS "replyText", o.upheld,
  o.replied_at AS "repliedAt", to_char(o.replied_on, 'YYYY-MM-DD') AS "repliedOn", o.replied_by AS "repliedBy",
  o.reply_late AS "replyLate", to_char(o.period_ends_before, 'YYYY-MM-DD') AS "periodEndsBefore",
  to_char(o.period_ends_after, 'YYYY-MM-DD') AS "periodEndsAfter"`;
const OBJECTIONS_FROM = `tender_objections o JOIN users u ON u.id = o.objector_id`;

const APPLICATION_COLUMNS = `a.id, a.project_id AS "projectId", a.applicant_id AS "applicantId",
  u.display_name AS "applicantName", a.organization_code AS "organizationCode", a.documents,
  a.applied_at AS "appliedAt", to_char(a.applied_on, 'YYYY-MM-DD') AS "appliedOn", a.status, a.reason,
  a.decided_by AS "decidedBy", a.decided_at AS "decidedAt"`;
const APPLICATIONS_FROM = `tender_prequalification_applications a JOIN users u ON u.id = a.applicant_id`;

/** Tender projects: the rows, their locks, the public list, notices and the worker's scans. */
@Injectable()
export class TenderProjectsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  private get projects() {
    return this.dataSource.getRepository(TenderProjectEntity);
  }

  /**
   * Code 招标 ZB + year + a number from the sequence, as the other lines' codes. A later round
   * (`round`) names the failed round it re-tenders; the unique `previous_round_id` makes it the only one.
   */
  async insert(
    manager: EntityManager,
    project: NewTenderProject,
    year: number,
    round: { round: number; previousRoundId: string | null } = { round: 1, previousRoundId: null },
  ): Promise<TenderProjectEntity> {
    const [{ n }] = (await manager.query(`SELECT nextval('tender_project_code_seq') AS n`)) as {
      n: string;
    }[];
    const repo = manager.getRepository(TenderProjectEntity);
    return repo.save(
      repo.create({
        ...project,
        id: randomUUID(),
        code: `ZB${year}${n.padStart(4, '0')}`,
        ...round,
        resumeTo: null,
        prequalificationResultOn: null,
        prequalificationPassed: null,
        announcedOn: null,
        openedAt: null,
        failedReason: null,
        suspendedAt: null,
        suspendedOn: null,
        suspensionReason: null,
        supervisorSuspension: false,
        terminationReason: null,
      }),
    );
  }

  findById(id: string): Promise<TenderProjectEntity | null> {
    return this.reads.getRepository(TenderProjectEntity).findOneBy({ id });
  }

  lockById(manager: EntityManager, id: string): Promise<TenderProjectEntity | null> {
    return manager
      .getRepository(TenderProjectEntity)
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.id = :id', { id })
      .getOne();
  }

  async update(manager: EntityManager, id: string, changes: Partial<TenderProjectEntity>): Promise<void> {
    await manager.getRepository(TenderProjectEntity).update({ id }, changes);
  }

  /**
   * Newest first; `hidden` statuses (the drafts, for the public) are filtered in the query, and
   * `announcedOnly` leaves out every tender never announced (a draft terminated stays a draft).
   */
  async list(filter: {
    status?: TenderStatus;
    hidden: TenderStatus[];
    announcedOnly?: boolean;
    limit: number;
    offset: number;
  }) {
    const where = {
      ...(filter.status !== undefined
        ? { status: filter.status }
        : filter.hidden.length > 0
          ? { status: Not(In(filter.hidden)) }
          : {}),
      ...(filter.announcedOnly ? { announcedOn: Not(IsNull()) } : {}),
    };
    const [items, total] = await this.reads.getRepository(TenderProjectEntity).findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  async insertNotice(manager: EntityManager, notice: Omit<TenderNotice, 'id'>): Promise<TenderNotice> {
    const [row] = (await manager.query(
      `INSERT INTO tender_notices (project_id, kind, summary, documents, affects_bids, published_on, published_at,
         deadline_before, deadline_after, published_by)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10) RETURNING ${NOTICE_COLUMNS}`,
      [
        notice.projectId,
        notice.kind,
        notice.summary,
        JSON.stringify(notice.documents),
        notice.affectsBids,
        notice.publishedOn,
        notice.publishedAt,
        notice.deadlineBefore,
        notice.deadlineAfter,
        notice.publishedBy,
      ],
    )) as TenderNotice[];
    return row;
  }

  noticesOf(projectId: string, manager?: EntityManager): Promise<TenderNotice[]> {
    return (manager ?? this.reads).query(
      `SELECT ${NOTICE_COLUMNS} FROM tender_notices WHERE project_id = $1 ORDER BY published_at, id`,
      [projectId],
    ) as Promise<TenderNotice[]>;
  }

  /** The round that re-tenders `projectId`, if there is one. */
  async nextRoundOf(projectId: string, manager?: EntityManager): Promise<TenderProjectEntity | null> {
    return (manager ?? this.reads.manager)
      .getRepository(TenderProjectEntity)
      .findOneBy({ previousRoundId: projectId });
  }

  /**
   * The objector's last objection to `target` still standing against the current documents: none
   * when an amendment or clarification was published after it (the documents changed since).
   */
  async objectionAgainstCurrentDocuments(
    manager: EntityManager,
    projectId: string,
    objectorId: string,
    target: TenderObjection['target'],
  ): Promise<{ id: string; filedOn: string } | null> {
    const [row] = (await manager.query(
      `SELECT o.id, to_char(o.filed_on, 'YYYY-MM-DD') AS "filedOn" FROM tender_objections o
       WHERE o.project_id = $1 AND o.objector_id = $2 AND o.target = $3
         AND NOT EXISTS (SELECT 1 FROM tender_notices n WHERE n.project_id = o.project_id AND n.published_at > o.filed_at)
         -- Candidates published again after a re-evaluation are a new target.
         AND NOT (o.target = 'candidates' AND EXISTS (SELECT 1 FROM tender_report_revisions r
                  WHERE r.project_id = o.project_id AND r.sent_back_at > o.filed_at))
       ORDER BY o.filed_at DESC LIMIT 1`,
      [projectId, objectorId, target],
    )) as { id: string; filedOn: string }[];
    return row ?? null;
  }

  async insertObjection(
    manager: EntityManager,
    objection: Pick<
      TenderObjection,
      'projectId' | 'target' | 'text' | 'documents' | 'objectorId' | 'filedAt' | 'filedOn' | 'replyDueOn'
    >,
  ): Promise<TenderObjection> {
    const [{ id }] = (await manager.query(
      `INSERT INTO tender_objections (project_id, target, text, documents, objector_id, filed_at, filed_on, reply_due_on)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8) RETURNING id`,
      [
        objection.projectId,
        objection.target,
        objection.text,
        JSON.stringify(objection.documents),
        objection.objectorId,
        objection.filedAt,
        objection.filedOn,
        objection.replyDueOn,
      ],
    )) as { id: string }[];
    return (await this.objectionOf(objection.projectId, id, manager))!;
  }

  /** Writes the reply once: a second reply finds nothing to update (answers false). */
  async replyToObjection(
    manager: EntityManager,
    objectionId: string,
    reply: {
      text: string;
      upheld: boolean;
      repliedAt: Date;
      repliedOn: string;
      repliedBy: string;
      late: boolean;
      periodEndsBefore: string | null;
      periodEndsAfter: string | null;
    },
  ): Promise<boolean> {
    const [, count] = (await manager.query(
      `UPDATE tender_objections SET reply_text = $2, upheld = $3, replied_at = $4, replied_on = $5, replied_by = $6,
         reply_late = $7, period_ends_before = $8, period_ends_after = $9
       WHERE id = $1 AND replied_at IS NULL`,
      [
        objectionId,
        reply.text,
        reply.upheld,
        reply.repliedAt,
        reply.repliedOn,
        reply.repliedBy,
        reply.late,
        reply.periodEndsBefore,
        reply.periodEndsAfter,
      ],
    )) as [unknown, number];
    return count === 1;
  }

  async objectionOf(projectId: string, objectionId: string, manager?: EntityManager) {
    const [row] = (await (manager ?? this.reads).query(
      `SELECT ${OBJECTION_COLUMNS} FROM ${OBJECTIONS_FROM} WHERE o.project_id = $1 AND o.id = $2`,
      [projectId, objectionId],
    )) as TenderObjection[];
    return row ?? null;
  }

  objectionsOf(projectId: string, manager?: EntityManager): Promise<TenderObjection[]> {
    return (manager ?? this.reads).query(
      `SELECT ${OBJECTION_COLUMNS} FROM ${OBJECTIONS_FROM} WHERE o.project_id = $1 ORDER BY o.filed_at, o.id`,
      [projectId],
    ) as Promise<TenderObjection[]>;
  }

  // --- prequalification applications (资格预审申请) -----------------------------------------------

  /** A new pending application; the unique keys refuse a second one (the caller names which). */
  async insertApplication(
    manager: EntityManager,
    application: Pick<
      PrequalificationApplication,
      'projectId' | 'applicantId' | 'organizationCode' | 'documents' | 'appliedAt' | 'appliedOn'
    >,
  ): Promise<PrequalificationApplication> {
    const [{ id }] = (await manager.query(
      `INSERT INTO tender_prequalification_applications
         (project_id, applicant_id, organization_code, documents, applied_at, applied_on)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING id`,
      [
        application.projectId,
        application.applicantId,
        application.organizationCode,
        JSON.stringify(application.documents),
        application.appliedAt,
        application.appliedOn,
      ],
    )) as { id: string }[];
    return (await this.applicationOf(application.projectId, id, manager))!;
  }

  /** Writes the decision once: a decided application finds nothing to update (answers false). */
  async decideApplication(
    manager: EntityManager,
    applicationId: string,
    decision: { status: 'passed' | 'failed'; reason: string; decidedBy: string; decidedAt: Date },
  ): Promise<boolean> {
    const [, count] = (await manager.query(
      `UPDATE tender_prequalification_applications SET status = $2, reason = $3, decided_by = $4, decided_at = $5
       WHERE id = $1 AND status = 'pending'`,
      [applicationId, decision.status, decision.reason, decision.decidedBy, decision.decidedAt],
    )) as [unknown, number];
    return count === 1;
  }

  async applicationOf(projectId: string, applicationId: string, manager?: EntityManager) {
    const [row] = (await (manager ?? this.reads).query(
      `SELECT ${APPLICATION_COLUMNS} FROM ${APPLICATIONS_FROM} WHERE a.project_id = $1 AND a.id = $2`,
      [projectId, applicationId],
    )) as PrequalificationApplication[];
    return row ?? null;
  }

  /** The applicant's own application for a project, if any. */
  async applicationOfApplicant(projectId: string, applicantId: string, manager?: EntityManager) {
    const [row] = (await (manager ?? this.reads).query(
      `SELECT ${APPLICATION_COLUMNS} FROM ${APPLICATIONS_FROM} WHERE a.project_id = $1 AND a.applicant_id = $2`,
      [projectId, applicantId],
    )) as PrequalificationApplication[];
    return row ?? null;
  }

  /** A page of a project's applications in the order they came, with the total. */
  async applicationsOf(
    projectId: string,
    page: { limit: number; offset: number } | null,
    manager?: EntityManager,
  ): Promise<{ items: PrequalificationApplication[]; total: number }> {
    const runner = manager ?? this.reads;
    const items = (await runner.query(
      `SELECT ${APPLICATION_COLUMNS} FROM ${APPLICATIONS_FROM} WHERE a.project_id = $1
       ORDER BY a.applied_at, a.id ${page ? 'LIMIT $2 OFFSET $3' : ''}`,
      page ? [projectId, page.limit, page.offset] : [projectId],
    )) as PrequalificationApplication[];
    const [{ total }] = (await runner.query(
      `SELECT count(*)::int AS total FROM tender_prequalification_applications WHERE project_id = $1`,
      [projectId],
    )) as { total: number }[];
    return { items, total };
  }

  /** How many applied, and how many of them each way so far. */
  async applicationCounts(projectId: string, manager?: EntityManager) {
    const [row] = (await (manager ?? this.reads).query(
      `SELECT count(*)::int AS applications,
              count(*) FILTER (WHERE status = 'passed')::int AS passed,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status = 'pending')::int AS pending
       FROM tender_prequalification_applications WHERE project_id = $1`,
      [projectId],
    )) as { applications: number; passed: number; failed: number; pending: number }[];
    return row;
  }

  /** The first `limit` applications still pending, in the order they came (the rest are counted). */
  async pendingApplicationIds(projectId: string, limit: number, manager?: EntityManager): Promise<string[]> {
    const rows = (await (manager ?? this.reads).query(
      `SELECT id FROM tender_prequalification_applications WHERE project_id = $1 AND status = 'pending'
       ORDER BY applied_at, id LIMIT $2`,
      [projectId, limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** A supplier's own applications, newest first, with each tender's code, title and result day. */
  async applicationsOfApplicant(applicantId: string, page: { limit: number; offset: number }) {
    const items = (await this.reads.query(
      `SELECT ${APPLICATION_COLUMNS}, p.code AS "projectCode", p.title AS "projectTitle",
              to_char(p.prequalification_result_on, 'YYYY-MM-DD') AS "resultOn"
       FROM ${APPLICATIONS_FROM} JOIN tender_projects p ON p.id = a.project_id
       WHERE a.applicant_id = $1 ORDER BY a.applied_at DESC, a.id LIMIT $2 OFFSET $3`,
      [applicantId, page.limit, page.offset],
    )) as (PrequalificationApplication & {
      projectCode: string;
      projectTitle: string;
      resultOn: string | null;
    })[];
    const [{ total }] = (await this.reads.query(
      `SELECT count(*)::int AS total FROM tender_prequalification_applications WHERE applicant_id = $1`,
      [applicantId],
    )) as { total: number }[];
    return { items, total };
  }

  /** Projects in `statuses` whose bid deadline is at or before `now`: the sweeper opens them. */
  findDeadlinePassed(statuses: TenderStatus[], now: Date): Promise<TenderProjectEntity[]> {
    return this.projects.find({
      where: { status: In(statuses), bidDeadlineAt: LessThanOrEqual(now) },
      order: { bidDeadlineAt: 'ASC', id: 'ASC' },
      take: 1000,
    });
  }

  /**
   * Projects whose bidding is due to open (the tender documents' day has come): announced
   * without prequalification, or prequalified. An announced one with prequalification never held
   * it and is not due (tenders.service.ts awaitsBidding).
   */
  findBiddingDue(today: string): Promise<TenderProjectEntity[]> {
    const issued = LessThanOrEqual(today);
    return this.projects.find({
      where: [
        { status: 'prequalified', documentsIssuedOn: issued },
        { status: 'announced', applicationsDueOn: IsNull(), documentsIssuedOn: issued },
      ],
      order: { id: 'ASC' },
      take: 1000,
    });
  }

  /** A page of the projects in `statuses`, in id order after `afterId` (the worker's rebuild). */
  findPage(statuses: TenderStatus[], afterId: string | null, limit: number): Promise<TenderProjectEntity[]> {
    return this.projects.find({
      where: { status: In(statuses), ...(afterId ? { id: MoreThan(afterId) } : {}) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /** The database's clock: the one every instance shares (inside `manager`'s transaction, if given). */
  async databaseNow(manager?: EntityManager): Promise<Date> {
    const rows = (await (manager ?? this.dataSource).query('SELECT clock_timestamp() AS now')) as {
      now: Date;
    }[];
    return rows[0].now;
  }
}
