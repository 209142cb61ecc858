import { DomainError, type ErrorCode } from './errors.js';
import {
  type AwardDecision,
  type Criterion,
  type EvaluationInput,
  type MemberScore,
  checkAward,
  criteriaViolations,
  evaluateBids,
  memberScoreSetViolations,
} from './evaluation.js';

function refusal(attempt: () => unknown): { code: ErrorCode; details: any } | undefined {
  try {
    attempt();
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: error.details };
  }
}

const MEMBERS = ['m1', 'm2', 'm3'];
/** Scores for one criterion: bid → the three members' scores. */
function scoresFor(criterionId: string, byBid: Record<string, number[]>): MemberScore[] {
  return Object.entries(byBid).flatMap(([bidId, scores]) =>
    scores.map((score, index) => ({ memberId: MEMBERS[index], bidId, criterionId, score })),
  );
}

const ranked = (input: EvaluationInput) => {
  const result = evaluateBids(input);
  if (result.outcome !== 'ranked') throw new Error(`expected a ranking, got ${JSON.stringify(result)}`);
  return result;
};

describe('lowest evaluated price', () => {
  const base: EvaluationInput = {
    method: 'lowest_evaluated_price',
    bids: [
      { bidId: 'b-a', price: 1_000_000, evaluatedPrice: 1_050_000 },
      { bidId: 'b-b', price: 1_020_000, evaluatedPrice: 1_010_000 },
      { bidId: 'b-c', price: 990_000, evaluatedPrice: 1_100_000 },
      { bidId: 'b-d', price: 900_000, evaluatedPrice: 1_200_000 },
    ],
    minValidBids: 1,
    seed: 'project-seed',
  };

  it('ranks by evaluated price, lowest first, and names at most 3 candidates', () => {
    const result = ranked(base);
    expect(result.ranking.map((bid) => [bid.bidId, bid.rank])).toEqual([
      ['b-b', 1],
      ['b-a', 2],
      ['b-c', 3],
      ['b-d', 4],
    ]);
    expect(result.candidates.map((bid) => bid.bidId)).toEqual(['b-b', 'b-a', 'b-c']);
    expect(result.ranking.every((bid) => !bid.tieBrokenByLot)).toBe(true);
  });

  it('equal evaluated prices: the lower bid price first', () => {
    const result = ranked({
      ...base,
      bids: [
        { bidId: 'b-x', price: 1_000_001, evaluatedPrice: 1_000_000 },
        { bidId: 'b-y', price: 1_000_000, evaluatedPrice: 1_000_000 },
      ],
    });
    expect(result.ranking.map((bid) => bid.bidId)).toEqual(['b-y', 'b-x']);
  });

  it('a full tie is decided by a lot from the recorded seed: replayable, marked, input order irrelevant', () => {
    const bids = [
      { bidId: 'b-1', price: 1_000_000, evaluatedPrice: 1_000_000 },
      { bidId: 'b-2', price: 1_000_000, evaluatedPrice: 1_000_000 },
      { bidId: 'b-3', price: 1_000_000, evaluatedPrice: 1_000_000 },
      { bidId: 'b-4', price: 999_000, evaluatedPrice: 999_000 },
    ];
    const first = ranked({ ...base, bids });
    expect(ranked({ ...base, bids: [...bids].reverse() })).toEqual(first);
    expect(first.ranking[0]).toMatchObject({ bidId: 'b-4', tieBrokenByLot: false });
    expect(first.ranking.slice(1).every((bid) => bid.tieBrokenByLot)).toBe(true);
    const orders = new Set(
      Array.from({ length: 20 }, (_, i) =>
        ranked({ ...base, bids, seed: `seed-${i}` })
          .ranking.map((bid) => bid.bidId)
          .join(','),
      ),
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it('leaves rejected bids out', () => {
    const result = ranked({
      ...base,
      bids: base.bids.map((bid) => (bid.bidId === 'b-b' ? { ...bid, rejectedReason: '未按要求签章' } : bid)),
    });
    expect(result.ranking.map((bid) => bid.bidId)).toEqual(['b-a', 'b-c', 'b-d']);
  });

  it.each<[string, Partial<EvaluationInput>, string]>([
    [
      'every bid rejected',
      { bids: base.bids.map((bid) => ({ ...bid, rejectedReason: '不响应' })) },
      'all_rejected',
    ],
    ['the committee rejects all', { rejectAll: true }, 'all_rejected'],
    [
      'procurement with 2 valid of 3 needed',
      { bids: base.bids.slice(0, 2), minValidBids: 3 },
      'too_few_valid_bids',
    ],
  ])('%s → failed (%s)', (_name, change, reason) => {
    expect(evaluateBids({ ...base, ...change })).toMatchObject({ outcome: 'failed', reason });
  });

  it('ranks exactly 3 valid procurement bids', () => {
    expect(ranked({ ...base, bids: base.bids.slice(0, 3), minValidBids: 3 }).ranking).toHaveLength(3);
  });

  it.each<[string, Partial<EvaluationInput>]>([
    ['a valid bid without an evaluated price', { bids: [{ bidId: 'b', price: 100 }] }],
    ['a price that is not fen', { bids: [{ bidId: 'b', price: 10.5, evaluatedPrice: 10 }] }],
    ['a bid twice', { bids: [base.bids[0], base.bids[0]] }],
    ['a blank rejection reason', { bids: [{ ...base.bids[0], rejectedReason: ' ' }] }],
    ['minValidBids 0', { minValidBids: 0 }],
  ])('refuses %s with VALIDATION_FAILED', (_name, change) => {
    expect(refusal(() => evaluateBids({ ...base, ...change }))?.code).toBe('VALIDATION_FAILED');
  });
});

describe('comprehensive scoring', () => {
  const criteria: Criterion[] = [
    { id: 'price', weight: 30, kind: 'price_formula' },
    { id: 'technical', weight: 50, kind: 'scored' },
    { id: 'business', weight: 20, kind: 'scored' },
  ];
  const base: EvaluationInput = {
    method: 'comprehensive_scoring',
    bids: [
      { bidId: 'b-a', price: 1_000_000 },
      { bidId: 'b-b', price: 1_100_000 },
      { bidId: 'b-c', price: 1_250_000 },
    ],
    criteria,
    memberIds: MEMBERS,
    scores: [
      ...scoresFor('technical', { 'b-a': [80, 82, 81], 'b-b': [90, 90, 90], 'b-c': [85, 86, 87] }),
      ...scoresFor('business', { 'b-a': [70, 70, 70], 'b-b': [60, 60, 60], 'b-c': [90, 90, 90] }),
    ],
    minValidBids: 3,
    seed: 'project-seed',
  };

  it('weights the members’ means and the price formula: C 85.00, A 84.50, B 84.27', () => {
    // A: 30 × 100 + 50 × 81 + 20 × 70 = 8450; B: 30 × 90.909… + 50 × 90 + 20 × 60 = 8427.27…;
    // C: 30 × 80 + 50 × 86 + 20 × 90 = 8500 (each / 100).
    expect(ranked(base).ranking.map((bid) => [bid.bidId, bid.totalScore])).toEqual([
      ['b-c', 85],
      ['b-a', 84.5],
      ['b-b', 84.27],
    ]);
  });

  it('compares exactly: means of 80, 80, 81 and 80.33, 80.33, 80.34 are equal, so the lower price wins', () => {
    const result = ranked({
      ...base,
      criteria: [{ id: 'technical', weight: 100, kind: 'scored' }],
      bids: [
        { bidId: 'b-x', price: 2_000_000 },
        { bidId: 'b-y', price: 1_999_999 },
        { bidId: 'b-z', price: 1_000_000 },
      ],
      scores: scoresFor('technical', {
        'b-x': [80, 80, 81],
        'b-y': [80.33, 80.33, 80.34],
        'b-z': [50, 50, 50],
      }),
    });
    expect(result.ranking.map((bid) => [bid.bidId, bid.totalScore, bid.tieBrokenByLot])).toEqual([
      ['b-y', 80.33, false],
      ['b-x', 80.33, false],
      ['b-z', 50, false],
    ]);
  });

  it('a total just below another but equal when rounded still ranks below', () => {
    const result = ranked({
      ...base,
      criteria: [{ id: 'technical', weight: 100, kind: 'scored' }],
      bids: [
        { bidId: 'b-x', price: 1_000_000 },
        { bidId: 'b-y', price: 2_000_000 },
        { bidId: 'b-z', price: 3_000_000 },
      ],
      // x: 241/3 = 80.3333…; y: 80.33 exactly; z lower.
      scores: scoresFor('technical', {
        'b-x': [80, 80, 81],
        'b-y': [80.33, 80.33, 80.33],
        'b-z': [10, 10, 10],
      }),
    });
    expect(result.ranking.map((bid) => bid.bidId)).toEqual(['b-x', 'b-y', 'b-z']);
    expect(result.ranking[0].totalScore).toBe(result.ranking[1].totalScore);
  });

  it('ignores scores given to a rejected bid, and needs every score of the valid ones', () => {
    const bids = [...base.bids, { bidId: 'b-r', price: 900_000, rejectedReason: '资格不符' }];
    const scores = [...base.scores!, ...scoresFor('technical', { 'b-r': [99, 99, 99] })];
    // The rejected bid does not set the lowest price either: C stays first.
    expect(ranked({ ...base, bids, scores }).ranking[0].bidId).toBe('b-c');
  });

  it('refuses missing scores with SCORES_INCOMPLETE and lists them', () => {
    const scores = base.scores!.filter((entry) => !(entry.memberId === 'm2' && entry.bidId === 'b-b'));
    expect(refusal(() => evaluateBids({ ...base, scores }))).toEqual({
      code: 'SCORES_INCOMPLETE',
      details: {
        missing: [
          { memberId: 'm2', bidId: 'b-b', criterionId: 'technical' },
          { memberId: 'm2', bidId: 'b-b', criterionId: 'business' },
        ],
        missingCount: 2,
      },
    });
  });

  it.each<[string, Partial<EvaluationInput>]>([
    ['a score over 100', { scores: [...base.scores!.slice(1), { ...base.scores![0], score: 100.5 }] }],
    ['three decimals', { scores: [...base.scores!.slice(1), { ...base.scores![0], score: 80.125 }] }],
    ['a negative score', { scores: [...base.scores!.slice(1), { ...base.scores![0], score: -1 }] }],
    ['a score twice', { scores: [...base.scores!, base.scores![0]] }],
    [
      'a score from someone not on the committee',
      { scores: [...base.scores!, { ...base.scores![0], memberId: 'mX' }] },
    ],
    ['no members', { memberIds: [] }],
    ['weights summing to 99', { criteria: [{ ...criteria[0], weight: 29 }, criteria[1], criteria[2]] }],
  ])('refuses %s with VALIDATION_FAILED', (_name, change) => {
    expect(refusal(() => evaluateBids({ ...base, ...change }))?.code).toBe('VALIDATION_FAILED');
  });

  it.each<[string, Criterion[], string[]]>([
    ['weights 30 + 50 + 20', criteria, []],
    ['weights summing to 101', [{ ...criteria[0], weight: 31 }, criteria[1], criteria[2]], ['criteria']],
    [
      'a weight of 0',
      [{ ...criteria[0], weight: 0 }, { ...criteria[1], weight: 80 }, criteria[2]],
      ['criteria[0].weight'],
    ],
    [
      'a fractional weight',
      [{ ...criteria[0], weight: 29.5 }, { ...criteria[1], weight: 50.5 }, criteria[2]],
      ['criteria[0].weight', 'criteria[1].weight', 'criteria'],
    ],
    [
      'two price formulas',
      [criteria[0], { ...criteria[1], kind: 'price_formula' }, criteria[2]],
      ['criteria'],
    ],
    ['a criterion twice', [criteria[0], { ...criteria[1], id: 'price' }, criteria[2]], ['criteria']],
  ])('criteria: %s', (_name, list, fields) => {
    expect(criteriaViolations(list).map((violation) => violation.field)).toEqual(fields);
  });
});

describe('memberScoreSetViolations', () => {
  const criteria: Criterion[] = [
    { id: 'price', weight: 30, kind: 'price_formula' },
    { id: 'technical', weight: 50, kind: 'scored' },
    { id: 'service', weight: 20, kind: 'scored' },
  ];
  it.each<[string, { bidId: string; criterionId: string }[], { field: string; rule: string }[]]>([
    [
      'every scored criterion of two bids',
      [
        { bidId: 'a', criterionId: 'technical' },
        { bidId: 'a', criterionId: 'service' },
        { bidId: 'b', criterionId: 'technical' },
      ],
      [],
    ],
    [
      'a bid and criterion twice',
      [
        { bidId: 'a', criterionId: 'technical' },
        { bidId: 'a', criterionId: 'technical' },
      ],
      [{ field: 'scores', rule: 'each bid and criterion once' }],
    ],
    [
      'the price formula scored',
      [{ bidId: 'a', criterionId: 'price' }],
      [{ field: 'scores[0].criterionId', rule: 'one of technical, service' }],
    ],
    [
      'an unknown criterion',
      [
        { bidId: 'a', criterionId: 'x' },
        { bidId: 'a', criterionId: 'service' },
      ],
      [{ field: 'scores[0].criterionId', rule: 'one of technical, service' }],
    ],
  ])('%s', (_name, scores, violations) => {
    expect(memberScoreSetViolations(scores, criteria)).toEqual(violations);
  });
});

describe('checkAward', () => {
  const candidates = ['b-1', 'b-2', 'b-3'];
  it.each<[string, Partial<AwardDecision>, ErrorCode | undefined]>([
    ['state-funded, the first', { chosenBidId: 'b-1', mustFollowRanking: true }, undefined],
    [
      'state-funded, the second even with a reason',
      { chosenBidId: 'b-2', mustFollowRanking: true, reason: '业主偏好' },
      'AWARD_NOT_FIRST_CANDIDATE',
    ],
    [
      'state-funded, the second after the first gave up',
      { chosenBidId: 'b-2', mustFollowRanking: true, withdrawnBidIds: ['b-1'] },
      undefined,
    ],
    [
      'state-funded, the third when only the first gave up',
      { chosenBidId: 'b-3', mustFollowRanking: true, withdrawnBidIds: ['b-1'] },
      'AWARD_NOT_FIRST_CANDIDATE',
    ],
    ['private, the first', { chosenBidId: 'b-1', mustFollowRanking: false }, undefined],
    [
      'private, the second with a recorded reason',
      { chosenBidId: 'b-2', mustFollowRanking: false, reason: '第一名履约能力存疑，经审查' },
      undefined,
    ],
    [
      'private, the second without a reason',
      { chosenBidId: 'b-2', mustFollowRanking: false },
      'AWARD_NOT_FIRST_CANDIDATE',
    ],
    [
      'private, the second with a blank reason',
      { chosenBidId: 'b-2', mustFollowRanking: false, reason: '  ' },
      'AWARD_NOT_FIRST_CANDIDATE',
    ],
    [
      'not a candidate',
      { chosenBidId: 'b-9', mustFollowRanking: false, reason: 'x' },
      'AWARD_NOT_A_CANDIDATE',
    ],
    [
      'a candidate who gave up',
      { chosenBidId: 'b-1', mustFollowRanking: true, withdrawnBidIds: ['b-1'] },
      'AWARD_NOT_A_CANDIDATE',
    ],
  ])('%s → %s', (_name, change, code) => {
    const decision: AwardDecision = {
      candidateBidIds: candidates,
      chosenBidId: 'b-1',
      mustFollowRanking: true,
      ...change,
    };
    expect(refusal(() => checkAward(decision))?.code).toBe(code);
  });

  it('names the first remaining candidate in the refusal', () => {
    expect(
      refusal(() =>
        checkAward({
          candidateBidIds: candidates,
          chosenBidId: 'b-3',
          mustFollowRanking: true,
          withdrawnBidIds: ['b-1'],
        }),
      )?.details,
    ).toEqual({ chosenBidId: 'b-3', firstCandidateBidId: 'b-2', mustFollowRanking: true });
  });
});
