import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Download, Page } from 'playwright-core';
import request from 'supertest';
import { queryRows } from '../support/checks.js';
import { type TestUser, unique } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

/**
 * Deals in the first quarter of 2019, China time (UTC+8), with the figures worked out by hand.
 * Two more lie just outside it: 2019-04-01 00:00:00 and 2018-12-31 23:59:59 in China.
 */
const DEALS = [
  { category: 'construction', subtype: 'building', amount: 12_345_678, closedAt: '2019-01-10T02:00:00Z' },
  { category: 'construction', subtype: 'municipal', amount: 50_000_000, closedAt: '2019-02-28T15:59:59Z' },
  { category: 'procurement', subtype: 'open_tender', amount: 8_800_000, closedAt: '2019-03-05T04:00:00Z' },
  { category: 'property_rights', subtype: 'lease', amount: 3_600_000, closedAt: '2019-01-20T03:00:00Z' },
  { category: 'property_rights', subtype: 'transfer', amount: 120_000_000, closedAt: '2019-03-31T15:59:59Z' },
  { category: 'property_rights', subtype: 'lease', amount: 99_900, closedAt: '2019-03-31T16:00:00Z' },
  { category: 'construction', subtype: 'road', amount: 77_700, closedAt: '2018-12-31T15:59:59Z' },
];

/** By hand: 12,345,678 + 50,000,000 fen; 8,800,000; 3,600,000 + 120,000,000; and their sum. */
const EXPECTED = {
  construction: { count: 2, amount: 62_345_678, yuan: '623,456.78', wan: '62.35' },
  procurement: { count: 1, amount: 8_800_000, yuan: '88,000.00', wan: '8.80' },
  property_rights: { count: 2, amount: 123_600_000, yuan: '1,236,000.00', wan: '123.60' },
  total: { count: 5, amount: 194_745_678, yuan: '1,947,456.78', wan: '194.75' },
};
const SENTENCE =
  '2019年第一季度共完成公共资源交易项目5个,交易总金额共计194.75万元。' +
  '其中建筑工程项目2个,成交金额62.35万元;政府采购项目1个,成交金额8.80万元;产权交易项目2个,成交金额123.60万元。';
/** The bars by month (fen): every category in every month, zeros included. */
const BARS: Record<string, Record<string, number>> = {
  '2019-01': { construction: 12_345_678, procurement: 0, property_rights: 3_600_000 },
  '2019-02': { construction: 50_000_000, procurement: 0, property_rights: 0 },
  '2019-03': { construction: 0, procurement: 8_800_000, property_rights: 120_000_000 },
};

/** The sentence, the category table and the total as the page shows them. */
async function expectFigures(page: Page) {
  await expect(page.getByTestId('summary').textContent()).resolves.toBe(SENTENCE);
  const table = page.getByTestId('category-table');
  for (const category of ['construction', 'procurement', 'property_rights'] as const) {
    const row = table.locator(`tr.category[data-category=${category}]`);
    const cells = await row.locator('td').allTextContents();
    expect(cells).toEqual([
      String(EXPECTED[category].count),
      EXPECTED[category].yuan,
      EXPECTED[category].wan,
    ]);
  }
  const total = await table.getByTestId('total-row').locator('td').allTextContents();
  expect(total).toEqual([String(EXPECTED.total.count), EXPECTED.total.yuan, EXPECTED.total.wan]);
  // Subtypes: the lease and the transfer under property rights, each with its own figure.
  const lease = table.locator('tr.subtype[data-category=property_rights][data-subtype=lease]');
  await expect(lease.locator('th').textContent()).resolves.toBe('租赁');
  await expect(lease.locator('td').allTextContents()).resolves.toEqual(['1', '36,000.00', '3.60']);
  const transfer = table.locator('tr.subtype[data-category=property_rights][data-subtype=transfer]');
  await expect(transfer.locator('td').allTextContents()).resolves.toEqual(['1', '1,200,000.00', '120.00']);
}

/**
 * Every bar's period, category and value, from its data attributes; and as drawn: its width a
 * share of its track in proportion to its value (the largest fills the track), one colour per
 * category.
 */
async function expectBars(page: Page) {
  const bars = await page
    .getByTestId('chart')
    .getByTestId('bar')
    .evaluateAll((nodes) =>
      nodes.map((node) => {
        const data = (node as any).dataset;
        const width = (node as any).getBoundingClientRect().width as number;
        const trackWidth = (node as any).parentElement.getBoundingClientRect().width as number;
        return {
          period: data.period,
          category: data.category,
          amount: Number(data.amount),
          share: width / trackWidth,
          color: (globalThis as any).getComputedStyle(node).backgroundColor as string,
        };
      }),
    );
  const largest = Math.max(...Object.values(BARS).flatMap((byCategory) => Object.values(byCategory)));
  const expected = Object.entries(BARS).flatMap(([period, byCategory]) =>
    Object.entries(byCategory).map(([category, amount]) => ({
      period,
      category,
      amount,
      share: expect.closeTo(amount / largest, 2),
      color: expect.any(String),
    })),
  );
  expect(bars).toEqual(expected);
  const colors = new Map<string, Set<string>>();
  for (const bar of bars) colors.set(bar.category, (colors.get(bar.category) ?? new Set()).add(bar.color));
  expect([...colors.values()].map((set) => set.size)).toEqual([1, 1, 1]);
  expect(new Set(bars.map((bar) => bar.color)).size).toBe(3);
}

async function downloadOf(page: Page, format: string): Promise<{ download: Download; body: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`button[data-format=${format}]`).click(),
  ]);
  expect(await download.failure()).toBeNull();
  return { download, body: await readFile((await download.path())!) };
}

describe('report pages in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;

  beforeAll(async () => {
    staff = await suite.operator('staff');
    supervisor = await suite.operator('supervisor');
    bidder = await suite.bidder();
    const prefix = unique('RPT-');
    const imported = await request(suite.api)
      .post('/api/deals/import')
      .auth(staff.token, { type: 'bearer' })
      .send({
        deals: DEALS.map((deal, n) => ({
          ...deal,
          title: `东湖区报表测试项目${n + 1}`,
          winnerName: '江西某某有限公司',
          externalRef: `${prefix}${n + 1}`,
        })),
      })
      .expect(200);
    expect(imported.body).toMatchObject({ received: DEALS.length, created: DEALS.length });
  });

  it('staff request a report: progress ends in done, the sentence, table and chart match the sums, and the three downloads arrive', async () => {
    const context = await suite.signedIn(staff, ['staff'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/`);
    await page.getByRole('link', { name: '统计报表' }).click();
    const form = page.getByRole('form', { name: '生成报表' });
    await form.getByLabel('开始日期').fill('2019-01-01');
    await form.getByLabel('结束日期').fill('2019-03-31');
    await form.getByLabel('统计周期').selectOption('month');
    await form.getByRole('button', { name: '生成' }).click();

    const status = page.getByTestId('report-status');
    await status.waitFor();
    expect(['queued', 'running', 'done']).toContain(await status.getAttribute('data-status'));
    await page.locator('[data-testid=report-status][data-status=done]').waitFor({ timeout: 60_000 });
    await expect(status.textContent()).resolves.toBe('状态: 已完成');
    await expect(page.locator('#report-heading').textContent()).resolves.toBe('2019年第一季度');
    await expectFigures(page);
    await expectBars(page);

    // The CSV as Excel reads it: BOM, the period, the sentence and the exact figures in 元.
    const csv = await downloadOf(page, 'csv');
    expect(csv.download.suggestedFilename()).toMatch(/\.csv$/);
    const text = csv.body.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe('统计期间,2019年第一季度,2019-01-01,2019-03-31');
    expect(lines[1]).toBe(`说明,"${SENTENCE}"`);
    expect(lines).toContain('建筑工程,合计,2,623456.78,62.35');
    expect(lines).toContain('政府采购,合计,1,88000.00,8.80');
    expect(lines).toContain('产权交易,合计,2,1236000.00,123.60');
    expect(lines).toContain('合计,,5,1947456.78,194.75');

    // The workbook opens with the spreadsheet library; the PDF is a PDF of some substance.
    const xlsx = await downloadOf(page, 'xlsx');
    expect(xlsx.download.suggestedFilename()).toMatch(/\.xlsx$/);
    expect(xlsx.body.subarray(0, 2).toString('latin1')).toBe('PK');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as any);
    expect(workbook.worksheets.length).toBeGreaterThanOrEqual(3);
    const pdf = await downloadOf(page, 'pdf');
    expect(pdf.download.suggestedFilename()).toMatch(/\.pdf$/);
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.body.length).toBeGreaterThan(5_000);

    // The report heads the list of earlier ones.
    await page
      .locator('[data-testid=report-list] tr[data-status=done][data-kind=on_demand]')
      .first()
      .waitFor();
    await screenshot(page, 'reports-done-phone');
    await checkBothLanguages(page);
    expect(errors).toEqual([]);
  }, 180_000);

  it('a supervisor opens an earlier report from the list', async () => {
    const context = await suite.signedIn(supervisor, ['supervisor']);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/reports`);
    const row = page
      .locator(
        '[data-testid=report-list] tr[data-kind=on_demand][data-status=done][data-from="2019-01-01"][data-to="2019-03-31"]',
      )
      .filter({ hasText: '2019年第一季度' })
      .first();
    await row.getByRole('button', { name: '查看' }).click();
    await page.locator('[data-testid=report-status][data-status=done]').waitFor();
    await expectFigures(page);
    await expectBars(page);
    expect(errors).toEqual([]);
  }, 120_000);

  it('a scheduled monthly report that failed is listed, and opening it shows the reason', async () => {
    // A failed build as the worker records one (the database is the only way to make one fail on purpose).
    const [failed] = await queryRows<{ id: string }>(
      suite.config.DATABASE_URL,
      `INSERT INTO reports (kind, period_from, period_to, group_by, status, progress, error, finished_at)
       VALUES ('monthly', '2019-04-01', '2019-04-30', 'month', 'failed', 37, 'deal records could not be read', now())
       RETURNING id`,
    );
    const context = await suite.signedIn(supervisor, ['supervisor']);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/reports`);
    const row = page.locator(`[data-testid=report-list] tr[data-report-id="${failed.id}"]`);
    await row.waitFor();
    await expect(row.locator('td').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['2019年4月', '月度（定时）', '失败']),
    );
    await row.getByRole('button', { name: '查看' }).click();
    const status = page.locator('[data-testid=report-status][data-status=failed]');
    await status.waitFor();
    await expect(page.getByTestId('report-reason').textContent()).resolves.toBe(
      'deal records could not be read',
    );
    await expect(page.getByTestId('summary').count()).resolves.toBe(0);
    await expect(page.locator('button[data-format]').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);

  it('from after to: the API refuses and the page says so in plain words', async () => {
    const context = await suite.signedIn(staff, ['staff']);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/reports`);
    const form = page.getByRole('form', { name: '生成报表' });
    await form.getByLabel('开始日期').fill('2019-03-31');
    await form.getByLabel('结束日期').fill('2019-01-01');
    await form.getByRole('button', { name: '生成' }).click();
    const alert = page.locator('form [role=alert][data-code=INVALID_PERIOD]');
    await expect(alert.textContent()).resolves.toBe('开始日期不能晚于结束日期');
    await expect(page.getByTestId('report-status').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'English' }).click();
    await expect(alert.textContent()).resolves.toBe('The start date is after the end date');

    // The public page as well.
    const anonymous = await suite.anonymous();
    const publicPage = await anonymous.newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/statistics?from=2019-03-31&to=2019-01-01`);
    await expect(publicPage.locator('[role=alert][data-code=INVALID_PERIOD]').textContent()).resolves.toBe(
      '开始日期不能晚于结束日期',
    );
    expect(errors).toEqual([]);
  }, 120_000);

  it('a bidder may not see the reports page', async () => {
    const context = await suite.signedIn(bidder, ['bidder']);
    const page = await context.newPage();
    await page.goto(`${suite.web}/reports`);
    await page.getByRole('alert').waitFor();
    await expect(page.getByRole('link', { name: '统计报表' }).count()).resolves.toBe(0);
    await expect(page.getByRole('form', { name: '生成报表' }).count()).resolves.toBe(0);
  }, 60_000);

  it('the public statistics page shows the same figures without signing in, from the period picker', async () => {
    const context = await suite.anonymous(PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/`);
    await page.getByRole('link', { name: '交易统计' }).click();
    await page.getByRole('heading', { name: '交易统计' }).waitFor();
    const form = page.getByRole('form', { name: '交易统计' });
    await form.getByLabel('开始日期').fill('2019-01-01');
    await form.getByLabel('结束日期').fill('2019-03-31');
    await form.getByRole('button', { name: '查询' }).click();
    await page.locator('section[data-from="2019-01-01"][data-to="2019-03-31"]').waitFor();
    // The section comes before its figures on a loaded machine: wait for the heading, then count it.
    await page.getByRole('heading', { level: 2, name: '2019年第一季度' }).waitFor();
    await expect(page.getByRole('heading', { level: 2, name: '2019年第一季度' }).count()).resolves.toBe(1);
    await expectFigures(page);
    await expectBars(page);
    expect(page.url()).toBe(`${suite.web}/statistics?from=2019-01-01&to=2019-03-31`);
    await screenshot(page, 'statistics-phone');
    await checkBothLanguages(page);
    expect(errors).toEqual([]);
  }, 120_000);
});
