import { expectError } from './support/checks.js';
import { call, live, useBadInputPlatform } from './support/bad-input.js';

/**
 * Paging queries out of range or of the wrong type are 400 VALIDATION_FAILED on both lists;
 * the limits themselves answer {items, total}; nothing is written.
 * Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform();

  describe('paging', () => {
    const lists: [string, () => string][] = [
      ['GET /api/lease-listings', () => '/api/lease-listings'],
      ['GET /api/lease-listings/:id/bids', () => `/api/lease-listings/${live.id}/bids`],
    ];
    const badQueries = [
      'limit=0',
      'limit=1001',
      'limit=-1',
      'limit=abc',
      'limit=1.5',
      'offset=-1',
      'offset=abc',
      'offset=1.5',
      'limit=1&limit=2',
    ];
    it.each(
      lists.flatMap(([name, path]) =>
        badQueries.map((query): [string, string, () => string] => [name, query, path]),
      ),
    )('%s?%s → 400 VALIDATION_FAILED', async (_name, query, path) => {
      const response = await call('get', `${path()}?${query}`);
      expectError(response, 400, 'VALIDATION_FAILED');
    });

    it('GET /api/lease-listings?status=bogus → 400 VALIDATION_FAILED', async () => {
      expectError(await call('get', '/api/lease-listings?status=bogus'), 400, 'VALIDATION_FAILED');
    });

    it.each(
      lists.flatMap(([name, path]) =>
        ['limit=1', 'limit=1000', 'limit=1000&offset=0', 'offset=3'].map(
          (query): [string, string, () => string] => [name, query, path],
        ),
      ),
    )('%s?%s → 200 {items, total}', async (_name, query, path) => {
      const response = await call('get', `${path()}?${query}`);
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body.items)).toBe(true);
      expect(typeof response.body.total).toBe('number');
      const limit = /limit=(\d+)/.exec(query);
      if (limit) expect(response.body.items.length).toBeLessThanOrEqual(Number(limit[1]));
    });
  });
});
