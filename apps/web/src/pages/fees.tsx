import { type FormEvent, useState } from 'react';
import { get, getFile, type Page, post } from '../api';
import { ErrorMessage, Loading, Money, Table, Time, useLoad } from '../components';
import { hasRole, useApp } from '../app-context';
import { type MessageKey, useI18n } from '../i18n';

type FeeLine = 'construction' | 'procurement' | 'lease' | 'transfer';
const LINES: readonly FeeLine[] = ['lease', 'transfer', 'construction', 'procurement'];

/** A published schedule (GET /api/fee-schedules). */
interface FeeSchedule {
  id: string;
  line: FeeLine;
  effectiveFrom: string;
  basis: string;
  payer: 'winner' | 'owner';
  rule:
    | { kind: 'fixed'; amount: number }
    | {
        kind: 'banded';
        mode: 'marginal' | 'whole';
        bands: { upTo: number | null; ratePpm: number }[];
        minimum: number | null;
        maximum: number | null;
      };
}

/** 元 as typed → fen, exactly (two decimals at most); undefined when it is not an amount. */
function yuanToFen(text: string): number | undefined {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : undefined;
}

/** The fee schedules (收费标准): anyone reads them; an admin publishes one from a later day. */
export function FeeSchedulesPage() {
  const { t } = useI18n();
  const { session } = useApp();
  const { data, error, reload } = useLoad(() => get<Page<FeeSchedule>>('/fee-schedules'), []);
  return (
    <section>
      <h1>{t('fees.title')}</h1>
      <p>{t('fees.explain')}</p>
      {hasRole(session, 'admin') && <PublishScheduleForm onPublished={reload} />}
      <ErrorMessage error={error} />
      {data ? <SchedulesTable schedules={data.items} /> : !error && <Loading />}
    </section>
  );
}

function RuleText({ rule }: { rule: FeeSchedule['rule'] }) {
  const { t } = useI18n();
  if (rule.kind === 'fixed')
    return (
      <>
        {t('fees.fixed')} <Money fen={rule.amount} />
      </>
    );
  return (
    <>
      {t(`fees.mode.${rule.mode}` as MessageKey)}:{' '}
      {rule.bands
        .map(
          (band) => `${band.upTo === null ? '∞' : (band.upTo / 100).toFixed(2)} → ${band.ratePpm / 10_000}%`,
        )
        .join('; ')}
    </>
  );
}

function SchedulesTable({ schedules }: { schedules: FeeSchedule[] }) {
  const { t } = useI18n();
  if (schedules.length === 0) return <p>{t('none')}</p>;
  return (
    <Table
      testId="fee-schedules"
      headers={[t('fees.line'), t('fees.effectiveFrom'), t('fees.rule'), t('fees.payer'), t('fees.basis')]}
    >
      {schedules.map((schedule) => (
        <tr key={schedule.id} data-schedule={schedule.id}>
          <td>{t(`fees.line.${schedule.line}` as MessageKey)}</td>
          <td>{schedule.effectiveFrom}</td>
          <td>
            <RuleText rule={schedule.rule} />
          </td>
          <td>{t(`fees.payer.${schedule.payer}` as MessageKey)}</td>
          <td>{schedule.basis}</td>
        </tr>
      ))}
    </Table>
  );
}

/** A fixed fee or a table of bands (upper edge in 元, rate in %); the server checks the rest. */
function PublishScheduleForm({ onPublished }: { onPublished: () => void }) {
  const { t } = useI18n();
  const [line, setLine] = useState<FeeLine>('lease');
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [basis, setBasis] = useState('');
  const [payer, setPayer] = useState<'winner' | 'owner'>('winner');
  const [kind, setKind] = useState<'fixed' | 'banded'>('fixed');
  const [amount, setAmount] = useState('');
  const [mode, setMode] = useState<'marginal' | 'whole'>('marginal');
  const [bands, setBands] = useState('');
  const [error, setError] = useState<unknown>(null);

  const rule = () =>
    kind === 'fixed'
      ? { kind, amount: yuanToFen(amount) ?? amount }
      : {
          kind,
          mode,
          // One band a line: "upper edge in 元 (blank on the last), rate in %".
          bands: bands
            .split('\n')
            .filter((text) => text.trim())
            .map((text) => {
              const [edge, rate] = text.split(/[,，]/).map((part) => part.trim());
              return {
                upTo: edge ? (yuanToFen(edge) ?? edge) : null,
                ratePpm: Math.round(Number(rate) * 10_000),
              };
            }),
          minimum: null,
          maximum: null,
        };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await post('/fee-schedules', { line, effectiveFrom, basis: basis.trim(), payer, rule: rule() });
      setError(null);
      setBasis('');
      onPublished();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} data-testid="publish-schedule" className="stack">
      <div className="row">
        <label>
          {t('fees.line')}{' '}
          <select value={line} onChange={(event) => setLine(event.target.value as FeeLine)}>
            {LINES.map((value) => (
              <option key={value} value={value}>
                {t(`fees.line.${value}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('fees.effectiveFrom')}{' '}
          <input
            type="date"
            value={effectiveFrom}
            onChange={(event) => setEffectiveFrom(event.target.value)}
            required
          />
        </label>
        <label>
          {t('fees.payer')}{' '}
          <select value={payer} onChange={(event) => setPayer(event.target.value as 'winner' | 'owner')}>
            <option value="winner">{t('fees.payer.winner')}</option>
            <option value="owner">{t('fees.payer.owner')}</option>
          </select>
        </label>
      </div>
      <label>
        {t('fees.basis')}{' '}
        <input value={basis} onChange={(event) => setBasis(event.target.value)} required maxLength={500} />
      </label>
      <div className="row">
        <label>
          {t('fees.rule')}{' '}
          <select value={kind} onChange={(event) => setKind(event.target.value as 'fixed' | 'banded')}>
            <option value="fixed">{t('fees.fixed')}</option>
            <option value="banded">{t('fees.banded')}</option>
          </select>
        </label>
        {kind === 'fixed' ? (
          <label>
            {t('fees.amountYuan')}{' '}
            <input
              inputMode="decimal"
              value={amount}
              onChange={(event) => setAmount(event.target.value)}
              required
            />
          </label>
        ) : (
          <label>
            {t('fees.mode')}{' '}
            <select value={mode} onChange={(event) => setMode(event.target.value as 'marginal' | 'whole')}>
              <option value="marginal">{t('fees.mode.marginal')}</option>
              <option value="whole">{t('fees.mode.whole')}</option>
            </select>
          </label>
        )}
      </div>
      {kind === 'banded' && (
        <label>
          {t('fees.bands')}{' '}
          <textarea rows={4} value={bands} onChange={(event) => setBands(event.target.value)} required />
        </label>
      )}
      <button type="submit">{t('fees.publish')}</button>
      <ErrorMessage error={error} />
    </form>
  );
}

/** A deal as the review lists it (GET /api/supervision/deals). */
interface ReviewedDeal {
  id: string;
  category: string;
  subtype: string | null;
  sourceType: string;
  title: string;
  amount: number;
  fee: number | null;
  winner: string;
  closedAt: string;
  externalRef: string | null;
}

const CATEGORIES = ['construction', 'procurement', 'property_rights'] as const;

/** The supervisor's review of deal records: filters, the list, one deal's story, the export. */
export function DealReviewPanel() {
  const { t } = useI18n();
  const [filters, setFilters] = useState({
    category: '',
    from: '',
    to: '',
    party: '',
    minYuan: '',
    maxYuan: '',
  });
  const [applied, setApplied] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const { data, error } = useLoad(
    () => get<Page<ReviewedDeal>>(`/supervision/deals?limit=50${applied}`),
    [applied],
  );

  const query = () => {
    const params = new URLSearchParams();
    if (filters.category) params.set('category', filters.category);
    if (filters.from) params.set('from', filters.from);
    if (filters.to) params.set('to', filters.to);
    if (filters.party.trim()) params.set('party', filters.party.trim());
    const min = yuanToFen(filters.minYuan);
    const max = yuanToFen(filters.maxYuan);
    if (min !== undefined) params.set('minAmount', String(min));
    if (max !== undefined) params.set('maxAmount', String(max));
    const text = params.toString();
    return text ? `&${text}` : '';
  };
  const download = async (format: 'csv' | 'xlsx') => {
    try {
      const file = await getFile(`/supervision/deals/export?format=${format}${applied}`);
      const url = URL.createObjectURL(file.blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = file.fileName ?? `deals.${format}`;
      anchor.click();
      URL.revokeObjectURL(url);
      setExportError(null);
    } catch (failure) {
      setExportError(failure);
    }
  };
  const set = (field: keyof typeof filters) => (event: { target: { value: string } }) =>
    setFilters({ ...filters, [field]: event.target.value });
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading">{t('review.title')}</h2>
      <form
        className="row"
        data-testid="review-filters"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(query());
          setChosen(null);
        }}
      >
        <label>
          {t('review.category')}{' '}
          <select value={filters.category} onChange={set('category')}>
            <option value="">{t('review.all')}</option>
            {CATEGORIES.map((category) => (
              <option key={category} value={category}>
                {t(`review.category.${category}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('review.from')} <input type="date" value={filters.from} onChange={set('from')} />
        </label>
        <label>
          {t('review.to')} <input type="date" value={filters.to} onChange={set('to')} />
        </label>
        <label>
          {t('review.party')} <input value={filters.party} onChange={set('party')} maxLength={200} />
        </label>
        <label>
          {t('review.minYuan')}{' '}
          <input inputMode="decimal" value={filters.minYuan} onChange={set('minYuan')} />
        </label>
        <label>
          {t('review.maxYuan')}{' '}
          <input inputMode="decimal" value={filters.maxYuan} onChange={set('maxYuan')} />
        </label>
        <button type="submit">{t('review.apply')}</button>
      </form>
      <div className="row" role="group" aria-label={t('review.export')}>
        <span>{t('review.export')}:</span>
        <button type="button" className="secondary" onClick={() => void download('csv')}>
          CSV
        </button>
        <button type="button" className="secondary" onClick={() => void download('xlsx')}>
          XLSX
        </button>
      </div>
      <ErrorMessage error={exportError} />
      <ErrorMessage error={error} />
      {data ? (
        <>
          <p data-testid="review-total">
            {t('review.total')} {data.total}
          </p>
          <Table
            testId="review-deals"
            headers={[t('title'), t('dealAmount'), t('review.fee'), t('winner'), t('closedAt'), '']}
          >
            {data.items.map((deal) => (
              <tr key={deal.id} data-deal={deal.id}>
                <td>{deal.title}</td>
                <td>
                  <Money fen={deal.amount} />
                </td>
                <td>{deal.fee === null ? '—' : <Money fen={deal.fee} />}</td>
                <td>{deal.winner}</td>
                <td>
                  <Time iso={deal.closedAt} />
                </td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    aria-label={`${t('review.story')} ${deal.title}`}
                    onClick={() => setChosen(deal.id)}
                  >
                    {t('review.story')}
                  </button>
                </td>
              </tr>
            ))}
          </Table>
        </>
      ) : (
        !error && <Loading />
      )}
      {chosen && <DealStory id={chosen} />}
    </section>
  );
}

/** Section names of the story, in the order a process runs. */
const STORY_ORDER = [
  'announcement',
  'notices',
  'registrations',
  'deposits',
  'auction',
  'bids',
  'onSiteAuctions',
  'opening',
  'committeeDraws',
  'evaluation',
  'callOffs',
  'complaints',
  'alerts',
] as const;

/** One deal's whole story: each part as the tables hold it, the fee and the audit trail. */
function DealStory({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(
    () =>
      get<
        Record<string, unknown> & {
          deal: ReviewedDeal;
          fee: { status: string; amount: number | null; schedule: { basis: string } | null } | null;
          auditTrail: { seq: number; at: string; action: string; entityType: string }[];
        }
      >(`/supervision/deals/${id}`),
    [id],
  );
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading />;
  return (
    <article aria-labelledby="story-heading" data-testid="deal-story">
      <h3 id="story-heading">
        {t('review.story')}: {data.deal.title}
      </h3>
      <p data-testid="story-fee">
        {t('review.fee')}:{' '}
        {data.fee?.amount != null ? (
          <>
            <Money fen={data.fee.amount} /> ({data.fee.schedule?.basis})
          </>
        ) : (
          t('review.noFee')
        )}
      </p>
      {STORY_ORDER.filter((part) => data[part] !== undefined && data[part] !== null).map((part) => (
        <details key={part}>
          <summary>
            {t(`review.part.${part}` as MessageKey)}
            {Array.isArray(data[part]) ? ` (${(data[part] as unknown[]).length})` : ''}
          </summary>
          <pre className="story-json">{JSON.stringify(data[part], null, 2)}</pre>
        </details>
      ))}
      <h4>{t('review.trail')}</h4>
      <Table testId="story-trail" headers={['#', t('closedAt'), t('review.action')]}>
        {data.auditTrail.map((entry) => (
          <tr key={entry.seq}>
            <td>{entry.seq}</td>
            <td>
              <Time iso={entry.at} />
            </td>
            <td>{entry.action}</td>
          </tr>
        ))}
      </Table>
    </article>
  );
}
