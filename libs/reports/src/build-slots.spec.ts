import { DomainError } from '@ggzy/domain';
import { BuildSlots } from './build-slots.js';

/** Work that finishes when the test says so. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done, finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BuildSlots', () => {
  it('runs at most `size` at once and hands a freed slot to the first waiter', async () => {
    const slots = new BuildSlots(2, 5, 10_000);
    const jobs = [held(), held(), held()];
    const order: number[] = [];
    const runs = jobs.map((job, index) => slots.run(async () => (await job.work(), order.push(index))));
    await tick();
    expect(slots.busy).toBe(2);
    jobs[1].finish();
    await tick();
    expect(slots.busy).toBe(2);
    jobs[0].finish();
    jobs[2].finish();
    await Promise.all(runs);
    expect(order).toEqual([1, 0, 2]);
    expect(slots.busy).toBe(0);
  });

  it.each<[string, number, number, number]>([
    // name, waiters allowed, wait ms, how many are refused of 4 extra callers
    ['past the waiting cap at once', 1, 10_000, 3],
    ['after waiting too long', 10, 20, 4],
  ])(
    'refuses callers %s with RATE_LIMITED and a retry hint',
    async (_name, maxWaiting, maxWaitMs, refused) => {
      const slots = new BuildSlots(1, maxWaiting, maxWaitMs);
      const blocker = held();
      const first = slots.run(blocker.work);
      const extra = Array.from({ length: 4 }, () =>
        slots.run(async () => 'ran').catch((error: DomainError) => error),
      );
      // Long enough for a short wait to run out; the blocker still holds the only slot.
      await new Promise((resolve) => setTimeout(resolve, Math.min(maxWaitMs + 50, 200)));
      blocker.finish();
      await first;
      const outcomes = await Promise.all(extra);
      const errors = outcomes.filter((outcome): outcome is DomainError => outcome instanceof DomainError);
      expect(errors).toHaveLength(refused);
      for (const error of errors) {
        expect(error.code).toBe('RATE_LIMITED');
        expect(error.details).toEqual({ retryAfterSeconds: Math.max(1, Math.ceil(maxWaitMs / 1000)) });
      }
      expect(slots.busy).toBe(0);
    },
  );
});
