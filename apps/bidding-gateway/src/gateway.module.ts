import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthModule } from '@ggzy/auth';
import { AuctionModule, LIVE_EVENTS, LISTING_READ_CACHE, ListingReadCache } from '@ggzy/auction';
import { APP_CONFIG, type AppConfig, CoreModule, HttpErrorFilter } from '@ggzy/common';
import { PersistenceModule } from '@ggzy/persistence';
import { HealthController, HealthService } from '@ggzy/queues';
import { liveAlertChecks } from '@ggzy/supervision';
import { BiddingGateway } from './bidding.gateway.js';
import { NamespaceLiveEvents } from './namespace-live-events.js';
import { SocketLimits } from './socket-limits.js';

@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    const liveEvents = new NamespaceLiveEvents();
    return {
      module: GatewayModule,
      imports: [
        CoreModule.forRoot(config, logger),
        PersistenceModule.forRoot('ggzy-gateway'),
        AuthModule,
        AuctionModule.forRoot({ provide: LIVE_EVENTS, useValue: liveEvents }, [
          {
            provide: LISTING_READ_CACHE,
            inject: [APP_CONFIG],
            useFactory: (appConfig: AppConfig) =>
              new ListingReadCache(appConfig.SNAPSHOT_CACHE_MS, (listingId) => liveEvents.hasRoom(listingId)),
          },
          liveAlertChecks,
        ]),
      ],
      controllers: [HealthController],
      providers: [
        BiddingGateway,
        HealthService,
        // One instance: the engine counts connections, the gateway's middleware reads the count.
        {
          provide: SocketLimits,
          inject: [APP_CONFIG],
          useFactory: (appConfig: AppConfig) => new SocketLimits(appConfig),
        },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
