import { type DestinationStream, pino, type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';

/**
 * Whatever could sign someone in never reaches a log line: tokens, passwords, cookies and
 * connection strings are censored wherever they appear in a logged object (requests included).
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-auth-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'handshake.auth',
  'handshake.headers.authorization',
  'handshake.headers.cookie',
  'auth.token',
  // A device fingerprint is a supervisor-only fact (early warning): never in a log line.
  'req.headers["x-device-fingerprint"]',
  'headers["x-device-fingerprint"]',
  'handshake.headers["x-device-fingerprint"]',
  'auth.deviceFingerprint',
  ...[
    'password',
    'passwordHash',
    'accessToken',
    'token',
    'secret',
    'JWT_SECRET',
    'AUDIT_HMAC_KEY',
    'SEALED_BID_KEYS',
    'deviceFingerprint',
  ].flatMap((key) => [key, `*.${key}`]),
  // A failed statement's parameters may hold a password hash or a token: the error is logged,
  // its values never are. Nor is PostgreSQL's detail ("Failing row contains (…)" repeats a
  // refused row, hash and all; "Key (…)=(…)" a value): TypeORM copies it onto the error too.
  'err.parameters',
  'err.query',
  'err.detail',
  'err.driverError.parameters',
  'err.driverError.query',
  'err.driverError.detail',
  // Where a statement failed quotes the text it failed on: a jsonb value may be an opened bid.
  'err.where',
  'err.driverError.where',
  'DATABASE_URL',
  'DATABASE_OWNER_URL',
  'REDIS_URL',
  '*.DATABASE_URL',
  '*.DATABASE_OWNER_URL',
  '*.REDIS_URL',
];

/** Structured JSON logs; `process` names which of the three processes wrote the line. */
export function createLogger(processName: string, level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { process: processName },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** Lets Nest write its own lines through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}

export const LOGGER = Symbol('LOGGER');
export type { Logger };
