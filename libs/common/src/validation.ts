import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError, isWellFormedText } from '@ggzy/domain';

function describe(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...describe(error.children ?? [], field)];
  });
}

/** True when every failed constraint is an id's: the request named a thing by a malformed id. */
function onlyInvalidIds(errors: ValidationError[]): boolean {
  const failures = (list: ValidationError[]): ValidationError[] =>
    list.flatMap((error) => [...(error.constraints ? [error] : []), ...failures(error.children ?? [])]);
  const failed = failures(errors);
  return (
    failed.length > 0 &&
    failed.every((error) =>
      Object.keys(error.constraints!).every((name) => error.contexts?.[name]?.code === 'INVALID_ID'),
    )
  );
}

/** Problems listed in one answer: the rest are counted in the message, not sent. */
export const MAX_LISTED_PROBLEMS = 100;

function validationError(errors: ValidationError[], message: string): DomainError {
  const details = describe(errors);
  if (onlyInvalidIds(errors)) return new DomainError('INVALID_ID', details[0].problems[0], details);
  if (details.length <= MAX_LISTED_PROBLEMS) return new DomainError('VALIDATION_FAILED', message, details);
  return new DomainError(
    'VALIDATION_FAILED',
    `${message}: ${details.length} problems, the first ${MAX_LISTED_PROBLEMS} listed`,
    details.slice(0, MAX_LISTED_PROBLEMS),
  );
}

const options = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/**
 * The most keys one object of a request may have. Real bodies have a few dozen at most (an
 * import row has 7); validating an object with tens of thousands of keys costs seconds and
 * answers with megabytes of problems, so such a body is refused before validation.
 */
export const MAX_KEYS_PER_OBJECT = 200;

/**
 * Checks every value at any depth before validation: objects have at most MAX_KEYS_PER_OBJECT
 * keys (TOO_MANY_KEYS), and no text holds U+0000 or a lone surrogate — PostgreSQL cannot store them, so one that
 * reached an INSERT would fail there, as a 500 whose logged statement carries every other parameter.
 */
function refuseHostileShapes(value: unknown, field = ''): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      throw new DomainError('VALIDATION_FAILED', 'text may not contain the NUL character (U+0000)', [
        { field: field || 'value', problems: ['contains U+0000'] },
      ]);
    // A lone surrogate is no character at all: PostgreSQL refuses it inside jsonb, so it would
    // fail later, far from here (an opening of sealed bids, once, failed on one).
    if (!isWellFormedText(value))
      throw new DomainError('VALIDATION_FAILED', 'text must be well-formed Unicode (no lone surrogate)', [
        { field: field || 'value', problems: ['contains a lone surrogate'] },
      ]);
    return;
  }
  // An uploaded file's bytes are data, not fields: its own readers check it.
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
  const keys = Object.keys(value);
  if (!Array.isArray(value) && keys.length > MAX_KEYS_PER_OBJECT)
    throw new DomainError('TOO_MANY_KEYS', `an object has at most ${MAX_KEYS_PER_OBJECT} keys`, {
      field: field || 'body',
      keys: keys.length,
      limit: MAX_KEYS_PER_OBJECT,
    });
  for (const key of keys)
    refuseHostileShapes((value as Record<string, unknown>)[key], field ? `${field}.${key}` : key);
}

class EdgeValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
    refuseHostileShapes(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    return super.transform(value, metadata);
  }
}

/** The global HTTP pipe: unknown fields are refused, failures carry VALIDATION_FAILED and per-field details. */
export function createValidationPipe(): ValidationPipe {
  return new EdgeValidationPipe({
    ...options,
    transform: true,
    exceptionFactory: (errors) => validationError(errors, 'the request is not valid'),
  });
}

/** The same validation for socket payloads, which do not pass through Nest pipes here. */
export function validatePayload<T extends object>(type: new () => T, payload: unknown): T {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new DomainError('VALIDATION_FAILED', 'the payload must be a JSON object');
  }
  refuseHostileShapes(payload);
  const instance = plainToInstance(type, payload);
  const errors = validateSync(instance, options);
  if (errors.length > 0) throw validationError(errors, 'the payload is not valid');
  return instance;
}
