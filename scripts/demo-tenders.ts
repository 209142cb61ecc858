import type { DataSource } from 'typeorm';
import {
  addCalendarDays,
  applyDepositAction,
  bidDeadlineInstant,
  calendarDateInZone,
  INITIAL_DEPOSIT_STATE,
  nextTenderStatus,
  type TenderAction,
  type TenderStatus,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  DepositsRepository,
  RegistrationsRepository,
  SealedBidsRepository,
  TenderProjectsRepository,
} from '@ggzy/persistence';
import { BidSealer, KeyRing, SealedBidsService } from '@ggzy/sealed-bids';
import { createLogger } from '@ggzy/common';

const MINUTE = 60_000;
const OWNER = { name: '南昌市东湖区教育局', orgCode: '91360100MA35F6GX2N' };
// The demo's three suppliers (bidder1–3) and the organisations they bid for.
const SUPPLIERS = [
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
  const projects = new TenderProjectsRepository(dataSource);
  const registrations = new RegistrationsRepository(dataSource);
  const deposits = new DepositsRepository(dataSource);
  const audit = new AuditLogRepository(dataSource);
  const sealedBids = new SealedBidsService(
    dataSource,
    new SealedBidsRepository(),
    audit,
    new BidSealer(KeyRing.fromSetting(sealedBidKeys)),
    createLogger('demo', 'warn'),
  );
  // The deadline: the next whole minute at least 4 minutes away, on its own day in the centre's zone.
  const at = new Date(Math.ceil((now.getTime() + 4 * MINUTE) / MINUTE) * MINUTE);
  const bidDeadlineOn = calendarDateInZone(at, timeZone);
  const wall = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const bidDeadlineTime = wall.format(at);
  const documentsIssuedOn = addCalendarDays(bidDeadlineOn, -20);
  const deposit = 20_000_000;
  return dataSource.transaction(async (manager) => {
    const tender = await projects.insert(
      manager,
      {
        title: '东湖区某小学教学楼新建工程施工 (demo, opening soon)',
        ownerName: OWNER.name,
        ownerOrgCode: OWNER.orgCode,
        kind: 'building',
        description: '框架结构五层，建筑面积 6,000 平方米；工期 365 日历天',
        estimatedPrice: 2_000_000_000,
        stateFunded: true,
        evaluationMethod: 'lowest_evaluated_price',
        criteria: null,
        bidderConditions: '建筑工程施工总承包二级及以上资质',
        deposit,
        documents: [{ name: '招标文件.pdf', sha256: 'a1'.repeat(32) }],
        saleStartsOn: documentsIssuedOn,
        saleEndsOn: addCalendarDays(documentsIssuedOn, 5),
        documentsIssuedOn,
        bidDeadlineOn,
        bidDeadlineTime,
        bidDeadlineAt: bidDeadlineInstant(bidDeadlineOn, bidDeadlineTime, timeZone),
        status: 'registered',
        createdBy: ids.staff,
      },
      Number(bidDeadlineOn.slice(0, 4)),
    );
    const host = { hostType: 'tender_project' as const, hostId: tender.id };
    await projects.update(manager, tender.id, {
      status: statusAfter(['announce', 'open_bidding']),
      announcedOn: documentsIssuedOn,
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
        {
          receivedAt: now,
          receivedBy: ids.staff,
        },
      );
      await registrations.update(manager, registration.id, {
        status: 'qualified',
        bidderCode: String(index + 1).padStart(4, '0'),
        depositReceivedAt: now,
        decidedBy: ids.staff,
        decidedAt: now,
      });
      await sealedBids.submit(
        manager,
        host,
        bidderId,
        {
          price: supplier.price,
          documents: [{ name: '投标文件.pdf', sha256: String(index + 1).repeat(64) }],
        },
        now,
      );
    }
    await audit.append(manager, {
      at: now,
      actorId: ids.staff,
      action: 'tender.announce',
      entityType: 'tender_project',
      entityId: tender.id,
      data: { demo: true, code: tender.code, announcedOn: documentsIssuedOn },
    });
    return tender.id;
  });
}
