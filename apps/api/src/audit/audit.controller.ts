import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsCanonicalId } from '@ggzy/common';
import { Roles } from '@ggzy/auth';
import { AuditCheckpoints, AuditLogRepository } from '@ggzy/persistence';
import { SealedBidsService } from '@ggzy/sealed-bids';
import { PageQuery } from '../common.dto.js';

class AuditQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) entityType?: string;
  /** A UUID, or a year for the business calendar (four digits, canonical as written). */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @ValidateIf((query: AuditQuery) => !/^\d{4}$/.test(String(query.entityId)))
  @IsCanonicalId()
  entityId?: string;
}

@ApiTags('supervision')
@ApiBearerAuth()
@Controller('audit')
@Roles('supervisor', 'admin')
export class AuditController {
  constructor(
    private readonly audit: AuditLogRepository,
    private readonly checkpoints: AuditCheckpoints,
    private readonly sealedBids: SealedBidsService,
  ) {}

  /** The trail; sealed-bid entries of hosts not yet opened come back redacted (no actor, host or payload). */
  @Get()
  async list(@Query() query: AuditQuery) {
    const { items, total } = await this.audit.list(query);
    const entries = await this.sealedBids.redactUnopened(
      items.map(({ payload, ...entry }) => ({
        ...entry,
        at: entry.at.toISOString(),
        payload,
        data: JSON.parse(payload).data as unknown,
      })),
    );
    return {
      items: entries.map((entry) => (entry.redacted ? { ...entry, payload: null } : entry)),
      total,
    };
  }

  /** Re-hashes the whole chain: `{valid, entries}` or where it breaks. */
  @Get('verify')
  verify() {
    return this.audit.verifyTrail(this.checkpoints);
  }
}
