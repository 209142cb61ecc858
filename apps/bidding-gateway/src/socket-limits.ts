import type { ExtendedError, Socket } from 'socket.io';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig, ErrorBody } from '@ggzy/common';

type Next = (error?: ExtendedError) => void;

/** The work one rate point stands for in a `resync` answer: a full page of 200 costs 8 more. */
export const BIDS_PER_POINT = 25;
/** The most a refusal's `retryAfterMs` adds to the limiter's own wait. */
export const RETRY_JITTER_MS = 1000;
/** Refused messages a socket may send in ten seconds before it is disconnected. */
export const REFUSALS_BEFORE_DISCONNECT = 100;

/** A refusal a socket.io client reads as `connect_error` with `error.data.code`. */
export function connectError(body: ErrorBody): ExtendedError {
  return Object.assign(new Error(body.message), { data: body });
}

/**
 * What one address and one socket may do before anything reaches the database: a cap on
 * open connections per address, and a rate on every event but `bid` (bids have their own
 * per-bidder limit in the bid path). Counted in this instance's memory: behind a balancer,
 * each gateway enforces the limits for the sockets it holds.
 */
export class SocketLimits {
  private readonly connections = new Map<string, number>();
  private readonly perSocket: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;
  private readonly refusals: RateLimiterMemory;

  constructor(
    private readonly config: Pick<
      AppConfig,
      | 'SOCKET_CONNECTIONS_PER_ADDRESS'
      | 'SOCKET_EVENTS_PER_SECOND'
      | 'SOCKET_EVENTS_PER_ADDRESS_PER_SECOND'
      | 'CORS_ORIGINS'
      | 'RESYNC_PAGE_SIZE'
      | 'TRUST_PROXY'
    >,
  ) {
    this.perSocket = new RateLimiterMemory({
      keyPrefix: 'socket',
      points: config.SOCKET_EVENTS_PER_SECOND,
      duration: 1,
    });
    this.perAddress = new RateLimiterMemory({
      keyPrefix: 'address',
      points: config.SOCKET_EVENTS_PER_ADDRESS_PER_SECOND,
      duration: 1,
    });
    this.refusals = new RateLimiterMemory({
      keyPrefix: 'refused',
      points: REFUSALS_BEFORE_DISCONNECT,
      duration: 10,
    });
  }

  /**
   * Browsers send Origin on the WebSocket upgrade but do not enforce CORS on it, so the
   * gateway does. Clients outside a browser send none and are let through (they could
   * claim any origin anyway).
   */
  checkOrigin = (socket: Socket, next: Next) => {
    const origin = socket.handshake.headers.origin;
    if (origin === undefined || this.config.CORS_ORIGINS.includes(origin)) return next();
    next(connectError({ code: 'ORIGIN_NOT_ALLOWED', message: 'this origin may not open a bidding socket' }));
  };

  /**
   * The client's address as the API reads it (Express `trust proxy` = TRUST_PROXY hops):
   * with no trusted proxy, X-Forwarded-For is ignored, so a client cannot pick its own.
   */
  addressOf(socket: Socket): string {
    const cached = socket.data.clientAddress as string | undefined;
    if (cached) return cached;
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean)
      .reverse();
    const chain = [socket.handshake.address, ...hops];
    const address = chain[Math.min(this.config.TRUST_PROXY, chain.length - 1)];
    socket.data.clientAddress = address;
    return address;
  }

  /** Namespace middleware, run last: counts the connection, released once it closes. */
  admitConnection = (socket: Socket, next: Next) => {
    const address = this.addressOf(socket);
    const open = this.connections.get(address) ?? 0;
    if (open >= this.config.SOCKET_CONNECTIONS_PER_ADDRESS) {
      return next(
        connectError({
          code: 'TOO_MANY_CONNECTIONS',
          message: `at most ${this.config.SOCKET_CONNECTIONS_PER_ADDRESS} sockets per address`,
        }),
      );
    }
    this.connections.set(address, open + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.connections.get(address) ?? 1) - 1;
      if (left <= 0) this.connections.delete(address);
      else this.connections.set(address, left);
    };
    // 'disconnect' covers a namespace leave; the transport's close covers a socket that
    // never finished connecting after this point.
    socket.once('disconnect', release);
    socket.conn.once('close', release);
    next();
  };

  openConnections(address: string): number {
    return this.connections.get(address) ?? 0;
  }

  /**
   * What an event costs in rate points. A `resync` is charged up front as if its answer were a
   * full page (one point more per BIDS_PER_POINT bids), then refunded for the bids it did not
   * carry: concurrent resyncs from one address are all counted before any of them is served.
   */
  costOf(event: string): number {
    return event === 'resync' ? 1 + Math.ceil(this.config.RESYNC_PAGE_SIZE / BIDS_PER_POINT) : 1;
  }

  async refundResync(socket: Socket, bids: number): Promise<void> {
    const unused = this.costOf('resync') - 1 - Math.ceil(bids / BIDS_PER_POINT);
    if (unused <= 0) return;
    await Promise.all([
      this.perSocket.reward(socket.id, unused),
      this.perAddress.reward(this.addressOf(socket), unused),
    ]);
  }

  /**
   * `{allowed: true}`, or how long to wait; `abusive` when the socket has gone on sending
   * well past its refusals (a client that honours `retryAfterMs` never gets there), so the
   * gateway can drop it instead of answering every message.
   */
  async allowEvent(
    socket: Socket,
    event: string,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number; abusive: boolean }> {
    if (event === 'bid') return { allowed: true };
    try {
      const points = this.costOf(event);
      await this.perSocket.consume(socket.id, points);
      await this.perAddress.consume(this.addressOf(socket), points);
      return { allowed: true };
    } catch (refusal) {
      if (refusal instanceof Error) throw refusal;
      // Jitter spreads the retries of a crowd refused together over the next window.
      const retryAfterMs =
        Math.max(1, (refusal as RateLimiterRes).msBeforeNext) + Math.floor(Math.random() * RETRY_JITTER_MS);
      const abusive = await this.refusals.consume(socket.id).then(
        () => false,
        (error: unknown) => {
          if (error instanceof Error) throw error;
          return true;
        },
      );
      return { allowed: false, retryAfterMs, abusive };
    }
  }
}
