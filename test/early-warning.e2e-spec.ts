import type http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { ALERTS_QUEUE } from '@ggzy/queues';
import { AlertsProcessor } from '../apps/worker/src/alerts.processor.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import {
  createOperator,
  listingBody,
  organizationCode,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { auctionedTransferProject, centreDays, TRANSFER_VALUATION } from './support/transfers.js';
import {
  announcedProcurement,
  type Device,
  device,
  fingerprint,
  passProcurementDeadline,
  type ProcessDesk,
  scoredProcurement,
  tenderWithBids,
} from './support/sealed-processes.js';
import {
  closeClients,
  expectError,
  handshake,
  queryRows,
  type TableContents,
  tableContents,
} from './support/checks.js';
import { ask } from './support/sockets.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Alert {
  id: string;
  ruleId: string;
  state: string;
  processType: string;
  processId: string;
  evidence?: Record<string, unknown>;
}

/**
 * Early warning (预警, issue 10) on the real platform: the address and device of every
 * registration and bid are recorded (supervisor-only), the worker runs every rule on each
 * concluded lease auction (and the address/device rules live, while bidding), each rule fires on a
 * crafted process and stays quiet on an ordinary one, a re-run never duplicates an alert, the
 * supervisor acknowledges, dismisses and escalates through the lifecycle table, and bad input on
 * every new endpoint is a 4xx with its code that writes nothing.
 */
describe('early warning (预警): alerts on concluded and live processes', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let ownerDb: string;
  let appDb: string;
  const sockets: Socket[] = [];

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;

  const alertsOf = async (processId: string): Promise<Alert[]> =>
    (await as(supervisor)(request(api.url).get(`/api/alerts?processId=${processId}&limit=100`)).expect(200))
      .body.items;
  const rulesOf = async (processId: string) =>
    (await alertsOf(processId)).map((alert) => alert.ruleId).sort();

  /** The detectors ran over the process (its scan is recorded). */
  const scanned = (processId: string) =>
    waitFor(
      async () =>
        (await queryRows(ownerDb, 'SELECT 1 FROM alert_scans WHERE process_id = $1', [processId])).length > 0,
      30_000,
      `the early-warning run over ${processId}`,
    );

  /** A published listing, bidding `biddingInMs` from now, for `freeMs`, 1 s countdown. */
  async function publishListing(biddingInMs: number, freeMs: number) {
    const created = await as(staff)(request(api.url).post('/api/lease-listings'))
      .send(listingBody({ biddingInMs, freeMs, extensionSeconds: 1 }))
      .expect(201);
    await as(staff)(request(api.url).post(`/api/lease-listings/${created.body.id}/publish`)).expect(200);
    return created.body.id as string;
  }

  /** The bidder applies from its device, and staff qualify it (its deposit received). */
  async function applyAndQualify(listingId: string, bidder: TestUser, device: Device) {
    const applied = await request(api.url)
      .post(`/api/lease-listings/${listingId}/registrations`)
      .agent(device.agent)
      .set('X-Device-Fingerprint', device.fingerprint)
      .auth(bidder.token, { type: 'bearer' })
      .send({})
      .expect(201);
    await as(staff)(
      request(api.url).post(`/api/lease-listings/${listingId}/registrations/${applied.body.id}/qualify`),
    )
      .send({ depositReceived: true })
      .expect(200);
    return applied.body.id as string;
  }

  /** A bid over the REST twin, from the bidder's device. */
  const bidFrom = (device: Device, bidder: TestUser, listingId: string, amount: number) =>
    request(api.url)
      .post(`/api/lease-listings/${listingId}/bids`)
      .agent(device.agent)
      .set('X-Device-Fingerprint', device.fingerprint)
      .auth(bidder.token, { type: 'bearer' })
      .send({ amount, clientBidId: `c-${randomBytes(6).toString('hex')}` });

  /** The loopback address a device's agent connects from. */
  const addressOf = (one: Device) =>
    (one.agent as http.Agent & { options: http.AgentOptions }).options.localAddress!;

  /**
   * Resolves with the result of the worker's next completed live address/device check on the
   * auction (listened for before `cause` runs, so none is missed).
   */
  async function nextLiveCheck(auctionId: string, cause: () => Promise<void>) {
    const { REDIS_URL, QUEUE_PREFIX } = platform.env.config;
    const connection = new Redis(REDIS_URL!, { maxRetriesPerRequest: null });
    const events = new QueueEvents(ALERTS_QUEUE, { connection, prefix: QUEUE_PREFIX });
    try {
      await events.waitUntilReady();
      const completed = new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no live check on ${auctionId}`)), 30_000);
        events.on('completed', ({ jobId, returnvalue }) => {
          if (!jobId.startsWith(`live-${auctionId}-`)) return;
          clearTimeout(timer);
          resolve(typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue);
        });
      });
      await cause();
      return await completed;
    } finally {
      await events.close();
      connection.disconnect();
    }
  }

  const biddingOpen = (listingId: string) =>
    waitFor(
      async () => {
        const listing = await request(api.url).get(`/api/lease-listings/${listingId}`).expect(200);
        return listing.body.status === 'bidding';
      },
      20_000,
      'bidding to open',
    );

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    appDb = platform.env.config.DATABASE_URL;
    staff = await createOperator(platform.env.config, api.url, 'staff');
    supervisor = await createOperator(platform.env.config, api.url, 'supervisor');
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    closeClients();
    await platform?.close();
  });

  // A ring (围标) on one lease: two bidders from one address and one device, the same pair for the
  // third time, the winner at the start price. And an ordinary lease beside it: none of that.
  let ring: { listingId: string; a: TestUser; b: TestUser; shared: Device };
  let ordinary: { listingId: string; c: TestUser; d: TestUser; deviceC: Device; deviceD: Device };
  let single: { listingId: string };

  it('records the client address and the device (its hash) with registrations and bids, never in a response', async () => {
    const [a, b, c, d, e] = await Promise.all([1, 2, 3, 4, 5].map(() => registerBidder(api.url)));
    const shared = device();
    // The same pair met twice before (listings still announced: the set is what counts).
    for (let meeting = 0; meeting < 2; meeting += 1) {
      const earlier = await publishListing(3_600_000, 600_000);
      await applyAndQualify(earlier, a, device());
      await applyAndQualify(earlier, b, device());
    }
    const [ringId, ordinaryId, singleId] = await Promise.all([
      publishListing(6_000, 5_000),
      publishListing(6_000, 5_000),
      publishListing(6_000, 5_000),
    ]);
    ring = { listingId: ringId, a, b, shared };
    const deviceC = device();
    const deviceD = device();
    ordinary = { listingId: ordinaryId, c, d, deviceC, deviceD };
    single = { listingId: singleId };
    await Promise.all([
      applyAndQualify(ringId, a, shared),
      applyAndQualify(ringId, b, shared),
      applyAndQualify(ordinaryId, c, deviceC),
      applyAndQualify(ordinaryId, d, deviceD),
      applyAndQualify(singleId, e, device()),
    ]);

    const recorded = await queryRows<{
      bidder_id: string;
      client_address: string;
      device_fingerprint: string;
    }>(
      ownerDb,
      'SELECT bidder_id, client_address, device_fingerprint FROM registrations WHERE host_id = $1',
      [ringId],
    );
    expect(recorded).toHaveLength(2);
    for (const row of recorded) {
      expect(row.client_address).toMatch(/^127\.0\.\d+\.\d+$/);
      // Stored as the SHA-256 of what the browser sent, never the id itself.
      expect(row.device_fingerprint).toBe(sha256(shared.fingerprint));
    }
    expect(new Set(recorded.map((row) => row.client_address)).size).toBe(1);

    // The bids: the ring's winner at the start price; the ordinary lease bid up.
    await Promise.all([biddingOpen(ringId), biddingOpen(ordinaryId)]);
    const start = listingBody().startPrice;
    await bidFrom(shared, a, ringId, start).expect(201);
    await bidFrom(deviceC, c, ordinaryId, start).expect(201);
    await bidFrom(deviceD, d, ordinaryId, start + 10_000).expect(201);
    const [bid] = await queryRows<{ client_address: string; device_fingerprint: string }>(
      ownerDb,
      `SELECT client_address, device_fingerprint FROM bids WHERE auction_id = $1`,
      [ringId],
    );
    expect(bid).toEqual({
      client_address: recorded[0].client_address,
      device_fingerprint: sha256(shared.fingerprint),
    });

    // Not in any response a bidder, staff or the public reads.
    const reads = [
      await request(api.url).get(`/api/lease-listings/${ringId}`),
      await request(api.url).get(`/api/lease-listings/${ringId}/bids`),
      await as(a)(request(api.url).get('/api/me/lease-registrations')),
      await as(staff)(request(api.url).get(`/api/lease-listings/${ringId}/registrations`)),
      await as(staff)(request(api.url).get(`/api/lease-listings/${ringId}/bid-attempts`)),
      await as(supervisor)(request(api.url).get(`/api/lease-listings/${ringId}/bid-attempts`)),
    ];
    for (const response of reads) {
      expect(response.status).toBe(200);
      const text = JSON.stringify(response.body);
      for (const secret of [
        shared.fingerprint,
        sha256(shared.fingerprint),
        recorded[0].client_address,
        'clientAddress',
        'client_address',
        'deviceFingerprint',
        'device_fingerprint',
      ])
        expect({ url: response.request.url, has: text.includes(secret) }).toEqual({
          url: response.request.url,
          has: false,
        });
    }
  });

  it('fires every crafted rule on the ring when its auction closes, and nothing on the ordinary lease', async () => {
    await Promise.all([scanned(ring.listingId), scanned(ordinary.listingId), scanned(single.listingId)]);
    expect(await rulesOf(ring.listingId)).toEqual([
      'RECURRING_BIDDER_SET',
      'SHARED_CLIENT_ADDRESS',
      'SHARED_DEVICE_FINGERPRINT',
      'WON_AT_START_PRICE',
    ]);
    expect(await rulesOf(ordinary.listingId)).toEqual([]);
    expect(await rulesOf(single.listingId)).toEqual(['SINGLE_QUALIFIED_BIDDER']);

    const byRule = new Map((await alertsOf(ring.listingId)).map((alert) => [alert.ruleId, alert]));
    const address = await as(supervisor)(
      request(api.url).get(`/api/alerts/${byRule.get('SHARED_CLIENT_ADDRESS')!.id}`),
    ).expect(200);
    expect(address.body).toMatchObject({
      ruleId: 'SHARED_CLIENT_ADDRESS',
      title: '不同竞买人使用同一IP地址',
      processType: 'lease_listing',
      processId: ring.listingId,
      state: 'open',
      decidedBy: null,
      evidence: { bidderIds: [ring.a.id, ring.b.id].sort() },
    });
    const device = await as(supervisor)(
      request(api.url).get(`/api/alerts/${byRule.get('SHARED_DEVICE_FINGERPRINT')!.id}`),
    ).expect(200);
    expect(device.body.evidence.deviceFingerprint).toBe(sha256(ring.shared.fingerprint));
    const startPrice = await as(supervisor)(
      request(api.url).get(`/api/alerts/${byRule.get('WON_AT_START_PRICE')!.id}`),
    ).expect(200);
    expect(startPrice.body.evidence).toMatchObject({
      startPrice: listingBody().startPrice,
      finalPrice: listingBody().startPrice,
      winnerId: ring.a.id,
      qualifiedBidders: 2,
    });
    const recurring = await as(supervisor)(
      request(api.url).get(`/api/alerts/${byRule.get('RECURRING_BIDDER_SET')!.id}`),
    ).expect(200);
    expect(recurring.body.evidence).toMatchObject({ meetings: 3, bidderIds: [ring.a.id, ring.b.id].sort() });

    const rules = await as(supervisor)(request(api.url).get('/api/alerts/rules')).expect(200);
    expect(rules.body).toHaveLength(11);
    expect(rules.body).toContainEqual({
      ruleId: 'WON_AT_START_PRICE',
      title: '多家竞买人时以起始价成交',
      thresholds: { startPriceMinQualified: 2 },
    });
  });

  it('raises DEPOSIT_REFUND_OVERDUE for a deposit held past its refund day, not for one due today', async () => {
    // The loser's deposit of the ordinary lease fell due yesterday; the ring's loser's is due
    // today (the centre's days, CENTRE_TZ): still within its day.
    const [loser] = await queryRows<{ id: string }>(
      ownerDb,
      `UPDATE deposits SET refund_due_on = (now() AT TIME ZONE $3)::date - 1
       WHERE host_id = $1 AND bidder_id = $2 AND state = 'received' RETURNING id`,
      [ordinary.listingId, ordinary.c.id, platform.env.config.CENTRE_TZ],
    );
    await queryRows(
      ownerDb,
      `UPDATE deposits SET refund_due_on = (now() AT TIME ZONE $3)::date
       WHERE host_id = $1 AND bidder_id = $2 AND state = 'received'`,
      [ring.listingId, ring.b.id, platform.env.config.CENTRE_TZ],
    );
    expect(
      await queryRows(ownerDb, `SELECT 1 FROM deposits WHERE host_id = $1 AND state = 'received'`, [
        ring.listingId,
      ]),
    ).not.toHaveLength(0);
    const sweep = await platform.worker!.get(AlertsProcessor).sweepOnce();
    expect(sweep.raised).toBe(1);
    const overdue = await alertsOf(ordinary.listingId);
    expect(overdue.map((alert) => alert.ruleId)).toEqual(['DEPOSIT_REFUND_OVERDUE']);
    const read = await as(supervisor)(request(api.url).get(`/api/alerts/${overdue[0].id}`)).expect(200);
    expect(read.body.evidence).toMatchObject({ depositId: loser.id, bidderId: ordinary.c.id });
    expect(await rulesOf(ring.listingId)).not.toContain('DEPOSIT_REFUND_OVERDUE');
  });

  it('never duplicates an alert: the sweep and a re-run find the same findings, and keep their decisions', async () => {
    const before = await alertsOf(ring.listingId);
    const acknowledged = before.find((alert) => alert.ruleId === 'WON_AT_START_PRICE')!;
    await as(supervisor)(request(api.url).post(`/api/alerts/${acknowledged.id}/acknowledge`)).expect(200);
    // A lost job: the scan is forgotten; the sweep runs the process again.
    await queryRows(ownerDb, 'DELETE FROM alert_scans WHERE process_id = ANY($1)', [
      [ring.listingId, single.listingId],
    ]);
    const sweep = await platform.worker!.get(AlertsProcessor).sweepOnce();
    expect(sweep).toMatchObject({ raised: 0 });
    expect(sweep.processes).toBeGreaterThanOrEqual(2);
    await scanned(ring.listingId);
    const after = await alertsOf(ring.listingId);
    expect(after.map((alert) => alert.id).sort()).toEqual(before.map((alert) => alert.id).sort());
    expect(after.find((alert) => alert.id === acknowledged.id)!.state).toBe('acknowledged');
    expect(await rulesOf(single.listingId)).toEqual(['SINGLE_QUALIFIED_BIDDER']);
  });

  it('raises SHARED_CLIENT_ADDRESS and SHARED_DEVICE_FINGERPRINT while bidding, from the socket', async () => {
    const [g, h] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    const listingId = await publishListing(4_000, 600_000);
    // Registered from their own addresses and devices: nothing shared yet.
    await applyAndQualify(listingId, g, device());
    await applyAndQualify(listingId, h, device());
    await biddingOpen(listingId);
    const sameDevice = fingerprint();
    const open = async (bidder: TestUser) => {
      const socket = io(`${platform.gateway.url}/bidding`, {
        auth: { token: bidder.token, deviceFingerprint: sameDevice },
        transports: ['websocket'],
        forceNew: true,
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return socket;
    };
    const start = listingBody().startPrice;
    const firstSocket = await open(g);
    // One bidder alone shares nothing: the first bid's check runs (awaited) and raises nothing.
    const firstCheck = await nextLiveCheck(listingId, async () => {
      const first = await ask(firstSocket, 'bid', { listingId, amount: start, clientBidId: 'g-1' });
      expect(first.ok).toBe(true);
    });
    expect(firstCheck).toEqual({ raised: 0 });
    expect(await rulesOf(listingId)).toEqual([]);
    const second = await ask(await open(h), 'bid', { listingId, amount: start + 10_000, clientBidId: 'h-1' });
    expect(second.ok).toBe(true);
    const live = await waitFor(
      async () => {
        const rules = await rulesOf(listingId);
        return rules.length === 2 ? rules : undefined;
      },
      20_000,
      'the live alerts',
    );
    expect(live).toEqual(['SHARED_CLIENT_ADDRESS', 'SHARED_DEVICE_FINGERPRINT']);
    // Raised while the auction still runs.
    const listing = await request(api.url).get(`/api/lease-listings/${listingId}`).expect(200);
    expect(listing.body.status).toBe('bidding');
    const [{ device_fingerprint: stored }] = await queryRows<{ device_fingerprint: string }>(
      ownerDb,
      `SELECT device_fingerprint FROM bids WHERE auction_id = $1 AND bidder_id = $2`,
      [listingId, h.id],
    );
    expect(stored).toBe(sha256(sameDevice));
  });

  it('moves an alert through the lifecycle table: acknowledge, dismiss with a reason, escalate with a note', async () => {
    const alerts = await alertsOf(ring.listingId);
    const toDismiss = alerts.find((alert) => alert.ruleId === 'SHARED_CLIENT_ADDRESS')!;
    const toEscalate = alerts.find((alert) => alert.ruleId === 'SHARED_DEVICE_FINGERPRINT')!;
    const dismissed = await as(supervisor)(request(api.url).post(`/api/alerts/${toDismiss.id}/dismiss`))
      .send({ reason: '同一单位两名员工在单位网络下报名,已核实无关联' })
      .expect(200);
    expect(dismissed.body).toMatchObject({
      state: 'dismissed',
      decidedBy: supervisor.id,
      reason: '同一单位两名员工在单位网络下报名,已核实无关联',
    });
    const escalated = await as(supervisor)(request(api.url).post(`/api/alerts/${toEscalate.id}/escalate`))
      .send({ note: '立案调查 DH-2026-007' })
      .expect(200);
    expect(escalated.body).toMatchObject({ state: 'escalated', reason: '立案调查 DH-2026-007' });
    const filtered = await as(supervisor)(
      request(api.url).get(`/api/alerts?state=escalated&processId=${ring.listingId}`),
    ).expect(200);
    expect(filtered.body.items.map((alert: Alert) => alert.id)).toEqual([toEscalate.id]);
    const trail = await queryRows<{ action: string }>(
      ownerDb,
      `SELECT action FROM audit_log WHERE entity_type = 'alert' AND entity_id = ANY($1) ORDER BY seq`,
      [[toDismiss.id, toEscalate.id]],
    );
    expect(trail.map((entry) => entry.action)).toEqual(['alert.dismissed', 'alert.escalated']);
  });

  it("raises IDENTICAL_BID_DOCUMENTS and ABNORMALLY_LOW_BID when a tender's bids are opened, and nothing on an ordinary one", async () => {
    const { today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ);
    // Two suppliers' documents are one file; the third bids 500万 against the others' mean of 1250万.
    const desk = { apiUrl: api.url, ownerDb, staff, today };
    const crafted = await tenderWithBids(
      desk,
      [
        { price: 1_000_000_000, sha: 'a'.repeat(64) },
        { price: 1_500_000_000, sha: 'a'.repeat(64) },
        { price: 500_000_000, sha: 'b'.repeat(64) },
      ],
      true,
    );
    const quiet = await tenderWithBids(desk, [
      { price: 1_000_000_000, sha: 'c'.repeat(64) },
      { price: 1_050_000_000, sha: 'e'.repeat(64) },
      { price: 1_100_000_000, sha: 'f'.repeat(64) },
    ]);
    await Promise.all([scanned(crafted.id), scanned(quiet.id)]);
    expect(await rulesOf(crafted.id)).toEqual(['ABNORMALLY_LOW_BID', 'IDENTICAL_BID_DOCUMENTS']);
    expect(await rulesOf(quiet.id)).toEqual([]);
    const byRule = new Map((await alertsOf(crafted.id)).map((alert) => [alert.ruleId, alert]));
    const low = await as(supervisor)(
      request(api.url).get(`/api/alerts/${byRule.get('ABNORMALLY_LOW_BID')!.id}`),
    ).expect(200);
    expect(low.body).toMatchObject({
      processType: 'tender_project',
      evidence: { bidderId: crafted.suppliers[2].id, amount: 500_000_000, othersMean: 1_250_000_000 },
    });
    const identical = await as(supervisor)(
      request(api.url).get(`/api/alerts/${byRule.get('IDENTICAL_BID_DOCUMENTS')!.id}`),
    ).expect(200);
    expect(identical.body.evidence).toMatchObject({
      sha256: 'a'.repeat(64),
      bidderIds: [crafted.suppliers[0].id, crafted.suppliers[1].id].sort(),
    });
    // The sealed bids carry their origin too (supervisor-only): each its supplier's address and
    // device hash, the replaced one its latest submission's.
    const origins = await queryRows<{
      bidder_id: string;
      client_address: string;
      device_fingerprint: string;
    }>(
      ownerDb,
      'SELECT bidder_id, client_address, device_fingerprint FROM sealed_bids WHERE host_id = $1 ORDER BY bidder_id',
      [crafted.id],
    );
    expect(origins).toHaveLength(3);
    expect(origins).toEqual(
      crafted.suppliers
        .map((supplier, index) => ({
          bidder_id: supplier.id,
          client_address: addressOf(crafted.devices[index]),
          device_fingerprint: sha256(crafted.devices[index].fingerprint),
        }))
        .sort((one, other) => one.bidder_id.localeCompare(other.bidder_id)),
    );
  });

  it('raises IDENTICAL_BID_DOCUMENTS on a procurement when the worker opens its responses', async () => {
    const { today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ);
    const documentsAvailableUntil = (
      await request(api.url).get('/api/calendar/deadline').query({ from: today, businessDays: 5 }).expect(200)
    ).body.date as string;
    const created = await as(staff)(request(api.url).post('/api/procurements'))
      .send({
        method: 'open_tender',
        title: '东湖区政务云服务采购',
        purchaserName: '南昌市东湖区数据局',
        purchaserOrgCode: '91360100MA35F6GX2N',
        description: '政务云资源租用一年',
        budget: 800_000_000,
        deposit: 10_000_000,
        documents: [{ name: '采购文件.pdf', sha256: 'd'.repeat(64) }],
        documentsIssuedOn: today,
        documentsAvailableUntil,
        deadlineOn: addCalendarDays(today, 20),
      })
      .expect(201);
    const id = created.body.id as string;
    await as(staff)(request(api.url).post(`/api/procurements/${id}/announce`)).expect(200);
    // Three suppliers at ordinary prices; the first two respond with one and the same file.
    const responses = [
      { price: 700_000_000, sha: '1'.repeat(64) },
      { price: 720_000_000, sha: '1'.repeat(64) },
      { price: 740_000_000, sha: '2'.repeat(64) },
    ];
    const suppliers: TestUser[] = [];
    for (const { price, sha } of responses) {
      const supplier = await registerBidder(api.url);
      // Each from its own address: only the documents are shared.
      const own = device();
      const applied = await as(supplier)(
        request(api.url).post(`/api/procurements/${id}/registrations`).agent(own.agent),
      )
        .send({ organizationCode: organizationCode() })
        .expect(201);
      await as(staff)(
        request(api.url).post(`/api/procurements/${id}/registrations/${applied.body.id}/qualify`),
      )
        .send({ depositReceived: true })
        .expect(200);
      await as(supplier)(request(api.url).put(`/api/procurements/${id}/response`).agent(own.agent))
        .send({ price, documents: [{ name: '响应文件.pdf', sha256: sha }] })
        .expect(200);
      suppliers.push(supplier);
    }
    await queryRows(
      ownerDb,
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await scanned(id);
    const alerts = await alertsOf(id);
    expect(alerts.map((alert) => alert.ruleId)).toEqual(['IDENTICAL_BID_DOCUMENTS']);
    const identical = await as(supervisor)(request(api.url).get(`/api/alerts/${alerts[0].id}`)).expect(200);
    expect(identical.body).toMatchObject({
      processType: 'procurement_project',
      evidence: { sha256: '1'.repeat(64), bidderIds: [suppliers[0].id, suppliers[1].id].sort() },
    });
  });

  it('runs the rules over a concluded transfer auction: two buyers on one device, sold at the start price', async () => {
    const [p, q] = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
    const shared = fingerprint();
    const sold = await auctionedTransferProject(
      { apiUrl: api.url, ownerDatabaseUrl: ownerDb, zone: platform.env.config.CENTRE_TZ, staff },
      [p, q],
      [TRANSFER_VALUATION],
      { deviceFingerprint: shared },
    );
    expect(sold.finalPrice).toBe(TRANSFER_VALUATION);
    await scanned(sold.id);
    const alerts = await alertsOf(sold.id);
    expect(alerts.map((alert) => alert.ruleId).sort()).toEqual([
      'SHARED_CLIENT_ADDRESS',
      'SHARED_DEVICE_FINGERPRINT',
      'WON_AT_START_PRICE',
    ]);
    const byRule = new Map(alerts.map((alert) => [alert.ruleId, alert]));
    const read = async (ruleId: string) =>
      (await as(supervisor)(request(api.url).get(`/api/alerts/${byRule.get(ruleId)!.id}`)).expect(200)).body;
    expect(await read('SHARED_DEVICE_FINGERPRINT')).toMatchObject({
      processType: 'transfer_project',
      processId: sold.id,
      evidence: { deviceFingerprint: sha256(shared), bidderIds: [p.id, q.id].sort() },
    });
    expect((await read('WON_AT_START_PRICE')).evidence).toMatchObject({
      startPrice: TRANSFER_VALUATION,
      finalPrice: TRANSFER_VALUATION,
      winnerId: p.id,
      qualifiedBidders: 2,
    });
  });

  it('filters /api/alerts by the centre’s days (both inclusive), by rule and by process type', async () => {
    const list = async (query: string) =>
      (await as(supervisor)(request(api.url).get(`/api/alerts?${query}&limit=100`)).expect(200)).body as {
        items: Alert[];
        total: number;
      };
    const ids = (alerts: { id: string }[]) => alerts.map((alert) => alert.id).sort();
    const stored = await queryRows<{ id: string; rule_id: string; process_type: string }>(
      ownerDb,
      'SELECT id, rule_id, process_type FROM alerts',
    );
    const storedWhere = (keep: (row: (typeof stored)[number]) => boolean) => ids(stored.filter(keep));

    const byRule = await list('ruleId=WON_AT_START_PRICE');
    expect(byRule.items.length).toBeGreaterThan(0);
    expect(ids(byRule.items)).toEqual(storedWhere((row) => row.rule_id === 'WON_AT_START_PRICE'));
    expect(byRule.total).toBe(byRule.items.length);
    const tenders = await list('processType=tender_project');
    expect(tenders.items.length).toBeGreaterThan(0);
    expect(ids(tenders.items)).toEqual(storedWhere((row) => row.process_type === 'tender_project'));
    expect(stored.length).toBeGreaterThan(tenders.items.length);

    // Two alerts raised (in SQL) at 00:30 and at midnight in Asia/Shanghai: 16:30 and 16:00 UTC
    // the day before. They belong to the Shanghai days, not the UTC ones.
    expect(platform.env.config.CENTRE_TZ).toBe('Asia/Shanghai');
    const [early, midnight] = tenders.items;
    await queryRows(ownerDb, 'UPDATE alerts SET raised_at = $2 WHERE id = $1', [
      early.id,
      '2020-03-10T16:30:00Z',
    ]);
    await queryRows(ownerDb, 'UPDATE alerts SET raised_at = $2 WHERE id = $1', [
      midnight.id,
      '2020-03-11T16:00:00Z',
    ]);
    expect(ids((await list('from=2020-03-11&to=2020-03-11')).items)).toEqual([early.id]);
    expect(ids((await list('from=2020-03-10&to=2020-03-10')).items)).toEqual([]);
    expect(ids((await list('from=2020-03-12&to=2020-03-12')).items)).toEqual([midnight.id]);
    expect(ids((await list('to=2020-03-11')).items)).toEqual([early.id]);
    expect(ids((await list('from=2020-03-11&to=2020-03-12')).items)).toEqual(ids([early, midnight]));
    const since = ids((await list('from=2020-03-12')).items);
    expect(since).toContain(midnight.id);
    expect(since).not.toContain(early.id);
    expect(
      ids(
        (await list('from=2020-03-11&to=2020-03-11&ruleId=' + early.ruleId + '&processType=tender_project'))
          .items,
      ),
    ).toEqual([early.id]);
  });

  describe('a procurement’s item (品目) and PROJECT_SPLITTING (化整为零)', () => {
    const ITEM = { itemCode: 'A02010104', itemName: '台式计算机' };
    const THRESHOLD = 400_000_000; // 400万元, the default open-tender threshold
    let desk: ProcessDesk;

    beforeAll(async () => {
      const { today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ);
      desk = { apiUrl: api.url, ownerDb, staff, today };
    });

    /** A non-open procurement concluded without responses (废标 at its opening): the detectors run. */
    async function concluded(id: string) {
      await passProcurementDeadline(desk, id, 'failed');
      await scanned(id);
    }

    /** A competitive negotiation's body (the calls below), its schedule from today. */
    const announcedBody = async () => ({
      method: 'competitive_negotiation',
      title: '东湖区办公设备采购',
      purchaserName: '南昌市东湖区机关事务管理局',
      purchaserOrgCode: organizationCode(),
      description: '台式计算机一批',
      budget: 150_000_000,
      documentsIssuedOn: desk.today,
      deadlineOn: (
        await request(api.url)
          .get('/api/calendar/deadline')
          .query({ from: desk.today, businessDays: 3 })
          .expect(200)
      ).body.date as string,
    });

    it('records the item canonical, shows it publicly, and refuses a malformed one with its code, writing nothing', async () => {
      const id = await announcedProcurement(desk, 'competitive_negotiation', {
        itemCode: ' a02010104 ',
        itemName: ' 台式计算机 ',
      });
      const read = await request(api.url).get(`/api/procurements/${id}`).expect(200);
      expect(read.body).toMatchObject(ITEM);
      const planned = (
        await as(staff)(request(api.url).post('/api/procurements'))
          .send({
            ...(await announcedBody()),
            itemCode: 'C1601',
            itemName: '物业管理服务',
          })
          .expect(201)
      ).body.id as string;

      const TABLES = ['procurement_projects', 'audit_log'];
      const before = await tableContents(appDb, TABLES);
      const create = async (item: Record<string, unknown>) =>
        as(staff)(request(api.url).post('/api/procurements')).send({ ...(await announcedBody()), ...item });
      for (const [item, fields] of [
        [{ itemCode: 'A0201010', itemName: '台式计算机' }, ['itemCode']],
        [{ itemCode: 'X02', itemName: '台式计算机' }, ['itemCode']],
        [{ itemCode: 'A02010104' }, ['itemName']],
        [{ itemName: '台式计算机' }, ['itemCode']],
        [{ itemCode: 'A02', itemName: '   ' }, ['itemName']],
        [{ itemCode: 'A02', itemName: '机'.repeat(101) }, ['itemName']],
        [{ itemCode: 'A020101040101', itemName: '' }, ['itemCode', 'itemName']],
      ] as [Record<string, unknown>, string[]][]) {
        const refused = expectError(await create(item), 400, 'PROCUREMENT_ITEM_INVALID');
        expect((refused.details as { field: string }[]).map((one) => one.field)).toEqual(fields);
      }
      expectError(await create({ itemCode: 12345, itemName: '台式计算机' }), 400, 'VALIDATION_FAILED');
      expectError(await create({ itemCode: null, itemName: null }), 400, 'VALIDATION_FAILED');
      const mismatch = expectError(
        await create({ ...ITEM, subjectType: 'services' }),
        422,
        'PROCUREMENT_ITEM_SUBJECT_MISMATCH',
      );
      expect(mismatch.details).toEqual({
        itemCode: 'A02010104',
        subjectType: 'services',
        expectedLetter: 'C',
      });
      // An edit is checked the same, on the project as it would become.
      const edit = (changes: Record<string, unknown>) =>
        as(staff)(request(api.url).patch(`/api/procurements/${planned}`)).send(changes);
      expectError(await edit({ itemCode: 'C16-01' }), 400, 'PROCUREMENT_ITEM_INVALID');
      expectError(await edit({ subjectType: 'goods' }), 422, 'PROCUREMENT_ITEM_SUBJECT_MISMATCH');
      expect(await tableContents(appDb, TABLES)).toEqual(before);
      const edited = await edit({ itemCode: 'a02', itemName: '通用设备' }).expect(200);
      expect(edited.body).toMatchObject({ itemCode: 'A02', itemName: '通用设备' });
    });

    it('fires on a purchaser’s third negotiation of one item in a year that takes the total over 400万, with the parts as evidence', async () => {
      const purchaserOrgCode = organizationCode();
      const negotiation = (budget: number, item = ITEM) =>
        announcedProcurement(desk, 'competitive_negotiation', { purchaserOrgCode, budget, ...item });
      // Three of 150万 each, every one under the threshold: 450万 together.
      const first = await negotiation(150_000_000);
      const second = await negotiation(150_000_000);
      const third = await negotiation(150_000_000);
      // The same purchaser's copiers: another class (A0202 beside A0201), in no one's sum.
      const copiers = await negotiation(150_000_000, { itemCode: 'A020201', itemName: '复印机' });
      await concluded(third);
      await concluded(copiers);
      const alerts = await alertsOf(third);
      expect(alerts.map((alert) => alert.ruleId)).toEqual(['PROJECT_SPLITTING']);
      expect(await rulesOf(copiers)).toEqual([]);
      const read = await as(supervisor)(request(api.url).get(`/api/alerts/${alerts[0].id}`)).expect(200);
      const year = Number(desk.today.slice(0, 4));
      expect(read.body).toMatchObject({
        processType: 'procurement_project',
        processId: third,
        title: '化整为零规避招标',
        evidence: {
          ownerId: purchaserOrgCode,
          subject: 'A02010104',
          year,
          total: 450_000_000,
          threshold: THRESHOLD,
        },
      });
      expect(
        (read.body.evidence.parts as { processId: string; estimatedValue: number }[])
          .map(({ processId, estimatedValue }) => ({ processId, estimatedValue }))
          .sort((one, other) => one.processId.localeCompare(other.processId)),
      ).toEqual(
        [third, first, second]
          .map((processId) => ({ processId, estimatedValue: 150_000_000 }))
          .sort((one, other) => one.processId.localeCompare(other.processId)),
      );
    });

    it('matches the parts by their class: A0201, A020101 and A02010104 filed apart fire as one purchase', async () => {
      const purchaserOrgCode = organizationCode();
      const negotiation = (itemCode: string, itemName: string) =>
        announcedProcurement(desk, 'competitive_negotiation', {
          purchaserOrgCode,
          budget: 150_000_000,
          itemCode,
          itemName,
        });
      // 150万 each, at three depths of one class (计算机设备): 450万 together.
      const parts = [
        await negotiation('A0201', '计算机设备及软件'),
        await negotiation('A020101', '计算机设备'),
        await negotiation('A02010104', '台式计算机'),
      ];
      await concluded(parts[2]);
      const alerts = await alertsOf(parts[2]);
      expect(alerts.map((alert) => alert.ruleId)).toEqual(['PROJECT_SPLITTING']);
      const read = await as(supervisor)(request(api.url).get(`/api/alerts/${alerts[0].id}`)).expect(200);
      expect(read.body.evidence).toMatchObject({
        ownerId: purchaserOrgCode,
        subject: 'A02010104',
        category: 'A0201',
        total: 450_000_000,
      });
      expect(
        (read.body.evidence.parts as { processId: string; subject: string }[])
          .map(({ processId, subject }) => ({ processId, subject }))
          .sort((one, other) => one.processId.localeCompare(other.processId)),
      ).toEqual(
        [
          { processId: parts[0], subject: 'A0201' },
          { processId: parts[1], subject: 'A020101' },
          { processId: parts[2], subject: 'A02010104' },
        ].sort((one, other) => one.processId.localeCompare(other.processId)),
      );
    });

    it('stays quiet when the other part was announced another year, or was openly tendered', async () => {
      // 300万 announced last year (its notice day moved back: the database stands in for the year) + 200万 now.
      const lastYearsBuyer = organizationCode();
      const lastYear = await announcedProcurement(desk, 'competitive_negotiation', {
        purchaserOrgCode: lastYearsBuyer,
        budget: 300_000_000,
        ...ITEM,
      });
      await queryRows(
        ownerDb,
        `UPDATE procurement_projects SET announced_on = announced_on - interval '1 year' WHERE id = $1`,
        [lastYear],
      );
      const thisYear = await announcedProcurement(desk, 'competitive_negotiation', {
        purchaserOrgCode: lastYearsBuyer,
        budget: 200_000_000,
        ...ITEM,
      });
      // 300万 openly tendered + 200万 negotiated: the open tender is part of no split.
      const tenderingBuyer = organizationCode();
      await announcedProcurement(desk, 'open_tender', {
        purchaserOrgCode: tenderingBuyer,
        budget: 300_000_000,
        ...ITEM,
      });
      const negotiated = await announcedProcurement(desk, 'competitive_negotiation', {
        purchaserOrgCode: tenderingBuyer,
        budget: 200_000_000,
        ...ITEM,
      });
      await concluded(thisYear);
      await concluded(negotiated);
      expect(await rulesOf(thisYear)).toEqual([]);
      expect(await rulesOf(negotiated)).toEqual([]);
    });
  });

  describe('OUTLIER_WINNING_SCORE on a comprehensively scored procurement', () => {
    let desk: ProcessDesk;
    let suppliers: TestUser[];
    const PRICES = [500_000_000, 520_000_000, 540_000_000];

    beforeAll(async () => {
      const { today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ);
      desk = { apiUrl: api.url, ownerDb, staff, today };
      suppliers = await Promise.all([0, 1, 2].map(() => registerBidder(api.url)));
    });

    /** The winner the last run over the process saw (alert_scans), once it has run. */
    const scannedWinner = async (id: string) => {
      await scanned(id);
      const [scan] = await queryRows<{ winner_id: string | null }>(
        ownerDb,
        'SELECT winner_id FROM alert_scans WHERE process_id = $1',
        [id],
      );
      return scan.winner_id;
    };

    /**
     * Scored by every member, awarded to the first; the run at the opening saw no winner, so the
     * sweep runs it again once awarded.
     */
    async function awarded(technical: number[]) {
      const procurement = await scoredProcurement(
        desk,
        suppliers.map((supplier, index) => ({ supplier, price: PRICES[index], technical: technical[index] })),
        async (id) => expect(await scannedWinner(id)).toBeNull(),
      );
      await platform.worker!.get(AlertsProcessor).sweepOnce();
      return procurement;
    }

    it('fires when the winner’s score is > 3σ and ≥ 5 points above the others’, once the award is made', async () => {
      // Technical 60, 62 and 100: c ranks first (97.78 with its price) though dearest.
      const procurement = await awarded([60, 62, 100]);
      expect(procurement.awardedBidId).toBe(procurement.bidIds[2]);
      expect(await scannedWinner(procurement.id)).toBe(suppliers[2].id);
      const alerts = await alertsOf(procurement.id);
      expect(alerts.map((alert) => alert.ruleId)).toEqual(['OUTLIER_WINNING_SCORE']);
      const read = await as(supervisor)(request(api.url).get(`/api/alerts/${alerts[0].id}`)).expect(200);
      expect(read.body).toMatchObject({
        processType: 'procurement_project',
        title: '中标人得分异常偏离',
        evidence: {
          winnerId: suppliers[2].id,
          winnerScore: 100,
          othersMean: 61,
          othersStandardDeviation: 1,
          lead: 39,
        },
      });
    });

    it('stays quiet on an ordinary spread (a lead of 6 points, 1.5σ)', async () => {
      const procurement = await awarded([70, 68, 60]);
      expect(procurement.awardedBidId).toBe(procurement.bidIds[0]);
      expect(await scannedWinner(procurement.id)).toBe(suppliers[0].id);
      expect(await rulesOf(procurement.id)).toEqual([]);
    });
  });

  describe('bad input on every new endpoint: a 4xx with its code, nothing written', () => {
    let before: TableContents;
    const TABLES = ['alerts', 'alert_scans', 'audit_log', 'registrations'];
    let openAlertId: string;
    let dismissedAlertId: string;

    beforeAll(async () => {
      const alerts = await alertsOf(ring.listingId);
      openAlertId = alerts.find((alert) => alert.ruleId === 'RECURRING_BIDDER_SET')!.id;
      dismissedAlertId = alerts.find((alert) => alert.state === 'dismissed')!.id;
    });
    beforeEach(async () => {
      before = await tableContents(appDb, TABLES);
    });
    afterEach(async () => {
      expect(await tableContents(appDb, TABLES)).toEqual(before);
    });

    const unknownId = '00000000-0000-4000-8000-000000000000';

    it.each([
      ['ruleId=NOPE', 'VALIDATION_FAILED'],
      ['state=closed', 'VALIDATION_FAILED'],
      ['processType=lease', 'VALIDATION_FAILED'],
      ['processId=not-a-uuid', 'INVALID_ID'],
      ['from=2026-13-01', 'VALIDATION_FAILED'],
      ['to=yesterday', 'VALIDATION_FAILED'],
      ['from=2026-11-02&to=2026-11-01', 'INVALID_PERIOD'],
      ['limit=0', 'VALIDATION_FAILED'],
      ['offset=-1', 'VALIDATION_FAILED'],
    ])('GET /api/alerts?%s → 400 %s', async (query, code) => {
      expectError(await as(supervisor)(request(api.url).get(`/api/alerts?${query}`)), 400, code);
    });

    it('an unknown or malformed id', async () => {
      expectError(await as(supervisor)(request(api.url).get('/api/alerts/xyz')), 400, 'INVALID_ID');
      expectError(
        await as(supervisor)(request(api.url).get(`/api/alerts/${unknownId}`)),
        404,
        'ALERT_NOT_FOUND',
      );
      for (const [action, body] of [
        ['acknowledge', {}],
        ['dismiss', { reason: 'x' }],
        ['escalate', { note: 'x' }],
      ] as const) {
        expectError(
          await as(supervisor)(request(api.url).post(`/api/alerts/${unknownId}/${action}`)).send(body),
          404,
          'ALERT_NOT_FOUND',
        );
        expectError(
          await as(supervisor)(request(api.url).post(`/api/alerts/XYZ/${action}`)).send(body),
          400,
          'INVALID_ID',
        );
      }
    });

    it('a decided alert moves no more; a step the table refuses is 409', async () => {
      for (const [action, body] of [
        ['acknowledge', {}],
        ['dismiss', { reason: '再次驳回' }],
        ['escalate', { note: '再次上报' }],
      ] as const) {
        const refused = expectError(
          await as(supervisor)(request(api.url).post(`/api/alerts/${dismissedAlertId}/${action}`)).send(body),
          409,
          'ALERT_TRANSITION_NOT_ALLOWED',
        );
        expect(refused.details).toEqual({ state: 'dismissed', action });
      }
    });

    it.each([
      ['dismiss', 'no reason', {}],
      ['dismiss', 'a blank reason', { reason: '   ' }],
      ['dismiss', 'a number', { reason: 12 }],
      ['dismiss', 'a reason over 1000 characters', { reason: 'x'.repeat(1001) }],
      ['escalate', 'no note', {}],
      ['escalate', 'an empty note', { note: '' }],
      ['escalate', 'a null note', { note: null }],
    ])('POST %s with %s → 400 VALIDATION_FAILED', async (action, _what, body) => {
      expectError(
        await as(supervisor)(request(api.url).post(`/api/alerts/${openAlertId}/${action}`)).send(body),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('only supervisors: others 403, no sign-in 401', async () => {
      const bidder = ring.a;
      for (const [method, path] of [
        ['get', '/api/alerts'],
        ['get', '/api/alerts/rules'],
        ['get', `/api/alerts/${openAlertId}`],
        ['post', `/api/alerts/${openAlertId}/acknowledge`],
        ['post', `/api/alerts/${openAlertId}/dismiss`],
        ['post', `/api/alerts/${openAlertId}/escalate`],
      ] as const) {
        for (const user of [staff, bidder])
          expectError(
            await as(user)(request(api.url)[method](path)).send({ reason: 'x', note: 'x' }),
            403,
            'FORBIDDEN',
          );
        expectError(
          await request(api.url)[method](path).send({ reason: 'x', note: 'x' }),
          401,
          'UNAUTHENTICATED',
        );
      }
    });

    it('a malformed device fingerprint: 400 DEVICE_FINGERPRINT_INVALID before anything happens; the socket refuses it', async () => {
      const listingId = await publishListing(3_600_000, 600_000);
      before = await tableContents(appDb, TABLES);
      for (const bad of [
        'short',
        'x'.repeat(129),
        'has space in it 123',
        'abcdefghijklmnop/q',
        'abcdefghijklmnop%E6',
      ])
        expectError(
          await request(api.url)
            .post(`/api/lease-listings/${listingId}/registrations`)
            .set('X-Device-Fingerprint', bad)
            .auth(ring.a.token, { type: 'bearer' })
            .send({}),
          400,
          'DEVICE_FINGERPRINT_INVALID',
        );
      expectError(
        await as(supervisor)(request(api.url).get('/api/alerts')).set('X-Device-Fingerprint', 'a/b'),
        400,
        'DEVICE_FINGERPRINT_INVALID',
      );
      for (const bad of ['short', 12345, { id: 'abcdefghijklmnopq' }, 'x'.repeat(129)]) {
        const refused = await handshake(platform.gateway.url, {
          token: ring.a.token,
          deviceFingerprint: bad,
        });
        expect(refused).toMatchObject({
          connected: false,
          error: { data: { code: 'DEVICE_FINGERPRINT_INVALID' } },
        });
      }
    });
  });
});
