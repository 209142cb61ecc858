import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type ReportAction,
  type ReportGrouping,
  type ReportKind,
  type ReportResult,
  reportStatusesAllowing,
  nextReportStatus,
  type ReportStatus,
} from '@ggzy/domain';
import { ReportEntity } from './report.entity.js';

export interface ReportRequest {
  kind: ReportKind;
  from: string;
  to: string;
  groupBy: ReportGrouping;
  requestedBy: string | null;
}

const INSERT_SQL = `
  INSERT INTO reports (kind, period_from, period_to, group_by, status, requested_by)
  VALUES ($1, $2, $3, $4, 'queued', $5)
  ON CONFLICT DO NOTHING
  RETURNING id`;

const ACTIVE_SQL = `
  SELECT id FROM reports
  WHERE kind = $1 AND period_from = $2 AND period_to = $3 AND group_by = $4 AND status IN ('queued','running')`;

@Injectable()
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get reports() {
    return this.dataSource.getRepository(ReportEntity);
  }

  /**
   * A new queued report, or the one already queued or running for the same request (the
   * partial unique index decides between racing requests). `created` says which.
   * Scheduled kinds are built once per period: a second request returns undefined.
   */
  async request(request: ReportRequest): Promise<{ report: ReportEntity; created: boolean } | undefined> {
    const params = [request.kind, request.from, request.to, request.groupBy];
    // The loop covers the moment an active report finishes between the insert and the read.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const inserted = (await this.dataSource.query(INSERT_SQL, [...params, request.requestedBy])) as {
        id: string;
      }[];
      if (inserted.length) return { report: (await this.findById(inserted[0].id))!, created: true };
      const [active] = (await this.dataSource.query(ACTIVE_SQL, params)) as { id: string }[];
      if (active) {
        const report = await this.findById(active.id);
        if (report) return { report, created: false };
      } else if (request.kind !== 'on_demand') {
        return undefined;
      }
    }
    throw new Error('could not queue the report: it kept finishing under us');
  }

  /**
   * As request, for one requester who may have at most `maxActive` reports queued or running:
   * 'limited' when a new one would pass that. An identical active request is shared, never
   * limited. The requester's advisory lock makes the count and the insert one step, so parallel
   * requests cannot all slip under the limit.
   */
  async requestLimited(
    request: ReportRequest & { requestedBy: string },
    maxActive: number,
  ): Promise<{ report: ReportEntity; created: boolean } | 'limited'> {
    const params = [request.kind, request.from, request.to, request.groupBy];
    const outcome = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('reports:requested_by:' || $1))`, [
        request.requestedBy,
      ]);
      const [active] = (await manager.query(ACTIVE_SQL, params)) as { id: string }[];
      if (active) return { id: active.id, created: false };
      const [{ n }] = (await manager.query(
        `SELECT count(*)::int AS n FROM reports WHERE requested_by = $1 AND status IN ('queued','running')`,
        [request.requestedBy],
      )) as { n: number }[];
      if (n >= maxActive) return 'limited' as const;
      const inserted = (await manager.query(INSERT_SQL, [...params, request.requestedBy])) as {
        id: string;
      }[];
      return inserted.length ? { id: inserted[0].id, created: true } : undefined;
    });
    if (outcome === 'limited') return outcome;
    // Undefined: another requester's identical report won the race; share it as request does.
    if (!outcome) return (await this.request(request))!;
    return { report: (await this.findById(outcome.id))!, created: outcome.created };
  }

  findById(id: string): Promise<ReportEntity | null> {
    return this.reports.findOneBy({ id });
  }

  async list(filter: { kind?: ReportKind; limit: number; offset: number }) {
    const [items, total] = await this.reports.findAndCount({
      where: filter.kind ? { kind: filter.kind } : {},
      order: { createdAt: 'DESC', id: 'ASC' },
      take: filter.limit,
      skip: filter.offset,
      select: {
        id: true,
        kind: true,
        from: true,
        to: true,
        groupBy: true,
        status: true,
        progress: true,
        error: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
      },
    });
    return { items, total };
  }

  /** Reports a worker still owes: rebuilt into jobs when a worker starts or the queue was lost. */
  async findUnfinished(): Promise<{ id: string }[]> {
    return this.dataSource.query(
      `SELECT id FROM reports WHERE status IN ('queued','running') ORDER BY created_at`,
    );
  }

  /** Applies the lifecycle's transition; false when the report is not in a status the action allows. */
  private async transition(
    id: string,
    action: ReportAction,
    set: string,
    values: unknown[],
  ): Promise<boolean> {
    const from = reportStatusesAllowing(action);
    const targets = new Set(from.map((status) => nextReportStatus(status, action)));
    if (targets.size !== 1) throw new Error(`action ${action} has more than one target status`);
    const [to] = targets as Set<ReportStatus>;
    const result = (await this.dataSource.query(
      `UPDATE reports SET status = $2, ${set} WHERE id = $1 AND status = ANY($3) RETURNING id`,
      [id, to, from, ...values],
    )) as [unknown[], number];
    return result[1] > 0;
  }

  start(id: string): Promise<boolean> {
    return this.transition(id, 'start', 'progress = 0, started_at = now()', []);
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.dataSource.query(`UPDATE reports SET progress = $2 WHERE id = $1 AND status = 'running'`, [
      id,
      Math.max(0, Math.min(100, Math.round(progress))),
    ]);
  }

  finish(id: string, result: ReportResult): Promise<boolean> {
    return this.transition(id, 'finish', 'progress = 100, result = $4, finished_at = now()', [
      JSON.stringify(result),
    ]);
  }

  fail(id: string, reason: string): Promise<boolean> {
    return this.transition(id, 'fail', 'error = $4, finished_at = now()', [reason]);
  }
}
