import { randomUUID } from 'node:crypto';
import { detailFields, expectError, jsonWithRaw, without } from './support/checks.js';
import {
  createListing,
  expectNamed,
  iso,
  MAX_SAFE,
  ms,
  rebaseline,
  TOO_BIG,
  useBadInputPlatform,
  valid,
} from './support/bad-input.js';

/**
 * A listing body that misses a field, has a wrong type, an unknown or read-only field, bad money,
 * a schedule out of order, a date that is not ISO-8601 or a value past a limit is refused with
 * 400 VALIDATION_FAILED naming the field, and writes nothing; the limits themselves are accepted.
 * Setup and the after-each check: test/support/bad-input.ts.
 */
describe('bad input is refused with a code, and writes nothing', () => {
  useBadInputPlatform();

  describe('listing bodies', () => {
    const required = [
      'title',
      'address',
      'areaSqm',
      'usage',
      'leaseTermMonths',
      'startPrice',
      'increment',
      'deposit',
      'registrationStartsAt',
      'registrationEndsAt',
      'biddingStartsAt',
      'freeBiddingEndsAt',
    ];
    it.each(required)('without %s → 400 VALIDATION_FAILED naming it', async (field) => {
      expectNamed(expectError(await createListing(without(valid, field)), 400, 'VALIDATION_FAILED'), field);
    });

    it('an empty object → 400 VALIDATION_FAILED naming every required field', async () => {
      const body = expectError(await createListing({}), 400, 'VALIDATION_FAILED');
      expect(detailFields(body)).toEqual(expect.arrayContaining(required));
    });

    it.each([
      ['a JSON array', []],
      ['an array holding a valid body', [valid]],
    ] as [string, unknown[]][])('%s → 400 VALIDATION_FAILED', async (_name, body) => {
      expectError(await createListing(body), 400, 'VALIDATION_FAILED');
    });

    const wrongTypes: [string, Record<string, unknown>][] = [
      ['title', { title: 123 }],
      ['title', { title: ['a', 'b'] }],
      ['title', { title: null }],
      ['title', { title: { zh: '店面' } }],
      ['title', { title: '' }],
      ['address', { address: 42 }],
      ['address', { address: null }],
      ['areaSqm', { areaSqm: '86.5' }],
      ['areaSqm', { areaSqm: null }],
      ['areaSqm', { areaSqm: [86.5] }],
      ['areaSqm', { areaSqm: 0 }],
      ['areaSqm', { areaSqm: -86.5 }],
      ['usage', { usage: 5 }],
      ['usage', { usage: null }],
      ['leaseTermMonths', { leaseTermMonths: '36' }],
      ['leaseTermMonths', { leaseTermMonths: 36.5 }],
      ['leaseTermMonths', { leaseTermMonths: null }],
      ['leaseTermMonths', { leaseTermMonths: [36] }],
      ['startPrice', { startPrice: [800_000] }],
      ['startPrice', { startPrice: null }],
      ['startPrice', { startPrice: true }],
      ['startPrice', { startPrice: { fen: 800_000 } }],
      ['increment', { increment: null }],
      ['deposit', { deposit: false }],
      ['extensionSeconds', { extensionSeconds: '60' }],
      ['extensionSeconds', { extensionSeconds: 1.5 }],
      ['extensionSeconds', { extensionSeconds: [60] }],
      ['registrationStartsAt', { registrationStartsAt: null }],
      ['biddingStartsAt', { biddingStartsAt: ['2030-01-01T00:00:00Z'] }],
    ];
    it.each(wrongTypes)('a wrong type for %s (%j) → 400 VALIDATION_FAILED', async (field, change) => {
      expectNamed(expectError(await createListing({ ...valid, ...change }), 400, 'VALIDATION_FAILED'), field);
    });

    it.each([
      ['foo', { foo: 1 }],
      ['status', { status: 'bidding' }],
      ['currentPrice', { currentPrice: 900_000 }],
      ['id', { id: randomUUID() }],
      ['createdBy', { createdBy: randomUUID() }],
      ['winnerCode', { winnerCode: '0001' }],
    ] as [string, Record<string, unknown>][])(
      'an unknown or read-only field %s → 400 VALIDATION_FAILED naming it',
      async (field, change) => {
        expectNamed(
          expectError(await createListing({ ...valid, ...change }), 400, 'VALIDATION_FAILED'),
          field,
        );
      },
    );

    const moneyFields = ['startPrice', 'increment', 'deposit', 'reservePrice'] as const;
    const badMoney: [string, unknown][] = [
      ['fractional fen (1.5)', 1.5],
      ['fractional fen (800000.5)', 800_000.5],
      ['zero', 0],
      ['negative', -800_000],
      ['a numeric string', '900000'],
      ['beyond any safe integer', 1e300],
    ];
    it.each(
      moneyFields.flatMap((field) =>
        badMoney.map(([name, value]): [string, string, unknown] => [field, name, value]),
      ),
    )('%s as %s → 400 VALIDATION_FAILED', async (field, _name, value) => {
      expectNamed(
        expectError(await createListing({ ...valid, [field]: value }), 400, 'VALIDATION_FAILED'),
        field,
      );
    });
    it.each(moneyFields)('%s of 2^53 + 1, written raw → 400 VALIDATION_FAILED', async (field) => {
      expectNamed(
        expectError(await createListing(jsonWithRaw(valid, { [field]: TOO_BIG })), 400, 'VALIDATION_FAILED'),
        field,
      );
    });

    it('reservePrice below startPrice → 400 VALIDATION_FAILED naming reservePrice', async () => {
      const body = { ...valid, reservePrice: valid.startPrice - 1 };
      expectNamed(expectError(await createListing(body), 400, 'VALIDATION_FAILED'), 'reservePrice');
    });

    const schedules: [string, Record<string, unknown>, string[]][] = [
      [
        'registrationEndsAt equal to registrationStartsAt',
        { registrationEndsAt: valid.registrationStartsAt },
        ['registrationStartsAt', 'registrationEndsAt'],
      ],
      [
        'registrationEndsAt before registrationStartsAt',
        { registrationStartsAt: iso(ms('registrationEndsAt') + 1000) },
        ['registrationStartsAt', 'registrationEndsAt'],
      ],
      [
        'biddingStartsAt before registrationEndsAt',
        { biddingStartsAt: iso(ms('registrationEndsAt') - 1000) },
        ['registrationEndsAt', 'biddingStartsAt'],
      ],
      [
        'registrationEndsAt after biddingStartsAt',
        { registrationEndsAt: iso(ms('biddingStartsAt') + 1) },
        ['registrationEndsAt', 'biddingStartsAt'],
      ],
      [
        'freeBiddingEndsAt equal to biddingStartsAt',
        { freeBiddingEndsAt: valid.biddingStartsAt },
        ['biddingStartsAt', 'freeBiddingEndsAt'],
      ],
      [
        'freeBiddingEndsAt before biddingStartsAt',
        { freeBiddingEndsAt: iso(ms('biddingStartsAt') - 60_000) },
        ['biddingStartsAt', 'freeBiddingEndsAt'],
      ],
      [
        'the whole schedule reversed',
        {
          registrationStartsAt: valid.freeBiddingEndsAt,
          registrationEndsAt: valid.biddingStartsAt,
          biddingStartsAt: iso(ms('registrationStartsAt') + 1000),
          freeBiddingEndsAt: valid.registrationStartsAt,
        },
        ['registrationStartsAt', 'registrationEndsAt', 'biddingStartsAt', 'freeBiddingEndsAt'],
      ],
    ];
    it.each(schedules)('%s → 400 VALIDATION_FAILED', async (_name, change, fields) => {
      expectNamed(
        expectError(await createListing({ ...valid, ...change }), 400, 'VALIDATION_FAILED'),
        ...fields,
      );
    });

    const dateFields = ['registrationStartsAt', 'registrationEndsAt', 'biddingStartsAt', 'freeBiddingEndsAt'];
    const notIso: unknown[] = [
      'not a date',
      '',
      '2030-01-01 10:00:00Z',
      '01/02/2030',
      '2030-02-30T10:00:00Z',
      'Tue, 01 Jan 2030 10:00:00 GMT',
      1_893_456_000_000,
    ];
    it.each(dateFields.flatMap((field) => notIso.map((value): [string, unknown] => [field, value])))(
      '%s = %j → 400 VALIDATION_FAILED naming it',
      async (field, value) => {
        expectNamed(
          expectError(await createListing({ ...valid, [field]: value }), 400, 'VALIDATION_FAILED'),
          field,
        );
      },
    );

    it.each([
      ['extensionSeconds', '0', 0],
      ['extensionSeconds', '3601', 3601],
      ['extensionSeconds', '-1', -1],
      ['leaseTermMonths', '0', 0],
      ['leaseTermMonths', '241', 241],
      ['leaseTermMonths', '-12', -12],
      ['title', '201 Latin characters', 'x'.repeat(201)],
      ['title', '201 Chinese characters', '租'.repeat(201)],
      ['address', '501 Latin characters', 'x'.repeat(501)],
      ['address', '501 Chinese characters', '号'.repeat(501)],
      ['usage', '101 characters', 'x'.repeat(101)],
    ] as [string, string, unknown][])(
      '%s of %s → 400 VALIDATION_FAILED naming it',
      async (field, _name, value) => {
        expectNamed(
          expectError(await createListing({ ...valid, [field]: value }), 400, 'VALIDATION_FAILED'),
          field,
        );
      },
    );
  });

  describe('the limits themselves are accepted', () => {
    // These rows do write (one listing each): the test checks what was written, then the new
    // contents are the baseline for the check after it.
    afterEach(async () => {
      await rebaseline();
    });

    it('title 200, address 500, extension 3600 s, term 240 months, reserve = start, registration ending as bidding starts', async () => {
      const body = {
        ...valid,
        title: '租'.repeat(200),
        address: 'x'.repeat(500),
        extensionSeconds: 3600,
        leaseTermMonths: 240,
        reservePrice: valid.startPrice,
        registrationEndsAt: valid.biddingStartsAt,
      };
      const response = await createListing(body);
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        title: body.title,
        address: body.address,
        extensionSeconds: 3600,
        leaseTermMonths: 240,
        reservePrice: body.startPrice,
        status: 'draft',
      });
    });

    it('money up to 2^53 − 1 fen, exactly, with extension 1 s and a one-month term', async () => {
      const text = jsonWithRaw(
        { ...valid, leaseTermMonths: 1, extensionSeconds: 1, increment: 1 },
        { startPrice: MAX_SAFE, deposit: MAX_SAFE, reservePrice: MAX_SAFE },
      );
      const response = await createListing(text);
      expect(response.status).toBe(201);
      expect(response.text).toContain(`"startPrice":${MAX_SAFE}`);
      expect(response.body).toMatchObject({
        startPrice: Number.MAX_SAFE_INTEGER,
        deposit: Number.MAX_SAFE_INTEGER,
        reservePrice: Number.MAX_SAFE_INTEGER,
        increment: 1,
        leaseTermMonths: 1,
        extensionSeconds: 1,
      });
    });
  });
});
