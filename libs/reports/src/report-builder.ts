import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  assembleReport,
  type DealGroup,
  type ReportGrouping,
  type ReportResult,
  zonedDateRange,
} from '@ggzy/domain';
import { DealsRepository } from '@ggzy/persistence';

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

/** Computes a report from the deal records; period edges are calendar dates in CENTRE_TZ. */
@Injectable()
export class ReportBuilder {
  constructor(
    private readonly deals: DealsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async build(
    period: ReportPeriod,
    onProgress: (percent: number) => Promise<void> = async () => {},
  ): Promise<ReportResult> {
    const tz = this.config.CENTRE_TZ;
    const steps = yearSteps(period.from, period.to);
    const groups: DealGroup[] = [];
    for (const [index, step] of steps.entries()) {
      const range = zonedDateRange(step.from, step.to, tz);
      groups.push(...(await this.deals.groupsByMonth(range.start, range.end, tz)));
      await this.pause();
      // The last step (live auctions) is small: the year steps carry the progress.
      await onProgress(((index + 1) / (steps.length + 1)) * 100);
    }
    const whole = zonedDateRange(period.from, period.to, tz);
    const liveAuctions = await this.deals.liveAuctionTotals(whole.start, whole.end);
    return assembleReport({ ...period, groups, liveAuctions });
  }

  private async pause() {
    if (this.config.REPORT_STEP_PAUSE_MS > 0)
      await new Promise((resolve) => setTimeout(resolve, this.config.REPORT_STEP_PAUSE_MS));
  }
}
