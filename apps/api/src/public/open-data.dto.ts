import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ANNOUNCEMENT_LINES, type AnnouncementLine } from '@ggzy/persistence';
import { IsCalendarDate, MAX_OFFSET } from '../common.dto.js';

/** A page of processes (each with all its releases): at most 100 a call, every release mapped. */
export class OcdsPageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, description: 'processes per page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;

  @ApiPropertyOptional({ enum: ANNOUNCEMENT_LINES })
  @IsOptional()
  @IsIn(ANNOUNCEMENT_LINES)
  line?: AnnouncementLine;
}

export class OcdsReleasesQuery extends OcdsPageQuery {
  @ApiPropertyOptional({ description: 'only releases dated on or after this day (YYYY-MM-DD, CENTRE_TZ)' })
  @IsOptional()
  @IsCalendarDate()
  since?: string;
}
