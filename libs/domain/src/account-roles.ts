/**
 * A bidder account is never also staff, supervisor or admin: someone who runs or watches an
 * auction must not be able to bid in it. The database enforces the same rule (a CHECK).
 */
export function rolesAreCompatible(roles: readonly string[]): boolean {
  return !roles.includes('bidder') || new Set(roles).size === 1;
}

/**
 * Delay before the next sign-in attempt after `failures` wrong passwords: none up to
 * `freeFailures`, then `firstDelaySeconds` doubling with every further failure, capped.
 */
export function signInDelaySeconds(
  failures: number,
  policy: { freeFailures: number; firstDelaySeconds: number; maxDelaySeconds: number },
): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.maxDelaySeconds, policy.firstDelaySeconds * 2 ** doublings);
}
