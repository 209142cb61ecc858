import {
  DEFAULT_EXTENSION_SECONDS,
  MAX_EXTENSION_SECONDS,
  MAX_LEASE_TERM_MONTHS,
  MIN_EXTENSION_SECONDS,
  type LeaseTerms,
  checkLeaseTerms,
  initialEndsAt,
} from './lease-listing-schedule.js';

const MS = 1;
const SECOND = 1000 * MS;
const HOUR = 3600 * SECOND;

const REGISTRATION_STARTS = Date.UTC(2030, 0, 1, 0, 0, 0);
const REGISTRATION_ENDS = Date.UTC(2030, 0, 10, 0, 0, 0);
const BIDDING_STARTS = Date.UTC(2030, 0, 11, 2, 0, 0);
const FREE_ENDS = BIDDING_STARTS + HOUR;

/** floor((2^53 − 1) / 240): the largest start price a 240-month lease allows (240 × it = 2^53 − 32). */
const MAX_START_FOR_240 = 37_529_996_894_754;
/** floor((2^53 − 1) / 36) (36 × it = 2^53 − 32). */
const MAX_START_FOR_36 = 250_199_979_298_360;

/** A listing that satisfies every rule. */
function terms(patch: Partial<LeaseTerms> = {}): LeaseTerms {
  return {
    leaseTermMonths: 36,
    startPrice: 100_000,
    increment: 5_000,
    deposit: 20_000,
    reservePrice: 150_000,
    registrationStartsAt: new Date(REGISTRATION_STARTS),
    registrationEndsAt: new Date(REGISTRATION_ENDS),
    biddingStartsAt: new Date(BIDDING_STARTS),
    freeBiddingEndsAt: new Date(FREE_ENDS),
    extensionSeconds: DEFAULT_EXTENSION_SECONDS,
    ...patch,
  };
}

describe('limits', () => {
  it('cap a lease at 20 years and the countdown between 1 s and 1 h', () => {
    expect(MAX_LEASE_TERM_MONTHS).toBe(20 * 12);
    expect(MIN_EXTENSION_SECONDS).toBe(1);
    expect(MAX_EXTENSION_SECONDS).toBe(60 * 60);
    expect(DEFAULT_EXTENSION_SECONDS).toBeGreaterThanOrEqual(MIN_EXTENSION_SECONDS);
    expect(DEFAULT_EXTENSION_SECONDS).toBeLessThanOrEqual(MAX_EXTENSION_SECONDS);
  });
});

describe('checkLeaseTerms', () => {
  describe('valid terms', () => {
    it.each<[string, Partial<LeaseTerms>]>([
      ['the baseline', {}],
      ['no reserve (null)', { reservePrice: null }],
      ['no reserve (omitted)', { reservePrice: undefined }],
      ['reserve equal to the start price', { reservePrice: 100_000 }],
      ['registration ends exactly when bidding starts', { registrationEndsAt: new Date(BIDDING_STARTS) }],
      ['registration lasts 1 ms', { registrationEndsAt: new Date(REGISTRATION_STARTS + 1) }],
      ['free period lasts 1 ms', { freeBiddingEndsAt: new Date(BIDDING_STARTS + 1) }],
      ['extensionSeconds at the minimum, 1', { extensionSeconds: 1 }],
      ['extensionSeconds at the maximum, 3600', { extensionSeconds: 3600 }],
      ['leaseTermMonths at the minimum, 1', { leaseTermMonths: 1 }],
      ['leaseTermMonths at the maximum, 240', { leaseTermMonths: 240 }],
      ['1 fen everywhere', { startPrice: 1, increment: 1, deposit: 1, reservePrice: 1 }],
      [
        'start price at the overflow limit for 240 months',
        { leaseTermMonths: 240, startPrice: MAX_START_FOR_240, reservePrice: null },
      ],
      [
        'start price at the overflow limit for 36 months',
        { startPrice: MAX_START_FOR_36, reservePrice: MAX_START_FOR_36 },
      ],
      [
        'start price 2^53 − 1 for a 1-month lease',
        { leaseTermMonths: 1, startPrice: Number.MAX_SAFE_INTEGER, reservePrice: Number.MAX_SAFE_INTEGER },
      ],
    ])('%s has no violations', (_name, patch) => {
      expect(checkLeaseTerms(terms(patch))).toEqual([]);
    });
  });

  describe('one broken rule', () => {
    it.each<[string, Partial<LeaseTerms>, string]>([
      // Schedule order: the later field of each pair is reported.
      [
        'registrationEndsAt equal to registrationStartsAt',
        { registrationEndsAt: new Date(REGISTRATION_STARTS) },
        'registrationEndsAt',
      ],
      [
        'registrationEndsAt before registrationStartsAt',
        { registrationEndsAt: new Date(REGISTRATION_STARTS - 1) },
        'registrationEndsAt',
      ],
      [
        'biddingStartsAt 1 ms before registrationEndsAt',
        {
          biddingStartsAt: new Date(REGISTRATION_ENDS - 1),
          freeBiddingEndsAt: new Date(REGISTRATION_ENDS + HOUR),
        },
        'biddingStartsAt',
      ],
      [
        'freeBiddingEndsAt equal to biddingStartsAt',
        { freeBiddingEndsAt: new Date(BIDDING_STARTS) },
        'freeBiddingEndsAt',
      ],
      [
        'freeBiddingEndsAt before biddingStartsAt',
        { freeBiddingEndsAt: new Date(BIDDING_STARTS - HOUR) },
        'freeBiddingEndsAt',
      ],
      ['freeBiddingEndsAt an invalid Date', { freeBiddingEndsAt: new Date(Number.NaN) }, 'freeBiddingEndsAt'],
      [
        'registrationStartsAt an invalid Date',
        { registrationStartsAt: new Date(Number.NaN) },
        'registrationStartsAt',
      ],
      [
        'registrationEndsAt an invalid Date',
        { registrationEndsAt: new Date(Number.NaN) },
        'registrationEndsAt',
      ],
      ['biddingStartsAt an invalid Date', { biddingStartsAt: new Date(Number.NaN) }, 'biddingStartsAt'],
      // extensionSeconds: integer 1..3600
      ['extensionSeconds 0', { extensionSeconds: 0 }, 'extensionSeconds'],
      ['extensionSeconds 3601', { extensionSeconds: 3601 }, 'extensionSeconds'],
      ['extensionSeconds 1.5', { extensionSeconds: 1.5 }, 'extensionSeconds'],
      ['extensionSeconds −300', { extensionSeconds: -300 }, 'extensionSeconds'],
      ['extensionSeconds NaN', { extensionSeconds: Number.NaN }, 'extensionSeconds'],
      // leaseTermMonths: integer 1..240
      ['leaseTermMonths 0', { leaseTermMonths: 0 }, 'leaseTermMonths'],
      ['leaseTermMonths 241', { leaseTermMonths: 241 }, 'leaseTermMonths'],
      ['leaseTermMonths 1.5', { leaseTermMonths: 1.5 }, 'leaseTermMonths'],
      ['leaseTermMonths −12', { leaseTermMonths: -12 }, 'leaseTermMonths'],
      ['leaseTermMonths NaN', { leaseTermMonths: Number.NaN }, 'leaseTermMonths'],
      // reservePrice
      ['reservePrice 1 fen below startPrice', { reservePrice: 99_999 }, 'reservePrice'],
      ['reservePrice 0', { reservePrice: 0 }, 'reservePrice'],
      ['reservePrice fractional', { reservePrice: 150_000.5 }, 'reservePrice'],
      ['reservePrice negative', { reservePrice: -150_000 }, 'reservePrice'],
      ['reservePrice beyond 2^53 − 1', { reservePrice: Number.MAX_SAFE_INTEGER + 1 }, 'reservePrice'],
      // startPrice / increment / deposit: positive safe integers of fen
      ['startPrice fractional', { startPrice: 100_000.5 }, 'startPrice'],
      ['startPrice 0', { startPrice: 0 }, 'startPrice'],
      ['startPrice negative', { startPrice: -100_000 }, 'startPrice'],
      ['startPrice beyond 2^53 − 1', { startPrice: Number.MAX_SAFE_INTEGER + 1 }, 'startPrice'],
      ['startPrice NaN', { startPrice: Number.NaN }, 'startPrice'],
      ['increment fractional', { increment: 0.5 }, 'increment'],
      ['increment 0', { increment: 0 }, 'increment'],
      ['increment negative', { increment: -5_000 }, 'increment'],
      ['increment beyond 2^53 − 1', { increment: Number.MAX_SAFE_INTEGER + 1 }, 'increment'],
      ['deposit fractional', { deposit: 20_000.01 }, 'deposit'],
      ['deposit 0', { deposit: 0 }, 'deposit'],
      ['deposit negative', { deposit: -1 }, 'deposit'],
      ['deposit beyond 2^53 − 1', { deposit: Number.MAX_SAFE_INTEGER + 1 }, 'deposit'],
      // startPrice × leaseTermMonths must stay a safe integer
      [
        'startPrice × 240 months one fen past the limit',
        { leaseTermMonths: 240, startPrice: MAX_START_FOR_240 + 1, reservePrice: null },
        'startPrice',
      ],
      [
        'startPrice × 36 months one fen past the limit',
        { startPrice: MAX_START_FOR_36 + 1, reservePrice: null },
        'startPrice',
      ],
      [
        'startPrice 2^53 − 1 for a 2-month lease',
        { leaseTermMonths: 2, startPrice: Number.MAX_SAFE_INTEGER, reservePrice: null },
        'startPrice',
      ],
    ])('%s → %s', (_name, patch, field) => {
      const violations = checkLeaseTerms(terms(patch));
      expect(violations.map((v) => v.field)).toEqual([field]);
      expect(violations[0].rule).toEqual(expect.any(String));
      expect(violations[0].rule.length).toBeGreaterThan(0);
    });
  });

  describe('schedule rules name both fields of the broken pair', () => {
    it.each<[string, Partial<LeaseTerms>, string, string]>([
      [
        'registration',
        { registrationEndsAt: new Date(REGISTRATION_STARTS) },
        'registrationStartsAt',
        'registrationEndsAt',
      ],
      [
        'registration → bidding',
        {
          biddingStartsAt: new Date(REGISTRATION_ENDS - 1),
          freeBiddingEndsAt: new Date(REGISTRATION_ENDS + HOUR),
        },
        'registrationEndsAt',
        'biddingStartsAt',
      ],
      [
        'free period',
        { freeBiddingEndsAt: new Date(BIDDING_STARTS) },
        'biddingStartsAt',
        'freeBiddingEndsAt',
      ],
    ])('%s', (_name, patch, earlier, later) => {
      const [violation] = checkLeaseTerms(terms(patch));
      expect(violation.field).toBe(later);
      expect(violation.rule).toContain(earlier);
      expect(violation.rule).toContain(later);
    });
  });

  describe('several broken rules', () => {
    it.each<[string, Partial<LeaseTerms>, string[]]>([
      [
        'bad money, bad countdown and bad schedule are all reported',
        { startPrice: 0, extensionSeconds: 0, freeBiddingEndsAt: new Date(BIDDING_STARTS) },
        ['startPrice', 'extensionSeconds', 'freeBiddingEndsAt'],
      ],
      [
        'every fen field invalid',
        { startPrice: 1.5, increment: 0, deposit: -1, reservePrice: 0 },
        ['startPrice', 'increment', 'deposit', 'reservePrice'],
      ],
      [
        'a whole schedule in reverse',
        {
          registrationStartsAt: new Date(FREE_ENDS),
          registrationEndsAt: new Date(BIDDING_STARTS),
          biddingStartsAt: new Date(REGISTRATION_ENDS),
          freeBiddingEndsAt: new Date(REGISTRATION_STARTS),
        },
        ['registrationEndsAt', 'biddingStartsAt', 'freeBiddingEndsAt'],
      ],
      [
        'term out of range and reserve below start',
        { leaseTermMonths: 241, reservePrice: 1 },
        ['leaseTermMonths', 'reservePrice'],
      ],
    ])('%s', (_name, patch, fields) => {
      const reported = checkLeaseTerms(terms(patch)).map((v) => v.field);
      expect([...reported].sort()).toEqual([...fields].sort());
    });
  });

  it('does not modify its input', () => {
    const input = terms({ startPrice: 0, extensionSeconds: 0 });
    const copy = { ...input };
    checkLeaseTerms(Object.freeze(input));
    expect(input).toEqual(copy);
  });
});

describe('initialEndsAt', () => {
  it.each<[string, number, number]>([
    ['minimum extension, 1 s', 1, FREE_ENDS + 1 * SECOND],
    ['default extension, 300 s = 5 min', 300, FREE_ENDS + 5 * 60 * SECOND],
    ['maximum extension, 3600 s = 1 h', 3600, FREE_ENDS + HOUR],
  ])('%s: one countdown after the free period', (_name, extensionSeconds, expected) => {
    const endsAt = initialEndsAt({ freeBiddingEndsAt: new Date(FREE_ENDS), extensionSeconds });
    expect(endsAt).toBeInstanceOf(Date);
    expect(endsAt.getTime()).toBe(expected);
  });
});
