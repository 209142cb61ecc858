import { createHash } from 'node:crypto';
import { createPublishedListing, type TestUser } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, watchErrors } from './browser.js';

const GROUNDS = '竞买资格条件限定本区户籍，排斥潜在竞买人';
const EVIDENCE = Buffer.from('公告截图');
const DECISION_REASON = '资格条件违反公平竞争审查规定，责令改正后重新公告';

/**
 * Complaints (投诉) in a real browser, on a phone, in Chinese: a bidder files one from the project's
 * page (its evidence kept by digest only), a supervisor accepts it on the desk, investigates and
 * upholds it; the complainant sees the decision on its own list; anyone reads the published
 * decision, without the grounds, the evidence or the complainant. The English texts are checked on
 * the pages, not by a second flow.
 */
describe('complaints pages in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;
  let listingId: string;

  beforeAll(async () => {
    [staff, supervisor, bidder] = await Promise.all([
      suite.operator('staff'),
      suite.operator('supervisor'),
      suite.bidder(),
    ]);
    listingId = (
      await createPublishedListing(suite.api, staff, [bidder], { biddingInMs: 3_600_000, freeMs: 600_000 })
    ).id;
  });

  const complaintRow = async () =>
    (
      await suite.sql(
        `SELECT id, status, stage, to_char(knew_on, 'YYYY-MM-DD') AS "knewOn", grounds, attachments, remedy
           FROM complaints WHERE project_id = $1`,
        [listingId],
      )
    ).rows;

  it('file → accept → investigate → decide; the complainant sees the decision; the public list shows it without the grounds', async () => {
    // The bidder files from the listing's page.
    const bidderPage = await (await suite.signedIn(bidder, ['bidder'], PHONE)).newPage();
    const bidderErrors = watchErrors(bidderPage);
    await bidderPage.goto(`${suite.web}/listings/${listingId}`);
    await bidderPage.getByRole('link', { name: '对本项目提出质疑或投诉' }).click();
    const form = bidderPage.getByTestId('file-complaint');
    await expect(form.getByLabel('项目编号（ID）').inputValue()).resolves.toBe(listingId);
    await expect(form.getByLabel('业务类型').inputValue()).resolves.toBe('lease');
    // The stages are the line's own closed list, as the server keeps it.
    const stage = form.getByLabel('环节');
    const offered = () =>
      stage
        .locator('option')
        .evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value));
    await stage.locator('option[value=bidding]').waitFor({ state: 'attached' });
    expect(await offered()).toEqual(['announcement', 'bidding', 'result', 'contract', 'other']);
    expect(await stage.locator('option').allTextContents()).toEqual(['公告', '竞价', '结果', '合同', '其他']);
    await form.getByLabel('业务类型').selectOption('construction');
    await stage.locator('option[value=candidates]').waitFor({ state: 'attached' });
    expect(await offered()).toEqual([
      'announcement',
      'documents',
      'opening',
      'candidates',
      'result',
      'contract',
      'other',
    ]);
    await form.getByLabel('业务类型').selectOption('lease');
    await stage.locator('option[value=bidding]').waitFor({ state: 'attached' });
    // `其他` names no published act: the form asks the day the bidder knew, as the server does.
    await stage.selectOption('other');
    await form.getByTestId('knew-on-required').waitFor();
    await form.getByLabel('事实和理由').fill(GROUNDS);
    await form
      .getByLabel('证明材料（只计算摘要，不上传）')
      .setInputFiles({ name: '公告截图.png', mimeType: 'image/png', buffer: EVIDENCE });
    const knewOn = form.getByLabel('知道或应当知道之日');
    await form.getByRole('button', { name: '提交' }).click();
    expect(
      await knewOn.evaluate(
        (input) => (input as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing,
      ),
    ).toBe(true);
    expect(await complaintRow()).toEqual([]);
    const today = await suite.today();
    await knewOn.fill(today);
    await form.getByRole('button', { name: '提交' }).click();
    await form.getByTestId('complaint-filed').waitFor();
    const mine = bidderPage.getByTestId('my-complaints');
    await mine.locator('tr[data-complaint]', { hasText: '已提交' }).waitFor();
    const [filed] = await complaintRow();
    expect(filed).toMatchObject({
      status: 'filed',
      stage: 'other',
      knewOn: today,
      grounds: GROUNDS,
      attachments: [{ name: '公告截图.png', sha256: createHash('sha256').update(EVIDENCE).digest('hex') }],
    });

    // The supervisor's desk: accept, investigate, uphold with a remedy.
    const desk = await (await suite.signedIn(supervisor, ['supervisor'], PHONE)).newPage();
    const deskErrors = watchErrors(desk);
    await desk.goto(`${suite.web}/`);
    await desk.getByRole('link', { name: '投诉处理', exact: true }).click();
    await desk.getByRole('heading', { level: 1, name: '投诉处理台' }).waitFor();
    await desk.getByTestId('complaint-filters').getByLabel('状态').selectOption('filed');
    await desk.locator(`tr[data-complaint="${filed.id}"]`).getByRole('link').click();
    const status = desk.getByTestId('complaint-status');
    await expect(status.textContent()).resolves.toBe('已提交');
    await desk.getByRole('button', { name: '受理', exact: true }).click();
    await desk.locator('[data-testid=complaint][data-status=accepted]').waitFor();
    await desk.getByRole('button', { name: '开始调查' }).click();
    await desk.locator('[data-testid=complaint][data-status=investigating]').waitFor();
    await checkBothLanguages(desk);
    const decide = desk.getByTestId('decide-complaint');
    await decide.getByLabel('结论').selectOption('upheld');
    await decide.getByLabel('处理方式').selectOption('corrected');
    await decide.getByLabel('决定理由（公开）').fill(DECISION_REASON);
    await decide.getByRole('button', { name: '作出处理决定' }).click();
    await desk.locator('[data-testid=complaint][data-status=upheld]').waitFor();
    await expect(desk.getByTestId('complaint-decision').textContent()).resolves.toContain('成立 · 责令改正');
    expect((await complaintRow())[0]).toMatchObject({ status: 'upheld', remedy: 'corrected' });

    // The complainant sees the decision on its list and the filing's page.
    await bidderPage.reload();
    const decided = mine.locator(`tr[data-complaint="${filed.id}"]`);
    await decided.filter({ hasText: '成立 · 责令改正' }).waitFor();
    await decided.getByRole('link').click();
    await expect(bidderPage.getByTestId('complaint-decision').textContent()).resolves.toContain(
      DECISION_REASON,
    );

    // Anyone: the published decision, nothing of the filing.
    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    const publicErrors = watchErrors(publicPage);
    await publicPage.goto(`${suite.web}/`);
    await publicPage.getByRole('link', { name: '投诉处理决定' }).click();
    const row = publicPage.locator(`[data-testid=complaint-decisions] tr[data-complaint="${filed.id}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(DECISION_REASON);
    const text = (await publicPage.locator('main').textContent()) ?? '';
    for (const secret of [GROUNDS, '公告截图.png', bidder.username, bidder.id])
      expect(text).not.toContain(secret);
    await checkBothLanguages(publicPage);

    // The English texts, on the page only.
    await publicPage.getByRole('button', { name: 'English' }).click();
    await publicPage.getByRole('heading', { level: 1, name: 'Complaint decisions' }).waitFor();
    await expect(row.textContent()).resolves.toContain('Upheld · Corrected');
    await bidderPage.getByRole('button', { name: 'English' }).click();
    await bidderPage.getByRole('heading', { level: 2, name: 'Decision' }).waitFor();
    await expect(bidderPage.getByTestId('complaint').textContent()).resolves.toContain('Other');

    expect([...bidderErrors, ...deskErrors, ...publicErrors]).toEqual([]);
  });
});
