import { ApiError } from '../api';
import { ErrorMessage } from '../components';
import { useI18n } from '../i18n';

/**
 * A refusal in plain words, with the boundary day the API names (earliest… / latest…) and the
 * last day a step was due (…DueOn) when being late is the reason.
 */
export function Refusal({ error }: { error: unknown }) {
  const { t } = useI18n();
  const details =
    error instanceof ApiError ? (error.details as Record<string, unknown> | undefined) : undefined;
  const boundaries =
    details && typeof details === 'object' && !Array.isArray(details)
      ? Object.entries(details).filter(([key]) => /^(earliest|latest)[A-Za-z]*(On|Until)$/.test(key))
      : [];
  const dueDays =
    details && typeof details === 'object' && !Array.isArray(details)
      ? Object.entries(details).filter(([key]) => /^(dueOn|[a-z][A-Za-z]*DueOn)$/.test(key))
      : [];
  return (
    <>
      <ErrorMessage error={error} />
      {boundaries.map(([key, value]) => (
        <p className="error" key={key} data-testid="boundary-day">
          {t('boundaryDay')}: {String(value)}
        </p>
      ))}
      {dueDays.map(([key, value]) => (
        <p className="error" key={key} data-testid="due-day">
          {t('dueDay')}: {String(value)}
        </p>
      ))}
    </>
  );
}

/** One action that needs a public reason (terminate, fail, reject). */
export function ReasonForm({
  label,
  onSubmit,
}: {
  label: string;
  onSubmit: (reason: string) => Promise<void>;
}) {
  const { t } = useI18n();
  return (
    <form
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
        void onSubmit(reason);
      }}
    >
      <label>
        {t('reason')}
        <input name="reason" required maxLength={500} />
      </label>
      <button type="submit" className="secondary">
        {label}
      </button>
    </form>
  );
}
