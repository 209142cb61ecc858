import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  DomainError,
  isCalendarDate,
  isSupportedDate,
  startOfDayInZone,
  SUPPORTED_YEARS,
  zonedDateRange,
} from '@ggzy/domain';
import {
  type AnnouncementKind,
  type AnnouncementLine,
  decodeAnnouncementCursor,
  encodeAnnouncementCursor,
  PublicAnnouncementsRepository,
} from '@ggzy/persistence';
import { atomFeed, toAnnouncementView, toPublicDealView } from './disclosure.views.js';

/** The newest announcements the Atom feed carries. */
export const FEED_SIZE = 50;

export interface AnnouncementQuery {
  q?: string;
  line?: AnnouncementLine;
  kind?: AnnouncementKind;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
  /** Keyset paging: the `nextCursor` of the page before (offset must then be 0). */
  cursor?: string;
}

/**
 * The public disclosure (公开), no sign-in: every line's announcements, the feed of the newest, and
 * the deals' public fields. It reads the announcements table the database writes as the lines
 * publish (no line lib is imported) and publishes nothing a line keeps private.
 */
@Injectable()
export class DisclosureService {
  constructor(
    private readonly announcements: PublicAnnouncementsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A page of announcements, newest first: by `offset`, or after the page before (`cursor`, its
   * `nextCursor`), which costs the same at any depth. `nextCursor` is null on the last page.
   */
  async list(query: AnnouncementQuery) {
    const after = query.cursor === undefined ? undefined : decodeAnnouncementCursor(query.cursor);
    if (after === null)
      throw new DomainError('VALIDATION_FAILED', 'cursor is not one this list gave', [
        { field: 'cursor', rule: 'the nextCursor of an earlier page' },
      ]);
    if (after && query.offset > 0)
      throw new DomainError('VALIDATION_FAILED', 'a cursor pages by itself', [
        { field: 'offset', rule: '0 (or absent) with a cursor' },
      ]);
    const { items, total, next } = await this.announcements.list({
      q: query.q,
      line: query.line,
      kind: query.kind,
      ...this.period(query.from, query.to),
      limit: query.limit,
      offset: query.offset,
      after,
    });
    return {
      items: items.map(toAnnouncementView),
      total,
      nextCursor: next ? encodeAnnouncementCursor(next) : null,
    };
  }

  async get(id: string) {
    const row = await this.announcements.findById(id);
    if (!row) throw new DomainError('ANNOUNCEMENT_NOT_FOUND', 'no such announcement');
    return toAnnouncementView(row);
  }

  /** The Atom 1.0 feed of the newest announcements; `requestOrigin` when PUBLIC_SITE_URL is unset. */
  async feed(requestOrigin: string): Promise<string> {
    const { items } = await this.announcements.list({ limit: FEED_SIZE, offset: 0, count: false });
    return atomFeed(items.map(toAnnouncementView), {
      baseUrl: this.config.PUBLIC_SITE_URL ?? requestOrigin,
      title: `${this.config.CENTRE_NAME} 交易公告`,
      generatedAt: new Date(),
    });
  }

  async deals(query: { category?: string; from?: string; to?: string; limit: number; offset: number }) {
    const { items, total } = await this.announcements.listDeals({
      category: query.category,
      ...this.period(query.from, query.to),
      limit: query.limit,
      offset: query.offset,
    });
    return { items: items.map(toPublicDealView), total };
  }

  /** Inclusive calendar days in CENTRE_TZ → the half-open instants [from 00:00, day after `to`). */
  private period(from: string | undefined, to: string | undefined): { from?: Date; to?: Date } {
    for (const [field, value] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (value !== undefined && (!isCalendarDate(value) || !isSupportedDate(value)))
        throw new DomainError('VALIDATION_FAILED', `${field} is not a calendar date`, [
          { field, rule: `a calendar date YYYY-MM-DD in ${SUPPORTED_YEARS.first}–${SUPPORTED_YEARS.last}` },
        ]);
    }
    if (from && to && from > to)
      throw new DomainError('VALIDATION_FAILED', 'from is after to', [
        { field: 'from', rule: 'on or before to' },
      ]);
    const tz = this.config.CENTRE_TZ;
    return {
      ...(from ? { from: startOfDayInZone(from, tz) } : {}),
      ...(to ? { to: zonedDateRange(to, to, tz).end } : {}),
    };
  }
}
