import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  calendarDateInZone,
  type ComputedFee,
  DomainError,
  type FeeLine,
  type FeeRule,
  type FeeSchedule,
  feeForDeal,
  feeLineOf,
} from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';

/** A schedule as stored: the domain's, with who published it and when. */
export interface FeeScheduleRow extends FeeSchedule {
  publishedBy: string | null;
  publishedAt: Date;
}

/** How a recorded fee was worked out, kept with it (the schedule's rule as it was applied). */
export interface FeeWorking {
  dealValue: number;
  /** null: no schedule of the line was in force on the deal's day (FEE_SCHEDULE_MISSING). */
  rule: FeeRule | null;
  breakdown: ComputedFee['breakdown'];
  /** Why there is no fee: the code of the refusal a charge would have met. */
  missing: 'FEE_SCHEDULE_MISSING' | null;
}

/** The fee recorded with a deal, with its schedule (null when none was in force that day). */
export interface DealFeeRow {
  dealId: string;
  line: FeeLine | null;
  dealOn: string;
  amount: number | null;
  working: FeeWorking;
  recordedAt: Date;
  schedule: FeeScheduleRow | null;
}

/** A deal's fee as it must be recorded: checked by the caller against what it was told. */
export interface FeeToRecord {
  dealId: string;
  line: FeeLine | null;
  dealOn: string;
  dealValue: number;
  fee: ComputedFee | null;
  rule: FeeRule | null;
}

const SCHEDULE_COLUMNS = `
  s.id, s.line, s.effective_from::text AS "effectiveFrom", s.basis, s.payer, s.rule,
  s.published_by AS "publishedBy", s.published_at AS "publishedAt"`;

/**
 * Fee schedules and the fees recorded with deals (收费). Every deal is written in persistence
 * (DealsRepository, the auctions' close statement, the on-site record), and each of those paths
 * calls `recordFor` in its own transaction: a deal and its fee commit together, so no deal is
 * ever without its fee row. The computation is the domain's (`feeForDeal`).
 */
@Injectable()
export class FeesRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource,
  ) {
    this.reads = readDataSource ?? dataSource;
  }

  async insertSchedule(
    manager: EntityManager,
    schedule: Omit<FeeSchedule, 'id'>,
    publishedBy: string | null,
    publishedAt: Date,
  ): Promise<FeeScheduleRow> {
    const [row] = (await manager.query(
      `INSERT INTO fee_schedules AS s (line, effective_from, basis, payer, rule, published_by, published_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
       RETURNING ${SCHEDULE_COLUMNS}`,
      [
        schedule.line,
        schedule.effectiveFrom,
        schedule.basis,
        schedule.payer,
        JSON.stringify(schedule.rule),
        publishedBy,
        publishedAt,
      ],
    )) as FeeScheduleRow[];
    return row;
  }

  /** Every schedule (of a line), newest start first. */
  async listSchedules(line?: FeeLine, manager?: EntityManager): Promise<FeeScheduleRow[]> {
    return (manager ?? this.reads).query(
      `SELECT ${SCHEDULE_COLUMNS} FROM fee_schedules s
       WHERE $1::varchar IS NULL OR s.line = $1
       ORDER BY s.line, s.effective_from DESC`,
      [line ?? null],
    ) as Promise<FeeScheduleRow[]>;
  }

  /** The deal's date as the fee rules count it: its day in the centre's zone. */
  dealDay(closedAt: Date): string {
    return calendarDateInZone(closedAt, this.config.CENTRE_TZ);
  }

  /**
   * The fee each deal must carry, from `schedules` (every line's): the schedule's, or none when
   * no schedule of its line was in force on its day. Nothing else fails here.
   */
  feesFor(
    schedules: readonly FeeSchedule[],
    deals: readonly {
      dealId: string;
      category: string;
      subtype: string | null;
      amount: number;
      closedAt: Date;
    }[],
  ): FeeToRecord[] {
    return deals.map((deal) => {
      const line = feeLineOf(deal.category, deal.subtype);
      const dealOn = this.dealDay(deal.closedAt);
      const base = { dealId: deal.dealId, line, dealOn, dealValue: deal.amount };
      if (line === null) return { ...base, fee: null, rule: null };
      try {
        const fee = feeForDeal(schedules, { line, dealOn, dealValue: deal.amount });
        const rule = schedules.find((schedule) => schedule.id === fee.scheduleId)!.rule;
        return { ...base, fee, rule };
      } catch (error) {
        if (error instanceof DomainError && error.code === 'FEE_SCHEDULE_MISSING')
          return { ...base, fee: null, rule: null };
        throw error;
      }
    });
  }

  /**
   * Records the fee of every deal named (by id, or by source id for the closes that write their
   * deals in one statement) that has none yet, in the caller's transaction.
   */
  async recordFor(
    manager: EntityManager,
    by: { dealIds: string[] } | { sourceIds: string[] },
  ): Promise<void> {
    const ids = 'dealIds' in by ? by.dealIds : by.sourceIds;
    if (ids.length === 0) return;
    const deals = (await manager.query(
      `SELECT d.id AS "dealId", d.category, d.subtype, d.amount::text AS amount, d.closed_at AS "closedAt"
       FROM deals d
       WHERE d.${'dealIds' in by ? 'id' : 'source_id'} = ANY($1::uuid[])
         AND NOT EXISTS (SELECT 1 FROM deal_fees f WHERE f.deal_id = d.id)`,
      [ids],
    )) as { dealId: string; category: string; subtype: string | null; amount: string; closedAt: Date }[];
    if (deals.length === 0) return;
    const schedules = await this.listSchedules(undefined, manager);
    await this.insertFees(
      manager,
      this.feesFor(
        schedules,
        deals.map((deal) => ({ ...deal, amount: Number(deal.amount) })),
      ),
    );
  }

  async insertFees(manager: EntityManager, fees: readonly FeeToRecord[]): Promise<void> {
    if (fees.length === 0) return;
    await manager.query(
      `INSERT INTO deal_fees (deal_id, line, deal_on, schedule_id, amount, working)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::date[], $4::uuid[], $5::bigint[], $6::jsonb[])
       ON CONFLICT (deal_id) DO NOTHING`,
      [
        fees.map((fee) => fee.dealId),
        fees.map((fee) => fee.line),
        fees.map((fee) => fee.dealOn),
        fees.map((fee) => fee.fee?.scheduleId ?? null),
        fees.map((fee) => (fee.fee ? String(fee.fee.amount) : null)),
        fees.map((fee) =>
          JSON.stringify({
            dealValue: fee.dealValue,
            rule: fee.rule,
            breakdown: fee.fee?.breakdown ?? [],
            missing: fee.fee ? null : 'FEE_SCHEDULE_MISSING',
          } satisfies FeeWorking),
        ),
      ],
    );
  }

  /** The fee recorded with a deal, or null for an unknown deal. */
  async findForDeal(dealId: string): Promise<DealFeeRow | null> {
    const [row] = (await this.reads.query(
      `SELECT f.deal_id AS "dealId", f.line, f.deal_on::text AS "dealOn", f.amount::text AS amount,
              f.working, f.recorded_at AS "recordedAt",
              CASE WHEN s.id IS NULL THEN NULL ELSE json_build_object(
                'id', s.id, 'line', s.line, 'effectiveFrom', s.effective_from, 'basis', s.basis,
                'payer', s.payer, 'rule', s.rule, 'publishedBy', s.published_by,
                'publishedAt', s.published_at) END AS schedule
       FROM deal_fees f LEFT JOIN fee_schedules s ON s.id = f.schedule_id
       WHERE f.deal_id = $1`,
      [dealId],
    )) as (Omit<DealFeeRow, 'amount'> & { amount: string | null })[];
    if (!row) return null;
    return { ...row, amount: row.amount === null ? null : Number(row.amount) };
  }

  /** Fees recorded with the deals closed in [start, end), by category. */
  async collectedByCategory(
    start: Date,
    end: Date,
  ): Promise<{ category: string; count: number; amount: bigint }[]> {
    const rows = (await this.reads.query(
      `SELECT d.category, count(f.amount) AS n, coalesce(sum(f.amount), 0) AS total
       FROM deals d JOIN deal_fees f ON f.deal_id = d.id
       WHERE d.closed_at >= $1 AND d.closed_at < $2
       GROUP BY d.category`,
      [start, end],
    )) as { category: string; n: string; total: string }[];
    return rows.map((row) => ({ category: row.category, count: Number(row.n), amount: BigInt(row.total) }));
  }
}
