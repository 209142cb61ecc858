import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { LeaseListingsService } from '@ggzy/leasing';
import { PageQuery } from '../common.dto.js';

/** The signed-in bidder's own side: applications with their status, bidder code and deposit. */
@ApiTags('lease listings (公房租赁)')
@ApiBearerAuth()
@Controller('me')
export class MyRegistrationsController {
  constructor(private readonly listings: LeaseListingsService) {}

  @Get('lease-registrations')
  @Roles('bidder')
  mine(@CurrentUser() bidder: AuthUser, @Query() page: PageQuery) {
    return this.listings.registrationsOf(bidder, page.limit, page.offset);
  }
}
