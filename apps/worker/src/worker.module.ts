import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { BiddingModule, createEmitterLiveEvents, LIVE_EVENTS, type LiveEvents } from '@ggzy/bidding';
import { APP_CONFIG, type AppConfig, CoreModule } from '@ggzy/common';
import { PersistenceModule } from '@ggzy/persistence';
import { AuctionScheduler, createQueueBackend, type QueueBackend } from '@ggzy/queues';
import { AuctionsProcessor, QUEUE_BACKEND } from './auctions.processor.js';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, logger),
        PersistenceModule.forRoot('ggzy-worker'),
        BiddingModule.forRoot({
          provide: LIVE_EVENTS,
          inject: [APP_CONFIG],
          useFactory: (appConfig: AppConfig): LiveEvents => createEmitterLiveEvents(appConfig),
        }),
      ],
      providers: [
        { provide: QUEUE_BACKEND, inject: [APP_CONFIG], useFactory: createQueueBackend },
        {
          provide: AuctionScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new AuctionScheduler(backend),
        },
        AuctionsProcessor,
      ],
    };
  }
}
