import request from 'supertest';
import {
  LISTING_STATUSES,
  PROCUREMENT_STATUSES,
  TENDER_STATUSES,
  TRANSFER_STATUSES,
} from '../libs/domain/src/index.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingBody,
  registerBidder,
  registerOrganization,
  type TestOrganization,
  type TestUser,
  unique,
  waitFor,
} from './support/factories.js';
import { queryRows } from './support/checks.js';
import {
  businessDeadline,
  centreDays,
  TRANSFER_VALUATION,
  transferProjectBody,
} from './support/transfers.js';
import { schemaProblems, validateRecordPackage, validateReleasePackage } from './support/ocds-schemas.js';
import {
  awardTender,
  CONTRACT_SHA,
  callOff,
  decideProcurement,
  drawProcurementCommittee,
  newFramework,
  newSingleSource,
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
  type Supplier,
  tenderBids,
} from './support/public-processes.js';

const OCID_PREFIX = 'ocds-sts001-';
const PRICES = [1_512_345_600, 1_634_560_000, 1_745_670_000];
const FRAMEWORK_PRICES = [301_234_500, 312_345_600, 323_456_700];

type Line = 'construction' | 'procurement' | 'lease' | 'transfer';

/**
 * What each status of each line's lifecycle table is in OCDS terms — tender.status from OCDS's
 * closed codelist and the line's own status in statusDetails — written out here, not read from
 * the mapping's table, so a wrong row there fails. A draft (null) publishes nothing: 404.
 * Suspended: the stage it left, marked 暂停.
 */
const EXPECTED: Record<Line, Record<string, [string, string] | null>> = {
  construction: {
    registered: null,
    announced: ['active', '招标公告'],
    prequalification: ['active', '资格预审'],
    prequalified: ['active', '资格预审结束'],
    bidding: ['active', '投标中'],
    opened: ['active', '已开标'],
    evaluating: ['active', '评标中'],
    candidates_published: ['active', '中标候选人公示'],
    awarded: ['complete', '已发中标通知书'],
    contracted: ['complete', '已签订合同'],
    failed: ['unsuccessful', '流标'],
    retendered: ['unsuccessful', '流标,已重新招标'],
    suspended: ['active', '暂停(投标中)'],
    terminated: ['cancelled', '终止'],
  },
  procurement: {
    planned: null,
    prior_publicity: ['planned', '单一来源公示'],
    announced: ['active', '采购公告'],
    responding: ['active', '响应中'],
    opened: ['active', '已开标'],
    evaluating: ['active', '评审中'],
    report_delivered: ['active', '评审报告已送采购人'],
    award_decided: ['active', '采购人已确定成交供应商'],
    awarded: ['complete', '中标(成交)结果公告'],
    contracted: ['complete', '已签订合同'],
    closed: ['complete', '框架协议已终止'],
    failed: ['unsuccessful', '废标'],
    replanned: ['unsuccessful', '废标,已重新组织采购'],
    suspended: ['active', '暂停(响应中)'],
    terminated: ['cancelled', '终止'],
  },
  lease: {
    draft: null,
    announced: ['active', '公告期'],
    bidding: ['active', '网络竞价中'],
    sold: ['complete', '成交'],
    unsold: ['unsuccessful', '流拍'],
    suspended: ['active', '暂停(公告期)'],
    cancelled: ['cancelled', '终止'],
  },
  transfer: {
    accepted: null,
    disclosed: ['active', '挂牌披露'],
    extended: ['active', '延期挂牌'],
    relisted: ['planned', '重新挂牌(待发布)'],
    agreement_pending: ['active', '协议成交待确认'],
    auction: ['active', '网络竞价中'],
    sold: ['complete', '成交结果公示'],
    unsold: ['unsuccessful', '流拍'],
    confirmed: ['complete', '已签成交确认书'],
    contract_signed: ['complete', '已签订合同'],
    defaulted: ['unsuccessful', '悔拍(受让方未签约)'],
    suspended: ['active', '暂停(挂牌披露)'],
    terminated: ['cancelled', '终止'],
    superseded: ['unsuccessful', '已重新挂牌(新项目)'],
  },
};

type Release = {
  ocid: string;
  tag: string[];
  tender: { status: string; statusDetails: string; documents?: { documentType: string; title: string }[] };
  awards?: { status: string; value: { amount: number }; suppliers: { id: string; name: string }[] }[];
  contracts?: { status: string }[];
  bids?: { details: unknown[] };
};

/**
 * OCDS 1.1 from the real endpoints (/api/ocds/…) for every line and every status of its lifecycle
 * table (libs/domain): processes driven through the API to each status (the clock's waits moved
 * in SQL, as each line's own tests do), and at each status the process's release package and record package
 * validated against the OCDS 1.1.5 schemas, its compiled release's tender.status and
 * statusDetails checked, and a draft's ocid answered 404. Then every package at once, and the
 * year's bulk download.
 */
describe('OCDS 1.1 from the real endpoints: every line, every status', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let ownerDb: string;
  let today: string;
  let yesterday: string;
  let ctx: ProcessContext;
  let organizations: TestOrganization[];
  let suppliers: Supplier[];
  let bidders: TestUser[];
  const reached: Record<Line, Set<string>> = {
    construction: new Set(),
    procurement: new Set(),
    lease: new Set(),
    transfer: new Set(),
  };

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });
  /** A step's call; a refusal fails with its code (a bare status check hides it). */
  const call = async (method: 'post' | 'get', path: string, user: TestUser, body: object = {}) => {
    const response = await as(user)(request(api.url)[method](path)).send(body);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.body;
  };
  const staffView = (path: string) => call('get', path, staff);
  const sql = (text: string, params: unknown[] = []) => queryRows(ownerDb, text, params);
  const waitForStatus = (path: string, status: string, field = 'status') =>
    waitFor(
      async () => ((await staffView(path))[field] === status ? true : undefined),
      60_000,
      `${path} ${status}`,
    );

  /**
   * The process at `status` (as staff see it, its own status), through the public OCDS endpoints:
   * valid packages, the compiled release's statuses as EXPECTED — or 404 while it is a draft.
   */
  async function expectOcds(line: Line, path: string, status: string): Promise<Release | null> {
    const project = await staffView(path);
    expect([path, project.status]).toEqual([path, status]);
    const ocid = `${OCID_PREFIX}${project.code}`;
    reached[line].add(status);
    const expected = EXPECTED[line][status];
    if (expected === null) {
      for (const kind of ['releases', 'records'])
        expect((await request(api.url).get(`/api/ocds/${kind}/${ocid}`)).status).toBe(404);
      return null;
    }
    const found = await request(api.url).get(`/api/ocds/releases/${ocid}`);
    expect([line, status, ocid, found.status]).toEqual([line, status, ocid, 200]);
    const releases = found.body;
    expect([line, status, schemaProblems(validateReleasePackage, releases)]).toEqual([line, status, []]);
    const records = (await request(api.url).get(`/api/ocds/records/${ocid}`).expect(200)).body;
    expect([line, status, schemaProblems(validateRecordPackage, records)]).toEqual([line, status, []]);
    const compiled = records.records[0].compiledRelease as Release;
    const latest = (releases.releases as Release[]).at(-1)!;
    for (const release of [compiled, latest])
      expect([line, status, release.tender.status, release.tender.statusDetails]).toEqual([
        line,
        status,
        ...expected,
      ]);
    expect((releases.releases as Release[])[0].tag).toEqual(['tender']);
    return compiled;
  }

  beforeAll(async () => {
    platform = await startTestPlatform({ OCDS_OCID_PREFIX: OCID_PREFIX });
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today, yesterday } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    [staff, supervisor] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
    ]);
    organizations = await Promise.all([0, 1, 2].map(() => registerOrganization(api.url)));
    // Staff confirm each organisation's registered name when they qualify it: how OCDS names it.
    suppliers = organizations.map((user) => ({ user, code: user.orgCode, name: user.name }));
    bidders = await Promise.all([0, 1].map(() => registerBidder(api.url)));
    ctx = { apiUrl: api.url, ownerDb, staff, today };
  });

  // The centre's days by the database's clock, read again for each test: a run may cross midnight.
  beforeEach(async () => {
    ({ today, yesterday } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    ctx = { ...ctx, today };
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('construction (建筑工程): every status of the tender lifecycle', async () => {
    const at = (id: string, status: string) => expectOcds('construction', `/api/tenders/${id}`, status);

    const draft = await newTender(ctx, { title: unique('草稿工程'), announce: false });
    await at(draft.id, 'registered');
    const later = await newTender(ctx, { title: unique('明日发售工程'), issueLater: true });
    await at(later.id, 'announced');
    await call('post', `/api/tenders/${later.id}/terminate`, staff, { reason: '项目资金未落实' });
    await at(later.id, 'terminated');

    const main = await newTender(ctx, { title: unique('东湖区道路改造工程') });
    await at(main.id, 'bidding');
    const bidIds = await tenderBids(ctx, main.id, suppliers, PRICES);
    await openSealed(ctx, 'tender', main.id);
    expect((await at(main.id, 'opened'))!.bids?.details).toHaveLength(3);
    await startTenderEvaluation(ctx, main.id);
    await at(main.id, 'evaluating');
    await reportTender(ctx, main.id, bidIds, PRICES);
    await publishCandidates(ctx, main.id);
    // In publicity: each candidate a pending award, named by its organisation's registered name.
    const publicity = (await at(main.id, 'candidates_published'))!;
    expect(
      publicity.awards?.map((award) => [award.status, award.value.amount, award.suppliers[0].name]),
    ).toEqual(PRICES.map((price, index) => ['pending', price / 100, organizations[index].name]));
    await awardTender(ctx, main.id, bidIds[0]);
    const awarded = (await at(main.id, 'awarded'))!;
    expect(awarded.awards?.map((award) => award.status)).toEqual(['active', 'unsuccessful', 'unsuccessful']);
    expect(awarded.awards?.[0].suppliers).toEqual([
      { id: organizations[0].orgCode, name: organizations[0].name },
    ]);
    await signTenderContract(ctx, main.id);
    expect((await at(main.id, 'contracted'))!.contracts?.map((contract) => contract.status)).toEqual([
      'active',
    ]);
    // The release of the publicity still shows the candidates only (the award came later).
    const history = (
      await request(api.url)
        .get(`/api/ocds/releases/${OCID_PREFIX}${(await staffView(`/api/tenders/${main.id}`)).code}`)
        .expect(200)
    ).body.releases as Release[];
    const inPublicity = history.find((release) => release.tender.statusDetails === '中标候选人公示')!;
    expect(inPublicity.awards?.map((award) => award.status)).toEqual(['pending', 'pending', 'pending']);

    // Fewer than 3 bids at the opening: failed (流标), then re-tendered as a new round.
    const failing = await newTender(ctx, { title: unique('流标工程') });
    await tenderBids(ctx, failing.id, suppliers, [PRICES[0]]);
    await openSealed(ctx, 'tender', failing.id, 'failed');
    await at(failing.id, 'failed');
    await call('post', `/api/tenders/${failing.id}/retender`, staff);
    await at(failing.id, 'retendered');

    const suspended = await newTender(ctx, { title: unique('暂停工程') });
    await call('post', `/api/tenders/${suspended.id}/suspend`, supervisor, { reason: '监督检查' });
    await at(suspended.id, 'suspended');

    // Pre-qualification (资格预审): its notice, three applicants passed, the result notified once the
    // applications were due (that day moved back in SQL, as time would).
    const prequalified = await newTender(ctx, {
      title: unique('资格预审工程'),
      prequalification: true,
      announce: false,
    });
    await call('post', `/api/tenders/${prequalified.id}/announce`, staff);
    const inPrequalification = (await at(prequalified.id, 'prequalification'))!;
    // Its notice is the pre-qualification notice (资格预审公告): announced, and an OCDS document.
    const { code } = await staffView(`/api/tenders/${prequalified.id}`);
    const announced = (await request(api.url).get('/api/public/announcements').query({ q: code }).expect(200))
      .body.items as { kind: string; label: string }[];
    expect(announced.map((one) => [one.kind, one.label])).toEqual([['notice', '资格预审公告']]);
    expect(inPrequalification.tender.documents?.map((doc) => [doc.documentType, doc.title])).toEqual([
      ['tenderNotice', expect.stringMatching(/资格预审公告$/)],
    ]);
    for (const supplier of suppliers) {
      const applied = await call(
        'post',
        `/api/tenders/${prequalified.id}/prequalification/applications`,
        supplier.user,
        {
          organizationCode: supplier.code,
          documents: [{ name: '资格预审申请文件.pdf', sha256: 'e'.repeat(64) }],
        },
      );
      await call(
        'post',
        `/api/tenders/${prequalified.id}/prequalification/applications/${applied.id}/pass`,
        staff,
        { reason: '资质、业绩、人员满足资格预审文件要求' },
      );
    }
    await sql(
      `UPDATE tender_projects SET prequalification_sale_starts_on = $2::date - 11,
         prequalification_sale_ends_on = $2::date - 6, applications_due_on = $2::date - 1 WHERE id = $1`,
      [prequalified.id, today],
    );
    await call('post', `/api/tenders/${prequalified.id}/prequalification/result`, staff);
    await at(prequalified.id, 'prequalified');
  }, 300_000);

  it('procurement (政府采购): every status of the procurement lifecycle', async () => {
    const at = (id: string, status: string) => expectOcds('procurement', `/api/procurements/${id}`, status);

    const draft = await newFramework(ctx, { title: unique('采购计划'), announce: false });
    await at(draft.id, 'planned');
    const single = await newSingleSource(ctx, unique('单一来源采购'));
    await at(single.id, 'prior_publicity');
    const later = await newFramework(ctx, { title: unique('明日发出采购文件'), issueLater: true });
    await at(later.id, 'announced');
    await call('post', `/api/procurements/${later.id}/terminate`, staff, { reason: '采购需求取消' });
    await at(later.id, 'terminated');

    // A framework agreement from its responses to its close, call-off orders on the way.
    const main = await newFramework(ctx, { title: unique('东湖区办公设备框架协议') });
    await at(main.id, 'responding');
    await drawProcurementCommittee(ctx, main.id);
    const bidIds = await procurementResponses(ctx, main.id, suppliers, FRAMEWORK_PRICES);
    await openSealed(ctx, 'procurement', main.id);
    await at(main.id, 'opened');
    await startProcurementEvaluation(ctx, main.id);
    await at(main.id, 'evaluating');
    await reportProcurement(ctx, main.id);
    await at(main.id, 'report_delivered');
    await decideProcurement(ctx, main.id, bidIds[0], false);
    // The purchaser's decision is not public before the result's notice: no award yet.
    expect((await at(main.id, 'award_decided'))!.awards ?? []).toEqual([]);
    await call('post', `/api/procurements/${main.id}/result`, staff);
    const awarded = (await at(main.id, 'awarded'))!;
    expect(awarded.awards?.map((award) => [award.status, award.suppliers[0].name])).toEqual([
      ['active', organizations[0].name],
    ]);
    await signProcurementContract(ctx, main.id);
    await callOff(ctx, main.id, organizations[0], { amount: 12_000_000, title: '第一批办公设备' });
    expect((await at(main.id, 'contracted'))!.contracts?.map((contract) => contract.status)).toEqual([
      'active',
    ]);
    await call('post', `/api/procurements/${main.id}/close`, staff);
    await at(main.id, 'closed');

    // Fewer responses than the method's minimum (2): failed (废标), then re-planned.
    const failing = await newFramework(ctx, { title: unique('废标采购') });
    await procurementResponses(ctx, failing.id, suppliers, [FRAMEWORK_PRICES[0]]);
    await openSealed(ctx, 'procurement', failing.id, 'failed');
    await at(failing.id, 'failed');
    await call('post', `/api/procurements/${failing.id}/replan`, staff);
    await at(failing.id, 'replanned');

    const suspended = await newFramework(ctx, { title: unique('暂停采购') });
    await call('post', `/api/procurements/${suspended.id}/suspend`, supervisor, { reason: '监督检查' });
    await at(suspended.id, 'suspended');
  }, 300_000);

  it('lease (公房租赁): every status of the listing lifecycle', async () => {
    const at = (id: string, status: string) => expectOcds('lease', `/api/lease-listings/${id}`, status);

    const draft = await call('post', '/api/lease-listings', staff, listingBody({ biddingInMs: 3_600_000 }));
    await at(draft.id, 'draft');
    const announced = await createPublishedListing(api.url, staff, [], { biddingInMs: 3_600_000 });
    await at(announced.id, 'announced');
    await call('post', `/api/lease-listings/${announced.id}/suspend`, supervisor, { reason: '监督检查' });
    await at(announced.id, 'suspended');
    const cancelled = await createPublishedListing(api.url, staff, [], { biddingInMs: 3_600_000 });
    await call('post', `/api/lease-listings/${cancelled.id}/cancel`, staff, { reason: '另作公益用途' });
    await at(cancelled.id, 'cancelled');

    // A free period long enough for a loaded machine; once bid, its end brought forward (in SQL, as
    // time would: the sweeper reschedules the close).
    const sold = await createPublishedListing(api.url, staff, bidders, {
      biddingInMs: 3000,
      freeMs: 120_000,
      extensionSeconds: 1,
    });
    const unsold = await createPublishedListing(api.url, staff, [], { biddingInMs: 3000, freeMs: 1000 });
    await waitForStatus(`/api/lease-listings/${sold.id}`, 'bidding');
    await call('post', `/api/lease-listings/${sold.id}/bids`, bidders[0], {
      amount: 810_000,
      clientBidId: 'o-1',
    });
    await at(sold.id, 'bidding');
    await sql(
      `UPDATE auctions SET free_bidding_ends_at = clock_timestamp(), ends_at = clock_timestamp() + interval '1 second'
       WHERE id = $1`,
      [sold.id],
    );
    await waitForStatus(`/api/lease-listings/${sold.id}`, 'sold');
    expect((await at(sold.id, 'sold'))!.awards?.map((award) => award.status)).toEqual(['active']);
    await waitForStatus(`/api/lease-listings/${unsold.id}`, 'unsold');
    await at(unsold.id, 'unsold');
  }, 180_000);

  it('transfer (产权交易): every status of the project lifecycle', async () => {
    const path = (id: string) => `/api/transfer-projects/${id}`;
    const at = (id: string, status: string) => expectOcds('transfer', path(id), status);
    const create = async (overrides: Record<string, unknown> = {}) =>
      (
        await call(
          'post',
          '/api/transfer-projects',
          staff,
          transferProjectBody({
            title: unique('东湖区某国有企业股权转让'),
            disclosureEndsOn: await businessDeadline(api.url, today, 20),
            ...overrides,
          }),
        )
      ).id as string;
    const publish = (id: string) => call('post', `${path(id)}/publish`, staff);
    const qualify = async (id: string, buyer: TestUser) => {
      const registration = await call('post', `${path(id)}/registrations`, buyer);
      await call('post', `${path(id)}/registrations/${registration.id}/qualify`, staff, {
        depositReceived: true,
      });
    };
    // The disclosure's last day as if it were yesterday: the worker's sweeper decides its end.
    const endDisclosure = (id: string) =>
      sql(`UPDATE transfer_projects SET disclosure_ends_on = $2 WHERE id = $1`, [id, yesterday]);

    const draft = await create();
    await at(draft, 'accepted');
    const disclosed = await create();
    await publish(disclosed);
    await at(disclosed, 'disclosed');
    await call('post', `${path(disclosed)}/suspend`, supervisor, { reason: '监督检查' });
    await at(disclosed, 'suspended');
    const terminated = await create();
    await publish(terminated);
    await call('post', `${path(terminated)}/terminate`, staff, { reason: '转让方撤回' });
    await at(terminated, 'terminated');

    // No buyer: the announced extension (延期挂牌), then, its end passed too, re-listed in place.
    const unwanted = await create({ extensionPeriods: 1 });
    await publish(unwanted);
    await endDisclosure(unwanted);
    await waitForStatus(path(unwanted), 'extended');
    await at(unwanted, 'extended');
    await endDisclosure(unwanted);
    await waitFor(
      async () =>
        (await sql(`SELECT end_decided_for::text AS d FROM transfer_projects WHERE id = $1`, [unwanted]))[0]
          .d === yesterday || undefined,
      60_000,
      'the extended disclosure’s end decided',
    );
    await call('post', `${path(unwanted)}/relist`, staff, {
      listingPrice: TRANSFER_VALUATION,
      disclosureEndsOn: await businessDeadline(api.url, today, 20),
    });
    await at(unwanted, 'relisted');

    // One buyer: the agreement (协议成交), confirmed, the contract signed.
    const agreed = await create();
    await publish(agreed);
    await qualify(agreed, bidders[0]);
    await endDisclosure(agreed);
    await waitForStatus(path(agreed), 'agreement_pending');
    await at(agreed, 'agreement_pending');
    await call('post', `${path(agreed)}/agreement`, staff, { price: TRANSFER_VALUATION });
    expect((await at(agreed, 'sold'))!.awards?.map((award) => award.status)).toEqual(['pending']);
    await call('post', `${path(agreed)}/confirm`, staff);
    await at(agreed, 'confirmed');
    await call('post', `${path(agreed)}/contract`, staff, { signedOn: today, contractSha256: CONTRACT_SHA });
    await at(agreed, 'contract_signed');

    // Confirmed, unsigned past its deadline: defaulted (悔拍), then superseded by its re-listing.
    const defaulting = await create();
    await publish(defaulting);
    await qualify(defaulting, bidders[1]);
    await endDisclosure(defaulting);
    await waitForStatus(path(defaulting), 'agreement_pending');
    await call('post', `${path(defaulting)}/agreement`, staff, { price: TRANSFER_VALUATION });
    await call('post', `${path(defaulting)}/confirm`, staff);
    await sql(`UPDATE transfer_projects SET contract_deadline_on = $2 WHERE id = $1`, [
      defaulting,
      yesterday,
    ]);
    await waitForStatus(path(defaulting), 'defaulted');
    expect((await at(defaulting, 'defaulted'))!.awards?.map((award) => award.status)).toEqual(['cancelled']);
    await call('post', `${path(defaulting)}/relist`, staff, {
      listingPrice: TRANSFER_VALUATION,
      disclosureEndsOn: await businessDeadline(api.url, today, 20),
    });
    await at(defaulting, 'superseded');

    // Two buyers: the live auction; nobody bids, it closes unsold (流拍).
    const auctioned = await create();
    await publish(auctioned);
    for (const buyer of bidders) await qualify(auctioned, buyer);
    await endDisclosure(auctioned);
    await waitForStatus(path(auctioned), 'auction');
    await at(auctioned, 'auction');
    await sql(
      `WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at)
       UPDATE auctions SET bidding_starts_at = now.at + interval '1 second',
         free_bidding_ends_at = now.at + interval '2 seconds', ends_at = now.at + interval '3 seconds'
       FROM now WHERE id = $1`,
      [auctioned],
    );
    await waitForStatus(path(auctioned), 'unsold');
    await at(auctioned, 'unsold');
  }, 300_000);

  it('reached every status of every lifecycle table, and every package at once is valid too', async () => {
    expect({
      construction: [...reached.construction].sort(),
      procurement: [...reached.procurement].sort(),
      lease: [...reached.lease].sort(),
      transfer: [...reached.transfer].sort(),
    }).toEqual({
      construction: [...TENDER_STATUSES].sort(),
      procurement: [...PROCUREMENT_STATUSES].sort(),
      lease: [...LISTING_STATUSES].sort(),
      transfer: [...TRANSFER_STATUSES].sort(),
    });
    for (const [line, statuses] of Object.entries(EXPECTED))
      expect([line, Object.keys(statuses).sort()]).toEqual([line, [...reached[line as Line]].sort()]);

    const releases = (await request(api.url).get('/api/ocds/releases').query({ limit: 100 }).expect(200))
      .body;
    expect(schemaProblems(validateReleasePackage, releases)).toEqual([]);
    const records = (await request(api.url).get('/api/ocds/records').query({ limit: 100 }).expect(200)).body;
    expect(schemaProblems(validateRecordPackage, records)).toEqual([]);
    expect(records.records.length).toBe(records.total);
    const bulk = await request(api.url)
      .get(`/api/ocds/bulk/${today.slice(0, 4)}`)
      .expect(200);
    const bulkPackage = JSON.parse(bulk.text);
    expect(schemaProblems(validateReleasePackage, bulkPackage)).toEqual([]);
    expect(bulkPackage.releases.map((release: { id: string }) => release.id).sort()).toEqual(
      releases.releases.map((release: { id: string }) => release.id).sort(),
    );
  });
});
