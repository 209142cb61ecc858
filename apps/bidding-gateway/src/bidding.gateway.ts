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
import { BIDDING_NAMESPACE, BidService, LIVE_EVENTS, roomFor, SnapshotService } from '@ggzy/bidding';
import { LOGGER, type Logger, toErrorResponse, validatePayload } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import { BidMessage, ListingRef, ResyncMessage } from './bidding.dto.js';
import type { NamespaceLiveEvents } from './namespace-live-events.js';

const KNOWN_EVENTS = new Set(['join', 'bid', 'resync', 'leave']);

type Ack<T> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string; details?: unknown } };

/**
 * Live bidding rooms. Transport only: every message is validated, then handed to the same
 * use cases as the REST twin; every failure is an ack with a code and the socket stays up.
 */
@WebSocketGateway({ namespace: BIDDING_NAMESPACE, cors: { origin: true } })
export class BiddingGateway implements OnGatewayInit, OnGatewayConnection {
  constructor(
    private readonly tokens: TokenService,
    private readonly bids: BidService,
    private readonly snapshots: SnapshotService,
    @Inject(LIVE_EVENTS) private readonly liveEvents: NamespaceLiveEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(namespace: Namespace) {
    this.liveEvents.attach(namespace);
    // Anonymous sockets may watch; a token, when given, must be valid.
    namespace.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (token === undefined || token === null || token === '') return next();
      try {
        if (typeof token !== 'string') throw new DomainError('INVALID_TOKEN', 'the token must be a string');
        socket.data.user = this.tokens.verify(token);
        next();
      } catch (error) {
        const { body } = toErrorResponse(error, this.logger);
        next(Object.assign(new Error(body.message), { data: body }));
      }
    });
  }

  /** Nest drops events it has no handler for; a client waiting on an ack deserves an answer. */
  handleConnection(socket: Socket) {
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof event === 'string' && KNOWN_EVENTS.has(event)) return;
      if (typeof ack === 'function') {
        ack({
          ok: false,
          error: { code: 'UNKNOWN_EVENT', message: `unknown event; use ${[...KNOWN_EVENTS].join(', ')}` },
        });
      }
    });
  }

  @SubscribeMessage('join')
  join(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const { listingId } = validatePayload(ListingRef, payload);
      // Join first, then read: a bid in between arrives as an event and the client dedups by seq.
      await socket.join(roomFor(listingId));
      try {
        return { snapshot: await this.snapshots.snapshot(listingId, this.user(socket)?.id) };
      } catch (error) {
        await socket.leave(roomFor(listingId));
        throw error;
      }
    });
  }

  @SubscribeMessage('bid')
  bid(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const user = this.user(socket);
      if (!user) throw new DomainError('UNAUTHENTICATED', 'connect with a token to bid');
      const message = validatePayload(BidMessage, payload);
      return { bid: await this.bids.placeBid(user, message) };
    });
  }

  @SubscribeMessage('resync')
  resync(@ConnectedSocket() socket: Socket, @MessageBody() payload: unknown) {
    return this.ack(async () => {
      const { listingId, afterSeq } = validatePayload(ResyncMessage, payload);
      const bids = await this.snapshots.bidsAfter(listingId, afterSeq);
      return { bids, snapshot: await this.snapshots.snapshot(listingId, this.user(socket)?.id) };
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

  private user(socket: Socket): AuthUser | undefined {
    return socket.data.user as AuthUser | undefined;
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
