import type { AnnouncementKind, AnnouncementLine, AnnouncementRow, PublicDealRow } from '@ggzy/persistence';

/** 公告名称: what a reader calls each announcement, by line, kind and the status it published. */
export function announcementLabel(
  line: AnnouncementLine,
  kind: AnnouncementKind,
  status: string | null,
): string {
  switch (kind) {
    case 'notice':
      if (line === 'procurement' && status === 'prior_publicity') return '单一来源采购公示';
      if (line === 'construction' && status === 'prequalification') return '资格预审公告';
      return {
        construction: '招标公告',
        procurement: '采购公告',
        transfer: '挂牌披露公告',
        lease: '租赁挂牌公告',
      }[line];
    case 'amendment':
      return line === 'transfer' ? '延期挂牌公告' : '更正公告';
    case 'clarification':
      return '澄清公告';
    case 'opening_record':
      return '开标记录';
    case 'candidates':
      return '中标候选人公示';
    case 'result':
      if (status === 'failed') return line === 'construction' ? '流标公告' : '废标公告';
      if (status === 'unsold') return '流拍公告';
      if (line === 'construction') return '中标结果公告';
      if (line === 'procurement') return '中标(成交)结果公告';
      return '成交结果公告';
    case 'termination':
      return '终止公告';
  }
}

const PROJECT_PATH: Record<AnnouncementLine, string> = {
  construction: '/api/tenders',
  procurement: '/api/procurements',
  transfer: '/api/transfer-projects',
  lease: '/api/lease-listings',
};

/** The public read that carries the announcement's content (the opening record, the result …). */
function contentPath(row: AnnouncementRow): string {
  const project = `${PROJECT_PATH[row.line]}/${row.projectId}`;
  if (row.kind === 'opening_record') return `${project}/opening-record`;
  if (row.kind === 'candidates') return `${project}/candidates`;
  if (row.kind === 'result' && row.line === 'procurement' && row.status === 'awarded')
    return `${project}/result`;
  if (row.kind === 'result' && row.line === 'lease') return `${project}/bids`;
  return project;
}

export interface AnnouncementView {
  id: string;
  line: AnnouncementLine;
  kind: AnnouncementKind;
  title: string;
  label: string;
  projectId: string;
  projectCode: string;
  projectTitle: string;
  publishedAt: string;
  text: string | null;
  /** The project's public read, and the read with this announcement's content. */
  projectPath: string;
  contentPath: string;
}

export function toAnnouncementView(row: AnnouncementRow): AnnouncementView {
  const label = announcementLabel(row.line, row.kind, row.status);
  return {
    id: row.id,
    line: row.line,
    kind: row.kind,
    title: `${row.projectTitle} ${label}`,
    label,
    projectId: row.projectId,
    projectCode: row.projectCode,
    projectTitle: row.projectTitle,
    publishedAt: row.publishedAt.toISOString(),
    text: row.text,
    projectPath: `${PROJECT_PATH[row.line]}/${row.projectId}`,
    contentPath: contentPath(row),
  };
}

export function toPublicDealView(row: PublicDealRow) {
  return {
    id: row.id,
    category: row.category,
    subtype: row.subtype,
    title: row.title,
    amount: row.amount,
    closedAt: row.closedAt.toISOString(),
    winnerCode: row.winnerCode,
  };
}

/** Text for XML character data and attribute values; characters XML 1.0 forbids are dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- the characters XML 1.0 allows, named by code point
      .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/**
 * An Atom 1.0 feed (RFC 4287) of announcements, newest first. `baseUrl` is the site's origin: the
 * feed's self link and each entry's page. Entry ids are `urn:uuid:` of the announcement's id,
 * so a reader never sees one twice.
 */
export function atomFeed(
  announcements: readonly AnnouncementView[],
  options: { baseUrl: string; title: string; generatedAt: Date },
): string {
  const x = escapeXml;
  const base = options.baseUrl.replace(/\/+$/, '');
  const updated = announcements[0]?.publishedAt ?? options.generatedAt.toISOString();
  const entries = announcements.map(
    (a) => `  <entry>
    <id>urn:uuid:${a.id}</id>
    <title>${x(a.title)}</title>
    <updated>${a.publishedAt}</updated>
    <published>${a.publishedAt}</published>
    <link rel="alternate" type="text/html" href="${x(`${base}/announcements/${a.id}`)}"/>
    <category term="${x(a.kind)}" label="${x(a.label)}"/>
    <category term="${x(a.line)}"/>
    <summary type="text">${x([`项目编号 ${a.projectCode}`, a.text].filter(Boolean).join('\n'))}</summary>
  </entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
  <id>${x(`${base}/api/public/feed.atom`)}</id>
  <title>${x(options.title)}</title>
  <updated>${updated}</updated>
  <author><name>${x(options.title)}</name></author>
  <link rel="self" type="application/atom+xml" href="${x(`${base}/api/public/feed.atom`)}"/>
  <link rel="alternate" type="text/html" href="${x(`${base}/announcements`)}"/>
${entries.join('\n')}
</feed>
`;
}
