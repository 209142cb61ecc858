import { type FormEvent, memo, useEffect, useMemo, useRef, useState } from 'react';
import { get, type Listing, newClientBidId, type Page, post, type Registration } from '../api';
import { hasRole, useApp } from '../app-context';
import { ErrorMessage, Link, Loading, Money, StatusBadge, Time, useLoad, Table } from '../components';
import { formatDuration, msUntilCountdownChanges } from '../format';
import { useI18n } from '../i18n';
import { type BidOutcome, LiveRoom, type LiveState } from '../live-room';
import { formatYuan, parseYuan, toChineseCapital } from '../money';
import { ReauthDialog } from './reauth';
import { FileComplaintLink } from './complaints';

export function useLiveRoom(listingId: string, enabled: boolean) {
  const { config, session } = useApp();
  const [state, setState] = useState<LiveState | null>(null);
  const [room, setRoom] = useState<LiveRoom | null>(null);
  const token = session?.token ?? null;
  // A new socket for another user; a fresh token for the same user goes over the open one.
  const userId = session?.user.id ?? null;
  const tokenRef = useRef(token);
  useEffect(() => {
    tokenRef.current = token;
    room?.updateToken(token);
  }, [room, token]);
  useEffect(() => {
    if (!enabled) return;
    const live = new LiveRoom(config.gatewayUrl, listingId, tokenRef.current);
    setRoom(live);
    const unsubscribe = live.subscribe(setState);
    return () => {
      unsubscribe();
      live.close();
    };
  }, [config.gatewayUrl, listingId, userId, enabled]);
  return { state, room };
}

/**
 * What the live room needs from whatever hosts the auction (a lease listing, a transfer
 * project): its schedule, its prices and the unit its price is quoted in.
 */
export type LiveTerms = Pick<
  Listing,
  'status' | 'startPrice' | 'increment' | 'biddingStartsAt' | 'freeBiddingEndsAt' | 'extensionSeconds'
> & { priceUnit?: 'yuanPerMonth' | 'yuan' };

export function ListingPage({ id }: { id: string }) {
  const { data: listing, error, reload } = useLoad(() => get<Listing>(`/lease-listings/${id}`), [id]);
  const { state, room } = useLiveRoom(id, !!listing && listing.status !== 'draft');
  // A status change (opened, suspended, resumed) can move the schedule: read it again.
  const liveStatus = state?.status;
  useEffect(() => {
    if (liveStatus) reload();
  }, [liveStatus, reload]);

  if (error) return <ErrorMessage error={error} />;
  if (!listing) return <Loading />;
  return (
    <article className="listing">
      <h1>{listing.title}</h1>
      <p>
        <StatusBadge status={state?.status ?? listing.status} /> {listing.code && <span>{listing.code}</span>}
      </p>
      <FileComplaintLink line="lease" projectId={listing.id} />
      {state && room && <LiveRoomPanel listing={listing} state={state} room={room} />}
      <ApplyBox listing={listing} />
      <ListingFacts listing={listing} />
      {state && <Ledger state={state} />}
    </article>
  );
}

/** Memoised: the facts do not change while bids land and the page around them re-renders. */
const ListingFacts = memo(function ListingFacts({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="facts-heading">
      <h2 id="facts-heading">{t('details')}</h2>
      <dl className="facts">
        <dt>{t('address')}</dt>
        <dd>{listing.address}</dd>
        <dt>{t('area')}</dt>
        <dd>{listing.areaSqm}</dd>
        <dt>{t('usage')}</dt>
        <dd>{listing.usage}</dd>
        <dt>{t('term')}</dt>
        <dd>{listing.leaseTermMonths}</dd>
        <dt>{t('startPrice')}</dt>
        <dd>
          <Money fen={listing.startPrice} />
        </dd>
        <dt>{t('increment')}</dt>
        <dd>
          <Money fen={listing.increment} />
        </dd>
        <dt>{t('deposit')}</dt>
        <dd>
          <Money fen={listing.deposit} />
        </dd>
        <dt>{t('hasReserve')}</dt>
        <dd>{listing.hasReserve ? '✓' : '—'}</dd>
        <dt>{t('registration')}</dt>
        <dd>
          <Time iso={listing.registrationStartsAt} /> – <Time iso={listing.registrationEndsAt} />
        </dd>
        <dt>{t('bidding')}</dt>
        <dd>
          <Time iso={listing.biddingStartsAt} />
        </dd>
        <dt>{t('freeEnds')}</dt>
        <dd>
          <Time iso={listing.freeBiddingEndsAt} />
        </dd>
        <dt>{t('extension')}</dt>
        <dd>{listing.extensionSeconds}</dd>
      </dl>
      {listing.reason && (
        <p className="notice">
          {t('reason')}: {listing.reason}
        </p>
      )}
    </section>
  );
});

function ApplyBox({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  const { session } = useApp();
  const isBidder = hasRole(session, 'bidder');
  const { data: mine, reload } = useLoad(
    () =>
      isBidder
        ? get<Page<Registration>>(`/me/lease-registrations?limit=1000`).then((page) =>
            page.items.find((item) => item.listingId === listing.id),
          )
        : Promise.resolve(undefined),
    [isBidder, listing.id],
  );
  const [error, setError] = useState<unknown>(null);
  if (listing.status !== 'announced' && !mine) return null;
  if (!session)
    return (
      <p>
        <Link to={`/login?next=/listings/${listing.id}`}>{t('signInToApply')}</Link>
      </p>
    );
  if (!isBidder) return null;
  if (mine) {
    return (
      <p className="notice" data-testid="my-registration" data-status={mine.status}>
        {t(`reg.${mine.status}` as const)}
        {mine.bidderCode && (
          <>
            {' '}
            · {t('yourCode')}: <strong>{mine.bidderCode}</strong>
          </>
        )}
        {mine.status === 'pending' && <> · {t('applied')}</>}
      </p>
    );
  }
  const apply = async () => {
    try {
      await post(`/lease-listings/${listing.id}/registrations`);
      setError(null);
      reload();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <div>
      <button type="button" onClick={apply}>
        {t('apply')}
      </button>
      <ErrorMessage error={error} />
    </div>
  );
}

function Countdown({ listing, state, room }: { listing: LiveTerms; state: LiveState; room: LiveRoom }) {
  const { t } = useI18n();
  const status = state.status ?? listing.status;
  const [, setTick] = useState(0);
  const now = room.serverNow();
  const freeEnds = new Date(listing.freeBiddingEndsAt).getTime();
  const extensions = state.bids.filter((bid) => new Date(bid.at).getTime() > freeEnds).length;
  let label = '';
  let remaining: number | null;
  let phase: string | null = null;
  if (status === 'announced') {
    label = t('untilStart');
    remaining = new Date(listing.biddingStartsAt).getTime() - now;
  } else if (status === 'bidding') {
    if (now < freeEnds) {
      phase = t('freePhase');
      label = t('untilFreeEnds');
      remaining = freeEnds - now;
    } else {
      phase = t('timedPhase');
      label = t('untilEnd');
      remaining = state.endsAt ? new Date(state.endsAt).getTime() - now : null;
    }
  } else if (status === 'suspended') {
    label = t('countdown');
    remaining = state.frozenRemainingMs;
  } else remaining = null;
  const wait =
    (status === 'bidding' || status === 'announced') && remaining !== null
      ? msUntilCountdownChanges(remaining)
      : null;
  // Wakes when the figure shown changes (once a second, on the second), not on a poll: hundreds
  // of pages watching one auction on one machine would otherwise spend its CPU redrawing.
  useEffect(() => {
    if (wait === null) return;
    const timer = setTimeout(() => setTick((tick) => tick + 1), wait + 1);
    return () => clearTimeout(timer);
  });
  if (!label) return null;
  return (
    <div className="countdown">
      {phase && (
        <p className="phase" data-testid="phase">
          {phase}
        </p>
      )}
      <p>
        {label}{' '}
        <strong data-testid="countdown" className="clock" aria-live="off">
          {remaining === null ? '—' : formatDuration(remaining)}
        </strong>
      </p>
      {status !== 'announced' && (
        <p data-testid="extensions">
          {t('extensions')} {extensions} {t('times')} · {t('extension')} {listing.extensionSeconds}
        </p>
      )}
    </div>
  );
}

function Standing({ state }: { state: LiveState }) {
  const { t } = useI18n();
  const you = state.yourBidderCode;
  if (state.closed) {
    let text: string;
    if (you && state.closed.status === 'sold')
      text = state.closed.winnerCode === you ? t('wonTitle') : t('lostTitle');
    else if (you) text = t('lostTitle');
    else text = state.closed.status === 'sold' ? t('closedSold') : t('closedUnsold');
    return (
      <div className="result" role="status" data-testid="result" data-outcome={state.closed.status}>
        <strong>{text}</strong>
        {state.closed.status === 'sold' && (
          <p>
            {t('finalPrice')}: <Money fen={state.closed.finalPrice ?? null} /> · {t('winner')}:{' '}
            {state.closed.winnerCode}
          </p>
        )}
      </div>
    );
  }
  if (state.status === 'suspended')
    return (
      <p className="banner warn" role="status" data-testid="suspended">
        {t('suspendedBanner')}
      </p>
    );
  if (state.status === 'cancelled')
    return (
      <p className="banner warn" role="status">
        {t('cancelledBanner')}
      </p>
    );
  if (!you || state.status !== 'bidding') return null;
  if (state.leaderCode === you)
    return (
      <p className="standing lead" role="status" data-testid="standing" data-standing="lead">
        {t('youLead')}
      </p>
    );
  if (state.bids.some((bid) => bid.bidderCode === you))
    return (
      <p className="standing outbid" role="status" data-testid="standing" data-standing="outbid">
        {t('outbid')}
      </p>
    );
  return null;
}

export function LiveRoomPanel({
  listing,
  state,
  room,
}: {
  listing: LiveTerms;
  state: LiveState;
  room: LiveRoom;
}) {
  const { t } = useI18n();
  const you = state.yourBidderCode;
  const unit = listing.priceUnit ?? 'yuanPerMonth';
  return (
    <section className="live" aria-labelledby="live-heading">
      <h2 id="live-heading">{t('liveTitle')}</h2>
      {state.reconnecting && (
        <p className="banner warn" role="alert" data-testid="reconnecting">
          {t('reconnecting')}
        </p>
      )}
      {state.caughtUp && !state.reconnecting && (
        <p className="banner ok" role="status" data-testid="caught-up">
          {t('reconnected')}
        </p>
      )}
      <div className="price-board">
        <div>
          <span className="label">{t('currentPrice')}</span>
          <strong className="price" data-testid="current-price">
            {state.currentPrice === null ? '—' : formatYuan(state.currentPrice)}
          </strong>
          <span className="unit">{t(unit)}</span>
        </div>
        <div>
          <span className="label">{t('leader')}</span>
          <strong data-testid="leader">
            {state.leaderCode ?? '—'}
            {you && state.leaderCode === you ? ` (${t('you')})` : ''}
          </strong>
        </div>
        <div>
          <span className="label">{t('bidCount')}</span>
          <strong data-testid="bid-count">{state.bidCount}</strong>
        </div>
        <div>
          <span className="label">{t('minNextBid')}</span>
          <strong data-testid="min-next-bid">
            {state.minNextBid === null ? '—' : formatYuan(state.minNextBid)}
          </strong>
        </div>
      </div>
      <Countdown listing={listing} state={state} room={room} />
      <Standing state={state} />
      {you && (
        <p>
          {t('yourCode')}: <strong data-testid="your-code">{you}</strong>
        </p>
      )}
      {you && state.status === 'bidding' && !state.closed && (
        <BidBox listing={listing} state={state} room={room} />
      )}
    </section>
  );
}

function BidBox({ listing, state, room }: { listing: LiveTerms; state: LiveState; room: LiveRoom }) {
  const { t, errorText } = useI18n();
  const unit = listing.priceUnit ?? 'yuanPerMonth';
  const [pending, setPending] = useState<{ amount: number; clientBidId: string } | null>(null);
  const [free, setFree] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<BidOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  // A bid refused with TOKEN_EXPIRED: sign in again, then offer the same bid (same clientBidId).
  const [expired, setExpired] = useState<{ amount: number; clientBidId: string } | null>(null);
  const [resend, setResend] = useState<{ amount: number; clientBidId: string } | null>(null);
  const base = state.minNextBid ?? listing.startPrice;
  const quick = useMemo(
    () => [1, 2, 5].map((steps) => ({ steps, amount: base + (steps - 1) * listing.increment })),
    [base, listing.increment],
  );
  // A fresh clientBidId per confirmation; re-sending the same one would return the first outcome.
  const ask = (amount: number) => {
    setOutcome(null);
    setExpired(null);
    setResend(null);
    setPending({ amount, clientBidId: newClientBidId() });
  };
  const onFree = (event: FormEvent) => {
    event.preventDefault();
    const amount = parseYuan(free);
    if (amount === null || amount < 1) {
      setInputError(t('invalidAmount'));
      return;
    }
    setInputError(null);
    ask(amount);
  };
  const send = async (bid: { amount: number; clientBidId: string }) => {
    setBusy(true);
    const result = await room.bid(bid.amount, bid.clientBidId);
    setBusy(false);
    setPending(null);
    setResend(null);
    setOutcome(result);
    setExpired(!result.ok && result.code === 'TOKEN_EXPIRED' ? bid : null);
  };
  const confirm = () => pending && send(pending);
  return (
    <div className="bid-box">
      <h3>{t('quickBid')}</h3>
      <div className="quick">
        {quick.map(({ steps, amount }) => (
          <button
            type="button"
            key={steps}
            data-testid={`quick-${steps}`}
            onClick={() => ask(amount)}
            disabled={busy}
          >
            +{steps} · {formatYuan(amount)}
          </button>
        ))}
      </div>
      <form onSubmit={onFree} className="free">
        <label>
          {t('freeAmount')}
          <input
            inputMode="decimal"
            value={free}
            onChange={(event) => setFree(event.target.value)}
            data-testid="free-amount"
            aria-invalid={inputError ? true : undefined}
          />
        </label>
        <button type="submit" disabled={busy}>
          {t('bidButton')}
        </button>
      </form>
      {inputError && (
        <p className="error" role="alert">
          {inputError}
        </p>
      )}
      {pending && (
        <div className="confirm" role="dialog" aria-modal="false" aria-labelledby="confirm-heading">
          <h3 id="confirm-heading">{t('confirmTitle')}</h3>
          <p>
            {t('confirmAmount')}: <strong data-testid="confirm-amount">{formatYuan(pending.amount)}</strong>{' '}
            {t(unit)}
          </p>
          <p>
            {t('confirmCapital')}:{' '}
            <strong data-testid="confirm-capital">{toChineseCapital(pending.amount)}</strong>
          </p>
          <div className="row">
            <button type="button" onClick={confirm} disabled={busy} data-testid="confirm-bid">
              {t('confirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setPending(null)} disabled={busy}>
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
      {expired && (
        <ReauthDialog
          room={room}
          onDone={() => {
            setResend(expired);
            setExpired(null);
            setOutcome(null);
          }}
          onCancel={() => setExpired(null)}
        />
      )}
      {resend && (
        <div className="confirm" role="dialog" aria-modal="false" aria-labelledby="resend-heading">
          <h3 id="resend-heading">{t('reauthDone')}</h3>
          <p>
            {t('confirmAmount')}: <strong data-testid="resend-amount">{formatYuan(resend.amount)}</strong>{' '}
            {t(unit)}
          </p>
          <p>
            {t('confirmCapital')}: <strong>{toChineseCapital(resend.amount)}</strong>
          </p>
          <div className="row">
            <button type="button" onClick={() => send(resend)} disabled={busy} data-testid="resend-bid">
              {t('resendBid')}
            </button>
            <button type="button" className="secondary" onClick={() => setResend(null)} disabled={busy}>
              {t('cancel')}
            </button>
          </div>
        </div>
      )}
      {outcome && (
        <p
          className={outcome.ok ? 'ok' : 'error'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="bid-outcome"
          data-code={outcome.ok ? 'ACCEPTED' : outcome.code}
        >
          {outcome.ok
            ? `${t('bidAccepted')}: ${formatYuan(outcome.bid.amount)}`
            : `${t('bidRejected')}: ${errorText(outcome.code, outcome.message)}`}
        </p>
      )}
    </div>
  );
}

export function Ledger({ state }: { state: LiveState }) {
  const { t } = useI18n();
  const rows = [...state.bids].reverse();
  return (
    <section aria-labelledby="ledger-heading">
      <h2 id="ledger-heading">{t('ledger')}</h2>
      {rows.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <Table headers={[t('seq'), t('amount'), t('bidderCode'), t('time')]} testId="ledger">
          {rows.map((bid) => (
            <LedgerRow key={bid.seq} bid={bid} yours={bid.bidderCode === state.yourBidderCode} />
          ))}
        </Table>
      )}
    </section>
  );
}

/** Memoised: a bid's row never changes, so a new bid renders one row, not the whole ledger. */
const LedgerRow = memo(function LedgerRow({
  bid,
  yours,
}: {
  bid: LiveState['bids'][number];
  yours: boolean;
}) {
  const { t } = useI18n();
  return (
    <tr data-seq={bid.seq}>
      <td>{bid.seq}</td>
      <td>{formatYuan(bid.amount)}</td>
      <td>
        {bid.bidderCode}
        {yours ? ` (${t('you')})` : ''}
      </td>
      <td>
        <Time iso={bid.at} seconds />
      </td>
    </tr>
  );
});
