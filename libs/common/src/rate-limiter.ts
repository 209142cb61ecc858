/**
 * Fixed-window counter per key, in process memory. Good enough for one instance per role;
 * a multi-instance deployment behind a balancer would move this to Redis.
 */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; false when the key is over its limit in the current window. */
  tryHit(key: string): boolean {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.windowMs) {
      if (this.windows.size > 100_000) this.evictExpired(now);
      this.windows.set(key, { startedAt: now, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.limit;
  }

  /** How long until the key's current window ends (0 when it has none running). */
  msUntilReset(key: string): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    return Math.max(0, window.startedAt + this.windowMs - this.now());
  }

  private evictExpired(now: number) {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= this.windowMs) this.windows.delete(key);
    }
  }
}
