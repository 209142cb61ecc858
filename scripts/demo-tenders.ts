import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import {
  addCalendarDays,
  applyDepositAction,
  bidDeadlineInstant,
  calendarDateInZone,
  earliestCandidatePublicityEnd,
  INITIAL_DEPOSIT_STATE,
  nextTenderStatus,
  startOfDayInZone,
  type TenderAction,
  type TenderStatus,
  unifiedSocialCreditCheckCharacter,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  CommitteeDrawsRepository,
  DealsRepository,
  DepositsRepository,
  ExpertsRepository,
  RegistrationsRepository,
  TenderEvaluationRepository,
  TenderProjectsRepository,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { tenderOpeningStep, type TenderScheduler } from '@ggzy/queues';
import { RegistrationsService } from '@ggzy/registrations';
import { ExpertPoolService, SealedBidsService } from '@ggzy/sealed-bids';
import { TenderEvaluationService, TendersService } from '@ggzy/tenders';
import { demoServices } from './demo-services.js';

const MINUTE = 60_000;
const OWNER = { name: '南昌市东湖区教育局', orgCode: '91360100MA35F6GX2N' };
// The demo's three suppliers (bidder1–3) and the organisations they bid for.
export const SUPPLIERS = [
  { username: 'bidder1', orgCode: '91360102MA38XK6T1N', price: 1_734_500_000 },
  { username: 'bidder2', orgCode: '91360103MA39BD7Q0H', price: 1_768_800_000 },
  { username: 'bidder3', orgCode: '91360104MA3AQ2LW55', price: 1_812_000_000 },
];

/** The statuses a tender reaches through these actions, by the lifecycle table. */
function statusAfter(actions: TenderAction[]): TenderStatus {
  return actions.reduce<TenderStatus>((status, action) => {
    const next = nextTenderStatus(status, action);
    if (!next) throw new Error(`demo: cannot ${action} from ${status}`);
    return next;
  }, 'registered');
}

/** A tender in bidding, as the notice, the qualifications and the suppliers' sealed bids leave it. */
interface TenderInBidding {
  title: string;
  owner: { name: string; orgCode: string };
  description: string;
  estimatedPrice: number;
  /** Fen; at most 2% of the estimated price (实施条例 第26条). */
  deposit: number;
  /** Fen, by supplier (bidder1–3 in order). */
  prices: number[];
  documentsIssuedOn: string;
  bidDeadlineOn: string;
  bidDeadlineTime: string;
  /** When staff qualified the suppliers (their deposits received), and when they sealed their bids. */
  qualifiedAt: Date;
  bidsAt: Date;
}

type Seeding = {
  ids: Record<string, string>;
  timeZone: string;
  projects: TenderProjectsRepository;
  registrations: RegistrationsRepository;
  deposits: DepositsRepository;
  audit: AuditLogRepository;
  sealedBids: SealedBidsService;
  services: ReturnType<typeof demoServices>;
};

/** Writes `tender` in bidding with three qualified suppliers' bids sealed (the installation's key). */
async function insertTenderInBidding(
  manager: EntityManager,
  seeding: Seeding,
  tender: TenderInBidding,
): Promise<string> {
  const { ids, projects, registrations, deposits, audit, sealedBids } = seeding;
  const { deposit } = tender;
  const project = await projects.insert(
    manager,
    {
      title: tender.title,
      ownerName: tender.owner.name,
      ownerOrgCode: tender.owner.orgCode,
      kind: 'building',
      description: tender.description,
      estimatedPrice: tender.estimatedPrice,
      stateFunded: true,
      evaluationMethod: 'lowest_evaluated_price',
      criteria: null,
      bidderConditions: '建筑工程施工总承包二级及以上资质',
      deposit,
      documents: [{ name: '招标文件.pdf', sha256: 'a1'.repeat(32) }],
      saleStartsOn: tender.documentsIssuedOn,
      saleEndsOn: addCalendarDays(tender.documentsIssuedOn, 5),
      documentsIssuedOn: tender.documentsIssuedOn,
      bidDeadlineOn: tender.bidDeadlineOn,
      bidDeadlineTime: tender.bidDeadlineTime,
      bidDeadlineAt: bidDeadlineInstant(tender.bidDeadlineOn, tender.bidDeadlineTime, seeding.timeZone),
      prequalificationDocuments: null,
      prequalificationSaleStartsOn: null,
      prequalificationSaleEndsOn: null,
      applicationsDueOn: null,
      status: 'registered',
      createdBy: ids.staff,
    },
    Number(tender.bidDeadlineOn.slice(0, 4)),
  );
  const host = { hostType: 'tender_project' as const, hostId: project.id };
  await projects.update(manager, project.id, {
    status: statusAfter(['announce', 'open_bidding']),
    announcedOn: tender.documentsIssuedOn,
  });
  await sealedBids.createKey(manager, host);
  for (const [index, supplier] of SUPPLIERS.entries()) {
    const bidderId = ids[supplier.username];
    const registration = await registrations.insert(manager, host, bidderId, supplier.orgCode);
    const depositId = await deposits.insert(manager, {
      ...host,
      registrationId: registration.id,
      bidderId,
      amount: deposit,
      state: INITIAL_DEPOSIT_STATE,
    });
    await deposits.step(
      manager,
      depositId,
      INITIAL_DEPOSIT_STATE,
      applyDepositAction(INITIAL_DEPOSIT_STATE, 'receive'),
      { receivedAt: tender.qualifiedAt, receivedBy: ids.staff },
    );
    await registrations.update(manager, registration.id, {
      status: 'qualified',
      bidderCode: String(index + 1).padStart(4, '0'),
      depositReceivedAt: tender.qualifiedAt,
      decidedBy: ids.staff,
      decidedAt: tender.qualifiedAt,
    });
    await sealedBids.submit(
      manager,
      host,
      bidderId,
      {
        price: tender.prices[index],
        documents: [{ name: '投标文件.pdf', sha256: String(index + 1).repeat(64) }],
      },
      tender.bidsAt,
    );
  }
  await audit.append(manager, {
    at: startOfDayInZone(tender.documentsIssuedOn, seeding.timeZone),
    actorId: ids.staff,
    action: 'tender.announce',
    entityType: 'tender_project',
    entityId: project.id,
    data: { demo: true, code: project.code, announcedOn: tender.documentsIssuedOn },
  });
  return project.id;
}

function seeding(dataSource: DataSource, ids: Record<string, string>, timeZone: string, keys: string) {
  const services = demoServices(dataSource, timeZone, keys);
  return {
    ids,
    timeZone,
    services,
    projects: new TenderProjectsRepository(dataSource),
    registrations: new RegistrationsRepository(dataSource),
    deposits: services.depositRows,
    audit: services.audit,
    sealedBids: services.sealedBids(),
  } satisfies Seeding;
}

/**
 * A demo construction tender in bidding whose deadline (and so its opening, by the worker) is a
 * few minutes after start, with three qualified suppliers whose bids are sealed exactly as the
 * API seals them (the installation's key-encryption key). Its documents were issued 20 days
 * before the deadline's day, the shortest period the law allows. Returns its id.
 */
export async function seedDemoTenders(
  dataSource: DataSource,
  ids: Record<string, string>,
  now: Date,
  timeZone: string,
  sealedBidKeys: string,
): Promise<string> {
  // The deadline: the next whole minute at least 4 minutes away, on its own day in the centre's zone.
  const at = new Date(Math.ceil((now.getTime() + 4 * MINUTE) / MINUTE) * MINUTE);
  const bidDeadlineOn = calendarDateInZone(at, timeZone);
  const wall = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const tools = seeding(dataSource, ids, timeZone, sealedBidKeys);
  return dataSource.transaction((manager) =>
    insertTenderInBidding(manager, tools, {
      title: '东湖区某小学教学楼新建工程施工 (demo, opening soon)',
      owner: OWNER,
      description: '框架结构五层，建筑面积 6,000 平方米；工期 365 日历天',
      estimatedPrice: 2_000_000_000,
      deposit: 20_000_000,
      prices: SUPPLIERS.map((supplier) => supplier.price),
      documentsIssuedOn: addCalendarDays(bidDeadlineOn, -20),
      bidDeadlineOn,
      bidDeadlineTime: wall.format(at),
      qualifiedAt: now,
      bidsAt: now,
    }),
  );
}

/**
 * The tender services' own repository on a clock the seed sets: each step of the evaluation runs
 * through the platform's code on the day it would have happened (every step reads its "now" here).
 */
class SeedClockProjects extends TenderProjectsRepository {
  at = new Date(0);
  override databaseNow(): Promise<Date> {
    return Promise.resolve(this.at);
  }
}

/** Valid 统一社会信用代码 for the demo experts' employers (none is an owner or a supplier). */
export const withCheckCharacter = (first17: string) => first17 + unifiedSocialCreditCheckCharacter(first17);
const EMPLOYERS = [
  { name: '江西省建筑设计研究总院', orgCode: withCheckCharacter('12360000491012345') },
  { name: '南昌市建设工程造价咨询有限公司', orgCode: withCheckCharacter('91360100MA35C0QT0') },
  { name: '江西华昌工程管理有限公司', orgCode: withCheckCharacter('91360100MA35H0CG1') },
];
const EXPERTS = [
  { name: '王建国', specialties: ['building'], employer: 0 },
  { name: '刘志强', specialties: ['building'], employer: 0 },
  { name: '陈晓梅', specialties: ['building', 'municipal'], employer: 2 },
  { name: '杨海涛', specialties: ['building'], employer: 2 },
  { name: '赵丽华', specialties: ['building'], employer: 0 },
  { name: '黄文斌', specialties: ['cost'], employer: 1 },
  { name: '周敏', specialties: ['cost'], employer: 1 },
  { name: '吴静', specialties: ['cost', 'law'], employer: 2 },
];
/** A five-member committee (the least for a tender), all drawn experts. */
const COMMITTEE_NEEDS = [
  { specialty: 'building', count: 3 },
  { specialty: 'cost', count: 2 },
];

/**
 * The tenders that came before the demo's start, each driven through the platform's own services
 * (TendersService's opening, TenderEvaluationService's committee, entries, report, publicity,
 * award and contract) on the days they happened: one whose candidates' publicity (中标候选人公示)
 * runs now, one awarded and contracted (its deal `tender_award`, every deposit due for refund).
 * Also the demo's expert pool. First run only.
 */
export async function seedDemoTenderHistory(
  dataSource: DataSource,
  ids: Record<string, string>,
  now: Date,
  timeZone: string,
  sealedBidKeys: string,
): Promise<{ inPublicityId: string; awardedId: string }> {
  const tools = seeding(dataSource, ids, timeZone, sealedBidKeys);
  const { config, logger, audit, deposits, partyBans } = tools.services;
  const clock = new SeedClockProjects(dataSource);
  const experts = new ExpertsRepository(dataSource);
  const pool = new ExpertPoolService(
    dataSource,
    experts,
    new CommitteeDrawsRepository(dataSource),
    audit,
    config,
  );
  // The opening never schedules (only announcing and amending do): a scheduler here would be a mistake.
  const noScheduler = {} as TenderScheduler;
  const tenders = new TendersService(
    dataSource,
    clock,
    tools.registrations,
    new RegistrationsService(tools.registrations, audit, partyBans),
    deposits,
    tools.sealedBids,
    audit,
    noScheduler,
    config,
    logger,
  );
  const evaluation = new TenderEvaluationService(
    dataSource,
    clock,
    new TenderEvaluationRepository(dataSource),
    experts,
    pool,
    tools.sealedBids,
    deposits,
    new DealsRepository(dataSource),
    audit,
    config,
    partyBans,
  );
  const staff: AuthUser = { id: ids.staff, username: 'staff', roles: ['staff'] };

  for (const expert of EXPERTS) {
    const employer = EMPLOYERS[expert.employer];
    await pool.create(ids.staff, {
      name: expert.name,
      employerName: employer.name,
      employerOrgCode: employer.orgCode,
      specialties: expert.specialties,
    });
  }

  const today = calendarDateInZone(now, timeZone);
  const at = (daysFromToday: number, time: string) =>
    bidDeadlineInstant(addCalendarDays(today, daysFromToday), time, timeZone);
  /** From the notice to the report: the deadline `deadlineDay` days from today, at 09:30. */
  const evaluated = async (
    tender: Omit<
      TenderInBidding,
      'documentsIssuedOn' | 'bidDeadlineOn' | 'bidDeadlineTime' | 'qualifiedAt' | 'bidsAt'
    >,
    deadlineDay: number,
  ) => {
    const bidDeadlineOn = addCalendarDays(today, deadlineDay);
    const id = await dataSource.transaction((manager) =>
      insertTenderInBidding(manager, tools, {
        ...tender,
        documentsIssuedOn: addCalendarDays(bidDeadlineOn, -21),
        bidDeadlineOn,
        bidDeadlineTime: '09:30',
        qualifiedAt: at(deadlineDay - 10, '10:00'),
        bidsAt: at(deadlineDay - 2, '15:00'),
      }),
    );
    // Drawn the afternoon before the opening, hidden until it.
    clock.at = at(deadlineDay - 1, '16:00');
    await evaluation.drawCommittee(staff, id, { needs: COMMITTEE_NEEDS });
    const deadline = at(deadlineDay, '09:30');
    clock.at = deadline;
    await tenders.openBids(id, tenderOpeningStep(id, deadline).jobId);
    clock.at = at(deadlineDay, '10:00');
    await evaluation.startEvaluation(staff, id);
    const opening = (await tools.sealedBids.opening(null, { hostType: 'tender_project', hostId: id }))!;
    clock.at = at(deadlineDay, '14:00');
    await evaluation.setEvaluatedPrices(
      staff,
      id,
      opening.bids.map((bid) => ({
        bidId: bid.bidId,
        evaluatedPrice: bid.price!,
        note: '无算术错误，评标价即投标报价',
      })),
    );
    clock.at = at(deadlineDay, '16:30');
    const report = await evaluation.submitReport(staff, id, {
      reportSha256: createHash('sha256').update(`demo evaluation report ${id}`).digest('hex'),
    });
    return { id, first: report.ranking[0].bidId, reportDay: deadlineDay };
  };
  const publish = async (id: string, day: number) => {
    clock.at = at(day, '09:00');
    const startsOn = addCalendarDays(today, day);
    await evaluation.publishCandidates(staff, id, {
      startsOn,
      endsOn: earliestCandidatePublicityEnd(startsOn),
    });
  };

  // Opened three days ago; the candidates public since yesterday, to the end of the day after tomorrow.
  const inPublicity = await evaluated(
    {
      title: '东湖区滨江路社区卫生服务中心改造工程施工 (demo, candidates in publicity)',
      owner: { name: '南昌市东湖区卫生健康委员会', orgCode: withCheckCharacter('11360102MB1718266') },
      description: '既有三层框架结构加固改造，建筑面积 3,200 平方米；工期 180 日历天',
      estimatedPrice: 980_000_000,
      deposit: 10_000_000,
      prices: [912_300_000, 897_650_000, 935_000_000],
    },
    -3,
  );
  await publish(inPublicity.id, -1);

  // Opened four weeks ago, awarded after its publicity, the contract signed three days ago.
  const awarded = await evaluated(
    {
      title: '东湖区豫章路小学风雨操场新建工程施工 (demo, awarded)',
      owner: { name: '南昌市东湖区豫章路小学', orgCode: withCheckCharacter('12360102MB1A0KXY2') },
      description: '钢结构风雨操场一座，建筑面积 1,500 平方米；工期 150 日历天',
      estimatedPrice: 650_000_000,
      deposit: 10_000_000,
      prices: [618_000_000, 624_500_000, 603_900_000],
    },
    -28,
  );
  await publish(awarded.id, -27);
  clock.at = at(-23, '10:00');
  await evaluation.award(staff, awarded.id, { bidId: awarded.first });
  clock.at = at(-3, '15:00');
  await evaluation.recordContract(staff, awarded.id, {
    signedOn: addCalendarDays(today, -3),
    contractSha256: createHash('sha256').update(`demo contract ${awarded.id}`).digest('hex'),
  });
  return { inPublicityId: inPublicity.id, awardedId: awarded.id };
}
