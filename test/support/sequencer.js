import Sequencer from '@jest/test-sequencer';

/**
 * Seconds each of the longest files took in a whole run (fresh clone). CI runs a clean
 * clone, so Jest has no timings of its own and would order by file size: a long file that is
 * small, started last, would keep the run going alone. These start first, longest first; the
 * rest follow by size, as Jest orders them. Where Jest has timings of its own (a second local run)
 * its order stands. Update from a CI run's "(NN s)" lines.
 */
const LONGEST_SECONDS = {
  // Browser specs: the browser-only CI run of stop 23 (2 workers).
  'test/browser/transfers.browser-spec.ts': 233,
  'test/browser/procurement-methods.browser-spec.ts': 168,
  'test/browser/pages.browser-spec.ts': 128,
  'test/browser/deposits.browser-spec.ts': 123,
  'test/browser/procurements.browser-spec.ts': 111,
  'test/browser/listing-editing.browser-spec.ts': 98,
  'test/browser/tender-rounds.browser-spec.ts': 92,
  'test/browser/tender-evaluation.browser-spec.ts': 91,
  'test/browser/alerts.browser-spec.ts': 50,
  // Unit and e2e: an idle-machine run with 4 workers (2026-11-29).
  'test/faults.e2e-spec.ts': 107,
  'test/socket-auth.e2e-spec.ts': 90,
  'test/reports-attacks.e2e-spec.ts': 60,
  'test/early-warning.e2e-spec.ts': 59,
  'test/processes.e2e-spec.ts': 53,
  'test/close-at-scale.e2e-spec.ts': 49,
  'test/complaints.e2e-spec.ts': 46,
  'test/supervision.e2e-spec.ts': 42,
  'test/scale-out.e2e-spec.ts': 41,
  'test/secrets.e2e-spec.ts': 40,
  'test/sign-in-limits.e2e-spec.ts': 38,
  'test/socket-limits.e2e-spec.ts': 38,
  'test/sealed-bid-opening-kill.e2e-spec.ts': 37,
  'test/transfer-deposits.e2e-spec.ts': 36,
  'test/bid-contract.e2e-spec.ts': 36,
  'test/reports.e2e-spec.ts': 35,
  'test/accounts-operator-cli.e2e-spec.ts': 35,
  'test/race.e2e-spec.ts': 35,
  'test/transfers.e2e-spec.ts': 35,
  'test/live-protocol.e2e-spec.ts': 34,
  'test/auction.e2e-spec.ts': 29,
  'test/production-sealed-bid-keys.e2e-spec.ts': 29,
  'test/tender-rounds.e2e-spec.ts': 28,
  'test/tender-opening.e2e-spec.ts': 26,
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
