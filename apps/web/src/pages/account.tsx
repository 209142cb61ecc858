import { type FormEvent, useState } from 'react';
import { post, type SessionUser } from '../api';
import { useApp } from '../app-context';
import { ErrorMessage, Link } from '../components';
import { useI18n } from '../i18n';

export function LoginPage() {
  const { t } = useI18n();
  const { signIn, navigate } = useApp();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    try {
      const result = await post<{ accessToken: string; user: SessionUser }>('/auth/login', {
        username: form.get('username'),
        password: form.get('password'),
      });
      signIn({ token: result.accessToken, user: result.user });
      const next = new URLSearchParams(location.search).get('next');
      const roles = result.user.roles;
      navigate(
        next && next.startsWith('/') && !next.startsWith('//')
          ? next
          : roles.includes('staff')
            ? '/staff'
            : roles.includes('supervisor') || roles.includes('admin')
              ? '/supervisor'
              : '/',
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="narrow">
      <h1>{t('signIn')}</h1>
      <form onSubmit={onSubmit}>
        <label>
          {t('username')}
          <input name="username" autoComplete="username" required maxLength={64} />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {t('signIn')}
        </button>
      </form>
      <p>
        <Link to="/register">{t('register')}</Link>
      </p>
    </section>
  );
}

export function RegisterPage() {
  const { t } = useI18n();
  const { navigate } = useApp();
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const orgCode = String(form.get('orgCode') ?? '').trim();
      await post('/auth/register', {
        username: form.get('username'),
        password: form.get('password'),
        displayName: form.get('displayName'),
        ...(orgCode ? { orgCode } : {}),
      });
      navigate('/login');
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="narrow">
      <h1>{t('register')}</h1>
      <form onSubmit={onSubmit}>
        <label>
          {t('username')}
          <input name="username" autoComplete="username" required maxLength={64} />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="new-password" required minLength={8} />
        </label>
        <label>
          {t('displayName')}
          <input name="displayName" required maxLength={200} />
        </label>
        <label>
          {t('orgCode')}
          <input name="orgCode" maxLength={32} />
        </label>
        <ErrorMessage error={error} />
        <button type="submit">{t('register')}</button>
      </form>
    </section>
  );
}
