import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import type { TestUser } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, watchErrors } from './browser.js';

/**
 * Credit (信用) in a real browser: a supervisor finds a party by its username on the desk,
 * records a ban with its basis (a wrong period is refused in plain words and records nothing),
 * sees it in force, and lifts it; anyone reads the public credit list, where a person shows by
 * its first character only and no account is named; both pages accessible in both languages on
 * a phone.
 */
describe('credit pages in a real browser', () => {
  const suite = browserSuite();
  let supervisor: TestUser;
  let party: TestUser;
  let partyName: string;
  let today: string;

  beforeAll(async () => {
    supervisor = await suite.operator('supervisor');
    party = await suite.bidder();
    today = await suite.today();
    const { rows } = await suite.sql(`SELECT display_name FROM users WHERE id = $1`, [party.id]);
    partyName = rows[0].display_name as string;
  });

  const sanctionsOf = async (partyId: string) =>
    (
      await suite.sql(
        `SELECT kind, banned_until::text, revoked_on::text FROM sanctions WHERE party_id = $1`,
        [partyId],
      )
    ).rows;

  it('a supervisor records a ban on the desk, sees it in force, and lifts it; a wrong period is refused and records nothing', async () => {
    const context = await suite.signedIn(supervisor, ['supervisor'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/supervisor`);
    const form = page.getByTestId('record-sanction');
    await form.getByLabel('当事人用户名').fill(party.username);
    await form.getByRole('button', { name: '查找' }).click();
    await expect(form.getByTestId('found-party').textContent()).resolves.toBe(partyName);

    // A false complaint banned for one month: out of the statutory 1–3 years.
    await form.getByLabel('事由').selectOption('false_complaint');
    await form.getByLabel('法律依据').fill('政府采购法实施条例 第73条');
    await form.getByLabel('起始日').fill(today);
    await form.getByLabel('禁止至（含当日）').fill(addCalendarDays(today, 30));
    await form.getByRole('button', { name: '记录' }).click();
    const alert = form.getByRole('alert');
    await expect(alert.getAttribute('data-code')).resolves.toBe('FALSE_COMPLAINT_BAN_OUT_OF_RANGE');
    await expect(alert.textContent()).resolves.toContain('1 至 3 年');
    expect(await sanctionsOf(party.id)).toEqual([]);

    await form.getByLabel('事由').selectOption('misconduct');
    await form.getByLabel('法律依据').fill('招标投标法 第54条');
    await form.getByRole('button', { name: '记录' }).click();
    const table = page.getByTestId('sanctions');
    const row = table.locator('tr[data-sanction]').first();
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('执行中');
    await expect(row.textContent()).resolves.toContain(`${today} — ${addCalendarDays(today, 30)}`);
    expect(await sanctionsOf(party.id)).toEqual([
      { kind: 'ban', banned_until: addCalendarDays(today, 30), revoked_on: null },
    ]);
    await checkBothLanguages(page);

    await row.getByPlaceholder('撤销理由').fill('复议撤销');
    await row.getByRole('button', { name: '撤销' }).click();
    await table.locator('tr[data-sanction]', { hasText: `已撤销 ${today}` }).waitFor();
    expect(await sanctionsOf(party.id)).toEqual([
      { kind: 'ban', banned_until: addCalendarDays(today, 30), revoked_on: today },
    ]);
    expect(errors).toEqual([]);
  });

  it('anyone reads the public credit list from the menu: a person masked to its first character, no account named', async () => {
    const person = await suite.bidder();
    const { rows } = await suite.sql(`SELECT display_name, username FROM users WHERE id = $1`, [person.id]);
    await request(suite.api)
      .post('/api/supervision/sanctions')
      .auth(supervisor.token, { type: 'bearer' })
      .send({
        partyId: person.id,
        kind: 'ban',
        reason: 'refused_to_sign',
        basis: '交易中心交易规则',
        startsOn: today,
        bannedUntil: addCalendarDays(today, 90),
      })
      .expect(201);
    const context = await suite.anonymous(PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/`);
    await page.getByRole('link', { name: '信用公示' }).click();
    await page.getByRole('heading', { level: 1, name: '信用公示' }).waitFor();
    const list = page.getByTestId('credit-list');
    const masked = `${Array.from(rows[0].display_name as string)[0]}**`;
    const row = list.locator('tbody tr', { hasText: '交易中心交易规则' });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(masked);
    await expect(row.textContent()).resolves.toContain('中标（成交）后拒不签约（悔拍）');
    await expect(row.textContent()).resolves.toContain('执行中');
    const text = (await page.locator('main').textContent()) ?? '';
    for (const secret of [rows[0].display_name, rows[0].username, person.id, party.id, partyName])
      expect(text).not.toContain(secret);
    await checkBothLanguages(page);
    expect(errors).toEqual([]);
  });
});
