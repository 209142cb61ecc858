import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { TendersService } from '@ggzy/tenders';
import { PageQuery } from '../common.dto.js';

@ApiTags('construction tenders (建筑工程招投标)')
@ApiBearerAuth()
@Controller('me')
export class MyTenderRegistrationsController {
  constructor(private readonly tenders: TendersService) {}

  @Get('tender-registrations')
  @Roles('bidder')
  registrations(@CurrentUser() bidder: AuthUser, @Query() page: PageQuery) {
    return this.tenders.myRegistrations(bidder, page);
  }

  /** Receipts of the supplier's own sealed bids; after each opening, its price as opened. */
  @Get('tender-bids')
  @Roles('bidder')
  bids(@CurrentUser() bidder: AuthUser, @Query() page: PageQuery) {
    return this.tenders.myBids(bidder, page);
  }
}
