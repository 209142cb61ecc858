import { get, post } from '../api';
import { Loading, Money, useLoad } from '../components';
import { useI18n } from '../i18n';
import {
  type Act,
  CandidateChoiceForm,
  CandidatesTable,
  type Committee,
  CommitteeSection,
  ContractForm,
  EntriesTable,
  type EvaluationEntries,
  type EvaluationTerms,
  EvaluatedPricesForm,
  type MemberScore,
  MemberScoresForm,
  orNull,
  type RankedCandidate,
  RejectionForm,
  ReportForm,
  useDeskSteps,
} from './evaluation-parts';
import { NegotiationForm } from './procurement-methods';
import type { Procurement } from './procurements';
import { Refusal } from './refusal';

/** GET /procurements/:id/evaluation: the committee's entries and every step after them with its last day. */
export interface ProcurementEvaluation extends EvaluationEntries {
  scores: MemberScore[];
  report: {
    reportOn: string;
    outcome: 'ranked' | 'failed' | null;
    candidates: RankedCandidate[];
    dueWithPurchaserOn: string | null;
    deliveredOn: string | null;
    deliveredLate: boolean | null;
  } | null;
  /** Before the decision only its last day (bidId null). */
  decision: {
    bidId: string | null;
    bidderName?: string | null;
    price?: number | null;
    reason?: string | null;
    decidedOn?: string;
    decisionDueOn: string | null;
  } | null;
  result: { noticeOn: string; resultDueOn: string | null; contractDueOn: string } | null;
  contract: { signedOn: string; contractSha256: string; dealId: string | null } | null;
}

export const PROCUREMENT_EVALUATION_TERMS: EvaluationTerms = {
  committee: 'procurementCommittee',
  drawCommittee: 'drawProcurementCommittee',
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
 * The staff desk after the opening: the committee, its entries and report, the report's delivery
 * to the purchaser, the purchaser's decision, the result notice and the contract with its deal —
 * each step only where the method's lifecycle is, each refusal in words.
 */
export function ProcurementEvaluationDesk({
  procurement,
  onChange,
}: {
  procurement: Procurement;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const { version, actionError, act } = useDeskSteps(onChange);
  const base = `/procurements/${procurement.id}`;
  const { status } = procurement;
  // A single source negotiates with its one supplier (its group drawn before): no sealed responses.
  const singleSource = procurement.method === 'single_source';
  const { data, error } = useLoad(
    () =>
      Promise.all([
        orNull(get<Committee>(`${base}/committee`)),
        get<ProcurementEvaluation>(`${base}/evaluation`),
      ]).then(([committee, evaluation]) => ({ committee, evaluation })),
    [base, status, version],
  );
  if (error) return <Refusal error={error} />;
  if (!data) return <Loading />;
  const { committee, evaluation } = data;
  const terms = PROCUREMENT_EVALUATION_TERMS;
  const report = evaluation.report;
  const button = (label: string, path: string) => (
    <p>
      <button type="button" onClick={() => act(() => post(path))}>
        {label}
      </button>
    </p>
  );
  return (
    <section aria-labelledby="evaluation-desk-heading" className="panel" data-testid="evaluation-desk">
      <h2 id="evaluation-desk-heading">{t('procurementEvaluationDesk')}</h2>
      <Refusal error={actionError} />
      {(!singleSource || committee) && (
        <CommitteeSection
          base={base}
          committee={committee}
          drawable={status === 'opened'}
          terms={terms}
          act={act}
          complexOption
        />
      )}
      {status === 'opened' &&
        committee &&
        button(t('startProcurementEvaluation'), `${base}/start-evaluation`)}
      {evaluation.startedAt && !singleSource && (
        <EntriesTable
          evaluation={evaluation}
          terms={terms}
          scoresOf={
            procurement.evaluationMethod === 'comprehensive_scoring'
              ? (bidId) => evaluation.scores.filter((one) => one.bidId === bidId).length
              : undefined
          }
        />
      )}
      {status === 'evaluating' && !report && singleSource && <NegotiationForm base={base} act={act} />}
      {status === 'evaluating' && !report && !singleSource && (
        <>
          <RejectionForm base={base} evaluation={evaluation} terms={terms} act={act} />
          <ProcurementScoring
            procurement={procurement}
            evaluation={evaluation}
            committee={committee}
            act={act}
          />
          <ReportForm base={base} terms={terms} act={act} />
        </>
      )}
      {report && <ProcurementReportSection evaluation={evaluation} />}
      {status === 'evaluating' &&
        report?.outcome === 'ranked' &&
        button(t('deliverReport'), `${base}/report/deliver`)}
      {status === 'report_delivered' && report && (
        // The purchaser's choice: the ranking is followed (after 5 business days only the first).
        <CandidateChoiceForm
          path={`${base}/award-decision`}
          candidates={report.candidates}
          labels={{ action: 'decideAward', choice: 'awardedSupplier', reason: 'awardDecisionReason' }}
          act={act}
        />
      )}
      {evaluation.decision?.bidId && <DecisionFacts evaluation={evaluation} />}
      {status === 'award_decided' && button(t('announceResult'), `${base}/result`)}
      {status === 'awarded' && <ContractForm base={base} act={act} />}
    </section>
  );
}

/**
 * The committee's entries for how this procurement is evaluated: the lowest evaluated price (the
 * quoted price unless adjusted), or comprehensive scoring's scores, one member's set at a time.
 */
export function ProcurementScoring({
  procurement,
  evaluation,
  committee,
  act,
}: {
  procurement: Procurement;
  evaluation: ProcurementEvaluation;
  committee: Committee | null;
  act: Act;
}) {
  const base = `/procurements/${procurement.id}`;
  if (procurement.evaluationMethod !== 'comprehensive_scoring')
    return <EvaluatedPricesForm base={base} evaluation={evaluation} act={act} />;
  if (!committee) return null;
  return (
    <MemberScoresForm
      base={base}
      criteria={procurement.criteria ?? []}
      evaluation={evaluation}
      committee={committee}
      act={act}
    />
  );
}

/** The report: its day, its ranking (or that it failed) and its delivery to the purchaser. */
function ProcurementReportSection({ evaluation }: { evaluation: ProcurementEvaluation }) {
  const { t } = useI18n();
  const report = evaluation.report!;
  return (
    <section aria-labelledby="procurement-report-heading">
      <h3 id="procurement-report-heading">
        {t('procurementReport')} · {report.reportOn}
      </h3>
      {report.outcome === 'ranked' && (
        <CandidatesTable candidates={report.candidates} terms={PROCUREMENT_EVALUATION_TERMS} />
      )}
      <dl className="facts" data-testid="report-delivery">
        <dt>{t('reportDueWithPurchaserOn')}</dt>
        <dd>{report.dueWithPurchaserOn ?? '—'}</dd>
        <dt>{t('reportDeliveredOn')}</dt>
        <dd>
          {report.deliveredOn ?? '—'}
          {report.deliveredLate ? ` (${t('deliveredLate')})` : ''}
        </dd>
        {evaluation.decision && !evaluation.decision.bidId && (
          <>
            <dt>{t('decisionDueOn')}</dt>
            <dd data-testid="decision-due-on">{evaluation.decision.decisionDueOn}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** The decision, the result notice (with the day it was due) and the contract as recorded. */
function DecisionFacts({ evaluation }: { evaluation: ProcurementEvaluation }) {
  const { t } = useI18n();
  const { decision, result, contract } = evaluation;
  return (
    <dl className="facts" data-testid="award-decision">
      <dt>{t('awardedSupplier')}</dt>
      <dd>{decision?.bidderName ?? '—'}</dd>
      <dt>{t('awardedPrice')}</dt>
      <dd>
        <Money fen={decision?.price} />
      </dd>
      <dt>{t('decidedOn')}</dt>
      <dd>{decision?.decidedOn ?? '—'}</dd>
      {decision?.reason && (
        <>
          <dt>{t('awardReason')}</dt>
          <dd>{decision.reason}</dd>
        </>
      )}
      {result && (
        <>
          <dt>{t('resultNoticeOn')}</dt>
          <dd>{result.noticeOn}</dd>
          <dt>{t('resultDueOn')}</dt>
          <dd>{result.resultDueOn ?? '—'}</dd>
          <dt>{t('contractDueOn')}</dt>
          <dd>{result.contractDueOn}</dd>
        </>
      )}
      {contract && (
        <>
          <dt>{t('contractSignedOn')}</dt>
          <dd>{contract.signedOn}</dd>
          <dt>{t('dealRecord')}</dt>
          <dd>
            <code data-testid="deal-id">{contract.dealId ?? '—'}</code>
          </dd>
        </>
      )}
    </dl>
  );
}
