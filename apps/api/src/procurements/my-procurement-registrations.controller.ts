import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { ProcurementService } from '@ggzy/procurement';
import { PageQuery } from '../common.dto.js';

@ApiTags('government procurement (政府采购)')
@ApiBearerAuth()
@Controller('me')
export class MyProcurementRegistrationsController {
  constructor(private readonly procurement: ProcurementService) {}

  @Get('procurement-registrations')
  @Roles('bidder')
  registrations(@CurrentUser() bidder: AuthUser, @Query() page: PageQuery) {
    return this.procurement.myRegistrations(bidder, page);
  }

  /** Receipts of the supplier's own sealed responses; after each opening, its price as opened. */
  @Get('procurement-responses')
  @Roles('bidder')
  responses(@CurrentUser() bidder: AuthUser, @Query() page: PageQuery) {
    return this.procurement.myResponses(bidder, page);
  }
}
