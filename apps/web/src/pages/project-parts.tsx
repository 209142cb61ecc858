import { type FormEvent, useState } from 'react';
import { post } from '../api';
import { Table } from '../components';
import { type MessageKey, useI18n } from '../i18n';
import { Refusal } from './refusal';
import { parseDocuments } from './transfers-staff';

/** Parts a tender's and a procurement's pages share: documents, amendments and the amendment form. */

export function DocumentsTable({ documents }: { documents: { name: string; sha256: string }[] }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{t('documents')}</h3>
      {documents.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <Table headers={[t('documentName'), 'SHA-256']} testId="documents">
          {documents.map((document) => (
            <tr key={`${document.name}-${document.sha256}`}>
              <td>{document.name}</td>
              <td>
                <code className="hash">{document.sha256}</code>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}

export interface AmendmentRow {
  id: string;
  kind: 'amendment' | 'clarification';
  text: string;
  publishedOn: string;
  /** The deadline's day before and after this notice (the same when it did not move). */
  before: string | null;
  after: string | null;
}

export function AmendmentsTable({
  amendments,
  deadline,
}: {
  amendments: AmendmentRow[];
  deadline: MessageKey;
}) {
  const { t } = useI18n();
  if (amendments.length === 0) return null;
  return (
    <section aria-labelledby="amendments-heading">
      <h2 id="amendments-heading">{t('tenderAmendments')}</h2>
      <Table
        headers={[t('amendmentPublishedOn'), t('amendmentKind'), t('amendmentText'), t(deadline)]}
        testId="amendments"
      >
        {amendments.map((amendment) => (
          <tr key={amendment.id}>
            <td>{amendment.publishedOn}</td>
            <td>{t(`amendmentKind.${amendment.kind}` as const)}</td>
            <td style={{ whiteSpace: 'pre-wrap' }}>{amendment.text}</td>
            <td>
              {amendment.before === amendment.after
                ? (amendment.after ?? '—')
                : `${amendment.before} → ${amendment.after}`}
            </td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

/**
 * 澄清或者修改: one that may affect the bids (responses), published late, moves the deadline.
 * `fields` are the API's names for those two answers on this kind of project.
 */
export function AmendmentForm({
  path,
  fields,
  labels,
  note,
  onSaved,
}: {
  /** POST here: /tenders/:id/amendments or /procurements/:id/amendments */
  path: string;
  fields: { affects: string; laterDeadline: string };
  labels: { affects: MessageKey; laterDeadline: MessageKey };
  /** Shown first, e.g. until when an amendment needs no later deadline. */
  note?: string;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const later = text('laterDeadline');
    try {
      await post(path, {
        kind: text('kind'),
        text: text('text'),
        documents: parseDocuments(text('documents')),
        [fields.affects]: form.get('affects') === 'on',
        ...(later ? { [fields.laterDeadline]: later } : {}),
      });
      setError(null);
      (event.target as HTMLFormElement).reset();
      onSaved();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <details className="panel">
      <summary>{t('publishAmendment')}</summary>
      <form onSubmit={onSubmit} className="grid-form" aria-label={t('publishAmendment')}>
        {note && <p>{note}</p>}
        <label>
          {t('amendmentKind')}
          <select name="kind" defaultValue="clarification">
            <option value="clarification">{t('amendmentKind.clarification')}</option>
            <option value="amendment">{t('amendmentKind.amendment')}</option>
          </select>
        </label>
        <label>
          {t('amendmentText')}
          <textarea name="text" required maxLength={5000} />
        </label>
        <label>
          {t('documentsInput')}
          <textarea name="documents" />
        </label>
        <label>
          {t(labels.affects)}
          <input name="affects" type="checkbox" />
        </label>
        <label>
          {t(labels.laterDeadline)}
          <input name="laterDeadline" type="date" />
        </label>
        <Refusal error={error} />
        <div className="row">
          <button type="submit">{t('publishAmendment')}</button>
        </div>
      </form>
    </details>
  );
}
