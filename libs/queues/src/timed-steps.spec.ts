import type { Queue } from 'bullmq';
import { type TimedStep, TimedSteps } from './timed-steps.js';

/** What TimedSteps asks of BullMQ's Queue, recorded: each call is one round trip. */
class RecordingQueue {
  readonly calls: {
    kind: 'add' | 'addBulk';
    jobs: { name: string; data: { listingId?: string }; opts: any }[];
  }[] = [];
  async add(name: string, data: object, opts: object) {
    this.calls.push({ kind: 'add', jobs: [{ name, data, opts }] });
  }
  async addBulk(jobs: { name: string; data: object; opts: object }[]) {
    this.calls.push({ kind: 'addBulk', jobs });
  }
}

const NOW = Date.UTC(2026, 10, 29, 2, 0, 0);
const step = (id: string, inMs: number): TimedStep => ({
  name: 'close',
  data: { listingId: id },
  jobId: `close-${id}-${NOW + inMs}`,
  runAt: new Date(NOW + inMs),
});

describe('TimedSteps', () => {
  it.each<[string, number, number]>([
    ['in an hour', 3_600_000, 3_600_000],
    ['now', 0, 0],
    ['already past (a rebuild after downtime): at once', -5_000, 0],
  ])('adds a step due %s with its id, kept an hour done and a week failed', async (_name, inMs, delay) => {
    const queue = new RecordingQueue();
    await new TimedSteps(queue as unknown as Queue, () => NOW).add(step('a', inMs));
    expect(queue.calls).toEqual([
      {
        kind: 'add',
        jobs: [
          {
            name: 'close',
            data: { listingId: 'a' },
            opts: {
              jobId: `close-a-${NOW + inMs}`,
              delay,
              removeOnComplete: { age: 3600 },
              removeOnFail: { age: 7 * 24 * 3600 },
            },
          },
        ],
      },
    ]);
  });

  it('adds many in one round trip, and none without one', async () => {
    const queue = new RecordingQueue();
    const steps = new TimedSteps(queue as unknown as Queue, () => NOW);
    await steps.addMany([]);
    await steps.addMany([step('a', 1000), step('b', 2000)]);
    expect(queue.calls.map((call) => [call.kind, call.jobs.map((job) => job.opts.jobId)])).toEqual([
      ['addBulk', [`close-a-${NOW + 1000}`, `close-b-${NOW + 2000}`]],
    ]);
  });

  it.each<[string, number, number, number[]]>([
    ['nothing scheduled', 0, 3, []],
    ['fewer than a page', 2, 3, [2]],
    ['exactly a page', 3, 3, [3]],
    ['pages and a rest', 7, 3, [3, 3, 1]],
  ])('rebuilds %s a page at a time, in id order after the last', async (_name, count, pageSize, bulks) => {
    const subjects = Array.from({ length: count }, (_, i) => ({ id: `id-${String(i).padStart(3, '0')}` }));
    const asked: (string | null)[] = [];
    const queue = new RecordingQueue();
    const rebuilt = await new TimedSteps(queue as unknown as Queue, () => NOW).rebuild(
      async (afterId, limit) => {
        asked.push(afterId);
        expect(limit).toBe(pageSize);
        return subjects.filter((subject) => afterId === null || subject.id > afterId).slice(0, limit);
      },
      // Two steps for the even subjects, one for the odd: a page's steps go in one round trip.
      (subject) => [
        step(subject.id, 1000),
        ...(Number(subject.id.slice(3)) % 2 === 0 ? [step(subject.id, 2000)] : []),
      ],
      pageSize,
    );
    expect(rebuilt).toBe(count);
    expect(queue.calls.map((call) => call.kind)).toEqual(bulks.map(() => 'addBulk'));
    const perPage = queue.calls.map((call) => new Set(call.jobs.map((job) => job.data.listingId)).size);
    expect(perPage).toEqual(bulks);
    expect(queue.calls.flatMap((call) => call.jobs)).toHaveLength(count + Math.ceil(count / 2));
    // Each page asked after the previous page's last id; the last ask came back empty.
    expect(asked).toEqual([
      null,
      ...bulks.map((_, page) => subjects[(page + 1) * pageSize - 1]?.id ?? subjects[count - 1].id),
    ]);
  });
});
