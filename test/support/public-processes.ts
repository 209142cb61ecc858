/**
 * Tenders (建筑工程) and procurements (政府采购) driven through the real API, step by step, for the
 * tests that need processes in a given status (the disclosure's leak walk, OCDS per status): each
 * step is the endpoint staff or a supplier calls; the clock's waits (the bid deadline, the
 * candidates' publicity) are moved in SQL as the lines' own e2e tests move them, and the worker
 * opens the bids. Money in fen.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { queryRows } from './checks.js';
import { organizationCode, type TestUser, waitFor } from './factories.js';
import { businessDeadline } from './transfers.js';

export const PROCESS_SHA = 'e'.repeat(64);
export const REPORT_SHA = 'a'.repeat(64);
export const CONTRACT_SHA = 'b'.repeat(64);

export interface ProcessContext {
  apiUrl: string;
  /** The owner's connection (SQL that moves a deadline, as time would). */
  ownerDb: string;
  staff: TestUser;
  /** Today in the centre's zone, by the database's clock. */
  today: string;
}

/** A supplier and the organisation's code it applies with. */
export interface Supplier {
  user: TestUser;
  code: string;
  /** The organisation's registered name staff confirm when they qualify it (else it is named by its code). */
  name?: string;
}

const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });

/** A step's call; a refusal fails with its code and message (what a bare status check hides). */
function step(method: 'post' | 'put', ctx: ProcessContext, path: string, body: object, user: TestUser) {
  return {
    async expect(status: number) {
      const response = await as(user)(request(ctx.apiUrl)[method](path)).send(body);
      if (response.status !== status)
        throw new Error(`${method.toUpperCase()} ${path}: ${response.status} ${response.text}`);
      return response;
    },
  };
}
const post = (ctx: ProcessContext, path: string, body: object = {}, user: TestUser = ctx.staff) =>
  step('post', ctx, path, body, user);
const put = (ctx: ProcessContext, path: string, body: object, user: TestUser) =>
  step('put', ctx, path, body, user);

/** The status staff see (drafts included). */
export async function statusOf(ctx: ProcessContext, path: string): Promise<string> {
  return (await as(ctx.staff)(request(ctx.apiUrl).get(path)).expect(200)).body.status as string;
}

async function waitForStatus(ctx: ProcessContext, path: string, status: string) {
  await waitFor(async () => (await statusOf(ctx, path)) === status || undefined, 60_000, `${path} ${status}`);
}

/** `count` experts of a specialty of their own (available today): a draw's needs. */
export async function experts(ctx: ProcessContext, count: number) {
  const specialty = `s${randomBytes(4).toString('hex')}`;
  for (let index = 0; index < count; index += 1)
    await post(ctx, '/api/experts', {
      name: `评审专家${index + 1}`,
      employerName: '江西省某设计研究院',
      employerOrgCode: organizationCode(),
      specialties: [specialty],
    }).expect(201);
  return { needs: [{ specialty, count }] };
}

// --- construction tenders ------------------------------------------------------------------------

/**
 * A tender registered (and announced, unless `announce` is false). Its documents are issued today
 * (bidding opens with the notice) or, with `issueLater`, tomorrow (it stays `announced`).
 */
export async function newTender(
  ctx: ProcessContext,
  options: {
    title: string;
    announce?: boolean;
    issueLater?: boolean;
    estimatedPrice?: number;
    /** With pre-qualification (资格预审) from today: its sale 5 days, applications due 10 days on. */
    prequalification?: boolean;
  },
): Promise<{ id: string; code: string }> {
  const issuedOn = options.prequalification
    ? addCalendarDays(ctx.today, 11)
    : options.issueLater
      ? addCalendarDays(ctx.today, 1)
      : ctx.today;
  const created = await post(ctx, '/api/tenders', {
    title: options.title,
    ownerName: '南昌市东湖区住房和城乡建设局',
    ownerOrgCode: '91360100MA35F6GX2N',
    kind: 'road',
    description: '道路改造 1.2 公里',
    estimatedPrice: options.estimatedPrice ?? 2_000_000_000,
    stateFunded: true,
    evaluationMethod: 'lowest_evaluated_price',
    deposit: 20_000_000,
    documents: [{ name: '招标文件.pdf', sha256: PROCESS_SHA }],
    saleStartsOn: issuedOn,
    saleEndsOn: addCalendarDays(issuedOn, 5),
    documentsIssuedOn: issuedOn,
    bidDeadlineOn: addCalendarDays(issuedOn, 20),
    ...(options.prequalification
      ? {
          prequalification: {
            documents: [{ name: '资格预审文件.pdf', sha256: PROCESS_SHA }],
            saleStartsOn: ctx.today,
            saleEndsOn: addCalendarDays(ctx.today, 5),
            applicationsDueOn: addCalendarDays(ctx.today, 10),
          },
        }
      : {}),
  }).expect(201);
  const id = created.body.id as string;
  if (options.announce !== false) await post(ctx, `/api/tenders/${id}/announce`).expect(200);
  return { id, code: created.body.code as string };
}

/** Each supplier applies with its code, is qualified (deposit received) and seals its price; the bids' ids. */
export async function tenderBids(
  ctx: ProcessContext,
  id: string,
  suppliers: Supplier[],
  prices: number[],
): Promise<string[]> {
  const bidIds: string[] = [];
  for (const [index, supplier] of suppliers.entries()) {
    const applied = await post(
      ctx,
      `/api/tenders/${id}/registrations`,
      { organizationCode: supplier.code },
      supplier.user,
    ).expect(201);
    await post(ctx, `/api/tenders/${id}/registrations/${applied.body.id}/qualify`, {
      depositReceived: true,
      ...(supplier.name === undefined ? {} : { organizationName: supplier.name }),
    }).expect(200);
    if (prices[index] === undefined) continue;
    const receipt = await put(
      ctx,
      `/api/tenders/${id}/bid`,
      { price: prices[index], documents: [{ name: '投标文件.pdf', sha256: PROCESS_SHA }] },
      supplier.user,
    ).expect(200);
    bidIds.push(receipt.body.bidId as string);
  }
  return bidIds;
}

/** The deadline passes (in SQL, as time would) and the worker opens the sealed bids: → `status`. */
export async function openSealed(
  ctx: ProcessContext,
  line: 'tender' | 'procurement',
  id: string,
  status: 'opened' | 'failed' = 'opened',
) {
  const [table, column, path] =
    line === 'tender'
      ? ['tender_projects', 'bid_deadline_at', `/api/tenders/${id}`]
      : ['procurement_projects', 'response_deadline_at', `/api/procurements/${id}`];
  await queryRows(
    ctx.ownerDb,
    `UPDATE ${table} SET ${column} = clock_timestamp() - interval '1 second' WHERE id = $1`,
    [id],
  );
  await waitForStatus(ctx, path, status);
}

/** The committee drawn (5 experts of their own) and the evaluation started: → evaluating. */
export async function startTenderEvaluation(ctx: ProcessContext, id: string) {
  await post(ctx, `/api/tenders/${id}/committee/draw`, await experts(ctx, 5)).expect(201);
  await post(ctx, `/api/tenders/${id}/start-evaluation`).expect(200);
}

/** Every bid's evaluated price is its price; the report ranks them (lowest first). */
export async function reportTender(ctx: ProcessContext, id: string, bidIds: string[], prices: number[]) {
  await put(
    ctx,
    `/api/tenders/${id}/evaluation/evaluated-prices`,
    { prices: bidIds.map((bidId, index) => ({ bidId, evaluatedPrice: prices[index] })) },
    ctx.staff,
  ).expect(200);
  return (await post(ctx, `/api/tenders/${id}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200))
    .body;
}

/** 中标候选人公示 from today for 3 days: → candidates_published. */
export async function publishCandidates(ctx: ProcessContext, id: string) {
  await post(ctx, `/api/tenders/${id}/candidates/publish`, {
    startsOn: ctx.today,
    endsOn: addCalendarDays(ctx.today, 3),
  }).expect(200);
}

/** The publicity over (in SQL), the award to `bidId`: → awarded. */
export async function awardTender(ctx: ProcessContext, id: string, bidId: string) {
  await queryRows(
    ctx.ownerDb,
    `UPDATE tender_evaluations SET publicity_starts_on = $2::date - 4, publicity_ends_on = $2::date - 1
     WHERE project_id = $1`,
    [id, ctx.today],
  );
  await post(ctx, `/api/tenders/${id}/award`, { bidId }).expect(200);
}

export async function signTenderContract(ctx: ProcessContext, id: string) {
  await post(ctx, `/api/tenders/${id}/contract`, {
    signedOn: ctx.today,
    contractSha256: CONTRACT_SHA,
  }).expect(200);
}

// --- government procurement ----------------------------------------------------------------------

/**
 * A framework agreement (框架协议, lowest price: its report needs no entries) announced with its
 * documents issued today (→ responding), or tomorrow with `issueLater` (→ announced); 2 admitted.
 */
export async function newFramework(
  ctx: ProcessContext,
  options: { title: string; issueLater?: boolean; announce?: boolean },
): Promise<{ id: string; code: string }> {
  const issuedOn = options.issueLater ? addCalendarDays(ctx.today, 1) : ctx.today;
  const created = await post(ctx, '/api/procurements', {
    title: options.title,
    purchaserName: '南昌市东湖区机关事务管理局',
    purchaserOrgCode: organizationCode(),
    description: '办公设备框架协议一年',
    budget: 400_000_000,
    deposit: 5_000_000,
    documents: [{ name: '采购文件.pdf', sha256: PROCESS_SHA }],
    method: 'framework_agreement',
    documentsIssuedOn: issuedOn,
    documentsAvailableUntil: await businessDeadline(ctx.apiUrl, issuedOn, 5),
    deadlineOn: addCalendarDays(issuedOn, 20),
    subjectType: 'goods',
    admittedSuppliers: 2,
    termStartsOn: addCalendarDays(issuedOn, 21),
    termEndsOn: addCalendarDays(issuedOn, 21 + 364),
  }).expect(201);
  const id = created.body.id as string;
  if (options.announce !== false) await post(ctx, `/api/procurements/${id}/announce`).expect(200);
  return { id, code: created.body.code as string };
}

/** A single source publicised today (prior publicity, 5 business days): → prior_publicity. */
export async function newSingleSource(
  ctx: ProcessContext,
  title: string,
): Promise<{ id: string; code: string }> {
  const created = await post(ctx, '/api/procurements', {
    title,
    purchaserName: '南昌市东湖区市场监督管理局',
    purchaserOrgCode: organizationCode(),
    description: '专利检测设备一台',
    budget: 400_000_000,
    documents: [],
    method: 'single_source',
    publicityStartsOn: ctx.today,
    publicityEndsOn: await businessDeadline(ctx.apiUrl, ctx.today, 5),
    singleSourceSupplier: '某专利设备制造有限公司',
    singleSourceReasons: '只能从唯一供应商处采购(专利)',
  }).expect(201);
  const id = created.body.id as string;
  await post(ctx, `/api/procurements/${id}/publicise`).expect(200);
  return { id, code: created.body.code as string };
}

/** Each supplier applies with its code, is qualified and seals its response; the responses' ids. */
export async function procurementResponses(
  ctx: ProcessContext,
  id: string,
  suppliers: Supplier[],
  prices: number[],
): Promise<string[]> {
  const bidIds: string[] = [];
  for (const [index, supplier] of suppliers.entries()) {
    const applied = await post(
      ctx,
      `/api/procurements/${id}/registrations`,
      { organizationCode: supplier.code },
      supplier.user,
    ).expect(201);
    await post(ctx, `/api/procurements/${id}/registrations/${applied.body.id}/qualify`, {
      depositReceived: true,
      ...(supplier.name === undefined ? {} : { organizationName: supplier.name }),
    }).expect(200);
    if (prices[index] === undefined) continue;
    const receipt = await put(
      ctx,
      `/api/procurements/${id}/response`,
      { price: prices[index], documents: [{ name: '响应文件.pdf', sha256: PROCESS_SHA }] },
      supplier.user,
    ).expect(200);
    bidIds.push(receipt.body.bidId as string);
  }
  return bidIds;
}

/** The committee drawn (5 experts of their own; before or after the opening). */
export async function drawProcurementCommittee(ctx: ProcessContext, id: string) {
  await post(ctx, `/api/procurements/${id}/committee/draw`, await experts(ctx, 5)).expect(201);
}

/** The committee starts its evaluation: → evaluating. */
export async function startProcurementEvaluation(ctx: ProcessContext, id: string) {
  await post(ctx, `/api/procurements/${id}/start-evaluation`).expect(200);
}

/** The committee's report (lowest price: no entries needed), delivered to the purchaser: → report_delivered. */
export async function reportProcurement(ctx: ProcessContext, id: string) {
  await post(ctx, `/api/procurements/${id}/evaluation/report`, { reportSha256: REPORT_SHA }).expect(200);
  await post(ctx, `/api/procurements/${id}/report/deliver`).expect(200);
}

/** The purchaser decides for `bidId` (→ award_decided) and, with `announce`, the result is published. */
export async function decideProcurement(ctx: ProcessContext, id: string, bidId: string, announce = true) {
  await post(ctx, `/api/procurements/${id}/award-decision`, { bidId }).expect(200);
  if (announce) await post(ctx, `/api/procurements/${id}/result`).expect(200);
}

/** The agreement (or contract) signed today: → contracted. */
export async function signProcurementContract(ctx: ProcessContext, id: string) {
  await post(ctx, `/api/procurements/${id}/contract`, {
    signedOn: ctx.today,
    contractSha256: CONTRACT_SHA,
  }).expect(200);
}

/** A call-off order under a framework agreement in force (its term moved to have begun). */
export async function callOff(
  ctx: ProcessContext,
  id: string,
  supplier: TestUser,
  order: { amount: number; title: string },
) {
  await queryRows(
    ctx.ownerDb,
    `UPDATE procurement_projects SET term_starts_on = $2::date - 30, term_ends_on = $2::date + 300 WHERE id = $1`,
    [id, ctx.today],
  );
  return (
    await post(ctx, `/api/procurements/${id}/call-offs`, {
      supplier: supplier.id,
      amount: order.amount,
      orderedOn: ctx.today,
      title: order.title,
    }).expect(201)
  ).body as { id: string; dealId: string };
}
