import type { TestUser } from '../support/factories.js';
import { browserSuite, overflow, PHONE, screenshot, seriousViolations, watchErrors } from './browser.js';

describe('the queues dashboard (bull-board) from the web app', () => {
  const suite = browserSuite();
  let supervisor: TestUser;
  let bidder: TestUser;

  beforeAll(async () => {
    supervisor = await suite.operator('supervisor');
    bidder = await suite.bidder();
  });

  it("a supervisor follows the nav's link and sees the auctions and reports queues, read-only", async () => {
    const context = await suite.signedIn(supervisor, ['supervisor'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/supervisor`);
    const link = page.getByRole('link', { name: '队列监控' });
    await link.waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);

    await link.click();
    await page.waitForURL(`${suite.web}/admin/queues/**`);
    // bull-board's own page: both queues by name (the queue list is its sidebar/overview).
    await page.getByText('auctions', { exact: true }).first().waitFor();
    await page.getByText('reports', { exact: true }).first().waitFor();
    // The supervisors' board is the read-only one (its title says so).
    await page.getByText('ggzy queues (read-only)').waitFor();
    await screenshot(page, 'queues-board-supervisor');
    const cookies = await context.cookies(`${suite.web}/admin/queues/`);
    expect(cookies.find((cookie) => cookie.name === 'ggzy_queues')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/admin/queues',
    });
    // Not readable by the page's scripts.
    expect(await page.evaluate(() => (globalThis as any).document.cookie)).not.toContain('ggzy_queues');
    expect(errors).toEqual([]);
  });

  it('a bidder has no link, and opening the address directly gets a JSON refusal', async () => {
    const context = await suite.signedIn(bidder, ['bidder']);
    const anonymous = await suite.anonymous();
    const page = await context.newPage();
    await page.goto(`${suite.web}/me`);
    await page.getByRole('link', { name: '我的报名' }).waitFor();
    expect(await page.getByRole('link', { name: '队列监控' }).count()).toBe(0);
    const response = await page.goto(`${suite.web}/admin/queues/`);
    expect(response?.status()).toBe(401);
    expect(await response?.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const stranger = await anonymous.newPage();
    expect((await stranger.goto(`${suite.web}/admin/queues`))?.status()).toBe(401);
  });
});
