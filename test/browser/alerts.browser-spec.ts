import { randomUUID } from 'node:crypto';
import type { TestUser } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, watchErrors } from './browser.js';

/**
 * The supervisor's early-warning desk (预警) in a real browser, in Chinese: from the menu, the
 * alerts listed and filtered by rule, one read with its evidence, the rules with the thresholds
 * in force, an alert acknowledged, then dismissed
 * with a reason; another escalated with a note (each step as the database records it); the
 * English texts and accessibility checked on the page, on a phone.
 */
describe('the early-warning desk in a real browser', () => {
  const suite = browserSuite();
  let supervisor: TestUser;
  const listingId = randomUUID();
  const projectId = randomUUID();

  beforeAll(async () => {
    supervisor = await suite.operator('supervisor');
    // Two findings as the detectors record them (the e2e drives the detectors themselves).
    await suite.sql(
      `INSERT INTO alerts (rule_id, process_type, process_id, evidence_key, evidence, state, raised_at, seen_at)
       VALUES ('SHARED_CLIENT_ADDRESS', 'lease_listing', $1, repeat('a', 64), $3, 'open', now(), now()),
              ('WON_AT_START_PRICE', 'transfer_project', $2, repeat('b', 64), $4, 'open', now(), now())`,
      [
        listingId,
        projectId,
        JSON.stringify({ clientAddress: '203.0.113.7', bidderIds: ['b1', 'b2'] }),
        JSON.stringify({ startPrice: 800000, finalPrice: 800000, qualifiedBidders: 3 }),
      ],
    );
  });

  const stateOf = async (processId: string) =>
    (await suite.sql(`SELECT state, reason FROM alerts WHERE process_id = $1`, [processId])).rows[0];

  it('a supervisor filters the alerts, reads the evidence, acknowledges and dismisses one, escalates another', async () => {
    const context = await suite.signedIn(supervisor, ['supervisor'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/supervisor`);
    await page.getByRole('link', { name: '预警' }).click();
    await page.getByRole('heading', { level: 1, name: '预警处置' }).waitFor();
    const table = page.getByTestId('alerts');
    await table.locator('tr[data-alert]').nth(1).waitFor();

    await page.getByLabel('预警规则').selectOption('SHARED_CLIENT_ADDRESS');
    await table.locator('tr[data-rule=WON_AT_START_PRICE]').waitFor({ state: 'detached' });
    const row = table.locator('tr[data-rule=SHARED_CLIENT_ADDRESS]');
    await expect(row.textContent()).resolves.toContain('不同竞买人使用同一IP地址');
    await expect(row.textContent()).resolves.toContain('公房租赁');
    await row.getByRole('button', { name: '查看' }).click();
    const detail = page.getByTestId('alert-detail');
    await expect(detail.getByTestId('alert-evidence').textContent()).resolves.toContain('203.0.113.7');
    // The rules with the thresholds in force (the district's settings; here the defaults).
    await page.getByText('预警规则与现行阈值').click();
    const rules = page.getByTestId('alert-rules');
    await rules
      .locator('tr[data-rule=PROJECT_SPLITTING] [data-threshold=openTenderThreshold]')
      .getByText('4,000,000.00 元')
      .waitFor();
    await expect(
      rules.locator('tr[data-rule=ABNORMALLY_LOW_BID] [data-threshold=lowBidPercentOfMean]').textContent(),
    ).resolves.toBe('低于其他人平均报价的（%）: 80 ');
    await checkBothLanguages(page);

    // English texts (the flow itself runs once, in Chinese).
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Early-warning alerts' }).waitFor();
    await expect(detail.getByRole('button', { name: 'Acknowledge' }).count()).resolves.toBe(1);
    await expect(detail.getByRole('heading', { name: 'Evidence' }).count()).resolves.toBe(1);
    await page.getByText('Rules and the thresholds in force').waitFor();
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { level: 1, name: '预警处置' }).waitFor();

    await detail.getByRole('button', { name: '确认已阅' }).click();
    await page.locator('[data-testid=alert-detail][data-state=acknowledged]').waitFor();
    expect(await stateOf(listingId)).toEqual({ state: 'acknowledged', reason: null });
    await detail.getByPlaceholder('排除理由或上报说明').fill('同一单位员工在单位网络下报名，已核实');
    await detail.getByRole('button', { name: '排除' }).click();
    await page.locator('[data-testid=alert-detail][data-state=dismissed]').waitFor();
    await expect(detail.getByTestId('alert-state').textContent()).resolves.toBe('已排除');
    expect(await stateOf(listingId)).toEqual({
      state: 'dismissed',
      reason: '同一单位员工在单位网络下报名，已核实',
    });

    await page.getByLabel('预警规则').selectOption('');
    await page.getByLabel('状态').selectOption('open');
    const other = table.locator('tr[data-rule=WON_AT_START_PRICE]');
    await table.locator('tr[data-rule=SHARED_CLIENT_ADDRESS]').waitFor({ state: 'detached' });
    await other.getByRole('button', { name: '查看' }).click();
    await page.locator(`[data-testid=alert-detail][data-state=open]`).waitFor();
    await detail.getByPlaceholder('排除理由或上报说明').fill('转稽查立案');
    await detail.getByRole('button', { name: '上报' }).click();
    await page.locator('[data-testid=alert-detail][data-state=escalated]').waitFor();
    expect(await stateOf(projectId)).toEqual({ state: 'escalated', reason: '转稽查立案' });
    expect(errors).toEqual([]);
  });
});
