import { type FormEvent, type ReactNode, useState } from 'react';
import { get, type Page, post } from '../api';
import { hasRole, useApp } from '../app-context';
import { ErrorMessage, Link, Loading, RequireRole, Table, useLoad } from '../components';
import { type MessageKey, useI18n } from '../i18n';
import { Refusal } from './refusal';
import { sha256Of } from './sealed-bids';

export type ComplaintLine = 'construction' | 'procurement' | 'lease' | 'transfer';
type ComplaintKind = 'challenge' | 'complaint';
type ComplaintStatus =
  'filed' | 'accepted' | 'rejected' | 'investigating' | 'upheld' | 'dismissed' | 'withdrawn';
type Remedy = 'corrected' | 're_run' | 'terminated';
interface Attachment {
  name: string;
  sha256: string;
}

/** A filing as its complainant, the supervisors (and staff, for a challenge) read it. */
interface Complaint {
  id: string;
  projectType: ComplaintLine;
  projectId: string;
  kind: ComplaintKind;
  stage: string;
  status: ComplaintStatus;
  filedOn: string;
  window: { opensOn: string; closesOn: string };
  acceptedOn: string | null;
  rejectionReason: string | null;
  decidedOn: string | null;
  withdrawnOn: string | null;
  grounds: string;
  attachments: Attachment[];
  /** Supervisors' view only: the complainant's own view leaves the investigation out. */
  documentRequests?: {
    id: string;
    addressee: string;
    requestedOn: string;
    dueOn: string;
    answeredOn: string | null;
    attachments: Attachment[];
  }[];
  suspension?: { suspendedOn: string; resumedOn: string | null; reason: string | null } | null;
  decision: {
    outcome: 'upheld' | 'dismissed';
    remedy: Remedy | null;
    foundFalse: boolean;
    reason: string;
  } | null;
  deadlines: {
    step: string;
    documentRequestId?: string;
    dueOn: string;
    metOn: string | null;
    late: boolean;
    overdue: boolean;
  }[];
  overdue: boolean;
}

/** A published decision (no sign-in): never the grounds, the files or the complainant. */
interface PublicDecision {
  id: string;
  projectType: ComplaintLine;
  projectId: string;
  kind: ComplaintKind;
  stage: string;
  decidedOn: string;
  decision: { outcome: 'upheld' | 'dismissed'; remedy: Remedy | null; reason: string };
}

const LINES: readonly ComplaintLine[] = ['construction', 'procurement', 'lease', 'transfer'];
const STATUSES: readonly ComplaintStatus[] = [
  'filed',
  'accepted',
  'rejected',
  'investigating',
  'upheld',
  'dismissed',
  'withdrawn',
];
/** Every stage a line may name (the words for them); each line's own list is the server's. */
const STAGES = [
  'announcement',
  'documents',
  'opening',
  'candidates',
  'bidding',
  'result',
  'contract',
  'other',
] as const;
/** GET /api/public/complaint-stages: each line's closed list, and which stages ask for knewOn. */
interface StageLists {
  items: { line: ComplaintLine; stages: { stage: string; knewOnRequired: boolean }[] }[];
}
const PENDING: readonly ComplaintStatus[] = ['filed', 'accepted', 'investigating'];
const PAGE_SIZE = 50;

/** Where each line's public project page lives. */
const PROJECT_PATH: Record<ComplaintLine, string> = {
  construction: '/tenders',
  procurement: '/procurements',
  lease: '/listings',
  transfer: '/transfers',
};

function useComplaintWords() {
  const { t } = useI18n();
  return {
    line: (line: ComplaintLine) => t(`complaints.line.${line}` as MessageKey),
    kind: (kind: ComplaintKind) => t(`complaints.kind.${kind}` as MessageKey),
    status: (status: ComplaintStatus) => t(`complaints.status.${status}` as MessageKey),
    step: (step: string) => t(`complaints.step.${step}` as MessageKey),
    stage: (stage: string) =>
      (STAGES as readonly string[]).includes(stage) ? t(`complaints.stage.${stage}` as MessageKey) : stage,
    decision: (decision: { outcome: 'upheld' | 'dismissed'; remedy: Remedy | null }) =>
      decision.outcome === 'upheld'
        ? `${t('complaints.outcome.upheld')} · ${t(`complaints.remedy.${decision.remedy ?? 'corrected'}` as MessageKey)}`
        : t('complaints.outcome.dismissed'),
  };
}

/** The link from a project's page to the complaint form, for a signed-in bidder. */
export function FileComplaintLink({ line, projectId }: { line: ComplaintLine; projectId: string }) {
  const { t } = useI18n();
  const { session } = useApp();
  if (!hasRole(session, 'bidder')) return null;
  return (
    <p>
      <Link to={`/me/complaints?projectType=${line}&projectId=${projectId}`}>{t('complaints.fileHere')}</Link>
    </p>
  );
}

/** The bidder's filings (status, next deadline, decision) and the form to file one. */
export function MyComplaintsPage() {
  const { t } = useI18n();
  const words = useComplaintWords();
  const { data, error, reload } = useLoad(
    () => get<Page<Complaint>>(`/me/complaints?limit=${PAGE_SIZE}`),
    [],
  );
  return (
    <RequireRole roles={['bidder']}>
      <h1>{t('complaints.mine')}</h1>
      <FileComplaintForm onFiled={reload} />
      <h2>{t('complaints.myList')}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table
          testId="my-complaints"
          headers={[
            t('complaints.kindLabel'),
            t('complaints.project'),
            t('complaints.statusLabel'),
            t('complaints.filedOn'),
            t('complaints.nextDeadline'),
            t('complaints.decision'),
          ]}
        >
          {data.items.map((complaint) => (
            <tr key={complaint.id} data-complaint={complaint.id}>
              <td>
                <Link to={`/complaints/${complaint.id}`}>{words.kind(complaint.kind)}</Link>
              </td>
              <td>
                {words.line(complaint.projectType)} · {words.stage(complaint.stage)}
              </td>
              <td>{words.status(complaint.status)}</td>
              <td>{complaint.filedOn}</td>
              <td>{nextDeadline(complaint, words.step)}</td>
              <td>{complaint.decision ? words.decision(complaint.decision) : ''}</td>
            </tr>
          ))}
        </Table>
      )}
    </RequireRole>
  );
}

const nextDeadline = (complaint: Complaint, step: (step: string) => string) => {
  const open = complaint.deadlines.find((deadline) => deadline.metOn === null);
  return open ? `${step(open.step)} ${open.dueOn}` : '';
};

function FileComplaintForm({ onFiled }: { onFiled: () => void }) {
  const { t } = useI18n();
  const words = useComplaintWords();
  const params = new URLSearchParams(location.search);
  const presetLine = params.get('projectType');
  const [line, setLine] = useState<ComplaintLine>(
    LINES.includes(presetLine as ComplaintLine) ? (presetLine as ComplaintLine) : 'construction',
  );
  const [error, setError] = useState<unknown>(null);
  const [filed, setFiled] = useState(false);
  // The line's stages are the server's closed list: a stage the line does not have is never offered.
  const stageLists = useLoad(() => get<StageLists>('/public/complaint-stages'), []);
  const stages = stageLists.data?.items.find((item) => item.line === line)?.stages ?? [];
  const [chosenStage, setStage] = useState('');
  const stage = stages.find((one) => one.stage === chosenStage) ?? stages[0];
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const files = data.getAll('files').filter((file): file is File => file instanceof File && file.size > 0);
    const challengeId = String(data.get('challengeId') ?? '').trim();
    const knewOn = String(data.get('knewOn') ?? '');
    try {
      await post('/complaints', {
        projectType: line,
        projectId: String(data.get('projectId') ?? '').trim(),
        kind: String(data.get('kind')),
        stage: stage?.stage ?? '',
        grounds: String(data.get('grounds') ?? '').trim(),
        attachments: await Promise.all(
          files.map(async (file) => ({ name: file.name, sha256: await sha256Of(file) })),
        ),
        ...(knewOn ? { knewOn } : {}),
        ...(challengeId ? { challengeId } : {}),
      });
      setError(null);
      setFiled(true);
      form.reset();
      setStage('');
      onFiled();
    } catch (failure) {
      setFiled(false);
      setError(failure);
    }
  };
  return (
    <form
      onSubmit={submit}
      aria-label={t('complaints.file')}
      className="grid-form"
      data-testid="file-complaint"
    >
      <h2>{t('complaints.file')}</h2>
      <p className="hint">{t('complaints.fileExplain')}</p>
      <label>
        {t('complaints.line')}
        <select
          name="projectType"
          value={line}
          onChange={(event) => setLine(event.target.value as ComplaintLine)}
        >
          {LINES.map((one) => (
            <option key={one} value={one}>
              {words.line(one)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('complaints.projectId')}
        <input name="projectId" required defaultValue={params.get('projectId') ?? ''} />
      </label>
      <label>
        {t('complaints.kindLabel')}
        <select name="kind" defaultValue="complaint">
          <option value="complaint">{words.kind('complaint')}</option>
          {line === 'procurement' && <option value="challenge">{words.kind('challenge')}</option>}
        </select>
      </label>
      {line === 'procurement' && (
        <label>
          {t('complaints.challengeId')}
          <input name="challengeId" />
        </label>
      )}
      <ErrorMessage error={stageLists.error} />
      <label>
        {t('complaints.stage')}
        <select name="stage" value={stage?.stage ?? ''} onChange={(event) => setStage(event.target.value)}>
          {stages.map((one) => (
            <option key={one.stage} value={one.stage}>
              {words.stage(one.stage)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('complaints.knewOn')}
        <input name="knewOn" type="date" required={stage?.knewOnRequired === true} />
      </label>
      {stage?.knewOnRequired && (
        <p className="hint" data-testid="knew-on-required">
          {t('complaints.knewOnRequired')}
        </p>
      )}
      <label>
        {t('complaints.grounds')}
        <textarea name="grounds" required maxLength={10_000} />
      </label>
      <label>
        {t('complaints.attachments')}
        <input name="files" type="file" multiple />
      </label>
      <Refusal error={error} />
      {filed && (
        <p role="status" data-testid="complaint-filed">
          {t('complaints.filed')}
        </p>
      )}
      <div className="row">
        <button type="submit" disabled={!stage}>
          {t('complaints.submit')}
        </button>
      </div>
    </form>
  );
}

/**
 * The supervisor's complaints desk (and staff's list of challenges to answer): filters, the next
 * deadline and whether a step is overdue.
 */
export function ComplaintsDeskPage({ staff = false }: { staff?: boolean }) {
  const { t } = useI18n();
  const words = useComplaintWords();
  const [filter, setFilter] = useState({ line: '', status: '', kind: staff ? 'challenge' : '', overdue: '' });
  const query = Object.entries(filter)
    .filter(([, value]) => value)
    .map(([key, value]) => `&${key}=${value}`)
    .join('');
  const { data, error } = useLoad(
    () => get<Page<Complaint>>(`/complaints?limit=${PAGE_SIZE}${query}`),
    [query],
  );
  const select = (name: keyof typeof filter, label: string, options: [string, string][]) => (
    <label>
      {label}{' '}
      <select value={filter[name]} onChange={(event) => setFilter({ ...filter, [name]: event.target.value })}>
        <option value="">{t('complaints.any')}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <RequireRole roles={staff ? ['staff'] : ['supervisor']}>
      <h1>{t(staff ? 'complaints.challengesDesk' : 'complaints.desk')}</h1>
      <div className="row" data-testid="complaint-filters">
        {select(
          'line',
          t('complaints.line'),
          LINES.map((line) => [line, words.line(line)]),
        )}
        {select(
          'status',
          t('complaints.statusLabel'),
          STATUSES.map((status) => [status, words.status(status)]),
        )}
        {!staff &&
          select('kind', t('complaints.kindLabel'), [
            ['complaint', words.kind('complaint')],
            ['challenge', words.kind('challenge')],
          ])}
        {select('overdue', t('complaints.overdueLabel'), [
          ['true', t('complaints.overdueOnly')],
          ['false', t('complaints.onTimeOnly')],
        ])}
      </div>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table
          testId="complaints-desk"
          headers={[
            t('complaints.kindLabel'),
            t('complaints.project'),
            t('complaints.statusLabel'),
            t('complaints.filedOn'),
            t('complaints.nextDeadline'),
            t('complaints.overdueLabel'),
          ]}
        >
          {data.items.map((complaint) => (
            <tr key={complaint.id} data-complaint={complaint.id}>
              <td>
                <Link to={`/complaints/${complaint.id}`}>{words.kind(complaint.kind)}</Link>
              </td>
              <td>
                {words.line(complaint.projectType)} · {words.stage(complaint.stage)}
              </td>
              <td>{words.status(complaint.status)}</td>
              <td>{complaint.filedOn}</td>
              <td>{nextDeadline(complaint, words.step)}</td>
              <td>{complaint.overdue ? <strong className="error">{t('complaints.overdue')}</strong> : ''}</td>
            </tr>
          ))}
        </Table>
      )}
    </RequireRole>
  );
}

/** One filing: what it says, its steps and deadlines, the decision; and the viewer's actions. */
export function ComplaintPage({ id }: { id: string }) {
  const { t } = useI18n();
  const words = useComplaintWords();
  const { session } = useApp();
  const { data: complaint, error, reload } = useLoad(() => get<Complaint>(`/complaints/${id}`), [id]);
  if (error) return <ErrorMessage error={error} />;
  if (!complaint) return <Loading />;
  const pending = PENDING.includes(complaint.status);
  const supervisor = hasRole(session, 'supervisor');
  const staffAnswers =
    hasRole(session, 'staff') && complaint.kind === 'challenge' && complaint.status === 'filed';
  return (
    <article data-testid="complaint" data-status={complaint.status}>
      <h1>
        {words.kind(complaint.kind)} · {words.line(complaint.projectType)}
      </h1>
      <dl className="facts">
        <dt>{t('complaints.statusLabel')}</dt>
        <dd data-testid="complaint-status">{words.status(complaint.status)}</dd>
        <dt>{t('complaints.project')}</dt>
        <dd>
          <Link to={`${PROJECT_PATH[complaint.projectType]}/${complaint.projectId}`}>
            {t('complaints.projectPage')}
          </Link>
        </dd>
        <dt>{t('complaints.stage')}</dt>
        <dd>{words.stage(complaint.stage)}</dd>
        <dt>{t('complaints.filedOn')}</dt>
        <dd>{complaint.filedOn}</dd>
        <dt>{t('complaints.window')}</dt>
        <dd>
          {complaint.window.opensOn} — {complaint.window.closesOn}
        </dd>
        {complaint.rejectionReason && (
          <>
            <dt>{t('complaints.rejectionReason')}</dt>
            <dd>{complaint.rejectionReason}</dd>
          </>
        )}
        {complaint.suspension && (
          <>
            <dt>{t('complaints.suspension')}</dt>
            <dd data-testid="complaint-suspension">
              {complaint.suspension.suspendedOn} — {complaint.suspension.resumedOn ?? ''}
            </dd>
          </>
        )}
      </dl>
      <h2>{t('complaints.grounds')}</h2>
      <p style={{ whiteSpace: 'pre-wrap' }}>{complaint.grounds}</p>
      {complaint.attachments.length > 0 && (
        <ul>
          {complaint.attachments.map((file) => (
            <li key={file.sha256 + file.name}>
              {file.name} <small className="digest">{file.sha256.slice(0, 12)}…</small>
            </li>
          ))}
        </ul>
      )}
      {complaint.decision && (
        <section aria-labelledby="decision-heading" data-testid="complaint-decision">
          <h2 id="decision-heading">{t('complaints.decision')}</h2>
          <p>
            <strong>{words.decision(complaint.decision)}</strong> · {complaint.decidedOn}
            {complaint.decision.foundFalse && ` · ${t('complaints.foundFalse')}`}
          </p>
          <p style={{ whiteSpace: 'pre-wrap' }}>{complaint.decision.reason}</p>
        </section>
      )}
      <h2>{t('complaints.deadlines')}</h2>
      <Table
        testId="complaint-deadlines"
        headers={[
          t('complaints.step'),
          t('complaints.dueOn'),
          t('complaints.metOn'),
          t('complaints.overdueLabel'),
        ]}
      >
        {complaint.deadlines.map((deadline) => (
          <tr key={deadline.step + (deadline.documentRequestId ?? '')} data-step={deadline.step}>
            <td>{words.step(deadline.step)}</td>
            <td>{deadline.dueOn}</td>
            <td>
              {deadline.metOn ?? ''}
              {deadline.late && ` · ${t('complaints.late')}`}
            </td>
            <td>{deadline.overdue ? <strong className="error">{t('complaints.overdue')}</strong> : ''}</td>
          </tr>
        ))}
      </Table>
      {complaint.documentRequests && complaint.documentRequests.length > 0 && (
        <>
          <h2>{t('complaints.documentRequests')}</h2>
          <ul data-testid="document-requests">
            {complaint.documentRequests.map((request) => (
              <li key={request.id}>
                {request.addressee} · {t('complaints.dueOn')} {request.dueOn}
                {request.answeredOn
                  ? ` · ${t('complaints.answeredOn')} ${request.answeredOn}`
                  : supervisor &&
                    pending && (
                      <AnswerDocumentsForm
                        complaintId={complaint.id}
                        requestId={request.id}
                        onDone={reload}
                      />
                    )}
              </li>
            ))}
          </ul>
        </>
      )}
      {supervisor && complaint.kind === 'complaint' && pending && (
        <SupervisorActions complaint={complaint} onDone={reload} />
      )}
      {supervisor && complaint.kind === 'challenge' && pending && (
        <p className="hint">{t('complaints.challengeIsStaffs')}</p>
      )}
      {staffAnswers && <DecideForm complaint={complaint} onDone={reload} />}
      {hasRole(session, 'bidder') && pending && <WithdrawButton id={complaint.id} onDone={reload} />}
    </article>
  );
}

/** A step's button; a refusal shows beside it in plain words. */
function Step({
  label,
  run,
  children,
}: {
  label: string;
  run: () => Promise<unknown>;
  children?: ReactNode;
}) {
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="row">
      {children}
      <button
        type="button"
        onClick={() =>
          void run().then(
            () => setError(null),
            (failure: unknown) => setError(failure),
          )
        }
      >
        {label}
      </button>
      <Refusal error={error} />
    </div>
  );
}

/** A step that needs a text (a reason), in its own small form. */
function TextStep({
  label,
  field,
  run,
}: {
  label: string;
  field: string;
  run: (text: string) => Promise<unknown>;
}) {
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      aria-label={label}
      className="grid-form"
      onSubmit={(event) => {
        event.preventDefault();
        const text = String(new FormData(event.currentTarget).get('text') ?? '').trim();
        void run(text).then(
          () => setError(null),
          (failure: unknown) => setError(failure),
        );
      }}
    >
      <label>
        {field}
        <input name="text" required maxLength={2000} />
      </label>
      <Refusal error={error} />
      <div className="row">
        <button type="submit">{label}</button>
      </div>
    </form>
  );
}

function SupervisorActions({ complaint, onDone }: { complaint: Complaint; onDone: () => void }) {
  const { t } = useI18n();
  const base = `/complaints/${complaint.id}`;
  const then = (call: Promise<unknown>) => call.then(onDone);
  const suspended = !!complaint.suspension && complaint.suspension.resumedOn === null;
  return (
    <section aria-labelledby="actions-heading" data-testid="supervisor-actions">
      <h2 id="actions-heading">{t('complaints.actions')}</h2>
      {complaint.status === 'filed' && (
        <>
          <Step label={t('complaints.accept')} run={() => then(post(`${base}/accept`))} />
          <TextStep
            label={t('complaints.reject')}
            field={t('reason')}
            run={(reason) => then(post(`${base}/reject`, { reason }))}
          />
        </>
      )}
      {complaint.status === 'accepted' && (
        <Step label={t('complaints.investigate')} run={() => then(post(`${base}/investigate`))} />
      )}
      {complaint.status === 'investigating' && (
        <>
          <RequestDocumentsForm complaintId={complaint.id} onDone={onDone} />
          <DecideForm complaint={complaint} onDone={onDone} />
        </>
      )}
      {suspended ? (
        <Step label={t('complaints.resumeProject')} run={() => then(post(`${base}/resume-project`))} />
      ) : (
        <TextStep
          label={t('complaints.suspendProject')}
          field={t('reason')}
          run={(reason) => then(post(`${base}/suspend-project`, { reason }))}
        />
      )}
    </section>
  );
}

function RequestDocumentsForm({ complaintId, onDone }: { complaintId: string; onDone: () => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    try {
      await post(`/complaints/${complaintId}/document-requests`, {
        addressee: String(data.get('addressee') ?? '').trim(),
        dueOn: String(data.get('dueOn') ?? ''),
      });
      setError(null);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t('complaints.requestDocuments')} className="grid-form">
      <label>
        {t('complaints.addressee')}
        <input name="addressee" required maxLength={200} />
      </label>
      <label>
        {t('complaints.dueOn')}
        <input name="dueOn" type="date" required />
      </label>
      <Refusal error={error} />
      <div className="row">
        <button type="submit">{t('complaints.requestDocuments')}</button>
      </div>
    </form>
  );
}

function AnswerDocumentsForm({
  complaintId,
  requestId,
  onDone,
}: {
  complaintId: string;
  requestId: string;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const files = new FormData(event.currentTarget)
      .getAll('files')
      .filter((file): file is File => file instanceof File && file.size > 0);
    try {
      await post(`/complaints/${complaintId}/document-requests/${requestId}/answer`, {
        attachments: await Promise.all(
          files.map(async (file) => ({ name: file.name, sha256: await sha256Of(file) })),
        ),
      });
      setError(null);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t('complaints.recordAnswer')} className="grid-form">
      <label>
        {t('complaints.attachments')}
        <input name="files" type="file" multiple />
      </label>
      <Refusal error={error} />
      <div className="row">
        <button type="submit">{t('complaints.recordAnswer')}</button>
      </div>
    </form>
  );
}

/** The decision: a supervisor's on a complaint, staff's answer to a challenge. */
function DecideForm({ complaint, onDone }: { complaint: Complaint; onDone: () => void }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<'upheld' | 'dismissed'>('upheld');
  const [foundFalse, setFoundFalse] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    try {
      await post(`/complaints/${complaint.id}/decide`, {
        outcome,
        ...(outcome === 'upheld' ? { remedy: String(data.get('remedy')) } : { foundFalse }),
        ...(outcome === 'dismissed' && foundFalse ? { banYears: Number(data.get('banYears')) } : {}),
        reason: String(data.get('reason') ?? '').trim(),
      });
      setError(null);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };
  const label = t(complaint.kind === 'challenge' ? 'complaints.answerChallenge' : 'complaints.decide');
  return (
    <form onSubmit={submit} aria-label={label} className="grid-form" data-testid="decide-complaint">
      <h2>{label}</h2>
      <label>
        {t('complaints.outcome')}
        <select
          value={outcome}
          onChange={(event) => setOutcome(event.target.value as 'upheld' | 'dismissed')}
        >
          <option value="upheld">{t('complaints.outcome.upheld')}</option>
          <option value="dismissed">{t('complaints.outcome.dismissed')}</option>
        </select>
      </label>
      {outcome === 'upheld' ? (
        <label>
          {t('complaints.remedy')}
          <select name="remedy" defaultValue="corrected">
            {(['corrected', 're_run', 'terminated'] as const).map((remedy) => (
              <option key={remedy} value={remedy}>
                {t(`complaints.remedy.${remedy}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      ) : (
        complaint.kind === 'complaint' && (
          <>
            <label>
              <input
                type="checkbox"
                checked={foundFalse}
                onChange={(event) => setFoundFalse(event.target.checked)}
              />{' '}
              {t('complaints.foundFalse')}
            </label>
            {foundFalse && (
              <label>
                {t('complaints.banYears')}
                <input name="banYears" type="number" min={1} max={3} defaultValue={1} required />
              </label>
            )}
          </>
        )
      )}
      <label>
        {t('complaints.decisionReason')}
        <textarea name="reason" required maxLength={10_000} />
      </label>
      <Refusal error={error} />
      <div className="row">
        <button type="submit">{label}</button>
      </div>
    </form>
  );
}

function WithdrawButton({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <Step label={t('complaints.withdraw')} run={() => post(`/complaints/${id}/withdraw`).then(onDone)} />
  );
}

/** The published decisions (no sign-in): the project and the decision, nothing of the filing. */
export function ComplaintDecisionsPage() {
  const { t } = useI18n();
  const words = useComplaintWords();
  const [offset, setOffset] = useState(0);
  const { data, error } = useLoad(
    () => get<Page<PublicDecision>>(`/public/complaint-decisions?limit=${PAGE_SIZE}&offset=${offset}`),
    [offset],
  );
  return (
    <section>
      <h1>{t('complaints.decisions')}</h1>
      <p>{t('complaints.decisionsExplain')}</p>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table
          testId="complaint-decisions"
          headers={[
            t('complaints.decidedOn'),
            t('complaints.project'),
            t('complaints.kindLabel'),
            t('complaints.decision'),
            t('complaints.decisionReason'),
          ]}
        >
          {data.items.map((item) => (
            <tr key={item.id} data-complaint={item.id}>
              <td>{item.decidedOn}</td>
              <td>
                <Link to={`${PROJECT_PATH[item.projectType]}/${item.projectId}`}>
                  {words.line(item.projectType)}
                </Link>{' '}
                · {words.stage(item.stage)}
              </td>
              <td>{words.kind(item.kind)}</td>
              <td>{words.decision(item.decision)}</td>
              <td style={{ whiteSpace: 'pre-wrap' }}>{item.decision.reason}</td>
            </tr>
          ))}
        </Table>
      )}
      {data && data.total > PAGE_SIZE && (
        <p className="row">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          >
            {t('credit.previous')}
          </button>
          <button
            type="button"
            disabled={offset + PAGE_SIZE >= data.total}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            {t('credit.next')}
          </button>
        </p>
      )}
    </section>
  );
}
