import { IoAdapter } from '@nestjs/platform-socket.io';
import type { INestApplicationContext } from '@nestjs/common';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '@ggzy/common';
import { ATTACHMENTS_TABLE, BIDDING_NAMESPACE, postgresChannelPrefix, redisAdapterKey } from '@ggzy/auction';
import { connectError, type SocketLimits } from './socket-limits.js';

/**
 * Shares rooms across gateway instances (and with the api/worker emitters): the Redis
 * adapter, or the PostgreSQL adapter in single-machine mode.
 */
export class ClusterIoAdapter extends IoAdapter {
  private readonly closers: (() => Promise<unknown>)[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly limits: SocketLimits,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server: Server = super.createIOServer(port, {
      ...options,
      // Polling requests answer CORS for these origins only; the upgrade is checked by the gateway.
      cors: { origin: this.config.CORS_ORIGINS },
      // A bid or a resync is under 300 bytes; anything far larger is refused unread.
      maxHttpBufferSize: this.config.SOCKET_MAX_PAYLOAD_BYTES,
      // The connection cap per address holds before any namespace is joined.
      allowRequest: this.limits.allowRequest,
      // A connection that joins no namespace is closed this soon (socket.io's default is 45 s).
      connectTimeout: this.config.SOCKET_CONNECT_TIMEOUT_MS,
    } as ServerOptions);
    server.engine.on('connection', this.limits.countConnection);
    // socket.io always serves the main namespace; nothing lives there.
    server
      .of('/')
      .use((_socket, next) =>
        next(connectError({ code: 'NOT_FOUND', message: `live bidding is on ${BIDDING_NAMESPACE}` })),
      );
    if (this.config.REDIS_URL) {
      const pub = new Redis(this.config.REDIS_URL, { maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      this.closers.push(
        () => pub.quit(),
        () => sub.quit(),
      );
      server.adapter(createRedisAdapter(pub, sub, { key: redisAdapterKey(this.config) }));
    } else {
      const pool = new pg.Pool({ connectionString: this.config.DATABASE_URL, max: 4 });
      this.closers.push(() => pool.end());
      server.adapter(
        createPostgresAdapter(pool, {
          channelPrefix: postgresChannelPrefix(this.config),
          tableName: ATTACHMENTS_TABLE,
        }),
      );
    }
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all(this.closers.splice(0).map((close) => close().catch(() => {})));
  }
}
