import type { Page } from 'playwright-core';
import { toZonedInput } from '../../apps/web/src/format.js';
import { createPublishedListing, type TestUser } from '../support/factories.js';
import { browserSuite, screenshot, watchErrors } from './browser.js';

/** A wall-clock time in the centre's zone, as a datetime-local input takes it. */
const centreInput = (date: Date) => toZonedInput(date, 'Asia/Shanghai');

async function signInThroughPage(page: Page, web: string, user: TestUser) {
  await page.goto(`${web}/login`);
  await page.getByLabel('用户名').fill(user.username);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
}

describe('staff console and supervisor desk in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let supervisor: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    staff = await suite.operator('staff');
    supervisor = await suite.operator('supervisor');
    alice = await suite.bidder();
    bob = await suite.bidder();
  });

  it('a staff member creates and publishes a listing and qualifies both bidders through the pages', async () => {
    const staffContext = await suite.anonymous();
    const aliceContext = await suite.anonymous();
    const bobContext = await suite.signedIn(bob, ['bidder']);
    const staffPage = await staffContext.newPage();
    const alicePage = await aliceContext.newPage();
    const bobPage = await bobContext.newPage();
    const errors = [staffPage, alicePage, bobPage].flatMap((page) => watchErrors(page));

    await signInThroughPage(staffPage, suite.web, staff);
    await staffPage.getByRole('heading', { name: '交易中心工作台' }).waitFor();
    await staffPage.getByText('新建公房租赁项目').click();
    const form = staffPage.getByRole('form', { name: '新建公房租赁项目' });
    const now = Date.now();
    await form.getByLabel('标的名称').fill('阳明路 88 号 1 楼店面使用权租赁');
    await form.getByLabel('地址').fill('南昌市东湖区阳明路 88 号');
    await form.getByLabel('面积（㎡）').fill('42.5');
    await form.getByLabel('起始月租金').fill('6,000');
    await form.getByLabel('加价幅度').fill('100');
    await form.getByLabel('保证金').fill('20000');
    await form.locator('input[name=registrationStartsAt]').fill(centreInput(new Date(now - 60_000)));
    await form.locator('input[name=registrationEndsAt]').fill(centreInput(new Date(now + 3600_000)));
    await form.locator('input[name=biddingStartsAt]').fill(centreInput(new Date(now + 3600_000)));
    await form.locator('input[name=freeBiddingEndsAt]').fill(centreInput(new Date(now + 5400_000)));
    await form.getByRole('button', { name: '保存草稿' }).click();

    await staffPage.waitForURL(/\/staff\/listings\/[0-9a-f-]{36}$/);
    const listingId = staffPage.url().split('/').pop()!;
    await staffPage.locator('[data-status=draft]').first().waitFor();
    await staffPage.getByRole('button', { name: '发布公告' }).click();
    await staffPage.locator('[data-status=announced]').first().waitFor();

    // The listing as the public API shows it: the pages sent fen and instants in the centre's zone.
    const published: any = await (await fetch(`${suite.api}/api/lease-listings/${listingId}`)).json();
    expect(published).toMatchObject({
      status: 'announced',
      startPrice: 600_000,
      increment: 10_000,
      deposit: 2_000_000,
    });
    expect(Math.abs(Date.parse(published.biddingStartsAt) - (now + 3600_000))).toBeLessThan(1000);

    // Alice signs in through the page and comes back to the listing; Bob is signed in already.
    await alicePage.goto(`${suite.web}/login?next=/listings/${listingId}`);
    await alicePage.getByLabel('用户名').fill(alice.username);
    await alicePage.getByLabel('密码').fill(alice.password);
    await alicePage.getByRole('button', { name: '登录' }).click();
    await alicePage.waitForURL(`${suite.web}/listings/${listingId}`);
    await bobPage.goto(`${suite.web}/listings/${listingId}`);
    for (const page of [alicePage, bobPage]) {
      await page.getByRole('button', { name: '报名参加竞买' }).click();
      await page.locator('[data-testid=my-registration][data-status=pending]').waitFor();
    }

    await staffPage.reload();
    const applicants = staffPage.getByTestId('applicants');
    await applicants.locator('tr[data-status=pending]').nth(1).waitFor();
    // Each application shows its deposit's state: due until staff confirm the money.
    expect(
      await applicants.locator('tr[data-status=pending] [data-deposit-state=due]').allTextContents(),
    ).toEqual(['待缴纳', '待缴纳']);
    for (let left = 2; left > 0; left--) {
      await applicants
        .locator('tr[data-status=pending]')
        .first()
        .getByRole('button', { name: '确认保证金并通过' })
        .click();
      await applicants
        .locator('tr[data-status=qualified]')
        .nth(2 - left)
        .waitFor();
    }
    const codes = await applicants
      .locator('tr[data-status=qualified] td:nth-child(3)')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent));
    expect(codes).toHaveLength(2);
    expect(new Set(codes).size).toBe(2);
    const received = applicants.locator('tr[data-status=qualified] [data-deposit-state=received]');
    expect(await received.count()).toBe(2);
    await received.first().getByText('已到账').waitFor();
    await screenshot(staffPage, 'staff-console-listing');

    // Each bidder sees its own code and the deposit state, on the listing and under 我的报名.
    for (const page of [alicePage, bobPage]) {
      await page.reload();
      const mine = page.locator('[data-testid=my-registration][data-status=qualified]');
      await mine.waitFor();
      const code = await mine.locator('strong').textContent();
      expect(codes).toContain(code);
      await page.getByRole('link', { name: '我的报名' }).click();
      const row = page.locator('tr[data-registration-status=qualified]');
      await row.waitFor();
      await row.locator('[data-deposit-state=received]').getByText('已到账').waitFor();
      await row.getByText(code!).waitFor();
    }
    await staffPage.goto(`${suite.web}/staff`);
    await staffPage.locator(`[data-testid=staff-listings] tr[data-listing-id="${listingId}"]`).waitFor();
    await screenshot(staffPage, 'staff-console');
    expect(errors).toEqual([]);
  }, 180_000);

  it('a supervisor suspends and resumes a live auction and every open page shows it', async () => {
    const listing = await createPublishedListing(suite.api, staff, [alice, bob], {
      biddingInMs: 3000,
      freeMs: 120_000,
      extensionSeconds: 60,
    });
    const url = `${suite.web}/listings/${listing.id}`;
    const supervisorContext = await suite.signedIn(supervisor, ['supervisor']);
    const aliceContext = await suite.signedIn(alice, ['bidder']);
    const bobContext = await suite.signedIn(bob, ['bidder']);
    const staffContext = await suite.signedIn(staff, ['staff']);
    const publicContext = await suite.anonymous();
    const desk = await supervisorContext.newPage();
    const [alicePage, bobPage, staffPage, publicPage] = await Promise.all(
      [aliceContext, bobContext, staffContext, publicContext].map((context) => context.newPage()),
    );
    const livePages = [alicePage, bobPage, staffPage, publicPage];
    const errors = [desk, ...livePages].flatMap((page) => watchErrors(page));
    await Promise.all([
      alicePage.goto(url),
      bobPage.goto(url),
      publicPage.goto(url),
      staffPage.goto(`${suite.web}/staff/listings/${listing.id}`),
    ]);
    for (const page of livePages)
      await page.locator('.live [data-testid=phase]').filter({ hasText: '自由竞价期' }).waitFor();
    await alicePage.getByTestId('quick-1').click();
    await alicePage.getByTestId('confirm-bid').click();
    await alicePage.locator('[data-testid=bid-outcome][data-code=ACCEPTED]').waitFor();
    for (const page of livePages)
      await page.getByTestId('current-price').filter({ hasText: '8,000.00' }).waitFor();

    await desk.goto(`${suite.web}/supervisor`);
    const row = desk.locator(`[data-testid=active-listings] tr[data-listing-id="${listing.id}"]`);
    await row.getByPlaceholder('暂停原因').fill('接到投诉，核查中');
    await row.getByRole('button', { name: '暂停' }).click();
    for (const page of livePages) await page.getByTestId('suspended').waitFor();
    await expect(alicePage.getByTestId('quick-1').count()).resolves.toBe(0);
    await screenshot(desk, 'supervisor-desk');
    await screenshot(publicPage, 'live-room-suspended');

    await row.getByRole('button', { name: '恢复' }).click();
    for (const page of livePages) {
      await page.locator('.live [data-testid=phase]').waitFor();
      await expect(page.getByTestId('suspended').count()).resolves.toBe(0);
    }
    await bobPage.getByTestId('quick-1').click();
    await bobPage.getByTestId('confirm-capital').filter({ hasText: '捌仟壹佰元整' }).waitFor();
    await bobPage.getByTestId('confirm-bid').click();
    await bobPage.locator('[data-testid=bid-outcome][data-code=ACCEPTED]').waitFor();
    for (const page of livePages)
      await page.getByTestId('current-price').filter({ hasText: '8,100.00' }).waitFor();

    // The supervisor's view of the listing: every attempt, and the audit chain verified.
    await desk.goto(`${suite.web}/supervisor/listings/${listing.id}`);
    await desk.locator('[data-testid=bid-attempts] tr[data-outcome=accepted]').nth(1).waitFor();
    await desk.goto(`${suite.web}/supervisor`);
    await desk.getByRole('button', { name: '校验哈希链' }).click();
    await desk.locator('[data-testid=audit-verify][data-valid=true]').waitFor();
    await desk.getByText('suspended').first().waitFor();
    expect(errors).toEqual([]);
  }, 180_000);
});
