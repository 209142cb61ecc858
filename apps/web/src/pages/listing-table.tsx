import type { ReactNode } from 'react';
import { get, type Listing, type ListingStatus, type Page } from '../api';
import { ErrorMessage, Link, Loading, Money, StatusBadge, Table, Time, useLoad } from '../components';
import { useI18n } from '../i18n';

/** The most listings one table asks for, per status (the API's largest page). */
const PAGE_LIMIT = 200;

/**
 * Listings in the given statuses (every status when none is given), one page of each, as one
 * list. The API filters by a single status, so several statuses are several requests.
 */
export function useListingList(statuses?: readonly ListingStatus[]) {
  const key = statuses?.join(',') ?? '';
  return useLoad(async () => {
    if (!statuses) return (await get<Page<Listing>>(`/lease-listings?limit=${PAGE_LIMIT}`)).items;
    const pages = await Promise.all(
      statuses.map((status) => get<Page<Listing>>(`/lease-listings?status=${status}&limit=${PAGE_LIMIT}`)),
    );
    return pages.flatMap((page) => page.items);
  }, [key]);
}

/**
 * The listing table of the staff console and the supervisor desk: loading, error or "none",
 * then a row per listing whose title opens it under `detailPath`, and the role's own actions.
 */
export function ListingTable({
  listings,
  error,
  detailPath,
  testId,
  showBiddingStart = false,
  actions,
}: {
  listings: Listing[] | null;
  error: unknown;
  /** Where a title leads: `${detailPath}/${id}`. */
  detailPath: string;
  testId: string;
  /** A column with the time bidding starts, after the status. */
  showBiddingStart?: boolean;
  actions: (listing: Listing) => ReactNode;
}) {
  const { t } = useI18n();
  // A failed reload keeps the rows it had under the error, as useLoad keeps its data.
  if (!listings) return error ? <ErrorMessage error={error} /> : <Loading />;
  const headers = [
    t('title'),
    t('status'),
    ...(showBiddingStart ? [t('bidding')] : []),
    t('currentPrice'),
    t('actions'),
  ];
  const rows =
    listings.length === 0 ? (
      <p>{t('none')}</p>
    ) : (
      <Table headers={headers} testId={testId}>
        {listings.map((listing) => (
          <tr key={listing.id} data-listing-id={listing.id}>
            <td>
              <Link to={`${detailPath}/${listing.id}`}>{listing.title}</Link>
            </td>
            <td>
              <StatusBadge status={listing.status} />
            </td>
            {showBiddingStart && (
              <td>
                <Time iso={listing.biddingStartsAt} />
              </td>
            )}
            <td>
              <Money fen={listing.currentPrice} />
            </td>
            <td>{actions(listing)}</td>
          </tr>
        ))}
      </Table>
    );
  return (
    <>
      <ErrorMessage error={error} />
      {rows}
    </>
  );
}
