import { type FormEvent, useState } from 'react';
import { get, type Page } from '../api';
import { ErrorMessage, Link, Loading, Table, Time, useLoad } from '../components';
import { type MessageKey, useI18n } from '../i18n';

const PAGE_SIZE = 20;
const LINES = ['construction', 'procurement', 'transfer', 'lease'] as const;
const KINDS = [
  'notice',
  'amendment',
  'clarification',
  'opening_record',
  'candidates',
  'result',
  'termination',
] as const;

interface Announcement {
  id: string;
  line: (typeof LINES)[number];
  kind: (typeof KINDS)[number];
  title: string;
  label: string;
  projectId: string;
  projectCode: string;
  projectTitle: string;
  publishedAt: string;
  text: string | null;
}

/** The project's own public page in the web app. */
const PROJECT_PAGE: Record<Announcement['line'], string> = {
  construction: '/tenders',
  procurement: '/procurements',
  transfer: '/transfers',
  lease: '/listings',
};

const lineKey = (line: string) => `announcements.line.${line}` as MessageKey;
const kindKey = (kind: string) => `announcements.kind.${kind}` as MessageKey;

/** 交易公告: every line's announcements, searchable by title or project code, without signing in. */
export function AnnouncementsPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState({ q: '', line: '', kind: '' });
  const [draft, setDraft] = useState(filter);
  const [offset, setOffset] = useState(0);
  const { data, error } = useLoad(() => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(offset) });
    for (const [key, value] of Object.entries(filter)) if (value.trim()) query.set(key, value.trim());
    return get<Page<Announcement>>(`/public/announcements?${query}`);
  }, [filter, offset]);
  const search = (event: FormEvent) => {
    event.preventDefault();
    setOffset(0);
    setFilter(draft);
  };
  return (
    <section>
      <h1>{t('announcements.title')}</h1>
      <p>
        {t('announcements.explain')}{' '}
        <a href="/api/public/feed.atom" type="application/atom+xml" data-testid="atom-feed">
          {t('announcements.feed')}
        </a>
      </p>
      <form className="row" onSubmit={search} role="search">
        <label>
          {t('announcements.search')}
          <input
            type="search"
            maxLength={100}
            value={draft.q}
            onChange={(event) => setDraft({ ...draft, q: event.target.value })}
          />
        </label>
        <label>
          {t('announcements.lineLabel')}
          <select value={draft.line} onChange={(event) => setDraft({ ...draft, line: event.target.value })}>
            <option value="">{t('announcements.any')}</option>
            {LINES.map((line) => (
              <option key={line} value={line}>
                {t(lineKey(line))}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('announcements.kindLabel')}
          <select value={draft.kind} onChange={(event) => setDraft({ ...draft, kind: event.target.value })}>
            <option value="">{t('announcements.any')}</option>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(kindKey(kind))}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t('announcements.submit')}</button>
      </form>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table
          testId="announcements"
          headers={[
            t('announcements.heading'),
            t('announcements.lineLabel'),
            t('announcements.kindLabel'),
            t('announcements.code'),
            t('announcements.publishedAt'),
          ]}
        >
          {data.items.map((item) => (
            <tr key={item.id} data-kind={item.kind}>
              <td>
                <Link to={`/announcements/${item.id}`}>{item.title}</Link>
              </td>
              <td>{t(lineKey(item.line))}</td>
              <td>{t(kindKey(item.kind))}</td>
              <td>{item.projectCode}</td>
              <td>
                <Time iso={item.publishedAt} />
              </td>
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
          <span>
            {offset + 1}–{Math.min(offset + PAGE_SIZE, data.total)} / {data.total}
          </span>
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

/** One announcement: what was published, when, and the project's page with the whole record. */
export function AnnouncementPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<Announcement>(`/public/announcements/${id}`), [id]);
  return (
    <section>
      <p>
        <Link to="/announcements">{t('announcements.back')}</Link>
      </p>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && (
        <article data-testid="announcement">
          <h1>{data.title}</h1>
          <dl>
            <dt>{t('announcements.kindLabel')}</dt>
            <dd>{t(kindKey(data.kind))}</dd>
            <dt>{t('announcements.lineLabel')}</dt>
            <dd>{t(lineKey(data.line))}</dd>
            <dt>{t('announcements.code')}</dt>
            <dd>{data.projectCode}</dd>
            <dt>{t('announcements.publishedAt')}</dt>
            <dd>
              <Time iso={data.publishedAt} seconds />
            </dd>
          </dl>
          {data.text && <p data-testid="announcement-text">{data.text}</p>}
          <p>
            <Link to={`${PROJECT_PAGE[data.line]}/${data.projectId}`}>{t('announcements.project')}</Link>
          </p>
        </article>
      )}
    </section>
  );
}
