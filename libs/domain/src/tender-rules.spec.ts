import { addCalendarDays, BusinessCalendar } from './business-calendar.js';
import { DomainError, type ErrorCode } from './errors.js';
import { OFFICIAL_CALENDARS } from './official-calendars.js';
import {
  applicationsDueAfterAmendment,
  bidDeadlineAfterAmendment,
  calendarDaysBetween,
  checkBidPeriod,
  checkTenderSchedule,
  checkCandidateObjectionInTime,
  nextCandidateAfterWithdrawals,
  checkCandidatePublicity,
  checkContractInTime,
  checkDepositLimit,
  checkDocumentSale,
  checkEnoughBids,
  checkObjectionInTime,
  checkPrequalificationPeriod,
  checkPrequalificationSale,
  checkPrequalificationSchedule,
  checkPublicityEnded,
  contractDueOn,
  earliestBidDeadline,
  isOverdue,
  maxDeposit,
  objectionReplyDueOn,
  openingOutcome,
  prequalificationDeadlines,
  prequalificationOutcome,
  type PrequalificationSchedule,
  resumedCalendarPeriodEnd,
  tenderScheduleAfterPrequalification,
  tenderDepositRefundDueOn,
  tenderDeadlines,
  type TenderSchedule,
} from './tender-rules.js';

/** The code a call throws (undefined when it does not throw), and its details. */
function refusal(attempt: () => unknown): { code: ErrorCode; details: any } | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: error.details };
  }
}

/*
 * 日 are calendar days: holidays do not stop them. Each rule is tried on its last allowed day, the
 * day before it and the day after it, once in an ordinary month and once across National Day 2026
 * (Oct 1–7 off; Sep 20 and Oct 10 worked), where a business-day count would give other dates.
 * The day of the event is day 0.
 */
describe('documents on sale ≥ 5 days', () => {
  it.each<[string, string, string, boolean]>([
    ['4th day', '2026-11-02', '2026-11-06', false],
    ['5th day', '2026-11-02', '2026-11-07', true],
    ['6th day', '2026-11-02', '2026-11-08', true],
    ['across National Day, 4th day', '2026-09-29', '2026-10-03', false],
    ['across National Day, 5th day (a holiday)', '2026-09-29', '2026-10-04', true],
    ['same day', '2026-11-02', '2026-11-02', false],
  ])('%s: %s → %s accepted: %s', (_name, saleStartsOn, saleEndsOn, accepted) => {
    const result = refusal(() => checkDocumentSale({ saleStartsOn, saleEndsOn }));
    if (accepted) expect(result).toBeUndefined();
    else {
      expect(result?.code).toBe('DOCUMENT_SALE_TOO_SHORT');
      expect(result?.details.earliestSaleEndsOn).toBe(
        saleStartsOn === '2026-11-02' ? '2026-11-07' : '2026-10-04',
      );
    }
  });
});

describe('bid deadline ≥ 20 days after the documents are issued (BID_PERIOD_TOO_SHORT)', () => {
  it.each<[string, string, string, boolean]>([
    ['19 days', '2026-11-02', '2026-11-21', false],
    ['20 days', '2026-11-02', '2026-11-22', true],
    ['21 days', '2026-11-02', '2026-11-23', true],
    ['across National Day, 19 days', '2026-09-21', '2026-10-10', false],
    ['across National Day, 20 days (holidays count as days)', '2026-09-21', '2026-10-11', true],
    ['across a month end, 19 days', '2026-01-20', '2026-02-08', false],
    ['across a month end, 20 days', '2026-01-20', '2026-02-09', true],
  ])('%s: issued %s, deadline %s → accepted: %s', (_name, documentsIssuedOn, bidDeadlineOn, accepted) => {
    const result = refusal(() => checkBidPeriod({ documentsIssuedOn, bidDeadlineOn }));
    if (accepted) expect(result).toBeUndefined();
    else
      expect(result).toEqual({
        code: 'BID_PERIOD_TOO_SHORT',
        details: {
          documentsIssuedOn,
          bidDeadlineOn,
          requiredDays: 20,
          unit: 'days',
          earliestBidDeadlineOn: earliestBidDeadline(documentsIssuedOn),
        },
      });
  });

  it('gives the 20th day as the earliest deadline', () => {
    expect(earliestBidDeadline('2026-09-21')).toBe('2026-10-11');
    expect(calendarDaysBetween('2026-09-21', '2026-10-11')).toBe(20);
  });

  it.each([['2026-02-30'], ['20261102'], ['']])(
    'refuses a malformed date %j with VALIDATION_FAILED',
    (date) => {
      expect(
        refusal(() => checkBidPeriod({ documentsIssuedOn: date, bidDeadlineOn: '2026-12-01' }))?.code,
      ).toBe('VALIDATION_FAILED');
    },
  );
});

describe('prequalification applications ≥ 5 days after the sale ends', () => {
  it.each<[string, string, boolean]>([
    ['2026-11-06', '2026-11-10', false],
    ['2026-11-06', '2026-11-11', true],
    ['2026-11-06', '2026-11-12', true],
    ['2026-09-30', '2026-10-04', false],
    ['2026-09-30', '2026-10-05', true],
  ])('sale ends %s, applications due %s → accepted: %s', (saleEndsOn, applicationsDueOn, accepted) => {
    const result = refusal(() => checkPrequalificationPeriod({ saleEndsOn, applicationsDueOn }));
    if (accepted) expect(result).toBeUndefined();
    else {
      expect(result?.code).toBe('PREQUALIFICATION_PERIOD_TOO_SHORT');
      expect(result?.details.earliestApplicationsDueOn).toBe(
        saleEndsOn === '2026-11-06' ? '2026-11-11' : '2026-10-05',
      );
    }
  });

  it.each<[number, 'prequalified' | 'failed']>([
    [0, 'failed'],
    [2, 'failed'],
    [3, 'prequalified'],
    [10, 'prequalified'],
  ])('%d pass → %s', (passed, outcome) => {
    expect(prequalificationOutcome(passed)).toBe(outcome);
  });
});

describe('an amendment < 15 days before the deadline moves it to 15 days after the amendment', () => {
  it.each<[string, string, string, boolean, string, boolean]>([
    // name, deadline, amendment issued, affects bids, new deadline, moved
    ['16 days before: stays', '2026-12-01', '2026-11-15', true, '2026-12-01', false],
    ['exactly 15 days before: stays', '2026-12-01', '2026-11-16', true, '2026-12-01', false],
    ['14 days before: one day later', '2026-12-01', '2026-11-17', true, '2026-12-02', true],
    ['on the deadline day: 15 days later', '2026-12-01', '2026-12-01', true, '2026-12-16', true],
    ['across National Day: calendar days', '2026-10-10', '2026-09-28', true, '2026-10-13', true],
    ['late but cannot affect the bids: stays', '2026-12-01', '2026-11-28', false, '2026-12-01', false],
  ])('%s', (_name, bidDeadlineOn, issuedOn, affectsBidPreparation, expected, moved) => {
    expect(bidDeadlineAfterAmendment({ bidDeadlineOn, issuedOn, affectsBidPreparation })).toEqual({
      bidDeadlineOn: expected,
      moved,
    });
  });

  it.each<[string, string, string, boolean]>([
    ['2026-11-20', '2026-11-17', '2026-11-20', false],
    ['2026-11-20', '2026-11-18', '2026-11-21', true],
  ])(
    'prequalification: due %s, amended %s → %s (moved %s)',
    (applicationsDueOn, issuedOn, expected, moved) => {
      expect(
        applicationsDueAfterAmendment({ applicationsDueOn, issuedOn, affectsApplications: true }),
      ).toEqual({
        applicationsDueOn: expected,
        moved,
      });
    },
  );
});

describe('objections to the documents: 10 days before the deadline (2 for prequalification), answered in 3', () => {
  it.each<[string, 'tender_documents' | 'prequalification_documents', string, string, string | undefined]>([
    ['11 days before', 'tender_documents', '2026-12-01', '2026-11-20', undefined],
    ['10 days before', 'tender_documents', '2026-12-01', '2026-11-21', undefined],
    ['9 days before', 'tender_documents', '2026-12-01', '2026-11-22', '2026-11-21'],
    ['across National Day, 9 days before', 'tender_documents', '2026-10-09', '2026-09-30', '2026-09-29'],
    ['prequalification, 2 days before', 'prequalification_documents', '2026-11-20', '2026-11-18', undefined],
    [
      'prequalification, 1 day before',
      'prequalification_documents',
      '2026-11-20',
      '2026-11-19',
      '2026-11-18',
    ],
  ])('%s', (_name, target, deadlineOn, filedOn, latest) => {
    const result = refusal(() => checkObjectionInTime({ target, deadlineOn, filedOn }));
    if (latest === undefined) expect(result).toBeUndefined();
    else {
      expect(result?.code).toBe('OBJECTION_TOO_LATE');
      expect(result?.details.latestFiledOn).toBe(latest);
    }
  });

  it.each<[string, string, string | null, string, boolean]>([
    ['received', '2026-09-30', null, '2026-10-03', false],
    ['a day past, unanswered', '2026-09-30', null, '2026-10-04', true],
    ['answered on the last day', '2026-09-30', '2026-10-03', '2026-10-09', false],
    ['answered a day late', '2026-09-30', '2026-10-04', '2026-10-09', true],
  ])(
    'reply due 3 days after receipt (holidays included): %s',
    (_name, receivedOn, answeredOn, today, overdue) => {
      const dueOn = objectionReplyDueOn(receivedOn);
      expect(dueOn).toBe('2026-10-03');
      expect(isOverdue(dueOn, answeredOn, today)).toBe(overdue);
    },
  );

  it.each<[string, string, string, string, string]>([
    ['paused with 5 days left, resumed 4 days later', '2026-11-20', '2026-11-15', '2026-11-19', '2026-11-24'],
    ['resumed the same day: unchanged', '2026-11-20', '2026-11-15', '2026-11-15', '2026-11-20'],
    ['paused after the end: unchanged', '2026-11-20', '2026-11-21', '2026-11-25', '2026-11-20'],
    ['paused on the last day, resumed 2 days later', '2026-11-20', '2026-11-20', '2026-11-22', '2026-11-22'],
    ['paused 12 days before, 3 days across a month', '2026-12-02', '2026-11-20', '2026-11-23', '2026-12-05'],
  ])('a pause gives the remaining days back: %s', (_name, endsOn, pausedOn, resumedOn, expected) => {
    expect(resumedCalendarPeriodEnd({ endsOn, pausedOn, resumedOn })).toBe(expected);
  });
});

describe('deposit ≤ 2% of the estimate, exactly in fen', () => {
  it.each<[string, number, number, boolean, number]>([
    // estimate, deposit, accepted, max
    ['exactly 2%', 100_000_000, 2_000_000, true, 2_000_000],
    ['one fen over', 100_000_000, 2_000_001, false, 2_000_000],
    ['one fen under', 100_000_000, 1_999_999, true, 2_000_000],
    ['an estimate not divisible by 50: the limit rounds down', 100_000_049, 2_000_000, true, 2_000_000],
    ['… and 1 fen more is over', 100_000_049, 2_000_001, false, 2_000_000],
    ['the largest safe estimate', Number.MAX_SAFE_INTEGER, 180_143_985_094_819, true, 180_143_985_094_819],
    [
      'the largest safe estimate, 1 fen over',
      Number.MAX_SAFE_INTEGER,
      180_143_985_094_820,
      false,
      180_143_985_094_819,
    ],
    ['a tiny estimate allows 0: any deposit is over', 49, 1, false, 0],
  ])('%s', (_name, baseAmount, deposit, accepted, max) => {
    expect(maxDeposit(baseAmount)).toBe(max);
    const result = refusal(() => checkDepositLimit({ base: 'estimatedPrice', baseAmount, deposit }));
    if (accepted) expect(result).toBeUndefined();
    else
      expect(result).toEqual({
        code: 'DEPOSIT_ABOVE_LIMIT',
        details: { base: 'estimatedPrice', maxPercent: 2, maxDeposit: max },
      });
  });

  it.each<[number, number]>([
    [0, 100],
    [100_000, 0],
    [1.5, 1],
    [100_000, -1],
  ])('refuses %d / %d as not fen', (baseAmount, deposit) => {
    expect(refusal(() => checkDepositLimit({ base: 'budget', baseAmount, deposit }))?.code).toBe(
      'VALIDATION_FAILED',
    );
  });
});

describe('fewer than 3 bids → failed', () => {
  it.each<[number, 'evaluating' | 'failed']>([
    [0, 'failed'],
    [2, 'failed'],
    [3, 'evaluating'],
    [4, 'evaluating'],
  ])('%d bids at the opening → %s', (bids, outcome) => {
    expect(openingOutcome(bids)).toBe(outcome);
    expect(refusal(() => checkEnoughBids(bids))?.code).toBe(
      outcome === 'failed' ? 'TOO_FEW_BIDS' : undefined,
    );
  });
});

describe('candidates: published within 3 days of the report, for ≥ 3 days; the award after', () => {
  it.each<[string, string, string, string, ErrorCode | undefined, string | undefined]>([
    ['starts on day 3, ends on day 3 after', '2026-11-02', '2026-11-05', '2026-11-08', undefined, undefined],
    [
      'starts on day 4',
      '2026-11-02',
      '2026-11-06',
      '2026-11-09',
      'CANDIDATE_PUBLICITY_TOO_LATE',
      '2026-11-05',
    ],
    [
      'starts on the report day, 2 days long',
      '2026-11-02',
      '2026-11-02',
      '2026-11-04',
      'CANDIDATE_PUBLICITY_TOO_SHORT',
      '2026-11-05',
    ],
    ['starts on the report day, 3 days long', '2026-11-02', '2026-11-02', '2026-11-05', undefined, undefined],
    [
      'across National Day: day 3 is a holiday and counts',
      '2026-09-30',
      '2026-10-03',
      '2026-10-06',
      undefined,
      undefined,
    ],
    [
      'across National Day: day 4 is too late',
      '2026-09-30',
      '2026-10-04',
      '2026-10-08',
      'CANDIDATE_PUBLICITY_TOO_LATE',
      '2026-10-03',
    ],
  ])('%s', (_name, reportReceivedOn, startsOn, endsOn, code, boundary) => {
    const result = refusal(() => checkCandidatePublicity({ reportReceivedOn, startsOn, endsOn }));
    expect(result?.code).toBe(code);
    if (code === 'CANDIDATE_PUBLICITY_TOO_LATE') expect(result?.details.latestStartsOn).toBe(boundary);
    if (code === 'CANDIDATE_PUBLICITY_TOO_SHORT') expect(result?.details.earliestEndsOn).toBe(boundary);
  });

  it.each<[string, boolean]>([
    ['2026-11-07', false],
    ['2026-11-08', false],
    ['2026-11-09', true],
  ])('publicity ending 2026-11-08: award on %s allowed: %s', (today, allowed) => {
    const result = refusal(() => checkPublicityEnded({ endsOn: '2026-11-08', today }));
    if (allowed) expect(result).toBeUndefined();
    else
      expect(result).toEqual({
        code: 'PUBLICITY_NOT_ENDED',
        details: { endsOn: '2026-11-08', earliestOn: '2026-11-09' },
      });
  });
});

describe('contract within 30 days of the award notice', () => {
  it.each<[string, string, string, boolean]>([
    ['day 29', '2026-11-02', '2026-12-01', true],
    ['day 30', '2026-11-02', '2026-12-02', true],
    ['day 31', '2026-11-02', '2026-12-03', false],
    ['across National Day, day 30', '2026-09-20', '2026-10-20', true],
    ['across National Day, day 31', '2026-09-20', '2026-10-21', false],
  ])('%s', (_name, awardNoticeOn, signedOn, accepted) => {
    const result = refusal(() => checkContractInTime({ awardNoticeOn, signedOn }));
    if (accepted) expect(result).toBeUndefined();
    else {
      expect(result?.code).toBe('CONTRACT_DEADLINE_PASSED');
      expect(result?.details.dueOn).toBe(contractDueOn(awardNoticeOn));
    }
  });
});

describe('deposits refunded within 5 days of the contract, winner and losers alike', () => {
  it.each<[string, string]>([
    ['2026-11-02', '2026-11-07'],
    ['2026-09-30', '2026-10-05'],
  ])('contract %s → refunds due by %s (calendar days, holidays included)', (signedOn, dueOn) => {
    expect(tenderDepositRefundDueOn(signedOn)).toBe(dueOn);
    expect(isOverdue(dueOn, null, dueOn)).toBe(false);
    expect(isOverdue(dueOn, null, '2026-12-31')).toBe(true);
  });
});

describe('the schedule as staff enter it', () => {
  const schedule: TenderSchedule = {
    saleStartsOn: '2026-11-02',
    saleEndsOn: '2026-11-07',
    documentsIssuedOn: '2026-11-02',
    bidDeadlineOn: '2026-11-22',
  };

  it('computes every statutory date to show', () => {
    expect(tenderDeadlines(schedule)).toEqual({
      earliestSaleEndsOn: '2026-11-07',
      earliestBidDeadlineOn: '2026-11-22',
      documentObjectionsUntilOn: '2026-11-12',
      amendmentsWithoutMoveUntilOn: '2026-11-07',
    });
  });

  it.each<[string, Partial<TenderSchedule>, ErrorCode | undefined]>([
    ['every minimum exactly', {}, undefined],
    ['a sale of 4 days', { saleEndsOn: '2026-11-06' }, 'DOCUMENT_SALE_TOO_SHORT'],
    ['a bid deadline 19 days after the documents', { bidDeadlineOn: '2026-11-21' }, 'BID_PERIOD_TOO_SHORT'],
    ['documents issued before the sale starts', { documentsIssuedOn: '2026-11-01' }, 'VALIDATION_FAILED'],
    ['the deadline inside the sale', { saleEndsOn: '2026-11-25' }, 'VALIDATION_FAILED'],
    ['an impossible date', { bidDeadlineOn: '2026-11-31' }, 'VALIDATION_FAILED'],
  ])('%s → %s', (_name, change, code) => {
    expect(refusal(() => checkTenderSchedule({ ...schedule, ...change }))?.code).toBe(code);
  });
});

describe('objections to the candidates: during their publicity (实施条例 第54条)', () => {
  it.each<[string, string, string | undefined, string | undefined]>([
    ['the day before it starts', '2026-11-09', 'CANDIDATE_OBJECTION_NOT_OPEN', '2026-11-10'],
    ['its first day', '2026-11-10', undefined, undefined],
    ['its last day', '2026-11-13', undefined, undefined],
    ['the day after it ends', '2026-11-14', 'CANDIDATE_OBJECTION_TOO_LATE', '2026-11-13'],
  ])('%s', (_name, filedOn, code, boundary) => {
    const result = refusal(() =>
      checkCandidateObjectionInTime({ startsOn: '2026-11-10', endsOn: '2026-11-13', filedOn }),
    );
    expect(result?.code).toBe(code);
    if (code === 'CANDIDATE_OBJECTION_NOT_OPEN') expect(result?.details.earliestFiledOn).toBe(boundary);
    if (code === 'CANDIDATE_OBJECTION_TOO_LATE') expect(result?.details.latestFiledOn).toBe(boundary);
  });

  it('refuses a date that is not one', () => {
    expect(
      refusal(() =>
        checkCandidateObjectionInTime({ startsOn: '2026-11-10', endsOn: '2026-11-13', filedOn: 'x' }),
      )?.code,
    ).toBe('VALIDATION_FAILED');
  });
});

describe('the next candidate once some dropped out (实施条例 第55条)', () => {
  it.each<[string, string[], string | null]>([
    ['nobody dropped: the first', [], 'a'],
    ['the first gave up: the second', ['a'], 'b'],
    ['the first two: the third', ['b', 'a'], 'c'],
    ['the second only: still the first', ['b'], 'a'],
    ['all three: none (the tender fails)', ['a', 'b', 'c'], null],
  ])('%s', (_name, withdrawn, expected) => {
    expect(nextCandidateAfterWithdrawals(['a', 'b', 'c'], withdrawn)).toBe(expected);
  });
});

describe('a prequalification’s own schedule (实施条例 第16、17条), before the tender’s', () => {
  // The tender documents' sale starts after the applications are due.
  const tender = { saleStartsOn: '2026-11-20' };
  const schedule: PrequalificationSchedule = {
    saleStartsOn: '2026-11-02',
    saleEndsOn: '2026-11-07',
    applicationsDueOn: '2026-11-12',
  };

  it.each<
    [string, Partial<PrequalificationSchedule>, string, ErrorCode | undefined, Record<string, string> | null]
  >([
    ['every minimum exactly', {}, tender.saleStartsOn, undefined, null],
    [
      'a sale of 4 days',
      { saleEndsOn: '2026-11-06', applicationsDueOn: '2026-11-12' },
      tender.saleStartsOn,
      'PREQUALIFICATION_SALE_TOO_SHORT',
      { earliestSaleEndsOn: '2026-11-07' },
    ],
    [
      'applications due 4 days after the sale',
      { applicationsDueOn: '2026-11-11' },
      tender.saleStartsOn,
      'PREQUALIFICATION_PERIOD_TOO_SHORT',
      { earliestApplicationsDueOn: '2026-11-12' },
    ],
    // 日 are calendar days: the National Day holiday (2026-10-01 to 10-07, days off in the
    // business calendar) counts like any other day, for the sale and for the applications.
    [
      'a sale across the National Day holiday, 5 days exactly',
      { saleStartsOn: '2026-09-30', saleEndsOn: '2026-10-05', applicationsDueOn: '2026-10-10' },
      '2026-10-12',
      undefined,
      null,
    ],
    [
      'a sale across the National Day holiday, 4 days',
      { saleStartsOn: '2026-09-30', saleEndsOn: '2026-10-04', applicationsDueOn: '2026-10-10' },
      '2026-10-12',
      'PREQUALIFICATION_SALE_TOO_SHORT',
      { earliestSaleEndsOn: '2026-10-05' },
    ],
    [
      'applications due 4 days after a sale ending in the holiday',
      { saleStartsOn: '2026-09-26', saleEndsOn: '2026-10-01', applicationsDueOn: '2026-10-05' },
      '2026-10-12',
      'PREQUALIFICATION_PERIOD_TOO_SHORT',
      { earliestApplicationsDueOn: '2026-10-06' },
    ],
    [
      'applications due on the tender documents’ first day of sale',
      {},
      '2026-11-12',
      'VALIDATION_FAILED',
      null,
    ],
    [
      'an impossible date',
      { applicationsDueOn: '2026-11-31' },
      tender.saleStartsOn,
      'VALIDATION_FAILED',
      null,
    ],
  ])('%s → %s', (_name, change, saleStartsOn, code, details) => {
    const result = refusal(() => checkPrequalificationSchedule({ ...schedule, ...change }, { saleStartsOn }));
    expect(result?.code).toBe(code);
    if (details) expect(result?.details).toMatchObject(details);
  });

  it('counts the holiday’s days off as days (the business calendar marks them, the period does not skip them)', () => {
    const calendar = new BusinessCalendar(OFFICIAL_CALENDARS);
    const days = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05'];
    expect(days.map((day) => calendar.isBusinessDay(day))).toEqual([false, false, false, false, false]);
    expect(
      refusal(() => checkPrequalificationSale({ saleStartsOn: '2026-09-30', saleEndsOn: '2026-10-05' })),
    ).toBeUndefined();
  });

  it('computes every statutory date to show: objections 2 days before the applications are due', () => {
    expect(prequalificationDeadlines(schedule)).toEqual({
      earliestSaleEndsOn: '2026-11-07',
      earliestApplicationsDueOn: '2026-11-12',
      objectionsUntilOn: '2026-11-10',
      amendmentsWithoutMoveUntilOn: '2026-11-09',
    });
  });

  it.each<[string, string, number, string]>([
    ['the day before the tender documents’ sale', '2026-11-19', 0, '2026-11-20'],
    ['on the sale’s first day', '2026-11-20', 0, '2026-11-20'],
    ['3 days late: every period moves by 3', '2026-11-23', 3, '2026-11-23'],
  ])('a result notified %s', (_name, resultOn, movedDays, saleStartsOn) => {
    const before: TenderSchedule = {
      saleStartsOn: '2026-11-20',
      saleEndsOn: '2026-11-25',
      documentsIssuedOn: '2026-11-20',
      bidDeadlineOn: '2026-12-10',
    };
    const after = tenderScheduleAfterPrequalification(before, resultOn);
    expect(after.movedDays).toBe(movedDays);
    expect(after.schedule.saleStartsOn).toBe(saleStartsOn);
    expect(after.schedule.saleEndsOn).toBe(addCalendarDays(before.saleEndsOn, movedDays));
    expect(after.schedule.documentsIssuedOn).toBe(addCalendarDays(before.documentsIssuedOn, movedDays));
    expect(after.schedule.bidDeadlineOn).toBe(addCalendarDays(before.bidDeadlineOn, movedDays));
  });
});
