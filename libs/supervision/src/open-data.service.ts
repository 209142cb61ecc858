import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { DomainError, isCalendarDate, isSupportedDate, startOfDayInZone, zonedDateRange } from '@ggzy/domain';
import {
  OCDS_STATUS,
  type OcdsLine,
  type OcdsProcess,
  type OcdsPublisherOptions,
  type OcdsRelease,
  type PublicDocument,
  type PublicDocumentKind,
  type PublicParty,
  ocidOf,
  recordPackage,
  releasePackage,
  releasesOf,
} from '@ggzy/open-data';
import {
  type AnnouncementLine,
  type OcdsFacts,
  OcdsFactsRepository,
  type OcdsProcessCursor,
  type OcdsProcessRow,
} from '@ggzy/persistence';
import { announcementLabel } from './disclosure.views.js';

/** Processes per page of a bulk download: each page is one bounded read, streamed out. */
export const OCDS_BULK_PAGE = 100;
/** The most processes one list call maps (the page's `limit` is capped by the DTO). */
export const OCDS_MAX_LIMIT = 100;

const DOCUMENT_KIND: Record<string, PublicDocumentKind> = {
  notice: 'notice',
  amendment: 'amendment',
  clarification: 'clarification',
  opening_record: 'opening_record',
  candidates: 'candidates',
  result: 'result',
  termination: 'notice',
};

const INITIAL_STATUS: Record<OcdsLine, string> = {
  construction: 'registered',
  procurement: 'planned',
  lease: 'draft',
  transfer: 'accepted',
};

/**
 * Open data (OCDS 1.1): every published process of every line as release and record packages,
 * mapped by libs/open-data from the public facts the persistence layer reads (no line lib). A
 * draft has no release; an unknown ocid is 404 NOT_FOUND.
 */
@Injectable()
export class OpenDataService {
  constructor(
    private readonly facts: OcdsFactsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  options(origin: string): OcdsPublisherOptions {
    const base = this.config.PUBLIC_SITE_URL ?? origin;
    const centre: PublicParty = { id: 'centre', name: this.config.CENTRE_NAME, identifierScheme: null };
    return {
      ocidPrefix: this.config.OCDS_OCID_PREFIX,
      publisher: { name: this.config.CENTRE_NAME, uri: `${base}/` },
      centre,
      reviewBody: null,
      baseUri: base,
      license: null,
      publicationPolicy: null,
    };
  }

  async releases(
    origin: string,
    query: { line?: AnnouncementLine; since?: string; limit: number; offset: number },
  ) {
    if (query.since !== undefined && !(isCalendarDate(query.since) && isSupportedDate(query.since)))
      throw new DomainError('VALIDATION_FAILED', 'since is not a calendar date', [
        { field: 'since', rule: 'a calendar date YYYY-MM-DD' },
      ]);
    const options = this.options(origin);
    const { processes, total } = await this.page({
      line: query.line,
      limit: query.limit,
      offset: query.offset,
    });
    const since = query.since ? startOfDayInZone(query.since, this.config.CENTRE_TZ).getTime() : null;
    const pkg = releasePackage(processes, options, {
      uri: `${options.baseUri}/api/ocds/releases`,
      publishedAt: new Date(),
    });
    if (since !== null) pkg.releases = pkg.releases.filter((release) => Date.parse(release.date) >= since);
    return { ...pkg, total };
  }

  async releasesOf(origin: string, ocid: string) {
    const options = this.options(origin);
    const process = await this.one(ocid, options);
    return releasePackage([process], options, {
      uri: `${options.baseUri}/api/ocds/releases/${ocid}`,
      publishedAt: new Date(),
    });
  }

  async records(origin: string, query: { line?: AnnouncementLine; limit: number; offset: number }) {
    const options = this.options(origin);
    const { processes, total } = await this.page(query);
    return {
      ...recordPackage(processes, options, {
        uri: `${options.baseUri}/api/ocds/records`,
        publishedAt: new Date(),
      }),
      total,
    };
  }

  async recordOf(origin: string, ocid: string) {
    const options = this.options(origin);
    const process = await this.one(ocid, options);
    return recordPackage([process], options, {
      uri: `${options.baseUri}/api/ocds/records/${ocid}`,
      publishedAt: new Date(),
    });
  }

  /**
   * A year's releases as one release package, written in pieces: the package's head, then the
   * releases a bounded page of processes at a time (memory stays one page whatever the year holds).
   */
  async bulk(origin: string, year: number, write: (chunk: string) => Promise<void>): Promise<boolean> {
    const options = this.options(origin);
    let after: OcdsProcessCursor | undefined;
    let written = 0;
    for (;;) {
      // Keyset pages: each reads its own processes, not every one before it (as OFFSET would).
      const { processes, next } = await this.page({
        announcedIn: year,
        limit: OCDS_BULK_PAGE,
        after,
        count: false,
      });
      const releases = processes.flatMap((process) => releasesOf(process, options));
      for (const release of releases) {
        if (written === 0) {
          const { releases: _none, ...head } = releasePackage([], options, {
            uri: `${options.baseUri}/api/ocds/bulk/${year}`,
            publishedAt: new Date(),
          });
          await write(`${JSON.stringify(head).slice(0, -1)},"releases":[`);
        }
        await write(`${written === 0 ? '' : ','}${JSON.stringify(release)}`);
        written += 1;
      }
      if (!next) break;
      after = next;
    }
    if (written > 0) await write(']}');
    return written > 0;
  }

  private async one(ocid: string, options: OcdsPublisherOptions): Promise<OcdsProcess> {
    const prefix = options.ocidPrefix;
    const code = ocid.startsWith(prefix) ? ocid.slice(prefix.length) : null;
    const { processes } = code
      ? await this.page({ code, limit: 2, offset: 0, count: false })
      : { processes: [] };
    const process = processes.find(
      (one) => ocidOf(one, options) === ocid && releasesOf(one, options).length > 0,
    );
    if (!process) throw new DomainError('NOT_FOUND', 'no published process has this ocid');
    return process;
  }

  private async page(filter: {
    line?: AnnouncementLine;
    code?: string;
    announcedIn?: number;
    limit: number;
    offset?: number;
    after?: OcdsProcessCursor;
    count?: boolean;
  }): Promise<{ processes: OcdsProcess[]; total: number; next: OcdsProcessCursor | null }> {
    const { items, total, next } = await this.facts.processes({
      ...filter,
      timeZone: this.config.CENTRE_TZ,
    });
    const facts = await this.facts.facts(items.map((item) => item.id));
    return { processes: items.map((row) => this.toProcess(row, facts)), total, next };
  }

  private day(date: string): Date {
    return startOfDayInZone(date, this.config.CENTRE_TZ);
  }

  private toProcess(row: OcdsProcessRow, facts: OcdsFacts): OcdsProcess {
    const line = row.line as OcdsLine;
    const known = OCDS_STATUS[line] as Record<string, unknown>;
    const own = <T extends { projectId: string }>(list: T[]) =>
      list.filter((item) => item.projectId === row.id);
    const auction = line === 'lease' || line === 'transfer';

    // The history: the first (not public) status, then every audited change the line's table knows.
    const changes = own(facts.history).filter((change) => change.status in known);
    const history = [
      { status: INITIAL_STATUS[line], at: new Date((changes[0]?.at ?? new Date()).getTime() - 1) },
      ...changes.map((change) => ({
        status: change.status,
        at: new Date(change.at),
        ...(change.status === 'suspended' ? { resumeTo: change.from } : {}),
      })),
    ];
    // A process whose trail the lines wrote before this mapping existed still shows its status now.
    if (history[history.length - 1].status !== row.status && row.status in known)
      history.push({ status: row.status, at: new Date(history[history.length - 1].at.getTime() + 1) });

    const tendererRows = own(facts.tenderers);
    // An organisation by its code and registered name; a bidder at an auction by its bidder code.
    const codeParty = (code: string): PublicParty =>
      auction
        ? { id: code, name: `竞买人${code}`, identifierScheme: null }
        : {
            id: code,
            name: tendererRows.find((one) => one.organizationCode === code)?.organizationName ?? code,
            identifierScheme: 'CN-USCC',
          };
    const codeOf = (bidderId: string | null) => {
      const found = tendererRows.find((one) => one.bidderId === bidderId);
      return found ? (auction ? found.bidderCode : found.organizationCode) : null;
    };
    const tenderers = tendererRows
      .map((one) => (auction ? one.bidderCode : one.organizationCode))
      .filter((code): code is string => code !== null)
      .map(codeParty);

    const opening = own(facts.openings)[0];
    const bids = auction
      ? own(facts.auctionBids).map((bid) => ({
          id: bid.id,
          tenderer: codeParty(bid.bidderCode ?? 'unknown'),
          amount: bid.amount,
          at: new Date(bid.at),
          status: 'valid' as const,
        }))
      : (opening?.bids ?? [])
          .filter((bid) => bid.price !== null)
          .map((bid) => ({
            id: bid.bidId,
            tenderer: codeParty(codeOf(bid.bidderId) ?? 'unknown'),
            amount: bid.price!,
            at: new Date(opening!.openedAt),
            status: bid.valid ? ('valid' as const) : ('disqualified' as const),
          }));

    const deal = own(facts.deals)[0] ?? null;
    const finalPrice = own(facts.finalPrices)[0]?.finalPrice ?? null;
    const winnerCode = deal ? codeOf(deal.winnerId) : null;

    // A tender's or procurement's evaluation, as far as it is public: the candidates in their
    // publicity (a bid's supplier from the opening record), the award from its notice — the award
    // is dated when the line recorded it (its change to `awarded`), so earlier releases lack it.
    const evaluation = own(facts.evaluations)[0];
    const bidderOfBid = (bidId: string) =>
      opening?.bids.find((bid) => bid.bidId === bidId)?.bidderId ??
      tendererRows.find((one) => one.registrationId === bidId)?.bidderId ??
      null;
    const partyOfBid = (bidId: string) => {
      const code = codeOf(bidderOfBid(bidId));
      return code ? codeParty(code) : null;
    };
    const candidates = (evaluation?.candidates ?? []).flatMap((candidate) => {
      const supplier = partyOfBid(candidate.bidId);
      return supplier ? [{ rank: candidate.rank, supplier, value: candidate.price }] : [];
    });
    const awardedAt = changes.find((change) => change.status === 'awarded')?.at;
    const evaluated = evaluation?.awardedBidId
      ? {
          supplier: partyOfBid(evaluation.awardedBidId),
          value:
            evaluation.candidates.find((one) => one.bidId === evaluation.awardedBidId)?.price ??
            opening?.bids.find((bid) => bid.bidId === evaluation.awardedBidId)?.price ??
            null,
          date: awardedAt
            ? new Date(awardedAt)
            : evaluation.awardNoticeOn
              ? this.day(evaluation.awardNoticeOn)
              : null,
        }
      : null;

    // A tender's or procurement's award is its evaluation's (the deal follows at the contract, or
    // per call-off order); a lease's or transfer's is its deal.
    const award =
      evaluated?.supplier && evaluated.value !== null && evaluated.date
        ? {
            id: `${row.code}-award`,
            supplier: evaluated.supplier,
            value: evaluated.value,
            date: evaluated.date,
            description: null,
          }
        : deal && winnerCode && auction
          ? {
              id: deal.id,
              supplier: codeParty(winnerCode),
              // A lease's award is its monthly rent (the mapping multiplies by the term).
              value: line === 'lease' ? (finalPrice ?? deal.amount) : deal.amount,
              date: new Date(deal.closedAt),
              description: null,
            }
          : null;
    const signed = own(facts.contracts)[0];
    const contract =
      signed && award
        ? {
            id: deal ? `contract-${deal.id}` : `${row.code}-contract`,
            value: deal?.amount ?? award.value,
            dateSigned: signed.signedOn ? this.day(signed.signedOn) : null,
            period: null,
          }
        : null;

    const documents: PublicDocument[] = own(facts.documents).map((doc) => ({
      id: doc.id,
      kind: DOCUMENT_KIND[doc.kind],
      title: `${doc.projectTitle} ${announcementLabel(doc.line, doc.kind, doc.status)}`,
      url: null,
      publishedAt: new Date(doc.publishedAt),
      sha256: null,
    }));

    const start = row.periodStartAt ?? (row.periodStartOn ? this.day(row.periodStartOn) : null);
    const end =
      row.periodEndAt ??
      (row.periodEndOn ? zonedDateRange(row.periodEndOn, row.periodEndOn, this.config.CENTRE_TZ).end : null);
    const owner: PublicParty =
      row.ownerCode !== null
        ? { id: row.ownerCode, name: row.ownerName ?? row.ownerCode, identifierScheme: 'CN-USCC' }
        : line === 'lease'
          ? this.options('').centre
          : { id: `${row.code}-transferor`, name: row.ownerName ?? '转让方', identifierScheme: null };

    const base = {
      projectCode: row.code,
      title: row.title,
      description: row.description,
      owner,
      agency: null,
      tenderPeriod: start && end && start < end ? { start, end } : null,
      documents,
      tenderers,
      bids,
      candidates,
      award,
      contract,
      complaintDecisions: own(facts.complaintDecisions).map((decision) => ({
        id: decision.id,
        title: decision.kind === 'challenge' ? '质疑答复' : '投诉处理决定',
        decidedAt: new Date(decision.decidedAt),
        url: null,
      })),
    };
    switch (line) {
      case 'construction':
        return { ...base, line, history: history as never, method: 'open_tender', estimatedValue: row.value };
      case 'procurement':
        return {
          ...base,
          line,
          history: history as never,
          method: row.method as never,
          budget: row.value,
          category: (row.category ?? 'goods') as 'goods' | 'services' | 'works',
        };
      case 'lease':
        return {
          ...base,
          line,
          history: history as never,
          startMonthlyRent: row.value ?? 0,
          leaseTermMonths: row.leaseTermMonths ?? 0,
        };
      case 'transfer':
        return {
          ...base,
          line,
          history: history as never,
          listingPrice: row.value ?? 0,
          dealSource: (row.method as 'auction' | 'agreement' | 'on_site' | null) ?? null,
        };
    }
  }
}

export type { OcdsRelease };
