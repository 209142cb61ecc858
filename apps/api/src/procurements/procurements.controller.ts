import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { ProcurementService } from '@ggzy/procurement';
import { PageQuery, refuseNulls, UuidPipe, withoutUndefined } from '../common.dto.js';
import {
  CreateProcurementDto,
  InvitationDrawDto,
  ListProcurementsQuery,
  ObjectionAnswerDto,
  PublicityObjectionDto,
  ProcurementAmendmentDto,
  ProcurementReasonDto,
  ProcurementRegistrationDto,
  QualifyProcurementSupplierDto,
  ReplanProcurementDto,
  SealedResponseDto,
  UpdateProcurementDto,
} from './procurements.dto.js';

@ApiTags('government procurement (政府采购)')
@ApiBearerAuth()
@Controller('procurements')
export class ProcurementsController {
  constructor(private readonly procurement: ProcurementService) {}

  @Post()
  @Roles('staff')
  @ApiOperation({
    summary:
      'plan a procurement: every period checked for its method on the business-day calendar; not public until announced',
  })
  create(@CurrentUser() staff: AuthUser, @Body() body: CreateProcurementDto) {
    refuseNulls(body);
    return this.procurement.create(staff, withoutUndefined(body));
  }

  @Patch(':id')
  @Roles('staff')
  @ApiOperation({
    summary: 'edit a planned procurement (the method too); once public, only amendments change it',
  })
  edit(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateProcurementDto,
  ) {
    refuseNulls(body);
    return this.procurement.edit(staff, id, withoutUndefined(body));
  }

  @Post(':id/announce')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      'planned → announced (every method but single source); responses open when the documents are issued',
  })
  announce(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.procurement.announce(staff, id);
  }

  @Post(':id/publicise')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'single source: planned → prior_publicity (≥ 5 business days)' })
  publicise(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.procurement.publicise(staff, id);
  }

  @Post(':id/conclude-publicity')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      "single source: after the publicity's last day, every objection answered (OBJECTIONS_UNANSWERED) → responding (negotiation with the supplier)",
  })
  concludePublicity(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.procurement.concludePublicity(staff, id);
  }

  @Post(':id/publicity-objections')
  @Roles('bidder')
  @ApiOperation({
    summary:
      'single source: a supplier objects while the prior publicity runs (OBJECTION_PERIOD_ENDED after its last day); public on the project, without who filed it',
  })
  fileObjection(
    @CurrentUser() bidder: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: PublicityObjectionDto,
  ) {
    refuseNulls(body);
    return this.procurement.fileObjection(bidder, id, { text: body.text, documents: body.documents ?? [] });
  }

  @Post(':id/publicity-objections/:objectionId/reply')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary:
      'single source: answer an objection once (due 5 business days after the publicity); upheld → failed (re-plan with another method)',
  })
  answerObjection(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('objectionId', UuidPipe) objectionId: string,
    @Body() body: ObjectionAnswerDto,
  ) {
    return this.procurement.answerObjection(staff, id, objectionId, {
      upheld: body.upheld,
      reply: body.reply,
    });
  }

  @Post(':id/amendments')
  @Roles('staff')
  @ApiOperation({
    summary:
      "publish an amendment or clarification; one affecting the responses within the method's lead moves the deadline",
  })
  amend(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ProcurementAmendmentDto,
  ) {
    refuseNulls(body);
    return this.procurement.publishNotice(staff, id, {
      kind: body.kind,
      summary: body.text,
      documents: body.documents ?? [],
      affectsResponses: body.affectsResponses,
      ...(body.deadlineOn !== undefined ? { deadlineOn: body.deadlineOn } : {}),
    });
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: '终止 with a public reason; received deposits fall due' })
  terminate(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ProcurementReasonDto,
  ) {
    return this.procurement.terminate(staff, id, body.reason);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary:
      "a supervisor's suspension (暂停采购活动): every timer freezes; 30 days at most (政府采购法 第57条)",
    description: 'The worker resumes a suspension still standing after its 30th day.',
  })
  suspend(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ProcurementReasonDto,
  ) {
    return this.procurement.suspend(supervisor, id, body.reason);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'resume where it was; the days it stood are given back (the opening moves with the deadline)',
  })
  resume(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.procurement.resume(supervisor, id);
  }

  @Post(':id/fail')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({
    summary: '废标 with a public reason (e.g. too few qualified to invite); received deposits fall due',
  })
  fail(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ProcurementReasonDto,
  ) {
    return this.procurement.fail(staff, id, body.reason);
  }

  @Post(':id/replan')
  @Roles('staff')
  @ApiOperation({
    summary:
      '重新组织采购: the failed project is closed as replanned; its successor is a new planned project with its terms and the changes sent (round + 1, previousRoundId), possibly another method with its schedule and approval (METHOD_CHANGE_NEEDS_APPROVAL); one successor only (PROCUREMENT_ALREADY_REPLANNED)',
  })
  replan(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ReplanProcurementDto,
  ) {
    refuseNulls(body);
    const { approvalReference, ...changes } = withoutUndefined(body);
    return this.procurement.replan(staff, id, { approvalReference, changes });
  }

  @Get()
  @ApiOperation({ summary: 'public list of announced procurements (staff also see planned ones)' })
  list(@Query() query: ListProcurementsQuery, @CurrentUser() viewer?: AuthUser) {
    return this.procurement.list(query, viewer);
  }

  @Get(':id')
  @ApiOperation({ summary: 'a procurement with its schedule and notices' })
  get(@Param('id', UuidPipe) id: string, @CurrentUser() viewer?: AuthUser) {
    return this.procurement.get(id, viewer);
  }

  @Post(':id/registrations')
  @Roles('bidder')
  @ApiOperation({
    summary:
      'a supplier applies with its organisation code (invited tender: during the call for qualification)',
  })
  register(
    @CurrentUser() bidder: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ProcurementRegistrationDto,
  ) {
    return this.procurement.register(bidder, id, body.organizationCode);
  }

  @Get(':id/registrations')
  @Roles('staff', 'supervisor')
  registrations(@Param('id', UuidPipe) id: string, @Query() page: PageQuery) {
    return this.procurement.registrationsOf(id, page);
  }

  @Post(':id/registrations/:regId/qualify')
  @HttpCode(200)
  @Roles('staff')
  qualify(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('regId', UuidPipe) regId: string,
    @Body() body: QualifyProcurementSupplierDto,
  ) {
    return this.procurement.qualify(staff, id, regId, body.depositReceived, body.organizationName ?? null);
  }

  @Post(':id/registrations/:regId/reject')
  @HttpCode(200)
  @Roles('staff')
  reject(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('regId', UuidPipe) regId: string,
    @Body() body: ProcurementReasonDto,
  ) {
    return this.procurement.reject(staff, id, regId, body.reason);
  }

  @Post(':id/invitations/draw')
  @Roles('staff')
  @ApiOperation({
    summary: 'invited tender: pick `count` (≥ 3) qualified suppliers at random with a recorded server seed',
  })
  drawInvitations(
    @CurrentUser() staff: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: InvitationDrawDto,
  ) {
    return this.procurement.drawInvitations(staff, id, body.count);
  }

  @Post(':id/invitations/replay')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: 'invited tender: the same picks from the recorded seed and candidates → {matches, picks}',
  })
  replayInvitations(@Param('id', UuidPipe) id: string) {
    return this.procurement.replayInvitations(id);
  }

  @Put(':id/response')
  @Roles('bidder')
  @ApiOperation({
    summary:
      'a qualified (invited) supplier submits or replaces its sealed response → a receipt, never the price',
  })
  submitResponse(
    @CurrentUser() bidder: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: SealedResponseDto,
  ) {
    return this.procurement.submitResponse(bidder, id, {
      price: body.price,
      documents: body.documents ?? [],
    });
  }

  @Delete(':id/response')
  @Roles('bidder')
  @ApiOperation({ summary: 'the supplier withdraws its sealed response before the deadline' })
  withdrawResponse(@CurrentUser() bidder: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.procurement.withdrawResponse(bidder, id);
  }

  @Get(':id/opening-record')
  @ApiOperation({
    summary: 'the opening record, public once the responses are opened: every supplier and price',
  })
  openingRecord(@Param('id', UuidPipe) id: string) {
    return this.procurement.openingRecord(id);
  }
}
