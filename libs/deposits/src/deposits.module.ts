import { Global, Module } from '@nestjs/common';
import { BusinessCalendarService } from '@ggzy/calendar';
import { DepositsService } from './deposits.service.js';

/**
 * Deposits for every process that registers bidders, closes auctions or scans refunds (api,
 * worker), with the business-day calendar their refund dates are counted on. Global, so the
 * hosts registered inside AuctionModule (the lease host) can ask for it.
 */
@Global()
@Module({
  providers: [BusinessCalendarService, DepositsService],
  exports: [BusinessCalendarService, DepositsService],
})
export class DepositsModule {}
