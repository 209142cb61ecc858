import { randomUUID } from 'node:crypto';
import { expectError } from './support/checks.js';
import {
  type Body,
  call,
  draftId,
  live,
  type Method,
  pendingRegistrationId,
  useBadInputPlatform,
  type Who,
} from './support/bad-input.js';

/**
 * Unknown listings and registrations (and drafts, to whoever may not see them) are 404 with
 * their code; ids that are not UUIDs are 400 INVALID_ID; nothing is written.
 * Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform();

  describe('ids', () => {
    const unknown = randomUUID();
    const bidBody = { amount: 900_000, clientBidId: 'unknown-listing' };
    it.each([
      ['GET a listing', 'get', () => `/api/lease-listings/${unknown}`, 'anonymous', undefined],
      ['GET a listing as staff', 'get', () => `/api/lease-listings/${unknown}`, 'staff', undefined],
      ['publish', 'post', () => `/api/lease-listings/${unknown}/publish`, 'staff', undefined],
      ['register', 'post', () => `/api/lease-listings/${unknown}/registrations`, 'pending', {}],
      ['list registrations', 'get', () => `/api/lease-listings/${unknown}/registrations`, 'staff', undefined],
      ['bid', 'post', () => `/api/lease-listings/${unknown}/bids`, 'bidder', bidBody],
      ['read the ledger', 'get', () => `/api/lease-listings/${unknown}/bids`, 'anonymous', undefined],
      [
        'read bid attempts',
        'get',
        () => `/api/lease-listings/${unknown}/bid-attempts`,
        'supervisor',
        undefined,
      ],
      [
        'qualify on an unknown listing',
        'post',
        () => `/api/lease-listings/${unknown}/registrations/${pendingRegistrationId}/qualify`,
        'staff',
        { depositReceived: true },
      ],
      [
        'reject on an unknown listing',
        'post',
        () => `/api/lease-listings/${unknown}/registrations/${pendingRegistrationId}/reject`,
        'staff',
        { reason: '保证金未到账' },
      ],
      ['GET a draft anonymously', 'get', () => `/api/lease-listings/${draftId}`, 'anonymous', undefined],
      ['GET a draft as a bidder', 'get', () => `/api/lease-listings/${draftId}`, 'bidder', undefined],
      ['register for a draft', 'post', () => `/api/lease-listings/${draftId}/registrations`, 'pending', {}],
      [
        'read the ledger of a draft',
        'get',
        () => `/api/lease-listings/${draftId}/bids`,
        'anonymous',
        undefined,
      ],
    ] as [string, Method, () => string, Who, Body][])(
      '%s → 404 LISTING_NOT_FOUND',
      async (_name, method, path, who, body) => {
        expectError(await call(method, path(), who, body), 404, 'LISTING_NOT_FOUND');
      },
    );

    it.each([
      ['qualify', { depositReceived: true }],
      ['reject', { reason: '保证金未到账' }],
    ] as [string, Body][])(
      '%s an unknown registration → 404 REGISTRATION_NOT_FOUND',
      async (action, body) => {
        const path = `/api/lease-listings/${live.id}/registrations/${randomUUID()}/${action}`;
        expectError(await call('post', path, 'staff', body), 404, 'REGISTRATION_NOT_FOUND');
      },
    );

    const bogus = [
      '123',
      'not-a-uuid',
      '8f2c1a9e-3b4d-4e5f-9a6b-7c8d9e0f1a2b0',
      'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
    ];
    const routes: [string, Method, (id: string) => string, Who, Body][] = [
      ['GET a listing', 'get', (id) => `/api/lease-listings/${id}`, 'anonymous', undefined],
      ['publish', 'post', (id) => `/api/lease-listings/${id}/publish`, 'staff', undefined],
      ['register', 'post', (id) => `/api/lease-listings/${id}/registrations`, 'pending', {}],
      ['list registrations', 'get', (id) => `/api/lease-listings/${id}/registrations`, 'staff', undefined],
      ['bid', 'post', (id) => `/api/lease-listings/${id}/bids`, 'bidder', bidBody],
      ['read the ledger', 'get', (id) => `/api/lease-listings/${id}/bids`, 'anonymous', undefined],
      ['read bid attempts', 'get', (id) => `/api/lease-listings/${id}/bid-attempts`, 'supervisor', undefined],
      [
        'qualify',
        'post',
        (id) => `/api/lease-listings/${live.id}/registrations/${id}/qualify`,
        'staff',
        { depositReceived: true },
      ],
      [
        'reject',
        'post',
        (id) => `/api/lease-listings/${live.id}/registrations/${id}/reject`,
        'staff',
        { reason: '保证金未到账' },
      ],
    ];
    it.each(routes.flatMap((route) => bogus.map((id): [...typeof route, string] => [...route, id])))(
      '%s with id %s → 400 INVALID_ID',
      async (_name, method, path, who, body, id) => {
        expectError(await call(method, path(id), who, body), 400, 'INVALID_ID');
      },
    );
  });
});
