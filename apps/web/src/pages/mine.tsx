import { get, type Listing, type Page, type Registration } from '../api';
import { ErrorMessage, DepositCell, Link, Loading, RequireRole, useLoad, Table } from '../components';
import { useI18n } from '../i18n';
import { MyDeposits } from './deposits';
import { MyTransferRegistrations } from './transfers';
import { MyTenderBids } from './tenders';
import { MyProcurementResponses } from './procurements';

export function MyRegistrationsPage() {
  return (
    <RequireRole roles={['bidder']}>
      <MyRegistrations />
      <MyTransferRegistrations />
      <MyTenderBids />
      <MyProcurementResponses />
    </RequireRole>
  );
}

function MyRegistrations() {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const page = await get<Page<Registration>>('/me/lease-registrations?limit=1000');
    const titles = await Promise.all(
      page.items.map((item) =>
        get<Listing>(`/lease-listings/${item.listingId}`).then(
          (listing) => listing.title,
          () => item.listingId,
        ),
      ),
    );
    return page.items.map((item, index) => ({ ...item, listingTitle: titles[index] }));
  }, []);
  return (
    <section>
      <h1>{t('myRegistrations')}</h1>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <p>{t('none')}</p>}
      {data && data.length > 0 && (
        <Table headers={[t('title'), t('status'), t('bidderCode'), t('deposit')]}>
          {data.map((item) => (
            <tr key={item.id} data-registration-status={item.status}>
              <td>
                <Link to={`/listings/${item.listingId}`}>{item.listingTitle}</Link>
              </td>
              <td>
                {t(`reg.${item.status}` as const)}
                {item.rejectReason ? ` · ${item.rejectReason}` : ''}
              </td>
              <td>{item.bidderCode ?? '—'}</td>
              <td>
                <DepositCell state={item.depositState} receivedAt={item.depositReceivedAt} />
              </td>
            </tr>
          ))}
        </Table>
      )}
      <MyDeposits />
    </section>
  );
}
