import { type AppConfig, loadEnvConfig, type Logger } from '@ggzy/common';
import { type DealGroup, DomainError, type LiveAuctionTotals, startOfDayInZone } from '@ggzy/domain';
import type { DealsRepository, ReportsRepository } from '@ggzy/persistence';
import type { ReportQueue } from '@ggzy/queues';
import { strict } from '../../../test/fakes/persistence.js';
import { ReportBuilder } from './report-builder.js';
import { ReportsService, STATISTICS_BUILDS_AT_ONCE } from './reports.service.js';

/**
 * The report builder and the public statistics over an in-memory DealsRepository: how a
 * period is cut into year steps and China-time months, what progress is reported, how many
 * steps run at once, and how the statistics cache shares and forgets computations. The GROUP
 * BY itself is proved in test/repositories/deals.repository.e2e-spec.ts.
 */
const TZ = 'Asia/Shanghai';
const config = {
  ...loadEnvConfig({ NODE_ENV: 'test' }),
  CENTRE_TZ: TZ,
  REPORT_STEP_PAUSE_MS: 0,
} as AppConfig;

/** groupsByMonth answers from `groups`, one step at a time or held until the test releases it. */
class FakeDeals implements Pick<DealsRepository, 'groupsByMonth' | 'liveAuctionTotals'> {
  calls: { start: string; end: string; months: string[] }[] = [];
  totalsCalls: { start: string; end: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  hold = false;
  private waiting: (() => void)[] = [];
  totals: LiveAuctionTotals = { count: 0, startAmount: 0n, amount: 0n };
  totalsError: Error | null = null;

  constructor(private readonly groups: DealGroup[] = []) {}

  async groupsByMonth(start: Date, end: Date, months: readonly { month: string; startsAt: Date }[]) {
    this.calls.push({
      start: start.toISOString(),
      end: end.toISOString(),
      months: months.map((month) => `${month.month}@${month.startsAt.toISOString()}`),
    });
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight -= 1;
    const names = new Set(months.map((month) => month.month));
    return this.groups.filter((group) => names.has(group.month));
  }

  async liveAuctionTotals(start: Date, end: Date) {
    this.totalsCalls.push({ start: start.toISOString(), end: end.toISOString() });
    if (this.totalsError) throw this.totalsError;
    return this.totals;
  }

  /** Lets the held steps go, one turn of the event loop at a time, until none is left. */
  async releaseAll() {
    while (this.waiting.length > 0 || this.inFlight > 0) {
      this.waiting.splice(0).forEach((resolve) => resolve());
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function builder(deals: FakeDeals) {
  return new ReportBuilder(strict<DealsRepository>(deals, 'DealsRepository'), config);
}

const cstMidnight = (date: string) => startOfDayInZone(date, TZ).toISOString();

describe('ReportBuilder.build', () => {
  it('asks for one step per calendar year, each with its China-time months, and the live totals once', async () => {
    const deals = new FakeDeals();
    await builder(deals).build({ from: '2016-11-15', to: '2018-01-31', groupBy: 'month' });
    expect(deals.calls).toEqual([
      {
        start: cstMidnight('2016-11-15'),
        end: cstMidnight('2017-01-01'),
        months: [`2016-11@${cstMidnight('2016-11-15')}`, `2016-12@${cstMidnight('2016-12-01')}`],
      },
      {
        start: cstMidnight('2017-01-01'),
        end: cstMidnight('2018-01-01'),
        months: Array.from({ length: 12 }, (_, i) => {
          const month = `2017-${String(i + 1).padStart(2, '0')}`;
          return `${month}@${cstMidnight(`${month}-01`)}`;
        }),
      },
      {
        start: cstMidnight('2018-01-01'),
        end: cstMidnight('2018-02-01'),
        months: [`2018-01@${cstMidnight('2018-01-01')}`],
      },
    ]);
    expect(deals.calls[0].start).toBe('2016-11-14T16:00:00.000Z');
    expect(deals.totalsCalls).toEqual([{ start: cstMidnight('2016-11-15'), end: cstMidnight('2018-02-01') }]);
  });

  it('reports progress after each step, never 100 (that is written with the result)', async () => {
    const deals = new FakeDeals();
    const progress: number[] = [];
    await builder(deals).build({ from: '2015-01-01', to: '2017-12-31', groupBy: 'year' }, async (percent) => {
      progress.push(percent);
    });
    expect(progress).toEqual([25, 50, 75]);
  });

  it('runs at most two steps at a time', async () => {
    const deals = new FakeDeals();
    deals.hold = true;
    const building = builder(deals).build({ from: '2010-01-01', to: '2015-12-31', groupBy: 'year' });
    await deals.releaseAll();
    await building;
    expect(deals.calls).toHaveLength(6);
    expect(deals.maxInFlight).toBe(2);
  });

  it('assembles every step’s groups with the live totals into one result', async () => {
    const deals = new FakeDeals([
      { category: 'procurement', subtype: 'goods', month: '2017-12', count: 2, amount: 3_000n },
      { category: 'property_rights', subtype: 'lease', month: '2018-01', count: 1, amount: 7_200_000n },
    ]);
    deals.totals = { count: 1, startAmount: 3_600_000n, amount: 7_200_000n };
    const result = await builder(deals).build({ from: '2017-12-01', to: '2018-01-31', groupBy: 'month' });
    expect(result.total).toMatchObject({ count: 3, amount: 7_203_000 });
    expect(result.series.map((bucket) => [bucket.key, bucket.count, bucket.amount])).toEqual([
      ['2017-12', 2, 3_000],
      ['2018-01', 1, 7_200_000],
    ]);
    expect(result.liveAuctions).toMatchObject({ count: 1, amount: 7_200_000, startAmount: 3_600_000 });
  });

  it('fails when the live totals fail, even if every step succeeded', async () => {
    const deals = new FakeDeals();
    deals.totalsError = new Error('connection terminated');
    await expect(
      builder(deals).build({ from: '2018-01-01', to: '2018-12-31', groupBy: 'month' }),
    ).rejects.toThrow('connection terminated');
    expect(deals.calls).toHaveLength(1);
  });
});

describe('ReportsService', () => {
  function service(deals: FakeDeals, requested: string[] = []) {
    const reports = strict<ReportsRepository>(
      {
        request: async (request) => {
          requested.push(`${request.kind} ${request.from}..${request.to}`);
          return {
            created: true,
            report: {
              id: `r${requested.length}`,
              kind: request.kind,
              from: request.from,
              to: request.to,
              groupBy: request.groupBy,
              status: 'queued',
              progress: 0,
              createdAt: new Date(0),
              startedAt: null,
              finishedAt: null,
            } as never,
          };
        },
      },
      'ReportsRepository',
    );
    const queued: string[] = [];
    const queue = strict<ReportQueue>(
      {
        enqueueBuild: async (id: string) => {
          queued.push(id);
        },
      },
      'ReportQueue',
    );
    const built = new ReportsService(
      reports,
      strict<DealsRepository>(deals, 'DealsRepository'),
      builder(deals),
      queue,
      config,
      strict<Logger>({}, 'Logger'),
    );
    return { built, queued };
  }

  it('statistics: identical concurrent callers share one computation, and the answer is kept', async () => {
    const deals = new FakeDeals();
    const { built } = service(deals);
    const [a, b] = await Promise.all([
      built.statistics('2018-01-01', '2018-12-31'),
      built.statistics('2018-01-01', '2018-12-31'),
    ]);
    expect(a).toEqual(b);
    await built.statistics('2018-01-01', '2018-12-31');
    expect(deals.totalsCalls).toHaveLength(1);
    await built.statistics('2018-01-01', '2018-06-30');
    expect(deals.totalsCalls).toHaveLength(2);
  });

  it('statistics: a failure is not kept, the next caller computes again', async () => {
    const deals = new FakeDeals();
    const { built } = service(deals);
    deals.totalsError = new Error('connection terminated');
    await expect(built.statistics('2018-01-01', '2018-12-31')).rejects.toThrow('connection terminated');
    deals.totalsError = null;
    await expect(built.statistics('2018-01-01', '2018-12-31')).resolves.toMatchObject({ from: '2018-01-01' });
    expect(deals.totalsCalls).toHaveLength(2);
  });

  it('statistics: a rule’s failure is kept briefly, so asking again is not another scan', async () => {
    const deals = new FakeDeals();
    const { built } = service(deals);
    deals.totalsError = new DomainError('REPORT_TOTAL_TOO_LARGE', 'past 2^53');
    for (let attempt = 0; attempt < 3; attempt += 1)
      await expect(built.statistics('2018-01-01', '2018-12-31')).rejects.toMatchObject({
        code: 'REPORT_TOTAL_TOO_LARGE',
      });
    expect(deals.totalsCalls).toHaveLength(1);
  });

  it(`statistics: at most ${STATISTICS_BUILDS_AT_ONCE} periods are built at once; a few wait, the rest are RATE_LIMITED`, async () => {
    const deals = new FakeDeals();
    deals.hold = true;
    const { built } = service(deals);
    const months = Array.from({ length: 12 }, (_, index) => `2018-${String(index + 1).padStart(2, '0')}`);
    const answers = months.map((month) =>
      built.statistics(`${month}-01`, `${month}-28`).then(
        () => 'ok',
        (error: DomainError) => error.code,
      ),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(deals.totalsCalls).toHaveLength(STATISTICS_BUILDS_AT_ONCE);
    await deals.releaseAll();
    const outcomes = await Promise.all(answers);
    expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'RATE_LIMITED')).toHaveLength(2);
    expect(deals.totalsCalls).toHaveLength(10);
    // Refused for being busy is not kept: the same period is built when asked again.
    deals.hold = false;
    const refused = months[outcomes.indexOf('RATE_LIMITED')];
    await expect(built.statistics(`${refused}-01`, `${refused}-28`)).resolves.toMatchObject({
      from: `${refused}-01`,
    });
  });

  it.each([
    ['2018-02-01', '2018-01-01', 'INVALID_PERIOD'],
    ['2018-02-30', '2018-03-01', 'VALIDATION_FAILED'],
  ])('request %s..%s: %s, nothing queued', async (from, to, code) => {
    const requested: string[] = [];
    const { built, queued } = service(new FakeDeals(), requested);
    const error = await built.request({ from, to, requestedBy: null }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code });
    expect(requested).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('request: records the report and queues its build; queueScheduled queues each period that ended', async () => {
    const requested: string[] = [];
    const { built, queued } = service(new FakeDeals(), requested);
    const view = await built.request({ from: '2018-01-01', to: '2018-03-31', requestedBy: null });
    expect(view).toMatchObject({ id: 'r1', status: 'queued', groupBy: 'month' });
    expect(queued).toEqual(['r1']);
    // 2018-07-01 00:30 in China is still 2018-06-30 in UTC: the first half-year has ended there.
    const ids = await built.queueScheduled(new Date('2018-06-30T16:30:00Z'));
    expect(requested.slice(1)).toContain('half_year 2018-01-01..2018-06-30');
    expect(queued).toEqual(['r1', ...ids]);
  });
});
