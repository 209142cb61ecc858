import {
  SUSPENDABLE_TENDER_STATUSES,
  TENDER_ACTIONS,
  TENDER_STATUSES,
  type TenderAction,
  type TenderStatus,
  isFinalTenderStatus,
  nextTenderStatus,
  suspendTender,
} from './tender-lifecycle.js';

/**
 * The lifecycle as DOMAIN.md A and issue 9 state it:
 * registered → announced → bidding, or registered → prequalification → prequalified → bidding (one
 * step from the draft into prequalification), then → opened → evaluating →
 * candidates_published → awarded → contracted; failed from prequalification (fewer than 3 pass),
 * the opening (fewer than 3 bids), evaluation (all rejected), publicity (no candidate left) or the
 * award (the winner refuses, none taken instead), and a failed tender is re-tendered (closed as
 * `retendered`, its successor a new tender); suspension
 * from any running stage; terminate from anything before the award. Every (status, action) pair
 * not listed here must be refused; `resume` is tested apart.
 */
const ALLOWED: Record<string, TenderStatus> = {
  'registered announce': 'announced',
  'registered announce_prequalification': 'prequalification',
  'registered terminate': 'terminated',
  'announced open_bidding': 'bidding',
  'announced suspend': 'suspended',
  'announced terminate': 'terminated',
  'prequalification conclude_prequalification': 'prequalified',
  'prequalification fail': 'failed',
  'prequalification suspend': 'suspended',
  'prequalification terminate': 'terminated',
  'prequalified open_bidding': 'bidding',
  'prequalified suspend': 'suspended',
  'prequalified terminate': 'terminated',
  'bidding open_bids': 'opened',
  'bidding suspend': 'suspended',
  'bidding terminate': 'terminated',
  'opened start_evaluation': 'evaluating',
  'opened fail': 'failed',
  'opened suspend': 'suspended',
  'opened terminate': 'terminated',
  'evaluating publish_candidates': 'candidates_published',
  'evaluating fail': 'failed',
  'evaluating suspend': 'suspended',
  'evaluating terminate': 'terminated',
  'candidates_published award': 'awarded',
  'candidates_published re_evaluate': 'evaluating',
  'candidates_published fail': 'failed',
  'candidates_published suspend': 'suspended',
  'candidates_published terminate': 'terminated',
  'awarded sign_contract': 'contracted',
  'awarded fail': 'failed',
  'awarded suspend': 'suspended',
  'failed retender': 'retendered',
  'failed terminate': 'terminated',
  // 'suspended terminate' depends on the status it was suspended in: its own table below.
};

const ACTIONS_BUT_RESUME = TENDER_ACTIONS.filter((action) => action !== 'resume');
type Row = [string, TenderStatus, TenderAction, TenderStatus | undefined];
const TABLE: Row[] = TENDER_STATUSES.flatMap((from) =>
  ACTIONS_BUT_RESUME.map((action): Row => {
    const to = ALLOWED[`${from} ${action}`];
    return [`${from} --${action}--> ${to ?? '(refused)'}`, from, action, to];
  }),
);

describe('TENDER_STATUSES and TENDER_ACTIONS', () => {
  it('lists the fourteen statuses and fifteen actions once each', () => {
    expect(new Set(TENDER_STATUSES).size).toBe(14);
    expect(new Set(TENDER_ACTIONS).size).toBe(15);
  });
});

describe('nextTenderStatus (every action but resume)', () => {
  it('covers every (status, action) pair', () => {
    expect(TABLE).toHaveLength(14 * 14);
    expect(TABLE.filter(([, , , to]) => to !== undefined)).toHaveLength(Object.keys(ALLOWED).length);
  });

  it.each(TABLE)('%s', (_name, from, action, expected) => {
    expect(nextTenderStatus(from, action)).toBe(expected);
  });
});

describe('suspend and resume: back to the stored status', () => {
  const RUNNING: TenderStatus[] = [
    'announced',
    'prequalification',
    'prequalified',
    'bidding',
    'opened',
    'evaluating',
    'candidates_published',
    'awarded',
  ];

  it('suspends exactly the running stages', () => {
    expect([...SUSPENDABLE_TENDER_STATUSES].sort()).toEqual([...RUNNING].sort());
  });

  it.each(TENDER_STATUSES.map((from) => [from, RUNNING.includes(from)] as const))(
    'suspendTender(%s) stores where to resume: %s',
    (from, allowed) => {
      expect(suspendTender(from)).toEqual(allowed ? { status: 'suspended', resumeTo: from } : undefined);
    },
  );

  it.each(
    TENDER_STATUSES.map((resumeTo) => [resumeTo, RUNNING.includes(resumeTo) ? resumeTo : undefined] as const),
  )('suspended --resume (resumeTo %s)--> %s', (resumeTo, expected) => {
    expect(nextTenderStatus('suspended', 'resume', resumeTo)).toBe(expected);
  });

  it('refuses a resume without a stored status', () => {
    expect(nextTenderStatus('suspended', 'resume')).toBeUndefined();
    expect(nextTenderStatus('suspended', 'resume', null)).toBeUndefined();
  });

  it.each(TENDER_STATUSES.filter((from) => from !== 'suspended'))(
    'refuses to resume a tender that is %s (not suspended)',
    (from) => {
      expect(nextTenderStatus(from, 'resume', 'bidding')).toBeUndefined();
    },
  );
});

describe('terminate a suspended tender: where the status it was suspended in may be terminated', () => {
  it.each(
    SUSPENDABLE_TENDER_STATUSES.map(
      (resumeTo) => [resumeTo, ALLOWED[`${resumeTo} terminate`] ? 'terminated' : undefined] as const,
    ),
  )('suspended (in %s) --terminate--> %s', (resumeTo, expected) => {
    expect(nextTenderStatus('suspended', 'terminate', resumeTo)).toBe(expected);
  });

  it('refuses it after the award (the notice binds both sides) and without a stored status', () => {
    expect(nextTenderStatus('suspended', 'terminate', 'awarded')).toBeUndefined();
    expect(nextTenderStatus('suspended', 'terminate', 'bidding')).toBe('terminated');
    expect(nextTenderStatus('suspended', 'terminate')).toBeUndefined();
  });
});

describe('the paths of issue 9, step by step', () => {
  const walk = (steps: TenderAction[]) =>
    steps.reduce<TenderStatus | undefined>(
      (status, action) => status && nextTenderStatus(status, action),
      'registered',
    );

  it.each<[string, TenderAction[], TenderStatus | undefined]>([
    [
      'open procedure to a contract',
      [
        'announce',
        'open_bidding',
        'open_bids',
        'start_evaluation',
        'publish_candidates',
        'award',
        'sign_contract',
      ],
      'contracted',
    ],
    [
      'with prequalification to a contract',
      [
        'announce_prequalification',
        'conclude_prequalification',
        'open_bidding',
        'open_bids',
        'start_evaluation',
        'publish_candidates',
        'award',
        'sign_contract',
      ],
      'contracted',
    ],
    [
      'fewer than 3 bids: opened, failed, re-tendered (the round closed; its successor is a new tender)',
      ['announce', 'open_bidding', 'open_bids', 'fail', 'retender'],
      'retendered',
    ],
    [
      're-tendered once only',
      ['announce', 'open_bidding', 'open_bids', 'fail', 'retender', 'retender'],
      undefined,
    ],
    [
      'a re-tendered round is not terminated',
      ['announce', 'open_bidding', 'open_bids', 'fail', 'retender', 'terminate'],
      undefined,
    ],
    ['fewer than 3 pass prequalification', ['announce_prequalification', 'fail'], 'failed'],
    [
      'no bidding before the result of prequalification',
      ['announce_prequalification', 'open_bidding'],
      undefined,
    ],
    [
      'a failed prequalification is re-tendered',
      ['announce_prequalification', 'fail', 'retender'],
      'retendered',
    ],
    [
      'prequalified tenders do not fail before their opening',
      ['announce_prequalification', 'conclude_prequalification', 'fail'],
      undefined,
    ],
    ['every bid rejected', ['announce', 'open_bidding', 'open_bids', 'start_evaluation', 'fail'], 'failed'],
    ['bids cannot be opened before bidding', ['announce', 'open_bids'], undefined],
    [
      'a prequalification tender is announced once (no second notice into prequalification)',
      ['announce_prequalification', 'announce_prequalification'],
      undefined,
    ],
    [
      'an announced tender does not turn into a prequalification one',
      ['announce', 'announce_prequalification'],
      undefined,
    ],
    [
      'no award without publicity',
      ['announce', 'open_bidding', 'open_bids', 'start_evaluation', 'award'],
      undefined,
    ],
  ])('%s', (_name, steps, end) => {
    expect(walk(steps)).toBe(end);
  });
});

describe('isFinalTenderStatus', () => {
  it.each(TENDER_STATUSES.map((status) => [status] as const))(
    '%s is final exactly when no action leads out',
    (status) => {
      const exits = TENDER_ACTIONS.filter((action) =>
        TENDER_STATUSES.some((resumeTo) => nextTenderStatus(status, action, resumeTo) !== undefined),
      );
      expect(isFinalTenderStatus(status)).toBe(exits.length === 0);
    },
  );
});
