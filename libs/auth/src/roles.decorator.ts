import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '@ggzy/persistence';
import type { AuthUser } from './auth-user.js';

export const ROLES_KEY = 'ggzy:roles';
export const AUTHENTICATED = 'any';

/** Only these roles may call; `@Roles()` with none means any signed-in user. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles.length ? roles : AUTHENTICATED);

export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthUser | undefined => {
    return context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
  },
);
