import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  assembleReport,
  type DealGroup,
  type ReportGrouping,
  type ReportResult,
  startOfDayInZone,
  zonedDateRange,
} from '@ggzy/domain';
import { DealsRepository, FeesRepository } from '@ggzy/persistence';

export interface ReportPeriod {
  from: string;
  to: string;
  groupBy: ReportGrouping;
}

/** Calendar-year pieces of a period: one query each, so a long report shows its progress. */
export function yearSteps(from: string, to: string): { from: string; to: string }[] {
  const steps: { from: string; to: string }[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)); year += 1) {
    steps.push({
      from: year === Number(from.slice(0, 4)) ? from : `${year}-01-01`,
      to: year === Number(to.slice(0, 4)) ? to : `${year}-12-31`,
    });
  }
  return steps;
}

/** The months a step covers, each with the date it starts on (the step's own first date for the first). */
export function monthsOf(from: string, to: string): { month: string; firstDate: string }[] {
  const months: { month: string; firstDate: string }[] = [];
  let [year, month] = from.split('-').map(Number);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > to.slice(0, 7)) return months;
    months.push({ month: key, firstDate: months.length === 0 ? from : `${key}-01` });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/** Steps run two at a time: the machine has two cores and the steps are independent. */
const STEP_CONCURRENCY = 2;

/** Computes a report from the deal records; period edges are calendar dates in CENTRE_TZ. */
@Injectable()
export class ReportBuilder {
  constructor(
    private readonly deals: DealsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Optional only for the builder tests and the bench that build one by hand.
    @Optional() private readonly fees?: FeesRepository,
  ) {}

  async build(
    period: ReportPeriod,
    onProgress: (percent: number) => Promise<void> = async () => {},
  ): Promise<ReportResult> {
    const tz = this.config.CENTRE_TZ;
    const whole = zonedDateRange(period.from, period.to, tz);
    // Independent of the steps: asked for at once, waited for at the end.
    const liveAuctions = this.deals.liveAuctionTotals(whole.start, whole.end);
    liveAuctions.catch(() => {});
    const fees = this.fees?.collectedByCategory(whole.start, whole.end);
    fees?.catch(() => {});
    const steps = yearSteps(period.from, period.to);
    const groups: DealGroup[] = [];
    let done = 0;
    const runStep = async (step: { from: string; to: string }) => {
      const range = zonedDateRange(step.from, step.to, tz);
      const months = monthsOf(step.from, step.to).map((month) => ({
        month: month.month,
        startsAt: startOfDayInZone(month.firstDate, tz),
      }));
      groups.push(...(await this.deals.groupsByMonth(range.start, range.end, months)));
      await this.pause();
      done += 1;
      // 100% is written with the result, so a running report never shows it.
      await onProgress((done / (steps.length + 1)) * 100);
    };
    const queue = [...steps];
    await Promise.all(
      Array.from({ length: Math.min(STEP_CONCURRENCY, steps.length) }, async () => {
        for (let step = queue.shift(); step; step = queue.shift()) await runStep(step);
      }),
    );
    return assembleReport({ ...period, groups, liveAuctions: await liveAuctions, fees: await fees });
  }

  private async pause() {
    if (this.config.REPORT_STEP_PAUSE_MS > 0)
      await new Promise((resolve) => setTimeout(resolve, this.config.REPORT_STEP_PAUSE_MS));
  }
}
