import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { type TestOrganization, type TestUser, waitFor } from '../support/factories.js';
import { randomOrgCode } from '../support/organization-codes.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

const REPORT_FILE = Buffer.from('评审报告 — 全体评审专家签字');
const CONTRACT_FILE = Buffer.from('政府采购合同 — 双方盖章');
/** a 5 200 000, b 5 000 000, c 5 100 000, d 4 900 000 yuan (d is rejected by the committee). */
const PRICES = [520_000_000, 500_000_000, 510_000_000, 490_000_000];

/**
 * An open-tender procurement from the opening to the contract, through the staff desk: the
 * public page shows no price before the opening; a committee too small for the method refused in
 * words, then drawn; the evaluation started, one response rejected with its reason, one evaluated
 * price adjusted, the report's ranking, its delivery to the purchaser, the decision (the second
 * candidate refused in words, the first taken), the result notice and the contract (a future day
 * refused) with its deal. The public page shows the result, then the contract; each supplier sees
 * its own price, validity and whether it won. A second procurement is declared failed with its
 * public reason.
 */
describe('a procurement from the opening to the contract in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let suppliers: TestOrganization[];
  let today: string;

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });
  const post = (path: string, body: object = {}, user = staff) =>
    as(user)(request(suite.api).post(`/api${path}`)).send(body);
  const sql = (text: string, values: unknown[] = []) => suite.sql(text, values);
  const businessDaysAfter = async (from: string, businessDays: number) =>
    (await request(suite.api).get('/api/calendar/deadline').query({ from, businessDays }).expect(200)).body
      .date as string;

  beforeAll(async () => {
    today = await suite.today();
    staff = await suite.operator('staff');
    // Organisations' own accounts: the public pages name each by its registered name.
    suppliers = await Promise.all(PRICES.map(() => suite.organization()));
  });

  /** Announced with every supplier qualified and responded, as test/procurement-evaluation.e2e-spec.ts does. */
  async function respondedProcurement(title: string, bidders: TestOrganization[]) {
    const created = await post('/procurements', {
      method: 'open_tender',
      title,
      purchaserName: '南昌市东湖区数据局',
      purchaserOrgCode: randomOrgCode(),
      description: '政务云资源租用一年',
      budget: 800_000_000,
      deposit: 10_000_000,
      documents: [],
      documentsIssuedOn: today,
      documentsAvailableUntil: await businessDaysAfter(today, 5),
      deadlineOn: addCalendarDays(today, 20),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/procurements/${id}/announce`).expect(200);
    for (const [index, supplier] of bidders.entries()) {
      const applied = await post(
        `/procurements/${id}/registrations`,
        { organizationCode: supplier.orgCode },
        supplier,
      ).expect(201);
      // Staff confirm the organisation's registered name: how the public names it.
      await post(`/procurements/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
        organizationName: supplier.name,
      }).expect(200);
      await as(supplier)(request(suite.api).put(`/api/procurements/${id}/response`))
        .send({ price: PRICES[index], documents: [] })
        .expect(200);
    }
    return id;
  }

  /** The deadline passes (moved in SQL, as time would) and the worker opens the responses. */
  async function open(id: string) {
    await sql(
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(
      async () => {
        const got = await as(staff)(request(suite.api).get(`/api/procurements/${id}`)).expect(200);
        return got.body.status === 'opened' || undefined;
      },
      20_000,
      'opened',
    );
  }

  it('staff evaluate, deliver the report, decide, announce and record the contract; the public and each supplier follow', async () => {
    const specialty = `s${randomBytes(4).toString('hex')}`;
    for (let index = 0; index < 5; index += 1)
      await post('/experts', {
        name: `评审专家${index + 1}`,
        employerName: '江西省信息技术研究院',
        employerOrgCode: randomOrgCode(),
        specialties: [specialty],
      }).expect(201);
    const id = await respondedProcurement('东湖区政务云服务采购（评审）', suppliers);
    const nameOf = await suite.displayNames(suppliers);
    const [a, b, c, d] = suppliers;

    // Before the opening the public page carries no price of any response, nor a record or result.
    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    const errors = watchErrors(publicPage);
    await publicPage.goto(`${suite.web}/procurements/${id}`);
    await publicPage.getByTestId('procurement-schedule').waitFor();
    const sealedText = (await publicPage.locator('main').textContent())!;
    for (const price of ['5,200,000.00', '5,000,000.00', '5,100,000.00', '4,900,000.00'])
      expect(sealedText).not.toContain(price);
    expect(await publicPage.getByTestId('opening-record').count()).toBe(0);
    expect(await publicPage.getByTestId('procurement-result').count()).toBe(0);
    // The supplier itself sees a receipt, not its price.
    const winnerPage = await (await suite.signedIn(c, ['bidder'], PHONE)).newPage();
    errors.push(...watchErrors(winnerPage));
    await winnerPage.goto(`${suite.web}/procurements/${id}`);
    await winnerPage.locator('[data-testid=bid-receipt][data-status=submitted]').waitFor();
    expect(await winnerPage.getByTestId('my-opened-price').count()).toBe(0);

    await open(id);
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    errors.push(...watchErrors(desk));
    await desk.goto(`${suite.web}/staff/procurements/${id}`);
    const evaluation = desk.getByTestId('evaluation-desk');

    // Three experts are too few for an open tender: refused in words; five are drawn.
    const drawForm = evaluation.getByRole('form', { name: '抽取评审委员会' });
    await drawForm.getByLabel('专业代码').fill(specialty);
    await drawForm.getByLabel('抽取专家人数').fill('3');
    await drawForm.getByRole('button', { name: '抽取评审委员会' }).click();
    await evaluation.getByText('评审委员会人数少于该采购方式的法定人数').waitFor();
    await drawForm.getByLabel('抽取专家人数').fill('5');
    await drawForm.getByRole('button', { name: '抽取评审委员会' }).click();
    await evaluation.getByTestId('committee').locator('tbody tr').nth(4).waitFor();
    await checkBothLanguages(desk);
    await evaluation.getByRole('button', { name: '开始评审' }).click();
    await desk.locator('[data-status=evaluating]').first().waitFor();

    // d is rejected with its reason; c's evaluated price is adjusted below b's.
    const rejectForm = evaluation.getByRole('form', { name: '否决响应文件' });
    await rejectForm.getByLabel('供应商').selectOption({ label: nameOf(d) });
    await rejectForm.getByLabel('原因').fill('未提供财务审计报告');
    await rejectForm.getByRole('button', { name: '否决响应文件' }).click();
    await evaluation.locator('[data-testid=evaluation-entries] tr[data-rejected=true]').waitFor();
    const pricesForm = evaluation.getByRole('form', { name: '保存评标价' });
    expect(await pricesForm.locator('fieldset').count()).toBe(3);
    const cPrices = pricesForm.locator('fieldset', { hasText: nameOf(c) });
    await cPrices.getByLabel('评标价 (元)').fill('4,950,000.00');
    await cPrices.getByLabel('调整说明').fill('小微企业价格扣除');
    await pricesForm.getByRole('button', { name: '保存评标价' }).click();
    await evaluation.getByTestId('evaluation-entries').getByText('4,950,000.00 元').waitFor();

    const reportForm = evaluation.getByRole('form', { name: '提交评审报告' });
    await reportForm.getByLabel('签字的评审报告（仅在本机计算摘要，不上传）').setInputFiles({
      name: '评审报告.pdf',
      mimeType: 'application/pdf',
      buffer: REPORT_FILE,
    });
    await reportForm.getByRole('button', { name: '提交评审报告' }).click();
    const ranking = evaluation.getByTestId('candidates');
    await ranking.locator('tr[data-rank="1"]').getByText(nameOf(c)).waitFor();
    await ranking.locator('tr[data-rank="2"]').getByText(nameOf(b)).waitFor();
    await ranking.locator('tr[data-rank="3"]').getByText(nameOf(a)).waitFor();

    // Delivered to the purchaser today; the decision is due 5 business days on.
    await evaluation.getByRole('button', { name: '评审报告已送交采购人' }).click();
    await desk.locator('[data-status=report_delivered]').first().waitFor();
    await evaluation
      .getByTestId('decision-due-on')
      .getByText(await businessDaysAfter(today, 5))
      .waitFor();

    // The ranking is followed: the second candidate is refused in words, the first is taken.
    const decision = evaluation.getByRole('form', { name: '确定成交供应商' });
    await decision.getByLabel('成交供应商').selectOption({ label: `2. ${nameOf(b)}` });
    await decision.getByLabel('理由（不选第一名时填写）').fill('第一名业绩较少');
    await decision.getByRole('button', { name: '确定成交供应商' }).click();
    await evaluation.getByText('国有资金项目应确定排名第一的中标候选人为中标人').waitFor();
    await decision.getByLabel('成交供应商').selectOption({ label: `1. ${nameOf(c)}` });
    await decision.getByLabel('理由（不选第一名时填写）').fill('');
    await decision.getByRole('button', { name: '确定成交供应商' }).click();
    await desk.locator('[data-status=award_decided]').first().waitFor();
    await evaluation.getByTestId('award-decision').getByText(nameOf(c)).waitFor();
    await checkBothLanguages(desk);

    // Decided but not announced: the public page still shows no result.
    await publicPage.reload();
    await publicPage.getByTestId('opening-record').waitFor();
    expect(await publicPage.getByTestId('procurement-result').count()).toBe(0);

    await evaluation.getByRole('button', { name: '发布成交结果公告并发出成交通知书' }).click();
    await desk.locator('[data-status=awarded]').first().waitFor();
    await publicPage.reload();
    const result = publicPage.getByTestId('procurement-result');
    await result.getByText(nameOf(c)).waitFor();
    await result.getByText('5,100,000.00 元').waitFor();
    await result.getByText(addCalendarDays(today, 30)).waitFor();
    await checkBothLanguages(publicPage);

    // Each supplier: its own price and validity after the opening, and whether it won.
    await winnerPage.reload();
    await winnerPage
      .locator('[data-testid=my-opened-price][data-valid=true]')
      .getByText('5,100,000.00 元')
      .waitFor();
    await winnerPage.locator('[data-testid=my-outcome][data-outcome=won]').waitFor();
    await winnerPage.goto(`${suite.web}/me`);
    const winnerRow = winnerPage.getByTestId('my-procurements').locator(`tr[data-project-id="${id}"]`);
    await winnerRow.getByText('5,100,000.00 元').waitFor();
    await winnerRow.getByText('有效').waitFor();
    await winnerRow.locator('[data-outcome=won]').getByText('成交').waitFor();
    await winnerRow.getByText('已发布结果公告').waitFor();
    await checkBothLanguages(winnerPage);
    const loserPage = await (await suite.signedIn(a, ['bidder'], PHONE)).newPage();
    errors.push(...watchErrors(loserPage));
    await loserPage.goto(`${suite.web}/me`);
    const loserRow = loserPage.getByTestId('my-procurements').locator(`tr[data-project-id="${id}"]`);
    await loserRow.getByText('5,200,000.00 元').waitFor();
    await loserRow.locator('[data-outcome=lost]').getByText('未成交').waitFor();

    // The contract: a future day is refused in words; today's is recorded with its deal.
    const contractForm = evaluation.getByRole('form', { name: '登记合同' });
    const contractFile = {
      name: '采购合同.pdf',
      mimeType: 'application/pdf',
      buffer: CONTRACT_FILE,
    };
    await contractForm.getByLabel('合同签订日').fill(addCalendarDays(today, 1));
    await contractForm.getByLabel('合同文件（仅在本机计算摘要，不上传）').setInputFiles(contractFile);
    await contractForm.getByRole('button', { name: '登记合同' }).click();
    await evaluation.getByText('合同签订后方可登记，签订日不能晚于今天').waitFor();
    await contractForm.getByLabel('合同签订日').fill(today);
    await contractForm.getByRole('button', { name: '登记合同' }).click();
    await desk.locator('[data-status=contracted]').first().waitFor();
    const dealId = (await evaluation.getByTestId('deal-id').textContent())!;
    await checkBothLanguages(desk);

    await publicPage.reload();
    await result.getByTestId('contract-signed-on').getByText(today).waitFor();
    await result.getByText(createHash('sha256').update(CONTRACT_FILE).digest('hex')).waitFor();
    await checkBothLanguages(publicPage);
    await screenshot(publicPage, 'procurement-result');

    const [stored] = (
      await sql(
        `SELECT e.report_sha256, d.id AS deal_id, d.amount::bigint::text AS amount, d.winner_id
         FROM procurement_evaluations e JOIN deals d ON d.source_id = e.project_id
         WHERE e.project_id = $1 AND d.source_type = 'procurement_award'`,
        [id],
      )
    ).rows as { report_sha256: string; deal_id: string; amount: string; winner_id: string }[];
    expect(stored).toEqual({
      report_sha256: createHash('sha256').update(REPORT_FILE).digest('hex'),
      deal_id: dealId,
      amount: '510000000',
      winner_id: c.id,
    });
    expect(errors).toEqual([]);
  }, 300_000);

  it('staff declare an opened procurement failed with its public reason; the public page and the suppliers show it', async () => {
    const bidders = suppliers.slice(0, 3);
    const id = await respondedProcurement('东湖区政务云服务采购（第二次）', bidders);
    await open(id);
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/procurements/${id}`);
    await desk.getByTestId('evaluation-desk').getByRole('form', { name: '抽取评审委员会' }).waitFor();
    const fail = desk.getByRole('form', { name: '宣布废标' });
    await fail.getByLabel('原因').fill('采购需求发生重大变化');
    await fail.getByRole('button', { name: '宣布废标' }).click();
    await desk.locator('[data-status=failed]').first().waitFor();
    await desk.getByTestId('procurement-failed').getByText('采购需求发生重大变化').waitFor();
    // Nothing of the desk's steps is offered on a failed procurement.
    expect(await desk.getByRole('form', { name: '抽取评审委员会' }).count()).toBe(0);
    expect(await desk.getByRole('form', { name: '宣布废标' }).count()).toBe(0);
    await checkBothLanguages(desk);

    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/procurements/${id}`);
    await publicPage.getByTestId('procurement-failed').getByText('采购需求发生重大变化').waitFor();
    await publicPage.getByTestId('opening-record').getByText('5,200,000.00 元').waitFor();
    expect(await publicPage.getByTestId('procurement-result').count()).toBe(0);
    await checkBothLanguages(publicPage);

    const supplier = await (await suite.signedIn(bidders[0], ['bidder'], PHONE)).newPage();
    errors.push(...watchErrors(supplier));
    await supplier.goto(`${suite.web}/me`);
    const row = supplier.getByTestId('my-procurements').locator(`tr[data-project-id="${id}"]`);
    await row.getByText('废标').waitFor();
    await row.getByText('5,200,000.00 元').waitFor();
    expect(errors).toEqual([]);
  }, 180_000);
});
