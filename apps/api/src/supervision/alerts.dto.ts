import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCanonicalId } from '@ggzy/common';
import { ALERT_STATES, type AlertState, EARLY_WARNING_RULE_IDS, type EarlyWarningRuleId } from '@ggzy/domain';
import { ALERT_PROCESS_TYPES, type AlertProcessType } from '@ggzy/persistence';
import { IsCalendarDate, PageQuery } from '../common.dto.js';

export const MAX_ALERT_REASON_LENGTH = 1000;

export class ListAlertsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: EARLY_WARNING_RULE_IDS })
  @IsOptional()
  @IsIn(EARLY_WARNING_RULE_IDS)
  ruleId?: EarlyWarningRuleId;

  @ApiPropertyOptional({ enum: ALERT_STATES })
  @IsOptional()
  @IsIn(ALERT_STATES)
  state?: AlertState;

  @ApiPropertyOptional({ enum: ALERT_PROCESS_TYPES })
  @IsOptional()
  @IsIn(ALERT_PROCESS_TYPES)
  processType?: AlertProcessType;

  @ApiPropertyOptional({ format: 'uuid', description: "one process's alerts" })
  @IsOptional()
  @IsString()
  @IsCanonicalId()
  processId?: string;

  @ApiPropertyOptional({ description: 'first day raised, inclusive (YYYY-MM-DD, CENTRE_TZ)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'last day raised, inclusive (YYYY-MM-DD, CENTRE_TZ)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class DismissAlertDto {
  @ApiProperty({ maxLength: MAX_ALERT_REASON_LENGTH, description: 'why it is no cause for concern' })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(MAX_ALERT_REASON_LENGTH)
  reason!: string;
}

export class EscalateAlertDto {
  @ApiProperty({
    maxLength: MAX_ALERT_REASON_LENGTH,
    description: 'what follows (e.g. an investigation opened, its reference)',
  })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(MAX_ALERT_REASON_LENGTH)
  note!: string;
}
