import { io, type Socket } from 'socket.io-client';
import type { BidView } from '../../libs/auction/src/live-events.js';

/** The `bid.accepted` payload, as the bidding library defines it. */
export type BidEvent = BidView;

export function connect(gatewayUrl: string, token?: string): Promise<Socket> {
  const socket = io(`${gatewayUrl}/bidding`, {
    auth: token ? { token } : {},
    transports: ['websocket'],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    // Only the first attempt may fail the promise: a listener left behind would close the
    // socket on the first failed reconnection and stop socket.io-client reconnecting.
    const onError = (error: Error) => {
      socket.off('connect', onConnect);
      socket.close();
      reject(error);
    };
    const onConnect = () => {
      socket.off('connect_error', onError);
      resolve(socket);
    };
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}

export type AckResult = { ok: boolean; error?: { code: string } };
/** Each ack as `ok` or its error code. */
export const codes = (acks: AckResult[]) => acks.map((ack) => (ack.ok ? 'ok' : ack.error!.code));
export const count = (list: string[], code: string) => list.filter((item) => item === code).length;
/** Socket rate windows are one second long; wait one out between cases. */
export const nextWindow = () => new Promise((resolve) => setTimeout(resolve, 1100));

export function ask<T = any>(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/**
 * Failures inside socket handlers, which no test awaits (a resync that failed, a re-join that
 * was refused, a resync that skipped a seq). The e2e setup's afterEach fails the running test
 * with them, so a handler can never fail silently. Kept on globalThis: one list per test file.
 */
const failures: Error[] = ((globalThis as { __ggzyLiveFailures__?: Error[] }).__ggzyLiveFailures__ ??= []);

export function takeBackgroundFailures(): Error[] {
  return failures.splice(0);
}

/**
 * What a well-behaved client keeps: the ledger in seq order, built from snapshot, events and
 * resyncs. A gap or a reconnect triggers `resync`, as API.md tells clients to do. Anything the
 * server sends that breaks the protocol (a resync that skips or repeats a seq, an event that
 * disagrees with the ledger already held) is a failure, never dropped.
 */
export class LiveView {
  readonly bids: BidEvent[] = [];
  closed?: { listingId: string; status: string; finalPrice?: number; winnerCode?: string; closedAt: string };
  closedSeenAt?: number;
  /** How many `auction.closed` events arrived for this listing (a close is announced once). */
  closedEvents = 0;
  statuses: { listingId: string; status: string; endsAt: string }[] = [];
  /** Broadcasts that arrived ahead of a missing seq (each one repaired by a resync). */
  gaps = 0;
  /** Re-joins after socket.io reconnected. */
  rejoins = 0;
  private resyncing?: Promise<void>;

  constructor(
    readonly socket: Socket,
    readonly listingId: string,
  ) {
    socket.on('bid.accepted', (bid: BidEvent) => this.background('bid.accepted', this.onBid(bid)));
    socket.on('auction.closed', (event) => {
      if (event.listingId !== listingId) return;
      this.closed = event;
      this.closedSeenAt = Date.now();
      this.closedEvents += 1;
    });
    socket.on('auction.status', (event) => {
      if (event.listingId === listingId) this.statuses.push(event);
    });
    socket.io.on('reconnect', () => this.background('re-join after reconnect', this.rejoin()));
  }

  get lastSeq(): number {
    return this.bids.length ? this.bids[this.bids.length - 1].seq : 0;
  }

  async join() {
    const ack = await ask(this.socket, 'join', { listingId: this.listingId });
    if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack.error)}`);
    if (ack.snapshot.lastSeq > this.lastSeq) await this.resync();
    return ack.snapshot;
  }

  private background(what: string, work: Promise<unknown>) {
    work.catch((error: Error) =>
      failures.push(new Error(`LiveView of ${this.listingId}, ${what}: ${error.message}`)),
    );
  }

  private async rejoin() {
    await this.join();
    this.rejoins += 1;
  }

  private async onBid(bid: BidEvent) {
    if (bid.listingId !== this.listingId) return;
    // A failed resync is reported by whoever started it.
    while (this.resyncing) await this.resyncing.catch(() => undefined);
    if (bid.seq <= this.lastSeq) {
      const held = this.bids[bid.seq - 1];
      if (JSON.stringify(held) !== JSON.stringify(bid))
        throw new Error(
          `seq ${bid.seq} was broadcast as ${JSON.stringify(bid)} but is ${JSON.stringify(held)}`,
        );
      return;
    }
    if (bid.seq === this.lastSeq + 1) {
      this.bids.push(bid);
      return;
    }
    this.gaps += 1;
    await this.resync();
    if (bid.seq > this.lastSeq)
      throw new Error(`seq ${bid.seq} was broadcast, but a resync after it ends at seq ${this.lastSeq}`);
  }

  /** Every bid after the last one held, page by page, each exactly the next seq. */
  resync(): Promise<void> {
    this.resyncing ??= (async () => {
      try {
        for (;;) {
          const afterSeq = this.lastSeq;
          const ack = await ask(this.socket, 'resync', { listingId: this.listingId, afterSeq });
          if (!ack.ok) throw new Error(`resync failed: ${JSON.stringify(ack.error)}`);
          const bids = ack.bids as BidEvent[];
          for (const bid of bids) {
            if (bid.seq !== this.lastSeq + 1)
              throw new Error(
                `resync after seq ${afterSeq} returned seqs ${bids.map((b) => b.seq).join(',')}: not consecutive`,
              );
            this.bids.push(bid);
          }
          if (!ack.hasMore) return;
          if (bids.length === 0) throw new Error(`resync after seq ${afterSeq} said hasMore with no bids`);
        }
      } finally {
        this.resyncing = undefined;
      }
    })();
    return this.resyncing;
  }
}
