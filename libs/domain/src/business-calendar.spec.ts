import { BusinessCalendar, calendarYearProblems, type CalendarYear } from './business-calendar.js';
import { DomainError } from './errors.js';
import { OFFICIAL_CALENDARS } from './official-calendars.js';

const calendar = new BusinessCalendar(OFFICIAL_CALENDARS);

describe('business days in the official calendars', () => {
  it.each([
    ['2018-01-01', false, '元旦, a Monday'],
    ['2018-01-02', true, 'an ordinary Tuesday'],
    ['2018-01-06', false, 'an ordinary Saturday'],
    ['2018-02-11', true, 'a Sunday worked before 春节'],
    ['2018-02-15', false, '春节 starts (Thursday)'],
    ['2018-02-21', false, '春节 ends (Wednesday)'],
    ['2018-02-22', true, 'the first day back'],
    ['2018-02-24', true, 'a Saturday worked after 春节'],
    ['2018-04-28', true, 'a Saturday worked before 劳动节'],
    ['2018-04-30', false, '劳动节 (Monday)'],
    ['2018-06-18', false, '端午节 (Monday)'],
    ['2018-09-24', false, '中秋节 (Monday)'],
    ['2018-09-29', true, 'a Saturday worked before 国庆节'],
    ['2018-10-05', false, '国庆节 (Friday)'],
    ['2018-12-29', true, 'a Saturday worked before 元旦 2019'],
    ['2018-12-31', false, '元旦 2019 (Monday)'],
    ['2025-01-26', true, 'a Sunday worked before 春节'],
    ['2025-02-04', false, '春节 ends (Tuesday)'],
    ['2025-05-05', false, '劳动节 (Monday)'],
    ['2025-10-08', false, '国庆节 and 中秋节 (Wednesday)'],
    ['2025-10-11', true, 'a Saturday worked after 国庆节'],
    ['2026-01-02', false, '元旦 (Friday)'],
    ['2026-01-04', true, 'a Sunday worked after 元旦'],
    ['2026-02-23', false, '春节 ends (Monday)'],
    ['2026-02-28', true, 'a Saturday worked after 春节'],
    ['2026-05-09', true, 'a Saturday worked after 劳动节'],
    ['2026-09-25', false, '中秋节 (Friday)'],
    ['2026-10-10', true, 'a Saturday worked after 国庆节'],
    ['2026-11-27', true, 'an ordinary Friday'],
  ])('%s is a business day: %s (%s)', (date, expected) => {
    expect(calendar.isBusinessDay(date)).toBe(expected);
  });
});

describe('counting business days', () => {
  it.each([
    ['2018-03-05', 5, '2018-03-12', 'one ordinary week (Mon → next Mon)'],
    ['2018-03-02', 5, '2018-03-09', 'from a Friday'],
    ['2018-02-09', 1, '2018-02-11', 'a worked Sunday counts'],
    ['2018-02-12', 5, '2018-02-24', 'across 春节, ending on a worked Saturday'],
    ['2018-02-14', 1, '2018-02-22', 'the day before 春节'],
    ['2018-04-26', 2, '2018-04-28', 'a worked Saturday before 劳动节'],
    ['2018-09-28', 3, '2018-10-08', 'two worked weekend days, then 国庆节'],
    ['2025-09-26', 20, '2025-10-30', 'a 20-business-day disclosure across 国庆节'],
    ['2026-01-30', 20, '2026-03-05', 'a 20-business-day disclosure across 春节'],
    ['2026-11-27', 0, '2026-11-27', 'zero days'],
  ])('%s + %i business days = %s (%s)', (start, count, end) => {
    expect(calendar.addBusinessDays(start, count)).toBe(end);
    expect(calendar.businessDaysBetween(start, end)).toBe(count);
  });

  it('refuses a deadline that needs a year with no calendar, with its code and the year', () => {
    const attempt = () => calendar.addBusinessDays('2026-12-20', 20);
    expect(attempt).toThrow(DomainError);
    try {
      attempt();
    } catch (error) {
      expect((error as DomainError).code).toBe('CALENDAR_YEAR_MISSING');
      expect((error as DomainError).details).toEqual({ year: 2027 });
    }
    expect(() => calendar.isBusinessDay('2019-05-01')).toThrow(/2019/);
  });

  it('refuses a negative or fractional count', () => {
    expect(() => calendar.addBusinessDays('2026-03-02', -1)).toThrow(RangeError);
    expect(() => calendar.addBusinessDays('2026-03-02', 1.5)).toThrow(RangeError);
  });
});

describe('checking a year as staff enter it', () => {
  const valid: CalendarYear = { year: 2027, holidays: ['2027-01-01'], workdays: ['2027-01-02'] };

  it('accepts the shipped years and a well-formed new one', () => {
    for (const year of OFFICIAL_CALENDARS) expect(calendarYearProblems(year)).toEqual([]);
    expect(calendarYearProblems(valid)).toEqual([]);
  });

  it.each<[string, Partial<CalendarYear>, { field: string; date?: string; problem: RegExp }]>([
    ['a year out of range', { year: 1999 }, { field: 'year', problem: /2000 to 2100/ }],
    [
      'a date that is not one',
      { holidays: ['2027-02-30'] },
      { field: 'holidays', date: '2027-02-30', problem: /not a date/ },
    ],
    [
      'a date of another year',
      { holidays: ['2026-12-31'] },
      { field: 'holidays', date: '2026-12-31', problem: /not in 2027/ },
    ],
    [
      'a date listed twice',
      { holidays: ['2027-01-01', '2027-01-01'] },
      { field: 'holidays', date: '2027-01-01', problem: /twice/ },
    ],
    [
      'a worked day that is a holiday too',
      { workdays: ['2027-01-01'] },
      { field: 'workdays', date: '2027-01-01', problem: /holiday/ },
    ],
    [
      'a worked day on a weekday',
      { workdays: ['2027-01-04'] },
      { field: 'workdays', date: '2027-01-04', problem: /weekend/ },
    ],
  ])('reports %s', (_, change, expected) => {
    const problems = calendarYearProblems({ ...valid, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      field: expected.field,
      ...(expected.date ? { date: expected.date } : {}),
    });
    expect(problems[0].problem).toMatch(expected.problem);
  });
});
