import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCanonicalId } from '@ggzy/common';
import { SANCTION_KINDS, SANCTION_REASONS, type SanctionKind, type SanctionReason } from '@ggzy/domain';
import { IsCalendarDate, PageQuery } from '../common.dto.js';

export const MAX_BASIS_LENGTH = 500;
export const MAX_SOURCE_REF_LENGTH = 200;
export const MAX_REVOKE_REASON_LENGTH = 500;
export const MAX_USERNAME_LENGTH = 64;

export class RecordSanctionDto {
  @ApiProperty({ format: 'uuid', description: "the sanctioned party: a bidder account's id" })
  @IsString()
  @IsCanonicalId()
  partyId!: string;

  @ApiProperty({ enum: SANCTION_KINDS, description: 'warning (警告), or ban (禁止参加, until bannedUntil)' })
  @IsIn(SANCTION_KINDS)
  kind!: SanctionKind;

  @ApiProperty({
    enum: SANCTION_REASONS,
    description: 'false_complaint (虚假投诉: a ban lasts 1–3 years), refused_to_sign (悔拍), misconduct',
  })
  @IsIn(SANCTION_REASONS)
  reason!: SanctionReason;

  @ApiProperty({
    maxLength: MAX_BASIS_LENGTH,
    description: 'the legal basis (法律依据), shown on the public list',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_BASIS_LENGTH)
  basis!: string;

  @ApiPropertyOptional({
    maxLength: MAX_SOURCE_REF_LENGTH,
    description: 'the process or complaint it arose from (kept inside, not published)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_SOURCE_REF_LENGTH)
  sourceRef?: string;

  @ApiPropertyOptional({
    description: 'first day (YYYY-MM-DD, CENTRE_TZ); defaults to today (the database’s)',
  })
  @IsOptional()
  @IsCalendarDate()
  startsOn?: string;

  @ApiPropertyOptional({
    description: "a ban's last day, inclusive (banned through 24:00 CENTRE_TZ of it); none for a warning",
  })
  @IsOptional()
  @IsCalendarDate()
  bannedUntil?: string;
}

export class RevokeSanctionDto {
  @ApiProperty({
    maxLength: MAX_REVOKE_REASON_LENGTH,
    description: 'why it is lifted (on review or appeal); it bans nothing from today',
  })
  @IsString()
  @IsNotEmpty()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(MAX_REVOKE_REASON_LENGTH)
  reason!: string;
}

export class ListSanctionsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "one party's sanctions only" })
  @IsOptional()
  @IsString()
  @IsCanonicalId()
  partyId?: string;

  @ApiPropertyOptional({ enum: SANCTION_KINDS })
  @IsOptional()
  @IsIn(SANCTION_KINDS)
  kind?: SanctionKind;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: bans in force today (CENTRE_TZ, the database’s clock); false: every other sanction',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  active?: 'true' | 'false';
}

export class FindPartyQuery {
  @ApiProperty({ maxLength: MAX_USERNAME_LENGTH, description: "the party's username, exactly" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_USERNAME_LENGTH)
  username!: string;
}

export class CreditListQuery extends PageQuery {
  @ApiPropertyOptional({
    maxLength: 100,
    description:
      "an organisation's name (any part) or its exact unified social credit code; persons are not searchable",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  q?: string;
}
