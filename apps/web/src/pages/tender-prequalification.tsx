import { type FormEvent, useState } from 'react';
import { get, type Page, post } from '../api';
import { hasRole, useApp } from '../app-context';
import { ErrorMessage, Link, Table, useLoad } from '../components';
import { useI18n } from '../i18n';
import { DocumentsTable } from './project-parts';
import { Refusal } from './refusal';
import type { Tender } from './tenders';
import { parseDocuments } from './transfers-staff';

/** A tender's prequalification (资格预审) as the API answers it (docs/design/API-tenders.md). */
export interface TenderPrequalification {
  documents: { name: string; sha256: string }[];
  saleStartsOn: string;
  saleEndsOn: string;
  applicationsDueOn: string;
  deadlines: {
    earliestSaleEndsOn: string;
    earliestApplicationsDueOn: string;
    objectionsUntilOn: string;
    amendmentsWithoutMoveUntilOn: string;
  };
  result: { resultOn: string; passedCount: number | null } | null;
}

export interface PrequalificationApplication {
  id: string;
  projectId: string;
  organizationCode: string;
  appliedOn: string;
  status: 'pending' | 'passed' | 'failed';
  reason: string | null;
  resultOn?: string | null;
  applicantName?: string;
}

/**
 * The public part: the prequalification's documents, schedule and result; for a supplier, its
 * application form while applications are taken and its own result once notified.
 */
export function PrequalificationSection({ tender, onChange }: { tender: Tender; onChange: () => void }) {
  const { t } = useI18n();
  const prequalification = tender.prequalification;
  if (!prequalification) return null;
  return (
    <section aria-labelledby="prequalification-heading" data-testid="prequalification">
      <h2 id="prequalification-heading">{t('prequalification')}</h2>
      <dl className="facts">
        <dt>{t('prequalificationSale')}</dt>
        <dd>
          {prequalification.saleStartsOn} – {prequalification.saleEndsOn}
        </dd>
        <dt>{t('applicationsDueOn')}</dt>
        <dd data-testid="applications-due">{prequalification.applicationsDueOn}</dd>
        <dt>{t('prequalificationObjectionsUntilOn')}</dt>
        <dd>{prequalification.deadlines.objectionsUntilOn}</dd>
        <dt>{t('prequalificationResult')}</dt>
        <dd data-testid="prequalification-result">
          {prequalification.result
            ? `${prequalification.result.resultOn}${
                prequalification.result.passedCount !== null
                  ? ` · ${t('passedCount')}: ${prequalification.result.passedCount}`
                  : ''
              }`
            : '—'}
        </dd>
      </dl>
      <DocumentsTable documents={prequalification.documents} />
      <MyPrequalification tender={tender} onChange={onChange} />
    </section>
  );
}

function MyPrequalification({ tender, onChange }: { tender: Tender; onChange: () => void }) {
  const { t } = useI18n();
  const { session } = useApp();
  const isBidder = hasRole(session, 'bidder');
  const { data: mine, reload } = useLoad(
    () =>
      isBidder
        ? get<Page<PrequalificationApplication>>('/me/tender-prequalification-applications?limit=100').then(
            (page) => page.items.find((item) => item.projectId === tender.id) ?? null,
          )
        : Promise.resolve(null),
    [isBidder, tender.id],
  );
  const [error, setError] = useState<unknown>(null);
  const open = tender.status === 'prequalification';
  if (!session)
    return open ? (
      <p>
        <Link to={`/login?next=/tenders/${tender.id}`}>{t('signInToApply')}</Link>
      </p>
    ) : null;
  if (!isBidder) return null;
  if (mine)
    return (
      <p data-testid="my-prequalification" data-status={mine.status}>
        {t('myPrequalification')}: <code>{mine.organizationCode}</code> ·{' '}
        {t(`prequalificationStatus.${mine.status}` as const)}
        {mine.reason ? ` · ${mine.reason}` : ''}
      </p>
    );
  if (!open) return null;
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await post(`/tenders/${tender.id}/prequalification/applications`, {
        organizationCode: String(form.get('organizationCode') ?? '')
          .trim()
          .toUpperCase(),
        documents: parseDocuments(String(form.get('documents') ?? '')),
      });
      setError(null);
      reload();
      onChange();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={onSubmit} className="grid-form" aria-label={t('applyForPrequalification')}>
      <label>
        {t('organizationCode')}
        <input name="organizationCode" required minLength={18} maxLength={18} />
      </label>
      <label>
        {t('documentsInput')}
        <textarea name="documents" />
      </label>
      <Refusal error={error} />
      <div className="row">
        <button type="submit">{t('applyForPrequalification')}</button>
      </div>
    </form>
  );
}

/** Staff: every application with a pass or fail (each with its reason), then the result. */
export function StaffPrequalificationDesk({ tender, onChange }: { tender: Tender; onChange: () => void }) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(
    () =>
      get<Page<PrequalificationApplication>>(`/tenders/${tender.id}/prequalification/applications?limit=100`),
    [tender.id, tender.status],
  );
  const [actionError, setActionError] = useState<unknown>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  if (!tender.prequalification) return null;
  const running = tender.status === 'prequalification';
  const act = async (path: string, body: unknown = {}) => {
    try {
      await post(path, body);
      setActionError(null);
      reload();
      onChange();
    } catch (failure) {
      setActionError(failure);
    }
  };
  return (
    <section aria-labelledby="prequalification-desk-heading" data-testid="prequalification-desk">
      <h2 id="prequalification-desk-heading">{t('prequalificationApplications')}</h2>
      {tender.prequalificationApplications && (
        <p data-testid="prequalification-counts">
          {t('registrationsCount')}: {tender.prequalificationApplications.applications} · {t('passedCount')}:{' '}
          {tender.prequalificationApplications.passed} · {t('prequalificationStatus.failed')}:{' '}
          {tender.prequalificationApplications.failed}
        </p>
      )}
      <ErrorMessage error={error} />
      <Refusal error={actionError} />
      {data && (
        <Table
          headers={[t('bidder'), t('organizationCode'), t('status'), t('reason'), '']}
          testId="prequalification-applications"
        >
          {data.items.map((application) => (
            <tr key={application.id} data-application-id={application.id}>
              <td>{application.applicantName}</td>
              <td>
                <code>{application.organizationCode}</code>
              </td>
              <td data-status={application.status}>
                {t(`prequalificationStatus.${application.status}` as const)}
              </td>
              <td>{application.reason ?? ''}</td>
              <td>
                {running && application.status === 'pending' && (
                  <span className="row">
                    <input
                      aria-label={t('reason')}
                      value={reasons[application.id] ?? ''}
                      maxLength={500}
                      onChange={(event) => setReasons({ ...reasons, [application.id]: event.target.value })}
                    />
                    {(['pass', 'fail'] as const).map((verdict) => (
                      <button
                        key={verdict}
                        type="button"
                        onClick={() =>
                          act(
                            `/tenders/${tender.id}/prequalification/applications/${application.id}/${verdict}`,
                            {
                              reason: reasons[application.id] ?? '',
                            },
                          )
                        }
                      >
                        {t(verdict === 'pass' ? 'passApplication' : 'failApplication')}
                      </button>
                    ))}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {running && (
        <p>
          <button type="button" onClick={() => act(`/tenders/${tender.id}/prequalification/result`)}>
            {t('publishPrequalificationResult')}
          </button>
        </p>
      )}
    </section>
  );
}
