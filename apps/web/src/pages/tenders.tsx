import { type FormEvent, useState } from 'react';
import { api, type DepositState, get, type Page, post, put } from '../api';
import { hasRole, useApp } from '../app-context';
import { DepositCell, ErrorMessage, Link, Loading, Money, Table, Time, useLoad } from '../components';
import { useI18n } from '../i18n';
import { parseYuan } from '../money';

/** The tender API (docs/design/API-tenders.md), typed as these pages use it. */
export const TENDER_STATUSES = [
  'registered',
  'announced',
  'prequalification',
  'bidding',
  'opened',
  'evaluating',
  'candidates_published',
  'awarded',
  'contracted',
  'failed',
  'suspended',
  'terminated',
] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];
export const TENDER_KINDS = ['building', 'municipal', 'road', 'water', 'decoration', 'other'] as const;

export interface TenderAmendment {
  id: string;
  kind: 'amendment' | 'clarification';
  text: string;
  documents: { name: string; sha256: string }[];
  affectsBids: boolean;
  publishedOn: string;
  publishedAt: string;
  bidDeadlineBefore: string;
  bidDeadlineAfter: string;
}

export interface TenderCriterion {
  id: string;
  weight: number;
  kind: 'scored' | 'price_formula';
}

export interface Tender {
  id: string;
  code: string;
  title: string;
  ownerName: string;
  ownerOrgCode: string;
  kind: string;
  description: string;
  estimatedPrice: number;
  stateFunded: boolean;
  evaluationMethod: 'lowest_evaluated_price' | 'comprehensive_scoring';
  /** Comprehensive scoring's criteria: weights of 100, scored by members or by the price formula. */
  criteria: TenderCriterion[] | null;
  bidderConditions: string;
  deposit: number;
  documents: { name: string; sha256: string }[];
  status: TenderStatus;
  saleStartsOn: string;
  saleEndsOn: string;
  documentsIssuedOn: string;
  bidDeadlineOn: string;
  bidDeadlineTime: string;
  bidDeadlineAt: string;
  deadlines: {
    earliestSaleEndsOn: string;
    earliestBidDeadlineOn: string;
    documentObjectionsUntilOn: string;
    amendmentsWithoutMoveUntilOn: string;
  };
  announcedOn: string | null;
  openedAt: string | null;
  failedReason: string | null;
  terminationReason: string | null;
  amendments: TenderAmendment[];
  /** Staff and supervisors only. */
  registrations?: number;
  qualifiedSuppliers?: number;
}

export interface TenderRegistration {
  id: string;
  projectId: string;
  bidderId: string;
  organizationCode: string;
  status: 'pending' | 'qualified' | 'rejected';
  bidderCode: string | null;
  rejectReason: string | null;
  depositReceivedAt: string | null;
  depositState: DepositState | null;
}

export interface BidReceipt {
  projectId: string;
  bidId: string;
  version: number;
  status: 'submitted' | 'withdrawn';
  submittedAt: string;
  withdrawnAt: string | null;
  sealSha256: string;
}

interface MyTenderBid {
  projectId: string;
  registrationStatus: TenderRegistration['status'];
  bid: BidReceipt | null;
  opened: { price: number | null; valid: boolean; invalidReason: string | null } | null;
}

export interface OpeningRecord {
  openedAt: string;
  submittedCount: number;
  validCount: number;
  bids: {
    bidderName: string;
    price: number | null;
    documents: { name: string; sha256: string }[];
    submittedAt: string;
    sealSha256: string;
    valid: boolean;
    invalidReason: string | null;
  }[];
}

const OPEN_FOR_SUPPLIERS: TenderStatus[] = ['announced', 'bidding'];

/** The SHA-256 of a file, computed in the browser: the file itself is never uploaded. */
export async function sha256Of(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

export function TenderStatusBadge({ status }: { status: TenderStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge tender-status-${status}`} data-status={status}>
      {t(`tenderStatus.${status}` as const)}
    </span>
  );
}

export function TendersPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState('');
  const { data, error } = useLoad(
    () => get<Page<Tender>>(`/tenders?limit=100${status ? `&status=${status}` : ''}`),
    [status],
  );
  return (
    <section>
      <h1>{t('tenders')}</h1>
      <label className="inline">
        {t('filterStatus')}{' '}
        <select value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">{t('allStatuses')}</option>
          {TENDER_STATUSES.filter((value) => value !== 'registered').map((value) => (
            <option key={value} value={value}>
              {t(`tenderStatus.${value}` as const)}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <ul className="cards" aria-label={t('tenders')}>
          {data.items.map((tender) => (
            <li key={tender.id} className="card" data-tender-id={tender.id}>
              <h2>
                <Link to={`/tenders/${tender.id}`}>{tender.title}</Link>
              </h2>
              <TenderStatusBadge status={tender.status} />
              <dl className="facts">
                <dt>{t('tenderOwner')}</dt>
                <dd>{tender.ownerName}</dd>
                <dt>{t('tenderKind')}</dt>
                <dd>{t(`tenderKind.${tender.kind}` as never)}</dd>
                <dt>{t('estimatedPrice')}</dt>
                <dd>
                  <Money fen={tender.estimatedPrice} />
                </dd>
                <dt>{t('bidDeadline')}</dt>
                <dd>
                  <Time iso={tender.bidDeadlineAt} />
                </dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function TenderPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { data: tender, error, reload } = useLoad(() => get<Tender>(`/tenders/${id}`), [id]);
  if (error) return <ErrorMessage error={error} />;
  if (!tender) return <Loading />;
  return (
    <article className="listing">
      <h1>{tender.title}</h1>
      <p>
        <TenderStatusBadge status={tender.status} /> <span>{tender.code}</span>
      </p>
      {tender.terminationReason && (
        <p className="notice" role="status">
          {t('tenderTerminated')}: {tender.terminationReason}
        </p>
      )}
      {tender.failedReason && (
        <p className="notice" role="status" data-testid="tender-failed">
          {t('tenderFailed')}: {tender.failedReason}
        </p>
      )}
      <SupplierBox tender={tender} onChange={reload} />
      {CANDIDATES_PUBLIC.includes(tender.status) && <TenderCandidatesSection id={tender.id} />}
      {tender.openedAt && <OpeningRecordSection id={tender.id} />}
      <TenderFacts tender={tender} />
      <TenderSchedule tender={tender} />
      <TenderAmendments tender={tender} />
    </article>
  );
}

export function TenderFacts({ tender }: { tender: Tender }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="tender-facts-heading">
      <h2 id="tender-facts-heading">{t('details')}</h2>
      <dl className="facts">
        <dt>{t('tenderOwner')}</dt>
        <dd>
          {tender.ownerName} <code>{tender.ownerOrgCode}</code>
        </dd>
        <dt>{t('tenderKind')}</dt>
        <dd>{t(`tenderKind.${tender.kind}` as never)}</dd>
        <dt>{t('tenderDescription')}</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{tender.description}</dd>
        <dt>{t('estimatedPrice')}</dt>
        <dd>
          <Money fen={tender.estimatedPrice} />
        </dd>
        <dt>{t('stateFunded')}</dt>
        <dd>{tender.stateFunded ? t('yes') : t('no')}</dd>
        <dt>{t('evaluationMethod')}</dt>
        <dd>{t(`evaluationMethod.${tender.evaluationMethod}` as const)}</dd>
        <dt>{t('deposit')}</dt>
        <dd>
          <Money fen={tender.deposit} />
        </dd>
        <dt>{t('bidderConditions')}</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{tender.bidderConditions || '—'}</dd>
      </dl>
      <h3>{t('documents')}</h3>
      {tender.documents.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <Table headers={[t('documentName'), 'SHA-256']} testId="documents">
          {tender.documents.map((document) => (
            <tr key={`${document.name}-${document.sha256}`}>
              <td>{document.name}</td>
              <td>
                <code className="hash">{document.sha256}</code>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

/** The schedule and every statutory date it implies: the platform enforces them, not just shows them. */
export function TenderSchedule({ tender }: { tender: Tender }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="tender-schedule-heading">
      <h2 id="tender-schedule-heading">{t('tenderSchedule')}</h2>
      <dl className="facts" data-testid="tender-schedule">
        <dt>{t('announcedOn')}</dt>
        <dd>{tender.announcedOn ?? '—'}</dd>
        <dt>{t('documentSale')}</dt>
        <dd>
          {tender.saleStartsOn} – {tender.saleEndsOn}
        </dd>
        <dt>{t('documentsIssuedOn')}</dt>
        <dd>{tender.documentsIssuedOn}</dd>
        <dt>{t('bidDeadline')}</dt>
        <dd data-testid="bid-deadline">
          {tender.bidDeadlineOn} {tender.bidDeadlineTime}
        </dd>
        <dt>{t('earliestBidDeadlineOn')}</dt>
        <dd>{tender.deadlines.earliestBidDeadlineOn}</dd>
        <dt>{t('documentObjectionsUntilOn')}</dt>
        <dd>{tender.deadlines.documentObjectionsUntilOn}</dd>
        <dt>{t('amendmentsWithoutMoveUntilOn')}</dt>
        <dd>{tender.deadlines.amendmentsWithoutMoveUntilOn}</dd>
      </dl>
    </section>
  );
}

export function TenderAmendments({ tender }: { tender: Tender }) {
  const { t } = useI18n();
  if (tender.amendments.length === 0) return null;
  return (
    <section aria-labelledby="tender-amendments-heading">
      <h2 id="tender-amendments-heading">{t('tenderAmendments')}</h2>
      <Table
        headers={[t('amendmentPublishedOn'), t('amendmentKind'), t('amendmentText'), t('bidDeadline')]}
        testId="amendments"
      >
        {tender.amendments.map((amendment) => (
          <tr key={amendment.id}>
            <td>{amendment.publishedOn}</td>
            <td>{t(`amendmentKind.${amendment.kind}` as const)}</td>
            <td style={{ whiteSpace: 'pre-wrap' }}>{amendment.text}</td>
            <td>
              {amendment.bidDeadlineBefore === amendment.bidDeadlineAfter
                ? amendment.bidDeadlineAfter
                : `${amendment.bidDeadlineBefore} → ${amendment.bidDeadlineAfter}`}
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

/** 开标记录: every bidder and price, public once the bids are opened. */
export function OpeningRecordSection({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<OpeningRecord>(`/tenders/${id}/opening-record`), [id]);
  return (
    <section aria-labelledby="opening-heading">
      <h2 id="opening-heading">{t('openingRecord')}</h2>
      <ErrorMessage error={error} />
      {data && (
        <>
          <p>
            {t('openedAt')}: <Time iso={data.openedAt} seconds /> · {t('validBids')}: {data.validCount} /{' '}
            {data.submittedCount}
          </p>
          <Table headers={[t('supplier'), t('bidPrice'), t('validity')]} testId="opening-record">
            {data.bids.map((bid) => (
              <tr key={bid.sealSha256} data-valid={bid.valid}>
                <td>{bid.bidderName}</td>
                <td>
                  <Money fen={bid.price} />
                </td>
                <td>{bid.valid ? t('validBid') : t('invalidBid')}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}

/** Public from the candidates' publicity on: the ranked candidates, then the award and the contract. */
export const CANDIDATES_PUBLIC: readonly TenderStatus[] = ['candidates_published', 'awarded', 'contracted'];

export interface TenderCandidates {
  projectId: string;
  reportOn: string;
  publicity: { startsOn: string; endsOn: string } | null;
  candidates: {
    rank: number;
    bidId: string;
    bidderName: string | null;
    price: number;
    evaluatedPrice: number | null;
    totalScore: number | null;
    tieBrokenByLot: boolean;
  }[];
  award: {
    bidId: string;
    bidderName: string;
    price: number;
    reason: string | null;
    noticeOn: string;
    contractDueOn: string;
  } | null;
  contract: { signedOn: string; contractSha256: string } | null;
}

/** 中标候选人公示 and, after it, 中标结果 and the contract; `version` reloads it after a staff action. */
export function TenderCandidatesSection({ id, version = 0 }: { id: string; version?: number }) {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<TenderCandidates>(`/tenders/${id}/candidates`), [id, version]);
  return (
    <section aria-labelledby="candidates-heading" data-testid="tender-candidates">
      <h2 id="candidates-heading">{t('tenderCandidates')}</h2>
      <ErrorMessage error={error} />
      {data && (
        <>
          {data.publicity && (
            <p data-testid="candidate-publicity">
              {t('candidatePublicity')}: {data.publicity.startsOn} – {data.publicity.endsOn}
            </p>
          )}
          <CandidatesTable candidates={data.candidates} />
          {data.award && (
            <dl className="facts" data-testid="tender-award">
              <dt>{t('awardedTo')}</dt>
              <dd>{data.award.bidderName}</dd>
              <dt>{t('awardPrice')}</dt>
              <dd>
                <Money fen={data.award.price} />
              </dd>
              <dt>{t('awardNoticeOn')}</dt>
              <dd>{data.award.noticeOn}</dd>
              {data.award.reason && (
                <>
                  <dt>{t('awardReason')}</dt>
                  <dd>{data.award.reason}</dd>
                </>
              )}
              <dt>{t('contractDueOn')}</dt>
              <dd>{data.award.contractDueOn}</dd>
              {data.contract && (
                <>
                  <dt>{t('contractSignedOn')}</dt>
                  <dd data-testid="contract-signed-on">{data.contract.signedOn}</dd>
                  <dt>{t('contractSha256')}</dt>
                  <dd>
                    <code className="hash">{data.contract.contractSha256}</code>
                  </dd>
                </>
              )}
            </dl>
          )}
        </>
      )}
    </section>
  );
}

/** The committee's ranking: evaluated price (lowest price) or total score (comprehensive). */
export function CandidatesTable({ candidates }: { candidates: TenderCandidates['candidates'] }) {
  const { t } = useI18n();
  return (
    <Table
      headers={[t('rank'), t('supplier'), t('bidPrice'), t('evaluatedPrice'), t('totalScore')]}
      testId="candidates"
    >
      {candidates.map((candidate) => (
        <tr key={candidate.bidId} data-rank={candidate.rank}>
          <td>
            {candidate.rank}
            {candidate.tieBrokenByLot ? ` (${t('tieBrokenByLot')})` : ''}
          </td>
          <td>{candidate.bidderName ?? '—'}</td>
          <td>
            <Money fen={candidate.price} />
          </td>
          <td>
            <Money fen={candidate.evaluatedPrice} />
          </td>
          <td>{candidate.totalScore ?? '—'}</td>
        </tr>
      ))}
    </Table>
  );
}

/** A supplier applies with its organisation's code; once qualified, it seals its bid here. */
function SupplierBox({ tender, onChange }: { tender: Tender; onChange: () => void }) {
  const { t } = useI18n();
  const { session } = useApp();
  const isBidder = hasRole(session, 'bidder');
  const { data: mine, reload } = useLoad(
    () =>
      isBidder
        ? Promise.all([
            get<Page<TenderRegistration>>('/me/tender-registrations?limit=1000'),
            get<Page<MyTenderBid>>('/me/tender-bids?limit=1000'),
          ]).then(([registrations, bids]) => ({
            registration: registrations.items.find((item) => item.projectId === tender.id),
            bid: bids.items.find((item) => item.projectId === tender.id),
          }))
        : Promise.resolve(undefined),
    [isBidder, tender.id],
  );
  const [error, setError] = useState<unknown>(null);
  const open = OPEN_FOR_SUPPLIERS.includes(tender.status) && Date.now() < Date.parse(tender.bidDeadlineAt);
  if (!session)
    return open ? (
      <p>
        <Link to={`/login?next=/tenders/${tender.id}`}>{t('signInToApply')}</Link>
      </p>
    ) : null;
  if (!isBidder || !mine) return null;
  const { registration, bid } = mine;
  if (!registration) {
    if (!open) return null;
    const apply = async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const organizationCode = String(new FormData(event.currentTarget).get('organizationCode') ?? '')
        .trim()
        .toUpperCase();
      try {
        await post(`/tenders/${tender.id}/registrations`, { organizationCode });
        setError(null);
        reload();
      } catch (failure) {
        setError(failure);
      }
    };
    return (
      <form onSubmit={apply} className="panel" aria-label={t('tenderApply')}>
        <p>
          {t('deposit')} <Money fen={tender.deposit} />
        </p>
        <label>
          {t('organizationCode')}
          <input name="organizationCode" required minLength={18} maxLength={18} autoComplete="off" />
        </label>
        <button type="submit">{t('tenderApply')}</button>
        <ErrorMessage error={error} />
      </form>
    );
  }
  return (
    <section className="panel" aria-labelledby="my-tender-heading">
      <h2 id="my-tender-heading">{t('myTenderBid')}</h2>
      <p data-testid="my-tender-registration" data-status={registration.status}>
        {t(`reg.${registration.status}` as const)}
        {registration.rejectReason ? ` · ${registration.rejectReason}` : ''} ·{' '}
        <DepositCell state={registration.depositState} receivedAt={registration.depositReceivedAt} />
      </p>
      {bid?.bid && (
        <p data-testid="bid-receipt" data-status={bid.bid.status}>
          {t(bid.bid.status === 'submitted' ? 'bidSealed' : 'bidWithdrawn')} · {t('bidVersion')}{' '}
          {bid.bid.version} · <Time iso={bid.bid.submittedAt} seconds />
          <br />
          {t('sealSha256')}: <code className="hash">{bid.bid.sealSha256}</code>
        </p>
      )}
      {bid?.opened && (
        <p data-testid="my-opened-price">
          {t('bidPrice')}: <Money fen={bid.opened.price} />
        </p>
      )}
      {registration.status === 'qualified' && tender.status === 'bidding' && open && (
        <SealedBidForm
          tender={tender}
          hasBid={bid?.bid?.status === 'submitted'}
          onDone={() => {
            reload();
            onChange();
          }}
        />
      )}
    </section>
  );
}

/** The price in 元 and the bid file; only the file's SHA-256 leaves the browser, sealed with the price. */
function SealedBidForm({ tender, hasBid, onDone }: { tender: Tender; hasBid: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const price = parseYuan(String(form.get('price') ?? ''));
    const file = form.get('bidFile');
    setBusy(true);
    try {
      const documents =
        file instanceof File && file.size > 0 ? [{ name: file.name, sha256: await sha256Of(file) }] : [];
      await put(`/tenders/${tender.id}/bid`, { price, documents });
      setError(null);
      (event.target as HTMLFormElement).reset();
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const withdraw = async () => {
    try {
      await api('DELETE', `/tenders/${tender.id}/bid`);
      setError(null);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t('sealBid')}>
      <p>{t('sealedExplain')}</p>
      <label>
        {t('bidPrice')} ({t('yuan')})
        <input name="price" inputMode="decimal" required autoComplete="off" />
      </label>
      <label>
        {t('bidFile')}
        <input name="bidFile" type="file" />
      </label>
      <div className="row">
        <button type="submit" disabled={busy}>
          {hasBid ? t('replaceBid') : t('sealBid')}
        </button>
        {hasBid && (
          <button type="button" className="secondary" onClick={withdraw}>
            {t('withdrawBid')}
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

/** 我的报名's tender part (the page checks the bidder role): applications and sealed-bid receipts. */
export function MyTenderBids() {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const page = await get<Page<MyTenderBid>>('/me/tender-bids?limit=1000');
    const titles = await Promise.all(
      page.items.map((item) =>
        get<Tender>(`/tenders/${item.projectId}`).then(
          (tender) => tender.title,
          () => item.projectId,
        ),
      ),
    );
    return page.items.map((item, index) => ({ ...item, title: titles[index] }));
  }, []);
  return (
    <section aria-labelledby="my-tenders-heading">
      <h2 id="my-tenders-heading">{t('myTenderBids')}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <p>{t('none')}</p>}
      {data && data.length > 0 && (
        <Table headers={[t('tenderTitle'), t('status'), t('myTenderBid'), t('bidPrice')]} testId="my-tenders">
          {data.map((item) => (
            <tr key={item.projectId}>
              <td>
                <Link to={`/tenders/${item.projectId}`}>{item.title}</Link>
              </td>
              <td>{t(`reg.${item.registrationStatus}` as const)}</td>
              <td>{item.bid ? t(item.bid.status === 'submitted' ? 'bidSealed' : 'bidWithdrawn') : '—'}</td>
              <td>{item.opened ? <Money fen={item.opened.price} /> : '—'}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
