import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  MAX_APPROVER_LENGTH,
  MAX_DOCUMENT_NAME_LENGTH,
  MAX_EXTENSION_PERIODS,
  MAX_EXTENSION_SECONDS,
  MAX_FREE_BIDDING_MINUTES,
  MAX_TRANSFER_DOCUMENTS,
  MAX_TRANSFER_TEXT_LENGTH,
  MAX_TRANSFER_TITLE_LENGTH,
  MAX_TRANSFEROR_LENGTH,
  TRANSFER_ASSET_KINDS,
  TRANSFER_STATUSES,
  type TransferAssetKind,
  type TransferStatus,
} from '@ggzy/domain';
import { PageQuery } from '../common.dto.js';

const FEN = {
  description: 'integer fen (分)',
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  type: 'integer',
} as const;
const applyAll =
  (decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) =>
    decorators.forEach((d) => d(target, key));
const Fen = () =>
  applyAll([
    IsInt({ message: '$property must be a whole number of fen' }),
    IsPositive(),
    Max(Number.MAX_SAFE_INTEGER),
  ]);
const Sha256 = () =>
  Matches(/^[0-9a-f]{64}$/, { message: '$property must be a SHA-256 as 64 lowercase hex digits' });
const CalendarDate = () =>
  Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    message: '$property must be a date YYYY-MM-DD',
  });

export class TransferDocumentDto {
  @ApiProperty({ maxLength: MAX_DOCUMENT_NAME_LENGTH, example: '资产评估报告.pdf' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_DOCUMENT_NAME_LENGTH)
  name!: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) @Sha256() sha256!: string;
}

export class PriceApprovalDto {
  @ApiProperty({ maxLength: MAX_APPROVER_LENGTH, description: 'who approved the price (the approving body)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_APPROVER_LENGTH)
  approver!: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: "the approval document's SHA-256" })
  @Sha256()
  documentSha256!: string;
}

export class CreateTransferProjectDto {
  @ApiProperty({ maxLength: MAX_TRANSFER_TITLE_LENGTH, example: '东湖区某国有企业 100% 股权转让' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TRANSFER_TITLE_LENGTH)
  title!: string;

  @ApiProperty({ maxLength: MAX_TRANSFEROR_LENGTH, description: '转让方' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TRANSFEROR_LENGTH)
  transferor!: string;

  @ApiProperty({
    enum: TRANSFER_ASSET_KINDS,
    description: 'equity 产权 (≥ 20 business days of disclosure) or physical_asset 实物资产 (≥ 10)',
  })
  @IsIn(TRANSFER_ASSET_KINDS)
  assetKind!: TransferAssetKind;

  @ApiProperty({ maxLength: MAX_TRANSFER_TEXT_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_TRANSFER_TEXT_LENGTH)
  assetDescription!: string;

  @ApiPropertyOptional({ type: [TransferDocumentDto], maxItems: MAX_TRANSFER_DOCUMENTS, default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TRANSFER_DOCUMENTS)
  @ValidateNested({ each: true })
  @Type(() => TransferDocumentDto)
  documents?: TransferDocumentDto[];

  @ApiProperty({ ...FEN, description: 'the filed valuation 评估备案值, fen' }) @Fen() valuation!: number;
  @ApiProperty({ ...FEN, description: '挂牌价, fen; under the valuation only with `approval`' })
  @Fen()
  listingPrice!: number;

  @ApiPropertyOptional({ type: PriceApprovalDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => PriceApprovalDto)
  approval?: PriceApprovalDto | null;

  @ApiPropertyOptional({ maxLength: MAX_TRANSFER_TEXT_LENGTH, description: '受让条件', default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TRANSFER_TEXT_LENGTH)
  buyerConditions?: string;

  @ApiProperty({ ...FEN, description: '保证金, fen; ≤ listingPrice' }) @Fen() deposit!: number;

  @ApiProperty({ example: '2026-12-28', description: 'the last day of disclosure (CENTRE_TZ)' })
  @CalendarDate()
  disclosureEndsOn!: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_EXTENSION_PERIODS, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_EXTENSION_PERIODS)
  extensionPeriods?: number;

  @ApiProperty({ ...FEN, description: 'bid increment of the live auction, fen' }) @Fen() increment!: number;

  @ApiPropertyOptional({
    example: '10:00',
    default: '10:00',
    description: 'HH:MM CENTRE_TZ on the first business day after disclosure',
  })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: '$property must be HH:MM' })
  auctionStartTime?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_FREE_BIDDING_MINUTES, default: 60 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_FREE_BIDDING_MINUTES)
  freeBiddingMinutes?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_EXTENSION_SECONDS, default: 300 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_EXTENSION_SECONDS)
  extensionSeconds?: number;
}

/** Any field of the create call; `approval: null` removes the approval. */
export class UpdateTransferProjectDto extends PartialType(CreateTransferProjectDto) {}

export class ListTransferProjectsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TRANSFER_STATUSES })
  @IsOptional()
  @IsIn(TRANSFER_STATUSES)
  status?: TransferStatus;
}

export class RelistTransferProjectDto {
  @ApiProperty({ ...FEN, description: 'down to 90% of the valuation freely; below only with `approval`' })
  @Fen()
  listingPrice!: number;

  @ApiProperty({ example: '2027-01-20' }) @CalendarDate() disclosureEndsOn!: string;

  @ApiPropertyOptional({ type: PriceApprovalDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => PriceApprovalDto)
  approval?: PriceApprovalDto | null;

  @ApiPropertyOptional({ maxLength: MAX_TRANSFER_TEXT_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_TRANSFER_TEXT_LENGTH)
  buyerConditions?: string;

  @ApiPropertyOptional({ ...FEN }) @IsOptional() @Fen() deposit?: number;
}

export class AgreementDto {
  @ApiProperty({ ...FEN, description: 'the agreed price, ≥ the listing price' }) @Fen() price!: number;
}

export class ContractDto {
  @ApiProperty({ example: '2026-12-02', description: 'the day the contract was signed (CENTRE_TZ)' })
  @CalendarDate()
  signedOn!: string;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: "the signed contract's SHA-256" })
  @Sha256()
  contractSha256!: string;
}

export class TransferReasonDto {
  @ApiProperty({ maxLength: 500, description: 'recorded in the audit trail and shown publicly' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}

export class QualifyBuyerDto {
  @ApiProperty({ description: 'the deposit has arrived' })
  @IsBoolean()
  depositReceived!: boolean;
}

export class TransferBidDto {
  @ApiProperty({ ...FEN, description: 'the price offered, fen' }) @Fen() amount!: number;

  @ApiProperty({ description: 'client-chosen idempotency key, unique per bidder and project', maxLength: 64 })
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'clientBidId: 1–64 of A–Z a–z 0–9 _ . : -' })
  clientBidId!: string;
}
