import { resumeTimers, type ListingTimers } from './lease-listing-schedule.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 10, 27, 2, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);

// registration 0–10, bidding from 10, free period to 20, countdown to 25
const timers: ListingTimers = {
  registrationStartsAt: at(0),
  registrationEndsAt: at(10),
  biddingStartsAt: at(10),
  freeBiddingEndsAt: at(20),
  endsAt: at(25),
};
const minutes = (result: ListingTimers) =>
  Object.values(result).map((date) => (date.getTime() - T0) / MINUTE);

describe('resumeTimers: a suspension keeps the remaining time whole', () => {
  it.each([
    ['suspended during registration for 7 minutes', 5, 12, [0, 17, 17, 27, 32]],
    ['suspended in the free period for 3 minutes', 15, 18, [0, 10, 10, 23, 28]],
    ['suspended in the countdown for 1 minute', 22, 23, [0, 10, 10, 20, 26]],
    ['resumed at the moment it was suspended', 22, 22, [0, 10, 10, 20, 25]],
    ['a clock that went backwards shifts nothing', 22, 21, [0, 10, 10, 20, 25]],
    ['suspended before registration opened', -5, 0, [5, 15, 15, 25, 30]],
  ])('%s', (_name, suspendedAt, resumedAt, expected) => {
    expect(minutes(resumeTimers(timers, at(suspendedAt), at(resumedAt)))).toEqual(expected);
  });

  it('keeps the schedule in order whatever the pause', () => {
    for (let suspendedAt = -5; suspendedAt < 25; suspendedAt += 1) {
      const result = minutes(resumeTimers(timers, at(suspendedAt), at(suspendedAt + 13)));
      for (let i = 1; i < result.length; i += 1) expect(result[i]).toBeGreaterThanOrEqual(result[i - 1]);
    }
  });
});
