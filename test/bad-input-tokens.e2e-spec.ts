import {
  expectError,
  expiredToken,
  forgedToken,
  foreignIssuerToken,
  otherAlgorithmToken,
  unsignedToken,
} from './support/checks.js';
import {
  type Body,
  call,
  claimsOf,
  draftId,
  env,
  live,
  type Method,
  pendingRegistrationId,
  useBadInputPlatform,
  users,
  valid,
} from './support/bad-input.js';

/**
 * Forged, unsigned, expired, foreign, HS512 and malformed Authorization headers are 401
 * INVALID_TOKEN on public and private routes alike; no token on a private route is 401
 * UNAUTHENTICATED; nothing is written.
 * Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform();

  describe('tokens', () => {
    const headers: [string, () => string][] = [
      ['a forged token (another secret)', () => `Bearer ${forgedToken(claimsOf('staff', ['staff']))}`],
      ['an alg:none token', () => `Bearer ${unsignedToken(claimsOf('staff', ['staff']))}`],
      [
        'an expired token',
        () => `Bearer ${expiredToken(env.config.JWT_SECRET, claimsOf('staff', ['staff']))}`,
      ],
      [
        'a token from another issuer',
        () => `Bearer ${foreignIssuerToken(env.config.JWT_SECRET, claimsOf('staff', ['staff']))}`,
      ],
      [
        'an HS512 token',
        () => `Bearer ${otherAlgorithmToken(env.config.JWT_SECRET, claimsOf('staff', ['staff']))}`,
      ],
      ['a garbage token', () => 'Bearer abc'],
      ['"Bearer" with no token', () => 'Bearer'],
      ['the Basic scheme', () => 'Basic xyz'],
      ['a token without "Bearer"', () => users.staff.token],
    ];
    const routes: [string, Method, () => string, Body][] = [
      ['GET /api/lease-listings (public)', 'get', () => '/api/lease-listings', undefined],
      ['GET a listing (public)', 'get', () => `/api/lease-listings/${live.id}`, undefined],
      ['GET the ledger (public)', 'get', () => `/api/lease-listings/${live.id}/bids`, undefined],
      [
        'POST /api/auth/login (public)',
        'post',
        () => '/api/auth/login',
        { username: 'nobody-here', password: 'whatever-123' },
      ],
      ['GET /api/auth/me', 'get', () => '/api/auth/me', undefined],
      ['POST /api/lease-listings (staff)', 'post', () => '/api/lease-listings', valid],
      ['publish (staff)', 'post', () => `/api/lease-listings/${draftId}/publish`, undefined],
    ];
    it.each(
      headers.flatMap(([name, header]) =>
        routes.map(
          ([route, method, path, body]): [string, string, () => string, Method, () => string, Body] => [
            name,
            route,
            header,
            method,
            path,
            body,
          ],
        ),
      ),
    )('%s on %s → 401 INVALID_TOKEN', async (_name, _route, header, method, path, body) => {
      const response = await call(method, path(), { authorization: header() }, body);
      expectError(response, 401, 'INVALID_TOKEN');
    });

    it.each([
      ['create a listing', 'post', () => '/api/lease-listings', valid],
      ['publish', 'post', () => `/api/lease-listings/${draftId}/publish`, undefined],
      [
        'qualify',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        { depositReceived: true },
      ],
      [
        'reject',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/reject`,
        { reason: 'x' },
      ],
      ['list registrations', 'get', () => `/api/lease-listings/${live.id}/registrations`, undefined],
      ['read bid attempts', 'get', () => `/api/lease-listings/${live.id}/bid-attempts`, undefined],
      ['register for a listing', 'post', () => `/api/lease-listings/${live.id}/registrations`, {}],
      ['bid', 'post', () => `/api/lease-listings/${live.id}/bids`, { amount: 900_000, clientBidId: 'anon' }],
      ['list deals', 'get', () => '/api/deals', undefined],
      ['read the audit trail', 'get', () => '/api/audit', undefined],
      ['verify the audit chain', 'get', () => '/api/audit/verify', undefined],
      ['GET /api/auth/me', 'get', () => '/api/auth/me', undefined],
    ] as [string, Method, () => string, Body][])(
      'no token: %s → 401 UNAUTHENTICATED',
      async (_name, method, path, body) => {
        expectError(await call(method, path(), 'anonymous', body), 401, 'UNAUTHENTICATED');
      },
    );
  });
});
