import { type DynamicModule, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthGuard, AuthModule } from '@ggzy/auth';
import { AUCTION_HOSTS, AuctionModule, createEmitterLiveEvents, LIVE_EVENTS } from '@ggzy/auction';
import { APP_CONFIG, type AppConfig, CoreModule, HttpErrorFilter } from '@ggzy/common';
import { DepositsModule } from '@ggzy/deposits';
import { ExpertPoolModule, SealedBidsModule } from '@ggzy/sealed-bids';
import { LeaseAuctionHost, LeaseListingsService, LeaseSupervisedProcess } from '@ggzy/leasing';
import { TransferAuctionHost, TransferSupervisedProcess, TransfersService } from '@ggzy/transfers';
import {
  TenderEvaluationService,
  TenderObjectionsService,
  TenderPrequalificationService,
  TenderSupervisedProcess,
  TendersService,
} from '@ggzy/tenders';
import {
  ProcurementEvaluationService,
  ProcurementFrameworkService,
  ProcurementService,
  ProcurementSupervisedProcess,
} from '@ggzy/procurement';
import { RegistrationsService, SUPERVISED_PROCESSES, type SupervisedProcess } from '@ggzy/registrations';
import { PersistenceModule } from '@ggzy/persistence';
import {
  AlertsModule,
  ComplaintsService,
  CreditModule,
  DisclosureModule,
  FeesModule,
  liveAlertChecks,
} from '@ggzy/supervision';
import {
  AlertQueue,
  AuctionScheduler,
  createQueueBackend,
  DepositQueue,
  HealthController,
  HealthService,
  type QueueBackend,
  ReportQueue,
  TenderScheduler,
  ProcurementScheduler,
  TransferScheduler,
} from '@ggzy/queues';
import { DealImportService, ReportBuilder, ReportsService } from '@ggzy/reports';
import { AuthController } from './auth/auth.controller.js';
import { LeaseListingsController } from './lease-listings/lease-listings.controller.js';
import { MyRegistrationsController } from './lease-listings/my-registrations.controller.js';
import { TransferProjectsController } from './transfer-projects/transfer-projects.controller.js';
import { MyTransferRegistrationsController } from './transfer-projects/my-transfer-registrations.controller.js';
import { TenderProjectsController } from './tender-projects/tender-projects.controller.js';
import { TenderEvaluationController } from './tender-projects/tender-evaluation.controller.js';
import { MyTenderRegistrationsController } from './tender-projects/my-tender-registrations.controller.js';
import { TenderPrequalificationController } from './tender-projects/tender-prequalification.controller.js';
import { ProcurementsController } from './procurements/procurements.controller.js';
import { MyProcurementRegistrationsController } from './procurements/my-procurement-registrations.controller.js';
import { ProcurementEvaluationController } from './procurements/procurement-evaluation.controller.js';
import { ProcurementResultController } from './procurements/procurement-result.controller.js';
import { DealsController } from './deals/deals.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { CalendarController } from './calendar/calendar.controller.js';
import { DealsImportController } from './deals/deals-import.controller.js';
import { ReportsController } from './reports/reports.controller.js';
import { DepositsController } from './deposits/deposits.controller.js';
import { PublicStatisticsController } from './public/statistics.controller.js';
import { QueuesSessionController } from './admin/queues-board.js';
import { RequestLimitsGuard } from './request-limits.guard.js';
import { CommitteeDrawsController, ExpertsController } from './experts/experts.controller.js';
import { CreditListController, SanctionsController } from './supervision/sanctions.controller.js';
import { DisclosureController } from './public/disclosure.controller.js';
import { OpenDataController } from './public/open-data.controller.js';
import {
  ComplaintDecisionsController,
  ComplaintStagesController,
  ComplaintsController,
  MyComplaintsController,
} from './supervision/complaints.controller.js';
import { AlertsController } from './supervision/alerts.controller.js';
import { RequestOriginInterceptor } from './request-origin.interceptor.js';
import { FeesController } from './supervision/fees.controller.js';
import { DealReviewController } from './supervision/deal-review.controller.js';

const QUEUE_BACKEND = Symbol('QUEUE_BACKEND');

/** Closes the queue connections the API opened outside Nest's own providers. */
class ConnectionsCloser implements OnApplicationShutdown {
  constructor(
    private readonly scheduler: AuctionScheduler,
    private readonly reportQueue: ReportQueue,
    private readonly transferScheduler: TransferScheduler,
    private readonly tenderScheduler: TenderScheduler,
    private readonly procurementScheduler: ProcurementScheduler,
    private readonly depositQueue: DepositQueue,
    private readonly alertQueue: AlertQueue,
    @Inject(QUEUE_BACKEND) private readonly backend: QueueBackend,
  ) {}
  async onApplicationShutdown() {
    await this.scheduler.close();
    await this.reportQueue.close();
    await this.transferScheduler.close();
    await this.tenderScheduler.close();
    await this.procurementScheduler.close();
    await this.depositQueue.close();
    await this.alertQueue.close();
    await this.backend.close();
  }
}

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(config, logger),
        PersistenceModule.forRoot('ggzy-api'),
        DepositsModule,
        ExpertPoolModule,
        SealedBidsModule,
        CreditModule,
        DisclosureModule,
        FeesModule,
        AuthModule,
        AuctionModule.forRoot(
          {
            provide: LIVE_EVENTS,
            inject: [APP_CONFIG],
            useFactory: createEmitterLiveEvents,
          },
          // Staff close auctions here too, by recording an on-site auction: each line says what its sale is.
          [
            LeaseAuctionHost,
            TransferAuctionHost,
            {
              provide: AUCTION_HOSTS,
              inject: [LeaseAuctionHost, TransferAuctionHost],
              useFactory: (lease: LeaseAuctionHost, transfer: TransferAuctionHost) => [lease, transfer],
            },
            liveAlertChecks,
          ],
        ),
        AlertsModule,
      ],
      controllers: [
        AuthController,
        QueuesSessionController,
        LeaseListingsController,
        MyRegistrationsController,
        DepositsController,
        TransferProjectsController,
        MyTransferRegistrationsController,
        TenderProjectsController,
        TenderEvaluationController,
        MyTenderRegistrationsController,
        TenderPrequalificationController,
        ProcurementsController,
        ProcurementEvaluationController,
        MyProcurementRegistrationsController,
        ProcurementResultController,
        DealsController,
        DealsImportController,
        ReportsController,
        PublicStatisticsController,
        AuditController,
        CalendarController,
        ExpertsController,
        CommitteeDrawsController,
        SanctionsController,
        CreditListController,
        DisclosureController,
        OpenDataController,
        ComplaintsController,
        MyComplaintsController,
        ComplaintDecisionsController,
        ComplaintStagesController,
        FeesController,
        DealReviewController,
        HealthController,
        AlertsController,
      ],
      providers: [
        { provide: QUEUE_BACKEND, inject: [APP_CONFIG], useFactory: createQueueBackend },
        {
          provide: AuctionScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new AuctionScheduler(backend),
        },
        {
          provide: TransferScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new TransferScheduler(backend),
        },
        {
          provide: TenderScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new TenderScheduler(backend),
        },
        {
          provide: ProcurementScheduler,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new ProcurementScheduler(backend),
        },
        {
          provide: DepositQueue,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new DepositQueue(backend),
        },
        {
          provide: ReportQueue,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new ReportQueue(backend),
        },
        // Early warning's queue: the worker's detector runs, shown on the queues board.
        {
          provide: AlertQueue,
          inject: [QUEUE_BACKEND],
          useFactory: (backend: QueueBackend) => new AlertQueue(backend),
        },
        ReportBuilder,
        ReportsService,
        DealImportService,
        LeaseListingsService,
        TransfersService,
        TendersService,
        TenderEvaluationService,
        TenderObjectionsService,
        TenderPrequalificationService,
        ProcurementService,
        ProcurementEvaluationService,
        ProcurementFrameworkService,
        RegistrationsService,
        HealthService,
        ConnectionsCloser,
        // Complaints reach each line through its SupervisedProcess (supervision imports no line).
        LeaseSupervisedProcess,
        TransferSupervisedProcess,
        TenderSupervisedProcess,
        ProcurementSupervisedProcess,
        {
          provide: SUPERVISED_PROCESSES,
          inject: [
            LeaseSupervisedProcess,
            TransferSupervisedProcess,
            TenderSupervisedProcess,
            ProcurementSupervisedProcess,
          ],
          useFactory: (...processes: SupervisedProcess[]) => processes,
        },
        ComplaintsService,
        // Guards run in this order: the address budget before any token is verified.
        { provide: APP_GUARD, useClass: RequestLimitsGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: RequestOriginInterceptor },
      ],
    };
  }
}
