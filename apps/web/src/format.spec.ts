import { jest } from '@jest/globals';
import { formatDuration, formatTime, msUntilCountdownChanges, toZonedInput } from './format';

describe('msUntilCountdownChanges: the countdown wakes exactly when its figure changes', () => {
  test.each([
    // time left (ms), wait (ms), shown now, shown after the wait
    [4321, 321, '00:05', '00:04'],
    [4000, 1000, '00:04', '00:03'],
    [3999, 999, '00:04', '00:03'],
    [1, 1, '00:01', '00:00'],
    [60_000, 1000, '01:00', '00:59'],
  ])('%i ms left: wait %i ms', (left, wait, shownNow, shownAfter) => {
    expect(msUntilCountdownChanges(left)).toBe(wait);
    expect(formatDuration(left)).toBe(shownNow);
    // One millisecond before the wait ends the figure is still the same; at its end it changed.
    expect(formatDuration(left - wait + 1)).toBe(shownNow);
    expect(formatDuration(left - wait)).toBe(shownAfter);
  });

  test.each([0, -1, -5000])('%i ms left: nothing more to count', (left) => {
    expect(msUntilCountdownChanges(left)).toBeNull();
  });
});

describe('formatTime keeps one formatter per language, zone and precision', () => {
  const at = '2026-11-28T04:05:06.000Z';
  test.each([
    ['Asia/Shanghai', 'zh', false, '2026/11/28 12:05'],
    ['Asia/Shanghai', 'zh', true, '2026/11/28 12:05:06'],
    ['UTC', 'zh', false, '2026/11/28 04:05'],
    ['Asia/Shanghai', 'en', false, '28/11/2026, 12:05'],
    ['Asia/Shanghai', 'zh', false, '2026/11/28 12:05'],
  ] as const)('%s, %s, seconds %s', (zone, lang, seconds, expected) => {
    expect(formatTime(at, zone, lang, seconds)).toBe(expected);
  });

  test('builds one formatter for repeated calls, another for another zone', () => {
    const built = jest.spyOn(Intl, 'DateTimeFormat');
    try {
      for (let i = 0; i < 5; i += 1) formatTime(at, 'Europe/London', 'en', true);
      expect(built).toHaveBeenCalledTimes(1);
      formatTime(at, 'America/New_York', 'en', true);
      expect(built).toHaveBeenCalledTimes(2);
    } finally {
      built.mockRestore();
    }
  });

  test('no time is a dash', () => {
    expect(formatTime(null, 'Asia/Shanghai', 'zh')).toBe('—');
  });
});

describe('toZonedInput: a datetime-local value in the centre’s zone', () => {
  test.each([
    ['2026-11-28T04:05:06.000Z', 'Asia/Shanghai', '2026-11-28T12:05:06'],
    ['2026-11-28T20:00:00.000Z', 'Asia/Shanghai', '2026-11-29T04:00:00'],
    ['2026-11-28T04:05:06.000Z', 'UTC', '2026-11-28T04:05:06'],
    ['2026-11-28T06:00:00.000Z', 'Asia/Shanghai', '2026-11-28T14:00:00'],
    ['2026-11-28T16:30:00.000Z', 'UTC', '2026-11-28T16:30:00'],
  ])('%s in %s', (iso, zone, expected) => {
    expect(toZonedInput(new Date(iso), zone)).toBe(expected);
  });
});
