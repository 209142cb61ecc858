import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';
import { AlertsService } from '@ggzy/supervision';
import { Inject } from '@nestjs/common';
import { UuidPipe } from '../common.dto.js';
import { DismissAlertDto, EscalateAlertDto, ListAlertsQuery } from './alerts.dto.js';

/** Early warning (预警): the supervisor's alerts desk. */
@ApiTags('supervision: early warning (预警)')
@ApiBearerAuth()
@Controller('alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Roles('supervisor')
  @ApiOperation({ summary: 'alerts, newest first, by rule, state, process and the days they were raised' })
  list(@Query() query: ListAlertsQuery) {
    if (query.from && query.to && query.from > query.to)
      throw new DomainError('INVALID_PERIOD', 'from must not be after to', {
        from: query.from,
        to: query.to,
      });
    return this.alerts.list({ ...query, timeZone: this.config.CENTRE_TZ });
  }

  // Before ':id', so "rules" is not read as an id.
  @Get('rules')
  @Roles('supervisor')
  @ApiOperation({ summary: 'every rule: its id, title and thresholds' })
  rules() {
    return this.alerts.rules();
  }

  @Get(':id')
  @Roles('supervisor')
  @ApiOperation({ summary: 'one alert with its evidence' })
  get(@Param('id', UuidPipe) id: string) {
    return this.alerts.findById(id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'open → acknowledged', description: 'ALERT_TRANSITION_NOT_ALLOWED otherwise.' })
  acknowledge(@CurrentUser() supervisor: AuthUser, @Param('id', UuidPipe) id: string) {
    return this.alerts.acknowledge(supervisor, id);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'open/acknowledged → dismissed, with a reason' })
  dismiss(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: DismissAlertDto,
  ) {
    return this.alerts.dismiss(supervisor, id, body.reason);
  }

  @Post(':id/escalate')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOperation({ summary: 'open/acknowledged → escalated, with a note (e.g. an investigation opened)' })
  escalate(
    @CurrentUser() supervisor: AuthUser,
    @Param('id', UuidPipe) id: string,
    @Body() body: EscalateAlertDto,
  ) {
    return this.alerts.escalate(supervisor, id, body.note);
  }
}
