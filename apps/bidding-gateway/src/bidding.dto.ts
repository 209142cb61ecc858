import { IsInt, IsString, IsUUID, Matches, Max, Min } from 'class-validator';

export class ListingRef {
  @IsUUID('all') listingId!: string;
}

export class BidMessage extends ListingRef {
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
  @IsString() @Matches(/^[A-Za-z0-9_.:-]{1,64}$/) clientBidId!: string;
}

export class ResyncMessage extends ListingRef {
  @IsInt() @Min(0) @Max(2_147_483_647) afterSeq!: number;
}
