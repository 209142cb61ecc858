import { type FormEvent, type ReactNode, useState } from 'react';
import { get, type Page, post } from '../api';
import { useApp } from '../app-context';
import { ErrorMessage, Link, Loading, Money, RequireRole, Table, Time, useLoad } from '../components';
import { useI18n } from '../i18n';
import { parseYuan } from '../money';
import { parseDocuments } from './transfers-staff';
import { AmendmentForm } from './project-parts';
import { ReasonForm, Refusal } from './refusal';
import { OpeningRecordSection } from './sealed-bids';
import { SupplierRegistrations } from './supplier-registrations';
import { TenderEvaluationDesk } from './tender-evaluation-staff';
import { TenderObjections, TenderRounds } from './tender-objections';
import { PrequalificationSection, StaffPrequalificationDesk } from './tender-prequalification';
import {
  type Tender,
  TENDER_KINDS,
  TenderAmendments,
  TenderFacts,
  TenderSchedule,
  type TenderStatus,
  TenderStatusBadge,
} from './tenders';

export function StaffTendersPage() {
  return (
    <RequireRole roles={['staff']}>
      <StaffTenders />
    </RequireRole>
  );
}

function StaffTenders() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => get<Page<Tender>>('/tenders?limit=100'), []);
  return (
    <section>
      <h1>{t('staffTenders')}</h1>
      <TenderForm onSaved={reload} />
      <h2>{t('tenders')}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && (
        <Table
          headers={[t('tenderTitle'), t('status'), t('estimatedPrice'), t('bidDeadline')]}
          testId="staff-tenders"
        >
          {data.items.map((tender) => (
            <tr key={tender.id} data-tender-id={tender.id}>
              <td>
                <Link to={`/staff/tenders/${tender.id}`}>{tender.title}</Link>
              </td>
              <td>
                <TenderStatusBadge status={tender.status} />
              </td>
              <td>
                <Money fen={tender.estimatedPrice} />
              </td>
              <td>
                <Time iso={tender.bidDeadlineAt} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

/** 'technical 60 scored' per line → the criteria; the API refuses weights that do not sum to 100. */
function parseCriteria(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts[0])
    .map(([id, weight, kind]) => ({ id, weight: Number(weight), kind: kind ?? 'scored' }));
}

/** The registration form: money in 元, the schedule as calendar days in the centre's zone. */
function TenderForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const { navigate } = useApp();
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const body = {
      title: text('title'),
      ownerName: text('ownerName'),
      ownerOrgCode: text('ownerOrgCode').toUpperCase(),
      kind: text('kind'),
      description: text('description'),
      estimatedPrice: parseYuan(text('estimatedPrice')),
      stateFunded: form.get('stateFunded') === 'on',
      evaluationMethod: text('evaluationMethod'),
      ...(text('evaluationMethod') === 'comprehensive_scoring'
        ? { criteria: parseCriteria(text('criteria')) }
        : {}),
      bidderConditions: text('bidderConditions'),
      deposit: parseYuan(text('deposit') || '0'),
      documents: parseDocuments(text('documents')),
      saleStartsOn: text('saleStartsOn'),
      saleEndsOn: text('saleEndsOn'),
      documentsIssuedOn: text('documentsIssuedOn'),
      bidDeadlineOn: text('bidDeadlineOn'),
      bidDeadlineTime: text('bidDeadlineTime'),
      ...(form.get('withPrequalification') === 'on'
        ? {
            prequalification: {
              documents: parseDocuments(text('prequalificationDocuments')),
              saleStartsOn: text('prequalificationSaleStartsOn'),
              saleEndsOn: text('prequalificationSaleEndsOn'),
              applicationsDueOn: text('applicationsDueOn'),
            },
          }
        : {}),
    };
    try {
      const created = await post<Tender>('/tenders', body);
      setError(null);
      onSaved();
      navigate(`/staff/tenders/${created.id}`);
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
      <summary>{t('newTender')}</summary>
      <form onSubmit={onSubmit} className="grid-form" aria-label={t('newTender')}>
        {field('title', t('tenderTitle'), <input name="title" required maxLength={200} />)}
        {field('ownerName', t('tenderOwner'), <input name="ownerName" required maxLength={200} />)}
        {field(
          'ownerOrgCode',
          t('organizationCode'),
          <input name="ownerOrgCode" required minLength={18} maxLength={18} />,
        )}
        {field(
          'kind',
          t('tenderKind'),
          <select name="kind" defaultValue="building">
            {TENDER_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`tenderKind.${kind}` as const)}
              </option>
            ))}
          </select>,
        )}
        {field(
          'description',
          t('tenderDescription'),
          <textarea name="description" required maxLength={5000} />,
        )}
        {field(
          'estimatedPrice',
          `${t('estimatedPrice')} (${t('yuan')})`,
          <input name="estimatedPrice" inputMode="decimal" required />,
        )}
        {field('stateFunded', t('stateFunded'), <input name="stateFunded" type="checkbox" defaultChecked />)}
        {field(
          'evaluationMethod',
          t('evaluationMethod'),
          <select name="evaluationMethod" defaultValue="lowest_evaluated_price">
            <option value="lowest_evaluated_price">{t('evaluationMethod.lowest_evaluated_price')}</option>
            <option value="comprehensive_scoring">{t('evaluationMethod.comprehensive_scoring')}</option>
          </select>,
        )}
        {field('criteria', t('criteriaInput'), <textarea name="criteria" />)}
        {field(
          'bidderConditions',
          t('bidderConditions'),
          <textarea name="bidderConditions" maxLength={5000} />,
        )}
        {field('deposit', `${t('deposit')} (${t('yuan')})`, <input name="deposit" inputMode="decimal" />)}
        {field('documents', t('documentsInput'), <textarea name="documents" />)}
        {field('saleStartsOn', t('saleStartsOn'), <input name="saleStartsOn" type="date" required />)}
        {field('saleEndsOn', t('saleEndsOn'), <input name="saleEndsOn" type="date" required />)}
        {field(
          'documentsIssuedOn',
          t('documentsIssuedOn'),
          <input name="documentsIssuedOn" type="date" required />,
        )}
        {field('bidDeadlineOn', t('bidDeadlineOn'), <input name="bidDeadlineOn" type="date" required />)}
        {field(
          'bidDeadlineTime',
          t('bidDeadlineTime'),
          <input name="bidDeadlineTime" type="time" defaultValue="09:30" required />,
        )}
        {field(
          'withPrequalification',
          t('withPrequalification'),
          <input name="withPrequalification" type="checkbox" />,
        )}
        {field(
          'prequalificationDocuments',
          t('prequalificationDocumentsInput'),
          <textarea name="prequalificationDocuments" />,
        )}
        {field(
          'prequalificationSaleStartsOn',
          t('prequalificationSaleStartsOn'),
          <input name="prequalificationSaleStartsOn" type="date" />,
        )}
        {field(
          'prequalificationSaleEndsOn',
          t('prequalificationSaleEndsOn'),
          <input name="prequalificationSaleEndsOn" type="date" />,
        )}
        {field('applicationsDueOn', t('applicationsDueOn'), <input name="applicationsDueOn" type="date" />)}
        <Refusal error={error} />
        <div className="row">
          <button type="submit">{t('create')}</button>
        </div>
      </form>
    </details>
  );
}

/** Staff end a tender with a public reason before the award (the lifecycle table decides). */
const TERMINABLE: readonly TenderStatus[] = [
  'registered',
  'announced',
  'prequalification',
  'prequalified',
  'bidding',
  'opened',
  'evaluating',
  'candidates_published',
  'failed',
  'suspended',
];

export function StaffTenderPage({ id }: { id: string }) {
  return (
    <RequireRole roles={['staff']}>
      <StaffTender id={id} />
    </RequireRole>
  );
}

function StaffTender({ id }: { id: string }) {
  const { t } = useI18n();
  const { navigate } = useApp();
  const { data: tender, error, reload } = useLoad(() => get<Tender>(`/tenders/${id}`), [id]);
  const [actionError, setActionError] = useState<unknown>(null);
  if (error) return <ErrorMessage error={error} />;
  if (!tender) return <Loading />;
  const act = async (path: string, body: unknown = {}) => {
    try {
      await post(path, body);
      setActionError(null);
      reload();
    } catch (failure) {
      setActionError(failure);
    }
  };
  return (
    <article className="listing">
      <h1>{tender.title}</h1>
      <p>
        <TenderStatusBadge status={tender.status} /> <span>{tender.code}</span> ·{' '}
        <Link to={`/tenders/${tender.id}`}>{t('publicPage')}</Link>
      </p>
      {tender.status === 'registered' && (
        <p>
          <button type="button" onClick={() => act(`/tenders/${tender.id}/announce`)}>
            {t('announceTender')}
          </button>
        </p>
      )}
      {tender.status === 'failed' && (
        <p>
          <button
            type="button"
            onClick={async () => {
              try {
                const next = await post<Tender>(`/tenders/${tender.id}/retender`);
                setActionError(null);
                navigate(`/staff/tenders/${next.id}`);
              } catch (failure) {
                setActionError(failure);
              }
            }}
          >
            {t('retender')}
          </button>
        </p>
      )}
      <Refusal error={actionError} />
      <TenderRounds tender={tender} base="/staff/tenders" />
      {tender.status === 'suspended' && (
        <p className="notice" role="status" data-testid="suspension">
          {t('suspendedResumesTo')}: {tender.resumeTo && t(`tenderStatus.${tender.resumeTo}` as const)} ·{' '}
          {tender.suspensionReason}
        </p>
      )}
      <TenderObjections tender={tender} staff onChange={reload} />
      <PrequalificationSection tender={tender} onChange={reload} />
      <StaffPrequalificationDesk tender={tender} onChange={reload} />
      <p data-testid="tender-counts">
        {t('registrationsCount')}: {tender.registrations ?? 0} · {t('qualifiedCount')}:{' '}
        {tender.qualifiedSuppliers ?? 0}
      </p>
      {(tender.status === 'announced' || tender.status === 'prequalified' || tender.status === 'bidding') && (
        <AmendmentForm
          path={`/tenders/${tender.id}/amendments`}
          fields={{ affects: 'affectsBidPreparation', laterDeadline: 'bidDeadlineOn' }}
          labels={{ affects: 'affectsBidPreparation', laterDeadline: 'laterBidDeadlineOn' }}
          note={`${t('amendmentsWithoutMoveUntilOn')}: ${tender.deadlines.amendmentsWithoutMoveUntilOn}`}
          onSaved={reload}
        />
      )}
      {tender.status !== 'registered' && (
        <SupplierRegistrations
          base={`/tenders/${tender.id}`}
          decidable={['announced', 'prequalified', 'bidding'].includes(tender.status)}
          onChange={reload}
        />
      )}
      {tender.openedAt && <TenderEvaluationDesk tender={tender} onChange={reload} />}
      {tender.openedAt && <OpeningRecordSection base={`/tenders/${tender.id}`} />}
      <TenderSchedule tender={tender} />
      <TenderAmendments tender={tender} />
      <TenderFacts tender={tender} />
      {TERMINABLE.includes(tender.status) && (
        <ReasonForm
          label={t('terminateTender')}
          onSubmit={(reason) => act(`/tenders/${tender.id}/terminate`, { reason })}
        />
      )}
    </article>
  );
}
