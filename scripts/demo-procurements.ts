import type { DataSource } from 'typeorm';
import {
  addCalendarDays,
  bidDeadlineInstant,
  calendarDateInZone,
  earliestResponseDeadline,
  type ProcurementMethod,
} from '@ggzy/domain';
import {
  CommitteeDrawsRepository,
  ProcurementMethodsRepository,
  ProcurementProjectsRepository,
  RegistrationsRepository,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import type { ProcurementScheduler } from '@ggzy/queues';
import { RegistrationsService } from '@ggzy/registrations';
import { ProcurementService } from '@ggzy/procurement';
import { SUPPLIERS, withCheckCharacter } from './demo-tenders.js';
import { demoServices } from './demo-services.js';

const PURCHASER = {
  purchaserName: '南昌市东湖区机关事务服务中心',
  purchaserOrgCode: withCheckCharacter('11360102MB1575030'),
};

/**
 * ProcurementService's own repository on a clock the seed sets: each step (planning, the notice,
 * registrations, qualifications, sealed responses) runs through the platform's code on its day.
 */
class SeedClockProcurements extends ProcurementProjectsRepository {
  at = new Date(0);
  override databaseNow(): Promise<Date> {
    return Promise.resolve(this.at);
  }
}

interface DemoProcurement {
  method: ProcurementMethod;
  title: string;
  description: string;
  budget: number;
  deposit: number;
  /** Days from today: the notice (documents issued the same day), and the suppliers' steps. */
  announcedDay: number;
  qualifiedDay: number;
  respondedDay: number;
  /** The suppliers (bidder1–3 in order) whose sealed responses are in, with their prices (fen). */
  responses: number[];
}

/**
 * Two procurements taking responses now, driven through ProcurementService on the days they
 * happened: an open tender (公开招标) and a competitive negotiation (竞争性谈判) with three sealed
 * responses in, sealed with the installation's key. Their openings are scheduled on the
 * platform's procurement queue at announcement, as the API's announce does. First run only.
 */
export async function seedDemoProcurements(
  dataSource: DataSource,
  ids: Record<string, string>,
  now: Date,
  timeZone: string,
  sealedBidKeys: string,
  scheduler: ProcurementScheduler,
): Promise<{ openTenderId: string; negotiationId: string }> {
  const { config, logger, audit, calendars, deposits, sealedBids, partyBans } = demoServices(
    dataSource,
    timeZone,
    sealedBidKeys,
  );
  const registrations = new RegistrationsRepository(dataSource);
  const clock = new SeedClockProcurements(dataSource);
  const procurement = new ProcurementService(
    dataSource,
    clock,
    registrations,
    new RegistrationsService(registrations, audit, partyBans),
    deposits,
    sealedBids(),
    calendars,
    audit,
    scheduler,
    config,
    logger,
    new ProcurementMethodsRepository(dataSource),
    new CommitteeDrawsRepository(dataSource),
  );
  const staff: AuthUser = { id: ids.staff, username: 'staff', roles: ['staff'] };
  const supplier = (username: string): AuthUser => ({ id: ids[username], username, roles: ['bidder'] });
  const calendar = await calendars.calendar();
  const today = calendarDateInZone(now, timeZone);
  const day = (fromToday: number) => addCalendarDays(today, fromToday);
  // A wall-clock hour in the centre's zone; today's steps no later than a minute ago.
  const at = (fromToday: number, hour: number) => {
    const wall = bidDeadlineInstant(day(fromToday), `${String(hour).padStart(2, '0')}:00`, timeZone);
    return new Date(Math.min(wall.getTime(), now.getTime() - 60_000));
  };

  const seed = async (plan: DemoProcurement) => {
    const documentsIssuedOn = day(plan.announcedDay);
    // The earliest deadline the method allows, at least two days away so the demo stays responding.
    const earliest = earliestResponseDeadline(calendar, plan.method, documentsIssuedOn)!;
    const deadlineOn = earliest > day(2) ? earliest : day(2);
    clock.at = at(plan.announcedDay, 9);
    const project = await procurement.create(staff, {
      method: plan.method,
      title: plan.title,
      ...PURCHASER,
      description: plan.description,
      supplierConditions: '具有独立承担民事责任的能力；近三年无重大违法记录',
      budget: plan.budget,
      deposit: plan.deposit,
      documents: [{ name: '采购文件.pdf', sha256: 'b2'.repeat(32) }],
      deadlineTime: '09:30',
      documentsIssuedOn,
      documentsAvailableUntil: plan.method === 'open_tender' ? deadlineOn : null,
      deadlineOn,
    });
    await procurement.announce(staff, project.id);
    for (const [index, { username, orgCode }] of SUPPLIERS.entries()) {
      clock.at = at(plan.qualifiedDay, 9 + index);
      const registration = await procurement.register(supplier(username), project.id, orgCode);
      clock.at = at(plan.qualifiedDay, 14 + index);
      await procurement.qualify(staff, project.id, registration.id, true);
    }
    for (const [index, price] of plan.responses.entries()) {
      clock.at = at(plan.respondedDay, 9 + index);
      await procurement.submitResponse(supplier(SUPPLIERS[index].username), project.id, {
        price,
        documents: [{ name: '响应文件.pdf', sha256: String(index + 4).repeat(64) }],
      });
    }
    return project.id;
  };

  const openTenderId = await seed({
    method: 'open_tender',
    title: '东湖区政务服务中心办公设备采购 (demo, open tender)',
    description: '台式计算机 120 台、激光打印机 30 台、复印机 6 台，含三年质保',
    budget: 360_000_000,
    deposit: 5_000_000,
    announcedDay: -6,
    qualifiedDay: -4,
    respondedDay: -1,
    responses: [331_800_000],
  });
  const negotiationId = await seed({
    method: 'competitive_negotiation',
    title: '东湖区机关食堂食材配送服务采购 (demo, competitive negotiation)',
    description: '机关食堂一年食材配送服务，每日 6:30 前送达',
    budget: 80_000_000,
    deposit: 1_000_000,
    announcedDay: -2,
    qualifiedDay: -1,
    respondedDay: 0,
    responses: [76_500_000, 74_800_000, 78_200_000],
  });
  return { openTenderId, negotiationId };
}
