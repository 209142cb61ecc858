/**
 * Every rule violation has its own machine-readable code; one filter maps codes to HTTP
 * statuses and socket acks. Kept framework-free so the domain can throw it.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_ID: 400,
  UNKNOWN_EVENT: 400,
  INVALID_PERIOD: 400,
  UNKNOWN_FORMAT: 400,
  IMPORT_ROWS_INVALID: 400,
  INVALID_IMPORT_FILE: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  INVALID_TOKEN: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  LISTING_NOT_FOUND: 404,
  REGISTRATION_NOT_FOUND: 404,
  REPORT_NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  INVALID_STATE_TRANSITION: 409,
  ALREADY_REGISTERED: 409,
  REGISTRATION_ALREADY_DECIDED: 409,
  REPORT_NOT_READY: 409,
  LISTING_NOT_EDITABLE: 409,
  REGISTRATION_CLOSED: 422,
  REGISTRATION_NOT_OPEN: 422,
  SCHEDULE_IN_PAST: 422,
  CALENDAR_INVALID: 400,
  CALENDAR_YEAR_MISSING: 422,
  DEPOSIT_NOT_RECEIVED: 422,
  BID_TOO_LOW: 422,
  SELF_OUTBID: 422,
  NOT_QUALIFIED: 422,
  AUCTION_NOT_OPEN: 409,
  AUCTION_CLOSED: 409,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
  ORIGIN_NOT_ALLOWED: 403,
  PAYLOAD_TOO_LARGE: 413,
  IMPORT_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_STATUS, value);
}
