import Sequencer from '@jest/test-sequencer';

/**
 * Seconds each of the longest files took in a whole run (fresh clone). CI runs a clean
 * clone, so Jest has no timings of its own and would order by file size: a long file that is
 * small, started last, would keep the run going alone. These start first, longest first; the
 * rest follow by size, as Jest orders them. Where Jest has timings of its own (a second local run)
 * its order stands. Update from a CI run's "(NN s)" lines.
 */
const LONGEST_SECONDS = {
  // The fresh-clone CI run of 777d815 (2026-11-30, one Jest run, 4 workers, unit, e2e and browser).
  'test/browser/transfers.browser-spec.ts': 121,
  'test/browser/procurement-methods.browser-spec.ts': 119,
  'test/faults.e2e-spec.ts': 107,
  'test/socket-auth.e2e-spec.ts': 75,
  'test/close-at-scale.e2e-spec.ts': 62,
  'test/early-warning.e2e-spec.ts': 62,
  'test/browser/pages.browser-spec.ts': 57,
  'test/browser/deposits.browser-spec.ts': 52,
  'test/supervision.e2e-spec.ts': 52,
  'test/complaints.e2e-spec.ts': 48,
  'test/browser/procurement-evaluation.browser-spec.ts': 48,
  'test/scale-out.e2e-spec.ts': 47,
  'test/secrets.e2e-spec.ts': 41,
  'test/browser/live-room.browser-spec.ts': 38,
  'test/race.e2e-spec.ts': 38,
  'test/sign-in-limits.e2e-spec.ts': 37,
  'test/browser/tender-evaluation.browser-spec.ts': 37,
  'test/browser/procurements.browser-spec.ts': 36,
  'test/transfers.e2e-spec.ts': 35,
  'test/browser/tender-rounds.browser-spec.ts': 34,
  'test/reports-attacks.e2e-spec.ts': 32,
  'test/ocds-statuses.e2e-spec.ts': 31,
  'test/socket-limits.e2e-spec.ts': 31,
  'test/browser/reports.browser-spec.ts': 30,
  'test/bid-contract.e2e-spec.ts': 30,
  'test/browser/tenders.browser-spec.ts': 30,
  'test/reports.e2e-spec.ts': 29,
  'test/live-protocol.e2e-spec.ts': 28,
  'test/transfer-deposits.e2e-spec.ts': 28,
  'test/processes.e2e-spec.ts': 28,
  'test/sealed-bid-opening-kill.e2e-spec.ts': 26,
  'test/browser/listing-editing.browser-spec.ts': 26,
  'test/auction.e2e-spec.ts': 26,
  'test/tender-evaluation.e2e-spec.ts': 25,
  'test/tender-rounds.e2e-spec.ts': 25,
  'test/reports-restart.e2e-spec.ts': 25,
  'test/browser/calendar.browser-spec.ts': 25,
  'test/procurement-evaluation.e2e-spec.ts': 24,
  'test/browser/reauth.browser-spec.ts': 23,
  'test/browser/consoles.browser-spec.ts': 22,
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
