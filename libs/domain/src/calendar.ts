/** Calendar dates in the centre's time zone (CENTRE_TZ), turned into UTC instants. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Years the platform takes in any date or period: the earliest deal it records is from 1990,
 * and bounding the far end keeps every "day after" and every year loop a real calendar date.
 */
export const SUPPORTED_YEARS = { first: 1990, last: 2200 } as const;

export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A calendar date whose year lies in SUPPORTED_YEARS. */
export function isSupportedDate(value: string): boolean {
  if (!isCalendarDate(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= SUPPORTED_YEARS.first && year <= SUPPORTED_YEARS.last;
}

// Building a formatter costs far more than using one (an import converts thousands of times).
const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Minutes the zone is ahead of UTC at an instant (Asia/Shanghai: 480). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = zoneFormatter(timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a calendar day starts in the zone: 2018-06-01 in Asia/Shanghai is 2018-05-31T16:00Z. */
export function startOfDayInZone(date: string, timeZone: string): Date {
  const [y, m, d] = calendarDateParts(date);
  return startOfUtcDayInZone(Date.UTC(y, m - 1, d), timeZone);
}

function calendarDateParts(date: string): [number, number, number] {
  if (!isCalendarDate(date)) throw new RangeError(`not a calendar date: ${date}`);
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

/** The zone's start of the day whose UTC midnight is `midnightUtc`. */
function startOfUtcDayInZone(midnightUtc: number, timeZone: string): Date {
  // Two passes settle days on which the offset itself changes (daylight saving zones).
  let guess = midnightUtc - zoneOffsetMinutes(new Date(midnightUtc), timeZone) * 60_000;
  guess = midnightUtc - zoneOffsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

/**
 * The half-open interval [from 00:00, day after `to` 00:00) for inclusive calendar dates.
 * The day after is computed from numbers, never formatted back to text, so it holds for any year.
 */
export function zonedDateRange(from: string, to: string, timeZone: string): { start: Date; end: Date } {
  const [y, m, d] = calendarDateParts(to);
  return {
    start: startOfDayInZone(from, timeZone),
    end: startOfUtcDayInZone(Date.UTC(y, m - 1, d + 1), timeZone),
  };
}

/** The calendar date (`YYYY-MM-DD`) an instant falls on in the zone. */
export function calendarDateInZone(instant: Date, timeZone: string): string {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  return shifted.toISOString().slice(0, 10);
}

/** The instant a wall-clock time in the zone stands for (2018-03-12 10:00 Asia/Shanghai → 02:00Z). */
export function wallTimeInZone(
  date: string,
  time: { hour: number; minute: number; second: number },
  timeZone: string,
): Date {
  const start = startOfDayInZone(date, timeZone);
  const guess = start.getTime() + ((time.hour * 60 + time.minute) * 60 + time.second) * 1000;
  // Settles an offset that changes during the day (daylight saving zones).
  const drift = zoneOffsetMinutes(start, timeZone) - zoneOffsetMinutes(new Date(guess), timeZone);
  return new Date(guess + drift * 60_000);
}

/** The last day of a month (1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
