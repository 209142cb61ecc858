import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { type TestOrganization, type TestUser, waitFor } from '../support/factories.js';
import { randomOrgCode } from '../support/organization-codes.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

const REPORT_FILE = Buffer.from('评标报告 — 全体评委签字');
const CONTRACT_FILE = Buffer.from('施工合同 — 双方盖章');
const CRITERIA = [
  { id: 'technical', weight: 60, kind: 'scored' },
  { id: 'price', weight: 40, kind: 'price_formula' },
];
const PRICES = [1_900_000_000, 1_800_000_000, 1_850_000_000, 1_700_000_000];

/**
 * A state-funded tender by lowest evaluated price from the opening to the contract, through the
 * staff desk: the committee drawn by specialty, the evaluation started, one bid rejected with its
 * reason, the evaluated prices entered (one adjusted), the report's ranking, the candidates'
 * publicity (a too-short one refused with its boundary day), the award refused until the publicity
 * is over (its end moved into the past in SQL) and then made, and the contract with the SHA-256
 * of its file computed in the browser. The public page shows the candidates, then the award.
 */
describe('a tender from the opening to the contract in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let suppliers: TestOrganization[];
  let today: string;

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });
  const post = (path: string, body: object = {}, user = staff) =>
    as(user)(request(suite.api).post(`/api${path}`)).send(body);

  const sql = (text: string, values: unknown[] = []) => suite.sql(text, values);

  beforeAll(async () => {
    today = await suite.today();
    staff = await suite.operator('staff');
    // Organisations' own accounts: the public pages name each by its registered name.
    suppliers = await Promise.all(PRICES.map(() => suite.organization()));
  });

  /** Up to the opening through the API, as test/tender-evaluation.e2e-spec.ts does. */
  async function openedTender(
    specialty: string,
    terms: { stateFunded: boolean; comprehensive?: boolean; bidders: TestOrganization[] } = {
      stateFunded: true,
      bidders: suppliers,
    },
  ) {
    const created = await post('/tenders', {
      title: '东湖区某中学体育馆新建工程施工',
      ownerName: '南昌市东湖区教育局',
      ownerOrgCode: randomOrgCode(),
      kind: 'building',
      description: '钢结构单层',
      estimatedPrice: 2_000_000_000,
      stateFunded: terms.stateFunded,
      ...(terms.comprehensive
        ? { evaluationMethod: 'comprehensive_scoring', criteria: CRITERIA }
        : { evaluationMethod: 'lowest_evaluated_price' }),
      deposit: 20_000_000,
      documents: [],
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: today,
      bidDeadlineOn: addCalendarDays(today, 20),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/tenders/${id}/announce`).expect(200);
    for (const [index, supplier] of terms.bidders.entries()) {
      const applied = await post(
        `/tenders/${id}/registrations`,
        { organizationCode: supplier.orgCode },
        supplier,
      ).expect(201);
      // Staff confirm the organisation's registered name: how the public names it.
      await post(`/tenders/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
        organizationName: supplier.name,
      }).expect(200);
      await as(supplier)(request(suite.api).put(`/api/tenders/${id}/bid`))
        .send({ price: PRICES[index], documents: [] })
        .expect(200);
    }
    for (let index = 0; index < 5; index += 1)
      await post('/experts', {
        name: `评标专家${index + 1}`,
        employerName: '江西省建筑设计研究院',
        employerOrgCode: randomOrgCode(),
        specialties: [specialty],
      }).expect(201);
    await sql(
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(
      async () => {
        const tender = await as(staff)(request(suite.api).get(`/api/tenders/${id}`)).expect(200);
        return tender.body.status === 'opened' || undefined;
      },
      20_000,
      'opened',
    );
    return id;
  }

  it('staff evaluate, publish the candidates, award and record the contract; the public page follows', async () => {
    const specialty = `s${randomBytes(4).toString('hex')}`;
    const id = await openedTender(specialty);
    const nameOf = await suite.displayNames(suppliers);
    const [first, second, third, cheapest] = suppliers;

    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/tenders/${id}`);
    const evaluation = desk.getByTestId('evaluation-desk');

    // The committee: five experts of the specialty.
    const drawForm = evaluation.getByRole('form', { name: '抽取评标委员会' });
    await drawForm.getByLabel('专业代码').fill(specialty);
    await drawForm.getByLabel('抽取专家人数').fill('5');
    await drawForm.getByRole('button', { name: '抽取评标委员会' }).click();
    await evaluation.getByTestId('committee').locator('tbody tr').nth(4).waitFor();
    await checkBothLanguages(desk);
    await evaluation.getByRole('button', { name: '开始评标' }).click();
    await desk.locator('[data-status=evaluating]').first().waitFor();

    // The cheapest bid is rejected with its reason; the others get evaluated prices (one adjusted).
    const rejectForm = evaluation.getByRole('form', { name: '否决投标' });
    await rejectForm.getByLabel('投标人').selectOption({ label: nameOf(cheapest) });
    await rejectForm.getByLabel('原因').fill('未按招标文件要求提交项目经理注册证书');
    await rejectForm.getByRole('button', { name: '否决投标' }).click();
    await evaluation.locator('[data-testid=evaluation-entries] tr[data-rejected=true]').waitFor();
    const pricesForm = evaluation.getByRole('form', { name: '保存评标价' });
    expect(await pricesForm.locator('fieldset').count()).toBe(3);
    await pricesForm
      .locator('fieldset', { hasText: nameOf(second) })
      .getByLabel('评标价 (元)')
      .fill('18,700,000.00');
    await pricesForm
      .locator('fieldset', { hasText: nameOf(second) })
      .getByLabel('调整说明')
      .fill('补足漏项');
    await pricesForm.getByRole('button', { name: '保存评标价' }).click();
    await evaluation.getByTestId('evaluation-entries').getByText('18,700,000.00 元').waitFor();

    // The signed report: its SHA-256 computed in the browser; the ranking comes back.
    const reportForm = evaluation.getByRole('form', { name: '提交评标报告' });
    await reportForm.getByLabel('签字的评标报告（仅在本机计算摘要，不上传）').setInputFiles({
      name: '评标报告.pdf',
      mimeType: 'application/pdf',
      buffer: REPORT_FILE,
    });
    await reportForm.getByRole('button', { name: '提交评标报告' }).click();
    const ranking = evaluation.getByTestId('candidates');
    await ranking.locator('tr[data-rank="1"]').getByText(nameOf(third)).waitFor();
    await ranking.locator('tr[data-rank="2"]').getByText(nameOf(second)).waitFor();
    await ranking.locator('tr[data-rank="3"]').getByText(nameOf(first)).waitFor();

    // Publicity: two days is refused with the earliest lawful end; three days is published.
    const publicity = evaluation.getByRole('form', { name: '公示中标候选人' });
    await publicity.getByLabel('公示开始日').fill(today);
    await publicity.getByLabel('公示结束日').fill(addCalendarDays(today, 2));
    await publicity.getByRole('button', { name: '公示中标候选人' }).click();
    await evaluation.getByText('中标候选人公示期不得少于3日').waitFor();
    await evaluation
      .getByTestId('boundary-day')
      .filter({ hasText: addCalendarDays(today, 3) })
      .waitFor();
    await publicity.getByLabel('公示结束日').fill(addCalendarDays(today, 3));
    await publicity.getByRole('button', { name: '公示中标候选人' }).click();
    await desk.locator('[data-status=candidates_published]').first().waitFor();

    // The public page, signed out, shows the candidates during the publicity.
    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/tenders/${id}`);
    const shown = publicPage.getByTestId('tender-candidates');
    await shown.locator('tr[data-rank="1"]').getByText(nameOf(third)).waitFor();
    // The opening record names each organisation by its registered name and code too.
    await publicPage
      .getByTestId('opening-record')
      .getByText(`${nameOf(third)} ${third.orgCode}`)
      .waitFor();
    await shown.getByTestId('candidate-publicity').getByText(addCalendarDays(today, 3)).waitFor();
    await checkBothLanguages(publicPage);

    // The award waits for the publicity's end (the day after it is named), then goes to the first.
    const awardForm = evaluation.getByRole('form', { name: '发出中标通知书' });
    await awardForm.getByRole('button', { name: '发出中标通知书' }).click();
    await evaluation.getByText('公示期尚未结束').waitFor();
    await evaluation
      .getByTestId('boundary-day')
      .filter({ hasText: addCalendarDays(today, 4) })
      .waitFor();
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = $2::date - 4, publicity_ends_on = $2::date - 1
       WHERE project_id = $1`,
      [id, today],
    );
    // A state-funded tender may not pass over the first candidate, whatever the reason.
    await awardForm.getByLabel('中标人').selectOption({ label: `2. ${nameOf(second)}` });
    await awardForm.getByLabel('理由（不选第一名时必填）').fill('第一名放弃中标');
    await awardForm.getByRole('button', { name: '发出中标通知书' }).click();
    await evaluation.getByText('国有资金项目应确定排名第一的中标候选人为中标人').waitFor();
    await awardForm.getByLabel('中标人').selectOption({ label: `1. ${nameOf(third)}` });
    await awardForm.getByLabel('理由（不选第一名时必填）').fill('');
    await awardForm.getByRole('button', { name: '发出中标通知书' }).click();
    await desk.locator('[data-status=awarded]').first().waitFor();

    // The contract: signed today, its file hashed in the browser.
    const contractForm = evaluation.getByRole('form', { name: '登记合同' });
    await contractForm.getByLabel('合同签订日').fill(today);
    await contractForm.getByLabel('合同文件（仅在本机计算摘要，不上传）').setInputFiles({
      name: '施工合同.pdf',
      mimeType: 'application/pdf',
      buffer: CONTRACT_FILE,
    });
    await contractForm.getByRole('button', { name: '登记合同' }).click();
    await desk.locator('[data-status=contracted]').first().waitFor();
    await checkBothLanguages(desk);

    await publicPage.reload();
    const award = publicPage.getByTestId('tender-award');
    await award.getByText(nameOf(third)).waitFor();
    await award.getByText('18,500,000.00 元').waitFor();
    await award.getByTestId('contract-signed-on').getByText(today).waitFor();
    await award.getByText(createHash('sha256').update(CONTRACT_FILE).digest('hex')).waitFor();
    await checkBothLanguages(publicPage);
    await screenshot(publicPage, 'tender-award');

    const [stored] = (await sql(`SELECT report_sha256 FROM tender_evaluations WHERE project_id = $1`, [id]))
      .rows as { report_sha256: string }[];
    expect(stored.report_sha256).toBe(createHash('sha256').update(REPORT_FILE).digest('hex'));
    expect(errors).toEqual([]);
  }, 240_000);

  it("comprehensive scoring: each member's scores through the desk; a tender not state-funded awards the second with a reason", async () => {
    const specialty = `s${randomBytes(4).toString('hex')}`;
    const bidders = suppliers.slice(0, 3);
    const id = await openedTender(specialty, { stateFunded: false, comprehensive: true, bidders });
    const nameOf = await suite.displayNames(bidders);
    const [first, second] = bidders;
    await post(`/tenders/${id}/committee/draw`, { needs: [{ specialty, count: 5 }] }).expect(201);
    await post(`/tenders/${id}/start-evaluation`).expect(200);

    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/tenders/${id}`);
    const evaluation = desk.getByTestId('evaluation-desk');
    const scores = evaluation.getByRole('form', { name: '保存该评委评分' });
    // Every member gives the first bidder 90, the second 80 and the third 70 for 'technical'.
    await scores.getByLabel('评委').locator('option').nth(4).waitFor({ state: 'attached' });
    const members = await scores.getByLabel('评委').locator('option').allTextContents();
    expect(members).toHaveLength(5);
    for (const member of members) {
      await scores.getByLabel('评委').selectOption({ label: member });
      for (const [index, bidder] of bidders.entries())
        await scores
          .locator('fieldset', { hasText: nameOf(bidder) })
          .getByLabel('technical (60)')
          .fill(String(90 - index * 10));
      await scores.getByRole('button', { name: '保存该评委评分' }).click();
      await evaluation
        .getByTestId('evaluation-entries')
        .locator('tr')
        .nth(1)
        .locator('td')
        .nth(3)
        .getByText(String(members.indexOf(member) + 1), { exact: true })
        .waitFor();
    }
    const reportForm = evaluation.getByRole('form', { name: '提交评标报告' });
    await reportForm.getByLabel('签字的评标报告（仅在本机计算摘要，不上传）').setInputFiles({
      name: '评标报告.pdf',
      mimeType: 'application/pdf',
      buffer: REPORT_FILE,
    });
    await reportForm.getByRole('button', { name: '提交评标报告' }).click();
    // first: 0.6 × 90 + 0.4 × 18/19 × 100 = 91.89; second: 48 + 40 = 88.
    const ranking = evaluation.getByTestId('candidates');
    await ranking.locator('tr[data-rank="1"]').getByText('91.89').waitFor();
    await ranking.locator('tr[data-rank="2"]').getByText(nameOf(second)).waitFor();

    await post(`/tenders/${id}/candidates/publish`, {
      startsOn: today,
      endsOn: addCalendarDays(today, 3),
    }).expect(200);
    await sql(
      `UPDATE tender_evaluations SET publicity_starts_on = $2::date - 4, publicity_ends_on = $2::date - 1
       WHERE project_id = $1`,
      [id, today],
    );
    await desk.reload();
    const awardForm = evaluation.getByRole('form', { name: '发出中标通知书' });
    await awardForm.getByLabel('中标人').selectOption({ label: `2. ${nameOf(second)}` });
    await awardForm.getByLabel('理由（不选第一名时必填）').fill('第一名放弃中标');
    await awardForm.getByRole('button', { name: '发出中标通知书' }).click();
    await desk.locator('[data-status=awarded]').first().waitFor();

    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/tenders/${id}`);
    const award = publicPage.getByTestId('tender-award');
    await award.getByText(nameOf(second)).waitFor();
    await award.getByText('第一名放弃中标').waitFor();
    expect(await award.textContent()).not.toContain(nameOf(first));
    expect(errors).toEqual([]);
  }, 240_000);
});
