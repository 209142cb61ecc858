import { randomUUID } from 'node:crypto';
import { DomainError, ERROR_STATUS, type ErrorCode } from '@ggzy/domain';
import type { Logger } from 'pino';

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/**
 * Turns anything thrown into `{status, body}`: domain errors keep their code, framework
 * HTTP errors get a code by status, and the unknown become a 500 with an id in the log.
 */
export function toErrorResponse(error: unknown, logger?: Logger): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) {
    return { status: error.status, body: withDetails(error.code, error.message, error.details) };
  }
  const httpLike = error as {
    status?: number;
    type?: string;
    cause?: { type?: string };
    getStatus?: () => number;
    getResponse?: () => unknown;
  };
  // Body-parser errors carry `type`; Nest's Express adapter wraps them, keeping the original as `cause`.
  const bodyError = httpLike?.type ?? httpLike?.cause?.type;
  if (bodyError === 'entity.parse.failed') {
    return { status: 400, body: { code: 'INVALID_JSON', message: 'the request body is not valid JSON' } };
  }
  if (bodyError === 'entity.too.large') {
    return { status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' } };
  }
  if (bodyError === 'charset.unsupported' || bodyError === 'encoding.unsupported') {
    return {
      status: 415,
      body: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'send the body as JSON in UTF-8, without a content encoding',
      },
    };
  }
  const status = typeof httpLike?.getStatus === 'function' ? httpLike.getStatus() : undefined;
  if (status !== undefined && status < 500) {
    const response = httpLike.getResponse?.() as
      { message?: unknown; code?: string; cause?: unknown } | string | undefined;
    if (typeof response === 'object' && response?.code && response.code in ERROR_STATUS) {
      return { status, body: response as ErrorBody };
    }
    const code = codeForStatus(status);
    const message = typeof response === 'string' ? response : (response as { message?: unknown })?.message;
    return {
      status,
      body: Array.isArray(message)
        ? { code, message: 'the request is not valid', details: message }
        : { code, message: typeof message === 'string' ? message : code.toLowerCase().replace(/_/g, ' ') },
    };
  }
  // Text PostgreSQL cannot store (a NUL, an invalid byte) is the client's, not a server fault.
  const sqlState = (error as { driverError?: { code?: string } })?.driverError?.code;
  if (sqlState === '22021' || sqlState === '22P05') {
    return {
      status: 400,
      body: { code: 'VALIDATION_FAILED', message: 'the text contains characters that cannot be stored' },
    };
  }
  // A row a check constraint refused is input a DTO let through (blank text, say): the client's,
  // not a server fault. The log names only the constraint, never the statement or the row.
  if (sqlState === '23514') {
    const { table, constraint } = (error as { driverError: { table?: string; constraint?: string } })
      .driverError;
    logger?.warn({ sqlState, table, constraint }, 'a check constraint refused a row');
    return {
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: 'the request is not valid',
        details: constraint ? [constraint] : [],
      },
    };
  }
  // PostgreSQL refusing a connection (every slot taken, starting or shutting down) or not there:
  // a moment's unavailability, nothing the request did wrong and nothing written. 503 with a
  // Retry-After, so clients retry instead of reporting a fault.
  const connectionCode = (error as { code?: unknown })?.code ?? sqlState;
  if (typeof connectionCode === 'string' && DATABASE_UNAVAILABLE.has(connectionCode)) {
    logger?.warn({ code: connectionCode }, 'the database refused a connection');
    return {
      status: 503,
      body: {
        code: 'SERVICE_UNAVAILABLE',
        message: 'the service is busy: try again in a moment',
        details: { retryAfterSeconds: 1 },
      },
    };
  }
  const errorId = randomUUID();
  logger?.error({ err: error, errorId }, 'unhandled error');
  return { status: 500, body: { code: 'INTERNAL_ERROR', message: `internal error (id ${errorId})` } };
}

/** too_many_connections, cannot_connect_now, admin_shutdown; the server not listening. */
const DATABASE_UNAVAILABLE = new Set(['53300', '57P03', '57P01', 'ECONNREFUSED']);

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return 'VALIDATION_FAILED';
  }
}

function withDetails(code: string, message: string, details: unknown): ErrorBody {
  return details === undefined ? { code, message } : { code, message, details };
}
