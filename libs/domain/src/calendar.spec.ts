import {
  isCalendarDate,
  isSupportedDate,
  startOfDayInZone,
  zonedDateRange,
  zoneOffsetMinutes,
} from './calendar.js';

describe('calendar dates in the centre time zone', () => {
  it.each([
    ['a plain date', '2018-05-31', true],
    ['a leap day', '2024-02-29', true],
    ['no leap day', '2023-02-29', false],
    ['month 13', '2018-13-01', false],
    ['day 0', '2018-05-00', false],
    ['with a time', '2018-05-31T00:00:00Z', false],
    ['short year', '18-05-31', false],
  ])('%s: %s → %s', (_name, value, expected) => {
    expect(isCalendarDate(value)).toBe(expected);
  });

  it.each([
    ['Shanghai has no daylight saving', '2018-06-01', 'Asia/Shanghai', '2018-05-31T16:00:00.000Z'],
    ['UTC', '2018-06-01', 'UTC', '2018-06-01T00:00:00.000Z'],
    ['New York in summer (UTC−4)', '2024-07-01', 'America/New_York', '2024-07-01T04:00:00.000Z'],
    ['New York in winter (UTC−5)', '2024-01-15', 'America/New_York', '2024-01-15T05:00:00.000Z'],
  ])('%s: %s in %s starts at %s', (_name, date, zone, expected) => {
    expect(startOfDayInZone(date, zone).toISOString()).toBe(expected);
  });

  it('offsets Shanghai by +8 hours', () => {
    expect(zoneOffsetMinutes(new Date('2018-05-31T16:30:00Z'), 'Asia/Shanghai')).toBe(480);
  });

  it('makes a deal closed at 2018-05-31T16:30Z a June deal', () => {
    const may = zonedDateRange('2018-05-01', '2018-05-31', 'Asia/Shanghai');
    const june = zonedDateRange('2018-06-01', '2018-06-30', 'Asia/Shanghai');
    const closedAt = new Date('2018-05-31T16:30:00Z').getTime();
    expect(closedAt >= may.start.getTime() && closedAt < may.end.getTime()).toBe(false);
    expect(closedAt >= june.start.getTime() && closedAt < june.end.getTime()).toBe(true);
    expect(june.end.toISOString()).toBe('2018-06-30T16:00:00.000Z');
  });

  it.each([
    ['the last day of year 9999', '9999-12-31', '9999-12-31', '9999-12-31T16:00:00.000Z'],
    ['a year end', '2018-12-31', '2018-12-31', '2018-12-31T16:00:00.000Z'],
    ['a leap day', '2024-02-29', '2024-02-29', '2024-02-29T16:00:00.000Z'],
  ])('ends %s at the next midnight, computed, not formatted', (_name, from, to, end) => {
    expect(zonedDateRange(from, to, 'Asia/Shanghai').end.toISOString()).toBe(end);
  });

  it.each(['2018-02-30', 'tomorrow', '+10000-01-01'])('refuses %s as a range end with a RangeError', (to) => {
    expect(() => zonedDateRange('2018-01-01', to, 'Asia/Shanghai')).toThrow(RangeError);
  });

  it.each([
    ['the first supported year', '1990-01-01', true],
    ['the last supported year', '2200-12-31', true],
    ['before 1990', '1989-12-31', false],
    ['after 2200', '2201-01-01', false],
    ['year 9999', '9999-12-31', false],
    ['not a date', '2018-02-30', false],
  ])('%s: %s supported → %s', (_name, value, expected) => {
    expect(isSupportedDate(value)).toBe(expected);
  });
});
