import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { organizationCode, type TestUser, waitFor } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, watchErrors } from './browser.js';

const SHA = 'f'.repeat(64);
const TITLE = '东湖区某体育馆新建工程施工';

/**
 * A tender's prequalification (资格预审) in a real browser: staff register a tender with one from the
 * desk (its sale refused one day short in plain words, then accepted) and announce it; a supplier
 * applies from the tender's page with its organisation's code; staff pass it with a reason and,
 * after the applications' day, notify the result; the supplier then sees its own result.
 */
describe('tender prequalification pages in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let suppliers: TestUser[];
  let today: string;

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });
  const tender = async (id: string) =>
    (await as(staff)(request(suite.api).get(`/api/tenders/${id}`)).expect(200)).body as { status: string };

  beforeAll(async () => {
    today = await suite.today();
    staff = await suite.operator('staff');
    suppliers = await Promise.all([suite.bidder(), suite.bidder(), suite.bidder()]);
  });

  it('staff register a tender with prequalification; a supplier applies, passes and reads its result', async () => {
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/tenders`);
    await desk.getByText('登记招标项目').click();
    const form = desk.getByRole('form', { name: '登记招标项目' });
    await form.getByLabel('项目名称').fill(TITLE);
    await form.getByLabel('招标人').fill('南昌市东湖区体育局');
    await form.getByLabel('统一社会信用代码').fill(organizationCode());
    await form.getByLabel('工程类别').selectOption('building');
    await form.getByLabel('工程概况').fill('钢结构，建筑面积 12,000 平方米');
    await form.getByLabel('招标控制价 (元)').fill('30,000,000.00');
    await form.getByLabel('项目文件（每行：文件名 SHA-256）').fill(`招标文件.pdf ${SHA}`);
    await form.getByLabel('文件发售开始日', { exact: true }).fill(addCalendarDays(today, 11));
    await form.getByLabel('文件发售截止日', { exact: true }).fill(addCalendarDays(today, 16));
    await form.getByLabel('招标文件发出日').fill(addCalendarDays(today, 11));
    await form.getByLabel('投标截止日', { exact: true }).fill(addCalendarDays(today, 31));
    await form.getByLabel('资格预审', { exact: true }).check();
    await form.getByLabel('资格预审文件（每行：文件名 SHA-256）').fill(`资格预审文件.pdf ${SHA}`);
    await form.getByLabel('资格预审开始发售日').fill(today);
    // 4 days of sale: refused in plain words, with the first lawful day.
    await form.getByLabel('资格预审停止发售日').fill(addCalendarDays(today, 4));
    await form.getByLabel('资格预审申请截止日').fill(addCalendarDays(today, 10));
    await form.getByRole('button', { name: '保存草稿' }).click();
    await form
      .getByTestId('boundary-day')
      .filter({ hasText: addCalendarDays(today, 5) })
      .waitFor();
    await form.getByLabel('资格预审停止发售日').fill(addCalendarDays(today, 5));
    await form.getByRole('button', { name: '保存草稿' }).click();
    await desk.locator('[data-status=registered]').first().waitFor();
    const id = new URL(desk.url()).pathname.split('/').pop()!;
    await desk.getByRole('button', { name: '发布招标公告' }).click();
    await desk.locator('[data-status=prequalification]').first().waitFor();
    await desk.getByTestId('prequalification-desk').waitFor();
    await checkBothLanguages(desk);

    // A supplier applies from the public page.
    const [alice, bob, carol] = suppliers;
    const supplier = await (await suite.signedIn(alice, ['bidder'], PHONE)).newPage();
    errors.push(...watchErrors(supplier));
    await supplier.goto(`${suite.web}/tenders/${id}`);
    await supplier.getByRole('heading', { name: TITLE }).waitFor();
    await supplier.getByTestId('applications-due').getByText(addCalendarDays(today, 10)).waitFor();
    const apply = supplier.getByRole('form', { name: '提交资格预审申请' });
    const aliceCode = organizationCode();
    await apply.getByLabel('统一社会信用代码').fill(aliceCode.toLowerCase());
    await apply.getByRole('button', { name: '提交资格预审申请' }).click();
    await supplier.locator('[data-testid=my-prequalification][data-status=pending]').waitFor();
    await checkBothLanguages(supplier);

    // Two more apply through the API; staff pass Alice with a reason from the desk.
    const others: string[] = [];
    for (const user of [bob, carol]) {
      const applied = await as(user)(
        request(suite.api).post(`/api/tenders/${id}/prequalification/applications`),
      )
        .send({ organizationCode: organizationCode() })
        .expect(201);
      others.push(applied.body.id);
    }
    await desk.reload();
    const row = desk.getByTestId('prequalification-applications').locator('tr', { hasText: aliceCode });
    await row.getByLabel('原因').fill('资质、业绩满足要求');
    await row.getByRole('button', { name: '通过', exact: true }).click();
    await row.locator('[data-status=passed]').waitFor();
    for (const applicationId of others)
      await as(staff)(
        request(suite.api).post(`/api/tenders/${id}/prequalification/applications/${applicationId}/pass`),
      )
        .send({ reason: '合格' })
        .expect(200);

    // The applications' day has passed (moved in the database): staff notify the result.
    await suite.sql(
      `UPDATE tender_projects SET prequalification_sale_starts_on = $2, prequalification_sale_ends_on = $3,
         applications_due_on = $4 WHERE id = $1`,
      [id, addCalendarDays(today, -11), addCalendarDays(today, -6), addCalendarDays(today, -1)],
    );
    await desk.reload();
    await desk.getByRole('button', { name: '发出资格预审结果通知' }).click();
    await desk.locator('[data-status=prequalified]').first().waitFor();
    await waitFor(
      async () => ((await tender(id)).status === 'prequalified' ? true : undefined),
      10_000,
      'result',
    );
    await desk.getByTestId('prequalification-result').getByText(today).waitFor();

    // Alice reads her own result and its reason.
    await supplier.reload();
    const mine = supplier.locator('[data-testid=my-prequalification][data-status=passed]');
    await mine.getByText('资质、业绩满足要求').waitFor();
    await checkBothLanguages(supplier);
    expect(errors).toEqual([]);
  }, 180_000);
});
