import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { banLastDay } from '../libs/domain/src/credit.js';
import {
  AuditLogRepository,
  createDataSource,
  RefusalToSignRecords,
  SanctionsRepository,
} from '../libs/persistence/src/index.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingBody,
  listingReadyOnSite,
  login,
  registerBidder,
  type TestUser,
  unique,
  waitFor,
} from './support/factories.js';
import { expectError, queryRows, type TableContents, tableContents } from './support/checks.js';
import { bidOverRest, bidOverSocket, sleepUntil } from './support/bidding-clients.js';
import {
  agreedTransferProject,
  businessDeadline,
  centreDays,
  transferProjectBody,
} from './support/transfers.js';

const OWNER_CODE = '91360100MA35F6GX2N';
// Published codes of real companies, used here only as well-formed suppliers' codes.
const SUPPLIER_CODES = ['914403001922038216', '9144030071526726XG', '91330100799655058B'];
const SHA = 'e'.repeat(64);
const BASIS = '招标投标法 第54条';
const SANCTION_TABLES = ['sanctions', 'audit_log'];
const REGISTRATION_TABLES = ['registrations', 'deposits', 'audit_log'];

/**
 * Credit (信用, issue 10) on the real platform: supervisors record warnings and bans with their
 * legal basis and lift them; a banned party is refused with PARTY_BANNED in every line, at
 * registration and at bidding (lease and transfer registrations, the lease's live bids over the
 * socket and REST, an on-site record, tender and procurement registrations and sealed bids),
 * through the last day of its ban in the centre's zone by the database's clock and not the day
 * after; a warning refuses nothing; a lease or transfer winner who does not sign gets a record;
 * the public credit list names no account and no person; bad input and other roles write nothing.
 */
describe('credit (信用): sanctions, PARTY_BANNED in every line, the public credit list', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let admin: TestUser;
  let today: string;
  let yesterday: string;
  let ownerDb: string;
  let appDb: string;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;

  const recordSanction = (body: Record<string, unknown>, user: TestUser | undefined = supervisor) =>
    as(user)(request(api.url).post('/api/supervision/sanctions')).send(body);

  /** A ban of `party` for misconduct from `startsOn` (default: a month ago) through `bannedUntil`. */
  async function ban(party: TestUser, bannedUntil: string, startsOn = addCalendarDays(today, -30)) {
    const recorded = await recordSanction({
      partyId: party.id,
      kind: 'ban',
      reason: 'misconduct',
      basis: BASIS,
      startsOn,
      bannedUntil,
    }).expect(201);
    return recorded.body as { id: string; inForce: boolean };
  }

  const tables = (names: string[]) => tableContents(appDb, names);

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    appDb = platform.env.config.DATABASE_URL;
    ({ today, yesterday } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    staff = await createOperator(platform.env.config, api.url, 'staff');
    supervisor = await createOperator(platform.env.config, api.url, 'supervisor');
    admin = await createOperator(platform.env.config, api.url, 'admin');
  });

  // The centre's days by the database's clock, read again for each test: a run may cross midnight.
  beforeEach(async () => {
    ({ today, yesterday } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
  });

  afterAll(async () => {
    await platform?.close();
  });

  // --- the lines' setups -----------------------------------------------------------------------

  /** A lease listing published with registration open, bidding an hour away. */
  async function openLeaseListing() {
    const created = await as(staff)(request(api.url).post('/api/lease-listings'))
      .send(listingBody({ biddingInMs: 3_600_000, freeMs: 10 * 60_000, extensionSeconds: 60 }))
      .expect(201);
    await as(staff)(request(api.url).post(`/api/lease-listings/${created.body.id}/publish`)).expect(200);
    return created.body.id as string;
  }

  /** A transfer project published today: buyers may register through its disclosure. */
  async function openTransferProject() {
    const disclosureEndsOn = await businessDeadline(api.url, today, 20);
    const created = await as(staff)(request(api.url).post('/api/transfer-projects'))
      .send(transferProjectBody({ disclosureEndsOn }))
      .expect(201);
    await as(staff)(request(api.url).post(`/api/transfer-projects/${created.body.id}/publish`)).expect(200);
    return created.body.id as string;
  }

  /** A tender in bidding (announced today, documents issued today) with `qualified` qualified. */
  async function tenderInBidding(qualified: TestUser[]) {
    const created = await as(staff)(request(api.url).post('/api/tenders'))
      .send({
        title: '东湖区某社区服务中心改造工程施工',
        ownerName: '南昌市东湖区住房和城乡建设局',
        ownerOrgCode: OWNER_CODE,
        kind: 'building',
        description: '改造 3,000 平方米',
        estimatedPrice: 2_000_000_000,
        stateFunded: true,
        evaluationMethod: 'lowest_evaluated_price',
        deposit: 20_000_000,
        documents: [{ name: '招标文件.pdf', sha256: SHA }],
        saleStartsOn: today,
        saleEndsOn: addCalendarDays(today, 5),
        documentsIssuedOn: today,
        bidDeadlineOn: addCalendarDays(today, 20),
      })
      .expect(201);
    const id = created.body.id as string;
    await as(staff)(request(api.url).post(`/api/tenders/${id}/announce`)).expect(200);
    for (const [index, supplier] of qualified.entries()) {
      const applied = await as(supplier)(request(api.url).post(`/api/tenders/${id}/registrations`))
        .send({ organizationCode: SUPPLIER_CODES[index] })
        .expect(201);
      await as(staff)(request(api.url).post(`/api/tenders/${id}/registrations/${applied.body.id}/qualify`))
        .send({ depositReceived: true })
        .expect(200);
    }
    return id;
  }

  /** An open-tender procurement responding today with `qualified` qualified. */
  async function procurementResponding(qualified: TestUser[]) {
    const documentsAvailableUntil = await businessDeadline(api.url, today, 5);
    const created = await as(staff)(request(api.url).post('/api/procurements'))
      .send({
        method: 'open_tender',
        title: '东湖区政务外网运维服务采购',
        purchaserName: '南昌市东湖区数据局',
        purchaserOrgCode: OWNER_CODE,
        description: '政务外网运维一年',
        budget: 800_000_000,
        deposit: 10_000_000,
        documents: [{ name: '采购文件.pdf', sha256: SHA }],
        documentsIssuedOn: today,
        documentsAvailableUntil,
        deadlineOn: addCalendarDays(today, 20),
      })
      .expect(201);
    const id = created.body.id as string;
    const announced = await as(staff)(request(api.url).post(`/api/procurements/${id}/announce`)).expect(200);
    expect(announced.body.status).toBe('responding');
    for (const [index, supplier] of qualified.entries()) {
      const applied = await as(supplier)(request(api.url).post(`/api/procurements/${id}/registrations`))
        .send({ organizationCode: SUPPLIER_CODES[index] })
        .expect(201);
      await as(staff)(
        request(api.url).post(`/api/procurements/${id}/registrations/${applied.body.id}/qualify`),
      )
        .send({ depositReceived: true })
        .expect(200);
    }
    return id;
  }

  const registerFor = {
    lease: (user: TestUser, id: string) =>
      as(user)(request(api.url).post(`/api/lease-listings/${id}/registrations`)).send({}),
    transfer: (user: TestUser, id: string) =>
      as(user)(request(api.url).post(`/api/transfer-projects/${id}/registrations`)).send({}),
    tender: (user: TestUser, id: string) =>
      as(user)(request(api.url).post(`/api/tenders/${id}/registrations`)).send({
        organizationCode: SUPPLIER_CODES[2],
      }),
    procurement: (user: TestUser, id: string) =>
      as(user)(request(api.url).post(`/api/procurements/${id}/registrations`)).send({
        organizationCode: SUPPLIER_CODES[2],
      }),
  };

  // --- the tests --------------------------------------------------------------------------------

  it('records a warning and a ban with their basis, audited; supervisors list them; a warning refuses nothing', async () => {
    const [warned, banned] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    const warning = await recordSanction({
      partyId: warned.id,
      kind: 'warning',
      reason: 'misconduct',
      basis: '政府采购法实施条例 第72条',
      sourceRef: 'CG20260001',
    }).expect(201);
    expect(warning.body).toMatchObject({
      id: expect.any(String),
      partyId: warned.id,
      kind: 'warning',
      reason: 'misconduct',
      basis: '政府采购法实施条例 第72条',
      sourceRef: 'CG20260001',
      startsOn: today,
      bannedUntil: null,
      inForce: false,
      recordedBy: supervisor.id,
      revokedOn: null,
    });
    const banned1 = await ban(banned, addCalendarDays(today, 365), today);
    expect(banned1.inForce).toBe(true);

    const [entry] = await queryRows<{ actor_id: string; data: Record<string, unknown> }>(
      ownerDb,
      `SELECT actor_id, payload::jsonb -> 'data' AS data FROM audit_log WHERE entity_type = 'sanction' AND entity_id = $1 AND action = 'sanction.recorded'`,
      [warning.body.id],
    );
    expect(entry).toEqual({
      actor_id: supervisor.id,
      data: expect.objectContaining({
        partyId: warned.id,
        kind: 'warning',
        basis: '政府采购法实施条例 第72条',
      }),
    });

    const listed = await as(supervisor)(
      request(api.url).get('/api/supervision/sanctions').query({ partyId: warned.id }),
    ).expect(200);
    expect(listed.body).toEqual({
      items: [
        expect.objectContaining({
          id: warning.body.id,
          party: expect.objectContaining({ username: warned.username }),
        }),
      ],
      total: 1,
    });
    const count = async (query: Record<string, string>) =>
      (await as(supervisor)(request(api.url).get('/api/supervision/sanctions').query(query)).expect(200)).body
        .total as number;
    expect(await count({ partyId: warned.id, kind: 'warning' })).toBe(1);
    expect(await count({ partyId: warned.id, kind: 'ban' })).toBe(0);
    expect(await count({ partyId: banned.id, active: 'true' })).toBe(1);
    expect(await count({ partyId: banned.id, active: 'false' })).toBe(0);
    expect(await count({ partyId: warned.id, active: 'false' })).toBe(1);
    const one = await as(supervisor)(request(api.url).get(`/api/supervision/sanctions/${banned1.id}`)).expect(
      200,
    );
    expect(one.body).toMatchObject({ kind: 'ban', bannedUntil: addCalendarDays(today, 365), inForce: true });
    const found = await as(supervisor)(
      request(api.url).get('/api/supervision/parties').query({ username: warned.username }),
    ).expect(200);
    expect(found.body).toEqual({
      id: warned.id,
      username: warned.username,
      displayName: expect.any(String),
      orgCode: null,
    });

    // The warning refuses nothing: the warned party registers; the banned one does not.
    const listingId = await openLeaseListing();
    await registerFor.lease(warned, listingId).expect(201);
    expectError(await registerFor.lease(banned, listingId), 403, 'PARTY_BANNED');
  });

  it('refuses a banned party at registration in every line with PARTY_BANNED, writing nothing', async () => {
    const banned = await registerBidder(api.url);
    await ban(banned, addCalendarDays(today, 30));
    const [leaseId, transferId, tenderId, procurementId] = await Promise.all([
      openLeaseListing(),
      openTransferProject(),
      tenderInBidding([]),
      procurementResponding([]),
    ]);
    const before = await tables(REGISTRATION_TABLES);
    for (const [line, id] of [
      ['lease', leaseId],
      ['transfer', transferId],
      ['tender', tenderId],
      ['procurement', procurementId],
    ] as const) {
      const refused = expectError(await registerFor[line](banned, id), 403, 'PARTY_BANNED');
      expect(refused.details).toMatchObject({
        reason: 'misconduct',
        basis: BASIS,
        bannedUntil: addCalendarDays(today, 30),
      });
    }
    expect(await tables(REGISTRATION_TABLES)).toEqual(before);
  });

  it('refuses a party banned after it qualified: staff cannot qualify it, nor can it bid live (socket and REST), seal a bid or a response, or be recorded on site', async () => {
    const [late, rival, pendingOne] = await Promise.all([
      registerBidder(api.url),
      registerBidder(api.url),
      registerBidder(api.url),
    ]);
    // Qualified everywhere before the ban.
    const live = await createPublishedListing(api.url, staff, [late, rival], {
      biddingInMs: 3000,
      freeMs: 120_000,
      extensionSeconds: 60,
    });
    const onSite = await listingReadyOnSite(api.url, ownerDb, staff, [late, rival]);
    const tenderId = await tenderInBidding([late, rival]);
    const procurementId = await procurementResponding([late, rival]);
    const pendingListing = await openLeaseListing();
    const pending = await registerFor.lease(pendingOne, pendingListing).expect(201);
    const socket: Socket = await platform.open(late.token);

    await ban(late, addCalendarDays(today, 90), today);
    await ban(pendingOne, addCalendarDays(today, 90), today);

    // Qualification: no bidder code for a party banned since it applied.
    const beforeQualify = await tables(['registrations', 'deposits', 'audit_log']);
    expectError(
      await as(staff)(
        request(api.url).post(
          `/api/lease-listings/${pendingListing}/registrations/${pending.body.id}/qualify`,
        ),
      ).send({ depositReceived: true }),
      403,
      'PARTY_BANNED',
    );
    expect(await tables(['registrations', 'deposits', 'audit_log'])).toEqual(beforeQualify);

    // Live bidding: the rival opens the auction; the banned party's bids, each one it could
    // otherwise make, are refused over the socket and over REST and move nothing.
    await sleepUntil(Date.parse(live.body.biddingStartsAt), 300);
    const opened = await waitFor(
      async () => {
        const result = await bidOverRest(api.url, rival.token, live.id, 1_000_000, `rival-${randomUUID()}`);
        return result.ok ? result : undefined;
      },
      60_000,
      'the rival’s first bid',
    );
    expect(opened.ok).toBe(true);
    const overSocket = await bidOverSocket(socket, live.id, 1_100_000, 'late-socket');
    expect(overSocket).toMatchObject({ ok: false, error: { code: 'PARTY_BANNED' } });
    const overRest = await bidOverRest(api.url, late.token, live.id, 1_100_000, 'late-rest');
    expect(overRest).toMatchObject({ ok: false, error: { code: 'PARTY_BANNED' } });
    const rest = await as(late)(request(api.url).post(`/api/lease-listings/${live.id}/bids`)).send({
      amount: 1_200_000,
      clientBidId: 'late-rest-2',
    });
    expectError(rest, 403, 'PARTY_BANNED');
    const ledger = await queryRows<{ client_bid_id: string; outcome: string }>(
      ownerDb,
      `SELECT client_bid_id, outcome FROM bids WHERE auction_id = $1 AND bidder_id = $2 ORDER BY client_bid_id`,
      [live.id, late.id],
    );
    expect(ledger).toEqual([
      { client_bid_id: 'late-rest', outcome: 'PARTY_BANNED' },
      { client_bid_id: 'late-rest-2', outcome: 'PARTY_BANNED' },
      { client_bid_id: 'late-socket', outcome: 'PARTY_BANNED' },
    ]);
    const [auction] = await queryRows<{ leader_id: string; current_price: string }>(
      ownerDb,
      `SELECT leader_id, current_price::text FROM auctions WHERE id = $1`,
      [live.id],
    );
    expect(auction).toEqual({ leader_id: rival.id, current_price: '1000000' });

    // Sealed bids: a tender's bid and a procurement's response.
    const sealedBefore = await tables(['sealed_bids', 'audit_log']);
    expectError(
      await as(late)(request(api.url).put(`/api/tenders/${tenderId}/bid`)).send({
        price: 1_500_000_000,
        documents: [{ name: '投标文件.pdf', sha256: SHA }],
      }),
      403,
      'PARTY_BANNED',
    );
    expectError(
      await as(late)(request(api.url).put(`/api/procurements/${procurementId}/response`)).send({
        price: 700_000_000,
        documents: [{ name: '响应文件.pdf', sha256: SHA }],
      }),
      403,
      'PARTY_BANNED',
    );
    expect(await tables(['sealed_bids', 'audit_log'])).toEqual(sealedBefore);
    // The rival is not banned: its bid is sealed.
    await as(rival)(request(api.url).put(`/api/tenders/${tenderId}/bid`))
      .send({ price: 1_600_000_000, documents: [{ name: '投标文件.pdf', sha256: SHA }] })
      .expect(200);

    // On site: a record with the banned party bidding in the room is refused, without it taken.
    const sale = (presentBidderIds: string[]) => ({
      auctioneer: '李四 (拍卖师证 0002)',
      place: '东湖区公共资源交易中心 3 楼拍卖厅',
      heldAt: new Date(Date.now() - 30_000).toISOString(),
      presentBidderIds,
      outcome: 'sold',
      hammerPrice: 900_000,
      winnerId: rival.id,
      recordFileName: '现场拍租笔录.pdf',
      recordFileSha256: SHA,
    });
    const onSiteTables = ['on_site_auctions', 'auctions', 'deals', 'deposits', 'audit_log'];
    const onSiteBefore = await tables(onSiteTables);
    expectError(
      await as(staff)(request(api.url).post(`/api/lease-listings/${onSite.id}/on-site-auction`)).send(
        sale([late.id, rival.id]),
      ),
      403,
      'PARTY_BANNED',
    );
    expect(await tables(onSiteTables)).toEqual(onSiteBefore);
    await as(staff)(request(api.url).post(`/api/lease-listings/${onSite.id}/on-site-auction`))
      .send(sale([rival.id]))
      .expect(201);
  });

  it('bans through the last day in the centre’s zone (the database’s clock), not the day after nor before the first; a lifted ban bans nothing from today', async () => {
    const [lastDay, dayAfter, notYet, lifted, liftedTwice] = await Promise.all(
      [0, 1, 2, 3, 4].map(() => registerBidder(api.url)),
    );
    await ban(lastDay, today);
    const ended = await ban(dayAfter, yesterday);
    expect(ended.inForce).toBe(false);
    const future = await ban(notYet, addCalendarDays(today, 30), addCalendarDays(today, 1));
    expect(future.inForce).toBe(false);
    const toLift = await ban(lifted, addCalendarDays(today, 30));
    expect(toLift.inForce).toBe(true);

    const listingId = await openLeaseListing();
    expectError(await registerFor.lease(lastDay, listingId), 403, 'PARTY_BANNED');
    await registerFor.lease(dayAfter, listingId).expect(201);
    await registerFor.lease(notYet, listingId).expect(201);

    expectError(await registerFor.lease(lifted, listingId), 403, 'PARTY_BANNED');
    // A blank reason is refused at the edge (a 400 with its code, not the column's check as a 500).
    const beforeBlank = await tables(SANCTION_TABLES);
    expectError(
      await as(supervisor)(request(api.url).post(`/api/supervision/sanctions/${toLift.id}/revoke`)).send({
        reason: '   ',
      }),
      400,
      'VALIDATION_FAILED',
    );
    expect(await tables(SANCTION_TABLES)).toEqual(beforeBlank);
    const revoked = await as(supervisor)(
      request(api.url).post(`/api/supervision/sanctions/${toLift.id}/revoke`),
    )
      .send({ reason: '复议撤销' })
      .expect(200);
    expect(revoked.body).toMatchObject({
      revokedOn: today,
      revokedBy: supervisor.id,
      revokeReason: '复议撤销',
      inForce: false,
    });
    await registerFor.lease(lifted, listingId).expect(201);

    // Lifted once: the second time is refused and changes nothing.
    const again = await ban(liftedTwice, addCalendarDays(today, 30));
    await as(supervisor)(request(api.url).post(`/api/supervision/sanctions/${again.id}/revoke`))
      .send({ reason: '复议撤销' })
      .expect(200);
    const before = await tables(SANCTION_TABLES);
    const twice = expectError(
      await as(supervisor)(request(api.url).post(`/api/supervision/sanctions/${again.id}/revoke`)).send({
        reason: '再次撤销',
      }),
      409,
      'SANCTION_ALREADY_REVOKED',
    );
    expect(twice.details).toEqual({ revokedOn: today });
    expect(await tables(SANCTION_TABLES)).toEqual(before);
  });

  it('gives a lease winner who forfeits its deposit, and a transfer winner who defaults, a refused_to_sign record (a warning by default); a loser’s forfeit none', async () => {
    // A lease sold on site to the winner, who then does not sign: staff forfeit its deposit.
    const [winner, loser] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    const listing = await listingReadyOnSite(api.url, ownerDb, staff, [winner, loser]);
    await as(staff)(request(api.url).post(`/api/lease-listings/${listing.id}/on-site-auction`))
      .send({
        auctioneer: '李四 (拍卖师证 0002)',
        place: '东湖区公共资源交易中心 3 楼拍卖厅',
        heldAt: new Date(Date.now() - 30_000).toISOString(),
        presentBidderIds: [winner.id, loser.id],
        outcome: 'sold',
        hammerPrice: 900_000,
        winnerId: winner.id,
        recordFileName: '现场拍租笔录.pdf',
        recordFileSha256: SHA,
      })
      .expect(201);
    const depositOf = async (bidder: TestUser) =>
      (
        await queryRows<{ id: string }>(
          ownerDb,
          `SELECT id FROM deposits WHERE host_id = $1 AND bidder_id = $2`,
          [listing.id, bidder.id],
        )
      )[0].id;
    await as(staff)(request(api.url).post(`/api/deposits/${await depositOf(loser)}/forfeit`))
      .send({ reason: '扰乱拍卖秩序' })
      .expect(200);
    await as(staff)(request(api.url).post(`/api/deposits/${await depositOf(winner)}/forfeit`))
      .send({ reason: '竞得人未签订租赁合同' })
      .expect(200);
    const records = async (party: TestUser) =>
      queryRows<Record<string, unknown>>(
        ownerDb,
        `SELECT kind, reason, source_ref, starts_on::text, banned_until, recorded_by FROM sanctions WHERE party_id = $1`,
        [party.id],
      );
    expect(await records(loser)).toEqual([]);
    expect(await records(winner)).toEqual([
      {
        kind: 'warning',
        reason: 'refused_to_sign',
        source_ref: listing.id,
        starts_on: today,
        banned_until: null,
        recorded_by: staff.id,
      },
    ]);

    // A transfer agreed with its one buyer, confirmed, unsigned past its deadline: the worker defaults it.
    const buyer = await registerBidder(api.url);
    const context = {
      apiUrl: api.url,
      ownerDatabaseUrl: ownerDb,
      zone: platform.env.config.CENTRE_TZ,
      staff,
    };
    const project = await agreedTransferProject(context, buyer);
    await as(staff)(request(api.url).post(`/api/transfer-projects/${project.id}/confirm`)).expect(200);
    await queryRows(ownerDb, `UPDATE transfer_projects SET contract_deadline_on = $2 WHERE id = $1`, [
      project.id,
      yesterday,
    ]);
    await waitFor(
      async () =>
        (await as(staff)(request(api.url).get(`/api/transfer-projects/${project.id}`))).body.status ===
          'defaulted' || undefined,
      60_000,
      'the transfer defaulted',
    );
    expect(await records(buyer)).toEqual([
      {
        kind: 'warning',
        reason: 'refused_to_sign',
        source_ref: project.id,
        starts_on: today,
        banned_until: null,
        recorded_by: null,
      },
    ]);
    const [audited] = await queryRows<{ actor_id: string | null }>(
      ownerDb,
      `SELECT actor_id FROM audit_log
       WHERE action = 'sanction.recorded' AND payload::jsonb -> 'data' ->> 'partyId' = $1`,
      [buyer.id],
    );
    expect(audited).toEqual({ actor_id: null });
  });

  it('bans a winner who did not sign for the district’s REFUSAL_TO_SIGN_BAN_MONTHS when it sets one, once per process', async () => {
    const winner = await registerBidder(api.url);
    const processRef = randomUUID();
    const dataSource = await createDataSource(appDb, 1, 'ggzy-test-credit').initialize();
    try {
      const records = new RefusalToSignRecords(
        new SanctionsRepository(dataSource),
        new AuditLogRepository(dataSource),
        {
          ...platform.env.config,
          REFUSAL_TO_SIGN_BAN_MONTHS: 6,
        },
      );
      const now = new Date();
      const first = await dataSource.transaction((manager) =>
        records.record(manager, null, winner.id, processRef, now),
      );
      expect(first).toMatchObject({
        kind: 'ban',
        reason: 'refused_to_sign',
        startsOn: today,
        bannedUntil: banLastDay(today, 6),
        sourceRef: processRef,
      });
      const before = await tables(SANCTION_TABLES);
      expect(
        await dataSource.transaction((manager) => records.record(manager, null, winner.id, processRef, now)),
      ).toBeNull();
      expect(await tables(SANCTION_TABLES)).toEqual(before);
    } finally {
      await dataSource.destroy();
    }
    expectError(await registerFor.lease(winner, await openLeaseListing()), 403, 'PARTY_BANNED');
  });

  it('publishes the credit list without sign-in: an organisation by name and code, a person masked, no account id', async () => {
    const orgUsername = unique('org');
    const orgPassword = `pw-${randomUUID()}`;
    const orgName = `南昌${unique('')}建设有限公司`;
    const registered = await request(api.url)
      .post('/api/auth/register')
      .send({
        username: orgUsername,
        password: orgPassword,
        displayName: orgName,
        orgCode: SUPPLIER_CODES[0],
      })
      .expect(201);
    const organization: TestUser = {
      id: registered.body.id,
      username: orgUsername,
      password: orgPassword,
      token: await login(api.url, orgUsername, orgPassword),
    };
    const person = await registerBidder(api.url);
    const [{ display_name: personName }] = await queryRows<{ display_name: string }>(
      ownerDb,
      `SELECT display_name FROM users WHERE id = $1`,
      [person.id],
    );
    await ban(organization, addCalendarDays(today, 60));
    await recordSanction({
      partyId: person.id,
      kind: 'warning',
      reason: 'misconduct',
      basis: BASIS,
      sourceRef: 'internal-case-7',
    }).expect(201);
    // Lifted before it began: quashed, never in force, not published.
    const quashed = await ban(person, addCalendarDays(today, 60), addCalendarDays(today, 10));
    await as(supervisor)(request(api.url).post(`/api/supervision/sanctions/${quashed.id}/revoke`))
      .send({ reason: '决定撤销' })
      .expect(200);

    const page = await request(api.url).get('/api/credit-list').query({ limit: 1000 }).expect(200);
    const { items, total } = page.body as { items: Record<string, unknown>[]; total: number };
    expect(total).toBe(items.length);
    expect(items).toContainEqual({
      party: { kind: 'organization', name: orgName, orgCode: SUPPLIER_CODES[0] },
      kind: 'ban',
      reason: 'misconduct',
      basis: BASIS,
      startsOn: addCalendarDays(today, -30),
      bannedUntil: addCalendarDays(today, 60),
      revokedOn: null,
      inForce: true,
    });
    const personEntries = items.filter(
      (item) => (item.party as { name: string }).name === `${Array.from(personName)[0]}**`,
    );
    expect(personEntries).toContainEqual({
      party: { kind: 'person', name: `${Array.from(personName)[0]}**`, orgCode: null },
      kind: 'warning',
      reason: 'misconduct',
      basis: BASIS,
      startsOn: today,
      bannedUntil: null,
      revokedOn: null,
      inForce: false,
    });
    expect(personEntries.some((item) => item.startsOn === addCalendarDays(today, 10))).toBe(false);

    // Nothing in it names an account or a person: no user's id, username or display name.
    const text = JSON.stringify(page.body);
    const users = await queryRows<{
      id: string;
      username: string;
      display_name: string;
      org_code: string | null;
    }>(ownerDb, `SELECT id, username, display_name, org_code FROM users`);
    for (const user of users) {
      expect(text).not.toContain(user.id);
      expect(text).not.toContain(user.username);
      if (user.org_code === null) expect(text).not.toContain(user.display_name);
    }
    expect(text).not.toContain('internal-case-7');
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);

    // Searchable by an organisation's name or code; never by a person's name.
    const search = async (q: string) =>
      (await request(api.url).get('/api/public/credit-list').query({ q, limit: 1000 }).expect(200)).body;
    expect((await search(orgName.slice(2, 12))).items).toEqual([
      expect.objectContaining({ party: expect.objectContaining({ name: orgName }) }),
    ]);
    expect((await search(SUPPLIER_CODES[0])).total).toBe(1);
    expect(await search(personName)).toEqual({ items: [], total: 0 });
    expect(await search('%')).toEqual({ items: [], total: 0 });

    // Paginated: the second item of the list is the first of the page at offset 1.
    const second = await request(api.url).get('/api/credit-list').query({ limit: 1, offset: 1 }).expect(200);
    expect(second.body).toEqual({ items: [items[1]], total });
  });

  describe('bad input and roles, each refused with its code, writing nothing', () => {
    let party: TestUser;
    let before: TableContents;
    let sanctionId: string;

    beforeAll(async () => {
      party = await registerBidder(api.url);
      sanctionId = (await ban(party, addCalendarDays(today, 30))).id;
    });

    beforeEach(async () => {
      before = await tables(SANCTION_TABLES);
    });

    afterEach(async () => {
      expect(await tables(SANCTION_TABLES)).toEqual(before);
    });

    const valid = () => ({
      partyId: party.id,
      kind: 'ban',
      reason: 'misconduct',
      basis: BASIS,
      startsOn: today,
      bannedUntil: addCalendarDays(today, 30),
    });

    it.each<[string, (body: Record<string, unknown>) => Record<string, unknown>, number, string]>([
      ['no body fields', () => ({}), 400, 'VALIDATION_FAILED'],
      ['no partyId', ({ partyId: _, ...rest }) => rest, 400, 'VALIDATION_FAILED'],
      ['a malformed partyId', (body) => ({ ...body, partyId: 'x' }), 400, 'INVALID_ID'],
      ['an unknown party', (body) => ({ ...body, partyId: randomUUID() }), 404, 'PARTY_NOT_FOUND'],
      ['an unknown kind', (body) => ({ ...body, kind: 'fine' }), 400, 'VALIDATION_FAILED'],
      ['an unknown reason', (body) => ({ ...body, reason: 'late' }), 400, 'VALIDATION_FAILED'],
      ['an empty basis', (body) => ({ ...body, basis: '' }), 400, 'VALIDATION_FAILED'],
      ['a blank basis', (body) => ({ ...body, basis: '   ' }), 400, 'VALIDATION_FAILED'],
      [
        'a basis of 501 characters',
        (body) => ({ ...body, basis: 'x'.repeat(501) }),
        400,
        'VALIDATION_FAILED',
      ],
      ['a basis that is a number', (body) => ({ ...body, basis: 54 }), 400, 'VALIDATION_FAILED'],
      [
        'a sourceRef of 201 characters',
        (body) => ({ ...body, sourceRef: 'x'.repeat(201) }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a date that is not one',
        (body) => ({ ...body, bannedUntil: '2027-02-30' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a date as an instant',
        (body) => ({ ...body, startsOn: `${today}T00:00:00Z` }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a ban in the year 2300',
        (body) => ({ ...body, bannedUntil: '2300-01-01' }),
        400,
        'VALIDATION_FAILED',
      ],
      ['a null bannedUntil', (body) => ({ ...body, bannedUntil: null }), 400, 'VALIDATION_FAILED'],
      ['an unknown field', (body) => ({ ...body, fine: 100 }), 400, 'VALIDATION_FAILED'],
      ['a ban with no last day', ({ bannedUntil: _, ...rest }) => rest, 422, 'SANCTION_INVALID'],
      [
        'a ban ending before it starts',
        (body) => ({ ...body, bannedUntil: yesterday }),
        422,
        'SANCTION_INVALID',
      ],
      ['a warning with a last day', (body) => ({ ...body, kind: 'warning' }), 422, 'SANCTION_INVALID'],
      [
        'a false complaint banned for six months',
        (body) => ({ ...body, reason: 'false_complaint', bannedUntil: addCalendarDays(today, 182) }),
        422,
        'FALSE_COMPLAINT_BAN_OUT_OF_RANGE',
      ],
    ])('POST /api/supervision/sanctions: %s', async (_case, change, status, code) => {
      expectError(await recordSanction(change(valid())), status, code);
    });

    it('refuses a sanction against an account that is not a party (staff) with PARTY_NOT_FOUND', async () => {
      expectError(await recordSanction({ ...valid(), partyId: staff.id }), 404, 'PARTY_NOT_FOUND');
    });

    it('takes a false complaint’s ban of exactly one and of exactly three years (the boundaries)', async () => {
      const [oneYear, threeYears] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
      const lastDay = (years: number) => {
        const [y, m, d] = today.split('-').map(Number);
        return addCalendarDays(new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10), -1);
      };
      for (const [party, years] of [
        [oneYear, 1],
        [threeYears, 3],
      ] as const) {
        await recordSanction({
          ...valid(),
          partyId: party.id,
          reason: 'false_complaint',
          basis: '政府采购法实施条例 第73条',
          bannedUntil: lastDay(years),
        }).expect(201);
        expectError(
          await recordSanction({
            ...valid(),
            partyId: party.id,
            reason: 'false_complaint',
            bannedUntil: addCalendarDays(lastDay(years), years === 1 ? -1 : 1),
          }),
          422,
          'FALSE_COMPLAINT_BAN_OUT_OF_RANGE',
        );
      }
      before = await tables(SANCTION_TABLES);
    });

    it.each<[string, string, number, string]>([
      ['a malformed partyId', '/api/supervision/sanctions?partyId=nope', 400, 'INVALID_ID'],
      ['limit 0', '/api/supervision/sanctions?limit=0', 400, 'VALIDATION_FAILED'],
      ['an unknown filter', '/api/supervision/sanctions?state=ban', 400, 'VALIDATION_FAILED'],
      ['a malformed id', '/api/supervision/sanctions/nope', 400, 'INVALID_ID'],
      ['an unknown id', `/api/supervision/sanctions/${randomUUID()}`, 404, 'SANCTION_NOT_FOUND'],
      ['no username', '/api/supervision/parties', 400, 'VALIDATION_FAILED'],
      ['an unknown username', '/api/supervision/parties?username=nobody-at-all', 404, 'PARTY_NOT_FOUND'],
      ['a negative offset', '/api/credit-list?offset=-1', 400, 'VALIDATION_FAILED'],
      ['limit 1001', '/api/credit-list?limit=1001', 400, 'VALIDATION_FAILED'],
      ['an unknown kind', '/api/supervision/sanctions?kind=fine', 400, 'VALIDATION_FAILED'],
      ['active=yes', '/api/supervision/sanctions?active=yes', 400, 'VALIDATION_FAILED'],
      ['an empty search', '/api/credit-list?q=', 400, 'VALIDATION_FAILED'],
      ['a search of 101 characters', `/api/credit-list?q=${'x'.repeat(101)}`, 400, 'VALIDATION_FAILED'],
    ])('GET: %s', async (_case, path, status, code) => {
      expectError(await as(supervisor)(request(api.url).get(path)), status, code);
    });

    it.each<[string, () => string, () => object, number, string]>([
      ['no reason', () => sanctionId, () => ({}), 400, 'VALIDATION_FAILED'],
      ['an empty reason', () => sanctionId, () => ({ reason: '' }), 400, 'VALIDATION_FAILED'],
      [
        'a reason of 501 characters',
        () => sanctionId,
        () => ({ reason: 'x'.repeat(501) }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a revokedOn (it is always today)',
        () => sanctionId,
        () => ({ reason: 'x', revokedOn: today }),
        400,
        'VALIDATION_FAILED',
      ],
      ['a malformed id', () => 'nope', () => ({ reason: 'x' }), 400, 'INVALID_ID'],
      ['an unknown id', () => randomUUID(), () => ({ reason: 'x' }), 404, 'SANCTION_NOT_FOUND'],
    ])('POST …/revoke: %s', async (_case, id, body, status, code) => {
      expectError(
        await as(supervisor)(request(api.url).post(`/api/supervision/sanctions/${id()}/revoke`)).send(body()),
        status,
        code,
      );
    });

    it('lets only supervisors record, list, read, lift and look up; anyone reads the credit list', async () => {
      const bidder = await registerBidder(api.url);
      for (const [who, status, code] of [
        [undefined, 401, 'UNAUTHENTICATED'],
        [bidder, 403, 'FORBIDDEN'],
        [staff, 403, 'FORBIDDEN'],
        [admin, 403, 'FORBIDDEN'],
      ] as const) {
        expectError(
          await as(who)(request(api.url).post('/api/supervision/sanctions')).send(valid()),
          status,
          code,
        );
        expectError(await as(who)(request(api.url).get('/api/supervision/sanctions')), status, code);
        expectError(
          await as(who)(request(api.url).get(`/api/supervision/sanctions/${sanctionId}`)),
          status,
          code,
        );
        expectError(
          await as(who)(request(api.url).post(`/api/supervision/sanctions/${sanctionId}/revoke`)).send({
            reason: 'x',
          }),
          status,
          code,
        );
        expectError(
          await as(who)(
            request(api.url).get('/api/supervision/parties').query({ username: bidder.username }),
          ),
          status,
          code,
        );
        await as(who)(request(api.url).get('/api/credit-list')).expect(200);
      }
    });

    it('describes every new endpoint in OpenAPI', async () => {
      const openApi = (await request(api.url).get('/docs-json').expect(200)).body;
      expect(Object.keys(openApi.paths['/api/supervision/sanctions']).sort()).toEqual(['get', 'post']);
      expect(Object.keys(openApi.paths['/api/supervision/sanctions/{id}'])).toEqual(['get']);
      expect(Object.keys(openApi.paths['/api/supervision/sanctions/{id}/revoke'])).toEqual(['post']);
      expect(Object.keys(openApi.paths['/api/supervision/parties'])).toEqual(['get']);
      expect(Object.keys(openApi.paths['/api/credit-list'])).toEqual(['get']);
      expect(Object.keys(openApi.paths['/api/public/credit-list'])).toEqual(['get']);
      expect(openApi.components.schemas.RecordSanctionDto.required.sort()).toEqual([
        'basis',
        'kind',
        'partyId',
        'reason',
      ]);
    });
  });

  it('refuses a transfer’s sole-buyer agreement with a buyer banned after it qualified, writing nothing', async () => {
    const buyer = await registerBidder(api.url);
    const id = await openTransferProject();
    const registration = await registerFor.transfer(buyer, id).expect(201);
    await as(staff)(
      request(api.url).post(`/api/transfer-projects/${id}/registrations/${registration.body.id}/qualify`),
    )
      .send({ depositReceived: true })
      .expect(200);
    await ban(buyer, addCalendarDays(today, 90), today);
    await queryRows(ownerDb, `UPDATE transfer_projects SET disclosure_ends_on = $2 WHERE id = $1`, [
      id,
      yesterday,
    ]);
    await waitFor(
      async () =>
        (await as(staff)(request(api.url).get(`/api/transfer-projects/${id}`))).body.status ===
          'agreement_pending' || undefined,
      60_000,
      'the transfer agreement_pending',
    );
    const agreementTables = ['transfer_projects', 'deals', 'deposits', 'audit_log'];
    const before = await tables(agreementTables);
    expectError(
      await as(staff)(request(api.url).post(`/api/transfer-projects/${id}/agreement`)).send({
        price: 10_000_000,
      }),
      403,
      'PARTY_BANNED',
    );
    expect(await tables(agreementTables)).toEqual(before);
    expect((await as(staff)(request(api.url).get(`/api/transfer-projects/${id}`))).body).toMatchObject({
      status: 'agreement_pending',
      winnerId: null,
      finalPrice: null,
    });
  });
});
