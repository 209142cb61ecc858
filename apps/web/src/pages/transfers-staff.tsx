import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, get, type Page, post } from '../api';
import { useApp } from '../app-context';
import {
  DepositCell,
  ErrorMessage,
  Link,
  Loading,
  Money,
  RequireRole,
  Table,
  Time,
  useLoad,
} from '../components';
import { useI18n } from '../i18n';
import { OnSiteAuctionForm } from './on-site';
import { parseYuan } from '../money';
import {
  RelistingLinks,
  type TransferProject,
  type TransferRegistration,
  type TransferStatus,
  TransferStatusBadge,
} from './transfers';

/** A refusal in plain words, with the earliest allowed last day when the API names it. */
function Refusal({ error }: { error: unknown }) {
  const { t } = useI18n();
  const details =
    error instanceof ApiError ? (error.details as Record<string, unknown> | undefined) : undefined;
  return (
    <>
      <ErrorMessage error={error} />
      {details && typeof details === 'object' && 'earliestEndsOn' in details && (
        <p className="error">
          {t('earliestEndsOn')}: {String(details.earliestEndsOn)}
        </p>
      )}
      {details && typeof details === 'object' && 'lowestWithoutApproval' in details && (
        <p className="error">
          {t('lowestWithoutApproval')}: <Money fen={Number(details.lowestWithoutApproval)} />
        </p>
      )}
    </>
  );
}

/** Lines of "file name, SHA-256" → the documents the API takes. */
export function parseDocuments(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf(' ');
      return {
        name: line
          .slice(0, at)
          .trim()
          .replace(/[,，]$/, ''),
        sha256: line.slice(at + 1).toLowerCase(),
      };
    });
}

export function StaffTransfersPage() {
  return (
    <RequireRole roles={['staff']}>
      <StaffTransfers />
    </RequireRole>
  );
}

function StaffTransfers() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(
    () => get<Page<TransferProject>>('/transfer-projects?limit=100'),
    [],
  );
  return (
    <section>
      <h1>{t('staffTransfers')}</h1>
      <ProjectForm onSaved={reload} />
      <h2>{t('transfers')}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && (
        <Table
          headers={[t('title'), t('status'), t('listingPrice'), t('disclosureEndsOn')]}
          testId="staff-transfers"
        >
          {data.items.map((project) => (
            <tr key={project.id} data-project-id={project.id}>
              <td>
                <Link to={`/staff/transfers/${project.id}`}>{project.title}</Link>
              </td>
              <td>
                <TransferStatusBadge status={project.status} />
              </td>
              <td>
                <Money fen={project.listingPrice} />
              </td>
              <td>{project.disclosureEndsOn}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

/** The create form: money in 元, the last day of disclosure a calendar day in the centre's zone. */
function ProjectForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const { navigate } = useApp();
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const yuan = (name: string) => parseYuan(text(name));
    const approver = text('approver');
    const body: Record<string, unknown> = {
      title: text('title'),
      transferor: text('transferor'),
      assetKind: text('assetKind'),
      assetDescription: text('assetDescription'),
      documents: parseDocuments(text('documents')),
      valuation: yuan('valuation'),
      listingPrice: yuan('listingPrice'),
      buyerConditions: text('buyerConditions'),
      deposit: yuan('deposit'),
      disclosureEndsOn: text('disclosureEndsOn'),
      extensionPeriods: Number(text('extensionPeriods')),
      increment: yuan('increment'),
      auctionStartTime: text('auctionStartTime'),
      freeBiddingMinutes: Number(text('freeBiddingMinutes')),
      extensionSeconds: Number(text('extensionSeconds')),
    };
    if (approver) body.approval = { approver, documentSha256: text('approvalSha256').toLowerCase() };
    try {
      const created = await post<TransferProject>('/transfer-projects', body);
      setError(null);
      onSaved();
      navigate(`/staff/transfers/${created.id}`);
    } catch (failure) {
      setError(failure);
    }
  };
  const field = (name: string, label: string, input: ReactNode) => (
    <label key={name}>
      {label}
      {input}
    </label>
  );
  return (
    <details className="panel">
      <summary>{t('newTransfer')}</summary>
      <form onSubmit={onSubmit} className="grid-form" aria-label={t('newTransfer')}>
        {field('title', t('title'), <input name="title" required maxLength={200} />)}
        {field('transferor', t('transferor'), <input name="transferor" required maxLength={200} />)}
        {field(
          'assetKind',
          t('assetKind'),
          <select name="assetKind" defaultValue="equity">
            <option value="equity">{t('assetKind.equity')}</option>
            <option value="physical_asset">{t('assetKind.physical_asset')}</option>
          </select>,
        )}
        {field(
          'assetDescription',
          t('assetDescription'),
          <textarea name="assetDescription" required maxLength={5000} />,
        )}
        {field('documents', t('documentsInput'), <textarea name="documents" />)}
        {field(
          'valuation',
          `${t('valuation')} (${t('yuan')})`,
          <input name="valuation" inputMode="decimal" required />,
        )}
        {field(
          'listingPrice',
          `${t('listingPrice')} (${t('yuan')})`,
          <input name="listingPrice" inputMode="decimal" required />,
        )}
        {field('approver', t('approver'), <input name="approver" maxLength={200} />)}
        {field('approvalSha256', t('approvalSha256'), <input name="approvalSha256" maxLength={64} />)}
        {field(
          'buyerConditions',
          t('buyerConditions'),
          <textarea name="buyerConditions" required maxLength={5000} />,
        )}
        {field(
          'deposit',
          `${t('deposit')} (${t('yuan')})`,
          <input name="deposit" inputMode="decimal" required />,
        )}
        {field(
          'disclosureEndsOn',
          t('disclosureEndsOn'),
          <input name="disclosureEndsOn" type="date" required />,
        )}
        {field(
          'extensionPeriods',
          t('extensionPeriods'),
          <input name="extensionPeriods" type="number" min={0} max={12} defaultValue={0} required />,
        )}
        {field(
          'increment',
          `${t('increment')} (${t('yuan')})`,
          <input name="increment" inputMode="decimal" required />,
        )}
        {field(
          'auctionStartTime',
          t('auctionStartTime'),
          <input name="auctionStartTime" type="time" defaultValue="10:00" required />,
        )}
        {field(
          'freeBiddingMinutes',
          t('freeBiddingMinutes'),
          <input name="freeBiddingMinutes" type="number" min={1} max={1440} defaultValue={60} required />,
        )}
        {field(
          'extensionSeconds',
          t('extension'),
          <input name="extensionSeconds" type="number" min={1} max={3600} defaultValue={300} required />,
        )}
        <Refusal error={error} />
        <div className="row">
          <button type="submit">{t('create')}</button>
        </div>
      </form>
    </details>
  );
}

/** Where staff may terminate a project (anything before a sale; a live auction is suspended first). */
const TERMINABLE: readonly TransferStatus[] = [
  'accepted',
  'disclosed',
  'extended',
  'relisted',
  'agreement_pending',
  'unsold',
  'defaulted',
  'suspended',
];

export function StaffTransferPage({ id }: { id: string }) {
  return (
    <RequireRole roles={['staff']}>
      <StaffTransfer id={id} />
    </RequireRole>
  );
}

function StaffTransfer({ id }: { id: string }) {
  const { t } = useI18n();
  const {
    data: project,
    error,
    reload,
  } = useLoad(() => get<TransferProject>(`/transfer-projects/${id}`), [id]);
  const { data: registrations, reload: reloadRegistrations } = useLoad(
    () => get<Page<TransferRegistration>>(`/transfer-projects/${id}/registrations?limit=1000`),
    [id],
  );
  const { navigate } = useApp();
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const act = async (path: string, body: unknown = {}) => {
    try {
      const after = await post<TransferProject | undefined>(`/transfer-projects/${id}${path}`, body);
      setActionError(null);
      setDone(true);
      // A re-listing after a sale fell through is a new project: go on to it.
      if (after?.relistedFrom === id) return navigate(`/staff/transfers/${after.id}`);
      reload();
      reloadRegistrations();
    } catch (failure) {
      setDone(false);
      setActionError(failure);
    }
  };
  if (error) return <ErrorMessage error={error} />;
  if (!project) return <Loading />;
  const onForm =
    (path: string, build: (form: FormData) => unknown) => (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      void act(path, build(new FormData(event.currentTarget)));
    };
  const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
  return (
    <article>
      <h1>{project.title}</h1>
      <p>
        <TransferStatusBadge status={project.status} /> <span>{project.code}</span> ·{' '}
        <Link to={`/transfers/${project.id}`}>{t('publicPage')}</Link>
      </p>
      <RelistingLinks project={project} base="/staff/transfers" />
      <dl className="facts">
        <dt>{t('listingPrice')}</dt>
        <dd>
          <Money fen={project.listingPrice} />
        </dd>
        <dt>{t('disclosureEndsOn')}</dt>
        <dd>{project.disclosureEndsOn}</dd>
        <dt>{t('qualifiedBuyers')}</dt>
        <dd data-testid="qualified-buyers">{project.qualifiedBuyers}</dd>
      </dl>
      {done && !actionError && (
        <p className="ok" role="status">
          {t('done')}
        </p>
      )}
      <Refusal error={actionError} />

      <section className="panel" aria-labelledby="actions-heading">
        <h2 id="actions-heading">{t('transferActions')}</h2>
        <div className="row">
          {(project.status === 'accepted' || project.status === 'relisted') && (
            <button type="button" onClick={() => act('/publish')}>
              {t('publish')}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => act('/extend')}>
            {t('transferExtend')}
          </button>
          <button type="button" className="secondary" onClick={() => act('/confirm')}>
            {t('transferConfirm')}
          </button>
        </div>
        <form
          className="grid-form"
          aria-label={t('transferRelist')}
          onSubmit={onForm('/relist', (form) => {
            const approver = text(form, 'approver');
            return {
              listingPrice: parseYuan(text(form, 'listingPrice')),
              disclosureEndsOn: text(form, 'disclosureEndsOn'),
              ...(approver
                ? { approval: { approver, documentSha256: text(form, 'approvalSha256').toLowerCase() } }
                : {}),
            };
          })}
        >
          <label>
            {t('listingPrice')} ({t('yuan')})
            <input name="listingPrice" inputMode="decimal" required />
          </label>
          <label>
            {t('disclosureEndsOn')}
            <input name="disclosureEndsOn" type="date" required />
          </label>
          <label>
            {t('approver')}
            <input name="approver" maxLength={200} />
          </label>
          <label>
            {t('approvalSha256')}
            <input name="approvalSha256" maxLength={64} />
          </label>
          <button type="submit">{t('transferRelist')}</button>
        </form>
        <form
          className="grid-form"
          aria-label={t('transferAgreement')}
          onSubmit={onForm('/agreement', (form) => ({ price: parseYuan(text(form, 'price')) }))}
        >
          <label>
            {t('agreementPrice')} ({t('yuan')})
            <input name="price" inputMode="decimal" required />
          </label>
          <button type="submit">{t('transferAgreement')}</button>
        </form>
        {/* An action that needs only a reason (it is published, so it is required). */}
        {[
          { path: '/agreement/abandon', label: t('transferAbandon'), shown: true, danger: false },
          {
            path: '/terminate',
            label: t('transferTerminate'),
            shown: TERMINABLE.includes(project.status),
            danger: true,
          },
        ]
          .filter((action) => action.shown)
          .map((action) => (
            <form
              key={action.path}
              className="grid-form"
              aria-label={action.label}
              onSubmit={onForm(action.path, (form) => ({ reason: text(form, 'reason') }))}
            >
              <label>
                {t('reason')}
                <input name="reason" required maxLength={500} />
              </label>
              <button type="submit" className={action.danger ? 'danger' : undefined}>
                {action.label}
              </button>
            </form>
          ))}
        <form
          className="grid-form"
          aria-label={t('transferContract')}
          onSubmit={onForm('/contract', (form) => ({
            signedOn: text(form, 'signedOn'),
            contractSha256: text(form, 'contractSha256').toLowerCase(),
          }))}
        >
          <label>
            {t('contractSignedOn')}
            <input name="signedOn" type="date" required />
          </label>
          <label>
            {t('contractSha256')}
            <input name="contractSha256" required maxLength={64} />
          </label>
          <button type="submit">{t('transferContract')}</button>
        </form>
      </section>

      <section aria-labelledby="applicants-heading">
        <h2 id="applicants-heading">{t('applicants')}</h2>
        {!registrations && <Loading />}
        {registrations && registrations.items.length === 0 && <p>{t('none')}</p>}
        {registrations && registrations.items.length > 0 && (
          <Table
            headers={[t('bidderCode'), t('status'), t('deposit'), t('time'), '']}
            testId="transfer-applicants"
          >
            {registrations.items.map((registration) => (
              <tr key={registration.id} data-registration-status={registration.status}>
                <td>{registration.bidderCode ?? '—'}</td>
                <td>
                  {t(`reg.${registration.status}` as const)}
                  {registration.rejectReason ? ` · ${registration.rejectReason}` : ''}
                </td>
                <td>
                  <DepositCell
                    state={registration.depositState}
                    receivedAt={registration.depositReceivedAt}
                  />
                </td>
                <td>
                  <Time iso={registration.createdAt} />
                </td>
                <td>
                  {registration.status === 'pending' && (
                    <div className="row">
                      <button
                        type="button"
                        onClick={() =>
                          act(`/registrations/${registration.id}/qualify`, { depositReceived: true })
                        }
                      >
                        {t('qualifyDepositReceived')}
                      </button>
                      <RejectForm
                        onReject={(reason) => act(`/registrations/${registration.id}/reject`, { reason })}
                      />
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <OnSiteAuctionForm
        host={{
          path: `/transfer-projects/${project.id}`,
          depositHostType: 'transfer',
          id: project.id,
          // In auction, its online auction without a bid and not ended (the API says so too).
          open:
            project.status === 'auction' &&
            project.bidCount === 0 &&
            (project.auctionStatus === 'announced' || project.auctionStatus === 'bidding'),
        }}
        registrations={registrations?.items ?? []}
        onSaved={() => {
          reload();
          reloadRegistrations();
        }}
      />
    </article>
  );
}

function RejectForm({ onReject }: { onReject: (reason: string) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  return (
    <form
      className="row"
      onSubmit={(event) => {
        event.preventDefault();
        if (reason.trim()) onReject(reason.trim());
      }}
    >
      <label>
        {t('reason')}
        <input value={reason} onChange={(event) => setReason(event.target.value)} required maxLength={500} />
      </label>
      <button type="submit" className="secondary">
        {t('reject')}
      </button>
    </form>
  );
}
