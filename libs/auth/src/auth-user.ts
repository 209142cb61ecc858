import type { Role } from '@ggzy/persistence';

/** Who is calling, as the token says. */
export interface AuthUser {
  id: string;
  username: string;
  roles: Role[];
}

export function hasAnyRole(user: AuthUser | undefined, roles: readonly Role[]): boolean {
  return !!user && user.roles.some((role) => roles.includes(role));
}
