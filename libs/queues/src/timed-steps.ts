import type { Queue } from 'bullmq';

/**
 * The one way a timed step is scheduled, whatever the line: an auction's open and close, a
 * transfer's end of disclosure, and any deadline an issue adds. A step is a delayed BullMQ job
 * under a deterministic id (re-adding the same step is harmless, so producers and the worker's
 * rebuild may both add it), kept an hour once done and a week once failed. Each line keeps its
 * own queue, so one line's work never waits behind another's; how a step is added, rebuilt and
 * measured is the same for all (BENCHMARKS.md, "Closing and opening at scale").
 */
export interface TimedStep {
  name: string;
  data: object;
  /** Deterministic: the step's kind, subject and moment (BullMQ refuses most ids with a colon). */
  jobId: string;
  runAt: Date;
}

const KEEP = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;

export class TimedSteps {
  constructor(
    readonly queue: Queue,
    private readonly now: () => number = Date.now,
  ) {}

  async add(step: TimedStep): Promise<void> {
    await this.queue.add(step.name, step.data, this.options(step, this.now()));
  }

  /** Many steps in one round trip. */
  async addMany(steps: TimedStep[]): Promise<void> {
    if (steps.length === 0) return;
    const now = this.now();
    await this.queue.addBulk(
      steps.map((step) => ({ name: step.name, data: step.data, opts: this.options(step, now) })),
    );
  }

  /**
   * Rebuilds the pending steps from the source of truth a page at a time, in the subjects' id
   * order, each page's steps added in one round trip: the time grows with the number of
   * subjects, the memory does not. Returns how many subjects it read.
   */
  async rebuild<T extends { id: string }>(
    page: (afterId: string | null, limit: number) => Promise<T[]>,
    stepsOf: (subject: T) => TimedStep[],
    pageSize = REBUILD_PAGE_SIZE,
  ): Promise<number> {
    let rebuilt = 0;
    let afterId: string | null = null;
    for (;;) {
      const subjects = await page(afterId, pageSize);
      if (subjects.length === 0) return rebuilt;
      await this.addMany(subjects.flatMap(stepsOf));
      rebuilt += subjects.length;
      afterId = subjects[subjects.length - 1].id;
    }
  }

  private options(step: TimedStep, now: number) {
    return { ...KEEP, jobId: step.jobId, delay: Math.max(0, step.runAt.getTime() - now) };
  }
}

export const REBUILD_PAGE_SIZE = 1000;
