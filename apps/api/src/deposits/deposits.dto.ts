import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsCanonicalId } from '@ggzy/common';
import { DEPOSIT_STATES, type DepositState } from '@ggzy/domain';
import { PageQuery } from '../common.dto.js';

export const DEPOSIT_HOST_TYPES = ['lease', 'transfer', 'tender', 'procurement'] as const;
export type DepositHostTypeName = (typeof DEPOSIT_HOST_TYPES)[number];

/** Bank or receipt references: free text, bounded. */
export const MAX_REFERENCE_LENGTH = 200;
export const MAX_FORFEIT_REASON_LENGTH = 500;

export class MyDepositsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DEPOSIT_STATES })
  @IsOptional()
  @IsIn(DEPOSIT_STATES)
  state?: DepositState;
}

export class ListDepositsQuery extends MyDepositsQuery {
  @ApiPropertyOptional({ enum: DEPOSIT_HOST_TYPES })
  @IsOptional()
  @IsIn(DEPOSIT_HOST_TYPES)
  hostType?: DepositHostTypeName;

  @ApiPropertyOptional({ description: "the listing's or project's id", format: 'uuid' })
  @IsOptional()
  @IsString()
  @IsCanonicalId()
  hostId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: refunds past their last day with the money still held; false: all others',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';
}

export class ReceiveDepositDto {
  @ApiPropertyOptional({
    description: "when the money arrived (ISO-8601); defaults to the database's now, never after it",
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO-8601 date-time' })
  // A bare date would be read as midnight UTC, not the centre's day: an instant is required.
  @Matches(/T\d{2}:\d{2}/, { message: '$property must include a time of day' })
  receivedAt?: string;

  @ApiPropertyOptional({ maxLength: MAX_REFERENCE_LENGTH, description: 'bank transfer or receipt reference' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_REFERENCE_LENGTH)
  reference?: string;
}

export class RefundDepositDto {
  @ApiPropertyOptional({ maxLength: MAX_REFERENCE_LENGTH, description: 'the refund transfer reference' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_REFERENCE_LENGTH)
  reference?: string;
}

export class ForfeitDepositDto {
  @ApiProperty({ maxLength: MAX_FORFEIT_REASON_LENGTH, description: 'why (e.g. the winner did not sign)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_FORFEIT_REASON_LENGTH)
  reason!: string;
}
