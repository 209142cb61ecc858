import type { Locator } from 'playwright-core';
import request from 'supertest';
import { toZonedInput } from '../../apps/web/src/format.js';
import { listingBody, type TestUser } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

/** A wall-clock time in the centre's zone, as a datetime-local input takes it. */
const centreInput = (date: Date) => toZonedInput(date, 'Asia/Shanghai');

describe('staff edit a draft listing in a real browser (375 px)', () => {
  const suite = browserSuite();
  let staff: TestUser;

  beforeAll(async () => {
    staff = await suite.operator('staff');
  });

  const apiGet = async (id: string) =>
    (
      await request(suite.api)
        .get(`/api/lease-listings/${id}`)
        .auth(staff.token, { type: 'bearer' })
        .expect(200)
    ).body;

  /** A draft made through the API, bidding an hour away. */
  const createDraft = async (overrides: Record<string, unknown>) =>
    (
      await request(suite.api)
        .post('/api/lease-listings')
        .auth(staff.token, { type: 'bearer' })
        .send(listingBody({ biddingInMs: 3600_000, freeMs: 1800_000 }, overrides))
        .expect(201)
    ).body as { id: string; title: string; [field: string]: unknown };

  /**
   * With the edit form of `draft` open, someone publishes it through the API; saving a new
   * title is then refused in plain words and the listing keeps its title.
   */
  async function saveAfterPublishedElsewhere(edit: Locator, draft: { id: string; title: string }) {
    await edit.getByLabel('标的名称').fill(`${draft.title}（改）`);
    await request(suite.api)
      .post(`/api/lease-listings/${draft.id}/publish`)
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
    await edit.getByRole('button', { name: '保存修改' }).click();
    await edit
      .locator('[role=alert][data-code=LISTING_NOT_EDITABLE]')
      .filter({ hasText: '项目已发布，不能再修改' })
      .waitFor();
    expect((await apiGet(draft.id)).title).toBe(draft.title);
  }

  it('creates a draft, edits its title and start price, sees the change in the list and, once published, on the public page', async () => {
    const staffContext = await suite.signedIn(staff, ['staff'], PHONE);
    const publicContext = await suite.anonymous(PHONE);
    const page = await staffContext.newPage();
    const errors = watchErrors(page);

    await page.goto(`${suite.web}/staff`);
    await page.getByText('新建公房租赁项目').click();
    const create = page.getByRole('form', { name: '新建公房租赁项目' });
    const now = Date.now();
    await create.getByLabel('标的名称').fill('船山路 12 号店面使用权租赁');
    await create.getByLabel('地址').fill('南昌市东湖区船山路 12 号');
    await create.getByLabel('起始月租金').fill('6,000');
    await create.getByLabel('加价幅度').fill('100');
    await create.getByLabel('保证金').fill('20000');
    await create.locator('input[name=registrationStartsAt]').fill(centreInput(new Date(now - 60_000)));
    await create.locator('input[name=registrationEndsAt]').fill(centreInput(new Date(now + 3600_000)));
    await create.locator('input[name=biddingStartsAt]').fill(centreInput(new Date(now + 3600_000)));
    await create.locator('input[name=freeBiddingEndsAt]').fill(centreInput(new Date(now + 5400_000)));
    await create.getByRole('button', { name: '保存草稿' }).click();
    await page.waitForURL(/\/staff\/listings\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const created = await apiGet(id);

    await page.goto(`${suite.web}/staff`);
    const row = page.locator(`[data-testid=staff-listings] tr[data-listing-id="${id}"]`);
    await row.getByRole('button', { name: /编辑/ }).click();
    const edit = page.getByRole('form', { name: '编辑草稿' });
    await expect(edit.getByLabel('标的名称').inputValue()).resolves.toBe('船山路 12 号店面使用权租赁');
    await expect(edit.getByLabel('起始月租金').inputValue()).resolves.toBe('6,000.00');
    await checkBothLanguages(page);

    // A merged schedule that does not hold: refused in plain words, naming the field, nothing saved.
    const freeEnds = edit.locator('input[name=freeBiddingEndsAt]');
    const goodFreeEnds = await freeEnds.inputValue();
    await freeEnds.fill(centreInput(new Date(now + 1800_000)));
    await edit.getByRole('button', { name: '保存修改' }).click();
    await edit
      .locator('[role=alert][data-code=VALIDATION_FAILED]')
      .filter({ hasText: '提交的内容不正确' })
      .waitFor();
    await edit.getByTestId('form-fields').filter({ hasText: '自由竞价截止' }).waitFor();
    const pick = ({ title, startPrice, freeBiddingEndsAt }: Record<string, unknown>) => ({
      title,
      startPrice,
      freeBiddingEndsAt,
    });
    expect(pick(await apiGet(id))).toEqual(pick(created));
    await screenshot(page, 'staff-edit-listing-refused');
    await checkBothLanguages(page);

    await freeEnds.fill(goodFreeEnds);
    await edit.getByLabel('标的名称').fill('船山路 12 号 1 楼店面使用权租赁（更正）');
    await edit.getByLabel('起始月租金').fill('6,500');
    await edit.getByRole('button', { name: '保存修改' }).click();
    await row.getByRole('link', { name: '船山路 12 号 1 楼店面使用权租赁（更正）' }).waitFor();
    await expect(page.getByRole('form', { name: '编辑草稿' }).count()).resolves.toBe(0);
    const edited = await apiGet(id);
    expect(edited).toMatchObject({ title: '船山路 12 号 1 楼店面使用权租赁（更正）', startPrice: 650_000 });
    // Untouched fields keep their exact values (a date is not re-rounded by the form).
    expect(edited.freeBiddingEndsAt).toBe(created.freeBiddingEndsAt);
    expect(edited.address).toBe(created.address);

    await row.getByRole('link').click();
    await page.getByRole('button', { name: '发布公告' }).click();
    await page.locator('[data-status=announced]').first().waitFor();
    await page.goto(`${suite.web}/staff`);
    await expect(row.getByRole('button', { name: /编辑/ }).count()).resolves.toBe(0);

    const publicPage = await publicContext.newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/listings/${id}`);
    await publicPage.getByRole('heading', { name: '船山路 12 号 1 楼店面使用权租赁（更正）' }).waitFor();
    await publicPage.locator('dd').filter({ hasText: '6,500.00' }).first().waitFor();
    expect(errors).toEqual([]);
  }, 180_000);

  it('saving an edit after the listing was published elsewhere shows the refusal in plain words', async () => {
    const context = await suite.signedIn(staff, ['staff'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const draft = await createDraft({ title: '象山路 3 号店面使用权租赁' });

    await page.goto(`${suite.web}/staff`);
    await page
      .locator(`[data-testid=staff-listings] tr[data-listing-id="${draft.id}"]`)
      .getByRole('button', { name: /编辑/ })
      .click();
    await saveAfterPublishedElsewhere(page.getByRole('form', { name: '编辑草稿' }), draft);
    await checkBothLanguages(page);
    expect(errors).toEqual([]);
  }, 120_000);

  it("edits a draft from the listing's own page, sees the change there, and a published listing offers no edit", async () => {
    const context = await suite.signedIn(staff, ['staff'], PHONE);
    const page = await context.newPage();
    const errors = watchErrors(page);
    const created = await createDraft({ title: '孺子路 7 号店面使用权租赁', reservePrice: 850_000 });

    await page.goto(`${suite.web}/staff/listings/${created.id}`);
    await page.getByRole('heading', { level: 1, name: '孺子路 7 号店面使用权租赁' }).waitFor();
    await page.locator('p').filter({ hasText: '保留价: 8,500.00 元' }).waitFor();
    await page.getByRole('button', { name: /编辑/ }).click();
    const edit = page.getByRole('form', { name: '编辑草稿' });
    await expect(edit.getByLabel('标的名称').inputValue()).resolves.toBe('孺子路 7 号店面使用权租赁');
    await expect(edit.getByLabel('保留价').inputValue()).resolves.toBe('8,500.00');
    await screenshot(page, 'staff-listing-edit');
    await checkBothLanguages(page);

    // 取消 closes the form and changes nothing.
    await edit.getByRole('button', { name: '取消' }).click();
    await expect(page.getByRole('form', { name: '编辑草稿' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: /编辑/ }).click();
    await edit.getByLabel('标的名称').fill('孺子路 7 号 1 楼店面使用权租赁（更正）');
    await edit.getByLabel('保留价').fill('9,000');
    await edit.getByRole('button', { name: '保存修改' }).click();
    // The page shows the saved listing: its new title and reserve, and the form is gone.
    await page.getByRole('heading', { level: 1, name: '孺子路 7 号 1 楼店面使用权租赁（更正）' }).waitFor();
    await page.locator('p').filter({ hasText: '保留价: 9,000.00 元' }).waitFor();
    await expect(page.getByRole('form', { name: '编辑草稿' }).count()).resolves.toBe(0);
    const edited = await apiGet(created.id);
    expect(edited).toMatchObject({ title: '孺子路 7 号 1 楼店面使用权租赁（更正）', reservePrice: 900_000 });
    expect(edited.startPrice).toBe(created.startPrice);
    expect(edited.biddingStartsAt).toBe(created.biddingStartsAt);
    await checkBothLanguages(page);

    // Published from this page: the status shows and 编辑 is gone.
    await page.getByRole('button', { name: '发布公告' }).click();
    await page.locator('[data-status=announced]').first().waitFor();
    await expect(page.getByRole('button', { name: /编辑/ }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: '发布公告' }).count()).resolves.toBe(0);
    // Also on a fresh load of the page.
    await page.reload();
    await page.locator('[data-status=announced]').first().waitFor();
    await page.getByRole('button', { name: '终止项目' }).waitFor();
    await expect(page.getByRole('button', { name: /编辑/ }).count()).resolves.toBe(0);
    await checkBothLanguages(page);

    // Published elsewhere while the form is open: the refusal in plain words, nothing saved.
    const other = await createDraft({ title: '孺子路 9 号店面使用权租赁' });
    await page.goto(`${suite.web}/staff/listings/${other.id}`);
    await page.getByRole('button', { name: /编辑/ }).click();
    await saveAfterPublishedElsewhere(edit, other);
    await checkBothLanguages(page);
    expect(errors).toEqual([]);
  }, 180_000);
});
