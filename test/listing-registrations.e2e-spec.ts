import { listingBody, registerBidder, type TestUser } from './support/factories.js';
import { ask, connect } from './support/sockets.js';
import { expectError, freshClient } from './support/checks.js';
import { api, gateway, get, HOUR, post, sockets, staff, useAccountsPlatform } from './support/accounts.js';

/**
 * The registration workflow of a listing: registering (once), qualifying only with the deposit,
 * rejecting with a reason, each decided once, through its own listing only; a rejected or
 * unregistered bidder is NOT_QUALIFIED on REST and the socket.
 * Setup: test/support/accounts.ts.
 */
describe('accounts and the registration workflow', () => {
  useAccountsPlatform({ gateway: true });

  describe('registering for a listing, qualifying and rejecting', () => {
    let listingId: string;
    let otherListingId: string;
    let a: TestUser;
    let b: TestUser;
    let outsider: TestUser;
    let regA: string;
    let regB: string;

    const createPublished = async () => {
      const created = await post('/api/lease-listings', staff)
        .send(listingBody({ biddingInMs: HOUR, freeMs: 10 * 60_000, extensionSeconds: 60 }))
        .expect(201);
      await post(`/api/lease-listings/${created.body.id}/publish`, staff).expect(200);
      return created.body.id as string;
    };
    const registration = (id: string, action: 'qualify' | 'reject', registrationId: string) =>
      post(`/api/lease-listings/${id}/registrations/${registrationId}/${action}`, staff);
    /** Once decided, a registration can be neither qualified nor rejected again. */
    const expectDecided = async (registrationId: string, reason: string) => {
      expectError(
        await registration(listingId, 'qualify', registrationId).send({ depositReceived: true }),
        409,
        'REGISTRATION_ALREADY_DECIDED',
      );
      expectError(
        await registration(listingId, 'reject', registrationId).send({ reason }),
        409,
        'REGISTRATION_ALREADY_DECIDED',
      );
    };
    const registrationsOf = async (id: string) =>
      (await get(`/api/lease-listings/${id}/registrations`, staff).expect(200)).body.items as {
        id: string;
        bidderId: string;
        status: string;
        bidderCode: string | null;
        rejectReason: string | null;
      }[];

    beforeAll(async () => {
      [a, b, outsider] = await Promise.all([0, 1, 2].map(() => registerBidder(api.url, freshClient())));
      listingId = await createPublished();
      otherListingId = await createPublished();
    });

    it('registering → 201 pending; registering twice → 409 ALREADY_REGISTERED', async () => {
      const first = await post(`/api/lease-listings/${listingId}/registrations`, a).send({}).expect(201);
      expect(first.body).toEqual({ id: expect.any(String), status: 'pending' });
      regA = first.body.id;
      expectError(
        await post(`/api/lease-listings/${listingId}/registrations`, a).send({}),
        409,
        'ALREADY_REGISTERED',
      );
      const second = await post(`/api/lease-listings/${listingId}/registrations`, b).send({}).expect(201);
      regB = second.body.id;
      expect((await registrationsOf(listingId)).filter((entry) => entry.bidderId === a.id)).toHaveLength(1);
    });

    it('qualifying without the deposit → 422 DEPOSIT_NOT_RECEIVED, and it stays pending', async () => {
      expectError(
        await registration(listingId, 'qualify', regA).send({ depositReceived: false }),
        422,
        'DEPOSIT_NOT_RECEIVED',
      );
      expect((await registrationsOf(listingId)).find((entry) => entry.id === regA)).toMatchObject({
        status: 'pending',
        bidderCode: null,
      });
    });

    it.each([
      ['no body', undefined],
      ['depositReceived as a string', { depositReceived: 'true' }],
      ['depositReceived as 1', { depositReceived: 1 }],
      ['an unknown field', { depositReceived: true, bidderCode: '9999' }],
    ] as [string, Record<string, unknown> | undefined][])(
      'qualifying with %s → 400 VALIDATION_FAILED',
      async (_name, body) => {
        const req = registration(listingId, 'qualify', regA);
        expectError(await (body ? req.send(body) : req), 400, 'VALIDATION_FAILED');
      },
    );

    it('a registration is qualified through its own listing only → 404 REGISTRATION_NOT_FOUND elsewhere', async () => {
      expectError(
        await registration(otherListingId, 'qualify', regA).send({ depositReceived: true }),
        404,
        'REGISTRATION_NOT_FOUND',
      );
    });

    it('qualifying → 200 with a bidder code; deciding again → 409 REGISTRATION_ALREADY_DECIDED', async () => {
      const qualified = await registration(listingId, 'qualify', regA)
        .send({ depositReceived: true })
        .expect(200);
      expect(qualified.body).toMatchObject({
        status: 'qualified',
        bidderCode: expect.stringMatching(/^\d+$/),
      });
      await expectDecided(regA, '改主意了');
      expect((await registrationsOf(listingId)).find((entry) => entry.id === regA)).toMatchObject({
        status: 'qualified',
        bidderCode: qualified.body.bidderCode,
      });
    });

    it.each([
      ['no reason', {}],
      ['an empty reason', { reason: '' }],
      ['a numeric reason', { reason: 42 }],
      ['a 501-character reason', { reason: 'r'.repeat(501) }],
    ] as [string, Record<string, unknown>][])(
      'rejecting with %s → 400 VALIDATION_FAILED',
      async (_name, body) => {
        expectError(await registration(listingId, 'reject', regB).send(body), 400, 'VALIDATION_FAILED');
      },
    );

    it('rejecting with a reason → 200; then that bidder is NOT_QUALIFIED (REST and socket) and cannot be qualified', async () => {
      const rejected = await registration(listingId, 'reject', regB)
        .send({ reason: '保证金未到账' })
        .expect(200);
      expect(rejected.body).toMatchObject({ status: 'rejected' });
      expect((await registrationsOf(listingId)).find((entry) => entry.id === regB)).toMatchObject({
        status: 'rejected',
        rejectReason: '保证金未到账',
        bidderCode: null,
      });

      expectError(
        await post(`/api/lease-listings/${listingId}/bids`, b).send({
          amount: 800_000,
          clientBidId: 'b-rest',
        }),
        422,
        'NOT_QUALIFIED',
      );
      const socket = await connect(gateway.url, b.token);
      sockets.push(socket);
      const ack = await ask(socket, 'bid', { listingId, amount: 800_000, clientBidId: 'b-socket' });
      expect(ack).toEqual({ ok: false, error: expect.objectContaining({ code: 'NOT_QUALIFIED' }) });
      const joined = await ask(socket, 'join', { listingId });
      expect(joined.snapshot).not.toHaveProperty('yourBidderCode');

      await expectDecided(regB, '再次驳回');
    });

    it('a bidder who never registered is NOT_QUALIFIED; a qualified one is only told the auction is not open', async () => {
      expectError(
        await post(`/api/lease-listings/${listingId}/bids`, outsider).send({
          amount: 800_000,
          clientBidId: 'o-1',
        }),
        422,
        'NOT_QUALIFIED',
      );
      expectError(
        await post(`/api/lease-listings/${listingId}/bids`, a).send({ amount: 800_000, clientBidId: 'a-1' }),
        409,
        'AUCTION_NOT_OPEN',
      );
    });
  });
});
