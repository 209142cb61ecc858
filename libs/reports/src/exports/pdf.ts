import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CATEGORY_LABELS,
  type DealCategory,
  DEAL_CATEGORIES,
  fenToWanYuan,
  type ReportResult,
} from '@ggzy/domain';

// Noto Sans Hans (Simplified Chinese, OFL) from an npm package: no system font needed, and
// pdfkit embeds only the glyphs used.
const FONT_FILE = join(
  dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')),
  '..',
  'fonts',
  'NotoSansHans-Regular.otf',
);

const COLORS: Record<DealCategory, string> = {
  construction: '#3b6fb6',
  procurement: '#e08a2c',
  property_rights: '#4a9a5b',
};

/** More buckets than this would make bars too thin to read: the chart then shows years. */
export const MAX_CHART_BUCKETS = 24;

export interface ChartData {
  title: string;
  buckets: { label: string; values: { category: DealCategory; amount: number; amountWan: string }[] }[];
}

/** What the bar chart draws: value (万元) by category and period bucket. */
export function chartData(result: ReportResult): ChartData {
  let buckets = result.series.map((bucket) => ({ label: bucket.label, categories: bucket.categories }));
  let unit = result.groupBy === 'month' ? '月' : result.groupBy === 'quarter' ? '季度' : '年';
  if (buckets.length > MAX_CHART_BUCKETS) {
    const years = new Map<string, Map<DealCategory, number>>();
    for (const bucket of result.series) {
      const year = years.get(bucket.key.slice(0, 4)) ?? new Map();
      for (const entry of bucket.categories)
        year.set(entry.category, (year.get(entry.category) ?? 0) + entry.amount);
      years.set(bucket.key.slice(0, 4), year);
    }
    buckets = [...years.entries()].map(([year, amounts]) => ({
      label: `${year}年`,
      categories: DEAL_CATEGORIES.map((category) => ({
        category,
        count: 0,
        amount: amounts.get(category) ?? 0,
      })),
    }));
    unit = '年';
  }
  return {
    title: `成交金额(万元),按类别和${unit}`,
    buckets: buckets.map((bucket) => ({
      label: bucket.label,
      values: bucket.categories.map((entry) => ({
        category: entry.category,
        amount: entry.amount,
        amountWan: fenToWanYuan(entry.amount),
      })),
    })),
  };
}

/** Title, period, the sentence, the table, and a bar chart of value by category and period. */
export async function renderPdf(result: ReportResult): Promise<Buffer> {
  // Loaded on first use, as exceljs is: most processes never draw a PDF.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `${result.period}公共资源交易统计` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', FONT_FILE);
  doc.font('cjk');
  const left = 50;
  const width = 495;

  doc.fontSize(18).text('公共资源交易统计报告', { align: 'center' });
  doc.moveDown(0.5);
  doc.fontSize(11).text(`统计期间:${result.period}(${result.from} 至 ${result.to})`);
  doc.moveDown(0.5);
  doc.fontSize(11).text(result.summary, { width, lineGap: 3 });
  doc.moveDown(1);

  // The table: category, subtype, count, 万元.
  const columns = [
    { title: '类别', x: left, width: 100, align: 'left' as const },
    { title: '子类', x: left + 100, width: 130, align: 'left' as const },
    { title: '项目数(个)', x: left + 230, width: 100, align: 'right' as const },
    { title: '成交金额(万元)', x: left + 330, width: 165, align: 'right' as const },
  ];
  const row = (values: string[], bold = false) => {
    if (doc.y > 760) doc.addPage();
    const y = doc.y;
    doc.fontSize(10).fillColor(bold ? '#000000' : '#222222');
    values.forEach((value, index) => {
      const column = columns[index];
      doc.text(value, column.x + 4, y + 4, {
        width: column.width - 8,
        align: column.align,
        lineBreak: false,
      });
    });
    doc
      .moveTo(left, y + 18)
      .lineTo(left + width, y + 18)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.x = left;
    doc.y = y + 18;
  };
  row(
    columns.map((column) => column.title),
    true,
  );
  for (const category of result.categories) {
    row([category.label, '合计', String(category.count), category.amountWan], true);
    for (const subtype of category.subtypes)
      row(['', subtype.label, String(subtype.count), subtype.amountWan]);
  }
  row(['合计', '', String(result.total.count), result.total.amountWan], true);
  if (result.fees) {
    doc.moveDown(0.5);
    row(['类别', '交易服务费', '收费项目数(个)', '交易服务费(万元)'], true);
    for (const entry of result.fees.categories) row([entry.label, '', String(entry.count), entry.amountWan]);
    row(['合计', '', String(result.fees.total.count), result.fees.total.amountWan], true);
  }

  drawChart(doc, chartData(result), left, width);
  doc.end();
  return finished;
}

function drawChart(doc: PDFKit.PDFDocument, chart: ChartData, left: number, width: number) {
  const height = 180;
  if (doc.y + height + 110 > 792) doc.addPage();
  doc.moveDown(1.5);
  doc.x = left;
  doc.fillColor('#000000').fontSize(12).text(chart.title, left, doc.y);
  // Legend.
  let legendX = left;
  const legendY = doc.y + 4;
  for (const category of DEAL_CATEGORIES) {
    doc.rect(legendX, legendY + 2, 8, 8).fill(COLORS[category]);
    doc
      .fillColor('#000000')
      .fontSize(9)
      .text(CATEGORY_LABELS[category], legendX + 12, legendY, { lineBreak: false });
    legendX += 80;
  }
  const top = legendY + 30;
  const bottom = top + height;
  const max = Math.max(1, ...chart.buckets.flatMap((bucket) => bucket.values.map((value) => value.amount)));
  const groupWidth = width / Math.max(1, chart.buckets.length);
  const barWidth = (groupWidth * 0.8) / DEAL_CATEGORIES.length;
  const rotateLabels = barWidth < 18;
  doc
    .moveTo(left, bottom)
    .lineTo(left + width, bottom)
    .lineWidth(0.8)
    .strokeColor('#333333')
    .stroke();
  chart.buckets.forEach((bucket, index) => {
    const groupX = left + index * groupWidth + groupWidth * 0.1;
    bucket.values.forEach((value, position) => {
      const barHeight = (value.amount / max) * height;
      const x = groupX + position * barWidth;
      if (value.amount > 0) {
        doc
          .rect(x, bottom - barHeight, barWidth * 0.9, Math.max(barHeight, 0.5))
          .fill(COLORS[value.category]);
        doc.fillColor('#000000').fontSize(6);
        if (rotateLabels) {
          doc.save();
          doc.rotate(-90, { origin: [x + barWidth * 0.2, bottom - barHeight - 2] });
          doc.text(value.amountWan, x + barWidth * 0.2, bottom - barHeight - 2, { lineBreak: false });
          doc.restore();
        } else {
          doc.text(value.amountWan, x - 6, bottom - barHeight - 9, {
            width: barWidth + 12,
            align: 'center',
            lineBreak: false,
          });
        }
      }
    });
    doc.fillColor('#000000').fontSize(7);
    doc.text(bucket.label, left + index * groupWidth, bottom + 4, {
      width: groupWidth,
      align: 'center',
      lineBreak: false,
    });
  });
  doc.x = left;
  doc.y = bottom + 20;
}
