import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { type AuthUser, TokenService } from '@ggzy/auth';
import {
  BIDDING_NAMESPACE,
  BidService,
  LIVE_EVENTS,
  LISTING_READ_CACHE,
  type ListingReadCache,
  roomFor,
  SnapshotService,
} from '@ggzy/auction';
import {
  APP_CONFIG,
  type AppConfig,
  Clock,
  deviceFingerprintKey,
  LOGGER,
  type Logger,
  toErrorResponse,
  validatePayload,
} from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import { AuthMessage, BidMessage, ListingRef, ResyncMessage } from './bidding.dto.js';
import type { NamespaceLiveEvents } from './namespace-live-events.js';
import { connectError, type Sender, SocketLimits } from './socket-limits.js';
import { ReadLane } from './read-lane.js';

/** Watchers' reads in progress at once on one gateway (see ReadLane). */
const READS_AT_ONCE = 4;

const KNOWN_EVENTS = new Set(['join', 'bid', 'resync', 'leave', 'auth']);
const LISTING_ROOM = /^listing:(.+)$/;

type Ack<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string; details?: unknown } };

/**
 * Live bidding rooms. Transport only: every message is limited and validated, then handed
 * to the same use cases as the REST twin; every failure is an ack with a code and the
 * socket stays up. CORS and the payload limit are set where the server is made
 * (ClusterIoAdapter).
 */
@WebSocketGateway({ namespace: BIDDING_NAMESPACE })
export class BiddingGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly reads = new ReadLane(READS_AT_ONCE);

  constructor(
    private readonly tokens: TokenService,
    private readonly bids: BidService,
    private readonly snapshots: SnapshotService,
    private readonly clock: Clock,
    @Inject(LIVE_EVENTS) private readonly liveEvents: NamespaceLiveEvents,
    @Inject(LISTING_READ_CACHE) private readonly readCache: ListingReadCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly limits: SocketLimits,
  ) {}

  afterInit(namespace: Namespace) {
    this.liveEvents.attach(namespace);
    // Cached reads of a listing last only while its room lives here and no event has reached it.
    namespace.adapter.on('delete-room', (room: string) => {
      const listingId = LISTING_ROOM.exec(room)?.[1];
      if (listingId) this.readCache.forget(listingId);
    });
    namespace.use(this.limits.identify);
    namespace.use(this.limits.checkOrigin);
    // Early warning: the device fingerprint the page sends (`auth.deviceFingerprint`), hashed;
    // a malformed one refuses the connection (DEVICE_FINGERPRINT_INVALID), as a bad token does.
    namespace.use((socket, next) => {
      try {
        socket.data.deviceFingerprint = deviceFingerprintKey(
          (socket.handshake.auth as { deviceFingerprint?: unknown } | undefined)?.deviceFingerprint,
        );
        next();
      } catch (error) {
        next(connectError(toErrorResponse(error, this.logger).body));
      }
    });
    // Anonymous sockets may watch; a token, when given, must be valid.
    namespace.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (token === undefined || token === null || token === '') return next();
      try {
        socket.data.user = this.verify(token);
        next();
      } catch (error) {
        const { body } = toErrorResponse(error, this.logger);
        // What was refused and from where; never the token itself.
        this.logger.debug({ address: socket.data.address, code: body.code }, 'socket refused');
        next(connectError(body));
      }
    });
    namespace.use(this.limits.admitConnection);
  }

  handleConnection(socket: Socket) {
    const user = socket.data.user as AuthUser | undefined;
    this.logger.debug(
      { socketId: socket.id, address: socket.data.address, userId: user?.id },
      'socket connected',
    );
    socket.once('disconnect', (reason) =>
      this.logger.debug({ socketId: socket.id, reason }, 'socket disconnected'),
    );
    // Every event, bids included, is limited before any work is done.
    socket.use(([event, ...args], next) => {
      const ack = args[args.length - 1];
      const refuse = (code: string, message: string, details?: unknown) => {
        if (typeof ack === 'function')
          ack({ ok: false, error: { code, message, ...(details ? { details } : {}) } });
      };
      const sender = this.sender(socket);
      this.limits.allowEvent(socket, String(event), sender).then(
        async (verdict) => {
          if (!verdict.allowed) {
            if (verdict.abusive) return void socket.disconnect(true);
            return refuse('RATE_LIMITED', 'too many messages; slow down', {
              retryAfterMs: verdict.retryAfterMs,
            });
          }
          // Nest drops events it has no handler for; a client waiting on an ack deserves an answer.
          if (typeof event !== 'string' || !KNOWN_EVENTS.has(event))
            return refuse('UNKNOWN_EVENT', `unknown event; use ${[...KNOWN_EVENTS].join(', ')}`);
          // A bid with no live sign-in is refused by its handler without work; a socket that
          // keeps sending them is dropped like any other that ignores its refusals.
          if (event === 'bid' && !sender && (await this.limits.countRefusal(socket)))
            return void socket.disconnect(true);
          next();
        },
        (error: unknown) =>
          refuse(toErrorResponse(error, this.logger).body.code, 'the message was not handled'),
      );
    });
    // Whatever reaches a listing's room (a bid, a status change, a close, from any instance)
    // makes that listing's cached reads stale.
    socket.onAnyOutgoing((_event: string, payload: { listingId?: unknown } | undefined) => {
      if (typeof payload?.listingId === 'string') this.readCache.changed(payload.listingId);
    });
  }

  @SubscribeMessage('join')
  join(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const { listingId } = validatePayload(ListingRef, payload);
      // Join first, then read: a bid in between arrives as an event and the client dedups by seq.
      await socket.join(roomFor(listingId));
      try {
        const snapshot = await this.reads.run(
          () => this.snapshots.snapshot(listingId, this.watcher(socket)?.id),
          this.readOptions(socket),
        );
        return { snapshot };
      } catch (error) {
        await socket.leave(roomFor(listingId));
        throw error;
      }
    });
  }

  @SubscribeMessage('bid')
  bid(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const user = socket.data.user as AuthUser | undefined;
      if (!user) throw new DomainError('UNAUTHENTICATED', 'connect with a token to bid');
      if (this.expired(user))
        throw new DomainError('TOKEN_EXPIRED', 'the access token has expired; send `auth` with a fresh one');
      const message = validatePayload(BidMessage, payload);
      const bid = await this.bids.placeBid(user, {
        ...message,
        origin: {
          clientAddress: (socket.data.address as string | undefined) ?? null,
          deviceFingerprint: (socket.data.deviceFingerprint as string | null | undefined) ?? null,
        },
      });
      // The bidder's next snapshot shows its bid even if the broadcast has not reached the room yet.
      this.readCache.changed(bid.listingId);
      return { bid };
    });
  }

  /** A fresh token for this socket, so an expired session goes on without reconnecting. */
  @SubscribeMessage('auth')
  auth(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const { token } = validatePayload(AuthMessage, payload);
      const user = this.verify(token);
      socket.data.user = user;
      this.logger.debug({ socketId: socket.id, userId: user.id }, 'socket re-authenticated');
      return { user: { id: user.id, username: user.username, roles: user.roles } };
    });
  }

  @SubscribeMessage('resync')
  resync(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const { listingId, afterSeq } = validatePayload(ResyncMessage, payload);
      return this.reads.run(async () => {
        // The snapshot first: every bid it counts is then in the pages that follow.
        const snapshot = await this.snapshots.snapshot(listingId, this.watcher(socket)?.id);
        const page = await this.snapshots.bidsAfter(listingId, afterSeq, this.config.RESYNC_PAGE_SIZE);
        await this.limits.refundResync(socket, this.sender(socket), page.bids.length);
        return { ...page, snapshot };
      }, this.readOptions(socket));
    });
  }

  @SubscribeMessage('leave')
  leave(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const { listingId } = validatePayload(ListingRef, payload);
      await socket.leave(roomFor(listingId));
      return {};
    });
  }

  private verify(token: unknown): AuthUser {
    if (typeof token !== 'string') throw new DomainError('INVALID_TOKEN', 'the token must be a string');
    return this.tokens.verify(token);
  }

  private expired(user: AuthUser): boolean {
    return user.expiresAt !== undefined && user.expiresAt <= this.clock.now().getTime();
  }

  /** Who the limits charge: a user with a live token, else nobody (an anonymous watcher). */
  private sender(socket: Socket): Sender {
    const user = this.watcher(socket);
    return user ? { userId: user.id } : null;
  }

  private readOptions(socket: Socket) {
    return { priority: this.watcher(socket) !== undefined, gone: () => socket.disconnected };
  }

  /** The user a read is for; a socket whose token expired watches as anyone does. */
  private watcher(socket: Socket): AuthUser | undefined {
    const user = socket.data.user as AuthUser | undefined;
    return user && !this.expired(user) ? user : undefined;
  }

  private async ack<T extends object>(work: () => Promise<T>): Promise<Ack<T>> {
    try {
      return { ok: true, ...(await work()) };
    } catch (error) {
      const { body } = toErrorResponse(error, this.logger);
      return { ok: false, error: body };
    }
  }
}
