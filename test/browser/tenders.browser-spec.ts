import { createHash } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { type TestUser, waitFor } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

const OWNER_CODE = '91360100MA35F6GX2N';
const SUPPLIER_CODES = ['914403001922038216', '9144030071526726XG', '91330100799655058B'];
const SHA = 'e'.repeat(64);
const BID_FILE = Buffer.from('投标文件 — 东湖区某小学教学楼新建工程施工 — 第一册');

/**
 * Construction tender pages in a real browser: staff register a tender through the desk (a
 * statutory period refused in plain words with its boundary day, then accepted) and announce it;
 * a supplier applies with its organisation's code, staff qualify it, and the supplier seals its
 * bid from the tender's page (the file's SHA-256 computed in the browser, the price never shown
 * back); at the deadline the worker opens the bids and the public page shows the opening record.
 */
describe('construction tender pages in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let suppliers: TestUser[];
  let today: string;

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });

  const sql = (text: string, values: unknown[] = []) => suite.sql(text, values);

  const tender = async (id: string) =>
    (await as(staff)(request(suite.api).get(`/api/tenders/${id}`)).expect(200)).body as { status: string };

  beforeAll(async () => {
    today = await suite.today();
    staff = await suite.operator('staff');
    suppliers = await Promise.all([suite.bidder(), suite.bidder(), suite.bidder()]);
  });

  it('staff register and announce a tender; a supplier applies, is qualified and seals its bid; the opening record goes public', async () => {
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/tenders`);
    await desk.getByText('登记招标项目').click();
    const form = desk.getByRole('form', { name: '登记招标项目' });
    await form.getByLabel('项目名称').fill('东湖区某小学教学楼新建工程施工');
    await form.getByLabel('招标人').fill('南昌市东湖区教育局');
    await form.getByLabel('统一社会信用代码').fill(OWNER_CODE);
    await form.getByLabel('工程类别').selectOption('building');
    await form.getByLabel('工程概况').fill('框架结构五层，建筑面积 6,000 平方米');
    await form.getByLabel('招标控制价 (元)').fill('20,000,000.00');
    await form.getByLabel('保证金 (元)').fill('400,000');
    await form.getByLabel('项目文件（每行：文件名 SHA-256）').fill(`招标文件.pdf ${SHA}`);
    await form.getByLabel('文件发售开始日').fill(today);
    await form.getByLabel('文件发售截止日').fill(addCalendarDays(today, 5));
    await form.getByLabel('招标文件发出日').fill(today);
    // 19 days: refused in plain words, with the first lawful day.
    await form.getByLabel('投标截止日', { exact: true }).fill(addCalendarDays(today, 19));
    await form.getByRole('button', { name: '保存草稿' }).click();
    await form.getByText('自招标文件发出之日起至投标截止不得少于20日').waitFor();
    await form
      .getByTestId('boundary-day')
      .filter({ hasText: addCalendarDays(today, 20) })
      .waitFor();
    await form.getByLabel('投标截止日', { exact: true }).fill(addCalendarDays(today, 20));
    await form.getByRole('button', { name: '保存草稿' }).click();
    await desk.locator('[data-status=registered]').first().waitFor();
    const id = new URL(desk.url()).pathname.split('/').pop()!;
    await desk.getByRole('button', { name: '发布招标公告' }).click();
    // Documents issued today: bidding opens with the notice.
    await desk.locator('[data-status=bidding]').first().waitFor();
    await desk.getByTestId('tender-schedule').getByText(addCalendarDays(today, 10)).waitFor();
    await checkBothLanguages(desk);

    // A supplier applies from the public page with its organisation's code.
    const [alice, bob, carol] = suppliers;
    const supplier = await (await suite.signedIn(alice, ['bidder'], PHONE)).newPage();
    errors.push(...watchErrors(supplier));
    await supplier.goto(`${suite.web}/tenders/${id}`);
    await supplier.getByRole('heading', { name: '东湖区某小学教学楼新建工程施工' }).waitFor();
    await supplier.getByLabel('统一社会信用代码').fill(SUPPLIER_CODES[0].toLowerCase());
    await supplier.getByRole('button', { name: '报名投标' }).click();
    await supplier.locator('[data-testid=my-registration][data-status=pending]').waitFor();

    // Staff qualify it (its deposit arrived) from the desk.
    await desk.reload();
    const row = desk.getByTestId('supplier-registrations').locator('tr[data-status=pending]');
    await row.getByText(SUPPLIER_CODES[0]).waitFor();
    await row.getByRole('button', { name: '确认保证金并通过' }).click();
    await desk.getByTestId('supplier-registrations').locator('tr[data-status=qualified]').waitFor();

    // The supplier seals its bid: the file's SHA-256 is computed in the browser.
    await supplier.reload();
    await supplier.locator('[data-testid=my-registration][data-status=qualified]').waitFor();
    const sealForm = supplier.getByRole('form', { name: '密封提交投标' });
    await sealForm.getByLabel('投标报价 (元)').fill('17,654,321.09');
    await sealForm.getByLabel('投标文件（仅在本机计算摘要，不上传）').setInputFiles({
      name: '投标文件.pdf',
      mimeType: 'application/pdf',
      buffer: BID_FILE,
    });
    await sealForm.getByRole('button', { name: '密封提交投标' }).click();
    await supplier.locator('[data-testid=bid-receipt][data-status=submitted]').waitFor();
    await checkBothLanguages(supplier);
    // Neither the supplier's page nor the desk shows the sealed price.
    for (const page of [supplier, desk]) {
      await page.reload();
      await page.getByRole('heading', { name: '东湖区某小学教学楼新建工程施工' }).waitFor();
      expect(await page.content()).not.toContain('17,654,321.09');
    }

    // Two more suppliers bid through the API; then the deadline passes (moved in the database).
    for (const [index, user] of [bob, carol].entries()) {
      const applied = await as(user)(request(suite.api).post(`/api/tenders/${id}/registrations`))
        .send({ organizationCode: SUPPLIER_CODES[index + 1] })
        .expect(201);
      await as(staff)(request(suite.api).post(`/api/tenders/${id}/registrations/${applied.body.id}/qualify`))
        .send({ depositReceived: true })
        .expect(200);
      await as(user)(request(suite.api).put(`/api/tenders/${id}/bid`))
        .send({ price: 1_800_000_000 + index, documents: [] })
        .expect(200);
    }
    await sql(
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(async () => ((await tender(id)).status === 'opened' ? true : undefined), 20_000, 'opened');

    // The public page, signed out: the opening record with every price.
    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/tenders/${id}`);
    const record = publicPage.getByTestId('opening-record');
    await record.getByText('17,654,321.09 元').waitFor();
    expect(await record.locator('tbody tr').count()).toBe(3);
    await publicPage.locator('[data-status=opened]').first().waitFor();
    await checkBothLanguages(publicPage);
    await screenshot(publicPage, 'tender-opening-record');

    // The supplier's own page shows its price as opened, and its seal receipt matched the file.
    await supplier.reload();
    await supplier.getByTestId('my-opened-price').getByText('17,654,321.09 元').waitFor();
    const [stored] = (
      await sql(`SELECT record FROM bid_openings WHERE host_type = 'tender_project' AND host_id = $1`, [id])
    ).rows as { record: { bidderId: string; documents: { sha256: string }[] }[] }[];
    const mine = stored.record.find((bid) => bid.bidderId === alice.id)!;
    expect(mine.documents).toEqual([
      { name: '投标文件.pdf', sha256: createHash('sha256').update(BID_FILE).digest('hex') },
    ]);
    await supplier.goto(`${suite.web}/me`);
    await supplier.getByTestId('my-tenders').getByText('17,654,321.09 元').waitFor();
    expect(errors).toEqual([]);
  }, 180_000);
});
