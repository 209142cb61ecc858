import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, isISO8601 } from 'class-validator';
import { canonicalId } from '@ggzy/common';
import { DomainError, onSiteAuctionViolations, type OnSiteAuctionRecord } from '@ggzy/domain';

const FEN = {
  description: 'integer fen (分)',
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  type: 'integer',
} as const;

/**
 * An on-site auction record (现场拍租 / 现场拍卖), of a lease listing or a transfer project. Its form is checked by the domain's on-site rules, which
 * list every problem at once (VALIDATION_FAILED, `details: [{field, rule}]`), so the fields are
 * only declared here.
 */
export class OnSiteAuctionDto {
  @ApiProperty({ maxLength: 100, description: 'the auctioneer (拍卖师)' }) @Allow() auctioneer!: string;
  @ApiProperty({ maxLength: 500 }) @Allow() place!: string;
  @ApiProperty({ description: 'when it was held (ISO-8601 instant); not after now' })
  @Allow()
  heldAt!: string;
  @ApiProperty({
    type: [String],
    maxItems: 1000,
    description: 'user ids of the registered bidders present, each once',
  })
  @Allow()
  presentBidderIds!: string[];
  @ApiProperty({ enum: ['sold', 'unsold'] }) @Allow() outcome!: 'sold' | 'unsold';
  @ApiPropertyOptional({
    ...FEN,
    description: "fen: a lease's monthly rent, a transfer's price; required when sold, absent when unsold",
  })
  @Allow()
  hammerPrice?: number;
  @ApiPropertyOptional({ description: 'user id of the winner (present and qualified); only when sold' })
  @Allow()
  winnerId?: string;
  @ApiProperty({ maxLength: 255, description: "the signed record's file name" })
  @Allow()
  recordFileName!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: "the signed record's SHA-256" })
  @Allow()
  recordFileSha256!: string;
}

/**
 * The record as the domain checks it: an instant that is not ISO-8601 becomes an invalid date
 * (listed with the other problems), ids become canonical; then every form problem at once, and
 * any id that is not a UUID is INVALID_ID.
 */
export function onSiteRecord(body: OnSiteAuctionDto): OnSiteAuctionRecord {
  const heldAt =
    typeof body.heldAt === 'string' && isISO8601(body.heldAt, { strict: true, strictSeparator: true })
      ? new Date(body.heldAt)
      : new Date(Number.NaN);
  const record: OnSiteAuctionRecord = {
    auctioneer: body.auctioneer,
    place: body.place,
    heldAt,
    presentBidderIds: body.presentBidderIds,
    outcome: body.outcome,
    hammerPrice: body.hammerPrice,
    winnerId: body.winnerId,
    recordFileName: body.recordFileName,
    recordFileSha256: body.recordFileSha256,
  };
  const violations = onSiteAuctionViolations(record);
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the on-site auction record is incomplete', violations);
  const ids = [...record.presentBidderIds, ...(record.winnerId != null ? [record.winnerId] : [])];
  const invalid = ids.filter((id) => canonicalId(id) === undefined);
  if (invalid.length > 0)
    throw new DomainError('INVALID_ID', 'bidder ids must be UUIDs (8-4-4-4-12 hex digits)', { ids: invalid });
  return {
    ...record,
    presentBidderIds: record.presentBidderIds.map((id) => canonicalId(id)!),
    winnerId: record.winnerId != null ? canonicalId(record.winnerId)! : record.winnerId,
  };
}
