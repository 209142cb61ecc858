import { useState } from 'react';
import { ApiError, get, type Page } from '../api';
import { ErrorMessage, Link, Loading, Money, Time, useLoad } from '../components';
import { useI18n } from '../i18n';
import { AwardFacts, CandidatesTable, type RankedCandidate } from './evaluation-parts';
import { AmendmentsTable, DocumentsTable } from './project-parts';
import { MySealedBids, OpeningRecordSection, SupplierBox, TENDER_TERMS } from './sealed-bids';
import { type TenderObjection, TenderObjections, TenderRounds } from './tender-objections';
import { FileComplaintLink } from './complaints';
import { PrequalificationSection, type TenderPrequalification } from './tender-prequalification';

/** The tender API (docs/design/API-tenders.md), typed as these pages use it. */
export const TENDER_STATUSES = [
  'registered',
  'announced',
  'prequalification',
  'prequalified',
  'bidding',
  'opened',
  'evaluating',
  'candidates_published',
  'awarded',
  'contracted',
  'failed',
  'retendered',
  'suspended',
  'terminated',
] as const;
export type TenderStatus = (typeof TENDER_STATUSES)[number];
export const TENDER_KINDS = ['building', 'municipal', 'road', 'water', 'decoration', 'other'] as const;

export interface TenderAmendment {
  id: string;
  kind: 'amendment' | 'clarification';
  text: string;
  documents: { name: string; sha256: string }[];
  affectsBids: boolean;
  publishedOn: string;
  publishedAt: string;
  bidDeadlineBefore: string;
  bidDeadlineAfter: string;
}

export interface TenderCriterion {
  id: string;
  weight: number;
  kind: 'scored' | 'price_formula';
}

export interface Tender {
  id: string;
  code: string;
  /** 重新招标: the round's number, the failed round it re-tenders and the round that re-tenders it. */
  round: number;
  previousRoundId: string | null;
  nextRoundId?: string | null;
  /** 异议 and their replies (without the objector for the public). */
  objections?: TenderObjection[];
  title: string;
  ownerName: string;
  ownerOrgCode: string;
  kind: string;
  description: string;
  estimatedPrice: number;
  stateFunded: boolean;
  evaluationMethod: 'lowest_evaluated_price' | 'comprehensive_scoring';
  /** Comprehensive scoring's criteria: weights of 100, scored by members or by the price formula. */
  criteria: TenderCriterion[] | null;
  bidderConditions: string;
  deposit: number;
  documents: { name: string; sha256: string }[];
  status: TenderStatus;
  saleStartsOn: string;
  saleEndsOn: string;
  documentsIssuedOn: string;
  bidDeadlineOn: string;
  bidDeadlineTime: string;
  bidDeadlineAt: string;
  deadlines: {
    earliestSaleEndsOn: string;
    earliestBidDeadlineOn: string;
    documentObjectionsUntilOn: string;
    amendmentsWithoutMoveUntilOn: string;
  };
  /** 资格预审, when the tender has one. */
  prequalification: TenderPrequalification | null;
  /** Staff and supervisors: how many applied, passed, failed and wait. */
  prequalificationApplications?: {
    applications: number;
    passed: number;
    failed: number;
    pending: number;
  } | null;
  announcedOn: string | null;
  openedAt: string | null;
  failedReason: string | null;
  terminationReason: string | null;
  amendments: TenderAmendment[];
  /** Staff and supervisors only. */
  resumeTo?: TenderStatus | null;
  suspensionReason?: string | null;
  registrations?: number;
  qualifiedSuppliers?: number;
}

const OPEN_FOR_SUPPLIERS: TenderStatus[] = ['announced', 'prequalified', 'bidding'];

export function TenderStatusBadge({ status }: { status: TenderStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge tender-status-${status}`} data-status={status}>
      {t(`tenderStatus.${status}` as const)}
    </span>
  );
}

export function TendersPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState('');
  const { data, error } = useLoad(
    () => get<Page<Tender>>(`/tenders?limit=100${status ? `&status=${status}` : ''}`),
    [status],
  );
  return (
    <section>
      <h1>{t('tenders')}</h1>
      <label className="inline">
        {t('filterStatus')}{' '}
        <select value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">{t('allStatuses')}</option>
          {TENDER_STATUSES.filter((value) => value !== 'registered').map((value) => (
            <option key={value} value={value}>
              {t(`tenderStatus.${value}` as const)}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <ul className="cards" aria-label={t('tenders')}>
          {data.items.map((tender) => (
            <li key={tender.id} className="card" data-tender-id={tender.id}>
              <h2>
                <Link to={`/tenders/${tender.id}`}>{tender.title}</Link>
              </h2>
              <TenderStatusBadge status={tender.status} />
              <dl className="facts">
                <dt>{t('tenderOwner')}</dt>
                <dd>{tender.ownerName}</dd>
                <dt>{t('tenderKind')}</dt>
                <dd>{t(`tenderKind.${tender.kind}` as never)}</dd>
                <dt>{t('estimatedPrice')}</dt>
                <dd>
                  <Money fen={tender.estimatedPrice} />
                </dd>
                <dt>{t('bidDeadline')}</dt>
                <dd>
                  <Time iso={tender.bidDeadlineAt} />
                </dd>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function TenderPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { data: tender, error, reload } = useLoad(() => get<Tender>(`/tenders/${id}`), [id]);
  if (error) return <ErrorMessage error={error} />;
  if (!tender) return <Loading />;
  return (
    <article className="listing">
      <h1>{tender.title}</h1>
      <p>
        <TenderStatusBadge status={tender.status} /> <span>{tender.code}</span>
      </p>
      <FileComplaintLink line="construction" projectId={tender.id} />
      {tender.terminationReason && (
        <p className="notice" role="status">
          {t('tenderTerminated')}: {tender.terminationReason}
        </p>
      )}
      {tender.failedReason && (
        <p className="notice" role="status" data-testid="tender-failed">
          {t('tenderFailed')}: {tender.failedReason}
        </p>
      )}
      <PrequalificationSection tender={tender} onChange={reload} />
      <SupplierBox
        paths={{
          base: `/tenders/${tender.id}`,
          sealed: `/tenders/${tender.id}/bid`,
          myRegistrations: '/me/tender-registrations',
          mySealed: '/me/tender-bids',
        }}
        terms={TENDER_TERMS}
        deposit={tender.deposit}
        open={OPEN_FOR_SUPPLIERS.includes(tender.status) && Date.now() < Date.parse(tender.bidDeadlineAt)}
        sealable={tender.status === 'bidding' && Date.now() < Date.parse(tender.bidDeadlineAt)}
        onChange={reload}
      />
      <TenderRounds tender={tender} base="/tenders" />
      <TenderObjections tender={tender} onChange={reload} />
      {(CANDIDATES_PUBLIC.includes(tender.status) || tender.status === 'evaluating') && (
        <TenderCandidatesSection id={tender.id} />
      )}
      {tender.openedAt && <OpeningRecordSection base={`/tenders/${tender.id}`} />}
      <TenderFacts tender={tender} />
      <TenderSchedule tender={tender} />
      <TenderAmendments tender={tender} />
    </article>
  );
}

export function TenderAmendments({ tender }: { tender: Tender }) {
  return (
    <AmendmentsTable
      deadline="bidDeadline"
      amendments={tender.amendments.map((one) => ({
        ...one,
        before: one.bidDeadlineBefore,
        after: one.bidDeadlineAfter,
      }))}
    />
  );
}

export function TenderFacts({ tender }: { tender: Tender }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="tender-facts-heading">
      <h2 id="tender-facts-heading">{t('details')}</h2>
      <dl className="facts">
        <dt>{t('tenderOwner')}</dt>
        <dd>
          {tender.ownerName} <code>{tender.ownerOrgCode}</code>
        </dd>
        <dt>{t('tenderKind')}</dt>
        <dd>{t(`tenderKind.${tender.kind}` as never)}</dd>
        <dt>{t('tenderDescription')}</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{tender.description}</dd>
        <dt>{t('estimatedPrice')}</dt>
        <dd>
          <Money fen={tender.estimatedPrice} />
        </dd>
        <dt>{t('stateFunded')}</dt>
        <dd>{tender.stateFunded ? t('yes') : t('no')}</dd>
        <dt>{t('evaluationMethod')}</dt>
        <dd>{t(`evaluationMethod.${tender.evaluationMethod}` as const)}</dd>
        <dt>{t('deposit')}</dt>
        <dd>
          <Money fen={tender.deposit} />
        </dd>
        <dt>{t('bidderConditions')}</dt>
        <dd style={{ whiteSpace: 'pre-wrap' }}>{tender.bidderConditions || '—'}</dd>
      </dl>
      <DocumentsTable documents={tender.documents} />
    </section>
  );
}

/** The schedule and every statutory date it implies: the platform enforces them, not just shows them. */
export function TenderSchedule({ tender }: { tender: Tender }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="tender-schedule-heading">
      <h2 id="tender-schedule-heading">{t('tenderSchedule')}</h2>
      <dl className="facts" data-testid="tender-schedule">
        <dt>{t('announcedOn')}</dt>
        <dd>{tender.announcedOn ?? '—'}</dd>
        <dt>{t('documentSale')}</dt>
        <dd>
          {tender.saleStartsOn} – {tender.saleEndsOn}
        </dd>
        <dt>{t('documentsIssuedOn')}</dt>
        <dd>{tender.documentsIssuedOn}</dd>
        <dt>{t('bidDeadline')}</dt>
        <dd data-testid="bid-deadline">
          {tender.bidDeadlineOn} {tender.bidDeadlineTime}
        </dd>
        <dt>{t('earliestBidDeadlineOn')}</dt>
        <dd>{tender.deadlines.earliestBidDeadlineOn}</dd>
        <dt>{t('documentObjectionsUntilOn')}</dt>
        <dd>{tender.deadlines.documentObjectionsUntilOn}</dd>
        <dt>{t('amendmentsWithoutMoveUntilOn')}</dt>
        <dd>{tender.deadlines.amendmentsWithoutMoveUntilOn}</dd>
      </dl>
    </section>
  );
}

/**
 * Public from the candidates' publicity on: the ranked candidates, then the award and the contract.
 * A suspended or failed tender may have published them (an objection pauses the publicity; every
 * candidate may drop out): the section shows them when there are some.
 */
export const CANDIDATES_PUBLIC: readonly TenderStatus[] = [
  'candidates_published',
  'awarded',
  'contracted',
  'suspended',
  'failed',
  'retendered',
];

/** From the award notice on, the winner is public. */
const AWARD_PUBLIC: readonly TenderStatus[] = ['awarded', 'contracted'];

export interface TenderCandidates {
  projectId: string;
  reportOn: string;
  publicity: { startsOn: string; endsOn: string } | null;
  candidates: RankedCandidate[];
  award: {
    bidId: string;
    bidderName: string;
    price: number;
    reason: string | null;
    noticeOn: string;
    contractDueOn: string;
  } | null;
  contract: { signedOn: string; contractSha256: string } | null;
  /** 重新评审: each report sent back after an upheld objection, with the candidates it had published. */
  revisions?: {
    revision: number;
    reportOn: string;
    reportSha256: string;
    publicity: { startsOn: string | null; endsOn: string | null };
    candidates: RankedCandidate[];
    objectionIds: string[];
    reason: string;
    sentBackOn: string;
  }[];
}

/** 中标候选人公示 and, after it, 中标结果 and the contract; `version` reloads it after a staff action. */
export function TenderCandidatesSection({ id, version = 0 }: { id: string; version?: number }) {
  const { t } = useI18n();
  const { data, error } = useLoad(
    () =>
      get<TenderCandidates>(`/tenders/${id}/candidates`).catch((failure: unknown) => {
        if (failure instanceof ApiError && failure.code === 'CANDIDATES_NOT_PUBLISHED') return null;
        throw failure;
      }),
    [id, version],
  );
  if (data === null) return null;
  return (
    <section aria-labelledby="candidates-heading" data-testid="tender-candidates">
      <h2 id="candidates-heading">{t('tenderCandidates')}</h2>
      <ErrorMessage error={error} />
      {data && (
        <>
          {data.publicity && (
            <p data-testid="candidate-publicity">
              {t('candidatePublicity')}: {data.publicity.startsOn} – {data.publicity.endsOn}
            </p>
          )}
          {data.candidates.length > 0 ? (
            <CandidatesTable candidates={data.candidates} />
          ) : (
            <p className="hint">{t('candidatesBeingRevised')}</p>
          )}
          {data.award && (
            <AwardFacts
              award={{
                winner: data.award.bidderName,
                price: data.award.price,
                reason: data.award.reason,
                noticeOn: data.award.noticeOn,
                contractDueOn: data.award.contractDueOn,
                contract: data.contract,
              }}
              labels={{
                winner: 'awardedTo',
                price: 'awardPrice',
                noticeOn: 'awardNoticeOn',
                reason: 'awardReason',
              }}
              testId="tender-award"
            />
          )}
          {data.revisions && data.revisions.length > 0 && (
            <section aria-labelledby="report-revisions-heading" data-testid="report-revisions">
              <h3 id="report-revisions-heading">{t('reportRevisions')}</h3>
              <ol>
                {data.revisions.map((revision) => (
                  <li key={revision.revision} data-revision={revision.revision}>
                    <p>
                      {t('evaluationReport')} {revision.reportOn}
                      {revision.publicity.startsOn &&
                        ` · ${t('candidatePublicity')}: ${revision.publicity.startsOn} – ${revision.publicity.endsOn ?? ''}`}
                      {' · '}
                      {t('sentBackOn')} {revision.sentBackOn}
                    </p>
                    <p style={{ whiteSpace: 'pre-wrap' }}>
                      {t('reason')}: {revision.reason}
                    </p>
                    <CandidatesTable candidates={revision.candidates} />
                  </li>
                ))}
              </ol>
            </section>
          )}
        </>
      )}
    </section>
  );
}

/** 我的报名's tender part (the page checks the bidder role): applications and sealed-bid receipts. */
export function MyTenderBids() {
  return (
    <MySealedBids
      mySealed="/me/tender-bids"
      base="/tenders"
      terms={TENDER_TERMS}
      heading="myTenderBids"
      testId="my-tenders"
      statusText={(status) => `tenderStatus.${status as TenderStatus}`}
      awardedBidIdOf={async (project) =>
        AWARD_PUBLIC.includes(project.status as TenderStatus)
          ? ((await get<TenderCandidates>(`/tenders/${project.id}/candidates`)).award?.bidId ?? null)
          : null
      }
    />
  );
}
