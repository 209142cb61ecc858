import { type FormEvent, useState } from 'react';
import { ApiError, get, post, put } from '../api';
import { Loading, Money, Table, useLoad } from '../components';
import { useI18n } from '../i18n';
import { formatYuan, parseYuan } from '../money';
import { ReasonForm, Refusal } from './refusal';
import { sha256Of } from './sealed-bids';
import {
  CANDIDATES_PUBLIC,
  CandidatesTable,
  type Tender,
  TenderCandidatesSection,
  type TenderCandidates,
} from './tenders';

/** GET /tenders/:id/committee: staff see it once the bids are opened. */
interface Committee {
  drawId: string;
  drawnAt: string;
  needs: { specialty: string; count: number }[];
  members: { expertId: string; name: string | null; employerName: string | null; specialties: string[] }[];
}

/** GET /tenders/:id/evaluation: the committee's entries and its report. */
interface Evaluation {
  startedAt: string | null;
  bids: { bidId: string; bidderName: string; price: number | null; valid: boolean }[];
  rejections: { bidId: string; reason: string }[];
  evaluatedPrices: { bidId: string; evaluatedPrice: number; note: string | null }[];
  scores: { memberId: string; bidId: string; criterionId: string; score: number }[];
  report: {
    reportOn: string;
    outcome: 'ranked' | 'failed' | null;
    ranking: Omit<TenderCandidates['candidates'][number], 'bidderName'>[];
  } | null;
}

/** A missing committee is a state to act on here, not an error to show. */
const orNull = <T,>(load: Promise<T>) =>
  load.catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'COMMITTEE_DRAW_NOT_FOUND') return null;
    throw error;
  });

/**
 * The staff desk after the opening: the committee, the committee's entries, the report, the
 * candidates' publicity, the award and the contract — each step only where the lifecycle is.
 */
export function TenderEvaluationDesk({ tender, onChange }: { tender: Tender; onChange: () => void }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const { data, error } = useLoad(
    () =>
      Promise.all([
        orNull(get<Committee>(`/tenders/${tender.id}/committee`)),
        get<Evaluation>(`/tenders/${tender.id}/evaluation`),
      ]).then(([committee, evaluation]) => ({ committee, evaluation })),
    [tender.id, tender.status, version],
  );
  const [actionError, setActionError] = useState<unknown>(null);
  /** Every step reloads the tender (its status) and this desk. */
  const act = async (step: () => Promise<unknown>) => {
    try {
      await step();
      setActionError(null);
      setVersion((value) => value + 1);
      onChange();
    } catch (failure) {
      setActionError(failure);
    }
  };
  if (error) return <Refusal error={error} />;
  if (!data) return <Loading />;
  const { committee, evaluation } = data;
  const report = evaluation.report;
  const entriesOpen = tender.status === 'evaluating' && !report;
  const nameOf = new Map(evaluation.bids.map((bid) => [bid.bidId, bid.bidderName]));
  return (
    <section aria-labelledby="evaluation-desk-heading" className="panel" data-testid="evaluation-desk">
      <h2 id="evaluation-desk-heading">{t('evaluationDesk')}</h2>
      <Refusal error={actionError} />
      <CommitteeSection tender={tender} committee={committee} act={act} />
      {tender.status === 'opened' && committee && (
        <p>
          <button type="button" onClick={() => act(() => post(`/tenders/${tender.id}/start-evaluation`))}>
            {t('startEvaluation')}
          </button>
        </p>
      )}
      {evaluation.startedAt && <EntriesTable evaluation={evaluation} />}
      {entriesOpen && (
        <>
          <RejectionForm tender={tender} evaluation={evaluation} act={act} />
          {tender.evaluationMethod === 'lowest_evaluated_price' ? (
            <EvaluatedPricesForm tender={tender} evaluation={evaluation} act={act} />
          ) : (
            committee && (
              <MemberScoresForm tender={tender} evaluation={evaluation} committee={committee} act={act} />
            )
          )}
          <ReportForm tender={tender} act={act} />
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
      {CANDIDATES_PUBLIC.includes(tender.status) && (
        <TenderCandidatesSection id={tender.id} version={version} />
      )}
      {(tender.status === 'candidates_published' || tender.status === 'awarded') && (
        <CandidateWithdrawalForm tender={tender} version={version} act={act} />
      )}
      {tender.status === 'candidates_published' && <AwardForm tender={tender} version={version} act={act} />}
      {tender.status === 'awarded' && <ContractForm tender={tender} act={act} />}
      {(tender.status === 'opened' || tender.status === 'evaluating') && (
        <ReasonForm
          label={t('failTender')}
          onSubmit={(reason) => act(() => post(`/tenders/${tender.id}/fail`, { reason }))}
        />
      )}
    </section>
  );
}

type Act = (step: () => Promise<unknown>) => Promise<void>;

/** Experts per specialty from the pool (the owner's and the suppliers' staff are excluded by the API). */
function CommitteeSection({
  tender,
  committee,
  act,
}: {
  tender: Tender;
  committee: Committee | null;
  act: Act;
}) {
  const { t } = useI18n();
  const [needs, setNeeds] = useState([{ specialty: '', count: 5 }]);
  if (committee)
    return (
      <section aria-labelledby="committee-heading">
        <h3 id="committee-heading">{t('committee')}</h3>
        <Table headers={[t('expertName'), t('expertEmployer'), t('specialties')]} testId="committee">
          {committee.members.map((member) => (
            <tr key={member.expertId}>
              <td>{member.name ?? '—'}</td>
              <td>{member.employerName ?? '—'}</td>
              <td>{member.specialties.join(', ')}</td>
            </tr>
          ))}
        </Table>
      </section>
    );
  if (tender.status !== 'opened') return null;
  const draw = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const owners = Number(new FormData(event.currentTarget).get('ownerRepresentatives') || 0);
    void act(() =>
      post(`/tenders/${tender.id}/committee/draw`, {
        needs: needs.map((need) => ({ specialty: need.specialty.trim(), count: need.count })),
        ownerRepresentatives: owners,
      }),
    );
  };
  const change = (index: number, patch: Partial<(typeof needs)[number]>) =>
    setNeeds(needs.map((need, at) => (at === index ? { ...need, ...patch } : need)));
  return (
    <form onSubmit={draw} aria-label={t('drawCommittee')} className="grid-form">
      {needs.map((need, index) => (
        <fieldset key={index}>
          <legend>
            {t('committeeNeed')} {index + 1}
          </legend>
          <label>
            {t('specialtyCode')}
            <input
              value={need.specialty}
              required
              pattern="[a-z][a-z0-9_]{1,31}"
              onChange={(event) => change(index, { specialty: event.target.value })}
            />
          </label>
          <label>
            {t('expertCount')}
            <input
              type="number"
              min={1}
              max={99}
              value={need.count}
              required
              onChange={(event) => change(index, { count: Number(event.target.value) })}
            />
          </label>
        </fieldset>
      ))}
      <label>
        {t('ownerRepresentatives')}
        <input name="ownerRepresentatives" type="number" min={0} max={99} defaultValue={0} />
      </label>
      <div className="row">
        <button
          type="button"
          className="secondary"
          onClick={() => setNeeds([...needs, { specialty: '', count: 1 }])}
        >
          {t('addSpecialty')}
        </button>
        <button type="submit">{t('drawCommittee')}</button>
      </div>
    </form>
  );
}

/** Every valid bid with what the committee entered for it so far. */
function EntriesTable({ evaluation }: { evaluation: Evaluation }) {
  const { t } = useI18n();
  const rejected = new Map(evaluation.rejections.map((one) => [one.bidId, one.reason]));
  const evaluated = new Map(evaluation.evaluatedPrices.map((one) => [one.bidId, one.evaluatedPrice]));
  const scored = (bidId: string) => evaluation.scores.filter((one) => one.bidId === bidId).length;
  return (
    <Table
      headers={[
        t('supplier'),
        t('bidPrice'),
        t('evaluatedPrice'),
        t('scoresEntered'),
        t('bidRejectionReason'),
      ]}
      testId="evaluation-entries"
    >
      {evaluation.bids
        .filter((bid) => bid.valid)
        .map((bid) => (
          <tr key={bid.bidId} data-bid-id={bid.bidId} data-rejected={rejected.has(bid.bidId)}>
            <td>{bid.bidderName}</td>
            <td>
              <Money fen={bid.price} />
            </td>
            <td>
              <Money fen={evaluated.get(bid.bidId)} />
            </td>
            <td>{scored(bid.bidId)}</td>
            <td>{rejected.get(bid.bidId) ?? '—'}</td>
          </tr>
        ))}
    </Table>
  );
}

/** The bids still in the evaluation: valid and not rejected by the committee. */
const liveBids = (evaluation: Evaluation) => {
  const rejected = new Set(evaluation.rejections.map((one) => one.bidId));
  return evaluation.bids.filter((bid) => bid.valid && !rejected.has(bid.bidId));
};

function RejectionForm({ tender, evaluation, act }: { tender: Tender; evaluation: Evaluation; act: Act }) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void act(() =>
      post(`/tenders/${tender.id}/evaluation/rejections`, {
        bidId: String(form.get('bidId')),
        reason: String(form.get('reason') ?? '').trim(),
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('rejectBid')} className="grid-form">
      <label>
        {t('supplier')}
        <select name="bidId" required>
          {liveBids(evaluation).map((bid) => (
            <option key={bid.bidId} value={bid.bidId}>
              {bid.bidderName}
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
          {t('rejectBid')}
        </button>
      </div>
    </form>
  );
}

/** Lowest evaluated price: one price in 元 per live bid (the bid price until the committee adjusts it). */
function EvaluatedPricesForm({
  tender,
  evaluation,
  act,
}: {
  tender: Tender;
  evaluation: Evaluation;
  act: Act;
}) {
  const { t } = useI18n();
  const entered = new Map(evaluation.evaluatedPrices.map((one) => [one.bidId, one]));
  const bids = liveBids(evaluation);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const prices = bids.map((bid) => {
      const note = String(form.get(`note-${bid.bidId}`) ?? '').trim();
      return {
        bidId: bid.bidId,
        evaluatedPrice: parseYuan(String(form.get(`price-${bid.bidId}`) ?? '')),
        ...(note ? { note } : {}),
      };
    });
    void act(() => put(`/tenders/${tender.id}/evaluation/evaluated-prices`, { prices }));
  };
  return (
    <form onSubmit={submit} aria-label={t('enterEvaluatedPrices')} className="grid-form">
      {bids.map((bid) => {
        const current = entered.get(bid.bidId);
        const fen = current?.evaluatedPrice ?? bid.price;
        return (
          <fieldset key={bid.bidId}>
            <legend>{bid.bidderName}</legend>
            <label>
              {t('evaluatedPrice')} ({t('yuan')})
              <input
                name={`price-${bid.bidId}`}
                inputMode="decimal"
                required
                defaultValue={fen === null ? '' : formatYuan(fen)}
              />
            </label>
            <label>
              {t('evaluatedPriceNote')}
              <input name={`note-${bid.bidId}`} maxLength={500} defaultValue={current?.note ?? ''} />
            </label>
          </fieldset>
        );
      })}
      <div className="row">
        <button type="submit">{t('enterEvaluatedPrices')}</button>
      </div>
    </form>
  );
}

/** Comprehensive scoring: one member's whole set of scores (0–100) per live bid and scored criterion. */
function MemberScoresForm({
  tender,
  evaluation,
  committee,
  act,
}: {
  tender: Tender;
  evaluation: Evaluation;
  committee: Committee;
  act: Act;
}) {
  const { t } = useI18n();
  const [memberId, setMemberId] = useState(committee.members[0]?.expertId ?? '');
  const criteria = (tender.criteria ?? []).filter((criterion) => criterion.kind === 'scored');
  const bids = liveBids(evaluation);
  const scoreOf = (bidId: string, criterionId: string) =>
    evaluation.scores.find(
      (one) => one.memberId === memberId && one.bidId === bidId && one.criterionId === criterionId,
    )?.score;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const scores = bids.flatMap((bid) =>
      criteria.map((criterion) => ({
        bidId: bid.bidId,
        criterionId: criterion.id,
        score: Number(form.get(`score-${bid.bidId}-${criterion.id}`)),
      })),
    );
    void act(() => put(`/tenders/${tender.id}/evaluation/scores/${memberId}`, { scores }));
  };
  return (
    <form onSubmit={submit} aria-label={t('enterMemberScores')} className="grid-form" key={memberId}>
      <label>
        {t('committeeMember')}
        <select value={memberId} onChange={(event) => setMemberId(event.target.value)}>
          {committee.members.map((member) => (
            <option key={member.expertId} value={member.expertId}>
              {member.name ?? member.expertId}
            </option>
          ))}
        </select>
      </label>
      {bids.map((bid) => (
        <fieldset key={bid.bidId}>
          <legend>{bid.bidderName}</legend>
          {criteria.map((criterion) => (
            <label key={criterion.id}>
              {criterion.id} ({criterion.weight})
              <input
                name={`score-${bid.bidId}-${criterion.id}`}
                type="number"
                min={0}
                max={100}
                step={0.01}
                required
                defaultValue={scoreOf(bid.bidId, criterion.id) ?? ''}
              />
            </label>
          ))}
        </fieldset>
      ))}
      <div className="row">
        <button type="submit">{t('enterMemberScores')}</button>
      </div>
    </form>
  );
}

/** The committee's signed report: only its SHA-256, computed here, goes to the platform. */
function ReportForm({ tender, act }: { tender: Tender; act: Act }) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('reportFile');
    void act(async () =>
      post(`/tenders/${tender.id}/evaluation/report`, {
        reportSha256: file instanceof File ? await sha256Of(file) : '',
        rejectAll: form.get('rejectAll') === 'on',
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('submitReport')} className="grid-form">
      <label>
        {t('reportFile')}
        <input name="reportFile" type="file" required />
      </label>
      <label>
        {t('rejectAllBids')}
        <input name="rejectAll" type="checkbox" />
      </label>
      <div className="row">
        <button type="submit">{t('submitReport')}</button>
      </div>
    </form>
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
  const { t } = useI18n();
  const { data } = useLoad(
    () => get<TenderCandidates>(`/tenders/${tender.id}/candidates`),
    [tender.id, tender.status, version],
  );
  if (!data) return null;
  const running = data.candidates.filter((candidate) => !candidate.withdrawal);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const reason = String(form.get('reason') ?? '').trim();
    void act(() =>
      post(`/tenders/${tender.id}/award`, {
        bidId: String(form.get('bidId')),
        ...(reason ? { reason } : {}),
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('awardTender')} className="grid-form">
      <label>
        {t('awardedTo')}
        <select name="bidId" defaultValue={running[0]?.bidId}>
          {running.map((candidate) => (
            <option key={candidate.bidId} value={candidate.bidId}>
              {candidate.rank}. {candidate.bidderName}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('awardReasonIfNotFirst')}
        <input name="reason" maxLength={500} />
      </label>
      <div className="row">
        <button type="submit">{t('awardTender')}</button>
      </div>
    </form>
  );
}

/** The signed contract: its day and the SHA-256 of the chosen file, computed in the browser. */
function ContractForm({ tender, act }: { tender: Tender; act: Act }) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('contractFile');
    void act(async () =>
      post(`/tenders/${tender.id}/contract`, {
        signedOn: String(form.get('signedOn')),
        contractSha256: file instanceof File ? await sha256Of(file) : '',
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('recordContract')} className="grid-form">
      <label>
        {t('contractSignedOn')}
        <input name="signedOn" type="date" required />
      </label>
      <label>
        {t('contractFile')}
        <input name="contractFile" type="file" required />
      </label>
      <div className="row">
        <button type="submit">{t('recordContract')}</button>
      </div>
    </form>
  );
}
