import { useState } from 'react';
import { get, type Page } from '../api';
import { ErrorMessage, Link, Loading, Money, Time, useLoad } from '../components';
import { useI18n } from '../i18n';
import { AwardFacts } from './evaluation-parts';
import { AdmittedSuppliersTable, FrameworkCallOffs, PublicityObjections } from './procurement-methods';
import { AmendmentsTable, DocumentsTable } from './project-parts';
import { MySealedBids, OpeningRecordSection, type SealedBidTerms, SupplierBox } from './sealed-bids';
import { FileComplaintLink } from './complaints';

/** The procurement API (apps/api/src/procurements), typed as these pages use it. */
export const PROCUREMENT_METHODS = [
  'open_tender',
  'invited_tender',
  'competitive_negotiation',
  'competitive_consultation',
  'request_for_quotation',
  'single_source',
  'framework_agreement',
] as const;
export type ProcurementMethod = (typeof PROCUREMENT_METHODS)[number];

export const PROCUREMENT_STATUSES = [
  'planned',
  'prior_publicity',
  'announced',
  'responding',
  'opened',
  'evaluating',
  'report_delivered',
  'award_decided',
  'awarded',
  'contracted',
  'closed',
  'failed',
  'suspended',
  'terminated',
  'replanned',
] as const;
export type ProcurementStatus = (typeof PROCUREMENT_STATUSES)[number];

/** Methods whose documents are on offer for a minimum period (their last day is part of the schedule). */
export const WITH_DOCUMENTS_PERIOD: readonly ProcurementMethod[] = [
  'open_tender',
  'invited_tender',
  'competitive_consultation',
  'framework_agreement',
];

export interface ProcurementNotice {
  id: string;
  kind: 'amendment' | 'clarification';
  text: string;
  publishedOn: string;
  deadlineBefore: string | null;
  deadlineAfter: string | null;
}

/** A single-source publicity objection as published: what was objected and the answer, not who. */
export interface PublicityObjection {
  id: string;
  text: string;
  documents: { name: string; sha256: string }[];
  filedOn: string;
  filedAt: string;
  answerDueOn: string;
  answer: { upheld: boolean; reply: string; answeredOn: string; late: boolean } | null;
}

export interface Procurement {
  id: string;
  code: string;
  method: ProcurementMethod;
  title: string;
  purchaserName: string;
  purchaserOrgCode: string;
  description: string;
  /** 品目 (政府采购品目分类目录): code and name, or neither. */
  itemCode: string | null;
  itemName: string | null;
  supplierConditions: string | null;
  budget: number;
  deposit: number;
  documents: { name: string; sha256: string }[];
  status: ProcurementStatus;
  /** 重新组织采购: the failed project this one follows, the approval of a changed method, the successor. */
  round: number;
  previousRoundId: string | null;
  replanApprovalReference: string | null;
  nextRoundId?: string | null;
  qualificationCallStartsOn: string | null;
  qualificationCallEndsOn: string | null;
  publicityStartsOn: string | null;
  publicityEndsOn: string | null;
  singleSourceSupplier: string | null;
  singleSourceReasons: string | null;
  documentsIssuedOn: string | null;
  documentsAvailableUntil: string | null;
  deadlineOn: string | null;
  deadlineTime: string | null;
  deadlineAt: string | null;
  invitationsDrawnAt: string | null;
  announcedOn: string | null;
  publicisedOn: string | null;
  openedAt: string | null;
  failedReason: string | null;
  terminationReason: string | null;
  amendments: ProcurementNotice[];
  subjectType: 'goods' | 'services' | null;
  evaluationMethod: 'lowest_evaluated_price' | 'comprehensive_scoring' | null;
  criteria: { id: string; weight: number; kind: string }[] | null;
  admittedSuppliers: number | null;
  termStartsOn: string | null;
  termEndsOn: string | null;
  /** A single source's publicity objections (the list leaves them out). */
  objections?: PublicityObjection[];
  /** Staff and supervisors only. */
  registrations?: number;
  qualifiedSuppliers?: number;
  invitationDraw?: { count: number; picks: string[]; drawnAt: string; seed: string } | null;
  /** A framework agreement's first stage (第110号令 第26、28条): by price or by quality. */
  frameworkEntryMethod?: 'price_first' | 'quality_first';
  qualityFirstGround?: 'government_pricing' | 'testing_instruments' | null;
  /** 最高限制单价, fen. */
  maxUnitPrice?: number | null;
  /** The share of the responsive suppliers the first stage leaves out at least (20 or 40). */
  eliminationPercent?: number;
  /** The second stage: 直接选定 or 顺序轮候. */
  callOffMethod?: 'direct_selection' | 'rotation';
  /** When the committee (a single source's negotiation group) was drawn; never who sits. */
  committeeDrawnAt?: string | null;
}

export const PROCUREMENT_TERMS: SealedBidTerms = {
  apply: 'procurementApply',
  mine: 'myResponse',
  seal: 'sealResponse',
  replace: 'replaceResponse',
  withdraw: 'withdrawResponse',
  price: 'responsePrice',
  file: 'responseFile',
  sealed: 'responseSealed',
  withdrawn: 'responseWithdrawn',
};

export function ProcurementStatusBadge({ status }: { status: ProcurementStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge procurement-status-${status}`} data-status={status}>
      {t(`procurementStatus.${status}` as const)}
    </span>
  );
}

export function ProcurementsPage() {
  const { t } = useI18n();
  const [method, setMethod] = useState('');
  const { data, error } = useLoad(
    () => get<Page<Procurement>>(`/procurements?limit=100${method ? `&method=${method}` : ''}`),
    [method],
  );
  return (
    <section>
      <h1>{t('procurements')}</h1>
      <label className="inline">
        {t('procurementMethod')}{' '}
        <select value={method} onChange={(event) => setMethod(event.target.value)}>
          <option value="">{t('allMethods')}</option>
          {PROCUREMENT_METHODS.map((value) => (
            <option key={value} value={value}>
              {t(`procurementMethod.${value}` as const)}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <ul className="cards" aria-label={t('procurements')}>
          {data.items.map((procurement) => (
            <li key={procurement.id} className="card" data-procurement-id={procurement.id}>
              <h2>
                <Link to={`/procurements/${procurement.id}`}>{procurement.title}</Link>
              </h2>
              <ProcurementStatusBadge status={procurement.status} />
              <dl className="facts">
                <dt>{t('procurementMethod')}</dt>
                <dd>{t(`procurementMethod.${procurement.method}` as const)}</dd>
                <dt>{t('purchaser')}</dt>
                <dd>{procurement.purchaserName}</dd>
                <dt>{t('budget')}</dt>
                <dd>
                  <Money fen={procurement.budget} />
                </dd>
                <dt>{t('responseDeadline')}</dt>
                <dd>{procurement.deadlineAt ? <Time iso={procurement.deadlineAt} /> : '—'}</dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A framework agreement's orders are recorded from its signing until it is closed. */
export const AGREEMENT_IN_FORCE_OR_CLOSED: readonly ProcurementStatus[] = ['contracted', 'closed'];

/** Public from the result notice (成交结果公告) on. */
export const RESULT_PUBLIC: readonly ProcurementStatus[] = ['awarded', 'contracted', 'closed'];

/** GET /procurements/:id/result */
export interface ProcurementResult {
  projectId: string;
  award: {
    bidId: string;
    supplierName: string | null;
    price: number | null;
    reason: string | null;
    decidedOn: string | null;
    noticeOn: string | null;
    contractDueOn: string | null;
  };
  /** A framework agreement's admitted suppliers, in rank order. */
  admittedSuppliers: { rank: number; supplierName: string; price: number }[] | null;
  contract: { signedOn: string; contractSha256: string | null } | null;
}

/** The announced result, or null before it (nothing is asked for then). */
const resultOf = (procurement: { id: string; status: ProcurementStatus }) =>
  RESULT_PUBLIC.includes(procurement.status)
    ? get<ProcurementResult>(`/procurements/${procurement.id}/result`)
    : Promise.resolve(null);

export function ProcurementPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(async () => {
    const procurement = await get<Procurement>(`/procurements/${id}`);
    return { procurement, result: await resultOf(procurement) };
  }, [id]);
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading />;
  const { procurement, result } = data;
  const beforeDeadline = procurement.deadlineAt !== null && Date.now() < Date.parse(procurement.deadlineAt);
  // A single source has no deadline: its named supplier registers once the publicity is concluded.
  const singleSource = procurement.method === 'single_source';
  const open = singleSource
    ? procurement.status === 'responding'
    : (procurement.status === 'announced' || procurement.status === 'responding') && beforeDeadline;
  return (
    <article className="listing">
      <h1>{procurement.title}</h1>
      <p>
        <ProcurementStatusBadge status={procurement.status} /> <span>{procurement.code}</span> ·{' '}
        <span>{t(`procurementMethod.${procurement.method}` as const)}</span>
      </p>
      <FileComplaintLink line="procurement" projectId={procurement.id} />
      {procurement.terminationReason && (
        <p className="notice" role="status">
          {t('tenderTerminated')}: {procurement.terminationReason}
        </p>
      )}
      {procurement.failedReason && (
        <p className="notice" role="status" data-testid="procurement-failed">
          {t('procurementFailed')}: {procurement.failedReason}
        </p>
      )}
      <ProcurementRounds procurement={procurement} base="/procurements" />
      {singleSource && procurement.status === 'responding' && (
        <p className="notice" data-testid="single-source-registration">
          {t('singleSourceRegistrationHint')}: {procurement.singleSourceSupplier}
        </p>
      )}
      <SupplierBox
        paths={{
          base: `/procurements/${procurement.id}`,
          sealed: `/procurements/${procurement.id}/response`,
          myRegistrations: '/me/procurement-registrations',
          mySealed: '/me/procurement-responses',
        }}
        terms={PROCUREMENT_TERMS}
        deposit={procurement.deposit}
        open={open}
        sealable={!singleSource && procurement.status === 'responding' && beforeDeadline}
        awardedBidId={result?.award.bidId}
        onChange={reload}
      />
      {result && <ProcurementResultSection result={result} />}
      {AGREEMENT_IN_FORCE_OR_CLOSED.includes(procurement.status) &&
        procurement.method === 'framework_agreement' && (
          <FrameworkCallOffs procurement={procurement} onChange={reload} />
        )}
      {procurement.method === 'single_source' && (
        <PublicityObjections procurement={procurement} onChange={reload} />
      )}
      {procurement.openedAt && <OpeningRecordSection base={`/procurements/${procurement.id}`} />}
      <ProcurementFacts procurement={procurement} />
      <ProcurementSchedule procurement={procurement} />
      <ProcurementAmendments procurement={procurement} />
    </article>
  );
}

/** 重新组织采购: the round, the failed one it follows (with a changed method's approval) and its successor. */
export function ProcurementRounds({ procurement, base }: { procurement: Procurement; base: string }) {
  const { t } = useI18n();
  if (procurement.round === 1 && !procurement.nextRoundId) return null;
  return (
    <p data-testid="procurement-rounds">
      {t('procurementRound')}: {procurement.round}
      {procurement.previousRoundId && (
        <>
          {' · '}
          <Link to={`${base}/${procurement.previousRoundId}`}>{t('previousProcurementRound')}</Link>
        </>
      )}
      {procurement.replanApprovalReference && (
        <>
          {' · '}
          {t('approvalReference')}: {procurement.replanApprovalReference}
        </>
      )}
      {procurement.nextRoundId && (
        <>
          {' · '}
          <Link to={`${base}/${procurement.nextRoundId}`}>{t('nextProcurementRound')}</Link>
        </>
      )}
    </p>
  );
}

/** 成交结果公告: the winning supplier and its price, the notice and the contract once signed. */
export function ProcurementResultSection({ result }: { result: ProcurementResult }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="procurement-result-heading">
      <h2 id="procurement-result-heading">{t('procurementResult')}</h2>
      <AwardFacts
        award={{
          winner: result.award.supplierName,
          price: result.award.price,
          reason: result.award.reason,
          noticeOn: result.award.noticeOn,
          contractDueOn: result.award.contractDueOn,
          contract: result.contract,
        }}
        labels={{
          winner: 'awardedSupplier',
          price: 'awardedPrice',
          noticeOn: 'resultNoticeOn',
          reason: 'awardReason',
        }}
        testId="procurement-result"
      />
      {result.admittedSuppliers && <AdmittedSuppliersTable suppliers={result.admittedSuppliers} />}
    </section>
  );
}

export function ProcurementFacts({ procurement }: { procurement: Procurement }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="procurement-facts-heading">
      <h2 id="procurement-facts-heading">{t('details')}</h2>
      <dl className="facts">
        <dt>{t('purchaser')}</dt>
        <dd>
          {procurement.purchaserName} <code>{procurement.purchaserOrgCode}</code>
        </dd>
        <dt>{t('procurementMethod')}</dt>
        <dd>{t(`procurementMethod.${procurement.method}` as const)}</dd>
        <dt>{t('procurementDescription')}</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{procurement.description}</dd>
        <dt>{t('procurementItem')}</dt>
        <dd data-testid="procurement-item">
          {procurement.itemCode ? (
            <>
              <code>{procurement.itemCode}</code> {procurement.itemName}
            </>
          ) : (
            '—'
          )}
        </dd>
        <dt>{t('budget')}</dt>
        <dd>
          <Money fen={procurement.budget} />
        </dd>
        <dt>{t('deposit')}</dt>
        <dd>
          <Money fen={procurement.deposit} />
        </dd>
        <dt>{t('supplierConditions')}</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{procurement.supplierConditions || '—'}</dd>
        {procurement.method === 'single_source' && (
          <>
            <dt>{t('singleSourceSupplier')}</dt>
            <dd>{procurement.singleSourceSupplier ?? '—'}</dd>
            <dt>{t('singleSourceReasons')}</dt>
            <dd style={{ whiteSpace: 'pre-wrap' }}>{procurement.singleSourceReasons ?? '—'}</dd>
          </>
        )}
        {procurement.method === 'framework_agreement' && procurement.frameworkEntryMethod && (
          <FrameworkEntryFacts procurement={procurement} />
        )}
      </dl>
      <DocumentsTable documents={procurement.documents} />
    </section>
  );
}

/**
 * A framework agreement's first stage as announced: by price (价格优先法) or by quality (质量优先法,
 * its ground and quality factors — the price is no factor, only its ceiling counts), the
 * 最高限制单价, how many it admits at most and the share it leaves out at least.
 */
function FrameworkEntryFacts({ procurement }: { procurement: Procurement }) {
  const { t } = useI18n();
  const qualityFirst = procurement.frameworkEntryMethod === 'quality_first';
  return (
    <>
      <dt>{t('frameworkEntryMethod')}</dt>
      <dd data-testid="framework-entry-method" data-method={procurement.frameworkEntryMethod}>
        {t(`frameworkEntryMethod.${procurement.frameworkEntryMethod!}` as const)}
        {qualityFirst &&
          procurement.qualityFirstGround &&
          ` · ${t(`qualityFirstGround.${procurement.qualityFirstGround}` as const)}`}
      </dd>
      {qualityFirst && (
        <>
          <dt>{t('qualityFactors')}</dt>
          <dd data-testid="quality-factors">
            {(procurement.criteria ?? [])
              .map((criterion) => `${criterion.id} ${criterion.weight}`)
              .join(' · ')}
          </dd>
        </>
      )}
      <dt>{t('maxUnitPrice')}</dt>
      <dd data-testid="max-unit-price">
        {procurement.maxUnitPrice != null ? <Money fen={procurement.maxUnitPrice} /> : '—'}
      </dd>
      <dt>{t('frameworkAdmission')}</dt>
      <dd data-testid="framework-admission">
        {t('admitsAtMost')} {procurement.admittedSuppliers ?? '—'} · {t('leavesOutAtLeast')}{' '}
        {procurement.eliminationPercent ?? 20}%
      </dd>
      <dt>{t('callOffMethod')}</dt>
      <dd data-testid="call-off-method" data-method={procurement.callOffMethod}>
        {t(`callOffMethod.${procurement.callOffMethod ?? 'direct_selection'}` as const)}
      </dd>
    </>
  );
}

/** The method's schedule: only the periods this method has. */
export function ProcurementSchedule({ procurement }: { procurement: Procurement }) {
  const { t } = useI18n();
  const range = (from: string | null, to: string | null) =>
    from || to ? `${from ?? '—'} – ${to ?? '—'}` : null;
  const rows: [string, string | null][] = [
    [t('announcedOn'), procurement.announcedOn],
    [
      t('qualificationCall'),
      range(procurement.qualificationCallStartsOn, procurement.qualificationCallEndsOn),
    ],
    [t('singleSourcePublicity'), range(procurement.publicityStartsOn, procurement.publicityEndsOn)],
    [t('procurementDocumentsIssuedOn'), procurement.documentsIssuedOn],
    [t('documentsAvailableUntil'), procurement.documentsAvailableUntil],
    [
      t('responseDeadline'),
      procurement.deadlineOn ? `${procurement.deadlineOn} ${procurement.deadlineTime ?? ''}`.trim() : null,
    ],
    [t('invitationsDrawnAt'), procurement.invitationsDrawnAt],
  ];
  return (
    <section aria-labelledby="procurement-schedule-heading">
      <h2 id="procurement-schedule-heading">{t('tenderSchedule')}</h2>
      <dl className="facts" data-testid="procurement-schedule">
        {rows
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <div key={label} className="fact">
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

export function ProcurementAmendments({ procurement }: { procurement: Procurement }) {
  return (
    <AmendmentsTable
      deadline="responseDeadline"
      amendments={procurement.amendments.map((one) => ({
        ...one,
        before: one.deadlineBefore,
        after: one.deadlineAfter,
      }))}
    />
  );
}

/** 我的报名's procurement part: applications and sealed-response receipts. */
export function MyProcurementResponses() {
  return (
    <MySealedBids
      mySealed="/me/procurement-responses"
      base="/procurements"
      terms={PROCUREMENT_TERMS}
      heading="myProcurementResponses"
      testId="my-procurements"
      statusText={(status) => `procurementStatus.${status as ProcurementStatus}`}
      awardedBidIdOf={async (project) =>
        (await resultOf(project as { id: string; status: ProcurementStatus }))?.award.bidId ?? null
      }
    />
  );
}
