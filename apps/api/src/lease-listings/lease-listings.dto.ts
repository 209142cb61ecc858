import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  DEFAULT_EXTENSION_SECONDS,
  LISTING_STATUSES,
  type ListingStatus,
  MAX_ADDRESS_LENGTH,
  MAX_EXTENSION_SECONDS,
  MAX_LEASE_TERM_MONTHS,
  MAX_TITLE_LENGTH,
} from '@ggzy/domain';
import { PageQuery } from '../common.dto.js';

const FEN = {
  description: 'integer fen (分)',
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  type: 'integer',
} as const;
const fen = () => [
  IsInt({ message: '$property must be a whole number of fen' }),
  IsPositive(),
  Max(Number.MAX_SAFE_INTEGER),
];
const applyAll =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));
const Fen = () => applyAll(fen());
const Iso = () =>
  IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO-8601 date-time' });

export class CreateLeaseListingDto {
  @ApiProperty({ maxLength: MAX_TITLE_LENGTH, example: '八一大道 358 号 1 楼店面使用权租赁' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TITLE_LENGTH)
  title!: string;

  @ApiProperty({ maxLength: MAX_ADDRESS_LENGTH, example: '南昌市东湖区八一大道 358 号' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_ADDRESS_LENGTH)
  address!: string;

  @ApiProperty({ example: 86.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(1e9)
  areaSqm!: number;

  @ApiProperty({ example: '商业' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  usage!: string;

  @ApiProperty({ minimum: 1, maximum: MAX_LEASE_TERM_MONTHS, example: 36 })
  @IsInt()
  @Min(1)
  @Max(MAX_LEASE_TERM_MONTHS)
  leaseTermMonths!: number;

  @ApiProperty({ ...FEN, example: 800000 }) @Fen() startPrice!: number;
  @ApiProperty({ ...FEN, example: 10000 }) @Fen() increment!: number;
  @ApiProperty({ ...FEN, example: 2000000 }) @Fen() deposit!: number;

  @ApiPropertyOptional({ ...FEN, description: 'never shown publicly; ≥ startPrice' })
  @IsOptional()
  @Fen()
  reservePrice?: number;

  @ApiProperty() @Iso() registrationStartsAt!: string;
  @ApiProperty() @Iso() registrationEndsAt!: string;
  @ApiProperty() @Iso() biddingStartsAt!: string;
  @ApiProperty() @Iso() freeBiddingEndsAt!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_EXTENSION_SECONDS, default: DEFAULT_EXTENSION_SECONDS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_EXTENSION_SECONDS)
  extensionSeconds?: number;
}

/**
 * Editing a draft: any of the create body's fields, with the same rules. `reservePrice: null`
 * removes the reserve; null for any other field is refused (see the controller).
 */
export class UpdateLeaseListingDto extends PartialType(CreateLeaseListingDto) {}

export class ListLeaseListingsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LISTING_STATUSES })
  @IsOptional()
  @IsIn(LISTING_STATUSES)
  status?: ListingStatus;
}

export class QualifyRegistrationDto {
  @ApiProperty({ description: 'the deposit has arrived' })
  @IsBoolean()
  depositReceived!: boolean;
}

export class ReasonDto {
  @ApiProperty({ maxLength: 500, description: 'recorded in the audit trail and shown with the status' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class RejectRegistrationDto {
  @ApiProperty({ maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class PlaceBidDto {
  @ApiProperty({ ...FEN, description: 'monthly rent in fen' }) @Fen() amount!: number;

  @ApiProperty({ description: 'client-chosen idempotency key, unique per bidder and listing', maxLength: 64 })
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'clientBidId: 1–64 of A–Z a–z 0–9 _ . : -' })
  clientBidId!: string;
}
