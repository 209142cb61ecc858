/**
 * Transaction-value reports (staff, supervisors, admins) and the public statistics page.
 * Loaded lazily from App.tsx: its own chunk, so no other page pays for it.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, get, getFile, type Page, post } from '../api';
import { useApp } from '../app-context';
import { ErrorMessage, Loading, Money, RequireRole, Table, Time, useLoad } from '../components';
import { toZonedInput } from '../format';
import { useI18n } from '../i18n';
import { periodErrorKey, periodLabel, reportText } from './reports-text';
import './reports.css';

type ReportStatus = 'queued' | 'running' | 'done' | 'failed';
type Grouping = 'month' | 'quarter' | 'year';

interface Figure {
  count: number;
  /** fen */
  amount: number;
  /** 万元, two decimals */
  amountWan: string;
}

interface CategoryFigure extends Figure {
  category: string;
  label: string;
  subtypes: (Figure & { subtype: string | null; label: string })[];
}

interface SeriesBucket extends Figure {
  key: string;
  label: string;
  categories: { category: string; count: number; amount: number }[];
}

/** GET /api/public/statistics; a report's result has these and more. */
export interface Statistics {
  from: string;
  to: string;
  period: string;
  total: Figure;
  categories: CategoryFigure[];
  series: SeriesBucket[];
  summary: string;
}

interface Report {
  id: string;
  kind: 'on_demand' | 'monthly' | 'half_year' | 'year';
  from: string;
  to: string;
  groupBy: Grouping;
  status: ReportStatus;
  progress: number;
  reason?: string;
  result?: Statistics & { groupBy: Grouping };
  createdAt: string;
}

const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
const POLL_MS = 700;

function useReportText() {
  const { lang } = useI18n();
  return reportText(lang);
}

/** Today's calendar date in the centre's zone, whatever the PC's own zone is. */
function centreToday(timeZone: string): string {
  return toZonedInput(new Date(), timeZone).slice(0, 10);
}

/** An API error with the period refusals in plain words. */
function PeriodError({ error }: { error: unknown }) {
  const { r } = useReportText();
  if (error instanceof ApiError) {
    const key = periodErrorKey(error.code, error.message);
    if (key) {
      return (
        <p className="error" role="alert" data-code={error.code}>
          {r(key)}
        </p>
      );
    }
  }
  return <ErrorMessage error={error} />;
}

function DateFields({
  from,
  to,
  onChange,
}: {
  from: string;
  to: string;
  onChange: (from: string, to: string) => void;
}) {
  const { r } = useReportText();
  return (
    <>
      <label>
        {r('from')}
        <input type="date" name="from" required value={from} onChange={(e) => onChange(e.target.value, to)} />
      </label>
      <label>
        {r('to')}
        <input type="date" name="to" required value={to} onChange={(e) => onChange(from, e.target.value)} />
      </label>
    </>
  );
}

export function ReportsPage() {
  return (
    <RequireRole roles={['staff', 'supervisor', 'admin']}>
      <ReportsHome />
    </RequireRole>
  );
}

function ReportsHome() {
  const { r } = useReportText();
  const { config } = useApp();
  const today = centreToday(config.timeZone);
  const [from, setFrom] = useState(`${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(today);
  const [groupBy, setGroupBy] = useState<Grouping>('month');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [currentId, setCurrentId] = useState<string | null>(null);
  const list = useLoad(() => get<Page<Report>>('/reports?limit=50'), []);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setBusy(true);
    try {
      const queued = await post<{ id: string }>('/reports/transactions', { from, to, groupBy });
      setError(null);
      setCurrentId(queued.id);
      list.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>{r('reports')}</h1>
      <form onSubmit={onSubmit} className="panel report-form" aria-label={r('newReport')}>
        <h2>{r('newReport')}</h2>
        <div className="row">
          <DateFields
            from={from}
            to={to}
            onChange={(nextFrom, nextTo) => {
              setFrom(nextFrom);
              setTo(nextTo);
            }}
          />
          <label>
            {r('groupBy')}
            <select name="groupBy" value={groupBy} onChange={(e) => setGroupBy(e.target.value as Grouping)}>
              {(['month', 'quarter', 'year'] as const).map((value) => (
                <option key={value} value={value}>
                  {r(`group.${value}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={busy}>
            {r('request')}
          </button>
        </div>
        <PeriodError error={error} />
      </form>
      {currentId && <ReportPanel key={currentId} id={currentId} onFinished={list.reload} />}
      <h2>{r('earlier')}</h2>
      <ErrorMessage error={list.error} />
      {!list.data && !list.error && <Loading />}
      {list.data && <ReportList reports={list.data.items} onShow={setCurrentId} />}
    </section>
  );
}

function ReportList({ reports, onShow }: { reports: Report[]; onShow: (id: string) => void }) {
  const { r } = useReportText();
  const { lang } = useI18n();
  if (reports.length === 0) return <p>{r('none')}</p>;
  return (
    <Table headers={[r('period'), r('kind'), r('status'), r('createdAt'), '']} testId="report-list">
      {reports.map((report) => (
        <tr
          key={report.id}
          data-report-id={report.id}
          data-kind={report.kind}
          data-status={report.status}
          data-from={report.from}
          data-to={report.to}
        >
          <td>{lang === 'zh' ? periodLabel(report.from, report.to) : `${report.from} – ${report.to}`}</td>
          <td>{r(`kind.${report.kind}`)}</td>
          <td>{r(`status.${report.status}`)}</td>
          <td>
            <Time iso={report.createdAt} />
          </td>
          <td>
            <button type="button" className="secondary" onClick={() => onShow(report.id)}>
              {r('show')}
            </button>
          </td>
        </tr>
      ))}
    </Table>
  );
}

/** One report: its progress until done (polled), then the result and the downloads. */
function ReportPanel({ id, onFinished }: { id: string; onFinished: () => void }) {
  const { r } = useReportText();
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await get<Report>(`/reports/${id}`);
        if (stopped) return;
        setReport(next);
        setError(null);
        if (next.status === 'done' || next.status === 'failed') {
          onFinished();
          return;
        }
      } catch (failure) {
        if (stopped) return;
        setError(failure);
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, onFinished]);

  return (
    <section className="report" aria-labelledby="report-heading" data-report-id={id}>
      <h2 id="report-heading">{report?.result?.period ?? r('summary')}</h2>
      <ErrorMessage error={error} />
      {!report && !error && <Loading />}
      {report && (
        <p
          role="status"
          data-testid="report-status"
          data-status={report.status}
          data-progress={report.progress}
        >
          {r('status')}: {r(`status.${report.status}`)}
          {report.status === 'running' && ` ${report.progress}%`}
          {report.status === 'failed' && (
            <>
              {' '}
              — {r('reason')}: <span data-testid="report-reason">{report.reason}</span>
            </>
          )}
        </p>
      )}
      {report && (report.status === 'queued' || report.status === 'running') && (
        <progress max={100} value={report.progress} aria-label={r('status')} />
      )}
      {report?.status === 'done' && report.result && (
        <>
          <StatisticsView statistics={report.result} />
          <Downloads id={id} />
        </>
      )}
    </section>
  );
}

function Downloads({ id }: { id: string }) {
  const { r } = useReportText();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const download = useCallback(
    async (format: (typeof FORMATS)[number]) => {
      setBusy(format);
      try {
        const file = await getFile(`/reports/${id}/export?format=${format}`);
        const url = URL.createObjectURL(file.blob);
        const anchor = document.createElement('a');
        anchor.href = url;
        anchor.download = file.fileName ?? `report.${format}`;
        document.body.append(anchor);
        anchor.click();
        anchor.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        setError(null);
      } catch (failure) {
        setError(failure);
      } finally {
        setBusy(null);
      }
    },
    [id],
  );
  return (
    <div className="downloads" role="group" aria-label={r('downloads')}>
      <span>{r('downloads')}:</span>
      {FORMATS.map((format) => (
        <button
          key={format}
          type="button"
          className="secondary"
          data-format={format}
          disabled={busy !== null}
          onClick={() => void download(format)}
        >
          {busy === format ? r('downloading') : r(format)}
        </button>
      ))}
      <PeriodError error={error} />
    </div>
  );
}

/** The sentence, the table by category and subtype, and the chart: shared by both pages. */
function StatisticsView({ statistics }: { statistics: Statistics }) {
  return (
    <>
      <p className="summary" data-testid="summary">
        {statistics.summary}
      </p>
      <CategoryTable statistics={statistics} />
      <BarChart series={statistics.series} categories={statistics.categories} />
    </>
  );
}

function CategoryTable({ statistics }: { statistics: Statistics }) {
  const { r, categoryName } = useReportText();
  const cells = (figure: Figure) => (
    <>
      <td className="num">{figure.count}</td>
      <td className="num">
        <Money fen={figure.amount} unit={false} />
      </td>
      <td className="num">{figure.amountWan}</td>
    </>
  );
  return (
    <Table headers={[r('category'), r('count'), r('amountYuan'), r('amountWan')]} testId="category-table">
      {statistics.categories.flatMap((category) => [
        <tr
          key={category.category}
          className="category"
          data-category={category.category}
          data-count={category.count}
          data-amount={category.amount}
        >
          <th scope="row">{categoryName(category.category, category.label)}</th>
          {cells(category)}
        </tr>,
        ...category.subtypes.map((subtype) => (
          <tr
            key={`${category.category}/${subtype.subtype}`}
            className="subtype"
            data-category={category.category}
            data-subtype={subtype.subtype ?? ''}
            data-count={subtype.count}
            data-amount={subtype.amount}
          >
            <th scope="row">{subtype.label}</th>
            {cells(subtype)}
          </tr>
        )),
      ])}
      <tr
        className="total"
        data-testid="total-row"
        data-count={statistics.total.count}
        data-amount={statistics.total.amount}
      >
        <th scope="row">{r('total')}</th>
        {cells(statistics.total)}
      </tr>
    </Table>
  );
}

/** Horizontal bars, one per category and period, scaled to the largest; values in data attributes. */
function BarChart({ series, categories }: { series: SeriesBucket[]; categories: CategoryFigure[] }) {
  const { r, categoryName } = useReportText();
  const names = new Map(
    categories.map((entry) => [entry.category, categoryName(entry.category, entry.label)]),
  );
  const largest = Math.max(1, ...series.flatMap((bucket) => bucket.categories.map((cell) => cell.amount)));
  return (
    <figure className="bar-chart" data-testid="chart">
      <figcaption>{r('chart')}</figcaption>
      <ul className="legend">
        {categories.map((entry) => (
          <li key={entry.category}>
            <span className={`swatch cat-${entry.category}`} aria-hidden="true" />
            {names.get(entry.category)}
          </li>
        ))}
      </ul>
      {series.map((bucket) => (
        <div className="chart-period" key={bucket.key} data-period={bucket.key}>
          <div className="chart-label">{bucket.label}</div>
          {bucket.categories.map((cell) => (
            <div className="chart-row" key={cell.category}>
              <span className="visually-hidden">{names.get(cell.category)}</span>
              <div className="chart-track">
                <div
                  className={`chart-bar cat-${cell.category}`}
                  data-testid="bar"
                  data-period={bucket.key}
                  data-category={cell.category}
                  data-count={cell.count}
                  data-amount={cell.amount}
                  style={{ width: `${(cell.amount / largest) * 100}%` }}
                />
              </div>
              <span className="chart-value">
                <Money fen={cell.amount} />
              </span>
            </div>
          ))}
        </div>
      ))}
    </figure>
  );
}

type Preset = 'custom' | 'thisYear' | 'lastYear' | 'thisMonth' | 'lastMonth' | 'firstHalf';

function presetPeriod(preset: Exclude<Preset, 'custom'>, today: string): [string, string] {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const pad = (n: number) => String(n).padStart(2, '0');
  const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  switch (preset) {
    case 'thisYear':
      return [`${year}-01-01`, today];
    case 'lastYear':
      return [`${year - 1}-01-01`, `${year - 1}-12-31`];
    case 'thisMonth':
      return [`${today.slice(0, 7)}-01`, today];
    case 'lastMonth': {
      const y = month === 1 ? year - 1 : year;
      const m = month === 1 ? 12 : month - 1;
      return [`${y}-${pad(m)}-01`, `${y}-${pad(m)}-${lastDay(y, m)}`];
    }
    case 'firstHalf':
      return [`${year}-01-01`, `${year}-06-30`];
  }
}

/** Anyone: counts and values per category for a period, and the centre's sentence. */
export function StatisticsPage() {
  const { r } = useReportText();
  const { config } = useApp();
  const today = centreToday(config.timeZone);
  const initial = new URLSearchParams(location.search);
  const [from, setFrom] = useState(initial.get('from') ?? `${today.slice(0, 4)}-01-01`);
  const [to, setTo] = useState(initial.get('to') ?? today);
  const [preset, setPreset] = useState<Preset>(
    initial.has('from') || initial.has('to') ? 'custom' : 'thisYear',
  );
  const [query, setQuery] = useState({ from, to });
  const { data, error } = useLoad(
    () => get<Statistics>(`/public/statistics?${new URLSearchParams(query).toString()}`),
    [query.from, query.to],
  );
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    history.replaceState(null, '', `/statistics?${new URLSearchParams({ from, to }).toString()}`);
    setQuery({ from, to });
  };
  return (
    <section>
      <h1>{r('statistics')}</h1>
      <p>{r('statisticsIntro')}</p>
      <form onSubmit={onSubmit} className="panel report-form" aria-label={r('statistics')}>
        <div className="row">
          <label>
            {r('preset')}
            <select
              name="preset"
              value={preset}
              onChange={(e) => {
                const next = e.target.value as Preset;
                setPreset(next);
                if (next !== 'custom') {
                  const [nextFrom, nextTo] = presetPeriod(next, today);
                  setFrom(nextFrom);
                  setTo(nextTo);
                }
              }}
            >
              {(['thisYear', 'lastYear', 'thisMonth', 'lastMonth', 'firstHalf', 'custom'] as const).map(
                (value) => (
                  <option key={value} value={value}>
                    {r(`preset.${value}`)}
                  </option>
                ),
              )}
            </select>
          </label>
          <DateFields
            from={from}
            to={to}
            onChange={(nextFrom, nextTo) => {
              setPreset('custom');
              setFrom(nextFrom);
              setTo(nextTo);
            }}
          />
          <button type="submit">{r('query')}</button>
        </div>
      </form>
      <PeriodError error={error} />
      {!data && !error && <Loading />}
      {data && !error && (
        <section aria-labelledby="statistics-heading" data-from={data.from} data-to={data.to}>
          <h2 id="statistics-heading">{data.period}</h2>
          <StatisticsView statistics={data} />
        </section>
      )}
    </section>
  );
}
