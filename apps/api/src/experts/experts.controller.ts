import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { DomainError } from '@ggzy/domain';
import { ExpertPoolService, type ExpertViewer } from '@ggzy/sealed-bids';
import { UuidPipe } from '../common.dto.js';
import { CreateExpertDto, ListExpertsQuery, UpdateExpertDto } from './experts.dto.js';

const NULLABLE = new Set(['unavailableUntil', 'phone']);

/** Left out means unchanged; only the absence and the phone may be cleared with null. */
function refuseNulls(body: object) {
  const nulls = Object.entries(body)
    .filter(([field, value]) => value === null && !NULLABLE.has(field))
    .map(([field]) => ({ field, problems: [`${field} may not be null`] }));
  if (nulls.length > 0) throw new DomainError('VALIDATION_FAILED', 'the request is not valid', nulls);
}

const defined = <T extends object>(body: T) =>
  Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;

const viewerOf = (user: AuthUser): ExpertViewer => (user.roles.includes('staff') ? 'staff' : 'supervisor');

@ApiTags('expert pool (专家库)')
@ApiBearerAuth()
@Controller('experts')
export class ExpertsController {
  constructor(private readonly pool: ExpertPoolService) {}

  @Post()
  @Roles('staff')
  @ApiOperation({ summary: 'add an expert to the pool' })
  create(@CurrentUser() staff: AuthUser, @Body() body: CreateExpertDto) {
    refuseNulls(body);
    return this.pool.create(staff.id, defined(body) as CreateExpertDto);
  }

  @Get()
  @Roles('staff', 'supervisor')
  @ApiOperation({ summary: 'the pool, newest first; by specialty and by whether drawable today' })
  list(@CurrentUser() user: AuthUser, @Query() query: ListExpertsQuery) {
    return this.pool.list(
      {
        specialty: query.specialty,
        available: query.available === undefined ? undefined : query.available === 'true',
        limit: query.limit,
        offset: query.offset,
      },
      viewerOf(user),
    );
  }

  @Get(':id')
  @Roles('staff', 'supervisor')
  @ApiOperation({ summary: 'one expert (the phone for staff only)' })
  get(@CurrentUser() user: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.pool.get(id, viewerOf(user));
  }

  @Patch(':id')
  @HttpCode(200)
  @Roles('staff')
  @ApiOperation({ summary: 'change availability, absence, employer, specialties or phone' })
  update(@CurrentUser() staff: AuthUser, @Param('id', UuidPipe) id: string, @Body() body: UpdateExpertDto) {
    refuseNulls(body);
    const changes = defined(body);
    if (Object.keys(changes).length === 0)
      throw new DomainError('VALIDATION_FAILED', 'nothing to change', [
        { field: 'body', problems: ['name at least one field to change'] },
      ]);
    return this.pool.update(staff.id, id, changes);
  }
}

/**
 * Committee draws, for supervisors only: the committee stays hidden from bidders, the public and
 * staff until the opening (the host line shows it then). Draws are made by the host lines inside
 * their own steps; there is deliberately no endpoint that draws for an arbitrary host.
 */
@ApiTags('expert pool (专家库)')
@ApiBearerAuth()
@Controller('committee-draws')
export class CommitteeDrawsController {
  constructor(private readonly pool: ExpertPoolService) {}

  @Get(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'a draw as recorded: seed, the pool with every exclusion, the members' })
  get(@Param('id', UuidPipe) id: string) {
    return this.pool.getDraw(id);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'replay the draw from its record: { matches, memberIds, recordedMemberIds, … }' })
  replay(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.pool.replay(supervisor.id, id);
  }
}
