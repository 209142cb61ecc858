import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { createPublishedListing, type TestUser } from '../support/factories.js';
import { browserSuite, screenshot, watchErrors } from './browser.js';

const EXTENSION_SECONDS = 15;

/** The PC's clock two hours behind: a countdown taken from Date.now() alone would show 2:00:xx. */
function skewClock(context: BrowserContext, skewMs: number) {
  return context.addInitScript((skew: number) => {
    const RealDate = Date;
    class SkewedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + skew);
        else super(...(args as [string]));
      }
      static override now() {
        return RealDate.now() + skew;
      }
    }
    (globalThis as { Date: DateConstructor }).Date = SkewedDate as DateConstructor;
  }, skewMs);
}

const seqs = (page: Page) =>
  page
    .locator('[data-testid=ledger] tbody tr')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-seq')));

async function seesPrice(page: Page, text: string) {
  await page.getByTestId('current-price').filter({ hasText: text }).waitFor();
}

/** Asks for a bid through the buttons and the confirmation, which shows the amount in 大写. */
async function confirmBid(page: Page, open: () => Promise<void>, amountText: string, capital: string) {
  await open();
  await page.getByTestId('confirm-amount').filter({ hasText: amountText }).waitFor();
  await page.getByTestId('confirm-capital').filter({ hasText: capital }).waitFor();
  await page.getByTestId('confirm-bid').click();
}

async function countdownSeconds(page: Page): Promise<string> {
  return (await page.getByTestId('countdown').textContent()) ?? '';
}

describe('live room in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    staff = await suite.operator('staff');
    alice = await suite.bidder();
    bob = await suite.bidder();
  });

  it('two bidders bid against each other while an anonymous page watches, through reload, a dropped socket and the close', async () => {
    // The countdown phase lasts EXTENSION_SECONDS with no bid: bidding opens only after three
    // pages have had time to load on a busy machine, or the phase would be over before they show it.
    const listing = await createPublishedListing(suite.api, staff, [alice, bob], {
      biddingInMs: 12_000,
      freeMs: 1000,
      extensionSeconds: EXTENSION_SECONDS,
    });
    const codeA = listing.codes.get(alice.id)!;
    const codeB = listing.codes.get(bob.id)!;
    const url = `${suite.web}/listings/${listing.id}`;

    const contextA = await suite.signedIn(alice, ['bidder']);
    const contextB = await suite.signedIn(bob, ['bidder']);
    const contextW = await suite.anonymous();
    await skewClock(contextW, -2 * 3600_000);
    const [pageA, pageB, watcher] = await Promise.all([
      contextA.newPage(),
      contextB.newPage(),
      contextW.newPage(),
    ]);
    const errors = [pageA, pageB, watcher].flatMap((page) => watchErrors(page));

    // The watcher's socket goes through a route the test can cut and hold shut.
    // A reconnection attempt waits at the gate (the page sees no server) until the test opens it.
    let gate: Promise<void> = Promise.resolve();
    let openGate = () => {};
    const watcherSockets: WebSocketRoute[] = [];
    await watcher.routeWebSocket(/\/socket\.io\//, async (socket) => {
      await gate;
      socket.connectToServer();
      watcherSockets.push(socket);
    });

    await Promise.all([pageA.goto(url), pageB.goto(url), watcher.goto(url)]);
    await pageA.getByTestId('your-code').filter({ hasText: codeA }).waitFor();
    await pageB.getByTestId('your-code').filter({ hasText: codeB }).waitFor();
    // Bidding opens by itself; the free period passes; the countdown phase shows.
    for (const page of [pageA, pageB, watcher])
      await page.getByTestId('phase').filter({ hasText: '限时竞价期' }).waitFor();

    // A opens at the starting price (+1 increment button = the minimum next bid).
    await confirmBid(pageA, () => pageA.getByTestId('quick-1').click(), '8,000.00', '捌仟元整');
    await pageA.locator('[data-testid=bid-outcome][data-code=ACCEPTED]').waitFor();
    await pageA.locator('[data-testid=standing][data-standing=lead]').waitFor();
    for (const page of [pageB, watcher]) await seesPrice(page, '8,000.00');
    await watcher.getByTestId('leader').filter({ hasText: codeA }).waitFor();
    await watcher.getByTestId('extensions').filter({ hasText: '已延时 1 次' }).waitFor();

    // B answers with +2 increments: 8,100 + 100.
    await confirmBid(pageB, () => pageB.getByTestId('quick-2').click(), '8,200.00', '捌仟贰佰元整');
    await pageB.locator('[data-standing=lead]').waitFor();
    await pageA.locator('[data-testid=standing][data-standing=outbid]').waitFor();
    await pageA.getByText('您的出价已被超越').waitFor();
    await seesPrice(watcher, '8,200.00');
    await watcher.getByTestId('extensions').filter({ hasText: '已延时 2 次' }).waitFor();
    await screenshot(pageA, 'live-room-outbid');

    // The watcher's PC clock is two hours behind; its countdown still follows the server.
    const shown = await countdownSeconds(watcher);
    expect(shown).toMatch(/^00:\d\d$/);
    const seconds = Number(shown.slice(3));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(EXTENSION_SECONDS);

    // B reloads mid-auction and comes back in the same state.
    await pageB.reload();
    await seesPrice(pageB, '8,200.00');
    await pageB.locator('[data-testid=standing][data-standing=lead]').waitFor();
    await pageB.locator('[data-testid=ledger] tr[data-seq="2"]').waitFor();
    expect(await seqs(pageB)).toEqual(['2', '1']);

    // Rejections in plain words: B may not outbid itself, nor bid below the minimum.
    await confirmBid(pageB, () => pageB.getByTestId('quick-1').click(), '8,300.00', '捌仟叁佰元整');
    await pageB.locator('[data-testid=bid-outcome][data-code=SELF_OUTBID]').waitFor();
    await pageB.getByText('您已是最高出价，不能自我加价').waitFor();
    await pageA.getByTestId('free-amount').fill('8000');
    await confirmBid(
      pageA,
      () => pageA.getByRole('button', { name: '出价', exact: true }).click(),
      '8,000.00',
      '捌仟元整',
    );
    await pageA.locator('[data-testid=bid-outcome][data-code=BID_TOO_LOW]').waitFor();
    await pageA.getByText('出价低于最低可出价').waitFor();

    // The watcher's socket drops and stays down while A bids; the banner shows, then it catches up.
    gate = new Promise((resolve) => (openGate = resolve));
    await Promise.all(watcherSockets.splice(0).map((socket) => socket.close({ code: 1001, reason: 'drop' })));
    await watcher.getByTestId('reconnecting').waitFor();
    await pageA.getByTestId('free-amount').fill('8,350.50');
    await confirmBid(
      pageA,
      () => pageA.getByRole('button', { name: '出价', exact: true }).click(),
      '8,350.50',
      '捌仟叁佰伍拾元伍角',
    );
    await pageA.locator('[data-testid=bid-outcome][data-code=ACCEPTED]').waitFor();
    await seesPrice(pageB, '8,350.50');
    await pageB.locator('[data-standing=outbid]').waitFor();
    expect(await watcher.getByTestId('current-price').textContent()).toBe('8,200.00');
    openGate();
    await watcher.getByTestId('caught-up').waitFor({ timeout: 30_000 });
    await expect(watcher.getByTestId('reconnecting').count()).resolves.toBe(0);
    await seesPrice(watcher, '8,350.50');
    await watcher.getByTestId('extensions').filter({ hasText: '已延时 3 次' }).waitFor();

    // Every page saw every bid, in order.
    for (const page of [pageA, pageB, watcher]) {
      await page.locator('[data-testid=ledger] tr[data-seq="3"]').waitFor();
      expect(await seqs(page)).toEqual(['3', '2', '1']);
    }
    await screenshot(pageA, 'live-room');

    // No more bids: the countdown runs out and everyone sees the result.
    await pageA.getByTestId('result').filter({ hasText: '竞价结束：您已竞得' }).waitFor({ timeout: 60_000 });
    await pageB.getByTestId('result').filter({ hasText: '竞价结束：您未竞得' }).waitFor({ timeout: 30_000 });
    await watcher.getByTestId('result').filter({ hasText: '竞价结束，已成交' }).waitFor({ timeout: 30_000 });
    await watcher.getByTestId('result').filter({ hasText: codeA }).waitFor();
    await screenshot(pageA, 'live-room-won');
    expect(errors).toEqual([]);
  }, 240_000);
});
