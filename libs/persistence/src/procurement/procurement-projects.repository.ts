import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  DataSource,
  type EntityManager,
  In,
  IsNull,
  LessThan,
  LessThanOrEqual,
  MoreThan,
  Not,
} from 'typeorm';
import type { ProcurementMethod, ProcurementStatus } from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';
import { type ProcurementNotice, ProcurementProjectEntity } from './procurement-project.entity.js';

export type NewProcurementProject = Omit<
  ProcurementProjectEntity,
  | 'id'
  | 'code'
  | 'round'
  | 'previousRoundId'
  | 'replanApprovalReference'
  | 'resumeTo'
  | 'announcedOn'
  | 'publicisedOn'
  | 'invitationDraw'
  | 'openedAt'
  | 'failedReason'
  | 'suspendedAt'
  | 'suspendedOn'
  | 'suspensionReason'
  | 'suspensionComplaintId'
  | 'terminationReason'
  | 'createdAt'
  | 'updatedAt'
>;

const NOTICE_COLUMNS = `id, project_id AS "projectId", kind, summary, documents, affects_responses AS "affectsResponses",
  to_char(published_on, 'YYYY-MM-DD') AS "publishedOn", published_at AS "publishedAt",
  to_char(deadline_before, 'YYYY-MM-DD') AS "deadlineBefore", to_char(deadline_after, 'YYYY-MM-DD') AS "deadlineAfter",
  published_by AS "publishedBy"`;

/** Procurement projects: the rows, their locks, the public list, notices and the worker's scans. */
@Injectable()
export class ProcurementProjectsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  private get projects() {
    return this.dataSource.getRepository(ProcurementProjectEntity);
  }

  /**
   * Code 采购 CG + year + a number from the sequence, as the other lines' codes. A re-planned
   * project (`round`) names the failed one it follows; the unique `previous_round_id` makes it the only one.
   */
  async insert(
    manager: EntityManager,
    project: NewProcurementProject,
    year: number,
    round: { round: number; previousRoundId: string | null; replanApprovalReference: string | null } = {
      round: 1,
      previousRoundId: null,
      replanApprovalReference: null,
    },
  ): Promise<ProcurementProjectEntity> {
    const [{ n }] = (await manager.query(`SELECT nextval('procurement_project_code_seq') AS n`)) as {
      n: string;
    }[];
    const repo = manager.getRepository(ProcurementProjectEntity);
    return repo.save(
      repo.create({
        ...project,
        id: randomUUID(),
        code: `CG${year}${n.padStart(4, '0')}`,
        ...round,
        resumeTo: null,
        announcedOn: null,
        publicisedOn: null,
        invitationDraw: null,
        openedAt: null,
        failedReason: null,
        suspendedAt: null,
        suspendedOn: null,
        suspensionReason: null,
        terminationReason: null,
      }),
    );
  }

  /** The project that re-plans this failed one, if any. */
  async nextRoundOf(projectId: string, manager?: EntityManager): Promise<ProcurementProjectEntity | null> {
    return (manager ?? this.reads.manager)
      .getRepository(ProcurementProjectEntity)
      .findOneBy({ previousRoundId: projectId });
  }

  findById(id: string): Promise<ProcurementProjectEntity | null> {
    return this.reads.getRepository(ProcurementProjectEntity).findOneBy({ id });
  }

  lockById(manager: EntityManager, id: string): Promise<ProcurementProjectEntity | null> {
    return manager
      .getRepository(ProcurementProjectEntity)
      .createQueryBuilder('p')
      .setLock('pessimistic_write')
      .where('p.id = :id', { id })
      .getOne();
  }

  async update(
    manager: EntityManager,
    id: string,
    changes: Partial<ProcurementProjectEntity>,
  ): Promise<void> {
    await manager.getRepository(ProcurementProjectEntity).update({ id }, changes);
  }

  /**
   * Newest first; `hidden` statuses (the drafts, for the public) are filtered in the query, and
   * `announcedOnly` leaves out every project never announced nor publicised (a draft terminated).
   */
  async list(filter: {
    status?: ProcurementStatus;
    method?: ProcurementMethod;
    hidden: ProcurementStatus[];
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
      ...(filter.method !== undefined ? { method: filter.method } : {}),
    };
    const [items, total] = await this.reads.getRepository(ProcurementProjectEntity).findAndCount({
      where: filter.announcedOnly
        ? [
            { ...where, announcedOn: Not(IsNull()) },
            { ...where, publicisedOn: Not(IsNull()) },
          ]
        : where,
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  async insertNotice(
    manager: EntityManager,
    notice: Omit<ProcurementNotice, 'id'>,
  ): Promise<ProcurementNotice> {
    const [row] = (await manager.query(
      `INSERT INTO procurement_notices (project_id, kind, summary, documents, affects_responses, published_on, published_at,
         deadline_before, deadline_after, published_by)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10) RETURNING ${NOTICE_COLUMNS}`,
      [
        notice.projectId,
        notice.kind,
        notice.summary,
        JSON.stringify(notice.documents),
        notice.affectsResponses,
        notice.publishedOn,
        notice.publishedAt,
        notice.deadlineBefore,
        notice.deadlineAfter,
        notice.publishedBy,
      ],
    )) as ProcurementNotice[];
    return row;
  }

  noticesOf(projectId: string, manager?: EntityManager): Promise<ProcurementNotice[]> {
    return (manager ?? this.reads).query(
      `SELECT ${NOTICE_COLUMNS} FROM procurement_notices WHERE project_id = $1 ORDER BY published_at, id`,
      [projectId],
    ) as Promise<ProcurementNotice[]>;
  }

  /** Projects in `statuses` whose response deadline is at or before `now`: the sweeper opens them. */
  findDeadlinePassed(statuses: ProcurementStatus[], now: Date): Promise<ProcurementProjectEntity[]> {
    return this.projects.find({
      where: { status: In(statuses), responseDeadlineAt: LessThanOrEqual(now) },
      order: { responseDeadlineAt: 'ASC', id: 'ASC' },
      take: 1000,
    });
  }

  /** Suspended projects whose suspension began before `day`: past the cap (政府采购法 第57条). */
  async findSuspendedBefore(day: string): Promise<string[]> {
    const projects = await this.projects.find({
      select: { id: true },
      where: { status: 'suspended', suspendedOn: LessThan(day) },
      order: { id: 'ASC' },
      take: 1000,
    });
    return projects.map((project) => project.id);
  }

  /** Projects in `statuses` whose documents are issued by `today`: responses open for them. */
  findDocumentsIssued(statuses: ProcurementStatus[], today: string): Promise<ProcurementProjectEntity[]> {
    return this.projects.find({
      where: { status: In(statuses), documentsIssuedOn: LessThanOrEqual(today) },
      order: { id: 'ASC' },
      take: 1000,
    });
  }

  /** A page of the projects in `statuses`, in id order after `afterId` (the worker's rebuild). */
  findPage(
    statuses: ProcurementStatus[],
    afterId: string | null,
    limit: number,
  ): Promise<ProcurementProjectEntity[]> {
    return this.projects.find({
      where: { status: In(statuses), ...(afterId ? { id: MoreThan(afterId) } : {}) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /** The bidder ids of the project's qualified suppliers: what an invited tender's draw picks from. */
  async qualifiedSupplierIds(manager: EntityManager, projectId: string): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT bidder_id AS "bidderId" FROM registrations
        WHERE host_type = 'procurement_project' AND host_id = $1 AND status = 'qualified'`,
      [projectId],
    )) as { bidderId: string }[];
    return rows.map((row) => row.bidderId);
  }

  /** The database's clock: the one every instance shares (inside `manager`'s transaction, if given). */
  async databaseNow(manager?: EntityManager): Promise<Date> {
    const rows = (await (manager ?? this.dataSource).query('SELECT clock_timestamp() AS now')) as {
      now: Date;
    }[];
    return rows[0].now;
  }
}
