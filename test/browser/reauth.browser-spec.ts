import jwt from 'jsonwebtoken';
import request from 'supertest';
import type { WebSocket } from 'playwright-core';
import { createPublishedListing, type TestUser, waitFor } from '../support/factories.js';
import { browserSuite, overflow, PHONE, screenshot, seriousViolations, watchErrors } from './browser.js';

describe('live room: signing in again after TOKEN_EXPIRED, on the same socket', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let alice: TestUser;

  beforeAll(async () => {
    staff = await suite.operator('staff');
    alice = await suite.bidder();
  });

  /** A bidder token that expires in `seconds` (as socket-auth.e2e-spec.ts signs one). */
  const shortToken = (user: TestUser, seconds: number) =>
    jwt.sign({ username: user.username, roles: ['bidder'] }, suite.config.JWT_SECRET, {
      algorithm: 'HS256',
      subject: user.id,
      issuer: 'ggzy',
      expiresIn: seconds,
    });

  it('a bid after expiry opens the sign-in dialog; after the password the same bid goes through', async () => {
    const api = suite.api;
    const listing = await createPublishedListing(api, staff, [alice], { biddingInMs: 1500, freeMs: 600_000 });
    const token = shortToken(alice, 12);
    const { exp } = jwt.decode(token) as { exp: number };
    const context = await suite.signedIn({ ...alice, token }, ['bidder'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const sockets: WebSocket[] = [];
    page.on('websocket', (socket) => {
      if (socket.url().includes('/socket.io/')) sockets.push(socket);
    });

    await page.goto(`${suite.web}/listings/${listing.id}`);
    // The room is open and the bidder is in it (its code shows) while the token is still good.
    await page.getByTestId('quick-1').waitFor();
    await page
      .getByTestId('your-code')
      .filter({ hasText: listing.codes.get(alice.id)! })
      .waitFor();
    expect(Date.now()).toBeLessThan(exp * 1000);
    await waitFor(() => Date.now() > exp * 1000 + 500, 20_000, 'the short token to expire');

    await page.getByTestId('quick-1').click();
    const amountText = (await page.getByTestId('confirm-amount').textContent())!;
    await page.getByTestId('confirm-bid').click();
    await page.getByTestId('bid-outcome').and(page.locator('[data-code=TOKEN_EXPIRED]')).waitFor();
    const dialog = page.getByRole('dialog', { name: '登录已过期，请重新登录' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('用户名').inputValue()).toBe(alice.username);
    expect(await overflow(page)).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);

    // A wrong password keeps the dialog open and says why.
    await dialog.getByLabel('密码').fill('not-the-password');
    await dialog.getByRole('button', { name: '重新登录' }).click();
    await dialog.locator('[data-code=INVALID_CREDENTIALS]').waitFor();

    await dialog.getByLabel('密码').fill(alice.password);
    await dialog.getByRole('button', { name: '重新登录' }).click();
    await page.getByTestId('resend-bid').waitFor();
    expect(await page.getByTestId('resend-amount').textContent()).toBe(amountText);
    await screenshot(page, 'live-room-reauth');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('resend-bid').click();
    await page.getByTestId('bid-outcome').and(page.locator('[data-code=ACCEPTED]')).waitFor();
    await page.locator('[data-testid=ledger] tbody tr[data-seq="1"]').waitFor();

    // One socket the whole time, still open: the fresh token went over `auth`, not a reconnect.
    expect(sockets).toHaveLength(1);
    expect(sockets[0].isClosed()).toBe(false);
    // The page keeps the fresh session for the rest of the site.
    const stored = await page.evaluate(
      () => JSON.parse((globalThis as any).localStorage.getItem('ggzy.session')).token as string,
    );
    expect(stored).not.toBe(token);
    expect((jwt.decode(stored) as { sub: string }).sub).toBe(alice.id);
    // Exactly one bid landed, alice's.
    const after = await request(api).get(`/api/lease-listings/${listing.id}`).expect(200);
    expect(after.body).toMatchObject({ bidCount: 1, leaderCode: listing.codes.get(alice.id) });
    expect(errors).toEqual([]);
  });
});
