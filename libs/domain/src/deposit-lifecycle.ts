/**
 * A deposit (保证金) is money with states (issue 7 §4): due → received → refunded | forfeited |
 * converted (to part of the price). No step can be skipped or repeated, and every refusal says
 * which rule it broke. The same deposits serve every line (lease, transfer).
 */
import type { BusinessCalendar } from './business-calendar.js';
import { DomainError, type ErrorCode } from './errors.js';
import { depositRefundDueOn } from './transfer-rules.js';

export const DEPOSIT_STATES = ['due', 'received', 'refunded', 'forfeited', 'converted'] as const;
export type DepositState = (typeof DEPOSIT_STATES)[number];

export const DEPOSIT_ACTIONS = ['receive', 'refund', 'forfeit', 'convert'] as const;
export type DepositAction = (typeof DEPOSIT_ACTIONS)[number];

/** Where every deposit starts: a registration owes it, the centre has not received it. */
export const INITIAL_DEPOSIT_STATE: DepositState = 'due';

const TRANSITIONS: Record<DepositAction, Partial<Record<DepositState, DepositState>>> = {
  receive: { due: 'received' },
  refund: { received: 'refunded' },
  forfeit: { received: 'forfeited' },
  convert: { received: 'converted' },
};

/**
 * The states `action` may leave from: what a query filters on (the deposits a refund can still
 * be made from are the ones the centre holds).
 */
export function depositStatesAllowing(action: DepositAction): DepositState[] {
  return DEPOSIT_STATES.filter((state) => TRANSITIONS[action][state] !== undefined);
}

/** Money the centre no longer holds: nothing more can happen to it. */
export function isSettledDeposit(state: DepositState): boolean {
  return state === 'refunded' || state === 'forfeited' || state === 'converted';
}

const PAST: Record<DepositAction, string> = {
  receive: 'received',
  refund: 'refunded',
  forfeit: 'forfeited',
  convert: 'converted',
};

export type DepositStep = { ok: true; state: DepositState } | { ok: false; code: ErrorCode; message: string };

/**
 * The state an action leads to, or why it is refused: money not yet received cannot leave
 * (DEPOSIT_NOT_RECEIVED), money cannot be received twice (DEPOSIT_ALREADY_RECEIVED), and a
 * refunded, forfeited or converted deposit is settled for good (DEPOSIT_ALREADY_SETTLED).
 */
export function nextDepositState(from: DepositState, action: DepositAction): DepositStep {
  const to = TRANSITIONS[action][from];
  if (to) return { ok: true, state: to };
  if (isSettledDeposit(from))
    return {
      ok: false,
      code: 'DEPOSIT_ALREADY_SETTLED',
      message: `the deposit is already ${from}; it cannot be ${PAST[action]}`,
    };
  if (from === 'received')
    return { ok: false, code: 'DEPOSIT_ALREADY_RECEIVED', message: 'the deposit has already been received' };
  return {
    ok: false,
    code: 'DEPOSIT_NOT_RECEIVED',
    message: `the deposit has not been received, so it cannot be ${PAST[action]}`,
  };
}

/** nextDepositState for callers that throw: the new state, or a DomainError with its code. */
export function applyDepositAction(from: DepositState, action: DepositAction): DepositState {
  const step = nextDepositState(from, action);
  if (!step.ok) throw new DomainError(step.code, step.message, { state: from, action });
  return step.state;
}

// ---------------------------------------------------------------------------------------------
// Who gets what when a process ends

export interface HeldDeposit {
  id: string;
  bidderId: string;
  state: DepositState;
}

/** What to do with one deposit: an action now, or a refund due by a date (the worker flags it late). */
export type DepositInstruction =
  | { depositId: string; action: 'convert' | 'forfeit' }
  | { depositId: string; action: 'refund'; dueOn: string }
  /** The winner's deposit stays held until the contract is signed (convert) or not (forfeit). */
  | { depositId: string; action: 'hold' }
  /** Never received (nothing to return) or already settled: nothing to do. */
  | { depositId: string; action: 'none' };

function winnerDeposit(deposits: readonly HeldDeposit[], winnerId: string): HeldDeposit {
  const winners = deposits.filter((deposit) => deposit.bidderId === winnerId);
  if (winners.length !== 1 || winners[0].state !== 'received')
    throw new DomainError('DEPOSIT_NOT_RECEIVED', "the winner's deposit is not held", {
      winnerId,
      states: winners.map((deposit) => deposit.state),
    });
  return winners[0];
}

/**
 * A deal concluded (auction, agreement or on-site): every other received deposit falls due for
 * refund within 5 business days of the deal. The winner's is held: it converts to part of the
 * price when the contract is signed, and is forfeited if the winner does not sign — so it must
 * still be `received` until then (converting at the deal would leave nothing to forfeit).
 */
export function depositsOnDeal(
  calendar: BusinessCalendar,
  deposits: readonly HeldDeposit[],
  deal: { winnerId: string; dealOn: string },
): DepositInstruction[] {
  const held = winnerDeposit(deposits, deal.winnerId);
  const dueOn = depositRefundDueOn(calendar, deal.dealOn);
  return deposits.map((deposit): DepositInstruction => {
    if (deposit === held) return { depositId: deposit.id, action: 'hold' };
    return deposit.state === 'received'
      ? { depositId: deposit.id, action: 'refund', dueOn }
      : { depositId: deposit.id, action: 'none' };
  });
}

/** The contract is signed: the winner's deposit converts to part of the price. */
export function depositOnContractSigned(
  deposits: readonly HeldDeposit[],
  winnerId: string,
): DepositInstruction {
  return { depositId: winnerDeposit(deposits, winnerId).id, action: 'convert' };
}

/** The winner did not sign by the deadline (悔拍): its deposit is forfeited. */
export function depositOnDefault(deposits: readonly HeldDeposit[], winnerId: string): DepositInstruction {
  return { depositId: winnerDeposit(deposits, winnerId).id, action: 'forfeit' };
}

/**
 * No deal (unsold, the agreement abandoned, terminated): every received deposit falls due for
 * refund within 5 business days of the end.
 */
export function depositsOnNoDeal(
  calendar: BusinessCalendar,
  deposits: readonly HeldDeposit[],
  endedOn: string,
): DepositInstruction[] {
  const dueOn = depositRefundDueOn(calendar, endedOn);
  return deposits.map((deposit): DepositInstruction =>
    deposit.state === 'received'
      ? { depositId: deposit.id, action: 'refund', dueOn }
      : { depositId: deposit.id, action: 'none' },
  );
}

/** A refund is overdue once its last day has passed and the money is still held. */
export function isRefundOverdue(
  deposit: { state: DepositState; refundDueOn: string | null },
  today: string,
): boolean {
  return deposit.state === 'received' && deposit.refundDueOn !== null && today > deposit.refundDueOn;
}
