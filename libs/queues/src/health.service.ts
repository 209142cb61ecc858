import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';

export interface HealthReport {
  status: 'ok' | 'error';
  database: 'up' | 'down';
  redis: 'up' | 'down' | 'not used';
  mode: 'redis' | 'single-machine';
  uptimeSeconds: number;
}

/** Healthy once the database and (when configured) Redis answer. */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private readonly redis: Redis | null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = config.REDIS_URL
      ? new Redis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000 })
      : null;
    this.redis?.on('error', () => {});
  }

  async check(): Promise<HealthReport> {
    const database = await this.dataSource
      .query('SELECT 1')
      .then(() => 'up' as const)
      .catch(() => 'down' as const);
    const redis = this.redis
      ? await this.redis
          .ping()
          .then(() => 'up' as const)
          .catch(() => 'down' as const)
      : ('not used' as const);
    return {
      status: database === 'up' && redis !== 'down' ? 'ok' : 'error',
      database,
      redis,
      mode: this.redis ? 'redis' : 'single-machine',
      uptimeSeconds: Math.round(process.uptime()),
    };
  }

  onModuleDestroy() {
    this.redis?.disconnect();
  }
}
