import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { IsCanonicalId } from '@ggzy/common';

export class ListingRef {
  @IsString() @IsCanonicalId() listingId!: string;
}

export class BidMessage extends ListingRef {
  @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER) amount!: number;
  @IsString() @Matches(/^[A-Za-z0-9_.:-]{1,64}$/) clientBidId!: string;
}

export class ResyncMessage extends ListingRef {
  @IsInt() @Min(0) @Max(2_147_483_647) afterSeq!: number;
}

/** A fresh access token for a connected socket whose token expired. */
export class AuthMessage {
  @IsString() token!: string;
}
