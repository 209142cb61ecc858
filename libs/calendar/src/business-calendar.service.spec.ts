import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '@ggzy/common';
import { OFFICIAL_CALENDARS } from '@ggzy/domain';
import type { AuditLogRepository, BusinessCalendarRepository, StoredCalendarYear } from '@ggzy/persistence';
import { BusinessCalendarService } from './business-calendar.service.js';

/**
 * The calendar is read at every use, so an edit made in another process counts at once; inside
 * one transaction it is read once (a close batch settles many auctions' deposits with it).
 */
function serviceReading() {
  const reads: (EntityManager | undefined)[] = [];
  const years: Pick<BusinessCalendarRepository, 'all'> = {
    all: async (manager?: EntityManager) => {
      reads.push(manager);
      return OFFICIAL_CALENDARS.map((year): StoredCalendarYear => ({
        ...year,
        source: 'official',
        updatedAt: new Date(0),
        updatedBy: null,
      }));
    },
  };
  const service = new BusinessCalendarService(
    {} as DataSource,
    years as BusinessCalendarRepository,
    {} as AuditLogRepository,
    {} as Clock,
  );
  return { service, reads };
}

const transactionManager = () => ({ queryRunner: {} }) as unknown as EntityManager;

describe('BusinessCalendarService.calendar', () => {
  it('reads the years once per transaction, and again for another transaction', async () => {
    const { service, reads } = serviceReading();
    const first = transactionManager();
    const second = transactionManager();
    const a = await service.calendar(first);
    expect(await service.calendar(first)).toBe(a);
    await service.calendar(second);
    expect(reads).toEqual([first, second]);
    expect(a.addBusinessDays('2026-09-30', 1)).toBe('2026-10-08');
  });

  it('reads at every use outside a transaction (the shared manager included), so edits count at once', async () => {
    const { service, reads } = serviceReading();
    const shared = {} as EntityManager;
    await service.calendar();
    await service.calendar();
    await service.calendar(shared);
    await service.calendar(shared);
    expect(reads).toEqual([undefined, undefined, shared, shared]);
  });
});
