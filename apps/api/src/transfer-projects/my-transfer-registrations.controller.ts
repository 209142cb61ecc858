import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { TransfersService } from '@ggzy/transfers';
import { PageQuery } from '../common.dto.js';

/** The signed-in buyer's own applications for transfer projects. */
@ApiTags('property-rights transfers (产权交易)')
@ApiBearerAuth()
@Controller('me')
export class MyTransferRegistrationsController {
  constructor(private readonly transfers: TransfersService) {}

  @Get('transfer-registrations')
  @Roles('bidder')
  mine(@CurrentUser() bidder: AuthUser, @Query() page: PageQuery) {
    return this.transfers.registrationsOf(bidder, page.limit, page.offset);
  }
}
