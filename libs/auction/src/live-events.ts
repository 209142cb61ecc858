import { Emitter as RedisEmitter } from '@socket.io/redis-emitter';
import { MessageType } from 'socket.io-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { AppConfig } from '@ggzy/common';

export const BIDDING_NAMESPACE = '/bidding';
export const LIVE_EVENTS = Symbol('LIVE_EVENTS');

export function roomFor(listingId: string): string {
  return `listing:${listingId}`;
}

/** The channel names the gateway's adapter and every emitter must agree on. */
export function redisAdapterKey(config: Pick<AppConfig, 'QUEUE_PREFIX'>): string {
  return `${config.QUEUE_PREFIX}-socket.io`;
}
export function postgresChannelPrefix(config: Pick<AppConfig, 'QUEUE_PREFIX'>): string {
  return `${config.QUEUE_PREFIX}_socket_io`;
}
export const ATTACHMENTS_TABLE = 'socket_io_attachments';

export interface BidView {
  listingId: string;
  seq: number;
  amount: number;
  bidderCode: string;
  at: string;
  endsAt: string;
  minNextBid: number;
}

export interface LiveEventMap {
  'bid.accepted': BidView;
  'auction.status': { listingId: string; status: string; endsAt: string };
  'auction.closed': {
    listingId: string;
    status: 'sold' | 'unsold';
    finalPrice?: number;
    winnerCode?: string;
    closedAt: string;
  };
}

/** Where live events go: every gateway instance's room for the listing. */
export interface LiveEvents {
  publish<E extends keyof LiveEventMap>(event: E, payload: LiveEventMap[E] & { listingId: string }): void;
  close(): Promise<void>;
}

/**
 * For processes without sockets of their own (api, worker): a socket.io emitter over Redis,
 * or the PostgreSQL adapter's NOTIFY channel in single-machine mode.
 */
export function createEmitterLiveEvents(config: AppConfig): LiveEvents {
  if (config.REDIS_URL) {
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
    const emitter = new RedisEmitter(redis, { key: redisAdapterKey(config) }).of(BIDDING_NAMESPACE);
    return {
      publish: (event, payload) => void emitter.to(roomFor(payload.listingId)).emit(event, payload),
      close: async () => void (await redis.quit().catch(() => redis.disconnect())),
    };
  }
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
  const channel = `${postgresChannelPrefix(config)}#${BIDDING_NAMESPACE}`;
  return {
    publish: (event, payload) => {
      // Broadcasts are best effort after commit: a client that misses one resyncs from the ledger.
      pool
        .query('SELECT pg_notify($1, $2)', [
          channel,
          postgresBroadcast(roomFor(payload.listingId), event, payload),
        ])
        .catch(() => {});
    },
    close: () => pool.end(),
  };
}

/*
 * @socket.io/postgres-emitter 0.1.1 (the latest) leaves out the top-level `nsp` that
 * @socket.io/postgres-adapter 0.5 routes by, so its messages are dropped. This writes the
 * adapter's own BROADCAST message instead; our payloads stay far below NOTIFY's 8 kB.
 */
function postgresBroadcast(room: string, event: string, payload: unknown): string {
  return JSON.stringify({
    uid: 'emitter',
    nsp: BIDDING_NAMESPACE,
    type: MessageType.BROADCAST,
    data: {
      packet: { type: 2 /* EVENT */, data: [event, payload], nsp: BIDDING_NAMESPACE },
      opts: { rooms: [room], except: [], flags: {} },
    },
  });
}
