import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { createDataSource, READ_DATA_SOURCE } from './data-source.js';
import { guardNestedConnections, type NestedConnectionError } from './pool-guard.js';
import { AuditLogRepository } from './audit-log.repository.js';
import { DealsRepository } from './deals.repository.js';
import { LeaseListingsRepository } from './lease-listings.repository.js';
import { AuctionsRepository } from './auctions/auctions.repository.js';
import { RegistrationsRepository } from './registrations/registrations.repository.js';
import { DepositsRepository } from './deposits/deposits.repository.js';
import { OnSiteAuctionsRepository } from './on-site-auctions/on-site-auctions.repository.js';
import { UsersRepository } from './users.repository.js';
import { BusinessCalendarRepository } from './business-calendar/business-calendar.repository.js';
import { ReportsRepository } from './reports/reports.repository.js';
import { AuditCheckpoints } from './audit-checkpoints.js';
import { TransferProjectsRepository } from './transfers/transfer-projects.repository.js';
import { TenderProjectsRepository } from './tenders/tender-projects.repository.js';
import { TenderEvaluationRepository } from './tenders/tender-evaluation.repository.js';
import { ProcurementProjectsRepository } from './procurement/procurement-projects.repository.js';
import { ProcurementEvaluationRepository } from './procurement/procurement-evaluation.repository.js';
import { ProcurementMethodsRepository } from './procurement/procurement-methods.repository.js';
import { ExpertsRepository } from './experts/experts.repository.js';
import { CommitteeDrawsRepository } from './experts/committee-draws.repository.js';
import { SanctionsRepository } from './sanctions/sanctions.repository.js';
import { ComplaintsRepository } from './complaints/complaints.repository.js';
import { PartyBans, RefusalToSignRecords } from './sanctions/credit-records.js';
import { PublicAnnouncementsRepository } from './disclosure/public-announcements.repository.js';
import { OcdsFactsRepository } from './disclosure/ocds-facts.repository.js';
import { AlertsRepository } from './alerts/alerts.repository.js';
import { AlertFactsRepository } from './alerts/alert-facts.repository.js';
import { FeesRepository } from './fees/fees.repository.js';
import { DealReviewRepository } from './fees/deal-review.repository.js';

const REPOSITORIES = [
  AuctionsRepository,
  AuditLogRepository,
  BusinessCalendarRepository,
  DealsRepository,
  DepositsRepository,
  LeaseListingsRepository,
  OnSiteAuctionsRepository,
  RegistrationsRepository,
  UsersRepository,
  ReportsRepository,
  TransferProjectsRepository,
  TenderProjectsRepository,
  TenderEvaluationRepository,
  ProcurementProjectsRepository,
  ProcurementEvaluationRepository,
  ProcurementMethodsRepository,
  ExpertsRepository,
  CommitteeDrawsRepository,
  SanctionsRepository,
  PartyBans,
  AlertsRepository,
  AlertFactsRepository,
  RefusalToSignRecords,
  PublicAnnouncementsRepository,
  OcdsFactsRepository,
  ComplaintsRepository,
  FeesRepository,
  DealReviewRepository,
];

class DataSourceCloser implements OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly readDataSource: DataSource,
  ) {}
  async onApplicationShutdown() {
    for (const dataSource of [this.readDataSource, this.dataSource])
      if (dataSource.isInitialized) await dataSource.destroy();
  }
}

/** Development and tests fail the statement; production reports it and lets it wait. */
function onNestedConnection(config: AppConfig): 'throw' | ((error: NestedConnectionError) => void) {
  if (config.NODE_ENV !== 'production') return 'throw';
  const logger = new Logger('PersistenceModule');
  return (error) => logger.error(error.message, error.stack);
}

/** Provides the DataSource (already migrated by `migration:run`; apps never migrate at boot). */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(applicationName: string): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const dataSource = await createDataSource(
              config.DATABASE_URL,
              config.DB_POOL_SIZE,
              applicationName,
            ).initialize();
            if (await dataSource.showMigrations()) {
              await dataSource.destroy();
              throw new Error(
                'the database has pending migrations: run `npm run cli -- migration:run` first',
              );
            }
            return guardNestedConnections(dataSource, onNestedConnection(config));
          },
        },
        {
          // Reads that can come in floods (snapshots, resync, the public ledger) get their own
          // connections, so they can never hold every connection the bid path needs.
          provide: READ_DATA_SOURCE,
          inject: [APP_CONFIG, DataSource],
          useFactory: async (config: AppConfig) =>
            guardNestedConnections(
              await createDataSource(
                config.DATABASE_URL,
                config.DB_READ_POOL_SIZE,
                `${applicationName}-read`,
              ).initialize(),
              onNestedConnection(config),
            ),
        },
        {
          provide: AuditCheckpoints,
          inject: [DataSource, APP_CONFIG],
          useFactory: (dataSource: DataSource, config: AppConfig) =>
            new AuditCheckpoints(dataSource, config.AUDIT_HMAC_KEY),
        },
        DataSourceCloser,
        ...REPOSITORIES,
      ],
      exports: [DataSource, READ_DATA_SOURCE, AuditCheckpoints, ...REPOSITORIES],
    };
  }
}
