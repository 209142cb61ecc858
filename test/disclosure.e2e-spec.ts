import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingBody,
  organizationCode,
  registerBidder,
  registerOrganization,
  type TestOrganization,
  type TestUser,
  unique,
  waitFor,
} from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import {
  agreedTransferProject,
  businessDeadline,
  centreDays,
  transferProjectBody,
} from './support/transfers.js';
import { schemaProblems, validateRecordPackage, validateReleasePackage } from './support/ocds-schemas.js';
import {
  awardTender,
  callOff,
  decideProcurement,
  drawProcurementCommittee,
  newFramework,
  newTender,
  openSealed,
  type ProcessContext,
  procurementResponses,
  publishCandidates,
  reportProcurement,
  reportTender,
  signProcurementContract,
  signTenderContract,
  startProcurementEvaluation,
  startTenderEvaluation,
  tenderBids,
} from './support/public-processes.js';

const SHA = 'e'.repeat(64);
const DRAFT_SHA = '7c'.repeat(32);
// Numbers nobody else writes: finding one in a public response means it leaked.
const RESERVE = 817_353;
const SEALED_PRICE = 1_873_246_519;
const OPENED_PRICES = [1_834_517_293, 1_796_240_611, 1_911_338_457];
// Prices of the evaluated tenders and the framework agreement (public from their openings).
const CANDIDATE_PRICES = [1_512_345_600, 1_634_560_000, 1_745_670_000];
const AWARD_PRICES = [1_423_456_700, 1_534_567_800, 1_645_678_900];
const FRAMEWORK_PRICES = [301_234_500, 312_345_600, 323_456_700];
const CALL_OFFS = [12_000_000, 8_500_000];
/** Money a public response must never carry, in fen and as OCDS's yuan (2 decimals, or fewer). */
const SECRET_AMOUNTS = (fen: number) => [
  String(fen),
  String(fen / 100),
  (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 }),
];
const SITE = 'https://ggzy.example.cn';
// A decided complaint: its grounds and evidence are never published, its decision is.
const COMPLAINT_GROUNDS = '竞价过程中系统延迟导致报价未被接收（投诉理由，不公开）';
const COMPLAINT_SHA = '3d'.repeat(32);
const COMPLAINT_FILE = '投诉证据-屏幕录像.mp4';
const COMPLAINT_DECISION = '经查，系统日志显示报价均按时接收，投诉不成立';
const OCID_PREFIX = 'ocds-tst001-';

/**
 * The public disclosure (公开), no sign-in, on a platform seeded with every line: leases sold,
 * cancelled and in draft; a transfer sold by agreement; tenders opened (with an amendment and a
 * clarification), still sealed, terminated and in draft; procurements announced and terminated;
 * a credit record. Announcements are listed, searched, filtered and read; the Atom feed is valid
 * XML; deals carry public fields only. Then a walk over EVERY public response finds no reserve
 * price, user id, username or name, client address, unpublished document or sealed price.
 */
describe('public disclosure (公开)', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidders: TestUser[];
  let suppliers: TestUser[];
  let buyer: TestUser;
  /**
   * An organisation's own account, applying with its own code: named by its registered name, which
   * staff confirm when they qualify it.
   */
  let organization: TestOrganization;
  /**
   * An account registered under another organisation's code (nobody checks it at sign-up) with a
   * name of its choosing, applying with that code: staff confirm no name, so it is named by the
   * code alone — never by its account's name.
   */
  let impostor: TestOrganization;
  const impostorCode = organizationCode();
  let ownerDb: string;
  let today: string;
  const supplierCodes = [organizationCode(), organizationCode(), organizationCode()];
  const seeded = {} as {
    soldLease: string;
    soldLeaseCodes: Map<string, string>;
    cancelledLease: string;
    draftLease: string;
    transfer: string;
    openedTender: { id: string; code: string };
    sealedTender: string;
    terminatedTender: string;
    draftTender: string;
    procurement: { id: string; code: string };
    terminatedProcurement: string;
    /** In the candidates' publicity: the organisation first, a person's account, an impostor. */
    candidatesTender: { id: string; code: string; bidIds: string[] };
    /** Awarded to a person's account (named by its organisation's code) and contracted. */
    awardedTender: { id: string; code: string; bidIds: string[] };
    /** A framework agreement: its result, contract and two call-off orders. */
    framework: { id: string; code: string; bidIds: string[]; callOffs: string[] };
    /** Drafts ended before they were ever announced: one per line. */
    endedDrafts: { tender: string; procurement: string; transfer: string; lease: string };
    complaint: string;
  };
  const TITLES = {
    openedTender: unique('东湖区开标道路工程'),
    draftTender: unique('未公告的草稿工程'),
    draftLease: unique('未发布的草稿店面'),
    procurement: unique('东湖区公开采购办公设备'),
    endedDraftTender: unique('终止的草稿工程'),
    endedDraftProcurement: unique('终止的草稿采购'),
    endedDraftTransfer: unique('终止的草稿转让'),
    endedDraftLease: unique('作废的草稿店面'),
  };

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  const anonymous = (path: string) => request(api.url).get(path);

  async function tender(title: string, announce = true) {
    const created = await as(staff)(request(api.url).post('/api/tenders'))
      .send({
        title,
        ownerName: '南昌市东湖区住房和城乡建设局',
        ownerOrgCode: '91360100MA35F6GX2N',
        kind: 'road',
        description: '道路改造 1.2 公里',
        estimatedPrice: 2_000_000_000,
        stateFunded: true,
        evaluationMethod: 'lowest_evaluated_price',
        deposit: 20_000_000,
        documents: [{ name: '招标文件.pdf', sha256: announce ? SHA : DRAFT_SHA }],
        saleStartsOn: today,
        saleEndsOn: addCalendarDays(today, 5),
        documentsIssuedOn: today,
        bidDeadlineOn: addCalendarDays(today, 20),
      })
      .expect(201);
    const id = created.body.id as string;
    if (announce) await as(staff)(request(api.url).post(`/api/tenders/${id}/announce`)).expect(200);
    return { id, code: created.body.code as string };
  }

  async function qualifySuppliers(tenderId: string) {
    for (const [index, supplier] of suppliers.entries()) {
      const applied = await as(supplier)(request(api.url).post(`/api/tenders/${tenderId}/registrations`))
        .send({ organizationCode: supplierCodes[index] })
        .expect(201);
      await as(staff)(
        request(api.url).post(`/api/tenders/${tenderId}/registrations/${applied.body.id}/qualify`),
      )
        .send({ depositReceived: true })
        .expect(200);
    }
  }

  const sealedBid = (user: TestUser, tenderId: string, price: number) =>
    as(user)(request(api.url).put(`/api/tenders/${tenderId}/bid`))
      .send({ price, documents: [{ name: '投标文件.pdf', sha256: SHA }] })
      .expect(200);

  async function procurement(title: string, announce = true) {
    const deadlineOn = await businessDeadline(api.url, today, 3);
    const created = await as(staff)(request(api.url).post('/api/procurements'))
      .send({
        title,
        purchaserName: '南昌市东湖区教育局',
        purchaserOrgCode: '12360102MB1795213K',
        description: '台式计算机 200 台',
        supplierConditions: '具有独立承担民事责任的能力',
        budget: 150_000_000,
        deposit: 3_000_000,
        documents: [{ name: '采购文件.pdf', sha256: SHA }],
        deadlineTime: '09:30',
        method: 'competitive_negotiation',
        documentsIssuedOn: today,
        deadlineOn,
      })
      .expect(201);
    const id = created.body.id as string;
    if (announce) await as(staff)(request(api.url).post(`/api/procurements/${id}/announce`)).expect(200);
    return { id, code: created.body.code as string };
  }

  beforeAll(async () => {
    platform = await startTestPlatform({ PUBLIC_SITE_URL: SITE, OCDS_OCID_PREFIX: OCID_PREFIX });
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    [staff, supervisor] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
    ]);
    bidders = await Promise.all([0, 1].map(() => registerBidder(api.url)));
    suppliers = await Promise.all([0, 1, 2].map(() => registerBidder(api.url)));
    buyer = await registerBidder(api.url);

    // Leases: one sold live above its reserve, one cancelled with a public reason, one draft.
    const sold = await createPublishedListing(
      api.url,
      staff,
      bidders,
      { biddingInMs: 5000, freeMs: 1500, extensionSeconds: 1 },
      { reservePrice: RESERVE },
    );
    seeded.soldLease = sold.id;
    seeded.soldLeaseCodes = sold.codes;
    const cancelled = await createPublishedListing(api.url, staff, [], { biddingInMs: 3_600_000 });
    await as(staff)(request(api.url).post(`/api/lease-listings/${cancelled.id}/cancel`))
      .send({ reason: '该房屋另作公益用途' })
      .expect(200);
    seeded.cancelledLease = cancelled.id;
    const draft = await as(staff)(request(api.url).post('/api/lease-listings'))
      .send(listingBody({ biddingInMs: 3_600_000 }, { title: TITLES.draftLease, reservePrice: RESERVE }))
      .expect(201);
    seeded.draftLease = draft.body.id;
    await waitFor(
      async () => (await anonymous(`/api/lease-listings/${sold.id}`)).body.status === 'bidding' || undefined,
      15_000,
      'the lease bidding',
    );
    for (const [index, bidder] of bidders.entries())
      await as(bidder)(request(api.url).post(`/api/lease-listings/${sold.id}/bids`))
        .send({ amount: 810_000 + index * 10_000, clientBidId: `disclosure-${index}` })
        .expect(201);

    // A transfer sold by agreement to its one buyer.
    seeded.transfer = (
      await agreedTransferProject(
        { apiUrl: api.url, ownerDatabaseUrl: ownerDb, zone: platform.env.config.CENTRE_TZ, staff },
        buyer,
      )
    ).id;

    // Tenders: opened (after an amendment and a clarification), still sealed, terminated, draft.
    seeded.openedTender = await tender(TITLES.openedTender);
    for (const kind of ['amendment', 'clarification'])
      await as(staff)(request(api.url).post(`/api/tenders/${seeded.openedTender.id}/amendments`))
        .send({
          kind,
          text: kind === 'amendment' ? '第 3 章工程量清单修改' : '关于资格条件的澄清',
          documents: [{ name: `${kind}.pdf`, sha256: SHA }],
          affectsBidPreparation: false,
        })
        .expect(201);
    await qualifySuppliers(seeded.openedTender.id);
    for (const [index, supplier] of suppliers.entries())
      await sealedBid(supplier, seeded.openedTender.id, OPENED_PRICES[index]);
    seeded.sealedTender = (await tender(unique('东湖区未开标工程'))).id;
    await qualifySuppliers(seeded.sealedTender);
    await sealedBid(suppliers[0], seeded.sealedTender, SEALED_PRICE);
    seeded.terminatedTender = (await tender(unique('东湖区终止工程'))).id;
    await as(staff)(request(api.url).post(`/api/tenders/${seeded.terminatedTender}/terminate`))
      .send({ reason: '项目资金未落实,终止招标' })
      .expect(200);
    seeded.draftTender = (await tender(TITLES.draftTender, false)).id;
    await queryRows(
      ownerDb,
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [seeded.openedTender.id],
    );

    // Procurement: one announced, one terminated.
    seeded.procurement = await procurement(TITLES.procurement);
    seeded.terminatedProcurement = (await procurement(unique('东湖区终止采购'))).id;
    await as(staff)(request(api.url).post(`/api/procurements/${seeded.terminatedProcurement}/terminate`))
      .send({ reason: '采购需求取消' })
      .expect(200);

    // Tenders evaluated to their candidates' publicity, and to the award and its contract; a
    // framework agreement to its result, contract and call-off orders.
    const ctx: ProcessContext = { apiUrl: api.url, ownerDb, staff, today };
    organization = await registerOrganization(api.url, unique('南昌市东湖区路桥建设有限公司'));
    impostor = await registerOrganization(api.url, unique('冒名的某某工程有限公司'), impostorCode);
    const persons = suppliers.map((user, index) => ({ user, code: supplierCodes[index] }));
    {
      const tendered = await newTender(ctx, { title: unique('东湖区候选人公示道路工程') });
      const bidIds = await tenderBids(
        ctx,
        tendered.id,
        [
          { user: organization, code: organization.orgCode, name: organization.name },
          persons[0],
          { user: impostor, code: impostorCode },
        ],
        CANDIDATE_PRICES,
      );
      await openSealed(ctx, 'tender', tendered.id);
      await startTenderEvaluation(ctx, tendered.id);
      await reportTender(ctx, tendered.id, bidIds, CANDIDATE_PRICES);
      await publishCandidates(ctx, tendered.id);
      seeded.candidatesTender = { ...tendered, bidIds };
    }
    {
      const tendered = await newTender(ctx, { title: unique('东湖区中标道路工程') });
      const bidIds = await tenderBids(ctx, tendered.id, persons, AWARD_PRICES);
      await openSealed(ctx, 'tender', tendered.id);
      await startTenderEvaluation(ctx, tendered.id);
      await reportTender(ctx, tendered.id, bidIds, AWARD_PRICES);
      await publishCandidates(ctx, tendered.id);
      await awardTender(ctx, tendered.id, bidIds[0]);
      await signTenderContract(ctx, tendered.id);
      seeded.awardedTender = { ...tendered, bidIds };
    }
    {
      const framework = await newFramework(ctx, { title: unique('东湖区办公设备框架协议采购') });
      await drawProcurementCommittee(ctx, framework.id);
      const bidIds = await procurementResponses(
        ctx,
        framework.id,
        [{ user: organization, code: organization.orgCode, name: organization.name }, persons[1], persons[2]],
        FRAMEWORK_PRICES,
      );
      await openSealed(ctx, 'procurement', framework.id);
      await startProcurementEvaluation(ctx, framework.id);
      await reportProcurement(ctx, framework.id);
      await decideProcurement(ctx, framework.id, bidIds[0]);
      await signProcurementContract(ctx, framework.id);
      const orders = [
        await callOff(ctx, framework.id, organization, { amount: CALL_OFFS[0], title: '第一批办公设备' }),
        await callOff(ctx, framework.id, suppliers[1], { amount: CALL_OFFS[1], title: '第二批办公设备' }),
      ];
      seeded.framework = { ...framework, bidIds, callOffs: orders.map((order) => order.id) };
    }

    // A draft of every line ended before it was announced: never public, not even its ending.
    const end = (path: string, action: string, reason: string) =>
      as(staff)(request(api.url).post(`${path}/${action}`))
        .send({ reason })
        .expect(200);
    const endedTender = (await tender(TITLES.endedDraftTender, false)).id;
    await end(`/api/tenders/${endedTender}`, 'terminate', '内部草稿作废');
    const endedProcurement = (await procurement(TITLES.endedDraftProcurement, false)).id;
    await end(`/api/procurements/${endedProcurement}`, 'terminate', '内部草稿作废');
    const endedTransfer = (
      await as(staff)(request(api.url).post('/api/transfer-projects'))
        .send(
          transferProjectBody({
            title: TITLES.endedDraftTransfer,
            disclosureEndsOn: await businessDeadline(api.url, today, 20),
          }),
        )
        .expect(201)
    ).body.id as string;
    await end(`/api/transfer-projects/${endedTransfer}`, 'terminate', '内部草稿作废');
    const endedLease = (
      await as(staff)(request(api.url).post('/api/lease-listings'))
        .send(listingBody({ biddingInMs: 3_600_000 }, { title: TITLES.endedDraftLease }))
        .expect(201)
    ).body.id as string;
    await end(`/api/lease-listings/${endedLease}`, 'cancel', '内部草稿作废');
    seeded.endedDrafts = {
      tender: endedTender,
      procurement: endedProcurement,
      transfer: endedTransfer,
      lease: endedLease,
    };

    // A credit record of a person (masked on the public list).
    await as(supervisor)(request(api.url).post('/api/supervision/sanctions'))
      .send({ partyId: bidders[0].id, kind: 'warning', reason: 'misconduct', basis: '《交易规则》第 12 条' })
      .expect(201);

    await waitFor(
      async () => (await anonymous(`/api/lease-listings/${sold.id}`)).body.status === 'sold' || undefined,
      30_000,
      'the lease sold',
    );
    await waitFor(
      async () =>
        (await as(staff)(request(api.url).get(`/api/tenders/${seeded.openedTender.id}`))).body.status ===
          'opened' || undefined,
      30_000,
      'the tender opened',
    );

    // A complaint on the sold lease, accepted, investigated and dismissed: its decision is published.
    const complaint = await as(bidders[1])(request(api.url).post('/api/complaints'))
      .send({
        projectType: 'lease',
        projectId: sold.id,
        kind: 'complaint',
        stage: 'announcement',
        grounds: COMPLAINT_GROUNDS,
        attachments: [{ name: COMPLAINT_FILE, sha256: COMPLAINT_SHA }],
      })
      .expect(201);
    seeded.complaint = complaint.body.id as string;
    for (const step of ['accept', 'investigate'])
      await as(supervisor)(request(api.url).post(`/api/complaints/${seeded.complaint}/${step}`)).expect(200);
    await as(supervisor)(request(api.url).post(`/api/complaints/${seeded.complaint}/decide`))
      .send({ outcome: 'dismissed', reason: COMPLAINT_DECISION })
      .expect(200);
  }, 420_000);

  afterAll(async () => {
    await platform?.close();
  });

  const announcements = async (query: Record<string, string | number> = {}) =>
    (await anonymous('/api/public/announcements').query(query).expect(200)).body as {
      items: {
        id: string;
        line: string;
        kind: string;
        title: string;
        projectId: string;
        projectCode: string;
        publishedAt: string;
        text: string | null;
        contentPath: string;
      }[];
      total: number;
      nextCursor: string | null;
    };

  it('lists every line’s announcements without sign-in, newest first, and reads each', async () => {
    const all = await announcements({ limit: 100 });
    expect(all.total).toBe(all.items.length);
    const published = all.items.map((item) => Date.parse(item.publishedAt));
    expect(published).toEqual([...published].sort((a, b) => b - a));
    const of = (projectId: string) =>
      all.items
        .filter((item) => item.projectId === projectId)
        .map((item) => item.kind)
        .sort();
    expect(of(seeded.soldLease)).toEqual(['notice', 'result']);
    expect(of(seeded.cancelledLease)).toEqual(['notice', 'termination']);
    expect(of(seeded.transfer)).toEqual(['notice', 'result']);
    expect(of(seeded.openedTender.id)).toEqual(['amendment', 'clarification', 'notice', 'opening_record']);
    expect(of(seeded.sealedTender)).toEqual(['notice']);
    expect(of(seeded.terminatedTender)).toEqual(['notice', 'termination']);
    expect(of(seeded.procurement.id)).toEqual(['notice']);
    expect(of(seeded.terminatedProcurement)).toEqual(['notice', 'termination']);
    expect(of(seeded.candidatesTender.id)).toEqual(['candidates', 'notice', 'opening_record']);
    expect(of(seeded.awardedTender.id)).toEqual(['candidates', 'notice', 'opening_record', 'result']);
    expect(of(seeded.framework.id)).toEqual(['notice', 'opening_record', 'result']);
    // Drafts publish nothing.
    expect(of(seeded.draftLease)).toEqual([]);
    expect(of(seeded.draftTender)).toEqual([]);

    const termination = all.items.find(
      (item) => item.projectId === seeded.terminatedTender && item.kind === 'termination',
    )!;
    expect(termination.text).toBe('项目资金未落实,终止招标');
    expect(termination.title).toMatch(/终止公告$/);
    const opening = all.items.find(
      (item) => item.projectId === seeded.openedTender.id && item.kind === 'opening_record',
    )!;
    expect(opening).toMatchObject({
      line: 'construction',
      title: `${TITLES.openedTender} 开标记录`,
      contentPath: `/api/tenders/${seeded.openedTender.id}/opening-record`,
    });
    // The content path is itself public, and carries the opened prices.
    const record = await anonymous(opening.contentPath).expect(200);
    for (const price of OPENED_PRICES) expect(JSON.stringify(record.body)).toContain(String(price));

    for (const item of all.items) {
      const read = await anonymous(`/api/public/announcements/${item.id}`).expect(200);
      expect(read.body).toEqual(item);
    }
  });

  it('never announces a draft ended before its announcement, nor shows it, on any line', async () => {
    const all = await announcements({ limit: 100 });
    const drafts = Object.values(seeded.endedDrafts);
    expect(all.items.filter((item) => drafts.includes(item.projectId))).toEqual([]);
    for (const title of [
      TITLES.endedDraftTender,
      TITLES.endedDraftProcurement,
      TITLES.endedDraftTransfer,
      TITLES.endedDraftLease,
    ])
      expect((await announcements({ q: title })).items).toEqual([]);
    const feed = (await anonymous('/api/public/feed.atom').expect(200)).text;
    expect(feed).not.toContain(TITLES.endedDraftTender);
    expect(feed).not.toContain(TITLES.endedDraftLease);
    // Its own page is not found for the public (staff still see it), and no public list has it.
    const { tender, procurement, transfer, lease } = seeded.endedDrafts;
    for (const [list, id] of [
      ['/api/tenders', tender],
      ['/api/procurements', procurement],
      ['/api/transfer-projects', transfer],
      ['/api/lease-listings', lease],
    ]) {
      expectError(await anonymous(`${list}/${id}`), 404, 'LISTING_NOT_FOUND');
      expect((await as(staff)(request(api.url).get(`${list}/${id}`)).expect(200)).body.status).toMatch(
        /terminated|cancelled/,
      );
      const status = list === '/api/lease-listings' ? 'cancelled' : 'terminated';
      for (const query of [{ limit: 1000 }, { status, limit: 1000 }]) {
        const listed = (await anonymous(list).query(query).expect(200)).body;
        expect([list, listed.items.some((item: { id: string }) => item.id === id)]).toEqual([list, false]);
        expect(listed.total).toBe(listed.items.length);
      }
    }
    // Announced, then terminated: still public, with its termination (the seeded ones).
    await anonymous(`/api/tenders/${seeded.terminatedTender}`).expect(200);
    await anonymous(`/api/procurements/${seeded.terminatedProcurement}`).expect(200);
    await anonymous(`/api/lease-listings/${seeded.cancelledLease}`).expect(200);
  });

  it('searches by title and by project code, filters by line, kind and period, and pages', async () => {
    const byTitle = await announcements({ q: TITLES.openedTender.slice(3) });
    expect(new Set(byTitle.items.map((item) => item.projectId))).toEqual(new Set([seeded.openedTender.id]));
    expect(byTitle.total).toBe(4);
    const byCode = await announcements({ q: seeded.procurement.code });
    expect(byCode.items.map((item) => item.projectId)).toEqual([seeded.procurement.id]);
    // LIKE's wildcards are literal text: '%' is only in the transfer's title ("100% 股权").
    const percent = await announcements({ q: '%' });
    expect(new Set(percent.items.map((item) => item.projectId))).toEqual(new Set([seeded.transfer]));
    expect((await announcements({ q: '_' })).total).toBe(0);

    const leases = await announcements({ line: 'lease', limit: 100 });
    expect(leases.items.every((item) => item.line === 'lease')).toBe(true);
    expect(leases.total).toBe(4);
    const terminations = await announcements({ kind: 'termination', limit: 100 });
    expect(terminations.items.map((item) => item.projectId).sort()).toEqual(
      [seeded.cancelledLease, seeded.terminatedTender, seeded.terminatedProcurement].sort(),
    );
    expect((await announcements({ line: 'construction', kind: 'clarification' })).total).toBe(1);

    const all = await announcements({ limit: 100 });
    expect((await announcements({ from: today, to: today, limit: 100 })).total).toBe(all.total);
    expect((await announcements({ to: addCalendarDays(today, -1) })).total).toBe(0);
    expect((await announcements({ from: addCalendarDays(today, 1) })).total).toBe(0);

    const page = await announcements({ limit: 2, offset: 1 });
    expect(page.items.map((item) => item.id)).toEqual(all.items.slice(1, 3).map((item) => item.id));
    expect(page.total).toBe(all.total);
    // Keyset pages: each after the page before (its nextCursor), the same rows as by offset.
    const keyset: string[] = [];
    let cursor: string | null | undefined;
    do {
      const got = await announcements({ limit: 7, ...(cursor ? { cursor } : {}) });
      expect(got.total).toBe(all.total);
      keyset.push(...got.items.map((item) => item.id));
      cursor = got.nextCursor;
    } while (cursor);
    expect(keyset).toEqual(all.items.map((item) => item.id));
    const firstTenders = await announcements({ line: 'construction', limit: 2 });
    const nextTenders = await announcements({
      line: 'construction',
      limit: 2,
      cursor: firstTenders.nextCursor!,
    });
    expect(nextTenders.items.map((item) => item.id)).toEqual(
      (await announcements({ line: 'construction', limit: 2, offset: 2 })).items.map((item) => item.id),
    );
    const past = await announcements({ limit: 5, offset: all.total + 3 });
    expect(past).toEqual({ items: [], total: all.total, nextCursor: null });
  });

  it('serves the newest announcements as a valid Atom 1.0 feed with its content type, text escaped', async () => {
    // A title with every character XML reserves, and one it forbids.
    const awkward = `东湖区 <b>"A&B"</b> 'X' ${unique('')}\u0001工程`;
    await tender(awkward);
    const feed = await anonymous('/api/public/feed.atom').expect(200);
    expect(feed.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const xml = feed.text;
    expect(
      xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'),
    ).toBe(true);
    expectWellFormedXml(xml);
    const entries = xml.match(/<entry>/g) ?? [];
    const all = await announcements({ limit: 100 });
    expect(entries.length).toBe(Math.min(50, all.total));
    const newest = all.items[0];
    expect(newest.title).toContain(awkward.replace('\u0001', '').slice(0, 4));
    expect(xml).toContain(`<id>urn:uuid:${newest.id}</id>`);
    expect(xml).toContain(`href="${SITE}/announcements/${newest.id}"`);
    expect(xml).toContain(
      `<link rel="self" type="application/atom+xml" href="${SITE}/api/public/feed.atom"/>`,
    );
    expect(xml).toContain('&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt; &apos;X&apos;');
    expect(xml).not.toContain('<b>');
    expect(xml).not.toContain('\u0001');
  });

  it('lists deals with their public fields only: the winner by its code', async () => {
    const deals = (await anonymous('/api/public/deals').query({ limit: 1000 }).expect(200)).body;
    const lease = deals.items.find(
      (deal: { title: string }) => deal.title === '八一大道 358 号 1 楼店面使用权租赁',
    );
    expect(lease).toEqual({
      id: expect.any(String),
      category: 'property_rights',
      subtype: 'lease',
      title: '八一大道 358 号 1 楼店面使用权租赁',
      amount: 820_000 * 36,
      closedAt: expect.any(String),
      winnerCode: seeded.soldLeaseCodes.get(bidders[1].id),
    });
    const transfer = deals.items.find((deal: { subtype: string }) => deal.subtype === 'transfer');
    expect(transfer.winnerCode).toMatch(/^\S+$/);
    // The lease, the transfer, the tender's contract and the framework agreement's two call-offs.
    expect(deals.total).toBe(5);
    const calledOff = deals.items
      .filter((deal: { subtype: string }) => deal.subtype === 'framework')
      .map((deal: { amount: number; winnerCode: string }) => [deal.amount, deal.winnerCode])
      .sort();
    expect(calledOff).toEqual(
      [
        [CALL_OFFS[0], organization.orgCode],
        [CALL_OFFS[1], supplierCodes[1]],
      ].sort(),
    );
    const filtered = (await anonymous('/api/public/deals').query({ category: 'construction' }).expect(200))
      .body;
    expect(filtered).toEqual({
      items: [
        {
          id: expect.any(String),
          category: 'construction',
          subtype: 'road',
          title: expect.any(String),
          amount: AWARD_PRICES[0],
          closedAt: expect.any(String),
          winnerCode: supplierCodes[0],
        },
      ],
      total: 1,
    });
  });

  describe('open data (OCDS 1.1)', () => {
    type Release = {
      ocid: string;
      id: string;
      date: string;
      tag: string[];
      tender: { status: string; statusDetails: string };
      awards?: { status: string; value: { amount: number } }[];
      bids?: { details: { value: { amount: number } }[] };
    };
    const codeOf = async (path: string) =>
      (await as(staff)(request(api.url).get(path)).expect(200)).body.code as string;

    it('publishes every published process of every line as release and record packages valid by the OCDS 1.1.5 schemas', async () => {
      const releases = (await anonymous('/api/ocds/releases').query({ limit: 100 }).expect(200)).body;
      expect(schemaProblems(validateReleasePackage, releases)).toEqual([]);
      const records = (await anonymous('/api/ocds/records').query({ limit: 100 }).expect(200)).body;
      expect(schemaProblems(validateRecordPackage, records)).toEqual([]);
      expect(records.total).toBe(records.records.length);

      const ocids = new Set((releases.releases as Release[]).map((release) => release.ocid));
      const codes = {
        soldLease: await codeOf(`/api/lease-listings/${seeded.soldLease}`),
        cancelledLease: await codeOf(`/api/lease-listings/${seeded.cancelledLease}`),
        draftLease: await codeOf(`/api/lease-listings/${seeded.draftLease}`),
        transfer: await codeOf(`/api/transfer-projects/${seeded.transfer}`),
        openedTender: seeded.openedTender.code,
        sealedTender: await codeOf(`/api/tenders/${seeded.sealedTender}`),
        terminatedTender: await codeOf(`/api/tenders/${seeded.terminatedTender}`),
        draftTender: await codeOf(`/api/tenders/${seeded.draftTender}`),
        procurement: seeded.procurement.code,
        terminatedProcurement: await codeOf(`/api/procurements/${seeded.terminatedProcurement}`),
        candidatesTender: seeded.candidatesTender.code,
        awardedTender: seeded.awardedTender.code,
        framework: seeded.framework.code,
      };
      for (const [name, code] of Object.entries(codes))
        expect([name, ocids.has(`${OCID_PREFIX}${code}`)]).toEqual([name, !name.startsWith('draft')]);

      // Each process on its own, and its record: the statuses the lines reached, in OCDS terms.
      const expected: [keyof typeof codes, string, string][] = [
        ['soldLease', 'complete', '成交'],
        ['cancelledLease', 'cancelled', '终止'],
        ['transfer', 'complete', '成交结果公示'],
        ['openedTender', 'active', '已开标'],
        ['sealedTender', 'active', '投标中'],
        ['terminatedTender', 'cancelled', '终止'],
        ['procurement', 'active', '响应中'],
        ['terminatedProcurement', 'cancelled', '终止'],
        ['candidatesTender', 'active', '中标候选人公示'],
        ['awardedTender', 'complete', '已签订合同'],
        ['framework', 'complete', '已签订合同'],
      ];
      for (const [name, tenderStatus, details] of expected) {
        const ocid = `${OCID_PREFIX}${codes[name]}`;
        const one = (await anonymous(`/api/ocds/releases/${ocid}`).expect(200)).body;
        expect(schemaProblems(validateReleasePackage, one)).toEqual([]);
        const record = (await anonymous(`/api/ocds/records/${ocid}`).expect(200)).body;
        expect(schemaProblems(validateRecordPackage, record)).toEqual([]);
        const compiled = record.records[0].compiledRelease as Release;
        expect([name, compiled.tender.status, compiled.tender.statusDetails]).toEqual([
          name,
          tenderStatus,
          details,
        ]);
        expect((one.releases as Release[])[0].tag).toEqual(['tender']);
      }

      // The sold lease: its award is the rent over the term, its bids the live ledger; the sealed
      // tender shows no bid before its opening, the opened one every price.
      const lease = (await anonymous(`/api/ocds/records/${OCID_PREFIX}${codes.soldLease}`).expect(200)).body
        .records[0].compiledRelease as Release;
      expect(lease.awards?.map((award) => [award.status, award.value.amount])).toEqual([
        ['active', (820_000 * 36) / 100],
      ]);
      expect(lease.bids?.details.map((bid) => bid.value.amount)).toEqual([8_100, 8_200]);
      // Its complaint is published as its decision (DOMAIN.md: complaints as documents), nothing more.
      const complaintDocuments = (
        (
          lease as unknown as {
            tender: { documents?: { id: string; documentType: string; title: string }[] };
          }
        ).tender.documents ?? []
      ).filter((document) => document.documentType === 'complaints');
      expect(complaintDocuments).toEqual([
        expect.objectContaining({ id: `complaint-${seeded.complaint}`, title: '投诉处理决定' }),
      ]);
      const sealed = (await anonymous(`/api/ocds/records/${OCID_PREFIX}${codes.sealedTender}`).expect(200))
        .body.records[0].compiledRelease as Release;
      expect(sealed.bids).toBeUndefined();
      const opened = (await anonymous(`/api/ocds/records/${OCID_PREFIX}${codes.openedTender}`).expect(200))
        .body.records[0].compiledRelease as Release;
      expect(opened.bids?.details.map((bid) => bid.value.amount * 100).sort()).toEqual(
        [...OPENED_PRICES].sort(),
      );
    });

    it('filters by line and release date, pages by process, and gives the year in bulk', async () => {
      const all = (await anonymous('/api/ocds/records').query({ limit: 100 }).expect(200)).body;
      const leases = (await anonymous('/api/ocds/records').query({ line: 'lease' }).expect(200)).body;
      expect(leases.total).toBe(2);
      const page = (await anonymous('/api/ocds/records').query({ limit: 2, offset: 1 }).expect(200)).body;
      expect(page.records.map((one: { ocid: string }) => one.ocid)).toEqual(
        all.records.slice(1, 3).map((one: { ocid: string }) => one.ocid),
      );
      expect(page.total).toBe(all.total);
      const later = (
        await anonymous('/api/ocds/releases')
          .query({ since: addCalendarDays(today, 1), limit: 100 })
          .expect(200)
      ).body;
      expect(later.releases).toEqual([]);

      const bulk = await anonymous(`/api/ocds/bulk/${today.slice(0, 4)}`).expect(200);
      expect(bulk.headers['content-type']).toMatch(/^application\/json/);
      const bulkPackage = JSON.parse(bulk.text);
      expect(schemaProblems(validateReleasePackage, bulkPackage)).toEqual([]);
      const listed = (await anonymous('/api/ocds/releases').query({ limit: 100 }).expect(200)).body;
      expect(bulkPackage.releases.map((release: Release) => release.id).sort()).toEqual(
        listed.releases.map((release: Release) => release.id).sort(),
      );
      expectError(await anonymous('/api/ocds/bulk/1999'), 404, 'NOT_FOUND');
    });

    it('refuses bad input with its code: unknown and draft ocids 404, malformed ones 400', async () => {
      const draftCode = await codeOf(`/api/tenders/${seeded.draftTender}`);
      for (const path of [
        `/api/ocds/releases/${OCID_PREFIX}${draftCode}`,
        `/api/ocds/records/${OCID_PREFIX}${draftCode}`,
        `/api/ocds/releases/${OCID_PREFIX}NOPE-1`,
        `/api/ocds/records/ocds-other1-${seeded.openedTender.code}`,
      ])
        expectError(await anonymous(path), 404, 'NOT_FOUND');
      const cases: [string, Record<string, unknown>, number, string][] = [
        ['/api/ocds/releases/not-an-ocid', {}, 400, 'VALIDATION_FAILED'],
        [`/api/ocds/records/${'ocds-tst001-'}${'x'.repeat(41)}`, {}, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/releases', { limit: 101 }, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/releases', { limit: 0 }, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/releases', { offset: -1 }, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/releases', { line: 'rail' }, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/releases', { since: '2026-02-30' }, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/records', { limit: 'all' }, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/bulk/26', {}, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/bulk/1800', {}, 400, 'VALIDATION_FAILED'],
        ['/api/ocds/bulk/twenty', {}, 400, 'VALIDATION_FAILED'],
      ];
      const before = await tableContents(platform.env.config.DATABASE_URL);
      for (const [path, query, status, code] of cases)
        expectError(await anonymous(path).query(query), status, code);
      expect(await tableContents(platform.env.config.DATABASE_URL)).toEqual(before);
    });
  });

  it('answers bad input with its code and writes nothing', async () => {
    const before = await tableContents(platform.env.config.DATABASE_URL);
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['/api/public/announcements', { line: 'rail' }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { kind: 'objection' }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { q: '' }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { q: 'x'.repeat(101) }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { from: '2026-13-01' }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { from: '2026-02-30' }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { from: '1900-01-01' }, 400, 'VALIDATION_FAILED'],
      [
        '/api/public/announcements',
        { from: today, to: addCalendarDays(today, -1) },
        400,
        'VALIDATION_FAILED',
      ],
      ['/api/public/announcements', { limit: 0 }, 400, 'VALIDATION_FAILED'],
      // At most 100 a page.
      ['/api/public/announcements', { limit: 101 }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { offset: -1 }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { offset: 100_001 }, 400, 'VALIDATION_FAILED'],
      ['/api/public/announcements', { limit: 'ten' }, 400, 'VALIDATION_FAILED'],
      // A cursor is one a page gave, and pages by itself.
      ['/api/public/announcements', { cursor: 'not a cursor' }, 400, 'VALIDATION_FAILED'],
      [
        '/api/public/announcements',
        { cursor: Buffer.from(`1:${seeded.openedTender.id}x`).toString('base64url') },
        400,
        'VALIDATION_FAILED',
      ],
      ['/api/public/announcements', { cursor: 'x'.repeat(101) }, 400, 'VALIDATION_FAILED'],
      [
        '/api/public/announcements',
        { cursor: Buffer.from(`1:${seeded.openedTender.id}`).toString('base64url'), offset: 1 },
        400,
        'VALIDATION_FAILED',
      ],
      ['/api/public/announcements/not-a-uuid', {}, 400, 'INVALID_ID'],
      ['/api/public/announcements/00000000-0000-4000-8000-000000000000', {}, 404, 'ANNOUNCEMENT_NOT_FOUND'],
      [`/api/public/announcements/${seeded.openedTender.id}`, {}, 404, 'ANNOUNCEMENT_NOT_FOUND'],
      ['/api/public/deals', { category: 'lease' }, 400, 'VALIDATION_FAILED'],
      ['/api/public/deals', { to: '2026-1-1' }, 400, 'VALIDATION_FAILED'],
      ['/api/public/deals', { limit: 5000 }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [path, query, status, code] of cases)
      expectError(await anonymous(path).query(query), status, code);
    expect(await tableContents(platform.env.config.DATABASE_URL)).toEqual(before);
  });

  it('names suppliers by their organisation’s registered name and code, never by an account’s name', async () => {
    // The candidates: the organisation applying with its own code by the registered name staff
    // confirmed; a person's account by the code it applied with; an account registered under
    // another organisation's code, whose name staff did not confirm, by that code alone (the name
    // it chose is not that organisation's).
    const candidates = (await anonymous(`/api/tenders/${seeded.candidatesTender.id}/candidates`).expect(200))
      .body;
    expect(
      candidates.candidates.map(
        (one: { rank: number; bidderName: string; supplierCode: string; price: number }) => [
          one.rank,
          one.bidderName,
          one.supplierCode,
          one.price,
        ],
      ),
    ).toEqual([
      [1, organization.name, organization.orgCode, CANDIDATE_PRICES[0]],
      [2, supplierCodes[0], supplierCodes[0], CANDIDATE_PRICES[1]],
      [3, impostorCode, impostorCode, CANDIDATE_PRICES[2]],
    ]);
    const opening = (await anonymous(`/api/tenders/${seeded.candidatesTender.id}/opening-record`).expect(200))
      .body;
    expect(
      opening.bids
        .map((bid: { supplierCode: string; supplierName: string }) => [bid.supplierCode, bid.supplierName])
        .sort(),
    ).toEqual(
      [
        [organization.orgCode, organization.name],
        [supplierCodes[0], supplierCodes[0]],
        [impostorCode, impostorCode],
      ].sort(),
    );

    // The award and contract of a person's account: its organisation's code.
    const award = (await anonymous(`/api/tenders/${seeded.awardedTender.id}/candidates`).expect(200)).body;
    expect(award.award).toMatchObject({
      bidderName: supplierCodes[0],
      supplierCode: supplierCodes[0],
      price: AWARD_PRICES[0],
    });
    expect(award.contract).toMatchObject({ signedOn: today });

    // The procurement result (成交结果) and the agreement's call-off orders.
    const result = (await anonymous(`/api/procurements/${seeded.framework.id}/result`).expect(200)).body;
    expect(result.award).toMatchObject({
      supplierName: organization.name,
      supplierCode: organization.orgCode,
      price: FRAMEWORK_PRICES[0],
    });
    expect(result.admittedSuppliers).toEqual([
      {
        rank: 1,
        supplierName: organization.name,
        supplierCode: organization.orgCode,
        price: FRAMEWORK_PRICES[0],
      },
      { rank: 2, supplierName: supplierCodes[1], supplierCode: supplierCodes[1], price: FRAMEWORK_PRICES[1] },
    ]);
    const orders = (await anonymous(`/api/procurements/${seeded.framework.id}/call-offs`).expect(200)).body;
    expect(
      orders.items.map((one: { supplierName: string; supplierCode: string; amount: number }) => [
        one.supplierName,
        one.supplierCode,
        one.amount,
      ]),
    ).toEqual([
      [organization.name, organization.orgCode, CALL_OFFS[0]],
      [supplierCodes[1], supplierCodes[1], CALL_OFFS[1]],
    ]);
    expect(orders.admittedSuppliers.map((one: { supplierName: string }) => one.supplierName)).toEqual([
      organization.name,
      supplierCodes[1],
    ]);

    // OCDS: the tenderers and the winner as parties by the same names.
    const ocds = (await anonymous(`/api/ocds/records/${OCID_PREFIX}${seeded.framework.code}`).expect(200))
      .body.records[0].compiledRelease as { parties: { id: string; name: string; roles: string[] }[] };
    expect(ocds.parties.find((party) => party.id === organization.orgCode)).toMatchObject({
      name: organization.name,
      roles: expect.arrayContaining(['tenderer', 'supplier']),
    });
    expect(ocds.parties.find((party) => party.id === supplierCodes[1])).toMatchObject({
      name: supplierCodes[1],
    });
    // Staff still see who each account is (the evaluation names accounts), the public never.
    for (const user of [...suppliers, impostor]) {
      const name = (
        await queryRows<{ name: string }>(ownerDb, `SELECT display_name AS name FROM users WHERE id = $1`, [
          user.id,
        ])
      )[0].name;
      for (const text of [
        JSON.stringify(candidates),
        JSON.stringify(result),
        JSON.stringify(orders),
        JSON.stringify(ocds),
      ])
        expect(text).not.toContain(name);
    }
  });

  it('an account edit changes nothing public: the names are the ones staff confirmed, kept on the registration', async () => {
    const snapshot = async () => ({
      candidates: (await anonymous(`/api/tenders/${seeded.candidatesTender.id}/candidates`).expect(200)).body,
      opening: (await anonymous(`/api/tenders/${seeded.candidatesTender.id}/opening-record`).expect(200))
        .body,
      result: (await anonymous(`/api/procurements/${seeded.framework.id}/result`).expect(200)).body,
      orders: (await anonymous(`/api/procurements/${seeded.framework.id}/call-offs`).expect(200)).body,
      // The package's publishedDate is the moment of the request; its records are what is compared.
      ocds: (await anonymous(`/api/ocds/records/${OCID_PREFIX}${seeded.framework.code}`).expect(200)).body
        .records,
    });
    const before = await snapshot();
    expect(JSON.stringify(before)).toContain(organization.name);
    // Each account renames itself, and the impostor now claims the organisation's own code too.
    const renamed = new Map([
      [organization.id, unique('改名后的某某有限公司')],
      [impostor.id, unique('冒名者改的名称有限公司')],
    ]);
    for (const [id, name] of renamed)
      await queryRows(ownerDb, `UPDATE users SET display_name = $2 WHERE id = $1`, [id, name]);
    await queryRows(ownerDb, `UPDATE users SET org_code = $2 WHERE id = $1`, [
      impostor.id,
      organization.orgCode,
    ]);
    const after = await snapshot();
    expect(after).toEqual(before);
    for (const name of renamed.values()) expect(JSON.stringify(after)).not.toContain(name);
  });

  it('no public response carries a reserve price, a user id or name, a client address, an unpublished document or a sealed price', async () => {
    const users = [staff, supervisor, ...bidders, ...suppliers, buyer, organization, impostor];
    const [accounts] = await Promise.all([
      queryRows<{ id: string; username: string; display_name: string }>(
        ownerDb,
        `SELECT id, username, display_name FROM users`,
      ),
    ]);
    expect(accounts.length).toBeGreaterThanOrEqual(users.length);
    // A number on its own (not a part of a longer one), in fen or in yuan (OCDS's amounts).
    const amount = (what: string, fen: number): [string, RegExp][] =>
      SECRET_AMOUNTS(fen).map((text) => [
        `${what} (${text})`,
        new RegExp(`(?<![\\d.,])${escapeRegExp(text)}(?![\\d])`),
      ]);
    const forbidden: [string, RegExp][] = [
      ...amount('reserve price', RESERVE),
      ...amount('sealed price', SEALED_PRICE),
      ['unpublished document', new RegExp(DRAFT_SHA)],
      [
        'draft title',
        new RegExp(
          [
            TITLES.draftTender,
            TITLES.draftLease,
            TITLES.endedDraftTender,
            TITLES.endedDraftProcurement,
            TITLES.endedDraftTransfer,
            TITLES.endedDraftLease,
          ].join('|'),
        ),
      ],
      ['client address', /127\.0\.0\.1|::1\b|::ffff:/],
      ['complaint grounds', new RegExp(escapeRegExp(COMPLAINT_GROUNDS))],
      ['complaint evidence', new RegExp(`${COMPLAINT_SHA}|${escapeRegExp(COMPLAINT_FILE)}`)],
      ...accounts.flatMap((account): [string, RegExp][] => [
        [`user id of ${account.username}`, new RegExp(account.id, 'i')],
        [`username ${account.username}`, new RegExp(escapeRegExp(account.username))],
        // Only an organisation applying with its own code is named: by its registered name.
        ...(account.id === organization.id
          ? []
          : [
              [`name of ${account.username}`, new RegExp(escapeRegExp(account.display_name))] as [
                string,
                RegExp,
              ],
            ]),
      ]),
    ];

    const visited = new Map<string, string>();
    const visit = async (path: string) => {
      if (visited.has(path)) return;
      const response = await anonymous(path);
      expect(
        [200, 404, 409].includes(response.status) ? response.status : `${path}: ${response.status}`,
      ).toBe(response.status);
      visited.set(path, response.text);
    };
    const ids = async (path: string, limit = 1000) => {
      await visit(`${path}?limit=${limit}`);
      return (JSON.parse(visited.get(`${path}?limit=${limit}`)!).items as { id: string }[]).map(
        (item) => item.id,
      );
    };

    for (const id of await ids('/api/lease-listings'))
      for (const sub of ['', '/bids']) await visit(`/api/lease-listings/${id}${sub}`);
    for (const id of await ids('/api/transfer-projects'))
      for (const sub of ['', '/bids']) await visit(`/api/transfer-projects/${id}${sub}`);
    for (const id of await ids('/api/tenders'))
      for (const sub of ['', '/opening-record', '/candidates']) await visit(`/api/tenders/${id}${sub}`);
    for (const id of await ids('/api/procurements'))
      for (const sub of ['', '/opening-record', '/result', '/call-offs'])
        await visit(`/api/procurements/${id}${sub}`);
    // Drafts by their ids too: a reader who guessed one learns nothing.
    for (const path of [
      `/api/lease-listings/${seeded.draftLease}`,
      `/api/tenders/${seeded.draftTender}`,
      `/api/tenders/${seeded.sealedTender}/opening-record`,
    ])
      await visit(path);
    for (const path of [
      '/api/public/statistics',
      '/api/credit-list',
      '/api/public/credit-list',
      '/api/public/deals?limit=1000',
      '/api/public/feed.atom',
      '/api/public/complaint-decisions?limit=1000',
      '/api/ocds/releases?limit=100',
      '/api/ocds/records?limit=100',
      `/api/ocds/bulk/${today.slice(0, 4)}`,
    ])
      await visit(path);
    for (const record of JSON.parse(visited.get('/api/ocds/records?limit=100')!).records as {
      ocid: string;
    }[])
      for (const kind of ['releases', 'records']) await visit(`/api/ocds/${kind}/${record.ocid}`);
    for (const id of await ids('/api/public/announcements', 100))
      await visit(`/api/public/announcements/${id}`);

    // The walk reached every line and the public reads the brief names.
    const paths = [...visited.keys()];
    for (const id of [
      seeded.soldLease,
      seeded.transfer,
      seeded.openedTender.id,
      seeded.sealedTender,
      seeded.procurement.id,
    ])
      expect(paths.some((path) => path.includes(id))).toBe(true);
    const read = (path: string) => JSON.parse(visited.get(path)!);
    expect(read(`/api/tenders/${seeded.candidatesTender.id}/candidates`).candidates).toHaveLength(3);
    expect(read(`/api/tenders/${seeded.awardedTender.id}/candidates`).award).toMatchObject({
      bidId: seeded.awardedTender.bidIds[0],
    });
    expect(read(`/api/procurements/${seeded.framework.id}/result`).admittedSuppliers).toHaveLength(2);
    expect(read(`/api/procurements/${seeded.framework.id}/call-offs`).items).toHaveLength(2);
    expect(visited.get('/api/public/credit-list')).toContain('**');
    const decisions = visited.get('/api/public/complaint-decisions?limit=1000')!;
    expect(decisions).toContain(seeded.complaint);
    expect(decisions).toContain(COMPLAINT_DECISION);

    const leaks = [...visited].flatMap(([path, text]) =>
      forbidden.filter(([, pattern]) => pattern.test(text)).map(([what]) => `${path}: ${what}`),
    );
    expect(leaks).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Well-formedness by a strict reading: one root, every tag closed in order, every `&` an entity,
 * attribute values quoted, no character XML 1.0 forbids.
 */
function expectWellFormedXml(xml: string) {
  // eslint-disable-next-line no-control-regex -- the control characters XML 1.0 forbids
  expect(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)).toBe(false);
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  expect(/&(?!(amp|lt|gt|quot|apos);)/.test(body)).toBe(false);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|>/g;
  let roots = 0;
  for (const match of body.matchAll(tag)) {
    if (match[0] === '<') throw new Error(`a stray < at ${match.index}`);
    if (match[0] === '>') throw new Error(`a stray > at ${match.index}`);
    const [, closing, name, , selfClosing] = match;
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) {
      if (stack.length === 0) roots += 1;
      stack.push(name);
    } else if (stack.length === 0) roots += 1;
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}
