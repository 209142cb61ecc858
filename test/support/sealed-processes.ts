import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { freshClient, queryRows } from './checks.js';
import { organizationCode, registerBidder, type TestUser, waitFor } from './factories.js';
import { businessDeadline } from './transfers.js';

/**
 * Tenders and procurements driven to the steps early warning looks at: sealed bids opened by the
 * worker (the database stands in for the days), a comprehensive-scoring procurement scored by its
 * committee and awarded. The lines' own e2e files check every step; these only get there.
 */

/** Where the steps are taken: the api, the database (as its owner) and staff; today in CENTRE_TZ. */
export interface ProcessDesk {
  apiUrl: string;
  ownerDb: string;
  staff: TestUser;
  today: string;
}

/** How a bidder reaches the platform: its own address (a loopback agent) and its device. */
export interface Device {
  agent: http.Agent;
  fingerprint: string;
}

/** A device fingerprint as the web app makes one (a random id it keeps in localStorage). */
export const fingerprint = () => randomBytes(16).toString('hex');
export const device = (): Device => ({ agent: freshClient(), fingerprint: fingerprint() });

const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });
const SHA = 'd'.repeat(64);

/**
 * A state-funded road tender in bidding, each supplier qualified and bidding its price from its
 * own address and device (`replacedFirst`: the first one's earlier bid from another device,
 * replaced), then its deadline passed: the worker opens the bids.
 */
export async function tenderWithBids(
  desk: ProcessDesk,
  bids: { price: number; sha: string }[],
  replacedFirst = false,
) {
  const { apiUrl, staff, today } = desk;
  const docs = (sha: string) => [{ name: '投标文件.pdf', sha256: sha }];
  const created = await as(staff)(request(apiUrl).post('/api/tenders'))
    .send({
      title: '东湖区某道路改造工程施工',
      ownerName: '南昌市东湖区住房和城乡建设局',
      ownerOrgCode: '91360100MA35F6GX2N',
      kind: 'road',
      description: '道路改造 1.2 公里',
      estimatedPrice: 2_000_000_000,
      stateFunded: true,
      evaluationMethod: 'lowest_evaluated_price',
      deposit: 20_000_000,
      documents: docs(SHA),
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: today,
      bidDeadlineOn: addCalendarDays(today, 20),
    })
    .expect(201);
  const id = created.body.id as string;
  await as(staff)(request(apiUrl).post(`/api/tenders/${id}/announce`)).expect(200);
  const suppliers: TestUser[] = [];
  const devices: Device[] = [];
  for (const [index, { price, sha }] of bids.entries()) {
    const supplier = await registerBidder(apiUrl);
    const own = device();
    const applied = await request(apiUrl)
      .post(`/api/tenders/${id}/registrations`)
      .agent(own.agent)
      .set('X-Device-Fingerprint', own.fingerprint)
      .auth(supplier.token, { type: 'bearer' })
      .send({ organizationCode: organizationCode() })
      .expect(201);
    await as(staff)(request(apiUrl).post(`/api/tenders/${id}/registrations/${applied.body.id}/qualify`))
      .send({ depositReceived: true })
      .expect(200);
    const bidFromDevice = (from: Device, amount: number) =>
      request(apiUrl)
        .put(`/api/tenders/${id}/bid`)
        .agent(from.agent)
        .set('X-Device-Fingerprint', from.fingerprint)
        .auth(supplier.token, { type: 'bearer' })
        .send({ price: amount, documents: docs(sha) })
        .expect(200);
    if (replacedFirst && index === 0) await bidFromDevice(device(), price + 1_000_000);
    await bidFromDevice(own, price);
    suppliers.push(supplier);
    devices.push(own);
  }
  await queryRows(
    desk.ownerDb,
    `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
    [id],
  );
  return { id, suppliers, devices };
}

/** The fields of a procurement any method has; `overrides` adds the method's own (procurementSchedule). */
export function procurementBody(overrides: Record<string, unknown> = {}) {
  return {
    title: '东湖区办公设备采购',
    purchaserName: '南昌市东湖区机关事务管理局',
    purchaserOrgCode: organizationCode(),
    description: '台式计算机一批',
    budget: 150_000_000,
    documents: [{ name: '采购文件.pdf', sha256: SHA }],
    ...overrides,
  };
}

/** A schedule from today for the method: an open tender's 20 days, a negotiation's 3 business days. */
export async function procurementSchedule(
  desk: ProcessDesk,
  method: 'open_tender' | 'competitive_negotiation',
) {
  const { apiUrl, today } = desk;
  return method === 'open_tender'
    ? {
        documentsIssuedOn: today,
        documentsAvailableUntil: await businessDeadline(apiUrl, today, 5),
        deadlineOn: addCalendarDays(today, 20),
      }
    : { documentsIssuedOn: today, deadlineOn: await businessDeadline(apiUrl, today, 3) };
}

/** A procurement planned and announced today (its documents issued: responding). */
export async function announcedProcurement(
  desk: ProcessDesk,
  method: 'open_tender' | 'competitive_negotiation',
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const created = await as(desk.staff)(request(desk.apiUrl).post('/api/procurements'))
    .send(procurementBody({ method, ...(await procurementSchedule(desk, method)), ...overrides }))
    .expect(201);
  const id = created.body.id as string;
  await as(desk.staff)(request(desk.apiUrl).post(`/api/procurements/${id}/announce`)).expect(200);
  return id;
}

/** Its deadline passed (the database stands in for the days): the worker opens the responses. */
export async function passProcurementDeadline(desk: ProcessDesk, id: string, status = 'opened') {
  await queryRows(
    desk.ownerDb,
    `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
    [id],
  );
  await waitFor(
    async () => {
      const read = await as(desk.staff)(request(desk.apiUrl).get(`/api/procurements/${id}`)).expect(200);
      return read.body.status === status || undefined;
    },
    60_000,
    `procurement ${id} ${status}`,
  );
}

/** `count` experts of one new specialty, for a committee; the specialty. */
export async function expertsOfNewSpecialty(desk: ProcessDesk, count: number): Promise<string> {
  const specialty = `s${randomBytes(4).toString('hex')}`;
  for (let index = 0; index < count; index += 1)
    await as(desk.staff)(request(desk.apiUrl).post('/api/experts'))
      .send({
        name: `专家${index}`,
        employerName: '某研究院',
        employerOrgCode: organizationCode(),
        specialties: [specialty],
      })
      .expect(201);
  return specialty;
}

/**
 * An open tender of goods by comprehensive scoring (price 30 by the formula, technical 70 scored
 * by each of its 5 members): each supplier responds with its price, every member gives each
 * supplier its technical score, the report ranks them and the purchaser awards the first. The
 * project's id, the bids (in the order of `suppliers`) and the awarded one.
 */
export async function scoredProcurement(
  desk: ProcessDesk,
  suppliers: { supplier: TestUser; price: number; technical: number }[],
  afterOpening: (id: string) => Promise<void> = async () => {},
) {
  const { apiUrl, staff } = desk;
  const post = (path: string, body: object = {}) => as(staff)(request(apiUrl).post(path)).send(body);
  const specialty = await expertsOfNewSpecialty(desk, 5);
  const id = await announcedProcurement(desk, 'open_tender', {
    title: '东湖区政务服务中心办公设备采购',
    budget: 800_000_000,
    deposit: 0,
    subjectType: 'goods',
    evaluationMethod: 'comprehensive_scoring',
    criteria: [
      { id: 'price', weight: 30, kind: 'price_formula' },
      { id: 'technical', weight: 70, kind: 'scored' },
    ],
  });
  const path = `/api/procurements/${id}`;
  // Each supplier from its own address and device: nothing but the scores stands out.
  const devices = suppliers.map(() => device());
  for (const [index, { supplier }] of suppliers.entries()) {
    const applied = await as(supplier)(
      request(apiUrl).post(`${path}/registrations`).agent(devices[index].agent),
    )
      .set('X-Device-Fingerprint', devices[index].fingerprint)
      .send({ organizationCode: organizationCode() })
      .expect(201);
    await post(`${path}/registrations/${applied.body.id}/qualify`, { depositReceived: true }).expect(200);
  }
  await post(`${path}/committee/draw`, { needs: [{ specialty, count: 5 }] }).expect(201);
  const bidIds: string[] = [];
  for (const [index, { supplier, price }] of suppliers.entries()) {
    const receipt = await as(supplier)(request(apiUrl).put(`${path}/response`).agent(devices[index].agent))
      .set('X-Device-Fingerprint', devices[index].fingerprint)
      .send({ price, documents: [{ name: '响应文件.pdf', sha256: randomBytes(32).toString('hex') }] })
      .expect(200);
    bidIds.push(receipt.body.bidId as string);
  }
  await passProcurementDeadline(desk, id);
  await afterOpening(id);
  await post(`${path}/start-evaluation`).expect(200);
  const members = (await as(staff)(request(apiUrl).get(`${path}/committee`)).expect(200)).body.members.map(
    (member: { expertId: string }) => member.expertId,
  ) as string[];
  for (const member of members)
    await as(staff)(request(apiUrl).put(`${path}/evaluation/scores/${member}`))
      .send({
        scores: suppliers.map(({ technical }, index) => ({
          bidId: bidIds[index],
          criterionId: 'technical',
          score: technical,
        })),
      })
      .expect(200);
  const report = await post(`${path}/evaluation/report`, { reportSha256: 'a'.repeat(64) }).expect(200);
  const first = (report.body.ranking as { bidId: string; rank: number }[]).find((one) => one.rank === 1)!;
  await post(`${path}/report/deliver`).expect(200);
  await post(`${path}/award-decision`, { bidId: first.bidId }).expect(200);
  return { id, bidIds, awardedBidId: first.bidId };
}
