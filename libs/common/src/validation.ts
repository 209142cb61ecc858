import { type ArgumentMetadata, ValidationPipe, type ValidationError } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError } from '@ggzy/domain';

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

function validationError(errors: ValidationError[], message: string): DomainError {
  const details = describe(errors);
  if (onlyInvalidIds(errors)) return new DomainError('INVALID_ID', details[0].problems[0], details);
  return new DomainError('VALIDATION_FAILED', message, details);
}

const options = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true } as const;

/**
 * PostgreSQL cannot store U+0000 in text: a NUL that reached an INSERT would fail there, as a
 * 500 whose logged statement carries every other parameter. So it is refused at the edge, in
 * any string at any depth.
 */
function refuseNulCharacters(value: unknown, field = ''): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      throw new DomainError('VALIDATION_FAILED', 'text may not contain the NUL character (U+0000)', [
        { field: field || 'value', problems: ['contains U+0000'] },
      ]);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>))
    refuseNulCharacters(child, field ? `${field}.${key}` : key);
}

class EdgeValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
    refuseNulCharacters(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
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
  refuseNulCharacters(payload);
  const instance = plainToInstance(type, payload);
  const errors = validateSync(instance, options);
  if (errors.length > 0) throw validationError(errors, 'the payload is not valid');
  return instance;
}
