import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { TendersService } from '@ggzy/tenders';
import { PageQuery } from '../common.dto.js';

@ApiTags('construction tenders (建筑工程招投标)')
@ApiBearerAuth()
@Controller('me/tender-registrations')
export class MyTenderRegistrationsController {
  constructor(private readonly tenders: TendersService) {}

  @Get()
  @Roles('bidder')
  mine(@CurrentUser() bidder: AuthUser, @Query() page: PageQuery) {
    return this.tenders.myRegistrations(bidder, page);
  }
}
