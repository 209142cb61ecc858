import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import type { TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, registerBidder, type TestUser } from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';
import { buildReport, requestReport, waitForReport } from './support/reports.js';
import { IMPORT_FILE_MAX_BYTES } from '../libs/reports/src/deal-import.service.js';
import { createQueueBackend } from '../libs/queues/src/queue-backend.js';
import { REPORTS_QUEUE, reportJobId } from '../libs/queues/src/report-jobs.js';

/**
 * What an attacker tried against the reports capability (issue 8 review): each answer is a 4xx
 * with a code, nothing is written, and nothing they can send makes the platform answer 500.
 */
const deal = (n: number, overrides: Record<string, unknown> = {}) => ({
  category: 'construction',
  subtype: 'building',
  title: `攻击测试第${n}号工程`,
  amount: 1_000_000 + n,
  winnerName: '江西建工第三建筑有限责任公司',
  closedAt: '2018-03-12T02:00:00Z',
  externalRef: `ATK-${n}`,
  ...overrides,
});

/** A deal written straight into the table, as records kept from before the import checked them. */
async function insertLegacyDeal(
  databaseUrl: string,
  values: { subtype: string | null; amount: string; closedAt: string; ref: string },
) {
  await queryRows(
    databaseUrl,
    `INSERT INTO deals (category, subtype, source_type, source_id, title, amount, winner_id, winner_name, closed_at, external_ref)
     VALUES ('construction', $1, 'import', NULL, '旧记录', $2, NULL, '某公司', $3, $4)`,
    [values.subtype, values.amount, values.closedAt, values.ref],
  );
}

describe('reports under attack (issue 8 review)', () => {
  let platform: TestPlatform;
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;

  beforeAll(async () => {
    platform = await startTestPlatform();
    ({ env, api } = platform);
    staff = await createOperator(env.config, api.url, 'staff');
    supervisor = await createOperator(env.config, api.url, 'supervisor');
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

  it('refuses years outside 1990–2200 on every period and date filter with a 400, never a 500', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const anonymous = (path: string) => request(api.url).get(path);
    for (const query of [
      'from=9999-12-31&to=9999-12-31',
      'from=2018-01-01&to=9999-12-31',
      'from=2201-01-01&to=2201-01-31',
      'from=1989-12-01&to=1990-01-31',
    ]) {
      expectError(await anonymous(`/api/public/statistics?${query}`), 400, 'INVALID_PERIOD');
    }
    for (const query of ['to=9999-12-31', 'from=9999-12-31', 'from=1900-01-01', 'to=2201-01-01']) {
      expectError(
        await request(api.url).get(`/api/deals?${query}`).auth(staff.token, { type: 'bearer' }),
        400,
        'VALIDATION_FAILED',
      );
    }
    for (const body of [
      { from: '9999-01-01', to: '9999-12-31' },
      { from: '2200-06-01', to: '2201-01-31' },
    ]) {
      expectError(
        await request(api.url)
          .post('/api/reports/transactions')
          .auth(staff.token, { type: 'bearer' })
          .send(body),
        400,
        'INVALID_PERIOD',
      );
    }
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    // The edges themselves are fine.
    await anonymous('/api/public/statistics?from=2200-12-01&to=2200-12-31').expect(200);
    await request(api.url)
      .get('/api/deals?from=1990-01-01&to=2200-12-31')
      .auth(staff.token, { type: 'bearer' })
      .expect(200);
  });

  it('takes no inherited name as a category or subtype, and ignores such headers', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const response = await importJson({
      deals: [
        deal(1, { category: 'toString' }),
        deal(2, { category: '__proto__' }),
        deal(3, { subtype: 'constructor' }),
        deal(4, { subtype: '__proto__' }),
        deal(5, { subtype: 'hasOwnProperty' }),
      ],
    });
    const errors = (
      expectError(response, 400, 'IMPORT_ROWS_INVALID').details as {
        errors: { row: number; field: string; code: string }[];
      }
    ).errors;
    expect(errors.map((error) => [error.row, error.field, error.code])).toEqual([
      [1, 'category', 'UNKNOWN_CATEGORY'],
      [2, 'category', 'UNKNOWN_CATEGORY'],
      [3, 'subtype', 'UNKNOWN_SUBTYPE'],
      [4, 'subtype', 'UNKNOWN_SUBTYPE'],
      [5, 'subtype', 'UNKNOWN_SUBTYPE'],
    ]);
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);

    const csv = [
      'constructor,__proto__,类别,项目名称,成交金额(元),成交单位,成交时间,外部编号',
      'x,y,建筑工程,表头测试,100,某公司,2018-01-05,ATK-HEADERS',
    ].join('\n');
    const uploaded = await upload(Buffer.from(csv, 'utf8'), 'headers.csv').expect(200);
    expect(uploaded.body).toEqual({
      received: 1,
      created: 1,
      unchanged: 0,
      ignoredColumns: ['constructor', '__proto__'],
    });
  });

  it('labels a stored subtype that shadows an Object member as text, in the report and its exports', async () => {
    for (const [index, subtype] of ['constructor', '__proto__', 'hasOwnProperty'].entries()) {
      await insertLegacyDeal(env.config.DATABASE_URL, {
        subtype,
        amount: '100',
        closedAt: `2002-03-0${index + 1}T02:00:00Z`,
        ref: `ATK-LEGACY-${subtype}`,
      });
    }
    const report = await buildReport(api.url, staff, { from: '2002-01-01', to: '2002-12-31' });
    const construction = report.result!.categories.find((entry) => entry.category === 'construction')!;
    expect(construction.subtypes.map((entry) => [entry.subtype, entry.label]).sort()).toEqual([
      ['__proto__', '__proto__'],
      ['constructor', 'constructor'],
      ['hasOwnProperty', 'hasOwnProperty'],
    ]);
    const csv = await request(api.url)
      .get(`/api/reports/${report.id}/export?format=csv`)
      .auth(staff.token, { type: 'bearer' })
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect((csv.body as Buffer).toString('utf8')).not.toContain('[object');
    const xlsx = await request(api.url)
      .get(`/api/reports/${report.id}/export?format=xlsx`)
      .auth(staff.token, { type: 'bearer' })
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const labels: unknown[] = [];
    workbook.getWorksheet('成交清单')!.eachRow((row, number) => {
      if (number > 1) labels.push(row.getCell(3).value);
    });
    expect(labels.sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty']);
  });

  it('caps a deal at 10^13 fen, and answers sums past 2^53 fen with a 422, never a 500', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const response = await importJson({
      deals: [
        deal(10, { amount: Number.MAX_SAFE_INTEGER, closedAt: '2003-01-05T02:00:00Z' }),
        deal(11, { amount: undefined, amountYuan: '100000000000.01', closedAt: '2003-01-05T02:00:00Z' }),
        deal(12, { amount: 10_000_000_000_000, closedAt: '2003-01-05T02:00:00Z' }),
      ],
    });
    const errors = (
      expectError(response, 400, 'IMPORT_ROWS_INVALID').details as {
        errors: { row: number; field: string; code: string }[];
      }
    ).errors;
    expect(errors.map((error) => [error.row, error.field, error.code])).toEqual([
      [1, 'amount', 'AMOUNT_TOO_LARGE'],
      [2, 'amountYuan', 'AMOUNT_TOO_LARGE'],
    ]);
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);

    // Records from before the cap: two of 2^53 − 1 fen in one year.
    for (const ref of ['ATK-HUGE-1', 'ATK-HUGE-2']) {
      await insertLegacyDeal(env.config.DATABASE_URL, {
        subtype: null,
        amount: String(Number.MAX_SAFE_INTEGER),
        closedAt: '2004-06-01T02:00:00Z',
        ref,
      });
    }
    expectError(
      await request(api.url).get('/api/public/statistics?from=2004-01-01&to=2004-12-31'),
      422,
      'REPORT_TOTAL_TOO_LARGE',
    );
    const { id } = await requestReport(api.url, supervisor, { from: '2004-01-01', to: '2004-12-31' });
    const failed = await waitForReport(api.url, supervisor, id);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/2\^53/);
    // The same answer every time: failed at the first attempt, not retried.
    const backend = createQueueBackend(env.config);
    const queue = backend.createQueue(REPORTS_QUEUE);
    try {
      const job = await queue.getJob(reportJobId(id));
      expect({ attemptsMade: job?.attemptsMade, state: await job?.getState() }).toEqual({
        attemptsMade: 1,
        state: 'failed',
      });
    } finally {
      await queue.close();
      await backend.close();
    }
  });

  const HEADER = ['category', 'subtype', 'title', 'amountYuan', 'winnerName', 'closedAt', 'externalRef'];
  const sheetRow = (n: number, title = `表格第${n}号工程`) => [
    'construction',
    'building',
    title,
    100,
    '某公司',
    '2018-01-05',
    `ATK-SHEET-${n}`,
  ];
  async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('成交记录');
    sheet.addRow(HEADER);
    for (const row of rows) sheet.addRow(row);
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
  const csvOf = (rows: unknown[][]) =>
    Buffer.from([HEADER, ...rows].map((row) => row.join(',')).join('\n'), 'utf8');

  it('stops reading a spreadsheet at row 10,001 and at a cell past 1,000 characters, writing nothing', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const tooMany = Array.from({ length: 10_001 }, (_, index) => sheetRow(index));
    const xlsx = await xlsxOf(tooMany);
    let started = Date.now();
    const xlsxRefused = expectError(await upload(xlsx, 'many.xlsx'), 413, 'IMPORT_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(xlsxRefused.details).toEqual({ limit: 10_000, receivedAtLeast: 10_001 });
    started = Date.now();
    const csvRefused = expectError(await upload(csvOf(tooMany), 'many.csv'), 413, 'IMPORT_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(csvRefused.details).toEqual({ limit: 10_000, receivedAtLeast: 10_001 });
    // Exactly 10,000 rows are read to the end: the last one's fault is found, at sheet row 10,001.
    const lastBad = [...tooMany.slice(0, 9_999), sheetRow(9_999, '')];
    for (const file of [await xlsxOf(lastBad), csvOf(lastBad)]) {
      const name = file.subarray(0, 2).toString('latin1') === 'PK' ? 'full.xlsx' : 'full.csv';
      const details = expectError(await upload(file, name), 400, 'IMPORT_ROWS_INVALID').details as {
        errors: { row: number; field: string; code: string }[];
      };
      expect({ name, errors: details.errors }).toEqual({
        name,
        errors: [expect.objectContaining({ row: 10_001, field: 'title', code: 'REQUIRED' })],
      });
    }

    const long = '长'.repeat(1_001);
    const xlsxLong = expectError(
      await upload(await xlsxOf([sheetRow(1), sheetRow(2, long)]), 'long.xlsx'),
      413,
      'IMPORT_CELL_TOO_LONG',
    );
    expect(xlsxLong.details).toEqual({ row: 3, column: 3, limit: 1_000 });
    const csvLong = expectError(
      await upload(csvOf([sheetRow(1), sheetRow(2, long)]), 'long.csv'),
      413,
      'IMPORT_CELL_TOO_LONG',
    );
    expect(csvLong.details).toEqual({ row: 3, column: 3, limit: 1_000 });
    // One cell far past the parser's record buffer.
    expectError(
      await upload(csvOf([sheetRow(1, 'x'.repeat(2_000_000))]), 'huge-cell.csv'),
      413,
      'IMPORT_CELL_TOO_LONG',
    );
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it('refuses an XLSX that unpacks past 64 MB before parsing it', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const bomb = await xlsxOf([sheetRow(1, 'a'.repeat(70 * 1024 * 1024))]);
    expect(bomb.length).toBeLessThan(IMPORT_FILE_MAX_BYTES);
    const refused = expectError(await upload(bomb, 'bomb.xlsx'), 413, 'IMPORT_UNPACKED_TOO_LARGE');
    expect(refused.details).toEqual({ limit: 64 * 1024 * 1024 });
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it('refuses two columns for one field, and files whose content is not what their name says', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const twoRefs = [
      '类别,项目名称,成交金额(元),成交单位,成交时间,externalRef,项目编号',
      '建筑工程,两个编号,100,某公司,2018-01-05,ATK-A,ATK-B',
    ].join('\n');
    const duplicate = expectError(
      await upload(Buffer.from(twoRefs, 'utf8'), 'two-refs.csv'),
      400,
      'INVALID_IMPORT_FILE',
    );
    expect(duplicate.details).toEqual({
      duplicateFields: ['externalRef'],
      duplicateHeaders: ['externalRef', '项目编号'],
    });
    const goodCsv = csvOf([sheetRow(1)]);
    const asExe = await request(api.url)
      .post('/api/deals/import/file')
      .auth(staff.token, { type: 'bearer' })
      .attach('file', goodCsv, { filename: 'a.exe', contentType: 'text/csv' });
    expectError(asExe, 400, 'INVALID_IMPORT_FILE');
    const xlsx = await xlsxOf([sheetRow(1)]);
    expectError(await upload(xlsx, 'deals.csv'), 400, 'INVALID_IMPORT_FILE');
    expectError(await upload(goodCsv, 'deals.xlsx'), 400, 'INVALID_IMPORT_FILE');
    expectError(
      await upload(Buffer.concat([goodCsv, Buffer.from([0xff, 0xfe, 0x00])]), 'latin.csv'),
      400,
      'INVALID_IMPORT_FILE',
    );
    expectError(await upload(Buffer.from('类别\u0000,x\n', 'utf8'), 'nul.csv'), 400, 'INVALID_IMPORT_FILE');
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it('parses the 8 MB import body only for a valid staff token; anyone else gets the general 1 MB limit', async () => {
    const bidder = await registerBidder(api.url);
    const before = await tableContents(env.config.DATABASE_URL);
    const rows = Array.from({ length: 6_000 }, (_, index) => deal(200_000 + index));
    const body = JSON.stringify({ deals: rows });
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const post = (token?: string) => {
      const call = request(api.url).post('/api/deals/import').set('Content-Type', 'application/json');
      return (token ? call.auth(token, { type: 'bearer' }) : call).send(body);
    };
    expectError(await post(), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await post(bidder.token), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await post(supervisor.token), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await post('forged.token.value'), 413, 'PAYLOAD_TOO_LARGE');
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    // Small bodies still get the guards' answers.
    expectError(await importJson({ deals: [deal(300)] }, bidder), 403, 'FORBIDDEN');
    expectError(
      await request(api.url)
        .post('/api/deals/import')
        .send({ deals: [deal(301)] }),
      401,
      'UNAUTHENTICATED',
    );
    const imported = await post(staff.token).expect(200);
    expect(imported.body).toEqual({ received: 6_000, created: 6_000, unchanged: 0 });
  });

  it('refuses an object with more than 200 keys before validating it, and lists at most 100 problems', async () => {
    const before = await tableContents(env.config.DATABASE_URL);
    const manyKeys = Object.fromEntries(Array.from({ length: 50_000 }, (_, index) => [`k${index}`, 1]));
    const started = Date.now();
    const response = await request(api.url).post('/api/auth/register').send(manyKeys);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(expectError(response, 400, 'TOO_MANY_KEYS').details).toEqual({
      field: 'body',
      keys: 50_000,
      limit: 200,
    });
    expect(response.text.length).toBeLessThan(1_000);
    const nested = await importJson({
      deals: [Object.fromEntries(Array.from({ length: 201 }, (_, index) => [`f${index}`, 'x']))],
    });
    expect(expectError(nested, 400, 'TOO_MANY_KEYS').details).toMatchObject({ field: 'deals.0', keys: 201 });

    const unknownFields = Object.fromEntries(Array.from({ length: 150 }, (_, index) => [`u${index}`, 1]));
    const listed = expectError(
      await request(api.url)
        .post('/api/auth/register')
        .send({ username: 'someone', password: 'long enough password', ...unknownFields }),
      400,
      'VALIDATION_FAILED',
    );
    expect(listed.details).toHaveLength(100);
    const [, problems] = /(\d+) problems, the first 100 listed/.exec(listed.message) ?? [];
    expect(Number(problems)).toBeGreaterThanOrEqual(150);
    expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
  });

  it('lets one person have at most 5 reports queued or running; identical requests are still shared', async () => {
    await platform.stopWorker();
    const ids: string[] = [];
    try {
      const post = (user: TestUser, from: string, to: string) =>
        request(api.url)
          .post('/api/reports/transactions')
          .auth(user.token, { type: 'bearer' })
          .send({ from, to });
      // Ten at once: the count and the insert are one step, so exactly five get in.
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          post(supervisor, `2010-${String(index + 1).padStart(2, '0')}-01`, '2010-12-31'),
        ),
      );
      expect(burst.map((response) => response.status).sort()).toEqual([
        ...Array(5).fill(202),
        ...Array(5).fill(429),
      ]);
      const refused = burst.find((response) => response.status === 429)!;
      expectError(refused, 429, 'RATE_LIMITED');
      expect(refused.headers['retry-after']).toBe('5');
      const accepted = burst.filter((response) => response.status === 202);
      ids.push(...accepted.map((response) => response.body.id as string));
      // An identical request shares the queued report, over the limit or not.
      const acceptedFrom = (
        await queryRows<{ period_from: string }>(
          env.config.DATABASE_URL,
          `SELECT to_char(period_from, 'YYYY-MM-DD') AS period_from FROM reports WHERE id = $1`,
          [ids[0]],
        )
      )[0].period_from;
      const shared = await post(supervisor, acceptedFrom, '2010-12-31').expect(202);
      expect(shared.body.id).toBe(ids[0]);
      // Someone else's limit is their own.
      await post(staff, '2011-01-01', '2011-12-31').expect(202);
      const rows = await queryRows<{ n: string }>(
        env.config.DATABASE_URL,
        `SELECT count(*) AS n FROM reports WHERE period_to = '2010-12-31'`,
      );
      expect(Number(rows[0].n)).toBe(5);
    } finally {
      await platform.startWorker();
    }
    for (const id of ids) expect((await waitForReport(api.url, supervisor, id)).status).toBe('done');
    await requestReport(api.url, supervisor, { from: '2012-01-01', to: '2012-12-31' });
  });

  it('writes text a spreadsheet would evaluate with a leading apostrophe, in the CSV and the XLSX', async () => {
    await importJson({
      deals: [
        deal(400, {
          title: '=HYPERLINK("http://evil.example","点击")',
          winnerName: '-2+3',
          externalRef: '@SUM(A1)',
          closedAt: '2005-03-01T02:00:00Z',
        }),
        deal(401, {
          title: '+86 工程',
          winnerName: '普通公司',
          externalRef: 'ATK-PLAIN',
          closedAt: '2005-03-02T02:00:00Z',
        }),
      ],
    }).expect(200);
    await insertLegacyDeal(env.config.DATABASE_URL, {
      subtype: '-1+1',
      amount: '100',
      closedAt: '2005-04-01T02:00:00Z',
      ref: 'ATK-LEGACY-FORMULA',
    });
    const report = await buildReport(api.url, staff, { from: '2005-01-01', to: '2005-12-31' });
    const download = (format: string) =>
      request(api.url)
        .get(`/api/reports/${report.id}/export?format=${format}`)
        .auth(staff.token, { type: 'bearer' })
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
    const csv = parseCsv((await download('csv')).body as Buffer, {
      bom: true,
      relax_column_count: true,
    }) as string[][];
    const subtypeCells = csv.filter((row) => row[0] === '建筑工程').map((row) => row[1]);
    expect(subtypeCells).toContain("'-1+1");
    expect(subtypeCells).not.toContain('-1+1');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await download('xlsx')).body as unknown as ArrayBuffer);
    const listed: unknown[][] = [];
    workbook.getWorksheet('成交清单')!.eachRow((row, number) => {
      if (number > 1) listed.push([3, 4, 5, 6, 8].map((column) => row.getCell(column).value));
    });
    expect(listed).toEqual(
      expect.arrayContaining([
        ['房屋建筑', '\'=HYPERLINK("http://evil.example","点击")', "'-2+3", 1_000_400 / 100, "'@SUM(A1)"],
        ['房屋建筑', "'+86 工程", '普通公司', 1_000_401 / 100, 'ATK-PLAIN'],
        ["'-1+1", '旧记录', '某公司', 1, 'ATK-LEGACY-FORMULA'],
      ]),
    );
    const summaryLabels: unknown[] = [];
    workbook.getWorksheet('汇总')!.eachRow((row) => summaryLabels.push(row.getCell(2).value));
    expect(summaryLabels).toContain("'-1+1");
  });
});
