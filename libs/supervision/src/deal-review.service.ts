import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  type DealCategory,
  DomainError,
  isCalendarDate,
  isSupportedDate,
  startOfDayInZone,
  SUPPORTED_YEARS,
  zonedDateRange,
} from '@ggzy/domain';
import {
  type DealReviewFilter,
  DealReviewRepository,
  FeesRepository,
  type ReviewedDeal,
} from '@ggzy/persistence';
import { renderDealListCsv, renderDealListXlsx } from '@ggzy/reports';
import { toDealFeeView } from './fees.service.js';

/** The filters as a supervisor sends them: days in CENTRE_TZ, amounts in fen. */
export interface DealReviewQuery {
  category?: DealCategory;
  subtype?: string;
  from?: string;
  to?: string;
  party?: string;
  minAmount?: number;
  maxAmount?: number;
}

/** An export holds at most this many deals (newest first); the file says when more matched. */
export const DEAL_EXPORT_MAX_ROWS = 10_000;

/**
 * The review of deal records (成交记录审查, issue 10): supervisors filter every deal, read one's
 * whole story on one read, and export what they filtered. It reads through persistence only —
 * supervision imports no business line.
 */
@Injectable()
export class DealReviewService {
  constructor(
    private readonly review: DealReviewRepository,
    private readonly fees: FeesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(query: DealReviewQuery, page: { limit: number; offset: number }) {
    const { items, total } = await this.review.list(this.filterOf(query), page);
    return { items: items.map(toReviewedDealView), total };
  }

  /**
   * The deal and the process it concluded: announcement, registrations, deposits, the bid ledger
   * or the opening record, committee draws with their seeds, evaluation, award and contract, the
   * fee, and the audit trail of all of them (DealReviewRepository.STORY_SECTIONS adds the rest).
   */
  async story(dealId: string) {
    const deal = await this.review.findDeal(dealId);
    if (!deal) throw new DomainError('DEAL_NOT_FOUND', 'no such deal');
    const process = await this.review.processOf(deal);
    const story = process ? await this.review.story(process) : {};
    const fee = await this.fees.findForDeal(deal.id);
    const ids = new Set<string>([deal.id]);
    if (deal.sourceId) ids.add(deal.sourceId);
    if (process) ids.add(process.hostId);
    for (const section of [
      'registrations',
      'deposits',
      'committeeDraws',
      'onSiteAuctions',
      'callOffs',
      'complaints',
    ])
      for (const row of (story[section] as { id?: string }[] | null | undefined) ?? [])
        if (row.id) ids.add(row.id);
    return {
      deal: toReviewedDealView(deal),
      process,
      ...story,
      fee: fee ? toDealFeeView(fee) : null,
      auditTrail: await this.review.trail([...ids]),
    };
  }

  async export(query: DealReviewQuery, format: string) {
    if (format !== 'csv' && format !== 'xlsx')
      throw new DomainError('UNKNOWN_FORMAT', 'format is one of csv, xlsx');
    const { items, total } = await this.review.list(this.filterOf(query), {
      limit: DEAL_EXPORT_MAX_ROWS,
      offset: 0,
    });
    const note =
      total > items.length
        ? `另有 ${total - items.length} 条成交记录未列出(每次导出至多 ${DEAL_EXPORT_MAX_ROWS} 条)`
        : undefined;
    const tz = this.config.CENTRE_TZ;
    return format === 'csv'
      ? {
          body: renderDealListCsv(items, tz, note),
          contentType: 'text/csv; charset=utf-8',
          fileName: 'deals.csv',
        }
      : {
          body: await renderDealListXlsx(items, tz, note),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          fileName: 'deals.xlsx',
        };
  }

  private filterOf(query: DealReviewQuery): DealReviewFilter {
    for (const field of ['from', 'to'] as const) {
      const value = query[field];
      if (value !== undefined && (!isCalendarDate(value) || !isSupportedDate(value)))
        throw new DomainError(
          'VALIDATION_FAILED',
          `${field} is a date YYYY-MM-DD within ${SUPPORTED_YEARS.first}–${SUPPORTED_YEARS.last}`,
          [{ field, problems: [`${field} must be a date YYYY-MM-DD`] }],
        );
    }
    if (query.from && query.to && query.from > query.to)
      throw new DomainError('VALIDATION_FAILED', 'from is after to', [
        { field: 'to', problems: ['on or after from'] },
      ]);
    if (query.minAmount !== undefined && query.maxAmount !== undefined && query.minAmount > query.maxAmount)
      throw new DomainError('VALIDATION_FAILED', 'minAmount is above maxAmount', [
        { field: 'maxAmount', problems: ['at least minAmount'] },
      ]);
    const tz = this.config.CENTRE_TZ;
    return {
      category: query.category,
      subtype: query.subtype,
      from: query.from ? startOfDayInZone(query.from, tz) : undefined,
      to: query.to ? zonedDateRange(query.to, query.to, tz).end : undefined,
      party: query.party?.trim() || undefined,
      minAmount: query.minAmount,
      maxAmount: query.maxAmount,
    };
  }
}

export function toReviewedDealView(deal: ReviewedDeal) {
  return {
    id: deal.id,
    category: deal.category,
    subtype: deal.subtype,
    sourceType: deal.sourceType,
    sourceId: deal.sourceId,
    title: deal.title,
    amount: deal.amount,
    fee: deal.fee,
    winner: deal.winnerName,
    winnerId: deal.winnerId,
    closedAt: new Date(deal.closedAt).toISOString(),
    externalRef: deal.externalRef,
  };
}
