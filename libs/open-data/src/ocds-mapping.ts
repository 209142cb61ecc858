/**
 * The OCDS 1.1 mapping (DOMAIN.md Open data; issue 10) as pure functions: one process of any line
 * → its releases (one per public status change and per published complaint decision, each
 * carrying what was public at that moment), a compiled release (the current state), a release
 * package and a record package. Validated against the official 1.1.5 schemas in
 * test/ocds-schema.spec.ts.
 *
 * Choices the standard leaves open, made here:
 * - ocid = the configured prefix + the project code; release ids are `<ocid>-<n>` in date order
 *   (stable, because a process's history is append-only).
 * - Leases and transfers are sales, not purchases: the lessor / transferor has a role of our own
 *   (`lessor`, `transferor`; partyRole is an open codelist), the centre that runs the listing is
 *   the `procuringEntity`, and the winner (`lessee`, `transferee`) is the award's `suppliers`.
 * - A lease's values are totals over the term (monthly rent × months), as its deal record is; the
 *   monthly figure is in the description. Bids are monthly rents, as bidders place them.
 * - Sealed bids become public at the opening (the first `opened` in the history); auction bids are
 *   public as they are placed.
 * - Complaints are published as their decisions: tender documents of type `complaints`.
 */
import { fenToOcdsAmount, OCDS_CURRENCY } from './ocds-money.js';
import type {
  OcdsProcess,
  OcdsPublisherOptions,
  PublicDocument,
  PublicDocumentKind,
  PublicParty,
} from './ocds-input.js';
import { ocdsStatusOf, type OcdsStatus } from './ocds-status.js';

/** The extensions the releases use (bids and statusDetails), named in every package. */
export const OCDS_EXTENSIONS = [
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json',
  'https://raw.githubusercontent.com/open-contracting-extensions/ocds_status_details_extension/master/extension.json',
] as const;

export const OCDS_VERSION = '1.1';

type Json = Record<string, unknown>;
export type OcdsRelease = Json & { ocid: string; id: string; date: string; tag: string[] };

const value = (fen: number) => ({ amount: fenToOcdsAmount(fen), currency: OCDS_CURRENCY });
const reference = (party: PublicParty) => ({ id: party.id, name: party.name });
const iso = (date: Date) => date.toISOString();

export function ocidOf(
  process: Pick<OcdsProcess, 'projectCode'>,
  options: Pick<OcdsPublisherOptions, 'ocidPrefix'>,
): string {
  return `${options.ocidPrefix}${process.projectCode}`;
}

const METHOD: Record<string, { method: 'open' | 'selective' | 'limited' | 'direct'; details: string }> = {
  open_tender: { method: 'open', details: '公开招标' },
  invited_tender: { method: 'selective', details: '邀请招标' },
  competitive_negotiation: { method: 'limited', details: '竞争性谈判' },
  competitive_consultation: { method: 'limited', details: '竞争性磋商' },
  request_for_quotation: { method: 'limited', details: '询价' },
  single_source: { method: 'direct', details: '单一来源采购' },
  framework_agreement: { method: 'open', details: '框架协议采购' },
};

/** procurementMethod from OCDS's closed codelist, and the exact Chinese method beside it. */
export function procurementMethodOf(process: OcdsProcess): { method: string; details: string } {
  switch (process.line) {
    case 'construction':
    case 'procurement':
      return METHOD[process.method];
    case 'lease':
      return { method: 'open', details: '公开挂牌,网络竞价(公房租赁)' };
    case 'transfer': {
      const source = { auction: '网络竞价', agreement: '协议成交', on_site: '现场拍卖' } as const;
      return {
        method: 'open',
        details: process.dealSource ? `公开挂牌,${source[process.dealSource]}` : '公开挂牌',
      };
    }
  }
}

const DOCUMENT_TYPE: Record<PublicDocumentKind, string> = {
  notice: 'tenderNotice',
  amendment: 'tenderNotice',
  clarification: 'clarifications',
  opening_record: 'bidders',
  evaluation_report: 'evaluationReports',
  candidates: 'awardNotice',
  result: 'awardNotice',
  contract: 'contractSigned',
  complaint_decision: 'complaints',
};

const document = (doc: PublicDocument) => ({
  id: doc.id,
  documentType: DOCUMENT_TYPE[doc.kind],
  title: doc.title,
  ...(doc.url ? { url: doc.url } : {}),
  datePublished: iso(doc.publishedAt),
  ...(doc.sha256 ? { description: `SHA-256 ${doc.sha256}` } : {}),
});

/** The process's status at an instant: the last change at or before it (undefined before the first). */
function statusAt(process: OcdsProcess, at: Date) {
  const changes = process.history.filter((change) => change.at.getTime() <= at.getTime());
  const last = changes[changes.length - 1];
  if (!last) return undefined;
  // The stage it left: where a suspension resumes to; for anything else, the status before it.
  const left =
    last.status === 'suspended' ? (last.resumeTo ?? null) : (changes[changes.length - 2]?.status ?? null);
  return { change: last, ocds: ocdsStatusOf(process.line, last.status, left) };
}

const isAuction = (process: OcdsProcess) => process.line === 'lease' || process.line === 'transfer';

function bidsPublicAt(process: OcdsProcess, at: Date) {
  if (isAuction(process)) return process.bids.filter((bid) => bid.at.getTime() <= at.getTime());
  const opened = process.history.find((change) => change.status === 'opened');
  return opened && opened.at.getTime() <= at.getTime() ? process.bids : [];
}

/** The value of the whole deal: a lease's monthly rent over its term. */
function total(process: OcdsProcess, fen: number): number {
  if (process.line !== 'lease') return fen;
  const product = BigInt(fen) * BigInt(process.leaseTermMonths);
  if (product > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError('lease total is not a safe integer of fen');
  return Number(product);
}

function tenderValues(process: OcdsProcess): Json {
  switch (process.line) {
    case 'construction':
      return process.estimatedValue === null ? {} : { value: value(process.estimatedValue) };
    case 'procurement':
      return process.budget === null ? {} : { value: value(process.budget) };
    case 'lease':
      return { minValue: value(total(process, process.startMonthlyRent)) };
    case 'transfer':
      return { minValue: value(process.listingPrice) };
  }
}

function leaseTerms(process: OcdsProcess): string | null {
  if (process.line !== 'lease') return null;
  return `起始月租金${fenToOcdsAmount(process.startMonthlyRent)}元,租期${process.leaseTermMonths}个月;金额为整个租期的合计`;
}

interface Parties {
  add(party: PublicParty, ...roles: string[]): void;
  list(): Json[];
}

function partiesBuilder(): Parties {
  const byId = new Map<string, { party: PublicParty; roles: string[] }>();
  return {
    add(party, ...roles) {
      const entry = byId.get(party.id) ?? { party, roles: [] };
      for (const role of roles) if (!entry.roles.includes(role)) entry.roles.push(role);
      byId.set(party.id, entry);
    },
    list: () =>
      [...byId.values()].map(({ party, roles }) => ({
        id: party.id,
        name: party.name,
        ...(party.identifierScheme
          ? { identifier: { scheme: party.identifierScheme, id: party.id, legalName: party.name } }
          : {}),
        roles,
      })),
  };
}

const WINNER_ROLE: Record<OcdsProcess['line'], string> = {
  construction: 'supplier',
  procurement: 'supplier',
  lease: 'lessee',
  transfer: 'transferee',
};

/**
 * The state of the process as it was public at `at` (everything dated later left out): the body
 * of a release, without its id and tag.
 */
function snapshot(process: OcdsProcess, options: OcdsPublisherOptions, at: Date, status: OcdsStatus): Json {
  const ocid = ocidOf(process, options);
  const parties = partiesBuilder();
  const sale = isAuction(process);
  const procuringEntity = sale ? options.centre : (process.agency ?? process.owner);
  if (sale) parties.add(process.owner, process.line === 'lease' ? 'lessor' : 'transferor');
  else parties.add(process.owner, 'buyer');
  parties.add(procuringEntity, 'procuringEntity');

  const bids = bidsPublicAt(process, at);
  const showsTenderers = bids.length > 0 || status.award !== null;
  if (showsTenderers) for (const tenderer of process.tenderers) parties.add(tenderer, 'tenderer');
  for (const bid of bids) parties.add(bid.tenderer, 'tenderer');

  const { method, details } = procurementMethodOf(process);
  const published = (date: Date) => date.getTime() <= at.getTime();
  const documents = process.documents.filter((doc) => published(doc.publishedAt));
  const decisions = process.complaintDecisions.filter((decision) => published(decision.decidedAt));
  if (decisions.length > 0 && options.reviewBody) parties.add(options.reviewBody, 'reviewBody');

  const tender: Json = {
    id: `${ocid}-tender`,
    title: process.title,
    ...(process.description || leaseTerms(process)
      ? { description: [process.description, leaseTerms(process)].filter(Boolean).join('\n') }
      : {}),
    status: status.tender,
    statusDetails: status.details,
    procuringEntity: reference(procuringEntity),
    ...tenderValues(process),
    procurementMethod: method,
    procurementMethodDetails: details,
    ...(process.line === 'construction'
      ? { mainProcurementCategory: 'works' }
      : process.line === 'procurement'
        ? { mainProcurementCategory: process.category }
        : {}),
    submissionMethod: [sale ? 'electronicAuction' : 'electronicSubmission'],
    ...(process.tenderPeriod
      ? {
          tenderPeriod: {
            startDate: iso(process.tenderPeriod.start),
            endDate: iso(process.tenderPeriod.end),
          },
        }
      : {}),
    ...(showsTenderers
      ? { numberOfTenderers: process.tenderers.length, tenderers: process.tenderers.map(reference) }
      : {}),
    documents: [
      ...documents.filter((doc) => doc.kind !== 'contract').map(document),
      ...decisions.map((decision) => ({
        id: `complaint-${decision.id}`,
        documentType: 'complaints',
        title: decision.title,
        ...(decision.url ? { url: decision.url } : {}),
        datePublished: iso(decision.decidedAt),
      })),
    ],
    amendments: documents
      .filter((doc) => doc.kind === 'amendment')
      .map((doc) => ({ id: doc.id, date: iso(doc.publishedAt), rationale: doc.title })),
  };

  const release: Json = {
    ocid,
    initiationType: 'tender',
    language: 'zh',
    parties: [] as Json[],
    ...(sale ? {} : { buyer: reference(process.owner) }),
    tender,
  };

  if (bids.length > 0) {
    const valid = bids.filter((bid) => bid.status === 'valid');
    const amounts = valid.map((bid) => bid.amount);
    release.bids = {
      statistics: [
        { id: 'bids', measure: 'bids', value: bids.length },
        { id: 'validBids', measure: 'validBids', value: valid.length },
        { id: 'disqualifiedBids', measure: 'disqualifiedBids', value: bids.length - valid.length },
        ...(amounts.length > 0
          ? [
              {
                id: 'lowest',
                measure: 'lowestValidBidValue',
                value: fenToOcdsAmount(Math.min(...amounts)),
                currency: OCDS_CURRENCY,
              },
              {
                id: 'highest',
                measure: 'highestValidBidValue',
                value: fenToOcdsAmount(Math.max(...amounts)),
                currency: OCDS_CURRENCY,
              },
            ]
          : []),
      ],
      details: bids.map((bid) => ({
        id: bid.id,
        date: iso(bid.at),
        status: bid.status,
        tenderers: [reference(bid.tenderer)],
        value: value(bid.amount),
      })),
    };
  }

  const awards = awardsAt(process, status, at);
  for (const award of awards.parties) parties.add(award, WINNER_ROLE[process.line]);
  if (awards.list.length > 0) release.awards = awards.list;

  const winning = awards.list.find((award) => award.status === 'active' || award.status === 'pending');
  if (process.contract && status.contract !== null && winning) {
    const contractDocs = documents.filter((doc) => doc.kind === 'contract').map(document);
    const contractStatus =
      status.contract === 'active' && process.contract.dateSigned === null ? 'pending' : status.contract;
    release.contracts = [
      {
        id: process.contract.id,
        awardID: winning.id,
        status: contractStatus,
        statusDetails: status.details,
        value: value(process.contract.value),
        ...(process.contract.dateSigned ? { dateSigned: iso(process.contract.dateSigned) } : {}),
        ...(process.contract.period
          ? {
              period: {
                startDate: iso(process.contract.period.start),
                endDate: iso(process.contract.period.end),
              },
            }
          : {}),
        ...(contractDocs.length > 0 ? { documents: contractDocs } : {}),
      },
    ];
  }
  release.parties = parties.list();
  return release;
}

/**
 * Awards at a status: candidates in publicity are pending; once the award is made the winner's is
 * active (keeping the candidate's id, so releases merge) and the other candidates unsuccessful. An
 * award dated after `at` was not made yet (a release of the candidates' publicity shows them only).
 */
function awardsAt(
  process: OcdsProcess,
  status: OcdsStatus,
  at: Date,
): { list: Json[]; parties: PublicParty[] } {
  if (status.award === null) return { list: [], parties: [] };
  const candidateId = (rank: number) => `${process.projectCode}-candidate-${rank}`;
  const award = process.award && process.award.date.getTime() <= at.getTime() ? process.award : null;
  if (!award) {
    const list = process.candidates.map((candidate) => ({
      id: candidateId(candidate.rank),
      title: `第${candidate.rank}中标候选人`,
      status: status.award,
      statusDetails: status.details,
      value: value(candidate.value),
      suppliers: [reference(candidate.supplier)],
    }));
    return { list, parties: process.candidates.map((candidate) => candidate.supplier) };
  }
  const winnerCandidate = process.candidates.find((candidate) => candidate.supplier.id === award.supplier.id);
  const losers = process.candidates
    .filter((candidate) => candidate !== winnerCandidate)
    .map((candidate) => ({
      id: candidateId(candidate.rank),
      title: `第${candidate.rank}中标候选人`,
      status: 'unsuccessful',
      value: value(candidate.value),
      suppliers: [reference(candidate.supplier)],
    }));
  const description = [award.description, leaseTerms(process)].filter(Boolean).join('\n');
  return {
    list: [
      {
        id: winnerCandidate ? candidateId(winnerCandidate.rank) : award.id,
        status: status.award,
        statusDetails: status.details,
        date: iso(award.date),
        value: value(total(process, award.value)),
        suppliers: [reference(award.supplier)],
        ...(description ? { description } : {}),
      },
      ...losers,
    ],
    parties: [award.supplier],
  };
}

/** The tag a release of this kind gets, given the kinds already released for the process. */
function tagOf(kind: OcdsStatus['release'], released: Set<string>, hasAward: boolean): string {
  const first = (tag: 'tender' | 'award' | 'contract') => (released.has(tag) ? `${tag}Update` : tag);
  switch (kind) {
    case 'tender':
      return first('tender');
    case 'award':
      return first('award');
    case 'contract':
      return first('contract');
    case 'update':
      return hasAward ? 'awardUpdate' : 'tenderUpdate';
    default:
      return kind;
  }
}

/**
 * The releases of one process, oldest first: one per public status change and one per published
 * complaint decision. A status that is not public (a draft) makes none.
 */
export function releasesOf(process: OcdsProcess, options: OcdsPublisherOptions): OcdsRelease[] {
  const ocid = ocidOf(process, options);
  const events = [
    ...process.history.map((change) => ({ at: change.at, complaint: false })),
    ...process.complaintDecisions.map((decision) => ({ at: decision.decidedAt, complaint: true })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || Number(a.complaint) - Number(b.complaint));
  const released = new Set<string>();
  const releases: OcdsRelease[] = [];
  for (const event of events) {
    const current = statusAt(process, event.at);
    if (!current || current.ocds.tender === null) continue;
    const body = snapshot(process, options, event.at, current.ocds);
    const hasAward = Array.isArray(body.awards) && body.awards.length > 0;
    const tag = event.complaint
      ? hasAward
        ? 'awardUpdate'
        : 'tenderUpdate'
      : tagOf(current.ocds.release, released, hasAward);
    // A first public release is always `tender`, whatever status the history starts at.
    const finalTag = releases.length === 0 ? 'tender' : tag;
    released.add(finalTag.replace(/Update$/, ''));
    releases.push({
      ...body,
      ocid,
      id: `${ocid}-${releases.length + 1}`,
      date: iso(event.at),
      tag: [finalTag],
    });
  }
  return releases;
}

/** The current state of the process as one release tagged `compiled` (undefined while it is a draft). */
export function compiledReleaseOf(
  process: OcdsProcess,
  options: OcdsPublisherOptions,
): OcdsRelease | undefined {
  const releases = releasesOf(process, options);
  const latest = releases[releases.length - 1];
  if (!latest) return undefined;
  const current = statusAt(process, new Date(latest.date))!;
  const ocid = ocidOf(process, options);
  return {
    ...snapshot(process, options, new Date(latest.date), current.ocds),
    ocid,
    id: `${ocid}-compiled`,
    date: latest.date,
    tag: ['compiled'],
  };
}

function packageHead(options: OcdsPublisherOptions, uri: string, publishedAt: Date): Json {
  return {
    uri,
    version: OCDS_VERSION,
    extensions: [...OCDS_EXTENSIONS],
    publisher: {
      name: options.publisher.name,
      ...(options.publisher.uri ? { uri: options.publisher.uri } : {}),
    },
    ...(options.license ? { license: options.license } : {}),
    ...(options.publicationPolicy ? { publicationPolicy: options.publicationPolicy } : {}),
    publishedDate: iso(publishedAt),
  };
}

/** A release package of every public release of the processes (the schema needs at least one). */
export function releasePackage(
  processes: readonly OcdsProcess[],
  options: OcdsPublisherOptions,
  meta: { uri: string; publishedAt: Date },
): Json & { releases: OcdsRelease[] } {
  return {
    ...packageHead(options, meta.uri, meta.publishedAt),
    releases: processes.flatMap((process) => releasesOf(process, options)),
  };
}

/** A record package: per process its releases (embedded) and its compiled release. */
export function recordPackage(
  processes: readonly OcdsProcess[],
  options: OcdsPublisherOptions,
  meta: { uri: string; publishedAt: Date },
): Json & { records: Json[] } {
  const records = processes.flatMap((process) => {
    const releases = releasesOf(process, options);
    const compiledRelease = compiledReleaseOf(process, options);
    return compiledRelease ? [{ ocid: ocidOf(process, options), releases, compiledRelease }] : [];
  });
  return { ...packageHead(options, meta.uri, meta.publishedAt), records };
}
