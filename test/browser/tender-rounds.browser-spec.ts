import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { organizationCode, type TestUser, waitFor } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

const SHA = 'f'.repeat(64);
const TITLE = '东湖区某社区卫生服务中心改造工程施工';

/**
 * A tender's objections, rounds and candidates dropping out in a real browser: a supplier objects
 * to the documents from the tender's page and sees it paused; staff answer from the desk (the
 * paused days given back to the deadline, shown to all, the objector named to staff only); a
 * candidate that gives up is recorded from the evaluation desk and shown with the candidates;
 * a failed round is re-tendered from the desk, the two rounds linked.
 */
describe('tender objections, candidates dropping out and re-tendering in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let suppliers: TestUser[];
  let today: string;

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });
  const post = (path: string, body: object = {}, user = staff) =>
    as(user)(request(suite.api).post(path)).send(body);
  const put = (path: string, body: object, user = staff) => as(user)(request(suite.api).put(path)).send(body);
  const statusOf = async (id: string) =>
    (await as(staff)(request(suite.api).get(`/api/tenders/${id}`)).expect(200)).body.status as string;

  /** An announced tender in bidding, every supplier qualified. */
  async function tenderInBidding() {
    const created = await post('/api/tenders', {
      title: TITLE,
      ownerName: '东湖区卫生健康委员会',
      ownerOrgCode: organizationCode(),
      kind: 'building',
      description: '既有建筑改造',
      estimatedPrice: 500_000_000,
      stateFunded: true,
      evaluationMethod: 'lowest_evaluated_price',
      documents: [{ name: '招标文件.pdf', sha256: SHA }],
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: today,
      bidDeadlineOn: addCalendarDays(today, 20),
    }).expect(201);
    const id = created.body.id as string;
    await post(`/api/tenders/${id}/announce`).expect(200);
    for (const supplier of suppliers) {
      const applied = await post(
        `/api/tenders/${id}/registrations`,
        { organizationCode: organizationCode() },
        supplier,
      ).expect(201);
      await post(`/api/tenders/${id}/registrations/${applied.body.id}/qualify`, {
        depositReceived: true,
      }).expect(200);
    }
    return id;
  }

  async function open(id: string, prices: number[]) {
    const bidIds: string[] = [];
    for (const [index, price] of prices.entries())
      bidIds.push(
        (await put(`/api/tenders/${id}/bid`, { price, documents: [] }, suppliers[index]).expect(200)).body
          .bidId,
      );
    await suite.sql(
      `UPDATE tender_projects SET bid_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    const status = prices.length >= 3 ? 'opened' : 'failed';
    await waitFor(async () => ((await statusOf(id)) === status ? true : undefined), 20_000, status);
    return bidIds;
  }

  /** A tender whose committee reported and whose candidates are in their publicity. */
  async function candidatesPublished() {
    const id = await tenderInBidding();
    const specialty = `s${randomBytes(4).toString('hex')}`;
    for (let index = 0; index < 4; index += 1)
      await post('/api/experts', {
        name: `专家${index}`,
        employerName: '某设计院',
        employerOrgCode: organizationCode(),
        specialties: [specialty],
      }).expect(201);
    await post(`/api/tenders/${id}/committee/draw`, {
      needs: [{ specialty, count: 4 }],
      ownerRepresentatives: 1,
    }).expect(201);
    const bidIds = await open(id, [400_000_000, 410_000_000, 420_000_000]);
    await post(`/api/tenders/${id}/start-evaluation`).expect(200);
    await put(`/api/tenders/${id}/evaluation/evaluated-prices`, {
      prices: bidIds.map((bidId, index) => ({ bidId, evaluatedPrice: 400_000_000 + index * 10_000_000 })),
    }).expect(200);
    await post(`/api/tenders/${id}/evaluation/report`, { reportSha256: 'a'.repeat(64) }).expect(200);
    await post(`/api/tenders/${id}/candidates/publish`, {
      startsOn: today,
      endsOn: addCalendarDays(today, 3),
    }).expect(200);
    return id;
  }

  beforeAll(async () => {
    today = await suite.today();
    staff = await suite.operator('staff');
    suppliers = await Promise.all([suite.bidder(), suite.bidder(), suite.bidder()]);
  });

  it('a supplier objects to the documents; staff answer; the paused days move the deadline for everyone to see', async () => {
    const id = await tenderInBidding();
    const [alice] = suppliers;
    const supplier = await (await suite.signedIn(alice, ['bidder'], PHONE)).newPage();
    const errors = watchErrors(supplier);
    await supplier.goto(`${suite.web}/tenders/${id}`);
    await supplier.getByRole('heading', { name: TITLE }).waitFor();
    const form = supplier.getByRole('form', { name: '提出异议' });
    await form.getByLabel('异议对象').selectOption('tender_documents');
    await form.getByLabel('异议内容').fill('业绩要求限定本省，排斥外省潜在投标人');
    await form.getByRole('button', { name: '提出异议' }).click();
    await supplier.locator('[data-status=suspended]').first().waitFor();
    const objections = supplier.getByTestId('tender-objections');
    await objections.getByText('业绩要求限定本省，排斥外省潜在投标人').waitFor();
    await objections.getByText('本单位提出').waitFor();
    await supplier.getByTestId('tender-suspended').waitFor();
    await checkBothLanguages(supplier);

    // Filed 3 days ago (moved in the database, as time would): the deadline moves by 3.
    await suite.sql(`UPDATE tender_projects SET suspended_on = suspended_on - 3 WHERE id = $1`, [id]);
    await suite.sql(
      `UPDATE tender_objections SET filed_on = filed_on - 3, reply_due_on = reply_due_on - 3 WHERE project_id = $1`,
      [id],
    );
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    errors.push(...watchErrors(desk));
    await desk.goto(`${suite.web}/staff/tenders/${id}`);
    await desk.getByTestId('suspension').getByText('投标中').waitFor();
    const reply = desk.getByRole('form', { name: '答复异议' });
    await reply.getByLabel('答复内容').fill('异议成立，将发布澄清修改，删除该业绩要求');
    await reply.getByLabel('异议成立').check();
    await reply.getByRole('button', { name: '答复异议' }).click();
    await desk.locator('[data-status=bidding]').first().waitFor();
    const moved = `${addCalendarDays(today, 20)} → ${addCalendarDays(today, 23)}`;
    await desk.getByTestId('period-moved').getByText(moved).waitFor();
    await desk.getByTestId('bid-deadline').getByText(addCalendarDays(today, 23)).waitFor();
    await checkBothLanguages(desk);

    // The public page, signed out: the objection and its reply, without who objected.
    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/tenders/${id}`);
    const shown = publicPage.getByTestId('tender-objections');
    await shown.getByTestId('objection-reply').getByText('异议成立', { exact: true }).waitFor();
    await shown.getByTestId('period-moved').getByText(moved).waitFor();
    expect(await shown.getByText('逾期答复').count()).toBe(0);
    const [name] = (await suite.sql(`SELECT display_name FROM users WHERE id = $1`, [alice.id])).rows;
    expect(await publicPage.content()).not.toContain(name.display_name);
    await checkBothLanguages(publicPage);
    await screenshot(publicPage, 'tender-objection-reply');
    expect(errors).toEqual([]);
  }, 180_000);

  it('staff record a candidate giving up from the evaluation desk, and re-tender a failed round', async () => {
    const id = await candidatesPublished();

    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/tenders/${id}`);
    const withdrawal = desk.getByRole('form', { name: '记录候选人放弃或取消资格' });
    await withdrawal.getByLabel('情形').selectOption('gave_up');
    await withdrawal.getByLabel('原因').fill('第一中标候选人书面放弃中标');
    await withdrawal.getByRole('button', { name: '记录候选人放弃或取消资格' }).click();
    const candidates = desk.getByTestId('tender-candidates').getByTestId('candidates');
    await candidates.locator('tr[data-rank="1"][data-withdrawn=gave_up]').waitFor();
    await candidates.getByText('第一中标候选人书面放弃中标', { exact: false }).waitFor();
    // The award form offers only the candidates still in the running.
    const award = desk.getByRole('form', { name: '发出中标通知书' });
    await award.waitFor();
    // (Each section reloads on its own after the step: wait for the award form's reload.)
    const options = award.locator('select[name=bidId] option');
    await waitFor(async () => (await options.count()) === 2, 20_000, 'the award form to drop the candidate');
    await checkBothLanguages(desk);

    // A failed round (two bids) is re-tendered from its desk: the new round opens, linked back.
    const failed = await tenderInBidding();
    await open(failed, [300_000_000, 310_000_000]);
    await desk.goto(`${suite.web}/staff/tenders/${failed}`);
    await desk.getByRole('button', { name: '重新招标' }).click();
    await desk.locator('[data-status=registered]').first().waitFor();
    await desk.getByTestId('tender-rounds').getByText('上一轮（流标）').waitFor();
    const nextId = new URL(desk.url()).pathname.split('/').pop()!;
    expect(nextId).not.toBe(failed);
    await desk.goto(`${suite.web}/staff/tenders/${failed}`);
    await desk.locator('[data-status=retendered]').first().waitFor();
    await desk.getByTestId('tender-rounds').getByRole('link', { name: '重新招标（下一轮）' }).click();
    await desk.waitForURL(`**/staff/tenders/${nextId}`);
    await checkBothLanguages(desk);
    expect(errors).toEqual([]);
  }, 180_000);

  it('staff send the tender back to its committee (重新评审) after an upheld objection to the candidates', async () => {
    const id = await candidatesPublished();
    const [, second, third] = suppliers;
    const objectTo = (user: TestUser, text: string) =>
      post(`/api/tenders/${id}/objections`, { target: 'candidates', text }, user).expect(201);
    const reply = (objectionId: string, upheld: boolean) =>
      post(`/api/tenders/${id}/objections/${objectionId}/reply`, {
        text: upheld ? '异议成立' : '异议不成立',
        upheld,
      }).expect(200);

    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/tenders/${id}`);
    await desk.getByRole('form', { name: '发出中标通知书' }).waitFor();
    // No objection upheld: the desk does not offer it.
    expect(await desk.getByTestId('re-evaluation').count()).toBe(0);

    const upheld = await objectTo(second, '第一中标候选人业绩造假');
    await reply(upheld.body.id, true);
    await desk.reload();
    const form = desk.getByRole('form', { name: '重新评审' });
    await form.waitFor();
    await checkBothLanguages(desk);

    // Another objection filed while the desk is open: refused in words, nothing sent back.
    const waiting = await objectTo(third, '第一中标候选人项目经理有在建工程');
    await form.getByLabel('原因').fill('异议成立：第一中标候选人业绩不实，评标委员会复核');
    await form.getByRole('button', { name: '重新评审' }).click();
    await desk
      .locator('[role=alert][data-code=OBJECTION_PENDING]')
      .getByText('异议尚未答复，招标投标活动暂停')
      .waitFor();
    expect(await statusOf(id)).toBe('suspended');

    // Dismissed: the tender resumes, the upheld objection still stands; staff send it back.
    await reply(waiting.body.id, false);
    await desk.reload();
    const again = desk.getByRole('form', { name: '重新评审' });
    await again.getByLabel('原因').fill('异议成立：第一中标候选人业绩不实，评标委员会复核');
    await again.getByRole('button', { name: '重新评审' }).click();
    await desk.locator('[data-status=evaluating]').first().waitFor();
    const revisions = desk.getByTestId('report-revisions');
    await revisions.locator('li[data-revision="1"]').waitFor();
    await revisions.getByText('异议成立：第一中标候选人业绩不实，评标委员会复核', { exact: false }).waitFor();
    expect(await revisions.locator('tr[data-rank]').count()).toBe(3);
    // The committee's entries are open again; the form is gone.
    await desk.getByRole('form', { name: '提交评标报告' }).waitFor();
    expect(await desk.getByTestId('re-evaluation').count()).toBe(0);
    expect(await statusOf(id)).toBe('evaluating');
    await checkBothLanguages(desk);
    await screenshot(desk, 'tender-re-evaluation');
    expect(errors).toEqual([]);
  }, 180_000);
});
