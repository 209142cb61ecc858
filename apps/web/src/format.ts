/** The page's languages (as in i18n.tsx; spelled out so Node's tests can import this file too). */
type Lang = 'zh' | 'en';

/**
 * Building an Intl.DateTimeFormat costs far more than using one, and a live page formats every
 * ledger row again on each bid; one formatter per language, zone and precision is kept.
 */
/** Year to minute (or second), 24-hour, in `timeZone`. */
function dateTimeParts(timeZone: string, withSeconds: boolean): Intl.DateTimeFormatOptions {
  return {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: withSeconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  };
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function timeFormat(timeZone: string, lang: Lang, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withSeconds}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', dateTimeParts(timeZone, withSeconds));
    timeFormats.set(key, format);
  }
  return format;
}

/** Date-times in the centre's time zone, whatever the PC's own zone is. */
export function formatTime(
  iso: string | null | undefined,
  timeZone: string,
  lang: Lang,
  withSeconds = false,
) {
  if (!iso) return '—';
  return timeFormat(timeZone, lang, withSeconds).format(new Date(iso));
}

/**
 * How long until a countdown showing whole seconds (`formatDuration` rounds up) shows another
 * figure: it changes exactly when the time left crosses a whole second, so a page wakes once a
 * second, on time, instead of polling. Null once nothing is left to count.
 */
export function msUntilCountdownChanges(remainingMs: number): number | null {
  if (remainingMs <= 0) return null;
  const intoSecond = remainingMs % 1000;
  return intoSecond === 0 ? 1000 : intoSecond;
}

/** 3725000 ms → "01:02:05"; never negative. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** "YYYY-MM-DDTHH:mm" in the centre's zone, for datetime-local inputs. */
export function toZonedInput(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', dateTimeParts(timeZone, true))
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** The inverse: a wall-clock time in the centre's zone → an ISO instant. */
export function fromZonedInput(value: string, timeZone: string): string {
  const asUtc = new Date(`${value.length === 16 ? `${value}:00` : value}Z`);
  // The zone's offset at that moment (two passes settle DST edges).
  let guess = asUtc.getTime();
  for (let pass = 0; pass < 2; pass++) {
    const shown = new Date(`${toZonedInput(new Date(guess), timeZone)}Z`).getTime();
    guess += asUtc.getTime() - shown;
  }
  return new Date(guess).toISOString();
}
