import { KeyedBatches } from './keyed-batches.js';

/** A process function whose batches finish only when the test says so. */
function controlled() {
  const batches: {
    key: string;
    items: number[];
    finish: (results?: (string | Error)[]) => void;
    fail: (e: Error) => void;
  }[] = [];
  const queue = new KeyedBatches<number, string>(
    (key, items) =>
      new Promise((resolve, reject) => {
        batches.push({
          key,
          items,
          finish: (results) => resolve(results ?? items.map((item) => `${key}:${item}`)),
          fail: reject,
        });
      }),
    3,
  );
  return { queue, batches };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedBatches (group commit’s queue)', () => {
  it('starts a lone item at once, as a batch of one', async () => {
    const { queue, batches } = controlled();
    const answer = queue.submit('a', 1);
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    batches[0].finish();
    await expect(answer).resolves.toBe('a:1');
  });

  it('items arriving while a batch is in flight wait and go together, in arrival order, capped at the batch size', async () => {
    const { queue, batches } = controlled();
    const answers = [1, 2, 3, 4, 5, 6].map((n) => queue.submit('a', n));
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    batches[0].finish();
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1].finish();
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4], [5, 6]]);
    batches[2].finish();
    await expect(Promise.all(answers)).resolves.toEqual(['a:1', 'a:2', 'a:3', 'a:4', 'a:5', 'a:6']);
    expect(queue.activeKeys).toBe(0);
  });

  it('runs different keys side by side, never two batches of one key at once', async () => {
    const { queue, batches } = controlled();
    void queue.submit('a', 1);
    void queue.submit('b', 1);
    void queue.submit('a', 2);
    await tick();
    expect(batches.map((b) => [b.key, b.items])).toEqual([
      ['a', [1]],
      ['b', [1]],
    ]);
    expect(queue.activeKeys).toBe(2);
  });

  it('answers each item with its own result or its own error', async () => {
    const { queue, batches } = controlled();
    void queue.submit('a', 0);
    const first = queue.submit('a', 1);
    const second = queue.submit('a', 2);
    await tick();
    batches[0].finish();
    await tick();
    batches[1].finish(['one', new Error('two was refused')]);
    await expect(first).resolves.toBe('one');
    await expect(second).rejects.toThrow('two was refused');
  });

  it('a batch that throws fails each of its items with the error, and the next batch still runs', async () => {
    const { queue, batches } = controlled();
    const a = queue.submit('a', 1);
    await tick();
    const b = queue.submit('a', 2);
    batches[0].fail(new Error('connection terminated'));
    await expect(a).rejects.toThrow('connection terminated');
    await tick();
    expect(batches.map((x) => x.items)).toEqual([[1], [2]]);
    batches[1].finish();
    await expect(b).resolves.toBe('a:2');
  });

  it('a batch answered with the wrong number of results fails every item of it', async () => {
    const { queue, batches } = controlled();
    const a = queue.submit('a', 1);
    await tick();
    batches[0].finish([]);
    await expect(a).rejects.toThrow('a batch of 1 was answered with 0 results');
  });

  it('counts what waits behind a key’s batch in flight, not the batch itself', async () => {
    const { queue, batches } = controlled();
    void queue.submit('a', 1);
    expect(queue.waitingCount('a')).toBe(0);
    void queue.submit('a', 2);
    void queue.submit('a', 3);
    expect(queue.waitingCount('a')).toBe(2);
    expect(queue.waitingCount('b')).toBe(0);
    await tick();
    batches[0].finish();
    await tick();
    expect(queue.waitingCount('a')).toBe(0);
  });
});
