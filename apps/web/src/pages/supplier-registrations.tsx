import { useState } from 'react';
import { get, type Page, post } from '../api';
import { DepositCell, ErrorMessage, Table, useLoad } from '../components';
import { useI18n } from '../i18n';
import type { SupplierRegistration } from './sealed-bids';

/**
 * Staff qualify (deposit received) or reject each application while `decidable`. Qualifying, they
 * confirm the organisation's registered name (营业执照上的名称), prefilled with the applying
 * account's name for them to check against the licence: the public names the supplier by it, or
 * by its code alone when left empty.
 */
export function SupplierRegistrations({
  base,
  decidable,
  invited,
  onChange,
}: {
  /** /tenders/:id or /procurements/:id */
  base: string;
  decidable: boolean;
  /** An invited tender's picks (bidder ids): marked in the list. */
  invited?: string[];
  onChange: () => void;
}) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(
    () => get<Page<SupplierRegistration>>(`${base}/registrations?limit=200`),
    [base],
  );
  const [actionError, setActionError] = useState<unknown>(null);
  /** The names staff have typed, by registration; untouched rows show the account's name. */
  const [names, setNames] = useState<Record<string, string>>({});
  const nameOf = (registration: SupplierRegistration) =>
    names[registration.id] ?? registration.accountName ?? '';
  const decide = async (registration: SupplierRegistration, action: 'qualify' | 'reject') => {
    const organizationName = nameOf(registration).trim();
    try {
      await post(
        `${base}/registrations/${registration.id}/${action}`,
        action === 'qualify'
          ? { depositReceived: true, ...(organizationName === '' ? {} : { organizationName }) }
          : { reason: t('rejectDefaultReason') },
      );
      setActionError(null);
      reload();
      onChange();
    } catch (failure) {
      setActionError(failure);
    }
  };
  return (
    <section aria-labelledby="supplier-registrations-heading">
      <h2 id="supplier-registrations-heading">{t('suppliers')}</h2>
      <ErrorMessage error={error ?? actionError} />
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table
          headers={[
            t('organizationCode'),
            t('registeredOrganizationName'),
            t('applicantAccountName'),
            t('status'),
            t('bidderCode'),
            t('deposit'),
            t('actions'),
          ]}
          testId="supplier-registrations"
        >
          {data.items.map((registration) => (
            <tr
              key={registration.id}
              data-registration-id={registration.id}
              data-status={registration.status}
            >
              <td>
                <code>{registration.organizationCode}</code>
              </td>
              <td data-testid="organization-name">
                {registration.status === 'pending' && decidable ? (
                  <input
                    type="text"
                    maxLength={100}
                    aria-label={t('registeredOrganizationName')}
                    title={t('registeredOrganizationNameHint')}
                    value={nameOf(registration)}
                    onChange={(event) => setNames({ ...names, [registration.id]: event.target.value })}
                  />
                ) : (
                  (registration.organizationName ??
                  (registration.status === 'qualified' ? t('notConfirmed') : '—'))
                )}
              </td>
              <td>{registration.accountName ?? '—'}</td>
              <td>
                {t(`reg.${registration.status}` as const)}
                {invited?.includes(registration.bidderId) ? ` · ${t('invited')}` : ''}
              </td>
              <td>{registration.bidderCode ?? '—'}</td>
              <td>
                <DepositCell state={registration.depositState} receivedAt={registration.depositReceivedAt} />
              </td>
              <td>
                {registration.status === 'pending' && decidable && (
                  <>
                    <button type="button" onClick={() => decide(registration, 'qualify')}>
                      {t('qualifyWithDeposit')}
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => decide(registration, 'reject')}
                    >
                      {t('reject')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
