import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  AUCTION_HOSTS,
  AuctionModule,
  createEmitterLiveEvents,
  LIVE_EVENTS,
  type LiveEvents,
} from '@ggzy/auction';
import { LeaseAuctionHost } from '@ggzy/leasing';
import { DepositsModule } from '@ggzy/deposits';
import { TransferAuctionHost, TransfersService } from '@ggzy/transfers';
import { TenderContractWatch, TendersService } from '@ggzy/tenders';
import { ProcurementContractWatch, ProcurementService } from '@ggzy/procurement';
import { SealedBidsModule } from '@ggzy/sealed-bids';
import { BusinessCalendarService } from '@ggzy/calendar';
import { RegistrationsService } from '@ggzy/registrations';
import { APP_CONFIG, type AppConfig, CoreModule } from '@ggzy/common';
import { PersistenceModule } from '@ggzy/persistence';
import {
  AuctionScheduler,
  createQueueBackend,
  type QueueBackend,
  ReportQueue,
  TenderScheduler,
  ProcurementScheduler,
  TransferScheduler,
  AlertQueue,
} from '@ggzy/queues';
import { AlertsModule, ComplaintOverdueWatch } from '@ggzy/supervision';
import { ReportBuilder, ReportsService } from '@ggzy/reports';
import { AuctionsProcessor, QUEUE_BACKEND } from './auctions.processor.js';
import { ReportsProcessor } from './reports.processor.js';
import { TransfersProcessor } from './transfers.processor.js';
import { TendersProcessor } from './tenders.processor.js';
import { ProcurementProcessor } from './procurement.processor.js';
import { AuditCheckpointer } from './audit-checkpointer.js';
import { DepositRefundsProcessor } from './deposit-refunds.processor.js';
import { AlertsProcessor } from './alerts.processor.js';

/** The queue connections close after every processor has finished (shutdown runs after destroy). */
class QueueBackendCloser implements OnApplicationShutdown {
  constructor(@Inject(QUEUE_BACKEND) private readonly backend: QueueBackend) {}
  async onApplicationShutdown() {
    await this.backend.close();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, logger),
        PersistenceModule.forRoot('ggzy-worker'),
        DepositsModule,
        SealedBidsModule,
        AuctionModule.forRoot(
          {
            provide: LIVE_EVENTS,
            inject: [APP_CONFIG],
            useFactory: (appConfig: AppConfig): LiveEvents => createEmitterLiveEvents(appConfig),
          },
          // The worker closes auctions: every line that hosts one says what its sale is.
          [
            LeaseAuctionHost,
            TransferAuctionHost,
            BusinessCalendarService,
            {
              provide: AUCTION_HOSTS,
              inject: [LeaseAuctionHost, TransferAuctionHost],
              useFactory: (lease: LeaseAuctionHost, transfer: TransferAuctionHost) => [lease, transfer],
            },
          ],
        ),
        AlertsModule,
      ],
      providers: [
        { provide: QUEUE_BACKEND, inject: [APP_CONFIG], useFactory: createQueueBackend },
        {
          provide: AuctionScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new AuctionScheduler(backend),
        },
        AuctionsProcessor,
        {
          provide: TransferScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new TransferScheduler(backend),
        },
        RegistrationsService,
        TransfersService,
        TransfersProcessor,
        {
          provide: TenderScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new TenderScheduler(backend),
        },
        TendersService,
        TenderContractWatch,
        TendersProcessor,
        {
          provide: ProcurementScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new ProcurementScheduler(backend),
        },
        ProcurementService,
        ProcurementContractWatch,
        ProcurementProcessor,
        {
          provide: ReportQueue,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new ReportQueue(backend),
        },
        ReportBuilder,
        ReportsService,
        ReportsProcessor,
        QueueBackendCloser,
        AuditCheckpointer,
        DepositRefundsProcessor,
        {
          provide: AlertQueue,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new AlertQueue(backend),
        },
        AlertsProcessor,
        // Complaints (issue 10): the supervisors' deadlines watched by the alerts' sweep.
        ComplaintOverdueWatch,
      ],
    };
  }
}
