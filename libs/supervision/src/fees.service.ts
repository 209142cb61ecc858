import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  calendarDateInZone,
  checkFeeSchedule,
  DomainError,
  type FeeLine,
  type FeeSchedule,
  isSupportedDate,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  type DealFeeRow,
  type FeeScheduleRow,
  FeesRepository,
  isUniqueViolation,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';

export type PublishFeeSchedule = Omit<FeeSchedule, 'id'>;

/**
 * Fees (收费): an admin publishes a line's fee schedule to start on a later day; anyone reads the
 * schedules; staff and supervisors read the fee recorded with a deal. The fee itself is recorded
 * by persistence with every deal (FeesRepository.recordFor): there is no way to enter a charge.
 */
@Injectable()
export class FeesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fees: FeesRepository,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async publish(admin: AuthUser, input: PublishFeeSchedule) {
    return this.dataSource.transaction(async (manager) => {
      const [{ now }] = (await manager.query('SELECT clock_timestamp() AS now')) as { now: Date }[];
      const today = calendarDateInZone(now, this.config.CENTRE_TZ);
      const schedule = {
        ...input,
        id: '',
        basis: typeof input.basis === 'string' ? input.basis.trim() : input.basis,
      };
      checkFeeSchedule(schedule, today);
      if (!isSupportedDate(schedule.effectiveFrom))
        throw new DomainError('FEE_SCHEDULE_INVALID', 'the fee schedule is not valid', [
          { field: 'effectiveFrom', problem: 'a day within the calendar the platform knows' },
        ]);
      let row: FeeScheduleRow;
      try {
        row = await this.fees.insertSchedule(manager, schedule, admin.id, now);
      } catch (error) {
        if (isUniqueViolation(error, 'fee_schedules_line_day_key'))
          throw new DomainError(
            'FEE_SCHEDULE_EXISTS',
            `a ${schedule.line} schedule already starts on ${schedule.effectiveFrom}`,
            { line: schedule.line, effectiveFrom: schedule.effectiveFrom },
          );
        throw error;
      }
      await this.audit.append(manager, {
        at: now,
        actorId: admin.id,
        action: 'fee_schedule.published',
        entityType: 'fee_schedule',
        entityId: row.id,
        data: {
          line: row.line,
          effectiveFrom: row.effectiveFrom,
          basis: row.basis,
          payer: row.payer,
          rule: row.rule,
        },
      });
      return toFeeScheduleView(row);
    });
  }

  async list(line?: FeeLine) {
    const rows = await this.fees.listSchedules(line);
    return { items: rows.map(toFeeScheduleView), total: rows.length };
  }

  /** The fee recorded with a deal (DEAL_NOT_FOUND for an unknown deal). */
  async forDeal(dealId: string) {
    const row = await this.fees.findForDeal(dealId);
    if (!row) {
      const [deal] = (await this.dataSource.query('SELECT 1 FROM deals WHERE id = $1', [
        dealId,
      ])) as unknown[];
      if (!deal) throw new DomainError('DEAL_NOT_FOUND', 'no such deal');
      // A deal recorded before fees were (the migration adds none to old deals).
      return { dealId, status: 'not_recorded' as const, amount: null, schedule: null, working: null };
    }
    return toDealFeeView(row);
  }
}

export function toFeeScheduleView(row: FeeScheduleRow) {
  return {
    id: row.id,
    line: row.line,
    effectiveFrom: row.effectiveFrom,
    basis: row.basis,
    payer: row.payer,
    rule: row.rule,
    publishedAt: new Date(row.publishedAt).toISOString(),
  };
}

/**
 * `status`: `charged` (the schedule's fee), `no_schedule` (none of the line was in force that day:
 * nothing may be charged, FEE_SCHEDULE_MISSING) or `not_recorded` (a deal older than fees).
 */
export function toDealFeeView(row: DealFeeRow) {
  return {
    dealId: row.dealId,
    status: row.schedule ? ('charged' as const) : ('no_schedule' as const),
    line: row.line,
    dealOn: row.dealOn,
    amount: row.amount,
    payer: row.schedule?.payer ?? null,
    schedule: row.schedule
      ? {
          id: row.schedule.id,
          line: row.schedule.line,
          effectiveFrom: row.schedule.effectiveFrom,
          basis: row.schedule.basis,
          payer: row.schedule.payer,
          rule: row.schedule.rule,
        }
      : null,
    working: {
      dealValue: row.working.dealValue,
      breakdown: row.working.breakdown,
      missing: row.working.missing,
    },
    recordedAt: new Date(row.recordedAt).toISOString(),
  };
}
