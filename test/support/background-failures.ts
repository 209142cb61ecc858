import { takeBackgroundFailures } from './sockets.js';

// Every e2e file: a failure in a socket handler (see LiveView) fails the test it happened in,
// or the file's teardown if it came after the last test.
const check = () => {
  const failures = takeBackgroundFailures();
  if (failures.length > 0)
    throw new AggregateError(failures, failures.map((failure) => failure.message).join('\n'));
};
afterEach(check);
afterAll(check);
