import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { DomainError } from '@ggzy/domain';
import { ComplaintsService } from '@ggzy/supervision';
import { PageQuery, refuseNulls, UuidPipe } from '../common.dto.js';
import {
  ComplaintReasonDto,
  DecideComplaintDto,
  DocumentAnswerDto,
  DocumentRequestDto,
  FileComplaintDto,
  ListComplaintsQuery,
} from './complaints.dto.js';

/** Complaints and challenges (质疑 / 投诉): filed by participants, handled by supervisors. */
@ApiTags('supervision: complaints (质疑 / 投诉)')
@ApiBearerAuth()
@Controller('complaints')
export class ComplaintsController {
  constructor(private readonly complaints: ComplaintsService) {}

  @Post()
  @Roles('bidder')
  @ApiOperation({
    summary: 'file a challenge (质疑, procurement) or a complaint (投诉) against a project you took part in',
    description:
      'Within the line’s window (COMPLAINT_WINDOW_CLOSED, COMPLAINT_WINDOW_NOT_OPEN, CHALLENGE_REQUIRED, ' +
      'COMPLAINT_KIND_NOT_ALLOWED); only a party registered for the project (COMPLAINANT_NOT_A_PARTICIPANT).',
  })
  file(@CurrentUser() complainant: AuthUser, @Body() body: FileComplaintDto) {
    refuseNulls(body);
    return this.complaints.file(complainant, body);
  }

  @Get()
  @Roles('supervisor', 'staff')
  @ApiOperation({
    summary: 'every filing, newest first, with each step’s deadline and whether it is overdue',
    description:
      'Supervisors: every filing. Staff: the challenges (质疑) only — they answer them for the purchaser; ' +
      'asking a staff list for complaints is refused (403 COMPLAINTS_SUPERVISOR_ONLY).',
  })
  list(@CurrentUser() viewer: AuthUser, @Query() query: ListComplaintsQuery) {
    const { overdue, ...filter } = query;
    const staffOnly = !viewer.roles.includes('supervisor');
    if (staffOnly && filter.kind === 'complaint')
      throw new DomainError('COMPLAINTS_SUPERVISOR_ONLY', 'staff read the challenges only');
    return this.complaints.list({
      ...filter,
      ...(staffOnly ? { kind: 'challenge' as const } : {}),
      overdue: overdue === undefined ? undefined : overdue === 'true',
    });
  }

  @Get(':id')
  @Roles('supervisor', 'staff', 'bidder')
  @ApiOperation({ summary: 'one filing: supervisors; staff a challenge; the complainant its own' })
  get(@CurrentUser() viewer: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.complaints.get(viewer, id);
  }

  @Post(':id/accept')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '受理: filed → accepted; the handling period starts today' })
  accept(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.complaints.accept(supervisor, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: '不予受理: filed → rejected, with a reason (a project suspended for it resumes)' })
  reject(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ComplaintReasonDto,
  ) {
    return this.complaints.reject(supervisor, id, body.reason);
  }

  @Post(':id/investigate')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'accepted → investigating' })
  investigate(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.complaints.investigate(supervisor, id);
  }

  @Post(':id/document-requests')
  @Roles('supervisor')
  @ApiOperation({
    summary: 'ask someone for documents, due after today; the days waiting are not counted',
    description: 'While investigating only (DOCUMENT_REQUEST_NOT_ALLOWED).',
  })
  requestDocuments(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: DocumentRequestDto,
  ) {
    return this.complaints.requestDocuments(supervisor, id, body);
  }

  @Post(':id/document-requests/:requestId/answer')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'record what arrived for a request (the files’ hashes), once' })
  answerDocuments(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Param('requestId', UuidPipe) requestId: string,
    @Body() body: DocumentAnswerDto,
  ) {
    return this.complaints.answerDocuments(supervisor, id, requestId, body.attachments);
  }

  @Post(':id/decide')
  @HttpCode(200)
  @Roles('supervisor', 'staff')
  @ApiOperation({
    summary: 'upheld (with its remedy) or dismissed (found false: a ban for the complainant); published',
    description:
      'A complaint: a supervisor, after investigating. A challenge: staff for the purchaser, from filed. ' +
      'COMPLAINT_REMEDY_REQUIRED, COMPLAINT_REMEDY_NOT_ALLOWED, FALSE_COMPLAINT_NOT_DISMISSED.',
  })
  decide(
    @CurrentUser() actor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: DecideComplaintDto,
  ) {
    return this.complaints.decide(actor, id, body);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles('bidder')
  @ApiOperation({ summary: 'the complainant withdraws before the decision' })
  withdraw(@CurrentUser() complainant: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.complaints.withdraw(complainant, id);
  }

  @Post(':id/suspend-project')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({
    summary: "the project's own suspend: every timer freezes (a live auction pauses for every client)",
    description: 'For a pending complaint only (COMPLAINT_NOT_PENDING).',
  })
  suspendProject(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: ComplaintReasonDto,
  ) {
    return this.complaints.suspendProject(supervisor, id, body.reason);
  }

  @Post(':id/resume-project')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: "the project's own resume: its timers get back the time they had left" })
  resumeProject(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.complaints.resumeProject(supervisor, id);
  }
}

/** The complainant's own filings. */
@ApiTags('supervision: complaints (质疑 / 投诉)')
@ApiBearerAuth()
@Controller('me/complaints')
export class MyComplaintsController {
  constructor(private readonly complaints: ComplaintsService) {}

  @Get()
  @Roles('bidder')
  @ApiOperation({ summary: 'my filings: status, deadlines and the decision once made' })
  list(@CurrentUser() complainant: AuthUser, @Query() query: PageQuery) {
    return this.complaints.listMine(complainant, query);
  }
}

/** Published decisions (no sign-in): the decision and the project only. */
@ApiTags('public')
@Controller('public/complaint-decisions')
export class ComplaintDecisionsController {
  constructor(private readonly complaints: ComplaintsService) {}

  @Get()
  @ApiOperation({
    summary:
      'decisions on complaints, newest first: project and decision — never grounds, files or the complainant',
  })
  list(@Query() query: PageQuery) {
    return this.complaints.publicDecisions(query);
  }
}

/** The stages a filing names, per line (no sign-in): the filing form's choices, the server's list. */
@ApiTags('public')
@Controller('public/complaint-stages')
export class ComplaintStagesController {
  constructor(private readonly complaints: ComplaintsService) {}

  @Get()
  @ApiOperation({
    summary: "each line's closed list of complaint stages, and which need the day you knew (knewOn)",
    description:
      'A filing names exactly one of its line’s stages (COMPLAINT_STAGE_UNKNOWN otherwise); a stage with ' +
      '`knewOnRequired` (`other`: no act the line publishes) needs `knewOn` (COMPLAINT_KNEW_ON_REQUIRED).',
  })
  list() {
    return this.complaints.stageLists();
  }
}
