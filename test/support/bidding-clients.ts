import request from 'supertest';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { ask, type BidEvent } from './sockets.js';

/** One bid outcome, the same shape whichever path carried it. */
export type BidResult =
  { ok: true; bid: BidEvent } | { ok: false; error: { code: string; message: string; details?: unknown } };

/** What a bidding client records about one attempt. */
export interface BidRecord {
  bidder: string;
  via: 'socket' | 'rest';
  clientBidId: string;
  amount: number;
  sentAt: number;
  result: BidResult;
}

/** The socket `bid` message, answered by its ack. */
export async function bidOverSocket(
  socket: Socket,
  listingId: string,
  amount: number,
  clientBidId: string,
): Promise<BidResult> {
  return ask<BidResult>(socket, 'bid', { listingId, amount, clientBidId });
}

/** The REST twin, normalised to the ack's shape: 201 → `{ok:true, bid}`, 4xx → `{ok:false, error}`. */
export async function bidOverRest(
  apiUrl: string,
  token: string,
  listingId: string,
  amount: number,
  clientBidId: string,
): Promise<BidResult> {
  const response = await request(apiUrl)
    .post(`/api/lease-listings/${listingId}/bids`)
    .auth(token, { type: 'bearer' })
    .send({ amount, clientBidId });
  if (response.status === 201) return { ok: true, bid: response.body as BidEvent };
  if (response.status >= 500 || !response.body?.code)
    throw new Error(`REST bid answered ${response.status}: ${JSON.stringify(response.body)}`);
  return { ok: false, error: response.body };
}

export interface LedgerEntry {
  seq: number;
  amount: number;
  bidderCode: string;
  at: string;
}

/** The whole public ledger, page by page (a page holds at most 1000). */
export async function publicLedger(apiUrl: string, listingId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (;;) {
    const page = await request(apiUrl)
      .get(`/api/lease-listings/${listingId}/bids?limit=1000&offset=${entries.length}`)
      .expect(200);
    entries.push(...(page.body.items as LedgerEntry[]));
    if (entries.length >= page.body.total || page.body.items.length === 0) return entries;
  }
}

/** Only the four public fields of a bid, for comparing clients' views with the ledger. */
export const ledgerFields = ({ seq, amount, bidderCode, at }: LedgerEntry): LedgerEntry => ({
  seq,
  amount,
  bidderCode,
  at,
});

/** The listing as staff see it (with `storedStatus`). */
export async function staffListing(apiUrl: string, token: string, listingId: string) {
  const response = await request(apiUrl)
    .get(`/api/lease-listings/${listingId}`)
    .auth(token, { type: 'bearer' })
    .expect(200);
  return response.body;
}

/** Every deal recorded for one listing. */
export async function dealsFor(apiUrl: string, token: string, listingId: string) {
  const items: { sourceId: string; amount: number; [key: string]: unknown }[] = [];
  for (;;) {
    const page = await request(apiUrl)
      .get(`/api/deals?category=property_rights&subtype=lease&limit=1000&offset=${items.length}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    items.push(...page.body.items);
    if (items.length >= page.body.total || page.body.items.length === 0) break;
  }
  return items.filter((deal) => deal.sourceId === listingId);
}

/** Every audit entry about one listing (supervisor token). */
export async function auditFor(apiUrl: string, token: string, listingId: string) {
  const items: { action: string; data: Record<string, unknown> }[] = [];
  for (;;) {
    const page = await request(apiUrl)
      .get(`/api/audit?entityType=lease_listing&entityId=${listingId}&limit=1000&offset=${items.length}`)
      .auth(token, { type: 'bearer' })
      .expect(200);
    items.push(...page.body.items);
    if (items.length >= page.body.total || page.body.items.length === 0) return items;
  }
}

export async function verifyAuditChain(apiUrl: string, token: string) {
  const response = await request(apiUrl).get('/api/audit/verify').auth(token, { type: 'bearer' }).expect(200);
  return response.body as { valid: boolean; [key: string]: unknown };
}

/**
 * Deletes the Redis keys matching `pattern` (SCAN + UNLINK, never FLUSHDB: other test files
 * share this Redis). Returns how many were deleted.
 */
export async function deleteRedisKeys(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** Sleeps until the wall clock reaches `at` (epoch ms) plus a margin. */
export async function sleepUntil(at: number, marginMs = 0): Promise<void> {
  const wait = at + marginMs - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** SIGTERM, and SIGKILL if the child has not exited within `graceMs`, so cleanup never hangs. */
export async function stopChild(child: { stop(): Promise<void>; kill(): Promise<void> }, graceMs = 10_000) {
  let timer: NodeJS.Timeout | undefined;
  const stopped = child.stop().then(() => true);
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
  try {
    if (!(await Promise.race([stopped, late]))) await child.kill();
  } finally {
    clearTimeout(timer);
  }
}
