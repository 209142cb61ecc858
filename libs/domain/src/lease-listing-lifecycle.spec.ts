import {
  LISTING_STATUSES,
  type ListingAction,
  type ListingStatus,
  isFinalStatus,
  nextListingStatus,
} from './lease-listing-lifecycle.js';

const ACTIONS: ListingAction[] = [
  'publish',
  'open',
  'close_sold',
  'close_unsold',
  'suspend',
  'resume',
  'cancel',
];

/**
 * The lifecycle, written out as the business rules state it:
 * - a draft is published (announced) or cancelled;
 * - an announced listing opens for bidding, can be suspended or cancelled;
 * - bidding ends sold or unsold, or is suspended (it cannot be cancelled mid-auction);
 * - a suspended listing resumes to announced (the clock then decides) or is cancelled;
 * - sold, unsold and cancelled are final.
 * Every (status, action) pair not listed here must be refused.
 */
const ALLOWED: Record<string, ListingStatus> = {
  'draft publish': 'announced',
  'draft cancel': 'cancelled',
  'announced open': 'bidding',
  'announced suspend': 'suspended',
  'announced cancel': 'cancelled',
  // the clock opened it even if no job flipped the stored status
  'announced close_sold': 'sold',
  'announced close_unsold': 'unsold',
  'bidding close_sold': 'sold',
  'bidding close_unsold': 'unsold',
  'bidding suspend': 'suspended',
  'suspended resume': 'announced',
  'suspended cancel': 'cancelled',
};

const TABLE: [string, ListingStatus, ListingAction, ListingStatus | undefined][] = LISTING_STATUSES.flatMap(
  (from) =>
    ACTIONS.map((action): [string, ListingStatus, ListingAction, ListingStatus | undefined] => {
      const to = ALLOWED[`${from} ${action}`];
      return [`${from} --${action}--> ${to ?? '(refused)'}`, from, action, to];
    }),
);

describe('LISTING_STATUSES', () => {
  it('lists the seven statuses once each', () => {
    expect([...LISTING_STATUSES].sort()).toEqual(
      ['announced', 'bidding', 'cancelled', 'draft', 'sold', 'suspended', 'unsold'].sort(),
    );
  });
});

describe('nextListingStatus', () => {
  it('covers every (status, action) pair', () => {
    expect(TABLE).toHaveLength(7 * 7);
    expect(TABLE.filter(([, , , to]) => to !== undefined)).toHaveLength(Object.keys(ALLOWED).length);
  });

  it.each(TABLE)('%s', (_name, from, action, expected) => {
    expect(nextListingStatus(from, action)).toBe(expected);
  });
});

describe('isFinalStatus', () => {
  it.each<[ListingStatus, boolean]>([
    ['draft', false],
    ['announced', false],
    ['bidding', false],
    ['suspended', false],
    ['sold', true],
    ['unsold', true],
    ['cancelled', true],
  ])('%s → %s', (status, expected) => {
    expect(isFinalStatus(status)).toBe(expected);
  });

  it.each([...LISTING_STATUSES])('%s is final exactly when no action leads out of it', (status) => {
    const exits = ACTIONS.filter((action) => nextListingStatus(status, action) !== undefined);
    expect(isFinalStatus(status)).toBe(exits.length === 0);
  });
});
