import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DomainError } from '@ggzy/domain';

export const MAX_OFFSET = 100_000;

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 50;

  /** Bounded: a huge offset makes PostgreSQL walk and discard that many rows. */
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset: number = 0;
}

/** Path ids: canonical lower-case UUIDs, anything else is INVALID_ID before it reaches the database. */
export { CanonicalIdPipe as UuidPipe } from '@ggzy/common';

/** A partial body may leave a field out, never set it to null. */
export function refuseNulls(body: object) {
  const nulls = Object.entries(body)
    .filter(([, value]) => value === null)
    .map(([field]) => ({ field, problems: [`${field} may not be null`] }));
  if (nulls.length > 0) throw new DomainError('VALIDATION_FAILED', 'the request is not valid', nulls);
}

/** The fields a body names, for a service that tells "left out" from "set". */
export const withoutUndefined = <T extends object>(body: T) =>
  Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as Partial<T>;

/** An amount in whole fen, as every money field is documented. */
export const FEN_PROPERTY = {
  description: 'integer fen (分)',
  maximum: Number.MAX_SAFE_INTEGER,
  type: 'integer',
} as const;

/** A calendar date YYYY-MM-DD (a day in CENTRE_TZ). */
export const IsCalendarDate = () =>
  Matches(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    message: '$property must be a date YYYY-MM-DD',
  });

/** A unified social credit code's form (the checksum is the domain's). */
export const IsOrganizationCode = () =>
  Matches(/^[0-9A-HJ-NPQRTUWXY]{18}$/, {
    message: '$property must be a unified social credit code (18 characters, GB 32100)',
  });
