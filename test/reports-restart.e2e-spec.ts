import { readFileSync } from 'node:fs';
import request from 'supertest';
import { type ChildApp, spawnApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, type TestUser, waitFor } from './support/factories.js';
import { queryRows } from './support/checks.js';
import { buildReport, getReport, requestReport, waitForReport } from './support/reports.js';

describe('a report survives its worker being killed mid-build', () => {
  let platform: TestPlatform;
  let staff: TestUser;
  const children: ChildApp[] = [];

  beforeAll(async () => {
    platform = await startTestPlatform();
    staff = await createOperator(platform.env.config, platform.api.url, 'staff');
    // Only the spawned workers below build reports.
    await platform.stopWorker();
  });

  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null) await child.stop();
    await platform?.close();
  });

  it('is taken over by the next worker and finishes with the right figures', async () => {
    const deals = [2015, 2016, 2017].flatMap((year) =>
      [1, 6, 12].map((month) => ({
        category: month === 6 ? 'procurement' : 'construction',
        title: `${year}年${month}月工程`,
        amount: year * 100 + month,
        winnerName: '某公司',
        closedAt: `${year}-${String(month).padStart(2, '0')}-15T04:00:00Z`,
        externalRef: `R-${year}-${month}`,
      })),
    );
    await request(platform.api.url)
      .post('/api/deals/import')
      .auth(staff.token, { type: 'bearer' })
      .send({ deals })
      .expect(200);

    // A slow worker: a pause after each of the three yearly steps.
    const slow = await spawnApp('worker', platform.env.config, { REPORT_STEP_PAUSE_MS: '3000' });
    children.push(slow);
    const { id } = await requestReport(platform.api.url, staff, { from: '2015-01-01', to: '2017-12-31' });
    const midway = await waitFor(
      async () => {
        const report = await getReport(platform.api.url, staff, id);
        return report.status === 'running' && report.progress > 0 ? report : undefined;
      },
      60_000,
      'report running with progress',
    );
    expect(midway.progress).toBeLessThan(100);
    await slow.kill();
    const killedAt = Date.now();
    expect((await getReport(platform.api.url, staff, id)).status).toBe('running');

    const next = await spawnApp('worker', platform.env.config);
    children.push(next);
    const done = await waitForReport(platform.api.url, staff, id, 90_000);
    expect(done.status).toBe('done');
    expect(done.progress).toBe(100);
    const [row] = await queryRows<{ started_at: Date }>(
      platform.env.config.DATABASE_URL,
      'SELECT started_at FROM reports WHERE id = $1',
      [id],
    );
    // Started again by the second worker after the first died.
    expect(row.started_at.getTime()).toBeGreaterThan(killedAt);
    const expectedTotal = deals.reduce((sum, deal) => sum + deal.amount, 0);
    expect(done.result!.total).toMatchObject({ count: 9, amount: expectedTotal });
    expect(done.result!.categories.map((c) => c.count)).toEqual([6, 3, 0]);
    expect(done.result!.series).toHaveLength(36);
    expect(done.result!.period).toBe('2015-2017年');
    await next.stop();
  });
});

describe('reports in single-machine mode (BullMQ on PostgreSQL)', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ REDIS_URL: null });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('imports the demo file and builds the January–May 2018 report', async () => {
    const staff = await createOperator(platform.env.config, platform.api.url, 'staff');
    await request(platform.api.url)
      .post('/api/deals/import/file')
      .auth(staff.token, { type: 'bearer' })
      .attach('file', readFileSync('scripts/demo-data/deals-2018.csv'), 'deals-2018.csv')
      .expect(200);
    const report = await buildReport(platform.api.url, staff, { from: '2018-01-01', to: '2018-05-31' });
    expect(report.result!.summary).toBe(
      '2018年1-5月共完成公共资源交易项目26个,交易总金额共计1146.86万元。' +
        '其中建筑工程项目13个,成交金额464.94万元;政府采购项目5个,成交金额134.95万元;' +
        '产权交易项目8个,成交金额546.97万元。',
    );
  });
});
