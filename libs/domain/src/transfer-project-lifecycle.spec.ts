import {
  SUSPENDABLE_TRANSFER_STATUSES,
  TRANSFER_ACTIONS,
  TRANSFER_STATUSES,
  type TransferAction,
  type TransferStatus,
  isFinalTransferStatus,
  nextTransferStatus,
  suspendTransfer,
  transferStatusesAllowing,
} from './transfer-project-lifecycle.js';

/**
 * The lifecycle, written out as DOMAIN.md C and issue 7 §2 state it:
 * - an accepted project (the draft) is published into disclosure, or terminated;
 * - at the end of disclosure (or of an extension): extended again, re-listed, an agreement with
 *   the one qualified buyer, or an auction among two or more;
 * - an agreement is confirmed (sold) or abandoned (unsold); an auction closes sold or unsold;
 * - sold → confirmed → contract signed, or the winner defaults (from sold or confirmed);
 * - a project no buyer took is re-listed in place; an unsold or defaulted one is re-listed as a
 *   new project and ends `superseded`; a re-listing is published again;
 * - suspension from any running stage; terminate from anything not yet sold, except a running
 *   auction (suspend it first); contract_signed, terminated and superseded are final.
 * Every (status, action) pair not listed here must be refused. `resume` is tested apart: it goes
 * back to the status stored at suspension.
 */
const ALLOWED: Record<string, TransferStatus> = {
  'accepted publish': 'disclosed',
  'accepted terminate': 'terminated',
  'disclosed extend': 'extended',
  'disclosed relist': 'relisted',
  'disclosed open_agreement': 'agreement_pending',
  'disclosed open_auction': 'auction',
  'disclosed suspend': 'suspended',
  'disclosed terminate': 'terminated',
  'extended extend': 'extended',
  'extended relist': 'relisted',
  'extended open_agreement': 'agreement_pending',
  'extended open_auction': 'auction',
  'extended suspend': 'suspended',
  'extended terminate': 'terminated',
  'relisted publish': 'disclosed',
  'relisted terminate': 'terminated',
  'agreement_pending confirm_agreement': 'sold',
  'agreement_pending abandon_agreement': 'unsold',
  'agreement_pending suspend': 'suspended',
  'agreement_pending terminate': 'terminated',
  'auction close_sold': 'sold',
  'auction close_unsold': 'unsold',
  'auction suspend': 'suspended',
  'sold confirm': 'confirmed',
  'sold default': 'defaulted',
  'sold suspend': 'suspended',
  'unsold relist_as_new': 'superseded',
  'unsold terminate': 'terminated',
  'confirmed sign_contract': 'contract_signed',
  'confirmed default': 'defaulted',
  'confirmed suspend': 'suspended',
  'defaulted relist_as_new': 'superseded',
  'defaulted terminate': 'terminated',
  'suspended terminate': 'terminated',
};

const ACTIONS_BUT_RESUME = TRANSFER_ACTIONS.filter((action) => action !== 'resume');

const TABLE: [string, TransferStatus, TransferAction, TransferStatus | undefined][] =
  TRANSFER_STATUSES.flatMap((from) =>
    ACTIONS_BUT_RESUME.map((action): [string, TransferStatus, TransferAction, TransferStatus | undefined] => {
      const to = ALLOWED[`${from} ${action}`];
      return [`${from} --${action}--> ${to ?? '(refused)'}`, from, action, to];
    }),
  );

describe('TRANSFER_STATUSES and TRANSFER_ACTIONS', () => {
  it('lists the fourteen statuses and sixteen actions once each', () => {
    expect(new Set(TRANSFER_STATUSES).size).toBe(14);
    expect(new Set(TRANSFER_ACTIONS).size).toBe(16);
  });
});

describe('nextTransferStatus (every action but resume)', () => {
  it('covers every (status, action) pair', () => {
    expect(TABLE).toHaveLength(14 * 15);
    expect(TABLE.filter(([, , , to]) => to !== undefined)).toHaveLength(Object.keys(ALLOWED).length);
  });

  it.each(TABLE)('%s', (_name, from, action, expected) => {
    expect(nextTransferStatus(from, action)).toBe(expected);
  });
});

describe('suspend and resume: back to the stored status', () => {
  const RUNNING: TransferStatus[] = [
    'disclosed',
    'extended',
    'agreement_pending',
    'auction',
    'sold',
    'confirmed',
  ];

  it('suspends exactly the running stages', () => {
    expect([...SUSPENDABLE_TRANSFER_STATUSES].sort()).toEqual([...RUNNING].sort());
  });

  it.each(TRANSFER_STATUSES.map((from) => [from, RUNNING.includes(from)] as const))(
    'suspendTransfer(%s) stores where to resume: %s',
    (from, allowed) => {
      expect(suspendTransfer(from)).toEqual(allowed ? { status: 'suspended', resumeTo: from } : undefined);
    },
  );

  // Every status a resume might be told to go back to, from a suspended project.
  it.each(
    TRANSFER_STATUSES.map(
      (resumeTo) => [resumeTo, RUNNING.includes(resumeTo) ? resumeTo : undefined] as const,
    ),
  )('suspended --resume (resumeTo %s)--> %s', (resumeTo, expected) => {
    expect(nextTransferStatus('suspended', 'resume', resumeTo)).toBe(expected);
  });

  it('refuses a resume without a stored status', () => {
    expect(nextTransferStatus('suspended', 'resume')).toBeUndefined();
    expect(nextTransferStatus('suspended', 'resume', null)).toBeUndefined();
  });

  it.each(TRANSFER_STATUSES.filter((from) => from !== 'suspended'))(
    'refuses to resume a project that is %s (not suspended), whatever resumeTo says',
    (from) => {
      expect(nextTransferStatus(from, 'resume', 'disclosed')).toBeUndefined();
    },
  );

  it.each(RUNNING)('a round trip from %s comes back to it', (from) => {
    const suspended = suspendTransfer(from)!;
    expect(nextTransferStatus(suspended.status, 'resume', suspended.resumeTo)).toBe(from);
  });
});

describe('the paths of issue 7 §2, step by step', () => {
  const walk = (steps: TransferAction[], from: TransferStatus = 'accepted') =>
    steps.reduce<TransferStatus | undefined>(
      (status, action) => status && nextTransferStatus(status, action),
      from,
    );

  it.each<[string, TransferAction[], TransferStatus | undefined]>([
    [
      '0 buyers: extended twice, then re-listed and published',
      ['publish', 'extend', 'extend', 'relist', 'publish'],
      'disclosed',
    ],
    [
      '1 buyer: agreement to a signed contract',
      ['publish', 'open_agreement', 'confirm_agreement', 'confirm', 'sign_contract'],
      'contract_signed',
    ],
    [
      '1 buyer after an extension, who does not agree',
      ['publish', 'extend', 'open_agreement', 'abandon_agreement'],
      'unsold',
    ],
    [
      '2+ buyers: auction to a signed contract',
      ['publish', 'open_auction', 'close_sold', 'confirm', 'sign_contract'],
      'contract_signed',
    ],
    [
      '2+ buyers: no bid, re-listed as a new project',
      ['publish', 'open_auction', 'close_unsold', 'relist_as_new'],
      'superseded',
    ],
    [
      'the winner does not sign, re-listed as a new project',
      ['publish', 'open_auction', 'close_sold', 'confirm', 'default', 'relist_as_new'],
      'superseded',
    ],
    [
      'the one buyer does not agree, re-listed as a new project',
      ['publish', 'open_agreement', 'abandon_agreement', 'relist_as_new'],
      'superseded',
    ],
    // A project buyers took part in is never listed again in place.
    [
      '2+ buyers, no bid: re-listing in place refused',
      ['publish', 'open_auction', 'close_unsold', 'relist'],
      undefined,
    ],
  ])('%s', (_name, steps, end: TransferStatus | undefined) => {
    expect(walk(steps)).toBe(end);
  });
});

describe('isFinalTransferStatus', () => {
  it.each(TRANSFER_STATUSES.map((status) => [status] as const))(
    '%s is final exactly when no action leads out of it',
    (status) => {
      const exits = TRANSFER_ACTIONS.filter((action) =>
        TRANSFER_STATUSES.some((resumeTo) => nextTransferStatus(status, action, resumeTo) !== undefined),
      );
      expect(isFinalTransferStatus(status)).toBe(exits.length === 0);
    },
  );

  it('names contract_signed, terminated and superseded only', () => {
    expect(TRANSFER_STATUSES.filter(isFinalTransferStatus)).toEqual([
      'contract_signed',
      'terminated',
      'superseded',
    ]);
  });
});

describe('transferStatusesAllowing', () => {
  // What the worker's scans and the service's stage checks filter on.
  it.each([
    ['extend', ['disclosed', 'extended']],
    ['publish', ['accepted', 'relisted']],
    ['sign_contract', ['confirmed']],
    ['default', ['sold', 'confirmed']],
    ['open_auction', ['disclosed', 'extended']],
    ['relist', ['disclosed', 'extended']],
    ['relist_as_new', ['unsold', 'defaulted']],
  ] as const)('%s leaves from %j', (action, statuses) => {
    expect(transferStatusesAllowing(action)).toEqual(statuses);
  });

  it.each(TRANSFER_ACTIONS.filter((action) => action !== 'resume').map((action) => [action] as const))(
    '%s: exactly the statuses the table moves on',
    (action) => {
      const expected = TRANSFER_STATUSES.filter((status) => nextTransferStatus(status, action) !== undefined);
      expect(transferStatusesAllowing(action as Exclude<typeof action, 'resume'>)).toEqual(expected);
    },
  );
});
