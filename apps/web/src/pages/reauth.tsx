import { type FormEvent, useState } from 'react';
import { ApiError, type SessionUser } from '../api';
import { useApp } from '../app-context';
import { ErrorMessage } from '../components';
import { useI18n } from '../i18n';
import type { LiveRoom } from '../live-room';

/**
 * Signs in without the expired token: the API refuses any request that carries an invalid
 * one, sign-in included, so this call sends no Authorization header.
 */
async function freshSignIn(username: string, password: string) {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body?.code ?? `HTTP_${response.status}`,
      body?.message ?? response.statusText,
    );
  }
  return body as { accessToken: string; user: SessionUser };
}

/**
 * The bidder's token expired in the live room: sign in again in place (password for the same
 * username), hand the fresh token to the same socket (`auth`), and keep the session.
 */
export function ReauthDialog({
  room,
  onDone,
  onCancel,
}: {
  room: LiveRoom;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const { session, signIn } = useApp();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const username = session?.user.username ?? '';
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get('password') ?? '');
    setBusy(true);
    try {
      const result = await freshSignIn(username, password);
      const sent = await room.reauth(result.accessToken);
      if (!sent.ok) throw new ApiError(401, sent.code, sent.message);
      // After the socket has it, so the room does not hand the same token over twice.
      signIn({ token: result.accessToken, user: result.user });
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div
      className="confirm"
      role="dialog"
      aria-modal="false"
      aria-labelledby="reauth-heading"
      data-testid="reauth"
    >
      <h3 id="reauth-heading">{t('reauthTitle')}</h3>
      <p>{t('reauthBody')}</p>
      <form onSubmit={submit}>
        <label>
          {t('username')}
          <input name="username" autoComplete="username" value={username} readOnly />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" required autoFocus />
        </label>
        <ErrorMessage error={error} />
        <div className="row">
          <button type="submit" disabled={busy}>
            {t('reauthSubmit')}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
