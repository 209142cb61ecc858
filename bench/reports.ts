import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { type AppConfig, loadEnvConfig } from '@ggzy/common';
import { AuditLogRepository, createDataSource, DealsRepository, FeesRepository } from '@ggzy/persistence';
import { DealImportService, ReportBuilder } from '@ggzy/reports';
import { round, summary } from './stats.js';

/**
 * `npm run bench:reports`: 1,000,000 deal records over ten years in a database of its own,
 * then the report for one year and for all ten (the worker's own ReportBuilder) next to a raw
 * `GROUP BY category` over the same rows in the same run, and the 10,000-row import call.
 * Nothing here asserts; the figures go to bench/results/ and, by hand, to BENCHMARKS.md.
 */
const ROWS = Number(process.env.BENCH_DEALS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (message: string) => console.error(`[bench:reports] ${message}`);

// Ten years of deals, evenly spread, three categories with their subtypes, amounts up to 1,000万元.
const LOAD_SQL = `
  INSERT INTO deals (category, subtype, source_type, title, amount, winner_name, closed_at, external_ref)
  SELECT (ARRAY['construction','procurement','property_rights'])[1 + i % 3],
         CASE i % 3 WHEN 0 THEN (ARRAY['building','municipal','road',NULL])[1 + (i / 3) % 4]
                    WHEN 1 THEN (ARRAY['open_tender','rfq','consultation','negotiation'])[1 + (i / 3) % 4]
                    ELSE (ARRAY['lease','transfer'])[1 + (i / 3) % 2] END,
         'bench', '基准测试项目 ' || i, 10000 + (hashint4(i)::bigint & 2147483647) % 1000000000,
         '基准测试单位', timestamptz '2016-01-01 00:00+08' + (i::double precision / $1) * interval '3653 days',
         'BENCH-' || i
  FROM generate_series(0, $1 - 1) AS i`;

const RAW_GROUP_BY_SQL = `
  SELECT category, count(*), sum(amount) FROM deals
  WHERE closed_at >= $1 AND closed_at < $2
  GROUP BY category`;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function main() {
  const name = `ggzy_bench_reports_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const dataSource = await createDataSource(databaseUrl, 4, 'ggzy-bench-reports').initialize();
  try {
    await dataSource.runMigrations({ transaction: 'all' });
    const [{ server_version: version }] = (await dataSource.query('SHOW server_version')) as {
      server_version: string;
    }[];
    log(`loading ${ROWS.toLocaleString()} deals into ${name}`);
    const load = await timed(() => dataSource.query(LOAD_SQL, [ROWS]));
    await dataSource.query('VACUUM ANALYZE deals');
    log(`loaded in ${round(load.ms / 1000, 1)} s`);

    const config = { ...loadEnvConfig({}), DATABASE_URL: databaseUrl, REDIS_URL: null } as AppConfig;
    const fees = new FeesRepository(dataSource, config);
    const deals = new DealsRepository(dataSource, fees);
    const builder = new ReportBuilder(deals, config);
    const raw = new pg.Client({ connectionString: databaseUrl });
    await raw.connect();

    const periods = [
      {
        name: 'one year (2025)',
        from: '2025-01-01',
        to: '2025-12-31',
        start: '2024-12-31T16:00:00Z',
        end: '2025-12-31T16:00:00Z',
      },
      {
        name: 'ten years (2016–2025)',
        from: '2016-01-01',
        to: '2025-12-31',
        start: '2015-12-31T16:00:00Z',
        end: '2025-12-31T16:00:00Z',
      },
    ];
    const reports = [];
    for (const period of periods) {
      // One warm-up each, then alternate so both see the same cache and the same load.
      await builder.build({ from: period.from, to: period.to, groupBy: 'month' });
      await raw.query(RAW_GROUP_BY_SQL, [period.start, period.end]);
      const ours: number[] = [];
      const baseline: number[] = [];
      let count = 0;
      for (let run = 0; run < REPEAT; run += 1) {
        const report = await timed(() =>
          builder.build({ from: period.from, to: period.to, groupBy: 'month' }),
        );
        ours.push(report.ms);
        count = report.value.total.count;
        const rawRun = await timed(() => raw.query(RAW_GROUP_BY_SQL, [period.start, period.end]));
        baseline.push(rawRun.ms);
      }
      const ourMedian = summary(ours).p50;
      const rawMedian = summary(baseline).p50;
      reports.push({
        period: period.name,
        deals: count,
        reportMs: round(ourMedian, 1),
        rawGroupByMs: round(rawMedian, 1),
        ratio: round(ourMedian / rawMedian, 2),
        reportRunsMs: ours.map((ms) => round(ms, 1)),
        rawRunsMs: baseline.map((ms) => round(ms, 1)),
      });
      log(`${period.name}: report ${round(ourMedian, 1)} ms, raw GROUP BY ${round(rawMedian, 1)} ms`);
    }

    // The 10,000-row import call (validation, one transaction, idempotent writes), into the 1M-row table.
    const silent = pino({ level: 'silent' });
    const importer = new DealImportService(
      dataSource,
      deals,
      new AuditLogRepository(dataSource),
      fees,
      config,
      silent,
    );
    const rows = Array.from({ length: 10_000 }, (_, index) => ({
      category: (['construction', 'procurement', 'property_rights'] as const)[index % 3],
      title: `东湖区历史成交记录第${index}号 公共资源交易项目`,
      amountYuan: `${1000 + index}.50`,
      winnerName: '江西建工第三建筑有限责任公司',
      closedAt: '2018-03-12 10:00',
      externalRef: `IMPORT-BENCH-${index}`,
    }));
    const imported = await timed(() => importer.importRows(rows, null, 'json'));
    const again = await timed(() => importer.importRows(rows, null, 'json'));
    const rawInsert = await timed(() =>
      raw.query(`INSERT INTO deals (category, source_type, title, amount, winner_name, closed_at, external_ref)
        SELECT 'construction', 'bench', '基准测试项目 ' || i, 100000 + i, '基准测试单位', now(), 'RAW-' || i
        FROM generate_series(1, 10000) AS i`),
    );
    await raw.end();

    const results = {
      at: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        memoryGiB: round(totalmem() / 2 ** 30, 1),
        node: process.version,
        postgres: version,
        loadavgAtEnd: loadavg().map((value) => round(value, 2)),
      },
      deals: ROWS,
      loadSeconds: round(load.ms / 1000, 1),
      reports,
      import: {
        rows: 10_000,
        created: imported.value.created,
        ms: round(imported.ms, 0),
        rowsPerSecond: round(10_000 / (imported.ms / 1000), 0),
        repeatUnchanged: again.value.unchanged,
        repeatMs: round(again.ms, 0),
        rawInsertSelect10000Ms: round(rawInsert.ms, 0),
      },
    };
    mkdirSync(join(process.cwd(), 'bench/results'), { recursive: true });
    const file = join(process.cwd(), `bench/results/reports-${results.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2));
    console.log(JSON.stringify(results, null, 2));
    log(`written to ${file}`);
  } finally {
    await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
