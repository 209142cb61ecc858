import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import {
  APP_CONFIG,
  type AppConfig,
  clientAddress,
  DEVICE_FINGERPRINT_HEADER,
  deviceFingerprintKey,
  runWithOrigin,
} from '@ggzy/common';

/**
 * Every request runs with its origin (early warning: the client address and the device
 * fingerprint's hash) in reach of the shared steps that record it (registrations, sealed bids).
 * A malformed fingerprint is refused here, before the handler: 400 DEVICE_FINGERPRINT_INVALID.
 */
@Injectable()
export class RequestOriginInterceptor implements NestInterceptor {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const origin = {
      clientAddress: clientAddress(request, this.config.TRUST_PROXY),
      deviceFingerprint: deviceFingerprintKey(request.headers[DEVICE_FINGERPRINT_HEADER]),
    };
    return new Observable((subscriber) => runWithOrigin(origin, () => next.handle().subscribe(subscriber)));
  }
}
