import { Clock } from '../../libs/common/src/clock.js';
import type { AuthUser } from '../../libs/auth/src/auth-user.js';
import type { LiveEventMap, LiveEvents } from '../../libs/auction/src/live-events.js';

/** The process's clock, where a test puts it (it may disagree with the database's). */
export class FakeClock extends Clock {
  constructor(public at: Date) {
    super();
  }

  now(): Date {
    return new Date(this.at);
  }

  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** LiveEvents that keep what was published, in order. */
export class FakeLiveEvents implements LiveEvents {
  published: { event: keyof LiveEventMap; payload: LiveEventMap[keyof LiveEventMap] }[] = [];

  publish<E extends keyof LiveEventMap>(event: E, payload: LiveEventMap[E] & { listingId: string }): void {
    this.published.push({ event, payload: structuredClone(payload) });
  }

  async close(): Promise<void> {}

  events(): (keyof LiveEventMap)[] {
    return this.published.map((entry) => entry.event);
  }
}

export function user(id: string, ...roles: AuthUser['roles']): AuthUser {
  return { id, username: `user-${id.slice(0, 8)}`, roles };
}
