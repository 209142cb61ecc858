import pg from 'pg';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { toZonedInput } from '../../apps/web/src/format.js';
import { type TestUser, waitFor } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

/**
 * Property-rights transfer pages in a real browser: the public list and project page, the live
 * room of a project's auction (the lease's room, joined with the project's id), a buyer's
 * application from the project's page and on 我的报名. The database's clock decides when a
 * disclosure ends, so the test moves the project's last day to yesterday and the auction's
 * opening to a few seconds from now in the database, as test/transfers.e2e-spec.ts does.
 */
const SHA = 'b'.repeat(64);
const LISTING_PRICE = 10_000_000; // 100,000.00 元
const INCREMENT = 100_000; // 1,000.00 元
const EXTENSION_SECONDS = 15;

describe('property-rights transfer pages in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let today: string;
  let yesterday: string;
  let twoDaysAgo: string;

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });

  /** The shortest equity disclosure from today: 20 business days. */
  const disclosureDeadline = async () =>
    (
      (
        await request(suite.api)
          .get('/api/calendar/deadline')
          .query({ from: today, businessDays: 20 })
          .expect(200)
      ).body as { date: string }
    ).date;

  async function publishedProject(
    title: string,
    overrides: { extensionPeriods?: number } = {},
  ): Promise<string> {
    const disclosureEndsOn = await disclosureDeadline();
    const created = await as(staff)(request(suite.api).post('/api/transfer-projects'))
      .send({
        title,
        transferor: '南昌市东湖区国有资产运营公司',
        assetKind: 'equity',
        assetDescription: '注册资本 500 万元，净资产评估值 10 万元',
        documents: [{ name: '资产评估报告.pdf', sha256: SHA }],
        valuation: LISTING_PRICE,
        listingPrice: LISTING_PRICE,
        buyerConditions: '具有完全民事行为能力',
        deposit: 1_000_000,
        increment: INCREMENT,
        extensionPeriods: overrides.extensionPeriods ?? 0,
        auctionStartTime: '10:00',
        freeBiddingMinutes: 60,
        extensionSeconds: EXTENSION_SECONDS,
        disclosureEndsOn,
      })
      .expect(201);
    const id = created.body.id as string;
    await as(staff)(request(suite.api).post(`/api/transfer-projects/${id}/publish`)).expect(200);
    return id;
  }

  async function qualify(projectId: string, buyer: TestUser): Promise<string> {
    const registration = await as(buyer)(
      request(suite.api).post(`/api/transfer-projects/${projectId}/registrations`),
    )
      .send({})
      .expect(201);
    const qualified = await as(staff)(
      request(suite.api).post(
        `/api/transfer-projects/${projectId}/registrations/${registration.body.id}/qualify`,
      ),
    )
      .send({ depositReceived: true })
      .expect(200);
    return qualified.body.bidderCode as string;
  }

  /**
   * Ends the disclosure of a project with one qualified buyer (yesterday, in the database), waits
   * for the worker to hold it to an agreement, and opens its staff page on a phone.
   */
  async function agreementPendingOnTheDesk(id: string) {
    await sql(`UPDATE transfer_projects SET disclosure_ends_on = $2 WHERE id = $1`, [id, yesterday]);
    await waitFor(
      async () => ((await project(id)).status === 'agreement_pending' ? true : undefined),
      20_000,
      'agreement pending',
    );
    const page = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/staff/transfers/${id}`);
    await page.locator('[data-status=agreement_pending]').first().waitFor();
    return { page, errors };
  }

  const project = async (id: string) =>
    (await request(suite.api).get(`/api/transfer-projects/${id}`).expect(200)).body as {
      status: string;
      auctionStatus: string | null;
      dealSource: string | null;
      finalPrice: number | null;
    };

  /**
   * One statement on its own connection: browserSuite's afterAll drops the database before a
   * later afterAll of this file could close a client kept open, which would then fail the run.
   */
  async function sql(text: string, values: unknown[] = []) {
    const client = new pg.Client({ connectionString: suite.config.DATABASE_OWNER_URL });
    await client.connect();
    try {
      return await client.query(text, values);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    const [row] = (
      await sql(
        `SELECT (clock_timestamp() AT TIME ZONE $1)::date::text AS today,
                ((clock_timestamp() AT TIME ZONE $1)::date - 1)::text AS yesterday,
                ((clock_timestamp() AT TIME ZONE $1)::date - 2)::text AS "twoDaysAgo"`,
        [suite.config.CENTRE_TZ],
      )
    ).rows;
    ({ today, yesterday, twoDaysAgo } = row);
    staff = await suite.operator('staff');
    [alice, bob, carol] = await Promise.all([suite.bidder(), suite.bidder(), suite.bidder()]);
  });

  it('two buyers bid in the live room on the project page while an anonymous page watches; the close shows the result, and staff go on to the contract', async () => {
    const id = await publishedProject('东湖区某国有企业 100% 股权转让');
    const codeA = await qualify(id, alice);
    const codeB = await qualify(id, bob);

    // The disclosure ended yesterday: the worker's sweeper opens the auction (2+ buyers). A day of
    // free bidding, so an auction scheduled for a 10:00 already past today cannot close before the
    // times are moved below.
    await sql(
      `UPDATE transfer_projects SET disclosure_ends_on = $2, free_bidding_minutes = 1440 WHERE id = $1`,
      [id, yesterday],
    );
    await waitFor(
      async () => ((await project(id)).status === 'auction' ? true : undefined),
      20_000,
      'in auction',
    );
    // Opening in a few seconds, after three pages have had time to load on a busy machine.
    await sql(
      `WITH now AS (SELECT date_trunc('milliseconds', clock_timestamp()) AS at)
       UPDATE auctions SET bidding_starts_at = now.at + interval '12 seconds',
         free_bidding_ends_at = now.at + interval '13 seconds',
         ends_at = now.at + interval '13 seconds' + make_interval(secs => $2) FROM now WHERE id = $1`,
      [id, EXTENSION_SECONDS],
    );

    const [contextA, contextB, contextW] = await Promise.all([
      suite.signedIn(alice, ['bidder']),
      suite.signedIn(bob, ['bidder']),
      suite.anonymous(),
    ]);
    const [pageA, pageB, watcher] = await Promise.all([
      contextA.newPage(),
      contextB.newPage(),
      contextW.newPage(),
    ]);
    const errors = [pageA, pageB, watcher].flatMap((page) => watchErrors(page));

    // The public list shows it in auction, with its kind and price in 元.
    await watcher.goto(`${suite.web}/transfers`);
    const card = watcher.locator(`[data-project-id="${id}"]`);
    await card.getByText('竞价中').waitFor();
    await card.getByText('产权（股权）').waitFor();
    await card.getByText('100,000.00 元').first().waitFor();

    const url = `${suite.web}/transfers/${id}`;
    await Promise.all([pageA.goto(url), pageB.goto(url), watcher.goto(url)]);
    await pageA.getByTestId('your-code').filter({ hasText: codeA }).waitFor();
    await pageB.getByTestId('your-code').filter({ hasText: codeB }).waitFor();
    // The project's documents with their SHA-256, in public.
    await watcher.getByTestId('documents').getByText(SHA).waitFor();
    for (const page of [pageA, pageB, watcher])
      await page.getByTestId('phase').filter({ hasText: '限时竞价期' }).waitFor({ timeout: 30_000 });

    // A opens at the listing price (the +1 button is the minimum next bid), confirmed in 大写.
    await pageA.getByTestId('quick-1').click();
    await pageA.getByTestId('confirm-amount').filter({ hasText: '100,000.00' }).waitFor();
    await pageA.getByTestId('confirm-capital').filter({ hasText: '壹拾万元整' }).waitFor();
    await pageA.getByTestId('confirm-bid').click();
    await pageA.locator('[data-testid=bid-outcome][data-code=ACCEPTED]').waitFor();
    await pageA.locator('[data-testid=standing][data-standing=lead]').waitFor();
    await watcher.getByTestId('current-price').filter({ hasText: '100,000.00' }).waitFor();
    await watcher.getByTestId('leader').filter({ hasText: codeA }).waitFor();

    // B answers with +2 increments: 101,000 + 1,000.
    await pageB.getByTestId('quick-2').click();
    await pageB.getByTestId('confirm-amount').filter({ hasText: '102,000.00' }).waitFor();
    await pageB.getByTestId('confirm-capital').filter({ hasText: '壹拾万贰仟元整' }).waitFor();
    await pageB.getByTestId('confirm-bid').click();
    await pageB.locator('[data-testid=standing][data-standing=lead]').waitFor();
    await pageA.locator('[data-testid=standing][data-standing=outbid]').waitFor();
    await watcher.getByTestId('current-price').filter({ hasText: '102,000.00' }).waitFor();
    const seqs = (page: Page) =>
      page
        .locator('[data-testid=ledger] tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-seq')));
    expect(await seqs(watcher)).toEqual(['2', '1']);
    await screenshot(pageA, 'transfer-live-room-outbid');

    // The countdown runs out: each page shows its result, and the project its sale.
    const closing = { timeout: (EXTENSION_SECONDS + 20) * 1000 };
    await pageB.getByTestId('result').filter({ hasText: '竞价结束：您已竞得' }).waitFor(closing);
    await pageA.getByTestId('result').filter({ hasText: '竞价结束：您未竞得' }).waitFor(closing);
    await watcher.getByTestId('result').filter({ hasText: '竞价结束，已成交' }).waitFor(closing);
    await waitFor(async () => ((await project(id)).status === 'sold' ? true : undefined), 15_000, 'sold');
    await watcher.reload();
    await watcher.getByTestId('transfer-final-price').filter({ hasText: '102,000.00 元' }).waitFor();
    await watcher.getByTestId('transfer-winner').filter({ hasText: codeB }).waitFor();
    await watcher.locator('[data-status=sold]').getByText('已成交').first().waitFor();

    // Staff go on from the sale: the confirmation, then the contract; the winner's deposit
    // converts and the other buyer's falls due for refund.
    const desk = await (await suite.signedIn(staff, ['staff'])).newPage();
    errors.push(...watchErrors(desk));
    await desk.goto(`${suite.web}/staff/transfers/${id}`);
    await desk.locator('[data-status=sold]').first().waitFor();
    await desk.getByRole('button', { name: '签署成交确认书' }).click();
    await desk.locator('[data-status=confirmed]').first().waitFor();
    const contract = desk.getByRole('form', { name: '登记合同签订' });
    await contract.getByLabel('合同签订日').fill(today);
    await contract.getByLabel('合同文件 SHA-256').fill('d'.repeat(64));
    await contract.getByRole('button', { name: '登记合同签订' }).click();
    await desk.locator('[data-status=contract_signed]').first().waitFor();
    const deposits = await sql(
      `SELECT bidder_id, state, refund_due_on IS NOT NULL AS "refundDue" FROM deposits
        WHERE host_id = $1 ORDER BY state`,
      [id],
    );
    expect(deposits.rows).toEqual([
      { bidder_id: bob.id, state: 'converted', refundDue: false },
      { bidder_id: alice.id, state: 'received', refundDue: true },
    ]);
    await watcher.reload();
    await watcher.locator('[data-status=contract_signed]').first().waitFor();
    await watcher.getByTestId('transfer-final-price').filter({ hasText: '102,000.00 元' }).waitFor();
    expect(errors).toEqual([]);
  }, 240_000);

  it('a buyer applies from the project page and sees it on 我的报名; the pages pass axe at 375 px in zh and en', async () => {
    const id = await publishedProject('东湖区某公司闲置设备转让');
    const buyer = await suite.signedIn(carol, ['bidder'], PHONE);
    const page = await buyer.newPage();
    const errors = watchErrors(page);

    await page.goto(`${suite.web}/transfers/${id}`);
    await page.getByRole('heading', { name: '东湖区某公司闲置设备转让' }).waitFor();
    await checkBothLanguages(page);
    await page.getByRole('button', { name: '申请受让' }).click();
    await page.locator('[data-testid=my-registration][data-status=pending]').waitFor();

    await page.goto(`${suite.web}/me`);
    const row = page.getByTestId('my-transfers').getByRole('row', { name: /东湖区某公司闲置设备转让/ });
    await row.getByText('待审核').waitFor();
    await row.locator('[data-deposit-state=due]').getByText('待缴纳').waitFor();
    await checkBothLanguages(page);

    await page.goto(`${suite.web}/transfers`);
    await page.locator(`[data-project-id="${id}"]`).getByText('信息披露中').waitFor();
    await checkBothLanguages(page);

    // The public project page, signed out, on a phone.
    const anonymous = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(anonymous));
    await anonymous.goto(`${suite.web}/transfers/${id}`);
    await anonymous.getByRole('link', { name: '登录后可报名竞买' }).waitFor();
    await checkBothLanguages(anonymous);
    expect(errors).toEqual([]);
  });
  it('staff accept a project through the desk, hear a refusal in plain words, publish it and qualify a buyer; axe at 375 px', async () => {
    const deadline = async (businessDays: number) =>
      (
        await request(suite.api)
          .get('/api/calendar/deadline')
          .query({ from: today, businessDays })
          .expect(200)
      ).body.date as string;
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/transfers`);
    await desk.getByTestId('staff-transfers').waitFor();
    await checkBothLanguages(desk);

    await desk.getByText('受理产权转让项目').click();
    const fill = (name: string, value: string) => desk.locator(`form [name=${name}]`).first().fill(value);
    await fill('title', '东湖区某公司 30% 股权转让');
    await fill('transferor', '南昌市东湖区国有资产运营公司');
    await fill('assetDescription', '注册资本 1,000 万元');
    await fill('documents', `资产评估报告.pdf ${SHA}`);
    await fill('valuation', '100,000.00');
    await fill('listingPrice', '100,000.00');
    await fill('buyerConditions', '具有完全民事行为能力');
    await fill('deposit', '10,000');
    await fill('increment', '1,000');
    // One business day short of the 20 equity needs: refused, with the earliest allowed day.
    await fill('disclosureEndsOn', await deadline(19));
    await desk.getByRole('button', { name: '保存草稿' }).click();
    await desk.locator('[data-code=DISCLOSURE_TOO_SHORT]').getByText('信息披露期不足').waitFor();
    await desk.getByText(`最早可定的披露截止日: ${await deadline(20)}`).waitFor();

    await fill('disclosureEndsOn', await deadline(20));
    await desk.getByRole('button', { name: '保存草稿' }).click();
    await desk.waitForURL(/\/staff\/transfers\/[0-9a-f-]{36}$/);
    const id = desk.url().split('/').pop()!;
    await desk.locator('[data-status=accepted]').waitFor();
    await desk.getByRole('button', { name: '发布公告' }).click();
    await desk.locator('[data-status=disclosed]').waitFor();

    // Extending a disclosure that has not ended is refused in plain words.
    await desk.getByRole('button', { name: '延长披露（5 个工作日）' }).click();
    const refusal = desk.locator('p.error[data-code]');
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-code')).toBe('DISCLOSURE_NOT_ENDED');
    await refusal.getByText('信息披露期尚未届满').waitFor();

    // A buyer applies; the desk qualifies the application once the deposit is in.
    const dave = await suite.bidder();
    await as(dave)(request(suite.api).post(`/api/transfer-projects/${id}/registrations`))
      .send({})
      .expect(201);
    await desk.reload();
    await desk.locator('[data-testid=transfer-applicants] [data-registration-status=pending]').waitFor();
    await checkBothLanguages(desk);
    await desk.getByRole('button', { name: '保证金已到账，通过' }).click();
    await desk
      .locator(
        '[data-testid=transfer-applicants] [data-registration-status=qualified] [data-deposit-state=received]',
      )
      .waitFor();
    await desk.getByTestId('qualified-buyers').filter({ hasText: '1' }).waitFor();
    await screenshot(desk, 'transfer-staff-desk');
    expect(errors).toEqual([]);
  });
  it('a supervisor suspends and resumes a project from the desk, then staff terminate it from its page; the public page shows each state', async () => {
    const id = await publishedProject('东湖区某仓库使用权转让（监管测试）');
    const supervisor = await suite.operator('supervisor');
    const desk = await (await suite.signedIn(supervisor, ['supervisor'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/supervisor`);
    const row = desk.locator(`[data-testid=active-transfers] tr[data-project-id="${id}"]`);
    await desk
      .locator(`[data-testid=active-transfers] tr[data-project-id="${id}"][data-status=disclosed]`)
      .waitFor();
    await row.getByPlaceholder('暂停原因').fill('收到异议，核查中');
    await row.getByRole('button', { name: '暂停' }).click();
    await desk
      .locator(`[data-testid=active-transfers] tr[data-project-id="${id}"][data-status=suspended]`)
      .waitFor();
    expect((await project(id)).status).toBe('suspended');
    await checkBothLanguages(desk);

    const watcher = await (await suite.anonymous()).newPage();
    await watcher.goto(`${suite.web}/transfers/${id}`);
    await watcher.locator('[data-status=suspended]').first().waitFor();

    await desk
      .locator(`[data-testid=active-transfers] tr[data-project-id="${id}"]`)
      .getByRole('button', { name: '恢复' })
      .click();
    await desk
      .locator(`[data-testid=active-transfers] tr[data-project-id="${id}"][data-status=disclosed]`)
      .waitFor();
    expect((await project(id)).status).toBe('disclosed');

    const staffPage = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    await staffPage.goto(`${suite.web}/staff/transfers/${id}`);
    const terminate = staffPage.getByRole('form', { name: '终止项目' });
    await terminate.getByLabel('原因').fill('转让方撤回');
    await terminate.getByRole('button', { name: '终止项目' }).click();
    await staffPage.locator('[data-status=terminated]').first().waitFor();
    expect((await project(id)).status).toBe('terminated');
    // Terminated: nothing left to terminate, and the desk no longer lists it.
    await expect(staffPage.getByRole('form', { name: '终止项目' }).count()).resolves.toBe(0);
    await desk.reload();
    const section = desk.locator('section[aria-labelledby=transfer-supervision-heading]');
    await section.getByTestId('active-transfers').or(section.getByText('暂无')).first().waitFor();
    expect(await desk.locator(`tr[data-project-id="${id}"]`).count()).toBe(0);
    await watcher.reload();
    await watcher.locator('[data-status=terminated]').first().waitFor();
    expect(errors).toEqual([]);
  });
  it('with no buyer the disclosure is extended as announced; once extensions are used up staff re-list in place, below 90% only with an approval; refusals in plain words', async () => {
    const id = await publishedProject('东湖区某车位使用权转让（无人报名）', { extensionPeriods: 1 });
    await sql(`UPDATE transfer_projects SET disclosure_ends_on = $2 WHERE id = $1`, [id, yesterday]);
    // The worker extends it by 5 business days from the old end, as the notice announced.
    const extendedTo = (
      (
        await request(suite.api)
          .get('/api/calendar/deadline')
          .query({ from: yesterday, businessDays: 5 })
          .expect(200)
      ).body as { date: string }
    ).date;
    await waitFor(
      async () => ((await project(id)).status === 'extended' ? true : undefined),
      20_000,
      'extended',
    );
    const anonymous = await (await suite.anonymous(PHONE)).newPage();
    const errors = watchErrors(anonymous);
    await anonymous.goto(`${suite.web}/transfers/${id}`);
    await anonymous.locator('[data-status=extended]').getByText('延长披露中').first().waitFor();
    await anonymous.getByTestId('disclosure-ends-on').filter({ hasText: extendedTo }).waitFor();
    await checkBothLanguages(anonymous);

    // The extended period ends (on another day) with no buyer either: the worker leaves it to
    // staff, and says so in the trail.
    await sql(`UPDATE transfer_projects SET disclosure_ends_on = $2 WHERE id = $1`, [id, twoDaysAgo]);
    await waitFor(
      async () => {
        const { rows } = await sql(
          `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1::text
             AND action = 'transfer.disclosure_ended' AND payload LIKE '%"outcome":"awaiting_staff"%'`,
          [id],
        );
        return rows[0].n === 1 ? true : undefined;
      },
      20_000,
      'the end left to staff',
    );
    const { rows: left } = await sql(
      `SELECT status, extensions_used, end_decided_for::text AS decided FROM transfer_projects WHERE id = $1`,
      [id],
    );
    expect(left).toEqual([{ status: 'extended', extensions_used: 1, decided: twoDaysAgo }]);
    const page = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    errors.push(...watchErrors(page));
    await page.goto(`${suite.web}/staff/transfers/${id}`);
    await page.locator('[data-status=extended]').first().waitFor();
    await page.getByRole('button', { name: '延长披露（5 个工作日）' }).click();
    await page.getByRole('alert').filter({ hasText: '公告中载明的延长披露次数已用完' }).waitFor();

    const disclosureEndsOn = await disclosureDeadline();
    const relist = page.getByRole('form', { name: '重新挂牌' });
    await relist.getByLabel('挂牌价 (元)').fill('85,000');
    await relist.getByLabel('披露截止日').fill(disclosureEndsOn);
    await relist.getByRole('button', { name: '重新挂牌' }).click();
    await page.getByRole('alert').filter({ hasText: '重新挂牌价低于评估备案值的 90%' }).waitFor();
    expect(await project(id)).toMatchObject({ status: 'extended' });

    await relist.getByLabel('低于评估值的批准人').fill('东湖区国资办 王五');
    await relist.getByLabel('批准文件 SHA-256').fill('E'.repeat(64));
    await relist.getByRole('button', { name: '重新挂牌' }).click();
    // In place: the same project, re-listed at the new price and disclosure.
    await page.locator('[data-status=relisted]').first().waitFor();
    expect(page.url()).toBe(`${suite.web}/staff/transfers/${id}`);
    const relisted = (await request(suite.api).get(`/api/transfer-projects/${id}`).expect(200)).body as {
      status: string;
      listingPrice: number;
      disclosureEndsOn: string;
    };
    expect(relisted).toMatchObject({ status: 'relisted', listingPrice: 8_500_000, disclosureEndsOn });
    const { rows: reset } = await sql(
      `SELECT extensions_used, published_on, approval_document_sha256 FROM transfer_projects WHERE id = $1`,
      [id],
    );
    // A fresh disclosure to publish, its extensions unused; the approval's hash as the page lowercased it.
    expect(reset).toEqual([
      { extensions_used: 0, published_on: null, approval_document_sha256: 'e'.repeat(64) },
    ]);
    await checkBothLanguages(page);
    expect(errors).toEqual([]);
  });

  it('staff hold the one buyer to an agreement, record it abandoned, and re-list the project as a new one; both pages link each other', async () => {
    const id = await publishedProject('东湖区某商铺经营权转让（重新挂牌）');
    await qualify(id, bob);
    const { page, errors } = await agreementPendingOnTheDesk(id);
    const abandon = page.getByRole('form', { name: '放弃协议成交' });
    await abandon.getByLabel('原因').fill('意向受让方放弃受让');
    await abandon.getByRole('button', { name: '放弃协议成交' }).click();
    await page.locator('[data-status=unsold]').first().waitFor();
    expect((await project(id)).status).toBe('unsold');

    const disclosureEndsOn = await disclosureDeadline();
    const relist = page.getByRole('form', { name: '重新挂牌' });
    await relist.getByLabel('挂牌价 (元)').fill('95,000');
    await relist.getByLabel('披露截止日').fill(disclosureEndsOn);
    await relist.getByRole('button', { name: '重新挂牌' }).click();
    // On to the new project's page: its own id, announced (重新挂牌), linked back to the old one.
    await page.waitForURL(
      (url) => url.pathname.startsWith('/staff/transfers/') && !url.pathname.endsWith(id),
    );
    const newId = page.url().split('/').pop()!;
    await page.locator('[data-status=relisted]').first().waitFor();
    await page.getByTestId('relisted-from').getByRole('link').waitFor();
    expect(await project(newId)).toMatchObject({ status: 'relisted' });
    await checkBothLanguages(page);

    // The public page of the old project says where it went, and the link leads there.
    const anonymous = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(anonymous));
    await anonymous.goto(`${suite.web}/transfers/${id}`);
    await anonymous.locator('[data-status=superseded]').first().waitFor();
    await anonymous.getByTestId('relisted-as').getByRole('link').click();
    await anonymous.waitForURL((url) => url.pathname === `/transfers/${newId}`);
    await anonymous.getByRole('heading', { name: '东湖区某商铺经营权转让（重新挂牌）' }).waitFor();
    await anonymous.locator('[data-status=relisted]').first().waitFor();
    await checkBothLanguages(anonymous);
    expect(errors).toEqual([]);
  });

  it('staff sell to the one buyer by agreement (a price under the listing price refused in plain words), sign the confirmation and record the contract; the public page shows each step', async () => {
    const id = await publishedProject('东湖区某仓库产权协议转让');
    const code = await qualify(id, bob);
    const { page, errors } = await agreementPendingOnTheDesk(id);
    const agreement = page.getByRole('form', { name: '协议成交', exact: true });
    await agreement.getByLabel('协议价格 (元)').fill('99,999.99');
    await agreement.getByRole('button', { name: '协议成交' }).click();
    await page.getByRole('alert').filter({ hasText: '协议价格不得低于挂牌价' }).waitFor();
    expect((await project(id)).status).toBe('agreement_pending');
    await agreement.getByLabel('协议价格 (元)').fill('100,000');
    await agreement.getByRole('button', { name: '协议成交' }).click();
    await page.locator('[data-status=sold]').first().waitFor();
    expect(await project(id)).toMatchObject({
      status: 'sold',
      dealSource: 'agreement',
      finalPrice: LISTING_PRICE,
    });
    // In public at once: the sale by agreement, in its publicity.
    const anonymous = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(anonymous));
    await anonymous.goto(`${suite.web}/transfers/${id}`);
    await anonymous.locator('[data-status=sold]').first().waitFor();
    await anonymous.getByTestId('transfer-result').locator('dd').filter({ hasText: '协议成交' }).waitFor();
    const deals = await sql(`SELECT source_type, amount, category, subtype FROM deals WHERE source_id = $1`, [
      id,
    ]);
    expect(deals.rows).toEqual([
      {
        source_type: 'transfer_agreement',
        amount: String(LISTING_PRICE),
        category: 'property_rights',
        subtype: 'transfer',
      },
    ]);

    // 成交确认: the contract's deadline starts to run.
    await page.getByRole('button', { name: '签署成交确认书' }).click();
    await page.locator('[data-status=confirmed]').first().waitFor();
    const confirmed = (await request(suite.api).get(`/api/transfer-projects/${id}`).expect(200)).body as {
      confirmedOn: string;
      contractDeadlineOn: string;
    };
    expect(confirmed.confirmedOn).toBe(today);
    expect(confirmed.contractDeadlineOn > today).toBe(true);

    // The signed contract, dated today with its file's hash: the winner's deposit converts.
    const contract = page.getByRole('form', { name: '登记合同签订' });
    await contract.getByLabel('合同签订日').fill(today);
    await contract.getByLabel('合同文件 SHA-256').fill('C'.repeat(64));
    await checkBothLanguages(page);
    await contract.getByRole('button', { name: '登记合同签订' }).click();
    await page.locator('[data-status=contract_signed]').first().waitFor();
    expect((await project(id)).status).toBe('contract_signed');
    const deposits = await sql(`SELECT bidder_id, state FROM deposits WHERE host_id = $1`, [id]);
    expect(deposits.rows).toEqual([{ bidder_id: bob.id, state: 'converted' }]);

    // In public: the result by agreement and every date, on a phone.
    await anonymous.reload();
    await anonymous.locator('[data-status=contract_signed]').first().waitFor();
    await anonymous.getByTestId('transfer-final-price').filter({ hasText: '100,000.00 元' }).waitFor();
    await anonymous.getByTestId('transfer-winner').filter({ hasText: code }).waitFor();
    const facts = anonymous.locator('dl.facts');
    for (const [term, date] of [
      ['成交确认日', confirmed.confirmedOn],
      ['合同签订期限', confirmed.contractDeadlineOn],
      ['合同签订日', today],
    ])
      await facts.locator(`dt:has-text("${term}") + dd`).filter({ hasText: date }).waitFor();
    await checkBothLanguages(anonymous);
    expect(errors).toEqual([]);
  });

  it('staff record an on-site auction of a project whose online auction has no bid: the sale, its deal and the project sold', async () => {
    const id = await publishedProject('东湖区某设备现场拍卖转让');
    await qualify(id, alice);
    await qualify(id, carol);
    // A day of free bidding: the auction (opening 10:00 on the next business day, maybe already
    // past today) cannot end before the record, whatever the hour the test runs.
    await sql(
      `UPDATE transfer_projects SET disclosure_ends_on = $2, free_bidding_minutes = 1440 WHERE id = $1`,
      [id, yesterday],
    );
    await waitFor(
      async () => ((await project(id)).status === 'auction' ? true : undefined),
      20_000,
      'in auction',
    );
    const page = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/staff/transfers/${id}`);
    const form = page.getByRole('form', { name: '现场拍卖记录' });
    await form.getByLabel('拍卖师').fill('李四（拍卖师证 0002）');
    await form.getByLabel('拍卖地点').fill('东湖区公共资源交易中心 3 楼拍卖厅');
    await form
      .getByLabel('拍卖时间')
      .fill(toZonedInput(new Date(Date.now() - 60_000), suite.config.CENTRE_TZ));
    await form.getByRole('checkbox', { name: `竞买人 ${alice.username}` }).check();
    await form.getByRole('checkbox', { name: `竞买人 ${carol.username}` }).check();
    await form.getByLabel('成交').check();
    await form.getByLabel('落槌价').fill('120,000');
    await form.getByLabel('竞得人').selectOption(carol.id);
    await form.getByLabel('签字的现场记录文件').setInputFiles({
      name: '现场拍卖笔录.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('现场拍卖笔录：竞得人签字。', 'utf8'),
    });
    await checkBothLanguages(page);
    await form.getByRole('button', { name: '保存现场拍卖记录' }).click();
    const result = page.getByTestId('on-site-result');
    await result.getByRole('heading', { name: '现场拍卖记录已保存' }).waitFor();
    // A transfer's deal is the hammer price itself (a lease's is hammer × months).
    expect(await result.locator('dd').filter({ hasText: '120,000.00 元' }).count()).toBe(2);
    await result
      .locator('dd')
      .filter({ hasText: `竞买人 ${carol.username}` })
      .waitFor();
    await page.locator('[data-status=sold]').first().waitFor();
    expect(await project(id)).toMatchObject({
      status: 'sold',
      dealSource: 'on_site',
      finalPrice: 12_000_000,
    });
    const { rows } = await sql(
      `SELECT source_type, amount FROM deals WHERE source_id = $1 OR source_id IN (SELECT id FROM on_site_auctions WHERE host_id = $1)`,
      [id],
    );
    expect(rows).toEqual([{ source_type: 'on_site_auction', amount: '12000000' }]);
    // Sold: the form is gone on the next visit.
    await page.reload();
    await page.locator('[data-status=sold]').first().waitFor();
    expect(await page.getByRole('form', { name: '现场拍卖记录' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
