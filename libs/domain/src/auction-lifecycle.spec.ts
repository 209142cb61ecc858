import {
  AUCTION_ACTIONS,
  AUCTION_STATUSES,
  type AuctionAction,
  type AuctionStatus,
  isFinalAuctionStatus,
  nextAuctionStatus,
  statusesAllowing,
} from './auction-lifecycle.js';

/**
 * The auction's lifecycle, written out as the rules state it:
 * - a draft is published (announced) or cancelled;
 * - an announced auction opens (by the job, or by its first accepted bid once the clock has
 *   opened it), can be suspended or cancelled;
 * - a bid accepted while bidding leaves it bidding;
 * - bidding ends sold or unsold, or is suspended (it cannot be cancelled mid-auction);
 * - a suspended auction resumes to announced (the clock then decides) or is cancelled;
 * - sold, unsold and cancelled are final.
 * Every (status, action) pair not listed here must be refused.
 */
const ALLOWED: Record<string, AuctionStatus> = {
  'draft publish': 'announced',
  'draft cancel': 'cancelled',
  'announced open': 'bidding',
  'announced accept_bid': 'bidding',
  'announced suspend': 'suspended',
  'announced cancel': 'cancelled',
  'announced close_sold': 'sold',
  'announced close_unsold': 'unsold',
  'bidding accept_bid': 'bidding',
  'bidding close_sold': 'sold',
  'bidding close_unsold': 'unsold',
  'bidding suspend': 'suspended',
  'suspended resume': 'announced',
  'suspended cancel': 'cancelled',
};

const TABLE: [string, AuctionStatus, AuctionAction, AuctionStatus | undefined][] = AUCTION_STATUSES.flatMap(
  (from) =>
    AUCTION_ACTIONS.map((action): [string, AuctionStatus, AuctionAction, AuctionStatus | undefined] => {
      const to = ALLOWED[`${from} ${action}`];
      return [`${from} --${action}--> ${to ?? '(refused)'}`, from, action, to];
    }),
);

describe('nextAuctionStatus', () => {
  it('covers every (status, action) pair', () => {
    expect(TABLE).toHaveLength(7 * 8);
    expect(TABLE.filter(([, , , to]) => to !== undefined)).toHaveLength(Object.keys(ALLOWED).length);
  });

  it.each(TABLE)('%s', (_name, from, action, expected) => {
    expect(nextAuctionStatus(from, action)).toBe(expected);
  });
});

describe('statusesAllowing: what the SQL filters on, read from the table', () => {
  it.each<[AuctionAction, AuctionStatus[]]>([
    ['publish', ['draft']],
    ['open', ['announced']],
    ['accept_bid', ['announced', 'bidding']],
    ['close_sold', ['announced', 'bidding']],
    ['close_unsold', ['announced', 'bidding']],
    ['suspend', ['announced', 'bidding']],
    ['resume', ['suspended']],
    ['cancel', ['draft', 'announced', 'suspended']],
  ])('%s leaves from %j', (action, expected) => {
    expect(statusesAllowing(action)).toEqual(expected);
  });
});

describe('isFinalAuctionStatus', () => {
  it.each<[AuctionStatus, boolean]>([
    ['draft', false],
    ['announced', false],
    ['bidding', false],
    ['suspended', false],
    ['sold', true],
    ['unsold', true],
    ['cancelled', true],
  ])('%s → %s', (status, expected) => {
    expect(isFinalAuctionStatus(status)).toBe(expected);
  });
});
