import pg from 'pg';
import request from 'supertest';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';

/**
 * A transfer's deposits (保证金) through every path on the real platform (PostgreSQL,
 * Redis/BullMQ, the worker): opened `due` with the registration, required at qualify, settled by
 * the online close (sold: the losers' fall due in 5 business days, the winner's held; unsold: all
 * due), by the agreement, by the on-site record and by termination; converted at the contract and
 * forfeited at the worker's default. The database's clock decides, so a disclosure is ended by
 * moving its last day to yesterday and an auction's timers to now.
 */
const SHA = 'b'.repeat(64);
const VALUATION = 10_000_000;
const DEPOSIT = 1_000_000;

describe('transfer deposits, end to end', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let db: pg.Client;
  let staff: TestUser;
  let today: string;
  let yesterday: string;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;

  const deadline = async (from: string, businessDays: number): Promise<string> =>
    (await request(api.url).get('/api/calendar/deadline').query({ from, businessDays }).expect(200)).body
      .date;

  async function publishedProject() {
    const created = await as(staff)(request(api.url).post('/api/transfer-projects'))
      .send({
        title: '东湖区某国有企业 100% 股权转让',
        transferor: '南昌市东湖区国有资产运营公司',
        assetKind: 'equity',
        assetDescription: '净资产评估值 1,000 万元',
        documents: [{ name: '资产评估报告.pdf', sha256: SHA }],
        valuation: VALUATION,
        listingPrice: VALUATION,
        buyerConditions: '具有完全民事行为能力',
        deposit: DEPOSIT,
        increment: 100_000,
        extensionSeconds: 2,
        disclosureEndsOn: await deadline(today, 20),
      })
      .expect(201);
    await as(staff)(request(api.url).post(`/api/transfer-projects/${created.body.id}/publish`)).expect(200);
    return created.body.id as string;
  }

  const register = async (projectId: string, buyer: TestUser) =>
    (
      await as(buyer)(request(api.url).post(`/api/transfer-projects/${projectId}/registrations`))
        .send({})
        .expect(201)
    ).body as { id: string; status: string; depositId: string };

  const qualify = (projectId: string, registrationId: string, depositReceived: boolean) =>
    as(staff)(
      request(api.url).post(`/api/transfer-projects/${projectId}/registrations/${registrationId}/qualify`),
    ).send({ depositReceived });

  async function qualified(projectId: string, buyer: TestUser) {
    const registration = await register(projectId, buyer);
    await qualify(projectId, registration.id, true).expect(200);
    return registration;
  }

  /** Each bidder's deposit of the project: state and refund day. */
  async function depositsOf(projectId: string) {
    const { rows } = await db.query(
      `SELECT bidder_id AS "bidderId", state, amount::int AS amount, refund_due_on::text AS "refundDueOn"
       FROM deposits WHERE host_type = 'transfer_project' AND host_id = $1`,
      [projectId],
    );
    return Object.fromEntries(rows.map((row) => [row.bidderId, row])) as Record<
      string,
      { state: string; amount: number; refundDueOn: string | null }
    >;
  }

  const get = async (projectId: string) =>
    (await as(staff)(request(api.url).get(`/api/transfer-projects/${projectId}`)).expect(200)).body;

  const waitForStatus = (projectId: string, status: string, timeoutMs = 20_000) =>
    waitFor(
      async () => {
        const project = await get(projectId);
        return project.status === status ? project : undefined;
      },
      timeoutMs,
      `project ${projectId} ${status}`,
    );

  async function endDisclosure(projectId: string, then: string) {
    await db.query(`UPDATE transfer_projects SET disclosure_ends_on = $2 WHERE id = $1`, [
      projectId,
      yesterday,
    ]);
    return waitForStatus(projectId, then);
  }

  /** The live auction opens in a second and ends a few seconds later (its schedule is tested elsewhere). */
  // The moved opening is the sweeper's to find (every 2 s, after 1 s of grace): on a loaded
  // machine the bid after it needs seconds to spare before the end.
  const runAuctionNow = (projectId: string) =>
    db.query(
      `WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at)
       UPDATE auctions SET bidding_starts_at = now.at + interval '1 second',
         free_bidding_ends_at = now.at + interval '6 seconds',
         ends_at = now.at + interval '8 seconds' FROM now WHERE id = $1`,
      [projectId],
    );

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    db = new pg.Client({ connectionString: platform.env.config.DATABASE_OWNER_URL });
    await db.connect();
    const [row] = (
      await db.query(
        `SELECT (clock_timestamp() AT TIME ZONE $1)::date::text AS today,
                ((clock_timestamp() AT TIME ZONE $1)::date - 1)::text AS yesterday`,
        [platform.env.config.CENTRE_TZ],
      )
    ).rows;
    ({ today, yesterday } = row);
    staff = await createOperator(platform.env.config, api.url, 'staff');
  });

  afterAll(async () => {
    await db?.end();
    await platform?.close();
  });

  const newBuyers = (count: number) =>
    Promise.all(Array.from({ length: count }, () => registerBidder(api.url)));

  it('opens the deposit with the registration and qualifies only on received money', async () => {
    const projectId = await publishedProject();
    const [buyer] = await newBuyers(1);
    const registration = await register(projectId, buyer);
    expect(registration).toMatchObject({ status: 'pending', depositId: expect.any(String) });
    expect((await depositsOf(projectId))[buyer.id]).toMatchObject({ state: 'due', amount: DEPOSIT });
    // Both lists of registrations show the deposit's state: staff's of the project, the buyer's own.
    const listed = async () => {
      const ofProject = await as(staff)(
        request(api.url).get(`/api/transfer-projects/${projectId}/registrations`),
      ).expect(200);
      const own = await as(buyer)(request(api.url).get('/api/me/transfer-registrations')).expect(200);
      return [ofProject.body.items[0].depositState, own.body.items[0].depositState];
    };
    expect(await listed()).toEqual(['due', 'due']);

    const refused = await qualify(projectId, registration.id, false).expect(422);
    expect(refused.body.code).toBe('DEPOSIT_NOT_RECEIVED');
    const { rows } = await db.query(`SELECT status FROM registrations WHERE id = $1`, [registration.id]);
    expect(rows).toEqual([{ status: 'pending' }]);
    expect((await get(projectId)).qualifiedBuyers).toBe(0);

    // Received through the deposits' own step, then `false` qualifies on it, at its time.
    const received = await as(staff)(request(api.url).post(`/api/deposits/${registration.depositId}/receive`))
      .send({ reference: 'BANK-1' })
      .expect(200);
    const ok = await qualify(projectId, registration.id, false).expect(200);
    expect(ok.body).toMatchObject({ status: 'qualified', bidderCode: expect.any(String) });
    const mine = await as(buyer)(request(api.url).get('/api/me/transfer-registrations')).expect(200);
    expect(mine.body.items[0]).toMatchObject({ depositReceivedAt: received.body.receivedAt });
    expect(await listed()).toEqual(['received', 'received']);
  });

  it('opens a missing deposit at qualify for a registration made before deposits were wired', async () => {
    const projectId = await publishedProject();
    const [buyer] = await newBuyers(1);
    const registration = await register(projectId, buyer);
    await db.query(`DELETE FROM deposits WHERE registration_id = $1`, [registration.id]);
    const listed = await as(staff)(
      request(api.url).get(`/api/transfer-projects/${projectId}/registrations`),
    ).expect(200);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: registration.id, depositState: null })]);
    const refused = await qualify(projectId, registration.id, false).expect(422);
    expect(refused.body.code).toBe('DEPOSIT_NOT_RECEIVED');
    expect(await depositsOf(projectId)).toEqual({});
    await qualify(projectId, registration.id, true).expect(200);
    expect((await depositsOf(projectId))[buyer.id]).toMatchObject({ state: 'received', amount: DEPOSIT });
  });

  it('online auction sold: the losers fall due in 5 business days, the winner held, then converted by the contract', async () => {
    const projectId = await publishedProject();
    const [winner, loser, absent] = await newBuyers(3);
    for (const buyer of [winner, loser, absent]) await qualified(projectId, buyer);
    await endDisclosure(projectId, 'auction');
    await runAuctionNow(projectId);
    await waitFor(
      async () => (await get(projectId)).auctionStatus === 'bidding' || undefined,
      10_000,
      'open',
    );
    await as(winner)(request(api.url).post(`/api/transfer-projects/${projectId}/bids`))
      .send({ amount: VALUATION, clientBidId: 'w-1' })
      .expect(201);
    await waitForStatus(projectId, 'sold');
    const refundDueOn = await deadline(today, 5);
    const deposits = await depositsOf(projectId);
    expect(deposits[winner.id]).toMatchObject({ state: 'received', refundDueOn: null });
    expect(deposits[loser.id]).toMatchObject({ state: 'received', refundDueOn });
    expect(deposits[absent.id]).toMatchObject({ state: 'received', refundDueOn });

    await as(staff)(request(api.url).post(`/api/transfer-projects/${projectId}/confirm`)).expect(200);
    await as(staff)(request(api.url).post(`/api/transfer-projects/${projectId}/contract`))
      .send({ signedOn: today, contractSha256: SHA })
      .expect(200);
    expect((await depositsOf(projectId))[winner.id].state).toBe('converted');
  });

  it('online auction unsold: every received deposit falls due', async () => {
    const projectId = await publishedProject();
    const buyers = await newBuyers(2);
    for (const buyer of buyers) await qualified(projectId, buyer);
    await endDisclosure(projectId, 'auction');
    await runAuctionNow(projectId);
    await waitForStatus(projectId, 'unsold');
    const refundDueOn = await deadline(today, 5);
    const deposits = await depositsOf(projectId);
    for (const buyer of buyers) expect(deposits[buyer.id]).toMatchObject({ state: 'received', refundDueOn });
  });

  it('agreement: the winner held, the rest due; the worker default forfeits the winner', async () => {
    const projectId = await publishedProject();
    const [winner, rejected] = await newBuyers(2);
    await qualified(projectId, winner);
    const other = await register(projectId, rejected);
    await as(staff)(request(api.url).post(`/api/deposits/${other.depositId}/receive`))
      .send({})
      .expect(200);
    await as(staff)(
      request(api.url).post(`/api/transfer-projects/${projectId}/registrations/${other.id}/reject`),
    )
      .send({ reason: '不符合受让条件' })
      .expect(200);
    await endDisclosure(projectId, 'agreement_pending');
    await as(staff)(request(api.url).post(`/api/transfer-projects/${projectId}/agreement`))
      .send({ price: VALUATION })
      .expect(200);
    let deposits = await depositsOf(projectId);
    expect(deposits[winner.id]).toMatchObject({ state: 'received', refundDueOn: null });
    expect(deposits[rejected.id]).toMatchObject({ state: 'received', refundDueOn: await deadline(today, 5) });

    await as(staff)(request(api.url).post(`/api/transfer-projects/${projectId}/confirm`)).expect(200);
    await db.query(`UPDATE transfer_projects SET contract_deadline_on = $2 WHERE id = $1`, [
      projectId,
      yesterday,
    ]);
    await waitForStatus(projectId, 'defaulted');
    deposits = await depositsOf(projectId);
    expect(deposits[winner.id].state).toBe('forfeited');
    const { rows } = await db.query(
      `SELECT forfeit_reason FROM deposits WHERE host_id = $1 AND bidder_id = $2`,
      [projectId, winner.id],
    );
    expect(rows).toEqual([{ forfeit_reason: 'contract_deadline_passed' }]);
  });

  it('terminate: every received deposit falls due for refund, a due one stays due', async () => {
    const projectId = await publishedProject();
    const [paid, unpaid] = await newBuyers(2);
    await qualified(projectId, paid);
    await register(projectId, unpaid);
    await as(staff)(request(api.url).post(`/api/transfer-projects/${projectId}/terminate`))
      .send({ reason: '转让方撤回' })
      .expect(200);
    const deposits = await depositsOf(projectId);
    expect(deposits[paid.id]).toMatchObject({ state: 'received', refundDueOn: await deadline(today, 5) });
    expect(deposits[unpaid.id]).toMatchObject({ state: 'due', refundDueOn: null });
  });

  describe('the on-site record', () => {
    const record = (projectId: string, body: object) =>
      as(staff)(request(api.url).post(`/api/transfer-projects/${projectId}/on-site-auction`)).send(body);

    const countRecords = async (projectId: string) =>
      Number(
        (await db.query(`SELECT count(*) FROM on_site_auctions WHERE host_id = $1`, [projectId])).rows[0]
          .count,
      );

    it('refuses bad input, an early record and an unqualified winner, writing nothing; then sells', async () => {
      const projectId = await publishedProject();
      const [winner, loser, pending] = await newBuyers(3);
      await qualified(projectId, winner);
      await qualified(projectId, loser);
      await register(projectId, pending);
      // Before the disclosure ended the project is not in auction.
      const tooSoon = await record(projectId, {
        auctioneer: '张拍卖师',
        place: '东湖区公共资源交易中心 3 楼',
        heldAt: new Date(Date.now() - 60_000).toISOString(),
        presentBidderIds: [winner.id, loser.id],
        outcome: 'sold',
        hammerPrice: VALUATION,
        winnerId: winner.id,
        recordFileName: '现场拍卖记录.pdf',
        recordFileSha256: SHA,
      }).expect(409);
      expect(tooSoon.body.code).toBe('INVALID_STATE_TRANSITION');
      await endDisclosure(projectId, 'auction');

      const { rows: clock } = await db.query(`SELECT clock_timestamp() AS now`);
      const heldAt = new Date(clock[0].now.getTime() - 60_000).toISOString();
      const sale = {
        auctioneer: '张拍卖师',
        place: '东湖区公共资源交易中心 3 楼',
        heldAt,
        presentBidderIds: [winner.id, loser.id],
        outcome: 'sold',
        hammerPrice: VALUATION + 500_000,
        winnerId: winner.id,
        recordFileName: '现场拍卖记录.pdf',
        recordFileSha256: SHA,
      };
      const form = await record(projectId, {
        ...sale,
        auctioneer: '',
        hammerPrice: -1,
        heldAt: 'soon',
      }).expect(400);
      expect(form.body.code).toBe('VALIDATION_FAILED');
      expect(form.body.details.map((d: { field: string }) => d.field)).toEqual(
        expect.arrayContaining(['auctioneer', 'hammerPrice', 'heldAt']),
      );
      const badId = await record(projectId, { ...sale, presentBidderIds: ['nope'], winnerId: 'nope' }).expect(
        400,
      );
      expect(badId.body.code).toBe('INVALID_ID');
      await as(staff)(request(api.url).post('/api/transfer-projects/not-a-uuid/on-site-auction'))
        .send(sale)
        .expect(400);
      // Held before the disclosure ended (24:00 of its last day, CENTRE_TZ).
      const early = await record(projectId, { ...sale, heldAt: `${yesterday}T12:00:00+08:00` }).expect(422);
      expect(early.body.code).toBe('ON_SITE_AUCTION_TOO_EARLY');
      const future = await record(projectId, {
        ...sale,
        heldAt: new Date(clock[0].now.getTime() + 3_600_000).toISOString(),
      }).expect(422);
      expect(future.body.code).toBe('ON_SITE_AUCTION_IN_FUTURE');
      const unqualified = await record(projectId, {
        ...sale,
        presentBidderIds: [winner.id, pending.id],
        winnerId: pending.id,
      }).expect(422);
      expect(unqualified.body.code).toBe('WINNER_NOT_QUALIFIED');
      const low = await record(projectId, { ...sale, hammerPrice: VALUATION - 1 }).expect(422);
      expect(low.body.code).toBe('HAMMER_PRICE_TOO_LOW');
      const bidder = await as(winner)(
        request(api.url).post(`/api/transfer-projects/${projectId}/on-site-auction`),
      )
        .send(sale)
        .expect(403);
      expect(bidder.body.code).toBe('FORBIDDEN');
      // Nothing of any of them was written.
      expect(await countRecords(projectId)).toBe(0);
      expect((await get(projectId)).status).toBe('auction');
      expect((await depositsOf(projectId))[loser.id].refundDueOn).toBeNull();

      const sold = await record(projectId, sale).expect(201);
      expect(sold.body).toMatchObject({
        projectId,
        outcome: 'sold',
        status: 'sold',
        hammerPrice: VALUATION + 500_000,
        winnerId: winner.id,
        winnerCode: expect.any(String),
        dealAmount: VALUATION + 500_000,
        heldAt,
      });
      expect(await get(projectId)).toMatchObject({
        status: 'sold',
        auctionStatus: 'sold',
        finalPrice: VALUATION + 500_000,
        winnerId: winner.id,
        dealSource: 'on_site',
      });
      const { rows: deals } = await db.query(
        `SELECT category, subtype, source_type, amount::int AS amount, winner_id FROM deals WHERE source_id = $1`,
        [sold.body.id],
      );
      expect(deals).toEqual([
        {
          category: 'property_rights',
          subtype: 'transfer',
          source_type: 'on_site_auction',
          amount: VALUATION + 500_000,
          winner_id: winner.id,
        },
      ]);
      const deposits = await depositsOf(projectId);
      expect(deposits[winner.id]).toMatchObject({ state: 'received', refundDueOn: null });
      expect(deposits[loser.id]).toMatchObject({ state: 'received', refundDueOn: await deadline(today, 5) });
      expect(deposits[pending.id]).toMatchObject({ state: 'due', refundDueOn: null });
      // Recorded once: a second record finds it closed.
      const again = await record(projectId, sale).expect(409);
      expect(again.body.code).toBe('INVALID_STATE_TRANSITION');
      expect(await countRecords(projectId)).toBe(1);
    });
  });
});
