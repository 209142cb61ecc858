import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { unifiedSocialCreditCheckCharacter } from '../libs/domain/src/organization-code.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import { centreDays } from './support/transfers.js';
import { buildReport } from './support/reports.js';

/** A valid 统一社会信用代码 of its own for each organisation in a test. */
const orgCode = () => {
  const body = `91360100${randomBytes(5)
    .toString('hex')
    .toUpperCase()
    .replace(/[IOSVZ]/g, '1')}`.slice(0, 17);
  return body + unifiedSocialCreditCheckCharacter(body);
};
const specialty = () => `s${randomBytes(4).toString('hex')}`;
const SHA = 'e'.repeat(64);
const REPORT_SHA = 'a'.repeat(64);
const CONTRACT_SHA = 'b'.repeat(64);
const CRITERIA = [
  { id: 'technical', weight: 60, kind: 'scored' },
  { id: 'price', weight: 40, kind: 'price_formula' },
];

/**
 * A construction tender from its committee to its contract, on the real platform (PostgreSQL,
 * Redis, the worker opening the bids): the committee drawn with the owner's and every supplier's
 * staff excluded and hidden until the opening, the committee's entries, the report's ranking,
 * the candidates' publicity, the award and the contract with its deal and deposits — every
 * statutory period at its boundary, every refusal with its own code and nothing written.
 */
describe('a tender from the committee to the contract (评标 → 公示 → 中标 → 合同)', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let suppliers: TestUser[];
  let today: string;
  let ownerDb: string;

  const as = (user: TestUser | undefined) => (req: request.Test) =>
    user ? req.auth(user.token, { type: 'bearer' }) : req;
  // null: anonymous (undefined would take the default, staff).
  const post = (path: string, body: unknown = {}, user: TestUser | null = staff) =>
    as(user ?? undefined)(request(api.url).post(path)).send(body as object);
  const put = (path: string, body: unknown, user: TestUser | null = staff) =>
    as(user ?? undefined)(request(api.url).put(path)).send(body as object);
  const get = (path: string, user: TestUser | null = staff) =>
    as(user ?? undefined)(request(api.url).get(path));
  const sql = (text: string, params: unknown[] = []) => queryRows(ownerDb, text, params);
  const statusOf = async (id: string) => (await get(`/api/tenders/${id}`).expect(200)).body.status as string;

  interface Tender {
    id: string;
    ownerCode: string;
    supplierCodes: string[];
    /** Each supplier's bid id, in the order of `suppliers`. */
    bidIds: string[];
  }

  /** `count` available experts of `kind`; the first ones employed by `employers`, in order. */
  async function createExperts(kind: string, count: number, employers: string[] = []) {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const created = await post('/api/experts', {
        name: `专家${index}`,
        employerName: '某设计院',
        employerOrgCode: employers[index] ?? orgCode(),
        specialties: [kind],
      }).expect(201);
      ids.push(created.body.id);
    }
    return ids;
  }

  /** An announced tender in bidding, the three suppliers qualified (deposits received). */
  async function tenderInBidding(terms: {
    stateFunded: boolean;
    method: 'comprehensive_scoring' | 'lowest_evaluated_price';
    kind?: string;
  }): Promise<Tender> {
    const ownerCode = orgCode();
    const created = await post('/api/tenders', {
      title: '某教学楼新建工程施工',
      ownerName: '某区教育局',
      ownerOrgCode: ownerCode,
      kind: terms.kind ?? 'building',
      description: '框架结构五层',
      estimatedPrice: 2_000_000_000,
      stateFunded: terms.stateFunded,
      evaluationMethod: terms.method,
      ...(terms.method === 'comprehensive_scoring' ? { criteria: CRITERIA } : {}),
      deposit: 20_000_000,
      documents: [{ name: '招标文件.pdf', sha256: SHA }],
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: today,
      bidDeadlineOn: addCalendarDays(today, 20),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/tenders/${id}/announce`).expect(200);
    const supplierCodes = suppliers.map(() => orgCode());
    for (const [index, supplier] of suppliers.entries()) {
      const applied = await post(
        `/api/tenders/${id}/registrations`,
        { organizationCode: supplierCodes[index] },
        supplier,
      ).expect(201);
      await post(`/api/tenders/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
      }).expect(200);
    }
    return { id, ownerCode, supplierCodes, bidIds: [] };
  }

  /** Each supplier bids its price; the deadline passes; the worker opens the bids. */
  async function open(tender: Tender, prices: number[]) {
    for (const [index, supplier] of suppliers.entries()) {
      const receipt = await put(
        `/api/tenders/${tender.id}/bid`,
        { price: prices[index], documents: [{ name: '投标文件.pdf', sha256: SHA }] },
        supplier,
      ).expect(200);
      tender.bidIds.push(receipt.body.bidId);
    }
    await sql(
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [tender.id],
    );
    await waitFor(async () => (await statusOf(tender.id)) === 'opened' || undefined, 15_000, 'opened');
  }

  const draw = (tender: Tender, kind: string, count: number, ownerRepresentatives = 0) =>
    post(`/api/tenders/${tender.id}/committee/draw`, {
      needs: [{ specialty: kind, count }],
      ownerRepresentatives,
    });
  const membersOf = async (tender: Tender) =>
    (
      (await get(`/api/tenders/${tender.id}/committee`, supervisor).expect(200)).body.members as {
        expertId: string;
      }[]
    ).map((member) => member.expertId);

  /** The report was received `days` days ago (as other tests move deadlines: in SQL). */
  const reportDaysAgo = (tender: Tender, days: number) =>
    sql(`UPDATE tender_evaluations SET report_on = $2::date - $3::int WHERE project_id = $1`, [
      tender.id,
      today,
      days,
    ]);
  /** The publicity ended yesterday. */
  const endPublicity = (tender: Tender) =>
    sql(
      `UPDATE tender_evaluations SET publicity_starts_on = $2::date - 4, publicity_ends_on = $2::date - 1
       WHERE project_id = $1`,
      [tender.id, today],
    );
  const awardNoticeDaysAgo = (tender: Tender, days: number) =>
    sql(
      `UPDATE tender_evaluations SET award_notice_on = $2::date - $3::int, contract_due_on = $2::date - $3::int + 30
       WHERE project_id = $1`,
      [tender.id, today, days],
    );
  const depositsOf = (tender: Tender) =>
    sql(
      `SELECT bidder_id AS "bidderId", state, refund_due_on::text AS "refundDueOn" FROM deposits
       WHERE host_type = 'tender_project' AND host_id = $1 ORDER BY bidder_id`,
      [tender.id],
    ) as Promise<{ bidderId: string; state: string; refundDueOn: string | null }[]>;

  beforeAll(async () => {
    platform = await startTestPlatform();
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    ({ today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ));
    [staff, supervisor] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
    ]);
    suppliers = await Promise.all([0, 1, 2].map(() => registerBidder(api.url)));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('runs a state-funded tender by comprehensive scoring from the draw to the deal', async () => {
    const kind = specialty();
    const [a, b] = suppliers;
    const tender = await tenderInBidding({ stateFunded: true, method: 'comprehensive_scoring' });
    // Seven experts: one works for the owner, one for a supplier; the other five are the committee.
    const [ownersExpert, suppliersExpert, ...eligible] = await createExperts(kind, 7, [
      tender.ownerCode,
      tender.supplierCodes[1],
    ]);

    const drawn = await draw(tender, kind, 5).expect(201);
    expect(drawn.body).toEqual({
      projectId: tender.id,
      drawId: expect.any(String),
      members: 5,
      experts: 5,
      ownerRepresentatives: 0,
      drawnAt: expect.any(String),
    });
    // Before the opening: supervisors only.
    expectError(await get(`/api/tenders/${tender.id}/committee`), 403, 'COMMITTEE_SEALED_UNTIL_OPENING');
    expectError(await get(`/api/tenders/${tender.id}/evaluation`), 403, 'COMMITTEE_SEALED_UNTIL_OPENING');
    expectError(await get(`/api/tenders/${tender.id}/committee`, a), 403, 'FORBIDDEN');
    expectError(await get(`/api/tenders/${tender.id}/committee`, null), 401, 'UNAUTHENTICATED');
    for (const [path, user] of [
      [`/api/tenders/${tender.id}`, null],
      [`/api/tenders/${tender.id}`, staff],
      [`/api/tenders/${tender.id}`, a],
      ['/api/tenders', null],
      [`/api/audit?entityId=${tender.id}&limit=500`, supervisor],
    ] as const) {
      const text = (await get(path, user)).text;
      for (const expertId of eligible) expect(text).not.toContain(expertId);
    }
    const committee = (await get(`/api/tenders/${tender.id}/committee`, supervisor).expect(200)).body;
    expect(committee.drawId).toBe(drawn.body.drawId);
    expect(committee.members.map((member: { expertId: string }) => member.expertId).sort()).toEqual(
      [...eligible].sort(),
    );
    const excluded = new Map(
      committee.candidates.map((entry: { expertId: string; excluded: string | null }) => [
        entry.expertId,
        entry.excluded,
      ]),
    );
    expect(excluded.get(ownersExpert)).toBe('employed_by_owner');
    expect(excluded.get(suppliersExpert)).toBe('employed_by_bidder');
    const replay = await post(`/api/committee-draws/${committee.drawId}/replay`, {}, supervisor).expect(200);
    expect(replay.body.matches).toBe(true);

    // Prices: a 19 000 000.00, b 18 000 000.00, c 18 500 000.00 yuan (in fen).
    await open(tender, [1_900_000_000, 1_800_000_000, 1_850_000_000]);
    // Staff see who sits once the bids are open, never the draw's seed (supervisors replay with it).
    const staffView = (await get(`/api/tenders/${tender.id}/committee`).expect(200)).body;
    expect(staffView.members).toHaveLength(5);
    expect(staffView.seed).toBeNull();
    expect(committee.seed).toMatch(/^[0-9a-f]{64}$/);
    // Nor may they redraw now that they see it: no member's employer bid.
    expectError(
      await post(`/api/tenders/${tender.id}/committee/draw`, {
        needs: [{ specialty: kind, count: 5 }],
        replacing: drawn.body.drawId,
      }),
      409,
      'COMMITTEE_REDRAW_AFTER_OPENING',
    );
    const started = await post(`/api/tenders/${tender.id}/start-evaluation`).expect(200);
    expect(started.body.committeeDrawId).toBe(drawn.body.drawId);
    expect(await statusOf(tender.id)).toBe('evaluating');

    const members = await membersOf(tender);
    const technical = [90, 80, 70.5];
    for (const [index, memberId] of members.entries()) {
      if (index === members.length - 1) {
        const incomplete = expectError(
          await post(`/api/tenders/${tender.id}/evaluation/report`, { reportSha256: REPORT_SHA }),
          422,
          'SCORES_INCOMPLETE',
        );
        expect(incomplete.details).toMatchObject({ missingCount: 3 });
      }
      await put(`/api/tenders/${tender.id}/evaluation/scores/${memberId}`, {
        scores: tender.bidIds.map((bidId, bid) => ({
          bidId,
          criterionId: 'technical',
          score: technical[bid],
        })),
      }).expect(200);
    }
    const entries = (await get(`/api/tenders/${tender.id}/evaluation`).expect(200)).body;
    expect(entries.scores).toHaveLength(15);
    expect(entries.scores[0]).toMatchObject({ enteredBy: staff.id, enteredAt: expect.any(String) });

    const report = await post(`/api/tenders/${tender.id}/evaluation/report`, {
      reportSha256: REPORT_SHA,
    }).expect(200);
    // a: 0.6 × 90 + 0.4 × 18/19 × 100 = 91.89; b: 48 + 40 = 88; c: 42.3 + 38.92 = 81.22.
    expect(report.body).toMatchObject({
      outcome: 'ranked',
      candidates: [
        { bidId: tender.bidIds[0], rank: 1, totalScore: 91.89 },
        { bidId: tender.bidIds[1], rank: 2, totalScore: 88 },
        { bidId: tender.bidIds[2], rank: 3, totalScore: 81.22 },
      ],
    });
    expectError(
      await post(`/api/tenders/${tender.id}/evaluation/report`, { reportSha256: REPORT_SHA }),
      409,
      'EVALUATION_ALREADY_REPORTED',
    );
    expectError(await get(`/api/tenders/${tender.id}/candidates`, null), 404, 'CANDIDATES_NOT_PUBLISHED');

    await post(`/api/tenders/${tender.id}/candidates/publish`, {
      startsOn: today,
      endsOn: addCalendarDays(today, 3),
    }).expect(200);
    const shown = (await get(`/api/tenders/${tender.id}/candidates`, null).expect(200)).body;
    // The suppliers are persons' accounts applying for organisations: each candidate is named by
    // its organisation's code, never by the account's (a person's) name.
    expect(shown.candidates[0]).toEqual({
      rank: 1,
      bidId: tender.bidIds[0],
      bidderName: tender.supplierCodes[0],
      supplierCode: tender.supplierCodes[0],
      price: 1_900_000_000,
      evaluatedPrice: null,
      totalScore: 91.89,
      tieBrokenByLot: false,
      withdrawal: null,
    });
    expect(shown.publicity).toEqual({ startsOn: today, endsOn: addCalendarDays(today, 3) });
    // The lot's seed was made with the report, not taken from the draw (which staff could see).
    const [seeds] = await queryRows<{ tie_seed: string }>(
      ownerDb,
      `SELECT tie_seed FROM tender_evaluations WHERE project_id = $1`,
      [tender.id],
    );
    expect(seeds.tie_seed).toMatch(/^[0-9a-f]{64}$/);
    expect(seeds.tie_seed).not.toBe(committee.seed);

    const notEnded = expectError(
      await post(`/api/tenders/${tender.id}/award`, { bidId: tender.bidIds[0] }),
      409,
      'PUBLICITY_NOT_ENDED',
    );
    expect(notEnded.details).toMatchObject({ earliestOn: addCalendarDays(today, 4) });
    await endPublicity(tender);
    const second = expectError(
      await post(`/api/tenders/${tender.id}/award`, { bidId: tender.bidIds[1], reason: '第一名放弃' }),
      422,
      'AWARD_NOT_FIRST_CANDIDATE',
    );
    expect(second.details).toMatchObject({ firstCandidateBidId: tender.bidIds[0], mustFollowRanking: true });
    const awarded = await post(`/api/tenders/${tender.id}/award`, { bidId: tender.bidIds[0] }).expect(200);
    expect(awarded.body.award).toMatchObject({
      bidId: tender.bidIds[0],
      bidderName: tender.supplierCodes[0],
      supplierCode: tender.supplierCodes[0],
      noticeOn: today,
      contractDueOn: addCalendarDays(today, 30),
    });

    expectError(
      await post(`/api/tenders/${tender.id}/contract`, {
        signedOn: addCalendarDays(today, 1),
        contractSha256: CONTRACT_SHA,
      }),
      422,
      'CONTRACT_SIGNED_IN_FUTURE',
    );
    const contracted = await post(`/api/tenders/${tender.id}/contract`, {
      signedOn: today,
      contractSha256: CONTRACT_SHA,
    }).expect(200);
    expect(contracted.body).toMatchObject({
      contract: { signedOn: today, contractSha256: CONTRACT_SHA },
      depositRefundDueOn: addCalendarDays(today, 5),
    });
    expect(await statusOf(tender.id)).toBe('contracted');

    const [deal] = await sql(
      `SELECT category, subtype, source_type, source_id, title, amount::bigint::text AS amount, winner_id,
              winner_name, closed_at FROM deals WHERE source_type = 'tender_award' AND source_id = $1`,
      [tender.id],
    );
    expect(deal).toMatchObject({
      category: 'construction',
      subtype: 'building',
      source_type: 'tender_award',
      source_id: tender.id,
      amount: '1900000000',
      winner_id: a.id,
      // The deal record (supervisors only) keeps the winning account's name.
      winner_name: `竞买人 ${a.username}`,
    });
    expect(contracted.body.dealId).toEqual(expect.any(String));
    // Its fee recorded with it: no construction schedule is in force here, so none is charged.
    expect(
      await sql(
        `SELECT line, amount, schedule_id, working->>'missing' AS missing FROM deal_fees WHERE deal_id = $1`,
        [contracted.body.dealId],
      ),
    ).toEqual([{ line: 'construction', amount: null, schedule_id: null, missing: 'FEE_SCHEDULE_MISSING' }]);
    // Every deposit, the winner's too, is due for refund 5 days after the contract.
    const deposits = await depositsOf(tender);
    expect(deposits).toHaveLength(3);
    for (const deposit of deposits) expect(deposit.refundDueOn).toBe(addCalendarDays(today, 5));

    // The deal counts in the transaction report under construction / building.
    const built = await buildReport(api.url, staff, { from: today, to: today });
    const construction = built.result!.categories.find((category) => category.category === 'construction')!;
    const building = construction.subtypes.find((subtype) => subtype.subtype === 'building')!;
    expect(building.count).toBeGreaterThanOrEqual(1);
    expect(building.amount).toBeGreaterThanOrEqual(1_900_000_000);
    void b;
  });

  it('runs a non-state-funded tender by lowest evaluated price, awarding the second with a reason; every period at its boundary', async () => {
    const kind = specialty();
    const [, b] = suppliers;
    const tender = await tenderInBidding({
      stateFunded: false,
      method: 'lowest_evaluated_price',
      kind: 'road',
    });
    await createExperts(kind, 4);
    // Four drawn experts and one owner's representative: 5 members, 4 ≥ 2/3 of them.
    await draw(tender, kind, 4, 1).expect(201);
    await open(tender, [1_500_000_000, 1_600_000_000, 1_700_000_000]);
    await post(`/api/tenders/${tender.id}/start-evaluation`).expect(200);
    await put(`/api/tenders/${tender.id}/evaluation/evaluated-prices`, {
      prices: [
        { bidId: tender.bidIds[0], evaluatedPrice: 1_450_000_000, note: '扣除暂列金额' },
        { bidId: tender.bidIds[1], evaluatedPrice: 1_550_000_000 },
      ],
    }).expect(200);
    const incomplete = expectError(
      await post(`/api/tenders/${tender.id}/evaluation/report`, { reportSha256: REPORT_SHA }),
      422,
      'EVALUATED_PRICES_INCOMPLETE',
    );
    expect(incomplete.details).toEqual({ missing: [tender.bidIds[2]] });
    await put(`/api/tenders/${tender.id}/evaluation/evaluated-prices`, {
      prices: [{ bidId: tender.bidIds[2], evaluatedPrice: 1_650_000_000 }],
    }).expect(200);
    const report = await post(`/api/tenders/${tender.id}/evaluation/report`, {
      reportSha256: REPORT_SHA,
    }).expect(200);
    expect(report.body.candidates.map((candidate: { bidId: string }) => candidate.bidId)).toEqual(
      tender.bidIds,
    );

    // Publicity starts within 3 days of the report: 4 days after it is too late, 3 is in time.
    await reportDaysAgo(tender, 4);
    const late = expectError(
      await post(`/api/tenders/${tender.id}/candidates/publish`, {
        startsOn: today,
        endsOn: addCalendarDays(today, 3),
      }),
      422,
      'CANDIDATE_PUBLICITY_TOO_LATE',
    );
    expect(late.details).toMatchObject({ latestStartsOn: addCalendarDays(today, -1) });
    await reportDaysAgo(tender, 3);
    // It lasts at least 3 days: to day 2 is too short, to day 3 is enough.
    const short = expectError(
      await post(`/api/tenders/${tender.id}/candidates/publish`, {
        startsOn: today,
        endsOn: addCalendarDays(today, 2),
      }),
      422,
      'CANDIDATE_PUBLICITY_TOO_SHORT',
    );
    expect(short.details).toMatchObject({ earliestEndsOn: addCalendarDays(today, 3) });
    await post(`/api/tenders/${tender.id}/candidates/publish`, {
      startsOn: today,
      endsOn: addCalendarDays(today, 3),
    }).expect(200);
    expect(await statusOf(tender.id)).toBe('candidates_published');
    const shown = (await get(`/api/tenders/${tender.id}/candidates`, null).expect(200)).body;
    expect(shown.candidates[0]).toMatchObject({ evaluatedPrice: 1_450_000_000, totalScore: null });

    await endPublicity(tender);
    const bare = expectError(
      await post(`/api/tenders/${tender.id}/award`, { bidId: tender.bidIds[1] }),
      422,
      'AWARD_NOT_FIRST_CANDIDATE',
    );
    expect(bare.details).toMatchObject({ mustFollowRanking: false });
    expectError(
      await post(`/api/tenders/${tender.id}/award`, { bidId: '00000000-0000-4000-8000-000000000000' }),
      422,
      'AWARD_NOT_A_CANDIDATE',
    );
    const awarded = await post(`/api/tenders/${tender.id}/award`, {
      bidId: tender.bidIds[1],
      reason: '第一中标候选人放弃中标',
    }).expect(200);
    expect(awarded.body.award).toMatchObject({ bidId: tender.bidIds[1], reason: '第一中标候选人放弃中标' });

    // The contract within 30 days of the award notice: day 31 refused, day 30 taken.
    await awardNoticeDaysAgo(tender, 31);
    const overdue = expectError(
      await post(`/api/tenders/${tender.id}/contract`, { signedOn: today, contractSha256: CONTRACT_SHA }),
      422,
      'CONTRACT_DEADLINE_PASSED',
    );
    expect(overdue.details).toMatchObject({ dueOn: addCalendarDays(today, -1) });
    // The worker alerts once (audit and warning); the status stays for staff to decide.
    await waitFor(
      async () =>
        (
          await sql(`SELECT 1 FROM audit_log WHERE entity_id = $1 AND action = 'tender.contract_overdue'`, [
            tender.id,
          ])
        ).length === 1 || undefined,
      15_000,
      'the overdue contract alert',
    );
    expect(await statusOf(tender.id)).toBe('awarded');
    await awardNoticeDaysAgo(tender, 30);
    await post(`/api/tenders/${tender.id}/contract`, {
      signedOn: today,
      contractSha256: CONTRACT_SHA,
    }).expect(200);
    const [deal] = await sql(
      `SELECT subtype, amount::bigint::text AS amount, winner_id FROM deals WHERE source_type = 'tender_award' AND source_id = $1`,
      [tender.id],
    );
    expect(deal).toEqual({ subtype: 'road', amount: '1600000000', winner_id: b.id });
  });

  it('fails the tender when the committee rejects every bid; needs a committee before the evaluation', async () => {
    const kind = specialty();
    const tender = await tenderInBidding({ stateFunded: true, method: 'lowest_evaluated_price' });
    await createExperts(kind, 5);
    await open(tender, [1_100_000_000, 1_200_000_000, 1_300_000_000]);
    expectError(await post(`/api/tenders/${tender.id}/start-evaluation`), 422, 'COMMITTEE_NOT_DRAWN');
    // Drawn after the opening, before the evaluation: still allowed.
    await draw(tender, kind, 5).expect(201);
    await post(`/api/tenders/${tender.id}/start-evaluation`).expect(200);
    expectError(await draw(tender, kind, 5), 409, 'INVALID_STATE_TRANSITION');
    await post(`/api/tenders/${tender.id}/evaluation/rejections`, {
      bidId: tender.bidIds[0].toUpperCase(),
      reason: '未按招标文件要求提交投标保证金',
    }).expect(201);
    expectError(
      await post(`/api/tenders/${tender.id}/evaluation/rejections`, {
        bidId: tender.bidIds[0],
        reason: '再次',
      }),
      409,
      'BID_ALREADY_REJECTED',
    );
    const entries = (await get(`/api/tenders/${tender.id}/evaluation`, supervisor).expect(200)).body;
    expect(entries.rejections).toEqual([
      {
        bidId: tender.bidIds[0],
        reason: '未按招标文件要求提交投标保证金',
        enteredBy: staff.id,
        enteredAt: expect.any(String),
      },
    ]);
    const report = await post(`/api/tenders/${tender.id}/evaluation/report`, {
      rejectAll: true,
      reportSha256: REPORT_SHA,
    }).expect(200);
    expect(report.body).toEqual({ outcome: 'failed', reason: 'all_rejected', ranking: [], candidates: [] });
    const shown = (await get(`/api/tenders/${tender.id}`, null).expect(200)).body;
    expect(shown).toMatchObject({ status: 'failed', failedReason: '评标委员会否决全部投标,依法重新招标' });
    for (const deposit of await depositsOf(tender)) expect(deposit.refundDueOn).not.toBeNull();
  });

  it('refuses a committee member employed by a supplier that applied after the draw; a redraw replaces it; staff may fail the tender', async () => {
    const kind = specialty();
    const tender = await tenderInBidding({ stateFunded: true, method: 'lowest_evaluated_price' });
    const lateCode = orgCode();
    const [conflicted] = await createExperts(kind, 5, [lateCode]);
    const first = (await draw(tender, kind, 5).expect(201)).body.drawId as string;
    // A fourth supplier applies after the draw: the expert it employs was drawn.
    const late = await registerBidder(api.url);
    await post(`/api/tenders/${tender.id}/registrations`, { organizationCode: lateCode }, late).expect(201);
    await open(tender, [1_100_000_000, 1_200_000_000, 1_300_000_000]);
    const refused = expectError(
      await post(`/api/tenders/${tender.id}/start-evaluation`),
      422,
      'COMMITTEE_CONFLICT_OF_INTEREST',
    );
    expect(refused.details).toEqual({ drawId: first, memberIds: [conflicted] });
    expectError(await draw(tender, kind, 5), 409, 'COMMITTEE_ALREADY_DRAWN');
    await createExperts(kind, 1);
    const redraw = await post(`/api/tenders/${tender.id}/committee/draw`, {
      needs: [{ specialty: kind, count: 5 }],
      replacing: first,
    }).expect(201);
    expect(await membersOf(tender)).not.toContain(conflicted);
    // The conflict is gone, and with it the right to redraw after the opening.
    expectError(
      await post(`/api/tenders/${tender.id}/committee/draw`, {
        needs: [{ specialty: kind, count: 5 }],
        replacing: redraw.body.drawId,
      }),
      409,
      'COMMITTEE_REDRAW_AFTER_OPENING',
    );
    const started = await post(`/api/tenders/${tender.id}/start-evaluation`).expect(200);
    expect(started.body.committeeDrawId).toBe(redraw.body.drawId);

    await post(`/api/tenders/${tender.id}/fail`, { reason: '招标文件存在重大缺陷' }).expect(200);
    const shown = (await get(`/api/tenders/${tender.id}`, null).expect(200)).body;
    expect(shown).toMatchObject({ status: 'failed', failedReason: '招标文件存在重大缺陷' });
    // The received deposits fall due; the late supplier's was never paid.
    const deposits = await depositsOf(tender);
    expect(deposits.filter((deposit) => deposit.refundDueOn !== null)).toHaveLength(3);
    expect(deposits.find((deposit) => deposit.bidderId === late.id)).toMatchObject({
      state: 'due',
      refundDueOn: null,
    });
  });

  it('takes scoring criteria with comprehensive scoring only, each rule checked', async () => {
    const body = (overrides: Record<string, unknown>) => ({
      title: '某工程',
      ownerName: '某局',
      ownerOrgCode: orgCode(),
      kind: 'building',
      description: '说明',
      estimatedPrice: 1_000_000,
      stateFunded: true,
      evaluationMethod: 'comprehensive_scoring',
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: today,
      bidDeadlineOn: addCalendarDays(today, 20),
      ...overrides,
    });
    const refusals: [Record<string, unknown>, string][] = [
      [{}, 'criteria'],
      [{ criteria: [{ id: 'a', weight: 50, kind: 'scored' }] }, 'criteria'],
      [
        {
          criteria: [
            { id: 'a', weight: 50, kind: 'price_formula' },
            { id: 'b', weight: 50, kind: 'price_formula' },
          ],
        },
        'criteria',
      ],
      [{ criteria: [{ id: 'a', weight: 100, kind: 'formula' }] }, 'criteria.0.kind'],
      [{ evaluationMethod: 'lowest_evaluated_price', criteria: CRITERIA }, 'criteria'],
    ];
    for (const [overrides, field] of refusals) {
      const refused = expectError(await post('/api/tenders', body(overrides)), 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(refused.details)).toContain(field);
    }
    const created = await post('/api/tenders', body({ criteria: CRITERIA })).expect(201);
    expect(created.body.criteria).toEqual(CRITERIA);
    // Switching to the lowest evaluated price drops them.
    const edited = await as(staff)(request(api.url).patch(`/api/tenders/${created.body.id}`))
      .send({ evaluationMethod: 'lowest_evaluated_price' })
      .expect(200);
    expect(edited.body.criteria).toBeNull();
  });

  it('answers bad input on every new endpoint with a 4xx and its code, writing nothing', async () => {
    const kind = specialty();
    await createExperts(kind, 5);
    const announced = await tenderInBidding({ stateFunded: true, method: 'comprehensive_scoring' });
    const tender = await tenderInBidding({ stateFunded: true, method: 'comprehensive_scoring' });
    await draw(tender, kind, 5).expect(201);
    await open(tender, [1_100_000_000, 1_200_000_000, 1_300_000_000]);
    await post(`/api/tenders/${tender.id}/start-evaluation`).expect(200);
    const [memberId] = await membersOf(tender);
    const [bidder] = suppliers;
    const missing = '00000000-0000-4000-8000-000000000000';
    const base = `/api/tenders/${tender.id}`;
    const score = (overrides: Record<string, unknown> = {}) => ({
      scores: [{ bidId: tender.bidIds[0], criterionId: 'technical', score: 50, ...overrides }],
    });
    type Case = [string, 'get' | 'post' | 'put', string, TestUser | undefined, unknown, number, string];
    const cases: Case[] = [
      ['draw: anonymous', 'post', `${base}/committee/draw`, undefined, {}, 401, 'UNAUTHENTICATED'],
      ['draw: a bidder', 'post', `/api/tenders/${announced.id}/committee/draw`, bidder, {}, 403, 'FORBIDDEN'],
      [
        'draw: no needs',
        'post',
        `/api/tenders/${announced.id}/committee/draw`,
        staff,
        { needs: [] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'draw: count 0',
        'post',
        `/api/tenders/${announced.id}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 0 }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'draw: even',
        'post',
        `/api/tenders/${announced.id}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 6 }] },
        422,
        'COMMITTEE_NOT_ODD',
      ],
      [
        'draw: too small',
        'post',
        `/api/tenders/${announced.id}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 3 }] },
        422,
        'COMMITTEE_TOO_SMALL',
      ],
      [
        'draw: too few experts',
        'post',
        `/api/tenders/${announced.id}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 3 }], ownerRepresentatives: 2 },
        422,
        'COMMITTEE_TOO_FEW_EXPERTS',
      ],
      [
        'draw: not enough experts',
        'post',
        `/api/tenders/${announced.id}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 7 }] },
        422,
        'NOT_ENOUGH_ELIGIBLE_EXPERTS',
      ],
      [
        'draw: while evaluating',
        'post',
        `${base}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 5 }] },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'draw: bad id',
        'post',
        '/api/tenders/nope/committee/draw',
        staff,
        { needs: [{ specialty: kind, count: 5 }] },
        400,
        'INVALID_ID',
      ],
      [
        'draw: no such tender',
        'post',
        `/api/tenders/${missing}/committee/draw`,
        staff,
        { needs: [{ specialty: kind, count: 5 }] },
        404,
        'LISTING_NOT_FOUND',
      ],
      [
        'committee: none drawn',
        'get',
        `/api/tenders/${announced.id}/committee`,
        supervisor,
        undefined,
        404,
        'COMMITTEE_DRAW_NOT_FOUND',
      ],
      [
        'committee: no such tender',
        'get',
        `/api/tenders/${missing}/committee`,
        supervisor,
        undefined,
        404,
        'LISTING_NOT_FOUND',
      ],
      ['start: twice', 'post', `${base}/start-evaluation`, staff, {}, 409, 'INVALID_STATE_TRANSITION'],
      ['start: a supervisor', 'post', `${base}/start-evaluation`, supervisor, {}, 403, 'FORBIDDEN'],
      [
        'reject: bad bid id',
        'post',
        `${base}/evaluation/rejections`,
        staff,
        { bidId: 'x', reason: 'r' },
        400,
        'INVALID_ID',
      ],
      [
        'reject: unknown bid',
        'post',
        `${base}/evaluation/rejections`,
        staff,
        { bidId: missing, reason: 'r' },
        404,
        'TENDER_BID_NOT_FOUND',
      ],
      [
        'reject: no reason',
        'post',
        `${base}/evaluation/rejections`,
        staff,
        { bidId: tender.bidIds[0], reason: '' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'reject: a bidder',
        'post',
        `${base}/evaluation/rejections`,
        bidder,
        { bidId: tender.bidIds[0], reason: 'r' },
        403,
        'FORBIDDEN',
      ],
      [
        'prices: wrong method',
        'put',
        `${base}/evaluation/evaluated-prices`,
        staff,
        { prices: [{ bidId: tender.bidIds[0], evaluatedPrice: 1 }] },
        409,
        'EVALUATION_METHOD_MISMATCH',
      ],
      [
        'prices: yuan',
        'put',
        `${base}/evaluation/evaluated-prices`,
        staff,
        { prices: [{ bidId: tender.bidIds[0], evaluatedPrice: 1.5 }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'prices: empty',
        'put',
        `${base}/evaluation/evaluated-prices`,
        staff,
        { prices: [] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'scores: not a member',
        'put',
        `${base}/evaluation/scores/${missing}`,
        staff,
        score(),
        404,
        'COMMITTEE_MEMBER_NOT_FOUND',
      ],
      ['scores: bad member id', 'put', `${base}/evaluation/scores/nope`, staff, score(), 400, 'INVALID_ID'],
      [
        'scores: above 100',
        'put',
        `${base}/evaluation/scores/${memberId}`,
        staff,
        score({ score: 101 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'scores: three decimals',
        'put',
        `${base}/evaluation/scores/${memberId}`,
        staff,
        score({ score: 1.234 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'scores: as text',
        'put',
        `${base}/evaluation/scores/${memberId}`,
        staff,
        score({ score: '50' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'scores: the price formula',
        'put',
        `${base}/evaluation/scores/${memberId}`,
        staff,
        score({ criterionId: 'price' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'scores: unknown bid',
        'put',
        `${base}/evaluation/scores/${memberId}`,
        staff,
        score({ bidId: missing }),
        404,
        'TENDER_BID_NOT_FOUND',
      ],
      [
        'scores: twice the same',
        'put',
        `${base}/evaluation/scores/${memberId}`,
        staff,
        { scores: [...score().scores, ...score().scores] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'report: bad hash',
        'post',
        `${base}/evaluation/report`,
        staff,
        { reportSha256: 'A'.repeat(64) },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'report: incomplete',
        'post',
        `${base}/evaluation/report`,
        staff,
        { reportSha256: REPORT_SHA },
        422,
        'SCORES_INCOMPLETE',
      ],
      [
        'publish: no report',
        'post',
        `${base}/candidates/publish`,
        staff,
        { startsOn: today, endsOn: addCalendarDays(today, 3) },
        409,
        'EVALUATION_NOT_REPORTED',
      ],
      [
        'publish: bad date',
        'post',
        `${base}/candidates/publish`,
        staff,
        { startsOn: '2026-02-30', endsOn: today },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'candidates: not yet',
        'get',
        `${base}/candidates`,
        undefined,
        undefined,
        404,
        'CANDIDATES_NOT_PUBLISHED',
      ],
      [
        'award: while evaluating',
        'post',
        `${base}/award`,
        staff,
        { bidId: tender.bidIds[0] },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['award: no bid', 'post', `${base}/award`, staff, {}, 400, 'VALIDATION_FAILED'],
      [
        'contract: while evaluating',
        'post',
        `${base}/contract`,
        staff,
        { signedOn: today, contractSha256: CONTRACT_SHA },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      [
        'contract: 30 February',
        'post',
        `${base}/contract`,
        staff,
        { signedOn: '2026-02-30', contractSha256: CONTRACT_SHA },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'contract: bad hash',
        'post',
        `${base}/contract`,
        staff,
        { signedOn: today, contractSha256: 'x' },
        400,
        'VALIDATION_FAILED',
      ],
      ['fail: no reason', 'post', `${base}/fail`, staff, { reason: '' }, 400, 'VALIDATION_FAILED'],
      [
        'fail: from bidding',
        'post',
        `/api/tenders/${announced.id}/fail`,
        staff,
        { reason: '流标' },
        409,
        'INVALID_STATE_TRANSITION',
      ],
      ['evaluation: a bidder', 'get', `${base}/evaluation`, bidder, undefined, 403, 'FORBIDDEN'],
    ];
    const tables = [
      'tender_projects',
      'tender_evaluations',
      'tender_scores',
      'tender_evaluated_prices',
      'tender_bid_rejections',
      'committee_draws',
      'committee_sittings',
      'deals',
      'deposits',
      'audit_log',
    ];
    const before = await tableContents(platform.env.config.DATABASE_URL, tables);
    for (const [name, method, path, user, body, status, code] of cases) {
      const call = as(user)(request(api.url)[method](path));
      const response = body === undefined ? await call : await call.send(body as object);
      try {
        expectError(response, status, code);
      } catch (error) {
        throw new Error(`${name}: ${String(error)}`, { cause: error });
      }
    }
    expect(await tableContents(platform.env.config.DATABASE_URL, tables)).toEqual(before);
  });

  it('describes every new endpoint in the OpenAPI document', async () => {
    const paths = Object.keys((await request(api.url).get('/docs-json').expect(200)).body.paths);
    for (const path of [
      '/api/tenders/{id}/committee/draw',
      '/api/tenders/{id}/committee',
      '/api/tenders/{id}/start-evaluation',
      '/api/tenders/{id}/evaluation',
      '/api/tenders/{id}/evaluation/rejections',
      '/api/tenders/{id}/evaluation/evaluated-prices',
      '/api/tenders/{id}/evaluation/scores/{memberId}',
      '/api/tenders/{id}/evaluation/report',
      '/api/tenders/{id}/candidates/publish',
      '/api/tenders/{id}/candidates',
      '/api/tenders/{id}/award',
      '/api/tenders/{id}/contract',
      '/api/tenders/{id}/fail',
    ])
      expect(paths).toContain(path);
  });
});
