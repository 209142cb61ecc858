import { type FormEvent, useState } from 'react';
import { ApiError, type Deal, get, type Listing, type Page, patch, post, type Registration } from '../api';
import { useApp } from '../app-context';
import {
  DepositCell,
  ErrorMessage,
  Link,
  Loading,
  Money,
  RequireRole,
  StatusBadge,
  Time,
  useLoad,
  Table,
} from '../components';
import { fromZonedInput, toZonedInput } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { formatYuan, parseYuan } from '../money';
import { ListingTable, useListingList } from './listing-table';
import { LivePanelFor } from './supervisor';
import { OnSiteAuctionForm } from './on-site';

export function StaffConsole() {
  return (
    <RequireRole roles={['staff']}>
      <StaffHome />
    </RequireRole>
  );
}

function StaffHome() {
  const { t } = useI18n();
  const { data, error, reload } = useListingList();
  const [editing, setEditing] = useState<Listing | null>(null);
  return (
    <section>
      <h1>{t('staffConsole')}</h1>
      {editing ? (
        <ListingForm
          key={editing.id}
          listing={editing}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
          onClose={() => setEditing(null)}
        />
      ) : (
        <ListingForm onSaved={reload} />
      )}
      <h2>{t('listings')}</h2>
      <ListingTable
        listings={data}
        error={error}
        detailPath="/staff/listings"
        testId="staff-listings"
        showBiddingStart
        actions={(listing) =>
          listing.status === 'draft' && <EditButton listing={listing} onEdit={() => setEditing(listing)} />
        }
      />
      <DealsTable />
    </section>
  );
}

/** 编辑 for a draft; its accessible name says which listing, as rows of a table need. */
function EditButton({ listing, onEdit }: { listing: Listing; onEdit: () => void }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className="secondary"
      style={{ whiteSpace: 'nowrap' }}
      aria-label={`${t('edit')} ${listing.title}`}
      onClick={onEdit}
    >
      {t('edit')}
    </button>
  );
}

/** The words for each field the API may name in a VALIDATION_FAILED refusal. */
const FIELD_LABELS: Record<string, MessageKey> = {
  title: 'title',
  address: 'address',
  areaSqm: 'area',
  usage: 'usage',
  leaseTermMonths: 'term',
  startPrice: 'startPrice',
  increment: 'increment',
  deposit: 'deposit',
  reservePrice: 'reserve',
  registrationStartsAt: 'registration',
  registrationEndsAt: 'registration',
  biddingStartsAt: 'bidding',
  freeBiddingEndsAt: 'freeEnds',
  extensionSeconds: 'extension',
};

/** A refusal in plain words, and for invalid input which fields to look at. */
function FormError({ error }: { error: unknown }) {
  const { t } = useI18n();
  const fields =
    error instanceof ApiError && error.code === 'VALIDATION_FAILED' && Array.isArray(error.details)
      ? [
          ...new Set(
            (error.details as { field?: unknown }[])
              .map((detail) => FIELD_LABELS[String(detail.field)])
              .filter((key): key is MessageKey => Boolean(key))
              .map((key) => t(key)),
          ),
        ]
      : [];
  return (
    <>
      <ErrorMessage error={error} />
      {fields.length > 0 && (
        <p className="error" data-testid="form-fields">
          {t('checkFields')}
          {fields.join('、')}
        </p>
      )}
    </>
  );
}

const DATE_FIELDS = [
  'registrationStartsAt',
  'registrationEndsAt',
  'biddingStartsAt',
  'freeBiddingEndsAt',
] as const;

/**
 * The listing form: empty, it creates a draft; given a draft, it opens filled in and saves only
 * the fields that changed with PATCH (an empty reserve removes the reserve).
 */
function ListingForm({
  listing,
  onSaved,
  onClose,
}: {
  listing?: Listing;
  onSaved: () => void;
  onClose?: () => void;
}) {
  const { t } = useI18n();
  const { config, navigate } = useApp();
  const [error, setError] = useState<unknown>(null);
  const zone = config.timeZone;
  const at = (minutes: number) => toZonedInput(new Date(Date.now() + minutes * 60_000), zone);
  const dateInput = (iso: string) => toZonedInput(new Date(iso), zone);
  const yuanInput = (fen: number | null | undefined) => (fen == null ? '' : formatYuan(fen));
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const yuan = (name: string) => parseYuan(text(name));
    const reserve = text('reservePrice');
    const body: Record<string, unknown> = {
      title: text('title'),
      address: text('address'),
      areaSqm: Number(text('areaSqm')),
      usage: text('usage'),
      leaseTermMonths: Number(text('leaseTermMonths')),
      startPrice: yuan('startPrice'),
      increment: yuan('increment'),
      deposit: yuan('deposit'),
      reservePrice: reserve ? parseYuan(reserve) : null,
      extensionSeconds: Number(text('extensionSeconds')),
    };
    for (const field of DATE_FIELDS) body[field] = fromZonedInput(text(field), zone);
    try {
      if (listing) {
        // Only what changed: a date left alone keeps its exact instant.
        const changes = Object.fromEntries(
          Object.entries(body).filter(([field, value]) =>
            (DATE_FIELDS as readonly string[]).includes(field)
              ? text(field) !== dateInput(listing[field as (typeof DATE_FIELDS)[number]])
              : value !== (listing[field as keyof Listing] ?? null),
          ),
        );
        await patch<Listing>(`/lease-listings/${listing.id}`, changes);
        setError(null);
        onSaved();
      } else {
        if (body.reservePrice === null) delete body.reservePrice;
        const created = await post<Listing>('/lease-listings', body);
        setError(null);
        onSaved();
        navigate(`/staff/listings/${created.id}`);
      }
    } catch (failure) {
      setError(failure);
    }
  };
  const heading = listing ? t('editListing') : t('newListing');
  const fields = (
    <form onSubmit={onSubmit} className="grid-form" aria-label={heading}>
      <label>
        {t('title')}
        <input
          name="title"
          required
          maxLength={200}
          defaultValue={listing?.title}
          autoFocus={Boolean(listing)}
        />
      </label>
      <label>
        {t('address')}
        <input name="address" required maxLength={500} defaultValue={listing?.address} />
      </label>
      <label>
        {t('area')}
        <input
          name="areaSqm"
          inputMode="decimal"
          required
          defaultValue={listing ? String(listing.areaSqm) : '50'}
        />
      </label>
      <label>
        {t('usage')}
        <input name="usage" required defaultValue={listing?.usage ?? '商业'} maxLength={100} />
      </label>
      <label>
        {t('term')}
        <input
          name="leaseTermMonths"
          type="number"
          min={1}
          max={240}
          required
          defaultValue={listing?.leaseTermMonths ?? 36}
        />
      </label>
      <label>
        {t('startPrice')} ({t('yuan')})
        <input name="startPrice" inputMode="decimal" required defaultValue={yuanInput(listing?.startPrice)} />
      </label>
      <label>
        {t('increment')} ({t('yuan')})
        <input name="increment" inputMode="decimal" required defaultValue={yuanInput(listing?.increment)} />
      </label>
      <label>
        {t('deposit')} ({t('yuan')})
        <input name="deposit" inputMode="decimal" required defaultValue={yuanInput(listing?.deposit)} />
      </label>
      <label>
        {t('reserve')} ({t('yuan')})
        <input name="reservePrice" inputMode="decimal" defaultValue={yuanInput(listing?.reservePrice)} />
      </label>
      <label>
        {t('registration')} ⟶
        <input
          name="registrationStartsAt"
          type="datetime-local"
          step={1}
          required
          defaultValue={listing ? dateInput(listing.registrationStartsAt) : at(1)}
        />
      </label>
      <label>
        {t('registration')} ⟵
        <input
          name="registrationEndsAt"
          type="datetime-local"
          step={1}
          required
          defaultValue={listing ? dateInput(listing.registrationEndsAt) : at(60)}
        />
      </label>
      <label>
        {t('bidding')}
        <input
          name="biddingStartsAt"
          type="datetime-local"
          step={1}
          required
          defaultValue={listing ? dateInput(listing.biddingStartsAt) : at(60)}
        />
      </label>
      <label>
        {t('freeEnds')}
        <input
          name="freeBiddingEndsAt"
          type="datetime-local"
          step={1}
          required
          defaultValue={listing ? dateInput(listing.freeBiddingEndsAt) : at(90)}
        />
      </label>
      <label>
        {t('extension')}
        <input
          name="extensionSeconds"
          type="number"
          min={1}
          max={3600}
          required
          defaultValue={listing?.extensionSeconds ?? 300}
        />
      </label>
      <FormError error={error} />
      <div className="row">
        <button type="submit">{listing ? t('saveChanges') : t('create')}</button>
        {onClose && (
          <button type="button" className="secondary" onClick={onClose}>
            {t('cancel')}
          </button>
        )}
      </div>
    </form>
  );
  if (listing)
    return (
      <section className="panel" aria-labelledby="edit-listing-heading" data-testid="edit-listing">
        <h2 id="edit-listing-heading">{heading}</h2>
        {fields}
      </section>
    );
  return (
    <details className="panel">
      <summary>{heading}</summary>
      {fields}
    </details>
  );
}

export function StaffListingPage({ id }: { id: string }) {
  return (
    <RequireRole roles={['staff']}>
      <StaffListing id={id} />
    </RequireRole>
  );
}

function StaffListing({ id }: { id: string }) {
  const { t } = useI18n();
  const { data: listing, error, reload } = useLoad(() => get<Listing>(`/lease-listings/${id}`), [id]);
  const registrations = useLoad(
    () => get<Page<Registration>>(`/lease-listings/${id}/registrations?limit=1000`),
    [id],
  );
  const [actionError, setActionError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      setActionError(null);
    } catch (failure) {
      setActionError(failure);
    }
    reload();
    registrations.reload();
  };
  if (error) return <ErrorMessage error={error} />;
  if (!listing) return <Loading />;
  const askReason = (label: string) => {
    const reason = prompt(label);
    return reason && reason.trim() ? reason.trim() : null;
  };
  return (
    <section>
      <p>
        <Link to="/staff">{t('back')}</Link>
      </p>
      <h1>{listing.title}</h1>
      <p>
        <StatusBadge status={listing.status} /> · {t('reserve')}: <Money fen={listing.reservePrice ?? null} />
      </p>
      <div className="row">
        {listing.status === 'draft' && !editing && (
          <EditButton listing={listing} onEdit={() => setEditing(true)} />
        )}
        {listing.status === 'draft' && (
          <button type="button" onClick={() => act(() => post(`/lease-listings/${id}/publish`))}>
            {t('publish')}
          </button>
        )}
        {['draft', 'announced', 'suspended'].includes(listing.status) && (
          <button
            type="button"
            className="danger"
            onClick={() => {
              const reason = askReason(t('cancelReason'));
              if (reason) void act(() => post(`/lease-listings/${id}/cancel`, { reason }));
            }}
          >
            {t('cancelListing')}
          </button>
        )}
      </div>
      <ErrorMessage error={actionError} />
      {/* Closes by itself once the listing is no longer a draft (published from this page). */}
      {editing && listing.status === 'draft' && (
        <ListingForm
          key={listing.id}
          listing={listing}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
          onClose={() => setEditing(false)}
        />
      )}
      <h2>{t('applicants')}</h2>
      <ErrorMessage error={registrations.error} />
      {registrations.data && registrations.data.items.length === 0 && <p>{t('none')}</p>}
      {registrations.data && registrations.data.items.length > 0 && (
        <Table
          headers={[t('bidder'), t('status'), t('bidderCode'), t('deposit'), t('actions')]}
          testId="applicants"
        >
          {registrations.data.items.map((registration) => (
            <tr
              key={registration.id}
              data-registration-id={registration.id}
              data-status={registration.status}
            >
              <td>{registration.bidderName ?? registration.bidderId.slice(0, 8)}</td>
              <td>
                {t(`reg.${registration.status}` as const)}
                {registration.rejectReason ? ` · ${registration.rejectReason}` : ''}
              </td>
              <td>{registration.bidderCode ?? '—'}</td>
              <td>
                <DepositCell state={registration.depositState} receivedAt={registration.depositReceivedAt} />
              </td>
              <td>
                {registration.status === 'pending' && (
                  <div className="row">
                    <button
                      type="button"
                      onClick={() =>
                        act(() =>
                          post(`/lease-listings/${id}/registrations/${registration.id}/qualify`, {
                            depositReceived: true,
                          }),
                        )
                      }
                    >
                      {t('qualify')}
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        const reason = askReason(t('rejectReason'));
                        if (reason)
                          void act(() =>
                            post(`/lease-listings/${id}/registrations/${registration.id}/reject`, {
                              reason,
                            }),
                          );
                      }}
                    >
                      {t('reject')}
                    </button>
                  </div>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <OnSiteAuctionForm
        host={{
          path: `/lease-listings/${listing.id}`,
          depositHostType: 'lease',
          id: listing.id,
          // Only an announced listing can still be auctioned on site (the API says so too).
          open: listing.status === 'announced',
        }}
        registrations={registrations.data?.items ?? []}
        onSaved={reload}
      />
      {listing.status !== 'draft' && <LivePanelFor listing={listing} />}
    </section>
  );
}

export function DealsTable() {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<Page<Deal>>('/deals?limit=100'), []);
  return (
    <section aria-labelledby="deals-heading">
      <h2 id="deals-heading">{t('deals')}</h2>
      <ErrorMessage error={error} />
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table headers={[t('title'), t('dealAmount'), t('winner'), t('closedAt')]}>
          {data.items.map((deal) => (
            <tr key={deal.id}>
              <td>
                {deal.sourceType === 'lease_listing' && deal.sourceId ? (
                  <Link to={`/supervisor/listings/${deal.sourceId}`}>{deal.title}</Link>
                ) : (
                  deal.title
                )}
              </td>
              <td>
                <Money fen={deal.amount} />
              </td>
              <td>{deal.winner}</td>
              <td>
                <Time iso={deal.closedAt} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
