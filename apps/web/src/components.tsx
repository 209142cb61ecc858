import { type MouseEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiError, type DepositState, type ListingStatus } from './api';
import { useApp } from './app-context';
import { formatTime } from './format';
import { type MessageKey, useI18n } from './i18n';
import { formatYuan } from './money';

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const { navigate } = useApp();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={onClick}>
      {children}
    </a>
  );
}

/** An amount of fen shown in 元 with thousands separators. */
export function Money({ fen, unit = true }: { fen: number | null | undefined; unit?: boolean }) {
  const { t } = useI18n();
  if (fen === null || fen === undefined) return <span>—</span>;
  return (
    <span className="money">
      {formatYuan(fen)}
      {unit ? ` ${t('yuan')}` : ''}
    </span>
  );
}

export function Time({ iso, seconds }: { iso: string | null | undefined; seconds?: boolean }) {
  const { config } = useApp();
  const { lang } = useI18n();
  return <time dateTime={iso ?? undefined}>{formatTime(iso, config.timeZone, lang, seconds)}</time>;
}

/** An application's deposit in a list: its state, and when the money arrived. */
export function DepositCell({
  state,
  receivedAt,
}: {
  state: DepositState | null | undefined;
  receivedAt: string | null;
}) {
  const { t } = useI18n();
  const label = state
    ? t(`deposit.state.${state}` as MessageKey)
    : t(receivedAt ? 'depositReceived' : 'depositPending');
  return (
    <span data-deposit-state={state ?? ''}>
      {label}
      {receivedAt && (
        <>
          {' · '}
          <Time iso={receivedAt} />
        </>
      )}
    </span>
  );
}

export function StatusBadge({ status }: { status: ListingStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge status-${status}`} data-status={status}>
      {t(`status.${status}` as const)}
    </span>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { errorText } = useI18n();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : 'NETWORK';
  const message = error instanceof ApiError ? error.message : String(error);
  // A code with several causes (details.cause) has words per cause where the table has them.
  const details = error instanceof ApiError ? (error.details as { cause?: unknown } | undefined) : undefined;
  const cause = details && typeof details.cause === 'string' ? details.cause : null;
  const text = errorText(code, message);
  return (
    <p className="error" role="alert" data-code={code} data-cause={cause ?? undefined}>
      {cause ? errorText(`${code}.${cause}`, text) : text}
    </p>
  );
}

/** Loads data once per key and on demand; the page shows loading, error or data. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    run().then(
      (value) => {
        setData(value);
        setError(null);
      },
      (failure) => setError(failure),
    );
  }, [run]);
  useEffect(reload, [reload]);
  return { data, error, reload };
}

export function Loading() {
  const { t } = useI18n();
  return <p aria-busy="true">{t('loading')}</p>;
}

/** Staff and supervisor pages say so plainly when the visitor may not see them. */
export function RequireRole({ roles, children }: { roles: string[]; children: ReactNode }) {
  const { session } = useApp();
  const { t } = useI18n();
  if (!session) {
    return (
      <p>
        <Link to="/login">{t('signIn')}</Link>
      </p>
    );
  }
  if (!session.user.roles.some((role) => roles.includes(role))) return <p role="alert">{t('forbidden')}</p>;
  return <>{children}</>;
}

/** A data table that scrolls sideways on a phone (focusable, so keyboards can scroll it too). */
export function Table({
  headers,
  testId,
  children,
}: {
  headers: string[];
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap" tabIndex={0}>
      <table data-testid={testId}>
        <thead>
          <tr>
            {headers.map((header) => (
              <th scope="col" key={header}>
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
