import type { Browser, BrowserContext } from 'playwright-core';
import { createOperator, registerBidder, type TestUser } from '../support/factories.js';
import {
  anonymousContext,
  closeAll,
  launchBrowser,
  overflow,
  screenshot,
  seriousViolations,
  signedInContext,
  startWebPlatform,
  watchErrors,
  type WebPlatform,
} from './browser.js';

describe('the queues dashboard (bull-board) from the web app', () => {
  let platform: WebPlatform;
  let browser: Browser;
  let supervisor: TestUser;
  let bidder: TestUser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    supervisor = await createOperator(platform.env.config, platform.api.url, 'supervisor');
    bidder = await registerBidder(platform.api.url);
  });

  afterAll(async () => {
    await closeAll(...contexts);
    await browser?.close();
    await platform?.close();
  });

  it("a supervisor follows the nav's link and sees the auctions and reports queues, read-only", async () => {
    const phone = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };
    const context = await signedInContext(browser, platform.web, supervisor, ['supervisor'], phone);
    contexts.push(context);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(`${platform.web}/supervisor`);
    const link = page.getByRole('link', { name: '队列监控' });
    await link.waitFor();
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);

    await link.click();
    await page.waitForURL(`${platform.web}/admin/queues/**`);
    // bull-board's own page: both queues by name (the queue list is its sidebar/overview).
    await page.getByText('auctions', { exact: true }).first().waitFor();
    await page.getByText('reports', { exact: true }).first().waitFor();
    // The supervisors' board is the read-only one (its title says so).
    await page.getByText('ggzy queues (read-only)').waitFor();
    await screenshot(page, 'queues-board-supervisor');
    const cookies = await context.cookies(`${platform.web}/admin/queues/`);
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
    const context = await signedInContext(browser, platform.web, bidder, ['bidder']);
    const anonymous = await anonymousContext(browser);
    contexts.push(context, anonymous);
    const page = await context.newPage();
    await page.goto(`${platform.web}/me`);
    await page.getByRole('link', { name: '我的报名' }).waitFor();
    expect(await page.getByRole('link', { name: '队列监控' }).count()).toBe(0);
    const response = await page.goto(`${platform.web}/admin/queues/`);
    expect(response?.status()).toBe(401);
    expect(await response?.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const stranger = await anonymous.newPage();
    expect((await stranger.goto(`${platform.web}/admin/queues`))?.status()).toBe(401);
  });
});
