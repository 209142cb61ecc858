import type { DataSource } from 'typeorm';
import { DEFAULT_RECENT_SITTING_DAYS, REFUSAL_TO_SIGN_BAN_MONTHS } from '@ggzy/domain';
import {
  AuditLogRepository,
  BusinessCalendarRepository,
  DepositsRepository,
  PartyBans,
  RefusalToSignRecords,
  SanctionsRepository,
  SealedBidsRepository,
} from '@ggzy/persistence';
import { BusinessCalendarService } from '@ggzy/calendar';
import { DepositsService } from '@ggzy/deposits';
import { BidSealer, KeyRing, SealedBidsService } from '@ggzy/sealed-bids';
import { type AppConfig, createLogger, SystemClock } from '@ggzy/common';

/**
 * The platform services the demo seeds drive, set up as the processes set them up: the centre's
 * zone, the defaults for the rest, and bids sealed with the installation's key when one is given.
 */
export function demoServices(dataSource: DataSource, timeZone: string, sealedBidKeys?: string) {
  const config = {
    CENTRE_TZ: timeZone,
    COMMITTEE_RECENT_SITTING_DAYS: DEFAULT_RECENT_SITTING_DAYS,
    REFUSAL_TO_SIGN_BAN_MONTHS,
  } as AppConfig;
  const logger = createLogger('demo', 'warn');
  const audit = new AuditLogRepository(dataSource);
  const calendars = new BusinessCalendarService(
    dataSource,
    new BusinessCalendarRepository(dataSource),
    audit,
    new SystemClock(),
  );
  const depositRows = new DepositsRepository(dataSource);
  const sanctions = new SanctionsRepository(dataSource);
  const partyBans = new PartyBans(sanctions, config);
  return {
    config,
    logger,
    audit,
    calendars,
    depositRows,
    partyBans,
    deposits: new DepositsService(
      dataSource,
      depositRows,
      audit,
      calendars,
      config,
      logger,
      new RefusalToSignRecords(sanctions, audit, config),
    ),
    sealedBids: () =>
      new SealedBidsService(
        dataSource,
        new SealedBidsRepository(),
        audit,
        new BidSealer(KeyRing.fromSetting(sealedBidKeys!)),
        partyBans,
        logger,
      ),
  };
}
