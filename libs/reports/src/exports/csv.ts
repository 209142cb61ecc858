import { CATEGORY_LABELS, fenToYuan, type ReportResult } from '@ggzy/domain';
import { neutraliseFormula } from './formula.js';

const BOM = '\uFEFF';

function cell(value: string | number): string {
  // Numbers are written as numbers; text that a spreadsheet would evaluate is neutralised.
  const safe = typeof value === 'number' ? String(value) : neutraliseFormula(value);
  // Quote what CSV needs quoted.
  return /[",\r\n;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function line(values: (string | number)[]): string {
  return values.map(cell).join(',');
}

/**
 * UTF-8 with a BOM so Excel opens the Chinese intact: the period and the sentence, the table
 * by category and subtype, then the series, then the fees collected. Amounts in 元 and 万元, exact.
 */
export function renderCsv(result: ReportResult): Buffer {
  const lines: string[] = [
    line(['统计期间', result.period, result.from, result.to]),
    line(['说明', result.summary]),
    '',
    line(['类别', '子类', '项目数(个)', '成交金额(元)', '成交金额(万元)']),
  ];
  for (const category of result.categories) {
    lines.push(
      line([category.label, '合计', category.count, fenToYuan(category.amount), category.amountWan]),
    );
    for (const subtype of category.subtypes) {
      lines.push(
        line([category.label, subtype.label, subtype.count, fenToYuan(subtype.amount), subtype.amountWan]),
      );
    }
  }
  lines.push(line(['合计', '', result.total.count, fenToYuan(result.total.amount), result.total.amountWan]));
  lines.push('');
  lines.push(
    line([
      '期间',
      ...result.series[0]!.categories.flatMap((entry) => [
        `${CATEGORY_LABELS[entry.category]}项目数(个)`,
        `${CATEGORY_LABELS[entry.category]}成交金额(元)`,
      ]),
      '项目数(个)',
      '成交金额(元)',
    ]),
  );
  for (const bucket of result.series) {
    lines.push(
      line([
        bucket.label,
        ...bucket.categories.flatMap((entry) => [entry.count, fenToYuan(entry.amount)]),
        bucket.count,
        fenToYuan(bucket.amount),
      ]),
    );
  }
  if (result.fees) {
    lines.push('');
    lines.push(line(['类别', '收费项目数(个)', '交易服务费(元)', '交易服务费(万元)']));
    for (const entry of result.fees.categories)
      lines.push(line([entry.label, entry.count, fenToYuan(entry.amount), entry.amountWan]));
    const total = result.fees.total;
    lines.push(line(['合计', total.count, fenToYuan(total.amount), total.amountWan]));
  }
  return Buffer.from(BOM + lines.join('\r\n') + '\r\n', 'utf8');
}
