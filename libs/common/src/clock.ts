/** The server's clock decides; wrapping it lets tests and benchmarks read it the same way. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** The system clock shifted by a fixed offset: tests give one process a clock that runs behind. */
export class OffsetClock extends Clock {
  constructor(private readonly offsetMs: number) {
    super();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}
