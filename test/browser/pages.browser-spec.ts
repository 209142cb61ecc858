import type { BrowserContext, Page } from 'playwright-core';
import { createPublishedListing } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, watchErrors } from './browser.js';

interface Visit {
  name: string;
  who: 'public' | 'bidder' | 'staff' | 'supervisor';
  path: string;
  /** What shows once the page has its data. */
  ready: (page: Page) => Promise<void>;
}

describe('every page: axe and a 375 px phone', () => {
  const suite = browserSuite();
  let listingId: string;
  const contexts: Record<string, BrowserContext> = {};

  beforeAll(async () => {
    const staff = await suite.operator('staff');
    const supervisor = await suite.operator('supervisor');
    const bidder = await suite.bidder();
    const rival = await suite.bidder();
    const listing = await createPublishedListing(suite.api, staff, [bidder, rival], {
      biddingInMs: 1500,
      freeMs: 600_000,
      extensionSeconds: 300,
    });
    listingId = listing.id;
    contexts.public = await suite.anonymous(PHONE);
    contexts.bidder = await suite.signedIn(bidder, ['bidder'], PHONE);
    contexts.staff = await suite.signedIn(staff, ['staff'], PHONE);
    contexts.supervisor = await suite.signedIn(supervisor, ['supervisor'], PHONE);
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
      await page.goto(`${suite.web}${visit.path.replace(':id', listingId)}`);
      await visit.ready(page);
      await checkBothLanguages(page);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
