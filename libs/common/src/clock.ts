/** The server's clock decides; wrapping it lets tests and benchmarks read it the same way. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
