import { type ArgumentsHost, Catch, type ExceptionFilter, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { LOGGER, type Logger } from './logger.js';
import { toErrorResponse } from './errors.js';

/** The one place that maps errors to HTTP responses: `{code, message, details?}`. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = toErrorResponse(exception, this.logger);
    if (response.headersSent) return;
    const retryAfter = (body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if ((status === 429 || status === 503) && typeof retryAfter === 'number')
      response.setHeader('Retry-After', String(retryAfter));
    response.status(status).json(body);
  }
}
