import { BusinessCalendar } from './business-calendar.js';
import {
  DEPOSIT_ACTIONS,
  DEPOSIT_STATES,
  type DepositAction,
  type DepositState,
  type HeldDeposit,
  INITIAL_DEPOSIT_STATE,
  applyDepositAction,
  depositStatesAllowing,
  depositOnContractSigned,
  depositOnDefault,
  depositsOnDeal,
  depositsOnNoDeal,
  isRefundOverdue,
  isSettledDeposit,
  nextDepositState,
} from './deposit-lifecycle.js';
import { DomainError, type ErrorCode } from './errors.js';
import { OFFICIAL_CALENDARS } from './official-calendars.js';

const calendar = new BusinessCalendar(OFFICIAL_CALENDARS);

/**
 * Every (state, action) pair: the four allowed steps, and for each refused one the code that
 * says why — not received yet, received twice, or settled for good.
 */
const TABLE: Record<DepositState, Record<DepositAction, DepositState | ErrorCode>> = {
  due: {
    receive: 'received',
    refund: 'DEPOSIT_NOT_RECEIVED',
    forfeit: 'DEPOSIT_NOT_RECEIVED',
    convert: 'DEPOSIT_NOT_RECEIVED',
  },
  received: {
    receive: 'DEPOSIT_ALREADY_RECEIVED',
    refund: 'refunded',
    forfeit: 'forfeited',
    convert: 'converted',
  },
  refunded: {
    receive: 'DEPOSIT_ALREADY_SETTLED',
    refund: 'DEPOSIT_ALREADY_SETTLED',
    forfeit: 'DEPOSIT_ALREADY_SETTLED',
    convert: 'DEPOSIT_ALREADY_SETTLED',
  },
  forfeited: {
    receive: 'DEPOSIT_ALREADY_SETTLED',
    refund: 'DEPOSIT_ALREADY_SETTLED',
    forfeit: 'DEPOSIT_ALREADY_SETTLED',
    convert: 'DEPOSIT_ALREADY_SETTLED',
  },
  converted: {
    receive: 'DEPOSIT_ALREADY_SETTLED',
    refund: 'DEPOSIT_ALREADY_SETTLED',
    forfeit: 'DEPOSIT_ALREADY_SETTLED',
    convert: 'DEPOSIT_ALREADY_SETTLED',
  },
};

const PAIRS = DEPOSIT_STATES.flatMap((from) =>
  DEPOSIT_ACTIONS.map(
    (action) => [`${from} --${action}--> ${TABLE[from][action]}`, from, action, TABLE[from][action]] as const,
  ),
);
const isState = (value: string): value is DepositState =>
  (DEPOSIT_STATES as readonly string[]).includes(value);

describe('deposit lifecycle: due → received → refunded | forfeited | converted', () => {
  it('covers every (state, action) pair, four of them allowed', () => {
    expect(PAIRS).toHaveLength(5 * 4);
    expect(PAIRS.filter(([, , , to]) => isState(to))).toHaveLength(4);
  });

  it.each(PAIRS)('%s', (_name, from, action, expected) => {
    const step = nextDepositState(from, action);
    if (isState(expected)) {
      expect(step).toEqual({ ok: true, state: expected });
      expect(applyDepositAction(from, action)).toBe(expected);
    } else {
      expect(step).toMatchObject({ ok: false, code: expected });
      expect(() => applyDepositAction(from, action)).toThrow(DomainError);
      try {
        applyDepositAction(from, action);
      } catch (error) {
        expect((error as DomainError).code).toBe(expected);
        expect((error as DomainError).details).toEqual({ state: from, action });
      }
    }
  });

  it.each<[DepositState, boolean]>([
    ['due', false],
    ['received', false],
    ['refunded', true],
    ['forfeited', true],
    ['converted', true],
  ])('%s is settled: %s (exactly when no action leads out of it)', (state, settled) => {
    expect(isSettledDeposit(state)).toBe(settled);
    expect(DEPOSIT_ACTIONS.every((action) => !nextDepositState(state, action).ok)).toBe(settled);
  });

  it('starts due: the only state nothing leads into', () => {
    expect(INITIAL_DEPOSIT_STATE).toBe('due');
    const reachable = PAIRS.map(([, , , to]) => to).filter(isState);
    expect(DEPOSIT_STATES.filter((state) => !reachable.includes(state))).toEqual([INITIAL_DEPOSIT_STATE]);
  });

  it.each(DEPOSIT_ACTIONS.map((action) => [action] as const))(
    'depositStatesAllowing(%s) is exactly the states the table lets it leave from',
    (action) => {
      expect(depositStatesAllowing(action)).toEqual(
        DEPOSIT_STATES.filter((state) => isState(TABLE[state][action] as string)),
      );
    },
  );
});

describe('who gets what when a process ends', () => {
  const deposits: HeldDeposit[] = [
    { id: 'd-winner', bidderId: 'winner', state: 'received' },
    { id: 'd-loser', bidderId: 'loser', state: 'received' },
    { id: 'd-never-paid', bidderId: 'applicant', state: 'due' },
    { id: 'd-refunded', bidderId: 'withdrew', state: 'refunded' },
  ];

  it("a deal: the winner's is held, the losers' fall due for refund 5 business days after (across 国庆节)", () => {
    expect(depositsOnDeal(calendar, deposits, { winnerId: 'winner', dealOn: '2026-09-30' })).toEqual([
      { depositId: 'd-winner', action: 'hold' },
      { depositId: 'd-loser', action: 'refund', dueOn: '2026-10-13' },
      { depositId: 'd-never-paid', action: 'none' },
      { depositId: 'd-refunded', action: 'none' },
    ]);
  });

  it("the contract signed: the winner's converts; every step of it is allowed from received", () => {
    const instruction = depositOnContractSigned(deposits, 'winner');
    expect(instruction).toEqual({ depositId: 'd-winner', action: 'convert' });
    expect(applyDepositAction('received', 'convert')).toBe('converted');
  });

  it("the winner defaults: the winner's is forfeited", () => {
    expect(depositOnDefault(deposits, 'winner')).toEqual({ depositId: 'd-winner', action: 'forfeit' });
  });

  it.each<[string, HeldDeposit[]]>([
    ['never paid', [{ id: 'd', bidderId: 'winner', state: 'due' }]],
    ['already converted', [{ id: 'd', bidderId: 'winner', state: 'converted' }]],
    ['missing', [{ id: 'd', bidderId: 'someone else', state: 'received' }]],
    [
      'held twice',
      [
        { id: 'd1', bidderId: 'winner', state: 'received' },
        { id: 'd2', bidderId: 'winner', state: 'received' },
      ],
    ],
  ])("refuses a deal, a contract and a default when the winner's deposit is %s", (_name, held) => {
    for (const attempt of [
      () => depositsOnDeal(calendar, held, { winnerId: 'winner', dealOn: '2026-09-30' }),
      () => depositOnContractSigned(held, 'winner'),
      () => depositOnDefault(held, 'winner'),
    ]) {
      expect(attempt).toThrow(DomainError);
      try {
        attempt();
      } catch (error) {
        expect((error as DomainError).code).toBe('DEPOSIT_NOT_RECEIVED');
      }
    }
  });

  it('no deal: every received deposit falls due for refund, the winner-to-be included', () => {
    expect(depositsOnNoDeal(calendar, deposits, '2026-11-20')).toEqual([
      { depositId: 'd-winner', action: 'refund', dueOn: '2026-11-27' },
      { depositId: 'd-loser', action: 'refund', dueOn: '2026-11-27' },
      { depositId: 'd-never-paid', action: 'none' },
      { depositId: 'd-refunded', action: 'none' },
    ]);
  });

  it('a refund due date needing a year with no calendar is refused', () => {
    expect(() => depositsOnNoDeal(calendar, deposits, '2026-12-29')).toThrow(/2027/);
  });
});

describe('isRefundOverdue', () => {
  it.each<[string, DepositState, string | null, string, boolean]>([
    ['held, on its last day', 'received', '2026-10-13', '2026-10-13', false],
    ['held, the day after', 'received', '2026-10-13', '2026-10-14', true],
    ['refunded, the day after', 'refunded', '2026-10-13', '2026-10-14', false],
    ['the winner’s held deposit (no refund due)', 'received', null, '2027-01-01', false],
    ['never received', 'due', '2026-10-13', '2026-10-14', false],
  ])('%s → %s', (_name, state, refundDueOn, today, overdue) => {
    expect(isRefundOverdue({ state, refundDueOn }, today)).toBe(overdue);
  });
});
