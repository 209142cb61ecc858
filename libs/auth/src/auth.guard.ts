import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@ggzy/domain';
import type { Role } from '@ggzy/persistence';
import { hasAnyRole, type AuthUser } from './auth-user.js';
import { AUTHENTICATED, ROLES_KEY } from './roles.decorator.js';
import { TokenService } from './token.service.js';

/**
 * Global HTTP guard: a token, when sent, must be valid (even on public routes, so a forged
 * token never passes silently); routes with @Roles need a user with one of the roles.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; user?: AuthUser }>();
    request.user = this.tokens.fromAuthorizationHeader(request.headers.authorization);
    const required = this.reflector.getAllAndOverride<Role[] | typeof AUTHENTICATED | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required === undefined) return true;
    if (!request.user) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    if (required !== AUTHENTICATED && !hasAnyRole(request.user, required)) {
      throw new DomainError('FORBIDDEN', `this needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
