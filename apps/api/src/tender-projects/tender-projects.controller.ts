import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { DomainError } from '@ggzy/domain';
import {
  NO_PREQUALIFICATION,
  TenderObjectionsService,
  type TenderProjectInput,
  TendersService,
} from '@ggzy/tenders';
import { PageQuery, UuidPipe } from '../common.dto.js';
import {
  CreateTenderProjectDto,
  ListTenderProjectsQuery,
  QualifySupplierDto,
  SealedBidDto,
  TenderAmendmentDto,
  TenderObjectionDto,
  TenderObjectionReplyDto,
  TenderReasonDto,
  TenderRegistrationDto,
  UpdateTenderProjectDto,
} from './tender-projects.dto.js';

/** A partial body may leave a field out, never set it to null. */
function refuseNulls(body: object) {
  const nulls = Object.entries(body)
    .filter(([, value]) => value === null)
    .map(([field]) => ({ field, problems: [`${field} may not be null`] }));
  if (nulls.length > 0) throw new DomainError('VALIDATION_FAILED', 'the request is not valid', nulls);
}

const withoutUndefined = <T extends object>(body: T) =>
  Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;

/**
 * The API's nested `prequalification` as the service's (and the columns') flat fields: an object
 * sets all four, null (an edit) removes them, left out leaves them as they are.
 */
function flattenPrequalification(body: CreateTenderProjectDto | UpdateTenderProjectDto) {
  const { prequalification, ...rest } = body;
  const flat = withoutUndefined(rest) as Partial<TenderProjectInput>;
  if (prequalification === null) return { ...flat, ...NO_PREQUALIFICATION };
  if (prequalification === undefined) return flat;
  // The DTO refuses anything but an object (or null); a field it left out stays out of the merge.
  return withoutUndefined({
    ...flat,
    prequalificationDocuments: prequalification.documents,
    prequalificationSaleStartsOn: prequalification.saleStartsOn,
    prequalificationSaleEndsOn: prequalification.saleEndsOn,
    applicationsDueOn: prequalification.applicationsDueOn,
  });
}

@ApiTags('construction tenders (建筑工程招投标)')
@ApiBearerAuth()
@Controller('tenders')
export class TenderProjectsController {
  constructor(
    private readonly tenders: TendersService,
    private readonly objections: TenderObjectionsService,
  ) {}

  @Post()
  @Roles('staff')
  @ApiOperation({ summary: 'register a tender: every statutory period checked, not public until announced' })
  create(@CurrentUser() staff: AuthUser, @Body() body: CreateTenderProjectDto) {
    refuseNulls(body);
    return this.tenders.create(staff, flattenPrequalification(body));
  }

  @Patch(':id')
  @Roles('staff')
  @ApiOperation({ summary: 'edit a registered tender; once announced, only amendments change it' })
  edit(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateTenderProjectDto,
  ) {
    // `prequalification: null` removes it; any other null is refused.
    refuseNulls({ ...body, prequalification: undefined });
    return this.tenders.edit(staff, id, flattenPrequalification(body));
  }

  @Post(':id/announce')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      'registered → announced (招标公告), bidding from the day the documents are issued; with prequalification registered → prequalification (资格预审公告) in one step',
  })
  announce(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.tenders.announce(staff, id);
  }

  @Post(':id/amendments')
  @Roles('staff')
  @ApiOperation({
    summary:
      'publish an amendment or clarification; one that may affect the bids, < 15 days before the deadline, moves it',
  })
  amend(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: TenderAmendmentDto) {
    refuseNulls(body);
    return this.tenders.publishNotice(staff, id, {
      kind: body.kind,
      summary: body.text,
      documents: body.documents ?? [],
      affectsBids: body.affectsBidPreparation,
      ...(body.bidDeadlineOn !== undefined ? { bidDeadlineOn: body.bidDeadlineOn } : {}),
    });
  }

  @Post(':id/objections')
  @Roles('bidder')
  @ApiOperation({
    summary:
      '异议: to the documents (≥ 10 days before the deadline), the prequalification documents (≥ 2 days before applications are due) or the candidates (during publicity, a bidder); pauses the tender until the reply',
  })
  object(
    @CurrentUser() objector: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: TenderObjectionDto,
  ) {
    refuseNulls(body);
    return this.objections.file(objector, id, {
      target: body.target,
      text: body.text,
      documents: body.documents ?? [],
    });
  }

  @Post(':id/objections/:objectionId/reply')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      'the reply (due 3 days after receipt; a late one is recorded as late); resumes the tender with the paused days given back',
  })
  replyToObjection(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('objectionId', UuidPipe) objectionId: string,
    @Body() body: TenderObjectionReplyDto,
  ) {
    return this.objections.reply(staff, id, objectionId, { text: body.text, upheld: body.upheld });
  }

  @Post(':id/retender')
  @Roles('staff')
  @ApiOperation({
    summary:
      '重新招标: the failed round is closed as retendered; the next round is a new registered tender with its terms',
  })
  retender(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.tenders.retender(staff, id);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: '终止 with a public reason (not after the award); received deposits fall due' })
  terminate(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: TenderReasonDto,
  ) {
    return this.tenders.terminate(staff, id, body.reason);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: "a supervisor's suspension (暂停): every timer freezes until the supervisor resumes it",
    description: 'An objection’s reply does not lift it; resume gives the paused days back to the schedule.',
  })
  suspend(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: TenderReasonDto,
  ) {
    return this.objections.suspendBySupervisor(supervisor, id, body.reason);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'resume where it was; the days it stood are given back (the opening moves with the deadline)',
    description: 'Not while an objection waits for its reply (OBJECTION_PENDING).',
  })
  resume(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.objections.resumeBySupervisor(supervisor, id);
  }

  @Get()
  @ApiOperation({ summary: 'public list of announced tenders (staff also see registered ones)' })
  list(@Query() query: ListTenderProjectsQuery, @CurrentUser() viewer?: AuthUser) {
    return this.tenders.list(query, viewer);
  }

  @Get(':id')
  @ApiOperation({ summary: 'a tender with every statutory date and its notices' })
  get(@Param('id', UuidPipe) id: string, @CurrentUser() viewer?: AuthUser) {
    return this.tenders.get(id, viewer);
  }

  @Post(':id/registrations')
  @Roles('bidder')
  @ApiOperation({ summary: 'a supplier applies, from the notice until the bid deadline' })
  register(
    @CurrentUser() bidder: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: TenderRegistrationDto,
  ) {
    return this.tenders.register(bidder, id, body.organizationCode);
  }

  @Get(':id/registrations')
  @Roles('staff', 'supervisor')
  registrations(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.tenders.registrationsOf(id, page);
  }

  @Post(':id/registrations/:regId/qualify')
  @HttpCode(200)
  @Roles('staff')
  qualify(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('regId', UuidPipe) regId: string,
    @Body() body: QualifySupplierDto,
  ) {
    return this.tenders.qualify(staff, id, regId, body.depositReceived, body.organizationName ?? null);
  }

  @Post(':id/registrations/:regId/reject')
  @HttpCode(200)
  @Roles('staff')
  reject(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('regId', UuidPipe) regId: string,
    @Body() body: TenderReasonDto,
  ) {
    return this.tenders.reject(staff, id, regId, body.reason);
  }

  @Put(':id/bid')
  @Roles('bidder')
  @ApiOperation({
    summary:
      'a qualified supplier submits or replaces its sealed bid before the deadline → a receipt, never the price',
  })
  submitBid(@CurrentUser() bidder: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: SealedBidDto) {
    return this.tenders.submitBid(bidder, id, { price: body.price, documents: body.documents ?? [] });
  }

  @Delete(':id/bid')
  @Roles('bidder')
  @ApiOperation({ summary: 'the supplier withdraws its sealed bid before the deadline' })
  withdrawBid(@CurrentUser() bidder: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.tenders.withdrawBid(bidder, id);
  }

  @Get(':id/opening-record')
  @ApiOperation({
    summary: 'the opening record (开标记录), public once the bids are opened: every bidder and price',
  })
  openingRecord(@Param('id', UuidPipe) id: string) {
    return this.tenders.openingRecord(id);
  }
}
