import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { toZonedInput } from '../../apps/web/src/format.js';
import { queryRows } from '../support/checks.js';
import { listingBody, type TestUser } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

const HOUR = 3_600_000;
const TERM_MONTHS = 36;

/** What the next prompt() or confirm() on the page is answered with (null: dismissed). */
function answerDialogs(page: Page) {
  const answers: (string | null)[] = [];
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.message());
    const answer = answers.shift();
    void (answer === null || answer === undefined ? dialog.dismiss() : dialog.accept(answer));
  });
  return {
    asked,
    next(answer: string | null) {
      answers.push(answer);
    },
  };
}

const displayName = (user: TestUser) => `竞买人 ${user.username}`;

describe('deposits (保证金) and the on-site auction record in a real browser (375 px)', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let supervisor: TestUser;
  let winner: TestUser;
  let loser: TestUser;
  let absentee: TestUser;

  beforeAll(async () => {
    [staff, supervisor] = await Promise.all([suite.operator('staff'), suite.operator('supervisor')]);
    [winner, loser, absentee] = await Promise.all([suite.bidder(), suite.bidder(), suite.bidder()]);
  });

  const asStaff = <T extends request.Test>(call: T) => call.auth(staff.token, { type: 'bearer' });

  /** The deposits of one listing as the API has them, by bidder. */
  async function depositsOf(listingId: string) {
    const response = await asStaff(
      request(suite.api).get(`/api/deposits?hostId=${listingId}&limit=1000`),
    ).expect(200);
    const items = response.body.items as {
      id: string;
      bidderId: string;
      state: string;
      refundDueOn: string | null;
    }[];
    return new Map(items.map((item) => [item.bidderId, item]));
  }

  it('staff receive deposits, record an on-site sale with its signed file, refund the loser; refusals in plain words; bidders see theirs', async () => {
    const title = `八一大道 ${Date.now() % 100_000} 号店面使用权租赁`;
    const created = await asStaff(request(suite.api).post('/api/lease-listings'))
      .send(listingBody({ biddingInMs: HOUR, freeMs: 10 * 60_000, extensionSeconds: 60 }, { title }))
      .expect(201);
    const listingId = created.body.id as string;
    await asStaff(request(suite.api).post(`/api/lease-listings/${listingId}/publish`)).expect(200);
    const registrationOf = new Map<string, string>();
    for (const bidder of [winner, loser, absentee]) {
      const registration = await request(suite.api)
        .post(`/api/lease-listings/${listingId}/registrations`)
        .auth(bidder.token, { type: 'bearer' })
        .send({})
        .expect(201);
      registrationOf.set(bidder.id, registration.body.id);
    }

    const context = await suite.signedIn(staff, ['staff'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const dialogs = answerDialogs(page);
    const rowOf = (bidder: TestUser) =>
      page.locator('[data-testid=deposits] tr').filter({ hasText: displayName(bidder) });

    // The three deposits are due, at the listing's amount, under the listing's title.
    await page.goto(`${suite.web}/`);
    await page.getByRole('link', { name: '保证金' }).click();
    await page.getByRole('heading', { level: 1, name: '保证金' }).waitFor();
    await page.getByLabel('按状态筛选').selectOption('due');
    for (const bidder of [winner, loser, absentee]) {
      await rowOf(bidder).and(page.locator('[data-state=due]')).waitFor();
    }
    await rowOf(winner).filter({ hasText: '20,000.00 元' }).filter({ hasText: title }).waitFor();
    await screenshot(page, 'staff-deposits-due');
    await checkBothLanguages(page);

    // A crafted page shows a due deposit as held: refunding it is refused in plain words.
    await page.route('**/api/deposits?*', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      for (const item of body.items) if (item.bidderId === absentee.id) item.state = 'received';
      // The test may have moved on (unrouted) while this answer was on its way.
      await route.fulfill({ response, json: body }).catch(() => {});
    });
    await page.getByLabel('按状态筛选').selectOption('');
    await rowOf(absentee).and(page.locator('[data-state=received]')).waitFor();
    dialogs.next('');
    await rowOf(absentee).getByRole('button', { name: /^退还/ }).click();
    await page
      .locator('[role=alert][data-code=DEPOSIT_NOT_RECEIVED]')
      .filter({ hasText: '保证金尚未到账，不能退还或没收' })
      .waitFor();
    await page.unroute('**/api/deposits?*');
    expect((await depositsOf(listingId)).get(absentee.id)?.state).toBe('due');
    await checkBothLanguages(page);

    // 收款确认 for all three, with a bank reference on one; the confirmation names the money.
    await page.reload();
    for (const [bidder, reference] of [
      [winner, 'BANK-0001'],
      [loser, ''],
      [absentee, ''],
    ] as const) {
      dialogs.next(reference);
      await rowOf(bidder)
        .getByRole('button', { name: /^收款确认/ })
        .click();
      await rowOf(bidder).and(page.locator('[data-state=received]')).waitFor();
    }
    expect(dialogs.asked.at(-1)).toContain('20,000.00 元');
    await rowOf(winner).filter({ hasText: 'BANK-0001' }).waitFor();
    await page.getByTestId('deposit-done').filter({ hasText: '已确认收款' }).waitFor();

    // Forfeit twice: another staff member forfeits behind the page's back, the page's try is refused.
    const deposits = await depositsOf(listingId);
    await asStaff(request(suite.api).post(`/api/deposits/${deposits.get(absentee.id)!.id}/forfeit`))
      .send({ reason: '未按期签约' })
      .expect(200);
    dialogs.next('未按期签约');
    await rowOf(absentee).getByRole('button', { name: /^没收/ }).click();
    await page
      .locator('[role=alert][data-code=DEPOSIT_ALREADY_SETTLED]')
      .filter({ hasText: '该保证金已退还、没收或转为价款，不能再操作' })
      .waitFor();
    await rowOf(absentee)
      .and(page.locator('[data-state=forfeited]'))
      .filter({ hasText: '未按期签约' })
      .waitFor();
    await checkBothLanguages(page);

    // Qualified on the deposits received; the notice has been public 8 days, registration closed.
    for (const bidder of [winner, loser]) {
      await asStaff(
        request(suite.api).post(
          `/api/lease-listings/${listingId}/registrations/${registrationOf.get(bidder.id)}/qualify`,
        ),
      )
        .send({ depositReceived: false })
        .expect(200);
    }
    await queryRows(
      suite.config.DATABASE_URL,
      `UPDATE lease_listings SET published_at = now() - interval '8 days',
         registration_starts_at = now() - interval '9 days', registration_ends_at = now() - interval '5 minutes'
       WHERE id = $1`,
      [listingId],
    );

    // The on-site record: a winner not present is refused in plain words, then the sale is saved.
    await page.goto(`${suite.web}/staff/listings/${listingId}`);
    const form = page.getByRole('form', { name: '现场拍卖记录' });
    await form.getByLabel('拍卖师').fill('张三（拍卖师证 0001）');
    await form.getByLabel('拍卖地点').fill('东湖区公共资源交易中心 3 楼拍卖厅');
    await form.getByLabel('拍卖时间').fill(toZonedInput(new Date(Date.now() - 60_000), 'Asia/Shanghai'));
    await form.getByRole('checkbox', { name: displayName(winner) }).check();
    await form.getByLabel('成交').check();
    await form.getByLabel('落槌价').fill('9,000');
    await form.getByLabel('竞得人').selectOption(winner.id);
    await checkBothLanguages(page);
    const signedRecord = Buffer.from('现场拍租笔录：竞得人签字，拍卖师签字。', 'utf8');
    await form.getByLabel('签字的现场记录文件').setInputFiles({
      name: '现场拍租笔录.pdf',
      mimeType: 'application/pdf',
      buffer: signedRecord,
    });
    await form.getByLabel('竞得人').selectOption(loser.id);
    await form.getByRole('button', { name: '保存现场拍卖记录' }).click();
    await form
      .locator('[role=alert][data-code=WINNER_NOT_PRESENT]')
      .filter({ hasText: '竞得人必须是到场竞买人' })
      .waitFor();
    await form.getByRole('checkbox', { name: displayName(loser) }).check();
    await form.getByLabel('竞得人').selectOption(winner.id);
    await form.getByRole('button', { name: '保存现场拍卖记录' }).click();
    const result = page.getByTestId('on-site-result');
    await result.getByRole('heading', { name: '现场拍卖记录已保存' }).waitFor();
    await result.locator('dd').filter({ hasText: '9,000.00 元' }).waitFor();
    await result
      .locator('dd')
      .filter({ hasText: `${(9_000 * TERM_MONTHS).toLocaleString('en-US')}.00 元` })
      .waitFor();
    await result
      .locator('dd')
      .filter({ hasText: displayName(winner) })
      .waitFor();
    await page.locator('[data-status=sold]').first().waitFor();
    await screenshot(page, 'staff-on-site-record');
    await checkBothLanguages(page);
    const [stored] = await queryRows<{
      record_file_name: string;
      record_file_sha256: string;
      present: string[];
    }>(
      suite.config.DATABASE_URL,
      `SELECT record_file_name, record_file_sha256, present_bidder_ids::text[] AS present
         FROM on_site_auctions WHERE host_id = $1`,
      [listingId],
    );
    expect(stored.record_file_name).toBe('现场拍租笔录.pdf');
    expect(stored.record_file_sha256).toBe(createHash('sha256').update(signedRecord).digest('hex'));
    expect([...stored.present].sort()).toEqual([winner.id, loser.id].sort());

    // The loser's deposit falls due for refund on a date; the winner's stays held. Staff refund it.
    const settled = await depositsOf(listingId);
    const refundDueOn = settled.get(loser.id)!.refundDueOn;
    expect(refundDueOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(settled.get(winner.id)).toMatchObject({ state: 'received', refundDueOn: null });
    await page.goto(`${suite.web}/deposits`);
    await rowOf(loser).getByTestId('refund-due-on').filter({ hasText: refundDueOn! }).waitFor();
    await rowOf(loser).filter({ hasText: '待退还' }).waitFor();
    await expect(rowOf(winner).getByTestId('refund-due-on').textContent()).resolves.toBe('—');
    await screenshot(page, 'staff-deposits-refund-due');
    await expect(rowOf(loser).locator('[data-overdue]').count()).resolves.toBe(0);

    // Days pass (the database stands in for them): the refund's last day is behind, the row says so.
    await queryRows(
      suite.config.DATABASE_URL,
      `UPDATE deposits SET refund_due_on = refund_due_on - 30 WHERE id = $1`,
      [settled.get(loser.id)!.id],
    );
    const overdueOn = (await depositsOf(listingId)).get(loser.id)!.refundDueOn!;
    await page.getByLabel('是否逾期').selectOption('true');
    await rowOf(winner).waitFor({ state: 'detached' });
    await rowOf(loser).getByTestId('refund-due-on').filter({ hasText: overdueOn }).waitFor();
    await rowOf(loser).locator('[data-overdue=true]').filter({ hasText: '退还已逾期' }).waitFor();
    await screenshot(page, 'staff-deposits-overdue');
    await checkBothLanguages(page);

    dialogs.next('退款流水 0002');
    await rowOf(loser).getByRole('button', { name: /^退还/ }).click();
    // Refunded, it is no longer an overdue refund.
    await rowOf(loser).waitFor({ state: 'detached' });
    expect((await depositsOf(listingId)).get(loser.id)?.state).toBe('refunded');
    await page.getByLabel('是否逾期').selectOption('');
    await rowOf(loser)
      .and(page.locator('[data-state=refunded]'))
      .filter({ hasText: '退款流水 0002' })
      .waitFor();
    await page.getByLabel('按状态筛选').selectOption('refunded');
    await rowOf(winner).waitFor({ state: 'detached' });
    await rowOf(loser).waitFor();
    await checkBothLanguages(page);

    // Each bidder sees their own deposit on 我的报名, and only theirs.
    for (const [bidder, state] of [
      [loser, 'refunded'],
      [winner, 'received'],
    ] as const) {
      const bidderContext = await suite.signedIn(bidder, ['bidder'], PHONE);
      const bidderPage = await bidderContext.newPage();
      errors.push(...watchErrors(bidderPage));
      await bidderPage.goto(`${suite.web}/me`);
      const mine = bidderPage.getByTestId('my-deposits');
      await mine.locator(`tr[data-state=${state}]`).filter({ hasText: title }).waitFor();
      await expect(mine.locator('tbody tr').count()).resolves.toBe(1);
      if (bidder === loser) await mine.getByTestId('refund-due-on').filter({ hasText: overdueOn }).waitFor();
      await checkBothLanguages(bidderPage);
    }

    // A supervisor reads the same table, with no buttons.
    const supervisorPage = await (await suite.signedIn(supervisor, ['supervisor'], PHONE)).newPage();
    errors.push(...watchErrors(supervisorPage));
    await supervisorPage.goto(`${suite.web}/deposits`);
    await supervisorPage
      .locator('[data-testid=deposits] tr')
      .filter({ hasText: displayName(loser) })
      .and(supervisorPage.locator('[data-state=refunded]'))
      .waitFor();
    await expect(supervisorPage.locator('[data-testid=deposits] button').count()).resolves.toBe(0);
    await checkBothLanguages(supervisorPage);
    expect(errors).toEqual([]);
  }, 420_000);
});
