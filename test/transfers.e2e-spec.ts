import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import request from 'supertest';
import { TRANSFER_SWEEPER_ID, TRANSFERS_QUEUE } from '@ggzy/queues';
import type { Socket } from 'socket.io-client';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';
import { ask, LiveView } from './support/sockets.js';
import {
  businessDeadline,
  centreDays,
  TRANSFER_DOCUMENT_SHA,
  TRANSFER_VALUATION,
  transferProjectBody,
} from './support/transfers.js';

/**
 * Property-rights transfers end to end on the real platform (PostgreSQL, Redis/BullMQ, the
 * worker, the gateway): the 20/10 business-day rule at its boundary, the path with 0, 1 and 2+
 * qualified buyers, suspension, and bad input on every endpoint. The database's clock decides
 * when a disclosure ends, so a test that needs one ended moves the project's last day to
 * yesterday (CENTRE_TZ) in the database and lets the worker's sweeper find it, as it would find
 * a project whose job was lost.
 */
const SHA = TRANSFER_DOCUMENT_SHA;
const VALUATION = TRANSFER_VALUATION;

describe('property-rights transfers, end to end', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let db: pg.Client;
  let staff: TestUser;
  let supervisor: TestUser;
  let buyers: TestUser[];
  let today: string;
  let yesterday: string;

  const deadline = (from: string, businessDays: number) => businessDeadline(api.url, from, businessDays);

  const body = transferProjectBody;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;

  async function createProject(overrides: Record<string, unknown> = {}) {
    const disclosureEndsOn = await deadline(today, 20);
    const created = await as(staff)(request(api.url).post('/api/transfer-projects'))
      .send(body({ disclosureEndsOn, ...overrides }))
      .expect(201);
    return created.body as { id: string; status: string; code: string };
  }

  async function publishedProject(overrides: Record<string, unknown> = {}) {
    const project = await createProject(overrides);
    await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/publish`)).expect(200);
    return project;
  }

  async function qualify(projectId: string, buyer: TestUser) {
    const registration = await as(buyer)(
      request(api.url).post(`/api/transfer-projects/${projectId}/registrations`),
    )
      .send({})
      .expect(201);
    const qualified = await as(staff)(
      request(api.url).post(
        `/api/transfer-projects/${projectId}/registrations/${registration.body.id}/qualify`,
      ),
    )
      .send({ depositReceived: true })
      .expect(200);
    return qualified.body.bidderCode as string;
  }

  /** The disclosure's last day becomes yesterday: its end has passed by the database's clock. */
  async function endDisclosure(projectId: string) {
    await db.query(`UPDATE transfer_projects SET disclosure_ends_on = $2 WHERE id = $1`, [
      projectId,
      yesterday,
    ]);
  }

  /** Resolves once the worker's sweeper has completed `passes` more runs (the queue's event stream). */
  async function sweeperPasses(passes: number, timeoutMs = 15_000) {
    const { REDIS_URL, QUEUE_PREFIX } = platform.env.config;
    const connection = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
    const events = new QueueEvents(TRANSFERS_QUEUE, { connection, prefix: QUEUE_PREFIX });
    try {
      await events.waitUntilReady();
      await new Promise<void>((resolve, reject) => {
        let seen = 0;
        const timer = setTimeout(
          () => reject(new Error(`${seen} of ${passes} sweeper passes in ${timeoutMs} ms`)),
          timeoutMs,
        );
        events.on('completed', ({ jobId }) => {
          if (!jobId.includes(TRANSFER_SWEEPER_ID) || ++seen < passes) return;
          clearTimeout(timer);
          resolve();
        });
      });
    } finally {
      await events.close();
      connection.disconnect();
    }
  }

  const get = async (projectId: string, user?: TestUser) =>
    (await as(user)(request(api.url).get(`/api/transfer-projects/${projectId}`)).expect(200)).body;

  const waitForStatus = (projectId: string, status: string, timeoutMs = 15_000) =>
    waitFor(
      async () => {
        const project = await get(projectId, staff);
        return project.status === status ? project : undefined;
      },
      timeoutMs,
      `project ${projectId} ${status}`,
    );

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    db = new pg.Client({ connectionString: platform.env.config.DATABASE_OWNER_URL });
    await db.connect();
    ({ today, yesterday } = await centreDays(
      platform.env.config.DATABASE_OWNER_URL!,
      platform.env.config.CENTRE_TZ,
    ));
    staff = await createOperator(platform.env.config, api.url, 'staff');
    supervisor = await createOperator(platform.env.config, api.url, 'supervisor');
    buyers = await Promise.all([0, 1, 2, 3].map(() => registerBidder(api.url)));
  });

  afterAll(async () => {
    await db?.end();
    await platform?.close();
  });

  it('holds disclosure to 20 business days for equity and 10 for a physical asset, to the day', async () => {
    for (const [assetKind, days] of [
      ['equity', 20],
      ['physical_asset', 10],
    ] as const) {
      const earliest = await deadline(today, days);
      const dayBefore = await deadline(today, days - 1);
      const short = await as(staff)(request(api.url).post('/api/transfer-projects'))
        .send(body({ assetKind, disclosureEndsOn: dayBefore }))
        .expect(422);
      expect(short.body).toMatchObject({
        code: 'DISCLOSURE_TOO_SHORT',
        details: {
          assetKind,
          requiredBusinessDays: days,
          publishedOn: today,
          endsOn: dayBefore,
          earliestEndsOn: earliest,
        },
      });
      const ok = await as(staff)(request(api.url).post('/api/transfer-projects'))
        .send(body({ assetKind, disclosureEndsOn: earliest }))
        .expect(201);
      expect(ok.body).toMatchObject({ status: 'accepted', assetKind, disclosureEndsOn: earliest });
      expect(ok.body.code).toMatch(/^CQ\d{4}\d{4,}$/);
      // The day after is fine too, and so is publishing it today.
      const later = await as(staff)(request(api.url).post('/api/transfer-projects'))
        .send(body({ assetKind, disclosureEndsOn: await deadline(today, days + 1) }))
        .expect(201);
      await as(staff)(request(api.url).post(`/api/transfer-projects/${later.body.id}/publish`)).expect(200);
      // Editing back below the minimum is refused with the same code, and writes nothing.
      const edit = await as(staff)(request(api.url).patch(`/api/transfer-projects/${ok.body.id}`))
        .send({ disclosureEndsOn: dayBefore })
        .expect(422);
      expect(edit.body.code).toBe('DISCLOSURE_TOO_SHORT');
      expect((await get(ok.body.id, staff)).disclosureEndsOn).toBe(earliest);
    }
  });

  it('needs a recorded approval for a listing price under the valuation', async () => {
    const disclosureEndsOn = await deadline(today, 20);
    const refused = await as(staff)(request(api.url).post('/api/transfer-projects'))
      .send(body({ disclosureEndsOn, listingPrice: VALUATION - 1 }))
      .expect(422);
    expect(refused.body.code).toBe('PRICE_BELOW_VALUATION_NEEDS_APPROVAL');
    const approved = await as(staff)(request(api.url).post('/api/transfer-projects'))
      .send(
        body({
          disclosureEndsOn,
          listingPrice: VALUATION - 1,
          approval: { approver: '区国资委', documentSha256: SHA },
        }),
      )
      .expect(201);
    expect(approved.body.approval).toEqual({ approver: '区国资委', documentSha256: SHA });
    await as(staff)(request(api.url).post(`/api/transfer-projects/${approved.body.id}/publish`)).expect(200);
    // The public sees that there is an approval, never the document.
    const shown = await get(approved.body.id);
    expect(shown.hasApproval).toBe(true);
    expect(shown).not.toHaveProperty('approval');
    expect(shown).not.toHaveProperty('resumeTo');
    // An accepted project (the draft) is staff's only.
    const draft = await createProject();
    await request(api.url).get(`/api/transfer-projects/${draft.id}`).expect(404);
    const list = await request(api.url).get('/api/transfer-projects').expect(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(draft.id);
  });

  it('with no buyer: extends as announced, then waits for staff to re-list (90% rule) and publish again', async () => {
    const project = await publishedProject({ extensionPeriods: 1 });
    // Staff cannot act on the end before it comes.
    const early = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/relist`))
      .send({ listingPrice: VALUATION, disclosureEndsOn: await deadline(today, 20) })
      .expect(409);
    expect(early.body.code).toBe('DISCLOSURE_NOT_ENDED');

    await endDisclosure(project.id);
    const extended = await waitForStatus(project.id, 'extended');
    expect(extended).toMatchObject({ extensionsUsed: 1, disclosureEndsOn: await deadline(yesterday, 5) });
    // Exactly once: two more sweeper passes (one begun after the extension) find nothing to do.
    await sweeperPasses(2);
    const { rows: decisions } = await db.query(
      `SELECT action FROM audit_log WHERE entity_type = 'transfer_project' AND entity_id = $1 AND action LIKE 'transfer.extend'`,
      [project.id],
    );
    expect(decisions).toHaveLength(1);

    // The one announced extension has run: the job leaves the project to staff.
    await endDisclosure(project.id);
    await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT end_decided_for::text AS d FROM transfer_projects WHERE id = $1`,
          [project.id],
        );
        return rows[0].d === yesterday || undefined;
      },
      15_000,
      'the end decided',
    );
    expect((await get(project.id, staff)).status).toBe('extended');
    const more = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/extend`)).expect(
      422,
    );
    expect(more.body.code).toBe('EXTENSIONS_EXHAUSTED');

    const disclosureEndsOn = await deadline(today, 20);
    const lowest = Math.ceil((VALUATION * 90) / 100);
    const below = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/relist`))
      .send({ listingPrice: lowest - 1, disclosureEndsOn })
      .expect(422);
    expect(below.body).toMatchObject({
      code: 'RELIST_BELOW_90_PERCENT_NEEDS_APPROVAL',
      details: { lowestWithoutApproval: lowest },
    });
    expect((await get(project.id, staff)).status).toBe('extended');
    const tooShort = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/relist`))
      .send({ listingPrice: lowest, disclosureEndsOn: await deadline(today, 19) })
      .expect(422);
    expect(tooShort.body.code).toBe('DISCLOSURE_TOO_SHORT');
    const relisted = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/relist`))
      .send({
        listingPrice: lowest - 1,
        disclosureEndsOn,
        approval: { approver: '区国资委', documentSha256: SHA },
      })
      .expect(200);
    expect(relisted.body).toMatchObject({
      status: 'relisted',
      listingPrice: lowest - 1,
      relistCount: 1,
      extensionsUsed: 0,
    });
    const published = await as(staff)(
      request(api.url).post(`/api/transfer-projects/${project.id}/publish`),
    ).expect(200);
    expect(published.body).toMatchObject({ status: 'disclosed', publishedOn: today, disclosureEndsOn });
  });

  it('with one buyer: an agreement at no less than the listing price, confirmed, contract signed', async () => {
    const project = await publishedProject();
    const [buyer, rejected] = buyers;
    const registration = await as(buyer)(
      request(api.url).post(`/api/transfer-projects/${project.id}/registrations`),
    )
      .send({})
      .expect(201);
    const noDeposit = await as(staff)(
      request(api.url).post(
        `/api/transfer-projects/${project.id}/registrations/${registration.body.id}/qualify`,
      ),
    )
      .send({ depositReceived: false })
      .expect(422);
    expect(noDeposit.body.code).toBe('DEPOSIT_NOT_RECEIVED');
    const code = (
      await as(staff)(
        request(api.url).post(
          `/api/transfer-projects/${project.id}/registrations/${registration.body.id}/qualify`,
        ),
      )
        .send({ depositReceived: true })
        .expect(200)
    ).body.bidderCode;
    const other = await as(rejected)(
      request(api.url).post(`/api/transfer-projects/${project.id}/registrations`),
    )
      .send({})
      .expect(201);
    await as(staff)(
      request(api.url).post(`/api/transfer-projects/${project.id}/registrations/${other.body.id}/reject`),
    )
      .send({ reason: '不符合受让条件' })
      .expect(200);
    const mine = await as(buyer)(request(api.url).get('/api/me/transfer-registrations')).expect(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ projectId: project.id, status: 'qualified', bidderCode: code }),
    ]);

    await endDisclosure(project.id);
    await waitForStatus(project.id, 'agreement_pending');
    // Registration is closed now.
    const late = await as(buyers[2])(
      request(api.url).post(`/api/transfer-projects/${project.id}/registrations`),
    )
      .send({})
      .expect(422);
    expect(late.body.code).toBe('REGISTRATION_CLOSED');

    const low = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/agreement`))
      .send({ price: VALUATION - 1 })
      .expect(422);
    expect(low.body.code).toBe('AGREEMENT_PRICE_TOO_LOW');
    expect((await get(project.id, staff)).status).toBe('agreement_pending');
    const sold = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/agreement`))
      .send({ price: VALUATION })
      .expect(200);
    expect(sold.body).toMatchObject({
      status: 'sold',
      finalPrice: VALUATION,
      dealSource: 'agreement',
      winnerCode: code,
      winnerId: buyer.id,
      soldOn: today,
      resultPublishedUntil: await deadline(today, 5),
    });
    const { rows: deals } = await db.query(
      `SELECT category, subtype, source_type, amount::int AS amount, winner_id FROM deals WHERE source_id = $1`,
      [project.id],
    );
    expect(deals).toEqual([
      {
        category: 'property_rights',
        subtype: 'transfer',
        source_type: 'transfer_agreement',
        amount: VALUATION,
        winner_id: buyer.id,
      },
    ]);
    // The public sees the bidder code, never who it is.
    const shown = await get(project.id);
    expect(shown.winnerCode).toBe(code);
    expect(JSON.stringify(shown)).not.toContain(buyer.id);

    const confirmed = await as(staff)(
      request(api.url).post(`/api/transfer-projects/${project.id}/confirm`),
    ).expect(200);
    expect(confirmed.body).toMatchObject({
      status: 'confirmed',
      confirmedOn: today,
      contractDeadlineOn: await deadline(today, 5),
    });
    const future = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/contract`))
      .send({ signedOn: await deadline(today, 1), contractSha256: SHA })
      .expect(400);
    expect(future.body.code).toBe('VALIDATION_FAILED');
    const signed = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/contract`))
      .send({ signedOn: today, contractSha256: SHA })
      .expect(200);
    expect(signed.body).toMatchObject({ status: 'contract_signed', contractSignedOn: today });
  });

  it('defaults a confirmed project whose contract deadline passed unsigned (the worker watches)', async () => {
    const project = await publishedProject();
    await qualify(project.id, buyers[3]);
    await endDisclosure(project.id);
    await waitForStatus(project.id, 'agreement_pending');
    await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/agreement`))
      .send({ price: VALUATION })
      .expect(200);
    await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/confirm`)).expect(200);
    await db.query(`UPDATE transfer_projects SET contract_deadline_on = $2 WHERE id = $1`, [
      project.id,
      yesterday,
    ]);
    const defaulted = await waitForStatus(project.id, 'defaulted');
    expect(defaulted.closingReason).toBe('contract_deadline_passed');
    // Re-listed as a new project: the defaulted buyer's registration stays with the old one.
    const relisted = await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/relist`))
      .send({ listingPrice: VALUATION, disclosureEndsOn: await deadline(today, 20) })
      .expect(200);
    expect(relisted.body).toMatchObject({ status: 'relisted', relistedFrom: project.id, qualifiedBuyers: 0 });
    expect(await get(project.id, staff)).toMatchObject({
      status: 'superseded',
      relistedAs: relisted.body.id,
    });
    const applicants = await as(staff)(
      request(api.url).get(`/api/transfer-projects/${relisted.body.id}/registrations`),
    ).expect(200);
    expect(applicants.body.total).toBe(0);
  });

  it('with two or more buyers: a live auction on the same worker and gateway, raced, closed, deal = price', async () => {
    const [a, b, c] = buyers;
    const project = await publishedProject();
    const codes = new Map<string, string>();
    for (const buyer of [a, b, c]) codes.set(buyer.id, await qualify(project.id, buyer));

    await endDisclosure(project.id);
    const inAuction = await waitForStatus(project.id, 'auction');
    // It opens at the announced time on the first business day after the disclosure ended.
    const opensOn = await deadline(yesterday, 1);
    expect(inAuction).toMatchObject({
      auctionStatus: 'announced',
      biddingStartsAt: new Date(`${opensOn}T10:00:00+08:00`).toISOString(),
      currentPrice: null,
      minNextBid: VALUATION,
    });
    // Bring the opening forward to now (the schedule's arithmetic is checked above), in whole
    // milliseconds as every moment the platform writes.
    await db.query(
      `WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at)
       UPDATE auctions SET bidding_starts_at = now.at + interval '1 second',
         free_bidding_ends_at = now.at + interval '6 seconds',
         ends_at = now.at + interval '8 seconds' FROM now WHERE id = $1`,
      [project.id],
    );

    const sockets: Socket[] = await Promise.all([a, b, c].map((buyer) => platform.open(buyer.token)));
    const watcher = new LiveView(await platform.open(), project.id);
    const snapshot = await watcher.join();
    expect(snapshot).toMatchObject({ listingId: project.id, minNextBid: VALUATION });
    await waitFor(
      async () => (await get(project.id)).auctionStatus === 'bidding' || undefined,
      10_000,
      'opened by the worker',
    );

    // The race: two buyers offer the same first price at once; exactly one is accepted.
    const race = await Promise.all(
      [sockets[0], sockets[1]].map((socket, i) =>
        ask(socket, 'bid', { listingId: project.id, amount: VALUATION, clientBidId: `race-${i}` }),
      ),
    );
    expect(race.filter((ack) => ack.ok)).toHaveLength(1);
    expect(race.filter((ack) => !ack.ok).map((ack) => ack.error.code)).toEqual(['BID_TOO_LOW']);
    // The REST twin is the same path.
    const rest = await as(c)(request(api.url).post(`/api/transfer-projects/${project.id}/bids`))
      .send({ amount: VALUATION + 200_000, clientBidId: 'c-rest' })
      .expect(201);
    expect(rest.body).toMatchObject({ seq: 2, bidderCode: codes.get(c.id) });
    const top = await ask(sockets[0], 'bid', {
      listingId: project.id,
      amount: VALUATION + 300_000,
      clientBidId: 'a-top',
    });
    expect(top.ok).toBe(true);

    // Then all three race, each bidding the minimum it last saw, as fast as its acks come back.
    const rounds = await Promise.all(
      sockets.map(async (socket, i) => {
        const acks = [];
        for (let round = 0; round < 6; round += 1) {
          const { snapshot: seen } = await ask(socket, 'join', { listingId: project.id });
          acks.push(
            await ask(socket, 'bid', {
              listingId: project.id,
              amount: seen.minNextBid,
              clientBidId: `loop-${i}-${round}`,
            }),
          );
        }
        return acks;
      }),
    );
    const outcomes = rounds.flat().map((ack) => (ack.ok ? 'ok' : ack.error.code));
    expect(outcomes.filter((outcome) => !['ok', 'BID_TOO_LOW', 'SELF_OUTBID'].includes(outcome))).toEqual([]);
    const accepted = 3 + outcomes.filter((outcome) => outcome === 'ok').length;

    const sold = await waitForStatus(project.id, 'sold', 20_000);
    await waitFor(
      () => watcher.closed && watcher.bids.length === accepted,
      10_000,
      'auction.closed on the socket',
    );
    // Every accepted bid reached the watcher in seq order with no gap, each above the last.
    expect(watcher.bids.map((bid) => bid.seq)).toEqual(Array.from({ length: accepted }, (_, i) => i + 1));
    watcher.bids.slice(1).forEach((bid, i) => expect(bid.amount).toBeGreaterThan(watcher.bids[i].amount));
    const last = watcher.bids[accepted - 1];
    const winner = [a, b, c].find((buyer) => codes.get(buyer.id) === last.bidderCode)!;
    expect(sold).toMatchObject({
      finalPrice: last.amount,
      dealSource: 'auction',
      winnerId: winner.id,
      winnerCode: last.bidderCode,
      soldOn: today,
    });
    expect(watcher.closed).toMatchObject({
      status: 'sold',
      finalPrice: last.amount,
      winnerCode: last.bidderCode,
    });
    const ledger = await request(api.url)
      .get(`/api/transfer-projects/${project.id}/bids`)
      .query({ limit: 1000 })
      .expect(200);
    expect(ledger.body.total).toBe(accepted);
    expect(ledger.body.items.map((bid: { seq: number; amount: number }) => [bid.seq, bid.amount])).toEqual(
      watcher.bids.map((bid) => [bid.seq, bid.amount]),
    );
    expect(Object.keys(ledger.body.items[0]).sort()).toEqual(['amount', 'at', 'bidderCode', 'seq']);
    const { rows: deals } = await db.query(
      `SELECT subtype, source_type, amount::bigint::text AS amount FROM deals WHERE source_id = $1`,
      [project.id],
    );
    expect(deals).toEqual([
      { subtype: 'transfer', source_type: 'transfer_auction', amount: String(last.amount) },
    ]);
  });

  it('re-lists a project whose auction went unsold as a new project, with fresh applications and its own auction and deal', async () => {
    const [a, b, c] = buyers;
    const first = await publishedProject();
    await qualify(first.id, a);
    await qualify(first.id, b);
    await endDisclosure(first.id);
    await waitForStatus(first.id, 'auction');
    // Its bidding window passes with no bid: the worker's sweeper closes it unsold.
    await db.query(
      `WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at)
       UPDATE auctions SET bidding_starts_at = now.at - interval '3 seconds',
         free_bidding_ends_at = now.at - interval '2 seconds', ends_at = now.at - interval '1 second'
       FROM now WHERE id = $1`,
      [first.id],
    );
    expect(await waitForStatus(first.id, 'unsold', 20_000)).toMatchObject({ closingReason: 'no_bids' });

    const relistPrice = (VALUATION * 9) / 10;
    const disclosureEndsOn = await deadline(today, 20);
    const relisted = await as(staff)(request(api.url).post(`/api/transfer-projects/${first.id}/relist`))
      .send({ listingPrice: relistPrice, disclosureEndsOn })
      .expect(200);
    const second = relisted.body as { id: string; code: string };
    expect(second.id).not.toBe(first.id);
    expect(relisted.body).toMatchObject({
      status: 'relisted',
      relistedFrom: first.id,
      relistedAs: null,
      relistCount: 1,
      listingPrice: relistPrice,
      qualifiedBuyers: 0,
      auctionStatus: null,
    });
    expect(second.code).not.toBe(first.code);
    // The old project ends, publicly linked to the new one; it cannot be re-listed twice.
    expect(await get(first.id)).toMatchObject({ status: 'superseded', relistedAs: second.id });
    // A superseded project names its successor, and only a superseded one does.
    await expect(
      db.query(`UPDATE transfer_projects SET relisted_as = NULL WHERE id = $1`, [first.id]),
    ).rejects.toThrow(/transfer_projects_superseded_check/);
    await expect(
      db.query(`UPDATE transfer_projects SET status = 'unsold' WHERE id = $1`, [first.id]),
    ).rejects.toThrow(/transfer_projects_superseded_check/);
    const again = await as(staff)(request(api.url).post(`/api/transfer-projects/${first.id}/relist`))
      .send({ listingPrice: relistPrice, disclosureEndsOn })
      .expect(409);
    expect(again.body.code).toBe('INVALID_STATE_TRANSITION');
    // Like a re-listing in place, it is announced (重新挂牌) before it is published.
    expect(await get(second.id)).toMatchObject({ status: 'relisted', relistedFrom: first.id });

    await as(staff)(request(api.url).post(`/api/transfer-projects/${second.id}/publish`)).expect(200);
    // Buyers apply afresh: one from the first listing, one new; the old listing takes no one.
    const codes = new Map([
      [a.id, await qualify(second.id, a)],
      [c.id, await qualify(second.id, c)],
    ]);
    const closed = await as(c)(request(api.url).post(`/api/transfer-projects/${first.id}/registrations`))
      .send({})
      .expect(422);
    expect(closed.body.code).toBe('REGISTRATION_CLOSED');
    await endDisclosure(second.id);
    expect(await waitForStatus(second.id, 'auction')).toMatchObject({
      auctionStatus: 'announced',
      minNextBid: relistPrice,
      qualifiedBuyers: 2,
    });
    await db.query(
      `WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at)
       UPDATE auctions SET bidding_starts_at = now.at + interval '1 second',
         free_bidding_ends_at = now.at + interval '6 seconds',
         ends_at = now.at + interval '8 seconds' FROM now WHERE id = $1`,
      [second.id],
    );
    const socket = await platform.open(c.token);
    await waitFor(
      async () => (await get(second.id)).auctionStatus === 'bidding' || undefined,
      10_000,
      'the second auction opened by the worker',
    );
    // b qualified only for the first listing: not a bidder on the second.
    const outsider = await platform.open(b.token);
    const refused = await ask(outsider, 'bid', {
      listingId: second.id,
      amount: relistPrice,
      clientBidId: 'b-1',
    });
    expect(refused.ok).toBe(false);
    expect(refused.error.code).toBe('NOT_QUALIFIED');
    const ack = await ask(socket, 'bid', { listingId: second.id, amount: relistPrice, clientBidId: 'c-1' });
    expect(ack).toMatchObject({
      ok: true,
      bid: { seq: 1, amount: relistPrice, bidderCode: codes.get(c.id) },
    });

    expect(await waitForStatus(second.id, 'sold', 20_000)).toMatchObject({
      finalPrice: relistPrice,
      winnerId: c.id,
      dealSource: 'auction',
    });
    const { rows: deals } = await db.query(
      `SELECT source_id, amount::bigint::text AS amount FROM deals WHERE source_id = ANY($1::uuid[])`,
      [[first.id, second.id]],
    );
    expect(deals).toEqual([{ source_id: second.id, amount: String(relistPrice) }]);
    // Each listing keeps its own ledger: the first had no bid.
    expect(
      (await request(api.url).get(`/api/transfer-projects/${first.id}/bids`).expect(200)).body.total,
    ).toBe(0);
    expect(
      (await request(api.url).get(`/api/transfer-projects/${second.id}/bids`).expect(200)).body.total,
    ).toBe(1);
  });

  it('suspends a disclosure and resumes it with the business days it had left', async () => {
    const project = await publishedProject();
    const before = await get(project.id, staff);
    const suspended = await as(supervisor)(
      request(api.url).post(`/api/transfer-projects/${project.id}/suspend`),
    )
      .send({ reason: '收到异议' })
      .expect(200);
    expect(suspended.body).toMatchObject({
      status: 'suspended',
      resumeTo: 'disclosed',
      suspensionReason: '收到异议',
    });
    const shown = await get(project.id);
    expect(shown).toMatchObject({ status: 'suspended', suspensionReason: '收到异议' });
    expect(shown).not.toHaveProperty('resumeTo');
    // Buyers cannot apply while it is suspended, and it cannot be suspended twice.
    const apply = await as(buyers[0])(
      request(api.url).post(`/api/transfer-projects/${project.id}/registrations`),
    )
      .send({})
      .expect(422);
    expect(apply.body.code).toBe('REGISTRATION_CLOSED');
    const again = await as(supervisor)(request(api.url).post(`/api/transfer-projects/${project.id}/suspend`))
      .send({ reason: 'x' })
      .expect(409);
    expect(again.body.code).toBe('INVALID_STATE_TRANSITION');
    const resumed = await as(supervisor)(
      request(api.url).post(`/api/transfer-projects/${project.id}/resume`),
    ).expect(200);
    // Suspended and resumed the same day: nothing was lost, nothing gained.
    expect(resumed.body).toMatchObject({
      status: 'disclosed',
      resumeTo: null,
      disclosureEndsOn: before.disclosureEndsOn,
    });
    const terminated = await as(staff)(
      request(api.url).post(`/api/transfer-projects/${project.id}/terminate`),
    )
      .send({ reason: '转让方撤回' })
      .expect(200);
    expect(terminated.body).toMatchObject({ status: 'terminated', terminationReason: '转让方撤回' });
    const final = await as(supervisor)(request(api.url).post(`/api/transfer-projects/${project.id}/suspend`))
      .send({ reason: 'x' })
      .expect(409);
    expect(final.body.code).toBe('INVALID_STATE_TRANSITION');
  });

  it('suspends a live auction with its project (bids refused, timers frozen) and resumes both', async () => {
    const [a, b] = buyers;
    const project = await publishedProject();
    for (const buyer of [a, b]) await qualify(project.id, buyer);
    await endDisclosure(project.id);
    await waitForStatus(project.id, 'auction');
    await db.query(
      `WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at)
       UPDATE auctions SET bidding_starts_at = now.at, free_bidding_ends_at = now.at + interval '60 seconds',
         ends_at = now.at + interval '62 seconds' FROM now WHERE id = $1`,
      [project.id],
    );
    const socket = await platform.open(a.token);
    const view = new LiveView(socket, project.id);
    await view.join();
    expect(
      (await ask(socket, 'bid', { listingId: project.id, amount: VALUATION, clientBidId: 's1' })).ok,
    ).toBe(true);
    const before = await get(project.id, staff);

    const suspended = await as(supervisor)(
      request(api.url).post(`/api/transfer-projects/${project.id}/suspend`),
    )
      .send({ reason: '收到异议' })
      .expect(200);
    expect(suspended.body).toMatchObject({
      status: 'suspended',
      resumeTo: 'auction',
      auctionStatus: 'suspended',
    });
    await waitFor(
      () => view.statuses.find((event) => event.status === 'suspended'),
      5000,
      'auction.status suspended',
    );
    const refused = await ask(socket, 'bid', {
      listingId: project.id,
      amount: VALUATION + 100_000,
      clientBidId: 's2',
    });
    expect(refused.ok).toBe(false);
    // The pause lasts a second: its length is what the resumed schedule is checked against.
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const resumed = await as(supervisor)(
      request(api.url).post(`/api/transfer-projects/${project.id}/resume`),
    ).expect(200);
    expect(resumed.body).toMatchObject({ status: 'auction', resumeTo: null });
    expect(['announced', 'bidding']).toContain(resumed.body.auctionStatus);
    // Every moment still ahead moved later by the pause (about a second).
    expect(Date.parse(resumed.body.endsAt) - Date.parse(before.endsAt)).toBeGreaterThanOrEqual(1000);
    const again = await ask(socket, 'bid', {
      listingId: project.id,
      amount: VALUATION + 100_000,
      clientBidId: 's3',
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'SELF_OUTBID' } });

    // Suspended again, it may be terminated: the auction is cancelled with it.
    await as(supervisor)(request(api.url).post(`/api/transfer-projects/${project.id}/suspend`))
      .send({ reason: '转让方撤回' })
      .expect(200);
    const terminated = await as(staff)(
      request(api.url).post(`/api/transfer-projects/${project.id}/terminate`),
    )
      .send({ reason: '转让方撤回' })
      .expect(200);
    expect(terminated.body).toMatchObject({ status: 'terminated', auctionStatus: 'cancelled' });
  });

  it('describes every transfer endpoint in the OpenAPI document', async () => {
    const { body: openApi } = await request(api.url).get('/docs-json').expect(200);
    const paths = Object.keys(openApi.paths);
    for (const path of [
      '/api/transfer-projects',
      '/api/transfer-projects/{id}',
      '/api/transfer-projects/{id}/publish',
      '/api/transfer-projects/{id}/registrations',
      '/api/transfer-projects/{id}/registrations/{regId}/qualify',
      '/api/transfer-projects/{id}/registrations/{regId}/reject',
      '/api/transfer-projects/{id}/extend',
      '/api/transfer-projects/{id}/relist',
      '/api/transfer-projects/{id}/agreement',
      '/api/transfer-projects/{id}/agreement/abandon',
      '/api/transfer-projects/{id}/confirm',
      '/api/transfer-projects/{id}/contract',
      '/api/transfer-projects/{id}/suspend',
      '/api/transfer-projects/{id}/resume',
      '/api/transfer-projects/{id}/terminate',
      '/api/transfer-projects/{id}/bids',
      '/api/transfer-projects/{id}/on-site-auction',
      '/api/me/transfer-registrations',
    ])
      expect(paths).toContain(path);
    expect(Object.keys(openApi.components.schemas)).toEqual(
      expect.arrayContaining([
        'CreateTransferProjectDto',
        'RelistTransferProjectDto',
        'PriceApprovalDto',
        'OnSiteAuctionDto',
      ]),
    );
  });

  it('answers bad input on every endpoint with a 4xx and its code, and writes nothing', async () => {
    const project = await publishedProject();
    const draft = await createProject();
    const id = project.id;
    const missing = '00000000-0000-4000-8000-000000000000';
    const counts = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*) FROM transfer_projects)::int AS projects,
                  (SELECT count(*) FROM registrations)::int AS registrations,
                  (SELECT count(*) FROM audit_log)::int AS audit,
                  (SELECT count(*) FROM deals)::int AS deals`,
        )
      ).rows[0];
    const before = await counts();
    const ends = await deadline(today, 20);
    type Case = [string, 'get' | 'post' | 'patch', string, TestUser | undefined, unknown, number, string];
    const cases: Case[] = [
      [
        'create: anonymous',
        'post',
        '/api/transfer-projects',
        undefined,
        body({ disclosureEndsOn: ends }),
        401,
        'UNAUTHENTICATED',
      ],
      [
        'create: a bidder',
        'post',
        '/api/transfer-projects',
        buyers[0],
        body({ disclosureEndsOn: ends }),
        403,
        'FORBIDDEN',
      ],
      [
        'create: unknown field',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, extra: 1 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: fractional fen',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, valuation: 1.5 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: unsafe fen',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, valuation: 2 ** 53 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: bad kind',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, assetKind: 'land' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: bad sha',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, documents: [{ name: 'x', sha256: 'ABC' }] }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: bad date',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: '2026-13-01' }),
        400,
        'VALIDATION_FAILED',
      ],
      ['create: no date', 'post', '/api/transfer-projects', staff, body(), 400, 'VALIDATION_FAILED'],
      [
        'create: deposit over price',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, deposit: VALUATION + 1 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: bad time',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, auctionStartTime: '24:00' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: half an approval',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, approval: { approver: 'x' } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'create: too many extensions',
        'post',
        '/api/transfer-projects',
        staff,
        body({ disclosureEndsOn: ends, extensionPeriods: 13 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'edit: published',
        'patch',
        `/api/transfer-projects/${id}`,
        staff,
        { title: 'x' },
        409,
        'LISTING_NOT_EDITABLE',
      ],
      [
        'edit: null title',
        'patch',
        `/api/transfer-projects/${draft.id}`,
        staff,
        { title: null },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'edit: bad id',
        'patch',
        '/api/transfer-projects/not-a-uuid',
        staff,
        { title: 'x' },
        400,
        'INVALID_ID',
      ],
      [
        'edit: unknown',
        'patch',
        `/api/transfer-projects/${missing}`,
        staff,
        { title: 'x' },
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'publish: twice',
        'post',
        `/api/transfer-projects/${id}/publish`,
        staff,
        {},
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'publish: supervisor',
        'post',
        `/api/transfer-projects/${draft.id}/publish`,
        supervisor,
        {},
        403,
        'FORBIDDEN',
      ],
      ['get: bad id', 'get', '/api/transfer-projects/{x}', undefined, undefined, 400, 'INVALID_ID'],
      [
        'get: draft to the public',
        'get',
        `/api/transfer-projects/${draft.id}`,
        undefined,
        undefined,
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'list: bad status',
        'get',
        '/api/transfer-projects?status=sleeping',
        undefined,
        undefined,
        400,
        'VALIDATION_FAILED',
      ],
      ['register: staff', 'post', `/api/transfer-projects/${id}/registrations`, staff, {}, 403, 'FORBIDDEN'],
      [
        'register: draft',
        'post',
        `/api/transfer-projects/${draft.id}/registrations`,
        buyers[0],
        {},
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'registrations: a bidder',
        'get',
        `/api/transfer-projects/${id}/registrations`,
        buyers[0],
        undefined,
        403,
        'FORBIDDEN',
      ],
      [
        'qualify: unknown',
        'post',
        `/api/transfer-projects/${id}/registrations/${missing}/qualify`,
        staff,
        { depositReceived: true },
        404,
        'REGISTRATION_NOT_FOUND',
      ],
      [
        'qualify: no body',
        'post',
        `/api/transfer-projects/${id}/registrations/${missing}/qualify`,
        staff,
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        'reject: no reason',
        'post',
        `/api/transfer-projects/${id}/registrations/${missing}/reject`,
        staff,
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        'extend: before the end',
        'post',
        `/api/transfer-projects/${id}/extend`,
        staff,
        {},
        409,
        'DISCLOSURE_NOT_ENDED',
      ],
      [
        'relist: before the end',
        'post',
        `/api/transfer-projects/${id}/relist`,
        staff,
        { listingPrice: VALUATION, disclosureEndsOn: ends },
        409,
        'DISCLOSURE_NOT_ENDED',
      ],
      [
        'relist: no price',
        'post',
        `/api/transfer-projects/${id}/relist`,
        staff,
        { disclosureEndsOn: ends },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'agreement: not pending',
        'post',
        `/api/transfer-projects/${id}/agreement`,
        staff,
        { price: VALUATION },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'agreement: zero',
        'post',
        `/api/transfer-projects/${id}/agreement`,
        staff,
        { price: 0 },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'abandon: not pending',
        'post',
        `/api/transfer-projects/${id}/agreement/abandon`,
        staff,
        { reason: 'x' },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'confirm: not sold',
        'post',
        `/api/transfer-projects/${id}/confirm`,
        staff,
        {},
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'contract: bad sha',
        'post',
        `/api/transfer-projects/${id}/contract`,
        staff,
        { signedOn: today, contractSha256: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'contract: not confirmed',
        'post',
        `/api/transfer-projects/${id}/contract`,
        staff,
        { signedOn: today, contractSha256: SHA },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'suspend: staff',
        'post',
        `/api/transfer-projects/${id}/suspend`,
        staff,
        { reason: 'x' },
        403,
        'FORBIDDEN',
      ],
      [
        'suspend: a draft',
        'post',
        `/api/transfer-projects/${draft.id}/suspend`,
        supervisor,
        { reason: 'x' },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'resume: not suspended',
        'post',
        `/api/transfer-projects/${id}/resume`,
        supervisor,
        {},
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'terminate: no reason',
        'post',
        `/api/transfer-projects/${id}/terminate`,
        staff,
        {},
        400,
        'VALIDATION_FAILED',
      ],
      [
        'bid: no auction',
        'post',
        `/api/transfer-projects/${id}/bids`,
        buyers[0],
        { amount: VALUATION, clientBidId: 'x1' },
        409,
        'AUCTION_NOT_OPEN',
      ],
      [
        'bid: bad key',
        'post',
        `/api/transfer-projects/${id}/bids`,
        buyers[0],
        { amount: VALUATION, clientBidId: 'a b' },
        400,
        'VALIDATION_FAILED',
      ],
      ['ledger: bad id', 'get', '/api/transfer-projects/nope/bids', undefined, undefined, 400, 'INVALID_ID'],
      ['mine: staff', 'get', '/api/me/transfer-registrations', staff, undefined, 403, 'FORBIDDEN'],
    ];
    const outcomes = [];
    for (const [name, method, path, user, payload, status, code] of cases) {
      let call = as(user)(request(api.url)[method](path));
      if (payload !== undefined) call = call.send(payload as object);
      const response = await call;
      outcomes.push({ name, status: response.status, code: response.body.code });
      expect({ name, status: response.status, code: response.body.code }).toEqual({ name, status, code });
    }
    expect(await counts()).toEqual(before);
  });
});
