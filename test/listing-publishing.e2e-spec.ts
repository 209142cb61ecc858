import { listingBody, registerBidder, waitFor } from './support/factories.js';
import { expectError, freshClient } from './support/checks.js';
import { api, get, HOUR, post, staff, useAccountsPlatform } from './support/accounts.js';

/**
 * Publishing a listing: a draft is seen by staff only; publishing twice is 409
 * INVALID_STATE_TRANSITION; publishing once bidding should have started is 422 SCHEDULE_IN_PAST.
 * Setup: test/support/accounts.ts.
 */
describe('accounts and the registration workflow', () => {
  useAccountsPlatform();

  describe('publishing', () => {
    it('a draft is 404 to the public and to bidders, visible to staff; publishing twice → 409 INVALID_STATE_TRANSITION', async () => {
      const bidder = await registerBidder(api.url, freshClient());
      const created = await post('/api/lease-listings', staff)
        .send(listingBody({ biddingInMs: HOUR, freeMs: 10 * 60_000 }))
        .expect(201);
      const id = created.body.id as string;
      expect(created.body.status).toBe('draft');

      expectError(await get(`/api/lease-listings/${id}`), 404, 'LISTING_NOT_FOUND');
      expectError(await get(`/api/lease-listings/${id}`, bidder), 404, 'LISTING_NOT_FOUND');
      expectError(await get(`/api/lease-listings/${id}/bids`), 404, 'LISTING_NOT_FOUND');
      expectError(
        await post(`/api/lease-listings/${id}/registrations`, bidder).send({}),
        404,
        'LISTING_NOT_FOUND',
      );
      const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);
      expect(ids((await get('/api/lease-listings?limit=1000').expect(200)).body)).not.toContain(id);
      expect(ids((await get('/api/lease-listings?status=draft&limit=1000').expect(200)).body)).not.toContain(
        id,
      );
      expect(ids((await get('/api/lease-listings?limit=1000', bidder).expect(200)).body)).not.toContain(id);

      const staffView = await get(`/api/lease-listings/${id}`, staff).expect(200);
      expect(staffView.body).toMatchObject({ id, status: 'draft' });
      expect(
        ids((await get('/api/lease-listings?status=draft&limit=1000', staff).expect(200)).body),
      ).toContain(id);

      const published = await post(`/api/lease-listings/${id}/publish`, staff).expect(200);
      expect(published.body).toMatchObject({ id, status: 'announced' });
      expect((await get(`/api/lease-listings/${id}`).expect(200)).body).toMatchObject({
        id,
        status: 'announced',
      });

      expectError(await post(`/api/lease-listings/${id}/publish`, staff), 409, 'INVALID_STATE_TRANSITION');
      expect((await get(`/api/lease-listings/${id}`, staff).expect(200)).body.status).toBe('announced');
    });

    it('publishing once biddingStartsAt has passed → 422 SCHEDULE_IN_PAST, and it stays a draft', async () => {
      const body = listingBody({ biddingInMs: 1500, freeMs: HOUR });
      const created = await post('/api/lease-listings', staff).send(body).expect(201);
      const id = created.body.id as string;
      await waitFor(
        () => Date.now() > Date.parse(body.biddingStartsAt) + 500 || undefined,
        30_000,
        'biddingStartsAt to pass',
      );
      expectError(await post(`/api/lease-listings/${id}/publish`, staff), 422, 'SCHEDULE_IN_PAST');
      expect((await get(`/api/lease-listings/${id}`, staff).expect(200)).body.status).toBe('draft');
      expectError(await get(`/api/lease-listings/${id}`), 404, 'LISTING_NOT_FOUND');
    });
  });
});
