import { type ChangeEvent, useState } from 'react';
import { ApiError, DEPOSIT_STATES, type DepositState, get, type Page, post } from '../api';
import { useApp } from '../app-context';
import { Link, Loading, Money, RequireRole, Table, Time, useLoad } from '../components';
import { MESSAGES, type MessageKey, useI18n } from '../i18n';
import { formatYuan } from '../money';

/** A deposit (保证金) as GET /api/deposits gives it; a bidder's own view has no staff names. */
export interface Deposit {
  id: string;
  hostType: 'lease' | 'transfer';
  hostId: string;
  registrationId: string;
  bidderId: string;
  bidderName?: string;
  amount: number;
  state: DepositState;
  receivedAt: string | null;
  receivedBy?: string | null;
  reference: string | null;
  refundDueOn: string | null;
  refundedAt: string | null;
  refundedBy?: string | null;
  refundReference: string | null;
  forfeitedAt: string | null;
  forfeitedBy?: string | null;
  forfeitReason: string | null;
  convertedAt: string | null;
  overdue: boolean;
}

type DepositWithTitle = Deposit & { hostTitle: string };

/** The most deposits one table asks for (the API's largest page). */
const PAGE_LIMIT = 1000;

/** Each listing's or project's title, one request per host however many deposits it has. */
async function withHostTitles(deposits: Deposit[]): Promise<DepositWithTitle[]> {
  const hosts = [...new Set(deposits.map((deposit) => `${deposit.hostType}:${deposit.hostId}`))];
  const titles = new Map(
    await Promise.all(
      hosts.map(async (host) => {
        const [type, id] = host.split(':');
        const path = type === 'lease' ? `/lease-listings/${id}` : `/transfer-projects/${id}`;
        const title = await get<{ title?: string }>(path).then(
          (found) => found.title ?? id,
          () => id,
        );
        return [host, title] as const;
      }),
    ),
  );
  return deposits.map((deposit) => ({
    ...deposit,
    hostTitle: titles.get(`${deposit.hostType}:${deposit.hostId}`) ?? deposit.hostId,
  }));
}

/** Where a deposit's listing opens for the viewer's role. */
function hostPath(deposit: Deposit, base: 'public' | 'staff' | 'supervisor') {
  if (deposit.hostType === 'transfer') return `/transfers/${deposit.hostId}`;
  return base === 'public' ? `/listings/${deposit.hostId}` : `/${base}/listings/${deposit.hostId}`;
}

/** A refusal of a deposit step in plain words: the deposit's own wording first, else the shared one. */
export function DepositError({ error }: { error: unknown }) {
  const { lang, errorText } = useI18n();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'NETWORK';
  const own = (MESSAGES[lang] as Record<string, string>)[`deposit.err.${code}`];
  const text = own ?? errorText(code, error instanceof ApiError ? error.message : undefined);
  return (
    <p className="error" role="alert" data-code={code}>
      {text}
    </p>
  );
}

/** The state in words, with the overdue mark when the refund's last day has passed. */
function DepositStateText({ deposit }: { deposit: Deposit }) {
  const { t } = useI18n();
  const refundPending = deposit.state === 'received' && deposit.refundDueOn;
  return (
    <>
      <span className={`badge deposit-${deposit.state}`} data-state={deposit.state}>
        {t(`deposit.state.${deposit.state}` as MessageKey)}
      </span>
      {refundPending && !deposit.overdue && <> · {t('deposit.refundPending')}</>}
      {deposit.overdue && (
        <>
          {' '}
          <strong className="error overdue" data-overdue="true">
            {t('deposit.overdue')}
          </strong>
        </>
      )}
    </>
  );
}

/** When the money left, or what became of it: the last step's time and its note. */
function SettledText({ deposit }: { deposit: Deposit }) {
  const { t } = useI18n();
  if (deposit.refundedAt)
    return (
      <>
        {t('deposit.state.refunded')} <Time iso={deposit.refundedAt} />
        {deposit.refundReference ? ` · ${deposit.refundReference}` : ''}
      </>
    );
  if (deposit.forfeitedAt)
    return (
      <>
        {t('deposit.state.forfeited')} <Time iso={deposit.forfeitedAt} />
        {deposit.forfeitReason ? ` · ${deposit.forfeitReason}` : ''}
      </>
    );
  if (deposit.convertedAt)
    return (
      <>
        {t('deposit.state.converted')} <Time iso={deposit.convertedAt} />
      </>
    );
  return <>—</>;
}

export function DepositsPage() {
  return (
    <RequireRole roles={['staff', 'supervisor']}>
      <Deposits />
    </RequireRole>
  );
}

function Deposits() {
  const { t } = useI18n();
  const { session } = useApp();
  const isStaff = Boolean(session?.user.roles.includes('staff'));
  const [state, setState] = useState<DepositState | ''>('');
  const [overdue, setOverdue] = useState<'' | 'true' | 'false'>('');
  const { data, error, reload } = useLoad(async () => {
    const query = new URLSearchParams({ limit: String(PAGE_LIMIT) });
    if (state) query.set('state', state);
    if (overdue) query.set('overdue', overdue);
    const page = await get<Page<Deposit>>(`/deposits?${query}`);
    return { items: await withHostTitles(page.items), total: page.total };
  }, [state, overdue]);
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const act = async (deposit: DepositWithTitle, action: 'receive' | 'refund' | 'forfeit') => {
    const amount = `${formatYuan(deposit.amount)} ${t('yuan')}`;
    const who = `${deposit.bidderName ?? deposit.bidderId.slice(0, 8)} · ${deposit.hostTitle}`;
    let body: Record<string, string>;
    if (action === 'receive') {
      // The prompt is the confirmation: 取消 stops, an empty answer receives without a reference.
      const reference = prompt(
        `${t('deposit.confirmReceive')} ${who} · ${amount}\n${t('deposit.referenceOptional')}`,
      );
      if (reference === null) return;
      body = reference.trim() ? { reference: reference.trim() } : {};
    } else if (action === 'refund') {
      const reference = prompt(
        `${t('deposit.confirmRefund')} ${who} · ${amount}\n${t('deposit.referenceOptional')}`,
      );
      if (reference === null) return;
      body = reference.trim() ? { reference: reference.trim() } : {};
    } else {
      const reason = prompt(
        `${t('deposit.confirmForfeit')} ${who} · ${amount}\n${t('deposit.forfeitReason')}`,
      );
      if (reason === null || !reason.trim()) return;
      body = { reason: reason.trim() };
    }
    try {
      await post(`/deposits/${deposit.id}/${action}`, body);
      setActionError(null);
      setDone(`${t(`deposit.done.${action}` as MessageKey)}: ${who} · ${amount}`);
    } catch (failure) {
      setDone(null);
      setActionError(failure);
    }
    reload();
  };

  const headers = [
    t('bidder'),
    t('deposit.listing'),
    t('deposit.amount'),
    t('status'),
    t('deposit.receivedAt'),
    t('deposit.refundDueOn'),
    t('deposit.settled'),
    ...(isStaff ? [t('actions')] : []),
  ];
  return (
    <section>
      <h1>{t('deposit.title')}</h1>
      <div className="row" role="group" aria-label={t('deposit.filters')}>
        <label>
          {t('filterStatus')}{' '}
          <select
            value={state}
            onChange={(event: ChangeEvent<HTMLSelectElement>) =>
              setState(event.target.value as DepositState | '')
            }
          >
            <option value="">{t('allStatuses')}</option>
            {DEPOSIT_STATES.map((value) => (
              <option key={value} value={value}>
                {t(`deposit.state.${value}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('deposit.overdueFilter')}{' '}
          <select
            value={overdue}
            onChange={(event: ChangeEvent<HTMLSelectElement>) =>
              setOverdue(event.target.value as '' | 'true' | 'false')
            }
          >
            <option value="">{t('deposit.overdueAny')}</option>
            <option value="true">{t('deposit.overdueOnly')}</option>
            <option value="false">{t('deposit.overdueNot')}</option>
          </select>
        </label>
      </div>
      <DepositError error={actionError} />
      {done && (
        <p role="status" data-testid="deposit-done">
          {done}
        </p>
      )}
      <DepositError error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table headers={headers} testId="deposits">
          {data.items.map((deposit) => (
            <tr
              key={deposit.id}
              data-deposit-id={deposit.id}
              data-state={deposit.state}
              data-registration-id={deposit.registrationId}
            >
              <td>{deposit.bidderName ?? deposit.bidderId.slice(0, 8)}</td>
              <td>
                <Link to={hostPath(deposit, isStaff ? 'staff' : 'supervisor')}>{deposit.hostTitle}</Link>
              </td>
              <td>
                <Money fen={deposit.amount} />
              </td>
              <td>
                <DepositStateText deposit={deposit} />
              </td>
              <td>
                {deposit.receivedAt ? <Time iso={deposit.receivedAt} /> : '—'}
                {deposit.reference ? ` · ${deposit.reference}` : ''}
              </td>
              <td data-testid="refund-due-on">{deposit.refundDueOn ?? '—'}</td>
              <td>
                <SettledText deposit={deposit} />
              </td>
              {isStaff && (
                <td>
                  <DepositActions deposit={deposit} onAct={(action) => void act(deposit, action)} />
                </td>
              )}
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

/**
 * The steps the table allows from the row's state: receive a due deposit; refund or forfeit one
 * the centre holds. Each button names its row for screen readers.
 */
function DepositActions({
  deposit,
  onAct,
}: {
  deposit: DepositWithTitle;
  onAct: (action: 'receive' | 'refund' | 'forfeit') => void;
}) {
  const { t } = useI18n();
  const row = `${deposit.bidderName ?? ''} ${deposit.hostTitle}`.trim();
  if (deposit.state === 'due')
    return (
      <button type="button" aria-label={`${t('deposit.receive')} ${row}`} onClick={() => onAct('receive')}>
        {t('deposit.receive')}
      </button>
    );
  if (deposit.state === 'received')
    return (
      <div className="row">
        <button type="button" aria-label={`${t('deposit.refund')} ${row}`} onClick={() => onAct('refund')}>
          {t('deposit.refund')}
        </button>
        <button
          type="button"
          className="danger"
          aria-label={`${t('deposit.forfeit')} ${row}`}
          onClick={() => onAct('forfeit')}
        >
          {t('deposit.forfeit')}
        </button>
      </div>
    );
  return null;
}

/** A bidder's own deposits (GET /api/me/deposits): a section of 我的报名. */
export function MyDeposits() {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const page = await get<Page<Deposit>>(`/me/deposits?limit=${PAGE_LIMIT}`);
    return withHostTitles(page.items);
  }, []);
  return (
    <section aria-labelledby="my-deposits-heading">
      <h2 id="my-deposits-heading">{t('deposit.mine')}</h2>
      <DepositError error={error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <p>{t('none')}</p>}
      {data && data.length > 0 && (
        <Table
          headers={[
            t('deposit.listing'),
            t('deposit.amount'),
            t('status'),
            t('deposit.receivedAt'),
            t('deposit.refundDueOn'),
            t('deposit.settled'),
          ]}
          testId="my-deposits"
        >
          {data.map((deposit) => (
            <tr key={deposit.id} data-deposit-id={deposit.id} data-state={deposit.state}>
              <td>
                <Link to={hostPath(deposit, 'public')}>{deposit.hostTitle}</Link>
              </td>
              <td>
                <Money fen={deposit.amount} />
              </td>
              <td>
                <DepositStateText deposit={deposit} />
              </td>
              <td>{deposit.receivedAt ? <Time iso={deposit.receivedAt} /> : '—'}</td>
              <td data-testid="refund-due-on">{deposit.refundDueOn ?? '—'}</td>
              <td>
                <SettledText deposit={deposit} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
