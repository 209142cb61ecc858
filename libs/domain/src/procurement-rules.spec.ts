import { BusinessCalendar } from './business-calendar.js';
import { DomainError, type ErrorCode } from './errors.js';
import { OFFICIAL_CALENDARS } from './official-calendars.js';
import { PROCUREMENT_METHODS, type ProcurementMethod } from './procurement-lifecycle.js';
import {
  awardDecisionDueOn,
  checkAwardDecisionInTime,
  checkCallOff,
  checkCallOffWithinBudget,
  checkDocumentsAvailable,
  checkEnoughSuppliers,
  checkProcurementSchedule,
  type ProcurementSchedule,
  checkProcurementContractInTime,
  checkProcurementSuspension,
  checkQualificationCall,
  checkResponsePeriod,
  checkSingleSourcePublicity,
  contractPublicationDueOn,
  earliestResponseDeadline,
  pickInvitedSuppliers,
  procurementContractDueOn,
  procurementDepositRefundDueOn,
  reportDueOn,
  responseDeadlineAfterAmendment,
  resultAnnouncementDueOn,
  supplierOutcome,
} from './procurement-rules.js';
import { checkDepositLimit } from './tender-rules.js';

const calendar = new BusinessCalendar(OFFICIAL_CALENDARS);

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
 * National Day 2026: 中秋节 Fri 09-25 to Sun 09-27, 国庆节 Thu 10-01 to Wed 10-07; Sunday 09-20 and
 * Saturday 10-10 are make-up working days. The day of the event is day 0.
 */
describe('response period per method: one day / business day before and after the earliest deadline', () => {
  it.each<[string, ProcurementMethod, string, string, ErrorCode | undefined]>([
    // open and invited tender, framework agreement: 20 days
    ['open tender, 19 days', 'open_tender', '2026-11-02', '2026-11-21', 'BID_PERIOD_TOO_SHORT'],
    ['open tender, 20 days', 'open_tender', '2026-11-02', '2026-11-22', undefined],
    [
      'open tender across National Day, 19 days',
      'open_tender',
      '2026-09-21',
      '2026-10-10',
      'BID_PERIOD_TOO_SHORT',
    ],
    ['open tender across National Day, 20 days', 'open_tender', '2026-09-21', '2026-10-11', undefined],
    ['invited tender, 19 days', 'invited_tender', '2026-11-02', '2026-11-21', 'BID_PERIOD_TOO_SHORT'],
    ['framework agreement, 20 days', 'framework_agreement', '2026-11-02', '2026-11-22', undefined],
    // consultation: 10 days
    [
      'consultation across National Day, 9 days',
      'competitive_consultation',
      '2026-09-28',
      '2026-10-07',
      'RESPONSE_PERIOD_TOO_SHORT',
    ],
    [
      'consultation across National Day, 10 days',
      'competitive_consultation',
      '2026-09-28',
      '2026-10-08',
      undefined,
    ],
    ['consultation, 11 days', 'competitive_consultation', '2026-09-28', '2026-10-09', undefined],
    // negotiation and quotation: 3 business days
    [
      'negotiation, 2 business days',
      'competitive_negotiation',
      '2026-11-02',
      '2026-11-04',
      'RESPONSE_PERIOD_TOO_SHORT',
    ],
    ['negotiation, 3 business days', 'competitive_negotiation', '2026-11-02', '2026-11-05', undefined],
    [
      'negotiation across National Day: the 3rd is the make-up Saturday',
      'competitive_negotiation',
      '2026-09-30',
      '2026-10-10',
      undefined,
    ],
    [
      'negotiation across National Day: 2 business days',
      'competitive_negotiation',
      '2026-09-30',
      '2026-10-09',
      'RESPONSE_PERIOD_TOO_SHORT',
    ],
    [
      'negotiation across National Day: 4 business days',
      'competitive_negotiation',
      '2026-09-30',
      '2026-10-12',
      undefined,
    ],
    [
      'quotation across National Day: the last holiday is not a business day',
      'request_for_quotation',
      '2026-09-29',
      '2026-10-07',
      'RESPONSE_PERIOD_TOO_SHORT',
    ],
    [
      'quotation across National Day: 3 business days',
      'request_for_quotation',
      '2026-09-29',
      '2026-10-09',
      undefined,
    ],
    // single source has no response period
    ['single source: no period', 'single_source', '2026-11-02', '2026-11-02', undefined],
  ])('%s', (_name, method, documentsIssuedOn, deadlineOn, code) => {
    const result = refusal(() => checkResponsePeriod(calendar, { method, documentsIssuedOn, deadlineOn }));
    expect(result?.code).toBe(code);
    if (code)
      expect(result?.details.earliestDeadlineOn).toBe(
        earliestResponseDeadline(calendar, method, documentsIssuedOn),
      );
  });

  it.each<[ProcurementMethod, string, string | null]>([
    ['competitive_negotiation', '2026-09-30', '2026-10-10'],
    ['request_for_quotation', '2026-09-29', '2026-10-09'],
    ['competitive_consultation', '2026-09-28', '2026-10-08'],
    ['open_tender', '2026-09-21', '2026-10-11'],
    ['single_source', '2026-09-21', null],
  ])('%s issued %s: earliest deadline %s', (method, issuedOn, earliest) => {
    expect(earliestResponseDeadline(calendar, method, issuedOn)).toBe(earliest);
  });

  it('refuses a count through a year with no calendar', () => {
    expect(
      refusal(() =>
        checkResponsePeriod(calendar, {
          method: 'competitive_negotiation',
          documentsIssuedOn: '2026-12-30',
          deadlineOn: '2027-01-04',
        }),
      ),
    ).toEqual({ code: 'CALENDAR_YEAR_MISSING', details: { year: 2027 } });
  });
});

describe('documents available ≥ 5 business days (tenders, consultation, framework)', () => {
  it.each<[string, ProcurementMethod, string, string, string | undefined]>([
    ['4 business days: the make-up Sunday counts', 'open_tender', '2026-09-18', '2026-09-23', '2026-09-24'],
    ['5 business days', 'open_tender', '2026-09-18', '2026-09-24', undefined],
    [
      'across National Day, to the make-up Saturday (4th)',
      'competitive_consultation',
      '2026-09-29',
      '2026-10-10',
      '2026-10-12',
    ],
    [
      'across National Day, 5 business days',
      'competitive_consultation',
      '2026-09-29',
      '2026-10-12',
      undefined,
    ],
    ['across National Day, 6 business days', 'invited_tender', '2026-09-29', '2026-10-13', undefined],
    ['negotiation has no such minimum', 'competitive_negotiation', '2026-09-29', '2026-09-29', undefined],
  ])('%s', (_name, method, availableFrom, availableUntil, earliest) => {
    const result = refusal(() =>
      checkDocumentsAvailable(calendar, { method, availableFrom, availableUntil }),
    );
    if (earliest === undefined) expect(result).toBeUndefined();
    else {
      expect(result?.code).toBe('DOCUMENT_SALE_TOO_SHORT');
      expect(result?.details).toMatchObject({ required: 5, unit: 'business_days', earliestUntil: earliest });
    }
  });

  it.each<[string, string, boolean]>([
    ['2026-10-10', '2026-10-12', false],
    ['2026-10-12', '2026-10-12', true],
  ])(
    "an invited tender's call for qualification ending %s (earliest %s) accepted: %s",
    (endsOn, earliest, accepted) => {
      const result = refusal(() => checkQualificationCall(calendar, { publishedOn: '2026-09-29', endsOn }));
      if (accepted) expect(result).toBeUndefined();
      else expect(result?.details.earliestEndsOn).toBe(earliest);
      if (!accepted) expect(result?.code).toBe('PREQUALIFICATION_PERIOD_TOO_SHORT');
    },
  );
});

describe('single-source publicity ≥ 5 business days', () => {
  it.each<[string, string, string, boolean]>([
    ['ordinary week, 4 business days', '2026-11-02', '2026-11-06', false],
    ['ordinary week, 5 business days (the next Monday)', '2026-11-02', '2026-11-09', true],
    ['across National Day, to Sunday 10-11 (4 business days)', '2026-09-29', '2026-10-11', false],
    ['across National Day, to Monday 10-12 (5)', '2026-09-29', '2026-10-12', true],
    ['across National Day, to Tuesday 10-13 (6)', '2026-09-29', '2026-10-13', true],
  ])('%s', (_name, startsOn, endsOn, accepted) => {
    const result = refusal(() => checkSingleSourcePublicity(calendar, { startsOn, endsOn }));
    if (accepted) expect(result).toBeUndefined();
    else {
      expect(result?.code).toBe('SINGLE_SOURCE_PUBLICITY_TOO_SHORT');
      expect(result?.details.earliestEndsOn).toBe(startsOn === '2026-11-02' ? '2026-11-09' : '2026-10-12');
    }
  });
});

describe('amendments move the deadline by the method’s lead', () => {
  it.each<[string, ProcurementMethod, string, string, string, boolean]>([
    ['open tender, exactly 15 days before', 'open_tender', '2026-10-20', '2026-10-05', '2026-10-20', false],
    ['open tender, 14 days before', 'open_tender', '2026-10-20', '2026-10-06', '2026-10-21', true],
    [
      'consultation, exactly 5 days before',
      'competitive_consultation',
      '2026-10-10',
      '2026-10-05',
      '2026-10-10',
      false,
    ],
    [
      'consultation, 4 days before',
      'competitive_consultation',
      '2026-10-10',
      '2026-10-06',
      '2026-10-11',
      true,
    ],
    [
      'negotiation, 3 business days across the holidays',
      'competitive_negotiation',
      '2026-10-09',
      '2026-09-29',
      '2026-10-09',
      false,
    ],
    [
      'negotiation, one business day short',
      'competitive_negotiation',
      '2026-10-09',
      '2026-09-30',
      '2026-10-10',
      true,
    ],
    [
      'quotation, on the deadline day',
      'request_for_quotation',
      '2026-11-05',
      '2026-11-05',
      '2026-11-10',
      true,
    ],
  ])('%s', (_name, method, deadlineOn, issuedOn, expected, moved) => {
    expect(
      responseDeadlineAfterAmendment(calendar, { method, deadlineOn, issuedOn, affectsResponses: true }),
    ).toEqual({
      deadlineOn: expected,
      moved,
    });
  });

  it('an amendment that cannot affect the responses leaves the deadline', () => {
    expect(
      responseDeadlineAfterAmendment(calendar, {
        method: 'open_tender',
        deadlineOn: '2026-10-20',
        issuedOn: '2026-10-19',
        affectsResponses: false,
      }),
    ).toEqual({ deadlineOn: '2026-10-20', moved: false });
  });
});

describe('evaluation report → award decision → announcement → contract → its publication', () => {
  it('chains business days across National Day', () => {
    expect(reportDueOn(calendar, '2026-09-30')).toBe('2026-10-09');
    expect(awardDecisionDueOn(calendar, '2026-10-09')).toBe('2026-10-15');
    expect(resultAnnouncementDueOn(calendar, '2026-10-15')).toBe('2026-10-19');
    expect(procurementContractDueOn('2026-10-19')).toBe('2026-11-18');
    expect(contractPublicationDueOn(calendar, '2026-09-24')).toBe('2026-09-29');
  });

  it.each<[string, string, number, boolean]>([
    ['on the 5th business day, the second candidate', '2026-10-15', 2, true],
    ['a business day late, the second candidate', '2026-10-16', 2, false],
    ['a business day late, the first candidate', '2026-10-16', 1, true],
  ])('award decision %s', (_name, decidedOn, chosenRank, accepted) => {
    const result = refusal(() =>
      checkAwardDecisionInTime(calendar, { reportReceivedOn: '2026-10-09', decidedOn, chosenRank }),
    );
    if (accepted) expect(result).toBeUndefined();
    else
      expect(result).toMatchObject({
        code: 'AWARD_DECISION_OVERDUE',
        details: { decisionDueOn: '2026-10-15' },
      });
  });

  it.each<[string, boolean]>([
    ['2026-11-18', true],
    ['2026-11-19', false],
  ])('contract signed %s after a notice on 2026-10-19 accepted: %s', (signedOn, accepted) => {
    const result = refusal(() => checkProcurementContractInTime({ awardNoticeOn: '2026-10-19', signedOn }));
    expect(result?.code).toBe(accepted ? undefined : 'CONTRACT_DEADLINE_PASSED');
  });
});

describe('suspension at most 30 days', () => {
  it.each<[string, string | undefined]>([
    ['2026-10-19', undefined],
    ['2026-10-20', undefined],
    ['2026-10-21', 'SUSPENSION_TOO_LONG'],
  ])('suspended 2026-09-20, resuming %s → %s', (resumeOn, code) => {
    const result = refusal(() => checkProcurementSuspension({ suspendedOn: '2026-09-20', resumeOn }));
    expect(result?.code).toBe(code);
    if (code) expect(result?.details.latestResumeOn).toBe('2026-10-20');
  });
});

describe('deposit ≤ 2% of the budget', () => {
  it.each<[number, boolean]>([
    [10_000_000, true],
    [10_000_001, false],
  ])('budget 500,000,000 fen, deposit %d accepted: %s', (deposit, accepted) => {
    const result = refusal(() => checkDepositLimit({ base: 'budget', baseAmount: 500_000_000, deposit }));
    expect(result?.code).toBe(accepted ? undefined : 'DEPOSIT_ABOVE_LIMIT');
  });
});

describe('minimum suppliers per method', () => {
  const MINIMUM: Record<ProcurementMethod, number> = {
    open_tender: 3,
    invited_tender: 3,
    competitive_negotiation: 3,
    competitive_consultation: 3,
    request_for_quotation: 3,
    single_source: 1,
    framework_agreement: 2,
  };
  it.each(
    PROCUREMENT_METHODS.flatMap((method) =>
      [MINIMUM[method] - 1, MINIMUM[method]].map((count) => [method, count] as const),
    ),
  )('%s with %d responsive suppliers', (method, count) => {
    const enough = count >= MINIMUM[method];
    expect(supplierOutcome(method, count)).toBe(enough ? 'evaluating' : 'failed');
    expect(refusal(() => checkEnoughSuppliers(method, count))?.code).toBe(
      enough ? undefined : 'TOO_FEW_SUPPLIERS',
    );
  });
});

describe('invited tender: ≥ 3 suppliers picked at random, replayable', () => {
  const qualified = ['s-07', 's-02', 's-11', 's-05', 's-09', 's-01'];

  it('gives the same picks for the same seed, whatever order the suppliers came in', () => {
    const first = pickInvitedSuppliers({ qualifiedSupplierIds: qualified, count: 3, seed: 'draw-2026-0001' });
    const again = pickInvitedSuppliers({
      qualifiedSupplierIds: [...qualified].reverse(),
      count: 3,
      seed: 'draw-2026-0001',
    });
    expect(again).toEqual(first);
    expect(first.candidates).toEqual(['s-01', 's-02', 's-05', 's-07', 's-09', 's-11']);
    expect(new Set(first.picks).size).toBe(3);
    first.picks.forEach((id) => expect(qualified).toContain(id));
  });

  it('varies with the seed (some of 20 seeds give other picks)', () => {
    const picks = new Set(
      Array.from({ length: 20 }, (_, i) =>
        pickInvitedSuppliers({ qualifiedSupplierIds: qualified, count: 3, seed: `seed-${i}` }).picks.join(
          ',',
        ),
      ),
    );
    expect(picks.size).toBeGreaterThan(1);
  });

  it.each<[string, string[], number, ErrorCode]>([
    ['2 qualified', ['a', 'b'], 3, 'TOO_FEW_SUPPLIERS'],
    ['duplicates do not count twice', ['a', 'b', 'b'], 3, 'TOO_FEW_SUPPLIERS'],
    ['4 qualified, 5 wanted', ['a', 'b', 'c', 'd'], 5, 'TOO_FEW_SUPPLIERS'],
    ['asking for 2', ['a', 'b', 'c'], 2, 'VALIDATION_FAILED'],
  ])('%s → %s', (_name, qualifiedSupplierIds, count, code) => {
    expect(refusal(() => pickInvitedSuppliers({ qualifiedSupplierIds, count, seed: 's' }))?.code).toBe(code);
  });
});

describe('framework call-off orders', () => {
  const order = {
    admittedSupplierIds: ['s-1', 's-2', 's-3'],
    supplierId: 's-2',
    termStartsOn: '2026-01-01',
    termEndsOn: '2026-12-31',
    orderedOn: '2026-06-01',
  };
  it.each<[string, Partial<typeof order>, ErrorCode | undefined]>([
    ['an admitted supplier within the term', {}, undefined],
    ['on the first day', { orderedOn: '2026-01-01' }, undefined],
    ['on the last day', { orderedOn: '2026-12-31' }, undefined],
    ['the day before', { orderedOn: '2025-12-31' }, 'CALL_OFF_OUTSIDE_TERM'],
    ['the day after', { orderedOn: '2027-01-01' }, 'CALL_OFF_OUTSIDE_TERM'],
    ['a supplier not admitted', { supplierId: 's-9' }, 'CALL_OFF_SUPPLIER_NOT_ADMITTED'],
  ])('%s', (_name, change, code) => {
    expect(refusal(() => checkCallOff({ ...order, ...change }))?.code).toBe(code);
  });

  it.each<[string, number, number, ErrorCode | undefined]>([
    ['the first order within the budget', 0, 600, undefined],
    ['up to the budget exactly', 400, 600, undefined],
    ['one fen above the budget', 400, 601, 'CALL_OFF_ABOVE_BUDGET'],
    ['a single order above the budget', 0, 1001, 'CALL_OFF_ABOVE_BUDGET'],
  ])('%s (so far %d, this %d, budget 1000)', (_name, orderedSoFar, amount, code) => {
    const result = refusal(() => checkCallOffWithinBudget({ budget: 1000, orderedSoFar, amount }));
    expect(result?.code).toBe(code);
    if (code) expect(result?.details).toEqual({ budget: 1000, orderedSoFar, amount });
  });
});

describe('deposits: losers within 5 business days of the award notice, the winner of the contract', () => {
  it('counts business days across National Day', () => {
    // 09-30 → 10-08 (1), 10-09 (2), 10-10 make-up Saturday (3), 10-12 (4), 10-13 (5).
    expect(procurementDepositRefundDueOn(calendar, { winner: false, awardNoticeOn: '2026-09-30' })).toBe(
      '2026-10-13',
    );
    // Friday 11-06 → Monday 11-09 … Friday 11-13.
    expect(procurementDepositRefundDueOn(calendar, { winner: true, contractSignedOn: '2026-11-06' })).toBe(
      '2026-11-13',
    );
  });
});

describe('the schedule as staff enter it, per method', () => {
  it.each<[string, ProcurementSchedule, ErrorCode | undefined]>([
    [
      'open tender at every minimum',
      {
        method: 'open_tender',
        documentsIssuedOn: '2026-09-18',
        documentsAvailableUntil: '2026-09-24',
        deadlineOn: '2026-10-08',
      },
      undefined,
    ],
    [
      'open tender, documents a business day short',
      {
        method: 'open_tender',
        documentsIssuedOn: '2026-09-18',
        documentsAvailableUntil: '2026-09-23',
        deadlineOn: '2026-10-08',
      },
      'DOCUMENT_SALE_TOO_SHORT',
    ],
    [
      'open tender, a deadline a day short',
      {
        method: 'open_tender',
        documentsIssuedOn: '2026-09-18',
        documentsAvailableUntil: '2026-09-24',
        deadlineOn: '2026-10-07',
      },
      'BID_PERIOD_TOO_SHORT',
    ],
    [
      'open tender without the documents’ availability',
      { method: 'open_tender', documentsIssuedOn: '2026-09-18', deadlineOn: '2026-10-08' },
      'VALIDATION_FAILED',
    ],
    [
      'documents available after the deadline',
      {
        method: 'open_tender',
        documentsIssuedOn: '2026-09-18',
        documentsAvailableUntil: '2026-10-09',
        deadlineOn: '2026-10-08',
      },
      'VALIDATION_FAILED',
    ],
    [
      'invited tender: the call, then the documents',
      {
        method: 'invited_tender',
        qualificationCallStartsOn: '2026-09-29',
        qualificationCallEndsOn: '2026-10-12',
        documentsIssuedOn: '2026-10-13',
        documentsAvailableUntil: '2026-10-20',
        deadlineOn: '2026-11-02',
      },
      undefined,
    ],
    [
      'invited tender: a call ending on the make-up Saturday (4 business days)',
      {
        method: 'invited_tender',
        qualificationCallStartsOn: '2026-09-29',
        qualificationCallEndsOn: '2026-10-10',
        documentsIssuedOn: '2026-10-13',
        documentsAvailableUntil: '2026-10-20',
        deadlineOn: '2026-11-02',
      },
      'PREQUALIFICATION_PERIOD_TOO_SHORT',
    ],
    [
      'invited tender: documents before the call ends',
      {
        method: 'invited_tender',
        qualificationCallStartsOn: '2026-09-29',
        qualificationCallEndsOn: '2026-10-12',
        documentsIssuedOn: '2026-10-12',
        documentsAvailableUntil: '2026-10-20',
        deadlineOn: '2026-11-02',
      },
      'VALIDATION_FAILED',
    ],
    [
      'negotiation at 3 business days',
      { method: 'competitive_negotiation', documentsIssuedOn: '2026-09-30', deadlineOn: '2026-10-10' },
      undefined,
    ],
    [
      'negotiation at 2',
      { method: 'competitive_negotiation', documentsIssuedOn: '2026-09-30', deadlineOn: '2026-10-09' },
      'RESPONSE_PERIOD_TOO_SHORT',
    ],
    [
      'single source at 5 business days',
      { method: 'single_source', publicityStartsOn: '2026-09-29', publicityEndsOn: '2026-10-12' },
      undefined,
    ],
    [
      'single source at 4',
      { method: 'single_source', publicityStartsOn: '2026-09-29', publicityEndsOn: '2026-10-11' },
      'SINGLE_SOURCE_PUBLICITY_TOO_SHORT',
    ],
    [
      'single source without its publicity',
      { method: 'single_source', documentsIssuedOn: '2026-09-29', deadlineOn: '2026-10-12' },
      'VALIDATION_FAILED',
    ],
  ])('%s → %s', (_name, schedule, code) => {
    expect(refusal(() => checkProcurementSchedule(calendar, schedule))?.code).toBe(code);
  });
});
