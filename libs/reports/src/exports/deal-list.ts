import ExcelJS from 'exceljs';
import { CATEGORY_LABELS, fenToYuan, subtypeLabel, zoneOffsetMinutes } from '@ggzy/domain';
import { neutraliseFormula } from './formula.js';

/** Every `source_type` a deal is written with, as the centre names how it was concluded. */
export const SOURCE_LABELS: Record<string, string> = {
  lease_listing: '网络竞价',
  transfer_auction: '网络竞价',
  on_site_auction: '现场拍卖',
  transfer_agreement: '协议转让',
  tender_award: '招标',
  procurement_award: '政府采购',
  framework_call_off: '框架协议订单',
  import: '历史导入',
};

export const sourceLabel = (sourceType: string) =>
  Object.hasOwn(SOURCE_LABELS, sourceType) ? SOURCE_LABELS[sourceType] : sourceType;

/** A deal as a list exports it; `fee` null when none was charged. */
export interface ListedDeal {
  id: string;
  category: keyof typeof CATEGORY_LABELS;
  subtype: string | null;
  sourceType: string;
  title: string;
  winnerName: string;
  amount: number;
  fee: number | null;
  closedAt: Date;
  externalRef: string | null;
}

const HEADERS = [
  '成交时间',
  '类别',
  '子类',
  '项目名称',
  '成交单位',
  '成交金额(元)',
  '交易服务费(元)',
  '来源',
  '外部编号',
  '成交编号',
];

/** The centre's wall-clock time of an instant, `YYYY-MM-DD HH:mm:ss`. */
function wallClockText(instant: Date, timeZone: string): string {
  return new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ');
}

function csvCell(value: string | number): string {
  const safe = typeof value === 'number' ? String(value) : neutraliseFormula(value);
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A list of deals as CSV (UTF-8 with a BOM, so Excel opens the Chinese intact): every text cell
 * neutralised (a winner's name is chosen by the bidder), amounts in exact 元.
 */
export function renderDealListCsv(deals: readonly ListedDeal[], timeZone: string, note?: string): Buffer {
  const lines = [HEADERS.map(csvCell).join(',')];
  for (const deal of deals)
    lines.push(
      [
        wallClockText(deal.closedAt, timeZone),
        CATEGORY_LABELS[deal.category],
        subtypeLabel(deal.category, deal.subtype),
        deal.title,
        deal.winnerName,
        fenToYuan(deal.amount),
        deal.fee === null ? '' : fenToYuan(deal.fee),
        sourceLabel(deal.sourceType),
        deal.externalRef ?? '',
        deal.id,
      ]
        .map(csvCell)
        .join(','),
    );
  if (note) lines.push(csvCell(note));
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}

/** The same list as one XLSX sheet: amounts as numbers of 元, times as the centre's wall clock. */
export async function renderDealListXlsx(
  deals: readonly ListedDeal[],
  timeZone: string,
  note?: string,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ggzy';
  const sheet = workbook.addWorksheet('成交记录');
  const add = (values: unknown[]) =>
    sheet.addRow(values.map((value) => (typeof value === 'string' ? neutraliseFormula(value) : value)));
  add(HEADERS).font = { bold: true };
  for (const deal of deals)
    add([
      new Date(deal.closedAt.getTime() + zoneOffsetMinutes(deal.closedAt, timeZone) * 60_000),
      CATEGORY_LABELS[deal.category],
      subtypeLabel(deal.category, deal.subtype),
      deal.title,
      deal.winnerName,
      deal.amount / 100,
      deal.fee === null ? null : deal.fee / 100,
      sourceLabel(deal.sourceType),
      deal.externalRef ?? '',
      deal.id,
    ]);
  if (note) add([note]);
  sheet.getColumn(1).numFmt = 'yyyy-mm-dd hh:mm:ss';
  sheet.getColumn(1).width = 20;
  sheet.getColumn(4).width = 40;
  sheet.getColumn(5).width = 30;
  for (const column of [6, 7]) {
    sheet.getColumn(column).numFmt = '#,##0.00';
    sheet.getColumn(column).width = 18;
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
