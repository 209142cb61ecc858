import { type MouseEvent, useState } from 'react';
import { ApiError, post } from '../api';
import { useI18n } from '../i18n';

/** Where the api mounts bull-board; a page of its own, outside this app. */
export const QUEUES_BOARD = '/admin/queues/';

/**
 * The queues dashboard (admins and supervisors). Navigation sends no bearer token, so the link
 * first trades the token for a short HttpOnly cookie scoped to the dashboard, then opens it.
 */
export function QueuesLink() {
  const { t, errorText } = useI18n();
  const [error, setError] = useState<ApiError | null>(null);
  const open = async (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    try {
      const session = await post<{ path: string }>('/auth/queues-session');
      location.assign(session.path || QUEUES_BOARD);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'NETWORK', String(caught)));
    }
  };
  return (
    <>
      <a href={QUEUES_BOARD} onClick={open} data-testid="queues-link">
        {t('navQueues')}
      </a>
      {error && (
        <span className="error" role="alert" data-code={error.code}>
          {errorText(error.code, error.message)}
        </span>
      )}
    </>
  );
}
