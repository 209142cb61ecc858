import { type FormEvent } from 'react';
import { get, post } from '../api';
import { Loading, useLoad } from '../components';
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
  EvaluatedPricesForm,
  MemberScoresForm,
  orNull,
  RejectionForm,
  ReportForm,
  TENDER_EVALUATION_TERMS,
  useDeskSteps,
} from './evaluation-parts';
import { ReasonForm, Refusal } from './refusal';
import { CANDIDATES_PUBLIC, type Tender, TenderCandidatesSection, type TenderCandidates } from './tenders';

/** GET /tenders/:id/evaluation: the committee's entries and its report. */
interface Evaluation extends EvaluationEntries {
  scores: { memberId: string; bidId: string; criterionId: string; score: number }[];
  report: {
    reportOn: string;
    reportAt: string | null;
    outcome: 'ranked' | 'failed' | null;
    ranking: Omit<TenderCandidates['candidates'][number], 'bidderName'>[];
  } | null;
}

/**
 * The staff desk after the opening: the committee, the committee's entries, the report, the
 * candidates' publicity, the award and the contract — each step only where the lifecycle is.
 */
export function TenderEvaluationDesk({ tender, onChange }: { tender: Tender; onChange: () => void }) {
  const { t } = useI18n();
  const { version, actionError, act } = useDeskSteps(onChange);
  const { data, error } = useLoad(
    () =>
      Promise.all([
        orNull(get<Committee>(`/tenders/${tender.id}/committee`)),
        get<Evaluation>(`/tenders/${tender.id}/evaluation`),
      ]).then(([committee, evaluation]) => ({ committee, evaluation })),
    [tender.id, tender.status, version],
  );
  if (error) return <Refusal error={error} />;
  if (!data) return <Loading />;
  const { committee, evaluation } = data;
  const report = evaluation.report;
  const entriesOpen = tender.status === 'evaluating' && !report;
  const nameOf = new Map(evaluation.bids.map((bid) => [bid.bidId, bid.bidderName]));
  const base = `/tenders/${tender.id}`;
  const terms = TENDER_EVALUATION_TERMS;
  return (
    <section aria-labelledby="evaluation-desk-heading" className="panel" data-testid="evaluation-desk">
      <h2 id="evaluation-desk-heading">{t('evaluationDesk')}</h2>
      <Refusal error={actionError} />
      <CommitteeSection
        base={base}
        committee={committee}
        drawable={tender.status === 'opened'}
        terms={terms}
        act={act}
      />
      {tender.status === 'opened' && committee && (
        <p>
          <button type="button" onClick={() => act(() => post(`/tenders/${tender.id}/start-evaluation`))}>
            {t('startEvaluation')}
          </button>
        </p>
      )}
      {evaluation.startedAt && (
        <EntriesTable
          evaluation={evaluation}
          terms={terms}
          scoresOf={(bidId) => evaluation.scores.filter((one) => one.bidId === bidId).length}
        />
      )}
      {entriesOpen && (
        <>
          <RejectionForm base={base} evaluation={evaluation} terms={terms} act={act} />
          {tender.evaluationMethod === 'lowest_evaluated_price' ? (
            <EvaluatedPricesForm base={base} evaluation={evaluation} act={act} />
          ) : (
            committee && (
              <MemberScoresForm
                base={base}
                criteria={tender.criteria ?? []}
                evaluation={evaluation}
                committee={committee}
                act={act}
              />
            )
          )}
          <ReportForm base={base} terms={terms} act={act} />
        </>
      )}
      {report && report.outcome === 'ranked' && (
        <section aria-labelledby="ranking-heading">
          <h3 id="ranking-heading">
            {t('evaluationReport')} · {report.reportOn}
          </h3>
          <CandidatesTable
            candidates={report.ranking.map((ranked) => ({
              ...ranked,
              evaluatedPrice: ranked.evaluatedPrice ?? null,
              totalScore: ranked.totalScore ?? null,
              bidderName: nameOf.get(ranked.bidId) ?? null,
            }))}
          />
        </section>
      )}
      {tender.status === 'evaluating' && report && <PublicityForm tender={tender} act={act} />}
      {(CANDIDATES_PUBLIC.includes(tender.status) || tender.status === 'evaluating') && (
        <TenderCandidatesSection id={tender.id} version={version} />
      )}
      {(tender.status === 'candidates_published' || tender.status === 'awarded') && (
        <CandidateWithdrawalForm tender={tender} version={version} act={act} />
      )}
      {tender.status === 'candidates_published' && report && (
        <ReEvaluationForm tender={tender} reportAt={report.reportAt} version={version} act={act} />
      )}
      {tender.status === 'candidates_published' && <AwardForm tender={tender} version={version} act={act} />}
      {tender.status === 'awarded' && <ContractForm base={base} act={act} />}
      {(tender.status === 'opened' || tender.status === 'evaluating') && (
        <ReasonForm
          label={t('failTender')}
          onSubmit={(reason) => act(() => post(`/tenders/${tender.id}/fail`, { reason }))}
        />
      )}
    </section>
  );
}

function PublicityForm({ tender, act }: { tender: Tender; act: Act }) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void act(() =>
      post(`/tenders/${tender.id}/candidates/publish`, {
        startsOn: String(form.get('startsOn')),
        endsOn: String(form.get('endsOn')),
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('publishCandidates')} className="grid-form">
      <label>
        {t('publicityStartsOn')}
        <input name="startsOn" type="date" required />
      </label>
      <label>
        {t('publicityEndsOn')}
        <input name="endsOn" type="date" required />
      </label>
      <div className="row">
        <button type="submit">{t('publishCandidates')}</button>
      </div>
    </form>
  );
}

const WITHDRAWAL_CAUSES = ['gave_up', 'cannot_perform', 'no_performance_bond', 'disqualified'] as const;

/**
 * 第55条: a candidate gave up or was found ineligible. If it held the award, the award passes to the
 * next in rank; if none is left the tender fails.
 */
function CandidateWithdrawalForm({ tender, version, act }: { tender: Tender; version: number; act: Act }) {
  const { t } = useI18n();
  const { data } = useLoad(
    () => get<TenderCandidates>(`/tenders/${tender.id}/candidates`),
    [tender.id, tender.status, version],
  );
  if (!data) return null;
  const running = data.candidates.filter((candidate) => !candidate.withdrawal);
  if (running.length === 0) return null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void act(() =>
      post(`/tenders/${tender.id}/candidates/withdrawals`, {
        bidId: String(form.get('bidId')),
        cause: String(form.get('cause')),
        reason: String(form.get('reason') ?? '').trim(),
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('recordCandidateWithdrawal')} className="grid-form">
      <label>
        {t('candidate')}
        <select name="bidId" defaultValue={data.award?.bidId ?? running[0].bidId}>
          {running.map((candidate) => (
            <option key={candidate.bidId} value={candidate.bidId}>
              {candidate.rank}. {candidate.bidderName}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('withdrawalCause')}
        <select name="cause" defaultValue="gave_up">
          {WITHDRAWAL_CAUSES.map((cause) => (
            <option key={cause} value={cause}>
              {t(`withdrawalCause.${cause}` as const)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('reason')}
        <input name="reason" required maxLength={500} />
      </label>
      <div className="row">
        <button type="submit" className="secondary">
          {t('recordCandidateWithdrawal')}
        </button>
      </div>
    </form>
  );
}

/** The first candidate still in the running by default; another needs a reason (a state-funded tender may not). */
function AwardForm({ tender, version, act }: { tender: Tender; version: number; act: Act }) {
  const { data } = useLoad(
    () => get<TenderCandidates>(`/tenders/${tender.id}/candidates`),
    [tender.id, tender.status, version],
  );
  if (!data) return null;
  return (
    <CandidateChoiceForm
      path={`/tenders/${tender.id}/award`}
      candidates={data.candidates.filter((candidate) => !candidate.withdrawal)}
      labels={{ action: 'awardTender', choice: 'awardedTo', reason: 'awardReasonIfNotFirst' }}
      act={act}
    />
  );
}

/**
 * 重新评审 (实施条例 第54条): offered only where the API allows it — an objection to these
 * candidates answered upheld after the report, none waiting, no candidate dropped out. A refusal
 * (a desk left open while another acted) is shown in words with its cause.
 */
function ReEvaluationForm({
  tender,
  reportAt,
  version,
  act,
}: {
  tender: Tender;
  reportAt: string | null;
  version: number;
  act: Act;
}) {
  const { t } = useI18n();
  const { data } = useLoad(
    () => get<TenderCandidates>(`/tenders/${tender.id}/candidates`),
    [tender.id, tender.status, version],
  );
  const objections = tender.objections ?? [];
  const upheld = objections.filter(
    (objection) =>
      objection.target === 'candidates' &&
      objection.reply?.upheld === true &&
      reportAt !== null &&
      Date.parse(objection.reply.repliedAt) > Date.parse(reportAt),
  );
  const waiting = objections.some((objection) => objection.reply === null);
  if (!data || upheld.length === 0 || waiting) return null;
  if (data.candidates.some((candidate) => candidate.withdrawal)) return null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    void act(() => post(`/tenders/${tender.id}/re-evaluation`, { reason }));
  };
  return (
    <form onSubmit={submit} aria-label={t('reEvaluate')} className="grid-form" data-testid="re-evaluation">
      <p className="hint">{t('reEvaluateExplain')}</p>
      <label>
        {t('reason')}
        <input name="reason" required maxLength={500} />
      </label>
      <div className="row">
        <button type="submit">{t('reEvaluate')}</button>
      </div>
    </form>
  );
}
