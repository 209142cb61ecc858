import type { Page } from 'playwright-core';
import request from 'supertest';
import { expectError, queryRows } from '../support/checks.js';
import type { TestUser } from '../support/factories.js';
import { browserSuite, overflow, PHONE, seriousViolations, watchErrors } from './browser.js';

async function expectAccessible(page: Page) {
  expect(await seriousViolations(page)).toEqual([]);
  expect(await overflow(page)).toBeLessThanOrEqual(0);
}

/** Works out a deadline on the page and returns the date it shows (or the error code). */
async function deadline(page: Page, from: string, businessDays: number) {
  const form = page.getByTestId('deadline');
  await form.getByLabel('起算日').fill(from);
  await form.getByLabel('工作日数').fill(String(businessDays));
  await form.getByRole('button', { name: '推算' }).click();
  const answer = form.locator('[data-testid=deadline-answer], [role=alert]').first();
  await answer.waitFor();
  return (await answer.getAttribute('data-date')) ?? (await answer.getAttribute('data-code'));
}

describe('the business-day calendar page in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let bidder: TestUser;

  beforeAll(async () => {
    staff = await suite.operator('staff');
    bidder = await suite.bidder();
  });

  it('anyone reads the shipped years and works out deadlines across a holiday and a make-up day; a year with no calendar is refused in plain words', async () => {
    const context = await suite.anonymous(PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/`);
    await page.getByRole('link', { name: '工作日历' }).click();
    await page.getByRole('heading', { level: 1, name: '工作日历' }).waitFor();

    const years = page.getByTestId('calendar-years');
    await years.locator('tr[data-year="2026"]').waitFor();
    for (const year of ['2018', '2025', '2026']) await years.locator(`tr[data-year="${year}"]`).waitFor();
    // 2026: 国庆 Oct 1–7 off, Sat Oct 10 worked. From Wed Sep 30: Oct 8, Oct 9, Oct 10.
    expect(await deadline(page, '2026-09-30', 3)).toBe('2026-10-10');
    // Two days after Fri Oct 9 2026: Sat Oct 10 (worked), then Mon Oct 12 (Sun Oct 11 is off).
    expect(await deadline(page, '2026-10-09', 2)).toBe('2026-10-12');
    expect(await deadline(page, '2031-03-02', 5)).toBe('CALENDAR_YEAR_MISSING');
    await expect(page.getByTestId('deadline').getByRole('alert').textContent()).resolves.toContain(
      '缺少该年份的工作日历',
    );

    // Readers see a year's days but cannot change them, nor add a year.
    await years.getByRole('button', { name: '进入 2026' }).click();
    const editor = page.getByTestId('year-editor');
    await expect(editor.getByTestId('holidays').inputValue()).resolves.toContain('2026-10-07');
    await expect(editor.getByTestId('workdays').inputValue()).resolves.toBe(
      ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].join('\n'),
    );
    expect(await editor.getByTestId('holidays').getAttribute('readonly')).not.toBeNull();
    expect(await editor.getByRole('button', { name: '保存' }).count()).toBe(0);
    expect(await page.getByTestId('add-year').count()).toBe(0);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Business-day calendar' }).waitFor();
    await expectAccessible(page);
    expect(errors).toEqual([]);
  });

  it('staff add a year: every mistake is listed and nothing is saved, then the corrected year is saved, audited and counted with', async () => {
    const context = await suite.signedIn(staff, ['staff'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/calendar`);
    const add = page.getByTestId('add-year');
    await add.getByLabel('新增或修改年份').fill('2027');
    await add.getByRole('button', { name: '打开' }).click();
    const editor = page.getByTestId('year-editor');
    await editor.getByTestId('holidays').fill('2027-01-01\n2028-01-01');
    // Mon Jan 4 2027 is no weekend day: it cannot be a make-up working day.
    await editor.getByTestId('workdays').fill('2027-01-04, 2027-01-01');
    await editor.getByRole('button', { name: '保存' }).click();
    const problems = editor.getByTestId('problems').locator('li');
    await problems.first().waitFor();
    await expect(problems.allTextContents()).resolves.toEqual([
      '节假日 2028-01-01: 不属于该年份',
      // The server sorts each list before it checks it.
      '调休上班日 2027-01-01: 同时被填为节假日',
      '调休上班日 2027-01-04: 不是周末，调休上班日只能是周六或周日',
    ]);
    await expect(editor.getByRole('alert').first().getAttribute('data-code')).resolves.toBe(
      'CALENDAR_INVALID',
    );
    await expectAccessible(page);
    expectError(await request(suite.api).get('/api/calendar/2027'), 422, 'CALENDAR_YEAR_MISSING');

    // Corrected: Sat Jan 9 2027 is a weekend day.
    await editor.getByTestId('holidays').fill('2027-01-01');
    await editor.getByTestId('workdays').fill('2027-01-09');
    await editor.getByRole('button', { name: '保存' }).click();
    await editor.getByRole('status').waitFor();
    const row = page.getByTestId('calendar-years').locator('tr[data-year="2027"]');
    await expect(row.locator('td').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['1', '1', 'entered by staff']),
    );
    const saved = await request(suite.api).get('/api/calendar/2027').expect(200);
    expect(saved.body).toMatchObject({ year: 2027, holidays: ['2027-01-01'], workdays: ['2027-01-09'] });
    const audit = await queryRows<{ actor_id: string; action: string }>(
      suite.config.DATABASE_OWNER_URL!,
      `SELECT actor_id, action FROM audit_log WHERE entity_type = 'business_calendar' AND entity_id = '2027'`,
    );
    expect(audit).toEqual([{ actor_id: staff.id, action: 'calendar.year_added' }]);
    // The new year counts at once: Fri Jan 1 off, the weekend, then Mon Jan 4.
    expect(await deadline(page, '2026-12-31', 1)).toBe('2027-01-04');
    expect(errors).toEqual([]);
  });

  it('a signed-in bidder reads the calendar but has no add form', async () => {
    const context = await suite.signedIn(bidder, ['bidder'], PHONE);
    const page = await context.newPage();
    await page.goto(`${suite.web}/calendar`);
    await page.getByTestId('calendar-years').locator('tr[data-year="2026"]').waitFor();
    expect(await page.getByTestId('add-year').count()).toBe(0);
    await expect(
      page.getByTestId('calendar-years').locator('tr[data-year="2026"]').getByRole('button').textContent(),
    ).resolves.toBe('进入');
  });
});
