import {
  PROCUREMENT_ACTIONS,
  PROCUREMENT_METHODS,
  PROCUREMENT_STATUSES,
  type ProcurementAction,
  type ProcurementMethod,
  type ProcurementStatus,
  isFinalProcurementStatus,
  nextProcurementStatus,
  suspendProcurement,
  suspendableProcurementStatuses,
} from './procurement-lifecycle.js';

/**
 * The allowed steps, written out per method (DOMAIN.md B and issue 9):
 * - the competitive methods (open and invited tender, negotiation, consultation, quotation):
 *   planned → announced → responding → opened → evaluating → report_delivered → award_decided →
 *   awarded → contracted; failed from announced (too few qualified), opened (too few responses)
 *   or evaluating (too few responsive / all rejected), and re-planned;
 * - single source: planned → prior_publicity → responding → evaluating → … (no notice, no
 *   opening); an objection upheld fails it during publicity;
 * - framework agreement: as the competitive path, then call-off orders while contracted, closed.
 * Every (method, status, action) not listed is refused; `resume` is tested apart.
 */
const COMPETITIVE: Record<string, ProcurementStatus> = {
  'planned announce': 'announced',
  'planned terminate': 'terminated',
  'announced issue_documents': 'responding',
  'announced fail': 'failed',
  'announced suspend': 'suspended',
  'announced terminate': 'terminated',
  'responding open_responses': 'opened',
  'responding suspend': 'suspended',
  'responding terminate': 'terminated',
  'opened start_evaluation': 'evaluating',
  'opened fail': 'failed',
  'opened suspend': 'suspended',
  'opened terminate': 'terminated',
  'evaluating deliver_report': 'report_delivered',
  'evaluating fail': 'failed',
  'evaluating suspend': 'suspended',
  'evaluating terminate': 'terminated',
  'report_delivered decide_award': 'award_decided',
  'report_delivered suspend': 'suspended',
  'award_decided announce_result': 'awarded',
  'award_decided suspend': 'suspended',
  'awarded sign_contract': 'contracted',
  'awarded suspend': 'suspended',
  'failed replan': 'replanned',
  'failed terminate': 'terminated',
  // 'suspended terminate' depends on the status it was suspended in: its own test below.
};

const SINGLE_SOURCE: Record<string, ProcurementStatus> = {
  'planned publicise': 'prior_publicity',
  'planned terminate': 'terminated',
  'prior_publicity conclude_publicity': 'responding',
  'prior_publicity fail': 'failed',
  'prior_publicity suspend': 'suspended',
  'prior_publicity terminate': 'terminated',
  'responding start_evaluation': 'evaluating',
  'responding suspend': 'suspended',
  'responding terminate': 'terminated',
  'evaluating deliver_report': 'report_delivered',
  'evaluating fail': 'failed',
  'evaluating suspend': 'suspended',
  'evaluating terminate': 'terminated',
  'report_delivered decide_award': 'award_decided',
  'report_delivered suspend': 'suspended',
  'award_decided announce_result': 'awarded',
  'award_decided suspend': 'suspended',
  'awarded sign_contract': 'contracted',
  'awarded suspend': 'suspended',
  'failed replan': 'replanned',
  'failed terminate': 'terminated',
  // 'suspended terminate' depends on the status it was suspended in: its own test below.
};

const FRAMEWORK: Record<string, ProcurementStatus> = {
  ...COMPETITIVE,
  'contracted record_call_off': 'contracted',
  'contracted close': 'closed',
  'contracted suspend': 'suspended',
};

const ALLOWED: Record<ProcurementMethod, Record<string, ProcurementStatus>> = {
  open_tender: COMPETITIVE,
  invited_tender: COMPETITIVE,
  competitive_negotiation: COMPETITIVE,
  competitive_consultation: COMPETITIVE,
  request_for_quotation: COMPETITIVE,
  single_source: SINGLE_SOURCE,
  framework_agreement: FRAMEWORK,
};

const ACTIONS_BUT_RESUME = PROCUREMENT_ACTIONS.filter((action) => action !== 'resume');
type Row = [string, ProcurementMethod, ProcurementStatus, ProcurementAction, ProcurementStatus | undefined];
const TABLE: Row[] = PROCUREMENT_METHODS.flatMap((method) =>
  PROCUREMENT_STATUSES.flatMap((from) =>
    ACTIONS_BUT_RESUME.map((action): Row => {
      const to = ALLOWED[method][`${from} ${action}`];
      return [`${method}: ${from} --${action}--> ${to ?? '(refused)'}`, method, from, action, to];
    }),
  ),
);

describe('nextProcurementStatus (every method, status and action but resume)', () => {
  it('covers every (method, status, action)', () => {
    expect(TABLE).toHaveLength(7 * 15 * 16);
  });

  it.each(TABLE)('%s', (_name, method, from, action, expected) => {
    expect(nextProcurementStatus(method, from, action)).toBe(expected);
  });
});

describe('suspend and resume per method', () => {
  const running = (method: ProcurementMethod) =>
    Object.entries(ALLOWED[method])
      .filter(([step]) => step.endsWith(' suspend'))
      .map(([step]) => step.split(' ')[0] as ProcurementStatus);

  it.each(PROCUREMENT_METHODS)('%s: suspends exactly its running stages and resumes to each', (method) => {
    expect(suspendableProcurementStatuses(method).sort()).toEqual(running(method).sort());
    for (const status of PROCUREMENT_STATUSES) {
      const allowed = running(method).includes(status);
      expect(suspendProcurement(method, status)).toEqual(
        allowed ? { status: 'suspended', resumeTo: status } : undefined,
      );
      expect(nextProcurementStatus(method, 'suspended', 'resume', status)).toBe(allowed ? status : undefined);
      if (status !== 'suspended')
        expect(nextProcurementStatus(method, status, 'resume', status)).toBeUndefined();
    }
    expect(nextProcurementStatus(method, 'suspended', 'resume')).toBeUndefined();
  });
});

describe('terminate a suspended project: where the status it was suspended in may be terminated', () => {
  it.each(PROCUREMENT_METHODS)('%s', (method) => {
    for (const resumeTo of suspendableProcurementStatuses(method)) {
      const expected = ALLOWED[method][`${resumeTo} terminate`] ? 'terminated' : undefined;
      expect([resumeTo, nextProcurementStatus(method, 'suspended', 'terminate', resumeTo)]).toEqual([
        resumeTo,
        expected,
      ]);
    }
    expect(nextProcurementStatus(method, 'suspended', 'terminate')).toBeUndefined();
  });

  it('refuses it once the award is decided (a framework suspended when contracted included)', () => {
    expect(nextProcurementStatus('open_tender', 'suspended', 'terminate', 'award_decided')).toBeUndefined();
    expect(
      nextProcurementStatus('framework_agreement', 'suspended', 'terminate', 'contracted'),
    ).toBeUndefined();
    expect(nextProcurementStatus('open_tender', 'suspended', 'terminate', 'responding')).toBe('terminated');
  });
});

describe('the paths of each method, step by step', () => {
  const walk = (method: ProcurementMethod, steps: ProcurementAction[]) =>
    steps.reduce<ProcurementStatus | undefined>(
      (status, action) => status && nextProcurementStatus(method, status, action),
      'planned',
    );
  const COMPETITIVE_PATH: ProcurementAction[] = [
    'announce',
    'issue_documents',
    'open_responses',
    'start_evaluation',
    'deliver_report',
    'decide_award',
    'announce_result',
    'sign_contract',
  ];

  it.each<[string, ProcurementMethod, ProcurementAction[], ProcurementStatus | undefined]>([
    ...(
      [
        'open_tender',
        'invited_tender',
        'competitive_negotiation',
        'competitive_consultation',
        'request_for_quotation',
      ] as const
    ).map((method): [string, ProcurementMethod, ProcurementAction[], ProcurementStatus] => [
      `${method} to a contract`,
      method,
      COMPETITIVE_PATH,
      'contracted',
    ]),
    [
      'single source: publicity, negotiation, contract',
      'single_source',
      [
        'publicise',
        'conclude_publicity',
        'start_evaluation',
        'deliver_report',
        'decide_award',
        'announce_result',
        'sign_contract',
      ],
      'contracted',
    ],
    [
      'single source: an objection upheld, re-planned (the successor is a new project)',
      'single_source',
      ['publicise', 'fail', 'replan'],
      'replanned',
    ],
    ['single source publishes no tender notice', 'single_source', ['announce'], undefined],
    ['an open tender has no prior publicity', 'open_tender', ['publicise'], undefined],
    [
      'framework agreement: two call-offs, then closed',
      'framework_agreement',
      [...COMPETITIVE_PATH, 'record_call_off', 'record_call_off', 'close'],
      'closed',
    ],
    [
      'call-off orders only under a framework agreement',
      'open_tender',
      [...COMPETITIVE_PATH, 'record_call_off'],
      undefined,
    ],
    [
      'fewer than 3 responses at the opening',
      'competitive_negotiation',
      ['announce', 'issue_documents', 'open_responses', 'fail'],
      'failed',
    ],
  ])('%s', (_name, method, steps, end) => {
    expect(walk(method, steps)).toBe(end);
  });
});

describe('isFinalProcurementStatus', () => {
  const cases = PROCUREMENT_METHODS.flatMap((method) =>
    PROCUREMENT_STATUSES.map((status) => [method, status] as const),
  );
  it.each(cases)('%s: %s is final exactly when no action leads out', (method, status) => {
    const exits = PROCUREMENT_ACTIONS.filter((action) =>
      PROCUREMENT_STATUSES.some(
        (resumeTo) => nextProcurementStatus(method, status, action, resumeTo) !== undefined,
      ),
    );
    // A status the method never reaches (prior_publicity outside single source) has no exits
    // either; finality is only claimed for the true ends.
    if (isFinalProcurementStatus(method, status)) expect(exits).toEqual([]);
    else if (exits.length === 0) expect(reachable(method).has(status)).toBe(false);
  });
});

function reachable(method: ProcurementMethod): Set<ProcurementStatus> {
  const seen = new Set<ProcurementStatus>(['planned']);
  const queue: ProcurementStatus[] = ['planned'];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const action of PROCUREMENT_ACTIONS)
      for (const resumeTo of PROCUREMENT_STATUSES) {
        const to = nextProcurementStatus(method, from, action, resumeTo);
        if (to && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
  }
  return seen;
}
