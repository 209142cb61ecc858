import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { type TestOrganization, type TestUser, waitFor } from '../support/factories.js';
import { randomOrgCode } from '../support/organization-codes.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

const SHA = 'e'.repeat(64);
const BUDGET = 800_000_000;
const FILE = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(name) });

/**
 * The procurement methods beyond the common path, in a real browser on a phone, in Chinese and
 * English; the earlier steps are set up through the API as test/procurement-methods.e2e-spec.ts
 * does. A single source: its publicity's objections public without who filed them, one filed by
 * a signed-in supplier, answered by staff (upheld → failed with its reason), the negotiation's
 * price (above the budget refused in words) and on to the contract. A framework agreement: the
 * admitted suppliers and call-offs public, staff record an order (refusals in words) and close it.
 * The failed single source re-planned as an open tender (the approval refused in words without it).
 * Comprehensive scoring: each member's scores entered on the desk, the ranking with total scores.
 */
describe('procurement methods in a real browser: single source, framework agreement, scoring', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let suppliers: TestOrganization[];
  let today: string;
  let yesterday: string;

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });
  const post = (path: string, body: object = {}, user = staff) =>
    as(user)(request(suite.api).post(`/api${path}`)).send(body);
  const sql = (text: string, values: unknown[] = []) => suite.sql(text, values);
  const statusOf = async (id: string) =>
    (await as(staff)(request(suite.api).get(`/api/procurements/${id}`)).expect(200)).body.status as string;
  const businessDaysAfter = async (from: string, businessDays: number) =>
    (await request(suite.api).get('/api/calendar/deadline').query({ from, businessDays }).expect(200)).body
      .date as string;

  beforeAll(async () => {
    today = await suite.today();
    yesterday = addCalendarDays(today, -1);
    staff = await suite.operator('staff');
    // Organisations' own accounts: the public pages name each by its registered name.
    suppliers = await Promise.all([0, 1, 2].map(() => suite.organization()));
  });

  const base = () => ({
    title: '东湖区专利检测设备采购',
    purchaserName: '南昌市东湖区市场监督管理局',
    purchaserOrgCode: randomOrgCode(),
    description: '专利检测设备一台',
    budget: BUDGET,
    documents: [{ name: '采购文件.pdf', sha256: SHA }],
  });

  /** `count` experts of a specialty of their own: the draw's needs. */
  async function experts(count: number) {
    const specialty = `s${randomBytes(4).toString('hex')}`;
    for (let index = 0; index < count; index += 1)
      await post('/experts', {
        name: `评审专家${index + 1}`,
        employerName: '江西省信息技术研究院',
        employerOrgCode: randomOrgCode(),
        specialties: [specialty],
      }).expect(201);
    return { needs: [{ specialty, count }] };
  }

  async function publicised(title: string) {
    const created = await post('/procurements', {
      ...base(),
      title,
      method: 'single_source',
      publicityStartsOn: today,
      publicityEndsOn: await businessDaysAfter(today, 5),
      singleSourceSupplier: '某专利设备制造有限公司',
      singleSourceReasons: '只能从唯一供应商处采购(专利)',
    }).expect(201);
    await post(`/procurements/${created.body.id}/publicise`).expect(200);
    return created.body.id as string;
  }

  /** Announced with the three suppliers qualified, responded, the committee drawn and opened. */
  async function opened(extra: Record<string, unknown>, prices: number[]) {
    const created = await post('/procurements', {
      ...base(),
      method: 'open_tender',
      deposit: 10_000_000,
      documentsIssuedOn: today,
      documentsAvailableUntil: await businessDaysAfter(today, 5),
      deadlineOn: addCalendarDays(today, 20),
      ...extra,
    }).expect(201);
    const id = created.body.id as string;
    await post(`/procurements/${id}/announce`).expect(200);
    const bidIds: string[] = [];
    for (const [index, supplier] of suppliers.entries()) {
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
      const receipt = await as(supplier)(request(suite.api).put(`/api/procurements/${id}/response`))
        .send({ price: prices[index], documents: [] })
        .expect(200);
      bidIds.push(receipt.body.bidId);
    }
    await post(`/procurements/${id}/committee/draw`, await experts(5)).expect(201);
    await sql(
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 20_000, 'opened');
    return { id, bidIds };
  }

  it('single source: objections public without their filer, one filed by a supplier, answered by staff; upheld fails it; the negotiation to the contract', async () => {
    const nameOf = await suite.displayNames(suppliers);
    const [a, b] = suppliers;
    const id = await publicised('东湖区专利检测设备采购（单一来源）');
    const errors: string[] = [];

    // A signed-in supplier objects on the public page; the objection shows without who filed it.
    const supplierPage = await (await suite.signedIn(a, ['bidder'], PHONE)).newPage();
    errors.push(...watchErrors(supplierPage));
    await supplierPage.goto(`${suite.web}/procurements/${id}`);
    const objections = supplierPage.getByTestId('publicity-objections');
    const fileForm = objections.getByRole('form', { name: '对单一来源公示提出异议' });
    await fileForm.getByLabel('异议内容').fill('该设备另有两家国内厂商可以供货');
    await fileForm.getByLabel('异议材料（仅在本机计算摘要，不上传）').setInputFiles(FILE('异议书.pdf'));
    await fileForm.getByRole('button', { name: '对单一来源公示提出异议' }).click();
    await objections.getByText('该设备另有两家国内厂商可以供货').waitFor();
    await objections.getByText('异议书.pdf').waitFor();
    await checkBothLanguages(supplierPage);

    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/procurements/${id}`);
    await publicPage
      .getByTestId('publicity-objections')
      .getByText('该设备另有两家国内厂商可以供货')
      .waitFor();
    expect(await publicPage.getByRole('form', { name: '对单一来源公示提出异议' }).count()).toBe(0);
    const publicText = (await publicPage.locator('main').textContent())!;
    expect(publicText).not.toContain(nameOf(a));
    expect(publicText).not.toContain(a.username);

    // Staff answer it (not upheld); the answer is public.
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    errors.push(...watchErrors(desk));
    await desk.goto(`${suite.web}/staff/procurements/${id}`);
    const answerForm = desk.getByRole('form', { name: '答复异议' });
    await answerForm.getByLabel('答复内容').fill('经补充论证，其他厂商产品不满足专利技术要求，异议不成立');
    await answerForm.getByRole('button', { name: '答复异议' }).click();
    await desk.locator('[data-testid=objection-answer][data-upheld=false]').waitFor();
    await checkBothLanguages(desk);
    await publicPage.reload();
    await publicPage
      .locator('[data-testid=objection-answer][data-upheld=false]')
      .getByText('其他厂商产品不满足专利技术要求', { exact: false })
      .waitFor();
    await checkBothLanguages(publicPage);

    // Before the publicity's last day is over, concluding it is refused in words.
    await desk.getByRole('button', { name: '公示期满，进入协商' }).click();
    await desk.locator('[role=alert][data-code=PUBLICITY_NOT_ENDED]').getByText('公示期尚未结束').waitFor();
    // The publicity over (as time would): staff conclude it from the desk.
    await sql(
      `UPDATE procurement_projects SET publicity_starts_on = $2::date - 10, publicity_ends_on = $2::date WHERE id = $1`,
      [id, yesterday],
    );
    await desk.reload();
    await desk.getByRole('button', { name: '公示期满，进入协商' }).click();
    await desk.locator('[data-status=responding]').first().waitFor();

    // The named supplier registers on the public page (no sealed response: it negotiates).
    const named = await (await suite.signedIn(b, ['bidder'], PHONE)).newPage();
    errors.push(...watchErrors(named));
    await named.goto(`${suite.web}/procurements/${id}`);
    await named.getByTestId('single-source-registration').getByText('某专利设备制造有限公司').waitFor();
    const apply = named.getByRole('form', { name: '报名参加采购' });
    await apply.getByLabel('统一社会信用代码').fill(b.orgCode);
    await apply.getByRole('button', { name: '报名参加采购' }).click();
    await named.locator('[data-testid=my-registration][data-status=pending]').waitFor();
    expect(await named.getByRole('form', { name: '密封提交响应文件' }).count()).toBe(0);
    await checkBothLanguages(named);

    // Staff qualify it, draw the negotiation group (a group of 4 refused in words) and start.
    await desk.reload();
    const start = desk.getByTestId('single-source-negotiation-start');
    await start.getByText('待供应商报名并通过资格审查', { exact: false }).waitFor();
    // The registered name to confirm, prefilled with the account's name for staff to check.
    const pending = desk.locator('[data-testid=supplier-registrations] tr[data-status=pending]');
    const confirmedName = pending.getByRole('textbox', { name: '单位名称（营业执照）' });
    expect(await confirmedName.inputValue()).toBe(b.name);
    await confirmedName.fill(` ${b.name} `);
    await pending.getByRole('button', { name: '确认保证金并通过' }).click();
    await desk
      .locator('[data-testid=supplier-registrations] tr[data-status=qualified]')
      .getByTestId('organization-name')
      .getByText(b.name, { exact: true })
      .waitFor();
    await start.getByText('已通过资格审查').waitFor();
    const { needs } = await experts(3);
    const group = start.getByRole('form', { name: '抽取协商小组' });
    await group.getByLabel('专业代码').fill(needs[0].specialty);
    await group.getByLabel('抽取专家人数').fill('4');
    await group.getByRole('button', { name: '抽取协商小组' }).click();
    await start.locator('[role=alert][data-code=COMMITTEE_NOT_ODD]').waitFor();
    await group.getByLabel('抽取专家人数').fill('3');
    await group.getByRole('button', { name: '抽取协商小组' }).click();
    await start.getByTestId('negotiation-group-drawn').getByText('成员名单在协商开始后可见').waitFor();
    expect(await start.getByRole('form', { name: '抽取协商小组' }).count()).toBe(0);
    await checkBothLanguages(desk);
    await start.getByRole('button', { name: '开始协商' }).click();
    await desk.locator('[data-status=evaluating]').first().waitFor();
    expect(await desk.getByTestId('single-source-negotiation-start').count()).toBe(0);
    // The group is shown to staff now that the negotiation has started.
    await desk.getByTestId('evaluation-desk').getByTestId('committee').waitFor();

    // The negotiated price: above the budget refused in words; then recorded.
    await desk.reload();
    const evaluation = desk.getByTestId('evaluation-desk');
    const negotiation = evaluation.getByRole('form', { name: '登记协商结果' });
    await negotiation.getByLabel('协商确定的成交价格 (元)').fill('8,000,000.01');
    await negotiation
      .getByLabel('签字的协商记录（仅在本机计算摘要，不上传）')
      .setInputFiles(FILE('协商记录.pdf'));
    await negotiation.getByRole('button', { name: '登记协商结果' }).click();
    await evaluation.getByText('协商价格超过采购预算，不能成交').waitFor();
    await checkBothLanguages(desk);
    await negotiation.getByLabel('协商确定的成交价格 (元)').fill('7,600,000.00');
    await negotiation.getByRole('button', { name: '登记协商结果' }).click();
    const ranking = evaluation.getByTestId('candidates');
    await ranking.locator('tr[data-rank="1"]').getByText(nameOf(b)).waitFor();
    await ranking.locator('tr[data-rank="1"]').getByText('7,600,000.00 元').first().waitFor();

    // On to the contract through the desk.
    await evaluation.getByRole('button', { name: '评审报告已送交采购人' }).click();
    await desk.locator('[data-status=report_delivered]').first().waitFor();
    await evaluation
      .getByRole('form', { name: '确定成交供应商' })
      .getByRole('button', { name: '确定成交供应商' })
      .click();
    await desk.locator('[data-status=award_decided]').first().waitFor();
    await evaluation.getByRole('button', { name: '发布成交结果公告并发出成交通知书' }).click();
    await desk.locator('[data-status=awarded]').first().waitFor();
    const contract = evaluation.getByRole('form', { name: '登记合同' });
    await contract.getByLabel('合同签订日').fill(today);
    await contract.getByLabel('合同文件（仅在本机计算摘要，不上传）').setInputFiles(FILE('合同.pdf'));
    await contract.getByRole('button', { name: '登记合同' }).click();
    await desk.locator('[data-status=contracted]').first().waitFor();

    await publicPage.reload();
    const result = publicPage.getByTestId('procurement-result');
    await result.getByText(nameOf(b)).waitFor();
    await result.getByText('7,600,000.00 元').waitFor();
    await result.getByTestId('contract-signed-on').getByText(today).waitFor();
    await checkBothLanguages(publicPage);
    await screenshot(publicPage, 'procurement-single-source');

    // A second single source: an objection upheld fails it, the reason shown to all.
    const failing = await publicised('东湖区专利检测设备采购（异议成立）');
    await post(`/procurements/${failing}/publicity-objections`, { text: '异议一' }, a).expect(201);
    await desk.goto(`${suite.web}/staff/procurements/${failing}`);
    const upheld = desk.getByRole('form', { name: '答复异议' });
    await upheld.getByLabel('答复内容').fill('异议成立，改用公开招标');
    await upheld.getByLabel('异议成立（项目将终止单一来源方式）').check();
    await upheld.getByRole('button', { name: '答复异议' }).click();
    await desk.locator('[data-status=failed]').first().waitFor();
    await desk
      .getByTestId('procurement-failed')
      .getByText('单一来源公示异议成立', { exact: false })
      .waitFor();
    await publicPage.goto(`${suite.web}/procurements/${failing}`);
    await publicPage
      .getByTestId('procurement-failed')
      .getByText('单一来源公示异议成立', { exact: false })
      .waitFor();
    await publicPage.locator('[data-testid=objection-answer][data-upheld=true]').waitFor();
    await checkBothLanguages(publicPage);

    // 重新组织采购: staff re-plan it as an open tender; another method without its approval is
    // refused in words, with it the successor opens, linked both ways.
    const replan = desk.getByRole('form', { name: '重新组织采购' });
    await replan.getByLabel('采购方式').selectOption({ label: '公开招标' });
    await replan.getByLabel('采购文件发出日').fill(today);
    await replan.getByLabel('采购文件提供截止日').fill(await businessDaysAfter(today, 5));
    await replan.getByLabel('响应截止日').fill(addCalendarDays(today, 20));
    await replan.getByRole('button', { name: '重新组织采购' }).click();
    await replan.getByText('改用其他采购方式须填写财政部门的批准文号').waitFor();
    await checkBothLanguages(desk);
    await replan.getByLabel('批准文号').fill('东财采〔2026〕14号');
    await replan.getByRole('button', { name: '重新组织采购' }).click();
    const rounds = desk.getByTestId('procurement-rounds');
    await rounds.getByText('东财采〔2026〕14号', { exact: false }).waitFor();
    await desk.locator('[data-status=planned]').first().waitFor();
    const [successor] = (
      await sql(`SELECT id, method, round FROM procurement_projects WHERE previous_round_id = $1`, [failing])
    ).rows;
    expect(successor).toMatchObject({ method: 'open_tender', round: 2 });
    expect(desk.url()).toBe(`${suite.web}/staff/procurements/${successor.id}`);
    await rounds.getByRole('link', { name: '上一轮（废标）' }).click();
    await desk.locator('[data-status=replanned]').first().waitFor();
    await desk.getByTestId('procurement-rounds').getByRole('link', { name: '重新组织的采购' }).waitFor();
    expect(errors).toEqual([]);
  }, 300_000);

  it('framework agreement: the admitted suppliers and orders public; staff record an order in turn (顺序轮候; refusals in words) and close it', async () => {
    const nameOf = await suite.displayNames(suppliers);
    const [a, b, c] = suppliers;
    const { id, bidIds } = await opened(
      {
        method: 'framework_agreement',
        subjectType: 'goods',
        admittedSuppliers: 3,
        termStartsOn: addCalendarDays(today, 21),
        termEndsOn: addCalendarDays(today, 21 + 364),
        callOffMethod: 'rotation',
      },
      [500_000_000, 520_000_000, 540_000_000],
    );
    await post(`/procurements/${id}/start-evaluation`).expect(200);
    await post(`/procurements/${id}/evaluation/report`, { reportSha256: SHA }).expect(200);
    await post(`/procurements/${id}/report/deliver`).expect(200);
    await post(`/procurements/${id}/award-decision`, { bidId: bidIds[0] }).expect(200);
    await post(`/procurements/${id}/result`).expect(200);
    await post(`/procurements/${id}/contract`, { signedOn: today, contractSha256: SHA }).expect(200);
    // The agreement's term as if it had begun: orders from its signing (today).
    await sql(
      `UPDATE procurement_projects SET term_starts_on = $2::date - 30, term_ends_on = $2::date + 300 WHERE id = $1`,
      [id, today],
    );

    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    const errors = watchErrors(publicPage);
    await publicPage.goto(`${suite.web}/procurements/${id}`);
    const admitted = publicPage
      .getByTestId('procurement-result')
      .locator('..')
      .getByTestId('admitted-suppliers');
    await admitted.locator('tr[data-rank="1"]').getByText(nameOf(a)).waitFor();
    await admitted.locator('tr[data-rank="2"]').getByText(nameOf(b)).waitFor();
    expect(await admitted.getByText(nameOf(c)).count()).toBe(0);
    await publicPage.getByTestId('framework-call-offs').getByText('暂无').waitFor();
    await checkBothLanguages(publicPage);

    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    errors.push(...watchErrors(desk));
    await desk.goto(`${suite.web}/staff/procurements/${id}`);
    const callOffs = desk.getByTestId('framework-call-offs');
    const form = callOffs.getByRole('form', { name: '登记订单' });
    await form.getByLabel('供应商').selectOption({ label: `2. ${nameOf(b)}` });
    await form.getByLabel('订单内容').fill('第一批办公设备');
    await form.getByLabel('订单金额 (元)').fill('120,000.00');
    await form.getByLabel('下单日').fill(addCalendarDays(today, 1));
    await form.getByRole('button', { name: '登记订单' }).click();
    await callOffs.getByText('订单下达后方可登记，下单日不能晚于今天').waitFor();
    await form.getByLabel('下单日').fill(yesterday);
    await form.getByRole('button', { name: '登记订单' }).click();
    await callOffs.getByText('下单日不在框架协议期限内（自协议签订起）').waitFor();
    await checkBothLanguages(desk);
    // 顺序轮候: the first admitted has the first order; the second is refused in words.
    await form.getByLabel('下单日').fill(today);
    await form.getByRole('button', { name: '登记订单' }).click();
    await callOffs.getByText('顺序轮候：尚未轮到该供应商', { exact: false }).waitFor();
    await callOffs.getByTestId('next-in-rotation').getByText(nameOf(a)).waitFor();
    await form.getByLabel('供应商').selectOption({ label: `1. ${nameOf(a)}` });
    await form.getByRole('button', { name: '登记订单' }).click();
    const row = callOffs.getByTestId('call-offs').locator('tbody tr').first();
    await row.getByText('第一批办公设备').waitFor();
    await row.getByText(nameOf(a)).waitFor();
    await callOffs.getByTestId('next-in-rotation').getByText(nameOf(b)).waitFor();
    await callOffs.getByTestId('call-off-total').getByText('120,000.00 元').waitFor();

    await callOffs.getByRole('button', { name: '终止框架协议' }).click();
    await desk.locator('[data-status=closed]').first().waitFor();
    await desk.getByRole('form', { name: '登记订单' }).waitFor({ state: 'detached' });
    await checkBothLanguages(desk);

    await publicPage.reload();
    await publicPage.locator('[data-status=closed]').first().waitFor();
    const listed = publicPage.getByTestId('call-offs').locator('tbody tr').first();
    await listed.getByText('第一批办公设备').waitFor();
    await listed.getByText('120,000.00 元').waitFor();
    await checkBothLanguages(publicPage);
    await screenshot(publicPage, 'procurement-framework');
    const stored = await sql(
      `SELECT d.amount::bigint::text AS amount, d.subtype FROM procurement_call_offs o JOIN deals d ON d.id = o.deal_id WHERE o.project_id = $1`,
      [id],
    );
    expect(stored.rows).toEqual([{ amount: '12000000', subtype: 'framework' }]);
    expect(errors).toEqual([]);
  }, 300_000);

  it('comprehensive scoring: each member’s scores entered on the desk, the ranking with total scores', async () => {
    const nameOf = await suite.displayNames(suppliers);
    const [a, b, c] = suppliers;
    const { id } = await opened(
      {
        evaluationMethod: 'comprehensive_scoring',
        subjectType: 'services',
        criteria: [
          { id: 'price', weight: 30, kind: 'price_formula' },
          { id: 'technical', weight: 70, kind: 'scored' },
        ],
      },
      [500_000_000, 520_000_000, 540_000_000],
    );
    await post(`/procurements/${id}/start-evaluation`).expect(200);

    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/procurements/${id}`);
    const evaluation = desk.getByTestId('evaluation-desk');
    const scoreForm = evaluation.getByRole('form', { name: '保存该评委评分' });
    const technical = new Map([
      [nameOf(a), '60'],
      [nameOf(b), '70'],
      [nameOf(c), '100'],
    ]);
    for (let member = 0; member < 5; member += 1) {
      await scoreForm.getByLabel('评委').selectOption({ index: member });
      for (const [name, score] of technical)
        await scoreForm.locator('fieldset', { hasText: name }).getByLabel('technical (70)').fill(score);
      await scoreForm.getByRole('button', { name: '保存该评委评分' }).click();
      await evaluation
        .locator('[data-testid=evaluation-entries] tbody tr')
        .first()
        .getByText(String(member + 1), { exact: true })
        .waitFor();
      if (member === 0) await checkBothLanguages(desk);
    }
    const report = evaluation.getByRole('form', { name: '提交评审报告' });
    await report.getByLabel('签字的评审报告（仅在本机计算摘要，不上传）').setInputFiles(FILE('评审报告.pdf'));
    await report.getByRole('button', { name: '提交评审报告' }).click();
    // 30 × lowest / price + 0.7 × technical: c 97.78, b 77.85, a 72.
    const ranking = evaluation.getByTestId('candidates');
    for (const [rank, user, total] of [
      [1, c, '97.78'],
      [2, b, '77.85'],
      [3, a, '72'],
    ] as const) {
      const line = ranking.locator(`tr[data-rank="${rank}"]`);
      await line.getByText(nameOf(user)).waitFor();
      await line.getByText(total, { exact: true }).waitFor();
    }
    await checkBothLanguages(desk);
    await screenshot(desk, 'procurement-scoring');
    const stored = await sql(`SELECT count(*)::int AS n FROM procurement_scores WHERE project_id = $1`, [id]);
    expect(stored.rows[0].n).toBe(15);
    expect(errors).toEqual([]);
  }, 300_000);

  it('framework agreement by quality (质量优先法): planned on the page, the response above the ceiling out, ranked by quality, 40% left out', async () => {
    const bidders = [...suppliers, await suite.bidder()];
    const nameOf = await suite.displayNames(bidders);
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/procurements`);
    await desk.getByText('登记采购项目').click();
    const form = desk.getByRole('form', { name: '登记采购项目' });
    await form.getByLabel('采购方式').selectOption('framework_agreement');
    await form.getByLabel('项目名称').fill('东湖区疾控中心检测仪器框架协议');
    await form.getByLabel('采购人').fill('南昌市东湖区疾病预防控制中心');
    await form.getByLabel('统一社会信用代码').fill(randomOrgCode());
    await form.getByLabel('采购需求').fill('检测实验仪器设备，协议期内按需下单');
    await form.getByLabel('预算金额 (元)').fill('8,000,000');
    await form.getByLabel('采购文件发出日').fill(today);
    await form.getByLabel('采购文件提供截止日').fill(await businessDaysAfter(today, 5));
    await form.getByLabel('响应截止日').fill(addCalendarDays(today, 20));
    await form.getByLabel('采购标的').selectOption('services');
    await form.getByLabel('入围供应商数量上限').fill('5');
    await form.getByLabel('协议期限起始日').fill(addCalendarDays(today, 21));
    await form.getByLabel('协议期限届满日').fill(addCalendarDays(today, 21 + 364));
    await form.getByLabel('最高限制单价 (元)').fill('2,000,000');
    await form.getByLabel('入围评审方法').selectOption('quality_first');
    await form.getByLabel('采用质量优先法的情形').selectOption('testing_instruments');
    await form.getByLabel('质量评分因素（每行：因素 权重，权重合计100）').fill('technical 70\nservice 30');
    // Instruments as services: refused in words; as goods, planned.
    await form.getByRole('button', { name: '保存草稿' }).click();
    await form.getByText('检测、实验等仪器设备属于货物', { exact: false }).waitFor();
    await checkBothLanguages(desk);
    await form.getByLabel('采购标的').selectOption('goods');
    await form.getByRole('button', { name: '保存草稿' }).click();
    // (The list behind the form has planned projects of the other cases: wait for the new page.)
    await desk.waitForURL(/\/staff\/procurements\/[0-9a-f-]{36}$/);
    await desk.locator('[data-status=planned]').first().waitFor();
    const id = new URL(desk.url()).pathname.split('/').pop()!;
    await desk
      .getByTestId('framework-entry-method')
      .getByText('质量优先法 · 对质量有特别要求的检测、实验等仪器设备')
      .waitFor();
    await desk.getByTestId('max-unit-price').getByText('2,000,000.00 元').waitFor();
    await desk.getByTestId('framework-admission').getByText('40%', { exact: false }).waitFor();
    await desk.getByTestId('quality-factors').getByText('technical 70 · service 30').waitFor();
    await desk.getByRole('button', { name: '发布采购公告' }).click();
    await desk.locator('[data-status=responding]').first().waitFor();

    // Four respond (the fourth one fen above the ceiling), the committee drawn, opened.
    for (const bidder of bidders) {
      const applied = await post(
        `/procurements/${id}/registrations`,
        { organizationCode: randomOrgCode() },
        bidder,
      ).expect(201);
      await post(`/procurements/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
      }).expect(200);
    }
    const prices = [150_000_000, 180_000_000, 120_000_000, 200_000_001];
    const bidIds: string[] = [];
    for (const [index, bidder] of bidders.entries())
      bidIds.push(
        (
          await as(bidder)(request(suite.api).put(`/api/procurements/${id}/response`))
            .send({ price: prices[index], documents: [] })
            .expect(200)
        ).body.bidId,
      );
    await post(`/procurements/${id}/committee/draw`, await experts(5)).expect(201);
    await sql(
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(async () => (await statusOf(id)) === 'opened' || undefined, 20_000, 'opened');

    await desk.reload();
    const evaluation = desk.getByTestId('evaluation-desk');
    await evaluation.getByRole('button', { name: '开始评审' }).click();
    await desk.locator('[data-status=evaluating]').first().waitFor();
    // Out before anyone scores: its reason in the entries, and no fieldset to score it.
    await evaluation.getByText('响应报价超过最高限制单价').waitFor();
    const scoreForm = evaluation.getByRole('form', { name: '保存该评委评分' });
    await scoreForm.locator('fieldset').first().waitFor();
    expect(await scoreForm.locator('fieldset').count()).toBe(3);
    expect(await scoreForm.locator('fieldset', { hasText: nameOf(bidders[3]) }).count()).toBe(0);
    await checkBothLanguages(desk);

    // Every member scores quality only (the cheapest, third, scores lowest); the report on the desk.
    const members = (
      await as(staff)(request(suite.api).get(`/api/procurements/${id}/committee`)).expect(200)
    ).body.members.map((one: { expertId: string }) => one.expertId) as string[];
    for (const member of members)
      await as(staff)(request(suite.api).put(`/api/procurements/${id}/evaluation/scores/${member}`))
        .send({
          scores: bidIds.slice(0, 3).flatMap((bidId, index) =>
            ['technical', 'service'].map((criterionId) => ({
              bidId,
              criterionId,
              score: [90, 80, 70][index],
            })),
          ),
        })
        .expect(200);
    await desk.reload();
    const report = evaluation.getByRole('form', { name: '提交评审报告' });
    await report.getByLabel('签字的评审报告（仅在本机计算摘要，不上传）').setInputFiles(FILE('评审报告.pdf'));
    await report.getByRole('button', { name: '提交评审报告' }).click();
    // Three ranked by quality, at least 40% (two) left out: the first alone is admitted.
    const admitted = evaluation.getByTestId('candidates');
    await admitted.locator('tr[data-rank="1"]').getByText(nameOf(bidders[0])).waitFor();
    await admitted.locator('tr[data-rank="1"]').getByText('90', { exact: true }).waitFor();
    expect(await admitted.locator('tbody tr').count()).toBe(1);
    await checkBothLanguages(desk);
    await screenshot(desk, 'procurement-framework-quality-first');

    // The public page: the method, the ceiling and the share left out, as announced.
    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/procurements/${id}`);
    await publicPage
      .getByTestId('framework-entry-method')
      .getByText('质量优先法', { exact: false })
      .waitFor();
    await publicPage.getByTestId('max-unit-price').getByText('2,000,000.00 元').waitFor();
    await checkBothLanguages(publicPage);
    expect(errors).toEqual([]);
  }, 300_000);
});
