import { randomUUID } from 'node:crypto';
import { detailFields, expectError, jsonWithRaw } from './support/checks.js';
import {
  type Body,
  call,
  expectNamed,
  live,
  MAX_SAFE,
  TOO_BIG,
  useBadInputPlatform,
  users,
  type Who,
} from './support/bad-input.js';

/**
 * The deposit endpoints and the on-site auction record refuse bad input with a 4xx and its own
 * code — malformed ids, unknown fields, wrong types, out-of-range text and money, nulls, JSON
 * that is not an object, the wrong role — and none of it writes a row (checked after each test
 * over every table). Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform();

  /** The qualified bidder's deposit (received) and the pending one's (due). */
  let received: string;
  let due: string;
  beforeAll(async () => {
    const listed = await call('get', `/api/deposits?hostId=${live.id}`, 'staff').expect(200);
    const items = listed.body.items as { id: string; bidderId: string; state: string }[];
    received = items.find((item) => item.bidderId === users.bidder.id)!.id;
    due = items.find((item) => item.bidderId === users.pending.id)!.id;
    expect(items.find((item) => item.id === received)!.state).toBe('received');
    expect(items.find((item) => item.id === due)!.state).toBe('due');
  });

  describe('GET /api/deposits and /api/me/deposits', () => {
    it.each<[string, string, Who, number, string]>([
      ['a state that is not one', '/api/deposits?state=paid', 'staff', 400, 'VALIDATION_FAILED'],
      [
        'a host type that is not one',
        '/api/deposits?hostType=lease_listing',
        'staff',
        400,
        'VALIDATION_FAILED',
      ],
      ['a host id that is not a UUID', '/api/deposits?hostId=12', 'staff', 400, 'INVALID_ID'],
      ['overdue other than true/false', '/api/deposits?overdue=yes', 'staff', 400, 'VALIDATION_FAILED'],
      ['overdue given twice', '/api/deposits?overdue=true&overdue=false', 'staff', 400, 'VALIDATION_FAILED'],
      ['an unknown parameter', '/api/deposits?bidderId=x', 'staff', 400, 'VALIDATION_FAILED'],
      ['a limit of 0', '/api/deposits?limit=0', 'supervisor', 400, 'VALIDATION_FAILED'],
      ['an offset of -1', '/api/deposits?offset=-1', 'supervisor', 400, 'VALIDATION_FAILED'],
      ['no token', '/api/deposits', 'anonymous', 401, 'UNAUTHENTICATED'],
      ['a bidder', '/api/deposits', 'bidder', 403, 'FORBIDDEN'],
      ['mine: a state that is not one', '/api/me/deposits?state=held', 'bidder', 400, 'VALIDATION_FAILED'],
      [
        'mine: a host filter (staff only)',
        '/api/me/deposits?hostType=lease',
        'bidder',
        400,
        'VALIDATION_FAILED',
      ],
      ['mine: no token', '/api/me/deposits', 'anonymous', 401, 'UNAUTHENTICATED'],
      ['mine: staff', '/api/me/deposits', 'staff', 403, 'FORBIDDEN'],
    ])('%s (%s as %s) → %i %s', async (_name, path, who, status, code) => {
      expectError(await call('get', path, who), status, code);
    });

    it('the filters that exist answer {items, total}', async () => {
      for (const path of [
        '/api/deposits?state=due&hostType=lease&overdue=false&limit=1000&offset=0',
        `/api/deposits?hostId=${live.id.toUpperCase()}`,
      ]) {
        const response = await call('get', path, 'supervisor').expect(200);
        expect(response.body).toEqual({ items: expect.any(Array), total: expect.any(Number) });
      }
      const mine = await call('get', '/api/me/deposits?state=received', 'bidder').expect(200);
      expect(mine.body.items.map((item: { id: string }) => item.id)).toEqual([received]);
    });
  });

  describe('POST /api/deposits/:id/{receive,refund,forfeit}', () => {
    const step = (action: string, id: () => string, body: Body, who: Who = 'staff') =>
      call('post', `/api/deposits/${id()}/${action}`, who, body);

    it.each<[string, string, Body, string]>([
      ['receive', 'an unknown field', { reference: 'B-1', amount: 1 }, 'amount'],
      ['receive', 'receivedAt not ISO-8601', { receivedAt: 'yesterday' }, 'receivedAt'],
      ['receive', 'receivedAt without a time', { receivedAt: '2026-11-01' }, 'receivedAt'],
      ['receive', 'receivedAt as a number', { receivedAt: 1_700_000_000_000 }, 'receivedAt'],
      ['receive', 'receivedAt null', { receivedAt: null }, 'receivedAt'],
      ['receive', 'an empty reference', { reference: '' }, 'reference'],
      ['receive', 'a 201-character reference', { reference: 'r'.repeat(201) }, 'reference'],
      ['receive', 'a numeric reference', { reference: 42 }, 'reference'],
      ['receive', 'a null reference', { reference: null }, 'reference'],
      ['refund', 'an unknown field', { reason: 'x' }, 'reason'],
      ['refund', 'an empty reference', { reference: '' }, 'reference'],
      ['refund', 'a null reference', { reference: null }, 'reference'],
      ['forfeit', 'no reason', {}, 'reason'],
      ['forfeit', 'an empty reason', { reason: '' }, 'reason'],
      ['forfeit', 'a 501-character reason', { reason: 'r'.repeat(501) }, 'reason'],
      ['forfeit', 'a numeric reason', { reason: 7 }, 'reason'],
    ])('%s with %s → 400 VALIDATION_FAILED naming %s', async (action, _name, body, field) => {
      const id = action === 'receive' ? () => due : () => received;
      expectNamed(expectError(await step(action, id, body), 400, 'VALIDATION_FAILED'), field);
    });

    it.each(['receive', 'refund', 'forfeit'])(
      '%s with a body that is not an object → 400',
      async (action) => {
        for (const body of [[], '"text"', '[{"reason":"x"}]'] as Body[])
          expect((await step(action, () => received, body)).status).toBe(400);
        expectError(await step(action, () => received, '{"reason": "x",'), 400, 'INVALID_JSON');
      },
    );

    it.each(['receive', 'refund', 'forfeit'])(
      '%s on an id that is not a UUID → 400 INVALID_ID',
      async (action) => {
        for (const id of ['12', 'abc', `${randomUUID()}x`, `{${randomUUID()}}`])
          expectError(await step(action, () => id, { reason: 'x' }), 400, 'INVALID_ID');
      },
    );

    it.each(['receive', 'refund', 'forfeit'])('%s on an unknown deposit → 404 NOT_FOUND', async (action) => {
      expectError(
        await step(action, () => randomUUID(), action === 'forfeit' ? { reason: 'x' } : {}),
        404,
        'NOT_FOUND',
      );
    });

    it.each<[string, Who, number, string]>([
      ['receive', 'anonymous', 401, 'UNAUTHENTICATED'],
      ['receive', 'bidder', 403, 'FORBIDDEN'],
      ['receive', 'supervisor', 403, 'FORBIDDEN'],
      ['refund', 'bidder', 403, 'FORBIDDEN'],
      ['refund', 'supervisor', 403, 'FORBIDDEN'],
      ['forfeit', 'pending', 403, 'FORBIDDEN'],
      ['forfeit', 'anonymous', 401, 'UNAUTHENTICATED'],
    ])('%s by %s → %i %s', async (action, who, status, code) => {
      expectError(await step(action, () => due, { reason: 'x' }, who), status, code);
    });

    it('receiving in the future → 400 VALIDATION_FAILED naming receivedAt', async () => {
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expectNamed(
        expectError(await step('receive', () => due, { receivedAt: future }), 400, 'VALIDATION_FAILED'),
        'receivedAt',
      );
    });
  });

  describe('POST /api/lease-listings/:id/on-site-auction', () => {
    const valid = () => ({
      auctioneer: '张三',
      place: '东湖区公共资源交易中心',
      heldAt: new Date(Date.now() - 60_000).toISOString(),
      presentBidderIds: [users.bidder.id],
      outcome: 'sold',
      hammerPrice: 900_000,
      winnerId: users.bidder.id,
      recordFileName: 'record.pdf',
      recordFileSha256: 'ab'.repeat(32),
    });
    const record = (body: Body, who: Who = 'staff', id = live.id) =>
      call('post', `/api/lease-listings/${id}/on-site-auction`, who, body);

    it('an empty object → 400 VALIDATION_FAILED naming every field the record needs', async () => {
      const body = expectError(await record({}), 400, 'VALIDATION_FAILED');
      expect(detailFields(body)).toEqual(
        expect.arrayContaining([
          'auctioneer',
          'place',
          'heldAt',
          'presentBidderIds',
          'outcome',
          'recordFileName',
          'recordFileSha256',
        ]),
      );
    });

    it.each<[string, () => Record<string, unknown>, string]>([
      ['an empty auctioneer', () => ({ auctioneer: '' }), 'auctioneer'],
      ['a 101-character auctioneer', () => ({ auctioneer: 'a'.repeat(101) }), 'auctioneer'],
      ['a numeric place', () => ({ place: 3 }), 'place'],
      ['a 501-character place', () => ({ place: 'p'.repeat(501) }), 'place'],
      ['heldAt not ISO-8601', () => ({ heldAt: 'last Tuesday' }), 'heldAt'],
      ['heldAt as a number', () => ({ heldAt: Date.now() }), 'heldAt'],
      ['heldAt null', () => ({ heldAt: null }), 'heldAt'],
      ['presentBidderIds not a list', () => ({ presentBidderIds: users.bidder.id }), 'presentBidderIds'],
      ['presentBidderIds holding a number', () => ({ presentBidderIds: [1] }), 'presentBidderIds'],
      [
        'a bidder present twice',
        () => ({ presentBidderIds: [users.bidder.id, users.bidder.id] }),
        'presentBidderIds',
      ],
      [
        '1,001 bidders present',
        () => ({ presentBidderIds: Array.from({ length: 1001 }, () => randomUUID()) }),
        'presentBidderIds',
      ],
      ['an outcome that is not one', () => ({ outcome: 'withdrawn' }), 'outcome'],
      ['sold without a hammer price', () => ({ hammerPrice: undefined }), 'hammerPrice'],
      ['sold without a winner', () => ({ winnerId: undefined }), 'winnerId'],
      ['a hammer price as text', () => ({ hammerPrice: '900000' }), 'hammerPrice'],
      ['a hammer price of 0', () => ({ hammerPrice: 0 }), 'hammerPrice'],
      ['a fractional hammer price', () => ({ hammerPrice: 900_000.5 }), 'hammerPrice'],
      ['unsold with a hammer price', () => ({ outcome: 'unsold', winnerId: undefined }), 'hammerPrice'],
      ['unsold with a winner', () => ({ outcome: 'unsold', hammerPrice: undefined }), 'winnerId'],
      ['an empty file name', () => ({ recordFileName: '' }), 'recordFileName'],
      ['a 256-character file name', () => ({ recordFileName: 'f'.repeat(256) }), 'recordFileName'],
      ['an upper-case SHA-256', () => ({ recordFileSha256: 'AB'.repeat(32) }), 'recordFileSha256'],
      ['a short SHA-256', () => ({ recordFileSha256: 'ab'.repeat(31) }), 'recordFileSha256'],
    ])('%s → 400 VALIDATION_FAILED naming it', async (_name, change, field) => {
      expectNamed(expectError(await record({ ...valid(), ...change() }), 400, 'VALIDATION_FAILED'), field);
    });

    it('a hammer price past 2^53 (sent raw) → 400 VALIDATION_FAILED; 2^53 - 1 passes the form', async () => {
      const text = jsonWithRaw({ ...valid(), hammerPrice: '__RAW__' }, { hammerPrice: TOO_BIG });
      expectNamed(expectError(await record(text), 400, 'VALIDATION_FAILED'), 'hammerPrice');
      // The largest safe amount is a valid form: the record is then refused by the rules (the
      // listing's registration is still open), and still writes nothing.
      const largest = jsonWithRaw({ ...valid(), hammerPrice: '__RAW__' }, { hammerPrice: MAX_SAFE });
      expectError(await record(largest), 422, 'ON_SITE_AUCTION_TOO_EARLY');
    });

    it.each<[string, Record<string, unknown>]>([
      ['a present bidder id that is not a UUID', { presentBidderIds: ['bidder-1'] }],
      ['a winner id that is not a UUID', { winnerId: 'bidder-1', presentBidderIds: ['bidder-1'] }],
    ])('%s → 400 INVALID_ID', async (_name, change) => {
      expectError(await record({ ...valid(), ...change }), 400, 'INVALID_ID');
    });

    it('an unknown field, a JSON array, or text → 400', async () => {
      expectError(await record({ ...valid(), dealAmount: 1 }), 400, 'VALIDATION_FAILED');
      expect((await record([valid()])).status).toBe(400);
      expectError(await record('{"auctioneer":'), 400, 'INVALID_JSON');
    });

    it.each<[string, Who, number, string]>([
      ['no token', 'anonymous', 401, 'UNAUTHENTICATED'],
      ['a bidder', 'bidder', 403, 'FORBIDDEN'],
      ['a supervisor', 'supervisor', 403, 'FORBIDDEN'],
    ])('%s (%s) → %i %s', async (_name, who, status, code) => {
      expectError(await record(valid(), who), status, code);
    });

    it('a listing id that is not a UUID → 400 INVALID_ID; an unknown listing → 404 LISTING_NOT_FOUND', async () => {
      expectError(await record(valid(), 'staff', 'GF20260001'), 400, 'INVALID_ID');
      expectError(await record(valid(), 'staff', randomUUID()), 404, 'LISTING_NOT_FOUND');
    });
  });
});
