import { useState } from 'react';
import { get, type Listing, type ListingStatus, type Page } from '../api';
import { ErrorMessage, Link, Loading, Money, StatusBadge, Time, useLoad, Table } from '../components';
import { useI18n } from '../i18n';

const STATUSES: ListingStatus[] = ['announced', 'bidding', 'suspended', 'sold', 'unsold', 'cancelled'];

export function ListingsPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<string>('');
  const { data, error } = useLoad(
    () => get<Page<Listing>>(`/lease-listings?limit=100${status ? `&status=${status}` : ''}`),
    [status],
  );
  return (
    <section>
      <h1>{t('listings')}</h1>
      <label className="inline">
        {t('filterStatus')}{' '}
        <select value={status} onChange={(event) => setStatus(event.target.value)}>
          <option value="">{t('allStatuses')}</option>
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {t(`status.${value}` as const)}
            </option>
          ))}
        </select>
      </label>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && <ListingCards listings={data.items} />}
    </section>
  );
}

export function ListingCards({ listings }: { listings: Listing[] }) {
  const { t } = useI18n();
  if (listings.length === 0) return <p>{t('none')}</p>;
  return (
    <ul className="cards" aria-label={t('listings')}>
      {listings.map((listing) => (
        <li key={listing.id} className="card" data-listing-id={listing.id}>
          <h2>
            <Link to={`/listings/${listing.id}`}>{listing.title}</Link>
          </h2>
          <StatusBadge status={listing.status} />
          <dl className="facts">
            <dt>{t('currentPrice')}</dt>
            <dd>
              <Money fen={listing.currentPrice ?? listing.startPrice} />
            </dd>
            <dt>{t('address')}</dt>
            <dd>{listing.address}</dd>
            <dt>{t('registration')}</dt>
            <dd>
              <Time iso={listing.registrationStartsAt} /> – <Time iso={listing.registrationEndsAt} />
            </dd>
            <dt>{t('bidding')}</dt>
            <dd>
              <Time iso={listing.biddingStartsAt} />
            </dd>
          </dl>
        </li>
      ))}
    </ul>
  );
}

/** Announcements of results (结果公示): every closed listing with its outcome. */
export function ResultsPage() {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const [sold, unsold] = await Promise.all([
      get<Page<Listing>>('/lease-listings?status=sold&limit=100'),
      get<Page<Listing>>('/lease-listings?status=unsold&limit=100'),
    ]);
    return [...sold.items, ...unsold.items].sort((a, b) =>
      (b.closedAt ?? '').localeCompare(a.closedAt ?? ''),
    );
  }, []);
  return (
    <section>
      <h1>{t('results')}</h1>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <p>{t('none')}</p>}
      {data && data.length > 0 && (
        <Table headers={[t('title'), t('status'), t('finalPrice'), t('winner'), t('closedAt')]}>
          {data.map((listing) => (
            <tr key={listing.id}>
              <td>
                <Link to={`/listings/${listing.id}`}>{listing.title}</Link>
              </td>
              <td>
                <StatusBadge status={listing.status} />
              </td>
              <td>
                <Money fen={listing.finalPrice} />
              </td>
              <td>{listing.winnerCode ?? '—'}</td>
              <td>
                <Time iso={listing.closedAt} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
