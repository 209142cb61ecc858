import { BusinessCalendar } from './business-calendar.js';
import { DomainError, type ErrorCode } from './errors.js';
import type { Criterion } from './evaluation.js';
import { OFFICIAL_CALENDARS } from './official-calendars.js';
import type { ProcurementMethod } from './procurement-lifecycle.js';
import {
  checkFrameworkEntry,
  checkRotationTurn,
  checkFrameworkTerms,
  checkObjectionInPublicity,
  checkObjectionsAnswered,
  checkProcurementScoring,
  checkReplanMethod,
  type FrameworkEntry,
  type FrameworkTerms,
  frameworkAdmittedCount,
  frameworkEliminationPercent,
  frameworkEntryMethodOf,
  lastDayOfTerm,
  objectionAnswerDueOn,
  type ProcurementScoring,
  responsesAboveMaxUnitPrice,
  rotationNextSupplier,
} from './procurement-methods.js';

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

describe('objections to a single-source publicity', () => {
  it.each<[string, string, ErrorCode | undefined]>([
    ['on the first day', '2026-10-12', undefined],
    ['on the last day', '2026-10-19', undefined],
    ['the day after the last', '2026-10-20', 'OBJECTION_PERIOD_ENDED'],
  ])('%s (%s) → %s', (_name, today, code) => {
    const refused = refusal(() => checkObjectionInPublicity({ publicityEndsOn: '2026-10-19', today }));
    expect(refused?.code).toBe(code);
    if (code) expect(refused?.details).toEqual({ publicityEndsOn: '2026-10-19', today });
  });

  it('is answered within 5 business days after the publicity (over the National Day holiday)', () => {
    // 2026-09-30 is a Wednesday; 1–7 October are holidays, 10 October a make-up working Saturday.
    expect(objectionAnswerDueOn(calendar, '2026-09-30')).toBe('2026-10-13');
    expect(objectionAnswerDueOn(calendar, '2026-11-02')).toBe('2026-11-09');
  });

  it.each<[string, { id: string; answered: boolean }[], string[] | undefined]>([
    ['none filed', [], undefined],
    ['all answered', [{ id: 'a', answered: true }], undefined],
    [
      'one open',
      [
        { id: 'a', answered: true },
        { id: 'b', answered: false },
      ],
      ['b'],
    ],
  ])('%s → %j unanswered', (_name, objections, open) => {
    const refused = refusal(() => checkObjectionsAnswered(objections));
    expect(refused?.code).toBe(open ? 'OBJECTIONS_UNANSWERED' : undefined);
    if (open) expect(refused?.details).toEqual({ objectionIds: open });
  });
});

describe('framework agreements', () => {
  it.each<[number, number, number]>([
    // ranked, cap → admitted: at least 20% and at least one eliminated
    [2, 5, 1],
    [3, 5, 2],
    [5, 5, 4],
    [6, 5, 4],
    [10, 5, 5],
    [10, 20, 8],
    [11, 20, 8],
    [0, 2, 0],
  ])('%d ranked, at most %d → %d admitted', (ranked, cap, admitted) => {
    expect(frameworkAdmittedCount(ranked, cap)).toBe(admitted);
  });

  it.each<[string, number, string]>([
    ['2026-03-01', 1, '2027-02-28'],
    ['2028-02-29', 1, '2029-02-28'],
    ['2026-01-01', 2, '2027-12-31'],
  ])('a term from %s of %d year(s) ends on %s', (startsOn, years, endsOn) => {
    expect(lastDayOfTerm(startsOn, years)).toBe(endsOn);
  });

  const terms: FrameworkTerms = {
    subjectType: 'goods',
    admittedSuppliers: 3,
    termStartsOn: '2027-01-01',
    termEndsOn: '2027-12-31',
    deadlineOn: '2026-12-01',
  };
  it.each<[string, Partial<FrameworkTerms>, ErrorCode | undefined, unknown]>([
    ['goods for a year', {}, undefined, undefined],
    [
      'goods for a year and a day',
      { termEndsOn: '2028-01-01' },
      'FRAMEWORK_TERM_TOO_LONG',
      { maxYears: 1, latestEndsOn: '2027-12-31' },
    ],
    ['services for two years', { subjectType: 'services', termEndsOn: '2028-12-31' }, undefined, undefined],
    [
      'services beyond two years',
      { subjectType: 'services', termEndsOn: '2029-01-01' },
      'FRAMEWORK_TERM_TOO_LONG',
      { maxYears: 2, latestEndsOn: '2028-12-31' },
    ],
    ['one admitted', { admittedSuppliers: 1 }, 'VALIDATION_FAILED', [{ field: 'admittedSuppliers' }]],
    ['101 admitted', { admittedSuppliers: 101 }, 'VALIDATION_FAILED', [{ field: 'admittedSuppliers' }]],
    ['no subject', { subjectType: null }, 'VALIDATION_FAILED', [{ field: 'subjectType' }]],
    ['no term', { termStartsOn: null }, 'VALIDATION_FAILED', [{ field: 'termStartsOn' }]],
    [
      'ends before it starts',
      { termEndsOn: '2026-12-31' },
      'VALIDATION_FAILED',
      [{ field: 'termEndsOn', rule: '≥ termStartsOn' }],
    ],
    [
      'starts on the deadline',
      { termStartsOn: '2026-12-01' },
      'VALIDATION_FAILED',
      [{ field: 'termStartsOn' }],
    ],
  ])('%s → %s', (_name, change, code, details) => {
    const refused = refusal(() => checkFrameworkTerms({ ...terms, ...change }));
    expect(refused?.code).toBe(code);
    if (Array.isArray(details))
      expect(refused?.details).toEqual(details.map((d) => expect.objectContaining(d)));
    else if (details) expect(refused?.details).toMatchObject(details);
  });
});

describe('a framework agreement admitted by quality (质量优先法, 第110号令 第26、28条)', () => {
  it.each<[number, number, number, number]>([
    // ranked, cap, eliminated at least (%) → admitted
    [2, 5, 40, 1],
    [3, 5, 40, 1],
    [5, 5, 40, 3],
    [5, 5, 20, 4],
    [10, 10, 40, 6],
    [10, 4, 40, 4],
    [11, 20, 40, 6],
    [0, 2, 40, 0],
  ])('%d ranked, at most %d, %d%% left out → %d admitted', (ranked, cap, percent, admitted) => {
    expect(frameworkAdmittedCount(ranked, cap, percent)).toBe(admitted);
  });

  it.each<[FrameworkEntry['evaluationMethod'], FrameworkEntry['qualityFirstGround'], string, number]>([
    ['lowest_evaluated_price', null, 'price_first', 20],
    ['comprehensive_scoring', 'government_pricing', 'quality_first', 20],
    ['comprehensive_scoring', 'testing_instruments', 'quality_first', 40],
  ])('%s (%s) is %s and leaves out ≥ %d%%', (evaluationMethod, qualityFirstGround, method, percent) => {
    expect(frameworkEntryMethodOf(evaluationMethod)).toBe(method);
    expect(frameworkEliminationPercent({ evaluationMethod, qualityFirstGround })).toBe(percent);
  });

  const quality: Criterion[] = [
    { id: 'technical', weight: 60, kind: 'scored' },
    { id: 'service', weight: 40, kind: 'scored' },
  ];
  const entry = (change: Partial<FrameworkEntry>): FrameworkEntry => ({
    evaluationMethod: 'comprehensive_scoring',
    subjectType: 'goods',
    criteria: quality,
    qualityFirstGround: 'testing_instruments',
    maxUnitPrice: 50_000_000,
    budget: 800_000_000,
    ...change,
  });
  it.each<[string, FrameworkEntry, ErrorCode | undefined, unknown]>([
    ['instruments by quality', entry({}), undefined, undefined],
    [
      'services at a government-set price',
      entry({ subjectType: 'services', qualityFirstGround: 'government_pricing' }),
      undefined,
      undefined,
    ],
    ['a ceiling at the budget', entry({ maxUnitPrice: 800_000_000 }), undefined, undefined],
    [
      'price-first without a ceiling',
      entry({
        evaluationMethod: 'lowest_evaluated_price',
        criteria: null,
        qualityFirstGround: null,
        maxUnitPrice: null,
      }),
      undefined,
      undefined,
    ],
    [
      'price-first with a ceiling',
      entry({ evaluationMethod: 'lowest_evaluated_price', criteria: null, qualityFirstGround: null }),
      undefined,
      undefined,
    ],
    [
      'price scored by quality',
      entry({
        criteria: [
          { id: 'price', weight: 30, kind: 'price_formula' },
          { id: 'technical', weight: 70, kind: 'scored' },
        ],
      }),
      'FRAMEWORK_PRICE_SCORED',
      { criterionIds: ['price'] },
    ],
    [
      'services as instruments',
      entry({ subjectType: 'services' }),
      'QUALITY_FIRST_NOT_ALLOWED',
      { qualityFirstGround: 'testing_instruments', subjectType: 'services' },
    ],
    [
      'no ground',
      entry({ qualityFirstGround: null }),
      'VALIDATION_FAILED',
      [{ field: 'qualityFirstGround' }],
    ],
    [
      'an unknown ground',
      entry({ qualityFirstGround: 'cheapest' as never }),
      'VALIDATION_FAILED',
      [{ field: 'qualityFirstGround' }],
    ],
    ['no ceiling', entry({ maxUnitPrice: null }), 'VALIDATION_FAILED', [{ field: 'maxUnitPrice' }]],
    [
      'a ceiling above the budget',
      entry({ maxUnitPrice: 800_000_001 }),
      'VALIDATION_FAILED',
      [{ field: 'maxUnitPrice', rule: '≤ the budget (800000000 fen)' }],
    ],
    [
      'a ceiling in fractions of fen',
      entry({ maxUnitPrice: 10.5 }),
      'VALIDATION_FAILED',
      [{ field: 'maxUnitPrice' }],
    ],
    ['no subject', entry({ subjectType: null }), 'VALIDATION_FAILED', [{ field: 'subjectType' }]],
    ['no criteria', entry({ criteria: null }), 'VALIDATION_FAILED', [{ field: 'criteria' }]],
    [
      'weights sum to 90',
      entry({ criteria: [{ id: 'technical', weight: 90, kind: 'scored' }] }),
      'VALIDATION_FAILED',
      [{ field: 'criteria', rule: 'weights sum to 100 (they sum to 90)' }],
    ],
    [
      'a ground by price',
      entry({ evaluationMethod: 'lowest_evaluated_price', criteria: null }),
      'VALIDATION_FAILED',
      [{ field: 'qualityFirstGround', rule: 'only with quality-first (comprehensive_scoring)' }],
    ],
  ])('%s → %s', (_name, input, code, details) => {
    const refused = refusal(() => checkFrameworkEntry(input));
    expect(refused?.code).toBe(code);
    if (Array.isArray(details))
      expect(refused?.details).toEqual(details.map((d) => expect.objectContaining(d)));
    else if (details) expect(refused?.details).toMatchObject(details);
  });

  it.each<[string, number | null, string[]]>([
    ['no ceiling', null, []],
    ['at the ceiling stays in', 300, ['d']],
    ['one fen above is out', 299, ['c', 'd']],
  ])('%s', (_name, ceiling, out) => {
    const responses = [
      { bidId: 'a', price: 100 },
      { bidId: 'c', price: 300 },
      { bidId: 'b', price: 200 },
      { bidId: 'd', price: 301 },
    ];
    expect(responsesAboveMaxUnitPrice(responses, ceiling)).toEqual(out);
  });

  it('leaves a framework’s quality scoring to its own check (no price weight range)', () => {
    expect(
      refusal(() =>
        checkProcurementScoring({
          method: 'framework_agreement',
          evaluationMethod: 'comprehensive_scoring',
          subjectType: 'goods',
          criteria: quality,
        }),
      ),
    ).toBeUndefined();
  });
});

describe('a framework agreement’s orders by rotation (顺序轮候)', () => {
  const admittedInOrder = ['a', 'b', 'c'];
  it.each<[string, string | null, string[], string | null]>([
    ['nothing ordered yet: the first', null, [], 'a'],
    ['after the first: the second', 'a', [], 'b'],
    ['after the last: round to the first', 'c', [], 'a'],
    ['a banned one is passed over', 'a', ['b'], 'c'],
    ['round and past a banned first', 'c', ['a'], 'b'],
    ['the last supplier again when it is the only one left', 'b', ['a', 'c'], 'b'],
    ['none available', 'a', ['a', 'b', 'c'], null],
    ['a last supplier no longer admitted: from the start', 'x', [], 'a'],
  ])('%s', (_name, lastSupplierId, unavailable, next) => {
    expect(rotationNextSupplier({ admittedInOrder, lastSupplierId, unavailable })).toBe(next);
  });

  it.each<[string, string | null, string, ErrorCode | undefined, unknown]>([
    ['its turn', 'a', 'b', undefined, undefined],
    ['out of turn', 'a', 'c', 'CALL_OFF_NOT_IN_TURN', { supplierId: 'c', expectedSupplierId: 'b' }],
    ['the same one twice', 'a', 'a', 'CALL_OFF_NOT_IN_TURN', { supplierId: 'a', expectedSupplierId: 'b' }],
  ])('%s', (_name, lastSupplierId, supplierId, code, details) => {
    const refused = refusal(() =>
      checkRotationTurn({ admittedInOrder, lastSupplierId, unavailable: [], supplierId }),
    );
    expect(refused?.code).toBe(code);
    if (details) expect(refused?.details).toEqual(details);
  });
});

describe('comprehensive scoring', () => {
  const criteria = (price: number): Criterion[] => [
    { id: 'price', weight: price, kind: 'price_formula' },
    { id: 'technical', weight: 100 - price, kind: 'scored' },
  ];
  const scoring = (change: Partial<ProcurementScoring>): ProcurementScoring => ({
    method: 'open_tender',
    evaluationMethod: 'comprehensive_scoring',
    subjectType: 'goods',
    criteria: criteria(30),
    ...change,
  });

  it.each<[string, ProcurementScoring, ErrorCode | undefined, unknown]>([
    ['goods, price 30', scoring({}), undefined, undefined],
    ['goods, price 60', scoring({ criteria: criteria(60) }), undefined, undefined],
    [
      'goods, price 29',
      scoring({ criteria: criteria(29) }),
      'PRICE_WEIGHT_OUT_OF_RANGE',
      { subjectType: 'goods', priceWeight: 29, min: 30, max: 60 },
    ],
    ['goods, price 61', scoring({ criteria: criteria(61) }), 'PRICE_WEIGHT_OUT_OF_RANGE', { max: 60 }],
    [
      'services, price 10',
      scoring({ subjectType: 'services', criteria: criteria(10) }),
      undefined,
      undefined,
    ],
    [
      'services, price 31',
      scoring({ subjectType: 'services', criteria: criteria(31) }),
      'PRICE_WEIGHT_OUT_OF_RANGE',
      { subjectType: 'services', priceWeight: 31, min: 10, max: 30 },
    ],
    ['consultation', scoring({ method: 'competitive_consultation' }), undefined, undefined],
    [
      'negotiation may not score',
      scoring({ method: 'competitive_negotiation' }),
      'VALIDATION_FAILED',
      [{ field: 'evaluationMethod' }],
    ],
    [
      'no price criterion',
      scoring({ criteria: [{ id: 'technical', weight: 100, kind: 'scored' }] }),
      'VALIDATION_FAILED',
      [{ field: 'criteria', rule: 'exactly one price_formula criterion (低价优先法)' }],
    ],
    [
      'weights sum to 90',
      scoring({
        criteria: [
          { id: 'price', weight: 30, kind: 'price_formula' },
          { id: 'technical', weight: 60, kind: 'scored' },
        ],
      }),
      'VALIDATION_FAILED',
      [{ field: 'criteria', rule: 'weights sum to 100 (they sum to 90)' }],
    ],
    ['no subject', scoring({ subjectType: null }), 'VALIDATION_FAILED', [{ field: 'subjectType' }]],
    ['no criteria', scoring({ criteria: null }), 'VALIDATION_FAILED', [{ field: 'criteria' }]],
    [
      'lowest price with criteria',
      scoring({ evaluationMethod: 'lowest_evaluated_price' }),
      'VALIDATION_FAILED',
      [{ field: 'criteria', rule: 'only with comprehensive_scoring' }],
    ],
    [
      'lowest price',
      scoring({ evaluationMethod: 'lowest_evaluated_price', criteria: null, subjectType: null }),
      undefined,
      undefined,
    ],
  ])('%s → %s', (_name, input, code, details) => {
    const refused = refusal(() => checkProcurementScoring(input));
    expect(refused?.code).toBe(code);
    if (Array.isArray(details))
      expect(refused?.details).toEqual(details.map((d) => expect.objectContaining(d)));
    else if (details) expect(refused?.details).toMatchObject(details);
  });
});

describe('re-planning a failed procurement (重新组织采购)', () => {
  it.each<[string, ProcurementMethod, ProcurementMethod, string | null, boolean, ErrorCode | undefined]>([
    ['the same method, no approval', 'open_tender', 'open_tender', null, false, undefined],
    [
      'open tender → negotiation, approved',
      'open_tender',
      'competitive_negotiation',
      '财采〔2026〕12号',
      false,
      undefined,
    ],
    [
      'open tender → negotiation, no approval',
      'open_tender',
      'competitive_negotiation',
      null,
      false,
      'METHOD_CHANGE_NEEDS_APPROVAL',
    ],
    [
      'open tender → single source, blank approval',
      'open_tender',
      'single_source',
      '  ',
      false,
      'METHOD_CHANGE_NEEDS_APPROVAL',
    ],
    [
      'open tender → single source, approved',
      'open_tender',
      'single_source',
      '财采〔2026〕13号',
      false,
      undefined,
    ],
    [
      'single source refused → single source again',
      'single_source',
      'single_source',
      null,
      true,
      'SINGLE_SOURCE_NOT_ALLOWED',
    ],
    [
      'single source refused → single source, even approved',
      'single_source',
      'single_source',
      '财采〔2026〕14号',
      true,
      'SINGLE_SOURCE_NOT_ALLOWED',
    ],
    [
      'single source refused → consultation, approved',
      'single_source',
      'competitive_consultation',
      '财采〔2026〕15号',
      true,
      undefined,
    ],
    [
      'single source refused → consultation, no approval',
      'single_source',
      'competitive_consultation',
      null,
      true,
      'METHOD_CHANGE_NEEDS_APPROVAL',
    ],
  ])('%s', (_name, from, to, approvalReference, singleSourceRefused, code) => {
    const refused = refusal(() => checkReplanMethod({ from, to, approvalReference, singleSourceRefused }));
    expect(refused?.code).toBe(code);
    if (code) expect(refused?.details).toEqual({ from, to });
  });
});
