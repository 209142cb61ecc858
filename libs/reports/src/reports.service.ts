import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  calendarDateInZone,
  DomainError,
  periodProblem,
  periodsEndedBefore,
  type ReportGrouping,
  type ReportKind,
  type ReportResult,
  zonedDateRange,
} from '@ggzy/domain';
import { DealsRepository, type ReportEntity, ReportsRepository } from '@ggzy/persistence';
import { ReportQueue } from '@ggzy/queues';
import { BuildSlots } from './build-slots.js';
import { ReportBuilder } from './report-builder.js';
import { renderCsv } from './exports/csv.js';
import { renderXlsx } from './exports/xlsx.js';
import { renderPdf } from './exports/pdf.js';

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

/** Reports one person may have queued or running at once: the queue is shared by everyone. */
export const MAX_ACTIVE_REPORTS_PER_USER = 5;

/** Deals listed in an export: beyond this the sheet says how many were left out. */
export const EXPORT_DEAL_LIMIT = 50_000;

export interface ReportView {
  id: string;
  kind: ReportKind;
  from: string;
  to: string;
  groupBy: ReportGrouping;
  status: ReportEntity['status'];
  progress: number;
  reason?: string;
  result?: ReportResult;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export function reportView(report: ReportEntity): ReportView {
  return {
    id: report.id,
    kind: report.kind,
    from: report.from,
    to: report.to,
    groupBy: report.groupBy,
    status: report.status,
    progress: report.progress,
    ...(report.status === 'failed' ? { reason: report.error ?? 'failed' } : {}),
    ...(report.result ? { result: report.result } : {}),
    createdAt: report.createdAt.toISOString(),
    startedAt: report.startedAt?.toISOString() ?? null,
    finishedAt: report.finishedAt?.toISOString() ?? null,
  };
}

/** Public figures are kept this long, so anonymous callers cannot make every request a full scan. */
const STATISTICS_TTL_MS = 60_000;
/** A period whose figures broke a rule (a sum past 2^53) breaks it again: that failure is kept this long. */
const STATISTICS_FAILURE_TTL_MS = 10_000;
const STATISTICS_CACHE_SIZE = 200;
/**
 * Statistics builds at once for the whole api, whoever asks: each new period is a scan, and
 * anonymous callers choose the periods. Two keep the staff's own reports responsive.
 */
export const STATISTICS_BUILDS_AT_ONCE = 2;
const STATISTICS_MAX_WAITING = 8;
const STATISTICS_MAX_WAIT_MS = 2_000;

type Statistics = Pick<
  ReportResult,
  'from' | 'to' | 'period' | 'total' | 'categories' | 'series' | 'summary'
>;

/** Reports as jobs: requests, views, exports, public statistics and the scheduled periods. */
@Injectable()
export class ReportsService {
  private readonly statisticsCache = new Map<string, { expiresAt: number; value: Promise<Statistics> }>();
  private readonly statisticsBuilds = new BuildSlots(
    STATISTICS_BUILDS_AT_ONCE,
    STATISTICS_MAX_WAITING,
    STATISTICS_MAX_WAIT_MS,
  );

  constructor(
    private readonly reports: ReportsRepository,
    private readonly deals: DealsRepository,
    private readonly builder: ReportBuilder,
    private readonly queue: ReportQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static checkPeriod(from: string, to: string): void {
    const problem = periodProblem(from, to);
    if (problem) throw new DomainError(problem.code, problem.message);
  }

  /** Queues a build, or returns the identical one already queued or running. */
  async request(input: {
    from: string;
    to: string;
    groupBy?: ReportGrouping;
    requestedBy: string | null;
  }): Promise<ReportView> {
    ReportsService.checkPeriod(input.from, input.to);
    const request = {
      kind: 'on_demand' as const,
      from: input.from,
      to: input.to,
      groupBy: input.groupBy ?? 'month',
    };
    const outcome =
      input.requestedBy === null
        ? await this.reports.request({ ...request, requestedBy: null })
        : await this.reports.requestLimited(
            { ...request, requestedBy: input.requestedBy },
            MAX_ACTIVE_REPORTS_PER_USER,
          );
    if (outcome === 'limited') {
      throw new DomainError(
        'RATE_LIMITED',
        `at most ${MAX_ACTIVE_REPORTS_PER_USER} of your reports may be queued or running; wait for one to finish`,
        { limit: MAX_ACTIVE_REPORTS_PER_USER, retryAfterSeconds: 5 },
      );
    }
    const report = outcome!.report;
    // Also when shared: the job may have been lost with a flushed Redis; its id makes this a no-op.
    await this.queue.enqueueBuild(report.id);
    return reportView(report);
  }

  /** The periods that ended before `asOf` (CENTRE_TZ), each queued once. */
  async queueScheduled(asOf: Date): Promise<string[]> {
    const today = calendarDateInZone(asOf, this.config.CENTRE_TZ);
    const queued: string[] = [];
    for (const period of periodsEndedBefore(today)) {
      const outcome = await this.reports.request({ ...period, groupBy: 'month', requestedBy: null });
      if (outcome) {
        await this.queue.enqueueBuild(outcome.report.id);
        queued.push(outcome.report.id);
      }
    }
    return queued;
  }

  async get(id: string): Promise<ReportView> {
    return reportView(await this.find(id));
  }

  private async find(id: string): Promise<ReportEntity> {
    const report = await this.reports.findById(id);
    if (!report) throw new DomainError('REPORT_NOT_FOUND', 'no such report');
    return report;
  }

  async list(filter: { kind?: ReportKind; limit: number; offset: number }) {
    const { items, total } = await this.reports.list(filter);
    return { items: items.map(reportView), total };
  }

  /** Public: counts, amounts and the sentence, from deal records only (at most a minute old). */
  async statistics(from: string | undefined, to: string | undefined): Promise<Statistics> {
    const today = calendarDateInZone(new Date(), this.config.CENTRE_TZ);
    const period = { from: from ?? `${today.slice(0, 4)}-01-01`, to: to ?? today };
    ReportsService.checkPeriod(period.from, period.to);
    const key = `${period.from}/${period.to}`;
    const cached = this.statisticsCache.get(key);
    if (cached && Date.now() < cached.expiresAt) return cached.value;
    const value = this.statisticsBuilds.run(() => this.computeStatistics(period));
    const entry = { expiresAt: Date.now() + STATISTICS_TTL_MS, value };
    // Identical concurrent callers share one computation. A rule's failure (a sum past 2^53) is
    // the same next time, so it is kept briefly and asking again is not another scan; "too busy"
    // and infrastructure failures (a lost connection) are not about the period and are not kept.
    value.catch((error: unknown) => {
      if (this.statisticsCache.get(key) !== entry) return;
      if (error instanceof DomainError && error.code !== 'RATE_LIMITED')
        entry.expiresAt = Math.min(entry.expiresAt, Date.now() + STATISTICS_FAILURE_TTL_MS);
      else this.statisticsCache.delete(key);
    });
    this.statisticsCache.delete(key);
    this.statisticsCache.set(key, entry);
    if (this.statisticsCache.size > STATISTICS_CACHE_SIZE) {
      this.statisticsCache.delete(this.statisticsCache.keys().next().value!);
    }
    return value;
  }

  private async computeStatistics(period: { from: string; to: string }): Promise<Statistics> {
    const result = await this.builder.build({ ...period, groupBy: 'month' });
    return {
      from: result.from,
      to: result.to,
      period: result.period,
      total: result.total,
      categories: result.categories,
      series: result.series,
      summary: result.summary,
    };
  }

  async export(id: string, format: string): Promise<{ body: Buffer; contentType: string; fileName: string }> {
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new DomainError('UNKNOWN_FORMAT', `format is one of ${EXPORT_FORMATS.join(', ')}`);
    }
    const report = await this.find(id);
    if (report.status !== 'done' || !report.result) {
      throw new DomainError('REPORT_NOT_READY', `the report is ${report.status}`, {
        status: report.status,
        progress: report.progress,
      });
    }
    const result = report.result;
    let body: Buffer;
    if (format === 'csv') body = renderCsv(result);
    else if (format === 'xlsx') {
      const range = zonedDateRange(result.from, result.to, this.config.CENTRE_TZ);
      const deals = await this.deals.listForExport(range.start, range.end, EXPORT_DEAL_LIMIT + 1);
      body = await renderXlsx(result, deals.slice(0, EXPORT_DEAL_LIMIT), {
        timeZone: this.config.CENTRE_TZ,
        omitted: Math.max(0, result.total.count - EXPORT_DEAL_LIMIT),
      });
    } else body = await renderPdf(result);
    this.logger.info({ reportId: id, format, bytes: body.length }, 'report exported');
    return {
      body,
      contentType: CONTENT_TYPES[format as ExportFormat],
      fileName: `report-${result.from}-${result.to}.${format}`,
    };
  }
}
