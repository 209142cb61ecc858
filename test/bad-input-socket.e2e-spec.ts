import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { ask, connect } from './support/sockets.js';
import { expiredToken, forgedToken, handshake, unsignedToken } from './support/checks.js';
import {
  claimsOf,
  draftId,
  env,
  gateway,
  live,
  sockets,
  useBadInputPlatform,
  users,
} from './support/bad-input.js';

/**
 * The /bidding socket: malformed payloads, unknown listings and unknown events are answered with
 * an error ack (never silence), anonymous and staff sockets may not bid, bad handshake tokens
 * are refused, every socket survives it all, and nothing is written.
 * Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform({ gateway: true });

  describe('socket /bidding', () => {
    let bidderSocket: Socket;
    let anonymousSocket: Socket;
    let staffSocket: Socket;
    const open = async (token?: string) => {
      const socket = await connect(gateway.url, token);
      sockets.push(socket);
      return socket;
    };

    beforeAll(async () => {
      [bidderSocket, anonymousSocket, staffSocket] = await Promise.all([
        open(users.bidder.token),
        open(),
        open(users.staff.token),
      ]);
    });

    const failure = (code: string) => ({
      ok: false,
      error: expect.objectContaining({ code, message: expect.any(String) }),
    });
    const listingId = () => live.id;
    const bidOf = (change: Record<string, unknown>) => () => ({
      listingId: live.id,
      amount: 900_000,
      clientBidId: 'socket-bad',
      ...change,
    });
    const shapes: [string, () => unknown][] = [
      ['a string', () => 'join me'],
      ['a number', () => 42],
      ['null', () => null],
      ['an array', () => [{ listingId: listingId() }]],
      ['an empty object', () => ({})],
      [
        'a non-UUID listingId',
        () => ({ listingId: 'not-a-uuid', afterSeq: 0, amount: 900_000, clientBidId: 'x' }),
      ],
      ['a numeric listingId', () => ({ listingId: 42, afterSeq: 0, amount: 900_000, clientBidId: 'x' })],
    ];
    const rows: [string, string, () => unknown, string][] = [
      ...['join', 'leave', 'resync', 'bid'].flatMap((event) =>
        shapes.map(([name, payload]): [string, string, () => unknown, string] => [
          event,
          name,
          payload,
          'VALIDATION_FAILED',
        ]),
      ),
      [
        'join',
        'an unknown extra field',
        () => ({ listingId: listingId(), room: 'all' }),
        'VALIDATION_FAILED',
      ],
      ['leave', 'an unknown extra field', () => ({ listingId: listingId(), all: true }), 'VALIDATION_FAILED'],
      ['resync', 'afterSeq -1', () => ({ listingId: listingId(), afterSeq: -1 }), 'VALIDATION_FAILED'],
      ['resync', 'afterSeq 1.5', () => ({ listingId: listingId(), afterSeq: 1.5 }), 'VALIDATION_FAILED'],
      [
        'resync',
        'afterSeq as a string',
        () => ({ listingId: listingId(), afterSeq: '0' }),
        'VALIDATION_FAILED',
      ],
      ['resync', 'afterSeq missing', () => ({ listingId: listingId() }), 'VALIDATION_FAILED'],
      [
        'resync',
        'an unknown extra field',
        () => ({ listingId: listingId(), afterSeq: 0, limit: 1e9 }),
        'VALIDATION_FAILED',
      ],
      ['bid', 'amount as a string', bidOf({ amount: '900000' }), 'VALIDATION_FAILED'],
      ['bid', 'a fractional amount', bidOf({ amount: 900_000.5 }), 'VALIDATION_FAILED'],
      ['bid', 'a negative amount', bidOf({ amount: -900_000 }), 'VALIDATION_FAILED'],
      ['bid', 'a zero amount', bidOf({ amount: 0 }), 'VALIDATION_FAILED'],
      ['bid', 'a huge amount', bidOf({ amount: 2 ** 53 + 2 }), 'VALIDATION_FAILED'],
      ['bid', 'amount null', bidOf({ amount: null }), 'VALIDATION_FAILED'],
      ['bid', 'amount missing', bidOf({ amount: undefined }), 'VALIDATION_FAILED'],
      ['bid', 'clientBidId missing', bidOf({ clientBidId: undefined }), 'VALIDATION_FAILED'],
      ['bid', 'an empty clientBidId', bidOf({ clientBidId: '' }), 'VALIDATION_FAILED'],
      ['bid', 'a clientBidId with spaces', bidOf({ clientBidId: 'a b' }), 'VALIDATION_FAILED'],
      ['bid', 'a 65-character clientBidId', bidOf({ clientBidId: 'x'.repeat(65) }), 'VALIDATION_FAILED'],
      ['bid', 'an unknown extra field', bidOf({ bidderCode: '0001' }), 'VALIDATION_FAILED'],
      ['join', 'an unknown listing', () => ({ listingId: randomUUID() }), 'LISTING_NOT_FOUND'],
      ['join', 'a draft listing', () => ({ listingId: draftId }), 'LISTING_NOT_FOUND'],
      ['resync', 'an unknown listing', () => ({ listingId: randomUUID(), afterSeq: 0 }), 'LISTING_NOT_FOUND'],
      ['bid', 'an unknown listing', bidOf({ listingId: randomUUID() }), 'LISTING_NOT_FOUND'],
    ];
    it.each(
      rows.map(([event, name, payload, code]): [string, string, string, () => unknown] => [
        event,
        name,
        code,
        payload,
      ]),
    )('a bidder emits %s with %s → ack {ok:false, %s}', async (event, _name, code, payload) => {
      const ack = await ask(bidderSocket, event, payload());
      expect(ack).toEqual(failure(code));
    });

    it.each([
      ['bid.force', () => ({ listingId: live.id })],
      ['JOIN', () => ({ listingId: live.id })],
      ['auction.closed', () => ({ listingId: live.id, status: 'sold' })],
    ] as [string, () => unknown][])(
      'an unknown event %s is answered with an UNKNOWN_EVENT ack, not silence',
      async (event, payload) => {
        // No ack within the timeout rejects, and so fails the test.
        expect(await ask(bidderSocket, event, payload(), 5000)).toEqual(failure('UNKNOWN_EVENT'));
      },
    );

    it.each([
      ['a valid bid', bidOf({ clientBidId: 'anon-1' })],
      ['garbage', () => 'garbage'],
    ])('an anonymous socket bidding %s → UNAUTHENTICATED', async (_name, payload) => {
      expect(await ask(anonymousSocket, 'bid', payload())).toEqual(failure('UNAUTHENTICATED'));
    });

    it('a staff socket bidding → FORBIDDEN', async () => {
      const ack = await ask(staffSocket, 'bid', bidOf({ clientBidId: 'staff-socket-1' })());
      expect(ack).toEqual(failure('FORBIDDEN'));
    });

    it('after all that, every socket is still connected and can join a real listing', async () => {
      for (const socket of [bidderSocket, anonymousSocket, staffSocket]) {
        expect(socket.connected).toBe(true);
        const ack = await ask(socket, 'join', { listingId: live.id });
        expect(ack).toMatchObject({
          ok: true,
          snapshot: { listingId: live.id, status: 'announced', lastSeq: 0 },
        });
      }
      const mine = await ask(bidderSocket, 'join', { listingId: live.id });
      expect(mine.snapshot.yourBidderCode).toBe(live.codes.get(users.bidder.id));
      expect(await ask(bidderSocket, 'resync', { listingId: live.id, afterSeq: 0 })).toMatchObject({
        ok: true,
        bids: [],
      });
      expect(await ask(bidderSocket, 'leave', { listingId: live.id })).toEqual({ ok: true });
    });

    it.each([
      ['a forged token', () => ({ token: forgedToken(claimsOf('bidder', ['bidder'])) })],
      ['an alg:none token', () => ({ token: unsignedToken(claimsOf('bidder', ['bidder'])) })],
      [
        'an expired token',
        () => ({ token: expiredToken(env.config.JWT_SECRET, claimsOf('bidder', ['bidder'])) }),
      ],
      ['a garbage token', () => ({ token: 'abc' })],
      ['a "Bearer …" string', () => ({ token: `Bearer ${users.bidder.token}` })],
      ['a token that is a number', () => ({ token: 42 })],
      ['a token that is an object', () => ({ token: { sub: users.staff.id } })],
    ] as [string, () => Record<string, unknown>][])(
      'a handshake with %s is refused: connect_error INVALID_TOKEN',
      async (_name, auth) => {
        const result = await handshake(gateway.url, auth());
        expect(result).toMatchObject({ connected: false, error: { data: { code: 'INVALID_TOKEN' } } });
      },
    );
  });
});
