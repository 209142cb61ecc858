import { createHash } from 'node:crypto';
import request from 'supertest';
import { addCalendarDays } from '../../libs/domain/src/business-calendar.js';
import { unifiedSocialCreditCheckCharacter } from '../../libs/domain/src/organization-code.js';
import { type TestUser, waitFor } from '../support/factories.js';
import { browserSuite, checkBothLanguages, PHONE, screenshot, watchErrors } from './browser.js';

/** The purchaser's 统一社会信用代码: 17 characters and their check character. */
const PURCHASER_BODY = '11360102MB1781230';
const PURCHASER_CODE = PURCHASER_BODY + unifiedSocialCreditCheckCharacter(PURCHASER_BODY);
const SUPPLIER_CODES = ['914403001922038216', '9144030071526726XG', '91330100799655058B'];
const SHA = 'c'.repeat(64);
const RESPONSE_FILE = Buffer.from('投标文件 — 东湖区政务云服务采购');

/**
 * Government procurement pages in a real browser: staff plan an open tender through the desk (its
 * item 品目 as typed, shown canonical; a
 * response period too short refused in plain words with its first lawful day, then accepted) and
 * announce it; a supplier applies from the public page, staff qualify it, the supplier seals its
 * response (the file's SHA-256 computed in the browser), withdraws it and seals it again; at the
 * deadline (moved in SQL) the worker opens the responses and the public page shows the record.
 */
describe('government procurement pages in a real browser', () => {
  const suite = browserSuite();
  let staff: TestUser;
  let suppliers: TestUser[];
  let today: string;

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });

  const sql = (text: string, values: unknown[] = []) => suite.sql(text, values);

  beforeAll(async () => {
    today = await suite.today();
    staff = await suite.operator('staff');
    suppliers = await Promise.all([suite.bidder(), suite.bidder(), suite.bidder()]);
  });

  it('staff plan and announce an open tender; a supplier applies and responds; the opening record goes public', async () => {
    const availableUntil = (
      await request(suite.api)
        .get('/api/calendar/deadline')
        .query({ from: today, businessDays: 5 })
        .expect(200)
    ).body.date as string;
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/procurements`);
    await desk.getByText('登记采购项目').click();
    const form = desk.getByRole('form', { name: '登记采购项目' });
    await form.getByLabel('采购方式').selectOption('open_tender');
    await form.getByLabel('项目名称').fill('东湖区政务云服务采购');
    await form.getByLabel('采购人').fill('南昌市东湖区数据局');
    await form.getByLabel('统一社会信用代码').fill(PURCHASER_CODE);
    await form.getByLabel('采购需求').fill('政务云资源租用一年');
    // The item (品目) as typed, stored canonical: a code of 政府采购品目分类目录 and its name.
    await form.getByLabel('品目编码').fill('c0301 ');
    await form.getByLabel('品目名称').fill('云计算服务');
    await form.getByLabel('预算金额 (元)').fill('8,000,000');
    await form.getByLabel('保证金 (元)').fill('100,000');
    await form.getByLabel('项目文件（每行：文件名 SHA-256）').fill(`采购文件.pdf ${SHA}`);
    await form.getByLabel('采购文件发出日').fill(today);
    await form.getByLabel('采购文件提供截止日').fill(availableUntil);
    // 19 days: refused in plain words, with the first lawful day.
    await form.getByLabel('响应截止日').fill(addCalendarDays(today, 19));
    await form.getByRole('button', { name: '保存草稿' }).click();
    await form.getByText('自招标文件发出之日起至投标截止不得少于20日').waitFor();
    await form
      .getByTestId('boundary-day')
      .filter({ hasText: addCalendarDays(today, 20) })
      .waitFor();
    await form.getByLabel('响应截止日').fill(addCalendarDays(today, 20));
    await form.getByRole('button', { name: '保存草稿' }).click();
    await desk.locator('[data-status=planned]').first().waitFor();
    await desk.getByTestId('procurement-item').getByText('C0301').waitFor();
    await expect(desk.getByTestId('procurement-item').textContent()).resolves.toBe('C0301 云计算服务');
    const id = new URL(desk.url()).pathname.split('/').pop()!;
    await desk.getByRole('button', { name: '发布采购公告' }).click();
    // Documents issued today: responses are taken from the notice on.
    await desk.locator('[data-status=responding]').first().waitFor();
    await checkBothLanguages(desk);

    const [alice, bob, carol] = suppliers;
    const supplier = await (await suite.signedIn(alice, ['bidder'], PHONE)).newPage();
    errors.push(...watchErrors(supplier));
    await supplier.goto(`${suite.web}/procurements`);
    await supplier.getByRole('link', { name: '东湖区政务云服务采购' }).first().click();
    await supplier.getByRole('heading', { name: '东湖区政务云服务采购' }).waitFor();
    await supplier.getByTestId('procurement-schedule').getByText(addCalendarDays(today, 20)).waitFor();
    await supplier.getByTestId('procurement-item').getByText('云计算服务').waitFor();
    await supplier.getByLabel('统一社会信用代码').fill(SUPPLIER_CODES[0]);
    await supplier.getByRole('button', { name: '报名参加采购' }).click();
    await supplier.locator('[data-testid=my-registration][data-status=pending]').waitFor();

    await desk.reload();
    const row = desk.getByTestId('supplier-registrations').locator('tr[data-status=pending]');
    await row.getByText(SUPPLIER_CODES[0]).waitFor();
    await row.getByRole('button', { name: '确认保证金并通过' }).click();
    await desk.getByTestId('supplier-registrations').locator('tr[data-status=qualified]').waitFor();

    // Seal, withdraw, seal again: the file's SHA-256 computed in the browser.
    await supplier.reload();
    await supplier.locator('[data-testid=my-registration][data-status=qualified]').waitFor();
    const seal = async (price: string) => {
      const sealForm = supplier.getByRole('form', { name: '密封提交响应文件' });
      await sealForm.getByLabel('报价 (元)').fill(price);
      await sealForm.getByLabel('响应文件（仅在本机计算摘要，不上传）').setInputFiles({
        name: '响应文件.pdf',
        mimeType: 'application/pdf',
        buffer: RESPONSE_FILE,
      });
      await sealForm.getByRole('button', { name: /密封提交响应文件|重新提交响应/ }).click();
      await supplier.locator('[data-testid=bid-receipt][data-status=submitted]').waitFor();
    };
    await seal('7,800,000.00');
    await supplier.getByRole('button', { name: '撤回响应文件' }).click();
    await supplier.locator('[data-testid=bid-receipt][data-status=withdrawn]').waitFor();
    await seal('7,654,321.00');
    await checkBothLanguages(supplier);
    expect(await supplier.content()).not.toContain('7,654,321.00');

    for (const [index, user] of [bob, carol].entries()) {
      const applied = await as(user)(request(suite.api).post(`/api/procurements/${id}/registrations`))
        .send({ organizationCode: SUPPLIER_CODES[index + 1] })
        .expect(201);
      await as(staff)(
        request(suite.api).post(`/api/procurements/${id}/registrations/${applied.body.id}/qualify`),
      )
        .send({ depositReceived: true })
        .expect(200);
      await as(user)(request(suite.api).put(`/api/procurements/${id}/response`))
        .send({ price: 780_000_000 + index, documents: [] })
        .expect(200);
    }
    await sql(
      `UPDATE procurement_projects SET response_deadline_at = clock_timestamp() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await waitFor(
      async () => {
        const got = await as(staff)(request(suite.api).get(`/api/procurements/${id}`)).expect(200);
        return got.body.openedAt ? true : undefined;
      },
      20_000,
      'opened',
    );

    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/procurements/${id}`);
    const record = publicPage.getByTestId('opening-record');
    await record.getByText('7,654,321.00 元').waitFor();
    expect(await record.locator('tbody tr').count()).toBe(3);
    await checkBothLanguages(publicPage);
    await screenshot(publicPage, 'procurement-opening-record');

    const [stored] = (
      await sql(`SELECT record FROM bid_openings WHERE host_type = 'procurement_project' AND host_id = $1`, [
        id,
      ])
    ).rows as { record: { bidderId: string; documents: { sha256: string }[] }[] }[];
    expect(stored.record.find((bid) => bid.bidderId === alice.id)!.documents).toEqual([
      { name: '响应文件.pdf', sha256: createHash('sha256').update(RESPONSE_FILE).digest('hex') },
    ]);
    await supplier.goto(`${suite.web}/me`);
    await supplier.getByTestId('my-procurements').getByText('7,654,321.00 元').waitFor();
    await checkBothLanguages(supplier);
    expect(errors).toEqual([]);
  }, 180_000);

  it('staff publicise a single source (a too-short publicity refused with its boundary day) and conclude it once over', async () => {
    const businessDays = async (count: number) =>
      (
        await request(suite.api)
          .get('/api/calendar/deadline')
          .query({ from: today, businessDays: count })
          .expect(200)
      ).body.date as string;
    const [fourDays, fiveDays] = [await businessDays(4), await businessDays(5)];
    const desk = await (await suite.signedIn(staff, ['staff'], PHONE)).newPage();
    const errors = watchErrors(desk);
    await desk.goto(`${suite.web}/staff/procurements`);
    await desk.getByText('登记采购项目').click();
    const form = desk.getByRole('form', { name: '登记采购项目' });
    await form.getByLabel('采购方式').selectOption('single_source');
    await form.getByLabel('项目名称').fill('东湖区档案馆专用密集架维保');
    await form.getByLabel('采购人').fill('南昌市东湖区档案馆');
    await form.getByLabel('统一社会信用代码').fill(PURCHASER_CODE);
    await form.getByLabel('采购需求').fill('原厂密集架三年维保');
    await form.getByLabel('预算金额 (元)').fill('300,000');
    await form.getByLabel('拟定供应商').fill('某专利设备制造有限公司');
    await form.getByLabel('采用单一来源的理由').fill('只能从原制造商处获得专利配件');
    await form.getByLabel('公示开始日').fill(today);
    await form.getByLabel('公示结束日').fill(fourDays);
    await form.getByRole('button', { name: '保存草稿' }).click();
    await form.getByText('单一来源公示期不得少于5个工作日').waitFor();
    await form.getByTestId('boundary-day').filter({ hasText: fiveDays }).waitFor();
    await form.getByLabel('公示结束日').fill(fiveDays);
    await form.getByRole('button', { name: '保存草稿' }).click();
    await desk.locator('[data-status=planned]').first().waitFor();
    const id = new URL(desk.url()).pathname.split('/').pop()!;
    await desk.getByRole('button', { name: '发布单一来源公示' }).click();
    await desk.locator('[data-status=prior_publicity]').first().waitFor();

    // Concluding early is refused with the first day it may be done.
    await desk.getByRole('button', { name: '公示期满，进入协商' }).click();
    await desk.getByText('公示期尚未结束').waitFor();
    await desk
      .getByTestId('boundary-day')
      .filter({ hasText: addCalendarDays(fiveDays, 1) })
      .waitFor();

    const publicPage = await (await suite.anonymous(PHONE)).newPage();
    errors.push(...watchErrors(publicPage));
    await publicPage.goto(`${suite.web}/procurements/${id}`);
    await publicPage.getByText('只能从原制造商处获得专利配件').waitFor();
    await publicPage.getByTestId('procurement-schedule').getByText(`${today} – ${fiveDays}`).waitFor();
    await checkBothLanguages(publicPage);

    await sql(
      `UPDATE procurement_projects SET publicity_starts_on = $2, publicity_ends_on = $3 WHERE id = $1`,
      [id, addCalendarDays(today, -8), addCalendarDays(today, -1)],
    );
    await desk.getByRole('button', { name: '公示期满，进入协商' }).click();
    await desk.locator('[data-status=responding]').first().waitFor();
    await checkBothLanguages(desk);
    expect(errors).toEqual([]);
  }, 120_000);
});
