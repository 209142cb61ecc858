import { DataSource } from 'typeorm';
import { AuditEntryEntity, BidEntity, DealEntity, LeaseListingEntity, UserEntity } from './entities/index.js';
import { InitialSchema1764230000000 } from './migrations/1764230000000-initial-schema.js';
import { ListingSuspension1764240000000 } from './migrations/1764240000000-listing-suspension.js';
import { BidderRoleExclusive1764310000000 } from './migrations/1764310000000-bidder-role-exclusive.js';
import { SignInLimits1764310000001 } from './migrations/1764310000001-sign-in-limits.js';
import { BusinessCalendar1764340000000 } from './migrations/1764340000000-business-calendar.js';
import { Reports1764320000000 } from './migrations/1764320000000-reports.js';
import { ReportEntity } from './reports/report.entity.js';
import { AuctionEntity } from './auctions/auction.entity.js';
import { RegistrationEntity } from './registrations/registration.entity.js';
import { Registrations1764350000001 } from './migrations/1764350000001-registrations.js';
import { Auctions1764350000000 } from './migrations/1764350000000-auctions.js';
import { Deposits1764360000000 } from './migrations/1764360000000-deposits.js';
import { OnSiteAuctions1764360000001 } from './migrations/1764360000001-on-site-auctions.js';
import { AuditAppRole1764310000002 } from './migrations/1764310000002-audit-app-role.js';
import { TransferProjects1764360000100 } from './migrations/1764360000100-transfer-projects.js';
import { BidArrival1764370000000 } from './migrations/1764370000000-bid-arrival.js';
import { TransferRelisting1764380000000 } from './migrations/1764380000000-transfer-relisting.js';
import { AppendOnlyLedgers1764380000001 } from './migrations/1764380000001-append-only-ledgers.js';
import { TimedStepIndexes1764390000000 } from './migrations/1764390000000-timed-step-indexes.js';
import { SealedBids1764400000200 } from './migrations/1764400000200-sealed-bids.js';
import { TransferProjectEntity } from './transfers/transfer-project.entity.js';
import { TenderProjects1764400000300 } from './migrations/1764400000300-tender-projects.js';
import { TenderSupplierOrganizations1764400000310 } from './migrations/1764400000310-tender-supplier-organizations.js';
import { TenderProjectEntity } from './tenders/tender-project.entity.js';
import { TenderEvaluation1764400000400 } from './migrations/1764400000400-tender-evaluation.js';
import { TenderTieSeed1764400000410 } from './migrations/1764400000410-tender-tie-seed.js';
import { ProcurementProjects1764400000500 } from './migrations/1764400000500-procurement-projects.js';
import { ProcurementEvaluation1764400000600 } from './migrations/1764400000600-procurement-evaluation.js';
import { ProcurementTieSeed1764400000610 } from './migrations/1764400000610-procurement-tie-seed.js';
import { ProcurementMethods1764500000100 } from './migrations/1764500000100-procurement-methods.js';
import { ProcurementProjectEntity } from './procurement/procurement-project.entity.js';
import { TenderObjectionsRounds1764500000200 } from './migrations/1764500000200-tender-objections-rounds.js';
import { ExpertPool1764400000100 } from './migrations/1764400000100-expert-pool.js';
import { ExpertEntity } from './experts/expert.entity.js';
import { CommitteeDrawEntity } from './experts/committee-draw.entity.js';
import { Sanctions1764500000500 } from './migrations/1764500000500-sanctions.js';
import { CallOffClientOrder1764500000600 } from './migrations/1764500000600-call-off-client-order.js';
import { Complaints1764500000700 } from './migrations/1764500000700-complaints.js';
import { TenderSupervisorSuspension1764500000710 } from './migrations/1764500000710-tender-supervisor-suspension.js';
import { EarlyWarningAlerts1764500000800 } from './migrations/1764500000800-early-warning-alerts.js';
import { ProcurementRounds1764500001100 } from './migrations/1764500001100-procurement-rounds.js';
import { TenderReportRevisions1764500001110 } from './migrations/1764500001110-tender-report-revisions.js';
import { Fees1764500000900 } from './migrations/1764500000900-fees.js';
import { ComplaintStepClaims1764500001350 } from './migrations/1764500001350-complaint-step-claims.js';
import { SuspensionOwner1764500001400 } from './migrations/1764500001400-suspension-owner.js';
import { ProcurementItems1764500001410 } from './migrations/1764500001410-procurement-items.js';
import { AlertScanWinner1764500001411 } from './migrations/1764500001411-alert-scan-winner.js';
import { Announcements1764500001420 } from './migrations/1764500001420-announcements.js';
import { TenderPrequalification1764500001430 } from './migrations/1764500001430-tender-prequalification.js';
import { FrameworkQualityFirst1764500001440 } from './migrations/1764500001440-framework-quality-first.js';
import { FrameworkCallOffMethod1764500001441 } from './migrations/1764500001441-framework-call-off-method.js';
import { AnnounceTerminationsFromSuspended1764500001460 } from './migrations/1764500001460-announce-terminations-from-suspended.js';
import { RegistrationOrganizationName1764500001470 } from './migrations/1764500001470-registration-organization-name.js';

export const ENTITIES = [
  UserEntity,
  AuctionEntity,
  LeaseListingEntity,
  RegistrationEntity,
  BidEntity,
  DealEntity,
  AuditEntryEntity,
  ReportEntity,
  TransferProjectEntity,
  TenderProjectEntity,
  ProcurementProjectEntity,
  ExpertEntity,
  CommitteeDrawEntity,
];
// Listed explicitly: globs over compiled files break under bundlers and ESM alike.
export const MIGRATIONS = [
  InitialSchema1764230000000,
  ListingSuspension1764240000000,
  BidderRoleExclusive1764310000000,
  SignInLimits1764310000001,
  AuditAppRole1764310000002,
  Reports1764320000000,
  BusinessCalendar1764340000000,
  Auctions1764350000000,
  Registrations1764350000001,
  Deposits1764360000000,
  OnSiteAuctions1764360000001,
  TransferProjects1764360000100,
  BidArrival1764370000000,
  TransferRelisting1764380000000,
  AppendOnlyLedgers1764380000001,
  TimedStepIndexes1764390000000,
  ExpertPool1764400000100,
  SealedBids1764400000200,
  TenderProjects1764400000300,
  TenderSupplierOrganizations1764400000310,
  TenderEvaluation1764400000400,
  TenderTieSeed1764400000410,
  ProcurementProjects1764400000500,
  ProcurementEvaluation1764400000600,
  ProcurementTieSeed1764400000610,
  ProcurementMethods1764500000100,
  TenderObjectionsRounds1764500000200,
  Sanctions1764500000500,
  CallOffClientOrder1764500000600,
  Complaints1764500000700,
  TenderSupervisorSuspension1764500000710,
  EarlyWarningAlerts1764500000800,
  Fees1764500000900,
  ProcurementRounds1764500001100,
  TenderReportRevisions1764500001110,
  ComplaintStepClaims1764500001350,
  SuspensionOwner1764500001400,
  ProcurementItems1764500001410,
  AlertScanWinner1764500001411,
  Announcements1764500001420,
  TenderPrequalification1764500001430,
  FrameworkQualityFirst1764500001440,
  FrameworkCallOffMethod1764500001441,
  AnnounceTerminationsFromSuspended1764500001460,
  RegistrationOrganizationName1764500001470,
];

/** A second DataSource on the same database, for reads kept off the bid path's pool. */
export const READ_DATA_SOURCE = Symbol('READ_DATA_SOURCE');

/** The one DataSource definition, for the apps and for `npm run cli -- migration:run`. */
export function createDataSource(url: string, poolSize = 10, applicationName = 'ggzy'): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    applicationName,
    extra: { max: poolSize },
  });
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const driverError =
    (error as { driverError?: { code?: string; constraint?: string } })?.driverError ??
    (error as { code?: string; constraint?: string });
  return driverError?.code === '23505' && (constraint === undefined || driverError.constraint === constraint);
}
