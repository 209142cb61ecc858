import type { AuctionLifecycleService, CloseResult } from '@ggzy/auction';
import type { AppConfig, Logger } from '@ggzy/common';
import type { AuctionsRepository } from '@ggzy/persistence';
import type { AuctionScheduler, QueueBackend } from '@ggzy/queues';
import { AuctionsProcessor } from './auctions.processor.js';

/**
 * The worker's close jobs share batches (one transaction for the closes due together): those
 * that arrive while a lane's batch is in flight go together as its next batch, up to
 * CLOSE_BATCH_SIZE; a batch that fails is retried auction by auction, so one auction's failure
 * (a host refusing) neither fails nor delays the others'.
 */
const CLOSED: CloseResult = { closed: true, status: 'unsold', closedAt: new Date('2026-11-29T00:00:00Z') };

function processorWith(
  lifecycle: Partial<Pick<AuctionLifecycleService, 'close' | 'closeMany' | 'openMany'>>,
  batchSize = 3,
  options: { lanes?: number; overdue?: { id: string; endsAt: Date; closeDue: boolean }[] } = {},
) {
  const config = { CLOSE_BATCH_SIZE: batchSize, CLOSE_BATCH_LANES: options.lanes ?? 1 } as AppConfig;
  const logger = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  } as unknown as Logger;
  const processor = new AuctionsProcessor(
    lifecycle as AuctionLifecycleService,
    { findOverdue: async () => options.overdue ?? [] } as unknown as AuctionsRepository,
    { scheduleClose: async () => undefined } as unknown as AuctionScheduler,
    {} as QueueBackend,
    config,
    logger,
  );
  const close = (id: string) =>
    (processor as unknown as { close(id: string): Promise<CloseResult> }).close(id);
  const sweep = () => (processor as unknown as { sweep(): Promise<unknown> }).sweep();
  return Object.assign(close, { sweep });
}

const id = (n: number) => `0000000${n}-0000-4000-8000-000000000000`;

describe('AuctionsProcessor: close jobs in batches', () => {
  it('closes a lone job at once, and those arriving meanwhile together, at most CLOSE_BATCH_SIZE at a time', async () => {
    const batches: string[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const close = processorWith({
      closeMany: async (ids) => {
        batches.push(ids);
        if (batches.length === 1) await firstHeld;
        return new Map(ids.map((one) => [one, CLOSED]));
      },
      close: () => Promise.reject(new Error('not used')),
    });
    const first = close(id(1));
    const rest = [2, 3, 4, 5, 6].map((n) => close(id(n)));
    release();
    await expect(Promise.all([first, ...rest])).resolves.toEqual(Array(6).fill(CLOSED));
    expect(batches).toEqual([[id(1)], [id(2), id(3), id(4)], [id(5), id(6)]]);
  });

  it('retries a failed batch one auction at a time: the others close, the failing one fails alone', async () => {
    const alone: string[] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const close = processorWith({
      closeMany: async (ids) => {
        calls += 1;
        if (calls === 1) await firstHeld;
        if (ids.includes(id(3))) throw new Error('the host refused');
        return new Map(ids.map((one) => [one, CLOSED]));
      },
      close: async (one) => {
        alone.push(one);
        if (one === id(3)) throw new Error('the host refused');
        return CLOSED;
      },
    });
    const first = close(id(1));
    const batch = [2, 3, 4].map((n) => close(id(n)));
    release();
    await expect(first).resolves.toEqual(CLOSED);
    const settled = await Promise.allSettled(batch);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('the host refused'));
    expect(alone).toEqual([id(2), id(3), id(4)]);
  });

  it('a lone auction whose close fails is not retried: its job fails with the error', async () => {
    let closeCalls = 0;
    const close = processorWith({
      closeMany: () => Promise.reject(new Error('the host refused')),
      close: async () => {
        closeCalls += 1;
        return CLOSED;
      },
    });
    await expect(close(id(1))).rejects.toThrow('the host refused');
    expect(closeCalls).toBe(0);
  });

  it('spreads auctions over the lanes by id: two lanes run their batches side by side, an id always in its own', async () => {
    // Lane = first 8 hex digits mod 2: ids 1 and 3 are odd (lane 1), 2 and 4 even (lane 0).
    const inFlight = new Set<string>();
    const together: string[][] = [];
    const batches: string[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const close = processorWith(
      {
        closeMany: async (ids) => {
          batches.push(ids);
          ids.forEach((one) => inFlight.add(one));
          together.push([...inFlight].sort());
          await held;
          ids.forEach((one) => inFlight.delete(one));
          return new Map(ids.map((one) => [one, CLOSED]));
        },
      },
      3,
      { lanes: 2 },
    );
    const all = [1, 2, 3, 4].map((n) => close(id(n)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Each lane started a batch with its first id; the others wait for their own lane.
    expect(together.at(-1)).toEqual([id(1), id(2)]);
    release();
    await Promise.all(all);
    expect(batches).toEqual([[id(1)], [id(2)], [id(3)], [id(4)]]);
  });

  it('the sweeper opens what is due even when an overdue close fails, and closes the rest', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const close = processorWith(
      {
        closeMany: async (ids) => {
          if (ids.includes(id(1))) throw new Error('the host refused');
          closed.push(...ids);
          return new Map(ids.map((one) => [one, CLOSED]));
        },
        close: async () => Promise.reject(new Error('the host refused')),
        openMany: async (ids) => {
          opened.push(...ids);
          return new Map(ids.map((one) => [one, { opened: true, endsAt: null }]));
        },
      },
      3,
      {
        lanes: 2,
        overdue: [
          { id: id(1), endsAt: new Date(0), closeDue: true },
          { id: id(2), endsAt: new Date(0), closeDue: true },
          { id: id(4), endsAt: new Date(0), closeDue: false },
        ],
      },
    );
    await expect(close.sweep()).resolves.toEqual({ overdue: 3 });
    expect(closed).toEqual([id(2)]);
    expect(opened).toEqual([id(4)]);
  });

  it('keeps an auction whose close failed on its own out of the batches for a while', async () => {
    const batches: string[][] = [];
    const alone: string[] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((resolve) => (release = resolve));
    const close = processorWith({
      closeMany: async (ids) => {
        batches.push(ids);
        if (batches.length === 1) await firstHeld;
        if (ids.includes(id(3))) throw new Error('the host refused');
        return new Map(ids.map((one) => [one, CLOSED]));
      },
      close: async (one) => {
        alone.push(one);
        if (one === id(3)) throw new Error('the host refused');
        return CLOSED;
      },
    });
    const first = close(id(1));
    const batch = [2, 3].map((n) => close(id(n)));
    release();
    await first;
    await Promise.allSettled(batch);
    expect(alone).toEqual([id(2), id(3)]);
    // Offered again (the sweeper's next pass) with others: it goes alone, the others batch.
    const again = [3, 4, 5].map((n) => close(id(n)));
    const settled = await Promise.allSettled(again);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(alone).toEqual([id(2), id(3), id(3)]);
    expect(batches.slice(2).flat()).toEqual([id(4), id(5)]);
  });
});
