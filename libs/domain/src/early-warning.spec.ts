import type { ComplaintDeadline } from './complaint-rules.js';
import {
  type ConcludedProcessFacts,
  DEFAULT_EARLY_WARNING_THRESHOLDS,
  EARLY_WARNING_DETECTORS,
  EARLY_WARNING_RULE_IDS,
  EARLY_WARNING_RULE_TITLES,
  type EarlyWarningRuleId,
  type Sighting,
  detectEarlyWarnings,
  sharedIdentityAlerts,
} from './early-warning.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 2, minute));
const sighting = (
  bidderId: string,
  clientAddress: string | null,
  deviceFingerprint: string | null,
  kind: Sighting['kind'] = 'bid',
): Sighting => ({ bidderId, kind, at: at(0), clientAddress, deviceFingerprint });
const hash = (c: string) => c.repeat(64);
const deadline = (overrides: Partial<ComplaintDeadline>): ComplaintDeadline => ({
  step: 'decide',
  dueOn: '2026-11-19',
  dueAt: new Date('2026-11-19T16:00:00Z'),
  metOn: null,
  late: false,
  overdue: false,
  ...overrides,
});

/** A sealed-bid tender in which nothing is suspicious: every rule stays quiet on it. */
const CLEAN: ConcludedProcessFacts = {
  processId: 'P1',
  line: 'construction',
  bidding: 'sealed',
  ownerId: 'owner-1',
  subject: 'road-works',
  estimatedValue: 300_000_000,
  announcedOn: '2026-06-01',
  openTender: false,
  startPrice: null,
  winnerId: 'B',
  finalPrice: 95_000_000,
  qualifiedBidderIds: ['A', 'B', 'C'],
  bids: [
    { bidderId: 'A', amount: 100_000_000, at: at(1) },
    { bidderId: 'B', amount: 95_000_000, at: at(2) },
    { bidderId: 'C', amount: 105_000_000, at: at(3) },
  ],
  sightings: [
    sighting('A', '203.0.113.1', 'fp-a', 'registration'),
    sighting('B', '203.0.113.2', 'fp-b'),
    sighting('C', '203.0.113.3', null),
    sighting('C', null, 'fp-c'),
  ],
  documents: [
    { bidderId: 'A', name: 'a.pdf', sha256: hash('a') },
    { bidderId: 'B', name: 'b.pdf', sha256: hash('b') },
    { bidderId: 'C', name: 'c.pdf', sha256: hash('c') },
  ],
  scores: [
    { bidderId: 'A', score: 80 },
    { bidderId: 'B', score: 86 },
    { bidderId: 'C', score: 74 },
  ],
  siblings: [
    // Same subject and year but openly tendered; same subject another year; other subject.
    {
      processId: 'S1',
      subject: 'road-works',
      estimatedValue: 300_000_000,
      announcedOn: '2026-02-01',
      openTender: true,
    },
    {
      processId: 'S2',
      subject: 'road-works',
      estimatedValue: 300_000_000,
      announcedOn: '2025-12-31',
      openTender: false,
    },
    {
      processId: 'S3',
      subject: 'lighting',
      estimatedValue: 300_000_000,
      announcedOn: '2026-03-01',
      openTender: false,
    },
  ],
  history: [
    { processId: 'H1', bidderIds: ['A', 'B', 'C'] },
    { processId: 'H2', bidderIds: ['A', 'B'] },
  ],
  complaints: [
    { complaintId: 'K1', deadlines: [deadline({ step: 'accept', metOn: '2026-11-04' }), deadline({})] },
  ],
  deposits: [
    { depositId: 'D1', bidderId: 'A', state: 'received', refundDueOn: '2026-11-20' },
    { depositId: 'D2', bidderId: 'C', state: 'refunded', refundDueOn: '2026-11-10' },
  ],
  today: '2026-11-20',
};

/** A lease auction won above the start price by one of two qualified bidders. */
const AUCTION: ConcludedProcessFacts = {
  ...CLEAN,
  processId: 'L1',
  line: 'lease',
  bidding: 'ascending',
  subject: null,
  estimatedValue: null,
  startPrice: 500_000,
  finalPrice: 520_000,
  winnerId: 'B',
  qualifiedBidderIds: ['A', 'B'],
  bids: [
    { bidderId: 'A', amount: 510_000, at: at(1) },
    { bidderId: 'B', amount: 520_000, at: at(2) },
  ],
  documents: [],
  scores: [],
  history: [],
};

describe('the clean cases stay quiet', () => {
  it.each([
    ['a sealed tender', CLEAN],
    ['an auction', AUCTION],
  ])('%s raises no alert at all', (_name, facts) => {
    expect(detectEarlyWarnings(facts)).toEqual([]);
  });

  it('every rule has a detector and a title', () => {
    for (const ruleId of EARLY_WARNING_RULE_IDS) {
      expect(typeof EARLY_WARNING_DETECTORS[ruleId]).toBe('function');
      expect(EARLY_WARNING_RULE_TITLES[ruleId].length).toBeGreaterThan(0);
    }
  });
});

type Case = [name: string, ruleId: EarlyWarningRuleId, facts: ConcludedProcessFacts, evidence: object[]];

/** Per rule: a crafted case where it fires (with its evidence) and a near miss where it does not. */
const CASES: Case[] = [
  [
    'one qualified bidder',
    'SINGLE_QUALIFIED_BIDDER',
    { ...AUCTION, qualifiedBidderIds: ['B'] },
    [{ qualifiedBidderIds: ['B'] }],
  ],
  ['two qualified bidders', 'SINGLE_QUALIFIED_BIDDER', AUCTION, []],
  [
    'two qualified, sold at the start price',
    'WON_AT_START_PRICE',
    { ...AUCTION, finalPrice: 500_000, bids: [{ bidderId: 'B', amount: 500_000, at: at(1) }] },
    [{ startPrice: 500_000, finalPrice: 500_000, winnerId: 'B', qualifiedBidders: 2, bidCount: 1 }],
  ],
  [
    'one qualified, sold at the start price (normal)',
    'WON_AT_START_PRICE',
    { ...AUCTION, qualifiedBidderIds: ['B'], finalPrice: 500_000 },
    [],
  ],
  ['two qualified, one increment above the start', 'WON_AT_START_PRICE', AUCTION, []],
  [
    'two bidders from one address',
    'SHARED_CLIENT_ADDRESS',
    { ...CLEAN, sightings: [...CLEAN.sightings, sighting('C', '203.0.113.1', 'fp-c')] },
    [{ clientAddress: '203.0.113.1', bidderIds: ['A', 'C'] }],
  ],
  [
    'one bidder from one address many times',
    'SHARED_CLIENT_ADDRESS',
    {
      ...CLEAN,
      sightings: [
        ...CLEAN.sightings,
        sighting('A', '203.0.113.1', 'fp-a'),
        sighting('A', '203.0.113.1', 'fp-a'),
      ],
    },
    [],
  ],
  [
    'two bidders on one device',
    'SHARED_DEVICE_FINGERPRINT',
    { ...CLEAN, sightings: [...CLEAN.sightings, sighting('B', '198.51.100.9', 'fp-a')] },
    [{ deviceFingerprint: 'fp-a', bidderIds: ['A', 'B'] }],
  ],
  [
    'unknown fingerprints are not shared',
    'SHARED_DEVICE_FINGERPRINT',
    { ...CLEAN, sightings: [sighting('A', null, null), sighting('B', null, null)] },
    [],
  ],
  [
    'the same three met for the third time',
    'RECURRING_BIDDER_SET',
    { ...CLEAN, history: [...CLEAN.history, { processId: 'H3', bidderIds: ['C', 'B', 'A'] }] },
    [{ bidderIds: ['A', 'B', 'C'], meetings: 3, processIds: ['H1', 'H3'] }],
  ],
  ['the same three met twice (and a subset once)', 'RECURRING_BIDDER_SET', CLEAN, []],
  [
    'two bidders filed the same file',
    'IDENTICAL_BID_DOCUMENTS',
    { ...CLEAN, documents: [...CLEAN.documents, { bidderId: 'C', name: 'tech.pdf', sha256: hash('a') }] },
    [{ sha256: hash('a'), bidderIds: ['A', 'C'] }],
  ],
  [
    'one bidder filed one file twice',
    'IDENTICAL_BID_DOCUMENTS',
    { ...CLEAN, documents: [...CLEAN.documents, { bidderId: 'A', name: 'copy.pdf', sha256: hash('a') }] },
    [],
  ],
  [
    'the winner 15 points above others who agree with each other',
    'OUTLIER_WINNING_SCORE',
    {
      ...CLEAN,
      scores: [
        { bidderId: 'A', score: 70 },
        { bidderId: 'B', score: 86 },
        { bidderId: 'C', score: 72 },
      ],
    },
    [{ winnerId: 'B', winnerScore: 86, othersMean: 71, othersStandardDeviation: 1, lead: 15 }],
  ],
  ['the winner exactly 3σ (9 points) above scattered others', 'OUTLIER_WINNING_SCORE', CLEAN, []],
  [
    'the winner 4 points above identical others (σ = 0, under the 5-point floor)',
    'OUTLIER_WINNING_SCORE',
    {
      ...CLEAN,
      scores: [
        { bidderId: 'A', score: 80 },
        { bidderId: 'B', score: 84 },
        { bidderId: 'C', score: 80 },
      ],
    },
    [],
  ],
  [
    'a price 1 fen under 80% of the others’ mean',
    'ABNORMALLY_LOW_BID',
    { ...CLEAN, bids: [...CLEAN.bids.slice(0, 2), { bidderId: 'C', amount: 77_999_999, at: at(3) }] },
    [{ bidderId: 'C', amount: 77_999_999, othersMean: 97_500_000, thresholdPercent: 80 }],
  ],
  [
    'a price at exactly 80% of the others’ mean',
    'ABNORMALLY_LOW_BID',
    { ...CLEAN, bids: [...CLEAN.bids.slice(0, 2), { bidderId: 'C', amount: 78_000_000, at: at(3) }] },
    [],
  ],
  [
    'a bidder’s earlier price does not count, only its last',
    'ABNORMALLY_LOW_BID',
    { ...CLEAN, bids: [{ bidderId: 'C', amount: 1_000, at: at(0) }, ...CLEAN.bids] },
    [],
  ],
  [
    'ascending auctions have no low-bid rule',
    'ABNORMALLY_LOW_BID',
    {
      ...AUCTION,
      bids: [
        { bidderId: 'A', amount: 1, at: at(1) },
        { bidderId: 'B', amount: 520_000, at: at(2) },
      ],
    },
    [],
  ],
  [
    'a 300万 and a 100万 project of one subject in one year, neither openly tendered, 1 fen over 400万',
    'PROJECT_SPLITTING',
    {
      ...CLEAN,
      siblings: [
        ...CLEAN.siblings,
        {
          processId: 'S4',
          subject: 'road-works',
          estimatedValue: 100_000_001,
          announcedOn: '2026-01-05',
          openTender: false,
        },
      ],
    },
    [{ subject: 'road-works', year: 2026, total: 400_000_001, threshold: 400_000_000 }],
  ],
  [
    'a procurement’s parts filed at different depths of one class (A0201, A020101, A02010104) fire together',
    'PROJECT_SPLITTING',
    {
      ...CLEAN,
      line: 'procurement',
      subject: 'A02010104',
      estimatedValue: 150_000_000,
      siblings: [
        {
          processId: 'S5',
          subject: 'A020101',
          estimatedValue: 150_000_000,
          announcedOn: '2026-03-01',
          openTender: false,
        },
        {
          processId: 'S6',
          subject: 'A0201',
          estimatedValue: 100_000_001,
          announcedOn: '2026-04-01',
          openTender: false,
        },
        // Another class under the same 大类, and a 大类 above any class: in no one's sum.
        {
          processId: 'S7',
          subject: 'A0202',
          estimatedValue: 300_000_000,
          announcedOn: '2026-04-01',
          openTender: false,
        },
        {
          processId: 'S8',
          subject: 'A02',
          estimatedValue: 300_000_000,
          announcedOn: '2026-04-01',
          openTender: false,
        },
      ],
    },
    [
      {
        subject: 'A02010104',
        category: 'A0201',
        total: 400_000_001,
        parts: [
          { processId: 'P1', subject: 'A02010104', estimatedValue: 150_000_000, announcedOn: '2026-06-01' },
          { processId: 'S5', subject: 'A020101', estimatedValue: 150_000_000, announcedOn: '2026-03-01' },
          { processId: 'S6', subject: 'A0201', estimatedValue: 100_000_001, announcedOn: '2026-04-01' },
        ],
      },
    ],
  ],
  [
    'a procurement’s parts in two classes of one 大类 stay apart',
    'PROJECT_SPLITTING',
    {
      ...CLEAN,
      line: 'procurement',
      subject: 'A02010104',
      estimatedValue: 150_000_000,
      siblings: [
        {
          processId: 'S7',
          subject: 'A020201',
          estimatedValue: 300_000_000,
          announcedOn: '2026-04-01',
          openTender: false,
        },
        {
          processId: 'S8',
          subject: 'A02',
          estimatedValue: 300_000_000,
          announcedOn: '2026-04-01',
          openTender: false,
        },
      ],
    },
    [],
  ],
  [
    'together exactly at the threshold (not over it)',
    'PROJECT_SPLITTING',
    {
      ...CLEAN,
      siblings: [
        ...CLEAN.siblings,
        {
          processId: 'S4',
          subject: 'road-works',
          estimatedValue: 100_000_000,
          announcedOn: '2026-01-05',
          openTender: false,
        },
      ],
    },
    [],
  ],
  [
    'a complaint’s decision overdue',
    'COMPLAINT_OVERDUE',
    { ...CLEAN, complaints: [{ complaintId: 'K1', deadlines: [deadline({ overdue: true })] }] },
    [{ complaintId: 'K1', step: 'decide', dueOn: '2026-11-19' }],
  ],
  [
    'a complaint whose step was met late (recorded, no longer an alert)',
    'COMPLAINT_OVERDUE',
    {
      ...CLEAN,
      complaints: [{ complaintId: 'K1', deadlines: [deadline({ metOn: '2026-11-20', late: true })] }],
    },
    [],
  ],
  [
    'a deposit still held the day after its refund day',
    'DEPOSIT_REFUND_OVERDUE',
    { ...CLEAN, today: '2026-11-21' },
    [{ depositId: 'D1', bidderId: 'A', refundDueOn: '2026-11-20', today: '2026-11-21' }],
  ],
  ['a deposit still held on its refund day', 'DEPOSIT_REFUND_OVERDUE', CLEAN, []],
];

describe('each rule fires on its crafted case and stays quiet on the near miss', () => {
  it.each(CASES)('%s → %s', (_name, ruleId, facts, evidence) => {
    const alerts = EARLY_WARNING_DETECTORS[ruleId](facts, DEFAULT_EARLY_WARNING_THRESHOLDS);
    expect(alerts).toEqual(
      evidence.map((expected) => ({
        ruleId,
        processId: facts.processId,
        evidence: expect.objectContaining(expected),
      })),
    );
  });

  it('thresholds are parameters: 95% turns the clean tender’s 95 against a mean of 102.5 into an alert', () => {
    expect(detectEarlyWarnings(CLEAN, { lowBidPercentOfMean: 95 })).toEqual([
      expect.objectContaining({
        ruleId: 'ABNORMALLY_LOW_BID',
        evidence: expect.objectContaining({ bidderId: 'B' }),
      }),
    ]);
  });
});

describe('sharedIdentityAlerts while bidding', () => {
  it('raises both kinds from the sightings so far', () => {
    const alerts = sharedIdentityAlerts('L1', [
      sighting('A', '203.0.113.5', 'fp-1', 'registration'),
      sighting('B', '203.0.113.5', 'fp-1'),
    ]);
    expect(alerts.map((entry) => [entry.ruleId, entry.evidence.bidderIds])).toEqual([
      ['SHARED_CLIENT_ADDRESS', ['A', 'B']],
      ['SHARED_DEVICE_FINGERPRINT', ['A', 'B']],
    ]);
    expect(alerts[0].evidence.sightings).toEqual([
      { bidderId: 'A', kind: 'registration', at: at(0).toISOString() },
      { bidderId: 'B', kind: 'bid', at: at(0).toISOString() },
    ]);
  });
});
