/**
 * A short-lived, per-listing memory of what watchers read (the listing for a snapshot, pages
 * of the ledger), so a crowd asking the same thing costs one query. Only what every watcher
 * may see goes in a shared entry; what belongs to one user (its bidder code) is kept apart,
 * per listing and user (`readOwn`).
 *
 * Freshness: the host calls `changed(listingId)` whenever an event reaches the listing's
 * room (from any instance), and an answer read before such a change is never kept. The
 * host says through `mayKeep` which listings it can watch (those with a room here); the
 * others are not cached at all. Concurrent misses for one key share one read.
 *
 * A listing keeps at most `maxKeysPerListing` keys, the oldest going first; the shared
 * snapshot (`SHARED_LISTING_KEY`), which every watcher's join and resync reads, is never the
 * one dropped to make room for a page.
 */
export const SHARED_LISTING_KEY = 'listing';

export class ListingReadCache {
  private readonly entries = new Map<string, Map<string, { readAt: number; value: Promise<unknown> }>>();
  private readonly generations = new Map<string, number>();
  private readonly own = new Map<string, Map<string, { readAt: number; value: Promise<unknown> }>>();

  constructor(
    private readonly ttlMs: number,
    private readonly mayKeep: (listingId: string) => boolean = () => true,
    private readonly maxKeysPerListing = 32,
    private readonly now: () => number = Date.now,
    private readonly maxUsersPerListing = 5000,
  ) {}

  /** Something about the listing changed: drop what was read before (a user's own part stays). */
  changed(listingId: string): void {
    this.generations.set(listingId, (this.generations.get(listingId) ?? 0) + 1);
    this.entries.delete(listingId);
  }

  /** The listing is no longer watched here. */
  forget(listingId: string): void {
    this.entries.delete(listingId);
    this.generations.delete(listingId);
    this.own.delete(listingId);
  }

  get size(): number {
    return this.entries.size;
  }

  async read<T>(listingId: string, key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const readAt = this.now();
    const cached = this.entries.get(listingId)?.get(key);
    if (cached && readAt - cached.readAt < this.ttlMs) return cached.value as Promise<T>;
    const generation = this.generations.get(listingId) ?? 0;
    const value = load();
    if (this.mayKeep(listingId)) {
      let keys = this.entries.get(listingId);
      if (!keys) this.entries.set(listingId, (keys = new Map()));
      if (!keys.has(key) && keys.size >= this.maxKeysPerListing) {
        for (const oldest of keys.keys()) {
          if (oldest === SHARED_LISTING_KEY) continue;
          keys.delete(oldest);
          break;
        }
      }
      keys.set(key, { readAt, value });
      // A change during the read, or a failed read, must not be served to the next caller.
      const drop = () => {
        if (this.entries.get(listingId)?.get(key)?.value === value) this.entries.get(listingId)!.delete(key);
      };
      value.then(() => {
        if ((this.generations.get(listingId) ?? 0) !== generation) drop();
      }, drop);
    }
    return value;
  }

  /**
   * One user's own part of a listing that, once there, never changes (its bidder code).
   * A value is kept while the listing is watched here, whatever events reach the room; an
   * absent one (null: not qualified yet) only as long as a shared read, since staff may
   * qualify the user at any moment.
   */
  async readOwn<T>(listingId: string, userId: string, load: () => Promise<T | null>): Promise<T | null> {
    if (this.ttlMs <= 0) return load();
    const readAt = this.now();
    const users = this.own.get(listingId);
    const cached = users?.get(userId);
    if (cached) {
      const settled = (await cached.value.catch(() => undefined)) as T | null | undefined;
      if (settled !== undefined && (settled !== null || readAt - cached.readAt < this.ttlMs)) return settled;
      // The one in flight may have been replaced or dropped meanwhile: read anew below.
    }
    const value = load();
    if (this.mayKeep(listingId)) {
      let keys = users ?? this.own.get(listingId);
      if (!keys) this.own.set(listingId, (keys = new Map()));
      keys.delete(userId);
      if (keys.size >= this.maxUsersPerListing) keys.delete(keys.keys().next().value!);
      keys.set(userId, { readAt, value });
      value.catch(() => {
        if (this.own.get(listingId)?.get(userId)?.value === value) this.own.get(listingId)!.delete(userId);
      });
    }
    return value;
  }
}
