import { LISTING_STATUSES, TRANSFER_STATUSES } from '@ggzy/domain';
import {
  CONSTRUCTION_STATUSES,
  type LeaseProcess,
  type OcdsPublisherOptions,
  PROCUREMENT_METHODS_FOR_OCDS,
  PROCUREMENT_STATUSES_FOR_OCDS,
  type ProcurementProcess,
  type PublicParty,
} from './ocds-input.js';
import { compiledReleaseOf, ocidOf, procurementMethodOf, recordPackage, releasesOf } from './ocds-mapping.js';
import { fenToOcdsAmount, MAX_EXACT_OCDS_FEN } from './ocds-money.js';
import { OCDS_STATUS, ocdsStatusOf } from './ocds-status.js';

const OPTIONS: OcdsPublisherOptions = {
  ocidPrefix: 'ocds-test01-',
  publisher: { name: '交易中心', uri: null },
  centre: { id: 'CENTRE', name: '交易中心', identifierScheme: null },
  reviewBody: null,
  baseUri: 'https://ggzy.example.cn',
  license: null,
  publicationPolicy: null,
};
const code = (id: string): PublicParty => ({ id, name: `竞买人${id}`, identifierScheme: null });
const at = (hour: number) => new Date(Date.UTC(2026, 10, 2, hour));

const lease = (overrides: Partial<LeaseProcess> = {}): LeaseProcess => ({
  line: 'lease',
  projectCode: 'DHGF-2026-001',
  title: '东湖区某公房租赁',
  description: null,
  history: [
    { status: 'draft', at: at(0) },
    { status: 'announced', at: at(1) },
    { status: 'bidding', at: at(3) },
    { status: 'sold', at: at(6) },
  ],
  owner: { id: 'OWNER', name: '东湖区房管局', identifierScheme: null },
  agency: null,
  tenderPeriod: { start: at(1), end: at(6) },
  documents: [],
  tenderers: [code('A001'), code('A002')],
  bids: [
    { id: 'b1', tenderer: code('A002'), amount: 510_000, at: at(4), status: 'valid' },
    { id: 'b2', tenderer: code('A001'), amount: 520_000, at: at(5), status: 'valid' },
  ],
  candidates: [],
  award: { id: 'award-1', supplier: code('A001'), value: 520_000, date: at(6), description: null },
  contract: null,
  complaintDecisions: [],
  startMonthlyRent: 500_000,
  leaseTermMonths: 36,
  ...overrides,
});

describe('fenToOcdsAmount: 元 as a number, exact', () => {
  it.each<[number, number, string]>([
    [1, 0.01, '0.01'],
    [10, 0.1, '0.1'],
    [105, 1.05, '1.05'],
    [520_000, 5200, '5200'],
    [-2_50, -2.5, '-2.5'],
    [MAX_EXACT_OCDS_FEN, 9_999_999_999_999.99, '9999999999999.99'],
    [123_456_789_012_345, 1_234_567_890_123.45, '1234567890123.45'],
  ])('%d fen → %d 元, written %s', (fen, yuan, text) => {
    expect(fenToOcdsAmount(fen)).toBe(yuan);
    expect(JSON.stringify(fenToOcdsAmount(fen))).toBe(text);
  });

  it.each<[string, number]>([
    ['10^15 fen: the first that may print wrong', MAX_EXACT_OCDS_FEN + 1],
    ['a fraction of a fen', 12.5],
    ['past the safe integers', 2 ** 53],
    ['NaN', Number.NaN],
  ])('refuses %s', (_name, fen) => {
    expect(() => fenToOcdsAmount(fen)).toThrow(RangeError);
  });
});

describe('status tables', () => {
  it.each<[string, readonly string[]]>([
    ['construction', CONSTRUCTION_STATUSES],
    ['procurement', PROCUREMENT_STATUSES_FOR_OCDS],
    ['lease', LISTING_STATUSES],
    ['transfer', TRANSFER_STATUSES],
  ])('%s: every status has its OCDS status and Chinese details, and nothing else', (line, statuses) => {
    const table = OCDS_STATUS[line as keyof typeof OCDS_STATUS] as Record<string, { details: string }>;
    expect(Object.keys(table).sort()).toEqual([...statuses].sort());
    for (const status of statuses) expect(table[status].details).toMatch(/\p{Script=Han}/u);
  });

  it.each<[string, string, string | null, object]>([
    [
      'a transfer sold: the award pending during the result publicity',
      'sold',
      null,
      { tender: 'complete', award: 'pending' },
    ],
    ['a transfer confirmed: the award active', 'confirmed', null, { tender: 'complete', award: 'active' }],
    [
      'a transfer defaulted (悔拍)',
      'defaulted',
      null,
      { tender: 'unsuccessful', award: 'cancelled', details: '悔拍(受让方未签约)' },
    ],
    [
      'a suspension keeps the stage it left',
      'suspended',
      'sold',
      { tender: 'complete', award: 'pending', details: '暂停(成交结果公示)', release: 'update' },
    ],
    ['a suspension without its stage', 'suspended', null, { tender: 'active', details: '暂停' }],
    [
      'superseded after a default: the cancelled award and contract stay',
      'superseded',
      'defaulted',
      {
        tender: 'unsuccessful',
        award: 'cancelled',
        contract: 'cancelled',
        details: '已重新挂牌(新项目)',
        release: 'update',
      },
    ],
    [
      'superseded after an unsold auction: no award',
      'superseded',
      'unsold',
      { tender: 'unsuccessful', award: null, contract: null, details: '已重新挂牌(新项目)' },
    ],
    [
      'any other status ignores the stage before it',
      'unsold',
      'auction',
      { tender: 'unsuccessful', award: null, details: '流拍' },
    ],
  ])('%s', (_name, status, resumeTo, expected) => {
    expect(ocdsStatusOf('transfer', status, resumeTo)).toMatchObject(expected);
  });

  it('an unknown status is a programming error', () => {
    expect(() => ocdsStatusOf('lease', 'auction')).toThrow(RangeError);
  });
});

describe('procurementMethod (+ details in Chinese)', () => {
  const procurement = (method: ProcurementProcess['method']) =>
    ({
      ...lease(),
      line: 'procurement',
      method,
      budget: null,
      category: 'goods',
    }) as unknown as ProcurementProcess;
  const expected: Record<string, [string, string]> = {
    open_tender: ['open', '公开招标'],
    invited_tender: ['selective', '邀请招标'],
    competitive_negotiation: ['limited', '竞争性谈判'],
    competitive_consultation: ['limited', '竞争性磋商'],
    request_for_quotation: ['limited', '询价'],
    single_source: ['direct', '单一来源采购'],
    framework_agreement: ['open', '框架协议采购'],
  };
  it.each(PROCUREMENT_METHODS_FOR_OCDS)('%s', (method) => {
    const { method: ocds, details } = procurementMethodOf(procurement(method));
    expect([ocds, details]).toEqual(expected[method]);
  });
});

describe('a lease through its releases', () => {
  const releases = releasesOf(lease(), OPTIONS);

  it('one release per public status change, the draft left out, ids in date order', () => {
    expect(
      releases.map((release) => [release.id, release.tag[0], (release.tender as { status: string }).status]),
    ).toEqual([
      ['ocds-test01-DHGF-2026-001-1', 'tender', 'active'],
      ['ocds-test01-DHGF-2026-001-2', 'tenderUpdate', 'active'],
      ['ocds-test01-DHGF-2026-001-3', 'award', 'complete'],
    ]);
    expect(ocidOf(lease(), OPTIONS)).toBe('ocds-test01-DHGF-2026-001');
  });

  it('auction bids are public as they are placed: none when bidding opens, both at the close', () => {
    expect(releases[1].bids).toBeUndefined();
    expect((releases[2].bids as { details: unknown[] }).details).toHaveLength(2);
  });

  it('values are totals over the term, the monthly rent in the description', () => {
    const tender = releases[0].tender as { minValue: unknown; description: string };
    expect(tender.minValue).toEqual({ amount: 180_000, currency: 'CNY' });
    expect(tender.description).toContain('起始月租金5000元,租期36个月');
    expect((releases[2].awards as { value: unknown }[])[0].value).toEqual({
      amount: 187_200,
      currency: 'CNY',
    });
  });

  it('the lessor has a role of our own, the centre runs it, the winner is the lessee', () => {
    const roles = Object.fromEntries(
      (releases[2].parties as { id: string; roles: string[] }[]).map((party) => [party.id, party.roles]),
    );
    expect(roles).toEqual({
      OWNER: ['lessor'],
      CENTRE: ['procuringEntity'],
      A001: ['tenderer', 'lessee'],
      A002: ['tenderer'],
    });
    expect(releases[2].buyer).toBeUndefined();
  });

  it('the compiled release is the current state; a draft has none and no record', () => {
    expect(compiledReleaseOf(lease(), OPTIONS)).toMatchObject({
      id: 'ocds-test01-DHGF-2026-001-compiled',
      tag: ['compiled'],
    });
    const draft = lease({ history: [{ status: 'draft', at: at(0) }] });
    expect(releasesOf(draft, OPTIONS)).toEqual([]);
    expect(compiledReleaseOf(draft, OPTIONS)).toBeUndefined();
    expect(
      recordPackage([draft], OPTIONS, { uri: 'https://x.example/r', publishedAt: at(9) }).records,
    ).toEqual([]);
  });

  it('a complaint decision makes a release of its own and is a `complaints` document from then on', () => {
    const withDecision = releasesOf(
      lease({ complaintDecisions: [{ id: 'K1', title: '投诉处理决定', decidedAt: at(7), url: null }] }),
      OPTIONS,
    );
    expect(withDecision.map((release) => release.tag[0])).toEqual([
      'tender',
      'tenderUpdate',
      'award',
      'awardUpdate',
    ]);
    const documents = (withDecision[3].tender as { documents: { documentType: string }[] }).documents;
    expect(documents).toEqual([expect.objectContaining({ id: 'complaint-K1', documentType: 'complaints' })]);
    expect((withDecision[2].tender as { documents: unknown[] }).documents).toEqual([]);
  });
});

describe('sealed bids stay sealed until the opening', () => {
  const tender = {
    ...lease(),
    line: 'procurement',
    method: 'open_tender',
    budget: 10_000_000,
    category: 'services',
    history: [
      { status: 'planned', at: at(0) },
      { status: 'announced', at: at(1) },
      { status: 'responding', at: at(2) },
      { status: 'opened', at: at(5) },
    ],
    bids: [{ id: 'b1', tenderer: code('S1'), amount: 9_000_000, at: at(3), status: 'valid' }],
  } as unknown as ProcurementProcess;

  it('a bid placed before the deadline is not in the releases before the opening', () => {
    const releases = releasesOf(tender, OPTIONS);
    expect(releases.map((release) => release.bids === undefined)).toEqual([true, true, false]);
    expect(releases[2].buyer).toEqual({ id: 'OWNER', name: '东湖区房管局' });
  });
});
