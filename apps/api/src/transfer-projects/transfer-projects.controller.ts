import { currentOrigin } from '@ggzy/common';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { BidService } from '@ggzy/auction';
import { DomainError } from '@ggzy/domain';
import { TRANSFER_HOST_TYPE, TransfersService } from '@ggzy/transfers';
import { PageQuery, UuidPipe } from '../common.dto.js';
import { OnSiteAuctionDto, onSiteRecord } from '../on-site-auction.dto.js';
import {
  AgreementDto,
  ContractDto,
  CreateTransferProjectDto,
  ListTransferProjectsQuery,
  QualifyBuyerDto,
  RelistTransferProjectDto,
  TransferBidDto,
  TransferReasonDto,
  UpdateTransferProjectDto,
} from './transfer-projects.dto.js';

/** A partial body may leave a field out; only the approval may be set to null (removed). */
function refuseNulls(body: object) {
  const nulls = Object.entries(body)
    .filter(([field, value]) => value === null && field !== 'approval')
    .map(([field]) => ({ field, problems: [`${field} may not be null`] }));
  if (nulls.length > 0) throw new DomainError('VALIDATION_FAILED', 'the request is not valid', nulls);
}

const withoutUndefined = <T extends object>(body: T) =>
  Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;

@ApiTags('property-rights transfers (产权交易)')
@ApiBearerAuth()
@Controller('transfer-projects')
export class TransferProjectsController {
  constructor(
    private readonly transfers: TransfersService,
    private readonly bids: BidService,
  ) {}

  @Post()
  @Roles('staff')
  @ApiOperation({ summary: 'register a project (受理): accepted, not public until published' })
  create(@CurrentUser() staff: AuthUser, @Body() body: CreateTransferProjectDto) {
    refuseNulls(body);
    return this.transfers.create(staff, withoutUndefined(body));
  }

  @Patch(':id')
  @Roles('staff')
  @ApiOperation({ summary: 'edit an accepted or re-listed project; 409 LISTING_NOT_EDITABLE otherwise' })
  edit(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateTransferProjectDto,
  ) {
    refuseNulls(body);
    return this.transfers.edit(staff, id, withoutUndefined(body));
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'accepted/relisted → disclosed; the disclosure is re-checked from today' })
  publish(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.transfers.publish(staff, id);
  }

  @Get()
  @ApiOperation({ summary: "public list (never buyers' identities, the approval document or resumeTo)" })
  list(@Query() query: ListTransferProjectsQuery, @CurrentUser() viewer?: AuthUser) {
    return this.transfers.list(query, viewer);
  }

  @Get(':id')
  get(@Param('id', UuidPipe) id: string, @CurrentUser() viewer?: AuthUser) {
    return this.transfers.get(id, viewer);
  }

  @Post(':id/registrations')
  @Roles('bidder')
  @ApiOperation({ summary: 'a buyer applies, while the project is disclosed or extended' })
  register(@CurrentUser() bidder: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.transfers.register(bidder, id);
  }

  @Get(':id/registrations')
  @Roles('staff', 'supervisor')
  registrations(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.transfers.registrationsOfProject(id, page.limit, page.offset);
  }

  @Post(':id/registrations/:regId/qualify')
  @HttpCode(200)
  @Roles('staff')
  qualify(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('regId', UuidPipe) regId: string,
    @Body() body: QualifyBuyerDto,
  ) {
    return this.transfers.qualify(staff, id, regId, body.depositReceived);
  }

  @Post(':id/registrations/:regId/reject')
  @HttpCode(200)
  @Roles('staff')
  reject(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('regId', UuidPipe) regId: string,
    @Body() body: TransferReasonDto,
  ) {
    return this.transfers.reject(staff, id, regId, body.reason);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary: 'extend by 5 business days after a disclosure with no buyer, while announced extensions last',
  })
  extend(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.transfers.extend(staff, id);
  }

  @Post(':id/relist')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary: 'a new price and disclosure: below 90% of the valuation only with `approval`',
    description:
      'After a disclosure with no buyer the same project is re-listed. An unsold or defaulted project is ' +
      're-listed as a new project (answered here, with `relistedFrom`); the old one ends `superseded` (`relistedAs`).',
  })
  relist(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: RelistTransferProjectDto,
  ) {
    refuseNulls(body);
    return this.transfers.relist(staff, id, withoutUndefined(body) as RelistTransferProjectDto);
  }

  @Post(':id/agreement')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary: 'agreement_pending → sold: 协议成交 with the one qualified buyer, ≥ the listing price',
  })
  agreement(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: AgreementDto) {
    return this.transfers.agreement(staff, id, body.price);
  }

  @Post(':id/agreement/abandon')
  @HttpCode(200)
  @Roles('staff')
  abandon(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: TransferReasonDto,
  ) {
    return this.transfers.abandonAgreement(staff, id, body.reason);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'sold → confirmed (成交确认书); sets contractDeadlineOn' })
  confirm(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.transfers.confirm(staff, id);
  }

  @Post(':id/contract')
  @HttpCode(200)
  @Roles('staff')
  contract(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: ContractDto) {
    return this.transfers.contract(staff, id, body);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('supervisor')
  suspend(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: TransferReasonDto,
  ) {
    return this.transfers.suspend(supervisor, id, body.reason);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('supervisor')
  resume(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.transfers.resume(supervisor, id);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @Roles('staff')
  terminate(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: TransferReasonDto,
  ) {
    return this.transfers.terminate(staff, id, body.reason);
  }

  /** Staff record an on-site auction (现场拍卖) of a project in auction: it closes sold or unsold. */
  @Post(':id/on-site-auction')
  @Roles('staff')
  @ApiOperation({
    summary:
      'record an on-site auction of a project in auction, held after disclosure ended and before any online bid → sold/unsold',
  })
  recordOnSiteAuction(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: OnSiteAuctionDto,
  ) {
    return this.transfers.recordOnSiteAuction(staff, id, onSiteRecord(body));
  }

  /** The REST twin of the socket `bid`, on the project's live auction. */
  @Post(':id/bids')
  @Roles('bidder')
  async bid(
    @CurrentUser() bidder: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: TransferBidDto,
  ) {
    await this.transfers.requireVisible(id);
    return this.bids.placeBid(bidder, {
      listingId: id,
      amount: body.amount,
      clientBidId: body.clientBidId,
      hostType: TRANSFER_HOST_TYPE,
      origin: currentOrigin(),
    });
  }

  /** The public ledger: `{seq, amount, bidderCode, at}` only. */
  @Get(':id/bids')
  ledger(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.transfers.ledger(id, page.limit, page.offset);
  }
}
