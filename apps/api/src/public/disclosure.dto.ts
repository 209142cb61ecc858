import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEAL_CATEGORIES, type DealCategory } from '@ggzy/domain';
import {
  ANNOUNCEMENT_KINDS,
  ANNOUNCEMENT_LINES,
  type AnnouncementKind,
  type AnnouncementLine,
} from '@ggzy/persistence';
import { IsCalendarDate, PageQuery } from '../common.dto.js';

/** A period of calendar days (YYYY-MM-DD, CENTRE_TZ), both ends included. */
class PeriodQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'first day (YYYY-MM-DD, CENTRE_TZ), included' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ description: 'last day (YYYY-MM-DD, CENTRE_TZ), included' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;
}

export class AnnouncementsQuery extends PeriodQuery {
  /** At most 100 a page (and the total counted with each). */
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  override limit: number = 50;

  @ApiPropertyOptional({ maxLength: 100, description: 'any part of the project title or project code' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: ANNOUNCEMENT_LINES })
  @IsOptional()
  @IsIn(ANNOUNCEMENT_LINES)
  line?: AnnouncementLine;

  @ApiPropertyOptional({ enum: ANNOUNCEMENT_KINDS })
  @IsOptional()
  @IsIn(ANNOUNCEMENT_KINDS)
  kind?: AnnouncementKind;

  @ApiPropertyOptional({
    maxLength: 100,
    description:
      'keyset paging: the nextCursor of the page before (same filters, offset 0); each page then costs the same at any depth',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  cursor?: string;
}

export class PublicDealsQuery extends PeriodQuery {
  @ApiPropertyOptional({ enum: DEAL_CATEGORIES })
  @IsOptional()
  @IsIn(DEAL_CATEGORIES)
  category?: DealCategory;
}
