import { io, type Socket } from 'socket.io-client';
import { type Bid, deviceFingerprint, type ListingStatus } from './api';
import { nextEstimate, type ClockEstimate } from './server-clock';

/** What `join` and `resync` answer with (API.md), plus the optional paging of `resync`. */
export interface Snapshot {
  listingId: string;
  status: ListingStatus;
  currentPrice: number | null;
  minNextBid: number;
  leaderCode: string | null;
  bidCount: number;
  lastSeq: number;
  endsAt: string;
  serverTime: string;
  yourBidderCode?: string | null;
}

export interface Closed {
  status: 'sold' | 'unsold';
  finalPrice?: number | null;
  winnerCode?: string | null;
  closedAt: string;
}

export interface LiveState {
  connected: boolean;
  /** True from a lost connection until the resync after reconnecting is done. */
  reconnecting: boolean;
  /** Set for a moment after a resync that followed a lost connection. */
  caughtUp: boolean;
  status: ListingStatus | null;
  currentPrice: number | null;
  minNextBid: number | null;
  leaderCode: string | null;
  bidCount: number;
  lastSeq: number;
  endsAt: string | null;
  yourBidderCode: string | null;
  /** Server clock − local clock (server-clock.ts): add it to Date.now() to get the server's now. */
  offsetMs: number;
  /** Remaining time when a suspension froze the countdown. */
  frozenRemainingMs: number | null;
  bids: Bid[];
  closed: Closed | null;
  error: string | null;
}

type Ack<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string; details?: unknown } };

export type BidOutcome = { ok: true; bid: Bid } | { ok: false; code: string; message: string };

const initial: LiveState = {
  connected: false,
  reconnecting: false,
  caughtUp: false,
  status: null,
  currentPrice: null,
  minNextBid: null,
  leaderCode: null,
  bidCount: 0,
  lastSeq: 0,
  endsAt: null,
  yourBidderCode: null,
  offsetMs: 0,
  frozenRemainingMs: null,
  bids: [],
  closed: null,
  error: null,
};

/** How long a RATE_LIMITED answer asks the client to wait (1 s if it does not say). */
function retryAfter(error: { details?: unknown; retryAfterMs?: unknown }): number {
  const details = (error.details ?? {}) as { retryAfterMs?: unknown };
  const wait = Number(details.retryAfterMs ?? error.retryAfterMs ?? 1000);
  return Number.isFinite(wait) ? Math.min(Math.max(wait, 100), 10_000) : 1000;
}

const CLOSED_STATUSES: ListingStatus[] = ['sold', 'unsold', 'cancelled'];

/**
 * One listing's live room over the `/bidding` socket: joins, keeps the ledger gap-free by
 * `seq` (a gap or a reconnect triggers `resync`, paged until `hasMore` is false), and keeps
 * the server's clock offset for the countdown.
 */
export class LiveRoom {
  private socket: Socket;
  private state: LiveState = initial;
  private listeners = new Set<(state: LiveState) => void>();
  private syncing: Promise<void> | null = null;
  private resyncAgain = false;
  private wasDisconnected = false;
  private closedByUs = false;
  private clock: ClockEstimate | null = null;

  constructor(
    gatewayUrl: string,
    private readonly listingId: string,
    private token: string | null,
  ) {
    this.socket = io(`${gatewayUrl}/bidding`, {
      // The device id goes with the handshake as with every API call (early warning).
      auth: token
        ? { token, deviceFingerprint: deviceFingerprint() }
        : { deviceFingerprint: deviceFingerprint() },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 3000,
    });
    this.socket.on('connect', () => void this.onConnect());
    this.socket.on('disconnect', () => {
      if (this.closedByUs) return;
      this.wasDisconnected = true;
      this.set({ connected: false, reconnecting: true, caughtUp: false });
    });
    this.socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.set({ error: error.data?.code ?? null });
    });
    this.socket.on('bid.accepted', (bid: Bid) => this.onBid(bid));
    this.socket.on(
      'auction.status',
      (event: { listingId: string; status: ListingStatus; endsAt: string }) => {
        if (event.listingId !== this.listingId) return;
        const frozen =
          event.status === 'suspended' && this.state.endsAt
            ? new Date(this.state.endsAt).getTime() - this.serverNow()
            : null;
        this.set({
          status: event.status,
          endsAt: event.endsAt ?? this.state.endsAt,
          frozenRemainingMs: frozen,
        });
      },
    );
    this.socket.on('auction.closed', (event: Closed & { listingId: string }) => {
      if (event.listingId !== this.listingId) return;
      this.set({ status: event.status, closed: event, frozenRemainingMs: null });
    });
  }

  subscribe(listener: (state: LiveState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  serverNow(): number {
    return Date.now() + this.state.offsetMs;
  }

  async bid(amount: number, clientBidId: string): Promise<BidOutcome> {
    const ack = (await this.socket
      .timeout(15_000)
      .emitWithAck('bid', { listingId: this.listingId, amount, clientBidId })
      .catch(() => ({ ok: false, error: { code: 'NETWORK', message: 'no answer' } }))) as Ack<{ bid: Bid }>;
    if (!ack.ok) return { ok: false, code: ack.error.code, message: ack.error.message };
    this.onBid(ack.bid);
    return { ok: true, bid: ack.bid };
  }

  /**
   * A fresh token on this same socket (`auth`, API.md): a session that expired goes on without
   * reconnecting, and the room keeps its place. Later reconnects present the fresh token too.
   */
  async reauth(token: string): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
    const ack = (await this.socket
      .timeout(15_000)
      .emitWithAck('auth', { token })
      .catch(() => ({ ok: false, error: { code: 'NETWORK', message: 'no answer' } }))) as Ack<{
      user: unknown;
    }>;
    if (!ack.ok) return { ok: false, code: ack.error.code, message: ack.error.message };
    this.token = token;
    this.socket.auth = { token, deviceFingerprint: deviceFingerprint() };
    return { ok: true };
  }

  /** The page's session got a new token for the same user: hand it to the socket. */
  updateToken(token: string | null) {
    if (token && token !== this.token) void this.reauth(token);
  }

  close() {
    this.closedByUs = true;
    this.listeners.clear();
    this.socket.close();
  }

  private set(changes: Partial<LiveState>) {
    this.state = { ...this.state, ...changes };
    for (const listener of this.listeners) listener(this.state);
  }

  private async onConnect() {
    this.set({ connected: true, error: null });
    let joined: Ack<{ snapshot: Snapshot }> | null = null;
    let sentAt = Date.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      sentAt = Date.now();
      joined = (await this.socket
        .timeout(15_000)
        .emitWithAck('join', { listingId: this.listingId })
        .catch(() => null)) as Ack<{ snapshot: Snapshot }> | null;
      if (joined && !joined.ok && joined.error.code === 'RATE_LIMITED') {
        await new Promise((resolve) => setTimeout(resolve, retryAfter(joined!.ok ? {} : joined!.error)));
        continue;
      }
      break;
    }
    if (!joined) return;
    if (!joined.ok) {
      this.set({ error: joined.error.code });
      return;
    }
    this.applySnapshot(joined.snapshot, sentAt);
    await this.resync();
    if (this.wasDisconnected) {
      this.wasDisconnected = false;
      this.set({ reconnecting: false, caughtUp: true });
    }
  }

  private onBid(bid: Bid) {
    if (bid.listingId !== this.listingId || bid.seq <= this.state.lastSeq) return;
    if (bid.seq !== this.state.lastSeq + 1) {
      void this.resync();
      return;
    }
    this.appendBids([bid]);
  }

  private appendBids(bids: Bid[]) {
    const fresh = bids.filter((bid) => bid.seq > this.state.lastSeq).sort((a, b) => a.seq - b.seq);
    if (fresh.length === 0) return;
    const ledger = [...this.state.bids];
    let lastSeq = this.state.lastSeq;
    for (const bid of fresh) {
      if (bid.seq !== lastSeq + 1) break;
      ledger.push(bid);
      lastSeq = bid.seq;
    }
    const top = ledger[ledger.length - 1];
    this.set({
      bids: ledger,
      lastSeq,
      bidCount: Math.max(this.state.bidCount, ledger.length),
      currentPrice: top.amount,
      leaderCode: top.bidderCode,
      minNextBid: top.minNextBid ?? this.state.minNextBid,
      endsAt: top.endsAt ?? this.state.endsAt,
    });
  }

  private applySnapshot(snapshot: Snapshot, sentAt: number) {
    this.clock = nextEstimate(this.clock, {
      sentAt,
      receivedAt: Date.now(),
      serverTime: new Date(snapshot.serverTime).getTime(),
    });
    const changes: Partial<LiveState> = {
      offsetMs: this.clock.offsetMs,
      yourBidderCode: snapshot.yourBidderCode ?? null,
    };
    // A snapshot older than the bids already seen must not move the state back.
    if (snapshot.lastSeq >= this.state.lastSeq) {
      Object.assign(changes, {
        status: snapshot.status,
        currentPrice: snapshot.currentPrice,
        minNextBid: snapshot.minNextBid,
        leaderCode: snapshot.leaderCode,
        bidCount: snapshot.bidCount,
        endsAt: snapshot.endsAt,
      });
      if (snapshot.status === 'suspended') {
        changes.frozenRemainingMs =
          new Date(snapshot.endsAt).getTime() - new Date(snapshot.serverTime).getTime();
      } else changes.frozenRemainingMs = null;
    }
    if (CLOSED_STATUSES.includes(snapshot.status) && !this.state.closed && snapshot.status !== 'cancelled') {
      changes.closed = {
        status: snapshot.status as 'sold' | 'unsold',
        finalPrice: snapshot.status === 'sold' ? snapshot.currentPrice : null,
        winnerCode: snapshot.status === 'sold' ? snapshot.leaderCode : null,
        closedAt: snapshot.endsAt,
      };
    }
    this.set(changes);
  }

  /** Pages through `resync` from the last seq seen; one at a time, repeated if asked again. */
  private resync(): Promise<void> {
    if (this.syncing) {
      this.resyncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.resyncAgain = false;
        for (let page = 0; page < 1000; page++) {
          const sentAt = Date.now();
          const ack = (await this.socket
            .timeout(15_000)
            .emitWithAck('resync', { listingId: this.listingId, afterSeq: this.state.lastSeq })
            .catch(() => null)) as Ack<{
            bids: Bid[];
            snapshot: Snapshot;
            hasMore?: boolean;
            nextAfterSeq?: number;
          }> | null;
          if (!ack) return;
          if (!ack.ok) {
            // The gateway meters resync by the work it does: wait as told, then go on.
            if (ack.error.code !== 'RATE_LIMITED') return;
            await new Promise((resolve) => setTimeout(resolve, retryAfter(ack.error)));
            continue;
          }
          this.appendBids(ack.bids);
          if (!ack.hasMore || ack.bids.length === 0) {
            this.applySnapshot(ack.snapshot, sentAt);
            break;
          }
        }
      } while (this.resyncAgain);
    })().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }
}
