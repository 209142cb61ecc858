import type { ExtendedError, Socket } from 'socket.io';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { AppConfig, ErrorBody } from '@ggzy/common';

type Next = (error?: ExtendedError) => void;

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

  constructor(
    private readonly config: Pick<
      AppConfig,
      | 'SOCKET_CONNECTIONS_PER_ADDRESS'
      | 'SOCKET_EVENTS_PER_SECOND'
      | 'SOCKET_EVENTS_PER_ADDRESS_PER_SECOND'
      | 'CORS_ORIGINS'
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

  /** Namespace middleware, run last: counts the connection, released once it closes. */
  admitConnection = (socket: Socket, next: Next) => {
    const address = socket.handshake.address;
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

  /** True when the socket may send this event now. */
  async allowEvent(socket: Socket, event: string): Promise<boolean> {
    if (event === 'bid') return true;
    try {
      await this.perSocket.consume(socket.id);
      await this.perAddress.consume(socket.handshake.address);
      return true;
    } catch (refusal) {
      if (refusal instanceof Error) throw refusal;
      return false;
    }
  }
}
