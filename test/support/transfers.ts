import request from 'supertest';
import { queryRows } from './checks.js';
import { type TestUser, waitFor } from './factories.js';

export const TRANSFER_DOCUMENT_SHA = 'a'.repeat(64);
export const TRANSFER_VALUATION = 10_000_000;

const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });

/** The day `businessDays` business days after `from`, by the platform's own calendar. */
export async function businessDeadline(apiUrl: string, from: string, businessDays: number): Promise<string> {
  return (await request(apiUrl).get('/api/calendar/deadline').query({ from, businessDays }).expect(200)).body
    .date as string;
}

/** Today and yesterday as calendar dates in the centre's zone, by the database's clock. */
export async function centreDays(
  databaseUrl: string,
  zone: string,
): Promise<{ today: string; yesterday: string }> {
  const [days] = await queryRows<{ today: string; yesterday: string }>(
    databaseUrl,
    `SELECT (clock_timestamp() AT TIME ZONE $1)::date::text AS today,
            ((clock_timestamp() AT TIME ZONE $1)::date - 1)::text AS yesterday`,
    [zone],
  );
  return days;
}

/** An equity transfer listed at its valuation; `disclosureEndsOn` is the caller's. */
export function transferProjectBody(overrides: Record<string, unknown> = {}) {
  return {
    title: '东湖区某国有企业 100% 股权转让',
    transferor: '南昌市东湖区国有资产运营公司',
    assetKind: 'equity',
    assetDescription: '注册资本 500 万元,净资产评估值 1,000 万元',
    documents: [{ name: '资产评估报告.pdf', sha256: TRANSFER_DOCUMENT_SHA }],
    valuation: TRANSFER_VALUATION,
    listingPrice: TRANSFER_VALUATION,
    buyerConditions: '具有完全民事行为能力',
    deposit: 1_000_000,
    increment: 100_000,
    extensionPeriods: 0,
    auctionStartTime: '10:00',
    freeBiddingMinutes: 60,
    extensionSeconds: 2,
    ...overrides,
  };
}

/** Where the buyers apply and bid from (early warning): one device for all of them, if given. */
type BuyerOrigin = { deviceFingerprint?: string };
const fromDevice = (origin: BuyerOrigin, req: request.Test) =>
  origin.deviceFingerprint ? req.set('X-Device-Fingerprint', origin.deviceFingerprint) : req;

type TransferContext = { apiUrl: string; ownerDatabaseUrl: string; zone: string; staff: TestUser };

/**
 * A published project with `buyers` qualified whose disclosure has ended (its last day moved to
 * yesterday in the database): the worker's sweeper takes it on from there. Answers its id.
 */
async function disclosedTransferProject(
  context: TransferContext,
  buyers: TestUser[],
  origin: BuyerOrigin = {},
): Promise<string> {
  const { apiUrl, staff } = context;
  const { today, yesterday } = await centreDays(context.ownerDatabaseUrl, context.zone);
  const disclosureEndsOn = await businessDeadline(apiUrl, today, 20);
  const created = await as(staff)(request(apiUrl).post('/api/transfer-projects'))
    .send(transferProjectBody({ disclosureEndsOn }))
    .expect(201);
  const id = created.body.id as string;
  await as(staff)(request(apiUrl).post(`/api/transfer-projects/${id}/publish`)).expect(200);
  for (const buyer of buyers) {
    const registration = await fromDevice(
      origin,
      as(buyer)(request(apiUrl).post(`/api/transfer-projects/${id}/registrations`)),
    )
      .send({})
      .expect(201);
    await as(staff)(
      request(apiUrl).post(`/api/transfer-projects/${id}/registrations/${registration.body.id}/qualify`),
    )
      .send({ depositReceived: true })
      .expect(200);
  }
  await queryRows(
    context.ownerDatabaseUrl,
    `UPDATE transfer_projects SET disclosure_ends_on = $2 WHERE id = $1`,
    [id, yesterday],
  );
  return id;
}

/**
 * A project with one qualified buyer, its disclosure ended, agreed with that buyer at `price`
 * once the worker has made it agreement_pending. Answers the project as the agreement left it
 * (status sold).
 */
export async function agreedTransferProject(
  context: TransferContext,
  buyer: TestUser,
  price = TRANSFER_VALUATION,
): Promise<{ id: string; finalPrice: number; status: string }> {
  const { apiUrl, staff } = context;
  const id = await disclosedTransferProject(context, [buyer]);
  await waitFor(
    async () =>
      (await as(staff)(request(apiUrl).get(`/api/transfer-projects/${id}`)).expect(200)).body.status ===
        'agreement_pending' || undefined,
    15_000,
    `project ${id} agreement_pending`,
  );
  const agreed = await as(staff)(request(apiUrl).post(`/api/transfer-projects/${id}/agreement`))
    .send({ price })
    .expect(200);
  return agreed.body;
}

/**
 * A project with two qualified buyers, its disclosure ended, so the worker opens its live
 * auction (start price: the listing price); the opening is brought forward to now in the
 * database, the buyers bid `prices` in turn over REST, and the worker closes it sold to the
 * last. Answers the project as the close left it.
 */
export async function auctionedTransferProject(
  context: TransferContext,
  buyers: [TestUser, TestUser],
  prices: number[],
  origin: BuyerOrigin = {},
): Promise<{ id: string; finalPrice: number; status: string; dealSource: string }> {
  const { apiUrl, staff } = context;
  const id = await disclosedTransferProject(context, buyers, origin);
  const project = async () => (await as(staff)(request(apiUrl).get(`/api/transfer-projects/${id}`))).body;
  await waitFor(async () => (await project()).status === 'auction' || undefined, 15_000, `${id} auction`);
  await queryRows(
    context.ownerDatabaseUrl,
    `WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at)
     UPDATE auctions SET bidding_starts_at = now.at + interval '1 second',
       free_bidding_ends_at = now.at + interval '5 seconds',
       ends_at = now.at + interval '7 seconds' FROM now WHERE id = $1`,
    [id],
  );
  await waitFor(
    async () => (await project()).auctionStatus === 'bidding' || undefined,
    15_000,
    `${id} bidding`,
  );
  for (const [index, amount] of prices.entries()) {
    await fromDevice(origin, as(buyers[index % 2])(request(apiUrl).post(`/api/transfer-projects/${id}/bids`)))
      .send({ amount, clientBidId: `auctioned-${index}` })
      .expect(201);
  }
  return waitFor(
    async () => {
      const current = await project();
      return current.status === 'sold' ? current : undefined;
    },
    30_000,
    `${id} sold`,
  );
}
