import { type FormEvent, useEffect, useState } from 'react';
import {
  type AuditEntry,
  type BidAttempt,
  get,
  type Listing,
  type ListingStatus,
  type Page,
  post,
} from '../api';
import {
  ErrorMessage,
  Link,
  Loading,
  Money,
  RequireRole,
  StatusBadge,
  Time,
  useLoad,
  Table,
} from '../components';
import { hasRole, useApp } from '../app-context';
import { useI18n } from '../i18n';
import { Ledger, LiveRoomPanel, useLiveRoom } from './listing';
import { ListingTable, useListingList } from './listing-table';
import { DealsTable } from './staff';
import { type TransferProject, TransferStatusBadge, type TransferStatus } from './transfers';
import { SanctionsPanel } from './credit';
import { DealReviewPanel } from './fees';

export function SupervisorDesk() {
  return (
    <RequireRole roles={['supervisor', 'admin']}>
      <Desk />
    </RequireRole>
  );
}

/** What a supervisor may act on: suspend while announced or bidding, resume while suspended. */
const ACTIVE: readonly ListingStatus[] = ['announced', 'bidding', 'suspended'];

function Desk() {
  const { t } = useI18n();
  const { session } = useApp();
  const { data, error, reload } = useListingList(ACTIVE);
  return (
    <section>
      <h1>{t('supervisorDesk')}</h1>
      <h2>{t('liveAuctions')}</h2>
      <ListingTable
        listings={data}
        error={error}
        detailPath="/supervisor/listings"
        testId="active-listings"
        actions={(listing) => <ListingSuspendResume listing={listing} onDone={reload} />}
      />
      <TransferSupervision />
      {/* Only supervisors record sanctions; an admin reads the desk without them. */}
      {hasRole(session, 'supervisor') && <SanctionsPanel />}
      {hasRole(session, 'supervisor') && <DealReviewPanel />}
      <DealsTable />
      <AuditTrail />
    </section>
  );
}

function ListingSuspendResume({ listing, onDone }: { listing: Listing; onDone: () => void }) {
  return (
    <SuspendResume
      path={`/lease-listings/${listing.id}`}
      suspended={listing.status === 'suspended'}
      canSuspend={listing.status === 'announced' || listing.status === 'bidding'}
      onDone={onDone}
    />
  );
}

/** Suspend (with a reason) or resume whatever `path` names: a lease listing or a transfer project. */
function SuspendResume({
  path,
  suspended,
  canSuspend,
  onDone,
}: {
  path: string;
  suspended: boolean;
  canSuspend: boolean;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setError(null);
      setReason('');
    } catch (failure) {
      setError(failure);
    }
    onDone();
  };
  const onSuspend = (event: FormEvent) => {
    event.preventDefault();
    void act(() => post(`${path}/suspend`, { reason: reason.trim() }));
  };
  if (suspended) {
    return (
      <div>
        <button type="button" onClick={() => act(() => post(`${path}/resume`))}>
          {t('resume')}
        </button>
        <ErrorMessage error={error} />
      </div>
    );
  }
  if (!canSuspend) return null;
  return (
    <form onSubmit={onSuspend} className="row">
      <label>
        <span className="visually-hidden">{t('suspendReason')}</span>
        <input
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          placeholder={t('suspendReason')}
          required
          maxLength={500}
        />
      </label>
      <button type="submit" className="danger">
        {t('suspend')}
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}

/** Transfer projects a supervisor may suspend: the running stages of libs/domain's lifecycle (the server decides; this only offers the button). */
const SUSPENDABLE_TRANSFERS: readonly TransferStatus[] = [
  'disclosed',
  'extended',
  'agreement_pending',
  'auction',
  'sold',
  'confirmed',
];

function TransferSupervision() {
  const { t } = useI18n();
  const { session } = useApp();
  const { data, error, reload } = useLoad(async () => {
    // One page per status, so running projects are never pushed out by newer finished ones.
    const pages = await Promise.all(
      [...SUSPENDABLE_TRANSFERS, 'suspended'].map((status) =>
        get<Page<TransferProject>>(`/transfer-projects?status=${status}&limit=100`),
      ),
    );
    return pages.flatMap((page) => page.items);
  }, []);
  const running = data;
  // Admins may open the desk, but only supervisors may suspend (the server says so too).
  const mayAct = hasRole(session, 'supervisor');
  return (
    <section aria-labelledby="transfer-supervision-heading">
      <h2 id="transfer-supervision-heading">{t('navTransfers')}</h2>
      <ErrorMessage error={error} />
      {!running && !error && <Loading />}
      {running && running.length === 0 && <p>{t('none')}</p>}
      {running && running.length > 0 && (
        <Table headers={[t('title'), t('status'), t('actions')]} testId="active-transfers">
          {running.map((project) => (
            <tr key={project.id} data-project-id={project.id} data-status={project.status}>
              <td>
                <Link to={`/transfers/${project.id}`}>{project.title}</Link> <span>{project.code}</span>
              </td>
              <td>
                <TransferStatusBadge status={project.status} />
              </td>
              <td>
                {mayAct && (
                  <SuspendResume
                    path={`/transfer-projects/${project.id}`}
                    suspended={project.status === 'suspended'}
                    canSuspend={SUSPENDABLE_TRANSFERS.includes(project.status)}
                    onDone={reload}
                  />
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function AuditTrail() {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const head = await get<Page<AuditEntry>>('/audit?limit=1');
    const offset = Math.max(0, head.total - 50);
    return get<Page<AuditEntry>>(`/audit?limit=50&offset=${offset}`);
  }, []);
  const [check, setCheck] = useState<{ valid: boolean; [key: string]: unknown } | null>(null);
  const [checkError, setCheckError] = useState<unknown>(null);
  const verify = async () => {
    try {
      setCheck(await get('/audit/verify'));
      setCheckError(null);
    } catch (failure) {
      setCheckError(failure);
    }
  };
  return (
    <section aria-labelledby="audit-heading">
      <h2 id="audit-heading">{t('audit')}</h2>
      <button type="button" onClick={verify}>
        {t('verify')}
      </button>
      {check && (
        <p
          className={check.valid ? 'ok' : 'error'}
          role="status"
          data-testid="audit-verify"
          data-valid={check.valid}
        >
          {check.valid ? t('chainValid') : t('chainBroken')}
        </p>
      )}
      <ErrorMessage error={checkError ?? error} />
      {data && (
        <Table headers={[t('time'), t('action'), t('entity')]}>
          {[...data.items].reverse().map((entry, index) => (
            <tr key={entry.seq ?? entry.id ?? index}>
              <td>
                <Time iso={entry.at} seconds />
              </td>
              <td>{entry.action}</td>
              <td>
                {entry.entityType} {entry.entityId.slice(0, 8)}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

/** The live price board and ledger of one listing, for staff and supervisors. */
export function LivePanelFor({ listing }: { listing: Listing }) {
  const { state, room } = useLiveRoom(listing.id, true);
  if (!state || !room) return <Loading />;
  return (
    <>
      <LiveRoomPanel listing={listing} state={state} room={room} />
      <Ledger state={state} />
    </>
  );
}

export function SupervisorListingPage({ id }: { id: string }) {
  return (
    <RequireRole roles={['supervisor', 'admin']}>
      <SupervisorListing id={id} />
    </RequireRole>
  );
}

function SupervisorListing({ id }: { id: string }) {
  const { t, errorText } = useI18n();
  const { data: listing, error, reload } = useLoad(() => get<Listing>(`/lease-listings/${id}`), [id]);
  const attempts = useLoad(
    () => get<Page<BidAttempt>>(`/lease-listings/${id}/bid-attempts?limit=1000`),
    [id],
  );
  const { state, room } = useLiveRoom(id, true);
  const liveStatus = state?.status;
  const bids = state?.lastSeq;
  useEffect(() => {
    if (liveStatus) reload();
  }, [liveStatus, reload]);
  const reloadAttempts = attempts.reload;
  useEffect(() => {
    reloadAttempts();
  }, [bids, reloadAttempts]);
  if (error) return <ErrorMessage error={error} />;
  if (!listing) return <Loading />;
  return (
    <section>
      <p>
        <Link to="/supervisor">{t('back')}</Link>
      </p>
      <h1>{listing.title}</h1>
      <p>
        <StatusBadge status={listing.status} />
      </p>
      <ListingSuspendResume listing={listing} onDone={reload} />
      {state && room && <LiveRoomPanel listing={listing} state={state} room={room} />}
      <h2>{t('bidAttempts')}</h2>
      {attempts.data && attempts.data.items.length === 0 && <p>{t('none')}</p>}
      {attempts.data && attempts.data.items.length > 0 && (
        <Table headers={[t('time'), t('amount'), t('bidderCode'), t('outcome')]} testId="bid-attempts">
          {attempts.data.items.map((attempt) => (
            <tr key={attempt.id} data-outcome={attempt.outcome}>
              <td>
                <Time iso={attempt.at} seconds />
              </td>
              <td>
                <Money fen={attempt.amount} unit={false} />
              </td>
              <td>{attempt.bidderCode ?? attempt.bidderId.slice(0, 8)}</td>
              <td>
                {attempt.outcome === 'accepted' ? t('accepted') : errorText(attempt.outcome, attempt.outcome)}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {state && <Ledger state={state} />}
    </section>
  );
}
