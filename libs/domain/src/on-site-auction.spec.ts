import { DomainError, type ErrorCode } from './errors.js';
import {
  type OnSiteAuctionContext,
  type OnSiteAuctionRecord,
  checkOnSiteAuction,
  leaseOnSiteNotBefore,
} from './on-site-auction.js';

const HOUR = 3_600_000;
const HELD = new Date('2026-10-23T02:00:00Z'); // 10:00 in Nanchang

const context: OnSiteAuctionContext = {
  registrations: new Map([
    ['alice', { status: 'qualified', bidderCode: 'A001' }],
    ['bob', { status: 'qualified', bidderCode: 'A002' }],
    ['carol', { status: 'pending', bidderCode: null }],
    ['dave', { status: 'rejected', bidderCode: null }],
  ]),
  startPrice: 50_000_000,
  reservePrice: null,
  notBefore: new Date(HELD.getTime() - 24 * HOUR),
  now: new Date(HELD.getTime() + 3 * HOUR),
};

const sold: OnSiteAuctionRecord = {
  auctioneer: '李拍卖师 (拍卖师证 2019-0042)',
  place: '东湖区公共资源交易中心 三楼拍卖厅',
  heldAt: HELD,
  presentBidderIds: ['alice', 'bob', 'carol'],
  outcome: 'sold',
  hammerPrice: 56_000_000,
  winnerId: 'alice',
  recordFileName: '拍卖笔录-2026-10-23.pdf',
  recordFileSha256: '0123456789abcdef'.repeat(4),
};

function outcome(record: OnSiteAuctionRecord, ctx: OnSiteAuctionContext = context) {
  try {
    return { result: checkOnSiteAuction(record, ctx) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: error.details };
  }
}

describe('leaseOnSiteNotBefore: notice + 7 days, and not before registration closed', () => {
  const published = new Date('2026-03-02T02:00:00.000Z');
  it.each<[string, string, string]>([
    [
      'registration closed before the 7 days: the notice decides',
      '2026-03-05T02:00:00.000Z',
      '2026-03-09T02:00:00.000Z',
    ],
    [
      'registration closed after the 7 days: registration decides',
      '2026-03-10T09:30:00.000Z',
      '2026-03-10T09:30:00.000Z',
    ],
    ['both at the same instant', '2026-03-09T02:00:00.000Z', '2026-03-09T02:00:00.000Z'],
  ])('%s', (_name, registrationEndsAt, expected) => {
    expect(
      leaseOnSiteNotBefore({
        publishedAt: published,
        registrationEndsAt: new Date(registrationEndsAt),
      }).toISOString(),
    ).toBe(expected);
  });
});

describe('checkOnSiteAuction: an accepted record', () => {
  it('a sale: the hammer price, the winner and its bidder code', () => {
    expect(outcome(sold)).toEqual({
      result: { outcome: 'sold', hammerPrice: 56_000_000, winnerId: 'alice', winnerCode: 'A001' },
    });
  });

  it.each<[string, Partial<OnSiteAuctionRecord>, Partial<OnSiteAuctionContext>]>([
    ['the hammer at exactly the start price', { hammerPrice: 50_000_000 }, {}],
    ['the hammer at exactly the reserve', { hammerPrice: 60_000_000 }, { reservePrice: 60_000_000 }],
    ['held at the earliest moment', {}, { notBefore: HELD }],
    ['recorded the moment it was held', {}, { now: HELD }],
    ['a winner who was the only one present', { presentBidderIds: ['bob'], winnerId: 'bob' }, {}],
  ])('%s', (_name, change, ctx) => {
    expect(outcome({ ...sold, ...change }, { ...context, ...ctx }).result).toMatchObject({ outcome: 'sold' });
  });

  it('流拍: no hammer price and no winner, even with nobody present', () => {
    expect(
      outcome({ ...sold, outcome: 'unsold', hammerPrice: null, winnerId: null, presentBidderIds: [] }),
    ).toEqual({
      result: { outcome: 'unsold' },
    });
  });
});

describe('checkOnSiteAuction: each refused record with its code', () => {
  it.each<[string, Partial<OnSiteAuctionRecord>, Partial<OnSiteAuctionContext>, ErrorCode, unknown]>([
    [
      'a winner whose qualification is pending',
      { winnerId: 'carol' },
      {},
      'WINNER_NOT_QUALIFIED',
      { winnerId: 'carol', status: 'pending' },
    ],
    [
      'a winner not among those present',
      { presentBidderIds: ['alice', 'carol'], winnerId: 'bob' },
      {},
      'WINNER_NOT_PRESENT',
      { winnerId: 'bob' },
    ],
    [
      'a present bidder who never registered',
      { presentBidderIds: ['alice', 'eve'] },
      {},
      'BIDDER_NOT_REGISTERED',
      { bidderIds: ['eve'] },
    ],
    [
      'a present bidder whose registration was rejected',
      { presentBidderIds: ['alice', 'dave'] },
      {},
      'BIDDER_NOT_REGISTERED',
      { bidderIds: ['dave'] },
    ],
    [
      'the hammer one fen under the start price',
      { hammerPrice: 49_999_999 },
      {},
      'HAMMER_PRICE_TOO_LOW',
      { hammerPrice: 49_999_999, startPrice: 50_000_000, reservePrice: null },
    ],
    [
      'the hammer one fen under the reserve',
      { hammerPrice: 59_999_999 },
      { reservePrice: 60_000_000 },
      'HAMMER_PRICE_TOO_LOW',
      { hammerPrice: 59_999_999, startPrice: 50_000_000, reservePrice: 60_000_000 },
    ],
    [
      'held a millisecond before it could be',
      {},
      { notBefore: new Date(HELD.getTime() + 1) },
      'ON_SITE_AUCTION_TOO_EARLY',
      { heldAt: HELD.toISOString(), notBefore: new Date(HELD.getTime() + 1).toISOString() },
    ],
    [
      'held after the database clock says now',
      {},
      { now: new Date(HELD.getTime() - 1) },
      'ON_SITE_AUCTION_IN_FUTURE',
      { heldAt: HELD.toISOString() },
    ],
  ])('%s → %s', (_name, change, ctx, code, details) => {
    expect(outcome({ ...sold, ...change }, { ...context, ...ctx })).toEqual({ code, details });
  });

  it.each<[string, Partial<OnSiteAuctionRecord>, string[]]>([
    ['no auctioneer', { auctioneer: ' ' }, ['auctioneer']],
    ['no place', { place: '' }, ['place']],
    ['an auctioneer name too long', { auctioneer: 'x'.repeat(101) }, ['auctioneer']],
    ['an invalid time', { heldAt: new Date('not a date') }, ['heldAt']],
    ['a record hash in upper case', { recordFileSha256: 'ABCDEF0123456789'.repeat(4) }, ['recordFileSha256']],
    ['a record hash one digit short', { recordFileSha256: 'a'.repeat(63) }, ['recordFileSha256']],
    ['no record file name', { recordFileName: '' }, ['recordFileName']],
    ['a bidder listed twice', { presentBidderIds: ['alice', 'alice'] }, ['presentBidderIds']],
    ['an empty bidder id', { presentBidderIds: ['alice', ''] }, ['presentBidderIds']],
    ['sold without a hammer price', { hammerPrice: null }, ['hammerPrice']],
    ['sold with a price in fractions of a fen', { hammerPrice: 56_000_000.5 }, ['hammerPrice']],
    ['sold without a winner', { winnerId: null }, ['winnerId']],
    ['unsold with a hammer price and a winner', { outcome: 'unsold' }, ['hammerPrice', 'winnerId']],
    ['an unknown outcome', { outcome: 'withdrawn' as 'sold' }, ['outcome']],
    [
      'several problems at once',
      { auctioneer: '', recordFileSha256: '', winnerId: null },
      ['auctioneer', 'recordFileSha256', 'winnerId'],
    ],
  ])('%s → VALIDATION_FAILED naming %j', (_name, change, fields) => {
    const result = outcome({ ...sold, ...change });
    expect(result.code).toBe('VALIDATION_FAILED');
    expect((result.details as { field: string }[]).map(({ field }) => field)).toEqual(fields);
  });

  it('checks the form before the rules: a malformed record with an unqualified winner is VALIDATION_FAILED', () => {
    expect(outcome({ ...sold, winnerId: 'carol', recordFileSha256: 'nope' }).code).toBe('VALIDATION_FAILED');
  });
});
