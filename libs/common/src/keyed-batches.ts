/**
 * Group commit's queue: items submitted under one key while that key's batch is being
 * processed wait, and are processed together as the next batch, in arrival order. A key with
 * nothing in flight starts a batch at once, so a lone item waits for nobody. Batches of
 * different keys run side by side; one key never has two in flight in this process.
 *
 * `process` answers each item of the batch, in order, with its result or an Error of its own;
 * if it throws, every item of the batch fails with that error.
 */
export class KeyedBatches<Item, Result> {
  private readonly queues = new Map<string, Waiting<Item, Result>[]>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly process: (key: string, items: Item[]) => Promise<(Result | Error)[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) queue.push({ item, resolve, reject });
      else this.queues.set(key, [{ item, resolve, reject }]);
      if (!this.busy.has(key)) void this.drain(key);
    });
  }

  /** Items of `key` waiting for the next batch (not counting the one in flight). */
  waitingCount(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }

  /** Keys with a batch in flight or waiting (for tests and metrics). */
  get activeKeys(): number {
    return this.busy.size;
  }

  private async drain(key: string): Promise<void> {
    this.busy.add(key);
    try {
      for (;;) {
        const queue = this.queues.get(key);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, this.maxBatch);
        if (queue.length === 0) this.queues.delete(key);
        await this.settle(key, batch);
      }
    } finally {
      this.busy.delete(key);
    }
  }

  private async settle(key: string, batch: Waiting<Item, Result>[]): Promise<void> {
    let results: (Result | Error)[];
    try {
      results = await this.process(
        key,
        batch.map((waiting) => waiting.item),
      );
      if (results.length !== batch.length)
        throw new Error(`a batch of ${batch.length} was answered with ${results.length} results`);
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => {
      const result = results[index];
      if (result instanceof Error) waiting.reject(result);
      else waiting.resolve(result);
    });
  }
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}
