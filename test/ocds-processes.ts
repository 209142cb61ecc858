/**
 * Crafted processes for the OCDS tests: one per line and status, each with the history that leads
 * to it and the public facts such a process has by then (bids after the opening or during the
 * auction, candidates in publicity, the award, the contract, documents, a complaint decision).
 */
import { LISTING_STATUSES, TRANSFER_STATUSES } from '@ggzy/domain';
import {
  CONSTRUCTION_STATUSES,
  type OcdsLine,
  type OcdsProcess,
  type OcdsPublisherOptions,
  PROCUREMENT_STATUSES_FOR_OCDS,
  type PublicParty,
} from '@ggzy/open-data';

export const OPTIONS: OcdsPublisherOptions = {
  ocidPrefix: 'ocds-ggzy01-',
  publisher: { name: '南昌市东湖区公共资源交易中心', uri: 'https://ggzy.example.cn/' },
  centre: { id: '12360102MB1234567X', name: '南昌市东湖区公共资源交易中心', identifierScheme: 'CN-USCC' },
  reviewBody: {
    id: '11360102MB7654321Y',
    name: '东湖区公共资源交易监督管理办公室',
    identifierScheme: 'CN-USCC',
  },
  baseUri: 'https://ggzy.example.cn',
  license: 'https://creativecommons.org/licenses/by/4.0/',
  publicationPolicy: null,
};

const org = (id: string, name: string): PublicParty => ({ id, name, identifierScheme: 'CN-USCC' });
const bidderCode = (code: string): PublicParty => ({
  id: code,
  name: `竞买人${code}`,
  identifierScheme: null,
});

/** The statuses of each line, in the order the tests walk them. */
export const STATUSES_BY_LINE: Record<OcdsLine, readonly string[]> = {
  construction: CONSTRUCTION_STATUSES,
  procurement: PROCUREMENT_STATUSES_FOR_OCDS,
  lease: LISTING_STATUSES,
  transfer: TRANSFER_STATUSES,
};

/** How a process reaches each status (the last entry); a suspension resumes to the one before it. */
const PATHS: Record<OcdsLine, Record<string, string[]>> = {
  construction: {
    registered: ['registered'],
    announced: ['registered', 'announced'],
    prequalification: ['registered', 'announced', 'prequalification'],
    prequalified: ['registered', 'announced', 'prequalification', 'prequalified'],
    bidding: ['registered', 'announced', 'bidding'],
    opened: ['registered', 'announced', 'bidding', 'opened'],
    evaluating: ['registered', 'announced', 'bidding', 'opened', 'evaluating'],
    candidates_published: [
      'registered',
      'announced',
      'bidding',
      'opened',
      'evaluating',
      'candidates_published',
    ],
    awarded: [
      'registered',
      'announced',
      'bidding',
      'opened',
      'evaluating',
      'candidates_published',
      'awarded',
    ],
    contracted: [
      'registered',
      'announced',
      'bidding',
      'opened',
      'evaluating',
      'candidates_published',
      'awarded',
      'contracted',
    ],
    failed: ['registered', 'announced', 'bidding', 'opened', 'failed'],
    retendered: ['registered', 'announced', 'bidding', 'opened', 'failed', 'retendered'],
    suspended: ['registered', 'announced', 'bidding', 'suspended'],
    terminated: ['registered', 'announced', 'terminated'],
  },
  procurement: {
    planned: ['planned'],
    prior_publicity: ['planned', 'prior_publicity'],
    announced: ['planned', 'announced'],
    responding: ['planned', 'announced', 'responding'],
    opened: ['planned', 'announced', 'responding', 'opened'],
    evaluating: ['planned', 'announced', 'responding', 'opened', 'evaluating'],
    report_delivered: ['planned', 'announced', 'responding', 'opened', 'evaluating', 'report_delivered'],
    award_decided: [
      'planned',
      'announced',
      'responding',
      'opened',
      'evaluating',
      'report_delivered',
      'award_decided',
    ],
    awarded: [
      'planned',
      'announced',
      'responding',
      'opened',
      'evaluating',
      'report_delivered',
      'award_decided',
      'awarded',
    ],
    contracted: [
      'planned',
      'announced',
      'responding',
      'opened',
      'evaluating',
      'report_delivered',
      'award_decided',
      'awarded',
      'contracted',
    ],
    closed: [
      'planned',
      'announced',
      'responding',
      'opened',
      'evaluating',
      'report_delivered',
      'award_decided',
      'awarded',
      'contracted',
      'closed',
    ],
    failed: ['planned', 'announced', 'responding', 'opened', 'failed'],
    replanned: ['planned', 'announced', 'responding', 'opened', 'failed', 'replanned'],
    suspended: ['planned', 'announced', 'responding', 'suspended'],
    terminated: ['planned', 'announced', 'terminated'],
  },
  lease: {
    draft: ['draft'],
    announced: ['draft', 'announced'],
    bidding: ['draft', 'announced', 'bidding'],
    sold: ['draft', 'announced', 'bidding', 'sold'],
    unsold: ['draft', 'announced', 'bidding', 'unsold'],
    suspended: ['draft', 'announced', 'bidding', 'suspended'],
    cancelled: ['draft', 'announced', 'cancelled'],
  },
  transfer: {
    accepted: ['accepted'],
    disclosed: ['accepted', 'disclosed'],
    extended: ['accepted', 'disclosed', 'extended'],
    relisted: ['accepted', 'disclosed', 'relisted'],
    agreement_pending: ['accepted', 'disclosed', 'agreement_pending'],
    auction: ['accepted', 'disclosed', 'auction'],
    sold: ['accepted', 'disclosed', 'auction', 'sold'],
    unsold: ['accepted', 'disclosed', 'auction', 'unsold'],
    confirmed: ['accepted', 'disclosed', 'auction', 'sold', 'confirmed'],
    contract_signed: ['accepted', 'disclosed', 'auction', 'sold', 'confirmed', 'contract_signed'],
    defaulted: ['accepted', 'disclosed', 'auction', 'sold', 'confirmed', 'defaulted'],
    suspended: ['accepted', 'disclosed', 'auction', 'suspended'],
    terminated: ['accepted', 'disclosed', 'terminated'],
    superseded: ['accepted', 'disclosed', 'auction', 'unsold', 'superseded'],
    superseded_after_default: [
      'accepted',
      'disclosed',
      'auction',
      'sold',
      'confirmed',
      'defaulted',
      'superseded',
    ],
  },
};

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2, 2, 0, 0);
const day = (n: number, hours = 0) => new Date(T0 + n * DAY + hours * 3_600_000);

const AWARD_STAGES = new Set([
  'award_decided',
  'awarded',
  'contracted',
  'closed',
  'sold',
  'confirmed',
  'contract_signed',
  'defaulted',
]);
const CONTRACT_STAGES = new Set(['contracted', 'closed', 'contract_signed', 'confirmed', 'defaulted']);

/** A process of `line` whose current status is `status`, with the public facts it has by then. */
export function processAt(line: OcdsLine, status: string): OcdsProcess {
  const path = PATHS[line][status];
  if (!path) throw new Error(`no path to ${line}/${status}`);
  const history = path.map((step, index) => ({
    status: step,
    at: day(index),
    ...(step === 'suspended' ? { resumeTo: path[index - 1] } : {}),
  }));
  const reached = (step: string) => path.includes(step);
  const sealed = line === 'construction' || line === 'procurement';
  const tenderers = sealed
    ? [
        org('91360100A1', '江西甲建设有限公司'),
        org('91360100B2', '江西乙建设有限公司'),
        org('91360100C3', '江西丙建设有限公司'),
      ]
    : [bidderCode('A001'), bidderCode('A002')];
  const winner = tenderers[0];
  const biddingStep = sealed ? 'opened' : line === 'lease' ? 'bidding' : 'auction';
  const bidDay = path.indexOf(biddingStep);
  const bids =
    bidDay < 0
      ? []
      : sealed
        ? tenderers.map((tenderer, index) => ({
            id: `bid-${index + 1}`,
            tenderer,
            amount: [98_765_432_10, 99_000_000_00, 101_234_567_89][index],
            at: day(bidDay, -1),
            status: (index === 2 ? 'disqualified' : 'valid') as 'valid' | 'disqualified',
          }))
        : [
            {
              id: 'bid-1',
              tenderer: tenderers[1],
              amount: 520_050,
              at: day(bidDay, 1),
              status: 'valid' as const,
            },
            { id: 'bid-2', tenderer: winner, amount: 540_050, at: day(bidDay, 2), status: 'valid' as const },
          ];
  const awardValue = sealed ? 98_765_432_10 : 540_050;
  const awardDay = path.findIndex((step) => AWARD_STAGES.has(step));
  const base = {
    projectCode: `DH-${line.toUpperCase()}-${status.toUpperCase()}`,
    title: `${line} ${status} 测试项目`,
    description: null,
    history,
    owner:
      line === 'lease'
        ? org('11360102OWNER1', '东湖区房产管理局')
        : line === 'transfer'
          ? org('91360102OWNER2', '东湖区国有资产经营有限公司')
          : org('11360102OWNER3', '东湖区城市建设局'),
    agency: line === 'procurement' ? org('91360100AGENT', '江西某招标代理有限公司') : null,
    tenderPeriod: path.length > 1 ? { start: day(1), end: day(1 + 20) } : null,
    documents: [
      ...(path.length > 1
        ? [
            {
              id: 'notice',
              kind: 'notice' as const,
              title: '公告',
              url: 'https://ggzy.example.cn/notices/1',
              publishedAt: day(1),
              sha256: null,
            },
          ]
        : []),
      ...(path.length > 2
        ? [
            {
              id: 'amend-1',
              kind: 'amendment' as const,
              title: '更正公告:延长截止时间',
              url: null,
              publishedAt: day(2, 1),
              sha256: 'ab'.repeat(32),
            },
          ]
        : []),
      ...(bidDay >= 0 && sealed
        ? [
            {
              id: 'opening',
              kind: 'opening_record' as const,
              title: '开标记录',
              url: null,
              publishedAt: day(bidDay),
              sha256: 'cd'.repeat(32),
            },
          ]
        : []),
      ...(path.some((step) => CONTRACT_STAGES.has(step)) &&
      reached(line === 'transfer' ? 'contract_signed' : 'contracted')
        ? [
            {
              id: 'contract-doc',
              kind: 'contract' as const,
              title: '合同',
              url: null,
              publishedAt: day(path.length - 1),
              sha256: 'ef'.repeat(32),
            },
          ]
        : []),
    ],
    tenderers,
    bids,
    candidates: reached('candidates_published')
      ? tenderers.slice(0, 2).map((supplier, index) => ({
          rank: index + 1,
          supplier,
          value: [98_765_432_10, 99_000_000_00][index],
        }))
      : [],
    award:
      awardDay >= 0
        ? {
            id: 'award-1',
            supplier: winner,
            value: awardValue,
            date: day(awardDay),
            description: null,
          }
        : null,
    contract:
      path.some((step) => CONTRACT_STAGES.has(step)) || (line === 'lease' && reached('sold'))
        ? {
            id: 'contract-1',
            value: line === 'lease' ? 540_050 * 36 : awardValue,
            dateSigned: reached('contracted') || reached('contract_signed') ? day(path.length - 1) : null,
            period: { start: day(40), end: day(40 + 365 * 3) },
          }
        : null,
    complaintDecisions:
      path.length > 2
        ? [
            {
              id: 'K1',
              title: '关于某投诉的处理决定',
              decidedAt: day(path.length - 1, 3),
              url: 'https://ggzy.example.cn/complaints/K1',
            },
          ]
        : [],
  };
  switch (line) {
    case 'construction':
      return { ...base, line, method: 'open_tender', estimatedValue: 100_000_000_00 } as OcdsProcess;
    case 'procurement':
      return {
        ...base,
        line,
        method:
          status === 'prior_publicity'
            ? 'single_source'
            : status === 'closed'
              ? 'framework_agreement'
              : 'open_tender',
        budget: 100_000_000_00,
        category: 'goods',
      } as OcdsProcess;
    case 'lease':
      return { ...base, line, startMonthlyRent: 500_000, leaseTermMonths: 36 } as OcdsProcess;
    case 'transfer':
      return {
        ...base,
        line,
        listingPrice: 500_000,
        dealSource: awardDay >= 0 ? 'auction' : null,
      } as OcdsProcess;
  }
}

/** Every (line, status) pair. */
export const EVERY_LINE_AND_STATUS: [OcdsLine, string][] = (
  Object.keys(STATUSES_BY_LINE) as OcdsLine[]
).flatMap((line) => STATUSES_BY_LINE[line].map((status): [OcdsLine, string] => [line, status]));
