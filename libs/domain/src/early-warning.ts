/**
 * Early warning (预警, DOMAIN.md Supervision; issue 10): every rule as a pure detector over one
 * concluded process's facts, each returning alerts with the rule's id and the evidence a
 * supervisor needs to judge it (acknowledge, dismiss with a reason, or escalate). An alert is a
 * reason to look, never a finding: the detectors err on the side of firing.
 *
 * Thresholds are parameters (EarlyWarningThresholds) with defaults; why each default was chosen
 * is written beside it. The address and device rules also run while bidding
 * (sharedIdentityAlerts over the sightings so far).
 */
import type { ComplaintDeadline } from './complaint-rules.js';
import { type DepositState, isRefundOverdue } from './deposit-lifecycle.js';
import type { Fen } from './money.js';
import { procurementItemClass } from './procurement-items.js';

export const EARLY_WARNING_RULE_IDS = [
  'SINGLE_QUALIFIED_BIDDER',
  'WON_AT_START_PRICE',
  'SHARED_CLIENT_ADDRESS',
  'SHARED_DEVICE_FINGERPRINT',
  'RECURRING_BIDDER_SET',
  'IDENTICAL_BID_DOCUMENTS',
  'OUTLIER_WINNING_SCORE',
  'ABNORMALLY_LOW_BID',
  'PROJECT_SPLITTING',
  'COMPLAINT_OVERDUE',
  'DEPOSIT_REFUND_OVERDUE',
] as const;
export type EarlyWarningRuleId = (typeof EARLY_WARNING_RULE_IDS)[number];

/** How the centre names each rule on the supervisor's desk. */
export const EARLY_WARNING_RULE_TITLES: Readonly<Record<EarlyWarningRuleId, string>> = {
  SINGLE_QUALIFIED_BIDDER: '仅一家合格竞买人/投标人',
  WON_AT_START_PRICE: '多家竞买人时以起始价成交',
  SHARED_CLIENT_ADDRESS: '不同竞买人使用同一IP地址',
  SHARED_DEVICE_FINGERPRINT: '不同竞买人使用同一设备',
  RECURRING_BIDDER_SET: '同一组竞买人反复共同参与',
  IDENTICAL_BID_DOCUMENTS: '投标文件雷同(哈希相同)',
  OUTLIER_WINNING_SCORE: '中标人得分异常偏离',
  ABNORMALLY_LOW_BID: '报价明显低于平均价',
  PROJECT_SPLITTING: '化整为零规避招标',
  COMPLAINT_OVERDUE: '投诉处理超期',
  DEPOSIT_REFUND_OVERDUE: '保证金未按时退还',
};

export interface EarlyWarningAlert {
  ruleId: EarlyWarningRuleId;
  processId: string;
  /** The facts that made it fire, for the supervisor to check (ids, amounts, hashes, dates). */
  evidence: Record<string, unknown>;
}

export interface EarlyWarningThresholds {
  /**
   * WON_AT_START_PRICE fires from this many qualified bidders. 2: with a second bidder in the room
   * nobody raising the price is the pattern of a ring (围标) — one bidder at the start is normal.
   */
  startPriceMinQualified: number;
  /**
   * RECURRING_BIDDER_SET: the same set of ≥ 2 bidders meeting this many times (this process
   * included) within the history given. 3: twice is coincidence in a small district market.
   */
  recurringMeetings: number;
  /**
   * OUTLIER_WINNING_SCORE: the winner's lead over the others' mean, in standard deviations of the
   * others' scores. 3 σ is the usual outlier rule…
   */
  scoreOutlierSigmas: number;
  /** …and at least this many points, so that others' near-equal scores (σ ≈ 0) do not make any lead "abnormal". */
  scoreOutlierMinPoints: number;
  /**
   * ABNORMALLY_LOW_BID: a sealed bid below this percentage of the others' mean. 80: local
   * evaluation rules commonly ask a bidder more than 20% under the average to justify its price
   * (政府采购货物和服务招标投标管理办法 第60条 asks it of a price "明显低于" the others).
   */
  lowBidPercentOfMean: number;
  /**
   * PROJECT_SPLITTING: the value above which the line must be openly tendered, in fen. 400万元
   * is the default of both lines (必须招标的工程项目规定 第5条: 施工 ≥ 400万元; the open-tender
   * threshold for goods and services is set by the province — enter it). Compared per owner,
   * subject and year (政府采购法实施条例 第28条: one financial year, one item or category).
   */
  openTenderThreshold: Fen;
}

export const DEFAULT_EARLY_WARNING_THRESHOLDS: Readonly<EarlyWarningThresholds> = {
  startPriceMinQualified: 2,
  recurringMeetings: 3,
  scoreOutlierSigmas: 3,
  scoreOutlierMinPoints: 5,
  lowBidPercentOfMean: 80,
  openTenderThreshold: 400_000_000,
};

/** Where and from what a bidder acted (a registration or a bid): recorded with every one. */
export interface Sighting {
  bidderId: string;
  kind: 'registration' | 'bid';
  at: Date;
  clientAddress: string | null;
  deviceFingerprint: string | null;
}

export interface ProcessBid {
  bidderId: string;
  amount: Fen;
  at: Date;
}

/** Another process of the same owner, for the splitting rule. */
export interface SiblingProject {
  processId: string;
  /** Its own key, as the process's `subject` (a procurement's item code, compared by its class). */
  subject: string;
  estimatedValue: Fen;
  /** The day its notice was published (the year decides). */
  announcedOn: string;
  /** Openly tendered: part of no split, whatever its size. */
  openTender: boolean;
}

/** Everything the detectors look at, gathered once a process concludes. */
export interface ConcludedProcessFacts {
  processId: string;
  line: 'construction' | 'procurement' | 'lease' | 'transfer';
  /** Ascending auction (leases, transfers) or sealed bids (tenders, procurement). */
  bidding: 'ascending' | 'sealed' | 'none';
  ownerId: string;
  /** The subject key for splitting (品目/类别 for procurement, the works' kind for construction). */
  subject: string | null;
  estimatedValue: Fen | null;
  announcedOn: string;
  openTender: boolean;
  /** The auction's start price (leases: monthly rent; transfers: the listing price). */
  startPrice: Fen | null;
  winnerId: string | null;
  finalPrice: Fen | null;
  qualifiedBidderIds: string[];
  /** Every accepted bid (an auction) or each bidder's submitted price (sealed). */
  bids: ProcessBid[];
  sightings: Sighting[];
  /** Bid documents: each bidder's files with their SHA-256. */
  documents: { bidderId: string; name: string; sha256: string }[];
  /** Evaluation scores (tenders, procurement), one per bidder. */
  scores: { bidderId: string; score: number }[];
  siblings: SiblingProject[];
  /** Earlier processes' qualified bidder sets (the window is the caller's: e.g. the last 24 months). */
  history: { processId: string; bidderIds: string[] }[];
  /** The complaints on this process with their deadlines (complaintDeadlines at the same instant). */
  complaints: { complaintId: string; deadlines: ComplaintDeadline[] }[];
  deposits: { depositId: string; bidderId: string; state: DepositState; refundDueOn: string | null }[];
  /** The day the detectors run (CENTRE_TZ), for the overdue rules. */
  today: string;
}

type Detector = (facts: ConcludedProcessFacts, thresholds: EarlyWarningThresholds) => EarlyWarningAlert[];

const alert = (
  ruleId: EarlyWarningRuleId,
  facts: { processId: string },
  evidence: Record<string, unknown>,
): EarlyWarningAlert => ({ ruleId, processId: facts.processId, evidence });

export const singleQualifiedBidder: Detector = (facts) =>
  facts.qualifiedBidderIds.length === 1
    ? [alert('SINGLE_QUALIFIED_BIDDER', facts, { qualifiedBidderIds: facts.qualifiedBidderIds })]
    : [];

export const wonAtStartPrice: Detector = (facts, thresholds) =>
  facts.bidding === 'ascending' &&
  facts.startPrice !== null &&
  facts.finalPrice === facts.startPrice &&
  facts.winnerId !== null &&
  facts.qualifiedBidderIds.length >= thresholds.startPriceMinQualified
    ? [
        alert('WON_AT_START_PRICE', facts, {
          startPrice: facts.startPrice,
          finalPrice: facts.finalPrice,
          winnerId: facts.winnerId,
          qualifiedBidders: facts.qualifiedBidderIds.length,
          bidCount: facts.bids.length,
        }),
      ]
    : [];

function sharedBy(
  ruleId: 'SHARED_CLIENT_ADDRESS' | 'SHARED_DEVICE_FINGERPRINT',
  facts: { processId: string },
  sightings: readonly Sighting[],
  key: 'clientAddress' | 'deviceFingerprint',
): EarlyWarningAlert[] {
  const bidders = new Map<string, Set<string>>();
  for (const sighting of sightings) {
    const value = sighting[key];
    if (!value) continue;
    const set = bidders.get(value) ?? new Set<string>();
    set.add(sighting.bidderId);
    bidders.set(value, set);
  }
  return [...bidders]
    .filter(([, set]) => set.size >= 2)
    .map(([value, set]) =>
      alert(ruleId, facts, {
        [key]: value,
        bidderIds: [...set].sort(),
        sightings: sightings
          .filter((sighting) => sighting[key] === value)
          .map((sighting) => ({
            bidderId: sighting.bidderId,
            kind: sighting.kind,
            at: sighting.at.toISOString(),
          })),
      }),
    );
}

/**
 * Two or more bidders seen from one client address, or one device, in one process. Runs over the
 * sightings so far, so the gateway can raise it while bidding, and again when the process ends.
 */
export function sharedIdentityAlerts(processId: string, sightings: readonly Sighting[]): EarlyWarningAlert[] {
  return [
    ...sharedBy('SHARED_CLIENT_ADDRESS', { processId }, sightings, 'clientAddress'),
    ...sharedBy('SHARED_DEVICE_FINGERPRINT', { processId }, sightings, 'deviceFingerprint'),
  ];
}

export const sharedClientAddress: Detector = (facts) =>
  sharedBy('SHARED_CLIENT_ADDRESS', facts, facts.sightings, 'clientAddress');
export const sharedDeviceFingerprint: Detector = (facts) =>
  sharedBy('SHARED_DEVICE_FINGERPRINT', facts, facts.sightings, 'deviceFingerprint');

/**
 * The same set of bidders (≥ 2, exactly the same) qualifying together again and again: this
 * process's set met in `recurringMeetings − 1` or more earlier processes.
 */
export const recurringBidderSet: Detector = (facts, thresholds) => {
  const set = [...new Set(facts.qualifiedBidderIds)].sort();
  if (set.length < 2) return [];
  const key = set.join('\u0000');
  const earlier = facts.history
    .filter((past) => past.processId !== facts.processId)
    .filter((past) => [...new Set(past.bidderIds)].sort().join('\u0000') === key)
    .map((past) => past.processId);
  return earlier.length + 1 >= thresholds.recurringMeetings
    ? [
        alert('RECURRING_BIDDER_SET', facts, {
          bidderIds: set,
          meetings: earlier.length + 1,
          processIds: earlier,
        }),
      ]
    : [];
};

/** Files of different bidders with the same SHA-256: one document, two names on it. */
export const identicalBidDocuments: Detector = (facts) => {
  const byHash = new Map<string, { bidderId: string; name: string }[]>();
  for (const document of facts.documents) {
    const list = byHash.get(document.sha256) ?? [];
    list.push({ bidderId: document.bidderId, name: document.name });
    byHash.set(document.sha256, list);
  }
  return [...byHash]
    .filter(([, list]) => new Set(list.map((entry) => entry.bidderId)).size >= 2)
    .map(([sha256, list]) =>
      alert('IDENTICAL_BID_DOCUMENTS', facts, {
        sha256,
        bidderIds: [...new Set(list.map((entry) => entry.bidderId))].sort(),
        documents: list,
      }),
    );
};

/** The winner's score against the others': more than k σ and more than a floor of points above their mean. */
export const outlierWinningScore: Detector = (facts, thresholds) => {
  const winner = facts.scores.find((entry) => entry.bidderId === facts.winnerId);
  const others = facts.scores
    .filter((entry) => entry.bidderId !== facts.winnerId)
    .map((entry) => entry.score);
  if (!winner || others.length < 2) return [];
  const mean = others.reduce((sum, score) => sum + score, 0) / others.length;
  const sd = Math.sqrt(others.reduce((sum, score) => sum + (score - mean) ** 2, 0) / others.length);
  const lead = winner.score - mean;
  const fires = lead >= thresholds.scoreOutlierMinPoints && lead > thresholds.scoreOutlierSigmas * sd;
  return fires
    ? [
        alert('OUTLIER_WINNING_SCORE', facts, {
          winnerId: winner.bidderId,
          winnerScore: winner.score,
          othersMean: Math.round(mean * 100) / 100,
          othersStandardDeviation: Math.round(sd * 100) / 100,
          lead: Math.round(lead * 100) / 100,
          scores: facts.scores,
        }),
      ]
    : [];
};

/**
 * A sealed price below `lowBidPercentOfMean`% of the mean of the other bidders' prices (each
 * bidder's own excluded, so a very low price does not drag the mean it is measured against).
 * Exact in fen: 100 × price × (n − 1) < percent × (sum of the others).
 */
export const abnormallyLowBid: Detector = (facts, thresholds) => {
  if (facts.bidding !== 'sealed') return [];
  const latest = new Map<string, ProcessBid>();
  for (const bid of [...facts.bids].sort((a, b) => a.at.getTime() - b.at.getTime()))
    latest.set(bid.bidderId, bid);
  const bids = [...latest.values()];
  if (bids.length < 2) return [];
  const total = bids.reduce((sum, bid) => sum + BigInt(bid.amount), 0n);
  const percent = BigInt(thresholds.lowBidPercentOfMean);
  return bids
    .filter((bid) => {
      const others = total - BigInt(bid.amount);
      return 100n * BigInt(bid.amount) * BigInt(bids.length - 1) < percent * others;
    })
    .map((bid) => {
      const others = total - BigInt(bid.amount);
      return alert('ABNORMALLY_LOW_BID', facts, {
        bidderId: bid.bidderId,
        amount: bid.amount,
        // The mean rounded down to whole fen, for display; the test above is exact.
        othersMean: Number(others / BigInt(bids.length - 1)),
        thresholdPercent: thresholds.lowBidPercentOfMean,
      });
    });
};

/**
 * 化整为零: this project is under the open-tender threshold, and with the owner's other projects
 * of the same subject in the same year that were not openly tendered it is over it (政府采购法实施
 * 条例 第28条: 累计资金数额超过公开招标数额标准). A procurement's subject is its item code, matched
 * by its class (procurementItemClass: A0201, A020101 and A02010104 are one class), so the depth a
 * purchaser files each part at does not hide the split; `category` is that class, and each part
 * names its own code.
 */
export const projectSplitting: Detector = (facts, thresholds) => {
  if (
    facts.subject === null ||
    facts.estimatedValue === null ||
    facts.openTender ||
    facts.estimatedValue > thresholds.openTenderThreshold
  )
    return [];
  const year = facts.announcedOn.slice(0, 4);
  const category = procurementItemClass(facts.subject);
  const parts = [
    {
      processId: facts.processId,
      subject: facts.subject,
      estimatedValue: facts.estimatedValue,
      announcedOn: facts.announcedOn,
    },
    ...facts.siblings
      .filter(
        (sibling) =>
          sibling.processId !== facts.processId &&
          procurementItemClass(sibling.subject) === category &&
          !sibling.openTender &&
          sibling.announcedOn.slice(0, 4) === year,
      )
      .map(({ processId, subject, estimatedValue, announcedOn }) => ({
        processId,
        subject,
        estimatedValue,
        announcedOn,
      })),
  ];
  if (parts.length < 2) return [];
  const total = parts.reduce((sum, part) => sum + BigInt(part.estimatedValue), 0n);
  return total > BigInt(thresholds.openTenderThreshold)
    ? [
        alert('PROJECT_SPLITTING', facts, {
          ownerId: facts.ownerId,
          subject: facts.subject,
          category,
          year: Number(year),
          total: Number(total),
          threshold: thresholds.openTenderThreshold,
          parts,
        }),
      ]
    : [];
};

export const complaintOverdue: Detector = (facts) =>
  facts.complaints.flatMap(({ complaintId, deadlines }) =>
    deadlines
      .filter((deadline) => deadline.overdue)
      .map((deadline) =>
        alert('COMPLAINT_OVERDUE', facts, {
          complaintId,
          step: deadline.step,
          ...(deadline.documentRequestId ? { documentRequestId: deadline.documentRequestId } : {}),
          dueOn: deadline.dueOn,
        }),
      ),
  );

/** Still held after its last refund day (deposit-lifecycle's isRefundOverdue). */
export const depositRefundOverdue: Detector = (facts) =>
  facts.deposits
    .filter((deposit) => isRefundOverdue(deposit, facts.today))
    .map((deposit) =>
      alert('DEPOSIT_REFUND_OVERDUE', facts, {
        depositId: deposit.depositId,
        bidderId: deposit.bidderId,
        refundDueOn: deposit.refundDueOn,
        today: facts.today,
      }),
    );

export const EARLY_WARNING_DETECTORS: Readonly<Record<EarlyWarningRuleId, Detector>> = {
  SINGLE_QUALIFIED_BIDDER: singleQualifiedBidder,
  WON_AT_START_PRICE: wonAtStartPrice,
  SHARED_CLIENT_ADDRESS: sharedClientAddress,
  SHARED_DEVICE_FINGERPRINT: sharedDeviceFingerprint,
  RECURRING_BIDDER_SET: recurringBidderSet,
  IDENTICAL_BID_DOCUMENTS: identicalBidDocuments,
  OUTLIER_WINNING_SCORE: outlierWinningScore,
  ABNORMALLY_LOW_BID: abnormallyLowBid,
  PROJECT_SPLITTING: projectSplitting,
  COMPLAINT_OVERDUE: complaintOverdue,
  DEPOSIT_REFUND_OVERDUE: depositRefundOverdue,
};

/** Every rule over one concluded process, in the order of EARLY_WARNING_RULE_IDS. */
export function detectEarlyWarnings(
  facts: ConcludedProcessFacts,
  thresholds: Partial<EarlyWarningThresholds> = {},
): EarlyWarningAlert[] {
  const merged = { ...DEFAULT_EARLY_WARNING_THRESHOLDS, ...thresholds };
  return EARLY_WARNING_RULE_IDS.flatMap((ruleId) => EARLY_WARNING_DETECTORS[ruleId](facts, merged));
}

/**
 * A device fingerprint as the web app sends it (a random id it keeps in localStorage): 16–128
 * characters of [A-Za-z0-9_-]. Anything else is refused at the edge (DEVICE_FINGERPRINT_INVALID):
 * the value is only ever hashed and compared, so a bounded, plain form is all it needs.
 */
export const DEVICE_FINGERPRINT_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function isDeviceFingerprint(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_FINGERPRINT_PATTERN.test(value);
}

/**
 * What makes an alert the same finding when the detectors run again: the rule, the process and
 * this key (the shared address, the document's hash, the deposit…). Its evidence may grow (a
 * third bidder on the address) but it stays one alert.
 */
export function alertEvidenceKey(alert: EarlyWarningAlert): string {
  const evidence = alert.evidence;
  const text = (name: string) => String(evidence[name] ?? '');
  switch (alert.ruleId) {
    case 'SINGLE_QUALIFIED_BIDDER':
    case 'WON_AT_START_PRICE':
      return '';
    case 'SHARED_CLIENT_ADDRESS':
      return text('clientAddress');
    case 'SHARED_DEVICE_FINGERPRINT':
      return text('deviceFingerprint');
    case 'RECURRING_BIDDER_SET':
      return ((evidence.bidderIds as string[] | undefined) ?? []).join(',');
    case 'IDENTICAL_BID_DOCUMENTS':
      return text('sha256');
    case 'OUTLIER_WINNING_SCORE':
      return text('winnerId');
    case 'ABNORMALLY_LOW_BID':
      return text('bidderId');
    case 'PROJECT_SPLITTING':
      return [text('ownerId'), text('subject'), text('year')].join('|');
    case 'COMPLAINT_OVERDUE':
      return [text('complaintId'), text('step'), text('documentRequestId')].join('|');
    case 'DEPOSIT_REFUND_OVERDUE':
      return text('depositId');
  }
}

/** The rules as the supervisor's desk lists them: id, title and the thresholds each one uses. */
export function earlyWarningRules(thresholds: EarlyWarningThresholds = DEFAULT_EARLY_WARNING_THRESHOLDS) {
  const used: Record<EarlyWarningRuleId, Partial<EarlyWarningThresholds>> = {
    SINGLE_QUALIFIED_BIDDER: {},
    WON_AT_START_PRICE: { startPriceMinQualified: thresholds.startPriceMinQualified },
    SHARED_CLIENT_ADDRESS: {},
    SHARED_DEVICE_FINGERPRINT: {},
    RECURRING_BIDDER_SET: { recurringMeetings: thresholds.recurringMeetings },
    IDENTICAL_BID_DOCUMENTS: {},
    OUTLIER_WINNING_SCORE: {
      scoreOutlierSigmas: thresholds.scoreOutlierSigmas,
      scoreOutlierMinPoints: thresholds.scoreOutlierMinPoints,
    },
    ABNORMALLY_LOW_BID: { lowBidPercentOfMean: thresholds.lowBidPercentOfMean },
    PROJECT_SPLITTING: { openTenderThreshold: thresholds.openTenderThreshold },
    COMPLAINT_OVERDUE: {},
    DEPOSIT_REFUND_OVERDUE: {},
  };
  return EARLY_WARNING_RULE_IDS.map((ruleId) => ({
    ruleId,
    title: EARLY_WARNING_RULE_TITLES[ruleId],
    thresholds: used[ruleId],
  }));
}
