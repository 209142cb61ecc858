import { useEffect, useState } from 'react';
import { type DepositState, get, type ListingStatus, type Page, post } from '../api';
import { hasRole, useApp } from '../app-context';
import { DepositCell, ErrorMessage, Link, Loading, Money, Table, Time, useLoad } from '../components';
import { useI18n } from '../i18n';
import { Ledger, LiveRoomPanel, type LiveTerms, useLiveRoom } from './listing';
import { FileComplaintLink } from './complaints';

/** The transfer API (docs/design/API-transfers.md), typed as these pages use it. */
export type TransferStatus =
  | 'accepted'
  | 'disclosed'
  | 'extended'
  | 'relisted'
  | 'agreement_pending'
  | 'auction'
  | 'sold'
  | 'unsold'
  | 'confirmed'
  | 'contract_signed'
  | 'defaulted'
  | 'suspended'
  | 'terminated'
  | 'superseded';

export const TRANSFER_STATUSES: TransferStatus[] = [
  'accepted',
  'disclosed',
  'extended',
  'relisted',
  'agreement_pending',
  'auction',
  'sold',
  'unsold',
  'confirmed',
  'contract_signed',
  'defaulted',
  'suspended',
  'terminated',
  'superseded',
];

export type AssetKind = 'equity' | 'physical_asset';

export interface TransferProject {
  id: string;
  code: string;
  title: string;
  transferor: string;
  assetKind: AssetKind;
  assetDescription: string;
  documents: { name: string; sha256: string }[];
  valuation: number;
  listingPrice: number;
  hasApproval: boolean;
  buyerConditions: string;
  deposit: number;
  increment: number;
  auctionStartTime: string;
  freeBiddingMinutes: number;
  extensionSeconds: number;
  extensionPeriods: number;
  status: TransferStatus;
  publishedOn: string | null;
  disclosureEndsOn: string;
  extensionsUsed: number;
  qualifiedBuyers: number;
  /** The live auction's own status (a lease's statuses), once the project has one. */
  auctionStatus: ListingStatus | null;
  biddingStartsAt: string | null;
  freeBiddingEndsAt: string | null;
  currentPrice: number | null;
  minNextBid: number | null;
  leaderCode: string | null;
  bidCount: number;
  endsAt: string | null;
  finalPrice: number | null;
  winnerCode: string | null;
  dealSource: 'auction' | 'agreement' | 'on_site' | null;
  soldOn: string | null;
  resultPublishedUntil: string | null;
  confirmedOn: string | null;
  contractDeadlineOn: string | null;
  contractSignedOn: string | null;
  suspensionReason: string | null;
  terminationReason: string | null;
  /** A re-listing as a new project links both ways: the old one is `superseded`. */
  relistedFrom: string | null;
  relistedAs: string | null;
}

export interface TransferRegistration {
  id: string;
  projectId: string;
  bidderId: string;
  status: 'pending' | 'qualified' | 'rejected';
  bidderCode: string | null;
  rejectReason: string | null;
  depositReceivedAt: string | null;
  depositState: DepositState | null;
  createdAt: string;
}

/** A buyer may apply while the project is disclosed (or its disclosure extended). */
const OPEN_FOR_APPLICATIONS: TransferStatus[] = ['disclosed', 'extended'];

export function TransferStatusBadge({ status }: { status: TransferStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge transfer-status-${status}`} data-status={status}>
      {t(`transferStatus.${status}` as const)}
    </span>
  );
}

export function TransfersPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState('');
  const { data, error } = useLoad(
    () => get<Page<TransferProject>>(`/transfer-projects?limit=100${status ? `&status=${status}` : ''}`),
    [status],
  );
  return (
    <section>
      <h1>{t('transfers')}</h1>
      <label className="inline">
        {t('filterStatus')}{' '}
        <select value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">{t('allStatuses')}</option>
          {TRANSFER_STATUSES.filter((value) => value !== 'accepted').map((value) => (
            <option key={value} value={value}>
              {t(`transferStatus.${value}` as const)}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <ul className="cards" aria-label={t('transfers')}>
          {data.items.map((project) => (
            <li key={project.id} className="card" data-project-id={project.id}>
              <h2>
                <Link to={`/transfers/${project.id}`}>{project.title}</Link>
              </h2>
              <TransferStatusBadge status={project.status} />
              <dl className="facts">
                <dt>{t('assetKind')}</dt>
                <dd>{t(`assetKind.${project.assetKind}` as const)}</dd>
                <dt>{t('listingPrice')}</dt>
                <dd>
                  <Money fen={project.listingPrice} />
                </dd>
                <dt>{t('disclosureEndsOn')}</dt>
                <dd>{project.disclosureEndsOn}</dd>
                {project.status === 'auction' && (
                  <>
                    <dt>{t('currentPrice')}</dt>
                    <dd data-testid="transfer-current-price">
                      <Money fen={project.currentPrice} />
                    </dd>
                  </>
                )}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The live room's terms for a project's auction: it starts at the listing price, quoted in 元. */
function liveTerms(project: TransferProject): LiveTerms | null {
  if (!project.auctionStatus || !project.biddingStartsAt || !project.freeBiddingEndsAt) return null;
  return {
    status: project.auctionStatus,
    startPrice: project.listingPrice,
    increment: project.increment,
    biddingStartsAt: project.biddingStartsAt,
    freeBiddingEndsAt: project.freeBiddingEndsAt,
    extensionSeconds: project.extensionSeconds,
    priceUnit: 'yuan',
  };
}

export function TransferPage({ id }: { id: string }) {
  const {
    data: project,
    error,
    reload,
  } = useLoad(() => get<TransferProject>(`/transfer-projects/${id}`), [id]);
  const terms = project ? liveTerms(project) : null;
  // The socket's listingId is the project's id: the same room as a lease's.
  const { state, room } = useLiveRoom(id, terms !== null);
  // Opening, suspension or the close move the project (and its result): read it again.
  const liveStatus = state?.status;
  useEffect(() => {
    if (liveStatus) reload();
  }, [liveStatus, reload]);

  if (error) return <ErrorMessage error={error} />;
  if (!project) return <Loading />;
  return (
    <article className="listing">
      <h1>{project.title}</h1>
      <p>
        <TransferStatusBadge status={project.status} /> <span>{project.code}</span>
      </p>
      <FileComplaintLink line="transfer" projectId={project.id} />
      <RelistingLinks project={project} base="/transfers" />
      <TransferResult project={project} />
      {terms && state && room && <LiveRoomPanel listing={terms} state={state} room={room} />}
      <TransferApplyBox project={project} />
      <TransferFacts project={project} />
      {state && <Ledger state={state} />}
    </article>
  );
}

/** Where a re-listed project went, and where a re-listing came from (public and staff pages). */
export function RelistingLinks({ project, base }: { project: TransferProject; base: string }) {
  const { t } = useI18n();
  return (
    <>
      {project.relistedAs && (
        <p className="notice" role="status" data-testid="relisted-as">
          {t('transferRelistedAs')}{' '}
          <Link to={`${base}/${project.relistedAs}`}>{t('transferNewProject')}</Link>
        </p>
      )}
      {project.relistedFrom && (
        <p data-testid="relisted-from">
          {t('transferRelistedFrom')}{' '}
          <Link to={`${base}/${project.relistedFrom}`}>{t('transferEarlierProject')}</Link>
        </p>
      )}
    </>
  );
}

function TransferResult({ project }: { project: TransferProject }) {
  const { t } = useI18n();
  if (project.terminationReason)
    return (
      <p className="notice" role="status">
        {t('transferTerminated')}: {project.terminationReason}
      </p>
    );
  if (project.suspensionReason)
    return (
      <p className="banner warn" role="status">
        {t('suspendedBanner')} {project.suspensionReason}
      </p>
    );
  if (project.finalPrice === null) return null;
  return (
    <section className="result" aria-labelledby="transfer-result-heading" data-testid="transfer-result">
      <h2 id="transfer-result-heading">{t('transferResult')}</h2>
      <dl className="facts">
        <dt>{t('finalPrice')}</dt>
        <dd data-testid="transfer-final-price">
          <Money fen={project.finalPrice} />
        </dd>
        {project.winnerCode && (
          <>
            <dt>{t('winner')}</dt>
            <dd data-testid="transfer-winner">{project.winnerCode}</dd>
          </>
        )}
        {project.dealSource && (
          <>
            <dt>{t('dealSource')}</dt>
            <dd>{t(`dealSource.${project.dealSource}` as const)}</dd>
          </>
        )}
        {project.soldOn && (
          <>
            <dt>{t('soldOn')}</dt>
            <dd>{project.soldOn}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function TransferFacts({ project }: { project: TransferProject }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="facts-heading">
      <h2 id="facts-heading">{t('details')}</h2>
      <dl className="facts">
        <dt>{t('transferor')}</dt>
        <dd>{project.transferor}</dd>
        <dt>{t('assetKind')}</dt>
        <dd>{t(`assetKind.${project.assetKind}` as const)}</dd>
        <dt>{t('assetDescription')}</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{project.assetDescription}</dd>
        <dt>{t('valuation')}</dt>
        <dd>
          <Money fen={project.valuation} />
        </dd>
        <dt>{t('listingPrice')}</dt>
        <dd>
          <Money fen={project.listingPrice} />
        </dd>
        <dt>{t('increment')}</dt>
        <dd>
          <Money fen={project.increment} />
        </dd>
        <dt>{t('deposit')}</dt>
        <dd>
          <Money fen={project.deposit} />
        </dd>
        <dt>{t('buyerConditions')}</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{project.buyerConditions}</dd>
        <dt>{t('publishedOn')}</dt>
        <dd>{project.publishedOn ?? '—'}</dd>
        <dt>{t('disclosureEndsOn')}</dt>
        <dd data-testid="disclosure-ends-on">{project.disclosureEndsOn}</dd>
        <dt>{t('extensionsUsed')}</dt>
        <dd>
          {project.extensionsUsed} / {project.extensionPeriods}
        </dd>
        <dt>{t('auctionStartTime')}</dt>
        <dd>{project.auctionStartTime}</dd>
        {project.biddingStartsAt && (
          <>
            <dt>{t('bidding')}</dt>
            <dd>
              <Time iso={project.biddingStartsAt} />
            </dd>
            <dt>{t('freeEnds')}</dt>
            <dd>
              <Time iso={project.freeBiddingEndsAt} />
            </dd>
          </>
        )}
        <dt>{t('extension')}</dt>
        <dd>{project.extensionSeconds}</dd>
        {project.confirmedOn && (
          <>
            <dt>{t('confirmedOn')}</dt>
            <dd>{project.confirmedOn}</dd>
          </>
        )}
        {project.contractDeadlineOn && (
          <>
            <dt>{t('contractDeadlineOn')}</dt>
            <dd>{project.contractDeadlineOn}</dd>
          </>
        )}
        {project.contractSignedOn && (
          <>
            <dt>{t('contractSignedOn')}</dt>
            <dd>{project.contractSignedOn}</dd>
          </>
        )}
      </dl>
      <h3>{t('documents')}</h3>
      {project.documents.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <Table headers={[t('documentName'), 'SHA-256']} testId="documents">
          {project.documents.map((document) => (
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

function TransferApplyBox({ project }: { project: TransferProject }) {
  const { t } = useI18n();
  const { session } = useApp();
  const isBidder = hasRole(session, 'bidder');
  const { data: mine, reload } = useLoad(
    () =>
      isBidder
        ? get<Page<TransferRegistration>>('/me/transfer-registrations?limit=1000').then((page) =>
            page.items.find((item) => item.projectId === project.id),
          )
        : Promise.resolve(undefined),
    [isBidder, project.id],
  );
  const [error, setError] = useState<unknown>(null);
  if (!OPEN_FOR_APPLICATIONS.includes(project.status) && !mine) return null;
  if (!session)
    return (
      <p>
        <Link to={`/login?next=/transfers/${project.id}`}>{t('signInToApply')}</Link>
      </p>
    );
  if (!isBidder) return null;
  if (mine) {
    return (
      <p className="notice" data-testid="my-registration" data-status={mine.status}>
        {t(`reg.${mine.status}` as const)}
        {mine.bidderCode && (
          <>
            {' '}
            · {t('yourCode')}: <strong>{mine.bidderCode}</strong>
          </>
        )}
        {mine.status === 'pending' && <> · {t('applied')}</>}
      </p>
    );
  }
  const apply = async () => {
    try {
      await post(`/transfer-projects/${project.id}/registrations`);
      setError(null);
      reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div>
      <p>
        {t('transferApplyUntil')} {project.disclosureEndsOn} · {t('deposit')} <Money fen={project.deposit} />
      </p>
      <button type="button" onClick={apply}>
        {t('transferApply')}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}

/** 我的报名's transfer half (the page checks the bidder role): the buyer's transfer applications. */
export function MyTransferRegistrations() {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const page = await get<Page<TransferRegistration>>('/me/transfer-registrations?limit=1000');
    const titles = await Promise.all(
      page.items.map((item) =>
        get<TransferProject>(`/transfer-projects/${item.projectId}`).then(
          (project) => project.title,
          () => item.projectId,
        ),
      ),
    );
    return page.items.map((item, index) => ({ ...item, projectTitle: titles[index] }));
  }, []);
  return (
    <section aria-labelledby="my-transfers-heading">
      <h2 id="my-transfers-heading">{t('myTransferRegistrations')}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <p>{t('none')}</p>}
      {data && data.length > 0 && (
        <Table headers={[t('title'), t('status'), t('bidderCode'), t('deposit')]} testId="my-transfers">
          {data.map((item) => (
            <tr key={item.id} data-registration-status={item.status}>
              <td>
                <Link to={`/transfers/${item.projectId}`}>{item.projectTitle}</Link>
              </td>
              <td>
                {t(`reg.${item.status}` as const)}
                {item.rejectReason ? ` · ${item.rejectReason}` : ''}
              </td>
              <td>{item.bidderCode ?? '—'}</td>
              <td>
                <DepositCell state={item.depositState} receivedAt={item.depositReceivedAt} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
