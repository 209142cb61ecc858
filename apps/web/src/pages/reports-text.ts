/**
 * The report pages' words, Chinese first. Kept out of i18n.tsx so they load with the reports
 * chunk, not with every page.
 */

/** The page's languages (as in i18n.tsx; spelled out so Node's tests can import this file too). */
type Lang = 'zh' | 'en';

const zh = {
  reports: '交易额统计报表',
  newReport: '生成报表',
  from: '开始日期',
  to: '结束日期',
  groupBy: '统计周期',
  'group.month': '按月',
  'group.quarter': '按季度',
  'group.year': '按年',
  request: '生成',
  status: '状态',
  'status.queued': '排队中',
  'status.running': '统计中',
  'status.done': '已完成',
  'status.failed': '失败',
  reason: '原因',
  summary: '统计结果',
  category: '类别',
  count: '项目数（个）',
  amountYuan: '成交金额（元）',
  amountWan: '成交金额（万元）',
  total: '合计',
  chart: '各类别分期成交金额',
  period: '期间',
  downloads: '下载',
  csv: 'CSV 表格',
  xlsx: 'Excel 工作簿',
  pdf: 'PDF 报告',
  downloading: '正在下载…',
  earlier: '历史报表',
  kind: '类型',
  'kind.on_demand': '按需生成',
  'kind.monthly': '月度（定时）',
  'kind.half_year': '半年度（定时）',
  'kind.year': '年度（定时）',
  createdAt: '生成时间',
  show: '查看',
  none: '暂无',
  statistics: '交易统计',
  statisticsIntro: '按期间查询公共资源交易的项目数和成交金额（来自成交记录）。',
  query: '查询',
  preset: '快速选择',
  'preset.custom': '自定义',
  'preset.thisYear': '今年',
  'preset.lastYear': '去年',
  'preset.thisMonth': '本月',
  'preset.lastMonth': '上月',
  'preset.firstHalf': '今年上半年',
  'err.fromAfterTo': '开始日期不能晚于结束日期',
  'err.tooLong': '一份报表最长覆盖 20 年',
  'err.badDate': '日期格式应为 年-月-日',
  'err.notReady': '报表尚未完成，暂不能下载',
};

export type ReportText = keyof typeof zh;

const en: Record<ReportText, string> = {
  reports: 'Transaction-value reports',
  newReport: 'New report',
  from: 'From',
  to: 'To',
  groupBy: 'Group by',
  'group.month': 'Month',
  'group.quarter': 'Quarter',
  'group.year': 'Year',
  request: 'Build',
  status: 'Status',
  'status.queued': 'Queued',
  'status.running': 'Running',
  'status.done': 'Done',
  'status.failed': 'Failed',
  reason: 'Reason',
  summary: 'Result',
  category: 'Category',
  count: 'Projects',
  amountYuan: 'Value (yuan)',
  amountWan: 'Value (10k yuan)',
  total: 'Total',
  chart: 'Value by category and period',
  period: 'Period',
  downloads: 'Downloads',
  csv: 'CSV table',
  xlsx: 'Excel workbook',
  pdf: 'PDF report',
  downloading: 'Downloading…',
  earlier: 'Earlier reports',
  kind: 'Kind',
  'kind.on_demand': 'On demand',
  'kind.monthly': 'Monthly (scheduled)',
  'kind.half_year': 'Half-year (scheduled)',
  'kind.year': 'Year (scheduled)',
  createdAt: 'Created',
  show: 'Show',
  none: 'None',
  statistics: 'Statistics',
  statisticsIntro: 'Projects and transaction value for a period, from the recorded deals.',
  query: 'Show',
  preset: 'Quick pick',
  'preset.custom': 'Custom',
  'preset.thisYear': 'This year',
  'preset.lastYear': 'Last year',
  'preset.thisMonth': 'This month',
  'preset.lastMonth': 'Last month',
  'preset.firstHalf': 'First half of this year',
  'err.fromAfterTo': 'The start date is after the end date',
  'err.tooLong': 'A report covers at most 20 years',
  'err.badDate': 'Dates are written year-month-day',
  'err.notReady': 'The report is not finished yet',
};

/** Category names as the centre writes them (the API sends the Chinese label too). */
const CATEGORY_EN: Record<string, string> = {
  construction: 'Construction',
  procurement: 'Government procurement',
  property_rights: 'Property rights',
};

export function reportText(lang: Lang) {
  const table = lang === 'zh' ? zh : en;
  return {
    r: (key: ReportText) => table[key],
    categoryName: (category: string, label: string) =>
      lang === 'zh' ? label : (CATEGORY_EN[category] ?? label),
  };
}

/** A period refusal from the API in plain words; undefined for codes the app already words. */
export function periodErrorKey(code: string, message: string): ReportText | undefined {
  if (code === 'INVALID_PERIOD')
    return message.startsWith('a report covers') ? 'err.tooLong' : 'err.fromAfterTo';
  if (code === 'VALIDATION_FAILED' && /calendar date/.test(message)) return 'err.badDate';
  if (code === 'REPORT_NOT_READY') return 'err.notReady';
  return undefined;
}

const QUARTER_NAMES = ['一', '二', '三', '四'];

/**
 * A period in the centre's words, as the API writes it (libs/domain periodLabel): 2018年5月,
 * 2018年1-5月, 2018年第二季度, 2018年上半年, 2018年, or plain dates. The list of reports has no
 * result to take it from.
 */
export function periodLabel(from: string, to: string): string {
  const [ay, am, ad] = from.split('-').map(Number);
  const [by, bm, bd] = to.split('-').map(Number);
  const lastDay = new Date(Date.UTC(by, bm, 0)).getUTCDate();
  if (ad === 1 && bd === lastDay) {
    if (ay === by) {
      if (am === 1 && bm === 12) return `${ay}年`;
      if (am === 1 && bm === 6) return `${ay}年上半年`;
      if (am === 7 && bm === 12) return `${ay}年下半年`;
      if (am === bm) return `${ay}年${am}月`;
      if ((am - 1) % 3 === 0 && bm === am + 2) return `${ay}年第${QUARTER_NAMES[(am - 1) / 3]}季度`;
      return `${ay}年${am}-${bm}月`;
    }
    if (am === 1 && bm === 12) return `${ay}-${by}年`;
    return `${ay}年${am}月-${by}年${bm}月`;
  }
  if (from === to) return `${ay}年${am}月${ad}日`;
  if (ay === by && am === bm) return `${ay}年${am}月${ad}-${bd}日`;
  if (ay === by) return `${ay}年${am}月${ad}日-${bm}月${bd}日`;
  return `${ay}年${am}月${ad}日-${by}年${bm}月${bd}日`;
}
