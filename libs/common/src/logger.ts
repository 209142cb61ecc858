import { pino, type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';

/** Structured JSON logs; `process` names which of the three processes wrote the line. */
export function createLogger(processName: string, level: string): Logger {
  return pino({ level, base: { process: processName }, timestamp: pino.stdTimeFunctions.isoTime });
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
