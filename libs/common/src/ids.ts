import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
import { DomainError } from '@ggzy/domain';

/**
 * The only id shape the platform accepts: 8-4-4-4-12 hex digits, in any case. PostgreSQL
 * reads braces, `urn:uuid:` and upper case as the same uuid, so anything that reaches a
 * room name, a view or an audit entry must be this canonical lower-case text.
 */
const UUID_ANY_CASE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The canonical form of an id, or undefined when the value is not one. */
export function canonicalId(value: unknown): string | undefined {
  return typeof value === 'string' && UUID_ANY_CASE.test(value) ? value.toLowerCase() : undefined;
}

export function isCanonicalId(value: unknown): value is string {
  return typeof value === 'string' && CANONICAL_UUID.test(value);
}

/** Canonical id or `INVALID_ID`: the edge's one rule for ids. */
export function parseId(value: unknown, field = 'id'): string {
  const id = canonicalId(value);
  if (id === undefined)
    throw new DomainError('INVALID_ID', `${field} must be a UUID (8-4-4-4-12 hex digits)`);
  return id;
}

/** For every REST `:id` parameter. */
@Injectable()
export class CanonicalIdPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    return parseId(value, metadata.data ?? 'id');
  }
}

/** Marks a failed constraint whose field was an id, so validation answers INVALID_ID. */
export const INVALID_ID_CONTEXT = { code: 'INVALID_ID' } as const;

/**
 * For ids inside bodies, queries and socket payloads: lower-cases a UUID and refuses any
 * other string with INVALID_ID. Non-strings are left to `@IsString()` (VALIDATION_FAILED).
 */
export function IsCanonicalId(): PropertyDecorator {
  const lowerCase = Transform(({ value }) => canonicalId(value) ?? value);
  const canonical = ValidateBy(
    {
      name: 'isCanonicalId',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || isCanonicalId(value),
        defaultMessage: (args) => `${args?.property ?? 'id'} must be a UUID (8-4-4-4-12 hex digits)`,
      },
    },
    { context: INVALID_ID_CONTEXT },
  );
  return (target, property) => {
    lowerCase(target, property);
    canonical(target, property);
  };
}
