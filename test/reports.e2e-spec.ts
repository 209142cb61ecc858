import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import type { TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import {
  createOperator,
  createPublishedListing,
  listingReadyOnSite,
  registerBidder,
  type TestUser,
  waitFor,
} from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import {
  buildReport,
  chinaDate,
  getReport,
  type ReportBody,
  requestReport,
  waitForReport,
} from './support/reports.js';
import { createDataSource } from '../libs/persistence/src/data-source.js';
import { createQueueBackend } from '../libs/queues/src/queue-backend.js';
import { REPORTS_QUEUE, REPORTS_SCHEDULER_ID } from '../libs/queues/src/report-jobs.js';
import { importHistoricalDeals } from '../scripts/demo-seed.js';
import { type FilledRect, pdfFilledRects, pdfItems } from './support/pdf.js';
import { agreedTransferProject, auctionedTransferProject, TRANSFER_VALUATION } from './support/transfers.js';

const DEMO_CSV = 'scripts/demo-data/deals-2018.csv';
const JAN_MAY_2018 =
  '2018年1-5月共完成公共资源交易项目26个,交易总金额共计1146.86万元。' +
  '其中建筑工程项目13个,成交金额464.94万元;政府采购项目5个,成交金额134.95万元;' +
  '产权交易项目8个,成交金额546.97万元。';

describe('transaction-value reports', () => {
  let platform: TestPlatform;
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidders: TestUser[];
  let demoReport: ReportBody;

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ env, api } = platform);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    bidders = await Promise.all([registerBidder(api.url), registerBidder(api.url)]);
  });

  afterAll(async () => {
    await platform?.close();
  });

  const download = (id: string, format: string) =>
    request(api.url)
      .get(`/api/reports/${id}/export?format=${format}`)
      .auth(supervisor.token, { type: 'bearer' })
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      })
      .expect(200);

  const importDeals = (deals: object[]) =>
    request(api.url)
      .post('/api/deals/import')
      .auth(staff.token, { type: 'bearer' })
      .send({ deals })
      .expect(200);

  it("reproduces the centre's January–May 2018 counts and category amounts from the demo's deals, with the right total", async () => {
    const uploaded = await request(api.url)
      .post('/api/deals/import/file')
      .auth(staff.token, { type: 'bearer' })
      .attach('file', readFileSync(DEMO_CSV), 'deals-2018.csv')
      .expect(200);
    expect(uploaded.body).toMatchObject({ received: 26, created: 26, unchanged: 0 });
    // The demo loads the same file through the same reader and writer: a second run adds nothing.
    const dataSource = await createDataSource(env.config.DATABASE_URL, 1, 'ggzy-test-demo').initialize();
    try {
      expect(await importHistoricalDeals(dataSource, null, 'Asia/Shanghai')).toEqual({
        received: 26,
        created: 0,
        unchanged: 26,
      });
    } finally {
      await dataSource.destroy();
    }

    demoReport = await buildReport(api.url, supervisor, { from: '2018-01-01', to: '2018-05-31' });
    const result = demoReport.result!;
    expect(result.summary).toBe(JAN_MAY_2018);
    expect(result.period).toBe('2018年1-5月');
    expect(result.total).toEqual({ count: 26, amount: 1_146_860_000, amountWan: '1146.86' });
    expect(result.categories.map((c) => [c.category, c.count, c.amount])).toEqual([
      ['construction', 13, 464_940_000],
      ['procurement', 5, 134_950_000],
      ['property_rights', 8, 546_970_000],
    ]);
    // Property rights split into leases and transfers; hand-computed from the file.
    const property = result.categories[2];
    expect(property.subtypes.map((s) => [s.label, s.count, s.amount])).toEqual([
      ['租赁', 5, (416_160 + 288_000 + 96_480 + 612_360 + 134_400) * 100],
      ['转让', 3, (86_300 + 2_860_000 + 976_000) * 100],
    ]);
    const procurement = result.categories[1];
    expect(procurement.subtypes.map((s) => [s.label, s.count])).toEqual([
      ['公开招标', 2],
      ['竞争性谈判', 1],
      ['竞争性磋商', 1],
      ['询价', 1],
    ]);
    // The series adds up to the total, month by month and category by category.
    expect(result.series.map((s) => s.label)).toEqual([
      '2018年1月',
      '2018年2月',
      '2018年3月',
      '2018年4月',
      '2018年5月',
    ]);
    expect(result.series.reduce((sum, s) => sum + s.amount, 0)).toBe(1_146_860_000);
    expect(result.series.reduce((sum, s) => sum + s.count, 0)).toBe(26);
    for (const [index, category] of result.categories.entries()) {
      expect(result.series.reduce((sum, s) => sum + s.categories[index].amount, 0)).toBe(category.amount);
    }
    // January by hand: 860,000 + 452,300 (construction), 486,200 (procurement), 416,160 (lease) 元.
    expect(result.series[0]).toMatchObject({
      count: 4,
      amount: (860_000 + 452_300 + 486_200 + 416_160) * 100,
    });

    const byQuarter = await buildReport(api.url, staff, {
      from: '2018-01-01',
      to: '2018-06-30',
      groupBy: 'quarter',
    });
    expect(byQuarter.result!.series.map((s) => [s.label, s.count])).toEqual([
      ['2018年第一季度', 13],
      ['2018年第二季度', 13],
    ]);
    expect(
      byQuarter.result!.summary.startsWith(
        '2018年上半年共完成公共资源交易项目26个,交易总金额共计1146.86万元。',
      ),
    ).toBe(true);
  });

  it('puts deals on the China-time edges of a period on the right side, and handles empty and one-day periods', async () => {
    await importDeals([
      // 2015-12-31 23:59:59 China time: before the period.
      {
        category: 'construction',
        title: '边界前',
        amount: 100_000,
        winnerName: '甲',
        closedAt: '2015-12-31T15:59:59Z',
        externalRef: 'EDGE-1',
      },
      // 2016-01-01 00:00:00 China time: the first moment of the period.
      {
        category: 'construction',
        title: '首刻',
        amount: 2_000_000,
        winnerName: '乙',
        closedAt: '2015-12-31T16:00:00Z',
        externalRef: 'EDGE-2',
      },
      // 2016-05-31 23:59:59 China time: the last second of the period.
      {
        category: 'procurement',
        subtype: 'rfq',
        title: '末秒',
        amount: 3_000_001,
        winnerName: '丙',
        closedAt: '2016-05-31T15:59:59Z',
        externalRef: 'EDGE-3',
      },
      // 2016-06-01 00:00:00 China time: after the period.
      {
        category: 'procurement',
        title: '边界后',
        amount: 4_000_000,
        winnerName: '丁',
        closedAt: '2016-05-31T16:00:00Z',
        externalRef: 'EDGE-4',
      },
      {
        category: 'property_rights',
        subtype: 'lease',
        title: '中间',
        amount: 5_555_555,
        winnerName: '戊',
        closedAt: '2016-03-15T04:00:00Z',
        externalRef: 'EDGE-5',
      },
    ]);
    const report = await buildReport(api.url, staff, { from: '2016-01-01', to: '2016-05-31' });
    const result = report.result!;
    // 2,000,000 + 3,000,001 + 5,555,555 fen = 10,555,556 fen = 10.56万元 (half up at the cut).
    expect(result.total).toEqual({ count: 3, amount: 10_555_556, amountWan: '10.56' });
    expect(result.summary).toBe(
      '2016年1-5月共完成公共资源交易项目3个,交易总金额共计10.56万元。' +
        '其中建筑工程项目1个,成交金额2.00万元;政府采购项目1个,成交金额3.00万元;产权交易项目1个,成交金额5.56万元。',
    );
    expect(result.series.map((s) => [s.key, s.count, s.amount])).toEqual([
      ['2016-01', 1, 2_000_000],
      ['2016-02', 0, 0],
      ['2016-03', 1, 5_555_555],
      ['2016-04', 0, 0],
      ['2016-05', 1, 3_000_001],
    ]);

    const oneDay = async (date: string) =>
      (await buildReport(api.url, staff, { from: date, to: date })).result!;
    expect((await oneDay('2015-12-31')).total.amount).toBe(100_000);
    expect((await oneDay('2016-01-01')).total.amount).toBe(2_000_000);
    const lastDay = await oneDay('2016-05-31');
    expect(lastDay.total.amount).toBe(3_000_001);
    expect(lastDay.period).toBe('2016年5月31日');
    expect(
      lastDay.summary.startsWith('2016年5月31日共完成公共资源交易项目1个,交易总金额共计3.00万元。'),
    ).toBe(true);
    expect((await oneDay('2016-06-01')).total.amount).toBe(4_000_000);

    const empty = (await buildReport(api.url, staff, { from: '2017-01-01', to: '2017-01-31' })).result!;
    expect(empty.total).toEqual({ count: 0, amount: 0, amountWan: '0.00' });
    expect(empty.summary).toBe(
      '2017年1月共完成公共资源交易项目0个,交易总金额共计0.00万元。' +
        '其中建筑工程项目0个,成交金额0.00万元;政府采购项目0个,成交金额0.00万元;产权交易项目0个,成交金额0.00万元。',
    );
    expect(empty.series).toEqual([expect.objectContaining({ key: '2017-01', count: 0, amount: 0 })]);
  });

  it('counts live (lease and transfer), on-site, agreement and imported deals together, with the live auctions’ premium over the start price', async () => {
    const [a, b] = bidders;
    const listing = await createPublishedListing(api.url, staff, [a, b], {
      biddingInMs: 4000,
      freeMs: 2500,
      extensionSeconds: 1,
    });
    await waitFor(
      async () =>
        (await request(api.url).get(`/api/lease-listings/${listing.id}`)).body.status === 'bidding' ||
        undefined,
      15_000,
      'bidding',
    );
    const bid = (user: TestUser, amount: number, clientBidId: string) =>
      request(api.url)
        .post(`/api/lease-listings/${listing.id}/bids`)
        .auth(user.token, { type: 'bearer' })
        .send({ amount, clientBidId });
    expect((await bid(a, 800_000, 'r1')).status).toBeLessThan(300);
    expect((await bid(b, 810_000, 'r2')).status).toBeLessThan(300);
    await waitFor(
      async () =>
        (await request(api.url).get(`/api/lease-listings/${listing.id}`)).body.status === 'sold' || undefined,
      30_000,
      'sold',
    );
    // A transfer agreed with its one buyer, and a lease sold at an on-site auction (现场拍租).
    const agreed = await agreedTransferProject(
      {
        apiUrl: api.url,
        ownerDatabaseUrl: env.config.DATABASE_OWNER_URL!,
        zone: env.config.CENTRE_TZ,
        staff,
      },
      a,
      12_000_000,
    );
    expect(agreed).toMatchObject({ status: 'sold', finalPrice: 12_000_000 });
    // A transfer with two buyers: a live auction from the listing price, sold at 3% over it.
    const auctioned = await auctionedTransferProject(
      {
        apiUrl: api.url,
        ownerDatabaseUrl: env.config.DATABASE_OWNER_URL!,
        zone: env.config.CENTRE_TZ,
        staff,
      },
      [a, b],
      [TRANSFER_VALUATION, TRANSFER_VALUATION + 300_000],
    );
    expect(auctioned).toMatchObject({ status: 'sold', dealSource: 'auction', finalPrice: 10_300_000 });
    const onSite = await listingReadyOnSite(api.url, env.config.DATABASE_URL, staff, [a, b]);
    await request(api.url)
      .post(`/api/lease-listings/${onSite.id}/on-site-auction`)
      .auth(staff.token, { type: 'bearer' })
      .send({
        auctioneer: '张三 (拍卖师证 0001)',
        place: '东湖区公共资源交易中心 3 楼拍卖厅',
        heldAt: new Date(Date.now() - 30_000).toISOString(),
        presentBidderIds: [a.id, b.id],
        outcome: 'sold',
        hammerPrice: 900_000,
        winnerId: b.id,
        recordFileName: '现场拍租笔录.pdf',
        recordFileSha256: 'ab'.repeat(32),
      })
      .expect(201);
    const now = new Date();
    await importDeals([
      {
        category: 'construction',
        subtype: 'road',
        title: '今天导入的工程',
        amount: 12_345_678,
        winnerName: '某路桥公司',
        closedAt: new Date(now.getTime() - 60_000).toISOString(),
        externalRef: 'TODAY-1',
      },
    ]);
    const from = chinaDate(new Date(now.getTime() - 24 * 3600_000));
    const to = chinaDate(now);
    const report = await buildReport(api.url, staff, { from, to });
    const result = report.result!;
    // Leases: 810,000 fen a month (live) and 900,000 (on site) × 36 months; the transfers at the
    // agreed and the hammer price; the imported deal as given.
    const leases = (810_000 + 900_000) * 36;
    const transfers = 12_000_000 + 10_300_000;
    expect(result.categories.map((c) => [c.category, c.count, c.amount])).toEqual([
      ['construction', 1, 12_345_678],
      ['procurement', 0, 0],
      ['property_rights', 4, leases + transfers],
    ]);
    expect(result.total).toMatchObject({ count: 5, amount: 12_345_678 + leases + transfers });
    expect(result.categories[2].subtypes).toEqual([
      expect.objectContaining({ subtype: 'lease', label: '租赁', count: 2, amount: leases }),
      expect.objectContaining({ subtype: 'transfer', label: '转让', count: 2, amount: transfers }),
    ]);
    // The two online auctions are live auctions; the on-site sale and the agreement are not.
    // Start values: 800,000 × 36 (the lease) + 10,000,000 (the transfer's start price) = 3880万 fen;
    // premium 360,000 + 300,000 = 660,000 fen = 1.70%.
    expect(result.liveAuctions).toEqual({
      count: 2,
      amount: 810_000 * 36 + 10_300_000,
      amountWan: '39.46',
      startAmount: 800_000 * 36 + 10_000_000,
      premium: 10_000 * 36 + 300_000,
      premiumPercent: '1.70',
    });

    // The deal list names every deal's source in Chinese.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download(report.id, 'xlsx')).body as unknown as ArrayBuffer);
    const sources: [unknown, unknown][] = [];
    workbook.getWorksheet('成交清单')!.eachRow((row, number) => {
      if (number > 1) sources.push([row.getCell(3).value, row.getCell(7).value]);
    });
    expect(sources.sort()).toEqual(
      [
        ['租赁', '网络竞价'],
        ['租赁', '现场拍卖'],
        ['转让', '协议转让'],
        ['转让', '网络竞价'],
        ['公路工程', '历史导入'],
      ].sort(),
    );
  });

  it('shares a build between identical requests, lists reports, and refuses exports until done', async () => {
    const countReports = async () =>
      Number(
        (await queryRows<{ n: string }>(env.config.DATABASE_URL, 'SELECT count(*) AS n FROM reports'))[0].n,
      );
    const reportsBefore = await countReports();
    await platform.stopWorker();
    try {
      const first = await requestReport(api.url, staff, { from: '2018-02-01', to: '2018-02-28' });
      const second = await requestReport(api.url, supervisor, {
        from: '2018-02-01',
        to: '2018-02-28',
        groupBy: 'month',
      });
      const other = await requestReport(api.url, staff, {
        from: '2018-02-01',
        to: '2018-02-28',
        groupBy: 'year',
      });
      expect(first.status).toBe('queued');
      expect(second.id).toBe(first.id);
      expect(other.id).not.toBe(first.id);
      const rows = await queryRows<{ n: string }>(
        env.config.DATABASE_URL,
        `SELECT count(*) AS n FROM reports WHERE period_from = '2018-02-01' AND period_to = '2018-02-28'`,
      );
      expect(Number(rows[0].n)).toBe(2);
      const notReady = await request(api.url)
        .get(`/api/reports/${first.id}/export?format=csv`)
        .auth(staff.token, { type: 'bearer' });
      expect(expectError(notReady, 409, 'REPORT_NOT_READY').details).toEqual({
        status: 'queued',
        progress: 0,
      });
      expect((await getReport(api.url, staff, first.id)).status).toBe('queued');
    } finally {
      await platform.startWorker();
    }
    const list = await request(api.url)
      .get('/api/reports?limit=100')
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    // Every report there is, the two new ones among them (the identical request shares one).
    expect(list.body.total).toBe(reportsBefore + 2);
    const febIds = list.body.items
      .filter((item: { from: string; to: string }) => item.from === '2018-02-01' && item.to === '2018-02-28')
      .map((item: { id: string }) => item.id);
    expect(febIds).toHaveLength(2);
    for (const id of febIds) {
      const done = await waitForReport(api.url, staff, id);
      expect(done.status).toBe('done');
      expect(done.result!.period).toBe('2018年2月');
    }
    expect(list.body.items[0]).not.toHaveProperty('result');
  });

  it('exports CSV with a BOM, XLSX with numeric amounts, and a PDF whose text and chart carry the figures', async () => {
    const result = demoReport.result!;

    const csvResponse = await download(demoReport.id, 'csv');
    expect(csvResponse.headers['content-type']).toMatch(/^text\/csv/);
    expect(csvResponse.headers['content-disposition']).toContain(
      'attachment; filename="report-2018-01-01-2018-05-31.csv"',
    );
    const csv = csvResponse.body as Buffer;
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parse(csv, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
    expect(records[0]).toEqual(['统计期间', '2018年1-5月', '2018-01-01', '2018-05-31']);
    expect(records[1]).toEqual(['说明', JAN_MAY_2018]);
    expect(records).toContainEqual(['建筑工程', '合计', '13', '4649400.00', '464.94']);
    expect(records).toContainEqual(['政府采购', '合计', '5', '1349500.00', '134.95']);
    expect(records).toContainEqual(['产权交易', '合计', '8', '5469700.00', '546.97']);
    expect(records).toContainEqual(['产权交易', '租赁', '5', '1547400.00', '154.74']);
    expect(records).toContainEqual(['合计', '', '26', '11468600.00', '1146.86']);
    const monthRows = records.filter((r) => /^2018年\d月$/.test(r[0]));
    expect(monthRows.map((r) => r[0])).toEqual([
      '2018年1月',
      '2018年2月',
      '2018年3月',
      '2018年4月',
      '2018年5月',
    ]);
    expect(monthRows.reduce((sum, r) => sum + Math.round(Number(r[8]) * 100), 0)).toBe(1_146_860_000);

    const xlsx = (await download(demoReport.id, 'xlsx')).body as Buffer;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['汇总', '按月', '成交清单']);
    const summary = workbook.getWorksheet('汇总')!;
    expect(summary.getRow(1).values).toEqual([undefined, '2018年1-5月公共资源交易统计']);
    expect(summary.getCell('A2').value).toBe(JAN_MAY_2018);
    const summaryRows: unknown[][] = [];
    let constructionRow = 0;
    summary.eachRow((row, number) => {
      const values = (row.values as unknown[]).slice(1);
      summaryRows.push(values);
      if (values[0] === '建筑工程' && values[1] === '合计') constructionRow = number;
    });
    expect(summaryRows).toContainEqual(['建筑工程', '合计', 13, 4_649_400]);
    expect(summaryRows).toContainEqual(['合计', '', 26, 11_468_600]);
    expect(typeof summary.getRow(constructionRow).getCell(4).value).toBe('number');
    expect(summary.getRow(constructionRow).getCell(4).numFmt).toBe('#,##0.00');
    const months = workbook.getWorksheet('按月')!;
    expect(months.rowCount).toBe(1 + 5);
    expect(months.getRow(2).getCell(1).value).toBe('2018年1月');
    expect(months.getRow(2).getCell(9).value).toBe(860_000 + 452_300 + 486_200 + 416_160);
    // Each category's amount and the month's total: numbers in 元, shown with two decimals.
    for (const column of [3, 5, 7, 9]) {
      for (let row = 2; row <= months.rowCount; row += 1) {
        const cell = months.getRow(row).getCell(column);
        expect({ column, row, type: typeof cell.value, format: cell.numFmt }).toEqual({
          column,
          row,
          type: 'number',
          format: '#,##0.00',
        });
      }
    }
    const list = workbook.getWorksheet('成交清单')!;
    expect(list.rowCount).toBe(1 + 26);
    let listed = 0;
    list.eachRow((row, number) => {
      if (number === 1) return;
      const amount = row.getCell(6).value;
      expect(typeof amount).toBe('number');
      expect(row.getCell(6).numFmt).toBe('#,##0.00');
      listed += Math.round((amount as number) * 100);
    });
    expect(listed).toBe(1_146_860_000);
    // The last May deal closed at 16:30 on 31 May China time; the sheet shows the centre's wall clock.
    const lastRow = list.getRow(27);
    expect(lastRow.getCell(4).value).toBe('彭家桥街道消防通道改造工程');
    expect((lastRow.getCell(1).value as Date).toISOString()).toBe('2018-05-31T16:30:00.000Z');

    const pdfResponse = await download(demoReport.id, 'pdf');
    expect(pdfResponse.headers['content-type']).toBe('application/pdf');
    const pdf = pdfResponse.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await pdfItems(pdf)).join('');
    expect(text).toContain('公共资源交易统计报告');
    expect(text).toContain('统计期间:2018年1-5月');
    expect(text).toContain(JAN_MAY_2018);
    expect(text).toContain('1146.86');
    // The chart: one labelled bar per category and month with a value, each label the 万元 figure.
    const items = (await pdfItems(pdf)).map((item) => item.trim()).filter(Boolean);
    expect(items).toContain('成交金额(万元),按类别和月');
    for (const bucket of result.series) {
      expect(items).toContain(bucket.label);
      for (const cell of bucket.categories) {
        if (cell.amount > 0) expect(items).toContain(wan(cell.amount));
      }
    }
    // May's property rights: 976,000 + 134,400 元 = 111.04万元.
    expect(items).toContain('111.04');
    expectChartBars(await pdfFilledRects(pdf), result.series);

    expectError(
      await request(api.url)
        .get(`/api/reports/${demoReport.id}/export?format=docx`)
        .auth(staff.token, { type: 'bearer' }),
      400,
      'UNKNOWN_FORMAT',
    );
  });

  it('draws the PDF chart by year once a report has more than 24 buckets', async () => {
    const at = (closedAt: string, category: string, subtype: string, amount: number, ref: string) => ({
      category,
      subtype,
      title: `跨年报表 ${ref}`,
      amount,
      winnerName: '某公司',
      closedAt,
      externalRef: ref,
    });
    await importDeals([
      at('2010-03-10T02:00:00Z', 'construction', 'road', 1_000_000, 'LONG-1'),
      at('2010-11-10T02:00:00Z', 'construction', 'building', 2_000_000, 'LONG-2'),
      at('2011-06-10T02:00:00Z', 'procurement', 'rfq', 5_000_000, 'LONG-3'),
      at('2012-02-10T02:00:00Z', 'property_rights', 'lease', 3_000_000, 'LONG-4'),
    ]);
    // 27 months: the table keeps them, the chart sums them into years.
    const report = await buildReport(api.url, staff, { from: '2010-01-01', to: '2012-03-31' });
    expect(report.result!.series).toHaveLength(27);
    const pdf = (await download(report.id, 'pdf')).body as Buffer;
    const items = (await pdfItems(pdf)).map((item) => item.trim()).filter(Boolean);
    expect(items).toContain('成交金额(万元),按类别和年');
    expect(items).not.toContain('成交金额(万元),按类别和月');
    expect(items.filter((item) => /^\d{4}年(\d{1,2}月)?$/.test(item))).toEqual([
      '2010年',
      '2011年',
      '2012年',
    ]);
    const years = [
      { label: '2010年', categories: [{ category: 'construction', amount: 3_000_000 }] },
      { label: '2011年', categories: [{ category: 'procurement', amount: 5_000_000 }] },
      { label: '2012年', categories: [{ category: 'property_rights', amount: 3_000_000 }] },
    ];
    expectChartBars(await pdfFilledRects(pdf), years);
    for (const figure of ['3.00', '5.00']) expect(items).toContain(figure);
  });

  it('fails a build whose sums pass 2^53 fen at once, and shows it failed with its reason', async () => {
    // 901 deals of the largest amount (10^13 fen) in one year: 9.01 × 10^15 > 2^53 − 1.
    const huge = Array.from({ length: 901 }, (_, index) => ({
      category: 'construction',
      title: `特大工程 ${index}`,
      amount: 10_000_000_000_000,
      winnerName: '某公司',
      closedAt: '2005-06-01T02:00:00Z',
      externalRef: `HUGE-${index}`,
    }));
    await importDeals(huge);
    const { id } = await requestReport(api.url, staff, { from: '2005-01-01', to: '2005-12-31' });
    // No retries: the rule fails the same way every time, so the answer comes within seconds.
    const failed = await waitForReport(api.url, staff, id, 20_000);
    expect(failed).toMatchObject({
      status: 'failed',
      reason:
        'a figure of this report passes 2^53 − 1 fen and cannot be given exactly; choose a shorter period',
    });
    expect(failed).not.toHaveProperty('result');
    const refused = await request(api.url)
      .get(`/api/reports/${id}/export?format=pdf`)
      .auth(staff.token, { type: 'bearer' });
    expect(expectError(refused, 409, 'REPORT_NOT_READY').details).toMatchObject({ status: 'failed' });
  });

  it('answers public statistics without sign-in, from deal records only', async () => {
    const response = await request(api.url)
      .get('/api/public/statistics?from=2018-01-01&to=2018-05-31')
      .expect(200);
    expect(response.body.summary).toBe(JAN_MAY_2018);
    expect(response.body.total).toEqual({ count: 26, amount: 1_146_860_000, amountWan: '1146.86' });
    const text = JSON.stringify(response.body);
    expect(text).not.toContain('江西建工');
    expect(text).not.toMatch(/winner|reserve|bidder|liveAuctions/i);
    const defaults = await request(api.url).get('/api/public/statistics').expect(200);
    expect(defaults.body.from).toBe(`${chinaDate(new Date()).slice(0, 4)}-01-01`);
    expect(defaults.body.to).toBe(chinaDate(new Date()));
  });

  it('schedules monthly, half-year and year reports at 01:00 China time on the 1st, once per period', async () => {
    const backend = createQueueBackend(env.config);
    const queue = backend.createQueue(REPORTS_QUEUE);
    try {
      const scheduler = await queue.getJobScheduler(REPORTS_SCHEDULER_ID);
      expect(scheduler).toMatchObject({ pattern: '0 1 1 * *', tz: 'Asia/Shanghai' });
      const next = new Date(Number(scheduler!.next));
      const nextInChina = new Date(next.getTime() + 8 * 3600_000);
      expect([nextInChina.getUTCDate(), nextInChina.getUTCHours(), nextInChina.getUTCMinutes()]).toEqual([
        1, 1, 0,
      ]);
      expect(next.getTime()).toBeGreaterThan(Date.now());
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(32 * 24 * 3600_000);

      // What that job does on 1 July 2018 (China time): June, and the first half-year.
      await queue.add('periodic', { asOf: '2018-06-30T17:00:00Z' }, { jobId: 'periodic-test-1' });
      await queue.add('periodic', { asOf: '2018-06-30T17:30:00Z' }, { jobId: 'periodic-test-2' });
    } finally {
      await queue.close();
      await backend.close();
    }
    const scheduled = await waitFor(
      async () => {
        const list = await request(api.url)
          .get('/api/reports?limit=100')
          .auth(staff.token, { type: 'bearer' })
          .expect(200);
        const items = list.body.items.filter((item: { kind: string }) => item.kind !== 'on_demand');
        return items.length >= 2 && items.every((item: { status: string }) => item.status === 'done')
          ? items
          : undefined;
      },
      60_000,
      'scheduled reports',
    );
    expect(
      scheduled
        .map((item: { kind: string; from: string; to: string }) => [item.kind, item.from, item.to])
        .sort(),
    ).toEqual([
      ['half_year', '2018-01-01', '2018-06-30'],
      ['monthly', '2018-06-01', '2018-06-30'],
    ]);
    const halfYear = scheduled.find((item: { kind: string }) => item.kind === 'half_year');
    const report = await getReport(api.url, staff, halfYear.id);
    expect(
      report.result!.summary.startsWith('2018年上半年共完成公共资源交易项目26个,交易总金额共计1146.86万元。'),
    ).toBe(true);
    const monthly = await request(api.url)
      .get('/api/reports?kind=monthly')
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
    expect(monthly.body.total).toBe(1);
  });

  it('refuses bad input on every report endpoint with a 4xx and a code, writing nothing', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const reportsBefore = await queryRows<{ n: string }>(
      env.config.DATABASE_URL,
      'SELECT count(*) AS n FROM reports',
    );
    const post = (body: unknown, user?: TestUser) => {
      const call = request(api.url).post('/api/reports/transactions');
      return (user ? call.auth(user.token, { type: 'bearer' }) : call).send(body as object);
    };
    const cases: [string, unknown, number, string][] = [
      ['an impossible date', { from: '2018-02-30', to: '2018-03-01' }, 400, 'VALIDATION_FAILED'],
      ['slashes', { from: '2018/01/01', to: '2018-03-01' }, 400, 'VALIDATION_FAILED'],
      ['a time, not a date', { from: '2018-01-01T00:00:00Z', to: '2018-03-01' }, 400, 'VALIDATION_FAILED'],
      ['a number', { from: 20180101, to: '2018-03-01' }, 400, 'VALIDATION_FAILED'],
      ['no to', { from: '2018-01-01' }, 400, 'VALIDATION_FAILED'],
      ['from after to', { from: '2018-06-01', to: '2018-05-31' }, 400, 'INVALID_PERIOD'],
      ['more than twenty years', { from: '1990-01-01', to: '2018-05-31' }, 400, 'INVALID_PERIOD'],
      [
        'an unknown grouping',
        { from: '2018-01-01', to: '2018-05-31', groupBy: 'week' },
        400,
        'VALIDATION_FAILED',
      ],
      ['an unknown field', { from: '2018-01-01', to: '2018-05-31', format: 'pdf' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, body, status, code] of cases) {
      const response = await post(body, staff);
      expect({ name, status: response.status, code: response.body.code }).toEqual({ name, status, code });
    }
    expectError(await post({ from: '2018-01-01', to: '2018-05-31' }), 401, 'UNAUTHENTICATED');
    expectError(await post({ from: '2018-01-01', to: '2018-05-31' }, bidders[0]), 403, 'FORBIDDEN');

    const get = (path: string, user: TestUser | null = staff) => {
      const call = request(api.url).get(path);
      return user ? call.auth(user.token, { type: 'bearer' }) : call;
    };
    expectError(await get('/api/reports/not-a-uuid'), 400, 'INVALID_ID');
    expectError(await get('/api/reports/1;DROP TABLE reports'), 400, 'INVALID_ID');
    expectError(await get('/api/reports/3f1c1b8e-8b8a-4c7e-9d55-0f4f4b0b2a11'), 404, 'REPORT_NOT_FOUND');
    expectError(
      await get('/api/reports/3f1c1b8e-8b8a-4c7e-9d55-0f4f4b0b2a11/export?format=csv'),
      404,
      'REPORT_NOT_FOUND',
    );
    expectError(await get(`/api/reports/${demoReport.id}/export`), 400, 'VALIDATION_FAILED');
    expectError(await get(`/api/reports/${demoReport.id}/export?format=exe`), 400, 'UNKNOWN_FORMAT');
    expectError(await get(`/api/reports/${demoReport.id}/export?format=csv`, bidders[0]), 403, 'FORBIDDEN');
    expectError(await get(`/api/reports/${demoReport.id}`, null), 401, 'UNAUTHENTICATED');
    expectError(await get('/api/reports?kind=weekly'), 400, 'VALIDATION_FAILED');
    expectError(await get('/api/reports?limit=0'), 400, 'VALIDATION_FAILED');
    expectError(
      await get('/api/public/statistics?from=2018-13-01&to=2018-12-31', null),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await get('/api/public/statistics?from=2018-06-01&to=2018-05-31', null),
      400,
      'INVALID_PERIOD',
    );
    expectError(
      await get('/api/public/statistics?from=2018-01-01&to=tomorrow', null),
      400,
      'VALIDATION_FAILED',
    );

    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    const reportsAfter = await queryRows<{ n: string }>(
      env.config.DATABASE_URL,
      'SELECT count(*) AS n FROM reports',
    );
    expect(reportsAfter).toEqual(reportsBefore);
  });
});

function wan(fen: number): string {
  const hundredths = Math.floor((fen + 5_000) / 10_000);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** The chart's legend colours, one per category in order, then a bar per category and bucket with a value. */
function expectChartBars(
  rects: FilledRect[],
  buckets: { label: string; categories: { category: string; amount: number }[] }[],
) {
  const categories = ['construction', 'procurement', 'property_rights'];
  const legend = rects.slice(0, categories.length);
  expect(legend.map((swatch) => [swatch.width, swatch.height])).toEqual(categories.map(() => [8, 8]));
  // Each category has a colour of its own.
  expect(new Set(legend.map((swatch) => swatch.color)).size).toBe(categories.length);
  const colorOf = new Map(categories.map((category, index) => [category, legend[index].color]));
  const expected = buckets.flatMap((bucket) =>
    bucket.categories
      .filter((cell) => cell.amount > 0)
      .map((cell) => ({ bucket: bucket.label, category: cell.category, amount: cell.amount })),
  );
  const bars = rects.slice(categories.length);
  expect(bars).toHaveLength(expected.length);
  expect(bars.map((bar) => bar.color)).toEqual(expected.map((cell) => colorOf.get(cell.category)));
  // One baseline, and each bar's height in proportion to its value (the largest is the tallest).
  const bottoms = new Set(bars.map((bar) => Math.round((bar.top + bar.height) * 100)));
  expect(bottoms.size).toBe(1);
  const largest = Math.max(...expected.map((cell) => cell.amount));
  const tallest = Math.max(...bars.map((bar) => bar.height));
  bars.forEach((bar, index) =>
    expect({ ...expected[index], share: bar.height / tallest }).toEqual({
      ...expected[index],
      share: expect.closeTo(expected[index].amount / largest, 3),
    }),
  );
}
