import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import type { TestUser } from '../support/factories.js';
import { browserSuite, checkBothLanguages, watchErrors } from './browser.js';

/**
 * Fees (收费) and the review of deal records in a real browser, in Chinese (English by its page
 * texts only): an admin publishes a lease schedule from tomorrow on the fee page — one starting
 * today is refused in plain words and writes nothing — and anyone sees it listed; a supervisor
 * filters the deal records on the desk, opens one's whole story with its fee, and exports them.
 */
describe('fee and deal-review pages in a real browser', () => {
  const suite = browserSuite();
  let admin: TestUser;
  let supervisor: TestUser;
  let today: string;

  beforeAll(async () => {
    [admin, supervisor] = await Promise.all([suite.operator('admin'), suite.operator('supervisor')]);
    today = await suite.today();
  });

  const schedules = async () =>
    (await suite.sql(`SELECT line, effective_from::text, rule FROM fee_schedules ORDER BY effective_from`))
      .rows;

  it('an admin publishes a schedule from tomorrow (today refused); a supervisor reviews deals, a story and its fee', async () => {
    const context = await suite.signedIn(admin, ['admin']);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/fees`);
    await page.getByRole('heading', { level: 1, name: '交易服务收费标准' }).waitFor();
    const form = page.getByTestId('publish-schedule');
    await form.getByLabel('施行日期').fill(today);
    await form.getByLabel('收费依据（文号）').fill('东湖区公房租赁交易服务收费标准');
    await form.getByLabel('金额（元）').fill('300');
    await form.getByRole('button', { name: '发布' }).click();
    const alert = form.getByRole('alert');
    await expect(alert.getAttribute('data-code')).resolves.toBe('FEE_SCHEDULE_INVALID');
    expect(await schedules()).toEqual([]);

    const tomorrow = addCalendarDays(today, 1);
    await form.getByLabel('施行日期').fill(tomorrow);
    await form.getByRole('button', { name: '发布' }).click();
    const row = page.getByTestId('fee-schedules').locator('tr[data-schedule]').first();
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(tomorrow);
    await expect(row.textContent()).resolves.toContain('公房租赁');
    expect(await schedules()).toEqual([
      { line: 'lease', effective_from: tomorrow, rule: { kind: 'fixed', amount: 30_000 } },
    ]);
    await checkBothLanguages(page);
    expect(errors).toEqual([]);

    // A construction schedule in force since 2000 (as the owner: the pages take only later days),
    // and two imported records, one above it.
    await suite.sql(
      `INSERT INTO fee_schedules (line, effective_from, basis, payer, rule, published_at)
       VALUES ('construction', '2000-01-01', '计价格[2002]1980号', 'winner',
               '{"kind":"banded","mode":"marginal","bands":[{"upTo":null,"ratePpm":10000}],"minimum":null,"maximum":null}', now())`,
    );
    const staff = await suite.operator('staff');
    await request(suite.api)
      .post('/api/deals/import')
      .auth(staff.token, { type: 'bearer' })
      .send({
        deals: ['甲', '乙'].map((name, index) => ({
          category: 'construction',
          subtype: 'building',
          title: `东湖区历史工程${name}`,
          amount: (index + 1) * 100_000_000,
          winnerName: `江西${name}建设有限公司`,
          closedAt: '2018-03-15T10:00:00+08:00',
          externalRef: `BROWSER-${index}`,
        })),
      })
      .expect(200);

    const desk = await (await suite.signedIn(supervisor, ['supervisor'])).newPage();
    const deskErrors = watchErrors(desk);
    await desk.goto(`${suite.web}/supervisor`);
    const filters = desk.getByTestId('review-filters');
    await filters.getByLabel('成交单位（名称或 ID）').fill('乙建设');
    await filters.getByRole('button', { name: '筛选' }).click();
    await desk.getByTestId('review-total').filter({ hasText: '共计 1' }).waitFor();
    const deals = desk.getByTestId('review-deals');
    await expect(deals.locator('tr[data-deal]').count()).resolves.toBe(1);
    await deals.getByRole('button', { name: '全过程 东湖区历史工程乙' }).click();
    const fee = desk.getByTestId('story-fee');
    await fee.waitFor();
    // 200万元 at 1% = 2万元.
    await expect(fee.textContent()).resolves.toContain('20,000.00');
    await expect(fee.textContent()).resolves.toContain('计价格[2002]1980号');

    const download = desk.waitForEvent('download');
    await desk.getByRole('button', { name: 'CSV' }).click();
    expect((await download).suggestedFilename()).toBe('deals.csv');
    await checkBothLanguages(desk);
    expect(deskErrors).toEqual([]);
  });
});
