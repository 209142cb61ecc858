import { ValidationPipe, type ValidationError } from '@nestjs/common';
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

/** The global HTTP pipe: unknown fields are refused, failures carry VALIDATION_FAILED and per-field details. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
  const instance = plainToInstance(type, payload);
  const errors = validateSync(instance, options);
  if (errors.length > 0) throw validationError(errors, 'the payload is not valid');
  return instance;
}
