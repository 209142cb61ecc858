import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig, clientAddress, FixedWindowRateLimiter } from '@ggzy/common';
import { DomainError } from '@ggzy/domain';

/** Paths a load balancer polls: never refused, never counted. */
const UNCOUNTED = new Set(['/health', '/api/health']);

/**
 * One budget per client address for every REST call, public reads included, so no address can
 * keep the api (and the database behind it) busy for everyone else. Runs before sign-in is
 * checked, so an anonymous flood costs no token verification either.
 */
@Injectable()
export class RequestLimitsGuard implements CanActivate {
  private readonly perAddress: FixedWindowRateLimiter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.perAddress = new FixedWindowRateLimiter(config.API_REQUESTS_PER_ADDRESS_PER_MINUTE, 60_000);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (UNCOUNTED.has(request.path)) return true;
    const address = clientAddress(request, this.config.TRUST_PROXY);
    if (this.perAddress.tryHit(address)) return true;
    throw new DomainError('RATE_LIMITED', 'too many requests from this address; try again shortly', {
      retryAfterSeconds: Math.max(1, Math.ceil(this.perAddress.msUntilReset(address) / 1000)),
    });
  }
}
