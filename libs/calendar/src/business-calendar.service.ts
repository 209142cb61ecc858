import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '@ggzy/common';
import { BusinessCalendar, type CalendarYear, calendarYearProblems, DomainError } from '@ggzy/domain';
import { AuditLogRepository, BusinessCalendarRepository, type StoredCalendarYear } from '@ggzy/persistence';

export interface CalendarYearView extends CalendarYear {
  source: string;
  updatedAt: string;
}

function toView(year: StoredCalendarYear): CalendarYearView {
  return {
    year: year.year,
    holidays: year.holidays,
    workdays: year.workdays,
    source: year.source,
    updatedAt: year.updatedAt.toISOString(),
  };
}

/**
 * The one business-day calendar every line counts its deadlines with. It is read from the
 * database at each use (a handful of rows), so an edit in the api is what the worker counts with
 * next, with no cache to go stale between processes; inside one transaction it is read once (a
 * batch of closes settles many auctions' deposits with it).
 */
@Injectable()
export class BusinessCalendarService {
  private readonly perTransaction = new WeakMap<EntityManager, Promise<BusinessCalendar>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly years: BusinessCalendarRepository,
    private readonly audit: AuditLogRepository,
    private readonly clock: Clock,
  ) {}

  /** Inside a transaction, pass its manager: the calendar is then read once for the transaction. */
  async calendar(manager?: EntityManager): Promise<BusinessCalendar> {
    // Only a transaction's manager has its own query runner; the data source's is shared by all.
    if (!manager?.queryRunner) return new BusinessCalendar(await this.years.all(manager));
    let calendar = this.perTransaction.get(manager);
    if (!calendar) {
      calendar = this.years.all(manager).then((years) => new BusinessCalendar(years));
      this.perTransaction.set(manager, calendar);
      calendar.catch(() => this.perTransaction.delete(manager));
    }
    return calendar;
  }

  async listYears(): Promise<{ items: CalendarYearView[]; total: number }> {
    const items = (await this.years.all()).map(toView);
    return { items, total: items.length };
  }

  async year(year: number): Promise<CalendarYearView> {
    const found = await this.years.find(year);
    if (!found)
      throw new DomainError('CALENDAR_YEAR_MISSING', `no business-day calendar for ${year}`, { year });
    return toView(found);
  }

  /** The date `businessDays` business days after `from`, as every statutory period counts it. */
  async deadline(
    from: string,
    businessDays: number,
  ): Promise<{ from: string; businessDays: number; date: string }> {
    return { from, businessDays, date: (await this.calendar()).addBusinessDays(from, businessDays) };
  }

  /** Adds or replaces a year; the change (before and after) goes into the audit trail. */
  async saveYear(input: CalendarYear, actorId: string): Promise<CalendarYearView> {
    const year: CalendarYear = {
      year: input.year,
      holidays: [...input.holidays].sort(),
      workdays: [...input.workdays].sort(),
    };
    const problems = calendarYearProblems(year);
    if (problems.length > 0) {
      throw new DomainError(
        'CALENDAR_INVALID',
        `the calendar for ${input.year} has ${problems.length} problem(s)`,
        {
          problems,
        },
      );
    }
    await this.dataSource.transaction(async (manager) => {
      const before = await this.years.lock(manager, year.year);
      await this.years.save(manager, year, 'entered by staff', actorId);
      await this.audit.append(manager, {
        at: this.clock.now(),
        actorId,
        action: before ? 'calendar.year_changed' : 'calendar.year_added',
        entityType: 'business_calendar',
        entityId: String(year.year),
        data: {
          holidays: year.holidays,
          workdays: year.workdays,
          ...(before ? { before: { holidays: before.holidays, workdays: before.workdays } } : {}),
        },
      });
    });
    return this.year(year.year);
  }
}
