import type { Role } from '@ggzy/persistence';

/** Who is calling, as the token says. */
export interface AuthUser {
  id: string;
  username: string;
  roles: Role[];
  /** When the token that names this user stops being valid (epoch ms); a socket outlives it. */
  expiresAt?: number;
}

export function hasAnyRole(user: AuthUser | undefined, roles: readonly Role[]): boolean {
  return !!user && user.roles.some((role) => roles.includes(role));
}
