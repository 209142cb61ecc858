import { type FormEvent, useState } from 'react';
import { post } from '../api';
import { hasRole, useApp } from '../app-context';
import { Link } from '../components';
import { useI18n } from '../i18n';
import { Refusal } from './refusal';
import type { Tender, TenderStatus } from './tenders';

export type TenderObjectionTarget = 'tender_documents' | 'candidates' | 'prequalification_documents';

/** An objection (异议) and its reply; the objector is named to staff and supervisors only. */
export interface TenderObjection {
  id: string;
  target: TenderObjectionTarget;
  text: string;
  documents: { name: string; sha256: string }[];
  filedOn: string;
  filedAt: string;
  replyDueOn: string;
  filedByYou: boolean;
  objectorId?: string;
  objectorName?: string;
  reply: {
    text: string;
    upheld: boolean;
    repliedOn: string;
    repliedAt: string;
    late: boolean;
    periodEndsBefore: string | null;
    periodEndsAfter: string | null;
  } | null;
}

/** Where a supplier may object (the API checks the days and who): the documents, the candidates. */
const OBJECTABLE: readonly TenderStatus[] = [
  'announced',
  'prequalification',
  'prequalified',
  'bidding',
  'candidates_published',
  'suspended',
];

/** The rounds (重新招标): the failed round this one re-tenders, and the one that re-tenders it. */
export function TenderRounds({ tender, base }: { tender: Tender; base: string }) {
  const { t } = useI18n();
  if (tender.round === 1 && !tender.nextRoundId) return null;
  return (
    <p data-testid="tender-rounds">
      {t('tenderRound')}: {tender.round}
      {tender.previousRoundId && (
        <>
          {' · '}
          <Link to={`${base}/${tender.previousRoundId}`}>{t('previousRound')}</Link>
        </>
      )}
      {tender.nextRoundId && (
        <>
          {' · '}
          <Link to={`${base}/${tender.nextRoundId}`}>{t('nextRound')}</Link>
        </>
      )}
    </p>
  );
}

/**
 * The objections and their replies, public; a supplier files one here; staff answer each waiting
 * one (`staff`), which resumes the tender once none waits.
 */
export function TenderObjections({
  tender,
  staff = false,
  onChange,
}: {
  tender: Tender;
  staff?: boolean;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const { session } = useApp();
  const objections = tender.objections ?? [];
  const canFile = !staff && hasRole(session, 'bidder') && OBJECTABLE.includes(tender.status);
  if (objections.length === 0 && !canFile) return null;
  return (
    <section aria-labelledby="objections-heading" data-testid="tender-objections">
      <h2 id="objections-heading">{t('objections')}</h2>
      {tender.status === 'suspended' && (
        <p className="notice" role="status" data-testid="tender-suspended">
          {t('tenderSuspendedForObjection')}
        </p>
      )}
      {objections.length > 0 && (
        <ol className="objections">
          {objections.map((objection) => (
            <li key={objection.id} data-objection-id={objection.id}>
              <p>
                <strong>{t(`objectionTarget.${objection.target}` as const)}</strong> · {t('filedOn')}{' '}
                {objection.filedOn} · {t('replyDueOn')} {objection.replyDueOn}
                {objection.objectorName && ` · ${objection.objectorName}`}
                {objection.filedByYou && ` · ${t('filedByYou')}`}
              </p>
              <p style={{ whiteSpace: 'pre-wrap' }}>{objection.text}</p>
              {objection.reply ? (
                <div className="reply" data-testid="objection-reply">
                  <p>
                    <strong>{objection.reply.upheld ? t('objectionUpheld') : t('objectionRejected')}</strong>{' '}
                    · {t('repliedOn')} {objection.reply.repliedOn}
                    {objection.reply.late && ` · ${t('replyLate')}`}
                  </p>
                  <p style={{ whiteSpace: 'pre-wrap' }}>{objection.reply.text}</p>
                  {objection.reply.periodEndsAfter &&
                    objection.reply.periodEndsAfter !== objection.reply.periodEndsBefore && (
                      <p data-testid="period-moved">
                        {t(objection.target === 'candidates' ? 'publicityEndsMoved' : 'bidDeadlineMoved')}:{' '}
                        {objection.reply.periodEndsBefore} → {objection.reply.periodEndsAfter}
                      </p>
                    )}
                </div>
              ) : (
                staff && <ReplyForm tender={tender} objection={objection} onChange={onChange} />
              )}
            </li>
          ))}
        </ol>
      )}
      {canFile && <ObjectionForm tender={tender} onChange={onChange} />}
    </section>
  );
}

function ObjectionForm({ tender, onChange }: { tender: Tender; onChange: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    try {
      await post(`/tenders/${tender.id}/objections`, {
        target: String(data.get('target')),
        text: String(data.get('text') ?? '').trim(),
      });
      setError(null);
      form.reset();
      onChange();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t('fileObjection')} className="grid-form">
      <label>
        {t('objectionTarget')}
        <select
          name="target"
          defaultValue={
            tender.status === 'candidates_published'
              ? 'candidates'
              : tender.status === 'prequalification'
                ? 'prequalification_documents'
                : 'tender_documents'
          }
        >
          <option value="tender_documents">{t('objectionTarget.tender_documents')}</option>
          <option value="candidates">{t('objectionTarget.candidates')}</option>
          {tender.prequalification && (
            <option value="prequalification_documents">
              {t('objectionTarget.prequalification_documents')}
            </option>
          )}
        </select>
      </label>
      <label>
        {t('objectionText')}
        <textarea name="text" required maxLength={5000} />
      </label>
      <p className="hint">
        {t('documentObjectionsUntilOn')}: {tender.deadlines.documentObjectionsUntilOn}
        {tender.prequalification &&
          ` · ${t('prequalificationObjectionsUntilOn')}: ${tender.prequalification.deadlines.objectionsUntilOn}`}
      </p>
      <Refusal error={error} />
      <div className="row">
        <button type="submit">{t('fileObjection')}</button>
      </div>
    </form>
  );
}

function ReplyForm({
  tender,
  objection,
  onChange,
}: {
  tender: Tender;
  objection: TenderObjection;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    try {
      await post(`/tenders/${tender.id}/objections/${objection.id}/reply`, {
        text: String(data.get('text') ?? '').trim(),
        upheld: data.get('upheld') === 'on',
      });
      setError(null);
      onChange();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t('replyToObjection')} className="grid-form">
      <label>
        {t('replyText')}
        <textarea name="text" required maxLength={5000} />
      </label>
      <label>
        <input name="upheld" type="checkbox" /> {t('objectionUpheld')}
      </label>
      <Refusal error={error} />
      <div className="row">
        <button type="submit">{t('replyToObjection')}</button>
      </div>
    </form>
  );
}
