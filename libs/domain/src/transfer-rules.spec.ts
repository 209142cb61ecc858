import { BusinessCalendar } from './business-calendar.js';
import { DomainError, type ErrorCode } from './errors.js';
import { OFFICIAL_CALENDARS } from './official-calendars.js';
import {
  type EndOfDisclosureAction,
  type EndOfDisclosureFacts,
  type PriceApproval,
  type TransferAssetKind,
  type TransferTerms,
  auctionOpensAt,
  automaticEndOfDisclosureAction,
  checkAgreementPrice,
  checkContractSignedInTime,
  checkDisclosurePeriod,
  checkEndOfDisclosureAction,
  checkListingPrice,
  checkRelistPrice,
  contractSigningDeadline,
  depositRefundDueOn,
  earliestDisclosureEnd,
  endOfCalendarDay,
  endOfDisclosureOutcome,
  extendedDisclosureEnd,
  isBelowRelistThreshold,
  lowestRelistPriceWithoutApproval,
  resultPublicationEnd,
  resumedDisclosureEnd,
  transferTermsViolations,
} from './transfer-rules.js';

const calendar = new BusinessCalendar(OFFICIAL_CALENDARS);
const APPROVAL: PriceApproval = { approver: '区国资办 王某', documentSha256: 'ab'.repeat(32) };

/** The code a call throws (undefined when it does not throw), and its details. */
function refusal(attempt: () => unknown): { code: ErrorCode; details: unknown } | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: error.details };
  }
}

/*
 * National Day 2026 in the official calendar: 中秋节 Fri 09-25 to Sun 09-27, 国庆节 Thu 10-01 to
 * Wed 10-07; Sunday 09-20 and Saturday 10-10 are make-up working days (调休).
 * The day of publication is day 0; the next business day is day 1.
 */
describe('disclosure period: ≥ 20 business days (equity), ≥ 10 (physical asset)', () => {
  it.each<[string, TransferAssetKind, string, string]>([
    // kind, published on, earliest last day
    ['equity ending on the make-up Saturday 10-10 (its 20th day)', 'equity', '2026-09-07', '2026-10-10'],
    ['equity across 中秋节 and 国庆节', 'equity', '2026-09-18', '2026-10-22'],
    ['equity published on the make-up Sunday 09-20 (day 0)', 'equity', '2026-09-20', '2026-10-23'],
    ['equity published on a holiday: day 1 is the first day back', 'equity', '2026-10-01', '2026-11-03'],
    [
      'equity across 国庆节 2025 (ends after the make-up Saturday 10-11)',
      'equity',
      '2025-09-26',
      '2025-10-30',
    ],
    ['physical asset: the make-up Sunday 09-20 is day 1', 'physical_asset', '2026-09-18', '2026-10-09'],
    [
      'physical asset published on the make-up Sunday, ending on the make-up Saturday',
      'physical_asset',
      '2026-09-20',
      '2026-10-10',
    ],
    ['physical asset in an ordinary fortnight', 'physical_asset', '2026-11-02', '2026-11-16'],
  ])('%s: earliest last day %s + … = %s', (_name, kind, publishedOn, earliest) => {
    expect(earliestDisclosureEnd(calendar, kind, publishedOn)).toBe(earliest);
    expect(calendar.businessDaysBetween(publishedOn, earliest)).toBe(kind === 'equity' ? 20 : 10);
  });

  // One business day before the earliest last day (refused) and the one after it (accepted).
  it.each<[string, TransferAssetKind, string, string, boolean]>([
    ['equity, 19th day (Fri 10-09) before the make-up Saturday', 'equity', '2026-09-07', '2026-10-09', false],
    ['equity, 20th day on the make-up Saturday', 'equity', '2026-09-07', '2026-10-10', true],
    ['equity, the business day after (Mon 10-12)', 'equity', '2026-09-07', '2026-10-12', true],
    ['equity across the holidays, 19th day', 'equity', '2026-09-18', '2026-10-21', false],
    ['equity across the holidays, 20th day', 'equity', '2026-09-18', '2026-10-22', true],
    ['equity across the holidays, 21st day', 'equity', '2026-09-18', '2026-10-23', true],
    [
      'equity ending on the last holiday (10-07) before its 20th day',
      'equity',
      '2026-09-10',
      '2026-10-07',
      false,
    ],
    ['equity 2025, 19th day', 'equity', '2025-09-26', '2025-10-29', false],
    ['equity 2025, 20th day', 'equity', '2025-09-26', '2025-10-30', true],
    [
      'physical asset, 9th day before the holidays (09-30)',
      'physical_asset',
      '2026-09-18',
      '2026-09-30',
      false,
    ],
    [
      'physical asset, 9th day (10-08, the first day back)',
      'physical_asset',
      '2026-09-18',
      '2026-10-08',
      false,
    ],
    ['physical asset, 10th day', 'physical_asset', '2026-09-18', '2026-10-09', true],
    [
      'physical asset, 9th day (Fri 10-09) before the make-up Saturday',
      'physical_asset',
      '2026-09-20',
      '2026-10-09',
      false,
    ],
    ['physical asset, 10th day on the make-up Saturday', 'physical_asset', '2026-09-20', '2026-10-10', true],
    ['physical asset, 11th day', 'physical_asset', '2026-09-20', '2026-10-12', true],
    [
      'physical asset, a last day on a holiday after the 10th day',
      'physical_asset',
      '2026-09-16',
      '2026-10-05',
      true,
    ],
    [
      'an equity period long enough for an asset is not long enough for equity',
      'equity',
      '2026-09-20',
      '2026-10-10',
      false,
    ],
  ])('%s → accepted: %s', (_name, assetKind, publishedOn, endsOn, accepted) => {
    const result = refusal(() => checkDisclosurePeriod(calendar, { assetKind, publishedOn, endsOn }));
    if (accepted) {
      expect(result).toBeUndefined();
    } else {
      expect(result?.code).toBe('DISCLOSURE_TOO_SHORT');
      expect(result?.details).toEqual({
        assetKind,
        requiredBusinessDays: assetKind === 'equity' ? 20 : 10,
        publishedOn,
        endsOn,
        earliestEndsOn: earliestDisclosureEnd(calendar, assetKind, publishedOn),
      });
    }
  });

  it('refuses a period that needs a year with no calendar with CALENDAR_YEAR_MISSING and the year', () => {
    // 20 business days from 2026-12-10 run into 2027, which nobody has entered.
    expect(
      refusal(() =>
        checkDisclosurePeriod(calendar, {
          assetKind: 'equity',
          publishedOn: '2026-12-10',
          endsOn: '2027-01-31',
        }),
      ),
    ).toEqual({
      code: 'CALENDAR_YEAR_MISSING',
      details: { year: 2027 },
    });
  });

  it('needs only the years the count passes through: 10 business days from 2026-12-10 end in 2026', () => {
    expect(earliestDisclosureEnd(calendar, 'physical_asset', '2026-12-10')).toBe('2026-12-24');
    expect(
      refusal(() =>
        checkDisclosurePeriod(calendar, {
          assetKind: 'physical_asset',
          publishedOn: '2026-12-10',
          endsOn: '2027-01-31',
        }),
      ),
    ).toBeUndefined();
  });

  it.each([
    ['an impossible end date', '2026-02-30'],
    ['an end date with a time', '2026-10-22T00:00:00Z'],
  ])('refuses %s as VALIDATION_FAILED', (_name, endsOn) => {
    expect(
      refusal(() =>
        checkDisclosurePeriod(calendar, { assetKind: 'equity', publishedOn: '2026-09-18', endsOn }),
      )?.code,
    ).toBe('VALIDATION_FAILED');
  });

  it('a disclosure runs to 24:00 of its last day in the centre time zone', () => {
    expect(endOfCalendarDay('2026-10-22', 'Asia/Shanghai').toISOString()).toBe('2026-10-22T16:00:00.000Z');
  });
});

describe('an announced extension: 5 business days after the old last day', () => {
  it.each([
    ['2026-09-30', '2026-10-13', 'across 国庆节, counting the make-up Saturday 10-10'],
    ['2026-09-24', '2026-10-09', 'across 中秋节 and 国庆节'],
    ['2026-11-13', '2026-11-20', 'an ordinary week'],
  ])('%s → %s (%s)', (endsOn, extended) => {
    expect(extendedDisclosureEnd(calendar, endsOn)).toBe(extended);
  });

  it('needs a calendar for the year it runs into', () => {
    expect(refusal(() => extendedDisclosureEnd(calendar, '2026-12-28'))?.code).toBe('CALENDAR_YEAR_MISSING');
  });
});

describe('listing price against the filed valuation', () => {
  const VALUATION = 100_000_000; // 100万元

  it.each<[string, number, PriceApproval | undefined, ErrorCode | undefined]>([
    ['at the valuation', VALUATION, undefined, undefined],
    ['above the valuation', VALUATION + 1, undefined, undefined],
    ['one fen under, no approval', VALUATION - 1, undefined, 'PRICE_BELOW_VALUATION_NEEDS_APPROVAL'],
    ['one fen under, approved', VALUATION - 1, APPROVAL, undefined],
    ['far under (50%), approved', VALUATION / 2, APPROVAL, undefined],
    ['at the valuation with an approval nobody needed', VALUATION, APPROVAL, undefined],
    [
      'under, an approval with an upper-case hash',
      VALUATION - 1,
      { ...APPROVAL, documentSha256: 'AB'.repeat(32) },
      'VALIDATION_FAILED',
    ],
    [
      'under, an approval with a 63-digit hash',
      VALUATION - 1,
      { ...APPROVAL, documentSha256: 'a'.repeat(63) },
      'VALIDATION_FAILED',
    ],
    [
      'under, an approval with no approver',
      VALUATION - 1,
      { ...APPROVAL, approver: '  ' },
      'VALIDATION_FAILED',
    ],
    [
      'at the valuation, a malformed approval is still refused',
      VALUATION,
      { ...APPROVAL, documentSha256: 'xyz' },
      'VALIDATION_FAILED',
    ],
    ['a price in fractions of a fen', 99_999_999.5, APPROVAL, 'VALIDATION_FAILED'],
    ['a zero price', 0, APPROVAL, 'VALIDATION_FAILED'],
  ])('%s → %s', (_name, listingPrice, approval, expected) => {
    expect(refusal(() => checkListingPrice({ valuation: VALUATION, listingPrice, approval }))?.code).toBe(
      expected,
    );
  });

  it('names the valuation and the price in the refusal', () => {
    expect(
      refusal(() => checkListingPrice({ valuation: VALUATION, listingPrice: VALUATION - 1 }))?.details,
    ).toEqual({
      valuation: VALUATION,
      listingPrice: VALUATION - 1,
    });
  });

  it('lists every problem of a malformed approval', () => {
    const result = refusal(() =>
      checkListingPrice({
        valuation: VALUATION,
        listingPrice: 1,
        approval: { approver: '', documentSha256: '' },
      }),
    );
    expect(result?.details).toEqual([
      { field: 'approval.approver', rule: '1 to 200 characters' },
      { field: 'approval.documentSha256', rule: 'SHA-256 as 64 lowercase hex digits' },
    ]);
  });
});

describe('re-listing price: below 90% of the valuation needs an approval', () => {
  it.each<[string, number, number, PriceApproval | undefined, ErrorCode | undefined]>([
    ['exactly 90%', 100_000_000, 90_000_000, undefined, undefined],
    ['one fen under 90%', 100_000_000, 89_999_999, undefined, 'RELIST_BELOW_90_PERCENT_NEEDS_APPROVAL'],
    ['one fen under 90%, approved', 100_000_000, 89_999_999, APPROVAL, undefined],
    [
      'between 90% and the valuation (no approval needed when re-listing)',
      100_000_000,
      95_000_000,
      undefined,
      undefined,
    ],
    ['90% is not a whole fen: 1001 × 0.9 = 900.9, so 901 is enough', 1001, 901, undefined, undefined],
    ['… and 900 is under it', 1001, 900, undefined, 'RELIST_BELOW_90_PERCENT_NEEDS_APPROVAL'],
    [
      'a valuation near the largest safe integer, exactly 90%',
      9_000_000_000_000_000,
      8_100_000_000_000_000,
      undefined,
      undefined,
    ],
    [
      'a valuation near the largest safe integer, one fen under',
      9_000_000_000_000_000,
      8_099_999_999_999_999,
      undefined,
      'RELIST_BELOW_90_PERCENT_NEEDS_APPROVAL',
    ],
    [
      'a malformed approval',
      100_000_000,
      50_000_000,
      { approver: 'x', documentSha256: 'g'.repeat(64) },
      'VALIDATION_FAILED',
    ],
  ])('%s → %s', (_name, valuation, listingPrice, approval, expected) => {
    expect(refusal(() => checkRelistPrice({ valuation, listingPrice, approval }))?.code).toBe(expected);
    expect(isBelowRelistThreshold(valuation, listingPrice)).toBe(
      listingPrice < lowestRelistPriceWithoutApproval(valuation),
    );
  });

  it.each([
    [100_000_000, 90_000_000],
    [1001, 901],
    [1, 1],
    [10, 9],
    [11, 10],
  ])('the lowest price without approval for a valuation of %i fen is %i fen', (valuation, lowest) => {
    expect(lowestRelistPriceWithoutApproval(valuation)).toBe(lowest);
    expect(isBelowRelistThreshold(valuation, lowest)).toBe(false);
    if (lowest > 1) expect(isBelowRelistThreshold(valuation, lowest - 1)).toBe(true);
  });

  it('says the lowest price in the refusal', () => {
    expect(refusal(() => checkRelistPrice({ valuation: 1001, listingPrice: 900 }))?.details).toEqual({
      valuation: 1001,
      listingPrice: 900,
      lowestWithoutApproval: 901,
    });
  });
});

describe('the end of disclosure', () => {
  it.each([
    [0, 'no_buyer'],
    [1, 'agreement'],
    [2, 'auction'],
    [17, 'auction'],
  ])('%i qualified buyer(s) → %s', (count, outcome) => {
    expect(endOfDisclosureOutcome(count)).toBe(outcome);
  });

  it.each([-1, 1.5, Number.NaN])('refuses a buyer count of %d', (count) => {
    expect(() => endOfDisclosureOutcome(count)).toThrow(RangeError);
  });

  it.each<[string, EndOfDisclosureFacts, EndOfDisclosureAction | undefined]>([
    [
      'no buyer, two extensions announced, none run',
      { qualifiedBuyers: 0, extensionPeriods: 2, extensionsUsed: 0 },
      'extend',
    ],
    [
      'no buyer, two announced, one run',
      { qualifiedBuyers: 0, extensionPeriods: 2, extensionsUsed: 1 },
      'extend',
    ],
    [
      'no buyer, both run: staff decide',
      { qualifiedBuyers: 0, extensionPeriods: 2, extensionsUsed: 2 },
      undefined,
    ],
    [
      'no buyer, none announced: staff decide',
      { qualifiedBuyers: 0, extensionPeriods: 0, extensionsUsed: 0 },
      undefined,
    ],
    ['one buyer', { qualifiedBuyers: 1, extensionPeriods: 2, extensionsUsed: 0 }, 'open_agreement'],
    [
      'one buyer after an extension',
      { qualifiedBuyers: 1, extensionPeriods: 2, extensionsUsed: 1 },
      'open_agreement',
    ],
    ['two buyers', { qualifiedBuyers: 2, extensionPeriods: 0, extensionsUsed: 0 }, 'open_auction'],
  ])('the job, %s → %s', (_name, facts, action) => {
    expect(automaticEndOfDisclosureAction(facts)).toBe(action);
  });

  const ENDED = { disclosureEndsOn: '2026-10-22', today: '2026-10-23' };
  it.each<
    [string, EndOfDisclosureAction, Partial<EndOfDisclosureFacts & typeof ENDED>, ErrorCode | undefined]
  >([
    ['extend on the last day of disclosure', 'extend', { today: '2026-10-22' }, 'DISCLOSURE_NOT_ENDED'],
    ['extend the day after', 'extend', {}, undefined],
    ['relist the day after', 'relist', {}, undefined],
    ['relist while announced extensions remain (staff may)', 'relist', { extensionsUsed: 0 }, undefined],
    ['relist before the end', 'relist', { today: '2026-10-01' }, 'DISCLOSURE_NOT_ENDED'],
    ['extend with a qualified buyer', 'extend', { qualifiedBuyers: 1 }, 'BUYER_COUNT_MISMATCH'],
    ['relist with two qualified buyers', 'relist', { qualifiedBuyers: 2 }, 'BUYER_COUNT_MISMATCH'],
    [
      'extend once every announced extension has run',
      'extend',
      { extensionsUsed: 1 },
      'EXTENSIONS_EXHAUSTED',
    ],
    ['extend when none was announced', 'extend', { extensionPeriods: 0 }, 'EXTENSIONS_EXHAUSTED'],
    ['open an agreement with one buyer', 'open_agreement', { qualifiedBuyers: 1 }, undefined],
    ['open an agreement with two', 'open_agreement', { qualifiedBuyers: 2 }, 'BUYER_COUNT_MISMATCH'],
    ['open an agreement with none', 'open_agreement', { qualifiedBuyers: 0 }, 'BUYER_COUNT_MISMATCH'],
    ['open an auction with two', 'open_auction', { qualifiedBuyers: 2 }, undefined],
    ['open an auction with one', 'open_auction', { qualifiedBuyers: 1 }, 'BUYER_COUNT_MISMATCH'],
    [
      'open an auction with one, before the end (the time is checked first)',
      'open_auction',
      { qualifiedBuyers: 1, today: '2026-10-22' },
      'DISCLOSURE_NOT_ENDED',
    ],
  ])('%s → %s', (_name, action, change, expected) => {
    const facts = { qualifiedBuyers: 0, extensionPeriods: 1, extensionsUsed: 0, ...ENDED, ...change };
    expect(refusal(() => checkEndOfDisclosureAction(action, facts))?.code).toBe(expected);
  });

  it('names the allowed actions when the buyer count does not fit', () => {
    const facts = { qualifiedBuyers: 1, extensionPeriods: 1, extensionsUsed: 0, ...ENDED };
    expect(refusal(() => checkEndOfDisclosureAction('open_auction', facts))?.details).toEqual({
      action: 'open_auction',
      qualifiedBuyers: 1,
      allowed: ['open_agreement'],
    });
  });

  it('every action the job chooses passes the staff check on the same facts', () => {
    for (let qualifiedBuyers = 0; qualifiedBuyers <= 3; qualifiedBuyers += 1)
      for (let extensionsUsed = 0; extensionsUsed <= 2; extensionsUsed += 1) {
        const facts = { qualifiedBuyers, extensionPeriods: 2, extensionsUsed, ...ENDED };
        const action = automaticEndOfDisclosureAction(facts);
        if (action) expect(refusal(() => checkEndOfDisclosureAction(action, facts))).toBeUndefined();
      }
  });
});

describe('the agreement price: no less than the listing price', () => {
  it.each<[number, ErrorCode | undefined]>([
    [50_000_000, undefined],
    [50_000_001, undefined],
    [49_999_999, 'AGREEMENT_PRICE_TOO_LOW'],
    [0, 'VALIDATION_FAILED'],
    [50_000_000.5, 'VALIDATION_FAILED'],
  ])('listing 50,000,000 fen, agreed at %d → %s', (price, expected) => {
    expect(refusal(() => checkAgreementPrice(50_000_000, price))?.code).toBe(expected);
  });
});

describe('deadlines after the deal, in business days', () => {
  it.each([
    [
      'a refund due 5 business days after a deal on 09-30, counting the make-up Saturday',
      depositRefundDueOn,
      '2026-09-30',
      '2026-10-13',
    ],
    ['a refund due after a deal on a Friday', depositRefundDueOn, '2026-11-20', '2026-11-27'],
    ['a refund due after a deal on a holiday', depositRefundDueOn, '2026-10-03', '2026-10-13'],
    [
      'the result published for 5 business days across 中秋节 and 国庆节',
      resultPublicationEnd,
      '2026-09-24',
      '2026-10-09',
    ],
    [
      'the result published before 春节 2026, counting the make-up Saturday 02-14',
      resultPublicationEnd,
      '2026-02-12',
      '2026-02-26',
    ],
  ])('%s', (_name, deadline, from, expected) => {
    expect(deadline(calendar, from)).toBe(expected);
    expect(calendar.businessDaysBetween(from, expected)).toBe(5);
  });

  it.each([
    ['the default 5 business days across 国庆节', '2026-09-24', undefined, '2026-10-09'],
    ['the default from the make-up Sunday', '2026-09-20', undefined, '2026-09-28'],
    ['a district setting of 20 business days', '2026-09-24', 20, '2026-10-29'],
    ['1 business day from the eve of 国庆节', '2026-09-30', 1, '2026-10-08'],
  ])('contract signing: %s (%s + %s)', (_name, confirmedOn, days, expected) => {
    expect(contractSigningDeadline(calendar, confirmedOn, days)).toBe(expected);
  });

  it.each([0, -1, 2.5])('refuses a signing period of %d business days', (days) => {
    expect(() => contractSigningDeadline(calendar, '2026-09-24', days)).toThrow(RangeError);
  });

  it.each<[string, string, ErrorCode | undefined]>([
    ['signed on the last day', '2026-10-09', undefined],
    ['signed early', '2026-09-25', undefined],
    ['signed the day after', '2026-10-10', 'CONTRACT_DEADLINE_PASSED'],
  ])('%s → %s', (_name, signedOn, expected) => {
    expect(refusal(() => checkContractSignedInTime(signedOn, '2026-10-09'))?.code).toBe(expected);
  });

  it('refuses a deadline in a year nobody has entered', () => {
    expect(refusal(() => depositRefundDueOn(calendar, '2026-12-29'))).toEqual({
      code: 'CALENDAR_YEAR_MISSING',
      details: { year: 2027 },
    });
  });
});

describe('a suspended disclosure keeps the business days it had left', () => {
  it.each([
    // endsOn, suspendedOn, resumedOn, new end
    [
      'paused Thu 09-24 to Wed 09-30 (3 business days lost across 中秋节) → 3 given back',
      '2026-10-22',
      '2026-09-24',
      '2026-09-30',
      '2026-10-27',
    ],
    [
      'paused over 国庆节 only (no business day lost) → the same last day',
      '2026-10-22',
      '2026-09-30',
      '2026-10-07',
      '2026-10-22',
    ],
    ['paused and resumed the same day → unchanged', '2026-10-22', '2026-10-12', '2026-10-12', '2026-10-22'],
    ['suspended after the last day → unchanged', '2026-10-22', '2026-10-23', '2026-10-30', '2026-10-22'],
    ['a clock that went backwards → unchanged', '2026-10-22', '2026-10-12', '2026-10-09', '2026-10-22'],
    [
      'a last day on a holiday, nothing left but holidays → open through the day it resumes',
      '2026-10-05',
      '2026-09-30',
      '2026-10-08',
      '2026-10-08',
    ],
  ])('%s', (_name, endsOn, suspendedOn, resumedOn, expected) => {
    expect(resumedDisclosureEnd(calendar, { endsOn, suspendedOn, resumedOn })).toBe(expected);
  });

  it('keeps the remaining count whatever the pause (every resume day in October 2026)', () => {
    const endsOn = '2026-10-22';
    const suspendedOn = '2026-09-24';
    const remaining = calendar.businessDaysBetween(suspendedOn, endsOn);
    for (let day = 25; day <= 31; day += 1) {
      const resumedOn = `2026-10-${day}`;
      const end = resumedDisclosureEnd(calendar, { endsOn, suspendedOn, resumedOn });
      expect(calendar.businessDaysBetween(resumedOn, end)).toBeGreaterThanOrEqual(remaining);
    }
  });

  it('refuses a new end in a year with no calendar', () => {
    expect(
      refusal(() =>
        resumedDisclosureEnd(calendar, {
          endsOn: '2026-12-30',
          suspendedOn: '2026-12-01',
          resumedOn: '2026-12-20',
        }),
      ),
    ).toEqual({ code: 'CALENDAR_YEAR_MISSING', details: { year: 2027 } });
  });
});

describe('auctionOpensAt: the announced time on the first business day after disclosure', () => {
  it.each([
    ['2026-09-30', '10:00', '2026-10-08T02:00:00.000Z', 'after 国庆节'],
    ['2026-10-09', '09:30', '2026-10-10T01:30:00.000Z', 'on the make-up Saturday'],
    ['2026-11-20', '14:00', '2026-11-23T06:00:00.000Z', 'the Monday after a Friday'],
  ])('disclosure ending %s, %s → %s (%s)', (endsOn, time, expected) => {
    expect(auctionOpensAt(calendar, endsOn, time, 'Asia/Shanghai').toISOString()).toBe(expected);
  });

  it.each(['24:00', '9:30', '10:60', ''])('refuses the time %j', (time) => {
    expect(() => auctionOpensAt(calendar, '2026-09-30', time, 'Asia/Shanghai')).toThrow(RangeError);
  });
});

describe('transferTermsViolations: the project as staff enter it', () => {
  const terms: TransferTerms = {
    title: '东湖区某国有企业100%股权转让',
    transferor: '南昌市东湖区国有资产运营有限公司',
    assetKind: 'equity',
    assetDescription: '标的企业100%股权',
    documents: [{ name: '资产评估报告.pdf', sha256: 'cd'.repeat(32) }],
    valuation: 1_000_000_00,
    listingPrice: 1_000_000_00,
    buyerConditions: '',
    deposit: 30_000_00,
    extensionPeriods: 2,
    increment: 10_000_00,
    auctionStartTime: '10:00',
    freeBiddingMinutes: 60,
    extensionSeconds: 300,
  };

  it('accepts a well-formed project (no buyer conditions, no documents is fine too)', () => {
    expect(transferTermsViolations(terms)).toEqual([]);
    expect(transferTermsViolations({ ...terms, documents: [] })).toEqual([]);
  });

  it.each<[string, Partial<TransferTerms>, string[]]>([
    ['no title', { title: ' ' }, ['title']],
    ['a title of 201 characters', { title: 'x'.repeat(201) }, ['title']],
    ['no transferor', { transferor: '' }, ['transferor']],
    ['an unknown asset kind', { assetKind: 'land' as TransferAssetKind }, ['assetKind']],
    ['a deposit above the listing price', { deposit: 1_000_000_01 }, ['deposit']],
    ['a zero increment', { increment: 0 }, ['increment']],
    ['a valuation in fractions of a fen', { valuation: 1.5 }, ['valuation']],
    ['13 extension periods', { extensionPeriods: 13 }, ['extensionPeriods']],
    ['a negative extension count', { extensionPeriods: -1 }, ['extensionPeriods']],
    [
      'a document hash in upper case',
      { documents: [{ name: 'a.pdf', sha256: 'CD'.repeat(32) }] },
      ['documents[0].sha256'],
    ],
    [
      'a document with no name',
      { documents: [{ name: '', sha256: 'cd'.repeat(32) }] },
      ['documents[0].name'],
    ],
    [
      '51 documents',
      { documents: Array.from({ length: 51 }, () => ({ name: 'a.pdf', sha256: 'cd'.repeat(32) })) },
      ['documents'],
    ],
    ['an auction time of 25:00', { auctionStartTime: '25:00' }, ['auctionStartTime']],
    ['a free period of 0 minutes', { freeBiddingMinutes: 0 }, ['freeBiddingMinutes']],
    ['a countdown of 3601 seconds', { extensionSeconds: 3601 }, ['extensionSeconds']],
    [
      'several at once',
      { title: '', deposit: 0, extensionPeriods: 1.5 },
      ['title', 'deposit', 'extensionPeriods'],
    ],
  ])('%s → %j', (_name, change, fields) => {
    expect(transferTermsViolations({ ...terms, ...change }).map(({ field }) => field)).toEqual(fields);
  });
});
