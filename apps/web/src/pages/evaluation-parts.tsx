import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, post, put } from '../api';
import { Money, Table } from '../components';
import { type MessageKey, useI18n } from '../i18n';
import { formatYuan, parseYuan } from '../money';
import { sha256Of } from './sealed-bids';

/**
 * Parts of the staff evaluation desk a tender and a procurement share (the API's committee and
 * entry shapes are the same for both): the committee, the entries, the rejection and evaluated
 * price forms, the report, the ranking and the contract. `base` is /tenders/:id or /procurements/:id.
 */

/** GET …/committee: staff see it once the bids (responses) are opened. */
export interface Committee {
  drawId: string;
  drawnAt: string;
  needs: { specialty: string; count: number }[];
  members: { expertId: string; name: string | null; employerName: string | null; specialties: string[] }[];
}

/** What both evaluations have: the opened bids and the committee's entries on them. */
export interface EvaluationEntries {
  startedAt: string | null;
  bids: { bidId: string; bidderName: string; price: number | null; valid: boolean }[];
  rejections: { bidId: string; reason: string }[];
  evaluatedPrices: { bidId: string; evaluatedPrice: number; note: string | null }[];
}

/** One ranked bid of a report or a candidates' list. */
export interface RankedCandidate {
  rank: number;
  bidId: string;
  bidderName: string | null;
  price: number;
  evaluatedPrice: number | null;
  totalScore: number | null;
  tieBrokenByLot: boolean;
  /** A tender's candidate that gave up or was found ineligible (第55条); procurement has none. */
  withdrawal?: {
    cause: 'gave_up' | 'cannot_perform' | 'no_performance_bond' | 'disqualified';
    reason: string;
    recordedOn: string;
    awardPassedTo: string | null;
  } | null;
}

/** The words a desk uses (评标/投标 for tenders, 评审/响应 for procurement). */
export interface EvaluationTerms {
  committee: MessageKey;
  drawCommittee: MessageKey;
  ownerRepresentatives: MessageKey;
  supplier: MessageKey;
  price: MessageKey;
  rejectBid: MessageKey;
  report: MessageKey;
  submitReport: MessageKey;
  reportFile: MessageKey;
  rejectAll: MessageKey;
}

export const TENDER_EVALUATION_TERMS: EvaluationTerms = {
  committee: 'committee',
  drawCommittee: 'drawCommittee',
  ownerRepresentatives: 'ownerRepresentatives',
  supplier: 'supplier',
  price: 'bidPrice',
  rejectBid: 'rejectBid',
  report: 'evaluationReport',
  submitReport: 'submitReport',
  reportFile: 'reportFile',
  rejectAll: 'rejectAllBids',
};

/** Every step reloads the project (its status) and the desk; a refusal is shown in words. */
export type Act = (step: () => Promise<unknown>) => Promise<void>;

/** A desk's steps: `version` changes after each one (to reload), `actionError` holds a refusal. */
export function useDeskSteps(onChange: () => void) {
  const [version, setVersion] = useState(0);
  const [actionError, setActionError] = useState<unknown>(null);
  const act: Act = async (step) => {
    try {
      await step();
      setActionError(null);
      setVersion((value) => value + 1);
      onChange();
    } catch (failure) {
      setActionError(failure);
    }
  };
  return { version, actionError, act };
}

/** A missing committee is a state to act on, not an error to show. */
export const orNull = <T,>(load: Promise<T>) =>
  load.catch((error: unknown) => {
    if (error instanceof ApiError && error.code === 'COMMITTEE_DRAW_NOT_FOUND') return null;
    throw error;
  });

/** Experts per specialty from the pool (the owner's and the suppliers' staff are excluded by the API). */
export function CommitteeSection({
  base,
  committee,
  drawable,
  terms,
  act,
  complexOption = false,
}: {
  base: string;
  committee: Committee | null;
  drawable: boolean;
  terms: EvaluationTerms;
  act: Act;
  /** A procurement tender's committee has ≥ 7 members when complex or of wide public concern. */
  complexOption?: boolean;
}) {
  const { t } = useI18n();
  const [needs, setNeeds] = useState([{ specialty: '', count: 5 }]);
  if (committee)
    return (
      <section aria-labelledby="committee-heading">
        <h3 id="committee-heading">{t(terms.committee)}</h3>
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
  if (!drawable) return null;
  const draw = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const owners = Number(form.get('ownerRepresentatives') || 0);
    void act(() =>
      post(`${base}/committee/draw`, {
        needs: needs.map((need) => ({ specialty: need.specialty.trim(), count: need.count })),
        ownerRepresentatives: owners,
        ...(complexOption ? { complexOrHighProfile: form.get('complexOrHighProfile') === 'on' } : {}),
      }),
    );
  };
  const change = (index: number, patch: Partial<(typeof needs)[number]>) =>
    setNeeds(needs.map((need, at) => (at === index ? { ...need, ...patch } : need)));
  return (
    <form onSubmit={draw} aria-label={t(terms.drawCommittee)} className="grid-form">
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
        {t(terms.ownerRepresentatives)}
        <input name="ownerRepresentatives" type="number" min={0} max={99} defaultValue={0} />
      </label>
      {complexOption && (
        <label>
          {t('complexOrHighProfile')}
          <input name="complexOrHighProfile" type="checkbox" />
        </label>
      )}
      <div className="row">
        <button
          type="button"
          className="secondary"
          onClick={() => setNeeds([...needs, { specialty: '', count: 1 }])}
        >
          {t('addSpecialty')}
        </button>
        <button type="submit">{t(terms.drawCommittee)}</button>
      </div>
    </form>
  );
}

/**
 * Every valid bid with what the committee entered for it so far; `scoresOf` adds the count of
 * member scores (comprehensive scoring).
 */
export function EntriesTable({
  evaluation,
  terms,
  scoresOf,
}: {
  evaluation: EvaluationEntries;
  terms: EvaluationTerms;
  scoresOf?: (bidId: string) => number;
}) {
  const { t } = useI18n();
  const rejected = new Map(evaluation.rejections.map((one) => [one.bidId, one.reason]));
  const evaluated = new Map(evaluation.evaluatedPrices.map((one) => [one.bidId, one.evaluatedPrice]));
  return (
    <Table
      headers={[
        t(terms.supplier),
        t(terms.price),
        t('evaluatedPrice'),
        ...(scoresOf ? [t('scoresEntered')] : []),
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
            {scoresOf && <td>{scoresOf(bid.bidId)}</td>}
            <td>{rejected.get(bid.bidId) ?? '—'}</td>
          </tr>
        ))}
    </Table>
  );
}

/** The bids still in the evaluation: valid and not rejected by the committee. */
export const liveBids = (evaluation: EvaluationEntries) => {
  const rejected = new Set(evaluation.rejections.map((one) => one.bidId));
  return evaluation.bids.filter((bid) => bid.valid && !rejected.has(bid.bidId));
};

export function RejectionForm({
  base,
  evaluation,
  terms,
  act,
}: {
  base: string;
  evaluation: EvaluationEntries;
  terms: EvaluationTerms;
  act: Act;
}) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void act(() =>
      post(`${base}/evaluation/rejections`, {
        bidId: String(form.get('bidId')),
        reason: String(form.get('reason') ?? '').trim(),
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t(terms.rejectBid)} className="grid-form">
      <label>
        {t(terms.supplier)}
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
          {t(terms.rejectBid)}
        </button>
      </div>
    </form>
  );
}

/** Lowest evaluated price: one price in 元 per live bid (the bid price until the committee adjusts it). */
export function EvaluatedPricesForm({
  base,
  evaluation,
  act,
}: {
  base: string;
  evaluation: EvaluationEntries;
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
    void act(() => put(`${base}/evaluation/evaluated-prices`, { prices }));
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

/** The committee's signed report: only its SHA-256, computed here, goes to the platform. */
export function ReportForm({ base, terms, act }: { base: string; terms: EvaluationTerms; act: Act }) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('reportFile');
    void act(async () =>
      post(`${base}/evaluation/report`, {
        reportSha256: file instanceof File ? await sha256Of(file) : '',
        rejectAll: form.get('rejectAll') === 'on',
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t(terms.submitReport)} className="grid-form">
      <label>
        {t(terms.reportFile)}
        <input name="reportFile" type="file" required />
      </label>
      <label>
        {t(terms.rejectAll)}
        <input name="rejectAll" type="checkbox" />
      </label>
      <div className="row">
        <button type="submit">{t(terms.submitReport)}</button>
      </div>
    </form>
  );
}

/** The committee's ranking: evaluated price (lowest price) or total score (comprehensive). */
export function CandidatesTable({
  candidates,
  terms = TENDER_EVALUATION_TERMS,
}: {
  candidates: RankedCandidate[];
  terms?: EvaluationTerms;
}) {
  const { t } = useI18n();
  // Only a tender's candidates can drop out: its API always carries the field, procurement never.
  const withdrawals = candidates.some((candidate) => candidate.withdrawal !== undefined);
  return (
    <Table
      headers={[
        t('rank'),
        t(terms.supplier),
        t(terms.price),
        t('evaluatedPrice'),
        t('totalScore'),
        ...(withdrawals ? [t('candidateWithdrawal')] : []),
      ]}
      testId="candidates"
    >
      {candidates.map((candidate) => (
        <tr
          key={candidate.bidId}
          data-rank={candidate.rank}
          data-withdrawn={candidate.withdrawal ? candidate.withdrawal.cause : undefined}
        >
          <td>
            {candidate.rank}
            {candidate.tieBrokenByLot ? ` (${t('tieBrokenByLot')})` : ''}
          </td>
          <td>{candidate.bidderName ?? '—'}</td>
          <td>
            <Money fen={candidate.price} />
          </td>
          <td>
            <Money fen={candidate.evaluatedPrice} />
          </td>
          <td>{candidate.totalScore ?? '—'}</td>
          {withdrawals && (
            <td>
              {candidate.withdrawal
                ? `${t(`withdrawalCause.${candidate.withdrawal.cause}` as const)}（${candidate.withdrawal.reason}，${candidate.withdrawal.recordedOn}）`
                : '—'}
            </td>
          )}
        </tr>
      ))}
    </Table>
  );
}

/** The signed contract: its day and the SHA-256 of the chosen file, computed in the browser. */
export function ContractForm({ base, act, children }: { base: string; act: Act; children?: ReactNode }) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get('contractFile');
    void act(async () =>
      post(`${base}/contract`, {
        signedOn: String(form.get('signedOn')),
        contractSha256: file instanceof File ? await sha256Of(file) : '',
      }),
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('recordContract')} className="grid-form">
      {children}
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

/** The award as published: the winner, its price, the notice, the contract once signed. */
export interface PublishedAward {
  winner: string | null;
  price: number | null;
  reason: string | null;
  noticeOn: string | null;
  contractDueOn: string | null;
  contract: { signedOn: string; contractSha256: string | null } | null;
}

/** 中标结果 / 成交结果: `labels` name the winner, the price and the notice for the project's kind. */
export function AwardFacts({
  award,
  labels,
  testId,
}: {
  award: PublishedAward;
  labels: { winner: MessageKey; price: MessageKey; noticeOn: MessageKey; reason: MessageKey };
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <dl className="facts" data-testid={testId}>
      <dt>{t(labels.winner)}</dt>
      <dd>{award.winner ?? '—'}</dd>
      <dt>{t(labels.price)}</dt>
      <dd>
        <Money fen={award.price} />
      </dd>
      <dt>{t(labels.noticeOn)}</dt>
      <dd>{award.noticeOn ?? '—'}</dd>
      {award.reason && (
        <>
          <dt>{t(labels.reason)}</dt>
          <dd>{award.reason}</dd>
        </>
      )}
      <dt>{t('contractDueOn')}</dt>
      <dd>{award.contractDueOn ?? '—'}</dd>
      {award.contract && (
        <>
          <dt>{t('contractSignedOn')}</dt>
          <dd data-testid="contract-signed-on">{award.contract.signedOn}</dd>
          <dt>{t('contractSha256')}</dt>
          <dd>
            <code className="hash">{award.contract.contractSha256}</code>
          </dd>
        </>
      )}
    </dl>
  );
}

/**
 * Choosing the winner among the ranked candidates: the first by default; another with a reason
 * (the API decides whether the project may pass over the first). POSTs `{bidId, reason?}` to `path`.
 */
export function CandidateChoiceForm({
  path,
  candidates,
  labels,
  act,
}: {
  path: string;
  candidates: Pick<RankedCandidate, 'rank' | 'bidId' | 'bidderName'>[];
  labels: { action: MessageKey; choice: MessageKey; reason: MessageKey };
  act: Act;
}) {
  const { t } = useI18n();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const reason = String(form.get('reason') ?? '').trim();
    void act(() => post(path, { bidId: String(form.get('bidId')), ...(reason ? { reason } : {}) }));
  };
  return (
    <form onSubmit={submit} aria-label={t(labels.action)} className="grid-form">
      <label>
        {t(labels.choice)}
        <select name="bidId" defaultValue={candidates[0]?.bidId}>
          {candidates.map((candidate) => (
            <option key={candidate.bidId} value={candidate.bidId}>
              {candidate.rank}. {candidate.bidderName}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t(labels.reason)}
        <input name="reason" maxLength={500} />
      </label>
      <div className="row">
        <button type="submit">{t(labels.action)}</button>
      </div>
    </form>
  );
}

/** A committee member's score on one bid for one criterion (comprehensive scoring). */
export interface MemberScore {
  memberId: string;
  bidId: string;
  criterionId: string;
  score: number;
}

/**
 * Comprehensive scoring: one member's whole set of scores (0–100) per live bid and scored
 * criterion, PUT to `${base}/evaluation/scores/:memberId` (the price criterion is the formula's).
 */
export function MemberScoresForm({
  base,
  criteria,
  evaluation,
  committee,
  act,
}: {
  base: string;
  criteria: { id: string; weight: number; kind: string }[];
  evaluation: EvaluationEntries & { scores: MemberScore[] };
  committee: Committee;
  act: Act;
}) {
  const { t } = useI18n();
  const [memberId, setMemberId] = useState(committee.members[0]?.expertId ?? '');
  const scored = criteria.filter((criterion) => criterion.kind === 'scored');
  const bids = liveBids(evaluation);
  const scoreOf = (bidId: string, criterionId: string) =>
    evaluation.scores.find(
      (one) => one.memberId === memberId && one.bidId === bidId && one.criterionId === criterionId,
    )?.score;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const scores = bids.flatMap((bid) =>
      scored.map((criterion) => ({
        bidId: bid.bidId,
        criterionId: criterion.id,
        score: Number(form.get(`score-${bid.bidId}-${criterion.id}`)),
      })),
    );
    void act(() => put(`${base}/evaluation/scores/${memberId}`, { scores }));
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
          {scored.map((criterion) => (
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
