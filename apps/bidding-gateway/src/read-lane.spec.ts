import { setImmediate as nextTurn } from 'node:timers/promises';
import { DomainError } from '@ggzy/domain';
import { READS_WAITING_AT_MOST, ReadLane, type ReadOptions } from './read-lane.js';

const anyone: ReadOptions = { priority: false, gone: () => false };
const signedIn: ReadOptions = { priority: true, gone: () => false };

/** A read that notes when the lane starts it and finishes when the test says so. */
function heldRead<T>(value: T) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = {
    started: false,
    read: async () => {
      held.started = true;
      await released;
      return value;
    },
    finish: () => release(),
  };
  return held;
}

/** Lets the lane hand freed slots on: a few turns of the event loop, no timers. */
async function settle() {
  for (let turn = 0; turn < 5; turn += 1) await nextTurn();
}

/** What a read has come to once the lane has had its turns: its value, its error, or still waiting. */
async function outcome<T>(promise: Promise<T>): Promise<{ value: T } | { error: unknown } | 'waiting'> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    settle().then(() => 'waiting' as const),
  ]);
}

describe('ReadLane', () => {
  it('runs at most `concurrency` reads at once; the others start, in order, as slots free', async () => {
    const lane = new ReadLane(2);
    const reads = Array.from({ length: 6 }, (_, i) => heldRead(i));
    let running = 0;
    let most = 0;
    const results = reads.map((held) =>
      lane.run(async () => {
        running += 1;
        most = Math.max(most, running);
        try {
          return await held.read();
        } finally {
          running -= 1;
        }
      }, anyone),
    );
    await settle();
    expect(reads.map((held) => held.started)).toEqual([true, true, false, false, false, false]);
    expect(lane.depth).toBe(6);
    for (const [i, held] of reads.entries()) {
      held.finish();
      await settle();
      expect(reads.map((read) => read.started)).toEqual(reads.map((_, j) => j < Math.min(6, i + 3)));
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(lane.depth).toBe(0);
  });

  it('starts a read on a later turn of the event loop than the one that asked, or freed its slot', async () => {
    const lane = new ReadLane(1);
    const log: string[] = [];
    // Asked with a slot free: not run in the caller's turn; what that turn queued goes first.
    setImmediate(() => log.push('queued before the read was asked for'));
    const first = heldRead('first');
    const firstDone = lane.run(async () => {
      log.push('first read');
      return first.read();
    }, anyone);
    log.push('asked');
    const second = lane.run(async () => {
      log.push('second read');
      return 'second';
    }, anyone);
    await settle();
    expect(log).toEqual(['asked', 'queued before the read was asked for', 'first read']);
    // A slot freed: a callback that is already due (a bid's database answer) runs before the next read.
    setImmediate(() => log.push('a bid answered'));
    first.finish();
    expect(await Promise.all([firstDone, second])).toEqual(['first', 'second']);
    expect(log.slice(3)).toEqual(['a bid answered', 'second read']);
  });

  it("serves signed-in users' waiting reads before anonymous ones, each kind in its order", async () => {
    const lane = new ReadLane(1);
    const blocker = heldRead('blocker');
    const running = lane.run(blocker.read, anyone);
    await settle();
    const order: string[] = [];
    const queued = (
      [
        ['anonymous 1', anyone],
        ['signed in 1', signedIn],
        ['anonymous 2', anyone],
        ['signed in 2', signedIn],
      ] as const
    ).map(([name, options]) =>
      lane.run(async () => {
        order.push(name);
        return name;
      }, options),
    );
    blocker.finish();
    await Promise.all([running, ...queued]);
    expect(order).toEqual(['signed in 1', 'signed in 2', 'anonymous 1', 'anonymous 2']);
  });

  it('refuses a read with RATE_LIMITED while READS_WAITING_AT_MOST wait, and takes it once there is room', async () => {
    const lane = new ReadLane(1);
    const blocker = heldRead('blocker');
    const running = lane.run(blocker.read, anyone);
    await settle();
    const waiting = Array.from({ length: READS_WAITING_AT_MOST }, (_, i) =>
      lane.run(async () => i, i % 2 ? signedIn : anyone),
    );
    expect(lane.depth).toBe(1 + READS_WAITING_AT_MOST);
    let ran = false;
    const read = async () => {
      ran = true;
      return 'refused';
    };
    for (const options of [anyone, signedIn]) {
      const refused = await outcome(lane.run(read, options));
      expect(refused).toMatchObject({ error: expect.any(DomainError) });
      expect(refused).toMatchObject({
        error: { code: 'RATE_LIMITED', details: { retryAfterMs: expect.any(Number) } },
      });
    }
    expect(lane.depth).toBe(1 + READS_WAITING_AT_MOST);
    blocker.finish();
    await running;
    expect(await Promise.all(waiting)).toEqual(Array.from({ length: READS_WAITING_AT_MOST }, (_, i) => i));
    expect(ran).toBe(false);
    expect(lane.depth).toBe(0);
    expect(await lane.run(async () => 'taken', anyone)).toBe('taken');
  });

  it('does not run a read whose socket is gone when its turn comes, and hands the slot on', async () => {
    const lane = new ReadLane(1);
    const blocker = heldRead('blocker');
    const running = lane.run(blocker.read, anyone);
    await settle();
    let left = false;
    let ran = false;
    const forLeaver = lane.run(
      async () => {
        ran = true;
        return 'leaver';
      },
      { priority: true, gone: () => left },
    );
    const next = lane.run(async () => 'next', anyone);
    // The socket leaves while its read waits.
    left = true;
    blocker.finish();
    expect(await outcome(forLeaver)).toMatchObject({ error: expect.any(DomainError) });
    expect(await outcome(next)).toEqual({ value: 'next' });
    expect(await running).toBe('blocker');
    expect(ran).toBe(false);
    expect(lane.depth).toBe(0);

    // With a slot free too: gone between the asking and the read's turn, it is not run.
    let leftAtOnce = false;
    const asked = lane.run(
      async () => {
        ran = true;
        return 'leaver';
      },
      { priority: false, gone: () => leftAtOnce },
    );
    leftAtOnce = true;
    await expect(asked).rejects.toBeInstanceOf(DomainError);
    expect(ran).toBe(false);
    expect(lane.depth).toBe(0);
  });

  it('frees the slot of a read that throws', async () => {
    const lane = new ReadLane(2);
    const failing = [anyone, signedIn].map((options) =>
      lane.run(async () => {
        throw new Error('database down');
      }, options),
    );
    const after = lane.run(async () => 'after', anyone);
    for (const failure of failing) await expect(failure).rejects.toThrow('database down');
    expect(await outcome(after)).toEqual({ value: 'after' });
    expect(lane.depth).toBe(0);
    // Both slots are there again.
    const reads = [heldRead(1), heldRead(2)];
    const results = reads.map((held) => lane.run(held.read, anyone));
    await settle();
    expect(reads.map((held) => held.started)).toEqual([true, true]);
    reads.forEach((held) => held.finish());
    expect(await Promise.all(results)).toEqual([1, 2]);
  });
});
