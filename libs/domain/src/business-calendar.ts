import { DomainError } from './errors.js';
import { isCalendarDate } from './calendar.js';

/**
 * Business days (工作日): weekdays, minus the public holidays, plus the make-up working days
 * (调休) the State Council announces for each year. One calendar serves every deadline counted
 * in business days; a deadline that needs a year nobody has entered is refused, never guessed.
 */
export interface CalendarYear {
  year: number;
  /** Days off by the year's notice (weekends inside a holiday may be listed too). */
  holidays: string[];
  /** Weekend days that are working days (调休上班). */
  workdays: string[];
}

export const FIRST_CALENDAR_YEAR = 2000;
export const LAST_CALENDAR_YEAR = 2100;

const yearOf = (date: string) => Number(date.slice(0, 4));

function dayOfWeek(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const isWeekend = (date: string) => {
  const day = dayOfWeek(date);
  return day === 0 || day === 6;
};

/** The calendar date `days` days after `date` (negative: before). */
export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Checks a year as staff enter it; the problems come back as a list (each with the date and
 * what is wrong), so a form can show them all at once.
 */
export function calendarYearProblems(
  input: CalendarYear,
): { field: string; date?: string; problem: string }[] {
  const problems: { field: string; date?: string; problem: string }[] = [];
  if (!Number.isInteger(input.year) || input.year < FIRST_CALENDAR_YEAR || input.year > LAST_CALENDAR_YEAR) {
    problems.push({ field: 'year', problem: `a year from ${FIRST_CALENDAR_YEAR} to ${LAST_CALENDAR_YEAR}` });
    return problems;
  }
  for (const field of ['holidays', 'workdays'] as const) {
    const seen = new Set<string>();
    for (const date of input[field]) {
      if (typeof date !== 'string' || !isCalendarDate(date))
        problems.push({ field, date, problem: 'not a date (YYYY-MM-DD)' });
      else if (yearOf(date) !== input.year) problems.push({ field, date, problem: `not in ${input.year}` });
      else if (seen.has(date)) problems.push({ field, date, problem: 'listed twice' });
      seen.add(date);
    }
  }
  const holidays = new Set(input.holidays);
  for (const date of input.workdays) {
    if (typeof date !== 'string' || !isCalendarDate(date)) continue;
    if (holidays.has(date)) problems.push({ field: 'workdays', date, problem: 'also listed as a holiday' });
    else if (!isWeekend(date))
      problems.push({
        field: 'workdays',
        date,
        problem: 'not a weekend day: a make-up working day replaces a Saturday or Sunday',
      });
  }
  return problems;
}

export class BusinessCalendar {
  private readonly holidays = new Set<string>();
  private readonly workdays = new Set<string>();
  private readonly years = new Set<number>();

  constructor(years: Iterable<CalendarYear>) {
    for (const year of years) {
      this.years.add(year.year);
      year.holidays.forEach((date) => this.holidays.add(date));
      year.workdays.forEach((date) => this.workdays.add(date));
    }
  }

  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  isBusinessDay(date: string): boolean {
    const year = yearOf(date);
    if (!this.years.has(year)) {
      throw new DomainError(
        'CALENDAR_YEAR_MISSING',
        `no business-day calendar for ${year}; staff must enter that year's holidays first`,
        { year },
      );
    }
    if (this.workdays.has(date)) return true;
    if (this.holidays.has(date)) return false;
    return !isWeekend(date);
  }

  /**
   * The date on which a period of `count` business days that starts after `date` ends: the
   * count begins on the next day (a notice published on Friday with a 5-business-day period
   * ends on the following Friday, holidays permitting).
   */
  addBusinessDays(date: string, count: number): string {
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`count must be a whole number ≥ 0: ${count}`);
    let day = date;
    let left = count;
    while (left > 0) {
      day = addCalendarDays(day, 1);
      if (this.isBusinessDay(day)) left -= 1;
    }
    return day;
  }

  /** Business days in (from, to]: how many have passed from `from` to `to`. */
  businessDaysBetween(from: string, to: string): number {
    let count = 0;
    for (let day = addCalendarDays(from, 1); day <= to; day = addCalendarDays(day, 1)) {
      if (this.isBusinessDay(day)) count += 1;
    }
    return count;
  }
}
