import type { IncomingMessage } from 'node:http';
import type { ExtendedError, Socket } from 'socket.io';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import { type AppConfig, clientAddress, type ErrorBody } from '@ggzy/common';

type Next = (error?: ExtendedError) => void;
/** engine.io's connection under a socket (any namespace, or none yet). */
type EngineConnection = Socket['conn'];

/**
 * Handshakes an address may have in flight beyond its cap, so that they can be told
 * TOO_MANY_CONNECTIONS in a `connect_error` (then closed) rather than get a bare HTTP 403.
 */
export const HANDSHAKE_HEADROOM = 10;
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

export type SocketLimitsConfig = Pick<
  AppConfig,
  | 'SOCKET_CONNECTIONS_PER_ADDRESS'
  | 'SOCKET_EVENTS_PER_SECOND'
  | 'SOCKET_EVENTS_PER_ADDRESS_PER_SECOND'
  | 'BID_RATE_LIMIT_PER_SECOND'
  | 'CORS_ORIGINS'
  | 'RESYNC_PAGE_SIZE'
  | 'ANONYMOUS_READ_POINTS_PER_GATEWAY_PER_SECOND'
  | 'TRUST_PROXY'
>;

/** The key of the gateway-wide budget for anonymous reads (one per process). */
const THIS_GATEWAY = 'gateway';
/** Events that read the database (or the cache in front of it) for a watcher. */
const READS = new Set(['join', 'resync']);

/** Who sent an event, as the gateway sees it: a signed-in user with a live token, or nobody. */
export type Sender = { userId: string } | null;

/**
 * What one address and one socket may do before anything reaches the database: a cap on
 * open connections per client address, counted at the engine (every namespace, and
 * connections that joined none), and rates per socket and per address on every event, bids
 * with a budget of their own (the per-bidder limit of the bid path comes on top). The
 * address is the one TRUST_PROXY makes of the handshake, keyed like the api keys it.
 * Counted in this instance's memory: behind a balancer, each gateway enforces the limits
 * for the sockets it holds.
 */
export class SocketLimits {
  private readonly connections = new Map<string, number>();
  private readonly addresses = new WeakMap<EngineConnection, string>();
  /** Connections opened while their address was under the cap: only these may join. */
  private readonly withinCap = new WeakSet<EngineConnection>();
  private readonly perSocket: RateLimiterMemory;
  private readonly perAddress: RateLimiterMemory;
  private readonly bidsPerSocket: RateLimiterMemory;
  private readonly bidsPerAddress: RateLimiterMemory;
  private readonly refusals: RateLimiterMemory;
  private readonly anonymousReadsPerGateway: RateLimiterMemory;
  private readonly perUser: RateLimiterMemory;
  private readonly bidsPerUser: RateLimiterMemory;

  constructor(private readonly config: SocketLimitsConfig) {
    const limiter = (keyPrefix: string, points: number) =>
      new RateLimiterMemory({ keyPrefix, points, duration: 1 });
    this.perSocket = limiter('socket', config.SOCKET_EVENTS_PER_SECOND);
    this.perAddress = limiter('address', config.SOCKET_EVENTS_PER_ADDRESS_PER_SECOND);
    // A bidder retrying after a refusal must not starve; a socket streaming bids must stop here.
    this.bidsPerSocket = limiter('socket-bids', 3 * config.BID_RATE_LIMIT_PER_SECOND);
    this.bidsPerAddress = limiter('address-bids', config.SOCKET_EVENTS_PER_ADDRESS_PER_SECOND);
    this.anonymousReadsPerGateway = limiter(
      'gateway-anonymous-reads',
      config.ANONYMOUS_READ_POINTS_PER_GATEWAY_PER_SECOND,
    );
    // A user is one person however many sockets they open: all their sockets share one
    // socket's budget, for bids and for everything else.
    this.perUser = limiter('user', config.SOCKET_EVENTS_PER_SECOND);
    this.bidsPerUser = limiter('user-bids', 3 * config.BID_RATE_LIMIT_PER_SECOND);
    this.refusals = new RateLimiterMemory({
      keyPrefix: 'refused',
      points: REFUSALS_BEFORE_DISCONNECT,
      duration: 10,
    });
  }

  /** engine.io `allowRequest`: a new connection's handshake, before any namespace. */
  allowRequest = (request: IncomingMessage, callback: (error: string | null, allowed: boolean) => void) => {
    const open = this.openConnections(clientAddress(request, this.config.TRUST_PROXY));
    if (open >= this.config.SOCKET_CONNECTIONS_PER_ADDRESS + HANDSHAKE_HEADROOM)
      return callback(`TOO_MANY_CONNECTIONS: ${this.capMessage()}`, false);
    callback(null, true);
  };

  /** engine.io `connection`: counts every connection of an address until it closes. */
  countConnection = (connection: EngineConnection) => {
    const address = clientAddress(connection.request, this.config.TRUST_PROXY);
    const open = this.openConnections(address);
    this.addresses.set(connection, address);
    if (open < this.config.SOCKET_CONNECTIONS_PER_ADDRESS) this.withinCap.add(connection);
    this.connections.set(address, open + 1);
    connection.once('close', () => {
      const left = this.openConnections(address) - 1;
      if (left <= 0) this.connections.delete(address);
      else this.connections.set(address, left);
    });
  };

  /** Namespace middleware, run first: the client address every later limit is keyed on. */
  identify = (socket: Socket, next: Next) => {
    socket.data.address =
      this.addresses.get(socket.conn) ?? clientAddress(socket.request, this.config.TRUST_PROXY);
    next();
  };

  /** The client's address as the API keys it (TRUST_PROXY hops, IPv6 by /64); see `identify`. */
  addressOf(socket: Socket): string {
    return socket.data.address as string;
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
   * Namespace middleware, run last: a connection over its address's cap, or one that already
   * holds a socket, is refused and then closed (its place is freed once it is gone).
   */
  admitConnection = (socket: Socket, next: Next) => {
    const connection = socket.conn;
    const alreadyJoined = (socket.client as unknown as { nsps: Map<string, unknown> }).nsps.size > 0;
    if (this.withinCap.has(connection) && !alreadyJoined) return next();
    next(connectError({ code: 'TOO_MANY_CONNECTIONS', message: this.capMessage() }));
    // After the refusal is written (socket.io sends it on the next tick), unless it holds a socket.
    if (!alreadyJoined) setTimeout(() => connection.close(), 0);
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

  async refundResync(socket: Socket, sender: Sender, bids: number): Promise<void> {
    const unused = this.costOf('resync') - 1 - Math.ceil(bids / BIDS_PER_POINT);
    if (unused <= 0) return;
    await Promise.all([
      this.perSocket.reward(socket.id, unused),
      this.perAddress.reward(this.addressOf(socket), unused),
      sender
        ? this.perUser.reward(sender.userId, unused)
        : this.anonymousReadsPerGateway.reward(THIS_GATEWAY, unused),
    ]);
  }

  /**
   * `{allowed: true}`, or how long to wait; `abusive` when the socket has gone on sending
   * well past its refusals (a client that honours `retryAfterMs` never gets there), so the
   * gateway can drop it instead of answering every message. Charged before any work is done,
   * to the socket, then the user (signed in) or the gateway's anonymous read budget (reads),
   * then the address; bids against budgets of their own. A bid without a signed-in sender is
   * charged to its socket only: it is refused without work, and must not spend the bid
   * budget of the bidders who share its address.
   */
  async allowEvent(
    socket: Socket,
    event: string,
    sender: Sender,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number; abusive: boolean }> {
    try {
      const points = this.costOf(event);
      if (event === 'bid') {
        await this.bidsPerSocket.consume(socket.id, points);
        if (!sender) return { allowed: true };
        await this.bidsPerUser.consume(sender.userId, points);
        await this.bidsPerAddress.consume(this.addressOf(socket), points);
        return { allowed: true };
      }
      await this.perSocket.consume(socket.id, points);
      if (sender) await this.perUser.consume(sender.userId, points);
      else if (READS.has(event)) await this.anonymousReadsPerGateway.consume(THIS_GATEWAY, points);
      await this.perAddress.consume(this.addressOf(socket), points);
      return { allowed: true };
    } catch (refusal) {
      if (refusal instanceof Error) throw refusal;
      // Jitter spreads the retries of a crowd refused together over the next window.
      const retryAfterMs =
        Math.max(1, (refusal as RateLimiterRes).msBeforeNext) + Math.floor(Math.random() * RETRY_JITTER_MS);
      return { allowed: false, retryAfterMs, abusive: await this.countRefusal(socket) };
    }
  }

  /** Counts a refusal against the socket; true once it has gone on well past them. */
  async countRefusal(socket: Socket): Promise<boolean> {
    return this.refusals.consume(socket.id).then(
      () => false,
      (error: unknown) => {
        if (error instanceof Error) throw error;
        return true;
      },
    );
  }

  private capMessage() {
    return `at most ${this.config.SOCKET_CONNECTIONS_PER_ADDRESS} sockets per address`;
  }
}
