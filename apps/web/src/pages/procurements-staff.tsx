import { type FormEvent, type ReactNode, useState } from 'react';
import { get, type Page, post } from '../api';
import { useApp } from '../app-context';
import { ErrorMessage, Link, Loading, Money, RequireRole, Table, Time, useLoad } from '../components';
import { useI18n } from '../i18n';
import { parseYuan } from '../money';
import {
  AGREEMENT_IN_FORCE_OR_CLOSED,
  type Procurement,
  ProcurementAmendments,
  ProcurementFacts,
  type ProcurementMethod,
  ProcurementRounds,
  ProcurementSchedule,
  ProcurementStatusBadge,
  type ProcurementStatus,
  PROCUREMENT_METHODS,
  WITH_DOCUMENTS_PERIOD,
} from './procurements';
import { ProcurementEvaluationDesk } from './procurement-evaluation-staff';
import { FrameworkCallOffs, PublicityObjections, SingleSourceNegotiationStart } from './procurement-methods';
import { AmendmentForm } from './project-parts';
import { ReasonForm, Refusal } from './refusal';
import { OpeningRecordSection } from './sealed-bids';
import { SupplierRegistrations } from './supplier-registrations';
import { parseDocuments } from './transfers-staff';
import {
  nextProcurementStatus,
  type ProcurementAction,
} from '../../../../libs/domain/src/procurement-lifecycle';

export function StaffProcurementsPage() {
  return (
    <RequireRole roles={['staff']}>
      <StaffProcurements />
    </RequireRole>
  );
}

function StaffProcurements() {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<Page<Procurement>>('/procurements?limit=100'), []);
  return (
    <section>
      <h1>{t('staffProcurements')}</h1>
      <ProcurementForm />
      <h2>{t('procurements')}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && (
        <Table
          headers={[t('tenderTitle'), t('procurementMethod'), t('status'), t('budget')]}
          testId="staff-procurements"
        >
          {data.items.map((procurement) => (
            <tr key={procurement.id} data-procurement-id={procurement.id}>
              <td>
                <Link to={`/staff/procurements/${procurement.id}`}>{procurement.title}</Link>
              </td>
              <td>{t(`procurementMethod.${procurement.method}` as const)}</td>
              <td>
                <ProcurementStatusBadge status={procurement.status} />
              </td>
              <td>
                <Money fen={procurement.budget} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

/** Planning a procurement: the form asks for exactly the schedule the chosen method has. */
function ProcurementForm() {
  const { t } = useI18n();
  const { navigate } = useApp();
  const [method, setMethod] = useState<ProcurementMethod>('open_tender');
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    // Only what the method has: the API refuses fields another method uses.
    const optional = (name: string) => (text(name) ? { [name]: text(name) } : {});
    const body = {
      method,
      title: text('title'),
      purchaserName: text('purchaserName'),
      purchaserOrgCode: text('purchaserOrgCode').toUpperCase(),
      description: text('description'),
      ...optional('itemCode'),
      ...optional('itemName'),
      ...optional('supplierConditions'),
      budget: parseYuan(text('budget')),
      deposit: parseYuan(text('deposit') || '0'),
      documents: parseDocuments(text('documents')),
      ...scheduleOf(form),
      ...(method === 'framework_agreement' ? frameworkOf(form) : {}),
    };
    try {
      const created = await post<Procurement>('/procurements', body);
      setError(null);
      navigate(`/staff/procurements/${created.id}`);
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
      <summary>{t('newProcurement')}</summary>
      <form onSubmit={onSubmit} className="grid-form" aria-label={t('newProcurement')}>
        {field(
          'method',
          t('procurementMethod'),
          <select
            name="method"
            value={method}
            onChange={(event) => setMethod(event.target.value as ProcurementMethod)}
          >
            {PROCUREMENT_METHODS.map((value) => (
              <option key={value} value={value}>
                {t(`procurementMethod.${value}` as const)}
              </option>
            ))}
          </select>,
        )}
        {field('title', t('tenderTitle'), <input name="title" required maxLength={200} />)}
        {field('purchaserName', t('purchaser'), <input name="purchaserName" required maxLength={200} />)}
        {field(
          'purchaserOrgCode',
          t('organizationCode'),
          <input name="purchaserOrgCode" required minLength={18} maxLength={18} />,
        )}
        {field(
          'description',
          t('procurementDescription'),
          <textarea name="description" required maxLength={5000} />,
        )}
        {field('itemCode', t('procurementItemCode'), <input name="itemCode" maxLength={20} />)}
        {field('itemName', t('procurementItemName'), <input name="itemName" maxLength={100} />)}
        <small>{t('procurementItemHint')}</small>
        {field(
          'supplierConditions',
          t('supplierConditions'),
          <textarea name="supplierConditions" maxLength={5000} />,
        )}
        {field(
          'budget',
          `${t('budget')} (${t('yuan')})`,
          <input name="budget" inputMode="decimal" required />,
        )}
        {field('deposit', `${t('deposit')} (${t('yuan')})`, <input name="deposit" inputMode="decimal" />)}
        {field('documents', t('documentsInput'), <textarea name="documents" />)}
        <MethodScheduleFields method={method} />
        {method === 'framework_agreement' && <FrameworkFields />}
        <Refusal error={error} />
        <div className="row">
          <button type="submit">{t('create')}</button>
        </div>
      </form>
    </details>
  );
}

const SCHEDULE_FIELDS = [
  'qualificationCallStartsOn',
  'qualificationCallEndsOn',
  'publicityStartsOn',
  'publicityEndsOn',
  'singleSourceSupplier',
  'singleSourceReasons',
  'documentsIssuedOn',
  'documentsAvailableUntil',
  'deadlineOn',
  'deadlineTime',
] as const;

/** 'technical 60' per line → quality criteria (scored by the committee; never the price). */
function parseQualityCriteria(text: string) {
  return text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts[0])
    .map(([id, weight]) => ({ id, weight: Number(weight), kind: 'scored' }));
}

/** A framework agreement's subject, term, admission and first-stage method, as the API takes them. */
function frameworkOf(form: FormData): Record<string, unknown> {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const qualityFirst = text('frameworkEntryMethod') === 'quality_first';
  return {
    subjectType: text('subjectType'),
    admittedSuppliers: Number(text('admittedSuppliers')),
    termStartsOn: text('termStartsOn'),
    termEndsOn: text('termEndsOn'),
    callOffMethod: text('callOffMethod'),
    ...(text('maxUnitPrice') ? { maxUnitPrice: parseYuan(text('maxUnitPrice')) } : {}),
    ...(qualityFirst
      ? {
          evaluationMethod: 'comprehensive_scoring',
          qualityFirstGround: text('qualityFirstGround'),
          criteria: parseQualityCriteria(text('qualityCriteria')),
        }
      : { evaluationMethod: 'lowest_evaluated_price' }),
  };
}

/**
 * 框架协议: the subject and term, how many it admits, and its first stage — by price (价格优先法)
 * or by quality (质量优先法: its ground and quality factors; the price only as the ceiling).
 */
function FrameworkFields() {
  const { t } = useI18n();
  const [entry, setEntry] = useState<'price_first' | 'quality_first'>('price_first');
  return (
    <fieldset>
      <legend>{t('frameworkAgreement')}</legend>
      <label>
        {t('subjectType')}
        <select name="subjectType" defaultValue="goods">
          <option value="goods">{t('subjectType.goods')}</option>
          <option value="services">{t('subjectType.services')}</option>
        </select>
      </label>
      <label>
        {t('admittedSuppliersAtMost')}
        <input name="admittedSuppliers" type="number" min={2} max={100} required />
      </label>
      <label>
        {t('frameworkTermStartsOn')}
        <input name="termStartsOn" type="date" required />
      </label>
      <label>
        {t('frameworkTermEndsOn')}
        <input name="termEndsOn" type="date" required />
      </label>
      <label>
        {t('maxUnitPrice')} ({t('yuan')})
        <input name="maxUnitPrice" inputMode="decimal" required={entry === 'quality_first'} />
      </label>
      <label>
        {t('frameworkEntryMethod')}
        <select
          name="frameworkEntryMethod"
          value={entry}
          onChange={(event) => setEntry(event.target.value as 'price_first' | 'quality_first')}
        >
          <option value="price_first">{t('frameworkEntryMethod.price_first')}</option>
          <option value="quality_first">{t('frameworkEntryMethod.quality_first')}</option>
        </select>
      </label>
      <label>
        {t('callOffMethod')}
        <select name="callOffMethod" defaultValue="direct_selection">
          <option value="direct_selection">{t('callOffMethod.direct_selection')}</option>
          <option value="rotation">{t('callOffMethod.rotation')}</option>
        </select>
      </label>
      {entry === 'quality_first' && (
        <>
          <label>
            {t('qualityFirstGround')}
            <select name="qualityFirstGround" defaultValue="testing_instruments">
              <option value="testing_instruments">{t('qualityFirstGround.testing_instruments')}</option>
              <option value="government_pricing">{t('qualityFirstGround.government_pricing')}</option>
            </select>
          </label>
          <label>
            {t('qualityCriteriaInput')}
            <textarea name="qualityCriteria" required />
          </label>
          <p className="hint">{t('qualityFirstHint')}</p>
        </>
      )}
    </fieldset>
  );
}

/** The schedule fields filled in: only what the method has (the API refuses another method's). */
function scheduleOf(form: FormData): Record<string, string> {
  return Object.fromEntries(
    SCHEDULE_FIELDS.map((name) => [name, String(form.get(name) ?? '').trim()]).filter(([, value]) => value),
  );
}

/** The schedule a method has: its dates (and a single source's supplier and reasons). */
function MethodScheduleFields({ method }: { method: ProcurementMethod }) {
  const { t } = useI18n();
  const field = (name: string, label: string, input: ReactNode) => (
    <label key={name}>
      {label}
      {input}
    </label>
  );
  const date = (name: string, label: string) =>
    field(name, label, <input name={name} type="date" required />);
  const singleSource = method === 'single_source';
  return (
    <>
      {method === 'invited_tender' && date('qualificationCallStartsOn', t('qualificationCallStartsOn'))}
      {method === 'invited_tender' && date('qualificationCallEndsOn', t('qualificationCallEndsOn'))}
      {singleSource && date('publicityStartsOn', t('singleSourcePublicityStartsOn'))}
      {singleSource && date('publicityEndsOn', t('singleSourcePublicityEndsOn'))}
      {singleSource &&
        field(
          'singleSourceSupplier',
          t('singleSourceSupplier'),
          <input name="singleSourceSupplier" required maxLength={200} />,
        )}
      {singleSource &&
        field(
          'singleSourceReasons',
          t('singleSourceReasons'),
          <textarea name="singleSourceReasons" required maxLength={5000} />,
        )}
      {!singleSource && date('documentsIssuedOn', t('procurementDocumentsIssuedOn'))}
      {WITH_DOCUMENTS_PERIOD.includes(method) &&
        date('documentsAvailableUntil', t('documentsAvailableUntil'))}
      {!singleSource && date('deadlineOn', t('responseDeadlineOn'))}
      {!singleSource &&
        field(
          'deadlineTime',
          t('responseDeadlineTime'),
          <input name="deadlineTime" type="time" defaultValue="09:30" required />,
        )}
    </>
  );
}

/**
 * 重新组织采购: the failed project's terms with a new schedule, the same method or another one with
 * its approval's reference; the successor opens in its place.
 */
function ReplanForm({ procurement }: { procurement: Procurement }) {
  const { t } = useI18n();
  const { navigate } = useApp();
  const [method, setMethod] = useState<ProcurementMethod>(procurement.method);
  const [error, setError] = useState<unknown>(null);
  const changed = method !== procurement.method;
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const approvalReference = String(form.get('approvalReference') ?? '').trim();
    try {
      const next = await post<Procurement>(`/procurements/${procurement.id}/replan`, {
        ...(changed ? { method } : {}),
        ...(changed && approvalReference ? { approvalReference } : {}),
        ...scheduleOf(form),
      });
      setError(null);
      navigate(`/staff/procurements/${next.id}`);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={onSubmit} className="grid-form panel" aria-label={t('replanProcurement')}>
      <label>
        {t('procurementMethod')}
        <select
          name="method"
          value={method}
          onChange={(event) => setMethod(event.target.value as ProcurementMethod)}
        >
          {PROCUREMENT_METHODS.map((value) => (
            <option key={value} value={value}>
              {t(`procurementMethod.${value}` as const)}
            </option>
          ))}
        </select>
      </label>
      {changed && (
        <label>
          {t('approvalReference')}
          <input name="approvalReference" maxLength={200} />
          <small>{t('replanMethodHint')}</small>
        </label>
      )}
      <MethodScheduleFields method={method} />
      <Refusal error={error} />
      <div className="row">
        <button type="submit">{t('replanProcurement')}</button>
      </div>
    </form>
  );
}

/** A single source's negotiation and the steps after it (it has no opening to start the desk). */
const NEGOTIATING_ON: readonly ProcurementStatus[] = [
  'evaluating',
  'report_delivered',
  'award_decided',
  'awarded',
  'contracted',
];

export function StaffProcurementPage({ id }: { id: string }) {
  return (
    <RequireRole roles={['staff']}>
      <StaffProcurement id={id} />
    </RequireRole>
  );
}

function StaffProcurement({ id }: { id: string }) {
  const { t } = useI18n();
  const { data: procurement, error, reload } = useLoad(() => get<Procurement>(`/procurements/${id}`), [id]);
  const [actionError, setActionError] = useState<unknown>(null);
  if (error) return <ErrorMessage error={error} />;
  if (!procurement) return <Loading />;
  const base = `/procurements/${procurement.id}`;
  const act = async (path: string, body: unknown = {}) => {
    try {
      await post(path, body);
      setActionError(null);
      reload();
    } catch (failure) {
      setActionError(failure);
    }
  };
  const { status, method } = procurement;
  // The method's lifecycle table decides what is offered (the server asks the same table).
  const allows = (action: ProcurementAction) => nextProcurementStatus(method, status, action) !== undefined;
  const button = (label: string, path: string, body?: unknown) => (
    <p>
      <button type="button" onClick={() => act(path, body)}>
        {label}
      </button>
    </p>
  );
  return (
    <article className="listing">
      <h1>{procurement.title}</h1>
      <p>
        <ProcurementStatusBadge status={status} /> <span>{procurement.code}</span> ·{' '}
        <span>{t(`procurementMethod.${method}` as const)}</span> ·{' '}
        <Link to={`/procurements/${procurement.id}`}>{t('publicPage')}</Link>
      </p>
      {procurement.failedReason && (
        <p className="notice" role="status" data-testid="procurement-failed">
          {t('procurementFailed')}: {procurement.failedReason}
        </p>
      )}
      {allows('announce') && button(t('announceProcurement'), `${base}/announce`)}
      {allows('publicise') && button(t('publiciseSingleSource'), `${base}/publicise`)}
      {allows('conclude_publicity') && button(t('concludePublicity'), `${base}/conclude-publicity`)}
      <Refusal error={actionError} />
      <ProcurementRounds procurement={procurement} base="/staff/procurements" />
      {allows('replan') && <ReplanForm procurement={procurement} />}
      <p data-testid="procurement-counts">
        {t('registrationsCount')}: {procurement.registrations ?? 0} · {t('qualifiedCount')}:{' '}
        {procurement.qualifiedSuppliers ?? 0}
      </p>
      {(status === 'announced' || status === 'responding') && (
        <AmendmentForm
          path={`${base}/amendments`}
          fields={{ affects: 'affectsResponses', laterDeadline: 'deadlineOn' }}
          labels={{ affects: 'affectsResponses', laterDeadline: 'laterResponseDeadlineOn' }}
          onSaved={reload}
        />
      )}
      {method === 'invited_tender' && (
        <InvitationDraw
          procurement={procurement}
          onDraw={(count) => act(`${base}/invitations/draw`, { count })}
        />
      )}
      {status !== 'planned' && method !== 'single_source' && (
        <SupplierRegistrations
          base={base}
          decidable={status === 'announced' || status === 'responding'}
          invited={procurement.invitationDraw?.picks}
          onChange={reload}
        />
      )}
      {method === 'single_source' && (status === 'responding' || (procurement.registrations ?? 0) > 0) && (
        <SupplierRegistrations base={base} decidable={status === 'responding'} onChange={reload} />
      )}
      {method === 'single_source' && status === 'responding' && (
        <SingleSourceNegotiationStart procurement={procurement} onChange={reload} />
      )}
      {method === 'single_source' && (
        <PublicityObjections procurement={procurement} answerable onChange={reload} />
      )}
      {(procurement.openedAt || (method === 'single_source' && NEGOTIATING_ON.includes(status))) && (
        <ProcurementEvaluationDesk procurement={procurement} onChange={reload} />
      )}
      {method === 'framework_agreement' && AGREEMENT_IN_FORCE_OR_CLOSED.includes(status) && (
        <FrameworkCallOffs procurement={procurement} manage onChange={reload} />
      )}
      {procurement.openedAt && <OpeningRecordSection base={base} />}
      <ProcurementSchedule procurement={procurement} />
      <ProcurementAmendments procurement={procurement} />
      <ProcurementFacts procurement={procurement} />
      {allows('fail') && (
        <ReasonForm label={t('failProcurement')} onSubmit={(reason) => act(`${base}/fail`, { reason })} />
      )}
      {allows('terminate') && (
        <ReasonForm
          label={t('terminateProcurement')}
          onSubmit={(reason) => act(`${base}/terminate`, { reason })}
        />
      )}
    </article>
  );
}

/** 邀请招标: at least 3 of the qualified suppliers, picked at random with a recorded seed. */
function InvitationDraw({
  procurement,
  onDraw,
}: {
  procurement: Procurement;
  onDraw: (count: number) => Promise<void>;
}) {
  const { t } = useI18n();
  const draw = procurement.invitationDraw;
  if (draw)
    return (
      <p data-testid="invitation-draw">
        {t('invitedSuppliers')}: {draw.picks.length} · <Time iso={draw.drawnAt} seconds /> · {t('drawSeed')}:{' '}
        <code className="hash">{draw.seed}</code>
      </p>
    );
  if (procurement.status !== 'announced') return null;
  return (
    <form
      aria-label={t('drawInvitations')}
      onSubmit={(event) => {
        event.preventDefault();
        void onDraw(Number(new FormData(event.currentTarget).get('count')));
      }}
    >
      <label>
        {t('invitationCount')}
        <input name="count" type="number" min={3} defaultValue={3} required />
      </label>
      <button type="submit">{t('drawInvitations')}</button>
    </form>
  );
}
