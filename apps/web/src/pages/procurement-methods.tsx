import { type FormEvent, useState } from 'react';
import { get, post } from '../api';
import { hasRole, useApp } from '../app-context';
import { Loading, Money, Table, Time, useLoad } from '../components';
import { useI18n } from '../i18n';
import { parseYuan } from '../money';
import { type Act, CommitteeSection, type EvaluationTerms, useDeskSteps } from './evaluation-parts';
import type { Procurement, ProcurementResult } from './procurements';
import { DocumentsTable } from './project-parts';
import { Refusal } from './refusal';
import { sha256Of } from './sealed-bids';

/**
 * The methods beyond the common path: a single source's publicity objections (filed by signed-in
 * suppliers, answered by staff) and its negotiation, and a framework agreement's admitted
 * suppliers and call-off orders. Each refusal is shown in words.
 */

/** An optional local file: only its name and SHA-256, computed here, go to the platform. */
async function documentOf(file: FormDataEntryValue | null) {
  return file instanceof File && file.size > 0 ? [{ name: file.name, sha256: await sha256Of(file) }] : [];
}

/** A step's refusal kept beside its form; `then` runs after a success (a reload). */
function useStep(then: () => void) {
  const [error, setError] = useState<unknown>(null);
  const run = async (step: () => Promise<unknown>) => {
    try {
      await step();
      setError(null);
      then();
    } catch (failure) {
      setError(failure);
    }
  };
  return { error, run };
}

/**
 * 单一来源公示's objections, as published (never who filed them), each with its answer; a signed-in
 * supplier files one while the publicity runs; staff (`answerable`) answer each once — upheld
 * fails the procurement.
 */
export function PublicityObjections({
  procurement,
  answerable = false,
  onChange,
}: {
  procurement: Procurement;
  answerable?: boolean;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const { session } = useApp();
  const { error, run } = useStep(onChange);
  const base = `/procurements/${procurement.id}/publicity-objections`;
  const objections = procurement.objections ?? [];
  const fileable = procurement.status === 'prior_publicity' && !answerable && hasRole(session, 'bidder');
  const file = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    void run(async () => {
      await post(base, {
        text: String(form.get('text') ?? '').trim(),
        documents: await documentOf(form.get('document')),
      });
      target.reset();
    });
  };
  const answer = (objectionId: string) => (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(() =>
      post(`${base}/${objectionId}/reply`, {
        upheld: form.get('upheld') === 'on',
        reply: String(form.get('reply') ?? '').trim(),
      }),
    );
  };
  return (
    <section aria-labelledby="publicity-objections-heading" data-testid="publicity-objections">
      <h2 id="publicity-objections-heading">{t('publicityObjections')}</h2>
      {objections.length === 0 && <p>{t('none')}</p>}
      {objections.map((objection) => (
        <article
          key={objection.id}
          className="panel"
          data-objection-id={objection.id}
          data-answered={objection.answer !== null}
        >
          <p style={{ whiteSpace: 'pre-wrap' }}>{objection.text}</p>
          {objection.documents.length > 0 && <DocumentsTable documents={objection.documents} />}
          <dl className="facts">
            <dt>{t('objectionFiledOn')}</dt>
            <dd>{objection.filedOn}</dd>
            <dt>{t('objectionAnswerDueOn')}</dt>
            <dd>{objection.answerDueOn}</dd>
            {objection.answer && (
              <>
                <dt>{t('objectionAnswer')}</dt>
                <dd data-testid="objection-answer" data-upheld={objection.answer.upheld}>
                  {t(objection.answer.upheld ? 'publicityObjectionUpheld' : 'publicityObjectionRejected')}:{' '}
                  {objection.answer.reply}
                </dd>
                <dt>{t('objectionAnsweredOn')}</dt>
                <dd>
                  {objection.answer.answeredOn}
                  {objection.answer.late ? ` (${t('answeredLate')})` : ''}
                </dd>
              </>
            )}
          </dl>
          {answerable && !objection.answer && (
            <form onSubmit={answer(objection.id)} aria-label={t('answerObjection')} className="grid-form">
              <label>
                {t('objectionReply')}
                <textarea name="reply" required maxLength={5000} />
              </label>
              <label>
                {t('objectionUpheldCheck')}
                <input name="upheld" type="checkbox" />
              </label>
              <div className="row">
                <button type="submit">{t('answerObjection')}</button>
              </div>
            </form>
          )}
        </article>
      ))}
      {fileable && (
        <form onSubmit={file} aria-label={t('filePublicityObjection')} className="grid-form">
          <label>
            {t('publicityObjectionText')}
            <textarea name="text" required maxLength={5000} />
          </label>
          <label>
            {t('objectionDocument')}
            <input name="document" type="file" />
          </label>
          <div className="row">
            <button type="submit">{t('filePublicityObjection')}</button>
          </div>
        </form>
      )}
      <Refusal error={error} />
    </section>
  );
}

/** A single source's negotiation group (协商小组) in the words of the evaluation desk. */
const NEGOTIATION_GROUP_TERMS: EvaluationTerms = {
  committee: 'negotiationGroup',
  drawCommittee: 'drawNegotiationGroup',
  ownerRepresentatives: 'purchaserRepresentatives',
  supplier: 'procurementSupplier',
  price: 'responsePrice',
  rejectBid: 'rejectResponse',
  report: 'procurementReport',
  submitReport: 'submitProcurementReport',
  reportFile: 'procurementReportFile',
  rejectAll: 'rejectAllResponses',
};

/**
 * A single source between its publicity and the negotiation (`responding`): the named supplier
 * registers on the public page and staff qualify it (the registrations, beside this), the
 * negotiation group is drawn from the pool (who sits stays sealed until the negotiation starts)
 * and the negotiation starts — each step refused in words where the API refuses it.
 */
export function SingleSourceNegotiationStart({
  procurement,
  onChange,
}: {
  procurement: Procurement;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const { actionError, act } = useDeskSteps(onChange);
  const base = `/procurements/${procurement.id}`;
  const drawnAt = procurement.committeeDrawnAt ?? null;
  const qualified = procurement.qualifiedSuppliers ?? 0;
  return (
    <section
      aria-labelledby="negotiation-start-heading"
      className="panel"
      data-testid="single-source-negotiation-start"
    >
      <h2 id="negotiation-start-heading">{t('singleSourceNegotiation')}</h2>
      <ol>
        <li data-done={qualified > 0}>
          {t('singleSourceStepSupplier')}: {procurement.singleSourceSupplier ?? '—'} ·{' '}
          {qualified > 0 ? t('singleSourceSupplierQualified') : t('singleSourceSupplierWaiting')}
        </li>
        <li data-done={drawnAt !== null} data-testid="negotiation-group-drawn">
          {t('negotiationGroup')}:{' '}
          {drawnAt ? (
            <>
              {t('negotiationGroupDrawnAt')} <Time iso={drawnAt} seconds /> · {t('negotiationGroupSealed')}
            </>
          ) : (
            t('negotiationGroupNotDrawn')
          )}
        </li>
      </ol>
      {drawnAt === null && (
        <CommitteeSection base={base} committee={null} drawable terms={NEGOTIATION_GROUP_TERMS} act={act} />
      )}
      {drawnAt !== null && qualified > 0 && (
        <p>
          <button type="button" onClick={() => act(() => post(`${base}/start-evaluation`))}>
            {t('startNegotiation')}
          </button>
        </p>
      )}
      <Refusal error={actionError} />
    </section>
  );
}

/** A single source's negotiation (协商): the agreed price and the signed record's SHA-256. */
export function NegotiationForm({ base, act }: { base: string; act: Act }) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('recordFile');
    void act(async () =>
      post(`${base}/negotiation`, {
        price: parseYuan(String(form.get('price') ?? '')),
        negotiationRecordSha256: file instanceof File ? await sha256Of(file) : '',
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('recordNegotiation')} className="grid-form">
      <label>
        {t('negotiatedPrice')} ({t('yuan')})
        <input name="price" inputMode="decimal" required />
      </label>
      <label>
        {t('negotiationRecordFile')}
        <input name="recordFile" type="file" required />
      </label>
      <div className="row">
        <button type="submit">{t('recordNegotiation')}</button>
      </div>
    </form>
  );
}

/** GET /procurements/:id/call-offs (staff also see the ids). */
interface CallOffs {
  status: Procurement['status'];
  callOffMethod: 'direct_selection' | 'rotation';
  /** 顺序轮候: whose turn it is (staff also get the id the form sends). */
  nextInRotation: { supplierName: string; supplierId?: string; registrationId?: string | null } | null;
  termStartsOn: string | null;
  termEndsOn: string | null;
  agreementSignedOn: string | null;
  admittedSuppliers: {
    rank: number;
    supplierName: string;
    price: number;
    registrationId?: string | null;
    supplierId?: string;
  }[];
  items: { id: string; supplierName: string; title: string; amount: number; orderedOn: string }[];
  total: number;
  totalAmount: number;
}

/** 框架协议 admitted suppliers, as the result notice names them (rank, supplier, price). */
export function AdmittedSuppliersTable({
  suppliers,
}: {
  suppliers: NonNullable<ProcurementResult['admittedSuppliers']>;
}) {
  const { t } = useI18n();
  return (
    <Table headers={[t('rank'), t('procurementSupplier'), t('responsePrice')]} testId="admitted-suppliers">
      {suppliers.map((one) => (
        <tr key={one.rank} data-rank={one.rank}>
          <td>{one.rank}</td>
          <td>{one.supplierName}</td>
          <td>
            <Money fen={one.price} />
          </td>
        </tr>
      ))}
    </Table>
  );
}

/**
 * A framework agreement in force: its term, the admitted suppliers and the call-off orders with
 * their total; staff (`manage`) record an order with an admitted supplier and close the agreement.
 */
export function FrameworkCallOffs({
  procurement,
  manage = false,
  onChange,
}: {
  procurement: Procurement;
  manage?: boolean;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const { error: stepError, run } = useStep(() => {
    setVersion((value) => value + 1);
    onChange();
  });
  const base = `/procurements/${procurement.id}`;
  const { data, error } = useLoad(
    () => get<CallOffs>(`${base}/call-offs?limit=100`),
    [base, procurement.status, version],
  );
  if (error) return <Refusal error={error} />;
  if (!data) return <Loading />;
  const record = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void run(async () => {
      const contract = await documentOf(form.get('contractFile'));
      await post(`${base}/call-offs`, {
        supplier: String(form.get('supplier')),
        title: String(form.get('title') ?? '').trim(),
        amount: parseYuan(String(form.get('amount') ?? '')),
        orderedOn: String(form.get('orderedOn')),
        ...(contract[0] ? { contractSha256: contract[0].sha256 } : {}),
      });
    });
  };
  return (
    <section aria-labelledby="call-offs-heading" data-testid="framework-call-offs">
      <h2 id="call-offs-heading">{t('frameworkAgreement')}</h2>
      <dl className="facts">
        <dt>{t('frameworkTerm')}</dt>
        <dd>
          {data.termStartsOn ?? '—'} – {data.termEndsOn ?? '—'}
        </dd>
        <dt>{t('agreementSignedOn')}</dt>
        <dd>{data.agreementSignedOn ?? '—'}</dd>
        <dt>{t('callOffMethod')}</dt>
        <dd>{t(`callOffMethod.${data.callOffMethod}` as const)}</dd>
        {data.nextInRotation && (
          <>
            <dt>{t('nextInRotation')}</dt>
            <dd data-testid="next-in-rotation">{data.nextInRotation.supplierName}</dd>
          </>
        )}
        <dt>{t('callOffTotal')}</dt>
        <dd data-testid="call-off-total">
          {data.total} · <Money fen={data.totalAmount} />
        </dd>
      </dl>
      <h3>{t('admittedSuppliers')}</h3>
      <AdmittedSuppliersTable suppliers={data.admittedSuppliers} />
      <h3>{t('callOffs')}</h3>
      {data.items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <Table
          headers={[t('callOffOrderedOn'), t('procurementSupplier'), t('callOffTitle'), t('callOffAmount')]}
          testId="call-offs"
        >
          {data.items.map((item) => (
            <tr key={item.id} data-call-off-id={item.id}>
              <td>{item.orderedOn}</td>
              <td>{item.supplierName}</td>
              <td>{item.title}</td>
              <td>
                <Money fen={item.amount} />
              </td>
            </tr>
          ))}
        </Table>
      )}
      {manage && data.status === 'contracted' && (
        <>
          <form onSubmit={record} aria-label={t('recordCallOff')} className="grid-form">
            <label>
              {t('procurementSupplier')}
              <select
                name="supplier"
                required
                defaultValue={
                  data.nextInRotation
                    ? (data.nextInRotation.registrationId ?? data.nextInRotation.supplierId)
                    : undefined
                }
                key={data.nextInRotation?.supplierId ?? 'direct'}
              >
                {data.admittedSuppliers.map((one) => (
                  <option key={one.rank} value={one.registrationId ?? one.supplierId}>
                    {one.rank}. {one.supplierName}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('callOffTitle')}
              <input name="title" required maxLength={200} />
            </label>
            <label>
              {t('callOffAmount')} ({t('yuan')})
              <input name="amount" inputMode="decimal" required />
            </label>
            <label>
              {t('callOffOrderedOn')}
              <input name="orderedOn" type="date" required />
            </label>
            <label>
              {t('callOffContractFile')}
              <input name="contractFile" type="file" />
            </label>
            <div className="row">
              <button type="submit">{t('recordCallOff')}</button>
            </div>
          </form>
          <p>
            <button type="button" className="secondary" onClick={() => run(() => post(`${base}/close`))}>
              {t('closeFramework')}
            </button>
          </p>
        </>
      )}
      <Refusal error={stepError} />
    </section>
  );
}
