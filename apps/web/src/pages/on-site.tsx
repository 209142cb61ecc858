import { type FormEvent, useState } from 'react';
import { ApiError, get, type Page, post, type Registration } from '../api';
import { useApp } from '../app-context';
import { ErrorMessage, Money, Time, useLoad } from '../components';
import { fromZonedInput, toZonedInput } from '../format';
import { type MessageKey, useI18n } from '../i18n';
import { parseYuan } from '../money';

/** What POST …/on-site-auction answers (a lease's `listingId` or a transfer's `projectId`). */
interface OnSiteResult {
  id: string;
  outcome: 'sold' | 'unsold';
  status: string;
  hammerPrice: number | null;
  winnerId: string | null;
  winnerCode: string | null;
  dealAmount: number | null;
  heldAt: string;
}

/** The words for each field the API may name in a VALIDATION_FAILED refusal of the record. */
const FIELD_LABELS: Record<string, MessageKey> = {
  auctioneer: 'onSite.auctioneer',
  place: 'onSite.place',
  heldAt: 'onSite.heldAt',
  presentBidderIds: 'onSite.present',
  outcome: 'onSite.outcome',
  hammerPrice: 'onSite.hammerPrice',
  winnerId: 'winner',
  recordFileName: 'onSite.recordFile',
  recordFileSha256: 'onSite.recordFile',
};

/** Checkboxes and radios at their own size (the form's inputs are full width). */
const CHOICE = { width: 'auto', minHeight: 0, marginRight: 6 } as const;

/** The signed record's SHA-256, hex, computed here: the file itself never leaves the PC. */
async function sha256Hex(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** What hosts an on-site auction: a lease listing or a transfer project. */
export interface OnSiteHost {
  /** The REST path of the host, e.g. `/lease-listings/:id` or `/transfer-projects/:id`. */
  path: string;
  /** The deposits' name for the line: `lease` or `transfer`. */
  depositHostType: 'lease' | 'transfer';
  id: string;
  /** Whether the host can still be auctioned on site now (the API decides; this offers the form). */
  open: boolean;
}

/**
 * 现场拍卖记录: staff record an on-site auction of a lease listing (announced, after registration
 * closed) or a transfer project (its online auction without a bid): who was present (from the
 * qualified bidders), sold or not, the hammer price and winner, and the signed record's file by
 * name and hash.
 */
export function OnSiteAuctionForm({
  host,
  registrations,
  onSaved,
}: {
  host: OnSiteHost;
  registrations: Pick<Registration, 'id' | 'status' | 'bidderId' | 'bidderCode'>[];
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { config } = useApp();
  const zone = config.timeZone;
  const qualified = registrations.filter((registration) => registration.status === 'qualified');
  const [outcome, setOutcome] = useState<'sold' | 'unsold'>('sold');
  const [error, setError] = useState<unknown>(null);
  const [fileProblem, setFileProblem] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<OnSiteResult | null>(null);
  // Registrations carry no names; the host's deposits do (one per registration).
  const names = useLoad(async () => {
    const page = await get<Page<{ bidderId: string; bidderName: string }>>(
      `/deposits?hostType=${host.depositHostType}&hostId=${host.id}&limit=1000`,
    );
    return new Map(page.items.map((deposit) => [deposit.bidderId, deposit.bidderName]));
  }, [host.depositHostType, host.id]);
  const name = (registration: (typeof registrations)[number]) =>
    `${names.data?.get(registration.bidderId) ?? registration.bidderId.slice(0, 8)}${
      registration.bidderCode ? ` (${registration.bidderCode})` : ''
    }`;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (field: string) => String(form.get(field) ?? '').trim();
    const file = form.get('recordFile');
    if (!(file instanceof File) || file.size === 0) {
      setFileProblem(true);
      return;
    }
    setFileProblem(false);
    setBusy(true);
    try {
      const body: Record<string, unknown> = {
        auctioneer: text('auctioneer'),
        place: text('place'),
        heldAt: fromZonedInput(text('heldAt'), zone),
        presentBidderIds: form.getAll('present').map(String),
        outcome,
        recordFileName: file.name,
        recordFileSha256: await sha256Hex(file),
      };
      if (outcome === 'sold') {
        body.hammerPrice = parseYuan(text('hammerPrice'));
        body.winnerId = text('winnerId');
      }
      const saved = await post<OnSiteResult>(`${host.path}/on-site-auction`, body);
      setError(null);
      setResult(saved);
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (result)
    return (
      <OnSiteResultView
        result={result}
        winnerName={result.winnerId ? names.data?.get(result.winnerId) : undefined}
      />
    );
  if (!host.open) return null;
  const fields =
    error instanceof ApiError && error.code === 'VALIDATION_FAILED' && Array.isArray(error.details)
      ? [
          ...new Set(
            (error.details as { field?: unknown }[])
              .map((detail) => FIELD_LABELS[String(detail.field).split('.')[0]])
              .filter((key): key is MessageKey => Boolean(key))
              .map((key) => t(key)),
          ),
        ]
      : [];
  return (
    <section className="panel" aria-labelledby="on-site-heading" data-testid="on-site">
      <h2 id="on-site-heading">{t('onSite.title')}</h2>
      <p>{t('onSite.explain')}</p>
      <form onSubmit={onSubmit} className="grid-form" aria-label={t('onSite.title')}>
        <label>
          {t('onSite.auctioneer')}
          <input name="auctioneer" required maxLength={100} />
        </label>
        <label>
          {t('onSite.place')}
          <input name="place" required maxLength={500} />
        </label>
        <label>
          {t('onSite.heldAt')}
          <input
            name="heldAt"
            type="datetime-local"
            step={1}
            required
            defaultValue={toZonedInput(new Date(), zone).slice(0, 16)}
          />
        </label>
        <fieldset>
          <legend>{t('onSite.present')}</legend>
          {qualified.length === 0 && <p>{t('none')}</p>}
          {qualified.map((registration) => (
            <label key={registration.id} className="check">
              <input type="checkbox" style={CHOICE} name="present" value={registration.bidderId} />{' '}
              {name(registration)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('onSite.outcome')}</legend>
          <label className="check">
            <input
              type="radio"
              style={CHOICE}
              name="outcome"
              value="sold"
              checked={outcome === 'sold'}
              onChange={() => setOutcome('sold')}
            />{' '}
            {t('onSite.sold')}
          </label>
          <label className="check">
            <input
              type="radio"
              style={CHOICE}
              name="outcome"
              value="unsold"
              checked={outcome === 'unsold'}
              onChange={() => setOutcome('unsold')}
            />{' '}
            {t('onSite.unsold')}
          </label>
        </fieldset>
        {outcome === 'sold' && (
          <>
            <label>
              {t('onSite.hammerPrice')} ({t('yuanPerMonth')})
              <input name="hammerPrice" inputMode="decimal" required />
            </label>
            <label>
              {t('winner')}
              <select name="winnerId" required defaultValue="">
                <option value="" disabled>
                  {t('onSite.pickWinner')}
                </option>
                {qualified.map((registration) => (
                  <option key={registration.id} value={registration.bidderId}>
                    {name(registration)}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label>
          {t('onSite.recordFile')}
          <input name="recordFile" type="file" required />
        </label>
        {fileProblem && (
          <p className="error" role="alert">
            {t('onSite.fileMissing')}
          </p>
        )}
        <ErrorMessage error={error} />
        {fields.length > 0 && (
          <p className="error" data-testid="form-fields">
            {t('checkFields')}
            {fields.join('、')}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={busy}>
            {t('onSite.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function OnSiteResultView({ result, winnerName }: { result: OnSiteResult; winnerName?: string }) {
  const { t } = useI18n();
  return (
    <section
      className="panel"
      aria-labelledby="on-site-result-heading"
      data-testid="on-site-result"
      data-outcome={result.outcome}
    >
      <h2 id="on-site-result-heading">{t('onSite.saved')}</h2>
      <dl>
        <dt>{t('onSite.outcome')}</dt>
        <dd>{result.outcome === 'sold' ? t('onSite.sold') : t('onSite.unsold')}</dd>
        <dt>{t('onSite.heldAt')}</dt>
        <dd>
          <Time iso={result.heldAt} />
        </dd>
        {result.outcome === 'sold' && (
          <>
            <dt>{t('onSite.hammerPrice')}</dt>
            <dd>
              <Money fen={result.hammerPrice} />
            </dd>
            <dt>{t('winner')}</dt>
            <dd>
              {winnerName ?? '—'} {result.winnerCode ? `(${result.winnerCode})` : ''}
            </dd>
            <dt>{t('dealAmount')}</dt>
            <dd>
              <Money fen={result.dealAmount} />
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
