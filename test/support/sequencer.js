import Sequencer from '@jest/test-sequencer';

/**
 * Seconds each of the longest files took in a CI run (fresh clone, 2 workers). CI runs a clean
 * clone, so Jest has no timings of its own and would order by file size: a long file that is
 * small, started last, would keep the run going alone. These start first, longest first; the
 * rest follow by size, as Jest orders them. Where Jest has timings of its own (a second local run)
 * its order stands. Update from a CI run's "(NN s)" lines.
 */
const LONGEST_SECONDS = {
  'test/browser/transfers.browser-spec.ts': 233,
  'test/browser/procurement-methods.browser-spec.ts': 168,
  'test/browser/pages.browser-spec.ts': 128,
  'test/browser/deposits.browser-spec.ts': 123,
  'test/browser/procurements.browser-spec.ts': 111,
  'test/faults.e2e-spec.ts': 99,
  'test/browser/listing-editing.browser-spec.ts': 98,
  'test/browser/tender-rounds.browser-spec.ts': 92,
  'test/browser/tender-evaluation.browser-spec.ts': 91,
  'test/socket-auth.e2e-spec.ts': 81,
  'test/supervision.e2e-spec.ts': 53,
  'test/close-at-scale.e2e-spec.ts': 48,
  'test/transfers.e2e-spec.ts': 48,
  'test/scale-out.e2e-spec.ts': 48,
  'test/sealed-bid-opening-kill.e2e-spec.ts': 42,
  // Added since, measured alone on a loaded machine: a rough place in the order.
  'test/complaints.e2e-spec.ts': 67,
  'test/early-warning.e2e-spec.ts': 60,
  'test/browser/alerts.browser-spec.ts': 50,
};

const JestSequencer = Sequencer.default ?? Sequencer;

export default class LongestFirstSequencer extends JestSequencer {
  sort(tests) {
    const bySize = super.sort([...tests]);
    if (bySize.some((test) => test.duration != null)) return bySize;
    const seconds = (test) => LONGEST_SECONDS[test.path.slice(test.context.config.rootDir.length + 1)];
    const known = bySize.filter((test) => seconds(test) !== undefined);
    known.sort((a, b) => seconds(b) - seconds(a));
    return [...known, ...bySize.filter((test) => seconds(test) === undefined)];
  }
}
