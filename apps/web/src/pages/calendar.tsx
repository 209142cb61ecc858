import { type FormEvent, useState } from 'react';
import { ApiError, get, type Page, put } from '../api';
import { hasRole, useApp } from '../app-context';
import { ErrorMessage, Loading, Table, Time, useLoad } from '../components';
import { type MessageKey, useI18n } from '../i18n';

interface CalendarYear {
  year: number;
  holidays: string[];
  workdays: string[];
  source: string;
  updatedAt: string;
}

interface Problem {
  field: string;
  date?: string;
  problem: string;
}

/** The server's problem sentences (libs/domain calendarYearProblems), in the page's language. */
const PROBLEM_KEYS: [RegExp, MessageKey][] = [
  [/^not a date/, 'calendar.problem.notDate'],
  [/^not in \d{4}/, 'calendar.problem.otherYear'],
  [/^listed twice/, 'calendar.problem.twice'],
  [/^also listed as a holiday/, 'calendar.problem.both'],
  [/^not a weekend day/, 'calendar.problem.notWeekend'],
];

/** Dates as staff paste them: one per line, or separated by commas or spaces. */
export function parseDates(text: string): string[] {
  return text
    .split(/[\s,，、;；]+/)
    .map((date) => date.trim())
    .filter(Boolean);
}

/**
 * The business-day calendar (工作日) every statutory period is counted with: anyone can read it
 * and work out a deadline; staff add a year and correct one (each change is audited).
 */
export function CalendarPage() {
  const { t } = useI18n();
  const { session } = useApp();
  const canEdit = hasRole(session, 'staff');
  const years = useLoad(() => get<Page<CalendarYear>>('/calendar'), []);
  const [open, setOpen] = useState<CalendarYear | null>(null);
  const [newYear, setNewYear] = useState('');

  const startNewYear = (event: FormEvent) => {
    event.preventDefault();
    const year = Number(newYear);
    const existing = years.data?.items.find((item) => item.year === year);
    setOpen(existing ?? { year, holidays: [], workdays: [], source: '', updatedAt: '' });
  };

  return (
    <section>
      <h1>{t('calendar.title')}</h1>
      <p>{t('calendar.explain')}</p>
      <DeadlineCalculator />
      <h2>{t('calendar.years')}</h2>
      <ErrorMessage error={years.error} />
      {!years.data && !years.error && <Loading />}
      {years.data && (
        <Table
          testId="calendar-years"
          headers={[
            t('calendar.year'),
            t('calendar.holidays'),
            t('calendar.workdays'),
            t('calendar.source'),
            t('calendar.updatedAt'),
            t('details'),
          ]}
        >
          {years.data.items.map((item) => (
            <tr key={item.year} data-year={item.year}>
              <th scope="row">{item.year}</th>
              <td>{item.holidays.length}</td>
              <td>{item.workdays.length}</td>
              <td>{item.source}</td>
              <td>
                <Time iso={item.updatedAt} />
              </td>
              <td>
                <button
                  type="button"
                  onClick={() => setOpen(item)}
                  aria-label={`${canEdit ? t('edit') : t('view')} ${item.year}`}
                >
                  {canEdit ? t('edit') : t('view')}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {canEdit && (
        <form className="row" onSubmit={startNewYear} data-testid="add-year">
          <label>
            {t('calendar.addYear')}
            <input
              type="number"
              inputMode="numeric"
              min={2000}
              max={2100}
              required
              value={newYear}
              onChange={(event) => setNewYear(event.target.value)}
            />
          </label>
          <button type="submit">{t('calendar.open')}</button>
        </form>
      )}
      {open && (
        <YearEditor
          key={open.year}
          year={open}
          canEdit={canEdit}
          onSaved={(saved) => {
            setOpen(saved);
            years.reload();
          }}
          onClose={() => setOpen(null)}
        />
      )}
    </section>
  );
}

function DeadlineCalculator() {
  const { t } = useI18n();
  const [from, setFrom] = useState('');
  const [days, setDays] = useState('20');
  const [answer, setAnswer] = useState<{ from: string; businessDays: number; date: string } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setAnswer(null);
    setError(null);
    try {
      const query = new URLSearchParams({ from, businessDays: days });
      setAnswer(await get(`/calendar/deadline?${query}`));
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <form className="panel" onSubmit={submit} aria-labelledby="deadline-heading" data-testid="deadline">
      <h2 id="deadline-heading">{t('calendar.deadline')}</h2>
      <label>
        {t('calendar.from')}
        <input type="date" required value={from} onChange={(event) => setFrom(event.target.value)} />
      </label>
      <label>
        {t('calendar.businessDays')}
        <input
          type="number"
          inputMode="numeric"
          min={0}
          max={1000}
          required
          value={days}
          onChange={(event) => setDays(event.target.value)}
        />
      </label>
      <button type="submit">{t('calendar.compute')}</button>
      <ErrorMessage error={error} />
      {answer && (
        <p role="status" data-testid="deadline-answer" data-date={answer.date}>
          {t('calendar.deadlineIs')} <strong>{answer.date}</strong>
        </p>
      )}
    </form>
  );
}

function YearEditor({
  year,
  canEdit,
  onSaved,
  onClose,
}: {
  year: CalendarYear;
  canEdit: boolean;
  onSaved: (saved: CalendarYear) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [holidays, setHolidays] = useState(year.holidays.join('\n'));
  const [workdays, setWorkdays] = useState(year.workdays.join('\n'));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const problems =
    error instanceof ApiError ? ((error.details as { problems?: Problem[] })?.problems ?? []) : [];

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const result = await put<CalendarYear>(`/calendar/${year.year}`, {
        holidays: parseDates(holidays),
        workdays: parseDates(workdays),
      });
      setSaved(true);
      onSaved(result);
    } catch (failure) {
      setError(failure);
    }
  };

  const problemText = (problem: Problem) => {
    const key = PROBLEM_KEYS.find(([pattern]) => pattern.test(problem.problem))?.[1];
    const field = problem.field === 'workdays' ? t('calendar.workdays') : t('calendar.holidays');
    return `${field} ${problem.date ?? ''}: ${key ? t(key) : problem.problem}`;
  };

  return (
    <form className="panel" onSubmit={save} aria-labelledby="year-heading" data-testid="year-editor">
      <h2 id="year-heading">
        {t('calendar.year')} {year.year}
      </h2>
      <label>
        {t('calendar.holidays')} <small>{t('calendar.oneDatePerLine')}</small>
        <textarea
          rows={8}
          readOnly={!canEdit}
          value={holidays}
          onChange={(event) => setHolidays(event.target.value)}
          data-testid="holidays"
        />
      </label>
      <label>
        {t('calendar.workdays')} <small>{t('calendar.workdaysHint')}</small>
        <textarea
          rows={4}
          readOnly={!canEdit}
          value={workdays}
          onChange={(event) => setWorkdays(event.target.value)}
          data-testid="workdays"
        />
      </label>
      <ErrorMessage error={error} />
      {problems.length > 0 && (
        <ul className="error" data-testid="problems">
          {problems.map((problem, index) => (
            <li key={index}>{problemText(problem)}</li>
          ))}
        </ul>
      )}
      {saved && <p role="status">{t('done')}</p>}
      <div className="row">
        {canEdit && <button type="submit">{t('calendar.save')}</button>}
        <button type="button" onClick={onClose}>
          {t('back')}
        </button>
      </div>
    </form>
  );
}
