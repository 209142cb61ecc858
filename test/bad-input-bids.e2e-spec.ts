import { randomUUID } from 'node:crypto';
import { expectError, jsonWithRaw } from './support/checks.js';
import { type Body, call, expectNamed, live, TOO_BIG, useBadInputPlatform } from './support/bad-input.js';

/**
 * A bid body on the REST twin with a bad amount or clientBidId, or an extra field, is refused
 * with 400 VALIDATION_FAILED naming the field, and writes nothing.
 * Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform();

  describe('bid bodies on the REST twin', () => {
    const bid = (body: Body) => call('post', `/api/lease-listings/${live.id}/bids`, 'bidder', body);
    const good = { amount: 900_000, clientBidId: 'bad-input-1' };

    it.each([
      ['amount', 'fractional', { ...good, amount: 900_000.5 }],
      ['amount', 'negative', { ...good, amount: -900_000 }],
      ['amount', 'zero', { ...good, amount: 0 }],
      ['amount', 'a numeric string', { ...good, amount: '900000' }],
      ['amount', 'null', { ...good, amount: null }],
      ['amount', 'an array', { ...good, amount: [900_000] }],
      ['amount', 'a boolean', { ...good, amount: true }],
      ['amount', 'missing', { clientBidId: good.clientBidId }],
      ['amount', 'beyond any safe integer', { ...good, amount: 1e300 }],
      ['clientBidId', 'empty', { ...good, clientBidId: '' }],
      ['clientBidId', '65 characters', { ...good, clientBidId: 'x'.repeat(65) }],
      ['clientBidId', 'with spaces', { ...good, clientBidId: 'bid one' }],
      ['clientBidId', 'a number', { ...good, clientBidId: 12345 }],
      ['clientBidId', 'null', { ...good, clientBidId: null }],
      ['clientBidId', 'missing', { amount: good.amount }],
      ['bidderCode', 'an unknown extra field', { ...good, bidderCode: '0001' }],
      ['listingId', 'an extra listingId', { ...good, listingId: randomUUID() }],
    ] as [string, string, Record<string, unknown>][])(
      '%s %s → 400 VALIDATION_FAILED',
      async (field, _name, body) => {
        expectNamed(expectError(await bid(body), 400, 'VALIDATION_FAILED'), field);
      },
    );

    it('amount 2^53 + 1, written raw → 400 VALIDATION_FAILED', async () => {
      const text = jsonWithRaw({ clientBidId: good.clientBidId }, { amount: TOO_BIG });
      expectNamed(expectError(await bid(text), 400, 'VALIDATION_FAILED'), 'amount');
    });

    it.each([
      ['an empty object', {}],
      ['an array', [good]],
    ] as [string, Body][])('%s → 400 VALIDATION_FAILED', async (_name, body) => {
      expectError(await bid(body), 400, 'VALIDATION_FAILED');
    });
  });
});
