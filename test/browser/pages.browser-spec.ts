import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  createOperator,
  createPublishedListing,
  registerBidder,
  type TestUser,
} from '../support/factories.js';
import {
  anonymousContext,
  closeAll,
  launchBrowser,
  overflow,
  seriousViolations,
  signedInContext,
  startWebPlatform,
  watchErrors,
  type WebPlatform,
} from './browser.js';

interface Visit {
  name: string;
  who: 'public' | 'bidder' | 'staff' | 'supervisor';
  path: string;
  /** What shows once the page has its data. */
  ready: (page: Page) => Promise<void>;
}

describe('every page: axe and a 375 px phone', () => {
  let platform: WebPlatform;
  let browser: Browser;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;
  let rival: TestUser;
  let listingId: string;
  const contexts: Record<string, BrowserContext> = {};

  beforeAll(async () => {
    platform = await startWebPlatform();
    browser = await launchBrowser();
    staff = await createOperator(platform.env.config, platform.api.url, 'staff');
    supervisor = await createOperator(platform.env.config, platform.api.url, 'supervisor');
    bidder = await registerBidder(platform.api.url);
    rival = await registerBidder(platform.api.url);
    const listing = await createPublishedListing(platform.api.url, staff, [bidder, rival], {
      biddingInMs: 1500,
      freeMs: 600_000,
      extensionSeconds: 300,
    });
    listingId = listing.id;
    const phone = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };
    contexts.public = await anonymousContext(browser, phone);
    contexts.bidder = await signedInContext(browser, platform.web, bidder, ['bidder'], phone);
    contexts.staff = await signedInContext(browser, platform.web, staff, ['staff'], phone);
    contexts.supervisor = await signedInContext(browser, platform.web, supervisor, ['supervisor'], phone);
  });

  afterAll(async () => {
    await closeAll(...Object.values(contexts));
    await browser?.close();
    await platform?.close();
  });

  const visits: Visit[] = [
    { name: 'listings', who: 'public', path: '/', ready: (page) => page.locator('.card').first().waitFor() },
    {
      name: 'results',
      who: 'public',
      path: '/results',
      ready: (page) => page.getByRole('heading', { name: '成交结果' }).waitFor(),
    },
    {
      name: 'listing (public)',
      who: 'public',
      path: '/listings/:id',
      ready: (page) => page.locator('[data-testid=phase]').waitFor(),
    },
    { name: 'sign in', who: 'public', path: '/login', ready: (page) => page.getByLabel('密码').waitFor() },
    {
      name: 'register',
      who: 'public',
      path: '/register',
      ready: (page) => page.getByLabel('密码').waitFor(),
    },
    {
      name: 'live room (bidder, confirming a bid)',
      who: 'bidder',
      path: '/listings/:id',
      ready: async (page) => {
        await page.getByTestId('quick-5').click();
        await page.getByTestId('confirm-capital').waitFor();
      },
    },
    {
      name: 'my applications',
      who: 'bidder',
      path: '/me',
      ready: (page) => page.locator('tr[data-registration-status]').waitFor(),
    },
    {
      name: 'staff console (with the new-listing form open)',
      who: 'staff',
      path: '/staff',
      ready: async (page) => {
        await page.getByText('新建公房租赁项目').click();
        await page.getByLabel('标的名称').waitFor();
      },
    },
    {
      name: 'staff listing',
      who: 'staff',
      path: '/staff/listings/:id',
      ready: (page) => page.getByTestId('applicants').waitFor(),
    },
    {
      name: 'supervisor desk',
      who: 'supervisor',
      path: '/supervisor',
      ready: (page) => page.getByTestId('active-listings').waitFor(),
    },
    {
      name: 'supervisor listing',
      who: 'supervisor',
      path: '/supervisor/listings/:id',
      ready: (page) => page.locator('[data-testid=phase]').waitFor(),
    },
  ];

  it.each(visits.map((visit) => [visit.name, visit] as const))('%s', async (_name, visit) => {
    const page = await contexts[visit.who].newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${platform.web}${visit.path.replace(':id', listingId)}`);
      await visit.ready(page);
      expect(await seriousViolations(page)).toEqual([]);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      // The same page in English.
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('html[lang=en]').waitFor({ state: 'attached' });
      expect(await seriousViolations(page)).toEqual([]);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.getByRole('button', { name: '中文' }).click();
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
