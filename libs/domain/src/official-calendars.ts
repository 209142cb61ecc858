import type { CalendarYear } from './business-calendar.js';

/** Every date from `first` to `last` inclusive (one holiday period). */
function span(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let day = first; day <= last;) {
    dates.push(day);
    const [y, m, d] = day.split('-').map(Number);
    day = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  }
  return dates;
}

/**
 * The State Council's holiday arrangements (国务院办公厅关于…年部分节假日安排的通知) for the years
 * the platform ships: 2018 (the demo's and the reports' year), 2025 and 2026. Staff enter other
 * years through the API. Each entry: the days off, and the weekend days worked in exchange (调休).
 * 2018's last days come from the 2019 notice (元旦: 2018-12-30 to 2019-01-01, 2018-12-29 worked).
 */
export const OFFICIAL_CALENDARS: readonly CalendarYear[] = [
  {
    year: 2018,
    holidays: [
      '2018-01-01', // 元旦
      ...span('2018-02-15', '2018-02-21'), // 春节
      ...span('2018-04-05', '2018-04-07'), // 清明节
      ...span('2018-04-29', '2018-05-01'), // 劳动节
      ...span('2018-06-16', '2018-06-18'), // 端午节
      ...span('2018-09-22', '2018-09-24'), // 中秋节
      ...span('2018-10-01', '2018-10-07'), // 国庆节
      ...span('2018-12-30', '2018-12-31'), // 元旦 2019
    ],
    workdays: [
      '2018-02-11',
      '2018-02-24',
      '2018-04-08',
      '2018-04-28',
      '2018-09-29',
      '2018-09-30',
      '2018-12-29',
    ],
  },
  {
    year: 2025,
    holidays: [
      '2025-01-01', // 元旦
      ...span('2025-01-28', '2025-02-04'), // 春节
      ...span('2025-04-04', '2025-04-06'), // 清明节
      ...span('2025-05-01', '2025-05-05'), // 劳动节
      ...span('2025-05-31', '2025-06-02'), // 端午节
      ...span('2025-10-01', '2025-10-08'), // 国庆节、中秋节
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    year: 2026,
    holidays: [
      ...span('2026-01-01', '2026-01-03'), // 元旦
      ...span('2026-02-15', '2026-02-23'), // 春节
      ...span('2026-04-04', '2026-04-06'), // 清明节
      ...span('2026-05-01', '2026-05-05'), // 劳动节
      ...span('2026-06-19', '2026-06-21'), // 端午节
      ...span('2026-09-25', '2026-09-27'), // 中秋节
      ...span('2026-10-01', '2026-10-07'), // 国庆节
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
];
