import { currentOrigin } from '@ggzy/common';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { BidService } from '@ggzy/auction';
import { DomainError } from '@ggzy/domain';
import { LeaseListingsService } from '@ggzy/leasing';
import { PageQuery, UuidPipe } from '../common.dto.js';
import { OnSiteAuctionDto, onSiteRecord } from '../on-site-auction.dto.js';
import {
  CreateLeaseListingDto,
  ListLeaseListingsQuery,
  PlaceBidDto,
  QualifyRegistrationDto,
  RejectRegistrationDto,
  ReasonDto,
  UpdateLeaseListingDto,
} from './lease-listings.dto.js';

const DATE_FIELDS = [
  'registrationStartsAt',
  'registrationEndsAt',
  'biddingStartsAt',
  'freeBiddingEndsAt',
] as const;

/** A partial body may leave a field out; only the reserve may be set to null (no reserve). */
function refuseNulls(body: object) {
  const nulls = Object.entries(body)
    .filter(([field, value]) => value === null && field !== 'reservePrice')
    .map(([field]) => ({ field, problems: [`${field} may not be null`] }));
  if (nulls.length > 0) throw new DomainError('VALIDATION_FAILED', 'the request is not valid', nulls);
}

@ApiTags('lease listings (公房租赁)')
@ApiBearerAuth()
@Controller('lease-listings')
export class LeaseListingsController {
  constructor(
    private readonly listings: LeaseListingsService,
    private readonly bids: BidService,
  ) {}

  @Post()
  @Roles('staff')
  create(@CurrentUser() staff: AuthUser, @Body() body: CreateLeaseListingDto) {
    return this.listings.create(staff, {
      ...body,
      reservePrice: body.reservePrice ?? null,
      registrationStartsAt: new Date(body.registrationStartsAt),
      registrationEndsAt: new Date(body.registrationEndsAt),
      biddingStartsAt: new Date(body.biddingStartsAt),
      freeBiddingEndsAt: new Date(body.freeBiddingEndsAt),
      extensionSeconds: body.extensionSeconds ?? 300,
    });
  }

  /** Staff change a draft; 409 LISTING_NOT_EDITABLE once it is announced (or later). */
  @Patch(':id')
  @Roles('staff')
  edit(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateLeaseListingDto,
  ) {
    refuseNulls(body);
    const changes: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(body)) {
      if (value === undefined) continue;
      changes[field] = (DATE_FIELDS as readonly string[]).includes(field) ? new Date(value as string) : value;
    }
    return this.listings.edit(staff, id, changes);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Roles('staff')
  publish(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.listings.publish(staff, id);
  }

  @Get()
  list(@Query() query: ListLeaseListingsQuery, @CurrentUser() viewer?: AuthUser) {
    return this.listings.list(query, viewer);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string, @CurrentUser() viewer?: AuthUser) {
    return this.listings.get(id, viewer);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('supervisor')
  suspend(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: ReasonDto) {
    return this.listings.suspend(supervisor, id, body.reason);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('supervisor')
  resume(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.listings.resume(supervisor, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('staff')
  cancel(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: ReasonDto) {
    return this.listings.cancel(staff, id, body.reason);
  }

  @Post(':id/registrations')
  @Roles('bidder')
  register(@CurrentUser() bidder: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.listings.register(bidder, id);
  }

  @Get(':id/registrations')
  @Roles('staff', 'supervisor')
  registrations(
    @CurrentUser() viewer: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Query() page: PageQuery,
  ) {
    return this.listings.registrations(id, page.limit, page.offset, viewer);
  }

  @Post(':id/registrations/:regId/qualify')
  @HttpCode(200)
  @Roles('staff')
  qualify(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('regId', UuidPipe) regId: string,
    @Body() body: QualifyRegistrationDto,
  ) {
    return this.listings.qualify(staff, id, regId, body.depositReceived);
  }

  @Post(':id/registrations/:regId/reject')
  @HttpCode(200)
  @Roles('staff')
  reject(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('regId', UuidPipe) regId: string,
    @Body() body: RejectRegistrationDto,
  ) {
    return this.listings.reject(staff, id, regId, body.reason);
  }

  /** Staff record an on-site auction (现场拍租): it closes the listing sold or unsold. */
  @Post(':id/on-site-auction')
  @Roles('staff')
  recordOnSiteAuction(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: OnSiteAuctionDto,
  ) {
    return this.listings.recordOnSiteAuction(staff, id, onSiteRecord(body));
  }

  /** The REST twin of the socket `bid`. */
  @Post(':id/bids')
  @Roles('bidder')
  bid(@CurrentUser() bidder: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: PlaceBidDto) {
    return this.bids.placeBid(bidder, {
      listingId: id,
      amount: body.amount,
      clientBidId: body.clientBidId,
      // The lease endpoint bids on leases only; a transfer's auction is bid on through its own.
      hostType: 'lease_listing',
      origin: currentOrigin(),
    });
  }

  /** The public ledger: `{seq, amount, bidderCode, at}` only. */
  @Get(':id/bids')
  ledger(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.listings.ledger(id, page.limit, page.offset);
  }

  /** Every attempt, accepted or rejected, with the bidder's identity: supervisors and staff. */
  @Get(':id/bid-attempts')
  @Roles('staff', 'supervisor')
  attempts(@CurrentUser() viewer: AuthUser, @Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.listings.attempts(id, page.limit, page.offset, viewer);
  }
}
