import { expectError, forgedToken } from './support/checks.js';
import {
  type Body,
  call,
  claimsOf,
  draftId,
  live,
  type Method,
  pendingRegistrationId,
  useBadInputPlatform,
  valid,
  type Who,
} from './support/bad-input.js';

/**
 * A signed-in user calling a route their role does not allow is 403 FORBIDDEN; a token forged
 * to claim a role is 401 INVALID_TOKEN; nothing is written.
 * Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform();

  describe('roles', () => {
    it.each([
      ['a bidder creates a listing', 'post', () => '/api/lease-listings', 'bidder', valid],
      ['a supervisor creates a listing', 'post', () => '/api/lease-listings', 'supervisor', valid],
      ['a bidder publishes', 'post', () => `/api/lease-listings/${draftId}/publish`, 'bidder', undefined],
      [
        'a bidder qualifies',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        'bidder',
        { depositReceived: true },
      ],
      [
        'a bidder qualifies itself',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        'pending',
        { depositReceived: true },
      ],
      [
        'a bidder rejects',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/reject`,
        'bidder',
        { reason: 'x' },
      ],
      [
        'a bidder lists registrations',
        'get',
        () => `/api/lease-listings/${live.id}/registrations`,
        'bidder',
        undefined,
      ],
      [
        'a bidder reads bid attempts',
        'get',
        () => `/api/lease-listings/${live.id}/bid-attempts`,
        'bidder',
        undefined,
      ],
      [
        'staff registers for a listing',
        'post',
        () => `/api/lease-listings/${live.id}/registrations`,
        'staff',
        {},
      ],
      [
        'a supervisor registers for a listing',
        'post',
        () => `/api/lease-listings/${live.id}/registrations`,
        'supervisor',
        {},
      ],
      [
        'staff bids',
        'post',
        () => `/api/lease-listings/${live.id}/bids`,
        'staff',
        { amount: 900_000, clientBidId: 'staff-1' },
      ],
      ['a bidder lists deals', 'get', () => '/api/deals', 'bidder', undefined],
      ['a bidder reads the audit trail', 'get', () => '/api/audit', 'bidder', undefined],
      ['a bidder verifies the audit chain', 'get', () => '/api/audit/verify', 'bidder', undefined],
    ] as [string, Method, () => string, Who, Body][])(
      '%s → 403 FORBIDDEN',
      async (_name, method, path, who, body) => {
        expectError(await call(method, path(), who, body), 403, 'FORBIDDEN');
      },
    );

    it.each([
      ['creates a listing', 'post', () => '/api/lease-listings', valid],
      [
        'qualifies',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        { depositReceived: true },
      ],
      ['lists deals', 'get', () => '/api/deals', undefined],
    ] as [string, Method, () => string, Body][])(
      'a bidder whose forged token claims staff %s → 401 INVALID_TOKEN',
      async (_name, method, path, body) => {
        const token = forgedToken(claimsOf('bidder', ['staff', 'supervisor', 'admin']));
        expectError(
          await call(method, path(), { authorization: `Bearer ${token}` }, body),
          401,
          'INVALID_TOKEN',
        );
      },
    );
  });
});
