import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { type TestUser, unique } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, watchErrors } from './browser.js';

/**
 * The public announcements (交易公告) in a real browser, signed out, on a phone: from the menu, the
 * list of every line's announcements with the Atom feed's link; a search by project code; a
 * filter by kind; one announcement read with its published text and a link to its project.
 * The flow in Chinese; English checked by its page texts.
 */
describe('public announcements in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let today: string;
  const titles = { open: unique('东湖区公告测试道路工程'), ended: unique('东湖区公告测试终止工程') };
  const codes = {} as Record<keyof typeof titles, string>;

  const tender = async (title: string) => {
    const created = await request(suite.api)
      .post('/api/tenders')
      .auth(staff.token, { type: 'bearer' })
      .send({
        title,
        ownerName: '南昌市东湖区住房和城乡建设局',
        ownerOrgCode: '91360100MA35F6GX2N',
        kind: 'road',
        description: '道路改造',
        estimatedPrice: 2_000_000_000,
        stateFunded: true,
        evaluationMethod: 'lowest_evaluated_price',
        deposit: 20_000_000,
        documents: [{ name: '招标文件.pdf', sha256: 'f'.repeat(64) }],
        saleStartsOn: today,
        saleEndsOn: addCalendarDays(today, 5),
        documentsIssuedOn: today,
        bidDeadlineOn: addCalendarDays(today, 20),
      })
      .expect(201);
    await request(suite.api)
      .post(`/api/tenders/${created.body.id}/announce`)
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
    return created.body as { id: string; code: string };
  };

  beforeAll(async () => {
    staff = await suite.operator('staff');
    today = await suite.today();
    codes.open = (await tender(titles.open)).code;
    const ended = await tender(titles.ended);
    codes.ended = ended.code;
    await request(suite.api)
      .post(`/api/tenders/${ended.id}/terminate`)
      .auth(staff.token, { type: 'bearer' })
      .send({ reason: '项目资金未落实,终止招标' })
      .expect(200);
  });

  it('anyone lists, searches, filters and reads the announcements from the menu', async () => {
    const page = await (await suite.anonymous(PHONE)).newPage();
    const errors = watchErrors(page);
    await page.goto(`${suite.web}/`);
    await page.getByRole('link', { name: '交易公告' }).first().click();
    await page.getByRole('heading', { level: 1, name: '交易公告' }).waitFor();
    const table = page.getByTestId('announcements');
    await table.locator('tbody tr', { hasText: titles.ended }).first().waitFor();
    await expect(page.getByTestId('atom-feed').getAttribute('href')).resolves.toBe('/api/public/feed.atom');
    await checkBothLanguages(page);

    // By project code: that project's notice only.
    await page.getByLabel('标题或项目编号').fill(codes.open);
    await page.getByRole('button', { name: '查询' }).click();
    // The answer has come once the other project's rows are gone.
    await table.locator('tbody tr', { hasText: titles.ended }).first().waitFor({ state: 'detached' });
    await table.locator('tbody tr', { hasText: `${titles.open} 招标公告` }).waitFor();
    await expect(table.locator('tbody tr').count()).resolves.toBe(1);

    // Terminations of every line: the ended tender's, read with its reason.
    await page.getByLabel('标题或项目编号').fill('');
    await page.getByLabel('公告类型').selectOption('termination');
    await page.getByRole('button', { name: '查询' }).click();
    await table.locator('tbody tr', { hasText: titles.open }).waitFor({ state: 'detached' });
    const ended = table.locator('tbody tr[data-kind=termination]', { hasText: titles.ended });
    await ended.waitFor();
    await expect(table.locator('tbody tr:not([data-kind=termination])').count()).resolves.toBe(0);
    await ended.getByRole('link').click();
    const article = page.getByTestId('announcement');
    await article.getByRole('heading', { level: 1, name: `${titles.ended} 终止公告` }).waitFor();
    await expect(page.getByTestId('announcement-text').textContent()).resolves.toBe(
      '项目资金未落实,终止招标',
    );
    await expect(article.textContent()).resolves.toContain(codes.ended);
    await article.getByRole('link', { name: '查看项目详情' }).click();
    await page.waitForURL(/\/tenders\/[0-9a-f-]{36}$/);
    expect(errors).toEqual([]);
  });
});
