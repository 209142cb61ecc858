import { expectError } from './support/checks.js';
import {
  call,
  createListing,
  live,
  type Method,
  pendingRegistrationId,
  useBadInputPlatform,
  valid,
  type Who,
} from './support/bad-input.js';

/**
 * Bodies the server cannot read as JSON (broken text, JSON that is not an object or array, a
 * body over the size limit, an unknown charset or encoding) are refused with a code, on every
 * route that takes a body, and write nothing.
 * Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform();

  describe('bodies that are not JSON', () => {
    const texts = [
      '{"title":',
      '{title: "x"}',
      "{'title': 'x'}",
      '{"title": "x",}',
      '[1, 2',
      '{"a": 1}{"b": 2}',
      '{"title": "\\x"}',
    ];
    it.each(texts)('creating a listing with %j → 400 INVALID_JSON', async (text) => {
      expectError(await createListing(text), 400, 'INVALID_JSON');
    });

    // JSON, but not an object or array: the strict parser refuses it as a body.
    it.each(['null', '"just a string"', '42', 'true'])(
      'creating a listing with %j → 400 INVALID_JSON',
      async (text) => {
        expectError(await createListing(text), 400, 'INVALID_JSON');
      },
    );

    it.each([
      ['register', 'post', () => '/api/auth/register', 'anonymous'],
      ['login', 'post', () => '/api/auth/login', 'anonymous'],
      ['bid (REST)', 'post', () => `/api/lease-listings/${live.id}/bids`, 'bidder'],
      ['register for a listing', 'post', () => `/api/lease-listings/${live.id}/registrations`, 'pending'],
      [
        'qualify',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/qualify`,
        'staff',
      ],
      [
        'reject',
        'post',
        () => `/api/lease-listings/${live.id}/registrations/${pendingRegistrationId}/reject`,
        'staff',
      ],
    ] as [string, Method, () => string, Who][])(
      '%s with a truncated body → 400 INVALID_JSON',
      async (_name, method, path, who) => {
        expectError(await call(method, path(), who, '{"amount":'), 400, 'INVALID_JSON');
      },
    );

    it('a body over the size limit → 413 PAYLOAD_TOO_LARGE', async () => {
      const huge = JSON.stringify({ ...valid, title: 'x'.repeat(2 * 1024 * 1024) });
      expectError(await createListing(huge), 413, 'PAYLOAD_TOO_LARGE');
    });

    // A body the server cannot decode at all is a bad request, not a failure of the server.
    it.each([
      [
        'an unsupported charset',
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        { 'Content-Type': 'application/json; charset=latin1' },
        '{}',
      ],
      ['an unknown Content-Encoding', 415, 'UNSUPPORTED_MEDIA_TYPE', { 'Content-Encoding': 'bogus' }, '{}'],
      [
        'Content-Encoding gzip on a plain body',
        400,
        'VALIDATION_FAILED',
        { 'Content-Encoding': 'gzip' },
        '{"title": "x"}',
      ],
    ] as [string, number, string, Record<string, string>, string][])(
      'a body with %s → %i %s',
      async (_name, status, code, headers, text) => {
        let req = call('post', '/api/lease-listings', 'staff').set('Content-Type', 'application/json');
        for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
        const body = expectError(await req.send(text), status, code);
        expect(body.message).not.toMatch(/zlib|stack|at \w+ \(/i);
      },
    );
  });
});
