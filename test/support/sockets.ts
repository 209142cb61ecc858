import { io, type Socket } from 'socket.io-client';
import type { BidView } from '../../libs/bidding/src/live-events.js';

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

export function ask<T = any>(
  socket: Socket,
  event: string,
  payload: unknown,
  timeoutMs = 10_000,
): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

/**
 * What a well-behaved client keeps: the ledger in seq order, built from snapshot, events and
 * resyncs. A gap or a reconnect triggers `resync`, as API.md tells clients to do.
 */
export class LiveView {
  readonly bids: BidEvent[] = [];
  closed?: { status: string; finalPrice?: number; winnerCode?: string; closedAt: string };
  closedSeenAt?: number;
  statuses: { status: string; endsAt: string }[] = [];
  gaps = 0;
  private resyncing?: Promise<void>;

  constructor(
    readonly socket: Socket,
    readonly listingId: string,
  ) {
    socket.on('bid.accepted', (bid: BidEvent) => void this.onBid(bid));
    socket.on('auction.closed', (event) => {
      this.closed = event;
      this.closedSeenAt = Date.now();
    });
    socket.on('auction.status', (event) => this.statuses.push(event));
    socket.io.on('reconnect', () => void this.rejoin());
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

  private async rejoin() {
    await this.join();
  }

  private async onBid(bid: BidEvent) {
    while (bid.seq > this.lastSeq) {
      if (bid.seq === this.lastSeq + 1 && !this.resyncing) {
        this.bids.push(bid);
        return;
      }
      if (!this.resyncing) this.gaps += 1;
      await this.resync();
    }
  }

  resync(): Promise<void> {
    this.resyncing ??= (async () => {
      try {
        const ack = await ask(this.socket, 'resync', { listingId: this.listingId, afterSeq: this.lastSeq });
        if (!ack.ok) throw new Error(`resync failed: ${JSON.stringify(ack.error)}`);
        for (const bid of ack.bids as BidEvent[]) if (bid.seq === this.lastSeq + 1) this.bids.push(bid);
      } finally {
        this.resyncing = undefined;
      }
    })();
    return this.resyncing;
  }
}
