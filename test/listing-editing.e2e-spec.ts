import request from 'supertest';
import { createOperator, listingBody, registerBidder } from './support/factories.js';
import { expectError, freshClient, queryRows, tableContents } from './support/checks.js';
import { api, env, get, HOUR, post, staff, useAccountsPlatform } from './support/accounts.js';
import type { TestUser } from './support/factories.js';

/**
 * Editing a draft (PATCH /api/lease-listings/:id): staff only; any create field under the same
 * rules, checked on the merged listing; past draft → 409 LISTING_NOT_EDITABLE with nothing
 * written; one audit entry per edit with each changed field's old and new value.
 */
const patch = (path: string, user?: TestUser) => {
  const req = request(api.url).patch(path);
  return user ? req.auth(user.token, { type: 'bearer' }) : req;
};

const draft = async (overrides: Record<string, unknown> = {}) => {
  const body = listingBody({ biddingInMs: 2 * HOUR, freeMs: HOUR }, overrides);
  const created = await post('/api/lease-listings', staff).send(body).expect(201);
  return { id: created.body.id as string, body };
};

interface EditEntry {
  actor_id: string;
  payload: { code: string; changes: Record<string, { from: unknown; to: unknown }> };
}
/** The payload is stored as the text the hash chain covers. */
const editEntries = async (id: string): Promise<EditEntry[]> =>
  (
    await queryRows<{ actor_id: string; payload: string }>(
      env.config.DATABASE_URL,
      `SELECT actor_id, payload FROM audit_log WHERE action = 'listing.edited' AND entity_id = $1 ORDER BY seq`,
      [id],
    )
  ).map((row) => ({
    actor_id: row.actor_id,
    payload: (JSON.parse(row.payload) as { data: EditEntry['payload'] }).data,
  }));

describe('editing a draft listing', () => {
  useAccountsPlatform();

  it.each<[string, Record<string, unknown>]>([
    ['text', { title: '改后的标题', address: '南昌市西湖区 1 号', usage: '办公' }],
    ['numbers', { areaSqm: 120.25, leaseTermMonths: 24, extensionSeconds: 60 }],
    ['money in fen', { startPrice: 900_000, increment: 5_000, deposit: 3_000_000, reservePrice: 950_000 }],
  ])('edits %s; the staff view shows it and the rest is unchanged', async (_kind, changes) => {
    const { id, body } = await draft();
    const edited = await patch(`/api/lease-listings/${id}`, staff).send(changes).expect(200);
    expect(edited.body).toMatchObject({ id, status: 'draft', ...changes });
    const seen = (await get(`/api/lease-listings/${id}`, staff).expect(200)).body;
    expect(seen).toMatchObject({
      ...changes,
      leaseTermMonths: changes.leaseTermMonths ?? body.leaseTermMonths,
    });
    if (!('title' in changes)) expect(seen.title).toBe(body.title);
  });

  it('moves the schedule: dates are stored and endsAt follows freeBiddingEndsAt + extension', async () => {
    const { id } = await draft();
    const start = Date.now() + 3 * HOUR;
    const schedule = {
      registrationEndsAt: new Date(start).toISOString(),
      biddingStartsAt: new Date(start).toISOString(),
      freeBiddingEndsAt: new Date(start + HOUR).toISOString(),
      extensionSeconds: 120,
    };
    const edited = await patch(`/api/lease-listings/${id}`, staff).send(schedule).expect(200);
    expect(edited.body).toMatchObject(schedule);
    expect(edited.body.endsAt).toBe(new Date(start + HOUR + 120_000).toISOString());
    const [row] = await queryRows<{ ends_at: Date }>(
      env.config.DATABASE_URL,
      'SELECT ends_at FROM auctions WHERE id = $1',
      [id],
    );
    expect(row.ends_at.toISOString()).toBe(new Date(start + HOUR + 120_000).toISOString());
  });

  it('reservePrice: null removes the reserve; null elsewhere is 400', async () => {
    const { id } = await draft({ reservePrice: 900_000 });
    expect(
      (await patch(`/api/lease-listings/${id}`, staff).send({ reservePrice: null }).expect(200)).body,
    ).toMatchObject({ reservePrice: null });
    const before = await tableContents(env.config.DATABASE_URL);
    expectError(
      await patch(`/api/lease-listings/${id}`, staff).send({ title: null }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it.each<[string, (body: ReturnType<typeof listingBody>) => Record<string, unknown>, string]>([
    [
      'bidding before registration ends',
      (b) => ({ biddingStartsAt: new Date(Date.parse(b.registrationEndsAt) - 60_000).toISOString() }),
      'registrationEndsAt',
    ],
    [
      'free period ending before bidding starts',
      (b) => ({ freeBiddingEndsAt: new Date(Date.parse(b.biddingStartsAt) - 1000).toISOString() }),
      'freeBiddingEndsAt',
    ],
    ['a reserve below the start price', () => ({ reservePrice: 700_000 }), 'reservePrice'],
    ['a start price above the existing reserve', () => ({ startPrice: 1_000_000 }), 'reservePrice'],
  ])('a merged listing with %s → 400 VALIDATION_FAILED, nothing written', async (_name, change, field) => {
    const { id, body } = await draft({ reservePrice: 900_000 });
    const before = await tableContents(env.config.DATABASE_URL);
    const error = expectError(
      await patch(`/api/lease-listings/${id}`, staff).send(change(body)),
      400,
      'VALIDATION_FAILED',
    );
    expect(JSON.stringify(error.details)).toContain(field);
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an unknown field', { colour: 'red' }],
    ['a read-only field', { status: 'announced' }],
    ['fractional fen', { startPrice: 800_000.5 }],
    ['a non-positive increment', { increment: 0 }],
    ['a malformed date', { biddingStartsAt: 'tomorrow' }],
    ['an over-long title', { title: 'x'.repeat(201) }],
  ])('%s → 400 VALIDATION_FAILED as on create, nothing written', async (_name, change) => {
    const { id } = await draft();
    const before = await tableContents(env.config.DATABASE_URL);
    expectError(await patch(`/api/lease-listings/${id}`, staff).send(change), 400, 'VALIDATION_FAILED');
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it('after publishing → 409 LISTING_NOT_EDITABLE and nothing written; cancelled too', async () => {
    const { id, body } = await draft();
    await post(`/api/lease-listings/${id}/publish`, staff).expect(200);
    const before = await tableContents(env.config.DATABASE_URL);
    expectError(
      await patch(`/api/lease-listings/${id}`, staff).send({ title: '偷改', startPrice: 1 }),
      409,
      'LISTING_NOT_EDITABLE',
    );
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    expect((await get(`/api/lease-listings/${id}`).expect(200)).body).toMatchObject({
      title: body.title,
      startPrice: body.startPrice,
    });

    await post(`/api/lease-listings/${id}/cancel`, staff).send({ reason: '重新挂牌' }).expect(200);
    expectError(
      await patch(`/api/lease-listings/${id}`, staff).send({ title: '偷改' }),
      409,
      'LISTING_NOT_EDITABLE',
    );
  });

  it('roles: anonymous 401, bidder and supervisor 403, unknown id 404, bad id 400; a draft stays 404 to the public', async () => {
    const { id, body } = await draft();
    const bidder = await registerBidder(api.url, freshClient());
    const supervisor = await createOperator(env.config, api.url, 'supervisor', freshClient());
    const before = await tableContents(env.config.DATABASE_URL);
    expectError(await patch(`/api/lease-listings/${id}`).send({ title: 'x' }), 401, 'UNAUTHENTICATED');
    expectError(await patch(`/api/lease-listings/${id}`, bidder).send({ title: 'x' }), 403, 'FORBIDDEN');
    expectError(await patch(`/api/lease-listings/${id}`, supervisor).send({ title: 'x' }), 403, 'FORBIDDEN');
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    expectError(
      await patch('/api/lease-listings/00000000-0000-4000-8000-000000000000', staff).send({ title: 'x' }),
      404,
      'LISTING_NOT_FOUND',
    );
    expectError(await patch('/api/lease-listings/not-a-uuid', staff).send({ title: 'x' }), 400, 'INVALID_ID');

    await patch(`/api/lease-listings/${id}`, staff).send({ title: '新标题' }).expect(200);
    expectError(await get(`/api/lease-listings/${id}`), 404, 'LISTING_NOT_FOUND');
    expectError(await get(`/api/lease-listings/${id}`, bidder), 404, 'LISTING_NOT_FOUND');
    expect((await get(`/api/lease-listings/${id}`, staff).expect(200)).body.title).not.toBe(body.title);
  });

  it('one audit entry per edit with old → new of the changed fields only; no change, no entry', async () => {
    const { id, body } = await draft();
    await patch(`/api/lease-listings/${id}`, staff)
      .send({ title: '改一次', startPrice: 810_000, usage: body.usage })
      .expect(200);
    const newStart = new Date(Date.parse(body.biddingStartsAt) + 60_000).toISOString();
    await patch(`/api/lease-listings/${id}`, staff).send({ biddingStartsAt: newStart }).expect(200);
    await patch(`/api/lease-listings/${id}`, staff).send({ title: '改一次' }).expect(200);

    const entries = await editEntries(id);
    expect(entries).toHaveLength(2);
    expect(entries[0].actor_id).toBe(staff.id);
    expect(entries[0].payload.changes).toEqual({
      title: { from: body.title, to: '改一次' },
      startPrice: { from: body.startPrice, to: 810_000 },
    });
    expect(entries[1].payload.changes).toEqual({
      biddingStartsAt: { from: new Date(body.biddingStartsAt).toISOString(), to: newStart },
    });
    const verify = await get(
      '/api/audit/verify',
      await createOperator(env.config, api.url, 'supervisor', freshClient()),
    );
    expect(verify.status).toBe(200);
  });
});
