import type ExcelJS from 'exceljs';
import { CATEGORY_LABELS, type ReportResult, subtypeLabel, zoneOffsetMinutes } from '@ggzy/domain';
import type { DealEntity } from '@ggzy/persistence';

import { neutraliseFormula } from './formula.js';
import { sourceLabel } from './deal-list.js';

const YUAN_FORMAT = '#,##0.00';
/** Amount cells hold 元 as numbers (fen / 100), formatted, never text. */
const yuan = (fen: number) => fen / 100;

/** Excel dates have no zone: write the centre's wall-clock time. */
function wallClock(instant: Date, timeZone: string): Date {
  return new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
}

/** A row whose text cells are neutralised: numbers and dates pass as they are. */
function addSafeRow(sheet: ExcelJS.Worksheet, values: unknown[]): ExcelJS.Row {
  return sheet.addRow(values.map((value) => (typeof value === 'string' ? neutraliseFormula(value) : value)));
}

/** Three sheets: the summary table, the series, and the deal list. */
export async function renderXlsx(
  result: ReportResult,
  deals: DealEntity[],
  options: { timeZone: string; omitted: number },
): Promise<Buffer> {
  // Loaded on first use: exceljs and its zip stack cost every process that never exports ~0.7 s of start-up.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  workbook.creator = 'ggzy';

  const summary = workbook.addWorksheet('汇总');
  addSafeRow(summary, [`${result.period}公共资源交易统计`]);
  addSafeRow(summary, [result.summary]);
  addSafeRow(summary, []);
  addSafeRow(summary, ['类别', '子类', '项目数(个)', '成交金额(元)']).font = { bold: true };
  for (const category of result.categories) {
    addSafeRow(summary, [category.label, '合计', category.count, yuan(category.amount)]);
    for (const subtype of category.subtypes) {
      addSafeRow(summary, [category.label, subtype.label, subtype.count, yuan(subtype.amount)]);
    }
  }
  addSafeRow(summary, ['合计', '', result.total.count, yuan(result.total.amount)]).font = { bold: true };
  if (result.fees) {
    addSafeRow(summary, []);
    addSafeRow(summary, ['类别', '交易服务费', '收费项目数(个)', '交易服务费(元)']).font = { bold: true };
    for (const entry of result.fees.categories)
      addSafeRow(summary, [entry.label, '交易服务费', entry.count, yuan(entry.amount)]);
    addSafeRow(summary, [
      '合计',
      '交易服务费',
      result.fees.total.count,
      yuan(result.fees.total.amount),
    ]).font = {
      bold: true,
    };
  }
  summary.getColumn(4).numFmt = YUAN_FORMAT;
  summary.getColumn(1).width = 14;
  summary.getColumn(2).width = 14;
  summary.getColumn(4).width = 20;

  const series = workbook.addWorksheet('按月');
  addSafeRow(series, [
    '期间',
    ...result.categories.flatMap((category) => [`${category.label}项目数`, `${category.label}金额(元)`]),
    '项目数',
    '成交金额(元)',
  ]).font = { bold: true };
  for (const bucket of result.series) {
    addSafeRow(series, [
      bucket.label,
      ...bucket.categories.flatMap((entry) => [entry.count, yuan(entry.amount)]),
      bucket.count,
      yuan(bucket.amount),
    ]);
  }
  const amountColumns = [3, 5, 7, 9];
  for (const column of amountColumns) {
    series.getColumn(column).numFmt = YUAN_FORMAT;
    series.getColumn(column).width = 18;
  }
  series.getColumn(1).width = 16;

  const list = workbook.addWorksheet('成交清单');
  addSafeRow(list, [
    '成交时间',
    '类别',
    '子类',
    '项目名称',
    '成交单位',
    '成交金额(元)',
    '来源',
    '外部编号',
  ]).font = {
    bold: true,
  };
  for (const deal of deals) {
    addSafeRow(list, [
      wallClock(deal.closedAt, options.timeZone),
      CATEGORY_LABELS[deal.category],
      subtypeLabel(deal.category, deal.subtype),
      deal.title,
      deal.winnerName,
      yuan(deal.amount),
      sourceLabel(deal.sourceType),
      deal.externalRef ?? '',
    ]);
  }
  if (options.omitted > 0) addSafeRow(list, [`另有 ${options.omitted} 条成交记录未列出`]);
  list.getColumn(1).numFmt = 'yyyy-mm-dd hh:mm:ss';
  list.getColumn(1).width = 20;
  list.getColumn(4).width = 40;
  list.getColumn(5).width = 30;
  list.getColumn(6).numFmt = YUAN_FORMAT;
  list.getColumn(6).width = 18;

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
