import ExcelJS from 'exceljs';
import request from 'supertest';
import type { TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser } from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';

const row = (n: number, overrides: Record<string, unknown> = {}) => ({
  category: 'construction',
  subtype: 'building',
  title: `东湖区第${n}号工程`,
  amount: 1_000_000 + n,
  winnerName: '江西建工第三建筑有限责任公司',
  closedAt: '2018-03-12T02:00:00Z',
  externalRef: `T-${n}`,
  ...overrides,
});

describe('deals import (historical records)', () => {
  let platform: TestPlatform;
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ env, api } = platform);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
    bidder = await registerBidder(api.url);
  });

  afterAll(async () => {
    await platform?.close();
  });

  const importJson = (body: unknown, user: TestUser = staff) =>
    request(api.url)
      .post('/api/deals/import')
      .auth(user.token, { type: 'bearer' })
      .send(body as object);
  const upload = (content: Buffer, fileName: string, user: TestUser = staff) =>
    request(api.url)
      .post('/api/deals/import/file')
      .auth(user.token, { type: 'bearer' })
      .attach('file', content, fileName);
  const dealCount = async () => (await tableContents(env.config.DATABASE_URL, ['deals'])).deals.rows;

  it('imports JSON records once: the same call again writes nothing', async () => {
    const deals = [
      row(1),
      row(2, { category: 'property_rights', subtype: 'lease' }),
      row(3, { subtype: undefined }),
    ];
    const first = await importJson({ deals }).expect(200);
    expect(first.body).toEqual({ received: 3, created: 3, unchanged: 0 });
    const again = await importJson({ deals: [...deals, row(4)] }).expect(200);
    expect(again.body).toEqual({ received: 4, created: 1, unchanged: 3 });

    const listed = await request(api.url)
      .get('/api/deals?from=2018-03-12&to=2018-03-12')
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    expect(listed.body.total).toBe(4);
    expect(
      listed.body.items.find((deal: { externalRef: string }) => deal.externalRef === 'T-2'),
    ).toMatchObject({
      category: 'property_rights',
      subtype: 'lease',
      sourceType: 'import',
      amount: 1_000_002,
      winner: '江西建工第三建筑有限责任公司',
      closedAt: '2018-03-12T02:00:00.000Z',
    });
    const audit = await queryRows<{ action: string }>(
      env.config.DATABASE_URL,
      `SELECT action FROM audit_log WHERE action = 'deals.imported'`,
    );
    expect(audit).toHaveLength(2);
  });

  it('returns every bad row with its number and field, and writes nothing', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const deals = [
      row(10),
      row(11, { category: 'mining' }),
      row(12, { amount: -5, closedAt: '2018-02-30' }),
      row(13, { title: '' }),
      row(14, { externalRef: 'T-10' }),
      row(15, { subtype: 'transfer' }),
      row(16, { closedAt: '2999-01-01T00:00:00Z' }),
      row(17, { winnerId: 'x' }),
      'text',
    ];
    const response = await importJson({ deals });
    const body = expectError(response, 400, 'IMPORT_ROWS_INVALID');
    const errors = (body.details as { errors: { row: number; field: string; code: string }[] }).errors;
    expect(errors.map((error) => [error.row, error.field, error.code])).toEqual([
      [2, 'category', 'UNKNOWN_CATEGORY'],
      [3, 'amount', 'INVALID_AMOUNT'],
      [3, 'closedAt', 'INVALID_DATE'],
      [4, 'title', 'REQUIRED'],
      [5, 'externalRef', 'DUPLICATE_REF'],
      [6, 'subtype', 'UNKNOWN_SUBTYPE'],
      [7, 'closedAt', 'DATE_IN_FUTURE'],
      [8, 'winnerId', 'UNKNOWN_FIELD'],
      [9, null, 'NOT_AN_OBJECT'],
    ]);
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it('takes 10,000 rows in one call and refuses 10,001 with IMPORT_TOO_LARGE', async () => {
    const many = Array.from({ length: 10_000 }, (_, index) =>
      row(100_000 + index, {
        externalRef: `BULK-${index}`,
        title: `东湖区历史成交记录第${index}号 公共资源交易项目`,
      }),
    );
    const before = await dealCount();
    const tooMany = await importJson({ deals: [...many, row(99)] });
    const body = expectError(tooMany, 413, 'IMPORT_TOO_LARGE');
    expect(body.details).toEqual({ limit: 10_000, received: 10_001 });
    expect(await dealCount()).toBe(before);

    const started = Date.now();
    const ok = await importJson({ deals: many }).expect(200);
    expect(ok.body).toEqual({ received: 10_000, created: 10_000, unchanged: 0 });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await dealCount()).toBe(before + 10_000);
  });

  it('imports a CSV with Chinese headers and a BOM; errors name the sheet rows', async () => {
    const csv = [
      '序号,类别,子类,项目名称,成交金额(元),成交单位,成交时间,外部编号',
      '1,产权交易,转让,"东湖区某国有企业股权转让, 10%",1234567.89,南昌某某投资有限公司,2018-04-02 10:30,CSV-1',
      '2,政府采购,公开招标,东湖区教学设备采购,88000,江西教育装备有限公司,2018-05-31 23:59:59,CSV-2',
    ].join('\r\n');
    const response = await upload(Buffer.from(`\uFEFF${csv}\r\n`, 'utf8'), 'deals-2018.csv').expect(200);
    expect(response.body).toEqual({ received: 2, created: 2, unchanged: 0, ignoredColumns: ['序号'] });
    const rows = await queryRows<{
      external_ref: string;
      amount: string;
      closed_at: Date;
      subtype: string;
      title: string;
    }>(
      env.config.DATABASE_URL,
      `SELECT external_ref, amount, closed_at, subtype, title FROM deals WHERE external_ref LIKE 'CSV-%' ORDER BY external_ref`,
    );
    expect(
      rows.map((r) => [r.external_ref, Number(r.amount), r.closed_at.toISOString(), r.subtype, r.title]),
    ).toEqual([
      ['CSV-1', 123_456_789, '2018-04-02T02:30:00.000Z', 'transfer', '东湖区某国有企业股权转让, 10%'],
      // 23:59:59 China time on 31 May is still a May deal: 15:59:59Z.
      ['CSV-2', 8_800_000, '2018-05-31T15:59:59.000Z', 'open_tender', '东湖区教学设备采购'],
    ]);

    const before = await dealCount();
    const bad = [
      '类别,项目名称,成交金额(元),成交单位,成交时间,外部编号',
      '建筑工程,好的一行,100,某公司,2018-01-05,CSV-3',
      '建筑工程,金额有三位小数,100.001,某公司,2018-01-05,CSV-4',
      '水利,类别不对,100,某公司,2018-01-05,CSV-5',
    ].join('\n');
    const refused = await upload(Buffer.from(bad, 'utf8'), 'bad.csv');
    const details = expectError(refused, 400, 'IMPORT_ROWS_INVALID').details as {
      errors: { row: number; code: string }[];
    };
    expect(details.errors.map((error) => [error.row, error.code])).toEqual([
      [3, 'INVALID_AMOUNT'],
      [4, 'UNKNOWN_CATEGORY'],
    ]);
    expect(await dealCount()).toBe(before);
  });

  it('imports an XLSX with date cells and numeric amounts', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('成交记录');
    sheet.addRow(['category', 'subtype', 'title', 'amountYuan', 'winnerName', 'closedAt', 'externalRef']);
    // Excel keeps wall-clock times without a zone: these are China time.
    sheet.addRow([
      'construction',
      'municipal',
      '八一大道改造',
      2_000_000,
      '南昌市政建设集团有限公司',
      new Date(Date.UTC(2018, 0, 1, 0, 0, 0)),
      'XLSX-1',
    ]);
    sheet.addRow(['建筑工程', '', '滨江小学改造', 1234.5, '江西建工', '2018-02-03', 'XLSX-2']);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    const response = await upload(buffer, '成交记录.xlsx').expect(200);
    expect(response.body).toMatchObject({ received: 2, created: 2 });
    const rows = await queryRows<{
      external_ref: string;
      amount: string;
      closed_at: Date;
      subtype: string | null;
    }>(
      env.config.DATABASE_URL,
      `SELECT external_ref, amount, closed_at, subtype FROM deals WHERE external_ref LIKE 'XLSX-%' ORDER BY external_ref`,
    );
    expect(rows.map((r) => [r.external_ref, Number(r.amount), r.closed_at.toISOString(), r.subtype])).toEqual(
      [
        ['XLSX-1', 200_000_000, '2017-12-31T16:00:00.000Z', 'municipal'],
        ['XLSX-2', 123_450, '2018-02-02T16:00:00.000Z', null],
      ],
    );
  });

  it('imports a CSV with English headers (amount in fen)', async () => {
    const csv = [
      'externalRef,category,subtype,title,amount,winnerName,closedAt',
      'CSV-EN-1,procurement,rfq,东湖区办公家具询价采购,4560000,江西某家具有限公司,2018-06-01 09:15',
    ].join('\n');
    const response = await upload(Buffer.from(csv, 'utf8'), 'english.csv').expect(200);
    expect(response.body).toEqual({ received: 1, created: 1, unchanged: 0, ignoredColumns: [] });
    const rows = await queryRows<{ category: string; subtype: string; amount: string; closed_at: Date }>(
      env.config.DATABASE_URL,
      `SELECT category, subtype, amount, closed_at FROM deals WHERE external_ref = 'CSV-EN-1'`,
    );
    expect(rows.map((r) => [r.category, r.subtype, Number(r.amount), r.closed_at.toISOString()])).toEqual([
      ['procurement', 'rfq', 4_560_000, '2018-06-01T01:15:00.000Z'],
    ]);
  });

  it('imports an XLSX with Chinese headers; errors name the sheet rows, blank rows counted', async () => {
    const header = ['类别', '子类', '项目名称', '成交金额(元)', '成交单位', '成交时间', '外部编号'];
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('成交记录');
    sheet.addRow(header);
    sheet.addRow([
      '产权交易',
      '租赁',
      '解放路商铺租赁',
      36_000,
      '某商贸公司',
      '2018-07-02 10:00',
      'XLSX-CN-1',
    ]);
    const good = await upload(Buffer.from(await workbook.xlsx.writeBuffer()), '中文表头.xlsx').expect(200);
    expect(good.body).toEqual({ received: 1, created: 1, unchanged: 0, ignoredColumns: [] });
    const rows = await queryRows<{ category: string; subtype: string; amount: string; closed_at: Date }>(
      env.config.DATABASE_URL,
      `SELECT category, subtype, amount, closed_at FROM deals WHERE external_ref = 'XLSX-CN-1'`,
    );
    expect(rows.map((r) => [r.category, r.subtype, Number(r.amount), r.closed_at.toISOString()])).toEqual([
      ['property_rights', 'lease', 3_600_000, '2018-07-02T02:00:00.000Z'],
    ]);

    // Rows 3 and 5 are left blank: the numbers are the sheet's, not the deals' positions.
    const bad = new ExcelJS.Workbook();
    const badSheet = bad.addWorksheet('成交记录');
    badSheet.getRow(1).values = header;
    badSheet.getRow(2).values = ['建筑工程', '', '好的一行', 100, '某公司', '2018-01-05', 'XLSX-CN-2'];
    badSheet.getRow(4).values = [
      '建筑工程',
      '',
      '金额有三位小数',
      100.001,
      '某公司',
      '2018-01-05',
      'XLSX-CN-3',
    ];
    badSheet.getRow(6).values = ['水利', '', '类别不对', 100, '某公司', '2018-01-05', 'XLSX-CN-4'];
    const before = await dealCount();
    const refused = await upload(Buffer.from(await bad.xlsx.writeBuffer()), 'bad.xlsx');
    const details = expectError(refused, 400, 'IMPORT_ROWS_INVALID').details as {
      errors: { row: number; field: string; code: string }[];
    };
    expect(details.errors.map((error) => [error.row, error.field, error.code])).toEqual([
      [4, 'amountYuan', 'INVALID_AMOUNT'],
      [6, 'category', 'UNKNOWN_CATEGORY'],
    ]);
    expect(await dealCount()).toBe(before);
  });

  it('refuses bad files, bad bodies and the wrong people, writing nothing', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    expectError(await upload(Buffer.from('hello'), 'deals.txt'), 400, 'INVALID_IMPORT_FILE');
    expectError(await upload(Buffer.from('not a zip'), 'deals.xlsx'), 400, 'INVALID_IMPORT_FILE');
    expectError(
      await upload(Buffer.from('类别,项目名称\n建筑工程,x\n'), 'deals.csv'),
      400,
      'INVALID_IMPORT_FILE',
    );
    expectError(
      await upload(Buffer.from('类别,项目名称,成交金额(元),成交单位,成交时间,外部编号\n'), 'd.csv'),
      400,
      'INVALID_IMPORT_FILE',
    );
    expectError(
      await request(api.url)
        .post('/api/deals/import/file')
        .auth(staff.token, { type: 'bearer' })
        .field('x', '1'),
      400,
      'INVALID_IMPORT_FILE',
    );
    expectError(await upload(Buffer.alloc(9 * 1024 * 1024, 'a'), 'big.csv'), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await importJson({ deals: 'all of them' }), 400, 'VALIDATION_FAILED');
    expectError(await importJson({ deals: [] }), 400, 'VALIDATION_FAILED');
    expectError(await importJson({ deals: [row(50)], extra: 1 }), 400, 'VALIDATION_FAILED');
    expectError(
      await request(api.url)
        .post('/api/deals/import')
        .auth(staff.token, { type: 'bearer' })
        .set('Content-Type', 'application/json')
        .send('{"deals": ['),
      400,
      'INVALID_JSON',
    );
    expectError(await importJson({ deals: [row(51)] }, supervisor), 403, 'FORBIDDEN');
    expectError(await importJson({ deals: [row(52)] }, bidder), 403, 'FORBIDDEN');
    expectError(await upload(Buffer.from('x'), 'x.csv', bidder), 403, 'FORBIDDEN');
    expectError(
      await request(api.url)
        .post('/api/deals/import')
        .send({ deals: [row(53)] }),
      401,
      'UNAUTHENTICATED',
    );
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });
});
