import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthModule } from '@ggzy/auth';
import { BiddingModule, LIVE_EVENTS } from '@ggzy/bidding';
import { type AppConfig, CoreModule, HttpErrorFilter } from '@ggzy/common';
import { PersistenceModule } from '@ggzy/persistence';
import { HealthController, HealthService } from '@ggzy/queues';
import { BiddingGateway } from './bidding.gateway.js';
import { NamespaceLiveEvents } from './namespace-live-events.js';

@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        CoreModule.forRoot(config, logger),
        PersistenceModule.forRoot('ggzy-gateway'),
        AuthModule,
        BiddingModule.forRoot({ provide: LIVE_EVENTS, useValue: new NamespaceLiveEvents() }),
      ],
      controllers: [HealthController],
      providers: [BiddingGateway, HealthService, { provide: APP_FILTER, useClass: HttpErrorFilter }],
    };
  }
}
