import {
  Queue,
  Worker,
  withBackend,
  createPostgresBackend,
  type Processor,
  type WorkerOptions,
} from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '@ggzy/common';

/**
 * One code path, two connections: BullMQ on Redis, or BullMQ's own PostgreSQL backend in
 * single-machine mode. Everything above this file sees plain Queue/Worker objects.
 */
export interface QueueBackend {
  readonly kind: 'redis' | 'postgres';
  createQueue(name: string): Queue;
  createWorker(
    name: string,
    processor: Processor,
    options: Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>,
  ): Worker;
  close(): Promise<void>;
}

/*
 * A queue or worker re-emits its connection's errors; an emitter with no 'error' listener
 * throws them, and a connection the server drops (a restart, a database dropped under a test)
 * would take the whole process down. The clients reconnect by themselves and /health reports
 * a queue that stays unreachable, so the event itself needs no handling here.
 */
function quietOnError<T extends Queue | Worker>(emitter: T): T {
  (emitter as unknown as NodeJS.EventEmitter).on('error', () => {});
  return emitter;
}

export function createQueueBackend(config: AppConfig): QueueBackend {
  return config.REDIS_URL ? redisBackend(config.REDIS_URL, config.QUEUE_PREFIX) : postgresBackend(config);
}

function redisBackend(url: string, prefix: string): QueueBackend {
  const connections: Redis[] = [];
  const connect = () => {
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    connections.push(connection);
    return connection;
  };
  return {
    kind: 'redis',
    createQueue: (name) => quietOnError(new Queue(name, { connection: connect(), prefix })),
    createWorker: (name, processor, options) =>
      quietOnError(new Worker(name, processor, { ...options, connection: connect(), prefix })),
    close: async () => {
      await Promise.all(
        connections.map((connection) => connection.quit().catch(() => connection.disconnect())),
      );
    },
  };
}

function postgresBackend(config: AppConfig): QueueBackend {
  const { Queue: PgQueue, Worker: PgWorker } = withBackend(createPostgresBackend);
  const connection = {
    connectionString: config.DATABASE_URL,
    schema: `${config.QUEUE_PREFIX}_bullmq`,
    migrate: true,
    max: 4,
  };
  return {
    kind: 'postgres',
    createQueue: (name) => quietOnError(new PgQueue(name, { connection }) as unknown as Queue),
    createWorker: (name, processor, options) =>
      quietOnError(new PgWorker(name, processor, { ...options, connection }) as unknown as Worker),
    close: async () => {},
  };
}
