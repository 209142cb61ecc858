import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCanonicalId } from '@ggzy/common';

/**
 * The request bodies a committee's evaluation and the award take alike for tenders and
 * procurement (each line's controller adds its own).
 */
const FEN = { description: 'integer fen (分)', maximum: Number.MAX_SAFE_INTEGER, type: 'integer' } as const;
export const CalendarDate = () =>
  Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    message: '$property must be a date YYYY-MM-DD',
  });
export const Sha256 = () =>
  Matches(/^[0-9a-f]{64}$/, { message: '$property must be SHA-256 as 64 lowercase hex digits' });
/** A committee larger than this is not a committee; bounds every list below. */
export const MAX_ENTRIES = 2000;

export class CommitteeNeedDto {
  @ApiProperty({ example: 'building', description: 'a specialty code of the expert pool' })
  @Matches(/^[a-z][a-z0-9_]{1,31}$/, { message: '$property must be a specialty code' })
  specialty!: string;

  @ApiProperty({ minimum: 1, maximum: 99 })
  @IsInt()
  @Min(1)
  @Max(99)
  count!: number;
}

export class CommitteeDrawDto {
  @ApiProperty({
    type: [CommitteeNeedDto],
    description: 'experts to draw per specialty, each specialty once',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CommitteeNeedDto)
  needs!: CommitteeNeedDto[];

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 99,
    default: 0,
    description: "the owner's representatives (not drawn)",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(99)
  ownerRepresentatives?: number;

  @ApiPropertyOptional({ description: 'the current draw this redraw replaces (a member withdrew)' })
  @IsOptional()
  @IsCanonicalId()
  @IsString()
  replacing?: string;
}

export class BidRejectionDto {
  @ApiProperty({ description: "the opened bid's id" })
  @IsCanonicalId()
  @IsString()
  bidId!: string;

  @ApiProperty({ maxLength: 500, description: '否决投标: the committee’s reason' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class EvaluatedPriceDto {
  @ApiProperty()
  @IsCanonicalId()
  @IsString()
  bidId!: string;

  @ApiProperty({ ...FEN, minimum: 1, description: 'the price as adjusted under the documents, fen' })
  @IsInt({ message: '$property must be a whole number of fen' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  evaluatedPrice!: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class EvaluatedPricesDto {
  @ApiProperty({ type: [EvaluatedPriceDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ENTRIES)
  @ValidateNested({ each: true })
  @Type(() => EvaluatedPriceDto)
  prices!: EvaluatedPriceDto[];
}

export class EvaluationReportDto {
  @ApiPropertyOptional({ default: false, description: 'the committee rejects every bid → failed' })
  @IsOptional()
  @IsBoolean()
  rejectAll?: boolean;

  @ApiProperty({ description: "SHA-256 of the committee's signed report" })
  @Sha256()
  reportSha256!: string;
}

export class AwardDto {
  @ApiProperty({ description: "the chosen candidate's bid id" })
  @IsCanonicalId()
  @IsString()
  bidId!: string;

  @ApiPropertyOptional({
    maxLength: 500,
    description: 'why not the first candidate (required then; a state-funded tender may not)',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}

export class AwardContractDto {
  @ApiProperty({ example: '2026-12-20', description: 'the day signed: ≤ 30 days after the award notice' })
  @CalendarDate()
  signedOn!: string;

  @ApiProperty({ description: 'SHA-256 of the signed contract' })
  @Sha256()
  contractSha256!: string;
}
